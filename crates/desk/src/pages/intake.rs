//! `/desk/new`: intake (受理): a new work order with the fields of the form, dispatched at once
//! to an engineer or left in the queue. Checked by the core's rules before it is sent; the
//! server checks again and keeps nothing of a refused one.

use super::problem;
use crate::api;
use crate::hooks::use_debounce;
use crate::i18n::{self, Lang, Msg};
use crate::state::{Desk, I18n, Notice, Words};
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::desk::{self, Channel, DeskAction, Refusal, customer_lookup};
use onsite_core::job::JobError;
use onsite_core::wire::{JobDetail, JobWire, NewJob, User};
use onsite_core::{JobId, JobKind, Priority};

/// The label of a field the core names.
fn label(lang: Lang, field: &str) -> &'static str {
    let msg = match field {
        "customer" => Msg::Customer,
        "contact" => Msg::Contact,
        "phone" => Msg::Phone,
        "address" => Msg::Address,
        "fault" => Msg::Fault,
        "device_name" => Msg::DeviceName,
        "device_description" => Msg::DeviceDescription,
        "wechat" => Msg::WeChat,
        _ => return "",
    };
    msg.text(lang)
}

fn job_problem(lang: Lang, err: &JobError) -> String {
    match err {
        JobError::Empty(field) => format!("{}: {}", label(lang, field), Msg::FieldMissing.text(lang)),
        JobError::TooLong(field, max) => {
            format!(
                "{}: {}",
                label(lang, field),
                Msg::FieldTooLong.text(lang).replace("{n}", &max.to_string())
            )
        }
        other => other.to_string(),
    }
}

