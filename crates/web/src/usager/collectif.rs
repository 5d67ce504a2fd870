//! What the pages spanning the files of one établissement share (the presences of a day,
//! the care worksheet, the medication round, the home-care planning): the capability
//! decided without a file ([`capacite`]), the place asked (établissement, unit, day:
//! [`LieuQuery`], [`Lieu`]) and one form for a whole group of rows ([`FormulaireGroupe`]:
//! the place, then one code and one text per row, saved in one request; a refusal is the
//! page again with the rows as chosen, each message by its row: [`form_lot`]).

use std::collections::BTreeMap;
use std::future::Future;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::policy::{Action, Matrice};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::{
    authorize_presences, authorize_soins_unite, authorize_telegestion, CapacitePresences,
    CapaciteSoins, CapaciteTelegestion, Principal,
};
use dui_store::{Store, StoreResult};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::extracteurs::FormulaireEnvoye;
use super::formulaire_ligne::page_refusee;
use super::sejours::jour;
use crate::auth::CurrentUser;
use crate::forms::{ApiJson, Errors};
use crate::reponses::confirme;
use crate::saisie::Champs;
use crate::time::paris_today;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Saisie, WebResult};

/// A capability the policy decides for a place without a file (its refusal audited by the
/// store): `Lieu` is what it is decided for (an établissement, or none for a worker's day).
pub(crate) trait Decidee: Sized + Send + Sync {
    /// The place the capability is asked for.
    type Lieu: Send;
    /// The store's decision.
    fn decider(
        store: &Store,
        matrix: &Matrice,
        who: &Principal,
        lieu: Self::Lieu,
        action: Action,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Self>> + Send;
}

/// `Decidee` for a capability type, its place and the store's `authorize_…` function.
macro_rules! decidee {
    ($($cap:ty, $lieu:ty => $authorize:path;)*) => {$(
        impl Decidee for $cap {
            type Lieu = $lieu;
            async fn decider(
                store: &Store,
                matrix: &Matrice,
                who: &Principal,
                lieu: $lieu,
                action: Action,
                now: DateTime<Utc>,
            ) -> StoreResult<Self> {
                $authorize(store, matrix, who, lieu, action, now).await
            }
        }
    )*};
}

decidee! {
    CapacitePresences, i64 => authorize_presences;
    CapaciteSoins, i64 => authorize_soins_unite;
    CapaciteTelegestion, Option<i64> => authorize_telegestion;
}

/// The authorization of `action` on the pages of `lieu` (an audited refusal is a 403).
pub(crate) async fn capacite<C: Decidee>(
    app: &App,
    me: &CurrentUser,
    lieu: C::Lieu,
    action: Action,
) -> WebResult<C> {
    let m = super::matrix(app).await?;
    Ok(C::decider(&app.store, &m, &me.principal, lieu, action, Utc::now()).await?)
}

/// `?etablissement_id=&unite_id=&jour=` as typed (default: the account's first
/// établissement, the whole of it, today in Paris).
#[derive(Deserialize, Serialize, Default)]
pub struct LieuQuery {
    #[serde(default)]
    pub(crate) etablissement_id: Option<String>,
    #[serde(default)]
    pub(crate) unite_id: Option<String>,
    #[serde(default)]
    pub(crate) jour: Option<String>,
}

/// The établissement, unit and day asked (defaults filled).
pub(crate) fn choix(
    me: &CurrentUser,
    etablissement: &Option<String>,
    unite: &Option<String>,
    date: &Option<String>,
) -> WebResult<(i64, Option<i64>, NaiveDate)> {
    let mut e = Errors::default();
    let etab = crate::forms::opt_int(&mut e, "etablissement_id", "Établissement", etablissement);
    let unite = crate::forms::opt_int(&mut e, "unite_id", "Unité", unite);
    let jour = jour(&mut e, "jour", "Le jour", date);
    e.finish()?;
    let etab = etab
        .or_else(|| me.principal.etablissements.first().copied())
        .ok_or_else(|| AppError::field("etablissement_id", "Choisissez l'établissement."))?;
    Ok((etab, unite, jour.unwrap_or_else(|| paris_today(Utc::now()))))
}

/// The place a page shows: its selectors and the hidden fields of its form
/// (`_lieu_cache.html`) read it.
pub(crate) struct Lieu {
    pub(crate) etablissement_id: i64,
    pub(crate) unite_id: Option<i64>,
    pub(crate) jour: NaiveDate,
}

impl Lieu {
    /// The place asked by `q` (defaults filled).
    pub(crate) fn de(me: &CurrentUser, q: &LieuQuery) -> WebResult<Self> {
        let (etablissement_id, unite_id, jour) =
            choix(me, &q.etablissement_id, &q.unite_id, &q.jour)?;
        Ok(Self {
            etablissement_id,
            unite_id,
            jour,
        })
    }
    /// Whether `u` is the unit shown (the unit selector).
    pub(crate) fn unite_choisie(&self, u: &Option<i64>) -> bool {
        self.unite_id.is_some() && self.unite_id == *u
    }
    /// The redirect after a group saved: `chemin` of this place, then `suite`, the page
    /// reached confirming `fait`.
    pub(crate) fn enregistre(
        &self,
        headers: &HeaderMap,
        chemin: &str,
        suite: &str,
        fait: Fait,
    ) -> Response {
        let Self {
            etablissement_id: etab,
            jour,
            ..
        } = self;
        let unite = self.unite_id.map(|u| u.to_string()).unwrap_or_default();
        confirme(
            headers,
            &format!("{chemin}?etablissement_id={etab}&unite_id={unite}&jour={jour}{suite}"),
            fait,
        )
    }
}

/// A row of a group form: its key, its code (`<code>_<key>`, not empty) and its text
/// (`<texte>_<key>`, checked against its maximum).
pub(crate) struct Ligne<'a> {
    pub(crate) cle: &'a str,
    pub(crate) code: String,
    pub(crate) texte: Option<String>,
}

