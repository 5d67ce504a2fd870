//! The daily care worksheet of a unit and shift (SOI-1): the acts due, generated from the
//! care plans of the people with a stay in the unit that day
//! ([`dui_domain::feuille_soins::occurrences`]), each with what became of it, and the alerts
//! of their recent vital signs. Acts are validated (done, or not done with a reason) by
//! several at once; an act due is recorded once only (unique key, 409). Reads and saves are
//! audited in one entry naming the files, with the unit's capability ([`CapaciteSoins`]).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use dui_domain::constantes::{Alerte, TypeMesure};
use dui_domain::feuille_soins::{
    fenetre, occurrences, poste_de, verifier_realisation, Poste, StatutActe,
};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::plan_soins::{Intervenant, TypeActe};
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use super::constantes::centiemes_en;
use super::plan_soins::{acte_from, COLONNES};
use super::presence::{attendus, Attendu, JourUnite};
use crate::db::Store;
use crate::fiche::{code, opt_code};
use crate::policy::CapaciteSoins;
use crate::saisie::{borne, l};
use crate::sql::{Row, Tx, Value};
use crate::{ts, StoreError, StoreResult};

/// An act due on the worksheet.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ActeDu {
    /// The act of the plan.
    pub acte_id: i64,
    /// The file.
    pub usager_id: UsagerId,
    /// Name as shown.
    pub nom: String,
    /// Absent that day (hospital, holidays…).
    pub absent: bool,
    /// Kind.
    pub type_acte: TypeActe,
    /// What to do.
    pub libelle: String,
    /// Who does it.
    pub intervenant: Intervenant,
    /// Instructions.
    pub consignes: Option<String>,
    /// Local time planned (`HH:MM`).
    pub horaire: String,
    /// The instant due (UTC): the key of its validation.
    pub prevu_a: String,
    /// Done or not, once validated.
    pub statut: Option<StatutActe>,
    /// Why not done.
    pub motif: Option<String>,
    /// Who validated it.
    pub par: Option<String>,
    /// When it was validated.
    pub saisi_a: Option<String>,
}

/// A vital sign beyond its thresholds, shown on the worksheet.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AlerteSoins {
    /// The file.
    pub usager_id: UsagerId,
    /// Name as shown.
    pub nom: String,
    /// The measure.
    pub type_mesure: TypeMesure,
    /// The value as shown (`38,6 °C`).
    pub valeur: String,
    /// Which way.
    pub alerte: Alerte,
    /// When measured.
    pub mesure_a: String,
}

/// The worksheet of a unit (or of the whole établissement) for one shift.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Feuille {
    /// The établissement, its unit, the day.
    #[serde(flatten)]
    #[schema(inline)]
    pub lieu: JourUnite,
    /// The shift.
    pub poste: Poste,
    /// Start of the shift (UTC).
    pub debut: String,
    /// End of the shift (UTC, excluded).
    pub fin: String,
    /// The acts due, by time then name.
    pub actes: Vec<ActeDu>,
    /// Vital signs beyond their thresholds in the last 48 hours.
    pub alertes: Vec<AlerteSoins>,
}

deref_vers!(Feuille => lieu: JourUnite);

/// A row validated on the unit's care: an act done on the worksheet ([`Realisation`]), a
/// dose recorded in the round ([`crate::usager::Administration`]).
#[derive(Clone, Debug)]
pub struct LigneValidee<S> {
    /// What it validates: the act of the plan, or the prescription.
    pub cible: i64,
    /// The instant due (as the batch gave it; the instant given for a « si besoin » dose).
    pub prevu_a: DateTime<Utc>,
    /// What became of it.
    pub statut: S,
    /// Why not done or not given (or refused).
    pub motif: Option<String>,
}

/// An act validated on the worksheet (done or not).
pub type Realisation = LigneValidee<StatutActe>;

/// The status of a validated row: its code, and the table and column of what it validates.
pub(crate) trait StatutLigne: Copy {
    /// The table of the rows and the column of what they validate.
    const TABLE: (&'static str, &'static str);
    /// The stored code.
    fn code_stocke(self) -> &'static str;
}

