//! The demo teams and messages (issue 13, COO-2/3/4): every file in stay gets a team (a
//! referent and two to four members from the demo accounts of its établissement; a third of
//! them a former referent in their history, a fourth a member whose function changed), and a few messages between demo accounts (unread
//! ones for `educateur`, `infirmier` and `cadre`; one about a person the educator may not
//! read, shown as out of scope).

use chrono::{DateTime, Duration, Utc};
use dui_domain::equipe::{FonctionEquipe, PlaceEquipe};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_store::audit::Actor;
use dui_store::policy::{authorize, load_matrix};
use dui_store::usager::{BulkEquipier, MessageInput};
use dui_store::Store;

use super::{principal, DemoOrg};

/// Per établissement domain: (referent, function), former referent (every third file), and
/// members with their function.
type Modele = (
    (&'static str, FonctionEquipe),
    Option<(&'static str, FonctionEquipe)>,
    &'static [(&'static str, FonctionEquipe)],
);

fn modele(domaine: &str) -> Modele {
    use FonctionEquipe::*;
    match domaine {
        "PA" => (
            ("aide-soignant", AideSoignant),
            Some(("infirmier", Infirmier)),
            &[("medecin", Medecin), ("cadre", Cadre)],
        ),
        "PH" => (
            ("educateur", Educateur),
            Some(("psychologue", Psychologue)),
            &[("medecin", Medecin), ("secretariat", AssistantSocial)],
        ),
        "PDE" => (
            ("educateur", Educateur),
            None,
            &[("psychologue", Psychologue), ("direction", Cadre)],
        ),
        "DOM" => (
            ("cadre", CoordinateurSad),
            Some(("infirmier", Infirmier)),
            &[("intervenant", IntervenantDomicile), ("secretariat", Autre)],
        ),
        _ => (("direction", Cadre), None, &[]),
    }
}

async fn id(store: &Store, name: &str) -> anyhow::Result<Option<i64>> {
    Ok(store.credentials(name).await?.map(|c| c.user.id))
}

/// Writes the teams and the messages; returns what was done, in French.
pub async fn ajouter(store: &Store, org: &DemoOrg, now: DateTime<Utc>) -> anyhow::Result<String> {
    let actor = Actor {
        utilisateur_id: None,
        username: "demo".into(),
        ip: None,
    };
    let today = dui_store::usager::jour_paris(now);
    let mut rows = Vec::new();
    for (etab, domaine) in &org.etablissements {
        let ((referent, f_ref), ancien, membres) = modele(domaine);
        let Some(referent) = id(store, referent).await? else {
            continue;
        };
        let ancien = match ancien {
            Some((a, f)) => id(store, a).await?.map(|a| (a, f)),
            None => None,
        };
        let mut autres = Vec::new();
        for (m, f) in membres {
            if let Some(m) = id(store, m).await? {
                autres.push((m, *f));
            }
        }
        for (i, u) in store
            .usagers_en_sejour(*etab, 400)
            .await?
            .into_iter()
            .enumerate()
        {
            let i = i as i64;
            let debut = today - Duration::days(200 + (i % 90));
            match ancien {
                Some((a, f)) if i % 3 == 0 => {
                    let change = today - Duration::days(40 + (i % 60));
                    rows.push(BulkEquipier {
                        usager_id: u,
                        utilisateur_id: a,
                        fonction: f,
                        place: PlaceEquipe::Referent,
                        debut,
                        fin: Some(change - Duration::days(1)),
                    });
                    rows.push(BulkEquipier {
                        usager_id: u,
                        utilisateur_id: referent,
                        fonction: f_ref,
                        place: PlaceEquipe::Referent,
                        debut: change,
                        fin: None,
                    });
                }
                _ => rows.push(BulkEquipier {
                    usager_id: u,
                    utilisateur_id: referent,
                    fonction: f_ref,
                    place: PlaceEquipe::Referent,
                    debut,
                    fin: None,
                }),
            }
            for (k, (m, f)) in autres.iter().enumerate() {
                // Two to four members: the second one for every other file.
                if k == 0 || i % 2 == 0 {
                    let place = if k == 0 && i % 5 == 0 {
                        PlaceEquipe::CoReferent
                    } else {
                        PlaceEquipe::Membre
                    };
                    // Every fourth file, the first member's function was set later: the
                    // history shows « Autre fonction » until then.
                    let depuis = if k == 0 && i % 4 == 1 {
                        let change = today - Duration::days(30 + (i % 20));
                        rows.push(BulkEquipier {
                            usager_id: u,
                            utilisateur_id: *m,
                            fonction: FonctionEquipe::Autre,
                            place,
                            debut,
                            fin: Some(change - Duration::days(1)),
                        });
                        change
                    } else {
                        debut
                    };
                    rows.push(BulkEquipier {
                        usager_id: u,
                        utilisateur_id: *m,
                        fonction: *f,
                        place,
                        debut: depuis,
                        fin: None,
                    });
                }
            }
        }
    }
    let n = store.insert_equipe_bulk(&actor, &rows, now).await?;
    let messages = messages(store, org, now).await?;
    Ok(format!("{n} participations aux équipes des personnes ; {messages} messages entre professionnels de démonstration."))
}

