//! The sync protocol over real HTTP: push, pull, idempotency, refusals, re-dispatch.

mod common;

use common::*;
use onsite_core::sync::{PULL_PAGE, PUSH_FIRST, PUSH_MAX};
use onsite_core::wire::{ErrorCode, EventBody, RejectCode};
use onsite_core::{EventId, JobStatus};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn push_then_pull_brings_jobs_and_events_with_receive_times() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let mine = s.create_job(&desk, Some(ALICE)).await;
    let _bobs = s.create_job(&desk, Some(BOB)).await;
    let _undispatched = s.create_job(&desk, None).await;

    let phone = device();
    let events = vec![
        event(mine.id, phone, 1, EventBody::CustomerContacted),
        event(mine.id, phone, 2, EventBody::Arrived),
    ];
    let acks = s.push_ok(&alice, phone, &events).await.acked;
    assert_eq!(
        acks.iter().map(|a| a.id).collect::<Vec<_>>(),
        events.iter().map(|e| e.id).collect::<Vec<_>>()
    );
    assert!(acks.iter().all(|a| !a.duplicate));

    let pull = s.pull(&alice, 0).await;
    assert_eq!(pull.jobs.len(), 1, "only alice's job");
    assert_eq!(pull.jobs[0].id, mine.id);
    assert_eq!(pull.events.len(), 2);
    for (pulled, ack) in pull.events.iter().zip(&acks) {
        assert_eq!(pulled.id, ack.id);
        assert_eq!(pulled.received_at, Some(ack.received_at));
    }
    assert!(!pull.more);
    assert!(pull.removed.is_empty());

    // Nothing new since the cursor. (The cursor moves once: recording that the phone received
    // its job took a change number, one that carries nothing for a phone.)
    let again = s.pull(&alice, pull.cursor).await;
    assert_eq!((again.jobs.len(), again.events.len(), again.more), (0, 0, false));
    assert_eq!(again.cursor, pull.cursor + 1);
    let still = s.pull(&alice, again.cursor).await;
    assert_eq!((still.jobs.len(), still.events.len(), still.cursor, still.more), (0, 0, again.cursor, false));

    // Bob sees only his own job and none of alice's events.
    let bob_pull = s.pull(&bob, 0).await;
    assert_eq!(bob_pull.jobs.len(), 1);
    assert!(bob_pull.events.is_empty());

    let detail = s.detail(&alice, mine.id).await;
    assert_eq!(detail.status, JobStatus::OnSite);
    assert_eq!(detail.events.len(), 2);
}

#[tokio::test]
async fn pull_pages_by_cursor_and_says_when_more_waits() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    // 3 first-size batches: 300 events + 1 job header = 301 changes, more than one page.
    let total = 3 * PUSH_FIRST as u64;
    for start in (1..=total).step_by(PUSH_FIRST) {
        let batch: Vec<_> = (start..start + PUSH_FIRST as u64).map(|seq| note(job.id, phone, seq)).collect();
        s.push_ok(&alice, phone, &batch).await;
    }
    let first = s.pull(&alice, 0).await;
    assert!(first.more);
    assert_eq!(first.jobs.len() + first.events.len() + first.removed.len(), PULL_PAGE);
    let second = s.pull(&alice, first.cursor).await;
    assert!(!second.more);
    assert_eq!(first.jobs.len() + second.jobs.len(), 1);
    let mut seqs: Vec<u64> = first.events.iter().chain(&second.events).map(|e| e.seq).collect();
    assert_eq!(seqs.len() as u64, total, "every event exactly once");
    seqs.sort();
    assert_eq!(seqs, (1..=total).collect::<Vec<_>>());
    assert!(second.cursor > first.cursor);
}

#[tokio::test]
async fn the_same_batch_twice_is_acknowledged_as_duplicates_and_stored_once() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    let batch: Vec<_> = (1..=3).map(|seq| note(job.id, phone, seq)).collect();
    let first = s.push_ok(&alice, phone, &batch).await.acked;
    let second = s.push_ok(&alice, phone, &batch).await.acked;
    assert!(second.iter().all(|a| a.duplicate));
    for (a, b) in first.iter().zip(&second) {
        assert_eq!((a.id, a.received_at), (b.id, b.received_at), "the stored receive time");
    }
    let detail = s.detail(&alice, job.id).await;
    assert_eq!(detail.events.len(), 3, "each event exactly once");
}

