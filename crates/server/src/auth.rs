//! Passwords, bearer tokens, and who is asking.
//!
//! - Passwords are stored as argon2id PHC strings with a random salt ([`hash_password`]).
//! - A session is a short-lived access token and a long-lived refresh token, each 32 random
//!   bytes in hex; only their SHA-256 is stored (`tokens.hash`, `refresh_tokens.hash`), so a
//!   leaked database gives no working tokens. A login starts a family; a refresh
//!   ([`refresh_session`]) uses its refresh token up and issues a new pair in the family; a used
//!   refresh token presented again revokes the family. Logout ends the family.
//! - [`CurrentUser`] is the extractor every protected handler takes: it reads
//!   `Authorization: Bearer <token>` and answers 401 (JSON) when the token is missing, unknown or
//!   expired. Role checks ([`CurrentUser::require`]) answer 403.
//!
//! Hashing is slow on purpose, so it runs on a blocking thread (inside [`crate::db::Db::run`] or
//! `spawn_blocking`), never on an async worker.

use crate::AppState;
use crate::db::{fmt_time, now, parse_time};
use crate::error::{Error, Result};
use crate::store::UserRow;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use onsite_core::access::Permission;
use onsite_core::wire::{Session, User};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The one message for an unknown login and a wrong password: the answer must not tell which.
pub const BAD_LOGIN: &str = "wrong login or password";

/// Hashes a password with argon2id and a fresh random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| Error::internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("hashing: {e}")))
}

/// Whether `password` matches the stored PHC string. A stored string that does not parse is
/// the server's fault.
///
/// The check's memory (19 MiB with the default parameters) comes from [`BLOCKS`], a pool of
/// buffers kept for reuse: allocated afresh on each blocking thread, freed memory stayed in
/// that thread's allocator arena, and 100 log-ins took the server to 358 MiB although no more
/// than 4 ran at once. With the pool, the memory is the buffers of the most checks that ever
/// ran at once ([`crate::login_guard::MAX_HASHES`]).
pub fn verify_password(password: &str, phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc).map_err(|e| Error::internal(format!("stored hash: {e}")))?;
    let bad = |e: &dyn std::fmt::Display| Error::internal(format!("stored hash: {e}"));
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| bad(&e))?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(|e| bad(&e))?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(|e| bad(&e))?;
    let expected = parsed.hash.ok_or_else(|| bad(&"no hash"))?;
    let mut salt = [0u8; 64];
    let salt = parsed.salt.ok_or_else(|| bad(&"no salt"))?.decode_b64(&mut salt).map_err(|e| bad(&e))?;
    let mut out = vec![0u8; expected.len()];
    let mut blocks = take_blocks(params.block_count());
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        &mut blocks,
    );
    give_back_blocks(blocks);
    hashed.map_err(|e| Error::internal(format!("verifying: {e}")))?;
    // Constant time: how much of the hash matched must not show in the timing.
    let differ = out.iter().zip(expected.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    Ok(differ == 0 && out.len() == expected.len())
}

/// Password checks' memory, kept for the next check (see [`verify_password`]).
static BLOCKS: std::sync::Mutex<Vec<Vec<Block>>> = std::sync::Mutex::new(Vec::new());

fn take_blocks(count: usize) -> Vec<Block> {
    let kept = BLOCKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
    match kept {
        Some(mut blocks) => {
            blocks.resize(count, Block::default());
            blocks
        }
        None => vec![Block::default(); count],
    }
}

fn give_back_blocks(blocks: Vec<Block>) {
    let mut kept = BLOCKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if kept.len() < crate::login_guard::MAX_HASHES {
        kept.push(blocks);
    }
}

/// Spends the time of one verification when the login is unknown, so that timing does not
/// tell an unknown login from a wrong password.
pub fn burn_verification(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    if let Some(phc) = DUMMY.get_or_init(|| hash_password("onsite: no such user").ok()) {
        let _ = verify_password(password, phc);
    }
}

/// A new random token (64 hex characters).
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// What is stored for a token: its SHA-256, in hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// How long the tokens of a new session last.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    pub access: chrono::Duration,
    pub refresh: chrono::Duration,
}

