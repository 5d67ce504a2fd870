//! The home-care planning (issue 13, COO-5): the visits of a service over a range (the
//! coordinator's day and week, overlaps of a worker flagged), a worker's own visits of
//! today (the phone), one visit, a visit given to another worker, and the planned vs done
//! report of a month. Visits are generated from the interventions when first shown.
//! Every read is audited in one entry naming the files (as the presences).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::intervention::{chevauchements, Bilan, Deroulement, Mode, StatutVisite, Tache};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::presence::Mois;
use dui_domain::usager::nommage::{self, NomPersonne};
use dui_domain::usager::Sexe;
use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::intervention::{affecter_intervenant, generer_visites, verifier_intervenant};
use crate::audit::{self, NewEntry, Outcome};
use crate::db::Store;
use crate::fiche::code;
use crate::policy::CapaciteTelegestion;
use crate::{parse_ts, ts, StoreError, StoreResult};

/// A task of a visit and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TacheVisite {
    /// Task code (`toilette`…).
    pub tache: Tache,
    /// Done (`true`), not done (`false`), not said yet (absent).
    pub fait: Option<bool>,
    /// Why not done.
    pub motif: Option<String>,
}

/// A visit as a planning shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Visite {
    /// Id.
    pub id: i64,
    /// Version (raised by every change; the base of an offline entry).
    pub version: i64,
    /// The planned intervention.
    pub intervention_id: i64,
    /// The person visited.
    pub usager_id: UsagerId,
    /// « DUPONT Jeanne ».
    pub usager: String,
    /// Where the visit takes place.
    pub adresse: Option<String>,
    /// The worker who goes.
    pub intervenant_id: Option<i64>,
    /// « MARTIN Paul ».
    pub intervenant: Option<String>,
    /// Local day (`AAAA-MM-JJ`).
    pub jour: String,
    /// Start of the window (instant).
    pub debut_prevu: String,
    /// End of the window (instant).
    pub fin_prevue: String,
    /// Planned minutes.
    pub duree_minutes: i64,
    /// Arrival recorded (instant).
    pub arrivee: Option<String>,
    /// Departure recorded (instant).
    pub depart: Option<String>,
    /// Tasks, planned and what became of them.
    pub taches: Vec<TacheVisite>,
    /// Another task, in words.
    pub tache_libre: Option<String>,
    /// Qualification required.
    pub qualification: Option<String>,
    /// The worker's note.
    pub note: Option<String>,
    /// Where it stands now.
    pub statut: StatutVisite,
    /// Overlaps another visit of the same worker in this list.
    pub chevauchement: bool,
}

impl Visite {
    /// What the status and the report need.
    pub fn deroulement(&self) -> StoreResult<Deroulement> {
        let opt = |s: &Option<String>| s.as_deref().map(parse_ts).transpose();
        Ok(Deroulement {
            debut: parse_ts(&self.debut_prevu)?,
            fin: parse_ts(&self.fin_prevue)?,
            duree_minutes: self.duree_minutes,
            arrivee: opt(&self.arrivee)?,
            depart: opt(&self.depart)?,
        })
    }
}

const SELECT: &str = "SELECT v.id, v.version, v.intervention_id, v.usager_id, v.intervenant_id, v.jour, v.debut_prevu, v.fin_prevue, \
    v.duree_minutes, v.arrivee, v.depart, v.taches_faites, v.note, i.taches, i.tache_libre, i.qualification, \
    u.nom_naissance, u.nom_utilise, u.premier_prenom, u.prenom_utilise, u.sexe, i.adresse, w.nom AS w_nom, w.prenom AS w_prenom \
    FROM visite v JOIN intervention i ON i.id = v.intervention_id JOIN usager u ON u.id = v.usager_id \
    LEFT JOIN utilisateur w ON w.id = v.intervenant_id";

