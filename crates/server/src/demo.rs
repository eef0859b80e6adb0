//! Demo data for `--demo`: a service desk, two engineers, a dozen jobs, a parts catalogue and
//! the stock on both engineers' vans.
//!
//! Seeded only into a database with no users, in one transaction, so running `--demo` again
//! changes nothing. Times are relative to the moment of seeding ("dispatched five minutes
//! ago", "appointment tomorrow at 10:00 Shanghai time"), so the SLA clocks in the app show
//! something live. A few jobs carry visit events, pushed through the same rules as a phone's
//! push ([`crate::store::sync::apply_push`]): a repair finished with every step, a part and the
//! customer's sealed sign-off; a job escalated to the vendor; jobs under way. The inspection
//! carries the service desk's own checklist.

use crate::auth::hash_password;
use crate::db::{next_rev, now};
use crate::error::{Error, Result};
use crate::store;
use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use onsite_core::desk::{Channel, Closure, DeskAction};
use onsite_core::event::EscalationTarget;
use onsite_core::parts::Part;
use onsite_core::signoff::{Ratings, SignOff, Signature, seal};
use onsite_core::steps::{Step, StepGroup};
use onsite_core::wire::{EventBody, EventWire, PushRequest, Role, User};
use onsite_core::{DeviceId, EventId, Job, JobId, JobKind, Priority, TimeWindow, UserId, VisitEvent};
use rusqlite::{Connection, TransactionBehavior};
use serde_json::json;
use uuid::Uuid;

/// The service desk's login.
pub const DISPATCHER_LOGIN: &str = "desk";
/// The first engineer's login (most jobs).
pub const ENGINEER_LOGIN: &str = "wang.fang";
/// The second engineer's login.
pub const SECOND_ENGINEER_LOGIN: &str = "li.lei";
/// The senior engineer's login (sent in alongside).
pub const SENIOR_LOGIN: &str = "zhao.qiang";
/// The manager's login (reads the desk's board; does not dispatch).
pub const MANAGER_LOGIN: &str = "manager";
/// The admin's login (manages the accounts).
pub const ADMIN_LOGIN: &str = "admin";
/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "onsite-demo";
/// Every demo login with its role, for printing.
pub const DEMO_LOGINS: [(&str, &str); 6] = [
    (DISPATCHER_LOGIN, "dispatcher"),
    (ENGINEER_LOGIN, "engineer"),
    (SECOND_ENGINEER_LOGIN, "engineer"),
    (SENIOR_LOGIN, "senior_engineer"),
    (MANAGER_LOGIN, "manager"),
    (ADMIN_LOGIN, "admin"),
];

