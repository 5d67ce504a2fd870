//! The usager file through the store: creation and search (names, dates, INS, numbers,
//! keyset pages, scope, break-the-glass), probable duplicates, identity versions and RNIV
//! status, merges and their undoing, the circle and professionals, bulk insertion.

use chrono::{DateTime, Duration, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Motif, Refus, Role};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::{load_matrix, Capability};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    numero, BulkProche, BulkUsager, EntourageInput, IdentiteInput, ProfessionnelInput, Recherche,
    StatutChange, TraitsCompares,
};
use dui_store::{Store, StoreError};

use crate::common::{
    admin, at, audit_by_action, cap, cap_at, create_usager, create_usager_with, create_user, ident,
    principal, recherche_page, refus, seed_org, t0, traits, Org,
};

#[path = "usager/corruption.rs"]
mod corruption;
#[path = "usager/creation.rs"]
mod creation;
#[path = "usager/detection.rs"]
mod detection;
#[path = "usager/fusion_entourage.rs"]
mod fusion_entourage;
#[path = "usager/identite.rs"]
mod identite;
#[path = "usager/insi.rs"]
mod insi;
#[path = "usager/perimetre.rs"]
mod perimetre;
#[path = "usager/recherche.rs"]
mod recherche;
#[path = "usager/recherche_approchants.rs"]
mod recherche_approchants;
#[path = "usager/terrain.rs"]
mod terrain;

const INS_DUPONT: &str = "279035121518989";
const OID_TEST: &str = "1.2.250.1.213.1.4.10";
const MOTIF: &str = "Appel de nuit du SAMU : consultation des traitements en cours.";

fn with_used_name(mut i: IdentiteInput, nom: &str) -> IdentiteInput {
    i.nom_utilise = Some(nom.into());
    i
}

struct World {
    db: TestDb,
    org: Org,
    secr_a: Utilisateur,
    secr_b: Utilisateur,
    educ_a: Utilisateur,
    intervenant_a: Utilisateur,
}

async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let secr_a = create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await;
    let secr_b = create_user(s, "secretariat.b", Role::Secretariat, &[org.b]).await;
    let educ_a = create_user(s, "educ.a", Role::Educateur, &[org.a]).await;
    let intervenant_a = create_user(s, "intervenant.a", Role::IntervenantDomicile, &[org.a]).await;
    World {
        db,
        org,
        secr_a,
        secr_b,
        educ_a,
        intervenant_a,
    }
}

/// Creates an usager in `etablissement` as `who`.
/// Hélène DUPONT, born 12/04/1938, created by the secretary of établissement A.
async fn helene(w: &World) -> i64 {
    create_usager(
        &w.db.store,
        &w.secr_a,
        &ident("DUPONT", &["Hélène"], "1938-04-12", "F"),
        w.org.a,
    )
    .await
}

/// Ids found by `who` for `texte` (one page of 100), sorted.
async fn found_at(s: &Store, who: &Utilisateur, texte: &str, now: DateTime<Utc>) -> Vec<i64> {
    let (items, next) = recherche_page(s, &principal(who), texte, 100, None, now).await;
    assert!(next.is_none(), "{texte}: une seule page attendue");
    let mut ids: Vec<i64> = items.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids
}

async fn found(s: &Store, who: &Utilisateur, texte: &str) -> Vec<i64> {
    found_at(s, who, texte, at(5)).await
}

