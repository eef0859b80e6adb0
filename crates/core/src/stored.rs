//! The phone's storage form of a job: the content of a [`LocalJob`] in about half the
//! characters, so that hundreds of finished jobs fit in localStorage.
//!
//! localStorage holds about 5 M UTF-16 characters an origin. The plain serde form of a
//! `LocalJob` (format 1) repeats in every event what the job already says: the job id, the
//! device id (the same for nearly every event), long field names, 30-character times, and the
//! acknowledgement as an object; in a finished repair job that was over half its bytes
//! (docs/benchmarks.md). Format 2 ([`StoredJob`]) keeps each fact once:
//! - `v`: the format version, 2;
//! - `job`, `rev`, `removed`: the header as in format 1;
//! - `t0`: a base time (whole ms since the epoch, about the job's report time); event times
//!   count from it;
//! - `d`: the devices that recorded the events; an event names its device by index;
//! - `e`: each event as an array `[id, device, seq, time, type, fields, sync]`:
//!   - `id`: the event's UUID as 22 characters of base64url;
//!   - `time`: the device time, ms after `t0`: an integer for a whole millisecond (the phone's
//!     clock), a number with up to three decimals for a whole microsecond (the server's);
//!     anything finer keeps its RFC 3339 text, so that nothing is ever rounded;
//!   - `type`, `fields`: the event kind in its own serde form, its `type` tag taken out;
//!   - `sync`: `0` pending; `[ms from the device time to the server's receive time, rev]`
//!     acknowledged (`[ms]` with no rev); `1` acknowledged in the same push as the event before
//!     it (the same receive time, the next rev); `{"c": code, "m": message}` refused.
//!
//! The conversion is lossless both ways for every value, which the tests check over every
//! event kind and sync state. [`decode`] reads both formats (format 1 is what phones stored
//! before), so no migration step can fail halfway; [`encode`] always writes format 2.
//! A value that reads as neither is an error for the caller to quarantine.

use crate::event::{EventKind, VisitEvent};
use crate::ids::{DeviceId, EventId};
use crate::job::Job;
use crate::sync::{LocalJob, LoggedEvent, SyncState};
use crate::wire::RejectCode;
use chrono::{DateTime, TimeZone, Utc};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// The format version [`encode`] writes.
pub const VERSION: u8 = 2;

/// A job as the phone stores it (format 2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredJob {
    pub v: u8,
    pub job: Job,
    pub rev: i64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
    pub t0: i64,
    pub d: Vec<DeviceId>,
    pub e: Vec<StoredEvent>,
}

/// One event: `[id, device index, seq, time, type, fields, sync]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent(
    pub ShortId,
    pub u32,
    pub u64,
    pub StoredTime,
    pub String,
    pub serde_json::Map<String, serde_json::Value>,
    pub StoredSync,
);

/// A UUID as 22 characters of base64url (no padding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortId(pub Uuid);

/// A time, as microseconds after a base time (written as ms, with up to three decimals), or
/// (finer than a microsecond) its full text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoredTime {
    Micros(i64),
    Exact(DateTime<Utc>),
}

/// An event's sync state, short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredSync {
    Pending,
    /// The receive time as ms after the event's device time, and the change number.
    Acked {
        after: StoredTime,
        rev: Option<i64>,
    },
    /// Acknowledged with the event before it: the same receive time, the next rev.
    Next,
    Rejected {
        code: RejectCode,
        message: String,
    },
}

/// Why a stored value could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("not a stored job: {0}")]
    Json(String),
    #[error("stored job format {0} is newer than this app")]
    Version(u8),
    #[error("event {event} names device #{index}, which the job's table does not hold")]
    UnknownDevice { event: usize, index: u32 },
    #[error("a stored time is out of range")]
    TimeOutOfRange,
    #[error("event {0}: {1}")]
    Kind(usize, String),
    #[error("event {0} is marked as acknowledged with the one before it, which is not acknowledged")]
    NoPrevious(usize),
}

