//! Planned home-care interventions of a person (issue 13, COO-5): tasks, days of the week,
//! local time window, duration, required qualification, the worker assigned; added and
//! changed by the coordinator (validating the accompaniment section) with optimistic
//! versions. The visits are generated from them (`planning`); a change regenerates the
//! visits to come that nothing was recorded on.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveTime};
use dui_domain::intervention::{Recurrence, Tache, TACHES_MAX};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use crate::db::Store;
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::sql::{Tx, Value};
use crate::stored::Stored;
use crate::{ts, StoreError, StoreResult};

/// A planned intervention.
pub type Intervention = Stored<InterventionInput>;

/// Fields of a planned intervention.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct InterventionInput {
    /// The home-care service (établissement id).
    pub etablissement_id: i64,
    /// The worker assigned (an `intervenant_domicile` account of the service), if any.
    pub intervenant_id: Option<i64>,
    /// Task codes, comma-separated (`toilette,repas`).
    pub taches: String,
    /// Another task, in words.
    pub tache_libre: Option<String>,
    /// Where the visits take place (the person's home).
    pub adresse: Option<String>,
    /// ISO weekdays (`1,4`; 1 = lundi).
    pub jours_semaine: String,
    /// Local start of the window (Europe/Paris), `HH:MM`.
    pub heure_debut: String,
    /// Local end of the window, `HH:MM`.
    pub heure_fin: String,
    /// Planned duration in minutes.
    pub duree_minutes: i64,
    /// Qualification required (« auxiliaire de vie », « aide-soignant »…).
    pub qualification: Option<String>,
    /// First day (`AAAA-MM-JJ`).
    pub date_debut: String,
    /// Last day included (`AAAA-MM-JJ`), if any.
    pub date_fin: Option<String>,
}

/// Task codes `toilette,repas` read, checked (French messages), without duplicates.
pub fn parse_taches(s: &str) -> StoreResult<Vec<Tache>> {
    let mut v: Vec<Tache> = Vec::new();
    for c in s.split([',', ' ', ';']).filter(|c| !c.is_empty()) {
        let t = Tache::from_code(c)
            .ok_or_else(|| StoreError::Invalid(format!("La tâche « {c} » est inconnue.")))?;
        if !v.contains(&t) {
            v.push(t);
        }
    }
    if v.len() > TACHES_MAX {
        return Err(StoreError::Invalid(format!(
            "{TACHES_MAX} tâches par intervention au plus."
        )));
    }
    Ok(v)
}

impl InterventionInput {
    /// The recurrence, checked (French messages).
    pub fn recurrence(&self) -> StoreResult<Recurrence> {
        let (debut, fin) =
            super::plan_soins::premier_dernier_jour(&self.date_debut, self.date_fin.as_deref())?;
        Recurrence::new(
            debut,
            fin,
            &self.jours_semaine,
            &self.heure_debut,
            &self.heure_fin,
            self.duree_minutes,
        )
        .map_err(StoreError::Invalid)
    }

    fn borner(&self) -> StoreResult<(Recurrence, Vec<Tache>)> {
        borne([
            (l("taches", lim::LIBELLE), Some(self.taches.as_str())),
            (l("tache_libre", lim::LIBELLE), self.tache_libre.as_deref()),
            (l("adresse", lim::ADRESSE), self.adresse.as_deref()),
            (
                l("jours_semaine", lim::CODE),
                Some(self.jours_semaine.as_str()),
            ),
            (l("heure_debut", lim::DATE), Some(self.heure_debut.as_str())),
            (l("heure_fin", lim::DATE), Some(self.heure_fin.as_str())),
            (
                l("qualification", lim::FONCTION),
                self.qualification.as_deref(),
            ),
            (l("date_debut", lim::DATE), Some(self.date_debut.as_str())),
            (l("date_fin", lim::DATE), self.date_fin.as_deref()),
        ])?;
        let taches = parse_taches(&self.taches)?;
        if taches.is_empty()
            && self
                .tache_libre
                .as_deref()
                .is_none_or(|t| t.trim().is_empty())
        {
            return Err(StoreError::Invalid(
                "Indiquez au moins une tâche à réaliser.".into(),
            ));
        }
        Ok((self.recurrence()?, taches))
    }

