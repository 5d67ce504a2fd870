//! The scope rule is written twice: in the domain (`decider`) and in the search SQL
//! (`visibility` in `store/src/usager/recherche.rs`). This test walks every role over files in
//! and out of its scope, assigned, under a running or an expired break-the-glass, and its own
//! file, and checks that the search returns exactly the files `decider` lets it read, so that
//! the two writings cannot diverge.

use super::*;
use crate::common::{user_input, SOME_HASH};
use dui_domain::policy::{decider, Matrice, Section};
use dui_store::policy::load_facts;

#[tokio::test]
async fn search_returns_exactly_the_files_decider_lets_read() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let (a, b) = (w.org.a, w.org.b);
        let file = |prenom: &'static str, date: &'static str, etab: i64| {
            let i = ident("DUPONT", &[prenom], date, "F");
            let secr = &w.secr_a;
            async move { create_usager(s, secr, &i, etab).await }
        };
        let in_a = file("Alice", "1940-01-01", a).await;
        let in_b = file("Berthe", "1941-02-02", b).await;
        let assigned_b = file("Claire", "1942-03-03", b).await;
        let bris_b = file("Denise", "1943-04-04", b).await;
        let expired_b = file("Emma", "1944-05-05", b).await;
        let own_b = file("Fanny", "1945-06-06", b).await;
        let files = [in_a, in_b, assigned_b, bris_b, expired_b, own_b];
        let now = at(10);

        let mut users = Vec::new();
        for (k, role) in Role::ALL.iter().copied().enumerate() {
            let etabs: &[i64] = if role.est_professionnel() { &[a] } else { &[] };
            let mut input = user_input(&format!("perimetre{k}"), role, etabs);
            if role == Role::Usager {
                input.usager_id = Some(own_b);
            }
            let id = s
                .create_utilisateur(&admin(), &input, SOME_HASH, false, t0())
                .await
                .unwrap();
            let u = s.utilisateur(id).await.unwrap().unwrap();
            s.assign(
                &cap_at(s, &w.secr_b, assigned_b, Action::Ecrire, at(1))
                    .await
                    .unwrap(),
                u.id,
            )
            .await
            .unwrap();
            if role.est_professionnel() {
                let p = principal(&u);
                s.ouvrir_acces_exceptionnel(&p, UsagerId(bris_b), MOTIF, 4, at(1))
                    .await
                    .unwrap();
                s.ouvrir_acces_exceptionnel(&p, UsagerId(expired_b), MOTIF, 1, at(-180))
                    .await
                    .unwrap();
            }
            users.push(u);
        }
        // A professional of both établissements, with no assignment nor break-the-glass.
        users.push(create_user(s, "perimetre.ab", Role::Cadre, &[a, b]).await);

        // The search does not consult the matrix (its caller checks that the role may read
        // administrative data): the comparison is on the scope, with a matrix that lets every
        // role read the administrative section.
        let m = Matrice::from_grants(
            Role::ALL
                .iter()
                .map(|r| (*r, Section::Administratif, Action::Lire)),
        );
        let mut seen_by = Vec::new();
        for u in &users {
            let p = principal(u);
            let mut expected = Vec::new();
            for id in files {
                let faits = load_facts(s, &p, UsagerId(id), now).await.unwrap().unwrap();
                if decider(
                    &m,
                    u.role,
                    &faits,
                    Section::Administratif,
                    Action::Lire,
                    now,
                )
                .is_ok()
                {
                    expected.push(id);
                }
            }
            expected.sort_unstable();
            let cap = dui_store::policy::authorize_recherche(s, &m, &p, now)
                .await
                .unwrap();
            let r = Recherche {
                texte: "dupont".into(),
                limit: 100,
                ..Default::default()
            };
            let (items, next) = s.rechercher_usagers(&cap, &r, now).await.unwrap();
            assert!(next.is_none());
            let mut got: Vec<i64> = items.iter().map(|r| r.id).collect();
            got.sort_unstable();
            assert_eq!(got, expected, "{engine}: {:?}", u.role);
            seen_by.push((u.role, got));
        }
        // The table covers each case: every file is seen by some role and not by another.
        for id in files {
            let n = seen_by.iter().filter(|(_, g)| g.contains(&id)).count();
            assert!(
                n > 0 && n < seen_by.len(),
                "{engine}: dossier {id} vu par {n}"
            );
        }
        let of = |role: Role| &seen_by.iter().find(|(r, _)| *r == role).unwrap().1;
        let mut educ = vec![in_a, bris_b];
        educ.sort_unstable();
        assert_eq!(of(Role::Educateur), &educ, "{engine}");
        let mut domicile = vec![assigned_b, bris_b];
        domicile.sort_unstable();
        assert_eq!(of(Role::IntervenantDomicile), &domicile, "{engine}");
        assert_eq!(of(Role::Proche), &vec![assigned_b], "{engine}");
        assert_eq!(of(Role::Usager), &vec![own_b], "{engine}");
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn searching_is_refused_and_audited_without_reading_administrative_data() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let m = load_matrix(s).await.unwrap();
        let admin_user = create_user(s, "admin.recherche", Role::Administrateur, &[]).await;
        let p = principal(&admin_user);
        match dui_store::policy::authorize_recherche(s, &m, &p, at(1)).await {
            Err(StoreError::Denied(r)) => assert_eq!(r, Refus::RechercheNonPermise, "{engine}"),
            other => panic!("{engine}: refus attendu, obtenu {other:?}"),
        }
        let last = audit_by_action(s, "usager.lire").await;
        let last = last.last().expect("entrée de refus");
        assert_eq!(
            (last.outcome.as_str(), last.usager_id, last.utilisateur_id),
            ("refus", None, Some(admin_user.id)),
            "{engine}"
        );
        dui_store::policy::authorize_recherche(s, &m, &principal(&w.educ_a), at(1))
            .await
            .unwrap();
        w.db.cleanup().await;
    }
}
