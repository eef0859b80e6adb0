//! `/api/v1/sync`: the engineer's push of visit events and pull of changes.
//!
//! **Push** applies a batch in one `BEGIN IMMEDIATE` transaction, all or nothing. For each event,
//! in order, it gathers what the database knows (the stored event with the same id, the event
//! holding the same device sequence number, who owns the device, whose the job is) and lets
//! [`onsite_core::sync::admit`] decide. Events applied earlier in the same batch are visible to
//! later ones, so the same id twice in one batch is a duplicate, not a conflict. If any event is
//! rejected the transaction is rolled back and the answer names every rejected event, with the
//! status [`onsite_core::sync::refusal_code`] chooses: the phone marks those rejected and pushes
//! the rest again at once. Each acknowledgement carries the change number the event was applied
//! at (for a duplicate, the one it was stored with).
//!
//! In the same transaction, an applied event may raise flags for the service desk
//! ([`onsite_core::flags`]): a part used beyond the engineer's van count (counted with the
//! batch's earlier events), a job finished with required steps open (from the job's settled
//! steps, kept as events arrive: [`store::progress`]). A sign-off is queued for the check of its
//! hash, made after the commit, off the write path ([`crate::checks`]). Flags never refuse an
//! event.
//!
//! **Cost.** A push reads what it needs once, whatever the jobs' histories: which of its ids are
//! stored (one query per 500), the device's sequence numbers in its range (one query), each
//! job's assignee once, the van's count once, and per finishing event one lookup per checklist
//! step. So the write lock is held for time proportional to the push (at most [`PUSH_MAX`]
//! events in at most 1 MiB), never to a job's history.
//!
//! **Pull** pages through three streams of changes for the user, merged by the server-wide
//! change number (`rev`, unique across all three): job headers assigned to the user, jobs taken
//! away from the user, and events on the user's current jobs. `cursor` is the last rev returned.
//! A job header in a page also brings the job's events from before the cursor, so a job
//! re-dispatched to the engineer arrives with its history (those are extra, not counted in the
//! page). When no more changes wait, `cursor` is the change counter of the read: nothing of the
//! user's is numbered between the last change returned and it.
//!
//! Every pull also carries the engineer's van count ([`store::van_stock`]) from the same read,
//! and the parts catalogue when the cursor is 0 or a part changed after it.

