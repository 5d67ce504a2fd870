//! An event of the agenda as a page (issue 13, COO-3/COO-4): when and where, its status
//! (confirmé, réalisé, annulé, reporté with its motive: `dui_domain::agenda`), each
//! participant's presence, its title, time and place changed for the whole series, and one
//! occurrence of a series moved (postponed, with a motive) or cancelled. Every form is
//! refused in place (422, and 409 when someone changed the event meanwhile: the page then
//! shows the version of now), a success confirmed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use dui_domain::agenda::StatutRendezVous;
use dui_domain::agenda_recurrence::{instant_paris, local_paris, occurrences};
use dui_domain::policy::Action;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{Evenement, ExceptionOccurrence};
use serde::{Deserialize, Serialize};

use super::agenda_api::{capacite, objet};
use super::agenda_occurrence::{bilan_presences, formulaires_presence};
use super::agenda_page::jour_fr;
use super::extracteurs::FormulairePage;
use crate::auth::CurrentUser;
use crate::forms::{opt, Errors};
use crate::layout::Layout;
use crate::reponses::confirme;
use crate::{App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Saisie, WebResult};

const STATUT: Formulaire = Formulaire::new("statut", "ev-", Fait::EvenementEnregistre);
const MODIFICATION: Formulaire = Formulaire::new("modification", "m-", Fait::EvenementEnregistre);
const OCCURRENCE: Formulaire = Formulaire::new("occurrence", "o-", Fait::OccurrenceEnregistree);

/// The refusal of a change made on a stale event.
const PERIME: &str = "Cet événement a été modifié entre-temps par quelqu'un d'autre : rien n'a été écrasé. La page montre maintenant la version à jour ; saisissez de nouveau votre changement.";

/// `HH:MM` in Paris.
pub(crate) fn heure(t: DateTime<Utc>) -> String {
    local_paris(t).format("%H:%M").to_string()
}

/// « 08/12/2026 ».
fn date_fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// One occurrence of a series, as the page lists it.
pub struct LigneOccurrence {
    /// Its local date in the series (`AAAA-MM-JJ`, the key of an exception).
    pub date: String,
    /// « lundi 7 décembre, 10:00 – 11:00 ».
    pub libelle: String,
    /// « Reportée au 15/12/2026 à 14:00 — motif » or « Annulée — motif ».
    pub exception: Option<String>,
    /// The presences noted at it (« 2 présents, 1 absent »), decision 0059.
    pub presences: String,
}

/// What an exception says of an occurrence.
pub(crate) fn exception_fr(x: &ExceptionOccurrence) -> String {
    let quoi = match (x.annulee, x.debut) {
        (true, _) | (false, None) => "Annulée".to_string(),
        (false, Some(d)) => format!(
            "Reportée au {} à {}",
            date_fr(local_paris(d).date()),
            heure(d)
        ),
    };
    match &x.motif {
        Some(m) => format!("{quoi} — motif : {m}"),
        None => quoi,
    }
}

