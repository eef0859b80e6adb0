//! Visit steps (上门行为规范 and the technical steps of each kind of job).
//!
//! A job carries a checklist: the service desk's own when it sent one, else the built-in
//! default for the job's kind ([`default_checklist`]). Each step is done or skipped (with a
//! reason) by an event; the last event about a step decides its state. Required steps must be
//! done or skipped before the job can be finished ([`crate::report::finish_blockers`]).

use crate::event::{EventKind, VisitEvent, canonical_order};
use crate::kind::JobKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

pub use crate::limits::MAX_STEP_ID;
/// The most steps in one checklist.
pub const MAX_STEPS: usize = 60;
/// The longest step title, in characters, in either language.
pub const MAX_STEP_TITLE: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepGroup {
    /// The on-site code of conduct (上门行为规范).
    Conduct,
    /// The technical work of the job kind.
    Technical,
}

/// One step of a checklist, with its title in both languages (it is data from the service
/// desk, not a UI string).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Step {
    /// Stable id, referred to by step events.
    pub id: String,
    pub zh: String,
    pub en: String,
    pub required: bool,
    pub group: StepGroup,
}

fn step(id: &str, zh: &str, en: &str, required: bool, group: StepGroup) -> Step {
    Step { id: id.into(), zh: zh.into(), en: en.into(), required, group }
}

/// The code of conduct of a visit to a customer, from `shared/domain.md`.
fn conduct() -> Vec<Step> {
    use StepGroup::Conduct as C;
    vec![
        step("agree_time", "电话约定上门时间", "Phone to agree the visit time", true, C),
        step("kit_badge", "携带全套工具、带工作证、着装整齐", "Full tool kit, badge, tidy clothes", true, C),
        step("knock", "敲门三声，无人应答等三秒再敲", "Knock three times; wait, knock again", true, C),
        step("greeting", "规范用语问候并自我介绍", "Standard greeting and introduction", true, C),
        step("shoe_covers", "询问并穿鞋套进屋", "Ask, and wear shoe covers", true, C),
        step("clean_up", "恢复原位、清理现场", "Put things back, clean the work area", true, C),
        step("no_gifts", "不接受用户任何物品", "Accept no gifts", true, C),
        step("closing", "结束语并告知24小时客服电话", "Closing words and the 24-hour hotline", true, C),
    ]
}

/// The built-in checklist of a job kind.
pub fn default_checklist(kind: JobKind) -> Vec<Step> {
    use StepGroup::Technical as T;
    let technical = match kind {
        JobKind::Install => vec![
            step("cabling", "布线", "Cabling", true, T),
            step(
                "line_labels",
                "打线标（汇聚交换机、机箱、跳线）",
                "Label the switch, chassis and patch lines",
                true,
                T,
            ),
            step("ont_setup", "光猫/ONT安装配置", "Install and configure the modem/ONT", true, T),
            step("speed_test", "测速", "Speed test", true, T),
            step(
                "account_handover",
                "帐号和密码准确告知用户",
                "Tell the customer the account and password",
                true,
                T,
            ),
            step(
                "registration_form",
                "填写上门服务业务登记单",
                "Fill in the service registration form",
                true,
                T,
            ),
        ],
        JobKind::Repair => vec![
            step("diagnose", "故障诊断", "Diagnose the fault", true, T),
            step("fix", "排除故障", "Fix the fault", true, T),
            step("speed_test", "测速", "Speed test", true, T),
            step("line_labels", "检查线标", "Check the line labels", false, T),
        ],
        JobKind::Renewal => vec![
            step("fee_collected", "收取续费", "Collect the renewal fee", true, T),
            step("receipt", "开具票据（无差错）", "Hand over a correct receipt", true, T),
        ],
        JobKind::Inspection => vec![
            step("check_equipment", "检查区域内设备", "Check the equipment in the area", true, T),
            step("labels_intact", "检查线标完好", "Check the labels are intact", true, T),
            step("report_findings", "记录巡检结果", "Record what was found", true, T),
        ],
        JobKind::ItRepair => vec![
            step("diagnose", "故障诊断", "Diagnose the fault", true, T),
            step("fix", "维修处理", "Repair", true, T),
            step("user_confirms", "用户确认恢复正常", "The user confirms it works", true, T),
            step("knowledge", "记录解决方法（知识库）", "Note the solution for the knowledge base", false, T),
        ],
    };
    match kind {
        // An inspection visits equipment, not a customer: only the kit rule applies.
        JobKind::Inspection => {
            conduct().into_iter().filter(|s| s.id == "kit_badge").chain(technical).collect()
        }
        _ => conduct().into_iter().chain(technical).collect(),
    }
}

