//! The server under attack: one request, one client or one password list must never stop
//! everyone else. Each test is named after what it proves, over real HTTP on a real database.

mod common;

use common::*;
use onsite_core::sync::PUSH_MAX;
use onsite_core::wire::{ErrorCode, EventBody};
use onsite_server::Connections;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Pushes `n` notes in pushes of [`PUSH_MAX`], from `seq` on.
async fn history(s: &Server, token: &str, job: onsite_core::JobId, device: onsite_core::DeviceId, n: u64) {
    let mut seq = 1;
    while seq <= n {
        let last = (seq + PUSH_MAX as u64 - 1).min(n);
        let events: Vec<_> = (seq..=last).map(|q| note(job, device, q)).collect();
        s.push_ok(token, device, &events).await;
        seq = last + 1;
    }
}

#[tokio::test]
async fn another_users_request_is_answered_while_a_big_push_holds_the_write_lock() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    history(&s, &alice, job.id, phone, 10_000).await;
    // 1,000 finishing events on a job that holds 10,000: each used to re-read the whole job.
    let finishing: Vec<_> = (10_001..=11_000)
        .map(|seq| event(job.id, phone, seq, EventBody::Completed { result: format!("done {seq}") }))
        .collect();

    // Someone else holds the write lock (a backup, another push): the big push must wait for
    // it, so it is certainly running while bob asks who he is.
    let mut other = rusqlite::Connection::open(s.db_path()).expect("open");
    let lock = other.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).expect("lock");
    let pushing = {
        let (url, client, token) = (s.url("/api/v1/sync/push"), s.client.clone(), alice.clone());
        let body = json!({"device_id": phone, "events": finishing});
        tokio::spawn(async move { client.post(url).bearer_auth(token).json(&body).send().await })
    };
    let mut slowest = Duration::ZERO;
    for _ in 0..50 {
        let started = Instant::now();
        let res = s.get(&bob, "/api/v1/auth/me").await;
        assert_eq!(res.status(), StatusCode::OK);
        slowest = slowest.max(started.elapsed());
        assert!(!pushing.is_finished(), "bob was answered while the push ran, not after it");
    }
    println!("slowest of 50 answers to bob during the push: {slowest:?}");
    lock.commit().expect("let go");
    let res = pushing.await.expect("push task").expect("push answer");
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap_or_default());
    let acked: Value = res.json().await.expect("acks");
    assert_eq!(acked["acked"].as_array().map(Vec::len), Some(1000));
    // What finishing raises is still raised: completed with every required step open.
    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.flags.len(), 1000);
    assert!(
        detail.flags[0].detail.starts_with("completed with required steps open"),
        "{}",
        detail.flags[0].detail
    );
}

