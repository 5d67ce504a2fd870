//! Admission and stays (ADM-3): the *Séjours* tab (the path of the person, admission,
//! transfer, discharge) and `/api/v1/usagers/{id}/sejours…`. The rules are the store's.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::sejour::{Financement, ModeSortie, TypeAccompagnement};
use dui_store::policy::Capability;
use dui_store::usager::{
    Admission, MembreEquipe, ModificationSejour, Places, Sejour, Sortie, Suivi, Transfert, Usager,
};
use serde::{Deserialize, Serialize};

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier};
use super::formulaire_ligne::repondre;
use super::versionne::{enregistrement, AjoutDossier, Enregistrement, PageEnPlace, Versionne};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, ApiJson, Errors, Form};
use crate::reponses::expected_version;
use crate::time::paris_today;
use crate::time::DatesFr as _;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// The place of a stay as typed: an établissement and, within it, a unit (or none).
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct PlaceFields {
    /// Établissement.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    etablissement_id: Option<String>,
    /// Unit.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    unite_id: Option<String>,
}

impl PlaceFields {
    /// The établissement and the unit, each checked as an id.
    fn lire(&self, e: &mut Errors) -> (Option<i64>, Option<i64>) {
        (
            id(
                e,
                "etablissement_id",
                "Établissement",
                &self.etablissement_id,
            ),
            id(e, "unite_id", "Unité", &self.unite_id),
        )
    }
}

/// A stay as typed: an admission, or a change of a stay (the body a stay's GET returns is
/// accepted by its PUT; the place changes only by a transfer).
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct SejourFields {
    /// The établissement and unit (admission).
    #[serde(flatten)]
    place: PlaceFields,
    /// Kind of support (code).
    type_accompagnement: Option<String>,
    /// `AAAA-MM-JJ`.
    date_entree: Option<String>,
    /// Planned end, `AAAA-MM-JJ`.
    date_fin_prevue: Option<String>,
    /// Who pays (code).
    financement: Option<String>,
    /// Referent account.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    referent_id: Option<String>,
    /// The usager's number in the établissement.
    numero_usager: Option<String>,
    /// Admit over capacity (explicit; audited).
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    depasser_capacite: Option<String>,
    /// The stay's version (change; or `If-Match`).
    version: Option<i64>,
}

const CHAMPS_SEJOUR: &[Champ] = &[
    Champ::ligne("etablissement_id", 20),
    Champ::ligne("unite_id", 20),
    Champ::ligne("type_accompagnement", lim::CODE),
    Champ::ligne("date_entree", lim::DATE),
    Champ::ligne("date_fin_prevue", lim::DATE),
    Champ::ligne("financement", lim::CODE),
    Champ::ligne("referent_id", 20),
    Champ::ligne("numero_usager", lim::NUMERO),
    Champ::ligne("depasser_capacite", lim::CODE),
    Champ::ligne("version", 20),
];

impl crate::saisie::Champs for SejourFields {
    const CHAMPS: &'static [Champ] = CHAMPS_SEJOUR;
}

/// A transfer or a discharge as typed.
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct MouvementFields {
    /// `AAAA-MM-JJ`: the day of the move (the first day out).
    date: Option<String>,
    /// Transfer: the destination établissement and unit.
    #[serde(flatten)]
    place: PlaceFields,
    /// Transfer over capacity (explicit; audited).
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    depasser_capacite: Option<String>,
    /// Discharge: how it ends (code).
    mode_sortie: Option<String>,
    /// Discharge: where the person goes.
    destination: Option<String>,
    /// Discharge: the professional given the follow-up tasks it proposes (child
    /// protection, shelter).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    suivi_par: Option<String>,
    /// The stay's version (or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for MouvementFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("date", lim::DATE),
        Champ::ligne("etablissement_id", 20),
        Champ::ligne("unite_id", 20),
        Champ::ligne("depasser_capacite", lim::CODE),
        Champ::ligne("mode_sortie", lim::CODE),
        Champ::ligne("destination", lim::LIBELLE),
        Champ::ligne("suivi_par", 20),
        Champ::ligne("version", 20),
    ];
}

