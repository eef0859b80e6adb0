//! The JSON of `/api/v1`, apart from the domain types.
//!
//! These structs are the contract between phones in the field (which may run an old build for
//! weeks) and the server. They change only by adding optional fields; a breaking change gets
//! `/api/v2`. `tests/golden.rs` freezes their JSON. Conversions to and from the domain types live
//! here too, and are the only place where the two meet.

use crate::event::{EscalationTarget, EventKind, VisitEvent};
use crate::ids::{DeviceId, EventId, JobId, UserId};
use crate::job::{Job, JobKind, Priority, TimeWindow};
use crate::parts::{Part, VanStock};
use crate::signoff::SignOff;
use crate::status::JobStatus;
use crate::steps::Step;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The API's version prefix.
pub const API_PREFIX: &str = "/api/v1";

// ---------------------------------------------------------------------------------------------
// Errors

/// The machine-readable code of an error response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    Unprocessable,
    /// Too many requests for this token or account, or too many failed log-ins: wait the
    /// `Retry-After` seconds, then go on.
    TooManyRequests,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    Internal,
    /// The server is busy (every password check is taken): wait the `Retry-After` seconds.
    Unavailable,
    /// The account was disabled by an admin: only its phone's unsynced work is still taken.
    AccountDisabled,
    /// The password was set by an admin: change it (`POST /api/v1/auth/password`) first.
    PasswordChangeRequired,
}

/// Every error response's body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// A sentence for a person.
    pub message: String,
    /// For a refused push: which events were refused and why. Nothing of that push was applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventRejection>,
    /// For a refused form: the field at fault (`access::AccountField::as_str` and the like), so
    /// that an app can put its own words beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub use crate::logged::RejectCode;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventRejection {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: EventId,
    pub code: RejectCode,
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Accounts

pub use crate::access::Role;

pub use crate::access::{MAX_LOGIN, MAX_PASSWORD};
/// The longest token accepted (ours are 64 hex characters).
pub const MAX_TOKEN: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

impl LoginRequest {
    /// A login or password over its bound: refused before any hashing.
    pub fn validate(&self) -> Result<(), String> {
        if self.login.chars().count() > MAX_LOGIN {
            return Err(format!("the login is longer than {MAX_LOGIN} characters"));
        }
        if self.password.chars().count() > MAX_PASSWORD {
            return Err(format!("the password is longer than {MAX_PASSWORD} characters"));
        }
        Ok(())
    }
}

/// Trades a refresh token for a new session (a new access token and a new refresh token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct User {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: UserId,
    pub login: String,
    pub name: String,
    /// The account's main role (`access::main_role`): the one that says which app it uses.
    /// Apps before 0.2 read only this.
    pub role: Role,
    /// Every role the account holds, `role` among them. Absent from sessions stored by apps
    /// before 0.2: read as `[role]` (`User::holds`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
}

impl User {
    /// An account with `roles` (in any order, at least one); `role` is the main one of them.
    pub fn new(id: UserId, login: String, name: String, roles: Vec<Role>) -> User {
        let roles = crate::access::normalise(roles);
        let role = crate::access::main_role(&roles);
        User { id, login, name, role, roles }
    }

    /// The roles held: `roles`, or `[role]` for a user stored before there were several.
    pub fn held(&self) -> &[Role] {
        if self.roles.is_empty() { std::slice::from_ref(&self.role) } else { &self.roles }
    }

    /// Whether the account may do `what` (`access::allows`).
    pub fn may(&self, what: crate::access::Permission) -> bool {
        crate::access::allows(self.held(), what)
    }
}

/// An account as an admin sees it (`GET /api/v1/accounts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Account {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: UserId,
    pub login: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// 区域/站: where an engineer works (free text, the team's own names).
    pub area: String,
    /// The kinds of job an engineer is sent on.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["install", "repair"])))]
    pub duties: Vec<JobKind>,
    pub disabled: bool,
    /// The password was set by an admin and must be changed at the next log-in.
    pub must_change_password: bool,
}

