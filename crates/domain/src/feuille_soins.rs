//! The daily care worksheet (SOI-1): the acts due in a shift, generated from the care plans.
//! Shifts are in Europe/Paris local time (matin 07:00–14:00, après-midi 14:00–21:00, nuit
//! 21:00–07:00 the next morning); an act is due at an instant (UTC), so that a time change
//! neither loses nor doubles an act: on the spring night a local time that does not exist
//! (02:30) is the instant the clocks show after the jump (03:30), on the autumn night a local
//! time that happens twice is due once (the first).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

use crate::plan_soins::ActePlanifie;
use crate::policy::{PageEtablissement, Section};

code_enum! {
    /// A shift of the day.
    Poste {
        /// 07:00–14:00.
        Matin = "matin", "Matin (7 h – 14 h)";
        /// 14:00–21:00.
        ApresMidi = "apres_midi", "Après-midi (14 h – 21 h)";
        /// 21:00–07:00 the next day.
        Nuit = "nuit", "Nuit (21 h – 7 h)";
    }
}

code_enum! {
    /// What became of an act due.
    StatutActe {
        /// Done.
        Fait = "fait", "Fait";
        /// Not done (a reason is required).
        NonFait = "non_fait", "Non fait";
    }
}

impl Poste {
    /// Local start hour.
    pub fn debut(self) -> u32 {
        match self {
            Poste::Matin => 7,
            Poste::ApresMidi => 14,
            Poste::Nuit => 21,
        }
    }

    /// The shift of a local time.
    pub fn de_l_heure(h: NaiveTime) -> Poste {
        let m = NaiveTime::from_hms_opt(7, 0, 0).unwrap_or(NaiveTime::MIN);
        let a = NaiveTime::from_hms_opt(14, 0, 0).unwrap_or(NaiveTime::MIN);
        let n = NaiveTime::from_hms_opt(21, 0, 0).unwrap_or(NaiveTime::MIN);
        if h >= m && h < a {
            Poste::Matin
        } else if h >= a && h < n {
            Poste::ApresMidi
        } else {
            Poste::Nuit
        }
    }
}

/// The instant of local time `h` on `jour` in Paris: a time in the spring gap is the
/// instant the clocks show after the jump (02:30 → 03:30 summer time), a time that happens
/// twice in autumn is the first.
pub fn instant_local(jour: NaiveDate, h: NaiveTime) -> DateTime<Utc> {
    let local = jour.and_time(h);
    match Paris.from_local_datetime(&local).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => {
            // In the gap: one hour later exists (the jump is one hour in Paris).
            let apres = local + Duration::hours(1);
            Paris
                .from_local_datetime(&apres)
                .earliest()
                .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
        }
    }
}

/// The instants `[début, fin)` of shift `poste` of day `jour` (the night ends the next
/// morning): 9 hours on the spring night, 11 on the autumn one.
pub fn fenetre(jour: NaiveDate, poste: Poste) -> (DateTime<Utc>, DateTime<Utc>) {
    let heure = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
    let lendemain = jour.succ_opt().unwrap_or(jour);
    let (d, f) = match poste {
        Poste::Matin => ((jour, 7), (jour, 14)),
        Poste::ApresMidi => ((jour, 14), (jour, 21)),
        Poste::Nuit => ((jour, 21), (lendemain, 7)),
    };
    (
        instant_local(d.0, heure(d.1)),
        instant_local(f.0, heure(f.1)),
    )
}

/// The local calendar day (Paris) of an instant.
pub fn jour_local(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Paris).date_naive()
}

/// The shift (its day and kind) an instant belongs to.
pub fn poste_de(t: DateTime<Utc>) -> (NaiveDate, Poste) {
    let local = t.with_timezone(&Paris);
    let h = local.time();
    let poste = Poste::de_l_heure(h);
    let jour = local.date_naive();
    if poste == Poste::Nuit && h < NaiveTime::from_hms_opt(7, 0, 0).unwrap_or(NaiveTime::MIN) {
        (jour.pred_opt().unwrap_or(jour), poste)
    } else {
        (jour, poste)
    }
}

/// One act due in a shift.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Index of the act in the list given.
    pub index: usize,
    /// The instant due.
    pub prevu: DateTime<Utc>,
    /// The local time planned.
    pub horaire: NaiveTime,
}

