//! The new application's page and its form: a refusal is the form again as typed (the
//! établissements ticked, the documents' lines), each message by its field; a success is the
//! application's page confirming it.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::policy::Action;
use dui_domain::usager::Sexe;
use dui_store::admin::organisation::Etablissement;
use serde::Deserialize;

use super::candidatures::{capacite, creer, CandidatureFields, PieceFields, CHAMPS_CANDIDATURE};
use super::formulaire_ligne::page_refusee;
use crate::auth::CurrentUser;
use crate::forms::{opt, Form};
use crate::reponses::confirme;
use crate::time::paris_today;
use crate::{
    App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Layout, Saisie, WebResult,
};

#[derive(Template, WebTemplate)]
#[template(path = "candidature_nouvelle.html")]
struct NouvellePage {
    layout: Layout,
    etablissements: Vec<Etablissement>,
    mes: Vec<i64>,
    aujourdhui: String,
    usager_id: Option<String>,
    /// The refusal of the form sent, and what it held (`etablissements_<id>`,
    /// `piece_libelle_<n>`, `piece_recue_le_<n>` for the repeated fields).
    erreurs: ErreursFormulaire,
    s: Saisie,
}

impl NouvellePage {
    fn sexe(&self, s: &Sexe) -> &'static str {
        match s {
            Sexe::F => "Féminin",
            Sexe::M => "Masculin",
            Sexe::I => "Indéterminé",
        }
    }
    /// Whether établissement `e` is ticked: as sent, or the user's only one.
    fn coche(&self, e: &Etablissement) -> bool {
        let seul = self.mes.len() == 1 && self.mes.contains(&e.id);
        self.s.coche_ou(&format!("etablissements_{}", e.id), seul)
    }
    /// The label of document line `i` (1 to 4): as sent, or the usual first two.
    fn piece(&self, i: impl std::borrow::Borrow<usize>) -> String {
        let i = *i.borrow();
        let defaut = match i {
            1 => "Notification de décision",
            2 => "Certificat médical",
            _ => "",
        };
        self.s.ou(&format!("piece_libelle_{i}"), defaut)
    }
    /// The date document line `i` was received, as sent.
    fn recue(&self, i: impl std::borrow::Borrow<usize>) -> String {
        let i = *i.borrow();
        self.s.val(&format!("piece_recue_le_{i}")).to_string()
    }
}

/// `?usager_id=` of the new application (a person who has a file).
#[derive(Deserialize)]
pub struct NouvelleQuery {
    usager_id: Option<String>,
}

/// GET /candidatures/nouvelle
pub async fn nouvelle(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<NouvelleQuery>,
) -> WebResult<Response> {
    rendre(&app, &me, q.usager_id, EnPlace::default()).await
}

/// The new application's form (for the person of file `usager_id`), refused in place or not.
async fn rendre(
    app: &App,
    me: &CurrentUser,
    usager_id: Option<String>,
    en_place: EnPlace,
) -> WebResult<Response> {
    capacite(app, me, Action::Ecrire).await?;
    Ok(NouvellePage {
        layout: Layout::new(me, "Nouvelle candidature", "candidatures"),
        etablissements: app.store.etablissements(None).await?,
        mes: me.principal.etablissements.clone(),
        aujourdhui: paris_today(Utc::now()).to_string(),
        usager_id,
        erreurs: en_place.erreurs,
        s: en_place.saisie,
    }
    .into_response())
}

/// The form's pairs (repeated `etablissements`, `piece_libelle` / `piece_recue_le` lines).
#[derive(Deserialize)]
#[serde(transparent)]
pub struct PairesCandidature(Vec<(String, String)>);

impl crate::saisie::Champs for PairesCandidature {
    const CHAMPS: &'static [dui_domain::saisie::Champ] = CHAMPS_FORMULAIRE;
}

