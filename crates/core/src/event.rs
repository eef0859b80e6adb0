//! The append-only visit event log.
//!
//! Everything the engineer does on a job is an immutable [`VisitEvent`]: recorded on the phone,
//! stored before the UI shows it, pushed to the server, never edited. Because events are facts
//! and nobody edits them, two devices can never conflict over them; the server keeps them all.
//!
//! Each event carries the device that recorded it and a per-device sequence number. The
//! sequence, not the device clock, orders one device's events: a phone's clock can be hours
//! off, but its counter only goes up.

use crate::ids::{DeviceId, EventId, JobId};
pub(crate) use crate::limits::check_text;
pub use crate::limits::{EventError, MAX_CODE, MAX_FEE_FEN, MAX_NOTE, MAX_QTY, MAX_REASON};
use crate::signature::SignOff;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who a job is escalated to (升级).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EscalationTarget {
    /// A higher-level engineer (技术支持 / 高级工程师).
    Senior,
    /// The equipment's vendor (厂家).
    Vendor,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The engineer phoned or messaged the customer (与用户联系) and agreed the visit.
    CustomerContacted,
    /// The engineer set off for the customer's premises.
    Departed,
    /// The engineer is at the customer's premises.
    Arrived,
    /// A free-text note.
    NoteAdded { text: String },
    /// The work is done (处理结果: the engineer's result).
    Completed { result: String },
    /// The engineer could not complete the job; the reason goes to the service desk.
    CouldNotComplete { reason: String },
    /// A visit step done.
    StepDone { step: String },
    /// A visit step skipped, with the reason.
    StepSkipped { step: String, reason: String },
    /// A part taken from the van and used on the job.
    PartUsed {
        part: String,
        qty: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        serial: Option<String>,
    },
    /// A part put back into the van (not needed, or used by mistake).
    PartReturned {
        part: String,
        qty: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        serial: Option<String>,
    },
    /// The engineer cannot solve it and hands it up; the service desk sees it at the next sync.
    Escalated { to: EscalationTarget, reason: String },
    /// Money collected (a renewal), with the receipt handed over.
    FeeCollected { amount_fen: i64, receipt_no: String },
    /// The customer signed the work off: this completes the job.
    SignedOff(SignOff),
}

impl EventKind {
    /// The stable name of the kind, as in the wire's `type` field.
    pub const fn tag(&self) -> &'static str {
        match self {
            EventKind::CustomerContacted => "customer_contacted",
            EventKind::Departed => "departed",
            EventKind::Arrived => "arrived",
            EventKind::NoteAdded { .. } => "note_added",
            EventKind::Completed { .. } => "completed",
            EventKind::CouldNotComplete { .. } => "could_not_complete",
            EventKind::StepDone { .. } => "step_done",
            EventKind::StepSkipped { .. } => "step_skipped",
            EventKind::PartUsed { .. } => "part_used",
            EventKind::PartReturned { .. } => "part_returned",
            EventKind::Escalated { .. } => "escalated",
            EventKind::FeeCollected { .. } => "fee_collected",
            EventKind::SignedOff(_) => "signed_off",
        }
    }

    /// The kind's own rules on its text.
    pub fn validate(&self) -> Result<(), EventError> {
        match self {
            EventKind::NoteAdded { text } => check_text("text", text, true, MAX_NOTE),
            EventKind::Completed { result } => check_text("result", result, false, MAX_NOTE),
            EventKind::CouldNotComplete { reason } => check_text("reason", reason, true, MAX_REASON),
            EventKind::CustomerContacted | EventKind::Departed | EventKind::Arrived => Ok(()),
            EventKind::StepDone { step } => check_text("step", step, true, crate::limits::MAX_STEP_ID),
            EventKind::StepSkipped { step, reason } => {
                check_text("step", step, true, crate::limits::MAX_STEP_ID)?;
                check_text("reason", reason, true, MAX_REASON)
            }
            EventKind::PartUsed { part, qty, serial } | EventKind::PartReturned { part, qty, serial } => {
                check_text("part", part, true, MAX_CODE)?;
                if *qty == 0 || *qty > MAX_QTY {
                    return Err(EventError::OutOfRange("qty", 1, i64::from(MAX_QTY)));
                }
                if let Some(serial) = serial {
                    check_text("serial", serial, true, MAX_CODE)?;
                    if *qty != 1 {
                        return Err(EventError::SerialNeedsOne);
                    }
                }
                Ok(())
            }
            EventKind::Escalated { reason, .. } => check_text("reason", reason, true, MAX_REASON),
            EventKind::FeeCollected { amount_fen, receipt_no } => {
                if *amount_fen <= 0 || *amount_fen > MAX_FEE_FEN {
                    return Err(EventError::OutOfRange("amount_fen", 1, MAX_FEE_FEN));
                }
                check_text("receipt_no", receipt_no, true, MAX_CODE)
            }
            EventKind::SignedOff(sign_off) => sign_off.validate(),
        }
    }
}

