//! The service desk's own record of a job, and the rules of what the desk may still do to it.
//!
//! The visit is the phone's append-only event log ([`crate::event`]); what the desk does is a
//! log of its own beside it, as append-only: opening the job, dispatching and re-dispatching it,
//! changing the appointment, sending a second person, cancelling it, closing it as fixed by
//! phone or remote help (电话或远程协助解决), telling the manager of a missed contact, and its notes.
//! Each entry says who, when and why. Whether an action is still allowed is decided here
//! ([`check`]), from the derived status and whether the desk already closed the job, so the
//! server's handlers and the console's buttons follow one rule.

use crate::status::JobStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest reason or note the desk writes on a job.
pub const MAX_DESK_NOTE: usize = crate::event::MAX_NOTE;

/// How a report reached the desk (受理渠道).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Wechat,
    Web,
    /// Raised by the network monitoring, not by a person.
    Monitoring,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Phone, Channel::Wechat, Channel::Web, Channel::Monitoring];

    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Wechat => "wechat",
            Channel::Web => "web",
            Channel::Monitoring => "monitoring",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How the desk closed a job without a finished visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Closure {
    /// Cancelled, with the reason (the customer withdrew, a duplicate order …).
    Cancelled,
    /// Solved by phone or remote help at intake: never dispatched.
    RemoteFix,
}

impl Closure {
    pub const ALL: [Closure; 2] = [Closure::Cancelled, Closure::RemoteFix];

    pub const fn as_str(self) -> &'static str {
        match self {
            Closure::Cancelled => "cancelled",
            Closure::RemoteFix => "remote_fix",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What the desk did to a job: one entry of its log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskAction {
    Open,
    Dispatch,
    Reassign,
    Appointment,
    Cancel,
    RemoteFix,
    /// The desk told the manager of a contact missed by 10 minutes (escalation).
    ManagerTold,
    Note,
    /// A second person sent alongside the engineer (a senior engineer or the vendor, 更高级别的
    /// 工程师或厂家), not in their place: a senior engineer's phone gets the job too.
    Alongside,
    /// The desk dealt with what the job raised (an escalation, a flag, a refused event, a visit
    /// that could not be completed), saying how: it leaves the board's queue of concerns.
    Handled,
}

impl DeskAction {
    pub const ALL: [DeskAction; 10] = [
        DeskAction::Open,
        DeskAction::Dispatch,
        DeskAction::Reassign,
        DeskAction::Appointment,
        DeskAction::Cancel,
        DeskAction::RemoteFix,
        DeskAction::ManagerTold,
        DeskAction::Note,
        DeskAction::Alongside,
        DeskAction::Handled,
    ];

    /// The stable name, in the audit log and on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            DeskAction::Open => "open",
            DeskAction::Dispatch => "dispatch",
            DeskAction::Reassign => "reassign",
            DeskAction::Appointment => "appointment",
            DeskAction::Cancel => "cancel",
            DeskAction::RemoteFix => "remote_fix",
            DeskAction::ManagerTold => "manager_told",
            DeskAction::Note => "note",
            DeskAction::Alongside => "alongside",
            DeskAction::Handled => "handled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether the action must say why: every change to what was agreed.
    pub const fn needs_reason(self) -> bool {
        matches!(
            self,
            DeskAction::Reassign
                | DeskAction::Appointment
                | DeskAction::Cancel
                | DeskAction::RemoteFix
                | DeskAction::Note
                | DeskAction::Alongside
                | DeskAction::Handled
        )
    }

    /// Whether the action answers the report, for the desk's own target
    /// ([`crate::sla::desk_deadline`]): dispatched, solved remotely, cancelled, or a written
    /// diagnosis or progress note.
    pub const fn answers(self) -> bool {
        matches!(self, DeskAction::Dispatch | DeskAction::RemoteFix | DeskAction::Cancel | DeskAction::Note)
    }

    /// Whether the action deals with the job's open concerns ([`open_concerns`]): saying how
    /// they were handled, or sending someone else.
    pub const fn handles_concerns(self) -> bool {
        matches!(
            self,
            DeskAction::Handled | DeskAction::Reassign | DeskAction::Cancel | DeskAction::Alongside
        )
    }
}

/// One entry of the desk's log on a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskEntry {
    /// The server's time.
    pub at: DateTime<Utc>,
    /// The login of who did it; `None` for the command line.
    pub by: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "reassign"))]
    pub action: DeskAction,
    /// The engineer it concerns (dispatched to, re-dispatched to), when one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer: Option<String>,
    /// The vendor sent alongside (厂家), when that is who it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Why, or the note itself; empty where none is needed.
    #[serde(default)]
    pub note: String,
}

