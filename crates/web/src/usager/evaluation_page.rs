//! The *Évaluations* tab of a file: the evaluations with the grid version each used, a form
//! per grid drawn from its definition (AGGIR by its adverbs), validation of drafts, the
//! difference with the previous evaluation of the same grid, and each grid's main result over
//! time as an SVG drawn here.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use dui_domain::grille::aggir::Adverbes;
use dui_domain::grille::besoins;
use dui_domain::grille::definition::{Definition, TypeReponse};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_store::usager::{Evaluation, NouvelleEvaluation, Usager, VALIDEE};
use serde_json::{json, Map, Value};

use dui_domain::saisie::{self as lim, Champ};

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier};
use super::formulaire_ligne::{page_refusee, repondre_page};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::grille::graphique::graphique;
use crate::reponses::confirme;
use crate::time::fr_date;
use crate::time::DatesFr as _;
use crate::{
    App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Layout, Saisie, WebResult,
};

/// One evaluation as shown: with its definition's title and what changed since the previous
/// one of the same grid.
pub(crate) struct Ligne {
    e: Evaluation,
    titre: String,
    resume: String,
    evolution: String,
    ecarts: Vec<dui_domain::grille::comparaison::Ecart>,
    /// The answers as read (for SERAFIN-PH: the needs identified, level and observation).
    details: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/evaluations.html")]
pub(crate) struct EvaluationsPage {
    layout: Layout,
    pub(crate) u: Usager,
    tabs: super::entete::Tabs,
    lignes: Vec<Ligne>,
    grilles: Vec<Arc<Definition>>,
    graphiques: Vec<(String, String)>,
    /// The validated evaluation being corrected: id, grid, date.
    correction: Option<(i64, String, String)>,
    peut_ecrire: bool,
    peut_valider: bool,
    aujourd_hui: String,
    adverbes: [(&'static str, &'static str); 4],
    /// The form refused in place: a grid's (`evaluation`, keyed by the grid) or a draft's
    /// validation (`validation`, its row).
    en_place: EnPlace,
}

impl EvaluationsPage {
    /// The refusals and what was typed in the form of grid `g` (nothing for another one).
    fn refus(&self, g: &str) -> (ErreursFormulaire, Saisie) {
        self.en_place.de_cle(EVALUATION.nom, g)
    }

    /// The answer typed to question `q` of a refused form.
    fn reponse(&self, saisie: &Saisie, q: impl AsRef<str>) -> String {
        saisie.val(&format!("q:{}", q.as_ref())).to_string()
    }

    /// Whether `valeur` was chosen for question `q` (an option, `oui` for a box, an adverb
    /// `q:<question>:<letter>`) in a refused form.
    fn choisie(&self, saisie: &Saisie, q: impl AsRef<str>, valeur: impl AsRef<str>) -> bool {
        saisie.est(&format!("q:{}", q.as_ref()), valeur)
    }

