//! The page forms of the policy-route table: for each route, a form (with its CSRF token)
//! that succeeds when the caller is allowed.

use dui_domain::policy::Role;
use reqwest::RequestBuilder;

use super::{account, identity, jpeg, Appel, MOTIF, NOWHERE};

/// The request `rb` of the page route of `a` with its form.
pub(super) async fn formulaire(a: &Appel<'_>, rb: RequestBuilder) -> RequestBuilder {
    let csrf = a.who.csrf.as_str();
    let etab_a = a.w.a.to_string();
    match (a.r.method, a.r.path) {
        ("get", _) => rb,
        ("post", "/usagers") => rb.form(&[
            ("_csrf", csrf),
            ("nom_naissance", a.person["nom_naissance"].as_str().unwrap()),
            ("prenoms", a.person["prenoms"][0].as_str().unwrap()),
            ("date_naissance", a.naissance.as_str()),
            ("sexe", "M"),
            ("etablissement", a.finess.as_str()),
        ]),
        ("post", "/usagers/{id}/identite") => {
            let v = a.version().await.to_string();
            let i = identity(a.inside);
            let f = |k: &str| i[k].as_str().unwrap_or_default().to_string();
            rb.form(&[
                ("_csrf", csrf.to_string()),
                ("nom_naissance", f("nom_naissance")),
                ("prenoms", i["prenoms"][0].as_str().unwrap().to_string()),
                ("date_naissance", f("date_naissance")),
                ("sexe", f("sexe")),
                ("version", v),
            ])
        }
        ("post", "/usagers/{id}/identite/statut") => rb.form(&[
            ("_csrf", csrf),
            ("action", "justificatif"),
            ("type_justificatif", "passeport"),
        ]),
        ("post", "/usagers/{id}/section/accompagnement") => rb.form(&[
            ("_csrf", csrf),
            ("texte", "Après-midi calme, promenade au jardin."),
        ]),
        ("post", "/usagers/{id}/entourage") => rb.form(&[
            ("_csrf", csrf),
            ("nom", "Martin"),
            ("prenom", "Paul"),
            ("relation", "enfant"),
        ]),
        ("post", "/usagers/{id}/professionnels") => rb.form(&[
            ("_csrf", csrf),
            ("role", "autre"),
            ("nom", "Lambert"),
            ("prenom", "Luc"),
            ("fonction", "Kinésithérapeute"),
        ]),
        ("post", "/usagers/{id}/photo") => {
            let form = reqwest::multipart::Form::new()
                .text("_csrf", a.who.csrf.clone())
                .part(
                    "photo",
                    reqwest::multipart::Part::bytes(jpeg())
                        .file_name("photo.jpg")
                        .mime_str("image/jpeg")
                        .unwrap(),
                );
            rb.multipart(form)
        }
        ("post", "/usagers/{id}/fusion") | ("post", "/usagers/{id}/non-doublon") => {
            rb.form(&[("_csrf", csrf), ("autre_id", "U0999999")])
        }
        // Field staff (issue 16).
        ("post", "/usagers/{id}/fusion/annulation") => {
            rb.form(&[("_csrf", csrf), ("fusion_id", NOWHERE)])
        }
        ("post", "/usagers/{id}/entourage/{eid}") => rb.form(&[
            ("_csrf", csrf),
            ("nom", "Martin"),
            ("prenom", "Paul"),
            ("relation", "enfant"),
            ("version", "1"),
        ]),
        ("post", "/usagers/{id}/affectations/fin") => {
            rb.form(&[("_csrf", csrf), ("utilisateur_id", NOWHERE)])
        }
        ("post", "/usagers/{id}/affectations") => {
            let role = Role::IntervenantDomicile;
            let id = account(&a.w.app, &format!("aff.page.{}", a.n), role, &[a.w.a], None).await;
            rb.form(&[
                ("_csrf", csrf.to_string()),
                ("utilisateur_id", id.to_string()),
            ])
        }
        ("post", "/usagers/{id}/acces-exceptionnel") => {
            rb.form(&[("_csrf", csrf), ("motif", MOTIF)])
        }
        ("post", "/usagers/{id}/projet") => rb.form(&[("_csrf", csrf), ("type", "ppa")]),
        ("post", "/usagers/{id}/projet/{pid}/brouillon") => rb.form(&[
            ("_csrf", csrf),
            ("version", "1"),
            ("operation", "textes"),
            ("attentes", "Rester chez moi"),
        ]),
        ("post", "/usagers/{id}/projet/{pid}/validation") => {
            rb.form(&[("_csrf", csrf), ("version", "1")])
        }
        ("post", "/usagers/{id}/projet/{pid}/signature") => rb.form(&[
            ("_csrf", csrf),
            ("version", "1"),
            ("numero", "1"),
            ("signataire", "Hélène Dupont"),
            ("qualite", "personne"),
            ("decision", "signe"),
        ]),
        ("post", "/usagers/{id}/evaluations") => rb.form(&[
            ("_csrf", csrf),
            ("grille", "braden"),
            ("q:perception", "3"),
            ("q:humidite", "3"),
            ("q:activite", "3"),
            ("q:mobilite", "3"),
            ("q:nutrition", "3"),
            ("q:friction", "2"),
        ]),
        ("post", "/usagers/{id}/evaluations/{eid}/validation") => {
            rb.form(&[("_csrf", csrf), ("version", "1")])
        }
        ("post", "/usagers/{id}/sejours") => rb.form(&[
            ("_csrf", csrf.to_string()),
            ("etablissement_id", a.w.a.to_string()),
            ("type_accompagnement", "accueil_jour".into()),
            ("date_entree", "2026-01-05".into()),
        ]),
        ("post", "/usagers/{id}/sejours/{sid}/transfert") => rb.form(&[
            ("_csrf", csrf.to_string()),
            ("version", "1".into()),
            ("date", "2026-02-01".into()),
            ("etablissement_id", a.w.a.to_string()),
        ]),
        ("post", "/usagers/{id}/sejours/{sid}/sortie") => rb.form(&[
            ("_csrf", csrf),
            ("version", "1"),
            ("date", "2026-02-01"),
            ("mode_sortie", "retour_domicile"),
        ]),
        ("post", "/usagers/{id}/prestations") | ("post", "/usagers/{id}/prestations/{pid}") => rb
            .form(&[
                ("_csrf", csrf),
                ("version", "1"),
                ("type_prestation", "apa"),
                ("date_debut", "2026-01-01"),
                ("date_fin", "2026-12-31"),
                ("montant", "450,00"),
            ]),
        ("post", "/usagers/{id}/mesures") => rb.form(&[
            ("_csrf", csrf),
            ("nature", "unite_protegee"),
            ("description", "Vie en unité protégée"),
            ("motif", "Désorientation"),
            ("avis_medical_par", "Dr Bernard"),
            ("avis_medical_date", "2026-01-02"),
            ("consentement", "personne"),
            ("date_debut", "2026-01-05"),
            ("prochaine_revision", "2026-04-05"),
        ]),
        ("post", "/usagers/{id}/mesures/{mid}/revision") => rb.form(&[
            ("_csrf", csrf),
            ("version", "1"),
            ("date_revision", "2026-03-01"),
            ("revise_par", "Dr Bernard"),
            ("decision", "levee"),
        ]),
        ("post", "/usagers/{id}/suivis") => rb.form(&[
            ("_csrf", csrf),
            ("libelle", "Nouvelles à 3 mois"),
            ("echeance", "2026-06-01"),
            ("assigne_a", "999999"),
        ]),
        ("post", "/usagers/{id}/suivis/{tid}/fait") => rb.form(&[
            ("_csrf", csrf),
            ("version", "1"),
            ("note", "Appel à la famille"),
        ]),
        ("post", "/usagers/{id}/sejours/absence") => rb.form(&[
            ("_csrf", csrf),
            ("sejour_id", "999999"),
            ("debut", "2026-02-01"),
            ("fin", "2026-02-02"),
            ("type_absence", "vacances"),
        ]),
        ("post", "/usagers/{id}/soins/synthese/{eid}/fin") => {
            rb.form(&[("_csrf", csrf), ("version", "1")])
        }
        ("post", "/usagers/{id}/soins/synthese") => rb.form(&[
            ("_csrf", csrf),
            ("rubrique", "risque"),
            ("libelle", "Risque de chute"),
        ]),
        ("post", "/usagers/{id}/soins/observations") => rb.form(&[
            ("_csrf", csrf),
            ("type_observation", "infirmiere"),
            ("texte", "Appétit conservé."),
        ]),
        ("post", "/usagers/{id}/soins/dlu/retours") => rb.form(&[
            ("_csrf", csrf),
            ("diagnostic", "Plaie du cuir chevelu suturée."),
        ]),
        ("post", "/usagers/{id}/psychologie") => rb.form(&[
            ("_csrf", csrf),
            ("titre", "Entretien"),
            ("texte", "Humeur stable."),
        ]),
        ("post", "/usagers/{id}/soins/plan") => rb.form(&[
            ("_csrf", csrf),
            ("type_acte", "hygiene"),
            ("libelle", "Aide à la toilette"),
            ("intervenant", "aide_soignant"),
            ("type_frequence", "quotidien"),
            ("horaires", "07:30"),
        ]),
        ("post", "/usagers/{id}/soins/constantes") => {
            rb.form(&[("_csrf", csrf), ("type_mesure", "pouls"), ("valeur", "72")])
        }
        ("post", "/usagers/{id}/interventions") => rb.form(&[
            ("_csrf", csrf),
            ("etablissement_id", etab_a.as_str()),
            ("t_toilette", "1"),
            ("jours_semaine", "1,4"),
            ("heure_debut", "08:00"),
            ("heure_fin", "09:30"),
            ("duree_minutes", "45"),
        ]),
        ("post", "/usagers/{id}/soins/constantes/seuils") => rb.form(&[
            ("_csrf", csrf),
            ("type_mesure", "temperature"),
            ("bas", "36"),
            ("haut", "38"),
            ("version", "0"),
        ]),
        ("post", "/usagers/{id}/soins/prescriptions") => rb.form(&[
            ("_csrf", csrf),
            ("type_prescription", "examen"),
            ("libelle", "Bilan sanguin"),
            ("prescripteur_nom", "Dr Durand"),
            ("prescripteur_rpps", "10000000009"),
        ]),
        ("post", "/usagers/{id}/soins/plan/{aid}/retrait")
        | ("post", "/usagers/{id}/soins/prescriptions/{pid}/arret") => {
            rb.form(&[("_csrf", csrf), ("version", "1")])
        }
        ("post", p) if p.starts_with("/usagers/{id}/liaison") => {
            let mut f =
                super::super::liaison::formulaire(&super::super::liaison::corps(p, a.n, true));
            f.push(("_csrf".into(), csrf.to_string()));
            rb.form(&f)
        }
        ("post", p) if p.starts_with("/usagers/{id}/equipe") => {
            let mut f = super::super::liaison::formulaire(&super::super::equipe::corps(p, true));
            f.push(("_csrf".into(), csrf.to_string()));
            rb.form(&f)
        }
        _ => rb.form(&[("_csrf", csrf)]),
    }
}
