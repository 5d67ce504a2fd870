//! The daily care worksheet of a unit and shift (SOI-1): the page `/soins/feuille` (the acts
//! due, validated by several at once: done, or not done with a reason; the vital-sign
//! alerts of the unit) and `/api/v1/soins/feuille`. The unit's capability
//! ([`dui_store::policy::CapaciteSoins`]) is decided once for the établissement and audited
//! by the store.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use dui_domain::feuille_soins::{poste_de, Poste, StatutActe};
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::Champ;
use dui_store::policy::CapaciteSoins;
use dui_store::usager::{Feuille, LigneValidee, Places, Realisation};
use serde::Deserialize;

pub(crate) use super::collectif::capacite;
pub use super::collectif::Enregistres;
use super::collectif::FormulaireGroupe;
use super::collectif::{api_lire, api_lot, convertir_lot, form_lot, illisible, lot, page_lot};
use super::collectif::{Lieu, LieuQuery, CHAMPS_LOT};
use crate::auth::CurrentUser;
use crate::forms::opt;
use crate::time::DatesFr;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// Whether the account may `action` the care of the units (the page's buttons).
pub(crate) async fn permis(app: &App, me: &CurrentUser, action: Action) -> WebResult<bool> {
    let m = super::matrix(app).await?;
    Ok(m.permet(me.user.role, Section::Soins, action))
}

/// `?etablissement_id=&unite_id=&jour=&poste=` (default: the account's first
/// établissement, all of it, today in Paris, the shift running now).
#[derive(Deserialize, Default)]
pub struct FeuilleQuery {
    #[serde(flatten)]
    lieu: LieuQuery,
    #[serde(default)]
    poste: Option<String>,
}

fn poste(v: &Option<String>) -> WebResult<Option<Poste>> {
    match opt(v) {
        None => Ok(None),
        Some(c) => Poste::from_code(&c).map(Some).ok_or_else(|| {
            AppError::field("poste", "Le poste doit être matin, apres_midi ou nuit.")
        }),
    }
}

/// The établissement, unit, day and shift asked (defaults filled).
fn lieu(me: &CurrentUser, q: &FeuilleQuery) -> WebResult<(Lieu, Poste)> {
    let p = poste(&q.poste)?;
    let mut lieu = Lieu::de(me, &q.lieu)?;
    let (jour_courant, courant) = poste_de(Utc::now());
    let sans_jour = q.lieu.jour.is_none();
    let poste = p.unwrap_or(if sans_jour { courant } else { Poste::Matin });
    if sans_jour && p.is_none() {
        lieu.jour = jour_courant;
    }
    Ok((lieu, poste))
}

/// The worksheet of `q` (GET /api/v1/soins/feuille, and the page).
async fn lire(app: &App, me: &CurrentUser, q: &FeuilleQuery) -> WebResult<(Lieu, Feuille)> {
    let (l, poste) = lieu(me, q)?;
    let cap = capacite(app, me, l.etablissement_id, Action::Lire).await?;
    let feuille = app
        .store
        .feuille_soins(&cap, l.unite_id, l.jour, poste)
        .await?;
    Ok((l, feuille))
}

/// An act validated, as the API takes it (the worksheet's `acte_id` and `prevu_a`).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ActeValide {
    /// The act of the plan.
    acte_id: i64,
    /// The instant due, as the worksheet gave it.
    prevu_a: String,
    /// `fait` or `non_fait`.
    statut: String,
    /// Why not done.
    motif: Option<String>,
}

/// Acts validated at once.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ValidationBody {
    /// Établissement.
    etablissement_id: i64,
    /// The acts.
    #[schema(max_items = 500)]
    actes: Vec<ActeValide>,
}

impl crate::saisie::Champs for ValidationBody {
    const CHAMPS: &'static [Champ] = CHAMPS_LOT;
}

/// An instant sent back by a client (French 422 otherwise).
fn instant(champ: &str, v: &str) -> WebResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            AppError::field(
                champ,
                "L'heure prévue doit être celle que la liste a donnée (AAAA-MM-JJTHH:MM:SSZ).",
            )
        })
}

/// The rows of a batch sent with the instant due (`prevu_a`, as the page gave it) and a
/// status code (`statut`, decoded by `code`, `refus` on the row otherwise), at most `borne`
/// (see [`convertir_lot`]): each the store's validated row of what `saisie` says it is (its
/// act or prescription, instant, status and reason: the worksheet's acts, the round's doses).
pub(crate) fn convertir_statuts<T, S>(
    lignes: &[T],
    borne: (usize, &str, &str),
    (code, refus): (fn(&str) -> Option<S>, &str),
    saisie: impl Fn(&T) -> (i64, &String, &String, &Option<String>),
) -> WebResult<Vec<LigneValidee<S>>> {
    convertir_lot(lignes, borne, |l, e| {
        let (cible, prevu_a, statut, motif) = saisie(l);
        let prevu_a = instant("prevu_a", prevu_a)?;
        let Some(statut) = code(statut) else {
            e.add("statut", refus);
            return Ok(None);
        };
        Ok(Some(LigneValidee {
            cible,
            prevu_a,
            statut,
            motif: opt(motif),
        }))
    })
}

