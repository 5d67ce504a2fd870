//! The person file's tab « Agenda » (issue 13, COO-3/REL-1/REL-2): the person's events
//! (series expanded, each occurrence with its status, a postponed or cancelled one with its
//! motive, and each participant's presence) and the exchanges with them, their family and
//! partners, in one timeline by day; filtered by kind and period; an exchange recorded and
//! an event planned for the person from the tab (refusals in place, success confirmed).
//! Psychology appointments never appear here (decision 0049): the store leaves them out.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use dui_domain::agenda::StatutRendezVous;
use dui_domain::agenda_recurrence::{instant_paris, local_paris};
use dui_domain::echange::{SensEchange, TypeEchange};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{Echange, EchangeInput, Usager, VueAgenda};
use serde::{Deserialize, Serialize};

use super::agenda_api::{capacite, genres_planifiables, instants, objet};
use super::agenda_evenement::{exception_fr, heure};
use super::agenda_nouveau::{collegues, NouveauForm};
use super::agenda_page::jour_fr;
use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier};
use super::extracteurs::FormulaireDossier;
use crate::auth::CurrentUser;
use crate::forms::{opt, Errors};
use crate::{App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Layout, Saisie};

const ECHANGE: Formulaire = Formulaire::new("echange", "x-", Fait::EchangeEnregistre);
const EVENEMENT: Formulaire = Formulaire::new("evenement", "n-", Fait::EvenementEnregistre);

/// The tab's filters: `?genre=tous|evenements|echanges&periode=autour|avenir|passe`.
#[derive(Deserialize, Default, Clone)]
pub struct Filtre {
    /// Events, exchanges, or both.
    pub genre: Option<String>,
    /// Around today (a month either side), the coming two months, the past two months.
    pub periode: Option<String>,
}

impl Filtre {
    fn genre(&self) -> &'static str {
        match self.genre.as_deref() {
            Some("evenements") => "evenements",
            Some("echanges") => "echanges",
            _ => "tous",
        }
    }

    fn periode(&self) -> &'static str {
        match self.periode.as_deref() {
            Some("avenir") => "avenir",
            Some("passe") => "passe",
            _ => "autour",
        }
    }

    /// The Paris days [de, a) of the period (62 days at most, the store's window).
    fn jours(&self, aujourdhui: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self.periode() {
            "avenir" => (aujourdhui, aujourdhui + Duration::days(62)),
            "passe" => (
                aujourdhui - Duration::days(61),
                aujourdhui + Duration::days(1),
            ),
            _ => (
                aujourdhui - Duration::days(30),
                aujourdhui + Duration::days(32),
            ),
        }
    }
}

