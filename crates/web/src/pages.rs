//! Home page, static assets, fallback.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use dui_domain::policy::{Portee, Role};
use dui_store::admin::organisation::Etablissement;
use dui_store::policy::AccesExceptionnel;
use dui_store::usager::{AlerteProjet, Recherche, ResultatRecherche, NON_LUES_MAX};

use crate::auth::CurrentUser;
use crate::noms::Nomme as _;
use crate::time::DatesFr as _;
use crate::{App, AppError, Layout, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "accueil.html")]
struct Accueil {
    layout: Layout,
    prenom: String,
    etablissements: Vec<Etablissement>,
    acces: Vec<AccesExceptionnel>,
    /// The people of a scope made of a few files (a relative's, a home-care worker's, the
    /// portal usager's own), each a link away; `None` for scopes by établissement.
    personnes: Option<Personnes>,
    /// Reviews of projects and actions due (or late) that concern the account.
    projets: Vec<AlerteProjet>,
    /// Transmissions not read since the account's last relève (professionals).
    non_lues: Option<i64>,
    /// The people the professional accompanies (by unit, or assigned), first on the page.
    mes_personnes: Option<crate::usager::MesPersonnes>,
    /// The table of the account's établissements (accounts scoped by établissement).
    voir_etablissements: bool,
    /// « Mes prochains rendez-vous »: the account's coming occurrences (organised or invited,
    /// series expanded), the next 7 days.
    rendez_vous: Vec<ProchainRendezVous>,
    /// Benefits to renew, measures to review, follow-ups to do (`accueil_parcours.html`).
    parcours: crate::usager::PanneauParcours,
    /// Late and missed home-care visits of today (the coordinator of a service, h13b).
    visites_alertes: Vec<dui_store::usager::Visite>,
    /// « Cahier de liaison : N nouvelles entrées » (`accueil_liaison.html`; `None`: the role
    /// reads no liaison book).
    liaison: Option<Vec<dui_store::usager::LiaisonNouvelles>>,
    /// « Messages » (`accueil_messages.html`; `None`: the role has no messages).
    messages: Option<crate::usager::MessagesAccueil>,
}

impl Accueil {
    /// The new entries of every book of the panel.
    fn liaison_total(&self) -> i64 {
        self.liaison.iter().flatten().map(|l| l.nouvelles).sum()
    }
}

/// Most books listed on the home page.
const LIAISON_MAX: i64 = 20;

/// The liaison books with entries `me` has not seen (every assigned person's book for an
/// account scoped by assignment).
async fn liaison(
    app: &App,
    me: &CurrentUser,
) -> WebResult<Option<Vec<dui_store::usager::LiaisonNouvelles>>> {
    let m = crate::usager::matrix(app).await?;
    let Some(cap) = dui_store::policy::authorize_liaison_nouvelles(&m, &me.principal, Utc::now())
    else {
        return Ok(None);
    };
    let v = app.store.liaison_nouvelles(&cap, LIAISON_MAX).await?;
    Ok((!v.is_empty() || me.user.role == Role::Partenaire).then_some(v))
}

/// Query of the home page: the page of "my people" to show.
#[derive(serde::Deserialize)]
pub struct AccueilQuery {
    /// Cursor of the page of people.
    personnes: Option<String>,
}

impl Accueil {
    /// « 12 transmissions non lues depuis votre dernière relève ».
    fn non_lues_texte(&self, n: &i64) -> String {
        match *n {
            0 => "Aucune transmission non lue depuis votre dernière relève".into(),
            1 => "1 transmission non lue depuis votre dernière relève".into(),
            n if n >= NON_LUES_MAX => format!(
                "Plus de {} transmissions non lues depuis votre dernière relève",
                NON_LUES_MAX - 1
            ),
            n => format!("{n} transmissions non lues depuis votre dernière relève"),
        }
    }
}

/// The people shown on the home page of an account scoped by assignment or to itself.
struct Personnes {
    titre: &'static str,
    vide: &'static str,
    liste: Vec<ResultatRecherche>,
    /// More than the page shows: the search lists the rest.
    suite: bool,
}

