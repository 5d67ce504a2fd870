//! Bulk insertion of usagers (demo data, benchmarks, and later imports): multi-row
//! statements in large transactions, with explicit ids so that related rows can be written
//! in the same batch.

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::usager::cle_phonetique;

use super::transmission::ContenuTransmission;
use super::{identite_valeurs, name_line, name_words, sort_key, IdentiteInput};
use crate::audit::{self, Actor, NewEntry};
use crate::db::{Engine, Store};
use crate::sql::{Lot, Value};
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
    /// Relation.
    pub relation: dui_domain::usager::entourage::Relation,
    /// Personne de confiance (designated today).
    pub personne_confiance: bool,
    /// Person to call.
    pub personne_a_prevenir: bool,
    /// Phone.
    pub telephone: Option<String>,
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

    /// Inserts a batch of usagers with their names' words, stays and circles in one bulk
    /// load (`crate::sql::Charge`) audited by one entry; returns their ids.
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
        let mut charge = self.charge().await?;
        let ids = charge.ids("usager", batch.len()).await?;
        let (mut usagers, mut noms, mut sejours, mut proches) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (b, id) in batch.iter().zip(&ids) {
            let i = &b.identite;
            // The words of the names: on the row (`cles_noms`) and in `usager_nom`.
            let words = name_words(i);
            let mut usager = vec![Value::from(*id)];
            usager.extend(identite_valeurs(i)?);
            usager.extend([
                b.ins.as_ref().map(|x| x.0.as_str()).into(),
                b.ins.as_ref().map(|x| x.1.as_str()).into(),
                b.statut.as_str().into(),
                b.justificatif.as_deref().into(),
                sort_key(i).into(),
                cle_phonetique(&i.nom_naissance).into(),
                i.referent_id.into(),
                name_line(&words).into(),
                i.nom_naissance_saisi.as_deref().into(),
                now_s.as_str().into(),
                now_s.as_str().into(),
            ]);
            usagers.push(usager);
            noms.extend(
                words
                    .into_iter()
                    .map(|w| vec![Value::from(w), (*id).into()]),
            );
            sejours.push(vec![
                Value::from(*id),
                b.etablissement_id.into(),
                b.date_entree.as_str().into(),
                now_s.as_str().into(),
                now_s.as_str().into(),
            ]);
            for p in &b.entourage {
                proches.push(vec![
                    Value::from(*id),
                    p.nom.as_str().into(),
                    p.prenom.as_str().into(),
                    p.relation.code().into(),
                    i64::from(p.personne_confiance).into(),
                    p.personne_confiance.then(|| &now_s[..10]).into(),
                    i64::from(p.personne_a_prevenir).into(),
                    p.telephone.as_deref().into(),
                    now_s.as_str().into(),
                    now_s.as_str().into(),
                ]);
            }
        }
        for lot in [
            Lot {
                table: "usager",
                cols: &[
                    "id",
                    "nom_naissance",
                    "prenoms_naissance",
                    "premier_prenom",
                    "date_naissance",
                    "sexe",
                    "lieu_naissance",
                    "nom_utilise",
                    "prenom_utilise",
                    "matricule_ins",
                    "oid_ins",
                    "statut_identite",
                    "justificatif_type",
                    "cle_nom",
                    "cle_phonetique",
                    "referent_id",
                    "cles_noms",
                    "nom_naissance_saisi",
                    "created_at",
                    "updated_at",
                ],
                rows: usagers,
            },
            Lot {
                table: "usager_nom",
                cols: &["cle", "usager_id"],
                rows: noms,
            },
            Lot {
                table: "sejour",
                cols: &[
                    "usager_id",
                    "etablissement_id",
                    "date_entree",
                    "created_at",
                    "updated_at",
                ],
                rows: sejours,
            },
            Lot {
                table: "entourage",
                cols: &[
                    "usager_id",
                    "nom",
                    "prenom",
                    "relation",
                    "personne_confiance",
                    "date_designation",
                    "personne_a_prevenir",
                    "telephone",
                    "created_at",
                    "updated_at",
                ],
                rows: proches,
            },
        ] {
            charge.ecrire(&lot).await?;
        }
        audit::append_lot(
            &mut charge,
            &NewEntry::succes_administratif(
                actor,
                ActionJournal::UsagerImport,
                None,
                serde_json::json!({"nombre": batch.len(), "premier_id": ids[0]}),
                now,
            ),
        )
        .await?;
        charge.commit().await?;
        Ok(ids)
    }
}

