//! Vital signs and measures (SOI-1): the page `/usagers/{id}/soins/constantes` (the recent
//! alerts, recording a measure, a chart over a chosen period drawn on the server as SVG with
//! its table alternative, the person's thresholds) and `/api/v1/usagers/{id}/soins/constantes…`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use dui_domain::constantes::{Alerte, Seuils, TypeMesure};
use dui_domain::feuille_soins::instant_local;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{Constante, ConstanteInput, SeuilsMesure, Usager};
use serde::{Deserialize, Serialize};

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::{Demande, FormulaireDossier, ListeDemandee, PageDemandee};
use super::formulaire_ligne::{champs, page_refusee};
use super::graphique::graphique;
use super::sejours::{code, oui};
use crate::auth::CurrentUser;
use crate::forms::{opt, ApiJson, Errors};
use crate::pagination;
use crate::reponses::expected_version;
use crate::saisie::Champs;
use crate::time::DatesFr as _;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, Saisie, WebResult};

/// A measure as typed (a form or the API's JSON).
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct ConstanteFields {
    /// Kind (code: poids, temperature, pouls, tension, spo2, glycemie, douleur).
    type_mesure: Option<String>,
    /// Value (systolic for blood pressure); a comma or a point.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<f64>)]
    valeur: Option<String>,
    /// Diastolic, for blood pressure.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<f64>)]
    valeur2: Option<String>,
    /// When measured: an instant (`2026-12-06T09:30:00Z`) or Paris local time
    /// (`2026-12-06T10:30`); default now.
    mesure_a: Option<String>,
    /// Comment.
    commentaire: Option<String>,
}

impl crate::saisie::Champs for ConstanteFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("type_mesure", lim::CODE),
        Champ::ligne("valeur", 20),
        Champ::ligne("valeur2", 20),
        Champ::ligne("mesure_a", lim::DATE + 20),
        Champ::ligne("commentaire", lim::LIBELLE),
    ];
}

/// A decimal number typed with a comma or a point.
fn nombre(e: &mut Errors, champ: &str, label: &str, v: &Option<String>) -> Option<f64> {
    let v = opt(v)?;
    match v.replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            e.add(
                champ,
                format!("{label} doit être un nombre (par exemple 37,5)."),
            );
            None
        }
    }
}

/// An instant typed as RFC 3339, or as Paris local time `AAAA-MM-JJTHH:MM`.
fn instant(v: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            let n = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M").ok()?;
            Some(instant_local(n.date(), n.time()))
        })
}

impl ConstanteFields {
    fn input(&self) -> WebResult<ConstanteInput> {
        let mut e = Errors::default();
        let t = code(
            &mut e,
            "type_mesure",
            "Type de mesure",
            &self.type_mesure,
            TypeMesure::from_code,
        );
        if opt(&self.type_mesure).is_none() {
            e.add("type_mesure", "Le type de mesure est obligatoire.");
        }
        let valeur = nombre(&mut e, "valeur", "La valeur", &self.valeur);
        if opt(&self.valeur).is_none() {
            e.add("valeur", "La valeur est obligatoire.");
        }
        let valeur2 = nombre(&mut e, "valeur2", "La diastolique", &self.valeur2);
        let mesure_a = match opt(&self.mesure_a) {
            None => Some(Utc::now()),
            Some(v) => {
                let t = instant(&v);
                if t.is_none() {
                    e.add(
                        "mesure_a",
                        "L'heure de la mesure doit être au format AAAA-MM-JJTHH:MM.",
                    );
                }
                t
            }
        };
        e.finish()?;
        match (t, valeur, mesure_a) {
            (Some(type_mesure), Some(valeur), Some(mesure_a)) => Ok(ConstanteInput {
                type_mesure,
                valeur,
                valeur2,
                mesure_a,
                commentaire: opt(&self.commentaire),
            }),
            _ => Err(AppError::BadRequest("Mesure incomplète.".into())),
        }
    }
}

/// A measure recorded: its id and the alert it raised.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConstanteCreee {
    /// Id.
    pub id: i64,
    /// The alert raised against the thresholds in force, if any.
    pub alerte: Option<Alerte>,
}

/// GET /api/v1/usagers/{id}/soins/constantes: latest first.
pub async fn api_liste(l: ListeDemandee) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let cap = l.lecture(Section::Soins).await?;
    let items = l.app.store.constantes_page(&cap, page).await?;
    Ok(pagination::repondre(page, items, |c| c.id))
}

/// POST /api/v1/usagers/{id}/soins/constantes → 201.
pub async fn api_ajouter(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<ConstanteFields>,
) -> WebResult<(StatusCode, Json<ConstanteCreee>)> {
    let c = f.input()?;
    let cap = capability(&app, &me, id, Section::Soins, Action::Ecrire).await?;
    let (cid, alerte) = app.store.ajouter_constante(&cap, &c).await?;
    Ok((
        StatusCode::CREATED,
        Json(ConstanteCreee { id: cid, alerte }),
    ))
}

