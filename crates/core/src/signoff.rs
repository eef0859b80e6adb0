//! Customer sign-off (用户签字确认与评价): the signature, the ratings, and the hash that seals
//! the record the customer signed.
//!
//! The signature is kept as vector strokes, not a bitmap: each stroke is its first point then
//! the moves from point to point (`[x0, y0, dx1, dy1, dx2, dy2, ...]`, in CSS pixels of the
//! pad). Small numbers make short JSON, and the moves are exactly SVG's relative line-to, so
//! the report draws it with one `<path>` ([`Signature::svg_path`]).
//!
//! The hash is SHA-256 over a canonical JSON of: the work-order fields the customer signed
//! against, the events the sign-off covers, and the sign-off itself with an empty hash. What it
//! covers is named by device and sequence number ([`Coverage`]), so events recorded after the
//! signing never disturb it, and any later change to a covered event (or a covered event gone
//! missing) makes [`verify`] fail.

use crate::event::{EventKind, VisitEvent, canonical_order};
use crate::ids::{DeviceId, EventId, JobId};
use crate::job::{Job, JobKind};
pub use crate::signature::{
    Coverage, MAX_COVERS, MAX_PAD, MAX_POINTS, MAX_SIGNER, MAX_STROKES, Ratings, SignOff, Signature,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Whether a job kind ends with the customer's sign-off (all but inspections, which visit
/// equipment rather than a customer).
pub fn requires_sign_off(kind: JobKind) -> bool {
    kind != JobKind::Inspection
}

/// The work-order fields the customer signs against. The service desk's own fields (assignee,
/// priority, appointment) are left out: re-dispatching does not change what was signed.
#[derive(Serialize)]
struct SignedJob<'a> {
    id: JobId,
    kind: JobKind,
    customer: &'a str,
    contact: &'a str,
    phone: &'a str,
    address: &'a str,
    device_name: &'a Option<String>,
    device_description: &'a Option<String>,
    fault: &'a str,
    reported_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct Canonical<'a> {
    v: u8,
    job: SignedJob<'a>,
    events: Vec<&'a VisitEvent>,
    sign_off: &'a SignOff,
}

fn hash_of(job: &Job, covered: Vec<&VisitEvent>, sign_off: &SignOff) -> String {
    let digest = Sha256::digest(canonical_input(job, covered, sign_off));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes the seal hashes: a canonical JSON of the signed work-order fields, the covered
/// events and the sign-off without its hash. Pinned by `tests/golden/seal.json`: a change here
/// would make every sign-off already made read as altered.
fn canonical_input(job: &Job, covered: Vec<&VisitEvent>, sign_off: &SignOff) -> Vec<u8> {
    let mut unsealed = sign_off.clone();
    unsealed.hash = String::new();
    let canonical = Canonical {
        v: 1,
        job: SignedJob {
            id: job.id,
            kind: job.kind,
            customer: &job.customer,
            contact: &job.contact,
            phone: &job.phone,
            address: &job.address,
            device_name: &job.device_name,
            device_description: &job.device_description,
            fault: &job.fault,
            reported_at: job.reported_at,
        },
        events: covered,
        sign_off: &unsealed,
    };
    // Serialising plain structs, strings, numbers and UUIDs to a Vec cannot fail.
    serde_json::to_vec(&canonical).unwrap_or_default()
}

/// The events a coverage list names, in canonical order (sign-offs excluded).
fn covered<'a>(job: JobId, covers: &[Coverage], events: &'a [VisitEvent]) -> Vec<&'a VisitEvent> {
    let through: BTreeMap<DeviceId, u64> = covers.iter().map(|c| (c.device, c.through_seq)).collect();
    canonical_order(events.iter().filter(|e| {
        e.job_id == job
            && !matches!(e.kind, EventKind::SignedOff(_))
            && through.get(&e.device_id).is_some_and(|t| e.seq <= *t)
    }))
}

/// Seals a sign-off over every event held on the job now: fills in `covers` and `hash`.
pub fn seal(job: &Job, held: &[VisitEvent], mut sign_off: SignOff) -> SignOff {
    let mut through: BTreeMap<DeviceId, u64> = BTreeMap::new();
    for e in held.iter().filter(|e| e.job_id == job.id && !matches!(e.kind, EventKind::SignedOff(_))) {
        let t = through.entry(e.device_id).or_default();
        *t = (*t).max(e.seq);
    }
    sign_off.covers =
        through.into_iter().map(|(device, through_seq)| Coverage { device, through_seq }).collect();
    sign_off.hash = hash_of(job, covered(job.id, &sign_off.covers, held), &sign_off);
    sign_off
}

