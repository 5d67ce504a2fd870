//! The home-page panel « Cahier de liaison : N nouvelles entrées »: the books of the account's
//! scope with entries written by others since its last reading. The scope is the policy's
//! (`dui_domain::policy::decider`): the people assigned to an account scoped by assignment
//! (home-care worker, relative, partner), the people of its établissements for the others,
//! among the books it has already opened or written in.

use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Portee, Section};
use serde::Serialize;

use crate::audit::{self, NewEntry, Outcome};
use crate::db::Store;
use crate::policy::CapaciteLiaison;
use crate::StoreResult;

/// A book with entries its reader has not seen.
#[derive(Clone, Debug, Serialize)]
pub struct LiaisonNouvelles {
    /// The file.
    pub usager_id: UsagerId,
    /// The person, as named on the panel (first name and name of use).
    pub personne: String,
    /// Entries not seen.
    pub nouvelles: i64,
}

impl Store {
    /// The books of the scope of `cap` with entries not seen by its holder, with how many
    /// (at most `limit`, most new entries first; for an account scoped by assignment, every
    /// assigned person's book, even without new entries); the files named are audited in
    /// one entry.
    pub async fn liaison_nouvelles(
        &self,
        cap: &CapaciteLiaison,
        limit: i64,
    ) -> StoreResult<Vec<LiaisonNouvelles>> {
        let who = &cap.who;
        // The files of the scope (as a subquery of ids), and whether a book without new
        // entries is listed too (assigned people: the account's books, each a link away).
        let (ids, tous) = match who.role.portee() {
            Portee::Affectation => (
                "SELECT a.usager_id FROM affectation a WHERE a.utilisateur_id = $1".to_string(),
                true,
            ),
            Portee::SoiMeme => return Ok(Vec::new()),
            Portee::Etablissements => {
                let etabs: Vec<String> = who.etablissements.iter().map(i64::to_string).collect();
                if etabs.is_empty() {
                    return Ok(Vec::new());
                }
                (
                    format!(
                        "SELECT r.usager_id FROM liaison_lecture r WHERE r.utilisateur_id = $1 \
                         AND r.usager_id IN (SELECT s.usager_id FROM sejour s WHERE s.etablissement_id IN ({}))",
                        etabs.join(", ")
                    ),
                    false,
                )
            }
        };
        let filtre = if tous { "" } else { "AND n.nouvelles > 0" };
        let sql = format!(
            "SELECT u.id AS usager_id, COALESCE(u.prenom_utilise, u.premier_prenom) AS prenom, COALESCE(u.nom_utilise, u.nom_naissance) AS nom, \
             COALESCE(n.nouvelles, 0) AS nouvelles FROM usager u \
             LEFT JOIN (SELECT l.usager_id, COUNT(*) AS nouvelles FROM liaison_entree l \
                   LEFT JOIN liaison_lecture r ON r.usager_id = l.usager_id AND r.utilisateur_id = $1 \
                   WHERE l.usager_id IN ({ids}) AND l.auteur_id <> $1 AND l.id > COALESCE(r.derniere_lue, 0) \
                   GROUP BY l.usager_id) n ON n.usager_id = u.id \
             WHERE u.id IN ({ids}) {filtre} \
             ORDER BY nouvelles DESC, u.id LIMIT $2"
        );
        let rows = crate::sql::query(&sql)
            .bind(who.id)
            .bind(limit)
            .fetch_all(self)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let prenom: String = r.try_get("prenom")?;
            let nom: String = r.try_get("nom")?;
            out.push(LiaisonNouvelles {
                usager_id: r.try_get("usager_id")?,
                personne: format!("{prenom} {nom}"),
                nouvelles: r.try_get("nouvelles")?,
            });
        }
        if !out.is_empty() {
            let usagers: Vec<i64> = out.iter().map(|n| n.usager_id.get()).collect();
            let mut tx = self.begin().await?;
            audit::append(
                &mut tx,
                &NewEntry {
                    actor: &who.actor(),
                    action: ActionJournal::LiaisonNouvelles,
                    usager_id: None,
                    section: Some(Section::Liaison.code()),
                    outcome: Outcome::Succes,
                    detail: serde_json::json!({"usagers": usagers}),
                    at: cap.at,
                },
            )
            .await?;
            tx.commit().await?;
        }
        Ok(out)
    }
}
