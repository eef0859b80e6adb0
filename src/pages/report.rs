//! `/jobs/:id/report`: the completion report (完工报告): the work order, the steps with their
//! times, the parts, each service level against the time that met or missed it, the fees, the
//! signature drawn from its strokes, the ratings, and the record's hash. It prints to A4
//! (`@media print` in the stylesheet) and can be shared.

use crate::components::{sla_text, work_sections};
use crate::i18n::{self, Lang, Msg};
use crate::state::{Auth, Clock, Deployment, I18n, Jobs, Notice, Stock, Words};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use onsite_core::ids::JobId;
use onsite_core::parts::Part;
use onsite_core::report::{VisitReport, report};
use onsite_core::signoff::Verification;
use onsite_core::sla;
use onsite_core::sync::LocalJob;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// The report as plain text, for sharing.
fn as_text(
    lang: Lang,
    job: &LocalJob,
    r: &VisitReport,
    catalogue: &[Part],
    offset: chrono::FixedOffset,
) -> String {
    let t =
        |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string();
    let mut out = vec![
        format!("{} · {}", Msg::Report.text(lang), i18n::kind(lang, job.job.kind)),
        format!("{}: {} ({})", Msg::Customer.text(lang), job.job.customer, job.job.contact),
        format!("{}: {}", Msg::Address.text(lang), job.job.address),
        format!("{}: {}", Msg::Fault.text(lang), job.job.fault),
        format!("{}: {}", Msg::Status.text(lang), i18n::status(lang, r.status)),
    ];
    if let Some(result) = &r.result {
        out.push(format!("{}: {result}", Msg::Result.text(lang)));
    }
    for l in &r.parts {
        out.push(format!(
            "{}: {} × {}",
            Msg::Part.text(lang),
            i18n::part_name(lang, catalogue, &l.part),
            l.used
        ));
    }
    for f in &r.fees {
        out.push(format!("{}: {} · {}", Msg::Fee.text(lang), i18n::money(f.amount_fen), f.receipt_no));
    }
    if let Some(s) = &r.sign_off {
        out.push(format!(
            "{}: {} · {} · {}/{}/{} · {} {}",
            Msg::SignedBy.text(lang),
            s.signer,
            t(s.at),
            s.ratings.speed,
            s.ratings.attitude,
            s.ratings.result,
            Msg::Hash.text(lang),
            s.short_hash
        ));
    }
    out.join("\n")
}

/// Shares with the Web Share API where the browser has it; else copies to the clipboard; else
/// downloads a text file. Says which happened.
async fn share(title: String, text: String) -> Result<Option<Msg>, JsValue> {
    let nav = window().navigator();
    let data = js_sys::Object::new();
    js_sys::Reflect::set(&data, &"title".into(), &title.clone().into())?;
    js_sys::Reflect::set(&data, &"text".into(), &text.clone().into())?;
    let share_fn = js_sys::Reflect::get(&nav, &"share".into())?;
    if let Some(f) = share_fn.dyn_ref::<js_sys::Function>() {
        let promise: js_sys::Promise = f.call1(&nav, &data)?.into();
        JsFuture::from(promise).await?;
        return Ok(None);
    }
    let clipboard = js_sys::Reflect::get(&nav, &"clipboard".into())?;
    if let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into())
        && let Some(f) = write.dyn_ref::<js_sys::Function>()
    {
        let promise: js_sys::Promise = f.call1(&clipboard, &text.clone().into())?.into();
        if JsFuture::from(promise).await.is_ok() {
            return Ok(Some(Msg::Copied));
        }
    }
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(&format!("{title}.txt"));
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(Some(Msg::Downloaded))
}

use wasm_bindgen::JsCast;

