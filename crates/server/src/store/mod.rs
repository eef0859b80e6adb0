//! Rows to domain types and back: the queries that several handlers share.
//!
//! Kept apart from the handlers so that each handler reads as its rule, and so that the one
//! mapping between a `jobs` row and a [`JobWire`], or an `events` row and a [`VisitEvent`],
//! is written once. All functions are synchronous and take a borrowed connection: they run
//! inside [`crate::db::Db::run`], usually inside a transaction.

pub mod sync;

use crate::db::{current_rev, fmt_time, parse_id, parse_time};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use onsite_core::access::Permission;
use onsite_core::desk::{
    Candidate, Channel, Closed, Closure, Concern, ConcernKind, DeskAction, DeskEntry, DeskRecord,
    EngineerState, Standing,
};
use onsite_core::event::canonical_order;
use onsite_core::flags::Raised;
use onsite_core::parts::{MOVEMENT_TAGS, Part, VanStock};
use onsite_core::report::Progress;
use onsite_core::status::derive_status;
use onsite_core::steps::Step;
use onsite_core::wire::{
    Account, AccountProfile, Board, BoardEngineer, EventRejection, EventWire, Flag, FlagKind, JobDetail,
    JobWire, Role, User, Window,
};
use onsite_core::{DeviceId, EventId, Job, JobId, JobKind, Priority, UserId, VisitEvent};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::{BTreeMap, HashMap};

/// The columns of `jobs`, in the order [`JobRow::read`] expects.
pub const JOB_COLUMNS: &str = "id, kind, priority, customer, contact, phone, wechat, address, device_name, \
     device_description, fault, reported_at, dispatched_at, appointment_start, appointment_end, assignee, rev, \
     checklist";

/// A `jobs` row as stored, before its text is checked.
pub struct JobRow {
    id: String,
    kind: String,
    priority: String,
    customer: String,
    contact: String,
    phone: String,
    wechat: Option<String>,
    address: String,
    device_name: Option<String>,
    device_description: Option<String>,
    fault: String,
    reported_at: String,
    dispatched_at: Option<String>,
    appointment_start: Option<String>,
    appointment_end: Option<String>,
    assignee: Option<String>,
    rev: i64,
    checklist: Option<String>,
}

impl JobRow {
    /// Reads a row selected with [`JOB_COLUMNS`] (optionally prefixed by a table alias).
    pub fn read(row: &Row<'_>) -> rusqlite::Result<JobRow> {
        Ok(JobRow {
            id: row.get(0)?,
            kind: row.get(1)?,
            priority: row.get(2)?,
            customer: row.get(3)?,
            contact: row.get(4)?,
            phone: row.get(5)?,
            wechat: row.get(6)?,
            address: row.get(7)?,
            device_name: row.get(8)?,
            device_description: row.get(9)?,
            fault: row.get(10)?,
            reported_at: row.get(11)?,
            dispatched_at: row.get(12)?,
            appointment_start: row.get(13)?,
            appointment_end: row.get(14)?,
            assignee: row.get(15)?,
            rev: row.get(16)?,
            checklist: row.get(17)?,
        })
    }

    pub fn into_wire(self) -> Result<JobWire> {
        let opt_time = |s: Option<String>| s.as_deref().map(parse_time).transpose();
        let appointment = match (opt_time(self.appointment_start)?, opt_time(self.appointment_end)?) {
            (Some(start), Some(end)) => Some(Window { start, end }),
            _ => None,
        };
        Ok(JobWire {
            id: parse_id(&self.id)?,
            kind: JobKind::parse(&self.kind)
                .ok_or_else(|| Error::internal(format!("bad job kind {:?}", self.kind)))?,
            priority: Priority::parse(&self.priority)
                .ok_or_else(|| Error::internal(format!("bad priority {:?}", self.priority)))?,
            customer: self.customer,
            contact: self.contact,
            phone: self.phone,
            wechat: self.wechat,
            address: self.address,
            device_name: self.device_name,
            device_description: self.device_description,
            fault: self.fault,
            reported_at: parse_time(&self.reported_at)?,
            dispatched_at: opt_time(self.dispatched_at)?,
            appointment,
            assignee: self.assignee.as_deref().map(parse_id).transpose()?,
            checklist: self
                .checklist
                .as_deref()
                .map(serde_json::from_str::<Vec<Step>>)
                .transpose()
                .map_err(|e| Error::internal(format!("bad stored checklist: {e}")))?,
            rev: self.rev,
        })
    }
}

/// Reads the rows of a `SELECT {JOB_COLUMNS} ...` into headers.
pub fn query_jobs(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<JobWire>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, JobRow::read)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(JobRow::into_wire).collect()
}

pub fn load_job(conn: &Connection, id: JobId) -> Result<Option<JobWire>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1");
    Ok(query_jobs(conn, &sql, params![id.to_string()])?.pop())
}

/// Stores a new job header at change number `rev`.
pub fn insert_job(conn: &Connection, job: &Job, rev: i64) -> Result<()> {
    let checklist = job.checklist.as_ref().map(serde_json::to_string).transpose().map_err(Error::internal)?;
    conn.execute(
        "INSERT INTO jobs (id, kind, priority, customer, contact, phone, wechat, address, device_name, \
         device_description, fault, reported_at, dispatched_at, appointment_start, appointment_end, assignee, rev, \
         checklist) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            job.id.to_string(),
            job.kind.as_str(),
            job.priority.as_str(),
            job.customer,
            job.contact,
            job.phone,
            job.wechat,
            job.address,
            job.device_name,
            job.device_description,
            job.fault,
            fmt_time(job.reported_at),
            job.dispatched_at.map(fmt_time),
            job.appointment.map(|w| fmt_time(w.start)),
            job.appointment.map(|w| fmt_time(w.end)),
            job.assignee.map(|a| a.to_string()),
            rev,
            checklist,
        ],
    )?;
    Ok(())
}

