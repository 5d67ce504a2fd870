//! Social benefits (GA-3): the rights of the person (APA, PCH, AAH, ASH, MDPH orientation…)
//! with payer, reference, amount and validity, versioned (409 on a stale change) with the
//! previous states kept; the alert delay per kind set by the administrator.

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::prestation::{verifier_delai, verifier_periode, TypePrestation};
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use super::exiger;
use crate::audit::{self, Actor};
use crate::db::Store;
use crate::fiche::code;
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::sql::Value;
use crate::stored::Stored;
use crate::{ts, StoreError, StoreResult};

/// A benefit of the person.
pub type Prestation = Stored<PrestationInput>;

/// The fields of a benefit, typed by the caller.
#[derive(Clone, Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PrestationInput {
    /// Kind (its code).
    pub type_prestation: TypePrestation,
    /// Who pays or decides (conseil départemental, CAF, MDPH…).
    pub payeur: Option<String>,
    /// Decision or file number.
    pub reference: Option<String>,
    /// Amount in cents (monthly or as decided), if known.
    pub montant_centimes: Option<i64>,
    /// First valid day.
    #[schema(value_type = String, format = Date)]
    pub date_debut: NaiveDate,
    /// Last valid day (none: without end).
    #[schema(value_type = Option<String>, format = Date)]
    pub date_fin: Option<NaiveDate>,
    /// Notes (renewal filed on…, conditions).
    pub notes: Option<String>,
}

/// A previous state of a benefit, kept by each change.
#[derive(Clone, Debug, Serialize)]
pub struct EtatAnterieur {
    /// The version it was.
    pub version: i64,
    /// Its fields then.
    pub fields: PrestationInput,
    /// Who changed it (account name), if known.
    pub modifie_par: Option<String>,
    /// When (stored timestamp).
    pub modifie_at: String,
}

/// A complete date of a column (`AAAA-MM-JJ`).
pub(super) fn jour_col(r: &crate::sql::Row, col: &str) -> StoreResult<NaiveDate> {
    let s: String = r.try_get(col)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("date {s:?} illisible dans la colonne {col}")))
}

/// As [`jour_col`], for a nullable column.
pub(super) fn opt_jour_col(r: &crate::sql::Row, col: &str) -> StoreResult<Option<NaiveDate>> {
    let s: Option<String> = r.try_get(col)?;
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|_| StoreError::Corrupt(format!("date {s:?} illisible dans la colonne {col}")))
    })
    .transpose()
}

const COLONNES: &str = "id, type_prestation, payeur, reference, montant_centimes, date_debut, date_fin, notes, version";

fn prestation_from(r: &crate::sql::Row) -> StoreResult<Prestation> {
    Ok(Prestation {
        id: r.try_get("id")?,
        fields: PrestationInput {
            type_prestation: code(r, "type_prestation", TypePrestation::from_code)?,
            payeur: r.try_get("payeur")?,
            reference: r.try_get("reference")?,
            montant_centimes: r.try_get("montant_centimes")?,
            date_debut: jour_col(r, "date_debut")?,
            date_fin: opt_jour_col(r, "date_fin")?,
            notes: r.try_get("notes")?,
        },
        version: r.try_get("version")?,
    })
}

impl PrestationInput {
    /// The maxima and the rules (dates in order, no negative amount), checked before every
    /// write.
    pub(super) fn verifier(&self) -> StoreResult<()> {
        borne([
            (l("payeur", lim::NOM_STRUCTURE), self.payeur.as_deref()),
            (l("reference", lim::REFERENCE), self.reference.as_deref()),
            (
                dui_domain::saisie::Champ::texte("notes", lim::COMMENTAIRE),
                self.notes.as_deref(),
            ),
        ])?;
        if self.montant_centimes.is_some_and(|m| m < 0) {
            return Err(StoreError::Invalid(
                "Le montant ne peut être négatif.".into(),
            ));
        }
        verifier_periode(self.date_debut, self.date_fin).map_err(|m| StoreError::Invalid(m.into()))
    }

    /// The values the INSERT and the UPDATE write, in this order: type_prestation, payeur,
    /// reference, montant_centimes, date_debut, date_fin, notes.
    pub(super) fn valeurs(&self) -> Vec<Value> {
        vec![
            self.type_prestation.code().into(),
            self.payeur.as_deref().into(),
            self.reference.as_deref().into(),
            self.montant_centimes.into(),
            self.date_debut.to_string().into(),
            self.date_fin.map(|d| d.to_string()).into(),
            self.notes.as_deref().into(),
        ]
    }
}

impl Store {
    /// The benefits of the file, the latest ending last (no end: last of all).
    pub async fn prestations(&self, cap: &Capability) -> StoreResult<Vec<Prestation>> {
        self.prestations_page(cap, crate::page::Page::TOUT).await
    }

    /// A page of the benefits of the file, by id.
    pub async fn prestations_page(
        &self,
        cap: &Capability,
        page: crate::page::Page,
    ) -> StoreResult<Vec<Prestation>> {
        let rows = self
            .page_par_id(cap, Section::Administratif, ("prestation", COLONNES), page)
            .await?;
        rows.iter().map(prestation_from).collect()
    }

