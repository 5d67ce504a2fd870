//! The file page (administrative tab), the other sections' tabs, the identity form,
//! "different person" and break-the-glass.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::usager::TypeJustificatif;
use dui_store::usager::{Sejour, Usager};
use dui_store::StoreError;
use serde::Deserialize;

use super::entete::{referent, Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::FormulaireDossier;
use super::fields::{AutreDossierForm, IdentiteFields};
use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::reponses::done;
use crate::time::{fr_date, fr_instant};
use crate::{App, AppError, Layout, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "usager/dossier.html")]
struct FilePage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    sejours: Vec<Sejour>,
    referent: Option<String>,
    peut_ecrire: bool,
    peut_valider: bool,
    insi: bool,
    justificatifs: Vec<(String, &'static str)>,
    cree: bool,
    message_photo: Option<&'static str>,
}

impl FilePage {
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn quand(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        fr_instant(*t)
    }
}

/// File query (messages after an action).
#[derive(Deserialize)]
pub struct FileQuery {
    cree: Option<String>,
    photo: Option<String>,
}

/// GET /usagers/{id}: the file page (administrative tab).
pub async fn file_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(q): Query<FileQuery>,
) -> PageDossier {
    let Dossier {
        tabs, u, sejours, ..
    } = Dossier::ouvrir(&app, &me, id, Onglet::Administratif).await?;
    if let Some(k) = u.fusionne_dans {
        return Ok(axum::response::Redirect::to(&format!("/usagers/{k}")).into_response());
    }
    let m = matrix(&app).await?;
    let referent = referent(&app, u.referent_id).await?;
    Ok(FilePage {
        layout: Layout::new(&me, u.nom_naissance.clone(), "usagers"),
        sejours,
        referent,
        peut_ecrire: m.permet(me.user.role, Section::Administratif, Action::Ecrire),
        // Break-the-glass never opens validation: its forms are not offered.
        peut_valider: m.permet(me.user.role, Section::Administratif, Action::Valider)
            && !tabs.exceptionnel,
        insi: app.insi.is_some(),
        justificatifs: TypeJustificatif::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label_fr()))
            .collect(),
        cree: q.cree.is_some(),
        message_photo: match q.photo.as_deref() {
            Some("ok") => Some("La photo a été enregistrée."),
            Some("retiree") => Some("La photo a été retirée du dossier."),
            _ => None,
        },
        u,
        tabs,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/section.html")]
struct SectionPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    section: &'static str,
}

/// GET /usagers/{id}/section/{section}: the other sections, each permission-checked.
pub async fn section_page(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, code)): Path<(UsagerId, String)>,
) -> PageDossier {
    let section = Section::from_code(&code)
        .filter(|s| *s != Section::Administratif)
        .ok_or(AppError::NotFound)?;
    let Dossier { tabs, u, .. } = Dossier::ouvrir(&app, &me, id, Onglet::Section(section)).await?;
    // The section itself is authorized (and its read audited) on its own.
    capability(&app, &me, id, section, Action::Lire).await?;
    if matches!(section, Section::Soins | Section::Psychologie) {
        // These sections have pages of their own (`usager::soins`, `usager::psychologie`).
        let to = Onglet::Section(section).href(&id);
        return Ok(axum::response::Redirect::to(&to).into_response());
    }
    Ok(SectionPage {
        layout: Layout::new(
            &me,
            format!("{} — {}", section.label_fr(), u.nom_naissance),
            "usagers",
        ),
        u,
        tabs,
        section: section.label_fr(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/identite.html")]
struct IdentityPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    erreurs: Vec<(String, String)>,
}

impl IdentityPage {
    fn err(&self, field: &str) -> Option<&str> {
        self.erreurs
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
    fn prenoms(&self) -> String {
        self.u.prenoms_naissance.join(" ")
    }
}

/// GET /usagers/{id}/identite: the identity form.
pub async fn identity_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> PageDossier {
    let Dossier { tabs, u, .. } = Dossier::ouvrir(&app, &me, id, Onglet::Administratif).await?;
    Ok(IdentityPage {
        layout: Layout::new(&me, format!("Identité — {}", u.nom_naissance), "usagers"),
        u,
        tabs,
        erreurs: vec![],
    }
    .into_response())
}

/// POST /usagers/{id}/identite
pub async fn identity_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
    Form(f): Form<IdentiteFields>,
) -> PageDossier {
    let version = f.version.ok_or_else(|| {
        AppError::field(
            "version",
            "La version du dossier lu manque : rechargez la page.",
        )
    })?;
    match super::api::save_identity(&app, &me, id, version, &f).await {
        Ok(_) => Ok(done(&headers, &format!("/usagers/{id}"))),
        Err(AppError::Invalid { fields, message }) => {
            let Dossier { tabs, u, .. } =
                Dossier::ouvrir(&app, &me, id, Onglet::Administratif).await?;
            let mut erreurs: Vec<(String, String)> = fields.into_iter().collect();
            if erreurs.is_empty() {
                erreurs.push(("nom_naissance".into(), message));
            }
            let page = IdentityPage {
                layout: Layout::new(&me, format!("Identité — {}", u.nom_naissance), "usagers"),
                u,
                tabs,
                erreurs,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /usagers/{id}/non-doublon: this file and another are two different people.
pub async fn non_doublon_form(p: FormulaireDossier<AutreDossierForm>) -> WebResult<Response> {
    let other = p.f.autre("de l'autre dossier")?;
    let cap = capability(&p.app, &p.me, p.id, Section::Administratif, Action::Valider).await?;
    capability(
        &p.app,
        &p.me,
        other,
        Section::Administratif,
        Action::Valider,
    )
    .await?;
    p.app.store.confirmer_non_doublon(&cap, other).await?;
    Ok(p.fait(""))
}

/// Break-the-glass form.
#[derive(Deserialize)]
pub struct AccesExceptionnelForm {
    motif: String,
    heures: Option<i64>,
}

impl crate::saisie::Champs for AccesExceptionnelForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::texte("motif", lim::MOTIF),
        Champ::ligne("heures", 20),
    ];
}

/// POST /usagers/{id}/acces-exceptionnel
pub async fn acces_exceptionnel_form(
    p: FormulaireDossier<AccesExceptionnelForm>,
) -> WebResult<Response> {
    let heures = p.f.heures.unwrap_or(4);
    p.app
        .store
        .ouvrir_acces_exceptionnel(&p.me.principal, p.id, &p.f.motif, heures, Utc::now())
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => AppError::field("motif", m),
            other => other.into(),
        })?;
    Ok(p.fait(""))
}
