//! The team around the person through the store on both engines (issue 13, COO-2): dated
//! memberships, one referent at a time (the former ended the day before), the file's
//! referent kept in step, optimistic versions, policy refusals, merges carrying the team.

use chrono::NaiveDate;
use dui_domain::equipe::{FonctionEquipe, PlaceEquipe};
use dui_domain::policy::{Action, Role, Section};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{Equipier, EquipierInput};
use dui_store::{Store, StoreError};

use crate::common::{at, audit_by_action, cap, check, create_user, insert_usager, refus, seed_org};

const U1: i64 = 801;
const U2: i64 = 802;

fn jour(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn membre(u: i64, place: PlaceEquipe, debut: &str) -> EquipierInput {
    EquipierInput {
        utilisateur_id: u,
        fonction: FonctionEquipe::Educateur,
        place,
        debut: jour(debut),
    }
}

async fn equipe(
    s: &Store,
    who: &dui_store::admin::utilisateur::Utilisateur,
    u: i64,
) -> Vec<Equipier> {
    let c = check(s, who, u, Section::Administratif, Action::Lire, at(100))
        .await
        .unwrap();
    s.equipe_du_dossier(&c).await.unwrap()
}

async fn referent_du_dossier(db: &TestDb, u: i64) -> Option<i64> {
    let r = db
        .store
        .fusionne_dans(dui_domain::ids::UsagerId(u))
        .await
        .unwrap();
    assert!(r.is_none());
    let cadre = db.store.credentials("cadre").await.unwrap().unwrap().user;
    let c = check(
        &db.store,
        &cadre,
        u,
        Section::Administratif,
        Action::Lire,
        at(100),
    )
    .await
    .unwrap();
    db.store
        .usager(&c)
        .await
        .unwrap()
        .unwrap()
        .referent_id
        .map(|r| r.get())
}

#[tokio::test]
async fn one_referent_at_a_time_and_the_former_ends_the_day_before() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        let e1 = create_user(s, "educ1", Role::Educateur, &[org.a]).await;
        let e2 = create_user(s, "educ2", Role::Educateur, &[org.a]).await;
        let inf = create_user(s, "inf", Role::Infirmier, &[org.a]).await;
        let proche = create_user(s, "proche", Role::Proche, &[]).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        let w = cap(s, &cadre, U1, Action::Ecrire).await;

        let r1 = s
            .ajouter_membre(&w, &membre(e1.id, PlaceEquipe::Referent, "2026-01-05"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            referent_du_dossier(&db, U1).await,
            Some(e1.id),
            "{engine}: the file's referent follows"
        );
        s.ajouter_membre(&w, &membre(inf.id, PlaceEquipe::Membre, "2026-01-05"))
            .await
            .unwrap()
            .unwrap();
        // A new referent the same day as the current one began: refused on `debut`.
        let r = s
            .ajouter_membre(&w, &membre(e2.id, PlaceEquipe::Referent, "2026-01-05"))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(r.champ, "debut", "{engine}");
        // In the future: refused.
        let r = s
            .ajouter_membre(&w, &membre(e2.id, PlaceEquipe::Referent, "2026-12-31"))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(r.champ, "debut", "{engine}");
        // A relative never joins; a current member is not added twice.
        let r = s
            .ajouter_membre(&w, &membre(proche.id, PlaceEquipe::Membre, "2026-02-01"))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(r.champ, "utilisateur_id", "{engine}");
        let r = s
            .ajouter_membre(&w, &membre(inf.id, PlaceEquipe::CoReferent, "2026-02-01"))
            .await
            .unwrap()
            .unwrap_err();
        assert!(r.message.contains("déjà"), "{engine}: {}", r.message);

        // The change of referent: the former one's role ends the day before.
        let r2 = s
            .ajouter_membre(&w, &membre(e2.id, PlaceEquipe::Referent, "2026-02-01"))
            .await
            .unwrap()
            .unwrap();
        let t = equipe(s, &cadre, U1).await;
        let ancien = t.iter().find(|m| m.id == r1).unwrap();
        assert_eq!(ancien.fin.as_deref(), Some("2026-01-31"), "{engine}");
        let actuels: Vec<_> = t
            .iter()
            .filter(|m| m.en_cours() && m.place == PlaceEquipe::Referent)
            .collect();
        assert_eq!(actuels.len(), 1, "{engine}: one referent");
        assert_eq!(actuels[0].id, r2, "{engine}");
        assert_eq!(t[0].id, r2, "{engine}: the referent first");
        assert_eq!(t.last().unwrap().id, r1, "{engine}: the former last");
        assert_eq!(referent_du_dossier(&db, U1).await, Some(e2.id), "{engine}");
        assert_eq!(
            audit_by_action(s, "usager.equipe.referent").await.len(),
            2,
            "{engine}"
        );

        // Ending: at the version read (409 otherwise), never before the start.
        let m = t.iter().find(|m| m.id == r2).unwrap().clone();
        let r = s
            .finir_membre(&w, r2, m.version, jour("2026-01-01"))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(r.champ, "fin", "{engine}");
        assert!(
            matches!(
                s.finir_membre(&w, r2, m.version + 1, jour("2026-02-20"))
                    .await,
                Err(StoreError::StaleVersion)
            ),
            "{engine}"
        );
        s.finir_membre(&w, r2, m.version, jour("2026-02-20"))
            .await
            .unwrap()
            .unwrap();
        assert!(
            matches!(
                s.finir_membre(&w, r2, m.version + 1, jour("2026-02-21"))
                    .await,
                Err(StoreError::NotFound)
            ),
            "{engine}: ended once"
        );
        assert_eq!(
            referent_du_dossier(&db, U1).await,
            None,
            "{engine}: no referent now"
        );
        assert_eq!(
            audit_by_action(s, "usager.equipe.fin").await.len(),
            1,
            "{engine}"
        );
        let t = equipe(s, &cadre, U1).await;
        assert_eq!(
            t.iter().filter(|m| !m.en_cours()).count(),
            2,
            "{engine}: history kept"
        );
    }
}

