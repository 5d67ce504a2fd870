//! A local server speaking the INSi SOAP protocol, backed by fictitious
//! fixtures, for tests and for the demo mode. Never use it in production.
//!
//! It is as strict as the service: every request is checked against the
//! WSDL and the schemas (`ContexteBAM` and `ContexteLPS` present and well
//! formed, only the header blocks the WSDL declares, the body of the
//! operation named by the action, traits in the service's alphabet) and
//! refused with the service's SOAP fault format (HTTP 500, `Code`
//! Sender/Receiver, `siram_*` subcode, `Detail/siram:Erreur@code`).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::soap::{self, Fault};
use super::InsIdentity;

mod fixtures;

pub use fixtures::{demo_fixtures, FixtureInsi};

const SOAP_CONTENT_TYPE: &str = "application/soap+xml; charset=utf-8";

fn soap_response(status: StatusCode, xml: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(SOAP_CONTENT_TYPE),
        )],
        xml,
    )
        .into_response()
}

/// Faults are answered with HTTP 500, as the service does.
fn fault_response(fault: &Fault, message_id: Option<&str>) -> Response {
    tracing::debug!(reason = %fault.reason, "INSi simulator: fault");
    soap_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        soap::build_fault(fault, message_id),
    )
}

/// The `action` parameter of a `Content-Type` header, if any.
fn content_type_action(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("action")
            .then(|| value.trim().trim_matches('"'))
    })
}

async fn handle(
    State(insi): State<Arc<FixtureInsi>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, HeaderValue::from_static("POST"))],
            "Méthode non autorisée : POST attendu",
        )
            .into_response();
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("application/soap+xml")
    {
        return fault_response(
            &Fault::invalide("type de contenu invalide : application/soap+xml attendu (SOAP 1.2)"),
            None,
        );
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return fault_response(&Fault::invalide("requête non encodée en UTF-8"), None);
    };
    let request = match soap::parse_request(text, content_type_action(content_type)) {
        Ok(r) => r,
        Err(fault) => return fault_response(&fault, None),
    };
    let outcome = insi.search(&request.traits);
    tracing::debug!(%outcome, "INSi simulator: search");
    soap_response(StatusCode::OK, soap::build_search_response(&outcome))
}

/// An axum router answering INSi SOAP requests on any path (`POST`).
pub fn router(fixtures: Vec<InsIdentity>) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(Arc::new(FixtureInsi::new(fixtures)))
}

/// Serves [`router`] on `127.0.0.1` with an OS-chosen port. Returns the bound
/// address (see [`endpoint_url`]) and the server task (abort it to stop).
pub async fn spawn_simulator(
    fixtures: Vec<InsIdentity>,
) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let app = router(fixtures);
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "INSi simulator stopped");
        }
    });
    tracing::info!(%addr, "INSi simulator listening");
    Ok((addr, handle))
}

/// The endpoint URL to configure in the client for a simulator bound to
/// `addr` (the path mimics the real `/lps`).
pub fn endpoint_url(addr: SocketAddr) -> String {
    format!("http://{addr}/lps")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_action_param() {
        assert_eq!(
            content_type_action(r#"application/soap+xml; charset=utf-8; action="urn:x""#),
            Some("urn:x")
        );
        assert_eq!(content_type_action("application/soap+xml"), None);
    }
}
