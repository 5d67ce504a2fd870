//! Presences and absences (ACC-4): the day screen of a unit (`/presences`: everyone expected
//! is present unless marked absent, saved in one request), its API (`/api/v1/presences`: the
//! body a GET returns is what the PUT takes), and the absences of a person
//! (`/api/v1/usagers/{id}/presences`: the list, and a period entered).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::presence::TypeAbsence;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{AbsenceJour, Journee, PeriodeAbsence, Places};
use serde::{Deserialize, Serialize};

use super::capability;
pub(crate) use super::collectif::{capacite, choix};
use super::collectif::{convertir_lot, illisible, FormulaireGroupe, Lieu, LieuQuery};
use super::extracteurs::{FormulaireDossier, FormulaireEnvoye, ListeDossier};
use super::formulaire_ligne::{page_refusee, repondre};
use super::sejours::{jour, SejoursPage};
use crate::auth::CurrentUser;
use crate::forms::{opt, ApiJson, Errors};
use crate::pagination;
use crate::reponses::expected_version;
use crate::time::DatesFr;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, Saisie, WebResult};

/// `?etablissement_id=&unite_id=&jour=` (default: the account's first établissement, the
/// whole of it, today in Paris).
#[derive(Deserialize, Default, Serialize)]
pub struct JourQuery {
    #[serde(flatten)]
    lieu: LieuQuery,
}

/// A person of the day as the PUT takes it (the GET's `personnes`).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PersonneJour {
    /// The stay.
    sejour_id: i64,
    /// Absent and why (`null`: present).
    absence: Option<String>,
    /// Comment of the absence.
    commentaire: Option<String>,
}

/// The presences of a day as the PUT takes them: the body of the GET. The people not listed
/// are present.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct JourneeBody {
    /// Établissement.
    etablissement_id: i64,
    /// Unit (none: the whole établissement).
    unite_id: Option<i64>,
    /// `AAAA-MM-JJ`.
    jour: String,
    /// The version read (or `If-Match`).
    version: Option<i64>,
    /// The people and their absence.
    #[schema(max_items = 1000)]
    personnes: Vec<PersonneJour>,
}

impl crate::saisie::Champs for JourneeBody {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("jour", lim::DATE),
        Champ::ligne("absence", lim::CODE),
        Champ::ligne("commentaire", lim::LIBELLE),
    ];
}

fn absences(personnes: &[PersonneJour]) -> WebResult<Vec<AbsenceJour>> {
    let borne = (1000, "personnes", "1 000 personnes au plus à la fois.");
    convertir_lot(personnes, borne, |p, e| {
        let Some(code) = opt(&p.absence) else {
            return Ok(None);
        };
        let Some(type_absence) = TypeAbsence::from_code(&code) else {
            e.add("absence", format!("Type d'absence inconnu : « {code} »."));
            return Ok(None);
        };
        Ok(Some(AbsenceJour {
            sejour_id: p.sejour_id,
            type_absence,
            commentaire: opt(&p.commentaire),
        }))
    })
}

/// GET /api/v1/presences
pub async fn api_jour(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<JourQuery>,
) -> WebResult<Json<Journee>> {
    let l = Lieu::de(&me, &q.lieu)?;
    let cap = capacite(&app, &me, l.etablissement_id, Action::Lire).await?;
    Ok(Json(
        app.store.presences_jour(&cap, l.unite_id, l.jour).await?,
    ))
}

/// `{"version": n}`: the day's new version.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionJour {
    /// The new version of the day's presences.
    pub version: i64,
}

/// PUT /api/v1/presences
pub async fn api_enregistrer(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    ApiJson(b): ApiJson<JourneeBody>,
) -> WebResult<Json<VersionJour>> {
    let abs = absences(&b.personnes)?;
    let mut e = Errors::default();
    let jour = jour(&mut e, "jour", "Le jour", &Some(b.jour.clone()));
    e.finish()?;
    let jour = jour.ok_or_else(|| AppError::field("jour", "Le jour est obligatoire."))?;
    let version = expected_version(&headers, b.version)?;
    let cap = capacite(&app, &me, b.etablissement_id, Action::Ecrire).await?;
    let version = app
        .store
        .enregistrer_presences(&cap, b.unite_id, jour, version, &abs)
        .await?;
    Ok(Json(VersionJour { version }))
}

