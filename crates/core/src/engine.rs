//! The phone's sync round as a state machine, with no I/O.
//!
//! A round renews the access token when it is near its end, pushes the outbox as it stood
//! when the round began (oldest first, in pushes that grow while acknowledged, halve on a
//! 413, and go on past a refused event), then pulls pages until none is left. The engine
//! decides; a driver performs: the app's `src/sync.rs` with localStorage and `fetch`, the
//! simulator (`crates/sim`) with a simulated storage and network. Each call returns the
//! [`Effect`]s to perform, **in order**; at most one of them asks for an answer (a push, a pull
//! or a renewal), which the driver feeds back by [`Round::pushed`], [`Round::pulled`] or
//! [`Round::renewed`]. What the order guarantees:
//! - an acknowledgement is stored ([`Effect::StoreAcks`]) only from the server's answer naming
//!   that event; nothing is marked synced otherwise;
//! - a pulled page is stored ([`Effect::StorePage`]) before the cursor moves
//!   ([`Effect::SaveCursor`]), and the cursor before the next pull;
//! - a renewed session is stored by the driver before [`Round::renewed`] is called;
//! - a push that the server applied (a 2xx) lets the next one leave at once, before its
//!   acknowledgements are stored ([`Effect::Push`] first, then [`Effect::StoreAcks`]): one
//!   push is in flight while the phone stores the last one's answer, never two unanswered.
//!
//! A storage effect that fails ends the round in the driver (with everything kept): the
//! engine is not told, and the next round starts from storage again.

use crate::ids::{EventId, JobId};
use crate::sync::{
    LocalJob, OnRemoved, PUSH_FIRST, PushOutcome, SyncProblem, batch_len, grow_batch, push_applied,
    push_outcome, shrink_batch,
};
use crate::wire::{EventAck, EventRejection, EventWire, PullResponse, PushRequest};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// Something for the driver to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Trade the refresh token for a new session, store it, then call [`Round::renewed`].
    Renew,
    /// Send this push now; its answer goes to [`Round::pushed`]. The effects after it are done
    /// while it travels.
    Push(PushRequest),
    /// Store these acknowledgements, by job (each job read from storage, merged, written).
    StoreAcks(BTreeMap<JobId, Vec<EventAck>>),
    /// Mark these events refused on their jobs (kept, shown with the reason).
    StoreRejections(BTreeMap<JobId, Vec<EventRejection>>),
    /// The server's receive time of an event new to it, received during the push just answered:
    /// with the push's own timing it tells how far the phone's clock is off.
    ClockSample(DateTime<Utc>),
    /// Events acknowledged, for the progress shown.
    Sent(usize),
    /// Ask for the changes after this cursor; the page goes to [`Round::pulled`].
    Pull(i64),
    /// Store this pulled page: removed jobs, headers, the catalogue, the van, the settings,
    /// events.
    StorePage(PullResponse),
    /// Move the stored cursor to this value.
    SaveCursor(i64),
    /// Changes received, for the progress shown.
    Received(usize),
    /// The round is over.
    Done(Result<(), RoundEnd>),
}

/// Why a round ended short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoundEnd {
    /// The login must be renewed by the engineer (a refused renewal, or a second refusal).
    LogInAgain,
    /// Try again later, with backoff.
    Failed(SyncProblem),
}

/// What the driver knows of the session when a round starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// The access token is near its end ([`crate::sync::should_refresh`]).
    pub near_expiry: bool,
    /// A refresh token is held.
    pub can_renew: bool,
}

/// A bug planted on purpose, to show that the simulator finds it. Never set outside tests.
#[cfg(any(test, feature = "plant"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plant {
    /// A push with no answer (a dropped connection) taken as acknowledged.
    AckWithoutAnswer,
    /// The cursor moved before the pulled page is stored.
    CursorBeforeStore,
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// Waiting for the renewal asked for.
    Renewing {
        then_push: bool,
    },
    /// A push is in flight: `batch` of the outbox, and `next` sent behind it (pipelined).
    Pushing {
        batch: Range<usize>,
    },
    /// A pull is in flight for this cursor.
    Pulling {
        cursor: i64,
    },
    Over,
}

/// One round.
#[derive(Clone, Debug)]
pub struct Round {
    outbox: Vec<EventWire>,
    /// Events before this index are answered (acknowledged, or refused and left out).
    at: usize,
    size: usize,
    cursor: i64,
    renewed: bool,
    can_renew: bool,
    phase: Phase,
    #[cfg(any(test, feature = "plant"))]
    plant: Option<Plant>,
}

