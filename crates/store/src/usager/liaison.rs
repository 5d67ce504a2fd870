//! The liaison book of a person at home (COO-6): entries written by the workers, nurses,
//! outside partners and authorised relatives for each other, append-only (no update, no
//! delete: a correction is a new entry naming the one it corrects, both visible), each with
//! its author's quality; unread marks per reader. The participants (partners, relatives)
//! are in `liaison_participants`.

use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::liaison::{erreur_texte, peut_ecrire, Participation, QualiteLiaison};
use dui_domain::policy::{Action, Section};
use serde::Serialize;

use super::correction::{auteur, verifier_corrige};
use super::exiger;
use crate::db::Store;
use crate::fiche::code;
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::{parse_ts, ts, StoreError, StoreResult};

/// An entry of the liaison book.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EntreeLiaison {
    /// Id.
    pub id: i64,
    /// The file.
    pub usager_id: UsagerId,
    /// What is written.
    pub texte: String,
    /// Author's name when written.
    pub auteur: String,
    /// The author's quality (intervenant, infirmier, kinésithérapeute, proche…).
    pub qualite: QualiteLiaison,
    /// The entry this one corrects.
    pub corrige_id: Option<i64>,
    /// The newest entry correcting this one.
    pub corrigee_par: Option<i64>,
    /// When written (RFC 3339, UTC).
    pub created_at: String,
    /// Not yet seen by the reader (written by someone else after their last reading).
    pub nouvelle: bool,
}

/// An entry to write.
#[derive(Clone, Debug)]
pub struct EntreeLiaisonInput {
    /// What is written.
    pub texte: String,
    /// The entry it corrects (same book).
    pub corrige_id: Option<i64>,
}

const COLONNES: &str =
    "l.id, l.usager_id, l.texte, l.auteur, l.qualite, l.corrige_id, l.created_at, l.auteur_id, \
    (SELECT MAX(c.id) FROM liaison_entree c WHERE c.corrige_id = l.id) AS corrigee_par";

fn entree_from(r: &crate::sql::Row, lue: i64, lecteur: Option<i64>) -> StoreResult<EntreeLiaison> {
    let id: i64 = r.try_get("id")?;
    let auteur_id: i64 = r.try_get("auteur_id")?;
    Ok(EntreeLiaison {
        id,
        usager_id: r.try_get("usager_id")?,
        texte: r.try_get("texte")?,
        auteur: r.try_get("auteur")?,
        qualite: code(r, "qualite", QualiteLiaison::from_code)?,
        corrige_id: r.try_get("corrige_id")?,
        corrigee_par: r.try_get("corrigee_par")?,
        created_at: r.try_get("created_at")?,
        nouvelle: id > lue && lecteur != Some(auteur_id),
    })
}

const RECENTES_D_ABORD: Tri<'static> = Tri {
    cols: "l.created_at, l.id",
    table: "liaison_entree l",
    id: "l.id",
    ordre: Ordre::Decroissant,
};

/// The participation of account `utilisateur_id` in the book of `usager_id` (its newest row).
pub(crate) async fn participation(
    conn: impl Into<crate::sql::On<'_>>,
    usager_id: UsagerId,
    utilisateur_id: i64,
) -> StoreResult<Option<Participation>> {
    let row = crate::sql::query(
        "SELECT qualite, peut_ecrire, fin FROM liaison_participant \
         WHERE usager_id = $1 AND utilisateur_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(usager_id)
    .bind(utilisateur_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        let fin: Option<String> = r.try_get("fin")?;
        let peut: i64 = r.try_get("peut_ecrire")?;
        Ok(Participation {
            qualite: code(&r, "qualite", QualiteLiaison::from_code)?,
            peut_ecrire: peut != 0,
            fin: fin.map(|f| parse_ts(&f)).transpose()?,
        })
    })
    .transpose()
}

