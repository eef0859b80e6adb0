//! Service-level deadlines (考核) and their state.
//!
//! Every clock starts at dispatch (接到派单). The rules, from `shared/domain.md`:
//! - contact the customer within 10 minutes: install, repair and renewal jobs;
//! - be on site within 1 hour: repairs;
//! - finish an install within 2 days of dispatch, or by the end of the time agreed with the
//!   customer when one was agreed;
//! - arrive within the agreed appointment: renewals, and any job with an agreed window.
//!
//! A deadline is met by the first event of the kind that proves it, recorded by the phone at
//! its device time. The state is a function of the deadline, the events and "now"; or, where
//! the events are not at hand (the desk's board), of the deadline, when it was met and "now"
//! ([`state_at`]).
//!
//! The service desk has targets of its own (服务台时限), from the report: urgent at once, general
//! within 2 hours, complex within 24 hours ([`desk_deadline`]). They are met by the desk's
//! answer: the order dispatched, solved by phone or remote help, cancelled, or given a written
//! diagnosis or progress note, whichever came first. "At once" is measured as
//! [`DESK_URGENT_WITHIN`], the same ten minutes the rules give an engineer to make contact.

use crate::event::{EventKind, VisitEvent, canonical_order};
use crate::job::{Job, JobKind, Priority};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Contact the customer within this long of dispatch.
pub const CONTACT_WITHIN: Duration = Duration::minutes(10);
/// Be on site within this long of dispatch, for repairs.
pub const ON_SITE_WITHIN: Duration = Duration::hours(1);
/// Finish an install within this long of dispatch.
pub const INSTALL_WITHIN: Duration = Duration::days(2);
/// The desk's answer to an urgent report ("at once").
pub const DESK_URGENT_WITHIN: Duration = Duration::minutes(10);
/// The desk's answer to a general report (a solution or diagnosis).
pub const DESK_GENERAL_WITHIN: Duration = Duration::hours(2);
/// The desk's answer to a complex report (a solution or a progress report).
pub const DESK_COMPLEX_WITHIN: Duration = Duration::hours(24);
/// A deadline is "due soon" once this share of its span has passed (the last fifth).
const DUE_SOON_SHARE: f64 = 0.8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlaKind {
    /// Contact the customer (10分钟内与用户联系).
    Contact,
    /// Be on site (一个小时内到用户家).
    OnSite,
    /// Finish the job (两日内完成安装).
    Finish,
    /// Arrive within the agreed time (上门时间).
    Appointment,
    /// The desk's own answer to the report (服务台时限): met by the desk, never by an event.
    DeskAnswer,
}

impl SlaKind {
    /// Whether an event proves this deadline met.
    pub fn met_by(self, kind: &EventKind) -> bool {
        match self {
            SlaKind::Contact => {
                matches!(kind, EventKind::CustomerContacted | EventKind::Departed | EventKind::Arrived)
            }
            SlaKind::OnSite | SlaKind::Appointment => matches!(kind, EventKind::Arrived),
            SlaKind::Finish => matches!(kind, EventKind::Completed { .. } | EventKind::SignedOff(_)),
            SlaKind::DeskAnswer => false,
        }
    }

    /// Its stable name, as on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            SlaKind::Contact => "contact",
            SlaKind::OnSite => "on_site",
            SlaKind::Finish => "finish",
            SlaKind::Appointment => "appointment",
            SlaKind::DeskAnswer => "desk_answer",
        }
    }
}

/// The desk's target for a report of this priority, complex or not: an urgent one at once
/// (even when complex), a complex one within 24 hours, any other within 2 hours.
pub fn desk_deadline(priority: Priority, complex: bool, reported_at: DateTime<Utc>) -> Deadline {
    let within = match (priority, complex) {
        (Priority::Urgent, _) => DESK_URGENT_WITHIN,
        (_, true) => DESK_COMPLEX_WITHIN,
        (_, false) => DESK_GENERAL_WITHIN,
    };
    Deadline { kind: SlaKind::DeskAnswer, from: reported_at, due: reported_at + within }
}

/// One deadline of one job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    pub kind: SlaKind,
    /// When the clock started.
    pub from: DateTime<Utc>,
    /// When it runs out.
    pub due: DateTime<Utc>,
}

