//! Demo agendas (issue 13, part A): at the EHPAD and the IME, this week's synthesis
//! meetings, family visits and external consultations, a weekly team meeting with one
//! occurrence moved, a weekly coordination meeting begun four weeks ago whose past
//! occurrences have presences that differ (h13d, decision 0059), a room and a vehicle per
//! établissement, and a few exchanges with families and partners in the files.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use dui_domain::agenda::{Presence, TypeRendezVous, TypeRessource};
use dui_domain::agenda_recurrence::instant_paris;
use dui_domain::echange::{SensEchange, TypeEchange};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_store::policy::{authorize, authorize_agenda, load_matrix, CapaciteAgenda};
use dui_store::usager::{
    EchangeInput, EvenementInput, ExceptionOccurrence, ParticipantInput, RessourceInput,
    TermesEvenement,
};
use dui_store::Store;

use super::principal;
use super::soins::usagers;
use super::DemoOrg;

/// An event on `jour` from `h` (Paris) for `minutes`.
#[allow(clippy::too_many_arguments)]
fn evenement(
    etab: i64,
    type_rdv: TypeRendezVous,
    objet: &str,
    jour: NaiveDate,
    (h, m): (u32, u32),
    minutes: i64,
    ressource_id: Option<i64>,
    participants: Vec<ParticipantInput>,
) -> EvenementInput {
    let debut = instant_paris(jour.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()));
    EvenementInput {
        termes: TermesEvenement {
            type_rdv,
            objet: objet.into(),
            description: None,
            debut,
            fin: debut + Duration::minutes(minutes),
            lieu: None,
            ressource_id,
            rrule: None,
            psychologie: false,
        },
        etablissement_id: etab,
        participants,
    }
}

/// The IME's cadre (username, first name, last name): plans the IME's meetings with its
/// educators (the demo's `cadre` works at the EHPAD and the home-care service).
pub const CADRE_IME: (&str, &str, &str) = ("cadre-ime", "Camille", "Carrel");

/// Creates the IME's cadre once (the demo's common password), at the IME and the MECS.
async fn cadre_ime(store: &Store, org: &DemoOrg) -> anyhow::Result<()> {
    let (username, prenom, nom) = CADRE_IME;
    if store.credentials(username).await?.is_some() {
        return Ok(());
    }
    let hash = tokio::task::spawn_blocking(|| {
        dui_store::admin::utilisateur::hash_password(super::DEMO_PASSWORD)
    })
    .await??;
    let input = dui_store::admin::utilisateur::UtilisateurInput {
        username: username.into(),
        nom: nom.into(),
        prenom: prenom.into(),
        email: None,
        role: dui_domain::policy::Role::Cadre,
        identifiant_pro: None,
        actif: true,
        etablissements: org
            .etablissements
            .iter()
            .filter(|(_, d)| matches!(*d, "PH" | "PDE"))
            .map(|(id, _)| *id)
            .collect(),
        usager_id: None,
    };
    let actor = dui_store::audit::Actor {
        utilisateur_id: None,
        username: "demo".into(),
        ip: None,
    };
    store
        .create_utilisateur(&actor, &input, &hash, false, Utc::now())
        .await?;
    Ok(())
}

/// The presences of the past occurrences of the coordination meeting, by week (oldest
/// first) and participant (in the order of the event's participants).
const PRESENCES_COORDINATION: [[Presence; 4]; 4] = [
    [
        Presence::Present,
        Presence::Present,
        Presence::Present,
        Presence::Present,
    ],
    [
        Presence::Present,
        Presence::Absent,
        Presence::Present,
        Presence::Excuse,
    ],
    [
        Presence::Present,
        Presence::Present,
        Presence::Excuse,
        Presence::Absent,
    ],
    [
        Presence::Present,
        Presence::Present,
        Presence::Present,
        Presence::Present,
    ],
];

