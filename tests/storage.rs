//! The storage layer in real headless Chromium: what is recorded is in localStorage when the
//! call returns; a full quota refuses the action, keeps everything, and recovers; an entry that
//! does not parse is set aside, never deleted; logging out keeps unsynced work.
#![cfg(target_arch = "wasm32")]

use chrono::{TimeZone, Utc};
use gloo_storage::{LocalStorage, Storage};
use onsite::storage::{Store, StoreError};
use onsite_core::EventKind;
use onsite_core::ids::{JobId, UserId};
use onsite_core::sync::{LocalJob, SyncState};
use onsite_core::wire::{JobWire, Role, Session, User};
use onsite_core::{JobKind, JobStatus, Priority};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn reset() {
    LocalStorage::clear();
}

fn header(n: u128) -> JobWire {
    JobWire {
        id: JobId(Uuid::from_u128(n)),
        kind: JobKind::Repair,
        priority: Priority::Normal,
        customer: "张伟".into(),
        contact: "张伟".into(),
        phone: "13800138000".into(),
        wechat: None,
        address: "上海市浦东新区世纪大道100号".into(),
        device_name: None,
        device_description: None,
        fault: "无法上网".into(),
        reported_at: Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap(),
        dispatched_at: Some(Utc.with_ymd_and_hms(2026, 11, 23, 8, 5, 0).unwrap()),
        appointment: None,
        assignee: Some(UserId(Uuid::from_u128(7))),
        checklist: None,
        rev: 1,
    }
}

