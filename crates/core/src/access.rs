//! Who may do what: the roles an account holds and what they allow, and the rules of an
//! account's fields. One table ([`allows`]), read by the server's extractors (403 for anything
//! else) and by the apps to choose what to show.
//!
//! | | engineer | senior engineer | dispatcher | manager | admin |
//! |---|---|---|---|---|---|
//! | [`Permission::Record`]: work jobs on the phone (push, pull, own history) | yes | yes | | | |
//! | [`Permission::ReadDesk`]: the desk's jobs, board and engineers | | | yes | yes | |
//! | [`Permission::Dispatch`]: open, dispatch, reassign, cancel; issue parts | | | yes | | |
//! | [`Permission::ManageAccounts`]: create, disable, reset passwords, set area and duties | | | | | yes |
//! | [`Permission::Decide`]: waive or uphold a deduction of the assessment | | | | yes | |
//!
//! A manager reads but does not dispatch unless also a dispatcher: roles add up.

use crate::job::JobKind;
use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What a person does in the team; an account holds one or more (`User::roles`). What each
/// allows is [`allows`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 工程师 / 装维: works jobs on the phone.
    Engineer,
    /// 高级工程师: works jobs on the phone, and is sent in alongside another engineer.
    SeniorEngineer,
    /// 服务台: takes reports, opens and dispatches work orders.
    Dispatcher,
    /// 经理 / 负责人: reads the desk's board, records and scores; dispatches only if also a
    /// dispatcher.
    Manager,
    /// 管理员: manages the accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Engineer, Role::SeniorEngineer, Role::Dispatcher, Role::Manager, Role::Admin];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Engineer => "engineer",
            Role::SeniorEngineer => "senior_engineer",
            Role::Dispatcher => "dispatcher",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What a request asks to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    Record,
    ReadDesk,
    Dispatch,
    ManageAccounts,
    Decide,
}

impl Permission {
    /// The roles that grant it.
    pub const fn granted_by(self) -> &'static [Role] {
        match self {
            Permission::Record => &[Role::Engineer, Role::SeniorEngineer],
            Permission::ReadDesk => &[Role::Dispatcher, Role::Manager],
            Permission::Dispatch => &[Role::Dispatcher],
            Permission::ManageAccounts => &[Role::Admin],
            Permission::Decide => &[Role::Manager],
        }
    }

    /// For a refusal's message.
    pub const fn describe(self) -> &'static str {
        match self {
            Permission::Record => "this needs the engineer or senior engineer role (it is the phone's)",
            Permission::ReadDesk => "this needs the dispatcher or manager role (it is the desk's)",
            Permission::Dispatch => "this needs the dispatcher role",
            Permission::ManageAccounts => "this needs the admin role",
            Permission::Decide => "this needs the manager role",
        }
    }
}

/// Whether holding `roles` allows `what`.
pub fn allows(roles: &[Role], what: Permission) -> bool {
    roles.iter().any(|r| what.granted_by().contains(r))
}

/// Whether an account may read one engineer's job or van: the desk (and managers) read every
/// one, an engineer only their own (`own`), anyone else none.
pub fn may_read(roles: &[Role], own: bool) -> bool {
    allows(roles, Permission::ReadDesk) || (own && allows(roles, Permission::Record))
}

/// The main role of several: the one that says which app the account uses. A field role
/// (engineer, senior engineer) wins, since that person works on the phone; then dispatcher,
/// manager, admin.
pub fn main_role(roles: &[Role]) -> Role {
    const ORDER: [Role; 5] =
        [Role::SeniorEngineer, Role::Engineer, Role::Dispatcher, Role::Manager, Role::Admin];
    ORDER.into_iter().find(|r| roles.contains(r)).unwrap_or(Role::Engineer)
}

/// Sorted, each once.
pub fn normalise(mut roles: Vec<Role>) -> Vec<Role> {
    roles.sort();
    roles.dedup();
    roles
}

/// Whether an account with `roles` works on the phone (else it is sent to the desk console).
pub fn works_in_the_field(roles: &[Role]) -> bool {
    allows(roles, Permission::Record)
}

// -- an account's fields -----------------------------------------------------------------------

