//! The console's pages and its frame: the top bar (the person, the language, log out), the
//! menu by what the person may do, and the one message line.

mod accounts;
mod actions;
mod assessment;
mod board;
mod intake;
mod job;
mod login;

use crate::api::ApiError;
use crate::i18n::{Lang, Msg};
use crate::state::{Desk, I18n, Notice, Words};
use leptos::prelude::*;
use leptos_router::components::{A, Redirect, Route, Router, Routes};
use leptos_router::path;
use onsite_core::access::{AccountError, AccountProblem, Permission};
use onsite_core::desk::DeskField;
use onsite_core::wire::ErrorCode;

#[component]
pub fn App() -> impl IntoView {
    let desk = Desk::load();
    let i18n = I18n::load();
    let notice = Notice::new();
    provide_context(desk);
    provide_context(i18n);
    provide_context(notice);

    view! {
        <Router base="/desk">
            <TopBar/>
            <main id="main">
                <NoticeLine/>
                <Routes fallback=|| view! { <Redirect path="/"/> }>
                    <Route path=path!("/login") view=login::LoginPage/>
                    <Route path=path!("/") view=move || gate(Permission::ReadDesk, board::BoardPage)/>
                    <Route path=path!("/jobs/:id") view=move || gate(Permission::ReadDesk, job::JobPage)/>
                    <Route path=path!("/new") view=move || gate(Permission::Dispatch, intake::IntakePage)/>
                    <Route path=path!("/assessment") view=move || gate(Permission::ReadDesk, assessment::AssessmentPage)/>
                    <Route path=path!("/accounts") view=move || gate(Permission::ManageAccounts, accounts::AccountsPage)/>
                </Routes>
            </main>
        </Router>
    }
}

/// The page if the person may see it; the log-in without a session; else their first page.
fn gate<V: IntoView + 'static>(what: Permission, page: fn() -> V) -> impl IntoView {
    let desk = expect_context::<Desk>();
    move || match desk.user() {
        None => view! { <Redirect path="/login"/> }.into_any(),
        Some(_) if desk.may(what) => page().into_any(),
        Some(_) => view! { <Redirect path=home(desk)/> }.into_any(),
    }
}

/// Where a person starts: the board for the desk and managers, accounts for an admin only. A
/// path in the console: the router puts it under `/desk` (links, `<A href>`, carry `/desk/`).
pub fn home(desk: Desk) -> &'static str {
    if desk.may(Permission::ReadDesk) { "/" } else { "/accounts" }
}

#[component]
fn TopBar() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    // The console's keys, on every page.
    crate::hooks::use_shortcuts();
    let log_out = move |_| {
        let token = desk.token_untracked();
        desk.end();
        notice.clear();
        if let Some(token) = token {
            leptos::task::spawn_local(async move {
                // Forgotten here already; the server lets the token lapse if this fails.
                let _ = crate::api::logout(&token).await;
            });
        }
    };
    view! {
        <header class="top-bar">
            <span class="brand">{move || i18n.t(Msg::Console)}</span>
            <nav aria-label=move || i18n.t(Msg::Nav)>
                <Show when=move || desk.may(Permission::ReadDesk)>
                    <A href="/desk/">{move || i18n.t(Msg::Board)}</A>
                </Show>
                <Show when=move || desk.may(Permission::Dispatch)>
                    <A href="/desk/new">{move || i18n.t(Msg::NewOrder)}</A>
                </Show>
                <Show when=move || desk.may(Permission::ReadDesk)>
                    <A href="/desk/assessment">{move || i18n.t(Msg::Assessment)}</A>
                </Show>
                <Show when=move || desk.may(Permission::ManageAccounts)>
                    <A href="/desk/accounts">{move || i18n.t(Msg::Accounts)}</A>
                </Show>
            </nav>
            <span class="spacer"></span>
            {move || desk.user().map(|u| view! { <span class="who" data-testid="who">{u.name}</span> })}
            <button type="button" class="link" lang=move || i18n.lang().other().code()
                aria-label=move || i18n.t(Msg::SwitchLanguageLabel) on:click=move |_| i18n.switch()>
                {move || i18n.t(Msg::SwitchLanguage)}
            </button>
            <Show when=move || desk.user().is_some()>
                <button type="button" class="link" on:click=log_out>{move || i18n.t(Msg::LogOut)}</button>
            </Show>
        </header>
    }
}

#[component]
fn NoticeLine() -> impl IntoView {
    let notice = expect_context::<Notice>();
    let i18n = expect_context::<I18n>();
    move || {
        notice.shown(i18n.lang()).map(|(error, text)| {
            let (class, role) = if error { ("notice error", "alert") } else { ("notice info", "status") };
            view! {
                <div class=class role=role data-testid="notice">
                    <span>{text}</span>
                    <button type="button" class="link" on:click=move |_| notice.clear()>{move || i18n.t(Msg::Close)}</button>
                </div>
            }
        })
    }
}

/// A failed call, in words.
pub fn problem(err: &ApiError) -> Words {
    let err = err.clone();
    Words::new(move |lang| problem_text(lang, &err))
}

/// The field of a desk action's request that a refusal names, if it names one.
pub fn refused_field(err: &ApiError) -> Option<DeskField> {
    match err {
        ApiError::Status { field: Some(f), .. } => DeskField::parse(f),
        _ => None,
    }
}

fn problem_text(lang: Lang, err: &ApiError) -> String {
    if matches!(refused_field(err), Some(DeskField::Assignee | DeskField::Engineer)) {
        return Msg::NoSuchEngineer.text(lang).into();
    }
    match err {
        ApiError::Network => Msg::Offline.text(lang).into(),
        ApiError::LogInAgain => Msg::SessionOver.text(lang).into(),
        ApiError::BadBody => Msg::ServerError.text(lang).replace("{s}", "?"),
        ApiError::Status { status, code, message, retry_after, .. } => match (status, code) {
            (_, Some(ErrorCode::AccountDisabled)) => Msg::AccountDisabled.text(lang).into(),
            (429, _) => Msg::TooManyTries.text(lang).replace("{n}", &retry_after.unwrap_or(30).to_string()),
            (401, _) => Msg::BadLogin.text(lang).into(),
            (500.., _) => Msg::ServerError.text(lang).replace("{s}", &status.to_string()),
            _ => Msg::Refused.text(lang).replace("{s}", &format!("{status} · {message}")),
        },
    }
}

/// A field refused by the core's rules, in words.
pub fn field_problem(lang: Lang, err: &AccountError) -> String {
    match err.problem {
        AccountProblem::Missing => Msg::FieldMissing.text(lang).into(),
        AccountProblem::TooLong { max } => Msg::FieldTooLong.text(lang).replace("{n}", &max.to_string()),
        AccountProblem::TooShort { min } => Msg::PasswordTooShort.text(lang).replace("{n}", &min.to_string()),
        AccountProblem::BadCharacters => Msg::FieldLogin.text(lang).into(),
        AccountProblem::NotAnEngineer => Msg::FieldDuties.text(lang).into(),
        AccountProblem::Mismatch => Msg::PasswordsDiffer.text(lang).into(),
    }
}
