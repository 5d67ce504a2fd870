//! Probable duplicates: close names on the same birth date, the same INS, scope, confirmed
//! different people; each check entitled by a capability (`DroitDoublons`).

use super::*;
use crate::common::recherche;
use dui_domain::policy::{Matrice, Section};
use dui_store::policy::authorize;
use dui_store::policy::Principal;
use dui_store::usager::{Candidat, DroitDoublons};

/// The probable duplicates of `t` for a new file, with the search capability of `who`.
async fn a_la_creation(
    s: &Store,
    m: &Matrice,
    who: &Principal,
    t: &TraitsCompares<'_>,
) -> Vec<Candidat> {
    let droit = recherche(s, who).await;
    s.doublons_probables(DroitDoublons::Creation(&droit), m, t, at(1))
        .await
        .unwrap()
}

/// The probable duplicates of `t` seen from the file `usager`, read by `who`.
async fn depuis_dossier(
    s: &Store,
    m: &Matrice,
    who: &Principal,
    usager: i64,
    t: &TraitsCompares<'_>,
) -> Vec<Candidat> {
    let section = Section::Administratif;
    let cap = authorize(s, m, who, UsagerId(usager), section, Action::Lire, at(1))
        .await
        .unwrap();
    s.doublons_probables(DroitDoublons::Dossier(&cap, who), m, t, at(1))
        .await
        .unwrap()
}