/// What the visits of one read share, made once per read rather than once per visit (a
/// week of a service is 2,000 visits of some 300 persons, 40 workers, 400 interventions):
/// the persons' and workers' names as shown, each intervention's planned tasks.
#[derive(Default)]
pub(crate) struct Communs {
    usagers: HashMap<i64, String>,
    intervenants: HashMap<i64, Option<String>>,
    taches: HashMap<i64, Vec<Tache>>,
}

pub(crate) fn visite_from(
    r: &crate::sql::Row,
    now: DateTime<Utc>,
    retard: i64,
    communs: &mut Communs,
) -> StoreResult<Visite> {
    let faites: String = r.try_get("taches_faites")?;
    let faites: Vec<TacheVisite> = serde_json::from_str(&faites)
        .map_err(|e| StoreError::Corrupt(format!("taches_faites illisible : {e}")))?;
    let intervention_id: i64 = r.try_get("intervention_id")?;
    let prevues = match communs.taches.entry(intervention_id) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => {
            let texte: String = r.try_get("taches")?;
            e.insert(
                super::intervention::parse_taches(&texte)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            )
        }
    };
    let taches = prevues
        .iter()
        .copied()
        .map(|t| {
            faites
                .iter()
                .find(|f| f.tache == t)
                .cloned()
                .unwrap_or(TacheVisite {
                    tache: t,
                    fait: None,
                    motif: None,
                })
        })
        .collect();
    let usager_id: i64 = r.try_get("usager_id")?;
    let usager = match communs.usagers.entry(usager_id) {
        Entry::Occupied(e) => e.get().clone(),
        Entry::Vacant(e) => {
            let nom_naissance: String = r.try_get("nom_naissance")?;
            let nom_utilise: Option<String> = r.try_get("nom_utilise")?;
            let premier_prenom: String = r.try_get("premier_prenom")?;
            let prenom_utilise: Option<String> = r.try_get("prenom_utilise")?;
            let nom = NomPersonne {
                nom_naissance: &nom_naissance,
                nom_utilise: nom_utilise.as_deref(),
                premier_prenom: &premier_prenom,
                prenom_utilise: prenom_utilise.as_deref(),
                sexe: code(r, "sexe", Sexe::from_code)?,
            }
            .affiche();
            e.insert(nom).clone()
        }
    };
    let intervenant_id: Option<i64> = r.try_get("intervenant_id")?;
    let intervenant = match intervenant_id.map(|w| communs.intervenants.entry(w)) {
        None => None,
        Some(Entry::Occupied(e)) => e.get().clone(),
        Some(Entry::Vacant(e)) => {
            let w_nom: Option<String> = r.try_get("w_nom")?;
            let w_prenom: Option<String> = r.try_get("w_prenom")?;
            e.insert(w_nom.map(|n| {
                nommage::nom_prenom(
                    &nommage::nom_majuscules(&n),
                    &nommage::prenom_capitalise(&w_prenom.unwrap_or_default()),
                )
            }))
            .clone()
        }
    };
    let mut v = colonnes!(r => Visite {
        id, version, adresse, jour, debut_prevu, fin_prevue, duree_minutes, arrivee, depart,
        tache_libre, qualification, note;
        intervention_id, usager_id: UsagerId(usager_id), usager, intervenant_id, intervenant,
        taches, statut: StatutVisite::Prevue, chevauchement: false,
    });
    v.statut = v.deroulement()?.statut(now, retard);
    Ok(v)
}

/// Flags the visits that overlap another of the same worker (planned duration from the
/// start of the window).
fn marquer_chevauchements(visites: &mut [Visite]) -> StoreResult<()> {
    let mut cles = Vec::with_capacity(visites.len());
    for v in visites.iter() {
        let d = parse_ts(&v.debut_prevu)?;
        cles.push((
            v.intervenant_id.unwrap_or(0),
            d,
            d + Duration::minutes(v.duree_minutes),
        ));
    }
    for i in chevauchements(&cles) {
        if visites[i].intervenant_id.is_some() {
            visites[i].chevauchement = true;
        }
    }
    Ok(())
}

