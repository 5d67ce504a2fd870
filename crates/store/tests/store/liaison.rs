//! The liaison book through the store on both engines (issue 13, COO-6): append-only entries
//! with the author's quality, corrections linked, unread marks per reader, the home panel's
//! scope, and the participants the cadre sets (a partner invited and ended, a relative
//! allowed to write).

use dui_domain::liaison::{QualiteLiaison, PARTICIPATION_CLOSE, PROCHE_LECTURE_SEULE};
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_store::page::Page;
use dui_store::policy::{authorize_liaison_nouvelles, load_matrix};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{EntreeLiaisonInput, InvitationPartenaire};
use dui_store::{Store, StoreError};

use crate::common::{at, check, create_user, insert_usager, principal, refus, seed_org};

const U1: i64 = 701;
const U2: i64 = 702;

fn entree(texte: &str) -> EntreeLiaisonInput {
    EntreeLiaisonInput {
        texte: texte.into(),
        corrige_id: None,
    }
}

fn invitation(username: &str) -> InvitationPartenaire {
    InvitationPartenaire {
        username: username.into(),
        prenom: "Karim".into(),
        nom: "Kiné".into(),
        qualite: QualiteLiaison::Kinesitherapeute,
        email: None,
    }
}

async fn ecrire(
    s: &Store,
    who: &dui_store::admin::utilisateur::Utilisateur,
    usager: i64,
    texte: &str,
    minute: i64,
) -> Result<i64, StoreError> {
    let c = check(s, who, usager, Section::Liaison, Action::Ecrire, at(minute)).await?;
    s.add_liaison(&c, &entree(texte)).await
}

