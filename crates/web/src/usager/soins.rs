//! The *Soins* tab: its landing page (the medical summary and the sub-navigation of the care
//! pages), the summary's forms (add, correct, end an entry), and the API
//! `/api/v1/usagers/{id}/soins/synthese` (the active summary) and `…/synthese/entrees` (every
//! entry, history included).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::soins::Rubrique;
use dui_store::policy::Capability;
use dui_store::usager::{EntreeSoins, EntreeSoinsInput, FinEntreeSoins, Usager};
use serde::{Deserialize, Serialize};

use super::ajout_seul::{ajout_seul, saisie_corrigeable, Ecrit, PageAjoutSeul, PageSeul};
use super::entete::{Dossier, Header as _, PageDossier, Tabs};
use super::extracteurs::{Demande, FormulaireDossier};
use super::formulaire_ligne::repondre;
use super::versionne::PageEnPlace;
use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::corps::{Cree, SyntheseSoins};
use crate::forms::{opt, ApiJson, Errors};
use crate::reponses::expected_version;
use crate::time::{paris_today, DatesFr};
use crate::{App, EnPlace, Fait, Formulaire, Layout, WebResult};

/// An optional complete date typed `AAAA-MM-JJ` (a `date` field), or the French message on
/// `field`.
pub(super) fn date_opt(e: &mut Errors, field: &str, v: &Option<String>) -> Option<NaiveDate> {
    let v = opt(v)?;
    match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            e.add(field, "La date doit être au format AAAA-MM-JJ.");
            None
        }
    }
}

/// An optional id typed as text or sent as a number, or `message` on `field`.
pub(super) fn id_opt(
    e: &mut Errors,
    field: &str,
    v: &Option<String>,
    message: &str,
) -> Option<i64> {
    let v = opt(v)?;
    match v.parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            e.add(field, message);
            None
        }
    }
}

saisie_corrigeable! {
    /// An entry of the summary as typed (form or JSON).
    EntreeFields {
        rubrique: ligne(lim::CODE),
        libelle: ligne(lim::LIBELLE),
        code_cim10: ligne(lim::NUMERO),
        details: texte(lim::COMMENTAIRE),
        date_debut: ligne(lim::DATE),
    }
}

impl EntreeFields {
    /// The input, or 422 naming every field to correct.
    fn validate(&self, aujourdhui: NaiveDate) -> WebResult<EntreeSoinsInput> {
        let mut e = Errors::default();
        let rubrique = match opt(&self.rubrique).map(|c| Rubrique::from_code(&c)) {
            Some(Some(r)) => r,
            _ => {
                e.add(
                    "rubrique",
                    "Choisissez la rubrique de la synthèse médicale.",
                );
                Rubrique::Alerte
            }
        };
        let input = EntreeSoinsInput {
            rubrique,
            libelle: opt(&self.libelle).unwrap_or_default(),
            code_cim10: opt(&self.code_cim10).map(|c| c.to_uppercase()),
            details: opt(&self.details),
            date_debut: date_opt(&mut e, "date_debut", &self.date_debut),
            corrige_id: self.correction.id(&mut e, "Entrée corrigée inconnue."),
        };
        let regles = input.erreurs(aujourdhui);
        e.finir_avec(regles, input)
    }
}

/// The end of an entry as typed.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct FinFields {
    date_fin: Option<String>,
    motif: Option<String>,
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    version: Option<String>,
}

impl crate::saisie::Champs for FinFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("date_fin", lim::DATE),
        Champ::texte("motif", lim::MOTIF),
        Champ::ligne("version", 20),
    ];
}

impl FinFields {
    fn validate(&self, headers: &HeaderMap, aujourdhui: NaiveDate) -> WebResult<FinEntreeSoins> {
        let mut e = Errors::default();
        let date_fin = date_opt(&mut e, "date_fin", &self.date_fin).unwrap_or(aujourdhui);
        let body_version = id_opt(&mut e, "version", &self.version, "Version inconnue.");
        e.finish()?;
        Ok(FinEntreeSoins {
            date_fin,
            motif: opt(&self.motif),
            version: expected_version(headers, body_version)?,
        })
    }
}

ajout_seul!(EntreeFields, Section::Soins, SOINS_ENTREES, SoinsPage, entrees_soins_page -> EntreeSoins);

