//! A 1-to-5 rating as five buttons in a radio group.

use crate::i18n::Msg;
use crate::state::I18n;
use leptos::prelude::*;

#[component]
pub fn RatingInput(
    value: RwSignal<u8>,
    #[prop(into)] label: Signal<String>,
    id: &'static str,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <div class="rating" role="radiogroup" aria-labelledby=id data-rating=id>
            <span id=id class="rating-label">{move || label.get()}</span>
            <div class="rating-stars">
                {(1u8..=5).map(|n| view! {
                    <button type="button" role="radio"
                        class=move || { if value.get() >= n { "star on" } else { "star" } }
                        aria-checked=move || (value.get() == n).to_string()
                        aria-label=move || i18n.t(Msg::StarsN).replace("{n}", &n.to_string())
                        data-value=n
                        on:click=move |_| value.set(n)>
                        "★"
                    </button>
                }).collect_view()}
            </div>
        </div>
    }
}
