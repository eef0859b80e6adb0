//! The sync driver: runs rounds of push-then-pull, and decides when.
//!
//! What an answer *means* is decided in `onsite_core::sync`; this module only moves data
//! between storage, the network and the view, in an order that loses nothing:
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
use onsite_core::ids::{EventId, JobId};
use onsite_core::sync::{
    LocalJob, OnRemoved, PUSH_FIRST, PushOutcome, SyncProblem, WaitOutcome, batch_len, clock_skew,
    grow_batch, outbox, push_applied, push_outcome, retry_delay, should_refresh, shrink_batch, watch_step,
};
use onsite_core::wire::{EventAck, EventWire, PushRequest};
use std::collections::{BTreeMap, BTreeSet};
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
        let refreshed = std::cell::Cell::new(false);
        let mut result = self.push_pull(jobs, auth, stock, deployment, skew, false, &refreshed).await;
        // The server refused a token this round had not renewed: renew once, try again.
        if result == Err(RoundError::LoginAgain) && !refreshed.get() {
            result = self.push_pull(jobs, auth, stock, deployment, skew, true, &refreshed).await;
        }
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

impl Sync {
    async fn push_pull(
        &self,
        jobs: Jobs,
        auth: Auth,
        stock: Stock,
        deployment: Deployment,
        skew: RwSignal<Option<i64>>,
        force_refresh: bool,
        refreshed: &std::cell::Cell<bool>,
    ) -> Result<(), RoundError> {
        let token = token(auth, force_refresh, refreshed).await?;
        push_all(&token, jobs, self.progress, skew).await?;
        pull_all(&token, jobs, stock, deployment, self.progress).await
    }
}