impl Accueil {
    fn domaine(&self, d: &dui_domain::organisation::Domaine) -> &'static str {
        d.label_fr()
    }
    fn categorie(&self, code: &str) -> String {
        dui_domain::organisation::categorie(code)
            .map(|c| {
                if c.sigle.is_empty() {
                    c.libelle.to_string()
                } else {
                    c.sigle.to_string()
                }
            })
            .unwrap_or_else(|| code.to_string())
    }
    /// « 12/04/1938 ».
    fn quand_jour(&self, iso: &str) -> String {
        crate::time::fr_date(iso)
    }
}

/// Most people listed on a home page (the search pages through the rest).
const HOME_PEOPLE: i64 = 50;

/// The usager's own file (a portal account); `None` for every other scope (professionals
/// and relatives see `usager::mes_personnes`) and for roles that may not read files.
async fn personnes(app: &App, me: &CurrentUser) -> WebResult<Option<Personnes>> {
    let role = me.user.role;
    // Professionals and relatives see "my people" (`usager::mes_personnes`) instead.
    if role.portee() != Portee::SoiMeme {
        return Ok(None);
    }
    let m = crate::usager::matrix(app).await?;
    if dui_domain::policy::peut_rechercher(&m, role).is_err() {
        return Ok(None);
    }
    let cap =
        dui_store::policy::authorize_recherche(&app.store, &m, &me.principal, Utc::now()).await?;
    let r = Recherche {
        limit: HOME_PEOPLE,
        ..Recherche::default()
    };
    let (liste, suivant) = app.store.rechercher_usagers(&cap, &r, Utc::now()).await?;
    let (titre, vide) = (
        "Mon dossier",
        "Votre compte n'est relié à aucun dossier. Adressez-vous au secrétariat de votre établissement.",
    );
    Ok(Some(Personnes {
        titre,
        vide,
        liste,
        suite: suivant.is_some(),
    }))
}

/// The personalised-project alerts of `me` (reviews of the people they are referent of,
/// actions assigned to them), for the roles that may search and read the *Accompagnement*.
async fn alertes_projets(app: &App, me: &CurrentUser) -> WebResult<Vec<AlerteProjet>> {
    let m = crate::usager::matrix(app).await?;
    if dui_domain::policy::peut_rechercher(&m, me.user.role).is_err() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let cap = dui_store::policy::authorize_recherche(&app.store, &m, &me.principal, now).await?;
    Ok(app
        .store
        .alertes_projets(&cap, &m, crate::time::paris_today(now), now)
        .await?)
}

/// How many transmissions `me` has not read since its last relève; `None` for an account
/// without relève (not a professional, or no transmission section readable).
async fn non_lues(app: &App, me: &CurrentUser) -> WebResult<Option<i64>> {
    let m = crate::usager::matrix(app).await?;
    let role = me.user.role;
    let lit = dui_domain::policy::sections_permises(&m, role, dui_domain::policy::Action::Lire)
        .into_iter()
        .any(|s| dui_domain::transmission::SECTIONS.contains(&s));
    if !role.est_professionnel() || role == Role::Administrateur || !lit {
        return Ok(None);
    }
    let now = Utc::now();
    let cap = dui_store::policy::authorize_releve(&app.store, &m, &me.principal, now).await?;
    let depuis = app.store.debut_releve(&cap, now).await?;
    Ok(Some(app.store.nombre_non_lues(&cap, depuis).await?))
}

/// How far « Mes prochains rendez-vous » looks ahead, and how many it shows.
const RDV_JOURS: i64 = 7;
const RDV_MAX: usize = 10;

/// One coming occurrence of the account's agenda, as the home page lists it.
struct ProchainRendezVous {
    /// « lundi 7 décembre, 10:00 – 11:00 ».
    quand: String,
    /// The event's page.
    lien: String,
    /// Title.
    objet: String,
    /// Kind, status, place, and a moved occurrence's words.
    detail: String,
}

