//! Sessions of an activity (one, or a series of local dates), their status, the persons
//! registered (dated, within the capacity) and the attendance of a session taken for the
//! whole group at once with the session's version (409 after another save). Reads naming
//! persons are audited in one entry naming the files, writes in their transaction.

use chrono::{NaiveDate, NaiveTime};
use dui_domain::activite::{
    verifier_horaires, verifier_jour_seance, verifier_presence, verifier_statut, Assiduite,
    StatutSeance,
};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::Section;
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use super::activite::{
    auditer, aujourd_hui, date_col, ligne_etablissement, organise, ANIMATEURS_MAX,
};
use crate::db::Store;
use crate::fiche::{code, opt_code};
use crate::page::{Ordre, Page, Tri};
use crate::policy::CapaciteActivites;
use crate::saisie::{borne, l};
use crate::sql::Row;
use crate::{ts, StoreError, StoreResult};

/// Sessions to create: the same times on each of `jours`.
#[derive(Clone, Debug)]
pub struct NouvellesSeances {
    /// The days (one, or a series: `dui_domain::activite::dates_serie`).
    pub jours: Vec<NaiveDate>,
    /// Start (Paris time).
    pub heure_debut: NaiveTime,
    /// End (Paris time).
    pub heure_fin: NaiveTime,
    /// Place (none: the activity's).
    pub lieu: Option<String>,
    /// Animators when they differ from the activity's.
    pub animateurs: Vec<i64>,
}

/// A session.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Seance {
    /// Id.
    pub id: i64,
    /// Version (raised by a status change and by every attendance save).
    pub version: i64,
    /// The activity.
    pub activite_id: i64,
    /// Its title.
    pub titre: String,
    /// The day (Paris).
    #[schema(value_type = String, format = Date)]
    pub jour: NaiveDate,
    /// Start, `HH:MM` (Paris).
    pub heure_debut: String,
    /// End, `HH:MM` (Paris).
    pub heure_fin: String,
    /// Place.
    pub lieu: Option<String>,
    /// Status.
    pub statut: StatutSeance,
    /// Motive of a cancellation.
    pub motif: Option<String>,
    /// Animators' names (the session's, else the activity's).
    pub animateurs: Vec<String>,
    /// Persons noted present.
    pub presents: i64,
}

/// A line of a session's attendance sheet.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LignePresence {
    /// The person's file.
    pub usager_id: UsagerId,
    /// Name as shown.
    pub nom: String,
    /// Registered on the session's day (false: a registration ended since the attendance).
    pub inscrit: bool,
    /// Attendance noted (none: not yet).
    pub assiduite: Option<Assiduite>,
    /// Short observation.
    pub observation: Option<String>,
}

/// A session's attendance sheet: the persons registered on its day.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FeuillePresence {
    /// The session's version: send it back with the save (409 if another came first).
    pub version: i64,
    /// The session.
    pub seance: Seance,
    /// The persons registered that day, by name.
    pub personnes: Vec<LignePresence>,
}

/// An attendance to save.
#[derive(Clone, Debug)]
pub struct PresenceSaisie {
    /// The person.
    pub usager_id: UsagerId,
    /// Present, absent, excused.
    pub assiduite: Assiduite,
    /// Short observation.
    pub observation: Option<String>,
}

const SEANCE: &str = "SELECT s.id, s.version, s.activite_id, a.titre, s.jour, s.heure_debut, s.heure_fin, \
     COALESCE(s.lieu, a.lieu) AS lieu, s.statut, s.motif FROM seance s JOIN activite a ON a.id = s.activite_id";

fn seance_from(r: &Row) -> StoreResult<Seance> {
    Ok(Seance {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        activite_id: r.try_get("activite_id")?,
        titre: r.try_get("titre")?,
        jour: date_col(r, "jour")?,
        heure_debut: r.try_get("heure_debut")?,
        heure_fin: r.try_get("heure_fin")?,
        lieu: r.try_get("lieu")?,
        statut: code(r, "statut", StatutSeance::from_code)?,
        motif: r.try_get("motif")?,
        animateurs: Vec::new(),
        presents: 0,
    })
}

pub(crate) fn nom(r: &Row) -> StoreResult<String> {
    let (n, p): (String, String) = (r.try_get("nom")?, r.try_get("prenom")?);
    Ok(format!("{n} {p}"))
}

pub(crate) const NOM_USAGER: &str = "COALESCE(u.nom_utilise, u.nom_naissance) AS nom, COALESCE(u.prenom_utilise, u.premier_prenom) AS prenom";

