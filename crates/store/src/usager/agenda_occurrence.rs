//! A participant's presence at one occurrence of a recurring event (h13d, decision 0059):
//! keyed by the participant and the occurrence's local date in its series (the key of its
//! exception, so a moved occurrence keeps its presences and is checked at its new start);
//! a cancelled occurrence takes none. Versioned per occurrence (409), audited.

use chrono::{Duration, NaiveDate};
use dui_domain::agenda::{verifier_presence_occurrence, Presence};
use dui_domain::agenda_recurrence::{instant_paris, occurrences, Occurrence};
use dui_domain::journal::ActionJournal;

use super::agenda_evenement::{commit_agenda, invalide, pour_noter};
use super::agenda_evenement_types::Evenement;
use crate::db::Store;
use crate::policy::CapaciteAgenda;
use crate::{ts, StoreError, StoreResult};

impl Evenement {
    /// The occurrence of local date `date` of this series as it happens (moved: at its new
    /// slot), `Ok(None)` when it is cancelled; refused when the event does not repeat or
    /// `date` is not one of its dates.
    pub fn occurrence_du(&self, date: NaiveDate) -> StoreResult<Option<Occurrence>> {
        let regle = self.regle().ok_or_else(|| {
            invalide("Cet événement ne se répète pas : notez la présence du participant.")
        })?;
        let depart = dui_domain::agenda_recurrence::local_paris(self.debut).date();
        if !regle
            .dates(depart, date + Duration::days(1))
            .contains(&date)
        {
            return Err(invalide(
                "Cette date n'est pas une occurrence de l'événement.",
            ));
        }
        // A moved occurrence stays within a month of its date.
        let minuit = instant_paris(date.and_hms_opt(0, 0, 0).unwrap_or_default());
        let (de, a) = (minuit - Duration::days(33), minuit + Duration::days(34));
        let exceptions = self.exceptions_par_date();
        Ok(
            occurrences(self.debut, self.fin, Some(&regle), &exceptions, de, a)
                .into_iter()
                .find(|o| o.date == date),
        )
    }
}

impl Store {
    /// Marks participant `pid`'s presence at the occurrence of local date `date` of series
    /// `id`, read at `version` (0: none noted yet; 409 when stale; the domain's rules at the
    /// occurrence's own start; audited): the presence's new version.
    pub async fn noter_presence_occurrence(
        &self,
        cap: &CapaciteAgenda,
        (id, date): (i64, NaiveDate),
        pid: i64,
        version: i64,
        presence: Presence,
    ) -> StoreResult<i64> {
        let (mut tx, e) = pour_noter(self, cap, id, pid).await?;
        let occurrence = e.occurrence_du(date)?;
        let debut = occurrence.map_or(e.debut, |o| o.debut);
        verifier_presence_occurrence(e.statut, occurrence.is_none(), presence, debut, cap.at())
            .map_err(invalide)?;
        let at = ts(cap.at());
        let ecrit = if version == 0 {
            crate::sql::query(
                "INSERT INTO evenement_presence_occurrence (rendez_vous_id, participant_id, date_origine, presence, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (participant_id, date_origine) DO NOTHING",
            )
            .bind(id)
            .bind(pid)
            .bind(date.to_string())
            .bind(presence.code())
            .bind(at)
            .execute(&mut tx)
            .await?
        } else {
            crate::sql::query(
                "UPDATE evenement_presence_occurrence SET presence = $1, updated_at = $2, version = version + 1 \
                 WHERE participant_id = $3 AND date_origine = $4 AND version = $5",
            )
            .bind(presence.code())
            .bind(at)
            .bind(pid)
            .bind(date.to_string())
            .bind(version)
            .execute(&mut tx)
            .await?
        };
        if ecrit == 0 {
            return Err(StoreError::StaleVersion);
        }
        commit_agenda(
            tx,
            cap,
            ActionJournal::AgendaPresence,
            serde_json::json!({
                "rendez_vous_id": id,
                "participant_id": pid,
                "date": date.to_string(),
                "presence": presence.code(),
            }),
        )
        .await?;
        Ok(version + 1)
    }
}
