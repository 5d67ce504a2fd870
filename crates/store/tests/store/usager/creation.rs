//! `Store::create_usager_checked`: the rules of creation (rights, établissement, duplicates,
//! INS already given) decided by the store, for the page form and the API alike.

use dui_domain::policy::Role;
use dui_domain::usager::creation::RefusCreation;
use dui_store::policy::load_matrix;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{DemandeCreation, IssueCreation, NouvelUsager};
use dui_store::StoreError;

use crate::common::{create_user, finess, ident, principal, seed_org, t0};

const INS: &str = "279035121518989";

fn nouvel(nom: &str, nir: Option<&str>) -> NouvelUsager {
    NouvelUsager {
        identite: ident(nom, &["Hélène"], "1979-03-12", "F"),
        nir: nir.map(str::to_string),
        date_entree: "2025-01-06".into(),
    }
}

fn demande(etablissement: &str, confirme: bool) -> DemandeCreation<'_> {
    DemandeCreation {
        etablissement,
        confirme,
    }
}

fn refus(issue: IssueCreation) -> RefusCreation {
    match issue {
        IssueCreation::Refusee(r) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn creation_checks_rights_etablissement_duplicates_and_ins_in_order() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let m = load_matrix(s).await.unwrap();
        let medecin = principal(&create_user(s, "medecin", Role::Medecin, &[org.a]).await);
        let secr_a = principal(&create_user(s, "secr.a", Role::Secretariat, &[org.a]).await);
        let secr_ab =
            principal(&create_user(s, "secr.ab", Role::Secretariat, &[org.a, org.b]).await);
        let ok = || Ok::<_, StoreError>(nouvel("DUPONT", Some(INS)));
        let never = || -> Result<NouvelUsager, StoreError> {
            panic!("the identity is not validated after a refusal")
        };
        type Valider = Box<dyn FnOnce() -> Result<NouvelUsager, StoreError>>;
        let create = |who, d, v: Valider| s.create_usager_checked(who, &m, d, v, t0());

        let (inconnu, fb) = (finess(75, 999), finess(69, 200));
        // Refusals come before the identity is validated, in this order.
        let r = create(&medecin, demande("", false), Box::new(never)).await;
        assert_eq!(refus(r.unwrap()), RefusCreation::Profil, "{engine}");
        let r = create(&secr_ab, demande("  ", false), Box::new(never)).await;
        assert_eq!(refus(r.unwrap()), RefusCreation::EtablissementAChoisir);
        let r = create(&secr_a, demande("123", false), Box::new(never)).await;
        assert!(matches!(refus(r.unwrap()), RefusCreation::FinessInvalide(m) if !m.is_empty()));
        let r = create(&secr_a, demande(&inconnu, false), Box::new(never)).await;
        assert_eq!(refus(r.unwrap()), RefusCreation::FinessInconnu);
        let r = create(&secr_a, demande(&fb, false), Box::new(never)).await;
        assert_eq!(refus(r.unwrap()), RefusCreation::HorsEtablissement);
        // The validation's error is handed back as is; nothing is written.
        let r = create(
            &secr_a,
            demande("", false),
            Box::new(|| Err(StoreError::Invalid("nom".into()))),
        )
        .await;
        assert!(
            matches!(r, Err(StoreError::Invalid(m)) if m == "nom"),
            "{engine}"
        );

        // Created in the only établissement, then in A named by its FINESS.
        let first = match create(&secr_a, demande("", false), Box::new(ok))
            .await
            .unwrap()
        {
            IssueCreation::Cree(id) => id,
            other => panic!("{other:?}"),
        };
        // The same person again: the duplicates are shown, nothing is created.
        let again = || Ok::<_, StoreError>(nouvel("DUPONT", None));
        let fa = finess(69, 100);
        match create(&secr_ab, demande(&fa, false), Box::new(again))
            .await
            .unwrap()
        {
            IssueCreation::Doublons(c) => assert_eq!(
                c.iter().map(|c| c.id).collect::<Vec<_>>(),
                vec![first.get()],
                "{engine}"
            ),
            other => panic!("{other:?}"),
        }
        // Confirmed with the same INS: it cannot be another person.
        match create(&secr_ab, demande(&fa, true), Box::new(ok))
            .await
            .unwrap()
        {
            IssueCreation::InsDejaAttribuee(c) => assert!(c.iter().any(|c| c.meme_ins)),
            other => panic!("{other:?}"),
        }
        // Confirmed without an INS: an homonym, created.
        match create(&secr_ab, demande(&fa, true), Box::new(again))
            .await
            .unwrap()
        {
            IssueCreation::Cree(id) => assert_ne!(id, first, "{engine}"),
            other => panic!("{other:?}"),
        }
        db.cleanup().await;
    }
}