/// A new account (`POST /api/v1/accounts`). Its password is the admin's choice, to be changed
/// by the person at the first log-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewAccount {
    pub login: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// A new password: 8 to 1,024 characters (`access::MIN_PASSWORD`, `MAX_PASSWORD`).
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 1024))]
    pub password: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["install", "repair"])))]
    pub duties: Vec<JobKind>,
}

/// An account's profile, replaced whole (`PUT /api/v1/accounts/{login}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountProfile {
    pub name: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["install", "repair"])))]
    pub duties: Vec<JobKind>,
}

/// Disables or re-enables an account (`PUT /api/v1/accounts/{login}/disabled`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetDisabled {
    pub disabled: bool,
    /// Why, for the audit log.
    #[serde(default)]
    pub reason: String,
}

/// An admin sets a new password (`PUT /api/v1/accounts/{login}/password`); the person must
/// change it at the next log-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordReset {
    /// A new password: 8 to 1,024 characters (`access::MIN_PASSWORD`, `MAX_PASSWORD`).
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 1024))]
    pub password: String,
}

/// A person changes their own password (`POST /api/v1/auth/password`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordChange {
    pub current: String,
    /// A new password: 8 to 1,024 characters (`access::MIN_PASSWORD`, `MAX_PASSWORD`).
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 1024))]
    pub new: String,
}

/// A bearer token and who it speaks for.
///
/// `token` is the short-lived access token (minutes) sent as `Authorization: Bearer`.
/// `refresh_token` is long-lived (days) and single-use: `POST /api/v1/auth/refresh` trades it
/// for a new session with a new pair. Older servers sent no refresh token: both fields are then
/// absent and the access token is all there is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Session {
    pub token: String,
    /// When the access token stops working.
    pub expires_at: DateTime<Utc>,
    pub user: User,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// When the refresh token stops working, if it is not used (or revoked) before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// The password was set by an admin: change it (`POST /api/v1/auth/password`) before
    /// anything else (every other request but a push answers `password_change_required`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_change_password: bool,
}

// ---------------------------------------------------------------------------------------------
// Jobs

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A job header as the service desk wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JobWire {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: JobId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "repair"))]
    pub kind: JobKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "normal"))]
    pub priority: Priority,
    pub customer: String,
    pub contact: String,
    pub phone: String,
    #[serde(default)]
    pub wechat: Option<String>,
    pub address: String,
    #[serde(default)]
    pub device_name: Option<String>,
    #[serde(default)]
    pub device_description: Option<String>,
    pub fault: String,
    pub reported_at: DateTime<Utc>,
    #[serde(default)]
    pub dispatched_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub appointment: Option<Window>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub assignee: Option<UserId>,
    /// The service desk's checklist for this job; the built-in one of its kind when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist: Option<Vec<Step>>,
    /// The server's change number of this version of the header.
    pub rev: i64,
}

/// What a dispatcher sends to open a job. The server gives it an id and times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewJob {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "install"))]
    pub kind: JobKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "normal"))]
    pub priority: Priority,
    pub customer: String,
    pub contact: String,
    pub phone: String,
    #[serde(default)]
    pub wechat: Option<String>,
    pub address: String,
    #[serde(default)]
    pub device_name: Option<String>,
    #[serde(default)]
    pub device_description: Option<String>,
    pub fault: String,
    /// When the customer reported it; the server's time when absent.
    #[serde(default)]
    pub reported_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub appointment: Option<Window>,
    /// The engineer's login; the job is dispatched to them now when given.
    #[serde(default)]
    pub assignee: Option<String>,
    /// A checklist of the desk's own; the built-in one of the kind when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist: Option<Vec<Step>>,
    /// How the report came in (受理渠道).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "phone"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<crate::desk::Channel>,
    /// Solved at intake by phone or remote help: what was done. The job is opened closed and is
    /// never dispatched (no `assignee` with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_fix: Option<String>,
    /// A complex report (复杂问题): the desk's own target is 24 hours, not 2.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complex: bool,
}

