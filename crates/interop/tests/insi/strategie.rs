//! The search strategy on `02` (first prénom, every prénom, birth place) and the
//! verification through a search, over HTTP against the simulator.

use dui_interop::insi::strategie::{rechercher, Etape};

use super::*;

#[tokio::test]
async fn first_prenom_then_every_prenom_then_birth_place() {
    let sim = sim().await;
    // One identity with the first prénom: one call.
    let r = rechercher(
        &sim.client,
        &query(
            "Dupont",
            &["Hélène", "Marie"],
            "F",
            "1979-03-12",
            Some("51215"),
        ),
    )
    .await
    .unwrap();
    assert_eq!((r.etape, r.appels), (Etape::PremierPrenom, 1));
    assert!(
        matches!(r.resultat, InsiOutcome::Found(ref i) if i.matricule_ins() == "279035121518989")
    );

    // 02 with MARIE, 00 once LOUISE is added: two calls.
    let r = rechercher(
        &sim.client,
        &query(
            "Leroy",
            &["Marie", "Louise"],
            "F",
            "1992-01-08",
            Some("13055"),
        ),
    )
    .await
    .unwrap();
    assert_eq!((r.etape, r.appels), (Etape::TousLesPrenoms, 2));
    assert!(
        matches!(r.resultat, InsiOutcome::Found(ref i) if i.matricule_ins() == "292011305501288")
    );

    // Homonyms with the same single prénom: only the birth place tells them apart.
    let r = rechercher(
        &sim.client,
        &query("Bernard", &["Camille"], "F", "2001-05-14", Some("33063")),
    )
    .await
    .unwrap();
    assert_eq!((r.etape, r.appels), (Etape::LieuNaissance, 2));
    assert!(
        matches!(r.resultat, InsiOutcome::Found(ref i) if i.lieu_naissance.as_deref() == Some("33063"))
    );
    // Without a birth place, they stay several.
    let r = rechercher(
        &sim.client,
        &query("Bernard", &["Camille"], "F", "2001-05-14", None),
    )
    .await
    .unwrap();
    assert_eq!(r.resultat, InsiOutcome::Multiple);
    assert_eq!(r.appels, 1);
    // Every step: 02, 02 with every prénom given (only one), then the place.
    let r = rechercher(
        &sim.client,
        &query("Leroy", &["Marie"], "F", "1992-01-08", Some("13108")),
    )
    .await
    .unwrap();
    assert_eq!((r.etape, r.appels), (Etape::LieuNaissance, 2));
    assert_eq!(Etape::LieuNaissance.code(), "lieu_naissance");

    // No identity: one call, nothing else tried.
    let r = rechercher(
        &sim.client,
        &query(
            "Inconnu",
            &["Personne", "Autre"],
            "F",
            "1979-03-12",
            Some("75056"),
        ),
    )
    .await
    .unwrap();
    assert_eq!((r.resultat, r.appels), (InsiOutcome::NotFound, 1));
}

#[tokio::test]
async fn verification_goes_through_the_search() {
    let sim = sim().await;
    // A stored INS replaced since (found in INSHISTO): told so.
    let mut ndiaye = demo_fixtures()
        .into_iter()
        .find(|f| f.nom_naissance == "NDIAYE")
        .unwrap();
    assert_eq!(
        sim.client.verify(&ndiaye).await.unwrap(),
        Verification::Confirmee
    );
    ndiaye.matricule = "8690299341012".into();
    ndiaye.cle = "20".into();
    let Verification::NonConfirmee(motif) = sim.client.verify(&ndiaye).await.unwrap() else {
        panic!("confirmée");
    };
    assert!(
        motif.contains("remplacée par l'INS 269029934173285"),
        "{motif}"
    );
    // Homonyms told apart by the strategy, then compared.
    let leroy = demo_fixtures()
        .into_iter()
        .find(|f| f.matricule_ins() == "292011310811148")
        .unwrap();
    assert_eq!(
        sim.client.verify(&leroy).await.unwrap(),
        Verification::Confirmee
    );
}