/// What checking a sign-off found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verification {
    /// The record is as signed.
    Intact,
    /// The record differs from what was signed: an event covered was changed or is missing,
    /// or the work-order fields changed.
    Altered { expected: String, found: String },
}

/// Recomputes a sign-off's hash from the job and the events held now.
pub fn verify(job: &Job, events: &[VisitEvent], sign_off: &SignOff) -> Verification {
    let found = hash_of(job, covered(job.id, &sign_off.covers, events), sign_off);
    if found == sign_off.hash {
        Verification::Intact
    } else {
        Verification::Altered { expected: sign_off.hash.clone(), found }
    }
}

/// The sign-off event of a job's events, if any, with its id.
pub fn find(events: &[VisitEvent]) -> Option<(EventId, &SignOff)> {
    canonical_order(events).into_iter().rev().find_map(|e| match &e.kind {
        EventKind::SignedOff(s) => Some((e.id, s)),
        _ => None,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::event::EventError;
    use crate::event::tests::ev;
    use crate::job::tests::sample;

    /// The seal's input and output for a fixed job, its events and a sign-off, frozen as bytes
    /// (`UPDATE_GOLDEN=1` rewrites the file; review the diff: every old sign-off depends on it).
    #[test]
    fn the_seals_input_and_output_are_pinned() {
        let job = sample(JobKind::Repair);
        let held = vec![
            ev(1, 0xd, 1, 3, EventKind::CustomerContacted),
            ev(2, 0xd, 2, 20, EventKind::Arrived),
            ev(3, 0xe, 1, 25, EventKind::NoteAdded { text: "用户在家，光猫已更换".into() }),
            ev(
                4,
                0xd,
                3,
                40,
                EventKind::PartUsed {
                    part: "ONT-HG8245".into(),
                    qty: 1,
                    serial: Some("48575443A1B2".into()),
                },
            ),
        ];
        let sealed = seal(&job, &held, draft());
        let input = String::from_utf8(canonical_input(&job, covered(job.id, &sealed.covers, &held), &sealed))
            .expect("canonical JSON is UTF-8");
        let golden = serde_json::json!({ "input": input, "covers": sealed.covers, "hash": sealed.hash });
        let text = serde_json::to_string_pretty(&golden).expect("JSON") + "\n";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/seal.json");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &text).expect("write the golden file");
        }
        let frozen = std::fs::read_to_string(&path).expect("tests/golden/seal.json");
        assert_eq!(
            text, frozen,
            "the seal's input or output changed: every old sign-off would read as altered"
        );
        assert_eq!(verify(&job, &held, &sealed), Verification::Intact);
    }

    pub(crate) fn draft() -> SignOff {
        SignOff {
            result: "更换光猫，测速正常".into(),
            signer: "张伟".into(),
            signature: Signature::from_points(
                300,
                150,
                &[vec![(10.2, 20.0), (15.0, 22.4), (15.0, 22.4), (30.0, 40.0)]],
            ),
            ratings: Ratings { speed: 5, attitude: 5, result: 4 },
            comment: String::new(),
            covers: Vec::new(),
            hash: String::new(),
        }
    }

    fn visit() -> Vec<VisitEvent> {
        vec![
            ev(1, 1, 1, 0, EventKind::CustomerContacted),
            ev(2, 1, 2, 10, EventKind::Arrived),
            ev(3, 1, 3, 20, EventKind::NoteAdded { text: "换了光猫".into() }),
            ev(4, 2, 7, 21, EventKind::StepDone { step: "speed_test".into() }),
        ]
    }

    #[test]
    fn signature_encoding_is_compact_and_draws_as_svg() {
        let sig = draft().signature;
        assert_eq!(sig.strokes, vec![vec![10, 20, 5, 2, 15, 18]], "repeated points dropped, moves relative");
        assert_eq!(sig.svg_path(), "M10 20l5 2 15 18");
        let dot = Signature::from_points(10, 10, &[vec![(3.0, 4.0)]]);
        assert_eq!(dot.svg_path(), "M3 4l0 0.1");
        assert_eq!(
            serde_json::to_string(&sig).unwrap(),
            r#"{"w":300,"h":150,"strokes":[[10,20,5,2,15,18]]}"#
        );
    }

    #[test]
    fn signature_limits() {
        let empty = Signature { w: 100, h: 100, strokes: vec![] };
        assert_eq!(empty.validate(), Err(EventError::EmptySignature));
        let odd = Signature { w: 100, h: 100, strokes: vec![vec![1, 2, 3]] };
        assert!(odd.validate().is_err());
        let huge = Signature { w: 100, h: 100, strokes: vec![vec![1; MAX_POINTS * 2 + 2]] };
        assert_eq!(huge.validate(), Err(EventError::SignatureTooLarge("points")));
        let no_pad = Signature { w: 0, h: 100, strokes: vec![vec![1, 1]] };
        assert!(no_pad.validate().is_err());
        assert_eq!(draft().signature.validate(), Ok(()));
    }

    #[test]
    fn sealed_sign_off_verifies_and_names_what_it_covers() {
        let job = sample(JobKind::Repair);
        let events = visit();
        let sealed = seal(&job, &events, draft());
        assert_eq!(sealed.validate(), Ok(()));
        assert_eq!(sealed.short_hash().len(), 8);
        assert_eq!(sealed.covers.len(), 2, "two devices");
        assert_eq!(verify(&job, &events, &sealed), Verification::Intact);
        // Later events do not disturb it.
        let mut later = events.clone();
        later.push(ev(9, 1, 4, 30, EventKind::NoteAdded { text: "after".into() }));
        assert_eq!(verify(&job, &later, &sealed), Verification::Intact);
    }

    #[test]
    fn any_change_to_what_was_signed_is_detected() {
        let job = sample(JobKind::Repair);
        let events = visit();
        let sealed = seal(&job, &events, draft());
        type Tamper = fn(&mut Job, &mut Vec<VisitEvent>, &mut SignOff);
        let cases: Vec<(&str, Tamper)> = vec![
            ("a covered note edited", |_, e, _| {
                e[2].kind = EventKind::NoteAdded { text: "没换光猫".into() }
            }),
            ("a covered event's time moved", |_, e, _| e[1].device_time += chrono::Duration::minutes(30)),
            ("a covered event removed", |_, e, _| {
                e.remove(0);
            }),
            ("the fault rewritten", |j, _, _| j.fault = "另一个故障".into()),
            ("a rating raised", |_, _, s| s.ratings.result = 5),
            ("the signer renamed", |_, _, s| s.signer = "李娜".into()),
            ("a stroke moved", |_, _, s| s.signature.strokes[0][0] += 1),
            ("the result edited", |_, _, s| s.result.push('!')),
        ];
        for (name, tamper) in cases {
            let (mut j, mut e, mut s) = (job.clone(), events.clone(), sealed.clone());
            tamper(&mut j, &mut e, &mut s);
            assert!(matches!(verify(&j, &e, &s), Verification::Altered { .. }), "{name}");
        }
        // The desk's own fields are not part of what the customer signed.
        let mut redispatched = job.clone();
        redispatched.assignee = None;
        redispatched.priority = crate::job::Priority::Urgent;
        assert_eq!(verify(&redispatched, &events, &sealed), Verification::Intact);
    }

    #[test]
    fn sign_off_validation() {
        let job = sample(JobKind::Repair);
        let good = seal(&job, &visit(), draft());
        let mut bad_rating = good.clone();
        bad_rating.ratings.speed = 6;
        assert_eq!(bad_rating.validate(), Err(EventError::OutOfRange("speed", 1, 5)));
        let mut zero = good.clone();
        zero.ratings.attitude = 0;
        assert!(zero.validate().is_err());
        let mut unnamed = good.clone();
        unnamed.signer = " ".into();
        assert_eq!(unnamed.validate(), Err(EventError::Empty("signer")));
        let mut unsealed = good.clone();
        unsealed.hash = "abc".into();
        assert_eq!(unsealed.validate(), Err(EventError::BadHash));
        assert!(requires_sign_off(JobKind::Install) && !requires_sign_off(JobKind::Inspection));
    }
}