impl AssignRequest {
    pub fn validate(&self) -> Result<(), String> {
        if self.assignee.chars().count() > MAX_LOGIN {
            return Err(format!("the assignee's login is longer than {MAX_LOGIN} characters"));
        }
        Ok(())
    }
}

/// Dispatch (or re-dispatch) a job to an engineer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssignRequest {
    /// The engineer's login.
    pub assignee: String,
    /// Why, when the job goes from one engineer to another (required then).
    #[serde(default)]
    pub reason: String,
}

/// Cancel a job, saying why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CancelRequest {
    pub reason: String,
}

/// Send a second person alongside the engineer, saying why: a senior engineer (by login, whose
/// phone gets the job too) or the vendor (by name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AlongsideRequest {
    /// The login of the engineer sent alongside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer: Option<String>,
    /// The vendor sent alongside (厂家), by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    pub reason: String,
}

/// Who an [`AlongsideRequest`] sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Second {
    Engineer(String),
    Vendor(String),
}

impl AlongsideRequest {
    /// Exactly one of an engineer's login and a vendor's name, each within its length.
    pub fn who(&self) -> Result<Second, (crate::desk::DeskField, String)> {
        use crate::desk::DeskField;
        let trimmed =
            |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        match (trimmed(&self.engineer), trimmed(&self.vendor)) {
            (Some(login), None) if login.chars().count() <= MAX_LOGIN => Ok(Second::Engineer(login)),
            (Some(_), None) => {
                Err((DeskField::Engineer, format!("the login is longer than {MAX_LOGIN} characters")))
            }
            (None, Some(vendor)) if vendor.chars().count() <= crate::job::MAX_SHORT_FIELD => {
                Ok(Second::Vendor(vendor))
            }
            (None, Some(_)) => Err((
                DeskField::Vendor,
                format!("the vendor's name is longer than {} characters", crate::job::MAX_SHORT_FIELD),
            )),
            (None, None) => {
                Err((DeskField::Engineer, "name the engineer or the vendor sent alongside".into()))
            }
            (Some(_), Some(_)) => {
                Err((DeskField::Vendor, "send one person at a time: an engineer or a vendor".into()))
            }
        }
    }
}

/// Change (or clear) the visit time agreed with the customer, saying why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppointmentRequest {
    /// The new window; `null` when there is no agreed time any more.
    pub appointment: Option<Window>,
    pub reason: String,
}

/// A desk action that carries only words: a note, or that the manager was told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeskNote {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "note"))]
    pub action: crate::desk::DeskAction,
    #[serde(default)]
    pub text: String,
}

/// A job with everything known about it, for the service desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JobDetail {
    pub job: JobWire,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "on_site"))]
    pub status: JobStatus,
    pub events: Vec<EventWire>,
    /// The visit gathered: steps, parts, SLA outcomes, fees, escalations, sign-off.
    pub report: crate::report::VisitReport,
    /// What the server noticed for the service desk when events arrived.
    #[serde(default)]
    pub flags: Vec<Flag>,
    /// The desk's own record: channel, the phone's receipt, its closing, its log.
    #[serde(default)]
    pub desk: crate::desk::DeskRecord,
}

/// The desk's board (`GET /api/v1/board`): every open job, and every other with a concern the
/// desk has not dealt with, as one row each; and the engineers, for where each one is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Board {
    pub rows: Vec<BoardRow>,
    /// Every enabled account that records visits, by login.
    pub engineers: Vec<BoardEngineer>,
}

/// One engineer as the board shows them; where they are comes from their rows
/// ([`crate::desk_board::presence`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BoardEngineer {
    pub login: String,
    pub name: String,
    /// Their area (区域/站), empty when none is set.
    #[serde(default)]
    pub area: String,
}

