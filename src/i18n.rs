//! Every string the engineer sees, in Simplified Chinese and English, with the field's own
//! words (`shared/domain.md`). The language is chosen from the browser at first start and kept.
//!
//! A plain table: one enum variant per message, so a missing translation does not compile.
//! leptos_i18n was weighed and measured at +29.5 KB brotli for these messages (docs/benchmarks.md,
//! "i18n crate"), about 30 % of the app's size budget, so the table stays.

use chrono::{DateTime, FixedOffset, Utc};
use onsite_core::event::EventError;
use onsite_core::status::Action;
use onsite_core::sync::SyncProblem;
use onsite_core::wire::RejectCode;
pub use onsite_core::words::{Lang, event, kind, money, priority, sla, status, step_title};

onsite_core::messages! {
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
    MyJobs => "我的工单", "My jobs";
    NotFound => "找不到页面", "Page not found";
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
    ProblemNoConnection => "连不上服务器", "no connection to the server";
    ProblemBadAnswer => "服务器的回复无法读取", "the server's answer could not be read";
    ProblemServerBusy => "服务器暂时不可用（{s}），稍后自动重试", "the server is not available ({s}); will retry";
    ProblemRefused => "服务器拒绝了这次同步（{s}），请联系服务台", "the server refused the sync ({s}); tell the service desk";
    ProblemPartly => "服务器只确认了部分记录，稍后重试", "the server acknowledged only part of the records; will retry";
    ProblemLoginAgain => "需要重新登录", "log in again";
    ProblemStorageFull => "手机存储已满", "phone storage is full";
    ProblemStorage => "本机存储无法使用", "phone storage cannot be used";
    StatePending => "待同步", "Not synced";
    StateAcked => "已同步", "Synced";
    StateRejected => "被拒绝", "Refused";
    StorageFull => "手机存储已满，这条记录没有保存。请连接网络同步，或清理浏览器数据后重试。", "Phone storage is full: this record was NOT saved. Sync, or free browser storage, then try again.";
    StorageUnavailable => "无法使用本机存储", "Phone storage cannot be used";
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
    ClockSkew => "手机时间与服务器相差 {t}，请校准手机时间。记录会同时保存两种时间。", "This phone's clock is {t} off the server's. Please set it right; both times are kept on every record.";
    Steps => "上门步骤", "Visit steps";
    Conduct => "上门规范", "Code of conduct";
    Technical => "技术步骤", "Technical steps";
    Required => "必做", "Required";
    StepDone => "完成", "Done";
    StepSkip => "跳过", "Skip";
    SkipReason => "跳过原因（必填）", "Why it is skipped (required)";
    StepOpen => "未完成", "Open";
    StepSkipped => "已跳过", "Skipped";
    Parts => "备件", "Parts";
    Part => "备件", "Part";
    Quantity => "数量", "Quantity";
    Serial => "序列号", "Serial number";
    SerialRequired => "此备件需填写序列号", "This part needs its serial number";
    InVan => "车上库存 {n}", "{n} in the van";
    UsePart => "记录使用", "Record used";
    ReturnPart => "退回车上", "Return to van";
    StockShort => "车上库存只有 {have}，仍记录使用 {want}？服务台会收到提示。", "The van holds only {have}. Record {want} used anyway? The service desk will be told.";
    NoParts => "未使用备件", "No parts used";
    Used => "使用", "Used";
    Returned => "退回", "Returned";
    Fee => "收费", "Fee";
    Amount => "金额（元）", "Amount (yuan)";
    ReceiptNo => "票据号", "Receipt number";
    RecordFee => "记录收费", "Record fee";
    BadAmount => "请输入正确的金额，例如 128.00", "Enter an amount such as 128.00";
    EscalateTo => "升级给", "Escalate to";
    Senior => "高级工程师 / 技术支持", "Senior engineer / support";
    Vendor => "厂家", "Vendor";
    Escalations => "升级记录", "Escalations";
    SignOff => "用户签字确认", "Customer sign-off";
    SignerName => "用户姓名", "Customer's name";
    Signature => "请用户在此签名", "Customer signs here";
    Clear => "清除", "Clear";
    Undo => "撤销", "Undo";
    RateSpeed => "响应速度", "Response speed";
    RateAttitude => "服务态度", "Service attitude";
    RateResult => "对处理结果的满意度", "Satisfaction with the result";
    Engineer => "工程师", "Engineer";
    More => "更多", "More";
    ShowMore => "显示更多", "Show more";
    OlderJobs => "查找更早的工单", "Find older jobs";
    HistoryWords => "客户、电话或地址", "Customer, phone or address";
    Search => "查找", "Search";
    FromDay => "报修日期从", "Reported from";
    ToDay => "至", "Reported until";
    NothingFound => "没有找到工单", "No jobs found";
    HistoryOffline => "查找更早的工单需要网络", "Finding older jobs needs a connection";
    HistoryFailed => "服务器无法完成查找，请稍后再试", "The server could not search; try again later";
    StorageFreed => "存储空间不足：已从本机移除 {n} 个最早完成的工单（{kb} KB），服务器仍保存完整记录", "Storage was short: {n} of the oldest finished jobs ({kb} KB) left this phone; the server keeps them";
    StorageWarn => "本机存储已用 {p}%：已完成的工单会按最早的先移除", "Storage {p}% full on this phone: the oldest finished jobs will leave first";
    About => "本机与存储", "This phone";
    JobsHeld => "本机工单", "Jobs on this phone";
    StorageUsed => "已用存储", "Storage used";
    KeptFor => "已完成工单保留", "Finished jobs kept";
    DaysN => "{n} 天", "{n} days";
    AppVersion => "应用版本", "App version";
    Company => "服务单位", "Company";
    FinishedAt => "完成时间", "Finished";
    SigningFor => "签字确认的工作", "The work you are signing for";
    Comment => "用户意见（可选）", "Comment (optional)";
    Submit => "确认并完成", "Confirm and finish";
    NeedSignature => "请先签名", "Please sign first";
    NeedName => "请填写用户姓名", "Please enter the customer's name";
    NeedRatings => "请为三项评分", "Please give all three ratings";
    Blocked => "还有 {n} 项未完成，先完成：{first}", "{n} left before finishing. First: {first}";
    FeeMissing => "未记录收费", "no fee recorded";
    Report => "完工报告", "Completion report";
    ViewReport => "查看完工报告", "View report";
    Print => "打印", "Print";
    Share => "分享", "Share";
    Copied => "报告已复制", "Report copied";
    Downloaded => "报告已下载", "Report downloaded";
    SignedBy => "签字人", "Signed by";
    Ratings => "评价", "Ratings";
    Hash => "记录校验码", "Record hash";
    Intact => "记录与签字时一致", "Record unchanged since signing";
    Altered => "记录在签字后被改动！", "Record changed after signing!";
    NotCompletedReason => "未完成原因", "Why not completed";
    Notes => "备注", "Notes";
    Sla => "考核时限", "Service levels";
    NewVersion => "Onsite 有新版本。未同步的记录不受影响。", "A new version of Onsite is ready. Unsynced records are kept.";
    Reload => "重新加载", "Reload";
    AddToHomeScreen => "请点“分享”→“添加到主屏幕”：Safari 会在 7 天未使用后清除网页数据，主屏幕应用不会。", "Tap Share → Add to Home Screen: Safari deletes a site's data after 7 days without use; a home-screen app keeps it.";
    Close => "关闭", "Close";
    Due => "期限", "Due";
    Step => "步骤", "Step";
    CommentField => "用户意见", "Comment";
    FieldEmpty => "{f}不能为空", "{f} is required";
    FieldTooLong => "{f}太长，最多 {n} 个字", "{f} is too long: at most {n} characters";
    FieldRange => "{f}应在 {a} 到 {b} 之间", "{f} must be from {a} to {b}";
    SerialOneAtATime => "有序列号的备件请逐件记录（数量为 1）", "Record a part with a serial number one at a time (quantity 1)";
    SignatureTooLarge => "签名太大，请清除后重新签名", "The signature is too large: clear it and sign again";
    RecordFaulty => "记录内容有误，请联系服务台", "The record is faulty; tell the service desk";
    LoginServerBusy => "服务器暂时不可用（{s}），请稍后再登录", "The server is not available ({s}); log in again later";
    LoginBadAnswer => "服务器的回复无法读取，请稍后再试", "The server's answer could not be read; try again later";
    LoginRefused => "服务器拒绝了登录（{s}）", "The server refused the log in ({s})";
    LoginTooManyTries => "密码错误次数过多，请 {n} 秒后再试", "Too many wrong passwords: try again in {n} s";
    ProblemAccountDisabled => "此账号已被停用：已记录的工作仍会上传，但不会再收到新工单。请联系管理员。", "This account is disabled: what you recorded is still sent, but no new jobs come. Ask your admin.";
    AccountDisabled => "此账号已被停用，请联系管理员。", "This account is disabled: ask your admin.";
    DeskAccount => "这是服务台账号，不能在工程师手机上使用。请在电脑上使用服务台控制台。", "This is a service desk account, not an engineer's: use the desk console on a computer.";
    MustChangePassword => "密码由管理员设置，请先设置您自己的新密码。", "An admin set this password: choose your own before you go on.";
    NewPassword => "新密码（至少 8 位）", "New password (8 characters or more)";
    RepeatPassword => "再次输入新密码", "The new password again";
    ChangePassword => "设置新密码", "Set the new password";
    ChangingPassword => "正在设置…", "Setting…";
    PasswordTooShort => "密码至少 {n} 位", "A password has at least {n} characters";
    PasswordTooLong => "密码最多 {n} 位", "A password has at most {n} characters";
    PasswordsDiffer => "两次输入的新密码不一致", "The two new passwords differ";
    CurrentPasswordWrong => "当前密码不正确，请重新登录", "The current password is wrong: log in again";
    ShareFailed => "无法分享报告", "Could not share the report";
    StarsN => "{n} 星", "{n} stars";
}

