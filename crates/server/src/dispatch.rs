//! The service desk's actions on a job, one function each, shared by the API (`api::jobs`) and
//! the demo data: open, dispatch or re-dispatch, change the appointment, cancel, note. Each
//! checks the core's rule ([`onsite_core::desk::check`]) against the job as stored now, writes,
//! and records who did it and why in the audit log (subject `job:<id>`), in one transaction:
//! nothing is half-done. A change the engineer's phone must see takes a new change number.

use crate::db::{next_rev, now};
use crate::error::{Error, Result};
use crate::store;
use chrono::{DateTime, SubsecRound, Utc};
use onsite_core::desk::{self, Closure, DeskAction, DeskField, Refusal, Standing};
use onsite_core::wire::{JobWire, NewJob, Second, User, Window};
use onsite_core::{JobId, UserId};
use rusqlite::{Connection, TransactionBehavior};
use serde_json::json;

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::NoReason | Refusal::ReasonTooLong => {
                Error::InvalidField { field: DeskField::Reason.as_str(), message: r.to_string() }
            }
            Refusal::Closed(_)
            | Refusal::Finished(_)
            | Refusal::NotDispatched
            | Refusal::SameEngineer
            | Refusal::AlreadyOnJob => Error::Conflict(r.to_string()),
        }
    }
}

fn invalid(e: onsite_core::job::JobError) -> Error {
    Error::Unprocessable(e.to_string())
}

/// The audit log's subject for a job.
pub fn subject(id: JobId) -> String {
    format!("job:{id}")
}

fn log(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: &User,
    id: JobId,
    action: DeskAction,
    engineer: Option<&str>,
    note: &str,
) -> Result<()> {
    let detail = match engineer {
        Some(login) => json!({"engineer": login, "note": note}),
        None => json!({"note": note}),
    };
    store::audit(conn, at, Some(actor.id), action.as_str(), &subject(id), &detail)
}

/// The job as stored, with where it stands for the desk; 404 when there is none.
fn standing(conn: &Connection, id: JobId) -> Result<(JobWire, Standing)> {
    let job = store::load_job(conn, id)?.ok_or_else(|| Error::NotFound("no such job".into()))?;
    let standing = store::standing(conn, &job)?;
    Ok((job, standing))
}

/// Opens a job: dispatched at once when an engineer is named, closed at once when it was
/// solved by phone or remote help.
pub fn open(conn: &mut Connection, actor: &User, new: NewJob) -> Result<JobWire> {
    let now = now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let remote_fix = match new.remote_fix.as_deref() {
        Some(_) if new.assignee.is_some() => {
            return Err(Error::InvalidField {
                field: DeskField::Assignee.as_str(),
                message: "a job solved remotely is not dispatched: name no engineer".into(),
            });
        }
        Some(text) => Some(desk::reason(DeskAction::RemoteFix, text)?),
        None => None,
    };
    let assignee = new
        .assignee
        .as_deref()
        .map(|login| store::engineer_by_login(&tx, login, DeskField::Assignee))
        .transpose()?;
    let (channel, complex) = (new.channel, new.complex);
    // Stored to the microsecond: cut here so the answer equals what is read back.
    let mut new = new;
    new.reported_at = new.reported_at.map(|t| t.trunc_subsecs(6));
    new.appointment =
        new.appointment.map(|w| Window { start: w.start.trunc_subsecs(6), end: w.end.trunc_subsecs(6) });
    let job = new.into_job(JobId(uuid::Uuid::new_v4()), now, assignee.as_ref().map(|u| u.id));
    job.validate().map_err(invalid)?;
    let rev = next_rev(&tx)?;
    store::insert_job(&tx, &job, rev)?;
    store::set_intake(&tx, job.id, channel, complex)?;
    log(&tx, now, actor, job.id, DeskAction::Open, None, "")?;
    if let Some(engineer) = &assignee {
        log(&tx, now, actor, job.id, DeskAction::Dispatch, Some(&engineer.login), "")?;
    }
    if let Some(text) = remote_fix {
        store::set_closed(&tx, job.id, Closure::RemoteFix, now, &text, rev)?;
        log(&tx, now, actor, job.id, DeskAction::RemoteFix, None, &text)?;
    }
    tx.commit()?;
    Ok(JobWire::from_job(&job, rev))
}

/// Dispatches a job to an engineer now, or moves it from one to another (saying why): the one
/// it leaves has it taken from their phone at its next pull, and every clock starts again.
pub fn assign(conn: &mut Connection, actor: &User, id: JobId, login: &str, reason: &str) -> Result<JobWire> {
    let now = now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (current, standing) = standing(&tx, id)?;
    let engineer = store::engineer_by_login(&tx, login, DeskField::Assignee)?;
    let action = if standing.dispatched { DeskAction::Reassign } else { DeskAction::Dispatch };
    desk::check(action, standing)?;
    if current.assignee == Some(engineer.id) {
        return Err(Refusal::SameEngineer.into());
    }
    let reason = desk::reason(action, reason)?;
    let mut job = current.into_job();
    let previous = job.assignee;
    job.assignee = Some(engineer.id);
    job.dispatched_at = Some(now);
    job.validate().map_err(invalid)?;
    if let Some(previous) = previous {
        store::insert_unassignment(&tx, id, previous, next_rev(&tx)?)?;
    }
    let rev = next_rev(&tx)?;
    store::update_dispatch(&tx, id, engineer.id, now, rev)?;
    log(&tx, now, actor, id, action, Some(&engineer.login), &reason)?;
    tx.commit()?;
    Ok(JobWire::from_job(&job, rev))
}