/// Where a step stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StepState {
    Open,
    Done { at: DateTime<Utc> },
    Skipped { at: DateTime<Utc>, reason: String },
}

impl StepState {
    /// Done, or skipped with a reason: no longer blocks finishing.
    pub fn is_settled(&self) -> bool {
        !matches!(self, StepState::Open)
    }
}

/// The steps a fee recorded with its receipt settles: the fee form is these two steps of a
/// renewal (收取续费, 开具票据), so the engineer records them once, not twice.
pub const SETTLED_BY_FEE: [&str; 2] = ["fee_collected", "receipt"];

/// The steps an event settles: a step done or skipped names its own; a fee recorded settles
/// [`SETTLED_BY_FEE`]. Every reader of step states goes through this one rule (the phone's
/// checklist, finishing, the report, and the server's kept progress).
pub fn settles(kind: &EventKind) -> Vec<&str> {
    match kind {
        EventKind::StepDone { step } | EventKind::StepSkipped { step, .. } => vec![step.as_str()],
        EventKind::FeeCollected { .. } => SETTLED_BY_FEE.to_vec(),
        _ => Vec::new(),
    }
}

/// The state of every step of a checklist, in checklist order.
pub fn step_states<'a>(
    checklist: &'a [Step],
    events: impl IntoIterator<Item = &'a VisitEvent>,
) -> Vec<(&'a Step, StepState)> {
    let ordered = canonical_order(events);
    checklist
        .iter()
        .map(|s| {
            let state = ordered
                .iter()
                .filter(|e| settles(&e.kind).contains(&s.id.as_str()))
                .map(|e| match &e.kind {
                    EventKind::StepSkipped { reason, .. } => {
                        StepState::Skipped { at: e.device_time, reason: reason.clone() }
                    }
                    _ => StepState::Done { at: e.device_time },
                })
                .next_back()
                .unwrap_or(StepState::Open);
            (s, state)
        })
        .collect()
}

