//! Applications (*candidatures*, ADM-1): recorded for one or several établissements of the
//! organisation, before any file (the candidate's identity traits are on the row), moved
//! along the status flow of `dui_domain::candidature` (each change kept, versioned: a stale
//! change is refused, never applied twice), linked to the person's file when it is created
//! from it or when it exists. Every read and write takes a [`CapaciteCandidatures`] and
//! stays within the applications aimed at one of the account's établissements; each is
//! audited in one entry naming the applications. The lists are in `candidature_liste`, the
//! appointments in `agenda`.

use chrono::NaiveDate;
use dui_domain::candidature::{OrigineCandidature, Priorite, StatutCandidature};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::sejour::TypeAccompagnement;
use dui_domain::usager::Sexe;
use serde::{Deserialize, Serialize};

use super::candidature_statut::historiser;
use super::creation::NouvelUsager;
use crate::audit::{self, NewEntry, Outcome};
use crate::db::Store;
use crate::fiche::{code, opt_code, IdentiteInput};
use crate::policy::{Capability, CapaciteCandidatures};
use crate::saisie::{borne, l};
use crate::sql::{Tx, Value};
use crate::{ts, StoreError, StoreResult};

/// Most documents listed on an application.
pub const PIECES_MAX: usize = 30;
/// Most établissements an application is aimed at.
pub const CIBLES_MAX: usize = 50;

/// A document of an application: expected, and received on a day (the file itself goes to
/// the person's file once it exists).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Piece {
    /// What it is (« Notification MDPH », « Certificat médical »…).
    pub libelle: String,
    /// Received on (`AAAA-MM-JJ`; none: still expected).
    #[schema(value_type = Option<String>, format = Date)]
    pub recue_le: Option<NaiveDate>,
}

/// What an application records: the body of its creation and of its change.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CandidatureInput {
    /// The établissements it is aimed at (one at least of the account's).
    pub etablissements: Vec<i64>,
    /// Birth name of the candidate.
    pub nom_naissance: String,
    /// First names, separated by spaces.
    pub prenoms: String,
    /// Birth date.
    #[schema(value_type = String, format = Date)]
    pub date_naissance: NaiveDate,
    /// Sex (`F`, `M`, `I`).
    pub sexe: Sexe,
    /// A phone number to reach the candidate or the family.
    pub telephone: Option<String>,
    /// Where it comes from.
    pub origine: OrigineCandidature,
    /// Number of the orientation or placement decision (MDPH, ASE) or of the request.
    pub numero_decision: Option<String>,
    /// Date of the decision.
    #[schema(value_type = Option<String>, format = Date)]
    pub date_decision: Option<NaiveDate>,
    /// End of validity of the decision.
    #[schema(value_type = Option<String>, format = Date)]
    pub fin_decision: Option<NaiveDate>,
    /// The kind of support asked (the orientation).
    pub orientation: Option<TypeAccompagnement>,
    /// Priority.
    pub priorite: Priorite,
    /// Criteria (situation, urgency, wishes).
    pub criteres: Option<String>,
    /// Documents expected and received.
    pub pieces: Vec<Piece>,
    /// Received on.
    #[schema(value_type = String, format = Date)]
    pub date_reception: NaiveDate,
}

/// An application as stored, with where it stands.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Candidature {
    /// Id.
    pub id: i64,
    /// Its fields (the body a PUT takes).
    #[serde(flatten)]
    pub fields: CandidatureInput,
    /// The names of the établissements, in the order of `etablissements`.
    pub etablissements_noms: Vec<String>,
    /// Status.
    pub statut: StatutCandidature,
    /// Motive of the last change (a refusal's).
    pub motif: Option<String>,
    /// The person's file, once linked.
    pub usager_id: Option<i64>,
    /// GIR of the person's latest validated AGGIR evaluation (a linked file only).
    pub gir: Option<i64>,
    /// Version for optimistic concurrency.
    pub version: i64,
}

