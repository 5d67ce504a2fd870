//! The global audit journal (technical view for administrators, every field for the
//! direction), chain verification, break-the-glass report.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use chrono::{Duration, Utc};
use dui_domain::policy::Role;
use dui_store::audit::{Entry, Filter, Lecteur, Verification};
use dui_store::policy::AccesExceptionnel;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::time::DatesFr as _;
use crate::time::{fr_datetime_secs, paris_day_start};
use crate::{App, Layout, WebResult};

/// Audit search criteria (query string).
#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    utilisateur: Option<String>,
    action: Option<String>,
    usager: Option<String>,
    resultat: Option<String>,
    du: Option<String>,
    au: Option<String>,
    avant: Option<i64>,
    verifier: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

impl AuditQuery {
    fn filter(&self) -> Filter {
        let clean = |s: &Option<String>| {
            s.as_ref()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Filter {
            username: clean(&self.utilisateur).map(|u| u.to_lowercase()),
            action: clean(&self.action),
            usager_id: clean(&self.usager).and_then(|u| dui_store::usager::parse_numero(&u)),
            outcome: clean(&self.resultat),
            from: clean(&self.du).and_then(|d| paris_day_start(&d)),
            to: clean(&self.au).and_then(|d| {
                let next = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .ok()?
                    .succ_opt()?;
                paris_day_start(&next.to_string())
            }),
            before_id: self
                .avant
                .or_else(|| self.cursor.as_ref().and_then(|c| c.parse().ok())),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    q: AuditQuery,
    entries: Vec<Entry>,
    verification: Option<Verification>,
    next: Option<i64>,
    /// Person data shown (direction); the administrator gets the technical view.
    complet: bool,
}

impl AuditPage {
    fn libelle(&self, action: &str) -> std::borrow::Cow<'static, str> {
        dui_domain::journal::ActionJournal::libelle(action)
    }
    fn quand(&self, s: &str) -> String {
        fr_datetime_secs(s)
    }
    fn val<'a>(&self, s: &'a Option<String>) -> &'a str {
        s.as_deref().unwrap_or("")
    }
    fn next_link(&self, avant: &i64) -> String {
        let mut q = self.q.clone();
        q.avant = Some(*avant);
        q.cursor = None;
        serde_urlencoded::to_string([
            ("utilisateur", self.val(&q.utilisateur)),
            ("action", self.val(&q.action)),
            ("usager", self.val(&q.usager)),
            ("resultat", self.val(&q.resultat)),
            ("du", self.val(&q.du)),
            ("au", self.val(&q.au)),
            ("avant", &avant.to_string()),
        ])
        .unwrap_or_default()
    }
}

/// The journal as `me` may read it: the administrator gets the technical view and may not
/// filter on a person's file (it would tell who opened it); the direction sees every field
/// of the entries of its établissements' accounts.
async fn journal(app: &App, me: &CurrentUser, q: &AuditQuery, limit: i64) -> WebResult<Vec<Entry>> {
    me.require_direction()?;
    let f = q.filter();
    let lecteur = if me.user.role == Role::Administrateur {
        if q.usager.as_deref().is_some_and(|u| !u.trim().is_empty()) {
            return Err(AppError::Forbidden(
                "Le filtre par dossier est réservé à la direction : le journal technique de l'administrateur ne montre pas quels dossiers ont été consultés.".into(),
            ));
        }
        Lecteur::Administrateur
    } else {
        Lecteur::Direction(&me.user.etablissements)
    };
    Ok(app.store.audit_journal(lecteur, &f, limit).await?)
}

/// GET /admin/audit
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> WebResult<impl IntoResponse> {
    let limit = 100;
    let entries = journal(&app, &me, &q, limit).await?;
    let next = (entries.len() as i64 == limit)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    // Walking the whole chain takes time on a large journal: done on request.
    let verification = if q.verifier.is_some() {
        Some(app.store.audit_verify().await?)
    } else {
        None
    };
    Ok(AuditPage {
        layout: Layout::new(&me, "Journal d'audit", "audit"),
        q,
        entries,
        verification,
        next,
        complet: me.user.role != Role::Administrateur,
    })
}

/// GET /api/v1/audit
pub async fn api_recherche(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let limit = crate::pagination::limit(q.limit.as_deref(), &crate::pagination::AUDIT)?;
    if q.cursor
        .as_deref()
        .is_some_and(|c| c.trim().parse::<i64>().is_err())
    {
        return Err(crate::pagination::bad_cursor());
    }
    let items = journal(&app, &me, &q, limit + 1).await?;
    let page = dui_store::page::Page::first(limit);
    Ok(crate::pagination::repondre(page, items, |e| e.id))
}

/// GET /api/v1/audit/verification
pub async fn api_verify(State(app): State<App>, me: CurrentUser) -> WebResult<Json<Verification>> {
    me.require_admin()?;
    let mut v = app.store.audit_verify().await?;
    // Successive heads would let one test guesses of the hidden fields of the last entries
    // (a search's text): the head stays with `dui audit verify` and the anchor.
    v.head = None;
    Ok(Json(v))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/acces_exceptionnels.html")]
struct AccesExceptionnelPage {
    layout: Layout,
    acces: Vec<AccesExceptionnel>,
}

async fn acces_exceptionnels_visibles(
    app: &App,
    me: &CurrentUser,
    page: dui_store::page::Page,
) -> WebResult<Vec<AccesExceptionnel>> {
    me.require_direction()?;
    let since = Utc::now() - Duration::days(90);
    let only = if me.user.role == Role::Administrateur {
        None
    } else {
        Some(me.user.etablissements.as_slice())
    };
    let acces = app
        .store
        .acces_exceptionnel_page(only, None, since, page)
        .await?;
    // The administrator reads no one's file: who and when, not whose file nor why.
    Ok(if only.is_none() {
        acces
            .into_iter()
            .map(AccesExceptionnel::vue_technique)
            .collect()
    } else {
        acces
    })
}

/// GET /acces-exceptionnels: the direction sees every break-the-glass access of its
/// établissements over 90 days.
pub async fn acces_exceptionnel_page(
    State(app): State<App>,
    me: CurrentUser,
) -> WebResult<impl IntoResponse> {
    let page = dui_store::page::Page::first(500);
    let acces = page
        .split(acces_exceptionnels_visibles(&app, &me, page).await?, |a| {
            a.id
        })
        .0;
    Ok(AccesExceptionnelPage {
        layout: Layout::new(&me, "Accès exceptionnels", "acces"),
        acces,
    })
}

/// GET /api/v1/acces-exceptionnels
pub async fn api_acces_exceptionnel(
    State(app): State<App>,
    me: CurrentUser,
    Query(p): Query<crate::pagination::Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    let page = p.page(&crate::pagination::ACCES_EXCEPTIONNELS)?;
    let acces = acces_exceptionnels_visibles(&app, &me, page).await?;
    Ok(crate::pagination::repondre(page, acces, |a| a.id))
}
