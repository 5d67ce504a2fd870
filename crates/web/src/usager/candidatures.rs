//! Applications (ADM-1) and the first interview (ADM-2) through `/api/v1/candidatures`: the
//! consolidated waiting list (filters, keyset pages), a new application, one application
//! (the body its PUT takes), its change, a move in the flow, the interview planned, and the
//! person's file created from it (duplicate check) or linked. The rules are the store's and
//! the domain's; this module parses and authorizes.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{NaiveDate, Utc};
use dui_domain::candidature::{OrigineCandidature, Priorite, StatutCandidature};
use dui_domain::ids::UsagerId;
use dui_domain::organisation::Domaine;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::sejour::TypeAccompagnement;
use dui_domain::usager::Sexe;
use dui_store::policy::{authorize_candidatures, CapaciteCandidatures};
use dui_store::usager::{Candidature, CandidatureInput, FiltreCandidatures, Piece};
use serde::{Deserialize, Serialize};

use super::capability;
use super::sejours::{code, jour};
use super::versionne::{enregistrement, Cle, Versionne};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, ApiJson, Errors};
use crate::pagination::{Pagination, CANDIDATURES};
use crate::time::paris_today;
use crate::{App, WebResult};

/// The support an application asks for (`orientation`), or its French error.
fn orientation(e: &mut Errors, v: &Option<String>) -> Option<TypeAccompagnement> {
    code(
        e,
        "orientation",
        "Orientation",
        v,
        TypeAccompagnement::from_code,
    )
}

/// The authorization of the applications for `action` (audited refusal).
pub(crate) async fn capacite(
    app: &App,
    me: &CurrentUser,
    action: Action,
) -> WebResult<CapaciteCandidatures> {
    let m = super::matrix(app).await?;
    Ok(authorize_candidatures(&app.store, &m, &me.principal, action, Utc::now()).await?)
}

/// A document as typed.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct PieceFields {
    /// What it is.
    pub libelle: Option<String>,
    /// Received on (`AAAA-MM-JJ` or `JJ/MM/AAAA`; empty: expected).
    pub recue_le: Option<String>,
}

/// An application as typed: the body of its creation and of its change (the body its GET
/// returns is accepted).
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct CandidatureFields {
    /// Ids of the établissements it is aimed at.
    #[serde(default)]
    pub etablissements: Vec<i64>,
    /// Birth name.
    pub nom_naissance: Option<String>,
    /// First names.
    pub prenoms: Option<String>,
    /// Birth date.
    pub date_naissance: Option<String>,
    /// `F`, `M` or `I`.
    pub sexe: Option<String>,
    /// Phone.
    pub telephone: Option<String>,
    /// Origin (code).
    pub origine: Option<String>,
    /// Number of the decision or request.
    pub numero_decision: Option<String>,
    /// Date of the decision.
    pub date_decision: Option<String>,
    /// End of validity of the decision.
    pub fin_decision: Option<String>,
    /// Kind of support asked (code of the stays' kinds).
    pub orientation: Option<String>,
    /// Priority (code; `normale` by default).
    pub priorite: Option<String>,
    /// Criteria.
    pub criteres: Option<String>,
    /// Documents.
    #[serde(default)]
    #[schema(max_items = 30)]
    pub pieces: Vec<PieceFields>,
    /// Received on (today by default).
    pub date_reception: Option<String>,
    /// Creation: the person's existing file.
    pub usager_id: Option<i64>,
    /// Change: the version read (or `If-Match`).
    pub version: Option<i64>,
}

/// The fields of an application's body, with their maxima.
pub(crate) const CHAMPS_CANDIDATURE: &[Champ] = &[
    Champ::ligne("etablissements", 20),
    Champ::ligne("nom_naissance", lim::NOM_PERSONNE),
    Champ::ligne("prenoms", lim::NOM_PERSONNE),
    Champ::ligne("date_naissance", lim::DATE),
    Champ::ligne("sexe", lim::CODE),
    Champ::ligne("telephone", lim::TELEPHONE),
    Champ::ligne("origine", lim::CODE),
    Champ::ligne("numero_decision", lim::REFERENCE),
    Champ::ligne("date_decision", lim::DATE),
    Champ::ligne("fin_decision", lim::DATE),
    Champ::ligne("orientation", lim::CODE),
    Champ::ligne("priorite", lim::CODE),
    Champ::texte("criteres", lim::COMMENTAIRE),
    Champ::ligne("libelle", lim::LIBELLE),
    Champ::ligne("recue_le", lim::DATE),
    Champ::ligne("date_reception", lim::DATE),
    Champ::ligne("usager_id", 20),
    Champ::ligne("version", 20),
];

