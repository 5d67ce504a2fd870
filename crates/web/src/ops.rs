//! Operations: health and readiness probes, Prometheus metrics, one log span per request.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::App;

/// Times each request, logs it in a span named by its route, and counts it.
pub async fn observe(State(app): State<App>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(autre)".into());
    let method = req.method().to_string();
    let request_id = dui_store::session::random_token()[..16].to_string();
    let span = tracing::info_span!("requete", %method, %route, %request_id);
    let started = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    let secs = started.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    app.metrics.record(&method, &route, status, secs);
    span.in_scope(|| tracing::debug!(status, ms = secs * 1000.0, "réponse"));
    if let Ok(v) = request_id.parse() {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// GET /healthz: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// GET /readyz: the database answers.
pub async fn readyz(State(app): State<App>) -> Response {
    match app.store.ping().await {
        Ok(()) => "prêt".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "base de données injoignable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "base de données injoignable",
            )
                .into_response()
        }
    }
}

/// GET /metrics
pub async fn metrics(State(app): State<App>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response()
}
