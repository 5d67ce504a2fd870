//! Bulk insertion of usagers (demo data, benchmarks, and later imports): multi-row
//! statements in large transactions, with explicit ids so that related rows can be written
//! in the same batch.

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::usager::cle_phonetique;

use super::transmission::ContenuTransmission;
use super::{name_line, name_words, sort_key, IdentiteInput};
use crate::audit::{self, Actor, NewEntry};
use crate::db::{Engine, Store};
use crate::{ts, StoreError, StoreResult};

/// One usager to insert with its stay and circle.
#[derive(Clone, Debug)]
pub struct BulkUsager {
    /// Identity.
    pub identite: IdentiteInput,
    /// Matricule INS and OID, with the RNIV status they come with.
    pub ins: Option<(String, String)>,
    /// RNIV status code.
    pub statut: String,
    /// Document checked (type code), for validated/qualified identities.
    pub justificatif: Option<String>,
    /// Établissement of the stay.
    pub etablissement_id: i64,
    /// Entry date.
    pub date_entree: String,
    /// Circle.
    pub entourage: Vec<BulkProche>,
}

/// A person of the circle to insert.
#[derive(Clone, Debug)]
pub struct BulkProche {
    /// Family name.
    pub nom: String,
    /// First name.
    pub prenom: String,
    /// Relation code.
    pub relation: String,
    /// Personne de confiance (designated today).
    pub personne_confiance: bool,
    /// Person to call.
    pub personne_a_prevenir: bool,
    /// Phone.
    pub telephone: Option<String>,
}

