//! The field's words, in Simplified Chinese and English, for what both apps show: the job's
//! kind, status and priority, the service levels, and the roles. One table, so the phone, the
//! desk console and the docs say the same thing (报装, 已到场, 服务台 …).

use crate::access::Role;
use crate::assessment::{Evidence, Reason, Threshold};
use crate::desk::{Channel, Closure, ConcernKind, DeskAction, EngineerState};
use crate::job::{JobKind, Priority};
use crate::sla::SlaKind;
use crate::status::JobStatus;

/// A message for a person, worded when it is shown: switching the language rewords a message
/// already on screen.
#[derive(Clone)]
pub struct Words(std::sync::Arc<dyn Fn(Lang) -> String + Send + Sync>);

impl Words {
    pub fn new(word: impl Fn(Lang) -> String + Send + Sync + 'static) -> Self {
        Words(std::sync::Arc::new(word))
    }
    pub fn text(&self, lang: Lang) -> String {
        (self.0)(lang)
    }
}

/// An app's table of sentences: `messages! { Key => "中文", "English"; ... }` makes `enum Msg`
/// with `Msg::text(lang)`, one variant a sentence, so a missing translation does not compile,
/// and `Words` from a `Msg`.
#[macro_export]
macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A sentence; `{n}`-style placeholders are filled by the caller.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub const fn text(self, lang: $crate::words::Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, $crate::words::Lang::Zh) => $zh, (Msg::$key, $crate::words::Lang::En) => $en,)*
                }
            }
        }

        impl From<Msg> for $crate::words::Words {
            fn from(msg: Msg) -> Self {
                $crate::words::Words::new(move |lang| msg.text(lang).to_string())
            }
        }
    };
}

/// The two languages every screen speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// From a stored choice or a browser language tag: Chinese tags give Chinese, others English.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En }
    }

    pub const fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

pub fn kind(lang: Lang, kind: JobKind) -> &'static str {
    match (kind, lang) {
        (JobKind::Install, Lang::Zh) => "报装",
        (JobKind::Install, Lang::En) => "Install",
        (JobKind::Repair, Lang::Zh) => "报修",
        (JobKind::Repair, Lang::En) => "Repair",
        (JobKind::Renewal, Lang::Zh) => "续费",
        (JobKind::Renewal, Lang::En) => "Renewal",
        (JobKind::Inspection, Lang::Zh) => "巡检",
        (JobKind::Inspection, Lang::En) => "Inspection",
        (JobKind::ItRepair, Lang::Zh) => "IT现场维修",
        (JobKind::ItRepair, Lang::En) => "On-site IT repair",
    }
}

pub fn status(lang: Lang, status: JobStatus) -> &'static str {
    match (status, lang) {
        (JobStatus::Assigned, Lang::Zh) => "已派单",
        (JobStatus::Assigned, Lang::En) => "Assigned",
        (JobStatus::Contacted, Lang::Zh) => "已联系",
        (JobStatus::Contacted, Lang::En) => "Contacted",
        (JobStatus::EnRoute, Lang::Zh) => "在途",
        (JobStatus::EnRoute, Lang::En) => "On the way",
        (JobStatus::OnSite, Lang::Zh) => "已到场",
        (JobStatus::OnSite, Lang::En) => "On site",
        (JobStatus::Completed, Lang::Zh) => "已完成",
        (JobStatus::Completed, Lang::En) => "Completed",
        (JobStatus::CouldNotComplete, Lang::Zh) => "无法完成",
        (JobStatus::CouldNotComplete, Lang::En) => "Could not complete",
    }
}

/// How a report came in (受理渠道).
pub fn channel(lang: Lang, c: Channel) -> &'static str {
    match (c, lang) {
        (Channel::Phone, Lang::Zh) => "电话",
        (Channel::Phone, Lang::En) => "Phone call",
        (Channel::Wechat, Lang::Zh) => "微信",
        (Channel::Wechat, Lang::En) => "WeChat",
        (Channel::Web, Lang::Zh) => "网页",
        (Channel::Web, Lang::En) => "Web",
        (Channel::Monitoring, Lang::Zh) => "网管监控",
        (Channel::Monitoring, Lang::En) => "Monitoring",
    }
}