use crate::AppState;
use crate::auth::{Engineer, Pusher};
use crate::db::{current_rev, now, parse_id, set_rev};
use crate::error::{ApiJson, ApiQuery, Error, Result};
use crate::store::{self, EVENT_COLUMNS, JOB_COLUMNS, StoredEvent};
use axum::extract::State;
use chrono::{DateTime, Utc};
use onsite_core::flags;
use onsite_core::sync::{Admission, JobAccess, Known, PULL_PAGE, PUSH_MAX, admit, refusal_code};
use onsite_core::wire::{
    ErrorBody, EventAck, EventRejection, EventWire, JobWire, PullResponse, PushRequest, PushResponse,
    RejectCode,
};
use onsite_core::{DeviceId, EventId, Job, JobId, UserId, VisitEvent};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// Pushes the device's pending events.
#[utoipa::path(
    post,
    path = "/api/v1/sync/push",
    tag = "sync",
    security(("bearer" = [])),
    request_body = PushRequest,
    responses(
        (status = 200, description = "Every event is stored (now, or on an earlier push: `duplicate`)", body = PushResponse),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token: log in again, keep the outbox", body = ErrorBody),
        (status = 403, description = "Not an engineer; or an event is on another engineer's job (`foreign_job`) \
            or from another account's device (`foreign_device`). Nothing applied; `events` names them", body = ErrorBody),
        (status = 404, description = "An event names an unknown job. Nothing applied; `events` names it", body = ErrorBody),
        (status = 409, description = "An event id is stored with other content, or a device sequence number is \
            taken. Nothing applied; `events` names them", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, more than 1000 events, or an invalid event \
            (`events` names it). Nothing applied", body = ErrorBody),
    )
)]
pub async fn push(
    State(state): State<AppState>,
    Pusher(me): Pusher,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<ApiJson<PushResponse>> {
    if req.events.len() > PUSH_MAX {
        return Err(Error::Unprocessable(format!(
            "a push holds at most {PUSH_MAX} events; this one has {}",
            req.events.len()
        )));
    }
    if req.events.is_empty() {
        return Ok(ApiJson(PushResponse { acked: Vec::new() }));
    }
    let user = me.user.id;
    let count = req.events.len();
    let signs_off = req.events.iter().any(|e| matches!(e.body, onsite_core::wire::EventBody::SignedOff(_)));
    let acked = state.db.run(move |conn| apply_push(conn, user, &req, now())).await?;
    tracing::info!(login = %me.user.login, events = count, "push applied");
    if signs_off {
        state.checks.wake();
    }
    Ok(ApiJson(PushResponse { acked }))
}

/// Applies one push in one transaction, or nothing of it.
///
/// What the push's events need to be decided (`admit`) is looked up for the whole push first:
/// which of their ids are stored, the push device's sequence numbers in the push's range, and
/// each job's assignee once. The change numbers are handed out in memory (the transaction holds
/// the database's write lock) and the counter is written once at the end.
pub fn apply_push(
    conn: &mut Connection,
    user: UserId,
    req: &PushRequest,
    received_at: DateTime<Utc>,
) -> Result<Vec<EventAck>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let device_is_users = bind_device(&tx, req.device_id, user, received_at)?;
    let mut stored_ids = stored_ids(&tx, req.events.iter().map(|e| e.id))?;
    let mut seqs =
        device_seqs(&tx, req.device_id, req.events.iter().filter_map(|e| i64::try_from(e.seq).ok()))?;
    let mut access: HashMap<JobId, JobAccess> = HashMap::new();
    // The header of each job a finishing event of the push is on, read once.
    let mut headers: HashMap<JobId, Option<Job>> = HashMap::new();
    let first_rev = current_rev(&tx)?;
    let mut rev = first_rev;
    // The pushing engineer's van count, loaded at the first part used and kept up to date
    // with the batch's events after it.
    let mut van = None;
    let mut acks = Vec::with_capacity(req.events.len());
    let mut rejections = Vec::new();
    for wire in &req.events {
        let event = wire.to_event();
        let reject = |code, message: &str| EventRejection { id: event.id, code, message: message.into() };
        let Ok(seq) = i64::try_from(event.seq) else {
            rejections.push(reject(RejectCode::Invalid, "the sequence number is too large"));
            continue;
        };
        let same_id = match stored_ids.contains(&event.id) {
            true => store::event_by_id(&tx, event.id)?,
            false => None,
        };
        let same_seq = match event.device_id == req.device_id {
            true => seqs.get(&seq).copied(),
            false => event_with_seq(&tx, event.device_id, seq)?,
        };
        let job = match access.get(&event.job_id) {
            Some(a) => *a,
            None => *access.entry(event.job_id).or_insert(job_access(&tx, event.job_id, user)?),
        };
        let known = Known {
            same_id: same_id.as_ref().map(|s| &s.event),
            same_seq,
            device_is_users,
            from_push_device: event.device_id == req.device_id,
            job,
        };
        match admit(&event, known) {
            Admission::Apply => {
                rev += 1;
                apply_event(&tx, user, &event, received_at, rev, &mut van, &mut headers)?;
                stored_ids.insert(event.id);
                seqs.insert(seq, event.id);
                acks.push(EventAck { id: event.id, received_at, duplicate: false, rev });
            }
            Admission::AlreadyApplied => {
                let (stored_at, stored_rev) = same_id.map_or((received_at, 0), |s| (s.received_at, s.rev));
                acks.push(EventAck {
                    id: event.id,
                    received_at: stored_at,
                    duplicate: true,
                    rev: stored_rev,
                });
            }
            Admission::Reject(code, message) => rejections.push(reject(code, &message)),
        }
    }
    if rev > first_rev {
        set_rev(&tx, rev)?;
    }
    if rejections.is_empty() {
        tx.commit()?;
        return Ok(acks);
    }
    tx.rollback()?;
    // The refused events are kept, whole, for the desk; the board hears of them.
    let refused: Vec<(&EventWire, &EventRejection)> =
        rejections.iter().filter_map(|r| req.events.iter().find(|e| e.id == r.id).map(|e| (e, r))).collect();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    store::record_refusals(&tx, user, req.device_id, &refused, received_at)?;
    crate::db::next_rev(&tx)?;
    tx.commit()?;
    let message = match rejections.len() {
        1 => "1 event was refused; nothing of this push was applied".to_string(),
        n => format!("{n} events were refused; nothing of this push was applied"),
    };
    Err(Error::PushRefused { code: refusal_code(&rejections), message, events: rejections })
}