/// Re-dispatches a job: new assignee, new dispatch time, new change number.
pub fn update_dispatch(
    conn: &Connection,
    id: JobId,
    assignee: UserId,
    dispatched_at: DateTime<Utc>,
    rev: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE jobs SET assignee = ?2, dispatched_at = ?3, rev = ?4, received_at = NULL WHERE id = ?1",
        params![id.to_string(), assignee.to_string(), fmt_time(dispatched_at), rev],
    )?;
    Ok(())
}

/// The SQL condition "`?1`, a user, is on this job": its assignee, or sent alongside. `table` is
/// the alias of `jobs` in the query, with its dot (`"j."`), or empty.
pub fn on_job(table: &str) -> String {
    format!("({table}assignee = ?1 OR {table}id IN (SELECT job_id FROM alongside WHERE user_id = ?1))")
}

/// Whether `user` is on `job`: its assignee, or sent alongside.
pub fn is_on_job(conn: &Connection, job: &JobWire, user: UserId) -> Result<bool> {
    if job.assignee == Some(user) {
        return Ok(true);
    }
    let found = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM alongside WHERE job_id = ?1 AND user_id = ?2)")?
        .query_row(params![job.id.to_string(), user.to_string()], |r| r.get(0))?;
    Ok(found)
}

/// The engineers sent alongside on `job` (their ids).
pub fn alongside_of(conn: &Connection, job: JobId) -> Result<Vec<UserId>> {
    let mut stmt = conn.prepare_cached("SELECT user_id FROM alongside WHERE job_id = ?1 ORDER BY at")?;
    let ids = stmt
        .query_map(params![job.to_string()], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// Sends `user` alongside on `job` at change number `rev`: the job's header takes the number, so
/// their phone's next pull carries it.
pub fn insert_alongside(
    conn: &Connection,
    job: JobId,
    user: UserId,
    at: DateTime<Utc>,
    rev: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO alongside (job_id, user_id, at) VALUES (?1, ?2, ?3)",
        params![job.to_string(), user.to_string(), fmt_time(at)],
    )?;
    conn.execute("UPDATE jobs SET rev = ?2 WHERE id = ?1", params![job.to_string(), rev])?;
    Ok(())
}

/// Gives a job a new change number (the board and its phones read it again).
pub fn touch_job(conn: &Connection, job: JobId, rev: i64) -> Result<()> {
    conn.execute("UPDATE jobs SET rev = ?2 WHERE id = ?1", params![job.to_string(), rev])?;
    Ok(())
}

/// Whether `user`'s next pull from `cursor` would carry anything: a job dispatched to them or
/// changed, one taken from them, an event on one of their jobs. The same three streams as
/// `store::sync::pull_changes`, asked only whether each is empty; the events of `device` (the
/// asking phone's own) left out.
pub fn changes_for(conn: &Connection, user: UserId, cursor: i64, device: Option<DeviceId>) -> Result<bool> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE {} AND rev > ?2) \
                 OR EXISTS (SELECT 1 FROM unassignments WHERE user_id = ?1 AND rev > ?2) \
                 OR EXISTS (SELECT 1 FROM events e JOIN jobs j ON j.id = e.job_id \
                            WHERE {} AND e.rev > ?2 AND (?3 IS NULL OR e.device_id <> ?3))",
            on_job(""),
            on_job("j.")
        ))?
        .query_row(params![user.to_string(), cursor, device.map(|d| d.to_string())], |row| row.get(0))?;
    Ok(found)
}

/// Records that `job` was taken from `user`'s phone (re-dispatched or cancelled) at `rev`.
pub fn insert_unassignment(conn: &Connection, job: JobId, user: UserId, rev: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO unassignments (rev, job_id, user_id) VALUES (?1, ?2, ?3)",
        params![rev, job.to_string(), user.to_string()],
    )?;
    Ok(())
}

/// Where a stored job stands for the desk's actions: its derived status, whether the desk
/// closed it, whether it is dispatched.
pub fn standing(conn: &Connection, job: &JobWire) -> Result<Standing> {
    let events: Vec<VisitEvent> = job_events(conn, job.id)?.into_iter().map(|s| s.event).collect();
    let status = derive_status(canonical_order(&events));
    let closed = closure(conn, job.id)?.map(|c| c.how);
    Ok(Standing { status, closed, dispatched: job.assignee.is_some() })
}

/// What the desk noted at intake: the channel the report came by, and whether it is complex.
pub fn set_intake(conn: &Connection, job: JobId, channel: Option<Channel>, complex: bool) -> Result<()> {
    conn.execute(
        "UPDATE jobs SET channel = ?2, complex = ?3 WHERE id = ?1",
        params![job.to_string(), channel.map(Channel::as_str), complex],
    )?;
    Ok(())
}

/// Closes a job for the desk at change number `rev` (its phone lets it go at the next pull).
pub fn set_closed(
    conn: &Connection,
    job: JobId,
    how: Closure,
    at: DateTime<Utc>,
    reason: &str,
    rev: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE jobs SET closed_how = ?2, closed_at = ?3, closed_reason = ?4, rev = ?5 WHERE id = ?1",
        params![job.to_string(), how.as_str(), fmt_time(at), reason, rev],
    )?;
    Ok(())
}

