//! The sync driver: runs rounds of push-then-pull, and decides when.
//!
//! What a round does, in what order, and what an answer *means* is decided in
//! `onsite_core::engine` (proven by the simulator, `crates/sim`); this module performs its
//! effects between storage, the network and the view ([`drive`]), in an order that loses nothing:
//! - pushed events are marked synced only from the server's acknowledgement, and that mark is
//!   written to storage before the view changes;
//! - pulled changes are stored before the cursor advances;
//! - a failed round keeps everything and retries with backoff and jitter.
//!
//! Rounds run at start, on the browser's `online` event, when the app returns to the
//! foreground, from the "Sync now" button, every minute while online, and [`Sync::SOON`] after
//! the last of a run of recorded events (so a tap's own rendering never shares the main thread
//! with a round, and a burst of taps goes in one push). One round at a time; triggers during a
//! round start one more after it.

use crate::api;
use crate::debounce::Debounce;
use crate::locks;
use crate::state::{Auth, Deployment, Jobs, Stock};
use crate::storage::{Store, StoreError, SyncRecord};
use chrono::Utc;
use futures::channel::mpsc::{UnboundedSender, unbounded};
use futures::{FutureExt, StreamExt, pin_mut, select};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::engine::{Effect, Round, RoundEnd, Session, Write, page_writes, start_cursor};
use onsite_core::ids::JobId;
use onsite_core::sync::{
    LocalJob, SyncProblem, WaitOutcome, clock_skew, jobs_touched, outbox, retry_delay, should_refresh,
    watch_step,
};
use onsite_core::wire::{EventAck, EventWire, PullResponse};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

/// How often to sync while idle and online.
const PERIOD: Duration = Duration::from_secs(60);

/// Why a round stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoundError {
    #[error("not logged in")]
    LoginAgain,
    #[error("{0:?}")]
    Failed(SyncProblem),
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl RoundError {
    /// What the sync status says of it.
    pub fn problem(&self) -> SyncProblem {
        match self {
            RoundError::LoginAgain => SyncProblem::LoginAgain,
            RoundError::Failed(p) => p.clone(),
            RoundError::Storage(e) => SyncProblem::Storage { full: *e == StoreError::QuotaFull },
        }
    }
}

/// The sync status the status bar shows, and the trigger.
#[derive(Clone, Copy)]
pub struct Sync {
    pub running: RwSignal<bool>,
    pub record: RwSignal<SyncRecord>,
    pub online: RwSignal<bool>,
    /// Shows the progress of a long sync: events sent, changes received in this round.
    pub progress: RwSignal<(usize, usize)>,
    trigger: StoredValue<Option<UnboundedSender<()>>>,
    /// [`Sync::soon`]'s timer: only the last call's triggers a round.
    soon: Debounce,
}

impl Sync {
    pub fn new() -> Self {
        Sync {
            running: RwSignal::new(false),
            record: RwSignal::new(Store::sync_record()),
            online: RwSignal::new(is_online()),
            progress: RwSignal::new((0, 0)),
            trigger: StoredValue::new(None),
            soon: Debounce::new(),
        }
    }

    /// How long after a recorded event its round starts, unless another event comes first.
    pub const SOON: Duration = Duration::from_millis(800);

    /// Asks for a round [`Sync::SOON`] from now, after each recorded event: a run of events
    /// (ticking steps one after another) is sent in one round, after the last of them.
    pub fn soon(&self) {
        let this = *self;
        self.soon.after(Self::SOON, move || this.now());
    }

    /// Asks for a round now (or right after the one running).
    pub fn now(&self) {
        self.trigger.with_value(|t| {
            if let Some(tx) = t {
                // The receiver lives as long as the app; a send can only fail after teardown.
                let _ = tx.unbounded_send(());
            }
        });
    }

