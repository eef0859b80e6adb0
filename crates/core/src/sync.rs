//! Sync decisions, for the phone and for the server, as pure functions: the protocol's numbers,
//! the push's order and sizes, what an answer means, retry and renewal timing. The server's
//! admission of each event is [`crate::admission`], the phone's copy of a job
//! [`crate::replica`], the round itself [`crate::engine`]; their names are re-exported here.
//!
//! The app and the server only do the I/O around these: storage, HTTP, SQL, timers.
//!
//! ## The protocol in one paragraph
//! The phone keeps every event it records in its local copy of the job ([`LocalJob`]), marked
//! [`SyncState::Pending`]: the pending events are the *outbox*. A push sends a batch of them,
//! oldest first: [`PUSH_FIRST`] at first, twice as many after each acknowledgement up to
//! [`PUSH_MAX`] ([`grow_batch`]), half as many after a 413 ([`shrink_batch`]). The server applies a batch in one transaction, or
//! nothing of it. It is idempotent by event id: an event it already holds with the same content
//! is acknowledged again, never applied twice ([`admit`]). An event it cannot accept makes it
//! refuse the batch with a 4xx naming that event; the phone marks that event
//! [`SyncState::Rejected`] (kept and shown with the reason, never deleted) and pushes the rest at
//! once, so one bad event never blocks the queue. Only an acknowledgement marks an event
//! [`SyncState::Acked`] ("synced"). A pull returns job headers, removed jobs and events changed
//! since the phone's cursor; the phone stores them first and advances its cursor after.

pub use crate::admission::{Admission, JobAccess, Known, admit, refusal_code};
use crate::event::VisitEvent;
use crate::ids::{DeviceId, EventId, JobId};
pub use crate::logged::{LoggedEvent, SyncState};
pub use crate::replica::{LocalJob, OnRemoved};
use crate::wire::{ErrorBody, ErrorCode, EventAck, EventRejection};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::time::Duration;

/// The most events in one push: the server refuses more.
pub const PUSH_MAX: usize = 1000;
/// The first push of a round: small, so that a poor connection gets something through; a
/// backlog then grows the batches ([`grow_batch`]) and needs few round trips.
pub const PUSH_FIRST: usize = 100;
/// The most changes in one pull page.
pub const PULL_PAGE: usize = 200;

/// The next sequence number of a device: one past both the stored counter and the highest
/// number found in the log, so a lost counter write can never make a number be used twice.
pub fn next_seq(counter: u64, highest_in_log: u64) -> u64 {
    counter.max(highest_in_log) + 1
}

/// The outbox in push order: by device, then oldest first by sequence. Sorted once per round;
/// the pushes are then cut from its front ([`batch_len`]).
pub fn outbox<'a>(pending: impl IntoIterator<Item = &'a VisitEvent>) -> Vec<&'a VisitEvent> {
    let mut all: Vec<&VisitEvent> = pending.into_iter().collect();
    all.sort_by_key(|e| (e.device_id, e.seq, e.id));
    all
}

/// How many events from the front of an ordered outbox go in the next push: at most `max`, all
/// of one device, because a push speaks for one device (events recorded under an earlier device
/// id of this phone, one whose entry had to be quarantined, go in later pushes).
/// Takes the devices of the ordered outbox's events, from its front.
pub fn batch_len(devices: impl IntoIterator<Item = DeviceId>, max: usize) -> usize {
    let mut devices = devices.into_iter().take(max.max(1)).peekable();
    let Some(&first) = devices.peek() else { return 0 };
    devices.take_while(|d| *d == first).count()
}

/// The next push: pending events of one device, oldest first by sequence, at most `max`.
pub fn next_batch<'a>(pending: impl IntoIterator<Item = &'a VisitEvent>, max: usize) -> Vec<&'a VisitEvent> {
    let mut all = outbox(pending);
    all.truncate(batch_len(all.iter().map(|e| e.device_id), max));
    all
}

/// The size of the push after an acknowledged one: twice as big, up to [`PUSH_MAX`].
pub fn grow_batch(size: usize) -> usize {
    size.saturating_mul(2).clamp(1, PUSH_MAX)
}