impl Candidature {
    /// « Hélène DUPONT ».
    pub fn nom_affiche(&self) -> String {
        let prenom = self.fields.prenoms.split_whitespace().next().unwrap_or("");
        format!("{prenom} {}", self.fields.nom_naissance)
    }

    /// The file to create from the application (identity traits, entry on `date_entree`).
    pub fn nouvel_usager(&self, date_entree: NaiveDate) -> NouvelUsager {
        let f = &self.fields;
        NouvelUsager {
            identite: IdentiteInput::new(
                f.nom_naissance.clone(),
                f.prenoms.split_whitespace().map(str::to_string).collect(),
                f.date_naissance.to_string(),
                f.sexe.code().to_string(),
            ),
            nir: None,
            date_entree: date_entree.to_string(),
        }
    }
}

/// A change of status, as kept.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangementStatut {
    /// From (none: the recording).
    pub de: Option<StatutCandidature>,
    /// To.
    pub vers: StatutCandidature,
    /// Motive.
    pub motif: Option<String>,
    /// Who (login name).
    pub par: String,
    /// When (stored instant).
    pub at: String,
}

impl CandidatureInput {
    /// The values the INSERT and the UPDATE write, in this order: nom_naissance, prenoms,
    /// date_naissance, sexe, telephone, origine, numero_decision, date_decision,
    /// fin_decision, orientation, priorite, priorite_rang, criteres, pieces, date_reception.
    fn valeurs(&self) -> StoreResult<Vec<Value>> {
        let d = |x: Option<NaiveDate>| Value::from(x.map(|x| x.to_string()));
        Ok(vec![
            self.nom_naissance.as_str().into(),
            self.prenoms.as_str().into(),
            self.date_naissance.to_string().into(),
            self.sexe.code().into(),
            self.telephone.as_deref().into(),
            self.origine.code().into(),
            self.numero_decision.as_deref().into(),
            d(self.date_decision),
            d(self.fin_decision),
            self.orientation.map(|o| o.code()).into(),
            self.priorite.code().into(),
            self.priorite.rang().into(),
            self.criteres.as_deref().into(),
            serde_json::to_string(&self.pieces)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?
                .into(),
            self.date_reception.to_string().into(),
        ])
    }

    /// The maxima and the rules of the fields (checked again here whatever the caller).
    fn borner(&self) -> StoreResult<()> {
        borne([
            (
                l("nom_naissance", lim::NOM_PERSONNE),
                Some(&*self.nom_naissance),
            ),
            (l("prenoms", lim::NOM_PERSONNE), Some(&*self.prenoms)),
            (l("telephone", lim::TELEPHONE), self.telephone.as_deref()),
            (
                l("numero_decision", lim::REFERENCE),
                self.numero_decision.as_deref(),
            ),
            (
                Champ::texte("criteres", lim::COMMENTAIRE),
                self.criteres.as_deref(),
            ),
        ])?;
        for p in &self.pieces {
            borne([(l("libelle", lim::LIBELLE), Some(&*p.libelle))])?;
        }
        let invalid = |m: &str| Err(StoreError::Invalid(m.into()));
        if self.nom_naissance.trim().is_empty() || self.prenoms.trim().is_empty() {
            return invalid("Le nom de naissance et les prénoms du candidat sont obligatoires.");
        }
        if self.etablissements.is_empty() {
            return invalid("Choisissez au moins un établissement.");
        }
        if self.etablissements.len() > CIBLES_MAX || self.pieces.len() > PIECES_MAX {
            return invalid("Trop d'établissements ou de pièces pour une candidature.");
        }
        if self.pieces.iter().any(|p| p.libelle.trim().is_empty()) {
            return invalid("Chaque pièce a un libellé.");
        }
        if let (Some(a), Some(b)) = (self.date_decision, self.fin_decision) {
            if b < a {
                return invalid("La fin de validité de la décision précède la décision.");
            }
        }
        Ok(())
    }
}

