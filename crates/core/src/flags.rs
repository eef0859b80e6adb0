//! What the server flags to the service desk as events arrive.
//!
//! Events are facts recorded where the work happened, so none is refused for these: the
//! server applies the event and raises a [`FlagKind`] beside it. Three things are flagged:
//! - a part used that the van's count did not hold ([`stock_short`]);
//! - a job finished (signed off or completed) while something still blocked finishing
//!   ([`steps_unsettled`], from the job's [`Progress`]: cheap, checked as the event is applied);
//! - a sign-off whose hash does not match the record it claims to seal ([`sign_off_altered`]:
//!   it reads every event the sign-off covers, so the server checks it after the push commits,
//!   off the write path).

use crate::VisitEvent;
use crate::event::EventKind;
use crate::job::Job;
use crate::parts::{UseCheck, check_use};
use crate::report::{Blocker, Progress};
use crate::signoff::{SignOff, Verification, verify};
use crate::wire::FlagKind;
use std::collections::BTreeMap;

/// A flag to raise, before the server stamps it with the event and the time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raised {
    pub kind: FlagKind,
    /// A sentence for the service desk.
    pub detail: String,
}

/// Whether [`stock_short`] needs the van's count for this event (a part used).
pub fn needs_van(kind: &EventKind) -> bool {
    matches!(kind, EventKind::PartUsed { .. })
}

/// Whether this event finishes the job, so that [`steps_unsettled`] applies.
pub fn finishes(kind: &EventKind) -> bool {
    crate::status::completes(kind)
}

/// A part used beyond the van's count, given the count just before the event.
pub fn stock_short(van_before: &BTreeMap<String, i64>, kind: &EventKind) -> Option<Raised> {
    let EventKind::PartUsed { part, qty, .. } = kind else {
        return None;
    };
    match check_use(van_before, part, *qty) {
        UseCheck::Ok => None,
        UseCheck::Short { have, want } => Some(Raised {
            kind: FlagKind::StockShort,
            detail: format!("{part}: used {want}, the van held {have}"),
        }),
    }
}

/// A sign-off that does not verify against the job and the events held now (`events`, the
/// job's, including the sign-off itself).
pub fn sign_off_altered(job: &Job, events: &[VisitEvent], sign_off: &SignOff) -> Option<Raised> {
    let Verification::Altered { expected, found } = verify(job, events, sign_off) else {
        return None;
    };
    let short = |h: &str| h.get(..8).unwrap_or(h).to_string();
    Some(Raised {
        kind: FlagKind::SignOffAltered,
        detail: format!(
            "the sign-off's hash {} does not match the record it covers ({}): an event it covers \
             was changed or is missing",
            short(&expected),
            short(&found),
        ),
    })
}

