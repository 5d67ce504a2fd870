//! Transmissions: the *Accompagnement* tab of the file (the last transmissions and the form
//! to write one), the relève page, and their API (`/api/v1/usagers/{id}/transmissions`,
//! `/api/v1/transmissions`, `/api/v1/transmissions/lues`). There is no update nor delete.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use dui_domain::policy::{section_permise, Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::transmission::{CategorieTransmission, SECTIONS};
use dui_store::policy::{authorize_releve, authorize_transmissions, CapaciteReleve};
use dui_store::usager::{
    ContenuTransmission, FiltreReleve, Transmission, TransmissionInput, Usager,
};
use serde::Deserialize;

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::FormulaireDossier;
use crate::auth::CurrentUser;
use crate::forms::{opt, ApiJson, Form};
use crate::pagination::{self, Pagination};
use crate::reponses::done;
use dui_domain::ids::UsagerId;

use crate::corps::{TransmissionEcrite, TransmissionsMarquees};
use crate::time::{fr_datetime, paris_local_input, parse_instant};
use crate::{App, AppError, Layout, WebResult};

/// A transmission as typed (form or JSON).
#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
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
pub async fn api_list(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(p): Query<Pagination>,
) -> WebResult<Json<serde_json::Value>> {
    let page = p.page(&pagination::TRANSMISSIONS)?;
    let m = super::matrix(&app).await?;
    let cap = authorize_transmissions(&app.store, &m, &me.principal, id, Utc::now()).await?;
    let items = app.store.transmissions_page(&cap, page).await?;
    Ok(pagination::repondre(page, items, |t| t.id))
}

/// The relève's and search's parameters.
#[derive(Deserialize, Default, Clone)]
pub struct ReleveQuery {
    q: Option<String>,
    depuis: Option<String>,
    jusqua: Option<String>,
    heures: Option<String>,
    usager: Option<String>,
    auteur: Option<String>,
    cible: Option<String>,
    importantes: Option<String>,
    non_lues: Option<String>,
    etablissement: Option<String>,
    unite: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

fn id_param(v: &Option<String>, champ: &str) -> WebResult<Option<i64>> {
    match opt(v) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field(champ, "Identifiant invalide.")),
    }
}

fn oui(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("oui" | "on" | "true" | "1"))
}

impl ReleveQuery {
    /// The filter: `depuis` (ISO-8601) or the last `heures` hours; without either, and
    /// without a search or a person, the last 24 hours.
    fn filtre(&self, now: DateTime<Utc>) -> WebResult<FiltreReleve> {
        let instant = |v: &Option<String>, champ: &str| -> WebResult<Option<DateTime<Utc>>> {
            match opt(v) {
                None => Ok(None),
                Some(s) => parse_instant(&s).map(Some).ok_or_else(|| {
                    AppError::field(
                        champ,
                        "La date doit être au format ISO 8601 (AAAA-MM-JJTHH:MM).",
                    )
                }),
            }
        };
        let heures = match opt(&self.heures) {
            None => None,
            Some(h) => match h.parse::<i64>() {
                Ok(h) if (1..=24 * 31).contains(&h) => Some(h),
                _ => {
                    return Err(AppError::field(
                        "heures",
                        "Le nombre d'heures doit être un entier entre 1 et 744.",
                    ))
                }
            },
        };
        let mut depuis = instant(&self.depuis, "depuis")?;
        if depuis.is_none() {
            depuis = heures.map(|h| now - Duration::hours(h));
        }
        let q = opt(&self.q);
        let usager = id_param(&self.usager, "usager")?;
        if depuis.is_none() && q.is_none() && usager.is_none() {
            depuis = Some(now - Duration::hours(24));
        }
        Ok(FiltreReleve {
            depuis,
            jusqua: instant(&self.jusqua, "jusqua")?,
            q,
            usager,
            auteur: id_param(&self.auteur, "auteur")?,
            cible: opt(&self.cible),
            importantes: oui(&self.importantes),
            non_lues: oui(&self.non_lues),
            etablissement: id_param(&self.etablissement, "etablissement")?,
            unite: id_param(&self.unite, "unite")?,
        })
    }

    fn pagination(&self) -> Pagination {
        Pagination {
            limit: self.limit.clone(),
            cursor: self.cursor.clone(),
        }
    }
}

async fn releve_cap(app: &App, me: &CurrentUser) -> WebResult<CapaciteReleve> {
    let m = super::matrix(app).await?;
    Ok(authorize_releve(&app.store, &m, &me.principal, Utc::now()).await?)
}

/// GET /api/v1/transmissions: the relève (`depuis`, `heures`), the search (`q`), one
/// person's (`usager`), with filters; newest first, each with its unread mark (`lue`).
pub async fn api_releve(
    State(app): State<App>,
    me: CurrentUser,
    Query(rq): Query<ReleveQuery>,
) -> WebResult<Json<serde_json::Value>> {
    let now = Utc::now();
    let page = rq.pagination().page(&pagination::RELEVE)?;
    let f = rq.filtre(now)?;
    let cap = releve_cap(&app, &me).await?;
    let items = app.store.releve_page(&cap, &f, page, now).await?;
    Ok(pagination::repondre(page, items, |t| t.id))
}

/// Transmissions to mark read.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct Lues {
    #[serde(default)]
    #[schema(max_items = 500)]
    ids: Vec<i64>,
}

impl crate::saisie::Champs for Lues {
    const CHAMPS: &'static [Champ] = &[];
}

