//! The assessment over HTTP, from a month of jobs built through the real dispatch and sync path:
//! the figures checked exactly against a table worked out by hand, a manager's waiver and
//! upholding, an engineer's own month.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use onsite_core::assessment::{Evidence, Month, Threshold};
use onsite_core::wire::{AssessmentMonth, EventBody, EventWire, JobWire};
use onsite_core::{DeviceId, EventId, JobId};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

fn zone() -> chrono::FixedOffset {
    onsite_server::api::assessment::zone()
}

fn fmt(t: DateTime<Utc>) -> String {
    onsite_server::db::fmt_time(t)
}

/// The job's dispatch (and its desk log's) moved back to `at`: as if opened then.
fn backdate(s: &Server, job: JobId, at: DateTime<Utc>) {
    s.sql("UPDATE jobs SET dispatched_at = ?2 WHERE id = ?1", [job.to_string(), fmt(at)]);
    s.sql(
        "UPDATE audit SET at = ?2 WHERE subject = ?1 AND action IN ('open', 'dispatch')",
        [format!("job:{job}"), fmt(at)],
    );
}

fn ev(job: JobId, device: DeviceId, seq: u64, at: DateTime<Utc>, body: EventBody) -> EventWire {
    EventWire {
        id: EventId(Uuid::new_v4()),
        job_id: job,
        device_id: device,
        seq,
        device_time: at,
        body,
        received_at: None,
        rev: None,
    }
}

async fn month(s: &Server, token: &str, path: &str, m: Month) -> AssessmentMonth {
    let res = s.get(token, &format!("{path}?month={:04}-{:02}", m.year, m.month)).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("AssessmentMonth")
}

