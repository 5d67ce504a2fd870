//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`.
//!
//! One table lists every operation; a test checks that every route registered in the
//! `api_routes()` of each feature appears here, so the document cannot fall behind.

use axum::Json;
use dui_domain::saisie::{self as lim, Champ};
use serde_json::{json, Map, Value};

use crate::pagination::{Liste, LISTES};
use crate::saisie::{Champs, PARAMETRES};

/// GET /api/v1/openapi.json
pub async fn serve() -> Json<Value> {
    Json(document())
}

/// (method, path, tag, summary, request schema, success status)
type Op = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    u16,
);

const OPERATIONS: &[Op] = &[
    ("post", "/session", "Session", "Se connecter (identifiant, mot de passe, code TOTP éventuel) : jeton et cookie de session", Some("Connexion"), 200),
    ("delete", "/session", "Session", "Se déconnecter", None, 204),
    ("get", "/moi", "Session", "Le compte connecté", None, 200),
    ("get", "/organismes", "Organisation", "Organismes gestionnaires", None, 200),
    ("post", "/organismes", "Organisation", "Créer un organisme gestionnaire (FINESS juridique, SIREN)", Some("Organisme"), 201),
    ("get", "/organismes/{id}", "Organisation", "Un organisme gestionnaire", None, 200),
    ("put", "/organismes/{id}", "Organisation", "Modifier un organisme (If-Match ou version)", Some("Organisme"), 200),
    ("get", "/etablissements", "Organisation", "Établissements et services visibles", None, 200),
    ("post", "/etablissements", "Organisation", "Créer un établissement (FINESS géographique, catégorie TRE_R66)", Some("Etablissement"), 201),
    ("get", "/etablissements/{id}", "Organisation", "Un établissement", None, 200),
    ("put", "/etablissements/{id}", "Organisation", "Modifier un établissement (If-Match ou version)", Some("Etablissement"), 200),
    ("get", "/etablissements/{id}/unites", "Organisation", "Unités, pôles et places d'un établissement", None, 200),
    ("post", "/etablissements/{id}/unites", "Organisation", "Créer une unité", Some("Unite"), 201),
    ("get", "/categories", "Organisation", "Catégories FINESS utilisables", None, 200),
    ("get", "/utilisateurs", "Comptes", "Comptes (administrateurs)", None, 200),
    ("post", "/utilisateurs", "Comptes", "Créer un compte", Some("Utilisateur"), 201),
    ("get", "/utilisateurs/{id}", "Comptes", "Un compte", None, 200),
    ("put", "/utilisateurs/{id}", "Comptes", "Modifier un compte (If-Match ou version)", Some("Utilisateur"), 200),
    ("post", "/utilisateurs/{id}/mot-de-passe", "Comptes", "Réinitialiser le mot de passe (mot de passe temporaire)", None, 200),
    ("get", "/permissions", "Habilitations", "Matrice profil × partie × action et double authentification obligatoire", None, 200),
    ("put", "/permissions", "Habilitations", "Remplacer la matrice", Some("Matrice"), 200),
    ("get", "/audit", "Audit", "Rechercher dans le journal d'audit (administrateur : vue technique, sans données des personnes ni filtre par dossier ; direction : toutes les entrées des comptes de ses établissements)", None, 200),
    ("get", "/audit/verification", "Audit", "Vérifier la chaîne d'intégrité du journal", None, 200),
    ("get", "/acces-exceptionnels", "Audit", "Accès exceptionnels (bris de glace) des 90 derniers jours", None, 200),
    ("get", "/usagers", "Usagers", "Rechercher des usagers (?q= nom, date, INS, n° de dossier)", None, 200),
    ("post", "/usagers", "Usagers", "Créer un usager (409 si doublon probable, sauf confirmer_doublon)", Some("UsagerCreation"), 201),
    ("get", "/usagers/{id}", "Usagers", "Ouvrir le dossier : identité, séjours, parties lisibles", None, 200),
    ("put", "/usagers/{id}", "Usagers", "Modifier l'identité (If-Match ou version) ; un trait strict modifié rend l'identité provisoire", Some("UsagerCreation"), 200),
    ("get", "/usagers/{id}/audit", "Usagers", "Qui a consulté ou modifié le dossier", None, 200),
    ("get", "/usagers/{id}/sejours", "Usagers", "Séjours de l'usager", None, 200),
    ("get", "/usagers/{id}/versions", "Usagers", "Versions antérieures de l'identité", None, 200),
    ("get", "/usagers/{id}/photo", "Usagers", "La photo de l'usager (image/jpeg ou image/png ; 404 s'il n'en a pas)", None, 200),
    ("put", "/usagers/{id}/photo", "Usagers", "Enregistrer la photo : le corps est l'image JPEG ou PNG (2 Mo au plus), enregistrée sans ses métadonnées", None, 200),
    ("delete", "/usagers/{id}/photo", "Usagers", "Retirer la photo", None, 204),
    ("post", "/usagers/{id}/identite/justificatif", "Identitovigilance", "Enregistrer la vérification d'un justificatif d'identité", Some("Justificatif"), 200),
    ("post", "/usagers/{id}/identite/insi", "Identitovigilance", "Récupérer l'INS auprès du téléservice INSi", Some("Version"), 200),
    ("post", "/usagers/{id}/identite/insi/verification", "Identitovigilance", "Vérifier l'INS auprès du téléservice INSi", None, 200),
    ("post", "/usagers/{id}/identite/attributs", "Identitovigilance", "Signaler une identité douteuse ou fictive, lever un doute", Some("Attributs"), 200),
    ("get", "/usagers/{id}/doublons", "Identitovigilance", "Doublons probables du dossier", None, 200),
    ("post", "/usagers/{id}/non-doublons", "Identitovigilance", "Confirmer que deux dossiers sont deux personnes différentes", Some("AutreDossier"), 204),
    ("get", "/usagers/{id}/fusions", "Identitovigilance", "Fusions concernant le dossier", None, 200),
    ("post", "/usagers/{id}/fusions", "Identitovigilance", "Fusionner un doublon dans ce dossier (réversible)", Some("AutreDossier"), 201),
    ("post", "/usagers/{id}/fusions/{fid}/annulation", "Identitovigilance", "Annuler une fusion", None, 204),
    ("get", "/usagers/{id}/entourage", "Entourage", "Entourage de l'usager", None, 200),
    ("post", "/usagers/{id}/entourage", "Entourage", "Ajouter une personne de l'entourage", Some("Entourage"), 201),
    ("get", "/usagers/{id}/entourage/{eid}", "Entourage", "Une personne de l'entourage (le corps que sa modification accepte)", None, 200),
    ("put", "/usagers/{id}/entourage/{eid}", "Entourage", "Modifier une personne de l'entourage (If-Match ou version)", Some("Entourage"), 200),
    ("delete", "/usagers/{id}/entourage/{eid}", "Entourage", "Retirer une personne de l'entourage (conservée, inactive)", None, 204),
    ("get", "/usagers/{id}/professionnels", "Entourage", "Professionnels extérieurs de l'usager", None, 200),
    ("post", "/usagers/{id}/professionnels", "Entourage", "Lier un professionnel (existant ou nouveau) avec un rôle", Some("LienProfessionnel"), 201),
    ("delete", "/usagers/{id}/professionnels/{pid}/{role}", "Entourage", "Retirer un professionnel", None, 204),
    ("post", "/usagers/{id}/affectations", "Usagers", "Affecter un intervenant à domicile ou un proche", Some("Affectation"), 204),
    ("post", "/usagers/{id}/acces-exceptionnel", "Usagers", "Ouvrir un accès exceptionnel motivé et limité dans le temps", Some("AccesExceptionnel"), 201),
    ("get", "/professionnels", "Entourage", "Annuaire partagé des professionnels (?q=)", None, 200),
    ("post", "/professionnels", "Entourage", "Ajouter un professionnel à l'annuaire", Some("Professionnel"), 201),
    ("get", "/grilles", "Grilles", "Grilles d'évaluation connues (version courante, versions publiées)", None, 200),
    ("get", "/grilles/{grille}", "Grilles", "Définition d'une grille (?version= ; la courante par défaut) : questions, types de réponse, scores, conditions, résultats", None, 200),
    ("get", "/usagers/{id}/evaluations", "Évaluations", "Évaluations de l'usager, les plus récentes d'abord (?grille=), chacune avec la version de grille utilisée", None, 200),
    ("post", "/usagers/{id}/evaluations", "Évaluations", "Enregistrer une évaluation (brouillon, ou validée si valider et le droit de valider) : 201 avec id, resultats et gir (AGGIR) ; 422 nommant chaque question ou variable fautive", Some("Evaluation"), 201),
    ("get", "/usagers/{id}/evaluations/{eid}", "Évaluations", "Une évaluation", None, 200),
    ("put", "/usagers/{id}/evaluations/{eid}", "Évaluations", "Modifier un brouillon (If-Match ou version) ; 409 si la version est périmée ou si l'évaluation est validée (une évaluation validée ne change plus : la corriger par une nouvelle évaluation, corrige)", Some("Evaluation"), 200),
    ("post", "/usagers/{id}/evaluations/{eid}/validation", "Évaluations", "Valider un brouillon (If-Match ou version) : il ne changera plus", Some("Version"), 200),
    ("get", "/etablissements/{id}/gmp", "Grilles", "GMP de l'établissement par mois (?mois= 1 à 36, 12 par défaut ; ?date= AAAA-MM-JJ) à partir de la dernière évaluation AGGIR validée de chaque personne présente (direction, cadre)", None, 200),
    ("post", "/grilles/aggir/calcul", "Grilles", "Calculer le GIR (rang et GIR) d'une grille AGGIR, depuis les codes A/B/C des variables ou depuis les adverbes S/T/C/H des sous-variables (renvoie alors aussi les codes déduits) ; public, rien n'est enregistré", Some("SaisieAggir"), 200),
    ("get", "/openapi.json", "Documentation", "Ce document", None, 200),
];