/// The fields of an account form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountField {
    Login,
    Name,
    Roles,
    Password,
    Area,
    Duties,
}

impl AccountField {
    pub const fn as_str(self) -> &'static str {
        match self {
            AccountField::Login => "login",
            AccountField::Name => "name",
            AccountField::Roles => "roles",
            AccountField::Password => "password",
            AccountField::Area => "area",
            AccountField::Duties => "duties",
        }
    }
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountProblem {
    Missing,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    /// A login is lower-case letters, digits, `.`, `_` and `-`.
    BadCharacters,
    /// Duties are for engineers (and senior engineers) only.
    NotAnEngineer,
    /// A new password typed twice, differently.
    Mismatch,
}

/// A refused account field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", field.as_str(), match problem {
    AccountProblem::Missing => "required".to_string(),
    AccountProblem::TooLong { max } => format!("at most {max} characters"),
    AccountProblem::TooShort { min } => format!("at least {min} characters"),
    AccountProblem::BadCharacters => "only lower-case letters, digits, '.', '_' and '-'".to_string(),
    AccountProblem::NotAnEngineer => "only an engineer has duties".to_string(),
    AccountProblem::Mismatch => "the two differ".to_string(),
})]
pub struct AccountError {
    pub field: AccountField,
    pub problem: AccountProblem,
}

/// The longest login (account name) accepted anywhere: in a login, a path, a filter, a dispatch.
pub const MAX_LOGIN: usize = 100;
/// The longest password accepted (argon2 hashes whatever it is given: bound the work).
pub const MAX_PASSWORD: usize = 1024;
pub const MAX_NAME: usize = 100;
pub const MAX_AREA: usize = 50;
/// The shortest password an account may be given or choose.
pub const MIN_PASSWORD: usize = 8;

fn err(field: AccountField, problem: AccountProblem) -> Result<(), AccountError> {
    Err(AccountError { field, problem })
}

/// A login: 1 to [`MAX_LOGIN`] of `a-z 0-9 . _ -`.
pub fn check_login(login: &str) -> Result<(), AccountError> {
    use AccountField::Login;
    if login.is_empty() {
        return err(Login, AccountProblem::Missing);
    }
    if login.chars().count() > MAX_LOGIN {
        return err(Login, AccountProblem::TooLong { max: MAX_LOGIN });
    }
    if !login.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)) {
        return err(Login, AccountProblem::BadCharacters);
    }
    Ok(())
}

/// A new password: [`MIN_PASSWORD`] to [`MAX_PASSWORD`] characters.
pub fn check_password(password: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return err(AccountField::Password, AccountProblem::TooShort { min: MIN_PASSWORD });
    }
    if n > MAX_PASSWORD {
        return err(AccountField::Password, AccountProblem::TooLong { max: MAX_PASSWORD });
    }
    Ok(())
}

/// A new password, typed twice.
pub fn check_new_password(new: &str, repeat: &str) -> Result<(), AccountError> {
    check_password(new)?;
    if new != repeat {
        return err(AccountField::Password, AccountProblem::Mismatch);
    }
    Ok(())
}

