//! A session's page (`/seances/{id}`): the animator takes the attendance of the whole group
//! in one form (present, absent, excused, with a short observation), saved with the version
//! read; the session held, cancelled with its motive, or planned again. Refusals in place,
//! successes confirmed.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::Response;
use chrono::Utc;
use dui_domain::activite::{Assiduite, StatutSeance};
use dui_domain::ids::UsagerId;
use dui_domain::policy::Action;
use dui_store::usager::FeuillePresence;

use super::activites::{capacite_seance, saisies, PresenceLigne, StatutSeanceCorps};
use super::activites_pages::{peut_ecrire, EnvoiActivites, PageActivites};
use crate::auth::CurrentUser;
use crate::formulaire::{EnPlace, Formulaire};
use crate::layout::Fait;
use crate::time::paris_today;
use crate::{App, AppError, Layout, WebResult};

const PRESENCES: Formulaire = Formulaire::new("presences", "p-", Fait::PresencesSeance);
const STATUT: Formulaire = Formulaire::new("statut", "st-", Fait::StatutSeance);

#[derive(Template, WebTemplate)]
#[template(path = "activites/seance.html")]
pub(super) struct SeancePage {
    layout: Layout,
    f: FeuillePresence,
    peut_ecrire: bool,
    a_venir: bool,
    en_place: EnPlace,
}

impl SeancePage {
    fn date(&self) -> String {
        self.f.seance.jour.format("%d/%m/%Y").to_string()
    }
    /// Whether `a` is chosen for person `u` (as typed after a refusal, else as stored).
    fn choisi(&self, u: &UsagerId, code: &str, stocke: &Option<Assiduite>) -> bool {
        let s = self.en_place.saisie_de("presences");
        let nom = format!("assiduite_{u}");
        if self.en_place.formulaire == "presences" {
            s.val(&nom) == code
        } else {
            stocke.map_or("", |a| a.code()) == code
        }
    }
    fn observation(&self, u: &UsagerId, stockee: &Option<String>) -> String {
        if self.en_place.formulaire == "presences" {
            self.en_place
                .saisie_de("presences")
                .val(&format!("observation_{u}"))
                .to_string()
        } else {
            stockee.clone().unwrap_or_default()
        }
    }
    /// The refusal under person `u`'s choice, if any.
    fn sous(&self, u: &UsagerId) -> String {
        self.en_place
            .erreurs_de("presences")
            .sous(&format!("assiduite_{u}"))
    }
    fn annulee(&self) -> bool {
        self.f.seance.statut == StatutSeance::Annulee
    }
}

impl PageActivites for SeancePage {
    fn adresse(id: i64) -> String {
        format!("/seances/{id}")
    }
    async fn rendre(app: &App, me: &CurrentUser, id: i64, en_place: EnPlace) -> WebResult<Self> {
        rendre(app, me, id, en_place).await
    }
}

async fn rendre(app: &App, me: &CurrentUser, id: i64, en_place: EnPlace) -> WebResult<SeancePage> {
    let cap = capacite_seance(app, me, id, Action::Lire).await?;
    let f = app.store.feuille_presence(&cap, id).await?;
    let m = super::matrix(app).await?;
    let ecrire = peut_ecrire(&m, me, cap.etablissement_id());
    Ok(SeancePage {
        layout: Layout::new(
            me,
            format!(
                "{} — séance du {}",
                f.seance.titre,
                f.seance.jour.format("%d/%m/%Y")
            ),
            "activites",
        ),
        a_venir: f.seance.jour > paris_today(Utc::now()),
        f,
        peut_ecrire: ecrire,
        en_place,
    })
}

/// POST /seances/{id}: the whole group's attendance (`version`, then `assiduite_<usager>`
/// and `observation_<usager>`).
pub async fn presences(e: EnvoiActivites) -> WebResult<Response> {
    let (app, me, p, id) = (&e.app, &e.me, &e.f, e.id);
    let mut lignes = Vec::new();
    let mut champs: Vec<String> = Vec::new();
    for (k, v) in &p.0 {
        if let Some(u) = k.strip_prefix("assiduite_") {
            let usager_id: UsagerId = u
                .parse::<i64>()
                .map(UsagerId::from)
                .map_err(|_| AppError::BadRequest("Formulaire illisible.".into()))?;
            champs.push(k.clone());
            lignes.push(PresenceLigne {
                usager_id,
                assiduite: Some(v.clone()),
                observation: p.val(&format!("observation_{u}")),
            });
        }
    }
    let champs: Vec<&str> = champs.iter().map(String::as_str).collect();
    let essai = async {
        let v = saisies(&lignes)?;
        let version = p
            .val("version")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| {
                AppError::field("version", "La version de la séance lue est obligatoire.")
            })?;
        let cap = capacite_seance(app, me, id, Action::Ecrire).await?;
        app.store
            .enregistrer_presences_seance(&cap, id, version, &v)
            .await?;
        Ok::<_, AppError>(())
    };
    let f = (&PRESENCES, champs.as_slice());
    e.repondre::<SeancePage, _>(f, essai.await).await
}

/// POST /seances/{id}/statut: held, cancelled (with a motive) or planned again.
pub async fn statut(e: EnvoiActivites) -> WebResult<Response> {
    let (app, me, p, id) = (&e.app, &e.me, &e.f, e.id);
    let essai = async {
        let b = StatutSeanceCorps {
            statut: p.val("statut"),
            motif: p.val("motif"),
            version: p.val("version").and_then(|v| v.parse().ok()),
        };
        let statut = b.statut()?;
        let version = b.version.ok_or_else(|| {
            AppError::field("version", "La version de la séance lue est obligatoire.")
        })?;
        let cap = capacite_seance(app, me, id, Action::Ecrire).await?;
        app.store
            .changer_statut_seance(&cap, id, version, statut, b.motif.as_deref())
            .await?;
        Ok::<_, AppError>(())
    };
    let f = (&STATUT, &["statut", "motif"][..]);
    e.repondre::<SeancePage, _>(f, essai.await).await
}
