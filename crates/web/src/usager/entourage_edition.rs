//! Editing a person of the circle (a new phone number, a renewed measure) with the history
//! of what each change replaced; a stale version is a 409.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::entourage::{MesureProtection, Relation};
use dui_store::usager::{Entourage, Usager, VersionEntourage};

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::entourage::{EntourageFields, LibellesEntourage};
use super::formulaire_ligne::{champs, page_refusee};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::time::{fr_date, fr_datetime};
use crate::{
    App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Layout, Saisie, WebResult,
};

/// An earlier version as the history shows it.
struct Ancienne {
    version: i64,
    quand: String,
    par: String,
    resume: String,
}

/// « Téléphone 06 12 34 56 78 · Tutelle du 01/01/2020 au 31/12/2025 … » of a stored version.
fn resume(v: &serde_json::Value) -> String {
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let mut parts = vec![format!(
        "{} ({})",
        dui_domain::usager::nommage::nom_prenom(&s("nom"), &s("prenom")),
        Relation::from_code(&s("relation")).map_or("", |r| r.label_fr())
    )];
    if let Some(m) = MesureProtection::from_code(&s("mesure_protection")) {
        let mut m = m.label_fr().to_string();
        if !s("mesure_debut").is_empty() {
            m.push_str(&format!(" depuis le {}", fr_date(&s("mesure_debut"))));
        }
        if !s("mesure_fin").is_empty() {
            m.push_str(&format!(" jusqu'au {}", fr_date(&s("mesure_fin"))));
        }
        parts.push(m);
    }
    for (k, l) in [
        ("telephone", "téléphone"),
        ("email", "courriel"),
        ("adresse", "adresse"),
    ] {
        if !s(k).is_empty() {
            parts.push(format!("{l} {}", s(k)));
        }
    }
    if v.get("personne_confiance").and_then(|x| x.as_bool()) == Some(true) {
        parts.push("personne de confiance".into());
    }
    if v.get("personne_a_prevenir").and_then(|x| x.as_bool()) == Some(true) {
        parts.push("à prévenir".into());
    }
    parts.join(" · ")
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/entourage_edition.html")]
struct EditionPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    e: Entourage,
    anciennes: Vec<Ancienne>,
    erreurs: ErreursFormulaire,
    s: Saisie,
}

impl LibellesEntourage for EditionPage {}

impl EditionPage {
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

/// GET /usagers/{id}/entourage/{eid}: the entry's form and its history.
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path(ids): Path<(UsagerId, i64)>,
) -> PageDossier {
    rendre(&app, &me, ids, EnPlace::default()).await
}

/// The entry's form (as typed and refused, or as stored) and its history.
async fn rendre(
    app: &App,
    me: &CurrentUser,
    (id, eid): (UsagerId, i64),
    en_place: EnPlace,
) -> PageDossier {
    let Dossier { cap, tabs, u, .. } = Dossier::ouvrir(app, me, id, Onglet::Entourage).await?;
    let e = app
        .store
        .entourage_entry(&cap, eid)
        .await?
        .ok_or(AppError::NotFound)?;
    let versions: Vec<VersionEntourage> = app.store.entourage_versions(&cap, eid).await?;
    let ids: Vec<i64> = versions.iter().filter_map(|v| v.modifie_par).collect();
    let comptes = app.store.comptes_nommes(&ids).await?;
    let anciennes = versions
        .iter()
        .map(|v| Ancienne {
            version: v.version,
            quand: fr_datetime(&v.modifie_at),
            par: v
                .modifie_par
                .and_then(|p| comptes.get(&p))
                .map(|c| c.libelle())
                .unwrap_or_else(|| "—".into()),
            resume: resume(&v.donnees),
        })
        .collect();
    Ok(EditionPage {
        layout: Layout::new(
            me,
            format!(
                "{} — {}",
                dui_domain::usager::nommage::nom_prenom(&e.nom, &e.prenom),
                u.nom_affiche()
            ),
            "usagers",
        ),
        u,
        tabs,
        e,
        anciennes,
        erreurs: en_place.erreurs,
        s: en_place.saisie,
    }
    .into_response())
}

/// The circle's edit form, its input ids `e-<field>`.
const FORMULAIRE: Formulaire = Formulaire::new("entourage", "e-", Fait::EntourageEnregistre);

/// POST /usagers/{id}/entourage/{eid}: saves the entry (the version read; 409 when it was
/// changed meanwhile), or shows the form again as typed with its errors.
pub async fn edit_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, eid)): Path<(UsagerId, i64)>,
    Form(f): Form<EntourageFields>,
) -> WebResult<Response> {
    match enregistrer(&app, &me, (id, eid), &f).await {
        Ok(()) => Ok(crate::reponses::confirme(
            &headers,
            &format!("/usagers/{id}/entourage"),
            FORMULAIRE.fait,
        )),
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(&FORMULAIRE, Saisie::de(&f), erreurs);
            page_refusee(e, &champs::<EntourageFields>(), placer, |en_place| {
                rendre(&app, &me, (id, eid), en_place)
            })
            .await
        }
    }
}

async fn enregistrer(
    app: &App,
    me: &CurrentUser,
    (id, eid): (UsagerId, i64),
    f: &EntourageFields,
) -> WebResult<()> {
    let input = f.validate()?;
    let version = f
        .version()
        .ok_or_else(|| AppError::field("version", "La version lue manque : rechargez la page."))?;
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    app.store
        .update_entourage(&cap, eid, version, &input)
        .await?;
    Ok(())
}
