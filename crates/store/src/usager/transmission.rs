//! Transmissions (ACC-2, SOI-4): written with a capability on their section, append-only (no
//! update, no delete: a correction is a new transmission naming the one it corrects), read
//! in a file with [`CapaciteTransmissions`] (every section the account may read), newest first.

use chrono::{DateTime, Duration, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::transmission::{section_valide, CategorieTransmission, Contenu};
use serde::Serialize;

use super::check;
use crate::db::{Engine, Store};
use crate::page::{Ordre, Page, Tri};
use crate::policy::{Capability, CapaciteTransmissions};
use crate::sql::Value;
use crate::{ts, StoreError, StoreResult};

/// A stored transmission.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Transmission {
    /// Id.
    pub id: i64,
    /// The file.
    pub usager_id: UsagerId,
    /// Display name of the person (relève and search only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usager: Option<String>,
    /// Section code (`accompagnement`, `soins`, `psychologie`).
    pub section: Section,
    /// Category code.
    pub categorie: CategorieTransmission,
    /// What it says.
    #[serde(flatten)]
    pub contenu: ContenuTransmission,
    /// When the fact happened (RFC 3339, UTC).
    pub date_fait: String,
    /// Author's account.
    pub auteur_id: i64,
    /// Author's name when written.
    pub auteur: String,
    /// Author's role code when written.
    pub auteur_role: String,
    /// The transmission this one corrects.
    pub corrige_id: Option<i64>,
    /// The newest transmission correcting this one.
    pub corrigee_par: Option<i64>,
    /// When written (RFC 3339, UTC).
    pub created_at: String,
    /// Read by the account asking (relève only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lue: Option<bool>,
}

/// A transmission to write.
#[derive(Clone, Debug)]
pub struct TransmissionInput {
    /// Section (one of [`dui_domain::transmission::SECTIONS`]).
    pub section: Section,
    /// Category.
    pub categorie: CategorieTransmission,
    /// What it says.
    pub contenu: ContenuTransmission,
    /// When the fact happened (default: now).
    pub date_fait: Option<DateTime<Utc>>,
    /// The transmission it corrects (same file and section).
    pub corrige_id: Option<i64>,
}

/// What a transmission says, the same fields in a stored transmission, an input and a bulk
/// row: flagged important or not, narrative (`texte`) or targeted (`cible` with its données,
/// actions and résultats).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ContenuTransmission {
    /// Flagged important.
    pub importante: bool,
    /// Narrative text.
    pub texte: Option<String>,
    /// Target of a targeted transmission.
    pub cible: Option<String>,
    /// Data.
    pub donnees: Option<String>,
    /// Actions.
    pub actions: Option<String>,
    /// Results.
    pub resultats: Option<String>,
}

impl ContenuTransmission {
    /// The content as the domain rules see it.
    pub fn contenu(&self) -> Contenu<'_> {
        Contenu {
            texte: self.texte.as_deref(),
            cible: self.cible.as_deref(),
            donnees: self.donnees.as_deref(),
            actions: self.actions.as_deref(),
            resultats: self.resultats.as_deref(),
        }
    }

    /// The values of the columns `texte, cible, donnees, actions, resultats, importante`, in
    /// this order (a text of blanks only is none).
    pub(crate) fn valeurs(&self) -> Vec<Value> {
        let opt = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).into();
        vec![
            opt(&self.texte),
            opt(&self.cible),
            opt(&self.donnees),
            opt(&self.actions),
            opt(&self.resultats),
            i64::from(self.importante).into(),
        ]
    }

    /// The content of a row read with [`COLONNES`].
    fn lire(r: &crate::sql::Row) -> StoreResult<Self> {
        Ok(ContenuTransmission {
            importante: r.try_get::<i64, _>("importante")? != 0,
            texte: r.try_get("texte")?,
            cible: r.try_get("cible")?,
            donnees: r.try_get("donnees")?,
            actions: r.try_get("actions")?,
            resultats: r.try_get("resultats")?,
        })
    }
}

impl TransmissionInput {
    /// The rules this input breaks at `now`, as (field, French message).
    pub fn erreurs(&self, now: DateTime<Utc>) -> Vec<(&'static str, String)> {
        let mut e = self.contenu.contenu().erreurs();
        if !section_valide(self.section) {
            e.push((
                "section",
                "Une transmission s'écrit en accompagnement, soins ou psychologie.".into(),
            ));
        }
        if self
            .date_fait
            .is_some_and(|d| d > now + Duration::minutes(5))
        {
            e.push((
                "date_fait",
                "La date du fait ne peut pas être dans le futur.".into(),
            ));
        }
        e
    }
}

