//! The header: the app's name, the language switch, and log out.

use crate::api;
use crate::i18n::Msg;
use crate::state::{Auth, I18n, Jobs, Notice, store_error};
use crate::storage::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let auth = expect_context::<Auth>();
    let jobs = expect_context::<Jobs>();
    let notice = expect_context::<Notice>();
    let navigate = use_navigate();

    let switch_lang = move |_| {
        if let Err(e) = i18n.switch() {
            notice.error(store_error(&e));
        }
    };
    let log_out = move |_| {
        let lang = i18n.lang.get_untracked();
        let pending = jobs.pending();
        if pending > 0 {
            let question = Msg::LogoutPending.text(lang).replace("{n}", &pending.to_string());
            let confirmed = window().confirm_with_message(&question).unwrap_or(false);
            if !confirmed {
                return;
            }
        }
        let token = auth.token();
        match Store::clear_session() {
            Ok(()) => {
                auth.session.set(None);
                auth.expired.set(false);
                if let Some(token) = token {
                    spawn_local(async move { api::logout(&token).await });
                }
                navigate("/login", Default::default());
            }
            Err(e) => notice.error(store_error(&e)),
        }
    };

    view! {
        <header class="top-bar">
            <a class="brand" href="/">{move || i18n.t(Msg::AppName)}</a>
            <a class="who" href="/about" title=move || i18n.t(Msg::About)>{move || auth.session.with(|s| s.as_ref().map(|s| s.user.name.clone()))}</a>
            <button class="ghost" on:click=switch_lang lang=move || i18n.lang.get().other().code()>
                {move || i18n.t(Msg::Language)}
            </button>
            <Show when=move || auth.session.with(Option::is_some)>
                <button class="ghost" on:click=log_out.clone()>{move || i18n.t(Msg::LogOut)}</button>
            </Show>
        </header>
    }
}
