//! Agenda views (issue 13, COO-3): the occurrences of a window (at most
//! [`FENETRE_MAX_JOURS`] days) in an account's agenda, an établissement's, a room's or a
//! person's, recurring series expanded in Europe/Paris; rooms and vehicles; the calendar
//! subscription (a secret per account, revocable) and its minimised iCalendar; information
//! sent to a professional.

use chrono::{DateTime, Duration, Utc};
use dui_domain::agenda::{voit_agenda_des_autres, StatutRendezVous, TypeParticipant};
use dui_domain::agenda_ics::EvenementIcs;
use dui_domain::agenda_recurrence::occurrences;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::saisie::{self as lim, Champ};
use serde::{Deserialize, Serialize};

use super::agenda_evenement::commit_agenda;
use super::agenda_evenement_types::{
    evenements_lus, montrer, visibilite, Evenement, COLONNES, DEPUIS,
};
use super::exiger;
use crate::audit::Outcome;
use crate::db::Store;
use crate::fiche::{code, numero};
use crate::policy::{Capability, CapaciteAgenda};
use crate::saisie::{borne, l};
use crate::{ts, StoreError, StoreResult};

/// The longest window of a view, in days.
pub const FENETRE_MAX_JOURS: i64 = 62;

/// Whose agenda.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuelAgenda {
    /// A professional's (one's own, or for the cadre and the direction, one of their
    /// établissements' staff).
    Utilisateur(i64),
    /// An établissement's.
    Etablissement(i64),
    /// A room's or a vehicle's.
    Ressource(i64),
}

/// One occurrence in a view.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OccurrenceAgenda {
    /// The event.
    pub evenement_id: i64,
    /// The occurrence's local date in its series.
    #[schema(value_type = String, format = Date)]
    pub date: chrono::NaiveDate,
    /// Start.
    #[schema(value_type = String, format = DateTime)]
    pub debut: DateTime<Utc>,
    /// End.
    #[schema(value_type = String, format = DateTime)]
    pub fin: DateTime<Utc>,
    /// Moved by an exception.
    pub deplacee: bool,
}

/// A window of an agenda: its events and their occurrences by start.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VueAgenda {
    /// The events shown.
    pub evenements: Vec<Evenement>,
    /// Their occurrences in the window, by start.
    pub occurrences: Vec<OccurrenceAgenda>,
}

impl VueAgenda {
    /// The event of an occurrence.
    pub fn evenement(&self, id: i64) -> Option<&Evenement> {
        self.evenements.iter().find(|e| e.id == id)
    }
}

fn fenetre(de: DateTime<Utc>, a: DateTime<Utc>) -> StoreResult<()> {
    if a <= de {
        return Err(StoreError::Invalid(
            "La fin de la période doit suivre son début.".into(),
        ));
    }
    if a - de > Duration::days(FENETRE_MAX_JOURS) {
        return Err(StoreError::Invalid(format!(
            "Une période compte {FENETRE_MAX_JOURS} jours au plus."
        )));
    }
    Ok(())
}

/// Rows of events that may have an occurrence in [`de`, `a`) (a moved occurrence stays
/// within a month of its date: `fin_serie` keeps that margin).
const DANS_FENETRE: &str = "r.debut < $1 AND (r.fin_serie > $2 OR (r.fin_serie IS NULL AND (r.rrule IS NOT NULL OR r.fin > $2)))";

fn developper(evenements: Vec<Evenement>, de: DateTime<Utc>, a: DateTime<Utc>) -> VueAgenda {
    let mut occ = Vec::new();
    let mut gardes = Vec::new();
    for e in evenements {
        let regle = e.regle();
        let v = occurrences(
            e.debut,
            e.fin,
            regle.as_ref(),
            &e.exceptions_par_date(),
            de,
            a,
        );
        if v.is_empty() {
            continue;
        }
        occ.extend(v.into_iter().map(|o| OccurrenceAgenda {
            evenement_id: e.id,
            date: o.date,
            debut: o.debut,
            fin: o.fin,
            deplacee: o.deplacee,
        }));
        gardes.push(e);
    }
    occ.sort_by_key(|o| (o.debut, o.evenement_id));
    VueAgenda {
        evenements: gardes,
        occurrences: occ,
    }
}

