//! The liaison book (COO-6): the page `/usagers/{id}/liaison` (entries newest first, the new
//! ones marked, the form to write or correct one; for the cadre, the partners and relatives
//! of the book) and the API `/api/v1/usagers/{id}/liaison`. No update nor delete: a
//! correction is a new entry. An outside partner's account reads and writes here only: its
//! page shows the person's name and the book, not the file's header.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use dui_domain::ids::UsagerId;
use dui_domain::liaison::{QualiteLiaison, QUALITES_PARTENAIRE};
use dui_domain::policy::{Action, Role, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::admin::annuaire::CompteNomme;
use dui_store::policy::Capability;
use dui_store::usager::{EntreeLiaison, EntreeLiaisonInput, ParticipantLiaison, Usager};
use serde::{Deserialize, Serialize};

use super::ajout_seul::{
    ajout_seul, api_ajout, api_liste, saisie_corrigeable, Ecrit, PageAjoutSeul, PageSeul,
};
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::{Demande, FormulaireDossier};
use super::formulaire_ligne::{champs, page_refusee, repondre_page};
use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::forms::{opt, ApiJson, Errors};
use crate::pagination::{self, Pagination};
use crate::time::fr_datetime;
use crate::time::DatesFr as _;
use crate::{App, EnPlace, Fait, Formulaire, Layout, Saisie, WebResult};

saisie_corrigeable! {
    /// An entry as typed (form or JSON).
    EntreeLiaisonFields {
        texte: texte(lim::TRANSMISSION),
    }
}

impl EntreeLiaisonFields {
    fn validate(&self) -> WebResult<EntreeLiaisonInput> {
        let mut e = Errors::default();
        let texte = opt(&self.texte).unwrap_or_default();
        if let Some(m) = dui_domain::liaison::erreur_texte(&texte) {
            e.add("texte", m);
        }
        let corrige_id = self.correction.id(&mut e, "Entrée corrigée inconnue.");
        e.finish()?;
        Ok(EntreeLiaisonInput { texte, corrige_id })
    }
}

ajout_seul!(EntreeLiaisonFields, Section::Liaison, LIAISON, LiaisonPage, liaison_page -> EntreeLiaison, lu: liaison_lue);

impl Ecrit for EntreeLiaisonFields {
    async fn ecrire(&self, app: &App, _: &CurrentUser, cap: &Capability) -> WebResult<i64> {
        Ok(app.store.add_liaison(cap, &self.validate()?).await?)
    }
}

/// What the book shows, with or without the file's header.
pub(crate) struct Contenu {
    id: UsagerId,
    personne: String,
    items: Vec<EntreeLiaison>,
    suivant: Option<i64>,
    /// The quality the reader writes in, or why they may not (`None`: the role never writes).
    qualite: Option<Result<QualiteLiaison, &'static str>>,
    corrige: Option<i64>,
    /// The cadre's part: participants, relatives that may be allowed, partner qualities.
    gestion: Option<Gestion>,
    /// The temporary password of the partner just invited (shown once).
    invitation: Option<(String, String)>,
    /// The form refused in place, if any.
    en_place: EnPlace,
}

pub(crate) struct Gestion {
    participants: Vec<ParticipantLiaison>,
    proches: Vec<CompteNomme>,
    qualites: &'static [QualiteLiaison],
}

impl Contenu {
    fn nouvelles(&self) -> usize {
        self.items.iter().filter(|e| e.nouvelle).count()
    }
    fn quand_opt(&self, t: &Option<String>) -> String {
        t.as_deref().map(fr_datetime).unwrap_or_default()
    }

    /// Reads the book of `id` for `me` (audited), then marks it read.
    async fn lire(
        app: &App,
        me: &CurrentUser,
        id: UsagerId,
        q: &PageAjoutSeul,
        adm: Option<&Capability>,
    ) -> WebResult<Contenu> {
        let m = matrix(app).await?;
        let cap = capability(app, me, id, Section::Liaison, Action::Lire).await?;
        let page = Pagination {
            limit: Some("30".into()),
            cursor: q.cursor.clone(),
        }
        .page(&pagination::LIAISON)?;
        let (items, suivant) = page.split(app.store.liaison_page(&cap, page).await?, |e| e.id);
        app.store.liaison_lue(&cap).await?;
        let qualite = if m.permet(me.user.role, Section::Liaison, Action::Ecrire) {
            Some(app.store.liaison_qualite(&cap).await?)
        } else {
            None
        };
        let gestion = match adm {
            Some(adm) if m.permet(me.user.role, Section::Liaison, Action::Valider) => {
                let proches = app
                    .store
                    .affectations(adm)
                    .await?
                    .into_iter()
                    .filter(|c| c.role == Role::Proche)
                    .collect();
                Some(Gestion {
                    participants: app.store.liaison_participants(&cap).await?,
                    proches,
                    qualites: QUALITES_PARTENAIRE,
                })
            }
            _ => None,
        };
        Ok(Contenu {
            id,
            personne: app.store.liaison_personne(&cap).await?,
            items,
            suivant,
            qualite,
            corrige: q.corrige.as_deref().and_then(|c| c.parse().ok()),
            gestion,
            invitation: None,
            en_place: EnPlace::default(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/liaison.html")]
pub(crate) struct LiaisonPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    c: Contenu,
}

/// The page of an account limited to the book (a partner): the person's name, no header.
#[derive(Template, WebTemplate)]
#[template(path = "usager/liaison_seule.html")]
struct LiaisonSeulePage {
    layout: Layout,
    c: Contenu,
}

/// Renders the book of `id` for `me`, with the file's header for those who open the file.
async fn rendre(
    Demande { app, me, id, q }: Demande<'_, PageAjoutSeul>,
    invitation: Option<(String, String)>,
    en_place: EnPlace,
) -> PageDossier {
    let m = matrix(app).await?;
    if m.permet(me.user.role, Section::Administratif, Action::Lire) {
        let d = Dossier::ouvrir(app, me, id, Onglet::Section(Section::Liaison)).await?;
        let mut c = Contenu::lire(app, me, id, q, Some(&d.cap)).await?;
        c.invitation = invitation;
        c.en_place = en_place;
        let Dossier { tabs, u, .. } = d;
        return Ok(LiaisonPage {
            layout: Layout::new(
                me,
                format!("Cahier de liaison — {}", u.nom_naissance),
                "usagers",
            ),
            u,
            tabs,
            c,
        }
        .into_response());
    }
    let mut c = Contenu::lire(app, me, id, q, None).await?;
    c.en_place = en_place;
    Ok(LiaisonSeulePage {
        layout: Layout::new(me, format!("Cahier de liaison — {}", c.personne), "liaison"),
        c,
    }
    .into_response())
}

/// GET /usagers/{id}/liaison (`ajout_seul::page`), and the book again with a refused entry.
impl PageSeul for LiaisonPage {
    const ADRESSE: &'static str = "/liaison";
    const FORMULAIRE: Formulaire = Formulaire::new("liaison", "l-", Fait::EntreeLiaisonEnregistree);

    async fn rendre(d: Demande<'_, PageAjoutSeul>, en_place: EnPlace) -> PageDossier {
        rendre(d, None, en_place).await
    }
}

/// The cadre's invitation of an outside partner.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct InvitationFields {
    username: Option<String>,
    prenom: Option<String>,
    nom: Option<String>,
    qualite: Option<String>,
    email: Option<String>,
}

impl crate::saisie::Champs for InvitationFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("username", lim::IDENTIFIANT),
        Champ::ligne("prenom", lim::NOM_PERSONNE),
        Champ::ligne("nom", lim::NOM_PERSONNE),
        Champ::ligne("qualite", lim::CODE),
        Champ::ligne("email", lim::EMAIL),
    ];
}

impl InvitationFields {
    fn validate(&self) -> WebResult<dui_store::usager::InvitationPartenaire> {
        let mut e = Errors::default();
        let username = e.required(
            "username",
            "Identifiant de connexion",
            self.username.as_deref().unwrap_or(""),
            lim::IDENTIFIANT,
        );
        let prenom = e.required(
            "prenom",
            "Prénom",
            self.prenom.as_deref().unwrap_or(""),
            lim::NOM_PERSONNE,
        );
        let nom = e.required(
            "nom",
            "Nom",
            self.nom.as_deref().unwrap_or(""),
            lim::NOM_PERSONNE,
        );
        let qualite = opt(&self.qualite)
            .and_then(|q| QualiteLiaison::from_code(&q))
            .filter(|q| QUALITES_PARTENAIRE.contains(q));
        if qualite.is_none() {
            e.add(
                "qualite",
                "Choisissez la qualité du partenaire dans la liste.",
            );
        }
        e.finish()?;
        Ok(dui_store::usager::InvitationPartenaire {
            username,
            prenom,
            nom,
            qualite: qualite.unwrap_or(QualiteLiaison::AutrePartenaire),
            email: opt(&self.email),
        })
    }
}

/// An invitation made: the account and its temporary password (shown once).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PartenaireInvite {
    /// The account created.
    pub id: i64,
    /// Its login name.
    pub username: String,
    /// Its temporary password, to change at first login.
    pub mot_de_passe_temporaire: String,
}

async fn inviter(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    f: &InvitationFields,
) -> WebResult<PartenaireInvite> {
    let input = f.validate()?;
    let cap = capability(app, me, id, Section::Liaison, Action::Valider).await?;
    let temp = crate::passwords::temporary_password();
    let t = temp.clone();
    let hash =
        tokio::task::spawn_blocking(move || dui_store::admin::utilisateur::hash_password(&t))
            .await
            .map_err(|e| crate::AppError::Internal(e.to_string()))??;
    let uid = app.store.inviter_partenaire(&cap, &input, &hash).await?;
    Ok(PartenaireInvite {
        id: uid,
        username: input.username.trim().to_lowercase(),
        mot_de_passe_temporaire: temp,
    })
}

/// The cadre's form inviting a partner, its input ids `i-<field>` (its success is the page
/// showing the password, not a redirect with its confirmation).
const INVITATION: Formulaire = Formulaire::new("invitation", "i-", Fait::EntreeLiaisonEnregistree);

/// POST /usagers/{id}/liaison/partenaires: invites a partner; the page shows its password
/// (its confirmation); a refusal is the book again, the invitation as typed.
pub async fn invitation_form(p: FormulaireDossier<InvitationFields>) -> WebResult<Response> {
    let q = PageAjoutSeul::default();
    match inviter(&p.app, &p.me, p.id, &p.f).await {
        Ok(i) => {
            let invite = Some((i.username, i.mot_de_passe_temporaire));
            let page = rendre(p.demande(&q), invite, EnPlace::default()).await;
            Ok(page.into_response())
        }
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(&INVITATION, Saisie::de(&p.f), erreurs);
            page_refusee(e, &champs::<InvitationFields>(), placer, |en_place| {
                rendre(p.demande(&q), None, en_place)
            })
            .await
        }
    }
}