/// The occurrences of series `e` from two weeks back to two months ahead (cancelled ones
/// included, marked), or none for a single event.
fn occurrences_listees(e: &Evenement, now: DateTime<Utc>) -> Vec<LigneOccurrence> {
    let Some(regle) = e.regle() else {
        return Vec::new();
    };
    let (de, a) = (now - Duration::days(14), now + Duration::days(62));
    // Without the exceptions: every date of the series, each then described with its own.
    let toutes = occurrences(e.debut, e.fin, Some(&regle), &Default::default(), de, a);
    toutes
        .into_iter()
        .take(40)
        .map(|o| LigneOccurrence {
            date: o.date.to_string(),
            libelle: format!("{}, {} – {}", jour_fr(o.date), heure(o.debut), heure(o.fin)),
            exception: e.exception(o.date).map(exception_fr),
            presences: bilan_presences(e, o.date),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "agenda_evenement.html")]
struct EvenementPage {
    layout: Layout,
    e: Evenement,
    quand: String,
    statuts: Vec<(&'static str, &'static str)>,
    presences: Vec<(&'static str, &'static str)>,
    ecrire: bool,
    /// The series' occurrences (empty for a single event).
    serie: Vec<LigneOccurrence>,
    /// The first occurrence's day and times, as the change form shows them.
    jour: String,
    heure_debut: String,
    heure_fin: String,
    /// The participant whose presence form was refused.
    participant_refuse: i64,
    en_place: EnPlace,
}

async fn rendre(app: &App, me: &CurrentUser, id: i64, en_place: EnPlace) -> WebResult<Response> {
    let cap = capacite(app, me, Action::Lire).await?;
    let e = app.store.evenement(&cap, id).await?;
    let quand = format!(
        "{} de {} à {}{}",
        jour_fr(local_paris(e.debut).date()),
        heure(e.debut),
        heure(e.fin),
        if e.rrule.is_some() {
            " (premier jour d'une série)"
        } else {
            ""
        }
    );
    let (presences, ecrire, participant_refuse) =
        formulaires_presence(app, me, &e, &en_place).await?;
    Ok(EvenementPage {
        layout: Layout::new(
            me,
            format!("{} — {}", e.type_rdv.label_fr(), e.objet),
            "agenda",
        ),
        quand,
        statuts: StatutRendezVous::ALL
            .iter()
            .map(|s| (s.code(), s.label_fr()))
            .collect(),
        presences,
        ecrire,
        serie: occurrences_listees(&e, cap.at()),
        jour: local_paris(e.debut).date().to_string(),
        heure_debut: heure(e.debut),
        heure_fin: heure(e.fin),
        participant_refuse,
        en_place,
        e,
    }
    .into_response())
}

/// GET /agenda/evenements/{id}: an event, its participants' presence, its status, its forms.
pub async fn evenement_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    rendre(&app, &me, id, EnPlace::default()).await
}

/// The page a form of an event is on.
#[derive(Clone, Copy)]
pub(super) enum Vue {
    /// The event's page.
    Evenement,
    /// The page of one occurrence of a series (its local date).
    Occurrence(NaiveDate),
}

/// The answer to the form `formulaire` (its fields in display order) posted as `p` on the
/// event's page, whose write ended as `r` ([`issue`]).
async fn repondre_evenement<F: Serialize>(
    p: &FormulairePage<i64, F>,
    formulaire: (&Formulaire, &[&str]),
    r: WebResult<i64>,
) -> WebResult<Response> {
    let compte = (&p.app, &p.me, &p.headers);
    issue(compte, (p.id, Vue::Evenement), formulaire, &p.f, r).await
}

/// The page of `vue` confirming `f`, or on an expected refusal the page again with the form
/// as typed and its errors (`champs`: its fields in display order).
pub(super) async fn issue<T: Serialize>(
    (app, me, headers): (&App, &CurrentUser, &HeaderMap),
    (id, vue): (i64, Vue),
    (f, champs): (&Formulaire, &[&str]),
    saisie: &T,
    resultat: WebResult<i64>,
) -> WebResult<Response> {
    let ancre = match f.nom {
        "presence" => "#participants",
        "occurrence" => "#occurrences",
        _ => "",
    };
    let adresse = match vue {
        Vue::Evenement => format!("/agenda/evenements/{id}{ancre}"),
        Vue::Occurrence(d) => format!("/agenda/evenements/{id}/occurrences/{d}"),
    };
    let erreur = match resultat {
        Ok(_) => return Ok(confirme(headers, &adresse, f.fait)),
        Err(e) => e,
    };
    let (status, erreurs) = match erreur {
        AppError::Stale => (StatusCode::CONFLICT, ErreursFormulaire::generale(PERIME)),
        e => ErreursFormulaire::depuis(e, champs)?,
    };
    let en_place = EnPlace::refus(f, Saisie::de(saisie), erreurs);
    let page = match vue {
        Vue::Evenement => rendre(app, me, id, en_place).await?,
        Vue::Occurrence(d) => super::agenda_occurrence::rendre(app, me, (id, d), en_place).await?,
    };
    Ok((status, page).into_response())
}

pub(super) fn version(s: &Option<String>) -> WebResult<i64> {
    opt(s)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("Version de l'événement manquante.".into()))
}