#[tokio::test]
async fn an_out_of_order_batch_is_applied_once_in_sequence_order() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    let e1 = event(job.id, phone, 1, EventBody::CustomerContacted);
    let e2 = event(job.id, phone, 2, EventBody::Arrived);
    let e3 = event(job.id, phone, 3, EventBody::Completed { result: "更换光猫".into() });
    let acks = s.push_ok(&alice, phone, &[e3.clone(), e1.clone(), e2.clone()]).await.acked;
    assert_eq!(acks.len(), 3);
    assert!(acks.iter().all(|a| !a.duplicate));
    let detail = s.detail(&alice, job.id).await;
    assert_eq!(detail.events.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(detail.status, JobStatus::Completed);
}

#[tokio::test]
async fn the_same_id_twice_in_one_batch_is_a_duplicate() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    let e = note(job.id, phone, 1);
    let acks = s.push_ok(&alice, phone, &[e.clone(), e.clone()]).await.acked;
    assert_eq!(acks.iter().map(|a| a.duplicate).collect::<Vec<_>>(), vec![false, true]);
    assert_eq!(s.detail(&alice, job.id).await.events.len(), 1);
}

#[tokio::test]
async fn an_empty_push_is_ok_and_an_oversized_one_is_422() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    assert!(s.push_ok(&alice, device(), &[]).await.acked.is_empty());
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    let batch: Vec<_> = (1..=PUSH_MAX as u64 + 1).map(|seq| note(job.id, phone, seq)).collect();
    let body = error_body(s.push(&alice, phone, &batch).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.error, ErrorCode::Unprocessable);
    assert!(s.detail(&alice, job.id).await.events.is_empty());
}

#[tokio::test]
async fn same_id_with_other_content_is_409_and_nothing_applies() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    let original = note(job.id, phone, 1);
    s.push_ok(&alice, phone, std::slice::from_ref(&original)).await;
    let mut changed = original.clone();
    changed.body = EventBody::NoteAdded { text: "edited".into() };
    let fresh = note(job.id, phone, 2);
    let body =
        error_body(s.push(&alice, phone, &[fresh.clone(), changed.clone()]).await, StatusCode::CONFLICT)
            .await;
    assert_eq!(body.error, ErrorCode::Conflict);
    assert_eq!(body.events.len(), 1);
    assert_eq!((body.events[0].id, body.events[0].code), (changed.id, RejectCode::Conflict));
    assert!(body.message.contains("nothing of this push was applied"), "{}", body.message);
    let detail = s.detail(&alice, job.id).await;
    assert_eq!(detail.events.len(), 1, "the good event of the refused batch was not applied");
    assert_eq!(detail.events[0].body, original.body);
}

#[tokio::test]
async fn a_taken_device_sequence_number_is_409() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    s.push_ok(&alice, phone, &[note(job.id, phone, 1)]).await;
    let other = note(job.id, phone, 1);
    let body =
        error_body(s.push(&alice, phone, std::slice::from_ref(&other)).await, StatusCode::CONFLICT).await;
    assert_eq!((body.events[0].id, body.events[0].code), (other.id, RejectCode::SeqTaken));
}

#[tokio::test]
async fn a_mixed_batch_with_a_foreign_job_is_403_and_nothing_applies() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let bob = s.login(BOB).await;
    let mine = s.create_job(&desk, Some(ALICE)).await;
    let bobs = s.create_job(&desk, Some(BOB)).await;
    let phone = device();
    let good = note(mine.id, phone, 1);
    let foreign = note(bobs.id, phone, 2);
    let body =
        error_body(s.push(&alice, phone, &[good.clone(), foreign.clone()]).await, StatusCode::FORBIDDEN)
            .await;
    assert_eq!(body.error, ErrorCode::Forbidden);
    assert_eq!(body.events.len(), 1);
    assert_eq!((body.events[0].id, body.events[0].code), (foreign.id, RejectCode::ForeignJob));
    assert!(s.detail(&alice, mine.id).await.events.is_empty(), "nothing of the batch applied");
    assert!(s.detail(&bob, bobs.id).await.events.is_empty());
    // The phone drops the rejected event and pushes the rest: now it goes through.
    s.push_ok(&alice, phone, &[good]).await;
}

#[tokio::test]
async fn an_unknown_job_is_404_naming_the_event() {
    let s = Server::start().await;
    let alice = s.login(ALICE).await;
    let phone = device();
    let ghost = note(onsite_core::JobId(uuid::Uuid::new_v4()), phone, 1);
    let body =
        error_body(s.push(&alice, phone, std::slice::from_ref(&ghost)).await, StatusCode::NOT_FOUND).await;
    assert_eq!((body.events[0].id, body.events[0].code), (ghost.id, RejectCode::UnknownJob));
}

