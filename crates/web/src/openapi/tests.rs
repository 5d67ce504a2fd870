//! Unit tests of the document.

use super::*;

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

/// The operations that answer a page (`.liste::<T>()`) are exactly the lists of [`LISTES`],
/// and a page is `{"items": [T], "next_cursor"}`, both required.
#[test]
fn the_pages_documented_are_the_declared_lists() {
    let mut pages = Vec::new();
    for o in operations::operations() {
        if let Reponse::Liste(_) = o.reponse {
            assert_eq!(o.method, "get", "{}", o.path);
            pages.push(o.path);
        }
    }
    let mut declared: Vec<&str> = LISTES.iter().map(|l| l.path).collect();
    pages.sort_unstable();
    declared.sort_unstable();
    assert_eq!(pages, declared);
    let doc = document();
    for l in LISTES {
        let schema = &doc["paths"][format!("/api/v1{}", l.path)]["get"]["responses"]["200"]
            ["content"]["application/json"]["schema"];
        assert_eq!(
            schema["required"],
            json!(["items", "next_cursor"]),
            "{}",
            l.path
        );
        assert!(
            schema["properties"]["items"]["items"]["$ref"].is_string(),
            "{}",
            l.path
        );
    }
}

/// Every operation documents its success answer: a body schema (or an image, or none for
/// 201/204 without content), and every `$ref` of the document names a component.
#[test]
fn every_operation_documents_its_answer_and_every_reference_resolves() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let ok: Vec<_> = op["responses"]
                .as_object()
                .expect("responses")
                .iter()
                .filter(|(k, _)| k.starts_with('2'))
                .collect();
            assert_eq!(ok.len(), 1, "{method} {path}");
            let (status, r) = ok[0];
            if status != "204" && !(method == "post" && path.ends_with("/professionnels")) {
                assert!(
                    r["content"].is_object(),
                    "{method} {path}: no answer schema"
                );
            }
        }
    }
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    out.push(r.trim_start_matches("#/components/schemas/").to_string());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 100, "{}", all.len());
    for r in all {
        assert!(
            doc["components"]["schemas"][&r].is_object(),
            "{r} is not a component"
        );
    }
    // Generated from the types: a store row, a domain enum, a flattened type.
    let s = &doc["components"]["schemas"];
    assert_eq!(
        s["Organisme"]["properties"]["finess_juridique"]["type"],
        "string"
    );
    assert!(
        s["Role"]["enum"]
            .as_array()
            .is_some_and(|e| e.contains(&json!("direction"))),
        "{}",
        s["Role"]
    );
    assert!(
        s["ProfessionnelLie"]["allOf"].is_array(),
        "{}",
        s["ProfessionnelLie"]
    );
}

/// Every text a request may carry, with the schema that bounds it: `(where, schema)`.
fn text_inputs(doc: &Value) -> Vec<(String, Value)> {
    fn walk(doc: &Value, at: String, schema: &Value, out: &mut Vec<(String, Value)>, depth: u8) {
        assert!(depth < 10, "{at}: too deep");
        if let Some(r) = ref_name(schema) {
            return walk(doc, at, &doc["components"]["schemas"][r], out, depth + 1);
        }
        if is_text(schema) {
            out.push((at.clone(), schema.clone()));
        }
        if let Some(props) = schema["properties"].as_object() {
            for (k, v) in props {
                walk(doc, format!("{at}.{k}"), v, out, depth + 1);
            }
        }
        if schema["items"].is_object() {
            walk(doc, format!("{at}[]"), &schema["items"], out, depth + 1);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in schema[key].as_array().into_iter().flatten() {
                walk(doc, at.clone(), part, out, depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            walk(doc, format!("{method} {path}"), body, &mut out, 0);
            for p in op["parameters"].as_array().expect("parameters") {
                walk(
                    doc,
                    format!("{method} {path} {}", p["name"]),
                    &p["schema"],
                    &mut out,
                    0,
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
    // The figures are those of the types: a person's name, a comment, a search.
    let s = &doc["components"]["schemas"];
    assert_eq!(
        s["ProfessionnelFields"]["properties"]["nom"]["maxLength"],
        lim::NOM_PERSONNE
    );
    assert_eq!(
        s["OrganismeFields"]["properties"]["nom"]["maxLength"],
        lim::NOM_STRUCTURE
    );
    assert_eq!(
        s["EntourageFields"]["properties"]["commentaire"]["maxLength"],
        lim::COMMENTAIRE
    );
    assert_eq!(
        s["EntourageFields"]["properties"]["commentaire"]["x-multiligne"],
        true
    );
    assert_eq!(
        s["IdentiteFields"]["properties"]["prenoms"]["items"]["maxLength"],
        lim::NOM_PERSONNE
    );
    assert_eq!(s["Grant"]["properties"]["role"]["maxLength"], lim::CODE);
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

/// No member of the document is `null` (a keyword set to null is an invalid schema).
#[test]
fn no_member_of_the_document_is_null() {
    fn walk(v: &Value, at: &str) {
        match v {
            Value::Null => panic!("{at} is null"),
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, &format!("{at}/{k}"))),
            Value::Array(a) => a.iter().for_each(|x| walk(x, &format!("{at}[]"))),
            _ => {}
        }
    }
    walk(&document(), "");
}
