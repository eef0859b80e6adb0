//! A deterministic simulator of Onsite's sync, after FoundationDB's and TigerBeetle's: the real
//! code, a simulated world, one seed a run.
//!
//! - **Phones** run the real engine ([`onsite_core::engine::Round`]) with a driver like the app's
//!   (`src/sync.rs`): the same effects, in the same order, on a simulated storage (a map of
//!   [`LocalJob`]s, a cursor and a device counter) that can be full. Two phones of one engineer,
//!   and a second tab on the first phone (its own device id, the same storage, one round at a
//!   time between them, as the Web Locks make it).
//! - **The server** is the real one's push and pull (`onsite_server::store::sync::apply_push`,
//!   `pull_changes`) on a real SQLite database in memory, with the desk re-dispatching jobs.
//! - **The network** holds each request and each answer until a step delivers, drops,
//!   duplicates or reorders it; an answer can be lost after the server committed (a crash
//!   between commit and answer, a connection cut), a token can expire mid-round, a push can be
//!   too large, a tab can close mid-round, a clock can jump.
//!
//! A run is a [`Schedule`] of [`Step`]s made from a seed ([`schedule`]); after it, the network
//! heals and every phone syncs until quiet. [`check`]ed after every step and at the end: nothing
//! recorded is ever lost (it is on the server, or refused and kept on the phone and on the
//! server); nothing is applied twice; every event a phone marks synced is on the server; the
//! phones converge to the server. A failure names its seed and the shortest schedule that still
//! fails ([`shrink`]).

use chrono::{DateTime, Duration, TimeZone, Utc};
use onsite_core::engine::{Effect, Plant, Round, Session, Write, page_writes, start_cursor};
use onsite_core::sync::{LocalJob, SyncState, outbox};
use onsite_core::wire::{
    EventBody, EventWire, JobWire, NewJob, PullResponse, PushRequest, PushResponse, Role, User,
};
use onsite_core::{DeviceId, EventId, JobId, JobKind, Priority, UserId, VisitEvent};
use onsite_server::store;
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

/// A small, fast, seeded random source (SplitMix64): the same seed, the same run.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The phones: 0 and 1 are two phones of the engineer; 2 is a second tab of phone 0 (its own
/// device id, phone 0's storage).
pub const PHONES: usize = 3;
/// The jobs the desk opens for the engineer at the start.
pub const JOBS: usize = 3;
/// A pull's page in the simulation: small, so that paging is exercised.
pub const PAGE: usize = 4;

/// One thing that happens. Every step carries what it needs, so a schedule replays the same
/// with steps taken out (for [`shrink`]); a step that no longer applies does nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The engineer records an event on a job the phone holds.
    Record { phone: u8, job: u8, kind: u8 },
    /// The phone starts a sync round (if it has none running, nor its other tab).
    Sync { phone: u8 },
    /// The network delivers one of the phone's requests to the server (the `pick`-th waiting).
    Deliver { phone: u8, pick: u8 },
    /// The server handles one of the phone's requests twice (a retry in the network).
    Duplicate { phone: u8, pick: u8 },
    /// A request is lost before the server: the phone hears of no answer.
    DropRequest { phone: u8, pick: u8 },
    /// The server handles a request and commits, but the answer is lost.
    LoseAnswer { phone: u8, pick: u8 },
    /// One of the answers waiting reaches the phone.
    Answer { phone: u8, pick: u8 },
    /// The server answers the phone's next push 413 (too large), applying nothing.
    TooLarge { phone: u8 },
    /// The phone's access token is refused from now on (expired mid-round): the next request
    /// gets 401; a renewal gives a good one.
    ExpireToken { phone: u8 },
    /// The tab closes: its round is gone, its storage kept; requests already sent may still
    /// reach the server.
    Close { phone: u8 },
    /// The tab is killed in the middle of its round, after it performs `after` more effects
    /// (between two storage writes, say).
    Kill { phone: u8, after: u8 },
    /// The phone's storage is full, or has room again: a job's write fails, a few bytes (the
    /// cursor) still fit, as with a real quota.
    Quota { phone: u8, full: bool },
    /// The phone's clock jumps by this many minutes (the engineer moved it, or it lost time).
    ClockJump { phone: u8, minutes: i16 },
    /// A job's stored entry becomes unreadable (a hand edit, a storage fault): the app sets it
    /// aside (quarantine, never deleted) and starts a full pull, as `src/storage.rs` does.
    Corrupt { phone: u8, job: u8 },
    /// The desk re-dispatches a job, to the other engineer or back.
    Reassign { job: u8 },
    /// Time passes.
    Tick { seconds: u16 },
}