/// One job on the board: what its row shows, and enough to count its clocks down every second
/// without its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BoardRow {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: JobId,
    pub customer: String,
    pub phone: String,
    pub address: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "repair"))]
    pub kind: JobKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "normal"))]
    pub priority: Priority,
    /// A complex report (复杂问题): the desk's target is 24 hours.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complex: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "on_site"))]
    pub status: JobStatus,
    pub reported_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatched_at: Option<DateTime<Utc>>,
    /// The engineer's login, once dispatched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer: Option<String>,
    /// When the engineer's phone first pulled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    /// Its deadlines, the engineer's and the desk's own, each with when it was met.
    pub clocks: Vec<Clock>,
    /// Who was sent alongside the engineer: engineers' logins, vendors' names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alongside: Vec<String>,
    /// When the desk recorded telling the manager of a missed contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_told_at: Option<DateTime<Utc>>,
    /// What it raised that the desk has not dealt with yet, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concerns: Vec<crate::desk::Concern>,
    /// How the desk closed it, when it did (a closed job is on the board only for a concern).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "cancelled"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<crate::desk::Closure>,
}

/// A deadline with when it was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Clock {
    pub deadline: crate::sla::Deadline,
    /// When it was met (the proving event's device time, or the desk's answer), in time or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_at: Option<DateTime<Utc>>,
}

impl From<FlagKind> for crate::desk::ConcernKind {
    fn from(kind: FlagKind) -> Self {
        use crate::desk::ConcernKind as C;
        match kind {
            FlagKind::StockShort => C::StockShort,
            FlagKind::SignOffAltered => C::SignOffAltered,
            FlagKind::StepsUnsettled => C::StepsUnsettled,
        }
    }
}

/// One month of the assessment (`GET /api/v1/assessment`): every engineer's score, and every
/// deduction behind them with whether it counts and the manager's decision on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssessmentMonth {
    pub month: crate::assessment::Month,
    pub scores: Vec<crate::assessment::MonthScore>,
    /// This month's deductions, oldest first.
    pub deductions: Vec<DeductionLine>,
}

/// A deduction as the assessment shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeductionLine {
    /// Its key, for a decision on it ([`crate::assessment::Deduction::key`]).
    pub key: String,
    pub deduction: crate::assessment::Deduction,
    /// The job's customer, to say which job.
    pub customer: String,
    pub counted: bool,
    /// The manager's last decision on it, when one was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::assessment::Decision>,
}

/// A manager's decision on a deduction: waived (`upheld: false`), or an unverified one upheld.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DecisionRequest {
    pub key: String,
    pub upheld: bool,
    pub reason: String,
}

/// Something the server noticed for the service desk. Events are facts and are never refused
/// for these: the phone recorded them where the work happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// A part was used that the van's count did not hold.
    StockShort,
    /// A sign-off's hash does not match the record it claims to seal.
    SignOffAltered,
    /// Signed off with required steps neither done nor skipped.
    StepsUnsettled,
}

impl FlagKind {
    pub const ALL: [FlagKind; 3] = [FlagKind::StockShort, FlagKind::SignOffAltered, FlagKind::StepsUnsettled];

    /// The stable name, as on the wire and in storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            FlagKind::StockShort => "stock_short",
            FlagKind::SignOffAltered => "sign_off_altered",
            FlagKind::StepsUnsettled => "steps_unsettled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Flag {
    pub kind: FlagKind,
    /// The event that raised it.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub event_id: EventId,
    /// A sentence for the service desk.
    pub detail: String,
    /// When the server raised it.
    pub at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Parts

/// Stock issued to an engineer's van (出库, `qty` > 0) or taken back from it (入库, `qty` < 0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VanIssue {
    /// The part's stock code (`sku`), from the catalogue.
    pub part: String,
    /// Units issued (positive) or taken back (negative); never 0.
    pub qty: i64,
}

