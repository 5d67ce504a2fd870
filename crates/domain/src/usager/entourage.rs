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

/// A person of the circle as the rules see it (trimmed text, parsed dates).
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonneEntourage<'a> {
    /// Family name.
    pub nom: &'a str,
    /// First name.
    pub prenom: &'a str,
    /// Relation code ([`RELATIONS`]).
    pub relation: &'a str,
    /// Legal protection measure code ([`MESURES`]).
    pub mesure_protection: Option<&'a str>,
    /// Start of the measure.
    pub mesure_debut: Option<chrono::NaiveDate>,
    /// End of the measure.
    pub mesure_fin: Option<chrono::NaiveDate>,
    /// Designated personne de confiance.
    pub personne_confiance: bool,
    /// Date of the (written) designation.
    pub date_designation: Option<chrono::NaiveDate>,
    /// Phone.
    pub telephone: Option<&'a str>,
    /// E-mail.
    pub email: Option<&'a str>,
}

/// The rules of a person of the circle, legal protection first: names required (100
/// characters at most), a known relation, a known measure and one for a legal
/// representative ([`RELATIONS_REPRESENTANT`]), a measure that does not end before it
/// starts, a written designation of the personne de confiance, a plausible e-mail and
/// phone. Returns the broken rules as (field, French message), one per field.
pub fn erreurs_personne(p: &PersonneEntourage<'_>) -> Vec<(&'static str, String)> {
    let mut e: Vec<(&'static str, String)> = Vec::new();
    let mut put = |champ: &'static str, message: &str| {
        e.retain(|(c, _)| *c != champ);
        e.push((champ, message.to_string()));
    };
    if p.nom.is_empty() {
        put("nom", "Le nom est obligatoire.");
    }
    if p.prenom.is_empty() {
        put("prenom", "Le prénom est obligatoire.");
    }
    if p.nom.chars().count() > 100 || p.prenom.chars().count() > 100 {
        put(
            "nom",
            "Le nom et le prénom ne peuvent dépasser 100 caractères.",
        );
    }
    if !connu(RELATIONS, p.relation) {
        put(
            "relation",
            "Choisissez le lien avec l'usager dans la liste.",
        );
    }
    match p.mesure_protection {
        Some(m) if !connu(MESURES, m) => put("mesure_protection", "Mesure de protection inconnue."),
        Some(_) => {}
        None if RELATIONS_REPRESENTANT.contains(&p.relation) => put(
            "mesure_protection",
            "Précisez la mesure de protection de ce représentant légal.",
        ),
        None => {}
    }
    if let (Some(d), Some(f)) = (p.mesure_debut, p.mesure_fin) {
        if f < d {
            put(
                "mesure_fin",
                "La fin de la mesure ne peut précéder son début.",
            );
        }
    }
    if p.personne_confiance && p.date_designation.is_none() {
        put(
            "date_designation",
            "La désignation d'une personne de confiance est écrite : indiquez sa date.",
        );
    }
    if p.email.is_some_and(|m| !m.contains('@')) {
        put("email", "L'adresse électronique n'est pas valide.");
    }
    if p.telephone
        .is_some_and(|t| t.chars().filter(|c| c.is_ascii_digit()).count() < 10)
    {
        put(
            "telephone",
            "Le numéro de téléphone doit comporter au moins 10 chiffres.",
        );
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    fn parent() -> PersonneEntourage<'static> {
        PersonneEntourage {
            nom: "DUPONT",
            prenom: "Marc",
            relation: "enfant",
            ..PersonneEntourage::default()
        }
    }

    fn champs(p: &PersonneEntourage<'_>) -> Vec<&'static str> {
        let mut c: Vec<_> = erreurs_personne(p).into_iter().map(|(c, _)| c).collect();
        c.sort_unstable();
        c
    }

    #[test]
    fn a_plain_relative_is_valid() {
        assert!(erreurs_personne(&parent()).is_empty());
    }

    #[test]
    fn a_legal_representative_needs_a_known_measure() {
        for relation in RELATIONS_REPRESENTANT {
            let p = PersonneEntourage {
                relation,
                ..parent()
            };
            let e = erreurs_personne(&p);
            assert_eq!(
                e,
                vec![(
                    "mesure_protection",
                    "Précisez la mesure de protection de ce représentant légal.".to_string()
                )]
            );
            let p = PersonneEntourage {
                mesure_protection: Some("TUTELLE"),
                ..p
            };
            assert!(erreurs_personne(&p).is_empty());
            let p = PersonneEntourage {
                mesure_protection: Some("INCONNUE"),
                ..p
            };
            assert_eq!(champs(&p), vec!["mesure_protection"]);
        }
        // Another relation may carry a measure, never an unknown one.
        let p = PersonneEntourage {
            mesure_protection: Some("MASP"),
            ..parent()
        };
        assert!(erreurs_personne(&p).is_empty());
    }

    #[test]
    fn a_measure_does_not_end_before_it_starts() {
        let p = PersonneEntourage {
            relation: "tuteur",
            mesure_protection: Some("TUTELLE"),
            mesure_debut: d("2024-05-01"),
            mesure_fin: d("2024-04-30"),
            ..parent()
        };
        assert_eq!(champs(&p), vec!["mesure_fin"]);
        let p = PersonneEntourage {
            mesure_fin: d("2024-05-01"),
            ..p
        };
        assert!(erreurs_personne(&p).is_empty());
        let p = PersonneEntourage {
            mesure_debut: None,
            mesure_fin: d("2020-01-01"),
            ..p
        };
        assert!(erreurs_personne(&p).is_empty());
    }

    #[test]
    fn a_personne_de_confiance_is_designated_in_writing() {
        let p = PersonneEntourage {
            personne_confiance: true,
            ..parent()
        };
        assert_eq!(champs(&p), vec!["date_designation"]);
        let p = PersonneEntourage {
            date_designation: d("2024-01-02"),
            ..p
        };
        assert!(erreurs_personne(&p).is_empty());
    }

    #[test]
    fn names_relation_email_and_phone() {
        let p = PersonneEntourage {
            nom: "",
            prenom: "",
            relation: "voisin",
            email: Some("pas-une-adresse"),
            telephone: Some("01 23 45"),
            ..parent()
        };
        assert_eq!(
            champs(&p),
            vec!["email", "nom", "prenom", "relation", "telephone"]
        );
        // An overlong first name is reported on the name, over « obligatoire ».
        let long = "A".repeat(101);
        let p = PersonneEntourage {
            nom: "",
            prenom: &long,
            ..parent()
        };
        assert_eq!(
            erreurs_personne(&p),
            vec![(
                "nom",
                "Le nom et le prénom ne peuvent dépasser 100 caractères.".to_string()
            )]
        );
    }
}
