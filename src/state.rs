//! The typed contexts every page reads, provided once by the app root.
//!
//! - [`Jobs`]: the jobs held on this phone, mirrored from storage. [`Jobs::record`] is the one
//!   way to record an event: it writes to storage first (under the tabs' write lock) and
//!   updates the view only on success.
//! - [`Auth`]: the session (token and engineer) and whether it must be renewed.
//! - [`I18n`]: the language.
//! - [`Notice`]: the one message banner (errors and confirmations).
//! - [`Clock`]: "now", ticking, and the phone's UTC offset, for SLA timers and times.

use crate::debounce::Debounce;
use crate::i18n::{Lang, Msg};
use crate::locks;
use crate::storage::{Archived, Store, StoreError};
use chrono::{DateTime, FixedOffset, Utc};
use leptos::prelude::*;
use onsite_core::event::EventKind;
use onsite_core::ids::JobId;
use onsite_core::parts::{Part, VanStock, van_count};
use onsite_core::sync::LocalJob;
use onsite_core::wire::Session;
use std::collections::BTreeMap;

/// The jobs on this phone.
///
/// Two kinds are held (see `storage`): the live ones, read at start, and the settled ones on the
/// shelf, known at start by their keys alone and read only when shown or opened. `all` holds the
/// live ones and the archived ones read so far; the shelf's index is [`Jobs::archive`]. The start
/// and the job list so cost what is in view, not the year of history behind it.
#[derive(Clone, Copy)]
pub struct Jobs {
    pub all: RwSignal<Vec<LocalJob>>,
    /// The shelf: settled jobs by key, the latest finish first.
    archive: RwSignal<Vec<Archived>>,
    /// Keys of stored entries that could not be read and were set aside.
    pub quarantined: RwSignal<Vec<String>>,
    /// The events being stored right now ([`Jobs::record`]): a double tap records once.
    recording: StoredValue<Vec<(JobId, EventKind)>>,
    /// Bytes of storage in use, as last measured ([`Jobs::prune`]).
    used: RwSignal<usize>,
}

impl Jobs {
    /// Loads everything from storage, quarantining what cannot be read.
    pub fn load() -> (Self, Option<StoreError>) {
        let jobs = Jobs {
            all: RwSignal::new(Vec::new()),
            archive: RwSignal::new(Vec::new()),
            quarantined: RwSignal::new(Vec::new()),
            recording: StoredValue::new(Vec::new()),
            used: RwSignal::new(0),
        };
        let err = jobs.reload().err();
        (jobs, err)
    }

    /// Re-reads the live jobs and the shelf's keys from storage (at start, and when another tab
    /// cleared storage).
    pub fn reload(&self) -> Result<(), StoreError> {
        let (list, _bad) = Store::load_jobs()?;
        self.all.set(list);
        self.archive.set(Store::archived()?);
        self.quarantined.set(Store::quarantined()?);
        Ok(())
    }

    /// Re-reads the shelf's keys (another tab archived or dropped a job).
    pub fn reload_archive(&self) -> Result<(), StoreError> {
        let archive = Store::archived()?;
        self.archive.set(archive);
        Ok(())
    }

    /// Reads the shelf's index (tracked).
    pub fn with_archive<R>(&self, read: impl FnOnce(&[Archived]) -> R) -> R {
        self.archive.with(|a| read(a))
    }

    /// How many jobs the phone holds, live and archived (tracked).
    pub fn held(&self) -> usize {
        self.all.with(|all| {
            let shown: std::collections::HashSet<JobId> = all.iter().map(|j| j.job.id).collect();
            all.len() + self.archive.with(|a| a.iter().filter(|a| !shown.contains(&a.id)).count())
        })
    }

    /// A job as held, without putting it in view: this tab's copy, else the archived one read
    /// now (a card of the done list).
    pub fn peek(&self, id: JobId) -> Result<Option<LocalJob>, StoreError> {
        if let Some(job) = self.job_untracked(id) {
            return Ok(Some(job));
        }
        match self.archive.with_untracked(|a| a.iter().find(|a| a.id == id).cloned()) {
            Some(archived) => Store::load_archived(&archived),
            None => Ok(None),
        }
    }

    /// Puts a job in view if it is not (an archived job opened, or one another tab stored).
    pub fn open(&self, id: JobId) -> Result<(), StoreError> {
        if self.all.with_untracked(|all| all.iter().any(|j| j.job.id == id)) {
            return Ok(());
        }
        let found = match self.peek(id)? {
            Some(job) => Some(job),
            None => Store::load_job(id)?,
        };
        if let Some(job) = found {
            self.put(job);
        }
        Ok(())
    }

