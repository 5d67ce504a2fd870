//! Vocabulary of the circle of people (REL-3): relations, legal protection measures, roles
//! of external professionals.
//!
//! Measures: Code civil art. 425 and following, CASF L271-1 (MASP), child protection
//! measures (CASF L222-*, Code civil 375 and following); see `reference/legal-protection.md`.

/// Relation of a person to the usager: (code, French label).
pub const RELATIONS: &[(&str, &str)] = &[
    ("parent", "Parent"),
    ("conjoint", "Conjoint(e)"),
    ("enfant", "Enfant"),
    ("fratrie", "Frère ou sœur"),
    ("autre_famille", "Autre membre de la famille"),
    ("tuteur", "Tuteur"),
    ("curateur", "Curateur"),
    (
        "mandataire",
        "Mandataire (MJPM, mandat de protection future, habilitation familiale)",
    ),
    ("tiers_digne_confiance", "Tiers digne de confiance"),
    ("ami", "Ami(e), voisin(e)"),
    ("autre", "Autre"),
];

/// Relations that are legal representatives: a measure is then required.
pub const RELATIONS_REPRESENTANT: &[&str] = &["tuteur", "curateur", "mandataire"];

/// Legal protection measures: (code, French label).
pub const MESURES: &[(&str, &str)] = &[
    ("SAUVEGARDE", "Sauvegarde de justice"),
    ("CURATELLE_SIMPLE", "Curatelle simple"),
    ("CURATELLE_RENFORCEE", "Curatelle renforcée"),
    ("TUTELLE", "Tutelle"),
    ("HABILITATION_FAMILIALE", "Habilitation familiale"),
    ("MANDAT_PROTECTION_FUTURE", "Mandat de protection future"),
    ("MASP", "Mesure d'accompagnement social personnalisé (MASP)"),
    ("MAJ", "Mesure d'accompagnement judiciaire (MAJ)"),
    ("AED", "Aide éducative à domicile (AED)"),
    ("AEMO", "Action éducative en milieu ouvert (AEMO)"),
    (
        "ACCUEIL_PROVISOIRE",
        "Accueil provisoire (placement administratif)",
    ),
    ("PLACEMENT_JUDICIAIRE", "Placement judiciaire"),
    ("DAP", "Délégation d'autorité parentale"),
    (
        "TUTELLE_ETAT",
        "Tutelle déférée à l'État / pupille de l'État",
    ),
    ("RETRAIT_AP", "Retrait de l'autorité parentale"),
];

/// Roles of an external professional for an usager: (code, French label).
pub const ROLES_PROFESSIONNEL: &[(&str, &str)] = &[
    ("medecin_traitant", "Médecin traitant"),
    ("specialiste", "Médecin spécialiste"),
    ("infirmier_liberal", "Infirmier libéral"),
    ("referent_ase", "Référent ASE"),
    ("mdph", "Référent MDPH"),
    ("assistant_social", "Assistant(e) social(e)"),
    ("mandataire_judiciaire", "Mandataire judiciaire"),
    ("autre", "Autre"),
];

/// Label of a code in one of the lists above.
pub fn libelle(list: &[(&'static str, &'static str)], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// Whether `code` is in the list.
pub fn connu(list: &[(&str, &str)], code: &str) -> bool {
    list.iter().any(|(c, _)| *c == code)
}