/// (engineer, customer, reason, evidence, counted), sorted.
fn lines(a: &AssessmentMonth) -> Vec<(String, String, String, Evidence, bool)> {
    let mut out: Vec<_> = a
        .deductions
        .iter()
        .map(|l| {
            (
                l.deduction.engineer.clone(),
                l.customer.clone(),
                l.deduction.reason.as_str().to_string(),
                l.deduction.evidence,
                l.counted,
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_month_of_jobs_adds_up_as_worked_out_by_hand() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    // Every job dispatched three hours ago (T); the phones sync now.
    let t = Utc::now() - Duration::hours(3);
    let m = |minutes: i64| t + Duration::minutes(minutes);
    let open = |customer: &str, kind: &str, to: &str| {
        let mut body = new_job(Some(to));
        body["customer"] = json!(customer);
        body["kind"] = json!(kind);
        body
    };
    let mut jobs: Vec<JobWire> = Vec::new();
    for (customer, kind, to) in [
        ("J1", "repair", ALICE),
        ("J2", "repair", ALICE),
        ("J3", "install", ALICE),
        ("J4", "repair", BOB),
        ("J5", "repair", ALICE),
    ] {
        let res = s.post(&desk, "/api/v1/jobs", &open(customer, kind, to)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let job: JobWire = res.json().await.expect("job");
        backdate(&s, job.id, t);
        jobs.push(job);
    }
    // J5 is re-dispatched to bob at T+30.
    s.assign(&desk, jobs[4].id, BOB).await;
    s.sql("UPDATE jobs SET dispatched_at = ?2 WHERE id = ?1", [jobs[4].id.to_string(), fmt(m(30))]);
    s.sql(
        "UPDATE audit SET at = ?2 WHERE subject = ?1 AND action = 'reassign'",
        [format!("job:{}", jobs[4].id), fmt(m(30))],
    );

    let (a, b) = (device(), device());
    // J1: nothing recorded. J2: contact at T+15 (late by the phone too), arrival at T+40.
    // J3: contact at T+30.
    s.push_ok(
        &alice,
        a,
        &[
            ev(jobs[1].id, a, 1, m(15), EventBody::CustomerContacted),
            ev(jobs[1].id, a, 2, m(40), EventBody::Arrived),
            ev(jobs[2].id, a, 3, m(30), EventBody::CustomerContacted),
        ],
    )
    .await;
    // J4: contact at T+3, arrival at T+30, given up at T+40 without escalating. J5 (bob's from
    // T+30): contact at T+35, arrival at T+80.
    s.push_ok(
        &bob,
        b,
        &[
            ev(jobs[3].id, b, 1, m(3), EventBody::CustomerContacted),
            ev(jobs[3].id, b, 2, m(30), EventBody::Arrived),
            ev(jobs[3].id, b, 3, m(40), EventBody::CouldNotComplete { reason: "缺主板".into() }),
            ev(jobs[4].id, b, 4, m(35), EventBody::CustomerContacted),
            ev(jobs[4].id, b, 5, m(80), EventBody::Arrived),
        ],
    )
    .await;

    let month_of = Month::of(m(10), zone());
    let all = month(&s, &desk, "/api/v1/assessment", month_of).await;
    let (v, u) = (Evidence::Verified, Evidence::Unverified);
    let row = |who: &str, job: &str, reason: &str, e: Evidence, counted: bool| {
        (who.to_string(), job.to_string(), reason.to_string(), e, counted)
    };
    // Worked out by hand. The server received everything now, three hours after T: a deadline
    // met by the phone's clock alone is unverified (not counted until a manager upholds it).
    let mut want = vec![
        // J1: nobody called, nobody came: both misses, and the chain's fine.
        row("alice", "J1", "contact", v, true),
        row("alice", "J1", "on_site", v, true),
        row("alice", "J1", "chain_fine", v, true),
        // J2: late by the phone's own clock; on site in time by the phone only; the chain too.
        row("alice", "J2", "contact", v, true),
        row("alice", "J2", "on_site", u, false),
        row("alice", "J2", "chain_fine", u, false),
        // J3: late contact; the install's 2 days are not up.
        row("alice", "J3", "contact", v, true),
        row("alice", "J3", "chain_fine", v, true),
        // J4 (bob): in time by his phone only; given up without escalating.
        row("bob", "J4", "contact", u, false),
        row("bob", "J4", "on_site", u, false),
        row("bob", "J4", "chain_fine", u, false),
        row("bob", "J4", "escalation", v, true),
        // J5: alice's clock until T+30 (no contact, fined at T+20); bob's from T+30, by his
        // phone in time.
        row("alice", "J5", "contact", v, true),
        row("alice", "J5", "chain_fine", v, true),
        row("bob", "J5", "contact", u, false),
        row("bob", "J5", "on_site", u, false),
        row("bob", "J5", "chain_fine", u, false),
    ];
    want.sort();
    assert_eq!(lines(&all), want);
    let score = |a: &AssessmentMonth, who: &str| {
        a.scores.iter().find(|s| s.engineer == who).map(|s| (s.halves, s.fen, s.thresholds.clone()))
    };
    // Alice: 5 misses = 2.5 points = ¥250, and three fined chains of ¥200.
    assert_eq!(score(&all, "alice"), Some((5, 25_000 + 3 * 20_000, vec![Threshold::TwoPointsInAMonth])));
    // Bob: 0.5 point = ¥50.
    assert_eq!(score(&all, "bob"), Some((1, 5_000, vec![])));

    // The manager waives J1's contact, and upholds J2's arrival.
    let manager = s.login(MANAGER).await;
    let key = |job: &str, reason: &str| {
        all.deductions
            .iter()
            .find(|l| {
                l.customer == job && l.deduction.reason.as_str() == reason && l.deduction.engineer == "alice"
            })
            .map(|l| l.key.clone())
            .expect("the line")
    };
    for (k, upheld) in [(key("J1", "contact"), false), (key("J2", "on_site"), true)] {
        let res = s
            .post(
                &manager,
                "/api/v1/assessment/decisions",
                &json!({"key": k, "upheld": upheld, "reason": "经核实"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    let res = s
        .post(
            &manager,
            "/api/v1/assessment/decisions",
            &json!({"key": key("J1", "contact"), "upheld": true, "reason": " "}),
        )
        .await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(), Some("reason"));
    let after = month(&s, &desk, "/api/v1/assessment", month_of).await;
    assert_eq!(score(&after, "alice"), Some((5, 25_000 + 3 * 20_000, vec![Threshold::TwoPointsInAMonth])));
    let waived = after.deductions.iter().find(|l| l.key == key("J1", "contact")).expect("kept");
    assert!(!waived.counted && waived.decision.as_ref().is_some_and(|d| !d.upheld && d.by == MANAGER));

    // Each engineer reads their own month only.
    let mine = month(&s, &alice, "/api/v1/assessment/mine", month_of).await;
    assert!(mine.deductions.iter().all(|l| l.deduction.engineer == "alice"));
    assert_eq!(mine.scores.iter().map(|s| s.engineer.as_str()).collect::<Vec<_>>(), vec!["alice"]);
    let res = s.get(&alice, "/api/v1/assessment/mine?month=2026-13").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
