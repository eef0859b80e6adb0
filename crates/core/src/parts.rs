//! Parts and van stock (备品备件).
//!
//! The service desk issues parts to an engineer's van; the engineer records each part used on
//! a job (and any returned) as events. The server's count of the van is a snapshot taken at a
//! change number (`rev`) and already includes every part event it had applied by then. The
//! phone's count is that snapshot adjusted by the part events the snapshot does not include:
//! those still pending, refused by the server, or applied after the snapshot. So the count
//! goes down on the phone at once, and on the server when the event syncs, never twice.
//!
//! Using more than the van holds is allowed (the part is in the engineer's hand, whatever the
//! count says) but warned about, and the server flags it to the service desk.

use crate::event::{EventKind, VisitEvent};
use crate::logged::{LoggedEvent, SyncState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A part in the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Part {
    /// Stock code.
    pub sku: String,
    pub zh: String,
    pub en: String,
    /// Each unit has its own serial number, recorded when used.
    pub serialised: bool,
}

/// The longest part name, in characters, in either language.
pub const MAX_PART_NAME: usize = 200;
/// The most units of one part issued to or taken back from a van at once (cable is counted in
/// metres, so this is generous).
pub const MAX_ISSUE: i64 = 100_000;

/// Why a catalogue entry or a van issue is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StockError {
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("{0} is longer than {1} characters")]
    TooLong(&'static str, usize),
    #[error("qty must not be 0: a positive qty issues stock to the van, a negative one takes it back")]
    ZeroQty,
    #[error("qty must be from -{0} to {0}")]
    QtyTooLarge(i64),
}

fn check_name(field: &'static str, value: &str, max: usize) -> Result<(), StockError> {
    if value.trim().is_empty() {
        return Err(StockError::Empty(field));
    }
    if value.chars().count() > max {
        return Err(StockError::TooLong(field, max));
    }
    Ok(())
}

impl Part {
    /// A stock code of 1 to [`crate::event::MAX_CODE`] characters and names of 1 to
    /// [`MAX_PART_NAME`], none blank.
    pub fn validate(&self) -> Result<(), StockError> {
        check_name("sku", &self.sku, crate::event::MAX_CODE)?;
        check_name("zh", &self.zh, MAX_PART_NAME)?;
        check_name("en", &self.en, MAX_PART_NAME)
    }
}

/// Checks stock issued to (`qty` > 0) or taken back from (`qty` < 0) a van.
pub fn check_issue(part: &str, qty: i64) -> Result<(), StockError> {
    check_name("part", part, crate::event::MAX_CODE)?;
    match qty {
        0 => Err(StockError::ZeroQty),
        q if q.unsigned_abs() > MAX_ISSUE.unsigned_abs() => Err(StockError::QtyTooLarge(MAX_ISSUE)),
        _ => Ok(()),
    }
}

/// The server's count of one engineer's van.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VanStock {
    /// The server's change number the count includes events up to.
    pub rev: i64,
    /// Units in the van by part code.
    pub counts: BTreeMap<String, i64>,
}

/// How an event changes the van's count: (part, change).
pub fn movement(kind: &EventKind) -> Option<(&str, i64)> {
    match kind {
        EventKind::PartUsed { part, qty, .. } => Some((part, -i64::from(*qty))),
        EventKind::PartReturned { part, qty, .. } => Some((part, i64::from(*qty))),
        _ => None,
    }
}

/// The wire `type`s of the kinds that move stock ([`movement`]), so that a store can select
/// just those events.
pub const MOVEMENT_TAGS: [&str; 2] = ["part_used", "part_returned"];

/// Applies movements to counts.
pub fn apply<'a>(counts: &mut BTreeMap<String, i64>, events: impl IntoIterator<Item = &'a VisitEvent>) {
    for e in events {
        if let Some((part, change)) = movement(&e.kind) {
            *counts.entry(part.to_string()).or_default() += change;
        }
    }
}

/// Whether the server's snapshot already includes an event.
fn in_snapshot(state: &SyncState, snapshot_rev: i64) -> bool {
    matches!(state, SyncState::Acked { rev: Some(rev), .. } if *rev <= snapshot_rev)
}

