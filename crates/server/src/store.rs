//! Rows to domain types and back: the queries that several handlers share.
//!
//! Kept apart from the handlers so that each handler reads as its rule, and so that the one
//! mapping between a `jobs` row and a [`JobWire`], or an `events` row and a [`VisitEvent`],
//! is written once. All functions are synchronous and take a borrowed connection: they run
//! inside [`crate::db::Db::run`], usually inside a transaction.

use crate::db::{fmt_time, parse_id, parse_time};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use onsite_core::event::canonical_order;
use onsite_core::status::derive_status;
use onsite_core::wire::{EventWire, JobDetail, JobWire, Role, User, Window};
use onsite_core::{EventId, Job, JobId, JobKind, Priority, UserId, VisitEvent};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::HashMap;

/// The columns of `jobs`, in the order [`JobRow::read`] expects.
pub const JOB_COLUMNS: &str = "id, kind, priority, customer, contact, phone, wechat, address, device_name, \
     device_description, fault, reported_at, dispatched_at, appointment_start, appointment_end, assignee, rev";

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
    conn.execute(
        "INSERT INTO jobs (id, kind, priority, customer, contact, phone, wechat, address, device_name, \
         device_description, fault, reported_at, dispatched_at, appointment_start, appointment_end, assignee, rev) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
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
        "UPDATE jobs SET assignee = ?2, dispatched_at = ?3, rev = ?4 WHERE id = ?1",
        params![id.to_string(), assignee.to_string(), fmt_time(dispatched_at), rev],
    )?;
    Ok(())
}

/// One stored event with what the server added to it.
pub struct StoredEvent {
    pub event: VisitEvent,
    pub received_at: DateTime<Utc>,
    pub rev: i64,
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

/// Stores a new event at change number `rev`.
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

/// A job with its status and its events in canonical order, each with its receive time.
pub fn detail(job: JobWire, events: &[StoredEvent]) -> JobDetail {
    let received: HashMap<EventId, DateTime<Utc>> =
        events.iter().map(|s| (s.event.id, s.received_at)).collect();
    let ordered = canonical_order(events.iter().map(|s| &s.event));
    let status = derive_status(ordered.iter().copied());
    let events =
        ordered.into_iter().map(|e| EventWire::from_event(e, received.get(&e.id).copied())).collect();
    JobDetail { job, status, events }
}

pub fn job_detail(conn: &Connection, job: JobWire) -> Result<JobDetail> {
    let events = job_events(conn, job.id)?;
    Ok(detail(job, &events))
}

/// A user and their password hash.
pub struct UserRow {
    pub user: User,
    pub password_hash: String,
}

fn read_user(row: &Row<'_>) -> rusqlite::Result<(String, String, String, String, String)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
}

fn parse_user(
    (id, login, name, role, password_hash): (String, String, String, String, String),
) -> Result<UserRow> {
    let role = Role::parse(&role).ok_or_else(|| Error::internal(format!("bad role {role:?}")))?;
    Ok(UserRow { user: User { id: parse_id(&id)?, login, name, role }, password_hash })
}

const USER_COLUMNS: &str = "id, login, name, role, password_hash";

pub fn user_by_login(conn: &Connection, login: &str) -> Result<Option<UserRow>> {
    let row = conn
        .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE login = ?1"))?
        .query_row(params![login], read_user)
        .optional()?;
    row.map(parse_user).transpose()
}

pub fn user_by_id(conn: &Connection, id: UserId) -> Result<Option<User>> {
    let row = conn
        .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
        .query_row(params![id.to_string()], read_user)
        .optional()?;
    Ok(row.map(parse_user).transpose()?.map(|u| u.user))
}

/// Every engineer, by login.
pub fn engineers(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE role = 'engineer' ORDER BY login"
    ))?;
    let rows = stmt.query_map([], read_user)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|r| parse_user(r).map(|u| u.user)).collect()
}

/// The engineer a dispatcher names by login; anyone else is a 422.
pub fn engineer_by_login(conn: &Connection, login: &str) -> Result<User> {
    match user_by_login(conn, login)? {
        Some(UserRow { user, .. }) if user.role == Role::Engineer => Ok(user),
        Some(_) => Err(Error::Unprocessable(format!("{login:?} is not an engineer"))),
        None => Err(Error::Unprocessable(format!("there is no engineer with login {login:?}"))),
    }
}

pub fn insert_user(conn: &Connection, user: &User, password_hash: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO users (id, login, name, role, password_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user.id.to_string(), user.login, user.name, user.role.as_str(), password_hash],
    )?;
    Ok(())
}

pub fn user_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}
