//! The psychology section (SOI-5): psychologists' notes, assessments and test results.
//!
//! Sealed by the policy (psychologists only, normal scope only: `dui_domain::policy::decider`)
//! and, here, by établissement: a note is written in an établissement where its author works
//! and the person stays, and read only by the psychologists of that établissement
//! (`dui_domain::psychologie`). Append-only: a correction names the note it corrects.

use chrono::NaiveDate;
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::psychologie::{erreurs_note, etablissement_de_note, TypeNote};
use serde::Serialize;

use super::correction::{aujourdhui, auteur};
use super::exiger;
use crate::db::Store;
use crate::fiche::code;
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::sql::Value;
use crate::{ts, StoreError, StoreResult};

/// A stored psychology note.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NotePsychologie {
    /// Id.
    pub id: i64,
    /// The file.
    pub usager_id: UsagerId,
    /// The établissement it was written in (only its psychologists read it).
    pub etablissement_id: i64,
    /// Kind (its code in JSON).
    pub type_note: TypeNote,
    /// Title.
    pub titre: String,
    /// Text.
    pub texte: String,
    /// The test or scale (for a test result).
    pub outil: Option<String>,
    /// The result (score, interpretation).
    pub resultat: Option<String>,
    /// Day of the interview or test (ISO date).
    pub date_note: String,
    /// Author's name when written.
    pub auteur: String,
    /// The note this one corrects.
    pub corrige_id: Option<i64>,
    /// The newest note correcting this one.
    pub corrigee_par: Option<i64>,
    /// When written (RFC 3339, UTC).
    pub created_at: String,
}

/// A note to write.
#[derive(Clone, Debug)]
pub struct NotePsychologieInput {
    /// Kind.
    pub type_note: TypeNote,
    /// Title.
    pub titre: String,
    /// Text.
    pub texte: String,
    /// The test or scale.
    pub outil: Option<String>,
    /// The result.
    pub resultat: Option<String>,
    /// Day of the interview or test (default: today).
    pub date_note: Option<NaiveDate>,
    /// The note it corrects (same file, readable by the author).
    pub corrige_id: Option<i64>,
}

impl NotePsychologieInput {
    /// The rules this note breaks on `aujourdhui`, as (field, French message).
    pub fn erreurs(&self, aujourdhui: NaiveDate) -> Vec<(&'static str, String)> {
        let mut e = erreurs_note(
            self.type_note,
            &self.titre,
            &self.texte,
            self.outil.as_deref(),
        );
        if self.date_note.is_some_and(|d| d > aujourdhui) {
            e.push((
                "date_note",
                "La date ne peut pas être dans le futur.".into(),
            ));
        }
        e
    }
}

const COLONNES: &str = "n.id, n.usager_id, n.etablissement_id, n.type_note, n.titre, n.texte, n.outil, n.resultat, n.date_note, n.auteur, n.corrige_id, n.created_at, \
    (SELECT MAX(c.id) FROM psychologie_note c WHERE c.corrige_id = n.id) AS corrigee_par";

fn note_from(r: &crate::sql::Row) -> StoreResult<NotePsychologie> {
    Ok(NotePsychologie {
        id: r.try_get("id")?,
        usager_id: r.try_get("usager_id")?,
        etablissement_id: r.try_get("etablissement_id")?,
        type_note: code(r, "type_note", TypeNote::from_code)?,
        titre: r.try_get("titre")?,
        texte: r.try_get("texte")?,
        outil: r.try_get("outil")?,
        resultat: r.try_get("resultat")?,
        date_note: r.try_get("date_note")?,
        auteur: r.try_get("auteur")?,
        corrige_id: r.try_get("corrige_id")?,
        corrigee_par: r.try_get("corrigee_par")?,
        created_at: r.try_get("created_at")?,
    })
}

const RECENTES_D_ABORD: Tri<'static> = Tri {
    cols: "n.created_at, n.id",
    table: "psychologie_note n",
    id: "n.id",
    ordre: Ordre::Decroissant,
};

/// `n.etablissement_id IN ($first, …)` for the établissements of the reader (ids bound).
fn dans_etablissements(first: usize, n: usize) -> String {
    format!(
        "n.etablissement_id IN ({})",
        crate::sql::marqueurs(first, n)
    )
}

impl Store {
    /// Writes a psychology note in the file of `cap` (psychology section, write), in the
    /// établissement the author shares with the person, audited without its content.
    pub async fn add_note_psychologie(
        &self,
        cap: &Capability,
        n: &NotePsychologieInput,
    ) -> StoreResult<i64> {
        n.borner()?;
        if let Some((_, m)) = n.erreurs(aujourdhui(cap.at())).into_iter().next() {
            return Err(StoreError::Invalid(m));
        }
        let auteur = auteur(cap)?;
        let mut tx = self
            .ecriture(cap, Section::Psychologie, Action::Ecrire)
            .await?;
        let rows =
            crate::sql::query("SELECT DISTINCT etablissement_id FROM sejour WHERE usager_id = $1")
                .bind(cap.usager_id())
                .fetch_all(&mut tx)
                .await?;
        let usager: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<StoreResult<_>>()?;
        let etablissement = etablissement_de_note(cap.etablissements(), &usager).ok_or(
            StoreError::Denied(dui_domain::policy::Refus::PsychologieHorsPerimetre),
        )?;
        if let Some(c) = n.corrige_id {
            let found = crate::sql::query(
                "SELECT id FROM psychologie_note WHERE id = $1 AND usager_id = $2 AND etablissement_id = $3",
            )
            .bind(c)
            .bind(cap.usager_id())
            .bind(etablissement)
            .fetch_optional(&mut tx)
            .await?;
            if found.is_none() {
                // The same answer whether it does not exist or belongs to another établissement.
                return Err(StoreError::Invalid(
                    "La note corrigée n'existe pas dans ce dossier.".into(),
                ));
            }
        }
        let q = crate::sql::query(
            "INSERT INTO psychologie_note (usager_id, etablissement_id, type_note, titre, texte, outil, resultat, date_note, corrige_id, auteur_id, auteur, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, u.id, u.prenom || ' ' || u.nom, $10 FROM utilisateur u WHERE u.id = $11 RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(etablissement)
        .bind(n.type_note.code())
        .bind(n.titre.trim())
        .bind(n.texte.trim())
        .bind(n.outil.as_deref())
        .bind(n.resultat.as_deref())
        .bind(n.date_note.unwrap_or(aujourdhui(cap.at())).to_string())
        .bind(n.corrige_id)
        .bind(ts(cap.at()))
        .bind(auteur);
        cap.inserer_audite(
            tx,
            q,
            ActionJournal::UsagerPsychologieAjout,
            |id| serde_json::json!({"id": id}),
        )
        .await
    }

    /// A page of the file's psychology notes that the holder of `cap` may read (those of the
    /// établissements it works in), newest written first.
    pub async fn notes_psychologie_page(
        &self,
        cap: &Capability,
        page: Page,
    ) -> StoreResult<Vec<NotePsychologie>> {
        exiger(cap, Section::Psychologie, Action::Lire)?;
        let etabs = cap.etablissements();
        if etabs.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLONNES} FROM psychologie_note n WHERE n.usager_id = $1 AND {}",
            dans_etablissements(2, etabs.len())
        );
        let mut args = vec![Value::from(cap.usager_id())];
        args.extend(etabs.iter().map(|e| Value::from(*e)));
        let rows = self.keyset(&sql, args, RECENTES_D_ABORD, page).await?;
        rows.iter().map(note_from).collect()
    }
}