impl StatutLigne for StatutActe {
    const TABLE: (&'static str, &'static str) = ("acte_realise", "acte_id");
    fn code_stocke(self) -> &'static str {
        self.code()
    }
}

/// The files of the people with a stay in the établissement (and unit) on `$2`, as a
/// subquery: `$1` établissement, `$2` day, `$3` unit if any.
pub(crate) fn usagers_du_jour(unite: bool) -> String {
    format!(
        "SELECT s.usager_id FROM sejour s WHERE s.etablissement_id = $1 AND s.date_entree <= $2 AND (s.date_sortie IS NULL OR s.date_sortie > $2){}",
        if unite { " AND s.unite_id = $3" } else { "" }
    )
}

/// Binds `$1` établissement, `$2` day, `$3` unit of [`usagers_du_jour`].
pub(crate) fn lieu(etablissement: i64, jour: NaiveDate, unite: Option<i64>) -> Vec<Value> {
    let mut v = vec![Value::from(etablissement), Value::from(jour.to_string())];
    if let Some(u) = unite {
        v.push(Value::from(u));
    }
    v
}

impl Store {
    /// Logs a read of the unit's care (one entry naming the files shown).
    pub(crate) async fn journal_soins_lecture(
        &self,
        cap: &CapaciteSoins,
        action: ActionJournal,
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        cap.journal_lecture(self, (Section::Soins, action), detail)
            .await
    }

