//! `cargo xtask test`: every test, in order of cost, stopping at the first failing stage.
//!
//! 0. the code is formatted (`cargo fmt --check`);
//! 1. core and server, natively (`cargo test`); the server's tests run it over HTTP on a real
//!    SQLite file; the sync simulator runs 2,000 seeds (`crates/sim`);
//! 2. schemathesis against the OpenAPI document and the real server (`contract`), as the service
//!    desk and as an engineer: every generated case conforms, none is a server error;
//! 3. the app's storage layer in headless Chromium (wasm-bindgen-test);
//! 4. Playwright, end to end, against the release build served by the real server on a fresh
//!    database with demo data.
//!
//! It prints the counts per kind, then one plain `N passed, N failed` line.

use crate::setup;
use crate::util::{self, Result, root};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Default)]
struct Counts {
    passed: u64,
    failed: u64,
}

/// Runs a command, echoing its output, and counts the tests its runner reports.
fn run_counted(c: &mut Command, parse: fn(&str, &mut Counts)) -> Result<Counts> {
    c.stdout(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("{:?}: {e}", c.get_program()))?;
    let mut counts = Counts::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line?;
            println!("{line}");
            parse(&line, &mut counts);
        }
    }
    let status = child.wait()?;
    if !status.success() {
        return Err(format!(
            "{:?} failed ({status}); {} passed, {} failed",
            c.get_program(),
            counts.passed,
            counts.failed
        )
        .into());
    }
    Ok(counts)
}

pub(crate) fn number_before(line: &str, word: &str) -> Option<u64> {
    let idx = line.find(word)?;
    line[..idx].split_whitespace().last()?.trim_matches(|c: char| !c.is_ascii_digit()).parse().ok()
}

/// `test result: ok. 12 passed; 0 failed; ...` (cargo test and wasm-bindgen-test-runner).
fn parse_cargo(line: &str, counts: &mut Counts) {
    if line.starts_with("test result:") {
        counts.passed += number_before(line, " passed").unwrap_or(0);
        counts.failed += number_before(line, " failed").unwrap_or(0);
    }
}

/// Playwright's list reporter: `  5 passed (12.3s)`, `  1 failed`.
fn parse_playwright(line: &str, counts: &mut Counts) {
    let t = line.trim();
    if t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        if t.contains(" passed") {
            counts.passed += number_before(t, " passed").unwrap_or(0);
        } else if t.ends_with(" failed") || t.contains(" failed ") {
            counts.failed += number_before(t, " failed").unwrap_or(0);
        }
    }
}

/// The server under test: the release binary on a fresh file, serving dist/.
fn start_server(root: &Path, dir: &Path) -> Result<util::Server> {
    util::Server::start(root, dir, &["--static-dir".as_ref(), "dist".as_ref()], &[])
}

/// `cargo xtask screenshots`: a PNG of every page at 360 px, in zh-CN and en, into
/// target/screenshots/ (the tour in tests/screenshots), against the release build and server.
pub fn screenshots() -> Result<()> {
    let tools = setup::run(true)?;
    let root = root();
    crate::build(&tools)?;
    let out = root.join("target/screenshots");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    let dir = root.join("target/screenshots-server");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let server = start_server(&root, &dir)?;
    util::step("taking screenshots (Playwright, 360 px, zh-CN and en)");
    let status = util::cmd("npx", &root)
        .args(["playwright", "test", "--config", "playwright.screenshots.config.ts", "--reporter=list"])
        .env("ONSITE_URL", &server.url)
        .env("PATH", tools.path_with_node_bin())
        .status()?;
    drop(server);
    if !status.success() {
        return Err(format!("the screenshot tour failed ({status})").into());
    }
    let mut files: Vec<_> = std::fs::read_dir(&out)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for f in &files {
        println!("  {}", f.strip_prefix(&root).unwrap_or(f).display());
    }
    println!("{} screenshots in {}", files.len(), out.display());
    Ok(())
}

pub fn run() -> Result<()> {
    let started = std::time::Instant::now();
    let tools = setup::run(true)?;
    let root = root();
    let mut table: Vec<(&str, Counts)> = Vec::new();

    util::step("formatting (cargo fmt --check)");
    util::run(util::cmd("cargo", &root).args(["fmt", "--all", "--check"]))?;

    util::step(
        "core, server, console, simulator and build-tool tests (native; the server over HTTP on a real SQLite file)",
    );
    table.push((
        "native (core, server, desk, sim, xtask)",
        run_counted(
            util::cmd("cargo", &root).args([
                "test",
                "-p",
                "onsite-core",
                "-p",
                "onsite-server",
                "-p",
                "onsite-desk",
                "-p",
                "onsite-sim",
                "-p",
                "xtask",
            ]),
            parse_cargo,
        )?,
    ));

    util::step("contract tests (schemathesis against /api/v1/openapi.json, real server)");
    let (passed, failed) = crate::contract::run(&root)?;
    table.push(("schemathesis (cases)", Counts { passed, failed }));

    util::step("app storage tests in headless Chromium (wasm-bindgen-test)");
    table.push((
        "wasm in Chromium (storage, locks, timers)",
        run_counted(
            util::cmd("cargo", &root)
                .args(["test", "--target", "wasm32-unknown-unknown", "-p", "onsite"])
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
                .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
            parse_cargo,
        )?,
    ));

    crate::build(&tools)?;

    util::step("end to end (Playwright, release build, real server)");
    let dir = root.join("target/e2e");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let server = start_server(&root, &dir)?;
    println!("  server at {}", server.url);
    let e2e = run_counted(
        util::cmd("npx", &root)
            .args(["playwright", "test", "--reporter=list"])
            .env("ONSITE_URL", &server.url)
            .env("PATH", tools.path_with_node_bin()),
        parse_playwright,
    );
    drop(server);
    table.push(("end to end (Playwright)", e2e?));

    let (passed, failed) = table.iter().fold((0, 0), |(p, f), (_, c)| (p + c.passed, f + c.failed));
    println!("\n{:<42} {:>7} {:>7}", "tests", "passed", "failed");
    for (kind, c) in &table {
        println!("{kind:<42} {:>7} {:>7}", c.passed, c.failed);
    }
    println!("took {:.0} s", started.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    std::io::stdout().flush()?;
    if failed > 0 { Err(format!("{failed} tests failed").into()) } else { Ok(()) }
}