pub(crate) fn oui(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("oui" | "on" | "true" | "1"))
}

/// A date field (`AAAA-MM-JJ` or `JJ/MM/AAAA`).
pub(crate) fn jour(
    e: &mut Errors,
    field: &str,
    label: &str,
    v: &Option<String>,
) -> Option<NaiveDate> {
    let v = opt(v)?;
    let d = crate::time::date_saisie(&v);
    if d.is_none() {
        e.add(field, format!("{label} doit être une date (JJ/MM/AAAA)."));
    }
    d
}

/// The first and the last day typed (`date_debut`, `date_fin`), each checked as a date.
pub(crate) fn premier_dernier_jour(
    e: &mut Errors,
    debut: &Option<String>,
    fin: &Option<String>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let premier = jour(e, "date_debut", "Le premier jour", debut);
    (premier, jour(e, "date_fin", "Le dernier jour", fin))
}

pub(crate) fn code<T>(
    e: &mut Errors,
    field: &str,
    label: &str,
    v: &Option<String>,
    f: fn(&str) -> Option<T>,
) -> Option<T> {
    let v = opt(v)?;
    let c = f(&v);
    if c.is_none() {
        e.add(field, format!("{label} inconnu : « {v} »."));
    }
    c
}

/// A code field of a query or body: `v` read by `lire`, `defaut` when blank (`None`: the
/// field is required); anything else is a 422 on `champ` saying which codes it takes.
pub(crate) fn code_parmi<T>(
    champ: &str,
    v: Option<&str>,
    defaut: Option<T>,
    lire: impl FnOnce(&str) -> Option<T>,
    codes: &str,
) -> WebResult<T> {
    v.map_or(defaut, lire)
        .ok_or_else(|| AppError::field(champ, codes))
}

pub(crate) fn id(e: &mut Errors, field: &str, label: &str, v: &Option<String>) -> Option<i64> {
    crate::forms::opt_int(e, field, label, v)
}

impl SejourFields {
    fn modification(&self, e: &mut Errors) -> Option<ModificationSejour> {
        let t = code(
            e,
            "type_accompagnement",
            "Type d'accompagnement",
            &self.type_accompagnement,
            TypeAccompagnement::from_code,
        );
        if opt(&self.type_accompagnement).is_none() {
            e.add(
                "type_accompagnement",
                "Le type d'accompagnement est obligatoire.",
            );
        }
        let entree = jour(e, "date_entree", "La date d'entrée", &self.date_entree);
        if opt(&self.date_entree).is_none() {
            e.add("date_entree", "La date d'entrée est obligatoire.");
        }
        Some(ModificationSejour {
            type_accompagnement: t?,
            date_entree: entree?,
            date_fin_prevue: jour(e, "date_fin_prevue", "La fin prévue", &self.date_fin_prevue),
            financement: code(
                e,
                "financement",
                "Financement",
                &self.financement,
                Financement::from_code,
            ),
            referent_id: id(e, "referent_id", "Référent", &self.referent_id),
            numero_usager: opt(&self.numero_usager),
        })
    }

    /// The admission typed.
    fn admission(&self) -> WebResult<Admission> {
        let mut e = Errors::default();
        let (etab, unite) = self.place.lire(&mut e);
        if etab.is_none() {
            e.add("etablissement_id", "Choisissez l'établissement.");
        }
        let m = self.modification(&mut e);
        e.finish()?;
        let (Some(etablissement_id), Some(m)) = (etab, m) else {
            return Err(AppError::BadRequest("Admission incomplète.".into()));
        };
        Ok(Admission {
            etablissement_id,
            unite_id: unite,
            fiche: m,
            depasser_capacite: oui(&self.depasser_capacite),
        })
    }

    /// The change typed; the place must be the stay's own.
    fn changement(&self, s: &Sejour) -> WebResult<ModificationSejour> {
        let mut e = Errors::default();
        let (etab, unite) = self.place.lire(&mut e);
        if etab.is_some_and(|x| x != s.etablissement_id) || (unite.is_some() && unite != s.unite_id)
        {
            e.add("unite_id", "Pour changer d'unité ou d'établissement, utilisez le transfert (l'historique est conservé).");
        }
        let m = self.modification(&mut e);
        e.finish()?;
        m.ok_or_else(|| AppError::BadRequest("Séjour incomplet.".into()))
    }
}