    /// One benefit of the file.
    pub async fn prestation(&self, cap: &Capability, id: i64) -> StoreResult<Option<Prestation>> {
        let select = format!("SELECT {COLONNES} FROM prestation WHERE id = $1 AND usager_id = $2");
        self.ligne_du_dossier(cap, Section::Administratif, &select, id, prestation_from)
            .await
    }

    /// Records a benefit (audited): its id.
    pub async fn ajouter_prestation(
        &self,
        cap: &Capability,
        p: &PrestationInput,
    ) -> StoreResult<i64> {
        p.verifier()?;
        let tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let q = crate::sql::query(
            "INSERT INTO prestation (usager_id, type_prestation, payeur, reference, montant_centimes, date_debut, date_fin, notes, \
             created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(cap.usager_id())
        .binds(p.valeurs());
        cap.ajout_audite(
            tx,
            q,
            ActionJournal::UsagerPrestationAjout,
            |id| serde_json::json!({"prestation_id": id}),
        )
        .await
    }

    /// Changes a benefit with optimistic concurrency, its previous state kept (audited): the
    /// new version.
    pub async fn modifier_prestation(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        p: &PrestationInput,
    ) -> StoreResult<i64> {
        p.verifier()?;
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let avant = crate::sql::query(&format!(
            "SELECT {COLONNES} FROM prestation WHERE id = $1 AND usager_id = $2"
        ))
        .bind(id)
        .bind(cap.usager_id())
        .fetch_one_with(&mut tx, prestation_from)
        .await?;
        if avant.version != version {
            return Err(StoreError::StaleVersion);
        }
        crate::sql::query(
            "INSERT INTO prestation_historique (prestation_id, usager_id, version, contenu, modifie_par, modifie_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(cap.usager_id())
        .bind(version)
        .bind(serde_json::to_string(&avant.fields).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(cap.actor().utilisateur_id)
        .bind(ts(cap.at()))
        .execute(&mut tx)
        .await?;
        let q = crate::sql::query(
            "UPDATE prestation SET type_prestation = $1, payeur = $2, reference = $3, montant_centimes = $4, date_debut = $5, date_fin = $6, \
             notes = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
        )
        .binds(p.valeurs())
        .bind(ts(cap.at()));
        cap.modification_auditee(
            tx,
            q,
            ("prestation", id, version),
            ActionJournal::UsagerPrestationModification,
            serde_json::json!({"prestation_id": id}),
        )
        .await
    }

    /// The previous states of a benefit of the file, newest first.
    pub async fn historique_prestation(
        &self,
        cap: &Capability,
        id: i64,
    ) -> StoreResult<Vec<EtatAnterieur>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let rows = crate::sql::query(
            "SELECT h.version, h.contenu, h.modifie_at, u.username FROM prestation_historique h \
             LEFT JOIN utilisateur u ON u.id = h.modifie_par WHERE h.prestation_id = $1 AND h.usager_id = $2 ORDER BY h.id DESC",
        )
        .bind(id)
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?;
        rows.iter()
            .map(|r| {
                let contenu: String = r.try_get("contenu")?;
                Ok(EtatAnterieur {
                    version: r.try_get("version")?,
                    fields: serde_json::from_str(&contenu).map_err(|e| {
                        StoreError::Corrupt(format!("historique de prestation illisible : {e}"))
                    })?,
                    modifie_par: r.try_get("username")?,
                    modifie_at: r.try_get("modifie_at")?,
                })
            })
            .collect()
    }

    /// The alert delay of every kind of benefit: the administrator's, else the default.
    pub async fn delais_prestations(&self) -> StoreResult<Vec<(TypePrestation, i64)>> {
        let rows = crate::sql::query("SELECT type_prestation, jours FROM prestation_delai")
            .fetch_all(self)
            .await?;
        let mut fixes = Vec::new();
        for r in &rows {
            let t: String = r.try_get(0)?;
            // A kind this version does not know (written by a later one) is ignored.
            if let Some(t) = TypePrestation::from_code(&t) {
                fixes.push((t, r.try_get::<i64, _>(1)?));
            }
        }
        Ok(TypePrestation::ALL
            .iter()
            .map(|t| {
                let n = fixes
                    .iter()
                    .find(|(f, _)| f == t)
                    .map_or(t.delai_alerte_defaut(), |(_, n)| *n);
                (*t, n)
            })
            .collect())
    }

    /// Sets the alert delay of a kind of benefit (the administrator; no person data; audited).
    pub async fn fixer_delai_prestation(
        &self,
        actor: &Actor,
        t: TypePrestation,
        jours: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let jours = verifier_delai(jours).map_err(StoreError::Invalid)?;
        let mut tx = self.begin().await?;
        crate::sql::query(
            "INSERT INTO prestation_delai (type_prestation, jours, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (type_prestation) DO UPDATE SET jours = excluded.jours, updated_at = excluded.updated_at",
        )
        .bind(t.code())
        .bind(jours)
        .bind(ts(now))
        .execute(&mut tx)
        .await?;
        let detail = serde_json::json!({"type_prestation": t.code(), "jours": jours});
        audit::commit_succes(tx, actor, ActionJournal::AdminPrestationDelai, detail, now).await
    }
}