/// Records one read entry naming the files of the events shown, if any.
pub(super) async fn auditer_lecture(
    store: &Store,
    cap: &CapaciteAgenda,
    evenements: &[Evenement],
) -> StoreResult<()> {
    let usagers: Vec<i64> = evenements
        .iter()
        .filter(|e| e.complet)
        .flat_map(|e| e.participants.iter().filter_map(|p| p.usager_id))
        .collect();
    if usagers.is_empty() {
        return Ok(());
    }
    store
        .reads
        .log(crate::read_log::ReadEntry {
            actor: cap.principal().actor(),
            action: ActionJournal::AgendaLecture,
            usager_id: None,
            section: Some(Section::Accompagnement.code()),
            outcome: Outcome::Succes,
            detail: serde_json::json!({"nombre": evenements.len(), "usagers": usagers}).to_string(),
            at: cap.at(),
        })
        .await
}

impl Store {
    /// The occurrences of agenda `quel` in [`de`, `a`) as `cap` may see them (audited when
    /// they name persons).
    pub async fn agenda(
        &self,
        cap: &CapaciteAgenda,
        quel: QuelAgenda,
        de: DateTime<Utc>,
        a: DateTime<Utc>,
    ) -> StoreResult<VueAgenda> {
        fenetre(de, a)?;
        let moi = cap.principal();
        let (filtre, cle) = match quel {
            QuelAgenda::Utilisateur(u) => {
                if u != moi.id {
                    let commun: Option<i64> = crate::sql::query(
                        "SELECT etablissement_id FROM utilisateur_etablissement WHERE utilisateur_id = $1",
                    )
                    .bind(u)
                    .fetch_all(self)
                    .await?
                    .iter()
                    .map(|r| r.try_get::<i64, _>(0))
                    .collect::<StoreResult<Vec<_>>>()?
                    .into_iter()
                    .find(|e| moi.etablissements.contains(e));
                    if commun.is_none() || !voit_agenda_des_autres(moi.role) {
                        return Err(StoreError::Denied(Refus::HorsPerimetre));
                    }
                }
                (
                    "(r.utilisateur_id = $3 OR EXISTS (SELECT 1 FROM evenement_participant p WHERE p.rendez_vous_id = r.id AND p.utilisateur_id = $3))",
                    u,
                )
            }
            QuelAgenda::Etablissement(e) => {
                if !moi.etablissements.contains(&e) {
                    return Err(StoreError::Denied(Refus::HorsPerimetre));
                }
                ("r.etablissement_id = $3", e)
            }
            QuelAgenda::Ressource(rid) => {
                let r = self.ressource(rid).await?.ok_or(StoreError::NotFound)?;
                if !moi.etablissements.contains(&r.etablissement_id) {
                    return Err(StoreError::NotFound);
                }
                ("r.ressource_id = $3", rid)
            }
        };
        let sql = format!(
            "SELECT {COLONNES} FROM {DEPUIS} WHERE {DANS_FENETRE} AND {filtre} ORDER BY r.debut, r.id LIMIT 2000"
        );
        let q = crate::sql::query(&sql).bind(ts(a)).bind(ts(de)).bind(cle);
        let evenements = evenements_lus(self, q).await?;
        let visibles: Vec<Evenement> = evenements
            .into_iter()
            .filter_map(|e| {
                let v = visibilite(cap, &e);
                montrer(e, v)
            })
            .collect();
        let vue = developper(visibles, de, a);
        auditer_lecture(self, cap, &vue.evenements).await?;
        Ok(vue)
    }

    /// The events of the person of `cap` (support section) in [`de`, `a`), psychology
    /// appointments excepted (they stay in the psychologist's agenda).
    pub async fn agenda_usager(
        &self,
        cap: &Capability,
        de: DateTime<Utc>,
        a: DateTime<Utc>,
    ) -> StoreResult<VueAgenda> {
        exiger(cap, Section::Accompagnement, Action::Lire)?;
        fenetre(de, a)?;
        let sql = format!(
            "SELECT {COLONNES} FROM {DEPUIS} WHERE {DANS_FENETRE} AND r.section = $4 AND EXISTS \
             (SELECT 1 FROM evenement_participant p WHERE p.rendez_vous_id = r.id AND p.usager_id = $3) ORDER BY r.debut, r.id LIMIT 2000"
        );
        let q = crate::sql::query(&sql)
            .bind(ts(a))
            .bind(ts(de))
            .bind(cap.usager_id())
            .bind(Section::Accompagnement.code());
        let evenements = evenements_lus(self, q).await?;
        Ok(developper(evenements, de, a))
    }