fn stored_job(n: u128) -> JobId {
    let job = LocalJob::new(header(n));
    Store::save_job(&job).expect("save job");
    job.job.id
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

/// Fills localStorage until the browser refuses; returns the filler keys.
fn fill_storage() -> Vec<String> {
    let raw = LocalStorage::raw();
    let mut keys = Vec::new();
    let mut chunk = "x".repeat(1 << 20);
    let mut i = 0;
    while chunk.len() >= 16 {
        let key = format!("filler.{i}");
        match raw.set_item(&key, &chunk) {
            Ok(()) => {
                keys.push(key);
                i += 1;
            }
            Err(_) => chunk.truncate(chunk.len() / 2),
        }
    }
    keys
}

#[wasm_bindgen_test]
fn recorded_event_is_in_storage_when_record_returns() {
    reset();
    let id = stored_job(1);
    let (job, event) = Store::record(id, EventKind::CustomerContacted, now()).expect("record");
    assert_eq!(job.status(), JobStatus::Contacted);
    // Read back through a fresh parse of the raw value: what a reload would see.
    let raw = LocalStorage::raw().get_item(&format!("onsite.v1.job.{id}")).unwrap().unwrap();
    let (reread, format) = onsite_core::stored::decode(&raw).unwrap();
    assert_eq!(format, onsite_core::stored::Format::Compact);
    assert_eq!(reread.events.len(), 1);
    assert_eq!(reread.events[0].event, event);
    assert_eq!(reread.events[0].sync, SyncState::Pending);
}

#[wasm_bindgen_test]
fn sequence_numbers_increase_and_survive_a_lost_counter() {
    reset();
    let id = stored_job(1);
    let (_, a) = Store::record(id, EventKind::CustomerContacted, now()).unwrap();
    let (_, b) = Store::record(id, EventKind::Arrived, now()).unwrap();
    assert_eq!((a.seq, b.seq), (1, 2));
    assert_eq!(a.device_id, b.device_id);
    // The counter is lost (an older copy written back): the log still prevents reuse.
    let mut device = Store::device().unwrap();
    device.seq = 0;
    LocalStorage::set("onsite.v1.device", &device).unwrap();
    let (_, c) = Store::record(id, EventKind::NoteAdded { text: "n".into() }, now()).unwrap();
    assert_eq!(c.seq, 3);
}

#[wasm_bindgen_test]
fn invalid_event_is_refused_and_not_stored() {
    reset();
    let id = stored_job(1);
    let err = Store::record(id, EventKind::CouldNotComplete { reason: "  ".into() }, now()).unwrap_err();
    assert!(matches!(err, StoreError::Rule(_)), "{err:?}");
    assert!(Store::load_job(id).unwrap().unwrap().events.is_empty());
    let missing = Store::record(JobId(Uuid::from_u128(99)), EventKind::Arrived, now()).unwrap_err();
    assert_eq!(missing, StoreError::NoSuchJob);
}

#[wasm_bindgen_test]
fn full_quota_refuses_the_action_keeps_everything_and_recovers() {
    reset();
    let id = stored_job(1);
    Store::record(id, EventKind::CustomerContacted, now()).unwrap();
    let filler = fill_storage();
    assert!(!filler.is_empty(), "the browser accepted no filler at all");

    let err = Store::record(id, EventKind::Arrived, now()).unwrap_err();
    assert_eq!(err, StoreError::QuotaFull);
    let job = Store::load_job(id).unwrap().unwrap();
    assert_eq!(job.events.len(), 1, "the earlier event is kept and the refused one not half-written");
    assert_eq!(job.status(), JobStatus::Contacted);
    // Reading still works while full.
    let (jobs, bad) = Store::load_jobs().unwrap();
    assert_eq!((jobs.len(), bad.len()), (1, 0));

    for key in filler {
        LocalStorage::delete(&key);
    }
    let (job, _) =
        Store::record(id, EventKind::Arrived, now()).expect("recording resumes once space is freed");
    assert_eq!(job.events.len(), 2);
    assert_eq!(job.status(), JobStatus::OnSite);
}

#[wasm_bindgen_test]
fn corrupt_entry_is_quarantined_not_deleted_and_the_rest_loads() {
    reset();
    let good = stored_job(1);
    let bad_key = format!("onsite.v1.job.{}", Uuid::from_u128(2));
    let garbage = r#"{"job": {"id": "hand-edited", "#;
    LocalStorage::raw().set_item(&bad_key, garbage).unwrap();

    let (jobs, bad) = Store::load_jobs().unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].job.id, good);
    assert_eq!(bad.len(), 1);
    assert!(bad[0].moved);
    let aside = format!("onsite.v1.quarantine.job.{}", Uuid::from_u128(2));
    assert_eq!(LocalStorage::raw().get_item(&aside).unwrap().as_deref(), Some(garbage), "kept byte for byte");
    assert_eq!(Store::quarantined().unwrap(), vec![aside]);
    // A job's entry set aside asks for a full pull; one answered is not asked again.
    assert_eq!(Store::refetch(), onsite::storage::Refetch { asked: 1, answered: 0 });
    Store::refetch_answered(1).unwrap();
    assert_eq!(Store::refetch(), onsite::storage::Refetch { asked: 1, answered: 1 });
    // And recording on the good job still works.
    Store::record(good, EventKind::Arrived, now()).unwrap();
}

#[wasm_bindgen_test]
fn a_job_stored_by_an_older_app_is_read_and_rewritten_compactly() {
    reset();
    let id = stored_job(1);
    let (mut job, _) = Store::record(id, EventKind::CustomerContacted, now()).unwrap();
    job.events[0].sync = SyncState::Acked { received_at: now(), rev: Some(4) };
    // Format 1: the plain serde JSON of a LocalJob, as phones stored it before.
    let key = format!("onsite.v1.job.{id}");
    let plain = serde_json::to_string(&job).unwrap();
    LocalStorage::raw().set_item(&key, &plain).unwrap();

    assert_eq!(Store::load_job(id).unwrap(), Some(job.clone()), "format 1 reads as before");
    let (jobs, bad) = Store::load_jobs().unwrap();
    assert_eq!((jobs, bad.len()), (vec![job.clone()], 0));
    let rewritten = LocalStorage::raw().get_item(&key).unwrap().unwrap();
    assert!(rewritten.starts_with("{\"v\":2"), "rewritten in format 2: {rewritten}");
    assert!(rewritten.len() < plain.len(), "{} < {}", rewritten.len(), plain.len());
    assert_eq!(Store::load_job(id).unwrap(), Some(job));
}