impl Store {
    pub(crate) async fn auditer_lecture(
        &self,
        cap: &CapaciteActivites,
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        let quoi = (Section::Accompagnement, ActionJournal::ActiviteLecture);
        cap.journal_lecture(self, quoi, detail).await
    }

    /// Creates the sessions `n` of activity `activite` (audited in one entry): their ids.
    pub async fn creer_seances(
        &self,
        cap: &CapaciteActivites,
        activite: i64,
        n: &NouvellesSeances,
    ) -> StoreResult<Vec<i64>> {
        organise(cap)?;
        borne([(l("lieu", lim::LIBELLE), n.lieu.as_deref())])?;
        verifier_horaires(n.heure_debut, n.heure_fin).map_err(|m| StoreError::Invalid(m.into()))?;
        if n.jours.is_empty() || n.jours.len() > dui_domain::activite::SERIE_MAX {
            return Err(StoreError::Invalid(format!(
                "De 1 à {} séances à la fois.",
                dui_domain::activite::SERIE_MAX
            )));
        }
        if n.animateurs.len() > ANIMATEURS_MAX {
            return Err(StoreError::Invalid(format!(
                "Une séance a au plus {ANIMATEURS_MAX} animateurs."
            )));
        }
        let mut tx = self.begin().await?;
        let a = self.activite_tx(&mut tx, cap, activite).await?;
        if !a.champs.active {
            return Err(StoreError::Invalid(
                "L'activité est close : elle ne reçoit plus de séance.".into(),
            ));
        }
        for j in &n.jours {
            verifier_jour_seance(*j, a.champs.debut, a.champs.fin)
                .map_err(|m| StoreError::Invalid(format!("{m} ({})", j.format("%d/%m/%Y"))))?;
        }
        for id in &n.animateurs {
            let ok: i64 = crate::sql::query(
                "SELECT COUNT(*) FROM utilisateur_etablissement WHERE utilisateur_id = $1 AND etablissement_id = $2",
            )
            .bind(*id)
            .bind(cap.etablissement_id())
            .fetch_scalar(&mut tx)
            .await?;
            if ok == 0 {
                return Err(StoreError::Invalid(format!(
                    "Le compte {id} n'est pas un professionnel de l'établissement."
                )));
            }
        }
        let at = ts(cap.at());
        let mut ids = Vec::with_capacity(n.jours.len());
        for j in &n.jours {
            let id: i64 = crate::sql::query(
                "INSERT INTO seance (activite_id, jour, heure_debut, heure_fin, lieu, statut, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(activite)
            .bind(j.to_string())
            .bind(n.heure_debut.format("%H:%M").to_string())
            .bind(n.heure_fin.format("%H:%M").to_string())
            .bind(n.lieu.clone())
            .bind(StatutSeance::Prevue.code())
            .bind(at.as_str())
            .fetch_scalar(&mut tx)
            .await?;
            for u in &n.animateurs {
                crate::sql::query(
                    "INSERT INTO seance_animateur (seance_id, utilisateur_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(*u)
                .execute(&mut tx)
                .await?;
            }
            ids.push(id);
        }
        auditer(
            &mut tx,
            cap,
            ActionJournal::ActiviteSeances,
            serde_json::json!({"etablissement_id": cap.etablissement_id(), "activite_id": activite, "nombre": ids.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn completer_seances(&self, v: &mut [Seance]) -> StoreResult<()> {
        for s in v.iter_mut() {
            let rows = crate::sql::query(
                "SELECT u.prenom, u.nom FROM utilisateur u WHERE u.id IN \
                 (SELECT utilisateur_id FROM seance_animateur WHERE seance_id = $1) \
                 OR (NOT EXISTS (SELECT 1 FROM seance_animateur WHERE seance_id = $1) \
                     AND u.id IN (SELECT utilisateur_id FROM activite_animateur WHERE activite_id = $2)) \
                 ORDER BY u.nom, u.prenom, u.id",
            )
            .bind(s.id)
            .bind(s.activite_id)
            .fetch_all(self)
            .await?;
            for r in &rows {
                let (p, n): (String, String) = (r.try_get("prenom")?, r.try_get("nom")?);
                s.animateurs.push(format!("{p} {n}"));
            }
            s.presents = crate::sql::query(
                "SELECT COUNT(*) FROM seance_presence WHERE seance_id = $1 AND assiduite = 'present'",
            )
            .bind(s.id)
            .fetch_scalar(self)
            .await?;
        }
        Ok(())
    }

    /// A page of the sessions of activity `activite`, by day and time.
    pub async fn seances_page(
        &self,
        cap: &CapaciteActivites,
        activite: i64,
        depuis: Option<NaiveDate>,
        page: Page,
    ) -> StoreResult<Vec<Seance>> {
        let mut sql = format!("{SEANCE} WHERE s.activite_id = $1 AND a.etablissement_id = $2");
        let mut args: Vec<crate::sql::Value> = vec![activite.into(), cap.etablissement_id().into()];
        if let Some(d) = depuis {
            args.push(d.to_string().into());
            sql.push_str(" AND s.jour >= $3");
        }
        let tri = Tri {
            cols: "s.jour, s.heure_debut, s.id",
            table: "seance s",
            id: "s.id",
            ordre: Ordre::Croissant,
        };
        let rows = self.keyset(&sql, args, tri, page).await?;
        let mut v = rows
            .iter()
            .map(seance_from)
            .collect::<StoreResult<Vec<_>>>()?;
        self.completer_seances(&mut v).await?;
        Ok(v)
    }

    /// The établissement of session `id` (to decide the capability); `NotFound` if none.
    pub async fn etablissement_seance(&self, id: i64) -> StoreResult<i64> {
        self.etablissement_de(
            "SELECT a.etablissement_id FROM seance s JOIN activite a ON a.id = s.activite_id WHERE s.id = $1",
            id,
        )
        .await
    }

    async fn seance_on(
        &self,
        on: impl Into<crate::sql::On<'_>>,
        cap: &CapaciteActivites,
        id: i64,
    ) -> StoreResult<Seance> {
        let sql = format!("{SEANCE} WHERE s.id = $1 AND a.etablissement_id = $2");
        seance_from(&ligne_etablissement(on, &sql, cap, id).await?)
    }

    /// Changes the status of session `id` read at `version` (409 otherwise): the new version.
    pub async fn changer_statut_seance(
        &self,
        cap: &CapaciteActivites,
        id: i64,
        version: i64,
        statut: StatutSeance,
        motif: Option<&str>,
    ) -> StoreResult<i64> {
        organise(cap)?;
        borne([(l("motif", lim::MOTIF), motif)])?;
        let mut tx = self.begin().await?;
        let s = self.seance_on(&mut tx, cap, id).await?;
        if s.version != version {
            return Err(StoreError::StaleVersion);
        }
        verifier_statut(s.statut, statut, motif, s.jour, aujourd_hui(cap))
            .map_err(|m| StoreError::Invalid(m.into()))?;
        let motif = (statut == StatutSeance::Annulee)
            .then(|| motif.map(str::trim))
            .flatten();
        let q = crate::sql::query(
            "UPDATE seance SET statut = $1, motif = $2, version = version + 1 WHERE id = $3 AND version = $4",
        )
        .bind(statut.code())
        .bind(motif);
        let detail = serde_json::json!({"etablissement_id": cap.etablissement_id(), "activite_id": s.activite_id, "seance_id": id, "statut": statut.code()});
        let quoi = (Section::Accompagnement, ActionJournal::SeanceStatut);
        cap.modification_auditee(tx, (q, "seance", id, version), quoi, detail)
            .await
    }

    /// The attendance sheet of session `id`: the persons registered on its day with what was
    /// noted, audited in one read entry naming the files.
    pub async fn feuille_presence(
        &self,
        cap: &CapaciteActivites,
        id: i64,
    ) -> StoreResult<FeuillePresence> {
        let mut v = vec![self.seance_on(self, cap, id).await?];
        self.completer_seances(&mut v).await?;
        let seance = v.remove(0);
        let personnes = lignes(self, &seance).await?;
        let usagers: Vec<UsagerId> = personnes.iter().map(|p| p.usager_id).collect();
        self.auditer_lecture(cap, serde_json::json!({"etablissement_id": cap.etablissement_id(),
            "activite_id": seance.activite_id, "seance_id": id, "nombre": usagers.len(), "usagers": usagers}))
            .await?;
        Ok(FeuillePresence {
            version: seance.version,
            seance,
            personnes,
        })
    }

    /// Saves the attendance of session `id` at once (what is not listed is cleared), read at
    /// `version` (409 otherwise). A planned session that has come with someone present
    /// becomes held. One audit entry names the files changed. The new version.
    pub async fn enregistrer_presences_seance(
        &self,
        cap: &CapaciteActivites,
        id: i64,
        version: i64,
        saisies: &[PresenceSaisie],
    ) -> StoreResult<i64> {
        organise(cap)?;
        for p in saisies {
            borne([(l("observation", lim::AUTRE), p.observation.as_deref())])?;
        }
        let mut tx = self.begin().await?;
        let s = self.seance_on(&mut tx, cap, id).await?;
        if s.version != version {
            return Err(StoreError::StaleVersion);
        }
        let avant = lignes(&mut tx, &s).await?;
        let auj = aujourd_hui(cap);
        let mut vus: Vec<UsagerId> = Vec::new();
        for p in saisies {
            if vus.contains(&p.usager_id) {
                return Err(StoreError::Invalid(format!(
                    "La personne {} est notée deux fois.",
                    p.usager_id
                )));
            }
            vus.push(p.usager_id);
            let ligne = avant.iter().find(|l| l.usager_id == p.usager_id);
            verifier_presence(
                s.statut,
                s.jour,
                auj,
                ligne.is_some_and(|l| l.inscrit),
                p.assiduite,
            )
            .map_err(|m| {
                let qui = ligne.map_or_else(|| p.usager_id.to_string(), |l| l.nom.clone());
                StoreError::Invalid(format!("{qui} : {m}"))
            })?;
        }
        let n = crate::sql::query(
            "UPDATE seance SET version = version + 1, statut = $1 WHERE id = $2 AND version = $3",
        )
        .bind(
            if s.statut == StatutSeance::Prevue
                && s.jour <= auj
                && saisies.iter().any(|p| p.assiduite == Assiduite::Present)
            {
                StatutSeance::Realisee.code()
            } else {
                s.statut.code()
            },
        )
        .bind(id)
        .bind(version)
        .execute(&mut tx)
        .await?;
        if n == 0 {
            return Err(StoreError::StaleVersion);
        }
        let mut changes: Vec<UsagerId> = Vec::new();
        for l in &avant {
            let voulu = saisies.iter().find(|p| p.usager_id == l.usager_id);
            let pareil = match voulu {
                None => l.assiduite.is_none(),
                Some(p) => l.assiduite == Some(p.assiduite) && l.observation == p.observation,
            };
            if !pareil {
                changes.push(l.usager_id);
            }
        }
        crate::sql::query("DELETE FROM seance_presence WHERE seance_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        let at = ts(cap.at());
        for p in saisies {
            crate::sql::query(
                "INSERT INTO seance_presence (seance_id, usager_id, assiduite, observation, saisi_par, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(p.usager_id)
            .bind(p.assiduite.code())
            .bind(p.observation.clone())
            .bind(cap.principal().id)
            .bind(at.as_str())
            .execute(&mut tx)
            .await?;
        }
        auditer(
            &mut tx,
            cap,
            ActionJournal::SeancePresences,
            serde_json::json!({"etablissement_id": cap.etablissement_id(), "activite_id": s.activite_id,
                "seance_id": id, "nombre": changes.len(), "usagers": changes}),
        )
        .await?;
        tx.commit().await?;
        Ok(version + 1)
    }
}

/// The persons registered on the day of `s` (and any with an attendance noted), by name.
async fn lignes(on: impl Into<crate::sql::On<'_>>, s: &Seance) -> StoreResult<Vec<LignePresence>> {
    let rows = crate::sql::query(&format!(
        "SELECT u.id AS usager_id, {NOM_USAGER}, u.cle_nom, p.assiduite, p.observation, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM activite_inscription i WHERE i.usager_id = u.id AND i.activite_id = $2 \
           AND i.debut <= $3 AND (i.fin IS NULL OR i.fin >= $3)) THEN 1 ELSE 0 END AS BIGINT) AS inscrit \
         FROM usager u LEFT JOIN seance_presence p ON p.usager_id = u.id AND p.seance_id = $1 \
         WHERE u.id IN (SELECT usager_id FROM activite_inscription WHERE activite_id = $2 AND debut <= $3 AND (fin IS NULL OR fin >= $3) \
           UNION SELECT usager_id FROM seance_presence WHERE seance_id = $1) ORDER BY u.cle_nom, u.id"
    ))
    .bind(s.id)
    .bind(s.activite_id)
    .bind(s.jour.to_string())
    .fetch_all(on)
    .await?;
    rows.iter()
        .map(|r| {
            let inscrit: i64 = r.try_get("inscrit")?;
            Ok(LignePresence {
                usager_id: r.try_get("usager_id")?,
                nom: nom(r)?,
                inscrit: inscrit != 0,
                assiduite: opt_code(r, "assiduite", Assiduite::from_code)?,
                observation: r.try_get("observation")?,
            })
        })
        .collect()
}