    /// Takes this tab's writer slot (`locks::writer_slot`) and makes sure its counter is past
    /// every sequence number of its device in the log. Call once at start.
    pub async fn claim_writer(&self) -> Result<u32, StoreError> {
        let slot = locks::writer_slot().await;
        let jobs = *self;
        locks::exclusive(locks::WRITE, move || {
            jobs.all.with_untracked(|all| Store::repair_counter(all, slot))
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))??;
        Ok(slot)
    }

    /// Shows a job as read from storage, merged with this tab's copy (`merge_replica`): what
    /// this tab holds and the stored copy lacks stays in view. Returns whether the stored
    /// copy lacked anything, i.e. should be written again.
    pub fn put(&self, job: LocalJob) -> bool {
        let mut behind = false;
        self.all.update(|all| behind = Self::merge_into(all, job));
        behind
    }

    /// Shows several jobs as read from storage, in one change of the view (each merged as in
    /// [`Jobs::put`]).
    pub fn put_all(&self, stored: impl IntoIterator<Item = LocalJob>) {
        // `try_update`: the sync driver shows what it holds when it ends, also at teardown.
        self.all.try_update(|all| {
            for job in stored {
                Self::merge_into(all, job);
            }
        });
    }

    /// Puts a stored job in the list, merged with the copy there; whether that copy held
    /// something storage lacked.
    fn merge_into(all: &mut Vec<LocalJob>, mut job: LocalJob) -> bool {
        match all.iter_mut().find(|j| j.job.id == job.job.id) {
            Some(slot) => {
                let behind = job.merge_replica(slot) > 0;
                *slot = job;
                behind
            }
            None => {
                all.push(job);
                false
            }
        }
    }

    /// Keeps the shelf (`storage` has the layout): merges into a live job any archived copy of
    /// it, lets settled jobs leave the phone (`onsite_core::retention`: those past the
    /// deployment's period by the server's time last seen, and, when storage is short, others
    /// oldest first until enough is free), then archives the live jobs now settled. `van_rev` is
    /// the revision of the van's count last pulled. Call under the write lock. Nothing
    /// unsynced, refused, unfinished or not yet in the van's count ever leaves or is archived.
    ///
    /// Reads no archived value (their finish is in their keys) but those to merge.
    pub fn prune(&self, policy: onsite_core::retention::Policy, van_rev: i64) -> Result<Pruned, StoreError> {
        use onsite_core::retention::{Held, Pressure, pressure, server_time_seen, to_drop};
        let foot = Store::footprint()?;
        let live = foot.live_jobs();
        let mut archive = foot.archived();
        // An archived copy of a live job: another change made it live again (or archiving
        // stopped half-way). The live copy gets whatever the archived one has, then it goes.
        let (stale, kept): (Vec<Archived>, Vec<Archived>) =
            archive.into_iter().partition(|a| live.contains(&a.id));
        archive = kept;
        for old in &stale {
            if let (Some(mut job), Some(copy)) = (Store::load_job(old.id)?, Store::load_archived(old)?) {
                if job.merge_replica(&copy) > 0 {
                    Store::save_job(&job)?;
                    self.put(job);
                }
            }
            Store::remove_key(&old.key)?;
        }

        let free = match pressure(foot.total, crate::storage::QUOTA_BYTES) {
            Pressure::Short { free } => free,
            Pressure::Fine | Pressure::Warn => 0,
        };
        let (mut held, seen): (Vec<Held>, _) = self.all.with_untracked(|all| {
            let on_phone = all.iter().filter(|j| live.contains(&j.job.id));
            let held = on_phone.map(|j| Held::of(j, foot.of_job(j.job.id), van_rev)).collect();
            (held, server_time_seen(all))
        });
        held.extend(archive.iter().map(|a| Held {
            id: a.id,
            finished_at: Some(a.finished_at),
            all_acked: true,
            size: foot.of(&a.key),
        }));
        // The server's time: its latest receive time held, live or (by the keys) archived.
        let server_now = seen.max(archive.first().map(|a| a.finished_at));
        let leaving = to_drop(&held, server_now, policy, free);
        let mut pruned = Pruned { short: free > 0, ..Pruned::default() };
        let mut gone = std::collections::HashSet::new();
        // A failed removal stops here, but the view still drops what storage no longer holds.
        // A live job is judged again as storage holds it (this tab's copy may be behind another
        // tab's write): it leaves, or goes to the shelf, only if that copy is settled too.
        let settled_in_storage =
            |id: JobId| -> Result<Option<(LocalJob, chrono::DateTime<Utc>)>, StoreError> {
                let Some(stored) = Store::load_live(id)? else { return Ok(None) };
                let h = Held::of(&stored, 0, van_rev);
                Ok(match (h.may_leave(), h.finished_at) {
                    (true, Some(at)) => Some((stored, at)),
                    _ => None,
                })
            };
        let mut result = leaving.iter().try_for_each(|id| {
            match archive.iter().find(|a| a.id == *id) {
                Some(a) => Store::remove_key(&a.key)?,
                None if settled_in_storage(*id)?.is_some() => Store::forget_job(*id)?,
                None => return Ok(()),
            }
            gone.insert(*id);
            pruned.jobs += 1;
            pruned.bytes += held.iter().find(|h| h.id == *id).map_or(0, |h| h.size);
            Ok(())
        });
        archive.retain(|a| !gone.contains(&a.id));

        // What is settled now goes to the shelf (it stays in view: a page may show it).
        if result.is_ok() {
            let candidates: Vec<JobId> = self.all.with_untracked(|all| {
                all.iter()
                    .filter(|j| live.contains(&j.job.id) && !gone.contains(&j.job.id))
                    .filter(|j| Held::of(j, 0, van_rev).may_leave())
                    .map(|j| j.job.id)
                    .collect()
            });
            result = candidates.into_iter().try_for_each(|id| {
                if let Some((job, finished_at)) = settled_in_storage(id)? {
                    archive.push(Store::archive(&job, finished_at)?);
                }
                Ok(())
            });
            archive.sort_by(|a, b| b.key.cmp(&a.key));
        }

        if !gone.is_empty() {
            self.all.try_update(|all| all.retain(|j| !gone.contains(&j.job.id)));
        }
        self.archive.try_set(archive);
        self.used.try_set(foot.total.saturating_sub(pruned.bytes));
        result.map(|()| pruned)
    }