/// The size to try after the server refused a push as too large (413): half, or `None` when a
/// single event is already too large (a problem to show, not to retry).
pub fn shrink_batch(size: usize) -> Option<usize> {
    (size > 1).then_some(size / 2)
}

// ---------------------------------------------------------------------------------------------
// Phone side: what an answer means

/// What the phone makes of the answer to a push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    /// All stored: mark them synced.
    Acked(Vec<EventAck>),
    /// Nothing was applied. Mark these rejected; push the rest again at once.
    Refused(Vec<EventRejection>),
    /// The login expired or was revoked: keep everything, ask the engineer to log in again.
    LoginAgain,
    /// The request was too large for the server (413): nothing was applied; send the same
    /// events again at once in smaller pushes ([`shrink_batch`]).
    TooLarge,
    /// Not now (no network, server down, overloaded, or a refusal that names no event): keep
    /// everything pending and retry with backoff. The problem is for the sync status.
    RetryLater(SyncProblem),
}

/// Why a sync round stopped short, as the sync status shows it (in the engineer's language:
/// the app words each one; nothing here is English for the screen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum SyncProblem {
    /// No answer: offline, or the server cannot be reached.
    NoConnection,
    /// An answer that could not be read.
    BadAnswer,
    /// The server is down or overloaded (5xx, 408, 429).
    ServerBusy { status: u16 },
    /// The server refused the request as a whole (a 4xx naming no event).
    Refused { status: u16 },
    /// The server acknowledged only part of a push.
    PartlyAcknowledged,
    /// The login must be renewed by the engineer.
    LoginAgain,
    /// An admin disabled the account: the phone still hands in what it recorded, and receives
    /// nothing new.
    AccountDisabled,
    /// The phone's storage refused a write (full) or could not be used.
    Storage { full: bool },
}

/// Whether an HTTP status says the server applied a push (a 2xx: as a whole, in one
/// transaction), whatever its body then turns out to hold: the next push may leave at once.
pub fn push_applied(status: u16) -> bool {
    (200..300).contains(&status)
}

/// What a failed answer means for the sync status, by its status alone: no answer (0), the
/// server down or overloaded (5xx, 408, 429), or a refusal of the request as a whole (other
/// 4xx). Used for every call, the push's and the others'.
pub fn status_problem(status: u16) -> SyncProblem {
    match status {
        0 => SyncProblem::NoConnection,
        400..=499 if status != 408 && status != 429 => SyncProblem::Refused { status },
        _ => SyncProblem::ServerBusy { status },
    }
}

/// Why a log in failed, by the answer's status and its `Retry-After` (seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginRefusal {
    /// No answer.
    NoConnection,
    /// 401: wrong login or password.
    BadLogin,
    /// 429: too many failed log-ins for the account or from this phone's network; the server
    /// hears the next try after `wait_s` seconds (at least 1).
    TooManyTries { wait_s: u32 },
    /// 5xx or 408: the server is down or busy; try again in a moment.
    ServerBusy { status: u16 },
    /// 403 `account_disabled`: the password was right, but an admin disabled the account.
    Disabled,
    /// Any other refusal.
    Refused { status: u16 },
}

/// Reads a failed log in's answer: its status, the body's error code, and `Retry-After`.
pub fn login_refusal(status: u16, code: Option<ErrorCode>, retry_after: Option<u32>) -> LoginRefusal {
    match status {
        0 => LoginRefusal::NoConnection,
        403 if code == Some(ErrorCode::AccountDisabled) => LoginRefusal::Disabled,
        401 => LoginRefusal::BadLogin,
        429 => LoginRefusal::TooManyTries { wait_s: retry_after.unwrap_or(30).max(1) },
        408 | 500..=599 => LoginRefusal::ServerBusy { status },
        _ => LoginRefusal::Refused { status },
    }
}

