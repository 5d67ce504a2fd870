//! "Mon compte": password change and TOTP second factor.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::admin::utilisateur::{check_password_strength, hash_password, verify_password};
use serde::Deserialize;
use totp_rs::{Algorithm, Secret, TOTP};

use super::CurrentUser;
use crate::forms::Form;
use crate::{App, AppError, Layout, WebResult};

fn totp_for(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("DUI".to_string()),
        account.to_string(),
    )
    .ok()
}

/// Checks a 6-digit code (one step of clock drift allowed).
pub fn totp_ok(secret_b32: &str, account: &str, code: &str, now: DateTime<Utc>) -> bool {
    totp_step(secret_b32, account, code, now).is_some()
}

/// The 30-second step whose code `code` is (the current one, or one either side for clock
/// drift), if any: the store keeps the last one used so that a code serves once.
pub fn totp_step(secret_b32: &str, account: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp_for(secret_b32, account)?;
    let t = now.timestamp().max(0) as u64;
    [t, t.saturating_sub(totp.step), t + totp.step]
        .into_iter()
        .find(|at| totp.generate(*at) == code)
        .map(|at| (at / totp.step) as i64)
}

/// The current code of a secret (tests and the enrolment check).
pub fn totp_code(secret_b32: &str, account: &str, now: DateTime<Utc>) -> Option<String> {
    totp_for(secret_b32, account).map(|t| t.generate(now.timestamp().max(0) as u64))
}

#[derive(Template, WebTemplate)]
#[template(path = "compte/index.html")]
struct ComptePage {
    layout: Layout,
    me: CurrentUser,
    etablissements: Vec<String>,
    totp_obligatoire: bool,
}

/// GET /compte
pub async fn page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?
        .into_iter()
        .map(|e| e.fields.nom)
        .collect();
    let totp_obligatoire = app
        .store
        .totp_required_roles()
        .await?
        .contains(&me.user.role);
    Ok(ComptePage {
        layout: Layout::new(&me, "Mon compte", "compte"),
        me,
        etablissements,
        totp_obligatoire,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "compte/mot_de_passe.html")]
struct PasswordPage {
    layout: Layout,
    force: bool,
    erreurs: Vec<(String, String)>,
}

/// GET /compte/mot-de-passe
pub async fn password_page(me: CurrentUser) -> impl IntoResponse {
    let force = me.user.doit_changer_mdp;
    PasswordPage {
        layout: Layout::new(&me, "Changer mon mot de passe", "compte"),
        force,
        erreurs: vec![],
    }
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    actuel: String,
    nouveau: String,
    confirmation: String,
}

impl crate::saisie::Champs for PasswordForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("actuel", lim::MOT_DE_PASSE),
        Champ::ligne("nouveau", lim::MOT_DE_PASSE),
        Champ::ligne("confirmation", lim::MOT_DE_PASSE),
    ];
}