impl Round {
    /// A round over `outbox` (the pending events in push order, [`crate::sync::outbox`]) from
    /// the stored `cursor`. Returns the round and its first effects.
    pub fn start(outbox: Vec<EventWire>, cursor: i64, session: Session) -> (Round, Vec<Effect>) {
        let mut round = Round {
            outbox,
            at: 0,
            size: PUSH_FIRST,
            cursor,
            renewed: false,
            can_renew: session.can_renew,
            phase: Phase::Over,
            #[cfg(any(test, feature = "plant"))]
            plant: None,
        };
        let effects = if session.near_expiry { round.renew(true) } else { round.push_from_here() };
        (round, effects)
    }

    /// The same, with a bug planted (the simulator's self-test).
    #[cfg(any(test, feature = "plant"))]
    pub fn start_planted(
        outbox: Vec<EventWire>,
        cursor: i64,
        session: Session,
        plant: Plant,
    ) -> (Round, Vec<Effect>) {
        let (mut round, _) = Round::start(Vec::new(), cursor, session);
        round.outbox = outbox;
        round.plant = Some(plant);
        let effects = if session.near_expiry { round.renew(true) } else { round.push_from_here() };
        (round, effects)
    }

    /// Whether the round is over.
    pub fn is_over(&self) -> bool {
        self.phase == Phase::Over
    }

    /// Whether the request in flight is a pull (its failure goes to [`Round::pulled`]).
    pub fn is_pulling(&self) -> bool {
        matches!(self.phase, Phase::Pulling { .. })
    }

    fn finish(&mut self, result: Result<(), RoundEnd>) -> Vec<Effect> {
        self.phase = Phase::Over;
        vec![Effect::Done(result)]
    }

    fn renew(&mut self, then_push: bool) -> Vec<Effect> {
        if !self.can_renew || self.renewed {
            return self.finish(Err(RoundEnd::LogInAgain));
        }
        self.renewed = true;
        self.phase = Phase::Renewing { then_push };
        vec![Effect::Renew]
    }

    /// The next push from the front of what is left, of one device, at most `size`.
    fn cut(&self, from: usize, size: usize) -> Range<usize> {
        let from = from.min(self.outbox.len());
        from..from + batch_len(self.outbox[from..].iter().map(|e| e.device_id), size)
    }

    fn request(&self, batch: &Range<usize>) -> PushRequest {
        let events = self.outbox[batch.clone()].to_vec();
        let device_id = events.first().map(|e| e.device_id).unwrap_or(crate::DeviceId(uuid::Uuid::nil()));
        PushRequest { device_id, events }
    }

    /// Pushes what is left from `at`, or pulls once nothing is.
    fn push_from_here(&mut self) -> Vec<Effect> {
        let batch = self.cut(self.at, self.size);
        if batch.is_empty() {
            return self.pull();
        }
        let push = Effect::Push(self.request(&batch));
        self.phase = Phase::Pushing { batch };
        vec![push]
    }

    fn pull(&mut self) -> Vec<Effect> {
        self.phase = Phase::Pulling { cursor: self.cursor };
        vec![Effect::Pull(self.cursor)]
    }

