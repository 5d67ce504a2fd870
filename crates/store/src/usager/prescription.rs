//! Prescriptions of a person (SOI-3): medicines (free text, and structured from a drug
//! source), acts and exams, by a prescriber with a checked RPPS (the doctor's own account,
//! or an external prescriber typed by the nurse who transcribes). Recording, changing and
//! stopping need to validate the care section. Nothing is rewritten: stopping sets
//! `arret_a`, a change stops the prescription and adds the new one pointing back to it. The
//! medication round of a unit is in `tour`.

pub mod si_besoin;
pub mod tour;

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::identifiers::Rpps;
use dui_domain::journal::ActionJournal;
use dui_domain::plan_soins::{horaires_texte, parse_horaires};
use dui_domain::policy::{Action, Role, Section};
use dui_domain::prescription::{
    prescripteur, verifier_dates, PrescriptionActive, TypePrescription, Validite, Voie,
};
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use super::exiger;
use crate::db::Store;
use crate::fiche::{code, jour, opt_code};
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::sql::Tx;
use crate::{parse_ts, ts, StoreError, StoreResult};

/// What a prescription says, as written and as recorded: the medicine, act or exam, its dose,
/// route, times and days.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TermesPrescription {
    /// As written (« Paracétamol 500 mg, comprimé »).
    pub libelle: String,
    /// Code of the medicine in the drug source, if picked there.
    pub medicament_code: Option<String>,
    /// Name of that drug source (`SourceMedicaments::nom`).
    pub source: Option<String>,
    /// Dose (« 1 comprimé »).
    pub dose: Option<String>,
    /// Route.
    pub voie: Option<Voie>,
    /// Local times of the doses (`08:00,20:00`); empty for « si besoin » only.
    pub horaires: String,
    /// Given when needed.
    pub si_besoin: bool,
    /// « Si besoin »: at most this many doses given in any 24 hours.
    pub max_par_24h: Option<i64>,
    /// First day (`AAAA-MM-JJ`).
    #[schema(value_type = String, format = Date)]
    pub date_debut: NaiveDate,
    /// Last day included.
    #[schema(value_type = Option<String>, format = Date)]
    pub date_fin: Option<NaiveDate>,
    /// Instructions.
    pub consignes: Option<String>,
}

/// A prescription to record.
#[derive(Clone, Debug, Default)]
pub struct PrescriptionInput {
    /// What (medicine, act, exam).
    pub type_prescription: Option<TypePrescription>,
    /// What it says.
    pub termes: TermesPrescription,
    /// External prescriber's name (a nurse transcribing); none: the doctor's own account.
    pub prescripteur_nom: Option<String>,
    /// External prescriber's RPPS.
    pub prescripteur_rpps: Option<String>,
}

/// A recorded prescription.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Prescription {
    /// Id.
    pub id: i64,
    /// What.
    pub type_prescription: TypePrescription,
    /// What it says.
    #[serde(flatten)]
    pub termes: TermesPrescription,
    /// Prescriber.
    pub prescripteur_nom: String,
    /// Prescriber's RPPS.
    pub prescripteur_rpps: String,
    /// The prescription this one replaces (a change).
    pub remplace_id: Option<i64>,
    /// When it was stopped (or replaced).
    pub arret_a: Option<String>,
    /// Why it was stopped.
    pub arret_motif: Option<String>,
    /// Active now.
    pub active: bool,
    /// Version (stopping or changing sends it back).
    pub version: i64,
}

/// A prescription reads as what it says (`p.libelle`), as a stored record reads as its fields.
impl std::ops::Deref for Prescription {
    type Target = TermesPrescription;
    fn deref(&self) -> &TermesPrescription {
        &self.termes
    }
}

impl Prescription {
    /// As the administration rule sees it.
    pub fn regle(&self) -> StoreResult<PrescriptionActive> {
        let arret = self.arret_a.as_deref().map(parse_ts).transpose()?;
        Ok(PrescriptionActive {
            type_prescription: self.type_prescription,
            validite: Validite::new(self.date_debut, self.date_fin, arret),
            horaires: if self.horaires.is_empty() {
                Vec::new()
            } else {
                parse_horaires(&self.horaires).map_err(StoreError::Corrupt)?
            },
            si_besoin: self.si_besoin,
        })
    }
}

pub(crate) const COLONNES: &str = "p.id, p.type_prescription, p.libelle, p.medicament_code, p.source, p.dose, p.voie, p.horaires, p.si_besoin, p.max_par_24h, p.date_debut, p.date_fin, \
    p.consignes, p.prescripteur_nom, p.prescripteur_rpps, p.remplace_id, p.arret_a, p.arret_motif, p.version";

