//! Vital signs and measures (SOI-1): recorded by the care team (writing the care section),
//! checked against plausible bounds, compared with the thresholds in force for the person
//! (their own, set by a nurse or a doctor validating the care section, else the defaults):
//! the alert raised is stored with the measure. Values are kept in hundredths of their unit.

use chrono::{DateTime, Duration, Utc};
use dui_domain::constantes::{
    alerte, verifier_mesure, verifier_seuils, Alerte, Seuils, TypeMesure,
};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use super::exiger;
use crate::db::Store;
use crate::fiche::{code, opt_code};
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::{ts, StoreError, StoreResult};

/// A value in hundredths of its unit (as stored).
pub fn en_centiemes(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

/// A stored value back in its unit.
pub fn centiemes_en(c: i64) -> f64 {
    c as f64 / 100.0
}

/// A measure to record.
#[derive(Clone, Debug)]
pub struct ConstanteInput {
    /// Kind.
    pub type_mesure: TypeMesure,
    /// Value (systolic for blood pressure).
    pub valeur: f64,
    /// Diastolic, for blood pressure.
    pub valeur2: Option<f64>,
    /// When measured.
    pub mesure_a: DateTime<Utc>,
    /// Comment.
    pub commentaire: Option<String>,
}

/// A recorded measure.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Constante {
    /// Id.
    pub id: i64,
    /// Kind.
    pub type_mesure: TypeMesure,
    /// Value, in `unite`.
    pub valeur: f64,
    /// Diastolic, for blood pressure.
    pub valeur2: Option<f64>,
    /// Unit.
    pub unite: String,
    /// When measured (UTC).
    pub mesure_a: String,
    /// Comment.
    pub commentaire: Option<String>,
    /// The alert it raised, if any.
    pub alerte: Option<Alerte>,
    /// Who recorded it.
    pub par: Option<String>,
}

impl Constante {
    /// The value as shown (`38,6 °C`).
    pub fn affichage(&self) -> String {
        self.type_mesure.afficher(self.valeur, self.valeur2)
    }
}

/// The thresholds in force for a measure of a person.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SeuilsMesure {
    /// The measure.
    pub type_mesure: TypeMesure,
    /// Unit.
    pub unite: String,
    /// Low threshold in force.
    pub bas: Option<f64>,
    /// High threshold in force.
    pub haut: Option<f64>,
    /// The person's own (false: the defaults).
    pub personnalises: bool,
    /// Version of the person's own thresholds (0: none yet).
    pub version: i64,
}

const COLONNES: &str = "c.id, c.type_mesure, c.valeur, c.valeur2, c.mesure_a, c.commentaire, c.alerte, u.prenom, u.nom";
const DE: &str = "FROM constante c LEFT JOIN utilisateur u ON u.id = c.par";

fn constante_from(r: &crate::sql::Row) -> StoreResult<Constante> {
    let t = code(r, "type_mesure", TypeMesure::from_code)?;
    let prenom: Option<String> = r.try_get("prenom")?;
    let nom: Option<String> = r.try_get("nom")?;
    Ok(Constante {
        id: r.try_get("id")?,
        type_mesure: t,
        valeur: centiemes_en(r.try_get("valeur")?),
        valeur2: r.try_get::<Option<i64>, _>("valeur2")?.map(centiemes_en),
        unite: t.unite().to_string(),
        mesure_a: r.try_get("mesure_a")?,
        commentaire: r.try_get("commentaire")?,
        alerte: opt_code(r, "alerte", Alerte::from_code)?,
        par: prenom.zip(nom).map(|(p, n)| format!("{p} {n}")),
    })
}

fn centiemes_opt(v: Option<f64>) -> Option<i64> {
    v.map(en_centiemes)
}

impl SeuilsMesure {
    /// The thresholds in force.
    pub fn seuils(&self) -> Seuils {
        Seuils {
            bas: self.bas,
            haut: self.haut,
        }
    }

    fn de(t: TypeMesure, s: Seuils, version: i64) -> SeuilsMesure {
        SeuilsMesure {
            type_mesure: t,
            unite: t.unite().into(),
            bas: s.bas,
            haut: s.haut,
            personnalises: version > 0,
            version,
        }
    }
}

fn seuils_from(r: &crate::sql::Row) -> StoreResult<Seuils> {
    Ok(Seuils {
        bas: r.try_get::<Option<i64>, _>("bas")?.map(centiemes_en),
        haut: r.try_get::<Option<i64>, _>("haut")?.map(centiemes_en),
    })
}

