//! Every string the engineer sees, in Simplified Chinese and English, with the field's own
//! words (`shared/domain.md`). The language is chosen from the browser at first start and kept.
//!
//! A plain table: one enum variant per message, so a missing translation does not compile.
//! (Whether a crate such as leptos_i18n earns its size is weighed in the i18n issue.)

use chrono::{DateTime, FixedOffset, Utc};
use onsite_core::JobStatus;
use onsite_core::job::JobKind;
use onsite_core::sla::SlaKind;
use onsite_core::status::Action;
use onsite_core::wire::RejectCode;

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

macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A message; `{n}`-style placeholders are filled by the caller.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub const fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Zh) => $zh, (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    AppName => "Onsite 上门", "Onsite";
    LoginTitle => "工程师登录", "Engineer log in";
    Username => "账号", "Username";
    Password => "密码", "Password";
    LogIn => "登录", "Log in";
    LoggingIn => "正在登录…", "Logging in…";
    LogOut => "退出登录", "Log out";
    LogoutPending => "还有 {n} 条记录未同步。退出后它们仍保存在本机，重新登录后会继续同步。确定退出？", "{n} records are not synced yet. They stay on this phone and sync after you log in again. Log out?";
    LoginAgain => "登录已过期，请重新登录以继续同步。未同步的记录都已保存。", "Your login has expired. Log in again to sync; nothing unsynced is lost.";
    BadLogin => "账号或密码错误", "Wrong username or password";
    LoginOffline => "无法连接服务器。首次登录需要网络。", "Cannot reach the server. The first log in needs a connection.";
    Today => "今天", "Today";
    Upcoming => "即将", "Upcoming";
    Done => "已完成", "Done";
    NoJobs => "暂无工单", "No jobs";
    NoJobsYet => "还没有工单。连接网络后点“立即同步”。", "No jobs yet. Connect and tap Sync now.";
    Back => "返回", "Back";
    JobNotFound => "本机没有这个工单。", "This job is not on this phone.";
    Customer => "用户", "Customer";
    Contact => "联系人", "Contact";
    Phone => "电话", "Phone";
    Wechat => "微信号", "WeChat";
    Address => "地址", "Address";
    Device => "设备", "Device";
    Fault => "故障现象", "Fault";
    ReportedAt => "报修时间", "Reported";
    DispatchedAt => "派单时间", "Dispatched";
    Appointment => "预约时间", "Appointment";
    Priority => "优先级", "Priority";
    Call => "拨打电话", "Call";
    Map => "地图导航", "Map";
    Status => "状态", "Status";
    History => "处理记录", "History";
    NoHistory => "还没有记录", "Nothing recorded yet";
    Deadlines => "考核时限", "Service levels";
    Note => "备注", "Note";
    NotePlaceholder => "写下备注…", "Write a note…";
    Result => "处理结果", "Result";
    ResultPlaceholder => "处理结果（可选）", "Result (optional)";
    Reason => "原因", "Reason";
    ReasonPlaceholder => "无法完成的原因（必填）", "Why it cannot be completed (required)";
    Save => "保存", "Save";
    Cancel => "取消", "Cancel";
    Saved => "已保存在本机", "Saved on this phone";
    SyncNow => "立即同步", "Sync now";
    Syncing => "同步中…", "Syncing…";
    AllSynced => "全部已同步", "All synced";
    PendingN => "{n} 条待同步", "{n} to sync";
    RejectedN => "{n} 条被服务器拒绝", "{n} refused by the server";
    LastSynced => "上次同步 {t}", "Last synced {t}";
    NeverSynced => "尚未同步", "Never synced";
    Offline => "离线", "Offline";
    SyncFailed => "同步失败：{e}", "Sync failed: {e}";
    StatePending => "待同步", "Not synced";
    StateAcked => "已同步", "Synced";
    StateRejected => "被拒绝", "Refused";
    StorageFull => "手机存储已满，这条记录没有保存。请连接网络同步，或清理浏览器数据后重试。", "Phone storage is full: this record was NOT saved. Sync, or free browser storage, then try again.";
    StorageUnavailable => "无法使用本机存储：{e}", "Storage is unavailable: {e}";
    StorageCorrupt => "有 {n} 条本机记录无法读取，已单独保存（未删除）。请联系服务台。", "{n} stored records could not be read and were set aside (nothing deleted). Tell the service desk.";
    NotSavedInvalid => "没有保存：{e}", "Not saved: {e}";
    Removed => "此工单已被服务台改派。未同步的记录仍会上传。", "The service desk re-dispatched this job. Unsynced records will still be sent.";
    OnTrack => "剩余 {t}", "{t} left";
    DueSoon => "即将超时 {t}", "Due in {t}";
    Met => "达标 {t}", "Met {t}";
    MissedAt => "超时 {t}", "Late {t}";
    Missed => "已超时", "Missed";
    Language => "English", "中文";
    DeviceClock => "设备时间", "Phone time";
    ServerTime => "服务器接收", "Server received";
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

pub fn action(lang: Lang, action: Action) -> &'static str {
    match (action, lang) {
        (Action::Contact, Lang::Zh) => "已联系用户",
        (Action::Contact, Lang::En) => "Customer contacted",
        (Action::Depart, Lang::Zh) => "出发",
        (Action::Depart, Lang::En) => "Departed",
        (Action::Arrive, Lang::Zh) => "已到场",
        (Action::Arrive, Lang::En) => "Arrived",
        (Action::Complete, Lang::Zh) => "完成",
        (Action::Complete, Lang::En) => "Completed",
        (Action::CouldNotComplete, Lang::Zh) => "无法完成",
        (Action::CouldNotComplete, Lang::En) => "Could not complete",
        (Action::AddNote, Lang::Zh) => "添加备注",
        (Action::AddNote, Lang::En) => "Add note",
    }
}

