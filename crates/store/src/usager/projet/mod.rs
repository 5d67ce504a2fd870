//! The personalised project (ACC-3): PPA and PPE with their versions (a draft edited with
//! optimistic concurrency, validated versions frozen), signatures (HAB-2) and the actions
//! assigned to professionals. Rules in `dui_domain::projet`; section `Accompagnement`.

mod alertes;
mod equipe;
pub(crate) mod fusion;
mod import;
mod lignes;

pub use alertes::AlerteProjet;
pub(crate) use equipe::membres;
pub(in crate::usager) use equipe::verifier_responsables;
pub use equipe::MembreEquipe;
pub use import::BulkProjet;
pub use lignes::{Projet, Signature, SignatureInput, VersionProjet, BROUILLON};

use chrono::NaiveDate;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::projet::{diff, prochaine_revision, Contenu, Difference, TypeProjet};

/// What a save changes in a draft.
#[derive(Clone, Debug)]
pub enum Modification {
    /// The whole content (the API's PUT).
    Tout(Contenu),
    /// One change (the page's forms).
    Une(dui_domain::projet::Modification),
}

use super::exiger;
use crate::db::Store;
use crate::policy::Capability;
use crate::sql::Tx;
use crate::{ts, StoreError, StoreResult};
use lignes::{
    invalide, json, projet_from, signature_from, verifier_contenu, version_from, PROJET_COLUMNS,
    VERSION_COLUMNS,
};

/// The accounts the content assigns actions to.
fn responsables(c: &Contenu) -> Vec<i64> {
    c.actions_assignees().into_iter().map(|a| a.0).collect()
}

/// Raises the project's version if it still is `version` (in `tx`); its type otherwise the
/// reason: stale (409) or absent.
async fn avancer(tx: &mut Tx, cap: &Capability, pid: i64, version: i64) -> StoreResult<TypeProjet> {
    let done = crate::sql::query(
        "UPDATE projet SET version = version + 1, updated_at = $1 WHERE id = $2 AND usager_id = $3 AND version = $4",
    )
    .bind(ts(cap.at()))
    .bind(pid)
    .bind(cap.usager_id())
    .bind(version)
    .execute(&mut *tx)
    .await?;
    let row = crate::sql::query(
        "SELECT type, fusion_archive FROM projet WHERE id = $1 AND usager_id = $2",
    )
    .bind(pid)
    .bind(cap.usager_id())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(StoreError::NotFound);
    };
    let (t, archive): (String, Option<i64>) = (row.try_get(0)?, row.try_get(1)?);
    if archive.is_some() {
        return Err(StoreError::Conflict(fusion::ARCHIVE.into()));
    }
    match done {
        0 => Err(StoreError::StaleVersion),
        _ => TypeProjet::from_code(&t).ok_or_else(|| StoreError::Corrupt(t)),
    }
}

impl Store {
    /// The transaction of a write (`action`) on project `pid` of the file of `cap`, the
    /// project's version raised if it still is `version` (else stale or absent); its type and
    /// the versions that `suite` picks (a condition, an order).
    async fn ecriture_projet(
        &self,
        cap: &Capability,
        action: Action,
        (pid, version): (i64, i64),
        suite: &str,
    ) -> StoreResult<(Tx, TypeProjet, Vec<(i64, VersionProjet)>)> {
        let mut tx = self.ecriture(cap, Section::Accompagnement, action).await?;
        let t = avancer(&mut tx, cap, pid, version).await?;
        let sql =
            format!("SELECT {VERSION_COLUMNS} FROM projet_version WHERE projet_id = $1 {suite}");
        let rows = crate::sql::query(&sql).bind(pid).fetch_all(&mut tx).await?;
        let versions = rows.iter().map(version_from).collect::<StoreResult<_>>()?;
        Ok((tx, t, versions))
    }

    /// The draft a validation freezes, in the validation's transaction (409 when the
    /// project has none).
    async fn brouillon_a_valider(
        &self,
        cap: &Capability,
        projet: (i64, i64),
    ) -> StoreResult<(Tx, TypeProjet, (i64, VersionProjet))> {
        let brouillon = "AND statut = 'brouillon'";
        let (tx, t, versions) = self
            .ecriture_projet(cap, Action::Valider, projet, brouillon)
            .await?;
        let Some(v) = versions.into_iter().next() else {
            return Err(StoreError::Conflict(
                "Ce projet n'a pas de brouillon à valider.".into(),
            ));
        };
        Ok((tx, t, v))
    }

