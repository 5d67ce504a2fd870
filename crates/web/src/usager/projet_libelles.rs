//! How a project reads, shared by the *Projet* tab and its print view: French labels of its
//! codes, dates, SERAFIN-PH codes with their wording, who acts.

use dui_domain::projet::{
    ActionPlan, BesoinFondamental, CodeSerafin, DecisionSignature, NatureDecision, Qualite,
    StatutObjectif, TypeProjet,
};
use dui_domain::serafin::{self, Element};
use dui_store::usager::MembreEquipe;

use crate::time::fr_date;

/// The labels of a project's page (the templates call them on `self`).
pub(super) trait LibellesProjet {
    /// The person's team (names of the professionals who act).
    fn equipe(&self) -> &[MembreEquipe];
    /// The reader's account, shown as « vous » (`None` on a printed page).
    fn moi(&self) -> Option<i64>;

    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn quand(&self, ts: &str) -> String {
        fr_date(ts.get(..10).unwrap_or(ts))
    }
    fn type_label(&self, t: &TypeProjet) -> &'static str {
        t.label_fr()
    }
    fn statut(&self, c: &str) -> &'static str {
        StatutObjectif::from_code(c).map_or("—", StatutObjectif::label_fr)
    }
    fn qualite(&self, c: &str) -> &'static str {
        Qualite::from_code(c).map_or("—", Qualite::label_fr)
    }
    fn decision(&self, c: &str) -> &'static str {
        DecisionSignature::from_code(c).map_or("—", DecisionSignature::label_fr)
    }
    fn nature(&self, c: &str) -> &'static str {
        NatureDecision::from_code(c).map_or("Non précisée", NatureDecision::label_fr)
    }
    fn besoin(&self, c: &str) -> &'static str {
        BesoinFondamental::from_code(c).map_or("—", BesoinFondamental::label_fr)
    }
    fn code_serafin(&self, c: &CodeSerafin) -> String {
        match serafin::element(&c.code) {
            Some(e) => format!("{} — {}", e.code, e.libelle),
            None => c.code.clone(),
        }
    }
    fn indent(&self, e: &Element) -> String {
        "— ".repeat(usize::from(e.niveau.saturating_sub(1)))
    }
    /// A professional of the team by account id.
    fn professionnel(&self, id: &i64) -> String {
        let id = *id;
        if Some(id) == self.moi() {
            return "vous".to_string();
        }
        self.equipe()
            .iter()
            .find(|m| m.id == id)
            .map_or_else(|| format!("professionnel n° {id}"), |m| m.nom.clone())
    }
    fn responsable(&self, a: &ActionPlan) -> String {
        let pro = a.responsable_id.map(|r| self.professionnel(&r));
        match (pro, &a.intervenant) {
            (Some(p), Some(i)) => format!("{p} ({i})"),
            (Some(p), None) => p,
            (None, Some(i)) => i.clone(),
            (None, None) => "—".into(),
        }
    }
    fn role(&self, c: &str) -> &'static str {
        dui_domain::policy::Role::from_code(c).map_or("", |r| r.label_fr())
    }
}