/// The desk's closing of a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closed {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "cancelled"))]
    pub how: Closure,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// What the desk knows of a job beyond its form and its visit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskRecord {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "phone"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// When the assignee's phone first pulled the job as dispatched to them now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closed>,
    /// A complex report (复杂问题): the desk's own target is 24 hours.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complex: bool,
    /// Oldest first.
    #[serde(default)]
    pub log: Vec<DeskEntry>,
}

/// The field of a desk action's request a refusal names (the `field` of the error's body), so
/// the console says which one in the person's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeskField {
    /// Why (a re-dispatch, a new appointment, a cancel, a note, a second person, a handling).
    Reason,
    /// The engineer a job is dispatched to.
    Assignee,
    /// The engineer sent alongside.
    Engineer,
    /// The vendor sent alongside.
    Vendor,
    /// Which desk action a note is.
    Action,
}

impl DeskField {
    pub const ALL: [DeskField; 5] =
        [DeskField::Reason, DeskField::Assignee, DeskField::Engineer, DeskField::Vendor, DeskField::Action];

    pub const fn as_str(self) -> &'static str {
        match self {
            DeskField::Reason => "reason",
            DeskField::Assignee => "assignee",
            DeskField::Engineer => "engineer",
            DeskField::Vendor => "vendor",
            DeskField::Action => "action",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Why the desk may not do something to a job now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the job is closed ({}): nothing more can be done to it but notes", .0.as_str())]
    Closed(Closure),
    #[error("the visit is completed ({}): it can no longer be dispatched, rescheduled or cancelled", .0.as_str())]
    Finished(JobStatus),
    #[error("the job is not dispatched to anyone yet")]
    NotDispatched,
    #[error("the job is already dispatched to that engineer")]
    SameEngineer,
    #[error("that engineer is already on the job")]
    AlreadyOnJob,
    #[error("the reason must not be empty")]
    NoReason,
    #[error("the reason is longer than {MAX_DESK_NOTE} characters")]
    ReasonTooLong,
}

/// Where a job stands, as far as the desk's actions go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub status: JobStatus,
    pub closed: Option<Closure>,
    pub dispatched: bool,
}

/// Whether the desk may take `action` on a job standing so. Notes, and saying how a concern was
/// handled, are always taken; nothing else once the desk closed the job or the visit was
/// completed. A visit that could not be completed waits for the desk's decision: it may be
/// re-dispatched, rescheduled or cancelled. Telling the manager needs a dispatched job.
pub fn check(action: DeskAction, standing: Standing) -> Result<(), Refusal> {
    if matches!(action, DeskAction::Note | DeskAction::Handled) {
        return Ok(());
    }
    if let Some(how) = standing.closed {
        return Err(Refusal::Closed(how));
    }
    if standing.status == JobStatus::Completed {
        return Err(Refusal::Finished(standing.status));
    }
    match action {
        DeskAction::Reassign | DeskAction::ManagerTold | DeskAction::Alongside if !standing.dispatched => {
            Err(Refusal::NotDispatched)
        }
        _ => Ok(()),
    }
}

/// The reason (or note) an action carries, trimmed: required where [`DeskAction::needs_reason`].
pub fn reason(action: DeskAction, text: &str) -> Result<String, Refusal> {
    let text = text.trim();
    if text.chars().count() > MAX_DESK_NOTE {
        return Err(Refusal::ReasonTooLong);
    }
    if text.is_empty() && action.needs_reason() {
        return Err(Refusal::NoReason);
    }
    Ok(text.to_string())
}

/// What a job raised that asks for the desk, until the desk deals with it (the board's queue
/// of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernKind {
    /// The engineer escalated: stuck, asking for technical support (升级).
    Escalated,
    /// The engineer could not complete the visit: the desk decides what next.
    CouldNotComplete,
    /// An event from a phone that the server refused (a job re-dispatched while its engineer
    /// was recording offline, say): kept, and shown to the desk.
    Refused,
    /// A part used that the van's count did not hold.
    StockShort,
    /// A sign-off whose seal does not match its record.
    SignOffAltered,
    /// Signed off with required steps neither done nor skipped.
    StepsUnsettled,
}

