//! The permission policy through the store: scope by établissement, assignment for home
//! care, break-the-glass, the psychology section, and the editable matrix.

use chrono::Duration;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Matrice, Motif, Refus, Role, Section};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::{authorize, load_matrix};
use dui_store::testing::{engines, TestDb};
use dui_store::StoreError;

use crate::common::{
    admin, at, audit_entries, cap_at, check, create_user, insert_usager, principal, refus,
    seed_org, t0, user_input, Org, SOME_HASH,
};

#[path = "policy/acces_exceptionnel.rs"]
mod acces_exceptionnel;
#[path = "policy/tracabilite.rs"]
mod tracabilite;

const U_A: i64 = 1001;
const U_B: i64 = 1002;
const U_A2: i64 = 1003;
const MOTIF: &str = "Chute signalée la nuit, référent absent : consultation des consignes.";

struct World {
    db: TestDb,
    org: Org,
    educ_a: Utilisateur,
    educ_b: Utilisateur,
    direction_b: Utilisateur,
    intervenant_a: Utilisateur,
    psy_a: Utilisateur,
    medecin_a: Utilisateur,
}

/// Établissements A and B; usagers 1001 and 1003 in A, 1002 in B (referent: an éducateur of B).
async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let educ_a = create_user(s, "educ.a", Role::Educateur, &[org.a]).await;
    let educ_b = create_user(s, "educ.b", Role::Educateur, &[org.b]).await;
    let direction_b = create_user(s, "direction.b", Role::Direction, &[org.b]).await;
    let intervenant_a = create_user(s, "intervenant.a", Role::IntervenantDomicile, &[org.a]).await;
    let psy_a = create_user(s, "psy.a", Role::Psychologue, &[org.a]).await;
    let medecin_a = create_user(s, "medecin.a", Role::Medecin, &[org.a]).await;
    insert_usager(&db, U_A, "DUPONT", org.a, None).await;
    insert_usager(&db, U_B, "MARTIN", org.b, Some(educ_b.id)).await;
    insert_usager(&db, U_A2, "BERNARD", org.a, None).await;
    World {
        db,
        org,
        educ_a,
        educ_b,
        direction_b,
        intervenant_a,
        psy_a,
        medecin_a,
    }
}

