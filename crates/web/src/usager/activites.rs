//! Activities (issue 13, COO-1), the API: `/api/v1/activites` (an établissement's
//! activities: list, create, read, change), their sessions and registrations, a session's
//! attendance taken for the whole group (`PUT /api/v1/seances/{id}/presences`, the body the
//! GET returns) and a person's participation history (`/api/v1/usagers/{id}/activites`).
//! The bodies' parsing is shared with the pages (`activites_pages`, `seance_page`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{NaiveDate, NaiveTime, Utc};
use dui_domain::activite::{dates_serie, jour_semaine, Modalite, TypeActivite};
use dui_domain::ids::UsagerId;
use dui_domain::policy::Action;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::{authorize_activites, CapaciteActivites};
use dui_store::usager::{Activite, ActiviteInput, NouvellesSeances};
use serde::{Deserialize, Serialize};

use super::sejours::jour;
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, ApiJson, Errors};
use crate::pagination::{self, Pagination};
use crate::reponses::expected_version;
use crate::{App, AppError, WebResult};

/// The authorization of the activities of `etablissement` for `action` (audited refusal).
pub(crate) async fn capacite(
    app: &App,
    me: &CurrentUser,
    etablissement: i64,
    action: Action,
) -> WebResult<CapaciteActivites> {
    let m = super::matrix(app).await?;
    Ok(authorize_activites(
        &app.store,
        &m,
        &me.principal,
        etablissement,
        action,
        Utc::now(),
    )
    .await?)
}

/// The capability on the établissement of activity `id` (404 if there is none).
pub(crate) async fn capacite_activite(
    app: &App,
    me: &CurrentUser,
    id: i64,
    action: Action,
) -> WebResult<CapaciteActivites> {
    let e = app.store.etablissement_activite(id).await?;
    capacite(app, me, e, action).await
}

/// The capability on the établissement of session `id` (404 if there is none).
pub(crate) async fn capacite_seance(
    app: &App,
    me: &CurrentUser,
    id: i64,
    action: Action,
) -> WebResult<CapaciteActivites> {
    let e = app.store.etablissement_seance(id).await?;
    capacite(app, me, e, action).await
}

/// An activity as sent (the body a GET returns is accepted back).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct ActiviteCorps {
    /// Établissement (creation only).
    #[serde(default)]
    pub etablissement_id: Option<i64>,
    /// The version read (a change; or `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    /// Unit (none: the whole établissement).
    #[serde(default)]
    pub unite_id: Option<i64>,
    /// Kind (code: atelier, therapie, sortie, sport, culture, scolarite, soutien, autre).
    #[serde(default)]
    pub type_activite: Option<String>,
    /// `individuelle` or `collective`.
    #[serde(default)]
    pub modalite: Option<String>,
    /// Title.
    #[serde(default)]
    pub titre: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Usual place.
    #[serde(default)]
    pub lieu: Option<String>,
    /// Places (none: no limit).
    #[serde(default)]
    pub capacite: Option<i64>,
    /// Start of validity, `AAAA-MM-JJ`.
    #[serde(default)]
    pub debut: Option<String>,
    /// End of validity, `AAAA-MM-JJ`.
    #[serde(default)]
    pub fin: Option<String>,
    /// Running (default true); false closes it.
    #[serde(default)]
    pub active: Option<bool>,
    /// The animators' accounts.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub animateurs: Option<Vec<i64>>,
}

impl crate::saisie::Champs for ActiviteCorps {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("type_activite", lim::CODE),
        Champ::ligne("modalite", lim::CODE),
        Champ::ligne("titre", lim::LIBELLE),
        Champ::texte("description", lim::COMMENTAIRE),
        Champ::ligne("lieu", lim::LIBELLE),
        Champ::ligne("debut", lim::DATE),
        Champ::ligne("fin", lim::DATE),
    ];
}

