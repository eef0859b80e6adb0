//! Shared by the integration tests: a real server on a real SQLite file in a temp dir, over real
//! HTTP, with helpers to log in, open jobs and build and push events.
//!
//! Accounts seeded in every test server: `desk` (dispatcher), `alice` and `bob` (engineers),
//! `boss` (manager), `root` (admin), all with [`PASSWORD`]. [`Phone`] records events the way the app does (one device, its own
//! sequence numbers) and seals sign-offs with the core's `seal`.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use onsite_core::parts::{Part, VanStock};
use onsite_core::signoff::{Ratings, SignOff, Signature, seal};
use onsite_core::wire::{
    ErrorBody, EventBody, EventWire, JobDetail, JobWire, PullResponse, PushRequest, PushResponse, Role, User,
};
use onsite_core::{DeviceId, EventId, JobId, UserId, VisitEvent};
use onsite_server::{AppState, Config, serve, store};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;
use tempfile::TempDir;
use tokio::sync::oneshot;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse";
pub const DISPATCHER: &str = "desk";
pub const ALICE: &str = "alice";
pub const BOB: &str = "bob";
pub const MANAGER: &str = "boss";
pub const ADMIN: &str = "root";

pub struct Server {
    pub url: String,
    pub client: reqwest::Client,
    pub config: Config,
    /// The server's own state, for what the tests wait on ([`Server::settle`]).
    pub state: AppState,
    pub dir: Option<TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// Writes the test accounts into a fresh database.
fn seed_accounts(state: &AppState) -> impl Future<Output = ()> {
    let db = state.db.clone();
    async move {
        db.run(|conn| {
            if store::user_count(conn)? > 0 {
                return Ok(());
            }
            let hash = onsite_server::auth::hash_password(PASSWORD)?;
            for (login, name, role) in [
                (DISPATCHER, "服务台", Role::Dispatcher),
                (ALICE, "王芳", Role::Engineer),
                (BOB, "李雷", Role::Engineer),
                (MANAGER, "刘经理", Role::Manager),
                (ADMIN, "管理员", Role::Admin),
            ] {
                let user = User::new(UserId(Uuid::new_v4()), login.into(), name.into(), vec![role]);
                store::insert_user(conn, &user, &hash)?;
            }
            Ok(())
        })
        .await
        .expect("seed test accounts");
    }
}

impl Server {
    /// A server on a new database.
    pub async fn start() -> Server {
        Self::start_with(|_| {}).await
    }

    /// A server on a new database, with the configuration edited first.
    pub async fn start_with(edit: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(dir.path().join("onsite.db"));
        edit(&mut config);
        let mut server = Self::start_on(config).await;
        server.dir = Some(dir);
        server
    }