/// Adds (or corrects) an entry.
impl Ecrit for EntreeFields {
    async fn ecrire(&self, app: &App, _: &CurrentUser, cap: &Capability) -> WebResult<i64> {
        let input = self.validate(paris_today(Utc::now()))?;
        Ok(app.store.add_entree_soins(cap, &input).await?)
    }
}

async fn clore(
    app: &App,
    me: &CurrentUser,
    (id, eid): (UsagerId, i64),
    headers: &HeaderMap,
    f: &FinFields,
) -> WebResult<i64> {
    let fin = f.validate(headers, paris_today(Utc::now()))?;
    let cap = capability(app, me, id, Section::Soins, Action::Ecrire).await?;
    Ok(app.store.fin_entree_soins(&cap, eid, &fin).await?)
}

/// GET /api/v1/usagers/{id}/soins/synthese: the active entries, by heading.
pub async fn api_synthese(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> WebResult<Json<SyntheseSoins>> {
    let cap = capability(&app, &me, id, Section::Soins, Action::Lire).await?;
    let toutes = app.store.synthese_soins(&cap).await?;
    let mise_a_jour = toutes.iter().map(|e| e.created_at.clone()).max();
    let mut entrees: Vec<EntreeSoins> = toutes.into_iter().filter(EntreeSoins::active).collect();
    entrees.sort_by_key(|e| (e.rubrique, e.created_at.clone(), e.id));
    Ok(Json(SyntheseSoins {
        usager_id: id,
        mise_a_jour,
        entrees,
    }))
}

/// POST /api/v1/usagers/{id}/soins/synthese/entrees/{eid}/fin → the entry's new version.
pub async fn api_fin(
    State(app): State<App>,
    me: CurrentUser,
    Path(ids): Path<(UsagerId, i64)>,
    headers: HeaderMap,
    ApiJson(f): ApiJson<FinFields>,
) -> WebResult<Json<Cree>> {
    let version = clore(&app, &me, ids, &headers, &f).await?;
    Ok(Json(Cree { id: ids.1, version }))
}

/// A heading of the summary as shown: its active entries.
pub struct RubriqueVue {
    rubrique: Rubrique,
    entrees: Vec<EntreeSoins>,
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/soins.html")]
pub(crate) struct SoinsPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    soins_actif: &'static str,
    rubriques: Vec<RubriqueVue>,
    historique: Vec<EntreeSoins>,
    peut_ecrire: bool,
    corrige: Option<EntreeSoins>,
    aujourdhui: String,
    /// The form refused in place (an entry, or the end of one), if any.
    en_place: EnPlace,
}

impl SoinsPage {
    fn toutes(&self) -> &'static [Rubrique] {
        Rubrique::ALL
    }

    /// The value of the entry form's `champ`: as typed when it was refused, else the
    /// corrected entry's (nothing for a new entry).
    fn entree(&self, champ: &str) -> String {
        let c = self.corrige.as_ref();
        let defaut = match champ {
            "rubrique" => c.map(|c| c.rubrique.code().to_string()),
            "libelle" => c.map(|c| c.libelle.clone()),
            "code_cim10" => c.and_then(|c| c.code_cim10.clone()),
            _ => None,
        };
        self.en_place
            .saisie_de(ENTREE.nom)
            .ou(champ, defaut.unwrap_or_default())
    }
}

/// The form adding (or correcting) an entry, its input ids `s-<field>`.
const ENTREE: Formulaire = Formulaire::new("entree", "s-", Fait::EntreeSoinsEnregistree);
/// The form ending entry `n`, its input ids `f-<n>-<field>`.
const FIN: Formulaire = Formulaire::new("fin", "f-", Fait::EntreeSoinsClose);

/// GET /usagers/{id}/soins (`ajout_seul::page`): the landing of the care tab, the medical
/// summary; the page again with a refused entry.
impl PageSeul for SoinsPage {
    const ADRESSE: &'static str = "/soins";
    const FORMULAIRE: Formulaire = ENTREE;