impl ActiviteCorps {
    /// The activity typed, or every refusal by field.
    pub(crate) fn valider(&self) -> WebResult<ActiviteInput> {
        let mut e = Errors::default();
        let t = opt(&self.type_activite);
        let type_activite = t.as_deref().and_then(TypeActivite::from_code);
        if type_activite.is_none() {
            e.add("type_activite", "Choisissez le type d'activité (atelier, therapie, sortie, sport, culture, scolarite, soutien ou autre).");
        }
        let modalite = match opt(&self.modalite) {
            None => Some(Modalite::Collective),
            Some(m) => Modalite::from_code(&m),
        };
        if modalite.is_none() {
            e.add(
                "modalite",
                "La modalité est « individuelle » ou « collective ».",
            );
        }
        let titre = opt(&self.titre);
        if titre.is_none() {
            e.add("titre", "Le titre de l'activité est obligatoire.");
        }
        let debut = jour(&mut e, "debut", "Le début de validité", &self.debut);
        if debut.is_none() && opt(&self.debut).is_none() {
            e.add("debut", "Le début de validité est obligatoire.");
        }
        let fin = jour(&mut e, "fin", "La fin de validité", &self.fin);
        if let Some(c) = self.capacite {
            if !(1..=10_000).contains(&c) {
                e.add(
                    "capacite",
                    "La capacité est un nombre de places de 1 à 10 000.",
                );
            }
        }
        if self.animateurs.as_ref().is_some_and(|a| a.len() > 20) {
            e.add("animateurs", "Une activité a au plus 20 animateurs.");
        }
        e.finish()?;
        match (type_activite, modalite, titre, debut) {
            (Some(type_activite), Some(modalite), Some(titre), Some(debut)) => Ok(ActiviteInput {
                unite_id: self.unite_id,
                type_activite,
                modalite,
                titre,
                description: opt(&self.description),
                lieu: opt(&self.lieu),
                capacite: self.capacite,
                debut,
                fin,
                active: self.active.unwrap_or(true),
                animateurs: self.animateurs.clone().unwrap_or_default(),
            }),
            _ => Err(AppError::BadRequest("Activité incomplète.".into())),
        }
    }
}

/// `?etablissement_id=&type=&actives=oui` of the list.
#[derive(Deserialize, Default)]
pub struct ActivitesQuery {
    #[serde(default)]
    etablissement_id: Option<String>,
    #[serde(default, rename = "type")]
    type_activite: Option<String>,
    #[serde(default)]
    actives: Option<String>,
    #[serde(flatten)]
    p: Pagination,
}

/// The établissement asked (default: the account's first).
pub(crate) fn etablissement(me: &CurrentUser, v: &Option<String>) -> WebResult<i64> {
    let mut e = Errors::default();
    let etab = crate::forms::opt_int(&mut e, "etablissement_id", "Établissement", v);
    e.finish()?;
    etab.or_else(|| me.principal.etablissements.first().copied())
        .ok_or_else(|| AppError::field("etablissement_id", "Choisissez l'établissement."))
}

/// A kind of activity asked in a query (`None`: every kind).
pub(crate) fn type_demande(v: &Option<String>) -> WebResult<Option<TypeActivite>> {
    match opt(v) {
        None => Ok(None),
        Some(c) => TypeActivite::from_code(&c)
            .map(Some)
            .ok_or_else(|| AppError::field("type", format!("Type d'activité inconnu : « {c} »."))),
    }
}

/// GET /api/v1/activites
pub async fn api_liste(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<ActivitesQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let etab = etablissement(&me, &q.etablissement_id)?;
    let t = type_demande(&q.type_activite)?;
    let page = q.p.page(&pagination::ACTIVITES)?;
    let cap = capacite(&app, &me, etab, Action::Lire).await?;
    let items = app
        .store
        .activites_page(&cap, t, q.actives.as_deref() == Some("oui"), page)
        .await?;
    Ok(pagination::repondre(page, items, |a| a.id))
}

/// POST /api/v1/activites → 201.
pub async fn api_creer(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(b): ApiJson<ActiviteCorps>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let a = b.valider()?;
    let etab = b.etablissement_id.ok_or_else(|| {
        AppError::field(
            "etablissement_id",
            "L'établissement de l'activité est obligatoire.",
        )
    })?;
    let cap = capacite(&app, &me, etab, Action::Ecrire).await?;
    let id = app.store.creer_activite(&cap, &a).await?;
    Ok((StatusCode::CREATED, Json(Cree { id, version: 1 })))
}