/// The columns of an application, the GIR of its file and the ids of its établissements
/// (`c` is `candidature`).
pub(super) const CANDIDATURE_COLUMNS: &str = "c.id, c.usager_id, c.nom_naissance, c.prenoms, c.date_naissance, c.sexe, c.telephone, c.origine, \
     c.numero_decision, c.date_decision, c.fin_decision, c.orientation, c.priorite, c.criteres, c.pieces, c.date_reception, c.statut, c.motif, c.version, \
     (SELECT ev.gir FROM evaluation ev WHERE ev.usager_id = c.usager_id AND ev.grille = 'aggir' AND ev.statut = 'validee' \
      ORDER BY ev.date_evaluation DESC, ev.id DESC LIMIT 1) AS gir";

/// The condition that keeps the applications aimed at one of the account's établissements
/// (`$n` placeholders from `premier`): its SQL and its values.
pub(super) fn perimetre(cap: &CapaciteCandidatures, premier: usize) -> (String, Vec<Value>) {
    let ids = cap.etablissements();
    if ids.is_empty() {
        return ("1 = 0".into(), Vec::new());
    }
    let marks = crate::sql::marqueurs(premier, ids.len());
    (
        format!(
            "EXISTS (SELECT 1 FROM candidature_etablissement cp WHERE cp.candidature_id = c.id AND cp.etablissement_id IN ({}))",
            marks
        ),
        ids.iter().map(|i| Value::from(*i)).collect(),
    )
}

fn date(s: &str, col: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("date {s:?} illisible dans la colonne {col}")))
}

fn opt_date(r: &crate::sql::Row, col: &str) -> StoreResult<Option<NaiveDate>> {
    let s: Option<String> = r.try_get(col)?;
    s.map(|s| date(&s, col)).transpose()
}

/// Decodes a row of [`CANDIDATURE_COLUMNS`] (its établissements are filled by the caller).
pub(super) fn candidature_from(r: &crate::sql::Row) -> StoreResult<Candidature> {
    let pieces: String = r.try_get("pieces")?;
    let naissance: String = r.try_get("date_naissance")?;
    let reception: String = r.try_get("date_reception")?;
    Ok(Candidature {
        id: r.try_get("id")?,
        fields: CandidatureInput {
            etablissements: Vec::new(),
            nom_naissance: r.try_get("nom_naissance")?,
            prenoms: r.try_get("prenoms")?,
            date_naissance: date(&naissance, "date_naissance")?,
            sexe: code(r, "sexe", Sexe::from_code)?,
            telephone: r.try_get("telephone")?,
            origine: code(r, "origine", OrigineCandidature::from_code)?,
            numero_decision: r.try_get("numero_decision")?,
            date_decision: opt_date(r, "date_decision")?,
            fin_decision: opt_date(r, "fin_decision")?,
            orientation: opt_code(r, "orientation", TypeAccompagnement::from_code)?,
            priorite: code(r, "priorite", Priorite::from_code)?,
            criteres: r.try_get("criteres")?,
            pieces: serde_json::from_str(&pieces)
                .map_err(|_| StoreError::Corrupt("pièces illisibles (candidature)".into()))?,
            date_reception: date(&reception, "date_reception")?,
        },
        etablissements_noms: Vec::new(),
        statut: code(r, "statut", StatutCandidature::from_code)?,
        motif: r.try_get("motif")?,
        usager_id: r.try_get("usager_id")?,
        gir: r.try_get("gir")?,
        version: r.try_get("version")?,
    })
}