/// When the job was finished (completed, or found it could not be): its last such event.
fn finished_at(job: &LocalJob) -> Option<chrono::DateTime<chrono::Utc>> {
    use onsite_core::EventKind;
    job.events
        .iter()
        .map(|l| &l.event)
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Completed { .. } | EventKind::CouldNotComplete { .. } | EventKind::SignedOff(_)
            )
        })
        .map(|e| e.device_time)
        .max()
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let jobs = expect_context::<Jobs>();
    let clock = expect_context::<Clock>();
    let stock = expect_context::<Stock>();
    let notice = expect_context::<Notice>();
    let auth = expect_context::<Auth>();
    let deployment = expect_context::<Deployment>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<JobId>().ok())));
    crate::hooks::use_open_job(id);
    let job = Signal::derive(move || id.get().and_then(|id| jobs.job(id)));
    // Made again when the job changes, not at every tick of the clock (it re-verifies the
    // sign-off's SHA-256): the clock moves only the running deadlines' rows, below.
    let data = Memo::new(move |_| {
        job.with(|j| {
            j.as_ref().map(|j| {
                let events: Vec<_> = j.events.iter().map(|l| l.event.clone()).collect();
                report(&j.job, &events, clock.now.get_untracked())
            })
        })
    });

    let on_share = move |_| {
        let lang = i18n.lang.get_untracked();
        let Some(j) = job.get_untracked() else { return };
        let Some(r) = data.get_untracked() else { return };
        let text = stock.catalogue.with_untracked(|c| as_text(lang, &j, &r, c, clock.offset.get_untracked()));
        let title = format!("{} {}", Msg::Report.text(lang), j.job.customer);
        spawn_local(async move {
            match share(title, text).await {
                Ok(Some(msg)) => notice.info(msg),
                Ok(None) => {}
                Err(e) => {
                    // A share the engineer cancelled is an AbortError: nothing to report.
                    let name = js_sys::Reflect::get(&e, &"name".into())
                        .ok()
                        .and_then(|n| n.as_string())
                        .unwrap_or_default();
                    if name != "AbortError" {
                        // The browser's error name cannot be translated: only a detail.
                        notice.error(Words::new(move |lang| {
                            i18n::with_detail(lang, Msg::ShareFailed.text(lang), &name)
                        }));
                    }
                }
            }
        });
    };

    view! {
        <article class="page report" data-testid="report">
            <a class="back no-print" href=move || id.get().map(|id| format!("/jobs/{id}")).unwrap_or_default()>"‹ " {move || i18n.t(Msg::Back)}</a>
            {move || {
                let lang = i18n.lang.get();
                let offset = clock.offset.get();
                // A report is read later and printed: every time with its date.
                let t = move |at| i18n::date_time(at, offset);
                let engineer = auth.session.with(|s| s.as_ref().map(|s| format!("{} ({})", s.user.name, s.user.login)));
                let (Some(j), Some(r)) = (job.get(), data.get()) else {
                    return view! { <p>{Msg::JobNotFound.text(lang)}</p> }.into_any();
                };
                let catalogue = stock.catalogue.get();
                let field = |label: Msg, value: Option<String>| value.map(|v| view! { <dt>{label.text(lang)}</dt><dd>{v}</dd> });
                view! {
                    <header>
                        {deployment.company().map(|c| view! { <p class="company" data-testid="report-company">{c}</p> })}
                        <h1>{Msg::Report.text(lang)}</h1>
                        <p><strong>{i18n::kind(lang, j.job.kind)}</strong>" · "<span data-testid="report-status" data-status=r.status.as_str()>{i18n::status(lang, r.status)}</span></p>
                    </header>
                    <section>
                        <dl class="report-fields">
                            {field(Msg::Engineer, engineer)}
                            {field(Msg::FinishedAt, r.sign_off.as_ref().map(|s| t(s.at)).or_else(|| finished_at(&j).map(t)))}
                        </dl>
                    </section>
                    <section>
                        <dl class="report-fields">
                            {field(Msg::Customer, Some(j.job.customer.clone()))}
                            {field(Msg::Contact, Some(j.job.contact.clone()))}
                            {field(Msg::Phone, Some(j.job.phone.clone()))}
                            {field(Msg::Address, Some(j.job.address.clone()))}
                            {field(Msg::Device, j.job.device_name.clone())}
                            {field(Msg::Fault, Some(j.job.fault.clone()))}
                            {field(Msg::ReportedAt, Some(t(j.job.reported_at)))}
                            {field(Msg::DispatchedAt, j.job.dispatched_at.map(t))}
                            {field(Msg::Result, r.result.clone())}
                            {field(Msg::NotCompletedReason, r.not_completed.clone())}
                        </dl>
                    </section>
                    <section>
                        <h2>{Msg::Sla.text(lang)}</h2>
                        <table class="report-table">
                            <tbody>
                                {r.sla.iter().map(|l| {
                                    let deadline = l.deadline;
                                    let state = move || {
                                        let now = clock.now.get();
                                        job.with(|j| j.as_ref().map(|j| sla::state(&deadline, j.events.iter().map(|e| &e.event), now)))
                                            .map(|s| sla_text(lang, &s, now, offset))
                                    };
                                    view! {
                                        <tr data-sla=l.state.name()>
                                            <td>{i18n::sla(lang, l.deadline.kind)}</td>
                                            <td>{format!("{} {}", Msg::Due.text(lang), t(l.deadline.due))}</td>
                                            // Only a running deadline's text changes with the clock.
                                            <td>{state}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                    {work_sections(lang, &r, &catalogue, t)}
                    {r.sign_off.clone().map(|s| {
                        let intact = s.verification == Verification::Intact;
                        view! {
                            <section class="signed" data-testid="report-sign-off">
                                <h2>{Msg::SignOff.text(lang)}</h2>
                                <svg class="signature" data-testid="signature-svg" viewBox=format!("0 0 {} {}", s.signature.w, s.signature.h)
                                    role="img" aria-label=format!("{} {}", Msg::SignedBy.text(lang), s.signer)>
                                    <path d=s.svg_path.clone() fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/>
                                </svg>
                                <dl class="report-fields">
                                    <dt>{Msg::SignedBy.text(lang)}</dt><dd>{format!("{} · {}", s.signer, t(s.at))}</dd>
                                    <dt>{Msg::RateSpeed.text(lang)}</dt><dd>{"★".repeat(s.ratings.speed as usize)}</dd>
                                    <dt>{Msg::RateAttitude.text(lang)}</dt><dd>{"★".repeat(s.ratings.attitude as usize)}</dd>
                                    <dt>{Msg::RateResult.text(lang)}</dt><dd>{"★".repeat(s.ratings.result as usize)}</dd>
                                    {(!s.comment.is_empty()).then(|| view! { <dt>{Msg::Comment.text(lang)}</dt><dd>{s.comment.clone()}</dd> })}
                                    <dt>{Msg::Hash.text(lang)}</dt>
                                    <dd><code data-testid="report-hash" title=s.hash.clone()>{s.short_hash.clone()}</code>" "
                                        <span class=if intact { "badge synced" } else { "badge rejected" }>
                                            {if intact { Msg::Intact.text(lang) } else { Msg::Altered.text(lang) }}
                                        </span>
                                    </dd>
                                </dl>
                            </section>
                        }
                    })}
                }.into_any()
            }}
            <div class="row no-print">
                <button class="secondary" on:click=move |_| { let _ = window().print(); }>{move || i18n.t(Msg::Print)}</button>
                <button class="primary" on:click=on_share>{move || i18n.t(Msg::Share)}</button>
            </div>
        </article>
    }
}
