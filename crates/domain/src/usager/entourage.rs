//! Vocabulary of the circle of people (REL-3): relations, legal protection measures, roles
//! of external professionals.
//!
//! Measures: Code civil art. 425 and following, CASF L271-1 (MASP), child protection
//! measures (CASF L222-*, Code civil 375 and following); see `reference/legal-protection.md`.

code_enum! {
    /// Relation of a person to the usager.
    Relation {
        Parent = "parent", "Parent";
        Conjoint = "conjoint", "Conjoint(e)";
        Enfant = "enfant", "Enfant";
        Fratrie = "fratrie", "Frère ou sœur";
        AutreFamille = "autre_famille", "Autre membre de la famille";
        /// Legal representative.
        Tuteur = "tuteur", "Tuteur";
        /// Legal representative.
        Curateur = "curateur", "Curateur";
        /// Legal representative.
        Mandataire = "mandataire", "Mandataire (MJPM, mandat de protection future, habilitation familiale)";
        TiersDigneConfiance = "tiers_digne_confiance", "Tiers digne de confiance";
        Ami = "ami", "Ami(e), voisin(e)";
        Autre = "autre", "Autre";
    }
}

impl Relation {
    /// A legal representative: a measure is then required.
    pub fn est_representant(self) -> bool {
        matches!(
            self,
            Relation::Tuteur | Relation::Curateur | Relation::Mandataire
        )
    }
}

code_enum! {
    /// Legal protection measure (adults) or child protection measure.
    MesureProtection {
        Sauvegarde = "SAUVEGARDE", "Sauvegarde de justice";
        CuratelleSimple = "CURATELLE_SIMPLE", "Curatelle simple";
        CuratelleRenforcee = "CURATELLE_RENFORCEE", "Curatelle renforcée";
        Tutelle = "TUTELLE", "Tutelle";
        HabilitationFamiliale = "HABILITATION_FAMILIALE", "Habilitation familiale";
        MandatProtectionFuture = "MANDAT_PROTECTION_FUTURE", "Mandat de protection future";
        Masp = "MASP", "Mesure d'accompagnement social personnalisé (MASP)";
        Maj = "MAJ", "Mesure d'accompagnement judiciaire (MAJ)";
        Aed = "AED", "Aide éducative à domicile (AED)";
        Aemo = "AEMO", "Action éducative en milieu ouvert (AEMO)";
        AccueilProvisoire = "ACCUEIL_PROVISOIRE", "Accueil provisoire (placement administratif)";
        PlacementJudiciaire = "PLACEMENT_JUDICIAIRE", "Placement judiciaire";
        Dap = "DAP", "Délégation d'autorité parentale";
        TutelleEtat = "TUTELLE_ETAT", "Tutelle déférée à l'État / pupille de l'État";
        RetraitAp = "RETRAIT_AP", "Retrait de l'autorité parentale";
    }
}

code_enum! {
    /// Role of an external professional for an usager.
    RoleProfessionnel {
        MedecinTraitant = "medecin_traitant", "Médecin traitant";
        Specialiste = "specialiste", "Médecin spécialiste";
        InfirmierLiberal = "infirmier_liberal", "Infirmier libéral";
        ReferentAse = "referent_ase", "Référent ASE";
        Mdph = "mdph", "Référent MDPH";
        AssistantSocial = "assistant_social", "Assistant(e) social(e)";
        MandataireJudiciaire = "mandataire_judiciaire", "Mandataire judiciaire";
        Autre = "autre", "Autre";
    }
}

/// The French messages of a code the lists above do not know, by field.
pub const INCONNUE_RELATION: &str = "Choisissez le lien avec l'usager dans la liste.";
/// See [`INCONNUE_RELATION`].
pub const INCONNUE_MESURE: &str = "Mesure de protection inconnue.";
/// See [`INCONNUE_RELATION`].
pub const INCONNU_ROLE: &str = "Choisissez le rôle du professionnel auprès de l'usager.";

/// A person of the circle as the rules see it (trimmed text, parsed dates).
#[derive(Debug, Clone, Copy)]
pub struct PersonneEntourage<'a> {
    /// Family name.
    pub nom: &'a str,
    /// First name.
    pub prenom: &'a str,
    /// Relation.
    pub relation: Relation,
    /// Legal protection measure.
    pub mesure_protection: Option<MesureProtection>,
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
/// characters at most), a measure for a legal representative
/// ([`Relation::est_representant`]), a measure that does not end before it
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
    if p.mesure_protection.is_none() && p.relation.est_representant() {
        put(
            "mesure_protection",
            "Précisez la mesure de protection de ce représentant légal.",
        );
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

/// The `tel:` address of a typed phone number (« 06 12 34 56 78 » → `tel:0612345678`,
/// « +33 (0)6… » keeps its `+`): digits only, a leading `+` kept, a trunk « (0) » dropped.
pub fn tel_uri(telephone: &str) -> String {
    let t = telephone.trim().replace("(0)", "");
    let plus = t.starts_with('+');
    let chiffres: String = t.chars().filter(char::is_ascii_digit).collect();
    format!("tel:{}{chiffres}", if plus { "+" } else { "" })
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
            relation: Relation::Enfant,
            mesure_protection: None,
            mesure_debut: None,
            mesure_fin: None,
            personne_confiance: false,
            date_designation: None,
            telephone: None,
            email: None,
        }
    }

    #[test]
    fn a_phone_number_becomes_a_tel_address() {
        assert_eq!(tel_uri("06 12 34 56 78"), "tel:0612345678");
        assert_eq!(tel_uri("06.12.34.56.78"), "tel:0612345678");
        assert_eq!(tel_uri("+33 (0)6 12 34 56 78"), "tel:+33612345678");
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
        let representants: Vec<Relation> = Relation::ALL
            .iter()
            .copied()
            .filter(|r| r.est_representant())
            .collect();
        assert_eq!(representants.len(), 3);
        for relation in representants {
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
                mesure_protection: Some(MesureProtection::Tutelle),
                ..p
            };
            assert!(erreurs_personne(&p).is_empty());
        }
        // Another relation may carry a measure.
        let p = PersonneEntourage {
            mesure_protection: Some(MesureProtection::Masp),
            ..parent()
        };
        assert!(erreurs_personne(&p).is_empty());
        // A code no list knows has no value at all.
        assert_eq!(MesureProtection::from_code("INCONNUE"), None);
        assert_eq!(Relation::from_code("voisin"), None);
    }

    #[test]
    fn a_measure_does_not_end_before_it_starts() {
        let p = PersonneEntourage {
            relation: Relation::Tuteur,
            mesure_protection: Some(MesureProtection::Tutelle),
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
    fn names_email_and_phone() {
        let p = PersonneEntourage {
            nom: "",
            prenom: "",
            email: Some("pas-une-adresse"),
            telephone: Some("01 23 45"),
            ..parent()
        };
        assert_eq!(champs(&p), vec!["email", "nom", "prenom", "telephone"]);
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
