//! The pages of the applications (ADM-1, ADM-2): the consolidated waiting list with the free
//! places per établissement and unit beside it, the new application's form, and an
//! application's page (its fields, documents, history of status changes, appointments and
//! the actions its status allows: move in the flow, plan the interview, create or link the
//! file). The forms post to the same functions as the API (`candidatures`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use dui_domain::candidature::{OrigineCandidature, Priorite, StatutCandidature};
use dui_domain::organisation::Domaine;
use dui_domain::policy::Action;
use dui_domain::sejour::TypeAccompagnement;
use dui_domain::usager::Sexe;
use dui_store::admin::organisation::Etablissement;
use dui_store::usager::{Candidature, ChangementStatut, MembreEquipe, Places, RendezVous};
use serde::Deserialize;

use super::candidature_suite::{dossier, DossierFields, EntretienFields, StatutFields};
use super::candidatures::{
    capacite, creer, CandidatureFields, FiltreQuery, PieceFields, CHAMPS_CANDIDATURE,
};
use super::formulaire_ligne::repondre_page;
use crate::auth::CurrentUser;
use crate::forms::{opt, Form};
use crate::pagination::CANDIDATURES;
use crate::reponses::{done, expected_version};
use crate::time::{fr_date, fr_datetime, paris_local_input, paris_today};
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// Display helpers shared by the pages.
trait Affichage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        fr_date(&d.to_string())
    }
    fn quand(&self, s: &str) -> String {
        fr_datetime(s)
    }
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
    statuts: &'static [StatutCandidature],
    orientations: &'static [TypeAccompagnement],
    domaines: [Domaine; 6],
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
        statuts: StatutCandidature::ALL,
        orientations: TypeAccompagnement::ALL,
        domaines: Domaine::ALL,
        peut_ecrire: dui_domain::candidature::peut_candidatures(&m, me.user.role, Action::Ecrire)
            .is_ok(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "candidature_nouvelle.html")]
struct NouvellePage {
    layout: Layout,
    etablissements: Vec<Etablissement>,
    mes: Vec<i64>,
    origines: &'static [OrigineCandidature],
    priorites: &'static [Priorite],
    orientations: &'static [TypeAccompagnement],
    sexes: [Sexe; 3],
    aujourdhui: String,
    usager_id: Option<String>,
}

impl NouvellePage {
    fn sexe(&self, s: &Sexe) -> &'static str {
        match s {
            Sexe::F => "Féminin",
            Sexe::M => "Masculin",
            Sexe::I => "Indéterminé",
        }
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
    capacite(&app, &me, Action::Ecrire).await?;
    Ok(NouvellePage {
        layout: Layout::new(&me, "Nouvelle candidature", "candidatures"),
        etablissements: app.store.etablissements(None).await?,
        mes: me.principal.etablissements.clone(),
        origines: OrigineCandidature::ALL,
        priorites: Priorite::ALL,
        orientations: TypeAccompagnement::ALL,
        sexes: Sexe::ALL,
        aujourdhui: paris_today(Utc::now()).to_string(),
        usager_id: q.usager_id,
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
    /// The application typed as the API takes it.
    fn champs(&self) -> WebResult<CandidatureFields> {
        let mut f = CandidatureFields::default();
        let mut libelles = Vec::new();
        let mut recues = Vec::new();
        for (k, v) in &self.0 {
            let v = Some(v.clone());
            match k.as_str() {
                "etablissements" => {
                    f.etablissements
                        .push(opt(&v).and_then(|x| x.parse().ok()).ok_or_else(|| {
                            AppError::field("etablissements", "Établissement invalide.")
                        })?)
                }
                "nom_naissance" => f.nom_naissance = v,
                "prenoms" => f.prenoms = v,
                "date_naissance" => f.date_naissance = v,
                "sexe" => f.sexe = v,
                "telephone" => f.telephone = v,
                "origine" => f.origine = v,
                "numero_decision" => f.numero_decision = v,
                "date_decision" => f.date_decision = v,
                "fin_decision" => f.fin_decision = v,
                "orientation" => f.orientation = v,
                "priorite" => f.priorite = v,
                "criteres" => f.criteres = v,
                "date_reception" => f.date_reception = v,
                "usager_id" => f.usager_id = opt(&v).and_then(|x| x.parse().ok()),
                "piece_libelle" => libelles.push(v),
                "piece_recue_le" => recues.push(v),
                _ => {}
            }
        }
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

/// POST /candidatures: records the application, then its page.
pub async fn creer_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(p): Form<PairesCandidature>,
) -> WebResult<Response> {
    let id = creer(&app, &me, &p.champs()?).await?;
    Ok(done(&headers, &format!("/candidatures/{id}")))
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
    /// The form refused in place (`statut`, `entretien`), if any.
    en_place: EnPlace,
}
impl Affichage for FichePage {}

/// GET /candidatures/{id}
pub async fn fiche(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    rendre_fiche(&app, &me, id, EnPlace::default()).await
}

/// The page of application `id`, with a form refused in place (or none).
async fn rendre_fiche(
    app: &App,
    me: &CurrentUser,
    id: i64,
    en_place: EnPlace,
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
        |en_place| rendre_fiche(app, me, id, en_place),
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

/// POST /candidatures/{id}/dossier: the file created (or linked), then its stays.
pub async fn dossier_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<DossierFields>,
) -> WebResult<Response> {
    let version = expected_version(&headers, f.version)?;
    let (usager, _) = dossier(&app, &me, id, version, &f).await?;
    Ok(done(&headers, &format!("/usagers/{usager}/sejours")))
}
