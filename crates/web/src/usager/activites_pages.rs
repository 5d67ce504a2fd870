//! Activities (issue 13, COO-1), the pages: the activities of an établissement
//! (`/activites`, with the creation form), an activity (`/activites/{id}`: its sessions,
//! its registrations, the forms adding sessions, one or a series, and registering a
//! person). Refusals are shown in place, successes confirmed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Duration, Utc};
use dui_domain::activite::{TypeActivite, JOURS_SEMAINE, PAGE_ACTIVITES};
use dui_domain::ids::UsagerId;
use dui_domain::policy::Action;
use dui_domain::saisie::Champ;
use dui_store::page::Page;
use dui_store::usager::{Activite, Inscription, Places, Seance};
use serde::Deserialize;

use super::activite_edition;
use super::activites::{
    capacite, capacite_activite, etablissement, type_demande, ActiviteCorps, InscriptionCorps,
    SeancesCorps,
};
use super::extracteurs::FormulairePage;
use super::formulaire_ligne::{confirme_ou_refus, page_refusee};
use super::seance_page::{self, SeancePage};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::formulaire::{EnPlace, Formulaire, Saisie};
use crate::layout::Fait;
use crate::reponses::confirme;
use crate::time::paris_today;
use crate::time::DatesFr as _;
use crate::{App, AppError, Layout, WebResult};

/// A form's pairs as sent (repeated names: animators, days of the week).
#[derive(Deserialize)]
#[serde(transparent)]
pub struct Paires(pub Vec<(String, String)>);

impl crate::saisie::Champs for Paires {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("titre", dui_domain::saisie::LIBELLE),
        Champ::texte("description", dui_domain::saisie::COMMENTAIRE),
        Champ::ligne("lieu", dui_domain::saisie::LIBELLE),
        Champ::texte("motif", dui_domain::saisie::MOTIF),
    ];
}

impl Paires {
    /// The (last) value of `k`.
    pub(crate) fn val(&self, k: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.trim().is_empty())
    }
    /// Every value of `k`.
    pub(crate) fn tous(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    }
    /// The integer of `k` (none when empty).
    pub(super) fn nombre(&self, k: &str) -> WebResult<Option<i64>> {
        self.val(k)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::field(k, "Ce champ doit être un nombre entier."))
            })
            .transpose()
    }
    fn nombres(&self, k: &str) -> WebResult<Vec<i64>> {
        self.tous(k)
            .iter()
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AppError::BadRequest("Formulaire illisible.".into()))
            })
            .collect()
    }
    /// What was typed, to show it again (the repeated names joined by commas).
    pub(crate) fn saisie(&self) -> Saisie {
        let mut m = serde_json::Map::new();
        for (k, v) in &self.0 {
            let e = m.entry(k.clone()).or_insert_with(|| "".into());
            let avant = e.as_str().unwrap_or("").to_string();
            *e = if avant.is_empty() {
                v.clone().into()
            } else {
                format!("{avant},{v}").into()
            };
        }
        Saisie::de(&m)
    }
}

const CREATION: Formulaire = Formulaire::new("activite", "a-", Fait::ActiviteCreee);
const CHAMPS_CREATION: &[&str] = &[
    "titre",
    "type_activite",
    "modalite",
    "unite_id",
    "description",
    "lieu",
    "capacite",
    "debut",
    "fin",
    "animateurs",
];
const SEANCES: Formulaire = Formulaire::new("seances", "s-", Fait::SeancesCreees);
const CHAMPS_SEANCES: &[&str] = &[
    "jour",
    "heure_debut",
    "heure_fin",
    "lieu",
    "jusqu_au",
    "jours",
    "intervalle",
    "animateurs",
];
const INSCRIPTION: Formulaire = Formulaire::new("inscription", "i-", Fait::InscriptionEnregistree);
const CHAMPS_INSCRIPTION: &[&str] = &["usager_id", "debut", "fin"];

