//! Activities (issue 13, COO-1): individual and group activities of an établissement, their
//! sessions (*séances*, a local date with start and end times in Europe/Paris), the persons
//! registered and the attendance per session. The rules are pure: who may read or organise
//! the activities of an établissement, the session status changes, when an attendance may be
//! noted, the capacity, the dates of a series of sessions.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

use crate::policy::{Action, PageEtablissement, Role, Section};

code_enum! {
    /// The kind of an activity.
    TypeActivite {
        /// A workshop (memory, cooking, crafts…).
        Atelier = "atelier", "Atelier";
        /// A therapy (equine therapy, music therapy, snoezelen…).
        Therapie = "therapie", "Thérapie / médiation";
        /// An outing (market, museum, holidays).
        Sortie = "sortie", "Sortie";
        /// Sport and physical activity (gentle gym, swimming).
        Sport = "sport", "Sport / activité physique";
        /// Culture and leisure (reading, cinema, music).
        Culture = "culture", "Culture / loisirs";
        /// Schooling, a class.
        Scolarite = "scolarite", "Scolarité / classe";
        /// Individual or group support (social skills, autonomy).
        Soutien = "soutien", "Soutien / accompagnement";
        /// Anything else.
        Autre = "autre", "Autre";
    }
}

code_enum! {
    /// Individual (one person at a time) or group.
    Modalite {
        /// One person per session.
        Individuelle = "individuelle", "Individuelle";
        /// A group.
        Collective = "collective", "Collective";
    }
}

code_enum! {
    /// The status of a session.
    StatutSeance {
        /// Planned.
        Prevue = "prevue", "Prévue";
        /// Took place.
        Realisee = "realisee", "Réalisée";
        /// Cancelled (with a motive).
        Annulee = "annulee", "Annulée";
    }
}

code_enum! {
    /// A person's attendance at a session.
    Assiduite {
        /// Was there.
        Present = "present", "Présent";
        /// Was not there, without notice.
        Absent = "absent", "Absent";
        /// Was not there, excused (noted beforehand as well).
        Excuse = "excuse", "Excusé";
    }
}

/// The most sessions created at once by a series.
pub const SERIE_MAX: usize = 120;

/// The longest series, in days.
pub const SERIE_MAX_JOURS: i64 = 366;

/// The activities of an établissement: a role reads them (`Lire`: the support section) or
/// organises them (`Ecrire`, `Valider`: activities, sessions, registrations and attendance;
/// a write right on the support section). Roles scoped to their assignments (home care,
/// portals) and the administrator never do.
pub const PAGE_ACTIVITES: PageEtablissement = PageEtablissement(|matrice, role, action| {
    // Validating is organising: the write right (`Valider` comes after `Ecrire`).
    matrice.permet(role, Section::Accompagnement, action.min(Action::Ecrire))
        && role != Role::Administrateur
});

/// Checks an activity's period of validity (the end, if any, on or after the start).
pub fn verifier_validite(debut: NaiveDate, fin: Option<NaiveDate>) -> Result<(), &'static str> {
    match fin {
        Some(f) if f < debut => Err("La fin de validité de l'activité doit suivre son début."),
        _ => Ok(()),
    }
}

/// Checks the times of a session (the end after the start).
pub fn verifier_horaires(debut: NaiveTime, fin: NaiveTime) -> Result<(), &'static str> {
    if fin <= debut {
        Err("L'heure de fin de la séance doit suivre son heure de début.")
    } else {
        Ok(())
    }
}

/// Checks that a session on `jour` falls inside the activity's validity.
pub fn verifier_jour_seance(
    jour: NaiveDate,
    debut: NaiveDate,
    fin: Option<NaiveDate>,
) -> Result<(), &'static str> {
    if jour < debut || fin.is_some_and(|f| jour > f) {
        Err("La séance doit avoir lieu pendant la période de validité de l'activité.")
    } else {
        Ok(())
    }
}

