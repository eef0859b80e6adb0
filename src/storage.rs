//! The phone's storage: localStorage through gloo-storage, under versioned, namespaced keys.
//!
//! Why localStorage, and why many small keys: it is synchronous, so a write has landed when the
//! call returns, and an action can be stored *before* the UI shows it done. Every job is its own
//! key (`onsite.v1.job.<id>`, a [`LocalJob`] with its events and their sync states), so
//! recording an event rewrites one small value, atomically; there is no second key (an outbox
//! list) that could disagree with it: the outbox is the pending events of all jobs.
//!
//! Keys:
//! - `onsite.v1.device`: this device's id and its last used sequence number (writer slot 0; a
//!   second tab open at once writes as slot 1 under `onsite.v1.device.1`, and so on: see
//!   `crate::locks::writer_slot`);
//! - `onsite.v1.session`: the bearer token and the engineer (see ARCHITECTURE.md for why here);
//! - `onsite.v1.cursor`: the pull cursor, advanced only after the pulled changes are stored;
//! - `onsite.v1.sync`: the last successful sync and the last error, for the status bar;
//! - `onsite.v1.lang`: the chosen language;
//! - `onsite.v1.catalogue`: the parts catalogue; `onsite.v1.van`: the server's count of the van;
//! - `onsite.v1.job.<uuid>`: one job, in the compact form of `onsite_core::stored` (format 2;
//!   format 1, plain JSON, is still read and rewritten compactly at the next load);
//! - `onsite.v1.archive.<finish>.<uuid>`: one settled job ([`Archived`]): finished, every event
//!   acknowledged and its parts in the van's count, so nothing of it is needed to sync or count
//!   the van. Its value is as under `job.`; the key alone says when it finished, so the app
//!   starts, groups and lets old jobs leave without reading a single archived value. A job is
//!   archived by writing this key, then removing the `job.` one; any change to it writes the
//!   `job.` key again, and the live copy wins over an archived one of the same id (the next
//!   [`crate::state::Jobs::prune`] merges the two and removes the archived one);
//! - `onsite.v1.quarantine.<key>`: the raw text of an entry that could not be read, set aside.
//!
//! Failure rules: a full quota is [`StoreError::QuotaFull`] and the action is not recorded; an
//! entry that does not parse is moved to quarantine, reported, and never deleted.

use chrono::{DateTime, Utc};
use gloo_storage::{LocalStorage, Storage, errors::StorageError};
use onsite_core::event::{EventKind, VisitEvent};
use onsite_core::ids::{DeviceId, EventId, JobId};
use onsite_core::parts::{Part, VanStock};
use onsite_core::stored::{self, Format};
use onsite_core::sync::{LocalJob, SyncProblem, next_seq};
use onsite_core::wire::Session;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use wasm_bindgen::JsValue;

pub const PREFIX: &str = "onsite.v1.";
const JOB_PREFIX: &str = "onsite.v1.job.";
pub const ARCHIVE_PREFIX: &str = "onsite.v1.archive.";
const QUARANTINE_PREFIX: &str = "onsite.v1.quarantine.";
const DEVICE: &str = "onsite.v1.device";
const SESSION: &str = "onsite.v1.session";
const CURSOR: &str = "onsite.v1.cursor";
/// The full pulls asked for and answered ([`Refetch`]).
const REFETCH: &str = "onsite.v1.refetch";

/// Full pulls asked for, one per job entry set aside as unreadable, and the count a full pull
/// last answered: a round that starts with more asked than answered pulls from 0, however far
/// the cursor is (a round already running when the entry was set aside may move it on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refetch {
    pub asked: u32,
    pub answered: u32,
}
const SYNC: &str = "onsite.v1.sync";
const LANG: &str = "onsite.v1.lang";
const CATALOGUE: &str = "onsite.v1.catalogue";
const VAN: &str = "onsite.v1.van";
const HINT: &str = "onsite.v1.hint_dismissed";
const SETTINGS: &str = "onsite.v1.settings";