    /// Starts the scheduler, and the watch that wakes it. Call once.
    pub fn start(self, jobs: Jobs, auth: Auth, stock: Stock, deployment: Deployment) {
        let (tx, mut rx) = unbounded::<()>();
        self.trigger.set_value(Some(tx));
        spawn_local(self.watch(auth));
        spawn_local(async move {
            let mut failures: u32 = 0;
            let mut wait = Duration::ZERO;
            loop {
                {
                    let timer = TimeoutFuture::new(wait.as_millis().min(u32::MAX as u128) as u32).fuse();
                    let next = rx.next().fuse();
                    pin_mut!(timer, next);
                    select! {
                        _ = timer => {},
                        msg = next => if msg.is_none() { return },
                    }
                }
                // Coalesce the triggers that queued up.
                while rx.try_recv().is_ok() {}
                self.online.set(is_online());
                if !is_online() || auth.session.get_untracked().is_none() || auth.expired.get_untracked() {
                    wait = PERIOD;
                    continue;
                }
                // One tab at a time runs a round (the others wait their turn, then find nothing
                // left to send): the outbox is never sent twice, nor a refresh token traded twice.
                let this = self;
                let round = locks::exclusive_async(locks::SYNC, move || async move {
                    this.round(jobs, auth, stock, deployment).await
                })
                .await
                .unwrap_or_else(|e| Err(RoundError::Storage(StoreError::Unavailable(e.to_string()))));
                match round {
                    Ok(()) => {
                        failures = 0;
                        wait = PERIOD;
                        // What the server now holds may leave the phone once its period is over.
                        let policy = deployment.policy();
                        let van_rev = stock.van_rev();
                        if let Err(e) = locked(move || jobs.prune(policy, van_rev)).await {
                            self.record.update(|r| r.last_problem = Some(e.problem()));
                        }
                    }
                    Err(RoundError::LoginAgain) => {
                        auth.expired.set(true);
                        wait = PERIOD;
                    }
                    Err(_) => {
                        failures = failures.saturating_add(1);
                        wait = retry_delay(failures, js_sys::Math::random());
                    }
                }
            }
        });
    }

    /// While the app is open, online and logged in, waits on the server's long poll and starts
    /// a round as soon as something for this engineer changed: a dispatch or a cancellation
    /// shows within a second or two, not at the next minute's round. What to do after each
    /// wait is `onsite_core::sync::watch_step`.
    async fn watch(self, auth: Auth) {
        // How often an idle watch looks whether it can wait again (online, logged in): a local
        // check, so a phone that comes online or logs in is watched within two seconds.
        const IDLE_MS: u32 = 2_000;
        let mut failures: u32 = 0;
        let mut synced_for: Option<i64> = None;
        let slot = locks::writer_slot().await;
        loop {
            let session = auth.session.get_untracked();
            let token = match session {
                Some(s) if is_online() && !auth.expired.get_untracked() => s.token,
                // Offline or logged out: look again shortly.
                _ => {
                    TimeoutFuture::new(IDLE_MS).await;
                    continue;
                }
            };
            let cursor_and_device = Store::cursor().and_then(|c| Ok((c, Store::device_in(slot)?.id)));
            let (cursor, device) = match cursor_and_device {
                Ok(found) => found,
                Err(_) => {
                    TimeoutFuture::new(IDLE_MS).await;
                    continue;
                }
            };
            let outcome = match api::wait_for_changes(&token, cursor, device).await {
                Ok(c) if c.changed => WaitOutcome::Changed { again: synced_for == Some(cursor) },
                Ok(_) => WaitOutcome::Quiet,
                Err(api::ApiError::Unauthorized) => WaitOutcome::Unauthorized,
                Err(_) => WaitOutcome::Failed,
            };
            let (step, now_failing) = watch_step(outcome, failures, js_sys::Math::random());
            failures = now_failing;
            if step.sync {
                synced_for = Some(cursor);
                self.now();
                // Let the round start and finish before waiting on its new cursor.
                TimeoutFuture::new(300).await;
                while self.running.get_untracked() {
                    TimeoutFuture::new(300).await;
                }
            }
            if !step.pause.is_zero() {
                TimeoutFuture::new(step.pause.as_millis().min(u32::MAX as u128) as u32).await;
            }
        }
    }