#[tokio::test]
async fn an_engineer_cannot_read_another_engineers_job() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let bobs = s.create_job(&desk, Some(BOB)).await;
    // As if it did not exist: the answer does not tell that the id is a job (attack.rs too).
    let body =
        error_body(s.get(&alice, &format!("/api/v1/jobs/{}", bobs.id)).await, StatusCode::NOT_FOUND).await;
    assert_eq!(body.error, ErrorCode::NotFound);
    let missing = format!("/api/v1/jobs/{}", uuid::Uuid::new_v4());
    error_body(s.get(&alice, &missing).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_device_bound_to_another_account_is_403_foreign_device() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let mine = s.create_job(&desk, Some(ALICE)).await;
    let bobs = s.create_job(&desk, Some(BOB)).await;
    let phone = device();
    s.push_ok(&alice, phone, &[note(mine.id, phone, 1)]).await;
    let attempt = note(bobs.id, phone, 2);
    let body =
        error_body(s.push(&bob, phone, std::slice::from_ref(&attempt)).await, StatusCode::FORBIDDEN).await;
    assert_eq!((body.events[0].id, body.events[0].code), (attempt.id, RejectCode::ForeignDevice));
}

#[tokio::test]
async fn an_event_from_another_device_than_the_push_is_invalid() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let stray = note(job.id, device(), 1);
    let body = error_body(
        s.push(&alice, device(), std::slice::from_ref(&stray)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!((body.events[0].id, body.events[0].code), (stray.id, RejectCode::Invalid));
}

#[tokio::test]
async fn redispatch_removes_the_job_from_the_first_engineer_but_replays_still_ack() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let phone = device();
    let before = note(job.id, phone, 1);
    let first_ack = s.push_ok(&alice, phone, std::slice::from_ref(&before)).await.acked;
    let cursor = s.pull(&alice, 0).await.cursor;

    let moved = s.assign(&desk, job.id, BOB).await;
    assert!(moved.rev > job.rev);
    assert!(moved.dispatched_at >= job.dispatched_at);

    let pull = s.pull(&alice, cursor).await;
    assert_eq!(pull.removed, vec![job.id]);
    assert!(pull.jobs.is_empty());

    // Bob's first pull brings the job and its events so far.
    let bob_pull = s.pull(&bob, 0).await;
    assert_eq!(bob_pull.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), vec![job.id]);
    assert_eq!(bob_pull.events.iter().map(|e| e.id).collect::<Vec<_>>(), vec![before.id]);

    let late = note(job.id, phone, 2);
    let body =
        error_body(s.push(&alice, phone, std::slice::from_ref(&late)).await, StatusCode::FORBIDDEN).await;
    assert_eq!((body.events[0].id, body.events[0].code), (late.id, RejectCode::ForeignJob));

    let replay = s.push_ok(&alice, phone, std::slice::from_ref(&before)).await.acked;
    assert!(replay[0].duplicate);
    assert_eq!(replay[0].received_at, first_ack[0].received_at);

    // Bob records a note; alice's cursor then moves past it (a new job of hers).
    let bob_phone = device();
    let bobs_note = note(job.id, bob_phone, 1);
    s.push_ok(&bob, bob_phone, std::slice::from_ref(&bobs_note)).await;
    let bob_cursor = s.pull(&bob, 0).await.cursor;
    s.create_job(&desk, Some(ALICE)).await;
    let alice_cursor = s.pull(&alice, pull.cursor).await.cursor;
    // Dispatched back to alice: the header returns, the job is no longer listed as removed,
    // and its history comes with it, though it is older than her cursor.
    s.assign(&desk, job.id, ALICE).await;
    let back = s.pull(&alice, alice_cursor).await;
    assert_eq!(back.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), vec![job.id]);
    assert!(back.removed.is_empty());
    let ids: Vec<EventId> = back.events.iter().map(|e| e.id).collect();
    assert!(ids.contains(&bobs_note.id), "bob's note comes with the job");
    assert!(ids.contains(&before.id), "so does alice's own earlier event");
    assert_eq!(s.pull(&bob, bob_cursor).await.removed, vec![job.id]);
}

#[tokio::test]
async fn a_bad_cursor_is_400_json() {
    let s = Server::start().await;
    let alice = s.login(ALICE).await;
    error_body(s.get(&alice, "/api/v1/sync/pull?cursor=abc").await, StatusCode::BAD_REQUEST).await;
    error_body(s.get(&alice, "/api/v1/sync/pull?cursor=-1").await, StatusCode::BAD_REQUEST).await;
    let res = s.post(&alice, "/api/v1/sync/push", &json!({"device_id": device(), "events": "many"})).await;
    assert!(res.status().is_client_error());
}