/// A usable access token: the stored one, or a renewed one when it is near its end (or when
/// the server refused it). The new session is stored before it is used: the old refresh token
/// no longer works once traded.
async fn token(
    auth: Auth,
    force_refresh: bool,
    refreshed: &std::cell::Cell<bool>,
) -> Result<String, RoundError> {
    let session = auth.session.get_untracked().ok_or(RoundError::LoginAgain)?;
    if !force_refresh && !should_refresh(session.expires_at, Utc::now()) {
        return Ok(session.token);
    }
    let refresh_token = session.refresh_token.ok_or(RoundError::LoginAgain)?;
    refreshed.set(true);
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

/// The jobs of a batch's events, each with the acknowledgements of its own events.
fn acks_by_job(batch: &[EventWire], acks: Vec<EventAck>) -> BTreeMap<JobId, Vec<EventAck>> {
    let job_of: BTreeMap<EventId, JobId> = batch.iter().map(|e| (e.id, e.job_id)).collect();
    let mut by_job: BTreeMap<JobId, Vec<EventAck>> = BTreeMap::new();
    for ack in acks {
        if let Some(job) = job_of.get(&ack.id) {
            by_job.entry(*job).or_default().push(ack);
        }
    }
    by_job
}

/// Stores a push's acknowledgements and returns the jobs as stored.
async fn store_acks(jobs: Jobs, by_job: BTreeMap<JobId, Vec<EventAck>>) -> Result<Vec<LocalJob>, RoundError> {
    let ids: Vec<JobId> = by_job.keys().copied().collect();
    update_stored(jobs, ids, move |job| by_job.get(&job.job.id).map_or(0, |acks| job.apply_acks(acks))).await
}

/// Sends the outbox as it stands at the start of the round (events recorded meanwhile trigger
/// another round), oldest first, in pushes that grow while they are acknowledged
/// (`onsite_core::sync::grow_batch`). While a push is on its way the phone prepares the next
/// one and then stores the acknowledgements of the last; there is never more than one push in
/// flight, so the server sees the outbox in order.
async fn push_all(
    token: &str,
    jobs: Jobs,
    progress: RwSignal<(usize, usize)>,
    skew: RwSignal<Option<i64>>,
) -> Result<(), RoundError> {
    // The sync lock keeps other tabs from sending until this round ends; what they sent before
    // it is read once, here (when there are other tabs: alone, this tab's view is storage).
    if locks::other_tabs().await {
        refresh_pending(jobs)?;
    }
    let mut outbox: Vec<EventWire> = jobs.all.with_untracked(|all| {
        outbox(all.iter().flat_map(|j| j.pending()))
            .into_iter()
            .map(|e| EventWire::from_event(e, None))
            .collect()
    });
    let mut shown = Shown::new(jobs);
    let mut at = 0;
    let mut size = PUSH_FIRST;
    let cut = |outbox: &[EventWire], at: usize, size: usize| {
        at..at + batch_len(outbox[at..].iter().map(|e| e.device_id), size)
    };
    let mut batch = cut(&outbox, at, size);
    if batch.is_empty() {
        return Ok(());
    }
    let mut in_flight = Some(send(token, body(&outbox[batch.clone()])?));
    // Every path that goes round the loop again has sent a push.
    while let Some(push) = in_flight.take() {
        // Made while the push is on its way: the next push if this one is acknowledged.
        let next = cut(&outbox, batch.end, grow_batch(size));
        let mut next_body = if next.is_empty() { None } else { Some(body(&outbox[next.clone()])?) };
        let answer = push.await;
        // A 2xx means the server applied the push as a whole (one transaction): the next push
        // leaves now, before this answer is even read. Should the answer then disappoint (an
        // unreadable body, fewer acknowledgements), the round stops; whatever the next push
        // applied meanwhile is acknowledged again as a duplicate in a later round.
        let next_sent = match next_body.take() {
            Some(next_body) if push_applied(answer.status) => {
                in_flight = Some(send(token, next_body));
                true
            }
            _ => false,
        };
        let ids: Vec<EventId> = outbox[batch.clone()].iter().map(|e| e.id).collect();
        match push_outcome(answer.status, &answer.body, &ids) {
            PushOutcome::Acked(acks) => {
                // An event new to the server was received during this request: its receive
                // time against the phone's clock then tells how far the clock is off.
                if let Some(fresh) = acks.iter().find(|a| !a.duplicate) {
                    skew.set(Some(clock_skew(answer.sent, answer.answered, fresh.received_at)));
                }
                let acked = acks.len();
                let by_job = acks_by_job(&outbox[batch.clone()], acks);
                if acked < ids.len() {
                    // The server acknowledged less than it was sent: never loop on it.
                    shown.hold(store_acks(jobs, by_job).await?);
                    return Err(RoundError::Failed(SyncProblem::PartlyAcknowledged));
                }
                at = batch.end;
                size = grow_batch(size);
                // Stored while the next push travels.
                shown.hold(store_acks(jobs, by_job).await?);
                progress.update(|p| p.0 += acked);
                if next_sent {
                    batch = next;
                }
            }
            PushOutcome::Refused(rejections) => {
                let refused: BTreeSet<EventId> = rejections.iter().map(|r| r.id).collect();
                let from = outbox[batch.clone()].iter().map(|e| e.job_id).collect::<BTreeSet<_>>();
                shown.hold(
                    update_stored(jobs, from.into_iter().collect(), move |job| {
                        job.apply_rejections(&rejections)
                    })
                    .await?,
                );
                // Nothing of the push was applied: the rest of it goes again at once.
                outbox.retain(|e| !refused.contains(&e.id));
                batch = cut(&outbox, at, size);
                if batch.is_empty() {
                    return Ok(());
                }
                in_flight = Some(send(token, body(&outbox[batch.clone()])?));
            }
            PushOutcome::TooLarge => {
                size = shrink_batch(batch.len())
                    .ok_or(RoundError::Failed(SyncProblem::Refused { status: answer.status }))?;
                batch = cut(&outbox, at, size);
                in_flight = Some(send(token, body(&outbox[batch.clone()])?));
            }
            PushOutcome::LoginAgain => return Err(RoundError::LoginAgain),
            PushOutcome::RetryLater(problem) => return Err(RoundError::Failed(problem)),
        }
    }
    Ok(())
}

/// A push's answer, with the phone's clock around it (for the clock skew).
struct Answer {
    status: u16,
    body: String,
    sent: chrono::DateTime<Utc>,
    answered: chrono::DateTime<Utc>,
}

/// The JSON of a push of these events (all of one device: the first one's).
fn body(events: &[EventWire]) -> Result<String, RoundError> {
    let device_id = events.first().map(|e| e.device_id).ok_or(RoundError::Failed(SyncProblem::BadAnswer))?;
    api::push_body(&PushRequest { device_id, events: events.to_vec() })
        .map_err(|e| RoundError::Failed(e.problem()))
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

async fn pull_all(
    token: &str,
    jobs: Jobs,
    stock: Stock,
    deployment: Deployment,
    progress: RwSignal<(usize, usize)>,
) -> Result<(), RoundError> {
    loop {
        let cursor = Store::cursor()?;
        let page = api::pull(token, cursor).await.map_err(|e| match e.problem() {
            onsite_core::sync::SyncProblem::LoginAgain => RoundError::LoginAgain,
            problem => RoundError::Failed(problem),
        })?;
        let received = page.jobs.len() + page.events.len() + page.removed.len();
        let (more, next) = (page.more, page.cursor);
        locked(move || store_page(jobs, stock, deployment, page)).await?;
        progress.update(|p| p.1 += received);
        if !more || next <= cursor {
            return Ok(());
        }
    }
}

/// Stores one pulled page, then shows it; the cursor moves last. Runs under the write lock.
fn store_page(
    jobs: Jobs,
    stock: Stock,
    deployment: Deployment,
    page: onsite_core::wire::PullResponse,
) -> Result<(), StoreError> {
    for id in &page.removed {
        if let Some((mut job, _)) = load_merged(jobs, *id)? {
            match job.on_removed() {
                OnRemoved::Forget => {
                    Store::forget_job(*id)?;
                    jobs.drop_job(*id);
                }
                OnRemoved::KeepMarked => {
                    job.removed = true;
                    Store::save_job(&job)?;
                    jobs.put(job);
                }
            }
        }
    }
    for header in &page.jobs {
        match load_merged(jobs, header.id)? {
            Some((mut job, behind)) => {
                if job.update_header(header.clone()) || behind {
                    Store::save_job(&job)?;
                    jobs.put(job);
                }
            }
            None => {
                let job = LocalJob::new(header.clone());
                Store::save_job(&job)?;
                jobs.put(job);
            }
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
    let event_jobs: BTreeMap<JobId, ()> = page.events.iter().map(|e| (e.job_id, ())).collect();
    for id in event_jobs.into_keys() {
        if let Some((mut job, behind)) = load_merged(jobs, id)? {
            if job.merge_pulled(&page.events) > 0 || behind {
                Store::save_job(&job)?;
            }
            jobs.put(job);
        }
    }
    // Only now that every change of the page is stored does the cursor move.
    Store::save_cursor(page.cursor)?;
    Ok(())
}
