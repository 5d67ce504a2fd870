//! Accounts administration: pages and API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use chrono::Utc;
use dui_domain::identifiers::IdentifiantProfessionnel;
use dui_domain::policy::Role;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::admin::organisation::Etablissement;
use dui_store::admin::utilisateur::{
    check_password_strength, hash_password, Utilisateur, UtilisateurInput,
};
use serde::Deserialize;

use super::expected_version;
use crate::auth::CurrentUser;
use crate::forms::{opt, ApiJson, Errors, Form};
use crate::saisie::Champs;
use crate::{App, AppError, ErreursFormulaire, Fait, Formulaire, Layout, WebResult};

/// Account fields as typed. `etablissements` is a list in JSON; forms send repeated
/// `etablissements` fields, collected by [`parse_form`].
#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
pub struct UtilisateurFields {
    #[serde(default)]
    username: String,
    nom: String,
    prenom: String,
    email: Option<String>,
    role: String,
    identifiant_pro: Option<String>,
    #[serde(default)]
    etablissements: Vec<i64>,
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    actif: Option<String>,
    usager_id: Option<i64>,
    password: Option<String>,
    version: Option<i64>,
}

impl crate::saisie::Champs for UtilisateurFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("username", lim::IDENTIFIANT),
        Champ::ligne("nom", lim::NOM_PERSONNE),
        Champ::ligne("prenom", lim::NOM_PERSONNE),
        Champ::ligne("email", lim::EMAIL),
        Champ::ligne("role", lim::CODE),
        Champ::ligne("identifiant_pro", lim::NUMERO),
        Champ::ligne("etablissements", 20),
        Champ::ligne("actif", lim::CODE),
        Champ::ligne("usager_id", 20),
        Champ::ligne("password", lim::MOT_DE_PASSE),
        Champ::ligne("version", 20),
    ];
}

impl UtilisateurFields {
    fn validate(&self, creating: bool) -> Result<UtilisateurInput, AppError> {
        let mut e = Errors::default();
        let username = self.username.trim().to_lowercase();
        if creating
            && (username.len() < 2
                || username.len() > 64
                || !username
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)))
        {
            e.add("username", "L'identifiant doit faire 2 à 64 caractères : lettres sans accent, chiffres, point, tiret ou souligné.");
        }
        let nom = e.required("nom", "Nom", &self.nom, 100);
        let prenom = e.required("prenom", "Prénom", &self.prenom, 100);
        let email = opt(&self.email);
        if email
            .as_ref()
            .is_some_and(|m| !m.contains('@') || m.len() > 200)
        {
            e.add("email", "L'adresse électronique n'est pas valide.");
        }
        let role = Role::from_code(self.role.trim());
        if role.is_none() {
            e.add("role", "Choisissez un profil dans la liste.");
        }
        let identifiant_pro = e.parsed_opt(
            "identifiant_pro",
            &self.identifiant_pro,
            IdentifiantProfessionnel::parse,
        );
        if role == Some(Role::Usager) && self.usager_id.is_none() {
            e.add(
                "usager_id",
                "Un compte « usager » doit être rattaché au dossier de cet usager.",
            );
        }
        if creating {
            match self.password.as_deref() {
                None | Some("") => e.add("password", "Le mot de passe initial est obligatoire."),
                Some(p) => {
                    if let Err(m) = check_password_strength(p) {
                        e.add("password", m);
                    }
                }
            }
        }
        e.finish()?;
        Ok(UtilisateurInput {
            username,
            nom,
            prenom,
            email,
            role: role.unwrap_or(Role::Usager),
            identifiant_pro,
            actif: !matches!(self.actif.as_deref(), Some("non" | "false" | "0")),
            etablissements: self.etablissements.clone(),
            usager_id: self.usager_id,
        })
    }
}