/// One form for a whole group: the place (`etablissement_id`, `unite_id`, `jour`), the
/// page's own fields, then for each row `<code>_<key>` and `<texte>_<key>` (its input ids
/// `<prefix><code>_<key>`, `<prefix><texte>_<key>`: a refusal names the row's field).
/// A row's field is no name its `Champs` list: the form's reader holds it to
/// [`lim::AUTRE`] characters, the `maxlength` of its input on the pages.
#[derive(Deserialize, Serialize)]
#[serde(transparent)]
pub struct FormulaireGroupe(BTreeMap<String, String>);

impl crate::saisie::Champs for FormulaireGroupe {
    const CHAMPS: &'static [Champ] = &[];
}

/// The 400 of a group form whose keys were not written by its page.
pub(crate) fn illisible() -> AppError {
    AppError::BadRequest("Formulaire illisible.".into())
}

impl FormulaireGroupe {
    /// The field `k` as sent.
    pub(crate) fn get(&self, k: &str) -> Option<String> {
        self.0.get(k).cloned()
    }
    /// The place fields, as a query would give them.
    pub(crate) fn lieu(&self) -> LieuQuery {
        LieuQuery {
            etablissement_id: self.get("etablissement_id"),
            unite_id: self.get("unite_id"),
            jour: self.get("jour"),
        }
    }
    /// The fields of its rows (`<code>_<key>`, `<texte>_<key>` of [`FormulaireGroupe::lignes`]),
    /// those a refusal may name.
    pub(crate) fn champs(&self, code: &str, texte: &str) -> Vec<&str> {
        let (code, texte) = (format!("{code}_"), format!("{texte}_"));
        self.0
            .keys()
            .filter(|k| k.starts_with(&code) || k.starts_with(&texte))
            .map(String::as_str)
            .collect()
    }

    /// The rows whose code is chosen; every row's text is checked against
    /// [`lim::LIBELLE`], and given when its code is one of `motive` (`message` otherwise):
    /// a French 422 naming each row's field `<texte>_<key>`.
    pub(crate) fn lignes(
        &self,
        (code, texte): (&str, &'static str),
        motive: &[&str],
        message: &str,
    ) -> WebResult<Vec<Ligne<'_>>> {
        let limite = Champ::ligne(texte, lim::LIBELLE);
        let mut e = Errors::default();
        let mut v = Vec::new();
        for (k, valeur) in &self.0 {
            let Some(cle) = k.strip_prefix(code).and_then(|r| r.strip_prefix('_')) else {
                continue;
            };
            let champ = format!("{texte}_{cle}");
            let t = self.get(&champ);
            if let Some(Err(r)) = t.as_deref().map(|t| limite.verifier(texte, t)) {
                e.add(&champ, r.to_string());
            }
            if motive.contains(&valeur.as_str()) && t.as_deref().is_none_or(|t| t.trim().is_empty())
            {
                e.add(&champ, message);
            }
            if !valeur.is_empty() {
                v.push(Ligne {
                    cle,
                    code: valeur.clone(),
                    texte: t,
                });
            }
        }
        e.finish()?;
        Ok(v)
    }
}

