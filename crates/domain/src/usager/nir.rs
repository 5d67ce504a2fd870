//! A NIR (or NIA) typed by hand, checked against the identity it is typed with: the sex
//! digit, the year and month of birth, the département and commune (or the country for a
//! birth abroad). INSEE's structure of the NIR (`shared/interop/01-ins.md` §1):
//!
//! | positions | meaning |
//! |---|---|
//! | 1 | `1` man, `2` woman; a NIA (temporary number) `7` man, `8` woman |
//! | 2-3 | last two digits of the year of birth |
//! | 4-5 | month `01`-`12`; `20`, `30`-`42` and `50`-`99` when the month was unknown or the number fictitious: not compared |
//! | 6-10 | COG code of the commune of birth (`2A`/`2B` Corsica, `20` Corsica before 1976, `97x`/`98x` overseas: 3-digit département, 2-digit commune); `99` + INSEE country code for a birth abroad; `91`-`96` for Algeria, Tunisia and Morocco before independence |
//!
//! What the NIR says is compared with what was typed, part by part; each disagreement says
//! which part, so the person knows whether the number or the identity has the typo. The
//! key proves only that no digit was mistyped (`Nir::parse` checks it).

use crate::identifiers::{CodeCog, Nir};

use super::{DateNaissance, Sexe};

/// A part of a NIR that contradicts the identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EcartNir {
    /// The first digit says the other sex.
    Sexe {
        /// The digit.
        chiffre: char,
        /// The sex typed.
        saisi: Sexe,
    },
    /// Digits 2-3 are not the year of birth.
    Annee {
        /// The two digits.
        nir: String,
        /// The year typed.
        saisie: i32,
    },
    /// Digits 4-5 are a month other than the month of birth.
    Mois {
        /// The month of the NIR.
        nir: u32,
        /// The month typed.
        saisi: u32,
    },
    /// Digits 4-5 are no month nor one of the special codes.
    MoisImpossible {
        /// The two digits.
        nir: String,
    },
    /// Digits 6-7 (6-8 overseas) are another département, or say France / abroad when the
    /// birthplace says the other.
    Departement {
        /// The NIR's part.
        nir: String,
        /// The birthplace typed.
        lieu: String,
    },
    /// Digits 8-10 are another commune (or country) than the birthplace.
    Commune {
        /// The NIR's code (département and commune, or 99 and country).
        nir: String,
        /// The birthplace typed.
        lieu: String,
    },
}

/// The French name of month `m` (1 to 12; « ? » otherwise), lower case: « décembre ».
pub fn mois_fr(m: u32) -> &'static str {
    const MOIS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    MOIS.get(m.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("?")
}

impl std::fmt::Display for EcartNir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EcartNir::Sexe { chiffre, saisi } => {
                let nir = if matches!(chiffre, '1' | '7') { "un homme" } else { "une femme" };
                let saisi = match saisi {
                    Sexe::F => "féminin",
                    Sexe::M => "masculin",
                    Sexe::I => "indéterminé",
                };
                write!(f, "son 1er chiffre ({chiffre}) est celui d'{nir}, le sexe saisi est {saisi}")
            }
            EcartNir::Annee { nir, saisie } => write!(
                f,
                "ses chiffres 2 et 3 ({nir}) sont l'année de naissance : la date saisie est en {saisie}"
            ),
            EcartNir::Mois { nir, saisi } => write!(
                f,
                "ses chiffres 4 et 5 ({nir:02}) sont le mois de naissance ({}) : la date saisie est en {}",
                mois_fr(*nir),
                mois_fr(*saisi)
            ),
            EcartNir::MoisImpossible { nir } => write!(
                f,
                "ses chiffres 4 et 5 ({nir}) devraient être le mois de naissance (01 à 12) : ce n'est pas un mois"
            ),
            EcartNir::Departement { nir, lieu } if nir == "99" => write!(
                f,
                "ses chiffres 6 et 7 (99) disent une naissance à l'étranger : le lieu de naissance saisi ({lieu}) est en France"
            ),
            EcartNir::Departement { nir, lieu } if lieu.starts_with("99") => write!(
                f,
                "ses chiffres 6 et 7 ({nir}) disent une naissance en France : le lieu de naissance saisi ({lieu}) est à l'étranger"
            ),
            EcartNir::Departement { nir, lieu } => write!(
                f,
                "ses chiffres de département ({nir}) ne sont pas ceux du lieu de naissance saisi ({lieu})"
            ),
            EcartNir::Commune { nir, lieu } if nir.starts_with("99") => write!(
                f,
                "ses chiffres 8 à 10 ({}) sont le pays de naissance : le pays saisi est {lieu}",
                &nir[2..]
            ),
            EcartNir::Commune { nir, lieu } => write!(
                f,
                "ses chiffres 6 à 10 ({nir}) sont la commune de naissance : la commune saisie est {lieu}"
            ),
        }
    }
}

