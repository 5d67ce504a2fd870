//! One occurrence of a recurring event as a page (h13d, decision 0059): its slot (moved or
//! cancelled by its exception), and each participant's presence at that date, noted with
//! the presence's own version (409 in place when someone noted it meanwhile). A cancelled
//! occurrence takes no presence; a moved one is checked at its new start (the store's and
//! the domain's rules). The presence forms of the event's page (a single event) and of a
//! date's page are answered here alike. The API:
//! `POST /api/v1/agenda/{id}/occurrences/{date}/participants/{pid}/presence`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use dui_domain::agenda::Presence;
use dui_domain::policy::Action;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{Evenement, Participant};
use serde::{Deserialize, Serialize};

use super::agenda_api::capacite;
use super::agenda_evenement::{exception_fr, heure, issue, version, Vue};
use super::agenda_page::jour_fr;
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::layout::{Fait, Layout};
use crate::{App, AppError, EnPlace, Formulaire, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "agenda_occurrence.html")]
struct OccurrencePage {
    layout: Layout,
    e: Evenement,
    /// The occurrence's local date in the series.
    date: NaiveDate,
    /// « lundi 7 décembre, 10:00 – 11:00 » (a moved one: its new slot).
    quand: String,
    /// What its exception says, if any.
    exception: Option<String>,
    annulee: bool,
    /// « 2 présents, 1 absent ».
    bilan: String,
    /// Each participant, their presence at that date and its version (0: none noted).
    lignes: Vec<(Participant, Presence, i64)>,
    presences: Vec<(&'static str, &'static str)>,
    ecrire: bool,
    /// The participant whose presence form was refused.
    participant_refuse: i64,
    en_place: EnPlace,
}

/// The page of the occurrence of local date `date` of series `id` (404 when it is none of
/// its dates).
pub(super) async fn rendre(
    app: &App,
    me: &CurrentUser,
    (id, date): (i64, NaiveDate),
    en_place: EnPlace,
) -> WebResult<Response> {
    let cap = capacite(app, me, Action::Lire).await?;
    let e = app.store.evenement(&cap, id).await?;
    let occurrence = e.occurrence_du(date).map_err(|_| AppError::NotFound)?;
    let quand = match occurrence {
        Some(o) => format!(
            "{}, {} – {}",
            jour_fr(dui_domain::agenda_recurrence::local_paris(o.debut).date()),
            heure(o.debut),
            heure(o.fin)
        ),
        None => jour_fr(date),
    };
    let (presences, ecrire, participant_refuse) =
        formulaires_presence(app, me, &e, &en_place).await?;
    let lignes = e
        .participants
        .iter()
        .map(|p| {
            let (presence, version) = e.presence_occurrence(p.id, date);
            (p.clone(), presence, version)
        })
        .collect();
    Ok(OccurrencePage {
        layout: Layout::new(
            me,
            format!(
                "{} — {} — {}",
                e.type_rdv.label_fr(),
                e.objet,
                jour_fr(date)
            ),
            "agenda",
        ),
        quand,
        exception: e.exception(date).map(exception_fr),
        annulee: occurrence.is_none(),
        bilan: bilan_presences(&e, date),
        lignes,
        presences,
        ecrire,
        participant_refuse,
        en_place,
        date,
        e,
    }
    .into_response())
}

/// GET /agenda/evenements/{id}/occurrences/{date}: one occurrence and its presences.
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, date)): Path<(i64, NaiveDate)>,
) -> WebResult<Response> {
    rendre(&app, &me, (id, date), EnPlace::default()).await
}

/// POST /agenda/evenements/{id}/occurrences/{date}/participants/{pid}: a participant's
/// presence at that date, with the version read (refused in place, confirmed).
pub async fn presence_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, date, pid)): Path<(i64, NaiveDate, i64)>,
    Form(f): Form<PresenceForm>,
) -> WebResult<Response> {
    presence_saisie((&app, &me, &headers), (id, Some(date)), pid, f).await
}

pub(super) const PRESENCE: Formulaire =
    Formulaire::new("presence", "pr-", Fait::PresenceEnregistree);

