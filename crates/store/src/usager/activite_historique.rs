//! A person's participation history (issue 13, COO-1), for the project review: the sessions
//! of the activities the person was registered to (with the attendance noted) and the
//! agenda events the person takes part in (read-only; never a psychology appointment), most
//! recent first, filterable by kind and period, read with the file's support-section
//! capability. A recurring agenda series is one line at its first occurrence, with the
//! person's presence at each of its occurrences where one was noted (decision 0059).

use chrono::NaiveDate;
use dui_domain::activite::{Assiduite, StatutSeance, TypeActivite};
use dui_domain::agenda::{Presence, StatutRendezVous, TypeRendezVous};
use dui_domain::agenda_recurrence::local_paris;
use dui_domain::policy::{Action, Section};
use serde::Serialize;

use super::activite::date_col;
use super::exiger;
use crate::db::Store;
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::sql::{Row, Value};
use crate::{parse_ts, StoreError, StoreResult};

/// What a line of the history is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NatureParticipation {
    /// A session of an activity.
    Seance,
    /// An event of the agenda.
    Evenement,
}

/// Which lines: one kind of activity, or the agenda's events only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiltreParticipation {
    /// Everything.
    Tout,
    /// The sessions of activities of one kind.
    Activite(TypeActivite),
    /// The agenda's events only.
    Agenda,
}

/// One line of the history.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Participation {
    /// Key of the line (the cursor of the list): a session's id × 2, an event's × 2 + 1.
    pub cle: i64,
    /// Session or event.
    pub nature: NatureParticipation,
    /// The activity (a session) or the event.
    pub reference_id: i64,
    /// The day (Paris).
    #[schema(value_type = String, format = Date)]
    pub jour: NaiveDate,
    /// Start, `HH:MM` (Paris).
    pub heure_debut: String,
    /// End, `HH:MM` (Paris).
    pub heure_fin: String,
    /// Title.
    pub titre: String,
    /// Kind (an activity's kind, or an event's type) as a code.
    pub genre: String,
    /// Its French label.
    pub genre_libelle: String,
    /// Place.
    pub lieu: Option<String>,
    /// Status (French label).
    pub statut: String,
    /// The person's attendance (French label; none: not noted).
    pub assiduite: Option<String>,
    /// Whether the person was there (present).
    pub present: bool,
    /// Observation of the attendance.
    pub observation: Option<String>,
    /// An event of a recurring series (shown once, at its first occurrence).
    pub serie: bool,
    /// A series: the person's presence noted at its occurrences, by date.
    pub occurrences: Vec<OccurrenceNotee>,
}

/// The person's presence noted at one occurrence of a series.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OccurrenceNotee {
    /// The occurrence's local date in the series.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Presence (French label).
    pub presence: String,
}

const UNION: &str = "(SELECT s.id * 2 AS cle, 'seance' AS nature, a.id AS reference_id, s.jour AS jour, \
     s.heure_debut AS heure_debut, s.heure_fin AS heure_fin, CAST(NULL AS TEXT) AS debut_ts, CAST(NULL AS TEXT) AS fin_ts, \
     a.titre AS titre, a.type_activite AS genre, COALESCE(s.lieu, a.lieu) AS lieu, s.statut AS statut, \
     p.assiduite AS assiduite, p.observation AS observation, CAST(NULL AS TEXT) AS rrule \
     FROM seance s JOIN activite a ON a.id = s.activite_id \
     LEFT JOIN seance_presence p ON p.seance_id = s.id AND p.usager_id = $1 \
     WHERE s.activite_id IN (SELECT activite_id FROM activite_inscription WHERE usager_id = $1) \
     AND (p.id IS NOT NULL OR EXISTS (SELECT 1 FROM activite_inscription i WHERE i.activite_id = s.activite_id \
       AND i.usager_id = $1 AND i.debut <= s.jour AND (i.fin IS NULL OR i.fin >= s.jour))) \
     UNION ALL \
     SELECT r.id * 2 + 1, 'evenement', r.id, SUBSTR(r.debut, 1, 10), SUBSTR(r.debut, 12, 5), SUBSTR(r.fin, 12, 5), \
     r.debut, r.fin, r.objet, r.type_rdv, r.lieu, r.statut, ep.presence, CAST(NULL AS TEXT), r.rrule \
     FROM rendez_vous r JOIN evenement_participant ep ON ep.rendez_vous_id = r.id AND ep.usager_id = $1 \
     WHERE r.section = 'accompagnement') h";

