//! Accounts for a real team (issue 16, part 1), over real HTTP on a real database: an admin
//! creates an engineer who must choose a password before anything but handing in work; a
//! disabled account's tokens stop at once while its phone's unsynced work is still taken; every
//! bad field is refused by name and nothing is half-saved; the command line does the same for a
//! new deployment's first admin.

mod common;

use common::*;
use onsite_core::wire::{Account, ErrorCode, Session};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn log_in(s: &Server, login: &str, password: &str) -> reqwest::Response {
    s.client
        .post(s.url("/api/v1/auth/login"))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .expect("login request")
}

fn zhou() -> Value {
    json!({"login": "zhou.min", "name": "周敏", "roles": ["engineer"], "password": "initial-2026",
        "area": "浦东站", "duties": ["install", "repair"]})
}

async fn accounts(s: &Server, admin: &str) -> Vec<Account> {
    let res = s.get(admin, "/api/v1/accounts").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("accounts")
}

#[tokio::test]
async fn an_admin_creates_an_engineer_who_chooses_a_password_then_gets_jobs() {
    let s = Server::start().await;
    let (admin, desk) = (s.login(ADMIN).await, s.login(DISPATCHER).await);
    let res = s.post(&admin, "/api/v1/accounts", &zhou()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let made: Account = res.json().await.unwrap();
    assert_eq!((made.area.as_str(), made.duties.len(), made.must_change_password), ("浦东站", 2, true));

    // The desk can send the new engineer a job at once.
    let job = s.create_job(&desk, Some("zhou.min")).await;

    // The first log-in says the password must be changed; until it is, only a push goes.
    let session: Session = log_in(&s, "zhou.min", "initial-2026").await.json().await.unwrap();
    assert!(session.must_change_password);
    let token = session.token.clone();
    let res = s.get(&token, "/api/v1/sync/pull?cursor=0").await;
    assert_eq!(error_body(res, StatusCode::FORBIDDEN).await.error, ErrorCode::PasswordChangeRequired);
    let phone = device();
    s.push_ok(&token, phone, &[note(job.id, phone, 1)]).await;

    // A wrong current password, a short new one: refused, nothing changed.
    let res =
        s.post(&token, "/api/v1/auth/password", &json!({"current": "wrong-one", "new": "my-own-2026"})).await;
    assert_eq!(error_body(res, StatusCode::FORBIDDEN).await.error, ErrorCode::Forbidden);
    let res =
        s.post(&token, "/api/v1/auth/password", &json!({"current": "initial-2026", "new": "short"})).await;
    let refused = error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.field.as_deref(), Some("password"));
    assert_eq!(
        log_in(&s, "zhou.min", "initial-2026").await.status(),
        StatusCode::OK,
        "the old password still works"
    );

    let res = s
        .post(&token, "/api/v1/auth/password", &json!({"current": "initial-2026", "new": "my-own-2026"}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // The same token now pulls, and the job is there with the pushed note.
    let pull = s.pull(&token, 0).await;
    assert!(pull.jobs.iter().any(|j| j.id == job.id));
    assert_eq!(log_in(&s, "zhou.min", "initial-2026").await.status(), StatusCode::UNAUTHORIZED);
    let again: Session = log_in(&s, "zhou.min", "my-own-2026").await.json().await.unwrap();
    assert!(!again.must_change_password);

    // The audit log has both, by whom.
    let audit =
        s.state.db.read(move |c| onsite_server::store::audit_of(c, &made.id.to_string())).await.unwrap();
    let lines: Vec<(Option<&str>, &str)> =
        audit.iter().map(|(_, who, what, _)| (who.as_deref(), what.as_str())).collect();
    assert_eq!(lines, [(Some(ADMIN), "account_created"), (Some("zhou.min"), "password_changed")]);
}

#[tokio::test]
async fn a_disabled_account_stops_at_once_but_its_phones_unsynced_work_is_taken() {
    let s = Server::start().await;
    let (admin, desk, alice) = (s.login(ADMIN).await, s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let res =
        s.put(&admin, "/api/v1/accounts/alice/disabled", &json!({"disabled": true, "reason": "离职"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<Account>().await.unwrap().disabled);

    // The token she holds: no pull, no job reads; her phone's work still goes in.
    let res = s.get(&alice, "/api/v1/sync/pull?cursor=0").await;
    assert_eq!(error_body(res, StatusCode::FORBIDDEN).await.error, ErrorCode::AccountDisabled);
    let res = s.get(&alice, &format!("/api/v1/jobs/{}", job.id)).await;
    assert_eq!(error_body(res, StatusCode::FORBIDDEN).await.error, ErrorCode::AccountDisabled);
    let phone = device();
    let acked = s.push_ok(&alice, phone, &[note(job.id, phone, 1)]).await;
    assert_eq!(acked.acked.len(), 1);
    assert_eq!(s.detail(&desk, job.id).await.events.len(), 1, "the desk sees what her phone handed in");
    // A log-in with the right password says why; a wrong one says nothing more than usual.
    let res = log_in(&s, ALICE, PASSWORD).await;
    assert_eq!(error_body(res, StatusCode::FORBIDDEN).await.error, ErrorCode::AccountDisabled);
    assert_eq!(log_in(&s, ALICE, "wrong").await.status(), StatusCode::UNAUTHORIZED);
    // The desk cannot send her a job, and the engineers' list leaves her out.
    let res = s.post(&desk, "/api/v1/jobs", &new_job(Some(ALICE))).await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.error, ErrorCode::Unprocessable);
    let engineers: Vec<Value> = s.get(&desk, "/api/v1/engineers").await.json().await.unwrap();
    assert!(engineers.iter().all(|e| e["login"] != ALICE), "{engineers:?}");

    // Enabled again: the same token works.
    let res = s.put(&admin, "/api/v1/accounts/alice/disabled", &json!({"disabled": false})).await;
    assert_eq!(res.status(), StatusCode::OK);
    s.pull(&alice, 0).await;
}

#[tokio::test]
async fn bad_account_input_is_refused_by_field_and_nothing_is_half_saved() {
    let s = Server::start().await;
    let admin = s.login(ADMIN).await;
    let before = accounts(&s, &admin).await;
    let with = |key: &str, value: Value| {
        let mut body = zhou();
        body[key] = value;
        body
    };
    let cases = [
        (with("login", json!("Zhou Min")), "login"),
        (with("login", json!("")), "login"),
        (with("name", json!("  ")), "name"),
        (with("roles", json!([])), "roles"),
        (with("password", json!("1234567")), "password"),
        (with("area", json!("站".repeat(51))), "area"),
        (
            json!({"login": "kefu2", "name": "客服", "roles": ["dispatcher"], "password": "initial-2026", "duties": ["repair"]}),
            "duties",
        ),
    ];
    for (body, field) in cases {
        let res = s.post(&admin, "/api/v1/accounts", &body).await;
        let refused = error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(refused.field.as_deref(), Some(field), "{body}");
    }
    // An unknown role is a body of the wrong shape.
    let res = s.post(&admin, "/api/v1/accounts", &with("roles", json!(["boss"]))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A login taken.
    let res = s.post(&admin, "/api/v1/accounts", &with("login", json!(ALICE))).await;
    assert_eq!(error_body(res, StatusCode::CONFLICT).await.error, ErrorCode::Conflict);
    assert_eq!(accounts(&s, &admin).await, before, "nothing was created or changed");

    // An admin cannot lock themselves out; an unknown account is 404.
    let res = s.put(&admin, "/api/v1/accounts/root/disabled", &json!({"disabled": true})).await;
    error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = s.put(&admin, "/api/v1/accounts/root", &json!({"name": "管理员", "roles": ["manager"]})).await;
    assert_eq!(error_body(res, StatusCode::UNPROCESSABLE_ENTITY).await.field.as_deref(), Some("roles"));
    let res = s.put(&admin, "/api/v1/accounts/nobody/password", &json!({"password": "initial-2026"})).await;
    error_body(res, StatusCode::NOT_FOUND).await;
    assert_eq!(accounts(&s, &admin).await, before);
}

#[tokio::test]
async fn roles_add_up_a_manager_who_is_also_a_dispatcher_dispatches() {
    let s = Server::start().await;
    let admin = s.login(ADMIN).await;
    let manager = s.login(MANAGER).await;
    assert_eq!(s.get(&manager, "/api/v1/jobs").await.status(), StatusCode::OK, "a manager reads");
    let res = s.post(&manager, "/api/v1/jobs", &new_job(Some(ALICE))).await;
    assert_eq!(error_body(res, StatusCode::FORBIDDEN).await.error, ErrorCode::Forbidden);
    let res = s
        .put(&admin, "/api/v1/accounts/boss", &json!({"name": "刘经理", "roles": ["manager", "dispatcher"]}))
        .await;
    assert_eq!(res.json::<Account>().await.unwrap().roles.len(), 2);
    // The same token, at once.
    assert_eq!(s.post(&manager, "/api/v1/jobs", &new_job(Some(ALICE))).await.status(), StatusCode::CREATED);
    let me: Value = s.get(&manager, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["role"], "dispatcher", "the main role of manager and dispatcher is the desk's");
    // An admin's password reset: the person must change it, and the old one is gone.
    let res = s.put(&admin, "/api/v1/accounts/boss/password", &json!({"password": "temporary-1"})).await;
    assert!(res.json::<Account>().await.unwrap().must_change_password);
    assert_eq!(log_in(&s, MANAGER, PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    let res = s.get(&manager, "/api/v1/jobs").await;
    assert_eq!(error_body(res, StatusCode::FORBIDDEN).await.error, ErrorCode::PasswordChangeRequired);
}

#[test]
fn the_command_line_makes_a_new_deployments_first_admin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("onsite.db");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_onsite-server"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run onsite-server");
        if let Some(text) = stdin {
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, out, err) = run(
        &["user", "add", "chen", "--name", "陈管理", "--role", "admin", "--password-stdin"],
        Some("first-admin-pw\n"),
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "created chen (admin)");
    // A made-up password is printed once, to be changed at the first log-in.
    let (ok, out, err) = run(
        &[
            "user",
            "add",
            "wu",
            "--name",
            "吴工",
            "--role",
            "engineer",
            "--duty",
            "repair",
            "--area",
            "徐汇站",
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("password: ") && out.contains("changed at the first log-in"), "{out}");
    // Bad input is told, and nothing is made.
    let (ok, _, err) = run(&["user", "add", "Bad Name", "--name", "x", "--role", "engineer"], None);
    assert!(!ok && err.contains("login"), "{err}");
    let (ok, _, err) = run(&["user", "add", "x", "--name", "x", "--role", "boss"], None);
    assert!(!ok && err.contains("not a role"), "{err}");
    let (ok, _, err) = run(&["user", "add", "chen", "--name", "x", "--role", "engineer"], None);
    assert!(!ok && err.contains("taken"), "{err}");
    let (ok, out, _) = run(&["user", "disable", "wu", "--reason", "test"], None);
    assert!(ok && out.contains("disabled wu"));
    let (ok, out, _) = run(&["user", "list"], None);
    assert!(ok);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("chen\t陈管理\tadmin") && lines[1].ends_with("徐汇站 disabled"), "{out}");

    // The server on that database: the admin logs in with the password given, no change owed.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = Server::start_on(onsite_server::Config::new(&db)).await;
        let session: Session = log_in(&s, "chen", "first-admin-pw").await.json().await.unwrap();
        assert!(!session.must_change_password);
        let list = accounts(&s, &session.token).await;
        assert!(list.iter().any(|a| a.login == "wu" && a.disabled));
    });
}

#[tokio::test]
async fn the_documented_password_limits_are_the_rules() {
    let s = Server::start().await;
    let doc: serde_json::Value =
        s.client.get(s.url("/api/v1/openapi.json")).send().await.expect("doc").json().await.expect("JSON");
    for (schema, field) in
        [("PasswordChange", "new"), ("PasswordReset", "password"), ("NewAccount", "password")]
    {
        let p = &doc["components"]["schemas"][schema]["properties"][field];
        assert_eq!(p["minLength"], serde_json::json!(onsite_core::access::MIN_PASSWORD), "{schema}.{field}");
        assert_eq!(p["maxLength"], serde_json::json!(onsite_core::access::MAX_PASSWORD), "{schema}.{field}");
    }
}
