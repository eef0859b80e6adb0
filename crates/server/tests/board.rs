//! The desk's board (`GET /api/v1/board`) over HTTP: which jobs are on it, each row's clocks
//! with when they were met, the concerns (an escalation, a visit not completed, a flag, a
//! refused event) kept until the desk says how it dealt with them, and a complex report's
//! longer target.

mod common;

use common::*;
use onsite_core::desk::ConcernKind;
use onsite_core::desk_board::{Band, band};
use onsite_core::event::EscalationTarget;
use onsite_core::sla::SlaKind;
use onsite_core::wire::{Board, BoardRow, EventBody};
use onsite_core::{JobId, JobStatus};
use reqwest::StatusCode;
use serde_json::json;

async fn board(s: &Server, token: &str) -> Board {
    let res = s.get(token, "/api/v1/board").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("Board")
}

fn row(b: &Board, id: JobId) -> Option<&BoardRow> {
    b.rows.iter().find(|r| r.id == id)
}

async fn handled(s: &Server, desk: &str, id: JobId, text: &str) -> StatusCode {
    s.post(desk, &format!("/api/v1/jobs/{id}/notes"), &json!({"action": "handled", "text": text}))
        .await
        .status()
}

#[tokio::test]
async fn open_jobs_are_on_the_board_with_their_clocks_and_a_completed_one_leaves() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let queued = s.create_job(&desk, None).await;
    let out = s.create_job(&desk, Some(ALICE)).await;
    let done = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let contact = phone.record(&out, 4, EventBody::CustomerContacted);
    s.push_ok(&alice, phone.device, &[contact.clone()]).await;
    let mut finishing = phone.all_steps(&done, 20);
    finishing.push(phone.record(&done, 30, EventBody::Completed { result: "更换光猫".into() }));
    s.push_ok(&alice, phone.device, &finishing).await;

    let b = board(&s, &desk).await;
    assert!(row(&b, done.id).is_none(), "a completed job with nothing raised is off the board");
    let q = row(&b, queued.id).expect("the queued job");
    assert_eq!((q.engineer.as_deref(), q.status), (None, JobStatus::Assigned));
    assert_eq!(q.clocks.iter().map(|c| c.deadline.kind).collect::<Vec<_>>(), vec![SlaKind::DeskAnswer]);
    assert_eq!(band(q, q.reported_at), Band::Queue);
    let o = row(&b, out.id).expect("the job out with alice");
    assert_eq!((o.engineer.as_deref(), o.status), (Some(ALICE), JobStatus::Contacted));
    let met = |kind| o.clocks.iter().find(|c| c.deadline.kind == kind).map(|c| c.met_at);
    assert_eq!(met(SlaKind::Contact), Some(Some(contact.device_time)));
    assert_eq!(met(SlaKind::OnSite), Some(None));
    // The desk answered a high-priority report by dispatching it at once.
    assert_eq!(met(SlaKind::DeskAnswer), Some(out.dispatched_at));
    assert!(
        b.engineers.iter().any(|e| e.login == ALICE) && b.engineers.iter().all(|e| e.login != DISPATCHER)
    );

    // The manager reads the same board.
    let m = board(&s, &s.login(MANAGER).await).await;
    assert_eq!(m.rows.len(), b.rows.len());
}