    /// One round: push everything pending, then pull everything new. An access token near its
    /// end is renewed first; a 401 renews it once and tries again; only a refused refresh asks
    /// the engineer to log in (and nothing is lost meanwhile).
    async fn round(
        &self,
        jobs: Jobs,
        auth: Auth,
        stock: Stock,
        deployment: Deployment,
    ) -> Result<(), RoundError> {
        // Another tab may have renewed the session (and so spent the refresh token this tab
        // holds) or logged out: the stored session is the one to use.
        let stored = Store::session()?;
        if auth.session.with_untracked(|s| *s != stored) {
            auth.session.set(stored);
        }
        self.running.set(true);
        self.progress.set((0, 0));
        let skew = RwSignal::new(None);
        let result = drive(jobs, auth, stock, deployment, self.progress, skew).await;
        self.running.set(false);
        let mut record = self.record.get_untracked();
        if let Some(s) = skew.get_untracked() {
            record.clock_skew_secs = Some(s);
        }
        match &result {
            Ok(()) => {
                record.last_success = Some(Utc::now());
                record.last_problem = None;
            }
            Err(e) => record.last_problem = Some(e.problem()),
        }
        // The status record is a convenience; failing to store it must not fail the round.
        if let Err(e) = Store::save_sync_record(&record) {
            record.last_problem.get_or_insert(RoundError::Storage(e).problem());
        }
        self.record.set(record);
        result
    }
}

impl Default for Sync {
    fn default() -> Self {
        Self::new()
    }
}

pub fn is_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(false)
}

/// A stored job with this tab's copy merged in (`LocalJob::merge_replica`), and whether
/// storage lacked anything of it: every write starts from the union, so none drops an event
/// that another tab wrote over from an older copy. A job missing from storage (another tab set
/// its entry aside as unreadable) whose copy here holds unsynced events is this tab's copy,
/// behind: the caller writes it back.
pub fn load_merged(jobs: Jobs, id: JobId) -> Result<Option<(LocalJob, bool)>, StoreError> {
    let mine = jobs.job_untracked(id);
    let Some(mut job) = Store::load_job(id)? else {
        return Ok(mine.filter(LocalJob::holds_unsynced).map(|job| (job, true)));
    };
    let behind = mine.is_some_and(|mine| job.merge_replica(&mine) > 0);
    Ok(Some((job, behind)))
}

/// Runs a read-modify-write of stored jobs under the tabs' write lock.
async fn locked<T: 'static>(work: impl FnOnce() -> Result<T, StoreError> + 'static) -> Result<T, RoundError> {
    locks::exclusive(locks::WRITE, work)
        .await
        .map_err(|e| RoundError::Storage(StoreError::Unavailable(e.to_string())))?
        .map_err(RoundError::Storage)
}

/// Applies a change to stored jobs, under the write lock, and returns them as stored: the
/// caller shows them (storage first, then the view).
async fn update_stored(
    jobs: Jobs,
    ids: Vec<JobId>,
    mut change: impl FnMut(&mut LocalJob) -> usize + 'static,
) -> Result<Vec<LocalJob>, RoundError> {
    locked(move || {
        let mut stored = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some((mut job, behind)) = load_merged(jobs, id)? {
                if change(&mut job) > 0 || behind {
                    Store::save_job(&job)?;
                }
                stored.push(job);
            }
        }
        Ok(stored)
    })
    .await
}

/// Re-reads the jobs with pending events, when storage says otherwise than the view about what
/// is pending: another tab may have sent (or recorded) events since this tab last looked.
fn refresh_pending(jobs: Jobs) -> Result<(), StoreError> {
    let ids: Vec<JobId> = jobs.all.with_untracked(|all| {
        all.iter().filter(|j| j.pending().next().is_some()).map(|j| j.job.id).collect()
    });
    for id in ids {
        let Some(stored) = Store::load_job(id)? else {
            // Its pending events are kept: the acknowledgements write it back (`load_merged`).
            continue;
        };
        let pending = |j: &LocalJob| j.pending().map(|e| e.id).collect::<Vec<_>>();
        let stale = jobs.all.with_untracked(|all| {
            all.iter().find(|j| j.job.id == id).is_none_or(|j| pending(j) != pending(&stored))
        });
        if stale {
            jobs.put(stored);
        }
    }
    Ok(())
}

/// Acknowledged jobs, stored and waiting to be shown. Showing a change re-renders every view of
/// the jobs, so a long push shows them at most once per [`Shown::EVERY_MS`] and at its end
/// (also when it ends in an error: the drop shows what is held).
struct Shown {
    jobs: Jobs,
    held: BTreeMap<JobId, LocalJob>,
    last: f64,
}

impl Shown {
    const EVERY_MS: f64 = 1_000.0;

    fn new(jobs: Jobs) -> Self {
        Shown { jobs, held: BTreeMap::new(), last: js_sys::Date::now() }
    }

    fn hold(&mut self, stored: Vec<LocalJob>) {
        for job in stored {
            self.held.insert(job.job.id, job);
        }
        if js_sys::Date::now() - self.last >= Self::EVERY_MS {
            self.show();
        }
    }