    /// The answer to the push in flight: its HTTP status (0: no answer) and body.
    pub fn pushed(&mut self, status: u16, body: &str) -> Vec<Effect> {
        let Phase::Pushing { batch } = self.phase.clone() else { return Vec::new() };
        let ids: Vec<EventId> = self.outbox[batch.clone()].iter().map(|e| e.id).collect();
        let mut outcome = push_outcome(status, body, &ids);
        if status == 0 && self.planted_ack_without_answer() {
            let now = self.outbox[batch.clone()].first().map(|e| e.device_time).unwrap_or_default();
            outcome = PushOutcome::Acked(
                ids.iter()
                    .map(|id| EventAck { id: *id, received_at: now, duplicate: false, rev: 0 })
                    .collect(),
            );
        }
        let mut effects = Vec::new();
        // A 2xx: the server applied the push as a whole; the next one leaves before this
        // answer is even stored.
        let next = self.cut(batch.end, grow_batch(self.size));
        let next_sent = !next.is_empty() && push_applied(status);
        if next_sent {
            effects.push(Effect::Push(self.request(&next)));
        }
        match outcome {
            PushOutcome::Acked(acks) => {
                let acked = acks.len();
                if let Some(fresh) = acks.iter().find(|a| !a.duplicate) {
                    effects.push(Effect::ClockSample(fresh.received_at));
                }
                effects.push(Effect::StoreAcks(by_job(&self.outbox[batch.clone()], acks, |a| a.id)));
                if acked < ids.len() {
                    // Fewer acknowledgements than events sent: never loop on it.
                    effects.extend(self.finish(Err(RoundEnd::Failed(SyncProblem::PartlyAcknowledged))));
                    return effects;
                }
                effects.push(Effect::Sent(acked));
                self.at = batch.end;
                self.size = grow_batch(self.size);
                if next_sent {
                    self.phase = Phase::Pushing { batch: next };
                } else {
                    effects.extend(self.push_from_here());
                }
            }
            PushOutcome::Refused(rejections) => {
                let refused: BTreeSet<EventId> = rejections.iter().map(|r| r.id).collect();
                effects
                    .push(Effect::StoreRejections(by_job(&self.outbox[batch.clone()], rejections, |r| r.id)));
                // Nothing of the push was applied: the rest of it goes again at once.
                let (head, tail) = self.outbox.split_at(batch.start);
                let tail: Vec<EventWire> =
                    tail.iter().filter(|e| !refused.contains(&e.id)).cloned().collect();
                self.outbox = head.iter().cloned().chain(tail).collect();
                effects.extend(self.push_from_here());
            }
            PushOutcome::TooLarge => match shrink_batch(batch.len()) {
                Some(size) => {
                    self.size = size;
                    effects.extend(self.push_from_here());
                }
                None => effects.extend(self.finish(Err(RoundEnd::Failed(SyncProblem::Refused { status })))),
            },
            PushOutcome::LoginAgain => effects.extend(self.renew(true)),
            PushOutcome::RetryLater(problem) => effects.extend(self.finish(Err(RoundEnd::Failed(problem)))),
        }
        effects
    }

    #[cfg(any(test, feature = "plant"))]
    fn planted_ack_without_answer(&self) -> bool {
        self.plant == Some(Plant::AckWithoutAnswer)
    }
    #[cfg(not(any(test, feature = "plant")))]
    fn planted_ack_without_answer(&self) -> bool {
        false
    }

    #[cfg(any(test, feature = "plant"))]
    fn planted_cursor_before_store(&self) -> bool {
        self.plant == Some(Plant::CursorBeforeStore)
    }
    #[cfg(not(any(test, feature = "plant")))]
    fn planted_cursor_before_store(&self) -> bool {
        false
    }

    /// The renewal asked for: `Ok` once the new session is stored, or why not (`None`: the
    /// server refused the refresh token, so the engineer must log in).
    pub fn renewed(&mut self, result: Result<(), Option<SyncProblem>>) -> Vec<Effect> {
        let Phase::Renewing { then_push } = self.phase.clone() else { return Vec::new() };
        match result {
            Ok(()) if then_push => self.push_from_here(),
            Ok(()) => self.pull(),
            Err(None) => self.finish(Err(RoundEnd::LogInAgain)),
            Err(Some(problem)) => self.finish(Err(RoundEnd::Failed(problem))),
        }
    }

    /// The answer to the pull in flight: a page, or why not ([`SyncProblem::LoginAgain`]: the
    /// token was refused, so it is renewed once; [`crate::sync::status_problem`] reads a status).
    pub fn pulled(&mut self, answer: Result<PullResponse, SyncProblem>) -> Vec<Effect> {
        let Phase::Pulling { cursor } = self.phase.clone() else { return Vec::new() };
        let page = match answer {
            Ok(page) => page,
            Err(SyncProblem::LoginAgain) => return self.renew(false),
            Err(problem) => return self.finish(Err(RoundEnd::Failed(problem))),
        };
        let received = page.jobs.len() + page.events.len() + page.removed.len();
        let (more, next) = (page.more, page.cursor);
        let mut effects = if self.planted_cursor_before_store() {
            vec![Effect::SaveCursor(next), Effect::StorePage(page)]
        } else {
            // Only once every change of the page is stored does the cursor move.
            vec![Effect::StorePage(page), Effect::SaveCursor(next)]
        };
        effects.push(Effect::Received(received));
        self.cursor = next.max(cursor);
        if more && next > cursor {
            effects.extend(self.pull());
        } else {
            effects.extend(self.finish(Ok(())));
        }
        effects
    }
}