fn realisations(actes: &[ActeValide]) -> WebResult<Vec<Realisation>> {
    convertir_statuts(
        actes,
        (500, "actes", "500 actes au plus à la fois."),
        (
            StatutActe::from_code,
            "Le statut doit être fait ou non_fait.",
        ),
        |a| (a.acte_id, &a.prevu_a, &a.statut, &a.motif),
    )
}

/// The worksheet's form, its rows' input ids `g-statut_<act>_<epoch>`, `g-motif_<…>`.
const ACTES: Formulaire = Formulaire::new("actes", "g-", Fait::ActesEnregistres);

lot!(
    ValidationBody, actes -> realisations -> Realisation,
    CapaciteSoins, Action::Ecrire, valider_actes,
    "/soins/feuille", formulaire, ACTES,
    FeuilleQuery = requete, lire -> Feuille, rendre
);

#[derive(Template, WebTemplate)]
#[template(path = "soins/feuille.html")]
struct FeuillePage {
    layout: Layout,
    feuille: Feuille,
    lieu: Lieu,
    places: Vec<Places>,
    peut_ecrire: bool,
    /// The form refused in place, if any.
    en_place: EnPlace,
}

impl FeuillePage {
    fn cle(&self, acte_id: &i64, prevu_a: &str) -> String {
        let s = dui_store::parse_ts(prevu_a)
            .map(|t| t.timestamp())
            .unwrap_or_default();
        format!("{acte_id}_{s}")
    }
    fn faits(&self) -> usize {
        self.feuille
            .actes
            .iter()
            .filter(|a| a.statut.is_some())
            .count()
    }
}

/// GET /soins/feuille (`collectif::page_lot`): the worksheet of `q`, with its form refused in
/// place (or none).
async fn rendre(
    app: &App,
    me: &CurrentUser,
    q: &FeuilleQuery,
    en_place: EnPlace,
) -> WebResult<Response> {
    let (lieu, feuille) = lire(app, me, q).await?;
    Ok(FeuillePage {
        layout: Layout::new(me, "Feuille de soins", "soins"),
        places: app
            .store
            .places(&me.principal.etablissements, lieu.jour)
            .await?,
        feuille,
        lieu,
        peut_ecrire: permis(app, me, Action::Ecrire).await?,
        en_place,
    }
    .into_response())
}

/// The place and shift the worksheet's form `f` was sent from.
fn requete(f: &FormulaireGroupe) -> FeuilleQuery {
    FeuilleQuery {
        lieu: f.lieu(),
        poste: f.get("poste"),
    }
}

/// The worksheet's form (`etablissement_id`, `unite_id`, `jour`, `poste`, then for each act
/// `statut_<acte>_<epoch>` — `fait`, `non_fait` or empty — and `motif_<acte>_<epoch>`).
fn formulaire(me: &CurrentUser, f: &FormulaireGroupe) -> WebResult<(ValidationBody, Lieu, String)> {
    let (lieu, poste) = lieu(me, &requete(f))?;
    let mut actes = Vec::new();
    let motif = "Indiquez pourquoi l'acte n'a pas été fait.";
    for l in f.lignes(("statut", "motif"), &["non_fait"], motif)? {
        let (acte, epoch) = l
            .cle
            .split_once('_')
            .and_then(|(a, s)| Some((a.parse::<i64>().ok()?, s.parse::<i64>().ok()?)))
            .ok_or_else(illisible)?;
        let prevu = DateTime::from_timestamp(epoch, 0).ok_or_else(illisible)?;
        actes.push(ActeValide {
            acte_id: acte,
            prevu_a: dui_store::ts(prevu),
            statut: l.code,
            motif: l.texte,
        });
    }
    let b = ValidationBody {
        etablissement_id: lieu.etablissement_id,
        actes,
    };
    Ok((b, lieu, format!("&poste={}", poste.code())))
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new().route(
        "/soins/feuille",
        get(page_lot::<ValidationBody>).post(form_lot::<ValidationBody>),
    )
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new().route(
        "/soins/feuille",
        get(api_lire::<ValidationBody>).post(api_lot::<ValidationBody>),
    )
}