    /// The evaluation that the form of grid `g` corrects, with its date.
    fn corrige(&self, g: &str) -> Option<(i64, String)> {
        self.correction
            .as_ref()
            .filter(|c| c.1 == g)
            .map(|c| (c.0, c.2.clone()))
    }
}

fn resume(e: &Evaluation) -> String {
    e.resultats
        .iter()
        .map(|v| match &v.interpretation {
            Some(i) => format!("{} : {} ({i})", v.libelle, v.valeur),
            None => format!("{} : {}", v.libelle, v.valeur),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The difference of the first result with the previous evaluation of the same grid.
fn evolution(e: &Evaluation, precedente: Option<&Evaluation>) -> String {
    let (Some(p), Some(now)) = (precedente, e.resultats.first()) else {
        return String::new();
    };
    let Some(before) = p.resultats.iter().find(|v| v.id == now.id) else {
        return String::new();
    };
    let d = now.valeur - before.valeur;
    if d == 0.0 {
        format!(
            "{} inchangé depuis le {}",
            now.libelle,
            fr_date(&p.date_evaluation.to_string())
        )
    } else {
        format!(
            "{} : {} → {} ({}{}) depuis le {}",
            now.libelle,
            before.valeur,
            now.valeur,
            if d > 0.0 { "+" } else { "" },
            d,
            fr_date(&p.date_evaluation.to_string())
        )
    }
}

/// GET /usagers/{id}/evaluations
/// `?corrige=ID`: the form of that evaluation's grid corrects it.
#[derive(serde::Deserialize)]
pub struct PageQuery {
    corrige: Option<String>,
}

pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
) -> PageDossier {
    rendre(&app, &me, id, q.corrige.as_deref(), EnPlace::default()).await
}

/// The tab of file `id`, the form correcting evaluation `corrige` (if any), a form refused in
/// place (or none).
async fn rendre(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    corrige: Option<&str>,
    en_place: EnPlace,
) -> PageDossier {
    let Dossier { tabs, u, .. } = Dossier::ouvrir(app, me, id, Onglet::Evaluations).await?;
    app.grilles.a_jour(&app.store).await?;
    let cap = capability(app, me, id, Section::Accompagnement, Action::Lire).await?;
    let m = super::matrix(app).await?;
    let evaluations = app.store.evaluations(&cap, None, None, 200).await?;
    let mut lignes = Vec::new();
    for (i, e) in evaluations.iter().enumerate() {
        let precedente = evaluations[i + 1..].iter().find(|p| p.grille == e.grille);
        let titre = app
            .grilles
            .version(&e.grille, &e.grille_version)
            .map_or_else(|| e.grille.clone(), |d| d.titre.clone());
        let details = match app.grilles.version(&e.grille, &e.grille_version) {
            Some(d) if d.id == besoins::GRILLE => besoins::besoins_identifies(&d, &e.reponses)
                .into_iter()
                .map(|b| {
                    let lu = match b.commentaire {
                        Some(c) => format!("{} — {c}", b.niveau_libelle),
                        None => b.niveau_libelle,
                    };
                    (format!("{} {}", b.code, b.libelle), lu)
                })
                .collect(),
            Some(d) => d.reponses_lues(&e.reponses),
            None => Vec::new(),
        };
        lignes.push(Ligne {
            details,
            titre: format!("{titre} (version {})", e.grille_version),
            resume: resume(e),
            evolution: evolution(e, precedente),
            ecarts: match (
                precedente,
                app.grilles.version(&e.grille, &e.grille_version),
            ) {
                (Some(p), Some(d)) => d.comparer(&p.reponses, &e.reponses),
                _ => Vec::new(),
            },
            e: e.clone(),
        });
    }
    let correction = corrige
        .and_then(|c| c.parse::<i64>().ok())
        .and_then(|c| {
            evaluations
                .iter()
                .find(|e| e.id == c && e.statut == VALIDEE)
        })
        .map(|e| {
            (
                e.id,
                e.grille.clone(),
                fr_date(&e.date_evaluation.to_string()),
            )
        });
    let mut graphiques = Vec::new();
    for d in app.grilles.courantes() {
        let mut points: Vec<(NaiveDate, f64)> = evaluations
            .iter()
            .filter(|e| e.grille == d.id && e.statut == VALIDEE)
            .filter_map(|e| e.resultats.first().map(|v| (e.date_evaluation, v.valeur)))
            .collect();
        points.reverse();
        let libelle = d.resultats.first().map_or("Score", |r| r.libelle.as_str());
        let svg = graphique(&points, &format!("{libelle} au fil du temps"));
        if !svg.is_empty() {
            graphiques.push((format!("{} — {libelle}", d.titre), svg));
        }
    }
    Ok(EvaluationsPage {
        layout: Layout::new(me, format!("Évaluations — {}", u.nom_affiche()), "usagers"),
        u,
        tabs,
        lignes,
        grilles: app.grilles.courantes(),
        graphiques,
        correction,
        peut_ecrire: m.permet(me.user.role, Section::Accompagnement, Action::Ecrire),
        peut_valider: m.permet(me.user.role, Section::Accompagnement, Action::Valider),
        aujourd_hui: crate::time::paris_today(Utc::now()).to_string(),
        adverbes: Adverbes::LETTRES,
        en_place,
    }
    .into_response())
}

/// The answers of a form: `q:<question>` (and `q:<question>:<S|T|C|H>` for adverbs).
fn reponses(def: &Definition, f: &HashMap<String, String>) -> Value {
    let champ = |k: &str| f.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    if def.algorithme.as_deref() == Some("aggir") {
        let mut subs = Map::new();
        for q in def.questions.iter().filter(|q| !q.facultative) {
            let a: Map<String, Value> = Adverbes::LETTRES
                .iter()
                .map(|(l, _)| {
                    (
                        l.to_string(),
                        json!(champ(&format!("q:{}:{l}", q.id)).is_some()),
                    )
                })
                .collect();
            subs.insert(q.id.clone(), Value::Object(a));
        }
        return json!({ "sous_variables": subs });
    }
    let mut r = Map::new();
    for q in &def.questions {
        let v = champ(&format!("q:{}", q.id));
        let value = match (&q.reponse, v) {
            (TypeReponse::Booleen { .. }, v) => json!(v.is_some()),
            (_, None) => continue,
            (TypeReponse::Nombre { .. }, Some(s)) => s
                .replace(',', ".")
                .parse::<f64>()
                .map_or_else(|_| json!(s), |n| json!(n)),
            (_, Some(s)) => json!(s),
        };
        r.insert(q.id.clone(), value);
    }
    // A question not asked (its condition unmet) is not answered.
    let asked: Vec<String> = def
        .questions
        .iter()
        .filter(|q| {
            q.si.as_ref()
                .is_none_or(|c| r.get(&c.question) == Some(&c.egal))
        })
        .map(|q| q.id.clone())
        .collect();
    r.retain(|k, _| asked.contains(k));
    Value::Object(r)
}

/// A grid's form as typed: `grille`, `date_evaluation`, `q:<question>` (`q:<question>:<S|T|C|H>`
/// for AGGIR's adverbs), `commentaire`, `valider`, `corrige`.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct EvaluationForm(HashMap<String, String>);

impl crate::saisie::Champs for EvaluationForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("grille", lim::CODE),
        Champ::ligne("date_evaluation", lim::DATE),
        Champ::texte("commentaire", lim::COMMENTAIRE),
        Champ::ligne("corrige", 20),
        Champ::ligne("version", 20),
    ];
}

/// A grid's form, its input ids `<grid>-<field>` (`aggir-date_evaluation`, a question's
/// `<grid>-<question>`): one per grid on the page, keyed by the grid.
const EVALUATION: Formulaire = Formulaire::new("evaluation", "", Fait::EvaluationEnregistree);
/// A draft's validation, one per row (`va-<evaluation>-`).
const VALIDATION: Formulaire = Formulaire::new("validation", "va-", Fait::EvaluationValidee);

/// The evaluation typed in `f`, recorded: its id and whether it is validated.
async fn enregistrer(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    f: &HashMap<String, String>,
) -> WebResult<(i64, bool)> {
    let grille = f.get("grille").cloned().unwrap_or_default();
    app.grilles.a_jour(&app.store).await?;
    let def = app
        .grilles
        .courante(&grille)
        .ok_or_else(|| AppError::field("grille", "Grille inconnue."))?;
    let reponses = reponses(&def, f);
    let date_evaluation = match f
        .get("date_evaluation")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        Some(s) => crate::time::date_saisie(s).ok_or_else(|| {
            AppError::field(
                "date_evaluation",
                "La date de l'évaluation doit être une date (JJ/MM/AAAA).",
            )
        }),
        None => Ok(crate::time::paris_today(Utc::now())),
    };
    // Every error of the form at once: the answers' and the date's.
    let mut fields = def.evaluer(&reponses).err().unwrap_or_default();
    if let Err(AppError::Invalid { fields: d, .. }) = &date_evaluation {
        fields.extend(d.clone());
    }
    if !fields.is_empty() {
        return Err(AppError::fields(fields));
    }
    let valider = f.get("valider").is_some_and(|v| v == "oui");
    let action = if valider {
        Action::Valider
    } else {
        Action::Ecrire
    };
    let cap = capability(app, me, id, Section::Accompagnement, action).await?;
    let n = NouvelleEvaluation {
        date_evaluation: date_evaluation?,
        reponses,
        commentaire: f
            .get("commentaire")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        valider,
        corrige_id: f.get("corrige").and_then(|s| s.parse().ok()),
    };
    let e = app.store.ajouter_evaluation(&cap, &def, &n).await?;
    Ok((e.id, valider))
}