pub type Schedule = Vec<Step>;

/// A schedule from a seed.
pub fn schedule(seed: u64) -> Schedule {
    let mut rng = Rng::new(seed);
    let len = 20 + rng.below(100) as usize;
    let phone = |rng: &mut Rng| rng.below(PHONES as u64) as u8;
    (0..len)
        .map(|_| match rng.below(100) {
            0..=24 => Step::Record {
                phone: phone(&mut rng),
                job: rng.below(JOBS as u64) as u8,
                kind: rng.below(8) as u8,
            },
            25..=36 => Step::Sync { phone: phone(&mut rng) },
            37..=56 => Step::Deliver { phone: phone(&mut rng), pick: rng.below(4) as u8 },
            57..=70 => Step::Answer { phone: phone(&mut rng), pick: rng.below(4) as u8 },
            71..=73 => Step::Duplicate { phone: phone(&mut rng), pick: rng.below(4) as u8 },
            74..=76 => Step::DropRequest { phone: phone(&mut rng), pick: rng.below(4) as u8 },
            77..=80 => Step::LoseAnswer { phone: phone(&mut rng), pick: rng.below(4) as u8 },
            81 => Step::TooLarge { phone: phone(&mut rng) },
            82..=83 => Step::ExpireToken { phone: phone(&mut rng) },
            84 => Step::Close { phone: phone(&mut rng) },
            85 => Step::Kill { phone: phone(&mut rng), after: rng.below(4) as u8 },
            86..=87 => Step::Quota { phone: phone(&mut rng), full: rng.below(2) == 0 },
            88 => Step::ClockJump { phone: phone(&mut rng), minutes: rng.below(600) as i16 - 300 },
            92 => Step::Corrupt { phone: phone(&mut rng), job: rng.below(JOBS as u64) as u8 },
            89..=91 => Step::Reassign { job: rng.below(JOBS as u64) as u8 },
            _ => Step::Tick { seconds: 1 + rng.below(120) as u16 },
        })
        .collect()
}

/// What a run found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation(pub String);

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one run did, for the figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub steps: usize,
    pub recorded: usize,
    pub pushes: usize,
    pub pulls: usize,
    pub refused: usize,
}

/// A request in the network.
#[derive(Clone, Debug)]
enum Request {
    Push(PushRequest),
    Pull(i64),
}

#[derive(Clone, Debug)]
struct Sent {
    /// The round it belongs to (a closed tab's answers go nowhere).
    round: u64,
    request: Request,
}

#[derive(Clone, Debug)]
struct Reply {
    round: u64,
    status: u16,
    body: String,
    page: Option<PullResponse>,
}

/// A phone's storage, shared by its tabs.
#[derive(Clone, Debug, Default)]
struct Storage {
    jobs: BTreeMap<JobId, LocalJob>,
    /// Entries set aside as unreadable, kept.
    quarantine: Vec<LocalJob>,
    /// How many entries were set aside: a round that starts with it above what a full pull
    /// last answered pulls from 0 (`src/storage.rs`'s refetch counter).
    refetch: u32,
    /// The refetch counter a full pull last answered.
    refetched: u32,
    cursor: i64,
    full: bool,
}

struct Phone {
    device: DeviceId,
    seq: u64,
    /// Which [`Storage`] (phone 2 shares phone 0's).
    storage: usize,
    clock_minutes: i64,
    token_good: bool,
    too_large_next: bool,
    round: Option<(u64, Round)>,
    queue: VecDeque<Effect>,
    /// Killed after this many more effects.
    dies_after: Option<u8>,
    /// The round running pulls everything again, for the storage's refetch counter at this.
    refetching: Option<u32>,
    /// The request awaited, its round.
    awaiting: bool,
    requests: VecDeque<Sent>,
    replies: VecDeque<Reply>,
}

