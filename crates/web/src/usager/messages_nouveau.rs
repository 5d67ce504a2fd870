//! Writing a message to professionals (`/messages/nouveau`): recipients chosen by name, the
//! team of the person proposed first when written from a file, an optional agenda entry;
//! refusals in place, success confirmed on the list.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim};
use dui_store::admin::annuaire::CompteNomme;
use serde::Deserialize;

use super::capability;
use crate::auth::CurrentUser;
use crate::formulaire::ErreursFormulaire;
use crate::reponses::confirme;
use crate::{App, AppError, Fait, Layout, WebResult};

use super::messages::{envoyer, exiger_messagerie, MessageFields, CHAMPS_FORM, SANS_MESSAGES};

/// `?usager=&q=` of the new message's page.
#[derive(Deserialize, Default)]
pub struct NouveauQuery {
    usager: Option<i64>,
    q: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "messages/nouveau.html")]
struct NouveauPage {
    layout: Layout,
    /// The person it is about: (id, name).
    usager: Option<(i64, String)>,
    /// The person's team (current members), proposed first.
    equipe: Vec<CompteNomme>,
    /// Other professionals (of the person's établissements, else the sender's).
    autres: Vec<CompteNomme>,
    recherche: String,
    etablissement_id: Option<i64>,
    f: MessageFields,
    erreurs: ErreursFormulaire,
}

impl NouveauPage {
    fn coche(&self, id: &i64) -> bool {
        self.f.destinataires.contains(id)
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

async fn rendre_nouveau(
    app: &App,
    me: &CurrentUser,
    usager: Option<i64>,
    q: &str,
    f: MessageFields,
    erreurs: ErreursFormulaire,
) -> WebResult<NouveauPage> {
    exiger_messagerie(me)?;
    let mut etabs = me.user.etablissements.clone();
    let mut equipe = Vec::new();
    let mut personne = None;
    let mut etablissement_id = None;
    if let Some(u) = usager {
        let cap = capability(
            app,
            me,
            UsagerId::from(u),
            Section::Administratif,
            Action::Lire,
        )
        .await?;
        let membres = app.store.equipe_du_dossier(&cap).await?;
        let ids: Vec<i64> = membres
            .iter()
            .filter(|m| m.en_cours() && m.utilisateur_id != me.user.id)
            .map(|m| m.utilisateur_id)
            .collect();
        let noms = app.store.comptes_nommes(&ids).await?;
        equipe = ids.iter().filter_map(|i| noms.get(i).cloned()).collect();
        let (nom, sejours) = app.store.nom_et_etablissements(&cap).await?;
        if !sejours.is_empty() {
            etablissement_id = sejours.first().copied();
            etabs = sejours;
        }
        personne = Some((u, nom));
    }
    etabs.sort_unstable();
    etabs.dedup();
    let autres = app
        .store
        .comptes_des_etablissements(q, &etabs, &[], 60)
        .await?
        .into_iter()
        .filter(|c| {
            c.id != me.user.id
                && !equipe.iter().any(|e| e.id == c.id)
                && !SANS_MESSAGES.contains(&c.role)
        })
        .collect();
    Ok(NouveauPage {
        layout: Layout::new(me, "Envoyer une information à un professionnel", "messages"),
        usager: personne,
        equipe,
        autres,
        recherche: q.to_string(),
        etablissement_id: etablissement_id.or_else(|| me.user.etablissements.first().copied()),
        f,
        erreurs,
    })
}

/// GET /messages/nouveau
pub async fn page_nouveau(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<NouveauQuery>,
) -> WebResult<Response> {
    let recherche = q.q.unwrap_or_default();
    if recherche.chars().count() > lim::RECHERCHE {
        return Err(AppError::field("q", "La recherche est trop longue."));
    }
    let f = MessageFields {
        usager_id: q.usager,
        ..MessageFields::default()
    };
    Ok(rendre_nouveau(
        &app,
        &me,
        q.usager,
        recherche.trim(),
        f,
        ErreursFormulaire::default(),
    )
    .await?
    .into_response())
}

/// The form's fields from its pairs (the recipients are repeated `destinataires` keys).
fn depuis_paires(paires: &[(String, String)]) -> MessageFields {
    let mut f = MessageFields::default();
    for (k, v) in paires {
        let v = v.clone();
        match k.as_str() {
            "destinataires" => {
                if let Ok(i) = v.trim().parse() {
                    f.destinataires.push(i);
                }
            }
            "usager_id" => f.usager_id = v.trim().parse().ok(),
            "etablissement_id" => f.etablissement_id = v.trim().parse().ok(),
            "objet" => f.objet = Some(v),
            "texte" => f.texte = Some(v),
            "rdv_jour" => f.rdv_jour = Some(v),
            "rdv_debut" => f.rdv_debut = Some(v),
            "rdv_fin" => f.rdv_fin = Some(v),
            _ => {}
        }
    }
    f
}

/// POST /messages: sends the message; refusals in place, success confirmed on the list.
pub async fn form_envoi(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let est_formulaire = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !est_formulaire {
        return Err(AppError::UnsupportedMedia(
            "Le formulaire doit être envoyé en application/x-www-form-urlencoded.".into(),
        ));
    }
    let paires: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::BadRequest("Le formulaire est illisible.".into()))?;
    crate::saisie::verifier_paires(
        &paires,
        <MessageFields as crate::saisie::Champs>::CHAMPS,
        false,
    )?;
    let f = depuis_paires(&paires);
    match envoyer(&app, &me, &f).await {
        Ok(_) => Ok(confirme(
            &headers,
            "/messages?boite=envoyes",
            Fait::MessageEnvoye,
        )),
        Err(e) => {
            let (status, erreurs) = ErreursFormulaire::depuis(e, &CHAMPS_FORM)?;
            let usager = f.usager_id;
            let page = rendre_nouveau(&app, &me, usager, "", f, erreurs).await?;
            Ok((status, page).into_response())
        }
    }
}