    /// The calendar of the account of `cap` for its subscription or export: the occurrences
    /// from a month ago to six months ahead (at most [`FENETRE_MAX_JOURS`] days each read),
    /// minimised: the kind, the title for events without a person, initials and file number
    /// for persons (docs/decisions/0049-agenda.md). Audited.
    pub async fn calendrier_ics(&self, cap: &CapaciteAgenda) -> StoreResult<Vec<EvenementIcs>> {
        let mut v = Vec::new();
        let mut de = cap.at() - Duration::days(31);
        let fin = cap.at() + Duration::days(186);
        while de < fin {
            let a = (de + Duration::days(FENETRE_MAX_JOURS)).min(fin);
            let vue = self
                .agenda(cap, QuelAgenda::Utilisateur(cap.principal().id), de, a)
                .await?;
            for o in &vue.occurrences {
                let Some(e) = vue.evenement(o.evenement_id) else {
                    continue;
                };
                if o.debut < de {
                    continue; // already written by the previous window
                }
                v.push(EvenementIcs {
                    uid: format!("evenement-{}-{}@dui", e.id, o.date.format("%Y%m%d")),
                    debut: o.debut,
                    fin: o.fin,
                    titre: titre_minimal(e),
                    lieu: e.lieu.clone(),
                    statut: match e.statut {
                        StatutRendezVous::Annule | StatutRendezVous::Reporte => "CANCELLED",
                        StatutRendezVous::Confirme | StatutRendezVous::Realise => "CONFIRMED",
                        StatutRendezVous::Prevu => "TENTATIVE",
                    },
                });
            }
            de = a;
        }
        Ok(v)
    }

    /// Creates the calendar subscription of the account of `cap` (revoking any previous one):
    /// the secret token of its address (only its hash is kept). Audited.
    pub async fn creer_abonnement(&self, cap: &CapaciteAgenda) -> StoreResult<String> {
        let jeton = crate::session::random_token();
        let mut tx = self.begin().await?;
        revoquer(&mut tx, cap).await?;
        crate::sql::query(
            "INSERT INTO agenda_abonnement (utilisateur_id, jeton_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(cap.principal().id)
        .bind(crate::session::token_hash(&jeton))
        .bind(ts(cap.at()))
        .execute(&mut tx)
        .await?;
        let detail = serde_json::json!({"cree": true});
        commit_agenda(tx, cap, ActionJournal::AgendaAbonnement, detail).await?;
        Ok(jeton)
    }

    /// Revokes the calendar subscription of the account of `cap`. Audited.
    pub async fn revoquer_abonnement(&self, cap: &CapaciteAgenda) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        revoquer(&mut tx, cap).await?;
        let detail = serde_json::json!({"cree": false});
        commit_agenda(tx, cap, ActionJournal::AgendaAbonnement, detail).await
    }

    /// Whether the account of `cap` has a subscription in force.
    pub async fn a_abonnement(&self, cap: &CapaciteAgenda) -> StoreResult<bool> {
        Ok(crate::sql::query(
            "SELECT id FROM agenda_abonnement WHERE utilisateur_id = $1 AND revoque_at IS NULL",
        )
        .bind(cap.principal().id)
        .fetch_optional(self)
        .await?
        .is_some())
    }

    /// The account of a subscription token in force.
    pub async fn abonne(&self, jeton: &str) -> StoreResult<Option<i64>> {
        crate::sql::query(
            "SELECT utilisateur_id FROM agenda_abonnement WHERE jeton_hash = $1 AND revoque_at IS NULL",
        )
        .bind(crate::session::token_hash(jeton))
        .fetch_optional(self)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
    }

    /// The rooms and vehicles of établissement `eid` (in the scope of `cap`), by kind, name.
    pub async fn ressources(&self, cap: &CapaciteAgenda, eid: i64) -> StoreResult<Vec<Ressource>> {
        if !cap.principal().etablissements.contains(&eid) {
            return Err(StoreError::Denied(Refus::HorsPerimetre));
        }
        crate::sql::query(&format!(
            "SELECT {RESSOURCE} FROM ressource WHERE etablissement_id = $1 AND actif = 1 ORDER BY type_ressource, nom, id"
        ))
        .bind(eid)
        .fetch_all(self)
        .await?
        .iter()
        .map(ressource_from)
        .collect()
    }

    /// Room or vehicle `id`.
    pub async fn ressource(&self, id: i64) -> StoreResult<Option<Ressource>> {
        crate::sql::query(&format!("SELECT {RESSOURCE} FROM ressource WHERE id = $1"))
            .bind(id)
            .fetch_optional(self)
            .await?
            .as_ref()
            .map(ressource_from)
            .transpose()
    }