#[tokio::test]
async fn the_team_is_read_by_those_who_open_the_file_and_written_by_the_administrative_writers() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        let educ = create_user(s, "educ", Role::Educateur, &[org.a]).await;
        let autre = create_user(s, "autre", Role::Educateur, &[org.b]).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        let w = cap(s, &cadre, U1, Action::Ecrire).await;
        s.ajouter_membre(&w, &membre(educ.id, PlaceEquipe::Referent, "2026-01-05"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            equipe(s, &educ, U1).await.len(),
            1,
            "{engine}: an educator reads it"
        );
        // An educator does not write it; another établissement's educator does not read it.
        refus(check(s, &educ, U1, Section::Administratif, Action::Ecrire, at(2)).await);
        refus(check(s, &autre, U1, Section::Administratif, Action::Lire, at(2)).await);
        // A capability of another section is refused by the store itself.
        let acc = check(s, &educ, U1, Section::Accompagnement, Action::Ecrire, at(3))
            .await
            .unwrap();
        assert!(
            matches!(s.equipe_du_dossier(&acc).await, Err(StoreError::Denied(_))),
            "{engine}"
        );
        assert!(
            matches!(
                s.ajouter_membre(&acc, &membre(cadre.id, PlaceEquipe::Membre, "2026-01-05"))
                    .await,
                Err(StoreError::Denied(_))
            ),
            "{engine}"
        );
    }
}