/// The month digits: `Some(m)` for a month 1-12, `None` for a special code that is not
/// compared, `Err` for neither.
fn mois(nir: &str) -> Result<Option<u32>, EcartNir> {
    let m: u32 = nir[3..5].parse().unwrap_or(0);
    match m {
        1..=12 => Ok(Some(m)),
        20 | 30..=42 | 50..=99 => Ok(None),
        _ => Err(EcartNir::MoisImpossible {
            nir: nir[3..5].to_string(),
        }),
    }
}

/// Whether the NIR's département (`nd`) and the birthplace's (`ld`) may name the same
/// place at birth: Corsica before 1976 (`20` for `2A`/`2B`), the Seine and Seine-et-Oise
/// before 1968 (75, 78 for 91-95), Algeria, Tunisia and Morocco before independence
/// (91-96 for a birthplace abroad).
fn departement_historique(nd: &str, ld: &str, annee: i32) -> bool {
    (nd == "20" && matches!(ld, "2A" | "2B"))
        || (annee < 1968 && nd == "75" && matches!(ld, "92" | "93" | "94"))
        || (annee < 1968 && nd == "78" && matches!(ld, "91" | "92" | "93" | "94" | "95"))
        || (annee < 1968 && matches!(nd, "91" | "92" | "93" | "94" | "95" | "96") && ld == "99")
}

/// Every part of `nir` that contradicts the identity typed with it (empty when none does).
/// A part the identity leaves unknown (sex indéterminé, month unknown, no birthplace) is
/// not compared.
pub fn ecarts_nir(
    nir: &Nir,
    sexe: Sexe,
    date: &DateNaissance,
    lieu: Option<&CodeCog>,
) -> Vec<EcartNir> {
    let n = nir.as_str();
    let mut ecarts = Vec::new();
    let chiffre = n.chars().next().unwrap_or('0');
    let homme = matches!(chiffre, '1' | '7');
    match sexe {
        Sexe::M if !homme => ecarts.push(EcartNir::Sexe {
            chiffre,
            saisi: sexe,
        }),
        Sexe::F if homme => ecarts.push(EcartNir::Sexe {
            chiffre,
            saisi: sexe,
        }),
        _ => {}
    }
    let annee = date.annee();
    if n[1..3] != format!("{:02}", annee.rem_euclid(100)) {
        ecarts.push(EcartNir::Annee {
            nir: n[1..3].to_string(),
            saisie: annee,
        });
    }
    match (mois(n), date.mois()) {
        (Err(e), _) => ecarts.push(e),
        (Ok(Some(m)), Some(saisi)) if m != saisi => ecarts.push(EcartNir::Mois { nir: m, saisi }),
        _ => {}
    }
    if let Some(lieu) = lieu {
        let l = lieu.as_str();
        let outre_mer = n[5..].starts_with("97") || n[5..].starts_with("98");
        let (nd, ld) = if outre_mer && (l.starts_with("97") || l.starts_with("98")) {
            (&n[5..8], &l[..3])
        } else {
            (&n[5..7], &l[..2])
        };
        if nd != ld {
            if !departement_historique(nd, ld, annee) {
                ecarts.push(EcartNir::Departement {
                    nir: nd.to_string(),
                    lieu: l.to_string(),
                });
            } else if nd == "20" && n[7..10] != l[2..5] {
                ecarts.push(EcartNir::Commune {
                    nir: n[5..10].to_string(),
                    lieu: l.to_string(),
                });
            }
        } else if n[5..10] != *l {
            ecarts.push(EcartNir::Commune {
                nir: n[5..10].to_string(),
                lieu: l.to_string(),
            });
        }
    }
    ecarts
}

