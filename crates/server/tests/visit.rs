//! The on-site visit over real HTTP: steps, parts and van stock, SLA lines, fees, escalation,
//! the sealed sign-off and the flags the service desk sees.

mod common;

use common::*;
use onsite_core::event::EscalationTarget;
use onsite_core::parts::{PartLine, VanStock, van_count};
use onsite_core::signoff::{MAX_POINTS, Signature, Verification};
use onsite_core::sla::SlaState;
use onsite_core::steps::StepState;
use onsite_core::sync::{LoggedEvent, SyncState};
use onsite_core::wire::{ErrorCode, EventBody, EventWire, FlagKind, JobWire, RejectCode};
use onsite_core::{EventId, JobStatus};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;

const ONT: &str = "ONT-HG8245";
const CAT6: &str = "CAT6-M";

fn used(part: &str, qty: u32, serial: Option<&str>) -> EventBody {
    EventBody::PartUsed { part: part.into(), qty, serial: serial.map(Into::into) }
}

fn count(van: &VanStock, part: &str) -> i64 {
    van.counts.get(part).copied().unwrap_or(0)
}

/// Opens a job for `assignee` with the `NewJob` body edited first.
async fn create_with(
    s: &Server,
    desk: &str,
    assignee: Option<&str>,
    edit: impl FnOnce(&mut Value),
) -> JobWire {
    let mut body = new_job(assignee);
    edit(&mut body);
    let res = s.post(desk, "/api/v1/jobs", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create job");
    res.json().await.expect("JobWire")
}

#[tokio::test]
async fn a_full_visit_is_reported_to_the_desk_with_an_intact_sign_off() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    s.put_part(&desk, ONT, true).await;
    s.put_part(&desk, CAT6, false).await;
    s.issue(&desk, ALICE, ONT, 3).await;
    s.issue(&desk, ALICE, CAT6, 100).await;
    let job = s.create_job(&desk, Some(ALICE)).await;

    let mut phone = Phone::new();
    let mut events = vec![
        phone.record(&job, 3, EventBody::CustomerContacted),
        phone.record(&job, 5, EventBody::Departed),
        phone.record(&job, 30, EventBody::Arrived),
    ];
    let mut steps = phone.all_steps(&job, 32);
    steps.retain(|e| !matches!(&e.body, EventBody::StepDone { step } if step == "line_labels"));
    events.extend(steps);
    let skip_reason = "新装线路，无旧线标";
    events.push(phone.record(
        &job,
        33,
        EventBody::StepSkipped { step: "line_labels".into(), reason: skip_reason.into() },
    ));
    events.push(phone.record(&job, 40, used(ONT, 1, Some("48575443A1B2C3D4"))));
    events.push(phone.record(&job, 41, used(CAT6, 20, None)));
    events.push(phone.record(&job, 42, EventBody::PartReturned { part: CAT6.into(), qty: 5, serial: None }));
    events.push(phone.record(
        &job,
        45,
        EventBody::FeeCollected { amount_fen: 5_000, receipt_no: "SH-2026-000321".into() },
    ));
    events.push(phone.record(
        &job,
        46,
        EventBody::Escalated {
            to: EscalationTarget::Senior, reason: "OLT 端口需后台重新配置".into()
        },
    ));
    events.push(phone.record(&job, 47, EventBody::NoteAdded { text: "后台已重配端口，光信号恢复".into() }));
    let sign = phone.sign_off(&job, &events, 55, draft());
    events.push(sign.clone());
    let EventBody::SignedOff(sealed) = &sign.body else { unreachable!() };

    let acks = s.push_ok(&alice, phone.device, &events).await.acked;
    assert_eq!(acks.len(), events.len());
    assert!(acks.iter().all(|a| !a.duplicate));
    assert!(acks.windows(2).all(|w| w[0].rev < w[1].rev), "each applied at its own, higher rev");
    assert!(acks[0].rev > job.rev);
    let rev_of: HashMap<EventId, i64> = acks.iter().map(|a| (a.id, a.rev)).collect();

    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.status, JobStatus::Completed);
    assert_eq!(detail.flags, vec![], "nothing to flag");
    assert!(detail.events.iter().all(|e| e.rev == rev_of.get(&e.id).copied()), "every event carries its rev");
    let r = &detail.report;
    assert_eq!(r.status, JobStatus::Completed);
    assert!(r.steps.iter().all(|l| l.state.is_settled()), "{:?}", r.steps);
    let labels = r.steps.iter().find(|l| l.step.id == "line_labels").map(|l| &l.state);
    assert!(matches!(labels, Some(StepState::Skipped { reason, .. }) if reason == skip_reason));
    assert_eq!(
        r.parts,
        vec![
            PartLine { part: CAT6.into(), used: 20, returned: 5, serials: vec![] },
            PartLine { part: ONT.into(), used: 1, returned: 0, serials: vec!["48575443A1B2C3D4".into()] },
        ]
    );
    assert_eq!(r.sla.len(), 2, "a repair: contact and on site");
    assert!(r.sla.iter().all(|l| matches!(l.state, SlaState::Met { .. })), "{:?}", r.sla);
    assert_eq!(r.fees.len(), 1);
    assert_eq!((r.fees[0].amount_fen, r.fees[0].receipt_no.as_str()), (5_000, "SH-2026-000321"));
    assert_eq!(r.escalations.len(), 1);
    assert_eq!(r.escalations[0].to, EscalationTarget::Senior);
    assert_eq!(r.notes.len(), 1);
    assert_eq!(r.result.as_deref(), Some(draft().result.as_str()));
    assert!(r.blockers.is_empty());
    let line = r.sign_off.as_ref().expect("signed off");
    assert_eq!(line.verification, Verification::Intact);
    assert_eq!((line.signer.as_str(), line.hash.as_str()), ("张伟", sealed.hash.as_str()));
    assert_eq!(line.short_hash, sealed.hash[..8]);
    assert!(line.svg_path.starts_with("M20 80l"), "{}", line.svg_path);

    // The engineer reads the same report of her own job.
    assert_eq!(s.detail(&alice, job.id).await.report.sign_off, r.sign_off);
    // The van: 3 ONT less 1; 100 m of cable less 20 plus 5.
    let van = s.van(&desk, ALICE).await;
    assert_eq!((count(&van, ONT), count(&van, CAT6)), (2, 85));

    // A replay is acknowledged with the revs the events were stored at.
    let replay = s.push_ok(&alice, phone.device, &events).await.acked;
    assert!(replay.iter().all(|a| a.duplicate && rev_of.get(&a.id) == Some(&a.rev)));
    assert_eq!(s.detail(&desk, job.id).await.events.len(), events.len());
}

