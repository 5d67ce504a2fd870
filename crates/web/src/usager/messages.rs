//! Information sent to professionals (issue 13, COO-3/4): the pages `/messages` (received
//! and sent, the unread ones marked), `/messages/{id}` (read: the mark is cleared),
//! `/messages/nouveau` (recipients chosen by name, the team of the person proposed first
//! when written from a file, optionally an agenda entry for the recipients), the home block
//! and the API `/api/v1/messages`. A message about a person is shown to a reader only while
//! they may read that file's support section (the store decides it at reading time).

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveTime, Utc};
use dui_domain::agenda::{TypeParticipant, TypeRendezVous};
use dui_domain::agenda_recurrence::instant_paris;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::admin::annuaire::CompteNomme;
use dui_store::usager::{
    Boite, EvenementInput, Message, MessageInput, ParticipantInput, DESTINATAIRES_MAX,
    HORS_PERIMETRE,
};
use serde::{Deserialize, Serialize};

use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::corps::Ecrite;
use crate::forms::{opt, ApiJson, Errors};
use crate::formulaire::ErreursFormulaire;
use crate::pagination::{self, Pagination};
use crate::reponses::confirme;
use crate::time::fr_datetime;
use crate::{App, AppError, Fait, Layout, WebResult};

/// Roles that neither send nor receive messages (no person data for the administrator; the
/// liaison book for persons, relatives and partners).
const SANS_MESSAGES: [Role; 4] = [
    Role::Administrateur,
    Role::Usager,
    Role::Proche,
    Role::Partenaire,
];

