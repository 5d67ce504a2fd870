//! The *Projet* tab of the file: build the personalised project (PPA, PPE) one change at a
//! time, link objectives to SERAFIN-PH needs and services, plan actions, record signatures,
//! validate, read a version and the differences between two.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::grille::besoins::{self, BesoinIdentifie};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::projet::{
    alerte_revision, date_iso, BesoinFondamental, DecisionSignature, Difference, NatureDecision,
    Qualite, StatutObjectif, TypeProjet, VoletPpe, CHAMPS,
};
use dui_domain::saisie::Champ;
use dui_domain::serafin::{self, Element, Famille};
use dui_store::usager::VALIDEE;
use dui_store::usager::{MembreEquipe, Modification as Changement, Projet, Usager, VersionProjet};
use serde::{Deserialize, Serialize};

use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::{Demande, PageDemandee};
use super::formulaire_ligne::repondre_page;
use super::projet::{numero, SignatureBody};
use super::projet_edition::{self as edition, version, EditionForm};
use super::projet_libelles::LibellesProjet;
use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::saisie::Champs;
use crate::time::fr_date;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// What the page shows (`?projet=&version=&de=&a=`).
#[derive(Deserialize, Default)]
pub struct Vue {
    projet: Option<String>,
    version: Option<String>,
    de: Option<String>,
    a: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/projet.html")]
struct ProjetPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    projets: Vec<Projet>,
    projet: Option<Projet>,
    affichee: Option<VersionProjet>,
    versions: Vec<VersionProjet>,
    differences: Option<(i64, i64, Vec<Difference>)>,
    /// The version shown is the one a change would start from (draft, or last validated).
    courante: bool,
    peut_ecrire: bool,
    peut_valider: bool,
    moi: i64,
    equipe: Vec<MembreEquipe>,
    aujourdhui: String,
    serafin: Vec<&'static Element>,
    /// The needs identified by the last validated SERAFIN-PH evaluation, with its date
    /// (offered first as the needs of an objective).
    besoins_evalues: Option<(String, Vec<BesoinIdentifie>)>,
    /// The form refused in place (`creation`, `objectif`, `textes`, `participant`,
    /// `signature`, `validation`), if any.
    en_place: EnPlace,
}

impl LibellesProjet for ProjetPage {
    fn equipe(&self) -> &[MembreEquipe] {
        &self.equipe
    }
    fn moi(&self) -> Option<i64> {
        Some(self.moi)
    }
}

impl ProjetPage {
    /// The review's alert: « en retard » or « bientôt ».
    fn alerte(&self, d: &str) -> &'static str {
        match (date_iso(d), date_iso(&self.aujourdhui)) {
            (Some(d), Some(t)) => alerte_revision(d, t).map_or("", |e| e.label_fr()),
            _ => "",
        }
    }
    fn statuts(&self) -> &'static [StatutObjectif] {
        StatutObjectif::ALL
    }
    fn qualites(&self) -> &'static [Qualite] {
        Qualite::ALL
    }
    fn decisions(&self) -> &'static [DecisionSignature] {
        DecisionSignature::ALL
    }
    fn natures(&self) -> &'static [NatureDecision] {
        NatureDecision::ALL
    }
    fn besoins(&self) -> &'static [BesoinFondamental] {
        BesoinFondamental::ALL
    }
    fn types(&self) -> &'static [TypeProjet] {
        TypeProjet::ALL
    }
    /// The projects that are not archived by a merge.
    fn en_cours(&self) -> usize {
        self.projets
            .iter()
            .filter(|p| p.fusion_archive.is_none())
            .count()
    }
    /// A text of the child's part: as typed when its form was refused, as stored otherwise.
    fn ppe(&self, typed: &crate::Saisie, champ: &str, stocke: &Option<String>) -> String {
        typed.ou(champ, stocke.as_deref().unwrap_or_default())
    }
    /// The observation of need `b`: as typed when the child's part was refused, as stored
    /// otherwise.
    fn besoin_saisi(&self, typed: &crate::Saisie, v: &VoletPpe, b: &BesoinFondamental) -> String {
        typed.ou(&format!("besoin_{}", b.code()), self.observation(v, b))
    }
    fn observation(&self, v: &VoletPpe, b: &BesoinFondamental) -> String {
        v.besoins_fondamentaux
            .iter()
            .find(|o| o.besoin == b.code())
            .map(|o| o.observation.clone())
            .unwrap_or_default()
    }
}