impl MouvementFields {
    fn date(&self, e: &mut Errors) -> Option<NaiveDate> {
        let d = jour(e, "date", "La date", &self.date);
        if opt(&self.date).is_none() {
            e.add("date", "La date est obligatoire.");
        }
        d
    }

    /// The move's date and what `reste` reads of the other fields: 422 with every error,
    /// `incomplet` when a required part is missing.
    fn lire<T>(
        &self,
        incomplet: &str,
        reste: impl FnOnce(&Self, &mut Errors) -> Option<T>,
    ) -> WebResult<(NaiveDate, T)> {
        let mut e = Errors::default();
        let date = self.date(&mut e);
        let reste = reste(self, &mut e);
        e.finish()?;
        date.zip(reste)
            .ok_or_else(|| AppError::BadRequest(incomplet.into()))
    }

    fn transfert(&self) -> WebResult<Transfert> {
        let (date, (etablissement_id, unite_id)) = self.lire("Transfert incomplet.", |f, e| {
            let (etab, unite) = f.place.lire(e);
            if etab.is_none() {
                e.add(
                    "etablissement_id",
                    "Choisissez l'établissement de destination.",
                );
            }
            etab.map(|x| (x, unite))
        })?;
        Ok(Transfert {
            date,
            etablissement_id,
            unite_id,
            depasser_capacite: oui(&self.depasser_capacite),
        })
    }

