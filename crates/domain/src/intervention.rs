//! Home-care planning and télégestion (COO-5): recurring planned interventions of an usager
//! at home (tasks, duration, time window, days of the week, required qualification, assigned
//! worker), expanded into visits for a range of days in Europe/Paris; what a visit became
//! (arrival, departure, tasks done or not); late and missed visits; the planned-vs-done
//! report (the basis of the department's billing); overlaps in a worker's planning; and who
//! may see what (a home-care worker: their own visits of today; the coordinator: the service).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::feuille_soins::instant_local;
use crate::plan_soins::{parse_jours, JOURS_FR};
use crate::policy::{Action, Matrice, Portee, Refus, Role, Section};

code_enum! {
    /// A task of a home-care visit.
    Tache {
        /// Toilet.
        Toilette = "toilette", "Toilette";
        /// Help getting up.
        AideLever = "aide_lever", "Aide au lever";
        /// Dressing.
        Habillage = "habillage", "Habillage";
        /// Meal.
        Repas = "repas", "Préparation et aide au repas";
        /// Shopping.
        Courses = "courses", "Courses";
        /// Housework.
        Menage = "menage", "Ménage";
        /// Laundry.
        Linge = "linge", "Entretien du linge";
        /// Help taking medicines.
        Medicaments = "medicaments", "Aide à la prise de médicaments";
        /// Change (continence).
        Change = "change", "Change";
        /// Help going to bed.
        Coucher = "coucher", "Aide au coucher";
        /// Going out with the person.
        Sortie = "sortie", "Accompagnement à l'extérieur";
        /// Company, stimulation.
        Compagnie = "compagnie", "Présence et stimulation";
    }
}

code_enum! {
    /// Where a visit stands.
    StatutVisite {
        /// Planned, not yet due.
        Prevue = "prevue", "Prévue";
        /// No arrival some minutes after the start of the window.
        EnRetard = "en_retard", "En retard";
        /// Arrived, not yet left.
        EnCours = "en_cours", "En cours";
        /// Arrived and left.
        Faite = "faite", "Faite";
        /// No arrival by the end of the window.
        Manquee = "manquee", "Manquée";
    }
}

/// Minutes after the start of the window without an arrival for a visit to be late (the
/// default of `DUI_TELEGESTION_RETARD_MINUTES`).
pub const RETARD_MINUTES: i64 = 15;
/// Most tasks in one intervention.
pub const TACHES_MAX: usize = 12;
/// Longest visit, in minutes.
pub const DUREE_MAX_MINUTES: u32 = 12 * 60;
/// Most entries in one synchronisation batch.
pub const LOT_MAX: usize = 200;

/// A recurring planned intervention as the expansion sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recurrence {
    /// First day.
    pub debut: NaiveDate,
    /// Last day included, if any.
    pub fin: Option<NaiveDate>,
    /// ISO weekdays (1 = Monday … 7 = Sunday), sorted.
    pub jours: Vec<u32>,
    /// Local start of the window (Europe/Paris).
    pub heure_debut: NaiveTime,
    /// Local end of the window (Europe/Paris), after the start.
    pub heure_fin: NaiveTime,
    /// Planned duration.
    pub duree_minutes: u32,
}

/// One planned visit: its local day and the instants of its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitePlanifiee {
    /// Local day (Europe/Paris).
    pub jour: NaiveDate,
    /// Start of the window.
    pub debut: DateTime<Utc>,
    /// End of the window.
    pub fin: DateTime<Utc>,
}

fn heure(champ: &str, s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| format!("{champ} doit être une heure HH:MM (par exemple 08:30)."))
}

impl Recurrence {
    /// Builds a recurrence from its parts as typed, checked (French messages).
    pub fn new(
        debut: NaiveDate,
        fin: Option<NaiveDate>,
        jours: &str,
        heure_debut: &str,
        heure_fin: &str,
        duree_minutes: i64,
    ) -> Result<Recurrence, String> {
        let jours = parse_jours(jours)?;
        if jours.is_empty() {
            return Err("Choisissez au moins un jour de la semaine.".into());
        }
        let heure_debut = heure("L'heure de début", heure_debut)?;
        let heure_fin = heure("L'heure de fin", heure_fin)?;
        if heure_fin <= heure_debut {
            return Err("La fin de la plage horaire doit suivre son début.".into());
        }
        let duree = u32::try_from(duree_minutes)
            .ok()
            .filter(|d| (5..=DUREE_MAX_MINUTES).contains(d))
            .ok_or_else(|| format!("La durée doit être de 5 à {DUREE_MAX_MINUTES} minutes."))?;
        if fin.is_some_and(|f| f < debut) {
            return Err("Le dernier jour doit suivre le premier.".into());
        }
        Ok(Recurrence {
            debut,
            fin,
            jours,
            heure_debut,
            heure_fin,
            duree_minutes: duree,
        })
    }