pub(super) fn entier(s: Option<&str>) -> Option<i64> {
    s.and_then(|s| s.trim().parse().ok())
}

/// GET /usagers/{id}/projet
pub async fn page(p: PageDemandee<Vue>) -> PageDossier {
    rendre(p.demande(), EnPlace::default()).await
}

/// The project page of `q`, a form refused in place (or none).
async fn rendre(d: Demande<'_, Vue>, en_place: EnPlace) -> PageDossier {
    let Demande { app, me, id, q } = d;
    let Dossier { tabs, u, .. } = Dossier::ouvrir(app, me, id, Onglet::Projet).await?;
    let cap = capability(app, me, id, Section::Accompagnement, Action::Lire).await?;
    let m = matrix(app).await?;
    let projets = app
        .store
        .projets_page(&cap, dui_store::page::Page::TOUT)
        .await?;
    let choisi = entier(q.projet.as_deref());
    // By default the first current project (one archived by a merge only when chosen).
    let projet = match choisi {
        Some(c) => projets.iter().find(|p| p.id == c),
        None => projets
            .iter()
            .find(|p| p.fusion_archive.is_none())
            .or(projets.first()),
    }
    .cloned();
    let (mut affichee, mut versions, mut differences, mut courante) = (None, vec![], None, false);
    if let Some(p) = &projet {
        let actuelle = p.brouillon.or(p.derniere_validee);
        let n = entier(q.version.as_deref()).or(actuelle);
        courante = n == actuelle && p.fusion_archive.is_none();
        if let Some(n) = n {
            affichee = app.store.projet_version(&cap, p.id, n).await?;
        }
        versions = app
            .store
            .projet_versions_page(&cap, p.id, dui_store::page::Page::TOUT)
            .await?;
        if let (Some(_), Some(_)) = (&q.de, &q.a) {
            let de = numero("de", q.de.as_deref())?;
            let a = numero("a", q.a.as_deref())?;
            differences = Some((de, a, app.store.projet_diff(&cap, p.id, de, a).await?));
        }
    }
    let role = me.user.role;
    let besoins_evalues = besoins_evalues(app, &cap).await?;
    Ok(ProjetPage {
        besoins_evalues,
        en_place,
        layout: Layout::new(me, format!("Projet — {}", u.nom_affiche()), "usagers"),
        u,
        tabs,
        projets,
        projet,
        affichee,
        versions,
        differences,
        courante,
        peut_ecrire: m.permet(role, Section::Accompagnement, Action::Ecrire),
        peut_valider: m.permet(role, Section::Accompagnement, Action::Valider),
        moi: me.user.id,
        equipe: app.store.equipe_projet(&cap).await?,
        aujourdhui: crate::time::paris_today(Utc::now()).to_string(),
        serafin: serafin::elements()
            .iter()
            .filter(|e| e.famille != Famille::PrestationsIndirectes)
            .collect(),
    }
    .into_response())
}

/// The needs identified by the person's last validated SERAFIN-PH needs evaluation.
async fn besoins_evalues(
    app: &App,
    cap: &dui_store::policy::Capability,
) -> WebResult<Option<(String, Vec<BesoinIdentifie>)>> {
    let evaluations = app
        .store
        .evaluations(cap, Some(besoins::GRILLE), None, 20)
        .await?;
    let Some(e) = evaluations.iter().find(|e| e.statut == VALIDEE) else {
        return Ok(None);
    };
    let Some(d) = app.grilles.version(&e.grille, &e.grille_version) else {
        return Ok(None);
    };
    Ok(Some((
        fr_date(&e.date_evaluation.to_string()),
        besoins::besoins_identifies(&d, &e.reponses),
    )))
}