#[tokio::test]
async fn merges_carry_the_team_and_keep_one_referent() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr = create_user(s, "secr", Role::Secretariat, &[org.a]).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        let e1 = create_user(s, "educ1", Role::Educateur, &[org.a]).await;
        let e2 = create_user(s, "educ2", Role::Educateur, &[org.a]).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, U2, "DUPOND", org.a, None).await;
        let w1 = cap(s, &cadre, U1, Action::Ecrire).await;
        s.ajouter_membre(&w1, &membre(e1.id, PlaceEquipe::Referent, "2026-01-05"))
            .await
            .unwrap()
            .unwrap();
        let w2 = cap(s, &cadre, U2, Action::Ecrire).await;
        s.ajouter_membre(&w2, &membre(e2.id, PlaceEquipe::Referent, "2026-01-06"))
            .await
            .unwrap()
            .unwrap();

        let (k, a) = (
            cap(s, &secr, U1, Action::Valider).await,
            cap(s, &secr, U2, Action::Valider).await,
        );
        let fid = s.fusionner_usagers(&k, &a).await.unwrap();
        let t = equipe(s, &cadre, U1).await;
        assert_eq!(t.len(), 2, "{engine}: the team moved");
        let referents: Vec<_> = t
            .iter()
            .filter(|m| m.place == PlaceEquipe::Referent && m.en_cours())
            .collect();
        assert_eq!(referents.len(), 1, "{engine}: one referent");
        assert_eq!(
            referents[0].utilisateur_id, e1.id,
            "{engine}: the kept file's"
        );
        assert!(
            t.iter()
                .any(|m| m.utilisateur_id == e2.id && m.place == PlaceEquipe::CoReferent),
            "{engine}"
        );

        s.annuler_fusion(&k, fid).await.unwrap();
        let t2 = equipe(s, &cadre, U2).await;
        assert_eq!(t2.len(), 1, "{engine}: given back");
        assert_eq!(
            t2[0].place,
            PlaceEquipe::Referent,
            "{engine}: referent again"
        );
        assert_eq!(equipe(s, &cadre, U1).await.len(), 1, "{engine}");
    }
}

#[tokio::test]
async fn a_members_function_changes_from_a_day_and_the_former_stays_in_the_history() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        let e1 = create_user(s, "educ1", Role::Educateur, &[org.a]).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        let w = cap(s, &cadre, U1, Action::Ecrire).await;
        let r1 = s
            .ajouter_membre(&w, &membre(e1.id, PlaceEquipe::Referent, "2026-01-05"))
            .await
            .unwrap()
            .unwrap();
        let changer =
            |id, version, f, depuis: &str| s.changer_fonction(&w, (id, version), f, jour(depuis));
        // The same function, a day before it began: refused on their field.
        let r = changer(r1, 1, FonctionEquipe::Educateur, "2026-02-01")
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(r.champ, "fonction", "{engine}");
        let r = changer(r1, 1, FonctionEquipe::Cadre, "2026-01-04")
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(r.champ, "depuis", "{engine}");
        // A stale version, an unknown membership.
        assert!(matches!(
            changer(r1, 7, FonctionEquipe::Cadre, "2026-02-01").await,
            Err(StoreError::StaleVersion)
        ));
        assert!(matches!(
            changer(999_999, 1, FonctionEquipe::Cadre, "2026-02-01").await,
            Err(StoreError::NotFound)
        ));
        // From a later day: the membership ends the day before, a new one begins, the
        // referent stays the referent.
        let n = changer(r1, 1, FonctionEquipe::Cadre, "2026-02-01")
            .await
            .unwrap()
            .unwrap();
        assert_ne!(n, r1, "{engine}");
        let t = equipe(s, &cadre, U1).await;
        let ancien = t.iter().find(|m| m.id == r1).unwrap();
        assert_eq!(ancien.fin.as_deref(), Some("2026-01-31"), "{engine}");
        assert_eq!(ancien.fonction, FonctionEquipe::Educateur);
        let courant = t.iter().find(|m| m.id == n).unwrap();
        assert_eq!(
            (
                courant.fonction,
                courant.place,
                courant.debut.as_str(),
                courant.fin.clone()
            ),
            (
                FonctionEquipe::Cadre,
                PlaceEquipe::Referent,
                "2026-02-01",
                None
            ),
            "{engine}"
        );
        assert_eq!(referent_du_dossier(&db, U1).await, Some(e1.id), "{engine}");
        // The day it began: corrected in place, no new row.
        let m = changer(n, courant.version, FonctionEquipe::Medecin, "2026-02-01")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m, n, "{engine}");
        assert_eq!(equipe(s, &cadre, U1).await.len(), 2, "{engine}");
        assert_eq!(
            audit_by_action(s, "usager.equipe.fonction").await.len(),
            2,
            "{engine}"
        );
        db.cleanup().await;
    }
}