/// The acts due in shift `poste` of `jour`, by instant then act: each due local time of
/// each act on the days the shift covers, once.
pub fn occurrences(actes: &[ActePlanifie], jour: NaiveDate, poste: Poste) -> Vec<Occurrence> {
    let (debut, fin) = fenetre(jour, poste);
    let jours = match poste {
        Poste::Nuit => vec![jour, jour.succ_opt().unwrap_or(jour)],
        _ => vec![jour],
    };
    let mut v = Vec::new();
    for (index, a) in actes.iter().enumerate() {
        for d in &jours {
            if !a.du_le(*d) {
                continue;
            }
            for h in &a.frequence.horaires {
                let prevu = instant_local(*d, *h);
                if prevu >= debut
                    && prevu < fin
                    && !v
                        .iter()
                        .any(|o: &Occurrence| o.index == index && o.prevu == prevu)
                {
                    v.push(Occurrence {
                        index,
                        prevu,
                        horaire: *h,
                    });
                }
            }
        }
    }
    v.sort_by_key(|o| (o.prevu, o.index));
    v
}

/// Checks the outcome of an act: a reason is required when it was not done (French message).
pub fn verifier_realisation(statut: StatutActe, motif: Option<&str>) -> Result<(), String> {
    if statut == StatutActe::NonFait && motif.is_none_or(|m| m.trim().is_empty()) {
        return Err("Indiquez pourquoi l'acte n'a pas été fait.".into());
    }
    Ok(())
}