    fn sortie(&self) -> WebResult<Sortie> {
        let (date, (mode, suivi_par)) = self.lire("Sortie incomplète.", |f, e| {
            let mode = code(
                e,
                "mode_sortie",
                "Mode de sortie",
                &f.mode_sortie,
                ModeSortie::from_code,
            );
            if opt(&f.mode_sortie).is_none() {
                e.add("mode_sortie", "Le mode de sortie est obligatoire.");
            }
            let suivi_par = id(e, "suivi_par", "Suivi confié à", &f.suivi_par);
            mode.map(|m| (m, suivi_par))
        })?;
        Ok(Sortie {
            date,
            mode,
            destination: opt(&self.destination),
            suivi_par,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/sejours.html")]
pub struct SejoursPage {
    layout: Layout,
    u: Usager,
    tabs: super::entete::Tabs,
    sejours: Vec<Sejour>,
    places: Vec<Places>,
    peut_ecrire: bool,
    aujourdhui: String,
    modes: Vec<ModeSortie>,
    suivis: Vec<Suivi>,
    equipe: Vec<MembreEquipe>,
    moi: i64,
    en_place: EnPlace,
}

/// « 3 places libres », « complet »: the free places of a unit or établissement.
pub(crate) fn libres(p: &Places) -> String {
    match p.libres() {
        Some(n) if n <= 0 => "complet".into(),
        Some(1) => "1 place libre".into(),
        Some(n) => format!("{n} places libres"),
        None => "capacité non renseignée".into(),
    }
}

impl SejoursPage {
    /// Every stay has ended: the file is read-mostly.
    fn sorti(&self) -> bool {
        !self.sejours.is_empty() && self.sejours.iter().all(|s| !s.en_cours())
    }
    fn libres(&self, p: &Places) -> String {
        libres(p)
    }
}

impl PageEnPlace for SejoursPage {
    const ADRESSE: &'static str = "/sejours";

    /// The tab, with the admission form refused in place (`en_place`) or not.
    async fn rendre(app: &App, me: &CurrentUser, id: UsagerId, en_place: EnPlace) -> PageDossier {
        let Dossier { cap, tabs, u, .. } = Dossier::ouvrir(app, me, id, Onglet::Sejours).await?;
        let m = super::matrix(app).await?;
        let today = paris_today(Utc::now());
        Ok(SejoursPage {
            layout: Layout::new(me, format!("Séjours — {}", u.nom_affiche()), "usagers"),
            sejours: app.store.sejours(&cap).await?,
            places: app
                .store
                .places(&me.principal.etablissements, today)
                .await?,
            peut_ecrire: m.permet(me.user.role, Section::Administratif, Action::Ecrire),
            aujourdhui: today.to_string(),
            modes: ModeSortie::ALL
                .iter()
                .copied()
                .filter(|m| *m != ModeSortie::Transfert)
                .collect(),
            suivis: app.store.suivis(&cap).await?,
            equipe: app.store.equipe_dossier(&cap).await?,
            moi: me.user.id,
            en_place,
            u,
            tabs,
        }
        .into_response())
    }
}

/// An admission: the new stay's id.
impl AjoutDossier for SejourFields {
    type Page = SejoursPage;
    const FORMULAIRE: Formulaire = Formulaire::new("admission", "a-", Fait::AdmissionEnregistree);

    async fn ajouter(&self, app: &App, cap: &Capability) -> WebResult<i64> {
        Ok(app.store.admettre(cap, &self.admission()?).await?)
    }
}

enregistrement!(
    SejourFields,
    (UsagerId, i64),
    Section::Administratif,
    Action::Ecrire,
    sejour -> Sejour
);

/// A change of the stay as read (the place changes only by a transfer).
impl Versionne for SejourFields {
    async fn modifier(&self, app: &App, cap: &Capability, id: i64, v: i64) -> WebResult<Cree> {
        let s = Self::lire(app, cap, id).await?.ok_or(AppError::NotFound)?;
        let version = app
            .store
            .modifier_sejour(cap, id, v, &self.changement(&s)?)
            .await?;
        Ok(Cree { id, version })
    }
}

/// A transfer (`transfert`) or a discharge of stay `sid`: parsed, authorized, applied. The
/// transfer answers the new stay's id, the discharge the stay's new version.
async fn mouvement(
    app: &App,
    me: &CurrentUser,
    headers: &HeaderMap,
    (id, sid): (UsagerId, i64),
    f: &MouvementFields,
    transfert: bool,
) -> WebResult<i64> {
    let version = expected_version(headers, f.version)?;
    if transfert {
        let t = f.transfert()?;
        let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
        Ok(app.store.transferer(&cap, sid, version, &t).await?)
    } else {
        let o = f.sortie()?;
        let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
        Ok(app.store.sortir(&cap, sid, version, &o).await?)
    }
}

/// The form transferring a stay (one per running stay), its input ids `t-<id>-<field>`.
const FORMULAIRE_TRANSFERT: Formulaire =
    Formulaire::new("transfert", "t-", Fait::TransfertEnregistre);
/// The form ending a stay, its input ids `o-<id>-<field>`.
const FORMULAIRE_SORTIE: Formulaire = Formulaire::new("sortie", "o-", Fait::SortieEnregistree);

/// POST /usagers/{id}/sejours/{sid}/transfert (`TRANSFERT`) and …/sortie: back to the path
/// confirming it; a refusal is the tab again with that stay's form as typed and its errors.
pub async fn mouvement_form<const TRANSFERT: bool>(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(ids): Path<(UsagerId, i64)>,
    Form(f): Form<MouvementFields>,
) -> WebResult<Response> {
    let issue = mouvement(&app, &me, &headers, ids, &f, TRANSFERT).await;
    let formulaire = if TRANSFERT {
        &FORMULAIRE_TRANSFERT
    } else {
        &FORMULAIRE_SORTIE
    };
    repondre::<SejoursPage, _, _>(&app, &me, &headers, ids, formulaire, &f, issue).await
}

/// POST /api/v1/usagers/{id}/sejours/{sid}/transfert (`TRANSFERT`) → 201 with the new stay;
/// …/sortie → 200 with the stay's new version.
pub async fn api_mouvement<const TRANSFERT: bool>(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(ids): Path<(UsagerId, i64)>,
    ApiJson(f): ApiJson<MouvementFields>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let n = mouvement(&app, &me, &headers, ids, &f, TRANSFERT).await?;
    Ok(if TRANSFERT {
        (StatusCode::CREATED, Json(Cree { id: n, version: 1 }))
    } else {
        (
            StatusCode::OK,
            Json(Cree {
                id: ids.1,
                version: n,
            }),
        )
    })
}