#[wasm_bindgen_test]
fn logging_out_keeps_unsynced_work() {
    reset();
    let id = stored_job(1);
    Store::record(id, EventKind::Arrived, now()).unwrap();
    let session = Session {
        token: "t".into(),
        expires_at: now(),
        user: User::new(UserId(Uuid::from_u128(7)), "wang.fang".into(), "王芳".into(), vec![Role::Engineer]),
        refresh_token: Some("r".into()),
        refresh_expires_at: Some(now()),
        must_change_password: false,
    };
    Store::save_session(&session).unwrap();
    assert_eq!(Store::session().unwrap(), Some(session));
    Store::clear_session().unwrap();
    assert_eq!(Store::session().unwrap(), None);
    assert_eq!(Store::load_job(id).unwrap().unwrap().pending().count(), 1);
}

#[wasm_bindgen_test]
fn cursor_defaults_to_zero_and_a_corrupt_cursor_restarts_the_pull() {
    reset();
    assert_eq!(Store::cursor().unwrap(), 0);
    Store::save_cursor(42).unwrap();
    assert_eq!(Store::cursor().unwrap(), 42);
    LocalStorage::raw().set_item("onsite.v1.cursor", "forty-two").unwrap();
    assert_eq!(Store::cursor().unwrap(), 0);
    assert_eq!(Store::quarantined().unwrap(), vec!["onsite.v1.quarantine.cursor".to_string()]);
}

#[wasm_bindgen_test]
fn a_sign_off_seals_exactly_what_was_stored_when_it_was_recorded() {
    use onsite_core::signoff::{Ratings, SignOff, Signature, Verification, seal, verify};
    reset();
    let id = stored_job(1);
    Store::record(id, EventKind::Arrived, now()).unwrap();
    Store::record(id, EventKind::NoteAdded { text: "旧光猫损坏".into() }, now()).unwrap();
    let draft = SignOff {
        result: "更换光猫".into(),
        signer: "张伟".into(),
        signature: Signature::from_points(300, 150, &[vec![(1.0, 2.0), (30.0, 40.0)]]),
        ratings: Ratings { speed: 5, attitude: 5, result: 5 },
        comment: String::new(),
        covers: Vec::new(),
        hash: String::new(),
    };
    let (job, event) = Store::record_with(id, now(), |job| {
        let held: Vec<_> = job.events.iter().map(|l| l.event.clone()).collect();
        Ok(EventKind::SignedOff(seal(&job.job, &held, draft)))
    })
    .unwrap();
    assert_eq!(job.status(), JobStatus::Completed);
    let EventKind::SignedOff(sealed) = &event.kind else { panic!("not a sign-off") };
    let all: Vec<_> = job.events.iter().map(|l| l.event.clone()).collect();
    assert_eq!(verify(&job.job, &all, sealed), Verification::Intact);
    // A refusal from the closure stores nothing.
    let before = Store::load_job(id).unwrap().unwrap().events.len();
    let refused = Store::record_with(id, now(), |_| Err(StoreError::Invalid("blocked".into())));
    assert_eq!(refused.unwrap_err(), StoreError::Invalid("blocked".into()));
    assert_eq!(Store::load_job(id).unwrap().unwrap().events.len(), before);
}

#[wasm_bindgen_test]
fn catalogue_and_van_round_trip() {
    use onsite_core::parts::{Part, VanStock};
    reset();
    assert!(Store::catalogue().unwrap().is_empty());
    assert_eq!(Store::van().unwrap(), VanStock::default());
    let parts = vec![Part { sku: "ONT".into(), zh: "光猫".into(), en: "ONT".into(), serialised: true }];
    Store::save_catalogue(&parts).unwrap();
    let van = VanStock { rev: 9, counts: [("ONT".to_string(), 3)].into() };
    Store::save_van(&van).unwrap();
    assert_eq!(Store::catalogue().unwrap(), parts);
    assert_eq!(Store::van().unwrap(), van);
}

