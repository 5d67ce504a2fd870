//! HTML pages of the usager: search, creation, file page with tabs, identity, synthesis
//! sheet, traceability, break-the-glass.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::policy::{Action, Portee, Role, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::usager::entourage::{libelle, MESURES, RELATIONS, ROLES_PROFESSIONNEL};
use dui_domain::usager::{Sexe, StatutIdentite, TypeJustificatif};
use dui_store::admin::organisation::Etablissement;
use dui_store::audit::Entry;
use dui_store::policy::{open_file, Capability, OpenFile};
use dui_store::usager::{
    Candidat, Entourage, ProfessionnelLie, Recherche, ResultatRecherche, Sejour, Usager,
};
use dui_store::StoreError;
use serde::Deserialize;

use super::fields::{attributs, justificatif_code, IdentiteFields};
use super::{capability, create, is_out_of_scope, matrix, may_see_file_audit, Creation};
use crate::auth::CurrentUser;
use crate::error::urlencode;
use crate::forms::Form;
use crate::reponses::done;
use crate::time::{fr_date, fr_datetime, fr_datetime_secs};
use crate::{App, AppError, Layout, WebResult};

/// Tabs of the file and what the header needs.
#[derive(Clone, Debug)]
pub struct Tabs {
    /// Usager id.
    pub id: i64,
    /// Active tab.
    pub active: &'static str,
    /// Readable sections other than administratif: (code, label).
    pub sections: Vec<(&'static str, &'static str)>,
    /// The user may see the traceability tab.
    pub tracabilite: bool,
    /// Opened through break-the-glass.
    pub exceptionnel: bool,
    /// Fingerprint of the photo, if there is one (part of its address, so that a new photo
    /// is never taken for the old one).
    pub photo: Option<String>,
}

