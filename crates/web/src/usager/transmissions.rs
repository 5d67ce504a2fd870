//! Transmissions: the *Accompagnement* tab of the file (the last transmissions and the form
//! to write one), the relève page, and their API (`/api/v1/usagers/{id}/transmissions`,
//! `/api/v1/transmissions`, `/api/v1/transmissions/lues`). There is no update nor delete.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use dui_domain::policy::{section_permise, Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::transmission::{CategorieTransmission, SECTIONS};
use dui_store::usager::{ContenuTransmission, Transmission, TransmissionInput, Usager};
use serde::Deserialize;

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::{Demande, FormulaireDossier, ListeDemandee, PageDemandee};
use super::formulaire_ligne::repondre_page;
use crate::auth::CurrentUser;
use crate::forms::{opt, ApiJson};
use crate::pagination::{self, Pagination};
use dui_domain::ids::UsagerId;

use crate::corps::TransmissionEcrite;
use crate::time::{fr_datetime, paris_local_input, parse_instant};
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// A transmission as typed (form or JSON).
#[derive(Deserialize, serde::Serialize, Default, Clone, utoipa::ToSchema)]
pub struct TransmissionFields {
    section: Option<String>,
    categorie: Option<String>,
    texte: Option<String>,
    cible: Option<String>,
    donnees: Option<String>,
    actions: Option<String>,
    resultats: Option<String>,
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    importante: Option<String>,
    date_fait: Option<String>,
    #[schema(value_type = Option<i64>)]
    corrige_id: Option<serde_json::Value>,
}

impl crate::saisie::Champs for TransmissionFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("section", lim::CODE),
        Champ::ligne("categorie", lim::CODE),
        Champ::texte("texte", lim::TRANSMISSION),
        Champ::ligne("cible", lim::CIBLE),
        Champ::texte("donnees", lim::COMMENTAIRE),
        Champ::texte("actions", lim::COMMENTAIRE),
        Champ::texte("resultats", lim::COMMENTAIRE),
        Champ::ligne("importante", lim::CODE),
        Champ::ligne("date_fait", lim::DATE + 20),
        Champ::ligne("corrige_id", 20),
    ];
}

impl TransmissionFields {
    /// The input, or 422 naming every field to correct.
    fn validate(&self, now: DateTime<Utc>) -> WebResult<TransmissionInput> {
        let mut errors = std::collections::BTreeMap::new();
        let section = match opt(&self.section) {
            None => Section::Accompagnement,
            Some(c) => Section::from_code(&c).unwrap_or_else(|| {
                errors.insert("section".into(), "Section inconnue.".into());
                Section::Accompagnement
            }),
        };
        let categorie = match opt(&self.categorie) {
            None => CategorieTransmission::Autre,
            Some(c) => CategorieTransmission::from_code(&c).unwrap_or_else(|| {
                errors.insert("categorie".into(), "Catégorie inconnue.".into());
                CategorieTransmission::Autre
            }),
        };
        let date_fait = match opt(&self.date_fait) {
            None => None,
            Some(d) => {
                let t = parse_instant(&d);
                if t.is_none() {
                    errors.insert(
                        "date_fait".into(),
                        "La date du fait doit être au format AAAA-MM-JJTHH:MM.".into(),
                    );
                }
                t
            }
        };
        let corrige_id = match &self.corrige_id {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
            Some(serde_json::Value::String(s)) => s.trim().parse().ok().or_else(|| {
                errors.insert(
                    "corrige_id".into(),
                    "Transmission corrigée inconnue.".into(),
                );
                None
            }),
            Some(_) => {
                errors.insert(
                    "corrige_id".into(),
                    "Transmission corrigée inconnue.".into(),
                );
                None
            }
        };
        let input = TransmissionInput {
            section,
            categorie,
            contenu: ContenuTransmission {
                importante: matches!(
                    self.importante.as_deref(),
                    Some("oui" | "on" | "true" | "1")
                ),
                texte: opt(&self.texte),
                cible: opt(&self.cible),
                donnees: opt(&self.donnees),
                actions: opt(&self.actions),
                resultats: opt(&self.resultats),
            },
            date_fait,
            corrige_id,
        };
        for (champ, m) in input.erreurs(now) {
            errors.entry(champ.to_string()).or_insert(m);
        }
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(AppError::fields(errors))
        }
    }
}