/// What the browser gives an origin, in bytes (UTF-16 code units × 2): Chromium 156 refused a
/// write past 5.2 million characters; this counts 5 million, to leave room for the rest.
pub const QUOTA_BYTES: usize = 10_000_000;

/// What can go wrong with storage.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The browser's storage quota is used up; nothing was written.
    #[error("storage is full")]
    QuotaFull,
    /// localStorage is missing or refused (private mode, disabled by policy).
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// A stored entry could not be read; it was set aside.
    #[error("a stored entry could not be read: {0}")]
    Corrupt(String),
    /// The action refers to a job this phone does not hold.
    #[error("no such job on this phone")]
    NoSuchJob,
    /// The event breaks a rule of its kind (worded in the engineer's language by the app:
    /// `i18n::not_saved`).
    #[error("{0}")]
    Rule(onsite_core::event::EventError),
    /// Refused by the app before storing, with the reason already worded for the engineer.
    #[error("{0}")]
    Invalid(String),
}

/// This installation's identity and its event counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: DeviceId,
    /// The last sequence number used.
    pub seq: u64,
}

/// What the status bar remembers across reloads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRecord {
    pub last_success: Option<DateTime<Utc>>,
    /// Why the last round stopped short (worded in the engineer's language when shown).
    #[serde(default)]
    pub last_problem: Option<SyncProblem>,
    /// How far the phone's clock is from the server's, in seconds, as last measured.
    #[serde(default)]
    pub clock_skew_secs: Option<i64>,
}

/// An entry that could not be read and was moved aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantined {
    pub key: String,
    /// Whether it could be moved; if not (storage full) it stays where it was, untouched.
    pub moved: bool,
}

/// A settled job on the shelf, known by its key alone: `onsite.v1.archive.<finish>.<id>`, the
/// finish (the server's receive time of the finishing event) as 13 digits of milliseconds since
/// 1970, so the keys sort by finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archived {
    pub id: JobId,
    pub finished_at: DateTime<Utc>,
    pub key: String,
}

impl Archived {
    pub fn new(id: JobId, finished_at: DateTime<Utc>) -> Self {
        let ms = finished_at.timestamp_millis().clamp(0, 9_999_999_999_999);
        Archived { id, finished_at, key: format!("{ARCHIVE_PREFIX}{ms:013}.{id}") }
    }

    /// Reads a key; `None` for anything not written by [`Archived::new`].
    pub fn parse(key: &str) -> Option<Self> {
        let (ms, id) = key.strip_prefix(ARCHIVE_PREFIX)?.split_once('.')?;
        if ms.len() != 13 || !ms.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let finished_at = DateTime::from_timestamp_millis(ms.parse().ok()?)?;
        let archived = Archived::new(id.parse().ok()?, finished_at);
        (archived.key == key).then_some(archived)
    }

    /// The archive keys among `keys`, the latest finish first.
    fn newest_first<'a>(keys: impl IntoIterator<Item = &'a String>) -> Vec<Archived> {
        let mut all: Vec<Archived> = keys.into_iter().filter_map(|k| Archived::parse(k)).collect();
        all.sort_by(|a, b| b.key.cmp(&a.key));
        all
    }
}

/// What Onsite's entries take in storage, read without copying a value into the app.
#[derive(Clone, Debug, Default)]
pub struct Footprint {
    /// Every entry's size in bytes (key and value, UTF-16 code units × 2, as browsers count).
    pub by_key: std::collections::HashMap<String, usize>,
    pub total: usize,
}

impl Footprint {
    pub fn of(&self, key: &str) -> usize {
        self.by_key.get(key).copied().unwrap_or(0)
    }
    pub fn of_job(&self, id: JobId) -> usize {
        self.of(&job_key(id))
    }
    /// The jobs stored under `job.` keys.
    pub fn live_jobs(&self) -> std::collections::HashSet<JobId> {
        self.by_key.keys().filter_map(|k| k.strip_prefix(JOB_PREFIX)?.parse().ok()).collect()
    }
    /// The settled jobs on the shelf, the latest finish first.
    pub fn archived(&self) -> Vec<Archived> {
        Archived::newest_first(self.by_key.keys())
    }
}

