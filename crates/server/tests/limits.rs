//! Every limit answers a clear JSON error: each string field of the wire one character over its
//! bound (the core's constants) is 422 and names the field; a signature over its size is 422; a
//! push over the batch size is 422; a body over 1 MiB is 413 (robustness.rs); too many requests
//! for one token is 429 (auth.rs). One character under the bound is accepted.

mod common;

use common::*;
use onsite_core::event::{MAX_CODE, MAX_NOTE, MAX_REASON};
use onsite_core::job::{MAX_LONG_FIELD, MAX_PHONE, MAX_SHORT_FIELD, MAX_WECHAT};
use onsite_core::parts::MAX_PART_NAME;
use onsite_core::signoff::{MAX_SIGNER, MAX_STROKES, Signature};
use onsite_core::steps::{MAX_STEP_ID, MAX_STEP_TITLE};
use onsite_core::sync::PUSH_MAX;
use onsite_core::wire::{ErrorCode, EventBody, MAX_LOGIN, RejectCode};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A field of `NewJob` set to a value: its key and JSON.
type Field = Box<dyn Fn(String) -> (String, Value)>;

/// `n` characters, multi-byte on purpose: bounds count characters, not bytes.
fn chars(n: usize) -> String {
    "字".repeat(n)
}

#[tokio::test]
async fn every_job_field_over_its_bound_is_422_and_at_its_bound_is_accepted() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    let step = |id: String, title: String| json!({"id": id, "group": "technical", "zh": title, "en": "Step", "required": true});
    let fields: Vec<(&str, usize, Field)> = vec![
        ("customer", MAX_SHORT_FIELD, Box::new(|v| ("customer".into(), json!(v)))),
        ("contact", MAX_SHORT_FIELD, Box::new(|v| ("contact".into(), json!(v)))),
        ("address", MAX_SHORT_FIELD, Box::new(|v| ("address".into(), json!(v)))),
        ("device_name", MAX_SHORT_FIELD, Box::new(|v| ("device_name".into(), json!(v)))),
        ("phone", MAX_PHONE, Box::new(|v| ("phone".into(), json!(v)))),
        ("wechat", MAX_WECHAT, Box::new(|v| ("wechat".into(), json!(v)))),
        ("fault", MAX_LONG_FIELD, Box::new(|v| ("fault".into(), json!(v)))),
        ("device_description", MAX_LONG_FIELD, Box::new(|v| ("device_description".into(), json!(v)))),
        ("step id", MAX_STEP_ID, Box::new(move |v| ("checklist".into(), json!([step(v, "检查".into())])))),
        (
            "step title",
            MAX_STEP_TITLE,
            Box::new(move |v| ("checklist".into(), json!([step("s1".into(), v)]))),
        ),
    ];
    for (name, max, field) in &fields {
        let mut body = new_job(None);
        let (key, value) = field(chars(max + 1));
        body[key.as_str()] = value;
        let res = s.post(&desk, "/api/v1/jobs", &body).await;
        let err = error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(err.error, ErrorCode::Unprocessable, "{name}");
        let mut ok = new_job(None);
        let (key, value) = field(chars(*max));
        ok[key.as_str()] = value;
        let res = s.post(&desk, "/api/v1/jobs", &ok).await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{name} at its bound: {}",
            res.text().await.unwrap_or_default()
        );
    }
    let mut body = new_job(None);
    body["assignee"] = json!(chars(MAX_LOGIN + 1));
    error_body(s.post(&desk, "/api/v1/jobs", &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let job = s.create_job(&desk, None).await;
    let res = s
        .put(&desk, &format!("/api/v1/jobs/{}/assignee", job.id), &json!({"assignee": chars(MAX_LOGIN + 1)}))
        .await;
    let err = error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(err.message.contains("longer than"), "{}", err.message);
}

#[tokio::test]
async fn every_event_field_over_its_bound_is_refused_as_invalid() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let mut signed = draft();
    signed.signer = chars(MAX_SIGNER + 1);
    let mut strokes = draft();
    strokes.signature = Signature { w: 320, h: 160, strokes: vec![vec![1, 1]; MAX_STROKES + 1] };
    let cases = [
        ("note", EventBody::NoteAdded { text: chars(MAX_NOTE + 1) }),
        ("result", EventBody::Completed { result: chars(MAX_NOTE + 1) }),
        ("reason", EventBody::CouldNotComplete { reason: chars(MAX_REASON + 1) }),
        ("step", EventBody::StepDone { step: chars(MAX_STEP_ID + 1) }),
        ("skip reason", EventBody::StepSkipped { step: "s1".into(), reason: chars(MAX_REASON + 1) }),
        ("part", EventBody::PartUsed { part: chars(MAX_CODE + 1), qty: 1, serial: None }),
        ("serial", EventBody::PartReturned { part: "P1".into(), qty: 1, serial: Some(chars(MAX_CODE + 1)) }),
        ("receipt", EventBody::FeeCollected { amount_fen: 100, receipt_no: chars(MAX_CODE + 1) }),
        ("signer", EventBody::SignedOff(signed)),
        ("signature strokes", EventBody::SignedOff(strokes)),
    ];
    for (name, body) in cases {
        let ev = phone.record(&job, 1, body);
        let res = s.push(&alice, phone.device, std::slice::from_ref(&ev)).await;
        let err = error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            (err.events.len(), err.events[0].id, err.events[0].code),
            (1, ev.id, RejectCode::Invalid),
            "{name}"
        );
        phone.seq -= 1;
    }
    // A note at its bound is applied.
    let ev = phone.record(&job, 1, EventBody::NoteAdded { text: chars(MAX_NOTE) });
    s.push_ok(&alice, phone.device, &[ev]).await;
    // One event over the batch size: the whole push is 422, nothing applied.
    let batch: Vec<_> = (0..=PUSH_MAX).map(|_| phone.record(&job, 2, EventBody::Arrived)).collect();
    let err = error_body(s.push(&alice, phone.device, &batch).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(err.message.contains(&PUSH_MAX.to_string()), "{}", err.message);
}

#[tokio::test]
async fn parts_and_van_issues_over_their_bounds_are_422() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    let long_sku = chars(MAX_CODE + 1);
    let part = json!({"sku": long_sku, "zh": "配件", "en": "Part", "serialised": false});
    let res = s.put(&desk, &format!("/api/v1/parts/{long_sku}"), &part).await;
    error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let part = json!({"sku": "P1", "zh": chars(MAX_PART_NAME + 1), "en": "Part", "serialised": false});
    error_body(s.put(&desk, "/api/v1/parts/P1", &part).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let part = json!({"sku": "P1", "zh": "配件", "en": chars(MAX_PART_NAME + 1), "serialised": false});
    error_body(s.put(&desk, "/api/v1/parts/P1", &part).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let issue = json!({"part": chars(MAX_CODE + 1), "qty": 1});
    error_body(s.post(&desk, "/api/v1/engineers/alice/van", &issue).await, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
}
