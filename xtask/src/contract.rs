//! The contract stage of `cargo xtask test`: schemathesis against the served OpenAPI document.
//!
//! Builds the server (profile `server`), starts it on a fresh database with `--demo` and the rate
//! limit off (429 is in the document for every route with a token, but a fuzzer that trips it
//! learns nothing), installs schemathesis (pinned) into `target/venv` when missing, logs in as the
//! service desk and as an engineer over plain HTTP, and runs schemathesis once with each token:
//! `--max-examples` per operation, so each run generates well over 1,000 cases. Every case must
//! pass every check (`--checks all`: the server's answers conform to the document, data that
//! fits the schema is accepted, data that does not is refused), with the settings of
//! `tests/contract/schemathesis.toml` (the few rules no JSON Schema can state). Logout is
//! excluded: it would end the fuzzer's own session.
//! Returns the cases passed and failed, counted from schemathesis's summary line.

use crate::util::{self, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// The schemathesis release this stage was written against (its summary line is parsed).
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// Examples per operation and per run; 16 operations, two runs.
const MAX_EXAMPLES: &str = "30";
const CHECKS: &str = "all";
/// The per-operation settings (see the file).
const CONFIG: &str = "tests/contract/schemathesis.toml";

/// `target/venv/bin/schemathesis`, installed when missing or of another version.
fn ensure_schemathesis(root: &Path) -> Result<std::path::PathBuf> {
    let venv = root.join("target/venv");
    let bin = venv.join("bin/schemathesis");
    let version = SCHEMATHESIS.split("==").nth(1).unwrap_or_default();
    let installed = util::output(util::cmd(&bin, root).arg("--version")).is_some_and(|v| v.contains(version));
    if installed {
        return Ok(bin);
    }
    util::step(&format!("installing {SCHEMATHESIS} into target/venv"));
    let python = venv.join("bin/python");
    if !python.exists() {
        let made = util::run(util::cmd("python3", root).args(["-m", "venv"]).arg(&venv));
        if made.is_err() {
            // Debian without python3-venv has no ensurepip: make the venv bare, then let the
            // system's pip install into it.
            let _ = std::fs::remove_dir_all(&venv);
            util::run(util::cmd("python3", root).args(["-m", "venv", "--without-pip"]).arg(&venv))?;
            util::run(util::cmd("python3", root).args(["-m", "pip", "--python"]).arg(&python).args([
                "install",
                "--quiet",
                SCHEMATHESIS,
            ]))?;
            return Ok(bin);
        }
    }
    util::run(util::cmd(&python, root).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        SCHEMATHESIS,
    ]))?;
    Ok(bin)
}

/// Logs in over plain HTTP/1.1 and returns the access token.
fn login(addr: &str, login: &str, password: &str) -> Result<String> {
    let body = format!(r#"{{"login":"{login}","password":"{password}"}}"#);
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let token = answer
        .split(r#""token":""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .filter(|t| t.len() == 64)
        .ok_or_else(|| format!("login of {login} failed: {}", answer.lines().next().unwrap_or_default()))?;
    Ok(token.to_string())
}

/// Adds the counts of a summary line like `1617 generated, 1617 passed` or
/// `1617 generated, 3 found 1 unique failure, 2 errored, 5 skipped`.
fn parse_summary(line: &str, passed: &mut u64, failed: &mut u64) {
    let t = line.trim();
    if !t.contains(" generated") || !t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return;
    }
    let n = |word: &str| crate::test::number_before(t, word).unwrap_or(0);
    let (generated, failures, errored, skipped) =
        (n(" generated"), n(" found"), n(" errored"), n(" skipped"));
    *failed += failures + errored;
    *passed += generated.saturating_sub(failures + errored + skipped);
}

pub fn run(root: &Path) -> Result<(u64, u64)> {
    util::run(util::cmd("cargo", root).args(["build", "--profile", "server", "-p", "onsite-server"]))?;
    let schemathesis = ensure_schemathesis(root)?;
    let dir = root.join("target/schemathesis");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let server = util::Server::start(
        root,
        &dir,
        &[
            "--static-dir".as_ref(),
            "/nonexistent".as_ref(),
            "--rate-limit".as_ref(),
            "off".as_ref(),
            "--login-rate".as_ref(),
            "off".as_ref(),
        ],
        &[],
    )?;
    let url = server.url.clone();
    let addr = url.trim_start_matches("http://").to_string();
    println!("  server at {url}");

    let (mut passed, mut failed) = (0, 0);
    let mut outcome: Result<()> = Ok(());
    // Both log in first: the fuzzing of /auth/login with wrong passwords makes the server wait
    // before it hears this address again.
    let tokens = [
        ("service desk", "desk", login(&addr, "desk", "onsite-demo")?),
        ("engineer", "wang.fang", login(&addr, "wang.fang", "onsite-demo")?),
    ];
    for (who, login_name, token) in tokens {
        util::step(&format!(
            "schemathesis as the {who} ({login_name}), {MAX_EXAMPLES} examples per operation"
        ));
        let mut c = util::cmd("timeout", &dir);
        c.arg("150")
            .arg(&schemathesis)
            .arg("--config-file")
            .arg(root.join(CONFIG))
            .args([
                "run",
                &format!("{url}/api/v1/openapi.json"),
                "--checks",
                CHECKS,
                "--max-examples",
                MAX_EXAMPLES,
            ])
            // Logout would end the run's own session; a long poll waits up to 25 s a case
            // (crates/server/tests/live.rs pins its answers instead).
            .args(["--exclude-path", "/api/v1/auth/logout", "--exclude-path", "/api/v1/changes", "--header"])
            .arg(format!("Authorization: Bearer {token}"))
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped());
        let mut child = c.spawn().map_err(|e| format!("schemathesis: {e}"))?;
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines() {
                let line = line?;
                println!("{line}");
                parse_summary(&line, &mut passed, &mut failed);
            }
        }
        let status = child.wait()?;
        if !status.success() && outcome.is_ok() {
            outcome =
                Err(format!("schemathesis as the {who} failed ({status}); see the output above").into());
        }
    }
    drop(server);
    println!("  schemathesis: {passed} cases passed, {failed} failed");
    outcome.map(|()| (passed, failed))
}

#[cfg(test)]
mod tests {
    use super::parse_summary;

    #[test]
    fn summary_lines_are_counted() {
        let (mut p, mut f) = (0, 0);
        parse_summary("  1617 generated, 1617 passed", &mut p, &mut f);
        assert_eq!((p, f), (1617, 0));
        parse_summary("  100 generated, 3 found 1 unique failure, 2 errored, 5 skipped", &mut p, &mut f);
        assert_eq!((p, f), (1617 + 90, 5));
        parse_summary("Test cases:", &mut p, &mut f);
        parse_summary("no links point to data generated by this", &mut p, &mut f);
        assert_eq!((p, f), (1707, 5));
    }
}
