//! The participants of a liaison book from outside the service, as the cadre sets them
//! (validation of the *Cahier de liaison*): an outside partner invited (an account created,
//! limited to the liaison books it is assigned to), a relative allowed to write, and the end
//! of a participation (dated, kept; the account's assignment to the person ends with it).

use dui_domain::journal::ActionJournal;
use dui_domain::liaison::{QualiteLiaison, QUALITES_PARTENAIRE};
use dui_domain::policy::{Action, Role, Section};
use serde::Serialize;

use super::exiger;
use crate::admin::utilisateur::{inserer_compte, UtilisateurInput};
use crate::db::Store;
use crate::fiche::code;
use crate::policy::Capability;
use crate::{ts, StoreError, StoreResult};

/// A participant of a liaison book (partner or relative).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ParticipantLiaison {
    /// The account.
    pub utilisateur_id: i64,
    /// Its name.
    pub nom: String,
    /// Its login name (for the cadre to give it).
    pub username: String,
    /// Its role code (`partenaire`, `proche`).
    pub role: String,
    /// Its quality in the book.
    pub qualite: QualiteLiaison,
    /// Whether it writes.
    pub peut_ecrire: bool,
    /// When it began (RFC 3339, UTC).
    pub debut: String,
    /// When it ended, if it did.
    pub fin: Option<String>,
}

/// An outside partner to invite.
#[derive(Clone, Debug)]
pub struct InvitationPartenaire {
    /// Login name of the account created.
    pub username: String,
    /// First name.
    pub prenom: String,
    /// Family name.
    pub nom: String,
    /// Quality (nurse of a SSIAD, physiotherapist…).
    pub qualite: QualiteLiaison,
    /// E-mail, if given.
    pub email: Option<String>,
}

impl Store {
    /// The partners and relatives of the book of `cap` (ended ones too), newest first.
    pub async fn liaison_participants(
        &self,
        cap: &Capability,
    ) -> StoreResult<Vec<ParticipantLiaison>> {
        exiger(cap, Section::Liaison, Action::Lire)?;
        let rows = crate::sql::query(
            "SELECT p.utilisateur_id, u.prenom || ' ' || u.nom AS nom, u.username, u.role, p.qualite, p.peut_ecrire, p.debut, p.fin \
             FROM liaison_participant p JOIN utilisateur u ON u.id = p.utilisateur_id \
             WHERE p.usager_id = $1 ORDER BY p.id DESC",
        )
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?;
        rows.iter()
            .map(|r| {
                let peut: i64 = r.try_get("peut_ecrire")?;
                Ok(ParticipantLiaison {
                    utilisateur_id: r.try_get("utilisateur_id")?,
                    nom: r.try_get("nom")?,
                    username: r.try_get("username")?,
                    role: r.try_get("role")?,
                    qualite: code(r, "qualite", QualiteLiaison::from_code)?,
                    peut_ecrire: peut != 0,
                    debut: r.try_get("debut")?,
                    fin: r.try_get("fin")?,
                })
            })
            .collect()
    }