pub fn action(lang: Lang, action: Action) -> &'static str {
    match (action, lang) {
        (Action::Contact, Lang::Zh) => "标记已联系",
        (Action::Contact, Lang::En) => "Mark contacted",
        (Action::Depart, Lang::Zh) => "开始出发",
        (Action::Depart, Lang::En) => "Set off",
        (Action::Arrive, Lang::Zh) => "确认到场",
        (Action::Arrive, Lang::En) => "Confirm arrival",
        (Action::Complete, Lang::Zh) => "完成工单",
        (Action::Complete, Lang::En) => "Complete the job",
        (Action::CouldNotComplete, Lang::Zh) => "报告无法完成",
        (Action::CouldNotComplete, Lang::En) => "Report cannot complete",
        (Action::AddNote, Lang::Zh) => "添加备注",
        (Action::AddNote, Lang::En) => "Add note",
        (Action::SignOff, Lang::Zh) => "完成并签字",
        (Action::SignOff, Lang::En) => "Finish & sign-off",
        (Action::Escalate, Lang::Zh) => "升级",
        (Action::Escalate, Lang::En) => "Escalate",
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

pub fn escalation(lang: Lang, to: onsite_core::event::EscalationTarget) -> &'static str {
    match to {
        onsite_core::event::EscalationTarget::Senior => Msg::Senior.text(lang),
        onsite_core::event::EscalationTarget::Vendor => Msg::Vendor.text(lang),
    }
}

