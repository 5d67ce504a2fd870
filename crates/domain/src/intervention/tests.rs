use chrono::{NaiveDate, TimeZone, Utc};

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn r(jours: &str, de: &str, a: &str) -> Recurrence {
    Recurrence::new(d("2026-01-05"), None, jours, de, a, 45).unwrap()
}

#[test]
fn a_daily_visit_keeps_its_local_hour_across_the_spring_time_change() {
    // Sunday 29 March 2026: 02:00 → 03:00 in Paris.
    let v = r("1,2,3,4,5,6,7", "08:00", "09:00").developper(d("2026-03-28"), d("2026-03-30"));
    let debuts: Vec<_> = v.iter().map(|x| x.debut).collect();
    assert_eq!(
        debuts,
        vec![
            t("2026-03-28T07:00:00Z"),
            t("2026-03-29T06:00:00Z"),
            t("2026-03-30T06:00:00Z")
        ],
        "08:00 local is 07:00 UTC in winter and 06:00 UTC in summer"
    );
    assert_eq!(v[1].fin - v[1].debut, Duration::hours(1));
    // A window starting in the gap (02:30 does not exist) starts after the jump.
    let nuit = r("7", "02:30", "04:00").developper(d("2026-03-29"), d("2026-03-29"));
    assert_eq!(nuit.len(), 1, "the visit is neither lost nor doubled");
    assert_eq!(
        nuit[0].debut,
        t("2026-03-29T01:30:00Z"),
        "03:30 summer time"
    );
    assert_eq!(nuit[0].fin, t("2026-03-29T02:00:00Z"), "04:00 summer time");
}

#[test]
fn a_visit_in_the_autumn_repeated_hour_happens_once() {
    // Sunday 25 October 2026: 03:00 → 02:00 in Paris; 02:30 happens twice.
    let v = r("7", "02:30", "03:30").developper(d("2026-10-19"), d("2026-10-26"));
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].jour, d("2026-10-25"));
    assert_eq!(
        v[0].debut,
        t("2026-10-25T00:30:00Z"),
        "the first 02:30 (summer time)"
    );
    assert_eq!(
        v[0].fin,
        t("2026-10-25T02:30:00Z"),
        "03:30 winter time: two hours later"
    );
    let soir = r("6,7", "18:00", "19:00").developper(d("2026-10-24"), d("2026-10-25"));
    assert_eq!(soir[0].debut, t("2026-10-24T16:00:00Z"));
    assert_eq!(soir[1].debut, t("2026-10-25T17:00:00Z"));
}

#[test]
fn expansion_follows_the_days_and_the_bounds() {
    // 2026-01-05 is a Monday.
    let mut x = r("1,4", "08:00", "09:00");
    x.fin = Some(d("2026-01-15"));
    let jours: Vec<_> = x
        .developper(d("2026-01-01"), d("2026-01-31"))
        .iter()
        .map(|v| v.jour)
        .collect();
    assert_eq!(
        jours,
        vec![
            d("2026-01-05"),
            d("2026-01-08"),
            d("2026-01-12"),
            d("2026-01-15")
        ]
    );
    assert_eq!(x.libelle(), "le lundi, jeudi de 08:00 à 09:00 (45 min)");
    assert_eq!(lundi(d("2026-01-11")), d("2026-01-05"));
}

#[test]
fn recurrences_are_checked_in_french() {
    let a = d("2026-01-05");
    assert!(Recurrence::new(a, None, "", "08:00", "09:00", 30).is_err());
    assert!(Recurrence::new(a, None, "1", "9h", "10:00", 30).is_err());
    assert!(Recurrence::new(a, None, "1", "10:00", "09:00", 30)
        .unwrap_err()
        .contains("suivre"));
    assert!(Recurrence::new(a, None, "1", "08:00", "09:00", 0).is_err());
    assert!(Recurrence::new(a, None, "1", "08:00", "09:00", 10_000).is_err());
    assert!(Recurrence::new(a, Some(d("2026-01-01")), "1", "08:00", "09:00", 30).is_err());
}

fn deroulement(arrivee: Option<&str>, depart: Option<&str>) -> Deroulement {
    Deroulement {
        debut: t("2026-03-02T08:00:00Z"),
        fin: t("2026-03-02T09:00:00Z"),
        duree_minutes: 45,
        arrivee: arrivee.map(t),
        depart: depart.map(t),
    }
}