/// Parses an urlencoded form with repeated `etablissements` fields.
fn parse_form(body: &str) -> Result<UtilisateurFields, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body)
        .map_err(|_| AppError::BadRequest("Le formulaire est illisible.".into()))?;
    crate::saisie::verifier_paires(&pairs, UtilisateurFields::CHAMPS, false)?;
    let mut f = UtilisateurFields::default();
    for (k, v) in pairs {
        match k.as_str() {
            "username" => f.username = v,
            "nom" => f.nom = v,
            "prenom" => f.prenom = v,
            "email" => f.email = Some(v),
            "role" => f.role = v,
            "identifiant_pro" => f.identifiant_pro = Some(v),
            "etablissements" => f.etablissements.extend(v.parse::<i64>().ok()),
            "actif" => f.actif = Some(v),
            "usager_id" => f.usager_id = v.trim().parse().ok(),
            "password" => f.password = Some(v),
            "version" => f.version = v.parse().ok(),
            _ => {}
        }
    }
    Ok(f)
}

async fn check_etablissements(app: &App, ids: &[i64]) -> Result<(), AppError> {
    let all = app.store.etablissements(None).await?;
    if let Some(bad) = ids.iter().find(|id| !all.iter().any(|e| e.id == **id)) {
        return Err(AppError::field(
            "etablissements",
            format!("L'établissement n° {bad} n'existe pas."),
        ));
    }
    Ok(())
}

async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::from)
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/utilisateurs.html")]
struct ListPage {
    layout: Layout,
    utilisateurs: Vec<Utilisateur>,
    etablissements: Vec<Etablissement>,
}

impl ListPage {
    fn etabs(&self, ids: &[i64]) -> String {
        let names: Vec<&str> = self
            .etablissements
            .iter()
            .filter(|e| ids.contains(&e.id))
            .map(|e| e.nom.as_str())
            .collect();
        if names.is_empty() {
            "—".into()
        } else {
            names.join(", ")
        }
    }
}

