//! The agenda's pages (issue 13, COO-3/COO-4): a day or a week as a list per day (usable at
//! 360 px), of my agenda, a colleague's (cadre, direction), an établissement's or a room's;
//! an event with its participants' presence and its status; planning an event (with a
//! weekly recurrence); the calendar subscription and export (iCalendar).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dui_domain::agenda::StatutRendezVous;
use dui_domain::agenda_ics::calendrier;
use dui_domain::agenda_recurrence::local_paris;
use dui_domain::policy::Action;
use dui_domain::saisie::Champ;
use dui_store::policy::authorize_agenda;
use dui_store::usager::{Evenement, OccurrenceAgenda, Ressource};
use serde::Deserialize;

use super::agenda_api::{capacite, instants, Fenetre};
use super::agenda_evenement::heure;
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::layout::{Fait, Layout};
use crate::reponses::done;
use crate::{App, AppError, WebResult};

const JOURS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// « lundi 7 décembre ».
pub(crate) fn jour_fr(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {}",
        JOURS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        dui_domain::usager::mois_fr(d.month())
    )
}

/// One occurrence as listed.
pub struct Ligne {
    /// « 09:00 – 10:00 ».
    pub horaire: String,
    /// Title.
    pub objet: String,
    /// Kind.
    pub genre: &'static str,
    /// Status label, and whether it is not planned/confirmed.
    pub statut: &'static str,
    /// Struck (cancelled or postponed).
    pub barre: bool,
    /// Place or room.
    pub lieu: Option<String>,
    /// Participants' names.
    pub participants: String,
    /// Moved occurrence.
    pub deplacee: bool,
    /// Recurring.
    pub recurrent: bool,
    /// The event's page, or for a series the occurrence's (its presences).
    pub lien: String,
    /// A series: the presences noted at this occurrence (decision 0059).
    pub presences: Option<String>,
}

/// One day of a view.
pub struct Jour {
    /// « lundi 7 décembre ».
    pub titre: String,
    /// `AAAA-MM-JJ`.
    pub iso: String,
    /// Its occurrences by start.
    pub lignes: Vec<Ligne>,
}

fn ligne(e: &Evenement, o: &OccurrenceAgenda, ressources: &[Ressource]) -> Ligne {
    let (debut, fin) = (o.debut, o.fin);
    let salle = e
        .ressource_id
        .and_then(|r| ressources.iter().find(|x| x.id == r))
        .map(|r| r.nom.clone());
    Ligne {
        horaire: format!("{} – {}", heure(debut), heure(fin)),
        objet: e.objet.clone(),
        genre: e.type_rdv.label_fr(),
        statut: e.statut.label_fr(),
        barre: matches!(
            e.statut,
            StatutRendezVous::Annule | StatutRendezVous::Reporte
        ),
        lieu: salle.or(e.lieu.clone()),
        participants: e
            .participants
            .iter()
            .map(|p| p.nom.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        deplacee: o.deplacee,
        recurrent: e.rrule.is_some(),
        lien: lien_occurrence(e, o.date),
        presences: e
            .rrule
            .is_some()
            .then(|| super::agenda_occurrence::bilan_presences(e, o.date)),
    }
}

/// The page of the occurrence of local date `date` of `e`: the event's, or for a series the
/// occurrence's (its presences).
pub(crate) fn lien_occurrence(e: &Evenement, date: NaiveDate) -> String {
    if e.rrule.is_some() {
        format!("/agenda/evenements/{}/occurrences/{date}", e.id)
    } else {
        format!("/agenda/evenements/{}", e.id)
    }
}

/// An agenda choice of the selector.
pub struct Choix {
    /// `moi`, `etablissement-N`, `ressource-N`.
    pub code: String,
    /// Label.
    pub libelle: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "agenda.html")]
struct AgendaPage {
    layout: Layout,
    jours: Vec<Jour>,
    choix: Vec<Choix>,
    agenda: String,
    titre: String,
    vue: &'static str,
    precedent: String,
    suivant: String,
    peut_planifier: bool,
    abonnement: bool,
    adresse: Option<String>,
}

