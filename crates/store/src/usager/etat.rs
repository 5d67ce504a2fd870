//! The monthly statement of presences of an établissement (ACC-4): for each stay of the
//! month, its expected days, absence days by kind and days of presence
//! ([`dui_domain::presence::Decompte`]), with the totals per financer. Two statements: the
//! stays overlapping the month, and their absence days in the month.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use dui_domain::journal::ActionJournal;
use dui_domain::presence::{Decompte, Mois, TypeAbsence};
use dui_domain::sejour::{Financement, Periode, TypeAccompagnement};
use serde::Serialize;

use crate::audit::Outcome;
use crate::db::Store;
use crate::fiche::{code, opt_code};
use crate::policy::CapacitePresences;
use crate::{StoreError, StoreResult};

/// One stay of the statement.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LigneEtat {
    /// The file.
    pub usager_id: i64,
    /// Name as shown.
    pub nom: String,
    /// The usager's number in the établissement.
    pub numero_usager: Option<String>,
    /// Unit.
    pub unite: Option<String>,
    /// Kind of support.
    pub type_accompagnement: TypeAccompagnement,
    /// Who pays.
    pub financement: Option<Financement>,
    /// Entry date.
    pub date_entree: String,
    /// Exit date.
    pub date_sortie: Option<String>,
    /// Days of the stay in the month.
    pub jours_prevus: i64,
    /// Days of presence.
    pub jours_presence: i64,
    /// Absence days by kind (codes of `TypeAbsence`; the kinds without any are left out).
    pub absences: BTreeMap<String, i64>,
}

/// The totals of one financer (none: not entered).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TotalFinanceur {
    /// Who pays.
    pub financement: Option<Financement>,
    /// Stays.
    pub sejours: i64,
    /// Expected days.
    pub jours_prevus: i64,
    /// Days of presence.
    pub jours_presence: i64,
    /// Absence days by kind.
    pub absences: BTreeMap<String, i64>,
}

/// The monthly statement of an établissement.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EtatMensuel {
    /// Établissement.
    pub etablissement_id: i64,
    /// Its name.
    pub etablissement: String,
    /// The month (`AAAA-MM`).
    pub mois: String,
    /// Days in the month.
    pub jours_du_mois: i64,
    /// One line per stay, by name.
    pub lignes: Vec<LigneEtat>,
    /// Totals per financer.
    pub par_financeur: Vec<TotalFinanceur>,
    /// Totals of the établissement.
    pub total: TotalFinanceur,
}

fn codes(d: &Decompte) -> BTreeMap<String, i64> {
    d.absences
        .iter()
        .map(|(t, n)| (t.code().to_string(), *n))
        .collect()
}

fn total(financement: Option<Financement>, n: i64, d: &Decompte) -> TotalFinanceur {
    TotalFinanceur {
        financement,
        sejours: n,
        jours_prevus: d.prevus,
        jours_presence: d.presents(),
        absences: codes(d),
    }
}

fn jour(s: &str) -> StoreResult<NaiveDate> {
    crate::fiche::jour(s).ok_or_else(|| StoreError::Corrupt(format!("date {s:?} illisible")))
}