    /// One project of the usager.
    pub async fn projet(&self, cap: &Capability, pid: i64) -> StoreResult<Option<Projet>> {
        let select =
            format!("SELECT {PROJET_COLUMNS} FROM projet p WHERE p.id = $1 AND p.usager_id = $2");
        self.ligne_du_dossier(cap, Section::Accompagnement, &select, pid, projet_from)
            .await
    }

    /// A page of the usager's projects, oldest first.
    pub async fn projets_page(
        &self,
        cap: &Capability,
        page: crate::page::Page,
    ) -> StoreResult<Vec<Projet>> {
        exiger(cap, Section::Accompagnement, Action::Lire)?;
        let sql = format!("SELECT {PROJET_COLUMNS} FROM projet p WHERE p.usager_id = $1");
        let rows = self
            .keyset_du_dossier(
                &sql,
                cap.usager_id(),
                crate::page::Tri::cle("projet", "p.id", crate::page::Ordre::Croissant),
                page,
            )
            .await?;
        rows.iter().map(projet_from).collect()
    }

    /// Creates a project of type `t` with its first draft (audited). One project of each type
    /// per usager: a second one is a conflict.
    pub async fn create_projet(
        &self,
        cap: &Capability,
        t: TypeProjet,
        contenu: &Contenu,
    ) -> StoreResult<i64> {
        exiger(cap, Section::Accompagnement, Action::Ecrire)?;
        verifier_contenu(contenu, t)?;
        let mut contenu = contenu.clone();
        contenu.numeroter(&[]);
        let mut tx = self.begin().await?;
        equipe::verifier_responsables(&mut tx, cap.usager_id(), &responsables(&contenu)).await?;
        let existe = crate::sql::query(
            "SELECT id FROM projet WHERE usager_id = $1 AND type = $2 AND fusion_archive IS NULL",
        )
        .bind(cap.usager_id())
        .bind(t.code())
        .fetch_optional(&mut tx)
        .await?;
        if existe.is_some() {
            return Err(StoreError::Conflict(format!(
                "Cette personne a déjà un {} : ouvrez-le pour le modifier.",
                t.label_fr()
            )));
        }
        let who = cap.actor().utilisateur_id;
        let pid: i64 = crate::sql::query(
            "INSERT INTO projet (usager_id, type, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(t.code())
        .bind(who)
        .bind(ts(cap.at()))
        .fetch_scalar(&mut tx)
        .await?;
        nouveau_brouillon(&mut tx, cap, (pid, 1), &contenu).await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerProjetCreation,
            serde_json::json!({"projet_id": pid, "type": t.code()}),
        )
        .await?;
        Ok(pid)
    }

