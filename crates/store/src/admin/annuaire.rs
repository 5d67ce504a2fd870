//! The staff directory as the person file names it: accounts by name and role (the
//! traceability page, the break-the-glass reports), and the professionals one may choose
//! as a referent, searched by name among the accounts of an établissement. Staff data, not
//! person data: no capability, but only active professional accounts are offered.

use std::collections::HashMap;

use dui_domain::policy::Role;
use dui_domain::usager::cle_recherche;
use dui_domain::usager::nommage::nom_prenom;

use crate::db::Store;
use crate::fiche::code;
use crate::StoreResult;

/// An account as people are shown it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CompteNomme {
    /// Account id.
    pub id: i64,
    /// « NOM Prénom ».
    pub nom: String,
    /// Role (its code in JSON).
    pub role: Role,
    /// Names of the account's établissements.
    pub etablissements: Vec<String>,
}

impl CompteNomme {
    /// « MARTIN Claire (Éducateur spécialisé) ».
    pub fn libelle(&self) -> String {
        format!("{} ({})", self.nom, self.role.label_fr())
    }
}

const COLONNES: &str = "u.id, u.nom, u.prenom, u.role, \
    (SELECT MIN(e.nom) FROM utilisateur_etablissement ue JOIN etablissement e ON e.id = ue.etablissement_id WHERE ue.utilisateur_id = u.id) AS etab";

fn compte_from(r: &crate::sql::Row) -> StoreResult<CompteNomme> {
    let (nom, prenom): (String, String) = (r.try_get("nom")?, r.try_get("prenom")?);
    let etab: Option<String> = r.try_get("etab")?;
    Ok(CompteNomme {
        id: r.try_get("id")?,
        nom: nom_prenom(&nom, &prenom),
        role: code(r, "role", Role::from_code)?,
        etablissements: etab.into_iter().collect(),
    })
}

impl Store {
    /// The accounts of `ids` by id, named (one statement; unknown ids are left out).
    pub async fn comptes_nommes(&self, ids: &[i64]) -> StoreResult<HashMap<i64, CompteNomme>> {
        let mut ids: Vec<i64> = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let Some(&last) = ids.last() else {
            return Ok(HashMap::new());
        };
        // One statement text per power of two of ids (the last one repeated).
        let n = ids.len().next_power_of_two();
        let marks = crate::sql::marqueurs(1, n);
        let sql = format!(
            "SELECT {COLONNES} FROM utilisateur u WHERE u.id IN ({})",
            marks
        );
        let mut q = crate::sql::query(&sql);
        for k in 0..n {
            q = q.bind(ids.get(k).copied().unwrap_or(last));
        }
        q.fetch_all(self)
            .await?
            .iter()
            .map(|r| compte_from(r).map(|c| (c.id, c)))
            .collect()
    }

    /// Active professional accounts of the établissements `etablissements` whose name or
    /// first name starts with the words of `q` (all of them for an empty `q`), by name; at
    /// most `limit`. Neither the administrator nor portal accounts are offered. The staff of
    /// a few établissements is a few hundred accounts: read by name (at most
    /// [`COMPTES_MAX`]) and filtered here, accent- and case-insensitively.
    pub async fn comptes_professionnels(
        &self,
        q: &str,
        etablissements: &[i64],
        limit: i64,
    ) -> StoreResult<Vec<CompteNomme>> {
        self.comptes_des_etablissements(q, etablissements, &[], limit)
            .await
    }

    /// Active accounts of the établissements `etablissements` with one of `roles` (every
    /// professional role but the administrator for none), whose name or first name starts
    /// with the words of `q`, by name; at most `limit`.
    pub async fn comptes_des_etablissements(
        &self,
        q: &str,
        etablissements: &[i64],
        roles: &[Role],
        limit: i64,
    ) -> StoreResult<Vec<CompteNomme>> {
        crate::saisie::recherche(q)?;
        let Some(&last) = etablissements.last() else {
            return Ok(Vec::new());
        };
        let n = etablissements.len().next_power_of_two();
        let marks = crate::sql::marqueurs(1, n);
        // Role codes are the domain's constants, never input: written in the statement.
        let filtre_roles = if roles.is_empty() {
            "u.role NOT IN ('administrateur', 'usager', 'proche')".to_string()
        } else {
            let codes: Vec<String> = roles.iter().map(|r| format!("'{}'", r.code())).collect();
            format!("u.role IN ({})", codes.join(", "))
        };
        let sql = format!(
            "SELECT {COLONNES} FROM utilisateur u WHERE u.actif = 1 AND {filtre_roles} \
             AND EXISTS (SELECT 1 FROM utilisateur_etablissement ue WHERE ue.utilisateur_id = u.id AND ue.etablissement_id IN ({})) \
             ORDER BY u.nom, u.prenom, u.id LIMIT {COMPTES_MAX}",
            marks
        );
        let mut query = crate::sql::query(&sql);
        for k in 0..n {
            query = query.bind(etablissements.get(k).copied().unwrap_or(last));
        }
        let cles: Vec<String> = cle_recherche(q)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let mut out = Vec::new();
        for r in query.fetch_all(self).await? {
            let c = compte_from(&r)?;
            let mots = cle_recherche(&c.nom);
            let mots: Vec<&str> = mots.split(' ').collect();
            if cles
                .iter()
                .all(|k| mots.iter().any(|m| m.starts_with(k.as_str())))
            {
                out.push(c);
            }
            if out.len() as i64 >= limit.clamp(1, 100) {
                break;
            }
        }
        Ok(out)
    }
}

/// Most accounts read for a choice of referent.
pub const COMPTES_MAX: i64 = 1000;
