//! How long a finished job stays on the phone, and what leaves first when storage runs short.
//!
//! The phone keeps every job it is given; without a rule, a year of work fills localStorage
//! (~4.9 KB a finished job against ~5 M characters an origin) and the app can record nothing
//! more. The server keeps everything, so a finished job whose every event the server holds can
//! leave the phone:
//! - after [`Policy::keep_for`] (30 days by default) from its finish;
//! - sooner, oldest finish first, when storage runs short ([`pressure`]), until enough is free.
//!
//! Never a job with anything unsynced or refused, never one whose parts the van's count from the
//! server does not include yet (the phone needs those events to count the van), never one not finished, never one whose finish
//! the server has not acknowledged. Time is the **server's**, never the phone's alone: a job's
//! finish is the server's receive time of its finishing event, and "now" is the latest receive
//! time the phone has seen ([`server_time_seen`]). A phone whose clock is set a year ahead drops
//! nothing early; a phone that never synced drops nothing by age.

use crate::event::EventKind;
use crate::ids::JobId;
use crate::sync::{LocalJob, SyncState};
use chrono::{DateTime, Duration, Utc};

/// How long a finished job stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub keep_for: Duration,
}

impl Policy {
    /// The default period, in days.
    pub const DEFAULT_DAYS: u32 = 30;
    pub const DEFAULT: Policy = Policy { keep_for: Duration::days(Self::DEFAULT_DAYS as i64) };

    /// The period the deployment set (`Settings::retention_days`), at least one day.
    pub fn days(days: u32) -> Policy {
        Policy { keep_for: Duration::days(i64::from(days.max(1))) }
    }
}

/// What the retention rule needs of one job held on the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    pub id: JobId,
    /// The server's receive time of the job's last finishing event (completed, signed off,
    /// could not complete); `None` if not finished, or its finish not acknowledged yet.
    pub finished_at: Option<DateTime<Utc>>,
    /// Every event acknowledged (nothing pending, nothing refused), and every part taken or
    /// returned counted in the van's snapshot from the server (`parts::van_counted`).
    pub all_acked: bool,
    /// What it takes in storage, in UTF-16 code units (key and value), as localStorage counts.
    pub size: usize,
}

impl Held {
    /// Reads a job's retention facts; `size` is its stored size, `van_rev` the revision of the
    /// van's count last pulled.
    pub fn of(job: &LocalJob, size: usize, van_rev: i64) -> Held {
        let finished_at = job
            .events
            .iter()
            .filter(|l| {
                matches!(
                    l.event.kind,
                    EventKind::Completed { .. }
                        | EventKind::SignedOff(_)
                        | EventKind::CouldNotComplete { .. }
                )
            })
            .map(|l| match l.sync {
                SyncState::Acked { received_at, .. } => Some(received_at),
                _ => None,
            })
            .max();
        let all_acked = job.events.iter().all(|l| matches!(l.sync, SyncState::Acked { .. }))
            && crate::parts::van_counted(&job.events, van_rev);
        let finished = job.status().is_closed();
        Held {
            id: job.job.id,
            // The latest finishing event decides; if it is not acknowledged, neither is the finish.
            finished_at: if finished { finished_at.flatten() } else { None },
            all_acked: all_acked && !job.removed,
            size,
        }
    }

    /// Whether it may leave at all (finished, its finish and every event acknowledged): such a
    /// job is settled, and the phone keeps it on the shelf, read only when looked at.
    pub fn may_leave(&self) -> bool {
        self.all_acked && self.finished_at.is_some()
    }
}

/// The server's time as last seen on this phone: the latest receive time of any acknowledged
/// event it holds.
pub fn server_time_seen<'a>(jobs: impl IntoIterator<Item = &'a LocalJob>) -> Option<DateTime<Utc>> {
    jobs.into_iter()
        .flat_map(|j| j.events.iter())
        .filter_map(|l| match l.sync {
            SyncState::Acked { received_at, .. } => Some(received_at),
            _ => None,
        })
        .max()
}

/// How full storage is, against what the browser allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pressure {
    /// Room to spare.
    Fine,
    /// Over [`WARN_AT`] of the quota: tell the engineer, before it matters.
    Warn,
    /// Over [`SHORT_AT`]: free at least `free` units now, down to [`FREE_TO`].
    Short { free: usize },
}

/// Share of the quota past which the engineer is told.
pub const WARN_AT: f64 = 0.7;
/// Share of the quota past which old jobs leave at once.
pub const SHORT_AT: f64 = 0.85;
/// What freeing aims for, as a share of the quota.
pub const FREE_TO: f64 = 0.6;

/// How full `used` is of `quota` (both in UTF-16 code units).
pub fn pressure(used: usize, quota: usize) -> Pressure {
    let share = |s: f64| (quota as f64 * s) as usize;
    if used > share(SHORT_AT) {
        Pressure::Short { free: used - share(FREE_TO) }
    } else if used > share(WARN_AT) {
        Pressure::Warn
    } else {
        Pressure::Fine
    }
}

