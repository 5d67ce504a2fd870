//! The team of a person's project: the active professional accounts of the établissements
//! where the person has a stay. Actions are assigned within it only (an action's alert shows
//! the person's name on the assignee's home page).

use dui_domain::ids::UsagerId;
use serde::Serialize;

use crate::db::Store;
use crate::policy::Capability;
use crate::sql::Tx;
use crate::{StoreError, StoreResult};

/// A professional who may be given an action of the project.
#[derive(Clone, Debug, Serialize)]
pub struct MembreEquipe {
    /// Account id.
    pub id: i64,
    /// First name and name.
    pub nom: String,
    /// Role code.
    pub role: String,
}

const EQUIPE: &str = "SELECT DISTINCT u.id, u.prenom, u.nom, u.role FROM utilisateur u \
    JOIN utilisateur_etablissement ue ON ue.utilisateur_id = u.id \
    WHERE ue.etablissement_id IN (SELECT etablissement_id FROM sejour WHERE usager_id = $1) \
    AND u.actif = 1 AND u.role NOT IN ('usager', 'proche', 'administrateur')";

/// The team members of `rows` (`id, prenom, nom, role`).
pub(crate) fn membres(rows: &[crate::sql::Row]) -> StoreResult<Vec<MembreEquipe>> {
    rows.iter()
        .map(|r| {
            let prenom: String = r.try_get("prenom")?;
            let nom: String = r.try_get("nom")?;
            Ok(MembreEquipe {
                id: r.try_get("id")?,
                nom: format!("{prenom} {nom}"),
                role: r.try_get("role")?,
            })
        })
        .collect()
}

/// Refuses an action (or a follow-up task) assigned to an account outside the person's team.
pub(in crate::usager) async fn verifier_responsables(
    tx: &mut Tx,
    usager_id: UsagerId,
    responsables: &[i64],
) -> StoreResult<()> {
    if responsables.is_empty() {
        return Ok(());
    }
    let rows = crate::sql::query(EQUIPE)
        .bind(usager_id)
        .fetch_all(&mut *tx)
        .await?;
    let equipe = membres(&rows)?;
    if let Some(r) = responsables
        .iter()
        .find(|r| !equipe.iter().any(|m| m.id == **r))
    {
        return Err(StoreError::Invalid(format!(
            "Le compte n° {r} n'est pas un professionnel d'un établissement qui accompagne cette personne : une action ne peut lui être confiée."
        )));
    }
    Ok(())
}

impl Store {
    /// The professionals to whom actions of the person's project may be assigned, by name.
    pub async fn equipe_projet(&self, cap: &Capability) -> StoreResult<Vec<MembreEquipe>> {
        self.equipe(cap, dui_domain::policy::Section::Accompagnement)
            .await
    }

    /// The professionals to whom follow-up tasks of the person may be given, by name.
    pub async fn equipe_dossier(&self, cap: &Capability) -> StoreResult<Vec<MembreEquipe>> {
        self.equipe(cap, dui_domain::policy::Section::Administratif)
            .await
    }

    /// The person's team, for a holder that reads `section`.
    async fn equipe(
        &self,
        cap: &Capability,
        section: dui_domain::policy::Section,
    ) -> StoreResult<Vec<MembreEquipe>> {
        super::exiger(cap, section, dui_domain::policy::Action::Lire)?;
        let rows = crate::sql::query(&format!("{EQUIPE} ORDER BY u.nom, u.prenom, u.id"))
            .bind(cap.usager_id())
            .fetch_all(self)
            .await?;
        membres(&rows)
    }
}