pub(crate) fn prescription_from(
    r: &crate::sql::Row,
    now: DateTime<Utc>,
) -> StoreResult<Prescription> {
    let mut p = Prescription {
        id: r.try_get("id")?,
        type_prescription: code(r, "type_prescription", TypePrescription::from_code)?,
        termes: colonnes!(r => TermesPrescription {
            libelle, medicament_code, source, dose, horaires, max_par_24h, consignes;
            voie: opt_code(r, "voie", Voie::from_code)?,
            si_besoin: r.try_get::<i64, _>("si_besoin")? != 0,
            date_debut: code(r, "date_debut", jour)?,
            date_fin: opt_code(r, "date_fin", jour)?,
        }),
        prescripteur_nom: r.try_get("prescripteur_nom")?,
        prescripteur_rpps: r.try_get("prescripteur_rpps")?,
        remplace_id: r.try_get("remplace_id")?,
        arret_a: r.try_get("arret_a")?,
        arret_motif: r.try_get("arret_motif")?,
        active: false,
        version: r.try_get("version")?,
    };
    p.active = p.regle()?.validite.active_a(now);
    Ok(p)
}

impl PrescriptionInput {
    fn verifier(&self) -> StoreResult<(TypePrescription, String)> {
        borne([
            (
                l("libelle", lim::LIBELLE),
                Some(self.termes.libelle.as_str()),
            ),
            (
                l("medicament_code", lim::CODE),
                self.termes.medicament_code.as_deref(),
            ),
            (l("source", lim::CODE), self.termes.source.as_deref()),
            (l("dose", lim::REFERENCE), self.termes.dose.as_deref()),
            (
                l("horaires", lim::REFERENCE),
                Some(self.termes.horaires.as_str()),
            ),
            (l("consignes", lim::MOTIF), self.termes.consignes.as_deref()),
            (
                l("prescripteur_nom", lim::NOM_PERSONNE),
                self.prescripteur_nom.as_deref(),
            ),
            (
                l("prescripteur_rpps", lim::NUMERO),
                self.prescripteur_rpps.as_deref(),
            ),
        ])?;
        let t = self.type_prescription.ok_or_else(|| {
            StoreError::Invalid("Indiquez ce qui est prescrit (médicament, acte, examen).".into())
        })?;
        if self.termes.libelle.trim().is_empty() {
            return Err(StoreError::Invalid("Indiquez ce qui est prescrit.".into()));
        }
        verifier_dates(self.termes.date_debut, self.termes.date_fin)
            .map_err(StoreError::Invalid)?;
        let horaires = if self.termes.horaires.trim().is_empty() {
            String::new()
        } else {
            horaires_texte(&parse_horaires(&self.termes.horaires).map_err(StoreError::Invalid)?)
        };
        if t == TypePrescription::Medicament && horaires.is_empty() && !self.termes.si_besoin {
            return Err(StoreError::Invalid(
                "Indiquez les horaires des prises, ou « si besoin ».".into(),
            ));
        }
        dui_domain::prescription::si_besoin::verifier_max(
            self.termes.si_besoin,
            self.termes.max_par_24h,
        )
        .map_err(StoreError::Invalid)?;
        Ok((t, horaires))
    }
}

/// The prescriber of a write by `cap`: the external one typed, or the doctor's own account.
async fn qui_prescrit(
    tx: &mut Tx,
    cap: &Capability,
    p: &PrescriptionInput,
) -> StoreResult<(String, Rpps, Option<i64>)> {
    let saisi = p
        .prescripteur_nom
        .as_deref()
        .zip(p.prescripteur_rpps.as_deref())
        .or(p.prescripteur_rpps.as_deref().map(|r| ("", r)));
    if saisi.is_some() || cap.role() != Role::Medecin {
        let (nom, rpps) = prescripteur(None, saisi).map_err(StoreError::Invalid)?;
        return Ok((nom, rpps, None));
    }
    let compte = cap.actor().utilisateur_id;
    let r = crate::sql::query("SELECT prenom, nom, identifiant_pro FROM utilisateur WHERE id = $1")
        .bind(compte)
        .fetch_one(&mut *tx)
        .await?;
    let nom = format!(
        "Dr {} {}",
        r.try_get::<String, _>("prenom")?,
        r.try_get::<String, _>("nom")?
    );
    let num: Option<String> = r.try_get("identifiant_pro")?;
    let (nom, rpps) =
        prescripteur(Some((&nom, num.as_deref())), None).map_err(StoreError::Invalid)?;
    Ok((nom, rpps, compte))
}

