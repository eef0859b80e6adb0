//! A job's status, derived from its events.
//!
//! The status is never stored: it is a fold over the job's events in canonical order, so the
//! phone, the server and the dispatcher always agree on it given the same events.

use crate::event::{EventKind, VisitEvent, canonical_order};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Dispatched, nothing recorded yet.
    Assigned,
    /// The customer has been contacted.
    Contacted,
    /// On the way.
    EnRoute,
    /// At the customer's premises.
    OnSite,
    /// Done. Final: later events (notes, a stray "arrived" from another device) do not reopen it.
    Completed,
    /// The engineer could not complete it; the service desk decides what next. A new departure
    /// or contact (a revisit) moves the job on again.
    CouldNotComplete,
}

impl JobStatus {
    pub const ALL: [JobStatus; 6] = [
        JobStatus::Assigned,
        JobStatus::Contacted,
        JobStatus::EnRoute,
        JobStatus::OnSite,
        JobStatus::Completed,
        JobStatus::CouldNotComplete,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            JobStatus::Assigned => "assigned",
            JobStatus::Contacted => "contacted",
            JobStatus::EnRoute => "en_route",
            JobStatus::OnSite => "on_site",
            JobStatus::Completed => "completed",
            JobStatus::CouldNotComplete => "could_not_complete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether the job is finished with, one way or the other.
    pub const fn is_closed(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::CouldNotComplete)
    }

    /// The status after one more event.
    pub fn after(self, kind: &EventKind) -> JobStatus {
        if self == JobStatus::Completed {
            return self;
        }
        match kind {
            EventKind::CustomerContacted => match self {
                // Contacting the customer again while on the way or on site changes nothing.
                JobStatus::EnRoute | JobStatus::OnSite => self,
                _ => JobStatus::Contacted,
            },
            EventKind::Departed => match self {
                JobStatus::OnSite => self,
                _ => JobStatus::EnRoute,
            },
            EventKind::Arrived => JobStatus::OnSite,
            EventKind::NoteAdded { .. } => self,
            EventKind::Completed { .. } | EventKind::SignedOff(_) => JobStatus::Completed,
            EventKind::CouldNotComplete { .. } => JobStatus::CouldNotComplete,
            // The work on site: recorded while on site, and a fact whenever it comes in; it
            // does not move the visit on by itself.
            EventKind::StepDone { .. }
            | EventKind::StepSkipped { .. }
            | EventKind::PartUsed { .. }
            | EventKind::PartReturned { .. }
            | EventKind::Escalated { .. }
            | EventKind::FeeCollected { .. } => self,
        }
    }
}

/// Whether an event completes the visit for good (completed, or signed off by the customer):
/// whatever comes after, the job stays completed.
pub fn completes(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Completed { .. } | EventKind::SignedOff(_))
}

/// The status a job's events add up to.
pub fn derive_status<'a>(events: impl IntoIterator<Item = &'a VisitEvent>) -> JobStatus {
    canonical_order(events).into_iter().fold(JobStatus::Assigned, |status, e| status.after(&e.kind))
}

/// The actions the engineer is offered in a given status, in the order the buttons show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Contact,
    Depart,
    Arrive,
    /// Finish without a customer (inspections).
    Complete,
    /// Finish with the customer's signature and ratings.
    SignOff,
    Escalate,
    CouldNotComplete,
    AddNote,
}

impl Action {
    /// Whether the action moves the visit on (contact, set off, arrive, finish): these are the
    /// next steps, shown first and in full; the others (a note, escalating, giving up) are
    /// asides, kept one tap away so the visit's next step has the room.
    pub const fn moves_visit_on(self) -> bool {
        matches!(self, Action::Contact | Action::Depart | Action::Arrive | Action::Complete | Action::SignOff)
    }
}

/// The actions offered for a job of `kind` in `status`, in the order the buttons show: the ones
/// that move the visit on first, the next of them first of all.
pub fn available_actions(kind: crate::job::JobKind, status: JobStatus) -> &'static [Action] {
    use Action::*;
    let signs = crate::signoff::requires_sign_off(kind);
    match status {
        JobStatus::Assigned => &[Contact, Depart, Escalate, CouldNotComplete, AddNote],
        JobStatus::Contacted => &[Depart, Arrive, Escalate, CouldNotComplete, AddNote],
        JobStatus::EnRoute => &[Arrive, Escalate, CouldNotComplete, AddNote],
        JobStatus::OnSite if signs => &[SignOff, Escalate, CouldNotComplete, AddNote],
        JobStatus::OnSite => &[Complete, Escalate, CouldNotComplete, AddNote],
        JobStatus::Completed => &[AddNote],
        JobStatus::CouldNotComplete => &[Contact, Depart, Escalate, AddNote],
    }
}

