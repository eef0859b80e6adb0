//! `/history`: the engineer's older work, looked up on the server (online only) by customer,
//! phone or address, and the days it was reported: the jobs the phone let go after the deployment's period. A job found can
//! be read as its report and printed; it is not stored on the phone again.

use crate::api::{self, ApiError};
use crate::components::work_sections;
use crate::i18n::{self, Msg};
use crate::state::{Auth, Clock, I18n, Stock};
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::wire::JobDetail;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let auth = expect_context::<Auth>();
    let clock = expect_context::<Clock>();
    let stock = expect_context::<Stock>();
    let words = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let found = RwSignal::new(None::<Vec<JobDetail>>);
    let problem = RwSignal::new(None::<Msg>);
    let open = RwSignal::new(None::<onsite_core::JobId>);

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = auth.token() else {
            problem.set(Some(Msg::LoginAgain));
            return;
        };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let result =
                api::history(&token, &words.get_untracked(), &from.get_untracked(), &to.get_untracked())
                    .await;
            busy.set(false);
            match result {
                Ok(list) => found.set(Some(list)),
                Err(ApiError::Network) => problem.set(Some(Msg::HistoryOffline)),
                Err(ApiError::Unauthorized) => problem.set(Some(Msg::LoginAgain)),
                Err(_) => problem.set(Some(Msg::HistoryFailed)),
            }
        });
    };

    let item = move |d: JobDetail| {
        let id = d.job.id;
        let lang = i18n.lang.get_untracked();
        let offset = clock.offset.get_untracked();
        let when = i18n::date_time(d.job.reported_at, offset);
        let title = format!("{} · {}", d.job.customer, d.job.address);
        view! {
            <li class="history-item" data-testid="history-item">
                <div class="customer">{title}</div>
                <small class="muted">{move || format!("{} · {}", when, i18n::status(i18n.lang.get(), d.status))}</small>
                <button class="secondary wide" aria-expanded=move || (open.get() == Some(id)).to_string()
                    on:click=move |_| open.update(|o| *o = if *o == Some(id) { None } else { Some(id) })>
                    {move || i18n.t(Msg::ViewReport)}
                </button>
                <Show when=move || open.get() == Some(id)>
                    {
                        let r = d.report.clone();
                        let catalogue = stock.catalogue.get_untracked();
                        let signer = r.sign_off.as_ref().map(|s| format!("{} · {}", s.signer, i18n::date_time(s.at, offset)));
                        view! {
                            <article class="report" data-testid="history-report">
                                <dl class="report-fields">
                                    {r.result.clone().map(|v| view! { <dt>{Msg::Result.text(lang)}</dt><dd>{v}</dd> })}
                                    {signer.map(|v| view! { <dt>{Msg::SignedBy.text(lang)}</dt><dd>{v}</dd> })}
                                </dl>
                                {work_sections(lang, &r, &catalogue, move |at| i18n::date_time(at, offset))}
                                <button class="secondary no-print" on:click=move |_| { let _ = window().print(); }>{Msg::Print.text(lang)}</button>
                            </article>
                        }
                    }
                </Show>
            </li>
        }
    };

    view! {
        <section class="page history">
            <a class="back" href="/">"‹ " {move || i18n.t(Msg::Back)}</a>
            <h1>{move || i18n.t(Msg::OlderJobs)}</h1>
            <form class="words" on:submit=search>
                <label for="history-words">{move || i18n.t(Msg::HistoryWords)}</label>
                <input id="history-words" type="search" autocomplete="off"
                    prop:value=move || words.get() on:input=move |ev| words.set(event_target_value(&ev))/>
                <div class="row">
                    <div>
                        <label for="history-from">{move || i18n.t(Msg::FromDay)}</label>
                        <input id="history-from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for="history-to">{move || i18n.t(Msg::ToDay)}</label>
                        <input id="history-to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                    </div>
                </div>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Msg::Search)}</button>
            </form>
            {move || problem.get().map(|m| view! { <p class="error-text" role="alert">{move || i18n.t(m)}</p> })}
            {move || found.get().map(|list| {
                if list.is_empty() {
                    view! { <p class="muted" role="status">{move || i18n.t(Msg::NothingFound)}</p> }.into_any()
                } else {
                    view! { <ul class="history-list">{list.into_iter().map(item).collect_view()}</ul> }.into_any()
                }
            })}
        </section>
    }
}