impl Store {
    /// The prescriptions of the file, latest first: the active ones, or all (`toutes`).
    pub async fn prescriptions(
        &self,
        cap: &Capability,
        toutes: bool,
    ) -> StoreResult<Vec<Prescription>> {
        exiger(cap, Section::Soins, Action::Lire)?;
        let v: Vec<Prescription> = crate::sql::query(&format!(
            "SELECT {COLONNES} FROM prescription p WHERE p.usager_id = $1 ORDER BY p.id DESC"
        ))
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| prescription_from(r, cap.at()))
        .collect::<StoreResult<_>>()?;
        Ok(v.into_iter().filter(|p| toutes || p.active).collect())
    }

    /// The medicines the person takes now (the emergency liaison file).
    pub async fn traitements_en_cours(&self, cap: &Capability) -> StoreResult<Vec<Prescription>> {
        let v = self.prescriptions(cap, false).await?;
        Ok(v.into_iter()
            .filter(|p| p.type_prescription == TypePrescription::Medicament)
            .collect())
    }

    /// One prescription of the file.
    pub async fn prescription(
        &self,
        cap: &Capability,
        id: i64,
    ) -> StoreResult<Option<Prescription>> {
        let at = cap.at();
        self.ligne_du_dossier(
            cap,
            Section::Soins,
            &format!("SELECT {COLONNES} FROM prescription p WHERE p.id = $1 AND p.usager_id = $2"),
            id,
            |r| prescription_from(r, at),
        )
        .await
    }

    /// Records a prescription (validating the care section; audited): its id.
    pub async fn prescrire(&self, cap: &Capability, p: &PrescriptionInput) -> StoreResult<i64> {
        let mut tx = self.ecriture(cap, Section::Soins, Action::Valider).await?;
        let id = inserer(&mut tx, cap, p, None).await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerPrescriptionAjout,
            serde_json::json!({"id": id, "type_prescription": p.type_prescription}),
        )
        .await?;
        Ok(id)
    }

    /// Changes prescription `id`: it is stopped now and the new one replaces it (its id).
    pub async fn modifier_prescription(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        p: &PrescriptionInput,
    ) -> StoreResult<i64> {
        let mut tx = self.ecriture(cap, Section::Soins, Action::Valider).await?;
        arreter(
            &mut tx,
            cap,
            id,
            version,
            Some("Remplacée par une nouvelle prescription"),
        )
        .await?;
        let nouvelle = inserer(&mut tx, cap, p, Some(id)).await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerPrescriptionModification,
            serde_json::json!({"id": nouvelle, "remplace_id": id}),
        )
        .await?;
        Ok(nouvelle)
    }

    /// Stops prescription `id` now, with the version read (audited).
    pub async fn arreter_prescription(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        motif: Option<&str>,
    ) -> StoreResult<()> {
        borne([(l("motif", lim::LIBELLE), motif)])?;
        let mut tx = self.ecriture(cap, Section::Soins, Action::Valider).await?;
        arreter(&mut tx, cap, id, version, motif).await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerPrescriptionArret,
            serde_json::json!({"id": id}),
        )
        .await
    }
}

async fn inserer(
    tx: &mut Tx,
    cap: &Capability,
    p: &PrescriptionInput,
    remplace: Option<i64>,
) -> StoreResult<i64> {
    let (t, horaires) = p.verifier()?;
    let (nom, rpps, compte) = qui_prescrit(tx, cap, p).await?;
    crate::sql::query(
        "INSERT INTO prescription (usager_id, type_prescription, libelle, medicament_code, source, dose, voie, horaires, si_besoin, date_debut, date_fin, consignes, \
         prescripteur_nom, prescripteur_rpps, prescripteur_id, remplace_id, saisi_par, created_at, max_par_24h) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
    )
    .bind(cap.usager_id())
    .bind(t.code())
    .bind(p.termes.libelle.trim())
    .bind(p.termes.medicament_code.as_deref())
    .bind(p.termes.medicament_code.as_ref().and(p.termes.source.as_deref()))
    .bind(p.termes.dose.as_deref())
    .bind(p.termes.voie.map(Voie::code))
    .bind(horaires)
    .bind(p.termes.si_besoin)
    .bind(p.termes.date_debut.to_string())
    .bind(p.termes.date_fin.map(|d| d.to_string()))
    .bind(p.termes.consignes.as_deref())
    .bind(nom)
    .bind(rpps.as_str())
    .bind(compte)
    .bind(remplace)
    .bind(cap.actor().utilisateur_id)
    .bind(ts(cap.at()))
    .bind(p.termes.max_par_24h.filter(|_| p.termes.si_besoin))
    .fetch_scalar(&mut *tx)
    .await
}

/// Stops a running prescription of the file (409 on a stale version, refused when it was
/// already stopped).
async fn arreter(
    tx: &mut Tx,
    cap: &Capability,
    id: i64,
    version: i64,
    motif: Option<&str>,
) -> StoreResult<()> {
    let r = crate::sql::query(
        "SELECT arret_a, version FROM prescription WHERE id = $1 AND usager_id = $2",
    )
    .bind(id)
    .bind(cap.usager_id())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    if r.try_get::<i64, _>("version")? != version {
        return Err(StoreError::StaleVersion);
    }
    if r.try_get::<Option<String>, _>("arret_a")?.is_some() {
        return Err(StoreError::Invalid(
            "Cette prescription est déjà arrêtée.".into(),
        ));
    }
    crate::sql::query(
        "UPDATE prescription SET arret_a = $1, arret_motif = $2, arret_par = $3, version = version + 1 WHERE usager_id = $4 AND id = $5 AND version = $6",
    )
    .bind(ts(cap.at()))
    .bind(motif)
    .bind(cap.actor().utilisateur_id)
    .bind(cap.usager_id())
    .execute_versioned(tx, "prescription", id, version)
    .await
}