/// Whether the work on site (steps, parts, fees) can be recorded: once there, until finished.
pub fn work_open(status: JobStatus) -> bool {
    status == JobStatus::OnSite
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::ev;
    use EventKind as K;

    #[test]
    fn the_next_step_comes_first_and_asides_last_in_every_status() {
        use crate::job::JobKind;
        for kind in JobKind::ALL {
            for status in JobStatus::ALL {
                let actions = available_actions(kind, status);
                let first_aside = actions.iter().position(|a| !a.moves_visit_on()).unwrap_or(actions.len());
                assert!(
                    actions[first_aside..].iter().all(|a| !a.moves_visit_on()),
                    "{kind:?} {status:?}: {actions:?}"
                );
                assert!(actions.contains(&Action::AddNote), "a note is always possible");
            }
        }
        let table = [
            (Action::Contact, true),
            (Action::Depart, true),
            (Action::Arrive, true),
            (Action::Complete, true),
            (Action::SignOff, true),
            (Action::Escalate, false),
            (Action::CouldNotComplete, false),
            (Action::AddNote, false),
        ];
        for (action, on) in table {
            assert_eq!(action.moves_visit_on(), on, "{action:?}");
        }
    }

    fn note() -> EventKind {
        K::NoteAdded { text: "n".into() }
    }

    #[test]
    fn status_table() {
        let cases: Vec<(&str, Vec<EventKind>, JobStatus)> = vec![
            ("nothing yet", vec![], JobStatus::Assigned),
            ("contacted", vec![K::CustomerContacted], JobStatus::Contacted),
            ("a note changes nothing", vec![note()], JobStatus::Assigned),
            ("on the way", vec![K::CustomerContacted, K::Departed], JobStatus::EnRoute),
            ("arrived without departing", vec![K::CustomerContacted, K::Arrived], JobStatus::OnSite),
            ("on site, calls again", vec![K::Arrived, K::CustomerContacted], JobStatus::OnSite),
            (
                "full visit",
                vec![K::CustomerContacted, K::Departed, K::Arrived, K::Completed { result: "ok".into() }],
                JobStatus::Completed,
            ),
            (
                "completed is final",
                vec![K::Arrived, K::Completed { result: "".into() }, K::Arrived, note()],
                JobStatus::Completed,
            ),
            (
                "could not complete",
                vec![K::Arrived, K::CouldNotComplete { reason: "no access".into() }],
                JobStatus::CouldNotComplete,
            ),
            (
                "signed off completes",
                vec![
                    K::Arrived,
                    K::StepDone { step: "fix".into() },
                    K::SignedOff(crate::signoff::tests::draft()),
                ],
                JobStatus::Completed,
            ),
            (
                "on-site work keeps the job on site",
                vec![
                    K::Arrived,
                    K::PartUsed { part: "ONT".into(), qty: 1, serial: None },
                    K::Escalated { to: crate::event::EscalationTarget::Vendor, reason: "r".into() },
                ],
                JobStatus::OnSite,
            ),
            (
                "revisit after could not complete",
                vec![K::CouldNotComplete { reason: "r".into() }, K::Departed],
                JobStatus::EnRoute,
            ),
        ];
        for (name, kinds, want) in cases {
            let events: Vec<VisitEvent> = kinds
                .into_iter()
                .enumerate()
                .map(|(i, k)| ev(i as u128, 1, i as u64 + 1, i as u32, k))
                .collect();
            assert_eq!(derive_status(&events), want, "{name}");
        }
    }

    #[test]
    fn status_follows_sequence_when_clock_is_wrong() {
        // Completed was recorded last (seq 3) but the clock says it came first.
        let events = [
            ev(1, 1, 3, 0, K::Completed { result: "ok".into() }),
            ev(2, 1, 1, 50, K::CustomerContacted),
            ev(3, 1, 2, 55, K::Arrived),
        ];
        assert_eq!(derive_status(&events), JobStatus::Completed);
    }

    #[test]
    fn every_status_offers_a_note_and_closed_jobs_offer_no_completion() {
        use crate::job::JobKind;
        for kind in JobKind::ALL {
            for st in JobStatus::ALL {
                let actions = available_actions(kind, st);
                assert!(actions.contains(&Action::AddNote), "{st:?}");
                let finishes = actions.contains(&Action::Complete) || actions.contains(&Action::SignOff);
                assert_eq!(finishes, st == JobStatus::OnSite, "{kind:?} {st:?}");
            }
        }
        for st in JobStatus::ALL {
            assert_eq!(JobStatus::parse(st.as_str()), Some(st));
        }
        assert!(available_actions(JobKind::Repair, JobStatus::OnSite).contains(&Action::SignOff));
        assert!(available_actions(JobKind::Inspection, JobStatus::OnSite).contains(&Action::Complete));
        assert!(!available_actions(JobKind::Repair, JobStatus::Completed).contains(&Action::Escalate));
        assert!(work_open(JobStatus::OnSite) && !work_open(JobStatus::Completed));
    }
}
