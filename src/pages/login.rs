//! `/login`: the engineer logs in. The first log in needs the network; after that the app works
//! offline, and an expired login only stops sync, never recording.
//!
//! A service desk account (no field role, `onsite_core::access::works_in_the_field`) is sent to
//! the desk console, logged in there (`use_desk_handoff`); nothing of the phone's is stored. An account whose password an admin set
//! (`Session::must_change_password`) chooses its own first; its session is stored only then.

use crate::api::{self, ApiError};
use crate::i18n::{self, Lang, Msg};
use crate::state::{Auth, I18n, Notice, store_error_text};
use crate::storage::Store;
use crate::sync::Sync;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use onsite_core::access::{check_new_password, works_in_the_field};
use onsite_core::sync::{LoginRefusal, login_refusal};
use onsite_core::wire::{ErrorCode, Session};

/// Why a log in failed, in words. The server's own message (a sentence in its language, not
/// necessarily the engineer's) is only a detail after the status.
fn login_problem(lang: Lang, err: &ApiError) -> String {
    match err {
        ApiError::Network => Msg::LoginOffline.text(lang).to_string(),
        ApiError::Unauthorized => Msg::BadLogin.text(lang).to_string(),
        ApiError::BadBody => Msg::LoginBadAnswer.text(lang).to_string(),
        ApiError::Status { status, code, message, retry_after } => {
            let detail = match message.trim() {
                m if m.is_empty() || m == format!("HTTP {status}") => status.to_string(),
                m => format!("{status} · {m}"),
            };
            match login_refusal(*status, *code, *retry_after) {
                LoginRefusal::Disabled => Msg::AccountDisabled.text(lang).to_string(),
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

    // Stores the session and goes to the jobs.
    let start = {
        let navigate = navigate.clone();
        move |session: Session| -> Result<(), String> {
            let lang = i18n.lang.get_untracked();
            Store::save_session(&session).map_err(|e| store_error_text(lang, &e))?;
            auth.session.set(Some(session));
            auth.expired.set(false);
            password.set(String::new());
            notice.clear();
            sync.now();
            navigate("/", Default::default());
            Ok(())
        }
    };
    // A session whose password must be changed first, held here (not stored) until it is.
    let changing = RwSignal::new(None::<Session>);
    let new_password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());

    let handoff = crate::hooks::use_desk_handoff();
    let submit = {
        let start = start.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            error.set(None);
            let start = start.clone();
            let handoff = handoff.clone();
            spawn_local(async move {
                let lang = i18n.lang.get_untracked();
                let result = api::login(login.get_untracked().trim(), &password.get_untracked()).await;
                busy.set(false);
                match result {
                    Ok(session) if !works_in_the_field(session.user.held()) => {
                        // The desk's console, logged in; if that cannot be done, say where to go.
                        if handoff(session).is_err() {
                            error.set(Some(Msg::DeskAccount.text(lang).to_string()));
                        }
                    }
                    Ok(session) if session.must_change_password => changing.set(Some(session)),
                    Ok(session) => {
                        if let Err(e) = start(session) {
                            error.set(Some(e));
                        }
                    }
                    Err(e) => error.set(Some(login_problem(lang, &e))),
                }
            });
        }
    };

    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lang = i18n.lang.get_untracked();
        let (new, again) = (new_password.get_untracked(), repeat.get_untracked());
        if let Err(e) = check_new_password(&new, &again) {
            error.set(Some(i18n::password_problem(lang, &e)));
            return;
        }
        let Some(mut session) = changing.get_untracked() else { return };
        busy.set(true);
        error.set(None);
        let start = start.clone();
        spawn_local(async move {
            let result = api::change_password(&session.token, &password.get_untracked(), &new).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    session.must_change_password = false;
                    new_password.set(String::new());
                    repeat.set(String::new());
                    changing.set(None);
                    if let Err(e) = start(session) {
                        error.set(Some(e));
                    }
                }
                Err(ApiError::Status { status: 403, code: Some(ErrorCode::Forbidden), .. }) => {
                    changing.set(None);
                    error.set(Some(Msg::CurrentPasswordWrong.text(lang).to_string()));
                }
                Err(e) => error.set(Some(login_problem(lang, &e))),
            }
        });
    };

    let login_form = move || {
        view! {
            <form on:submit=submit.clone()>
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
        }
    };
    let change_form = move || {
        view! {
            <form on:submit=change.clone() data-testid="change-password">
                <p>{move || i18n.t(Msg::MustChangePassword)}</p>
                <label for="new-password">{move || i18n.t(Msg::NewPassword)}</label>
                <input id="new-password" name="new-password" type="password" autocomplete="new-password" required
                    prop:value=move || new_password.get() on:input=move |ev| new_password.set(event_target_value(&ev)) />
                <label for="repeat-password">{move || i18n.t(Msg::RepeatPassword)}</label>
                <input id="repeat-password" name="repeat-password" type="password" autocomplete="new-password" required
                    prop:value=move || repeat.get() on:input=move |ev| repeat.set(event_target_value(&ev)) />
                {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
                <button type="submit" class="primary wide" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Msg::ChangingPassword) } else { i18n.t(Msg::ChangePassword) }}
                </button>
            </form>
        }
    };

    view! {
        <section class="page login">
            <h1>{move || i18n.t(Msg::LoginTitle)}</h1>
            {move || if changing.with(Option::is_some) { change_form().into_any() } else { login_form().into_any() }}
        </section>
    }
}
