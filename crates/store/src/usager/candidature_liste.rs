//! The consolidated waiting list (ADM-1): the applications of the organisation that the
//! account may read (aimed at one of its établissements), filtered by établissement,
//! domain, status, age, GIR or orientation, urgent first then oldest first, by keyset pages;
//! one read entry names the applications of the page.

use chrono::NaiveDate;
use dui_domain::candidature::{ne_au_plus_tard, StatutCandidature};
use dui_domain::organisation::Domaine;
use dui_domain::sejour::TypeAccompagnement;

use super::candidature::{candidature_from, cibles, perimetre, Candidature, CANDIDATURE_COLUMNS};
use crate::db::Store;
use crate::page::{Ordre, Page, Tri};
use crate::policy::CapaciteCandidatures;
use crate::sql::Value;
use crate::StoreResult;

/// The filters of the waiting list (none: every application in progress).
#[derive(Clone, Debug, Default)]
pub struct FiltreCandidatures {
    /// Aimed at this établissement.
    pub etablissement: Option<i64>,
    /// Aimed at an établissement of this domain.
    pub domaine: Option<Domaine>,
    /// In this status (none: those in progress, neither refused nor withdrawn).
    pub statut: Option<StatutCandidature>,
    /// At least this old on `jour`.
    pub age_min: Option<u32>,
    /// At most this old on `jour`.
    pub age_max: Option<u32>,
    /// GIR of the person's latest validated AGGIR evaluation.
    pub gir: Option<i64>,
    /// The kind of support asked.
    pub orientation: Option<TypeAccompagnement>,
    /// The day ages are counted on (today in Paris).
    pub jour: Option<NaiveDate>,
}

/// The order of the waiting list: urgent first, then by date received.
const TRI: Tri<'static> = Tri {
    cols: "c.priorite_rang, c.date_reception, c.id",
    table: "candidature c",
    id: "c.id",
    ordre: Ordre::Croissant,
};

impl FiltreCandidatures {
    /// The conditions after the scope's, with their values (numbered from `premier`).
    fn conditions(&self, premier: usize) -> (String, Vec<Value>) {
        let mut sql = String::new();
        let mut vals: Vec<Value> = Vec::new();
        let mut ajouter = |cond: &str, v: Value, sql: &mut String| {
            vals.push(v);
            sql.push_str(&cond.replace("$?", &format!("${}", premier + vals.len() - 1)));
        };
        match self.statut {
            Some(s) => ajouter(" AND c.statut = $?", s.code().into(), &mut sql),
            None => {
                let clos: Vec<&str> = StatutCandidature::ALL
                    .iter()
                    .filter(|s| !s.en_cours())
                    .map(|s| s.code())
                    .collect();
                sql.push_str(&format!(" AND c.statut NOT IN ('{}')", clos.join("', '")));
            }
        }
        if let Some(e) = self.etablissement {
            ajouter(
                " AND EXISTS (SELECT 1 FROM candidature_etablissement ce WHERE ce.candidature_id = c.id AND ce.etablissement_id = $?)",
                e.into(),
                &mut sql,
            );
        }
        if let Some(d) = self.domaine {
            ajouter(
                " AND EXISTS (SELECT 1 FROM candidature_etablissement ce JOIN etablissement e ON e.id = ce.etablissement_id \
                 WHERE ce.candidature_id = c.id AND e.domaine = $?)",
                d.code().into(),
                &mut sql,
            );
        }
        let jour = self
            .jour
            .unwrap_or_else(|| dui_domain::feuille_soins::jour_local(chrono::Utc::now()));
        if let Some(a) = self.age_min {
            ajouter(
                " AND c.date_naissance <= $?",
                ne_au_plus_tard(a, jour).to_string().into(),
                &mut sql,
            );
        }
        if let Some(a) = self.age_max {
            ajouter(
                " AND c.date_naissance > $?",
                ne_au_plus_tard(a.saturating_add(1), jour)
                    .to_string()
                    .into(),
                &mut sql,
            );
        }
        if let Some(o) = self.orientation {
            ajouter(" AND c.orientation = $?", o.code().into(), &mut sql);
        }
        if let Some(g) = self.gir {
            ajouter(
                " AND (SELECT ev.gir FROM evaluation ev WHERE ev.usager_id = c.usager_id AND ev.grille = 'aggir' AND ev.statut = 'validee' \
                 ORDER BY ev.date_evaluation DESC, ev.id DESC LIMIT 1) = $?",
                g.into(),
                &mut sql,
            );
        }
        (sql, vals)
    }
}

impl Store {
    /// One page of the consolidated waiting list (audited: one entry naming the
    /// applications shown), and the cursor of the next page.
    pub async fn liste_candidatures(
        &self,
        cap: &CapaciteCandidatures,
        f: &FiltreCandidatures,
        page: Page,
    ) -> StoreResult<(Vec<Candidature>, Option<i64>)> {
        let (scope, mut args) = perimetre(cap, 1);
        let (cond, vals) = f.conditions(args.len() + 1);
        args.extend(vals);
        let select = format!("SELECT {CANDIDATURE_COLUMNS} FROM candidature c WHERE {scope}{cond}");
        let rows = self.keyset(&select, args, TRI, page).await?;
        let items = rows
            .iter()
            .map(candidature_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let (mut items, next) = page.split(items, |c| c.id);
        cibles(self, &mut items).await?;
        if !items.is_empty() {
            let ids: Vec<i64> = items.iter().map(|c| c.id).collect();
            self.lecture_candidatures(cap, &ids).await?;
        }
        Ok((items, next))
    }
}