/// Seeds the demo data when the database has no users. Returns whether it seeded.
pub fn seed(conn: &mut Connection) -> Result<bool> {
    if store::user_count(conn)? > 0 {
        return Ok(false);
    }
    // Hash before taking the write lock: argon2 is slow on purpose.
    let hash = hash_password(DEMO_PASSWORD)?;
    let now = now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if store::user_count(&tx)? > 0 {
        return Ok(false);
    }
    let user = |login: &str, name: &str, role| {
        User::new(UserId(Uuid::new_v4()), login.into(), name.into(), vec![role])
    };
    let desk = user(DISPATCHER_LOGIN, "服务台 Service Desk", Role::Dispatcher);
    let wang = user(ENGINEER_LOGIN, "王芳", Role::Engineer);
    let li = user(SECOND_ENGINEER_LOGIN, "李雷", Role::Engineer);
    let zhao = user(SENIOR_LOGIN, "赵强", Role::SeniorEngineer);
    let manager = user(MANAGER_LOGIN, "刘经理 Manager", Role::Manager);
    let admin = user(ADMIN_LOGIN, "管理员 Admin", Role::Admin);
    for u in [&desk, &wang, &li, &zhao, &manager, &admin] {
        store::insert_user(&tx, u, &hash)?;
    }
    // Areas and duties, as an admin would set them.
    for (u, area, duties) in [
        (&wang, "浦东站", vec![JobKind::Install, JobKind::Repair, JobKind::Renewal, JobKind::Inspection]),
        (&li, "徐汇站", vec![JobKind::Install, JobKind::Repair, JobKind::ItRepair]),
        (&zhao, "浦东站", vec![JobKind::Repair, JobKind::ItRepair]),
    ] {
        let profile = onsite_core::wire::AccountProfile {
            name: u.name.clone(),
            roles: u.held().to_vec(),
            area: area.into(),
            duties,
        };
        store::set_profile(&tx, u.id, &profile)?;
    }
    for part in catalogue() {
        part.validate().map_err(|e| Error::internal(format!("demo part {}: {e}", part.sku)))?;
        let rev = next_rev(&tx)?;
        store::upsert_part(&tx, &part, rev)?;
    }
    for (engineer, stock) in [(wang.id, WANG_VAN), (li.id, LI_VAN)] {
        for (sku, qty) in stock {
            let rev = next_rev(&tx)?;
            store::insert_van_issue(&tx, engineer, sku, *qty, rev, now - Duration::days(2))?;
        }
    }
    let jobs = demo_jobs(now, wang.id, li.id);
    let logins = [(wang.id, &wang.login), (li.id, &li.login)];
    for job in &jobs {
        job.validate().map_err(|e| Error::internal(format!("demo job {}: {e}", job.customer)))?;
        let rev = next_rev(&tx)?;
        store::insert_job(&tx, job, rev)?;
        // The desk's log, as if the desk had taken each call and dispatched it.
        store::set_intake(&tx, job.id, Some(Channel::Phone), false)?;
        let subject = crate::dispatch::subject(job.id);
        store::audit(
            &tx,
            job.reported_at,
            Some(desk.id),
            DeskAction::Open.as_str(),
            &subject,
            &json!({"note": ""}),
        )?;
        if let (Some(to), Some(at)) = (job.assignee, job.dispatched_at) {
            let login = logins.iter().find(|(id, _)| *id == to).map(|(_, l)| l.as_str());
            let detail = json!({"engineer": login, "note": ""});
            store::audit(&tx, at, Some(desk.id), DeskAction::Dispatch.as_str(), &subject, &detail)?;
        }
    }
    // Two the desk closed: one solved on the phone at intake, one the customer withdrew.
    for (mut job, how, reason, to) in [
        (
            job(
                JobKind::Repair,
                Priority::Normal,
                "钱芳",
                "钱芳",
                "139 1688 2020",
                None,
                "上海市静安区南京西路 1266号 恒隆广场 2座 3301",
                None,
                "电脑无法连接公司 Wi-Fi",
            ),
            Closure::RemoteFix,
            "远程协助：重新输入 Wi-Fi 密码后已连接",
            None,
        ),
        (
            job(
                JobKind::Install,
                Priority::Low,
                "孙浩",
                "孙浩",
                "137 6120 8899",
                None,
                "杭州市滨江区江南大道 3688号 3幢 1502室",
                None,
                "新装 300M 宽带",
            ),
            Closure::Cancelled,
            "用户撤单：已办理其他运营商",
            Some(li.id),
        ),
    ] {
        job.reported_at = now - Duration::hours(3);
        job.assignee = to;
        job.dispatched_at = to.map(|_| now - Duration::hours(2));
        job.validate().map_err(|e| Error::internal(format!("demo job {}: {e}", job.customer)))?;
        let rev = next_rev(&tx)?;
        store::insert_job(&tx, &job, rev)?;
        store::set_intake(&tx, job.id, Some(Channel::Wechat), false)?;
        let closed_at = now - Duration::hours(1);
        store::set_closed(&tx, job.id, how, closed_at, reason, next_rev(&tx)?)?;
        let action = match how {
            Closure::RemoteFix => DeskAction::RemoteFix,
            Closure::Cancelled => DeskAction::Cancel,
        };
        store::audit(
            &tx,
            closed_at,
            Some(desk.id),
            action.as_str(),
            &crate::dispatch::subject(job.id),
            &json!({"note": reason}),
        )?;
        if let Some(to) = to {
            store::insert_unassignment(&tx, job.id, to, next_rev(&tx)?)?;
        }
    }
    tx.commit()?;
    push_demo_events(conn, &jobs, (wang.id, li.id), now)?;
    Ok(true)
}