/// Where an engineer is now.
pub fn engineer_state(lang: Lang, s: EngineerState) -> &'static str {
    match (s, lang) {
        (EngineerState::Free, Lang::Zh) => "空闲",
        (EngineerState::Free, Lang::En) => "Free",
        (EngineerState::Travelling, Lang::Zh) => "在途",
        (EngineerState::Travelling, Lang::En) => "Travelling",
        (EngineerState::OnSite, Lang::Zh) => "在现场",
        (EngineerState::OnSite, Lang::En) => "On site",
    }
}

/// How the desk closed a job.
pub fn closure(lang: Lang, c: Closure) -> &'static str {
    match (c, lang) {
        (Closure::Cancelled, Lang::Zh) => "已取消",
        (Closure::Cancelled, Lang::En) => "Cancelled",
        (Closure::RemoteFix, Lang::Zh) => "电话/远程已解决",
        (Closure::RemoteFix, Lang::En) => "Solved by phone or remotely",
    }
}

/// One entry of the desk's log on a job.
pub fn desk_action(lang: Lang, a: DeskAction) -> &'static str {
    use DeskAction as A;
    match (a, lang) {
        (A::Open, Lang::Zh) => "受理建单",
        (A::Open, Lang::En) => "Order opened",
        (A::Dispatch, Lang::Zh) => "派单",
        (A::Dispatch, Lang::En) => "Dispatched",
        (A::Reassign, Lang::Zh) => "改派",
        (A::Reassign, Lang::En) => "Re-dispatched",
        (A::Appointment, Lang::Zh) => "改约上门时间",
        (A::Appointment, Lang::En) => "Appointment changed",
        (A::Cancel, Lang::Zh) => "取消工单",
        (A::Cancel, Lang::En) => "Cancelled",
        (A::RemoteFix, Lang::Zh) => "电话/远程解决并关单",
        (A::RemoteFix, Lang::En) => "Solved remotely, closed",
        (A::ManagerTold, Lang::Zh) => "已通知经理",
        (A::ManagerTold, Lang::En) => "Manager told",
        (A::Note, Lang::Zh) => "服务台备注",
        (A::Note, Lang::En) => "Desk note",
        (A::Alongside, Lang::Zh) => "增派协助",
        (A::Alongside, Lang::En) => "Sent alongside",
        (A::Handled, Lang::Zh) => "已处理",
        (A::Handled, Lang::En) => "Dealt with",
    }
}

/// What a job raised for the desk (the board's queue of concerns).
pub fn concern(lang: Lang, c: ConcernKind) -> &'static str {
    use ConcernKind as C;
    match (c, lang) {
        (C::Escalated, Lang::Zh) => "工程师已升级求助",
        (C::Escalated, Lang::En) => "Engineer escalated",
        (C::CouldNotComplete, Lang::Zh) => "无法完成，待服务台决定",
        (C::CouldNotComplete, Lang::En) => "Could not complete: the desk decides",
        (C::Refused, Lang::Zh) => "手机记录被服务器拒收",
        (C::Refused, Lang::En) => "A phone's record was refused",
        (C::StockShort, Lang::Zh) => "车载库存不足",
        (C::StockShort, Lang::En) => "Van short of a part",
        (C::SignOffAltered, Lang::Zh) => "签字记录被改动",
        (C::SignOffAltered, Lang::En) => "Sign-off altered",
        (C::StepsUnsettled, Lang::Zh) => "有步骤未完成即签字",
        (C::StepsUnsettled, Lang::En) => "Signed with steps left open",
    }
}

pub fn priority(lang: Lang, p: Priority) -> &'static str {
    use Priority as P;
    match (p, lang) {
        (P::Low, Lang::Zh) => "低",
        (P::Low, Lang::En) => "Low",
        (P::Normal, Lang::Zh) => "普通",
        (P::Normal, Lang::En) => "Normal",
        (P::High, Lang::Zh) => "高",
        (P::High, Lang::En) => "High",
        (P::Urgent, Lang::Zh) => "紧急",
        (P::Urgent, Lang::En) => "Urgent",
    }
}