/// POST /api/v1/usagers/{id}/liaison/partenaires → 201 with the account and its password.
pub async fn api_invitation(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<InvitationFields>,
) -> WebResult<(StatusCode, Json<PartenaireInvite>)> {
    Ok((StatusCode::CREATED, Json(inviter(&app, &me, id, &f).await?)))
}

/// A participant named (and, for a relative, whether they may write).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct ParticipantFields {
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = i64)]
    utilisateur_id: Option<String>,
    /// `true` (or `oui`, a checked box) to allow a relative to write.
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    peut_ecrire: Option<String>,
}

impl crate::saisie::Champs for ParticipantFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("utilisateur_id", lim::NUMERO),
        Champ::ligne("peut_ecrire", 10),
    ];
}

impl ParticipantFields {
    fn compte(&self) -> WebResult<i64> {
        opt(&self.utilisateur_id)
            .and_then(|u| u.parse().ok())
            .ok_or_else(|| {
                crate::AppError::field("utilisateur_id", "Choisissez un compte dans la liste.")
            })
    }
    fn ecrit(&self) -> bool {
        matches!(
            opt(&self.peut_ecrire).as_deref(),
            Some("true" | "oui" | "on" | "1")
        )
    }
}

/// The cadre's form allowing a relative (`pr-<field>`), and the end of a participation, one
/// per participant (`fin-<account>-`).
const PROCHE: Formulaire = Formulaire::new("proche", "pr-", Fait::ProcheAutorise);
const FIN: Formulaire = Formulaire::new("fin", "fin-", Fait::ParticipationFinie);