#[derive(Template, WebTemplate)]
#[template(path = "presences.html")]
struct JourPage {
    layout: Layout,
    journee: Journee,
    lieu: Lieu,
    places: Vec<Places>,
    peut_ecrire: bool,
    mois: String,
    /// The day's form refused in place, if any.
    en_place: EnPlace,
}

impl JourPage {
    fn absents(&self) -> usize {
        self.journee
            .personnes
            .iter()
            .filter(|p| p.absence.is_some())
            .count()
    }
}

/// GET /presences: the day screen.
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<JourQuery>,
) -> WebResult<Response> {
    rendre(&app, &me, &q.lieu, EnPlace::default()).await
}

/// The day screen of the place `q`, its form refused in place (or not).
async fn rendre(
    app: &App,
    me: &CurrentUser,
    q: &LieuQuery,
    en_place: EnPlace,
) -> WebResult<Response> {
    let lieu = Lieu::de(me, q)?;
    let cap = capacite(app, me, lieu.etablissement_id, Action::Lire).await?;
    let journee = app
        .store
        .presences_jour(&cap, lieu.unite_id, lieu.jour)
        .await?;
    let m = super::matrix(app).await?;
    let peut_ecrire = dui_domain::presence::PAGE_PRESENCES
        .peut(
            &m,
            me.user.role,
            &me.principal.etablissements,
            lieu.etablissement_id,
            Action::Ecrire,
        )
        .is_ok();
    Ok(JourPage {
        layout: Layout::new(me, "Présences du jour", "presences"),
        places: app
            .store
            .places(&me.principal.etablissements, lieu.jour)
            .await?,
        mois: lieu.jour.format("%Y-%m").to_string(),
        lieu,
        journee,
        peut_ecrire,
        en_place,
    }
    .into_response())
}

/// The day screen's form, its rows' input ids `pr-absence_<stay>`, `pr-commentaire_<stay>`.
const PRESENCES: Formulaire = Formulaire::new("presences", "pr-", Fait::PresencesEnregistrees);

/// POST /presences: the day screen's form (`etablissement_id`, `unite_id`, `jour`,
/// `version`, then `absence_<sejour>` — a kind, or empty for present — and
/// `commentaire_<sejour>`), confirmed; a refusal is the day again, the rows as chosen.
pub async fn form(p: FormulaireEnvoye<FormulaireGroupe>) -> WebResult<Response> {
    let FormulaireEnvoye {
        app,
        me,
        headers,
        f,
    } = p;
    let issue = async {
        let lieu = Lieu::de(&me, &f.lieu())?;
        let version = f
            .get("version")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| {
                AppError::field("version", "La version de la saisie lue est obligatoire.")
            })?;
        let mut personnes = Vec::new();
        for l in f.lignes(("absence", "commentaire"), &[], "")? {
            personnes.push(PersonneJour {
                sejour_id: l.cle.parse().map_err(|_| illisible())?,
                absence: Some(l.code),
                commentaire: l.texte,
            });
        }
        let abs = absences(&personnes)?;
        let cap = capacite(&app, &me, lieu.etablissement_id, Action::Ecrire).await?;
        app.store
            .enregistrer_presences(&cap, lieu.unite_id, lieu.jour, version, &abs)
            .await?;
        Ok(lieu)
    }
    .await;
    match issue {
        Ok(lieu) => Ok(lieu.enregistre(&headers, "/presences", "", PRESENCES.fait)),
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(&PRESENCES, Saisie::de(&f), erreurs);
            let (champs, q) = (f.champs("absence", "commentaire"), f.lieu());
            page_refusee(e, &champs, placer, |en_place| {
                rendre(&app, &me, &q, en_place)
            })
            .await
        }
    }
}