/// Which format a value was in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Format 1: the plain serde form of [`LocalJob`]. Rewriting it saves space.
    Plain,
    /// Format 2: [`StoredJob`].
    Compact,
}

/// Writes a job in format 2.
pub fn encode(job: &LocalJob) -> Result<String, serde_json::Error> {
    serde_json::to_string(&StoredJob::from_local(job))
}

/// Reads a job stored in either format.
pub fn decode(text: &str) -> Result<(LocalJob, Format), DecodeError> {
    let compact = text.trim_start().starts_with("{\"v\":");
    if compact {
        let stored: StoredJob = serde_json::from_str(text).map_err(|e| DecodeError::Json(e.to_string()))?;
        return Ok((stored.into_local()?, Format::Compact));
    }
    match serde_json::from_str::<LocalJob>(text) {
        Ok(job) => Ok((job, Format::Plain)),
        // A format 2 value whose fields were reordered by hand still reads.
        Err(plain) => match serde_json::from_str::<StoredJob>(text) {
            Ok(stored) => Ok((stored.into_local()?, Format::Compact)),
            Err(_) => Err(DecodeError::Json(plain.to_string())),
        },
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Offsets beyond this many microseconds (about 142 years) are kept as text: within it, an
/// offset written as ms with three decimals reads back exactly through an `f64`.
const MAX_MICROS: i64 = 1 << 52;

impl StoredTime {
    /// `t` after `base`, exactly: as microseconds when both are whole microseconds, else text.
    fn after(base: DateTime<Utc>, t: DateTime<Utc>) -> StoredTime {
        let whole = |x: DateTime<Utc>| x.timestamp_subsec_nanos().is_multiple_of(1_000);
        match t.timestamp_micros().checked_sub(base.timestamp_micros()) {
            Some(d) if whole(t) && whole(base) && d.abs() < MAX_MICROS => StoredTime::Micros(d),
            _ => StoredTime::Exact(t),
        }
    }

    fn resolve(self, base: DateTime<Utc>) -> Result<DateTime<Utc>, DecodeError> {
        match self {
            StoredTime::Micros(d) => {
                let at = base.timestamp_micros().checked_add(d).ok_or(DecodeError::TimeOutOfRange)?;
                DateTime::from_timestamp_micros(at).ok_or(DecodeError::TimeOutOfRange)
            }
            StoredTime::Exact(t) => Ok(t),
        }
    }
}

impl StoredJob {
    pub fn from_local(local: &LocalJob) -> StoredJob {
        // The base is a whole millisecond (it is stored as one), so that the phone's times,
        // whole milliseconds, count from it in integers.
        let base =
            Utc.timestamp_millis_opt(ms(local.job.reported_at)).single().unwrap_or(local.job.reported_at);
        let mut devices: Vec<DeviceId> = Vec::new();
        let mut previous: Option<(DateTime<Utc>, Option<i64>)> = None;
        let events = local
            .events
            .iter()
            .map(|l| {
                let e = &l.event;
                let index = match devices.iter().position(|d| *d == e.device_id) {
                    Some(i) => i,
                    None => {
                        devices.push(e.device_id);
                        devices.len() - 1
                    }
                };
                let sync = match &l.sync {
                    SyncState::Pending => StoredSync::Pending,
                    SyncState::Acked { received_at, rev } => {
                        let next = previous.is_some_and(|(at, r)| {
                            at == *received_at && r.zip(*rev).is_some_and(|(r, v)| v == r + 1)
                        });
                        if next {
                            StoredSync::Next
                        } else {
                            StoredSync::Acked {
                                after: StoredTime::after(e.device_time, *received_at),
                                rev: *rev,
                            }
                        }
                    }
                    SyncState::Rejected { code, message } => {
                        StoredSync::Rejected { code: *code, message: message.clone() }
                    }
                };
                previous = match &l.sync {
                    SyncState::Acked { received_at, rev } => Some((*received_at, *rev)),
                    _ => None,
                };
                let (tag, fields) = split_kind(&e.kind);
                StoredEvent(
                    ShortId(e.id.0),
                    index as u32,
                    e.seq,
                    StoredTime::after(base, e.device_time),
                    tag,
                    fields,
                    sync,
                )
            })
            .collect();
        StoredJob {
            v: VERSION,
            job: local.job.clone(),
            rev: local.rev,
            removed: local.removed,
            t0: ms(base),
            d: devices,
            e: events,
        }
    }

    pub fn into_local(self) -> Result<LocalJob, DecodeError> {
        if self.v > VERSION {
            return Err(DecodeError::Version(self.v));
        }
        let base = Utc.timestamp_millis_opt(self.t0).single().ok_or(DecodeError::TimeOutOfRange)?;
        let job_id = self.job.id;
        let mut events: Vec<LoggedEvent> = Vec::with_capacity(self.e.len());
        for (n, StoredEvent(id, index, seq, time, tag, fields, sync)) in self.e.into_iter().enumerate() {
            let device_id =
                *self.d.get(index as usize).ok_or(DecodeError::UnknownDevice { event: n, index })?;
            let device_time = time.resolve(base)?;
            let kind = join_kind(tag, fields).map_err(|e| DecodeError::Kind(n, e))?;
            let sync = match sync {
                StoredSync::Pending => SyncState::Pending,
                StoredSync::Acked { after, rev } => {
                    SyncState::Acked { received_at: after.resolve(device_time)?, rev }
                }
                StoredSync::Next => match events.last().map(|l| &l.sync) {
                    Some(SyncState::Acked { received_at, rev: Some(rev) }) => {
                        SyncState::Acked { received_at: *received_at, rev: Some(rev + 1) }
                    }
                    _ => return Err(DecodeError::NoPrevious(n)),
                },
                StoredSync::Rejected { code, message } => SyncState::Rejected { code, message },
            };
            events.push(LoggedEvent {
                event: VisitEvent { id: EventId(id.0), job_id, device_id, seq, device_time, kind },
                sync,
            });
        }
        Ok(LocalJob { job: self.job, rev: self.rev, removed: self.removed, events })
    }
}

/// An event kind as its `type` tag and its other fields.
fn split_kind(kind: &EventKind) -> (String, serde_json::Map<String, serde_json::Value>) {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::Object(mut fields)) => {
            let tag = match fields.remove("type") {
                Some(serde_json::Value::String(t)) => t,
                _ => kind.tag().to_string(),
            };
            (tag, fields)
        }
        // An internally tagged enum always serialises as an object with its tag.
        _ => (kind.tag().to_string(), serde_json::Map::new()),
    }
}