/// GET /api/v1/activites/{id}
pub async fn api_get(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Json<Activite>> {
    let cap = capacite_activite(&app, &me, id, Action::Lire).await?;
    Ok(Json(app.store.activite(&cap, id).await?))
}

/// PUT /api/v1/activites/{id}
pub async fn api_modifier(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<ActiviteCorps>,
) -> WebResult<Json<Cree>> {
    let a = b.valider()?;
    let version = expected_version(&headers, b.version)?;
    let cap = capacite_activite(&app, &me, id, Action::Ecrire).await?;
    let version = app.store.modifier_activite(&cap, id, version, &a).await?;
    Ok(Json(Cree { id, version }))
}

/// Sessions to create: one day (`jour`), or a series (`jusqu_au` with `jours` of the week,
/// every `intervalle` weeks).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct SeancesCorps {
    /// The (first) day, `AAAA-MM-JJ`.
    #[serde(default)]
    pub jour: Option<String>,
    /// Start, `HH:MM` (Paris).
    #[serde(default)]
    pub heure_debut: Option<String>,
    /// End, `HH:MM` (Paris).
    #[serde(default)]
    pub heure_fin: Option<String>,
    /// Place (none: the activity's).
    #[serde(default)]
    pub lieu: Option<String>,
    /// Last day of a series, `AAAA-MM-JJ` (none: one session).
    #[serde(default)]
    pub jusqu_au: Option<String>,
    /// The series' days of the week (`lun`…`dim`; default: the first day's).
    #[serde(default)]
    #[schema(max_items = 7)]
    pub jours: Option<Vec<String>>,
    /// One week in `intervalle` (1 to 4; default 1).
    #[serde(default)]
    pub intervalle: Option<u32>,
    /// Animators when they differ from the activity's.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub animateurs: Option<Vec<i64>>,
}

impl crate::saisie::Champs for SeancesCorps {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("jour", lim::DATE),
        Champ::ligne("heure_debut", 5),
        Champ::ligne("heure_fin", 5),
        Champ::ligne("lieu", lim::LIBELLE),
        Champ::ligne("jusqu_au", lim::DATE),
        Champ::ligne("jours", 3),
    ];
}

fn heure(e: &mut Errors, champ: &str, label: &str, v: &Option<String>) -> Option<NaiveTime> {
    let Some(s) = opt(v) else {
        e.add(champ, format!("{label} est obligatoire (HH:MM)."));
        return None;
    };
    let t = NaiveTime::parse_from_str(&s, "%H:%M").ok();
    if t.is_none() {
        e.add(champ, format!("{label} doit être une heure (HH:MM)."));
    }
    t
}

impl SeancesCorps {
    /// The sessions typed, or every refusal by field.
    pub(crate) fn valider(&self) -> WebResult<NouvellesSeances> {
        let mut e = Errors::default();
        let premier = jour(&mut e, "jour", "Le jour", &self.jour);
        if premier.is_none() && opt(&self.jour).is_none() {
            e.add("jour", "Le jour de la séance est obligatoire.");
        }
        let debut = heure(&mut e, "heure_debut", "L'heure de début", &self.heure_debut);
        let fin = heure(&mut e, "heure_fin", "L'heure de fin", &self.heure_fin);
        let jusqu_au = jour(&mut e, "jusqu_au", "La fin de la série", &self.jusqu_au);
        let mut semaine = Vec::new();
        for j in self.jours.iter().flatten() {
            match jour_semaine(j) {
                Some(w) => semaine.push(w),
                None => e.add("jours", format!("Jour de la semaine inconnu : « {j} ».")),
            }
        }
        e.finish()?;
        let (Some(premier), Some(heure_debut), Some(heure_fin)) = (premier, debut, fin) else {
            return Err(AppError::BadRequest("Séance incomplète.".into()));
        };
        let jours = match jusqu_au {
            None => vec![premier],
            Some(dernier) => {
                if semaine.is_empty() {
                    semaine.push(chrono::Datelike::weekday(&premier));
                }
                dates_serie(premier, dernier, &semaine, self.intervalle.unwrap_or(1))
                    .map_err(|m| AppError::field("jusqu_au", m))?
            }
        };
        Ok(NouvellesSeances {
            jours,
            heure_debut,
            heure_fin,
            lieu: opt(&self.lieu),
            animateurs: self.animateurs.clone().unwrap_or_default(),
        })
    }
}