#[test]
fn a_visit_is_late_then_missed_without_an_arrival() {
    let v = deroulement(None, None);
    assert_eq!(
        v.statut(t("2026-03-02T08:10:00Z"), 15),
        StatutVisite::Prevue
    );
    assert_eq!(
        v.statut(t("2026-03-02T08:16:00Z"), 15),
        StatutVisite::EnRetard
    );
    assert_eq!(
        v.statut(t("2026-03-02T08:16:00Z"), 30),
        StatutVisite::Prevue,
        "configurable"
    );
    assert_eq!(
        v.statut(t("2026-03-02T09:01:00Z"), 15),
        StatutVisite::Manquee
    );
    let c = deroulement(Some("2026-03-02T08:05:00Z"), None);
    assert_eq!(
        c.statut(t("2026-03-02T10:00:00Z"), 15),
        StatutVisite::EnCours
    );
}

#[test]
fn planned_versus_done_adds_up() {
    let now = t("2026-03-31T00:00:00Z");
    let faite = deroulement(Some("2026-03-02T08:05:00Z"), Some("2026-03-02T08:55:00Z"));
    let courte = deroulement(Some("2026-03-02T08:05:00Z"), Some("2026-03-02T08:35:00Z"));
    let manquee = deroulement(None, None);
    let sans_depart = deroulement(Some("2026-03-02T08:05:00Z"), None);
    let b = bilans(
        [
            ("A", faite),
            ("A", courte),
            ("A", manquee),
            ("B", sans_depart),
            ("B", faite),
        ],
        now,
        15,
    );
    assert_eq!(
        b["A"],
        Bilan {
            visites_prevues: 3,
            minutes_prevues: 135,
            visites_faites: 2,
            minutes_faites: 80,
            visites_manquees: 1,
            ecart_minutes: 80 - 90,
        }
    );
    assert_eq!(b["B"].visites_faites, 1);
    assert_eq!(b["B"].minutes_faites, 50);
    assert_eq!(
        b["B"].visites_manquees, 0,
        "arrived: in progress, not missed"
    );
    assert_eq!(faite.minutes_faites(), 50);
    let a_l_envers = deroulement(Some("2026-03-02T09:00:00Z"), Some("2026-03-02T08:00:00Z"));
    assert_eq!(a_l_envers.minutes_faites(), 0);
}

#[test]
fn overlaps_are_per_worker() {
    let h = |m: u32| Utc.with_ymd_and_hms(2026, 3, 2, 8, m, 0).unwrap();
    let v = [
        (1, h(0), h(30)),
        (1, h(20), h(50)),
        (2, h(0), h(30)),
        (1, h(50), h(59)),
        (2, h(30), h(45)),
    ];
    assert_eq!(chevauchements(&v), vec![0, 1]);
}

#[test]
fn conflicts_are_changes_by_someone_else() {
    assert!(!conflit(3, 3, Some(9), 7), "same version");
    assert!(!conflit(3, 4, Some(7), 7), "my own earlier entry");
    assert!(conflit(3, 4, Some(9), 7), "another account changed it");
}

#[test]
fn positions_are_rounded_to_about_100_m() {
    assert_eq!(
        position_arrondie(45.764_04, 4.835_66),
        Some((45_764, 4_836))
    );
    assert_eq!(position_arrondie(91.0, 0.0), None);
    assert_eq!(position_arrondie(f64::NAN, 0.0), None);
}

#[test]
fn only_coordinators_and_workers_reach_the_planning() {
    let m = Matrice::par_defaut();
    assert_eq!(
        peut_telegestion(&m, Role::Cadre, &[4], Some(4), Action::Lire),
        Ok(Mode::Coordination)
    );
    assert_eq!(
        peut_telegestion(&m, Role::Cadre, &[4], Some(5), Action::Lire),
        Err(Refus::HorsPerimetre)
    );
    assert_eq!(
        peut_telegestion(&m, Role::IntervenantDomicile, &[], None, Action::Ecrire),
        Ok(Mode::Intervenant)
    );
    for r in [
        Role::Educateur,
        Role::Proche,
        Role::Usager,
        Role::Administrateur,
    ] {
        assert_eq!(
            peut_telegestion(&m, r, &[4], Some(4), Action::Lire),
            Err(Refus::NonPermisParLeRole),
            "{r:?}"
        );
    }
}
