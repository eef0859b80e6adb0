//! The console's contexts, provided once by the app root. Each exposes methods, not its
//! signals: [`Desk`] (the session, kept in localStorage under `onsite.desk.session`, apart from
//! the phone app's), [`I18n`] (the language) and [`Notice`] (the one message, worded when shown).

use crate::i18n::{Lang, Msg};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use onsite_core::access::Permission;
use onsite_core::wire::{Session, User};

const SESSION: &str = "onsite.desk.session";
const LANG: &str = "onsite.desk.lang";

/// Who is logged in to the console.
#[derive(Clone, Copy)]
pub struct Desk {
    session: RwSignal<Option<Session>>,
}

impl Desk {
    pub fn load() -> Self {
        Desk { session: RwSignal::new(LocalStorage::get::<Session>(SESSION).ok()) }
    }
    /// The person (tracked).
    pub fn user(&self) -> Option<User> {
        self.session.with(|s| s.as_ref().map(|s| s.user.clone()))
    }
    /// Whether the person may do `what` (tracked).
    pub fn may(&self, what: Permission) -> bool {
        self.session.with(|s| s.as_ref().is_some_and(|s| s.user.may(what)))
    }
    pub fn token_untracked(&self) -> Option<String> {
        self.session.with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    }
    pub fn refresh_token_untracked(&self) -> Option<String> {
        self.session.with_untracked(|s| s.as_ref().and_then(|s| s.refresh_token.clone()))
    }
    /// Keeps a new session (stored first: a reload keeps the person logged in).
    pub fn keep(&self, session: Session) {
        // A refused write only costs a log-in after a reload; the session works now.
        let _ = LocalStorage::set(SESSION, &session);
        self.session.set(Some(session));
    }
    /// Forgets the session (logged out, or over).
    pub fn end(&self) {
        LocalStorage::delete(SESSION);
        self.session.set(None);
    }
}

/// The language, kept across visits.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    pub fn load() -> Self {
        let stored = LocalStorage::get::<String>(LANG).ok();
        let browser = || web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
        let lang = Lang::from_tag(&stored.unwrap_or_else(browser));
        let i18n = I18n { lang: RwSignal::new(lang) };
        i18n.mark_document();
        i18n
    }
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }
    pub fn switch(&self) {
        let next = self.lang.get_untracked().other();
        // Not kept only means the next visit starts in the browser's language.
        let _ = LocalStorage::set(LANG, next.code());
        self.lang.set(next);
        self.mark_document();
    }
    fn mark_document(&self) {
        let code = self.lang.get_untracked().code();
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            // Only screen readers' voice depends on it; nothing to report.
            let _ = root.set_attribute("lang", code);
        }
    }
}

pub use onsite_core::words::Words;

/// The one message line: an error stays until the next action; a confirmation too (the desk
/// reads it at its own pace).
#[derive(Clone, Copy)]
pub struct Notice {
    current: RwSignal<Option<(bool, Words)>>,
}

impl Notice {
    pub fn new() -> Self {
        Notice { current: RwSignal::new(None) }
    }
    pub fn error(&self, words: impl Into<Words>) {
        self.current.set(Some((true, words.into())));
    }
    pub fn info(&self, words: impl Into<Words>) {
        self.current.set(Some((false, words.into())));
    }
    pub fn clear(&self) {
        self.current.set(None);
    }
    /// (is it an error, the words in `lang`), tracked.
    pub fn shown(&self, lang: Lang) -> Option<(bool, String)> {
        self.current.with(|c| c.as_ref().map(|(e, w)| (*e, w.text(lang))))
    }
}

impl Default for Notice {
    fn default() -> Self {
        Self::new()
    }
}