#[wasm_bindgen_test]
fn a_job_gone_from_storage_with_unsynced_events_here_is_written_back_not_dropped() {
    reset();
    let kept = stored_job(20);
    let done = stored_job(21);
    Store::record(kept, EventKind::CustomerContacted, now()).expect("record");
    let (jobs, err) = onsite::state::Jobs::load();
    assert!(err.is_none());
    // Another tab sets both entries aside (as it does with an unreadable one).
    for id in [kept, done] {
        LocalStorage::raw().remove_item(&format!("onsite.v1.job.{id}")).unwrap();
    }
    // The job with a pending event stays in view and is handed back to be written ...
    let back = jobs.refresh(kept).expect("refresh").expect("written back");
    assert_eq!(back.pending().count(), 1);
    let (merged, behind) = onsite::sync::load_merged(jobs, kept).unwrap().expect("this tab's copy");
    assert!(behind, "storage lacks it: write it back");
    Store::save_job(&merged).unwrap();
    assert_eq!(Store::load_job(kept).unwrap().expect("stored again").pending().count(), 1);
    // ... and the one with nothing unsynced leaves the view.
    assert_eq!(jobs.refresh(done).expect("refresh"), None);
    assert!(jobs.job_untracked(done).is_none());
    assert!(onsite::sync::load_merged(jobs, done).unwrap().is_none());
}

// ---- the shelf: settled jobs, archived by key (issue 20) ----------------------------------------

use leptos::prelude::WithUntracked;
use onsite::storage::Archived;
use onsite_core::retention::Policy;

fn day(d: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap() + chrono::Duration::days(d)
}

/// A job that could not be completed, its every event acknowledged by the server at `finished`.
fn settled_job(n: u128, finished: chrono::DateTime<Utc>) -> JobId {
    let id = stored_job(n);
    Store::record(id, EventKind::Arrived, now()).expect("arrive");
    Store::record(id, EventKind::CouldNotComplete { reason: "客户不在".into() }, now()).expect("finish");
    let mut job = Store::load_job(id).unwrap().unwrap();
    for (i, l) in job.events.iter_mut().enumerate() {
        l.sync = SyncState::Acked { received_at: finished, rev: Some(i as i64 + 1) };
    }
    Store::save_job(&job).unwrap();
    id
}

fn live_key(id: JobId) -> String {
    format!("onsite.v1.job.{id}")
}

#[wasm_bindgen_test]
fn an_archived_key_says_when_and_which_job_and_nothing_else_reads_as_one() {
    let id = JobId(Uuid::from_u128(0xabc));
    let a = Archived::new(id, day(0));
    // Pinned: stored keys must read the same after any upgrade.
    assert_eq!(a.key, "onsite.v1.archive.1767268800000.00000000-0000-0000-0000-000000000abc");
    assert_eq!(Archived::parse(&a.key), Some(a.clone()));
    for bad in [
        "onsite.v1.archive.1767268800000",
        "onsite.v1.archive.176726880000.00000000-0000-0000-0000-000000000abc",
        "onsite.v1.archive.17672688000x0.00000000-0000-0000-0000-000000000abc",
        "onsite.v1.archive.1767268800000.not-a-uuid",
        "onsite.v1.job.00000000-0000-0000-0000-000000000abc",
    ] {
        assert_eq!(Archived::parse(bad), None, "{bad}");
    }
    // The keys sort by finish.
    assert!(Archived::new(id, day(1)).key > Archived::new(id, day(0)).key);
}

