//! The pages of the applications (ADM-1, ADM-2): the consolidated waiting list with the free
//! places per établissement and unit beside it, the new application's form, and an
//! application's page (its fields, documents, history of status changes, appointments and
//! the actions its status allows: move in the flow, plan the interview, create or link the
//! file). The forms post to the same functions as the API (`candidatures`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use dui_domain::candidature::StatutCandidature;
use dui_domain::policy::Action;
use dui_domain::usager::creation::peut_confirmer_doublon;
use dui_store::admin::organisation::Etablissement;
use dui_store::usager::{
    candidats_montres, Candidat, Candidature, ChangementStatut, MembreEquipe, Places, RendezVous,
};

use super::candidature_suite::{dossier, DossierFields, EntretienFields, StatutFields};
use super::candidatures::{capacite, FiltreQuery};
use super::creation::Doublons;
use super::creation_issue::message_doublons;
use super::formulaire_ligne::{champs, page_refusee, repondre_page};
use crate::auth::CurrentUser;
use crate::forms::{opt, Form};
use crate::pagination::CANDIDATURES;
use crate::reponses::{confirme, expected_version};
use crate::time::DatesFr as _;
use crate::time::{paris_local_input, paris_today};
use crate::{
    App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Layout, Saisie, WebResult,
};

/// Display helpers shared by the pages.
trait Affichage {
    fn libres(&self, p: &Places) -> String {
        super::sejours::libres(p)
    }
    fn age(&self, c: &Candidature) -> i32 {
        dui_domain::candidature::age(c.fields.date_naissance, paris_today(Utc::now()))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "candidatures.html")]
struct ListePage {
    layout: Layout,
    items: Vec<Candidature>,
    suivant: Option<String>,
    places: Vec<Places>,
    etablissements: Vec<Etablissement>,
    q: FiltreQuery,
    peut_ecrire: bool,
}
impl Affichage for ListePage {}

