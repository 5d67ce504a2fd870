//! The demo liaison book (issue 13, COO-6): the first SAD person the intervenant visits gets
//! a book written over the past week by the SAD nurse, the intervenant, an outside
//! physiotherapist (the partner account `kine`, invited by the cadre) and the relative
//! `proche` (allowed by the cadre to write); the intervenant has read the first entries, so
//! their home page shows the new ones.

use chrono::{DateTime, Duration, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::liaison::QualiteLiaison;
use dui_domain::policy::{Action, Matrice, Section};
use dui_store::admin::utilisateur::{hash_password, Utilisateur};
use dui_store::audit::Actor;
use dui_store::policy::{authorize, authorize_liaison_nouvelles, load_matrix, Principal};
use dui_store::usager::{BulkLiaison, InvitationPartenaire};
use dui_store::Store;

use super::DEMO_PASSWORD;

/// The demo accounts this module creates: (username, role label).
pub const COMPTES: [(&str, &str); 1] = [("kine", "Partenaire extérieur (kinésithérapeute)")];

/// The entries: (author, days ago, hour, text, corrects the entry of this index).
const ENTREES: [(&str, i64, u32, &str, Option<usize>); 9] = [
    ("infirmier", 6, 8, "Passage infirmier : pansement du talon gauche refait, plaie propre, pas de signe d'infection. Prochain passage jeudi.", None),
    ("intervenant", 6, 12, "Repas du midi pris en entier. Mme a signalé une douleur au genou droit en se levant du fauteuil.", None),
    ("kine", 5, 16, "Séance de kinésithérapie : marche 20 m avec déambulateur, transferts lit-fauteuil travaillés. À encourager à marcher dans le couloir chaque jour.", None),
    ("proche", 4, 19, "Je passerai samedi matin avec les courses. Maman m'a dit qu'elle dormait mal depuis deux nuits.", None),
    ("intervenant", 3, 9, "Toilette faite au lavabo, Mme fatiguée ce matin. Réfrigérateur : penser à racheter du lait.", None),
    ("infirmier", 2, 8, "Tension 13/8. Sommeil difficile signalé par la famille : j'en parle au médecin traitant.", None),
    ("infirmier", 2, 9, "Correction : tension 12/8 (et non 13/8).", Some(5)),
    ("kine", 1, 16, "Séance : marche 30 m avec déambulateur, bonne progression. Exercices d'équilibre à poursuivre entre les séances.", None),
    ("proche", 0, 7, "Merci pour le suivi. Je serai présent jeudi lors du passage de l'infirmière.", None),
];

/// How many entries the intervenant has read (the others show as new).
const LUES: usize = 5;

fn principal(u: &Utilisateur) -> Principal {
    u.principal(None)
}

async fn compte(store: &Store, name: &str) -> anyhow::Result<Utilisateur> {
    store
        .credentials(name)
        .await?
        .map(|c| c.user)
        .ok_or_else(|| anyhow::anyhow!("compte de démonstration {name} absent"))
}

#[allow(clippy::too_many_arguments)]
async fn cap(
    store: &Store,
    m: &Matrice,
    u: &Utilisateur,
    usager: UsagerId,
    section: Section,
    action: Action,
    at: DateTime<Utc>,
) -> anyhow::Result<dui_store::policy::Capability> {
    Ok(authorize(store, m, &principal(u), usager, section, action, at).await?)
}

/// Writes the demo liaison book; returns what was done, in French.
pub async fn ajouter(store: &Store, now: DateTime<Utc>) -> anyhow::Result<String> {
    let m = load_matrix(store).await?;
    let intervenant = compte(store, "intervenant").await?;
    let cadre = compte(store, "cadre").await?;
    // The first person the intervenant visits.
    let Some(pc) = authorize_liaison_nouvelles(&m, &principal(&intervenant), now) else {
        return Ok("Cahier de liaison : l'intervenant ne lit pas les cahiers.".into());
    };
    let Some(livre) = store.liaison_nouvelles(&pc, 1).await?.into_iter().next() else {
        return Ok("Cahier de liaison : aucune personne affectée à l'intervenant.".into());
    };
    let u = livre.usager_id;
    // The cadre invites the physiotherapist and lets the relative write.
    let v = cap(store, &m, &cadre, u, Section::Liaison, Action::Valider, now).await?;
    let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD)).await??;
    let actor = Actor {
        utilisateur_id: None,
        username: "demo".into(),
        ip: None,
    };
    let kine_id = match store.credentials("kine").await? {
        Some(c) => c.user.id,
        None => {
            let i = InvitationPartenaire {
                username: "kine".into(),
                prenom: "Karim".into(),
                nom: "Benhamou".into(),
                qualite: QualiteLiaison::Kinesitherapeute,
                email: None,
            };
            store.inviter_partenaire(&v, &i, &hash).await?
        }
    };
    store
        .set_password(&actor, kine_id, &hash, false, now)
        .await?;
    let proche = compte(store, "proche").await?;
    let adm = cap(
        store,
        &m,
        &cadre,
        u,
        Section::Administratif,
        Action::Ecrire,
        now,
    )
    .await?;
    store.assign(&adm, proche.id).await?;
    store.autoriser_proche(&v, proche.id, true).await?;

    let (infirmier, kine) = (
        compte(store, "infirmier").await?,
        compte(store, "kine").await?,
    );
    let mut lot = Vec::new();
    for (k, (qui, jours, heure, texte, corrige)) in ENTREES.iter().enumerate() {
        let (auteur, qualite) = match *qui {
            "infirmier" => (&infirmier, QualiteLiaison::Infirmier),
            "intervenant" => (&intervenant, QualiteLiaison::Intervenant),
            "kine" => (&kine, QualiteLiaison::Kinesitherapeute),
            _ => (&proche, QualiteLiaison::Proche),
        };
        let jour = (now - Duration::days(*jours)).date_naive();
        let at = jour
            .and_hms_opt(*heure, 10 + k as u32, 0)
            .map(|t| t.and_utc())
            .filter(|t| *t < now)
            .unwrap_or(now - Duration::minutes(30));
        lot.push(BulkLiaison {
            auteur_id: auteur.id,
            qualite,
            texte: (*texte).into(),
            at,
            corrige: *corrige,
        });
    }
    let ids = store.insert_liaison_bulk(&actor, u, &lot, now).await?;
    let lu = cap(
        store,
        &m,
        &intervenant,
        u,
        Section::Liaison,
        Action::Lire,
        now,
    )
    .await?;
    store.liaison_lue_jusqua(&lu, ids[LUES - 1]).await?;
    Ok(format!(
        "Cahier de liaison de {} : {} entrées (infirmière, intervenant, kinésithérapeute « kine », proche), {} nouvelles pour l'intervenant.",
        livre.personne,
        ids.len(),
        ids.len() - LUES
    ))
}