pub fn event(lang: Lang, kind: &onsite_core::EventKind) -> &'static str {
    use onsite_core::EventKind as K;
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
    }
}

pub fn reject(lang: Lang, code: RejectCode) -> &'static str {
    match (code, lang) {
        (RejectCode::Invalid, Lang::Zh) => "记录内容不符合要求",
        (RejectCode::Invalid, Lang::En) => "The record breaks a rule",
        (RejectCode::UnknownJob, Lang::Zh) => "服务器上没有这个工单",
        (RejectCode::UnknownJob, Lang::En) => "The server has no such job",
        (RejectCode::ForeignJob, Lang::Zh) => "工单已改派给他人",
        (RejectCode::ForeignJob, Lang::En) => "The job was re-dispatched to someone else",
        (RejectCode::ForeignDevice, Lang::Zh) => "此手机已登记在其他账号下",
        (RejectCode::ForeignDevice, Lang::En) => "This phone is registered to another account",
        (RejectCode::Conflict, Lang::Zh) => "服务器上已有不同内容的同一记录",
        (RejectCode::Conflict, Lang::En) => "The server holds a different record with this id",
        (RejectCode::SeqTaken, Lang::Zh) => "记录序号冲突",
        (RejectCode::SeqTaken, Lang::En) => "The record's sequence number is taken",
    }
}

pub fn priority(lang: Lang, p: onsite_core::Priority) -> &'static str {
    use onsite_core::Priority as P;
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

/// A time of day in the phone's zone; with the date when it is not today.
pub fn time(lang: Lang, at: DateTime<Utc>, now: DateTime<Utc>, offset: FixedOffset) -> String {
    let local = at.with_timezone(&offset);
    if local.date_naive() == now.with_timezone(&offset).date_naive() {
        local.format("%H:%M").to_string()
    } else {
        match lang {
            Lang::Zh => local.format("%-m月%-d日 %H:%M").to_string(),
            Lang::En => local.format("%-d %b %H:%M").to_string(),
        }
    }
}

/// A span as "1 h 05 min" / "1小时05分", rounded to minutes (seconds under a minute).
pub fn span(lang: Lang, secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    match (lang, h, m) {
        (Lang::Zh, 0, 0) => format!("{secs}秒"),
        (Lang::En, 0, 0) => format!("{secs} s"),
        (Lang::Zh, 0, m) => format!("{m}分钟"),
        (Lang::En, 0, m) => format!("{m} min"),
        (Lang::Zh, h, _) if h >= 48 => format!("{}天{}小时", h / 24, h % 24),
        (Lang::En, h, _) if h >= 48 => format!("{} d {} h", h / 24, h % 24),
        (Lang::Zh, h, m) => format!("{h}小时{m:02}分"),
        (Lang::En, h, m) => format!("{h} h {m:02} min"),
    }
}