fn ligne(r: &Row) -> StoreResult<Participation> {
    let nature: String = r.try_get("nature")?;
    let genre: String = r.try_get("genre")?;
    let statut: String = r.try_get("statut")?;
    let assiduite: Option<String> = r.try_get("assiduite")?;
    let rrule: Option<String> = r.try_get("rrule")?;
    let corrompu = |c: &str| StoreError::Corrupt(c.into());
    let mut p = Participation {
        cle: r.try_get("cle")?,
        nature: NatureParticipation::Seance,
        reference_id: r.try_get("reference_id")?,
        jour: date_col(r, "jour")?,
        heure_debut: r.try_get("heure_debut")?,
        heure_fin: r.try_get("heure_fin")?,
        titre: r.try_get("titre")?,
        genre_libelle: String::new(),
        genre,
        lieu: r.try_get("lieu")?,
        statut: String::new(),
        assiduite: None,
        present: false,
        observation: r.try_get("observation")?,
        serie: rrule.is_some(),
        occurrences: Vec::new(),
    };
    if nature == "seance" {
        p.genre_libelle = TypeActivite::from_code(&p.genre)
            .ok_or_else(|| corrompu("type_activite"))?
            .label_fr()
            .into();
        p.statut = StatutSeance::from_code(&statut)
            .ok_or_else(|| corrompu("statut"))?
            .label_fr()
            .into();
        let a = assiduite
            .map(|a| Assiduite::from_code(&a).ok_or_else(|| corrompu("assiduite")))
            .transpose()?;
        p.present = a == Some(Assiduite::Present);
        p.assiduite = a.map(|a| a.label_fr().into());
    } else {
        p.nature = NatureParticipation::Evenement;
        let (d, f): (String, String) = (r.try_get("debut_ts")?, r.try_get("fin_ts")?);
        let (d, f) = (local_paris(parse_ts(&d)?), local_paris(parse_ts(&f)?));
        p.jour = d.date();
        p.heure_debut = d.format("%H:%M").to_string();
        p.heure_fin = f.format("%H:%M").to_string();
        p.genre_libelle = TypeRendezVous::from_code(&p.genre)
            .ok_or_else(|| corrompu("type_rdv"))?
            .label_fr()
            .into();
        p.statut = StatutRendezVous::from_code(&statut)
            .ok_or_else(|| corrompu("statut"))?
            .label_fr()
            .into();
        let a = assiduite
            .map(|a| Presence::from_code(&a).ok_or_else(|| corrompu("presence")))
            .transpose()?;
        p.present = a == Some(Presence::Present);
        p.assiduite = a
            .filter(|a| *a != Presence::Attendu)
            .map(|a| a.label_fr().into());
    }
    Ok(p)
}

impl Store {
    /// A page of the participation history of the file of `cap` (support section), most
    /// recent first, of kind `filtre`, in [`du`, `au`] when given.
    pub async fn participations_page(
        &self,
        cap: &Capability,
        filtre: FiltreParticipation,
        periode: (Option<NaiveDate>, Option<NaiveDate>),
        page: Page,
    ) -> StoreResult<Vec<Participation>> {
        exiger(cap, Section::Accompagnement, Action::Lire)?;
        let mut sql = format!("SELECT h.* FROM {UNION} WHERE 1 = 1");
        let mut args: Vec<Value> = vec![cap.usager_id().into()];
        match filtre {
            FiltreParticipation::Tout => {}
            FiltreParticipation::Agenda => sql.push_str(" AND h.nature = 'evenement'"),
            FiltreParticipation::Activite(t) => {
                args.push(t.code().into());
                sql.push_str(&format!(
                    " AND h.nature = 'seance' AND h.genre = ${}",
                    args.len()
                ));
            }
        }
        // The events' day is read in UTC by the query: a day of margin, then the Paris day.
        if let Some(du) = periode.0 {
            args.push(du.pred_opt().unwrap_or(du).to_string().into());
            sql.push_str(&format!(" AND h.jour >= ${}", args.len()));
        }
        if let Some(au) = periode.1 {
            args.push(au.succ_opt().unwrap_or(au).to_string().into());
            sql.push_str(&format!(" AND h.jour <= ${}", args.len()));
        }
        let tri = Tri {
            cols: "h.jour, h.heure_debut, h.cle",
            table: UNION,
            id: "h.cle",
            ordre: Ordre::Decroissant,
        };
        let rows = self.keyset(&sql, args, tri, page).await?;
        let mut v = rows
            .iter()
            .map(ligne)
            .collect::<StoreResult<Vec<_>>>()?
            .into_iter()
            .filter(|p| {
                periode.0.is_none_or(|d| p.jour >= d) && periode.1.is_none_or(|a| p.jour <= a)
            })
            .collect::<Vec<_>>();
        self.presences_des_series(cap, &mut v).await?;
        Ok(v)
    }

    /// Fills the presences of the person of `cap` at the occurrences of the series among
    /// `lignes`, oldest first.
    async fn presences_des_series(
        &self,
        cap: &Capability,
        lignes: &mut [Participation],
    ) -> StoreResult<()> {
        let series: Vec<Value> = lignes
            .iter()
            .filter(|p| p.serie)
            .map(|p| p.reference_id.into())
            .collect();
        if series.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT o.rendez_vous_id, o.date_origine, o.presence FROM evenement_presence_occurrence o \
             JOIN evenement_participant ep ON ep.id = o.participant_id AND ep.usager_id = $1 \
             WHERE o.rendez_vous_id IN ({}) ORDER BY o.date_origine",
            crate::sql::marqueurs(2, series.len())
        );
        let rows = crate::sql::query(&sql)
            .bind(cap.usager_id())
            .binds(series)
            .fetch_all(self)
            .await?;
        for r in &rows {
            let id: i64 = r.try_get("rendez_vous_id")?;
            let presence: String = r.try_get("presence")?;
            let presence = Presence::from_code(&presence)
                .ok_or_else(|| StoreError::Corrupt("presence".into()))?;
            let o = OccurrenceNotee {
                date: date_col(r, "date_origine")?,
                presence: presence.label_fr().into(),
            };
            for p in lignes
                .iter_mut()
                .filter(|p| p.serie && p.reference_id == id)
            {
                p.occurrences.push(o.clone());
            }
        }
        Ok(())
    }
}