/// The storage API. Stateless: localStorage is the state, so two tabs see the same data.
#[derive(Clone, Copy, Debug, Default)]
pub struct Store;

fn map_js(err: JsValue) -> StoreError {
    let name = js_sys::Reflect::get(&err, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
        StoreError::QuotaFull
    } else {
        let message = js_sys::Reflect::get(&err, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or(name);
        StoreError::Unavailable(message)
    }
}

fn job_key(id: JobId) -> String {
    format!("{JOB_PREFIX}{id}")
}

impl Store {
    fn raw() -> Result<web_sys::Storage, StoreError> {
        // gloo's raw() panics when there is no window; check first.
        let window = web_sys::window().ok_or_else(|| StoreError::Unavailable("no window".into()))?;
        match window.local_storage() {
            Ok(Some(_)) => Ok(LocalStorage::raw()),
            Ok(None) => Err(StoreError::Unavailable("localStorage is disabled".into())),
            Err(e) => Err(map_js(e)),
        }
    }

    /// Writes a raw string; the only write path, so every write maps a full quota the same way.
    fn write_raw(key: &str, value: &str) -> Result<(), StoreError> {
        Self::raw()?.set_item(key, value).map_err(map_js)
    }

    fn write<T: Serialize>(key: &str, value: &T) -> Result<(), StoreError> {
        let json = serde_json::to_string(value).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Self::write_raw(key, &json)
    }

    fn read_raw(key: &str) -> Result<Option<String>, StoreError> {
        Self::raw()?.get_item(key).map_err(map_js)
    }

    /// Reads a typed entry. A missing entry is `None`; one that does not parse is quarantined
    /// and reported as [`StoreError::Corrupt`].
    fn read<T: DeserializeOwned>(key: &str) -> Result<Option<T>, StoreError> {
        Self::raw()?;
        match LocalStorage::get::<T>(key) {
            Ok(v) => Ok(Some(v)),
            Err(StorageError::KeyNotFound(_)) => Ok(None),
            Err(StorageError::SerdeError(_)) => {
                Self::quarantine(key);
                Err(StoreError::Corrupt(key.to_string()))
            }
            Err(StorageError::JsError(e)) => Err(StoreError::Unavailable(e.message)),
        }
    }

    /// Moves an unreadable entry aside: copied first, removed only once the copy is stored. A
    /// job's entry set aside also asks for a full pull ([`Refetch`]): the job comes back from
    /// the server with every event the server holds; the raw text stays aside.
    fn quarantine(key: &str) -> Quarantined {
        let moved = match Self::read_raw(key) {
            Ok(Some(raw)) => {
                let aside = format!("{QUARANTINE_PREFIX}{}", key.trim_start_matches(PREFIX));
                if Self::write_raw(&aside, &raw).is_ok() {
                    LocalStorage::delete(key);
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        if moved && (key.starts_with(JOB_PREFIX) || key.starts_with(ARCHIVE_PREFIX)) {
            // Best effort: should this fail too, the job comes back with its next change.
            let mut refetch = Self::refetch();
            refetch.asked += 1;
            let _ = Self::write(REFETCH, &refetch);
        }
        Quarantined { key: key.to_string(), moved }
    }

    /// Every key in storage that starts with `prefix`.
    fn keys_with(prefix: &str) -> Result<Vec<String>, StoreError> {
        let raw = Self::raw()?;
        let len = raw.length().map_err(map_js)?;
        Ok((0..len).filter_map(|i| raw.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect())
    }

    /// The entries set aside so far, so the app can keep reporting them.
    pub fn quarantined() -> Result<Vec<String>, StoreError> {
        Self::keys_with(QUARANTINE_PREFIX)
    }

    // -- jobs ----------------------------------------------------------------------------------

    /// Every job held, and the entries that could not be read (now quarantined). A job still
    /// in format 1 is rewritten in format 2 (when that fails, say on a full quota, it stays as
    /// it was: both read the same).
    pub fn load_jobs() -> Result<(Vec<LocalJob>, Vec<Quarantined>), StoreError> {
        let mut jobs = Vec::new();
        let mut bad = Vec::new();
        for key in Self::keys_with(JOB_PREFIX)? {
            let Some(text) = Self::read_raw(&key)? else { continue };
            match stored::decode(&text) {
                Ok((job, format)) => {
                    if format == Format::Plain {
                        // Best effort: the format 1 value stays readable if this fails.
                        let _ = Self::save_job(&job);
                    }
                    jobs.push(job);
                }
                Err(_) => bad.push(Self::quarantine(&key)),
            }
        }
        Ok((jobs, bad))
    }

    /// One job: the live copy, else the archived one; an unreadable value is quarantined and
    /// reported as [`StoreError::Corrupt`].
    pub fn load_job(id: JobId) -> Result<Option<LocalJob>, StoreError> {
        match Self::load_at(&job_key(id))? {
            Some(job) => Ok(Some(job)),
            None => match Self::archived_of(id)?.first() {
                Some(a) => Self::load_archived(a),
                None => Ok(None),
            },
        }
    }

    /// The live copy of a job only (`job.<id>`), not an archived one.
    pub fn load_live(id: JobId) -> Result<Option<LocalJob>, StoreError> {
        Self::load_at(&job_key(id))
    }

    /// An archived job, read only now (a card of the done list in view, a job opened).
    pub fn load_archived(archived: &Archived) -> Result<Option<LocalJob>, StoreError> {
        Self::load_at(&archived.key)
    }

    fn load_at(key: &str) -> Result<Option<LocalJob>, StoreError> {
        let Some(text) = Self::read_raw(key)? else { return Ok(None) };
        match stored::decode(&text) {
            Ok((job, _)) => Ok(Some(job)),
            Err(_) => {
                Self::quarantine(key);
                Err(StoreError::Corrupt(key.to_string()))
            }
        }
    }

    /// The archived copies of one job (normally none or one), the latest first: a scan of the
    /// keys, no value read.
    fn archived_of(id: JobId) -> Result<Vec<Archived>, StoreError> {
        let suffix = format!(".{id}");
        Ok(Archived::newest_first(Self::keys_with(ARCHIVE_PREFIX)?.iter().filter(|k| k.ends_with(&suffix))))
    }

    /// The settled jobs on the shelf, the latest finish first, from the keys alone.
    pub fn archived() -> Result<Vec<Archived>, StoreError> {
        Ok(Archived::newest_first(&Self::keys_with(ARCHIVE_PREFIX)?))
    }

    /// The one way a job is written (live). An archived copy of it stays until the next
    /// prune merges it in: the live copy is read first.
    pub fn save_job(job: &LocalJob) -> Result<(), StoreError> {
        let text = stored::encode(job).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Self::write_raw(&job_key(job.job.id), &text)
    }

    /// Moves a settled job to the shelf: the archived copy is written first, then the live one
    /// removed, so a failure between leaves two equal copies, never none.
    pub fn archive(job: &LocalJob, finished_at: DateTime<Utc>) -> Result<Archived, StoreError> {
        let archived = Archived::new(job.job.id, finished_at);
        let text = stored::encode(job).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Self::write_raw(&archived.key, &text)?;
        Self::raw()?.remove_item(&job_key(job.job.id)).map_err(map_js)?;
        Ok(archived)
    }

    /// Removes one entry by key (an archived copy the live one supersedes).
    pub fn remove_key(key: &str) -> Result<(), StoreError> {
        Self::raw()?.remove_item(key).map_err(map_js)
    }

    /// Forgets a job, live and archived. Only for jobs with nothing unsynced (see
    /// `LocalJob::on_removed`).
    pub fn forget_job(id: JobId) -> Result<(), StoreError> {
        let raw = Self::raw()?;
        raw.remove_item(&job_key(id)).map_err(map_js)?;
        for archived in Self::archived_of(id)? {
            raw.remove_item(&archived.key).map_err(map_js)?;
        }
        Ok(())
    }

    // -- the device and recording ----------------------------------------------------------------

    /// This device (writer slot 0), created on first use.
    pub fn device() -> Result<Device, StoreError> {
        Self::device_in(0)
    }

    fn device_key(slot: u32) -> String {
        if slot == 0 { DEVICE.to_string() } else { format!("{DEVICE}.{slot}") }
    }

    /// The device id and counter of writer slot `slot`, created on first use.
    pub fn device_in(slot: u32) -> Result<Device, StoreError> {
        let key = Self::device_key(slot);
        match Self::read::<Device>(&key) {
            Ok(Some(d)) => Ok(d),
            Ok(None) | Err(StoreError::Corrupt(_)) => {
                let device = Device { id: DeviceId(uuid::Uuid::new_v4()), seq: 0 };
                Self::write(&key, &device)?;
                Ok(device)
            }
            Err(e) => Err(e),
        }
    }

    /// Raises slot `slot`'s stored counter to at least the highest sequence number in the log
    /// (after a lost counter write, or a counter entry that had to be quarantined).
    pub fn repair_counter(jobs: &[LocalJob], slot: u32) -> Result<(), StoreError> {
        let key = Self::device_key(slot);
        let mut device = Self::device_in(slot)?;
        let highest = jobs
            .iter()
            .flat_map(|j| j.events.iter())
            .filter(|l| l.event.device_id == device.id)
            .map(|l| l.event.seq)
            .max()
            .unwrap_or(0);
        if highest > device.seq {
            device.seq = highest;
            Self::write(&key, &device)?;
        }
        Ok(())
    }

    /// Records an event on a job, durably, and returns the job as stored.
    ///
    /// The job is read fresh from storage (another tab may have written it). The counter is
    /// written first: if the job write then fails, a sequence number is skipped, which is
    /// harmless, and the event is not recorded, which the caller reports.
    pub fn record(
        job_id: JobId,
        kind: EventKind,
        now: DateTime<Utc>,
    ) -> Result<(LocalJob, VisitEvent), StoreError> {
        Self::record_with(job_id, now, |_| Ok(kind))
    }

    /// Records an event made from the job as stored now: for a sign-off, whose hash must cover
    /// exactly the events held at the moment of signing.
    pub fn record_with(
        job_id: JobId,
        now: DateTime<Utc>,
        make: impl FnOnce(&LocalJob) -> Result<EventKind, StoreError>,
    ) -> Result<(LocalJob, VisitEvent), StoreError> {
        Self::record_as(0, None, job_id, now, make)
    }

    /// Records an event as writer slot `slot`. `known` is this tab's copy of the job: what it
    /// holds that storage does not (another tab wrote over it from an older copy) is merged
    /// back in first (`LocalJob::merge_replica`), so a write never drops an event.
    pub fn record_as(
        slot: u32,
        known: Option<&LocalJob>,
        job_id: JobId,
        now: DateTime<Utc>,
        make: impl FnOnce(&LocalJob) -> Result<EventKind, StoreError>,
    ) -> Result<(LocalJob, VisitEvent), StoreError> {
        let mut job = Self::load_job(job_id)?.ok_or(StoreError::NoSuchJob)?;
        if let Some(known) = known {
            job.merge_replica(known);
        }
        let kind = make(&job)?;
        kind.validate().map_err(StoreError::Rule)?;
        let key = Self::device_key(slot);
        let mut device = Self::device_in(slot)?;
        let highest = job
            .events
            .iter()
            .filter(|l| l.event.device_id == device.id)
            .map(|l| l.event.seq)
            .max()
            .unwrap_or(0);
        device.seq = next_seq(device.seq, highest);
        Self::write(&key, &device)?;
        let event = VisitEvent {
            id: EventId(uuid::Uuid::new_v4()),
            job_id,
            device_id: device.id,
            seq: device.seq,
            device_time: now,
            kind,
        };
        job.record(event.clone());
        Self::save_job(&job)?;
        Ok((job, event))
    }

    // -- session, cursor, status, language -----------------------------------------------------

    pub fn session() -> Result<Option<Session>, StoreError> {
        Self::read(SESSION)
    }

    pub fn save_session(session: &Session) -> Result<(), StoreError> {
        Self::write(SESSION, session)
    }

    /// Logs out on this phone. Removes only the token: jobs and unsynced events stay.
    /// Hands a session to the desk console (its own key, `onsite.desk.session`): a desk account
    /// that logged in here is opened there, logged in.
    pub fn hand_to_desk(session: &Session) -> Result<(), StoreError> {
        Self::write("onsite.desk.session", session)
    }

    pub fn clear_session() -> Result<(), StoreError> {
        Self::raw()?.remove_item(SESSION).map_err(map_js)
    }

    pub fn cursor() -> Result<i64, StoreError> {
        match Self::read::<i64>(CURSOR) {
            Ok(c) => Ok(c.unwrap_or(0)),
            // A cursor that cannot be read starts a full pull: pulls are idempotent.
            Err(StoreError::Corrupt(_)) => Ok(0),
            Err(e) => Err(e),
        }
    }

    pub fn save_cursor(cursor: i64) -> Result<(), StoreError> {
        Self::write(CURSOR, &cursor)
    }

    /// The full pulls asked for (a job's entry set aside) and answered.
    pub fn refetch() -> Refetch {
        Self::read(REFETCH).ok().flatten().unwrap_or_default()
    }

    /// A full pull that began at the `asked`-th request has stored its first page: the entries
    /// set aside until then are answered (not any set aside since).
    pub fn refetch_answered(asked: u32) -> Result<(), StoreError> {
        let mut refetch = Self::refetch();
        refetch.answered = refetch.answered.max(asked);
        Self::write(REFETCH, &refetch)
    }

    pub fn sync_record() -> SyncRecord {
        Self::read(SYNC).ok().flatten().unwrap_or_default()
    }

    pub fn save_sync_record(record: &SyncRecord) -> Result<(), StoreError> {
        Self::write(SYNC, record)
    }

    pub fn catalogue() -> Result<Vec<Part>, StoreError> {
        Ok(Self::read(CATALOGUE)?.unwrap_or_default())
    }

    pub fn save_catalogue(parts: &[Part]) -> Result<(), StoreError> {
        Self::write(CATALOGUE, &parts)
    }

    pub fn van() -> Result<VanStock, StoreError> {
        Ok(Self::read(VAN)?.unwrap_or_default())
    }

    pub fn save_van(van: &VanStock) -> Result<(), StoreError> {
        Self::write(VAN, van)
    }

    pub fn hint_dismissed() -> bool {
        Self::read_raw(HINT).ok().flatten().is_some()
    }

    pub fn dismiss_hint() -> Result<(), StoreError> {
        Self::write_raw(HINT, "1")
    }

    /// The deployment's settings as last pulled (`None` before the first pull).
    pub fn settings() -> Option<onsite_core::wire::Settings> {
        Self::read(SETTINGS).ok().flatten()
    }

    pub fn save_settings(settings: &onsite_core::wire::Settings) -> Result<(), StoreError> {
        Self::write(SETTINGS, settings)
    }

    pub fn lang() -> Option<String> {
        Self::read_raw(LANG).ok().flatten()
    }

    pub fn save_lang(lang: &str) -> Result<(), StoreError> {
        Self::write_raw(LANG, lang)
    }

    /// What every Onsite entry takes, read as the browser holds it: a value's length is asked
    /// of the JavaScript string, never copied into the app (a year of history is 10 MB).
    pub fn footprint() -> Result<Footprint, StoreError> {
        use wasm_bindgen::JsCast;
        let raw = Self::raw()?;
        let mut foot = Footprint::default();
        for key in Self::keys_with(PREFIX)? {
            let value = js_sys::Reflect::get(&raw, &JsValue::from_str(&key)).map_err(map_js)?;
            let len = value.dyn_ref::<js_sys::JsString>().map_or(0, |v| v.length() as usize);
            let size = (key.encode_utf16().count() + len) * 2;
            foot.total += size;
            foot.by_key.insert(key, size);
        }
        Ok(foot)
    }
}