#[component]
pub fn IntakePage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let engineers = RwSignal::new(Vec::<User>::new());
    spawn_local(async move {
        match api::get::<Vec<User>>(desk, "/engineers").await {
            Ok(list) => engineers.set(list),
            Err(e) => notice.error(problem(&e)),
        }
    });

    let kind = RwSignal::new(JobKind::Repair);
    let priority = RwSignal::new(Priority::Normal);
    let channel = RwSignal::new(Channel::Phone);
    let text = |_: ()| RwSignal::new(String::new());
    let (customer, contact, phone, wechat, address) = (text(()), text(()), text(()), text(()), text(()));
    let (device_name, device_description, fault, assignee) = (text(()), text(()), text(()), text(()));
    let busy = RwSignal::new(false);
    let remote = RwSignal::new(false);
    let complex = RwSignal::new(false);
    let reported = text(());
    let remote_fix = text(());
    let earlier = RwSignal::new(Vec::<JobDetail>::new());
    let lookup = use_debounce(400);
    // The customer's earlier jobs, looked up as the phone or the address is typed.
    let look_up = move || {
        let query = customer_lookup(&phone.get_untracked(), &address.get_untracked());
        lookup.run(move || {
            let Some((digits, words)) = query else {
                earlier.try_set(Vec::new());
                return;
            };
            let mut path = String::from("/customers/jobs?");
            if let Some(d) = digits {
                path.push_str(&format!("phone={d}&"));
            }
            if let Some(w) = words {
                path.push_str(&format!("address={}", String::from(js_sys::encode_uri_component(&w))));
            }
            spawn_local(async move {
                match api::get::<Vec<JobDetail>>(desk, &path).await {
                    Ok(found) => {
                        earlier.try_set(found);
                    }
                    Err(e) => notice.error(problem(&e)),
                }
            });
        });
    };

    let optional = |s: RwSignal<String>| Some(s.get_untracked().trim().to_string()).filter(|v| !v.is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let new = NewJob {
            kind: kind.get_untracked(),
            priority: priority.get_untracked(),
            customer: customer.get_untracked().trim().into(),
            contact: contact.get_untracked().trim().into(),
            phone: phone.get_untracked().trim().into(),
            wechat: optional(wechat),
            address: address.get_untracked().trim().into(),
            device_name: optional(device_name),
            device_description: optional(device_description),
            fault: fault.get_untracked().trim().into(),
            reported_at: None,
            appointment: None,
            complex: complex.get_untracked(),
            assignee: if remote.get_untracked() { None } else { optional(assignee) },
            checklist: None,
            channel: Some(channel.get_untracked()),
            remote_fix: remote.get_untracked().then(|| remote_fix.get_untracked().trim().to_string()),
        };
        let mut new = new;
        // When the report came in: now unless the desk says (a message read later).
        let when = reported.get_untracked();
        if !when.trim().is_empty() {
            match super::actions::local_input(&when) {
                Some(at) if at <= Utc::now() => new.reported_at = Some(at),
                _ => {
                    notice.error(Msg::ReportedBad);
                    return;
                }
            }
        }
        if let Some(text) = &new.remote_fix
            && let Err(r) = desk::reason(DeskAction::RemoteFix, text)
        {
            notice.error(Words::new(move |lang| match r {
                Refusal::ReasonTooLong => {
                    Msg::FieldTooLong.text(lang).replace("{n}", &desk::MAX_DESK_NOTE.to_string())
                }
                _ => Msg::RemoteFixNeeded.text(lang).to_string(),
            }));
            return;
        }
        // The core's form rules first (a placeholder id: the server gives the real one): a
        // refusal here sends nothing.
        if let Err(e) = new.clone().into_job(JobId(uuid::Uuid::nil()), Utc::now(), None).validate() {
            notice.error(Words::new(move |lang| job_problem(lang, &e)));
            return;
        }
        busy.set(true);
        notice.clear();
        spawn_local(async move {
            let result = api::post::<_, JobWire>(desk, "/jobs", &new).await;
            busy.set(false);
            match result {
                Ok(job) => {
                    let name = job.customer.clone();
                    let closed = remote.get_untracked();
                    notice.info(Words::new(move |lang| {
                        if closed { Msg::OpenedClosed } else { Msg::Opened }.text(lang).replace("{c}", &name)
                    }));
                    for s in [
                        customer,
                        contact,
                        phone,
                        wechat,
                        address,
                        device_name,
                        device_description,
                        fault,
                        remote_fix,
                    ] {
                        s.set(String::new());
                    }
                    remote.set(false);
                    complex.set(false);
                    reported.set(String::new());
                    earlier.set(Vec::new());
                }
                Err(e) => notice.error(problem(&e)),
            }
        });
    };

    let input = move |id: &'static str, msg: Msg, value: RwSignal<String>, required: bool| {
        let looks_up = matches!(id, "phone" | "address");
        view! {
            <label for=id>{move || i18n.t(msg)}{required.then_some(" *")}</label>
            <input id=id required=required prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    if looks_up { look_up() }
                }/>
        }
    };

    view! {
        <section class="page intake">
            <h1>{move || i18n.t(Msg::NewOrder)}</h1>
            <form on:submit=submit class="grid" data-testid="intake">
                // In the order a phone call goes: the caller's number first (it looks up their
                // earlier jobs), who and where, the device and the fault, then how it came in.
                {input("phone", Msg::Phone, phone, true)}
                {input("customer", Msg::Customer, customer, true)}
                {input("contact", Msg::Contact, contact, true)}
                {input("wechat", Msg::WeChat, wechat, false)}
                {input("address", Msg::Address, address, true)}
                {input("device-name", Msg::DeviceName, device_name, false)}
                {input("device-description", Msg::DeviceDescription, device_description, false)}
                <label for="fault">{move || i18n.t(Msg::Fault)}" *"</label>
                <textarea id="fault" required prop:value=move || fault.get()
                    on:input=move |ev| fault.set(event_target_value(&ev))></textarea>
                <label for="reported">{move || i18n.t(Msg::ReportedAtField)}</label>
                <input id="reported" type="datetime-local" prop:value=move || reported.get()
                    on:input=move |ev| reported.set(event_target_value(&ev))/>
                <label for="channel">{move || i18n.t(Msg::Channel)}</label>
                <select id="channel" on:change=move |ev| {
                    if let Some(c) = Channel::parse(&event_target_value(&ev)) { channel.set(c) }
                }>
                    {Channel::ALL.into_iter().map(|c| view! {
                        <option value=c.as_str() selected=move || channel.get() == c>{move || i18n::channel(i18n.lang(), c)}</option>
                    }).collect_view()}
                </select>
                <label for="kind">{move || i18n.t(Msg::Kind)}</label>
                <select id="kind" on:change=move |ev| {
                    if let Some(k) = JobKind::ALL.into_iter().find(|k| k.as_str() == event_target_value(&ev)) { kind.set(k) }
                }>
                    {JobKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k>{move || i18n::kind(i18n.lang(), k)}</option>
                    }).collect_view()}
                </select>
                <label for="priority">{move || i18n.t(Msg::Priority)}</label>
                <select id="priority" on:change=move |ev| {
                    if let Some(p) = Priority::ALL.into_iter().find(|p| p.as_str() == event_target_value(&ev)) { priority.set(p) }
                }>
                    {Priority::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=move || priority.get() == p>{move || i18n::priority(i18n.lang(), p)}</option>
                    }).collect_view()}
                </select>
                <span></span>
                <label class="check">
                    <input type="checkbox" id="complex" prop:checked=move || complex.get()
                        on:change=move |ev| complex.set(event_target_checked(&ev))/>
                    {move || i18n.t(Msg::ComplexCheck)}
                </label>
                <span></span>
                <label class="check">
                    <input type="checkbox" id="remote" prop:checked=move || remote.get()
                        on:change=move |ev| remote.set(event_target_checked(&ev))/>
                    {move || i18n.t(Msg::RemoteFix)}
                </label>
                <Show when=move || remote.get()>
                    <label for="remote-fix">{move || i18n.t(Msg::RemoteFixWhat)}" *"</label>
                    <textarea id="remote-fix" prop:value=move || remote_fix.get()
                        on:input=move |ev| remote_fix.set(event_target_value(&ev))></textarea>
                </Show>
                <label for="assignee">{move || i18n.t(Msg::DispatchTo)}</label>
                <select id="assignee" disabled=move || remote.get() on:change=move |ev| assignee.set(event_target_value(&ev))>
                    <option value="" selected=move || assignee.with(String::is_empty)>{move || i18n.t(Msg::NotYet)}</option>
                    {move || engineers.get().into_iter().map(|u| {
                        let login = u.login.clone();
                        let chosen = login.clone();
                        view! { <option value=login selected=move || assignee.with(|a| *a == chosen)>{format!("{} ({})", u.name, u.login)}</option> }
                    }).collect_view()}
                </select>
                <span></span>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || i18n.t(if remote.get() { Msg::OpenAndClose } else { Msg::Open })}
                </button>
            </form>
            <Show when=move || earlier.with(|e| !e.is_empty())>
                <section class="earlier" aria-labelledby="earlier-h" data-testid="earlier-jobs">
                    <h2 id="earlier-h">{move || i18n.t(Msg::EarlierJobs)}" "<span class="count">{move || earlier.with(Vec::len)}</span></h2>
                    <ul>
                        {move || earlier.get().into_iter().map(|d| {
                            let (kind, status, closed) = (d.job.kind, d.status, d.desk.closed.as_ref().map(|c| c.how));
                            let when = d.job.reported_at.with_timezone(&chrono::Local).format("%Y-%m-%d").to_string();
                            view! { <li data-testid="earlier-job">
                                <a href=format!("/desk/jobs/{}", d.job.id)>{when}" · "{d.job.customer.clone()}</a>
                                " · "{move || i18n::kind(i18n.lang(), kind)}
                                " · "{move || match closed { Some(c) => i18n::closure(i18n.lang(), c), None => i18n::status(i18n.lang(), status) }}
                                " · "{d.job.fault.clone()}
                            </li> }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
        </section>
    }
}
