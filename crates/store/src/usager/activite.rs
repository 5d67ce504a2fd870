//! Activities (issue 13, COO-1): an établissement's individual and group activities, their
//! animators and their validity, read and organised with the établissement's capability
//! ([`CapaciteActivites`]); sessions, registrations and attendance are in
//! `activite_seance`, a person's participation history in `activite_historique`.

use chrono::NaiveDate;
use dui_domain::activite::{verifier_nouvelle_capacite, verifier_validite, Modalite, TypeActivite};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::saisie::{self as lim, Champ};
use serde::{Deserialize, Serialize};

use crate::db::Store;
use crate::fiche::code;
use crate::page::{Ordre, Page, Tri};
use crate::policy::CapaciteActivites;
use crate::saisie::{borne, l};
use crate::sql::{Row, Tx, Value};
use crate::{ts, StoreError, StoreResult};

/// The most animators of an activity or a session.
pub const ANIMATEURS_MAX: usize = 20;

/// An activity as typed (created or changed).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActiviteInput {
    /// Unit (none: the whole établissement).
    pub unite_id: Option<i64>,
    /// Kind.
    pub type_activite: TypeActivite,
    /// Individual or group.
    pub modalite: Modalite,
    /// Title.
    pub titre: String,
    /// Description.
    pub description: Option<String>,
    /// Usual place.
    pub lieu: Option<String>,
    /// Places (none: no limit).
    pub capacite: Option<i64>,
    /// Start of validity.
    #[schema(value_type = String, format = Date)]
    pub debut: NaiveDate,
    /// End of validity (none: open).
    #[schema(value_type = Option<String>, format = Date)]
    pub fin: Option<NaiveDate>,
    /// Running (false: closed, no new session nor registration).
    pub active: bool,
    /// The animators' accounts (staff of the établissement).
    pub animateurs: Vec<i64>,
}

/// The text fields of an activity.
pub const CHAMPS_ACTIVITE: &[Champ] = &[
    Champ::ligne("titre", lim::LIBELLE),
    Champ::texte("description", lim::COMMENTAIRE),
    Champ::ligne("lieu", lim::LIBELLE),
];

/// An activity as stored.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Activite {
    /// Id.
    pub id: i64,
    /// Version (send it back with a change: 409 if another came first).
    pub version: i64,
    /// Établissement.
    pub etablissement_id: i64,
    /// Its fields.
    #[serde(flatten)]
    pub champs: ActiviteInput,
    /// The animators' names, in the order of `animateurs`.
    pub noms_animateurs: Vec<String>,
    /// Registrations running today (Paris).
    pub inscrits: i64,
}

const COLONNES: &str =
    "a.id, a.version, a.etablissement_id, a.unite_id, a.type_activite, a.modalite, a.titre, \
     a.description, a.lieu, a.capacite, a.debut, a.fin, a.active";

pub(crate) fn date_col(r: &Row, col: &str) -> StoreResult<NaiveDate> {
    let s: String = r.try_get(col)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(col.into()))
}

pub(crate) fn opt_date(r: &Row, col: &str) -> StoreResult<Option<NaiveDate>> {
    let s: Option<String> = r.try_get(col)?;
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(col.into()))
    })
    .transpose()
}

fn activite_from(r: &Row) -> StoreResult<Activite> {
    let active: i64 = r.try_get("active")?;
    Ok(Activite {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        etablissement_id: r.try_get("etablissement_id")?,
        champs: ActiviteInput {
            unite_id: r.try_get("unite_id")?,
            type_activite: code(r, "type_activite", TypeActivite::from_code)?,
            modalite: code(r, "modalite", Modalite::from_code)?,
            titre: r.try_get("titre")?,
            description: r.try_get("description")?,
            lieu: r.try_get("lieu")?,
            capacite: r.try_get("capacite")?,
            debut: date_col(r, "debut")?,
            fin: opt_date(r, "fin")?,
            active: active != 0,
            animateurs: Vec::new(),
        },
        noms_animateurs: Vec::new(),
        inscrits: 0,
    })
}