#[tokio::test]
async fn wrong_passwords_meet_a_growing_wait_that_ends_and_the_right_one_then_works() {
    let s = Server::start().await;
    let wrong = json!({"login": ALICE, "password": "not it"});
    for _ in 0..5 {
        let res = s.client.post(s.url("/api/v1/auth/login")).json(&wrong).send().await.expect("login");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = s.client.post(s.url("/api/v1/auth/login")).json(&wrong).send().await.expect("login");
    let wait: u64 =
        res.headers()["retry-after"].to_str().ok().and_then(|v| v.parse().ok()).expect("Retry-After");
    let err = error_body(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(err.error, ErrorCode::TooManyRequests);
    assert!(err.message.contains("too many failed log-ins"), "{}", err.message);
    assert_eq!(wait, 1, "five free failures, then one second");
    // The right password is not heard during the wait either (it would tell a guesser it is right).
    let right = json!({"login": ALICE, "password": PASSWORD});
    let res = s.client.post(s.url("/api/v1/auth/login")).json(&right).send().await.expect("login");
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // Waiting what the server said is enough: no long lockout.
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let res = s.client.post(s.url("/api/v1/auth/login")).json(&right).send().await.expect("login");
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_hundred_simultaneous_logins_never_run_more_than_four_password_checks() {
    let s = Server::start().await;
    let logins = (0..100).map(|n| {
        let (url, client) = (s.url("/api/v1/auth/login"), s.client.clone());
        // Distinct unknown accounts: no account's failures slow them, only the cap.
        let body = json!({"login": format!("nobody{n}"), "password": "guess"});
        tokio::spawn(async move { client.post(url).json(&body).send().await.map(|r| r.status()) })
    });
    let mut statuses = Vec::new();
    for login in logins.collect::<Vec<_>>() {
        statuses.push(login.await.expect("task").expect("answer"));
    }
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    let (unauthorized, busy, limited) = (
        count(StatusCode::UNAUTHORIZED),
        count(StatusCode::SERVICE_UNAVAILABLE),
        count(StatusCode::TOO_MANY_REQUESTS),
    );
    println!("100 logins at once: {unauthorized} checked (401), {busy} busy (503), {limited} limited (429)");
    assert_eq!(unauthorized + busy + limited, 100, "nothing else, no 5xx but 503: {statuses:?}");
    assert!(unauthorized >= 4, "the cap lets some through");
    let peak = s.state.login_guard.peak_hashes();
    assert!((1..=onsite_server::login_guard::MAX_HASHES).contains(&peak), "{peak} password checks at once");
}

#[tokio::test]
async fn a_fresh_token_does_not_reset_the_accounts_rate_limit() {
    let s = Server::start_with(|c| {
        c.rate_limit = Some(onsite_server::ratelimit::RateLimit { per_second: 0.1, burst: 3 })
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let token = s.login(BOB).await;
        statuses.push(s.get(&token, "/api/v1/auth/me").await.status());
    }
    assert_eq!(&statuses[..3], &[StatusCode::OK; 3]);
    assert_eq!(&statuses[3..], &[StatusCode::TOO_MANY_REQUESTS; 3], "keyed on the account too");
}

/// A server whose clients may be slow for one second, with four connections at most.
async fn impatient() -> Server {
    Server::start_with(|c| {
        c.connections = Connections {
            header_read: Duration::from_secs(1),
            body_idle: Duration::from_secs(1),
            request: Duration::from_secs(5),
            max: 4,
        }
    })
    .await
}

/// Reads until the server closes the connection (or 10 s pass: then the test fails). Returns
/// what it sent.
async fn until_closed(mut socket: TcpStream) -> String {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut seen)).await;
    assert!(read.is_ok(), "the server kept a slow connection open");
    String::from_utf8_lossy(&seen).into_owned()
}

#[tokio::test]
async fn a_socket_that_sends_nothing_or_half_a_header_is_closed() {
    let s = impatient().await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let silent = TcpStream::connect(&addr).await.expect("connect");
    let mut half = TcpStream::connect(&addr).await.expect("connect");
    half.write_all(b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.expect("write");
    until_closed(silent).await;
    until_closed(half).await;
}

#[tokio::test]
async fn half_a_body_is_cut_off() {
    let s = impatient().await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut socket = TcpStream::connect(&addr).await.expect("connect");
    socket
        .write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"login\":")
        .await
        .expect("write");
    let answer = until_closed(socket).await;
    assert!(!answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let s = impatient().await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut socket = TcpStream::connect(&addr).await.expect("connect");
    socket.write_all(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    let answer = until_closed(socket).await;
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "answered first: {}",
        answer.lines().next().unwrap_or_default()
    );
}

#[tokio::test]
async fn past_the_connection_limit_a_request_waits_for_a_slow_one_to_be_cut_off() {
    let s = impatient().await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(&addr).await.expect("connect"));
    }
    // Every slot is taken by a silent socket; the request gets one when the first is cut off.
    let res = tokio::time::timeout(Duration::from_secs(10), reqwest::get(s.url("/api/v1/openapi.json")))
        .await
        .expect("answered once a slot was freed")
        .expect("answer");
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn another_engineers_job_is_404_like_one_that_does_not_exist() {
    let s = Server::start().await;
    let (desk, bob) = (s.login(DISPATCHER).await, s.login(BOB).await);
    let alices = s.create_job(&desk, Some(ALICE)).await;
    let theirs =
        error_body(s.get(&bob, &format!("/api/v1/jobs/{}", alices.id)).await, StatusCode::NOT_FOUND).await;
    let nobodys = error_body(
        s.get(&bob, &format!("/api/v1/jobs/{}", uuid::Uuid::new_v4())).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(theirs, nobodys, "the answer does not tell that the job exists");
}

#[tokio::test]
async fn the_role_is_checked_before_the_body_is_read() {
    let s = Server::start().await;
    let (alice, desk) = (s.login(ALICE).await, s.login(DISPATCHER).await);
    let job = s.create_job(&desk, None).await;
    let garbage = "{\"kind\": 5, not json";
    for (method, path, token) in [
        ("POST", "/api/v1/jobs".to_string(), &alice),
        ("PUT", format!("/api/v1/jobs/{}/assignee", job.id), &alice),
        ("PUT", "/api/v1/parts/ONT".to_string(), &alice),
        ("POST", "/api/v1/engineers/alice/van".to_string(), &alice),
        ("POST", "/api/v1/sync/push".to_string(), &desk),
    ] {
        let req = s.client.request(method.parse().expect("method"), s.url(&path)).bearer_auth(token);
        let res = req.header("content-type", "application/json").body(garbage).send().await.expect("send");
        let err = error_body(res, StatusCode::FORBIDDEN).await;
        assert!(err.message.contains("role"), "{method} {path}: {}", err.message);
    }
}

#[tokio::test]
async fn errors_speak_json_not_rust_and_the_wrong_content_type_is_415() {
    let s = Server::start().await;
    let alice = s.login(ALICE).await;
    for body in [
        json!(5),
        json!({"device_id": 5, "events": []}),
        json!({"device_id": device(), "events": [{"seq": "x"}]}),
        json!({"device_id": device(), "events": {}}),
    ] {
        let err =
            error_body(s.post(&alice, "/api/v1/sync/push", &body).await, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        for rust in ["struct", "PushRequest", "EventWire", "u64", "target type", "a sequence"] {
            assert!(!err.message.contains(rust), "{rust} in {:?}", err.message);
        }
    }
    let res = s
        .client
        .post(s.url("/api/v1/sync/push"))
        .bearer_auth(&alice)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("send");
    let err = error_body(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert_eq!(err.error, ErrorCode::UnsupportedMediaType);
}

#[tokio::test]
async fn the_app_is_served_with_a_content_security_policy_and_no_sniffing() {
    let dir = tempfile::tempdir().expect("dir");
    let loader = "import('/onsite-0123456789abcdef.js');";
    std::fs::write(
        dir.path().join("index.html"),
        format!("<html><head><style>body{{margin:0}}</style><script type=\"module\">{loader}</script></head></html>"),
    )
    .expect("index");
    let static_dir = dir.path().to_path_buf();
    let s = Server::start_with(move |c| c.static_dir = Some(static_dir)).await;
    for path in ["/", "/index.html", "/jobs/123"] {
        let res = s.client.get(s.url(path)).send().await.expect("get");
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let header = |name: &str| {
            res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
        };
        let csp = header("content-security-policy");
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
    }
    let api = s.client.get(s.url("/api/v1/openapi.json")).send().await.expect("get");
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
}