fn corps_activite(p: &Paires, etab: i64) -> WebResult<ActiviteCorps> {
    Ok(ActiviteCorps {
        etablissement_id: Some(etab),
        version: p.nombre("version")?,
        unite_id: p.nombre("unite_id")?,
        type_activite: p.val("type_activite"),
        modalite: p.val("modalite"),
        titre: p.val("titre"),
        description: p.val("description"),
        lieu: p.val("lieu"),
        capacite: p.nombre("capacite")?,
        debut: p.val("debut"),
        fin: p.val("fin"),
        active: Some(p.val("active").is_none_or(|v| v != "non")),
        animateurs: Some(p.nombres("animateurs")?),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "activites/liste.html")]
struct ListePage {
    layout: Layout,
    etablissement_id: i64,
    places: Vec<Places>,
    activites: Vec<Activite>,
    type_choisi: Option<TypeActivite>,
    peut_ecrire: bool,
    animateurs: Vec<(i64, String)>,
    aujourd_hui: String,
    en_place: EnPlace,
}

impl ListePage {
    fn coche(&self, s: &Saisie, uid: &i64) -> bool {
        let u = uid.to_string();
        s.val("animateurs").split(',').any(|x| x == u)
    }
}

/// `?etablissement_id=&type=`.
#[derive(Deserialize, Default)]
pub struct ListeQuery {
    #[serde(default)]
    etablissement_id: Option<String>,
    #[serde(default, rename = "type")]
    type_activite: Option<String>,
}

pub(super) fn peut_ecrire(
    app_m: &dui_domain::policy::Matrice,
    me: &CurrentUser,
    etab: i64,
) -> bool {
    PAGE_ACTIVITES
        .peut(
            app_m,
            me.user.role,
            &me.principal.etablissements,
            etab,
            Action::Ecrire,
        )
        .is_ok()
}

async fn rendre_liste(
    app: &App,
    me: &CurrentUser,
    etab: i64,
    type_choisi: Option<TypeActivite>,
    en_place: EnPlace,
) -> WebResult<ListePage> {
    let cap = capacite(app, me, etab, Action::Lire).await?;
    let m = super::matrix(app).await?;
    let today = paris_today(Utc::now());
    let activites = app
        .store
        .activites_page(&cap, type_choisi, false, Page::first(200))
        .await?;
    let ecrire = peut_ecrire(&m, me, etab);
    Ok(ListePage {
        layout: Layout::new(me, "Activités", "activites"),
        etablissement_id: etab,
        places: app
            .store
            .places(&me.principal.etablissements, today)
            .await?,
        activites,
        type_choisi,
        animateurs: if ecrire {
            app.store.animateurs_possibles(&cap).await?
        } else {
            Vec::new()
        },
        peut_ecrire: ecrire,
        aujourd_hui: today.to_string(),
        en_place,
    })
}

/// GET /activites
pub async fn liste(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<ListeQuery>,
) -> WebResult<Response> {
    let etab = etablissement(&me, &q.etablissement_id)?;
    let t = type_demande(&q.type_activite)?;
    Ok(rendre_liste(&app, &me, etab, t, EnPlace::default())
        .await?
        .into_response())
}

/// POST /activites: creates an activity (refusals in place).
pub async fn creer(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(p): Form<Paires>,
) -> WebResult<Response> {
    let etab = etablissement(&me, &p.val("etablissement_id"))?;
    let essai = async {
        let a = corps_activite(&p, etab)?.valider()?;
        let cap = capacite(&app, &me, etab, Action::Ecrire).await?;
        Ok::<_, AppError>(app.store.creer_activite(&cap, &a).await?)
    };
    match essai.await {
        Ok(id) => Ok(confirme(
            &headers,
            &format!("/activites/{id}"),
            CREATION.fait,
        )),
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(&CREATION, p.saisie(), erreurs);
            page_refusee(e, CHAMPS_CREATION, placer, |en_place| {
                rendre_liste(&app, &me, etab, None, en_place)
            })
            .await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "activites/activite.html")]
pub(super) struct ActivitePage {
    layout: Layout,
    a: Activite,
    seances: Vec<Seance>,
    inscriptions: Vec<Inscription>,
    personnes: Vec<(UsagerId, String)>,
    /// Who may animate a session (to choose a session's own animators).
    animateurs: Vec<(i64, String)>,
    peut_ecrire: bool,
    aujourd_hui: String,
    jours_semaine: [(&'static str, &'static str); 7],
    en_place: EnPlace,
}

impl ActivitePage {
    fn jour_coche(&self, s: &Saisie, c: &str) -> bool {
        s.val("jours").split(',').any(|x| x == c)
    }
    fn animateur_coche(&self, s: &Saisie, uid: &i64) -> bool {
        let u = uid.to_string();
        s.val("animateurs").split(',').any(|x| x == u)
    }
    fn en_cours(&self, i: &Inscription) -> bool {
        i.fin.is_none_or(|f| f.to_string() >= self.aujourd_hui)
    }
}

/// A page of the activities holding forms refused in place (an activity's, a session's).
pub(super) trait PageActivites: IntoResponse + Sized {
    /// Its address for `id`.
    fn adresse(id: i64) -> String;

    /// The page of `id`, with a refused form shown in place (or none).
    fn rendre(
        app: &App,
        me: &CurrentUser,
        id: i64,
        en_place: EnPlace,
    ) -> impl std::future::Future<Output = WebResult<Self>> + Send;
}

/// GET of page `P` (`/activites/{id}`, `/seances/{id}`): no form refused.
pub(super) async fn afficher<P: PageActivites>(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    Ok(P::rendre(&app, &me, id, EnPlace::default())
        .await?
        .into_response())
}

/// A form posted on the page of an activity or a session (`POST /activites/{id}/…`,
/// `/seances/{id}/…`): the account, the page's id, the pairs sent and the headers the
/// answer needs ([`EnvoiActivites::repondre`]).
pub(super) type EnvoiActivites = FormulairePage<i64, Paires>;

impl FormulairePage<i64, Paires> {
    /// The answer to form `f` of page `P`, whose write ended as `issue`: confirmed, or the
    /// page again with the refusal in place.
    pub(super) async fn repondre<P: PageActivites, T>(
        &self,
        f: (&Formulaire, &[&str]),
        issue: WebResult<T>,
    ) -> WebResult<Response> {
        let Self { app, me, id, .. } = self;
        let url = P::adresse(*id);
        confirme_ou_refus(
            (&self.headers, &url),
            f,
            self.f.saisie(),
            issue,
            |en_place| P::rendre(app, me, *id, en_place),
        )
        .await
    }
}

impl PageActivites for ActivitePage {
    fn adresse(id: i64) -> String {
        format!("/activites/{id}")
    }
    async fn rendre(app: &App, me: &CurrentUser, id: i64, en_place: EnPlace) -> WebResult<Self> {
        rendre_activite(app, me, id, en_place).await
    }
}

async fn rendre_activite(
    app: &App,
    me: &CurrentUser,
    id: i64,
    en_place: EnPlace,
) -> WebResult<ActivitePage> {
    let cap = capacite_activite(app, me, id, Action::Lire).await?;
    let m = super::matrix(app).await?;
    let today = paris_today(Utc::now());
    let a = app.store.activite(&cap, id).await?;
    let seances = app
        .store
        .seances_page(&cap, id, Some(today - Duration::days(62)), Page::first(120))
        .await?;
    let inscriptions = app.store.inscriptions(&cap, id).await?;
    let ecrire = peut_ecrire(&m, me, cap.etablissement_id());
    let (personnes, animateurs) = if ecrire && a.champs.active {
        (
            app.store.personnes_accueillies(&cap, today).await?,
            app.store.animateurs_possibles(&cap).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(ActivitePage {
        layout: Layout::new(me, a.champs.titre.clone(), "activites"),
        a,
        seances,
        inscriptions,
        personnes,
        animateurs,
        peut_ecrire: ecrire,
        aujourd_hui: today.to_string(),
        jours_semaine: JOURS_SEMAINE,
        en_place,
    })
}

/// POST /activites/{id}/seances: one session or a series (refusals in place).
pub async fn creer_seances(e: EnvoiActivites) -> WebResult<Response> {
    let (app, me, p, id) = (&e.app, &e.me, &e.f, e.id);
    let essai = async {
        let b = SeancesCorps {
            jour: p.val("jour"),
            heure_debut: p.val("heure_debut"),
            heure_fin: p.val("heure_fin"),
            lieu: p.val("lieu"),
            jusqu_au: p.val("jusqu_au"),
            jours: Some(p.tous("jours")),
            intervalle: p
                .nombre("intervalle")?
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            // The session's own animators (none chosen: the activity's).
            animateurs: Some(p.nombres("animateurs")?).filter(|a| !a.is_empty()),
        };
        let n = b.valider()?;
        let cap = capacite_activite(app, me, id, Action::Ecrire).await?;
        app.store.creer_seances(&cap, id, &n).await?;
        Ok::<_, AppError>(())
    };
    let f = (&SEANCES, CHAMPS_SEANCES);
    e.repondre::<ActivitePage, _>(f, essai.await).await
}

/// The registration typed in `p`: the person (a new one), its dates, the version read (a
/// change).
fn inscription(p: &Paires) -> WebResult<InscriptionCorps> {
    Ok(InscriptionCorps {
        usager_id: p.nombre("usager_id")?.map(UsagerId::from),
        debut: p.val("debut"),
        fin: p.val("fin"),
        version: p.nombre("version")?,
    })
}

/// POST /activites/{id}/inscriptions: registers a person (refusals in place).
pub async fn inscrire(e: EnvoiActivites) -> WebResult<Response> {
    let (app, me, p, id) = (&e.app, &e.me, &e.f, e.id);
    let essai = async {
        let b = inscription(p)?;
        let (debut, fin) = b.dates()?;
        let u = b
            .usager_id
            .ok_or_else(|| AppError::field("usager_id", "Choisissez la personne à inscrire."))?;
        let cap = capacite_activite(app, me, id, Action::Ecrire).await?;
        app.store.inscrire(&cap, id, u, debut, fin).await?;
        Ok::<_, AppError>(())
    };
    let f = (&INSCRIPTION, CHAMPS_INSCRIPTION);
    e.repondre::<ActivitePage, _>(f, essai.await).await
}

/// POST /activites/{id}/inscriptions/{iid}: ends a registration (`fin`, with its version).
pub async fn finir_inscription(
    Path((_, iid)): Path<(i64, i64)>,
    e: EnvoiActivites,
) -> WebResult<Response> {
    let (app, me, p, id) = (&e.app, &e.me, &e.f, e.id);
    let essai = async {
        let b = inscription(p)?;
        let (debut, fin) = b.dates()?;
        if fin.is_none() {
            return Err(AppError::field(
                "fin",
                "La date de fin de l'inscription est obligatoire.",
            ));
        }
        let version = b
            .version
            .ok_or_else(|| AppError::field("version", "La version lue est obligatoire."))?;
        let cap = capacite_activite(app, me, id, Action::Ecrire).await?;
        app.store
            .modifier_inscription(&cap, iid, version, debut, fin)
            .await?;
        Ok::<(), AppError>(())
    };
    let f = (&INSCRIPTION, CHAMPS_INSCRIPTION);
    e.repondre::<ActivitePage, _>(f, essai.await).await
}

/// HTML routes: the activities, an activity's page and its forms, a session's page and its
/// forms.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/activites", get(liste).post(creer))
        .route("/activites/{id}", get(afficher::<ActivitePage>))
        .route(
            "/activites/{id}/modification",
            post(activite_edition::modifier),
        )
        .route("/activites/{id}/cloture", post(activite_edition::cloturer))
        .route("/activites/{id}/seances", post(creer_seances))
        .route("/activites/{id}/inscriptions", post(inscrire))
        .route(
            "/activites/{id}/inscriptions/{iid}",
            post(finir_inscription),
        )
        .route(
            "/seances/{id}",
            get(afficher::<SeancePage>).post(seance_page::presences),
        )
        .route("/seances/{id}/statut", post(seance_page::statut))
}