impl VanIssue {
    pub fn validate(&self) -> Result<(), crate::parts::StockError> {
        crate::parts::check_issue(&self.part, self.qty)
    }
}

// ---------------------------------------------------------------------------------------------
// Events and sync

/// What happened, with its own fields; `type` names the kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    CustomerContacted,
    Departed,
    Arrived,
    NoteAdded {
        text: String,
    },
    Completed {
        result: String,
    },
    CouldNotComplete {
        reason: String,
    },
    StepDone {
        step: String,
    },
    StepSkipped {
        step: String,
        reason: String,
    },
    PartUsed {
        part: String,
        qty: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        serial: Option<String>,
    },
    PartReturned {
        part: String,
        qty: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        serial: Option<String>,
    },
    Escalated {
        to: EscalationTarget,
        reason: String,
    },
    /// Money in fen (分, 1/100 yuan).
    FeeCollected {
        amount_fen: i64,
        receipt_no: String,
    },
    SignedOff(SignOff),
}

/// One visit event as it travels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventWire {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: EventId,
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub job_id: JobId,
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub device_id: DeviceId,
    /// Per-device sequence number, from 1.
    pub seq: u64,
    /// The phone's clock when it was recorded.
    pub device_time: DateTime<Utc>,
    #[serde(flatten)]
    pub body: EventBody,
    /// When the server first received it; set by the server, ignored on push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    /// The server's change number at which it was applied; set by the server, ignored on push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<i64>,
}

/// The phone sends its pending events, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PushRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub device_id: DeviceId,
    pub events: Vec<EventWire>,
}

/// The server has durably stored an event (now or on an earlier push).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventAck {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: EventId,
    pub received_at: DateTime<Utc>,
    /// True when this push delivered it again: it was applied once, before.
    pub duplicate: bool,
    /// The server's change number at which it was applied.
    pub rev: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PushResponse {
    pub acked: Vec<EventAck>,
}

/// The answer of a long poll (`GET /api/v1/changes`): whether something the caller follows
/// changed after their `after`, and the change counter now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Changes {
    /// True when there is something new to read (the desk: the board; a phone: a pull).
    pub changed: bool,
    /// The change counter now: the `after` of the next wait.
    pub rev: i64,
}

/// Changes since the phone's cursor, in the server's change order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PullResponse {
    /// Pass this back as `cursor` once everything below is stored.
    pub cursor: i64,
    /// More changes wait: pull again at once.
    pub more: bool,
    /// New or changed job headers assigned to the engineer.
    pub jobs: Vec<JobWire>,
    /// Jobs taken away from the engineer (re-dispatched to someone else).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<uuid::Uuid>))]
    pub removed: Vec<JobId>,
    /// Events on the engineer's jobs, from any of their devices.
    pub events: Vec<EventWire>,
    /// The parts catalogue, when it changed since the cursor (or on a first pull).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<Vec<Part>>,
    /// The engineer's van stock as the server counts it now; sent on every pull.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub van: Option<VanStock>,
    /// The deployment's settings; sent on every pull (absent from older servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
}

/// What the service desk sets for its whole deployment, that the phone follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Settings {
    /// The company's name, printed on every visit report.
    pub company: String,
    /// Days a finished, fully synced job stays on the phone (the server keeps everything).
    pub retention_days: u32,
}

// ---------------------------------------------------------------------------------------------
// Conversions

impl From<TimeWindow> for Window {
    fn from(w: TimeWindow) -> Self {
        Window { start: w.start, end: w.end }
    }
}

impl From<Window> for TimeWindow {
    fn from(w: Window) -> Self {
        TimeWindow { start: w.start, end: w.end }
    }
}