/// Stores an admitted event at `rev` and records the flags it raises; queues a sign-off's check.
fn apply_event(
    conn: &Connection,
    user: UserId,
    event: &VisitEvent,
    received_at: DateTime<Utc>,
    rev: i64,
    van: &mut Option<std::collections::BTreeMap<String, i64>>,
    headers: &mut HashMap<JobId, Option<Job>>,
) -> Result<()> {
    let mut raised = Vec::new();
    if flags::needs_van(&event.kind) {
        // Loaded before this event is stored: the count it is checked against.
        let counts = match van.take() {
            Some(counts) => counts,
            None => store::van_stock(conn, user)?.counts,
        };
        raised.extend(flags::stock_short(&counts, &event.kind));
        *van = Some(counts);
    }
    store::insert_event(conn, event, received_at, rev)?;
    if let Some(counts) = van.as_mut() {
        onsite_core::parts::apply(counts, [event]);
    }
    if flags::finishes(&event.kind) {
        let job = match headers.get(&event.job_id) {
            Some(job) => job,
            None => {
                let job = store::load_job(conn, event.job_id)?.map(JobWire::into_job);
                headers.entry(event.job_id).or_insert(job)
            }
        };
        if let Some(job) = job {
            // After the insert: the progress includes this event and the push's earlier ones.
            raised.extend(flags::steps_unsettled(job, &store::progress(conn, job)?, &event.kind));
        }
        if matches!(event.kind, onsite_core::event::EventKind::SignedOff(_)) {
            store::queue_sign_off_check(conn, event)?;
        }
    }
    for flag in &raised {
        store::insert_flag(conn, event, flag, received_at)?;
        tracing::info!(event = %event.id, job = %event.job_id, kind = flag.kind.as_str(), "flag raised");
    }
    Ok(())
}

/// Whether the device belongs to `user`. A device never seen before is bound to them now.
fn bind_device(conn: &Connection, device: DeviceId, user: UserId, at: DateTime<Utc>) -> Result<bool> {
    let owner: Option<String> = conn
        .prepare_cached("SELECT user_id FROM devices WHERE id = ?1")?
        .query_row(params![device.to_string()], |r| r.get(0))
        .optional()?;
    match owner {
        Some(owner) => Ok(parse_id::<UserId>(&owner)? == user),
        None => {
            conn.execute(
                "INSERT INTO devices (id, user_id, first_seen) VALUES (?1, ?2, ?3)",
                params![device.to_string(), user.to_string(), crate::db::fmt_time(at)],
            )?;
            Ok(true)
        }
    }
}

/// Which of these event ids are stored (one query per 500 ids).
fn stored_ids(conn: &Connection, ids: impl Iterator<Item = EventId>) -> Result<HashSet<EventId>> {
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    let mut found = HashSet::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut stmt = conn.prepare_cached(&format!("SELECT id FROM events WHERE id IN ({marks})"))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(chunk), |r| r.get::<_, String>(0))?;
        for id in rows {
            found.insert(parse_id(&id?)?);
        }
    }
    Ok(found)
}

/// The device's stored sequence numbers between the lowest and highest of `seqs`, and the
/// event holding each.
fn device_seqs(
    conn: &Connection,
    device: DeviceId,
    seqs: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, EventId>> {
    let (lo, hi) = seqs.fold((i64::MAX, i64::MIN), |(lo, hi), s| (lo.min(s), hi.max(s)));
    let mut found = HashMap::new();
    if lo > hi {
        return Ok(found);
    }
    let mut stmt =
        conn.prepare_cached("SELECT seq, id FROM events WHERE device_id = ?1 AND seq BETWEEN ?2 AND ?3")?;
    let rows = stmt.query_map(params![device.to_string(), lo, hi], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (seq, id) = row?;
        found.insert(seq, parse_id(&id)?);
    }
    Ok(found)
}

fn event_with_seq(conn: &Connection, device: DeviceId, seq: i64) -> Result<Option<EventId>> {
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM events WHERE device_id = ?1 AND seq = ?2")?
        .query_row(params![device.to_string(), seq], |r| r.get(0))
        .optional()?;
    id.as_deref().map(parse_id).transpose()
}

fn job_access(conn: &Connection, job: JobId, user: UserId) -> Result<JobAccess> {
    Ok(match store::load_job(conn, job)? {
        None => JobAccess::Unknown,
        Some(j) if store::is_on_job(conn, &j, user)? => JobAccess::Own,
        Some(_) => JobAccess::Foreign,
    })
}

/// The query of a pull.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// The `cursor` of the last pull whose changes are stored; 0 (the default) for everything.
    #[serde(default)]
    #[param(minimum = 0)]
    pub cursor: i64,
}