fn obj(props: &[(&str, Value)], required: &[&str]) -> Value {
    let mut p = Map::new();
    for (k, v) in props {
        p.insert((*k).to_string(), v.clone());
    }
    json!({"type": "object", "properties": p, "required": required})
}

fn s() -> Value {
    json!({"type": "string"})
}
fn i() -> Value {
    json!({"type": "integer"})
}
fn b() -> Value {
    json!({"type": "boolean"})
}

fn schemas() -> Value {
    json!({
        "Erreur": obj(&[("error", obj(&[("code", s()), ("message", s()), ("fields", json!({"type": "object", "additionalProperties": {"type": "string"}}))], &["code", "message"]))], &["error"]),
        "Liste": obj(&[("items", json!({"type": "array", "items": {"type": "object"}})), ("next_cursor", json!({"type": ["string", "null"]}))], &["items"]),
        "Connexion": obj(&[("username", s()), ("password", s()), ("totp", s())], &["username", "password"]),
        "Organisme": obj(&[("nom", s()), ("finess_juridique", s()), ("siren", s()), ("adresse", s()), ("version", i())], &["nom", "finess_juridique"]),
        "Etablissement": obj(&[("organisme_id", i()), ("nom", s()), ("finess", s()), ("siret", s()), ("categorie", s()), ("capacite", i()), ("adresse", s()), ("actif", b()), ("version", i())], &["organisme_id", "nom", "finess", "categorie"]),
        "Unite": obj(&[("nom", s()), ("type_unite", json!({"enum": ["unite", "pole", "places"]})), ("capacite", i())], &["nom", "type_unite"]),
        "Utilisateur": obj(&[("username", s()), ("nom", s()), ("prenom", s()), ("email", s()), ("role", s()), ("identifiant_pro", s()), ("etablissements", json!({"type": "array", "items": {"type": "integer"}})), ("actif", b()), ("usager_id", i()), ("password", s()), ("version", i())], &["nom", "prenom", "role"]),
        "Matrice": obj(&[("permissions", json!({"type": "array", "items": obj(&[("role", s()), ("section", s()), ("action", s())], &["role", "section", "action"])})), ("totp_obligatoire", json!({"type": "array", "items": {"type": "string"}}))], &["permissions"]),
        "UsagerCreation": obj(&[
            ("nom_naissance", s()), ("prenoms", json!({"type": "array", "items": {"type": "string"}, "description": "Prénoms de naissance, obligatoires (ici ou sous prenoms_naissance)"})), ("prenoms_naissance", json!({"type": "array", "items": {"type": "string"}, "description": "Les prénoms sous le nom que renvoie GET : le corps lu est accepté tel quel"})), ("date_naissance", json!({"type": "string", "description": "AAAA-MM-JJ, 00 pour un jour ou un mois inconnu"})),
            ("sexe", json!({"enum": ["F", "M", "I"]})), ("lieu_naissance", s()), ("nir", s()), ("nom_utilise", s()), ("prenom_utilise", s()),
            ("etablissement", json!({"type": "string", "description": "FINESS géographique"})), ("date_entree", s()), ("confirmer_doublon", b()), ("referent_id", i()), ("alertes", s()), ("version", i())
        ], &["nom_naissance", "date_naissance", "sexe"]),
        "Justificatif": obj(&[("type_justificatif", json!({"enum": ["passeport", "carte_identite", "titre_sejour", "livret_famille", "acte_naissance", "carte_vitale", "autre"]})), ("version", i())], &["type_justificatif"]),
        "Version": obj(&[("version", i())], &[]),
        "Attributs": obj(&[("douteuse", b()), ("fictive", b()), ("version", i())], &[]),
        "AutreDossier": obj(&[("autre_id", i())], &["autre_id"]),
        "Entourage": obj(&[("nom", s()), ("prenom", s()), ("relation", s()), ("mesure_protection", s()), ("mesure_debut", s()), ("mesure_fin", s()), ("mesure_reference", s()), ("personne_confiance", b()), ("date_designation", s()), ("personne_a_prevenir", b()), ("telephone", s()), ("email", s()), ("adresse", s()), ("commentaire", s()), ("version", i())], &["nom", "prenom", "relation"]),
        "Professionnel": obj(&[("nom", s()), ("prenom", s()), ("fonction", s()), ("identifiant_pro", s()), ("structure", s()), ("telephone", s()), ("email", s()), ("mssante", s())], &["nom", "prenom", "fonction"]),
        "LienProfessionnel": obj(&[("professionnel_id", i()), ("role", s()), ("nom", s()), ("prenom", s()), ("fonction", s())], &["role"]),
        "Affectation": obj(&[("utilisateur_id", i())], &["utilisateur_id"]),
        "AccesExceptionnel": obj(&[("motif", s()), ("heures", i())], &["motif"]),
        "SaisieAggir": aggir_schema(),
        "Evaluation": obj(&[("grille", s()), ("grille_version", s()), ("reponses", json!({"type": "object", "description": "Réponses : question → réponse ; pour AGGIR, le corps de /grilles/aggir/calcul"})), ("date_evaluation", json!({"type": "string", "description": "AAAA-MM-JJ (aujourd'hui par défaut)"})), ("commentaire", s()), ("valider", b()), ("corrige", i()), ("version", i())], &["grille", "reponses"]),
    })
}