/// A weekly coordination meeting on Mondays at 09:30, begun four weeks before `lundi`, for
/// ten weeks, with `participants` (and the organiser); the presences of its past occurrences
/// differ from one week to the next.
async fn coordination(
    store: &Store,
    cap: &CapaciteAgenda,
    etab: i64,
    lundi: NaiveDate,
    participants: Vec<ParticipantInput>,
) -> anyhow::Result<()> {
    let debut = lundi - Duration::days(28);
    let mut e = evenement(
        etab,
        TypeRendezVous::Reunion,
        "Réunion de coordination du projet",
        debut,
        (9, 30),
        60,
        None,
        participants,
    );
    e.termes.rrule = Some("FREQ=WEEKLY;BYDAY=MO;COUNT=10".into());
    let id = store.creer_evenement(cap, &e).await?;
    let lu = store.evenement(cap, id).await?;
    for (k, semaine) in PRESENCES_COORDINATION.iter().enumerate() {
        let date = debut + Duration::weeks(k as i64);
        for (p, presence) in lu.participants.iter().zip(semaine) {
            store
                .noter_presence_occurrence(cap, (id, date), p.id, 0, *presence)
                .await?;
        }
    }
    Ok(())
}

/// Adds the demo agendas once (skipped when the EHPAD already has a room); what was added.
pub async fn ajouter(store: &Store, org: &DemoOrg) -> anyhow::Result<String> {
    cadre_ime(store, org).await?;
    let m = load_matrix(store).await?;
    let now = Utc::now();
    let today = dui_domain::agenda_recurrence::local_paris(now).date();
    let lundi = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let (Some(cadre), Some(cadre_ime)) = (
        principal(store, "cadre").await?,
        principal(store, CADRE_IME.0).await?,
    ) else {
        return Ok("Agendas de démonstration : comptes absents.".into());
    };
    let medecin = principal(store, "medecin").await?.map(|p| p.id);
    let educateur = principal(store, "educateur").await?.map(|p| p.id);
    let soignant = principal(store, "aide-soignant").await?.map(|p| p.id);
    let (mut n, mut x) = (0, 0);
    for (etab, domaine) in org.etablissements.iter().copied() {
        let (qui, equipe) = match domaine {
            "PA" => (&cadre, [medecin, soignant]),
            "PH" => (&cadre_ime, [medecin, educateur]),
            _ => continue,
        };
        let cap = authorize_agenda(store, &m, qui, Action::Ecrire, now).await?;
        if !store.ressources(&cap, etab).await?.is_empty() {
            return Ok("Agendas de démonstration déjà présents.".into());
        }
        let salle = store
            .creer_ressource(
                &cap,
                &RessourceInput {
                    etablissement_id: etab,
                    type_ressource: TypeRessource::Salle,
                    nom: "Salle de réunion".into(),
                },
            )
            .await?;
        let vehicule = store
            .creer_ressource(
                &cap,
                &RessourceInput {
                    etablissement_id: etab,
                    type_ressource: TypeRessource::Vehicule,
                    nom: "Minibus 9 places".into(),
                },
            )
            .await?;
        let equipe: Vec<ParticipantInput> = equipe
            .iter()
            .flatten()
            .map(|i| ParticipantInput::professionnel(*i))
            .collect();
        // The weekly team meeting, Tuesday 14:00, for three months; next week's moved.
        let mut reunion = evenement(
            etab,
            TypeRendezVous::Reunion,
            "Réunion d'équipe",
            lundi + Duration::days(1),
            (14, 0),
            60,
            Some(salle),
            equipe.clone(),
        );
        reunion.termes.rrule = Some(format!(
            "FREQ=WEEKLY;BYDAY=TU;UNTIL={}",
            (lundi + Duration::days(91)).format("%Y%m%d")
        ));
        let rid = store.creer_evenement(&cap, &reunion).await?;
        let deplacee = lundi + Duration::days(8);
        let nouveau =
            instant_paris(deplacee.and_time(NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default()))
                + Duration::days(1);
        store
            .exception_evenement(
                &cap,
                rid,
                1,
                &ExceptionOccurrence {
                    date: deplacee,
                    annulee: false,
                    debut: Some(nouveau),
                    fin: Some(nouveau + Duration::hours(1)),
                    motif: Some("Salle indisponible".into()),
                },
            )
            .await?;
        n += 1;
        let personnes = usagers(store, &m, etab, 6).await?;
        if let Some(u) = personnes.first() {
            let mut p = equipe.clone();
            p.push(ParticipantInput::usager(*u));
            coordination(store, &cap, etab, lundi, p).await?;
            n += 1;
        }
        let objets = [
            (
                TypeRendezVous::ReunionSynthese,
                "Synthèse du projet personnalisé",
                2,
                (10, 0),
                60,
                Some(salle),
            ),
            (
                TypeRendezVous::VisiteFamiliale,
                "Visite de la famille",
                3,
                (15, 0),
                90,
                None,
            ),
            (
                TypeRendezVous::ConsultationExterieure,
                "Consultation en cardiologie (hôpital)",
                4,
                (9, 30),
                120,
                Some(vehicule),
            ),
            (
                TypeRendezVous::Sortie,
                "Sortie au marché",
                5,
                (10, 0),
                120,
                Some(vehicule),
            ),
            (
                TypeRendezVous::ReunionSynthese,
                "Synthèse annuelle",
                0,
                (11, 0),
                60,
                Some(salle),
            ),
            (
                TypeRendezVous::VisiteFamiliale,
                "Visite du fils",
                6,
                (14, 30),
                60,
                None,
            ),
        ];
        for ((t, objet, j, h, min, res), u) in objets.iter().zip(&personnes) {
            let mut p = vec![ParticipantInput::usager(*u)];
            p.extend(equipe.iter().cloned());
            if *t == TypeRendezVous::VisiteFamiliale {
                p.push(ParticipantInput::externe("Famille (fille ou fils)"));
            }
            store
                .creer_evenement(
                    &cap,
                    &evenement(
                        etab,
                        *t,
                        objet,
                        lundi + Duration::days(*j),
                        *h,
                        *min,
                        *res,
                        p,
                    ),
                )
                .await?;
            n += 1;
        }
        // A few exchanges in the first files.
        for (k, u) in personnes.iter().take(3).enumerate() {
            let c = authorize(
                store,
                &m,
                qui,
                UsagerId(*u),
                Section::Accompagnement,
                Action::Ecrire,
                now,
            )
            .await?;
            let (t, sens, avec, objet, resume) = [
                (
                    TypeEchange::Appel,
                    SensEchange::Entrant,
                    "La fille de la personne",
                    "Nouvelles et visite",
                    "Demande des nouvelles ; viendra samedi après-midi.",
                ),
                (
                    TypeEchange::Courriel,
                    SensEchange::Sortant,
                    "Cabinet de kinésithérapie",
                    "Séances de rééducation",
                    "Transmission du planning des séances de la semaine prochaine.",
                ),
                (
                    TypeEchange::Rencontre,
                    SensEchange::Entrant,
                    "Le fils de la personne",
                    "Projet personnalisé",
                    "Souhaite participer à la prochaine réunion de synthèse.",
                ),
            ][k % 3];
            store
                .ajouter_echange(
                    &c,
                    &EchangeInput {
                        date_echange: now - Duration::days(k as i64 + 1),
                        type_echange: t,
                        sens,
                        interlocuteur: avec.into(),
                        objet: objet.into(),
                        resume: resume.into(),
                        corrige_id: None,
                    },
                )
                .await?;
            x += 1;
        }
    }
    Ok(format!(
        "{n} événements de démonstration dans les agendas de l'EHPAD et de l'IME (réunion hebdomadaire avec une occurrence déplacée, synthèses, visites, consultations), une salle et un véhicule par établissement, {x} échanges tracés."
    ))
}