/// Checks a change of a session's status on `jour` seen `aujourd_hui` (Paris): prévue →
/// réalisée (once its day has come) or annulée (with a motive); annulée → prévue (restored);
/// réalisée → annulée is refused (attendance was taken), réalisée → prévue allowed for a
/// session noted too early.
pub fn verifier_statut(
    avant: StatutSeance,
    apres: StatutSeance,
    motif: Option<&str>,
    jour: NaiveDate,
    aujourd_hui: NaiveDate,
) -> Result<(), &'static str> {
    use StatutSeance::*;
    if avant == apres {
        return Ok(());
    }
    match (avant, apres) {
        (Prevue, Realisee) if jour > aujourd_hui => {
            Err("Une séance à venir ne peut pas être notée réalisée.")
        }
        (Prevue, Realisee) | (Annulee, Prevue) | (Realisee, Prevue) => Ok(()),
        (Prevue, Annulee) if motif.is_none_or(|m| m.trim().is_empty()) => {
            Err("Le motif de l'annulation est obligatoire.")
        }
        (Prevue, Annulee) => Ok(()),
        (Realisee, Annulee) => {
            Err("Une séance réalisée ne peut pas être annulée : remettez-la d'abord « prévue ».")
        }
        _ => Err("Une séance annulée doit d'abord être remise « prévue »."),
    }
}

/// Whether a registration over [`debut`, `fin`] covers `jour`.
pub fn inscrit_le(debut: NaiveDate, fin: Option<NaiveDate>, jour: NaiveDate) -> bool {
    debut <= jour && fin.is_none_or(|f| jour <= f)
}

/// Checks an attendance noted for a session of status `statut` on `jour`, seen
/// `aujourd_hui`: only for a person registered on that day, never on a cancelled session,
/// and before the day only as excused.
pub fn verifier_presence(
    statut: StatutSeance,
    jour: NaiveDate,
    aujourd_hui: NaiveDate,
    inscrit: bool,
    assiduite: Assiduite,
) -> Result<(), &'static str> {
    if statut == StatutSeance::Annulee {
        return Err("La séance est annulée : aucune présence ne peut y être notée.");
    }
    if !inscrit {
        return Err("La personne n'est pas inscrite à l'activité à la date de la séance.");
    }
    if jour > aujourd_hui && assiduite != Assiduite::Excuse {
        return Err("Une séance à venir ne peut recevoir que des absences excusées.");
    }
    Ok(())
}

/// Checks a registration's dates: its end, if any, on or after its start, and the start
/// inside the activity's validity.
pub fn verifier_inscription(
    debut: NaiveDate,
    fin: Option<NaiveDate>,
    validite: (NaiveDate, Option<NaiveDate>),
) -> Result<(), &'static str> {
    if fin.is_some_and(|f| f < debut) {
        return Err("La fin de l'inscription doit suivre son début.");
    }
    if debut < validite.0 || validite.1.is_some_and(|f| debut > f) {
        return Err("L'inscription doit commencer pendant la période de validité de l'activité.");
    }
    Ok(())
}

/// Checks that one more registration fits: `actives` are the registrations of the activity
/// still running on the new one's start or later; an activity without capacity takes anyone.
pub fn verifier_capacite(capacite: Option<i64>, actives: i64) -> Result<(), String> {
    match capacite {
        Some(c) if actives >= c => Err(format!(
            "L'activité est complète : {c} place{} (retirez une inscription ou augmentez la capacité).",
            if c > 1 { "s" } else { "" }
        )),
        _ => Ok(()),
    }
}

/// Checks a capacity typed for an activity that has `actives` running registrations.
pub fn verifier_nouvelle_capacite(capacite: Option<i64>, actives: i64) -> Result<(), String> {
    match capacite {
        Some(c) if c < 1 => Err("La capacité doit être d'au moins une place.".into()),
        Some(c) if c > 10_000 => Err("La capacité est de 10 000 places au plus.".into()),
        Some(c) if c < actives => Err(format!(
            "La capacité ne peut pas être inférieure aux {actives} inscriptions en cours."
        )),
        _ => Ok(()),
    }
}

/// The days of a series of sessions: every `jours` of the week from `debut` to `fin`
/// included, one week in `intervalle` (1: every week). At most [`SERIE_MAX`] sessions over
/// [`SERIE_MAX_JOURS`] days; a French message otherwise.
pub fn dates_serie(
    debut: NaiveDate,
    fin: NaiveDate,
    jours: &[Weekday],
    intervalle: u32,
) -> Result<Vec<NaiveDate>, String> {
    if fin < debut {
        return Err("La fin de la série doit suivre son début.".into());
    }
    if (fin - debut).num_days() > SERIE_MAX_JOURS {
        return Err(format!("Une série couvre au plus {SERIE_MAX_JOURS} jours."));
    }
    if jours.is_empty() {
        return Err("Choisissez au moins un jour de la semaine.".into());
    }
    if !(1..=4).contains(&intervalle) {
        return Err("L'intervalle est de 1 à 4 semaines.".into());
    }
    let lundi = debut - chrono::Duration::days(i64::from(debut.weekday().num_days_from_monday()));
    let mut v = Vec::new();
    for d in debut.iter_days().take_while(|d| *d <= fin) {
        let semaine = (d - lundi).num_days() / 7;
        if semaine % i64::from(intervalle) == 0 && jours.contains(&d.weekday()) {
            v.push(d);
        }
    }
    if v.is_empty() {
        return Err("Aucune séance dans cette période pour les jours choisis.".into());
    }
    if v.len() > SERIE_MAX {
        return Err(format!(
            "Une série compte au plus {SERIE_MAX} séances ({} demandées).",
            v.len()
        ));
    }
    Ok(v)
}

