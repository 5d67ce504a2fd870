//! The care plan (SOI-1): the planned care acts of a person, each with its kind, who does
//! it, how often (every day, some days of the week, every N days) and at which local times
//! (Europe/Paris) of the day. The daily worksheet is generated from these plans
//! (`crate::feuille_soins`).

use chrono::{Datelike, NaiveDate, NaiveTime};

code_enum! {
    /// The kind of a planned care act.
    TypeActe {
        /// Nursing care (dressing, injection, monitoring).
        SoinInfirmier = "soin_infirmier", "Soin infirmier";
        /// Hygiene and comfort (toilet, change, mouth care).
        Hygiene = "hygiene", "Hygiène et confort";
        /// Prevention (turning, hydration, pressure-ulcer prevention).
        Prevention = "prevention", "Prévention (escarres, hydratation, chutes)";
        /// Physiotherapy.
        Kinesitherapie = "kinesitherapie", "Kinésithérapie";
        /// Speech therapy.
        Orthophonie = "orthophonie", "Orthophonie";
        /// Occupational therapy.
        Ergotherapie = "ergotherapie", "Ergothérapie";
        /// Psychomotor therapy.
        Psychomotricite = "psychomotricite", "Psychomotricité";
        /// Dietetics.
        Dietetique = "dietetique", "Diététique";
        /// Monitoring (vital signs, weight).
        Surveillance = "surveillance", "Surveillance";
        /// Other act.
        Autre = "autre", "Autre";
    }
}

code_enum! {
    /// Who does a planned act.
    Intervenant {
        /// Care aide (aide-soignant, AES).
        AideSoignant = "aide_soignant", "Aide-soignant / AES";
        /// Nurse.
        Infirmier = "infirmier", "Infirmier";
        /// Doctor.
        Medecin = "medecin", "Médecin";
        /// Physiotherapist.
        Kinesitherapeute = "kinesitherapeute", "Kinésithérapeute";
        /// Speech therapist.
        Orthophoniste = "orthophoniste", "Orthophoniste";
        /// Occupational therapist.
        Ergotherapeute = "ergotherapeute", "Ergothérapeute";
        /// Psychomotor therapist.
        Psychomotricien = "psychomotricien", "Psychomotricien";
        /// Educator.
        Educateur = "educateur", "Éducateur / accompagnant";
    }
}

code_enum! {
    /// How often an act comes back.
    TypeFrequence {
        /// Every day.
        Quotidien = "quotidien", "Tous les jours";
        /// Some days of the week.
        JoursSemaine = "jours_semaine", "Certains jours de la semaine";
        /// Every N days from the start of the act.
        Intervalle = "intervalle", "Tous les N jours";
    }
}

/// The most local times an act may have in a day.
pub const HORAIRES_MAX: usize = 12;
/// The longest interval between two days of an act.
pub const INTERVALLE_MAX: u32 = 90;

/// When an act comes back: the days it is due and its local times on those days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frequence {
    /// The kind.
    pub type_frequence: TypeFrequence,
    /// ISO weekdays (1 = Monday … 7 = Sunday) of `JoursSemaine`.
    pub jours_semaine: Vec<u32>,
    /// N of `Intervalle` (days from `debut`).
    pub intervalle: u32,
    /// Local times (Europe/Paris) of each due day, sorted, without duplicates.
    pub horaires: Vec<NaiveTime>,
}

/// An act of a plan as the worksheet sees it: its frequency over `[debut, fin]` (both days
/// included, `fin` open when none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActePlanifie {
    /// First day.
    pub debut: NaiveDate,
    /// Last day, if any.
    pub fin: Option<NaiveDate>,
    /// When.
    pub frequence: Frequence,
}

impl ActePlanifie {
    /// Whether the act is due on `jour` (local calendar day).
    pub fn du_le(&self, jour: NaiveDate) -> bool {
        if jour < self.debut || self.fin.is_some_and(|f| jour > f) {
            return false;
        }
        let f = &self.frequence;
        match f.type_frequence {
            TypeFrequence::Quotidien => true,
            TypeFrequence::JoursSemaine => f
                .jours_semaine
                .contains(&jour.weekday().number_from_monday()),
            TypeFrequence::Intervalle => {
                let n = i64::from(f.intervalle.max(1));
                (jour - self.debut).num_days() % n == 0
            }
        }
    }
}

/// Parses local times `HH:MM` separated by commas or spaces (`08:00, 12:00`): sorted, without
/// duplicates; a French message otherwise.
pub fn parse_horaires(s: &str) -> Result<Vec<NaiveTime>, String> {
    let mut v = Vec::new();
    for h in s.split([',', ' ', ';']).filter(|h| !h.is_empty()) {
        let t = NaiveTime::parse_from_str(h, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&h.replace('h', ":"), "%H:%M"))
            .map_err(|_| {
                format!("L'horaire « {h} » doit être au format HH:MM (par exemple 08:00).")
            })?;
        v.push(t);
    }
    v.sort();
    v.dedup();
    if v.is_empty() {
        return Err("Indiquez au moins un horaire (HH:MM).".into());
    }
    if v.len() > HORAIRES_MAX {
        return Err(format!("{HORAIRES_MAX} horaires par jour au plus."));
    }
    Ok(v)
}

