//! The minimal agenda (ADM-2): the first interview of an application planned as an
//! appointment in a professional's agenda (the application moves to « entretien planifié »
//! in the same transaction), the appointments of an application, and an account's next
//! appointments (its home page). Issue 13 extends the table into full events.

use chrono::{DateTime, Utc};
use dui_domain::agenda::{verifier_creneau, StatutRendezVous, TypeRendezVous};
use dui_domain::candidature::StatutCandidature;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::Section;
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use super::candidature::{charger_version, commit_audite, ecriture, perimetre};
use super::projet::{membres, MembreEquipe};
use crate::audit::Outcome;
use crate::db::Store;
use crate::fiche::{code, opt_code};
use crate::policy::CapaciteCandidatures;
use crate::saisie::{borne, l};
use crate::{ts, StoreError, StoreResult};

/// An interview to plan.
#[derive(Clone, Debug)]
pub struct NouveauRendezVous {
    /// The professional whose agenda receives it (an account of one of the application's
    /// établissements).
    pub utilisateur_id: i64,
    /// Start.
    pub debut: DateTime<Utc>,
    /// End.
    pub fin: DateTime<Utc>,
    /// Where.
    pub lieu: Option<String>,
    /// Object (default: « Entretien de préadmission — the candidate »).
    pub objet: Option<String>,
}

/// An appointment.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RendezVous {
    /// Id.
    pub id: i64,
    /// The professional's account.
    pub utilisateur_id: i64,
    /// Their name (« Prénom NOM »).
    pub professionnel: String,
    /// Kind.
    pub type_rdv: TypeRendezVous,
    /// Start (stored instant, UTC).
    pub debut: String,
    /// End (stored instant, UTC).
    pub fin: String,
    /// Where.
    pub lieu: Option<String>,
    /// Object.
    pub objet: String,
    /// The person's file, if any.
    pub usager_id: Option<i64>,
    /// The application, if any.
    pub candidature_id: Option<i64>,
    /// Status.
    pub statut: StatutRendezVous,
    /// Version.
    pub version: i64,
}

const RDV_COLUMNS: &str = "r.id, r.utilisateur_id, ut.prenom || ' ' || ut.nom AS professionnel, r.type_rdv, r.debut, r.fin, r.lieu, r.objet, \
     r.usager_id, r.candidature_id, r.statut, r.version";
const RDV_FROM: &str = "rendez_vous r JOIN utilisateur ut ON ut.id = r.utilisateur_id";

fn rdv_from(r: &crate::sql::Row) -> StoreResult<RendezVous> {
    Ok(RendezVous {
        id: r.try_get("id")?,
        utilisateur_id: r.try_get("utilisateur_id")?,
        professionnel: r.try_get("professionnel")?,
        type_rdv: code(r, "type_rdv", TypeRendezVous::from_code)?,
        debut: r.try_get("debut")?,
        fin: r.try_get("fin")?,
        lieu: r.try_get("lieu")?,
        objet: r.try_get("objet")?,
        usager_id: r.try_get("usager_id")?,
        candidature_id: r.try_get("candidature_id")?,
        statut: opt_code(r, "statut", StatutRendezVous::from_code)?
            .unwrap_or(StatutRendezVous::Prevu),
        version: r.try_get("version")?,
    })
}

/// The active professional accounts of the établissements an application is aimed at
/// (who may hold its interview), by name.
const EQUIPE: &str = "SELECT DISTINCT u.id, u.prenom, u.nom, u.role FROM utilisateur u \
    JOIN utilisateur_etablissement ue ON ue.utilisateur_id = u.id \
    WHERE ue.etablissement_id IN (SELECT etablissement_id FROM candidature_etablissement WHERE candidature_id = $1) \
    AND u.actif = 1 AND u.role NOT IN ('usager', 'proche', 'administrateur') ORDER BY u.nom, u.prenom, u.id";

async fn equipe(
    on: impl Into<crate::sql::On<'_>>,
    candidature: i64,
) -> StoreResult<Vec<MembreEquipe>> {
    let rows = crate::sql::query(EQUIPE)
        .bind(candidature)
        .fetch_all(on)
        .await?;
    membres(&rows)
}

/// Whether application `id` is within the scope of `cap`.
async fn dans_perimetre(store: &Store, cap: &CapaciteCandidatures, id: i64) -> StoreResult<bool> {
    let (cond, vals) = perimetre(cap, 1);
    let sql = format!(
        "SELECT c.id FROM candidature c WHERE {cond} AND c.id = ${}",
        vals.len() + 1
    );
    let ligne = crate::sql::query(&sql)
        .binds(vals)
        .bind(id)
        .fetch_optional(store)
        .await?;
    Ok(ligne.is_some())
}

impl Store {
    /// The professionals who may hold the interview of application `id` (within the scope;
    /// empty otherwise).
    pub async fn equipe_candidature(
        &self,
        cap: &CapaciteCandidatures,
        id: i64,
    ) -> StoreResult<Vec<MembreEquipe>> {
        if dans_perimetre(self, cap, id).await? {
            equipe(self, id).await
        } else {
            Ok(Vec::new())
        }
    }