impl Store {
    /// Writes an entry in the liaison book of `cap` (write), in the author's quality (their
    /// role's, or for a partner or a relative their participation's, which must allow it),
    /// audited in the same transaction. Returns its id.
    pub async fn add_liaison(&self, cap: &Capability, e: &EntreeLiaisonInput) -> StoreResult<i64> {
        if let Some(m) = erreur_texte(&e.texte) {
            return Err(StoreError::Invalid(m.into()));
        }
        let auteur = auteur(cap)?;
        let mut tx = self.ecriture(cap, Section::Liaison, Action::Ecrire).await?;
        let p = participation(&mut tx, cap.usager_id(), auteur).await?;
        let qualite = peut_ecrire(cap.role(), p.as_ref(), cap.at())
            .map_err(|m| StoreError::Invalid(m.into()))?;
        verifier_corrige(
            &mut tx,
            "liaison_entree",
            e.corrige_id,
            cap.usager_id(),
            "L'entrée corrigée n'existe pas dans ce cahier de liaison.",
        )
        .await?;
        let id: i64 = crate::sql::query(
            "INSERT INTO liaison_entree (usager_id, texte, auteur_id, auteur, qualite, corrige_id, created_at) \
             SELECT $1, $2, u.id, u.prenom || ' ' || u.nom, $3, $4, $5 FROM utilisateur u WHERE u.id = $6 RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(e.texte.trim())
        .bind(qualite.code())
        .bind(e.corrige_id)
        .bind(ts(cap.at()))
        .bind(auteur)
        .fetch_scalar(&mut tx)
        .await?;
        // The author takes part in the book (its home panel counts it from now on); their
        // read mark does not move: what others wrote before stays new to them.
        participer(&mut tx, auteur, cap.usager_id()).await?;
        let detail = serde_json::json!({"id": id, "qualite": qualite, "corrige": e.corrige_id});
        cap.commit_audite(tx, ActionJournal::UsagerLiaisonAjout, detail)
            .await?;
        Ok(id)
    }

    /// A page of the liaison book of `cap`, newest first, each entry marked new when written
    /// by someone else after the reader's last reading (the marks are not moved: see
    /// [`Store::liaison_lue`]).
    pub async fn liaison_page(
        &self,
        cap: &Capability,
        page: Page,
    ) -> StoreResult<Vec<EntreeLiaison>> {
        exiger(cap, Section::Liaison, Action::Lire)?;
        let lecteur = cap.actor().utilisateur_id;
        let lue = match lecteur {
            Some(u) => derniere_lue(self, u, cap.usager_id()).await?,
            None => 0,
        };
        let sql = format!("SELECT {COLONNES} FROM liaison_entree l WHERE l.usager_id = $1");
        let rows = self
            .keyset_du_dossier(&sql, cap.usager_id(), RECENTES_D_ABORD, page)
            .await?;
        rows.iter().map(|r| entree_from(r, lue, lecteur)).collect()
    }

    /// Marks the liaison book of `cap` read by its holder up to its newest entry.
    pub async fn liaison_lue(&self, cap: &Capability) -> StoreResult<()> {
        exiger(cap, Section::Liaison, Action::Lire)?;
        let Some(lecteur) = cap.actor().utilisateur_id else {
            return Ok(());
        };
        let mut tx = self.begin().await?;
        let max: Option<i64> =
            crate::sql::query("SELECT MAX(id) FROM liaison_entree WHERE usager_id = $1")
                .bind(cap.usager_id())
                .fetch_scalar(&mut tx)
                .await?;
        if let Some(max) = max {
            marquer(&mut tx, lecteur, cap.usager_id(), max).await?;
        }
        tx.commit().await
    }

    /// How many entries of the book of `cap` its holder has not seen.
    pub async fn liaison_non_lues(&self, cap: &Capability) -> StoreResult<i64> {
        exiger(cap, Section::Liaison, Action::Lire)?;
        let lecteur = cap.actor().utilisateur_id.unwrap_or(0);
        let lue = derniere_lue(self, lecteur, cap.usager_id()).await?;
        crate::sql::query(
            "SELECT COUNT(*) FROM liaison_entree WHERE usager_id = $1 AND id > $2 AND auteur_id <> $3",
        )
        .bind(cap.usager_id())
        .bind(lue)
        .bind(lecteur)
        .fetch_scalar(self)
        .await
    }
}

/// The newest entry `lecteur` has seen in the book of `usager_id` (0: none).
async fn derniere_lue(store: &Store, lecteur: i64, usager_id: UsagerId) -> StoreResult<i64> {
    let v: Option<i64> = crate::sql::query(
        "SELECT derniere_lue FROM liaison_lecture WHERE utilisateur_id = $1 AND usager_id = $2",
    )
    .bind(lecteur)
    .bind(usager_id)
    .fetch_optional(store)
    .await?
    .map(|r| r.try_get(0))
    .transpose()?;
    Ok(v.unwrap_or(0))
}

/// Gives `lecteur` a read mark in the book of `usager_id` (nothing read yet) if it has none.
async fn participer(tx: &mut crate::sql::Tx, lecteur: i64, usager_id: UsagerId) -> StoreResult<()> {
    let exists = crate::sql::query(
        "SELECT derniere_lue FROM liaison_lecture WHERE utilisateur_id = $1 AND usager_id = $2",
    )
    .bind(lecteur)
    .bind(usager_id)
    .fetch_optional(&mut *tx)
    .await?;
    if exists.is_none() {
        crate::sql::query(
            "INSERT INTO liaison_lecture (utilisateur_id, usager_id, derniere_lue) VALUES ($1, $2, 0)",
        )
        .bind(lecteur)
        .bind(usager_id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Moves the read mark of `lecteur` in the book of `usager_id` up to `jusqua` (never back).
async fn marquer(
    tx: &mut crate::sql::Tx,
    lecteur: i64,
    usager_id: UsagerId,
    jusqua: i64,
) -> StoreResult<()> {
    participer(tx, lecteur, usager_id).await?;
    crate::sql::query(
        "UPDATE liaison_lecture SET derniere_lue = $3 WHERE utilisateur_id = $1 AND usager_id = $2 AND derniere_lue < $3",
    )
    .bind(lecteur)
    .bind(usager_id)
    .bind(jusqua)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Store {
    /// The person of the book of `cap` as its title names them (« Hélène Dupont »): what an
    /// account limited to the book (a partner) sees of the file.
    pub async fn liaison_personne(&self, cap: &Capability) -> StoreResult<String> {
        exiger(cap, Section::Liaison, Action::Lire)?;
        let r = crate::sql::query(
            "SELECT COALESCE(prenom_utilise, premier_prenom) AS prenom, COALESCE(nom_utilise, nom_naissance) AS nom FROM usager WHERE id = $1",
        )
        .bind(cap.usager_id())
        .fetch_one(self)
        .await?;
        let (prenom, nom): (String, String) = (r.try_get("prenom")?, r.try_get("nom")?);
        Ok(format!("{prenom} {nom}"))
    }
}

impl Store {
    /// The quality in which the holder of `cap` would write in its book, or the French reason
    /// why they may not (a relative not allowed, a participation ended): what the page shows
    /// above its form. The write itself decides again ([`Store::add_liaison`]).
    pub async fn liaison_qualite(
        &self,
        cap: &Capability,
    ) -> StoreResult<Result<QualiteLiaison, &'static str>> {
        exiger(cap, Section::Liaison, Action::Lire)?;
        let p = match cap.actor().utilisateur_id {
            Some(u) => participation(self, cap.usager_id(), u).await?,
            None => None,
        };
        Ok(peut_ecrire(cap.role(), p.as_ref(), cap.at()))
    }
}

/// An entry of a bulk load of a liaison book (demo data): written by `auteur_id` in its
/// `qualite` at `at`, correcting the entry of index `corrige` of the same load.
#[derive(Clone, Debug)]
pub struct BulkLiaison {
    /// The author's account.
    pub auteur_id: i64,
    /// Their quality.
    pub qualite: QualiteLiaison,
    /// What is written.
    pub texte: String,
    /// When it was written.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The entry of this load it corrects.
    pub corrige: Option<usize>,
}

impl Store {
    /// Loads entries in the book of `usager_id` (demo data, oldest first) with their own
    /// dates, in one transaction audited once at `now` (an import, as the other demo loads);
    /// returns their ids.
    pub async fn insert_liaison_bulk(
        &self,
        actor: &crate::audit::Actor,
        usager_id: UsagerId,
        batch: &[BulkLiaison],
        now: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<i64>> {
        let mut tx = self.begin().await?;
        let mut ids: Vec<i64> = Vec::with_capacity(batch.len());
        for e in batch {
            let corrige = match e.corrige {
                Some(i) => Some(
                    *ids.get(i)
                        .ok_or_else(|| StoreError::Invalid("entrée corrigée hors du lot".into()))?,
                ),
                None => None,
            };
            let id: i64 = crate::sql::query(
                "INSERT INTO liaison_entree (usager_id, texte, auteur_id, auteur, qualite, corrige_id, created_at) \
                 SELECT $1, $2, u.id, u.prenom || ' ' || u.nom, $3, $4, $5 FROM utilisateur u WHERE u.id = $6 RETURNING id",
            )
            .bind(usager_id)
            .bind(e.texte.as_str())
            .bind(e.qualite.code())
            .bind(corrige)
            .bind(ts(e.at))
            .bind(e.auteur_id)
            .fetch_scalar(&mut tx)
            .await?;
            participer(&mut tx, e.auteur_id, usager_id).await?;
            ids.push(id);
        }
        crate::audit::append(
            &mut tx,
            &crate::audit::NewEntry::succes_administratif(
                actor,
                ActionJournal::UsagerImport,
                Some(usager_id.get()),
                serde_json::json!({"nombre": ids.len()}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Marks the book of `cap` read by its holder up to entry `jusqua` only (demo data: what
    /// a reader had already seen).
    pub async fn liaison_lue_jusqua(&self, cap: &Capability, jusqua: i64) -> StoreResult<()> {
        exiger(cap, Section::Liaison, Action::Lire)?;
        let Some(lecteur) = cap.actor().utilisateur_id else {
            return Ok(());
        };
        let mut tx = self.begin().await?;
        marquer(&mut tx, lecteur, cap.usager_id(), jusqua).await?;
        tx.commit().await
    }
}
