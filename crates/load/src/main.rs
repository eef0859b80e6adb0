//! `onsite-load`: many devices syncing at once against the real server, on loopback.
//!
//! Run by `cargo xtask load`. It seeds a fresh SQLite file directly (one engineer, one session
//! and one assigned job per device; one argon2 hash shared by all, since hashing 1,000 passwords
//! would measure argon2, not sync), starts the server binary on it (with its default per-token
//! rate limit on), then every device at once: pull from cursor 0 (its job), push its events in
//! batches, pull again (its events back). A semaphore caps the requests in flight (the client's
//! connection pool): every device is active, and requests beyond the cap queue, as they would
//! behind a busy server. Requests that fail are retried (pushes are idempotent); what still fails
//! is an error. At the end it checks the database: every event stored exactly once.
//!
//! Everything is bounded: the device count, the events, and a hard timeout on the whole run.

use chrono::{Duration as ChronoDuration, Utc};
use onsite_core::wire::{PullResponse, PushResponse, Role, User};
use onsite_core::{DeviceId, EventId, Job, JobId, JobKind, Priority, UserId};
use onsite_server::{auth, db, store};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::Semaphore;
use uuid::Uuid;

type Result<T, E = String> = std::result::Result<T, E>;

struct Args {
    server: PathBuf,
    dir: PathBuf,
    devices: usize,
    events: u64,
    batch: u64,
    connections: usize,
    timeout: Duration,
}

fn parse_args() -> Result<Args> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let num = |name: &str, default: u64| -> Result<u64> {
        flag(name).map_or(Ok(default), |v| v.parse().map_err(|_| format!("{name}: not a number: {v}")))
    };
    let server = flag("--server").ok_or("usage: onsite-load --server PATH [--dir DIR] [--devices 1000] [--events 50] [--batch 10] [--connections 256] [--timeout-secs 300]")?;
    Ok(Args {
        server: PathBuf::from(server),
        dir: PathBuf::from(flag("--dir").unwrap_or_else(|| "target/load".into())),
        devices: usize::try_from(num("--devices", 1000)?.clamp(1, 10_000)).unwrap_or(1000),
        events: num("--events", 50)?.clamp(1, 1000),
        batch: num("--batch", 10)?.clamp(1, onsite_core::sync::PUSH_MAX as u64),
        connections: usize::try_from(num("--connections", 256)?.clamp(1, 4096)).unwrap_or(256),
        timeout: Duration::from_secs(num("--timeout-secs", 300)?.clamp(10, 3600)),
    })
}

/// One device's account, session and job.
struct Device {
    token: String,
    job: JobId,
    device: DeviceId,
}