    /// Plans the first interview of application `id` (read at `version`): an appointment in
    /// the agenda of `r.utilisateur_id`, and the application moved to « entretien planifié »
    /// (the flow's rules), in one transaction, audited. The appointment's id and the
    /// application's new version.
    pub async fn planifier_entretien(
        &self,
        cap: &CapaciteCandidatures,
        id: i64,
        version: i64,
        r: &NouveauRendezVous,
    ) -> StoreResult<(i64, i64)> {
        borne([
            (l("lieu", lim::LIBELLE), r.lieu.as_deref()),
            (l("objet", lim::LIBELLE), r.objet.as_deref()),
        ])?;
        verifier_creneau(r.debut, r.fin).map_err(StoreError::Invalid)?;
        let mut tx = ecriture(self, cap).await?;
        let c = charger_version(&mut tx, cap, (id, version)).await?;
        let equipe = equipe(&mut tx, id).await?;
        if !equipe.iter().any(|m| m.id == r.utilisateur_id) {
            return Err(StoreError::Invalid(
                "Choisissez un professionnel d'un des établissements de la candidature.".into(),
            ));
        }
        let objet = r
            .objet
            .clone()
            .filter(|o| !o.trim().is_empty())
            .unwrap_or_else(|| format!("Entretien de préadmission — {}", c.nom_affiche()));
        let at = ts(cap.at());
        let rdv: i64 = crate::sql::query(
            "INSERT INTO rendez_vous (utilisateur_id, type_rdv, debut, fin, lieu, objet, usager_id, candidature_id, statut, cree_par, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(r.utilisateur_id)
        .bind(TypeRendezVous::EntretienAdmission.code())
        .bind(ts(r.debut))
        .bind(ts(r.fin))
        .bind(r.lieu.as_deref())
        .bind(objet)
        .bind(c.usager_id)
        .bind(id)
        .bind(StatutRendezVous::Prevu.code())
        .bind(cap.principal().id)
        .bind(at)
        .fetch_scalar(&mut tx)
        .await?;
        self.transition_tx(
            &mut tx,
            cap,
            &c,
            StatutCandidature::EntretienPlanifie,
            None,
            true,
        )
        .await?;
        commit_audite(
            tx,
            cap,
            ActionJournal::CandidatureEntretien,
            serde_json::json!({"candidature_id": id, "rendez_vous_id": rdv, "utilisateur_id": r.utilisateur_id}),
        )
        .await?;
        Ok((rdv, version + 1))
    }

    /// The appointments of application `id` (within the scope), by start.
    pub async fn rendez_vous_candidature(
        &self,
        cap: &CapaciteCandidatures,
        id: i64,
    ) -> StoreResult<Vec<RendezVous>> {
        let (cond, vals) = perimetre(cap, 2);
        crate::sql::query(&format!(
            "SELECT {RDV_COLUMNS} FROM {RDV_FROM} JOIN candidature c ON c.id = r.candidature_id \
             WHERE r.candidature_id = $1 AND {cond} ORDER BY r.debut, r.id"
        ))
        .bind(id)
        .binds(vals)
        .fetch_all(self)
        .await?
        .iter()
        .map(rdv_from)
        .collect()
    }

    /// The planned appointments of the account of `cap` from `depuis` to `jusqua`, by start
    /// (`limit` at most); audited when it names applications or files.
    pub async fn mes_rendez_vous(
        &self,
        cap: &CapaciteCandidatures,
        depuis: DateTime<Utc>,
        jusqua: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<RendezVous>> {
        let v = crate::sql::query(&format!(
            "SELECT {RDV_COLUMNS} FROM {RDV_FROM} WHERE r.utilisateur_id = $1 AND r.debut >= $2 AND r.debut < $3 AND r.statut = $4 \
             ORDER BY r.debut, r.id LIMIT $5"
        ))
        .bind(cap.principal().id)
        .bind(ts(depuis))
        .bind(ts(jusqua))
        .bind(StatutRendezVous::Prevu.code())
        .bind(limit.max(1))
        .fetch_all(self)
        .await?
        .iter()
        .map(rdv_from)
        .collect::<StoreResult<Vec<_>>>()?;
        let candidatures: Vec<i64> = v.iter().filter_map(|r| r.candidature_id).collect();
        let usagers: Vec<i64> = v.iter().filter_map(|r| r.usager_id).collect();
        if !candidatures.is_empty() || !usagers.is_empty() {
            self.reads
                .log(crate::read_log::ReadEntry {
                    actor: cap.principal().actor(),
                    action: ActionJournal::AgendaLecture,
                    usager_id: None,
                    section: Some(Section::Administratif.code()),
                    outcome: Outcome::Succes,
                    detail: serde_json::json!({"nombre": v.len(), "candidatures": candidatures, "usagers": usagers})
                        .to_string(),
                    at: cap.at(),
                })
                .await?;
        }
        Ok(v)
    }
}
