//! The usager (*personne accompagnée*): identity, stays, search, duplicates, circle.
//!
//! Every function that reads or writes a person's data takes a [`Capability`] for that
//! person, obtained from [`crate::policy::authorize`] (which audits the read).

mod bulk;
mod detection;
mod doublons;
mod entourage;
mod listes;
mod name_index;
mod photo;
mod search;

pub use bulk::{BulkProche, BulkUsager};
pub use detection::{
    candidats_montres, Candidat, TraitsCompares, DOUBLON_CONTACT, DOUBLON_HORS_PERIMETRE,
};
pub use doublons::{Fusion, MERGE_TABLES};
pub use entourage::{
    Entourage, EntourageInput, Professionnel, ProfessionnelInput, ProfessionnelLie,
};
pub(crate) use name_index::{name_line, name_words, rebuild_name_words};
pub use photo::PhotoStockee;
pub use search::{Recherche, ResultatRecherche};

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::{cle_phonetique, cle_recherche};
use serde::Serialize;

use crate::audit::{self, Actor, NewEntry, Outcome};
use crate::db::Store;
use crate::policy::Capability;
use crate::{ts, StoreError, StoreResult};

/// An usager's identity and file header.
#[derive(Clone, Debug, Serialize)]
pub struct Usager {
    /// Id (the internal file number is `U` + id on 7 digits).
    pub id: i64,
    /// Internal file number.
    pub numero: String,
    /// *Nom de naissance* (INS form: upper case, no accents).
    pub nom_naissance: String,
    /// *Prénoms de naissance*, first one first.
    pub prenoms_naissance: Vec<String>,
    /// *Premier prénom de naissance*.
    pub premier_prenom: String,
    /// Birth date, ISO with `00` for unknown parts.
    pub date_naissance: String,
    /// `F`, `M` or `I`.
    pub sexe: String,
    /// INSEE/COG code of the birth place.
    pub lieu_naissance: Option<String>,
    /// *Nom utilisé*.
    pub nom_utilise: Option<String>,
    /// *Prénom utilisé*.
    pub prenom_utilise: Option<String>,
    /// Matricule INS (15 characters) once retrieved from INSi, or a NIR typed at creation.
    pub matricule_ins: Option<String>,
    /// OID of the matricule's authority.
    pub oid_ins: Option<String>,
    /// RNIV status code (PROV, RECUP, VALI, QUAL).
    pub statut_identite: String,
    /// Attribute codes (DOUT, FICT, HOMA), comma-separated.
    pub attributs_identite: String,
    /// Identity document checked (type code).
    pub justificatif_type: Option<String>,
    /// When the document was checked.
    pub justificatif_at: Option<String>,
    /// When the INS was retrieved or last verified.
    pub ins_at: Option<String>,
    /// Referent professional.
    pub referent_id: Option<i64>,
    /// Alerts (allergies… until the care section stores them), free text.
    pub alertes: String,
    /// Kept file when this one was merged into another.
    pub fusionne_dans: Option<i64>,
    /// Version for optimistic concurrency.
    pub version: i64,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// Fields of an usager's identity, already validated by the domain rules.
#[derive(Clone, Debug)]
pub struct IdentiteInput {
    /// Nom de naissance (INS form).
    pub nom_naissance: String,
    /// Prénoms de naissance.
    pub prenoms_naissance: Vec<String>,
    /// Birth date (ISO, `00` for unknown parts).
    pub date_naissance: String,
    /// Sex code.
    pub sexe: String,
    /// COG of the birth place.
    pub lieu_naissance: Option<String>,
    /// Nom utilisé.
    pub nom_utilise: Option<String>,
    /// Prénom utilisé.
    pub prenom_utilise: Option<String>,
    /// Referent professional.
    pub referent_id: Option<i64>,
    /// Alerts.
    pub alertes: String,
}

/// RNIV status change to store.
#[derive(Clone, Debug)]
pub struct StatutChange {
    /// New status code.
    pub statut: String,
    /// New attribute codes.
    pub attributs: String,
    /// `Some(Some(..))` sets the matricule and OID, `Some(None)` removes them.
    pub ins: Option<Option<(String, String)>>,
    /// Document checked, if this change records one.
    pub justificatif: Option<String>,
    /// Whether this change records an INSi retrieval or verification.
    pub ins_interroge: bool,
}

/// A stay (*séjour*, *prise en charge*) in an établissement.
#[derive(Clone, Debug, Serialize)]
pub struct Sejour {
    /// Id.
    pub id: i64,
    /// Établissement.
    pub etablissement_id: i64,
    /// Its name.
    pub etablissement: String,
    /// Unit.
    pub unite_id: Option<i64>,
    /// Entry date.
    pub date_entree: String,
    /// Exit date.
    pub date_sortie: Option<String>,
}

/// The stays as the policy's statement reads them: a JSON array of
/// `[id, etablissement_id, nom, unite_id, date_entree, date_sortie]`, newest first.
pub(crate) fn sejours_from_json(json: Option<&str>) -> StoreResult<Vec<Sejour>> {
    type Raw = (i64, i64, String, Option<i64>, String, Option<String>);
    let raw: Vec<Raw> = match json {
        None => Vec::new(),
        Some(j) => serde_json::from_str(j).map_err(|e| StoreError::Invalid(e.to_string()))?,
    };
    Ok(raw
        .into_iter()
        .map(
            |(id, etablissement_id, etablissement, unite_id, date_entree, date_sortie)| Sejour {
                id,
                etablissement_id,
                etablissement,
                unite_id,
                date_entree,
                date_sortie,
            },
        )
        .collect())
}

/// Internal file number of an usager id.
pub fn numero(id: i64) -> String {
    format!("U{id:07}")
}

/// The usager id of a file number as typed: `U0000042`, `u42` or `42`.
pub fn parse_numero(s: &str) -> Option<i64> {
    s.trim().trim_start_matches(['U', 'u']).parse().ok()
}

pub(crate) const USAGER_COLUMNS: &str = "id, nom_naissance, prenoms_naissance, premier_prenom, date_naissance, sexe, lieu_naissance, nom_utilise, prenom_utilise, \
    matricule_ins, oid_ins, statut_identite, attributs_identite, justificatif_type, justificatif_at, ins_at, referent_id, alertes, fusionne_dans, version, created_at, updated_at";

pub(crate) fn usager_from(r: &crate::sql::Row) -> StoreResult<Usager> {
    let id: i64 = r.try_get("id")?;
    let prenoms: String = r.try_get("prenoms_naissance")?;
    Ok(Usager {
        id,
        numero: numero(id),
        nom_naissance: r.try_get("nom_naissance")?,
        // A JSON list as written by this code; rows written by other tools may hold the INS
        // form (first names separated by spaces).
        prenoms_naissance: serde_json::from_str(&prenoms)
            .unwrap_or_else(|_| prenoms.split_whitespace().map(str::to_string).collect()),
        premier_prenom: r.try_get("premier_prenom")?,
        date_naissance: r.try_get("date_naissance")?,
        sexe: r.try_get("sexe")?,
        lieu_naissance: r.try_get("lieu_naissance")?,
        nom_utilise: r.try_get("nom_utilise")?,
        prenom_utilise: r.try_get("prenom_utilise")?,
        matricule_ins: r.try_get("matricule_ins")?,
        oid_ins: r.try_get("oid_ins")?,
        statut_identite: r.try_get("statut_identite")?,
        attributs_identite: r.try_get("attributs_identite")?,
        justificatif_type: r.try_get("justificatif_type")?,
        justificatif_at: r.try_get("justificatif_at")?,
        ins_at: r.try_get("ins_at")?,
        referent_id: r.try_get("referent_id")?,
        alertes: r.try_get("alertes")?,
        fusionne_dans: r.try_get("fusionne_dans")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Refuses a capability that does not cover `section`/`action` on `usager_id`.
pub(crate) fn check(
    cap: &Capability,
    usager_id: i64,
    section: Section,
    action: Action,
) -> StoreResult<()> {
    let ok = cap.usager_id() == usager_id
        && cap.section() == section
        && (cap.action() == action || (action == Action::Lire && cap.action() != Action::Lire));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Denied(
            dui_domain::policy::Refus::NonPermisParLeRole,
        ))
    }
}

fn sort_key(i: &IdentiteInput) -> String {
    let nom = i.nom_utilise.as_deref().unwrap_or(&i.nom_naissance);
    let prenom = i
        .prenom_utilise
        .as_deref()
        .or(i.prenoms_naissance.first().map(String::as_str))
        .unwrap_or("");
    cle_recherche(&format!("{nom} {prenom}"))
}

/// Replaces the rows of `usager_nom` of usager `id` with `words`.
async fn write_names(conn: &mut crate::sql::Tx, id: i64, words: &[String]) -> StoreResult<()> {
    crate::sql::query("DELETE FROM usager_nom WHERE usager_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // One statement for all the words: the writer is held as briefly as possible.
    if words.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..words.len())
        .map(|k| format!("(${}, ${})", 2 * k + 1, 2 * k + 2))
        .collect();
    let sql = format!(
        "INSERT INTO usager_nom (cle, usager_id) VALUES {}",
        values.join(", ")
    );
    let mut q = crate::sql::query(&sql);
    for w in words {
        q = q.bind(w.as_str()).bind(id);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

impl Store {
    /// Creates an usager with a first stay in `etablissement_id` (the caller checked that the
    /// actor may create files there). `non_doublons` are the candidates the actor confirmed
    /// as different people. Audited in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_usager(
        &self,
        actor: &Actor,
        i: &IdentiteInput,
        nir: Option<&str>,
        etablissement_id: i64,
        date_entree: &str,
        non_doublons: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        i.borner()?;
        let words = name_words(i);
        let mut tx = self.begin().await?;
        let prenoms = serde_json::to_string(&i.prenoms_naissance)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let id: i64 = crate::sql::query(
            "INSERT INTO usager (nom_naissance, prenoms_naissance, premier_prenom, date_naissance, sexe, lieu_naissance, nom_utilise, prenom_utilise, \
             matricule_ins, statut_identite, attributs_identite, cle_nom, cle_phonetique, referent_id, alertes, cles_noms, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PROV', $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
        )
        .bind(i.nom_naissance.as_str())
        .bind(prenoms)
        .bind(i.prenoms_naissance.first().cloned().unwrap_or_default())
        .bind(i.date_naissance.as_str())
        .bind(i.sexe.as_str())
        .bind(i.lieu_naissance.as_deref())
        .bind(i.nom_utilise.as_deref())
        .bind(i.prenom_utilise.as_deref())
        .bind(nir)
        // Created although close to existing files: an homonym to watch (RNIV attribute HOMA).
        .bind(if non_doublons.is_empty() { "" } else { "HOMA" })
        .bind(sort_key(i))
        .bind(cle_phonetique(&i.nom_naissance))
        .bind(i.referent_id)
        .bind(i.alertes.as_str())
        .bind(name_line(&words))
        .bind(ts(now))
        .fetch_scalar(&mut tx)
        .await?;
        write_names(&mut tx, id, &words).await?;
        crate::sql::query("INSERT INTO sejour (usager_id, etablissement_id, date_entree, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(id)
            .bind(etablissement_id)
            .bind(date_entree)
            .bind(ts(now))
            .execute(&mut tx)
            .await?;
        for other in non_doublons {
            let (a, b) = if *other < id {
                (*other, id)
            } else {
                (id, *other)
            };
            crate::sql::query("INSERT INTO usager_non_doublon (usager_a, usager_b, confirme_par, confirme_at) VALUES ($1, $2, $3, $4)")
                .bind(a)
                .bind(b)
                .bind(actor.utilisateur_id.unwrap_or_default())
                .bind(ts(now))
                .execute(&mut tx)
                .await?;
        }
        audit::append(
            &mut tx,
            &NewEntry {
                actor,
                action: ActionJournal::UsagerCreation,
                usager_id: Some(id),
                section: Some("administratif"),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"etablissement_id": etablissement_id, "doublons_ecartes": non_doublons}),
                at: now,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The usager's identity (any read capability on the file).
    pub async fn usager(&self, cap: &Capability) -> StoreResult<Option<Usager>> {
        if cap.usager_id() <= 0 {
            return Ok(None);
        }
        let row = crate::sql::query(&format!(
            "SELECT {USAGER_COLUMNS} FROM usager WHERE id = $1"
        ))
        .bind(cap.usager_id())
        .fetch_optional(self)
        .await?;
        row.as_ref().map(usager_from).transpose()
    }

    /// The stays of the usager, latest first.
    pub async fn sejours(&self, cap: &Capability) -> StoreResult<Vec<Sejour>> {
        self.sejours_page(cap, crate::page::Page::TOUT).await
    }

    /// Saves an identity edit with optimistic concurrency; the previous row is kept in
    /// `usager_version`. `statut` is the status after the RNIV rules (a strict trait edited
    /// by hand lowers it); `drop_ins` removes a matricule that no longer matches.
    pub async fn update_identite(
        &self,
        cap: &Capability,
        version: i64,
        i: &IdentiteInput,
        statut: &str,
        drop_ins: bool,
        changes: serde_json::Value,
    ) -> StoreResult<i64> {
        i.borner()?;
        let id = cap.usager_id();
        check(cap, id, Section::Administratif, Action::Ecrire)?;
        let now = cap.at();
        let words = name_words(i);
        let mut tx = self.begin().await?;
        self.snapshot(&mut tx, id, version, cap.actor(), now)
            .await?;
        let prenoms = serde_json::to_string(&i.prenoms_naissance)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let drop_sql = if drop_ins {
            ", matricule_ins = NULL, oid_ins = NULL, ins_at = NULL"
        } else {
            ""
        };
        let done = crate::sql::query(&format!(
            "UPDATE usager SET nom_naissance = $1, prenoms_naissance = $2, premier_prenom = $3, date_naissance = $4, sexe = $5, lieu_naissance = $6, \
             nom_utilise = $7, prenom_utilise = $8, cle_nom = $9, cle_phonetique = $10, referent_id = $11, alertes = $12, statut_identite = $13{drop_sql}, \
             cles_noms = $14, version = version + 1, updated_at = $15 WHERE id = $16 AND version = $17"
        ))
        .bind(i.nom_naissance.as_str())
        .bind(prenoms)
        .bind(i.prenoms_naissance.first().cloned().unwrap_or_default())
        .bind(i.date_naissance.as_str())
        .bind(i.sexe.as_str())
        .bind(i.lieu_naissance.as_deref())
        .bind(i.nom_utilise.as_deref())
        .bind(i.prenom_utilise.as_deref())
        .bind(sort_key(i))
        .bind(cle_phonetique(&i.nom_naissance))
        .bind(i.referent_id)
        .bind(i.alertes.as_str())
        .bind(statut)
        .bind(name_line(&words))
        .bind(ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut tx)
        .await?;
        if done == 0 {
            return Err(self.stale_or_missing(&mut tx, "usager", id).await);
        }
        write_names(&mut tx, id, &words).await?;
        cap.audit_change(&mut tx, ActionJournal::UsagerIdentiteModification, changes)
            .await?;
        tx.commit().await?;
        Ok(version + 1)
    }

    /// Stores an RNIV status change (document checked, INSi retrieval, doubt…).
    pub async fn set_statut_identite(
        &self,
        cap: &Capability,
        version: i64,
        c: &StatutChange,
        detail: serde_json::Value,
    ) -> StoreResult<i64> {
        let id = cap.usager_id();
        // Identity statuses are changed by those who may validate identities.
        check(cap, id, Section::Administratif, Action::Valider)?;
        let now = cap.at();
        let mut tx = self.begin().await?;
        self.snapshot(&mut tx, id, version, cap.actor(), now)
            .await?;
        let mut sets = vec![
            "statut_identite = $1".to_string(),
            "attributs_identite = $2".to_string(),
        ];
        let mut args: Vec<Option<String>> = vec![Some(c.statut.clone()), Some(c.attributs.clone())];
        match &c.ins {
            Some(Some((m, o))) => {
                args.push(Some(m.clone()));
                sets.push(format!("matricule_ins = ${}", args.len()));
                args.push(Some(o.clone()));
                sets.push(format!("oid_ins = ${}", args.len()));
            }
            Some(None) => sets.push("matricule_ins = NULL, oid_ins = NULL, ins_at = NULL".into()),
            None => {}
        }
        if let Some(j) = &c.justificatif {
            args.push(Some(j.clone()));
            sets.push(format!("justificatif_type = ${}", args.len()));
            args.push(Some(ts(now)));
            sets.push(format!("justificatif_at = ${}", args.len()));
        }
        if c.ins_interroge {
            args.push(Some(ts(now)));
            sets.push(format!("ins_at = ${}", args.len()));
        }
        args.push(Some(ts(now)));
        sets.push(format!("updated_at = ${}", args.len()));
        let sql = format!(
            "UPDATE usager SET {}, version = version + 1 WHERE id = ${} AND version = ${}",
            sets.join(", "),
            args.len() + 1,
            args.len() + 2
        );
        let mut q = crate::sql::query(&sql);
        for a in args {
            q = q.bind(a);
        }
        let done = q.bind(id).bind(version).execute(&mut tx).await?;
        if done == 0 {
            return Err(self.stale_or_missing(&mut tx, "usager", id).await);
        }
        cap.audit_change(&mut tx, ActionJournal::UsagerIdentiteStatut, detail)
            .await?;
        tx.commit().await?;
        Ok(version + 1)
    }

    /// Keeps the row as it is before a change, if `version` is current.
    async fn snapshot(
        &self,
        conn: &mut crate::sql::Tx,
        id: i64,
        version: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let row = crate::sql::query(&format!(
            "SELECT {USAGER_COLUMNS} FROM usager WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let current = usager_from(&row)?;
        if current.version != version {
            return Err(StoreError::StaleVersion);
        }
        let data =
            serde_json::to_string(&current).map_err(|e| StoreError::Invalid(e.to_string()))?;
        crate::sql::query("INSERT INTO usager_version (usager_id, version, donnees, modifie_par, modifie_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(version)
            .bind(data)
            .bind(actor.utilisateur_id)
            .bind(ts(now))
            .execute(&mut *conn)
            .await
            // Another save of the same version got there first (PostgreSQL lets both read the
            // row, then the second insert collides): the same answer as a stale read.
            .map_err(|e| match e {
                StoreError::Conflict(_) => StoreError::StaleVersion,
                other => other,
            })?;
        Ok(())
    }

    /// Earlier versions of the identity, newest first.
    pub async fn identite_versions(
        &self,
        cap: &Capability,
    ) -> StoreResult<Vec<(i64, String, Option<i64>, String)>> {
        self.identite_versions_page(cap, crate::page::Page::TOUT)
            .await
    }

    /// Audit entries of this file ("who opened my file"), newest first.
    pub async fn usager_audit(
        &self,
        cap: &Capability,
        before_id: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<audit::Entry>> {
        let f = audit::Filter {
            usager_id: Some(cap.usager_id()),
            before_id,
            ..Default::default()
        };
        self.audit_search(&f, limit).await
    }

    /// Assigns a home-care worker to the usager (needs an administrative write capability).
    pub async fn assign_with(&self, cap: &Capability, utilisateur_id: i64) -> StoreResult<()> {
        check(cap, cap.usager_id(), Section::Administratif, Action::Ecrire)?;
        self.assign(cap.actor(), utilisateur_id, cap.usager_id(), cap.at())
            .await
    }

    /// Number of usagers in the base (demo and benchmarks).
    pub async fn usager_count(&self) -> StoreResult<i64> {
        let n: i64 = crate::sql::query("SELECT COUNT(*) FROM usager")
            .fetch_scalar(self)
            .await?;
        Ok(n)
    }
}