#[tokio::test]
async fn pull_carries_the_van_on_every_page_and_the_catalogue_only_when_it_changed() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let ont = s.put_part(&desk, ONT, true).await;
    let cat6 = s.put_part(&desk, CAT6, false).await;
    s.issue(&desk, ALICE, ONT, 3).await;
    s.issue(&desk, ALICE, CAT6, 100).await;
    s.create_job(&desk, Some(ALICE)).await;

    let first = s.pull(&alice, 0).await;
    assert_eq!(first.catalogue, Some(vec![cat6.clone(), ont.clone()]), "the whole catalogue, by sku");
    let van = first.van.clone().expect("the van on every pull");
    assert_eq!((count(&van, ONT), count(&van, CAT6)), (3, 100));
    assert!(!first.more);
    assert_eq!(van.rev, first.cursor, "nothing more waits: the cursor is the read's counter");

    let raw: Value =
        s.get(&alice, &format!("/api/v1/sync/pull?cursor={}", first.cursor)).await.json().await.unwrap();
    assert!(raw.get("catalogue").is_none(), "unchanged catalogue omitted: {raw}");
    assert!(raw["van"]["counts"].is_object());
    // Recording that the phone received its job took one change number after the first pull.
    let settled = raw["cursor"].as_i64().expect("cursor");
    assert_eq!(settled, first.cursor + 1);

    // Storing a part as it is changes nothing; changing one sends the catalogue again.
    s.put_part(&desk, ONT, true).await;
    let same = s.pull(&alice, settled).await;
    assert_eq!((same.catalogue.as_ref(), same.cursor), (None, settled));
    let renamed =
        json!({"sku": ONT, "zh": "华为光猫 HG8245H", "en": "Huawei ONT HG8245H", "serialised": true});
    assert_eq!(s.put(&desk, &format!("/api/v1/parts/{ONT}"), &renamed).await.status(), StatusCode::OK);
    let changed = s.pull(&alice, same.cursor).await;
    let catalogue = changed.catalogue.expect("a part changed after the cursor");
    assert_eq!(catalogue.iter().find(|p| p.sku == ONT).map(|p| p.zh.as_str()), Some("华为光猫 HG8245H"));
    assert!(changed.cursor > same.cursor);
    assert_eq!(s.pull(&alice, changed.cursor).await.catalogue, None);

    // Bob's first pull: the catalogue, and his own (empty) van.
    let bobs = s.pull(&bob, 0).await;
    assert_eq!(bobs.catalogue.map(|c| c.len()), Some(2));
    assert_eq!(bobs.van.map(|v| v.counts.is_empty()), Some(true));
}