#[tokio::test]
async fn scope_by_etablissement_and_audit_of_reads_and_refusals() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let before = audit_entries(s).await.len();

        let cap = cap_at(s, &w.educ_a, U_A, Action::Lire, at(1))
            .await
            .unwrap();
        assert_eq!(
            (
                cap.usager_id(),
                cap.section(),
                cap.action(),
                cap.motif(),
                cap.role()
            ),
            (
                UsagerId(U_A),
                Section::Administratif,
                Action::Lire,
                Motif::Normal,
                Role::Educateur
            )
        );
        assert_eq!(cap.actor().utilisateur_id, Some(w.educ_a.id));
        assert_eq!(cap.at(), at(1));

        let entries = audit_entries(s).await;
        assert_eq!(
            entries.len(),
            before + 1,
            "{engine}: une lecture = une entrée"
        );
        let read = entries.last().unwrap();
        assert_eq!(
            (read.action.as_str(), read.outcome.as_str()),
            ("usager.lecture", "succes")
        );
        assert_eq!(
            (read.usager_id, read.section.as_deref(), read.utilisateur_id),
            (Some(U_A), Some("administratif"), Some(w.educ_a.id))
        );
        assert_eq!(read.ip.as_deref(), Some("10.0.0.7"));
        assert_eq!(read.at, dui_store::ts(at(1)));

        // Writing is allowed; its audit entry is written by the change itself.
        let cap = check(
            s,
            &w.educ_a,
            U_A,
            Section::Accompagnement,
            Action::Ecrire,
            at(2),
        )
        .await
        .unwrap();
        assert_eq!(cap.motif(), Motif::Normal);
        assert_eq!(audit_entries(s).await.len(), before + 1);

        // An usager of B is out of scope: refused, and the refusal is audited.
        assert_eq!(
            refus(cap_at(s, &w.educ_a, U_B, Action::Lire, at(3)).await),
            Refus::HorsPerimetre
        );
        let entries = audit_entries(s).await;
        let refused = entries.last().unwrap();
        assert_eq!(
            (refused.action.as_str(), refused.outcome.as_str()),
            ("usager.lire", "refus"),
            "{engine}"
        );
        assert_eq!(
            (refused.usager_id, refused.utilisateur_id),
            (Some(U_B), Some(w.educ_a.id))
        );
        assert!(
            refused.detail.contains("hors_perimetre"),
            "{}",
            refused.detail
        );
        assert_eq!(
            refus(
                check(
                    s,
                    &w.educ_a,
                    U_B,
                    Section::Accompagnement,
                    Action::Ecrire,
                    at(3)
                )
                .await
            ),
            Refus::HorsPerimetre
        );
        assert_eq!(
            audit_entries(s).await.last().unwrap().action,
            "usager.ecrire"
        );

        // Not in the role's grants, even inside the scope.
        assert_eq!(
            refus(check(s, &w.educ_a, U_A, Section::Soins, Action::Lire, at(4)).await),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            refus(check(s, &w.educ_a, U_A, Section::Psychologie, Action::Lire, at(4)).await),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            refus(cap_at(s, &w.educ_a, U_A, Action::Valider, at(4)).await),
            Refus::NonPermisParLeRole
        );
        check(s, &w.educ_b, U_B, Section::Documents, Action::Ecrire, at(4))
            .await
            .unwrap();
        check(
            s,
            &w.psy_a,
            U_A,
            Section::Psychologie,
            Action::Ecrire,
            at(4),
        )
        .await
        .unwrap();
        check(s, &w.medecin_a, U_A, Section::Soins, Action::Valider, at(4))
            .await
            .unwrap();

        // A missing file is "not found", without an audit entry.
        let n = audit_entries(s).await.len();
        assert!(matches!(
            cap_at(s, &w.educ_a, 9_999, Action::Lire, at(5)).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(audit_entries(s).await.len(), n);

        // Every audit row written here seals into an intact chain.
        let sealed = s.audit_seal(at(10)).await.unwrap();
        let v = s.audit_verify().await.unwrap();
        assert!(v.first_broken.is_none());
        assert_eq!(v.checked as usize, sealed);
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn home_care_worker_sees_only_assigned_usagers() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        // Same établissement, but not assigned.
        assert_eq!(
            refus(cap_at(s, &w.intervenant_a, U_A, Action::Lire, at(1)).await),
            Refus::HorsPerimetre,
            "{engine}"
        );

        s.assign_bulk(&admin(), &[(w.intervenant_a.id, U_A)], at(2))
            .await
            .unwrap();
        s.assign_bulk(&admin(), &[(w.intervenant_a.id, U_A)], at(3))
            .await
            .unwrap();
        assert_eq!(
            audit_entries(s)
                .await
                .iter()
                .filter(|e| e.action == "usager.affectation")
                .count(),
            1,
            "affectation idempotente"
        );

        let cap = cap_at(s, &w.intervenant_a, U_A, Action::Lire, at(4))
            .await
            .unwrap();
        assert_eq!(cap.motif(), Motif::Normal);
        check(
            s,
            &w.intervenant_a,
            U_A,
            Section::Accompagnement,
            Action::Ecrire,
            at(4),
        )
        .await
        .unwrap();
        assert_eq!(
            refus(
                check(
                    s,
                    &w.intervenant_a,
                    U_A,
                    Section::Soins,
                    Action::Lire,
                    at(4)
                )
                .await
            ),
            Refus::NonPermisParLeRole
        );
        // Other usagers of the établissement stay out of reach.
        assert_eq!(
            refus(cap_at(s, &w.intervenant_a, U_A2, Action::Lire, at(5)).await),
            Refus::HorsPerimetre
        );
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn portal_account_sees_only_its_own_file() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let mut input = user_input("portail.dupont", Role::Usager, &[]);
        input.usager_id = Some(U_A);
        let id = s
            .create_utilisateur(&admin(), &input, SOME_HASH, false, t0())
            .await
            .unwrap();
        let me = s.utilisateur(id).await.unwrap().unwrap();
        cap_at(s, &me, U_A, Action::Lire, at(1)).await.unwrap();
        assert_eq!(
            refus(cap_at(s, &me, U_A, Action::Ecrire, at(1)).await),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            refus(cap_at(s, &me, U_A2, Action::Lire, at(1)).await),
            Refus::HorsPerimetre,
            "{engine}"
        );
        // Break-the-glass is for professionals only.
        assert!(matches!(
            s.ouvrir_acces_exceptionnel(&principal(&me), UsagerId(U_A2), MOTIF, 4, at(2))
                .await,
            Err(StoreError::Denied(Refus::NonPermisParLeRole))
        ));
        assert_eq!(
            refus(cap_at(s, &me, U_A2, Action::Lire, at(3)).await),
            Refus::HorsPerimetre
        );
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn matrix_changes_apply_at_once() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let default = load_matrix(s).await.unwrap();
        assert_eq!(default, Matrice::par_defaut(), "{engine}");
        cap_at(s, &w.educ_a, U_A, Action::Lire, at(1))
            .await
            .unwrap();

        let grants = default
            .grants()
            .copied()
            .filter(|g| *g != (Role::Educateur, Section::Administratif, Action::Lire))
            .chain([(Role::Educateur, Section::Soins, Action::Lire)]);
        let changed = Matrice::from_grants(grants);
        s.save_matrix(&admin(), &changed, at(2)).await.unwrap();
        assert_eq!(load_matrix(s).await.unwrap(), changed);

        assert_eq!(
            refus(cap_at(s, &w.educ_a, U_A, Action::Lire, at(3)).await),
            Refus::NonPermisParLeRole
        );
        check(s, &w.educ_a, U_A, Section::Soins, Action::Lire, at(3))
            .await
            .unwrap();
        // Other roles are untouched; the scope still applies to the new grant.
        cap_at(s, &w.psy_a, U_A, Action::Lire, at(3)).await.unwrap();
        assert_eq!(
            refus(check(s, &w.educ_a, U_B, Section::Soins, Action::Lire, at(3)).await),
            Refus::HorsPerimetre
        );

        let change = audit_entries(s)
            .await
            .into_iter()
            .find(|e| e.action == "admin.permissions.modification")
            .unwrap();
        assert!(
            change.detail.contains("educateur.soins.lire"),
            "{}",
            change.detail
        );
        assert!(
            change.detail.contains("educateur.administratif.lire"),
            "{}",
            change.detail
        );

        // An empty matrix denies everything.
        s.save_matrix(&admin(), &Matrice::vide(), at(4))
            .await
            .unwrap();
        assert_eq!(
            refus(check(s, &w.psy_a, U_A, Section::Psychologie, Action::Lire, at(5)).await),
            Refus::NonPermisParLeRole
        );
        w.db.cleanup().await;
    }
}