impl JobWire {
    pub fn from_job(job: &Job, rev: i64) -> Self {
        JobWire {
            id: job.id,
            kind: job.kind,
            priority: job.priority,
            customer: job.customer.clone(),
            contact: job.contact.clone(),
            phone: job.phone.clone(),
            wechat: job.wechat.clone(),
            address: job.address.clone(),
            device_name: job.device_name.clone(),
            device_description: job.device_description.clone(),
            fault: job.fault.clone(),
            reported_at: job.reported_at,
            dispatched_at: job.dispatched_at,
            appointment: job.appointment.map(Into::into),
            assignee: job.assignee,
            checklist: job.checklist.clone(),
            rev,
        }
    }

    pub fn into_job(self) -> Job {
        Job {
            id: self.id,
            kind: self.kind,
            priority: self.priority,
            customer: self.customer,
            contact: self.contact,
            phone: self.phone,
            wechat: self.wechat,
            address: self.address,
            device_name: self.device_name,
            device_description: self.device_description,
            fault: self.fault,
            reported_at: self.reported_at,
            dispatched_at: self.dispatched_at,
            appointment: self.appointment.map(Into::into),
            assignee: self.assignee,
            checklist: self.checklist,
        }
    }
}

impl NewJob {
    /// The job a dispatcher's form opens: reported now unless a time is given, and dispatched
    /// now when an engineer is named (every SLA clock starts then).
    pub fn into_job(self, id: JobId, now: DateTime<Utc>, assignee: Option<UserId>) -> Job {
        Job {
            id,
            kind: self.kind,
            priority: self.priority,
            customer: self.customer,
            contact: self.contact,
            phone: self.phone,
            wechat: self.wechat,
            address: self.address,
            device_name: self.device_name,
            device_description: self.device_description,
            fault: self.fault,
            reported_at: self.reported_at.unwrap_or(now),
            dispatched_at: assignee.map(|_| now),
            appointment: self.appointment.map(Into::into),
            assignee,
            checklist: self.checklist,
        }
    }
}

impl From<EventKind> for EventBody {
    fn from(k: EventKind) -> Self {
        match k {
            EventKind::CustomerContacted => EventBody::CustomerContacted,
            EventKind::Departed => EventBody::Departed,
            EventKind::Arrived => EventBody::Arrived,
            EventKind::NoteAdded { text } => EventBody::NoteAdded { text },
            EventKind::Completed { result } => EventBody::Completed { result },
            EventKind::CouldNotComplete { reason } => EventBody::CouldNotComplete { reason },
            EventKind::StepDone { step } => EventBody::StepDone { step },
            EventKind::StepSkipped { step, reason } => EventBody::StepSkipped { step, reason },
            EventKind::PartUsed { part, qty, serial } => EventBody::PartUsed { part, qty, serial },
            EventKind::PartReturned { part, qty, serial } => EventBody::PartReturned { part, qty, serial },
            EventKind::Escalated { to, reason } => EventBody::Escalated { to, reason },
            EventKind::FeeCollected { amount_fen, receipt_no } => {
                EventBody::FeeCollected { amount_fen, receipt_no }
            }
            EventKind::SignedOff(s) => EventBody::SignedOff(s),
        }
    }
}

impl From<EventBody> for EventKind {
    fn from(b: EventBody) -> Self {
        match b {
            EventBody::CustomerContacted => EventKind::CustomerContacted,
            EventBody::Departed => EventKind::Departed,
            EventBody::Arrived => EventKind::Arrived,
            EventBody::NoteAdded { text } => EventKind::NoteAdded { text },
            EventBody::Completed { result } => EventKind::Completed { result },
            EventBody::CouldNotComplete { reason } => EventKind::CouldNotComplete { reason },
            EventBody::StepDone { step } => EventKind::StepDone { step },
            EventBody::StepSkipped { step, reason } => EventKind::StepSkipped { step, reason },
            EventBody::PartUsed { part, qty, serial } => EventKind::PartUsed { part, qty, serial },
            EventBody::PartReturned { part, qty, serial } => EventKind::PartReturned { part, qty, serial },
            EventBody::Escalated { to, reason } => EventKind::Escalated { to, reason },
            EventBody::FeeCollected { amount_fen, receipt_no } => {
                EventKind::FeeCollected { amount_fen, receipt_no }
            }
            EventBody::SignedOff(s) => EventKind::SignedOff(s),
        }
    }
}

