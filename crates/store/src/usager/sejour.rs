//! Admission and stays (ADM-3): admit into an établissement and unit, change a stay
//! (versioned), transfer (the running stay closed, the next one opened: the path is kept),
//! discharge. The rules are the domain's (`dui_domain::sejour`), applied here inside the
//! write's transaction: overlapping permanent stays refused, capacity respected unless the
//! override is explicit (and then written in the audit entry).

use chrono::NaiveDate;
use dui_domain::journal::ActionJournal;
use dui_domain::organisation::Domaine;
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::saisie::{self as lim};
use dui_domain::sejour::{
    verifier_capacite, verifier_chevauchement, verifier_dates, Financement, ModeSortie, Periode,
    TypeAccompagnement,
};
use dui_domain::suivi::suivis_proposes;

use crate::db::Store;
use crate::fiche::{sejour_from, Sejour, SEJOUR_COLUMNS, SEJOUR_FROM};
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::sql::{Tx, Value};
use crate::{ts, StoreError, StoreResult};

/// An admission: a new stay in a place, with what a stay's change may set.
#[derive(Clone, Debug)]
pub struct Admission {
    /// Établissement (one the account works in).
    pub etablissement_id: i64,
    /// Unit of that établissement.
    pub unite_id: Option<i64>,
    /// Kind, dates, financer, referent, number.
    pub fiche: ModificationSejour,
    /// Admit over capacity (explicit; audited).
    pub depasser_capacite: bool,
}

/// What a change of a stay may set (the place changes by a transfer), and an admission too.
#[derive(Clone, Debug)]
pub struct ModificationSejour {
    /// Kind of support.
    pub type_accompagnement: TypeAccompagnement,
    /// Entry date.
    pub date_entree: NaiveDate,
    /// Planned end.
    pub date_fin_prevue: Option<NaiveDate>,
    /// Who pays.
    pub financement: Option<Financement>,
    /// Referent professional.
    pub referent_id: Option<i64>,
    /// The usager's number in the établissement.
    pub numero_usager: Option<String>,
}

/// A transfer of a running stay to another unit or établissement.
#[derive(Clone, Debug)]
pub struct Transfert {
    /// The day of the move (exit of the old stay, entry of the new one).
    pub date: NaiveDate,
    /// Destination établissement.
    pub etablissement_id: i64,
    /// Destination unit.
    pub unite_id: Option<i64>,
    /// Move over capacity (explicit; audited).
    pub depasser_capacite: bool,
}

/// A discharge: the running stay closed.
#[derive(Clone, Debug)]
pub struct Sortie {
    /// Exit date (the first day out).
    pub date: NaiveDate,
    /// How it ends (not a transfer: see [`Transfert`]).
    pub mode: ModeSortie,
    /// Where the person goes.
    pub destination: Option<String>,
    /// The professional given the follow-up tasks the discharge proposes
    /// (`dui_domain::suivi::suivis_proposes`: child protection, shelter), if any.
    pub suivi_par: Option<i64>,
}

impl ModificationSejour {
    /// The values the INSERT and the UPDATE write, in this order: type_accompagnement,
    /// date_entree, date_fin_prevue, financement, referent_id, numero_usager.
    fn valeurs(&self) -> Vec<Value> {
        vec![
            self.type_accompagnement.code().into(),
            self.date_entree.to_string().into(),
            opt_date(self.date_fin_prevue).into(),
            self.financement.map(|f| f.code()).into(),
            self.referent_id.into(),
            self.numero_usager.as_deref().into(),
        ]
    }
}

fn date(s: &str, col: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("date {s:?} illisible dans la colonne {col}")))
}

fn opt_date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn invalid(m: impl Into<String>) -> StoreError {
    StoreError::Invalid(m.into())
}

fn borner_texte(numero: Option<&str>, destination: Option<&str>) -> StoreResult<()> {
    borne([
        (l("numero_usager", lim::NUMERO), numero),
        (l("destination", lim::LIBELLE), destination),
    ])
}

/// The period of a stored stay.
fn periode(s: &Sejour) -> StoreResult<Periode> {
    Ok(Periode {
        debut: date(&s.date_entree, "date_entree")?,
        fin: s
            .date_sortie
            .as_deref()
            .map(|d| date(d, "date_sortie"))
            .transpose()?,
    })
}

