//! Events of the agenda (issue 13, COO-3/COO-4): the minimal agenda's appointment with its
//! établissement, participants (accounts, files, named relatives or partners) and their
//! presence, a status flow (`dui_domain::agenda::verifier_statut`), a recurrence with its
//! exceptions, a room or a vehicle. Read and written with a [`CapaciteAgenda`]; what an
//! event shows of a person is decided by [`visibilite`] (docs/decisions/0049-agenda.md).

use chrono::Duration;
use dui_domain::agenda::{
    verifier_creneau, verifier_presence, verifier_statut, Presence, StatutRendezVous,
    TypeParticipant, TypeRendezVous,
};
use dui_domain::agenda_recurrence::{local_paris, Recurrence};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::saisie::{self as lim, Champ};

use crate::audit::{self, NewEntry};
use crate::db::Store;
use crate::policy::CapaciteAgenda;
use crate::saisie::{borne, l};
use crate::sql::{Tx, Value};
use crate::{ts, StoreError, StoreResult};

use super::agenda_evenement_types::{
    evenements_lus, montrer, visibilite, Evenement, EvenementInput, ExceptionOccurrence,
    ParticipantInput, Visibilite, COLONNES, DEPUIS, PARTICIPANTS_MAX,
};

pub(super) fn invalide(m: impl Into<String>) -> StoreError {
    StoreError::Invalid(m.into())
}

/// The end of a series' last occurrence (`None`: without end), written beside the event so
/// that a window's query skips ended series. A moved occurrence stays within a month.
/// The values of `type_rdv` … `description` of event `e` (recurring by `regle`), in the
/// order of its statements.
fn valeurs(e: &EvenementInput, regle: Option<&Recurrence>) -> Vec<Value> {
    vec![
        e.type_rdv.code().into(),
        ts(e.debut).into(),
        ts(e.fin).into(),
        e.lieu.as_deref().map(str::trim).into(),
        e.objet.trim().into(),
        e.etablissement_id.into(),
        section(e).code().into(),
        regle.map(Recurrence::rrule).into(),
        fin_serie(e, regle).into(),
        e.ressource_id.into(),
        e.description.as_deref().into(),
    ]
}

fn fin_serie(e: &EvenementInput, regle: Option<&Recurrence>) -> Option<String> {
    let marge = Duration::days(32);
    match regle {
        None => Some(ts(e.fin + marge)),
        Some(r) => {
            let depart = local_paris(e.debut).date();
            let derniere = match (r.jusqua, r.nombre) {
                (Some(j), _) => Some(j),
                (None, Some(_)) => r
                    .dates(depart, depart + Duration::days(366 * 50))
                    .last()
                    .copied(),
                (None, None) => None,
            }?;
            Some(ts(e.fin + (derniere - depart) + Duration::days(1) + marge))
        }
    }
}

/// Whether `sql` (two keys bound: `$1`, `$2`) finds a row.
async fn existe(tx: &mut Tx, sql: &str, a: i64, b: i64) -> StoreResult<bool> {
    Ok(crate::sql::query(sql)
        .bind(a)
        .bind(b)
        .fetch_optional(&mut *tx)
        .await?
        .is_some())
}

/// Who a participant is (account, file, name): a change of the event keeps the row of each
/// participant still invited.
type ClePresence = (Option<i64>, Option<i64>, Option<String>);