/// What was noted of the participants of `e` at the occurrence of local date `date`:
/// « 2 présents, 1 absent » or « présences non notées ».
pub(super) fn bilan_presences(e: &Evenement, date: NaiveDate) -> String {
    let compte = |p: Presence| {
        e.participants
            .iter()
            .filter(|x| e.presence_occurrence(x.id, date).0 == p)
            .count()
    };
    let parts: Vec<String> = [
        (Presence::Present, "présent"),
        (Presence::Absent, "absent"),
        (Presence::Excuse, "excusé"),
    ]
    .into_iter()
    .filter_map(|(p, mot)| {
        let n = compte(p);
        (n > 0).then(|| format!("{n} {mot}{}", if n > 1 { "s" } else { "" }))
    })
    .collect();
    if parts.is_empty() {
        "présences non notées".into()
    } else {
        parts.join(", ")
    }
}

/// What the presence forms of a page of `e` need: the presences to choose, whether `me` may
/// write, the participant whose form was refused (0: none).
pub(super) async fn formulaires_presence(
    app: &App,
    me: &CurrentUser,
    e: &Evenement,
    en_place: &EnPlace,
) -> WebResult<(Vec<(&'static str, &'static str)>, bool, i64)> {
    let m = super::matrix(app).await?;
    let choix = Presence::ALL
        .iter()
        .map(|s| (s.code(), s.label_fr()))
        .collect();
    let ecrire =
        e.complet && dui_domain::agenda::peut_agenda(&m, me.user.role, Action::Ecrire).is_ok();
    let refuse = en_place
        .saisie_de(PRESENCE.nom)
        .val("participant")
        .parse()
        .unwrap_or(0);
    Ok((choix, ecrire, refuse))
}

/// A presence as typed (at the event, or at one occurrence of a series).
#[derive(Deserialize, Serialize, Default)]
pub struct PresenceForm {
    pub(super) presence: Option<String>,
    pub(super) version: Option<String>,
    /// The participant (echoed so that the refusal is shown next to them).
    pub(super) participant: Option<String>,
}

impl PresenceForm {
    /// The presence chosen.
    pub(super) fn choisie(&self) -> WebResult<Presence> {
        self.presence
            .as_deref()
            .and_then(Presence::from_code)
            .ok_or_else(|| AppError::field("presence", "Choisissez une présence."))
    }
}

impl crate::saisie::Champs for PresenceForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("presence", lim::CODE),
        Champ::ligne("version", 20),
        Champ::ligne("participant", 20),
    ];
}

/// Notes participant `pid`'s presence at event `id` (`None`) or at one date of its series,
/// with the version read: the new version.
pub(super) async fn noter_presence(
    app: &App,
    me: &CurrentUser,
    (id, date): (i64, Option<NaiveDate>),
    pid: i64,
    (version, presence): (i64, Presence),
) -> WebResult<i64> {
    let cap = capacite(app, me, Action::Ecrire).await?;
    let s = &app.store;
    Ok(match date {
        None => s.noter_presence(&cap, id, pid, version, presence).await?,
        Some(d) => {
            s.noter_presence_occurrence(&cap, (id, d), pid, version, presence)
                .await?
        }
    })
}

/// The answer to a presence form of participant `pid` at event `id` (`None`) or at one date
/// of its series: confirmed, or its page with the refusal next to the participant.
pub(super) async fn presence_saisie(
    (app, me, headers): (&App, &CurrentUser, &HeaderMap),
    (id, date): (i64, Option<NaiveDate>),
    pid: i64,
    mut f: PresenceForm,
) -> WebResult<Response> {
    let version = version(&f.version)?;
    f.participant = Some(pid.to_string());
    let r = match f.choisie() {
        Ok(p) => noter_presence(app, me, (id, date), pid, (version, p)).await,
        Err(e) => Err(e),
    };
    let (vue, champs): (Vue, &[&str]) = match date {
        None => (Vue::Evenement, &[]),
        Some(d) => (Vue::Occurrence(d), &["presence"]),
    };
    issue((app, me, headers), (id, vue), (&PRESENCE, champs), &f, r).await
}

/// POST /agenda/evenements/{id}/participants/{pid}: a participant's presence at a single
/// event.
pub async fn presence_form_evenement(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, pid)): Path<(i64, i64)>,
    Form(f): Form<PresenceForm>,
) -> WebResult<Response> {
    presence_saisie((&app, &me, &headers), (id, None), pid, f).await
}
