//! Psychology transmissions split by établissement, as the psychology notes (issue 12,
//! decision 0044): read only by the psychologists working where they were written, through
//! every read (the file, the relève, the search, the unread counts, the read marks).

use dui_domain::ids::UsagerId;
use dui_domain::policy::{Role, Section};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::page::Page;
use dui_store::policy::{authorize_transmissions, load_matrix};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{FiltreReleve, Transmission};
use dui_store::{Store, StoreError};

use crate::common::{at, create_user, insert_usager, principal, seed_org};
use crate::transmissions::{ecrire, narrative, releve_cap};

const U1: i64 = 511;

/// The file's transmissions as `who` reads them, checking that the one-statement read (the
/// facts and the page together, `transmissions_du_dossier`) answers as the two steps.
async fn dossier(s: &Store, who: &Utilisateur) -> Vec<i64> {
    dossier_de(s, who, U1).await.unwrap()
}

async fn dossier_de(s: &Store, who: &Utilisateur, usager: i64) -> Result<Vec<i64>, StoreError> {
    let m = load_matrix(s).await.unwrap();
    let (p, id) = (principal(who), UsagerId(usager));
    let ensemble = s
        .transmissions_du_dossier(&m, &p, id, Page::first(100), at(100))
        .await
        .map(|v| ids(&v));
    let separe = match authorize_transmissions(s, &m, &p, id, at(100)).await {
        Ok(cap) => s
            .transmissions_page(&cap, Page::first(100))
            .await
            .map(|v| ids(&v)),
        Err(e) => Err(e),
    };
    assert_eq!(format!("{ensemble:?}"), format!("{separe:?}"));
    separe
}

async fn releve(s: &Store, who: &Utilisateur, q: Option<&str>) -> Vec<i64> {
    let cap = releve_cap(s, who).await.unwrap();
    let f = FiltreReleve {
        q: q.map(String::from),
        ..FiltreReleve::default()
    };
    ids(&s
        .releve_page(&cap, &f, Page::first(100), at(100))
        .await
        .unwrap())
}

fn ids(v: &[Transmission]) -> Vec<i64> {
    v.iter().map(|t| t.id).collect()
}

#[tokio::test]
async fn psychology_transmissions_are_read_where_they_were_written_only() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        // A person who stays in both établissements.
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        db.exec(&format!(
            "INSERT INTO sejour (usager_id, etablissement_id, date_entree, created_at, updated_at) \
             VALUES ({U1}, {}, '2025-02-01', '2025-02-01T00:00:00.000000Z', '2025-02-01T00:00:00.000000Z')",
            org.b
        ))
        .await
        .unwrap();
        let psy_a = create_user(s, "psy.a", Role::Psychologue, &[org.a]).await;
        let psy_b = create_user(s, "psy.b", Role::Psychologue, &[org.b]).await;
        let psy_ab = create_user(s, "psy.ab", Role::Psychologue, &[org.a, org.b]).await;
        let de_a = ecrire(
            s,
            &psy_a,
            U1,
            &narrative(Section::Psychologie, "Angoisse nocturne évoquée."),
            1,
        )
        .await;
        let de_b = ecrire(
            s,
            &psy_b,
            U1,
            &narrative(Section::Psychologie, "Angoisse avant les visites."),
            2,
        )
        .await;
        // The file, the relève and the search: each sees the one written where it works.
        assert_eq!(dossier(s, &psy_a).await, [de_a], "{engine}");
        assert_eq!(dossier(s, &psy_b).await, [de_b], "{engine}");
        assert_eq!(dossier(s, &psy_ab).await, [de_b, de_a], "{engine}");
        assert_eq!(releve(s, &psy_a, None).await, [de_a], "{engine}");
        assert_eq!(releve(s, &psy_b, Some("angoisses")).await, [de_b]);
        assert_eq!(releve(s, &psy_ab, Some("angoisse")).await, [de_b, de_a]);
        // The unread counts and the read marks.
        let cap_a = releve_cap(s, &psy_a).await.unwrap();
        assert_eq!(s.nombre_non_lues(&cap_a, at(0)).await.unwrap(), 1);
        assert_eq!(
            s.marquer_transmissions_lues(&cap_a, &[de_b], at(5))
                .await
                .unwrap(),
            0,
            "{engine}"
        );
        // A correction names one of its établissement only.
        let cap = crate::common::check(
            s,
            &psy_a,
            U1,
            Section::Psychologie,
            dui_domain::policy::Action::Ecrire,
            at(6),
        )
        .await
        .unwrap();
        let mut corr = narrative(Section::Psychologie, "Précision.");
        corr.corrige_id = Some(de_b);
        assert!(matches!(
            s.add_transmission(&cap, &corr).await,
            Err(StoreError::Invalid(_))
        ));
        corr.corrige_id = Some(de_a);
        s.add_transmission(&cap, &corr).await.unwrap();
        // Rows loaded in bulk without one are given theirs (author's établissement).
        db.exec(&format!(
            "UPDATE transmission SET etablissement_id = NULL WHERE id = {de_b}"
        ))
        .await
        .unwrap();
        assert!(!dossier(s, &psy_b).await.contains(&de_b));
        assert_eq!(s.placer_psychologie_bulk().await.unwrap(), 1, "{engine}");
        assert_eq!(dossier(s, &psy_b).await, [de_b], "{engine}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_file_read_in_one_statement_keeps_what_the_decision_refuses() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        const U2: i64 = 512;
        insert_usager(&db, U2, "MARTIN", org.a, None).await;
        let psy_a = create_user(s, "psy.a", Role::Psychologue, &[org.a]).await;
        let psy_b = create_user(s, "psy.b", Role::Psychologue, &[org.b]).await;
        let educ = create_user(s, "educ.a", Role::Educateur, &[org.a]).await;
        // A file without any transmission, a file that does not exist.
        assert_eq!(dossier_de(s, &psy_a, U2).await.unwrap(), Vec::<i64>::new());
        assert!(matches!(
            dossier_de(s, &psy_a, 999_999).await,
            Err(StoreError::NotFound)
        ));
        let psy = ecrire(
            s,
            &psy_a,
            U1,
            &narrative(Section::Psychologie, "Angoisse nocturne évoquée."),
            1,
        )
        .await;
        let acc = ecrire(
            s,
            &educ,
            U1,
            &narrative(Section::Accompagnement, "Promenade au parc."),
            2,
        )
        .await;
        assert_eq!(dossier(s, &psy_a).await, [acc, psy], "{engine}");
        // Outside its scope: refused, nothing read.
        assert!(matches!(
            dossier_de(s, &psy_b, U1).await,
            Err(StoreError::Denied(_))
        ));
        // Break-the-glass opens the file but never its psychology: the page read with the
        // facts (every section the role may read) is not the one shown.
        s.ouvrir_acces_exceptionnel(
            &principal(&psy_b),
            UsagerId(U1),
            "Appel de nuit : crise d'angoisse signalée.",
            4,
            at(50),
        )
        .await
        .unwrap();
        assert_eq!(dossier_de(s, &psy_b, U1).await.unwrap(), [acc], "{engine}");
        db.cleanup().await;
    }
}
