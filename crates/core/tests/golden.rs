//! Freezes the JSON of `/api/v1`. Phones in the field run old builds for weeks: a change here
//! that is not a new optional field breaks them. If a change is intended, regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p onsite-core --test golden` and review the diff.

use chrono::{TimeZone, Utc};
use onsite_core::event::EscalationTarget;
use onsite_core::ids::{DeviceId, EventId, JobId, UserId};
use onsite_core::parts::{Part, VanStock};
use onsite_core::signoff::{Coverage, Ratings, SignOff, Signature};
use onsite_core::steps::{Step, StepGroup};
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

/// The desk's record of the golden job: dispatched an hour before `now`, then one more entry
/// (a new appointment, or a vendor sent alongside).
fn desk_record(
    now: chrono::DateTime<Utc>,
    complex: bool,
    then: onsite_core::desk::DeskAction,
) -> onsite_core::desk::DeskRecord {
    use onsite_core::desk::{DeskAction, DeskEntry};
    let entry =
        |ago: chrono::Duration, action, engineer: Option<&str>, vendor: Option<&str>, note: &str| DeskEntry {
            at: now - ago,
            by: Some("desk".into()),
            action,
            engineer: engineer.map(str::to_string),
            vendor: vendor.map(str::to_string),
            note: note.into(),
        };
    let second = match then {
        DeskAction::Alongside => entry(
            chrono::Duration::minutes(20),
            then,
            None,
            Some("华为售后 Huawei service"),
            "机顶盒固件异常",
        ),
        _ => entry(chrono::Duration::minutes(40), then, None, None, "用户改约下午"),
    };
    onsite_core::desk::DeskRecord {
        channel: Some(onsite_core::desk::Channel::Wechat),
        received_at: Some(now - chrono::Duration::minutes(50)),
        closed: None,
        complex,
        log: vec![
            entry(chrono::Duration::hours(1), DeskAction::Dispatch, Some("wang.fang"), None, ""),
            second,
        ],
    }
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
        rev: received.then_some(40 + seq as i64),
    }
}

fn sign_off() -> SignOff {
    SignOff {
        result: "更换光猫，测速正常".into(),
        signer: "李娜".into(),
        signature: Signature {
            w: 320,
            h: 160,
            strokes: vec![vec![20, 80, 6, -3, 9, -1, 12, 4], vec![150, 60, 0, 30]],
        },
        ratings: Ratings { speed: 5, attitude: 5, result: 4 },
        comment: "师傅很专业".into(),
        covers: vec![Coverage { device: DeviceId(id(0xd)), through_seq: 12 }],
        hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
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
        checklist: Some(vec![Step {
            id: "speed_test".into(),
            zh: "测速".into(),
            en: "Speed test".into(),
            required: true,
            group: StepGroup::Technical,
        }]),
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
                event(EventBody::StepDone { step: "shoe_covers".into() }, 7, false),
                event(
                    EventBody::StepSkipped { step: "speed_test".into(), reason: "用户无电脑".into() },
                    8,
                    false,
                ),
                event(
                    EventBody::PartUsed {
                        part: "ONT-HG8245".into(),
                        qty: 1,
                        serial: Some("48575443A1B2C3D4".into()),
                    },
                    9,
                    false,
                ),
                event(EventBody::PartReturned { part: "CAT6-M".into(), qty: 5, serial: None }, 10, false),
                event(
                    EventBody::Escalated {
                        to: EscalationTarget::Vendor,
                        reason: "光猫固件需厂家升级".into(),
                    },
                    11,
                    false,
                ),
                event(
                    EventBody::FeeCollected { amount_fen: 12_800, receipt_no: "SH-2026-000123".into() },
                    12,
                    false,
                ),
                event(EventBody::SignedOff(sign_off()), 13, false),
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
                rev: 41,
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
            field: None,
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
            catalogue: Some(vec![Part {
                sku: "ONT-HG8245".into(),
                zh: "华为光猫 HG8245".into(),
                en: "Huawei ONT HG8245".into(),
                serialised: true,
            }]),
            van: Some(VanStock {
                rev: 57,
                counts: [("ONT-HG8245".to_string(), 3), ("CAT6-M".to_string(), 120)].into(),
            }),
            settings: Some(Settings { company: "杭州宽带服务有限公司".into(), retention_days: 30 }),
        },
    );
}