#[tokio::test]
async fn entries_are_append_only_authored_corrected_and_marked_unread_per_reader() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, U2, "MARTIN", org.a, None).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        let inf = create_user(s, "inf", Role::Infirmier, &[org.a]).await;
        let interv = create_user(s, "interv", Role::IntervenantDomicile, &[org.a]).await;
        let secr = create_user(s, "secr", Role::Secretariat, &[org.a]).await;
        // The worker is assigned to U1 only.
        let adm = check(s, &cadre, U1, Section::Administratif, Action::Ecrire, at(0))
            .await
            .unwrap();
        s.assign(&adm, interv.id).await.unwrap();

        let e1 = ecrire(s, &inf, U1, "Pansement refait, cicatrisation correcte.", 1)
            .await
            .unwrap();
        let e2 = ecrire(s, &interv, U1, "Repas pris en entier, bonne humeur.", 2)
            .await
            .unwrap();
        // A correction names the entry it corrects; one of another book is refused.
        let c = check(s, &inf, U1, Section::Liaison, Action::Ecrire, at(3))
            .await
            .unwrap();
        let e3 = s
            .add_liaison(
                &c,
                &EntreeLiaisonInput {
                    texte: "Correction : pansement à refaire demain.".into(),
                    corrige_id: Some(e1),
                },
            )
            .await
            .unwrap();
        let autre = ecrire(s, &inf, U2, "Autre dossier.", 4).await.unwrap();
        let c = check(s, &inf, U1, Section::Liaison, Action::Ecrire, at(5))
            .await
            .unwrap();
        let bad = s
            .add_liaison(
                &c,
                &EntreeLiaisonInput {
                    texte: "x".into(),
                    corrige_id: Some(autre),
                },
            )
            .await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))), "{engine}");
        assert!(matches!(
            s.add_liaison(&c, &entree("   ")).await,
            Err(StoreError::Invalid(_))
        ));
        // A secretary reads no liaison book by default; the worker does not reach U2.
        assert_eq!(
            refus(ecrire(s, &secr, U1, "x", 6).await),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            refus(ecrire(s, &interv, U2, "x", 6).await),
            Refus::HorsPerimetre
        );

        // The worker reads: the nurse's entries are new, their own is not.
        let lire = check(s, &interv, U1, Section::Liaison, Action::Lire, at(7))
            .await
            .unwrap();
        let v = s.liaison_page(&lire, Page::first(50)).await.unwrap();
        let ids: Vec<i64> = v.iter().map(|e| e.id).collect();
        assert_eq!(ids, [e3, e2, e1], "{engine}: newest first");
        let by = |id| v.iter().find(|e| e.id == id).unwrap();
        assert!(by(e1).nouvelle && by(e3).nouvelle && !by(e2).nouvelle);
        assert_eq!(by(e1).corrigee_par, Some(e3));
        assert_eq!(by(e3).corrige_id, Some(e1));
        assert_eq!(by(e1).qualite, QualiteLiaison::Infirmier);
        assert_eq!(by(e2).qualite, QualiteLiaison::Intervenant);
        assert_eq!(s.liaison_non_lues(&lire).await.unwrap(), 2);
        // The home panel counts them, for the assigned book only.
        let m = load_matrix(s).await.unwrap();
        let pc = authorize_liaison_nouvelles(&m, &principal(&interv), at(7)).unwrap();
        let panel = s.liaison_nouvelles(&pc, 20).await.unwrap();
        assert_eq!(panel.len(), 1, "{engine}");
        assert_eq!((panel[0].usager_id.get(), panel[0].nouvelles), (U1, 2));
        assert_eq!(panel[0].personne, "Hélène DUPONT");
        // Read: nothing new any more, for the worker only.
        s.liaison_lue(&lire).await.unwrap();
        assert_eq!(s.liaison_non_lues(&lire).await.unwrap(), 0);
        let v = s.liaison_page(&lire, Page::first(50)).await.unwrap();
        assert!(v.iter().all(|e| !e.nouvelle), "{engine}");
        assert_eq!(s.liaison_nouvelles(&pc, 20).await.unwrap()[0].nouvelles, 0);
        let cadre_lit = check(s, &cadre, U1, Section::Liaison, Action::Lire, at(8))
            .await
            .unwrap();
        assert_eq!(s.liaison_non_lues(&cadre_lit).await.unwrap(), 3);
        // A staff member by établissement: the panel names only books already opened.
        let pcadre = authorize_liaison_nouvelles(&m, &principal(&cadre), at(8)).unwrap();
        assert!(s.liaison_nouvelles(&pcadre, 20).await.unwrap().is_empty());
        s.liaison_lue(&cadre_lit).await.unwrap();
        ecrire(s, &inf, U1, "Nouvelle visite prévue jeudi.", 9)
            .await
            .unwrap();
        let p = s.liaison_nouvelles(&pcadre, 20).await.unwrap();
        assert_eq!(
            p.iter()
                .map(|n| (n.usager_id.get(), n.nouvelles))
                .collect::<Vec<_>>(),
            [(U1, 1)]
        );
        // No role without the section gets a panel.
        assert!(authorize_liaison_nouvelles(&m, &principal(&secr), at(9)).is_none());

        // Every entry is still there, the corrected one too.
        let toutes = s.liaison_page(&cadre_lit, Page::first(50)).await.unwrap();
        assert_eq!(toutes.len(), 4, "{engine}");
        assert!(toutes
            .iter()
            .any(|e| e.id == e1 && e.texte.starts_with("Pansement")));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn partners_are_invited_limited_to_the_book_and_ended_and_relatives_write_if_allowed() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, U2, "MARTIN", org.a, None).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        let educ = create_user(s, "educ", Role::Educateur, &[org.a]).await;
        // Only the cadre (validation) invites.
        let c = check(s, &educ, U1, Section::Liaison, Action::Valider, at(0)).await;
        assert_eq!(refus(c), Refus::NonPermisParLeRole);
        let v = check(s, &cadre, U1, Section::Liaison, Action::Valider, at(1))
            .await
            .unwrap();
        let kine_id = s
            .inviter_partenaire(&v, &invitation("Kine.Test"), "hash")
            .await
            .unwrap();
        // The same login twice: a conflict, nothing created.
        assert!(matches!(
            s.inviter_partenaire(&v, &invitation("kine.test"), "hash")
                .await,
            Err(StoreError::Conflict(_))
        ));
        let kine = s.utilisateur(kine_id).await.unwrap().unwrap();
        assert_eq!(kine.role, Role::Partenaire);
        assert_eq!(kine.username, "kine.test");
        assert_eq!(kine.etablissements, [org.a]);
        // The partner writes as a physiotherapist in U1's book, and reaches nothing else.
        let e = ecrire(s, &kine, U1, "Séance : marche 20 m avec déambulateur.", 2)
            .await
            .unwrap();
        let lire = check(s, &cadre, U1, Section::Liaison, Action::Lire, at(3))
            .await
            .unwrap();
        let v0 = s.liaison_page(&lire, Page::first(10)).await.unwrap();
        assert_eq!(
            (v0[0].id, v0[0].qualite, v0[0].auteur.as_str()),
            (e, QualiteLiaison::Kinesitherapeute, "Karim Kiné")
        );
        for section in Section::ALL.iter().filter(|s| **s != Section::Liaison) {
            assert_eq!(
                refus(check(s, &kine, U1, *section, Action::Lire, at(3)).await),
                Refus::NonPermisParLeRole,
                "{engine}: {section:?}"
            );
        }
        assert_eq!(
            refus(check(s, &kine, U2, Section::Liaison, Action::Lire, at(3)).await),
            Refus::HorsPerimetre
        );
        let parts = s.liaison_participants(&lire).await.unwrap();
        assert_eq!(parts.len(), 1);
        assert!(parts[0].fin.is_none() && parts[0].peut_ecrire);

        // Ended: dated, kept, and the account reaches the book no more.
        let v = check(s, &cadre, U1, Section::Liaison, Action::Valider, at(4))
            .await
            .unwrap();
        s.fin_participation(&v, kine_id).await.unwrap();
        assert!(matches!(
            s.fin_participation(&v, kine_id).await,
            Err(StoreError::NotFound)
        ));
        let parts = s.liaison_participants(&lire).await.unwrap();
        assert!(parts[0].fin.is_some(), "{engine}");
        assert_eq!(
            refus(check(s, &kine, U1, Section::Liaison, Action::Lire, at(5)).await),
            Refus::HorsPerimetre
        );

        // A relative assigned to the file reads; writes once the cadre allowed it.
        let proche = create_user(s, "proche", Role::Proche, &[]).await;
        let adm = check(s, &cadre, U1, Section::Administratif, Action::Ecrire, at(6))
            .await
            .unwrap();
        s.assign(&adm, proche.id).await.unwrap();
        let err = ecrire(s, &proche, U1, "Bonjour", 7).await;
        assert!(
            matches!(&err, Err(StoreError::Invalid(m)) if m == PARTICIPATION_CLOSE),
            "{engine}: {err:?}"
        );
        let v = check(s, &cadre, U1, Section::Liaison, Action::Valider, at(8))
            .await
            .unwrap();
        s.autoriser_proche(&v, proche.id, false).await.unwrap();
        let err = ecrire(s, &proche, U1, "Bonjour", 9).await;
        assert!(matches!(&err, Err(StoreError::Invalid(m)) if m == PROCHE_LECTURE_SEULE));
        s.autoriser_proche(&v, proche.id, true).await.unwrap();
        let e = ecrire(s, &proche, U1, "Maman a bien dormi ce week-end.", 10)
            .await
            .unwrap();
        let v1 = s.liaison_page(&lire, Page::first(10)).await.unwrap();
        assert_eq!((v1[0].id, v1[0].qualite), (e, QualiteLiaison::Proche));
        // Only relatives assigned to the file may be allowed.
        assert!(matches!(
            s.autoriser_proche(&v, cadre.id, true).await,
            Err(StoreError::Invalid(_))
        ));
        db.cleanup().await;
    }
}