impl crate::saisie::Champs for CandidatureFields {
    const CHAMPS: &'static [Champ] = CHAMPS_CANDIDATURE;
}

pub(crate) fn requis<T>(
    e: &mut Errors,
    field: &str,
    message: &str,
    v: Option<T>,
    brut: &Option<String>,
) -> Option<T> {
    if opt(brut).is_none() {
        e.add(field, message);
    }
    v
}

impl CandidatureFields {
    /// The application typed (French 422 naming each wrong field).
    pub(crate) fn input(&self, today: NaiveDate) -> WebResult<CandidatureInput> {
        let mut e = Errors::default();
        let nom = opt(&self.nom_naissance).map(|n| n.to_uppercase());
        if nom.is_none() {
            e.add("nom_naissance", "Le nom de naissance est obligatoire.");
        }
        let prenoms = opt(&self.prenoms);
        if prenoms.is_none() {
            e.add("prenoms", "Le ou les prénoms sont obligatoires.");
        }
        let naissance = jour(
            &mut e,
            "date_naissance",
            "La date de naissance",
            &self.date_naissance,
        );
        let naissance = requis(
            &mut e,
            "date_naissance",
            "La date de naissance est obligatoire.",
            naissance,
            &self.date_naissance,
        );
        if naissance.is_some_and(|n| n > today) {
            e.add("date_naissance", "La date de naissance est dans le futur.");
        }
        let sexe = code(&mut e, "sexe", "Sexe", &self.sexe, Sexe::from_code);
        let sexe = requis(&mut e, "sexe", "Le sexe est obligatoire.", sexe, &self.sexe);
        let origine = code(
            &mut e,
            "origine",
            "Origine",
            &self.origine,
            OrigineCandidature::from_code,
        );
        let origine = requis(
            &mut e,
            "origine",
            "L'origine de la candidature est obligatoire.",
            origine,
            &self.origine,
        );
        let priorite = code(
            &mut e,
            "priorite",
            "Priorité",
            &self.priorite,
            Priorite::from_code,
        );
        let mut pieces = Vec::new();
        for p in &self.pieces {
            let Some(libelle) = opt(&p.libelle) else {
                if opt(&p.recue_le).is_some() {
                    e.add("libelle", "Chaque pièce a un libellé.");
                }
                continue;
            };
            pieces.push(Piece {
                libelle,
                recue_le: jour(
                    &mut e,
                    "recue_le",
                    "La date de réception de la pièce",
                    &p.recue_le,
                ),
            });
        }
        if self.etablissements.is_empty() {
            e.add("etablissements", "Choisissez au moins un établissement.");
        }
        let input = CandidatureInput {
            etablissements: self.etablissements.clone(),
            nom_naissance: nom.unwrap_or_default(),
            prenoms: prenoms.unwrap_or_default(),
            date_naissance: naissance.unwrap_or(today),
            sexe: sexe.unwrap_or(Sexe::I),
            telephone: opt(&self.telephone),
            origine: origine.unwrap_or(OrigineCandidature::Personne),
            numero_decision: opt(&self.numero_decision),
            date_decision: jour(
                &mut e,
                "date_decision",
                "La date de la décision",
                &self.date_decision,
            ),
            fin_decision: jour(
                &mut e,
                "fin_decision",
                "La fin de validité",
                &self.fin_decision,
            ),
            orientation: orientation(&mut e, &self.orientation),
            priorite: priorite.unwrap_or(Priorite::Normale),
            criteres: opt(&self.criteres),
            pieces,
            date_reception: jour(
                &mut e,
                "date_reception",
                "La date de réception",
                &self.date_reception,
            )
            .unwrap_or(today),
        };
        e.finish()?;
        Ok(input)
    }
}