#[test]
fn session_and_dispatch() {
    let user = User::new(UserId(id(0xe1)), "wang.fang".into(), "王芳".into(), vec![Role::Engineer]);
    check(
        "session",
        &Session {
            token: "3q2-opaque-token".into(),
            expires_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 15, 0).unwrap(),
            user: user.clone(),
            refresh_token: Some("7f1-opaque-refresh-token".into()),
            refresh_expires_at: Some(Utc.with_ymd_and_hms(2026, 12, 23, 9, 0, 0).unwrap()),
            must_change_password: false,
        },
    );
    // A session from a server without refresh tokens (and without `roles`) still parses, with
    // none, its one role held.
    let old = r#"{"token":"3q2-opaque-token","expires_at":"2026-12-23T09:00:00Z",
        "user":{"id":"00000000-0000-0000-0000-0000000000e1","login":"wang.fang","name":"王芳","role":"engineer"}}"#;
    let old: Session = serde_json::from_str(old).expect("a session without refresh fields parses");
    assert_eq!((old.refresh_token, old.refresh_expires_at, old.must_change_password), (None, None, false));
    assert_eq!((old.user.role, old.user.held()), (Role::Engineer, &[Role::Engineer][..]));
    assert_eq!((&old.user.login, old.user.id), (&user.login, user.id));
    check("refresh_request", &RefreshRequest { refresh_token: "7f1-opaque-refresh-token".into() });
    check(
        "too_many_requests",
        &ErrorBody {
            error: ErrorCode::TooManyRequests,
            message: "too many requests for this token: retry after 1 s".into(),
            events: Vec::new(),
            field: None,
        },
    );
    check(
        "account_field_refused",
        &ErrorBody {
            error: ErrorCode::Unprocessable,
            message: "login: only lower-case letters, digits, '.', '_' and '-'".into(),
            events: Vec::new(),
            field: Some("login".into()),
        },
    );
    check(
        "new_account",
        &NewAccount {
            login: "zhou.min".into(),
            name: "周敏".into(),
            roles: vec![Role::Engineer],
            password: "initial-2026".into(),
            area: "浦东站".into(),
            duties: vec![JobKind::Install, JobKind::Repair],
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
            checklist: None,
            channel: Some(onsite_core::desk::Channel::Phone),
            remote_fix: None,
            complex: false,
        },
    );
    let events = vec![event(EventBody::Arrived, 3, true)];
    let domain: Vec<_> = events.iter().map(EventWire::to_event).collect();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    check(
        "job_detail",
        &JobDetail {
            job: job(),
            status: onsite_core::JobStatus::OnSite,
            report: onsite_core::report::report(&job().into_job(), &domain, now),
            events,
            flags: vec![Flag {
                kind: FlagKind::StockShort,
                event_id: EventId(id(0x109)),
                detail: "ONT-HG8245: used 1, the van held 0".into(),
                at: now,
            }],
            desk: desk_record(now, false, onsite_core::desk::DeskAction::Appointment),
        },
    );
    // The board's row of the same job: every clock with when it was met, the desk's own among
    // them, and the flag as a concern.
    let record = desk_record(now, true, onsite_core::desk::DeskAction::Alongside);
    let flag = Flag {
        kind: FlagKind::StockShort,
        event_id: EventId(id(0x109)),
        detail: "ONT-HG8245: used 1, the van held 0".into(),
        at: now,
    };
    check(
        "board",
        &Board {
            rows: vec![onsite_core::desk_board::row(
                &job(),
                Some("wang.fang".into()),
                &[event(EventBody::Arrived, 3, true)],
                &[flag],
                vec![],
                &record,
            )],
            engineers: vec![BoardEngineer {
                login: "wang.fang".into(),
                name: "王芳".into(),
                area: "浦东站".into(),
            }],
        },
    );
    check("cancel_request", &onsite_core::wire::CancelRequest { reason: "用户撤单：已自行恢复".into() });
    check(
        "assign_request",
        &onsite_core::wire::AssignRequest { assignee: "li.lei".into(), reason: "王芳请假".into() },
    );
}

#[test]
fn van_issue() {
    check("van_issue", &VanIssue { part: "CAT6-M".into(), qty: 100 });
    check("van_take_back", &VanIssue { part: "ONT-HG8245".into(), qty: -1 });
}