    /// Adds a room or a vehicle to an établissement (the cadre or the direction; audited): its id.
    pub async fn creer_ressource(
        &self,
        cap: &CapaciteAgenda,
        r: &RessourceInput,
    ) -> StoreResult<i64> {
        borne([(l("nom", lim::LIBELLE), Some(r.nom.as_str()))])?;
        if r.nom.trim().is_empty() {
            return Err(StoreError::Invalid(
                "Indiquez le nom de la salle ou du véhicule.".into(),
            ));
        }
        if !voit_agenda_des_autres(cap.principal().role) || cap.action() == Action::Lire {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        if !cap.principal().etablissements.contains(&r.etablissement_id) {
            return Err(StoreError::Denied(Refus::HorsPerimetre));
        }
        let mut tx = self.begin().await?;
        let existe =
            crate::sql::query("SELECT id FROM ressource WHERE etablissement_id = $1 AND nom = $2")
                .bind(r.etablissement_id)
                .bind(r.nom.trim())
                .fetch_optional(&mut tx)
                .await?;
        if existe.is_some() {
            return Err(StoreError::Conflict(
                "Une salle ou un véhicule porte déjà ce nom dans l'établissement.".into(),
            ));
        }
        let id: i64 = crate::sql::query(
            "INSERT INTO ressource (etablissement_id, type_ressource, nom, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(r.etablissement_id)
        .bind(r.type_ressource.code())
        .bind(r.nom.trim())
        .bind(ts(cap.at()))
        .fetch_scalar(&mut tx)
        .await?;
        let detail = serde_json::json!({"ressource_id": id});
        commit_agenda(tx, cap, ActionJournal::AgendaRessource, detail).await?;
        Ok(id)
    }
}

async fn revoquer(tx: &mut crate::sql::Tx, cap: &CapaciteAgenda) -> StoreResult<()> {
    crate::sql::query(
        "UPDATE agenda_abonnement SET revoque_at = $1 WHERE utilisateur_id = $2 AND revoque_at IS NULL",
    )
    .bind(ts(cap.at()))
    .bind(cap.principal().id)
    .execute(tx)
    .await?;
    Ok(())
}

/// The title of an event in a calendar that leaves the service: the kind, then the title
/// when no person takes part, else each person as initials and file number.
fn titre_minimal(e: &Evenement) -> String {
    let personnes: Vec<String> = e
        .participants
        .iter()
        .filter(|p| p.type_participant == TypeParticipant::Usager)
        .filter_map(|p| {
            let initiales: Vec<String> = p
                .nom
                .split_whitespace()
                .filter_map(|m| m.chars().next())
                .map(|c| format!("{c}."))
                .collect();
            let initiales = initiales.join(" ");
            p.usager_id.map(|u| format!("{initiales} ({})", numero(u)))
        })
        .collect();
    if e.psychologie {
        return "Rendez-vous".into();
    }
    if personnes.is_empty()
        && !e
            .participants
            .iter()
            .any(|p| p.type_participant == TypeParticipant::Externe)
    {
        format!("{} — {}", e.type_rdv.label_fr(), e.objet)
    } else if personnes.is_empty() {
        e.type_rdv.label_fr().to_string()
    } else {
        format!("{} — {}", e.type_rdv.label_fr(), personnes.join(", "))
    }
}

/// A room or a vehicle to add.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RessourceInput {
    /// The établissement.
    pub etablissement_id: i64,
    /// Room or vehicle.
    pub type_ressource: dui_domain::agenda::TypeRessource,
    /// Name.
    pub nom: String,
}

/// The text fields of [`RessourceInput`].
pub const CHAMPS_RESSOURCE: &[Champ] = &[Champ::ligne("nom", lim::LIBELLE)];

/// A room or a vehicle.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Ressource {
    /// Id.
    pub id: i64,
    /// The établissement.
    pub etablissement_id: i64,
    /// Room or vehicle.
    pub type_ressource: dui_domain::agenda::TypeRessource,
    /// Name.
    pub nom: String,
}

const RESSOURCE: &str = "id, etablissement_id, type_ressource, nom";

fn ressource_from(r: &crate::sql::Row) -> StoreResult<Ressource> {
    Ok(Ressource {
        id: r.try_get("id")?,
        etablissement_id: r.try_get("etablissement_id")?,
        type_ressource: code(
            r,
            "type_ressource",
            dui_domain::agenda::TypeRessource::from_code,
        )?,
        nom: r.try_get("nom")?,
    })
}