/// POST /api/v1/transmissions/lues with `{"ids": [...]}` → `{"marquees": n}`.
pub async fn api_lues(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(l): ApiJson<Lues>,
) -> WebResult<Json<TransmissionsMarquees>> {
    if l.ids.len() > 500 {
        return Err(AppError::field(
            "ids",
            "500 transmissions au plus à la fois.",
        ));
    }
    let cap = releve_cap(&app, &me).await?;
    let n = app
        .store
        .marquer_transmissions_lues(&cap, &l.ids, Utc::now())
        .await?;
    Ok(Json(TransmissionsMarquees { marquees: n }))
}

/// A transmission as shown.
pub struct Vue {
    t: Transmission,
    date_fait: String,
    ecrite: String,
}

impl Vue {
    fn new(t: Transmission) -> Self {
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
    categories: &'static [CategorieTransmission],
    maintenant: String,
    corrige: Option<i64>,
}

/// `?cursor=` of the tab and `?corrige=` (the transmission to correct).
#[derive(Deserialize, Default)]
pub struct OngletQuery {
    cursor: Option<String>,
    corrige: Option<String>,
}

/// GET /usagers/{id}/section/accompagnement: the last transmissions and the form.
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(oq): Query<OngletQuery>,
) -> PageDossier {
    let Dossier { tabs, u, .. } =
        Dossier::ouvrir(&app, &me, id, Onglet::Section(Section::Accompagnement)).await?;
    let m = super::matrix(&app).await?;
    let cap = authorize_transmissions(&app.store, &m, &me.principal, id, Utc::now()).await?;
    let page = Pagination {
        limit: Some("20".into()),
        cursor: oq.cursor.clone(),
    }
    .page(&pagination::TRANSMISSIONS)?;
    let (items, suivant) = page.split(app.store.transmissions_page(&cap, page).await?, |t| t.id);
    Ok(OngletPage {
        layout: Layout::new(
            &me,
            format!("Accompagnement — {}", u.nom_naissance),
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
        categories: CategorieTransmission::ALL,
        maintenant: paris_local_input(Utc::now()),
        corrige: oq.corrige.as_deref().and_then(|c| c.parse().ok()),
    }
    .into_response())
}

/// POST /usagers/{id}/section/accompagnement
pub async fn add_form(p: FormulaireDossier<TransmissionFields>) -> WebResult<Response> {
    ecrire(&p.app, &p.me, p.id, &p.f).await?;
    Ok(p.fait("/section/accompagnement"))
}

#[derive(Template, WebTemplate)]
#[template(path = "releve.html")]
struct RelevePage {
    layout: Layout,
    items: Vec<Vue>,
    suivant: Option<i64>,
    rq: ReleveQuery,
    heures: &'static [(&'static str, &'static str)],
    query: String,
}

impl RelevePage {
    fn v<'a>(&self, o: &'a Option<String>) -> &'a str {
        o.as_deref().unwrap_or("")
    }
}

/// GET /releve: the relève page (same parameters as the API).
pub async fn releve_page(
    State(app): State<App>,
    me: CurrentUser,
    Query(rq): Query<ReleveQuery>,
) -> WebResult<Response> {
    let now = Utc::now();
    let page = rq.pagination().page(&pagination::RELEVE)?;
    let f = rq.filtre(now)?;
    let cap = releve_cap(&app, &me).await?;
    let (items, suivant) = page.split(app.store.releve_page(&cap, &f, page, now).await?, |t| t.id);
    let query = serde_urlencoded_query(&rq);
    Ok(RelevePage {
        layout: Layout::new(&me, "Relève", "releve"),
        items: items.into_iter().map(Vue::new).collect(),
        suivant,
        rq,
        heures: &[
            ("8", "8 heures"),
            ("12", "12 heures"),
            ("24", "24 heures"),
            ("72", "3 jours"),
            ("168", "7 jours"),
        ],
        query,
    }
    .into_response())
}

/// The relève's parameters (but the cursor) as a query string, for the next page's link.
fn serde_urlencoded_query(rq: &ReleveQuery) -> String {
    let pairs = [
        ("q", &rq.q),
        ("depuis", &rq.depuis),
        ("heures", &rq.heures),
        ("usager", &rq.usager),
        ("auteur", &rq.auteur),
        ("cible", &rq.cible),
        ("importantes", &rq.importantes),
        ("non_lues", &rq.non_lues),
        ("unite", &rq.unite),
    ];
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| format!("{k}={}", urlencode(s)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Form of the relève's « marquer comme lu » (the ids shown, comma-separated).
#[derive(Deserialize, Default)]
pub struct LuesForm {
    ids: Option<String>,
    retour: Option<String>,
}

impl crate::saisie::Champs for LuesForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("ids", 20 * 101),
        Champ::ligne("retour", lim::ADRESSE_RETOUR),
    ];
}

/// POST /releve/lues
pub async fn lues_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(f): Form<LuesForm>,
) -> WebResult<Response> {
    let ids: Vec<i64> = f
        .ids
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .take(100)
        .collect();
    let cap = releve_cap(&app, &me).await?;
    app.store
        .marquer_transmissions_lues(&cap, &ids, Utc::now())
        .await?;
    let retour = f
        .retour
        .filter(|r| r.starts_with("/releve") && !r.starts_with("//"))
        .unwrap_or_else(|| "/releve".into());
    Ok(done(&headers, &retour))
}
