//! Versioned default grants: a section granted by a newer version of the defaults reaches an
//! existing database at start, without bringing back a grant an administrator removed and
//! without removing one an administrator added; the addition is audited.

use dui_domain::policy::{Action, BlocDefaut, Matrice, Role, Section, DEFAUTS, DEFAUTS_VERSION};
use dui_store::policy::load_matrix;
use dui_store::testing::{engines, TestDb};
use dui_store::Store;

use crate::common::{admin, at, audit_entries};

/// The shipped defaults plus a next version granting two more things: psychologists read the
/// care section, and educators read it (which the administrator below already granted).
fn next_defaults() -> Vec<BlocDefaut> {
    let mut d = DEFAUTS.to_vec();
    d.push((
        DEFAUTS_VERSION + 1,
        Role::Psychologue,
        &[Section::Soins],
        &[Action::Lire],
    ));
    d.push((
        DEFAUTS_VERSION + 1,
        Role::Educateur,
        &[Section::Soins],
        &[Action::Lire],
    ));
    d
}

const REMOVED: (Role, Section, Action) = (Role::Educateur, Section::Administratif, Action::Lire);
const ADDED_BY_ADMIN: (Role, Section, Action) = (Role::Educateur, Section::Soins, Action::Lire);
const ADDED_BY_ADMIN_2: (Role, Section, Action) =
    (Role::AideSoignant, Section::Documents, Action::Lire);

async fn defaults_entries(s: &Store) -> Vec<String> {
    audit_entries(s)
        .await
        .into_iter()
        .filter(|e| e.action == "habilitations.defauts")
        .map(|e| e.detail)
        .collect()
}

#[tokio::test]
async fn new_default_grants_reach_an_existing_database_without_undoing_the_administrator() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        // A database of the previous release: its matrix was seeded, the administrator
        // removed one default grant and added two of their own.
        let changed = Matrice::from_grants(
            Matrice::par_defaut()
                .grants()
                .copied()
                .filter(|g| *g != REMOVED)
                .chain([ADDED_BY_ADMIN, ADDED_BY_ADMIN_2]),
        );
        db.store
            .save_matrix(&admin(), &changed, at(1))
            .await
            .unwrap();
        // Before migration 8 nothing recorded the applied version: the upgrade records the
        // version-1 defaults as applied because the matrix is not empty.
        db.exec("DROP TABLE permission_defauts").await.unwrap();
        db.exec("DELETE FROM schema_migration WHERE version = 8")
            .await
            .unwrap();
        let s = Store::open(&db.url).await.unwrap();

        // Restart with the same defaults: nothing comes back, nothing is audited.
        assert!(
            s.seed_default_matrix().await.unwrap().is_empty(),
            "{engine}"
        );
        assert_eq!(load_matrix(&s).await.unwrap(), changed, "{engine}");
        assert!(defaults_entries(&s).await.is_empty(), "{engine}");

        // Restart with a newer version of the defaults: only its grants are added.
        let added = s
            .seed_default_matrix_with(&next_defaults(), at(2))
            .await
            .unwrap();
        let new_grant = (Role::Psychologue, Section::Soins, Action::Lire);
        assert_eq!(added, vec![new_grant], "{engine}");
        let m = load_matrix(&s).await.unwrap();
        assert!(m.permet(new_grant.0, new_grant.1, new_grant.2), "{engine}");
        assert!(!m.permet(REMOVED.0, REMOVED.1, REMOVED.2), "{engine}");
        assert!(m.permet(ADDED_BY_ADMIN.0, ADDED_BY_ADMIN.1, ADDED_BY_ADMIN.2));
        assert!(m.permet(ADDED_BY_ADMIN_2.0, ADDED_BY_ADMIN_2.1, ADDED_BY_ADMIN_2.2));
        assert_eq!(
            m,
            Matrice::from_grants(changed.grants().copied().chain([new_grant])),
            "{engine}"
        );
        let entries = defaults_entries(&s).await;
        assert_eq!(entries.len(), 1, "{engine}: {entries:?}");
        assert!(
            entries[0].contains("psychologue.soins.lire"),
            "{}",
            entries[0]
        );
        assert!(!entries[0].contains("educateur"), "{}", entries[0]);
        let version = format!("\"version\":{}", DEFAUTS_VERSION + 1);
        assert!(entries[0].contains(&version), "{}", entries[0]);

        // Restarting again, with either list, changes nothing more.
        assert!(s
            .seed_default_matrix_with(&next_defaults(), at(3))
            .await
            .unwrap()
            .is_empty());
        assert!(s.seed_default_matrix().await.unwrap().is_empty());
        assert_eq!(defaults_entries(&s).await.len(), 1, "{engine}");
        // The administrator removes the new grant: a restart does not bring it back.
        s.save_matrix(&admin(), &changed, at(4)).await.unwrap();
        assert!(s
            .seed_default_matrix_with(&next_defaults(), at(5))
            .await
            .unwrap()
            .is_empty());
        assert_eq!(load_matrix(&s).await.unwrap(), changed, "{engine}");
        s.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_new_database_gets_every_default_grant_once_without_an_audit_entry() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        assert_eq!(
            load_matrix(s).await.unwrap(),
            Matrice::par_defaut(),
            "{engine}"
        );
        assert!(defaults_entries(s).await.is_empty(), "{engine}");
        // The first start recorded the current version: an emptied matrix stays empty.
        s.save_matrix(&admin(), &Matrice::vide(), at(1))
            .await
            .unwrap();
        assert!(
            s.seed_default_matrix().await.unwrap().is_empty(),
            "{engine}"
        );
        assert_eq!(load_matrix(s).await.unwrap(), Matrice::vide(), "{engine}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_database_migrated_before_its_first_start_gets_the_defaults_at_start() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        // `dui migrate` on a new database, then the first `serve`: no matrix at migration 8.
        db.exec("DROP TABLE permission_defauts").await.unwrap();
        db.exec("DELETE FROM schema_migration WHERE version = 8")
            .await
            .unwrap();
        db.exec("DELETE FROM permission").await.unwrap();
        let s = Store::open(&db.url).await.unwrap();
        let added = s.seed_default_matrix().await.unwrap();
        assert_eq!(
            added.len(),
            Matrice::par_defaut().grants().count(),
            "{engine}"
        );
        assert_eq!(
            load_matrix(&s).await.unwrap(),
            Matrice::par_defaut(),
            "{engine}"
        );
        s.close().await;
        db.cleanup().await;
    }
}