/// Seeds `n` engineers with a session and an assigned job each, in one transaction.
fn seed(path: &Path, n: usize) -> Result<Vec<Device>> {
    let err = |e: onsite_server::Error| e.to_string();
    let mut conn = db::open(path).map_err(err)?;
    let hash = auth::hash_password("onsite-load").map_err(err)?;
    let now = db::now();
    let ttl = auth::Lifetimes { access: ChronoDuration::hours(2), refresh: ChronoDuration::days(1) };
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    let mut devices = Vec::with_capacity(n);
    for i in 0..n {
        let user = User::new(
            UserId(Uuid::new_v4()),
            format!("load{i:05}"),
            format!("Load {i}"),
            vec![Role::Engineer],
        );
        store::insert_user(&tx, &user, &hash).map_err(err)?;
        let row =
            store::user_by_id(&tx, user.id).map_err(err)?.ok_or_else(|| "the user just made".to_string())?;
        let session = auth::issue_session(&tx, &row, &auth::new_family(), now, ttl).map_err(err)?;
        let job = Job {
            id: JobId(Uuid::new_v4()),
            kind: JobKind::Repair,
            priority: Priority::Normal,
            customer: format!("Customer {i}"),
            contact: "张伟".into(),
            phone: "13800138000".into(),
            wechat: None,
            address: "上海市浦东新区世纪大道100号".into(),
            device_name: None,
            device_description: None,
            fault: "无法上网".into(),
            reported_at: now - ChronoDuration::hours(1),
            dispatched_at: Some(now - ChronoDuration::minutes(30)),
            appointment: None,
            assignee: Some(user.id),
            checklist: None,
        };
        let rev = db::next_rev(&tx).map_err(err)?;
        store::insert_job(&tx, &job, rev).map_err(err)?;
        devices.push(Device { token: session.token, job: job.id, device: DeviceId(Uuid::new_v4()) });
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok(devices)
}

/// Latencies (ms) per request kind, and errors.
#[derive(Default)]
struct Stats {
    latency: Mutex<HashMap<&'static str, Vec<f64>>>,
    waited: Mutex<Vec<f64>>,
    retries: AtomicU64,
    errors: AtomicU64,
    requests: AtomicU64,
}

impl Stats {
    fn record(&self, kind: &'static str, ms: f64) {
        if let Ok(mut map) = self.latency.lock() {
            map.entry(kind).or_default().push(ms);
        }
    }
}

struct Ctx {
    client: reqwest::Client,
    base: String,
    slots: Semaphore,
    stats: Stats,
}

/// Sends one request, retrying a refused or failed one up to 5 times; the JSON answer.
async fn call<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    kind: &'static str,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<T> {
    let mut last = String::new();
    for attempt in 0..5u32 {
        if attempt > 0 {
            ctx.stats.retries.fetch_add(1, Ordering::Relaxed);
        }
        let queued = Instant::now();
        let permit = ctx.slots.acquire().await.map_err(|e| e.to_string())?;
        let started = Instant::now();
        let sent = build().send().await;
        ctx.stats.requests.fetch_add(1, Ordering::Relaxed);
        let outcome = match sent {
            Ok(res) => {
                let status = res.status();
                let retry_after =
                    res.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
                match res.bytes().await {
                    Ok(body) if status.is_success() => Ok(body),
                    Ok(body) => Err((format!("{status}: {}", String::from_utf8_lossy(&body)), retry_after)),
                    Err(e) => Err((e.to_string(), None)),
                }
            }
            Err(e) => Err((e.to_string(), None)),
        };
        drop(permit);
        match outcome {
            Ok(body) => {
                ctx.stats.record(kind, started.elapsed().as_secs_f64() * 1000.0);
                if let Ok(mut w) = ctx.stats.waited.lock() {
                    w.push(started.duration_since(queued).as_secs_f64() * 1000.0);
                }
                return serde_json::from_slice(&body).map_err(|e| format!("{kind}: bad JSON: {e}"));
            }
            Err((message, retry_after)) => {
                last = message;
                let wait =
                    retry_after.map_or(Duration::from_millis(100 * 2u64.pow(attempt)), Duration::from_secs);
                tokio::time::sleep(wait).await;
            }
        }
    }
    ctx.stats.errors.fetch_add(1, Ordering::Relaxed);
    Err(format!("{kind}: gave up after 5 attempts: {last}"))
}