    /// Whether a visit is planned on local day `jour`.
    pub fn le(&self, jour: NaiveDate) -> bool {
        jour >= self.debut
            && self.fin.is_none_or(|f| jour <= f)
            && self.jours.contains(&jour.weekday().number_from_monday())
    }

    /// The visits planned from `du` to `au` (both included), in order. Local times are of
    /// Europe/Paris on each day: a window keeps its local hours across the time changes
    /// (a local time in the spring gap is the instant after the jump, one that happens twice
    /// in autumn is the first).
    pub fn developper(&self, du: NaiveDate, au: NaiveDate) -> Vec<VisitePlanifiee> {
        let mut v = Vec::new();
        let mut jour = du.max(self.debut);
        while jour <= au && self.fin.is_none_or(|f| jour <= f) {
            if self.le(jour) {
                v.push(VisitePlanifiee {
                    jour,
                    debut: instant_local(jour, self.heure_debut),
                    fin: instant_local(jour, self.heure_fin),
                });
            }
            jour += Duration::days(1);
        }
        v
    }

    /// French description: « le lundi, jeudi de 08:00 à 09:30 (45 min) ».
    pub fn libelle(&self) -> String {
        let jours: Vec<&str> = self
            .jours
            .iter()
            .map(|j| JOURS_FR[(*j as usize).clamp(1, 7) - 1])
            .collect();
        format!(
            "le {} de {} à {} ({} min)",
            jours.join(", "),
            self.heure_debut.format("%H:%M"),
            self.heure_fin.format("%H:%M"),
            self.duree_minutes
        )
    }
}

/// What happened to a visit, as the status and the report need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deroulement {
    /// Start of the window.
    pub debut: DateTime<Utc>,
    /// End of the window.
    pub fin: DateTime<Utc>,
    /// Planned duration.
    pub duree_minutes: i64,
    /// Arrival recorded.
    pub arrivee: Option<DateTime<Utc>>,
    /// Departure recorded.
    pub depart: Option<DateTime<Utc>>,
}

impl Deroulement {
    /// Where the visit stands at `now`, late after `retard_minutes` without an arrival.
    pub fn statut(&self, now: DateTime<Utc>, retard_minutes: i64) -> StatutVisite {
        match (self.arrivee, self.depart) {
            (Some(_), Some(_)) => StatutVisite::Faite,
            (Some(_), None) => StatutVisite::EnCours,
            (None, _) if now > self.fin => StatutVisite::Manquee,
            (None, _) if now > self.debut + Duration::minutes(retard_minutes) => {
                StatutVisite::EnRetard
            }
            (None, _) => StatutVisite::Prevue,
        }
    }

    /// Minutes done: from arrival to departure (0 until both are recorded, or when the
    /// departure precedes the arrival).
    pub fn minutes_faites(&self) -> i64 {
        match (self.arrivee, self.depart) {
            (Some(a), Some(d)) if d > a => (d - a).num_minutes(),
            _ => 0,
        }
    }
}

/// Planned vs done over a set of visits (per usager, worker or month).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Bilan {
    /// Visits planned.
    pub visites_prevues: i64,
    /// Minutes planned.
    pub minutes_prevues: i64,
    /// Visits done (arrival and departure recorded).
    pub visites_faites: i64,
    /// Minutes done, from arrival to departure.
    pub minutes_faites: i64,
    /// Visits missed (no arrival by the end of the window).
    pub visites_manquees: i64,
    /// Done minutes minus planned minutes of the visits done.
    pub ecart_minutes: i64,
}

