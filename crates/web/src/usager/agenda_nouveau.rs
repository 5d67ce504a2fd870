//! Planning an event from the agenda (issue 13, COO-3): the form (kind, day, times, place,
//! room or vehicle, recurrence, colleagues, named relatives, the person when planned from a
//! file) and its recording.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dui_domain::agenda::TypeRendezVous;
use dui_domain::agenda_recurrence::instant_paris;
use dui_domain::policy::{Action, Role};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{EvenementInput, ParticipantInput, Ressource, TermesEvenement};
use serde::{Deserialize, Serialize};

use super::agenda_api::{capacite, genres_planifiables, objet};
use super::agenda_page::choix;
use super::formulaire_ligne::repondre_page;
use crate::auth::CurrentUser;
use crate::forms::{opt, Errors, Form};
use crate::layout::Layout;
use crate::{App, AppError, EnPlace, Fait, Formulaire, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "agenda_nouveau.html")]
struct NouveauPage {
    layout: Layout,
    genres: Vec<(&'static str, &'static str)>,
    etablissements: Vec<(i64, String)>,
    collegues: Vec<(i64, String)>,
    ressources: Vec<Ressource>,
    usager: Option<i64>,
    aujourdhui: String,
    /// The form refused in place, if any.
    en_place: EnPlace,
}

/// `?usager=ID` (planning from a person's file).
#[derive(Deserialize, Default)]
pub struct NouveauQuery {
    usager: Option<i64>,
}

/// The colleagues `me` may invite: the professionals of their établissements (200 at most).
pub(super) async fn collegues(app: &App, me: &CurrentUser) -> WebResult<Vec<(i64, String)>> {
    let roles: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|r| r.est_professionnel() && *r != Role::Administrateur)
        .collect();
    Ok(app
        .store
        .comptes_des_etablissements("", &me.user.etablissements, &roles, 200)
        .await?
        .into_iter()
        .filter(|c| c.id != me.user.id)
        .map(|c| (c.id, c.nom))
        .collect())
}

/// GET /agenda/nouveau: the planning form.
pub async fn nouveau_page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<NouveauQuery>,
) -> WebResult<Response> {
    rendre(&app, &me, q.usager, EnPlace::default()).await
}

/// The planning form (for the person `usager`, when planned from a file), refused in place
/// (or not).
async fn rendre(
    app: &App,
    me: &CurrentUser,
    usager: Option<i64>,
    en_place: EnPlace,
) -> WebResult<Response> {
    let cap = capacite(app, me, Action::Ecrire).await?;
    let mut etablissements = Vec::new();
    for e in &me.user.etablissements {
        if let Some(x) = app.store.etablissement(*e).await? {
            etablissements.push((*e, x.nom.clone()));
        }
    }
    let collegues = collegues(app, me).await?;
    let (_, ressources) = choix(app, me).await?;
    Ok(NouveauPage {
        layout: Layout::new(me, "Planifier un événement", "agenda"),
        genres: genres_planifiables(),
        etablissements,
        collegues,
        ressources,
        usager,
        aujourdhui: crate::time::paris_today(cap.at()).to_string(),
        en_place,
    }
    .into_response())
}

/// The planning form as typed (also the Agenda tab's of a person file).
#[derive(Deserialize, Serialize, Default)]
pub struct NouveauForm {
    pub(super) type_rdv: Option<String>,
    pub(super) objet: Option<String>,
    pub(super) etablissement_id: Option<i64>,
    pub(super) jour: Option<String>,
    pub(super) heure_debut: Option<String>,
    pub(super) heure_fin: Option<String>,
    pub(super) lieu: Option<String>,
    pub(super) ressource_id: Option<String>,
    pub(super) repetition: Option<String>,
    pub(super) jusqua: Option<String>,
    #[serde(default, deserialize_with = "crate::forms::ids_separes")]
    pub(super) professionnels: Vec<i64>,
    pub(super) usager: Option<i64>,
    pub(super) externes: Option<String>,
}

impl crate::saisie::Champs for NouveauForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("type_rdv", lim::CODE),
        Champ::ligne("objet", lim::LIBELLE),
        Champ::ligne("etablissement_id", 20),
        Champ::ligne("jour", lim::DATE),
        Champ::ligne("heure_debut", 8),
        Champ::ligne("heure_fin", 8),
        Champ::ligne("lieu", lim::LIBELLE),
        Champ::ligne("ressource_id", 20),
        Champ::ligne("repetition", lim::CODE),
        Champ::ligne("jusqua", lim::DATE),
        Champ::ligne("professionnels", 20),
        Champ::ligne("usager", 20),
        Champ::texte("externes", lim::COMMENTAIRE),
    ];
}

