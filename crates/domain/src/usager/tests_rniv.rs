//! Exhaustive table test of the RNIV state machine: every status × attribute set ×
//! event (documents: every type, minor or adult).

use super::*;
use StatutIdentite::{Provisoire, Qualifiee, Recuperee, Validee};

/// Expected outcome per attribute class (rows: none, DOUT, FICT, DOUT+FICT) and per
/// input status (columns: PROV, RECUP, VALI, QUAL). A status code is a success;
/// `E_*` a refusal.
type Attendu = [[&'static str; 4]; 4];

const DOC_HAUT: Attendu = [
    ["VALI", "QUAL", "VALI", "QUAL"],
    ["E_DOUT"; 4],
    ["E_FICT"; 4],
    ["E_FICT"; 4],
];
const DOC_ADULTE_REFUSE: Attendu = [["E_MINEUR"; 4], ["E_DOUT"; 4], ["E_FICT"; 4], ["E_FICT"; 4]];
const DOC_FAIBLE: Attendu = [["E_DOC"; 4], ["E_DOUT"; 4], ["E_FICT"; 4], ["E_FICT"; 4]];
const INS_RECUPERE: Attendu = [
    ["RECUP", "RECUP", "QUAL", "QUAL"],
    ["E_DOUT"; 4],
    ["E_FICT"; 4],
    ["E_FICT"; 4],
];
const INS_VERIFIE: Attendu = [["E_VERIF", "RECUP", "E_VERIF", "QUAL"]; 4];
const VERS_PROV: Attendu = [["PROV"; 4]; 4];
const INCHANGE: [&str; 4] = ["PROV", "RECUP", "VALI", "QUAL"];
const DOUTE_LEVE: Attendu = [["E_DOUTE"; 4], INCHANGE, ["E_DOUTE"; 4], INCHANGE];

fn evenements() -> Vec<(EvenementIdentite, Attendu)> {
    use TypeJustificatif::*;
    let doc = |t, m| EvenementIdentite::JustificatifVerifie {
        type_justificatif: t,
        is_minor: m,
    };
    vec![
        (doc(Passeport, false), DOC_HAUT),
        (doc(Passeport, true), DOC_HAUT),
        (doc(CarteIdentite, false), DOC_HAUT),
        (doc(CarteIdentite, true), DOC_HAUT),
        (doc(TitreSejour, false), DOC_HAUT),
        (doc(TitreSejour, true), DOC_HAUT),
        (doc(LivretFamille, false), DOC_ADULTE_REFUSE),
        (doc(LivretFamille, true), DOC_HAUT),
        (doc(ActeNaissance, false), DOC_ADULTE_REFUSE),
        (doc(ActeNaissance, true), DOC_HAUT),
        (doc(CarteVitale, false), DOC_FAIBLE),
        (doc(CarteVitale, true), DOC_FAIBLE),
        (doc(Autre, false), DOC_FAIBLE),
        (doc(Autre, true), DOC_FAIBLE),
        (EvenementIdentite::InsRecupere, INS_RECUPERE),
        (EvenementIdentite::InsVerifie, INS_VERIFIE),
        (EvenementIdentite::TraitModifie, VERS_PROV),
        (EvenementIdentite::DouteSignale, VERS_PROV),
        (EvenementIdentite::FictiveSignalee, VERS_PROV),
        (EvenementIdentite::DouteLeve, DOUTE_LEVE),
    ]
}

fn refus_attendu(code: &str, ev: &EvenementIdentite) -> TransitionRefusee {
    let doc = match ev {
        EvenementIdentite::JustificatifVerifie {
            type_justificatif, ..
        } => Some(*type_justificatif),
        _ => None,
    };
    match code {
        "E_DOUT" => TransitionRefusee::IdentiteDouteuse,
        "E_FICT" => TransitionRefusee::IdentiteFictive,
        "E_VERIF" => TransitionRefusee::AucuneInsAVerifier,
        "E_DOUTE" => TransitionRefusee::AucunDoute,
        "E_DOC" => TransitionRefusee::JustificatifInsuffisant(doc.unwrap()),
        "E_MINEUR" => TransitionRefusee::JustificatifReserveAuxMineurs(doc.unwrap()),
        autre => panic!("code inconnu {autre}"),
    }
}

fn attributs_attendus(avant: Attributs, ev: &EvenementIdentite) -> Attributs {
    match ev {
        EvenementIdentite::DouteSignale => Attributs {
            douteuse: true,
            ..avant
        },
        EvenementIdentite::FictiveSignalee => Attributs {
            fictive: true,
            ..avant
        },
        EvenementIdentite::DouteLeve => Attributs {
            douteuse: false,
            ..avant
        },
        _ => avant,
    }
}

#[test]
fn every_status_attribute_event_combination() {
    let mut cas = 0;
    for (ev, attendu) in evenements() {
        for (col, statut) in StatutIdentite::ALL.into_iter().enumerate() {
            for douteuse in [false, true] {
                for fictive in [false, true] {
                    for homonyme in [false, true] {
                        let attributs = Attributs {
                            douteuse,
                            fictive,
                            homonyme,
                        };
                        let ligne = usize::from(douteuse) + 2 * usize::from(fictive);
                        let code = attendu[ligne][col];
                        let obtenu = transition(statut, &attributs, &ev);
                        let contexte = format!("{statut:?} {attributs:?} {ev:?}");
                        match StatutIdentite::from_code(code) {
                            Some(s) => assert_eq!(
                                obtenu,
                                Ok((s, attributs_attendus(attributs, &ev))),
                                "{contexte}"
                            ),
                            None => assert_eq!(obtenu, Err(refus_attendu(code, &ev)), "{contexte}"),
                        }
                        cas += 1;
                    }
                }
            }
        }
    }
    assert_eq!(cas, 20 * 4 * 8);
}

#[test]
fn status_order_in_table_matches_all() {
    assert_eq!(
        StatutIdentite::ALL,
        [Provisoire, Recuperee, Validee, Qualifiee]
    );
}

#[test]
fn typical_lifecycle_and_ins_drop_flag() {
    let a = Attributs::AUCUN;
    let (s, a) = transition(Provisoire, &a, &EvenementIdentite::InsRecupere).unwrap();
    assert_eq!(s, Recuperee);
    assert!(s.ins_recupere() && !s.ins_partageable());
    let cni = EvenementIdentite::JustificatifVerifie {
        type_justificatif: TypeJustificatif::CarteIdentite,
        is_minor: false,
    };
    let (s, a) = transition(s, &a, &cni).unwrap();
    assert!(s.ins_partageable());
    let (apres, a) = transition(s, &a, &EvenementIdentite::TraitModifie).unwrap();
    // Leaving RECUP/QUAL for PROV: the caller must drop the matricule INS.
    assert!(s.ins_recupere() && !apres.ins_recupere());
    let (s, a) = transition(apres, &a, &EvenementIdentite::DouteSignale).unwrap();
    assert_eq!(
        transition(s, &a, &cni),
        Err(TransitionRefusee::IdentiteDouteuse)
    );
    let (s, a) = transition(s, &a, &EvenementIdentite::DouteLeve).unwrap();
    assert_eq!((s, a), (Provisoire, Attributs::AUCUN));
    assert_eq!(transition(s, &a, &cni).unwrap().0, Validee);
}

#[test]
fn refusal_messages_are_french() {
    assert_eq!(
        TransitionRefusee::JustificatifInsuffisant(TypeJustificatif::CarteVitale).message(),
        "Le justificatif « Carte Vitale » n'est pas un titre d'identité à haut niveau de confiance : il ne permet pas de valider l'identité."
    );
    assert_eq!(
        TransitionRefusee::JustificatifReserveAuxMineurs(TypeJustificatif::LivretFamille)
            .to_string(),
        "Le justificatif « Livret de famille » ne permet de valider que l'identité d'un mineur."
    );
    assert!(TransitionRefusee::IdentiteDouteuse
        .to_string()
        .starts_with("Une identité douteuse ne peut être ni validée"));
    assert!(TransitionRefusee::IdentiteFictive
        .to_string()
        .starts_with("Une identité fictive"));
}

#[test]
fn an_edit_without_strict_trait_change_keeps_the_status_and_the_ins() {
    for s in [Provisoire, Recuperee, Validee, Qualifiee] {
        assert_eq!(statut_apres_edition(s, false), (s, false));
    }
}

#[test]
fn a_strict_trait_edit_lowers_to_provisoire_and_withdraws_a_retrieved_ins() {
    assert_eq!(statut_apres_edition(Provisoire, true), (Provisoire, false));
    assert_eq!(statut_apres_edition(Validee, true), (Provisoire, false));
    assert_eq!(statut_apres_edition(Recuperee, true), (Provisoire, true));
    assert_eq!(statut_apres_edition(Qualifiee, true), (Provisoire, true));
    // The same outcome as the `TraitModifie` transition, whatever the attributes.
    let doute = Attributs::AUCUN.avec(AttributIdentite::Douteuse, true);
    for s in [Provisoire, Recuperee, Validee, Qualifiee] {
        for a in [Attributs::AUCUN, doute] {
            let (t, _) = transition(s, &a, &EvenementIdentite::TraitModifie).unwrap();
            assert_eq!(statut_apres_edition(s, true).0, t);
        }
    }
}

#[test]
fn the_ins_is_withdrawn_exactly_when_a_retrieved_status_is_left_for_one_without() {
    for avant in StatutIdentite::ALL {
        for apres in StatutIdentite::ALL {
            let attendu =
                matches!(avant, Recuperee | Qualifiee) && matches!(apres, Provisoire | Validee);
            assert_eq!(ins_retiree(avant, apres), attendu, "{avant:?} → {apres:?}");
        }
    }
    // Every refused-or-not event agrees with the edit rule on a strict trait change.
    for s in StatutIdentite::ALL {
        assert_eq!(statut_apres_edition(s, true).1, ins_retiree(s, Provisoire));
    }
}

#[test]
fn attributes_round_trip_through_their_stored_codes_and_unknown_codes_are_refused() {
    let a = Attributs::AUCUN
        .avec(AttributIdentite::Douteuse, true)
        .avec(AttributIdentite::Homonyme, true);
    assert_eq!(a.codes(), "DOUT,HOMA");
    assert_eq!(Attributs::from_codes("DOUT,HOMA"), Some(a));
    assert_eq!(Attributs::from_codes(" HOMA , DOUT "), Some(a));
    assert_eq!(Attributs::from_codes(""), Some(Attributs::AUCUN));
    assert_eq!(Attributs::AUCUN.codes(), "");
    assert_eq!(Attributs::from_codes("DOUT,ZZZ"), None);
    assert_eq!(Attributs::from_codes("dout"), None);
}

#[test]
fn document_types_have_the_codes_of_their_serde_form() {
    for t in TypeJustificatif::ALL {
        let serde = serde_json::to_value(t).unwrap();
        assert_eq!(serde.as_str(), Some(t.code()));
        assert_eq!(TypeJustificatif::from_code(t.code()), Some(t));
    }
    assert_eq!(TypeJustificatif::from_code("Passeport"), None);
}
