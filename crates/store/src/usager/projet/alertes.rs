//! The alerts of the personalised projects on a professional's home page: the reviews due
//! (or late) of the people whose referent they are, the PPE not yet drawn up three months
//! after a child's admission in child protection (D223-12), and the actions of a validated
//! project assigned to them that are due (or late).

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Matrice, Section};
use dui_domain::projet::echeances::{echeance_ppe, ppe_requis, DELAI_PPE_MOIS};
use dui_domain::projet::{alerte_revision, date_iso, EtatEcheance, TypeProjet, DELAI_ALERTE_JOURS};
use serde::Serialize;

use crate::db::Store;
use crate::policy::CapaciteRecherche;
use crate::StoreResult;

/// Most alerts of each kind read for a home page.
const MAX_ALERTES: i64 = 50;

/// One alert: a review of a project, or an action assigned to the account.
#[derive(Clone, Debug, Serialize)]
pub struct AlerteProjet {
    /// The person's file.
    pub usager_id: UsagerId,
    /// The person's name as shown (used first name and name).
    pub personne: String,
    /// The project (`None`: the PPE to draw up does not exist yet).
    pub projet_id: Option<i64>,
    /// Its type.
    #[serde(rename = "type")]
    pub type_projet: TypeProjet,
    /// The action assigned, `None` for a review or a PPE to draw up.
    pub action: Option<String>,
    /// A PPE to draw up: the admission date (`AAAA-MM-JJ`) it is due three months after.
    pub admission: Option<String>,
    /// Due date (`AAAA-MM-JJ`).
    pub echeance: String,
    /// Late or soon.
    pub etat: EtatEcheance,
}

const PERSONNE: &str = "u.id AS usager_id, COALESCE(u.prenom_utilise, u.premier_prenom) AS prenom, COALESCE(u.nom_utilise, u.nom_naissance) AS nom";

impl Store {
    /// The alerts of the account holding `cap` on `aujourdhui`: reviews due within
    /// [`DELAI_ALERTE_JOURS`] (or late) of the projects of the people whose referent it is,
    /// and the actions assigned to it in validated projects, due by then. Empty for a role
    /// that may not read the *Accompagnement* section; merged files are left out. Ordered by
    /// due date. Audited at `now` (one entry naming the files shown) when there are some.
    pub async fn alertes_projets(
        &self,
        cap: &CapaciteRecherche,
        matrice: &Matrice,
        aujourdhui: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AlerteProjet>> {
        let who = cap.principal();
        if !matrice.permet(who.role, Section::Accompagnement, Action::Lire) {
            return Ok(Vec::new());
        }
        let limite = (aujourdhui + Duration::days(DELAI_ALERTE_JOURS)).to_string();
        // The reviews due of the files one is referent of, then the actions assigned to one.
        let requetes = [
            format!(
            "SELECT {PERSONNE}, p.id AS projet_id, p.type, p.prochaine_revision AS echeance, CAST(NULL AS TEXT) AS action \
                 FROM projet p JOIN usager u ON u.id = p.usager_id \
                 WHERE u.referent_id = $1 AND u.fusionne_dans IS NULL AND p.fusion_archive IS NULL AND p.prochaine_revision <= $2 \
                 ORDER BY p.prochaine_revision, p.id LIMIT $3"
            ),
            format!(
            "SELECT {PERSONNE}, p.id AS projet_id, p.type, a.echeance, a.libelle AS action \
                 FROM projet_action a JOIN projet p ON p.id = a.projet_id JOIN usager u ON u.id = a.usager_id \
                 WHERE a.responsable_id = $1 AND u.fusionne_dans IS NULL AND p.fusion_archive IS NULL AND a.echeance <= $2 \
                 ORDER BY a.echeance, a.id LIMIT $3"
            ),
        ];
        let mut lignes = Vec::new();
        for sql in &requetes {
            let rows = crate::sql::query(sql)
                .bind(who.id)
                .bind(limite.as_str())
                .bind(MAX_ALERTES)
                .fetch_all(self)
                .await?;
            lignes.extend(rows);
        }
        // Children in child protection whose PPE has no validated version, admitted at least
        // three months before the alert's horizon.
        let entree_max = (aujourdhui + Duration::days(DELAI_ALERTE_JOURS))
            .checked_sub_months(Months::new(DELAI_PPE_MOIS))
            .unwrap_or(aujourdhui)
            .to_string();
        let sans_ppe = crate::sql::query(&format!(
            "SELECT {PERSONNE}, u.date_naissance, s.date_entree FROM usager u \
             JOIN sejour s ON s.usager_id = u.id JOIN etablissement e ON e.id = s.etablissement_id \
             WHERE u.referent_id = $1 AND u.fusionne_dans IS NULL AND s.date_sortie IS NULL \
             AND e.domaine = 'PDE' AND s.date_entree <= $2 \
             AND NOT EXISTS (SELECT 1 FROM projet p WHERE p.usager_id = u.id AND p.type = 'ppe' AND p.prochaine_revision IS NOT NULL AND p.fusion_archive IS NULL) \
             ORDER BY s.date_entree, u.id LIMIT $3"
        ))
        .bind(who.id)
        .bind(entree_max.as_str())
        .bind(MAX_ALERTES)
        .fetch_all(self)
        .await?;
        let mut out = Vec::new();
        for r in &sans_ppe {
            let usager_id: UsagerId = r.try_get("usager_id")?;
            let entree: String = r.try_get("date_entree")?;
            let naissance: String = r.try_get("date_naissance")?;
            let naissance = NaiveDate::parse_from_str(&naissance, "%Y-%m-%d").ok();
            let Some(d) = date_iso(&entree) else {
                continue;
            };
            let echeance = echeance_ppe(d);
            let (Some(etat), true) = (
                alerte_revision(echeance, aujourdhui),
                ppe_requis(naissance, aujourdhui),
            ) else {
                continue;
            };
            if out.iter().any(|a: &AlerteProjet| a.usager_id == usager_id) {
                continue;
            }
            let prenom: String = r.try_get("prenom")?;
            let nom: String = r.try_get("nom")?;
            out.push(AlerteProjet {
                usager_id,
                personne: format!("{prenom} {nom}"),
                projet_id: None,
                type_projet: TypeProjet::Ppe,
                action: None,
                admission: Some(entree),
                echeance: echeance.to_string(),
                etat,
            });
        }
        for r in &lignes {
            let echeance: String = r.try_get("echeance")?;
            let t: String = r.try_get("type")?;
            let (Some(d), Some(type_projet)) = (date_iso(&echeance), TypeProjet::from_code(&t))
            else {
                continue;
            };
            let Some(etat) = alerte_revision(d, aujourdhui) else {
                continue;
            };
            let prenom: String = r.try_get("prenom")?;
            let nom: String = r.try_get("nom")?;
            out.push(AlerteProjet {
                usager_id: r.try_get("usager_id")?,
                personne: format!("{prenom} {nom}"),
                projet_id: Some(r.try_get("projet_id")?),
                type_projet,
                action: r.try_get("action")?,
                admission: None,
                echeance,
                etat,
            });
        }
        out.sort_by(|a, b| a.echeance.cmp(&b.echeance));
        // Names of people were read: audited as a search is, with the files shown.
        let usagers = out.iter().map(|a| a.usager_id.0).collect();
        let action = (ActionJournal::UsagerProjetAlertes, Section::Accompagnement);
        self.auditer_noms_lus(who, action, usagers, now).await?;
        Ok(out)
    }
}