impl NouveauForm {
    /// The event typed (422 with each field's message otherwise); `etabs`: the account's
    /// établissements (the first when none was chosen).
    pub(super) fn input(&self, etabs: &[i64]) -> WebResult<EvenementInput> {
        let mut e = Errors::default();
        let type_rdv = e.choix(
            "type_rdv",
            &self.type_rdv,
            TypeRendezVous::from_code,
            "Choisissez le type d'événement.",
        );
        let objet = objet(&mut e, &self.objet);
        let jour = opt(&self.jour).and_then(|j| crate::time::date_saisie(&j));
        if jour.is_none() {
            e.add("jour", "Indiquez le jour (JJ/MM/AAAA).");
        }
        let h = |s: &Option<String>| {
            opt(s).and_then(|s| chrono::NaiveTime::parse_from_str(&s, "%H:%M").ok())
        };
        let (hd, hf) = (h(&self.heure_debut), h(&self.heure_fin));
        if hd.is_none() {
            e.add("heure_debut", "Indiquez l'heure de début (HH:MM).");
        }
        if hf.is_none() {
            e.add("heure_fin", "Indiquez l'heure de fin (HH:MM).");
        }
        let jusqua = opt(&self.jusqua).and_then(|j| crate::time::date_saisie(&j));
        let rrule = match self.repetition.as_deref().unwrap_or("") {
            "" | "aucune" => None,
            r @ ("hebdomadaire" | "quotidienne" | "mensuelle") => {
                let freq = match r {
                    "hebdomadaire" => "WEEKLY",
                    "quotidienne" => "DAILY",
                    _ => "MONTHLY",
                };
                match jusqua {
                    Some(j) => Some(format!("FREQ={freq};UNTIL={}", j.format("%Y%m%d"))),
                    None => {
                        e.add("jusqua", "Indiquez jusqu'à quand l'événement se répète.");
                        None
                    }
                }
            }
            _ => {
                e.add("repetition", "Répétition inconnue.");
                None
            }
        };
        e.finish()?;
        let (Some(type_rdv), Some(jour), Some(hd), Some(hf)) = (type_rdv, jour, hd, hf) else {
            return Err(AppError::BadRequest("Formulaire incomplet.".into()));
        };
        let mut participants: Vec<ParticipantInput> = self
            .professionnels
            .iter()
            .map(|u| ParticipantInput::professionnel(*u))
            .collect();
        if let Some(u) = self.usager {
            participants.push(ParticipantInput::usager(u));
        }
        for n in self
            .externes
            .as_deref()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            participants.push(ParticipantInput::externe(n));
        }
        Ok(EvenementInput {
            termes: TermesEvenement {
                type_rdv,
                objet,
                description: None,
                debut: instant_paris(jour.and_time(hd)),
                fin: instant_paris(jour.and_time(hf)),
                lieu: opt(&self.lieu),
                ressource_id: opt(&self.ressource_id).and_then(|r| r.parse().ok()),
                rrule,
                psychologie: false,
            },
            etablissement_id: self
                .etablissement_id
                .or(etabs.first().copied())
                .unwrap_or(0),
            participants,
        })
    }
}

/// The planning form of the agenda, its input ids `n-<field>`.
const EVENEMENT: Formulaire = Formulaire::new("evenement", "n-", Fait::EvenementEnregistre);

/// POST /agenda/nouveau: plans the event, then shows it confirmed; a refusal is the form
/// again as typed, each message by its field.
pub async fn nouveau_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(f): Form<NouveauForm>,
) -> WebResult<Response> {
    let issue = async {
        let input = f.input(&me.user.etablissements)?;
        let cap = capacite(&app, &me, Action::Ecrire).await?;
        Ok(app.store.creer_evenement(&cap, &input).await?)
    }
    .await;
    let adresse = match &issue {
        Ok(id) => format!("/agenda/evenements/{id}"),
        Err(_) => String::new(),
    };
    repondre_page(
        &headers,
        &adresse,
        (&EVENEMENT, None, &f),
        issue,
        |en_place| rendre(&app, &me, f.usager, en_place),
    )
    .await
}