#[tokio::test]
async fn concerns_stay_on_the_board_until_the_desk_deals_with_them() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let events = vec![
        phone.record(&job, 3, EventBody::CustomerContacted),
        phone.record(&job, 30, EventBody::Arrived),
        phone.record(
            &job,
            40,
            EventBody::Escalated {
                to: EscalationTarget::Senior, reason: "主板故障，需高级工程师".into()
            },
        ),
        phone.record(&job, 50, EventBody::CouldNotComplete { reason: "缺主板".into() }),
    ];
    s.push_ok(&alice, phone.device, &events).await;
    let b = board(&s, &desk).await;
    let r = row(&b, job.id).expect("on the board");
    let kinds: Vec<ConcernKind> = r.concerns.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ConcernKind::Escalated, ConcernKind::CouldNotComplete]);
    assert_eq!(r.concerns[0].detail, "主板故障，需高级工程师");
    assert_eq!(band(r, r.reported_at), Band::Now);

    // Saying how it was dealt with needs words; then the concerns leave, the job stays open.
    let res = s
        .post(&desk, &format!("/api/v1/jobs/{}/notes", job.id), &json!({"action": "handled", "text": " "}))
        .await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(), Some("reason"));
    assert_eq!(handled(&s, &desk, job.id, "已联系厂家，明日带件上门").await, StatusCode::NO_CONTENT);
    let b = board(&s, &desk).await;
    let r = row(&b, job.id).expect("still open: could not complete, the desk decides");
    assert!(r.concerns.is_empty(), "{:?}", r.concerns);
    // Could not complete is not the end: the desk may re-dispatch it.
    let res = s
        .put(
            &desk,
            &format!("/api/v1/jobs/{}/assignee", job.id),
            &json!({"assignee": BOB, "reason": "换人带件上门"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_completed_jobs_flag_keeps_it_on_the_board_until_handled() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    // Signed off with no step done: the server applies it and raises steps_unsettled.
    let contact = phone.record(&job, 3, EventBody::CustomerContacted);
    let signed = phone.sign_off(&job, std::slice::from_ref(&contact), 40, draft());
    s.push_ok(&alice, phone.device, &[contact, signed]).await;
    s.settle().await;
    let b = board(&s, &desk).await;
    let r = row(&b, job.id).expect("on the board for its flag");
    assert_eq!(r.status, JobStatus::Completed);
    assert!(r.concerns.iter().any(|c| c.kind == ConcernKind::StepsUnsettled), "{:?}", r.concerns);
    assert!(onsite_core::desk_board::urgent(r, r.reported_at).is_none(), "no clock runs on a completed job");
    assert_eq!(handled(&s, &desk, job.id, "已回访，用户确认步骤已做").await, StatusCode::NO_CONTENT);
    assert!(row(&board(&s, &desk).await, job.id).is_none());
}

#[tokio::test]
async fn a_refused_event_is_kept_whole_and_shown_on_the_job_it_was_for() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    // Re-dispatched to bob while alice, offline, records on it.
    s.assign(&desk, job.id, BOB).await;
    let mut phone = Phone::new();
    let late = phone.record(&job, 10, EventBody::NoteAdded { text: "地下室无信号，已到场".into() });
    let res = s.push(&alice, phone.device, std::slice::from_ref(&late)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let b = board(&s, &desk).await;
    let r = row(&b, job.id).expect("on the board");
    assert_eq!(r.concerns.iter().map(|c| c.kind).collect::<Vec<_>>(), vec![ConcernKind::Refused]);
    assert_eq!(r.engineer.as_deref(), Some(BOB));
    // Kept whole: the event as pushed, once however often it is pushed again.
    s.push(&alice, phone.device, std::slice::from_ref(&late)).await;
    let kept = s.count(
        "SELECT count(*) FROM refusals WHERE event_id = ?1 AND code = 'foreign_job' AND body LIKE '%地下室无信号%'",
        [late.id.to_string()],
    );
    assert_eq!(kept, 1);
    let b = board(&s, &desk).await;
    assert_eq!(row(&b, job.id).map(|r| r.concerns.len()), Some(1));
}

#[tokio::test]
async fn a_complex_report_gives_the_desk_24_hours_and_an_urgent_one_ten_minutes() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    let mut complex = new_job(None);
    complex["complex"] = json!(true);
    complex["priority"] = json!("normal");
    let mut urgent = new_job(None);
    urgent["priority"] = json!("urgent");
    let mut ids = Vec::new();
    for body in [complex, urgent] {
        let res = s.post(&desk, "/api/v1/jobs", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        ids.push(res.json::<onsite_core::wire::JobWire>().await.expect("job").id);
    }
    let b = board(&s, &desk).await;
    let span = |id| {
        let r = row(&b, id).expect("queued");
        let c = r.clocks.iter().find(|c| c.deadline.kind == SlaKind::DeskAnswer).expect("the desk's clock");
        (c.deadline.due - c.deadline.from).num_minutes()
    };
    assert_eq!(span(ids[0]), 24 * 60);
    assert_eq!(span(ids[1]), 10);
    assert!(row(&b, ids[0]).is_some_and(|r| r.complex));
    let detail = s.detail(&desk, ids[0]).await;
    assert!(detail.desk.complex);
}