/// The local day of an instant in Paris (the domain's rule, under the name the store's
/// callers use).
pub use dui_domain::feuille_soins::jour_local as jour_paris;

/// A line of the planned vs done report.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LigneBilan {
    /// The person (per usager) or the worker (per worker) id.
    pub id: i64,
    /// Their name.
    pub nom: String,
    /// The figures.
    #[serde(flatten)]
    pub bilan: Bilan,
}

/// The planned vs done report of a service for a month.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BilanMois {
    /// The établissement.
    pub etablissement_id: i64,
    /// `AAAA-MM`.
    pub mois: String,
    /// Per person.
    pub par_usager: Vec<LigneBilan>,
    /// Per worker.
    pub par_intervenant: Vec<LigneBilan>,
    /// The whole service.
    pub total: Bilan,
}

impl Store {
    /// The établissements among `etablissements` that plan home-care interventions, with
    /// their names (no person data): the choices of the coordinator's planning.
    pub async fn services_a_domicile(
        &self,
        etablissements: &[i64],
    ) -> StoreResult<Vec<(i64, String)>> {
        let mut v = Vec::new();
        for e in etablissements {
            if let Some(r) = crate::sql::query(
                "SELECT e.id, e.nom FROM etablissement e WHERE e.id = $1 AND EXISTS (SELECT 1 FROM intervention i WHERE i.etablissement_id = e.id)",
            )
            .bind(*e)
            .fetch_optional(self)
            .await?
            {
                v.push((r.try_get("id")?, r.try_get("nom")?));
            }
        }
        Ok(v)
    }

    /// The établissements of `etablissements` with their names (the choice of a service).
    pub async fn etablissements_nommes(
        &self,
        etablissements: &[i64],
    ) -> StoreResult<Vec<(i64, String)>> {
        let mut v = Vec::new();
        for e in etablissements {
            if let Some(r) = crate::sql::query("SELECT id, nom FROM etablissement WHERE id = $1")
                .bind(*e)
                .fetch_optional(self)
                .await?
            {
                v.push((r.try_get("id")?, r.try_get("nom")?));
            }
        }
        Ok(v)
    }

    /// The active home-care workers of `etablissements`, « NOM Prénom », by name (staff data).
    pub async fn intervenants_domicile(
        &self,
        etablissements: &[i64],
    ) -> StoreResult<Vec<(i64, String)>> {
        Ok(self
            .comptes_des_etablissements(
                "",
                etablissements,
                &[dui_domain::policy::Role::IntervenantDomicile],
                500,
            )
            .await?
            .into_iter()
            .map(|c| (c.id, c.nom))
            .collect())
    }

    async fn journaliser_planning(
        &self,
        cap: &CapaciteTelegestion,
        action: ActionJournal,
        visites: &[Visite],
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        let mut usagers: Vec<i64> = visites.iter().map(|v| v.usager_id.get()).collect();
        usagers.sort_unstable();
        usagers.dedup();
        let mut d = detail;
        d["etablissement_id"] = cap.etablissement_id().into();
        d["usagers"] = usagers.into();
        self.reads
            .log(crate::read_log::ReadEntry {
                actor: cap.principal().actor(),
                action,
                usager_id: None,
                section: Some(Section::Accompagnement.code()),
                outcome: Outcome::Succes,
                detail: d.to_string(),
                at: cap.at(),
            })
            .await
    }