impl ConcernKind {
    pub const ALL: [ConcernKind; 6] = [
        ConcernKind::Escalated,
        ConcernKind::CouldNotComplete,
        ConcernKind::Refused,
        ConcernKind::StockShort,
        ConcernKind::SignOffAltered,
        ConcernKind::StepsUnsettled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ConcernKind::Escalated => "escalated",
            ConcernKind::CouldNotComplete => "could_not_complete",
            ConcernKind::Refused => "refused",
            ConcernKind::StockShort => "stock_short",
            ConcernKind::SignOffAltered => "sign_off_altered",
            ConcernKind::StepsUnsettled => "steps_unsettled",
        }
    }
}

/// One concern of a job: what, when the server learnt of it, and the words that came with it
/// (the engineer's reason, the flag's sentence, the refusal's).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Concern {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "escalated"))]
    pub kind: ConcernKind,
    /// The server's time.
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub detail: String,
}

/// The concerns the desk has not dealt with yet: those raised after its last entry that
/// handles concerns ([`DeskAction::handles_concerns`]: handled, re-dispatched, cancelled).
/// Oldest first.
pub fn open_concerns(mut concerns: Vec<Concern>, log: &[DeskEntry]) -> Vec<Concern> {
    let dealt = log.iter().filter(|e| e.action.handles_concerns()).map(|e| e.at).max();
    concerns.retain(|c| dealt.is_none_or(|d| c.at > d));
    concerns.sort_by(|a, b| (a.at, a.kind).cmp(&(b.at, b.kind)));
    concerns
}

/// Who was sent alongside the engineer, oldest first: a senior engineer's login, or the
/// vendor's name.
pub fn alongside(log: &[DeskEntry]) -> Vec<String> {
    log.iter()
        .filter(|e| e.action == DeskAction::Alongside)
        .filter_map(|e| e.engineer.clone().or_else(|| e.vendor.clone()))
        .collect()
}

/// When the desk first answered the report ([`DeskAction::answers`]), from its log.
pub fn answered_at(log: &[DeskEntry]) -> Option<DateTime<Utc>> {
    log.iter().filter(|e| e.action.answers()).map(|e| e.at).min()
}

/// The escalation chain of a contact not made (10+5+5): 10 minutes after dispatch without
/// contact the desk is alerted and must tell the operations manager within 5 minutes; 20
/// minutes after dispatch without contact the job is a fined case (`shared/domain.md`).
pub const CONTACT_ALERT_MINUTES: i64 = 10;
pub const TELL_MANAGER_MINUTES: i64 = 5;
pub const FINED_MINUTES: i64 = 20;

/// Where a job stands in the chain, now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactAlarm {
    /// Contact made in time, or its 10 minutes are not up.
    Quiet,
    /// No contact after 10 minutes: the desk tells the manager by `by` (`late` once past it).
    TellManager { by: DateTime<Utc>, late: bool },
    /// The manager was told; the job becomes a fined case at `fined_at` without contact.
    ManagerTold { fined_at: DateTime<Utc> },
    /// 20 minutes passed without contact: a fined case. Stays so once contact is made late.
    Fined { manager_told: bool },
}

impl ContactAlarm {
    /// Its stable name, for the board's filters and tests.
    pub const fn name(self) -> &'static str {
        match self {
            ContactAlarm::Quiet => "quiet",
            ContactAlarm::TellManager { .. } => "tell_manager",
            ContactAlarm::ManagerTold { .. } => "manager_told",
            ContactAlarm::Fined { .. } => "fined",
        }
    }
}

