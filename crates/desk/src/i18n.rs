//! The console's sentences, in Simplified Chinese and English. The field's words (kinds,
//! statuses, priorities, service levels, roles) are `onsite_core::words`, shared with the phone.

pub use onsite_core::words::{
    Lang, channel, closure, concern, desk_action, engineer_state, event, evidence, kind, money, priority,
    reason, role, sla, status, step_title, threshold,
};

onsite_core::messages! {
    Console => "Onsite 服务台", "Onsite service desk";
    LoginTitle => "服务台登录", "Service desk log in";
    Username => "账号", "Username";
    Password => "密码", "Password";
    LogIn => "登录", "Log in";
    LoggingIn => "正在登录…", "Logging in…";
    LogOut => "退出登录", "Log out";
    SwitchLanguage => "English", "中文";
    SwitchLanguageLabel => "切换到英文", "Switch to Chinese";
    BadLogin => "账号或密码错误", "Wrong username or password";
    Offline => "无法连接服务器，请检查网络。", "Cannot reach the server: check the connection.";
    TooManyTries => "密码错误次数过多，请 {n} 秒后再试", "Too many wrong passwords: try again in {n} s";
    AccountDisabled => "此账号已被停用，请联系管理员。", "This account is disabled: ask your admin.";
    FieldAccount => "这是工程师账号，请在手机上使用 Onsite 工程师应用。", "This is an engineer's account: use the Onsite app on the phone.";
    MustChangePassword => "密码由管理员设置，请先设置您自己的新密码。", "An admin set this password: choose your own before you go on.";
    NewPassword => "新密码（至少 8 位）", "New password (8 characters or more)";
    RepeatPassword => "再次输入新密码", "The new password again";
    ChangePassword => "设置新密码", "Set the new password";
    PasswordsDiffer => "两次输入的新密码不一致", "The two new passwords differ";
    PasswordTooShort => "密码至少 {n} 位", "A password has at least {n} characters";
    Refused => "服务器拒绝了请求（{s}）", "The server refused ({s})";
    ServerError => "服务器出错（{s}），请稍后重试。", "The server failed ({s}): try again shortly.";
    Board => "工单看板", "Board";
    NewOrder => "新建工单", "New work order";
    Accounts => "账号管理", "Accounts";
    Nav => "主菜单", "Main menu";
    OpenJobs => "进行中的工单", "Open jobs";
    NoOpenJobs => "没有进行中的工单", "No open jobs";
    Customer => "客户 / 部门名称", "Customer / department";
    Kind => "类型", "Kind";
    Priority => "优先级", "Priority";
    Engineer => "工程师", "Engineer";
    Status => "状态", "Status";
    Clock => "时限", "Deadline";
    Unassigned => "未派单", "Not dispatched";
    DueIn => "剩余 {t}", "{t} left";
    Overdue => "已超时 {t}", "{t} overdue";
    Met => "已达成", "Met";
    MissedDone => "超时完成", "Met late";
    UpdatedAt => "更新于 {t}", "Updated {t}";
    Contact => "联系人", "Contact";
    Phone => "电话", "Phone";
    WeChat => "微信", "WeChat";
    Address => "地址", "Address";
    DeviceName => "设备名称", "Device name";
    DeviceDescription => "设备描述", "Device description";
    Fault => "故障描述 / 需求", "Fault / request";
    DispatchTo => "派单给", "Dispatch to";
    NotYet => "暂不派单", "Not yet";
    Open => "建单", "Open the order";
    Opened => "工单已建立：{c}", "Work order opened: {c}";
    Login => "账号", "Login";
    Name => "姓名", "Name";
    Roles => "角色", "Roles";
    Area => "区域/站", "Area";
    Duties => "业务范围", "Duties";
    InitialPassword => "初始密码（至少 8 位，首次登录须修改）", "First password (8 or more; changed at the first log-in)";
    CreateAccount => "新建账号", "Create the account";
    Created => "账号已建立：{l}", "Account created: {l}";
    State => "状态", "State";
    Enabled => "正常", "Enabled";
    Disabled => "已停用", "Disabled";
    MustChange => "须改密码", "Must change password";
    Disable => "停用", "Disable";
    Enable => "启用", "Enable";
    ResetPassword => "重置密码", "Reset password";
    NewPasswordFor => "{l} 的新密码（首次登录须修改）", "New password for {l} (changed at the next log-in)";
    Set => "设置", "Set";
    Done => "已保存", "Saved";
    Close => "关闭", "Close";
    Required => "必填", "required";
    FieldLogin => "账号只能用小写字母、数字、点、下划线和减号", "A login is lower-case letters, digits, '.', '_' and '-'";
    FieldMissing => "请填写此项", "Please fill this in";
    FieldTooLong => "最多 {n} 个字", "At most {n} characters";
    FieldDuties => "只有工程师有业务范围", "Only an engineer has duties";
    LoginTaken => "账号已存在", "The login is taken";
    NoSuchAccount => "没有这个账号", "No such account";
    SessionOver => "登录已过期，请重新登录。", "Your login has expired: log in again.";
    Back => "返回看板", "Back to the board";
    JobNotFound => "找不到这个工单", "No such job";
    Reported => "报修时间", "Reported";
    Dispatched => "派单时间", "Dispatched";
    ServiceLevels => "服务时限", "Service levels";
    History => "处理过程", "What happened";
    DeviceTime => "手机时间", "Phone's time";
    ServerTime => "服务器收到", "Server received";
    What => "事项", "What";
    Detail => "内容", "Detail";
    SignOffTitle => "用户签字确认", "Customer sign-off";
    Signer => "签字人", "Signed by";
    RatingsTitle => "评价（响应速度 / 服务态度 / 处理结果）", "Ratings (speed / attitude / result)";
    SealIntact => "签字记录核验通过（{h}）", "The signed record is intact ({h})";
    SealAltered => "签字后记录被改动（{h}）", "The record changed after signing ({h})";
    FlagsTitle => "需服务台关注", "For the service desk";
    NotSignedYet => "尚未签字", "Not signed yet";
    RemoteFix => "电话或远程协助已解决（不派单，直接关单）", "Solved by phone or remote help (close without dispatch)";
    RemoteFixWhat => "处理说明", "What was done";
    RemoteFixNeeded => "请写明如何解决的", "Say how it was solved";
    OpenAndClose => "建单并关单", "Open and close the order";
    OpenedClosed => "工单已建立并关单：{c}", "Work order opened and closed: {c}";
    EarlierJobs => "该客户的历史工单", "This customer's earlier jobs";
    Suggested => "{name}（{login}）· {area} · {state} · 在手 {n} 单{fit}", "{name} ({login}) · {area} · {state} · {n} open{fit}";
    FitsDuties => " · 业务对口", " · right duties";
    InArea => " · 本区域", " · this area";
    Actions => "服务台操作", "Desk actions";
    ReassignTo => "改派给", "Re-dispatch to";
    Reassign => "改派", "Re-dispatch";
    Dispatch => "派单", "Dispatch";
    ChooseEngineer => "请选择工程师", "Choose an engineer";
    Reason => "原因", "Reason";
    ReasonNeeded => "请写明原因", "Say why";
    SameEngineer => "已派给这位工程师", "Already dispatched to this engineer";
    JobMoved => "工单已结束或已被他人处理，已重新读取", "The job finished or was changed meanwhile: read again";
    AppointmentStart => "上门时间（开始）", "Visit from";
    AppointmentEnd => "上门时间（结束）", "Visit until";
    Appointment => "预约上门时间", "Appointment";
    WindowReversed => "结束时间须晚于开始时间", "The end must be after the start";
    WindowIncomplete => "请同时填写开始和结束时间（或都不填以取消预约）", "Fill in both times (or neither, to clear the appointment)";
    Reschedule => "改约", "Change the appointment";
    CancelReason => "取消原因", "Why cancel";
    CancelJob => "取消工单", "Cancel the job";
    DeskNote => "备注", "Note";
    AddNote => "添加备注", "Add the note";
    ManagerTold => "已通知经理", "Manager told";
    DeskLog => "服务台记录", "Desk log";
    Who => "操作人", "By";
    Channel => "受理渠道", "Came in by";
    Attention => "需服务台处理", "For the desk now";
    AlarmTellManager => "超过10分钟未联系用户：请在 {t} 前通知经理", "No contact after 10 minutes: tell the manager by {t}";
    AlarmTellManagerLate => "超过15分钟未联系用户，且尚未通知经理", "No contact after 15 minutes, and the manager not told";
    AlarmManagerTold => "已通知经理；{t} 前仍未联系将计入考核", "Manager told; a fined case if still no contact by {t}";
    AlarmFined => "20分钟未联系用户：计入考核", "No contact within 20 minutes: a fined case";
    AlarmFinedUntold => "20分钟未联系用户：计入考核（未通知经理）", "No contact within 20 minutes: a fined case (the manager was not told)";
    ManagerToldButton => "已通知经理", "Manager told";
    Queue => "待派单（先进先出）", "To dispatch (first in, first out)";
    QueueEmpty => "没有待派单的工单", "Nothing waits to be dispatched";
    Waiting => "已等待", "Waiting";
    PhoneReceived => "手机接收", "Phone has it";
    ReceivedAt => "已接收 {t}", "Received {t}";
    NotReceived => "尚未接收", "Not yet";
    BandNow => "需立即处理", "Needs the desk now";
    BandNowEmpty => "没有需要立即处理的工单", "Nothing needs the desk now";
    Asks => "待处理事项", "What it asks";
    ShowMore => "再显示 {n} 条（共余 {m} 条）", "Show {n} more (of {m} more)";
    Search => "搜索", "Search";
    SearchHint => "电话、客户、地址、工单号或工程师（按 / 键）", "Phone, customer, address, job number or engineer (press /)";
    People => "工程师", "Engineers";
    OpenCount => "在手 {n} 单", "{n} open";
    Handled => "已处理", "Dealt with";
    HowHandled => "如何处理的", "How it was dealt with";
    HandledNeeded => "请写明如何处理的", "Say how it was dealt with";
    Complex => "复杂问题", "Complex";
    ComplexCheck => "复杂问题（服务台 24 小时内给出解决方案或进展）", "Complex (the desk answers within 24 hours)";
    WaitingFor => "已等待 {t}", "Waiting {t}";
    ReportedAtField => "报修时间（不填为现在）", "Reported at (now if left empty)";
    ReportedBad => "报修时间须是已过去的时间", "The report time must be in the past";
    Print => "打印工单", "Print the work order";
    Result => "处理结果", "Result";
    StepsTitle => "上门规范与处理步骤", "Visit steps";
    Step => "步骤", "Step";
    StepOpen => "未完成", "Not done";
    StepDoneAt => "已完成 {t}", "Done {t}";
    StepSkippedAt => "已跳过 {t}：{r}", "Skipped {t}: {r}";
    PartsAndFees => "备件与收费", "Parts and fees";
    Fee => "收费", "Fee";
    EscalationsTitle => "升级求助", "Escalations";
    Comment => "用户意见", "Customer's comment";
    AlongsideEngineer => "增派工程师（协助，不替换）", "Send an engineer alongside (not instead)";
    AlongsideVendor => "或增派厂家（名称）", "Or send the vendor (name)";
    AlongsideWho => "请选择一位工程师或填写厂家名称（二选一）", "Choose an engineer or name the vendor (one of the two)";
    SendAlongside => "增派协助", "Send alongside";
    HandledWithNote => "已处理（用备注写明）", "Dealt with (say how in the note)";
    Alongside => "协助：{w}", "Alongside: {w}";
    NoSuchEngineer => "没有这位工程师，或其账号已停用：请重新选择", "No such engineer, or the account is disabled: choose again";
    AlertsEnable => "开启桌面提醒", "Turn on desktop alerts";
    AlertsOn => "桌面提醒已开启", "Desktop alerts on";
    AlertsOff => "桌面提醒不可用（浏览器未允许），看板仍会提示", "Desktop alerts off (the browser does not allow them): the board still shows everything";
    AlertContactDueSoon => "即将超过10分钟未联系用户", "Contact due within minutes";
    AlertTellManager => "超过10分钟未联系用户：请通知经理", "No contact after 10 minutes: tell the manager";
    Assessment => "考核", "Assessment";
    MonthLabel => "月份", "Month";
    PayrollCsv => "导出工资核算表（CSV）", "Payroll CSV";
    DownloadFailed => "浏览器未能保存文件", "The browser could not save the file";
    AssessmentRules => "每项超时扣0.5分，有效投诉扣1分，每分100元；仅凭手机时间的扣分待经理决定后才计入。", "0.5 point a missed deadline, 1 point an upheld complaint, ¥100 a point; a deduction that rests on the phone's clock alone counts only once a manager upholds it.";
    Scores => "工程师本月得分", "This month, by engineer";
    PointsLabel => "扣分", "Points";
    AmountLabel => "金额", "Amount";
    ThresholdsLabel => "提示", "Thresholds";
    DeductionsLabel => "扣分明细", "Deductions";
    EvidenceLabel => "依据", "Evidence";
    DecisionLabel => "经理决定", "Manager's decision";
    Counted => "计入", "Counted";
    NotCounted => "不计入", "Not counted";
    Waive => "免除", "Waive";
    Uphold => "计入", "Uphold";
    DecisionNeedsReason => "请写明决定的理由", "Say why";
    OwnAccount => "不能停用自己的账号，也不能取消自己的管理员角色", "You cannot disable your own account or take your own admin role";
}

/// `secs` as a short span ("12分", "1小时05分"; "12 min", "1 h 05 min").
pub fn span(lang: Lang, secs: i64) -> String {
    let secs = secs.abs();
    let (h, m) = (secs / 3_600, (secs % 3_600) / 60);
    match (lang, h) {
        (Lang::Zh, 0) => format!("{m}分"),
        (Lang::Zh, _) => format!("{h}小时{m:02}分"),
        (Lang::En, 0) => format!("{m} min"),
        (Lang::En, _) => format!("{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(span(Lang::Zh, 600), "10分");
        assert_eq!(span(Lang::En, 3_900), "1 h 05 min");
        assert_eq!(span(Lang::En, -120), "2 min");
    }
}