/// A part's name from the catalogue, or its code when the catalogue does not know it.
pub fn part_name<'a>(lang: Lang, catalogue: &'a [onsite_core::parts::Part], sku: &'a str) -> &'a str {
    catalogue.iter().find(|p| p.sku == sku).map_or(sku, |p| match lang {
        Lang::Zh => &p.zh,
        Lang::En => &p.en,
    })
}

/// Reads an amount typed in yuan ("128", "128.5", "128.50", "1,280.00") as fen.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let t: String = text.trim().trim_start_matches('¥').chars().filter(|c| *c != ',').collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

/// A time of day in the phone's zone; with the date when it is not today.
/// A time with its date, as a report prints it: "2026-12-03 14:05", in both languages.
pub fn date_time(at: DateTime<Utc>, offset: FixedOffset) -> String {
    at.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string()
}

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
    let s = secs % 60;
    match (lang, h, m) {
        (Lang::Zh, 0, 0) => format!("{secs}秒"),
        (Lang::En, 0, 0) => format!("{secs} s"),
        // Under ten minutes every second counts: show them.
        (Lang::Zh, 0, m) if m < 10 => format!("{m}分{s:02}秒"),
        (Lang::En, 0, m) if m < 10 => format!("{m} min {s:02} s"),
        (Lang::Zh, 0, m) => format!("{m}分钟"),
        (Lang::En, 0, m) => format!("{m} min"),
        (Lang::Zh, h, _) if h >= 48 => format!("{}天{}小时", h / 24, h % 24),
        (Lang::En, h, _) if h >= 48 => format!("{} d {} h", h / 24, h % 24),
        (Lang::Zh, h, m) => format!("{h}小时{m:02}分"),
        (Lang::En, h, m) => format!("{h} h {m:02} min"),
    }
}