/// The parts catalogue (备品备件): broadband and IT spares an engineer carries.
fn catalogue() -> Vec<Part> {
    let part = |sku: &str, zh: &str, en: &str, serialised| Part {
        sku: sku.into(),
        zh: zh.into(),
        en: en.into(),
        serialised,
    };
    vec![
        part("ONT-HG8245", "华为光猫 HG8245", "Huawei ONT HG8245", true),
        part("ONT-F650", "中兴光猫 ZXHN F650", "ZTE ONT ZXHN F650", true),
        part("CAT5E-M", "超五类网线（米）", "Cat 5e cable (metre)", false),
        part("CAT6-M", "六类网线（米）", "Cat 6 cable (metre)", false),
        part("RJ45", "水晶头 RJ45", "RJ45 plug", false),
        part("PATCH-SCAPC-3M", "光纤跳线 SC-APC 3米", "Fibre patch cord SC-APC 3 m", false),
        part("FIBRE-SPLICE", "光纤冷接子", "Fibre mechanical splice", false),
        part("ROUTER-TPL", "无线路由器 TP-Link", "TP-Link wireless router", true),
        part("TONER-CF276A", "HP 硒鼓 CF276A", "HP toner cartridge CF276A", false),
        part("RAM-8G-DDR4", "内存条 8GB DDR4", "Memory module 8 GB DDR4", false),
        part("PSU-12V", "电源适配器 12V", "Power adapter 12 V", false),
    ]
}

/// The stock issued to the first engineer's van (出库).
const WANG_VAN: &[(&str, i64)] = &[
    ("ONT-HG8245", 3),
    ("CAT6-M", 100),
    ("RJ45", 50),
    ("PATCH-SCAPC-3M", 5),
    ("FIBRE-SPLICE", 10),
    ("ROUTER-TPL", 2),
    ("TONER-CF276A", 2),
    ("RAM-8G-DDR4", 2),
];

/// The stock issued to the second engineer's van.
const LI_VAN: &[(&str, i64)] = &[
    ("ONT-F650", 3),
    ("CAT5E-M", 100),
    ("RJ45", 50),
    ("PATCH-SCAPC-3M", 4),
    ("FIBRE-SPLICE", 10),
    ("PSU-12V", 3),
];

/// The service desk's own checklist for the machine-room inspection.
fn machine_room_checklist() -> Vec<Step> {
    let step = |id: &str, zh: &str, en: &str, required, group| Step {
        id: id.into(),
        zh: zh.into(),
        en: en.into(),
        required,
        group,
    };
    use StepGroup::{Conduct, Technical};
    vec![
        step(
            "kit_badge",
            "携带全套工具、带工作证、着装整齐",
            "Full tool kit, badge, tidy clothes",
            true,
            Conduct,
        ),
        step(
            "switch_status",
            "检查汇聚交换机运行状态和端口",
            "Check the aggregation switch and its ports",
            true,
            Technical,
        ),
        step(
            "labels_intact",
            "检查机箱和跳线标签完好",
            "Check the chassis and patch-line labels",
            true,
            Technical,
        ),
        step("optical_power", "记录光功率", "Record the optical power", true, Technical),
        step("ups_battery", "检查UPS电池", "Check the UPS battery", false, Technical),
        step("report_findings", "记录巡检结果", "Record what was found", true, Technical),
    ]
}

/// `hour`:00 in Shanghai, `days` after today there, in UTC.
fn shanghai(now: DateTime<Utc>, days: i64, hour: u32) -> DateTime<Utc> {
    let (Some(offset), Some(time)) = (FixedOffset::east_opt(8 * 3600), NaiveTime::from_hms_opt(hour, 0, 0))
    else {
        return now + Duration::days(days);
    };
    let date = now.with_timezone(&offset).date_naive() + Duration::days(days);
    date.and_time(time).and_local_timezone(offset).single().map_or(now, |t| t.with_timezone(&Utc))
}

#[allow(clippy::too_many_arguments)]
fn job(
    kind: JobKind,
    priority: Priority,
    customer: &str,
    contact: &str,
    phone: &str,
    wechat: Option<&str>,
    address: &str,
    device: Option<(&str, &str)>,
    fault: &str,
) -> Job {
    Job {
        id: JobId(Uuid::new_v4()),
        kind,
        priority,
        customer: customer.into(),
        contact: contact.into(),
        phone: phone.into(),
        wechat: wechat.map(Into::into),
        address: address.into(),
        device_name: device.map(|d| d.0.into()),
        device_description: device.map(|d| d.1.into()),
        fault: fault.into(),
        reported_at: DateTime::<Utc>::MIN_UTC,
        dispatched_at: None,
        appointment: None,
        assignee: None,
        checklist: None,
    }
}