fn join_kind(
    tag: String,
    mut fields: serde_json::Map<String, serde_json::Value>,
) -> Result<EventKind, String> {
    fields.insert("type".into(), serde_json::Value::String(tag));
    serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| e.to_string())
}

// -- serde of the short forms ---------------------------------------------------------------------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl ShortId {
    pub fn encode(&self) -> String {
        let bytes = self.0.as_bytes();
        let mut out = String::with_capacity(22);
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            let chars = chunk.len() + 1;
            for i in 0..chars {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    pub fn decode(text: &str) -> Option<ShortId> {
        let text = text.as_bytes();
        if text.len() != 22 {
            return None;
        }
        let mut bytes = [0u8; 16];
        let mut out = 0;
        for chunk in text.chunks(4) {
            let mut n: u32 = 0;
            for (i, c) in chunk.iter().enumerate() {
                let v = B64.iter().position(|b| b == c)? as u32;
                n |= v << (18 - 6 * i);
            }
            let len = chunk.len() - 1;
            for i in 0..len {
                bytes[out] = (n >> (16 - 8 * i)) as u8;
                out += 1;
            }
        }
        let id = ShortId(Uuid::from_bytes(bytes));
        // Only the one text that encodes these bytes is accepted (no stray low bits).
        (id.encode().as_bytes() == text).then_some(id)
    }
}

impl Serialize for ShortId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for ShortId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ShortId;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id in 22 characters of base64url")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ShortId, E> {
                ShortId::decode(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for StoredTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            StoredTime::Micros(d) if d % 1_000 == 0 => s.serialize_i64(d / 1_000),
            // |d| < 2^52: exact as an f64, and the shortest decimal that reads back as that f64
            // is the one with (at most) three decimals.
            StoredTime::Micros(d) => s.serialize_f64(*d as f64 / 1_000.0),
            StoredTime::Exact(t) => t.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for StoredTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = StoredTime;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("ms as a number, or an RFC 3339 time")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StoredTime, E> {
                v.checked_mul(1_000)
                    .filter(|d| d.abs() < MAX_MICROS)
                    .map(StoredTime::Micros)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StoredTime, E> {
                let v = i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))?;
                self.visit_i64(v)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<StoredTime, E> {
                let d = (v * 1_000.0).round();
                if d.is_finite() && d.abs() < MAX_MICROS as f64 {
                    Ok(StoredTime::Micros(d as i64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StoredTime, E> {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| StoredTime::Exact(t.with_timezone(&Utc)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Serialize, Deserialize)]
struct Refusal {
    c: RejectCode,
    m: String,
}

impl Serialize for StoredSync {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            StoredSync::Pending => s.serialize_u8(0),
            StoredSync::Next => s.serialize_u8(1),
            StoredSync::Acked { after, rev } => {
                let mut seq = s.serialize_seq(Some(1 + usize::from(rev.is_some())))?;
                seq.serialize_element(after)?;
                if let Some(rev) = rev {
                    seq.serialize_element(rev)?;
                }
                seq.end()
            }
            StoredSync::Rejected { code, message } => Refusal { c: *code, m: message.clone() }.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for StoredSync {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StoredSync;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("0, 1, [receive ms, rev], or {\"c\": code, \"m\": message}")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StoredSync, E> {
                match v {
                    0 => Ok(StoredSync::Pending),
                    1 => Ok(StoredSync::Next),
                    _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StoredSync, E> {
                u64::try_from(v)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StoredSync, A::Error> {
                let after: StoredTime =
                    seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let rev: Option<i64> = seq.next_element()?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                Ok(StoredSync::Acked { after, rev })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<StoredSync, A::Error> {
                let r = Refusal::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(StoredSync::Rejected { code: r.c, message: r.m })
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EscalationTarget;
    use crate::job::JobKind;
    use crate::job::tests::sample;
    use crate::signoff::{Coverage, Ratings, SignOff, Signature};

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
            + chrono::Duration::milliseconds(min * 60_000 + 123)
    }

    fn uuid(n: u128) -> Uuid {
        Uuid::from_u128(n.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834))
    }

    /// A job with every event kind, every sync state, two devices, and a time finer than a ms.
    fn every_kind() -> LocalJob {
        let job = sample(JobKind::Repair);
        let (phone, tablet) = (DeviceId(uuid(1)), DeviceId(uuid(2)));
        let kinds = vec![
            EventKind::CustomerContacted,
            EventKind::Departed,
            EventKind::Arrived,
            EventKind::NoteAdded { text: "地下室无信号 \"quoted\" \\ 🙂".into() },
            EventKind::StepDone { step: "shoe_covers".into() },
            EventKind::StepSkipped { step: "speed_test".into(), reason: "客户不在家".into() },
            EventKind::PartUsed { part: "ONT-1".into(), qty: 1, serial: Some("SN-9".into()) },
            EventKind::PartReturned { part: "CAT6".into(), qty: 3, serial: None },
            EventKind::Escalated { to: EscalationTarget::Vendor, reason: "光猫固件".into() },
            EventKind::FeeCollected { amount_fen: 12_800, receipt_no: "R-1".into() },
            EventKind::Completed { result: "ok".into() },
            EventKind::CouldNotComplete { reason: "no access".into() },
            EventKind::SignedOff(SignOff {
                result: "更换光猫".into(),
                signer: "张伟".into(),
                signature: Signature::from_points(320, 160, &[vec![(1.0, 2.0), (5.0, 9.0)]]),
                ratings: Ratings { speed: 5, attitude: 4, result: 3 },
                comment: String::new(),
                covers: vec![Coverage { device: phone, through_seq: 3 }],
                hash: "ab".repeat(32),
            }),
        ];
        let syncs = [
            SyncState::Pending,
            SyncState::Acked { received_at: t(500), rev: Some(42) },
            SyncState::Acked { received_at: t(-300), rev: None },
            SyncState::Rejected { code: RejectCode::ForeignJob, message: "job moved".into() },
        ];
        let events = kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let mut device_time = t(i as i64 * 7);
                match i {
                    5 => device_time += chrono::Duration::nanoseconds(1), // finer than a µs: text
                    6 => device_time += chrono::Duration::microseconds(417), // the server's µs
                    7 => device_time -= chrono::Duration::days(3),        // before the job was reported
                    _ => {}
                }
                LoggedEvent {
                    event: VisitEvent {
                        id: EventId(uuid(100 + i as u128)),
                        job_id: job.id,
                        device_id: if i % 4 == 3 { tablet } else { phone },
                        seq: i as u64 + 1,
                        device_time,
                        kind,
                    },
                    sync: syncs[i % syncs.len()].clone(),
                }
            })
            .collect();
        LocalJob { job, rev: 9, removed: true, events }
    }

    /// Formats 1 and 2 as written by this code, frozen as bytes: a serde or field change that
    /// would make an old phone's storage unreadable fails here (`UPDATE_GOLDEN=1` rewrites them).
    #[test]
    fn formats_1_and_2_as_written_are_still_read() {
        let job = every_kind();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let written = [
            ("stored_format_1.json", serde_json::to_string(&job).unwrap(), Format::Plain),
            ("stored_format_2.json", encode(&job).unwrap(), Format::Compact),
        ];
        for (name, text, format) in written {
            let path = dir.join(name);
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                std::fs::write(&path, format!("{text}\n")).unwrap();
            }
            let frozen = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let frozen = frozen.trim_end_matches('\n');
            assert_eq!(
                decode(frozen).unwrap(),
                (job.clone(), format),
                "{name} no longer reads as it was written"
            );
            assert_eq!(text, frozen, "{name}: the same job is no longer written the same");
        }
    }

    #[test]
    fn every_kind_and_state_round_trips_exactly() {
        let job = every_kind();
        let text = encode(&job).unwrap();
        let (back, format) = decode(&text).unwrap();
        assert_eq!(format, Format::Compact);
        assert_eq!(back, job);
        // The same value again is the same text: stable, so unchanged jobs are not rewritten.
        assert_eq!(encode(&back).unwrap(), text);
    }

    #[test]
    fn microsecond_offsets_read_back_exactly() {
        let base = Utc.timestamp_millis_opt(1_795_000_000_123).unwrap();
        let offsets =
            [0i64, 1, -1, 999, 1_001, 417_123, -417_123, 86_400_000_001, (1 << 52) - 1, -(1 << 52) + 1];
        for d in offsets {
            let t = base + chrono::Duration::microseconds(d);
            let stored = StoredTime::after(base, t);
            assert_eq!(stored, StoredTime::Micros(d));
            let text = serde_json::to_string(&stored).unwrap();
            let back: StoredTime = serde_json::from_str(&text).unwrap();
            assert_eq!(back.resolve(base).unwrap(), t, "{d} µs written as {text}");
        }
        // Whole milliseconds are integers; whole microseconds are numbers, never text.
        assert_eq!(serde_json::to_string(&StoredTime::Micros(5_000)).unwrap(), "5");
        assert_eq!(serde_json::to_string(&StoredTime::Micros(5_417)).unwrap(), "5.417");
        let ns = base + chrono::Duration::nanoseconds(1);
        assert_eq!(StoredTime::after(base, ns), StoredTime::Exact(ns));
    }

    #[test]
    fn a_push_acknowledged_together_is_written_once() {
        let mut job = every_kind();
        for (i, l) in job.events.iter_mut().enumerate() {
            l.sync = SyncState::Acked { received_at: t(900), rev: Some(100 + i as i64) };
        }
        let text = encode(&job).unwrap();
        let stored: StoredJob = serde_json::from_str(&text).unwrap();
        let shorthand = stored.e.iter().filter(|e| e.6 == StoredSync::Next).count();
        assert_eq!(shorthand, job.events.len() - 1, "all but the first: {text}");
        assert_eq!(decode(&text).unwrap().0, job);
        // A gap in the revs, or another receive time, is written out in full.
        job.events[3].sync = SyncState::Acked { received_at: t(900), rev: Some(500) };
        job.events[6].sync = SyncState::Acked { received_at: t(901), rev: Some(106) };
        assert_eq!(decode(&encode(&job).unwrap()).unwrap().0, job);
        // A shorthand with no acknowledged event before it cannot be read.
        let mut broken: StoredJob = serde_json::from_str(&text).unwrap();
        broken.e[0].6 = StoredSync::Next;
        assert_eq!(broken.into_local(), Err(DecodeError::NoPrevious(0)));
    }

    #[test]
    fn format_1_is_still_read() {
        let job = every_kind();
        let plain = serde_json::to_string(&job).unwrap();
        assert_eq!(decode(&plain).unwrap(), (job, Format::Plain));
    }

    #[test]
    fn format_2_is_under_half_of_format_1() {
        let mut job = every_kind();
        job.events
            .iter_mut()
            .for_each(|l| l.sync = SyncState::Acked { received_at: t(900), rev: Some(1234) });
        let (plain, compact) = (serde_json::to_string(&job).unwrap(), encode(&job).unwrap());
        assert!(compact.len() * 2 < plain.len(), "compact {} vs plain {}", compact.len(), plain.len());
    }

    #[test]
    fn short_ids_round_trip_and_refuse_other_text() {
        for n in [0u128, 1, u128::MAX, 0x0123_4567_89ab_cdef_0123_4567_89ab_cdef] {
            let id = ShortId(Uuid::from_u128(n));
            let text = id.encode();
            assert_eq!(text.len(), 22);
            assert_eq!(ShortId::decode(&text), Some(id));
        }
        let cases = [
            "",
            "AAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAA=",
            "AAAAAAAAAAAAAAAAAAAAAB",
            "AAAAAAAAAAAAAAAAAAAA+A",
        ];
        for bad in cases {
            assert_eq!(ShortId::decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn broken_values_are_errors_never_panics() {
        let job = every_kind();
        let text = encode(&job).unwrap();
        let wrong_device = text.replacen(",1,4,", ",9,4,", 1);
        assert!(wrong_device != text, "the test must edit a device index");
        assert!(matches!(decode(&wrong_device), Err(DecodeError::UnknownDevice { index: 9, .. })));
        let newer = text.replacen("{\"v\":2", "{\"v\":3", 1);
        assert_eq!(decode(&newer), Err(DecodeError::Version(3)));
        for cut in [1, text.len() / 3, text.len() / 2, text.len() - 1] {
            assert!(matches!(decode(&text[..cut]), Err(DecodeError::Json(_))), "cut at {cut}");
        }
        assert!(matches!(decode("{\"job\": 1}"), Err(DecodeError::Json(_))));
        assert!(matches!(decode("[1,2,3]"), Err(DecodeError::Json(_))));
    }
}