pub fn sla(lang: Lang, kind: SlaKind) -> &'static str {
    match (kind, lang) {
        (SlaKind::Contact, Lang::Zh) => "10分钟内联系用户",
        (SlaKind::Contact, Lang::En) => "Contact within 10 min",
        (SlaKind::OnSite, Lang::Zh) => "1小时内到场",
        (SlaKind::OnSite, Lang::En) => "On site within 1 h",
        (SlaKind::Finish, Lang::Zh) => "按时完成安装",
        (SlaKind::Finish, Lang::En) => "Install finished",
        (SlaKind::Appointment, Lang::Zh) => "按预约时间到场",
        (SlaKind::Appointment, Lang::En) => "Arrive as agreed",
        (SlaKind::DeskAnswer, Lang::Zh) => "服务台响应",
        (SlaKind::DeskAnswer, Lang::En) => "Desk's answer",
    }
}

/// What an event is, as the visit's history names it.
pub fn event(lang: Lang, kind: &crate::event::EventKind) -> &'static str {
    use crate::event::EventKind as K;
    match (kind, lang) {
        (K::CustomerContacted, Lang::Zh) => "已联系用户",
        (K::CustomerContacted, Lang::En) => "Customer contacted",
        (K::Departed, Lang::Zh) => "出发",
        (K::Departed, Lang::En) => "Departed",
        (K::Arrived, Lang::Zh) => "到场",
        (K::Arrived, Lang::En) => "Arrived",
        (K::NoteAdded { .. }, Lang::Zh) => "备注",
        (K::NoteAdded { .. }, Lang::En) => "Note",
        (K::Completed { .. }, Lang::Zh) => "完成",
        (K::Completed { .. }, Lang::En) => "Completed",
        (K::CouldNotComplete { .. }, Lang::Zh) => "无法完成",
        (K::CouldNotComplete { .. }, Lang::En) => "Could not complete",
        (K::StepDone { .. }, Lang::Zh) => "步骤完成",
        (K::StepDone { .. }, Lang::En) => "Step done",
        (K::StepSkipped { .. }, Lang::Zh) => "步骤跳过",
        (K::StepSkipped { .. }, Lang::En) => "Step skipped",
        (K::PartUsed { .. }, Lang::Zh) => "使用备件",
        (K::PartUsed { .. }, Lang::En) => "Part used",
        (K::PartReturned { .. }, Lang::Zh) => "退回备件",
        (K::PartReturned { .. }, Lang::En) => "Part returned",
        (K::Escalated { .. }, Lang::Zh) => "升级",
        (K::Escalated { .. }, Lang::En) => "Escalated",
        (K::FeeCollected { .. }, Lang::Zh) => "收费",
        (K::FeeCollected { .. }, Lang::En) => "Fee collected",
        (K::SignedOff(_), Lang::Zh) => "用户签字确认",
        (K::SignedOff(_), Lang::En) => "Customer signed off",
    }
}

/// A step's title in the language, from the checklist's own two titles.
pub fn step_title(lang: Lang, step: &crate::steps::Step) -> &str {
    match lang {
        Lang::Zh => &step.zh,
        Lang::En => &step.en,
    }
}

/// Money in yuan from fen: "¥128.00" (both languages write yuan the same way).
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

/// What a deduction of the assessment is for.
pub fn reason(lang: Lang, r: &Reason) -> &'static str {
    match (r, lang) {
        (Reason::Contact, Lang::Zh) => "10分钟内未联系用户",
        (Reason::Contact, Lang::En) => "No contact within 10 min",
        (Reason::OnSite, Lang::Zh) => "1小时内未到场",
        (Reason::OnSite, Lang::En) => "Not on site within 1 h",
        (Reason::Install, Lang::Zh) => "未按时完成安装",
        (Reason::Install, Lang::En) => "Install not finished in time",
        (Reason::Renewal, Lang::Zh) => "未按约定时间上门收费",
        (Reason::Renewal, Lang::En) => "Renewal visit not at the agreed time",
        (Reason::Escalation, Lang::Zh) => "未解决故障未及时升级",
        (Reason::Escalation, Lang::En) => "Unsolved repair not escalated",
        (Reason::Complaint, Lang::Zh) => "有效投诉",
        (Reason::Complaint, Lang::En) => "Complaint upheld",
        (Reason::Breach { .. }, Lang::Zh) => "回访发现违反上门规范",
        (Reason::Breach { .. }, Lang::En) => "Code of conduct breached (callback)",
        (Reason::ChainFine, Lang::Zh) => "20分钟未联系用户（罚款）",
        (Reason::ChainFine, Lang::En) => "No contact within 20 min (fine)",
    }
}