#[tokio::test]
async fn the_van_count_goes_down_when_the_part_event_syncs_and_never_twice() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    s.put_part(&desk, ONT, true).await;
    s.issue(&desk, ALICE, ONT, 3).await;
    let job = s.create_job(&desk, Some(ALICE)).await;
    let snapshot = s.van(&alice, ALICE).await;
    assert_eq!(count(&snapshot, ONT), 3);

    // Recorded on the phone, not yet synced: the phone counts it at once, the server not yet.
    let mut phone = Phone::new();
    let use_one = phone.record(&job, 40, used(ONT, 1, Some("SN-0001")));
    let mut log = vec![LoggedEvent { event: use_one.to_event(), sync: SyncState::Pending }];
    assert_eq!(van_count(&snapshot, &log)[ONT], 2);
    assert_eq!(count(&s.van(&desk, ALICE).await, ONT), 3);

    let ack = s.push_ok(&alice, phone.device, std::slice::from_ref(&use_one)).await.acked.remove(0);
    assert!(ack.rev > snapshot.rev);
    log[0].sync = SyncState::Acked { received_at: ack.received_at, rev: Some(ack.rev) };
    assert_eq!(van_count(&snapshot, &log)[ONT], 2, "the old snapshot does not include it yet");
    let fresh = s.van(&alice, ALICE).await;
    assert_eq!(count(&fresh, ONT), 2, "the server counts it once synced");
    assert!(fresh.rev >= ack.rev, "the count includes every event up to its rev");
    assert_eq!(van_count(&fresh, &log)[ONT], 2, "never subtracted twice");

    // The pull's van is the same count, and the pulled event carries the rev it was applied at.
    let pull = s.pull(&alice, 0).await;
    let van = pull.van.expect("van");
    assert_eq!((count(&van, ONT), van.rev >= ack.rev), (2, true));
    assert_eq!(pull.events.iter().find(|e| e.id == use_one.id).and_then(|e| e.rev), Some(ack.rev));

    // Any of the engineer's devices counts; a part returned goes back in the van, even after
    // the job was re-dispatched (the count follows the engineer, not the job).
    let mut tablet = Phone::new();
    let back = tablet.record(&job, 50, EventBody::PartReturned { part: ONT.into(), qty: 1, serial: None });
    s.push_ok(&alice, tablet.device, &[back]).await;
    s.assign(&desk, job.id, BOB).await;
    assert_eq!(count(&s.van(&desk, ALICE).await, ONT), 3);
    assert!(s.van(&desk, BOB).await.counts.is_empty());

    // Stock taken back (入库): a negative issue.
    let after = s.issue(&desk, ALICE, ONT, -3).await;
    assert_eq!(count(&after, ONT), 0);
    assert!(after.rev > fresh.rev);
}