fn exiger_messagerie(me: &CurrentUser) -> WebResult<()> {
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
    destinataires: Vec<i64>,
    /// The file it is about, if any.
    usager_id: Option<i64>,
    objet: Option<String>,
    texte: Option<String>,
    /// An agenda entry for the recipients: its day (AAAA-MM-JJ or JJ/MM/AAAA)…
    rdv_jour: Option<String>,
    /// …start and end (HH:MM, Paris time).
    rdv_debut: Option<String>,
    rdv_fin: Option<String>,
    /// The établissement whose agenda holds it (the person's, else the sender's first).
    etablissement_id: Option<i64>,
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
const CHAMPS_FORM: [&str; 6] = [
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
async fn envoyer(app: &App, me: &CurrentUser, f: &MessageFields) -> WebResult<i64> {
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
            .map(|u| ParticipantInput {
                type_participant: TypeParticipant::Professionnel,
                utilisateur_id: Some(*u),
                usager_id: None,
                nom: None,
            })
            .collect();
        if let Some(u) = f.usager_id {
            participants.push(ParticipantInput {
                type_participant: TypeParticipant::Usager,
                utilisateur_id: None,
                usager_id: Some(u),
                nom: None,
            });
        }
        let e = EvenementInput {
            type_rdv: TypeRendezVous::Information,
            objet: input.objet.clone(),
            description: Some(input.texte.clone()),
            debut,
            fin,
            lieu: None,
            etablissement_id,
            ressource_id: None,
            rrule: None,
            psychologie: false,
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
    match q.boite.as_deref().unwrap_or("recus") {
        "recus" | "" => Ok(Boite::Recus),
        "envoyes" => Ok(Boite::Envoyes),
        _ => Err(AppError::field(
            "boite",
            "La boîte est « recus » ou « envoyes ».",
        )),
    }
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

/// Shared display helpers of the message pages.
trait Affichage {
    fn quand(&self, t: &str) -> String {
        fr_datetime(t)
    }
    fn hors_perimetre(&self) -> &'static str {
        HORS_PERIMETRE
    }
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
impl Affichage for ListePage {}

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
impl Affichage for MessagePage {}

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

/// `?usager=&q=` of the new message's page.
#[derive(Deserialize, Default)]
pub struct NouveauQuery {
    usager: Option<i64>,
    q: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "messages/nouveau.html")]
struct NouveauPage {
    layout: Layout,
    /// The person it is about: (id, name).
    usager: Option<(i64, String)>,
    /// The person's team (current members), proposed first.
    equipe: Vec<CompteNomme>,
    /// Other professionals (of the person's établissements, else the sender's).
    autres: Vec<CompteNomme>,
    recherche: String,
    etablissement_id: Option<i64>,
    f: MessageFields,
    erreurs: ErreursFormulaire,
}

impl NouveauPage {
    fn coche(&self, id: &i64) -> bool {
        self.f.destinataires.contains(id)
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

async fn rendre_nouveau(
    app: &App,
    me: &CurrentUser,
    usager: Option<i64>,
    q: &str,
    f: MessageFields,
    erreurs: ErreursFormulaire,
) -> WebResult<NouveauPage> {
    exiger_messagerie(me)?;
    let mut etabs = me.user.etablissements.clone();
    let mut equipe = Vec::new();
    let mut personne = None;
    let mut etablissement_id = None;
    if let Some(u) = usager {
        let cap = capability(
            app,
            me,
            UsagerId::from(u),
            Section::Administratif,
            Action::Lire,
        )
        .await?;
        let membres = app.store.equipe_du_dossier(&cap).await?;
        let ids: Vec<i64> = membres
            .iter()
            .filter(|m| m.en_cours() && m.utilisateur_id != me.user.id)
            .map(|m| m.utilisateur_id)
            .collect();
        let noms = app.store.comptes_nommes(&ids).await?;
        equipe = ids.iter().filter_map(|i| noms.get(i).cloned()).collect();
        let (nom, sejours) = app.store.nom_et_etablissements(&cap).await?;
        if !sejours.is_empty() {
            etablissement_id = sejours.first().copied();
            etabs = sejours;
        }
        personne = Some((u, nom));
    }
    etabs.sort_unstable();
    etabs.dedup();
    let autres = app
        .store
        .comptes_des_etablissements(q, &etabs, &[], 60)
        .await?
        .into_iter()
        .filter(|c| {
            c.id != me.user.id
                && !equipe.iter().any(|e| e.id == c.id)
                && !SANS_MESSAGES.contains(&c.role)
        })
        .collect();
    Ok(NouveauPage {
        layout: Layout::new(me, "Envoyer une information à un professionnel", "messages"),
        usager: personne,
        equipe,
        autres,
        recherche: q.to_string(),
        etablissement_id: etablissement_id.or_else(|| me.user.etablissements.first().copied()),
        f,
        erreurs,
    })
}

/// GET /messages/nouveau
pub async fn page_nouveau(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<NouveauQuery>,
) -> WebResult<Response> {
    let recherche = q.q.unwrap_or_default();
    if recherche.chars().count() > lim::RECHERCHE {
        return Err(AppError::field("q", "La recherche est trop longue."));
    }
    let f = MessageFields {
        usager_id: q.usager,
        ..MessageFields::default()
    };
    Ok(rendre_nouveau(
        &app,
        &me,
        q.usager,
        recherche.trim(),
        f,
        ErreursFormulaire::default(),
    )
    .await?
    .into_response())
}

/// The form's fields from its pairs (the recipients are repeated `destinataires` keys).
fn depuis_paires(paires: &[(String, String)]) -> MessageFields {
    let mut f = MessageFields::default();
    for (k, v) in paires {
        let v = v.clone();
        match k.as_str() {
            "destinataires" => {
                if let Ok(i) = v.trim().parse() {
                    f.destinataires.push(i);
                }
            }
            "usager_id" => f.usager_id = v.trim().parse().ok(),
            "etablissement_id" => f.etablissement_id = v.trim().parse().ok(),
            "objet" => f.objet = Some(v),
            "texte" => f.texte = Some(v),
            "rdv_jour" => f.rdv_jour = Some(v),
            "rdv_debut" => f.rdv_debut = Some(v),
            "rdv_fin" => f.rdv_fin = Some(v),
            _ => {}
        }
    }
    f
}

/// POST /messages: sends the message; refusals in place, success confirmed on the list.
pub async fn form_envoi(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult<Response> {
    let est_formulaire = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !est_formulaire {
        return Err(AppError::UnsupportedMedia(
            "Le formulaire doit être envoyé en application/x-www-form-urlencoded.".into(),
        ));
    }
    let paires: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::BadRequest("Le formulaire est illisible.".into()))?;
    crate::saisie::verifier_paires(
        &paires,
        <MessageFields as crate::saisie::Champs>::CHAMPS,
        false,
    )?;
    let f = depuis_paires(&paires);
    match envoyer(&app, &me, &f).await {
        Ok(_) => Ok(confirme(
            &headers,
            "/messages?boite=envoyes",
            Fait::MessageEnvoye,
        )),
        Err(e) => {
            let (status, erreurs) = ErreursFormulaire::depuis(e, &CHAMPS_FORM)?;
            let usager = f.usager_id;
            let page = rendre_nouveau(&app, &me, usager, "", f, erreurs).await?;
            Ok((status, page).into_response())
        }
    }
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
    /// The withheld subject's text.
    pub fn hors_perimetre(&self) -> &'static str {
        HORS_PERIMETRE
    }
    /// A date as shown.
    pub fn quand(&self, t: &str) -> String {
        fr_datetime(t)
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
