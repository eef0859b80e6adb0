//! The phone's copy of one job ([`LocalJob`]): the desk's header and every event it knows, each
//! with its sync state; how acknowledgements, refusals, pulled events and another tab's copy
//! change it, and what a job taken away leaves.

use crate::event::VisitEvent;
use crate::ids::EventId;
use crate::job::Job;
use crate::logged::{LoggedEvent, SyncState};
use crate::status::{JobStatus, derive_status};
use crate::wire::{EventAck, EventRejection, EventWire, JobWire};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The phone's copy of one job: the header from the service desk and every event known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalJob {
    pub job: Job,
    /// The server's change number of the header held.
    pub rev: i64,
    /// Set when the service desk took the job away while events were still pending here.
    #[serde(default)]
    pub removed: bool,
    pub events: Vec<LoggedEvent>,
}

/// What to do with the local copy when the server says the job was taken away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnRemoved {
    /// Nothing unsynced or refused on it: forget it.
    Forget,
    /// Unsynced events (to be sent and answered) or refused ones (which the engineer must see,
    /// with the reason): keep it, marked removed.
    KeepMarked,
}

impl LocalJob {
    pub fn new(header: JobWire) -> Self {
        let rev = header.rev;
        LocalJob { job: header.into_job(), rev, removed: false, events: Vec::new() }
    }

    pub fn status(&self) -> JobStatus {
        derive_status(self.events.iter().map(|l| &l.event))
    }

    pub fn pending(&self) -> impl Iterator<Item = &VisitEvent> {
        self.events.iter().filter(|l| l.sync == SyncState::Pending).map(|l| &l.event)
    }

    pub fn rejected(&self) -> impl Iterator<Item = &LoggedEvent> {
        self.events.iter().filter(|l| matches!(l.sync, SyncState::Rejected { .. }))
    }

    /// Appends a newly recorded event to the outbox.
    pub fn record(&mut self, event: VisitEvent) {
        debug_assert_eq!(event.job_id, self.job.id);
        self.events.push(LoggedEvent { event, sync: SyncState::Pending });
    }

    /// Takes a newer header from the server; an older or equal one changes nothing.
    /// Returns whether anything changed.
    pub fn update_header(&mut self, header: JobWire) -> bool {
        if header.rev <= self.rev {
            return false;
        }
        self.rev = header.rev;
        self.removed = false;
        self.job = header.into_job();
        true
    }

    /// Marks acknowledged events. Returns how many changed.
    pub fn apply_acks(&mut self, acks: &[EventAck]) -> usize {
        let by_id: BTreeMap<EventId, &EventAck> = acks.iter().map(|a| (a.id, a)).collect();
        let mut changed = 0;
        for logged in &mut self.events {
            if let Some(ack) = by_id.get(&logged.event.id) {
                let acked = SyncState::Acked { received_at: ack.received_at, rev: Some(ack.rev) };
                if logged.sync != acked {
                    logged.sync = acked;
                    changed += 1;
                }
            }
        }
        changed
    }

    /// Marks refused events. Returns how many changed.
    pub fn apply_rejections(&mut self, rejections: &[EventRejection]) -> usize {
        let mut changed = 0;
        for logged in &mut self.events {
            if logged.sync != SyncState::Pending {
                continue;
            }
            if let Some(r) = rejections.iter().find(|r| r.id == logged.event.id) {
                logged.sync = SyncState::Rejected { code: r.code, message: r.message.clone() };
                changed += 1;
            }
        }
        changed
    }

    /// Adds events pulled from the server: new ones (from the engineer's other devices) are
    /// added as acknowledged; ones held here are marked acknowledged. Returns how many changed.
    pub fn merge_pulled(&mut self, pulled: &[EventWire]) -> usize {
        let mut changed = 0;
        for wire in pulled.iter().filter(|w| w.job_id == self.job.id) {
            let received_at = wire.received_at.unwrap_or(wire.device_time);
            let acked = SyncState::Acked { received_at, rev: wire.rev };
            match self.events.iter_mut().find(|l| l.event.id == wire.id) {
                Some(local) if local.sync == acked => {}
                Some(local) => {
                    local.sync = acked;
                    changed += 1;
                }
                None => {
                    self.events.push(LoggedEvent { event: wire.to_event(), sync: acked });
                    changed += 1;
                }
            }
        }
        changed
    }

    /// Takes in what another copy of this job holds (another tab's view, or storage when this
    /// copy may be ahead of it): every event either copy has, each at the furthest sync state
    /// either knows (acknowledged, then refused, then pending), and the newer header. Events
    /// are immutable facts with ids, so the union never loses one and never doubles one.
    /// Returns how many things changed in `self`.
    pub fn merge_replica(&mut self, other: &LocalJob) -> usize {
        fn rank(s: &SyncState) -> u8 {
            match s {
                SyncState::Pending => 0,
                SyncState::Rejected { .. } => 1,
                SyncState::Acked { .. } => 2,
            }
        }
        let mut changed = 0;
        if other.job.id != self.job.id {
            return 0;
        }
        if other.rev > self.rev {
            self.job = other.job.clone();
            self.rev = other.rev;
            self.removed = other.removed;
            changed += 1;
        } else if other.rev == self.rev && other.removed && !self.removed {
            self.removed = true;
            changed += 1;
        }
        for theirs in &other.events {
            match self.events.iter_mut().find(|l| l.event.id == theirs.event.id) {
                Some(mine) => {
                    if rank(&theirs.sync) > rank(&mine.sync) {
                        mine.sync = theirs.sync.clone();
                        changed += 1;
                    }
                }
                None => {
                    self.events.push(theirs.clone());
                    changed += 1;
                }
            }
        }
        changed
    }

    /// Whether this copy holds anything not safely on the server: events to send, or refused
    /// events the engineer must see. Such a copy is never let go of.
    pub fn holds_unsynced(&self) -> bool {
        self.pending().next().is_some() || self.rejected().next().is_some()
    }

    pub fn on_removed(&self) -> OnRemoved {
        if self.holds_unsynced() { OnRemoved::KeepMarked } else { OnRemoved::Forget }
    }
}
