//! The medication round of a unit (SOI-3): at a round time (local `HH:MM`) of a day, the
//! doses due of the medicines prescribed to the people with a stay in the unit, each with
//! what became of it (given, refused, not given with a reason, by whom). Recording needs to
//! validate the care section ([`CapaciteSoins`] for `Valider`); no dose is recorded without
//! a prescription active at the time it is due
//! ([`dui_domain::prescription::verifier_administration`]), nor twice (unique key, 409).

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, NaiveTime};
use dui_domain::feuille_soins::{instant_local, jour_local};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Refus};
use dui_domain::prescription::{
    verifier_administration, StatutAdministration, TypePrescription, Voie,
};
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use super::si_besoin::{est_si_besoin, verifier_si_besoin, Actif, SiBesoinTour};
use super::{prescription_from, Prescription, COLONNES};
use crate::db::Store;
use crate::policy::CapaciteSoins;
use crate::saisie::{borne, l};
use crate::usager::feuille_soins::{etat_saisi, inserer_ligne, journal_soins_saisie, NomsDuJour};
use crate::usager::feuille_soins::{lieu, sejourne, usagers_du_jour};
use crate::usager::feuille_soins::{LigneValidee, StatutLigne};
use crate::usager::presence::{attendus, JourUnite};
use crate::{ts, StoreError, StoreResult};

/// A medicine of a person on the round, as prescribed: what a dose due and a « si besoin »
/// medicine show alike.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MedicamentTour {
    /// The prescription.
    pub prescription_id: i64,
    /// The file.
    pub usager_id: UsagerId,
    /// Name as shown.
    pub nom: String,
    /// Absent that day.
    pub absent: bool,
    /// The medicine as prescribed.
    pub libelle: String,
    /// Dose.
    pub dose: Option<String>,
    /// Route.
    pub voie: Option<Voie>,
    /// Instructions (for a « si besoin » medicine: when to give it).
    pub consignes: Option<String>,
}

impl MedicamentTour {
    /// Prescription `p` of the person `usager_id`, named `nom`, `absent` or not that day.
    pub(super) fn de(p: Prescription, usager_id: UsagerId, (nom, absent): (&str, bool)) -> Self {
        Self {
            prescription_id: p.id,
            usager_id,
            nom: nom.to_string(),
            absent,
            libelle: p.termes.libelle,
            dose: p.termes.dose,
            voie: p.termes.voie,
            consignes: p.termes.consignes,
        }
    }
}

/// A dose due in the round.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DoseTour {
    /// The medicine.
    #[serde(flatten)]
    #[schema(inline)]
    pub medicament: MedicamentTour,
    /// The instant due (UTC): the key of its record.
    pub prevu_a: String,
    /// What became of it, once recorded.
    pub statut: Option<StatutAdministration>,
    /// Why not given.
    pub motif: Option<String>,
    /// Who recorded it.
    pub par: Option<String>,
}

deref_vers!(DoseTour => medicament: MedicamentTour);

/// The round of a unit at a time of a day.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Tour {
    /// The établissement, its unit, the day.
    #[serde(flatten)]
    #[schema(inline)]
    pub lieu: JourUnite,
    /// The round's local time (`HH:MM`).
    pub heure: String,
    /// The round times of the day (every time a medicine is due).
    pub heures: Vec<String>,
    /// The doses due, by name.
    pub doses: Vec<DoseTour>,
    /// The « si besoin » medicines active at the round, by name.
    pub si_besoin: Vec<SiBesoinTour>,
}

deref_vers!(Tour => lieu: JourUnite);

/// A dose recorded (given, refused, not given) under its prescription.
pub type Administration = LigneValidee<StatutAdministration>;

impl StatutLigne for StatutAdministration {
    const TABLE: (&'static str, &'static str) = ("administration", "prescription_id");
    fn code_stocke(self) -> &'static str {
        self.code()
    }
}

/// Latest a dose may be recorded before it is due.
const AVANCE_MAX_HEURES: i64 = 2;

