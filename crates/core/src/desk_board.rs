//! The service desk's board (工单看板): one row per job, each in one of three bands.
//!
//! - **Now** (需立即处理): a deadline missed or about to be, a step of the 10+5+5 contact chain
//!   open, or a concern the desk has not dealt with (an escalation, a visit that could not be
//!   completed, a flag, a refused event).
//! - **Queue** (待派单): dispatched to no one yet, first in, first out (先进先出).
//! - **Out** (进行中): with an engineer, by engineer.
//!
//! The server builds the rows ([`row`]) from what it stores, once per read; the console counts
//! their clocks down every second from the rows alone ([`urgent`], [`alarm`], [`band`]), so a
//! tick recomputes no report and reads no event.

use crate::desk::{
    self, Concern, ConcernKind, ContactAlarm, DeskAction, DeskRecord, EngineerState, contact_alarm,
};
use crate::sla::{self, Deadline, SlaKind, SlaState};
use crate::status::{JobStatus, derive_status};
use crate::wire::{BoardRow, Clock, EventWire, Flag, JobWire};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Where a row is on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    Now,
    Queue,
    Out,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Now, Band::Queue, Band::Out];

    pub const fn as_str(self) -> &'static str {
        match self {
            Band::Now => "now",
            Band::Queue => "queue",
            Band::Out => "out",
        }
    }
}

/// Whether a job belongs on the board at all: open (not closed by the desk, not completed), or
/// with a concern left.
pub fn on_board(row: &BoardRow) -> bool {
    (row.closed.is_none() && row.status != JobStatus::Completed) || !row.concerns.is_empty()
}

/// The board's row of a job, from the job as stored, its events (with the server's receive
/// times), its flags, the refusals of its events and the desk's record. `engineer` is the
/// assignee's login.
pub fn row(
    job: &JobWire,
    engineer: Option<String>,
    events: &[EventWire],
    flags: &[Flag],
    refused: Vec<Concern>,
    record: &DeskRecord,
) -> BoardRow {
    let visit: Vec<crate::VisitEvent> = events.iter().map(EventWire::to_event).collect();
    let status = derive_status(&visit);
    let header = job.clone().into_job();
    let mut clocks: Vec<Clock> = sla::deadlines(&header)
        .into_iter()
        .map(|deadline| Clock { deadline, met_at: sla::proof(deadline.kind, &visit) })
        .collect();
    clocks.push(Clock {
        deadline: sla::desk_deadline(job.priority, record.complex, job.reported_at),
        met_at: desk::answered_at(&record.log),
    });
    let mut concerns = refused;
    concerns.extend(flags.iter().map(|f| Concern {
        kind: f.kind.into(),
        at: f.at,
        detail: f.detail.clone(),
    }));
    // What the engineer asked for matters while the visit is under way; a completed job's
    // escalation was answered by its completion.
    if status != JobStatus::Completed {
        for e in events {
            let at = e.received_at.unwrap_or(e.device_time);
            match e.to_event().kind {
                crate::EventKind::Escalated { reason, .. } => {
                    concerns.push(Concern { kind: ConcernKind::Escalated, at, detail: reason });
                }
                crate::EventKind::CouldNotComplete { reason } if status == JobStatus::CouldNotComplete => {
                    concerns.push(Concern { kind: ConcernKind::CouldNotComplete, at, detail: reason });
                }
                _ => {}
            }
        }
    }
    BoardRow {
        id: job.id,
        customer: job.customer.clone(),
        phone: job.phone.clone(),
        address: job.address.clone(),
        kind: job.kind,
        priority: job.priority,
        complex: record.complex,
        status,
        reported_at: job.reported_at,
        dispatched_at: job.dispatched_at,
        engineer,
        received_at: record.received_at,
        clocks,
        alongside: desk::alongside(&record.log),
        manager_told_at: record
            .log
            .iter()
            .filter(|e| e.action == DeskAction::ManagerTold)
            .map(|e| e.at)
            .min(),
        concerns: desk::open_concerns(concerns, &record.log),
        closed: record.closed.as_ref().map(|c| c.how),
    }
}