const CHAMPS_FORMULAIRE: &[dui_domain::saisie::Champ] = &{
    use dui_domain::saisie::{Champ, DATE, LIBELLE};
    let mut v = [Champ::ligne("_csrf", 200); CHAMPS_CANDIDATURE.len() + 3];
    let mut i = 0;
    while i < CHAMPS_CANDIDATURE.len() {
        v[i] = CHAMPS_CANDIDATURE[i];
        i += 1;
    }
    v[i] = Champ::ligne("piece_libelle", LIBELLE);
    v[i + 1] = Champ::ligne("piece_recue_le", DATE);
    v
};

impl PairesCandidature {
    /// What was typed, one field per name (`etablissements_<id>`, `piece_libelle_<n>`,
    /// `piece_recue_le_<n>` for the repeated ones).
    fn saisie(&self) -> Saisie {
        let mut m = BTreeMap::new();
        let (mut libelles, mut recues) = (0, 0);
        for (k, v) in &self.0 {
            let (k, v) = match k.as_str() {
                "_csrf" => continue,
                "etablissements" => (format!("etablissements_{v}"), "oui".to_string()),
                "piece_libelle" => {
                    libelles += 1;
                    (format!("piece_libelle_{libelles}"), v.clone())
                }
                "piece_recue_le" => {
                    recues += 1;
                    (format!("piece_recue_le_{recues}"), v.clone())
                }
                _ => (k.clone(), v.clone()),
            };
            m.insert(k, v);
        }
        Saisie::de(&m)
    }

    /// The application typed as the API takes it: its text fields by their names (the
    /// API's), the établissements, the person's file and the documents read one by one.
    fn champs(&self) -> WebResult<CandidatureFields> {
        let mut textes = serde_json::Map::new();
        let (mut etablissements, mut usager_id) = (Vec::new(), None);
        let (mut libelles, mut recues) = (Vec::new(), Vec::new());
        for (k, v) in &self.0 {
            let v = Some(v.clone());
            match k.as_str() {
                "etablissements" => {
                    etablissements.push(opt(&v).and_then(|x| x.parse().ok()).ok_or_else(|| {
                        AppError::field("etablissements", "Établissement invalide.")
                    })?)
                }
                "usager_id" => usager_id = opt(&v).and_then(|x| x.parse().ok()),
                "piece_libelle" => libelles.push(v),
                "piece_recue_le" => recues.push(v),
                // The body's other fields that are no text: not on this form.
                "pieces" | "version" => {}
                _ => {
                    textes.insert(k.clone(), v.into());
                }
            }
        }
        // The body's other fields are optional texts; a name it does not know is left.
        let mut f: CandidatureFields = serde_json::from_value(textes.into())
            .map_err(|_| AppError::BadRequest("Formulaire illisible.".into()))?;
        f.etablissements = etablissements;
        f.usager_id = usager_id;
        f.pieces = libelles
            .into_iter()
            .enumerate()
            .map(|(i, libelle)| PieceFields {
                libelle,
                recue_le: recues.get(i).cloned().flatten(),
            })
            .collect();
        Ok(f)
    }
}

/// The new application's form, its input ids `c-<field>`.
const NOUVELLE: Formulaire = Formulaire::new("candidature", "c-", Fait::CandidatureCreee);

/// POST /candidatures: records the application, confirmed on its page; a refusal is the form
/// again as typed.
pub async fn creer_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(p): Form<PairesCandidature>,
) -> WebResult<Response> {
    let issue = async { creer(&app, &me, &p.champs()?).await }.await;
    match issue {
        Ok(id) => Ok(confirme(
            &headers,
            &format!("/candidatures/{id}"),
            Fait::CandidatureCreee,
        )),
        Err(e) => {
            // A document's date is said at the top: the line is not known.
            let champs: Vec<&str> = CHAMPS_CANDIDATURE
                .iter()
                .map(|c| c.nom)
                .filter(|c| *c != "recue_le")
                .collect();
            let saisie = p.saisie();
            let usager_id = opt(&Some(saisie.val("usager_id").to_string()));
            let placer = |erreurs| EnPlace::refus(&NOUVELLE, saisie, erreurs);
            page_refusee(e, &champs, placer, |en_place| {
                rendre(&app, &me, usager_id, en_place)
            })
            .await
        }
    }
}