/// An absence period as typed.
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct AbsenceFields {
    /// The stay (of this file).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = i64)]
    sejour_id: Option<String>,
    /// First day absent, `AAAA-MM-JJ`.
    debut: Option<String>,
    /// Last day absent, `AAAA-MM-JJ`.
    fin: Option<String>,
    /// Why (code).
    type_absence: Option<String>,
    /// Comment.
    commentaire: Option<String>,
}

impl crate::saisie::Champs for AbsenceFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("sejour_id", 20),
        Champ::ligne("debut", lim::DATE),
        Champ::ligne("fin", lim::DATE),
        Champ::ligne("type_absence", lim::CODE),
        Champ::ligne("commentaire", lim::LIBELLE),
    ];
}

impl AbsenceFields {
    fn periode(&self) -> WebResult<PeriodeAbsence> {
        let mut e = Errors::default();
        let sejour = crate::forms::opt_int(&mut e, "sejour_id", "Séjour", &self.sejour_id);
        let debut = jour(&mut e, "debut", "Le début", &self.debut);
        let fin = jour(&mut e, "fin", "La fin", &self.fin);
        let t = opt(&self.type_absence).and_then(|c| TypeAbsence::from_code(&c));
        if let (Some(d), Some(f)) = (debut, fin) {
            if f < d {
                e.add("fin", "La fin de l'absence doit suivre son début.");
            }
        }
        for (champ, manque) in [
            ("sejour_id", sejour.is_none()),
            ("debut", debut.is_none()),
            ("fin", fin.is_none()),
            ("type_absence", t.is_none()),
        ] {
            if manque && !e.0.contains_key(champ) {
                e.add(champ, "Ce champ est obligatoire (type d'absence : hospitalisation, vacances, retour_famille, fugue, exclusion, maladie ou autre).");
            }
        }
        e.finish()?;
        match (sejour, debut, fin, t) {
            (Some(sejour_id), Some(debut), Some(fin), Some(type_absence)) => Ok(PeriodeAbsence {
                sejour_id,
                debut,
                fin,
                type_absence,
                commentaire: opt(&self.commentaire),
            }),
            _ => Err(AppError::BadRequest("Absence incomplète.".into())),
        }
    }
}

/// `{"jours": n}`: the days of absence entered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AbsenceEnregistree {
    /// Days entered.
    pub jours: i64,
}

/// POST /api/v1/usagers/{id}/presences: an absence period → 201.
pub async fn api_absence(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<AbsenceFields>,
) -> WebResult<(StatusCode, Json<AbsenceEnregistree>)> {
    let p = f.periode()?;
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    let jours = app.store.ajouter_absence(&cap, &p).await?;
    Ok((StatusCode::CREATED, Json(AbsenceEnregistree { jours })))
}

/// The form of an absence of a running stay (one per stay), its input ids `ab-<id>-<field>`.
const ABSENCE: Formulaire = Formulaire::new("absence", "ab-", Fait::AbsenceEnregistree);

/// POST /usagers/{id}/sejours/absence: the same from the *Séjours* tab, confirmed; a refusal
/// is the tab again with that stay's form as typed (a form without its stay, which no page
/// sends, has no form to show it in: the error page).
pub async fn absence_form(p: FormulaireDossier<AbsenceFields>) -> WebResult<Response> {
    let issue = async {
        let periode = p.f.periode()?;
        let cap = capability(&p.app, &p.me, p.id, Section::Administratif, Action::Ecrire).await?;
        Ok(p.app.store.ajouter_absence(&cap, &periode).await?)
    }
    .await;
    let Some(sid) = opt(&p.f.sejour_id).and_then(|s| s.parse::<i64>().ok()) else {
        issue?;
        return Ok(p.confirme("/sejours", ABSENCE.fait));
    };
    repondre::<SejoursPage, _, _>(
        &p.app,
        &p.me,
        &p.headers,
        (p.id, sid),
        &ABSENCE,
        &p.f,
        issue,
    )
    .await
}

/// GET /api/v1/usagers/{id}/presences: the absence days, latest first.
pub async fn api_absences(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let items = l.app.store.absences_page(&l.cap, page).await?;
    Ok(pagination::repondre(page, items, |a| a.id))
}