/// Whether the row's clocks still ask something of someone: not once the job is closed or
/// completed. In the queue only the desk's own runs (the engineer's start at dispatch).
fn clocks_live(row: &BoardRow) -> bool {
    row.closed.is_none() && row.status != JobStatus::Completed
}

/// The clock that matters most now, with its state ([`sla::most_urgent_at`]).
pub fn urgent(row: &BoardRow, now: DateTime<Utc>) -> Option<(Deadline, SlaState)> {
    if !clocks_live(row) {
        return None;
    }
    sla::most_urgent_at(row.clocks.iter().map(|c| (c.deadline, c.met_at)), now)
}

/// Where the row's job is in the 10+5+5 chain now ([`desk::contact_alarm`]): quiet without a
/// contact clock, or once the job is closed or completed.
pub fn alarm(row: &BoardRow, now: DateTime<Utc>) -> ContactAlarm {
    if !clocks_live(row) {
        return ContactAlarm::Quiet;
    }
    row.clocks
        .iter()
        .find(|c| c.deadline.kind == SlaKind::Contact)
        .map_or(ContactAlarm::Quiet, |c| contact_alarm(c.deadline.from, c.met_at, row.manager_told_at, now))
}

/// Whether the chain asks the desk for something: its manager step open, or a fined case with
/// the customer still not contacted. A fined case contacted since is for the assessment, not
/// the board.
fn chain_open(row: &BoardRow, alarm: ContactAlarm) -> bool {
    match alarm {
        ContactAlarm::Quiet => false,
        ContactAlarm::TellManager { .. } | ContactAlarm::ManagerTold { .. } => true,
        ContactAlarm::Fined { .. } => row
            .clocks
            .iter()
            .find(|c| c.deadline.kind == SlaKind::Contact)
            .is_some_and(|c| c.met_at.is_none()),
    }
}

/// The row's band now.
pub fn band(row: &BoardRow, now: DateTime<Utc>) -> Band {
    band_given(row, urgent(row, now), now)
}

fn band_given(row: &BoardRow, urgent: Option<(Deadline, SlaState)>, now: DateTime<Utc>) -> Band {
    let pressing = matches!(urgent, Some((_, SlaState::Missed { .. } | SlaState::DueSoon { .. })));
    if pressing || !row.concerns.is_empty() || chain_open(row, alarm(row, now)) {
        Band::Now
    } else if row.engineer.is_none() {
        Band::Queue
    } else {
        Band::Out
    }
}

/// Where a row sorts within its band: "now" by pressure (a missed clock, longest overdue first,
/// before one due soon, least time left first, before the rest, by their oldest concern), the
/// queue first in first out, the rest by engineer then the clock due first (none last); by id
/// last, so every screen agrees.
type Key<'a> = (u8, Option<&'a str>, bool, Option<DateTime<Utc>>, crate::JobId);

fn key(band: Band, row: &BoardRow, urgent: Option<(Deadline, SlaState)>) -> Key<'_> {
    match band {
        Band::Now => {
            let (rank, at) = match urgent {
                Some((d, SlaState::Missed { .. })) => (0, d.due),
                Some((d, SlaState::DueSoon { .. })) => (1, d.due),
                _ => (2, row.concerns.iter().map(|c| c.at).min().unwrap_or(row.reported_at)),
            };
            (rank, None, false, Some(at), row.id)
        }
        Band::Queue => (0, None, false, Some(row.reported_at), row.id),
        Band::Out => {
            let due = urgent.map(|(d, _)| d.due);
            (0, row.engineer.as_deref(), due.is_none(), due, row.id)
        }
    }
}

