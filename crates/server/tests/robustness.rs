//! Bad input never gets a 5xx or a non-JSON answer; data survives a restart; the OpenAPI
//! document and the static app are served.

mod common;

use common::*;
use onsite_core::wire::{ErrorCode, EventBody, RejectCode};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn malformed_or_mistyped_bodies_are_4xx_json() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let push = s.url("/api/v1/sync/push");

    let raw = |body: &'static str| {
        s.client.post(&push).bearer_auth(&alice).header("content-type", "application/json").body(body).send()
    };
    let malformed = error_body(raw("{\"device_id\": ").await.unwrap(), StatusCode::BAD_REQUEST).await;
    assert_eq!(malformed.error, ErrorCode::BadRequest);

    let wrong_type = s.post(&alice, "/api/v1/sync/push", &json!({"device_id": device(), "events": 7})).await;
    assert_eq!(
        error_body(wrong_type, StatusCode::UNPROCESSABLE_ENTITY).await.error,
        ErrorCode::Unprocessable
    );

    let missing_field = s.post(&alice, "/api/v1/sync/push", &json!({"events": []})).await;
    error_body(missing_field, StatusCode::UNPROCESSABLE_ENTITY).await;

    let bad_uuid =
        s.post(&alice, "/api/v1/sync/push", &json!({"device_id": "not-a-uuid", "events": []})).await;
    error_body(bad_uuid, StatusCode::UNPROCESSABLE_ENTITY).await;

    let mut ev = serde_json::to_value(note(job.id, device(), 1)).unwrap();
    ev["type"] = json!("teleported");
    let unknown_type =
        s.post(&alice, "/api/v1/sync/push", &json!({"device_id": device(), "events": [ev]})).await;
    error_body(unknown_type, StatusCode::UNPROCESSABLE_ENTITY).await;

    let no_content_type = s.client.post(&push).bearer_auth(&alice).body("{}").send().await.unwrap();
    // A body without the JSON content type: 415, not a parser's complaint.
    let err = error_body(no_content_type, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert_eq!(err.error, onsite_core::wire::ErrorCode::UnsupportedMediaType);

    let bad_login =
        s.client.post(s.url("/api/v1/auth/login")).json(&json!({"login": 1})).send().await.unwrap();
    error_body(bad_login, StatusCode::UNPROCESSABLE_ENTITY).await;

    error_body(s.get(&desk, "/api/v1/jobs/not-a-uuid").await, StatusCode::BAD_REQUEST).await;
    let bad_path = s.put(&desk, "/api/v1/jobs/123/assignee", &json!({"assignee": ALICE})).await;
    error_body(bad_path, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn an_empty_reason_is_refused_as_invalid_naming_the_event() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    let bad = event(job.id, phone, 1, EventBody::CouldNotComplete { reason: "  ".into() });
    let body =
        error_body(s.push(&alice, phone, std::slice::from_ref(&bad)).await, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert_eq!((body.events[0].id, body.events[0].code), (bad.id, RejectCode::Invalid));
    assert!(body.events[0].message.contains("reason"), "{}", body.events[0].message);
    let zero = note(job.id, phone, 0);
    let body = error_body(s.push(&alice, phone, &[zero]).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.events[0].code, RejectCode::Invalid);
}

#[tokio::test]
async fn a_two_mib_body_is_413_json() {
    let s = Server::start().await;
    let alice = s.login(ALICE).await;
    let big = json!({"device_id": device(), "events": [], "padding": "x".repeat(2 * 1024 * 1024)});
    let body =
        error_body(s.post(&alice, "/api/v1/sync/push", &big).await, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(body.error, ErrorCode::PayloadTooLarge);
}

#[tokio::test]
async fn unknown_api_routes_and_methods_answer_json() {
    let s = Server::start().await;
    let alice = s.login(ALICE).await;
    let body = error_body(s.get(&alice, "/api/v1/nothing/here").await, StatusCode::NOT_FOUND).await;
    assert_eq!(body.error, ErrorCode::NotFound);
    error_body(s.get(&alice, "/api").await, StatusCode::NOT_FOUND).await;
    let res = s.client.delete(s.url("/api/v1/jobs")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = res.json().await.unwrap();
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn data_survives_a_restart() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    let e = note(job.id, phone, 1);
    let ack = s.push_ok(&alice, phone, std::slice::from_ref(&e)).await.acked;
    let before = s.detail(&desk, job.id).await;

    let s = s.restart().await;
    // The session, the job, the event and the device binding are all still there. (The report
    // is computed at each read: its SLA clocks run on.)
    let after = s.detail(&desk, job.id).await;
    assert_eq!(
        (&after.job, after.status, &after.events, &after.flags),
        (&before.job, before.status, &before.events, &before.flags)
    );
    let replay = s.push_ok(&alice, phone, &[e]).await.acked;
    assert!(replay[0].duplicate);
    assert_eq!(replay[0].received_at, ack[0].received_at);
    let bob = s.login(BOB).await;
    let body = error_body(s.push(&bob, phone, &[note(job.id, phone, 2)]).await, StatusCode::FORBIDDEN).await;
    assert_eq!(body.events[0].code, RejectCode::ForeignDevice);
    // Change numbers go on from where they were.
    let next = s.create_job(&desk, None).await;
    assert!(next.rev > after.job.rev);
}

#[tokio::test]
async fn the_openapi_document_is_served() {
    let s = Server::start().await;
    let res = s.client.get(s.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in
        ["/api/v1/auth/login", "/api/v1/sync/push", "/api/v1/sync/pull", "/api/v1/jobs", "/api/v1/jobs/{id}"]
    {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn the_app_is_served_with_spa_fallback_and_cache_headers() {
    let static_dir = tempfile::tempdir().unwrap();
    let index = "<!doctype html><title>Onsite</title>";
    std::fs::write(static_dir.path().join("index.html"), index).unwrap();
    std::fs::write(static_dir.path().join("sw.js"), "self.addEventListener('fetch', () => {});").unwrap();
    let wasm_name = "onsite-1a2b3c4d5e6f7a8b_bg.wasm";
    std::fs::write(static_dir.path().join(wasm_name), vec![0u8; 4096]).unwrap();
    let js = format!("console.log('{}');", "onsite ".repeat(500));
    std::fs::write(static_dir.path().join("onsite-1a2b3c4d5e6f7a8b.js"), &js).unwrap();
    let dir = static_dir.path().to_path_buf();
    let s = Server::start_with(move |c| c.static_dir = Some(dir)).await;
    let get = |path: &'static str| s.client.get(s.url(path)).send();

    for route in ["/", "/jobs/123", "/login", "/index.html"] {
        let res = get(route).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{route}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{route}");
        assert_eq!(res.text().await.unwrap(), index, "{route}");
    }
    let res = get("/sw.js").await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-cache");

    let res = get("/onsite-1a2b3c4d5e6f7a8b_bg.wasm").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");

    // A missing asset is a 404, never index.html under an immutable header.
    let res = get("/onsite-0000000000000000_bg.wasm").await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["cache-control"], "no-cache");

    // The API still answers JSON, and unknown API paths do not fall back to the app.
    error_body(get("/api/v1/nothing").await.unwrap(), StatusCode::NOT_FOUND).await;

    let res = s
        .client
        .get(s.url("/onsite-1a2b3c4d5e6f7a8b.js"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(res.bytes().await.unwrap().len() < js.len());
}

#[tokio::test]
async fn files_compressed_by_the_build_are_sent_as_they_are() {
    let static_dir = tempfile::tempdir().unwrap();
    let p = static_dir.path();
    std::fs::write(p.join("index.html"), "<!doctype html><title>Onsite</title>").unwrap();
    std::fs::write(p.join("index.html.br"), b"index-as-br").unwrap();
    let wasm = "onsite-1a2b3c4d5e6f7a8b_bg.wasm";
    std::fs::write(p.join(wasm), vec![0u8; 4096]).unwrap();
    // Stand-ins for the build's brotli and gzip files: the server must send these bytes untouched.
    std::fs::write(p.join(format!("{wasm}.br")), b"wasm-as-br").unwrap();
    std::fs::write(p.join(format!("{wasm}.gz")), b"wasm-as-gz").unwrap();
    let dir = p.to_path_buf();
    let s = Server::start_with(move |c| c.static_dir = Some(dir)).await;
    let get = |path: String, accept: &'static str| {
        s.client.get(s.url(&path)).header("accept-encoding", accept).send()
    };
    let path = format!("/{wasm}");
    // (accept-encoding, content-encoding sent, body)
    let cases: [(&str, Option<&str>, &[u8]); 3] = [
        ("br, gzip", Some("br"), b"wasm-as-br"),
        ("gzip", Some("gzip"), b"wasm-as-gz"),
        ("identity", None, &[0u8; 4096]),
    ];
    for (accept, encoding, body) in cases {
        let res = get(path.clone(), accept).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accept}");
        assert_eq!(res.headers()["content-type"], "application/wasm", "{accept}");
        assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable", "{accept}");
        assert_eq!(res.headers().get("content-encoding").and_then(|v| v.to_str().ok()), encoding, "{accept}");
        assert_eq!(&res.bytes().await.unwrap()[..], body, "{accept}");
    }
    // The app's routes get index.html, compressed ahead too.
    let res = get("/jobs/123".into(), "br").await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(&res.bytes().await.unwrap()[..], b"index-as-br");
}

#[tokio::test]
async fn the_desk_console_is_its_own_app_under_desk() {
    let static_dir = tempfile::tempdir().unwrap();
    let p = static_dir.path();
    let phone = "<!doctype html><title>Onsite</title><script>phone()</script>";
    let desk = "<!doctype html><title>Onsite 服务台</title><script>desk()</script>";
    std::fs::write(p.join("index.html"), phone).unwrap();
    std::fs::create_dir(p.join("desk")).unwrap();
    std::fs::write(p.join("desk/index.html"), desk).unwrap();
    let css = "desk/style-1a2b3c4d5e6f7a8b.css";
    std::fs::write(p.join(css), "body{}").unwrap();
    let dir = p.to_path_buf();
    let s = Server::start_with(move |c| c.static_dir = Some(dir)).await;
    let get = |path: String| s.client.get(s.url(&path)).send();
    let policy = |html: &str| onsite_server::static_files::content_security_policy(html);

    // The console's routes get its own page and its own policy (its inline loader, not the phone's).
    for route in ["/desk", "/desk/", "/desk/login", "/desk/accounts"] {
        let res = get(route.into()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{route}");
        assert_eq!(res.headers()["content-security-policy"], policy(desk).as_str(), "{route}");
        assert_eq!(res.text().await.unwrap(), desk, "{route}");
    }
    // The phone's routes are the phone's, a console's file is the console's, and a missing one 404s.
    for route in ["/", "/login", "/jobs/123", "/deskish"] {
        let res = get(route.into()).await.unwrap();
        assert_eq!(res.headers()["content-security-policy"], policy(phone).as_str(), "{route}");
        assert_eq!(res.text().await.unwrap(), phone, "{route}");
    }
    let res = get(format!("/{css}")).await.unwrap();
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(
        get("/desk/missing-0000000000000000.css".into()).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
