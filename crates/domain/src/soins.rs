//! The medical summary (*synthèse médicale*) of the care section: allergies, current
//! problems (CIM-10 codes where known), history, treatments, vaccinations, devices, diet,
//! risks, and what the emergency liaison file (DLU) needs besides (advance directives,
//! palliative care, usual state, communication). Each entry is dated and authored; an entry
//! is never changed: it is ended (kept with its end date) or corrected (a new entry naming
//! it, both kept).

use chrono::NaiveDate;

code_enum! {
    /// The heading of an entry of the medical summary, in display order.
    Rubrique {
        /// Allergy or intolerance (« Aucune allergie connue » is an entry too).
        Allergie = "allergie", "Allergies et intolérances";
        /// A current problem or diagnosis (CIM-10 code where known).
        Probleme = "probleme", "Problèmes de santé actuels";
        /// Medical or surgical history.
        Antecedent = "antecedent", "Antécédents médicaux et chirurgicaux";
        /// A current treatment (until prescriptions are structured).
        Traitement = "traitement", "Traitements en cours";
        /// A vaccination.
        Vaccination = "vaccination", "Vaccinations";
        /// A medical device (pacemaker, probe, hearing aid…).
        Dispositif = "dispositif", "Dispositifs médicaux";
        /// Diet and textures.
        Regime = "regime", "Régime et textures";
        /// A risk (falls, swallowing, pressure ulcers, wandering…).
        Risque = "risque", "Risques";
        /// Hearing, sight, language, aids (glasses, dentures…).
        Communication = "communication", "Communication";
        /// The usual state: mobility, continence, cognition, usual pain.
        EtatHabituel = "etat_habituel", "État habituel";
        /// Advance directives: whether there are some and where to find them.
        Directives = "directives", "Directives anticipées";
        /// Palliative care (comfort care comes first) or not.
        Palliatif = "palliatif", "Soins palliatifs";
        /// Any other alert (the free-text alerts of the file were migrated here).
        Alerte = "alerte", "Alertes";
    }
}

impl Rubrique {
    /// Whether an active entry of this heading is shown in the file's header (to those who
    /// may read the care section).
    pub fn en_entete(self) -> bool {
        matches!(
            self,
            Rubrique::Allergie | Rubrique::Risque | Rubrique::Alerte | Rubrique::Palliatif
        )
    }

    /// Whether an entry of this heading may carry a CIM-10 code.
    pub fn code_cim10_permis(self) -> bool {
        matches!(self, Rubrique::Probleme | Rubrique::Antecedent)
    }

    /// Suggestions offered when typing the label (a free label is always accepted).
    pub fn suggestions(self) -> &'static [&'static str] {
        match self {
            Rubrique::Allergie => &["Aucune allergie connue", "Pénicilline", "Iode", "Latex"],
            Rubrique::Risque => &[
                "Risque de chute",
                "Risque de fausse route",
                "Risque d'escarre",
                "Risque de fugue / déambulation",
                "Risque de dénutrition",
            ],
            Rubrique::Regime => &[
                "Texture mixée",
                "Texture hachée",
                "Eau gélifiée",
                "Régime diabétique",
                "Régime sans sel",
            ],
            Rubrique::Dispositif => &[
                "Stimulateur cardiaque",
                "Sonde urinaire",
                "Appareil auditif",
                "Lunettes",
                "Prothèse dentaire",
            ],
            Rubrique::Directives => &[
                "Pas de directives anticipées",
                "Directives anticipées rédigées : classeur de l'infirmerie",
            ],
            Rubrique::Palliatif => &[
                "Non",
                "Oui : soins de confort prioritaires (avis du médecin traitant)",
            ],
            _ => &[],
        }
    }
}

/// Whether `code` is written as a CIM-10 code: a letter, two digits, then optionally a dot
/// and one or two characters (`I10`, `F03`, `E11.9`, `S72.0`).
pub fn cim10_valide(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_uppercase() || !b[1].is_ascii_digit() || !b[2].is_ascii_digit()
    {
        return false;
    }
    match &b[3..] {
        [] => true,
        [b'.', rest @ ..] | rest if !rest.is_empty() && rest.len() <= 2 => rest
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
        _ => false,
    }
}