/// Writes a transmission (the capability of its section, then the store).
async fn ecrire(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    f: &TransmissionFields,
) -> WebResult<i64> {
    let input = f.validate(Utc::now())?;
    let cap = capability(app, me, id, input.section, Action::Ecrire).await?;
    Ok(app.store.add_transmission(&cap, &input).await?)
}

/// POST /api/v1/usagers/{id}/transmissions → 201 with `id`.
pub async fn api_add(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<TransmissionFields>,
) -> WebResult<(StatusCode, Json<TransmissionEcrite>)> {
    let id = ecrire(&app, &me, id, &f).await?;
    Ok((StatusCode::CREATED, Json(TransmissionEcrite { id })))
}

/// GET /api/v1/usagers/{id}/transmissions: the file's transmissions, newest first.
pub async fn api_list(l: ListeDemandee) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let m = super::matrix(&l.app).await?;
    let items = (l.app.store)
        .transmissions_du_dossier(&m, &l.me.principal, l.id, page, Utc::now())
        .await?;
    Ok(pagination::repondre(page, items, |t| t.id))
}

/// A transmission as shown.
pub struct Vue {
    pub(super) t: Transmission,
    pub(super) date_fait: String,
    pub(super) ecrite: String,
}

impl Vue {
    pub(super) fn new(t: Transmission) -> Self {
        Vue {
            date_fait: fr_datetime(&t.date_fait),
            ecrite: fr_datetime(&t.created_at),
            t,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/transmissions.html")]
struct OngletPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    items: Vec<Vue>,
    suivant: Option<i64>,
    sections: Vec<Section>,
    maintenant: String,
    corrige: Option<i64>,
    /// The transmission refused in place, if any.
    en_place: EnPlace,
}

/// The tab's form, its input ids `t-<field>`.
const TRANSMISSION: Formulaire =
    Formulaire::new("transmission", "t-", Fait::TransmissionEnregistree);

/// `?cursor=` of the tab and `?corrige=` (the transmission to correct).
#[derive(Deserialize, Default)]
pub struct OngletQuery {
    cursor: Option<String>,
    corrige: Option<String>,
}

/// GET /usagers/{id}/section/accompagnement: the last transmissions and the form.
pub async fn page(p: PageDemandee<OngletQuery>) -> PageDossier {
    rendre(p.demande(), EnPlace::default()).await
}

/// The tab of `id` (`oq`), a transmission refused in place (or none).
async fn rendre(d: Demande<'_, OngletQuery>, en_place: EnPlace) -> PageDossier {
    let Demande { app, me, id, q: oq } = d;
    let Dossier { tabs, u, .. } =
        Dossier::ouvrir(app, me, id, Onglet::Section(Section::Accompagnement)).await?;
    let m = super::matrix(app).await?;
    let page = Pagination {
        limit: Some("20".into()),
        cursor: oq.cursor.clone(),
    }
    .page(&pagination::TRANSMISSIONS)?;
    let lues = (app.store)
        .transmissions_du_dossier(&m, &me.principal, id, page, Utc::now())
        .await?;
    let (items, suivant) = page.split(lues, |t| t.id);
    Ok(OngletPage {
        en_place,
        layout: Layout::new(
            me,
            format!("Accompagnement — {}", u.nom_affiche()),
            "usagers",
        ),
        u,
        tabs,
        items: items.into_iter().map(Vue::new).collect(),
        suivant,
        sections: SECTIONS
            .into_iter()
            .filter(|s| section_permise(&m, me.user.role, *s, Action::Ecrire))
            .collect(),
        maintenant: paris_local_input(Utc::now()),
        corrige: oq.corrige.as_deref().and_then(|c| c.parse().ok()),
    }
    .into_response())
}

/// POST /usagers/{id}/section/accompagnement
/// A refusal is the tab again, the transmission as typed (correcting the same one).
pub async fn add_form(p: FormulaireDossier<TransmissionFields>) -> WebResult<Response> {
    let issue = ecrire(&p.app, &p.me, p.id, &p.f).await;
    let adresse = format!("/usagers/{}/section/accompagnement", p.id);
    let oq = OngletQuery {
        cursor: None,
        corrige: p
            .f
            .corrige_id
            .as_ref()
            .map(|c| c.to_string().trim_matches('"').to_string()),
    };
    repondre_page(
        &p.headers,
        &adresse,
        (&TRANSMISSION, None, &p.f),
        issue,
        |en_place| rendre(p.demande(&oq), en_place),
    )
    .await
}
