//! Dispatch over real HTTP: opening, assigning, listing and reading jobs.

mod common;

use common::*;
use onsite_core::JobId;
use onsite_core::wire::{ErrorCode, EventBody, JobDetail, JobWire, User};
use onsite_core::{JobKind, JobStatus, Priority};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_dispatcher_opens_and_assigns_a_job() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let job = s.create_job(&desk, None).await;
    assert_eq!((job.kind, job.priority), (JobKind::Repair, Priority::High));
    assert_eq!(job.assignee, None);
    assert_eq!(job.dispatched_at, None);
    assert!(job.reported_at >= before, "reported now by default");

    let engineers: Vec<User> = s.get(&desk, "/api/v1/engineers").await.json().await.unwrap();
    assert_eq!(engineers.iter().map(|u| u.login.as_str()).collect::<Vec<_>>(), vec![ALICE, BOB]);
    let alice = &engineers[0];

    let assigned = s.assign(&desk, job.id, ALICE).await;
    assert_eq!(assigned.assignee, Some(alice.id));
    assert!(assigned.dispatched_at.is_some_and(|d| d >= job.reported_at));
    assert!(assigned.rev > job.rev);

    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.job, assigned, "what was answered is what is stored");
    assert_eq!(detail.status, JobStatus::Assigned);
}

#[tokio::test]
async fn creating_with_an_assignee_dispatches_now() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    let mut body = new_job(Some(BOB));
    body["reported_at"] = json!("2026-01-01T08:00:00Z");
    body["appointment"] = json!({"start": "2030-01-02T09:00:00Z", "end": "2030-01-02T11:00:00Z"});
    body["kind"] = json!("it_repair");
    body["device_name"] = json!("HP LaserJet M404");
    let res = s.post(&desk, "/api/v1/jobs", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let job: onsite_core::wire::JobWire = res.json().await.unwrap();
    assert!(job.dispatched_at.is_some());
    assert_eq!(job.reported_at.to_rfc3339(), "2026-01-01T08:00:00+00:00");
    assert_eq!(job.device_name.as_deref(), Some("HP LaserJet M404"));
    assert!(job.appointment.is_some());
}

#[tokio::test]
async fn invalid_jobs_are_422_with_a_message() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    let mut blank = new_job(None);
    blank["customer"] = json!("   ");
    let body =
        error_body(s.post(&desk, "/api/v1/jobs", &blank).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.error, ErrorCode::Unprocessable);
    assert!(body.message.contains("customer"), "{}", body.message);

    let mut reversed = new_job(None);
    reversed["appointment"] = json!({"start": "2030-01-02T11:00:00Z", "end": "2030-01-02T09:00:00Z"});
    error_body(s.post(&desk, "/api/v1/jobs", &reversed).await, StatusCode::UNPROCESSABLE_ENTITY).await;

    for who in ["nobody", DISPATCHER] {
        let body = error_body(
            s.post(&desk, "/api/v1/jobs", &new_job(Some(who))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(body.message.contains(who), "{}", body.message);
    }
    let mut bad_kind = new_job(None);
    bad_kind["kind"] = json!("teleport");
    error_body(s.post(&desk, "/api/v1/jobs", &bad_kind).await, StatusCode::UNPROCESSABLE_ENTITY).await;

    let job = s.create_job(&desk, None).await;
    let path = format!("/api/v1/jobs/{}/assignee", job.id);
    error_body(s.put(&desk, &path, &json!({"assignee": "nobody"})).await, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    let missing = format!("/api/v1/jobs/{}/assignee", uuid::Uuid::new_v4());
    error_body(s.put(&desk, &missing, &json!({"assignee": ALICE})).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_list_filters_by_engineer_and_status() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let a1 = s.create_job(&desk, Some(ALICE)).await;
    let a2 = s.create_job(&desk, Some(ALICE)).await;
    let b1 = s.create_job(&desk, Some(BOB)).await;
    let phone = device();
    s.push_ok(&alice, phone, &[event(a1.id, phone, 1, EventBody::Arrived)]).await;

    let list = |q: &'static str| {
        let s = &s;
        let desk = desk.clone();
        async move {
            let res = s.get(&desk, &format!("/api/v1/jobs{q}")).await;
            assert_eq!(res.status(), StatusCode::OK, "{q}");
            let jobs: Vec<JobDetail> = res.json().await.unwrap();
            let mut ids: Vec<_> = jobs.iter().map(|d| d.job.id).collect();
            ids.sort();
            ids
        }
    };
    let sorted = |mut v: Vec<onsite_core::JobId>| {
        v.sort();
        v
    };
    assert_eq!(list("").await, sorted(vec![a1.id, a2.id, b1.id]));
    assert_eq!(list("?engineer=alice").await, sorted(vec![a1.id, a2.id]));
    assert_eq!(list("?engineer=alice&status=on_site").await, vec![a1.id]);
    assert_eq!(list("?status=assigned").await, sorted(vec![a2.id, b1.id]));
    assert_eq!(list("?engineer=nobody").await, vec![]);
    let body = error_body(s.get(&desk, "/api/v1/jobs?status=lost").await, StatusCode::BAD_REQUEST).await;
    assert_eq!(body.error, ErrorCode::BadRequest);

    let detail = s.detail(&desk, a1.id).await;
    assert_eq!(detail.status, JobStatus::OnSite);
    assert!(detail.events[0].received_at.is_some());
}

#[tokio::test]
async fn an_engineer_finds_their_own_older_jobs_and_nobody_elses() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let mut mine = new_job(Some(ALICE));
    mine["customer"] = json!("陈静 50% 折扣");
    mine["address"] = json!("杭州市西湖区文三路 200 号");
    let mine: JobWire = s.post(&desk, "/api/v1/jobs", &mine).await.json().await.expect("job");
    let other = s.create_job(&desk, Some(BOB)).await;
    let found = |token: String, query: String| {
        let s = &s;
        async move {
            let res = s.get(&token, &format!("/api/v1/history{query}")).await;
            assert_eq!(res.status(), StatusCode::OK, "{query}");
            res.json::<Vec<JobDetail>>().await.expect("details").iter().map(|d| d.job.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(found(alice.clone(), "".into()).await, vec![mine.id], "everything of hers, nothing of bob's");
    assert_eq!(
        found(alice.clone(), "?q=%E6%96%87%E4%B8%89%E8%B7%AF".into()).await,
        vec![mine.id],
        "by address (文三路)"
    );
    assert_eq!(found(alice.clone(), "?q=50%25".into()).await, vec![mine.id], "a % is a %");
    assert_eq!(
        found(alice.clone(), "?q=5_%25".into()).await,
        Vec::<JobId>::new(),
        "a _ is a _, not any character"
    );
    assert_eq!(
        found(alice.clone(), "?q=%E7%8E%8B%E4%BA%94".into()).await,
        Vec::<JobId>::new(),
        "words found nowhere (王五)"
    );
    assert_eq!(found(bob.clone(), "".into()).await, vec![other.id]);
    assert_eq!(
        found(alice.clone(), "?from=2999-01-01".into()).await,
        Vec::<JobId>::new(),
        "by the day reported"
    );
    let today = chrono::Utc::now().date_naive();
    assert_eq!(found(alice.clone(), format!("?from={today}&to={today}")).await, vec![mine.id]);
    let long = format!("/api/v1/history?q={}", "字".repeat(101));
    error_body(s.get(&alice, &long).await, StatusCode::BAD_REQUEST).await;
    error_body(s.get(&alice, "/api/v1/history?from=yesterday").await, StatusCode::BAD_REQUEST).await;
}