/// A status change as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct StatutForm {
    statut: Option<String>,
    motif: Option<String>,
    version: Option<String>,
}

impl crate::saisie::Champs for StatutForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("statut", lim::CODE),
        Champ::texte("motif", lim::MOTIF),
        Champ::ligne("version", 20),
    ];
}

/// POST /agenda/evenements/{id}/statut.
pub async fn statut_form(p: FormulairePage<i64, StatutForm>) -> WebResult<Response> {
    let (app, me, id, f) = (&p.app, &p.me, p.id, &p.f);
    let version = version(&f.version)?;
    let r = async {
        let statut = f
            .statut
            .as_deref()
            .and_then(StatutRendezVous::from_code)
            .ok_or_else(|| AppError::field("statut", "Choisissez un statut."))?;
        let cap = capacite(app, me, Action::Ecrire).await?;
        Ok::<_, AppError>(
            app.store
                .changer_statut_evenement(&cap, id, version, statut, opt(&f.motif).as_deref())
                .await?,
        )
    }
    .await;
    repondre_evenement(&p, (&STATUT, &["statut", "motif"]), r).await
}

fn jour_et_heures(
    e: &mut Errors,
    jour: &Option<String>,
    debut: &Option<String>,
    fin: &Option<String>,
) -> Option<(NaiveDate, NaiveTime, NaiveTime)> {
    let jour = opt(jour).and_then(|j| crate::time::date_saisie(&j));
    if jour.is_none() {
        e.add("jour", "Indiquez le jour (JJ/MM/AAAA).");
    }
    let h = |s: &Option<String>| opt(s).and_then(|s| NaiveTime::parse_from_str(&s, "%H:%M").ok());
    let (hd, hf) = (h(debut), h(fin));
    if hd.is_none() {
        e.add("heure_debut", "Indiquez l'heure de début (HH:MM).");
    }
    if hf.is_none() {
        e.add("heure_fin", "Indiquez l'heure de fin (HH:MM).");
    }
    Some((jour?, hd?, hf?))
}

/// A change of the title, the day, the times and the place, as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct ModificationForm {
    objet: Option<String>,
    jour: Option<String>,
    heure_debut: Option<String>,
    heure_fin: Option<String>,
    lieu: Option<String>,
    version: Option<String>,
}

impl crate::saisie::Champs for ModificationForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("objet", lim::LIBELLE),
        Champ::ligne("jour", lim::DATE),
        Champ::ligne("heure_debut", 8),
        Champ::ligne("heure_fin", 8),
        Champ::ligne("lieu", lim::LIBELLE),
        Champ::ligne("version", 20),
    ];
}

/// POST /agenda/evenements/{id}/modification: the title, the first day, the times and the
/// place of the event (of the whole series), with the version read.
pub async fn modification_form(p: FormulairePage<i64, ModificationForm>) -> WebResult<Response> {
    let (app, me, id, f) = (&p.app, &p.me, p.id, &p.f);
    let version = version(&f.version)?;
    let r = async {
        let mut err = Errors::default();
        let objet = objet(&mut err, &f.objet);
        let creneau = jour_et_heures(&mut err, &f.jour, &f.heure_debut, &f.heure_fin);
        err.finish()?;
        let (jour, hd, hf) =
            creneau.ok_or_else(|| AppError::BadRequest("Formulaire incomplet.".into()))?;
        let lecture = capacite(app, me, Action::Lire).await?;
        let mut input = app.store.evenement(&lecture, id).await?.saisie();
        input.termes.objet = objet;
        input.termes.lieu = opt(&f.lieu);
        input.termes.debut = instant_paris(jour.and_time(hd));
        input.termes.fin = instant_paris(jour.and_time(hf));
        let cap = capacite(app, me, Action::Ecrire).await?;
        Ok::<_, AppError>(
            app.store
                .modifier_evenement(&cap, id, version, &input)
                .await?,
        )
    }
    .await;
    let champs = ["objet", "jour", "heure_debut", "heure_fin", "lieu"];
    repondre_evenement(&p, (&MODIFICATION, &champs), r).await
}