/// One device's sync: pull its job, push its events in batches, pull them back.
async fn run_device(ctx: Arc<Ctx>, d: Device, events: u64, batch: u64) -> Result<u64> {
    let pull_url = |cursor: i64| format!("{}/api/v1/sync/pull?cursor={cursor}", ctx.base);
    let first: PullResponse =
        call(&ctx, "pull", || ctx.client.get(pull_url(0)).bearer_auth(&d.token)).await?;
    if !first.jobs.iter().any(|j| j.id == d.job) {
        return Err("the first pull did not bring the device's job".into());
    }
    let mut acked = 0;
    let start = Utc::now() - ChronoDuration::minutes(20);
    for from in (1..=events).step_by(usize::try_from(batch).unwrap_or(1)) {
        let to = (from + batch - 1).min(events);
        let batch: Vec<_> = (from..=to)
            .map(|seq| {
                json!({
                    "id": EventId(Uuid::new_v4()), "job_id": d.job, "device_id": d.device, "seq": seq,
                    "device_time": start + ChronoDuration::seconds(i64::try_from(seq).unwrap_or(0)),
                    "type": "note_added", "text": format!("load note {seq}"),
                })
            })
            .collect();
        let body = json!({"device_id": d.device, "events": batch});
        let url = format!("{}/api/v1/sync/push", ctx.base);
        let res: PushResponse =
            call(&ctx, "push", || ctx.client.post(&url).bearer_auth(&d.token).json(&body)).await?;
        if res.acked.len() != batch.len() {
            return Err(format!("push acked {} of {}", res.acked.len(), batch.len()));
        }
        acked += res.acked.len() as u64;
    }
    let mut cursor = first.cursor;
    let mut pulled = 0u64;
    loop {
        let page: PullResponse =
            call(&ctx, "pull", || ctx.client.get(pull_url(cursor)).bearer_auth(&d.token)).await?;
        pulled += page.events.iter().filter(|e| e.device_id == d.device).count() as u64;
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    if pulled != events {
        return Err(format!("pulled back {pulled} of {events} events"));
    }
    Ok(acked)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Every event stored exactly once: the count, distinct ids, and every device's 1..=events.
fn check_exactly_once(path: &Path, devices: usize, events: u64) -> Result<String> {
    let conn = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(|e| format!("{sql}: {e}"));
    let total = q("SELECT count(*) FROM events")?;
    let distinct = q("SELECT count(DISTINCT id) FROM events")?;
    let complete = q(&format!(
        "SELECT count(*) FROM (SELECT device_id FROM events GROUP BY device_id \
         HAVING count(*) = {events} AND count(DISTINCT seq) = {events} AND min(seq) = 1 AND max(seq) = {events})"
    ))?;
    let want = i64::try_from(devices as u64 * events).unwrap_or(i64::MAX);
    let line = format!(
        "events stored {total} (distinct ids {distinct}), expected {want}; devices with exactly 1..={events}: {complete} of {devices}"
    );
    if total == want && distinct == want && complete == i64::try_from(devices).unwrap_or(-1) {
        Ok(line)
    } else {
        Err(format!("exactly-once check FAILED: {line}"))
    }
}

async fn run(args: Args) -> Result<()> {
    if args.dir.exists() {
        std::fs::remove_dir_all(&args.dir).map_err(|e| format!("{}: {e}", args.dir.display()))?;
    }
    std::fs::create_dir_all(&args.dir).map_err(|e| format!("{}: {e}", args.dir.display()))?;
    let db_path = args.dir.join("load.db");
    println!("seeding {} engineers, sessions and jobs into {}", args.devices, db_path.display());
    let path = db_path.clone();
    let n = args.devices;
    let devices = tokio::task::spawn_blocking(move || seed(&path, n)).await.map_err(|e| e.to_string())??;

    let log = std::fs::File::create(args.dir.join("server.log")).map_err(|e| e.to_string())?;
    let mut server = tokio::process::Command::new(&args.server)
        .args(["--addr", "127.0.0.1:0", "--static-dir", "/nonexistent", "--db"])
        .arg(&db_path)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{}: {e}", args.server.display()))?;
    let stdout = server.stdout.take().ok_or("no server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next_line().await.map_err(|e| e.to_string())?.unwrap_or_default();
    let base = first
        .strip_prefix("onsite-server listening on ")
        .ok_or_else(|| format!("the server did not start: {first:?}"))?
        .to_string();
    println!("server at {base} (rate limit: its default, per token)");

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let ctx =
        Arc::new(Ctx { client, base, slots: Semaphore::new(args.connections), stats: Stats::default() });
    println!(
        "{} devices at once, {} events each in batches of {}, at most {} requests in flight",
        args.devices, args.events, args.batch, args.connections
    );
    let started = Instant::now();
    let tasks: Vec<_> = devices
        .into_iter()
        .map(|d| tokio::spawn(run_device(Arc::clone(&ctx), d, args.events, args.batch)))
        .collect();
    let all = async {
        let mut results = Vec::with_capacity(tasks.len());
        for t in tasks {
            results.push(t.await.map_err(|e| e.to_string()).and_then(|r| r));
        }
        results
    };
    let results = tokio::time::timeout(args.timeout, all)
        .await
        .map_err(|_| format!("timed out after {} s", args.timeout.as_secs()))?;
    let elapsed = started.elapsed().as_secs_f64();
    let _ = server.start_kill();
    let _ = server.wait().await;

    let acked: u64 = results.iter().filter_map(|r| r.as_ref().ok()).sum();
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    let stats = &ctx.stats;
    let requests = stats.requests.load(Ordering::Relaxed);
    println!("\ndone in {elapsed:.1} s");
    println!("  devices finished   {} of {}", results.len() - failed.len(), results.len());
    println!("  events acked       {acked}  ({:.0} events/s)", acked as f64 / elapsed);
    println!("  requests           {requests}  ({:.0} requests/s)", requests as f64 / elapsed);
    println!(
        "  retries            {}    errors (gave up) {}",
        stats.retries.load(Ordering::Relaxed),
        stats.errors.load(Ordering::Relaxed)
    );
    println!("\n  {:<24} {:>7} {:>9} {:>9} {:>9} {:>9}", "latency (ms)", "count", "p50", "p95", "p99", "max");
    let mut rows: Vec<(String, Vec<f64>)> = stats
        .latency
        .lock()
        .map(|m| m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
        .unwrap_or_default();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    if let Ok(w) = stats.waited.lock() {
        rows.push(("queued for a connection".into(), w.clone()));
    }
    for (kind, mut v) in rows {
        v.sort_by(f64::total_cmp);
        let max = v.last().copied().unwrap_or(0.0);
        println!(
            "  {kind:<24} {:>7} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            v.len(),
            percentile(&v, 50.0),
            percentile(&v, 95.0),
            percentile(&v, 99.0),
            max
        );
    }
    for e in failed.iter().take(5) {
        println!("  device error: {e}");
    }
    let check = check_exactly_once(&db_path, args.devices, args.events);
    match &check {
        Ok(line) => println!("\nexactly once: OK: {line}"),
        Err(line) => println!("\n{line}"),
    }
    check?;
    if !failed.is_empty() {
        return Err(format!("{} devices did not finish", failed.len()));
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match parse_args() {
        Ok(args) => run(args).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("onsite-load: {e}");
            ExitCode::FAILURE
        }
    }
}