/// GET /admin/utilisateurs
pub async fn list_page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    me.require_admin()?;
    Ok(ListPage {
        layout: Layout::new(&me, "Comptes", "utilisateurs"),
        utilisateurs: app.store.utilisateurs().await?,
        etablissements: app.store.etablissements(None).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/utilisateur.html")]
struct EditPage {
    layout: Layout,
    u: Option<Utilisateur>,
    etablissements: Vec<Etablissement>,
    mot_de_passe_temporaire: Option<String>,
    /// The account form's refusal, if any (input ids `<field>`).
    erreurs: ErreursFormulaire,
    /// What was typed in the refused form (the password never comes back).
    saisie: Option<UtilisateurFields>,
}

/// The account form (a new one, or a change), refused in place.
const COMPTE: Formulaire = Formulaire::new("compte", "", Fait::CompteEnregistre);

impl EditPage {
    /// The page of a new account (`u` none) or of `u`, with the temporary password just set.
    async fn new(
        app: &App,
        me: &CurrentUser,
        u: Option<Utilisateur>,
        mot_de_passe_temporaire: Option<String>,
    ) -> WebResult<EditPage> {
        let titre = u.as_ref().map_or("Nouveau compte".to_string(), |u| {
            format!("{} {}", u.prenom, u.nom)
        });
        Ok(EditPage {
            layout: Layout::new(me, titre, "utilisateurs"),
            u,
            etablissements: app.store.etablissements(None).await?,
            mot_de_passe_temporaire,
            erreurs: ErreursFormulaire::default(),
            saisie: None,
        })
    }
    fn has_role(&self, r: &Role) -> bool {
        match &self.saisie {
            Some(f) => f.role.trim() == r.code(),
            None => self.u.as_ref().is_some_and(|u| u.role == *r),
        }
    }
    fn has_etab(&self, id: &i64) -> bool {
        match &self.saisie {
            Some(f) => f.etablissements.contains(id),
            None => self
                .u
                .as_ref()
                .is_some_and(|u| u.etablissements.contains(id)),
        }
    }
    /// The value of text field `champ`: as typed in the refused form, else the account's.
    fn val(&self, champ: &str) -> String {
        if let Some(f) = &self.saisie {
            let t = |v: &Option<String>| v.clone().unwrap_or_default();
            return match champ {
                "username" => f.username.clone(),
                "nom" => f.nom.clone(),
                "prenom" => f.prenom.clone(),
                "email" => t(&f.email),
                "identifiant_pro" => t(&f.identifiant_pro),
                "usager_id" => f.usager_id.map(|x| x.to_string()).unwrap_or_default(),
                _ => String::new(),
            };
        }
        let Some(u) = &self.u else {
            return String::new();
        };
        match champ {
            "username" => u.username.clone(),
            "nom" => u.nom.clone(),
            "prenom" => u.prenom.clone(),
            "email" => u.email.clone().unwrap_or_default(),
            "identifiant_pro" => u.identifiant_pro.clone().unwrap_or_default(),
            "usager_id" => u.usager_id.map(|x| x.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    }
    /// The version the form carries: the one read when the form was refused (a change made
    /// meanwhile is not overwritten by sending it again), else the account's.
    fn version(&self) -> i64 {
        let lue = self.saisie.as_ref().and_then(|f| f.version);
        lue.or(self.u.as_ref().map(|u| u.version))
            .unwrap_or_default()
    }
    /// Whether the account is (or was chosen) active.
    fn est_actif(&self) -> bool {
        match &self.saisie {
            Some(f) => !matches!(f.actif.as_deref(), Some("non" | "false" | "0")),
            None => self.u.as_ref().is_none_or(|u| u.actif),
        }
    }
}

/// GET /admin/utilisateurs/nouveau
pub async fn new_page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    me.require_admin()?;
    EditPage::new(&app, &me, None, None).await
}

/// GET /admin/utilisateurs/{id}
pub async fn edit_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<impl IntoResponse> {
    me.require_admin()?;
    let u = app.store.utilisateur(id).await?.ok_or(AppError::NotFound)?;
    EditPage::new(&app, &me, Some(u), None).await
}

/// The answer to the account form of the page of `u` (a new account: none) typed as `f`,
/// whose write ended as `issue` (the account's id): that account's page confirming it, or
/// the form again with what was typed and each refusal by its field (a login already
/// taken is said by the login).
async fn repondre(
    (app, me, headers): (&App, &CurrentUser, &HeaderMap),
    u: Option<Utilisateur>,
    mut f: UtilisateurFields,
    issue: WebResult<i64>,
) -> WebResult<axum::response::Response> {
    let e = match issue {
        Ok(id) => {
            let adresse = format!("/admin/utilisateurs/{id}");
            return Ok(crate::reponses::confirme(headers, &adresse, COMPTE.fait));
        }
        Err(AppError::Conflict { message, .. }) if u.is_none() => {
            AppError::field("username", message)
        }
        Err(e) => e,
    };
    let champs: Vec<&str> = UtilisateurFields::CHAMPS.iter().map(|c| c.nom).collect();
    let (status, erreurs) = ErreursFormulaire::depuis(e, &champs)?;
    let erreurs = if status == StatusCode::CONFLICT {
        let recharger = u.as_ref().map(|u| format!("/admin/utilisateurs/{}", u.id));
        match recharger {
            Some(r) => erreurs.avec_lien("Recharger le compte à jour", r),
            None => erreurs,
        }
    } else {
        erreurs
    };
    f.password = None;
    let mut page = EditPage::new(app, me, u, None).await?;
    page.erreurs = ErreursFormulaire {
        prefixe: COMPTE.prefixe.into(),
        ..erreurs
    };
    page.saisie = Some(f);
    Ok((status, page).into_response())
}

/// POST /admin/utilisateurs: the account created, confirmed on its page; refused in place.
pub async fn create_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    body: String,
) -> WebResult<axum::response::Response> {
    me.require_admin()?;
    let f = parse_form(&body)?;
    let issue = async {
        let input = f.validate(true)?;
        check_etablissements(&app, &input.etablissements).await?;
        let h = hash(f.password.clone().unwrap_or_default()).await?;
        Ok(app
            .store
            .create_utilisateur(&me.principal.actor(), &input, &h, true, Utc::now())
            .await?)
    }
    .await;
    repondre((&app, &me, &headers), None, f, issue).await
}

/// POST /admin/utilisateurs/{id}: the account changed (at the version the form carries),
/// confirmed on its page; refused in place (a change made meanwhile: 409).
pub async fn update_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: String,
) -> WebResult<axum::response::Response> {
    me.require_admin()?;
    let u = app.store.utilisateur(id).await?.ok_or(AppError::NotFound)?;
    let f = parse_form(&body)?;
    let issue = async {
        let input = f.validate(false)?;
        check_etablissements(&app, &input.etablissements).await?;
        let version = expected_version(&HeaderMap::new(), f.version)?;
        app.store
            .update_utilisateur(&me.principal.actor(), id, version, &input, Utc::now())
            .await?;
        Ok(id)
    }
    .await;
    repondre((&app, &me, &headers), Some(u), f, issue).await
}

/// Gives the account `id` a temporary password, to change at next login, and returns it
/// (administrators only; `NotFound` for an unknown account).
async fn reinitialiser(app: &App, me: &CurrentUser, id: i64) -> WebResult<String> {
    me.require_admin()?;
    app.store.utilisateur(id).await?.ok_or(AppError::NotFound)?;
    let temp = crate::passwords::temporary_password();
    app.store
        .set_password(
            &me.principal.actor(),
            id,
            &hash(temp.clone()).await?,
            true,
            Utc::now(),
        )
        .await?;
    Ok(temp)
}

/// POST /admin/utilisateurs/{id}/mot-de-passe: sets a temporary password shown once.
pub async fn reset_password_form(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Form(_f): Form<std::collections::HashMap<String, String>>,
) -> WebResult<impl IntoResponse> {
    let temp = reinitialiser(&app, &me, id).await?;
    let u = app.store.utilisateur(id).await?.ok_or(AppError::NotFound)?;
    EditPage::new(&app, &me, Some(u), Some(temp)).await
}

// ---- API ----

/// GET /api/v1/utilisateurs
pub async fn api_list(
    State(app): State<App>,
    me: CurrentUser,
    Query(p): Query<crate::pagination::Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    me.require_admin()?;
    let page = p.page(&crate::pagination::UTILISATEURS)?;
    let items = app.store.utilisateurs_page(page).await?;
    Ok(crate::pagination::repondre(page, items, |u| u.id))
}

/// GET /api/v1/utilisateurs/{id}
pub async fn api_get(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Json<Utilisateur>> {
    me.require_admin()?;
    Ok(Json(
        app.store.utilisateur(id).await?.ok_or(AppError::NotFound)?,
    ))
}

/// POST /api/v1/utilisateurs
pub async fn api_create(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(f): ApiJson<UtilisateurFields>,
) -> WebResult<(StatusCode, Json<Utilisateur>)> {
    me.require_admin()?;
    let input = f.validate(true)?;
    check_etablissements(&app, &input.etablissements).await?;
    let h = hash(f.password.clone().unwrap_or_default()).await?;
    let id = app
        .store
        .create_utilisateur(&me.principal.actor(), &input, &h, true, Utc::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(app.store.utilisateur(id).await?.ok_or(AppError::NotFound)?),
    ))
}

/// PUT /api/v1/utilisateurs/{id}
pub async fn api_update(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<UtilisateurFields>,
) -> WebResult<Json<Utilisateur>> {
    me.require_admin()?;
    let input = f.validate(false)?;
    check_etablissements(&app, &input.etablissements).await?;
    let version = expected_version(&headers, f.version)?;
    app.store
        .update_utilisateur(&me.principal.actor(), id, version, &input, Utc::now())
        .await?;
    Ok(Json(
        app.store.utilisateur(id).await?.ok_or(AppError::NotFound)?,
    ))
}

/// POST /api/v1/utilisateurs/{id}/mot-de-passe: returns a temporary password, to change at
/// next login.
pub async fn api_reset_password(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Json<crate::corps::MotDePasseTemporaire>> {
    let temp = reinitialiser(&app, &me, id).await?;
    Ok(Json(crate::corps::MotDePasseTemporaire {
        mot_de_passe_temporaire: temp,
        doit_changer_mdp: true,
    }))
}