    /// Version `numero` of a project, with its signatures.
    pub async fn projet_version(
        &self,
        cap: &Capability,
        pid: i64,
        numero: i64,
    ) -> StoreResult<Option<VersionProjet>> {
        exiger(cap, Section::Accompagnement, Action::Lire)?;
        let row = crate::sql::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM projet_version WHERE projet_id = $1 AND usager_id = $2 AND numero = $3"
        ))
        .bind(pid)
        .bind(cap.usager_id())
        .bind(numero)
        .fetch_optional(self)
        .await?;
        let Some((vid, mut v)) = row.as_ref().map(version_from).transpose()? else {
            return Ok(None);
        };
        let rows = crate::sql::query(
            "SELECT id, signataire, qualite, decision, signe_le, commentaire, saisi_par, created_at FROM projet_signature WHERE projet_version_id = $1 ORDER BY id",
        )
        .bind(vid)
        .fetch_all(self)
        .await?;
        v.signatures = rows
            .iter()
            .map(signature_from)
            .collect::<StoreResult<_>>()?;
        Ok(Some(v))
    }

    /// A page of a project's versions, newest first (signatures not loaded: see
    /// [`Store::projet_version`]); `NotFound` for a project the usager does not have.
    pub async fn projet_versions_page(
        &self,
        cap: &Capability,
        pid: i64,
        page: crate::page::Page,
    ) -> StoreResult<Vec<VersionProjet>> {
        exiger(cap, Section::Accompagnement, Action::Lire)?;
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM projet_version WHERE projet_id = $1 AND usager_id = $2"
        );
        let rows = self
            .keyset(
                &sql,
                vec![pid.into(), cap.usager_id().into()],
                crate::page::Tri::cle("projet_version", "numero", crate::page::Ordre::Decroissant),
                page,
            )
            .await?;
        // Every project has a version: none on the first page is no such project.
        if rows.is_empty() && page.after.is_none() {
            return Err(StoreError::NotFound);
        }
        rows.iter().map(|r| version_from(r).map(|v| v.1)).collect()
    }

    /// Saves the draft of a project (a new draft from the last validated version when none is
    /// open), if the project is still at `version`; the new version. A draft already signed is
    /// not changed: validate it, then edit the next one.
    pub async fn save_brouillon(
        &self,
        cap: &Capability,
        pid: i64,
        version: i64,
        contenu: &Contenu,
    ) -> StoreResult<i64> {
        let c = contenu.clone();
        self.modifier_brouillon(cap, pid, version, Modification::Tout(c))
            .await
    }

    /// Applies one change to the draft (or to a new draft from the last validated version),
    /// if the project is still at `version`; the new version. See [`Store::save_brouillon`].
    pub async fn modifier_brouillon(
        &self,
        cap: &Capability,
        pid: i64,
        version: i64,
        changement: Modification,
    ) -> StoreResult<i64> {
        let dernieres = "ORDER BY numero DESC LIMIT 2";
        let (mut tx, t, versions) = self
            .ecriture_projet(cap, Action::Ecrire, (pid, version), dernieres)
            .await?;
        let precedents: Vec<&Contenu> = versions.iter().map(|(_, v)| &v.contenu).collect();
        let mut contenu = match changement {
            Modification::Tout(c) => c,
            Modification::Une(m) => {
                let mut c = versions
                    .first()
                    .map(|(_, v)| v.contenu.clone())
                    .unwrap_or_default();
                c.appliquer(m).map_err(StoreError::Invalid)?;
                c
            }
        };
        verifier_contenu(&contenu, t)?;
        // Only the newly assigned: someone who left the team keeps their earlier actions.
        let anciens: Vec<i64> = precedents.iter().flat_map(|c| responsables(c)).collect();
        let nouveaux: Vec<i64> = responsables(&contenu)
            .into_iter()
            .filter(|r| !anciens.contains(r))
            .collect();
        equipe::verifier_responsables(&mut tx, cap.usager_id(), &nouveaux).await?;
        contenu.numeroter(&precedents);
        let who = cap.actor().utilisateur_id;
        match versions.first() {
            Some((vid, v)) if v.statut == BROUILLON => {
                let signee = crate::sql::query(
                    "SELECT id FROM projet_signature WHERE projet_version_id = $1 LIMIT 1",
                )
                .bind(*vid)
                .fetch_optional(&mut tx)
                .await?;
                if signee.is_some() {
                    return Err(StoreError::Conflict("Ce brouillon a déjà été signé : il ne peut plus être modifié. Validez-le, puis modifiez la version suivante.".into()));
                }
                crate::sql::query("UPDATE projet_version SET contenu = $1, modifie_par = $2, modifie_at = $3 WHERE id = $4 AND statut = 'brouillon'")
                    .bind(json(&contenu)?)
                    .bind(who)
                    .bind(ts(cap.at()))
                    .bind(*vid)
                    .execute(&mut tx)
                    .await?;
            }
            last => {
                let numero = last.map_or(1, |(_, v)| v.numero + 1);
                nouveau_brouillon(&mut tx, cap, (pid, numero), &contenu).await?;
            }
        }
        cap.commit_audite(
            tx,
            ActionJournal::UsagerProjetModification,
            serde_json::json!({"projet_id": pid}),
        )
        .await?;
        Ok(version + 1)
    }

    /// Validates the draft of a project if the project is still at `version`: the version is
    /// frozen, its review date set (a year; 6 months for a child under 2), the actions it
    /// assigns to professionals become their alerts. `aujourdhui` is the day of the validation
    /// in Europe/Paris. The number validated.
    pub async fn valider_projet(
        &self,
        cap: &Capability,
        pid: i64,
        version: i64,
        aujourdhui: NaiveDate,
    ) -> StoreResult<i64> {
        let (mut tx, t, (vid, v)) = self.brouillon_a_valider(cap, (pid, version)).await?;
        invalide(v.contenu.erreurs_validation(t).into_iter().map(|(_, m)| m))?;
        let naissance: String =
            crate::sql::query("SELECT date_naissance FROM usager WHERE id = $1")
                .bind(cap.usager_id())
                .fetch_scalar(&mut tx)
                .await?;
        let naissance = NaiveDate::parse_from_str(&naissance, "%Y-%m-%d").ok();
        let revision = prochaine_revision(naissance, aujourdhui).to_string();
        let who = cap.actor().utilisateur_id;
        crate::sql::query("UPDATE projet_version SET statut = 'valide', valide_par = $1, valide_at = $2, prochaine_revision = $3 WHERE id = $4 AND statut = 'brouillon'")
            .bind(who)
            .bind(ts(cap.at()))
            .bind(revision.as_str())
            .bind(vid)
            .execute(&mut tx)
            .await?;
        crate::sql::query("UPDATE projet SET prochaine_revision = $1 WHERE id = $2")
            .bind(revision.as_str())
            .bind(pid)
            .execute(&mut tx)
            .await?;
        crate::sql::query("DELETE FROM projet_action WHERE projet_id = $1")
            .bind(pid)
            .execute(&mut tx)
            .await?;
        for (responsable, echeance, objectif, action) in v.contenu.actions_assignees() {
            crate::sql::query("INSERT INTO projet_action (projet_id, usager_id, responsable_id, echeance, objectif, libelle) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(pid)
                .bind(cap.usager_id())
                .bind(responsable)
                .bind(echeance.map(|d| d.to_string()))
                .bind(objectif)
                .bind(action)
                .execute(&mut tx)
                .await?;
        }
        cap.commit_audite(tx, ActionJournal::UsagerProjetValidation,
            serde_json::json!({"projet_id": pid, "numero": v.numero, "prochaine_revision": revision})).await?;
        Ok(v.numero)
    }

    /// Records a signature (or its refusal) on version `numero`, if the project is still at
    /// `version` (one signs what one read); the new version. Append-only.
    pub async fn signer_projet(
        &self,
        cap: &Capability,
        pid: i64,
        numero: i64,
        version: i64,
        s: &SignatureInput,
    ) -> StoreResult<i64> {
        exiger(cap, Section::Accompagnement, Action::Valider)?;
        s.verifier()?;
        let mut tx = self.begin().await?;
        avancer(&mut tx, cap, pid, version).await?;
        let vid: i64 =
            crate::sql::query("SELECT id FROM projet_version WHERE projet_id = $1 AND numero = $2")
                .bind(pid)
                .bind(numero)
                .fetch_optional(&mut tx)
                .await?
                .ok_or(StoreError::NotFound)?
                .try_get(0)?;
        let sid: i64 = crate::sql::query(
            "INSERT INTO projet_signature (projet_version_id, usager_id, signataire, qualite, decision, signe_le, commentaire, saisi_par, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(vid)
        .bind(cap.usager_id())
        .bind(s.signataire.trim())
        .bind(s.qualite.as_str())
        .bind(s.decision.as_str())
        .bind(s.signe_le.trim())
        .bind(s.commentaire.as_deref())
        .bind(cap.actor().utilisateur_id)
        .bind(ts(cap.at()))
        .fetch_scalar(&mut tx)
        .await?;
        cap.commit_audite(tx, ActionJournal::UsagerProjetSignature,
            serde_json::json!({"projet_id": pid, "numero": numero, "signature_id": sid, "qualite": s.qualite, "decision": s.decision})).await?;
        Ok(version + 1)
    }

    /// The differences from version `de` to version `a` of a project.
    pub async fn projet_diff(
        &self,
        cap: &Capability,
        pid: i64,
        de: i64,
        a: i64,
    ) -> StoreResult<Vec<Difference>> {
        let avant = self
            .projet_version(cap, pid, de)
            .await?
            .ok_or(StoreError::NotFound)?;
        let apres = self
            .projet_version(cap, pid, a)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(diff(&avant.contenu, &apres.contenu))
    }
}

/// Opens draft `numero` of project `pid` with `contenu`, written by `cap`'s account.
async fn nouveau_brouillon(
    tx: &mut Tx,
    cap: &Capability,
    (pid, numero): (i64, i64),
    contenu: &Contenu,
) -> StoreResult<()> {
    crate::sql::query(
        "INSERT INTO projet_version (projet_id, usager_id, numero, statut, contenu, modifie_par, modifie_at) VALUES ($1, $2, $3, 'brouillon', $4, $5, $6)",
    )
    .bind(pid)
    .bind(cap.usager_id())
    .bind(numero)
    .bind(json(contenu)?)
    .bind(cap.actor().utilisateur_id)
    .bind(ts(cap.at()))
    .execute(&mut *tx)
    .await?;
    Ok(())
}