/// Reads an HTTP answer to a push. `status` 0 means no answer arrived (a network error).
pub fn push_outcome(status: u16, body: &str, batch: &[EventId]) -> PushOutcome {
    let sent: BTreeSet<&EventId> = batch.iter().collect();
    if push_applied(status) {
        return match serde_json::from_str::<crate::wire::PushResponse>(body) {
            Ok(r) => PushOutcome::Acked(r.acked.into_iter().filter(|a| sent.contains(&a.id)).collect()),
            Err(_) => PushOutcome::RetryLater(SyncProblem::BadAnswer),
        };
    }
    match (status, status_problem(status)) {
        (401, _) => PushOutcome::LoginAgain,
        (413, _) => PushOutcome::TooLarge,
        (_, refused @ SyncProblem::Refused { .. }) => {
            let named: Vec<EventRejection> = serde_json::from_str::<ErrorBody>(body)
                .map(|b| b.events.into_iter().filter(|r| sent.contains(&r.id)).collect())
                .unwrap_or_default();
            if named.is_empty() { PushOutcome::RetryLater(refused) } else { PushOutcome::Refused(named) }
        }
        (_, problem) => PushOutcome::RetryLater(problem),
    }
}

/// How long to wait before retry number `failures` (1 for the first retry): exponential from
/// 1 s (a phone that says it is online often is not yet: the first retry comes within a second),
/// capped at 5 minutes, with jitter (`jitter` in 0..1, from the caller's random source)
/// spreading each wait over its upper half so that phones coming back online together do not
/// retry in step.
pub fn retry_delay(failures: u32, jitter: f64) -> Duration {
    const BASE_MS: u64 = 1_000;
    const CAP_MS: u64 = 300_000;
    let exp = failures.saturating_sub(1).min(16);
    let ceiling = BASE_MS.saturating_mul(1 << exp).min(CAP_MS);
    let jitter = jitter.clamp(0.0, 1.0);
    Duration::from_millis(ceiling / 2 + ((ceiling / 2) as f64 * jitter) as u64)
}

/// How one wait on the server's long poll (`GET /changes`) ended, as the phone's watch sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitOutcome {
    /// The wait ran out with nothing new.
    Quiet,
    /// Something for this engineer changed after the cursor. `again`: the cursor is the one a
    /// round was already started for (that round did not move it: it failed, or is slow).
    Changed { again: bool },
    /// 401: the access token ran out; a round renews it.
    Unauthorized,
    /// No answer, or another refusal.
    Failed,
}

/// What the watch does next: start a sync round now, and pause this long before waiting again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WatchStep {
    pub sync: bool,
    pub pause: Duration,
}

/// The watch's next step after a wait, and its count of failures in a row. A change starts a
/// round at once; the same change seen again does not (the scheduler retries its own failed
/// round on its own backoff) but backs the watch off, as a failed wait does, so a broken server
/// is not asked twice a second. The pauses never exceed a minute: the phone's minute round is
/// there anyway.
pub fn watch_step(outcome: WaitOutcome, failures: u32, jitter: f64) -> (WatchStep, u32) {
    const MINUTE: Duration = Duration::from_secs(60);
    let backoff = |f: u32| retry_delay(f, jitter).min(MINUTE);
    match outcome {
        WaitOutcome::Quiet => (WatchStep { sync: false, pause: Duration::ZERO }, 0),
        WaitOutcome::Changed { again: false } => (WatchStep { sync: true, pause: Duration::ZERO }, 0),
        WaitOutcome::Changed { again: true } | WaitOutcome::Failed => {
            let failures = failures.saturating_add(1);
            (WatchStep { sync: false, pause: backoff(failures) }, failures)
        }
        WaitOutcome::Unauthorized => {
            let failures = failures.saturating_add(1);
            (WatchStep { sync: true, pause: backoff(failures).max(Duration::from_secs(5)) }, failures)
        }
    }
}

/// How far the phone's clock is from the server's, in whole seconds (positive: the phone is
/// behind). The server stamped `server_time` somewhere between `sent` and `answered` on the
/// phone's clock; the midpoint is the best guess, within half the round trip.
pub fn clock_skew(sent: DateTime<Utc>, answered: DateTime<Utc>, server_time: DateTime<Utc>) -> i64 {
    let midpoint = sent + (answered - sent) / 2;
    (server_time - midpoint).num_seconds()
}

/// Whether to trade the refresh token for a new access token before syncing: within a minute
/// of the access token's expiry, or past it. (On the phone's clock; a 401 still triggers one
/// refresh whatever the clock says.)
pub fn should_refresh(access_expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now + chrono::Duration::seconds(60) >= access_expires_at
}

/// Whether a measured skew is worth telling the engineer about: over two minutes either way.
pub fn skew_matters(skew_secs: i64) -> bool {
    skew_secs.abs() > 120
}

