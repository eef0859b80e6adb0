//! Freezes the JSON of `/api/v1`. Phones in the field run old builds for weeks: a change here
//! that is not a new optional field breaks them. If a change is intended, regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p onsite-core --test golden` and review the diff.

use chrono::{TimeZone, Utc};
use onsite_core::ids::{DeviceId, EventId, JobId, UserId};
use onsite_core::wire::*;
use onsite_core::{JobKind, Priority};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use uuid::Uuid;

fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, value: &T) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.json"));
    let json = serde_json::to_string_pretty(value).expect("wire types serialize") + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &json).expect("write golden file");
    }
    let frozen = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(json, frozen, "the JSON of {name} changed");
    let back: T = serde_json::from_str(&frozen).expect("frozen JSON still parses");
    assert_eq!(&back, value, "{name} does not round-trip");
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn event(body: EventBody, seq: u64, received: bool) -> EventWire {
    EventWire {
        id: EventId(id(0x100 + seq as u128)),
        job_id: JobId(id(0x10)),
        device_id: DeviceId(id(0xd)),
        seq,
        device_time: Utc.with_ymd_and_hms(2026, 11, 23, 9, seq as u32, 0).unwrap(),
        body,
        received_at: received.then(|| Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap()),
    }
}

fn job() -> JobWire {
    JobWire {
        id: JobId(id(0x10)),
        kind: JobKind::Repair,
        priority: Priority::High,
        customer: "上海某某贸易有限公司".into(),
        contact: "李娜".into(),
        phone: "021-5888 0000".into(),
        wechat: Some("lina_sh".into()),
        address: "上海市徐汇区漕溪北路88号 5楼".into(),
        device_name: Some("光猫 HG8245".into()),
        device_description: None,
        fault: "LOS灯红，全部断网".into(),
        reported_at: Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap(),
        dispatched_at: Some(Utc.with_ymd_and_hms(2026, 11, 23, 8, 45, 0).unwrap()),
        appointment: Some(Window {
            start: Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap(),
        }),
        assignee: Some(UserId(id(0xe1))),
        rev: 42,
    }
}

#[test]
fn push_request() {
    check(
        "push_request",
        &PushRequest {
            device_id: DeviceId(id(0xd)),
            events: vec![
                event(EventBody::CustomerContacted, 1, false),
                event(EventBody::Departed, 2, false),
                event(EventBody::Arrived, 3, false),
                event(EventBody::NoteAdded { text: "用户要求周末回访".into() }, 4, false),
                event(EventBody::Completed { result: "更换光猫，测速正常".into() }, 5, false),
                event(EventBody::CouldNotComplete { reason: "用户不在家".into() }, 6, false),
            ],
        },
    );
}

#[test]
fn push_response_and_refusal() {
    check(
        "push_response",
        &PushResponse {
            acked: vec![EventAck {
                id: EventId(id(0x101)),
                received_at: Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap(),
                duplicate: false,
            }],
        },
    );
    check(
        "push_refused",
        &ErrorBody {
            error: ErrorCode::Forbidden,
            message: "1 event was refused; nothing of this push was applied".into(),
            events: vec![EventRejection {
                id: EventId(id(0x102)),
                code: RejectCode::ForeignJob,
                message: "this job is not assigned to you".into(),
            }],
        },
    );
}

#[test]
fn pull_response() {
    check(
        "pull_response",
        &PullResponse {
            cursor: 57,
            more: false,
            jobs: vec![job()],
            removed: vec![JobId(id(0x11))],
            events: vec![event(EventBody::Arrived, 3, true)],
        },
    );
}

#[test]
fn session_and_dispatch() {
    check(
        "session",
        &Session {
            token: "3q2-opaque-token".into(),
            expires_at: Utc.with_ymd_and_hms(2026, 12, 23, 9, 0, 0).unwrap(),
            user: User {
                id: UserId(id(0xe1)),
                login: "wang.fang".into(),
                name: "王芳".into(),
                role: Role::Engineer,
            },
        },
    );
    check(
        "new_job",
        &NewJob {
            kind: JobKind::Install,
            priority: Priority::Normal,
            customer: "陈强".into(),
            contact: "陈强".into(),
            phone: "13900001111".into(),
            wechat: None,
            address: "杭州市西湖区文三路200号 3单元 502".into(),
            device_name: None,
            device_description: None,
            fault: "新装 500M 宽带".into(),
            reported_at: None,
            appointment: None,
            assignee: Some("wang.fang".into()),
        },
    );
    check(
        "job_detail",
        &JobDetail {
            job: job(),
            status: onsite_core::JobStatus::OnSite,
            events: vec![event(EventBody::Arrived, 3, true)],
        },
    );
}