    /// The worksheet of `unite` (or of the whole établissement) for shift `poste` of `jour`.
    pub async fn feuille_soins(
        &self,
        cap: &CapaciteSoins,
        unite: Option<i64>,
        jour: NaiveDate,
        poste: Poste,
    ) -> StoreResult<Feuille> {
        let etab = cap.etablissement_id();
        let personnes = attendus(self, etab, unite, jour).await?;
        let noms = NomsDuJour::de(&personnes);
        let sous = usagers_du_jour(unite.is_some());
        let actes = crate::sql::query(&format!(
            "SELECT usager_id, {COLONNES} FROM acte_plan WHERE actif = 1 AND usager_id IN ({sous}) ORDER BY id"
        ))
        .binds(lieu(etab, jour, unite))
        .fetch_all(self)
        .await?;
        let mut plan = Vec::with_capacity(actes.len());
        let mut planifies = Vec::with_capacity(actes.len());
        for r in &actes {
            let a = acte_from(r)?;
            planifies.push(a.planifie()?);
            plan.push((r.try_get::<UsagerId, _>("usager_id")?, a));
        }
        let (debut, fin) = fenetre(jour, poste);
        let n = lieu(etab, jour, unite).len();
        let faits = crate::sql::query(&format!(
            "SELECT r.acte_id, r.prevu_a, r.statut, r.motif, r.saisi_a, u.prenom, u.nom FROM acte_realise r LEFT JOIN utilisateur u ON u.id = r.par \
             WHERE r.prevu_a >= ${} AND r.prevu_a < ${} AND r.usager_id IN ({sous})",
            n + 1,
            n + 2
        ))
        .binds(lieu(etab, jour, unite))
        .bind(ts(debut))
        .bind(ts(fin))
        .fetch_all(self)
        .await?;
        let mut fait: HashMap<(i64, String), &crate::sql::Row> = HashMap::new();
        for r in &faits {
            fait.insert((r.try_get("acte_id")?, r.try_get("prevu_a")?), r);
        }
        let mut dus = Vec::new();
        for o in occurrences(&planifies, jour, poste) {
            let (usager_id, a) = &plan[o.index];
            let (nom, absent) = noms.qui(usager_id);
            let prevu_a = ts(o.prevu);
            let r = fait.get(&(a.id, prevu_a.clone())).copied();
            let (statut, motif, par) = etat_saisi(r, StatutActe::from_code)?;
            dus.push(ActeDu {
                acte_id: a.id,
                usager_id: *usager_id,
                nom: nom.to_string(),
                absent,
                type_acte: a.type_acte,
                libelle: a.libelle.clone(),
                intervenant: a.intervenant,
                consignes: a.consignes.clone(),
                horaire: o.horaire.format("%H:%M").to_string(),
                prevu_a,
                statut,
                motif,
                par,
                saisi_a: r.map(|r| r.try_get("saisi_a")).transpose()?,
            });
        }
        dus.sort_by(|a, b| (&a.prevu_a, &a.nom, a.acte_id).cmp(&(&b.prevu_a, &b.nom, b.acte_id)));
        let alertes = crate::sql::query(&format!(
            "SELECT usager_id, type_mesure, valeur, valeur2, alerte, mesure_a FROM constante \
             WHERE alerte IS NOT NULL AND mesure_a >= ${} AND mesure_a < ${} AND usager_id IN ({sous}) ORDER BY mesure_a DESC, id DESC",
            n + 1,
            n + 2
        ))
        .binds(lieu(etab, jour, unite))
        .bind(ts(fin - Duration::hours(48)))
        .bind(ts(fin))
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| {
            let usager_id: UsagerId = r.try_get("usager_id")?;
            let t = code(r, "type_mesure", TypeMesure::from_code)?;
            Ok(AlerteSoins {
                usager_id,
                nom: noms.qui(&usager_id).0.to_string(),
                valeur: t.afficher(
                    centiemes_en(r.try_get("valeur")?),
                    r.try_get::<Option<i64>, _>("valeur2")?.map(centiemes_en),
                ),
                type_mesure: t,
                alerte: code(r, "alerte", Alerte::from_code)?,
                mesure_a: r.try_get("mesure_a")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let usagers: Vec<i64> = personnes.iter().map(|p| p.usager_id.get()).collect();
        self.journal_soins_lecture(
            cap,
            ActionJournal::FeuilleSoinsLecture,
            serde_json::json!({"etablissement_id": etab, "unite_id": unite, "jour": jour.to_string(),
                "poste": poste, "nombre": usagers.len(), "usagers": usagers}),
        )
        .await?;
        Ok(Feuille {
            lieu: JourUnite::new(etab, unite, jour),
            poste,
            debut: ts(debut),
            fin: ts(fin),
            actes: dus,
            alertes,
        })
    }

    /// Validates acts of the worksheet (done, or not done with a reason): each must be due
    /// at its instant in the plan of a person with a stay in the établissement, and not
    /// recorded yet (409). One audit entry names the files. The number recorded.
    pub async fn valider_actes(
        &self,
        cap: &CapaciteSoins,
        actes: &[Realisation],
    ) -> StoreResult<usize> {
        if cap.action() != Action::Ecrire {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        for a in actes {
            borne([(l("motif", lim::LIBELLE), a.motif.as_deref())])?;
            verifier_realisation(a.statut, a.motif.as_deref()).map_err(StoreError::Invalid)?;
        }
        let mut tx = self.begin().await?;
        let mut usagers = Vec::new();
        for a in actes {
            let u = acte_du(&mut tx, cap.etablissement_id(), a.cible, a.prevu_a).await?;
            let deja =
                "Cet acte a déjà été validé par un collègue : rechargez la feuille de soins.";
            inserer_ligne(&mut tx, cap, (u, a), deja.into()).await?;
            if !usagers.contains(&u.get()) {
                usagers.push(u.get());
            }
        }
        journal_soins_saisie(
            &mut tx,
            cap,
            ActionJournal::FeuilleSoinsSaisie,
            serde_json::json!({"etablissement_id": cap.etablissement_id(), "actes": actes.len(), "usagers": usagers}),
        )
        .await?;
        tx.commit().await?;
        Ok(actes.len())
    }
}

/// The name shown and the absence of each person expected on a day, by file.
pub(crate) struct NomsDuJour<'a>(HashMap<UsagerId, (&'a str, bool)>);

impl<'a> NomsDuJour<'a> {
    /// The names of `personnes`.
    pub(crate) fn de(personnes: &'a [Attendu]) -> Self {
        Self(
            personnes
                .iter()
                .map(|p| (p.usager_id, (p.nom.as_str(), p.absence.is_some())))
                .collect(),
        )
    }

    /// The name and the absence of `usager` (not expected: no name, present).
    pub(crate) fn qui(&self, usager: &UsagerId) -> (&'a str, bool) {
        self.0.get(usager).copied().unwrap_or(("", false))
    }
}

/// What became of a row due, as recorded in `r` (none: not yet): its status (`statut`
/// decodes it), the reason, who recorded it (the row's `prenom` and `nom`).
pub(crate) fn etat_saisi<S>(
    r: Option<&Row>,
    statut: fn(&str) -> Option<S>,
) -> StoreResult<(Option<S>, Option<String>, Option<String>)> {
    let Some(r) = r else {
        return Ok((None, None, None));
    };
    let prenom: Option<String> = r.try_get("prenom")?;
    let nom: Option<String> = r.try_get("nom")?;
    Ok((
        opt_code(r, "statut", statut)?,
        r.try_get("motif")?,
        Some(format!(
            "{} {}",
            prenom.unwrap_or_default(),
            nom.unwrap_or_default()
        )),
    ))
}

/// Records `l` of the file `usager` by the account of `cap`, or answers 409 with `deja`
/// when that act or prescription was already recorded for that instant.
pub(crate) async fn inserer_ligne<S: StatutLigne>(
    tx: &mut Tx,
    cap: &CapaciteSoins,
    (usager, l): (UsagerId, &LigneValidee<S>),
    deja: String,
) -> StoreResult<()> {
    let (table, colonne) = S::TABLE;
    let prevu = ts(l.prevu_a);
    let existe = crate::sql::query(&format!(
        "SELECT id FROM {table} WHERE {colonne} = $1 AND prevu_a = $2"
    ))
    .bind(l.cible)
    .bind(prevu.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if existe.is_some() {
        return Err(StoreError::Conflict(deja));
    }
    crate::sql::query(&format!(
        "INSERT INTO {table} (usager_id, {colonne}, prevu_a, statut, motif, par, saisi_a) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(usager)
    .bind(l.cible)
    .bind(prevu)
    .bind(l.statut.code_stocke())
    .bind(l.motif.as_deref().filter(|m| !m.trim().is_empty()))
    .bind(cap.principal().id)
    .bind(ts(cap.at()))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Appends the audit entry of a save of the unit's care (one entry naming the files).
pub(crate) async fn journal_soins_saisie(
    tx: &mut Tx,
    cap: &CapaciteSoins,
    action: ActionJournal,
    detail: serde_json::Value,
) -> StoreResult<()> {
    cap.journal_saisie(tx, (Section::Soins, action), detail)
        .await
}

/// Whether the person of `usager` has a stay in `etablissement` on `jour`.
pub(crate) async fn sejourne(
    tx: &mut Tx,
    etablissement: i64,
    usager: UsagerId,
    jour: NaiveDate,
) -> StoreResult<bool> {
    Ok(crate::sql::query(
        "SELECT id FROM sejour WHERE usager_id = $1 AND etablissement_id = $2 AND date_entree <= $3 AND (date_sortie IS NULL OR date_sortie > $3)",
    )
    .bind(usager)
    .bind(etablissement)
    .bind(jour.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .is_some())
}

/// The file of act `acte_id` when it is due at `prevu` for a person with a stay in the
/// établissement that day (French refusal otherwise).
async fn acte_du(
    tx: &mut Tx,
    etablissement: i64,
    acte_id: i64,
    prevu: DateTime<Utc>,
) -> StoreResult<UsagerId> {
    let r = crate::sql::query(&format!(
        "SELECT usager_id, {COLONNES} FROM acte_plan WHERE id = $1 AND actif = 1"
    ))
    .bind(acte_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let usager: UsagerId = r.try_get("usager_id")?;
    let (jour, poste) = poste_de(prevu);
    if !sejourne(tx, etablissement, usager, jour).await? {
        return Err(StoreError::NotFound);
    }
    let a = acte_from(&r)?;
    let du = occurrences(&[a.planifie()?], jour, poste)
        .iter()
        .any(|o| o.prevu == prevu);
    if !du {
        return Err(StoreError::Invalid(format!(
            "L'acte « {} » n'est pas prévu à cette heure.",
            a.libelle
        )));
    }
    Ok(usager)
}