/// Sets who and when: reported `reported_ago` before now, dispatched `dispatched_ago` before now.
fn dispatch(
    mut job: Job,
    now: DateTime<Utc>,
    to: Option<UserId>,
    reported_ago: Duration,
    dispatched_ago: Duration,
) -> Job {
    job.reported_at = now - reported_ago;
    job.assignee = to;
    job.dispatched_at = to.map(|_| now - dispatched_ago);
    job
}

fn window(start: DateTime<Utc>, hours: i64) -> Option<TimeWindow> {
    Some(TimeWindow { start, end: start + Duration::hours(hours) })
}

fn demo_jobs(now: DateTime<Utc>, wang: UserId, li: UserId) -> Vec<Job> {
    use JobKind::*;
    use Priority::*;
    let m = Duration::minutes;
    let h = Duration::hours;
    let d = Duration::days;
    let tomorrow_10 = shanghai(now, 1, 10);
    let tomorrow_14 = shanghai(now, 1, 14);
    let later_today = now + h(2);
    let inspection = Job {
        checklist: Some(machine_room_checklist()),
        ..dispatch(
            job(
                Inspection,
                Low,
                "张江高科园区 3号楼机房",
                "物业 王师傅",
                "138 0177 5521",
                None,
                "上海市浦东新区祖冲之路 887弄 3号楼 B1 弱电间",
                Some(("汇聚交换机 H3C S5130", "机柜 A-03，24口千兆")),
                "季度巡检：检查汇聚交换机、机箱和跳线标签，记录光功率",
            ),
            now,
            Some(wang),
            d(1) + h(2),
            d(1),
        )
    };
    vec![
        dispatch(
            job(
                Repair,
                Urgent,
                "张伟",
                "张伟",
                "138 0013 8000",
                Some("zhangwei_88"),
                "上海市浦东新区世纪大道100号 环球金融中心 12F 1203室",
                None,
                "光猫LOS灯红闪，全屋无法上网，家中老人需要视频问诊",
            ),
            now,
            Some(wang),
            m(12),
            m(5),
        ),
        dispatch(
            job(
                ItRepair,
                High,
                "财务部 Finance",
                "刘洋",
                "138 1762 4410",
                Some("liuyang_fin"),
                "杭州市西湖区文三路259号 恒生大厦 7F 财务部",
                Some(("HP LaserJet M404", "A4 黑白激光打印机，资产编号 IT-PR-0231")),
                "打印时频繁卡纸，面板提示 Paper jam in tray 2；月底结账急用",
            ),
            now,
            Some(wang),
            m(40),
            m(20),
        ),
        Job {
            appointment: window(later_today, 2),
            ..dispatch(
                job(
                    Install,
                    Normal,
                    "陈静",
                    "陈静",
                    "138 5021 7763",
                    Some("chenjing_home"),
                    "上海市徐汇区漕溪北路88弄3号 502室",
                    None,
                    "新装 500M 光纤宽带：书房布线，安装光猫和路由器，开通账号",
                ),
                now,
                Some(wang),
                h(3),
                h(1),
            )
        },
        Job {
            appointment: window(tomorrow_10, 2),
            ..dispatch(
                job(
                    Renewal,
                    Normal,
                    "赵敏",
                    "赵敏",
                    "138 6890 1235",
                    None,
                    "杭州市拱墅区莫干山路 100号 信雅达国际 2幢 1101室",
                    None,
                    "续费两年 300M 套餐：上门收取费用并开具票据",
                ),
                now,
                Some(wang),
                d(2),
                d(1),
            )
        },
        inspection,
        Job {
            appointment: window(tomorrow_14, 2),
            ..dispatch(
                job(
                    Repair,
                    Normal,
                    "David Miller",
                    "David Miller",
                    "+86 138 1650 2277",
                    Some("dmiller_sh"),
                    "Apt 1802, 1888 Nanjing West Road, Jing'an District, Shanghai",
                    None,
                    "Wi-Fi drops every evening; speed test under 10 Mbps on a 300M plan",
                ),
                now,
                Some(wang),
                h(20),
                h(18),
            )
        },
        dispatch(
            job(
                ItRepair,
                High,
                "人力资源部 HR",
                "周婷",
                "138 2233 9087",
                Some("zhouting_hr"),
                "杭州市西湖区文三路259号 恒生大厦 5F 人力资源部",
                Some(("Lenovo ThinkPad T14", "员工笔记本，资产编号 IT-NB-1187")),
                "开机蓝屏 CRITICAL_PROCESS_DIED，无法进入系统",
            ),
            now,
            Some(wang),
            d(1) + h(3),
            d(1) + h(2),
        ),
        dispatch(
            job(
                Install,
                Normal,
                "Sarah Chen",
                "Sarah Chen",
                "+86 138 0192 6644",
                None,
                "Room 605, 500 Hongqiao Road, Changning District, Shanghai",
                None,
                "New 1000M fibre line for a home office; modem and mesh Wi-Fi",
            ),
            now,
            Some(wang),
            h(5),
            h(1),
        ),
        dispatch(
            job(
                Repair,
                High,
                "孙丽",
                "孙丽",
                "138 5716 3302",
                Some("sunli_hz"),
                "杭州市滨江区江南大道3850号 创新大厦 9F",
                None,
                "IPTV 机顶盒无信号，宽带时断时续",
            ),
            now,
            Some(li),
            d(1) + h(1),
            d(1),
        ),
        dispatch(
            job(
                ItRepair,
                Normal,
                "市场部 Marketing",
                "黄磊",
                "138 6612 0458",
                Some("huanglei_mkt"),
                "上海市静安区南京西路1266号 恒隆广场 36F 市场部",
                Some(("Cisco IP Phone 7841", "座机，分机 8036")),
                "座机无拨号音，网口灯不亮",
            ),
            now,
            Some(li),
            h(2),
            h(1),
        ),
        Job {
            appointment: window(later_today, 1),
            ..dispatch(
                job(
                    Renewal,
                    Normal,
                    "周杰",
                    "周杰",
                    "138 0021 5578",
                    None,
                    "上海市静安区延平路 135弄 7号 301室",
                    None,
                    "续费一年 200M 套餐，上门收费并更换新版票据",
                ),
                now,
                Some(li),
                d(1),
                m(30),
            )
        },
        dispatch(
            job(
                Install,
                Normal,
                "吴磊",
                "吴磊",
                "138 5799 1024",
                Some("wulei1024"),
                "杭州市上城区钱江路 1366号 华润大厦 A座 2207室",
                None,
                "新装宽带，客户希望本周末上门",
            ),
            now,
            None,
            m(10),
            m(0),
        ),
    ]
}