impl Store {
    /// The statement of month `mois` for the établissement of `cap`, audited in one read
    /// entry naming the files listed.
    pub async fn etat_mensuel(
        &self,
        cap: &CapacitePresences,
        mois: Mois,
    ) -> StoreResult<EtatMensuel> {
        let etab = cap.etablissement_id();
        let (debut, fin) = (mois.debut().to_string(), mois.fin().to_string());
        let nom: String = crate::sql::query("SELECT nom FROM etablissement WHERE id = $1")
            .bind(etab)
            .fetch_optional(self)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get(0)?;
        let sejours = crate::sql::query(
            "SELECT s.id, s.usager_id, COALESCE(u.nom_utilise, u.nom_naissance) AS nom, COALESCE(u.prenom_utilise, u.premier_prenom) AS prenom, \
             s.numero_usager, un.nom AS unite, s.type_accompagnement, s.financement, s.date_entree, s.date_sortie \
             FROM sejour s JOIN usager u ON u.id = s.usager_id LEFT JOIN unite un ON un.id = s.unite_id \
             WHERE s.etablissement_id = $1 AND s.date_entree < $3 AND (s.date_sortie IS NULL OR s.date_sortie > $2) \
             ORDER BY u.cle_nom, s.id",
        )
        .bind(etab)
        .bind(debut.as_str())
        .bind(fin.as_str())
        .fetch_all(self)
        .await?;
        let rows = crate::sql::query(
            "SELECT a.sejour_id, a.jour, a.type_absence FROM absence a JOIN sejour s ON s.id = a.sejour_id \
             WHERE s.etablissement_id = $1 AND a.jour >= $2 AND a.jour < $3",
        )
        .bind(etab)
        .bind(debut.as_str())
        .bind(fin.as_str())
        .fetch_all(self)
        .await?;
        let mut absences: HashMap<i64, Vec<(NaiveDate, TypeAbsence)>> = HashMap::new();
        for r in &rows {
            let t = code(r, "type_absence", TypeAbsence::from_code)?;
            let j = jour(&r.try_get::<String, _>("jour")?)?;
            absences
                .entry(r.try_get("sejour_id")?)
                .or_default()
                .push((j, t));
        }
        let mut lignes = Vec::with_capacity(sejours.len());
        let mut financeurs: BTreeMap<Option<Financement>, (i64, Decompte)> = BTreeMap::new();
        let mut tout = Decompte::default();
        for r in &sejours {
            let id: i64 = r.try_get("id")?;
            let entree: String = r.try_get("date_entree")?;
            let sortie: Option<String> = r.try_get("date_sortie")?;
            let p = Periode {
                debut: jour(&entree)?,
                fin: sortie.as_deref().map(jour).transpose()?,
            };
            let d = Decompte::de(&p, &mois, absences.get(&id).map_or(&[], Vec::as_slice));
            let financement = opt_code(r, "financement", Financement::from_code)?;
            let f = financeurs.entry(financement).or_default();
            f.0 += 1;
            f.1.ajouter(&d);
            tout.ajouter(&d);
            let (n, prenom): (String, String) = (r.try_get("nom")?, r.try_get("prenom")?);
            lignes.push(LigneEtat {
                usager_id: r.try_get("usager_id")?,
                nom: format!("{n} {prenom}"),
                numero_usager: r.try_get("numero_usager")?,
                unite: r.try_get("unite")?,
                type_accompagnement: code(r, "type_accompagnement", TypeAccompagnement::from_code)?,
                financement,
                date_entree: entree,
                date_sortie: sortie,
                jours_prevus: d.prevus,
                jours_presence: d.presents(),
                absences: codes(&d),
            });
        }
        let mut usagers: Vec<i64> = lignes.iter().map(|l| l.usager_id).collect();
        usagers.sort_unstable();
        usagers.dedup();
        self.reads
            .log(crate::read_log::ReadEntry {
                actor: cap.principal().actor(),
                action: ActionJournal::PresenceEtat,
                usager_id: None,
                section: Some(dui_domain::policy::Section::Administratif.code()),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"etablissement_id": etab, "mois": mois.code(),
                    "nombre": usagers.len(), "usagers": usagers})
                .to_string(),
                at: cap.at(),
            })
            .await?;
        Ok(EtatMensuel {
            etablissement_id: etab,
            etablissement: nom,
            mois: mois.code(),
            jours_du_mois: mois.jours(),
            total: total(None, lignes.len() as i64, &tout),
            par_financeur: financeurs
                .iter()
                .map(|(f, (n, d))| total(*f, *n, d))
                .collect(),
            lignes,
        })
    }
}