/// Reads running together share commits of their audit entries (group commit): none is lost,
/// none is written twice, and each is committed before its data is returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_each_leave_one_audit_entry() {
    for engine in engines() {
        let w = world(engine).await;
        let s = w.db.store.clone();
        let before = audit_entries(&s).await.len();
        let m = load_matrix(&s).await.unwrap();
        let who = principal(&w.educ_a);
        let mut tasks = tokio::task::JoinSet::new();
        for k in 0..60i64 {
            let (s, m, who) = (s.clone(), m.clone(), who.clone());
            tasks.spawn(async move {
                let usager = if k % 2 == 0 { U_A } else { U_A2 };
                authorize(
                    &s,
                    &m,
                    &who,
                    UsagerId(usager),
                    Section::Administratif,
                    Action::Lire,
                    at(k),
                )
                .await
                .map(|_| ())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap();
        }
        let entries = audit_entries(&s).await;
        let reads: Vec<_> = entries[before..]
            .iter()
            .filter(|e| e.action == "usager.lecture")
            .collect();
        assert_eq!(reads.len(), 60, "{engine}: une entrée par lecture");
        let mut times: Vec<&str> = reads.iter().map(|e| e.at.as_str()).collect();
        times.sort();
        times.dedup();
        assert_eq!(times.len(), 60, "{engine}: chaque lecture une seule fois");
        assert_eq!(
            reads.iter().filter(|e| e.usager_id == Some(U_A)).count(),
            30,
            "{engine}"
        );
        w.db.cleanup().await;
    }
}
