//! The file page (administrative tab), the other sections' tabs, the identity form,
//! "different person" and break-the-glass.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::usager::TypeJustificatif;
use dui_store::admin::annuaire::CompteNomme;
use dui_store::usager::{Sejour, Usager};
use dui_store::StoreError;
use serde::Deserialize;

use super::entete::{hors_perimetre, referent, Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::FormulaireDossier;
use super::fields::{AutreDossierForm, IdentiteFields, CHAMPS_EDITION};
use super::formulaire_ligne::page_refusee;
use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::reponses::confirme;
use crate::time::DatesFr as _;
use crate::{App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Layout, WebResult};

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
    /// The form refused in place (identitovigilance, photo, non-duplicate), if any.
    en_place: EnPlace,
}

/// The identitovigilance forms of the file page (a document seen, an attribute, INSi): one
/// summary at the top of their section, input ids `<field>`.
pub(super) const IDENTITOVIGILANCE: Formulaire =
    Formulaire::new("identitovigilance", "", Fait::AttributEnregistre);
/// The photo's forms (sent, removed), input id `photo`.
pub(super) const PHOTO: Formulaire = Formulaire::new("photo", "", Fait::PhotoEnregistree);
/// « Deux personnes différentes », input id `nd-autre_id`.
const NON_DOUBLON: Formulaire = Formulaire::new("non_doublon", "nd-", Fait::NonDoublon);

/// GET /usagers/{id}: the file page (administrative tab).
pub async fn file_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> PageDossier {
    file_render(&app, &me, id, EnPlace::default(), StatusCode::OK).await
}