/// The deadlines a job is measured against, in the order they fall due.
pub fn deadlines(job: &Job) -> Vec<Deadline> {
    let Some(from) = job.dispatched_at else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if matches!(job.kind, JobKind::Install | JobKind::Repair | JobKind::Renewal) {
        out.push(Deadline { kind: SlaKind::Contact, from, due: from + CONTACT_WITHIN });
    }
    if job.kind == JobKind::Repair {
        out.push(Deadline { kind: SlaKind::OnSite, from, due: from + ON_SITE_WITHIN });
    }
    if let Some(window) = job.appointment {
        out.push(Deadline { kind: SlaKind::Appointment, from, due: window.end });
    }
    if job.kind == JobKind::Install {
        let due = job.appointment.map_or(from + INSTALL_WITHIN, |w| w.end);
        out.push(Deadline { kind: SlaKind::Finish, from, due });
    }
    out.sort_by_key(|d| d.due);
    out
}

/// Where a deadline stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SlaState {
    /// Running, with time to spare.
    OnTrack { remaining_secs: i64 },
    /// Running, in the last fifth of its span.
    DueSoon { remaining_secs: i64 },
    /// Met in time, proven by the event recorded at `at`.
    Met { at: DateTime<Utc> },
    /// Not met in time; `at` is when it was eventually met, if it was.
    Missed { at: Option<DateTime<Utc>> },
}

impl SlaState {
    /// The state's name, as the service desk filters by it.
    pub const fn name(&self) -> &'static str {
        match self {
            SlaState::OnTrack { .. } => "on_track",
            SlaState::DueSoon { .. } => "due_soon",
            SlaState::Met { .. } => "met",
            SlaState::Missed { .. } => "missed",
        }
    }

    pub const NAMES: [&'static str; 4] = ["on_track", "due_soon", "met", "missed"];
}

/// When a deadline was met: the device time of the first event, in canonical order, of a kind
/// that proves it (in time or not). `None` while none is recorded.
pub fn proof<'a>(kind: SlaKind, events: impl IntoIterator<Item = &'a VisitEvent>) -> Option<DateTime<Utc>> {
    canonical_order(events).into_iter().find(|e| kind.met_by(&e.kind)).map(|e| e.device_time)
}

/// The state of one deadline given the job's events and the time now.
pub fn state<'a>(
    deadline: &Deadline,
    events: impl IntoIterator<Item = &'a VisitEvent>,
    now: DateTime<Utc>,
) -> SlaState {
    state_at(deadline, proof(deadline.kind, events), now)
}

/// The state of one deadline given when it was met (if it was) and the time now.
pub fn state_at(deadline: &Deadline, met: Option<DateTime<Utc>>, now: DateTime<Utc>) -> SlaState {
    match met {
        Some(at) if at <= deadline.due => SlaState::Met { at },
        Some(at) => SlaState::Missed { at: Some(at) },
        None if now > deadline.due => SlaState::Missed { at: None },
        None => {
            let remaining = deadline.due - now;
            let span = (deadline.due - deadline.from).num_seconds().max(1) as f64;
            let passed = (now - deadline.from).num_seconds() as f64;
            let remaining_secs = remaining.num_seconds();
            if passed / span >= DUE_SOON_SHARE {
                SlaState::DueSoon { remaining_secs }
            } else {
                SlaState::OnTrack { remaining_secs }
            }
        }
    }
}

/// How pressing a deadline in this state is: lower is more urgent; `None` when it no longer
/// asks anything of the engineer (met, or missed and met since).
fn urgency(state: &SlaState) -> Option<(u8, i64)> {
    match state {
        // Missed and still not met: before anything still running.
        SlaState::Missed { at: None } => Some((0, 0)),
        SlaState::DueSoon { remaining_secs } => Some((1, *remaining_secs)),
        SlaState::OnTrack { remaining_secs } => Some((2, *remaining_secs)),
        SlaState::Met { .. } | SlaState::Missed { at: Some(_) } => None,
    }
}

/// The deadline that matters most now, with its state: a missed one not yet met (the longest
/// overdue first) outranks any still running; among running ones, the one with least time
/// left. `None` when every deadline is settled. The job card and the job's header show it.
pub fn most_urgent<'a>(
    deadlines: &[Deadline],
    events: impl IntoIterator<Item = &'a VisitEvent> + Clone,
    now: DateTime<Utc>,
) -> Option<(Deadline, SlaState)> {
    pick(deadlines.iter().map(|d| (*d, state(d, events.clone(), now))))
}

/// [`most_urgent`] of deadlines given with when each was met (the desk's board, which carries
/// no events).
pub fn most_urgent_at(
    clocks: impl IntoIterator<Item = (Deadline, Option<DateTime<Utc>>)>,
    now: DateTime<Utc>,
) -> Option<(Deadline, SlaState)> {
    pick(clocks.into_iter().map(|(d, met)| (d, state_at(&d, met, now))))
}