pub fn set_appointment(conn: &Connection, job: JobId, window: Option<Window>, rev: i64) -> Result<()> {
    conn.execute(
        "UPDATE jobs SET appointment_start = ?2, appointment_end = ?3, rev = ?4 WHERE id = ?1",
        params![job.to_string(), window.map(|w| fmt_time(w.start)), window.map(|w| fmt_time(w.end)), rev],
    )?;
    Ok(())
}

/// Marks the jobs of `jobs` still assigned to `user` and not marked yet as received now; the
/// number marked.
pub fn mark_received(conn: &Connection, user: UserId, jobs: &[JobId], at: DateTime<Utc>) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "UPDATE jobs SET received_at = ?3 WHERE id = ?1 AND assignee = ?2 AND received_at IS NULL",
    )?;
    let (who, at) = (user.to_string(), fmt_time(at));
    let mut marked = 0;
    for job in jobs {
        marked += stmt.execute(params![job.to_string(), who, at])?;
    }
    Ok(marked)
}

/// How the desk closed a job, if it did.
pub fn closure(conn: &Connection, job: JobId) -> Result<Option<Closed>> {
    let row: Option<(Option<String>, Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT closed_how, closed_at, closed_reason FROM jobs WHERE id = ?1")?
        .query_row(params![job.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map_or(Ok(None), parse_closure)
}

/// The `closed_how, closed_at, closed_reason` columns of a job.
fn parse_closure(
    (how, at, reason): (Option<String>, Option<String>, Option<String>),
) -> Result<Option<Closed>> {
    match (how, at) {
        (Some(how), Some(at)) => Ok(Some(Closed {
            how: Closure::parse(&how).ok_or_else(|| Error::internal(format!("bad closure {how:?}")))?,
            at: parse_time(&at)?,
            reason: reason.unwrap_or_default(),
        })),
        _ => Ok(None),
    }
}

/// The desk's record of a job: channel, the phone's receipt, its closing and its log.
pub fn desk_record(conn: &Connection, job: JobId) -> Result<DeskRecord> {
    let (channel, received_at, complex): (Option<String>, Option<String>, bool) = conn
        .prepare_cached("SELECT channel, received_at, complex FROM jobs WHERE id = ?1")?
        .query_row(params![job.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let log = audit_of(conn, &crate::dispatch::subject(job))?
        .into_iter()
        .map(|(at, by, action, detail)| desk_entry(at, by, &action, &detail))
        .collect::<Result<Vec<_>>>()?;
    Ok(DeskRecord {
        channel: parse_channel(channel)?,
        received_at: received_at.as_deref().map(parse_time).transpose()?,
        closed: closure(conn, job)?,
        complex,
        log,
    })
}

fn parse_channel(channel: Option<String>) -> Result<Option<Channel>> {
    channel
        .map(|c| Channel::parse(&c).ok_or_else(|| Error::internal(format!("bad channel {c:?}"))))
        .transpose()
}

/// One line of a job's audit log as the desk's log entry.
fn desk_entry(at: DateTime<Utc>, by: Option<String>, action: &str, detail: &str) -> Result<DeskEntry> {
    let action =
        DeskAction::parse(action).ok_or_else(|| Error::internal(format!("bad desk action {action:?}")))?;
    let detail: serde_json::Value = serde_json::from_str(detail).map_err(Error::internal)?;
    Ok(DeskEntry {
        at,
        by,
        action,
        engineer: detail.get("engineer").and_then(|e| e.as_str()).map(str::to_string),
        vendor: detail.get("vendor").and_then(|e| e.as_str()).map(str::to_string),
        note: detail.get("note").and_then(|n| n.as_str()).unwrap_or_default().to_string(),
    })
}

/// Keeps the events of a refused push that were refused, whole, for the desk (the first
/// refusal of an event id is kept). Written after the push's transaction rolled back.
pub fn record_refusals(
    conn: &Connection,
    user: UserId,
    device: DeviceId,
    refused: &[(&EventWire, &EventRejection)],
    at: DateTime<Utc>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO refusals (event_id, job_id, user_id, device_id, code, message, body, at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (event, why) in refused {
        let body = serde_json::to_string(event).map_err(Error::internal)?;
        let code = serde_json::to_value(why.code).map_err(Error::internal)?;
        stmt.execute(params![
            event.id.to_string(),
            event.job_id.to_string(),
            user.to_string(),
            device.to_string(),
            code.as_str().unwrap_or_default(),
            why.message,
            body,
            fmt_time(at),
        ])?;
    }
    Ok(())
}

/// Which jobs the board reads, as two conditions on `jobs j` (each query runs once per
/// condition, so each can use its index): open ones (not closed by the desk, not completed), by
/// `jobs_open`; and any other with a flag or a refused event (whether the desk dealt with it is
/// decided per row, [`onsite_core::desk::open_concerns`]).
const BOARD_JOBS: [&str; 2] = [
    "j.closed_at IS NULL AND j.finished_at IS NULL",
    "j.id IN (SELECT job_id FROM flags UNION SELECT job_id FROM refusals) \
     AND NOT (j.closed_at IS NULL AND j.finished_at IS NULL)",
];

/// The desk's board: a row for every job on it ([`onsite_core::desk_board::row`]), and the
/// engineers. A fixed number of queries, whatever the number of jobs; on a reader.
pub fn board(conn: &Connection) -> Result<Board> {
    let mut logins: HashMap<String, String> = HashMap::new();
    let mut engineers = Vec::new();
    for row in accounts(conn)? {
        if !row.disabled && row.user.may(Permission::Record) {
            engineers.push(BoardEngineer {
                login: row.user.login.clone(),
                name: row.user.name.clone(),
                area: row.area,
            });
        }
        logins.insert(row.user.id.to_string(), row.user.login);
    }
    let mut rows = Vec::new();
    let mut events: HashMap<JobId, Vec<EventWire>> = HashMap::new();
    let mut flags: HashMap<JobId, Vec<Flag>> = HashMap::new();
    let mut refused: HashMap<JobId, Vec<Concern>> = HashMap::new();
    let mut logs: HashMap<String, Vec<DeskEntry>> = HashMap::new();
    for which in BOARD_JOBS {
        let cols = JOB_COLUMNS.split(", ").map(|c| format!("j.{}", c.trim())).collect::<Vec<_>>().join(", ");
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {cols}, j.channel, j.received_at, j.complex, j.closed_how, j.closed_at, j.closed_reason \
             FROM jobs j WHERE {which}"
        ))?;
        let found = stmt
            .query_map([], |r| {
                let closure = (r.get(21)?, r.get(22)?, r.get(23)?);
                Ok((
                    JobRow::read(r)?,
                    r.get::<_, Option<String>>(18)?,
                    r.get::<_, Option<String>>(19)?,
                    r.get::<_, bool>(20)?,
                    closure,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.extend(found);
        for e in query_events(
            conn,
            &format!(
                "SELECT {EVENT_COLUMNS} FROM jobs j JOIN events e ON e.job_id = j.id WHERE {which} ORDER BY e.rev"
            ),
            [],
        )? {
            events.entry(e.event.job_id).or_default().push(e.wire());
        }
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT f.job_id, f.event_id, f.kind, f.detail, f.at FROM jobs j JOIN flags f ON f.job_id = j.id \
             WHERE {which} ORDER BY f.id"
        ))?;
        let found = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (job, flag) in found {
            flags.entry(parse_id(&job)?).or_default().push(parse_flag(flag)?);
        }
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT r.job_id, r.message, r.at FROM jobs j JOIN refusals r ON r.job_id = j.id WHERE {which} ORDER BY r.at"
        ))?;
        let found = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (job, message, at) in found {
            refused.entry(parse_id(&job)?).or_default().push(Concern {
                kind: ConcernKind::Refused,
                at: parse_time(&at)?,
                detail: message,
            });
        }
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT a.subject, a.at, u.login, a.action, a.detail FROM jobs j \
             JOIN audit a ON a.subject = 'job:' || j.id LEFT JOIN users u ON u.id = a.actor \
             WHERE {which} ORDER BY a.id"
        ))?;
        let found = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (subject, at, by, action, detail) in found {
            logs.entry(subject).or_default().push(desk_entry(parse_time(&at)?, by, &action, &detail)?);
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (job, channel, received_at, complex, closure) in rows {
        let job = job.into_wire()?;
        let record = DeskRecord {
            channel: parse_channel(channel)?,
            received_at: received_at.as_deref().map(parse_time).transpose()?,
            closed: parse_closure(closure)?,
            complex,
            log: logs.remove(&crate::dispatch::subject(job.id)).unwrap_or_default(),
        };
        let engineer = job.assignee.and_then(|a| logins.get(&a.to_string()).cloned());
        let row = onsite_core::desk_board::row(
            &job,
            engineer,
            events.get(&job.id).map_or(&[][..], Vec::as_slice),
            flags.get(&job.id).map_or(&[][..], Vec::as_slice),
            refused.remove(&job.id).unwrap_or_default(),
            &record,
        );
        if onsite_core::desk_board::on_board(&row) {
            out.push(row);
        }
    }
    out.sort_by(|a, b| (a.reported_at, a.id).cmp(&(b.reported_at, b.id)));
    Ok(Board { rows: out, engineers })
}

/// One stored event with what the server added to it.
pub struct StoredEvent {
    pub event: VisitEvent,
    pub received_at: DateTime<Utc>,
    pub rev: i64,
}

impl StoredEvent {
    /// The event as the server returns it: with its receive time and change number.
    pub fn wire(&self) -> EventWire {
        EventWire { rev: Some(self.rev), ..EventWire::from_event(&self.event, Some(self.received_at)) }
    }
}

/// The columns [`read_event`] expects.
pub const EVENT_COLUMNS: &str = "e.body, e.received_at, e.rev";

pub fn read_event(row: &Row<'_>) -> rusqlite::Result<(String, String, i64)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

pub fn parse_event((body, received_at, rev): (String, String, i64)) -> Result<StoredEvent> {
    let event =
        serde_json::from_str(&body).map_err(|e| Error::internal(format!("bad stored event body: {e}")))?;
    Ok(StoredEvent { event, received_at: parse_time(&received_at)?, rev })
}

/// Reads the rows of a `SELECT {EVENT_COLUMNS} FROM events e ...`.
pub fn query_events(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<StoredEvent>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, read_event)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(parse_event).collect()
}

pub fn event_by_id(conn: &Connection, id: EventId) -> Result<Option<StoredEvent>> {
    let row = conn
        .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = ?1"))?
        .query_row(params![id.to_string()], read_event)
        .optional()?;
    row.map(parse_event).transpose()
}

/// Stores a new event at change number `rev`, with what finishing checks keep of it (a step
/// settled).
pub fn insert_event(
    conn: &Connection,
    event: &VisitEvent,
    received_at: DateTime<Utc>,
    rev: i64,
) -> Result<()> {
    let body = serde_json::to_string(event).map_err(Error::internal)?;
    let seq = i64::try_from(event.seq).map_err(|_| Error::internal("sequence number out of range"))?;
    conn.prepare_cached(
        "INSERT INTO events (id, job_id, device_id, seq, device_time, type, body, received_at, rev) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        event.id.to_string(),
        event.job_id.to_string(),
        event.device_id.to_string(),
        seq,
        fmt_time(event.device_time),
        event.kind.tag(),
        body,
        fmt_time(received_at),
        rev,
    ])?;
    for step in onsite_core::steps::settles(&event.kind) {
        conn.prepare_cached("INSERT OR IGNORE INTO settled_steps (job_id, step) VALUES (?1, ?2)")?
            .execute(params![event.job_id.to_string(), step])?;
    }
    if onsite_core::status::completes(&event.kind) {
        // The first completing event's receive time: the job leaves the board's open jobs.
        conn.prepare_cached("UPDATE jobs SET finished_at = ?2 WHERE id = ?1 AND finished_at IS NULL")?
            .execute(params![event.job_id.to_string(), fmt_time(received_at)])?;
    }
    Ok(())
}

/// What finishing `job` depends on, as stored now: one lookup per step of its checklist and one
/// for a fee, whatever the length of its history.
pub fn progress(conn: &Connection, job: &Job) -> Result<Progress> {
    let id = job.id.to_string();
    let mut settled = conn.prepare_cached("SELECT 1 FROM settled_steps WHERE job_id = ?1 AND step = ?2")?;
    let mut progress = Progress::default();
    for step in job.checklist().iter() {
        if settled.exists(params![id, step.id])? {
            progress.settled.insert(step.id.clone());
        }
    }
    progress.fee_collected = conn
        .prepare_cached("SELECT 1 FROM events WHERE job_id = ?1 AND type = 'fee_collected' LIMIT 1")?
        .exists(params![id])?;
    Ok(progress)
}

/// An engineer's own jobs, newest report first: those whose customer, contact, phone or address
/// holds `words` (as typed: `%` and `_` match themselves), reported within the days given.
pub fn engineer_history(
    conn: &Connection,
    user: UserId,
    words: Option<&str>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    limit: usize,
) -> Result<Vec<JobWire>> {
    let like =
        words.map(|w| format!("%{}%", w.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let day = |d: chrono::NaiveDate| fmt_time(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    let from = from.map(day);
    let until = to.and_then(|d| d.succ_opt()).map(day);
    query_jobs(
        conn,
        &format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE assignee = ?1 \
             AND (?2 IS NULL OR customer LIKE ?2 ESCAPE '\\' OR contact LIKE ?2 ESCAPE '\\' \
                  OR phone LIKE ?2 ESCAPE '\\' OR address LIKE ?2 ESCAPE '\\') \
             AND (?3 IS NULL OR reported_at >= ?3) AND (?4 IS NULL OR reported_at < ?4) \
             ORDER BY reported_at DESC, id LIMIT ?5"
        ),
        params![user.to_string(), like, from, until, i64::try_from(limit).unwrap_or(i64::MAX)],
    )
}

/// A customer's jobs, newest report first: those whose phone holds `digits` (compared digit by
/// digit, whatever the spaces, dashes or +86) or whose address holds `address`.
pub fn customer_jobs(
    conn: &Connection,
    digits: Option<&str>,
    address: Option<&str>,
    limit: usize,
) -> Result<Vec<JobWire>> {
    let escape = |w: &str| format!("%{}%", w.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    query_jobs(
        conn,
        &format!(
            "SELECT {JOB_COLUMNS} FROM jobs \
             WHERE (?1 IS NOT NULL AND replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', '') \
                    LIKE ?1 ESCAPE '\\') \
                OR (?2 IS NOT NULL AND address LIKE ?2 ESCAPE '\\') \
             ORDER BY reported_at DESC, id LIMIT ?3"
        ),
        params![digits.map(escape), address.map(escape), i64::try_from(limit).unwrap_or(i64::MAX)],
    )
}

/// Queues a sign-off for the check of its hash (see [`crate::checks`]).
pub fn queue_sign_off_check(conn: &Connection, event: &VisitEvent) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO sign_off_checks (event_id, job_id) VALUES (?1, ?2)")?
        .execute(params![event.id.to_string(), event.job_id.to_string()])?;
    Ok(())
}

/// Up to `limit` queued sign-off checks: the sign-off's event id and its job.
pub fn queued_sign_off_checks(conn: &Connection, limit: usize) -> Result<Vec<(EventId, JobId)>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = conn
        .prepare_cached("SELECT event_id, job_id FROM sign_off_checks ORDER BY job_id LIMIT ?1")?
        .query_map(params![limit], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.iter().map(|(e, j)| Ok((parse_id(e)?, parse_id(j)?))).collect()
}

/// Removes a sign-off from the queue of checks.
pub fn sign_off_checked(conn: &Connection, event: EventId) -> Result<()> {
    conn.prepare_cached("DELETE FROM sign_off_checks WHERE event_id = ?1")?
        .execute(params![event.to_string()])?;
    Ok(())
}

/// All events of a job.
pub fn job_events(conn: &Connection, job: JobId) -> Result<Vec<StoredEvent>> {
    query_events(
        conn,
        &format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.job_id = ?1 ORDER BY e.rev"),
        params![job.to_string()],
    )
}

/// A job with its status, its events in canonical order (each with its receive time and change
/// number), the visit report as of `now`, and its flags.
pub fn detail(job: JobWire, events: &[StoredEvent], flags: Vec<Flag>, now: DateTime<Utc>) -> JobDetail {
    let stored: HashMap<EventId, &StoredEvent> = events.iter().map(|s| (s.event.id, s)).collect();
    let domain: Vec<VisitEvent> = events.iter().map(|s| s.event.clone()).collect();
    let ordered = canonical_order(&domain);
    let status = derive_status(ordered.iter().copied());
    let wire = ordered.iter().filter_map(|e| stored.get(&e.id)).map(|s| s.wire()).collect();
    let report = onsite_core::report::report(&job.clone().into_job(), &domain, now);
    JobDetail { job, status, events: wire, report, flags, desk: DeskRecord::default() }
}

pub fn job_detail(conn: &Connection, job: JobWire, now: DateTime<Utc>) -> Result<JobDetail> {
    let events = job_events(conn, job.id)?;
    let flags = job_flags(conn, job.id)?;
    let desk = desk_record(conn, job.id)?;
    Ok(JobDetail { desk, ..detail(job, &events, flags, now) })
}

/// The flags raised on a job, oldest first.
pub fn job_flags(conn: &Connection, job: JobId) -> Result<Vec<Flag>> {
    let mut stmt =
        conn.prepare_cached("SELECT event_id, kind, detail, at FROM flags WHERE job_id = ?1 ORDER BY id")?;
    let rows = stmt
        .query_map(params![job.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(parse_flag).collect()
}

/// A `flags` row (event id, kind, detail, time).
fn parse_flag((event_id, kind, detail, at): (String, String, String, String)) -> Result<Flag> {
    Ok(Flag {
        kind: FlagKind::parse(&kind).ok_or_else(|| Error::internal(format!("bad flag kind {kind:?}")))?,
        event_id: parse_id(&event_id)?,
        detail,
        at: parse_time(&at)?,
    })
}

/// Records a flag raised by an event.
pub fn insert_flag(conn: &Connection, event: &VisitEvent, raised: &Raised, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO flags (job_id, event_id, kind, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        event.job_id.to_string(),
        event.id.to_string(),
        raised.kind.as_str(),
        raised.detail,
        fmt_time(at),
    ])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Parts and vans

fn read_part(row: &Row<'_>) -> rusqlite::Result<Part> {
    Ok(Part { sku: row.get(0)?, zh: row.get(1)?, en: row.get(2)?, serialised: row.get(3)? })
}

/// The whole catalogue, by stock code.
pub fn parts(conn: &Connection) -> Result<Vec<Part>> {
    let mut stmt = conn.prepare_cached("SELECT sku, zh, en, serialised FROM parts ORDER BY sku")?;
    Ok(stmt.query_map([], read_part)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn part_by_sku(conn: &Connection, sku: &str) -> Result<Option<Part>> {
    Ok(conn
        .prepare_cached("SELECT sku, zh, en, serialised FROM parts WHERE sku = ?1")?
        .query_row(params![sku], read_part)
        .optional()?)
}

/// Adds or replaces a catalogue entry at change number `rev`.
pub fn upsert_part(conn: &Connection, part: &Part, rev: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO parts (sku, zh, en, serialised, rev) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (sku) DO UPDATE SET zh = excluded.zh, en = excluded.en, \
         serialised = excluded.serialised, rev = excluded.rev",
    )?
    .execute(params![part.sku, part.zh, part.en, part.serialised, rev])?;
    Ok(())
}

/// Whether any catalogue entry changed after change number `cursor`.
pub fn parts_changed_since(conn: &Connection, cursor: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM parts WHERE rev > ?1)")?
        .query_row(params![cursor], |r| r.get(0))?)
}

/// Records stock issued to (`qty` > 0) or taken back from (`qty` < 0) an engineer's van.
pub fn insert_van_issue(
    conn: &Connection,
    user: UserId,
    sku: &str,
    qty: i64,
    rev: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached("INSERT INTO van_issues (user_id, sku, qty, rev, at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![user.to_string(), sku, qty, rev, fmt_time(at)])?;
    Ok(())
}

/// The engineer's van as the server counts it now: every issue, less the parts used and plus
/// the parts returned in the events of the engineer's devices ([`onsite_core::parts::apply`]).
/// `rev` is the change counter read in the same transaction, so the count includes exactly
/// the changes numbered up to it. Call inside a transaction for that to hold.
pub fn van_stock(conn: &Connection, user: UserId) -> Result<VanStock> {
    let rev = current_rev(conn)?;
    let who = user.to_string();
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    {
        let mut stmt =
            conn.prepare_cached("SELECT sku, SUM(qty) FROM van_issues WHERE user_id = ?1 GROUP BY sku")?;
        let rows = stmt.query_map(params![who], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (sku, qty) = row?;
            counts.insert(sku, qty);
        }
    }
    let tags = serde_json::to_string(&MOVEMENT_TAGS).map_err(Error::internal)?;
    let moved = query_events(
        conn,
        &format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN devices d ON d.id = e.device_id \
             WHERE d.user_id = ?1 AND e.type IN (SELECT value FROM json_each(?2))"
        ),
        params![who, tags],
    )?;
    onsite_core::parts::apply(&mut counts, moved.iter().map(|s| &s.event));
    Ok(VanStock { rev, counts })
}

/// A user as stored: who they are, their password hash, and the account's state.
pub struct UserRow {
    pub user: User,
    pub password_hash: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub area: String,
    pub duties: Vec<JobKind>,
}

impl UserRow {
    /// The account as an admin sees it.
    pub fn account(&self) -> Account {
        Account {
            id: self.user.id,
            login: self.user.login.clone(),
            name: self.user.name.clone(),
            roles: self.user.held().to_vec(),
            area: self.area.clone(),
            duties: self.duties.clone(),
            disabled: self.disabled,
            must_change_password: self.must_change_password,
        }
    }
}

/// The columns [`parse_user`] reads, the roles as one comma-separated text.
const USER_COLUMNS: &str = "id, login, name, \
     (SELECT group_concat(role) FROM user_roles WHERE user_id = users.id), password_hash, \
     disabled_at IS NOT NULL, must_change_password, area, duties";

type RawUser = (String, String, String, Option<String>, String, bool, bool, String, String);

fn read_user(row: &Row<'_>) -> rusqlite::Result<RawUser> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
    ))
}

fn parse_user(
    (id, login, name, roles, password_hash, disabled, must_change_password, area, duties): RawUser,
) -> Result<UserRow> {
    let roles = roles
        .unwrap_or_default()
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| Role::parse(r).ok_or_else(|| Error::internal(format!("bad role {r:?}"))))
        .collect::<Result<Vec<_>>>()?;
    if roles.is_empty() {
        return Err(Error::internal(format!("the account {login:?} holds no role")));
    }
    let duties: Vec<JobKind> =
        serde_json::from_str(&duties).map_err(|e| Error::internal(format!("duties of {login:?}: {e}")))?;
    Ok(UserRow {
        user: User::new(parse_id(&id)?, login, name, roles),
        password_hash,
        disabled,
        must_change_password,
        area,
        duties,
    })
}

pub fn user_by_login(conn: &Connection, login: &str) -> Result<Option<UserRow>> {
    let row = conn
        .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE login = ?1"))?
        .query_row(params![login], read_user)
        .optional()?;
    row.map(parse_user).transpose()
}

pub fn user_by_id(conn: &Connection, id: UserId) -> Result<Option<UserRow>> {
    let row = conn
        .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
        .query_row(params![id.to_string()], read_user)
        .optional()?;
    row.map(parse_user).transpose()
}

/// Every account, by login.
pub fn accounts(conn: &Connection) -> Result<Vec<UserRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY login"))?;
    let rows = stmt.query_map([], read_user)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(parse_user).collect()
}

/// Every engineer who can be sent a job (a field role, not disabled), by login.
pub fn engineers(conn: &Connection) -> Result<Vec<User>> {
    Ok(accounts(conn)?
        .into_iter()
        .filter(|u| !u.disabled && u.user.may(Permission::Record))
        .map(|u| u.user)
        .collect())
}

/// Every enabled engineer with their open jobs (dispatched to them, neither finished nor closed
/// by the desk) and where their events put them now: what dispatch suggestions rank.
/// One query a job: fine for a team's tens of engineers and their day's jobs.
pub fn candidates(conn: &Connection) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for row in accounts(conn)?.into_iter().filter(|u| !u.disabled && u.user.may(Permission::Record)) {
        let jobs = query_jobs(
            conn,
            &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE assignee = ?1 AND closed_at IS NULL"),
            params![row.user.id.to_string()],
        )?;
        let mut open = Vec::new();
        for job in jobs {
            let status = standing(conn, &job)?.status;
            if !status.is_closed() {
                open.push(status);
            }
        }
        out.push(Candidate {
            login: row.user.login,
            name: row.user.name,
            area: row.area,
            duties: row.duties,
            open_jobs: u32::try_from(open.len()).unwrap_or(u32::MAX),
            state: EngineerState::of(open),
        });
    }
    Ok(out)
}

/// The engineer a dispatcher names by login; anyone else is a 422.
/// The engineer with this login, enabled; else a refusal naming `field` (the request's field
/// that named them: `assignee`, `engineer`).
pub fn engineer_by_login(
    conn: &Connection,
    login: &str,
    field: onsite_core::desk::DeskField,
) -> Result<User> {
    let refuse = |message: String| Err(Error::InvalidField { field: field.as_str(), message });
    match user_by_login(conn, login)? {
        Some(row) if row.disabled => refuse(format!("the account {login:?} is disabled")),
        Some(UserRow { user, .. }) if user.may(Permission::Record) => Ok(user),
        Some(_) => refuse(format!("{login:?} is not an engineer")),
        None => refuse(format!("there is no engineer with login {login:?}")),
    }
}

/// Stores a new account with its roles. A login already taken is a 409.
pub fn insert_user(conn: &Connection, user: &User, password_hash: &str) -> Result<()> {
    if user_by_login(conn, &user.login)?.is_some() {
        return Err(Error::Conflict(format!("the login {:?} is taken", user.login)));
    }
    conn.execute(
        "INSERT INTO users (id, login, name, password_hash) VALUES (?1, ?2, ?3, ?4)",
        params![user.id.to_string(), user.login, user.name, password_hash],
    )?;
    set_roles(conn, user.id, user.held())
}

fn set_roles(conn: &Connection, id: UserId, roles: &[Role]) -> Result<()> {
    conn.execute("DELETE FROM user_roles WHERE user_id = ?1", params![id.to_string()])?;
    for role in roles {
        conn.execute(
            "INSERT OR IGNORE INTO user_roles (user_id, role) VALUES (?1, ?2)",
            params![id.to_string(), role.as_str()],
        )?;
    }
    Ok(())
}

/// Replaces an account's profile: name, roles, area, duties.
pub fn set_profile(conn: &Connection, id: UserId, profile: &AccountProfile) -> Result<()> {
    let duties = serde_json::to_string(&profile.duties).map_err(Error::internal)?;
    conn.execute(
        "UPDATE users SET name = ?2, area = ?3, duties = ?4 WHERE id = ?1",
        params![id.to_string(), profile.name.trim(), profile.area.trim(), duties],
    )?;
    set_roles(conn, id, &onsite_core::access::normalise(profile.roles.clone()))
}

/// Disables an account (and ends its sessions' access tokens at once), or re-enables it.
pub fn set_disabled(conn: &Connection, id: UserId, disabled: bool, at: DateTime<Utc>) -> Result<()> {
    let at = disabled.then(|| fmt_time(at));
    conn.execute("UPDATE users SET disabled_at = ?2 WHERE id = ?1", params![id.to_string(), at])?;
    Ok(())
}

/// Sets a password; `must_change` when an admin set it.
pub fn set_password(conn: &Connection, id: UserId, password_hash: &str, must_change: bool) -> Result<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
        params![id.to_string(), password_hash, must_change],
    )?;
    Ok(())
}