/// The file page of `id` with the refusal of one of its forms in place.
pub(super) async fn file_render(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    en_place: EnPlace,
    status: StatusCode,
) -> PageDossier {
    let Dossier {
        tabs, u, sejours, ..
    } = Dossier::ouvrir(app, me, id, Onglet::Administratif).await?;
    if let Some(k) = u.fusionne_dans {
        return Ok(axum::response::Redirect::to(&format!("/usagers/{k}")).into_response());
    }
    let m = matrix(app).await?;
    let referent = referent(app, u.referent_id).await?;
    let page = FilePage {
        layout: Layout::new(me, u.nom_affiche(), "usagers"),
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
        en_place,
        u,
        tabs,
    };
    Ok((status, page).into_response())
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
    if matches!(
        section,
        Section::Soins | Section::Psychologie | Section::Liaison
    ) {
        // These sections have pages of their own (`usager::soins`, `usager::psychologie`).
        let to = Onglet::Section(section).href(&id);
        return Ok(axum::response::Redirect::to(&to).into_response());
    }
    Ok(SectionPage {
        layout: Layout::new(
            &me,
            format!("{} — {}", section.label_fr(), u.nom_affiche()),
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
    f: IdentiteFields,
    erreurs: ErreursFormulaire,
    avec_nir: bool,
    /// The accounts that may be chosen as referent, by name.
    referents: Vec<CompteNomme>,
}

/// The professionals who may be the referent of a person with `sejours`: the accounts of
/// the établissements of their stays (of `me`'s when they have none), by name.
async fn referents(app: &App, me: &CurrentUser, sejours: &[Sejour]) -> WebResult<Vec<CompteNomme>> {
    let mut etabs: Vec<i64> = sejours.iter().map(|s| s.etablissement_id).collect();
    if etabs.is_empty() {
        etabs = me.user.etablissements.clone();
    }
    etabs.sort_unstable();
    etabs.dedup();
    Ok(app.store.comptes_professionnels("", &etabs, 100).await?)
}

impl IdentityPage {
    /// The referent chosen (typed, else the file's).
    fn referent_choisi(&self) -> Option<i64> {
        self.f
            .referent_id
            .as_deref()
            .and_then(|r| r.trim().parse().ok())
    }
    fn est_choisi(&self, c: &CompteNomme) -> bool {
        self.referent_choisi() == Some(c.id)
    }
    /// The referent chosen when they are not among the accounts offered (another
    /// établissement, a closed account): kept, and shown.
    fn referent_hors_liste(&self) -> Option<i64> {
        self.referent_choisi()
            .filter(|r| !self.referents.iter().any(|c| c.id == *r))
    }
    fn compte(&self, c: &CompteNomme) -> String {
        match c.etablissements.first() {
            Some(e) => format!("{} — {e}", c.libelle()),
            None => c.libelle(),
        }
    }
}

/// The identity form of the file `id`, with `f` typed and `erreurs` shown in place.
async fn identity_render(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    f: Option<IdentiteFields>,
    erreurs: ErreursFormulaire,
    status: StatusCode,
) -> PageDossier {
    let Dossier {
        tabs, u, sejours, ..
    } = Dossier::ouvrir(app, me, id, Onglet::Administratif).await?;
    let page = IdentityPage {
        referents: referents(app, me, &sejours).await?,
        layout: Layout::new(me, format!("Identité — {}", u.nom_affiche()), "usagers"),
        f: f.unwrap_or_else(|| IdentiteFields::depuis_usager(&u)),
        avec_nir: nir_modifiable(&u),
        u,
        tabs,
        erreurs,
    };
    Ok((status, page).into_response())
}

/// A typed NIR can be corrected while INSi has not confirmed it and the identity is not
/// validated.
fn nir_modifiable(u: &Usager) -> bool {
    dui_domain::usager::nir_modifiable(u.statut_identite, u.oid_ins.is_some())
}

/// GET /usagers/{id}/identite: the identity form.
pub async fn identity_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> PageDossier {
    identity_render(
        &app,
        &me,
        id,
        None,
        ErreursFormulaire::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /usagers/{id}/identite: saved (back to the file, confirmed), or the form again with
/// what was typed and the errors in place.
pub async fn identity_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
    Form(f): Form<IdentiteFields>,
) -> PageDossier {
    let saved = match f.version {
        Some(version) => super::api::save_identity(&app, &me, id, version, &f).await,
        None => Err(AppError::Stale),
    };
    match saved {
        Ok(_) => Ok(confirme(
            &headers,
            &format!("/usagers/{id}"),
            Fait::IdentiteEnregistree,
        )),
        Err(e) => {
            let (status, erreurs) = ErreursFormulaire::depuis(e, CHAMPS_EDITION)?;
            let erreurs = if status == StatusCode::CONFLICT {
                erreurs.avec_lien(
                    "Recharger l'identité à jour",
                    format!("/usagers/{id}/identite"),
                )
            } else {
                erreurs
            };
            identity_render(&app, &me, id, Some(f), erreurs, status).await
        }
    }
}

/// The file page of `id` again with form `f` refused by `erreurs` (answered with `status`),
/// `saisie` typed.
pub(super) async fn file_refus(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    (f, saisie): (&Formulaire, crate::Saisie),
    (status, erreurs): (StatusCode, ErreursFormulaire),
) -> Response {
    let en_place = EnPlace::refus(f, saisie, erreurs);
    file_render(app, me, id, en_place, status)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// POST /usagers/{id}/non-doublon: this file and another are two different people,
/// confirmed on the file; a number that names no other file the user may validate is said
/// by its field on the file page (422), the number kept.
pub async fn non_doublon_form(p: FormulaireDossier<AutreDossierForm>) -> WebResult<Response> {
    let issue = async {
        let other = p.f.autre("de l'autre dossier")?;
        if other == p.id {
            return Err(AppError::field(
                "autre_id",
                "Ce numéro est celui du dossier ouvert : indiquez le numéro de l'autre dossier.",
            ));
        }
        let cap = capability(&p.app, &p.me, p.id, Section::Administratif, Action::Valider).await?;
        let autre = capability(&p.app, &p.me, other, Section::Administratif, Action::Valider);
        autre.await.map_err(|e| match e {
            // Whether it exists out of reach is not said.
            AppError::NotFound | AppError::Forbidden(_) => AppError::field(
                "autre_id",
                "Aucun dossier de ce numéro ne vous est accessible : vérifiez le numéro (il figure en haut du dossier, par exemple U0000042).",
            ),
            refus => refus,
        })?;
        Ok(p.app.store.confirmer_non_doublon(&cap, other).await?)
    }
    .await;
    match issue {
        Ok(()) => Ok(p.confirme("", NON_DOUBLON.fait)),
        Err(e) => {
            let refus = ErreursFormulaire::depuis(e, &["autre_id"])?;
            let saisie = (&NON_DOUBLON, crate::Saisie::de(&p.f));
            Ok(file_refus(&p.app, &p.me, p.id, saisie, refus).await)
        }
    }
}

/// Break-the-glass form.
#[derive(Deserialize, serde::Serialize)]
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

/// The break-the-glass form, its input ids `<field>`.
const ACCES: Formulaire = Formulaire::new("acces", "", Fait::AccesExceptionnelOuvert);

/// POST /usagers/{id}/acces-exceptionnel: the file opened, confirmed on it; a reason missing
/// or too short is the out-of-scope page again, the reason as typed.
pub async fn acces_exceptionnel_form(
    p: FormulaireDossier<AccesExceptionnelForm>,
) -> WebResult<Response> {
    let heures = p.f.heures.unwrap_or(4);
    let issue = p
        .app
        .store
        .ouvrir_acces_exceptionnel(&p.me.principal, p.id, &p.f.motif, heures, Utc::now())
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => AppError::field("motif", m),
            other => other.into(),
        });
    match issue {
        Ok(_) => Ok(p.confirme("", ACCES.fait)),
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(&ACCES, crate::Saisie::de(&p.f), erreurs);
            page_refusee(e, &["motif", "heures"], placer, |en_place| async {
                Ok::<_, AppError>(hors_perimetre(&p.me, p.id, en_place))
            })
            .await
        }
    }
}