/// The order of two rows of one band ([`key`]).
pub fn order(band: Band, a: &BoardRow, b: &BoardRow, now: DateTime<Utc>) -> Ordering {
    key(band, a, urgent(a, now)).cmp(&key(band, b, urgent(b, now)))
}

/// The items of each band, in the band's order: `row` reads an item's row (the console keeps
/// each row with what it showed last). Each row's clocks are read once.
pub fn bands<'a, T>(
    items: impl IntoIterator<Item = &'a T>,
    row: impl Fn(&T) -> &BoardRow,
    now: DateTime<Utc>,
) -> BTreeMap<Band, Vec<&'a T>> {
    let mut keyed: Vec<(Band, Key<'a>, &'a T)> = Vec::new();
    for item in items {
        let r: &'a BoardRow = row(item);
        if !on_board(r) {
            continue;
        }
        let u = urgent(r, now);
        let band = band_given(r, u, now);
        keyed.push((band, key(band, r, u), item));
    }
    keyed.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut out: BTreeMap<Band, Vec<&'a T>> = Band::ALL.into_iter().map(|b| (b, Vec::new())).collect();
    for (band, _, item) in keyed {
        out.entry(band).or_default().push(item);
    }
    out
}

/// Where each engineer is, and how many open jobs they hold, from the open jobs dispatched to
/// them ([`EngineerState::of`]); those with none are free.
pub fn presence<'a>(rows: impl IntoIterator<Item = &'a BoardRow>) -> BTreeMap<String, (EngineerState, u32)> {
    let mut open: BTreeMap<String, Vec<JobStatus>> = BTreeMap::new();
    for r in rows.into_iter().filter(|r| r.closed.is_none() && !r.status.is_closed()) {
        if let Some(login) = &r.engineer {
            open.entry(login.clone()).or_default().push(r.status);
        }
    }
    open.into_iter()
        .map(|(login, statuses)| {
            let n = u32::try_from(statuses.len()).unwrap_or(u32::MAX);
            (login, (EngineerState::of(statuses), n))
        })
        .collect()
}

/// What on a row calls a person now, by a stable name: the contact clock about to run out
/// (`contact_due_soon`), the chain's steps (`tell_manager`, `fined`), each concern's kind. The
/// console sounds and notifies once for each (job, name) it has not seen yet; the row stays on
/// the board until someone acts.
pub fn alerts(row: &BoardRow, now: DateTime<Utc>) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !clocks_live(row) && row.concerns.is_empty() {
        return out;
    }
    let contact = row.clocks.iter().find(|c| c.deadline.kind == SlaKind::Contact);
    if clocks_live(row)
        && let Some(c) = contact
        && matches!(sla::state_at(&c.deadline, c.met_at, now), SlaState::DueSoon { .. })
    {
        out.push("contact_due_soon");
    }
    match alarm(row, now) {
        ContactAlarm::TellManager { .. } => out.push("tell_manager"),
        a @ ContactAlarm::Fined { .. } if chain_open(row, a) => out.push("fined"),
        _ => {}
    }
    for c in &row.concerns {
        if !out.contains(&c.kind.as_str()) {
            out.push(c.kind.as_str());
        }
    }
    out
}