    /// Invites an outside partner to the book of `cap` (validation): creates their account
    /// (role *partenaire*, in the établissements of the person's stays, `password_hash` to
    /// change at first login), assigns it to the person and opens its participation, all in
    /// one transaction audited on the file. Returns the account id.
    pub async fn inviter_partenaire(
        &self,
        cap: &Capability,
        i: &InvitationPartenaire,
        password_hash: &str,
    ) -> StoreResult<i64> {
        if !QUALITES_PARTENAIRE.contains(&i.qualite) {
            return Err(StoreError::Invalid(
                "Choisissez la qualité du partenaire dans la liste.".into(),
            ));
        }
        let mut tx = self
            .ecriture(cap, Section::Liaison, Action::Valider)
            .await?;
        let etabs: Vec<i64> = crate::sql::query(
            "SELECT DISTINCT etablissement_id FROM sejour WHERE usager_id = $1 ORDER BY etablissement_id",
        )
        .bind(cap.usager_id())
        .fetch_all(&mut tx)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<StoreResult<_>>()?;
        let input = UtilisateurInput {
            username: i.username.clone(),
            nom: i.nom.clone(),
            prenom: i.prenom.clone(),
            email: i.email.clone(),
            role: Role::Partenaire,
            identifiant_pro: None,
            actif: true,
            etablissements: etabs,
            usager_id: None,
        };
        input.borner()?;
        let id = inserer_compte(&mut tx, &input, password_hash, true, cap.at()).await?;
        crate::sql::query(
            "INSERT INTO affectation (utilisateur_id, usager_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(cap.usager_id())
        .bind(ts(cap.at()))
        .execute(&mut tx)
        .await?;
        ouvrir(&mut tx, cap, id, i.qualite, true).await?;
        let detail = serde_json::json!({"utilisateur_id": id, "username": input.username.trim().to_lowercase(), "qualite": i.qualite});
        cap.commit_audite(tx, ActionJournal::UsagerLiaisonInvitation, detail)
            .await?;
        Ok(id)
    }

    /// Allows (or no longer allows) relative `utilisateur_id`, assigned to the person, to
    /// write in the book of `cap` (validation).
    pub async fn autoriser_proche(
        &self,
        cap: &Capability,
        utilisateur_id: i64,
        peut_ecrire: bool,
    ) -> StoreResult<()> {
        let mut tx = self
            .ecriture(cap, Section::Liaison, Action::Valider)
            .await?;
        let proche = crate::sql::query(
            "SELECT u.id FROM utilisateur u JOIN affectation a ON a.utilisateur_id = u.id \
             WHERE u.id = $1 AND u.role = $2 AND a.usager_id = $3",
        )
        .bind(utilisateur_id)
        .bind(Role::Proche.code())
        .bind(cap.usager_id())
        .fetch_optional(&mut tx)
        .await?;
        if proche.is_none() {
            return Err(StoreError::Invalid(
                "Choisissez un proche qui a accès au dossier (onglet Entourage).".into(),
            ));
        }
        close(&mut tx, cap, utilisateur_id).await?;
        ouvrir(
            &mut tx,
            cap,
            utilisateur_id,
            QualiteLiaison::Proche,
            peut_ecrire,
        )
        .await?;
        let detail =
            serde_json::json!({"utilisateur_id": utilisateur_id, "peut_ecrire": peut_ecrire});
        cap.commit_audite(tx, ActionJournal::UsagerLiaisonProche, detail)
            .await
    }

    /// Ends the participation of `utilisateur_id` in the book of `cap` (validation), dated
    /// now, and its assignment to the person: a partner's account then reaches nothing.
    /// `NotFound` when no participation is open.
    pub async fn fin_participation(
        &self,
        cap: &Capability,
        utilisateur_id: i64,
    ) -> StoreResult<()> {
        let mut tx = self
            .ecriture(cap, Section::Liaison, Action::Valider)
            .await?;
        if close(&mut tx, cap, utilisateur_id).await? == 0 {
            return Err(StoreError::NotFound);
        }
        crate::sql::query("DELETE FROM affectation WHERE usager_id = $1 AND utilisateur_id = $2")
            .bind(cap.usager_id())
            .bind(utilisateur_id)
            .execute(&mut tx)
            .await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerLiaisonFin,
            serde_json::json!({ "utilisateur_id": utilisateur_id }),
        )
        .await
    }
}

/// Opens a participation of `utilisateur_id` in the book of `cap`.
async fn ouvrir(
    tx: &mut crate::sql::Tx,
    cap: &Capability,
    utilisateur_id: i64,
    qualite: QualiteLiaison,
    peut_ecrire: bool,
) -> StoreResult<()> {
    crate::sql::query(
        "INSERT INTO liaison_participant (usager_id, utilisateur_id, qualite, peut_ecrire, debut, cree_par) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(cap.usager_id())
    .bind(utilisateur_id)
    .bind(qualite.code())
    .bind(i64::from(peut_ecrire))
    .bind(ts(cap.at()))
    .bind(cap.actor().utilisateur_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Ends (now) the open participations of `utilisateur_id` in the book of `cap`; how many.
async fn close(tx: &mut crate::sql::Tx, cap: &Capability, utilisateur_id: i64) -> StoreResult<u64> {
    crate::sql::query(
        "UPDATE liaison_participant SET fin = $3 WHERE usager_id = $1 AND utilisateur_id = $2 AND fin IS NULL",
    )
    .bind(cap.usager_id())
    .bind(utilisateur_id)
    .bind(ts(cap.at()))
    .execute(&mut *tx)
    .await
}
