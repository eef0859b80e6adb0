//! Demo data for `--demo`: a service desk, two engineers and a dozen jobs.
//!
//! Seeded only into a database with no users, in one transaction, so running `--demo` again
//! changes nothing. Times are relative to the moment of seeding ("dispatched five minutes
//! ago", "appointment tomorrow at 10:00 Shanghai time"), so the SLA clocks in the app show
//! something live. A few jobs carry visit events, pushed through the same rules as a phone's
//! push ([`crate::api::sync::apply_push`]).

use crate::auth::hash_password;
use crate::db::{next_rev, now};
use crate::error::{Error, Result};
use crate::store;
use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use onsite_core::wire::{EventBody, EventWire, PushRequest, Role, User};
use onsite_core::{DeviceId, EventId, Job, JobId, JobKind, Priority, TimeWindow, UserId};
use rusqlite::{Connection, TransactionBehavior};
use uuid::Uuid;

/// The service desk's login.
pub const DISPATCHER_LOGIN: &str = "desk";
/// The first engineer's login (most jobs).
pub const ENGINEER_LOGIN: &str = "wang.fang";
/// The second engineer's login.
pub const SECOND_ENGINEER_LOGIN: &str = "li.lei";
/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "onsite-demo";
/// Every demo login with its role, for printing.
pub const DEMO_LOGINS: [(&str, &str); 3] =
    [(DISPATCHER_LOGIN, "dispatcher"), (ENGINEER_LOGIN, "engineer"), (SECOND_ENGINEER_LOGIN, "engineer")];

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
    let user = |login: &str, name: &str, role| User {
        id: UserId(Uuid::new_v4()),
        login: login.into(),
        name: name.into(),
        role,
    };
    let desk = user(DISPATCHER_LOGIN, "服务台 Service Desk", Role::Dispatcher);
    let wang = user(ENGINEER_LOGIN, "王芳", Role::Engineer);
    let li = user(SECOND_ENGINEER_LOGIN, "李雷", Role::Engineer);
    for u in [&desk, &wang, &li] {
        store::insert_user(&tx, u, &hash)?;
    }
    let jobs = demo_jobs(now, wang.id, li.id);
    for job in &jobs {
        job.validate().map_err(|e| Error::internal(format!("demo job {}: {e}", job.customer)))?;
        let rev = next_rev(&tx)?;
        store::insert_job(&tx, job, rev)?;
    }
    tx.commit()?;
    push_demo_events(conn, &jobs, wang.id, now)?;
    Ok(true)
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
        dispatch(
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
        ),
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

/// A few visit events, so the demo shows jobs in several states. Pushed as the engineer's
/// demo phone through the real push rules.
fn push_demo_events(conn: &mut Connection, jobs: &[Job], engineer: UserId, now: DateTime<Utc>) -> Result<()> {
    let device = DeviceId(Uuid::new_v4());
    let mut seq = 0;
    let mut event = |job: &Job, ago: Duration, body: EventBody| {
        seq += 1;
        EventWire {
            id: EventId(Uuid::new_v4()),
            job_id: job.id,
            device_id: device,
            seq,
            device_time: now - ago,
            body,
            received_at: None,
        }
    };
    let (Some(printer), Some(install), Some(laptop)) = (jobs.get(1), jobs.get(2), jobs.get(6)) else {
        return Ok(());
    };
    let h = Duration::hours;
    let m = Duration::minutes;
    let events = vec![
        event(laptop, h(24) + m(110), EventBody::CustomerContacted),
        event(laptop, h(24) + m(100), EventBody::Departed),
        event(laptop, h(24) + m(80), EventBody::Arrived),
        event(
            laptop,
            h(24) + m(30),
            EventBody::Completed {
                result: "重装系统驱动，修复磁盘错误，开机正常；已告知用户备份数据".into(),
            },
        ),
        event(install, m(50), EventBody::CustomerContacted),
        event(install, m(49), EventBody::NoteAdded { text: "客户下午两点后在家，需带 20 米网线".into() }),
        event(printer, m(15), EventBody::CustomerContacted),
    ];
    crate::api::sync::apply_push(conn, engineer, &PushRequest { device_id: device, events }, now)?;
    Ok(())
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
        assert_eq!(store::user_count(&conn)?, 3);
        let jobs: i64 = conn.query_row("SELECT count(*) FROM jobs", [], |r| r.get(0))?;
        assert_eq!(jobs, 12);
        for kind in JobKind::ALL {
            let n: i64 =
                conn.query_row("SELECT count(*) FROM jobs WHERE kind = ?1", [kind.as_str()], |r| r.get(0))?;
            assert!(n > 0, "{kind:?}");
        }
        let events: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        assert_eq!(events, 7);
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
