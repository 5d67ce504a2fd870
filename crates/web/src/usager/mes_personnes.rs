//! "My people": the main panel of a field professional's home page — the people staying
//! today in their établissements, by unit, or the people assigned to them — each one tap
//! from their file, with the search box first.

use chrono::Utc;
use dui_domain::policy::peut_rechercher;
use dui_store::policy::authorize_recherche;
use dui_store::usager::PersonneAccueil;

use super::matrix;
use crate::auth::CurrentUser;
use crate::noms::Nomme;
use crate::{App, WebResult};

/// People shown per page of the panel.
pub(crate) const PAR_PAGE: i64 = 60;

/// The panel: groups of people (one per unit) and the cursor of the next page.
pub(crate) struct MesPersonnes {
    /// Panel title.
    pub titre: &'static str,
    /// What an empty panel says.
    pub vide: &'static str,
    /// The people, by établissement and unit.
    pub groupes: Vec<Groupe>,
    /// Address of the next page.
    pub suivant: Option<String>,
}

/// The people of one unit (or of the assignment, untitled).
pub(crate) struct Groupe {
    /// « EHPAD Les Tilleuls — Unité Alzheimer ».
    pub titre: Option<String>,
    /// Its people.
    pub personnes: Vec<Ligne>,
}

/// One person, as a line of the panel.
pub(crate) struct Ligne {
    /// Address of the file.
    pub href: String,
    /// « DUPONT Jeanne ».
    pub nom: String,
    /// « nom d'usage, née MARTIN ».
    pub precision: Option<String>,
    /// « 92 ans · Unité Alzheimer ».
    pub detail: String,
    /// Address of the photo thumbnail.
    pub photo: Option<String>,
    /// Initials shown without a photo.
    pub initiales: String,
}

fn ligne(p: &PersonneAccueil, par_unite: bool, today: chrono::NaiveDate) -> Ligne {
    let noms = p.noms();
    let initiales: String = [noms.nom(), noms.prenom()]
        .iter()
        .filter_map(|s| s.chars().next())
        .collect();
    let mut detail = Vec::new();
    if let Some(a) = p.date_naissance.age_at(today) {
        detail.push(format!("{a} ans"));
    }
    if !par_unite {
        match (&p.etablissement, &p.unite) {
            (Some(e), Some(u)) => detail.push(format!("{e}, {u}")),
            (Some(e), None) => detail.push(e.clone()),
            _ => {}
        }
    }
    Ligne {
        href: format!("/usagers/{}", p.id),
        nom: noms.affiche(),
        precision: noms.precision(),
        detail: detail.join(" · "),
        photo: p
            .photo
            .as_ref()
            .map(|v| format!("/usagers/{}/photo?v={v}", p.id)),
        initiales,
    }
}

/// The groups of a page: consecutive people of one établissement and unit.
fn groupes(personnes: &[PersonneAccueil], par_unite: bool, plusieurs: bool) -> Vec<Groupe> {
    let today = crate::time::paris_today(Utc::now());
    let mut out: Vec<Groupe> = Vec::new();
    let mut cle = None;
    for p in personnes {
        let k = (p.etablissement_id, p.unite_id);
        if !par_unite || cle != Some(k) {
            if par_unite || out.is_empty() {
                let titre = par_unite.then(|| {
                    let unite = p.unite.clone().unwrap_or_else(|| "Sans unité".into());
                    match (&p.etablissement, plusieurs) {
                        (Some(e), true) => format!("{e} — {unite}"),
                        _ => unite,
                    }
                });
                out.push(Groupe {
                    titre,
                    personnes: Vec::new(),
                });
            }
            cle = Some(k);
        }
        if let Some(g) = out.last_mut() {
            g.personnes.push(ligne(p, par_unite, today));
        }
    }
    out
}

/// The panel of `me`, from `cursor`; `None` for an account that may not search people or
/// whose scope is its own file.
pub(crate) async fn mes_personnes(
    app: &App,
    me: &CurrentUser,
    cursor: Option<&str>,
) -> WebResult<Option<MesPersonnes>> {
    let m = matrix(app).await?;
    if peut_rechercher(&m, me.user.role).is_err() {
        return Ok(None);
    }
    let now = Utc::now();
    let cap = authorize_recherche(&app.store, &m, &me.principal, now).await?;
    let page = app
        .store
        .mes_personnes(&cap, cursor, PAR_PAGE, crate::time::paris_today(now), now)
        .await?;
    let Some((personnes, suivant)) = page else {
        return Ok(None);
    };
    let par_unite = me.user.role.portee() == dui_domain::policy::Portee::Etablissements;
    let (titre, vide) = match (par_unite, me.user.role) {
        (true, _) => (
            "Les personnes accompagnées aujourd'hui",
            "Personne ne séjourne aujourd'hui dans vos établissements. Les admissions se font depuis l'onglet Séjours du dossier.",
        ),
        (false, dui_domain::policy::Role::Proche) => (
            "Les personnes que vous accompagnez",
            "Aucun dossier ne vous est encore ouvert. L'établissement qui accompagne votre proche vous y donnera accès.",
        ),
        (false, _) => (
            "Les personnes que j'accompagne",
            "Aucune personne ne vous est affectée pour le moment. Votre responsable de secteur vous affecte les personnes que vous accompagnez.",
        ),
    };
    Ok(Some(MesPersonnes {
        titre,
        vide,
        groupes: groupes(&personnes, par_unite, me.user.etablissements.len() > 1),
        suivant: suivant.map(|c| {
            format!(
                "/?personnes={}#mes-personnes-titre",
                crate::error::urlencode(&c)
            )
        }),
    }))
}