/// Stores a new access token and a new refresh token for `user`, in `family` (a new family for
/// a login, the old one for a refresh), and returns the session carrying both.
pub fn issue_session(
    conn: &Connection,
    account: &UserRow,
    family: &str,
    now: DateTime<Utc>,
    ttl: Lifetimes,
) -> Result<Session> {
    let user = &account.user;
    let (token, refresh) = (new_token(), new_token());
    let (expires_at, refresh_expires_at) = (now + ttl.access, now + ttl.refresh);
    // Expired tokens are of no use to anyone: sweep them while here.
    conn.execute("DELETE FROM tokens WHERE expires_at <= ?1", params![fmt_time(now)])?;
    conn.execute("DELETE FROM refresh_tokens WHERE expires_at <= ?1", params![fmt_time(now)])?;
    conn.execute(
        "INSERT INTO tokens (hash, user_id, expires_at, created_at, family) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash(&token), user.id.to_string(), fmt_time(expires_at), fmt_time(now), family],
    )?;
    conn.execute(
        "INSERT INTO refresh_tokens (hash, family, user_id, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash(&refresh), family, user.id.to_string(), fmt_time(refresh_expires_at), fmt_time(now)],
    )?;
    Ok(Session {
        token,
        expires_at,
        user: user.clone(),
        refresh_token: Some(refresh),
        refresh_expires_at: Some(refresh_expires_at),
        must_change_password: account.must_change_password,
    })
}

/// A new session family's id.
pub fn new_family() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Ends every token of a family: its refresh tokens are revoked, its access tokens deleted.
pub fn revoke_family(conn: &Connection, family: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE refresh_tokens SET revoked_at = ?2 WHERE family = ?1 AND revoked_at IS NULL",
        params![family, fmt_time(now)],
    )?;
    conn.execute("DELETE FROM tokens WHERE family = ?1", params![family])?;
    Ok(())
}

/// The message for a refresh token that does not work; the engineer logs in again.
pub const BAD_REFRESH: &str = "the refresh token is unknown, expired or revoked: log in again";

/// Trades a refresh token for a new session in the same family, using it up. A refresh token
/// presented again after it was used was copied (or the app raced itself): the whole family is
/// revoked, and that revocation is committed even though the answer is 401.
pub fn refresh_session(
    conn: &mut Connection,
    refresh_token: &str,
    now: DateTime<Utc>,
    ttl: Lifetimes,
) -> Result<Session> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let row: Option<(String, String, String, Option<String>)> = tx
        .prepare_cached("SELECT family, user_id, expires_at, revoked_at FROM refresh_tokens WHERE hash = ?1")?
        .query_row(params![token_hash(refresh_token)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((family, user_id, expires_at, revoked_at)) = row else {
        return Err(Error::Unauthorized(BAD_REFRESH.into()));
    };
    if revoked_at.is_some() {
        revoke_family(&tx, &family, now)?;
        tx.commit()?;
        tracing::warn!(%family, "a used refresh token was presented again: its family is revoked");
        return Err(Error::Unauthorized(BAD_REFRESH.into()));
    }
    if parse_time(&expires_at)? <= now {
        return Err(Error::Unauthorized(BAD_REFRESH.into()));
    }
    let Some(user) = crate::store::user_by_id(&tx, crate::db::parse_id(&user_id)?)? else {
        return Err(Error::Unauthorized(BAD_REFRESH.into()));
    };
    tx.execute(
        "UPDATE refresh_tokens SET revoked_at = ?2 WHERE hash = ?1",
        params![token_hash(refresh_token), fmt_time(now)],
    )?;
    let session = issue_session(&tx, &user, &family, now, ttl)?;
    tx.commit()?;
    Ok(session)
}

/// The authenticated user of a request, in good standing: the account is enabled and owes no
/// password change. As an extractor it answers 401 for a missing, unknown or expired token,
/// 403 `account_disabled` or `password_change_required` otherwise; [`TokenHolder`] takes any
/// account state.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: User,
    /// The SHA-256 of the presented token, so that logout can revoke exactly it.
    pub token_hash: String,
    pub disabled: bool,
    pub must_change_password: bool,
}

impl CurrentUser {
    /// 403 unless the account may do `what` (`onsite_core::access`).
    pub fn require(&self, what: Permission) -> Result<()> {
        if self.user.may(what) { Ok(()) } else { Err(Error::Forbidden(what.describe().into())) }
    }

    /// 403 for a disabled account or one that owes a password change.
    fn in_good_standing(&self) -> Result<()> {
        if self.disabled {
            return Err(Error::AccountDisabled("this account is disabled: ask your admin".into()));
        }
        if self.must_change_password {
            return Err(Error::PasswordChangeRequired(
                "the password was set by an admin: change it first (POST /api/v1/auth/password)".into(),
            ));
        }
        Ok(())
    }
}

/// The token of an `Authorization: Bearer ...` header.
fn bearer(parts: &Parts) -> Result<&str> {
    let missing = || Error::Unauthorized("log in first: no bearer token was sent".into());
    let value = parts.headers.get(AUTHORIZATION).ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| Error::Unauthorized("the bearer token is not valid".into()))?;
    let (scheme, token) = value.split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(missing());
    }
    Ok(token)
}