impl Store {
    async fn verifier_evenement(
        &self,
        tx: &mut Tx,
        cap: &CapaciteAgenda,
        e: &EvenementInput,
    ) -> StoreResult<()> {
        if !cap.principal().etablissements.contains(&e.etablissement_id) {
            return Err(StoreError::Denied(Refus::HorsPerimetre));
        }
        if (e.psychologie && !cap.lit_psychologie()) || (!e.psychologie && !cap.planifie()) {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        if let Some(rid) = e.ressource_id {
            let ok = existe(
                tx,
                "SELECT id FROM ressource WHERE id = $1 AND etablissement_id = $2 AND actif = 1",
                rid,
                e.etablissement_id,
            )
            .await?;
            if !ok {
                return Err(invalide(
                    "Choisissez une salle ou un véhicule de l'établissement.",
                ));
            }
        }
        for p in &e.participants {
            match (p.type_participant, p.utilisateur_id, p.usager_id, &p.nom) {
                (TypeParticipant::Professionnel, Some(u), None, _) => {
                    let ok = existe(
                        tx,
                        "SELECT u.id FROM utilisateur u JOIN utilisateur_etablissement ue ON ue.utilisateur_id = u.id \
                         WHERE u.id = $1 AND ue.etablissement_id = $2 AND u.actif = 1 AND u.role NOT IN ('usager', 'proche', 'administrateur')",
                        u,
                        e.etablissement_id,
                    )
                    .await?;
                    if !ok {
                        return Err(invalide("Invitez un professionnel de l'établissement."));
                    }
                }
                (TypeParticipant::Usager, None, Some(u), _) => {
                    if !cap.lit_personnes() {
                        return Err(StoreError::Denied(Refus::NonPermisParLeRole));
                    }
                    let ok = existe(
                        tx,
                        "SELECT s.usager_id FROM sejour s JOIN usager u ON u.id = s.usager_id \
                         WHERE s.usager_id = $1 AND s.etablissement_id = $2 AND u.fusionne_dans IS NULL LIMIT 1",
                        u,
                        e.etablissement_id,
                    )
                    .await?;
                    if !ok {
                        return Err(invalide(
                            "Invitez une personne accompagnée par l'établissement.",
                        ));
                    }
                }
                (TypeParticipant::Externe, None, None, Some(n)) if !n.trim().is_empty() => {}
                (TypeParticipant::Externe, ..) => {
                    return Err(invalide("Indiquez le nom du proche ou du partenaire."))
                }
                _ => {
                    return Err(invalide(
                        "Participant mal décrit : un compte, un dossier ou un nom.",
                    ))
                }
            }
        }
        Ok(())
    }

    fn borner_evenement(e: &EvenementInput) -> StoreResult<Option<Recurrence>> {
        borne(
            [
                (l("objet", lim::LIBELLE), Some(e.objet.as_str())),
                (
                    Champ::texte("description", lim::COMMENTAIRE),
                    e.description.as_deref(),
                ),
                (l("lieu", lim::LIBELLE), e.lieu.as_deref()),
            ]
            .into_iter()
            .chain(
                e.participants
                    .iter()
                    .map(|p| (l("nom", lim::NOM_STRUCTURE), p.nom.as_deref())),
            ),
        )?;
        if e.objet.trim().is_empty() {
            return Err(invalide("Indiquez l'objet de l'événement."));
        }
        if e.participants.len() > PARTICIPANTS_MAX {
            return Err(invalide(format!(
                "Un événement compte {PARTICIPANTS_MAX} participants au plus."
            )));
        }
        if e.type_rdv == TypeRendezVous::EntretienAdmission {
            return Err(invalide(
                "Un entretien de préadmission se planifie depuis la candidature.",
            ));
        }
        verifier_creneau(e.debut, e.fin).map_err(invalide)?;
        e.rrule
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .map(Recurrence::parse)
            .transpose()
            .map_err(invalide)
    }

    /// Writes the participants of event `id`: those still invited keep their row (their
    /// presence, at the event and at each occurrence), the others are removed with their
    /// presences, the new ones are expected.
    async fn ecrire_participants(
        tx: &mut Tx,
        organisateur: i64,
        id: i64,
        e: &EvenementInput,
    ) -> StoreResult<()> {
        let anciens = crate::sql::query(
            "SELECT id, utilisateur_id, usager_id, nom FROM evenement_participant WHERE rendez_vous_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let mut restants: Vec<(i64, ClePresence)> = Vec::new();
        for r in &anciens {
            let cle = (
                r.try_get("utilisateur_id")?,
                r.try_get("usager_id")?,
                r.try_get("nom")?,
            );
            restants.push((r.try_get("id")?, cle));
        }
        let mut liste = e.participants.clone();
        if !liste.iter().any(|p| p.utilisateur_id == Some(organisateur)) {
            liste.insert(0, ParticipantInput::professionnel(organisateur));
        }
        let mut vus: Vec<ClePresence> = Vec::new();
        for p in liste {
            let nom = p
                .nom
                .as_deref()
                .filter(|_| p.type_participant == TypeParticipant::Externe)
                .map(str::trim)
                .map(str::to_string);
            let cle = (p.utilisateur_id, p.usager_id, nom.clone());
            if vus.contains(&cle) {
                continue;
            }
            vus.push(cle.clone());
            if let Some(i) = restants.iter().position(|g| g.1 == cle) {
                restants.remove(i);
                continue;
            }
            crate::sql::query(
                "INSERT INTO evenement_participant (rendez_vous_id, type_participant, utilisateur_id, usager_id, nom, presence) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(p.type_participant.code())
            .bind(p.utilisateur_id)
            .bind(p.usager_id)
            .bind(nom)
            .bind(Presence::Attendu.code())
            .execute(&mut *tx)
            .await?;
        }
        for (pid, _) in restants {
            for table in ["evenement_presence_occurrence", "evenement_participant"] {
                let colonne = if table == "evenement_participant" {
                    "id"
                } else {
                    "participant_id"
                };
                crate::sql::query(&format!("DELETE FROM {table} WHERE {colonne} = $1"))
                    .bind(pid)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Plans an event (audited): its id.
    pub async fn creer_evenement(
        &self,
        cap: &CapaciteAgenda,
        e: &EvenementInput,
    ) -> StoreResult<i64> {
        let regle = Self::borner_evenement(e)?;
        let mut tx = ecriture_agenda(self, cap).await?;
        self.verifier_evenement(&mut tx, cap, e).await?;
        let at = ts(cap.at());
        let id: i64 = crate::sql::query(
            "INSERT INTO rendez_vous (utilisateur_id, cree_par, statut, created_at, updated_at, type_rdv, debut, fin, lieu, objet, \
             etablissement_id, section, rrule, fin_serie, ressource_id, description) \
             VALUES ($1, $1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(cap.principal().id)
        .bind(StatutRendezVous::Prevu.code())
        .bind(at)
        .binds(valeurs(e, regle.as_ref()))
        .fetch_scalar(&mut tx)
        .await?;
        Self::ecrire_participants(&mut tx, cap.principal().id, id, e).await?;
        commit_agenda(tx, cap, ActionJournal::AgendaEvenementAjout, detail(id, e)).await?;
        Ok(id)
    }

    /// Changes event `id` read at `version` (409 when stale; audited; the organiser, or who
    /// sees it all in its établissement): its new version. Presences of those still invited
    /// are kept.
    pub async fn modifier_evenement(
        &self,
        cap: &CapaciteAgenda,
        id: i64,
        version: i64,
        e: &EvenementInput,
    ) -> StoreResult<i64> {
        let regle = Self::borner_evenement(e)?;
        let mut tx = ecriture_agenda(self, cap).await?;
        let avant = charger_pour_ecrire(&mut tx, cap, id).await?;
        if avant.psychologie != e.psychologie && !cap.lit_psychologie() {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        self.verifier_evenement(&mut tx, cap, e).await?;
        crate::sql::query(
            "UPDATE rendez_vous SET type_rdv = $1, debut = $2, fin = $3, lieu = $4, objet = $5, etablissement_id = $6, section = $7, \
             rrule = $8, fin_serie = $9, ressource_id = $10, description = $11, updated_at = $12, version = version + 1 \
             WHERE id = $13 AND version = $14",
        )
        .binds(valeurs(e, regle.as_ref()))
        .bind(ts(cap.at()))
        .execute_versioned(&mut tx, "rendez_vous", id, version)
        .await?;
        Self::ecrire_participants(&mut tx, avant.utilisateur_id, id, e).await?;
        commit_agenda(
            tx,
            cap,
            ActionJournal::AgendaEvenementModification,
            detail(id, e),
        )
        .await?;
        Ok(version + 1)
    }

    /// Changes the status of event `id` read at `version` (the domain's rules; 409 when
    /// stale; audited): its new version.
    pub async fn changer_statut_evenement(
        &self,
        cap: &CapaciteAgenda,
        id: i64,
        version: i64,
        statut: StatutRendezVous,
        motif: Option<&str>,
    ) -> StoreResult<i64> {
        borne([(Champ::texte("motif", lim::MOTIF), motif)])?;
        let mut tx = ecriture_agenda(self, cap).await?;
        let e = charger_pour_ecrire(&mut tx, cap, id).await?;
        if e.version != version {
            return Err(StoreError::StaleVersion);
        }
        verifier_statut(e.statut, statut, motif, e.debut, cap.at()).map_err(invalide)?;
        crate::sql::query(
            "UPDATE rendez_vous SET statut = $1, motif = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5",
        )
        .bind(statut.code())
        .bind(motif.map(str::trim).filter(|m| !m.is_empty()))
        .bind(ts(cap.at()))
        .execute_versioned(&mut tx, "rendez_vous", id, version)
        .await?;
        commit_agenda(
            tx,
            cap,
            ActionJournal::AgendaEvenementStatut,
            serde_json::json!({"rendez_vous_id": id, "de": e.statut.code(), "vers": statut.code()}),
        )
        .await?;
        Ok(version + 1)
    }

    /// Marks the presence of participant `pid` of event `id` (read at the participant's
    /// `version`; the domain's rules; audited): the participant's new version.
    pub async fn noter_presence(
        &self,
        cap: &CapaciteAgenda,
        id: i64,
        pid: i64,
        version: i64,
        presence: Presence,
    ) -> StoreResult<i64> {
        let (mut tx, e) = pour_noter(self, cap, id, pid).await?;
        if e.rrule.is_some() {
            return Err(invalide(
                "Cet événement se répète : notez la présence à l'une de ses occurrences.",
            ));
        }
        verifier_presence(e.statut, presence, e.debut, cap.at()).map_err(invalide)?;
        crate::sql::query(
            "UPDATE evenement_participant SET presence = $1, version = version + 1 WHERE rendez_vous_id = $2 AND id = $3 AND version = $4",
        )
        .bind(presence.code())
        .bind(id)
        .execute_versioned(&mut tx, "evenement_participant", pid, version)
        .await?;
        commit_agenda(
            tx,
            cap,
            ActionJournal::AgendaPresence,
            serde_json::json!({"rendez_vous_id": id, "participant_id": pid, "presence": presence.code()}),
        )
        .await?;
        Ok(version + 1)
    }

    /// Moves or cancels one occurrence of recurring event `id` read at `version` (the
    /// occurrence keyed by its local date; a move stays within a month; 409 when stale;
    /// audited): the event's new version.
    pub async fn exception_evenement(
        &self,
        cap: &CapaciteAgenda,
        id: i64,
        version: i64,
        x: &ExceptionOccurrence,
    ) -> StoreResult<i64> {
        borne([(Champ::texte("motif", lim::MOTIF), x.motif.as_deref())])?;
        let mut tx = ecriture_agenda(self, cap).await?;
        let e = charger_pour_ecrire(&mut tx, cap, id).await?;
        let regle = e
            .regle()
            .ok_or_else(|| invalide("Cet événement ne se répète pas : modifiez-le directement."))?;
        let depart = local_paris(e.debut).date();
        if !regle
            .dates(depart, x.date + Duration::days(1))
            .contains(&x.date)
        {
            return Err(invalide(
                "Cette date n'est pas une occurrence de l'événement.",
            ));
        }
        if x.annulee
            && e.presences_occurrences.iter().any(|p| {
                p.date == x.date && matches!(p.presence, Presence::Present | Presence::Absent)
            })
        {
            return Err(invalide(
                "Des présences sont notées à cette occurrence : elle a eu lieu et ne s'annule plus.",
            ));
        }
        let (debut, fin) = match (x.annulee, x.debut, x.fin) {
            (true, _, _) => (None, None),
            (false, Some(d), Some(f)) => {
                verifier_creneau(d, f).map_err(invalide)?;
                if (local_paris(d).date() - x.date).num_days().abs() > 31 {
                    return Err(invalide("Une occurrence se déplace d'un mois au plus."));
                }
                (Some(ts(d)), Some(ts(f)))
            }
            _ => return Err(invalide("Indiquez le nouveau début et la nouvelle fin.")),
        };
        crate::sql::query(
            "UPDATE rendez_vous SET updated_at = $1, version = version + 1 WHERE id = $2 AND version = $3",
        )
        .bind(ts(cap.at()))
        .execute_versioned(&mut tx, "rendez_vous", id, version)
        .await?;
        crate::sql::query(
            "DELETE FROM evenement_exception WHERE rendez_vous_id = $1 AND date_origine = $2",
        )
        .bind(id)
        .bind(x.date.to_string())
        .execute(&mut tx)
        .await?;
        crate::sql::query(
            "INSERT INTO evenement_exception (rendez_vous_id, date_origine, annulee, debut, fin, motif) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(x.date.to_string())
        .bind(x.annulee)
        .bind(debut)
        .bind(fin)
        .bind(x.motif.as_deref().map(str::trim).filter(|m| !m.is_empty()))
        .execute(&mut tx)
        .await?;
        commit_agenda(
            tx,
            cap,
            ActionJournal::AgendaException,
            serde_json::json!({"rendez_vous_id": id, "date": x.date.to_string(), "annulee": x.annulee}),
        )
        .await?;
        Ok(version + 1)
    }

    /// Event `id` as `cap` may see it (`NotFound` when it may not), audited when it names
    /// persons.
    pub async fn evenement(&self, cap: &CapaciteAgenda, id: i64) -> StoreResult<Evenement> {
        let sql = format!("SELECT {COLONNES} FROM {DEPUIS} WHERE r.id = $1");
        let mut v = evenements_lus(self, crate::sql::query(&sql).bind(id)).await?;
        let e = v.pop().ok_or(StoreError::NotFound)?;
        let vis = visibilite(cap, &e);
        let e = montrer(e, vis).ok_or(StoreError::NotFound)?;
        super::agenda_vue::auditer_lecture(self, cap, std::slice::from_ref(&e)).await?;
        Ok(e)
    }
}

fn section(e: &EvenementInput) -> Section {
    if e.psychologie {
        Section::Psychologie
    } else {
        Section::Accompagnement
    }
}

fn detail(id: i64, e: &EvenementInput) -> serde_json::Value {
    let usagers: Vec<i64> = e.participants.iter().filter_map(|p| p.usager_id).collect();
    serde_json::json!({"rendez_vous_id": id, "usagers": usagers})
}

/// The event to change, which the account must see it all (the organiser, a participant,
/// or a reader of the support section of its établissement).
async fn charger_pour_ecrire(tx: &mut Tx, cap: &CapaciteAgenda, id: i64) -> StoreResult<Evenement> {
    let sql = format!("SELECT {COLONNES} FROM {DEPUIS} WHERE r.id = $1");
    let mut v = evenements_lus(&mut *tx, crate::sql::query(&sql).bind(id)).await?;
    let e = v.pop().ok_or(StoreError::NotFound)?;
    match visibilite(cap, &e) {
        Visibilite::Complet => Ok(e),
        Visibilite::Masque => Err(StoreError::Denied(Refus::NonPermisParLeRole)),
        Visibilite::Aucune => Err(StoreError::NotFound),
    }
}

/// The transaction and event `id` to note participant `pid`'s presence at (`NotFound` when
/// `pid` is none of its participants).
pub(super) async fn pour_noter(
    store: &Store,
    cap: &CapaciteAgenda,
    id: i64,
    pid: i64,
) -> StoreResult<(Tx, Evenement)> {
    let mut tx = ecriture_agenda(store, cap).await?;
    let e = charger_pour_ecrire(&mut tx, cap, id).await?;
    if !e.participants.iter().any(|p| p.id == pid) {
        return Err(StoreError::NotFound);
    }
    Ok((tx, e))
}

async fn ecriture_agenda(store: &Store, cap: &CapaciteAgenda) -> StoreResult<Tx> {
    if cap.action() == Action::Lire {
        return Err(StoreError::Denied(Refus::NonPermisParLeRole));
    }
    store.begin().await
}

/// Audits a change of the agenda in its transaction and commits both.
pub(super) async fn commit_agenda(
    mut tx: Tx,
    cap: &CapaciteAgenda,
    action: ActionJournal,
    detail: serde_json::Value,
) -> StoreResult<()> {
    let actor = cap.principal().actor();
    let entree = NewEntry::succes(&actor, action, detail, cap.at());
    let section = Some(Section::Accompagnement.code());
    audit::append(&mut tx, &NewEntry { section, ..entree }).await?;
    tx.commit().await
}
