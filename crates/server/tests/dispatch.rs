//! The service desk's actions on a job over HTTP against a real database: re-dispatch with a
//! reason, the appointment, cancelling, a remote fix at intake, notes and telling the manager,
//! and the phone's receipt of a dispatch. Each refused action changes nothing.

mod common;

use common::*;
use onsite_core::desk::{Channel, Closure, DeskAction};
use onsite_core::wire::{ErrorCode, EventBody, JobWire};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_re_dispatch_says_why_and_the_first_phone_lets_the_job_go() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let path = format!("/api/v1/jobs/{}/assignee", job.id);

    let res = s.put(&desk, &path, &json!({"assignee": BOB})).await;
    let body = error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.field.as_deref(), Some("reason"), "{body:?}");
    let res = s.put(&desk, &path, &json!({"assignee": ALICE, "reason": "再派一次"})).await;
    assert_eq!(error_body(res, StatusCode::CONFLICT).await.error, ErrorCode::Conflict);
    assert_eq!(s.detail(&desk, job.id).await.job, job, "refusals changed nothing");

    let first = s.pull(&alice, 0).await;
    assert_eq!(first.jobs.len(), 1);
    let res = s.put(&desk, &path, &json!({"assignee": BOB, "reason": "王芳请假"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let after = s.pull(&alice, first.cursor).await;
    assert_eq!(after.removed, vec![job.id], "alice's phone lets it go");
    assert_eq!(s.pull(&bob, 0).await.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), vec![job.id]);

    let detail = s.detail(&desk, job.id).await;
    let log: Vec<_> = detail
        .desk
        .log
        .iter()
        .map(|e| (e.action, e.by.as_deref(), e.engineer.as_deref(), e.note.as_str()))
        .collect();
    assert_eq!(
        log,
        vec![
            (DeskAction::Open, Some(DISPATCHER), None, ""),
            (DeskAction::Dispatch, Some(DISPATCHER), Some(ALICE), ""),
            (DeskAction::Reassign, Some(DISPATCHER), Some(BOB), "王芳请假"),
        ]
    );
}

#[tokio::test]
async fn a_completed_visit_is_not_dispatched_rescheduled_or_cancelled() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let mut done = phone.all_steps(&job, 20);
    done.push(phone.record(&job, 30, EventBody::Completed { result: "更换光猫".into() }));
    s.push_ok(&alice, phone.device, &done).await;
    let before = s.detail(&desk, job.id).await;

    let id = job.id;
    for (path, body, put) in [
        (format!("/api/v1/jobs/{id}/assignee"), json!({"assignee": BOB, "reason": "改派"}), true),
        (format!("/api/v1/jobs/{id}/appointment"), json!({"appointment": null, "reason": "改约"}), true),
        (format!("/api/v1/jobs/{id}/cancel"), json!({"reason": "撤单"}), false),
    ] {
        let res = if put { s.put(&desk, &path, &body).await } else { s.post(&desk, &path, &body).await };
        let refused = error_body(res, StatusCode::CONFLICT).await;
        assert!(refused.message.contains("completed"), "{path}: {refused:?}");
    }
    let after = s.detail(&desk, job.id).await;
    assert_eq!((after.job, after.desk.log.len()), (before.job, before.desk.log.len()));
    // A note is always taken.
    let res = s
        .post(&desk, &format!("/api/v1/jobs/{id}/notes"), &json!({"action": "note", "text": "已回访"}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let log = s.detail(&desk, job.id).await.desk.log;
    assert_eq!(log.last().map(|e| (e.action, e.note.as_str())), Some((DeskAction::Note, "已回访")));
}

#[tokio::test]
async fn a_cancelled_job_leaves_the_phone_and_what_was_recorded_on_it_still_arrives() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let pulled = s.pull(&alice, 0).await;
    let cancel = format!("/api/v1/jobs/{}/cancel", job.id);

    let res = s.post(&desk, &cancel, &json!({"reason": "  "})).await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(), Some("reason"));
    assert!(s.detail(&desk, job.id).await.desk.closed.is_none());

    let res = s.post(&desk, &cancel, &json!({"reason": "用户撤单"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = s.post(&desk, &cancel, &json!({"reason": "用户撤单"})).await;
    assert_eq!(error_body(res, StatusCode::CONFLICT).await.error, ErrorCode::Conflict);
    let res = s
        .put(&desk, &format!("/api/v1/jobs/{}/assignee", job.id), &json!({"assignee": BOB, "reason": "x"}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let next = s.pull(&alice, pulled.cursor).await;
    assert_eq!((next.removed, next.jobs.len()), (vec![job.id], 0));
    assert!(s.pull(&alice, 0).await.jobs.is_empty(), "a new phone never gets it");

    // The engineer had arrived offline before the cancellation reached the phone: kept.
    let mut phone = Phone::new();
    let arrived = phone.record(&job, 20, EventBody::Arrived);
    s.push_ok(&alice, phone.device, &[arrived]).await;
    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.events.len(), 1);
    let closed = detail.desk.closed.expect("closed");
    assert_eq!((closed.how, closed.reason.as_str()), (Closure::Cancelled, "用户撤单"));
}

#[tokio::test]
async fn the_appointment_moves_with_a_reason_and_reaches_the_phone() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let cursor = s.pull(&alice, 0).await.cursor;
    let path = format!("/api/v1/jobs/{}/appointment", job.id);
    let start = job.reported_at + chrono::Duration::hours(3);
    let end = start + chrono::Duration::hours(2);

    let reversed = json!({"appointment": {"start": end, "end": start}, "reason": "改约"});
    let res = s.put(&desk, &path, &reversed).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = s.put(&desk, &path, &json!({"appointment": {"start": start, "end": end}})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "no reason is not the shape either");
    assert_eq!(s.detail(&desk, job.id).await.job.appointment, None);

    let res = s
        .put(&desk, &path, &json!({"appointment": {"start": start, "end": end}, "reason": "用户下午在家"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved: JobWire = res.json().await.unwrap();
    let window = moved.appointment.expect("a window");
    assert_eq!((window.start, window.end), (start, end));
    let pulled = s.pull(&alice, cursor).await;
    assert_eq!(pulled.jobs.first().and_then(|j| j.appointment), Some(window));
}

#[tokio::test]
async fn a_remote_fix_is_opened_closed_and_never_dispatched() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let mut body = new_job(Some(ALICE));
    body["remote_fix"] = json!("指导用户重启光猫后恢复");
    let res = s.post(&desk, "/api/v1/jobs", &body).await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(), Some("assignee"));
    body["assignee"] = json!(null);
    body["remote_fix"] = json!("");
    let res = s.post(&desk, "/api/v1/jobs", &body).await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(), Some("reason"));
    assert!(s.list_ids(&desk, "").await.is_empty(), "nothing half-saved");

    body["remote_fix"] = json!("指导用户重启光猫后恢复");
    body["channel"] = json!("wechat");
    let res = s.post(&desk, "/api/v1/jobs", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let job: JobWire = res.json().await.unwrap();
    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.desk.channel, Some(Channel::Wechat));
    let closed = detail.desk.closed.expect("closed at intake");
    assert_eq!((closed.how, closed.reason.as_str()), (Closure::RemoteFix, "指导用户重启光猫后恢复"));
    assert!(s.pull(&alice, 0).await.jobs.is_empty());
    let res = s.put(&desk, &format!("/api/v1/jobs/{}/assignee", job.id), &json!({"assignee": ALICE})).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_desk_sees_when_the_phone_received_the_dispatch() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    assert_eq!(s.detail(&desk, job.id).await.desk.received_at, None);
    s.pull(&bob, 0).await;
    assert_eq!(s.detail(&desk, job.id).await.desk.received_at, None, "another phone's pull is not it");
    s.pull(&alice, 0).await;
    let first = s.detail(&desk, job.id).await.desk.received_at.expect("received");
    s.pull(&alice, 0).await;
    assert_eq!(s.detail(&desk, job.id).await.desk.received_at, Some(first), "the first pull's time stays");
    s.assign(&desk, job.id, BOB).await;
    assert_eq!(s.detail(&desk, job.id).await.desk.received_at, None, "re-dispatched: not received yet");
    s.pull(&bob, 0).await;
    assert!(s.detail(&desk, job.id).await.desk.received_at.is_some());
}

#[tokio::test]
async fn the_manager_told_is_recorded_only_on_a_dispatched_open_job() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    let queued = s.create_job(&desk, None).await;
    let told = json!({"action": "manager_told", "text": ""});
    let res = s.post(&desk, &format!("/api/v1/jobs/{}/notes", queued.id), &told).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = s
        .post(&desk, &format!("/api/v1/jobs/{}/notes", queued.id), &json!({"action": "cancel", "text": "x"}))
        .await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(), Some("action"));
    let res = s
        .post(&desk, &format!("/api/v1/jobs/{}/notes", queued.id), &json!({"action": "note", "text": " "}))
        .await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(), Some("reason"));
    assert_eq!(s.detail(&desk, queued.id).await.desk.log.len(), 1, "only its opening");

    let job = s.create_job(&desk, Some(ALICE)).await;
    let res = s.post(&desk, &format!("/api/v1/jobs/{}/notes", job.id), &told).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let log = s.detail(&desk, job.id).await.desk.log;
    assert_eq!(
        log.last().map(|e| (e.action, e.by.as_deref())),
        Some((DeskAction::ManagerTold, Some(DISPATCHER)))
    );
}