/// One demo phone: its device id and its sequence counter.
struct Phone {
    device: DeviceId,
    seq: u64,
    now: DateTime<Utc>,
}

impl Phone {
    fn new(now: DateTime<Utc>) -> Phone {
        Phone { device: DeviceId(Uuid::new_v4()), seq: 0, now }
    }

    /// The next event, recorded `ago` before now.
    fn record(&mut self, job: &Job, ago: Duration, body: EventBody) -> EventWire {
        self.seq += 1;
        EventWire {
            id: EventId(Uuid::new_v4()),
            job_id: job.id,
            device_id: self.device,
            seq: self.seq,
            device_time: self.now - ago,
            body,
            received_at: None,
            rev: None,
        }
    }

    /// Every step of the job's checklist done, a minute apart, from `ago` on.
    fn all_steps(&mut self, job: &Job, ago: Duration) -> Vec<EventWire> {
        let steps = job.checklist();
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let ago = ago - Duration::minutes(i64::try_from(i).unwrap_or(0));
                self.record(job, ago, EventBody::StepDone { step: s.id.clone() })
            })
            .collect()
    }
}

/// A few visit events, so the demo shows jobs in several states. Pushed as the engineers'
/// demo phones through the real push rules.
fn push_demo_events(
    conn: &mut Connection,
    jobs: &[Job],
    (wang, li): (UserId, UserId),
    now: DateTime<Utc>,
) -> Result<()> {
    let (Some(printer), Some(install), Some(laptop), Some(iptv), Some(desk_phone), Some(renewal)) =
        (jobs.get(1), jobs.get(2), jobs.get(6), jobs.get(8), jobs.get(9), jobs.get(10))
    else {
        return Ok(());
    };
    let h = Duration::hours;
    let m = Duration::minutes;

    // Wang's phone: the laptop repaired yesterday, with every step, a part and a sealed sign-off.
    let mut phone = Phone::new(now);
    let day = h(24);
    let mut events = vec![
        phone.record(laptop, day + m(110), EventBody::CustomerContacted),
        phone.record(laptop, day + m(100), EventBody::Departed),
        phone.record(laptop, day + m(80), EventBody::Arrived),
    ];
    events.extend(phone.all_steps(laptop, day + m(79)));
    events.push(phone.record(
        laptop,
        day + m(50),
        EventBody::PartUsed { part: "RAM-8G-DDR4".into(), qty: 1, serial: None },
    ));
    events.push(phone.record(
        laptop,
        day + m(45),
        EventBody::NoteAdded { text: "原内存条金手指氧化，内存诊断报错".into() },
    ));
    let held: Vec<VisitEvent> = events.iter().map(EventWire::to_event).collect();
    let result = "更换 8GB 内存条，修复磁盘错误，开机正常；已告知用户备份数据".to_string();
    let sign_off = seal(
        laptop,
        &held,
        SignOff {
            result,
            signer: "周婷".into(),
            signature: demo_signature(),
            ratings: Ratings { speed: 5, attitude: 5, result: 5 },
            comment: "响应很快，处理专业".into(),
            covers: Vec::new(),
            hash: String::new(),
        },
    );
    events.push(phone.record(laptop, day + m(30), EventBody::SignedOff(sign_off)));
    // Today's jobs under way.
    events.push(phone.record(install, m(50), EventBody::CustomerContacted));
    events.push(phone.record(
        install,
        m(49),
        EventBody::NoteAdded { text: "客户下午两点后在家，需带 20 米网线".into() },
    ));
    events.push(phone.record(printer, m(15), EventBody::CustomerContacted));
    crate::store::sync::apply_push(conn, wang, &PushRequest { device_id: phone.device, events }, now)?;

    // Li's phone: the IPTV repair, on site since yesterday, escalated to the vendor.
    let mut phone = Phone::new(now);
    let events = vec![
        phone.record(iptv, day - m(6), EventBody::CustomerContacted),
        phone.record(iptv, day - m(20), EventBody::Departed),
        phone.record(iptv, day - m(48), EventBody::Arrived),
        phone.record(iptv, day - m(50), EventBody::StepDone { step: "agree_time".into() }),
        phone.record(iptv, day - m(51), EventBody::StepDone { step: "kit_badge".into() }),
        phone.record(iptv, day - m(52), EventBody::StepDone { step: "knock".into() }),
        phone.record(iptv, day - m(53), EventBody::StepDone { step: "greeting".into() }),
        phone.record(iptv, day - m(54), EventBody::StepDone { step: "shoe_covers".into() }),
        phone.record(iptv, day - m(70), EventBody::StepDone { step: "diagnose".into() }),
        phone.record(
            iptv,
            day - m(75),
            EventBody::PartUsed { part: "PATCH-SCAPC-3M".into(), qty: 1, serial: None },
        ),
        phone.record(
            iptv,
            day - m(90),
            EventBody::Escalated {
                to: EscalationTarget::Vendor,
                reason: "更换跳线后仍无信号，机顶盒固件异常，需厂家远程升级".into(),
            },
        ),
        phone.record(iptv, day - m(91), EventBody::NoteAdded { text: "已告知用户，厂家明天联系".into() }),
        // On the way to the marketing department's phone.
        phone.record(desk_phone, m(55), EventBody::CustomerContacted),
        phone.record(desk_phone, m(10), EventBody::Departed),
        // The renewal: nobody home; the desk decides what next.
        phone.record(renewal, m(25), EventBody::CustomerContacted),
        phone.record(renewal, m(12), EventBody::Departed),
        phone.record(renewal, m(2), EventBody::Arrived),
        phone.record(
            renewal,
            m(1),
            EventBody::CouldNotComplete {
                reason: "用户临时外出，电话无人接听，需改约".into()
            },
        ),
    ];
    crate::store::sync::apply_push(conn, li, &PushRequest { device_id: phone.device, events }, now)?;
    Ok(())
}

