//! Any path the app does not know.

use crate::i18n::Msg;
use crate::state::I18n;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <section class="page">
            <h1>{move || i18n.t(Msg::NotFound)}</h1>
            <p>{move || i18n.t(Msg::JobNotFound)}</p>
            <a class="button secondary" href="/">{move || i18n.t(Msg::Back)}</a>
        </section>
    }
}
