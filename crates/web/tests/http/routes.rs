//! The OpenAPI document against the router itself (here, outside `dui-web`'s sources: the
//! document's module may not import the router that serves it, no import cycle).

use std::collections::{BTreeMap, BTreeSet};

/// The routes of the router itself, `(method, path)`: axum exposes them only through its
/// `Debug` (the paths of its node, and each route's `Allow` header), read here. A change of
/// that format fails the sanity checks below rather than passing silently.
fn routed() -> BTreeSet<(String, String)> {
    let all = format!("{:?}", dui_web::api_routes());
    // The routes proper, not the fallback router that follows them.
    let dbg = all.split("fallback_router").next().unwrap_or_default();
    // `RouteId(N): "/path"` in the node; `RouteId(N): MethodRouter(… allow_header: Bytes(b"GET,HEAD") …)`.
    let mut paths = BTreeMap::new();
    let mut allows = BTreeMap::new();
    for part in dbg.split("RouteId(").skip(1) {
        let Some((id, rest)) = part.split_once(')') else {
            continue;
        };
        if let Some(p) = rest.strip_prefix(": \"") {
            paths.insert(
                id.to_string(),
                p.split('"').next().unwrap_or_default().to_string(),
            );
        } else if let Some(r) = rest.strip_prefix(": MethodRouter(") {
            let allow = r
                .split("allow_header: Bytes(b\"")
                .nth(1)
                .and_then(|x| x.split('"').next())
                .unwrap_or_default();
            allows.insert(id.to_string(), allow.to_string());
        }
    }
    assert!(paths.len() > 30, "paths read from the router: {paths:?}");
    assert_eq!(paths.len(), allows.len(), "{paths:?} {allows:?}");
    let mut out = BTreeSet::new();
    for (id, path) in paths {
        let allow = &allows[&id];
        assert!(!allow.is_empty(), "{path}: no method read");
        for m in allow.split(',').filter(|m| *m != "HEAD") {
            out.insert((m.to_ascii_lowercase(), path.clone()));
        }
    }
    out
}

#[test]
fn the_document_and_the_router_have_the_same_operations() {
    let doc = dui_web::openapi::document();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            documented.insert((
                method.clone(),
                path.trim_start_matches("/api/v1").to_string(),
            ));
        }
    }
    let routed = routed();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routed but not documented: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
}