/// The body of the AGGIR calculator: `variables` (codes) or `sous_variables` (adverbs).
fn aggir_schema() -> Value {
    use dui_domain::grille::aggir::{Illustrative, Variable};
    let code = json!({"type": "string", "enum": ["A", "B", "C"], "maxLength": 1});
    let codes: Vec<(&str, Value)> = Variable::ALL
        .iter()
        .map(|v| v.code())
        .chain(Illustrative::ALL.iter().map(|v| v.code()))
        .map(|k| (k, code.clone()))
        .collect();
    let adverbes = obj(
        &[("S", b()), ("T", b()), ("C", b()), ("H", b())],
        &["S", "T", "C", "H"],
    );
    let cles: Vec<&str> = dui_domain::grille::saisie::cles_adverbes().collect();
    let subs: Vec<(&str, Value)> = cles
        .iter()
        .copied()
        .chain(Illustrative::ALL.iter().map(|v| v.code()))
        .map(|k| (k, adverbes.clone()))
        .collect();
    let requis: Vec<&str> = Variable::ALL.iter().map(|v| v.code()).collect();
    let mut variables = obj(&codes, &requis);
    variables["description"] = json!("Codes des 10 variables discriminantes (obligatoires) et des variables illustratives (facultatives)");
    let mut sous_variables = obj(&subs, &cles);
    sous_variables["description"] = json!("Adverbes (vrai = fait spontanément, totalement, correctement, habituellement) de chaque sous-variable et de chaque variable sans sous-variable");
    let mut schema = obj(
        &[("variables", variables), ("sous_variables", sous_variables)],
        &[],
    );
    schema["description"] = json!("Exactement l'un des deux : variables ou sous_variables");
    schema
}

