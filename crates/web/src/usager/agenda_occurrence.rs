//! One occurrence of a recurring event as a page (h13d, decision 0059): its slot (moved or
//! cancelled by its exception), and each participant's presence at that date, noted with
//! the presence's own version (409 in place when someone noted it meanwhile). A cancelled
//! occurrence takes no presence; a moved one is checked at its new start (the store's and
//! the domain's rules). The API: `POST /api/v1/agenda/{id}/occurrences/{date}/participants/{pid}/presence`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use dui_domain::agenda::Presence;
use dui_domain::policy::Action;
use dui_store::usager::{Evenement, Participant};

use super::agenda_api::capacite;
use super::agenda_evenement::{
    bilan_presences, exception_fr, heure, presence_saisie, PresenceForm, PRESENCE,
};
use super::agenda_page::jour_fr;
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::layout::Layout;
use crate::{App, AppError, EnPlace, WebResult};

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
    let m = super::matrix(app).await?;
    let participant_refuse = en_place
        .saisie_de(PRESENCE.nom)
        .val("participant")
        .parse()
        .unwrap_or(0);
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
        presences: Presence::ALL
            .iter()
            .map(|s| (s.code(), s.label_fr()))
            .collect(),
        ecrire: e.complet
            && dui_domain::agenda::peut_agenda(&m, me.user.role, Action::Ecrire).is_ok(),
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
