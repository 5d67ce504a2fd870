//! Information sent to professionals (issue 13, COO-3/4): the pages `/messages` (received
//! and sent, the unread ones marked), `/messages/{id}` (read: the mark is cleared),
//! `/messages/nouveau` (recipients chosen by name, the team of the person proposed first
//! when written from a file, optionally an agenda entry for the recipients), the home block
//! and the API `/api/v1/messages`. A message about a person is shown to a reader only while
//! they may read that file's support section (the store decides it at reading time).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveTime, Utc};
use dui_domain::agenda::TypeRendezVous;
use dui_domain::agenda_recurrence::instant_paris;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{
    Boite, EvenementInput, Message, MessageInput, ParticipantInput, TermesEvenement,
    DESTINATAIRES_MAX,
};
use serde::{Deserialize, Serialize};

use super::sejours::code_parmi;
use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::corps::Ecrite;
use crate::forms::{opt, ApiJson, Errors};
use crate::pagination::{self, Pagination};
use crate::time::DatesFr as _;
use crate::{App, AppError, Layout, WebResult};

/// Roles that neither send nor receive messages (no person data for the administrator; the
/// liaison book for persons, relatives and partners).
pub(super) const SANS_MESSAGES: [Role; 4] = [
    Role::Administrateur,
    Role::Usager,
    Role::Proche,
    Role::Partenaire,
];

pub(super) fn exiger_messagerie(me: &CurrentUser) -> WebResult<()> {
    if SANS_MESSAGES.contains(&me.user.role) {
        return Err(AppError::Forbidden(
            "La messagerie est réservée aux professionnels du service.".into(),
        ));
    }
    Ok(())
}

/// A message to send, as typed (form or JSON).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct MessageFields {
    /// Recipients' accounts.
    #[serde(default)]
    pub(super) destinataires: Vec<i64>,
    /// The file it is about, if any.
    pub(super) usager_id: Option<i64>,
    pub(super) objet: Option<String>,
    pub(super) texte: Option<String>,
    /// An agenda entry for the recipients: its day (AAAA-MM-JJ or JJ/MM/AAAA)…
    pub(super) rdv_jour: Option<String>,
    /// …start and end (HH:MM, Paris time).
    pub(super) rdv_debut: Option<String>,
    pub(super) rdv_fin: Option<String>,
    /// The établissement whose agenda holds it (the person's, else the sender's first).
    pub(super) etablissement_id: Option<i64>,
}

impl crate::saisie::Champs for MessageFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("destinataires", 20),
        Champ::ligne("usager_id", 20),
        Champ::ligne("objet", lim::LIBELLE),
        Champ::texte("texte", lim::COMMENTAIRE),
        Champ::ligne("rdv_jour", lim::DATE),
        Champ::ligne("rdv_debut", 8),
        Champ::ligne("rdv_fin", 8),
        Champ::ligne("etablissement_id", 20),
    ];
}

/// The form's field ids, in display order.
pub(super) const CHAMPS_FORM: [&str; 6] = [
    "destinataires",
    "objet",
    "texte",
    "rdv_jour",
    "rdv_debut",
    "rdv_fin",
];

/// An agenda entry's start and end.
type Creneau = (chrono::DateTime<Utc>, chrono::DateTime<Utc>);

