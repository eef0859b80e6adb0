//! `/jobs/:id/sign-off`: the customer signs the work off. The page first shows the work they
//! sign for (the work order and every step, part, fee and note held now: what the seal covers,
//! in the report's own words). The engineer writes the result; the customer writes their name,
//! signs, and rates response speed, attitude and the result. A missing field is said in the
//! app's words and brought into view (never the browser's bubble). Recording seals the record
//! held on the phone at that moment (`onsite_core::signoff::seal`).

use crate::components::{RatingInput, SignaturePad, Strokes, work_sections};
use crate::hooks::use_reveal;
use crate::i18n::{self, Msg};
use crate::state::{Clock, I18n, Jobs, Notice, Stock, Words, store_error};
use crate::storage::StoreError;
use crate::sync::Sync;
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use onsite_core::EventKind;
use onsite_core::ids::JobId;
use onsite_core::report::can_finish;
use onsite_core::signoff::{Ratings, SignOff, Signature, seal};

/// What a sign-off still lacks, by field: the message, and where to take the engineer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Missing {
    Name,
    Signature,
    Ratings,
}

impl Missing {
    fn msg(self) -> Msg {
        match self {
            Missing::Name => Msg::NeedName,
            Missing::Signature => Msg::NeedSignature,
            Missing::Ratings => Msg::NeedRatings,
        }
    }
    fn selector(self) -> &'static str {
        match self {
            Missing::Name => "#signer",
            Missing::Signature => "[data-testid=signature-pad]",
            Missing::Ratings => "[data-rating] [role=radio][aria-checked=false]",
        }
    }
}