impl EventWire {
    pub fn from_event(e: &VisitEvent, received_at: Option<DateTime<Utc>>) -> Self {
        EventWire {
            id: e.id,
            job_id: e.job_id,
            device_id: e.device_id,
            seq: e.seq,
            device_time: e.device_time,
            body: e.kind.clone().into(),
            received_at,
            rev: None,
        }
    }

    /// The domain event; the server's receive time is not part of the fact.
    pub fn to_event(&self) -> VisitEvent {
        VisitEvent {
            id: self.id,
            job_id: self.job_id,
            device_id: self.device_id,
            seq: self.seq,
            device_time: self.device_time,
            kind: self.body.clone().into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::ev;
    use crate::job::tests::sample;

    #[test]
    fn one_person_is_sent_alongside_at_a_time() {
        let req = |engineer: Option<&str>, vendor: Option<&str>| AlongsideRequest {
            engineer: engineer.map(str::to_string),
            vendor: vendor.map(str::to_string),
            reason: "主板故障".into(),
        };
        assert_eq!(req(Some(" zhao.qiang "), None).who(), Ok(Second::Engineer("zhao.qiang".into())));
        assert_eq!(req(None, Some("华为售后")).who(), Ok(Second::Vendor("华为售后".into())));
        assert_eq!(req(Some(""), Some("华为售后")).who(), Ok(Second::Vendor("华为售后".into())));
        use crate::desk::DeskField::{Engineer, Vendor};
        let field = |r: AlongsideRequest| r.who().err().map(|(f, _)| f);
        assert_eq!(field(req(None, None)), Some(Engineer));
        assert_eq!(field(req(Some("  "), Some(" "))), Some(Engineer));
        assert_eq!(field(req(Some("zhao.qiang"), Some("华为售后"))), Some(Vendor));
        assert_eq!(field(req(Some(&"a".repeat(MAX_LOGIN + 1)), None)), Some(Engineer));
        assert_eq!(field(req(None, Some(&"厂".repeat(crate::job::MAX_SHORT_FIELD + 1)))), Some(Vendor));
    }

    #[test]
    fn event_round_trips_through_the_wire() {
        for kind in [
            EventKind::CustomerContacted,
            EventKind::Departed,
            EventKind::Arrived,
            EventKind::NoteAdded { text: "带了备用光猫".into() },
            EventKind::Completed { result: "更换光猫，测速 500M".into() },
            EventKind::CouldNotComplete { reason: "用户不在家".into() },
        ] {
            let e = ev(1, 2, 3, 4, kind);
            let json = serde_json::to_string(&EventWire::from_event(&e, None)).unwrap();
            let back: EventWire = serde_json::from_str(&json).unwrap();
            assert_eq!(back.to_event(), e);
            assert_eq!(EventBody::from(e.kind.clone()), back.body);
        }
    }

    #[test]
    fn job_round_trips_through_the_wire() {
        let job = sample(crate::job::JobKind::Install);
        assert_eq!(JobWire::from_job(&job, 9).into_job(), job);
    }

    #[test]
    fn flag_kind_names_match_the_wire() {
        for kind in FlagKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(FlagKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(FlagKind::parse("nope"), None);
    }

    #[test]
    fn unknown_event_type_is_an_error_not_a_default() {
        let json = r#"{"id":"00000000-0000-0000-0000-000000000001","job_id":"00000000-0000-0000-0000-000000000001",
            "device_id":"00000000-0000-0000-0000-000000000001","seq":1,"device_time":"2026-11-23T09:00:00Z","type":"teleported"}"#;
        assert!(serde_json::from_str::<EventWire>(json).is_err());
    }
}