#[tokio::test]
async fn bulk_insertion_gives_contiguous_searchable_ids_and_keeps_the_sequence() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let before = create_usager(
            s,
            &w.secr_a,
            &ident("AVANT", &["Alice"], "1930-01-01", "F"),
            w.org.a,
        )
        .await;
        let batch: Vec<BulkUsager> = (0..5)
            .map(|i| BulkUsager {
                identite: with_used_name(
                    ident(
                        "VRACNOM",
                        &["Prénom", &format!("Bulk{i}")],
                        &format!("1931-01-{:02}", i + 1),
                        "M",
                    ),
                    "VRACUSAGE",
                ),
                ins: (i == 0).then(|| (INS_DUPONT.to_string(), OID_TEST.to_string())),
                statut: if i == 0 { "QUAL".into() } else { "PROV".into() },
                justificatif: (i == 0).then(|| "passeport".to_string()),
                etablissement_id: if i == 4 { w.org.b } else { w.org.a },
                date_entree: "2024-01-01".into(),
                entourage: vec![BulkProche {
                    nom: "VRACPROCHE".into(),
                    prenom: "Lou".into(),
                    relation: dui_domain::usager::entourage::Relation::Enfant,
                    personne_confiance: true,
                    personne_a_prevenir: true,
                    telephone: Some("0612345678".into()),
                }],
            })
            .collect();
        let ids = s.insert_usagers_bulk(&admin(), &batch, t0()).await.unwrap();
        assert_eq!(
            ids,
            (before + 1..=before + 5).collect::<Vec<_>>(),
            "{engine}: ids contigus"
        );
        assert!(s
            .insert_usagers_bulk(&admin(), &[], t0())
            .await
            .unwrap()
            .is_empty());
        assert_eq!(s.usager_count().await.unwrap(), 6);

        // Searchable by every name, within scope.
        assert_eq!(
            found(s, &w.secr_a, "vracnom").await,
            ids[..4].to_vec(),
            "{engine}"
        );
        assert_eq!(found(s, &w.secr_a, "vracusage").await, ids[..4].to_vec());
        assert_eq!(found(s, &w.secr_a, "bulk2").await, vec![ids[2]]);
        assert_eq!(found(s, &w.secr_a, "prenom vrac").await, ids[..4].to_vec());
        assert_eq!(found(s, &w.secr_b, "vrac").await, vec![ids[4]]);
        assert_eq!(found(s, &w.secr_a, INS_DUPONT).await, vec![ids[0]]);
        let c = cap(s, &w.secr_a, ids[0], Action::Lire).await;
        let u = s.usager(&c).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.code(),
                u.matricule_ins.as_deref(),
                u.justificatif_type.map(|t| t.code()),
                u.version
            ),
            ("QUAL", Some(INS_DUPONT), Some("passeport"), 1)
        );
        let circle = s.entourage(&c).await.unwrap();
        assert_eq!(circle.len(), 1);
        assert!(circle[0].personne_confiance && circle[0].personne_a_prevenir);
        assert_eq!(circle[0].date_designation.as_deref(), Some("2026-03-02"));
        assert_eq!(s.sejours(&c).await.unwrap()[0].date_entree, "2024-01-01");
        let imports = audit_by_action(s, "usager.import").await;
        assert_eq!(imports.len(), 1);
        assert!(
            imports[0].detail.contains("\"nombre\":5"),
            "{}",
            imports[0].detail
        );

        // The identity sequence follows: a normal creation afterwards gets the next id.
        let after = create_usager(
            s,
            &w.secr_a,
            &ident("APRES", &["Alix"], "1932-01-01", "F"),
            w.org.a,
        )
        .await;
        assert_eq!(after, before + 6, "{engine}");
        // The same people again are refused whole: one INS, one live file (migration 0012).
        assert!(
            matches!(
                s.insert_usagers_bulk(&admin(), &batch[..2], t0()).await,
                Err(StoreError::Conflict(_))
            ),
            "{engine}"
        );
        // And a second batch (homonyms without INS) continues after it.
        let mut again = batch[..2].to_vec();
        for u in &mut again {
            u.ins = None;
            u.statut = "PROV".into();
            u.justificatif = None;
        }
        // (PostgreSQL's sequence does not give back the ids the refused batch drew.)
        let more = s.insert_usagers_bulk(&admin(), &again, t0()).await.unwrap();
        assert!(more[0] > after, "{engine}: {more:?}");
        assert_eq!(more[1], more[0] + 1, "{engine}");
        let last = create_usager(
            s,
            &w.secr_a,
            &ident("ENFIN", &["Eve"], "1933-01-01", "F"),
            w.org.a,
        )
        .await;
        assert_eq!(last, more[1] + 1, "{engine}");
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn photo_is_stored_replaced_and_removed_with_an_audited_write() {
    use dui_domain::usager::photo::{FormatPhoto, Photo};
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = helene(&w).await;
        let read = cap(s, &w.secr_a, id, Action::Lire).await;
        assert!(s.photo(&read).await.unwrap().is_none(), "{engine}");
        // Binary content, every byte value, survives the round trip.
        let first = Photo {
            format: FormatPhoto::Png,
            octets: (0..=255u8).cycle().take(5000).collect(),
        };
        let write = cap(s, &w.secr_a, id, Action::Ecrire).await;
        let e1 = s.set_photo(&write, &first).await.unwrap();
        let got = s.photo(&read).await.unwrap().unwrap();
        assert_eq!(
            (got.format, &got.octets, &got.empreinte),
            (FormatPhoto::Png, &first.octets, &e1),
            "{engine}"
        );
        assert_eq!(e1.len(), 64);
        // Replaced: one photo per file, a new fingerprint.
        let second = Photo {
            format: FormatPhoto::Jpeg,
            octets: vec![0xFF, 0xD8, 0xFF, 0xD9],
        };
        let e2 = s.set_photo(&write, &second).await.unwrap();
        assert_ne!(e1, e2);
        assert_eq!(s.photo(&read).await.unwrap().unwrap().octets, second.octets);
        // A read capability cannot change it.
        assert!(matches!(
            s.set_photo(&read, &first).await,
            Err(StoreError::Denied(_))
        ));
        // Removed once; a second removal finds nothing.
        s.delete_photo(&write).await.unwrap();
        assert!(s.photo(&read).await.unwrap().is_none());
        assert!(matches!(
            s.delete_photo(&write).await,
            Err(StoreError::NotFound)
        ));
        // Each change audited with the file, in its transaction.
        let changes = audit_by_action(s, "usager.photo.modification").await;
        assert_eq!(changes.len(), 2, "{engine}");
        assert!(changes.iter().all(|e| e.usager_id == Some(id)));
        assert!(changes[1].detail.contains("\"remplace\":true"));
        assert_eq!(
            audit_by_action(s, "usager.photo.suppression").await.len(),
            1
        );
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn merge_moves_the_photo_only_to_a_file_without_one_and_undo_gives_it_back() {
    use dui_domain::usager::photo::{FormatPhoto, Photo};
    let photo = |b: u8| Photo {
        format: FormatPhoto::Png,
        octets: vec![b; 10],
    };
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let keep = helene(&w).await;
        let absorbed = create_usager(
            s,
            &w.secr_a,
            &ident("DUPOND", &["Helene"], "1938-04-12", "F"),
            w.org.a,
        )
        .await;
        let xw = cap(s, &w.secr_a, absorbed, Action::Ecrire).await;
        let fp = s.set_photo(&xw, &photo(1)).await.unwrap();
        let kv = cap(s, &w.secr_a, keep, Action::Valider).await;
        let xv = cap(s, &w.secr_a, absorbed, Action::Valider).await;
        let fid = s.fusionner_usagers(&kv, &xv).await.unwrap();
        let kr = cap(s, &w.secr_a, keep, Action::Lire).await;
        let moved = s.photo(&kr).await.unwrap().expect("photo déplacée");
        assert_eq!(
            (moved.empreinte, moved.octets),
            (fp, vec![1; 10]),
            "{engine}"
        );
        s.annuler_fusion(&kv, fid).await.unwrap();
        assert!(s.photo(&kr).await.unwrap().is_none(), "{engine}: rendue");
        let xr = cap(s, &w.secr_a, absorbed, Action::Lire).await;
        assert_eq!(s.photo(&xr).await.unwrap().unwrap().octets, vec![1; 10]);

        // The kept file's own photo stays; the absorbed file keeps its own.
        let kw = cap(s, &w.secr_a, keep, Action::Ecrire).await;
        s.set_photo(&kw, &photo(2)).await.unwrap();
        let kv = cap(s, &w.secr_a, keep, Action::Valider).await;
        let xv = cap(s, &w.secr_a, absorbed, Action::Valider).await;
        let fid = s.fusionner_usagers(&kv, &xv).await.unwrap();
        assert_eq!(s.photo(&kr).await.unwrap().unwrap().octets, vec![2; 10]);
        s.annuler_fusion(&kv, fid).await.unwrap();
        assert_eq!(s.photo(&kr).await.unwrap().unwrap().octets, vec![2; 10]);
        assert_eq!(
            s.photo(&xr).await.unwrap().unwrap().octets,
            vec![1; 10],
            "{engine}"
        );
        w.db.cleanup().await;
    }
}