/// The chain for a job whose contact clock started at `from` (its dispatch), given when
/// contact was made (if it was), when the desk recorded telling the manager (if it did), now.
pub fn contact_alarm(
    from: DateTime<Utc>,
    contacted: Option<DateTime<Utc>>,
    manager_told: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ContactAlarm {
    let minutes = chrono::Duration::minutes;
    let alert = from + minutes(CONTACT_ALERT_MINUTES);
    let tell_by = alert + minutes(TELL_MANAGER_MINUTES);
    let fined_at = from + minutes(FINED_MINUTES);
    // What counts is the first of contact and now: the chain stops when contact is made.
    let until = contacted.map_or(now, |c| c.min(now));
    if until >= fined_at {
        return ContactAlarm::Fined { manager_told: manager_told.is_some_and(|t| t <= fined_at) };
    }
    if contacted.is_some_and(|c| c <= now) || now < alert {
        return ContactAlarm::Quiet;
    }
    match manager_told {
        Some(_) => ContactAlarm::ManagerTold { fined_at },
        None => ContactAlarm::TellManager { by: tell_by, late: now > tell_by },
    }
}

/// Where an engineer is now, derived from their open jobs' events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineerState {
    /// No job under way (none on the road, none on site).
    Free,
    /// On the way to a customer (departed, not arrived).
    Travelling,
    /// At a customer's.
    OnSite,
}

impl EngineerState {
    pub const ALL: [EngineerState; 3] =
        [EngineerState::Free, EngineerState::Travelling, EngineerState::OnSite];

    pub const fn as_str(self) -> &'static str {
        match self {
            EngineerState::Free => "free",
            EngineerState::Travelling => "travelling",
            EngineerState::OnSite => "on_site",
        }
    }

    /// From the statuses of the engineer's open jobs: on site anywhere wins over travelling.
    pub fn of(open: impl IntoIterator<Item = JobStatus>) -> EngineerState {
        open.into_iter()
            .map(|s| match s {
                JobStatus::OnSite => EngineerState::OnSite,
                JobStatus::EnRoute => EngineerState::Travelling,
                _ => EngineerState::Free,
            })
            .max()
            .unwrap_or(EngineerState::Free)
    }
}

/// An engineer the desk could send, as the server knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub login: String,
    pub name: String,
    pub area: String,
    pub duties: Vec<crate::job::JobKind>,
    /// Jobs dispatched to them and not finished.
    pub open_jobs: u32,
    pub state: EngineerState,
}

/// One engineer suggested for a job, best first (派单建议).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub login: String,
    pub name: String,
    pub area: String,
    /// The job's kind is among their duties.
    pub fits_duties: bool,
    /// Their area is named in the job's address.
    pub in_area: bool,
    pub open_jobs: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "free"))]
    pub state: EngineerState,
}

/// Whether an engineer's area (区域/站: 浦东站, 徐汇区, 张江组) is named in an address: the area
/// without its last character when that is 站, 区, 组 or 片, found in the address.
pub fn in_area(area: &str, address: &str) -> bool {
    let area = area.trim();
    let core = area.strip_suffix(['站', '区', '组', '片']).unwrap_or(area).trim();
    core.chars().count() >= 2 && address.contains(core)
}

/// The engineers for a job of `kind` at `address`, best first (故障原因、工程师职责、工作量): those
/// whose duties cover the kind, then those of the address's area, then the free before the
/// travelling before those on site, then the fewest open jobs; by login last, so the order is
/// the same on every screen.
pub fn suggest(kind: crate::job::JobKind, address: &str, candidates: Vec<Candidate>) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = candidates
        .into_iter()
        .map(|c| Suggestion {
            fits_duties: c.duties.contains(&kind),
            in_area: in_area(&c.area, address),
            login: c.login,
            name: c.name,
            area: c.area,
            open_jobs: c.open_jobs,
            state: c.state,
        })
        .collect();
    out.sort_by(|a, b| {
        (!a.fits_duties, !a.in_area, a.state, a.open_jobs, &a.login).cmp(&(
            !b.fits_duties,
            !b.in_area,
            b.state,
            b.open_jobs,
            &b.login,
        ))
    });
    out
}

/// The fewest digits of a phone number, and characters of an address, that look a customer up:
/// fewer match half the city.
pub const MIN_PHONE_DIGITS: usize = 6;
pub const MIN_ADDRESS_CHARS: usize = 4;

/// A phone number as compared: its digits only (`138 0013-8000`, `+86 13800138000` and
/// `13800138000` are one customer; a leading 86 country code is dropped from 13 digits).
pub fn phone_digits(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("86") {
        Some(rest) if digits.len() == 13 => rest.to_string(),
        _ => digits,
    }
}

