//! `/desk/accounts`: the admin's accounts: every account with its roles, area, duties and
//! state; a new account (its first password changed by its person at the first log-in);
//! disable and enable; a password reset. Checked by the core's rules before anything is sent.

use super::{field_problem, problem};
use crate::api;
use crate::i18n::{self, Msg};
use crate::state::{Desk, I18n, Notice, Words};
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::access::{self, AccountError, Role};
use onsite_core::wire::{Account, NewAccount, PasswordReset, SetDisabled};
use onsite_core::{JobKind, wire::ErrorCode};

/// Adds `item` to a set of choices, or takes it out.
fn toggle<T: PartialEq + Send + Sync + 'static>(list: RwSignal<Vec<T>>, item: T) {
    list.update(|l| match l.iter().position(|x| *x == item) {
        Some(i) => {
            l.remove(i);
        }
        None => l.push(item),
    });
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let i18n = expect_context::<I18n>();
    let notice = expect_context::<Notice>();
    let accounts = RwSignal::new(Vec::<Account>::new());
    let reload = move || {
        spawn_local(async move {
            match api::get::<Vec<Account>>(desk, "/accounts").await {
                Ok(list) => accounts.set(list),
                Err(e) => notice.error(problem(&e)),
            }
        })
    };
    reload();

    // The new account's form.
    let login = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let roles = RwSignal::new(vec![Role::Engineer]);
    let area = RwSignal::new(String::new());
    let duties = RwSignal::new(Vec::<JobKind>::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let refused = move |e: AccountError| {
        notice.error(Words::new(move |lang| {
            let field = match e.field {
                access::AccountField::Login => Msg::Login,
                access::AccountField::Name => Msg::Name,
                access::AccountField::Roles => Msg::Roles,
                access::AccountField::Password => Msg::Password,
                access::AccountField::Area => Msg::Area,
                access::AccountField::Duties => Msg::Duties,
            };
            format!("{}: {}", field.text(lang), field_problem(lang, &e))
        }))
    };

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let new = NewAccount {
            login: login.get_untracked().trim().to_string(),
            name: name.get_untracked().trim().to_string(),
            roles: roles.get_untracked(),
            password: password.get_untracked(),
            area: area.get_untracked().trim().to_string(),
            duties: duties.get_untracked(),
        };
        let checked = access::check_login(&new.login)
            .and_then(|()| access::check_profile(&new.name, &new.roles, &new.area, &new.duties))
            .and_then(|()| access::check_password(&new.password));
        if let Err(e) = checked {
            refused(e);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::post::<_, Account>(desk, "/accounts", &new).await;
            busy.set(false);
            match result {
                Ok(made) => {
                    let l = made.login.clone();
                    notice.info(Words::new(move |lang| Msg::Created.text(lang).replace("{l}", &l)));
                    for s in [login, name, area, password] {
                        s.set(String::new());
                    }
                    duties.set(Vec::new());
                    reload();
                }
                Err(api::ApiError::Status { code: Some(ErrorCode::Conflict), .. }) => {
                    notice.error(Msg::LoginTaken)
                }
                Err(e) => notice.error(problem(&e)),
            }
        });
    };

    let set_disabled = move |login: String, disabled: bool| {
        spawn_local(async move {
            let body = SetDisabled { disabled, reason: String::new() };
            match api::put::<_, Account>(desk, &format!("/accounts/{login}/disabled"), &body).await {
                Ok(_) => {
                    notice.info(Msg::Done);
                    reload();
                }
                Err(api::ApiError::Status { status: 422, .. }) => notice.error(Msg::OwnAccount),
                Err(e) => notice.error(problem(&e)),
            }
        });
    };
    // The account whose password is being reset, and the new one.
    let resetting = RwSignal::new(None::<String>);
    let reset_to = RwSignal::new(String::new());
    let reset = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(login) = resetting.get_untracked() else { return };
        let new = reset_to.get_untracked();
        if let Err(e) = access::check_password(&new) {
            refused(e);
            return;
        }
        spawn_local(async move {
            let body = PasswordReset { password: new };
            match api::put::<_, Account>(desk, &format!("/accounts/{login}/password"), &body).await {
                Ok(_) => {
                    resetting.set(None);
                    reset_to.set(String::new());
                    notice.info(Msg::Done);
                    reload();
                }
                Err(e) => notice.error(problem(&e)),
            }
        });
    };

    view! {
        <section class="page accounts">
            <h1>{move || i18n.t(Msg::Accounts)}</h1>
            <table class="accounts-table" data-testid="accounts">
                <thead><tr>
                    <th scope="col">{move || i18n.t(Msg::Login)}</th>
                    <th scope="col">{move || i18n.t(Msg::Name)}</th>
                    <th scope="col">{move || i18n.t(Msg::Roles)}</th>
                    <th scope="col">{move || i18n.t(Msg::Area)}</th>
                    <th scope="col">{move || i18n.t(Msg::Duties)}</th>
                    <th scope="col">{move || i18n.t(Msg::State)}</th>
                    <th scope="col"><span class="visually-hidden">{move || i18n.t(Msg::ResetPassword)}</span></th>
                </tr></thead>
                <tbody>
                    <For each=move || accounts.get() key=|a| (a.login.clone(), a.disabled, a.must_change_password, a.roles.clone()) children=move |a| {
                        let (l1, l2) = (a.login.clone(), a.login.clone());
                        let disabled = a.disabled;
                        let (held, kinds) = (a.roles.clone(), a.duties.clone());
                        view! {
                            <tr data-testid="account" data-login=a.login.clone() data-disabled=disabled.to_string()>
                                <th scope="row">{a.login.clone()}</th>
                                <td>{a.name.clone()}</td>
                                <td>{move || held.iter().map(|r| i18n::role(i18n.lang(), *r)).collect::<Vec<_>>().join("、")}</td>
                                <td>{a.area.clone()}</td>
                                <td>{move || kinds.iter().map(|k| i18n::kind(i18n.lang(), *k)).collect::<Vec<_>>().join("、")}</td>
                                <td>{move || {
                                    let state = if disabled { i18n.t(Msg::Disabled) } else { i18n.t(Msg::Enabled) };
                                    if a.must_change_password { format!("{state} · {}", i18n.t(Msg::MustChange)) } else { state.to_string() }
                                }}</td>
                                <td class="actions">
                                    <button type="button" class="secondary" on:click=move |_| set_disabled(l1.clone(), !disabled)>
                                        {move || if disabled { i18n.t(Msg::Enable) } else { i18n.t(Msg::Disable) }}
                                    </button>
                                    <button type="button" class="secondary" on:click=move |_| resetting.set(Some(l2.clone()))>
                                        {move || i18n.t(Msg::ResetPassword)}
                                    </button>
                                </td>
                            </tr>
                        }
                    }/>
                </tbody>
            </table>

            {move || resetting.get().map(|login| view! {
                <form on:submit=reset class="inline" data-testid="reset-password">
                    <label for="reset-to">{move || i18n.t(Msg::NewPasswordFor).replace("{l}", &login)}</label>
                    <input id="reset-to" type="password" autocomplete="new-password" required
                        prop:value=move || reset_to.get() on:input=move |ev| reset_to.set(event_target_value(&ev))/>
                    <button type="submit" class="primary">{move || i18n.t(Msg::Set)}</button>
                    <button type="button" class="secondary" on:click=move |_| resetting.set(None)>{move || i18n.t(Msg::Close)}</button>
                </form>
            })}

            <h2>{move || i18n.t(Msg::CreateAccount)}</h2>
            <form on:submit=create class="grid" data-testid="new-account">
                <label for="new-login">{move || i18n.t(Msg::Login)}" *"</label>
                <input id="new-login" autocapitalize="none" required prop:value=move || login.get()
                    on:input=move |ev| login.set(event_target_value(&ev))/>
                <label for="new-name">{move || i18n.t(Msg::Name)}" *"</label>
                <input id="new-name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <span id="roles-label">{move || i18n.t(Msg::Roles)}" *"</span>
                <div role="group" aria-labelledby="roles-label" class="choices">
                    {Role::ALL.into_iter().map(|r| view! {
                        <label><input type="checkbox" name="role" value=r.as_str()
                            prop:checked=move || roles.with(|l| l.contains(&r)) on:change=move |_| toggle(roles, r)/>
                            {move || i18n::role(i18n.lang(), r)}</label>
                    }).collect_view()}
                </div>
                <label for="new-area">{move || i18n.t(Msg::Area)}</label>
                <input id="new-area" prop:value=move || area.get() on:input=move |ev| area.set(event_target_value(&ev))/>
                <span id="duties-label">{move || i18n.t(Msg::Duties)}</span>
                <div role="group" aria-labelledby="duties-label" class="choices">
                    {JobKind::ALL.into_iter().map(|k| view! {
                        <label><input type="checkbox" name="duty" value=k.as_str()
                            prop:checked=move || duties.with(|l| l.contains(&k)) on:change=move |_| toggle(duties, k)/>
                            {move || i18n::kind(i18n.lang(), k)}</label>
                    }).collect_view()}
                </div>
                <label for="new-password">{move || i18n.t(Msg::InitialPassword)}</label>
                <input id="new-password" type="password" autocomplete="new-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                <span></span>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || i18n.t(Msg::CreateAccount)}</button>
            </form>
        </section>
    }
}