/// A person's thresholds of a measure as the PUT takes them (the body of the GET).
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct SeuilsFields {
    /// The measure (the form's; the API takes it from the path).
    type_mesure: Option<String>,
    /// Low threshold.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<f64>)]
    bas: Option<String>,
    /// High threshold.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<f64>)]
    haut: Option<String>,
    /// The person's own (false: back to the defaults).
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    personnalises: Option<String>,
    /// Version read (0: none yet; or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for SeuilsFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("type_mesure", lim::CODE),
        Champ::ligne("unite", lim::CODE),
        Champ::ligne("bas", 20),
        Champ::ligne("haut", 20),
        Champ::ligne("personnalises", lim::CODE),
        Champ::ligne("version", 20),
    ];
}

impl SeuilsFields {
    fn seuils(&self) -> WebResult<Option<Seuils>> {
        let mut e = Errors::default();
        let bas = nombre(&mut e, "bas", "Le seuil bas", &self.bas);
        let haut = nombre(&mut e, "haut", "Le seuil haut", &self.haut);
        e.finish()?;
        let propres = self.personnalises.is_none() || oui(&self.personnalises);
        Ok((propres && (bas.is_some() || haut.is_some())).then_some(Seuils { bas, haut }))
    }

    /// The thresholds of `t` of the file `id` changed from the version read (`If-Match` or
    /// `version`; 409 when stale), by a nurse or a doctor: the new version.
    async fn enregistrer(
        &self,
        app: &App,
        me: &CurrentUser,
        headers: &HeaderMap,
        id: UsagerId,
        t: TypeMesure,
    ) -> WebResult<i64> {
        let version = expected_version(headers, self.version)?;
        let s = self.seuils()?;
        let cap = capability(app, me, id, Section::Soins, Action::Valider).await?;
        Ok(app.store.modifier_seuils(&cap, t, s, version).await?)
    }
}

fn type_mesure(t: &str) -> WebResult<TypeMesure> {
    TypeMesure::from_code(t).ok_or(AppError::NotFound)
}

/// GET /api/v1/usagers/{id}/soins/constantes/seuils/{mesure}
pub async fn api_seuils(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, t)): Path<(UsagerId, String)>,
) -> WebResult<Json<SeuilsMesure>> {
    let t = type_mesure(&t)?;
    let cap = capability(&app, &me, id, Section::Soins, Action::Lire).await?;
    let seuils = app.store.seuils_constantes(&cap).await?;
    seuils
        .into_iter()
        .find(|s| s.type_mesure == t)
        .map(Json)
        .ok_or(AppError::NotFound)
}

/// PUT /api/v1/usagers/{id}/soins/constantes/seuils/{mesure}: nurses and doctors.
pub async fn api_modifier_seuils(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, t)): Path<(UsagerId, String)>,
    ApiJson(f): ApiJson<SeuilsFields>,
) -> WebResult<Json<crate::corps::Cree>> {
    let t = type_mesure(&t)?;
    let version = f.enregistrer(&app, &me, &headers, id, t).await?;
    Ok(Json(crate::corps::Cree {
        id: id.get(),
        version,
    }))
}

/// `?type=&jours=`: the chart's measure and period (default: temperature, 90 days).
#[derive(Deserialize, Default)]
pub struct GraphiqueQuery {
    #[serde(default, rename = "type")]
    type_mesure: Option<String>,
    #[serde(default)]
    jours: Option<String>,
}

/// The periods offered for the chart, in days.
const PERIODES: &[(i64, &str)] = &[
    (7, "7 jours"),
    (30, "30 jours"),
    (90, "3 mois"),
    (365, "1 an"),
    (730, "2 ans"),
];

#[derive(Template, WebTemplate)]
#[template(path = "usager/constantes.html")]
struct ConstantesPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    soins_actif: &'static str,
    alertes: Vec<Constante>,
    dernieres: Vec<Constante>,
    serie: Vec<Constante>,
    svg: String,
    choisi: TypeMesure,
    jours: i64,
    periodes: &'static [(i64, &'static str)],
    seuils: Vec<SeuilsMesure>,
    peut_ecrire: bool,
    peut_seuils: bool,
    /// A refused form (`constante`, `seuils`) shown in place.
    en_place: EnPlace,
}

impl ConstantesPage {
    fn nombre(&self, v: &Option<f64>) -> String {
        v.map(|x| x.to_string().replace('.', ","))
            .unwrap_or_default()
    }
}

/// GET /usagers/{id}/soins/constantes
pub async fn page(p: PageDemandee<GraphiqueQuery>) -> PageDossier {
    rendre(p.demande(), EnPlace::default()).await
}