impl Tabs {
    /// `aria-current` value of a tab.
    pub fn current(&self, tab: &str) -> &'static str {
        if self.active == tab {
            "page"
        } else {
            "false"
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/hors_perimetre.html")]
struct OutOfScopePage {
    layout: Layout,
    id: i64,
    peut_bris: bool,
}

/// Opens the file (audited read of the administrative section) for a tab; when out of
/// scope, the page offering break-the-glass instead.
pub(crate) async fn open(
    app: &App,
    me: &CurrentUser,
    id: i64,
    active: &'static str,
) -> WebResult<Result<(Capability, Tabs, Usager, Vec<Sejour>), Response>> {
    let m = matrix(app).await?;
    match open_file(&app.store, &m, &me.principal, id, Utc::now()).await {
        Ok(OpenFile {
            cap,
            sections,
            usager: u,
            sejours,
            photo,
        }) => {
            let referent = u.referent_id;
            let tabs = Tabs {
                id,
                active,
                sections: sections
                    .iter()
                    .filter(|s| **s != Section::Administratif)
                    .map(|s| (s.code(), s.label_fr()))
                    .collect(),
                tracabilite: may_see_file_audit(me, id, referent),
                exceptionnel: cap.motif() == dui_domain::policy::Motif::AccesExceptionnel,
                photo,
            };
            Ok(Ok((cap, tabs, u, sejours)))
        }
        Err(e) if is_out_of_scope(&e) => {
            if let Some(kept) = app.store.merged_into(id).await? {
                return Ok(Err(axum::response::Redirect::to(&format!(
                    "/usagers/{kept}"
                ))
                .into_response()));
            }
            let page = OutOfScopePage {
                layout: Layout::new(me, "Dossier hors de votre périmètre", "usagers"),
                id,
                peut_bris: me.user.role.est_professionnel(),
            };
            Ok(Err((StatusCode::FORBIDDEN, page).into_response()))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/recherche.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    etablissement: Option<i64>,
    etablissements: Vec<Etablissement>,
    resultats: Vec<ResultatRecherche>,
    suivant: Option<String>,
    peut_creer: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/resultats.html")]
struct ResultsPartial {
    q: String,
    etablissement: Option<i64>,
    resultats: Vec<ResultatRecherche>,
    suivant: Option<String>,
}

impl SearchPage {
    fn selected(&self, id: &i64) -> bool {
        self.etablissement == Some(*id)
    }
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn statut(&self, c: &str) -> &'static str {
        StatutIdentite::from_code(c)
            .map(|s| s.label_fr())
            .unwrap_or("")
    }
    fn next_url(&self, cursor: &str) -> String {
        next_url(&self.q, self.etablissement, cursor)
    }
}

impl ResultsPartial {
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn statut(&self, c: &str) -> &'static str {
        StatutIdentite::from_code(c)
            .map(|s| s.label_fr())
            .unwrap_or("")
    }
    fn next_url(&self, cursor: &str) -> String {
        next_url(&self.q, self.etablissement, cursor)
    }
}

fn next_url(q: &str, etab: Option<i64>, cursor: &str) -> String {
    let e = etab
        .map(|e| format!("&etablissement={e}"))
        .unwrap_or_default();
    format!(
        "/usagers?q={}{e}&cursor={}",
        urlencode(q),
        urlencode(cursor)
    )
}

/// Search query string.
#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    /// A string: the form sends `etablissement=` for "all".
    etablissement: Option<String>,
    cursor: Option<String>,
}

/// GET /usagers: search (htmx updates the results as one types).
pub async fn search_page(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> WebResult<Response> {
    let m = matrix(&app).await?;
    if !m.permet(me.user.role, Section::Administratif, Action::Lire) {
        return Err(AppError::Forbidden(
            "Votre profil ne permet pas de consulter les dossiers des usagers.".into(),
        ));
    }
    if me.user.role == Role::Usager {
        if let Some(id) = me.user.usager_id {
            return Ok(axum::response::Redirect::to(&format!("/usagers/{id}")).into_response());
        }
    }
    let texte = q.q.clone().unwrap_or_default();
    let etablissement = q
        .etablissement
        .as_deref()
        .and_then(|e| e.trim().parse::<i64>().ok());
    // Nothing typed lists a scope of a few files (assigned people) at once.
    let (resultats, suivant) = if texte.trim().is_empty()
        && etablissement.is_none()
        && me.user.role.portee() == Portee::Etablissements
    {
        (Vec::new(), None)
    } else {
        // An empty text with an établissement lists everyone visible there.
        let r = Recherche {
            texte: texte.clone(),
            etablissement,
            limit: 25,
            cursor: q.cursor.clone(),
        };
        app.store
            .search_usagers(&me.principal, &r, Utc::now())
            .await?
    };
    if headers.contains_key("hx-request") && !headers.contains_key("hx-boosted") {
        return Ok(ResultsPartial {
            q: texte,
            etablissement,
            resultats,
            suivant,
        }
        .into_response());
    }
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?;
    let peut_creer = m.permet(me.user.role, Section::Administratif, Action::Ecrire)
        && me.user.role.est_professionnel();
    Ok(SearchPage {
        layout: Layout::new(&me, "Usagers", "usagers"),
        q: texte,
        etablissement,
        etablissements,
        resultats,
        suivant,
        peut_creer,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/nouveau.html")]
struct NewPage {
    layout: Layout,
    f: IdentiteFields,
    etablissements: Vec<Etablissement>,
    erreurs: Vec<(String, String)>,
    candidats: Vec<Candidat>,
    peut_confirmer: bool,
}

impl NewPage {
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
    fn err(&self, field: &str) -> Option<&str> {
        self.erreurs
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn prenoms(&self) -> String {
        self.f.prenoms.join(" ")
    }
}

/// GET /usagers/nouveau
pub async fn new_page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    let m = matrix(&app).await?;
    if !m.permet(me.user.role, Section::Administratif, Action::Ecrire)
        || !me.user.role.est_professionnel()
    {
        return Err(AppError::Forbidden(
            "Votre profil ne permet pas de créer un dossier d'usager.".into(),
        ));
    }
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?;
    Ok(NewPage {
        layout: Layout::new(&me, "Nouvel usager", "usagers"),
        f: IdentiteFields::default(),
        etablissements,
        erreurs: vec![],
        candidats: vec![],
        peut_confirmer: false,
    })
}

/// POST /usagers: creates, or shows the form again with the errors or the duplicates.
pub async fn create_form(
    State(app): State<App>,
    me: CurrentUser,
    Form(f): Form<IdentiteFields>,
) -> WebResult<Response> {
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?;
    let m = matrix(&app).await?;
    let peut_confirmer = m.permet(me.user.role, Section::Administratif, Action::Valider);
    let page =
        |f: IdentiteFields, erreurs: Vec<(String, String)>, candidats: Vec<Candidat>| NewPage {
            layout: Layout::new(&me, "Nouvel usager", "usagers"),
            f,
            etablissements: etablissements.clone(),
            erreurs,
            candidats,
            peut_confirmer,
        };
    match create(&app, &me, &f, Utc::now()).await {
        Ok(Creation::Created(id)) => {
            Ok(axum::response::Redirect::to(&format!("/usagers/{id}?cree=1")).into_response())
        }
        Ok(Creation::Duplicates(c)) => Ok((
            StatusCode::CONFLICT,
            page(f, vec![], dui_store::usager::candidats_montres(&c)),
        )
            .into_response()),
        Err(AppError::Invalid { fields, message }) => {
            let mut erreurs: Vec<(String, String)> = fields.into_iter().collect();
            if erreurs.is_empty() {
                erreurs.push(("nom_naissance".into(), message));
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(f, erreurs, vec![])).into_response())
        }
        Err(e) => Err(e),
    }
}

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

/// Header helpers shared by the file templates.
pub trait Header {
    /// The usager.
    fn usager(&self) -> &Usager;
    /// French status label.
    fn statut_label(&self) -> &'static str {
        StatutIdentite::from_code(&self.usager().statut_identite)
            .map(|s| s.label_fr())
            .unwrap_or("Identité provisoire")
    }
    /// CSS class of the status badge.
    fn statut_classe(&self) -> &'static str {
        match self.usager().statut_identite.as_str() {
            "QUAL" => "badge-qualifiee",
            "VALI" => "badge-validee",
            "RECUP" => "badge-recuperee",
            _ => "badge-provisoire",
        }
    }
    /// Attribute labels.
    fn attributs_labels(&self) -> Vec<&'static str> {
        attributs(&self.usager().attributs_identite)
            .liste()
            .iter()
            .map(|a| a.label_fr())
            .collect()
    }
    /// Birth date in French with the age.
    fn naissance(&self) -> String {
        let u = self.usager();
        let today = crate::time::paris_today(Utc::now());
        let age = dui_domain::usager::DateNaissance::from_iso_ou_fr(&u.date_naissance)
            .ok()
            .and_then(|d| d.age_at(today));
        match age {
            Some(a) => format!("{} ({a} ans)", fr_date(&u.date_naissance)),
            None => fr_date(&u.date_naissance),
        }
    }
    /// Sex label.
    fn sexe_label(&self) -> &'static str {
        Sexe::from_code(&self.usager().sexe)
            .map(|s| s.label_fr())
            .unwrap_or("")
    }
    /// Displayed name: used name, else birth name.
    fn nom_affiche(&self) -> String {
        let u = self.usager();
        let nom = u
            .nom_utilise
            .clone()
            .unwrap_or_else(|| u.nom_naissance.clone());
        let prenom = u
            .prenom_utilise
            .clone()
            .unwrap_or_else(|| u.premier_prenom.clone());
        format!("{} {}", nom.to_uppercase(), prenom)
    }
    /// The matricule grouped for reading.
    fn ins_affiche(&self) -> String {
        self.usager()
            .matricule_ins
            .as_deref()
            .and_then(|m| dui_domain::identifiers::Nir::parse(m).ok())
            .map(|n| n.formatted())
            .unwrap_or_default()
    }
}

macro_rules! header_for {
    ($($t:ty),*) => { $(impl Header for $t { fn usager(&self) -> &Usager { &self.u } })* };
}
header_for!(
    FilePage,
    SectionPage,
    SynthesePage,
    AuditPage,
    IdentityPage,
    super::entourage::EntouragePageHeader
);

impl FilePage {
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn quand(&self, d: &str) -> String {
        fr_datetime(d)
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
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> WebResult<Response> {
    let (_, tabs, u, sejours) = match open(&app, &me, id, "administratif").await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
    if let Some(k) = u.fusionne_dans {
        return Ok(axum::response::Redirect::to(&format!("/usagers/{k}")).into_response());
    }
    let m = matrix(&app).await?;
    let referent = match u.referent_id {
        Some(r) => app
            .store
            .utilisateur(r)
            .await?
            .map(|x| format!("{} {}", x.prenom, x.nom)),
        None => None,
    };
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
            .map(|t| (justificatif_code(*t), t.label_fr()))
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
    Path((id, code)): Path<(i64, String)>,
) -> WebResult<Response> {
    let section = Section::from_code(&code)
        .filter(|s| *s != Section::Administratif)
        .ok_or(AppError::NotFound)?;
    let (_, mut tabs, u, _) = match open(&app, &me, id, section.code()).await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
    // The section itself is authorized (and its read audited) on its own.
    capability(&app, &me, id, section, Action::Lire).await?;
    tabs.active = section.code();
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
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (_, tabs, u, _) = match open(&app, &me, id, "administratif").await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
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
    Path(id): Path<i64>,
    Form(f): Form<IdentiteFields>,
) -> WebResult<Response> {
    let version = f.version.ok_or_else(|| {
        AppError::field(
            "version",
            "La version du dossier lu manque : rechargez la page.",
        )
    })?;
    match super::api::save_identity(&app, &me, id, version, &f).await {
        Ok(_) => Ok(done(&headers, &format!("/usagers/{id}"))),
        Err(AppError::Invalid { fields, message }) => {
            let (_, tabs, u, _) = match open(&app, &me, id, "administratif").await? {
                Ok(x) => x,
                Err(page) => return Ok(page),
            };
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
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/synthese.html")]
struct SynthesePage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    sejours: Vec<Sejour>,
    entourage: Vec<Entourage>,
    pros: Vec<ProfessionnelLie>,
    referent: Option<String>,
    edite_le: String,
}

impl SynthesePage {
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn relation(&self, c: &str) -> &'static str {
        libelle(RELATIONS, c)
    }
    fn mesure(&self, c: &str) -> &'static str {
        libelle(MESURES, c)
    }
    fn role(&self, c: &str) -> &'static str {
        libelle(ROLES_PROFESSIONNEL, c)
    }
    fn protections(&self) -> Vec<&Entourage> {
        self.entourage
            .iter()
            .filter(|e| e.mesure_protection.is_some())
            .collect()
    }
}

/// GET /usagers/{id}/synthese: the printable synthesis sheet (GA-4).
pub async fn synthese_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (cap, tabs, u, sejours) = match open(&app, &me, id, "synthese").await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
    let referent = match u.referent_id {
        Some(r) => app
            .store
            .utilisateur(r)
            .await?
            .map(|x| format!("{} {}", x.prenom, x.nom)),
        None => None,
    };
    Ok(SynthesePage {
        layout: Layout::new(
            &me,
            format!("Fiche de synthèse — {}", u.nom_naissance),
            "usagers",
        ),
        sejours,
        entourage: app.store.entourage(&cap).await?,
        pros: app.store.professionnels_usager(&cap).await?,
        referent,
        edite_le: crate::time::fr_instant(Utc::now()),
        u,
        tabs,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/tracabilite.html")]
struct AuditPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    entries: Vec<Entry>,
    suivant: Option<i64>,
}

impl AuditPage {
    fn quand(&self, d: &str) -> String {
        fr_datetime_secs(d)
    }
    fn libelle(&self, action: &str) -> std::borrow::Cow<'static, str> {
        dui_domain::journal::ActionJournal::libelle(action)
    }
    fn exceptionnel(&self, e: &Entry) -> bool {
        e.detail.contains("\"acces_exceptionnel\":true")
    }
}

/// Pagination query.
#[derive(Deserialize)]
pub struct AuditQuery {
    avant: Option<i64>,
}

/// GET /usagers/{id}/tracabilite: who opened or changed the file.
pub async fn audit_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<AuditQuery>,
) -> WebResult<Response> {
    let (cap, tabs, u, _) = match open(&app, &me, id, "tracabilite").await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
    if !tabs.tracabilite {
        return Err(AppError::Forbidden("La traçabilité du dossier est réservée à la direction, au cadre, au référent et à l'usager.".into()));
    }
    let entries = app.store.usager_audit(&cap, q.avant, 100).await?;
    let suivant = (entries.len() == 100)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(AuditPage {
        layout: Layout::new(&me, format!("Traçabilité — {}", u.nom_naissance), "usagers"),
        u,
        tabs,
        entries,
        suivant,
    }
    .into_response())
}

/// "Different person" form.
#[derive(Deserialize)]
pub struct NotDuplicateForm {
    autre_id: String,
}

impl crate::saisie::Champs for NotDuplicateForm {
    const CHAMPS: &'static [Champ] = &[Champ::ligne("autre_id", lim::NUMERO)];
}

/// POST /usagers/{id}/non-doublon: this file and another are two different people.
pub async fn not_duplicate_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<NotDuplicateForm>,
) -> WebResult<Response> {
    let other = dui_store::usager::parse_numero(&f.autre_id).ok_or_else(|| {
        AppError::field(
            "autre_id",
            "Indiquez le numéro de l'autre dossier (par exemple U0000042).",
        )
    })?;
    let cap = capability(&app, &me, id, Section::Administratif, Action::Valider).await?;
    capability(&app, &me, other, Section::Administratif, Action::Valider).await?;
    app.store.confirm_not_duplicate(&cap, other).await?;
    Ok(done(&headers, &format!("/usagers/{id}")))
}

/// Break-the-glass form.
#[derive(Deserialize)]
pub struct BreakGlassForm {
    motif: String,
    heures: Option<i64>,
}

impl crate::saisie::Champs for BreakGlassForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::texte("motif", lim::MOTIF),
        Champ::ligne("heures", 20),
    ];
}

/// POST /usagers/{id}/acces-exceptionnel
pub async fn break_glass_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<BreakGlassForm>,
) -> WebResult<Response> {
    app.store
        .open_break_glass(
            &me.principal,
            id,
            &f.motif,
            f.heures.unwrap_or(4),
            Utc::now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => AppError::field("motif", m),
            other => other.into(),
        })?;
    Ok(done(&headers, &format!("/usagers/{id}")))
}
