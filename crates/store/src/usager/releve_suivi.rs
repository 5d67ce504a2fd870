//! What the relève needs around its list: when the account last did its relève (the last time
//! it marked transmissions read), how many transmissions it has not read since (the home
//! page's « 12 transmissions non lues depuis votre dernière relève »), and the colleagues
//! whose transmissions it may filter on. Same scope and sections as the relève
//! ([`CapaciteReleve`]); a count and colleagues' names are no person data: not audited.

use chrono::{DateTime, Duration, Utc};

use super::releve::{perimetre, FiltreReleve};
use super::transmission::sections_sql;
use crate::db::Store;
use crate::policy::CapaciteReleve;
use crate::sql::Args;
use crate::{parse_ts, ts, StoreResult};

/// Counts stop here (« plus de 999 »).
pub const NON_LUES_MAX: i64 = 1000;

/// The farthest back « since my last relève » goes.
pub const RELEVE_MAX_JOURS: i64 = 7;

/// A professional whose transmissions the relève may be filtered on.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Auteur {
    /// Account id.
    pub id: i64,
    /// « Prénom Nom ».
    pub nom: String,
}

impl Store {
    /// When the holder of `cap` last did its relève: the last time it marked transmissions
    /// read; `None` if never.
    pub async fn derniere_releve(
        &self,
        cap: &CapaciteReleve,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let last: Option<String> =
            crate::sql::query("SELECT MAX(lue_at) FROM transmission_lue WHERE utilisateur_id = $1")
                .bind(cap.principal().id)
                .fetch_scalar(self)
                .await?;
        last.as_deref().map(parse_ts).transpose()
    }

    /// Where « since my last relève » starts: the last relève, at most
    /// [`RELEVE_MAX_JOURS`] back; the last 24 hours if there was none.
    pub async fn debut_releve(
        &self,
        cap: &CapaciteReleve,
        now: DateTime<Utc>,
    ) -> StoreResult<DateTime<Utc>> {
        Ok(match self.derniere_releve(cap).await? {
            Some(t) => t.max(now - Duration::days(RELEVE_MAX_JOURS)),
            None => now - Duration::hours(24),
        })
    }

    /// How many transmissions written since `depuis`, in the relève's scope and sections,
    /// the holder of `cap` has not marked read (at most [`NON_LUES_MAX`]).
    pub async fn nombre_non_lues(
        &self,
        cap: &CapaciteReleve,
        depuis: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut a = Args(Vec::new());
        let vis = perimetre(cap, &FiltreReleve::default(), &mut a);
        let me = a.arg(cap.principal().id);
        let from = a.arg(ts(depuis));
        let max = a.arg(NON_LUES_MAX);
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT t.id FROM transmission t WHERE t.created_at >= {from} AND {} AND {vis} \
             AND NOT EXISTS (SELECT 1 FROM transmission_lue l WHERE l.utilisateur_id = {me} AND l.transmission_id = t.id) \
             LIMIT {max}) n",
            sections_sql(cap.sections(), &cap.principal().etablissements)
        );
        crate::sql::query(&sql).binds(a.0).fetch_scalar(self).await
    }

    /// The active professional accounts of the établissements of the holder of `cap` (the
    /// authors it may filter its relève on), by name.
    pub async fn auteurs_releve(&self, cap: &CapaciteReleve) -> StoreResult<Vec<Auteur>> {
        let etabs = &cap.principal().etablissements;
        if etabs.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::sql::marqueurs(1, etabs.len());
        let sql = format!(
            "SELECT DISTINCT u.id, u.prenom, u.nom FROM utilisateur u \
             JOIN utilisateur_etablissement ue ON ue.utilisateur_id = u.id \
             WHERE ue.etablissement_id IN ({}) AND u.actif = 1 AND u.usager_id IS NULL AND u.role <> 'administrateur' \
             ORDER BY u.nom, u.prenom, u.id",
            marks
        );
        let mut q = crate::sql::query(&sql);
        for e in etabs {
            q = q.bind(*e);
        }
        q.fetch_all(self)
            .await?
            .iter()
            .map(|r| {
                let prenom: String = r.try_get("prenom")?;
                let nom: String = r.try_get("nom")?;
                Ok(Auteur {
                    id: r.try_get("id")?,
                    nom: format!("{prenom} {nom}"),
                })
            })
            .collect()
    }
}
