//! Fictitious French names for demo data: accents, compound names, particles, and names of
//! families from many origins, as found in any French département.

/// Family names.
pub const NOMS: &[&str] = &[
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefèvre", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier",
    "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre-Durand", "Faure",
    "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier",
    "Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier",
    "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour",
    "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier",
    "Arnaud", "Martínez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal",
    "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier",
    "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Leclercq", "Guillaume",
    "Lecomte", "López", "Jean", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier", "Sánchez", "Dupuis",
    "Le Goff", "Le Gall", "Le Roux", "De La Fontaine", "D'Almeida", "N'Diaye", "Diallo", "Traoré", "Benali", "Haddad",
    "Nguyen", "Tran", "Ferreira", "Da Silva", "Pereira", "Santoni", "Colonna", "Étienne", "Hervé", "Ménard",
    "Bénard", "Prévost", "Chrétien", "Lévêque", "Pâris", "Besançon", "Saint-Martin", "Grégoire", "Thérèse", "Désiré",
];

/// Female first names.
pub const PRENOMS_F: &[&str] = &[
    "Marie", "Jeanne", "Françoise", "Monique", "Catherine", "Nathalie", "Isabelle", "Sylvie", "Anne", "Hélène",
    "Christine", "Martine", "Nicole", "Valérie", "Sophie", "Céline", "Chloé", "Léa", "Manon", "Emma",
    "Camille", "Inès", "Zoé", "Anaïs", "Léonie", "Mélanie", "Élodie", "Geneviève", "Thérèse", "Andrée",
    "Marie-Thérèse", "Marie-Claire", "Anne-Sophie", "Aïssatou", "Fatoumata", "Yasmine", "Noémie", "Océane", "Maëlle", "Josiane",
    "Odette", "Simone", "Germaine", "Lucienne", "Renée", "Suzanne", "Colette", "Éliane", "Gisèle", "Paulette",
];

/// Male first names.
pub const PRENOMS_M: &[&str] = &[
    "Jean", "Pierre", "Michel", "André", "Philippe", "Alain", "Jacques", "Bernard", "Daniel", "René",
    "François", "Louis", "Gérard", "Christian", "Marcel", "Nicolas", "Thomas", "Lucas", "Hugo", "Théo",
    "Léo", "Noé", "Raphaël", "Gabriel", "Mathéo", "Jérôme", "Benoît", "Stéphane", "Frédéric", "Sébastien",
    "Jean-Pierre", "Jean-François", "Jean-Claude", "Jean-Marc", "Paul-Henri", "Mamadou", "Karim", "Yanis", "Mohamed", "Noël",
    "Émile", "Gaston", "Fernand", "Maurice", "Raymond", "Roger", "Marius", "Joël", "Loïc", "Anaël",
];

/// COG codes of birth communes (Lyon, Paris, Marseille, Ajaccio, overseas, abroad…).
pub const COMMUNES: &[&str] = &[
    "69123", "69381", "75056", "13055", "31555", "33063", "59350", "67482", "44109", "06088",
    "2A004", "2B033", "97411", "97209", "99350", "99134", "99341", "01053", "38185", "42218",
];