/// An account's profile: its name, roles, area (区域/站) and duties (the kinds of job it is
/// sent on).
pub fn check_profile(name: &str, roles: &[Role], area: &str, duties: &[JobKind]) -> Result<(), AccountError> {
    if name.trim().is_empty() {
        return err(AccountField::Name, AccountProblem::Missing);
    }
    if name.chars().count() > MAX_NAME {
        return err(AccountField::Name, AccountProblem::TooLong { max: MAX_NAME });
    }
    if roles.is_empty() {
        return err(AccountField::Roles, AccountProblem::Missing);
    }
    if area.chars().count() > MAX_AREA {
        return err(AccountField::Area, AccountProblem::TooLong { max: MAX_AREA });
    }
    if !duties.is_empty() && !works_in_the_field(roles) {
        return err(AccountField::Duties, AccountProblem::NotAnEngineer);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;
    use Role::*;

    #[test]
    fn what_each_set_of_roles_allows() {
        let table: [(&[Role], [bool; 5]); 8] = [
            //                      Record ReadDesk Dispatch Accounts Decide
            (&[Engineer], [true, false, false, false, false]),
            (&[SeniorEngineer], [true, false, false, false, false]),
            (&[Dispatcher], [false, true, true, false, false]),
            (&[Manager], [false, true, false, false, true]),
            (&[Manager, Dispatcher], [false, true, true, false, true]),
            (&[Admin], [false, false, false, true, false]),
            (&[Admin, Manager], [false, true, false, true, true]),
            (&[], [false, false, false, false, false]),
        ];
        for (roles, want) in table {
            let got = [Record, ReadDesk, Dispatch, ManageAccounts, Decide].map(|p| allows(roles, p));
            assert_eq!(got, want, "{roles:?}");
        }
    }

    #[test]
    fn who_reads_an_engineers_job_or_van() {
        let table: [(&[Role], bool, bool); 6] = [
            (&[Engineer], true, true),
            (&[Engineer], false, false),
            (&[SeniorEngineer], true, true),
            (&[Dispatcher], false, true),
            (&[Manager], false, true),
            (&[Admin], true, false),
        ];
        for (roles, own, want) in table {
            assert_eq!(may_read(roles, own), want, "{roles:?} own={own}");
        }
    }

    #[test]
    fn the_main_role_says_which_app() {
        let table: [(&[Role], Role, bool); 5] = [
            (&[Engineer], Engineer, true),
            (&[Dispatcher, SeniorEngineer], SeniorEngineer, true),
            (&[Admin, Manager], Manager, false),
            (&[Manager, Dispatcher], Dispatcher, false),
            (&[Admin], Admin, false),
        ];
        for (roles, main, field) in table {
            assert_eq!(main_role(roles), main, "{roles:?}");
            assert_eq!(works_in_the_field(roles), field, "{roles:?}");
        }
        assert_eq!(normalise(vec![Admin, Engineer, Admin]), vec![Engineer, Admin]);
    }

    #[test]
    fn account_fields_are_checked_each_by_its_rule() {
        use AccountField as F;
        use AccountProblem as P;
        let fail = |r: Result<(), AccountError>| r.err().map(|e| (e.field, e.problem));
        assert_eq!(fail(check_login("wang.fang")), None);
        assert_eq!(fail(check_login("li_lei-2")), None);
        assert_eq!(fail(check_login("")), Some((F::Login, P::Missing)));
        assert_eq!(fail(check_login("Wang")), Some((F::Login, P::BadCharacters)));
        assert_eq!(fail(check_login("王芳")), Some((F::Login, P::BadCharacters)));
        assert_eq!(fail(check_login("a b")), Some((F::Login, P::BadCharacters)));
        assert_eq!(fail(check_login(&"a".repeat(101))), Some((F::Login, P::TooLong { max: 100 })));
        assert_eq!(fail(check_password("1234567")), Some((F::Password, P::TooShort { min: 8 })));
        assert_eq!(fail(check_password("12345678")), None);
        assert_eq!(fail(check_password(&"x".repeat(1025))), Some((F::Password, P::TooLong { max: 1024 })));
        assert_eq!(fail(check_new_password("12345678", "12345678")), None);
        assert_eq!(fail(check_new_password("12345678", "12345679")), Some((F::Password, P::Mismatch)));
        assert_eq!(fail(check_new_password("1234", "1234")), Some((F::Password, P::TooShort { min: 8 })));
        let kinds = [JobKind::Repair];
        assert_eq!(fail(check_profile("王芳", &[Engineer], "浦东站", &kinds)), None);
        assert_eq!(fail(check_profile(" ", &[Engineer], "", &[])), Some((F::Name, P::Missing)));
        assert_eq!(fail(check_profile("王芳", &[], "", &[])), Some((F::Roles, P::Missing)));
        assert_eq!(
            fail(check_profile("王芳", &[Engineer], &"站".repeat(51), &[])),
            Some((F::Area, P::TooLong { max: 50 }))
        );
        assert_eq!(
            fail(check_profile("服务台", &[Dispatcher], "", &kinds)),
            Some((F::Duties, P::NotAnEngineer))
        );
    }
}