/// POST /compte/mot-de-passe
pub async fn password_submit(
    State(app): State<App>,
    me: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> WebResult<Response> {
    let mut erreurs = Vec::new();
    let creds = app
        .store
        .credentials_by_id(me.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (actuel, hash) = (f.actuel.clone(), creds.password_hash.clone());
    let ok = app
        .passwords
        .check(move || verify_password(&actuel, &hash))
        .await
        .map_err(|_| AppError::Upstream(crate::passwords::BUSY.into()))?
        .unwrap_or(false);
    if !ok {
        erreurs.push((
            "actuel".into(),
            "Le mot de passe actuel est incorrect.".into(),
        ));
    }
    if let Err(m) = check_password_strength(&f.nouveau) {
        erreurs.push(("nouveau".into(), m));
    } else if f.nouveau == f.actuel {
        erreurs.push((
            "nouveau".into(),
            "Le nouveau mot de passe doit être différent de l'actuel.".into(),
        ));
    }
    if f.nouveau != f.confirmation {
        erreurs.push((
            "confirmation".into(),
            "La confirmation ne correspond pas au nouveau mot de passe.".into(),
        ));
    }
    if !erreurs.is_empty() {
        let force = me.user.doit_changer_mdp;
        let page = PasswordPage {
            layout: Layout::new(&me, "Changer mon mot de passe", "compte"),
            force,
            erreurs,
        };
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let nouveau = f.nouveau.clone();
    let hash = app
        .passwords
        .check(move || hash_password(&nouveau))
        .await
        .map_err(|_| AppError::Upstream(crate::passwords::BUSY.into()))?
        .ok_or_else(|| AppError::Internal("calcul du mot de passe interrompu".into()))??;
    app.store
        .set_password(&me.principal.actor(), me.user.id, &hash, false, Utc::now())
        .await?;
    // Another device that knew the old password loses its session.
    app.store
        .end_other_sessions(me.user.id, &me.token_hash)
        .await?;
    Ok(Redirect::to("/compte?fait=mot-de-passe").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "compte/totp.html")]
struct TotpPage {
    layout: Layout,
    actif: bool,
    obligatoire: bool,
    secret: String,
    url: String,
    erreur: Option<String>,
}

/// GET /compte/totp: shows a fresh secret to enrol, or the disable form.
pub async fn totp_page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    let obligatoire = app
        .store
        .totp_required_roles()
        .await?
        .contains(&me.user.role);
    Ok(totp_view(&me, obligatoire, None))
}

fn totp_view(me: &CurrentUser, obligatoire: bool, erreur: Option<String>) -> TotpPage {
    let secret = match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => String::new(),
    };
    let url = totp_for(&secret, &me.user.username)
        .map(|t| t.get_url())
        .unwrap_or_default();
    TotpPage {
        layout: Layout::new(me, "Double authentification", "compte"),
        actif: me.user.totp_actif,
        obligatoire,
        secret,
        url,
        erreur,
    }
}

/// The TOTP form: enrol (`secret` + `code`) or disable (`desactiver` + `code`).
#[derive(Deserialize)]
pub struct TotpForm {
    secret: Option<String>,
    code: String,
    desactiver: Option<String>,
}

impl crate::saisie::Champs for TotpForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("secret", lim::CODE_TOTP),
        Champ::ligne("code", lim::CODE_TOTP),
        Champ::ligne("desactiver", lim::CODE),
    ];
}

/// POST /compte/totp
pub async fn totp_submit(
    State(app): State<App>,
    me: CurrentUser,
    Form(f): Form<TotpForm>,
) -> WebResult<Response> {
    let now = Utc::now();
    let obligatoire = app
        .store
        .totp_required_roles()
        .await?
        .contains(&me.user.role);
    let bad = |m: &str| {
        (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            totp_view(&me, obligatoire, Some(m.to_string())),
        )
            .into_response()
    };
    if f.desactiver.is_some() {
        if obligatoire {
            return Ok(bad(
                "Votre profil impose la double authentification : elle ne peut être désactivée.",
            ));
        }
        let creds = app
            .store
            .credentials_by_id(me.user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let ok = creds
            .totp_secret
            .as_deref()
            .is_some_and(|s| totp_ok(s, &me.user.username, &f.code, now));
        if !ok {
            return Ok(bad("Le code saisi est incorrect."));
        }
        app.store
            .set_totp(&me.principal.actor(), me.user.id, None, now)
            .await?;
        return Ok(Redirect::to("/compte?fait=totp-desactive").into_response());
    }
    let secret = f.secret.unwrap_or_default();
    let step = (secret.len() >= 16)
        .then(|| totp_step(&secret, &me.user.username, &f.code, now))
        .flatten();
    let Some(step) = step else {
        return Ok(bad("Le code saisi ne correspond pas : vérifiez l'heure de votre téléphone et recommencez avec ce nouveau secret."));
    };
    app.store
        .set_totp(&me.principal.actor(), me.user.id, Some(&secret), now)
        .await?;
    // The code typed to enrol cannot then open a session.
    app.store.use_totp_step(me.user.id, step).await?;
    Ok(Redirect::to("/compte?fait=totp-active").into_response())
}
