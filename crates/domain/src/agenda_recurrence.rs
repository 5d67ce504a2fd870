//! Recurring events (issue 13, COO-3): a subset of the iCalendar RRULE (daily, weekly by
//! days, monthly by the start's day of month; an interval; an end date or a count), with
//! exceptions (one occurrence moved or cancelled), expanded in Europe/Paris local time: a
//! weekly meeting at 09:00 stays at 09:00 in Paris on both sides of a time change.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Europe::Paris;
use std::collections::BTreeMap;

/// How often a series repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frequence {
    /// Every `intervalle` days.
    Quotidienne,
    /// Every `intervalle` weeks, on the listed days.
    Hebdomadaire,
    /// Every `intervalle` months, on the start's day of month.
    Mensuelle,
}

/// A recurrence rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recurrence {
    /// Frequency.
    pub frequence: Frequence,
    /// Every how many days/weeks/months (1 to [`INTERVALLE_MAX`]).
    pub intervalle: u32,
    /// Weekly: the days (empty: the start's day).
    pub jours: Vec<Weekday>,
    /// Last local date (inclusive).
    pub jusqua: Option<NaiveDate>,
    /// Number of occurrences (1 to [`NOMBRE_MAX`]).
    pub nombre: Option<u32>,
}

/// The largest interval.
pub const INTERVALLE_MAX: u32 = 52;
/// The most occurrences of a counted series.
pub const NOMBRE_MAX: u32 = 500;
/// The longest text of a rule.
pub const RRULE_MAX: usize = 200;

const JOURS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Mon),
    ("TU", Weekday::Tue),
    ("WE", Weekday::Wed),
    ("TH", Weekday::Thu),
    ("FR", Weekday::Fri),
    ("SA", Weekday::Sat),
    ("SU", Weekday::Sun),
];

impl Recurrence {
    /// Reads the RRULE subset (`FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;UNTIL=20270630;COUNT=10`),
    /// with the French message of what it refuses.
    pub fn parse(texte: &str) -> Result<Self, String> {
        if texte.len() > RRULE_MAX {
            return Err(format!(
                "La règle de récurrence compte {RRULE_MAX} caractères au plus."
            ));
        }
        let texte = texte.trim().trim_start_matches("RRULE:");
        let (mut frequence, mut intervalle, mut jours, mut jusqua, mut nombre) =
            (None, 1, Vec::new(), None, None);
        for partie in texte.split(';').filter(|p| !p.is_empty()) {
            let (cle, valeur) = partie
                .split_once('=')
                .ok_or_else(|| format!("Élément de récurrence illisible : « {partie} »."))?;
            match cle.to_ascii_uppercase().as_str() {
                "FREQ" => {
                    frequence = Some(match valeur.to_ascii_uppercase().as_str() {
                        "DAILY" => Frequence::Quotidienne,
                        "WEEKLY" => Frequence::Hebdomadaire,
                        "MONTHLY" => Frequence::Mensuelle,
                        _ => {
                            return Err(
                                "La récurrence est quotidienne, hebdomadaire ou mensuelle.".into()
                            )
                        }
                    })
                }
                "INTERVAL" => {
                    intervalle = valeur
                        .parse()
                        .ok()
                        .filter(|i| (1..=INTERVALLE_MAX).contains(i))
                        .ok_or_else(|| {
                            format!("L'intervalle de récurrence va de 1 à {INTERVALLE_MAX}.")
                        })?
                }
                "BYDAY" => {
                    for j in valeur.split(',') {
                        let jour = JOURS
                            .iter()
                            .find(|(c, _)| c.eq_ignore_ascii_case(j))
                            .map(|(_, d)| *d)
                            .ok_or_else(|| format!("Jour de récurrence inconnu : « {j} »."))?;
                        if !jours.contains(&jour) {
                            jours.push(jour);
                        }
                    }
                }
                "UNTIL" => {
                    let d = valeur.get(..8).unwrap_or(valeur);
                    jusqua = Some(NaiveDate::parse_from_str(d, "%Y%m%d").map_err(|_| {
                        "La date de fin de récurrence s'écrit AAAAMMJJ.".to_string()
                    })?)
                }
                "COUNT" => {
                    nombre = Some(
                        valeur
                            .parse()
                            .ok()
                            .filter(|n| (1..=NOMBRE_MAX).contains(n))
                            .ok_or_else(|| {
                                format!("Le nombre d'occurrences va de 1 à {NOMBRE_MAX}.")
                            })?,
                    )
                }
                _ => {
                    return Err(format!(
                        "Élément de récurrence non pris en charge : « {cle} »."
                    ))
                }
            }
        }
        let frequence = frequence.ok_or("Indiquez la fréquence de la récurrence.")?;
        if jusqua.is_some() && nombre.is_some() {
            return Err(
                "Une récurrence finit à une date ou après un nombre d'occurrences, pas les deux."
                    .into(),
            );
        }
        if frequence != Frequence::Hebdomadaire && !jours.is_empty() {
            return Err(
                "Les jours de la semaine ne valent que pour une récurrence hebdomadaire.".into(),
            );
        }
        jours.sort_by_key(|d| d.num_days_from_monday());
        Ok(Recurrence {
            frequence,
            intervalle,
            jours,
            jusqua,
            nombre,
        })
    }