/// The answer to the form `formulaire` of the book (of participant `ligne`) whose write ended
/// as `issue`: the book confirming it, or the book again with the refusal in place.
async fn sur_livre(
    p: &FormulaireDossier<ParticipantFields>,
    (formulaire, ligne): (&Formulaire, Option<i64>),
    issue: WebResult<()>,
) -> WebResult<Response> {
    let adresse = format!("/usagers/{}/liaison", p.id);
    let q = PageAjoutSeul::default();
    repondre_page(
        &p.headers,
        &adresse,
        (formulaire, ligne, &p.f),
        issue,
        |en_place| rendre(p.demande(&q), None, en_place),
    )
    .await
}

/// POST /usagers/{id}/liaison/proches: allows (or no longer allows) a relative to write.
pub async fn proche_form(p: FormulaireDossier<ParticipantFields>) -> WebResult<Response> {
    let issue = async {
        let compte = p.f.compte()?;
        let cap = capability(&p.app, &p.me, p.id, Section::Liaison, Action::Valider).await?;
        Ok(p.app
            .store
            .autoriser_proche(&cap, compte, p.f.ecrit())
            .await?)
    }
    .await;
    sur_livre(&p, (&PROCHE, None), issue).await
}

/// POST /usagers/{id}/liaison/fin: ends a participation (dated) and its assignment; one that
/// ended meanwhile (another tab, another cadre) is said on the book.
pub async fn fin_form(p: FormulaireDossier<ParticipantFields>) -> WebResult<Response> {
    let issue = async {
        let compte = p.f.compte()?;
        let cap = capability(&p.app, &p.me, p.id, Section::Liaison, Action::Valider).await?;
        match p.app.store.fin_participation(&cap, compte).await {
            Err(dui_store::StoreError::NotFound) => Err(crate::AppError::Conflict {
                code: "participation_finie",
                message: "Cet accès au cahier a déjà pris fin : la liste ci-dessous est à jour."
                    .into(),
                extra: None,
            }),
            r => Ok(r?),
        }
    }
    .await;
    sur_livre(&p, (&FIN, p.f.compte().ok()), issue).await
}

/// POST /api/v1/usagers/{id}/liaison/fin: ends a participation → 204 (404 if none is open).
pub async fn api_fin(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<ParticipantFields>,
) -> WebResult<StatusCode> {
    let cap = capability(&app, &me, id, Section::Liaison, Action::Valider).await?;
    app.store.fin_participation(&cap, f.compte()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of the liaison book's pages.
pub fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/usagers/{id}/liaison",
            get(super::ajout_seul::page::<LiaisonPage>)
                .post(super::ajout_seul::ajout_form::<EntreeLiaisonFields>),
        )
        .route("/usagers/{id}/liaison/partenaires", post(invitation_form))
        .route("/usagers/{id}/liaison/proches", post(proche_form))
        .route("/usagers/{id}/liaison/fin", post(fin_form))
}

/// The API of the liaison book.
pub fn api_routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/usagers/{id}/liaison",
            get(api_liste::<EntreeLiaisonFields>).post(api_ajout::<EntreeLiaisonFields>),
        )
        .route("/usagers/{id}/liaison/partenaires", post(api_invitation))
        .route("/usagers/{id}/liaison/fin", post(api_fin))
}