#[tokio::test]
async fn using_more_than_the_van_holds_is_applied_and_flagged_stock_short() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    s.put_part(&desk, ONT, true).await;
    s.issue(&desk, ALICE, ONT, 1).await;
    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let first = phone.record(&job, 30, used(ONT, 1, Some("SN-1")));
    // The van held one: the second, in the same batch, finds it empty.
    let second = phone.record(&job, 31, used(ONT, 1, Some("SN-2")));
    let unlisted = phone.record(&job, 32, used("RJ45", 2, None));
    let acks =
        s.push_ok(&alice, phone.device, &[first.clone(), second.clone(), unlisted.clone()]).await.acked;
    assert_eq!(acks.len(), 3, "flags never refuse an event");

    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.events.len(), 3);
    let flags: Vec<(FlagKind, EventId, &str)> =
        detail.flags.iter().map(|f| (f.kind, f.event_id, f.detail.as_str())).collect();
    assert_eq!(
        flags,
        vec![
            (FlagKind::StockShort, second.id, "ONT-HG8245: used 1, the van held 0"),
            (FlagKind::StockShort, unlisted.id, "RJ45: used 2, the van held 0"),
        ]
    );
    assert_eq!(count(&s.van(&desk, ALICE).await, ONT), -1, "the count says what happened");
    assert_eq!(s.list_ids(&desk, "?flagged=true").await, vec![job.id]);
}

#[tokio::test]
async fn a_sign_off_with_a_wrong_hash_is_applied_and_flagged_altered() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let mut events = vec![phone.record(&job, 20, EventBody::Arrived)];
    events.extend(phone.all_steps(&job, 25));
    let mut sign = phone.sign_off(&job, &events, 40, draft());
    if let EventBody::SignedOff(so) = &mut sign.body {
        so.hash = "0".repeat(64);
    }
    events.push(sign.clone());
    s.push_ok(&alice, phone.device, &events).await;
    // The hash is checked after the push commits, off the write path.
    s.settle().await;

    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.status, JobStatus::Completed);
    assert_eq!(
        detail.flags.iter().map(|f| (f.kind, f.event_id)).collect::<Vec<_>>(),
        vec![(FlagKind::SignOffAltered, sign.id)]
    );
    assert!(detail.flags[0].detail.contains("00000000"), "{}", detail.flags[0].detail);
    let verification = detail.report.sign_off.map(|l| l.verification);
    assert!(
        matches!(verification, Some(Verification::Altered { expected, .. }) if expected == "0".repeat(64))
    );
}

#[tokio::test]
async fn a_covered_event_changed_in_the_database_later_shows_as_altered() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let mut events =
        vec![phone.record(&job, 3, EventBody::CustomerContacted), phone.record(&job, 30, EventBody::Arrived)];
    let note = phone.record(&job, 31, EventBody::NoteAdded { text: "旧光猫已回收".into() });
    events.push(note.clone());
    events.extend(phone.all_steps(&job, 35));
    events.push(phone.sign_off(&job, &events, 50, draft()));
    s.push_ok(&alice, phone.device, &events).await;
    s.settle().await;
    let before = s.detail(&desk, job.id).await;
    assert_eq!(before.report.sign_off.map(|l| l.verification), Some(Verification::Intact));

    // Someone edits the stored note behind the server's back.
    let changed = s.sql(
        "UPDATE events SET body = json_set(body, '$.text', ?1) WHERE id = ?2",
        rusqlite::params!["没有回收旧光猫", note.id.to_string()],
    );
    assert_eq!(changed, 1);

    let after = s.detail(&desk, job.id).await;
    let stored = after.events.iter().find(|e| e.id == note.id).map(|e| &e.body);
    assert_eq!(stored, Some(&EventBody::NoteAdded { text: "没有回收旧光猫".into() }));
    let verification = after.report.sign_off.map(|l| l.verification);
    assert!(matches!(verification, Some(Verification::Altered { .. })), "{verification:?}");
    assert_eq!(after.flags, vec![], "flags are raised on arrival; the report re-verifies on every read");
}