/// An entry of the summary as typed, for [`erreurs_entree`].
#[derive(Clone, Copy, Debug)]
pub struct Entree<'a> {
    /// Heading.
    pub rubrique: Rubrique,
    /// Label (required).
    pub libelle: &'a str,
    /// CIM-10 code.
    pub code_cim10: Option<&'a str>,
    /// Since when (a complete date).
    pub date_debut: Option<NaiveDate>,
}

/// The rules an entry breaks on `aujourdhui`, as (field, French message).
pub fn erreurs_entree(e: &Entree, aujourdhui: NaiveDate) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    if e.libelle.trim().is_empty() {
        v.push(("libelle", "Le libellé est obligatoire.".to_string()));
    }
    if let Some(c) = e.code_cim10 {
        if !e.rubrique.code_cim10_permis() {
            v.push((
                "code_cim10",
                "Un code CIM-10 ne s'indique que pour un problème de santé ou un antécédent."
                    .to_string(),
            ));
        } else if !cim10_valide(c) {
            v.push((
                "code_cim10",
                "Le code CIM-10 s'écrit une lettre et deux chiffres, puis éventuellement un point et un ou deux caractères (exemple : E11.9).".to_string(),
            ));
        }
    }
    if e.date_debut.is_some_and(|d| d > aujourdhui) {
        v.push((
            "date_debut",
            "La date ne peut pas être dans le futur.".to_string(),
        ));
    }
    v
}

/// The rule of an end date: not before the start, not in the future.
pub fn erreur_fin(
    date_debut: Option<NaiveDate>,
    date_fin: NaiveDate,
    aujourdhui: NaiveDate,
) -> Option<String> {
    if date_fin > aujourdhui {
        return Some("La date de fin ne peut pas être dans le futur.".into());
    }
    if date_debut.is_some_and(|d| date_fin < d) {
        return Some("La date de fin ne peut pas précéder la date de début.".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn cim10_codes_are_a_letter_two_digits_and_an_optional_extension() {
        for ok in ["I10", "F03", "E11.9", "S72.0", "E119", "C50.91", "U07.1"] {
            assert!(cim10_valide(ok), "{ok}");
        }
        for ko in [
            "", "I1", "10", "i10", "E11.", "E11.123", "E11-9", "EE1", "E11.9 ", "É11",
        ] {
            assert!(!cim10_valide(ko), "{ko}");
        }
    }

    #[test]
    fn an_entry_needs_a_label_a_code_where_allowed_and_no_future_date() {
        let today = d("2026-12-06");
        let ok = Entree {
            rubrique: Rubrique::Probleme,
            libelle: "Diabète de type 2",
            code_cim10: Some("E11.9"),
            date_debut: Some(d("2020-01-01")),
        };
        assert!(erreurs_entree(&ok, today).is_empty());
        let champs = |e: &Entree| -> Vec<&str> {
            erreurs_entree(e, today)
                .into_iter()
                .map(|(c, _)| c)
                .collect()
        };
        assert_eq!(
            champs(&Entree {
                libelle: "  ",
                ..ok
            }),
            ["libelle"]
        );
        assert_eq!(
            champs(&Entree {
                code_cim10: Some("diabète"),
                ..ok
            }),
            ["code_cim10"]
        );
        assert_eq!(
            champs(&Entree {
                rubrique: Rubrique::Allergie,
                ..ok
            }),
            ["code_cim10"]
        );
        assert_eq!(
            champs(&Entree {
                date_debut: Some(d("2026-12-07")),
                ..ok
            }),
            ["date_debut"]
        );
    }

    #[test]
    fn an_end_date_is_neither_before_the_start_nor_in_the_future() {
        let today = d("2026-12-06");
        assert_eq!(
            erreur_fin(Some(d("2026-01-01")), d("2026-06-01"), today),
            None
        );
        assert_eq!(erreur_fin(None, today, today), None);
        assert!(erreur_fin(Some(d("2026-01-01")), d("2025-12-31"), today).is_some());
        assert!(erreur_fin(None, d("2026-12-07"), today).is_some());
    }

    #[test]
    fn the_header_shows_allergies_risks_alerts_and_palliative_care() {
        let entete: Vec<_> = Rubrique::ALL.iter().filter(|r| r.en_entete()).collect();
        assert_eq!(
            entete,
            [
                &Rubrique::Allergie,
                &Rubrique::Risque,
                &Rubrique::Palliatif,
                &Rubrique::Alerte
            ]
        );
    }
}