    /// Values of the INSERT and the UPDATE, in this order: etablissement_id, intervenant_id,
    /// taches, tache_libre, adresse, jours_semaine, heure_debut, heure_fin, duree_minutes,
    /// qualification, date_debut, date_fin (as normalised by the recurrence).
    fn valeurs(&self, r: &Recurrence, taches: &[Tache]) -> Vec<Value> {
        let jours: Vec<String> = r.jours.iter().map(u32::to_string).collect();
        let codes: Vec<&str> = taches.iter().map(|t| t.code()).collect();
        vec![
            self.etablissement_id.into(),
            self.intervenant_id.into(),
            codes.join(",").into(),
            self.tache_libre.as_deref().map(str::trim).into(),
            self.adresse.as_deref().map(str::trim).into(),
            jours.join(",").into(),
            r.heure_debut.format("%H:%M").to_string().into(),
            r.heure_fin.format("%H:%M").to_string().into(),
            i64::from(r.duree_minutes).into(),
            self.qualification.as_deref().map(str::trim).into(),
            r.debut.to_string().into(),
            r.fin.map(|d| d.to_string()).into(),
        ]
    }
}

pub(crate) const COLONNES: &str = "id, etablissement_id, intervenant_id, taches, tache_libre, adresse, jours_semaine, heure_debut, heure_fin, duree_minutes, qualification, date_debut, date_fin, version";

pub(crate) fn intervention_from(r: &crate::sql::Row) -> StoreResult<Intervention> {
    let fields = colonnes!(r => InterventionInput {
        etablissement_id, intervenant_id, taches, tache_libre, adresse, jours_semaine,
        heure_debut, heure_fin, duree_minutes, qualification, date_debut, date_fin,
    });
    Ok(colonnes!(r => Intervention { id, version; fields }))
}

/// Refuses a worker who is not a home-care worker of `etablissement_id`.
pub(crate) async fn verifier_intervenant(
    tx: &mut Tx,
    intervenant_id: i64,
    etablissement_id: i64,
) -> StoreResult<()> {
    let ok = crate::sql::query(
        "SELECT u.role FROM utilisateur u JOIN utilisateur_etablissement ue ON ue.utilisateur_id = u.id \
         WHERE u.id = $1 AND ue.etablissement_id = $2 AND u.actif = 1",
    )
    .bind(intervenant_id)
    .bind(etablissement_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| r.try_get::<String, _>("role"))
    .transpose()?
    .is_some_and(|role| role == Role::IntervenantDomicile.code());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            "L'intervenant doit être un intervenant à domicile du service.".into(),
        ))
    }
}