/// Checks a checklist sent by the service desk.
pub fn validate_checklist(steps: &[Step]) -> Result<(), String> {
    if steps.len() > MAX_STEPS {
        return Err(format!("a checklist has at most {MAX_STEPS} steps"));
    }
    let mut seen = std::collections::HashSet::new();
    for s in steps {
        if s.id.trim().is_empty() || s.id.chars().count() > MAX_STEP_ID {
            return Err(format!("a step id must have 1 to {MAX_STEP_ID} characters"));
        }
        if !seen.insert(s.id.as_str()) {
            return Err(format!("step id {:?} appears twice", s.id));
        }
        if s.zh.trim().is_empty()
            || s.en.trim().is_empty()
            || s.zh.chars().count() > MAX_STEP_TITLE
            || s.en.chars().count() > MAX_STEP_TITLE
        {
            return Err(format!(
                "step {:?} needs a title of 1 to {MAX_STEP_TITLE} characters in both languages",
                s.id
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fee_recorded_settles_the_renewals_fee_steps_and_nothing_else_does() {
        use crate::event::tests::ev;
        let fee = EventKind::FeeCollected { amount_fen: 12_800, receipt_no: "R-001".into() };
        let table: Vec<(EventKind, Vec<&str>)> = vec![
            (EventKind::StepDone { step: "knock".into() }, vec!["knock"]),
            (EventKind::StepSkipped { step: "shoe_covers".into(), reason: "r".into() }, vec!["shoe_covers"]),
            (fee.clone(), vec!["fee_collected", "receipt"]),
            (EventKind::Arrived, vec![]),
            (EventKind::NoteAdded { text: "收了费".into() }, vec![]),
        ];
        for (kind, want) in table {
            assert_eq!(settles(&kind), want, "{kind:?}");
        }
        let renewal = default_checklist(crate::job::JobKind::Renewal);
        let events = [ev(1, 1, 1, 30, fee)];
        let states = step_states(&renewal, &events);
        let state = |id: &str| states.iter().find(|(s, _)| s.id == id).map(|(_, st)| st.clone());
        assert!(matches!(state("fee_collected"), Some(StepState::Done { .. })));
        assert!(matches!(state("receipt"), Some(StepState::Done { .. })));
        assert_eq!(state("knock"), Some(StepState::Open));
    }
    use crate::event::tests::ev;

    #[test]
    fn defaults_hold_the_code_of_conduct_and_the_kind_s_steps() {
        for kind in JobKind::ALL {
            let list = default_checklist(kind);
            assert_eq!(validate_checklist(&list), Ok(()), "{kind:?}");
            assert!(list.iter().any(|s| s.id == "kit_badge"), "{kind:?}");
            assert!(list.iter().any(|s| s.group == StepGroup::Technical), "{kind:?}");
            let visits_customer = kind != JobKind::Inspection;
            assert_eq!(list.iter().any(|s| s.id == "knock"), visits_customer, "{kind:?}");
        }
        let install = default_checklist(JobKind::Install);
        for id in
            ["line_labels", "ont_setup", "speed_test", "account_handover", "registration_form", "closing"]
        {
            assert!(install.iter().any(|s| s.id == id && s.required), "{id}");
        }
    }

    #[test]
    fn the_last_event_about_a_step_decides() {
        let list = default_checklist(JobKind::Repair);
        let skip = |r: &str| EventKind::StepSkipped { step: "shoe_covers".into(), reason: r.into() };
        let done = EventKind::StepDone { step: "shoe_covers".into() };
        type Check = fn(&StepState) -> bool;
        let cases: Vec<(&str, Vec<EventKind>, Check)> = vec![
            ("nothing", vec![], |s| *s == StepState::Open),
            ("done", vec![done.clone()], |s| matches!(s, StepState::Done { .. })),
            (
                "skipped",
                vec![skip("用户说不用")],
                |s| matches!(s, StepState::Skipped { reason, .. } if reason == "用户说不用"),
            ),
            ("skipped then done", vec![skip("x"), done.clone()], |s| matches!(s, StepState::Done { .. })),
            ("done then skipped", vec![done, skip("y")], |s| matches!(s, StepState::Skipped { .. })),
        ];
        for (name, kinds, check) in cases {
            let events: Vec<_> = kinds
                .into_iter()
                .enumerate()
                .map(|(i, k)| ev(i as u128, 1, i as u64 + 1, i as u32, k))
                .collect();
            let states = step_states(&list, &events);
            let (_, state) = states.iter().find(|(s, _)| s.id == "shoe_covers").unwrap();
            assert!(check(state), "{name}: {state:?}");
            assert!(
                states.iter().filter(|(s, _)| s.id != "shoe_covers").all(|(_, st)| *st == StepState::Open)
            );
        }
    }

    #[test]
    fn checklist_validation_table() {
        let ok = || default_checklist(JobKind::Repair);
        let mut dup = ok();
        dup.push(dup[0].clone());
        let mut blank = ok();
        blank[0].id = " ".into();
        let mut untitled = ok();
        untitled[1].en = String::new();
        let too_many: Vec<Step> = (0..=MAX_STEPS)
            .map(|i| step(&format!("s{i}"), "步", "step", false, StepGroup::Technical))
            .collect();
        assert_eq!(validate_checklist(&ok()), Ok(()));
        for (name, list) in
            [("duplicate", dup), ("blank id", blank), ("untitled", untitled), ("too many", too_many)]
        {
            assert!(validate_checklist(&list).is_err(), "{name}");
        }
    }
}
