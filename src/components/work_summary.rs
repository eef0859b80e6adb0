//! The work of a visit, as the customer signs for it and as the report prints it: the steps
//! with their times, the parts with their serials, the fees, the escalations and the notes. One
//! view for both pages, so what the sign-off page shows is what the report shows and what the
//! seal covers (every event held on the job, `onsite_core::signoff::seal`).

use crate::i18n::{self, Lang, Msg};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use onsite_core::parts::Part;
use onsite_core::report::VisitReport;
use onsite_core::steps::StepState;

/// The work sections of `r`, worded in `lang`; `t` writes a time.
pub fn work_sections<T>(lang: Lang, r: &VisitReport, catalogue: &[Part], t: T) -> impl IntoView + use<T>
where
    T: Fn(DateTime<Utc>) -> String + Copy + Send + 'static,
{
    let steps = r
        .steps
        .iter()
        .map(|l| {
            let (mark, detail) = match &l.state {
                StepState::Open => ("–", String::new()),
                StepState::Done { at } => ("✓", t(*at)),
                StepState::Skipped { at, reason } => ("↷", format!("{} · {reason}", t(*at))),
            };
            view! { <tr><td>{mark}</td><td>{i18n::step_title(lang, &l.step).to_string()}</td><td>{detail}</td></tr> }
        })
        .collect_view();
    let parts = r
        .parts
        .iter()
        .map(|l| {
            view! {
                <li data-testid="report-part">
                    {i18n::part_name(lang, catalogue, &l.part).to_string()}
                    {format!(" × {}", l.used)}
                    {(l.returned > 0).then(|| format!(" ({} {})", Msg::Returned.text(lang), l.returned))}
                    {(!l.serials.is_empty()).then(|| format!(" · {}", l.serials.join(", ")))}
                </li>
            }
        })
        .collect_view();
    let no_parts = r.parts.is_empty().then(|| view! { <p class="muted">{Msg::NoParts.text(lang)}</p> });
    let fees = (!r.fees.is_empty()).then(|| {
        let items = r
            .fees
            .iter()
            .map(|f| view! { <li>{format!("{} · {} · {}", i18n::money(f.amount_fen), f.receipt_no, t(f.at))}</li> })
            .collect_view();
        view! { <section><h2>{Msg::Fee.text(lang)}</h2><ul>{items}</ul></section> }
    });
    let escalations = (!r.escalations.is_empty()).then(|| {
        let items = r
            .escalations
            .iter()
            .map(|e| view! { <li>{format!("{} · {} · {}", i18n::escalation(lang, e.to), e.reason, t(e.at))}</li> })
            .collect_view();
        view! { <section><h2>{Msg::Escalations.text(lang)}</h2><ul>{items}</ul></section> }
    });
    let notes = (!r.notes.is_empty()).then(|| {
        let items =
            r.notes.iter().map(|n| view! { <li>{format!("{} · {}", t(n.at), n.text)}</li> }).collect_view();
        view! { <section><h2>{Msg::Notes.text(lang)}</h2><ul>{items}</ul></section> }
    });
    view! {
        <section>
            <h2>{Msg::Steps.text(lang)}</h2>
            <table class="report-table"><tbody>{steps}</tbody></table>
        </section>
        <section>
            <h2>{Msg::Parts.text(lang)}</h2>
            {no_parts}
            <ul>{parts}</ul>
        </section>
        {fees}
        {escalations}
        {notes}
    }
}