    /// A server on the database (and settings) of `config`, which may already hold data.
    pub async fn start_on(config: Config) -> Server {
        let state = AppState::open(&config).expect("open the database");
        seed_accounts(&state).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state.clone(), async move {
            let _ = rx.await;
        }));
        Server {
            url: format!("http://{addr}"),
            client: reqwest::Client::new(),
            config,
            state,
            dir: None,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Shuts the server down gracefully and waits for it; the temp dir is kept.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server shut down cleanly");
        }
    }

    /// Stops this server and starts a new one on the same database file.
    pub async fn restart(mut self) -> Server {
        self.stop().await;
        let dir = self.dir.take();
        // A new client: the old one's pooled connections went with the old server.
        let mut next = Self::start_on(self.config.clone()).await;
        next.dir = dir;
        next
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Waits until the checks made after pushes (sign-offs' hashes) are done.
    pub async fn settle(&self) {
        onsite_server::checks::drain(&self.state).await.expect("sign-off checks");
    }

    pub fn db_path(&self) -> PathBuf {
        self.config.db_path.clone()
    }

    pub async fn login(&self, login: &str) -> String {
        let res = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"login": login, "password": PASSWORD}))
            .send()
            .await
            .expect("login request");
        assert_eq!(res.status(), StatusCode::OK, "login of {login}");
        let session: Value = res.json().await.expect("session JSON");
        session["token"].as_str().expect("token").to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("GET")
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("POST")
    }

    pub async fn put(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client.put(self.url(path)).bearer_auth(token).json(body).send().await.expect("PUT")
    }

    /// Opens a job as the dispatcher, assigned to `assignee` when given.
    pub async fn create_job(&self, desk: &str, assignee: Option<&str>) -> JobWire {
        let res = self.post(desk, "/api/v1/jobs", &new_job(assignee)).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create job");
        res.json().await.expect("JobWire")
    }

    pub async fn assign(&self, desk: &str, job: JobId, to: &str) -> JobWire {
        let res = self
            .put(
                desk,
                &format!("/api/v1/jobs/{job}/assignee"),
                &json!({"assignee": to, "reason": "王芳请假"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "assign");
        res.json().await.expect("JobWire")
    }

    pub async fn push(&self, token: &str, device: DeviceId, events: &[EventWire]) -> Response {
        let body = serde_json::to_value(PushRequest { device_id: device, events: events.to_vec() })
            .expect("push JSON");
        self.post(token, "/api/v1/sync/push", &body).await
    }

    /// Pushes and expects every event acknowledged.
    pub async fn push_ok(&self, token: &str, device: DeviceId, events: &[EventWire]) -> PushResponse {
        let res = self.push(token, device, events).await;
        let status = res.status();
        let text = res.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "push: {text}");
        serde_json::from_str(&text).expect("PushResponse")
    }

    pub async fn pull(&self, token: &str, cursor: i64) -> PullResponse {
        let res = self.get(token, &format!("/api/v1/sync/pull?cursor={cursor}")).await;
        assert_eq!(res.status(), StatusCode::OK, "pull");
        res.json().await.expect("PullResponse")
    }

    pub async fn detail(&self, token: &str, job: JobId) -> JobDetail {
        let res = self.get(token, &format!("/api/v1/jobs/{job}")).await;
        assert_eq!(res.status(), StatusCode::OK, "job detail");
        res.json().await.expect("JobDetail")
    }

    /// Adds or replaces a catalogue part as the dispatcher.
    pub async fn put_part(&self, desk: &str, sku: &str, serialised: bool) -> Part {
        let part =
            Part { sku: sku.into(), zh: format!("配件 {sku}"), en: format!("Part {sku}"), serialised };
        let res =
            self.put(desk, &format!("/api/v1/parts/{sku}"), &serde_json::to_value(&part).unwrap()).await;
        assert_eq!(res.status(), StatusCode::OK, "put part {sku}");
        let stored: Part = res.json().await.expect("Part");
        assert_eq!(stored, part);
        stored
    }

    /// Issues stock to (or, negative, takes it back from) an engineer's van as the dispatcher.
    pub async fn issue(&self, desk: &str, login: &str, sku: &str, qty: i64) -> VanStock {
        let res = self
            .post(desk, &format!("/api/v1/engineers/{login}/van"), &json!({"part": sku, "qty": qty}))
            .await;
        let status = res.status();
        let text = res.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "issue {qty} {sku} to {login}: {text}");
        serde_json::from_str(&text).expect("VanStock")
    }

    pub async fn van(&self, token: &str, login: &str) -> VanStock {
        let res = self.get(token, &format!("/api/v1/engineers/{login}/van")).await;
        assert_eq!(res.status(), StatusCode::OK, "van of {login}");
        res.json().await.expect("VanStock")
    }

    /// The ids of the jobs the dispatcher's list answers for a query string, sorted.
    pub async fn list_ids(&self, desk: &str, query: &str) -> Vec<JobId> {
        let res = self.get(desk, &format!("/api/v1/jobs{query}")).await;
        assert_eq!(res.status(), StatusCode::OK, "list {query}");
        let jobs: Vec<JobDetail> = res.json().await.expect("Vec<JobDetail>");
        let mut ids: Vec<JobId> = jobs.iter().map(|d| d.job.id).collect();
        ids.sort();
        ids
    }

    /// Runs SQL on the server's database file directly (behind the server's back), as a
    /// tamperer or a clock would.
    pub fn sql(&self, sql: &str, params: impl rusqlite::Params) -> usize {
        let conn = rusqlite::Connection::open(self.db_path()).expect("open the database file");
        conn.busy_timeout(std::time::Duration::from_secs(5)).expect("busy timeout");
        conn.execute(sql, params).expect("SQL")
    }

    /// The count a `SELECT count(*) ...` reads from the server's database file.
    pub fn count(&self, sql: &str, params: impl rusqlite::Params) -> i64 {
        let conn = rusqlite::Connection::open(self.db_path()).expect("open the database file");
        conn.busy_timeout(std::time::Duration::from_secs(5)).expect("busy timeout");
        conn.query_row(sql, params, |r| r.get(0)).expect("SQL")
    }
}

