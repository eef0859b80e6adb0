//! Account changes, one function each, shared by the admin's API (`api::accounts`) and the
//! command line (`onsite-server user ...`): each checks the core's rules
//! (`onsite_core::access`), writes, and records who did it in the audit log, in one
//! transaction. `actor` is the admin, `None` for the command line. Passwords arrive hashed:
//! hashing is slow, and is done before the write lock is taken.

use crate::db::now;
use crate::error::{Error, Result};
use crate::store::{self, UserRow};
use onsite_core::UserId;
use onsite_core::access::{self, AccountField};
use onsite_core::wire::{Account, AccountProfile, NewAccount, Role, User};
use rusqlite::Connection;
use serde_json::json;

/// The account behind a login, or 404.
fn existing(conn: &Connection, login: &str) -> Result<UserRow> {
    store::user_by_login(conn, login)?
        .ok_or_else(|| Error::NotFound(format!("there is no account {login:?}")))
}

/// Checks a new account before its password is hashed (a refusal costs no hashing).
pub fn check_new(new: &NewAccount) -> Result<()> {
    access::check_login(&new.login)?;
    access::check_profile(&new.name, &new.roles, &new.area, &new.duties)?;
    access::check_password(&new.password)?;
    Ok(())
}

/// Creates an account. `must_change`: the password (`password_hash`) is someone else's choice
/// (an admin's, or one the command line made up), so the person changes it at the first
/// log-in. A login taken is 409.
pub fn create(
    conn: &mut Connection,
    actor: Option<UserId>,
    new: &NewAccount,
    password_hash: &str,
    must_change: bool,
) -> Result<Account> {
    check_new(new)?;
    let tx = conn.transaction()?;
    let user = User::new(
        UserId(uuid::Uuid::new_v4()),
        new.login.clone(),
        new.name.trim().to_string(),
        new.roles.clone(),
    );
    store::insert_user(&tx, &user, password_hash)?;
    let profile = AccountProfile {
        name: user.name.clone(),
        roles: user.roles.clone(),
        area: new.area.clone(),
        duties: new.duties.clone(),
    };
    store::set_profile(&tx, user.id, &profile)?;
    store::set_password(&tx, user.id, password_hash, must_change)?;
    let detail = json!({"roles": user.roles, "area": new.area.trim(), "duties": new.duties});
    store::audit(&tx, now(), actor, "account_created", &user.id.to_string(), &detail)?;
    let account = existing(&tx, &user.login)?.account();
    tx.commit()?;
    Ok(account)
}

/// Replaces an account's name, roles, area and duties. An admin cannot take their own admin
/// role away (someone must be left to manage the accounts).
pub fn set_profile(
    conn: &mut Connection,
    actor: Option<UserId>,
    login: &str,
    profile: &AccountProfile,
) -> Result<Account> {
    access::check_profile(&profile.name, &profile.roles, &profile.area, &profile.duties)?;
    let tx = conn.transaction()?;
    let row = existing(&tx, login)?;
    if Some(row.user.id) == actor && !profile.roles.contains(&Role::Admin) {
        return Err(Error::InvalidField {
            field: AccountField::Roles.as_str(),
            message: "roles: you cannot take the admin role from your own account".into(),
        });
    }
    store::set_profile(&tx, row.user.id, profile)?;
    let detail = json!({"name": profile.name.trim(), "roles": access::normalise(profile.roles.clone()),
        "area": profile.area.trim(), "duties": profile.duties});
    store::audit(&tx, now(), actor, "account_changed", &row.user.id.to_string(), &detail)?;
    let account = existing(&tx, login)?.account();
    tx.commit()?;
    Ok(account)
}

/// Disables an account (its tokens stop at once, but its phone may still hand in unsynced
/// work) or enables it again. An admin cannot disable their own account.
pub fn set_disabled(
    conn: &mut Connection,
    actor: Option<UserId>,
    login: &str,
    disabled: bool,
    reason: &str,
) -> Result<Account> {
    let tx = conn.transaction()?;
    let row = existing(&tx, login)?;
    if disabled && Some(row.user.id) == actor {
        return Err(Error::Unprocessable("you cannot disable your own account".into()));
    }
    if row.disabled != disabled {
        store::set_disabled(&tx, row.user.id, disabled, now())?;
        let action = if disabled { "account_disabled" } else { "account_enabled" };
        store::audit(&tx, now(), actor, action, &row.user.id.to_string(), &json!({"reason": reason.trim()}))?;
    }
    let account = existing(&tx, login)?.account();
    tx.commit()?;
    Ok(account)
}

/// Sets a password an admin chose (hashed): the person must change it at the next log-in.
pub fn reset_password(
    conn: &mut Connection,
    actor: Option<UserId>,
    login: &str,
    password_hash: &str,
) -> Result<Account> {
    let tx = conn.transaction()?;
    let row = existing(&tx, login)?;
    store::set_password(&tx, row.user.id, password_hash, true)?;
    store::audit(&tx, now(), actor, "password_reset", &row.user.id.to_string(), &json!({}))?;
    let account = existing(&tx, login)?.account();
    tx.commit()?;
    Ok(account)
}

/// Every account, by login.
pub fn list(conn: &Connection) -> Result<Vec<Account>> {
    Ok(store::accounts(conn)?.iter().map(UserRow::account).collect())
}