/// One immutable fact on a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitEvent {
    pub id: EventId,
    pub job_id: JobId,
    pub device_id: DeviceId,
    /// Per-device sequence number, from 1, one more for every event the device records.
    pub seq: u64,
    /// The phone's clock when the event was recorded. Shown, never trusted alone.
    pub device_time: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: EventKind,
}

impl VisitEvent {
    pub fn validate(&self) -> Result<(), EventError> {
        if self.seq == 0 {
            return Err(EventError::ZeroSequence);
        }
        self.kind.validate()
    }
}

/// Puts events in the log's canonical order.
///
/// One device's events stay in the order of their sequence numbers whatever their clocks say.
/// The streams of several devices are merged by device time (ties by device id), taking from
/// each stream only at its head, so no device's own order is ever broken. Duplicate ids (the
/// same event seen twice, say from storage and from a pull) are kept once.
pub fn canonical_order<'a>(events: impl IntoIterator<Item = &'a VisitEvent>) -> Vec<&'a VisitEvent> {
    let mut streams: BTreeMap<DeviceId, Vec<&VisitEvent>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for e in events {
        if seen.insert(e.id) {
            streams.entry(e.device_id).or_default().push(e);
        }
    }
    let mut streams: Vec<std::collections::VecDeque<&VisitEvent>> = streams
        .into_values()
        .map(|mut s| {
            s.sort_by_key(|e| (e.seq, e.id));
            s.into()
        })
        .collect();
    let mut out = Vec::with_capacity(seen.len());
    loop {
        let next = streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.front().map(|e| (i, (e.device_time, e.device_id))))
            .min_by_key(|(_, key)| *key)
            .map(|(i, _)| i);
        match next {
            Some(i) => out.extend(streams[i].pop_front()),
            None => return out,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    pub(crate) fn ev(n: u128, device: u128, seq: u64, minute: u32, kind: EventKind) -> VisitEvent {
        VisitEvent {
            id: EventId(Uuid::from_u128(1000 + n)),
            job_id: JobId(Uuid::from_u128(1)),
            device_id: DeviceId(Uuid::from_u128(device)),
            seq,
            device_time: Utc.with_ymd_and_hms(2026, 11, 23, 9, minute, 0).unwrap(),
            kind,
        }
    }

    fn ids(v: &[&VisitEvent]) -> Vec<u128> {
        v.iter().map(|e| e.id.0.as_u128() - 1000).collect()
    }

    #[test]
    fn one_device_orders_by_sequence_not_clock() {
        // The clock went backwards between seq 1 and seq 2 (a phone whose time was corrected).
        let a = ev(1, 1, 1, 30, EventKind::CustomerContacted);
        let b = ev(2, 1, 2, 5, EventKind::Departed);
        let c = ev(3, 1, 3, 6, EventKind::Arrived);
        assert_eq!(ids(&canonical_order([&c, &a, &b])), vec![1, 2, 3]);
    }

    #[test]
    fn devices_merge_by_time_without_breaking_either_stream() {
        let a1 = ev(1, 1, 1, 10, EventKind::CustomerContacted);
        let a2 = ev(2, 1, 2, 40, EventKind::Arrived);
        let b1 = ev(3, 2, 1, 20, EventKind::NoteAdded { text: "n".into() });
        let b2 = ev(4, 2, 2, 5, EventKind::NoteAdded { text: "m".into() }); // b's clock jumped back
        assert_eq!(ids(&canonical_order([&a2, &b2, &a1, &b1])), vec![1, 3, 4, 2]);
    }

    #[test]
    fn duplicates_are_kept_once() {
        let a = ev(1, 1, 1, 10, EventKind::Arrived);
        let a_again = a.clone();
        assert_eq!(canonical_order([&a, &a_again]).len(), 1);
    }

    #[test]
    fn validation_table() {
        let long_note = "字".repeat(MAX_NOTE + 1);
        let cases = [
            (EventKind::Arrived, Ok(())),
            (EventKind::NoteAdded { text: " ".into() }, Err(EventError::Empty("text"))),
            (EventKind::NoteAdded { text: long_note }, Err(EventError::TooLong("text", MAX_NOTE))),
            (EventKind::NoteAdded { text: "字".repeat(MAX_NOTE) }, Ok(())),
            (EventKind::Completed { result: String::new() }, Ok(())),
            (EventKind::CouldNotComplete { reason: "".into() }, Err(EventError::Empty("reason"))),
            (
                EventKind::CouldNotComplete { reason: "x".repeat(MAX_REASON + 1) },
                Err(EventError::TooLong("reason", MAX_REASON)),
            ),
            (EventKind::CouldNotComplete { reason: "用户不在家".into() }, Ok(())),
        ];
        for (kind, want) in cases {
            assert_eq!(kind.validate(), want, "{kind:?}");
        }
        let mut zero = ev(1, 1, 0, 0, EventKind::Arrived);
        assert_eq!(zero.validate(), Err(EventError::ZeroSequence));
        zero.seq = 1;
        assert_eq!(zero.validate(), Ok(()));
    }
}