    async fn rendre(d: Demande<'_, PageAjoutSeul>, en_place: EnPlace) -> PageDossier {
        let (dossier, cap) = d.soins().await?;
        let Demande { app, me, q, .. } = d;
        let toutes = app.store.synthese_soins(&cap).await?;
        let corrige_id = q.corrige();
        let corrige = toutes.iter().find(|e| Some(e.id) == corrige_id).cloned();
        let (actives, historique): (Vec<EntreeSoins>, Vec<EntreeSoins>) =
            toutes.into_iter().partition(EntreeSoins::active);
        let rubriques = Rubrique::ALL
            .iter()
            .map(|r| RubriqueVue {
                rubrique: *r,
                entrees: actives
                    .iter()
                    .filter(|e| e.rubrique == *r)
                    .rev()
                    .cloned()
                    .collect(),
            })
            .collect();
        let m = matrix(app).await?;
        let Dossier { tabs, u, .. } = dossier;
        Ok(SoinsPage {
            layout: Layout::new(me, format!("Soins — {}", u.nom_naissance), "usagers"),
            u,
            tabs,
            soins_actif: "synthese",
            rubriques,
            historique,
            peut_ecrire: m.permet(me.user.role, Section::Soins, Action::Ecrire),
            corrige,
            aujourdhui: paris_today(Utc::now()).to_string(),
            en_place,
        }
        .into_response())
    }
}

/// The summary with the end of an entry refused in place.
impl PageEnPlace for SoinsPage {
    const ADRESSE: &'static str = "/soins";

    async fn rendre(app: &App, me: &CurrentUser, id: UsagerId, en_place: EnPlace) -> PageDossier {
        let q = PageAjoutSeul::default();
        <Self as PageSeul>::rendre(Demande { app, me, id, q: &q }, en_place).await
    }
}

/// POST /usagers/{id}/soins/synthese/{eid}/fin: ends an entry, confirmed; a refusal is the
/// summary again, that entry's form open as typed.
pub async fn fin_form(
    Path((_, eid)): Path<(UsagerId, i64)>,
    p: FormulaireDossier<FinFields>,
) -> WebResult<Response> {
    let issue = clore(&p.app, &p.me, (p.id, eid), &p.headers, &p.f).await;
    repondre::<SoinsPage, _, _>(&p.app, &p.me, &p.headers, (p.id, eid), &FIN, &p.f, issue).await
}

/// The pages of the care tab (summary, observations, DLU) and the psychology section.
pub fn routes() -> axum::Router<App> {
    use super::ajout_seul::{ajout_form, page};
    use super::dlu::DluPage;
    use super::observation::ObservationsPage;
    use super::psychologie::PsychologiePage;
    use super::{NoteFields, ObservationFields, RetourFields};
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/usagers/{id}/soins", get(page::<SoinsPage>))
        .route(
            "/usagers/{id}/soins/synthese",
            post(ajout_form::<EntreeFields>),
        )
        .route("/usagers/{id}/soins/synthese/{eid}/fin", post(fin_form))
        .route(
            "/usagers/{id}/soins/observations",
            get(page::<ObservationsPage>).post(ajout_form::<ObservationFields>),
        )
        .route("/usagers/{id}/soins/dlu", get(page::<DluPage>))
        .route(
            "/usagers/{id}/soins/dlu/retours",
            post(ajout_form::<RetourFields>),
        )
        .route(
            "/usagers/{id}/psychologie",
            get(page::<PsychologiePage>).post(ajout_form::<NoteFields>),
        )
}

/// The API of the care tab and the psychology section.
pub fn api_routes() -> axum::Router<App> {
    use super::ajout_seul::{api_ajout, api_liste};
    use super::{NoteFields, ObservationFields, RetourFields};
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/usagers/{id}/soins/synthese", get(api_synthese))
        .route(
            "/usagers/{id}/soins/synthese/entrees",
            get(api_liste::<EntreeFields>).post(api_ajout::<EntreeFields>),
        )
        .route(
            "/usagers/{id}/soins/synthese/entrees/{eid}/fin",
            post(api_fin),
        )
        .route(
            "/usagers/{id}/soins/observations",
            get(api_liste::<ObservationFields>).post(api_ajout::<ObservationFields>),
        )
        .route("/usagers/{id}/soins/dlu", get(super::dlu::api_dlu))
        .route(
            "/usagers/{id}/soins/dlu/retours",
            get(api_liste::<RetourFields>).post(api_ajout::<RetourFields>),
        )
        .route(
            "/usagers/{id}/psychologie",
            get(api_liste::<NoteFields>).post(api_ajout::<NoteFields>),
        )
}