/// Fills the établissements (ids and names) of `items`, in one query.
pub(super) async fn cibles(
    on: impl Into<crate::sql::On<'_>>,
    items: &mut [Candidature],
) -> StoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let marks = crate::sql::marqueurs(1, items.len());
    let rows = crate::sql::query(&format!(
        "SELECT ce.candidature_id, e.id, e.nom FROM candidature_etablissement ce JOIN etablissement e ON e.id = ce.etablissement_id \
         WHERE ce.candidature_id IN ({}) ORDER BY e.nom, e.id",
        marks
    ))
    .binds(items.iter().map(|c| Value::from(c.id)))
    .fetch_all(on)
    .await?;
    for r in &rows {
        let cid: i64 = r.try_get(0)?;
        if let Some(c) = items.iter_mut().find(|c| c.id == cid) {
            c.fields.etablissements.push(r.try_get(1)?);
            c.etablissements_noms.push(r.try_get(2)?);
        }
    }
    Ok(())
}

/// Application `id` within the scope of `cap` (none otherwise), in a transaction.
pub(super) async fn charger(
    on: impl Into<crate::sql::On<'_>>,
    cap: &CapaciteCandidatures,
    id: i64,
) -> StoreResult<Option<Candidature>> {
    let mut on = on.into();
    let (cond, vals) = perimetre(cap, 2);
    let row = crate::sql::query(&format!(
        "SELECT {CANDIDATURE_COLUMNS} FROM candidature c WHERE c.id = $1 AND {cond}"
    ))
    .bind(id)
    .binds(vals)
    .fetch_optional(on.encore())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let mut v = vec![candidature_from(&row)?];
    cibles(on, &mut v).await?;
    Ok(v.pop())
}

/// Application `id` within the scope of `cap`, still at `version` (`NotFound` outside the
/// scope, `StaleVersion` when changed since).
pub(super) async fn charger_version(
    tx: &mut Tx,
    cap: &CapaciteCandidatures,
    (id, version): (i64, i64),
) -> StoreResult<Candidature> {
    let c = charger(tx, cap, id).await?.ok_or(StoreError::NotFound)?;
    if c.version != version {
        return Err(StoreError::StaleVersion);
    }
    Ok(c)
}

/// The write's transaction, refused before anything is begun to a reading capability.
pub(super) async fn ecriture(store: &Store, cap: &CapaciteCandidatures) -> StoreResult<Tx> {
    if cap.action() != Action::Ecrire {
        return Err(StoreError::Denied(Refus::NonPermisParLeRole));
    }
    store.begin().await
}

/// Audits a change of applications in its transaction and commits both.
pub(super) async fn commit_audite(
    mut tx: Tx,
    cap: &CapaciteCandidatures,
    action: ActionJournal,
    detail: serde_json::Value,
) -> StoreResult<()> {
    let actor = cap.principal().actor();
    let entree = NewEntry::succes(&actor, action, detail, cap.at());
    let section = Some(Section::Administratif.code());
    audit::append(&mut tx, &NewEntry { section, ..entree }).await?;
    tx.commit().await
}

