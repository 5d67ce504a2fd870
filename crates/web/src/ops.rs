//! Operations: health and readiness probes, Prometheus metrics, one log span per request.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::App;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Request counts and latencies by route.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, secs: f64) {
        let Ok(mut m) = self.routes.lock() else {
            return;
        };
        let s = m
            .entry((method.to_string(), route.to_string()))
            .or_default();
        *s.by_status.entry(status).or_default() += 1;
        s.count += 1;
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP dui_http_requests_total HTTP requests by route, method and status.\n# TYPE dui_http_requests_total counter\n");
        let Ok(m) = self.routes.lock() else {
            return out;
        };
        for ((method, route), s) in m.iter() {
            for (status, n) in &s.by_status {
                out.push_str(&format!("dui_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}\n"));
            }
        }
        out.push_str("# HELP dui_http_request_duration_seconds HTTP request latency by route.\n# TYPE dui_http_request_duration_seconds histogram\n");
        for ((method, route), s) in m.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (i, b) in BUCKETS.iter().enumerate() {
                out.push_str(&format!(
                    "dui_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}\n",
                    s.buckets[i]
                ));
            }
            out.push_str(&format!(
                "dui_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n",
                s.count
            ));
            out.push_str(&format!(
                "dui_http_request_duration_seconds_sum{{{labels}}} {}\n",
                s.sum
            ));
            out.push_str(&format!(
                "dui_http_request_duration_seconds_count{{{labels}}} {}\n",
                s.count
            ));
        }
        out
    }
}

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