/// Finds the account of a token; `None` when it is unknown or expired.
pub fn session_user(conn: &Connection, hash: &str, at: DateTime<Utc>) -> Result<Option<UserRow>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT user_id, expires_at FROM tokens WHERE hash = ?1")?
        .query_row(params![hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((user_id, expires_at)) = row else {
        return Ok(None);
    };
    if parse_time(&expires_at)? <= at {
        return Ok(None);
    }
    crate::store::user_by_id(conn, crate::db::parse_id(&user_id)?)
}

/// The user of a request's token, whatever the account's state: for logging out, reading
/// who one is, changing one's password, and (as [`Pusher`]) handing in unsynced work.
#[derive(Clone, Debug)]
pub struct TokenHolder(pub CurrentUser);

impl FromRequestParts<AppState> for TokenHolder {
    type Rejection = Error;

    /// Reads the token on a reader: answered even while a long push holds the write lock. Then
    /// takes one request from the account's bucket, so that logging in again for a fresh token
    /// does not reset the rate limit.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let hash = token_hash(bearer(parts)?);
        let lookup = hash.clone();
        let row = state.db.read(move |conn| session_user(conn, &lookup, now())).await?;
        let Some(row) = row else {
            return Err(Error::Unauthorized("the session has expired or was ended: log in again".into()));
        };
        state.limiter.check_account(row.user.id)?;
        Ok(TokenHolder(CurrentUser {
            user: row.user,
            token_hash: hash,
            disabled: row.disabled,
            must_change_password: row.must_change_password,
        }))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let TokenHolder(me) = TokenHolder::from_request_parts(parts, state).await?;
        me.in_good_standing()?;
        Ok(me)
    }
}

/// A request by someone who works jobs on the phone ([`Permission::Record`]). As an extractor
/// it answers 403 for anyone else before the body is read, so a malformed body from the wrong
/// role learns nothing of the body's rules.
#[derive(Clone, Debug)]
pub struct Engineer(pub CurrentUser);

/// A push of a phone's events: an engineer, in any account state. A disabled account's or one
/// owing a password change still hands in what it recorded offline: nothing is lost (the push's
/// own rules still say which jobs it may record on).
#[derive(Clone, Debug)]
pub struct Pusher(pub CurrentUser);

/// A request by the service desk (a dispatcher, [`Permission::Dispatch`]).
#[derive(Clone, Debug)]
pub struct Dispatcher(pub CurrentUser);

/// A request that reads the desk's jobs, board or engineers ([`Permission::ReadDesk`]): a
/// dispatcher or a manager.
#[derive(Clone, Debug)]
pub struct DeskReader(pub CurrentUser);

/// A request that manages accounts ([`Permission::ManageAccounts`]).
#[derive(Clone, Debug)]
pub struct Admin(pub CurrentUser);

/// A manager's decision on the assessment ([`Permission::Decide`]).
#[derive(Clone, Debug)]
pub struct Manager(pub CurrentUser);

/// The current user in good standing, if allowed `what`: 403 otherwise.
async fn with_permission(parts: &mut Parts, state: &AppState, what: Permission) -> Result<CurrentUser> {
    let me = CurrentUser::from_request_parts(parts, state).await?;
    me.require(what)?;
    Ok(me)
}

macro_rules! permission_extractor {
    ($name:ident, $what:expr) => {
        impl FromRequestParts<AppState> for $name {
            type Rejection = Error;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
                with_permission(parts, state, $what).await.map($name)
            }
        }
    };
}

permission_extractor!(Engineer, Permission::Record);
permission_extractor!(Dispatcher, Permission::Dispatch);
permission_extractor!(DeskReader, Permission::ReadDesk);
permission_extractor!(Admin, Permission::ManageAccounts);
permission_extractor!(Manager, Permission::Decide);

impl FromRequestParts<AppState> for Pusher {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let TokenHolder(me) = TokenHolder::from_request_parts(parts, state).await?;
        me.require(Permission::Record)?;
        Ok(Pusher(me))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_salts_differ() -> Result<()> {
        let a = hash_password("onsite-demo")?;
        let b = hash_password("onsite-demo")?;
        assert_ne!(a, b, "a fresh salt each time");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("onsite-demo", &a)?);
        assert!(!verify_password("onsite-dem0", &a)?);
        assert!(verify_password("x", "not a phc string").is_err());
        Ok(())
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token());
        assert_eq!(token_hash(&t).len(), 64);
        assert_ne!(token_hash(&t), t);
    }
}