impl Bilan {
    /// Adds one visit as it stands at `now`.
    pub fn ajouter(&mut self, d: &Deroulement, now: DateTime<Utc>, retard_minutes: i64) {
        self.visites_prevues += 1;
        self.minutes_prevues += d.duree_minutes;
        match d.statut(now, retard_minutes) {
            StatutVisite::Faite => {
                self.visites_faites += 1;
                let m = d.minutes_faites();
                self.minutes_faites += m;
                self.ecart_minutes += m - d.duree_minutes;
            }
            StatutVisite::Manquee => self.visites_manquees += 1,
            _ => {}
        }
    }
}

/// Planned vs done per key (usager, worker…), keys sorted.
pub fn bilans<K: Ord + Clone>(
    visites: impl IntoIterator<Item = (K, Deroulement)>,
    now: DateTime<Utc>,
    retard_minutes: i64,
) -> BTreeMap<K, Bilan> {
    let mut m: BTreeMap<K, Bilan> = BTreeMap::new();
    for (k, d) in visites {
        m.entry(k).or_default().ajouter(&d, now, retard_minutes);
    }
    m
}

/// The indexes of the visits that overlap another visit of the same worker: `(worker, start,
/// end)` per visit, the end being the start plus the planned duration.
pub fn chevauchements(visites: &[(i64, DateTime<Utc>, DateTime<Utc>)]) -> Vec<usize> {
    let mut ordre: Vec<usize> = (0..visites.len()).collect();
    ordre.sort_by_key(|i| (visites[*i].0, visites[*i].1));
    let mut en_conflit = vec![false; visites.len()];
    let mut fin_courante: Option<(i64, DateTime<Utc>, usize)> = None;
    for i in ordre {
        let (qui, debut, fin) = visites[i];
        match fin_courante {
            Some((q, f, j)) if q == qui && debut < f => {
                en_conflit[i] = true;
                en_conflit[j] = true;
                if fin > f {
                    fin_courante = Some((qui, fin, i));
                }
            }
            _ => fin_courante = Some((qui, fin, i)),
        }
    }
    (0..visites.len()).filter(|i| en_conflit[*i]).collect()
}

/// A position rounded to three decimals (about 100 m), in thousandths of a degree: what is
/// stored when the worker allowed it (decision 0050-telegestion-planning). `None` when out
/// of range.
pub fn position_arrondie(lat: f64, lon: f64) -> Option<(i64, i64)> {
    let ok = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
    // The range is checked: the products fit an i64.
    #[allow(clippy::cast_possible_truncation)]
    ok.then(|| ((lat * 1000.0).round() as i64, (lon * 1000.0).round() as i64))
}

/// Whether an offline entry based on version `base` of a visit conflicts with the visit as
/// stored (`version`, last changed by `modifie_par`): another account changed it since the
/// worker's phone read it. The worker's own earlier entries (sent in the same batch or
/// before) are not a conflict.
pub fn conflit(base: i64, version: i64, modifie_par: Option<i64>, auteur: i64) -> bool {
    version != base && modifie_par.is_some_and(|m| m != auteur)
}

/// How an account reaches the télégestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The coordinator of a service: its whole planning.
    Coordination,
    /// A home-care worker: their own visits of today.
    Intervenant,
}

/// Whether `role` may `action` the home-care planning of `etablissement` (`None`: the
/// worker's own day): the coordinator validates the accompaniment section in that
/// établissement; a home-care worker (scoped by assignment) writing the accompaniment
/// section reaches only their own visits of today. Others are refused.
pub fn peut_telegestion(
    matrice: &Matrice,
    role: Role,
    etablissements_utilisateur: &[i64],
    etablissement: Option<i64>,
    action: Action,
) -> Result<Mode, Refus> {
    if role == Role::IntervenantDomicile && role.portee() == Portee::Affectation {
        let a = if action == Action::Valider {
            Action::Valider
        } else {
            Action::Ecrire
        };
        return if matrice.permet(role, Section::Accompagnement, a) {
            Ok(Mode::Intervenant)
        } else {
            Err(Refus::NonPermisParLeRole)
        };
    }
    if role.portee() != Portee::Etablissements
        || !matrice.permet(role, Section::Accompagnement, Action::Valider)
    {
        return Err(Refus::NonPermisParLeRole);
    }
    match etablissement {
        Some(e) if etablissements_utilisateur.contains(&e) => Ok(Mode::Coordination),
        _ => Err(Refus::HorsPerimetre),
    }
}

/// Monday of the week of `jour`.
pub fn lundi(jour: NaiveDate) -> NaiveDate {
    jour - Duration::days(i64::from(jour.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests;
