//! The path's alerts on a home page: the benefits to renew ([`dui_domain::prestation::alerte`],
//! the delay of each kind), the overdue reviews of freedom-of-movement measures, and the
//! follow-up tasks given to the account. Each list reads people's names across files: it
//! requires the search capability (the account's scope), and is audited in one entry naming
//! the files shown, as the projects' alerts are.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::mesure::NatureMesure;
use dui_domain::policy::{Action, Matrice, Section};
use dui_domain::prestation::{alerte, portee_alertes, PorteeAlertes, TypePrestation};
use serde::Serialize;

use super::prestation::jour_col;
use crate::audit::{self, NewEntry, Outcome};
use crate::db::Store;
use crate::fiche::code;
use crate::policy::{CapaciteRecherche, Principal};
use crate::sql::{Row, Value};
use crate::StoreResult;

/// Most alerts of each kind read for a home page.
const MAX_ALERTES: i64 = 50;

/// Expired benefits older than this are no longer alerted (the file's tab still shows them).
const EXPIRES_JOURS: i64 = 365;

/// Follow-up tasks shown this many days ahead.
pub const SUIVIS_HORIZON_JOURS: i64 = 30;

/// One alert of the path on a home page.
#[derive(Clone, Debug, Serialize)]
pub struct AlerteParcours {
    /// The person's file.
    pub usager_id: UsagerId,
    /// The person's name as shown.
    pub personne: String,
    /// What (the kind of benefit, the measure, the task).
    pub libelle: String,
    /// The end of the right, the review due, the task's due date.
    pub echeance: NaiveDate,
    /// Past (expired, overdue, late).
    pub en_retard: bool,
}

const PERSONNE: &str = "u.id AS usager_id, COALESCE(u.prenom_utilise, u.premier_prenom) AS prenom, COALESCE(u.nom_utilise, u.nom_naissance) AS nom";

/// The files of the scope, in SQL over `u` (`$1`: today, `$2`: the account).
fn perimetre(p: PorteeAlertes) -> &'static str {
    match p {
        PorteeAlertes::Etablissements => "EXISTS (SELECT 1 FROM sejour s WHERE s.usager_id = u.id AND (s.date_sortie IS NULL OR s.date_sortie > $1) \
             AND s.etablissement_id IN (SELECT etablissement_id FROM utilisateur_etablissement WHERE utilisateur_id = $2))",
        PorteeAlertes::Referent => "(u.referent_id = $2 OR EXISTS (SELECT 1 FROM sejour s WHERE s.usager_id = u.id AND s.referent_id = $2 \
             AND (s.date_sortie IS NULL OR s.date_sortie > $1)))",
    }
}

/// The path's alerts of a home page (an empty list: nothing to show).
#[derive(Clone, Debug, Default, Serialize)]
pub struct AlertesParcours {
    /// Benefits to renew or expired.
    pub droits: Vec<AlerteParcours>,
    /// Measures whose review is overdue.
    pub mesures: Vec<AlerteParcours>,
    /// Follow-up tasks given to the account.
    pub suivis: Vec<AlerteParcours>,
}

/// The alerts of `rows` (`de` gives a row's alert, or none).
fn decoder(
    rows: &[Row],
    de: impl Fn(&Row) -> StoreResult<Option<AlerteParcours>>,
) -> StoreResult<Vec<AlerteParcours>> {
    rows.iter().filter_map(|r| de(r).transpose()).collect()
}

impl AlerteParcours {
    /// The alert of row `r` (its person's columns [`PERSONNE`]) about `libelle`, due
    /// `echeance`.
    fn de(r: &Row, libelle: String, echeance: NaiveDate, en_retard: bool) -> StoreResult<Self> {
        let prenom: String = r.try_get("prenom")?;
        let nom: String = r.try_get("nom")?;
        Ok(Self {
            usager_id: r.try_get("usager_id")?,
            personne: format!("{prenom} {nom}"),
            libelle,
            echeance,
            en_retard,
        })
    }
}

impl Store {
    /// One entry naming the files an alert panel showed (none when it showed nothing).
    async fn auditer_alertes(
        &self,
        who: &Principal,
        action: ActionJournal,
        alertes: &[AlerteParcours],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let usagers = alertes.iter().map(|a| a.usager_id.get()).collect();
        self.auditer_noms_lus(who, (action, Section::Administratif), usagers, now)
            .await
    }