impl ActiviteInput {
    fn borner(&self) -> StoreResult<()> {
        borne([
            (l("titre", lim::LIBELLE), Some(self.titre.as_str())),
            (
                Champ::texte("description", lim::COMMENTAIRE),
                self.description.as_deref(),
            ),
            (l("lieu", lim::LIBELLE), self.lieu.as_deref()),
        ])?;
        if self.titre.trim().is_empty() {
            return Err(StoreError::Invalid(
                "Le titre de l'activité est obligatoire.".into(),
            ));
        }
        verifier_validite(self.debut, self.fin).map_err(|m| StoreError::Invalid(m.into()))?;
        if self.animateurs.len() > ANIMATEURS_MAX {
            return Err(StoreError::Invalid(format!(
                "Une activité a au plus {ANIMATEURS_MAX} animateurs."
            )));
        }
        Ok(())
    }

    /// The values of `unite_id` … `active`, in the order of the table's columns.
    fn valeurs(&self) -> Vec<Value> {
        vec![
            self.unite_id.into(),
            self.type_activite.code().into(),
            self.modalite.code().into(),
            self.titre.trim().into(),
            self.description.clone().into(),
            self.lieu.clone().into(),
            self.capacite.into(),
            self.debut.to_string().into(),
            self.fin.map(|f| f.to_string()).into(),
            i64::from(self.active).into(),
        ]
    }
}

/// Checks that the unit and the animators belong to the établissement.
async fn verifier_rattachements(
    tx: &mut Tx,
    etablissement: i64,
    a: &ActiviteInput,
) -> StoreResult<()> {
    if let Some(u) = a.unite_id {
        let n: i64 =
            crate::sql::query("SELECT COUNT(*) FROM unite WHERE id = $1 AND etablissement_id = $2")
                .bind(u)
                .bind(etablissement)
                .fetch_scalar(&mut *tx)
                .await?;
        if n == 0 {
            return Err(StoreError::Invalid(
                "L'unité n'appartient pas à cet établissement.".into(),
            ));
        }
    }
    for id in &a.animateurs {
        let n: i64 = crate::sql::query(
            "SELECT COUNT(*) FROM utilisateur_etablissement ue JOIN utilisateur u ON u.id = ue.utilisateur_id \
             WHERE ue.utilisateur_id = $1 AND ue.etablissement_id = $2 AND u.actif = 1 AND u.role <> 'administrateur'",
        )
        .bind(*id)
        .bind(etablissement)
        .fetch_scalar(&mut *tx)
        .await?;
        if n == 0 {
            return Err(StoreError::Invalid(format!(
                "Le compte {id} n'est pas un professionnel actif de l'établissement : il ne peut pas animer l'activité."
            )));
        }
    }
    Ok(())
}