/// The coming occurrences of `me`'s agenda (events they organise or are invited to, every
/// occurrence of a series), the next [`RDV_JOURS`] days; none for the roles without an agenda.
async fn prochains_rendez_vous(app: &App, me: &CurrentUser) -> WebResult<Vec<ProchainRendezVous>> {
    use dui_domain::agenda::StatutRendezVous;
    use dui_domain::agenda_recurrence::local_paris;
    use dui_domain::policy::Action;
    let m = crate::usager::matrix(app).await?;
    if !me.user.role.est_professionnel()
        || dui_domain::agenda::peut_agenda(&m, me.user.role, Action::Lire).is_err()
    {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let cap = dui_store::policy::authorize_agenda(&app.store, &m, &me.principal, Action::Lire, now)
        .await?;
    let v = app
        .store
        .agenda(
            &cap,
            dui_store::usager::QuelAgenda::Utilisateur(me.user.id),
            now,
            now + Duration::days(RDV_JOURS),
        )
        .await?;
    let heure = |t| local_paris(t).format("%H:%M").to_string();
    Ok(v.occurrences
        .iter()
        .filter(|o| o.fin > now)
        .filter_map(|o| {
            let e = v.evenement(o.evenement_id)?;
            if matches!(
                e.statut,
                StatutRendezVous::Annule | StatutRendezVous::Reporte
            ) {
                return None;
            }
            let mut detail = format!("{} · {}", e.type_rdv.label_fr(), e.statut.label_fr());
            if let Some(l) = &e.lieu {
                detail.push_str(&format!(" · {l}"));
            }
            if o.deplacee {
                detail.push_str(" · reporté");
            }
            Some(ProchainRendezVous {
                quand: format!(
                    "{}, {} – {}",
                    crate::usager::jour_fr(local_paris(o.debut).date()),
                    heure(o.debut),
                    heure(o.fin)
                ),
                lien: format!("/agenda/evenements/{}", e.id),
                objet: e.objet.clone(),
                detail,
            })
        })
        .take(RDV_MAX)
        .collect())
}

/// GET /
pub async fn accueil(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<AccueilQuery>,
) -> WebResult<impl IntoResponse> {
    let all = me.user.role == Role::Administrateur;
    let etablissements = app
        .store
        .etablissements(if all {
            None
        } else {
            Some(&me.user.etablissements)
        })
        .await?;
    let since = Utc::now() - Duration::days(30);
    // Break-the-glass accesses are shown to the direction and to the usager's referent; the
    // administrator sees who and when only (the reason and the file are person data).
    let acces = match me.user.role {
        // The administrator reads no one's file: who and when, not whose file nor why.
        Role::Administrateur => app
            .store
            .liste_acces_exceptionnels(None, None, since, 20)
            .await?
            .into_iter()
            .map(AccesExceptionnel::vue_technique)
            .collect(),
        Role::Direction => {
            app.store
                .liste_acces_exceptionnels(Some(&me.user.etablissements), None, since, 20)
                .await?
        }
        _ => {
            app.store
                .liste_acces_exceptionnels(None, Some(me.user.id), since, 20)
                .await?
        }
    };
    let personnes = personnes(&app, &me).await?;
    let mes_personnes =
        crate::usager::mes_personnes(&app, &me, q.personnes.as_deref().filter(|c| !c.is_empty()))
            .await?;
    let projets = alertes_projets(&app, &me).await?;
    let non_lues = non_lues(&app, &me).await?;
    let rendez_vous = prochains_rendez_vous(&app, &me).await?;
    let parcours = crate::usager::panneau_parcours(&app, &me).await?;
    let visites_alertes = crate::usager::planning::alertes_accueil(&app, &me).await;
    let liaison = liaison(&app, &me).await?;
    let messages = crate::usager::messages_accueil(&app, &me).await?;
    Ok(Accueil {
        messages,
        visites_alertes,
        liaison,
        rendez_vous,
        parcours,
        non_lues,
        layout: Layout::new(&me, "Accueil", "accueil"),
        prenom: me.user.prenom.clone(),
        etablissements,
        acces,
        personnes,
        projets,
        mes_personnes,
        voir_etablissements: me.user.role.portee() == Portee::Etablissements,
    })
}

/// GET /static/{file}: assets compiled into the binary.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, ctype): (&'static [u8], &str) = match file.as_str() {
        "app.css" => (
            include_bytes!("../static/app.css"),
            "text/css; charset=utf-8",
        ),
        "app.js" => (
            include_bytes!("../static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "htmx.min.js" => (
            include_bytes!("../static/htmx.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "favicon.svg" => (include_bytes!("../static/favicon.svg"), "image/svg+xml"),
        _ => return AppError::NotFound.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ctype),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// GET /favicon.ico
pub async fn favicon() -> Response {
    asset(Path("favicon.svg".into())).await
}

/// Any unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