/// Request schemas and the type that reads them: their text fields' maxima come from it.
fn champs(schema: &str) -> Option<&'static [Champ]> {
    use crate::admin::{organisation as o, permissions as p, utilisateurs as u};
    use crate::usager as us;
    Some(match schema {
        "Connexion" => crate::auth::login::ApiLogin::CHAMPS,
        "Organisme" => o::OrganismeFields::CHAMPS,
        "Etablissement" => o::EtablissementFields::CHAMPS,
        "Unite" => o::UniteFields::CHAMPS,
        "Utilisateur" => u::UtilisateurFields::CHAMPS,
        "Matrice" => p::MatrixDoc::CHAMPS,
        "UsagerCreation" => us::fields::IdentiteFields::CHAMPS,
        "Justificatif" => us::DocumentBody::CHAMPS,
        "Version" => us::VersionBody::CHAMPS,
        "Attributs" => us::AttributesBody::CHAMPS,
        "AutreDossier" => us::OtherBody::CHAMPS,
        "Entourage" => us::EntourageFields::CHAMPS,
        "Professionnel" => us::ProfessionnelFields::CHAMPS,
        "LienProfessionnel" => us::LinkBody::CHAMPS,
        "Affectation" => us::Assign::CHAMPS,
        "AccesExceptionnel" => us::DemandeAccesExceptionnel::CHAMPS,
        "Evaluation" => us::evaluation::EvaluationBody::CHAMPS,
        "SaisieAggir" => <dui_domain::grille::saisie::SaisieAggir as crate::saisie::Champs>::CHAMPS,
        _ => return None,
    })
}