/// Columns of a transmission read as `t` (and `lue`, `usager` given by the caller).
pub(crate) const COLONNES: &str = "t.id, t.usager_id, t.section, t.categorie, t.texte, t.cible, t.donnees, t.actions, t.resultats, t.importante, \
    t.date_fait, t.auteur_id, t.auteur, t.auteur_role, t.corrige_id, t.created_at, \
    (SELECT MAX(c.id) FROM transmission c WHERE c.corrige_id = t.id) AS corrigee_par";

pub(crate) fn transmission_from(
    r: &crate::sql::Row,
    usager: bool,
    lue: bool,
) -> StoreResult<Transmission> {
    let section: String = r.try_get("section")?;
    let categorie: String = r.try_get("categorie")?;
    Ok(Transmission {
        id: r.try_get("id")?,
        usager_id: r.try_get("usager_id")?,
        usager: if usager {
            Some(r.try_get("usager")?)
        } else {
            None
        },
        section: Section::from_code(&section)
            .ok_or_else(|| StoreError::Corrupt(format!("section {section:?}")))?,
        categorie: CategorieTransmission::from_code(&categorie)
            .ok_or_else(|| StoreError::Corrupt(format!("categorie {categorie:?}")))?,
        contenu: ContenuTransmission::lire(r)?,
        date_fait: r.try_get("date_fait")?,
        auteur_id: r.try_get("auteur_id")?,
        auteur: r.try_get("auteur")?,
        auteur_role: r.try_get("auteur_role")?,
        corrige_id: r.try_get("corrige_id")?,
        corrigee_par: r.try_get("corrigee_par")?,
        created_at: r.try_get("created_at")?,
        lue: if lue {
            Some(r.try_get::<i64, _>("lue")? > 0)
        } else {
            None
        },
    })
}

/// Transmissions newest written first (keyset on `created_at, id`): a file's and the relève.
pub(crate) const RECENTES_D_ABORD: Tri<'static> = Tri {
    cols: "t.created_at, t.id",
    table: "transmission t",
    id: "t.id",
    ordre: Ordre::Decroissant,
};

/// The transmissions of the file `$1` in `sections` (psychology: those written in
/// `etablissements`), before their page's order and limit.
fn select_du_dossier(sections: &[Section], etablissements: &[i64]) -> String {
    format!(
        "SELECT {COLONNES} FROM transmission t WHERE t.usager_id = $1 AND {}",
        sections_sql(sections, etablissements)
    )
}

/// `t.section IN ('a', 'b')` for sections decided by the policy (codes are constants), the
/// psychology section only for the rows written in one of `etablissements`, the reader's: a
/// psychology transmission is read by the psychologists of the établissement where it was
/// written, as the psychology notes are (decision 0044).
pub(crate) fn sections_sql(sections: &[Section], etablissements: &[i64]) -> String {
    let autres: Vec<String> = sections
        .iter()
        .filter(|s| **s != Section::Psychologie)
        .map(|s| format!("'{}'", s.code()))
        .collect();
    let mut parts = Vec::new();
    if !autres.is_empty() {
        parts.push(format!("t.section IN ({})", autres.join(", ")));
    }
    if sections.contains(&Section::Psychologie) {
        let etabs: Vec<String> = etablissements.iter().map(i64::to_string).collect();
        if !etabs.is_empty() {
            parts.push(format!(
                "(t.section = 'psychologie' AND t.etablissement_id IN ({}))",
                etabs.join(", ")
            ));
        }
    }
    match parts.len() {
        0 => "1 = 0".into(),
        1 => parts.remove(0),
        _ => format!("({})", parts.join(" OR ")),
    }
}

/// The établissement a psychology transmission is written in
/// ([`dui_domain::psychologie::etablissement_de_note`]: where the author works and the person
/// stays), or the refusal when they share none.
async fn etablissement_psychologie(tx: &mut crate::sql::Tx, cap: &Capability) -> StoreResult<i64> {
    let rows =
        crate::sql::query("SELECT DISTINCT etablissement_id FROM sejour WHERE usager_id = $1")
            .bind(cap.usager_id())
            .fetch_all(&mut *tx)
            .await?;
    let usager: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<StoreResult<_>>()?;
    dui_domain::psychologie::etablissement_de_note(cap.etablissements(), &usager).ok_or(
        StoreError::Denied(dui_domain::policy::Refus::PsychologieHorsPerimetre),
    )
}

