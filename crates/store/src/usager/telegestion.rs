//! The télégestion (issue 13, COO-5): what a home-care worker records on a visit — arrival,
//! departure (with the position only when the worker allowed it, rounded), tasks done or not
//! with a reason, a short note — sent one by one or as a batch recorded offline. Each entry
//! carries a client-generated id and is stored once (a second sending is acknowledged, not
//! applied again); an entry based on a version of the visit that another account changed
//! since is a conflict: kept, reported back, never applied over the other's change. A batch
//! is one transaction and one audit entry: acknowledged means committed.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use dui_domain::intervention::{conflit, position_arrondie, Mode, Tache, LOT_MAX};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Refus, Section};
use dui_domain::saisie::{self as lim};
use serde::{Deserialize, Serialize};

use super::planning::{jour_paris, TacheVisite};
use crate::audit::{self, NewEntry, Outcome};
use crate::db::Store;
use crate::policy::CapaciteTelegestion;
use crate::saisie::{borne, l};
use crate::sql::Tx;
use crate::{parse_ts, ts, StoreError, StoreResult};

/// What an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeEntree {
    /// « J'arrive ».
    Arrivee,
    /// « Je pars ».
    Depart,
    /// Tasks done or not.
    Taches,
    /// A short note.
    Note,
}

impl TypeEntree {
    fn code(self) -> &'static str {
        match self {
            TypeEntree::Arrivee => "arrivee",
            TypeEntree::Depart => "depart",
            TypeEntree::Taches => "taches",
            TypeEntree::Note => "note",
        }
    }
}

/// A position, sent only when the worker ticked their consent.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Position {
    /// Latitude (degrees).
    pub lat: f64,
    /// Longitude (degrees).
    pub lon: f64,
}

/// An entry of the télégestion as the phone sends it.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntreeTelegestion {
    /// Client-generated id (a UUID): the idempotency key.
    pub id: String,
    /// The visit.
    pub visite: i64,
    /// The version of the visit the phone had when the entry was recorded.
    pub version: i64,
    /// What it records.
    #[serde(rename = "type")]
    pub type_entree: TypeEntree,
    /// When it was recorded on the phone (ISO 8601).
    pub horodatage: String,
    /// Position (arrival, departure), only with the worker's consent.
    pub position: Option<Position>,
    /// Tasks done or not (`taches`).
    pub taches: Option<Vec<TacheVisite>>,
    /// The note (`note`).
    pub note: Option<String>,
}

/// What became of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatutEntree {
    /// Stored and applied to the visit.
    Enregistree,
    /// Already received (the same id): nothing done again.
    DejaRecue,
    /// Another account changed the visit since: kept, not applied.
    Conflit,
    /// Not acceptable (French message); not stored: the phone may correct it.
    Refusee,
}

/// The answer for one entry.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ResultatEntree {
    /// The entry's id.
    pub id: String,
    /// What became of it.
    pub statut: StatutEntree,
    /// Why (conflict, refusal), in French.
    pub message: Option<String>,
    /// The visit's version after the entry (the base of the next one).
    pub version: Option<i64>,
}

/// Most characters of a note.
pub const NOTE_MAX: usize = lim::MOTIF;
/// Most characters of a client id.
const ID_MAX: usize = 64;

const CONFLIT: &str = "La visite a été modifiée par un autre compte (réaffectée ou corrigée) depuis votre saisie : elle n'a pas été appliquée et reste visible du coordinateur.";

fn refus(e: &EntreeTelegestion, m: impl Into<String>) -> ResultatEntree {
    ResultatEntree {
        id: e.id.clone(),
        statut: StatutEntree::Refusee,
        message: Some(m.into()),
        version: None,
    }
}

