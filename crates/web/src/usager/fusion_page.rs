//! Merging a duplicate chosen by name: the merge page searches the duplicate among the
//! files one may see, shows both identities side by side with their differences marked,
//! merges, and offers to undo a merge.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::authorize_recherche;
use dui_store::usager::{Fusion, Recherche, ResultatRecherche, Usager};
use serde::Deserialize;

use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::{FormulaireDossier, PageDemandee};
use super::fields::AutreDossierForm;
use super::formulaire_ligne::page_refusee;
use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::noms::Nomme as _;
use crate::time::fr_date;
use crate::time::DatesFr as _;
use crate::{App, AppError, ErreursFormulaire, Layout, Saisie, WebResult};

/// One line of the side-by-side comparison.
struct Ligne {
    champ: &'static str,
    ici: String,
    autre: String,
    differe: bool,
}

/// The two identities compared field by field.
fn comparer(a: &Usager, b: &Usager) -> Vec<Ligne> {
    let vals = |u: &Usager| {
        [
            ("Nom de naissance", u.nom_naissance_affiche()),
            ("Prénoms de naissance", u.prenoms_affiches()),
            ("Nom utilisé", u.nom_utilise_affiche().unwrap_or_default()),
            (
                "Prénom utilisé",
                u.prenom_utilise_affiche().unwrap_or_default(),
            ),
            ("Date de naissance", fr_date(&u.date_naissance.to_string())),
            ("Sexe", u.sexe_label().to_string()),
            (
                "Lieu de naissance",
                u.lieu_naissance.clone().unwrap_or_default(),
            ),
            ("Matricule INS", u.ins_affiche()),
            ("Statut de l'identité", u.statut_label().to_string()),
            ("Dossier", u.numero.clone()),
        ]
    };
    vals(a)
        .into_iter()
        .zip(vals(b))
        .map(|((champ, ici), (_, autre))| Ligne {
            champ,
            differe: champ != "Dossier" && ici != autre,
            ici,
            autre,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/fusion.html")]
struct FusionPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    q: String,
    candidats: Vec<ResultatRecherche>,
    autre: Option<Usager>,
    lignes: Vec<Ligne>,
    fusions: Vec<Fusion>,
    /// A refused merge: why, by the merge button.
    erreurs: ErreursFormulaire,
}

impl FusionPage {
    fn numero(&self, id: &i64) -> String {
        dui_store::usager::numero(*id)
    }
    fn ecarts(&self) -> usize {
        self.lignes.iter().filter(|l| l.differe).count()
    }
    fn comparer_url(&self, r: &ResultatRecherche) -> String {
        format!(
            "/usagers/{}/fusion?q={}&autre={}#comparaison-titre",
            self.u.id,
            crate::error::urlencode(&self.q),
            r.id
        )
    }
}

/// Query of the merge page.
#[derive(Deserialize)]
pub struct FusionQuery {
    /// What was typed to find the duplicate.
    q: Option<String>,
    /// The duplicate compared.
    autre: Option<String>,
}

/// GET /usagers/{id}/fusion: find the duplicate by name, compare, merge, undo.
pub async fn page(p: PageDemandee<FusionQuery>) -> PageDossier {
    let PageDemandee { app, me, id, q } = p;
    rendre(&app, &me, id, q, ErreursFormulaire::default()).await
}

/// A merge refused (422, 409): the merge page again, the two files compared and the refusal
/// by the merge button; any other error is the error page.
pub(super) async fn refus(
    p: &FormulaireDossier<AutreDossierForm>,
    e: AppError,
) -> WebResult<Response> {
    let q = FusionQuery {
        q: None,
        autre: Some(Saisie::de(&p.f).val("autre_id").to_string()),
    };
    page_refusee(
        e,
        &[],
        |erreurs| erreurs,
        |erreurs| rendre(&p.app, &p.me, p.id, q, erreurs),
    )
    .await
}

/// The file `id`'s merge page (`erreurs`: a refused merge, shown by its button).
async fn rendre(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    q: FusionQuery,
    erreurs: ErreursFormulaire,
) -> PageDossier {
    let Dossier { tabs, u, .. } = Dossier::ouvrir(app, me, id, Onglet::Administratif).await?;
    let cap = capability(app, me, id, Section::Administratif, Action::Valider).await?;
    let texte = q.q.unwrap_or_default();
    let candidats = if texte.trim().is_empty() {
        Vec::new()
    } else {
        let m = matrix(app).await?;
        let rc = authorize_recherche(&app.store, &m, &me.principal, Utc::now()).await?;
        let r = Recherche {
            texte: texte.clone(),
            limit: 20,
            ..Recherche::default()
        };
        let (liste, _) = app.store.rechercher_usagers(&rc, &r, Utc::now()).await?;
        liste.into_iter().filter(|r| r.id != id.get()).collect()
    };
    let autre = match q
        .autre
        .as_deref()
        .and_then(dui_store::usager::parse_numero)
        .filter(|a| *a != id.get())
    {
        Some(a) => {
            let lu = async {
                let c = capability(
                    app,
                    me,
                    UsagerId(a),
                    Section::Administratif,
                    Action::Valider,
                )
                .await?;
                Ok::<_, AppError>(app.store.usager(&c).await?)
            }
            .await;
            match lu {
                Ok(u) => u,
                // After a refused merge the other file may be out of reach (absorbed meanwhile):
                // the refusal says why, the comparison is left out.
                Err(_) if !erreurs.est_vide() => None,
                Err(e) => return Err(e.into()),
            }
        }
        None => None,
    };
    let lignes = autre.as_ref().map(|a| comparer(&u, a)).unwrap_or_default();
    let fusions = app
        .store
        .fusions(&cap)
        .await?
        .into_iter()
        .filter(|f| f.conserve_id == id.get())
        .collect();
    Ok(FusionPage {
        layout: Layout::new(me, format!("Fusion — {}", u.nom_affiche()), "usagers"),
        u,
        tabs,
        q: texte,
        candidats,
        autre,
        lignes,
        fusions,
        erreurs,
    }
    .into_response())
}

/// Form undoing a merge.
#[derive(Deserialize)]
pub struct AnnulationFusion {
    fusion_id: String,
}

impl crate::saisie::Champs for AnnulationFusion {
    const CHAMPS: &'static [Champ] = &[Champ::ligne("fusion_id", lim::NUMERO)];
}

/// POST /usagers/{id}/fusion/annulation: undoes a merge into this file.
pub async fn annuler_form(p: FormulaireDossier<AnnulationFusion>) -> WebResult<Response> {
    let fid: i64 =
        p.f.fusion_id
            .trim()
            .parse()
            .map_err(|_| AppError::field("fusion_id", "Cette fusion n'existe pas."))?;
    let cap = capability(&p.app, &p.me, p.id, Section::Administratif, Action::Valider).await?;
    p.app.store.annuler_fusion(&cap, fid).await?;
    Ok(p.confirme("/fusion", crate::Fait::FusionAnnulee))
}