impl Store {
    /// Writes a transmission in the section of `cap` (which must allow writing it), audited
    /// in the same transaction; a correction names a transmission of the same file and
    /// section. Returns its id.
    pub async fn add_transmission(
        &self,
        cap: &Capability,
        t: &TransmissionInput,
    ) -> StoreResult<i64> {
        t.contenu.borner()?;
        if let Some((_, m)) = t.erreurs(cap.at()).into_iter().next() {
            return Err(StoreError::Invalid(m));
        }
        check(cap, cap.usager_id(), t.section, Action::Ecrire)?;
        let auteur = cap.actor().utilisateur_id.ok_or(StoreError::Denied(
            dui_domain::policy::Refus::NonPermisParLeRole,
        ))?;
        let mut tx = self.begin().await?;
        // A psychology transmission is written in one établissement, read there only.
        let etablissement = if t.section == Section::Psychologie {
            Some(etablissement_psychologie(&mut tx, cap).await?)
        } else {
            None
        };
        if let Some(c) = t.corrige_id {
            // A psychology transmission corrects one of its établissement only.
            let found = crate::sql::query(
                "SELECT id FROM transmission WHERE id = $1 AND usager_id = $2 AND section = $3 \
                 AND COALESCE(etablissement_id, 0) = $4",
            )
            .bind(c)
            .bind(cap.usager_id())
            .bind(t.section.code())
            .bind(etablissement.unwrap_or(0))
            .fetch_optional(&mut tx)
            .await?;
            if found.is_none() {
                return Err(StoreError::Invalid(
                    "La transmission corrigée n'existe pas dans cette partie du dossier.".into(),
                ));
            }
        }
        let termes = t.contenu.contenu().termes();
        let id: i64 = crate::sql::query(
            "INSERT INTO transmission (usager_id, section, categorie, texte, cible, donnees, actions, resultats, importante, date_fait, \
             auteur_id, auteur, auteur_role, corrige_id, termes, created_at, etablissement_id) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, u.id, u.prenom || ' ' || u.nom, u.role, $11, $12, $13, $15 \
             FROM utilisateur u WHERE u.id = $14 RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(t.section.code())
        .bind(t.categorie.code())
        .binds(t.contenu.valeurs())
        .bind(ts(t.date_fait.unwrap_or(cap.at())))
        .bind(t.corrige_id)
        .bind(termes.as_str())
        .bind(ts(cap.at()))
        .bind(auteur)
        .bind(etablissement)
        .fetch_scalar(&mut tx)
        .await?;
        if self.engine() == Engine::Sqlite {
            crate::sql::query("INSERT INTO transmission_fts (rowid, termes) VALUES ($1, $2)")
                .bind(id)
                .bind(termes.as_str())
                .execute(&mut tx)
                .await?;
        }
        let detail = serde_json::json!({"id": id, "corrige": t.corrige_id, "importante": t.contenu.importante});
        cap.commit_audite(tx, ActionJournal::UsagerTransmissionAjout, detail)
            .await?;
        Ok(id)
    }

    /// A page of the transmissions that `who` may read in the file `usager_id` (decided as
    /// [`crate::policy::authorize_transmissions`] does), newest written first, in one round
    /// trip when the decision grants every section the role may read (the usual case): the
    /// page of those sections is read with the facts and kept inside the store until the
    /// decision allows it; otherwise the page of the sections granted is read after. The
    /// page is returned only once the read's audit entry is committed.
    pub async fn transmissions_du_dossier(
        &self,
        matrix: &dui_domain::policy::Matrice,
        who: &crate::policy::Principal,
        usager_id: UsagerId,
        page: Page,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Transmission>> {
        let au_plus = crate::policy::sections_au_plus(matrix, who);
        let select = select_du_dossier(&au_plus, &who.etablissements);
        let lu = crate::policy::load_faits_et_page(
            self,
            who,
            usager_id,
            now,
            (&select, RECENTES_D_ABORD, page),
        );
        let Some((f, rows)) = lu.await? else {
            return Err(StoreError::NotFound);
        };
        let (cap, entree) =
            crate::policy::decide_transmissions_de(self, matrix, who, usager_id, &f.faits, now)
                .await?;
        // A task of its own: on SQLite the commit holds its thread (`block_in_place`).
        let reads = self.reads.clone();
        let audit = tokio::spawn(async move { reads.log(entree).await });
        let items = if cap.sections() == au_plus.as_slice() {
            rows.iter()
                .map(|r| transmission_from(r, false, false))
                .collect()
        } else {
            self.transmissions_page(&cap, page).await
        };
        audit
            .await
            .map_err(|_| StoreError::Db(sqlx::Error::WorkerCrashed))??;
        items
    }

    /// A page of the file's transmissions in the sections of `cap`, newest written first
    /// (keyset on `created_at, id`). The read was audited when `cap` was granted.
    pub async fn transmissions_page(
        &self,
        cap: &CapaciteTransmissions,
        page: Page,
    ) -> StoreResult<Vec<Transmission>> {
        let sql = select_du_dossier(cap.sections(), cap.etablissements());
        let rows = self
            .keyset_du_dossier(&sql, cap.usager_id(), RECENTES_D_ABORD, page)
            .await?;
        rows.iter()
            .map(|r| transmission_from(r, false, false))
            .collect()
    }
}