#[tokio::test]
async fn a_customers_earlier_jobs_are_found_by_phone_digits_or_address() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    // new_job's phone is "138 0013 8000", its address 上海市浦东新区世纪大道100号 12F.
    let first = s.create_job(&desk, Some(ALICE)).await;
    let mut other = new_job(None);
    other["phone"] = json!("021-6888 8888");
    other["address"] = json!("杭州市西湖区文三路200号");
    assert_eq!(s.post(&desk, "/api/v1/jobs", &other).await.status(), StatusCode::CREATED);

    let found = |query: &'static str| {
        let s = &s;
        let desk = desk.clone();
        async move {
            let res = s.get(&desk, &format!("/api/v1/customers/jobs?{query}")).await;
            assert_eq!(res.status(), StatusCode::OK, "{query}");
            res.json::<Vec<onsite_core::wire::JobDetail>>()
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.job.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("phone=%2B86%2013800138000").await, vec![first.id], "+86 and spaces");
    assert_eq!(found("phone=13800138000").await, vec![first.id]);
    assert_eq!(found("phone=0013-80").await, vec![first.id], "part of the number");
    assert_eq!(found("address=%E4%B8%96%E7%BA%AA%E5%A4%A7%E9%81%93").await, vec![first.id], "世纪大道");
    assert!(found("phone=13800").await.is_empty(), "too few digits to mean one customer");
    assert!(found("phone=99999999").await.is_empty());
    assert!(found("address=%25%25%25%25").await.is_empty(), "%%%% is not a wildcard");
    assert_eq!(found("phone=68888888").await.len(), 1);
    let long = "1".repeat(41);
    let res = s.get(&desk, &format!("/api/v1/customers/jobs?phone={long}")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn suggestions_rank_by_duties_area_and_where_each_engineer_is() {
    use onsite_core::desk::{EngineerState, Suggestion};
    let s = Server::start().await;
    let (desk, admin, alice) = (s.login(DISPATCHER).await, s.login(ADMIN).await, s.login(ALICE).await);
    for (login, name, area) in [(ALICE, "王芳", "浦东站"), (BOB, "李雷", "徐汇站")] {
        let body = json!({"name": name, "roles": ["engineer"], "area": area, "duties": ["repair"]});
        assert_eq!(s.put(&admin, &format!("/api/v1/accounts/{login}"), &body).await.status(), StatusCode::OK);
    }
    // Alice is on site at another customer's.
    let busy = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let arrived = phone.record(&busy, 20, EventBody::Arrived);
    s.push_ok(&alice, phone.device, &[arrived]).await;
    let job = s.create_job(&desk, None).await; // 上海市浦东新区世纪大道100号

    let res = s.get(&desk, &format!("/api/v1/jobs/{}/suggestions", job.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: Vec<Suggestion> = res.json().await.unwrap();
    let seen: Vec<_> =
        list.iter().map(|g| (g.login.as_str(), g.fits_duties, g.in_area, g.open_jobs, g.state)).collect();
    assert_eq!(
        seen,
        vec![(ALICE, true, true, 1, EngineerState::OnSite), (BOB, true, false, 0, EngineerState::Free)],
        "the desk and the others are not engineers"
    );
    // Bob's area named in the address: he comes first, being free.
    let mut xuhui = new_job(None);
    xuhui["address"] = json!("上海市浦东新区与徐汇区交界 某路1号");
    let res = s.post(&desk, "/api/v1/jobs", &xuhui).await;
    let both: JobWire = res.json().await.unwrap();
    let list: Vec<Suggestion> =
        s.get(&desk, &format!("/api/v1/jobs/{}/suggestions", both.id)).await.json().await.unwrap();
    assert_eq!(list.iter().map(|g| g.login.as_str()).collect::<Vec<_>>(), vec![BOB, ALICE]);
}

#[tokio::test]
async fn a_second_person_sent_alongside_gets_the_job_records_on_it_and_loses_it_with_a_cancel() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let cursor = s.pull(&bob, 0).await.cursor;
    let path = format!("/api/v1/jobs/{}/alongside", job.id);
    // Bad input, each by its field, nothing written.
    for (body, field) in [
        (json!({"reason": "主板故障"}), "engineer"),
        (json!({"engineer": BOB, "vendor": "华为售后", "reason": "主板故障"}), "vendor"),
        (json!({"engineer": BOB, "reason": " "}), "reason"),
    ] {
        let res = s.post(&desk, &path, &body).await;
        assert_eq!(
            error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(),
            Some(field),
            "{body}"
        );
    }
    let res = s.post(&desk, &path, &json!({"engineer": "nobody", "reason": "主板故障"})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = s.post(&desk, &path, &json!({"engineer": ALICE, "reason": "主板故障"})).await;
    assert_eq!(error_body(res, StatusCode::CONFLICT).await.message, "that engineer is already on the job");
    assert!(s.pull(&bob, cursor).await.jobs.is_empty(), "nothing was half-done");

    let res = s.post(&desk, &path, &json!({"engineer": BOB, "reason": "主板故障，需高级工程师"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = s.post(&desk, &path, &json!({"vendor": "华为售后", "reason": "固件问题"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Bob's phone has it, with alice's events on it; the job stays alice's.
    let mut alices = Phone::new();
    s.push_ok(&alice, alices.device, &[alices.record(&job, 3, EventBody::CustomerContacted)]).await;
    let pulled = s.pull(&bob, cursor).await;
    assert_eq!(
        pulled.jobs.iter().map(|j| (j.id, j.assignee)).collect::<Vec<_>>(),
        vec![(job.id, job.assignee)]
    );
    assert_eq!(pulled.events.len(), 1);
    // Bob records on it.
    let mut bobs = Phone::new();
    s.push_ok(&bob, bobs.device, &[bobs.record(&job, 40, EventBody::Arrived)]).await;
    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.events.len(), 2);
    let sent: Vec<(DeskAction, Option<String>, Option<String>)> = detail
        .desk
        .log
        .iter()
        .filter(|e| e.action == DeskAction::Alongside)
        .map(|e| (e.action, e.engineer.clone(), e.vendor.clone()))
        .collect();
    assert_eq!(
        sent,
        vec![
            (DeskAction::Alongside, Some(BOB.into()), None),
            (DeskAction::Alongside, None, Some("华为售后".into()))
        ]
    );
    let board: onsite_core::wire::Board = s.get(&desk, "/api/v1/board").await.json().await.expect("Board");
    let row = board.rows.iter().find(|r| r.id == job.id).expect("on the board");
    assert_eq!(row.alongside, vec![BOB.to_string(), "华为售后".to_string()]);

    // A cancel takes it from both phones.
    let cursor = s.pull(&bob, 0).await.cursor;
    let res = s.post(&desk, &format!("/api/v1/jobs/{}/cancel", job.id), &json!({"reason": "用户撤单"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(s.pull(&bob, cursor).await.removed, vec![job.id]);
    assert_eq!(s.pull(&alice, cursor).await.removed, vec![job.id]);
}
