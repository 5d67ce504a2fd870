//! The sealed psychology section through the store on both engines (issue 12): who reads the
//! notes (role, établissement), never opened by break-the-glass, and what the file's audit and
//! the direction's journal show of them.

use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_domain::psychologie::TypeNote;
use dui_store::audit::{Filter, Lecteur};
use dui_store::page::Page;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::NotePsychologieInput;

use crate::common::{at, check, create_user, insert_usager, refus, seed_org, t0};

use crate::soins::{invalide, U1, U2};

async fn lues(s: &dui_store::Store, c: &dui_store::policy::Capability) -> Vec<i64> {
    let notes = s.notes_psychologie_page(c, Page::first(10)).await.unwrap();
    notes.iter().map(|n| n.id).collect()
}

async fn trace(
    s: &dui_store::Store,
    who: &dui_store::admin::utilisateur::Utilisateur,
) -> Vec<dui_store::audit::Entry> {
    let c = check(s, who, U1, Section::Administratif, Action::Lire, at(5))
        .await
        .unwrap();
    s.usager_audit(&c, None, 100).await.unwrap()
}

fn note(titre: &str) -> NotePsychologieInput {
    NotePsychologieInput {
        type_note: TypeNote::Entretien,
        titre: titre.into(),
        texte: "Angoisses nocturnes évoquées.".into(),
        outil: None,
        resultat: None,
        date_note: None,
        corrige_id: None,
    }
}

#[tokio::test]
async fn psychology_notes_are_sealed_by_role_etablissement_and_never_opened_by_break_the_glass() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let psy_a = create_user(s, "psy.a", Role::Psychologue, &[org.a]).await;
        let psy_b = create_user(s, "psy.b", Role::Psychologue, &[org.b]).await;
        // U1 stays in A and in B; U2 in B only.
        insert_usager(&db, U1, "DUPONT", org.a, Some(psy_a.id)).await;
        db.exec(&format!(
            "INSERT INTO sejour (usager_id, etablissement_id, date_entree, created_at, updated_at) VALUES ({U1}, {}, '2025-01-06', '{}', '{}')",
            org.b, dui_store::ts(t0()), dui_store::ts(t0())
        ))
        .await
        .unwrap();
        insert_usager(&db, U2, "MARTIN", org.b, None).await;
        let ca = check(s, &psy_a, U1, Section::Psychologie, Action::Ecrire, at(1))
            .await
            .unwrap();
        let cb = check(s, &psy_b, U1, Section::Psychologie, Action::Ecrire, at(1))
            .await
            .unwrap();
        let na = s
            .add_note_psychologie(&ca, &note("Entretien A"))
            .await
            .unwrap();
        let nb = s
            .add_note_psychologie(&cb, &note("Entretien B"))
            .await
            .unwrap();
        let mut test = note("MMSE");
        test.type_note = TypeNote::Test;
        invalide(s.add_note_psychologie(&ca, &test).await);
        // Each reads the notes of its own établissement.
        assert_eq!(lues(s, &ca).await, [na], "{engine}");
        assert_eq!(lues(s, &cb).await, [nb], "{engine}");
        // Not even a correction reaches another établissement's note.
        let mut corr = note("Correction");
        corr.corrige_id = Some(na);
        invalide(s.add_note_psychologie(&cb, &corr).await);
        // Break-the-glass never opens it, not even to a psychologist.
        s.ouvrir_acces_exceptionnel(
            &crate::common::principal(&psy_a),
            UsagerId(U2),
            "Appel de nuit : crise d'angoisse signalée.",
            4,
            at(2),
        )
        .await
        .unwrap();
        for action in [Action::Lire, Action::Ecrire] {
            assert_eq!(
                refus(check(s, &psy_a, U2, Section::Psychologie, action, at(3)).await),
                Refus::PsychologieHorsPerimetre
            );
        }
        // Every other role, with every grant an administrator could add: refused.
        db.exec("INSERT INTO permission (role, section, action) SELECT r.role, 'psychologie', 'lire' FROM (SELECT DISTINCT role FROM permission) r \
                 WHERE r.role <> 'psychologue'").await.unwrap();
        for role in Role::ALL
            .iter()
            .copied()
            .filter(|r| *r != Role::Psychologue)
        {
            let u = create_user(s, &format!("autre.{}", role.code()), role, &[org.a, org.b]).await;
            assert_eq!(
                refus(check(s, &u, U1, Section::Psychologie, Action::Lire, at(4)).await),
                Refus::NonPermisParLeRole,
                "{engine} {role:?}"
            );
        }
        // The file's audit: the direction sees that notes were written and read, not their detail.
        let dir = create_user(s, "dir", Role::Direction, &[org.a]).await;
        let psy_entries = |v: &Vec<dui_store::audit::Entry>| -> Vec<String> {
            v.iter()
                .filter(|e| e.section.as_deref() == Some("psychologie"))
                .map(|e| e.detail.clone())
                .collect()
        };
        let vues = psy_entries(&trace(s, &dir).await);
        assert!(
            vues.len() >= 4 && vues.iter().all(|d| d == "{}"),
            "{engine}: {vues:?}"
        );
        // The referent psychologist sees the detail of the same entries.
        let vues = psy_entries(&trace(s, &psy_a).await);
        assert!(
            vues.iter().any(|d| d.contains(&na.to_string())),
            "{engine}: {vues:?}"
        );
        let f = Filter {
            usager_id: Some(U1),
            ..Filter::default()
        };
        let journal = s
            .audit_journal(Lecteur::Direction(&[org.a, org.b]), &f, 200)
            .await
            .unwrap();
        assert!(journal
            .iter()
            .filter(|e| e.section.as_deref() == Some("psychologie"))
            .all(|e| e.detail == "{}" && e.hash.is_none()));
        db.cleanup().await;
    }
}
