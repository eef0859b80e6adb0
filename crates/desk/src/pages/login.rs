//! `/desk/login`: the service desk, managers and admins log in. An engineer's account is told to
//! use the phone app; a password an admin set is changed here first; nothing is kept before.

use super::{field_problem, home, problem};
use crate::api;
use crate::i18n::Msg;
use crate::state::{Desk, I18n, Notice, Words};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use onsite_core::access::{check_new_password, works_in_the_field};
use onsite_core::wire::Session;

#[component]
pub fn LoginPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let navigate = use_navigate();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let changing = RwSignal::new(None::<Session>);
    let busy = RwSignal::new(false);

    let enter = move |session: Session| {
        desk.keep(session);
        password.set(String::new());
        notice.clear();
        navigate(home(desk), Default::default());
    };
    let enter_after_change = enter.clone();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.clear();
        let enter = enter.clone();
        spawn_local(async move {
            let result = api::login(login.get_untracked().trim(), &password.get_untracked()).await;
            busy.set(false);
            match result {
                Ok(session) if works_in_the_field(session.user.held()) => notice.error(Msg::FieldAccount),
                Ok(session) if session.must_change_password => changing.set(Some(session)),
                Ok(session) => enter(session),
                Err(e) => notice.error(problem(&e)),
            }
        });
    };

    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (new, again) = (new_password.get_untracked(), repeat.get_untracked());
        if let Err(e) = check_new_password(&new, &again) {
            notice.error(Words::new(move |lang| field_problem(lang, &e)));
            return;
        }
        let Some(mut session) = changing.get_untracked() else { return };
        busy.set(true);
        let enter = enter_after_change.clone();
        spawn_local(async move {
            let result = api::change_password(&session.token, &password.get_untracked(), &new).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    session.must_change_password = false;
                    changing.set(None);
                    enter(session);
                }
                Err(e) => notice.error(problem(&e)),
            }
        });
    };

    view! {
        <section class="page login">
            <h1>{move || i18n.t(Msg::LoginTitle)}</h1>
            <Show when=move || changing.with(Option::is_some) fallback=move || view! {
                <form on:submit=submit.clone() class="stack">
                    <label for="login">{move || i18n.t(Msg::Username)}</label>
                    <input id="login" autocomplete="username" autocapitalize="none" required
                        prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/>
                    <label for="password">{move || i18n.t(Msg::Password)}</label>
                    <input id="password" type="password" autocomplete="current-password" required
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t(Msg::LoggingIn) } else { i18n.t(Msg::LogIn) }}
                    </button>
                </form>
            }>
                <form on:submit=change.clone() class="stack" data-testid="change-password">
                    <p>{move || i18n.t(Msg::MustChangePassword)}</p>
                    <label for="new-password">{move || i18n.t(Msg::NewPassword)}</label>
                    <input id="new-password" type="password" autocomplete="new-password" required
                        prop:value=move || new_password.get() on:input=move |ev| new_password.set(event_target_value(&ev))/>
                    <label for="repeat-password">{move || i18n.t(Msg::RepeatPassword)}</label>
                    <input id="repeat-password" type="password" autocomplete="new-password" required
                        prop:value=move || repeat.get() on:input=move |ev| repeat.set(event_target_value(&ev))/>
                    <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Msg::ChangePassword)}</button>
                </form>
            </Show>
        </section>
    }
}
