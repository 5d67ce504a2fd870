//! The relève: what was written in the files of one's scope since one's last relève or over a
//! period, with filters (search, period from/to in Paris time, person, author, target,
//! importance, unread, établissement or unit of the account's scope), unread marks per
//! professional, and its API (`/api/v1/transmissions`, `/api/v1/transmissions/lues`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::{authorize_releve, CapaciteReleve};
use dui_store::usager::{Auteur, FiltreReleve};
use serde::Deserialize;

use super::formulaire_ligne::page_refusee;
use super::transmissions::Vue;
use crate::auth::CurrentUser;
use crate::corps::TransmissionsMarquees;
use crate::forms::{opt, ApiJson, Form};
use crate::pagination::{self, Pagination};
use crate::time::{fr_instant, paris_local_input, parse_instant};
use crate::{
    App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Layout, Saisie, WebResult,
};

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
    /// Whether the period asked is « since my last relève » (`heures=releve`).
    fn depuis_releve(&self) -> bool {
        self.heures.as_deref() == Some(DEPUIS_RELEVE)
    }

    /// The filter: `depuis` (ISO 8601, or `AAAA-MM-JJTHH:MM` in Paris time) or the last
    /// `heures` hours (`releve`: since `depuis_releve`, the account's last relève); without
    /// either, and without a search or a person, the last 24 hours.
    fn filtre(
        &self,
        now: DateTime<Utc>,
        depuis_releve: Option<DateTime<Utc>>,
    ) -> WebResult<FiltreReleve> {
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
            Some(h) if h == DEPUIS_RELEVE => {
                depuis_releve.map(|d| ((now - d).num_minutes() + 59) / 60)
            }
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
            depuis = match (self.depuis_releve(), depuis_releve) {
                (true, Some(d)) => Some(d),
                _ => heures.map(|h| now - Duration::hours(h)),
            };
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

/// `heures=releve`: since the account's last relève.
const DEPUIS_RELEVE: &str = "releve";

async fn releve_cap(app: &App, me: &CurrentUser) -> WebResult<CapaciteReleve> {
    let m = super::matrix(app).await?;
    Ok(authorize_releve(&app.store, &m, &me.principal, Utc::now()).await?)
}

/// The capability and the filter of a relève request; where « since my last relève » starts
/// is read when asked (`heures=releve`) or `toujours` (the page shows it).
async fn preparer(
    app: &App,
    me: &CurrentUser,
    rq: &ReleveQuery,
    now: DateTime<Utc>,
    toujours: bool,
) -> WebResult<(CapaciteReleve, FiltreReleve, Option<DateTime<Utc>>)> {
    rq.filtre(now, None)?;
    let cap = releve_cap(app, me).await?;
    let debut = if toujours || rq.depuis_releve() {
        Some(app.store.debut_releve(&cap, now).await?)
    } else {
        None
    };
    let f = rq.filtre(now, debut)?;
    Ok((cap, f, debut))
}

/// GET /api/v1/transmissions: the relève (`depuis`, `heures`, `heures=releve`), the search (`q`), one
/// person's (`usager`), with filters; newest first, each with its unread mark (`lue`).
pub async fn api_releve(
    State(app): State<App>,
    me: CurrentUser,
    Query(rq): Query<ReleveQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let now = Utc::now();
    let page = rq.pagination().page(&pagination::RELEVE)?;
    let (cap, f, _) = preparer(&app, &me, &rq, now, false).await?;
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

/// An établissement of the account's scope and its units.
pub struct Lieu {
    id: i64,
    nom: String,
    unites: Vec<(i64, String)>,
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
    /// Where « since my last relève » starts, as shown.
    debut_releve: String,
    /// The period actually read, as shown.
    periode: String,
    auteurs: Vec<Auteur>,
    lieux: Vec<Lieu>,
    /// The person filtered on, by name (from the items shown).
    personne: Option<String>,
    /// `datetime-local` values of the custom period.
    du: String,
    au: String,
    /// The refusal of a « marquer comme lu », if any.
    erreurs: ErreursFormulaire,
}

impl RelevePage {
    fn v<'a>(&self, o: &'a Option<String>) -> &'a str {
        o.as_deref().unwrap_or("")
    }

    /// The query string without `cle` (to remove one filter).
    fn sans(&self, cle: &str) -> String {
        self.avec_valeur(cle, None)
    }

    /// The query string with `cle=valeur` (to filter on what an item shows).
    fn avec(&self, cle: &str, valeur: &str) -> String {
        self.avec_valeur(cle, Some(valeur.to_string()))
    }

    fn avec_valeur(&self, cle: &str, v: Option<String>) -> String {
        let mut rq = self.rq.clone();
        match cle {
            "usager" => rq.usager = v,
            "auteur" => rq.auteur = v,
            "cible" => rq.cible = v,
            _ => {}
        }
        serde_urlencoded_query(&rq)
    }
}

/// The établissements of the account and their units (the relève's place picker).
async fn lieux(app: &App, me: &CurrentUser) -> WebResult<Vec<Lieu>> {
    let ids = &me.principal.etablissements;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for e in app.store.etablissements(Some(ids)).await? {
        let unites = app
            .store
            .unites(e.id)
            .await?
            .into_iter()
            .map(|u| (u.id, u.nom.clone()))
            .collect();
        out.push(Lieu {
            id: e.id,
            nom: e.nom.clone(),
            unites,
        });
    }
    Ok(out)
}