/// One occurrence moved or cancelled, as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct OccurrenceForm {
    date: Option<String>,
    /// `reporter` or `annuler`.
    action: Option<String>,
    jour: Option<String>,
    heure_debut: Option<String>,
    heure_fin: Option<String>,
    motif: Option<String>,
    version: Option<String>,
}

impl crate::saisie::Champs for OccurrenceForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("date", lim::DATE),
        Champ::ligne("action", lim::CODE),
        Champ::ligne("jour", lim::DATE),
        Champ::ligne("heure_debut", 8),
        Champ::ligne("heure_fin", 8),
        Champ::texte("motif", lim::MOTIF),
        Champ::ligne("version", 20),
    ];
}

impl OccurrenceForm {
    fn exception(&self) -> WebResult<ExceptionOccurrence> {
        let mut err = Errors::default();
        let date = opt(&self.date).and_then(|d| d.parse::<NaiveDate>().ok());
        if date.is_none() {
            err.add("date", "Choisissez l'occurrence.");
        }
        let motif = opt(&self.motif);
        let (annulee, creneau) = match self.action.as_deref() {
            Some("annuler") => (true, None),
            Some("reporter") => {
                if motif.is_none() {
                    err.add("motif", "Indiquez le motif du report.");
                }
                let c = jour_et_heures(&mut err, &self.jour, &self.heure_debut, &self.heure_fin);
                (false, c)
            }
            _ => {
                err.add(
                    "action",
                    "Choisissez de reporter ou d'annuler l'occurrence.",
                );
                (false, None)
            }
        };
        err.finish()?;
        let date = date.ok_or_else(|| AppError::BadRequest("Formulaire incomplet.".into()))?;
        let (debut, fin) = match creneau {
            Some((j, hd, hf)) => (
                Some(instant_paris(j.and_time(hd))),
                Some(instant_paris(j.and_time(hf))),
            ),
            None => (None, None),
        };
        Ok(ExceptionOccurrence {
            date,
            annulee,
            debut,
            fin,
            motif,
        })
    }
}

/// POST /agenda/evenements/{id}/occurrence: postpones (with its motive) or cancels one
/// occurrence of a series; the others are unchanged.
pub async fn occurrence_form(p: FormulairePage<i64, OccurrenceForm>) -> WebResult<Response> {
    let (app, me, id, f) = (&p.app, &p.me, p.id, &p.f);
    let version = version(&f.version)?;
    let r = async {
        let x = f.exception()?;
        let cap = capacite(app, me, Action::Ecrire).await?;
        Ok::<_, AppError>(app.store.exception_evenement(&cap, id, version, &x).await?)
    }
    .await;
    let champs = [
        "date",
        "action",
        "jour",
        "heure_debut",
        "heure_fin",
        "motif",
    ];
    repondre_evenement(&p, (&OCCURRENCE, &champs), r).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postponed_occurrence_needs_its_motive_and_its_new_slot() {
        let f = OccurrenceForm {
            date: Some("2026-12-14".into()),
            action: Some("reporter".into()),
            ..Default::default()
        };
        match f.exception() {
            Err(AppError::Invalid { fields, .. }) => {
                assert!(fields.contains_key("motif"));
                assert!(fields.contains_key("jour"));
                assert!(fields.contains_key("heure_debut"));
            }
            _ => panic!("refused"),
        }
        let f = OccurrenceForm {
            date: Some("2026-12-14".into()),
            action: Some("reporter".into()),
            jour: Some("15/12/2026".into()),
            heure_debut: Some("14:00".into()),
            heure_fin: Some("15:00".into()),
            motif: Some("Salle indisponible".into()),
            version: Some("3".into()),
        };
        let x = f.exception().unwrap();
        assert!(!x.annulee);
        assert_eq!(heure(x.debut.unwrap()), "14:00");
        assert_eq!(
            exception_fr(&x),
            "Reportée au 15/12/2026 à 14:00 — motif : Salle indisponible"
        );
        let f = OccurrenceForm {
            date: Some("2026-12-14".into()),
            action: Some("annuler".into()),
            ..Default::default()
        };
        assert_eq!(exception_fr(&f.exception().unwrap()), "Annulée");
    }
}
