//! The SQL of sync: applying a push in one transaction ([`apply_push`]) and reading a pull's
//! page ([`pull_changes`]), for `api::sync`'s handlers and the simulator (`crates/sim`). What
//! each event's admission is, is [`onsite_core::sync::admit`]'s decision; this gathers what it
//! needs and writes what it decides. The costs are `api::sync`'s to state.

use crate::db::{current_rev, parse_id, set_rev};
use crate::error::{Error, Result};
use crate::store::{self, EVENT_COLUMNS, JOB_COLUMNS, StoredEvent};
use chrono::{DateTime, Utc};
use onsite_core::flags;
use onsite_core::sync::{Admission, JobAccess, Known, admit, refusal_code};
use onsite_core::wire::{
    EventAck, EventRejection, EventWire, JobWire, PullResponse, PushRequest, RejectCode,
};
use onsite_core::{DeviceId, EventId, Job, JobId, UserId, VisitEvent};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::{HashMap, HashSet};

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