/// One phone: a device id and its sequence counter, recording events at times counted from
/// the job's dispatch.
pub struct Phone {
    pub device: DeviceId,
    pub seq: u64,
}

impl Phone {
    pub fn new() -> Phone {
        Phone { device: device(), seq: 0 }
    }

    /// The next event on `job`, recorded `minutes` after it was dispatched.
    pub fn record(&mut self, job: &JobWire, minutes: i64, body: EventBody) -> EventWire {
        self.seq += 1;
        let start = job.dispatched_at.unwrap_or(job.reported_at);
        EventWire {
            id: EventId(Uuid::new_v4()),
            job_id: job.id,
            device_id: self.device,
            seq: self.seq,
            device_time: start + Duration::minutes(minutes),
            body,
            received_at: None,
            rev: None,
        }
    }

    /// Every step of the job's checklist done, at `minutes`.
    pub fn all_steps(&mut self, job: &JobWire, minutes: i64) -> Vec<EventWire> {
        let steps = job.clone().into_job().checklist().into_owned();
        steps.iter().map(|s| self.record(job, minutes, EventBody::StepDone { step: s.id.clone() })).collect()
    }

    /// The customer's sign-off, sealed over `held` (the events on the job the phone holds).
    pub fn sign_off(&mut self, job: &JobWire, held: &[EventWire], minutes: i64, draft: SignOff) -> EventWire {
        let held: Vec<VisitEvent> = held.iter().map(EventWire::to_event).collect();
        let sealed = seal(&job.clone().into_job(), &held, draft);
        self.record(job, minutes, EventBody::SignedOff(sealed))
    }
}

/// A sign-off as the customer fills it in, before it is sealed.
pub fn draft() -> SignOff {
    SignOff {
        result: "更换光猫，测速 500M 正常".into(),
        signer: "张伟".into(),
        signature: Signature::from_points(
            320,
            160,
            &[vec![(20.0, 80.0), (26.0, 77.0), (35.0, 76.0), (47.0, 80.0)]],
        ),
        ratings: Ratings { speed: 5, attitude: 5, result: 4 },
        comment: "师傅很专业".into(),
        covers: Vec::new(),
        hash: String::new(),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A valid `NewJob` body.
pub fn new_job(assignee: Option<&str>) -> Value {
    json!({
        "kind": "repair",
        "priority": "high",
        "customer": "张伟",
        "contact": "张伟",
        "phone": "138 0013 8000",
        "wechat": "zhangwei_88",
        "address": "上海市浦东新区世纪大道100号 12F",
        "fault": "光猫LOS灯红，无法上网",
        "assignee": assignee,
    })
}

pub fn device() -> DeviceId {
    DeviceId(Uuid::new_v4())
}

pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, minute % 60, 0).single().expect("valid time")
}

/// An event with a fresh id.
pub fn event(job: JobId, device: DeviceId, seq: u64, body: EventBody) -> EventWire {
    EventWire {
        id: EventId(Uuid::new_v4()),
        job_id: job,
        device_id: device,
        seq,
        device_time: at(seq as u32),
        body,
        received_at: None,
        rev: None,
    }
}

/// A note with a fresh id.
pub fn note(job: JobId, device: DeviceId, seq: u64) -> EventWire {
    event(job, device, seq, EventBody::NoteAdded { text: format!("note {seq}") })
}

/// Reads an error answer, checking it is JSON with the given status.
pub async fn error_body(res: Response, status: StatusCode) -> ErrorBody {
    assert_eq!(res.status(), status, "status");
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(ct.starts_with("application/json"), "content type {ct}");
    let text = res.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not an ErrorBody ({e}): {text}"))
}