/// The jobs to drop now: every one past its period by the server's time seen, then, while
/// `free` units are still to be freed, others that may leave, oldest finish first. In the order
/// to drop them.
pub fn to_drop(held: &[Held], server_now: Option<DateTime<Utc>>, policy: Policy, free: usize) -> Vec<JobId> {
    let mut leaving: Vec<&Held> = held.iter().filter(|h| h.may_leave()).collect();
    leaving.sort_by_key(|h| (h.finished_at, h.id));
    let expired = |h: &Held| match (h.finished_at, server_now) {
        (Some(at), Some(now)) => now - at >= policy.keep_for,
        _ => false,
    };
    let mut out = Vec::new();
    let mut freed = 0usize;
    for h in leaving {
        if expired(h) || freed < free {
            freed += h.size;
            out.push(h.id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::ev;
    use crate::job::JobKind;
    use crate::job::tests::sample;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn day(d: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap() + Duration::days(d)
    }

    fn held(n: u128, finished: Option<i64>, all_acked: bool, size: usize) -> Held {
        Held { id: JobId(Uuid::from_u128(n)), finished_at: finished.map(day), all_acked, size }
    }

    #[test]
    fn what_leaves_and_what_stays() {
        let p = Policy::DEFAULT;
        let jobs = [
            held(1, Some(0), true, 100),   // finished 100 days before "now"
            held(2, Some(60), true, 100),  // 40 days ago
            held(3, Some(80), true, 100),  // 20 days ago: in its period
            held(4, Some(10), false, 100), // old, but something unsynced or refused
            held(5, None, true, 100),      // not finished
            held(6, Some(70), true, 100),  // exactly 30 days ago
        ];
        let ids = |v: Vec<JobId>| v.into_iter().map(|id| id.0.as_u128()).collect::<Vec<_>>();
        let table: Vec<(&str, Option<DateTime<Utc>>, usize, Vec<u128>)> = vec![
            ("past the period, oldest first", Some(day(100)), 0, vec![1, 2, 6]),
            ("never synced: nothing by age", None, 0, vec![]),
            ("early in the year: nothing yet", Some(day(20)), 0, vec![]),
            (
                "storage short: in-period ones too, oldest first, until enough",
                Some(day(100)),
                350,
                vec![1, 2, 6, 3],
            ),
            ("storage short by a little: the expired free it", Some(day(100)), 150, vec![1, 2, 6]),
            ("storage short, never synced: the oldest finished that may leave", None, 150, vec![1, 2]),
            (
                "storage short beyond what may leave: all that may, no more",
                Some(day(100)),
                10_000,
                vec![1, 2, 6, 3],
            ),
        ];
        for (name, now, free, want) in table {
            assert_eq!(ids(to_drop(&jobs, now, p, free)), want, "{name}");
        }
    }

    #[test]
    fn a_job_is_read_by_the_servers_receive_times() {
        let job = sample(JobKind::Inspection);
        let mut local = LocalJob { job: job.clone(), rev: 1, removed: false, events: Vec::new() };
        let done = ev(1, 1, 1, 30, EventKind::Completed { result: "ok".into() });
        local.record(ev(2, 1, 2, 10, EventKind::Arrived));
        local.record(done.clone());
        // Finished on the phone but not acknowledged: it may not leave.
        let h = Held::of(&local, 500, 10);
        assert_eq!((h.finished_at, h.all_acked), (None, false));
        // Acknowledged at the server's times (the phone's clock a year ahead changes nothing).
        for (i, l) in local.events.iter_mut().enumerate() {
            l.sync = SyncState::Acked { received_at: day(i as i64), rev: Some(i as i64) };
        }
        let h = Held::of(&local, 500, 10);
        assert_eq!((h.finished_at, h.all_acked, h.size), (Some(day(1)), true, 500));
        assert_eq!(server_time_seen([&local]), Some(day(1)));
        local.removed = true;
        assert!(
            !Held::of(&local, 500, 10).all_acked,
            "a job taken away with its record is the desk's to settle"
        );
    }

    #[test]
    fn a_job_stays_until_the_vans_count_includes_its_parts() {
        let job = sample(JobKind::Repair);
        let mut local = LocalJob { job, rev: 1, removed: false, events: Vec::new() };
        local.record(ev(1, 1, 1, 10, EventKind::Arrived));
        local.record(ev(2, 1, 2, 20, EventKind::PartUsed { part: "ONU".into(), qty: 1, serial: None }));
        local.record(ev(3, 1, 3, 30, EventKind::Completed { result: "ok".into() }));
        for (i, l) in local.events.iter_mut().enumerate() {
            l.sync = SyncState::Acked { received_at: day(i as i64), rev: Some(10 + i as i64) };
        }
        // The part was acknowledged at rev 11; the steps after it are no part of the van.
        let table = [(0, false), (10, false), (11, true), (12, true)];
        for (van_rev, settled) in table {
            let h = Held::of(&local, 1, van_rev);
            assert_eq!(h.all_acked, settled, "van at rev {van_rev}");
            assert_eq!(h.may_leave(), settled, "van at rev {van_rev}");
        }
    }

    #[test]
    fn pressure_by_share_of_the_quota() {
        let table = [
            (0, Pressure::Fine),
            (700, Pressure::Fine),
            (701, Pressure::Warn),
            (850, Pressure::Warn),
            (851, Pressure::Short { free: 251 }),
            (1_000, Pressure::Short { free: 400 }),
            (1_200, Pressure::Short { free: 600 }),
        ];
        for (used, want) in table {
            assert_eq!(pressure(used, 1_000), want, "{used}");
        }
    }
}