/// The fields of grid `grille`'s form in display order (the summary's order).
fn champs_grille(app: &App, grille: &str) -> Vec<String> {
    let mut champs = vec!["date_evaluation".to_string()];
    if let Some(d) = app.grilles.courante(grille) {
        champs.extend(d.questions.iter().map(|q| q.id.clone()));
    }
    champs.push("commentaire".into());
    champs
}

/// POST /usagers/{id}/evaluations: the evaluation recorded, confirmed on its row (validated
/// or a draft); a refusal is the tab again, that grid's form as typed, each message by its
/// question (a correction still correcting).
pub async fn create_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
    Form(EvaluationForm(f)): Form<EvaluationForm>,
) -> WebResult<Response> {
    match enregistrer(&app, &me, id, &f).await {
        Ok((eid, valider)) => {
            let fait = if valider {
                Fait::EvaluationValidee
            } else {
                Fait::EvaluationEnregistree
            };
            let adresse = format!("/usagers/{id}/evaluations#evaluation-{eid}");
            Ok(confirme(&headers, &adresse, fait))
        }
        Err(e) => {
            let grille = f.get("grille").cloned().unwrap_or_default();
            let champs = champs_grille(&app, &grille);
            let champs: Vec<&str> = champs.iter().map(String::as_str).collect();
            let saisie = Saisie::de(&f);
            let corrige = f.get("corrige").map(String::as_str);
            let placer = |erreurs| EnPlace::refus(&EVALUATION, saisie, erreurs).sur_cle(&grille);
            page_refusee(e, &champs, placer, |en_place| {
                rendre(&app, &me, id, corrige, en_place)
            })
            .await
        }
    }
}

/// A draft's validation: the version read.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct ValidationForm {
    version: Option<String>,
}

impl crate::saisie::Champs for ValidationForm {
    const CHAMPS: &'static [Champ] = &[Champ::ligne("version", 20)];
}

/// POST /usagers/{id}/evaluations/{eid}/validation: confirmed on the row; a refusal (changed
/// meanwhile) is the tab again with the message on that row.
pub async fn valider_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, eid)): Path<(UsagerId, i64)>,
    Form(f): Form<ValidationForm>,
) -> WebResult<Response> {
    let issue = async {
        let version = f
            .version
            .as_deref()
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| AppError::field("version", "Version manquante : rechargez la page."))?;
        let cap = capability(&app, &me, id, Section::Accompagnement, Action::Valider).await?;
        Ok(app.store.valider_evaluation(&cap, eid, version).await?)
    }
    .await;
    let adresse = format!("/usagers/{id}/evaluations#evaluation-{eid}");
    repondre_page(
        &headers,
        &adresse,
        (&VALIDATION, Some(eid), &f),
        issue,
        |en_place| rendre(&app, &me, id, None, en_place),
    )
    .await
}