/// The maxima of an API body recording several acts or doses at once (`prevu_a`, `statut`,
/// `motif` of each).
pub(crate) const CHAMPS_LOT: &[Champ] = &[
    Champ::ligne("prevu_a", lim::DATE + 20),
    Champ::ligne("statut", lim::CODE),
    Champ::ligne("motif", lim::LIBELLE),
];

/// The rows of a batch recorded at once (acts, doses, absences of a day), at most `max`
/// (`trop` on `champ` beyond): each converted by `ligne`, which adds its refusals to the
/// others (all reported at once) or answers `None` to skip it.
pub(crate) fn convertir_lot<T, R>(
    lignes: &[T],
    (max, champ, trop): (usize, &str, &str),
    mut ligne: impl FnMut(&T, &mut Errors) -> WebResult<Option<R>>,
) -> WebResult<Vec<R>> {
    if lignes.len() > max {
        return Err(AppError::field(champ, trop));
    }
    let mut e = Errors::default();
    let mut v = Vec::new();
    for l in lignes {
        v.extend(ligne(l, &mut e)?);
    }
    e.finish()?;
    Ok(v)
}

/// A batch recorded at once for one établissement, as the API takes it and as the page's
/// form is read into (the worksheet's acts, the round's doses): declare it with [`lot!`].
pub(crate) trait Lot: DeserializeOwned + Champs + Send + Sync + 'static {
    /// A row as the store records it.
    type Ligne: Send + Sync;
    /// What the store asks to record them.
    type Cap: Decidee<Lieu = i64>;
    /// The action recording needs.
    const ACTION: Action;

    /// The établissement of the rows.
    fn etablissement_id(&self) -> i64;
    /// The rows checked (a French 422 naming the fields otherwise).
    fn lignes(&self) -> WebResult<Vec<Self::Ligne>>;
    /// The rows recorded (409 when one already was): how many.
    fn enregistrer(
        app: &App,
        cap: &Self::Cap,
        lignes: &[Self::Ligne],
    ) -> impl Future<Output = WebResult<usize>> + Send;

    /// The page the form is on (`"/soins/feuille"`).
    const PAGE: &'static str;
    /// The page's form: its name, what its input ids start with, its confirmation.
    const FORMULAIRE: Formulaire;
    /// The code and the text of its rows (`("statut", "motif")`).
    const LIGNES: (&'static str, &'static str);
    /// The page's form read as a batch: the batch, its place, and the rest of the page's
    /// address (`&poste=matin`).
    fn du_formulaire(me: &CurrentUser, f: &FormulaireGroupe) -> WebResult<(Self, Lieu, String)>;

    /// What the page and its API GET show (the worksheet, the round).
    type Lu: Serialize + Send;
    /// The query of the page and of its API GET: the place, and the page's own choice (the
    /// shift, the round's time).
    type Requete: DeserializeOwned + Send + Sync + 'static;
    /// The query of the page the form `f` was sent from.
    fn requete(f: &FormulaireGroupe) -> Self::Requete;
    /// What `q` asks, read with the capability of reading the établissement's care: its
    /// place, and the rows.
    fn lire(
        app: &App,
        me: &CurrentUser,
        q: &Self::Requete,
    ) -> impl Future<Output = WebResult<(Lieu, Self::Lu)>> + Send;
    /// The page of `q`, a refused form shown in place (or none).
    fn rendre(
        app: &App,
        me: &CurrentUser,
        q: &Self::Requete,
        en_place: EnPlace,
    ) -> impl Future<Output = WebResult<Response>> + Send;
}