/// The ids of the sessions created.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SeancesCreees {
    /// Their ids, by day.
    pub ids: Vec<i64>,
}

/// `?depuis=` of the sessions (`AAAA-MM-JJ`).
#[derive(Deserialize, Default)]
pub struct SeancesQuery {
    #[serde(default)]
    depuis: Option<String>,
    #[serde(flatten)]
    p: Pagination,
}

/// GET /api/v1/activites/{id}/seances
pub async fn api_seances(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<SeancesQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let mut e = Errors::default();
    let depuis = jour(&mut e, "depuis", "Le début", &q.depuis);
    e.finish()?;
    let page = q.p.page(&pagination::SEANCES)?;
    let cap = capacite_activite(&app, &me, id, Action::Lire).await?;
    let items = app.store.seances_page(&cap, id, depuis, page).await?;
    Ok(pagination::repondre(page, items, |s| s.id))
}

/// POST /api/v1/activites/{id}/seances → 201.
pub async fn api_creer_seances(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<SeancesCorps>,
) -> WebResult<(StatusCode, Json<SeancesCreees>)> {
    let n = b.valider()?;
    let cap = capacite_activite(&app, &me, id, Action::Ecrire).await?;
    let ids = app.store.creer_seances(&cap, id, &n).await?;
    Ok((StatusCode::CREATED, Json(SeancesCreees { ids })))
}

/// A registration as sent: the person (creation), its dates, the version read (a change).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct InscriptionCorps {
    /// The person's file (creation).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub usager_id: Option<UsagerId>,
    /// From, `AAAA-MM-JJ` (default: today).
    #[serde(default)]
    pub debut: Option<String>,
    /// Until, `AAAA-MM-JJ` (none: open).
    #[serde(default)]
    pub fin: Option<String>,
    /// The version read (a change; or `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
}

impl crate::saisie::Champs for InscriptionCorps {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("debut", lim::DATE),
        Champ::ligne("fin", lim::DATE),
    ];
}

impl InscriptionCorps {
    /// The dates typed (start default: today in Paris).
    pub(crate) fn dates(&self) -> WebResult<(NaiveDate, Option<NaiveDate>)> {
        let mut e = Errors::default();
        let debut = jour(&mut e, "debut", "Le début de l'inscription", &self.debut);
        let fin = jour(&mut e, "fin", "La fin de l'inscription", &self.fin);
        e.finish()?;
        Ok((
            debut.unwrap_or_else(|| crate::time::paris_today(Utc::now())),
            fin,
        ))
    }
}

/// GET /api/v1/activites/{id}/inscriptions
pub async fn api_inscriptions(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(p): Query<Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    let cap = capacite_activite(&app, &me, id, Action::Lire).await?;
    let items = app.store.inscriptions(&cap, id).await?;
    pagination::en_memoire(&p, &pagination::INSCRIPTIONS, items)
}

/// POST /api/v1/activites/{id}/inscriptions → 201.
pub async fn api_inscrire(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<InscriptionCorps>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let (debut, fin) = b.dates()?;
    let usager = b
        .usager_id
        .ok_or_else(|| AppError::field("usager_id", "La personne à inscrire est obligatoire."))?;
    let cap = capacite_activite(&app, &me, id, Action::Ecrire).await?;
    let iid = app.store.inscrire(&cap, id, usager, debut, fin).await?;
    Ok((
        StatusCode::CREATED,
        Json(Cree {
            id: iid,
            version: 1,
        }),
    ))
}

/// POST /api/v1/activites/{id}/inscriptions/{iid}: change the dates (end it).
pub async fn api_modifier_inscription(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, iid)): Path<(i64, i64)>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<InscriptionCorps>,
) -> WebResult<Json<Cree>> {
    let (debut, fin) = b.dates()?;
    let version = expected_version(&headers, b.version)?;
    let cap = capacite_activite(&app, &me, id, Action::Ecrire).await?;
    let version = app
        .store
        .modifier_inscription(&cap, iid, version, debut, fin)
        .await?;
    Ok(Json(Cree { id: iid, version }))
}

pub use super::activites_presences::*;