/// Jobs pulled in one page, split for storing: headers to add or update, and ids to remove.
pub fn jobs_touched(pull: &crate::wire::PullResponse) -> Vec<JobId> {
    let mut ids: Vec<JobId> = pull
        .jobs
        .iter()
        .map(|j| j.id)
        .chain(pull.removed.iter().copied())
        .chain(pull.events.iter().map(|e| e.job_id))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod watch_tests {
    use super::*;

    #[test]
    fn the_watch_syncs_once_per_change_and_backs_off_from_failures() {
        let s = |secs: u64| Duration::from_secs(secs);
        use WaitOutcome::*;
        // (outcome, failures before, sync, pause at jitter 1.0, failures after)
        let table: &[(WaitOutcome, u32, bool, Duration, u32)] = &[
            (Quiet, 0, false, s(0), 0),
            (Quiet, 4, false, s(0), 0),
            (Changed { again: false }, 3, true, s(0), 0),
            (Changed { again: true }, 0, false, s(1), 1),
            (Changed { again: true }, 1, false, s(2), 2),
            (Failed, 0, false, s(1), 1),
            (Failed, 3, false, s(8), 4),
            (Failed, 12, false, s(60), 13),
            (Unauthorized, 0, true, s(5), 1),
            (Unauthorized, 8, true, s(60), 9),
        ];
        for (outcome, before, sync, pause, after) in table {
            let got = watch_step(*outcome, *before, 1.0);
            assert_eq!(got, (WatchStep { sync: *sync, pause: *pause }, *after), "{outcome:?} after {before}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::JobStatus;
    use crate::wire::{EventWire, JobWire, RejectCode};

    #[test]
    fn a_failed_log_in_is_read_by_its_status() {
        use crate::wire::ErrorCode;
        let table = [
            (0, None, LoginRefusal::NoConnection),
            (401, None, LoginRefusal::BadLogin),
            (403, None, LoginRefusal::Refused { status: 403 }),
            (429, Some(16), LoginRefusal::TooManyTries { wait_s: 16 }),
            (429, Some(0), LoginRefusal::TooManyTries { wait_s: 1 }),
            (429, None, LoginRefusal::TooManyTries { wait_s: 30 }),
            (503, Some(2), LoginRefusal::ServerBusy { status: 503 }),
            (500, None, LoginRefusal::ServerBusy { status: 500 }),
            (408, None, LoginRefusal::ServerBusy { status: 408 }),
            (422, None, LoginRefusal::Refused { status: 422 }),
            (415, None, LoginRefusal::Refused { status: 415 }),
        ];
        for (status, retry_after, want) in table {
            assert_eq!(login_refusal(status, None, retry_after), want, "{status} {retry_after:?}");
        }
        let disabled = login_refusal(403, Some(ErrorCode::AccountDisabled), None);
        assert_eq!(disabled, LoginRefusal::Disabled);
        assert_eq!(
            login_refusal(403, Some(ErrorCode::Forbidden), None),
            LoginRefusal::Refused { status: 403 }
        );
    }
    use crate::event::EventKind;
    use crate::event::tests::ev;
    use crate::job::JobKind;
    use crate::job::tests::sample;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn own() -> Known<'static> {
        Known {
            same_id: None,
            same_seq: None,
            device_is_users: true,
            from_push_device: true,
            job: JobAccess::Own,
        }
    }

    #[test]
    fn admission_table() {
        let e = ev(1, 1, 1, 0, EventKind::Arrived);
        let mut changed = e.clone();
        changed.kind = EventKind::Departed;
        let mut bad = e.clone();
        bad.kind = EventKind::CouldNotComplete { reason: " ".into() };
        let other = EventId(Uuid::from_u128(99));
        let code = |a: Admission| match a {
            Admission::Reject(c, _) => Some(c),
            _ => None,
        };
        let cases: Vec<(&str, &VisitEvent, Known<'_>, Admission)> = vec![
            ("new event on own job", &e, own(), Admission::Apply),
            ("replay", &e, Known { same_id: Some(&e), ..own() }, Admission::AlreadyApplied),
            (
                "replay after re-dispatch is still acknowledged",
                &e,
                Known { same_id: Some(&e), job: JobAccess::Foreign, ..own() },
                Admission::AlreadyApplied,
            ),
            ("same seq, same event", &e, Known { same_seq: Some(e.id), ..own() }, Admission::Apply),
            (
                "another device's event, already stored",
                &e,
                Known { same_id: Some(&e), from_push_device: false, ..own() },
                Admission::AlreadyApplied,
            ),
        ];
        for (name, event, known, want) in cases {
            assert_eq!(admit(event, known), want, "{name}");
        }
        let rejections: Vec<(&str, &VisitEvent, Known<'_>, RejectCode)> = vec![
            ("invalid", &bad, own(), RejectCode::Invalid),
            ("same id, other content", &changed, Known { same_id: Some(&e), ..own() }, RejectCode::Conflict),
            ("foreign device", &e, Known { device_is_users: false, ..own() }, RejectCode::ForeignDevice),
            (
                "another device's new event",
                &e,
                Known { from_push_device: false, ..own() },
                RejectCode::Invalid,
            ),
            ("unknown job", &e, Known { job: JobAccess::Unknown, ..own() }, RejectCode::UnknownJob),
            ("foreign job", &e, Known { job: JobAccess::Foreign, ..own() }, RejectCode::ForeignJob),
            ("seq used by another", &e, Known { same_seq: Some(other), ..own() }, RejectCode::SeqTaken),
        ];
        for (name, event, known, want) in rejections {
            assert_eq!(code(admit(event, known)), Some(want), "{name}");
        }
    }

    #[test]
    fn refusal_code_takes_the_most_serious() {
        let r = |code| EventRejection { id: EventId(Uuid::nil()), code, message: String::new() };
        assert_eq!(refusal_code(&[r(RejectCode::Invalid)]), ErrorCode::Unprocessable);
        assert_eq!(refusal_code(&[r(RejectCode::Invalid), r(RejectCode::UnknownJob)]), ErrorCode::NotFound);
        assert_eq!(
            refusal_code(&[r(RejectCode::UnknownJob), r(RejectCode::ForeignJob)]),
            ErrorCode::Forbidden
        );
        assert_eq!(refusal_code(&[r(RejectCode::SeqTaken)]), ErrorCode::Conflict);
    }

    fn local() -> LocalJob {
        LocalJob::new(JobWire::from_job(&sample(JobKind::Repair), 5))
    }

    fn t(m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, m, 0).unwrap()
    }

    #[test]
    fn outbox_lifecycle() {
        let mut job = local();
        let a = ev(1, 1, 1, 0, EventKind::CustomerContacted);
        let b = ev(2, 1, 2, 1, EventKind::Arrived);
        job.record(a.clone());
        job.record(b.clone());
        assert_eq!(job.pending().count(), 2);
        assert_eq!(job.status(), JobStatus::OnSite);
        assert_eq!(job.on_removed(), OnRemoved::KeepMarked);

        let ack = EventAck { id: a.id, received_at: t(5), duplicate: false, rev: 3 };
        assert_eq!(job.apply_acks(std::slice::from_ref(&ack)), 1);
        assert_eq!(job.apply_acks(&[ack]), 0, "acking twice changes nothing");
        let rej = EventRejection { id: b.id, code: RejectCode::ForeignJob, message: "m".into() };
        assert_eq!(job.apply_rejections(std::slice::from_ref(&rej)), 1);
        assert_eq!(job.pending().count(), 0);
        assert_eq!(job.rejected().count(), 1);
        assert_eq!(job.events.len(), 2, "nothing is ever dropped");
        assert_eq!(job.on_removed(), OnRemoved::KeepMarked, "a refused event stays in view");
        // A rejection never overrides an acknowledgement.
        let late = EventRejection { id: a.id, code: RejectCode::Invalid, message: "m".into() };
        assert_eq!(job.apply_rejections(&[late]), 0);
    }

    #[test]
    fn a_removed_job_is_forgotten_only_when_nothing_is_left_to_send_or_show() {
        let mut job = local();
        assert_eq!(job.on_removed(), OnRemoved::Forget, "nothing recorded");
        let a = ev(1, 1, 1, 0, EventKind::CustomerContacted);
        job.record(a.clone());
        assert_eq!(job.on_removed(), OnRemoved::KeepMarked, "pending");
        job.apply_acks(&[EventAck { id: a.id, received_at: t(5), duplicate: false, rev: 3 }]);
        assert_eq!(job.on_removed(), OnRemoved::Forget, "everything acknowledged");
    }

    #[test]
    fn replicas_merge_to_the_union_at_the_furthest_state() {
        let a = ev(1, 1, 1, 0, EventKind::CustomerContacted);
        let b = ev(2, 1, 2, 1, EventKind::Arrived);
        let c = ev(3, 2, 1, 2, EventKind::NoteAdded { text: "另一个标签页".into() });
        let acked = SyncState::Acked { received_at: t(5), rev: Some(3) };
        let refused = SyncState::Rejected { code: RejectCode::ForeignJob, message: "m".into() };
        let logged = |e: &VisitEvent, s: &SyncState| LoggedEvent { event: e.clone(), sync: s.clone() };
        let with = |events: Vec<LoggedEvent>| {
            let mut j = local();
            j.events = events;
            j
        };
        // (mine, theirs, expected events of mine after merging theirs, changes)
        let cases = vec![
            (vec![], vec![], vec![], 0),
            // Storage lost an event another tab still holds: it comes back.
            (
                vec![logged(&a, &SyncState::Pending)],
                vec![logged(&a, &SyncState::Pending), logged(&b, &SyncState::Pending)],
                vec![logged(&a, &SyncState::Pending), logged(&b, &SyncState::Pending)],
                1,
            ),
            // Each side has one the other lacks.
            (
                vec![logged(&a, &SyncState::Pending)],
                vec![logged(&c, &SyncState::Pending)],
                vec![logged(&a, &SyncState::Pending), logged(&c, &SyncState::Pending)],
                1,
            ),
            // Sync states only move forward: pending < refused < acknowledged.
            (vec![logged(&a, &SyncState::Pending)], vec![logged(&a, &acked)], vec![logged(&a, &acked)], 1),
            (vec![logged(&a, &acked)], vec![logged(&a, &SyncState::Pending)], vec![logged(&a, &acked)], 0),
            (vec![logged(&a, &refused)], vec![logged(&a, &acked)], vec![logged(&a, &acked)], 1),
            (vec![logged(&a, &acked)], vec![logged(&a, &refused)], vec![logged(&a, &acked)], 0),
            (
                vec![logged(&a, &SyncState::Pending)],
                vec![logged(&a, &refused)],
                vec![logged(&a, &refused)],
                1,
            ),
        ];
        for (n, (mine, theirs, expected, changes)) in cases.into_iter().enumerate() {
            let mut m = with(mine);
            let t = with(theirs);
            assert_eq!(m.merge_replica(&t), changes, "case {n}");
            assert_eq!(m.events, expected, "case {n}");
            // Merging again changes nothing: the union is stable.
            assert_eq!(m.merge_replica(&t), 0, "case {n} again");
        }
    }

    #[test]
    fn replicas_take_the_newer_header_and_ignore_another_job() {
        let mut mine = local();
        let mut theirs = local();
        theirs.rev = mine.rev + 1;
        theirs.job.customer = "新客户名".into();
        assert_eq!(mine.merge_replica(&theirs), 1);
        assert_eq!((mine.rev, mine.job.customer.as_str()), (theirs.rev, "新客户名"));
        let mut older = local();
        older.job.customer = "旧".into();
        assert_eq!(mine.merge_replica(&older), 0, "an older header changes nothing");
        let mut other_job = local();
        other_job.job.id = JobId(uuid::Uuid::from_u128(77));
        other_job
            .events
            .push(LoggedEvent { event: ev(9, 1, 9, 0, EventKind::Arrived), sync: SyncState::Pending });
        assert_eq!(mine.merge_replica(&other_job), 0, "another job's copy is never merged in");
        assert!(mine.events.is_empty());
    }

    #[test]
    fn pulled_events_merge_by_id() {
        let mut job = local();
        let mine = ev(1, 1, 1, 0, EventKind::CustomerContacted);
        job.record(mine.clone());
        let other_phone = ev(2, 2, 1, 3, EventKind::NoteAdded { text: "from the tablet".into() });
        let pulled =
            vec![EventWire::from_event(&mine, Some(t(1))), EventWire::from_event(&other_phone, Some(t(4)))];
        assert_eq!(job.merge_pulled(&pulled), 2);
        assert_eq!(job.merge_pulled(&pulled), 0, "a second pull of the same page changes nothing");
        assert_eq!(job.events.len(), 2);
        assert!(job.events.iter().all(|l| matches!(l.sync, SyncState::Acked { .. })));
    }

    #[test]
    fn headers_only_move_forward() {
        let mut job = local();
        let mut header = JobWire::from_job(&job.job, 4);
        header.fault = "older".into();
        assert!(!job.update_header(header.clone()));
        header.rev = 6;
        header.fault = "newer".into();
        assert!(job.update_header(header));
        assert_eq!(job.job.fault, "newer");
        assert_eq!(job.rev, 6);
    }

    #[test]
    fn sequence_never_reuses_a_number() {
        assert_eq!(next_seq(0, 0), 1);
        assert_eq!(next_seq(7, 3), 8);
        assert_eq!(next_seq(3, 7), 8, "a counter write that was lost is recovered from the log");
    }

    #[test]
    fn batch_is_oldest_first_and_bounded() {
        let events: Vec<VisitEvent> =
            (1..=5).rev().map(|i| ev(i as u128, 1, i, 0, EventKind::Arrived)).collect();
        let batch = next_batch(&events, 3);
        assert_eq!(batch.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
        let mut two_devices = events.clone();
        two_devices.push(ev(9, 0, 7, 0, EventKind::Arrived)); // device 0 sorts first
        let batch = next_batch(&two_devices, 10);
        assert_eq!(batch.len(), 1, "one device per push");
        assert_eq!(batch[0].seq, 7);
    }

    #[test]
    fn pushes_are_cut_from_the_front_of_the_outbox() {
        let mut pending: Vec<VisitEvent> =
            (1..=5).rev().map(|i| ev(i as u128, 1, i, 0, EventKind::Arrived)).collect();
        pending.push(ev(20, 2, 1, 0, EventKind::Arrived));
        pending.push(ev(21, 2, 2, 0, EventKind::Arrived));
        let ordered = outbox(&pending);
        let seqs: Vec<(u128, u64)> = ordered.iter().map(|e| (e.device_id.0.as_u128(), e.seq)).collect();
        assert_eq!(seqs, vec![(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (2, 1), (2, 2)]);
        // (outbox from position, max) → events in the push
        let cases: &[(usize, usize, usize)] =
            &[(0, 3, 3), (0, 100, 5), (3, 100, 2), (5, 100, 2), (5, 1, 1), (0, 0, 1), (7, 100, 0)];
        for &(from, max, want) in cases {
            assert_eq!(
                batch_len(ordered[from..].iter().map(|e| e.device_id), max),
                want,
                "from {from}, max {max}"
            );
        }
    }

    #[test]
    fn batches_grow_after_acks_and_halve_when_too_large() {
        let mut size = PUSH_FIRST;
        let mut sizes = vec![size];
        while size < PUSH_MAX {
            size = grow_batch(size);
            sizes.push(size);
        }
        assert_eq!(sizes, vec![100, 200, 400, 800, 1000]);
        assert_eq!(grow_batch(PUSH_MAX), PUSH_MAX);
        assert_eq!(grow_batch(0), 1);
        let cases: &[(usize, Option<usize>)] = &[(1000, Some(500)), (3, Some(1)), (2, Some(1)), (1, None)];
        for &(size, want) in cases {
            assert_eq!(shrink_batch(size), want, "{size}");
        }
    }

    #[test]
    fn push_outcome_table() {
        let id = EventId(Uuid::from_u128(1));
        let batch = [id];
        let acked = format!(
            r#"{{"acked":[{{"id":"{id}","received_at":"2026-11-23T10:00:00Z","duplicate":true,"rev":7}}]}}"#
        );
        let refused = format!(
            r#"{{"error":"forbidden","message":"m","events":[{{"id":"{id}","code":"foreign_job","message":"not yours"}}]}}"#
        );
        type Check = fn(&PushOutcome) -> bool;
        let cases: Vec<(u16, String, Check)> = vec![
            (200, acked, |o| matches!(o, PushOutcome::Acked(a) if a.len() == 1)),
            (200, "garbage".into(), |o| *o == PushOutcome::RetryLater(SyncProblem::BadAnswer)),
            (403, refused, |o| matches!(o, PushOutcome::Refused(r) if r[0].code == RejectCode::ForeignJob)),
            (401, String::new(), |o| *o == PushOutcome::LoginAgain),
            (0, String::new(), |o| *o == PushOutcome::RetryLater(SyncProblem::NoConnection)),
            (413, r#"{"error":"payload_too_large","message":"too big"}"#.into(), |o| {
                *o == PushOutcome::TooLarge
            }),
            (413, String::new(), |o| *o == PushOutcome::TooLarge),
            (429, String::new(), |o| *o == PushOutcome::RetryLater(SyncProblem::ServerBusy { status: 429 })),
            (503, "<html>".into(), |o| {
                *o == PushOutcome::RetryLater(SyncProblem::ServerBusy { status: 503 })
            }),
        ];
        for (status, body, check) in cases {
            let got = push_outcome(status, &body, &batch);
            assert!(check(&got), "{status} {body}: {got:?}");
        }
    }

    #[test]
    fn what_a_status_alone_says() {
        // (status, push applied, problem when not)
        let cases: &[(u16, bool, SyncProblem)] = &[
            (200, true, SyncProblem::ServerBusy { status: 200 }),
            (204, true, SyncProblem::ServerBusy { status: 204 }),
            (0, false, SyncProblem::NoConnection),
            (400, false, SyncProblem::Refused { status: 400 }),
            (403, false, SyncProblem::Refused { status: 403 }),
            (408, false, SyncProblem::ServerBusy { status: 408 }),
            (429, false, SyncProblem::ServerBusy { status: 429 }),
            (500, false, SyncProblem::ServerBusy { status: 500 }),
            (503, false, SyncProblem::ServerBusy { status: 503 }),
        ];
        for (status, applied, problem) in cases {
            assert_eq!(push_applied(*status), *applied, "{status}");
            if !applied {
                assert_eq!(status_problem(*status), *problem, "{status}");
            }
        }
    }

    #[test]
    fn a_refusal_naming_events_outside_the_batch_is_not_trusted() {
        let outside = EventId(Uuid::from_u128(2));
        let body = format!(
            r#"{{"error":"forbidden","message":"m","events":[{{"id":"{outside}","code":"foreign_job","message":"x"}}]}}"#
        );
        assert!(matches!(
            push_outcome(403, &body, &[EventId(Uuid::from_u128(1))]),
            PushOutcome::RetryLater(_)
        ));
    }

    #[test]
    fn refresh_a_minute_before_expiry() {
        let expires = t(30);
        assert!(!should_refresh(expires, t(28)));
        assert!(should_refresh(expires, t(29)));
        assert!(should_refresh(expires, t(45)));
    }

    #[test]
    fn clock_skew_from_one_round_trip() {
        let phone = |s: i64| t(0) + chrono::Duration::seconds(s);
        // Phone sent at 0 s and heard back at 2 s; the server stamped 1 s: no skew.
        assert_eq!(clock_skew(phone(0), phone(2), phone(1)), 0);
        // The server's clock says three hours later: the phone is three hours behind.
        assert_eq!(clock_skew(phone(0), phone(2), phone(1 + 3 * 3600)), 3 * 3600);
        assert_eq!(clock_skew(phone(0), phone(2), phone(1 - 600)), -600);
        assert!(skew_matters(-600) && skew_matters(121) && !skew_matters(120) && !skew_matters(0));
    }

    #[test]
    fn retry_delays_grow_and_cap() {
        let ms = |n, j| retry_delay(n, j).as_millis();
        assert_eq!(ms(1, 0.0), 500);
        assert_eq!(ms(1, 1.0), 1_000);
        assert_eq!(ms(2, 1.0), 2_000);
        assert_eq!(ms(3, 0.5), 3_000);
        assert_eq!(ms(9, 1.0), 256_000);
        assert_eq!(ms(10, 1.0), 300_000);
        assert_eq!(ms(u32::MAX, 1.0), 300_000);
        assert_eq!(ms(0, 2.0), 1_000, "jitter is clamped");
    }
}
