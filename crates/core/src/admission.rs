//! The server's decision on each event of a push (admission): apply it, acknowledge it again,
//! or refuse it, and the HTTP status a refused push answers with. The store gathers what the
//! decision needs (`onsite_server::store::sync`); this decides.

use crate::event::VisitEvent;
use crate::ids::EventId;
use crate::wire::{ErrorCode, EventRejection, RejectCode};

/// What the server knows of the event's job, for the pushing user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobAccess {
    Unknown,
    /// Assigned to someone else (or to nobody).
    Foreign,
    Own,
}

/// What the server knows already that bears on one incoming event.
#[derive(Clone, Copy, Debug)]
pub struct Known<'a> {
    /// The stored event with the same id, if any.
    pub same_id: Option<&'a VisitEvent>,
    /// The id of the stored event with the same device and sequence number, if any.
    pub same_seq: Option<EventId>,
    /// Whether the event's device belongs to the pushing user (or is new).
    pub device_is_users: bool,
    /// Whether the event was recorded by the device the push speaks for. A push may replay an
    /// event of another device (already stored), never add one.
    pub from_push_device: bool,
    pub job: JobAccess,
}

/// The server's decision on one incoming event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Store it.
    Apply,
    /// Held already, identical: acknowledge again, store nothing.
    AlreadyApplied,
    Reject(RejectCode, String),
}

/// Decides one incoming event. A replay of an event the server holds is acknowledged even if
/// the job has since been re-dispatched: it was applied when it was allowed.
pub fn admit(event: &VisitEvent, known: Known<'_>) -> Admission {
    if let Err(e) = event.validate() {
        return Admission::Reject(RejectCode::Invalid, e.to_string());
    }
    if let Some(stored) = known.same_id {
        return if stored == event {
            Admission::AlreadyApplied
        } else {
            Admission::Reject(
                RejectCode::Conflict,
                "an event with this id is already stored with other content".into(),
            )
        };
    }
    if !known.from_push_device {
        return Admission::Reject(
            RejectCode::Invalid,
            "the event's device_id is not the device_id of the push".into(),
        );
    }
    if !known.device_is_users {
        return Admission::Reject(RejectCode::ForeignDevice, "this device belongs to another account".into());
    }
    match known.job {
        JobAccess::Unknown => return Admission::Reject(RejectCode::UnknownJob, "no such job".into()),
        JobAccess::Foreign => {
            return Admission::Reject(RejectCode::ForeignJob, "this job is not assigned to you".into());
        }
        JobAccess::Own => {}
    }
    if known.same_seq.is_some_and(|other| other != event.id) {
        return Admission::Reject(
            RejectCode::SeqTaken,
            format!("sequence number {} of this device is used by another event", event.seq),
        );
    }
    Admission::Apply
}

/// The HTTP status of a refused push: the most serious of its rejections.
pub fn refusal_code(rejections: &[EventRejection]) -> ErrorCode {
    let has = |c: RejectCode| rejections.iter().any(|r| r.code == c);
    if has(RejectCode::ForeignJob) || has(RejectCode::ForeignDevice) {
        ErrorCode::Forbidden
    } else if has(RejectCode::UnknownJob) {
        ErrorCode::NotFound
    } else if has(RejectCode::Conflict) || has(RejectCode::SeqTaken) {
        ErrorCode::Conflict
    } else {
        ErrorCode::Unprocessable
    }
}