/// Pulls changes since the cursor.
#[utoipa::path(
    get,
    path = "/api/v1/sync/pull",
    tag = "sync",
    security(("bearer" = [])),
    params(PullQuery),
    responses(
        (status = 200, description = "Changes after the cursor, at most 200; `more` says whether to pull again", body = PullResponse),
        (status = 400, description = "The cursor is not a non-negative integer", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an engineer", body = ErrorBody),
    )
)]
pub async fn pull(
    State(state): State<AppState>,
    Engineer(me): Engineer,
    ApiQuery(query): ApiQuery<PullQuery>,
) -> Result<ApiJson<PullResponse>> {
    if query.cursor < 0 {
        return Err(Error::BadRequest("the cursor must not be negative".into()));
    }
    let user = me.user.id;
    let mut page = state.db.read(move |conn| pull_changes(conn, user, query.cursor, PULL_PAGE)).await?;
    page.settings = Some(state.config.settings.clone());
    if !page.jobs.is_empty() {
        // The desk sees the dispatch arrived. A failure here leaves the job shown as not yet
        // received (and logged); the engineer's pull is not failed for it.
        let jobs: Vec<JobId> = page.jobs.iter().map(|j| j.id).collect();
        if let Err(e) = state.db.run(move |conn| crate::dispatch::received(conn, user, &jobs)).await {
            tracing::warn!(error = %e, %user, "could not record that the phone received its jobs");
        }
    }
    Ok(ApiJson(page))
}

enum Change {
    Job(JobWire),
    Removed(JobId),
    Event(StoredEvent),
}

