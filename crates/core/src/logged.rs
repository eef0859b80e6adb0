//! The phone's log of a job: each event with where it stands in sync (pending, acknowledged,
//! refused, and why). Persisted by [`crate::stored`], moved by [`crate::sync`] and
//! [`crate::engine`], read by [`crate::parts`] and [`crate::retention`].

use crate::event::VisitEvent;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Why the server refused one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The event breaks a rule of its kind (an empty reason, a note too long, seq 0).
    Invalid,
    /// No such job.
    UnknownJob,
    /// The job is not assigned to this engineer (any more).
    ForeignJob,
    /// The device belongs to another account.
    ForeignDevice,
    /// An event with this id exists with other content.
    Conflict,
    /// This device already used this sequence number for another event.
    SeqTaken,
}

/// Where one locally recorded event stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    /// In the outbox: recorded here, not yet acknowledged by the server.
    Pending,
    /// The server holds it, applied at change number `rev` (unknown for acks from older servers).
    Acked {
        received_at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rev: Option<i64>,
    },
    /// The server refused it; kept, and shown with the reason.
    Rejected { code: RejectCode, message: String },
}

/// An event in the phone's log with its sync state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEvent {
    pub event: VisitEvent,
    pub sync: SyncState,
}
