//! The circle (entourage) and the external professionals of an usager: pages and API.

use dui_domain::ids::UsagerId;
use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Utc};
use dui_domain::identifiers::IdentifiantProfessionnel;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::usager::entourage::{
    MesureProtection, Relation, RoleProfessionnel, INCONNUE_MESURE, INCONNUE_RELATION, INCONNU_ROLE,
};
use dui_store::usager::{Entourage, EntourageInput, ProfessionnelInput, ProfessionnelLie, Usager};
use dui_store::StoreError;
use serde::Deserialize;

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier};
use super::extracteurs::FormulaireDossier;
use super::formulaire_ligne::{page_refusee, repondre_page};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, ApiJson};
use crate::reponses::{confirme, expected_version};
use crate::time::DatesFr;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, Saisie, WebResult};

/// A person of the circle as typed.
#[derive(Deserialize, serde::Serialize, Default, Clone, utoipa::ToSchema)]
pub struct EntourageFields {
    #[serde(default)]
    nom: String,
    #[serde(default)]
    prenom: String,
    #[serde(default)]
    relation: String,
    mesure_protection: Option<String>,
    mesure_debut: Option<String>,
    mesure_fin: Option<String>,
    mesure_reference: Option<String>,
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    personne_confiance: Option<String>,
    date_designation: Option<String>,
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    personne_a_prevenir: Option<String>,
    telephone: Option<String>,
    email: Option<String>,
    adresse: Option<String>,
    commentaire: Option<String>,
    version: Option<i64>,
}

impl crate::saisie::Champs for EntourageFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("nom", lim::NOM_PERSONNE),
        Champ::ligne("prenom", lim::NOM_PERSONNE),
        Champ::ligne("relation", lim::CODE),
        Champ::ligne("mesure_protection", lim::CODE),
        Champ::ligne("mesure_debut", lim::DATE),
        Champ::ligne("mesure_fin", lim::DATE),
        Champ::ligne("mesure_reference", lim::REFERENCE),
        Champ::ligne("personne_confiance", lim::CODE),
        Champ::ligne("date_designation", lim::DATE),
        Champ::ligne("personne_a_prevenir", lim::CODE),
        Champ::ligne("telephone", lim::TELEPHONE),
        Champ::ligne("email", lim::EMAIL),
        Champ::ligne("adresse", lim::ADRESSE),
        Champ::texte("commentaire", lim::COMMENTAIRE),
        Champ::ligne("version", 20),
    ];
}

fn yes(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("oui" | "on" | "true" | "1"))
}

fn date(
    errors: &mut BTreeMap<String, String>,
    field: &str,
    label: &str,
    v: &Option<String>,
) -> Option<String> {
    let v = opt(v)?;
    match NaiveDate::parse_from_str(&v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&v, "%d/%m/%Y"))
    {
        Ok(d) => Some(d.to_string()),
        Err(_) => {
            errors.insert(
                field.into(),
                format!("{label} doit être une date (JJ/MM/AAAA)."),
            );
            None
        }
    }
}

impl EntourageFields {
    /// The version of the entry read, sent back by an edit.
    pub(crate) fn version(&self) -> Option<i64> {
        self.version
    }

    /// Parses the fields (dates) and checks the circle's rules
    /// ([`dui_domain::usager::entourage::erreurs_personne`], which the store applies too).
    pub(crate) fn validate(&self) -> Result<EntourageInput, AppError> {
        let mut e = BTreeMap::new();
        let relation = Relation::from_code(self.relation.trim());
        if relation.is_none() {
            e.insert("relation".to_string(), INCONNUE_RELATION.to_string());
        }
        let mesure_protection = match opt(&self.mesure_protection) {
            None => None,
            Some(m) => MesureProtection::from_code(&m).or_else(|| {
                e.insert("mesure_protection".into(), INCONNUE_MESURE.into());
                None
            }),
        };
        let input = EntourageInput {
            nom: self.nom.trim().to_string(),
            prenom: self.prenom.trim().to_string(),
            // An unknown relation is already an error (returned below): the rules run on the
            // other fields meanwhile.
            relation: relation.unwrap_or(Relation::Autre),
            mesure_protection,
            mesure_debut: date(
                &mut e,
                "mesure_debut",
                "Le début de la mesure",
                &self.mesure_debut,
            ),
            mesure_fin: date(
                &mut e,
                "mesure_fin",
                "La fin de la mesure",
                &self.mesure_fin,
            ),
            mesure_reference: opt(&self.mesure_reference),
            personne_confiance: yes(&self.personne_confiance),
            date_designation: date(
                &mut e,
                "date_designation",
                "La date de désignation",
                &self.date_designation,
            ),
            personne_a_prevenir: yes(&self.personne_a_prevenir),
            telephone: opt(&self.telephone),
            email: opt(&self.email),
            adresse: opt(&self.adresse),
            commentaire: opt(&self.commentaire),
        };
        // A date that does not parse keeps its own message.
        for (champ, message) in input.erreurs() {
            e.entry(champ.to_string()).or_insert(message);
        }
        if !e.is_empty() {
            return Err(AppError::fields(e));
        }
        Ok(input)
    }
}