/// A short handwritten-looking signature, as the pad encodes it.
fn demo_signature() -> Signature {
    let wave: Vec<(f64, f64)> =
        (0..40).map(|i| (20.0 + f64::from(i) * 6.0, 80.0 + (f64::from(i) * 0.6).sin() * 25.0)).collect();
    let dash = vec![(60.0, 120.0), (120.0, 118.0), (190.0, 121.0)];
    Signature::from_points(320, 160, &[wave, dash])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_is_idempotent_and_covers_every_kind() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let mut conn = crate::db::open(&dir.path().join("demo.db"))?;
        assert!(seed(&mut conn)?);
        assert!(!seed(&mut conn)?, "a second run changes nothing");
        assert_eq!(store::user_count(&conn)?, DEMO_LOGINS.len() as i64);
        for (login, role) in DEMO_LOGINS {
            let row = store::user_by_login(&conn, login)?.ok_or_else(|| Error::internal(login))?;
            assert_eq!(row.user.role.as_str(), role, "{login}");
        }
        let jobs: i64 = conn.query_row("SELECT count(*) FROM jobs", [], |r| r.get(0))?;
        assert_eq!(jobs, 14, "12 open or finished, 2 closed by the desk");
        let closed: i64 =
            conn.query_row("SELECT count(*) FROM jobs WHERE closed_at IS NOT NULL", [], |r| r.get(0))?;
        assert_eq!(closed, 2);
        for kind in JobKind::ALL {
            let n: i64 =
                conn.query_row("SELECT count(*) FROM jobs WHERE kind = ?1", [kind.as_str()], |r| r.get(0))?;
            assert!(n > 0, "{kind:?}");
        }
        let events: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        assert_eq!(
            events,
            18 + 2 + 1 + 12 + 2 + 4,
            "laptop (with its 12 steps), install, printer, IPTV, the desk phone, the renewal"
        );
        let flags: i64 = conn.query_row("SELECT count(*) FROM flags", [], |r| r.get(0))?;
        assert_eq!(flags, 0, "the demo visits raise no flags");
        assert_eq!(store::parts(&conn)?.len(), 11);
        let wang =
            store::user_by_login(&conn, ENGINEER_LOGIN)?.map(|u| u.user.id).ok_or(Error::internal("wang"))?;
        let van = store::van_stock(&conn, wang)?;
        assert_eq!(van.counts.get("RAM-8G-DDR4"), Some(&1), "two issued, one used on the laptop");
        assert_eq!(van.counts.get("ONT-HG8245"), Some(&3));
        let now = now();
        let mut signed = 0;
        for job in store::query_jobs(&conn, &format!("SELECT {} FROM jobs", store::JOB_COLUMNS), [])? {
            let detail = store::job_detail(&conn, job, now)?;
            if let Some(s) = detail.report.sign_off {
                assert_eq!(s.verification, onsite_core::signoff::Verification::Intact);
                assert!(detail.report.steps.iter().all(|l| l.state.is_settled()));
                signed += 1;
            }
        }
        assert_eq!(signed, 1);
        // Every status is on show, and the board has a missed clock, the queue and a concern.
        let board = store::board(&conn)?;
        for status in
            onsite_core::JobStatus::ALL.into_iter().filter(|s| *s != onsite_core::JobStatus::Completed)
        {
            assert!(board.rows.iter().any(|r| r.status == status), "{status:?} on the board");
        }
        let bands = onsite_core::desk_board::bands(&board.rows, |r| r, now);
        use onsite_core::desk_board::Band;
        assert!(bands[&Band::Now].iter().any(|r| matches!(
            onsite_core::desk_board::urgent(r, now),
            Some((_, onsite_core::sla::SlaState::Missed { .. }))
        )));
        assert!(!bands[&Band::Queue].is_empty() && !bands[&Band::Out].is_empty());
        assert!(
            board.rows.iter().any(|r| !r.concerns.is_empty()),
            "the escalation and the renewal not completed"
        );
        let custom: i64 =
            conn.query_row("SELECT count(*) FROM jobs WHERE checklist IS NOT NULL", [], |r| r.get(0))?;
        assert_eq!(custom, 1);
        let desk = store::user_by_login(&conn, DISPATCHER_LOGIN)?.map(|u| u.user.role);
        assert_eq!(desk, Some(Role::Dispatcher));
        Ok(())
    }

    #[test]
    fn shanghai_tomorrow_is_after_now() {
        let now = now();
        let t = shanghai(now, 1, 10);
        assert!(t > now && t < now + Duration::days(2));
    }
}