/// Checks an entry on its own (French message).
fn verifier(e: &EntreeTelegestion, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    borne([
        (l("id", ID_MAX), Some(e.id.as_str())),
        (l("horodatage", lim::DATE + 20), Some(e.horodatage.as_str())),
        (l("note", NOTE_MAX), e.note.as_deref()),
    ])
    .map_err(|e| e.to_string())?;
    if e.id.trim().len() < 8 {
        return Err("L'identifiant de la saisie doit être un UUID.".into());
    }
    let quand = parse_ts(&e.horodatage)
        .map_err(|_| "L'horodatage doit être une date et heure ISO 8601.".to_string())?;
    if quand > now + Duration::minutes(5) {
        return Err("L'horodatage est dans le futur.".into());
    }
    match e.type_entree {
        TypeEntree::Taches => {
            let t = e.taches.as_deref().unwrap_or_default();
            if t.is_empty() {
                return Err("Indiquez les tâches faites ou non.".into());
            }
            for x in t {
                if x.fait == Some(false) && x.motif.as_deref().is_none_or(|m| m.trim().is_empty()) {
                    return Err(format!(
                        "Indiquez pourquoi « {} » n'a pas été faite.",
                        x.tache.label_fr()
                    ));
                }
                if x.motif
                    .as_deref()
                    .is_some_and(|m| m.chars().count() > lim::LIBELLE)
                {
                    return Err(format!(
                        "Le motif ne peut dépasser {} caractères.",
                        lim::LIBELLE
                    ));
                }
            }
        }
        TypeEntree::Note if e.note.as_deref().is_none_or(|n| n.trim().is_empty()) => {
            return Err("La note est vide.".into());
        }
        _ => {}
    }
    if let Some(p) = e.position {
        position_arrondie(p.lat, p.lon).ok_or("La position est hors des limites.")?;
    }
    Ok(quand)
}

/// The visit as an entry needs it.
#[derive(Clone)]
struct Etat {
    version: i64,
    modifie_par: Option<i64>,
    intervenant_id: Option<i64>,
    usager_id: i64,
    jour: String,
    arrivee: Option<String>,
    depart: Option<String>,
    taches_faites: String,
}

/// What a batch's entries need, read once for the whole batch (two statements, not two per
/// entry) and kept current as the batch applies its entries: the entries already received
/// (by client id, with their status) and the visits they record.
struct Lot {
    recues: HashMap<String, String>,
    etats: HashMap<i64, Etat>,
}

async fn charger_lot(tx: &mut Tx, entrees: &[EntreeTelegestion]) -> StoreResult<Lot> {
    let mut uuids: Vec<&str> = entrees.iter().map(|e| e.id.as_str()).collect();
    uuids.sort_unstable();
    uuids.dedup();
    let mut visites: Vec<i64> = entrees.iter().map(|e| e.visite).collect();
    visites.sort_unstable();
    visites.dedup();
    let mut recues = HashMap::new();
    if !uuids.is_empty() {
        let sql = format!(
            "SELECT uuid, statut FROM telegestion_entree WHERE uuid IN ({})",
            crate::sql::marqueurs(1, uuids.len())
        );
        let mut q = crate::sql::query(&sql);
        for u in &uuids {
            q = q.bind(*u);
        }
        for r in q.fetch_all(&mut *tx).await? {
            recues.insert(r.try_get("uuid")?, r.try_get("statut")?);
        }
    }
    let mut etats = HashMap::new();
    if !visites.is_empty() {
        let sql = format!(
            "SELECT id, version, modifie_par, intervenant_id, usager_id, jour, arrivee, depart, taches_faites FROM visite WHERE id IN ({})",
            crate::sql::marqueurs(1, visites.len())
        );
        let mut q = crate::sql::query(&sql);
        for v in &visites {
            q = q.bind(*v);
        }
        for r in q.fetch_all(&mut *tx).await? {
            etats.insert(
                r.try_get("id")?,
                Etat {
                    version: r.try_get("version")?,
                    modifie_par: r.try_get("modifie_par")?,
                    intervenant_id: r.try_get("intervenant_id")?,
                    usager_id: r.try_get("usager_id")?,
                    jour: r.try_get("jour")?,
                    arrivee: r.try_get("arrivee")?,
                    depart: r.try_get("depart")?,
                    taches_faites: r.try_get("taches_faites")?,
                },
            );
        }
    }
    Ok(Lot { recues, etats })
}