/// What an intake form's phone and address look a customer's earlier jobs up by: the phone's
/// digits and the trimmed address, each only when long enough to mean one customer. `None`
/// when neither is: nothing to look up yet.
pub fn customer_lookup(phone: &str, address: &str) -> Option<(Option<String>, Option<String>)> {
    let digits = Some(phone_digits(phone)).filter(|d| d.len() >= MIN_PHONE_DIGITS);
    let address = Some(address.trim().to_string()).filter(|a| a.chars().count() >= MIN_ADDRESS_CHARS);
    if digits.is_none() && address.is_none() { None } else { Some((digits, address)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_10_5_5_chain_of_a_contact_not_made() {
        use chrono::TimeZone;
        let from = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
        let at = |m: i64| from + chrono::Duration::minutes(m);
        use ContactAlarm::*;
        // (contacted, manager told, now) → alarm
        let table: &[(Option<i64>, Option<i64>, i64, ContactAlarm)] = &[
            (None, None, 0, Quiet),
            (None, None, 9, Quiet),
            (Some(4), None, 30, Quiet),
            (None, None, 10, TellManager { by: at(15), late: false }),
            (None, None, 15, TellManager { by: at(15), late: false }),
            (None, None, 16, TellManager { by: at(15), late: true }),
            (None, Some(12), 13, ManagerTold { fined_at: at(20) }),
            (Some(14), None, 16, Quiet),
            (Some(14), Some(12), 30, Quiet),
            (None, Some(12), 20, Fined { manager_told: true }),
            (None, None, 25, Fined { manager_told: false }),
            (None, Some(22), 25, Fined { manager_told: false }),
            (Some(21), Some(11), 40, Fined { manager_told: true }),
            // A contact recorded "later" than now (a phone's clock ahead) does not stop the chain.
            (Some(30), None, 12, TellManager { by: at(15), late: false }),
        ];
        for (contacted, told, now, want) in table {
            let got = contact_alarm(from, contacted.map(at), told.map(at), at(*now));
            assert_eq!(got, *want, "contacted {contacted:?}, told {told:?}, now +{now}");
        }
    }

    #[test]
    fn an_engineer_is_where_their_open_jobs_say() {
        use JobStatus::*;
        assert_eq!(EngineerState::of([]), EngineerState::Free);
        assert_eq!(EngineerState::of([Assigned, Contacted]), EngineerState::Free);
        assert_eq!(EngineerState::of([Assigned, EnRoute]), EngineerState::Travelling);
        assert_eq!(EngineerState::of([EnRoute, OnSite, Assigned]), EngineerState::OnSite);
    }

    #[test]
    fn areas_are_found_in_addresses() {
        assert!(in_area("浦东站", "上海市浦东新区世纪大道100号"));
        assert!(in_area("徐汇区", "上海市徐汇区漕溪北路 88 号"));
        assert!(in_area(" 张江组 ", "上海市浦东新区张江路 88 号"));
        assert!(!in_area("徐汇站", "上海市浦东新区世纪大道100号"));
        assert!(!in_area("", "上海市浦东新区"));
        assert!(!in_area("东站", "上海市浦东新区"), "one character names no area");
    }

    #[test]
    fn suggestions_put_duties_then_area_then_who_is_free_first() {
        use crate::job::JobKind::*;
        let c = |login: &str, area: &str, duties: &[crate::job::JobKind], open: u32, state| Candidate {
            login: login.into(),
            name: login.into(),
            area: area.into(),
            duties: duties.to_vec(),
            open_jobs: open,
            state,
        };
        let order = |kind, address: &str, all: Vec<Candidate>| -> Vec<String> {
            suggest(kind, address, all).into_iter().map(|s| s.login).collect()
        };
        let team = vec![
            c("a.it", "浦东站", &[ItRepair], 0, EngineerState::Free),
            c("b.far", "徐汇站", &[Repair], 0, EngineerState::Free),
            c("c.busy", "浦东站", &[Repair], 3, EngineerState::Free),
            c("d.site", "浦东站", &[Repair], 1, EngineerState::OnSite),
            c("e.road", "浦东站", &[Repair], 1, EngineerState::Travelling),
            c("f.idle", "浦东站", &[Repair, Install], 1, EngineerState::Free),
        ];
        let address = "上海市浦东新区世纪大道100号";
        assert_eq!(
            order(Repair, address, team.clone()),
            ["f.idle", "c.busy", "e.road", "d.site", "b.far", "a.it"]
        );
        assert_eq!(order(ItRepair, address, team.clone())[0], "a.it");
        assert_eq!(order(Install, "上海市徐汇区漕溪北路", team)[0], "f.idle", "duties before area");
        let s = suggest(Repair, address, vec![c("x", "浦东站", &[Repair], 2, EngineerState::OnSite)]);
        assert_eq!(
            (s[0].fits_duties, s[0].in_area, s[0].open_jobs, s[0].state),
            (true, true, 2, EngineerState::OnSite)
        );
    }

    #[test]
    fn a_customer_is_looked_up_by_enough_of_their_phone_or_address() {
        assert_eq!(phone_digits("138 0013-8000"), "13800138000");
        assert_eq!(phone_digits("+86 138 0013 8000"), "13800138000");
        assert_eq!(phone_digits("021-6888 8888"), "02168888888");
        assert_eq!(phone_digits("8613800138000"), "13800138000");
        assert_eq!(phone_digits("86 1234"), "861234", "short: not a country code");
        let table: &[(&str, &str, Option<(Option<&str>, Option<&str>)>)] = &[
            ("", "", None),
            ("138 00", "世纪大道", Some((None, Some("世纪大道")))),
            ("138 001", "", Some((Some("138001"), None))),
            ("12345", "abc", None),
            (" 13800138000 ", " 上海市浦东新区 ", Some((Some("13800138000"), Some("上海市浦东新区")))),
        ];
        for (phone, address, want) in table {
            let want = want.map(|(p, a)| (p.map(String::from), a.map(String::from)));
            assert_eq!(customer_lookup(phone, address), want, "{phone:?} {address:?}");
        }
    }

    const OPEN: Standing = Standing { status: JobStatus::Assigned, closed: None, dispatched: true };

    #[test]
    fn what_the_desk_may_still_do() {
        let undispatched = Standing { dispatched: false, ..OPEN };
        let on_site = Standing { status: JobStatus::OnSite, ..OPEN };
        let done = Standing { status: JobStatus::Completed, ..OPEN };
        let failed = Standing { status: JobStatus::CouldNotComplete, ..OPEN };
        let cancelled = Standing { closed: Some(Closure::Cancelled), ..OPEN };
        let fixed = Standing { closed: Some(Closure::RemoteFix), dispatched: false, ..OPEN };
        use DeskAction::*;
        let table: &[(DeskAction, Standing, Result<(), Refusal>)] = &[
            (Dispatch, undispatched, Ok(())),
            (Dispatch, OPEN, Ok(())),
            (Reassign, OPEN, Ok(())),
            (Reassign, on_site, Ok(())),
            (Reassign, undispatched, Err(Refusal::NotDispatched)),
            (Reassign, done, Err(Refusal::Finished(JobStatus::Completed))),
            // Could not complete: the desk decides what next.
            (Reassign, failed, Ok(())),
            (Appointment, failed, Ok(())),
            (Cancel, failed, Ok(())),
            (Handled, done, Ok(())),
            (Alongside, on_site, Ok(())),
            (Alongside, failed, Ok(())),
            (Alongside, undispatched, Err(Refusal::NotDispatched)),
            (Alongside, done, Err(Refusal::Finished(JobStatus::Completed))),
            (Alongside, cancelled, Err(Refusal::Closed(Closure::Cancelled))),
            (Handled, cancelled, Ok(())),
            (Reassign, cancelled, Err(Refusal::Closed(Closure::Cancelled))),
            (Dispatch, fixed, Err(Refusal::Closed(Closure::RemoteFix))),
            (Appointment, undispatched, Ok(())),
            (Appointment, done, Err(Refusal::Finished(JobStatus::Completed))),
            (Cancel, on_site, Ok(())),
            (Cancel, undispatched, Ok(())),
            (Cancel, done, Err(Refusal::Finished(JobStatus::Completed))),
            (Cancel, cancelled, Err(Refusal::Closed(Closure::Cancelled))),
            (ManagerTold, OPEN, Ok(())),
            (ManagerTold, undispatched, Err(Refusal::NotDispatched)),
            (Note, done, Ok(())),
            (Note, cancelled, Ok(())),
            (Note, fixed, Ok(())),
        ];
        for (action, standing, want) in table {
            assert_eq!(check(*action, *standing), *want, "{action:?} on {standing:?}");
        }
    }

    #[test]
    fn a_concern_stays_until_the_desk_deals_with_it() {
        use chrono::TimeZone;
        let at = |m: u32| Utc.with_ymd_and_hms(2026, 12, 4, 9, m, 0).unwrap();
        let concern = |kind, m| Concern { kind, at: at(m), detail: String::new() };
        let entry = |action, m| DeskEntry {
            at: at(m),
            by: Some("desk".into()),
            action,
            engineer: None,
            vendor: None,
            note: "x".into(),
        };
        let raised = vec![concern(ConcernKind::StockShort, 7), concern(ConcernKind::Escalated, 3)];
        let kinds = |log: &[DeskEntry]| -> Vec<ConcernKind> {
            open_concerns(raised.clone(), log).into_iter().map(|c| c.kind).collect()
        };
        use ConcernKind::*;
        use DeskAction::*;
        // (the desk's log) → what is still open, oldest first
        let table: Vec<(Vec<DeskEntry>, Vec<ConcernKind>)> = vec![
            (vec![], vec![Escalated, StockShort]),
            // A note, an appointment or telling the manager deals with nothing.
            (vec![entry(Note, 8), entry(Appointment, 9), entry(ManagerTold, 9)], vec![Escalated, StockShort]),
            (vec![entry(Handled, 5)], vec![StockShort]),
            (vec![entry(Reassign, 8)], vec![]),
            (vec![entry(Handled, 8), entry(Note, 9)], vec![]),
            (vec![entry(Cancel, 7)], vec![]),
            // Sending a senior engineer answers an escalation.
            (vec![entry(Alongside, 4)], vec![StockShort]),
        ];
        for (log, want) in table {
            assert_eq!(kinds(&log), want, "{:?}", log.iter().map(|e| (e.action, e.at)).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_desk_answers_by_dispatch_remote_fix_cancel_or_a_note() {
        use chrono::TimeZone;
        let at = |m: u32| Utc.with_ymd_and_hms(2026, 12, 4, 9, m, 0).unwrap();
        let entry = |action, m| DeskEntry {
            at: at(m),
            by: None,
            action,
            engineer: None,
            vendor: None,
            note: String::new(),
        };
        assert_eq!(answered_at(&[entry(DeskAction::Open, 0)]), None);
        assert_eq!(answered_at(&[entry(DeskAction::Open, 0), entry(DeskAction::Appointment, 2)]), None);
        assert_eq!(
            answered_at(&[
                entry(DeskAction::Open, 0),
                entry(DeskAction::Note, 4),
                entry(DeskAction::Dispatch, 6)
            ]),
            Some(at(4))
        );
        assert_eq!(answered_at(&[entry(DeskAction::Open, 0), entry(DeskAction::RemoteFix, 0)]), Some(at(0)));
        for a in DeskAction::ALL {
            // What answers or handles is an action the desk takes on purpose, never the opening.
            assert!(!(a == DeskAction::Open && (a.answers() || a.handles_concerns())));
        }
    }

    #[test]
    fn a_change_to_what_was_agreed_says_why() {
        assert_eq!(reason(DeskAction::Cancel, "  "), Err(Refusal::NoReason));
        assert_eq!(reason(DeskAction::Reassign, ""), Err(Refusal::NoReason));
        assert_eq!(reason(DeskAction::Note, "\n"), Err(Refusal::NoReason));
        assert_eq!(reason(DeskAction::Dispatch, ""), Ok(String::new()));
        assert_eq!(reason(DeskAction::ManagerTold, ""), Ok(String::new()));
        assert_eq!(reason(DeskAction::Cancel, " 用户撤单 "), Ok("用户撤单".into()));
        let long = "字".repeat(MAX_DESK_NOTE + 1);
        assert_eq!(reason(DeskAction::Dispatch, &long), Err(Refusal::ReasonTooLong));
        assert_eq!(reason(DeskAction::Note, &long[..MAX_DESK_NOTE * 3]), Ok("字".repeat(MAX_DESK_NOTE)));
    }

    #[test]
    fn names_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        for c in Closure::ALL {
            assert_eq!(Closure::parse(c.as_str()), Some(c));
        }
        for f in DeskField::ALL {
            assert_eq!(DeskField::parse(f.as_str()), Some(f));
        }
        for c in ConcernKind::ALL {
            assert_eq!(serde_json::to_value(c).ok(), Some(serde_json::Value::from(c.as_str())));
        }
        for a in DeskAction::ALL {
            assert_eq!(DeskAction::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_value(a).ok(), Some(serde_json::Value::from(a.as_str())));
        }
    }
}