/// Checks the target établissements (they exist, one at least is the account's) and writes
/// them for application `id` (replacing any).
async fn ecrire_cibles(
    tx: &mut Tx,
    cap: &CapaciteCandidatures,
    id: i64,
    cibles: &[i64],
) -> StoreResult<()> {
    if !cibles.iter().any(|e| cap.etablissements().contains(e)) {
        return Err(StoreError::Denied(Refus::HorsPerimetre));
    }
    let mut uniques = cibles.to_vec();
    uniques.sort_unstable();
    uniques.dedup();
    let marks = crate::sql::marqueurs(1, uniques.len());
    let connus: i64 = crate::sql::query(&format!(
        "SELECT COUNT(*) FROM etablissement WHERE actif = 1 AND id IN ({})",
        marks
    ))
    .binds(uniques.iter().map(|e| Value::from(*e)))
    .fetch_scalar(&mut *tx)
    .await?;
    if connus != uniques.len() as i64 {
        return Err(StoreError::Invalid(
            "Un des établissements choisis est inconnu ou fermé.".into(),
        ));
    }
    crate::sql::query("DELETE FROM candidature_etablissement WHERE candidature_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for e in uniques {
        crate::sql::query(
            "INSERT INTO candidature_etablissement (candidature_id, etablissement_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(e)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Records an application (status « reçue »; audited). `dossier`: the file of a person
    /// who already has one (a capability on it proves the account may see it). Its id.
    pub async fn creer_candidature(
        &self,
        cap: &CapaciteCandidatures,
        c: &CandidatureInput,
        dossier: Option<&Capability>,
    ) -> StoreResult<i64> {
        c.borner()?;
        let mut tx = ecriture(self, cap).await?;
        let id: i64 = crate::sql::query(
            "INSERT INTO candidature (nom_naissance, prenoms, date_naissance, sexe, telephone, origine, numero_decision, date_decision, fin_decision, \
             orientation, priorite, priorite_rang, criteres, pieces, date_reception, statut, usager_id, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id",
        )
        .binds(c.valeurs()?)
        .bind(StatutCandidature::Recue.code())
        .bind(dossier.map(|d| d.usager_id().get()))
        .bind(cap.principal().id)
        .bind(ts(cap.at()))
        .fetch_scalar(&mut tx)
        .await?;
        ecrire_cibles(&mut tx, cap, id, &c.etablissements).await?;
        historiser(&mut tx, cap, id, None, StatutCandidature::Recue, None).await?;
        commit_audite(
            tx,
            cap,
            ActionJournal::CandidatureCreation,
            serde_json::json!({"candidature_id": id, "etablissements": c.etablissements,
                "usager_id": dossier.map(|d| d.usager_id().get())}),
        )
        .await?;
        Ok(id)
    }

    /// Application `id` (audited), if it is aimed at one of the account's établissements.
    pub async fn candidature(
        &self,
        cap: &CapaciteCandidatures,
        id: i64,
    ) -> StoreResult<Option<Candidature>> {
        let c = charger(self, cap, id).await?;
        if c.is_some() {
            self.lecture_candidatures(cap, &[id]).await?;
        }
        Ok(c)
    }

    /// Changes an application's fields (optimistic version; audited): the new version.
    pub async fn modifier_candidature(
        &self,
        cap: &CapaciteCandidatures,
        id: i64,
        version: i64,
        c: &CandidatureInput,
    ) -> StoreResult<i64> {
        c.borner()?;
        let mut tx = ecriture(self, cap).await?;
        charger(&mut tx, cap, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        crate::sql::query(
            "UPDATE candidature SET nom_naissance = $1, prenoms = $2, date_naissance = $3, sexe = $4, telephone = $5, origine = $6, \
             numero_decision = $7, date_decision = $8, fin_decision = $9, orientation = $10, priorite = $11, priorite_rang = $12, \
             criteres = $13, pieces = $14, date_reception = $15, version = version + 1, updated_at = $16 WHERE id = $17 AND version = $18",
        )
        .binds(c.valeurs()?)
        .bind(ts(cap.at()))
        .execute_versioned(&mut tx, "candidature", id, version)
        .await?;
        ecrire_cibles(&mut tx, cap, id, &c.etablissements).await?;
        commit_audite(
            tx,
            cap,
            ActionJournal::CandidatureModification,
            serde_json::json!({"candidature_id": id}),
        )
        .await?;
        Ok(version + 1)
    }

    /// One read entry naming the applications shown.
    pub(super) async fn lecture_candidatures(
        &self,
        cap: &CapaciteCandidatures,
        ids: &[i64],
    ) -> StoreResult<()> {
        self.reads
            .log(crate::read_log::ReadEntry {
                actor: cap.principal().actor(),
                action: ActionJournal::CandidatureLecture,
                usager_id: None,
                section: Some(Section::Administratif.code()),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"nombre": ids.len(), "candidatures": ids}).to_string(),
                at: cap.at(),
            })
            .await
    }
}