/// The page of the measure and period of `q`, with a refused form shown in place (or none).
async fn rendre(d: Demande<'_, GraphiqueQuery>, en_place: EnPlace) -> PageDossier {
    let Demande { app, me, id, q } = d;
    let choisi = opt(&q.type_mesure)
        .and_then(|t| TypeMesure::from_code(&t))
        .unwrap_or(TypeMesure::Temperature);
    let jours = opt(&q.jours)
        .and_then(|j| j.parse::<i64>().ok())
        .filter(|j| PERIODES.iter().any(|p| p.0 == *j))
        .unwrap_or(90);
    let Dossier { tabs, u, .. } =
        Dossier::ouvrir(app, me, id, Onglet::Section(Section::Soins)).await?;
    let cap = capability(app, me, id, Section::Soins, Action::Lire).await?;
    let now = Utc::now();
    // Independent reads, asked together.
    let (serie, seuils, alertes, dernieres) = tokio::try_join!(
        app.store.constantes_periode(
            &cap,
            choisi,
            now - Duration::days(jours),
            now + Duration::minutes(5),
        ),
        app.store.seuils_constantes(&cap),
        app.store.alertes_constantes(&cap, now - Duration::days(7)),
        app.store.dernieres_constantes(&cap),
    )?;
    let en_force = seuils
        .iter()
        .find(|s| s.type_mesure == choisi)
        .map(SeuilsMesure::seuils)
        .unwrap_or_default();
    let m = super::matrix(app).await?;
    Ok(ConstantesPage {
        layout: Layout::new(me, format!("Constantes — {}", u.nom_naissance), "usagers"),
        alertes,
        dernieres,
        svg: graphique(choisi, &serie, &en_force, now - Duration::days(jours), now),
        serie,
        choisi,
        jours,
        periodes: PERIODES,
        seuils,
        peut_ecrire: m.permet(me.user.role, Section::Soins, Action::Ecrire),
        peut_seuils: m.permet(me.user.role, Section::Soins, Action::Valider),
        soins_actif: "constantes",
        en_place,
        u,
        tabs,
    }
    .into_response())
}

/// The form recording a measure, its input ids `c-<field>`.
const MESURE: Formulaire = Formulaire::new("constante", "c-", Fait::ConstanteEnregistree);
/// The form of the chosen measure's thresholds, its input ids `s-<field>`.
const SEUILS: Formulaire = Formulaire::new("seuils", "s-", Fait::SeuilsEnregistres);

/// The answer to form `formulaire` about `type_mesure`: its chart confirming it, or the page
/// again with the refusal in place, what was typed kept.
async fn repondre<F: Champs + Serialize>(
    p: &FormulaireDossier<F>,
    formulaire: &Formulaire,
    type_mesure: &Option<String>,
    issue: WebResult<()>,
) -> WebResult<Response> {
    let q = GraphiqueQuery {
        type_mesure: opt(type_mesure),
        jours: None,
    };
    match issue {
        Ok(()) => {
            let t = q.type_mesure.unwrap_or_default();
            Ok(p.confirme(&format!("/soins/constantes?type={t}"), formulaire.fait))
        }
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(formulaire, Saisie::de(&p.f), erreurs);
            page_refusee(e, &champs::<F>(), placer, |en_place| {
                rendre(p.demande(&q), en_place)
            })
            .await
        }
    }
}

/// POST /usagers/{id}/soins/constantes: a measure recorded, confirmed on its chart.
pub async fn ajouter_form(p: FormulaireDossier<ConstanteFields>) -> WebResult<Response> {
    let issue = async {
        let c = p.f.input()?;
        let cap = capability(&p.app, &p.me, p.id, Section::Soins, Action::Ecrire).await?;
        p.app.store.ajouter_constante(&cap, &c).await?;
        Ok(())
    }
    .await;
    repondre(&p, &MESURE, &p.f.type_mesure, issue).await
}

/// POST /usagers/{id}/soins/constantes/seuils: the thresholds saved, confirmed.
pub async fn seuils_form(p: FormulaireDossier<SeuilsFields>) -> WebResult<Response> {
    let issue = async {
        let t = type_mesure(&opt(&p.f.type_mesure).unwrap_or_default())
            .map_err(|_| AppError::field("type_mesure", "Type de mesure inconnu."))?;
        p.f.enregistrer(&p.app, &p.me, &p.headers, p.id, t).await?;
        Ok(())
    }
    .await;
    repondre(&p, &SEUILS, &p.f.type_mesure, issue).await
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers/{id}/soins/constantes",
            get(page).post(ajouter_form),
        )
        .route("/usagers/{id}/soins/constantes/seuils", post(seuils_form))
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers/{id}/soins/constantes",
            get(api_liste).post(api_ajouter),
        )
        .route(
            "/usagers/{id}/soins/constantes/seuils/{mesure}",
            get(api_seuils).put(api_modifier_seuils),
        )
}