    /// Bytes of storage in use, as last measured (tracked).
    pub fn bytes_used(&self) -> usize {
        self.used.get()
    }

    /// This tab's copy of a job, without tracking.
    pub fn job_untracked(&self, id: JobId) -> Option<LocalJob> {
        self.all.with_untracked(|all| all.iter().find(|j| j.job.id == id).cloned())
    }

    /// Takes a job out of view and off the shelf's index (it is gone from storage).
    pub fn drop_job(&self, id: JobId) {
        self.all.update(|all| all.retain(|j| j.job.id != id));
        if self.archive.with_untracked(|a| a.iter().any(|a| a.id == id)) {
            self.archive.update(|a| a.retain(|a| a.id != id));
        }
    }

    /// Re-reads one job from storage into the view. Returns the merged copy when storage
    /// lacked something this tab holds (another tab wrote over it from an older copy, or set
    /// its entry aside as unreadable while this tab holds unsynced events of it): the caller
    /// writes it back. A job gone from storage with nothing unsynced here leaves the view.
    pub fn refresh(&self, id: JobId) -> Result<Option<LocalJob>, StoreError> {
        match Store::load_job(id)? {
            Some(job) => {
                if self.put(job) {
                    return Ok(self.job_untracked(id));
                }
            }
            None => match self.job_untracked(id) {
                Some(mine) if mine.holds_unsynced() => return Ok(Some(mine)),
                _ => self.drop_job(id),
            },
        }
        Ok(None)
    }

    /// Records an event: stored first, shown only once stored. Tabs take turns
    /// ([`locks::WRITE`]): the job and the sequence counter are read and written under the lock.
    ///
    /// Returns whether this call stored it: the same event on the same job asked for again
    /// while the first is still being stored (a double tap: the button is there until the first
    /// is shown) records nothing and returns `Ok(false)`; the first call reports the outcome.
    pub async fn record(&self, id: JobId, kind: EventKind, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let key = (id, kind.clone());
        if self.recording.with_value(|r| r.contains(&key)) {
            return Ok(false);
        }
        self.recording.update_value(|r| r.push(key.clone()));
        let result = self.record_with(id, now, move |_| Ok(kind)).await;
        self.recording.try_update_value(|r| r.retain(|k| *k != key));
        result.map(|()| true)
    }