/// `?statut=&etablissement=&domaine=&age_min=&age_max=&gir=&orientation=` of the waiting list.
#[derive(Deserialize, Default, Clone)]
pub struct FiltreQuery {
    pub statut: Option<String>,
    pub etablissement: Option<String>,
    pub domaine: Option<String>,
    pub age_min: Option<String>,
    pub age_max: Option<String>,
    pub gir: Option<String>,
    pub orientation: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

impl FiltreQuery {
    /// The filters typed (French 422 naming each wrong one).
    pub(crate) fn filtre(&self) -> WebResult<FiltreCandidatures> {
        let mut e = Errors::default();
        let age = |e: &mut Errors, f: &str, v: &Option<String>| {
            crate::forms::opt_int(e, f, "Âge", v).map(|a| u32::try_from(a.min(150)).unwrap_or(150))
        };
        let gir = crate::forms::opt_int(&mut e, "gir", "GIR", &self.gir);
        if gir.is_some_and(|g| !(1..=6).contains(&g)) {
            e.add("gir", "Le GIR va de 1 à 6.");
        }
        let f = FiltreCandidatures {
            etablissement: crate::forms::opt_int(
                &mut e,
                "etablissement",
                "Établissement",
                &self.etablissement,
            ),
            domaine: code(
                &mut e,
                "domaine",
                "Secteur",
                &self.domaine,
                Domaine::from_code,
            ),
            statut: code(
                &mut e,
                "statut",
                "Statut",
                &self.statut,
                StatutCandidature::from_code,
            ),
            age_min: age(&mut e, "age_min", &self.age_min),
            age_max: age(&mut e, "age_max", &self.age_max),
            gir,
            orientation: orientation(&mut e, &self.orientation),
            jour: Some(paris_today(Utc::now())),
        };
        e.finish()?;
        Ok(f)
    }

    pub(crate) fn pagination(&self) -> Pagination {
        Pagination {
            limit: self.limit.clone(),
            cursor: self.cursor.clone(),
        }
    }
}

/// GET /api/v1/candidatures: the consolidated waiting list.
pub async fn api_liste(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<FiltreQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let f = q.filtre()?;
    let page = q.pagination().page(&CANDIDATURES)?;
    let cap = capacite(&app, &me, Action::Lire).await?;
    let (items, next) = app.store.liste_candidatures(&cap, &f, page).await?;
    Ok(crate::reponses::liste(items, next.map(|n| n.to_string())))
}

/// The existing file given at creation: a capability proving the account may see it.
async fn dossier_existant(
    app: &App,
    me: &CurrentUser,
    u: Option<i64>,
) -> WebResult<Option<dui_store::policy::Capability>> {
    match u {
        Some(u) => Ok(Some(
            capability(
                app,
                me,
                UsagerId::from(u),
                Section::Administratif,
                Action::Lire,
            )
            .await?,
        )),
        None => Ok(None),
    }
}

/// Records an application: its id.
pub(crate) async fn creer(app: &App, me: &CurrentUser, f: &CandidatureFields) -> WebResult<i64> {
    let input = f.input(paris_today(Utc::now()))?;
    let cap = capacite(app, me, Action::Ecrire).await?;
    let dossier = dossier_existant(app, me, f.usager_id).await?;
    Ok(app
        .store
        .creer_candidature(&cap, &input, dossier.as_ref())
        .await?)
}

/// POST /api/v1/candidatures → 201.
pub async fn api_creer(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(f): ApiJson<CandidatureFields>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let id = creer(&app, &me, &f).await?;
    Ok((StatusCode::CREATED, Json(Cree { id, version: 1 })))
}

/// An application, addressed by its id alone: the account's établissements decide.
impl Cle for i64 {
    type Cap = CapaciteCandidatures;

    fn id(self) -> i64 {
        self
    }

    async fn capacite(
        self,
        app: &App,
        me: &CurrentUser,
        _: Section,
        action: Action,
    ) -> WebResult<CapaciteCandidatures> {
        capacite(app, me, action).await
    }
}

enregistrement!(
    CandidatureFields,
    i64,
    Section::Administratif,
    Action::Ecrire,
    candidature -> Candidature
);

impl Versionne for CandidatureFields {
    async fn modifier(
        &self,
        app: &App,
        cap: &CapaciteCandidatures,
        id: i64,
        v: i64,
    ) -> WebResult<Cree> {
        let input = self.input(paris_today(Utc::now()))?;
        let version = app.store.modifier_candidature(cap, id, v, &input).await?;
        Ok(Cree { id, version })
    }
}