/// The schema of one text field: its maximum, its lines, its words.
fn borner(schema: &mut Value, c: Champ) {
    schema["maxLength"] = json!(c.max);
    if c.lignes {
        schema["x-multiligne"] = json!(true);
    }
    if let Some(m) = c.mots {
        schema["x-mots-max"] = json!(m);
    }
}

/// Sets `maxLength` on every text property (and text array item) of an object schema.
fn borner_proprietes(obj: &mut Value, champs: &[Champ]) {
    let Some(props) = obj["properties"].as_object_mut() else {
        return;
    };
    for (nom, prop) in props.iter_mut() {
        let c = Champ::parmi(champs, nom);
        if prop["type"] == "string" || prop["enum"].is_array() {
            prop["type"] = json!("string");
            borner(prop, c);
        } else if prop["type"] == "array" {
            let items = &mut prop["items"];
            if items["type"] == "string" {
                borner(items, c);
            } else if items["type"] == "object" {
                borner_proprietes(items, champs);
            }
        }
    }
}

/// Query-string parameters of the operations that take some: (method, path, name, integer).
const QUERY: &[(&str, &str, &str, bool)] = &[
    ("get", "/usagers", "q", false),
    ("get", "/usagers", "etablissement", false),
    ("get", "/professionnels", "q", false),
    ("get", "/audit", "utilisateur", false),
    ("get", "/audit", "action", false),
    ("get", "/audit", "usager", false),
    ("get", "/audit", "resultat", false),
    ("get", "/audit", "du", false),
    ("get", "/audit", "au", false),
    ("get", "/usagers/{id}/evaluations", "grille", false),
    ("get", "/grilles/{grille}", "version", false),
    ("get", "/etablissements/{id}/gmp", "mois", true),
    ("get", "/etablissements/{id}/gmp", "date", false),
];

