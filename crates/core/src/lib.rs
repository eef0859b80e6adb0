//! # onsite-core
//!
//! The domain of Onsite, shared by the phone app and the sync server, and kept pure:
//! no I/O, no clock, no randomness, no browser, no async runtime. Every "now", every new id
//! and every random number is passed in by the caller, so each rule here is a plain function
//! of its inputs and is tested natively with table-driven cases.
//!
//! - [`job`]: the work order (工单) as the service desk dispatches it.
//! - [`event`]: the append-only visit event log. Events are immutable facts recorded on the
//!   phone; a job's status is *derived* from them ([`status`]), never stored as the truth.
//! - [`sla`]: the service-level deadlines (contact in 10 minutes, on site in 1 hour, ...) and
//!   whether each one is on track, met or missed.
//! - [`sync`]: the sync decisions of both sides: what the phone sends next and what it makes of
//!   the answer; whether the server applies, re-acknowledges or refuses an incoming event.
//! - [`engine`]: the phone's sync round as a state machine (no I/O): the effects to perform, in
//!   order, and what to make of each answer; the app and the simulator drive it.
//! - [`wire`]: the JSON of `/api/v1`, kept apart from the domain types and frozen by golden tests.
//! - [`desk`]: the service desk's own log of a job (dispatch, reschedule, cancel, notes) and
//!   what it may still do to it.
//! - [`desk_board`]: the service desk's board: each job's row and band (now, queue, out), its
//!   clocks counted from the row alone, where each engineer is.
//! - [`board`]: how the job list groups jobs into today, upcoming and done.
//! - [`steps`]: the visit checklist (code of conduct and technical steps) and each step's state.
//! - [`parts`]: parts used and returned, and the van's stock count.
//! - [`signoff`]: the customer's signature and ratings, and the hash that seals the record.
//! - [`report`]: everything about a visit in one value, for the report page and the desk.
//! - [`flags`]: what the server flags to the service desk as events arrive (never refusing them).
//! - [`assessment`]: what each engineer's month adds up to (考核): deductions from the facts,
//!   whose clock a miss was on, how far it can be trusted, waivers, the rules' thresholds.
//! - [`payroll`]: the assessment's month as CSV for payroll (a spreadsheet reads its Chinese).
//! - [`retention`]: how long a finished job stays on the phone, and what leaves first when
//!   storage runs short (by the server's time, never the phone's alone).

pub mod access;
pub mod admission;
pub mod assessment;
pub mod board;
pub mod desk;
pub mod desk_board;
pub mod engine;
pub mod event;
pub mod flags;
pub mod ids;
pub mod job;
pub mod kind;
pub mod limits;
pub mod logged;
pub mod parts;
pub mod payroll;
pub mod replica;
pub mod report;
pub mod retention;
pub mod signature;
pub mod signoff;
pub mod sla;
pub mod status;
pub mod steps;
pub mod stored;
pub mod sync;
pub mod wire;
pub mod words;

pub use event::{EventKind, VisitEvent};
pub use ids::{DeviceId, EventId, JobId, UserId};
pub use job::{Job, JobKind, Priority, TimeWindow};
pub use status::JobStatus;