/// Applies one entry in `tx`: its result, and the file it touched when stored.
async fn appliquer(
    tx: &mut Tx,
    cap: &CapaciteTelegestion,
    e: &EntreeTelegestion,
    lot: &mut Lot,
) -> StoreResult<(ResultatEntree, Option<i64>)> {
    let moi = cap.principal().id;
    let quand = match verifier(e, cap.at()) {
        Ok(q) => q,
        Err(m) => return Ok((refus(e, m), None)),
    };
    if let Some(avant) = lot.recues.get(&e.id) {
        let version = lot.etats.get(&e.visite).map(|v| v.version);
        let message = (avant == "conflit").then(|| CONFLIT.to_string());
        return Ok((
            ResultatEntree {
                id: e.id.clone(),
                statut: StatutEntree::DejaRecue,
                message,
                version,
            },
            None,
        ));
    }
    let Some(v) = lot.etats.get(&e.visite).cloned() else {
        return Ok((refus(e, "Cette visite n'existe pas."), None));
    };
    // A worker records their own visits of today (or yesterday's, sent after midnight).
    let aujourdhui = jour_paris(cap.at());
    let recent =
        v.jour == aujourdhui.to_string() || v.jour == (aujourdhui - Duration::days(1)).to_string();
    let a_moi = v.intervenant_id == Some(moi);
    if e.version > v.version || e.version < 1 {
        return Ok((refus(e, "Version de la visite inconnue."), None));
    }
    let est_conflit = conflit(e.version, v.version, v.modifie_par, moi);
    if !est_conflit && (!a_moi || !recent) {
        return Ok((
            refus(e, "Cette visite ne fait pas partie de votre journée."),
            None,
        ));
    }
    let statut = if est_conflit {
        "conflit"
    } else {
        "enregistree"
    };
    let contenu = serde_json::to_string(e)
        .map_err(|x| StoreError::Invalid(format!("Saisie illisible : {x}")))?;
    let at = ts(cap.at());
    crate::sql::query(
        "INSERT INTO telegestion_entree (uuid, visite_id, usager_id, utilisateur_id, type_entree, version_base, statut, saisi_a, recu_a, contenu) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(e.id.as_str())
    .bind(e.visite)
    .bind(v.usager_id)
    .bind(moi)
    .bind(e.type_entree.code())
    .bind(e.version)
    .bind(statut)
    .bind(ts(quand))
    .bind(at.clone())
    .bind(contenu)
    .execute(&mut *tx)
    .await?;
    lot.recues.insert(e.id.clone(), statut.to_string());
    if est_conflit {
        return Ok((
            ResultatEntree {
                id: e.id.clone(),
                statut: StatutEntree::Conflit,
                message: Some(CONFLIT.into()),
                version: Some(v.version),
            },
            Some(v.usager_id),
        ));
    }
    let pos = e.position.and_then(|p| position_arrondie(p.lat, p.lon));
    let (lat, lon) = (pos.map(|p| p.0), pos.map(|p| p.1));
    let mut taches = None;
    let q = match e.type_entree {
        // The first arrival and departure are kept: a second press changes nothing.
        TypeEntree::Arrivee if v.arrivee.is_none() => crate::sql::query(
            "UPDATE visite SET arrivee = $1, arrivee_lat = $2, arrivee_lon = $3, version = version + 1, modifie_par = $4, updated_at = $5 WHERE id = $6 AND version = $7",
        )
        .bind(ts(quand))
        .bind(lat)
        .bind(lon),
        TypeEntree::Depart if v.depart.is_none() => crate::sql::query(
            "UPDATE visite SET depart = $1, depart_lat = $2, depart_lon = $3, version = version + 1, modifie_par = $4, updated_at = $5 WHERE id = $6 AND version = $7",
        )
        .bind(ts(quand))
        .bind(lat)
        .bind(lon),
        TypeEntree::Taches => {
            let mut faites: Vec<TacheVisite> =
                serde_json::from_str(&v.taches_faites).unwrap_or_default();
            for t in e.taches.as_deref().unwrap_or_default() {
                faites.retain(|f| f.tache != t.tache);
                faites.push(TacheVisite {
                    tache: t.tache,
                    fait: t.fait,
                    motif: t.motif.as_deref().map(str::trim).map(String::from),
                });
            }
            faites.sort_by_key(|f| Tache::ALL.iter().position(|t| *t == f.tache));
            taches = Some(serde_json::to_string(&faites).unwrap_or_else(|_| "[]".into()));
            crate::sql::query(
                "UPDATE visite SET taches_faites = $1, version = version + 1, modifie_par = $2, updated_at = $3 WHERE id = $4 AND version = $5",
            )
            .bind(taches.clone())
        }
        TypeEntree::Note => crate::sql::query(
            "UPDATE visite SET note = $1, version = version + 1, modifie_par = $2, updated_at = $3 WHERE id = $4 AND version = $5",
        )
        .bind(e.note.as_deref().map(str::trim)),
        _ => {
            return Ok((
                ResultatEntree {
                    id: e.id.clone(),
                    statut: StatutEntree::Enregistree,
                    message: None,
                    version: Some(v.version),
                },
                Some(v.usager_id),
            ))
        }
    };
    let n = q
        .bind(moi)
        .bind(at)
        .bind(e.visite)
        .bind(v.version)
        .execute(&mut *tx)
        .await?;
    if n == 0 {
        // Changed by another transaction since this batch read it: kept as a conflict,
        // never applied over the other change.
        crate::sql::query("UPDATE telegestion_entree SET statut = 'conflit' WHERE uuid = $1")
            .bind(e.id.as_str())
            .execute(&mut *tx)
            .await?;
        lot.recues.insert(e.id.clone(), "conflit".into());
        return Ok((
            ResultatEntree {
                id: e.id.clone(),
                statut: StatutEntree::Conflit,
                message: Some(CONFLIT.into()),
                version: None,
            },
            Some(v.usager_id),
        ));
    }
    // The visit as this batch's next entries find it.
    if let Some(etat) = lot.etats.get_mut(&e.visite) {
        etat.version += 1;
        etat.modifie_par = Some(moi);
        match e.type_entree {
            TypeEntree::Arrivee => etat.arrivee = Some(ts(quand)),
            TypeEntree::Depart => etat.depart = Some(ts(quand)),
            _ => {}
        }
        if let Some(t) = taches {
            etat.taches_faites = t;
        }
    }
    Ok((
        ResultatEntree {
            id: e.id.clone(),
            statut: StatutEntree::Enregistree,
            message: None,
            version: Some(v.version + 1),
        },
        Some(v.usager_id),
    ))
}

/// An entry as received, for the coordinator (conflicts are shown, nothing is lost).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EntreeRecue {
    /// The client id.
    pub id: String,
    /// What it recorded.
    #[serde(rename = "type")]
    pub type_entree: String,
    /// `enregistree` or `conflit`.
    pub statut: String,
    /// The worker's account.
    pub utilisateur_id: i64,
    /// When it was recorded on the phone.
    pub saisi_a: String,
    /// When the server received it.
    pub recu_a: String,
}

