//! Authorization of every endpoint, over real HTTP. The route list comes from the served OpenAPI
//! document, so a new route cannot escape: a route with no case here fails the test.
//!
//! For every operation: with no token, a garbage token and an expired token, a route that needs
//! a token answers 401 (never 2xx); then each identity (engineer alice, engineer bob, the
//! dispatcher, the manager, the admin) gets exactly the status its roles and ownership allow:
//! 403 for other roles' routes and for another engineer's job, device or van, 404 for what does
//! not exist.

mod common;

use common::*;
use onsite_core::JobId;
use onsite_core::wire::{ErrorCode, EventBody, RejectCode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The routes that need no token; every other route must declare `security` and answer 401.
const PUBLIC: [&str; 3] =
    ["POST /api/v1/auth/login", "POST /api/v1/auth/refresh", "GET /api/v1/openapi.json"];

struct World {
    s: Server,
    desk: String,
    manager: String,
    admin: String,
    alice: String,
    bob: String,
    alices_job: JobId,
    bobs_job: JobId,
    /// In the queue, dispatched to no one.
    queued_job: JobId,
}

impl World {
    async fn new() -> World {
        let s = Server::start().await;
        let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
        let alices_job = s.create_job(&desk, Some(ALICE)).await.id;
        let bobs_job = s.create_job(&desk, Some(BOB)).await.id;
        let queued_job = s.create_job(&desk, None).await.id;
        s.put_part(&desk, "P1", false).await;
        let (manager, admin) = (s.login(MANAGER).await, s.login(ADMIN).await);
        World { s, desk, manager, admin, alice, bob, alices_job, bobs_job, queued_job }
    }

    async fn call(
        &self,
        method: &Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> StatusCode {
        let mut req = self.s.client.request(method.clone(), self.s.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        if !status.is_success() {
            let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(ct.starts_with("application/json"), "{method} {path}: {status} is not JSON ({ct})");
        }
        status
    }

    /// Expects `status` for `who` (a token) on one request.
    async fn expect(&self, who: &str, method: &Method, path: &str, body: Option<&Value>, status: StatusCode) {
        let got = self.call(method, path, Some(who), body).await;
        let name = self.name(who);
        assert_eq!(got, status, "{name}: {method} {path}");
    }

    fn name(&self, token: &str) -> &'static str {
        if token == self.desk {
            "desk"
        } else if token == self.manager {
            "manager"
        } else if token == self.admin {
            "admin"
        } else if token == self.alice {
            "alice"
        } else if token == self.bob {
            "bob"
        } else {
            "someone"
        }
    }

    /// The route's template with its parameters filled in (alice's job, alice, part P1).
    fn concrete(&self, template: &str) -> String {
        template
            .replace("{id}", &self.alices_job.to_string())
            .replace("{login}", ALICE)
            .replace("{sku}", "P1")
    }

    /// A valid body for the route, so that a refusal is about who asks, not what is sent.
    fn body(&self, key: &str) -> Option<Value> {
        match key {
            "POST /api/v1/auth/login" => Some(json!({"login": ALICE, "password": PASSWORD})),
            "POST /api/v1/auth/refresh" => Some(json!({"refresh_token": "0".repeat(64)})),
            "POST /api/v1/sync/push" => Some(json!({"device_id": device(), "events": []})),
            "POST /api/v1/jobs" => Some(new_job(Some(ALICE))),
            "PUT /api/v1/jobs/{id}/assignee" => Some(json!({"assignee": ALICE})),
            "PUT /api/v1/jobs/{id}/appointment" => Some(json!({"appointment": null, "reason": "用户改约"})),
            "POST /api/v1/jobs/{id}/cancel" => Some(json!({"reason": "用户撤单"})),
            "POST /api/v1/jobs/{id}/alongside" => Some(json!({"engineer": BOB, "reason": "需要高级工程师"})),
            "POST /api/v1/assessment/decisions" => Some(
                json!({"key": format!("{}:contact:alice:0", self.alices_job), "upheld": false, "reason": "经核实，用户电话关机"}),
            ),
            "POST /api/v1/jobs/{id}/notes" => Some(json!({"action": "note", "text": "用户来电催单"})),
            "POST /api/v1/engineers/{login}/van" => Some(json!({"part": "P1", "qty": 1})),
            "PUT /api/v1/parts/{sku}" => {
                Some(json!({"sku": "P1", "zh": "配件", "en": "Part", "serialised": false}))
            }
            "POST /api/v1/auth/password" => {
                Some(json!({"current": "not the password", "new": "a-new-password"}))
            }
            "POST /api/v1/accounts" => {
                Some(json!({"login": "new.one", "name": "新人", "roles": ["engineer"],
                "password": "initial-2026"}))
            }
            "PUT /api/v1/accounts/{login}" => Some(json!({"name": "王芳", "roles": ["engineer"]})),
            "PUT /api/v1/accounts/{login}/disabled" => Some(json!({"disabled": false})),
            "PUT /api/v1/accounts/{login}/password" => Some(json!({"password": "initial-2026"})),
            _ => None,
        }
    }

    /// The role and ownership cases of one route; false when the route has none.
    async fn cases(&self, key: &str) -> bool {
        use StatusCode as S;
        let (get, post, put) = (Method::GET, Method::POST, Method::PUT);
        let (alice, bob, desk) = (self.alice.as_str(), self.bob.as_str(), self.desk.as_str());
        let (manager, admin) = (self.manager.as_str(), self.admin.as_str());
        // Every identity but the admin gets 403 on the admin's routes.
        let not_admin = [alice, bob, desk, manager];
        let body = self.body(key);
        let body = body.as_ref();
        match key {
            "POST /api/v1/auth/login" => {
                let wrong = json!({"login": ALICE, "password": "wrong"});
                assert_eq!(self.call(&post, "/api/v1/auth/login", None, Some(&wrong)).await, S::UNAUTHORIZED);
                assert_eq!(self.call(&post, "/api/v1/auth/login", None, body).await, S::OK);
            }
            "POST /api/v1/auth/refresh" => {
                // An unknown refresh token, even sent with a valid access token, is 401.
                assert_eq!(self.call(&post, "/api/v1/auth/refresh", None, body).await, S::UNAUTHORIZED);
                assert_eq!(
                    self.call(&post, "/api/v1/auth/refresh", Some(alice), body).await,
                    S::UNAUTHORIZED
                );
                // An access token is not a refresh token.
                let access = json!({"refresh_token": alice});
                assert_eq!(
                    self.call(&post, "/api/v1/auth/refresh", None, Some(&access)).await,
                    S::UNAUTHORIZED
                );
            }
            "GET /api/v1/openapi.json" => {
                assert_eq!(self.call(&get, "/api/v1/openapi.json", None, None).await, S::OK);
            }
            "POST /api/v1/auth/logout" => {
                // Each identity logs out a token of its own; the shared ones stay.
                for who in [ALICE, DISPATCHER] {
                    let token = self.s.login(who).await;
                    self.expect(&token, &post, "/api/v1/auth/logout", None, S::NO_CONTENT).await;
                    self.expect(&token, &get, "/api/v1/auth/me", None, S::UNAUTHORIZED).await;
                }
            }
            "GET /api/v1/auth/me" => {
                for who in [alice, bob, desk] {
                    self.expect(who, &get, "/api/v1/auth/me", None, S::OK).await;
                }
            }
            "POST /api/v1/sync/push" => {
                for who in [desk, manager, admin] {
                    self.expect(who, &post, "/api/v1/sync/push", body, S::FORBIDDEN).await;
                }
                let phone = device();
                let own = json!({"device_id": phone, "events": [note(self.alices_job, phone, 1)]});
                self.expect(alice, &post, "/api/v1/sync/push", Some(&own), S::OK).await;
                // Alice on bob's job: refused, naming the event.
                let other = device();
                let foreign = json!({"device_id": other, "events": [note(self.bobs_job, other, 1)]});
                let res = self.s.post(alice, "/api/v1/sync/push", &foreign).await;
                let refused = error_body(res, S::FORBIDDEN).await;
                assert_eq!(refused.events[0].code, RejectCode::ForeignJob);
                // Bob with alice's device: refused.
                let stolen = json!({"device_id": phone, "events": [note(self.bobs_job, phone, 2)]});
                let res = self.s.post(bob, "/api/v1/sync/push", &stolen).await;
                assert_eq!(error_body(res, S::FORBIDDEN).await.events[0].code, RejectCode::ForeignDevice);
            }
            "GET /api/v1/sync/pull" => {
                for who in [desk, manager, admin] {
                    self.expect(who, &get, "/api/v1/sync/pull", None, S::FORBIDDEN).await;
                }
                for (who, mine, theirs) in
                    [(alice, self.alices_job, self.bobs_job), (bob, self.bobs_job, self.alices_job)]
                {
                    let pull = self.s.pull(who, 0).await;
                    let jobs: Vec<JobId> = pull.jobs.iter().map(|j| j.id).collect();
                    assert!(jobs.contains(&mine) && !jobs.contains(&theirs), "{}: {jobs:?}", self.name(who));
                    assert!(
                        pull.events.iter().all(|e| e.job_id == mine),
                        "{} sees only own events",
                        self.name(who)
                    );
                }
            }
            "POST /api/v1/jobs" => {
                // A manager reads the desk's jobs but does not dispatch (unless also a dispatcher).
                for who in [alice, manager, admin] {
                    self.expect(who, &post, "/api/v1/jobs", body, S::FORBIDDEN).await;
                }
                self.expect(desk, &post, "/api/v1/jobs", body, S::CREATED).await;
            }
            "GET /api/v1/jobs" => {
                self.expect(alice, &get, "/api/v1/jobs", None, S::FORBIDDEN).await;
                self.expect(alice, &get, "/api/v1/jobs?engineer=alice", None, S::FORBIDDEN).await;
                self.expect(admin, &get, "/api/v1/jobs", None, S::FORBIDDEN).await;
                self.expect(desk, &get, "/api/v1/jobs", None, S::OK).await;
                self.expect(manager, &get, "/api/v1/jobs", None, S::OK).await;
            }
            "GET /api/v1/jobs/{id}" => {
                let (mine, theirs) =
                    (format!("/api/v1/jobs/{}", self.alices_job), format!("/api/v1/jobs/{}", self.bobs_job));
                self.expect(alice, &get, &mine, None, S::OK).await;
                // Another engineer's job answers as one that does not exist: 404, not 403.
                self.expect(alice, &get, &theirs, None, S::NOT_FOUND).await;
                self.expect(bob, &get, &mine, None, S::NOT_FOUND).await;
                self.expect(desk, &get, &theirs, None, S::OK).await;
                self.expect(manager, &get, &theirs, None, S::OK).await;
                self.expect(admin, &get, &theirs, None, S::NOT_FOUND).await;
                let missing = format!("/api/v1/jobs/{}", uuid::Uuid::new_v4());
                self.expect(alice, &get, &missing, None, S::NOT_FOUND).await;
            }
            "PUT /api/v1/jobs/{id}/assignee" => {
                let mine = format!("/api/v1/jobs/{}/assignee", self.alices_job);
                let theirs = format!("/api/v1/jobs/{}/assignee", self.bobs_job);
                // An engineer cannot take a job, not even their own or by naming themselves.
                self.expect(alice, &put, &mine, body, S::FORBIDDEN).await;
                self.expect(alice, &put, &theirs, body, S::FORBIDDEN).await;
                self.expect(manager, &put, &mine, body, S::FORBIDDEN).await;
                // Alice's job is hers already: that is a conflict, not a dispatch.
                self.expect(desk, &put, &mine, body, S::CONFLICT).await;
                let queued = format!("/api/v1/jobs/{}/assignee", self.queued_job);
                self.expect(desk, &put, &queued, body, S::OK).await;
                let missing = format!("/api/v1/jobs/{}/assignee", uuid::Uuid::new_v4());
                self.expect(desk, &put, &missing, body, S::NOT_FOUND).await;
                let pull = self.s.pull(bob, 0).await;
                assert!(pull.jobs.iter().all(|j| j.id != self.alices_job), "bob never got alice's job");
            }
            "PUT /api/v1/jobs/{id}/appointment" | "POST /api/v1/jobs/{id}/notes" => {
                let (method, ok) =
                    if key.starts_with("PUT") { (&put, S::OK) } else { (&post, S::NO_CONTENT) };
                let path = self.concrete(key.split_once(' ').map_or("", |(_, p)| p));
                // The desk's alone: a manager reads the board but does not dispatch.
                for who in [alice, bob, manager, admin] {
                    self.expect(who, method, &path, body, S::FORBIDDEN).await;
                }
                self.expect(desk, method, &path, body, ok).await;
                let missing = path.replace(&self.alices_job.to_string(), &uuid::Uuid::new_v4().to_string());
                self.expect(desk, method, &missing, body, S::NOT_FOUND).await;
            }
            "POST /api/v1/jobs/{id}/cancel" => {
                let spare = self.s.create_job(desk, Some(BOB)).await.id;
                let path = format!("/api/v1/jobs/{spare}/cancel");
                for who in [alice, bob, manager, admin] {
                    self.expect(who, &post, &path, body, S::FORBIDDEN).await;
                }
                self.expect(desk, &post, &path, body, S::OK).await;
                self.expect(desk, &post, &path, body, S::CONFLICT).await;
                let missing = format!("/api/v1/jobs/{}/cancel", uuid::Uuid::new_v4());
                self.expect(desk, &post, &missing, body, S::NOT_FOUND).await;
            }
            "POST /api/v1/jobs/{id}/alongside" => {
                let spare = self.s.create_job(desk, Some(ALICE)).await.id;
                let path = format!("/api/v1/jobs/{spare}/alongside");
                for who in [alice, bob, manager, admin] {
                    self.expect(who, &post, &path, body, S::FORBIDDEN).await;
                }
                self.expect(desk, &post, &path, body, S::OK).await;
                // Bob is on it now: his phone pulls it and reads it; twice is a conflict.
                self.expect(desk, &post, &path, body, S::CONFLICT).await;
                self.expect(bob, &get, &format!("/api/v1/jobs/{spare}"), None, S::OK).await;
                assert!(
                    self.s.pull(bob, 0).await.jobs.iter().any(|j| j.id == spare),
                    "bob's phone has the job"
                );
                let missing = format!("/api/v1/jobs/{}/alongside", uuid::Uuid::new_v4());
                self.expect(desk, &post, &missing, body, S::NOT_FOUND).await;
            }
            "GET /api/v1/jobs/{id}/suggestions" => {
                let path = format!("/api/v1/jobs/{}/suggestions", self.alices_job);
                // Suggestions are for dispatching: the dispatcher's alone.
                for who in [alice, bob, manager, admin] {
                    self.expect(who, &get, &path, None, S::FORBIDDEN).await;
                }
                self.expect(desk, &get, &path, None, S::OK).await;
                let missing = format!("/api/v1/jobs/{}/suggestions", uuid::Uuid::new_v4());
                self.expect(desk, &get, &missing, None, S::NOT_FOUND).await;
            }
            "GET /api/v1/board" => {
                // The desk and the manager read the board; no engineer nor the admin does.
                for who in [alice, bob, admin] {
                    self.expect(who, &get, "/api/v1/board", None, S::FORBIDDEN).await;
                }
                self.expect(desk, &get, "/api/v1/board", None, S::OK).await;
                self.expect(manager, &get, "/api/v1/board", None, S::OK).await;
            }
            "GET /api/v1/assessment" => {
                // Everyone's month: the desk and the manager, no engineer, not the admin.
                for who in [alice, bob, admin] {
                    self.expect(who, &get, "/api/v1/assessment", None, S::FORBIDDEN).await;
                }
                self.expect(desk, &get, "/api/v1/assessment?month=2026-12", None, S::OK).await;
                self.expect(manager, &get, "/api/v1/assessment", None, S::OK).await;
            }
            "GET /api/v1/assessment/mine" => {
                // An engineer's own month only: the desk has no month of its own.
                for who in [desk, manager, admin] {
                    self.expect(who, &get, "/api/v1/assessment/mine", None, S::FORBIDDEN).await;
                }
                self.expect(alice, &get, "/api/v1/assessment/mine", None, S::OK).await;
                self.expect(bob, &get, "/api/v1/assessment/mine?month=2026-12", None, S::OK).await;
            }
            "POST /api/v1/assessment/decisions" => {
                // Only a manager decides or waives.
                for who in [alice, bob, desk, admin] {
                    self.expect(who, &post, "/api/v1/assessment/decisions", body, S::FORBIDDEN).await;
                }
                self.expect(manager, &post, "/api/v1/assessment/decisions", body, S::NO_CONTENT).await;
            }
            "GET /api/v1/customers/jobs" => {
                let path = "/api/v1/customers/jobs?phone=13800138000";
                for who in [alice, bob, admin] {
                    self.expect(who, &get, path, None, S::FORBIDDEN).await;
                }
                self.expect(desk, &get, path, None, S::OK).await;
                self.expect(manager, &get, path, None, S::OK).await;
            }
            "GET /api/v1/changes" => {
                // Every account in good standing may wait: each is told only of its own news.
                for who in [alice, bob, desk, manager, admin] {
                    self.expect(who, &get, "/api/v1/changes?after=0&wait=0", None, S::OK).await;
                }
            }
            "GET /api/v1/history" => {
                // An engineer's own jobs only: the desk has its own list.
                self.expect(alice, &get, "/api/v1/history", None, S::OK).await;
                self.expect(desk, &get, "/api/v1/history", None, S::FORBIDDEN).await;
            }
            "GET /api/v1/engineers" => {
                self.expect(alice, &get, "/api/v1/engineers", None, S::FORBIDDEN).await;
                self.expect(admin, &get, "/api/v1/engineers", None, S::FORBIDDEN).await;
                self.expect(desk, &get, "/api/v1/engineers", None, S::OK).await;
                self.expect(manager, &get, "/api/v1/engineers", None, S::OK).await;
            }
            "GET /api/v1/engineers/{login}/van" => {
                self.expect(alice, &get, "/api/v1/engineers/alice/van", None, S::OK).await;
                self.expect(alice, &get, "/api/v1/engineers/bob/van", None, S::FORBIDDEN).await;
                self.expect(bob, &get, "/api/v1/engineers/alice/van", None, S::FORBIDDEN).await;
                self.expect(desk, &get, "/api/v1/engineers/bob/van", None, S::OK).await;
                self.expect(desk, &get, "/api/v1/engineers/nobody/van", None, S::NOT_FOUND).await;
                // The desk's login names no van.
                self.expect(desk, &get, "/api/v1/engineers/desk/van", None, S::NOT_FOUND).await;
            }
            "POST /api/v1/engineers/{login}/van" => {
                self.expect(alice, &post, "/api/v1/engineers/alice/van", body, S::FORBIDDEN).await;
                self.expect(manager, &post, "/api/v1/engineers/alice/van", body, S::FORBIDDEN).await;
                self.expect(bob, &post, "/api/v1/engineers/alice/van", body, S::FORBIDDEN).await;
                self.expect(desk, &post, "/api/v1/engineers/alice/van", body, S::OK).await;
                self.expect(desk, &post, "/api/v1/engineers/nobody/van", body, S::NOT_FOUND).await;
            }
            "GET /api/v1/parts" => {
                for who in [alice, bob, desk] {
                    self.expect(who, &get, "/api/v1/parts", None, S::OK).await;
                }
            }
            "PUT /api/v1/parts/{sku}" => {
                self.expect(alice, &put, "/api/v1/parts/P1", body, S::FORBIDDEN).await;
                self.expect(desk, &put, "/api/v1/parts/P1", body, S::OK).await;
            }
            "POST /api/v1/auth/password" => {
                // Anyone may change their own password, given the current one.
                for who in [alice, desk, manager, admin] {
                    self.expect(who, &post, "/api/v1/auth/password", body, S::FORBIDDEN).await;
                }
                let right = json!({"current": PASSWORD, "new": PASSWORD});
                self.expect(bob, &post, "/api/v1/auth/password", Some(&right), S::NO_CONTENT).await;
            }
            "GET /api/v1/accounts" => {
                for who in not_admin {
                    self.expect(who, &get, "/api/v1/accounts", None, S::FORBIDDEN).await;
                }
                self.expect(admin, &get, "/api/v1/accounts", None, S::OK).await;
            }
            "POST /api/v1/accounts" => {
                for who in not_admin {
                    self.expect(who, &post, "/api/v1/accounts", body, S::FORBIDDEN).await;
                }
                self.expect(admin, &post, "/api/v1/accounts", body, S::CREATED).await;
            }
            "PUT /api/v1/accounts/{login}" | "PUT /api/v1/accounts/{login}/disabled" => {
                let path = self.concrete(key.trim_start_matches("PUT "));
                for who in not_admin {
                    self.expect(who, &put, &path, body, S::FORBIDDEN).await;
                }
                self.expect(admin, &put, &path, body, S::OK).await;
                self.expect(admin, &put, &path.replace("/alice", "/nobody"), body, S::NOT_FOUND).await;
            }
            "PUT /api/v1/accounts/{login}/password" => {
                for who in not_admin {
                    self.expect(who, &put, "/api/v1/accounts/alice/password", body, S::FORBIDDEN).await;
                }
                // On an account of its own: a reset makes its person change the password.
                let made = json!({"login": "reset.me", "name": "重置", "roles": ["engineer"], "password": "initial-2026"});
                self.expect(admin, &post, "/api/v1/accounts", Some(&made), S::CREATED).await;
                self.expect(admin, &put, "/api/v1/accounts/reset.me/password", body, S::OK).await;
                self.expect(admin, &put, "/api/v1/accounts/nobody/password", body, S::NOT_FOUND).await;
            }
            _ => return false,
        }
        true
    }
}

#[tokio::test]
async fn every_route_in_the_openapi_document_has_its_authorization_checked() {
    let w = World::new().await;
    let doc: Value =
        w.s.client.get(w.s.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    // An expired token of alice's: still in the database, past its time.
    let expired = "e".repeat(64);
    w.s.sql(
        "INSERT INTO tokens (hash, user_id, expires_at, created_at) \
         SELECT ?1, id, '2020-01-01T00:00:00.000000Z', '2020-01-01T00:00:00.000000Z' FROM users WHERE login = 'alice'",
        [onsite_server::auth::token_hash(&expired)],
    );

    let mut routes = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            routes.push((method.to_uppercase(), path.clone(), op.get("security").is_some()));
        }
    }
    assert!(routes.len() >= 16, "the document lists the routes: {routes:?}");
    let mut missing = Vec::new();
    let mut checked = BTreeSet::new();
    for (method, template, secured) in &routes {
        let key = format!("{method} {template}");
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let path = w.concrete(template);
        let body = w.body(&key);
        if PUBLIC.contains(&key.as_str()) {
            assert!(!secured, "{key} is public but declares a bearer token");
        } else {
            assert!(secured, "{key} declares no bearer token: is it meant to be public? Add it to PUBLIC");
            for (token, what) in [
                (None, "no token"),
                (Some("garbage"), "a garbage token"),
                (Some(expired.as_str()), "an expired token"),
            ] {
                let got = w.call(&m, &path, token, body.as_ref()).await;
                assert_eq!(got, StatusCode::UNAUTHORIZED, "{key} with {what}");
            }
        }
        if w.cases(&key).await {
            checked.insert(key);
        } else {
            missing.push(key);
        }
    }
    assert!(missing.is_empty(), "routes with no authorization case in tests/authz.rs: {missing:?}");
    assert_eq!(checked.len(), routes.len());
}

#[tokio::test]
async fn a_refused_request_changes_nothing() {
    let w = World::new().await;
    let before = w.s.detail(&w.desk, w.alices_job).await;
    let body = json!({"assignee": BOB});
    let res = w.s.put(&w.alice, &format!("/api/v1/jobs/{}/assignee", w.alices_job), &body).await;
    assert_eq!(error_body(res, StatusCode::FORBIDDEN).await.error, ErrorCode::Forbidden);
    let phone = device();
    let ev = event(w.bobs_job, phone, 1, EventBody::Arrived);
    let res = w.s.push(&w.alice, phone, &[ev]).await;
    error_body(res, StatusCode::FORBIDDEN).await;
    let after = w.s.detail(&w.desk, w.alices_job).await;
    assert_eq!((after.job, after.events), (before.job, before.events));
    assert!(w.s.detail(&w.desk, w.bobs_job).await.events.is_empty());
}
