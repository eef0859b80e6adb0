//! `/login`: the engineer logs in. The first log in needs the network; after that the app works
//! offline, and an expired login only stops sync, never recording.

use crate::api::{self, ApiError};
use crate::i18n::{Lang, Msg};
use crate::state::{Auth, I18n, Notice, store_error_text};
use crate::storage::Store;
use crate::sync::Sync;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use onsite_core::sync::{LoginRefusal, login_refusal};

/// Why a log in failed, in words. The server's own message (a sentence in its language, not
/// necessarily the engineer's) is only a detail after the status.
fn login_problem(lang: Lang, err: &ApiError) -> String {
    match err {
        ApiError::Network => Msg::LoginOffline.text(lang).to_string(),
        ApiError::Unauthorized => Msg::BadLogin.text(lang).to_string(),
        ApiError::BadBody => Msg::LoginBadAnswer.text(lang).to_string(),
        ApiError::Status { status, message, retry_after } => {
            let detail = match message.trim() {
                m if m.is_empty() || m == format!("HTTP {status}") => status.to_string(),
                m => format!("{status} · {m}"),
            };
            match login_refusal(*status, *retry_after) {
                LoginRefusal::TooManyTries { wait_s } => {
                    Msg::LoginTooManyTries.text(lang).replace("{n}", &wait_s.to_string())
                }
                LoginRefusal::ServerBusy { .. } => Msg::LoginServerBusy.text(lang).replace("{s}", &detail),
                _ => Msg::LoginRefused.text(lang).replace("{s}", &detail),
            }
        }
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let auth = expect_context::<Auth>();
    let notice = expect_context::<Notice>();
    let sync = expect_context::<Sync>();
    let navigate = use_navigate();

    let login = RwSignal::new(
        auth.session.with_untracked(|s| s.as_ref().map(|s| s.user.login.clone()).unwrap_or_default()),
    );
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let lang = i18n.lang.get_untracked();
            let result = api::login(login.get_untracked().trim(), &password.get_untracked()).await;
            busy.set(false);
            match result {
                Ok(session) => match Store::save_session(&session) {
                    Ok(()) => {
                        auth.session.set(Some(session));
                        auth.expired.set(false);
                        password.set(String::new());
                        notice.clear();
                        sync.now();
                        navigate("/", Default::default());
                    }
                    Err(e) => error.set(Some(store_error_text(lang, &e))),
                },
                Err(e) => error.set(Some(login_problem(lang, &e))),
            }
        });
    };

    view! {
        <section class="page login">
            <h1>{move || i18n.t(Msg::LoginTitle)}</h1>
            <form on:submit=submit>
                <label for="login">{move || i18n.t(Msg::Username)}</label>
                <input id="login" name="login" autocomplete="username" autocapitalize="none" required
                    prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev)) />
                <label for="password">{move || i18n.t(Msg::Password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
                <button type="submit" class="primary wide" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Msg::LoggingIn) } else { i18n.t(Msg::LogIn) }}
                </button>
            </form>
        </section>
    }
}