/// A professional as typed (directory).
#[derive(Deserialize, serde::Serialize, Default, Clone, utoipa::ToSchema)]
pub struct ProfessionnelFields {
    #[serde(default)]
    nom: String,
    #[serde(default)]
    prenom: String,
    #[serde(default)]
    fonction: String,
    identifiant_pro: Option<String>,
    structure: Option<String>,
    telephone: Option<String>,
    email: Option<String>,
    mssante: Option<String>,
}

/// The fields of a professional of the directory.
const PRO_CHAMPS: [Champ; 8] = [
    Champ::ligne("nom", lim::NOM_PERSONNE),
    Champ::ligne("prenom", lim::NOM_PERSONNE),
    Champ::ligne("fonction", lim::FONCTION),
    Champ::ligne("identifiant_pro", lim::NUMERO),
    Champ::ligne("structure", lim::NOM_STRUCTURE),
    Champ::ligne("telephone", lim::TELEPHONE),
    Champ::ligne("email", lim::EMAIL),
    Champ::ligne("mssante", lim::EMAIL),
];

impl crate::saisie::Champs for ProfessionnelFields {
    const CHAMPS: &'static [Champ] = &PRO_CHAMPS;
}

impl ProfessionnelFields {
    fn validate(&self) -> Result<ProfessionnelInput, AppError> {
        let mut e = BTreeMap::new();
        for (f, v, l) in [
            ("nom", &self.nom, "Le nom"),
            ("prenom", &self.prenom, "Le prénom"),
            ("fonction", &self.fonction, "La fonction"),
        ] {
            if v.trim().is_empty() {
                e.insert(f.to_string(), format!("{l} est obligatoire."));
            }
        }
        let identifiant_pro =
            match opt(&self.identifiant_pro).map(|s| IdentifiantProfessionnel::parse(&s)) {
                Some(Ok(i)) => Some(i.to_string()),
                Some(Err(m)) => {
                    e.insert("identifiant_pro".into(), m.to_string());
                    None
                }
                None => None,
            };
        if !e.is_empty() {
            return Err(AppError::fields(e));
        }
        Ok(ProfessionnelInput {
            nom: self.nom.trim().into(),
            prenom: self.prenom.trim().into(),
            fonction: self.fonction.trim().into(),
            identifiant_pro,
            structure: opt(&self.structure),
            telephone: opt(&self.telephone),
            email: opt(&self.email),
            mssante: opt(&self.mssante),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/entourage.html")]
pub(crate) struct EntouragePageHeader {
    layout: Layout,
    pub(crate) u: Usager,
    tabs: super::entete::Tabs,
    entourage: Vec<Entourage>,
    pros: Vec<ProfessionnelLie>,
    annuaire: Vec<dui_store::usager::Professionnel>,
    peut_ecrire: bool,
    /// Home-care workers and relatives assigned.
    affectations: super::affectations::Affectations,
    /// The form refused in place (`entourage`, `professionnel`, an assignment's), if any.
    en_place: crate::EnPlace,
}

/// The forms adding a person of the circle (`e-<field>`) and linking a professional
/// (`p-<field>`), refused in place.
const ENTOURAGE: Formulaire = Formulaire::new("entourage", "e-", Fait::EntourageAjoute);
const PROFESSIONNEL: Formulaire = Formulaire::new("professionnel", "p-", Fait::ProfessionnelLie);

/// The answer to form `formulaire` of the circle tab typed as `p.f`, whose write ended as
/// `issue`: the tab confirming it, or the tab again with the refusal in place.
async fn sur_entourage<F: crate::saisie::Champs + serde::Serialize>(
    p: &FormulaireDossier<F>,
    formulaire: &Formulaire,
    issue: WebResult<()>,
) -> WebResult<Response> {
    let adresse = format!("/usagers/{}/entourage", p.id);
    repondre_page(
        &p.headers,
        &adresse,
        (formulaire, None, &p.f),
        issue,
        |en_place| rendre(&p.app, &p.me, p.id, en_place),
    )
    .await
}

/// The French labels of the circle's codes, for the pages that show the circle (this one and
/// the synthesis sheet).
pub(crate) trait LibellesEntourage {
    /// Label of a relation.
    fn relation(&self, r: &Relation) -> &'static str {
        r.label_fr()
    }
    /// Label of a legal protection measure.
    fn mesure(&self, m: &MesureProtection) -> &'static str {
        m.label_fr()
    }
    /// Label of a professional's role.
    fn role(&self, r: &RoleProfessionnel) -> &'static str {
        r.label_fr()
    }
    /// « DUPONT Paul ».
    fn personne(&self, nom: &str, prenom: &str) -> String {
        dui_domain::usager::nommage::nom_prenom(nom, prenom)
    }
    /// The `tel:` address of a phone number.
    fn tel(&self, telephone: &str) -> String {
        dui_domain::usager::entourage::tel_uri(telephone)
    }
}

impl LibellesEntourage for EntouragePageHeader {}

/// The circle of the opened file: its relatives and its professionals (both reads audited
/// through the file's capability), for this page and the synthesis sheet.
pub(crate) async fn cercle(
    app: &App,
    d: &Dossier,
) -> WebResult<(Vec<Entourage>, Vec<ProfessionnelLie>)> {
    let entourage = app.store.entourage(&d.cap).await?;
    Ok((entourage, app.store.professionnels_usager(&d.cap).await?))
}

/// GET /usagers/{id}/entourage
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> PageDossier {
    rendre(&app, &me, id, crate::EnPlace::default()).await
}

/// The circle tab of `id`, with a form refused in place (or not).
pub(super) async fn rendre(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    en_place: crate::EnPlace,
) -> PageDossier {
    let d = Dossier::ouvrir(app, me, id, Onglet::Entourage).await?;
    let m = super::matrix(app).await?;
    let peut_ecrire = m.permet(me.user.role, Section::Administratif, Action::Ecrire);
    let affectations = super::affectations::Affectations::lire(
        app,
        me,
        &d.cap,
        &d.sejours,
        peut_ecrire,
        en_place.clone(),
    )
    .await?;
    let (entourage, pros) = cercle(app, &d).await?;
    let Dossier { tabs, u, .. } = d;
    Ok(EntouragePageHeader {
        affectations,
        layout: Layout::new(me, format!("Entourage — {}", u.nom_affiche()), "usagers"),
        entourage,
        pros,
        annuaire: app.store.professionnels("", 200).await?,
        peut_ecrire,
        u,
        tabs,
        en_place,
    }
    .into_response())
}

/// POST /usagers/{id}/entourage
pub async fn add_form(p: FormulaireDossier<EntourageFields>) -> WebResult<Response> {
    let issue = async {
        let input = p.f.validate()?;
        let cap = capability(&p.app, &p.me, p.id, Section::Administratif, Action::Ecrire).await?;
        p.app.store.add_entourage(&cap, &input).await?;
        Ok(())
    }
    .await;
    sur_entourage(&p, &ENTOURAGE, issue).await
}

/// A person's removal from the circle (its summary heads the circle: the row may be gone).
const RETRAIT: Formulaire = Formulaire::new("retrait", "re-", Fait::EntourageRetire);

/// POST /usagers/{id}/entourage/{eid}/retrait: confirmed on the circle tab; a person
/// already removed (from another screen) is said at the top of the circle, the tab shown
/// again (409).
pub async fn remove_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, eid)): Path<(UsagerId, i64)>,
) -> WebResult<Response> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    let adresse = format!("/usagers/{id}/entourage");
    match app.store.remove_entourage(&cap, eid).await {
        Ok(()) => Ok(confirme(&headers, &adresse, RETRAIT.fait)),
        Err(e) => {
            let e = match e {
                StoreError::NotFound => AppError::Conflict {
                    code: "entourage_deja_retire",
                    message: "Cette personne n'est plus dans l'entourage : elle a été retirée entre-temps, depuis un autre écran.".into(),
                    extra: None,
                },
                other => other.into(),
            };
            let placer = |erreurs| EnPlace::refus(&RETRAIT, Saisie::default(), erreurs);
            page_refusee(e, &[], placer, |en_place| rendre(&app, &me, id, en_place)).await
        }
    }
}