/// Why sync stopped, in words.
pub fn sync_problem(lang: Lang, p: &SyncProblem) -> String {
    let status = |m: Msg, s: u16| m.text(lang).replace("{s}", &s.to_string());
    match p {
        SyncProblem::NoConnection => Msg::ProblemNoConnection.text(lang).to_string(),
        SyncProblem::BadAnswer => Msg::ProblemBadAnswer.text(lang).to_string(),
        SyncProblem::ServerBusy { status: s } => status(Msg::ProblemServerBusy, *s),
        SyncProblem::Refused { status: s } => status(Msg::ProblemRefused, *s),
        SyncProblem::PartlyAcknowledged => Msg::ProblemPartly.text(lang).to_string(),
        SyncProblem::LoginAgain => Msg::ProblemLoginAgain.text(lang).to_string(),
        SyncProblem::AccountDisabled => Msg::ProblemAccountDisabled.text(lang).to_string(),
        SyncProblem::Storage { full: true } => Msg::ProblemStorageFull.text(lang).to_string(),
        SyncProblem::Storage { full: false } => Msg::ProblemStorage.text(lang).to_string(),
    }
}

/// A sentence with a detail that cannot be translated (a browser's error name, a server's
/// message) after it in brackets, or alone when there is no detail.
pub fn with_detail(lang: Lang, text: &str, detail: &str) -> String {
    match (detail.trim(), lang) {
        ("", _) => text.to_string(),
        (d, Lang::Zh) => format!("{text}（{d}）"),
        (d, Lang::En) => format!("{text} ({d})"),
    }
}

/// The name of a field an event rule speaks of (`EventKind::validate`).
fn field(lang: Lang, name: &str, number: bool) -> String {
    let msg = match (name, number) {
        ("text", _) => Msg::Note,
        ("result", false) => Msg::Result,
        ("result", true) => Msg::RateResult,
        ("reason", _) => Msg::Reason,
        ("step", _) => Msg::Step,
        ("part", _) => Msg::Part,
        ("serial", _) => Msg::Serial,
        ("receipt_no", _) => Msg::ReceiptNo,
        ("signer", _) => Msg::SignerName,
        ("comment", _) => Msg::CommentField,
        ("qty", _) => Msg::Quantity,
        ("amount_fen", _) => Msg::Amount,
        ("speed", _) => Msg::RateSpeed,
        ("attitude", _) => Msg::RateAttitude,
        (other, _) => return other.to_string(),
    };
    msg.text(lang).to_string()
}

/// Why an event breaks a rule of its kind, in words.
pub fn event_error(lang: Lang, err: &EventError) -> String {
    match err {
        EventError::Empty(f) => Msg::FieldEmpty.text(lang).replace("{f}", &field(lang, f, false)),
        EventError::TooLong(f, n) => {
            Msg::FieldTooLong.text(lang).replace("{f}", &field(lang, f, false)).replace("{n}", &n.to_string())
        }
        EventError::OutOfRange(f, a, b) => {
            let (a, b) =
                if *f == "amount_fen" { (money(*a), money(*b)) } else { (a.to_string(), b.to_string()) };
            Msg::FieldRange
                .text(lang)
                .replace("{f}", &field(lang, f, true))
                .replace("{a}", &a)
                .replace("{b}", &b)
        }
        EventError::SerialNeedsOne => Msg::SerialOneAtATime.text(lang).to_string(),
        EventError::EmptySignature => Msg::NeedSignature.text(lang).to_string(),
        EventError::SignatureTooLarge(_) => Msg::SignatureTooLarge.text(lang).to_string(),
        EventError::ZeroSequence | EventError::BadHash => {
            with_detail(lang, Msg::RecordFaulty.text(lang), &err.to_string())
        }
    }
}