    /// Records an event made from the job as stored (a sign-off seals what is held).
    pub async fn record_with(
        &self,
        id: JobId,
        now: DateTime<Utc>,
        make: impl FnOnce(&LocalJob) -> Result<EventKind, StoreError> + 'static,
    ) -> Result<(), StoreError> {
        let jobs = *self;
        let slot = locks::writer_slot().await;
        locks::exclusive(locks::WRITE, move || {
            mark("onsite:record:locked");
            let known = jobs.job_untracked(id);
            let (job, _event) = Store::record_as(slot, known.as_ref(), id, now, make)?;
            mark("onsite:record:stored");
            jobs.put(job);
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?
    }

    pub fn job(&self, id: JobId) -> Option<LocalJob> {
        self.all.with(|all| all.iter().find(|j| j.job.id == id).cloned())
    }

    /// The outbox size: events recorded here and not yet acknowledged.
    pub fn pending(&self) -> usize {
        self.all.with(|all| all.iter().map(|j| j.pending().count()).sum())
    }

    pub fn rejected(&self) -> usize {
        self.all.with(|all| all.iter().map(|j| j.rejected().count()).sum())
    }
}

/// A User Timing mark (seen in the browser's performance tools, and read by the action-latency
/// benchmark to tell waiting for the lock from storing from showing).
fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        // A mark is a measurement aid; failing to set one changes nothing.
        let _ = p.mark(name);
    }
}

/// What a pruning of old jobs did ([`Jobs::prune`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub jobs: usize,
    pub bytes: usize,
    /// Storage was short: jobs still in their period left too.
    pub short: bool,
}

/// The deployment's settings (company, retention), as last pulled.
#[derive(Clone, Copy)]
pub struct Deployment {
    settings: RwSignal<Option<onsite_core::wire::Settings>>,
}

impl Deployment {
    pub fn load() -> Self {
        Deployment { settings: RwSignal::new(Store::settings()) }
    }
    /// Stores new settings, then shows them.
    pub fn set(&self, settings: onsite_core::wire::Settings) -> Result<(), StoreError> {
        if self.settings.with_untracked(|s| s.as_ref() == Some(&settings)) {
            return Ok(());
        }
        Store::save_settings(&settings)?;
        self.settings.try_set(Some(settings));
        Ok(())
    }
    /// The company on the reports (tracked); `None` before the first pull.
    pub fn company(&self) -> Option<String> {
        self.settings.with(|s| s.as_ref().map(|s| s.company.clone()))
    }
    /// How long finished jobs stay (untracked).
    pub fn policy(&self) -> onsite_core::retention::Policy {
        self.settings.with_untracked(|s| {
            s.as_ref().map_or(onsite_core::retention::Policy::DEFAULT, |s| {
                onsite_core::retention::Policy::days(s.retention_days)
            })
        })
    }
    /// The retention period in days (tracked).
    pub fn retention_days(&self) -> u32 {
        self.settings
            .with(|s| s.as_ref().map_or(onsite_core::retention::Policy::DEFAULT_DAYS, |s| s.retention_days))
    }
}

/// The parts catalogue and the van's count.
#[derive(Clone, Copy)]
pub struct Stock {
    pub catalogue: RwSignal<Vec<Part>>,
    /// The server's count, as of its `rev`.
    pub van: RwSignal<VanStock>,
}

impl Stock {
    pub fn load() -> (Self, Option<StoreError>) {
        let catalogue = Store::catalogue();
        let van = Store::van();
        let err = catalogue.as_ref().err().or(van.as_ref().err()).cloned();
        (
            Stock {
                catalogue: RwSignal::new(catalogue.unwrap_or_default()),
                van: RwSignal::new(van.unwrap_or_default()),
            },
            err,
        )
    }

    /// The revision of the van's count last pulled (untracked).
    pub fn van_rev(&self) -> i64 {
        self.van.with_untracked(|v| v.rev)
    }

    /// The van as it stands on this phone: the server's count adjusted by this phone's part
    /// events it does not include yet (`onsite_core::parts::van_count`).
    pub fn counts(&self, jobs: Jobs) -> BTreeMap<String, i64> {
        let van = self.van.get();
        jobs.all.with(|all| van_count(&van, all.iter().flat_map(|j| j.events.iter())))
    }
}

/// The session and whether it must be renewed.
#[derive(Clone, Copy)]
pub struct Auth {
    pub session: RwSignal<Option<Session>>,
    /// The server said the token is no longer good: the engineer must log in again. Nothing is
    /// deleted meanwhile; recording works as before.
    pub expired: RwSignal<bool>,
}