/// The care pages of a unit of an établissement (the worksheet, the medication round):
/// reading needs to read the care section, validating acts needs to write it, recording
/// medicines given needs to validate it (nurses, doctors: a care aide only when granted).
/// Professionals of établissements only.
pub const PAGE_SOINS_UNITE: PageEtablissement =
    PageEtablissement(|matrice, role, action| matrice.permet(role, Section::Soins, action));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_soins::{Frequence, TypeFrequence};
    use crate::policy::{Action, Matrice, Refus, Role};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn acte(t: TypeFrequence, jours: &str, n: Option<u32>, horaires: &str) -> ActePlanifie {
        ActePlanifie {
            debut: d("2026-01-05"),
            fin: None,
            frequence: Frequence::new(t, jours, n, horaires).unwrap(),
        }
    }

    fn heures(v: &[Occurrence]) -> Vec<String> {
        v.iter()
            .map(|o| o.prevu.with_timezone(&Paris).format("%d %H:%M").to_string())
            .collect()
    }

    #[test]
    fn shifts_split_the_day_without_gap_or_overlap() {
        let a = [acte(
            TypeFrequence::Quotidien,
            "",
            None,
            "00:30,06:59,07:00,13:59,14:00,20:59,21:00,23:59",
        )];
        let j = d("2026-06-10");
        let m = occurrences(&a, j, Poste::Matin);
        let am = occurrences(&a, j, Poste::ApresMidi);
        let n = occurrences(&a, j, Poste::Nuit);
        assert_eq!(heures(&m), ["10 07:00", "10 13:59"]);
        assert_eq!(heures(&am), ["10 14:00", "10 20:59"]);
        // The night of the 10th: 21:00 and 23:59 that evening, 00:30 and 06:59 the next morning.
        assert_eq!(heures(&n), ["10 21:00", "10 23:59", "11 00:30", "11 06:59"]);
        // Summer time: 07:00 in Paris is 05:00 UTC.
        assert_eq!(m[0].prevu.to_rfc3339(), "2026-06-10T05:00:00+00:00");
        assert_eq!(poste_de(n[2].prevu), (j, Poste::Nuit));
        assert_eq!(poste_de(m[1].prevu), (j, Poste::Matin));
    }

    #[test]
    fn weeks_and_intervals_across_days() {
        // Monday and Thursday at 10:00; 2026-01-05 is a Monday.
        let a = [
            acte(TypeFrequence::JoursSemaine, "1,4", None, "10:00"),
            acte(TypeFrequence::Intervalle, "", Some(2), "10:00"),
        ];
        let dus: Vec<(u32, usize)> = (5..=18)
            .flat_map(|j| {
                occurrences(&a, d(&format!("2026-01-{j:02}")), Poste::Matin)
                    .into_iter()
                    .map(move |o| (j, o.index))
            })
            .collect();
        assert_eq!(
            dus.iter()
                .filter(|(_, i)| *i == 0)
                .map(|(j, _)| *j)
                .collect::<Vec<_>>(),
            [5, 8, 12, 15]
        );
        assert_eq!(
            dus.iter()
                .filter(|(_, i)| *i == 1)
                .map(|(j, _)| *j)
                .collect::<Vec<_>>(),
            [5, 7, 9, 11, 13, 15, 17]
        );
        // A night shift on Sunday brings Monday morning's acts of a Monday-only act.
        let lundi = [acte(TypeFrequence::JoursSemaine, "1", None, "06:00")];
        assert_eq!(occurrences(&lundi, d("2026-01-11"), Poste::Nuit).len(), 1);
        assert!(occurrences(&lundi, d("2026-01-12"), Poste::Nuit).is_empty());
    }

    #[test]
    fn spring_night_is_one_hour_shorter_and_loses_no_act() {
        // 2026-03-29: at 02:00 the clocks jump to 03:00.
        let a = [acte(
            TypeFrequence::Quotidien,
            "",
            None,
            "22:00,02:30,03:00,05:00",
        )];
        let (debut, fin) = fenetre(d("2026-03-28"), Poste::Nuit);
        assert_eq!((fin - debut).num_hours(), 9);
        let n = occurrences(&a, d("2026-03-28"), Poste::Nuit);
        // 02:30 does not exist that night: it is due at 03:30 summer time, after 03:00.
        assert_eq!(heures(&n), ["28 22:00", "29 03:00", "29 03:30", "29 05:00"]);
        assert_eq!(n[2].prevu.to_rfc3339(), "2026-03-29T01:30:00+00:00");
        // The other nights have their 10 hours.
        let (d2, f2) = fenetre(d("2026-03-29"), Poste::Nuit);
        assert_eq!((f2 - d2).num_hours(), 10);
    }

    #[test]
    fn autumn_night_is_one_hour_longer_and_doubles_no_act() {
        // 2026-10-25: at 03:00 the clocks go back to 02:00; 02:30 happens twice.
        let a = [acte(TypeFrequence::Quotidien, "", None, "02:30,06:00")];
        let (debut, fin) = fenetre(d("2026-10-24"), Poste::Nuit);
        assert_eq!((fin - debut).num_hours(), 11);
        let n = occurrences(&a, d("2026-10-24"), Poste::Nuit);
        assert_eq!(heures(&n), ["25 02:30", "25 06:00"]);
        assert_eq!(n[0].prevu.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        // The day shifts of the change day keep their hours: winter time, UTC+1.
        let m = fenetre(d("2026-10-25"), Poste::Matin);
        assert_eq!(m.0.to_rfc3339(), "2026-10-25T06:00:00+00:00");
        assert_eq!((m.1 - m.0).num_hours(), 7);
    }

    #[test]
    fn care_aides_validate_acts_but_not_medicines() {
        let m = Matrice::par_defaut();
        let p = |r, a| PAGE_SOINS_UNITE.peut(&m, r, &[1], 1, a);
        assert_eq!(p(Role::AideSoignant, Action::Ecrire), Ok(()));
        assert_eq!(
            p(Role::AideSoignant, Action::Valider),
            Err(Refus::NonPermisParLeRole)
        );
        assert_eq!(p(Role::Infirmier, Action::Valider), Ok(()));
        assert_eq!(p(Role::Medecin, Action::Valider), Ok(()));
        assert_eq!(p(Role::Cadre, Action::Lire), Ok(()));
        assert_eq!(
            p(Role::Cadre, Action::Ecrire),
            Err(Refus::NonPermisParLeRole)
        );
        assert_eq!(
            p(Role::Educateur, Action::Lire),
            Err(Refus::NonPermisParLeRole)
        );
        assert_eq!(
            p(Role::Administrateur, Action::Lire),
            Err(Refus::NonPermisParLeRole)
        );
        assert_eq!(
            PAGE_SOINS_UNITE.peut(&m, Role::Infirmier, &[1], 2, Action::Lire),
            Err(Refus::HorsPerimetre)
        );
    }

    #[test]
    fn an_act_not_done_needs_a_reason() {
        assert!(verifier_realisation(StatutActe::Fait, None).is_ok());
        assert!(verifier_realisation(StatutActe::NonFait, Some("  ")).is_err());
        assert!(verifier_realisation(StatutActe::NonFait, Some("Refus de la personne")).is_ok());
    }
}