fn pick(states: impl Iterator<Item = (Deadline, SlaState)>) -> Option<(Deadline, SlaState)> {
    states
        .filter_map(|(d, s)| urgency(&s).map(|u| (u, d.due, d, s)))
        .min_by_key(|(u, due, _, _)| (*u, *due))
        .map(|(_, _, d, s)| (d, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::ev;
    use crate::job::TimeWindow;
    use crate::job::tests::sample;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    #[test]
    fn deadlines_per_kind() {
        let kinds = |job: &Job| deadlines(job).iter().map(|d| (d.kind, d.due)).collect::<Vec<_>>();
        // The sample is dispatched at 09:00.
        assert_eq!(
            kinds(&sample(JobKind::Repair)),
            vec![(SlaKind::Contact, at(9, 10)), (SlaKind::OnSite, at(10, 0))]
        );
        assert_eq!(
            kinds(&sample(JobKind::Install)),
            vec![(SlaKind::Contact, at(9, 10)), (SlaKind::Finish, at(9, 0) + Duration::days(2))]
        );
        assert_eq!(kinds(&sample(JobKind::Inspection)), vec![]);
        assert_eq!(kinds(&sample(JobKind::ItRepair)), vec![]);

        let mut renewal = sample(JobKind::Renewal);
        renewal.appointment = Some(TimeWindow { start: at(14, 0), end: at(15, 0) });
        assert_eq!(kinds(&renewal), vec![(SlaKind::Contact, at(9, 10)), (SlaKind::Appointment, at(15, 0))]);

        let mut agreed_install = sample(JobKind::Install);
        let end = at(18, 0) + Duration::days(4);
        agreed_install.appointment = Some(TimeWindow { start: at(9, 0) + Duration::days(4), end });
        assert!(kinds(&agreed_install).contains(&(SlaKind::Finish, end)));

        let mut undispatched = sample(JobKind::Repair);
        undispatched.dispatched_at = None;
        assert_eq!(kinds(&undispatched), vec![]);
    }

    #[test]
    fn states_around_the_contact_boundary() {
        let d = Deadline { kind: SlaKind::Contact, from: at(9, 0), due: at(9, 10) };
        let contacted_at = |m: u32| vec![ev(1, 1, 1, m, EventKind::CustomerContacted)];
        let none: Vec<VisitEvent> = vec![];
        let cases: Vec<(&str, Vec<VisitEvent>, DateTime<Utc>, SlaState)> = vec![
            ("fresh", none.clone(), at(9, 1), SlaState::OnTrack { remaining_secs: 540 }),
            ("just before due soon", none.clone(), at(9, 7), SlaState::OnTrack { remaining_secs: 180 }),
            ("due soon at 80%", none.clone(), at(9, 8), SlaState::DueSoon { remaining_secs: 120 }),
            ("due exactly now", none.clone(), at(9, 10), SlaState::DueSoon { remaining_secs: 0 }),
            (
                "one second late",
                none.clone(),
                at(9, 10) + Duration::seconds(1),
                SlaState::Missed { at: None },
            ),
            ("met early", contacted_at(3), at(11, 0), SlaState::Met { at: at(9, 3) }),
            ("met on the minute", contacted_at(10), at(11, 0), SlaState::Met { at: at(9, 10) }),
            ("met late", contacted_at(11), at(11, 0), SlaState::Missed { at: Some(at(9, 11)) }),
        ];
        for (name, events, now, want) in cases {
            assert_eq!(state(&d, &events, now), want, "{name}");
        }
    }

    #[test]
    fn the_most_urgent_deadline_is_a_missed_one_before_any_running() {
        // A repair dispatched at 09:00: contact due 09:10, on site due 10:00.
        let contact = Deadline { kind: SlaKind::Contact, from: at(9, 0), due: at(9, 10) };
        let on_site = Deadline { kind: SlaKind::OnSite, from: at(9, 0), due: at(10, 0) };
        let finish = Deadline { kind: SlaKind::Finish, from: at(9, 0), due: at(9, 0) + Duration::days(2) };
        let none: Vec<VisitEvent> = vec![];
        let contacted = |m| vec![ev(1, 1, 1, m, EventKind::CustomerContacted)];
        let arrived = vec![ev(1, 1, 1, 5, EventKind::Arrived)];
        let kind = |r: Option<(Deadline, SlaState)>| r.map(|(d, s)| (d.kind, s.name()));
        let cases: Vec<(&str, Vec<Deadline>, Vec<VisitEvent>, DateTime<Utc>, Option<(SlaKind, &str)>)> = vec![
            (
                "fresh: the one due first",
                vec![on_site, contact],
                none.clone(),
                at(9, 1),
                Some((SlaKind::Contact, "on_track")),
            ),
            (
                "contact due soon",
                vec![contact, on_site],
                none.clone(),
                at(9, 9),
                Some((SlaKind::Contact, "due_soon")),
            ),
            // The bug of issue 15: a card said "finish · 46 h left" while contact was missed.
            (
                "missed outranks running",
                vec![finish, contact],
                none.clone(),
                at(9, 30),
                Some((SlaKind::Contact, "missed")),
            ),
            (
                "missed outranks due soon",
                vec![contact, on_site],
                none.clone(),
                at(9, 50),
                Some((SlaKind::Contact, "missed")),
            ),
            (
                "two missed: the longest overdue",
                vec![on_site, contact],
                none.clone(),
                at(11, 0),
                Some((SlaKind::Contact, "missed")),
            ),
            (
                "met ones step aside",
                vec![contact, on_site],
                contacted(3),
                at(9, 30),
                Some((SlaKind::OnSite, "on_track")),
            ),
            (
                "missed but met since is history",
                vec![contact, on_site],
                contacted(20),
                at(9, 30),
                Some((SlaKind::OnSite, "on_track")),
            ),
            ("all met", vec![contact, on_site], arrived.clone(), at(9, 30), None),
            ("no deadlines", vec![], none.clone(), at(9, 30), None),
        ];
        for (name, deadlines, events, now, want) in cases {
            assert_eq!(kind(most_urgent(&deadlines, &events, now)), want, "{name}");
        }
    }

    #[test]
    fn the_desks_target_follows_priority_and_complexity() {
        use Priority::*;
        let reported = at(9, 0);
        // (priority, complex) → due
        let table = [
            (Urgent, false, at(9, 10)),
            (Urgent, true, at(9, 10)),
            (High, false, at(11, 0)),
            (Normal, false, at(11, 0)),
            (Low, false, at(11, 0)),
            (Normal, true, at(9, 0) + Duration::hours(24)),
            (Low, true, at(9, 0) + Duration::hours(24)),
        ];
        for (priority, complex, due) in table {
            let d = desk_deadline(priority, complex, reported);
            assert_eq!(
                (d.kind, d.from, d.due),
                (SlaKind::DeskAnswer, reported, due),
                "{priority:?} {complex}"
            );
        }
        // No event of the phone's meets it: only the desk's answer does.
        let all =
            [EventKind::CustomerContacted, EventKind::Arrived, EventKind::Completed { result: "ok".into() }];
        assert!(all.iter().all(|k| !SlaKind::DeskAnswer.met_by(k)));
    }

    #[test]
    fn a_state_from_the_time_met_agrees_with_the_state_from_the_events() {
        let d = Deadline { kind: SlaKind::Contact, from: at(9, 0), due: at(9, 10) };
        for minute in [3, 10, 11] {
            let events = vec![ev(1, 1, 1, minute, EventKind::CustomerContacted)];
            let met = proof(d.kind, &events);
            assert_eq!(met, Some(at(9, minute)));
            for now in [at(9, 5), at(9, 9), at(12, 0)] {
                assert_eq!(state_at(&d, met, now), state(&d, &events, now), "contact at {minute}, now {now}");
            }
        }
        let clocks = [(d, None), (Deadline { kind: SlaKind::OnSite, from: at(9, 0), due: at(10, 0) }, None)];
        assert_eq!(
            most_urgent_at(clocks, at(9, 20)).map(|(d, s)| (d.kind, s.name())),
            Some((SlaKind::Contact, "missed"))
        );
        assert_eq!(most_urgent_at([(d, Some(at(9, 2)))], at(9, 20)), None);
    }

    #[test]
    fn arrival_meets_contact_but_only_completion_meets_finish() {
        let arrived = vec![ev(1, 1, 1, 5, EventKind::Arrived)];
        let contact = Deadline { kind: SlaKind::Contact, from: at(9, 0), due: at(9, 10) };
        let finish = Deadline { kind: SlaKind::Finish, from: at(9, 0), due: at(9, 30) };
        assert_eq!(state(&contact, &arrived, at(9, 6)), SlaState::Met { at: at(9, 5) });
        assert!(matches!(state(&finish, &arrived, at(9, 6)), SlaState::OnTrack { .. }));
    }
}