/// Changes (or clears) the visit time agreed with the customer.
pub fn appointment(
    conn: &mut Connection,
    actor: &User,
    id: JobId,
    window: Option<Window>,
    reason: &str,
) -> Result<JobWire> {
    let now = now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (current, standing) = standing(&tx, id)?;
    desk::check(DeskAction::Appointment, standing)?;
    let reason = desk::reason(DeskAction::Appointment, reason)?;
    let window = window.map(|w| Window { start: w.start.trunc_subsecs(6), end: w.end.trunc_subsecs(6) });
    let mut job = current.into_job();
    job.appointment = window.map(Into::into);
    job.validate().map_err(invalid)?;
    let rev = next_rev(&tx)?;
    store::set_appointment(&tx, id, window, rev)?;
    let note = match window {
        Some(w) => format!("{} – {}: {reason}", w.start.to_rfc3339(), w.end.to_rfc3339()),
        None => reason,
    };
    log(&tx, now, actor, id, DeskAction::Appointment, None, &note)?;
    tx.commit()?;
    Ok(JobWire::from_job(&job, rev))
}

/// Cancels a job, saying why. Its engineer's phone lets it go at the next pull; whatever the
/// engineer recorded on it offline is still taken when it arrives.
pub fn cancel(conn: &mut Connection, actor: &User, id: JobId, reason: &str) -> Result<JobWire> {
    let now = now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (current, standing) = standing(&tx, id)?;
    desk::check(DeskAction::Cancel, standing)?;
    let reason = desk::reason(DeskAction::Cancel, reason)?;
    // Taken from every phone that has it: the engineer's and those sent alongside.
    for engineer in current.assignee.into_iter().chain(store::alongside_of(&tx, id)?) {
        store::insert_unassignment(&tx, id, engineer, next_rev(&tx)?)?;
    }
    let rev = next_rev(&tx)?;
    store::set_closed(&tx, id, Closure::Cancelled, now, &reason, rev)?;
    log(&tx, now, actor, id, DeskAction::Cancel, None, &reason)?;
    tx.commit()?;
    Ok(JobWire { rev, ..current })
}

/// Sends a second person alongside the engineer: a senior engineer (their phone pulls the job
/// and may record on it) or the vendor (named in the log).
pub fn alongside(
    conn: &mut Connection,
    actor: &User,
    id: JobId,
    who: Second,
    reason: &str,
) -> Result<JobWire> {
    let now = now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (current, standing) = standing(&tx, id)?;
    desk::check(DeskAction::Alongside, standing)?;
    let reason = desk::reason(DeskAction::Alongside, reason)?;
    let rev = next_rev(&tx)?;
    let detail = match &who {
        Second::Engineer(login) => {
            let engineer = store::engineer_by_login(&tx, login, DeskField::Engineer)?;
            if store::is_on_job(&tx, &current, engineer.id)? {
                return Err(Refusal::AlreadyOnJob.into());
            }
            store::insert_alongside(&tx, id, engineer.id, now, rev)?;
            json!({"engineer": engineer.login, "note": reason})
        }
        Second::Vendor(name) => {
            store::touch_job(&tx, id, rev)?;
            json!({"vendor": name, "note": reason})
        }
    };
    store::audit(&tx, now, Some(actor.id), DeskAction::Alongside.as_str(), &subject(id), &detail)?;
    tx.commit()?;
    Ok(JobWire { rev, ..current })
}

/// A note on the job, the record that the manager was told of a missed contact, or how the
/// desk dealt with what the job raised (`handled`).
pub fn note(conn: &mut Connection, actor: &User, id: JobId, action: DeskAction, text: &str) -> Result<()> {
    if !matches!(action, DeskAction::Note | DeskAction::ManagerTold | DeskAction::Handled) {
        return Err(Error::InvalidField {
            field: DeskField::Action.as_str(),
            message: "only a note, manager_told or handled is written this way".into(),
        });
    }
    let now = now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (_, standing) = standing(&tx, id)?;
    desk::check(action, standing)?;
    let text = desk::reason(action, text)?;
    log(&tx, now, actor, id, action, None, &text)?;
    // The board follows the change counter: a note is news to it, if not to any phone.
    next_rev(&tx)?;
    tx.commit()?;
    Ok(())
}

/// The first pull that carried these jobs to `user`, their assignee: the desk sees the
/// dispatch arrived. Jobs already marked keep their first time.
pub fn received(conn: &mut Connection, user: UserId, jobs: &[JobId]) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if store::mark_received(&tx, user, jobs, now())? > 0 {
        next_rev(&tx)?;
    }
    tx.commit()?;
    Ok(())
}
