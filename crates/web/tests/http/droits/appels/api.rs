//! The API bodies of the policy-route table: for each route, a request that succeeds when
//! the caller is allowed.

use dui_domain::policy::Role;
use reqwest::RequestBuilder;
use serde_json::json;

use super::{account, identity, jpeg, Appel, MOTIF};

/// The request `rb` of the API route of `a` with its body.
pub(super) async fn corps(a: &Appel<'_>, rb: RequestBuilder) -> RequestBuilder {
    match (a.r.method, a.r.path) {
        ("post", "/usagers") => rb.json(&a.person),
        ("put", "/usagers/{id}") => {
            let v = a.version().await;
            let mut body = identity(a.inside);
            body["version"] = json!(v);
            rb.json(&body)
        }
        ("put", "/usagers/{id}/photo") => rb.header("content-type", "image/jpeg").body(jpeg()),
        ("post", "/usagers/{id}/identite/justificatif") => rb.json(&json!({"type_justificatif": "passeport"})),
        ("post", "/usagers/{id}/identite/attributs") => {
            rb.json(&json!({"douteuse": a.r.arg == "true", "motif": MOTIF}))
        }
        ("post", "/usagers/{id}/non-doublons") | ("post", "/usagers/{id}/fusions") => {
            rb.json(&json!({"autre_id": 999999}))
        }
        ("post", "/usagers/{id}/entourage") | ("put", "/usagers/{id}/entourage/{eid}") => rb
            .header("If-Match", "\"1\"")
            .json(&json!({"nom": "Martin", "prenom": "Paul", "relation": "enfant"})),
        ("post", "/usagers/{id}/professionnels") => rb.json(
            &json!({"role": "autre", "nom": "Lambert", "prenom": "Luc", "fonction": "Kinésithérapeute"}),
        ),
        ("post", "/usagers/{id}/affectations") => {
            // A new account each time: assigning twice changes nothing (and is not
            // audited, nothing being read or changed).
            let role = Role::IntervenantDomicile;
            let id = account(&a.w.app, &format!("aff.{}", a.n), role, &[a.w.a], None).await;
            rb.json(&json!({"utilisateur_id": id}))
        }
        ("post", "/usagers/{id}/acces-exceptionnel") => rb.json(&json!({"motif": MOTIF})),
        ("post", "/usagers/{id}/sejours") => rb.json(&json!({"etablissement_id": a.w.a,
            "type_accompagnement": "accueil_jour", "date_entree": "2026-01-05"})),
        ("put", "/usagers/{id}/sejours/{sid}") => rb.header("If-Match", "\"1\"").json(&json!({
            "type_accompagnement": "accueil_jour", "date_entree": "2026-01-05"})),
        ("post", "/usagers/{id}/sejours/{sid}/transfert") => rb.header("If-Match", "\"1\"")
            .json(&json!({"date": "2026-02-01", "etablissement_id": a.w.a})),
        ("post", "/usagers/{id}/sejours/{sid}/sortie") => rb.header("If-Match", "\"1\"")
            .json(&json!({"date": "2026-02-01", "mode_sortie": "retour_domicile"})),
        ("post", "/usagers/{id}/prestations") | ("put", "/usagers/{id}/prestations/{pid}") => rb
            .header("If-Match", "\"1\"")
            .json(&crate::parcours_suivi::prestation()),
        ("post", "/usagers/{id}/mesures") => rb.json(&crate::parcours_suivi::mesure()),
        ("post", "/usagers/{id}/mesures/{mid}/revisions") => rb.header("If-Match", "\"1\"").json(&json!({
            "date_revision": "2026-03-01", "revise_par": "Dr Bernard", "decision": "levee"})),
        ("post", "/usagers/{id}/echanges") => rb.json(&json!({"date_echange": "2026-01-05T10:00:00Z",
            "type_echange": "appel", "sens": "entrant", "interlocuteur": "Mme DUPONT, fille",
            "objet": "Nouvelles", "resume": "Demande des nouvelles."})),
        ("post", "/usagers/{id}/suivis") => rb.json(&json!({"libelle": "Nouvelles à 3 mois",
            "echeance": "2026-06-01", "assigne_a": 999999})),
        ("post", "/usagers/{id}/suivis/{tid}/fait") => rb.header("If-Match", "\"1\"")
            .json(&json!({"note": "Appel à la famille"})),
        ("post", "/usagers/{id}/presences") => rb.json(&json!({"sejour_id": 999999,
            "debut": "2026-02-01", "fin": "2026-02-03", "type_absence": "vacances"})),
        ("post", "/usagers/{id}/evaluations") | ("put", "/usagers/{id}/evaluations/{eid}") => rb
            .header("If-Match", "\"1\"")
            .json(&json!({"grille": "braden", "reponses": {"perception": "4", "humidite": "4",
                "activite": "4", "mobilite": "4", "nutrition": "4", "friction": "3"}})),
        ("post", "/usagers/{id}/evaluations/{eid}/validation") => rb.json(&json!({"version": 1})),
        ("post", "/usagers/{id}/transmissions") => {
            rb.json(&json!({"cible": "Repas", "donnees": "A peu mangé.", "actions": "Collation proposée."}))
        }
        ("post", "/usagers/{id}/projets") => rb.json(&json!({"type": "ppa", "contenu": {}})),
        ("post", "/usagers/{id}/soins/synthese/entrees") => {
            rb.json(&json!({"rubrique": "allergie", "libelle": "Pénicilline"}))
        }
        ("post", "/usagers/{id}/soins/synthese/entrees/{eid}/fin") => rb.json(&json!({"version": 1})),
        ("post", "/usagers/{id}/soins/observations") => {
            rb.json(&json!({"type_observation": "infirmiere", "texte": "Sommeil agité."}))
        }
        ("post", "/usagers/{id}/soins/dlu/retours") => rb.json(&json!({"diagnostic": "Contusion du genou."})),
        ("post", "/usagers/{id}/psychologie") => {
            rb.json(&json!({"titre": "Entretien", "texte": "Entretien d'accueil."}))
        }
        ("put", "/usagers/{id}/projets/{pid}") => rb
            .header("If-Match", "\"1\"")
            .json(&json!({"contenu": {}})),
        ("post", "/usagers/{id}/projets/{pid}/validation") => {
            rb.header("If-Match", "\"1\"").json(&json!({}))
        }
        ("post", "/usagers/{id}/projets/{pid}/versions/{numero}/signatures") => rb
            .header("If-Match", "\"1\"")
            .json(&json!({"signataire": "Hélène Dupont", "qualite": "personne", "decision": "signe"})),
        ("post", "/usagers/{id}/soins/plan") | ("put", "/usagers/{id}/soins/plan/{aid}") => rb
            .header("If-Match", "\"1\"")
            .json(&json!({"type_acte": "hygiene", "libelle": "Aide à la toilette", "intervenant": "aide_soignant", "type_frequence": "quotidien", "horaires": "07:30"})),
        ("post", "/usagers/{id}/soins/constantes") => rb.json(&json!({"type_mesure": "pouls", "valeur": 72})),
        ("post", "/usagers/{id}/interventions") | ("put", "/usagers/{id}/interventions/{iid}") => rb
            .header("If-Match", "\"1\"")
            .json(&json!({"etablissement_id": a.w.a, "taches": "toilette,repas", "jours_semaine": "1,4", "heure_debut": "08:00", "heure_fin": "09:30", "duree_minutes": 45})),
        ("put", "/usagers/{id}/soins/constantes/seuils/{mesure}") => rb.json(&json!({"bas": 36, "haut": 38, "version": 0})),
        ("post", "/usagers/{id}/soins/prescriptions") | ("put", "/usagers/{id}/soins/prescriptions/{pid}") => rb
            .header("If-Match", "\"1\"")
            .json(&json!({"type_prescription": "examen", "libelle": "Bilan sanguin", "prescripteur_nom": "Dr Durand", "prescripteur_rpps": "10000000009"})),
        ("post", "/usagers/{id}/soins/prescriptions/{pid}/arret") => rb.json(&json!({"version": 1})),
        ("post", p) if p.starts_with("/usagers/{id}/liaison") => {
            rb.json(&super::super::liaison::corps(p, a.n, false))
        }
        ("post" | "put", p) if p.starts_with("/usagers/{id}/equipe") => {
            rb.json(&super::super::equipe::corps(p, false))
        }
        ("post", _) => rb.json(&json!({})),
        _ => rb,
    }
}