pub(super) fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            format!(
                "({})",
                (1..=cols)
                    .map(|c| format!("${}", r * cols + c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Assigns accounts to usagers, `(utilisateur_id, usager_id)`, each audited as `actor`:
    /// setup of demo data and benchmarks, like [`Store::insert_usagers_bulk`]. A person's
    /// assignment goes through [`Store::assign`] (a capability).
    pub async fn assign_bulk(
        &self,
        actor: &Actor,
        pairs: &[(i64, i64)],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        for &(utilisateur_id, usager_id) in pairs {
            self.affecter(actor, utilisateur_id, usager_id, now).await?;
        }
        Ok(())
    }

    /// Inserts a batch of usagers in one transaction; returns their ids.
    pub async fn insert_usagers_bulk(
        &self,
        actor: &Actor,
        batch: &[BulkUsager],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        for u in batch {
            u.identite.borner()?;
        }
        let now_s = ts(now);
        let mut tx = self.begin().await?;
        let max: Option<i64> = crate::sql::query("SELECT MAX(id) FROM usager")
            .fetch_one(&mut tx)
            .await?
            .try_get(0)?;
        let first = max.unwrap_or(0) + 1;
        let ids: Vec<i64> = (0..batch.len() as i64).map(|i| first + i).collect();
        const COLS: usize = 20;
        let sql = format!(
            "INSERT INTO usager (id, nom_naissance, prenoms_naissance, premier_prenom, date_naissance, sexe, lieu_naissance, nom_utilise, prenom_utilise, \
             matricule_ins, oid_ins, statut_identite, justificatif_type, cle_nom, cle_phonetique, referent_id, alertes, cles_noms, created_at, updated_at) VALUES {}",
            placeholders(batch.len(), COLS)
        );
        // The words of each usager's names: on its row (`cles_noms`) and in `usager_nom`.
        let words: Vec<Vec<String>> = batch.iter().map(|b| name_words(&b.identite)).collect();
        let mut q = crate::sql::query(&sql);
        for ((b, id), w) in batch.iter().zip(&ids).zip(&words) {
            let i = &b.identite;
            let prenoms = serde_json::to_string(&i.prenoms_naissance)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            q = q
                .bind(*id)
                .bind(i.nom_naissance.clone())
                .bind(prenoms)
                .bind(i.prenoms_naissance.first().cloned().unwrap_or_default())
                .bind(i.date_naissance.clone())
                .bind(i.sexe.clone())
                .bind(i.lieu_naissance.clone())
                .bind(i.nom_utilise.clone())
                .bind(i.prenom_utilise.clone())
                .bind(b.ins.as_ref().map(|x| x.0.clone()))
                .bind(b.ins.as_ref().map(|x| x.1.clone()))
                .bind(b.statut.clone())
                .bind(b.justificatif.clone())
                .bind(sort_key(i))
                .bind(cle_phonetique(&i.nom_naissance))
                .bind(i.referent_id)
                .bind(i.alertes.clone())
                .bind(name_line(w))
                .bind(now_s.clone())
                .bind(now_s.clone());
        }
        q.execute(&mut tx).await?;
        let mut names: Vec<(String, i64)> = Vec::new();
        for (w, id) in words.into_iter().zip(&ids) {
            names.extend(w.into_iter().map(|w| (w, *id)));
        }
        for chunk in names.chunks(2000) {
            let sql = format!(
                "INSERT INTO usager_nom (cle, usager_id) VALUES {}",
                placeholders(chunk.len(), 2)
            );
            let mut q = crate::sql::query(&sql);
            for (w, id) in chunk {
                q = q.bind(w.clone()).bind(*id);
            }
            q.execute(&mut tx).await?;
        }
        let sql = format!("INSERT INTO sejour (usager_id, etablissement_id, date_entree, created_at, updated_at) VALUES {}", placeholders(batch.len(), 5));
        let mut q = crate::sql::query(&sql);
        for (b, id) in batch.iter().zip(&ids) {
            q = q
                .bind(*id)
                .bind(b.etablissement_id)
                .bind(b.date_entree.clone())
                .bind(now_s.clone())
                .bind(now_s.clone());
        }
        q.execute(&mut tx).await?;
        let people: Vec<(i64, &BulkProche)> = batch
            .iter()
            .zip(&ids)
            .flat_map(|(b, id)| b.entourage.iter().map(move |e| (*id, e)))
            .collect();
        for chunk in people.chunks(1000) {
            let sql = format!(
                "INSERT INTO entourage (usager_id, nom, prenom, relation, personne_confiance, date_designation, personne_a_prevenir, telephone, created_at, updated_at) VALUES {}",
                placeholders(chunk.len(), 10)
            );
            let mut q = crate::sql::query(&sql);
            for (id, p) in chunk {
                q = q
                    .bind(*id)
                    .bind(p.nom.clone())
                    .bind(p.prenom.clone())
                    .bind(p.relation.clone())
                    .bind(i64::from(p.personne_confiance))
                    .bind(p.personne_confiance.then(|| now_s[..10].to_string()))
                    .bind(i64::from(p.personne_a_prevenir))
                    .bind(p.telephone.clone())
                    .bind(now_s.clone())
                    .bind(now_s.clone());
            }
            q.execute(&mut tx).await?;
        }
        audit::append(
            &mut tx,
            &NewEntry::succes_administratif(
                actor,
                ActionJournal::UsagerImport,
                None,
                serde_json::json!({"nombre": batch.len(), "premier_id": first}),
                now,
            ),
        )
        .await?;
        if self.engine() == Engine::Postgres {
            // Explicit ids do not move the identity sequence: catch it up.
            crate::sql::query("SELECT setval(pg_get_serial_sequence('usager', 'id'), (SELECT MAX(id) FROM usager))").execute(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }
}

/// One transmission to insert in bulk (demo data, benchmarks): written at `date` (the fact's
/// time too) by `auteur_id`, with its search terms already computed (`termes`, see
/// `dui_domain::transmission::termes`). `corrige` is the index, in the same batch, of the
/// transmission it corrects.
#[derive(Clone, Debug)]
pub struct BulkTransmission {
    /// The file.
    pub usager_id: i64,
    /// Section code.
    pub section: &'static str,
    /// Category code.
    pub categorie: &'static str,
    /// What it says.
    pub contenu: ContenuTransmission,
    /// When written (and when the fact happened).
    pub date: DateTime<Utc>,
    /// Author.
    pub auteur_id: i64,
    /// Author's name.
    pub auteur: String,
    /// Author's role code.
    pub auteur_role: &'static str,
    /// Index in the batch of the transmission corrected.
    pub corrige: Option<usize>,
    /// Search terms.
    pub termes: String,
}

impl Store {
    /// Inserts transmissions in one transaction, multi-row statements with explicit ids (and
    /// their FTS5 rows on SQLite); one audit entry for the batch. Returns how many.
    pub async fn insert_transmissions_bulk(
        &self,
        actor: &Actor,
        batch: &[BulkTransmission],
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        if batch.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let max: Option<i64> = crate::sql::query("SELECT MAX(id) FROM transmission")
            .fetch_one(&mut tx)
            .await?
            .try_get(0)?;
        let first = max.unwrap_or(0) + 1;
        const COLS: usize = 17;
        let ids: Vec<i64> = (0..batch.len() as i64).map(|i| first + i).collect();
        for (chunk, ids) in batch.chunks(1000).zip(ids.chunks(1000)) {
            let sql = format!(
                "INSERT INTO transmission (id, usager_id, section, categorie, texte, cible, donnees, actions, resultats, importante, date_fait, \
                 auteur_id, auteur, auteur_role, corrige_id, termes, created_at) VALUES {}",
                placeholders(chunk.len(), COLS)
            );
            let mut q = crate::sql::query(&sql);
            for (t, id) in chunk.iter().zip(ids) {
                let at = ts(t.date);
                q = q
                    .bind(*id)
                    .bind(t.usager_id)
                    .bind(t.section)
                    .bind(t.categorie)
                    .binds(t.contenu.valeurs())
                    .bind(at.clone())
                    .bind(t.auteur_id)
                    .bind(t.auteur.clone())
                    .bind(t.auteur_role)
                    .bind(t.corrige.map(|i| first + i as i64))
                    .bind(t.termes.clone())
                    .bind(at);
            }
            q.execute(&mut tx).await?;
            if self.engine() == Engine::Sqlite {
                let sql = format!(
                    "INSERT INTO transmission_fts (rowid, termes) VALUES {}",
                    placeholders(chunk.len(), 2)
                );
                let mut q = crate::sql::query(&sql);
                for (t, id) in chunk.iter().zip(ids) {
                    q = q.bind(*id).bind(t.termes.clone());
                }
                q.execute(&mut tx).await?;
            }
        }
        audit::append(
            &mut tx,
            &NewEntry {
                section: Some("accompagnement"),
                ..NewEntry::succes(
                    actor,
                    ActionJournal::UsagerImport,
                    serde_json::json!({"transmissions": batch.len(), "premier_id": first}),
                    now,
                )
            },
        )
        .await?;
        if self.engine() == Engine::Postgres {
            crate::sql::query("SELECT setval(pg_get_serial_sequence('transmission', 'id'), (SELECT MAX(id) FROM transmission))").execute(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(batch.len())
    }
}

impl Store {
    /// Places the current stays of `usagers` in unit `unite_id` (benchmarks and demo set-up;
    /// not audited: no person's data is read or written but the unit of a stay).
    pub async fn placer_en_unite_bulk(&self, unite_id: i64, usagers: &[i64]) -> StoreResult<u64> {
        if usagers.is_empty() {
            return Ok(0);
        }
        let marks: Vec<String> = (0..usagers.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "UPDATE sejour SET unite_id = $1 WHERE date_sortie IS NULL AND usager_id IN ({})",
            marks.join(", ")
        );
        let mut q = crate::sql::query(&sql).bind(unite_id);
        for u in usagers {
            q = q.bind(*u);
        }
        let mut tx = self.begin().await?;
        let n = q.execute(&mut tx).await?;
        tx.commit().await?;
        Ok(n)
    }
}

impl Store {
    /// Up to `n` usagers with a current stay in `etablissement` (benchmark set-up).
    pub async fn usagers_en_sejour(&self, etablissement: i64, n: i64) -> StoreResult<Vec<i64>> {
        let rows = crate::sql::query(
            "SELECT usager_id FROM sejour WHERE etablissement_id = $1 AND date_sortie IS NULL ORDER BY usager_id LIMIT $2",
        )
        .bind(etablissement)
        .bind(n)
        .fetch_all(self)
        .await?;
        rows.iter().map(|r| r.try_get::<i64, _>(0)).collect()
    }
}