impl MessageFields {
    /// The checked message and, when asked, the agenda entry's start and end.
    fn valider(&self) -> WebResult<(MessageInput, Option<Creneau>)> {
        let mut e = Errors::default();
        let mut dest = self.destinataires.clone();
        dest.sort_unstable();
        dest.dedup();
        if dest.is_empty() {
            e.add("destinataires", "Choisissez au moins un destinataire.");
        } else if dest.len() > DESTINATAIRES_MAX {
            e.add(
                "destinataires",
                format!("Un message a {DESTINATAIRES_MAX} destinataires au plus."),
            );
        }
        let objet = e.required(
            "objet",
            "Objet",
            self.objet.as_deref().unwrap_or(""),
            lim::LIBELLE,
        );
        let texte = e.required(
            "texte",
            "Message",
            self.texte.as_deref().unwrap_or(""),
            lim::COMMENTAIRE,
        );
        let rdv = match opt(&self.rdv_jour) {
            None => None,
            Some(j) => {
                let jour = crate::time::date_saisie(&j);
                if jour.is_none() {
                    e.add(
                        "rdv_jour",
                        "Le jour du rendez-vous doit être une date (JJ/MM/AAAA).",
                    );
                }
                let h = |s: &Option<String>| {
                    opt(s).and_then(|s| NaiveTime::parse_from_str(&s, "%H:%M").ok())
                };
                let (d, f) = (h(&self.rdv_debut), h(&self.rdv_fin));
                if d.is_none() {
                    e.add(
                        "rdv_debut",
                        "Indiquez l'heure de début du rendez-vous (HH:MM).",
                    );
                }
                if f.is_none() {
                    e.add("rdv_fin", "Indiquez l'heure de fin du rendez-vous (HH:MM).");
                }
                match (jour, d, f) {
                    (Some(_), Some(d), Some(f)) if f <= d => {
                        e.add("rdv_fin", "La fin du rendez-vous doit suivre son début.");
                        None
                    }
                    (Some(j), Some(d), Some(f)) => {
                        Some((instant_paris(j.and_time(d)), instant_paris(j.and_time(f))))
                    }
                    _ => None,
                }
            }
        };
        e.finish()?;
        Ok((
            MessageInput {
                destinataires: dest,
                objet,
                texte,
                evenement_id: None,
            },
            rdv,
        ))
    }
}

/// Sends the message typed by `me`: the agenda entry first (for the recipients and the
/// person), then the message naming it. Its id.
pub(super) async fn envoyer(app: &App, me: &CurrentUser, f: &MessageFields) -> WebResult<i64> {
    exiger_messagerie(me)?;
    let (mut input, rdv) = f.valider()?;
    let now = Utc::now();
    let sujet = match f.usager_id {
        Some(u) => Some(
            capability(
                app,
                me,
                UsagerId::from(u),
                Section::Accompagnement,
                Action::Lire,
            )
            .await?,
        ),
        None => None,
    };
    if let Some((debut, fin)) = rdv {
        let m = matrix(app).await?;
        let cap =
            dui_store::policy::authorize_agenda(&app.store, &m, &me.principal, Action::Ecrire, now)
                .await?;
        let etablissement_id = f
            .etablissement_id
            .or_else(|| me.user.etablissements.first().copied())
            .ok_or_else(|| AppError::field("rdv_jour", "Votre compte n'a pas d'établissement : le rendez-vous ne peut pas être inscrit à un agenda."))?;
        let mut participants: Vec<ParticipantInput> = input
            .destinataires
            .iter()
            .map(|u| ParticipantInput::professionnel(*u))
            .collect();
        if let Some(u) = f.usager_id {
            participants.push(ParticipantInput::usager(u));
        }
        let e = EvenementInput {
            termes: TermesEvenement {
                type_rdv: TypeRendezVous::Information,
                objet: input.objet.clone(),
                description: Some(input.texte.clone()),
                debut,
                fin,
                lieu: None,
                ressource_id: None,
                rrule: None,
                psychologie: false,
            },
            etablissement_id,
            participants,
        };
        input.evenement_id = Some(app.store.creer_evenement(&cap, &e).await?);
    }
    Ok(app
        .store
        .envoyer_message(&me.principal, sujet.as_ref(), &input, now)
        .await?)
}

/// `?boite=recus|envoyes&limit=&cursor=`
#[derive(Deserialize, Default)]
pub struct BoiteQuery {
    boite: Option<String>,
    #[serde(flatten)]
    p: Pagination,
}

fn boite(q: &BoiteQuery) -> WebResult<Boite> {
    code_parmi(
        "boite",
        q.boite.as_deref().filter(|b| !b.is_empty()),
        Some(Boite::Recus),
        |b| match b {
            "recus" => Some(Boite::Recus),
            "envoyes" => Some(Boite::Envoyes),
            _ => None,
        },
        "La boîte est « recus » ou « envoyes ».",
    )
}

/// GET /api/v1/messages: received (or `?boite=envoyes`) messages, newest first.
pub async fn api_liste(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<BoiteQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    exiger_messagerie(&me)?;
    let page = q.p.page(&pagination::MESSAGES)?;
    let b = boite(&q)?;
    let m = matrix(&app).await?;
    let items = app
        .store
        .messages(&me.principal, &m, b, page, Utc::now())
        .await?;
    Ok(pagination::repondre(page, items, |m| m.id))
}