    /// The rule as RRULE text (what [`Recurrence::parse`] reads back).
    pub fn rrule(&self) -> String {
        let mut s = format!(
            "FREQ={}",
            match self.frequence {
                Frequence::Quotidienne => "DAILY",
                Frequence::Hebdomadaire => "WEEKLY",
                Frequence::Mensuelle => "MONTHLY",
            }
        );
        if self.intervalle != 1 {
            s += &format!(";INTERVAL={}", self.intervalle);
        }
        if !self.jours.is_empty() {
            let j: Vec<&str> = self
                .jours
                .iter()
                .map(|d| JOURS[d.num_days_from_monday() as usize].0)
                .collect();
            s += &format!(";BYDAY={}", j.join(","));
        }
        if let Some(d) = self.jusqua {
            s += &format!(";UNTIL={}", d.format("%Y%m%d"));
        }
        if let Some(n) = self.nombre {
            s += &format!(";COUNT={n}");
        }
        s
    }

    /// The local start dates of the series beginning on `depart`, in order, up to `fin`
    /// (exclusive), within its end date and count.
    pub fn dates(&self, depart: NaiveDate, fin: NaiveDate) -> Vec<NaiveDate> {
        let mut v = Vec::new();
        let limite = self.jusqua.map_or(fin, |j| fin.min(j + Duration::days(1)));
        let nombre = self.nombre.map_or(usize::MAX, |n| n as usize);
        let pas = i64::from(self.intervalle);
        let mut emis = 0usize;
        let mut garder = |d: NaiveDate, v: &mut Vec<NaiveDate>| -> bool {
            if d >= limite || emis >= nombre {
                return false;
            }
            emis += 1;
            v.push(d);
            true
        };
        match self.frequence {
            Frequence::Quotidienne => {
                let mut d = depart;
                while garder(d, &mut v) {
                    d += Duration::days(pas);
                }
            }
            Frequence::Hebdomadaire => {
                let jours = if self.jours.is_empty() {
                    vec![depart.weekday()]
                } else {
                    self.jours.clone()
                };
                let lundi =
                    depart - Duration::days(i64::from(depart.weekday().num_days_from_monday()));
                let mut semaine = lundi;
                'semaines: loop {
                    for j in &jours {
                        let d = semaine + Duration::days(i64::from(j.num_days_from_monday()));
                        if d < depart {
                            continue;
                        }
                        if !garder(d, &mut v) {
                            break 'semaines;
                        }
                    }
                    semaine += Duration::weeks(pas);
                }
            }
            Frequence::Mensuelle => {
                let (mut annee, mut mois) = (depart.year(), depart.month());
                loop {
                    if let Some(d) = NaiveDate::from_ymd_opt(annee, mois, depart.day()) {
                        if !garder(d, &mut v) {
                            break;
                        }
                    } else if NaiveDate::from_ymd_opt(annee, mois, 1).is_none_or(|p| p >= limite) {
                        break;
                    }
                    let m = mois - 1 + self.intervalle;
                    annee += (m / 12) as i32;
                    mois = m % 12 + 1;
                }
            }
        }
        v
    }
}

/// The instant of a Paris wall-clock time: the earlier one when the clock goes back, an hour
/// later when it falls in the gap of the spring change.
pub fn instant_paris(local: NaiveDateTime) -> DateTime<Utc> {
    match Paris.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        LocalResult::None => instant_paris(local + Duration::hours(1)),
    }
}

/// The Paris wall-clock time of an instant.
pub fn local_paris(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&Paris).naive_local()
}