    fn show(&mut self) {
        self.last = js_sys::Date::now();
        if !self.held.is_empty() {
            self.jobs.put_all(std::mem::take(&mut self.held).into_values());
        }
    }
}

impl Drop for Shown {
    fn drop(&mut self) {
        self.show();
    }
}

/// One round, as `onsite_core::engine::Round` decides it: its effects performed in order, each
/// answer fed back. The access token is renewed when the engine asks (near its end, or refused
/// once), the new session stored before it is used. A storage write that fails ends the round
/// with everything kept.
async fn drive(
    jobs: Jobs,
    auth: Auth,
    stock: Stock,
    deployment: Deployment,
    progress: RwSignal<(usize, usize)>,
    skew: RwSignal<Option<i64>>,
) -> Result<(), RoundError> {
    let session = auth.session.get_untracked().ok_or(RoundError::LoginAgain)?;
    let mut token = session.token.clone();
    // The sync lock keeps other tabs from sending until this round ends; what they sent before
    // it is read once, here (when there are other tabs: alone, this tab's view is storage).
    if locks::other_tabs().await {
        refresh_pending(jobs)?;
    }
    let outbox: Vec<EventWire> = jobs.all.with_untracked(|all| {
        outbox(all.iter().flat_map(|j| j.pending()))
            .into_iter()
            .map(|e| EventWire::from_event(e, None))
            .collect()
    });
    let started = Session {
        near_expiry: should_refresh(session.expires_at, Utc::now()),
        can_renew: session.refresh_token.is_some(),
    };
    // A job's entry set aside since the last full pull: this round pulls everything again.
    let refetch = Store::refetch();
    let (cursor, mut refetching) = start_cursor(Store::cursor()?, refetch.asked, refetch.answered);
    let (mut round, first) = Round::start(outbox, cursor, started);
    let mut queue: VecDeque<Effect> = first.into();
    let mut shown = Shown::new(jobs);
    let mut flight: Option<Flight> = None;
    // The phone's clock around the push last answered, for the clock skew.
    let mut timing = (Utc::now(), Utc::now());
    loop {
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Renew => {
                    let answer = renew(auth).await;
                    let renewed = match answer {
                        Ok(t) => {
                            token = t;
                            Ok(())
                        }
                        Err(RoundError::LoginAgain) => Err(None),
                        Err(RoundError::Failed(problem)) => Err(Some(problem)),
                        Err(e @ RoundError::Storage(_)) => return Err(e),
                    };
                    queue.extend(round.renewed(renewed));
                }
                Effect::Push(request) => {
                    let body = api::push_body(&request).map_err(|e| RoundError::Failed(e.problem()))?;
                    flight = Some(Flight::Push(Box::pin(send(&token, body))));
                }
                Effect::Pull(cursor) => {
                    // The pushes are over: what they acknowledged shows now, not after the pull
                    // (which brings those events back, a long wait after a large push).
                    shown.show();
                    let token = token.clone();
                    flight = Some(Flight::Pull(Box::pin(async move { api::pull(&token, cursor).await })));
                }
                Effect::StoreAcks(by_job) => shown.hold(store_acks(jobs, by_job).await?),
                Effect::StoreRejections(by_job) => {
                    let ids = by_job.keys().copied().collect();
                    shown.hold(
                        update_stored(jobs, ids, move |job| {
                            by_job.get(&job.job.id).map_or(0, |r| job.apply_rejections(r))
                        })
                        .await?,
                    );
                }
                Effect::ClockSample(received_at) => {
                    skew.set(Some(clock_skew(timing.0, timing.1, received_at)))
                }
                Effect::Sent(n) => progress.update(|p| p.0 += n),
                Effect::StorePage(page) => locked(move || store_page(jobs, stock, deployment, page)).await?,
                Effect::SaveCursor(cursor) => {
                    Store::save_cursor(cursor)?;
                    if let Some(asked) = refetching.take() {
                        Store::refetch_answered(asked)?;
                    }
                }
                Effect::Received(n) => progress.update(|p| p.1 += n),
                Effect::Done(result) => {
                    return result.map_err(|end| match end {
                        RoundEnd::LogInAgain => RoundError::LoginAgain,
                        RoundEnd::Failed(problem) => RoundError::Failed(problem),
                    });
                }
            }
        }
        // Every effect list but the last asks for one answer.
        match flight.take() {
            Some(Flight::Push(answer)) => {
                let answer = answer.await;
                timing = (answer.sent, answer.answered);
                queue.extend(round.pushed(answer.status, &answer.body));
            }
            Some(Flight::Pull(page)) => {
                let page = page.await.map_err(|e| e.problem());
                queue.extend(round.pulled(page));
            }
            None => return Err(RoundError::Failed(SyncProblem::BadAnswer)),
        }
    }
}