/// One stay of the file (any state), in the transaction.
async fn sejour_tx(tx: &mut Tx, cap: &Capability, sid: i64) -> StoreResult<Sejour> {
    let row = crate::sql::query(&format!(
        "SELECT {SEJOUR_COLUMNS} FROM {SEJOUR_FROM} WHERE s.id = $1 AND s.usager_id = $2"
    ))
    .bind(sid)
    .bind(cap.usager_id())
    .fetch_optional(tx)
    .await?;
    row.as_ref()
        .map(sejour_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

/// Refuses a permanent stay over another permanent stay of the file (`sauf`: the stays the
/// write replaces).
async fn chevauchement(
    tx: &mut Tx,
    cap: &Capability,
    t: TypeAccompagnement,
    p: &Periode,
    sauf: &[i64],
) -> StoreResult<()> {
    let rows = crate::sql::query(&format!(
        "SELECT {SEJOUR_COLUMNS} FROM {SEJOUR_FROM} WHERE s.usager_id = $1"
    ))
    .bind(cap.usager_id())
    .fetch_all(tx)
    .await?;
    let mut autres = Vec::new();
    for r in &rows {
        let s = sejour_from(r)?;
        if !sauf.contains(&s.id) {
            autres.push((s.type_accompagnement, periode(&s)?));
        }
    }
    verifier_chevauchement(t, p, &autres).map_err(invalid)
}

/// Checks that `unite_id` belongs to `etablissement_id`, that the account works there, and
/// that a place is free on `jour` (or the override is explicit): whether the override was
/// used. On PostgreSQL the établissement's row is locked first (`pg`), so that two
/// simultaneous admissions or transfers there count one after the other (the second sees
/// the first's stay) and cannot both take the last place; SQLite has one writer.
async fn place(
    tx: &mut Tx,
    cap: &Capability,
    (etablissement_id, unite_id): (i64, Option<i64>),
    jour: NaiveDate,
    forcer: bool,
    pg: bool,
) -> StoreResult<bool> {
    if !cap.etablissements().contains(&etablissement_id) {
        return Err(StoreError::Denied(Refus::HorsPerimetre));
    }
    if pg {
        crate::sql::query("SELECT id FROM etablissement WHERE id = $1 FOR UPDATE")
            .bind(etablissement_id)
            .fetch_optional(&mut *tx)
            .await?;
    }
    let capacite: Option<i64> = match unite_id {
        Some(u) => {
            let row = crate::sql::query(
                "SELECT COALESCE(un.capacite, e.capacite) AS c FROM unite un JOIN etablissement e ON e.id = un.etablissement_id \
                 WHERE un.id = $1 AND un.etablissement_id = $2",
            )
            .bind(u)
            .bind(etablissement_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| invalid("Cette unité n'appartient pas à l'établissement choisi."))?;
            row.try_get("c")?
        }
        None => {
            let row = crate::sql::query("SELECT capacite FROM etablissement WHERE id = $1")
                .bind(etablissement_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| invalid("Établissement inconnu."))?;
            row.try_get("capacite")?
        }
    };
    let (col, id) = match unite_id {
        Some(u) => ("unite_id", u),
        None => ("etablissement_id", etablissement_id),
    };
    let occupes: i64 = crate::sql::query(&format!(
        "SELECT COUNT(*) FROM sejour WHERE {col} = $1 AND date_entree <= $2 AND (date_sortie IS NULL OR date_sortie > $2)"
    ))
    .bind(id)
    .bind(jour.to_string())
    .fetch_scalar(tx)
    .await?;
    verifier_capacite(capacite, occupes, forcer).map_err(StoreError::Conflict)
}

impl Store {
    /// One stay of the file.
    pub async fn sejour(&self, cap: &Capability, sid: i64) -> StoreResult<Option<Sejour>> {
        let select = format!(
            "SELECT {SEJOUR_COLUMNS} FROM {SEJOUR_FROM} WHERE s.id = $1 AND s.usager_id = $2"
        );
        self.ligne_du_dossier(cap, Section::Administratif, &select, sid, sejour_from)
            .await
    }

    /// Admits the person (a new stay; audited, with the capacity override if used).
    pub async fn admettre(&self, cap: &Capability, a: &Admission) -> StoreResult<i64> {
        borner_texte(a.fiche.numero_usager.as_deref(), None)?;
        let f = &a.fiche;
        if let Some(fin) = f.date_fin_prevue {
            verifier_dates(f.date_entree, Some(fin))
                .map_err(|_| invalid("La fin prévue doit être postérieure à la date d'entrée."))?;
        }
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let p = Periode {
            debut: f.date_entree,
            fin: None,
        };
        chevauchement(&mut tx, cap, f.type_accompagnement, &p, &[]).await?;
        let force = place(
            &mut tx,
            cap,
            (a.etablissement_id, a.unite_id),
            f.date_entree,
            a.depasser_capacite,
            self.engine() == crate::Engine::Postgres,
        )
        .await?;
        let q = crate::sql::query(
            "INSERT INTO sejour (usager_id, etablissement_id, unite_id, type_accompagnement, date_entree, date_fin_prevue, financement, referent_id, \
             numero_usager, depassement_capacite, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(a.etablissement_id)
        .bind(a.unite_id)
        .binds(f.valeurs())
        .bind(force)
        .bind(ts(cap.at()));
        cap.inserer_audite(
            tx,
            q,
            ActionJournal::UsagerSejourAdmission,
            |id| serde_json::json!({"sejour_id": id, "depassement_capacite": force}),
        )
        .await
    }

    /// Changes a stay (optimistic version; audited): the new version.
    pub async fn modifier_sejour(
        &self,
        cap: &Capability,
        sid: i64,
        version: i64,
        m: &ModificationSejour,
    ) -> StoreResult<i64> {
        borner_texte(m.numero_usager.as_deref(), None)?;
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let s = sejour_tx(&mut tx, cap, sid).await?;
        let p = Periode {
            debut: m.date_entree,
            fin: periode(&s)?.fin,
        };
        verifier_dates(p.debut, p.fin).map_err(invalid)?;
        // Only a change of kind or entry can make a new overlap (two stays overlapping since
        // a merge do not block a change of number or financer).
        if m.type_accompagnement != s.type_accompagnement || p.debut != periode(&s)?.debut {
            chevauchement(&mut tx, cap, m.type_accompagnement, &p, &[sid]).await?;
        }
        let q = crate::sql::query(
            "UPDATE sejour SET type_accompagnement = $1, date_entree = $2, date_fin_prevue = $3, financement = $4, referent_id = $5, \
             numero_usager = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
        )
        .binds(m.valeurs())
        .bind(ts(cap.at()));
        cap.modification_auditee(
            tx,
            q,
            ("sejour", sid, version),
            ActionJournal::UsagerSejourModification,
            serde_json::json!({"sejour_id": sid}),
        )
        .await
    }

    /// Transfers the person: the running stay `sid` closes on `t.date` (mode *transfert*) and
    /// the next one opens there with the same support, financing and referent, pointing back
    /// to it (audited). The new stay's id.
    pub async fn transferer(
        &self,
        cap: &Capability,
        sid: i64,
        version: i64,
        t: &Transfert,
    ) -> StoreResult<i64> {
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let s = sejour_tx(&mut tx, cap, sid).await?;
        if !s.en_cours() {
            return Err(invalid(
                "Ce séjour est clôturé : il ne peut plus être transféré.",
            ));
        }
        if s.etablissement_id == t.etablissement_id && s.unite_id == t.unite_id {
            return Err(invalid(
                "La personne est déjà dans cette unité : choisissez une autre destination.",
            ));
        }
        let entree = date(&s.date_entree, "date_entree")?;
        verifier_dates(entree, Some(t.date))
            .map_err(|_| invalid("Le transfert doit être postérieur à la date d'entrée."))?;
        let p = Periode {
            debut: t.date,
            fin: None,
        };
        chevauchement(&mut tx, cap, s.type_accompagnement, &p, &[sid]).await?;
        let force = place(
            &mut tx,
            cap,
            (t.etablissement_id, t.unite_id),
            t.date,
            t.depasser_capacite,
            self.engine() == crate::Engine::Postgres,
        )
        .await?;
        crate::sql::query(
            "UPDATE sejour SET date_sortie = $1, mode_sortie = 'transfert', version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
        )
        .bind(t.date.to_string())
        .bind(ts(cap.at()))
        .execute_versioned(&mut tx, "sejour", sid, version)
        .await?;
        let id: i64 = crate::sql::query(
            "INSERT INTO sejour (usager_id, etablissement_id, unite_id, type_accompagnement, date_entree, date_fin_prevue, financement, referent_id, \
             numero_usager, transfert_de, depassement_capacite, created_at, updated_at) \
             SELECT usager_id, $1, $2, type_accompagnement, $3, date_fin_prevue, financement, referent_id, numero_usager, id, $4, $5, $5 \
             FROM sejour WHERE id = $6 RETURNING id",
        )
        .bind(t.etablissement_id)
        .bind(t.unite_id)
        .bind(t.date.to_string())
        .bind(force)
        .bind(ts(cap.at()))
        .bind(sid)
        .fetch_scalar(&mut tx)
        .await?;
        cap.commit_audite(tx, ActionJournal::UsagerSejourTransfert, serde_json::json!({"sejour_id": id, "transfert_de": sid, "depassement_capacite": force})).await?;
        Ok(id)
    }

    /// Discharges the person: the running stay `sid` closes (audited). Its new version.
    pub async fn sortir(
        &self,
        cap: &Capability,
        sid: i64,
        version: i64,
        o: &Sortie,
    ) -> StoreResult<i64> {
        borner_texte(None, o.destination.as_deref())?;
        if o.mode == ModeSortie::Transfert {
            return Err(invalid(
                "Un transfert se fait par « Transférer », qui ouvre le séjour suivant.",
            ));
        }
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let s = sejour_tx(&mut tx, cap, sid).await?;
        if !s.en_cours() {
            return Err(invalid("Ce séjour est déjà clôturé."));
        }
        verifier_dates(date(&s.date_entree, "date_entree")?, Some(o.date)).map_err(invalid)?;
        crate::sql::query(
            "UPDATE sejour SET date_sortie = $1, mode_sortie = $2, destination = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
        )
        .bind(o.date.to_string())
        .bind(o.mode.code())
        .bind(o.destination.as_deref())
        .bind(ts(cap.at()))
        .execute_versioned(&mut tx, "sejour", sid, version)
        .await?;
        let mut suivis = Vec::new();
        if let Some(par) = o.suivi_par {
            let domaine: String =
                crate::sql::query("SELECT domaine FROM etablissement WHERE id = $1")
                    .bind(s.etablissement_id)
                    .fetch_scalar(&mut tx)
                    .await?;
            let domaine = Domaine::from_code(&domaine)
                .ok_or_else(|| StoreError::Corrupt(format!("domaine {domaine:?} inconnu")))?;
            let proposes = suivis_proposes(domaine, s.type_accompagnement, o.mode, o.date);
            suivis = super::suivi::inserer(&mut tx, cap, &super::suivi::taches(proposes, par, sid))
                .await?;
        }
        cap.commit_audite(
            tx,
            ActionJournal::UsagerSejourSortie,
            serde_json::json!({"sejour_id": sid, "suivis": suivis.len()}),
        )
        .await?;
        Ok(version + 1)
    }
}

/// The places of a unit (or of an établissement without units) on a day.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Places {
    /// Établissement.
    pub etablissement_id: i64,
    /// Its name.
    pub etablissement: String,
    /// Unit (none: the établissement as a whole).
    pub unite_id: Option<i64>,
    /// Its name.
    pub unite: Option<String>,
    /// Places (none declared: unlimited).
    pub capacite: Option<i64>,
    /// People with a stay on that day.
    pub occupes: i64,
}

impl Places {
    /// Free places (none declared: `None`).
    pub fn libres(&self) -> Option<i64> {
        self.capacite.map(|c| c - self.occupes)
    }
}

impl Store {
    /// The occupation on `jour` of every unit of `etablissements`, and of each établissement
    /// as a whole (counts only: no person data).
    pub async fn places(
        &self,
        etablissements: &[i64],
        jour: NaiveDate,
    ) -> StoreResult<Vec<Places>> {
        if etablissements.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::sql::marqueurs(2, etablissements.len());
        let actif = "s.date_entree <= $1 AND (s.date_sortie IS NULL OR s.date_sortie > $1)";
        let sql = format!(
            "SELECT e.id AS etablissement_id, e.nom AS etablissement, NULL AS unite_id, NULL AS unite, e.capacite, \
             (SELECT COUNT(*) FROM sejour s WHERE s.etablissement_id = e.id AND {actif}) AS occupes \
             FROM etablissement e WHERE e.id IN ({marks}) \
             UNION ALL SELECT e.id, e.nom, un.id, un.nom, un.capacite, \
             (SELECT COUNT(*) FROM sejour s WHERE s.unite_id = un.id AND {actif}) \
             FROM unite un JOIN etablissement e ON e.id = un.etablissement_id WHERE e.id IN ({marks})"
        );
        let mut q = crate::sql::query(&sql).bind(jour.to_string());
        for e in etablissements {
            q = q.bind(*e);
        }
        let mut v = q
            .fetch_all(self)
            .await?
            .iter()
            .map(|r| {
                Ok(Places {
                    etablissement_id: r.try_get(0)?,
                    etablissement: r.try_get(1)?,
                    unite_id: r.try_get(2)?,
                    unite: r.try_get(3)?,
                    capacite: r.try_get(4)?,
                    occupes: r.try_get(5)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        v.sort_by(|a, b| {
            (&a.etablissement, a.etablissement_id, &a.unite).cmp(&(
                &b.etablissement,
                b.etablissement_id,
                &b.unite,
            ))
        });
        Ok(v)
    }
}

impl Store {
    /// Sets the kind of support and the financing of the current stays of `etablissement`
    /// and numbers them `N-<id>` (demo and benchmark set-up, as `placer_en_unite_bulk`; not
    /// audited: no person's data is read, the stays only get their kind).
    pub async fn typer_sejours_bulk(
        &self,
        etablissement: i64,
        t: TypeAccompagnement,
        f: Option<Financement>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let n = crate::sql::query(
            "UPDATE sejour SET type_accompagnement = $1, financement = $2, numero_usager = 'N-' || id \
             WHERE etablissement_id = $3 AND date_sortie IS NULL",
        )
        .bind(t.code())
        .bind(f.map(|f| f.code()))
        .bind(etablissement)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}