/// What became of one occurrence of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    /// Cancelled.
    Annulee,
    /// Moved to another slot.
    Deplacee {
        /// New start.
        debut: DateTime<Utc>,
        /// New end.
        fin: DateTime<Utc>,
    },
}

/// One occurrence of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The local date of the occurrence in the series (its key, before any move).
    pub date: NaiveDate,
    /// Start.
    pub debut: DateTime<Utc>,
    /// End.
    pub fin: DateTime<Utc>,
    /// Moved by an exception.
    pub deplacee: bool,
}

/// The occurrences of an event starting at `debut` and ending at `fin` (its first occurrence),
/// repeated by `regle` (none: the event alone), minus its cancelled occurrences and with its
/// moved ones at their new slot, that overlap the window [`de`, `a`), by start.
pub fn occurrences(
    debut: DateTime<Utc>,
    fin: DateTime<Utc>,
    regle: Option<&Recurrence>,
    exceptions: &BTreeMap<NaiveDate, Exception>,
    de: DateTime<Utc>,
    a: DateTime<Utc>,
) -> Vec<Occurrence> {
    let local = local_paris(debut);
    let duree = fin - debut;
    let dates = match regle {
        None => vec![local.date()],
        // A moved occurrence may come back into the window from a week away.
        Some(r) => r.dates(local.date(), local_paris(a).date() + Duration::days(32)),
    };
    let mut v: Vec<Occurrence> = dates
        .into_iter()
        .filter_map(|date| {
            let o = match exceptions.get(&date) {
                Some(Exception::Annulee) => return None,
                Some(Exception::Deplacee { debut, fin }) => Occurrence {
                    date,
                    debut: *debut,
                    fin: *fin,
                    deplacee: true,
                },
                None => {
                    let d = instant_paris(date.and_time(local.time()));
                    Occurrence {
                        date,
                        debut: d,
                        fin: d + duree,
                        deplacee: false,
                    }
                }
            };
            (o.debut < a && o.fin > de).then_some(o)
        })
        .collect();
    v.sort_by_key(|o| (o.debut, o.date));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }
    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_rule_reads_and_writes_back_with_french_refusals() {
        let r = Recurrence::parse("FREQ=WEEKLY;BYDAY=TH,MO;UNTIL=20270630").unwrap();
        assert_eq!(r.jours, vec![Weekday::Mon, Weekday::Thu]);
        assert_eq!(r.rrule(), "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630");
        assert_eq!(Recurrence::parse(&r.rrule()).unwrap(), r);
        let m = Recurrence::parse("FREQ=MONTHLY;INTERVAL=2;COUNT=6").unwrap();
        assert_eq!(m.rrule(), "FREQ=MONTHLY;INTERVAL=2;COUNT=6");
        for (texte, message) in [
            ("FREQ=YEARLY", "quotidienne, hebdomadaire ou mensuelle"),
            ("INTERVAL=2", "fréquence"),
            ("FREQ=DAILY;INTERVAL=0", "de 1 à 52"),
            ("FREQ=DAILY;COUNT=501", "de 1 à 500"),
            ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "pas les deux"),
            ("FREQ=DAILY;BYDAY=MO", "hebdomadaire"),
            ("FREQ=WEEKLY;BYDAY=XX", "« XX »"),
            ("FREQ=WEEKLY;UNTIL=2027", "AAAAMMJJ"),
            ("FREQ=WEEKLY;BYSETPOS=1", "non pris en charge"),
            ("FREQ", "illisible"),
        ] {
            let e = Recurrence::parse(texte).unwrap_err();
            assert!(e.contains(message), "{texte}: {e}");
        }
        assert!(Recurrence::parse(&"FREQ=DAILY;".repeat(30)).is_err());
    }

    /// A weekly Monday 09:00 Paris meeting from October 2026 to April 2027 crosses the
    /// autumn change (25 October 2026) and the spring change (28 March 2027): every
    /// occurrence stays at 09:00 Paris (08:00 UTC in winter, 07:00 UTC in summer); one
    /// occurrence moved, one cancelled.
    #[test]
    fn a_weekly_meeting_stays_at_nine_in_paris_across_both_time_changes() {
        let regle = Recurrence::parse("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270412").unwrap();
        let debut = t("2026-10-12T07:00:00Z"); // Monday 12 October 09:00 CEST
        let fin = debut + Duration::hours(1);
        let mut exceptions = BTreeMap::new();
        exceptions.insert(d("2026-11-02"), Exception::Annulee);
        exceptions.insert(
            d("2026-12-21"),
            Exception::Deplacee {
                debut: t("2026-12-22T13:00:00Z"),
                fin: t("2026-12-22T14:00:00Z"),
            },
        );
        let v = occurrences(
            debut,
            fin,
            Some(&regle),
            &exceptions,
            t("2026-10-01T00:00:00Z"),
            t("2027-05-01T00:00:00Z"),
        );
        // 27 Mondays from 12 Oct 2026 to 12 Apr 2027, one cancelled.
        assert_eq!(v.len(), 26);
        for o in &v {
            let l = local_paris(o.debut);
            if o.deplacee {
                assert_eq!(o.date, d("2026-12-21"));
                assert_eq!(l.to_string(), "2026-12-22 14:00:00");
                continue;
            }
            assert_eq!(l.time().to_string(), "09:00:00", "{o:?}");
            assert_eq!(l.date(), o.date);
            assert_eq!(o.date.weekday(), Weekday::Mon);
            assert_eq!(o.fin - o.debut, Duration::hours(1));
        }
        let par_date = |s: &str| v.iter().find(|o| o.date == d(s)).copied();
        assert_eq!(
            par_date("2026-10-19").unwrap().debut,
            t("2026-10-19T07:00:00Z")
        );
        assert_eq!(
            par_date("2026-10-26").unwrap().debut,
            t("2026-10-26T08:00:00Z")
        );
        assert_eq!(
            par_date("2027-03-22").unwrap().debut,
            t("2027-03-22T08:00:00Z")
        );
        assert_eq!(
            par_date("2027-03-29").unwrap().debut,
            t("2027-03-29T07:00:00Z")
        );
        assert!(par_date("2026-11-02").is_none());
        assert!(par_date("2027-04-19").is_none());
        // A window sees only its occurrences, the moved one included.
        let semaine = occurrences(
            debut,
            fin,
            Some(&regle),
            &exceptions,
            t("2026-12-21T00:00:00Z"),
            t("2026-12-28T00:00:00Z"),
        );
        assert_eq!(semaine.len(), 1);
        assert!(semaine[0].deplacee);
    }

    #[test]
    fn daily_and_monthly_series_and_the_gaps_of_the_clock() {
        // Daily at 02:30 Paris across the spring change: that night's 02:30 does not exist
        // and becomes 03:30; the autumn night's 02:30 exists twice and is the first one.
        let regle = Recurrence::parse("FREQ=DAILY;COUNT=3").unwrap();
        let v = occurrences(
            instant_paris(d("2027-03-27").and_hms_opt(2, 30, 0).unwrap()),
            instant_paris(d("2027-03-27").and_hms_opt(3, 0, 0).unwrap()),
            Some(&regle),
            &BTreeMap::new(),
            t("2027-01-01T00:00:00Z"),
            t("2027-12-01T00:00:00Z"),
        );
        assert_eq!(v.len(), 3);
        assert_eq!(local_paris(v[1].debut).to_string(), "2027-03-28 03:30:00");
        assert_eq!(local_paris(v[2].debut).to_string(), "2027-03-29 02:30:00");
        assert_eq!(
            instant_paris(d("2026-10-25").and_hms_opt(2, 30, 0).unwrap()),
            t("2026-10-25T00:30:00Z")
        );
        // Monthly on the 31st skips the short months.
        let m = Recurrence::parse("FREQ=MONTHLY;COUNT=4").unwrap();
        assert_eq!(
            m.dates(d("2027-01-31"), d("2028-01-01")),
            vec![
                d("2027-01-31"),
                d("2027-03-31"),
                d("2027-05-31"),
                d("2027-07-31")
            ]
        );
        // Every other week, Tuesday and Friday, from a Wednesday.
        let h = Recurrence::parse("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;COUNT=4").unwrap();
        assert_eq!(
            h.dates(d("2026-12-02"), d("2027-06-01")),
            vec![
                d("2026-12-04"),
                d("2026-12-15"),
                d("2026-12-18"),
                d("2026-12-29")
            ]
        );
        // No rule: the event alone, if it overlaps the window.
        let seul = occurrences(
            t("2026-12-07T09:00:00Z"),
            t("2026-12-07T10:00:00Z"),
            None,
            &BTreeMap::new(),
            t("2026-12-07T09:30:00Z"),
            t("2026-12-08T00:00:00Z"),
        );
        assert_eq!(seul.len(), 1);
    }
}