/// Whether the server's snapshot of the van (`snapshot_rev`) already counts every part taken
/// or returned among `logged`: until it does, the phone needs those events to show the van.
pub fn van_counted<'a>(logged: impl IntoIterator<Item = &'a LoggedEvent>, snapshot_rev: i64) -> bool {
    logged.into_iter().all(|l| movement(&l.event.kind).is_none() || in_snapshot(&l.sync, snapshot_rev))
}

/// The van as the phone should show it: the snapshot, adjusted by the part events it lacks.
pub fn van_count<'a>(
    snapshot: &VanStock,
    logged: impl IntoIterator<Item = &'a LoggedEvent>,
) -> BTreeMap<String, i64> {
    let mut counts = snapshot.counts.clone();
    apply(&mut counts, logged.into_iter().filter(|l| !in_snapshot(&l.sync, snapshot.rev)).map(|l| &l.event));
    counts
}

/// The check before recording a part used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseCheck {
    Ok,
    /// The van's count is short: allowed, with a warning, and flagged to the service desk.
    Short {
        have: i64,
        want: u32,
    },
}

pub fn check_use(counts: &BTreeMap<String, i64>, part: &str, qty: u32) -> UseCheck {
    let have = counts.get(part).copied().unwrap_or(0);
    if have < i64::from(qty) { UseCheck::Short { have, want: qty } } else { UseCheck::Ok }
}

/// The parts used and returned on a job, by part, for the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PartLine {
    pub part: String,
    pub used: u32,
    pub returned: u32,
    pub serials: Vec<String>,
}

