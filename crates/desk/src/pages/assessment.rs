//! `/desk/assessment`: a month of the assessment (考核): each engineer's points, money and the
//! rules' thresholds, every deduction behind them with what proves it and whether it counts,
//! a manager's waiver or upholding (with the reason), and the payroll CSV.

use super::problem;
use crate::api;
use crate::hooks::{use_changes, use_download};
use crate::i18n::{self, Msg};
use crate::state::{Desk, I18n, Notice};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use onsite_core::access::Permission;
use onsite_core::assessment::Month;
use onsite_core::wire::{AssessmentMonth, DecisionRequest};

/// The deployment's zone, as the server counts months in it (China Standard Time).
fn zone() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).unwrap_or(chrono::Utc.fix()))
}

use chrono::Offset;

fn points(halves: u32) -> String {
    if halves % 2 == 0 { format!("{}", halves / 2) } else { format!("{}.5", halves / 2) }
}

#[component]
pub fn AssessmentPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let this = Month::of(chrono::Utc::now(), zone());
    let month = RwSignal::new(format!("{:04}-{:02}", this.year, this.month));
    let data = RwSignal::new(None::<AssessmentMonth>);
    let download = use_download();
    let load = move || {
        let m = month.get_untracked();
        spawn_local(async move {
            match api::get::<AssessmentMonth>(desk, &format!("/assessment?month={m}")).await {
                Ok(a) => {
                    if data.with_untracked(|d| d.as_ref() != Some(&a)) {
                        data.try_set(Some(a));
                    }
                }
                Err(e) => notice.error(problem(&e)),
            }
        });
    };
    use_changes(load);
    let manager = move || desk.may(Permission::Decide);
    let decide = move |key: String, upheld: bool, reason: String| {
        if reason.trim().is_empty() {
            notice.error(Msg::DecisionNeedsReason);
            return;
        }
        spawn_local(async move {
            let body = DecisionRequest { key, upheld, reason };
            match api::post_empty(desk, "/assessment/decisions", &body).await {
                Ok(()) => {
                    notice.info(Msg::Done);
                    load();
                }
                Err(e) => notice.error(problem(&e)),
            }
        });
    };
    let save_csv = move |_| {
        let Some(month) = data.get_untracked() else { return };
        let (name, text) = onsite_core::payroll::csv(&month, i18n.lang(), zone());
        if download(&name, "text/csv;charset=utf-8", &text).is_err() {
            notice.error(Msg::DownloadFailed);
        }
    };

    view! {
        <section class="page assessment" data-testid="assessment">
            <div class="board-bar">
                <h1>{move || i18n.t(Msg::Assessment)}</h1>
                <label class="search">
                    <span>{move || i18n.t(Msg::MonthLabel)}</span>
                    <input type="month" id="assessment-month" prop:value=move || month.get()
                        on:change=move |ev| { month.set(event_target_value(&ev)); load(); }/>
                </label>
                <button type="button" class="secondary" data-testid="payroll-csv" on:click=save_csv>
                    {move || i18n.t(Msg::PayrollCsv)}
                </button>
            </div>
            <p class="muted">{move || i18n.t(Msg::AssessmentRules)}</p>
            <h2>{move || i18n.t(Msg::Scores)}</h2>
            <table data-testid="scores">
                <thead><tr>
                    <th scope="col">{move || i18n.t(Msg::Engineer)}</th>
                    <th scope="col">{move || i18n.t(Msg::PointsLabel)}</th>
                    <th scope="col">{move || i18n.t(Msg::AmountLabel)}</th>
                    <th scope="col">{move || i18n.t(Msg::ThresholdsLabel)}</th>
                </tr></thead>
                <tbody>
                    {move || data.get().map(|a| a.scores.into_iter().map(|s| {
                        let thresholds = s.thresholds.clone();
                        let flagged = if thresholds.is_empty() { "" } else { "clock missed" };
                        view! { <tr data-testid="score" data-engineer=s.engineer.clone() data-halves=s.halves.to_string()>
                            <th scope="row">{s.engineer.clone()}</th>
                            <td>{points(s.halves)}</td>
                            <td>{i18n::money(s.fen)}</td>
                            <td class=flagged>{move || thresholds.iter()
                                .map(|t| i18n::threshold(i18n.lang(), *t)).collect::<Vec<_>>().join("；")}</td>
                        </tr> }
                    }).collect_view())}
                </tbody>
            </table>
            <h2>{move || i18n.t(Msg::DeductionsLabel)}</h2>
            <table data-testid="deductions">
                <thead><tr>
                    <th scope="col">{move || i18n.t(Msg::What)}</th>
                    <th scope="col">{move || i18n.t(Msg::Engineer)}</th>
                    <th scope="col">{move || i18n.t(Msg::Customer)}</th>
                    <th scope="col">{move || i18n.t(Msg::PointsLabel)}</th>
                    <th scope="col">{move || i18n.t(Msg::EvidenceLabel)}</th>
                    <th scope="col">{move || i18n.t(Msg::DecisionLabel)}</th>
                </tr></thead>
                <tbody>
                    {move || data.get().map(|a| a.deductions.into_iter().map(|l| {
                        let d = l.deduction.clone();
                        let (evidence, reason, job) = (d.evidence, d.reason.clone(), d.job);
                        let reason_name = reason.as_str();
                        let when = d.at.with_timezone(&zone()).format("%m-%d %H:%M").to_string();
                        let money = d.fen + i64::from(d.halves) * onsite_core::assessment::POINT_FEN / 2;
                        let why = RwSignal::new(String::new());
                        let key = l.key.clone();
                        let decided = l.decision.clone().map(|x| format!("{} · {} · {}", x.by, x.reason, x.at.with_timezone(&zone()).format("%m-%d %H:%M")));
                        view! { <tr data-testid="deduction" data-reason=reason_name data-counted=l.counted.to_string()
                                data-evidence=if evidence == onsite_core::assessment::Evidence::Verified { "verified" } else { "unverified" }>
                            <th scope="row">{move || i18n::reason(i18n.lang(), &reason).to_string()}<div class="muted small">{when.clone()}</div></th>
                            <td>{d.engineer.clone()}</td>
                            <td><A href=format!("/desk/jobs/{job}")>{l.customer.clone()}</A></td>
                            <td>{points(d.halves)}" · "{i18n::money(money)}
                                <div class="muted small">{move || if l.counted { i18n.t(Msg::Counted) } else { i18n.t(Msg::NotCounted) }}</div></td>
                            <td>{move || i18n::evidence(i18n.lang(), evidence)}</td>
                            <td>
                                {decided.clone()}
                                <Show when=manager>
                                    {
                                        let (k1, k2) = (key.clone(), key.clone());
                                        view! {
                                            <form class="inline" data-testid="decision-form" on:submit=|ev| ev.prevent_default()>
                                                <label class="visually-hidden" for=format!("why-{k1}")>{move || i18n.t(Msg::Reason)}</label>
                                                <input id=format!("why-{k1}") maxlength="2000" placeholder=move || i18n.t(Msg::Reason)
                                                    prop:value=move || why.get() on:input=move |ev| why.set(event_target_value(&ev))/>
                                                <button type="button" data-testid="waive"
                                                    on:click={ let k = k1.clone(); move |_| decide(k.clone(), false, why.get_untracked()) }>
                                                    {move || i18n.t(Msg::Waive)}
                                                </button>
                                                <button type="button" data-testid="uphold"
                                                    on:click={ let k = k2.clone(); move |_| decide(k.clone(), true, why.get_untracked()) }>
                                                    {move || i18n.t(Msg::Uphold)}
                                                </button>
                                            </form>
                                        }
                                    }
                                </Show>
                            </td>
                        </tr> }
                    }).collect_view())}
                </tbody>
            </table>
        </section>
    }
}
