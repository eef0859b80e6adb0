//! # onsite-desk
//!
//! The service desk's console (服务台), a Leptos CSR app served under `/desk/` by the same
//! server as the phone app. Desktop first (1280×800), usable at 768 px; online, so it keeps no
//! work of its own: every change is the server's before the console shows it done.
//!
//! - [`api`]: the only code making requests: the session's token, one refresh on a 401.
//! - [`state`]: the contexts: the session ([`state::Desk`]), the language, the one message.
//! - [`hooks`]: the browser's timers, set only there.
//! - [`i18n`]: the console's sentences; the field's words are `onsite_core::words`.
//! - [`pages`]: log in, the board of open jobs with their clocks, a new work order, accounts.
//!
//! The rules (who may do what, what a valid account is, the service levels) are
//! `onsite-core`'s; the console only shows them.

pub mod api;
pub mod hooks;
pub mod i18n;
pub mod pages;
pub mod state;

/// Mounts the console on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(pages::App);
}
