//! Everything about one visit, in one value: the completion report the phone shows and prints,
//! and what the service desk's API returns. Computed, never stored: a function of the job, its
//! events and "now".

use crate::event::{EscalationTarget, EventKind, VisitEvent, canonical_order};
use crate::job::Job;
use crate::parts::{PartLine, job_parts};
use crate::signoff::{Ratings, Signature, Verification, find, requires_sign_off, verify};
use crate::sla::{self, Deadline, SlaState};
use crate::status::{JobStatus, derive_status};
use crate::steps::{Step, StepState, step_states};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StepLine {
    pub step: Step,
    pub state: StepState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlaLine {
    pub deadline: Deadline,
    pub state: SlaState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FeeLine {
    pub amount_fen: i64,
    pub receipt_no: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EscalationLine {
    pub to: EscalationTarget,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoteLine {
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SignOffLine {
    pub signer: String,
    pub ratings: Ratings,
    pub comment: String,
    pub signature: Signature,
    /// The signature as an SVG path, in the pad's coordinates (`signature.w` × `signature.h`).
    pub svg_path: String,
    pub hash: String,
    pub short_hash: String,
    pub at: DateTime<Utc>,
    pub verification: Verification,
}

/// What still stops the engineer finishing the job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "blocker", rename_all = "snake_case")]
pub enum Blocker {
    /// A required step is neither done nor skipped with a reason.
    Step { id: String },
    /// A renewal with no fee recorded.
    Fee,
}

/// One visit, all of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VisitReport {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "completed"))]
    pub status: JobStatus,
    pub steps: Vec<StepLine>,
    pub parts: Vec<PartLine>,
    pub sla: Vec<SlaLine>,
    pub fees: Vec<FeeLine>,
    pub escalations: Vec<EscalationLine>,
    pub notes: Vec<NoteLine>,
    /// The engineer's result (处理结果), from the sign-off or the completion.
    pub result: Option<String>,
    /// Why it could not be completed, when that is where it ended.
    pub not_completed: Option<String>,
    pub sign_off: Option<SignOffLine>,
    pub blockers: Vec<Blocker>,
}

/// What finishing a job depends on, gathered from its events: the steps settled (done, or
/// skipped with a reason: either settles a step for good) and whether a fee was collected.
/// It only grows as events arrive, so the server keeps it as they do ([`Progress::add`]) and
/// checks a finishing event without reading the job's history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub settled: std::collections::BTreeSet<String>,
    pub fee_collected: bool,
}

impl Progress {
    pub fn of<'a>(events: impl IntoIterator<Item = &'a VisitEvent>) -> Progress {
        let mut progress = Progress::default();
        for e in events {
            progress.add(&e.kind);
        }
        progress
    }

    /// Takes one more event into account.
    pub fn add(&mut self, kind: &EventKind) {
        self.settled.extend(crate::steps::settles(kind).into_iter().map(str::to_string));
        if matches!(kind, EventKind::FeeCollected { .. }) {
            self.fee_collected = true;
        }
    }

    /// What still stops finishing `job`: open required steps, and a renewal's missing fee.
    pub fn blockers(&self, job: &Job) -> Vec<Blocker> {
        let mut out: Vec<Blocker> = job
            .checklist()
            .iter()
            .filter(|s| s.required && !self.settled.contains(&s.id))
            .map(|s| Blocker::Step { id: s.id.clone() })
            .collect();
        if job.kind.collects_fee() && !self.fee_collected {
            out.push(Blocker::Fee);
        }
        out
    }
}

/// What still stops finishing: open required steps, and a renewal's missing fee.
pub fn finish_blockers(job: &Job, events: &[VisitEvent]) -> Vec<Blocker> {
    Progress::of(events).blockers(job)
}

pub fn report(job: &Job, events: &[VisitEvent], now: DateTime<Utc>) -> VisitReport {
    let ordered = canonical_order(events);
    let checklist = job.checklist();
    let steps = step_states(&checklist, events)
        .into_iter()
        .map(|(step, state)| StepLine { step: step.clone(), state })
        .collect();
    let sla = sla::deadlines(job)
        .into_iter()
        .map(|deadline| SlaLine { state: sla::state(&deadline, events, now), deadline })
        .collect();
    let mut fees = Vec::new();
    let mut escalations = Vec::new();
    let mut notes = Vec::new();
    let mut result = None;
    let mut not_completed = None;
    for e in &ordered {
        match &e.kind {
            EventKind::FeeCollected { amount_fen, receipt_no } => fees.push(FeeLine {
                amount_fen: *amount_fen,
                receipt_no: receipt_no.clone(),
                at: e.device_time,
            }),
            EventKind::Escalated { to, reason } => {
                escalations.push(EscalationLine { to: *to, reason: reason.clone(), at: e.device_time })
            }
            EventKind::NoteAdded { text } => notes.push(NoteLine { text: text.clone(), at: e.device_time }),
            EventKind::Completed { result: r } => result = Some(r.clone()),
            EventKind::SignedOff(s) => result = Some(s.result.clone()),
            EventKind::CouldNotComplete { reason } => not_completed = Some(reason.clone()),
            _ => {}
        }
    }
    let status = derive_status(events);
    let sign_off = find(events).and_then(|(id, s)| {
        let at = events.iter().find(|e| e.id == id)?.device_time;
        Some(SignOffLine {
            signer: s.signer.clone(),
            ratings: s.ratings,
            comment: s.comment.clone(),
            signature: s.signature.clone(),
            svg_path: s.signature.svg_path(),
            hash: s.hash.clone(),
            short_hash: s.short_hash().to_string(),
            at,
            verification: verify(job, events, s),
        })
    });
    let blockers = if status.is_closed() { Vec::new() } else { finish_blockers(job, events) };
    VisitReport {
        status,
        steps,
        parts: job_parts(events),
        sla,
        fees,
        escalations,
        notes,
        result,
        not_completed: if status == JobStatus::CouldNotComplete { not_completed } else { None },
        sign_off,
        blockers,
    }
}

/// Whether a job of this kind, with these events, can be finished now, and how.
pub fn can_finish(job: &Job, events: &[VisitEvent]) -> Result<bool, Vec<Blocker>> {
    let blockers = finish_blockers(job, events);
    if blockers.is_empty() { Ok(requires_sign_off(job.kind)) } else { Err(blockers) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::ev;
    use crate::job::JobKind;
    use crate::job::tests::sample;
    use crate::signoff::{seal, tests::draft};
    use chrono::TimeZone;

    fn settle_all(job: &Job, except: &[&str]) -> Vec<VisitEvent> {
        job.checklist()
            .iter()
            .filter(|s| !except.contains(&s.id.as_str()))
            .enumerate()
            .map(|(i, s)| {
                ev(100 + i as u128, 1, 10 + i as u64, 30, EventKind::StepDone { step: s.id.clone() })
            })
            .collect()
    }

    #[test]
    fn required_steps_and_a_renewal_fee_block_finishing() {
        let repair = sample(JobKind::Repair);
        let all = settle_all(&repair, &[]);
        assert_eq!(can_finish(&repair, &all), Ok(true));
        // line_labels is optional on a repair; shoe_covers is required.
        let optional_open = settle_all(&repair, &["line_labels"]);
        assert_eq!(can_finish(&repair, &optional_open), Ok(true));
        let required_open = settle_all(&repair, &["shoe_covers"]);
        assert_eq!(
            can_finish(&repair, &required_open),
            Err(vec![Blocker::Step { id: "shoe_covers".into() }])
        );
        let mut skipped = required_open.clone();
        skipped.push(ev(
            9,
            1,
            99,
            40,
            EventKind::StepSkipped { step: "shoe_covers".into(), reason: "用户说不用".into() },
        ));
        assert_eq!(can_finish(&repair, &skipped), Ok(true));

        let renewal = sample(JobKind::Renewal);
        let steps = settle_all(&renewal, &[]);
        assert_eq!(can_finish(&renewal, &steps), Err(vec![Blocker::Fee]));
        let mut paid = steps.clone();
        paid.push(ev(8, 1, 98, 40, EventKind::FeeCollected { amount_fen: 12_800, receipt_no: "R-1".into() }));
        assert_eq!(can_finish(&renewal, &paid), Ok(true));

        let inspection = sample(JobKind::Inspection);
        assert_eq!(
            can_finish(&inspection, &settle_all(&inspection, &[])),
            Ok(false),
            "finished without sign-off"
        );
    }

    #[test]
    fn report_gathers_the_visit() {
        let job = sample(JobKind::Repair);
        let mut events = vec![
            ev(1, 1, 1, 3, EventKind::CustomerContacted),
            ev(2, 1, 2, 40, EventKind::Arrived),
            ev(3, 1, 3, 41, EventKind::PartUsed { part: "ONT".into(), qty: 1, serial: Some("SN9".into()) }),
            ev(4, 1, 4, 42, EventKind::NoteAdded { text: "旧光猫损坏".into() }),
            ev(
                5,
                1,
                5,
                43,
                EventKind::Escalated { to: EscalationTarget::Senior, reason: "需要远程配置".into() },
            ),
        ];
        events.extend(settle_all(&job, &[]));
        let sealed = seal(&job, &events, draft());
        events.push(ev(6, 1, 200, 50, EventKind::SignedOff(sealed.clone())));
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let r = report(&job, &events, now);
        assert_eq!(r.status, JobStatus::Completed);
        assert!(r.steps.iter().all(|l| l.state.is_settled()));
        assert_eq!(r.parts.len(), 1);
        assert_eq!(r.notes.len(), 1);
        assert_eq!(r.escalations.len(), 1);
        assert_eq!(r.result.as_deref(), Some(sealed.result.as_str()));
        assert!(r.blockers.is_empty());
        let s = r.sign_off.expect("signed");
        assert_eq!(s.verification, Verification::Intact);
        assert_eq!(s.short_hash, sealed.hash[..8]);
        // Contact at 09:03 met the 09:10 deadline; arrival at 09:40 met the 10:00 one.
        assert!(r.sla.iter().all(|l| matches!(l.state, SlaState::Met { .. })), "{:?}", r.sla);
    }
}
