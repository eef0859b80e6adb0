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
    let minutes = (session.expires_at - chrono::Utc::now()).num_minutes();
    assert!((14..=15).contains(&minutes), "15-minute access token, got {minutes}");
    let refresh = session.refresh_token.clone().expect("a refresh token");
    assert_eq!(refresh.len(), 64);
    assert_ne!(refresh, session.token);
    let days = (session.refresh_expires_at.expect("refresh expiry") - chrono::Utc::now()).num_days();
    assert!((29..=30).contains(&days), "30-day refresh token, got {days}");
    // Only hashes are stored.
    let conn = rusqlite::Connection::open(s.db_path()).unwrap();
    for (table, token) in [("tokens", &session.token), ("refresh_tokens", &refresh)] {
        let raw: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table} WHERE hash = ?1"), [token], |r| r.get(0))
            .unwrap();
        assert_eq!(raw, 0, "{table} holds a raw token");
    }

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

async fn login_session(s: &Server, login: &str) -> Session {
    let res = s
        .client
        .post(s.url("/api/v1/auth/login"))
        .json(&json!({"login": login, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn refresh(s: &Server, refresh_token: &str) -> reqwest::Response {
    s.client
        .post(s.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh_token}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn refresh_rotates_the_pair_and_the_old_refresh_token_is_used_up() {
    let s = Server::start().await;
    let first = login_session(&s, ALICE).await;
    let res = refresh(&s, first.refresh_token.as_deref().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second: Session = res.json().await.unwrap();
    assert_eq!(second.user, first.user);
    assert_ne!(second.token, first.token);
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(s.get(&second.token, "/api/v1/auth/me").await.status(), StatusCode::OK);
    // The first access token still works until it expires; the new pair refreshes again.
    assert_eq!(s.get(&first.token, "/api/v1/auth/me").await.status(), StatusCode::OK);
    let res = refresh(&s, second.refresh_token.as_deref().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let third: Session = res.json().await.unwrap();
    assert_eq!(s.get(&third.token, "/api/v1/auth/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_whole_family_and_no_other() {
    let s = Server::start().await;
    let stolen = login_session(&s, ALICE).await;
    let other_phone = login_session(&s, ALICE).await;
    let old_refresh = stolen.refresh_token.clone().unwrap();
    let rotated: Session = refresh(&s, &old_refresh).await.json().await.unwrap();
    // The used token comes back (a copy): 401, and the family ends.
    let body = error_body(refresh(&s, &old_refresh).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(body.error, ErrorCode::Unauthorized);
    assert!(body.message.contains("log in again"), "{}", body.message);
    error_body(s.get(&rotated.token, "/api/v1/auth/me").await, StatusCode::UNAUTHORIZED).await;
    error_body(s.get(&stolen.token, "/api/v1/auth/me").await, StatusCode::UNAUTHORIZED).await;
    error_body(refresh(&s, rotated.refresh_token.as_deref().unwrap()).await, StatusCode::UNAUTHORIZED).await;
    // Another login of the same account is another family: untouched.
    assert_eq!(s.get(&other_phone.token, "/api/v1/auth/me").await.status(), StatusCode::OK);
    assert_eq!(refresh(&s, other_phone.refresh_token.as_deref().unwrap()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_engineer_offline_past_the_access_token_refreshes_without_a_password() {
    let s = Server::start_with(|c| c.token_ttl = chrono::Duration::zero()).await;
    let session = login_session(&s, ALICE).await;
    error_body(s.get(&session.token, "/api/v1/auth/me").await, StatusCode::UNAUTHORIZED).await;
    let res = refresh(&s, session.refresh_token.as_deref().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_expired_and_logged_out_refresh_tokens_are_401() {
    let s = Server::start_with(|c| c.refresh_ttl = chrono::Duration::zero()).await;
    let expired = login_session(&s, ALICE).await;
    error_body(refresh(&s, expired.refresh_token.as_deref().unwrap()).await, StatusCode::UNAUTHORIZED).await;
    error_body(refresh(&s, "garbage").await, StatusCode::UNAUTHORIZED).await;
    error_body(refresh(&s, &"x".repeat(129)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = s.client.post(s.url("/api/v1/auth/refresh")).json(&json!({})).send().await.unwrap();
    error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;

    let s = Server::start().await;
    let session = login_session(&s, ALICE).await;
    let res = s.client.post(s.url("/api/v1/auth/logout")).bearer_auth(&session.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    error_body(refresh(&s, session.refresh_token.as_deref().unwrap()).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn over_long_logins_and_passwords_are_422_before_any_hashing() {
    let s = Server::start().await;
    for body in [
        json!({"login": "a".repeat(101), "password": "x"}),
        json!({"login": ALICE, "password": "x".repeat(1025)}),
    ] {
        let res = s.client.post(s.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
        assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.error, ErrorCode::Unprocessable);
    }
}

#[tokio::test]
async fn each_token_has_its_own_rate_limit_and_429_says_when_to_retry() {
    let s = Server::start_with(|c| {
        c.rate_limit = Some(onsite_server::ratelimit::RateLimit { per_second: 0.5, burst: 3 })
    })
    .await;
    let (alice, bob) = (s.login(ALICE).await, s.login(BOB).await);
    for _ in 0..3 {
        assert_eq!(s.get(&alice, "/api/v1/auth/me").await.status(), StatusCode::OK);
    }
    let res = s.get(&alice, "/api/v1/sync/pull").await;
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "retry after {retry}");
    let body = error_body(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body.error, ErrorCode::TooManyRequests);
    assert!(body.message.contains("retry after"), "{}", body.message);
    assert_eq!(s.get(&bob, "/api/v1/auth/me").await.status(), StatusCode::OK, "bob has his own bucket");
    // Logging in is not limited by a token, even one sent along.
    let res = s
        .client
        .post(s.url("/api/v1/auth/login"))
        .bearer_auth(&alice)
        .json(&json!({"login": ALICE, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = s.client.get(s.url("/api/v1/openapi.json")).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