#[wasm_bindgen_test]
fn settled_jobs_go_to_the_shelf_and_are_read_only_when_opened() {
    reset();
    let settled = settled_job(40, day(10));
    let open = stored_job(41);
    Store::record(open, EventKind::CustomerContacted, now()).unwrap();
    let (jobs, err) = onsite::state::Jobs::load();
    assert!(err.is_none());
    let pruned = jobs.prune(Policy::DEFAULT, 0).expect("prune");
    assert_eq!(pruned.jobs, 0, "in its period: nothing leaves");
    // On the shelf: the live key gone, the archived one there.
    assert!(LocalStorage::raw().get_item(&live_key(settled)).unwrap().is_none());
    let shelf = Store::archived().unwrap();
    assert_eq!(shelf.iter().map(|a| (a.id, a.finished_at)).collect::<Vec<_>>(), vec![(settled, day(10))]);
    assert_eq!(Store::load_job(open).unwrap().unwrap().pending().count(), 1, "unsynced work stays live");

    // A new start reads only the live job, and counts the shelf.
    let (jobs, _) = onsite::state::Jobs::load();
    let ids: Vec<JobId> = jobs.all.with_untracked(|all| all.iter().map(|j| j.job.id).collect());
    assert_eq!(ids, vec![open]);
    assert_eq!(jobs.held(), 2);
    // A card reads it without putting it in view; opening it does.
    assert_eq!(jobs.peek(settled).unwrap().unwrap().status(), JobStatus::CouldNotComplete);
    assert!(jobs.job_untracked(settled).is_none());
    jobs.open(settled).unwrap();
    assert!(jobs.job_untracked(settled).is_some());

    // Anything new on it makes it live again; the next prune folds the archived copy in.
    Store::record(settled, EventKind::NoteAdded { text: "客户回访".into() }, now()).expect("note");
    assert_eq!(Store::load_job(settled).unwrap().unwrap().pending().count(), 1, "the live copy wins");
    jobs.prune(Policy::DEFAULT, 0).unwrap();
    assert!(Store::archived().unwrap().is_empty(), "the archived copy is merged and gone");
    let live = Store::load_job(settled).unwrap().unwrap();
    assert_eq!((live.events.len(), live.pending().count()), (3, 1));
}

#[wasm_bindgen_test]
fn the_shelf_lets_old_jobs_go_by_their_keys_and_forgetting_takes_both_copies() {
    reset();
    let old = settled_job(50, day(0));
    let recent = settled_job(51, day(40));
    let (jobs, _) = onsite::state::Jobs::load();
    // First prune: both archived (the server's time seen is day 40: the old one is past 30 days).
    let pruned = jobs.prune(Policy::DEFAULT, 0).unwrap();
    assert_eq!(pruned.jobs, 1);
    assert!(jobs.job_untracked(old).is_none());
    assert_eq!(Store::archived().unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), vec![recent]);
    // A later start, no job live: the server's time comes from the shelf's keys alone.
    let third = settled_job(52, day(80));
    let (jobs, _) = onsite::state::Jobs::load();
    let pruned = jobs.prune(Policy::DEFAULT, 0).unwrap();
    assert_eq!(pruned.jobs, 1, "day 40 is 40 days before day 80");
    assert_eq!(Store::archived().unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), vec![third]);
    // Forgetting a job removes a live copy and an archived one.
    Store::save_job(&Store::load_job(third).unwrap().unwrap()).unwrap();
    Store::forget_job(third).unwrap();
    assert!(Store::load_job(third).unwrap().is_none());
    assert!(Store::archived().unwrap().is_empty());
}

#[wasm_bindgen_test]
fn a_job_whose_parts_the_vans_count_lacks_stays_live() {
    reset();
    let id = settled_job(60, day(10));
    let mut job = Store::load_job(id).unwrap().unwrap();
    job.record(onsite_core::event::VisitEvent {
        kind: EventKind::PartUsed { part: "ONU".into(), qty: 1, serial: None },
        ..job.events[0].event.clone()
    });
    let last = job.events.len() - 1;
    job.events[last].event.id = onsite_core::ids::EventId(Uuid::from_u128(999));
    job.events[last].event.seq = 99;
    job.events[last].sync = SyncState::Acked { received_at: day(10), rev: Some(50) };
    Store::save_job(&job).unwrap();
    let (jobs, _) = onsite::state::Jobs::load();
    jobs.prune(Policy::DEFAULT, 49).unwrap();
    assert!(Store::archived().unwrap().is_empty(), "the van at rev 49 does not count the part");
    jobs.prune(Policy::DEFAULT, 50).unwrap();
    assert_eq!(Store::archived().unwrap().len(), 1);
}