impl ListePage {
    fn choisi(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn choisi_id(&self, v: &Option<String>, id: &i64) -> bool {
        v.as_deref() == Some(id.to_string().as_str())
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
    /// The query of the next page (filters kept).
    fn page_suivante(&self, cursor: &str) -> String {
        let q = &self.q;
        let pairs = [
            ("statut", &q.statut),
            ("etablissement", &q.etablissement),
            ("domaine", &q.domaine),
            ("age_min", &q.age_min),
            ("age_max", &q.age_max),
            ("gir", &q.gir),
            ("orientation", &q.orientation),
        ];
        let mut v: Vec<(&str, String)> = pairs
            .into_iter()
            .filter_map(|(k, v)| opt(v).map(|v| (k, v)))
            .collect();
        v.push(("cursor", cursor.to_string()));
        format!(
            "/candidatures?{}",
            serde_urlencoded::to_string(&v).unwrap_or_default()
        )
    }
}

/// GET /candidatures: the consolidated waiting list.
pub async fn liste(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<FiltreQuery>,
) -> WebResult<Response> {
    let f = q.filtre()?;
    let page = q.pagination().page(&CANDIDATURES)?;
    let cap = capacite(&app, &me, Action::Lire).await?;
    let (items, next) = app.store.liste_candidatures(&cap, &f, page).await?;
    let m = super::matrix(&app).await?;
    Ok(ListePage {
        layout: Layout::new(&me, "Candidatures et liste d'attente", "candidatures"),
        items,
        suivant: next.map(|n| n.to_string()),
        places: app
            .store
            .places(&me.principal.etablissements, paris_today(Utc::now()))
            .await?,
        etablissements: app.store.etablissements(None).await?,
        q,
        peut_ecrire: dui_domain::candidature::peut_candidatures(&m, me.user.role, Action::Ecrire)
            .is_ok(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "candidature.html")]
struct FichePage {
    layout: Layout,
    c: Candidature,
    historique: Vec<ChangementStatut>,
    rendez_vous: Vec<RendezVous>,
    equipe: Vec<MembreEquipe>,
    suivants: Vec<StatutCandidature>,
    peut_ecrire: bool,
    aujourdhui: String,
    debut_propose: String,
    /// The form refused in place (`statut`, `entretien`, `dossier`), if any.
    en_place: EnPlace,
    /// The probable duplicates of the file the application would create (its form refused).
    doublons: Doublons,
}
impl Affichage for FichePage {}

/// GET /candidatures/{id}
pub async fn fiche(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    rendre_fiche(&app, &me, id, (EnPlace::default(), &[])).await
}

/// The page of application `id`, with a form refused in place (or none) and the probable
/// duplicates of the file it would create (or none).
async fn rendre_fiche(
    app: &App,
    me: &CurrentUser,
    id: i64,
    (en_place, candidats): (EnPlace, &[Candidat]),
) -> WebResult<Response> {
    let cap = capacite(app, me, Action::Lire).await?;
    let c = app
        .store
        .candidature(&cap, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = super::matrix(app).await?;
    let now = Utc::now();
    let demain = paris_today(now) + Duration::days(1);
    let debut = demain
        .and_hms_opt(10, 0, 0)
        .and_then(|n| n.and_local_timezone(chrono_tz::Europe::Paris).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    Ok(FichePage {
        layout: Layout::new(
            me,
            format!("Candidature de {}", c.nom_affiche()),
            "candidatures",
        ),
        historique: app.store.historique_candidature(&cap, id).await?,
        rendez_vous: app.store.rendez_vous_candidature(&cap, id).await?,
        equipe: app.store.equipe_candidature(&cap, id).await?,
        suivants: c
            .statut
            .suivants()
            .iter()
            .copied()
            .filter(|s| *s != StatutCandidature::EntretienPlanifie)
            .collect(),
        peut_ecrire: dui_domain::candidature::peut_candidatures(&m, me.user.role, Action::Ecrire)
            .is_ok(),
        aujourdhui: paris_today(now).to_string(),
        debut_propose: paris_local_input(debut),
        en_place,
        doublons: Doublons {
            rattacher: Some((format!("/candidatures/{id}/dossier"), c.version)),
            ..Doublons::de(candidats, peut_confirmer_doublon(&m, me.user.role))
        },
        c,
    }
    .into_response())
}

/// The form moving an application in the flow, its input ids `s-<field>`.
const STATUT: Formulaire = Formulaire::new("statut", "s-", Fait::StatutCandidature);
/// The form planning its interview, its input ids `e-<field>`.
const ENTRETIEN: Formulaire = Formulaire::new("entretien", "e-", Fait::EntretienPlanifie);

/// The answer to the form `formulaire` of application `id`'s page typed as `f`: that page
/// confirming it, or the page again with the refusal in place.
async fn sur_fiche<F: crate::saisie::Champs + serde::Serialize, T>(
    (app, me, headers): (&App, &CurrentUser, &HeaderMap),
    id: i64,
    formulaire: &Formulaire,
    f: &F,
    issue: WebResult<T>,
) -> WebResult<Response> {
    let adresse = format!("/candidatures/{id}");
    repondre_page(
        headers,
        &adresse,
        (formulaire, None, f),
        issue,
        |en_place| rendre_fiche(app, me, id, (en_place, &[])),
    )
    .await
}

/// POST /candidatures/{id}/statut
pub async fn statut_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<StatutFields>,
) -> WebResult<Response> {
    let issue = async {
        let version = expected_version(&headers, f.version)?;
        let statut = f.statut()?;
        let cap = capacite(&app, &me, Action::Ecrire).await?;
        let motif = opt(&f.motif);
        Ok(app
            .store
            .changer_statut_candidature(&cap, id, version, statut, motif.as_deref())
            .await?)
    }
    .await;
    sur_fiche((&app, &me, &headers), id, &STATUT, &f, issue).await
}

/// POST /candidatures/{id}/entretien
pub async fn entretien_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<EntretienFields>,
) -> WebResult<Response> {
    let issue = async {
        let version = expected_version(&headers, f.version)?;
        let r = f.rendez_vous()?;
        let cap = capacite(&app, &me, Action::Ecrire).await?;
        Ok(app.store.planifier_entretien(&cap, id, version, &r).await?)
    }
    .await;
    sur_fiche((&app, &me, &headers), id, &ENTRETIEN, &f, issue).await
}

/// The form creating (or linking) the person's file, its input ids `d-<field>`.
const DOSSIER: Formulaire = Formulaire::new("dossier", "d-", Fait::DossierCandidature);

/// POST /candidatures/{id}/dossier: the file created (or linked), confirmed on its stays; its
/// probable duplicates are the application's page again (409), each with its way out (open
/// it, link it), « another person » to confirm when the user may.
pub async fn dossier_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<DossierFields>,
) -> WebResult<Response> {
    let issue = async {
        let version = expected_version(&headers, f.version)?;
        dossier(&app, &me, id, version, &f).await
    }
    .await;
    let placer = |erreurs| EnPlace::refus(&DOSSIER, Saisie::de(&f), erreurs);
    match issue {
        Ok(Ok((usager, _))) => Ok(confirme(
            &headers,
            &format!("/usagers/{usager}/sejours"),
            Fait::DossierCandidature,
        )),
        Ok(Err(candidats)) => {
            let montres = candidats_montres(&candidats);
            let erreurs = ErreursFormulaire::generale(message_doublons(&montres));
            let page = rendre_fiche(&app, &me, id, (placer(erreurs), &candidats)).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => {
            page_refusee(e, &champs::<DossierFields>(), placer, |en_place| {
                rendre_fiche(&app, &me, id, (en_place, &[]))
            })
            .await
        }
    }
}