/// The stored form of local times: `08:00,12:00`.
pub fn horaires_texte(h: &[NaiveTime]) -> String {
    h.iter()
        .map(|t| t.format("%H:%M").to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Parses ISO weekdays `1,3,5` (1 = lundi); a French message otherwise.
pub fn parse_jours(s: &str) -> Result<Vec<u32>, String> {
    let mut v = Vec::new();
    for j in s.split([',', ' ', ';']).filter(|j| !j.is_empty()) {
        match j.parse::<u32>() {
            Ok(n @ 1..=7) => v.push(n),
            _ => {
                return Err(format!(
                    "Le jour « {j} » doit être un numéro de 1 (lundi) à 7 (dimanche)."
                ))
            }
        }
    }
    v.sort_unstable();
    v.dedup();
    Ok(v)
}

/// French names of ISO weekdays.
pub const JOURS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

impl Frequence {
    /// Builds a frequency from its parts, checked (French messages).
    pub fn new(
        type_frequence: TypeFrequence,
        jours: &str,
        intervalle: Option<u32>,
        horaires: &str,
    ) -> Result<Frequence, String> {
        let horaires = parse_horaires(horaires)?;
        let jours_semaine = parse_jours(jours)?;
        let intervalle = intervalle.unwrap_or(1);
        match type_frequence {
            TypeFrequence::JoursSemaine if jours_semaine.is_empty() => {
                return Err("Choisissez au moins un jour de la semaine.".into())
            }
            TypeFrequence::Intervalle if !(2..=INTERVALLE_MAX).contains(&intervalle) => {
                return Err(format!(
                    "L'intervalle doit être de 2 à {INTERVALLE_MAX} jours."
                ))
            }
            _ => {}
        }
        Ok(Frequence {
            type_frequence,
            jours_semaine: if type_frequence == TypeFrequence::JoursSemaine {
                jours_semaine
            } else {
                Vec::new()
            },
            intervalle: if type_frequence == TypeFrequence::Intervalle {
                intervalle
            } else {
                1
            },
            horaires,
        })
    }

    /// French description: « tous les jours à 08:00, 20:00 ».
    pub fn libelle(&self) -> String {
        let quand = match self.type_frequence {
            TypeFrequence::Quotidien => "tous les jours".to_string(),
            TypeFrequence::JoursSemaine => format!(
                "le {}",
                self.jours_semaine
                    .iter()
                    .map(|j| JOURS_FR[(*j as usize).clamp(1, 7) - 1])
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            TypeFrequence::Intervalle => format!("tous les {} jours", self.intervalle),
        };
        let fois = self.horaires.len();
        format!(
            "{quand}, {fois} fois par jour ({})",
            horaires_texte(&self.horaires).replace(',', ", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn acte(t: TypeFrequence, jours: &str, n: Option<u32>) -> ActePlanifie {
        ActePlanifie {
            debut: d("2026-03-02"),
            fin: Some(d("2026-03-31")),
            frequence: Frequence::new(t, jours, n, "08:00").unwrap(),
        }
    }

    #[test]
    fn days_due_follow_the_frequency() {
        let q = acte(TypeFrequence::Quotidien, "", None);
        assert!(!q.du_le(d("2026-03-01")), "before the start");
        assert!(q.du_le(d("2026-03-02")));
        assert!(q.du_le(d("2026-03-31")), "the last day is included");
        assert!(!q.du_le(d("2026-04-01")));
        // Monday, Wednesday, Friday; 2026-03-02 is a Monday.
        let s = acte(TypeFrequence::JoursSemaine, "1,3,5", None);
        let dus: Vec<u32> = (2..=8)
            .filter(|j| s.du_le(d(&format!("2026-03-{j:02}"))))
            .collect();
        assert_eq!(dus, vec![2, 4, 6]);
        // Across the time change (Sunday 2026-03-29): a Sunday act is due that day.
        let dim = acte(TypeFrequence::JoursSemaine, "7", None);
        assert!(dim.du_le(d("2026-03-29")));
        // Every 3 days from the start.
        let i = acte(TypeFrequence::Intervalle, "", Some(3));
        let dus: Vec<u32> = (2..=12)
            .filter(|j| i.du_le(d(&format!("2026-03-{j:02}"))))
            .collect();
        assert_eq!(dus, vec![2, 5, 8, 11]);
    }

    #[test]
    fn frequencies_are_checked_in_french() {
        assert!(Frequence::new(TypeFrequence::JoursSemaine, "", None, "08:00").is_err());
        assert!(Frequence::new(TypeFrequence::JoursSemaine, "8", None, "08:00").is_err());
        assert!(Frequence::new(TypeFrequence::Intervalle, "", Some(1), "08:00").is_err());
        assert!(Frequence::new(TypeFrequence::Quotidien, "", None, "").is_err());
        assert!(Frequence::new(TypeFrequence::Quotidien, "", None, "25:00").is_err());
        let f = Frequence::new(TypeFrequence::Quotidien, "", None, "20:00, 08h00,08:00").unwrap();
        assert_eq!(horaires_texte(&f.horaires), "08:00,20:00");
        assert_eq!(
            f.libelle(),
            "tous les jours, 2 fois par jour (08:00, 20:00)"
        );
        let s = Frequence::new(TypeFrequence::JoursSemaine, "5,1", None, "10:00").unwrap();
        assert_eq!(s.libelle(), "le lundi, vendredi, 1 fois par jour (10:00)");
    }
}