/// Declares `$body` a batch of `$ligne` read by `$lignes(&self.$champ)`, recorded with
/// `$action` on a `$cap` by `app.store.$store(cap, rows)`, its form `$form` on `$page` read
/// by `$formulaire(me, f)` (its rows `statut_<key>`, `motif_<key>`); the page and its API
/// GET show a `$lu` read by `$lire(app, me, q)` for a `$requete` (`$de_formulaire(f)` the
/// query a form was sent from), the page rendered by `$rendre(app, me, q, en_place)`.
macro_rules! lot {
    (
        $body:ty, $champ:ident -> $lignes:ident -> $ligne:ty,
        $cap:ty, $action:expr, $store:ident,
        $page:literal, $formulaire:ident, $form:expr,
        $requete:ty = $de_formulaire:ident, $lire:ident -> $lu:ty, $rendre:ident
    ) => {
        impl $crate::usager::collectif::Lot for $body {
            type Ligne = $ligne;
            type Cap = $cap;
            type Lu = $lu;
            type Requete = $requete;
            const ACTION: dui_domain::policy::Action = $action;
            const PAGE: &'static str = $page;
            const FORMULAIRE: $crate::Formulaire = $form;
            const LIGNES: (&'static str, &'static str) = ("statut", "motif");

            fn requete(f: &$crate::usager::collectif::FormulaireGroupe) -> $requete {
                $de_formulaire(f)
            }

            async fn lire(
                app: &$crate::App,
                me: &$crate::auth::CurrentUser,
                q: &$requete,
            ) -> $crate::WebResult<($crate::usager::collectif::Lieu, $lu)> {
                $lire(app, me, q).await
            }

            async fn rendre(
                app: &$crate::App,
                me: &$crate::auth::CurrentUser,
                q: &$requete,
                en_place: $crate::EnPlace,
            ) -> $crate::WebResult<axum::response::Response> {
                $rendre(app, me, q, en_place).await
            }

            fn du_formulaire(
                me: &$crate::auth::CurrentUser,
                f: &$crate::usager::collectif::FormulaireGroupe,
            ) -> $crate::WebResult<(Self, $crate::usager::collectif::Lieu, String)> {
                $formulaire(me, f)
            }

            fn etablissement_id(&self) -> i64 {
                self.etablissement_id
            }
            fn lignes(&self) -> $crate::WebResult<Vec<$ligne>> {
                $lignes(&self.$champ)
            }
            async fn enregistrer(
                app: &$crate::App,
                cap: &$cap,
                lignes: &[$ligne],
            ) -> $crate::WebResult<usize> {
                Ok(app.store.$store(cap, lignes).await?)
            }
        }
    };
}
pub(crate) use lot;

/// The batch `b` checked, authorized for its établissement and recorded: how many rows.
pub(crate) async fn enregistrer<B: Lot>(app: &App, me: &CurrentUser, b: &B) -> WebResult<usize> {
    let lignes = b.lignes()?;
    let cap: B::Cap = capacite(app, me, b.etablissement_id(), B::ACTION).await?;
    B::enregistrer(app, &cap, &lignes).await
}

/// `{"enregistres": n}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Enregistres {
    /// How many were recorded.
    pub enregistres: usize,
}

/// GET /api/v1/soins/…: what the page of `q` shows.
pub(crate) async fn api_lire<B: Lot>(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<B::Requete>,
) -> WebResult<Json<B::Lu>> {
    Ok(Json(B::lire(&app, &me, &q).await?.1))
}

/// GET /soins/…: the page of `q`, no form refused.
pub(crate) async fn page_lot<B: Lot>(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<B::Requete>,
) -> WebResult<Response> {
    B::rendre(&app, &me, &q, EnPlace::default()).await
}

/// POST /api/v1/soins/…: a batch recorded (409 when a row already was).
pub(crate) async fn api_lot<B: Lot>(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(b): ApiJson<B>,
) -> WebResult<Json<Enregistres>> {
    let enregistres = enregistrer(&app, &me, &b).await?;
    Ok(Json(Enregistres { enregistres }))
}

/// POST /soins/…: the page's form recorded, back to the page of its place confirming it; a
/// refusal (422, 409) is the page again, the rows as chosen, each message by its row.
pub(crate) async fn form_lot<B: Lot>(p: FormulaireEnvoye<FormulaireGroupe>) -> WebResult<Response> {
    let issue = async {
        let (b, lieu, suite) = B::du_formulaire(&p.me, &p.f)?;
        enregistrer(&p.app, &p.me, &b).await?;
        Ok((lieu, suite))
    }
    .await;
    match issue {
        Ok((lieu, suite)) => Ok(lieu.enregistre(&p.headers, B::PAGE, &suite, B::FORMULAIRE.fait)),
        Err(e) => {
            let (code, texte) = B::LIGNES;
            let placer = |erreurs| EnPlace::refus(&B::FORMULAIRE, Saisie::de(&p.f), erreurs);
            let q = B::requete(&p.f);
            page_refusee(e, &p.f.champs(code, texte), placer, |en_place| {
                B::rendre(&p.app, &p.me, &q, en_place)
            })
            .await
        }
    }
}
