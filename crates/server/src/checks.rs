//! The checks made after a push commits, off the write path: a sign-off's hash against the
//! events it covers.
//!
//! Verifying a sign-off reads and hashes every event it covers, so its cost grows with the
//! job's history, not with the push. A push only queues the check (`sign_off_checks`, in its
//! own transaction) and answers; [`drain`] then, one batch at a time, reads each job's events
//! once on a reader (never waiting for, nor holding, the write lock), verifies every queued
//! sign-off of that job, and records any `sign_off_altered` flag and the check's end in one short
//! write. One drain runs at a time, so however many sign-offs arrive, the checks use at most one
//! core. The desk sees the verdict at once all the same: a job's report re-verifies its sign-off
//! on every read.

use crate::AppState;
use crate::error::Result;
use crate::store;
use onsite_core::event::EventKind;
use onsite_core::flags::{self, Raised};
use onsite_core::{EventId, JobId, VisitEvent};
use std::collections::BTreeMap;

/// Sign-offs checked per batch: one read, one write.
const BATCH: usize = 100;

/// One drain at a time, and a wake-up for the worker.
#[derive(Default)]
pub struct Checks {
    gate: tokio::sync::Mutex<()>,
    wake: tokio::sync::Notify,
}

impl Checks {
    /// Asks the worker to drain the queue (see [`worker`]); returns at once.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Checks every queued sign-off, then returns how many were checked. Waits for a drain already
/// running, so when it returns, everything queued before the call has been checked.
pub async fn drain(state: &AppState) -> Result<usize> {
    let _gate = state.checks.gate.lock().await;
    let mut checked = 0;
    loop {
        let verdicts = state
            .db
            .read(|conn| {
                let queued = store::queued_sign_off_checks(conn, BATCH)?;
                let mut by_job: BTreeMap<JobId, Vec<EventId>> = BTreeMap::new();
                for (event, job) in queued {
                    by_job.entry(job).or_default().push(event);
                }
                let mut verdicts: Vec<(EventId, Option<(VisitEvent, Raised)>)> = Vec::new();
                for (job_id, signed) in by_job {
                    // One read transaction per job: its header and events agree.
                    let tx = conn.transaction()?;
                    let job = store::load_job(&tx, job_id)?;
                    let events: Vec<VisitEvent> =
                        store::job_events(&tx, job_id)?.into_iter().map(|s| s.event).collect();
                    tx.commit()?;
                    for id in signed {
                        let raised = job.as_ref().and_then(|job| {
                            let event = events.iter().find(|e| e.id == id)?;
                            let EventKind::SignedOff(sign_off) = &event.kind else { return None };
                            let job = job.clone().into_job();
                            flags::sign_off_altered(&job, &events, sign_off).map(|r| (event.clone(), r))
                        });
                        verdicts.push((id, raised));
                    }
                }
                Ok(verdicts)
            })
            .await?;
        if verdicts.is_empty() {
            return Ok(checked);
        }
        checked += verdicts.len();
        state
            .db
            .run(move |conn| {
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let at = crate::db::now();
                for (id, raised) in &verdicts {
                    if let Some((event, raised)) = raised {
                        store::insert_flag(&tx, event, raised, at)?;
                        tracing::info!(event = %event.id, job = %event.job_id, kind = raised.kind.as_str(), "flag raised");
                    }
                    store::sign_off_checked(&tx, *id)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
    }
}

/// Drains the queue at start (checks a crash cut short) and whenever woken, until the process
/// ends. A failed drain is logged; what it left queued is checked at the next wake.
pub async fn worker(state: AppState) {
    loop {
        match drain(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(checked = n, "sign-offs checked"),
            Err(e) => tracing::error!(error = %e, "checking sign-offs failed; they stay queued"),
        }
        state.checks.wake.notified().await;
    }
}