impl Store {
    /// Records a measure (writing the care section; audited): its id and the alert raised
    /// against the thresholds in force, if any.
    pub async fn ajouter_constante(
        &self,
        cap: &Capability,
        c: &ConstanteInput,
    ) -> StoreResult<(i64, Option<Alerte>)> {
        borne([(l("commentaire", lim::LIBELLE), c.commentaire.as_deref())])?;
        verifier_mesure(c.type_mesure, c.valeur, c.valeur2).map_err(StoreError::Invalid)?;
        if c.mesure_a > cap.at() + Duration::minutes(5) {
            return Err(StoreError::Invalid(
                "Une mesure ne peut pas être datée dans le futur.".into(),
            ));
        }
        let mut tx = self.ecriture(cap, Section::Soins, Action::Ecrire).await?;
        let seuils = seuils_de(&mut tx, cap, c.type_mesure).await?.0;
        let a = alerte(&seuils, c.valeur);
        let q = crate::sql::query(
            "INSERT INTO constante (usager_id, type_mesure, valeur, valeur2, mesure_a, commentaire, alerte, par, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(c.type_mesure.code())
        .bind(en_centiemes(c.valeur))
        .bind(centiemes_opt(c.valeur2))
        .bind(ts(c.mesure_a))
        .bind(c.commentaire.as_deref())
        .bind(a.map(Alerte::code));
        let detail = |id| serde_json::json!({"id": id, "type_mesure": c.type_mesure, "alerte": a});
        let id = cap
            .ajout_audite(tx, q, ActionJournal::UsagerConstanteAjout, detail)
            .await?;
        Ok((id, a))
    }

    /// The measures of a kind over `[debut, fin)`, oldest first (a chart).
    pub async fn constantes_periode(
        &self,
        cap: &Capability,
        t: TypeMesure,
        debut: DateTime<Utc>,
        fin: DateTime<Utc>,
    ) -> StoreResult<Vec<Constante>> {
        exiger(cap, Section::Soins, Action::Lire)?;
        crate::sql::query(&format!(
            "SELECT {COLONNES} {DE} WHERE c.usager_id = $1 AND c.type_mesure = $2 AND c.mesure_a >= $3 AND c.mesure_a < $4 ORDER BY c.mesure_a, c.id"
        ))
        .bind(cap.usager_id())
        .bind(t.code())
        .bind(ts(debut))
        .bind(ts(fin))
        .fetch_all_with(self, constante_from)
        .await
    }

    /// A page of the measures of the file, latest first.
    pub async fn constantes_page(
        &self,
        cap: &Capability,
        page: Page,
    ) -> StoreResult<Vec<Constante>> {
        exiger(cap, Section::Soins, Action::Lire)?;
        let rows = self
            .keyset_du_dossier(
                &format!("SELECT {COLONNES} {DE} WHERE c.usager_id = $1"),
                cap.usager_id(),
                Tri {
                    cols: "c.mesure_a, c.id",
                    table: "constante c",
                    id: "c.id",
                    ordre: Ordre::Decroissant,
                },
                page,
            )
            .await?;
        rows.iter().map(constante_from).collect()
    }

    /// The latest measure of each kind (the emergency liaison file, the file's page), in
    /// the order of `TypeMesure::ALL`: one statement (a window over the person's measures).
    pub async fn dernieres_constantes(&self, cap: &Capability) -> StoreResult<Vec<Constante>> {
        exiger(cap, Section::Soins, Action::Lire)?;
        let rows = crate::sql::query(&format!(
            "SELECT {COLONNES} FROM (SELECT c.*, ROW_NUMBER() OVER \
             (PARTITION BY c.type_mesure ORDER BY c.mesure_a DESC, c.id DESC) AS rang \
             FROM constante c WHERE c.usager_id = $1) c \
             LEFT JOIN utilisateur u ON u.id = c.par WHERE c.rang = 1"
        ))
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?;
        let mut v = rows
            .iter()
            .map(constante_from)
            .collect::<StoreResult<Vec<_>>>()?;
        v.sort_by_key(|c| TypeMesure::ALL.iter().position(|t| *t == c.type_mesure));
        Ok(v)
    }

    /// The vital-sign alerts in force (the file's header): the latest measure of each kind
    /// when it crossed a threshold and was taken since `depuis` (a later measure back within
    /// the thresholds ends the alert).
    pub async fn alertes_constantes_en_cours(
        &self,
        cap: &Capability,
        depuis: DateTime<Utc>,
    ) -> StoreResult<Vec<Constante>> {
        let depuis = ts(depuis);
        let mut v = self.dernieres_constantes(cap).await?;
        v.retain(|c| c.alerte.is_some() && c.mesure_a >= depuis);
        Ok(v)
    }

    /// The measures that raised an alert since `depuis`, latest first.
    pub async fn alertes_constantes(
        &self,
        cap: &Capability,
        depuis: DateTime<Utc>,
    ) -> StoreResult<Vec<Constante>> {
        exiger(cap, Section::Soins, Action::Lire)?;
        crate::sql::query(&format!(
            "SELECT {COLONNES} {DE} WHERE c.usager_id = $1 AND c.alerte IS NOT NULL AND c.mesure_a >= $2 ORDER BY c.mesure_a DESC, c.id DESC"
        ))
        .bind(cap.usager_id())
        .bind(ts(depuis))
        .fetch_all_with(self, constante_from)
        .await
    }

    /// The thresholds in force for each measure of the person.
    pub async fn seuils_constantes(&self, cap: &Capability) -> StoreResult<Vec<SeuilsMesure>> {
        exiger(cap, Section::Soins, Action::Lire)?;
        let rows = crate::sql::query(
            "SELECT type_mesure, bas, haut, version FROM seuil_constante WHERE usager_id = $1",
        )
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?;
        let mut v = Vec::new();
        for t in TypeMesure::ALL {
            let propre = rows.iter().find(|r| {
                r.try_get::<String, _>("type_mesure")
                    .is_ok_and(|c| c == t.code())
            });
            v.push(match propre {
                Some(r) => SeuilsMesure::de(*t, seuils_from(r)?, r.try_get("version")?),
                None => SeuilsMesure::de(*t, t.seuils_defaut(), 0),
            });
        }
        Ok(v)
    }

    /// Sets the person's own thresholds of a measure (validating the care section: nurses,
    /// doctors; audited) with the version read (0: none yet; 409 when another came first);
    /// `None`: back to the defaults. The new version.
    pub async fn modifier_seuils(
        &self,
        cap: &Capability,
        t: TypeMesure,
        seuils: Option<Seuils>,
        version: i64,
    ) -> StoreResult<i64> {
        if let Some(s) = &seuils {
            verifier_seuils(t, s).map_err(StoreError::Invalid)?;
        }
        let mut tx = self.ecriture(cap, Section::Soins, Action::Valider).await?;
        let (_, actuelle) = seuils_de(&mut tx, cap, t).await?;
        if actuelle != version {
            return Err(StoreError::StaleVersion);
        }
        let nouvelle = match seuils {
            None => {
                crate::sql::query(
                    "DELETE FROM seuil_constante WHERE usager_id = $1 AND type_mesure = $2",
                )
                .bind(cap.usager_id())
                .bind(t.code())
                .execute(&mut tx)
                .await?;
                0
            }
            Some(s) if actuelle == 0 => {
                crate::sql::query(
                    "INSERT INTO seuil_constante (usager_id, type_mesure, bas, haut, par, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(cap.usager_id())
                .bind(t.code())
                .bind(centiemes_opt(s.bas))
                .bind(centiemes_opt(s.haut))
                .bind(cap.actor().utilisateur_id)
                .bind(ts(cap.at()))
                .execute(&mut tx)
                .await?;
                1
            }
            Some(s) => {
                crate::sql::query(
                    "UPDATE seuil_constante SET bas = $1, haut = $2, par = $3, updated_at = $4, version = version + 1 \
                     WHERE usager_id = $5 AND type_mesure = $6",
                )
                .bind(centiemes_opt(s.bas))
                .bind(centiemes_opt(s.haut))
                .bind(cap.actor().utilisateur_id)
                .bind(ts(cap.at()))
                .bind(cap.usager_id())
                .bind(t.code())
                .execute(&mut tx)
                .await?;
                actuelle + 1
            }
        };
        cap.commit_audite(
            tx,
            ActionJournal::UsagerConstanteSeuils,
            serde_json::json!({"type_mesure": t, "personnalises": seuils.is_some()}),
        )
        .await?;
        Ok(nouvelle)
    }
}

/// The thresholds in force for `t` and the version of the person's own (0: the defaults).
async fn seuils_de(
    tx: &mut crate::sql::Tx,
    cap: &Capability,
    t: TypeMesure,
) -> StoreResult<(Seuils, i64)> {
    let r = crate::sql::query(
        "SELECT bas, haut, version FROM seuil_constante WHERE usager_id = $1 AND type_mesure = $2",
    )
    .bind(cap.usager_id())
    .bind(t.code())
    .fetch_optional(&mut *tx)
    .await?;
    Ok(match r {
        Some(r) => (seuils_from(&r)?, r.try_get("version")?),
        None => (t.seuils_defaut(), 0),
    })
}