/// A finishing event while something still blocked finishing, given the job's progress with
/// every event up to and including this one.
pub fn steps_unsettled(job: &Job, progress: &Progress, kind: &EventKind) -> Option<Raised> {
    if !finishes(kind) {
        return None;
    }
    let blockers = progress.blockers(job);
    if blockers.is_empty() {
        return None;
    }
    let steps: Vec<&str> = blockers
        .iter()
        .filter_map(|b| match b {
            Blocker::Step { id } => Some(id.as_str()),
            Blocker::Fee => None,
        })
        .collect();
    let mut what = Vec::new();
    if !steps.is_empty() {
        what.push(format!("required steps open: {}", steps.join(", ")));
    }
    if blockers.contains(&Blocker::Fee) {
        what.push("no fee recorded".to_string());
    }
    let verb = if matches!(kind, EventKind::SignedOff(_)) { "signed off" } else { "completed" };
    Some(Raised { kind: FlagKind::StepsUnsettled, detail: format!("{verb} with {}", what.join("; ")) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::ev;
    use crate::job::JobKind;
    use crate::job::tests::sample;
    use crate::signoff::{seal, tests::draft};

    #[test]
    fn a_part_used_beyond_the_count_is_short() {
        let van = BTreeMap::from([("ONT".to_string(), 1)]);
        let used = |qty| EventKind::PartUsed { part: "ONT".into(), qty, serial: None };
        assert_eq!(stock_short(&van, &used(1)), None);
        let short = stock_short(&van, &used(2)).expect("short");
        assert_eq!(short.kind, FlagKind::StockShort);
        assert_eq!(short.detail, "ONT: used 2, the van held 1");
        let returned = EventKind::PartReturned { part: "ONT".into(), qty: 9, serial: None };
        assert_eq!(stock_short(&van, &returned), None);
        assert!(needs_van(&used(1)) && !needs_van(&returned));
    }

    fn settled(job: &Job) -> Vec<VisitEvent> {
        job.checklist()
            .iter()
            .enumerate()
            .map(|(i, s)| ev(10 + i as u128, 1, 1 + i as u64, 20, EventKind::StepDone { step: s.id.clone() }))
            .collect()
    }

    /// Both checks of a finishing event, as the server makes them.
    fn on_finish(job: &Job, events: &[VisitEvent], kind: &EventKind) -> Vec<Raised> {
        let altered = match kind {
            EventKind::SignedOff(s) => sign_off_altered(job, events, s),
            _ => None,
        };
        altered.into_iter().chain(steps_unsettled(job, &Progress::of(events), kind)).collect()
    }

    #[test]
    fn a_sealed_sign_off_after_every_step_raises_nothing() {
        let job = sample(JobKind::Repair);
        let mut events = settled(&job);
        let sign_off = EventKind::SignedOff(seal(&job, &events, draft()));
        events.push(ev(99, 1, 99, 50, sign_off.clone()));
        assert_eq!(on_finish(&job, &events, &sign_off), vec![]);
        let note = EventKind::NoteAdded { text: "n".into() };
        assert_eq!(on_finish(&job, &[], &note), vec![], "not a finishing event");
    }

    #[test]
    fn progress_kept_event_by_event_is_progress_of_all() {
        let job = sample(JobKind::Renewal);
        let mut events = settled(&job);
        events.push(ev(98, 1, 98, 40, EventKind::FeeCollected { amount_fen: 100, receipt_no: "R1".into() }));
        events.push(ev(
            97,
            1,
            97,
            41,
            EventKind::StepSkipped { step: "not-a-step".into(), reason: "r".into() },
        ));
        let mut kept = Progress::default();
        for (i, e) in events.iter().enumerate() {
            kept.add(&e.kind);
            assert_eq!(kept, Progress::of(&events[..=i]), "after {i} events");
            assert_eq!(kept.blockers(&job), crate::report::finish_blockers(&job, &events[..=i]));
        }
        assert_eq!(kept.blockers(&job), vec![]);
    }

    #[test]
    fn a_wrong_hash_and_open_steps_are_flagged() {
        let job = sample(JobKind::Repair);
        let mut events = settled(&job);
        events
            .retain(|e| !matches!(&e.kind, EventKind::StepDone { step } if step == "knock" || step == "fix"));
        let mut sealed = seal(&job, &events, draft());
        sealed.hash = "0".repeat(64);
        let kind = EventKind::SignedOff(sealed);
        let raised = on_finish(&job, &events, &kind);
        assert_eq!(
            raised.iter().map(|r| r.kind).collect::<Vec<_>>(),
            vec![FlagKind::SignOffAltered, FlagKind::StepsUnsettled]
        );
        assert!(
            raised[0].detail.starts_with("the sign-off's hash 00000000 does not match"),
            "{}",
            raised[0].detail
        );
        assert_eq!(raised[1].detail, "signed off with required steps open: knock, fix");

        let renewal = sample(JobKind::Renewal);
        let done = EventKind::Completed { result: String::new() };
        let raised = on_finish(&renewal, &settled(&renewal), &done);
        assert_eq!(raised.len(), 1);
        assert_eq!(raised[0].detail, "completed with no fee recorded");
    }
}