/// `limit` and `cursor` of a list declared in [`LISTES`], with its default and maximum.
fn pagination(liste: &Liste) -> [Value; 2] {
    let mut limit = parametre("limit", "query", true);
    limit["schema"]["minimum"] = json!(1);
    limit["schema"]["default"] = json!(liste.defaut);
    limit["schema"]["maximum"] = json!(liste.max);
    limit["description"] = json!(format!(
        "Éléments par page ({} par défaut, {} au plus)",
        liste.defaut, liste.max
    ));
    let mut cursor = parametre("cursor", "query", false);
    cursor["description"] = json!("Curseur opaque : le next_cursor de la page précédente");
    [limit, cursor]
}

/// A path or query parameter, bounded by [`PARAMETRES`].
fn parametre(nom: &str, lieu: &str, entier: bool) -> Value {
    let c = Champ::parmi(PARAMETRES, nom);
    let mut schema = if entier { i() } else { s() };
    if !entier {
        borner(&mut schema, c);
    }
    let mut p = json!({"name": nom, "in": lieu, "required": lieu == "path", "schema": schema});
    if let Some(m) = c.mots {
        p["description"] = json!(format!("{} caractères et {m} mots au plus", c.max));
    }
    p
}

fn error_response(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}}})
}

/// The schemas, each text field with its maximum (`maxLength`) from the type that reads it.
fn bounded_schemas() -> Value {
    let mut all = schemas();
    if let Some(m) = all.as_object_mut() {
        for (name, schema) in m.iter_mut() {
            if let Some(c) = champs(name) {
                borner_proprietes(schema, c);
            }
        }
    }
    all
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for (method, path, tag, summary, body, status) in OPERATIONS {
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|x| x.strip_suffix('}')))
            .map(|name| parametre(name, "path", !["role", "grille"].contains(&name)))
            .chain(
                QUERY
                    .iter()
                    .filter(|(m, p, _, _)| m == method && p == path)
                    .map(|(_, _, name, entier)| parametre(name, "query", *entier)),
            )
            .chain(
                LISTES
                    .iter()
                    .filter(|l| *method == "get" && l.path == *path)
                    .flat_map(pagination),
            )
            .collect();
        let mut op = json!({
            "tags": [tag],
            "summary": summary,
            "operationId": format!("{method}_{}", path.replace(['/', '{', '}', '-', '.'], "_").trim_matches('_')),
            "parameters": params,
            "responses": {
                status.to_string(): {"description": "Succès", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": error_response("Requête mal formée"),
                "401": error_response("Non connecté"),
                "403": error_response("Non autorisé"),
                "404": error_response("Introuvable"),
                "409": error_response("Conflit : version périmée, doublon"),
                "422": error_response("Contenu invalide, avec le détail par champ"),
            },
        });
        if let Some(schema) = body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        }
        if *method == "get" && LISTES.iter().any(|l| l.path == *path) {
            op["responses"]["200"]["content"]["application/json"]["schema"] =
                json!({"$ref": "#/components/schemas/Liste"});
        }
        if *status == 204 {
            op["responses"]["204"] = json!({"description": "Succès, sans contenu"});
        }
        if *path == "/session" && *method == "post" {
            op["security"] = json!([]);
            // A locked account answers 401 like a wrong password (decision 0002).
            op["responses"]["429"] =
                error_response("Trop d'échecs depuis cette adresse (en-tête Retry-After)");
            op["responses"]["503"] =
                error_response("Trop de mots de passe à vérifier à la fois (en-tête Retry-After)");
        }
        if *path == "/usagers/{id}/photo" {
            let image = json!({"schema": {"type": "string", "contentEncoding": "binary"}});
            if *method == "get" {
                op["responses"]["200"]["content"] =
                    json!({"image/jpeg": image, "image/png": image});
            }
            if *method == "put" {
                op["requestBody"] =
                    json!({"required": true, "content": {"image/jpeg": image, "image/png": image}});
                op["responses"]["413"] = error_response("Photo de plus de 2 Mo");
                op["responses"]["415"] = error_response("Ni JPEG ni PNG");
            }
        }
        if *path == "/openapi.json" {
            op["security"] = json!([]);
        }
        let entry = paths
            .entry(format!("/api/v1{path}"))
            .or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "DUI — dossier usager informatisé",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("API JSON du DUI. Erreurs : {{\"error\": {{\"code\", \"message\", \"fields\"?}}}}. Listes : ?limit=&cursor= → {{\"items\", \"next_cursor\"}}. Enregistrements modifiables : champ version et en-tête If-Match. Saisie : chaque texte a une longueur maximale (maxLength, en caractères) ; les caractères de contrôle (U+0000 à U+001F, U+007F à U+009F) sont refusés partout, sauf la tabulation et les sauts de ligne dans les champs x-multiligne ; une recherche compte au plus {} mots (x-mots-max). Au-delà : 422 avec le champ en cause (400 pour la connexion).", lim::MOTS_RECHERCHE),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Jeton renvoyé par POST /api/v1/session"}},
            "schemas": bounded_schemas(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Routes declared in the `api_routes()` functions of the sources: `(method, path)`.
    /// Whitespace is removed first, so rustfmt's line breaks do not matter.
    fn declared_routes() -> Vec<(String, String)> {
        let sources = [
            include_str!("auth/mod.rs"),
            include_str!("admin/mod.rs"),
            include_str!("usager/mod.rs"),
            include_str!("grille/mod.rs"),
            include_str!("lib.rs"),
        ];
        let mut out = Vec::new();
        for src in sources {
            let Some(start) = src
                .find("fn api_routes")
                .or_else(|| src.find("let api = Router::new()"))
            else {
                continue;
            };
            let body = &src[start..];
            let end = [body.find("\n}\n"), body.find(";\n")]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(body.len());
            let flat: String = body[..end].split_whitespace().collect();
            for part in flat.split(".route(\"").skip(1) {
                let path = part.split('"').next().unwrap_or_default().to_string();
                let rest = &part[path.len()..];
                for m in ["get", "post", "put", "delete"] {
                    if rest.contains(&format!("{m}(")) {
                        out.push((m.to_string(), path.clone()));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_declared_list_is_a_documented_get_with_limit_and_cursor() {
        let doc = document();
        for l in LISTES {
            let op = &doc["paths"][format!("/api/v1{}", l.path)]["get"];
            assert!(op.is_object(), "{} is not documented", l.path);
            let names: Vec<&str> = op["parameters"]
                .as_array()
                .expect("parameters")
                .iter()
                .filter_map(|p| p["name"].as_str())
                .collect();
            for n in ["limit", "cursor"] {
                assert_eq!(
                    names.iter().filter(|x| **x == n).count(),
                    1,
                    "{} {n}",
                    l.path
                );
            }
            assert!(l.defaut >= 1 && l.defaut <= l.max, "{}", l.path);
        }
    }

    #[test]
    fn every_api_route_is_documented() {
        let doc = document();
        let routes = declared_routes();
        assert!(routes.len() > 40, "routes found: {routes:?}");
        for (m, p) in routes {
            assert!(
                doc["paths"][format!("/api/v1{p}")][&m].is_object(),
                "{m} {p} is missing from the OpenAPI document"
            );
        }
    }

    /// Every text a request may carry, with the schema that bounds it: `(where, schema)`.
    fn text_inputs(doc: &Value) -> Vec<(String, Value)> {
        fn walk(at: String, schema: &Value, out: &mut Vec<(String, Value)>) {
            if schema["type"] == "string" {
                out.push((at.clone(), schema.clone()));
            }
            if let Some(props) = schema["properties"].as_object() {
                for (k, v) in props {
                    walk(format!("{at}.{k}"), v, out);
                }
            }
            if schema["items"].is_object() {
                walk(format!("{at}[]"), &schema["items"], out);
            }
        }
        let mut out = Vec::new();
        for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
            if name != "Erreur" && name != "Liste" {
                walk(name.clone(), schema, &mut out);
            }
        }
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("item") {
                for p in op["parameters"].as_array().expect("parameters") {
                    walk(
                        format!("{method} {path} {}", p["name"]),
                        &p["schema"],
                        &mut out,
                    );
                }
            }
        }
        out
    }

    #[test]
    fn every_text_input_has_a_maximum_from_its_type() {
        let doc = document();
        let inputs = text_inputs(&doc);
        assert!(inputs.len() > 60, "{}", inputs.len());
        for (at, schema) in inputs {
            let max = schema["maxLength"].as_u64();
            assert!(max.is_some_and(|m| m > 0), "{at} has no maxLength");
        }
        for (name, _) in doc["components"]["schemas"].as_object().expect("schemas") {
            if name != "Erreur" && name != "Liste" {
                assert!(
                    champs(name).is_some(),
                    "schema {name}: which type reads it?"
                );
            }
        }
        // The figures are those of the types: a person's name, a comment, a search.
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["Professionnel"]["properties"]["nom"]["maxLength"],
            lim::NOM_PERSONNE
        );
        assert_eq!(
            s["Organisme"]["properties"]["nom"]["maxLength"],
            lim::NOM_STRUCTURE
        );
        assert_eq!(
            s["Entourage"]["properties"]["commentaire"]["maxLength"],
            lim::COMMENTAIRE
        );
        assert_eq!(
            s["Entourage"]["properties"]["commentaire"]["x-multiligne"],
            true
        );
        assert_eq!(
            s["UsagerCreation"]["properties"]["prenoms"]["items"]["maxLength"],
            lim::NOM_PERSONNE
        );
        assert_eq!(
            s["Matrice"]["properties"]["permissions"]["items"]["properties"]["role"]["maxLength"],
            lim::CODE
        );
        let q = &doc["paths"]["/api/v1/usagers"]["get"]["parameters"][0];
        assert_eq!(q["name"], "q");
        assert_eq!(q["schema"]["maxLength"], lim::RECHERCHE);
        assert_eq!(q["schema"]["x-mots-max"], lim::MOTS_RECHERCHE);
    }

    #[test]
    fn every_documented_operation_is_well_formed() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        for (path, item) in doc["paths"].as_object().expect("paths") {
            assert!(path.starts_with("/api/v1/"));
            for (method, op) in item.as_object().expect("item") {
                assert!(["get", "post", "put", "delete"].contains(&method.as_str()));
                assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()));
                for seg in path.split('/').filter(|s| s.starts_with('{')) {
                    let name = seg.trim_matches(['{', '}']);
                    let ok = op["parameters"]
                        .as_array()
                        .expect("params")
                        .iter()
                        .any(|p| p["name"] == name);
                    assert!(ok, "{method} {path} lacks parameter {name}");
                }
                if let Some(r) =
                    op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
                {
                    let name = r.trim_start_matches("#/components/schemas/");
                    assert!(
                        doc["components"]["schemas"][name].is_object(),
                        "schema {name} missing"
                    );
                }
            }
        }
    }
}