async fn ecrire_animateurs(tx: &mut Tx, activite: i64, ids: &[i64]) -> StoreResult<()> {
    crate::sql::query("DELETE FROM activite_animateur WHERE activite_id = $1")
        .bind(activite)
        .execute(&mut *tx)
        .await?;
    let mut vus = Vec::new();
    for id in ids {
        if vus.contains(id) {
            continue;
        }
        vus.push(*id);
        crate::sql::query(
            "INSERT INTO activite_animateur (activite_id, utilisateur_id) VALUES ($1, $2)",
        )
        .bind(activite)
        .bind(*id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Appends the audit entry of a change of the activities of `cap`'s établissement.
pub(crate) async fn auditer(
    tx: &mut Tx,
    cap: &CapaciteActivites,
    action: ActionJournal,
    detail: serde_json::Value,
) -> StoreResult<()> {
    cap.journal_saisie(tx, (Section::Accompagnement, action), detail)
        .await
}

/// Row `id` of `cap`'s établissement read by `sql` (`$1` the id, `$2` the établissement);
/// `NotFound` when there is none.
pub(crate) async fn ligne_etablissement(
    on: impl Into<crate::sql::On<'_>>,
    sql: &str,
    cap: &CapaciteActivites,
    id: i64,
) -> StoreResult<Row> {
    crate::sql::query(sql)
        .bind(id)
        .bind(cap.etablissement_id())
        .fetch_optional(on)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Activity `id` of `cap`'s établissement (without its animators and registrations).
async fn activite_on(
    on: impl Into<crate::sql::On<'_>>,
    cap: &CapaciteActivites,
    id: i64,
) -> StoreResult<Activite> {
    let sql =
        format!("SELECT {COLONNES} FROM activite a WHERE a.id = $1 AND a.etablissement_id = $2");
    activite_from(&ligne_etablissement(on, &sql, cap, id).await?)
}

/// Refused unless `cap` organises (writes).
pub(crate) fn organise(cap: &CapaciteActivites) -> StoreResult<()> {
    if cap.action() == Action::Lire {
        return Err(StoreError::Denied(Refus::NonPermisParLeRole));
    }
    Ok(())
}

/// The Paris day of `cap`'s time.
pub(crate) fn aujourd_hui(cap: &CapaciteActivites) -> NaiveDate {
    dui_domain::agenda_recurrence::local_paris(cap.at()).date()
}

impl Store {
    /// Creates an activity of `cap`'s établissement (audited): its id.
    pub async fn creer_activite(
        &self,
        cap: &CapaciteActivites,
        a: &ActiviteInput,
    ) -> StoreResult<i64> {
        organise(cap)?;
        a.borner()?;
        verifier_nouvelle_capacite(a.capacite, 0).map_err(StoreError::Invalid)?;
        let mut tx = self.begin().await?;
        verifier_rattachements(&mut tx, cap.etablissement_id(), a).await?;
        let at = ts(cap.at());
        let id: i64 = crate::sql::query(
            "INSERT INTO activite (etablissement_id, unite_id, type_activite, modalite, titre, description, lieu, capacite, \
             debut, fin, active, cree_par, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(cap.etablissement_id())
        .binds(a.valeurs())
        .bind(cap.principal().id)
        .bind(at)
        .fetch_scalar(&mut tx)
        .await?;
        ecrire_animateurs(&mut tx, id, &a.animateurs).await?;
        auditer(
            &mut tx,
            cap,
            ActionJournal::ActiviteCreation,
            serde_json::json!({"etablissement_id": cap.etablissement_id(), "activite_id": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes activity `id` read at `version` (409 otherwise): the new version.
    pub async fn modifier_activite(
        &self,
        cap: &CapaciteActivites,
        id: i64,
        version: i64,
        a: &ActiviteInput,
    ) -> StoreResult<i64> {
        organise(cap)?;
        a.borner()?;
        let mut tx = self.begin().await?;
        let avant = self.activite_tx(&mut tx, cap, id).await?;
        if avant.version != version {
            return Err(StoreError::StaleVersion);
        }
        let actives =
            super::activite_inscription::inscriptions_actives(&mut tx, id, aujourd_hui(cap), None)
                .await?;
        verifier_nouvelle_capacite(a.capacite, actives).map_err(StoreError::Invalid)?;
        verifier_rattachements(&mut tx, cap.etablissement_id(), a).await?;
        ecrire_animateurs(&mut tx, id, &a.animateurs).await?;
        let q = crate::sql::query(
            "UPDATE activite SET unite_id = $1, type_activite = $2, modalite = $3, titre = $4, description = $5, lieu = $6, \
             capacite = $7, debut = $8, fin = $9, active = $10, updated_at = $11, version = version + 1 \
             WHERE id = $12 AND version = $13",
        )
        .binds(a.valeurs())
        .bind(ts(cap.at()));
        let detail =
            serde_json::json!({"etablissement_id": cap.etablissement_id(), "activite_id": id});
        let quoi = (Section::Accompagnement, ActionJournal::ActiviteModification);
        cap.modification_auditee(tx, (q, "activite", id, version), quoi, detail)
            .await
    }

    pub(crate) async fn activite_tx(
        &self,
        tx: &mut Tx,
        cap: &CapaciteActivites,
        id: i64,
    ) -> StoreResult<Activite> {
        activite_on(tx, cap, id).await
    }

    /// The établissement of activity `id` (to decide the capability); `NotFound` if none.
    pub async fn etablissement_activite(&self, id: i64) -> StoreResult<i64> {
        self.etablissement_de("SELECT etablissement_id FROM activite WHERE id = $1", id)
            .await
    }

    /// The établissement `sql` reads for row `id` (`$1`); `NotFound` if none.
    pub(crate) async fn etablissement_de(&self, sql: &str, id: i64) -> StoreResult<i64> {
        crate::sql::query(sql)
            .bind(id)
            .fetch_optional(self)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get(0)
    }

    /// Activity `id` of `cap`'s établissement, with its animators and running registrations.
    pub async fn activite(&self, cap: &CapaciteActivites, id: i64) -> StoreResult<Activite> {
        let mut v = vec![activite_on(self, cap, id).await?];
        self.completer_activites(cap, &mut v).await?;
        Ok(v.remove(0))
    }

    async fn completer_activites(
        &self,
        cap: &CapaciteActivites,
        v: &mut [Activite],
    ) -> StoreResult<()> {
        let jour = aujourd_hui(cap).to_string();
        for a in v.iter_mut() {
            let rows = crate::sql::query(
                "SELECT u.id, u.prenom, u.nom FROM activite_animateur aa JOIN utilisateur u ON u.id = aa.utilisateur_id \
                 WHERE aa.activite_id = $1 ORDER BY u.nom, u.prenom, u.id",
            )
            .bind(a.id)
            .fetch_all(self)
            .await?;
            for r in &rows {
                let (p, n): (String, String) = (r.try_get("prenom")?, r.try_get("nom")?);
                a.champs.animateurs.push(r.try_get("id")?);
                a.noms_animateurs.push(format!("{p} {n}"));
            }
            a.inscrits = crate::sql::query(
                "SELECT COUNT(*) FROM activite_inscription WHERE activite_id = $1 AND debut <= $2 AND (fin IS NULL OR fin >= $2)",
            )
            .bind(a.id)
            .bind(jour.as_str())
            .fetch_scalar(self)
            .await?;
        }
        Ok(())
    }

    /// A page of the activities of `cap`'s établissement (running ones first when
    /// `actives` is set, only them), by title.
    pub async fn activites_page(
        &self,
        cap: &CapaciteActivites,
        type_activite: Option<TypeActivite>,
        actives_seules: bool,
        page: Page,
    ) -> StoreResult<Vec<Activite>> {
        let mut sql = format!("SELECT {COLONNES} FROM activite a WHERE a.etablissement_id = $1");
        let mut args: Vec<crate::sql::Value> = vec![cap.etablissement_id().into()];
        if let Some(t) = type_activite {
            args.push(t.code().into());
            sql.push_str(&format!(" AND a.type_activite = ${}", args.len()));
        }
        if actives_seules {
            sql.push_str(" AND a.active = 1");
        }
        let rows = self
            .keyset(
                &sql,
                args,
                Tri::cle("activite a", "a.id", Ordre::Croissant),
                page,
            )
            .await?;
        let mut v = rows
            .iter()
            .map(activite_from)
            .collect::<StoreResult<Vec<_>>>()?;
        self.completer_activites(cap, &mut v).await?;
        Ok(v)
    }

    /// The active professionals of `cap`'s établissement who may animate: (id, name).
    pub async fn animateurs_possibles(
        &self,
        cap: &CapaciteActivites,
    ) -> StoreResult<Vec<(i64, String)>> {
        crate::sql::query(
            "SELECT u.id, u.prenom, u.nom FROM utilisateur_etablissement ue JOIN utilisateur u ON u.id = ue.utilisateur_id \
             WHERE ue.etablissement_id = $1 AND u.actif = 1 AND u.role <> 'administrateur' ORDER BY u.nom, u.prenom, u.id LIMIT 500",
        )
        .bind(cap.etablissement_id())
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| {
            let (p, n): (String, String) = (r.try_get("prenom")?, r.try_get("nom")?);
            Ok((r.try_get("id")?, format!("{p} {n}")))
        })
        .collect()
    }
}
