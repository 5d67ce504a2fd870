//! Presences and absences (ACC-4): the kinds of absence, who may read or mark the presences
//! of an établissement, and the arithmetic of the monthly statement. Days are calendar days
//! of Europe/Paris (`NaiveDate`): a month has its number of days whatever the time change,
//! and a stay counts the days of `[date_entree, date_sortie)` inside the month.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::policy::{Action, PageEtablissement, Section};
use crate::sejour::Periode;

code_enum! {
    /// Why a person expected present is not.
    TypeAbsence {
        /// In hospital.
        Hospitalisation = "hospitalisation", "Hospitalisation";
        /// Holidays, personal convenience.
        Vacances = "vacances", "Vacances / convenance personnelle";
        /// Back with the family (weekend, holidays of a child).
        RetourFamille = "retour_famille", "Retour en famille";
        /// Runaway.
        Fugue = "fugue", "Fugue";
        /// Temporary exclusion.
        Exclusion = "exclusion", "Exclusion";
        /// Sick at home (day care, schooling).
        Maladie = "maladie", "Maladie";
        /// Other reason.
        Autre = "autre", "Autre";
    }
}

/// Longest absence period entered at once, in days.
pub const PERIODE_MAX_JOURS: i64 = 366;

/// The presences of an établissement: a role reads them (`Lire`: the administrative section)
/// or marks them (`Ecrire`: the accompaniment or the administrative section). Portal roles
/// and home-care workers never do.
pub const PAGE_PRESENCES: PageEtablissement =
    PageEtablissement(|matrice, role, action| match action {
        Action::Lire => matrice.permet(role, Section::Administratif, Action::Lire),
        Action::Ecrire | Action::Valider => {
            matrice.permet(role, Section::Accompagnement, Action::Ecrire)
                || matrice.permet(role, Section::Administratif, Action::Ecrire)
        }
    });

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mois {
    /// Year.
    pub annee: i32,
    /// Month, 1 to 12.
    pub mois: u32,
}

impl Mois {
    /// Parses `AAAA-MM` (French message otherwise).
    pub fn parse(s: &str) -> Result<Mois, &'static str> {
        let err = "Le mois doit être au format AAAA-MM (par exemple 2026-02).";
        let (a, m) = s.trim().split_once('-').ok_or(err)?;
        let (annee, mois) = (a.parse().map_err(|_| err)?, m.parse().map_err(|_| err)?);
        if a.len() != 4 || NaiveDate::from_ymd_opt(annee, mois, 1).is_none() {
            return Err(err);
        }
        Ok(Mois { annee, mois })
    }

    /// The month of a day.
    pub fn de(jour: NaiveDate) -> Mois {
        Mois {
            annee: jour.year(),
            mois: jour.month(),
        }
    }

    /// Its first day.
    pub fn debut(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.annee, self.mois, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The first day of the next month.
    pub fn fin(&self) -> NaiveDate {
        let (a, m) = if self.mois == 12 {
            (self.annee + 1, 1)
        } else {
            (self.annee, self.mois + 1)
        };
        NaiveDate::from_ymd_opt(a, m, 1).unwrap_or(NaiveDate::MAX)
    }

    /// Its number of days.
    pub fn jours(&self) -> i64 {
        (self.fin() - self.debut()).num_days()
    }

    /// `AAAA-MM`.
    pub fn code(&self) -> String {
        format!("{:04}-{:02}", self.annee, self.mois)
    }
}

/// The days of `p` inside month `m`.
pub fn jours_dans(p: &Periode, m: &Mois) -> i64 {
    let debut = p.debut.max(m.debut());
    let fin = p.fin.map_or(m.fin(), |f| f.min(m.fin()));
    (fin - debut).num_days().max(0)
}

/// One line of the statement: a stay's expected days in the month, its absence days by
/// kind, and the days of presence that follow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decompte {
    /// Days of the stay inside the month.
    pub prevus: i64,
    /// Absence days by kind (inside the stay and the month).
    pub absences: BTreeMap<TypeAbsence, i64>,
}

impl Decompte {
    /// The line of a stay over `p` in month `m`, from its absence days (those outside the
    /// stay or the month are not counted).
    pub fn de(p: &Periode, m: &Mois, absences: &[(NaiveDate, TypeAbsence)]) -> Decompte {
        let mut d = Decompte {
            prevus: jours_dans(p, m),
            ..Decompte::default()
        };
        for (jour, t) in absences {
            if p.contient(*jour) && Mois::de(*jour) == *m {
                *d.absences.entry(*t).or_insert(0) += 1;
            }
        }
        d
    }

    /// Every absence day.
    pub fn absents(&self) -> i64 {
        self.absences.values().sum()
    }

    /// Days of presence.
    pub fn presents(&self) -> i64 {
        self.prevus - self.absents()
    }

