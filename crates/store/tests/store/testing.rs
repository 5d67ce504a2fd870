//! The test databases themselves: one left by a panicking test is removed all the same.

use dui_store::testing::{engines, postgres_database_exists, TestDb};

#[tokio::test]
async fn a_panicking_test_leaves_no_database_behind() {
    for engine in engines() {
        let (tx, rx) = std::sync::mpsc::channel();
        // A test body that panics after creating its database, on a runtime of its own as
        // `#[tokio::test]` gives each test.
        let outcome = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let db = TestDb::new(engine).await.unwrap();
                tx.send(db.url.clone()).unwrap();
                panic!("échec simulé avec la base {}", db.url);
            })
        })
        .join();
        assert!(outcome.is_err(), "the body panicked");
        let url = rx.recv().unwrap();
        if engine == "postgres" {
            let name = url.rsplit('/').next().unwrap().to_string();
            assert!(
                !postgres_database_exists(&name).await.unwrap(),
                "{name} still exists"
            );
        } else {
            let path = url
                .trim_start_matches("sqlite://")
                .split('?')
                .next()
                .unwrap()
                .to_string();
            assert!(!std::path::Path::new(&path).exists(), "{path} still exists");
        }
    }
}