/// The weekday of a code `lun`…`dim` (the forms' and the API's).
pub fn jour_semaine(code: &str) -> Option<Weekday> {
    Some(match code {
        "lun" => Weekday::Mon,
        "mar" => Weekday::Tue,
        "mer" => Weekday::Wed,
        "jeu" => Weekday::Thu,
        "ven" => Weekday::Fri,
        "sam" => Weekday::Sat,
        "dim" => Weekday::Sun,
        _ => return None,
    })
}

/// The week's days as the forms show them: (code, French label).
pub const JOURS_SEMAINE: [(&str, &str); 7] = [
    ("lun", "Lundi"),
    ("mar", "Mardi"),
    ("mer", "Mercredi"),
    ("jeu", "Jeudi"),
    ("ven", "Vendredi"),
    ("sam", "Samedi"),
    ("dim", "Dimanche"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Matrice, Refus};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn only_support_writers_of_the_etablissement_organise() {
        let m = Matrice::from_grants([
            (Role::Educateur, Section::Accompagnement, Action::Lire),
            (Role::Educateur, Section::Accompagnement, Action::Ecrire),
            (Role::Infirmier, Section::Accompagnement, Action::Lire),
            (
                Role::Administrateur,
                Section::Accompagnement,
                Action::Ecrire,
            ),
            (
                Role::IntervenantDomicile,
                Section::Accompagnement,
                Action::Ecrire,
            ),
        ]);
        assert!(PAGE_ACTIVITES
            .peut(&m, Role::Educateur, &[1], 1, Action::Ecrire)
            .is_ok());
        assert_eq!(
            PAGE_ACTIVITES.peut(&m, Role::Educateur, &[1], 2, Action::Lire),
            Err(Refus::HorsPerimetre)
        );
        assert!(PAGE_ACTIVITES
            .peut(&m, Role::Infirmier, &[1], 1, Action::Lire)
            .is_ok());
        assert_eq!(
            PAGE_ACTIVITES.peut(&m, Role::Infirmier, &[1], 1, Action::Ecrire),
            Err(Refus::NonPermisParLeRole)
        );
        assert_eq!(
            PAGE_ACTIVITES.peut(&m, Role::Administrateur, &[1], 1, Action::Lire),
            Err(Refus::NonPermisParLeRole)
        );
        assert_eq!(
            PAGE_ACTIVITES.peut(&m, Role::IntervenantDomicile, &[1], 1, Action::Ecrire),
            Err(Refus::NonPermisParLeRole)
        );
    }

    #[test]
    fn attendance_needs_a_registration_a_session_held_and_a_past_day_unless_excused() {
        let (jour, auj) = (d("2026-11-10"), d("2026-11-10"));
        use Assiduite::*;
        use StatutSeance::*;
        for a in Assiduite::ALL {
            assert!(verifier_presence(Prevue, jour, auj, true, *a).is_ok());
            assert!(verifier_presence(Realisee, jour, auj, true, *a).is_ok());
            assert!(verifier_presence(Annulee, jour, auj, true, *a)
                .unwrap_err()
                .contains("annulée"));
            assert!(verifier_presence(Prevue, jour, auj, false, *a)
                .unwrap_err()
                .contains("inscrite"));
        }
        let demain = d("2026-11-11");
        assert!(verifier_presence(Prevue, demain, auj, true, Excuse).is_ok());
        assert!(verifier_presence(Prevue, demain, auj, true, Present).is_err());
        assert!(verifier_presence(Prevue, demain, auj, true, Absent).is_err());
    }

    #[test]
    fn registrations_cover_their_days_and_respect_the_capacity() {
        assert!(inscrit_le(d("2026-01-01"), None, d("2026-01-01")));
        assert!(inscrit_le(
            d("2026-01-01"),
            Some(d("2026-02-01")),
            d("2026-02-01")
        ));
        assert!(!inscrit_le(
            d("2026-01-01"),
            Some(d("2026-02-01")),
            d("2026-02-02")
        ));
        assert!(!inscrit_le(d("2026-01-02"), None, d("2026-01-01")));
        assert!(verifier_capacite(None, 1000).is_ok());
        assert!(verifier_capacite(Some(8), 7).is_ok());
        assert!(verifier_capacite(Some(8), 8)
            .unwrap_err()
            .contains("complète"));
        assert!(verifier_nouvelle_capacite(Some(0), 0).is_err());
        assert!(verifier_nouvelle_capacite(Some(3), 4).is_err());
        assert!(verifier_nouvelle_capacite(Some(4), 4).is_ok());
        let v = (d("2026-01-01"), Some(d("2026-06-30")));
        assert!(verifier_inscription(d("2026-02-01"), None, v).is_ok());
        assert!(verifier_inscription(d("2025-12-31"), None, v).is_err());
        assert!(verifier_inscription(d("2026-07-01"), None, v).is_err());
        assert!(verifier_inscription(d("2026-02-01"), Some(d("2026-01-31")), v).is_err());
    }

    #[test]
    fn status_changes_follow_the_session_life() {
        use StatutSeance::*;
        let (jour, auj) = (d("2026-11-10"), d("2026-11-10"));
        let ok = |a, b, m: Option<&str>| verifier_statut(a, b, m, jour, auj).is_ok();
        assert!(ok(Prevue, Realisee, None));
        assert!(!ok(Prevue, Annulee, None));
        assert!(!ok(Prevue, Annulee, Some("  ")));
        assert!(ok(Prevue, Annulee, Some("Animatrice malade")));
        assert!(ok(Annulee, Prevue, None));
        assert!(!ok(Annulee, Realisee, None));
        assert!(!ok(Realisee, Annulee, Some("x")));
        assert!(ok(Realisee, Prevue, None));
        assert!(ok(Annulee, Annulee, None));
        assert!(verifier_statut(Prevue, Realisee, None, d("2026-11-11"), auj).is_err());
    }

    #[test]
    fn times_and_validity_are_ordered() {
        let t = |s| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
        assert!(verifier_horaires(t("10:00"), t("11:30")).is_ok());
        assert!(verifier_horaires(t("10:00"), t("10:00")).is_err());
        assert!(verifier_validite(d("2026-01-02"), Some(d("2026-01-01"))).is_err());
        assert!(verifier_validite(d("2026-01-02"), None).is_ok());
        assert!(verifier_jour_seance(d("2026-01-01"), d("2026-01-02"), None).is_err());
        assert!(
            verifier_jour_seance(d("2026-03-01"), d("2026-01-02"), Some(d("2026-02-28"))).is_err()
        );
        assert!(
            verifier_jour_seance(d("2026-02-28"), d("2026-01-02"), Some(d("2026-02-28"))).is_ok()
        );
    }

    #[test]
    fn a_series_takes_the_chosen_weekdays_every_n_weeks() {
        // Tuesday 2026-10-20 to Tuesday 2026-11-17, Tuesdays and Thursdays: across the
        // autumn time change, the days are local dates.
        let v = dates_serie(
            d("2026-10-20"),
            d("2026-11-17"),
            &[Weekday::Tue, Weekday::Thu],
            1,
        )
        .unwrap();
        assert_eq!(v.len(), 9);
        assert_eq!(v[0], d("2026-10-20"));
        assert_eq!(v[8], d("2026-11-17"));
        let v = dates_serie(d("2026-10-21"), d("2026-11-30"), &[Weekday::Mon], 2).unwrap();
        // The first week (of 2026-10-19) has no Monday left; then every other week.
        assert_eq!(v, vec![d("2026-11-02"), d("2026-11-16"), d("2026-11-30")]);
        assert!(dates_serie(d("2026-01-01"), d("2025-12-01"), &[Weekday::Mon], 1).is_err());
        assert!(dates_serie(d("2026-01-01"), d("2026-02-01"), &[], 1).is_err());
        assert!(dates_serie(d("2026-01-01"), d("2026-02-01"), &[Weekday::Mon], 5).is_err());
        assert!(dates_serie(d("2026-01-05"), d("2026-01-06"), &[Weekday::Sun], 1).is_err());
        let tous = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ];
        assert!(dates_serie(d("2026-01-01"), d("2026-12-31"), &tous, 1)
            .unwrap_err()
            .contains("au plus"));
        assert_eq!(jour_semaine("dim"), Some(Weekday::Sun));
        assert_eq!(jour_semaine("xx"), None);
    }
}