/// `?de=&vue=jour|semaine&agenda=`.
#[derive(Deserialize, Default)]
pub struct AgendaQuery {
    /// First day.
    pub de: Option<String>,
    /// `jour` or `semaine`.
    pub vue: Option<String>,
    /// Whose agenda.
    pub agenda: Option<String>,
    /// A subscription address just created (shown once).
    pub abonnement: Option<String>,
}

pub(super) async fn choix(app: &App, me: &CurrentUser) -> WebResult<(Vec<Choix>, Vec<Ressource>)> {
    let cap = capacite(app, me, Action::Lire).await?;
    let mut choix = vec![Choix {
        code: "moi".into(),
        libelle: "Mon agenda".into(),
    }];
    let mut toutes = Vec::new();
    for e in &me.user.etablissements {
        let nom = app
            .store
            .etablissement(*e)
            .await?
            .map(|x| x.nom.clone())
            .unwrap_or_else(|| format!("Établissement {e}"));
        choix.push(Choix {
            code: format!("etablissement-{e}"),
            libelle: format!("{nom} (tout l'établissement)"),
        });
        for r in app.store.ressources(&cap, *e).await? {
            choix.push(Choix {
                code: format!("ressource-{}", r.id),
                libelle: format!("{} : {}", r.type_ressource.label_fr(), r.nom),
            });
            toutes.push(r);
        }
    }
    Ok((choix, toutes))
}

/// GET /agenda: a day or a week of an agenda.
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<AgendaQuery>,
) -> WebResult<Response> {
    let cap = capacite(&app, &me, Action::Lire).await?;
    let vue = if q.vue.as_deref() == Some("jour") {
        "jour"
    } else {
        "semaine"
    };
    let f = Fenetre {
        de: q.de.clone(),
        a: None,
        agenda: q.agenda.clone(),
    };
    let (de, _) = f.jours(cap.at())?;
    let de = if vue == "jour" && q.de.is_none() {
        crate::time::paris_today(cap.at())
    } else {
        de
    };
    let n = if vue == "jour" { 1 } else { 7 };
    let a = de + Duration::days(n);
    let quel = f.quel(&me)?;
    let (i, j) = instants(de, a);
    let v = app.store.agenda(&cap, quel, i, j).await?;
    let (choix, ressources) = choix(&app, &me).await?;
    let jours = (0..n)
        .map(|k| {
            let d = de + Duration::days(k);
            let lignes = v
                .occurrences
                .iter()
                .filter(|o| local_paris(o.debut).date() == d)
                .filter_map(|o| {
                    v.evenement(o.evenement_id)
                        .map(|e| ligne(e, o, &ressources))
                })
                .collect();
            Jour {
                titre: jour_fr(d),
                iso: d.to_string(),
                lignes,
            }
        })
        .collect();
    let agenda = q.agenda.clone().unwrap_or_else(|| "moi".into());
    let titre = choix
        .iter()
        .find(|c| c.code == agenda)
        .map(|c| c.libelle.clone())
        .unwrap_or_else(|| "Agenda".into());
    let nav = |d: NaiveDate| format!("/agenda?vue={vue}&de={d}&agenda={agenda}");
    let m = super::matrix(&app).await?;
    Ok(AgendaPage {
        layout: Layout::new(&me, format!("Agenda — {titre}"), "agenda"),
        precedent: nav(de - Duration::days(n)),
        suivant: nav(de + Duration::days(n)),
        jours,
        choix,
        agenda,
        titre,
        vue,
        peut_planifier: dui_domain::agenda::peut_agenda(&m, me.user.role, Action::Ecrire).is_ok(),
        abonnement: app.store.a_abonnement(&cap).await?,
        adresse: q
            .abonnement
            .filter(|a| a.len() == 64 && a.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|a| format!("/agenda/{a}.ics")),
    }
    .into_response())
}

/// An empty form (the subscription's buttons).
#[derive(Deserialize, Default)]
pub struct Vide {}

impl crate::saisie::Champs for Vide {
    const CHAMPS: &'static [Champ] = &[];
}