/// Whether a NIR typed by hand may still be corrected: while INSi has not returned it (no
/// OID) and the identity is provisional.
pub fn nir_modifiable(statut: super::StatutIdentite, ins_de_insi: bool) -> bool {
    !ins_de_insi && statut == super::StatutIdentite::Provisoire
}

/// The French message of the disagreements, naming each part: « Le NIR ne correspond pas à
/// l'identité : … . Vérifiez le numéro sur la carte Vitale ou l'attestation de droits, et
/// l'identité sur la pièce d'identité. »
pub fn message_ecarts(ecarts: &[EcartNir]) -> String {
    let parts: Vec<String> = ecarts.iter().map(ToString::to_string).collect();
    format!(
        "Le NIR ne correspond pas à l'identité : {}. Vérifiez le numéro sur la carte Vitale ou l'attestation de droits, et l'identité sur la pièce d'identité.",
        parts.join(" ; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    /// A valid NIR of the body `corps` (13 characters), its key computed.
    fn nir(corps: &str) -> Nir {
        let cle = crate::identifiers::nir_key(corps).unwrap();
        Nir::parse(&format!("{corps}{cle:02}")).unwrap()
    }

    fn ecarts(corps: &str, sexe: Sexe, date: &str, lieu: Option<&str>) -> Vec<EcartNir> {
        let d = DateNaissance::parse(date, today()).unwrap();
        let l = lieu.map(|l| CodeCog::parse(l).unwrap());
        ecarts_nir(&nir(corps), sexe, &d, l.as_ref())
    }

    #[test]
    fn a_nir_that_agrees_with_the_identity_has_no_disagreement() {
        assert!(ecarts("2380451215189", Sexe::F, "12/04/1938", Some("51215")).is_empty());
        assert!(ecarts("1380451215189", Sexe::M, "12/04/1938", None).is_empty());
        // Sex indéterminé: the first digit is not compared.
        assert!(ecarts("1380451215189", Sexe::I, "12/04/1938", None).is_empty());
    }

    #[test]
    fn the_sex_digit_is_compared_for_a_nir_and_a_nia() {
        let e = ecarts("1380451215189", Sexe::F, "12/04/1938", None);
        assert_eq!(
            e,
            vec![EcartNir::Sexe {
                chiffre: '1',
                saisi: Sexe::F
            }]
        );
        assert!(e[0]
            .to_string()
            .contains("1er chiffre (1) est celui d'un homme"));
        assert!(ecarts("2380451215189", Sexe::M, "12/04/1938", None).len() == 1);
        assert!(ecarts("8380499134189", Sexe::F, "12/04/1938", Some("99134")).is_empty());
        assert!(ecarts("7380499134189", Sexe::M, "12/04/1938", Some("99134")).is_empty());
        assert_eq!(
            ecarts("8380499134189", Sexe::M, "12/04/1938", None).len(),
            1
        );
    }

    #[test]
    fn the_year_and_the_month_are_compared() {
        let e = ecarts("2390451215189", Sexe::F, "12/04/1938", None);
        assert_eq!(
            e,
            vec![EcartNir::Annee {
                nir: "39".into(),
                saisie: 1938
            }]
        );
        assert!(e[0].to_string().contains("ses chiffres 2 et 3 (39)"));
        let e = ecarts("2380551215189", Sexe::F, "12/04/1938", None);
        assert_eq!(e, vec![EcartNir::Mois { nir: 5, saisi: 4 }]);
        assert!(e[0]
            .to_string()
            .contains("(mai) : la date saisie est en avril"));
        // A birth date with an unknown month: the NIR's month is not compared.
        assert!(ecarts("2380551215189", Sexe::F, "00/00/1938", None).is_empty());
        // 2000s: the two digits of the year.
        assert!(ecarts("2050351215189", Sexe::F, "01/03/2005", None).is_empty());
    }

    #[test]
    fn special_months_are_not_compared_and_impossible_ones_are_refused() {
        for m in ["20", "30", "42", "50", "99"] {
            let corps = format!("238{m}51215189");
            assert!(
                ecarts(&corps, Sexe::F, "12/04/1938", None).is_empty(),
                "{m}"
            );
        }
        for m in ["00", "13", "19", "21", "29", "43", "49"] {
            let corps = format!("238{m}51215189");
            let e = ecarts(&corps, Sexe::F, "12/04/1938", None);
            assert_eq!(e, vec![EcartNir::MoisImpossible { nir: m.into() }], "{m}");
        }
    }

    #[test]
    fn the_birthplace_is_compared_with_the_departement_and_the_commune() {
        let e = ecarts("2380475115189", Sexe::F, "12/04/1938", Some("51215"));
        assert_eq!(
            e,
            vec![EcartNir::Departement {
                nir: "75".into(),
                lieu: "51215".into()
            }]
        );
        let e = ecarts("2380451216189", Sexe::F, "12/04/1938", Some("51215"));
        assert_eq!(
            e,
            vec![EcartNir::Commune {
                nir: "51216".into(),
                lieu: "51215".into()
            }]
        );
        assert!(e[0].to_string().contains("ses chiffres 6 à 10 (51216)"));
    }

    #[test]
    fn a_birth_abroad_is_99_and_the_country() {
        assert!(ecarts("2380499134189", Sexe::F, "12/04/1938", Some("99134")).is_empty());
        let e = ecarts("2380499135189", Sexe::F, "12/04/1938", Some("99134"));
        assert_eq!(
            e,
            vec![EcartNir::Commune {
                nir: "99135".into(),
                lieu: "99134".into()
            }]
        );
        assert!(e[0].to_string().contains("pays de naissance"));
        let e = ecarts("2380499134189", Sexe::F, "12/04/1938", Some("51215"));
        assert!(e[0].to_string().contains("naissance à l'étranger"));
        let e = ecarts("2380451215189", Sexe::F, "12/04/1938", Some("99134"));
        assert!(e[0].to_string().contains("est à l'étranger"));
    }

    #[test]
    fn corsica_overseas_and_former_departements() {
        assert!(ecarts("155012A004010", Sexe::M, "00/01/1955", Some("2A004")).is_empty());
        // Corsica before 1976: 20 in the NIR, 2A/2B in the COG; the commune still compared.
        assert!(ecarts("1550120004010", Sexe::M, "00/01/1955", Some("2A004")).is_empty());
        assert_eq!(
            ecarts("1550120005010", Sexe::M, "00/01/1955", Some("2A004")).len(),
            1
        );
        // Overseas: 3-digit département, 2-digit commune.
        assert!(ecarts("2800197411123", Sexe::F, "03/01/1980", Some("97411")).is_empty());
        let e = ecarts("2800197411123", Sexe::F, "03/01/1980", Some("97311"));
        assert_eq!(
            e,
            vec![EcartNir::Departement {
                nir: "974".into(),
                lieu: "97311".into()
            }]
        );
        // Seine before 1968; Algeria before independence.
        assert!(ecarts("1500175012123", Sexe::M, "03/01/1950", Some("92012")).is_empty());
        assert_eq!(
            ecarts("1700175012123", Sexe::M, "03/01/1970", Some("92012")).len(),
            1
        );
        assert!(ecarts("1500191352123", Sexe::M, "03/01/1950", Some("99352")).is_empty());
    }

    #[test]
    fn the_message_names_every_part() {
        let e = ecarts("1390551216189", Sexe::F, "12/04/1938", Some("51215"));
        assert_eq!(e.len(), 4);
        let m = message_ecarts(&e);
        assert!(m.starts_with("Le NIR ne correspond pas à l'identité : son 1er chiffre"));
        assert!(m.contains(" ; ses chiffres 2 et 3 (39)"));
        assert!(m.ends_with("sur la pièce d'identité."));
    }
}