/// One page of at most `page` changes for `user` after `cursor`.
pub fn pull_changes(conn: &mut Connection, user: UserId, cursor: i64, page: usize) -> Result<PullResponse> {
    // One read transaction: the three streams and the history see the same snapshot.
    let tx = conn.transaction()?;
    let limit = i64::try_from(page).unwrap_or(i64::MAX).saturating_add(1);
    let who = user.to_string();
    let mut changes: Vec<(i64, Change)> = Vec::new();
    let jobs = store::query_jobs(
        &tx,
        &format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE {} AND rev > ?2 AND closed_at IS NULL ORDER BY rev LIMIT ?3",
            store::on_job("")
        ),
        params![who, cursor, limit],
    )?;
    changes.extend(jobs.into_iter().map(|j| (j.rev, Change::Job(j))));
    {
        // Taken from them, unless they are on it again (re-dispatched back, or sent alongside).
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT u.rev, u.job_id FROM unassignments u JOIN jobs j ON j.id = u.job_id \
             WHERE u.user_id = ?1 AND u.rev > ?2 AND (NOT {} OR j.closed_at IS NOT NULL) \
             ORDER BY u.rev LIMIT ?3",
            store::on_job("j.")
        ))?;
        let rows = stmt
            .query_map(params![who, cursor, limit], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (rev, job) in rows {
            changes.push((rev, Change::Removed(parse_id(&job)?)));
        }
    }
    let events = store::query_events(
        &tx,
        &format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN jobs j ON j.id = e.job_id \
             WHERE {} AND j.closed_at IS NULL AND e.rev > ?2 ORDER BY e.rev LIMIT ?3",
            store::on_job("j.")
        ),
        params![who, cursor, limit],
    )?;
    changes.extend(events.into_iter().map(|e| (e.rev, Change::Event(e))));

    changes.sort_by_key(|(rev, _)| *rev);
    let more = changes.len() > page;
    changes.truncate(page);
    let van = store::van_stock(&tx, user)?;
    let last = changes.last().map_or(cursor, |(rev, _)| *rev);
    let catalogue =
        if cursor == 0 || store::parts_changed_since(&tx, cursor)? { Some(store::parts(&tx)?) } else { None };
    let mut response = PullResponse {
        // With nothing more to come, everything up to the read's counter has been seen.
        cursor: if more { last } else { last.max(current_rev(&tx)?) },
        more,
        jobs: Vec::new(),
        removed: Vec::new(),
        events: Vec::new(),
        catalogue,
        van: Some(van),
        settings: None,
    };
    let mut page_events = Vec::new();
    for (_, change) in changes {
        match change {
            Change::Job(job) => response.jobs.push(job),
            Change::Removed(id) if !response.removed.contains(&id) => response.removed.push(id),
            Change::Removed(_) => {}
            Change::Event(e) => page_events.push(e.wire()),
        }
    }
    // The history of jobs that (re)appear in this page, from before the cursor.
    if cursor > 0 {
        for job in &response.jobs {
            let older = store::query_events(
                &tx,
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM events e WHERE e.job_id = ?1 AND e.rev <= ?2 ORDER BY e.rev"
                ),
                params![job.id.to_string(), cursor],
            )?;
            response.events.extend(older.iter().map(StoredEvent::wire));
        }
    }
    response.events.extend(page_events);
    tx.commit()?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::next_rev;
    use crate::store::insert_job;
    use chrono::TimeZone;
    use onsite_core::wire::{EventBody, EventWire, Role, User};
    use onsite_core::{Job, JobKind, Priority};
    use uuid::Uuid;

    fn t(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, minute, 0).single().unwrap_or_default()
    }

    fn setup() -> Result<(tempfile::TempDir, Connection, UserId)> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let conn = crate::db::open(&dir.path().join("t.db"))?;
        let user = UserId(Uuid::from_u128(7));
        let u = User::new(user, "wang.fang".into(), "王芳".into(), vec![Role::Engineer]);
        store::insert_user(&conn, &u, "x")?;
        Ok((dir, conn, user))
    }

    fn add_job(conn: &mut Connection, n: u128, assignee: UserId) -> Result<JobId> {
        let id = JobId(Uuid::from_u128(n));
        let job = Job {
            id,
            kind: JobKind::Repair,
            priority: Priority::Normal,
            customer: "张伟".into(),
            contact: "张伟".into(),
            phone: "13800138000".into(),
            wechat: None,
            address: "上海市".into(),
            device_name: None,
            device_description: None,
            fault: "无法上网".into(),
            reported_at: t(0),
            dispatched_at: Some(t(1)),
            appointment: None,
            assignee: Some(assignee),
            checklist: None,
        };
        let tx = conn.transaction()?;
        let rev = next_rev(&tx)?;
        insert_job(&tx, &job, rev)?;
        tx.commit()?;
        Ok(id)
    }

    fn push_notes(
        conn: &mut Connection,
        user: UserId,
        job: JobId,
        seqs: std::ops::RangeInclusive<u64>,
    ) -> Result<()> {
        let device = DeviceId(Uuid::from_u128(0xd));
        let events = seqs
            .map(|seq| EventWire {
                id: EventId(Uuid::from_u128(0x1000 + u128::from(seq))),
                job_id: job,
                device_id: device,
                seq,
                device_time: t(2),
                body: EventBody::NoteAdded { text: format!("note {seq}") },
                received_at: None,
                rev: None,
            })
            .collect();
        apply_push(conn, user, &PushRequest { device_id: device, events }, t(3))?;
        Ok(())
    }

    #[test]
    fn pull_pages_through_every_change_once() -> Result<()> {
        let (_dir, mut conn, user) = setup()?;
        let job = add_job(&mut conn, 1, user)?;
        push_notes(&mut conn, user, job, 1..=6)?;
        let _second = add_job(&mut conn, 2, user)?;
        // 8 changes: job 1 (rev 1), 6 events (2..=7), job 2 (rev 8). Pages of 3.
        let mut cursor = 0;
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let p = pull_changes(&mut conn, user, cursor, 3)?;
            pages += 1;
            assert!(p.jobs.len() + p.events.len() + p.removed.len() <= 3);
            seen.extend(p.jobs.iter().map(|j| j.rev));
            seen.extend(p.events.iter().map(|e| e.seq as i64 + 1));
            assert!(p.cursor > cursor);
            cursor = p.cursor;
            if !p.more {
                break;
            }
        }
        seen.sort();
        assert_eq!(seen, (1..=8).collect::<Vec<_>>());
        assert_eq!(pages, 3);
        let empty = pull_changes(&mut conn, user, cursor, 3)?;
        assert_eq!((empty.cursor, empty.more, empty.jobs.len(), empty.events.len()), (cursor, false, 0, 0));
        Ok(())
    }

    #[test]
    fn exactly_a_page_says_no_more() -> Result<()> {
        let (_dir, mut conn, user) = setup()?;
        let job = add_job(&mut conn, 1, user)?;
        push_notes(&mut conn, user, job, 1..=2)?;
        let p = pull_changes(&mut conn, user, 0, 3)?;
        assert_eq!((p.jobs.len(), p.events.len(), p.more, p.cursor), (1, 2, false, 3));
        Ok(())
    }
}