pub fn job_parts<'a>(events: impl IntoIterator<Item = &'a VisitEvent>) -> Vec<PartLine> {
    let mut lines: BTreeMap<String, PartLine> = BTreeMap::new();
    for e in crate::event::canonical_order(events) {
        let (part, serial, used) = match &e.kind {
            EventKind::PartUsed { part, qty, serial } => (part, serial, Some(*qty)),
            EventKind::PartReturned { part, qty, serial } => {
                let line = lines
                    .entry(part.clone())
                    .or_insert_with(|| PartLine { part: part.clone(), ..Default::default() });
                line.returned += qty;
                if let Some(s) = serial {
                    line.serials.retain(|x| x != s);
                }
                continue;
            }
            _ => continue,
        };
        let line = lines
            .entry(part.clone())
            .or_insert_with(|| PartLine { part: part.clone(), ..Default::default() });
        line.used += used.unwrap_or(0);
        if let Some(s) = serial {
            line.serials.push(s.clone());
        }
    }
    lines.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::ev;
    use chrono::TimeZone;

    fn used(n: u128, seq: u64, part: &str, qty: u32) -> VisitEvent {
        ev(n, 1, seq, 0, EventKind::PartUsed { part: part.into(), qty, serial: None })
    }

    fn logged(e: VisitEvent, sync: SyncState) -> LoggedEvent {
        LoggedEvent { event: e, sync }
    }

    fn acked(rev: i64) -> SyncState {
        SyncState::Acked {
            received_at: chrono::Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
            rev: Some(rev),
        }
    }

    #[test]
    fn van_count_table() {
        let snapshot =
            VanStock { rev: 10, counts: BTreeMap::from([("ONT".into(), 5), ("CAT6".into(), 100)]) };
        let rejected =
            SyncState::Rejected { code: crate::wire::RejectCode::ForeignJob, message: String::new() };
        let returned = ev(9, 1, 9, 0, EventKind::PartReturned { part: "ONT".into(), qty: 1, serial: None });
        let cases: Vec<(&str, Vec<LoggedEvent>, i64, i64)> = vec![
            ("snapshot alone", vec![], 5, 100),
            ("pending use counts at once", vec![logged(used(1, 1, "ONT", 1), SyncState::Pending)], 4, 100),
            (
                "acked before the snapshot is in it already",
                vec![logged(used(1, 1, "ONT", 1), acked(9))],
                5,
                100,
            ),
            ("acked after the snapshot is not yet", vec![logged(used(1, 1, "ONT", 1), acked(11))], 4, 100),
            (
                "acked with no rev known counts",
                vec![logged(
                    used(1, 1, "ONT", 1),
                    SyncState::Acked { received_at: chrono::DateTime::UNIX_EPOCH, rev: None },
                )],
                4,
                100,
            ),
            ("refused still left the van", vec![logged(used(1, 1, "CAT6", 30), rejected)], 5, 70),
            (
                "use and return",
                vec![logged(used(1, 1, "ONT", 2), SyncState::Pending), logged(returned, SyncState::Pending)],
                4,
                100,
            ),
        ];
        for (name, events, ont, cat6) in cases {
            let counts = van_count(&snapshot, &events);
            assert_eq!((counts["ONT"], counts["CAT6"]), (ont, cat6), "{name}");
        }
    }

    #[test]
    fn movement_tags_name_exactly_the_kinds_that_move_stock() {
        let kinds = [
            EventKind::Arrived,
            EventKind::PartUsed { part: "P".into(), qty: 2, serial: None },
            EventKind::PartReturned { part: "P".into(), qty: 1, serial: None },
            EventKind::StepDone { step: "s".into() },
            EventKind::FeeCollected { amount_fen: 1, receipt_no: "R".into() },
        ];
        for kind in kinds {
            assert_eq!(MOVEMENT_TAGS.contains(&kind.tag()), movement(&kind).is_some(), "{kind:?}");
        }
    }

    #[test]
    fn part_and_issue_validation() {
        let part = |sku: &str, zh: &str, en: &str| Part {
            sku: sku.into(),
            zh: zh.into(),
            en: en.into(),
            serialised: false,
        };
        assert_eq!(part("RJ45", "水晶头", "RJ45 plug").validate(), Ok(()));
        assert_eq!(part(" ", "水晶头", "RJ45 plug").validate(), Err(StockError::Empty("sku")));
        assert_eq!(part(&"X".repeat(65), "a", "b").validate(), Err(StockError::TooLong("sku", 64)));
        assert_eq!(part(&"X".repeat(64), "a", "b").validate(), Ok(()));
        assert_eq!(part("X", &"字".repeat(201), "b").validate(), Err(StockError::TooLong("zh", 200)));
        assert_eq!(part("X", "a", "").validate(), Err(StockError::Empty("en")));
        assert_eq!(check_issue("RJ45", 50), Ok(()));
        assert_eq!(check_issue("RJ45", -3), Ok(()));
        assert_eq!(check_issue("RJ45", 0), Err(StockError::ZeroQty));
        assert_eq!(check_issue("RJ45", MAX_ISSUE), Ok(()));
        assert_eq!(check_issue("RJ45", -MAX_ISSUE - 1), Err(StockError::QtyTooLarge(MAX_ISSUE)));
        assert_eq!(check_issue("RJ45", i64::MIN), Err(StockError::QtyTooLarge(MAX_ISSUE)));
        assert_eq!(check_issue("", 1), Err(StockError::Empty("part")));
    }

    #[test]
    fn using_more_than_the_van_holds_is_short_not_forbidden() {
        let counts = BTreeMap::from([("ONT".to_string(), 1)]);
        assert_eq!(check_use(&counts, "ONT", 1), UseCheck::Ok);
        assert_eq!(check_use(&counts, "ONT", 2), UseCheck::Short { have: 1, want: 2 });
        assert_eq!(check_use(&counts, "NOPE", 1), UseCheck::Short { have: 0, want: 1 });
    }

    #[test]
    fn job_parts_sum_by_part_with_serials() {
        let events = vec![
            ev(1, 1, 1, 0, EventKind::PartUsed { part: "ONT".into(), qty: 1, serial: Some("SN1".into()) }),
            ev(2, 1, 2, 1, EventKind::PartUsed { part: "ONT".into(), qty: 1, serial: Some("SN2".into()) }),
            ev(
                3,
                1,
                3,
                2,
                EventKind::PartReturned { part: "ONT".into(), qty: 1, serial: Some("SN1".into()) },
            ),
            used(4, 4, "CAT6", 20),
        ];
        let lines = job_parts(&events);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], PartLine { part: "CAT6".into(), used: 20, returned: 0, serials: vec![] });
        assert_eq!(
            lines[1],
            PartLine { part: "ONT".into(), used: 2, returned: 1, serials: vec!["SN2".into()] }
        );
    }
}