    /// The path's alerts of the account of `cap` on `aujourdhui`: the benefits to renew and
    /// the measures to review of its alert scope (none without one), the follow-up tasks
    /// given to it (none for a role that may not read the administrative section). Each list
    /// is audited in one entry naming the files it shows.
    pub async fn alertes_parcours(
        &self,
        cap: &CapaciteRecherche,
        matrice: &Matrice,
        aujourdhui: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<AlertesParcours> {
        let who = cap.principal();
        let mut a = AlertesParcours::default();
        if let Some(portee) = portee_alertes(matrice, who.role) {
            a.droits = self.droits_a_renouveler(who, portee, aujourdhui).await?;
            self.auditer_alertes(who, ActionJournal::PrestationAlertes, &a.droits, now)
                .await?;
            a.mesures = self.mesures_a_reviser(who, portee, aujourdhui).await?;
            self.auditer_alertes(who, ActionJournal::MesureAlertes, &a.mesures, now)
                .await?;
        }
        if matrice.permet(who.role, Section::Administratif, Action::Lire) {
            a.suivis = self.suivis_a_faire(who, aujourdhui).await?;
            self.auditer_alertes(who, ActionJournal::SuiviListe, &a.suivis, now)
                .await?;
        }
        Ok(a)
    }

    /// People's names read across files (an alert panel): audited as a search is, in one
    /// entry naming the files shown (none when it showed nothing).
    pub(crate) async fn auditer_noms_lus(
        &self,
        who: &Principal,
        (action, section): (ActionJournal, Section),
        mut usagers: Vec<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        if usagers.is_empty() {
            return Ok(());
        }
        usagers.sort_unstable();
        usagers.dedup();
        let mut tx = self.begin().await?;
        audit::append(
            &mut tx,
            &NewEntry {
                actor: &who.actor(),
                action,
                usager_id: None,
                section: Some(section.code()),
                outcome: Outcome::Succes,
                detail: serde_json::json!({ "usagers": usagers }),
                at: now,
            },
        )
        .await?;
        tx.commit().await
    }

    /// The benefits to renew (or expired within the year and not renewed by a later right of
    /// the same kind) of the files of `portee`, by end date.
    async fn droits_a_renouveler(
        &self,
        who: &Principal,
        portee: PorteeAlertes,
        aujourdhui: NaiveDate,
    ) -> StoreResult<Vec<AlerteParcours>> {
        let delais = self.delais_prestations().await?;
        let mut args: Vec<Value> = vec![aujourdhui.to_string().into(), who.id.into()];
        args.push(
            (aujourdhui - Duration::days(EXPIRES_JOURS))
                .to_string()
                .into(),
        );
        let mut horizons = Vec::new();
        for (t, jours) in &delais {
            args.push(t.code().into());
            args.push((aujourdhui + Duration::days(*jours)).to_string().into());
            horizons.push(format!(
                "(p.type_prestation = ${} AND p.date_fin <= ${})",
                args.len() - 1,
                args.len()
            ));
        }
        args.push(MAX_ALERTES.into());
        let sql = format!(
            "SELECT {PERSONNE}, p.type_prestation, p.date_fin FROM prestation p JOIN usager u ON u.id = p.usager_id \
             WHERE u.fusionne_dans IS NULL AND p.date_fin >= $3 AND ({}) AND {} \
             AND NOT EXISTS (SELECT 1 FROM prestation p2 WHERE p2.usager_id = p.usager_id AND p2.type_prestation = p.type_prestation \
             AND p2.id <> p.id AND (p2.date_fin IS NULL OR p2.date_fin > p.date_fin)) \
             ORDER BY p.date_fin, p.id LIMIT ${}",
            horizons.join(" OR "),
            perimetre(portee),
            args.len()
        );
        let rows = crate::sql::query(&sql).binds(args).fetch_all(self).await?;
        let de = |r: &Row| {
            let t = code(r, "type_prestation", TypePrestation::from_code)?;
            let fin = jour_col(r, "date_fin")?;
            let delai = delais
                .iter()
                .find(|(k, _)| *k == t)
                .map_or(t.delai_alerte_defaut(), |(_, n)| *n);
            alerte(Some(fin), delai, aujourdhui)
                .map(|etat| {
                    let expire = etat == dui_domain::prestation::EtatDroit::Expire;
                    AlerteParcours::de(r, t.label_fr().to_string(), fin, expire)
                })
                .transpose()
        };
        decoder(&rows, de)
    }

    /// The measures of the files of `portee` whose review is overdue, oldest first.
    async fn mesures_a_reviser(
        &self,
        who: &Principal,
        portee: PorteeAlertes,
        aujourdhui: NaiveDate,
    ) -> StoreResult<Vec<AlerteParcours>> {
        let sql = format!(
            "SELECT {PERSONNE}, m.nature, m.prochaine_revision FROM mesure m JOIN usager u ON u.id = m.usager_id \
             WHERE u.fusionne_dans IS NULL AND m.date_fin IS NULL AND m.prochaine_revision < $1 AND {} \
             ORDER BY m.prochaine_revision, m.id LIMIT $3",
            perimetre(portee)
        );
        let rows = crate::sql::query(&sql)
            .bind(aujourdhui.to_string())
            .bind(who.id)
            .bind(MAX_ALERTES)
            .fetch_all(self)
            .await?;
        let de = |r: &Row| {
            let nature = code(r, "nature", NatureMesure::from_code)?;
            let revision = jour_col(r, "prochaine_revision")?;
            AlerteParcours::de(r, nature.label_fr().to_string(), revision, true).map(Some)
        };
        decoder(&rows, de)
    }

    /// The follow-up tasks given to the account, not done and due within
    /// [`SUIVIS_HORIZON_JOURS`] (or late), by due date.
    async fn suivis_a_faire(
        &self,
        who: &Principal,
        aujourdhui: NaiveDate,
    ) -> StoreResult<Vec<AlerteParcours>> {
        let rows = crate::sql::query(&format!(
            "SELECT {PERSONNE}, t.libelle, t.echeance FROM suivi t JOIN usager u ON u.id = t.usager_id \
             WHERE t.assigne_a = $1 AND t.fait_le IS NULL AND t.echeance <= $2 AND u.fusionne_dans IS NULL \
             ORDER BY t.echeance, t.id LIMIT $3"
        ))
        .bind(who.id)
        .bind((aujourdhui + Duration::days(SUIVIS_HORIZON_JOURS)).to_string())
        .bind(MAX_ALERTES)
        .fetch_all(self)
        .await?;
        let de = |r: &Row| {
            let echeance = jour_col(r, "echeance")?;
            let en_retard = dui_domain::suivi::en_retard(echeance, aujourdhui);
            AlerteParcours::de(r, r.try_get("libelle")?, echeance, en_retard).map(Some)
        };
        decoder(&rows, de)
    }
}