#[tokio::test]
async fn finishing_with_required_steps_open_is_flagged_steps_unsettled() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let mut events = vec![
        phone.record(&job, 20, EventBody::Arrived),
        phone.record(&job, 21, EventBody::StepDone { step: "agree_time".into() }),
        phone.record(
            &job,
            22,
            EventBody::StepSkipped { step: "shoe_covers".into(), reason: "用户说不用".into() },
        ),
    ];
    let sign = phone.sign_off(&job, &events, 40, draft());
    events.push(sign.clone());
    s.push_ok(&alice, phone.device, &events).await;
    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.flags.len(), 1);
    let flag = &detail.flags[0];
    assert_eq!((flag.kind, flag.event_id), (FlagKind::StepsUnsettled, sign.id));
    assert!(
        flag.detail.starts_with("signed off with required steps open: kit_badge, knock, greeting, clean_up"),
        "{}",
        flag.detail
    );
    assert!(!flag.detail.contains("shoe_covers") && !flag.detail.contains("line_labels"), "{}", flag.detail);
    assert_eq!(detail.report.sign_off.map(|l| l.verification), Some(Verification::Intact));

    // Completing (an inspection, which has no sign-off) with steps open is flagged the same way.
    let inspection = create_with(&s, &desk, Some(ALICE), |b| b["kind"] = json!("inspection")).await;
    let done = phone.record(&inspection, 30, EventBody::Completed { result: "设备正常".into() });
    s.push_ok(&alice, phone.device, std::slice::from_ref(&done)).await;
    let flags = s.detail(&desk, inspection.id).await.flags;
    assert_eq!(
        flags.iter().map(|f| (f.kind, f.event_id)).collect::<Vec<_>>(),
        vec![(FlagKind::StepsUnsettled, done.id)]
    );
    assert!(
        flags[0].detail.starts_with("completed with required steps open: kit_badge"),
        "{}",
        flags[0].detail
    );
}