/// The transmission a bulk one corrects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrigeEnMasse {
    /// The one at this index of the same batch.
    Lot(usize),
    /// One already written (same file and section: the caller's duty, as for the rest of a
    /// bulk load).
    Id(i64),
}

/// One transmission to insert in bulk (demo data, benchmarks): written at `date` (the fact's
/// time too) by `auteur_id`, with its search terms already computed (`termes`, see
/// `dui_domain::transmission::termes`).
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
    /// The transmission corrected.
    pub corrige: Option<CorrigeEnMasse>,
    /// Search terms.
    pub termes: String,
    /// A psychology transmission's établissement, where it is read (decision 0044); left
    /// empty, [`Store::placer_psychologie_bulk`] places it afterwards.
    pub etablissement_id: Option<i64>,
}

/// A bulk load of transmissions in one transaction, batch after batch
/// ([`Store::charger_transmissions`]).
pub struct ChargeTransmissions {
    charge: crate::sql::Charge,
    sqlite: bool,
    /// The indexes and keys to put back at the end (a large load on PostgreSQL).
    retablir: Vec<String>,
}

impl Store {
    /// Inserts transmissions in one bulk load (see [`ChargeTransmissions::ecrire`]);
    /// returns their ids.
    pub async fn insert_transmissions_bulk(
        &self,
        actor: &Actor,
        batch: &[BulkTransmission],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        let mut charge = self.charger_transmissions(false).await?;
        let ids = charge.ecrire(actor, batch, now).await?;
        charge.terminer().await?;
        Ok(ids)
    }

    /// Starts a load of transmissions in one transaction. `grand`: many rows compared with
    /// those already there (a demo base), so on PostgreSQL the table's secondary indexes and
    /// foreign keys are dropped in the transaction and built again at the end (other
    /// sessions wait for the table meanwhile; a failed load rolls back to them intact).
    pub async fn charger_transmissions(&self, grand: bool) -> StoreResult<ChargeTransmissions> {
        let mut charge = self.charge().await?;
        let retablir = if grand {
            charge.suspendre("transmission").await?
        } else {
            Vec::new()
        };
        Ok(ChargeTransmissions {
            charge,
            sqlite: self.engine() == Engine::Sqlite,
            retablir,
        })
    }
}

impl ChargeTransmissions {
    /// Writes a batch (COPY on PostgreSQL, a prepared insert per row on SQLite) with ids
    /// from the table's sequence, in the order given (write them oldest first: a search
    /// walks the ids down), their FTS5 rows on SQLite and one audit entry for the batch.
    /// Returns their ids.
    pub async fn ecrire(
        &mut self,
        actor: &Actor,
        batch: &[BulkTransmission],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let charge = &mut self.charge;
        let ids = charge.ids("transmission", batch.len()).await?;
        let mut rows = Vec::with_capacity(batch.len());
        let mut fts = Vec::new();
        for (t, id) in batch.iter().zip(&ids) {
            let at = ts(t.date);
            let corrige = match t.corrige {
                Some(CorrigeEnMasse::Lot(i)) => Some(*ids.get(i).ok_or_else(|| {
                    StoreError::Invalid("transmission corrigée hors du lot".into())
                })?),
                Some(CorrigeEnMasse::Id(id)) => Some(id),
                None => None,
            };
            let mut row = vec![
                Value::from(*id),
                t.usager_id.into(),
                t.section.into(),
                t.categorie.into(),
            ];
            // texte, cible, donnees, actions, resultats, importante.
            row.extend(t.contenu.valeurs());
            row.extend([
                at.as_str().into(),
                t.auteur_id.into(),
                t.auteur.as_str().into(),
                t.auteur_role.into(),
                corrige.into(),
                t.termes.as_str().into(),
                at.into(),
                t.etablissement_id.into(),
            ]);
            rows.push(row);
            if self.sqlite {
                fts.push(vec![Value::from(*id), t.termes.as_str().into()]);
            }
        }
        charge
            .ecrire(&Lot {
                table: "transmission",
                cols: &[
                    "id",
                    "usager_id",
                    "section",
                    "categorie",
                    "texte",
                    "cible",
                    "donnees",
                    "actions",
                    "resultats",
                    "importante",
                    "date_fait",
                    "auteur_id",
                    "auteur",
                    "auteur_role",
                    "corrige_id",
                    "termes",
                    "created_at",
                    "etablissement_id",
                ],
                rows,
            })
            .await?;
        charge
            .ecrire(&Lot {
                table: "transmission_fts",
                cols: &["rowid", "termes"],
                rows: fts,
            })
            .await?;
        audit::append_lot(
            charge,
            &NewEntry {
                section: Some("accompagnement"),
                ..NewEntry::succes(
                    actor,
                    ActionJournal::UsagerImport,
                    serde_json::json!({"transmissions": batch.len(), "premier_id": ids[0]}),
                    now,
                )
            },
        )
        .await?;
        Ok(ids)
    }