#[tokio::test]
async fn probable_duplicates_compare_close_names_on_the_same_birth_date() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let a = w.org.a;
        let lefevre = create_usager(
            s,
            &w.secr_a,
            &ident("LEFEVRE", &["Hélène"], "1940-01-01", "F"),
            a,
        )
        .await;
        let jp = create_usager(
            s,
            &w.secr_a,
            &ident("DUBOIS", &["Jean-Pierre"], "1941-02-02", "M"),
            a,
        )
        .await;
        let dart = create_usager(
            s,
            &w.secr_a,
            &ident("D'ARTAGNAN", &["Charles"], "1942-03-03", "M"),
            a,
        )
        .await;
        let epouse = create_usager(
            s,
            &w.secr_a,
            &with_used_name(ident("DUPONT", &["Odette"], "1943-04-04", "F"), "MARTIN"),
            a,
        )
        .await;
        let ins = create_usager_with(
            s,
            &w.secr_a,
            &ident("BERNARD", &["Paul"], "1944-05-05", "M"),
            Some(INS_DUPONT),
            a,
            &[],
        )
        .await;
        let girard_b = create_usager(
            s,
            &w.secr_b,
            &ident("GIRARD", &["Anne"], "1946-06-06", "F"),
            w.org.b,
        )
        .await;

        let who = principal(&w.secr_a);
        let m = load_matrix(s).await.unwrap();
        let ids = |c: &[dui_store::usager::Candidat]| c.iter().map(|x| x.id).collect::<Vec<_>>();

        for (traits, expected, label) in [
            (
                traits("LEFEBVRE", "Hélène", "1940-01-01"),
                lefevre,
                "Lefèvre / LEFEBVRE",
            ),
            (
                traits("LEFEVRE", "HELENE", "1940-01-01"),
                lefevre,
                "Hélène / HELENE",
            ),
            (
                traits("DUBOIS", "JEAN PIERRE", "1941-02-02"),
                jp,
                "Jean-Pierre / JEAN PIERRE",
            ),
            (
                traits("DARTAGNAN", "Charles", "1942-03-03"),
                dart,
                "D'Artagnan / DARTAGNAN",
            ),
            (
                traits("MARTIN", "Odette", "1943-04-04"),
                epouse,
                "nom d'usage / nom de naissance",
            ),
        ] {
            let c = a_la_creation(s, &m, &who, &traits).await;
            assert_eq!(ids(&c), vec![expected], "{engine}: {label}");
            let c = &c[0];
            assert_eq!(c.motif, "même date de naissance et noms proches", "{label}");
            assert!(c.visible, "{label}");
            assert_eq!(c.numero, Some(numero(expected)));
            assert!(
                c.nom_naissance.is_some()
                    && c.premier_prenom.is_some()
                    && c.date_naissance.is_some()
            );
        }
        // The used name typed at creation is compared too.
        let typed_used = TraitsCompares {
            nom_naissance: "ROUX",
            nom_utilise: Some("Dupont"),
            ..traits("", "odette", "1943-04-04")
        };
        assert_eq!(
            ids(&a_la_creation(s, &m, &who, &typed_used).await),
            vec![epouse]
        );

        // Same INS, whatever the names and birth date.
        let same_ins = TraitsCompares {
            ins: Some(INS_DUPONT),
            ..traits("ROUSSEAU", "Luc", "1999-09-09")
        };
        let c = a_la_creation(s, &m, &who, &same_ins).await;
        assert_eq!(ids(&c), vec![ins], "{engine}");
        assert!(c[0].motif.contains("INS"), "{}", c[0].motif);

        // Not candidates: another birth date, other first name, other name.
        for (traits, label) in [
            (traits("LEFEVRE", "Hélène", "1940-01-02"), "autre date"),
            (traits("LEFEVRE", "Paulette", "1940-01-01"), "autre prénom"),
            (traits("GARNIER", "Hélène", "1940-01-01"), "autre nom"),
            (
                traits("DUPONT", "Charles", "1943-04-04"),
                "nom proche, prénom différent",
            ),
        ] {
            assert!(
                a_la_creation(s, &m, &who, &traits).await.is_empty(),
                "{engine}: {label}"
            );
        }

        // Out of scope: listed, but neither number, names nor birth date shown.
        let girard = traits("GIRARD", "Anne", "1946-06-06");
        let c = a_la_creation(s, &m, &who, &girard).await;
        assert_eq!(ids(&c), vec![girard_b], "{engine}");
        assert!(!c[0].visible);
        assert_eq!(c[0].numero, None);
        assert!(c[0].nom_naissance.is_none() && c[0].nom_utilise.is_none());
        assert!(c[0].premier_prenom.is_none() && c[0].date_naissance.is_none());
        let c = a_la_creation(s, &m, &principal(&w.secr_b), &girard).await;
        assert!(c[0].visible);
        assert_eq!(c[0].nom_naissance.as_deref(), Some("GIRARD"));

        // Created anyway as a different person: HOMA, and the pair is never proposed again.
        let homonyme = create_usager_with(
            s,
            &w.secr_a,
            &ident("LEFEBVRE", &["Hélène"], "1940-01-01", "F"),
            None,
            a,
            &[lefevre],
        )
        .await;
        let read = cap(s, &w.secr_a, homonyme, Action::Lire).await;
        assert_eq!(
            s.usager(&read)
                .await
                .unwrap()
                .unwrap()
                .attributs_identite
                .codes(),
            "HOMA"
        );
        let lefevre_traits = traits("LEFEVRE", "Hélène", "1940-01-01");
        let c = depuis_dossier(s, &m, &who, lefevre, &lefevre_traits).await;
        assert!(
            c.is_empty(),
            "{engine}: paire confirmée à la création : {c:?}"
        );
        // A later typo is proposed until someone confirms it is another person.
        let typo = create_usager(
            s,
            &w.secr_a,
            &ident("LEFEVRE", &["Helene"], "1940-01-01", "F"),
            a,
        )
        .await;
        let c = depuis_dossier(s, &m, &who, lefevre, &lefevre_traits).await;
        assert_eq!(ids(&c), vec![typo], "{engine}");
        let reader = cap(s, &w.educ_a, lefevre, Action::Lire).await;
        assert_eq!(
            refus(s.confirmer_non_doublon(&reader, UsagerId(typo)).await),
            Refus::NonPermisParLeRole
        );
        let valider = cap(s, &w.secr_a, lefevre, Action::Valider).await;
        s.confirmer_non_doublon(&valider, UsagerId(typo))
            .await
            .unwrap();
        s.confirmer_non_doublon(&valider, UsagerId(typo))
            .await
            .unwrap(); // idempotent
        assert!(depuis_dossier(s, &m, &who, lefevre, &lefevre_traits)
            .await
            .is_empty());
        // The pair is symmetric.
        let c = depuis_dossier(s, &m, &who, typo, &lefevre_traits).await;
        assert_eq!(ids(&c), vec![homonyme], "{engine}");
        // Without `exclude` (a new file) every close file is listed.
        let mut all = ids(&a_la_creation(s, &m, &who, &lefevre_traits).await);
        all.sort_unstable();
        assert_eq!(all, vec![lefevre, homonyme, typo]);
        assert_eq!(audit_by_action(s, "usager.non_doublon").await.len(), 2);
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn a_file_duplicate_check_needs_the_callers_own_read_capability_on_that_file() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let m = load_matrix(s).await.unwrap();
        let lefevre = ident("LEFEVRE", &["Hélène"], "1940-01-01", "F");
        let id = create_usager(s, &w.secr_a, &lefevre, w.org.a).await;
        let other = ident("LEFEBVRE", &["Hélène"], "1940-01-01", "F");
        let close = create_usager_with(s, &w.secr_a, &other, None, w.org.a, &[]).await;
        let t = traits("LEFEVRE", "Hélène", "1940-01-01");
        let read = cap(s, &w.secr_a, id, Action::Lire).await;
        let me = principal(&w.secr_a);
        // Its own capability: the other file is a candidate, the file itself is left out.
        let c = s
            .doublons_probables(DroitDoublons::Dossier(&read, &me), &m, &t, at(2))
            .await
            .unwrap();
        assert_eq!(
            c.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![close],
            "{engine}"
        );
        // Another account presenting it is refused.
        let r = s
            .doublons_probables(
                DroitDoublons::Dossier(&read, &principal(&w.secr_b)),
                &m,
                &t,
                at(2),
            )
            .await;
        assert_eq!(refus(r), Refus::NonPermisParLeRole, "{engine}");
        w.db.cleanup().await;
    }
}