/// POST /api/v1/messages → 201 with `id`.
pub async fn api_envoi(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(f): ApiJson<MessageFields>,
) -> WebResult<(StatusCode, Json<Ecrite>)> {
    let id = envoyer(&app, &me, &f).await?;
    Ok((StatusCode::CREATED, Json(Ecrite { id })))
}

/// GET /api/v1/messages/{id}: the message (its unread mark cleared).
pub async fn api_lire(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Json<Message>> {
    exiger_messagerie(&me)?;
    let m = matrix(&app).await?;
    Ok(Json(
        app.store
            .lire_message(&me.principal, &m, id, Utc::now())
            .await?,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "messages/liste.html")]
struct ListePage {
    layout: Layout,
    recus: bool,
    items: Vec<Message>,
    suivant: Option<i64>,
    non_lus: i64,
}

/// GET /messages
pub async fn page_liste(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<BoiteQuery>,
) -> WebResult<Response> {
    exiger_messagerie(&me)?;
    let b = boite(&q)?;
    let page = q.p.page(&pagination::MESSAGES)?;
    let m = matrix(&app).await?;
    let (items, suivant) = page.split(
        app.store
            .messages(&me.principal, &m, b, page, Utc::now())
            .await?,
        |m| m.id,
    );
    Ok(ListePage {
        layout: Layout::new(&me, "Messages", "messages"),
        recus: b == Boite::Recus,
        items,
        suivant,
        non_lus: app.store.messages_non_lus(&me.principal).await?,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "messages/message.html")]
struct MessagePage {
    layout: Layout,
    m: Message,
    moi: i64,
}

/// GET /messages/{id}: reads the message (its unread mark cleared).
pub async fn page_message(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    exiger_messagerie(&me)?;
    let mat = matrix(&app).await?;
    let m = app
        .store
        .lire_message(&me.principal, &mat, id, Utc::now())
        .await?;
    Ok(MessagePage {
        layout: Layout::new(
            &me,
            format!(
                "Message — {}",
                if m.hors_perimetre {
                    "hors périmètre"
                } else {
                    m.objet.as_str()
                }
            ),
            "messages",
        ),
        moi: me.user.id,
        m,
    }
    .into_response())
}

/// The home block « Messages »: unread count and the latest received.
pub(crate) struct MessagesAccueil {
    pub non_lus: i64,
    pub derniers: Vec<Message>,
}

impl MessagesAccueil {
    /// « 3 messages non lus ».
    pub fn titre(&self) -> String {
        match self.non_lus {
            0 => "Aucun message non lu".into(),
            1 => "1 message non lu".into(),
            n => format!("{n} messages non lus"),
        }
    }
}

/// The home block of `me` (`None` for the roles without messages).
pub(crate) async fn messages_accueil(
    app: &App,
    me: &CurrentUser,
) -> WebResult<Option<MessagesAccueil>> {
    if SANS_MESSAGES.contains(&me.user.role) {
        return Ok(None);
    }
    let non_lus = app.store.messages_non_lus(&me.principal).await?;
    let derniers = if non_lus > 0 {
        let m = matrix(app).await?;
        app.store
            .messages(
                &me.principal,
                &m,
                Boite::Recus,
                dui_store::page::Page::first(5),
                Utc::now(),
            )
            .await?
            .into_iter()
            .filter(|m| m.non_lu)
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(MessagesAccueil { non_lus, derniers }))
}

pub use super::messages_nouveau::{form_envoi, page_nouveau};

/// The message pages.
pub fn routes() -> axum::Router<App> {
    use axum::routing::get;
    axum::Router::new()
        .route("/messages", get(page_liste).post(form_envoi))
        .route("/messages/nouveau", get(page_nouveau))
        .route("/messages/{id}", get(page_message))
}

/// The message API.
pub fn api_routes() -> axum::Router<App> {
    use axum::routing::get;
    axum::Router::new()
        .route("/messages", get(api_liste).post(api_envoi))
        .route("/messages/{id}", get(api_lire))
}