/// Link form: an existing professional, or a new one to add to the directory.
#[derive(Deserialize, serde::Serialize)]
pub struct LinkForm {
    professionnel_id: Option<String>,
    role: String,
    #[serde(flatten)]
    nouveau: ProfessionnelFields,
}

/// The fields of a link to a professional (an existing one, or a new one described), from
/// the page's form and from the API alike.
const LINK_CHAMPS: &[Champ] = &link_champs();

/// The link's own two fields, then those of the professional it may describe.
const fn link_champs() -> [Champ; 10] {
    let mut out = [Champ::ligne("professionnel_id", 20); 10];
    out[1] = Champ::ligne("role", lim::CODE);
    let mut i = 0;
    while i < PRO_CHAMPS.len() {
        out[i + 2] = PRO_CHAMPS[i];
        i += 1;
    }
    out
}

impl crate::saisie::Champs for LinkForm {
    const CHAMPS: &'static [Champ] = LINK_CHAMPS;
}

async fn link(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    pid: Option<i64>,
    role: &str,
    nouveau: &ProfessionnelFields,
) -> WebResult<()> {
    let role =
        RoleProfessionnel::from_code(role).ok_or_else(|| AppError::field("role", INCONNU_ROLE))?;
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    let pid = match pid {
        Some(p) => {
            app.store.professionnel(p).await?.ok_or_else(|| {
                AppError::field(
                    "professionnel_id",
                    "Ce professionnel n'est pas dans l'annuaire.",
                )
            })?;
            p
        }
        None => {
            app.store
                .create_professionnel(cap.actor(), &nouveau.validate()?, Utc::now())
                .await?
        }
    };
    app.store.link_professionnel(&cap, pid, role).await?;
    Ok(())
}