/// Where a round's pull starts: from the stored cursor, or from 0 when a job's stored entry was
/// set aside as unreadable since the last full pull (`asked` full pulls, `answered` by the
/// last one). Then the round is a full pull for `asked`, answered once its first page is
/// stored: a round already running when the entry was set aside may move the cursor on, but
/// cannot answer what it never saw.
pub fn start_cursor(stored: i64, asked: u32, answered: u32) -> (i64, Option<u32>) {
    if asked > answered { (0, Some(asked)) } else { (stored, None) }
}

/// A write to the phone's stored jobs.
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    /// Store this copy of the job.
    Save(LocalJob),
    /// The job was taken away and holds nothing unsynced: let it go.
    Forget(JobId),
}

/// What storing a pulled page writes to the phone's jobs, in order: jobs taken away (let go,
/// or kept marked while they hold something unsynced), new and changed headers, then the
/// events, each job once with all of its changes. `held` reads a job as the phone holds it
/// (storage merged with the view's copy); a job that changes nothing is not written.
pub fn page_writes(page: &PullResponse, mut held: impl FnMut(JobId) -> Option<LocalJob>) -> Vec<Write> {
    let mut writes: Vec<Write> = Vec::new();
    let mut now: BTreeMap<JobId, Option<LocalJob>> = BTreeMap::new();
    let mut current = |id: JobId, now: &mut BTreeMap<JobId, Option<LocalJob>>| -> Option<LocalJob> {
        now.entry(id).or_insert_with(|| held(id)).clone()
    };
    for id in &page.removed {
        if let Some(mut job) = current(*id, &mut now) {
            match job.on_removed() {
                OnRemoved::Forget => {
                    writes.push(Write::Forget(*id));
                    now.insert(*id, None);
                }
                OnRemoved::KeepMarked => {
                    job.removed = true;
                    writes.push(Write::Save(job.clone()));
                    now.insert(*id, Some(job));
                }
            }
        }
    }
    for header in &page.jobs {
        let job = match current(header.id, &mut now) {
            Some(mut job) => {
                if !job.update_header(header.clone()) {
                    continue;
                }
                job
            }
            None => LocalJob::new(header.clone()),
        };
        writes.push(Write::Save(job.clone()));
        now.insert(header.id, Some(job));
    }
    let event_jobs: BTreeSet<JobId> = page.events.iter().map(|e| e.job_id).collect();
    for id in event_jobs {
        if let Some(mut job) = current(id, &mut now)
            && job.merge_pulled(&page.events) > 0
        {
            writes.push(Write::Save(job.clone()));
            now.insert(id, Some(job));
        }
    }
    writes
}