impl Store {
    /// The entries received for a visit in the scope of `cap` (conflicts included), in
    /// order of reception; empty outside the scope.
    pub async fn entrees_de_visite(
        &self,
        cap: &CapaciteTelegestion,
        visite: i64,
    ) -> StoreResult<Vec<EntreeRecue>> {
        if self.visite_brute(cap, visite, 0).await?.is_none() {
            return Ok(Vec::new());
        }
        crate::sql::query(
            "SELECT uuid, type_entree, statut, utilisateur_id, saisi_a, recu_a FROM telegestion_entree WHERE visite_id = $1 ORDER BY id",
        )
        .bind(visite)
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| {
            Ok(colonnes!(r => EntreeRecue {
                type_entree, statut, utilisateur_id, saisi_a, recu_a;
                id: r.try_get("uuid")?,
            }))
        })
        .collect()
    }

    /// Stores a batch of entries of the worker (at most [`LOT_MAX`]) in one transaction and
    /// one audit entry: each is stored once by its id, a conflict is kept and reported, a
    /// refused one is not stored. One result per entry, in order.
    pub async fn synchroniser(
        &self,
        cap: &CapaciteTelegestion,
        entrees: &[EntreeTelegestion],
    ) -> StoreResult<Vec<ResultatEntree>> {
        if cap.mode() != Mode::Intervenant {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        if entrees.len() > LOT_MAX {
            return Err(StoreError::Invalid(format!(
                "{LOT_MAX} saisies par envoi au plus."
            )));
        }
        let mut tx = self.begin().await?;
        let mut lot = charger_lot(&mut tx, entrees).await?;
        let mut resultats = Vec::with_capacity(entrees.len());
        let mut usagers = Vec::new();
        let mut visites = Vec::new();
        for e in entrees {
            let (r, u) = appliquer(&mut tx, cap, e, &mut lot).await?;
            if let Some(u) = u {
                usagers.push(u);
                visites.push(e.visite);
            }
            resultats.push(r);
        }
        if !usagers.is_empty() {
            usagers.sort_unstable();
            usagers.dedup();
            visites.sort_unstable();
            visites.dedup();
            let conflits = resultats
                .iter()
                .filter(|r| r.statut == StatutEntree::Conflit)
                .count();
            audit::append(
                &mut tx,
                &NewEntry {
                    actor: &cap.principal().actor(),
                    action: ActionJournal::VisiteSaisie,
                    usager_id: (usagers.len() == 1).then(|| usagers[0]),
                    section: Some(Section::Accompagnement.code()),
                    outcome: Outcome::Succes,
                    detail: serde_json::json!({"visites": visites, "usagers": usagers,
                        "entrees": entrees.len(), "conflits": conflits}),
                    at: cap.at(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(resultats)
    }
}
