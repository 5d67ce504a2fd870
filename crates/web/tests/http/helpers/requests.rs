//! Requests as the tests make them: a bearer token and a path, one line per request, and the
//! usual readings of their answers (ids found by a search, audit entries by action).

use std::fmt::Display;

use dui_domain::policy::Role;
use dui_store::audit::{Entry, Filter};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde_json::Value;

use super::{client, TestApp, PASSWORD};

impl TestApp {
    /// A request to `path` with a bearer token (a fresh client: no cookies).
    fn bearer(&self, method: Method, token: impl Display, path: &str) -> RequestBuilder {
        Client::new()
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    /// `GET path` with a bearer token.
    pub async fn get(&self, token: impl Display, path: &str) -> Response {
        send(self.bearer(Method::GET, token, path)).await
    }

    /// `GET path` with a bearer token, expecting 200; returns the JSON body.
    pub async fn get_json(&self, token: impl Display, path: &str) -> Value {
        let r = self.get(token, path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.expect("json")
    }

    /// `POST path` with a bearer token and no body.
    pub async fn post(&self, token: impl Display, path: &str) -> Response {
        send(self.bearer(Method::POST, token, path)).await
    }

    /// `POST path` with a bearer token and a JSON body.
    pub async fn post_json<B: Serialize + ?Sized>(
        &self,
        token: impl Display,
        path: &str,
        body: &B,
    ) -> Response {
        send(self.bearer(Method::POST, token, path).json(body)).await
    }

    /// `PUT path` with a bearer token and a JSON body.
    pub async fn put_json<B: Serialize + ?Sized>(
        &self,
        token: impl Display,
        path: &str,
        body: &B,
    ) -> Response {
        send(self.bearer(Method::PUT, token, path).json(body)).await
    }

    /// `PUT path` with a bearer token, an `If-Match` header and a JSON body.
    pub async fn put_json_if<B: Serialize + ?Sized>(
        &self,
        token: impl Display,
        path: &str,
        if_match: &str,
        body: &B,
    ) -> Response {
        let rb = self.bearer(Method::PUT, token, path);
        send(rb.header("If-Match", if_match).json(body)).await
    }

    /// `DELETE path` with a bearer token.
    pub async fn delete(&self, token: impl Display, path: &str) -> Response {
        send(self.bearer(Method::DELETE, token, path)).await
    }

    /// `GET path` with `client` (a browser's cookies, or none).
    pub async fn get_with(&self, client: &Client, path: &str) -> Response {
        send(client.get(self.url(path))).await
    }

    /// `POST path` of a form with `client` (a browser's cookies).
    pub async fn post_form<F: Serialize + ?Sized>(
        &self,
        client: &Client,
        path: &str,
        form: &F,
    ) -> Response {
        send(client.post(self.url(path)).form(form)).await
    }

    /// Creates an usager through the API (201, version 1) and returns its id.
    pub async fn create_usager(&self, token: impl Display, body: &Value) -> i64 {
        let r = self.post_json(token, "/api/v1/usagers", body).await;
        let status = r.status();
        let v: Value = r.json().await.expect("json");
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["version"], 1, "{v}");
        v["id"].as_i64().expect("id")
    }

    /// Ids found by `GET /api/v1/usagers?q=`, in the order shown.
    pub async fn recherche(&self, token: impl Display, q: &str) -> Vec<i64> {
        let r = send(
            self.bearer(Method::GET, token, "/api/v1/usagers")
                .query(&[("q", q)]),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "recherche {q}");
        let v: Value = r.json().await.expect("json");
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_i64().expect("id"))
            .collect()
    }

    /// An account with a role in établissements; returns (id, bearer token).
    pub async fn account(&self, username: &str, role: Role, etabs: &[i64]) -> (i64, String) {
        let id = self.create_user(username, role, etabs).await;
        (id, self.token(username).await)
    }

    /// A browser-like client (cookies, no redirects) logged in as `username`.
    pub async fn browser(&self, username: &str) -> Client {
        let c = client();
        let r = self.login(&c, username, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "connexion de {username}");
        c
    }

    /// Audit entries matching `filter`, newest first, `limit` at most.
    pub async fn audit(&self, filter: &Filter, limit: i64) -> Vec<Entry> {
        self.db
            .store
            .audit_search(filter, limit)
            .await
            .expect("journal")
    }

    /// Audit entries of `action`, newest first, `limit` at most.
    pub async fn audit_of(&self, action: &str, limit: i64) -> Vec<Entry> {
        let filter = Filter {
            action: Some(action.into()),
            ..Filter::default()
        };
        self.audit(&filter, limit).await
    }

    /// The JSON details of the audit entries of `action`, oldest first.
    pub async fn audit_details(&self, action: &str) -> Vec<serde_json::Value> {
        let mut v: Vec<serde_json::Value> = self
            .audit_of(action, 1000)
            .await
            .iter()
            .map(|e| serde_json::from_str(&e.detail).expect("détail JSON"))
            .collect();
        v.reverse();
        v
    }
}

/// Sends a request; a transport error fails the test.
async fn send(rb: RequestBuilder) -> Response {
    rb.send().await.expect("requête")
}