/// A new subscription address (shown once on the agenda page), or the address revoked, each
/// confirmed on the page. Neither has an expected refusal (no field, a revocation of no
/// address revokes nothing): a role without an agenda gets the error page (403).
async fn abonnement(
    app: App,
    me: CurrentUser,
    headers: HeaderMap,
    nouveau: bool,
) -> WebResult<Response> {
    let cap = capacite(&app, &me, Action::Lire).await?;
    let retour = if nouveau {
        let jeton = app.store.creer_abonnement(&cap).await?;
        Fait::AbonnementCree.adresse(&format!("/agenda?abonnement={jeton}#abonnement"))
    } else {
        app.store.revoquer_abonnement(&cap).await?;
        Fait::AbonnementRevoque.adresse("/agenda#abonnement")
    };
    Ok(done(&headers, &retour))
}

/// POST /agenda/abonnement: a new subscription address, shown once on the agenda page.
pub async fn abonnement_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(_): Form<Vide>,
) -> WebResult<Response> {
    abonnement(app, me, headers, true).await
}

/// POST /agenda/abonnement/revocation: revokes the subscription address.
pub async fn revocation_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(_): Form<Vide>,
) -> WebResult<Response> {
    abonnement(app, me, headers, false).await
}

fn ics(
    nom: &str,
    evenements: &[dui_domain::agenda_ics::EvenementIcs],
    now: DateTime<Utc>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        calendrier(nom, evenements, now),
    )
        .into_response()
}

/// GET /agenda/export.ics: my calendar, downloaded in a session.
pub async fn export(State(app): State<App>, me: CurrentUser) -> WebResult<Response> {
    let cap = capacite(&app, &me, Action::Lire).await?;
    let v = app.store.calendrier_ics(&cap).await?;
    Ok(ics("Agenda DUI", &v, cap.at()))
}

/// GET /agenda/{secret}.ics: a calendar subscription, without a session: the account of a
/// secret in force, with the rights it has now (an account disabled reads nothing).
pub async fn abonnement_ics(
    State(app): State<App>,
    Path(fichier): Path<String>,
) -> WebResult<Response> {
    let jeton = fichier.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let uid = app.store.abonne(jeton).await?.ok_or(AppError::NotFound)?;
    let u = app
        .store
        .utilisateur(uid)
        .await?
        .filter(|u| u.actif)
        .ok_or(AppError::NotFound)?;
    let principal = u.principal(None);
    let m = super::matrix(&app).await?;
    let cap = authorize_agenda(&app.store, &m, &principal, Action::Lire, Utc::now()).await?;
    let v = app.store.calendrier_ics(&cap).await?;
    Ok(ics("Agenda DUI", &v, cap.at()))
}

/// The agenda's page routes.
pub fn routes() -> axum::Router<App> {
    use super::agenda_evenement as ev;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/agenda", get(page))
        .route(
            "/agenda/nouveau",
            get(super::agenda_nouveau::nouveau_page).post(super::agenda_nouveau::nouveau_form),
        )
        .route("/agenda/export.ics", get(export))
        .route("/agenda/abonnement", post(abonnement_form))
        .route("/agenda/abonnement/revocation", post(revocation_form))
        .route("/agenda/evenements/{id}", get(ev::evenement_page))
        .route(
            "/agenda/evenements/{id}/occurrences/{date}",
            get(super::agenda_occurrence::page),
        )
        .route(
            "/agenda/evenements/{id}/occurrences/{date}/participants/{pid}",
            post(super::agenda_occurrence::presence_form),
        )
        .route("/agenda/evenements/{id}/statut", post(ev::statut_form))
        .route(
            "/agenda/evenements/{id}/participants/{pid}",
            post(super::agenda_occurrence::presence_form_evenement),
        )
        .route(
            "/agenda/evenements/{id}/modification",
            post(ev::modification_form),
        )
        .route(
            "/agenda/evenements/{id}/occurrence",
            post(ev::occurrence_form),
        )
        .route("/agenda/{fichier}", get(abonnement_ics))
}