/// Assigns the worker to the person (so that they may open the file they visit), once.
pub(crate) async fn affecter_intervenant(
    tx: &mut Tx,
    intervenant_id: i64,
    usager_id: i64,
    at: &str,
) -> StoreResult<()> {
    crate::sql::query(
        "INSERT INTO affectation (utilisateur_id, usager_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (utilisateur_id, usager_id) DO NOTHING",
    )
    .bind(intervenant_id)
    .bind(usager_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Removes the visits to come of intervention `id` that nothing was recorded on, so that
/// the next read of a planning generates them again from the changed intervention.
async fn retirer_visites_a_venir(tx: &mut Tx, id: i64, depuis: NaiveDate) -> StoreResult<()> {
    crate::sql::query(
        "DELETE FROM visite WHERE intervention_id = $1 AND jour >= $2 AND arrivee IS NULL AND depart IS NULL \
         AND version = 1 AND id NOT IN (SELECT visite_id FROM telegestion_entree)",
    )
    .bind(id)
    .bind(depuis.to_string())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Store {
    /// The planned interventions of the file, newest first.
    pub async fn interventions(&self, cap: &Capability) -> StoreResult<Vec<Intervention>> {
        let select = format!(
            "SELECT {COLONNES} FROM intervention WHERE usager_id = $1 ORDER BY date_debut DESC, heure_debut, id"
        );
        self.lignes_du_dossier(cap, Section::Accompagnement, &select, intervention_from)
            .await
    }

    /// One planned intervention of the file.
    pub async fn intervention(
        &self,
        cap: &Capability,
        id: i64,
    ) -> StoreResult<Option<Intervention>> {
        self.ligne_du_dossier(
            cap,
            Section::Accompagnement,
            &format!("SELECT {COLONNES} FROM intervention WHERE id = $1 AND usager_id = $2"),
            id,
            intervention_from,
        )
        .await
    }

    async fn ecrire_intervention(
        &self,
        cap: &Capability,
        i: &InterventionInput,
    ) -> StoreResult<(Tx, Vec<Value>)> {
        let (r, taches) = i.borner()?;
        if !cap.etablissements().contains(&i.etablissement_id) {
            return Err(StoreError::Invalid(
                "Choisissez un service d'aide à domicile où vous travaillez.".into(),
            ));
        }
        let mut tx = self
            .ecriture(cap, Section::Accompagnement, Action::Valider)
            .await?;
        if let Some(w) = i.intervenant_id {
            verifier_intervenant(&mut tx, w, i.etablissement_id).await?;
            affecter_intervenant(&mut tx, w, cap.usager_id().get(), &ts(cap.at())).await?;
        }
        Ok((tx, i.valeurs(&r, &taches)))
    }

    /// Plans an intervention (the coordinator: validating the accompaniment section, in a
    /// service of theirs); the worker is assigned to the person. Audited. Its id.
    pub async fn ajouter_intervention(
        &self,
        cap: &Capability,
        i: &InterventionInput,
    ) -> StoreResult<i64> {
        let (mut tx, valeurs) = self.ecrire_intervention(cap, i).await?;
        let at = ts(cap.at());
        let id: i64 = crate::sql::query(
            "INSERT INTO intervention (usager_id, etablissement_id, intervenant_id, taches, tache_libre, adresse, jours_semaine, heure_debut, heure_fin, \
             duree_minutes, qualification, date_debut, date_fin, saisi_par, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
        )
        .bind(cap.usager_id())
        .binds(valeurs)
        .bind(cap.actor().utilisateur_id)
        .bind(at)
        .fetch_scalar(&mut tx)
        .await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerInterventionAjout,
            serde_json::json!({"id": id, "etablissement_id": i.etablissement_id, "intervenant_id": i.intervenant_id}),
        )
        .await?;
        Ok(id)
    }

    /// Changes a planned intervention (ending it: its last day) with optimistic
    /// concurrency; the visits to come that nothing was recorded on follow. The new version.
    pub async fn modifier_intervention(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        i: &InterventionInput,
    ) -> StoreResult<i64> {
        let (mut tx, valeurs) = self.ecrire_intervention(cap, i).await?;
        crate::sql::query(
            "UPDATE intervention SET etablissement_id = $1, intervenant_id = $2, taches = $3, tache_libre = $4, adresse = $5, jours_semaine = $6, \
             heure_debut = $7, heure_fin = $8, duree_minutes = $9, qualification = $10, date_debut = $11, date_fin = $12, \
             version = version + 1, updated_at = $13 WHERE usager_id = $14 AND id = $15 AND version = $16",
        )
        .binds(valeurs)
        .bind(ts(cap.at()))
        .bind(cap.usager_id())
        .execute_versioned(&mut tx, "intervention", id, version)
        .await?;
        let aujourdhui = cap
            .at()
            .with_timezone(&chrono_tz::Europe::Paris)
            .date_naive();
        retirer_visites_a_venir(&mut tx, id, aujourdhui).await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerInterventionModification,
            serde_json::json!({"id": id, "intervenant_id": i.intervenant_id, "date_fin": i.date_fin}),
        )
        .await?;
        Ok(version + 1)
    }
}

/// An intervention as the generation of visits reads it.
pub(crate) struct APlanifier {
    pub id: i64,
    pub usager_id: i64,
    pub etablissement_id: i64,
    pub intervenant_id: Option<i64>,
    pub recurrence: Recurrence,
}

/// Most ranges remembered; past it the memory starts again empty.
const PLAGES_RETENUES: usize = 4096;

/// Generates the visits from `du` to `au` of the interventions selected by `filtre`
/// (`etablissement_id = $1` or `intervenant_id = $1`, bound to `cle`) that are not generated
/// yet (a visit is generated once: its (intervention, day) pair is unique, so two readers
/// racing insert it once). Nothing is written when every visit exists.
pub(crate) async fn generer_visites(
    store: &Store,
    filtre: &'static str,
    cle: i64,
    du: NaiveDate,
    au: NaiveDate,
    at: &str,
) -> StoreResult<()> {
    // Every planning read asks for its range's visits: when the interventions they come from
    // are unchanged since this process generated that range (their number, keys, versions
    // and last change), nothing is missing. Read before the interventions: a change after
    // this read makes the next fingerprint differ, so the range is generated again.
    let empreinte: String = crate::sql::query(&format!(
        "SELECT COUNT(*) || ':' || COALESCE(SUM(id), 0) || ':' || COALESCE(SUM(version), 0) || ':' || COALESCE(MAX(updated_at), '') \
         FROM intervention WHERE {filtre} = $1"
    ))
    .bind(cle)
    .fetch_scalar(store)
    .await?;
    let plage = (filtre, cle, du, au);
    let generees = &store.visites_generees;
    if generees.lock().map_err(|_| poison())?.get(&plage) == Some(&empreinte) {
        return Ok(());
    }
    generer(store, filtre, cle, du, au, at).await?;
    let mut g = generees.lock().map_err(|_| poison())?;
    if g.len() >= PLAGES_RETENUES {
        g.clear();
    }
    g.insert(plage, empreinte);
    Ok(())
}

fn poison() -> StoreError {
    StoreError::Corrupt("mémoire des plannings générés inutilisable".into())
}

/// Generates the visits of the interventions where `filtre` is `cle` from `du` to `au` that
/// do not exist yet.
async fn generer(
    store: &Store,
    filtre: &str,
    cle: i64,
    du: NaiveDate,
    au: NaiveDate,
    at: &str,
) -> StoreResult<()> {
    let lignes = crate::sql::query(&format!(
        "SELECT id, usager_id, etablissement_id, intervenant_id, jours_semaine, heure_debut, heure_fin, duree_minutes, date_debut, date_fin \
         FROM intervention WHERE {filtre} = $1 AND date_debut <= $2 AND (date_fin IS NULL OR date_fin >= $3)"
    ))
    .bind(cle)
    .bind(au.to_string())
    .bind(du.to_string())
    .fetch_all(store)
    .await?;
    if lignes.is_empty() {
        return Ok(());
    }
    let mut a_planifier = Vec::with_capacity(lignes.len());
    for r in &lignes {
        let heure = |c: &str| -> StoreResult<NaiveTime> {
            let s: String = r.try_get(c)?;
            NaiveTime::parse_from_str(&s, "%H:%M")
                .map_err(|_| StoreError::Corrupt(format!("{c} illisible : {s}")))
        };
        let jour = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt(format!("date illisible : {s}")))
        };
        let jours: String = r.try_get("jours_semaine")?;
        a_planifier.push(APlanifier {
            id: r.try_get("id")?,
            usager_id: r.try_get("usager_id")?,
            etablissement_id: r.try_get("etablissement_id")?,
            intervenant_id: r.try_get("intervenant_id")?,
            recurrence: Recurrence {
                debut: jour(&r.try_get::<String, _>("date_debut")?)?,
                fin: r
                    .try_get::<Option<String>, _>("date_fin")?
                    .map(|f| jour(&f))
                    .transpose()?,
                jours: dui_domain::plan_soins::parse_jours(&jours).map_err(StoreError::Corrupt)?,
                heure_debut: heure("heure_debut")?,
                heure_fin: heure("heure_fin")?,
                duree_minutes: u32::try_from(r.try_get::<i64, _>("duree_minutes")?)
                    .map_err(|_| StoreError::Corrupt("durée illisible".into()))?,
            },
        });
    }
    let existantes: HashSet<(i64, String)> = crate::sql::query(&format!(
        "SELECT v.intervention_id, v.jour FROM visite v JOIN intervention i ON i.id = v.intervention_id \
         WHERE i.{filtre} = $1 AND v.jour >= $2 AND v.jour <= $3"
    ))
    .bind(cle)
    .bind(du.to_string())
    .bind(au.to_string())
    .fetch_all(store)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("intervention_id")?, r.try_get("jour")?)))
    .collect::<StoreResult<_>>()?;
    let mut lignes: Vec<Vec<Value>> = Vec::new();
    for p in &a_planifier {
        for v in p.recurrence.developper(du, au) {
            if existantes.contains(&(p.id, v.jour.to_string())) {
                continue;
            }
            lignes.push(vec![
                p.id.into(),
                p.usager_id.into(),
                p.etablissement_id.into(),
                p.intervenant_id.into(),
                v.jour.to_string().into(),
                ts(v.debut).into(),
                ts(v.fin).into(),
                i64::from(p.recurrence.duree_minutes).into(),
                at.into(),
            ]);
        }
    }
    if lignes.is_empty() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    for chunk in lignes.chunks(200) {
        crate::sql::query(&format!(
            "INSERT INTO visite (intervention_id, usager_id, etablissement_id, intervenant_id, jour, debut_prevu, fin_prevue, duree_minutes, updated_at) \
             VALUES {} ON CONFLICT (intervention_id, jour) DO NOTHING",
            crate::sql::lignes(chunk.len(), 9)
        ))
        .binds(chunk.iter().flatten().cloned())
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await
}