impl Auth {
    pub fn load() -> (Self, Option<StoreError>) {
        let (session, err) = match Store::session() {
            Ok(s) => (s, None),
            Err(e) => (None, Some(e)),
        };
        (Auth { session: RwSignal::new(session), expired: RwSignal::new(false) }, err)
    }

    pub fn token(&self) -> Option<String> {
        self.session.with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    }
}

/// The language.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// The stored choice, else the browser's language.
    pub fn load() -> Self {
        let lang = Store::lang().map(|l| Lang::from_tag(&l)).unwrap_or_else(|| {
            let tag = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
            Lang::from_tag(&tag)
        });
        I18n { lang: RwSignal::new(lang) }
    }

    /// A message in the current language (reactive).
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }

    /// Switches language and keeps the choice.
    pub fn switch(&self) -> Result<(), StoreError> {
        let next = self.lang.get_untracked().other();
        Store::save_lang(next.code())?;
        self.lang.set(next);
        set_document_lang(next);
        Ok(())
    }
}

pub fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        // Failing to set the attribute only affects screen readers' voice; nothing to report.
        let _ = root.set_attribute("lang", lang.code());
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

pub use onsite_core::words::Words;

/// The messages. An error stays until closed; a confirmation goes by itself after
/// [`Notice::INFO_FOR`]. Errors show at the top; confirmations in the sync bar, where they
/// cover nothing (see [`Notice::confirmation`]).
#[derive(Clone, Copy)]
pub struct Notice {
    current: RwSignal<Option<(Tone, Words)>>,
    /// A confirmation's timer: clears only its own message (a later message cancels it).
    clear_info: Debounce,
}

impl Notice {
    pub const INFO_FOR: std::time::Duration = std::time::Duration::from_secs(4);

    pub fn new() -> Self {
        Notice { current: RwSignal::new(None), clear_info: Debounce::new() }
    }
    pub fn error(&self, words: impl Into<Words>) {
        self.clear_info.cancel();
        self.current.set(Some((Tone::Error, words.into())));
    }
    pub fn info(&self, words: impl Into<Words>) {
        self.current.set(Some((Tone::Info, words.into())));
        let current = self.current;
        self.clear_info.after(Notice::INFO_FOR, move || {
            current.try_set(None);
        });
    }
    pub fn clear(&self) {
        self.current.set(None);
    }
    /// The error shown now, in `lang` (tracked).
    pub fn error_text(&self, lang: Lang) -> Option<String> {
        self.current.with(|c| c.as_ref().filter(|(t, _)| *t == Tone::Error).map(|(_, w)| w.text(lang)))
    }
    /// The confirmation shown now, in `lang` (tracked).
    pub fn confirmation(&self, lang: Lang) -> Option<String> {
        self.current.with(|c| c.as_ref().filter(|(t, _)| *t == Tone::Info).map(|(_, w)| w.text(lang)))
    }
}

impl Default for Notice {
    fn default() -> Self {
        Self::new()
    }
}

/// Describes a storage failure to the engineer.
pub fn store_error_text(lang: Lang, err: &StoreError) -> String {
    match err {
        StoreError::QuotaFull => Msg::StorageFull.text(lang).to_string(),
        StoreError::Invalid(e) => Msg::NotSavedInvalid.text(lang).replace("{e}", e),
        StoreError::Corrupt(_) => Msg::StorageCorrupt.text(lang).replace("{n}", "1"),
        StoreError::Unavailable(e) => crate::i18n::with_detail(lang, Msg::StorageUnavailable.text(lang), e),
        StoreError::Rule(e) => crate::i18n::not_saved(lang, e),
        StoreError::NoSuchJob => Msg::JobNotFound.text(lang).to_string(),
    }
}

/// A storage failure, worded when shown.
pub fn store_error(err: &StoreError) -> Words {
    let err = err.clone();
    Words::new(move |lang| store_error_text(lang, &err))
}

/// A record refused by a rule, worded when shown.
pub fn not_saved(err: &onsite_core::event::EventError) -> Words {
    let err = err.clone();
    Words::new(move |lang| crate::i18n::not_saved(lang, &err))
}

/// "Now", and the phone's offset from UTC.
#[derive(Clone, Copy)]
pub struct Clock {
    pub now: RwSignal<DateTime<Utc>>,
    pub offset: RwSignal<FixedOffset>,
}

impl Clock {
    pub fn new() -> Self {
        Clock { now: RwSignal::new(Utc::now()), offset: RwSignal::new(local_offset()) }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

pub fn local_offset() -> FixedOffset {
    *chrono::Local::now().offset()
}