/// Whether a row matches what the desk typed in the board's search: the words found (case
/// aside) in its customer, phone (by digits too), address, engineer or job number.
pub fn matches(row: &BoardRow, words: &str) -> bool {
    let words = words.trim().to_lowercase();
    if words.is_empty() {
        return true;
    }
    let digits = desk::phone_digits(&words);
    let hay = [&row.customer, &row.address, &row.phone, row.engineer.as_deref().unwrap_or("")];
    hay.iter().any(|h| h.to_lowercase().contains(&words))
        || row.id.to_string().starts_with(&words)
        || (digits.len() >= 4 && desk::phone_digits(&row.phone).contains(&digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::JobKind;
    use crate::desk::DeskEntry;
    use crate::ids::{DeviceId, EventId, JobId};
    use crate::job::Priority;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at(m: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap() + chrono::Duration::minutes(m)
    }

    fn job(n: u128, kind: JobKind, dispatched: Option<i64>) -> JobWire {
        JobWire {
            id: JobId(Uuid::from_u128(n)),
            kind,
            priority: Priority::Normal,
            customer: format!("客户 {n}"),
            contact: "孙女士".into(),
            phone: "138 0013 8000".into(),
            wechat: None,
            address: "上海市浦东新区张江路 88 号".into(),
            device_name: None,
            device_description: None,
            fault: "光猫红灯".into(),
            reported_at: at(0),
            dispatched_at: dispatched.map(at),
            appointment: None,
            assignee: dispatched.map(|_| crate::UserId(Uuid::from_u128(7))),
            checklist: None,
            rev: 1,
        }
    }

    fn event(n: u128, m: i64, body: crate::EventKind) -> EventWire {
        let e = crate::VisitEvent {
            id: EventId(Uuid::from_u128(1000 + n)),
            job_id: JobId(Uuid::from_u128(1)),
            device_id: DeviceId(Uuid::from_u128(9)),
            seq: n as u64,
            device_time: at(m),
            kind: body,
        };
        EventWire::from_event(&e, Some(at(m)))
    }

    fn entry(action: DeskAction, m: i64) -> DeskEntry {
        DeskEntry {
            at: at(m),
            by: Some("desk".into()),
            action,
            engineer: None,
            vendor: None,
            note: "x".into(),
        }
    }

    fn record(log: Vec<DeskEntry>) -> DeskRecord {
        DeskRecord { log, ..DeskRecord::default() }
    }

    #[test]
    fn a_row_carries_every_clock_with_when_it_was_met() {
        let j = job(1, JobKind::Repair, Some(2));
        let events = [event(1, 5, crate::EventKind::CustomerContacted)];
        let r = row(
            &j,
            Some("wang.fang".into()),
            &events,
            &[],
            vec![],
            &record(vec![entry(DeskAction::Dispatch, 2)]),
        );
        let clocks: Vec<(SlaKind, DateTime<Utc>, Option<DateTime<Utc>>)> =
            r.clocks.iter().map(|c| (c.deadline.kind, c.deadline.due, c.met_at)).collect();
        assert_eq!(
            clocks,
            vec![
                (SlaKind::Contact, at(12), Some(at(5))),
                (SlaKind::OnSite, at(62), None),
                // The desk's own: a general report answered by its dispatch at 09:02.
                (SlaKind::DeskAnswer, at(120), Some(at(2))),
            ]
        );
        assert_eq!(r.status, JobStatus::Contacted);
        // The same clocks counted from the row agree with the report's, from the events.
        let now = at(30);
        let from_events =
            sla::most_urgent(&sla::deadlines(&j.clone().into_job()), &events.map(|e| e.to_event()), now);
        assert_eq!(urgent(&r, now), from_events);
    }

    #[test]
    fn each_row_in_its_band() {
        use crate::EventKind as K;
        let rec = record(vec![entry(DeskAction::Dispatch, 0)]);
        let queued = |m: i64| {
            let mut j = job(2, JobKind::Repair, None);
            j.reported_at = at(m);
            row(&j, None, &[], &[], vec![], &record(vec![]))
        };
        let out = |events: &[EventWire]| {
            row(&job(1, JobKind::Repair, Some(0)), Some("li.lei".into()), events, &[], vec![], &rec)
        };
        let contacted = [event(1, 3, K::CustomerContacted)];
        let arrived = [event(1, 3, K::CustomerContacted), event(2, 30, K::Arrived)];
        let escalated = [
            event(1, 3, K::CustomerContacted),
            event(2, 30, K::Arrived),
            event(
                3,
                31,
                K::Escalated { reason: "主板故障".into(), to: crate::event::EscalationTarget::Senior },
            ),
        ];
        let failed =
            [event(1, 3, K::CustomerContacted), event(2, 40, K::CouldNotComplete { reason: "缺件".into() })];
        let done = [event(1, 3, K::CustomerContacted), event(2, 30, K::Completed { result: "ok".into() })];
        let mut handled = rec.clone();
        handled.log.push(entry(DeskAction::Handled, 35));
        // (row, now) → band
        let table: Vec<(&str, BoardRow, i64, Band)> = vec![
            ("queued, fresh", queued(0), 5, Band::Queue),
            ("queued, the desk's 2 hours due soon", queued(0), 100, Band::Now),
            ("out, contact running", out(&[]), 5, Band::Out),
            ("out, contact due soon", out(&[]), 9, Band::Now),
            ("out, contact missed: the chain", out(&[]), 11, Band::Now),
            ("out, contacted, on site running", out(&contacted), 20, Band::Out),
            ("out, on site missed", out(&contacted), 61, Band::Now),
            ("out, arrived", out(&arrived), 70, Band::Out),
            ("escalated", out(&escalated), 32, Band::Now),
            (
                "escalation handled",
                row(
                    &job(1, JobKind::Repair, Some(0)),
                    Some("li.lei".into()),
                    &escalated,
                    &[],
                    vec![],
                    &handled,
                ),
                36,
                Band::Out,
            ),
            ("could not complete: the desk decides", out(&failed), 41, Band::Now),
        ];
        for (name, r, now, want) in table {
            assert!(on_board(&r), "{name}");
            assert_eq!(band(&r, at(now)), want, "{name}");
        }
        // Completed with nothing raised: off the board; with a flag: on it, for the flag.
        let finished = out(&done);
        assert!(!on_board(&finished));
        assert_eq!(urgent(&finished, at(500)), None);
        let flag = Flag {
            kind: crate::wire::FlagKind::StockShort,
            event_id: EventId(Uuid::from_u128(5)),
            detail: "ONT × 1".into(),
            at: at(31),
        };
        let flagged =
            row(&job(1, JobKind::Repair, Some(0)), Some("li.lei".into()), &done, &[flag], vec![], &rec);
        assert!(on_board(&flagged));
        assert_eq!(band(&flagged, at(500)), Band::Now);
        assert_eq!(
            flagged.concerns.iter().map(|c| c.kind).collect::<Vec<_>>(),
            vec![ConcernKind::StockShort]
        );
    }

    #[test]
    fn the_queue_is_first_in_first_out_and_now_is_most_pressing_first() {
        let rows: Vec<BoardRow> = [(3u128, 20i64), (1, 0), (2, 10)]
            .into_iter()
            .map(|(n, m)| {
                let mut j = job(n, JobKind::Repair, None);
                j.reported_at = at(m);
                row(&j, None, &[], &[], vec![], &record(vec![]))
            })
            .collect();
        let b = bands(&rows, |r| r, at(30));
        let ids = |band| b[&band].iter().map(|r| r.id.0.as_u128()).collect::<Vec<_>>();
        assert_eq!(ids(Band::Queue), vec![1, 2, 3]);
        // Two hours on: the oldest is the longest overdue, first.
        let b = bands(&rows, |r| r, at(135));
        assert_eq!(b[&Band::Now].iter().map(|r| r.id.0.as_u128()).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert!(b[&Band::Queue].is_empty());
    }

    #[test]
    fn presence_follows_the_open_jobs() {
        use crate::EventKind as K;
        let rec = record(vec![]);
        let mk = |n: u128, who: &str, events: &[EventWire]| {
            row(&job(n, JobKind::Repair, Some(0)), Some(who.into()), events, &[], vec![], &rec)
        };
        let rows = vec![
            mk(1, "li.lei", &[event(1, 3, K::Departed)]),
            mk(2, "li.lei", &[]),
            mk(3, "wang.fang", &[event(1, 3, K::Arrived)]),
            mk(4, "zhao.qiang", &[event(1, 3, K::Completed { result: "ok".into() })]),
        ];
        let p = presence(&rows);
        assert_eq!(p.get("li.lei"), Some(&(EngineerState::Travelling, 2)));
        assert_eq!(p.get("wang.fang"), Some(&(EngineerState::OnSite, 1)));
        assert_eq!(p.get("zhao.qiang"), None, "a completed job leaves them free");
    }

    #[test]
    fn the_contact_chain_runs_on_the_row() {
        let rec = record(vec![]);
        let r = row(&job(1, JobKind::Install, Some(0)), Some("li.lei".into()), &[], &[], vec![], &rec);
        assert_eq!(alarm(&r, at(5)), ContactAlarm::Quiet);
        assert!(matches!(alarm(&r, at(11)), ContactAlarm::TellManager { late: false, .. }));
        let mut told = r.clone();
        told.manager_told_at = Some(at(12));
        assert!(matches!(alarm(&told, at(13)), ContactAlarm::ManagerTold { .. }));
        assert_eq!(alarm(&told, at(21)), ContactAlarm::Fined { manager_told: true });
        // An inspection has no contact clock: no chain.
        let inspection =
            row(&job(2, JobKind::Inspection, Some(0)), Some("li.lei".into()), &[], &[], vec![], &rec);
        assert_eq!(alarm(&inspection, at(30)), ContactAlarm::Quiet);
    }

    #[test]
    fn what_calls_a_person_and_when() {
        use crate::EventKind as K;
        let rec = record(vec![]);
        let out = |events: &[EventWire]| {
            row(&job(1, JobKind::Repair, Some(0)), Some("li.lei".into()), events, &[], vec![], &rec)
        };
        let none: &[&str] = &[];
        // (events, minutes after dispatch, manager told at) → what calls
        let escalated = [
            event(1, 3, K::CustomerContacted),
            event(
                2,
                30,
                K::Escalated { reason: "主板故障".into(), to: crate::event::EscalationTarget::Vendor },
            ),
        ];
        let table: Vec<(&str, Vec<EventWire>, i64, Option<i64>, Vec<&str>)> = vec![
            ("fresh", vec![], 2, None, none.to_vec()),
            ("contact due soon", vec![], 9, None, vec!["contact_due_soon"]),
            ("contact missed: tell the manager", vec![], 11, None, vec!["tell_manager"]),
            ("manager told: quiet until fined", vec![], 13, Some(12), none.to_vec()),
            ("fined, still no contact", vec![], 21, Some(12), vec!["fined"]),
            ("contacted in time", vec![event(1, 3, K::CustomerContacted)], 30, None, none.to_vec()),
            ("escalated", escalated.to_vec(), 31, None, vec!["escalated"]),
        ];
        for (name, events, now, told, want) in table {
            let mut r = out(&events);
            r.manager_told_at = told.map(at);
            assert_eq!(alerts(&r, at(now)), want, "{name}");
        }
        // A cancelled job calls no one for its clocks.
        let mut cancelled = out(&[]);
        cancelled.closed = Some(crate::desk::Closure::Cancelled);
        assert!(alerts(&cancelled, at(11)).is_empty());
    }

    #[test]
    fn search_finds_by_customer_phone_address_engineer_or_number() {
        let r = row(
            &job(0xabc, JobKind::Repair, Some(0)),
            Some("wang.fang".into()),
            &[],
            &[],
            vec![],
            &record(vec![]),
        );
        for words in ["", "客户", "13800138000", "0013-8000", "张江路", "WANG", "00000000-0000"] {
            assert!(matches(&r, words), "{words:?}");
        }
        for words in ["李", "139", "徐汇"] {
            assert!(!matches(&r, words), "{words:?}");
        }
    }
}
