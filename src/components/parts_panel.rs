//! Parts used on the job, from the van: pick a part, a quantity and (for serialised parts) the
//! serial number. The van's count (`onsite_core::parts`) goes down at once; using more than it
//! holds is allowed after a warning, and the server flags it to the service desk.

use crate::i18n::{self, Msg};
use crate::state::{I18n, Jobs, Notice, Stock, not_saved, store_error};
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::EventKind;
use onsite_core::event::{EventError, MAX_QTY};
use onsite_core::ids::JobId;
use onsite_core::parts::{UseCheck, check_use, job_parts};
use onsite_core::sync::LocalJob;

#[component]
pub fn PartsPanel(job_id: JobId, job: Signal<Option<LocalJob>>, editable: Signal<bool>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let stock = expect_context::<Stock>();
    let notice = expect_context::<Notice>();
    let sync = expect_context::<crate::sync::Sync>();
    let sku = RwSignal::new(String::new());
    let qty = RwSignal::new("1".to_string());
    let serial = RwSignal::new(String::new());

    let counts = Memo::new(move |_| stock.counts(jobs));
    let selected = move || stock.catalogue.with(|c| c.iter().find(|p| p.sku == sku.get()).cloned());
    let lines = move || {
        job.with(|j| j.as_ref().map(|j| job_parts(j.events.iter().map(|l| &l.event))).unwrap_or_default())
    };

    let submit = move |used: bool| {
        let lang = i18n.lang.get_untracked();
        let Some(part) = selected() else { return };
        let Ok(n) = qty.get_untracked().trim().parse::<u32>() else {
            let range = EventError::OutOfRange("qty", 1, i64::from(MAX_QTY));
            notice.error(not_saved(&range));
            return;
        };
        let serial_no = serial.get_untracked().trim().to_string();
        if part.serialised && serial_no.is_empty() {
            notice.error(Msg::SerialRequired);
            return;
        }
        if used && let UseCheck::Short { have, want } = check_use(&counts.get_untracked(), &part.sku, n) {
            let question = Msg::StockShort
                .text(lang)
                .replace("{have}", &have.to_string())
                .replace("{want}", &want.to_string());
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
        }

        let serial_opt = (!serial_no.is_empty()).then_some(serial_no);
        let kind = if used {
            EventKind::PartUsed { part: part.sku.clone(), qty: n, serial: serial_opt }
        } else {
            EventKind::PartReturned { part: part.sku.clone(), qty: n, serial: serial_opt }
        };
        if let Err(e) = kind.validate() {
            notice.error(not_saved(&e));
            return;
        }
        spawn_local(async move {
            match jobs.record(job_id, kind, Utc::now()).await {
                Ok(true) => {
                    serial.set(String::new());
                    qty.set("1".into());
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
        <section class="parts" aria-labelledby="parts-h">
            <h2 id="parts-h">{move || i18n.t(Msg::Parts)}</h2>
            <ul class="part-lines">
                {move || {
                    let lang = i18n.lang.get();
                    let lines = lines();
                    if lines.is_empty() {
                        return view! { <li class="muted">{Msg::NoParts.text(lang)}</li> }.into_any();
                    }
                    stock.catalogue.with(|catalogue| lines.into_iter().map(|l| {
                        let name = i18n::part_name(lang, catalogue, &l.part).to_string();
                        let serials = (!l.serials.is_empty()).then(|| format!(" · {}", l.serials.join(", ")));
                        view! {
                            <li data-part=l.part.clone()>
                                <strong>{name}</strong>
                                {format!(" {} {}", Msg::Used.text(lang), l.used)}
                                {(l.returned > 0).then(|| format!(" · {} {}", Msg::Returned.text(lang), l.returned))}
                                {serials}
                            </li>
                        }
                    }).collect_view()).into_any()
                }}
            </ul>
            <Show when=move || editable.get()>
                <div class="part-form">
                    <label for="part-select">{move || i18n.t(Msg::Part)}</label>
                    <select id="part-select" data-testid="part-select" on:change=move |ev| sku.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || {
                            let lang = i18n.lang.get();
                            let counts = counts.get();
                            stock.catalogue.get().into_iter().map(|p| {
                                let have = counts.get(&p.sku).copied().unwrap_or(0);
                                let label = format!("{} · {}", i18n::part_name(lang, std::slice::from_ref(&p), &p.sku), Msg::InVan.text(lang).replace("{n}", &have.to_string()));
                                view! { <option value=p.sku.clone() selected=move || sku.get() == p.sku>{label}</option> }
                            }).collect_view()
                        }}
                    </select>
                    <div class="row">
                        <div>
                            <label for="part-qty">{move || i18n.t(Msg::Quantity)}</label>
                            <input id="part-qty" inputmode="numeric" prop:value=move || qty.get() on:input=move |ev| qty.set(event_target_value(&ev))/>
                        </div>
                        <Show when=move || selected().is_some_and(|p| p.serialised)>
                            <div>
                                <label for="part-serial">{move || i18n.t(Msg::Serial)}</label>
                                <input id="part-serial" autocapitalize="characters" prop:value=move || serial.get() on:input=move |ev| serial.set(event_target_value(&ev))/>
                            </div>
                        </Show>
                    </div>
                    <div class="row">
                        <button class="secondary" disabled=move || sku.get().is_empty() on:click=move |_| submit(false)>{move || i18n.t(Msg::ReturnPart)}</button>
                        <button class="primary" data-testid="use-part" disabled=move || sku.get().is_empty() on:click=move |_| submit(true)>{move || i18n.t(Msg::UsePart)}</button>
                    </div>
                </div>
            </Show>
        </section>
    }
}