/// One line of the timeline.
pub struct Entree {
    /// When (its order).
    quand: DateTime<Utc>,
    /// « 10:00 – 11:00 » or « 14:30 ».
    pub horaire: String,
    /// « Événement » or « Échange ».
    pub nature: &'static str,
    /// The kind (« Réunion de synthèse », « Appel téléphonique »).
    pub genre: &'static str,
    /// The title.
    pub titre: String,
    /// The event's page.
    pub lien: Option<String>,
    /// The status (events).
    pub statut: Option<&'static str>,
    /// Struck (a cancelled or postponed event, a cancelled occurrence, a corrected exchange).
    pub barre: bool,
    /// A moved or cancelled occurrence's words, or an exchange's summary.
    pub note: Option<String>,
    /// The place, or with whom and which way.
    pub detail: Option<String>,
    /// Each participant's name and presence.
    pub participants: Vec<(String, &'static str)>,
}

/// One day of the timeline.
pub struct JourTimeline {
    /// « lundi 7 décembre ».
    pub titre: String,
    /// `AAAA-MM-JJ`.
    pub iso: String,
    /// Today.
    pub aujourdhui: bool,
    /// Its lines, by time.
    pub entrees: Vec<Entree>,
}

fn evenements(v: &VueAgenda, de: NaiveDate, a: NaiveDate) -> Vec<Entree> {
    let mut out = Vec::new();
    for o in &v.occurrences {
        let Some(e) = v.evenement(o.evenement_id) else {
            continue;
        };
        let note = e
            .exception(o.date)
            .filter(|_| o.deplacee)
            .map(|x| format!("{} (prévu le {})", exception_fr(x), jour_fr(o.date)));
        out.push(Entree {
            quand: o.debut,
            horaire: format!("{} – {}", heure(o.debut), heure(o.fin)),
            nature: "Événement",
            genre: e.type_rdv.label_fr(),
            titre: e.objet.clone(),
            lien: Some(super::agenda_page::lien_occurrence(e, o.date)),
            statut: Some(e.statut.label_fr()),
            barre: matches!(
                e.statut,
                StatutRendezVous::Annule | StatutRendezVous::Reporte
            ),
            note,
            detail: e.lieu.clone(),
            participants: e
                .participants
                .iter()
                .map(|p| (p.nom.clone(), e.presence_de(p, o.date).label_fr()))
                .collect(),
        });
    }
    // Cancelled occurrences stay in the timeline, struck, with their motive.
    for e in &v.evenements {
        for x in e
            .exceptions
            .iter()
            .filter(|x| x.annulee && x.date >= de && x.date < a)
        {
            let debut = instant_paris(x.date.and_time(local_paris(e.debut).time()));
            out.push(Entree {
                quand: debut,
                horaire: heure(debut),
                nature: "Événement",
                genre: e.type_rdv.label_fr(),
                titre: e.objet.clone(),
                lien: Some(format!("/agenda/evenements/{}", e.id)),
                statut: None,
                barre: true,
                note: Some(exception_fr(x)),
                detail: e.lieu.clone(),
                participants: Vec::new(),
            });
        }
    }
    out
}

fn echanges(v: &[Echange], de: DateTime<Utc>, a: DateTime<Utc>) -> Vec<Entree> {
    v.iter()
        .filter(|x| x.date_echange >= de && x.date_echange < a)
        .map(|x| Entree {
            quand: x.date_echange,
            horaire: heure(x.date_echange),
            nature: "Échange",
            genre: x.type_echange.label_fr(),
            titre: x.objet.clone(),
            lien: None,
            statut: x.corrige.then_some("Corrigé par une entrée plus récente"),
            barre: x.corrige,
            note: Some(x.resume.clone()),
            detail: Some(format!(
                "{} · {} · noté par {}",
                x.interlocuteur,
                x.sens.label_fr(),
                x.auteur
            )),
            participants: Vec::new(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/agenda.html")]
struct AgendaDossierPage {
    layout: Layout,
    u: Usager,
    tabs: super::entete::Tabs,
    jours: Vec<JourTimeline>,
    genre: &'static str,
    periode: &'static str,
    periode_fr: String,
    ecrire_echange: bool,
    planifier: bool,
    genres: Vec<(&'static str, &'static str)>,
    etablissements: Vec<(i64, String)>,
    collegues: Vec<(i64, String)>,
    aujourdhui: String,
    maintenant: String,
    en_place: EnPlace,
}

async fn rendre(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    filtre: Filtre,
    en_place: EnPlace,
) -> PageDossier {
    let Dossier { tabs, u, .. } = Dossier::ouvrir(app, me, id, Onglet::Agenda).await?;
    let cap = capability(app, me, id, Section::Accompagnement, Action::Lire).await?;
    let aujourdhui = crate::time::paris_today(cap.at());
    let (de, a) = filtre.jours(aujourdhui);
    let (i, j) = instants(de, a);
    let mut entrees = Vec::new();
    if filtre.genre() != "echanges" {
        let v = app.store.agenda_usager(&cap, i, j).await?;
        entrees.extend(evenements(&v, de, a));
    }
    if filtre.genre() != "evenements" {
        entrees.extend(echanges(&app.store.echanges(&cap).await?, i, j));
    }
    entrees.sort_by_key(|e| e.quand);
    let mut jours: Vec<JourTimeline> = Vec::new();
    for e in entrees {
        let d = local_paris(e.quand).date();
        match jours.last_mut() {
            Some(j) if j.iso == d.to_string() => j.entrees.push(e),
            _ => jours.push(JourTimeline {
                titre: jour_fr(d),
                iso: d.to_string(),
                aujourdhui: d == aujourdhui,
                entrees: vec![e],
            }),
        }
    }
    let m = super::matrix(app).await?;
    let planifier = dui_domain::agenda::peut_agenda(&m, me.user.role, Action::Ecrire).is_ok();
    let mut etablissements = Vec::new();
    let mut invites = Vec::new();
    if planifier {
        for e in &me.user.etablissements {
            if let Some(x) = app.store.etablissement(*e).await? {
                etablissements.push((*e, x.nom.clone()));
            }
        }
        invites = collegues(app, me).await?;
    }
    let fmt = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    Ok(AgendaDossierPage {
        layout: Layout::new(me, format!("Agenda — {}", u.nom_naissance), "usagers"),
        jours,
        genre: filtre.genre(),
        periode: filtre.periode(),
        periode_fr: format!("du {} au {}", fmt(de), fmt(a - Duration::days(1))),
        ecrire_echange: m.permet(me.user.role, Section::Accompagnement, Action::Ecrire),
        planifier,
        genres: genres_planifiables(),
        etablissements,
        collegues: invites,
        aujourdhui: aujourdhui.to_string(),
        maintenant: local_paris(cap.at()).format("%H:%M").to_string(),
        en_place,
        u,
        tabs,
    }
    .into_response())
}

/// GET /usagers/{id}/agenda: the timeline of the person's events and exchanges.
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(filtre): Query<Filtre>,
) -> PageDossier {
    rendre(&app, &me, id, filtre, EnPlace::default()).await
}

/// An exchange as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct EchangeForm {
    jour: Option<String>,
    heure: Option<String>,
    type_echange: Option<String>,
    sens: Option<String>,
    interlocuteur: Option<String>,
    objet: Option<String>,
    resume: Option<String>,
}

impl crate::saisie::Champs for EchangeForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("jour", lim::DATE),
        Champ::ligne("heure", 8),
        Champ::ligne("type_echange", lim::CODE),
        Champ::ligne("sens", lim::CODE),
        Champ::ligne("interlocuteur", lim::NOM_STRUCTURE),
        Champ::ligne("objet", lim::LIBELLE),
        Champ::texte("resume", lim::COMMENTAIRE),
    ];
}

impl EchangeForm {
    fn input(&self, now: DateTime<Utc>) -> Result<EchangeInput, AppError> {
        let mut e = Errors::default();
        let jour = opt(&self.jour).and_then(|j| crate::time::date_saisie(&j));
        if jour.is_none() {
            e.add("jour", "Indiquez le jour de l'échange (JJ/MM/AAAA).");
        }
        let heure = opt(&self.heure).and_then(|h| NaiveTime::parse_from_str(&h, "%H:%M").ok());
        if heure.is_none() {
            e.add("heure", "Indiquez l'heure de l'échange (HH:MM).");
        }
        let type_echange = e.choix(
            "type_echange",
            &self.type_echange,
            TypeEchange::from_code,
            "Choisissez le type d'échange.",
        );
        let sens = e.choix(
            "sens",
            &self.sens,
            SensEchange::from_code,
            "Indiquez qui a pris contact.",
        );
        let interlocuteur = e.required(
            "interlocuteur",
            "Interlocuteur",
            self.interlocuteur.as_deref().unwrap_or(""),
            lim::NOM_STRUCTURE,
        );
        let objet = objet(&mut e, &self.objet);
        let resume = e.required(
            "resume",
            "Résumé",
            self.resume.as_deref().unwrap_or(""),
            lim::COMMENTAIRE,
        );
        let quand = match (jour, heure) {
            (Some(j), Some(h)) => Some(instant_paris(j.and_time(h))),
            _ => None,
        };
        if quand.is_some_and(|q| q > now + Duration::minutes(5)) {
            e.add(
                "jour",
                "Un échange se note une fois qu'il a eu lieu : la date est à venir.",
            );
        }
        e.finish()?;
        let (Some(date_echange), Some(type_echange), Some(sens)) = (quand, type_echange, sens)
        else {
            return Err(AppError::BadRequest("Formulaire incomplet.".into()));
        };
        Ok(EchangeInput {
            date_echange,
            type_echange,
            sens,
            interlocuteur,
            objet,
            resume,
            corrige_id: None,
        })
    }
}

/// The tab again with form `f` refused in place, or the refusal's own page.
async fn refus<T: Serialize>(
    p: &FormulaireDossier<T>,
    f: &Formulaire,
    champs: &[&str],
    e: AppError,
) -> Result<Response, AppError> {
    let (status, erreurs) = ErreursFormulaire::depuis(e, champs)?;
    let en_place = EnPlace::refus(f, Saisie::de(&p.f), erreurs);
    Ok(
        match rendre(&p.app, &p.me, p.id, Filtre::default(), en_place).await {
            Ok(r) => (status, r).into_response(),
            Err(e) => e.into_response(),
        },
    )
}

/// POST /usagers/{id}/agenda/echanges: records an exchange in the file.
pub async fn echange_form(p: FormulaireDossier<EchangeForm>) -> Result<Response, AppError> {
    let r = async {
        let cap = capability(&p.app, &p.me, p.id, Section::Accompagnement, Action::Ecrire).await?;
        let input = p.f.input(cap.at())?;
        Ok::<_, AppError>(p.app.store.ajouter_echange(&cap, &input).await?)
    }
    .await;
    match r {
        Ok(_) => Ok(p.confirme("/agenda", ECHANGE.fait)),
        Err(e) => {
            let champs = [
                "jour",
                "heure",
                "type_echange",
                "sens",
                "interlocuteur",
                "objet",
                "resume",
            ];
            refus(&p, &ECHANGE, &champs, e).await
        }
    }
}

/// POST /usagers/{id}/agenda/evenements: plans an event the person takes part in.
pub async fn evenement_form(mut p: FormulaireDossier<NouveauForm>) -> Result<Response, AppError> {
    p.f.usager = Some(p.id.get());
    let r = async {
        // Planning for the person writes in their support section (audited) before the
        // agenda's own rules (the établissement, the participants) apply.
        capability(&p.app, &p.me, p.id, Section::Accompagnement, Action::Ecrire).await?;
        let input = p.f.input(&p.me.user.etablissements)?;
        let cap = capacite(&p.app, &p.me, Action::Ecrire).await?;
        Ok::<_, AppError>(p.app.store.creer_evenement(&cap, &input).await?)
    }
    .await;
    match r {
        Ok(_) => Ok(p.confirme("/agenda?periode=avenir", EVENEMENT.fait)),
        Err(e) => {
            let champs = [
                "type_rdv",
                "objet",
                "etablissement_id",
                "jour",
                "heure_debut",
                "heure_fin",
                "lieu",
                "repetition",
                "jusqua",
                "externes",
            ];
            refus(&p, &EVENEMENT, &champs, e).await
        }
    }
}

/// The tab's routes.
pub fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/usagers/{id}/agenda", get(page))
        .route("/usagers/{id}/agenda/echanges", post(echange_form))
        .route("/usagers/{id}/agenda/evenements", post(evenement_form))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_stay_within_the_store_window_and_an_exchange_is_not_in_the_future() {
        let d: NaiveDate = "2026-12-07".parse().unwrap();
        for p in ["autour", "avenir", "passe", "inconnue"] {
            let f = Filtre {
                genre: None,
                periode: Some(p.into()),
            };
            let (de, a) = f.jours(d);
            assert!(de <= d && d < a, "{p}");
            assert!((a - de).num_days() <= 62, "{p}");
        }
        let now: DateTime<Utc> = "2026-12-07T10:00:00Z".parse().unwrap();
        let f = EchangeForm {
            jour: Some("08/12/2026".into()),
            heure: Some("09:00".into()),
            type_echange: Some("appel".into()),
            sens: Some("entrant".into()),
            interlocuteur: Some("Mme DUPONT, fille".into()),
            objet: Some("Visite".into()),
            resume: Some("Prévoit de venir dimanche.".into()),
        };
        match f.input(now) {
            Err(AppError::Invalid { fields, .. }) => assert!(fields.contains_key("jour")),
            _ => panic!("a future exchange is refused"),
        }
        let f = EchangeForm {
            jour: Some("2026-12-07".into()),
            ..f
        };
        let x = f.input(now).unwrap();
        assert_eq!(heure(x.date_echange), "09:00");
    }
}