/// The simulated world of one run.
pub struct World {
    conn: Connection,
    desk: User,
    engineers: [User; 2],
    /// Who each job is with: 0 the engineer, 1 the other.
    with: Vec<usize>,
    jobs: Vec<JobId>,
    storages: Vec<Storage>,
    phones: Vec<Phone>,
    now: DateTime<Utc>,
    rounds: u64,
    /// Every event recorded, and on which storage.
    recorded: Vec<(VisitEvent, usize)>,
    stats: Stats,
    plant: Option<Plant>,
}

fn fail<T>(what: impl Into<String>) -> Result<T, Violation> {
    Err(Violation(what.into()))
}

fn sim_err(e: impl fmt::Display) -> Violation {
    Violation(format!("the simulation itself failed: {e}"))
}

impl World {
    /// The server with its accounts and the engineer's jobs; the phones empty.
    pub fn new(plant: Option<Plant>) -> Result<World, Violation> {
        let mut conn = onsite_server::db::open_memory().map_err(sim_err)?;
        let user = |n: u128, login: &str, role| {
            User::new(UserId(uuid::Uuid::from_u128(n)), login.into(), login.into(), vec![role])
        };
        let desk = user(1, "desk", Role::Dispatcher);
        let engineers = [user(2, "alice", Role::Engineer), user(3, "bob", Role::Engineer)];
        for u in [&desk, &engineers[0], &engineers[1]] {
            store::insert_user(&conn, u, "not a hash").map_err(sim_err)?;
        }
        let mut jobs = Vec::new();
        for n in 0..JOBS {
            let new = NewJob {
                kind: JobKind::Repair,
                priority: Priority::Normal,
                customer: format!("客户 {n}"),
                contact: "孙女士".into(),
                phone: "13800138000".into(),
                wechat: None,
                address: "上海市浦东新区张江路 88 号".into(),
                device_name: None,
                device_description: None,
                fault: "光猫红灯".into(),
                reported_at: None,
                appointment: None,
                assignee: Some("alice".into()),
                checklist: None,
                channel: None,
                remote_fix: None,
                complex: false,
            };
            jobs.push(onsite_server::dispatch::open(&mut conn, &desk, new).map_err(sim_err)?.id);
        }
        let phones = (0..PHONES)
            .map(|i| Phone {
                device: DeviceId(uuid::Uuid::from_u128(0xd0 + i as u128)),
                seq: 0,
                storage: if i == 2 { 0 } else { i },
                clock_minutes: 0,
                token_good: true,
                too_large_next: false,
                round: None,
                queue: VecDeque::new(),
                dies_after: None,
                refetching: None,
                awaiting: false,
                requests: VecDeque::new(),
                replies: VecDeque::new(),
            })
            .collect();
        let mut world = World {
            conn,
            desk,
            engineers,
            with: vec![0; JOBS],
            jobs,
            storages: vec![Storage::default(); 2],
            phones,
            now: Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).single().unwrap_or_default(),
            rounds: 0,
            recorded: Vec::new(),
            stats: Stats::default(),
            plant,
        };
        // Each phone logged in and synced once before the schedule begins: it holds the jobs.
        for phone in 0..2 {
            world.start_round(phone)?;
            world.finish_round(phone)?;
        }
        world.stats = Stats::default();
        Ok(world)
    }

    fn alice(&self) -> UserId {
        self.engineers[0].id
    }

    /// Whether a round runs on the phone's storage (this tab's or its other tab's).
    fn storage_busy(&self, storage: usize) -> bool {
        self.phones.iter().any(|p| p.storage == storage && p.round.is_some())
    }

    /// Runs one step, then performs what the phones' rounds ask until each waits on the network.
    pub fn step(&mut self, step: Step) -> Result<(), Violation> {
        self.stats.steps += 1;
        match step {
            Step::Record { phone, job, kind } => self.record(phone as usize, job as usize, kind),
            Step::Sync { phone } => self.start_round(phone as usize)?,
            Step::Deliver { phone, pick } => self.deliver(phone as usize, pick as usize, 1, true)?,
            Step::Duplicate { phone, pick } => self.deliver(phone as usize, pick as usize, 2, true)?,
            Step::LoseAnswer { phone, pick } => self.deliver(phone as usize, pick as usize, 1, false)?,
            Step::DropRequest { phone, pick } => {
                let p = &mut self.phones[phone as usize];
                if !p.requests.is_empty() {
                    let sent = p.requests.remove(pick as usize % p.requests.len());
                    if let Some(sent) = sent {
                        p.replies.push_back(Reply {
                            round: sent.round,
                            status: 0,
                            body: String::new(),
                            page: None,
                        });
                    }
                }
            }
            Step::Answer { phone, pick } => self.answer(phone as usize, pick as usize)?,
            Step::TooLarge { phone } => self.phones[phone as usize].too_large_next = true,
            Step::ExpireToken { phone } => self.phones[phone as usize].token_good = false,
            Step::Close { phone } => self.close(phone as usize),
            Step::Kill { phone, after } => self.phones[phone as usize].dies_after = Some(after),
            Step::Quota { phone, full } => {
                let s = self.phones[phone as usize].storage;
                self.storages[s].full = full;
            }
            Step::ClockJump { phone, minutes } => {
                self.phones[phone as usize].clock_minutes += i64::from(minutes)
            }
            Step::Corrupt { phone, job } => {
                let s = &mut self.storages[self.phones[phone as usize].storage];
                if let Some(gone) = s.jobs.remove(&self.jobs[job as usize]) {
                    s.quarantine.push(gone);
                    s.refetch += 1;
                }
            }
            Step::Reassign { job } => self.reassign(job as usize)?,
            Step::Tick { seconds } => self.now += Duration::seconds(i64::from(seconds)),
        }
        self.now += Duration::milliseconds(250);
        self.check_kept()
    }

    fn close(&mut self, phone: usize) {
        let p = &mut self.phones[phone];
        p.round = None;
        p.queue.clear();
        p.awaiting = false;
        p.dies_after = None;
    }

    fn record(&mut self, phone: usize, job: usize, kind: u8) {
        let s = self.phones[phone].storage;
        let id = self.jobs[job];
        let storage = &self.storages[s];
        let Some(held) = storage.jobs.get(&id) else { return };
        if held.removed || storage.full {
            // The app refuses to record on a job taken away, or with storage full (and says so).
            return;
        }
        let p = &mut self.phones[phone];
        let kind = match kind {
            0 => EventBody::CustomerContacted,
            1 => EventBody::Departed,
            2 => EventBody::Arrived,
            _ => EventBody::NoteAdded { text: format!("记录 {} {}", phone, p.seq + 1) },
        };
        p.seq += 1;
        let event = EventWire {
            id: EventId(uuid::Uuid::from_u128(((phone as u128 + 1) << 64) | u128::from(p.seq))),
            job_id: id,
            device_id: p.device,
            seq: p.seq,
            device_time: self.now + Duration::minutes(p.clock_minutes),
            body: kind,
            received_at: None,
            rev: None,
        }
        .to_event();
        let mut job = held.clone();
        job.record(event.clone());
        self.storages[s].jobs.insert(id, job);
        self.recorded.push((event, s));
        self.stats.recorded += 1;
    }

    fn start_round(&mut self, phone: usize) -> Result<(), Violation> {
        let s = self.phones[phone].storage;
        if self.storage_busy(s) {
            return Ok(());
        }
        let storage = &self.storages[s];
        let pending: Vec<EventWire> = outbox(storage.jobs.values().flat_map(|j| j.pending()))
            .into_iter()
            .map(|e| EventWire::from_event(e, None))
            .collect();
        let session = Session { near_expiry: false, can_renew: true };
        // An entry set aside since the last full pull: this round pulls everything again.
        let (cursor, refetch) = start_cursor(storage.cursor, storage.refetch, storage.refetched);
        let (round, effects) = match self.plant {
            Some(plant) => Round::start_planted(pending, cursor, session, plant),
            None => Round::start(pending, cursor, session),
        };
        self.rounds += 1;
        let p = &mut self.phones[phone];
        p.refetching = refetch;
        p.round = Some((self.rounds, round));
        p.queue.extend(effects);
        p.awaiting = false;
        self.pump(phone)
    }

    /// Performs the phone's effects, in order, until one waits for an answer or the round ends.
    fn pump(&mut self, phone: usize) -> Result<(), Violation> {
        while let Some(effect) = self.phones[phone].queue.pop_front() {
            let Some(round_id) = self.phones[phone].round.as_ref().map(|(id, _)| *id) else {
                self.phones[phone].queue.clear();
                return Ok(());
            };
            match self.phones[phone].dies_after {
                Some(0) => {
                    self.close(phone);
                    return Ok(());
                }
                Some(n) => self.phones[phone].dies_after = Some(n - 1),
                None => {}
            }
            let s = self.phones[phone].storage;
            let stored = match effect {
                Effect::Push(_) | Effect::Pull(_) if self.phones[phone].awaiting => {
                    return fail(format!(
                        "the engine asked for a second request while one is in flight: {effect:?}"
                    ));
                }
                Effect::Push(req) => {
                    self.stats.pushes += 1;
                    let p = &mut self.phones[phone];
                    p.requests.push_back(Sent { round: round_id, request: Request::Push(req) });
                    p.awaiting = true;
                    Ok(())
                }
                Effect::Pull(cursor) => {
                    self.stats.pulls += 1;
                    let p = &mut self.phones[phone];
                    p.requests.push_back(Sent { round: round_id, request: Request::Pull(cursor) });
                    p.awaiting = true;
                    Ok(())
                }
                Effect::Renew => {
                    // The refresh is taken as answered: a new token, stored first.
                    self.phones[phone].token_good = true;
                    let more = self.with_round(phone, |r| r.renewed(Ok(())));
                    self.phones[phone].queue.extend(more);
                    Ok(())
                }
                Effect::StoreAcks(by_job) => self.write_jobs(s, by_job.keys().copied().collect(), |job| {
                    by_job.get(&job.job.id).map_or(0, |acks| job.apply_acks(acks))
                }),
                Effect::StoreRejections(by_job) => {
                    self.stats.refused += by_job.values().map(Vec::len).sum::<usize>();
                    self.write_jobs(s, by_job.keys().copied().collect(), |job| {
                        by_job.get(&job.job.id).map_or(0, |r| job.apply_rejections(r))
                    })
                }
                Effect::StorePage(page) => {
                    let storage = &self.storages[s];
                    let writes = page_writes(&page, |id| storage.jobs.get(&id).cloned());
                    if storage.full && !writes.is_empty() {
                        Err(())
                    } else {
                        let storage = &mut self.storages[s];
                        for w in writes {
                            match w {
                                Write::Save(job) => {
                                    storage.jobs.insert(job.job.id, job);
                                }
                                Write::Forget(id) => {
                                    storage.jobs.remove(&id);
                                }
                            }
                        }
                        Ok(())
                    }
                }
                Effect::SaveCursor(cursor) => {
                    // A few bytes: they fit even when a job's write does not.
                    self.storages[s].cursor = cursor;
                    // The full pull has begun from 0 with its first page stored: the sets-aside
                    // it answers are done with (not any made since it started).
                    if let Some(n) = self.phones[phone].refetching.take() {
                        self.storages[s].refetched = self.storages[s].refetched.max(n);
                    }
                    Ok(())
                }
                Effect::ClockSample(_) | Effect::Sent(_) | Effect::Received(_) => Ok(()),
                Effect::Done(_) => {
                    let p = &mut self.phones[phone];
                    p.round = None;
                    p.awaiting = false;
                    Ok(())
                }
            };
            if stored.is_err() {
                // Storage refused a write: the driver ends the round, keeping everything.
                let p = &mut self.phones[phone];
                p.round = None;
                p.queue.clear();
                p.awaiting = false;
                return Ok(());
            }
        }
        Ok(())
    }

    fn with_round(&mut self, phone: usize, f: impl FnOnce(&mut Round) -> Vec<Effect>) -> Vec<Effect> {
        match self.phones[phone].round.as_mut() {
            Some((_, round)) => f(round),
            None => Vec::new(),
        }
    }

    /// A read-modify-write of stored jobs; fails (writing nothing) when storage is full.
    fn write_jobs(
        &mut self,
        s: usize,
        ids: Vec<JobId>,
        mut change: impl FnMut(&mut LocalJob) -> usize,
    ) -> Result<(), ()> {
        let storage = &mut self.storages[s];
        let mut changed = Vec::new();
        for id in ids {
            if let Some(mut job) = storage.jobs.get(&id).cloned()
                && change(&mut job) > 0
            {
                changed.push(job);
            }
        }
        if storage.full && !changed.is_empty() {
            return Err(());
        }
        for job in changed {
            storage.jobs.insert(job.job.id, job);
        }
        Ok(())
    }

    /// The server handles one waiting request `times` times; its answer is kept (or lost).
    fn deliver(&mut self, phone: usize, pick: usize, times: usize, answered: bool) -> Result<(), Violation> {
        let p = &mut self.phones[phone];
        if p.requests.is_empty() {
            return Ok(());
        }
        let Some(sent) = p.requests.remove(pick % p.requests.len()) else { return Ok(()) };
        let mut reply = None;
        for _ in 0..times {
            reply = Some(self.serve(phone, &sent)?);
        }
        let p = &mut self.phones[phone];
        match reply {
            Some(reply) if answered => p.replies.push_back(reply),
            Some(reply) => p.replies.push_back(Reply { status: 0, body: String::new(), page: None, ..reply }),
            None => {}
        }
        Ok(())
    }

    fn serve(&mut self, phone: usize, sent: &Sent) -> Result<Reply, Violation> {
        let alice = self.alice();
        let p = &mut self.phones[phone];
        let round = sent.round;
        if !p.token_good {
            return Ok(Reply { round, status: 401, body: String::new(), page: None });
        }
        match &sent.request {
            Request::Push(req) => {
                if std::mem::take(&mut p.too_large_next) {
                    return Ok(Reply { round, status: 413, body: String::new(), page: None });
                }
                let at = self.now;
                match onsite_server::store::sync::apply_push(&mut self.conn, alice, req, at) {
                    Ok(acked) => {
                        let body = serde_json::to_string(&PushResponse { acked }).map_err(sim_err)?;
                        Ok(Reply { round, status: 200, body, page: None })
                    }
                    Err(e) => {
                        let body = e.body();
                        let status = onsite_server::error::status_of(body.error).as_u16();
                        if status >= 500 {
                            return fail(format!("the server failed a push: {e}"));
                        }
                        Ok(Reply {
                            round,
                            status,
                            body: serde_json::to_string(&body).map_err(sim_err)?,
                            page: None,
                        })
                    }
                }
            }
            Request::Pull(cursor) => {
                let page = onsite_server::store::sync::pull_changes(&mut self.conn, alice, *cursor, PAGE)
                    .map_err(|e| Violation(format!("the server failed a pull: {e}")))?;
                Ok(Reply { round, status: 200, body: String::new(), page: Some(page) })
            }
        }
    }

    /// One waiting answer reaches the phone: the round it was for hears it.
    fn answer(&mut self, phone: usize, pick: usize) -> Result<(), Violation> {
        let p = &mut self.phones[phone];
        if p.replies.is_empty() {
            return Ok(());
        }
        let Some(reply) = p.replies.remove(pick % p.replies.len()) else { return Ok(()) };
        let current = p.round.as_ref().map(|(id, _)| *id);
        if current != Some(reply.round) || !p.awaiting {
            // For a closed tab's round, or one that already moved on: nobody listens.
            return Ok(());
        }
        p.awaiting = false;
        let effects = self.with_round(phone, |round| match &reply.page {
            Some(page) => round.pulled(Ok(page.clone())),
            None if round.is_pulling() => round.pulled(Err(match reply.status {
                401 => onsite_core::sync::SyncProblem::LoginAgain,
                status => onsite_core::sync::status_problem(status),
            })),
            None => round.pushed(reply.status, &reply.body),
        });
        self.phones[phone].queue.extend(effects);
        self.pump(phone)
    }

    fn reassign(&mut self, job: usize) -> Result<(), Violation> {
        let to = 1 - self.with[job];
        let login = self.engineers[to].login.clone();
        let desk = self.desk.clone();
        match onsite_server::dispatch::assign(&mut self.conn, &desk, self.jobs[job], &login, "改派") {
            Ok(_) => {
                self.with[job] = to;
                Ok(())
            }
            // A completed visit is not re-dispatched: nothing to do.
            Err(onsite_server::error::Error::Conflict(_)) => Ok(()),
            Err(e) => fail(format!("the desk could not re-dispatch: {e}")),
        }
    }

    /// Nothing recorded is ever lost, after every step: each recorded event is on the server,
    /// or still held by the phone that recorded it (pending or refused).
    fn check_kept(&self) -> Result<(), Violation> {
        let on_server = self.server_events()?;
        for (event, s) in &self.recorded {
            if on_server.contains_key(&event.id) {
                continue;
            }
            let held = self.storages[*s]
                .jobs
                .get(&event.job_id)
                .and_then(|j| j.events.iter().find(|l| l.event.id == event.id));
            match held {
                Some(l) if matches!(l.sync, SyncState::Acked { .. }) => {
                    return fail(format!(
                        "event {} is marked synced on the phone but the server does not hold it",
                        event.id
                    ));
                }
                Some(_) => {}
                None if self.quarantined(*s, event.id) => {}
                None => {
                    return fail(format!(
                        "event {} was recorded, is not on the server, and the phone no longer holds it",
                        event.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether an event is in an entry the storage set aside (kept, reported, not sent).
    fn quarantined(&self, s: usize, id: EventId) -> bool {
        self.storages[s].quarantine.iter().any(|j| j.events.iter().any(|l| l.event.id == id))
    }

    fn server_events(&self) -> Result<BTreeMap<EventId, VisitEvent>, Violation> {
        let mut stmt = self.conn.prepare("SELECT body FROM events").map_err(sim_err)?;
        let bodies = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(sim_err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sim_err)?;
        bodies
            .iter()
            .map(|b| serde_json::from_str::<VisitEvent>(b).map(|e| (e.id, e)).map_err(sim_err))
            .collect()
    }

    fn refused_ids(&self) -> Result<BTreeSet<EventId>, Violation> {
        let mut stmt = self.conn.prepare("SELECT event_id FROM refusals").map_err(sim_err)?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(sim_err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sim_err)?;
        Ok(ids.iter().filter_map(|s| s.parse::<uuid::Uuid>().ok()).map(EventId).collect())
    }

    /// Delivers and answers the phone's requests in order until its round ends.
    fn finish_round(&mut self, phone: usize) -> Result<(), Violation> {
        for _ in 0..10_000 {
            if self.phones[phone].round.is_none() {
                return Ok(());
            }
            if !self.phones[phone].requests.is_empty() {
                self.deliver(phone, 0, 1, true)?;
            }
            let p = &mut self.phones[phone];
            // Answers for the round running, oldest first; a closed round's are dropped.
            let current = p.round.as_ref().map(|(id, _)| *id);
            p.replies.retain(|r| Some(r.round) == current);
            if !p.replies.is_empty() {
                self.answer(phone, 0)?;
            } else if self.phones[phone].requests.is_empty() && self.phones[phone].round.is_some() {
                return fail("a round waits for an answer that will never come");
            }
        }
        fail("a round never ended on a quiet network")
    }

    /// The network heals, storage has room, tokens are good: every phone syncs, each request
    /// delivered and answered in order, until a round of every phone ends with nothing pending;
    /// then one more round each, so every phone has pulled what the others pushed last.
    pub fn quiet(&mut self) -> Result<(), Violation> {
        for s in &mut self.storages {
            s.full = false;
        }
        for p in &mut self.phones {
            p.token_good = true;
            p.too_large_next = false;
            p.dies_after = None;
        }
        for _ in 0..50 {
            for phone in 0..PHONES {
                self.start_round(phone)?;
                self.finish_round(phone)?;
            }
            let pending = self.storages.iter().any(|s| s.jobs.values().any(|j| j.pending().next().is_some()));
            if !pending {
                for phone in 0..PHONES {
                    self.start_round(phone)?;
                    self.finish_round(phone)?;
                }
                return Ok(());
            }
        }
        fail("the phones never became quiet")
    }

    /// After [`World::quiet`]: nothing lost, nothing twice, every synced event on the server,
    /// the phones the same as the server.
    pub fn check_final(&self) -> Result<(), Violation> {
        self.check_kept()?;
        let on_server = self.server_events()?;
        let refused = self.refused_ids()?;
        for (event, s) in &self.recorded {
            match on_server.get(&event.id) {
                Some(stored) if stored != event => {
                    return fail(format!("event {} is on the server with other content", event.id));
                }
                Some(_) => {}
                // Set aside in an unreadable entry: kept and reported, never sent.
                None if self.quarantined(*s, event.id) => {}
                None => {
                    let held = self.storages[*s]
                        .jobs
                        .get(&event.job_id)
                        .and_then(|j| j.events.iter().find(|l| l.event.id == event.id));
                    let rejected = held.is_some_and(|l| matches!(l.sync, SyncState::Rejected { .. }));
                    if !(rejected && refused.contains(&event.id)) {
                        return fail(format!(
                            "event {} is not on the server after a quiet round (refused on the phone: {rejected}, kept by the server as refused: {})",
                            event.id,
                            refused.contains(&event.id)
                        ));
                    }
                }
            }
        }
        // Each device's sequence numbers on the server are those it recorded, each once.
        let mut by_device: BTreeMap<DeviceId, Vec<u64>> = BTreeMap::new();
        for e in on_server.values() {
            by_device.entry(e.device_id).or_default().push(e.seq);
        }
        for (device, seqs) in &by_device {
            let unique: BTreeSet<&u64> = seqs.iter().collect();
            if unique.len() != seqs.len() {
                return fail(format!("device {device} has a sequence number twice on the server"));
            }
        }
        // The phones converge: every job with the engineer holds what the server holds, synced.
        let mine: Vec<JobWire> = store::query_jobs(
            &self.conn,
            &format!("SELECT {} FROM jobs WHERE assignee = ?1", store::JOB_COLUMNS),
            [self.alice().to_string()],
        )
        .map_err(sim_err)?;
        for (s, storage) in self.storages.iter().enumerate() {
            for job in &mine {
                let Some(held) = storage.jobs.get(&job.id) else {
                    return fail(format!("phone storage {s} lacks job {} the engineer holds", job.id));
                };
                if held.rev != job.rev || held.removed {
                    return fail(format!(
                        "phone storage {s} holds job {} at rev {} (removed: {}), the server at {}",
                        job.id, held.rev, held.removed, job.rev
                    ));
                }
                let server: BTreeSet<EventId> =
                    on_server.values().filter(|e| e.job_id == job.id).map(|e| e.id).collect();
                let synced: BTreeSet<EventId> = held
                    .events
                    .iter()
                    .filter(|l| matches!(l.sync, SyncState::Acked { .. }))
                    .map(|l| l.event.id)
                    .collect();
                if server != synced {
                    return fail(format!(
                        "phone storage {s}, job {}: the server holds {} events, the phone {} synced",
                        job.id,
                        server.len(),
                        synced.len()
                    ));
                }
                if held.pending().next().is_some() {
                    return fail(format!(
                        "phone storage {s}, job {}: events still pending after a quiet round",
                        job.id
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }
}

/// Runs a schedule from a fresh world; the first violation, if any.
pub fn replay(schedule: &[Step], plant: Option<Plant>) -> Result<Stats, Violation> {
    let mut world = World::new(plant)?;
    for step in schedule {
        world.step(*step)?;
    }
    world.quiet()?;
    world.check_final()?;
    Ok(world.stats())
}

/// A failed run: its seed, what went wrong, and the shortest schedule found that still fails.
#[derive(Clone, Debug)]
pub struct Failure {
    pub seed: u64,
    pub violation: Violation,
    pub schedule: Schedule,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seed {} failed: {}", self.seed, self.violation)?;
        writeln!(f, "shortest schedule found ({} steps):", self.schedule.len())?;
        for (i, s) in self.schedule.iter().enumerate() {
            writeln!(f, "  {i:>3}. {s:?}")?;
        }
        Ok(())
    }
}

/// The shortest schedule found that still fails: chunks, then single steps, taken out while
/// the run still fails.
pub fn shrink(schedule: &[Step], plant: Option<Plant>) -> Schedule {
    let mut best: Schedule = schedule.to_vec();
    let mut chunk = best.len().div_ceil(2).max(1);
    loop {
        let mut i = 0;
        let mut shrunk = false;
        while i < best.len() {
            let mut candidate = best.clone();
            candidate.drain(i..(i + chunk).min(candidate.len()));
            if replay(&candidate, plant).is_err() {
                best = candidate;
                shrunk = true;
            } else {
                i += chunk;
            }
        }
        if chunk == 1 && !shrunk {
            return best;
        }
        chunk = (chunk / 2).max(1);
    }
}

/// Runs one seed; a failure comes shrunk.
pub fn run(seed: u64, plant: Option<Plant>) -> Result<Stats, Failure> {
    let steps = schedule(seed);
    replay(&steps, plant).map_err(|violation| Failure { seed, schedule: shrink(&steps, plant), violation })
}