    /// The visits of the coordinator's service from `du` to `au` (local days, included),
    /// of one worker when `intervenant` is given, by start; overlaps flagged. Generates the
    /// visits not generated yet. Audited (one entry naming the files).
    pub async fn planning_service(
        &self,
        cap: &CapaciteTelegestion,
        du: NaiveDate,
        au: NaiveDate,
        intervenant: Option<i64>,
        retard: i64,
    ) -> StoreResult<Vec<Visite>> {
        let (Mode::Coordination, Some(e)) = (cap.mode(), cap.etablissement_id()) else {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        };
        if (au - du).num_days() > 62 || au < du {
            return Err(StoreError::Invalid(
                "La période du planning va de 1 à 62 jours.".into(),
            ));
        }
        generer_visites(self, "etablissement_id", e, du, au, &ts(cap.at())).await?;
        let filtre = if intervenant.is_some() {
            " AND v.intervenant_id = $4"
        } else {
            ""
        };
        let sql = format!(
            "{SELECT} WHERE v.etablissement_id = $1 AND v.jour >= $2 AND v.jour <= $3{filtre} ORDER BY v.debut_prevu, v.id"
        );
        let mut q = crate::sql::query(&sql)
            .bind(e)
            .bind(du.to_string())
            .bind(au.to_string());
        if let Some(w) = intervenant {
            q = q.bind(w);
        }
        let mut communs = Communs::default();
        let mut visites = q
            .fetch_all(self)
            .await?
            .iter()
            .map(|r| visite_from(r, cap.at(), retard, &mut communs))
            .collect::<StoreResult<Vec<_>>>()?;
        marquer_chevauchements(&mut visites)?;
        self.journaliser_planning(
            cap,
            ActionJournal::PlanningLecture,
            &visites,
            serde_json::json!({"du": du.to_string(), "au": au.to_string(), "intervenant_id": intervenant, "nombre": visites.len()}),
        )
        .await?;
        Ok(visites)
    }

    /// The worker's own visits of today (Paris), by start: the phone's day. Generates them
    /// when needed. Audited.
    pub async fn ma_journee(
        &self,
        cap: &CapaciteTelegestion,
        retard: i64,
    ) -> StoreResult<Vec<Visite>> {
        if cap.mode() != Mode::Intervenant {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        let moi = cap.principal().id;
        let jour = jour_paris(cap.at());
        generer_visites(self, "intervenant_id", moi, jour, jour, &ts(cap.at())).await?;
        let mut communs = Communs::default();
        let visites = crate::sql::query(&format!(
            "{SELECT} WHERE v.intervenant_id = $1 AND v.jour = $2 ORDER BY v.debut_prevu, v.id"
        ))
        .bind(moi)
        .bind(jour.to_string())
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| visite_from(r, cap.at(), retard, &mut communs))
        .collect::<StoreResult<Vec<_>>>()?;
        self.journaliser_planning(
            cap,
            ActionJournal::PlanningLecture,
            &visites,
            serde_json::json!({"jour": jour.to_string(), "nombre": visites.len()}),
        )
        .await?;
        Ok(visites)
    }

    /// One visit within the scope of `cap` (the coordinator's service; a worker's own visit
    /// of today), audited; `None` outside it.
    pub async fn visite(
        &self,
        cap: &CapaciteTelegestion,
        id: i64,
        retard: i64,
    ) -> StoreResult<Option<Visite>> {
        let Some(v) = self.visite_brute(cap, id, retard).await? else {
            return Ok(None);
        };
        self.journaliser_planning(
            cap,
            ActionJournal::PlanningLecture,
            std::slice::from_ref(&v),
            serde_json::json!({"visite_id": id}),
        )
        .await?;
        Ok(Some(v))
    }

    /// One visit within the scope of `cap`, not audited (the caller audits what it does).
    pub(crate) async fn visite_brute(
        &self,
        cap: &CapaciteTelegestion,
        id: i64,
        retard: i64,
    ) -> StoreResult<Option<Visite>> {
        let row = crate::sql::query(&format!("{SELECT} WHERE v.id = $1"))
            .bind(id)
            .fetch_optional(self)
            .await?;
        let Some(v) = row
            .map(|r| visite_from(&r, cap.at(), retard, &mut Communs::default()))
            .transpose()?
        else {
            return Ok(None);
        };
        let visible = match cap.mode() {
            Mode::Coordination => {
                let e: Option<i64> =
                    crate::sql::query("SELECT etablissement_id FROM visite WHERE id = $1")
                        .bind(id)
                        .fetch_scalar(self)
                        .await
                        .ok();
                e.is_some() && e == cap.etablissement_id()
            }
            Mode::Intervenant => {
                v.intervenant_id == Some(cap.principal().id)
                    && v.jour == jour_paris(cap.at()).to_string()
            }
        };
        Ok(visible.then_some(v))
    }

