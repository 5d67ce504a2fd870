//! The usager's photo through the API and the file page: formats, sizes, metadata, rights,
//! audit, CSRF on the upload form.

use dui_domain::policy::Role;
use dui_store::audit::Filter;
use dui_store::testing::engines;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{client, csrf_from, error_body, html, message, person, spawn_app, TestApp};

/// A small JPEG whose EXIF block holds the place it was taken.
pub(crate) fn jpeg_with_gps() -> Vec<u8> {
    let segment = |marker: u8, payload: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    };
    let mut exif = b"Exif\0\0MM\0\x2A\0\0\0\x08\0\x01".to_vec();
    exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    exif.extend_from_slice(b"GPS 45.7640N 4.8357E iPhone");
    let mut j = vec![0xFF, 0xD8];
    j.extend(segment(0xE1, &exif));
    j.extend(segment(0xDB, &[0; 65]));
    j.extend(segment(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
    j.extend_from_slice(&[0x12, 0x34, 0x56, 0xFF, 0xD9]);
    j
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Creates an usager through the API; returns its id.
async fn usager(app: &TestApp, token: &str) -> i64 {
    let body = person(
        "Dupont",
        &["Hélène"],
        "1938-04-12",
        "F",
        &app.etablissement_finess,
    );
    app.create_usager(token, &body).await
}

async fn put(app: &TestApp, token: &str, id: i64, body: Vec<u8>) -> reqwest::Response {
    client()
        .put(app.url(&format!("/api/v1/usagers/{id}/photo")))
        .bearer_auth(token)
        .header("content-type", "image/jpeg")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn get(app: &TestApp, token: &str, id: i64) -> reqwest::Response {
    app.get(token, &format!("/api/v1/usagers/{id}/photo")).await
}

#[tokio::test]
async fn photo_is_stored_without_metadata_for_those_allowed() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let etab = [app.etablissement_id];
        app.create_user("secr", Role::Secretariat, &etab).await;
        app.create_user("educ", Role::Educateur, &etab).await;
        app.create_user("autre", Role::Secretariat, &[]).await;
        let secr = app.token("secr").await;
        let educ = app.token("educ").await;
        let id = usager(&app, &secr).await;
        assert_eq!(get(&app, &secr, id).await.status(), StatusCode::NOT_FOUND);

        // Stored without the place it was taken; the orientation stays.
        let r = put(&app, &secr, id, jpeg_with_gps()).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let saved: Value = r.json().await.unwrap();
        assert_eq!(saved["type"], "image/jpeg");
        let r = get(&app, &educ, id).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{engine}: lecture de l'administratif"
        );
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        assert_eq!(r.headers()["cache-control"], "private, no-store");
        let body = r.bytes().await.unwrap();
        assert!(
            !contains(&body, b"GPS") && !contains(&body, b"iPhone"),
            "{engine}"
        );
        assert!(contains(&body, b"Exif") && body.ends_with(&[0x12, 0x34, 0x56, 0xFF, 0xD9]));
        assert_eq!(body.len() as i64, saved["octets"].as_i64().unwrap());

        // Refusals: format, damage, size; each with its status and a French message.
        let err = error_body(
            put(&app, &secr, id, b"GIF89a\x01\x00".to_vec()).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "format_non_pris_en_charge",
        )
        .await;
        assert!(message(&err).contains("JPEG et PNG"), "{err}");
        let err = error_body(
            put(&app, &secr, id, jpeg_with_gps()[..30].to_vec()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(err["fields"]["photo"]
            .as_str()
            .unwrap()
            .contains("endommagé"));
        let mut big = jpeg_with_gps();
        big.resize(2 * 1024 * 1024 + 1, 0);
        let err = error_body(
            put(&app, &secr, id, big).await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "trop_volumineux",
        )
        .await;
        assert!(message(&err).contains("2 Mo au plus"), "{err}");
        let huge = vec![0xFF; 4 * 1024 * 1024];
        let r = put(&app, &secr, id, huge).await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{engine}");
        // Nothing of the refused ones was kept.
        let still = get(&app, &secr, id).await.bytes().await.unwrap();
        assert_eq!(still, body);

        // Rights: an educator reads but does not change it; another établissement sees nothing.
        assert_eq!(
            put(&app, &educ, id, jpeg_with_gps()).await.status(),
            StatusCode::FORBIDDEN
        );
        let autre = app.token("autre").await;
        assert_eq!(get(&app, &autre, id).await.status(), StatusCode::FORBIDDEN);

        // Audited: the change with the file, the reads of the image, the refusals.
        let entries = app
            .audit(
                &Filter {
                    usager_id: Some(id),
                    ..Filter::default()
                },
                200,
            )
            .await;
        let count = |action: &str, who: &str| {
            entries
                .iter()
                .filter(|e| e.action == action && e.username == who)
                .count()
        };
        assert_eq!(count("usager.photo.modification", "secr"), 1, "{engine}");
        assert!(count("usager.lecture", "educ") >= 1);
        assert!(entries
            .iter()
            .any(|e| e.username == "autre" && e.outcome == "refus"));

        // Removed through the API.
        let del = |t: String| {
            let url = app.url(&format!("/api/v1/usagers/{id}/photo"));
            async move { client().delete(url).bearer_auth(t).send().await.unwrap() }
        };
        assert_eq!(del(secr.clone()).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(get(&app, &secr, id).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(del(secr.clone()).await.status(), StatusCode::NOT_FOUND);
        app.stop().await;
    }
}

#[tokio::test]
async fn file_page_shows_the_photo_and_its_form_needs_the_csrf_token() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        app.create_user("secr", Role::Secretariat, &[app.etablissement_id])
            .await;
        let secr = app.token("secr").await;
        let id = usager(&app, &secr).await;
        let c = app.browser("secr").await;
        let page = format!("/usagers/{id}");
        let csrf = csrf_from(&app, &c, &page).await;
        let form = |token: Option<&str>| {
            let mut f = Form::new();
            if let Some(t) = token {
                f = f.text("_csrf", t.to_string());
            }
            f.part(
                "photo",
                Part::bytes(jpeg_with_gps())
                    .file_name("portrait.jpg")
                    .mime_str("image/jpeg")
                    .unwrap(),
            )
        };
        let url = app.url(&format!("/usagers/{id}/photo"));
        // Without the token: refused, nothing stored.
        let r = c.post(&url).multipart(form(None)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        assert_eq!(get(&app, &secr, id).await.status(), StatusCode::NOT_FOUND);
        let r = c
            .post(&url)
            .multipart(form(Some("faux-jeton")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // With it: stored, back to the file with a message, the header shows the image.
        let r = c
            .post(&url)
            .multipart(form(Some(&csrf)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(r.headers()["location"], format!("/usagers/{id}?fait=photo"));
        let shown = html(&app, &c, &format!("/usagers/{id}?fait=photo")).await;
        assert!(shown.contains("La photo a été enregistrée."), "{engine}");
        assert!(shown.contains(&format!("src=\"/usagers/{id}/photo?v=")));
        assert!(shown.contains("alt=\"Photo de"));
        assert!(shown.contains("Retirer la photo"));
        let img = app.get_with(&c, &format!("/usagers/{id}/photo")).await;
        assert_eq!(img.status(), StatusCode::OK);
        assert!(!contains(&img.bytes().await.unwrap(), b"GPS"));
        // Removed from the page.
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{id}/photo/suppression"),
                &[("_csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            !html(&app, &c, &page).await.contains("alt=\"Photo de"),
            "{engine}"
        );
        app.stop().await;
    }
}