#[tokio::test]
async fn the_desk_list_filters_by_sla_state_escalation_and_flags() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    s.put_part(&desk, ONT, true).await;
    let mut alices = Phone::new();
    let mut bobs = Phone::new();

    // Repairs, dispatched now: contact within 10 minutes, on site within the hour.
    let fresh = s.create_job(&desk, Some(ALICE)).await;
    let met = s.create_job(&desk, Some(ALICE)).await;
    s.push_ok(&alice, alices.device, &[alices.record(&met, 3, EventBody::CustomerContacted)]).await;
    let missed = s.create_job(&desk, Some(ALICE)).await;
    s.push_ok(&alice, alices.device, &[alices.record(&missed, 20, EventBody::CustomerContacted)]).await;
    // Dispatched 9 minutes ago (the clock moved on): the contact deadline is in its last fifth.
    let due_soon = s.create_job(&desk, Some(ALICE)).await;
    let nine_ago = onsite_server::db::fmt_time(onsite_server::db::now() - chrono::Duration::minutes(9));
    s.sql(
        "UPDATE jobs SET dispatched_at = ?1 WHERE id = ?2",
        rusqlite::params![nine_ago, due_soon.id.to_string()],
    );
    let escalated = s.create_job(&desk, Some(BOB)).await;
    let up = bobs.record(
        &escalated,
        30,
        EventBody::Escalated { to: EscalationTarget::Vendor, reason: "光猫固件需厂家升级".into() },
    );
    s.push_ok(&bob, bobs.device, &[up]).await;
    let flagged = s.create_job(&desk, Some(BOB)).await;
    s.push_ok(&bob, bobs.device, &[bobs.record(&flagged, 30, used(ONT, 1, None))]).await;
    let undispatched = s.create_job(&desk, None).await;

    let sorted = |mut ids: Vec<onsite_core::JobId>| {
        ids.sort();
        ids
    };
    let dispatched = sorted(vec![fresh.id, met.id, missed.id, due_soon.id, escalated.id, flagged.id]);
    assert_eq!(
        s.list_ids(&desk, "?sla=on_track").await,
        dispatched,
        "every dispatched repair is still due on site"
    );
    assert_eq!(s.list_ids(&desk, "?sla=met").await, vec![met.id]);
    assert_eq!(s.list_ids(&desk, "?sla=missed").await, vec![missed.id]);
    assert_eq!(s.list_ids(&desk, "?sla=due_soon").await, vec![due_soon.id]);
    assert_eq!(s.list_ids(&desk, "?escalated=true").await, vec![escalated.id]);
    let mut not_escalated = dispatched.clone();
    not_escalated.retain(|id| *id != escalated.id);
    not_escalated.push(undispatched.id);
    assert_eq!(s.list_ids(&desk, "?escalated=false").await, sorted(not_escalated));
    assert_eq!(s.list_ids(&desk, "?flagged=true").await, vec![flagged.id]);
    assert_eq!(s.list_ids(&desk, "?engineer=bob&flagged=false").await, vec![escalated.id]);
    assert_eq!(s.list_ids(&desk, "?engineer=alice&sla=missed&status=contacted").await, vec![missed.id]);

    let body = error_body(s.get(&desk, "/api/v1/jobs?sla=late").await, StatusCode::BAD_REQUEST).await;
    assert_eq!(body.error, ErrorCode::BadRequest);
    assert!(body.message.contains("on_track"), "{}", body.message);
    error_body(s.get(&desk, "/api/v1/jobs?escalated=maybe").await, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn parts_and_van_endpoints_check_who_asks() {
    let s = Server::start().await;
    let (desk, alice, bob) = (s.login(DISPATCHER).await, s.login(ALICE).await, s.login(BOB).await);
    let part = json!({"sku": ONT, "zh": "华为光猫 HG8245", "en": "Huawei ONT HG8245", "serialised": true});
    let put = |token: &str, sku: &str, body: &Value| {
        let (token, path, body) = (token.to_string(), format!("/api/v1/parts/{sku}"), body.clone());
        let s = &s;
        async move { s.put(&token, &path, &body).await }
    };
    error_body(put(&alice, ONT, &part).await, StatusCode::FORBIDDEN).await;
    assert_eq!(put(&desk, ONT, &part).await.status(), StatusCode::OK);
    let res = s.client.get(s.url("/api/v1/parts")).send().await.unwrap();
    error_body(res, StatusCode::UNAUTHORIZED).await;
    let listed: Value = s.get(&alice, "/api/v1/parts").await.json().await.unwrap();
    assert_eq!(listed, json!([part]), "any engineer reads the catalogue");

    let issue = json!({"part": ONT, "qty": 2});
    error_body(s.post(&alice, "/api/v1/engineers/alice/van", &issue).await, StatusCode::FORBIDDEN).await;
    s.issue(&desk, BOB, ONT, 2).await;
    assert_eq!(count(&s.van(&bob, BOB).await, ONT), 2, "an engineer reads their own van");
    error_body(s.get(&alice, "/api/v1/engineers/bob/van").await, StatusCode::FORBIDDEN).await;
    error_body(s.get(&bob, "/api/v1/engineers/nobody/van").await, StatusCode::FORBIDDEN).await;
    error_body(s.get(&desk, "/api/v1/engineers/nobody/van").await, StatusCode::NOT_FOUND).await;
    error_body(s.get(&desk, "/api/v1/engineers/desk/van").await, StatusCode::NOT_FOUND).await;
    error_body(s.post(&desk, "/api/v1/engineers/nobody/van", &issue).await, StatusCode::NOT_FOUND).await;

    // The rules of an issue and of a part are the core's: 422 with the reason.
    let van = "/api/v1/engineers/alice/van";
    for (body, says) in [
        (json!({"part": ONT, "qty": 0}), "qty"),
        (json!({"part": ONT, "qty": 100_001}), "qty"),
        (json!({"part": "NOPE", "qty": 1}), "NOPE"),
        (json!({"part": " ", "qty": 1}), "part"),
    ] {
        let err = error_body(s.post(&desk, van, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(err.message.contains(says), "{body}: {}", err.message);
    }
    assert!(s.van(&alice, ALICE).await.counts.is_empty(), "nothing was issued");
    let long = "X".repeat(65);
    for (sku, body, says) in [
        ("OTHER", part.clone(), "sku"),
        (ONT, json!({"sku": ONT, "zh": " ", "en": "ONT", "serialised": true}), "zh"),
        (long.as_str(), json!({"sku": long, "zh": "光猫", "en": "ONT", "serialised": true}), "sku"),
    ] {
        let err = error_body(put(&desk, sku, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(err.message.contains(says), "{sku}: {}", err.message);
    }
}

#[tokio::test]
async fn the_desks_checklist_round_trips_and_a_bad_one_is_422() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let step = |id: &str, required: bool| json!({"id": id, "zh": format!("步骤 {id}"), "en": format!("Step {id}"), "required": required, "group": "technical"});
    let checklist = json!([step("switch_status", true), step("ups_battery", false)]);
    let job = create_with(&s, &desk, Some(ALICE), |b| {
        b["kind"] = json!("inspection");
        b["checklist"] = checklist.clone();
    })
    .await;
    assert_eq!(serde_json::to_value(&job.checklist).unwrap(), checklist);
    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.job, job, "stored as answered");
    let ids: Vec<&str> = detail.report.steps.iter().map(|l| l.step.id.as_str()).collect();
    assert_eq!(ids, vec!["switch_status", "ups_battery"], "the report follows the desk's checklist");
    let pulled = s.pull(&alice, 0).await;
    assert_eq!(pulled.jobs[0].checklist, job.checklist);

    // Without one, the header has no checklist at all (the app uses the kind's default).
    let plain = s.post(&desk, "/api/v1/jobs", &new_job(Some(ALICE))).await.json::<Value>().await.unwrap();
    assert!(plain.get("checklist").is_none(), "{plain}");

    let too_many: Vec<Value> = (0..61).map(|i| step(&format!("s{i}"), false)).collect();
    let mut untitled = step("x", true);
    untitled["en"] = json!("");
    for (bad, says) in [
        (json!([step("same", true), step("same", false)]), "twice"),
        (json!([step(" ", true)]), "step id"),
        (json!([untitled]), "title"),
        (json!(too_many), "60"),
    ] {
        let mut body = new_job(None);
        body["checklist"] = bad;
        let err =
            error_body(s.post(&desk, "/api/v1/jobs", &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(err.message.contains("checklist") && err.message.contains(says), "{}", err.message);
    }
}

/// A signature of exactly `points` points in 200 strokes, with moves of a few pixels.
fn signature_of(points: usize) -> Signature {
    let strokes = 200;
    let per = points / strokes;
    let mut all: Vec<Vec<i32>> = (0..strokes)
        .map(|i| {
            let mut s = vec![1000 + i as i32, 2000];
            for k in 1..per {
                s.extend([-12 + (k % 25) as i32, 7 - (k % 15) as i32]);
            }
            s
        })
        .collect();
    for stroke in all.iter_mut().take(points - per * strokes) {
        stroke.extend([3, -4]);
    }
    Signature { w: 4000, h: 4000, strokes: all }
}

#[tokio::test]
async fn a_signature_at_the_limit_is_accepted_and_one_point_more_is_422_naming_the_event() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);

    let job = s.create_job(&desk, Some(ALICE)).await;
    let mut phone = Phone::new();
    let mut events = vec![phone.record(&job, 20, EventBody::Arrived)];
    events.extend(phone.all_steps(&job, 25));
    let mut big = draft();
    big.signature = signature_of(MAX_POINTS);
    assert_eq!(big.signature.points(), MAX_POINTS);
    events.push(phone.sign_off(&job, &events, 40, big));
    let size = serde_json::to_vec(&json!({"device_id": phone.device, "events": events})).unwrap().len();
    assert!(size < onsite_server::api::BODY_LIMIT / 4, "a full signature is {size} bytes, far below 1 MiB");
    s.push_ok(&alice, phone.device, &events).await;
    let detail = s.detail(&desk, job.id).await;
    assert_eq!(detail.report.sign_off.map(|l| l.verification), Some(Verification::Intact));

    let other = s.create_job(&desk, Some(ALICE)).await;
    let mut events: Vec<EventWire> = vec![phone.record(&other, 20, EventBody::Arrived)];
    let mut too_big = draft();
    too_big.signature = signature_of(MAX_POINTS + 1);
    let sign = phone.sign_off(&other, &events, 40, too_big);
    events.push(sign.clone());
    let body =
        error_body(s.push(&alice, phone.device, &events).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.events.len(), 1);
    assert_eq!((body.events[0].id, body.events[0].code), (sign.id, RejectCode::Invalid));
    assert!(body.events[0].message.contains("signature"), "{}", body.events[0].message);
    assert!(s.detail(&desk, other.id).await.events.is_empty(), "nothing of the batch applied");
}