    /// Puts back what a large load dropped, and commits.
    pub async fn terminer(mut self) -> StoreResult<()> {
        self.charge.retablir(&self.retablir).await?;
        self.charge.commit().await
    }
}

impl Store {
    /// Gives the psychology transmissions loaded in bulk without an établissement the one
    /// they are read in (decision 0044): where their author works and the person stays, else
    /// the person's first établissement (as migration 0038 did for those written before).
    /// Not audited: no person's data is read. The number of rows placed.
    pub async fn placer_psychologie_bulk(&self) -> StoreResult<u64> {
        crate::sql::query(
            "UPDATE transmission SET etablissement_id = COALESCE(\
             (SELECT MIN(s.etablissement_id) FROM sejour s \
              JOIN utilisateur_etablissement ue ON ue.etablissement_id = s.etablissement_id \
              WHERE s.usager_id = transmission.usager_id AND ue.utilisateur_id = transmission.auteur_id), \
             (SELECT MIN(s.etablissement_id) FROM sejour s WHERE s.usager_id = transmission.usager_id)) \
             WHERE section = 'psychologie' AND etablissement_id IS NULL",
        )
        .execute(self)
        .await
    }

    /// Places the current stays of `usagers` in unit `unite_id` (benchmarks and demo set-up;
    /// not audited: no person's data is read or written but the unit of a stay).
    pub async fn placer_en_unite_bulk(&self, unite_id: i64, usagers: &[i64]) -> StoreResult<u64> {
        if usagers.is_empty() {
            return Ok(0);
        }
        let marks = crate::sql::marqueurs(2, usagers.len());
        let sql = format!(
            "UPDATE sejour SET unite_id = $1 WHERE date_sortie IS NULL AND usager_id IN ({})",
            marks
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
    /// Up to `n` usagers with a current stay in `etablissement`, the longest there first
    /// (benchmark set-up: a write dated some weeks back falls within their stay).
    pub async fn usagers_presents_de_longue_date(
        &self,
        etablissement: i64,
        n: i64,
    ) -> StoreResult<Vec<i64>> {
        self.presents(etablissement, n, "date_entree, usager_id")
            .await
    }

    /// Up to `n` usagers with a current stay in `etablissement` (benchmark set-up).
    pub async fn usagers_en_sejour(&self, etablissement: i64, n: i64) -> StoreResult<Vec<i64>> {
        self.presents(etablissement, n, "usager_id").await
    }

    /// Up to `n` usagers with a current stay in `etablissement`, in the order `tri` (a
    /// constant of this module, never input).
    async fn presents(&self, etablissement: i64, n: i64, tri: &str) -> StoreResult<Vec<i64>> {
        let rows = crate::sql::query(&format!(
            "SELECT usager_id FROM sejour WHERE etablissement_id = $1 AND date_sortie IS NULL ORDER BY {tri} LIMIT $2"
        ))
        .bind(etablissement)
        .bind(n)
        .fetch_all(self)
        .await?;
        rows.iter().map(|r| r.try_get::<i64, _>(0)).collect()
    }
}