    /// Adds another line (a total).
    pub fn ajouter(&mut self, autre: &Decompte) {
        self.prevus += autre.prevus;
        for (t, n) in &autre.absences {
            *self.absences.entry(*t).or_insert(0) += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Matrice, Refus, Role};
    use crate::sejour::essai::{d, p};

    #[test]
    fn months_have_their_days_whatever_the_time_change() {
        let m = |s| Mois::parse(s).unwrap();
        assert_eq!(m("2028-02").jours(), 29, "leap February");
        assert_eq!(m("2026-02").jours(), 28);
        assert_eq!(m("2100-02").jours(), 28, "not leap");
        assert_eq!(m("2000-02").jours(), 29);
        // Summer time starts on 2026-03-29, ends on 2026-10-25: still 31 days each.
        assert_eq!(m("2026-03").jours(), 31);
        assert_eq!(m("2026-10").jours(), 31);
        assert_eq!(m("2026-12").fin(), d("2027-01-01"));
        assert!(Mois::parse("2026-13").is_err());
        assert!(Mois::parse("26-01").is_err());
        assert!(Mois::parse("février").is_err());
    }

    #[test]
    fn stays_count_their_days_inside_the_month() {
        let feb = Mois::parse("2028-02").unwrap();
        // Running since before the month: every day.
        assert_eq!(jours_dans(&p("2027-12-15", None), &feb), 29);
        // Entered on the 10th, left on the 20th (the exit day is not counted).
        assert_eq!(jours_dans(&p("2028-02-10", Some("2028-02-20")), &feb), 10);
        // Across both boundaries.
        assert_eq!(jours_dans(&p("2028-01-31", Some("2028-03-01")), &feb), 29);
        // Left on the first day of the month: none.
        assert_eq!(jours_dans(&p("2027-01-01", Some("2028-02-01")), &feb), 0);
        // Entered on the last day: one.
        assert_eq!(jours_dans(&p("2028-02-29", None), &feb), 1);
        // A transfer on the 15th splits the month without a lost or doubled day.
        let mar = Mois::parse("2026-03").unwrap();
        let a = jours_dans(&p("2026-01-01", Some("2026-03-15")), &mar);
        let b = jours_dans(&p("2026-03-15", None), &mar);
        assert_eq!((a, b, a + b), (14, 17, 31));
        let oct = Mois::parse("2026-10").unwrap();
        assert_eq!(jours_dans(&p("2026-10-24", Some("2026-10-27")), &oct), 3);
    }

    #[test]
    fn absences_are_counted_by_kind_inside_the_stay_and_month() {
        let m = Mois::parse("2026-03").unwrap();
        let s = p("2026-03-10", None);
        let abs = [
            (d("2026-03-09"), TypeAbsence::Hospitalisation), // before the stay
            (d("2026-03-10"), TypeAbsence::Hospitalisation),
            (d("2026-03-29"), TypeAbsence::RetourFamille), // the time change
            (d("2026-03-31"), TypeAbsence::RetourFamille),
            (d("2026-04-01"), TypeAbsence::RetourFamille), // next month
        ];
        let l = Decompte::de(&s, &m, &abs);
        assert_eq!(l.prevus, 22);
        assert_eq!(l.absences[&TypeAbsence::Hospitalisation], 1);
        assert_eq!(l.absences[&TypeAbsence::RetourFamille], 2);
        assert_eq!((l.absents(), l.presents()), (3, 19));
        let mut total = Decompte::default();
        total.ajouter(&l);
        total.ajouter(&l);
        assert_eq!((total.prevus, total.presents()), (44, 38));
    }

    #[test]
    fn presences_of_an_etablissement_are_for_its_professionals() {
        let m = Matrice::par_defaut();
        assert_eq!(
            PAGE_PRESENCES.peut(&m, Role::Educateur, &[1], 1, Action::Ecrire),
            Ok(())
        );
        assert_eq!(
            PAGE_PRESENCES.peut(&m, Role::Educateur, &[1], 2, Action::Lire),
            Err(Refus::HorsPerimetre)
        );
        assert_eq!(
            PAGE_PRESENCES.peut(&m, Role::Secretariat, &[1], 1, Action::Ecrire),
            Ok(())
        );
        assert_eq!(
            PAGE_PRESENCES.peut(&m, Role::Psychologue, &[1], 1, Action::Ecrire),
            Err(Refus::NonPermisParLeRole)
        );
        assert!(PAGE_PRESENCES
            .peut(&m, Role::IntervenantDomicile, &[1], 1, Action::Lire)
            .is_err());
        assert!(PAGE_PRESENCES
            .peut(&m, Role::Administrateur, &[1], 1, Action::Lire)
            .is_err());
        assert!(PAGE_PRESENCES
            .peut(&m, Role::Proche, &[1], 1, Action::Lire)
            .is_err());
    }
}
