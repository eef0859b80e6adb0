//! "A new version is ready — reload", and on iPhone Safari the advice to add Onsite to the home
//! screen (Safari wipes a site's storage after 7 days without use; a home-screen app keeps it).

use crate::hooks::{Update, ios_browser_tab};
use crate::i18n::Msg;
use crate::state::I18n;
use crate::storage::Store;
use leptos::prelude::*;

#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let update = expect_context::<Update>();
    let hint = RwSignal::new(ios_browser_tab() && !Store::hint_dismissed());
    let dismiss = move |_| {
        hint.set(false);
        // Not remembered if storage is full: the hint then shows again next time; harmless.
        let _ = Store::dismiss_hint();
    };
    view! {
        <Show when=move || update.ready.get()>
            <div class="notice info update" role="status" data-testid="update-prompt">
                <span>{move || i18n.t(Msg::NewVersion)}</span>
                <button class="primary small" data-testid="update-reload" on:click=move |_| update.apply()>
                    {move || i18n.t(Msg::Reload)}
                </button>
            </div>
        </Show>
        <Show when=move || hint.get()>
            <div class="notice info" role="status">
                <span>{move || i18n.t(Msg::AddToHomeScreen)}</span>
                <button class="ghost small" on:click=dismiss aria-label=move || i18n.t(Msg::Close)>"×"</button>
            </div>
        </Show>
    }
}
