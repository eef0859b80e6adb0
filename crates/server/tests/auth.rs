//! Accounts and sessions over real HTTP: login, me, logout, and every way a token fails.

mod common;

use common::*;
use onsite_core::wire::{ErrorCode, Role, Session, User};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn login_returns_a_session_and_me_names_the_user() {
    let s = Server::start().await;
    let res = s
        .client
        .post(s.url("/api/v1/auth/login"))
        .json(&json!({"login": ALICE, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let session: Session = res.json().await.unwrap();
    assert_eq!(session.user.login, ALICE);
    assert_eq!(session.user.role, Role::Engineer);
    assert_eq!(session.token.len(), 64);
    let days = (session.expires_at - chrono::Utc::now()).num_days();
    assert!((29..=30).contains(&days), "30-day session, got {days}");

    let res = s.get(&session.token, "/api/v1/auth/me").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let me: User = res.json().await.unwrap();
    assert_eq!(me, session.user);
}

#[tokio::test]
async fn wrong_password_and_unknown_login_get_the_same_401() {
    let s = Server::start().await;
    let try_login = |login: &'static str, password: &'static str| {
        let req =
            s.client.post(s.url("/api/v1/auth/login")).json(&json!({"login": login, "password": password}));
        async move { req.send().await.unwrap() }
    };
    let wrong = error_body(try_login(ALICE, "wrong").await, StatusCode::UNAUTHORIZED).await;
    let unknown = error_body(try_login("nobody", PASSWORD).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(wrong.error, ErrorCode::Unauthorized);
    assert_eq!(wrong, unknown, "the answer must not tell which was wrong");
}

#[tokio::test]
async fn logout_revokes_only_that_token() {
    let s = Server::start().await;
    let first = s.login(ALICE).await;
    let second = s.login(ALICE).await;
    let res = s.client.post(s.url("/api/v1/auth/logout")).bearer_auth(&first).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let body = error_body(s.get(&first, "/api/v1/auth/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(body.error, ErrorCode::Unauthorized);
    assert_eq!(s.get(&second, "/api/v1/auth/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn missing_garbage_and_malformed_tokens_are_401_json() {
    let s = Server::start().await;
    let res = s.client.get(s.url("/api/v1/auth/me")).send().await.unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    error_body(res, StatusCode::UNAUTHORIZED).await;
    error_body(s.get("garbage", "/api/v1/auth/me").await, StatusCode::UNAUTHORIZED).await;
    let res = s
        .client
        .get(s.url("/api/v1/auth/me"))
        .header("authorization", "Basic YWxpY2U6eA==")
        .send()
        .await
        .unwrap();
    error_body(res, StatusCode::UNAUTHORIZED).await;
    let res =
        s.client.get(s.url("/api/v1/sync/pull")).header("authorization", "Bearer ").send().await.unwrap();
    error_body(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn an_expired_token_is_401() {
    let s = Server::start_with(|c| c.token_ttl = chrono::Duration::zero()).await;
    let token = s.login(ALICE).await;
    let body = error_body(s.get(&token, "/api/v1/auth/me").await, StatusCode::UNAUTHORIZED).await;
    assert!(body.message.contains("log in again"), "{}", body.message);
}

#[tokio::test]
async fn roles_are_enforced_with_403() {
    let s = Server::start().await;
    let alice = s.login(ALICE).await;
    let desk = s.login(DISPATCHER).await;
    let forbidden = s.post(&alice, "/api/v1/jobs", &new_job(Some(ALICE))).await;
    assert_eq!(error_body(forbidden, StatusCode::FORBIDDEN).await.error, ErrorCode::Forbidden);
    error_body(s.get(&alice, "/api/v1/jobs").await, StatusCode::FORBIDDEN).await;
    error_body(s.get(&alice, "/api/v1/engineers").await, StatusCode::FORBIDDEN).await;
    let job = s.create_job(&desk, None).await;
    let res = s.put(&alice, &format!("/api/v1/jobs/{}/assignee", job.id), &json!({"assignee": ALICE})).await;
    error_body(res, StatusCode::FORBIDDEN).await;
    // Sync is the engineer's.
    error_body(s.get(&desk, "/api/v1/sync/pull").await, StatusCode::FORBIDDEN).await;
    let res = s.post(&desk, "/api/v1/sync/push", &json!({"device_id": device(), "events": []})).await;
    error_body(res, StatusCode::FORBIDDEN).await;
}