    /// Gives a visit of the coordinator's service to another home-care worker of the service
    /// (assigned to the person), with the version read (409 otherwise). Audited. The new
    /// version.
    pub async fn reaffecter_visite(
        &self,
        cap: &CapaciteTelegestion,
        id: i64,
        version: i64,
        intervenant_id: i64,
    ) -> StoreResult<i64> {
        let (Mode::Coordination, Some(e), Action::Valider | Action::Ecrire) =
            (cap.mode(), cap.etablissement_id(), cap.action())
        else {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        };
        let mut tx = self.begin().await?;
        let usager: Option<i64> = crate::sql::query(
            "SELECT usager_id FROM visite WHERE id = $1 AND etablissement_id = $2",
        )
        .bind(id)
        .bind(e)
        .fetch_optional(&mut tx)
        .await?
        .map(|r| r.try_get("usager_id"))
        .transpose()?;
        let usager = usager.ok_or(StoreError::NotFound)?;
        verifier_intervenant(&mut tx, intervenant_id, e).await?;
        let at = ts(cap.at());
        crate::sql::query(
            "UPDATE visite SET intervenant_id = $1, modifie_par = $2, updated_at = $3, version = version + 1 \
             WHERE etablissement_id = $4 AND id = $5 AND version = $6",
        )
        .bind(intervenant_id)
        .bind(cap.principal().id)
        .bind(at.clone())
        .bind(e)
        .execute_versioned(&mut tx, "visite", id, version)
        .await?;
        affecter_intervenant(&mut tx, intervenant_id, usager, &at).await?;
        audit::append(
            &mut tx,
            &NewEntry {
                actor: &cap.principal().actor(),
                action: ActionJournal::VisiteReaffectation,
                usager_id: Some(usager),
                section: Some(Section::Accompagnement.code()),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"visite_id": id, "intervenant_id": intervenant_id, "etablissement_id": e}),
                at: cap.at(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version + 1)
    }

    /// The planned vs done report of the coordinator's service for `mois`, per person and per
    /// worker (visits generated for the whole month). Audited.
    pub async fn bilan_planning(
        &self,
        cap: &CapaciteTelegestion,
        mois: Mois,
        retard: i64,
    ) -> StoreResult<BilanMois> {
        let (du, au) = (mois.debut(), mois.fin() - Duration::days(1));
        let visites = self.planning_service(cap, du, au, None, retard).await?;
        let mut total = Bilan::default();
        let mut par_u: std::collections::BTreeMap<(String, i64), Bilan> = Default::default();
        let mut par_w: std::collections::BTreeMap<(String, i64), Bilan> = Default::default();
        for v in &visites {
            let d = v.deroulement()?;
            total.ajouter(&d, cap.at(), retard);
            par_u
                .entry((v.usager.clone(), v.usager_id.get()))
                .or_default()
                .ajouter(&d, cap.at(), retard);
            let w = (
                v.intervenant
                    .clone()
                    .unwrap_or_else(|| "Non affectée".into()),
                v.intervenant_id.unwrap_or(0),
            );
            par_w.entry(w).or_default().ajouter(&d, cap.at(), retard);
        }
        let lignes = |m: std::collections::BTreeMap<(String, i64), Bilan>| {
            m.into_iter()
                .map(|((nom, id), bilan)| LigneBilan { id, nom, bilan })
                .collect()
        };
        self.journaliser_planning(
            cap,
            ActionJournal::PlanningBilan,
            &visites,
            serde_json::json!({"mois": mois.code()}),
        )
        .await?;
        Ok(BilanMois {
            etablissement_id: cap.etablissement_id().unwrap_or(0),
            mois: mois.code(),
            par_usager: lignes(par_u),
            par_intervenant: lignes(par_w),
            total,
        })
    }
}