/// The creation form.
#[derive(Deserialize, Serialize)]
pub struct CreationForm {
    #[serde(rename = "type", default)]
    type_projet: String,
}

impl crate::saisie::Champs for CreationForm {
    const CHAMPS: &'static [Champ] = CHAMPS;
}

/// The forms of the page shown in place, their input ids `<prefix><field>`.
const CREATION: Formulaire = Formulaire::new("creation", "p-", Fait::ProjetCree);
const OBJECTIF: Formulaire = Formulaire::new("objectif", "ob-", Fait::ProjetModifie);
const TEXTES: Formulaire = Formulaire::new("textes", "tx-", Fait::ProjetModifie);
const PARTICIPANT: Formulaire = Formulaire::new("participant", "pa-", Fait::ProjetModifie);
const VALIDATION: Formulaire = Formulaire::new("validation", "va-", Fait::ProjetValide);
const SIGNATURE: Formulaire = Formulaire::new("signature", "sg-", Fait::SignatureEnregistree);
/// An objective's status and its new action: one form of each per objective, their input ids
/// `<prefix><objective's key>-<field>` (`st-o3-statut`).
const STATUT: Formulaire = Formulaire::new("statut", "st-", Fait::ProjetModifie);
const ACTION: Formulaire = Formulaire::new("action", "ac-", Fait::ProjetModifie);
const PPE: Formulaire = Formulaire::new("ppe", "pe-", Fait::ProjetModifie);

/// The answer to the form `formulaire` of the project page of file `id` typed as `f` (for the
/// objective keyed `cle`, if it is one of an objective's forms): the page of project `pid`
/// (the one created) confirming it, or the page of `choisi` again with the refusal in place.
async fn sur_projet<F: Champs + Serialize>(
    (app, me, headers): (&App, &CurrentUser, &HeaderMap),
    (id, choisi): (UsagerId, Option<i64>),
    (formulaire, cle): (&Formulaire, Option<&str>),
    f: &F,
    issue: WebResult<i64>,
) -> WebResult<Response> {
    let pid = issue.as_ref().ok().copied().or(choisi).unwrap_or_default();
    let adresse = format!("/usagers/{id}/projet?projet={pid}");
    let q = Vue {
        projet: choisi.map(|p| p.to_string()),
        ..Vue::default()
    };
    repondre_page(
        headers,
        &adresse,
        (formulaire, None, f),
        issue,
        |en_place: EnPlace| {
            let en_place = match cle {
                Some(c) => en_place.sur_cle(c),
                None => en_place,
            };
            rendre(Demande { app, me, id, q: &q }, en_place)
        },
    )
    .await
}

/// POST /usagers/{id}/projet: a new project with an empty draft.
pub async fn create_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
    Form(f): Form<CreationForm>,
) -> WebResult<Response> {
    let issue = async {
        let t = TypeProjet::from_code(f.type_projet.trim())
            .ok_or_else(|| AppError::field("type", "Choisissez le type de projet."))?;
        let contenu = dui_domain::projet::Contenu {
            ppe: (t == TypeProjet::Ppe).then(VoletPpe::default),
            ..Default::default()
        };
        let cap = capability(&app, &me, id, Section::Accompagnement, Action::Ecrire).await?;
        Ok(app.store.create_projet(&cap, t, &contenu).await?)
    }
    .await;
    sur_projet(
        (&app, &me, &headers),
        (id, None),
        (&CREATION, None),
        &f,
        issue,
    )
    .await
}

