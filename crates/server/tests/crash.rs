//! Fault matrix, case 3: the server process is killed (`SIGKILL`, no shutdown of any kind) in
//! the middle of a large push, again and again, and restarted on the same database file each
//! time. The phone does what the app does: it keeps every event it has no acknowledgement for
//! and sends it again. At the end every event is on the server exactly once, with the device's
//! sequence numbers unbroken, and the database file passes SQLite's integrity check.
//!
//! This runs the real `onsite-server` binary (not the in-process router of the other tests),
//! because only a process can be killed.

mod common;

use common::{new_job, note};
use onsite_core::wire::{JobWire, PushRequest, PushResponse};
use onsite_core::{DeviceId, EventId};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use uuid::Uuid;

/// How many events the phone holds: 30 batches of [`BATCH`].
const EVENTS: u64 = 3_000;
/// Events per push (the app's first push of a round holds as many).
const BATCH: usize = onsite_core::sync::PUSH_FIRST;

/// A running server process.
struct Process {
    child: Child,
    url: String,
}

impl Process {
    /// Starts the server binary on `db` at a free port, with the demo accounts (whose password
    /// is `onsite-demo`), and waits for the line that says it listens.
    fn start(db: &Path) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_onsite-server"))
            .arg("--db")
            .arg(db)
            .args(["--addr", "127.0.0.1:0", "--demo", "--rate-limit", "off"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start onsite-server");
        let stdout = child.stdout.take().expect("the server's stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines.next().expect("the server exited before listening").expect("read stdout");
            if let Some(url) = line.strip_prefix("onsite-server listening on ") {
                break url.trim().to_string();
            }
        };
        // Keep draining stdout so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Process { child, url }
    }

    /// `kill -9`: the process gets no chance to finish anything.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn login(client: &reqwest::Client, url: &str, login: &str, password: &str) -> String {
    let res = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::OK, "login of {login}");
    let session: Value = res.json().await.expect("session");
    session["token"].as_str().expect("token").to_string()
}

/// Pushes the pending events batch by batch, as the app does, removing each acknowledged one.
/// Returns how the run ended: `Ok` when nothing is left, `Err` on the first transport error
/// (the server died under it). Any answer other than an acknowledgement fails the test.
async fn push_pending(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    device: DeviceId,
    pending: &mut Vec<onsite_core::wire::EventWire>,
    duplicates: &mut usize,
) -> Result<(), reqwest::Error> {
    while !pending.is_empty() {
        let batch: Vec<_> = pending.iter().take(BATCH).cloned().collect();
        let res = client
            .post(format!("{url}/api/v1/sync/push"))
            .bearer_auth(token)
            .json(&PushRequest { device_id: device, events: batch })
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await?;
        assert_eq!(status, StatusCode::OK, "push answered {status}: {text}");
        let answer: PushResponse = serde_json::from_str(&text).expect("PushResponse");
        let acked: BTreeSet<EventId> = answer.acked.iter().map(|a| a.id).collect();
        *duplicates += answer.acked.iter().filter(|a| a.duplicate).count();
        let before = pending.len();
        pending.retain(|e| !acked.contains(&e.id));
        assert!(pending.len() < before, "a push acknowledged nothing");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_push_and_restart_lands_every_event_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("onsite.db");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");

    let server = Process::start(&db);
    let desk = login(&client, &server.url, "desk", "onsite-demo").await;
    let res = client
        .post(format!("{}/api/v1/jobs", server.url))
        .bearer_auth(&desk)
        .json(&new_job(Some("wang.fang")))
        .send()
        .await
        .expect("create job");
    assert_eq!(res.status(), StatusCode::CREATED);
    let job: JobWire = res.json().await.expect("JobWire");

    let device = DeviceId(Uuid::new_v4());
    let all: Vec<_> = (1..=EVENTS).map(|seq| note(job.id, device, seq)).collect();
    let mut pending = all.clone();
    let mut duplicates = 0;
    let mut server = Some(server);
    let mut killed_mid_push = 0;

    // Kill the server at different moments of the stream of pushes: each kill lands while some
    // batch is on the wire, being parsed, applied or committed, or answered.
    for delay_ms in [40u64, 90, 150, 230, 330] {
        let running = server.take().unwrap_or_else(|| Process::start(&db));
        let token = login(&client, &running.url, "wang.fang", "onsite-demo").await;
        let url = running.url.clone();
        let killer = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            running.kill();
        });
        let ended = push_pending(&client, &url, &token, device, &mut pending, &mut duplicates).await;
        killer.await.expect("killer task");
        if ended.is_err() {
            killed_mid_push += 1;
        }
        if pending.is_empty() {
            break;
        }
    }
    assert!(killed_mid_push > 0, "no kill landed during a push: the test proved nothing");

    // A last start with no kill: the phone sends what it still holds.
    let last = Process::start(&db);
    let token = login(&client, &last.url, "wang.fang", "onsite-demo").await;
    push_pending(&client, &last.url, &token, device, &mut pending, &mut duplicates)
        .await
        .expect("the last run is not interrupted");
    assert!(pending.is_empty());

    // Replaying everything once more changes nothing and is acknowledged as duplicates.
    let mut replay = all.clone();
    let mut replay_duplicates = 0;
    push_pending(&client, &last.url, &token, device, &mut replay, &mut replay_duplicates)
        .await
        .expect("replay");
    assert_eq!(replay_duplicates, all.len());

    // The server's own view: every event once, in the device's order.
    let res = client
        .get(format!("{}/api/v1/jobs/{}", last.url, job.id))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("job detail");
    assert_eq!(res.status(), StatusCode::OK);
    let detail: onsite_core::wire::JobDetail = res.json().await.expect("JobDetail");
    let sent: BTreeSet<EventId> = all.iter().map(|e| e.id).collect();
    let stored: Vec<EventId> = detail.events.iter().map(|e| e.id).collect();
    assert_eq!(stored.len(), all.len(), "events on the server");
    assert_eq!(stored.iter().copied().collect::<BTreeSet<_>>(), sent);
    let seqs: Vec<u64> = detail.events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=EVENTS).collect::<Vec<_>>(), "the device's order, unbroken");
    drop(last);

    // And the file itself, behind the server's back.
    let conn = rusqlite::Connection::open(&db).expect("open the database file");
    let (rows, distinct): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT id) FROM events WHERE job_id = ?1",
            [job.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count events");
    assert_eq!((rows, distinct), (EVENTS as i64, EVENTS as i64));
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity check");
    assert_eq!(check, "ok");
    eprintln!(
        "kill -9: {killed_mid_push} kills during a push, {duplicates} events acknowledged as duplicates on retry"
    );
}