/// Writes one line of the audit log: `actor` did `action` to `subject` (`None`: the command
/// line), with `detail` (JSON).
pub fn audit(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: Option<UserId>,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![fmt_time(at), actor.map(|a| a.to_string()), action, subject, detail.to_string()],
    )?;
    Ok(())
}

/// The audit log of one subject, oldest first: (time, actor's login or `None`, action, detail).
pub fn audit_of(
    conn: &Connection,
    subject: &str,
) -> Result<Vec<(DateTime<Utc>, Option<String>, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.at, u.login, a.action, a.detail FROM audit a LEFT JOIN users u ON u.id = a.actor \
         WHERE a.subject = ?1 ORDER BY a.id",
    )?;
    let rows = stmt
        .query_map(params![subject], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|(at, who, action, detail)| Ok((parse_time(&at)?, who, action, detail))).collect()
}

pub fn user_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// One month of the assessment as of `now` ([`onsite_core::assessment`]): every job dispatched
/// from two months before it (the three-month threshold) to its end, each with its dispatches,
/// its events as received, and its cancellation; the managers' decisions. `only`: one engineer's.
pub fn assessment(
    conn: &Connection,
    month: onsite_core::assessment::Month,
    zone: chrono::FixedOffset,
    now: DateTime<Utc>,
    only: Option<&str>,
) -> Result<onsite_core::wire::AssessmentMonth> {
    use onsite_core::assessment::{self as a, Dispatch, JobRecord};
    let (from, _) = month.back(2).span(zone);
    let (start, until) = month.span(zone);
    // An install's clock runs two days (or to the agreed time): its dispatch may be earlier.
    let since = from - chrono::Duration::days(31);
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT subject FROM audit WHERE action IN ('dispatch', 'reassign') AND at >= ?1 AND at < ?2",
    )?;
    let subjects = stmt
        .query_map(params![fmt_time(since), fmt_time(until)], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut deductions = Vec::new();
    let mut customers: HashMap<JobId, String> = HashMap::new();
    for subject in subjects {
        let Some(id) = subject.strip_prefix("job:").and_then(|s| s.parse::<JobId>().ok()) else { continue };
        let Some(job) = load_job(conn, id)? else { continue };
        let record = desk_record(conn, id)?;
        let dispatches: Vec<Dispatch> = record
            .log
            .iter()
            .filter(|e| matches!(e.action, DeskAction::Dispatch | DeskAction::Reassign))
            .filter_map(|e| e.engineer.clone().map(|engineer| Dispatch { at: e.at, engineer }))
            .collect();
        let events: Vec<(VisitEvent, DateTime<Utc>)> =
            job_events(conn, id)?.into_iter().map(|s| (s.event, s.received_at)).collect();
        let closed_at = record.closed.as_ref().filter(|c| c.how == Closure::Cancelled).map(|c| c.at);
        customers.insert(id, job.customer.clone());
        let header = job.into_job();
        let found = a::job_deductions(
            &JobRecord { job: &header, dispatches: &dispatches, events: &events, closed_at },
            now,
        );
        deductions.extend(found.into_iter().filter(|d| only.is_none_or(|login| d.engineer == login)));
    }
    let decisions = decisions(conn)?;
    let scores = a::months(month, &deductions, &decisions, zone);
    let mut lines: Vec<onsite_core::wire::DeductionLine> = deductions
        .iter()
        .filter(|d| d.at >= start && d.at < until)
        .map(|d| {
            let key = d.key();
            onsite_core::wire::DeductionLine {
                decision: decisions.iter().filter(|x| x.key == key).max_by_key(|x| x.at).cloned(),
                counted: a::counts(d, &decisions),
                customer: customers.get(&d.job).cloned().unwrap_or_default(),
                key,
                deduction: d.clone(),
            }
        })
        .collect();
    lines.sort_by(|x, y| (x.deduction.at, &x.key).cmp(&(y.deduction.at, &y.key)));
    Ok(onsite_core::wire::AssessmentMonth { month, scores, deductions: lines })
}

/// Every decision on the assessment, oldest first.
pub fn decisions(conn: &Connection) -> Result<Vec<onsite_core::assessment::Decision>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.key, d.upheld, d.reason, u.login, d.at FROM decisions d JOIN users u ON u.id = d.by ORDER BY d.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(key, upheld, reason, by, at)| {
            Ok(onsite_core::assessment::Decision { key, upheld, reason, by, at: parse_time(&at)? })
        })
        .collect()
}

/// Keeps a manager's decision (a later one on the same key stands over it).
pub fn insert_decision(
    conn: &Connection,
    key: &str,
    upheld: bool,
    reason: &str,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO decisions (key, upheld, reason, by, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key, upheld, reason, by.to_string(), fmt_time(at)],
    )?;
    Ok(())
}