/// POST /usagers/{id}/professionnels
pub async fn link_form(p: FormulaireDossier<LinkForm>) -> WebResult<Response> {
    let pid = opt(&p.f.professionnel_id).and_then(|p| p.parse().ok());
    let issue = link(&p.app, &p.me, p.id, pid, p.f.role.trim(), &p.f.nouveau).await;
    sur_entourage(&p, &PROFESSIONNEL, issue).await
}

// ---- API ----

/// POST /api/v1/usagers/{id}/entourage
pub async fn api_add(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<EntourageFields>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let input = f.validate()?;
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    let eid = app.store.add_entourage(&cap, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Cree {
            id: eid,
            version: 1,
        }),
    ))
}

/// PUT /api/v1/usagers/{id}/entourage/{eid}
pub async fn api_update(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, eid)): Path<(UsagerId, i64)>,
    ApiJson(f): ApiJson<EntourageFields>,
) -> WebResult<Json<Cree>> {
    let input = f.validate()?;
    let version = expected_version(&headers, f.version)?;
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    let v = app
        .store
        .update_entourage(&cap, eid, version, &input)
        .await?;
    Ok(Json(Cree {
        id: eid,
        version: v,
    }))
}

/// DELETE /api/v1/usagers/{id}/entourage/{eid} (the person is kept, inactive).
pub async fn api_remove(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, eid)): Path<(UsagerId, i64)>,
) -> WebResult<StatusCode> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    app.store.remove_entourage(&cap, eid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of a link: an existing `professionnel_id`, or the fields of a new professional.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LinkBody {
    professionnel_id: Option<i64>,
    role: String,
    #[serde(flatten)]
    nouveau: ProfessionnelFields,
}

impl crate::saisie::Champs for LinkBody {
    const CHAMPS: &'static [Champ] = LINK_CHAMPS;
}

/// POST /api/v1/usagers/{id}/professionnels
pub async fn api_link(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<LinkBody>,
) -> WebResult<StatusCode> {
    link(&app, &me, id, b.professionnel_id, b.role.trim(), &b.nouveau).await?;
    Ok(StatusCode::CREATED)
}

/// DELETE /api/v1/usagers/{id}/professionnels/{pid}/{role}
pub async fn api_unlink(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, pid, role)): Path<(UsagerId, i64, String)>,
) -> WebResult<StatusCode> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    // A role no list knows links no one.
    let role = RoleProfessionnel::from_code(&role).ok_or(AppError::NotFound)?;
    app.store.unlink_professionnel(&cap, pid, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// POST /api/v1/professionnels
pub async fn api_create_pro(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(f): ApiJson<ProfessionnelFields>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    if !me.user.role.est_professionnel()
        || me.user.etablissements.is_empty()
            && me.user.role != dui_domain::policy::Role::Administrateur
    {
        return Err(AppError::Forbidden(
            "Votre profil ne permet pas de compléter l'annuaire.".into(),
        ));
    }
    let id = app
        .store
        .create_professionnel(&me.principal.actor(), &f.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, Json(Cree { id, version: 1 })))
}