/// GET /releve: the relève page (same parameters as the API).
pub async fn releve_page(
    State(app): State<App>,
    me: CurrentUser,
    Query(rq): Query<ReleveQuery>,
) -> WebResult<Response> {
    rendre(&app, &me, rq, EnPlace::default()).await
}

/// The relève asked by `rq`, with its « marquer comme lu » refused in place (or not).
async fn rendre(
    app: &App,
    me: &CurrentUser,
    rq: ReleveQuery,
    en_place: EnPlace,
) -> WebResult<Response> {
    let now = Utc::now();
    let page = rq.pagination().page(&pagination::RELEVE)?;
    let (cap, f, debut) = preparer(app, me, &rq, now, true).await?;
    let (items, suivant) = page.split(app.store.releve_page(&cap, &f, page, now).await?, |t| t.id);
    let items: Vec<Vue> = items.into_iter().map(Vue::new).collect();
    let query = serde_urlencoded_query(&rq);
    let personne = f.usager.map(|u| {
        items
            .iter()
            .find(|v| v.t.usager_id.get() == u)
            .and_then(|v| v.t.usager.clone())
            .unwrap_or_else(|| format!("dossier n° {u}"))
    });
    let periode = match (f.depuis, f.jusqua) {
        (Some(d), Some(j)) => format!("du {} au {}", fr_instant(d), fr_instant(j)),
        (Some(d), None) => format!("depuis le {}", fr_instant(d)),
        (None, Some(j)) => format!("jusqu'au {}", fr_instant(j)),
        (None, None) => "toutes dates".into(),
    };
    Ok(RelevePage {
        layout: Layout::new(me, "Relève", "releve"),
        erreurs: en_place.erreurs_de(LUES.nom),
        items,
        suivant,
        heures: &[
            ("8", "8 dernières heures"),
            ("12", "12 dernières heures"),
            ("24", "24 dernières heures"),
            ("72", "3 derniers jours"),
            ("168", "7 derniers jours"),
        ],
        query,
        debut_releve: debut.map(fr_instant).unwrap_or_default(),
        periode,
        auteurs: app.store.auteurs_releve(&cap).await?,
        lieux: lieux(app, me).await?,
        personne,
        du: rq
            .depuis
            .as_deref()
            .and_then(parse_instant)
            .map(paris_local_input)
            .unwrap_or_default(),
        au: rq
            .jusqua
            .as_deref()
            .and_then(parse_instant)
            .map(paris_local_input)
            .unwrap_or_default(),
        rq,
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
        ("jusqua", &rq.jusqua),
        ("etablissement", &rq.etablissement),
        ("unite", &rq.unite),
    ];
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| format!("{k}={}", crate::error::urlencode(s)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Form of the relève's « marquer comme lu » (the ids shown, comma-separated).
#[derive(Deserialize, serde::Serialize, Default)]
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

/// The relève's « marquer comme lu » forms (every one shown, or one), answered by the
/// relève: their summary heads the list.
const LUES: Formulaire = Formulaire::new("lues", "", Fait::TransmissionsLues(0));

/// The transmissions a form asks to mark read: numbers separated by commas, 100 at most.
fn ids_lues(ids: Option<&str>) -> WebResult<Vec<i64>> {
    let mut out = Vec::new();
    for s in ids
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id = s.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
            AppError::field(
                "ids",
                format!("« {s} » n'est pas un numéro de transmission : rechargez la relève, puis marquez de nouveau."),
            )
        })?;
        out.push(id);
    }
    if out.is_empty() {
        return Err(AppError::field(
            "ids",
            "Aucune transmission n'était indiquée : rechargez la relève, puis marquez de nouveau.",
        ));
    }
    if out.len() > 100 {
        return Err(AppError::field(
            "ids",
            "100 transmissions au plus à la fois : marquez-les page par page.",
        ));
    }
    Ok(out)
}

/// POST /releve/lues: the relève it was posted from, confirming how many transmissions were
/// marked read; a list that names no transmission is that relève again with the message
/// above its list (422).
pub async fn lues_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(f): Form<LuesForm>,
) -> WebResult<Response> {
    let retour = f
        .retour
        .clone()
        .filter(|r| r.starts_with("/releve") && !r.starts_with("//"))
        .unwrap_or_else(|| "/releve".into());
    let issue = async {
        let ids = ids_lues(f.ids.as_deref())?;
        let cap = releve_cap(&app, &me).await?;
        Ok(app
            .store
            .marquer_transmissions_lues(&cap, &ids, Utc::now())
            .await?)
    }
    .await;
    match issue {
        Ok(n) => {
            let fait = Fait::TransmissionsLues(u32::try_from(n).unwrap_or(u32::MAX));
            Ok(crate::reponses::confirme(&headers, &retour, fait))
        }
        Err(e) => {
            let rq: ReleveQuery = retour
                .split_once('?')
                .and_then(|(_, q)| serde_urlencoded::from_str(q).ok())
                .unwrap_or_default();
            let placer = |erreurs| EnPlace::refus(&LUES, Saisie::de(&f), erreurs);
            page_refusee(e, &[], placer, |en_place| rendre(&app, &me, rq, en_place)).await
        }
    }
}