/// Answers grouped by the job of the event each names.
fn by_job<T>(batch: &[EventWire], answers: Vec<T>, id: impl Fn(&T) -> EventId) -> BTreeMap<JobId, Vec<T>> {
    let job_of: BTreeMap<EventId, JobId> = batch.iter().map(|e| (e.id, e.job_id)).collect();
    let mut out: BTreeMap<JobId, Vec<T>> = BTreeMap::new();
    for a in answers {
        if let Some(job) = job_of.get(&id(&a)) {
            out.entry(*job).or_default().push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DeviceId;
    use crate::wire::{EventBody, PushResponse, RejectCode};
    use chrono::TimeZone;
    use uuid::Uuid;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap() + chrono::Duration::seconds(s)
    }

    fn outbox(n: usize, device: u128) -> Vec<EventWire> {
        (0..n)
            .map(|i| EventWire {
                id: EventId(Uuid::from_u128(device * 100_000 + i as u128)),
                job_id: JobId(Uuid::from_u128(1 + (i % 3) as u128)),
                device_id: DeviceId(Uuid::from_u128(device)),
                seq: i as u64 + 1,
                device_time: t(i as i64),
                body: EventBody::NoteAdded { text: format!("note {i}") },
                received_at: None,
                rev: None,
            })
            .collect()
    }

    fn fresh() -> Session {
        Session { near_expiry: false, can_renew: true }
    }

    fn acked(req: &PushRequest, duplicate: bool) -> String {
        let acked = req
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| EventAck { id: e.id, received_at: t(100), duplicate, rev: i as i64 + 1 })
            .collect();
        serde_json::to_string(&PushResponse { acked }).unwrap()
    }

    fn page(cursor: i64, more: bool) -> PullResponse {
        PullResponse {
            cursor,
            more,
            jobs: vec![],
            removed: vec![],
            events: vec![],
            catalogue: None,
            van: None,
            settings: None,
        }
    }

    fn pushes(effects: &[Effect]) -> Vec<usize> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Push(r) => Some(r.events.len()),
                _ => None,
            })
            .collect()
    }

    fn the_push(effects: &[Effect]) -> PushRequest {
        effects
            .iter()
            .find_map(|e| match e {
                Effect::Push(r) => Some(r.clone()),
                _ => None,
            })
            .expect("a push")
    }

    #[test]
    fn pushes_grow_are_pipelined_and_the_round_ends_with_a_pull() {
        let (mut round, first) = Round::start(outbox(350, 7), 5, fresh());
        assert_eq!(pushes(&first), vec![100]);
        let req = the_push(&first);
        // Applied: the next (200) leaves first, then the acks are stored.
        let effects = round.pushed(200, &acked(&req, false));
        assert!(matches!(effects[0], Effect::Push(ref r) if r.events.len() == 200), "{effects:?}");
        assert!(matches!(effects[1], Effect::ClockSample(_)));
        assert!(
            matches!(effects[2], Effect::StoreAcks(ref m) if m.values().map(Vec::len).sum::<usize>() == 100)
        );
        assert_eq!(effects[3], Effect::Sent(100));
        let req = the_push(&effects);
        // The last 50 leave behind the 200; duplicates give no clock sample.
        let effects = round.pushed(200, &acked(&req, true));
        assert_eq!(pushes(&effects), vec![50]);
        assert!(!effects.iter().any(|e| matches!(e, Effect::ClockSample(_))));
        let req = the_push(&effects);
        let effects = round.pushed(200, &acked(&req, false));
        assert_eq!(effects.last(), Some(&Effect::Pull(5)));
        let effects = round.pulled(Ok(page(9, true)));
        assert!(matches!(effects[0], Effect::StorePage(_)));
        assert_eq!(effects[1], Effect::SaveCursor(9));
        assert_eq!(effects.last(), Some(&Effect::Pull(9)));
        let effects = round.pulled(Ok(page(12, false)));
        assert_eq!(effects.last(), Some(&Effect::Done(Ok(()))));
        assert!(round.is_over());
    }

    #[test]
    fn a_lost_answer_keeps_everything_and_ends_the_round() {
        let (mut round, first) = Round::start(outbox(10, 7), 0, fresh());
        assert_eq!(pushes(&first), vec![10]);
        let effects = round.pushed(0, "");
        assert_eq!(effects, vec![Effect::Done(Err(RoundEnd::Failed(SyncProblem::NoConnection)))]);
        // The planted bug takes it as acknowledged.
        let (mut planted, first) = Round::start_planted(outbox(10, 7), 0, fresh(), Plant::AckWithoutAnswer);
        assert_eq!(pushes(&first), vec![10]);
        assert!(planted.pushed(0, "").iter().any(|e| matches!(e, Effect::StoreAcks(_))));
    }

    #[test]
    fn a_refused_event_is_marked_and_the_rest_goes_at_once() {
        let out = outbox(5, 7);
        let bad = out[2].id;
        let (mut round, first) = Round::start(out, 0, fresh());
        let req = the_push(&first);
        let body = serde_json::to_string(&crate::wire::ErrorBody {
            error: crate::wire::ErrorCode::Forbidden,
            message: "refused".into(),
            events: vec![EventRejection {
                id: bad,
                code: RejectCode::ForeignJob,
                message: "not yours".into(),
            }],
            field: None,
        })
        .unwrap();
        let effects = round.pushed(403, &body);
        assert!(
            matches!(&effects[0], Effect::StoreRejections(m) if m.values().flatten().any(|r| r.id == bad))
        );
        let again = the_push(&effects);
        assert_eq!(again.events.len(), 4);
        assert!(again.events.iter().all(|e| e.id != bad));
        assert_eq!(req.events.len(), 5);
    }

    #[test]
    fn too_large_halves_until_one_event_is_too_large() {
        let (mut round, first) = Round::start(outbox(100, 7), 0, fresh());
        assert_eq!(pushes(&first), vec![100]);
        assert_eq!(pushes(&round.pushed(413, "")), vec![50]);
        assert_eq!(pushes(&round.pushed(413, "")), vec![25]);
        let (mut one, _) = Round::start(outbox(1, 7), 0, fresh());
        assert_eq!(
            one.pushed(413, ""),
            vec![Effect::Done(Err(RoundEnd::Failed(SyncProblem::Refused { status: 413 })))]
        );
    }

    #[test]
    fn a_refused_token_is_renewed_once_then_the_engineer_logs_in() {
        let (mut round, first) = Round::start(outbox(3, 7), 0, fresh());
        assert_eq!(pushes(&first), vec![3]);
        assert_eq!(round.pushed(401, ""), vec![Effect::Renew]);
        let again = round.renewed(Ok(()));
        assert_eq!(pushes(&again), vec![3], "the same push again, with the new token");
        assert_eq!(round.pushed(401, ""), vec![Effect::Done(Err(RoundEnd::LogInAgain))]);
        // Near expiry: renewed first; a refused refresh token ends it.
        let (mut round, first) =
            Round::start(outbox(3, 7), 0, Session { near_expiry: true, can_renew: true });
        assert_eq!(first, vec![Effect::Renew]);
        assert_eq!(round.renewed(Err(None)), vec![Effect::Done(Err(RoundEnd::LogInAgain))]);
        // No refresh token: log in.
        let (_, first) = Round::start(outbox(3, 7), 0, Session { near_expiry: true, can_renew: false });
        assert_eq!(first, vec![Effect::Done(Err(RoundEnd::LogInAgain))]);
        // A 401 on the pull renews too, then pulls again.
        let (mut round, first) = Round::start(vec![], 4, fresh());
        assert_eq!(first, vec![Effect::Pull(4)]);
        assert_eq!(round.pulled(Err(SyncProblem::LoginAgain)), vec![Effect::Renew]);
        assert_eq!(round.renewed(Ok(())), vec![Effect::Pull(4)]);
    }

    #[test]
    fn a_push_speaks_for_one_device() {
        let mut out = outbox(3, 7);
        out.extend(outbox(2, 8));
        let (mut round, first) = Round::start(out, 0, fresh());
        let req = the_push(&first);
        assert_eq!(req.events.len(), 3);
        assert!(req.events.iter().all(|e| e.device_id == req.device_id));
        let next = round.pushed(200, &acked(&req, false));
        assert_eq!(the_push(&next).events.len(), 2);
    }

    #[test]
    fn a_page_writes_each_job_once_it_changes() {
        use crate::wire::JobWire;
        let header = |n: u128, rev: i64| JobWire {
            id: JobId(Uuid::from_u128(n)),
            ..JobWire::from_job(&crate::job::tests::sample(crate::JobKind::Repair), rev)
        };
        let mut held_job = LocalJob::new(header(1, 3));
        let mut pending = outbox(1, 7)[0].to_event();
        pending.job_id = JobId(Uuid::from_u128(1));
        held_job.record(pending);
        let gone_clean = LocalJob::new(header(2, 3));
        let held = |id: JobId| match id.0.as_u128() {
            1 => Some(held_job.clone()),
            2 => Some(gone_clean.clone()),
            _ => None,
        };
        let mut p = page(9, false);
        p.removed = vec![JobId(Uuid::from_u128(1)), JobId(Uuid::from_u128(2))];
        p.jobs = vec![header(3, 8), header(1, 2)];
        let writes = page_writes(&p, held);
        // Job 1 holds a pending event: kept, marked (an older header of it changes nothing);
        // job 2 is clean: let go; job 3 is new.
        assert!(matches!(&writes[0], Write::Save(j) if j.job.id.0.as_u128() == 1 && j.removed));
        assert_eq!(writes[1], Write::Forget(JobId(Uuid::from_u128(2))));
        assert!(matches!(&writes[2], Write::Save(j) if j.job.id.0.as_u128() == 3 && j.rev == 8));
        assert_eq!(writes.len(), 3);
    }

    #[test]
    fn an_entry_set_aside_starts_a_full_pull() {
        assert_eq!(start_cursor(40, 0, 0), (40, None));
        assert_eq!(start_cursor(40, 1, 0), (0, Some(1)));
        assert_eq!(start_cursor(40, 3, 2), (0, Some(3)));
        assert_eq!(start_cursor(40, 3, 3), (40, None));
    }

    #[test]
    fn the_cursor_moves_after_the_page_is_stored() {
        let (mut round, _) = Round::start(vec![], 0, fresh());
        let effects = round.pulled(Ok(page(3, false)));
        let store = effects.iter().position(|e| matches!(e, Effect::StorePage(_)));
        let cursor = effects.iter().position(|e| matches!(e, Effect::SaveCursor(3)));
        assert!(store < cursor);
        let (mut planted, _) = Round::start_planted(vec![], 0, fresh(), Plant::CursorBeforeStore);
        let effects = planted.pulled(Ok(page(3, false)));
        assert!(matches!(effects[0], Effect::SaveCursor(3)));
    }
}