impl Store {
    /// The round of `unite` (or the whole établissement) at local time `heure` of `jour`.
    pub async fn tour_medicaments(
        &self,
        cap: &CapaciteSoins,
        unite: Option<i64>,
        jour: NaiveDate,
        heure: NaiveTime,
    ) -> StoreResult<Tour> {
        let etab = cap.etablissement_id();
        let personnes = attendus(self, etab, unite, jour).await?;
        let noms = NomsDuJour::de(&personnes);
        let prevu = instant_local(jour, heure);
        let sous = usagers_du_jour(unite.is_some());
        let n = lieu(etab, jour, unite).len();
        let rows = crate::sql::query(&format!(
            "SELECT p.usager_id, {COLONNES} FROM prescription p WHERE p.type_prescription = 'medicament' AND p.date_debut <= $2 \
             AND (p.date_fin IS NULL OR p.date_fin >= $2) AND (p.arret_a IS NULL OR p.arret_a > ${}) AND p.usager_id IN ({sous}) ORDER BY p.id",
            n + 1
        ))
        .binds(lieu(etab, jour, unite))
        .bind(ts(instant_local(jour, NaiveTime::MIN)))
        .fetch_all(self)
        .await?;
        let faits = crate::sql::query(&format!(
            "SELECT a.prescription_id, a.statut, a.motif, u.prenom, u.nom FROM administration a LEFT JOIN utilisateur u ON u.id = a.par \
             WHERE a.prevu_a = ${} AND a.usager_id IN ({sous})",
            n + 1
        ))
        .binds(lieu(etab, jour, unite))
        .bind(ts(prevu))
        .fetch_all(self)
        .await?;
        let mut fait = HashMap::new();
        for r in &faits {
            fait.insert(r.try_get::<i64, _>("prescription_id")?, r);
        }
        let mut heures = BTreeSet::new();
        let mut doses = Vec::new();
        let mut si_besoin = Vec::new();
        for r in &rows {
            let p = prescription_from(r, prevu)?;
            let regle = p.regle()?;
            if p.si_besoin && regle.validite.active_a(prevu) {
                si_besoin.push(Actif {
                    p: p.clone(),
                    usager_id: r.try_get("usager_id")?,
                });
            }
            for h in &regle.horaires {
                if regle.validite.active_a(instant_local(jour, *h)) {
                    heures.insert(h.format("%H:%M").to_string());
                }
            }
            if !regle.validite.active_a(prevu) || !regle.horaires.contains(&heure) {
                continue;
            }
            let usager_id: UsagerId = r.try_get("usager_id")?;
            let (statut, motif, par) =
                etat_saisi(fait.get(&p.id).copied(), StatutAdministration::from_code)?;
            doses.push(DoseTour {
                medicament: MedicamentTour::de(p, usager_id, noms.qui(&usager_id)),
                prevu_a: ts(prevu),
                statut,
                motif,
                par,
            });
        }
        doses.sort_by(|a, b| (&a.nom, a.prescription_id).cmp(&(&b.nom, b.prescription_id)));
        let si_besoin = self.lignes_si_besoin(si_besoin, &noms, cap.at()).await?;
        let usagers: Vec<i64> = personnes.iter().map(|p| p.usager_id.get()).collect();
        self.journal_soins_lecture(
            cap,
            ActionJournal::TourMedicamentsLecture,
            serde_json::json!({"etablissement_id": etab, "unite_id": unite, "jour": jour.to_string(),
                "heure": heure.format("%H:%M").to_string(), "nombre": usagers.len(), "usagers": usagers}),
        )
        .await?;
        Ok(Tour {
            lieu: JourUnite::new(etab, unite, jour),
            heure: heure.format("%H:%M").to_string(),
            heures: heures.into_iter().collect(),
            doses,
            si_besoin,
        })
    }

    /// Records doses of the round (given, refused, not given with a reason): each must be
    /// due at its instant under a prescription active then, for a person with a stay in the
    /// établissement, and not recorded yet (409). One audit entry names the files.
    pub async fn administrer(
        &self,
        cap: &CapaciteSoins,
        doses: &[Administration],
    ) -> StoreResult<usize> {
        if cap.action() != Action::Valider {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        for d in doses {
            borne([(l("motif", lim::LIBELLE), d.motif.as_deref())])?;
            if d.prevu_a > cap.at() + Duration::hours(AVANCE_MAX_HEURES) {
                return Err(StoreError::Invalid(format!(
                    "Une prise ne s'enregistre pas plus de {AVANCE_MAX_HEURES} heures avant son heure."
                )));
            }
        }
        let mut tx = self.begin().await?;
        let mut usagers = Vec::new();
        for d in doses {
            let r = crate::sql::query(&format!(
                "SELECT p.usager_id, {COLONNES} FROM prescription p WHERE p.id = $1"
            ))
            .bind(d.cible)
            .fetch_optional(&mut tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let usager: UsagerId = r.try_get("usager_id")?;
            let jour = jour_local(d.prevu_a);
            if !sejourne(&mut tx, cap.etablissement_id(), usager, jour).await? {
                return Err(StoreError::NotFound);
            }
            let p = prescription_from(&r, d.prevu_a)?;
            if p.type_prescription != TypePrescription::Medicament {
                return Err(StoreError::Invalid(
                    "Seul un médicament prescrit s'administre.".into(),
                ));
            }
            verifier_administration(&p.regle()?, d.prevu_a, d.statut, d.motif.as_deref())
                .map_err(StoreError::Invalid)?;
            if d.statut == StatutAdministration::Donne && est_si_besoin(&p, d)? {
                verifier_si_besoin(&mut tx, &p, d).await?;
            }
            let deja = format!(
                "La prise de « {} » est déjà enregistrée : rechargez le tour.",
                p.libelle
            );
            inserer_ligne(&mut tx, cap, (usager, d), deja).await?;
            if !usagers.contains(&usager.get()) {
                usagers.push(usager.get());
            }
        }
        let refus = doses
            .iter()
            .filter(|d| d.statut == StatutAdministration::Refuse)
            .count();
        journal_soins_saisie(
            &mut tx,
            cap,
            ActionJournal::TourMedicamentsSaisie,
            serde_json::json!({"etablissement_id": cap.etablissement_id(), "doses": doses.len(), "refus": refus, "usagers": usagers}),
        )
        .await?;
        tx.commit().await?;
        Ok(doses.len())
    }
}