#[component]
pub fn SignOffPage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let notice = expect_context::<Notice>();
    let sync = expect_context::<Sync>();
    let navigate = use_navigate();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<JobId>().ok())));
    crate::hooks::use_open_job(id);

    let result = RwSignal::new(String::new());
    let signer = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let strokes = RwSignal::new(Strokes::new());
    let size = RwSignal::new((0u16, 0u16));
    let speed = RwSignal::new(0u8);
    let attitude = RwSignal::new(0u8);
    let rating_result = RwSignal::new(0u8);
    let error = RwSignal::new(None::<Words>);
    let reveal = use_reveal();
    let clock = expect_context::<Clock>();
    let stock = expect_context::<Stock>();
    // What the customer signs for: the job as held now (it changes only if the engineer goes
    // back and records more).
    let signing_for = Memo::new(move |_| {
        let job = id.get().and_then(|id| jobs.job(id))?;
        let events: Vec<_> = job.events.iter().map(|l| l.event.clone()).collect();
        let report = onsite_core::report::report(&job.job, &events, clock.now.get_untracked());
        Some((job, report))
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang.get_untracked();
        let Some(job_id) = id.get_untracked() else { return };
        let (w, h) = size.get_untracked();
        let signature = Signature::from_points(w.max(1), h.max(1), &strokes.get_untracked());
        let ratings = Ratings {
            speed: speed.get_untracked(),
            attitude: attitude.get_untracked(),
            result: rating_result.get_untracked(),
        };
        let problem = if signer.get_untracked().trim().is_empty() {
            Some(Missing::Name)
        } else if signature.is_empty() {
            Some(Missing::Signature)
        } else if [ratings.speed, ratings.attitude, ratings.result].contains(&0) {
            Some(Missing::Ratings)
        } else {
            None
        };
        if let Some(p) = problem {
            error.set(Some(p.msg().into()));
            reveal.selector(p.selector().to_string());
            return;
        }
        let draft = SignOff {
            result: result.get_untracked().trim().to_string(),
            signer: signer.get_untracked().trim().to_string(),
            signature,
            ratings,
            comment: comment.get_untracked().trim().to_string(),
            covers: Vec::new(),
            hash: String::new(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let recorded = jobs
                .record_with(job_id, Utc::now(), move |job| {
                    let held: Vec<_> = job.events.iter().map(|l| l.event.clone()).collect();
                    if let Err(blockers) = can_finish(&job.job, &held) {
                        return Err(StoreError::Invalid(
                            crate::components::blocked_words(job, &blockers).text(lang),
                        ));
                    }
                    let kind = EventKind::SignedOff(seal(&job.job, &held, draft));
                    // Worded here in the engineer's language; storage checks it again.
                    kind.validate().map_err(|e| StoreError::Invalid(i18n::event_error(lang, &e)))?;
                    Ok(kind)
                })
                .await;
            match recorded {
                Ok(()) => {
                    notice.info(Msg::Saved);
                    sync.soon();
                    navigate(&format!("/jobs/{job_id}/report"), Default::default());
                }
                Err(e) => error.set(Some(store_error(&e))),
            }
        });
    };

    view! {
        <section class="page sign-off">
            <a class="back" href=move || id.get().map(|id| format!("/jobs/{id}")).unwrap_or_default()>"‹ " {move || i18n.t(Msg::Back)}</a>
            <h1>{move || i18n.t(Msg::SignOff)}</h1>
            <section class="signing-for" aria-labelledby="signing-for-h" data-testid="signing-for">
                <h2 id="signing-for-h">{move || i18n.t(Msg::SigningFor)}</h2>
                {move || signing_for.get().map(|(j, r)| {
                    let lang = i18n.lang.get();
                    let offset = clock.offset.get_untracked();
                    let catalogue = stock.catalogue.get();
                    let field = |label: Msg, value: Option<String>| value.map(|v| view! { <dt>{label.text(lang)}</dt><dd>{v}</dd> });
                    view! {
                        <dl class="report-fields">
                            {field(Msg::Customer, Some(j.job.customer.clone()))}
                            {field(Msg::Address, Some(j.job.address.clone()))}
                            {field(Msg::Device, j.job.device_name.clone())}
                            {field(Msg::Fault, Some(j.job.fault.clone()))}
                        </dl>
                        {work_sections(lang, &r, &catalogue, move |at| i18n::date_time(at, offset))}
                    }
                })}
            </section>
            <form on:submit=submit novalidate>
                <label for="result">{move || i18n.t(Msg::Result)}</label>
                <textarea id="result" rows="3" placeholder=move || i18n.t(Msg::ResultPlaceholder)
                    prop:value=move || result.get() on:input=move |ev| result.set(event_target_value(&ev))></textarea>
                <label for="signer">{move || i18n.t(Msg::SignerName)}</label>
                <input id="signer" autocomplete="off" aria-required="true" prop:value=move || signer.get() on:input=move |ev| signer.set(event_target_value(&ev))/>
                <p class="pad-label">{move || i18n.t(Msg::Signature)}</p>
                <SignaturePad strokes size label=Signal::derive(move || i18n.t(Msg::Signature).to_string())/>
                <div class="row">
                    <button type="button" class="secondary" on:click=move |_| strokes.update(|s| { s.pop(); })>{move || i18n.t(Msg::Undo)}</button>
                    <button type="button" class="secondary" data-testid="clear-signature" on:click=move |_| strokes.set(Vec::new())>{move || i18n.t(Msg::Clear)}</button>
                </div>
                <RatingInput value=speed id="rate-speed" label=Signal::derive(move || i18n.t(Msg::RateSpeed).to_string())/>
                <RatingInput value=attitude id="rate-attitude" label=Signal::derive(move || i18n.t(Msg::RateAttitude).to_string())/>
                <RatingInput value=rating_result id="rate-result" label=Signal::derive(move || i18n.t(Msg::RateResult).to_string())/>
                <label for="comment">{move || i18n.t(Msg::Comment)}</label>
                <textarea id="comment" rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e.text(i18n.lang.get())}</p> })}
                <button type="submit" class="primary wide" data-testid="submit-sign-off">{move || i18n.t(Msg::Submit)}</button>
            </form>
        </section>
    }
}
