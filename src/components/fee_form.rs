//! A renewal's fee: the amount collected (in yuan, stored in fen) and the receipt number.

use crate::i18n::{self, Msg};
use crate::state::{I18n, Jobs, Notice, not_saved, store_error};
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::EventKind;
use onsite_core::ids::JobId;
use onsite_core::sync::LocalJob;

#[component]
pub fn FeeForm(job_id: JobId, job: Signal<Option<LocalJob>>, editable: Signal<bool>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let notice = expect_context::<Notice>();
    let sync = expect_context::<crate::sync::Sync>();
    let amount = RwSignal::new(String::new());
    let receipt = RwSignal::new(String::new());

    let fees = move || {
        job.with(|j| {
            j.as_ref()
                .map(|j| {
                    j.events
                        .iter()
                        .filter_map(|l| match &l.event.kind {
                            EventKind::FeeCollected { amount_fen, receipt_no } => {
                                Some((*amount_fen, receipt_no.clone()))
                            }
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(fen) = i18n::parse_yuan(&amount.get_untracked()).filter(|f| *f > 0) else {
            notice.error(Msg::BadAmount);
            return;
        };
        let kind = EventKind::FeeCollected {
            amount_fen: fen,
            receipt_no: receipt.get_untracked().trim().to_string(),
        };
        if let Err(e) = kind.validate() {
            notice.error(not_saved(&e));
            return;
        }
        spawn_local(async move {
            match jobs.record(job_id, kind, Utc::now()).await {
                Ok(true) => {
                    amount.set(String::new());
                    receipt.set(String::new());
                    notice.info(Msg::Saved);
                    sync.soon();
                }
                // A double tap: the first tap stores it and says so.
                Ok(false) => {}
                Err(e) => notice.error(store_error(&e)),
            }
        });
    };

    view! {
        <section class="fees" aria-labelledby="fee-h">
            <h2 id="fee-h">{move || i18n.t(Msg::Fee)}</h2>
            <ul>
                {move || fees().into_iter().map(|(fen, receipt)| view! {
                    <li data-testid="fee-line"><strong>{i18n::money(fen)}</strong>" · " {receipt}</li>
                }).collect_view()}
            </ul>
            <Show when=move || editable.get()>
                <form class="words" on:submit=submit>
                    <div class="row">
                        <div>
                            <label for="fee-amount">{move || i18n.t(Msg::Amount)}</label>
                            <input id="fee-amount" inputmode="decimal" required prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                        </div>
                        <div>
                            <label for="fee-receipt">{move || i18n.t(Msg::ReceiptNo)}</label>
                            <input id="fee-receipt" required prop:value=move || receipt.get() on:input=move |ev| receipt.set(event_target_value(&ev))/>
                        </div>
                    </div>
                    <button type="submit" class="primary wide">{move || i18n.t(Msg::RecordFee)}</button>
                </form>
            </Show>
        </section>
    }
}