/// A threshold of the assessment crossed.
pub fn threshold(lang: Lang, t: Threshold) -> &'static str {
    match (t, lang) {
        (Threshold::TwoPointsInAMonth, Lang::Zh) => "当月扣满2分（自动离职）",
        (Threshold::TwoPointsInAMonth, Lang::En) => "2 points this month (leaves)",
        (Threshold::ThreePointsInThreeMonths, Lang::Zh) => "三个月内扣满3分（自动离职）",
        (Threshold::ThreePointsInThreeMonths, Lang::En) => "3 points in three months (leaves)",
        (Threshold::Breaches, Lang::Zh) => "当月违规超过3次（辞退）",
        (Threshold::Breaches, Lang::En) => "More than 3 breaches this month (dismissal)",
    }
}

/// How far a deduction can be trusted.
pub fn evidence(lang: Lang, e: Evidence) -> &'static str {
    match (e, lang) {
        (Evidence::Verified, Lang::Zh) => "已核实",
        (Evidence::Verified, Lang::En) => "Verified",
        (Evidence::Unverified, Lang::Zh) => "未核实（仅手机时间），待经理决定",
        (Evidence::Unverified, Lang::En) => "Unverified (the phone's clock only): for a manager",
    }
}

/// A role, as the team calls it.
pub fn role(lang: Lang, role: Role) -> &'static str {
    match (role, lang) {
        (Role::Engineer, Lang::Zh) => "工程师",
        (Role::Engineer, Lang::En) => "Engineer",
        (Role::SeniorEngineer, Lang::Zh) => "高级工程师",
        (Role::SeniorEngineer, Lang::En) => "Senior engineer",
        (Role::Dispatcher, Lang::Zh) => "服务台",
        (Role::Dispatcher, Lang::En) => "Service desk",
        (Role::Manager, Lang::Zh) => "经理",
        (Role::Manager, Lang::En) => "Manager",
        (Role::Admin, Lang::Zh) => "管理员",
        (Role::Admin, Lang::En) => "Admin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_in_both_languages() {
        let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let both = |zh: &str, en: &str| assert!(han(zh) && en.is_ascii() && !en.is_empty(), "{zh} / {en}");
        for k in JobKind::ALL {
            both(kind(Lang::Zh, k), kind(Lang::En, k));
        }
        for r in Role::ALL {
            both(role(Lang::Zh, r), role(Lang::En, r));
        }
        for p in [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent] {
            both(priority(Lang::Zh, p), priority(Lang::En, p));
        }
        for c in ConcernKind::ALL {
            both(concern(Lang::Zh, c), concern(Lang::En, c));
        }
        for r in [
            Reason::Contact,
            Reason::OnSite,
            Reason::Install,
            Reason::Renewal,
            Reason::Escalation,
            Reason::Complaint,
            Reason::Breach { step: "x".into() },
            Reason::ChainFine,
        ] {
            both(reason(Lang::Zh, &r), reason(Lang::En, &r));
        }
        for t in [Threshold::TwoPointsInAMonth, Threshold::ThreePointsInThreeMonths, Threshold::Breaches] {
            both(threshold(Lang::Zh, t), threshold(Lang::En, t));
        }
        for e in [Evidence::Verified, Evidence::Unverified] {
            both(evidence(Lang::Zh, e), evidence(Lang::En, e));
        }
        for a in DeskAction::ALL {
            both(desk_action(Lang::Zh, a), desk_action(Lang::En, a));
        }
        for k in
            [SlaKind::Contact, SlaKind::OnSite, SlaKind::Finish, SlaKind::Appointment, SlaKind::DeskAnswer]
        {
            both(sla(Lang::Zh, k), sla(Lang::En, k));
        }
        assert_eq!(Lang::from_tag("zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
    }
}