/// "Not saved: …" for an event that breaks a rule of its kind.
pub fn not_saved(lang: Lang, err: &EventError) -> String {
    Msg::NotSavedInvalid.text(lang).replace("{e}", &event_error(lang, err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn money_and_amounts() {
        assert_eq!(money(12_800), "¥128.00");
        assert_eq!(money(123_456_789), "¥1,234,567.89");
        assert_eq!(money(5), "¥0.05");
        for (text, want) in [
            ("128", Some(12_800)),
            ("128.5", Some(12_850)),
            ("¥1,280.05", Some(128_005)),
            ("0.01", Some(1)),
            ("12.345", None),
            ("abc", None),
            ("", None),
            ("-5", None),
        ] {
            assert_eq!(parse_yuan(text), want, "{text}");
        }
    }

    #[test]
    fn spans_show_seconds_when_they_count() {
        assert_eq!(span(Lang::En, 599), "9 min 59 s");
        assert_eq!(span(Lang::En, 600), "10 min");
        assert_eq!(span(Lang::Zh, 3_660), "1小时01分");
        assert_eq!(span(Lang::En, 50 * 3_600), "2 d 2 h");
    }

    #[test]
    fn every_sync_problem_is_worded_in_both_languages() {
        use onsite_core::sync::SyncProblem;
        let all = [
            SyncProblem::NoConnection,
            SyncProblem::BadAnswer,
            SyncProblem::ServerBusy { status: 503 },
            SyncProblem::Refused { status: 413 },
            SyncProblem::PartlyAcknowledged,
            SyncProblem::LoginAgain,
            SyncProblem::AccountDisabled,
            SyncProblem::Storage { full: true },
            SyncProblem::Storage { full: false },
        ];
        for p in &all {
            let (zh, en) = (sync_problem(Lang::Zh, p), sync_problem(Lang::En, p));
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{p:?}: {zh}");
            assert!(en.is_ascii() && !en.is_empty(), "{p:?}: {en}");
            assert!(!zh.contains('{') && !en.contains('{'), "{p:?}: a placeholder left");
        }
        assert!(sync_problem(Lang::En, &SyncProblem::Refused { status: 413 }).contains("413"));
    }

    #[test]
    fn every_event_error_is_worded_in_both_languages() {
        let all = [
            EventError::Empty("reason"),
            EventError::TooLong("text", 2000),
            EventError::OutOfRange("qty", 1, 999),
            EventError::OutOfRange("amount_fen", 1, 1_000_000_000),
            EventError::OutOfRange("result", 1, 5),
            EventError::SerialNeedsOne,
            EventError::EmptySignature,
            EventError::SignatureTooLarge("points"),
            EventError::Empty("signer"),
            EventError::Empty("receipt_no"),
        ];
        for e in &all {
            let (zh, en) = (not_saved(Lang::Zh, e), not_saved(Lang::En, e));
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e:?}: {zh}");
            assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{e:?}: English in {zh}");
            assert!(!zh.contains('{') && !en.contains('{'), "{e:?}: a placeholder left");
        }
        assert_eq!(not_saved(Lang::En, &EventError::Empty("reason")), "Not saved: Reason is required");
        assert_eq!(with_detail(Lang::Zh, "无法分享报告", ""), "无法分享报告");
        assert_eq!(
            with_detail(Lang::En, "Could not share the report", "DataError"),
            "Could not share the report (DataError)"
        );
    }
}

/// Why a new password was refused, in words.
pub fn password_problem(lang: Lang, err: &onsite_core::access::AccountError) -> String {
    use onsite_core::access::AccountProblem as P;
    match err.problem {
        P::TooShort { min } => Msg::PasswordTooShort.text(lang).replace("{n}", &min.to_string()),
        P::TooLong { max } => Msg::PasswordTooLong.text(lang).replace("{n}", &max.to_string()),
        P::Mismatch => Msg::PasswordsDiffer.text(lang).to_string(),
        // A password has no other rules; should one come, the core's own sentence is shown.
        P::Missing | P::BadCharacters | P::NotAnEngineer => err.to_string(),
    }
}
