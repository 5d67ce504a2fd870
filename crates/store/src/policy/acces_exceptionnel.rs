//! Break-the-glass: opening an exceptional access (audited) and listing those opened.

use chrono::{DateTime, Duration, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::Refus;

use super::{AccesExceptionnel, Principal};
use crate::audit::{self, NewEntry, Outcome};
use crate::db::Store;
use crate::{ts, StoreError, StoreResult};

impl Store {
    /// Opens a break-the-glass access for `hours` (capped); audited in the same transaction.
    pub async fn ouvrir_acces_exceptionnel(
        &self,
        who: &Principal,
        usager_id: UsagerId,
        motif: &str,
        hours: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        if !who.role.est_professionnel() {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        let motif = dui_domain::policy::valider_motif_acces_exceptionnel(motif)
            .map_err(|m| StoreError::Invalid(m.into()))?;
        let hours = hours.clamp(1, dui_domain::policy::ACCES_EXCEPTIONNEL_DUREE_MAX_HEURES);
        let mut tx = self.begin().await?;
        let exists = crate::sql::query("SELECT id FROM usager WHERE id = $1")
            .bind(usager_id)
            .fetch_optional(&mut tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let expires = now + Duration::hours(hours);
        let id: i64 = crate::sql::query(
            "INSERT INTO acces_exceptionnel (utilisateur_id, usager_id, motif, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(who.id)
        .bind(usager_id)
        .bind(motif.as_str())
        .bind(ts(now))
        .bind(ts(expires))
        .fetch_scalar(&mut tx)
        .await?;
        audit::append(
            &mut tx,
            &NewEntry {
                actor: &who.actor(),
                action: ActionJournal::UsagerAccesExceptionnel,
                usager_id: Some(usager_id.get()),
                section: None,
                outcome: Outcome::Succes,
                detail: serde_json::json!({ "motif": motif, "heures": hours, "acces_exceptionnel": true }),
                at: now,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Break-the-glass accesses, newest first: all of them for `etablissements` = None
    /// (direction of the whole OG), else those on usagers staying in these établissements,
    /// or (`referent_id`) on usagers whose referent is that account.
    pub async fn liste_acces_exceptionnels(
        &self,
        etablissements: Option<&[i64]>,
        referent_id: Option<i64>,
        since: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<AccesExceptionnel>> {
        let page = crate::page::Page::first(limit);
        let all = self
            .acces_exceptionnel_page(etablissements, referent_id, since, page)
            .await?;
        Ok(page.split(all, |a| a.id).0)
    }

    /// A page of [`Store::liste_acces_exceptionnels`] (keyset on the id, newest first).
    pub async fn acces_exceptionnel_page(
        &self,
        etablissements: Option<&[i64]>,
        referent_id: Option<i64>,
        since: DateTime<Utc>,
        page: crate::page::Page,
    ) -> StoreResult<Vec<AccesExceptionnel>> {
        let mut sql = String::from(
            "SELECT a.id, a.utilisateur_id, u.nom, u.prenom, u.role, a.usager_id, a.motif, a.created_at, a.expires_at, \
             p.nom_naissance, p.nom_utilise, p.premier_prenom, p.prenom_utilise, p.sexe \
             FROM acces_exceptionnel a JOIN utilisateur u ON u.id = a.utilisateur_id JOIN usager p ON p.id = a.usager_id WHERE a.created_at >= $1",
        );
        if let Some(r) = referent_id {
            sql.push_str(&format!(
                " AND a.usager_id IN (SELECT id FROM usager WHERE referent_id = {r})"
            ));
        }
        if let Some(etabs) = etablissements {
            let list = if etabs.is_empty() {
                "NULL".to_string()
            } else {
                etabs
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            sql.push_str(&format!(" AND a.usager_id IN (SELECT usager_id FROM sejour WHERE etablissement_id IN ({list}))"));
        }
        let rows = self
            .keyset(
                &sql,
                vec![ts(since).into()],
                crate::page::Tri::cle(
                    "acces_exceptionnel a",
                    "a.id",
                    crate::page::Ordre::Decroissant,
                ),
                page,
            )
            .await?;
        rows.iter()
            .map(|r| {
                let (nom, prenom): (String, String) = (r.try_get("nom")?, r.try_get("prenom")?);
                let role = crate::fiche::code(r, "role", dui_domain::policy::Role::from_code)?;
                let (nom_naissance, nom_utilise, premier_prenom, prenom_utilise): (
                    String,
                    Option<String>,
                    String,
                    Option<String>,
                ) = (
                    r.try_get("nom_naissance")?,
                    r.try_get("nom_utilise")?,
                    r.try_get("premier_prenom")?,
                    r.try_get("prenom_utilise")?,
                );
                let personne = dui_domain::usager::nommage::NomPersonne {
                    nom_naissance: &nom_naissance,
                    nom_utilise: nom_utilise.as_deref(),
                    premier_prenom: &premier_prenom,
                    prenom_utilise: prenom_utilise.as_deref(),
                    sexe: crate::fiche::code(r, "sexe", dui_domain::usager::Sexe::from_code)?,
                };
                Ok(AccesExceptionnel {
                    id: r.try_get("id")?,
                    utilisateur_id: r.try_get("utilisateur_id")?,
                    utilisateur: dui_domain::usager::nommage::nom_prenom(&nom, &prenom),
                    role: role.label_fr().to_string(),
                    usager_id: r.try_get("usager_id")?,
                    personne: personne.affiche(),
                    motif: r.try_get("motif")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .collect()
    }
}