/// The demo messages: (from, to, établissement domain of the person it is about, with an
/// agenda entry, read already, subject, text).
type DemoMessage = (
    &'static str,
    &'static [&'static str],
    Option<&'static str>,
    bool,
    bool,
    &'static str,
    &'static str,
);

const MESSAGES: [DemoMessage; 6] = [
    ("cadre", &["educateur", "infirmier"], None, false, false, "Réunion d'équipe de jeudi", "La réunion d'équipe de jeudi est avancée à 13 h 30, salle du conseil. Merci de préparer vos situations à évoquer."),
    ("psychologue", &["educateur"], Some("PH"), false, false, "Bilan psychologique", "J'ai vu l'enfant hier : le bilan est à la fin de la semaine. Pouvez-vous noter son sommeil dans les transmissions d'ici là ?"),
    ("direction", &["educateur"], Some("DOM"), false, false, "Situation signalée par le SAD", "Pour information : l'intervenante signale une chute sans gravité. Le médecin traitant est prévenu."),
    ("infirmier", &["cadre"], Some("PA"), true, false, "Rendez-vous avec la famille", "La fille de la résidente souhaite vous rencontrer au sujet de son installation. Je vous ai inscrit le rendez-vous à l'agenda."),
    ("cadre", &["infirmier"], Some("PA"), false, false, "Plan de soins à revoir", "Le plan de soins doit être revu avant la réunion de synthèse : pouvez-vous mettre à jour les pansements ?"),
    ("medecin", &["infirmier"], Some("PA"), false, true, "Traitement ajusté", "J'ai ajusté le traitement antalgique ce matin : surveillance de la douleur matin et soir pendant trois jours."),
];

async fn messages(store: &Store, org: &DemoOrg, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let m = load_matrix(store).await?;
    let mut n = 0;
    for (i, (de, a, domaine, rdv, lu, objet, texte)) in MESSAGES.iter().enumerate() {
        let Some(who) = principal(store, de).await? else {
            continue;
        };
        let mut dest = Vec::new();
        for d in a.iter() {
            if let Some(d) = id(store, d).await? {
                dest.push(d);
            }
        }
        // Minutes apart, at load time: a message's time is its audit entry's, which the
        // sealer refuses more than 10 minutes away from the chain's head.
        let at = now - Duration::minutes(6 - i as i64);
        let sujet = match domaine {
            Some(d) => {
                let Some((etab, _)) = org.etablissements.iter().find(|(_, x)| x == d) else {
                    continue;
                };
                let Some(u) = store
                    .usagers_en_sejour(*etab, 3)
                    .await?
                    .into_iter()
                    .nth(i % 3)
                else {
                    continue;
                };
                Some(
                    authorize(
                        store,
                        &m,
                        &who,
                        UsagerId(u),
                        Section::Accompagnement,
                        Action::Lire,
                        at,
                    )
                    .await?,
                )
            }
            None => None,
        };
        let evenement_id = if *rdv {
            let cap =
                dui_store::policy::authorize_agenda(store, &m, &who, Action::Ecrire, at).await?;
            let debut = at + Duration::days(2);
            let e = dui_store::usager::EvenementInput {
                termes: dui_store::usager::TermesEvenement {
                    type_rdv: dui_domain::agenda::TypeRendezVous::Information,
                    objet: (*objet).into(),
                    description: Some((*texte).into()),
                    debut,
                    fin: debut + Duration::minutes(45),
                    lieu: None,
                    ressource_id: None,
                    rrule: None,
                    psychologie: false,
                },
                etablissement_id: who.etablissements.first().copied().unwrap_or_default(),
                participants: dest
                    .iter()
                    .map(|d| dui_store::usager::ParticipantInput::professionnel(*d))
                    .collect(),
            };
            Some(store.creer_evenement(&cap, &e).await?)
        } else {
            None
        };
        let input = MessageInput {
            destinataires: dest.clone(),
            objet: (*objet).into(),
            texte: (*texte).into(),
            evenement_id,
        };
        let mid = store
            .envoyer_message(&who, sujet.as_ref(), &input, at)
            .await?;
        if *lu {
            for d in &dest {
                if let Some(c) = store.credentials_by_id(*d).await? {
                    store
                        .lire_message(
                            &super::principal_de(&c.user),
                            &m,
                            mid,
                            at + Duration::seconds(30),
                        )
                        .await?;
                }
            }
        }
        n += 1;
    }
    Ok(n)
}