/// The request in flight.
enum Flight {
    Push(std::pin::Pin<Box<dyn std::future::Future<Output = Answer>>>),
    Pull(std::pin::Pin<Box<dyn std::future::Future<Output = Result<PullResponse, api::ApiError>>>>),
}

/// A new access token from the refresh token, stored before it is used: the old refresh token
/// no longer works once traded. Another tab may have renewed meanwhile: the round read the
/// stored session first.
async fn renew(auth: Auth) -> Result<String, RoundError> {
    let session = auth.session.get_untracked().ok_or(RoundError::LoginAgain)?;
    let refresh_token = session.refresh_token.ok_or(RoundError::LoginAgain)?;
    match api::refresh(&refresh_token).await {
        Ok(renewed) => {
            Store::save_session(&renewed)?;
            let token = renewed.token.clone();
            auth.session.set(Some(renewed));
            Ok(token)
        }
        Err(api::ApiError::Unauthorized) => Err(RoundError::LoginAgain),
        Err(e) => Err(RoundError::Failed(e.problem())),
    }
}

/// Stores a push's acknowledgements and returns the jobs as stored.
async fn store_acks(jobs: Jobs, by_job: BTreeMap<JobId, Vec<EventAck>>) -> Result<Vec<LocalJob>, RoundError> {
    let ids: Vec<JobId> = by_job.keys().copied().collect();
    update_stored(jobs, ids, move |job| by_job.get(&job.job.id).map_or(0, |acks| job.apply_acks(acks))).await
}

/// A push's answer, with the phone's clock around it (for the clock skew).
struct Answer {
    status: u16,
    body: String,
    sent: chrono::DateTime<Utc>,
    answered: chrono::DateTime<Utc>,
}

/// Sends a push now and returns its answer to come.
fn send(token: &str, body: String) -> impl std::future::Future<Output = Answer> + 'static {
    let sent = Utc::now();
    let answer = api::push(token, body);
    async move {
        let raw = answer.await;
        Answer { status: raw.status, body: raw.body, sent, answered: Utc::now() }
    }
}

/// Stores one pulled page (`onsite_core::engine::page_writes`: jobs taken away, headers,
/// events), then the catalogue, the van and the settings, and shows it. Runs under the write
/// lock; the cursor moves after, as its own effect.
fn store_page(
    jobs: Jobs,
    stock: Stock,
    deployment: Deployment,
    page: PullResponse,
) -> Result<(), StoreError> {
    // Each job the page touches, as this tab holds it: storage merged with the view's copy.
    let mut held: BTreeMap<JobId, LocalJob> = BTreeMap::new();
    let mut behind: BTreeSet<JobId> = BTreeSet::new();
    for id in jobs_touched(&page) {
        if let Some((job, lacking)) = load_merged(jobs, id)? {
            if lacking {
                behind.insert(id);
            }
            held.insert(id, job);
        }
    }
    for write in page_writes(&page, |id| held.get(&id).cloned()) {
        match write {
            Write::Save(job) => {
                behind.remove(&job.job.id);
                Store::save_job(&job)?;
                jobs.put(job);
            }
            Write::Forget(id) => {
                behind.remove(&id);
                Store::forget_job(id)?;
                jobs.drop_job(id);
            }
        }
    }
    // A job storage lacked part of, the page changing nothing: written back whole.
    for id in behind {
        if let Some(job) = held.remove(&id) {
            Store::save_job(&job)?;
            jobs.put(job);
        }
    }
    if let Some(parts) = &page.catalogue {
        Store::save_catalogue(parts)?;
        stock.catalogue.set(parts.clone());
    }
    if let Some(van) = &page.van {
        Store::save_van(van)?;
        stock.van.set(van.clone());
    }
    if let Some(settings) = page.settings.clone() {
        deployment.set(settings)?;
    }
    Ok(())
}