/// POST /usagers/{id}/projet/{pid}/brouillon: the change confirmed; its refusal is the page
/// again, that form as typed (an objective's status or action: that objective's form open).
pub async fn edit_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, pid)): Path<(UsagerId, i64)>,
    Form(f): Form<EditionForm>,
) -> WebResult<Response> {
    let issue = async {
        let v = version(&f.version)?;
        let m = f.modification(me.user.id)?;
        edition::verifier(&m)?;
        let cap = capability(&app, &me, id, Section::Accompagnement, Action::Ecrire).await?;
        app.store
            .modifier_brouillon(&cap, pid, v, Changement::Une(m))
            .await?;
        Ok(pid)
    }
    .await;
    let cle = f.cle.as_deref().unwrap_or_default();
    let formulaire = match f.operation.as_str() {
        "objectif" => (&OBJECTIF, None),
        "textes" => (&TEXTES, None),
        "participant" => (&PARTICIPANT, None),
        "statut" => (&STATUT, Some(cle)),
        "action" => (&ACTION, Some(cle)),
        "ppe" => (&PPE, None),
        // No form of the page sends another one.
        _ => return issue.map(|_| Response::default()),
    };
    sur_projet(
        (&app, &me, &headers),
        (id, Some(pid)),
        formulaire,
        &f,
        issue,
    )
    .await
}

/// The validation form.
#[derive(Deserialize, Serialize)]
pub struct ValidationForm {
    version: Option<String>,
}

impl crate::saisie::Champs for ValidationForm {
    const CHAMPS: &'static [Champ] = &[];
}

/// POST /usagers/{id}/projet/{pid}/validation
pub async fn validate_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, pid)): Path<(UsagerId, i64)>,
    Form(f): Form<ValidationForm>,
) -> WebResult<Response> {
    let issue = async {
        let v = version(&f.version)?;
        let cap = capability(&app, &me, id, Section::Accompagnement, Action::Valider).await?;
        let today = crate::time::paris_today(Utc::now());
        app.store.valider_projet(&cap, pid, v, today).await?;
        Ok(pid)
    }
    .await;
    sur_projet(
        (&app, &me, &headers),
        (id, Some(pid)),
        (&VALIDATION, None),
        &f,
        issue,
    )
    .await
}

/// The signature form (on version `numero`).
#[derive(Deserialize, Serialize)]
pub struct SignatureForm {
    numero: Option<String>,
    version: Option<String>,
    #[serde(flatten)]
    signature: SignatureFields,
}

/// The signature's own fields as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct SignatureFields {
    #[serde(default)]
    signataire: String,
    #[serde(default)]
    qualite: String,
    #[serde(default)]
    decision: String,
    signe_le: Option<String>,
    commentaire: Option<String>,
}

impl crate::saisie::Champs for SignatureForm {
    const CHAMPS: &'static [Champ] = CHAMPS;
}

/// POST /usagers/{id}/projet/{pid}/signature
pub async fn sign_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, pid)): Path<(UsagerId, i64)>,
    Form(f): Form<SignatureForm>,
) -> WebResult<Response> {
    let issue = async {
        let v = version(&f.version)?;
        let n = numero("numero", f.numero.as_deref())?;
        let s = SignatureBody {
            signataire: f.signature.signataire.clone(),
            qualite: f.signature.qualite.clone(),
            decision: f.signature.decision.clone(),
            signe_le: f.signature.signe_le.clone(),
            commentaire: f.signature.commentaire.clone(),
            version: Some(v),
        }
        .valider()?;
        let cap = capability(&app, &me, id, Section::Accompagnement, Action::Valider).await?;
        app.store.signer_projet(&cap, pid, n, v, &s).await?;
        Ok(pid)
    }
    .await;
    sur_projet(
        (&app, &me, &headers),
        (id, Some(pid)),
        (&SIGNATURE, None),
        &f,
        issue,
    )
    .await
}
