//! `cargo xtask`: Onsite's set-up, build, serve and test, on a fresh machine or a warm one.
//!
//! - `cargo xtask serve [--addr IP:PORT] [--db PATH]`: set up, build the release app and
//!   server, start the server with demo data, print the URL and the demo logins.
//! - `cargo xtask test`: set up (with Chromium), then every test: core and server natively,
//!   the storage layer in headless Chromium (wasm-bindgen-test), and Playwright end to end
//!   against the release build and the real server.
//! - `cargo xtask setup [--browser]`: only install what is missing.
//! - `cargo xtask build`: only build the release app (dist/) and server.
//! - `cargo xtask bench [script…]`: build, then every benchmark figure in one table
//!   (docs/benchmarks.md); names such as `sync ingest` run only those scripts.
//! - `cargo xtask screenshots`: build, then a PNG of every page at 360 px in zh-CN and en,
//!   into target/screenshots/.
//! - `cargo xtask precache`: Trunk's post-build hook; writes the built file list into sw.js.
//! - `cargo xtask contract`: only the schemathesis stage of `test` (see `contract`).
//! - `cargo xtask load`: 1,000 devices syncing at once against the release server (see `load`).
//! - `cargo xtask simulate [--seeds N] [--from S] [--plant ack|cursor]`: the sync simulator
//!   (`crates/sim`) over N seeds (default 20,000), optimised; `test` runs 2,000 of them.
//!
//! Everything comes from crates.io, npm and Debian's packages: no tool downloads its own
//! binaries (see ../shared/toolchain.md for why each version is what it is).

mod bench;
mod contract;
mod load;
mod precache;
mod setup;
mod test;
mod util;

use std::process::ExitCode;
use util::{Result, root};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(args.iter().any(|a| a == "--browser")).map(|_| ()),
        Some("build") => setup::run(false).and_then(|tools| build(&tools)),
        Some("serve") => serve(&args[1..]),
        Some("test") => test::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("screenshots") => test::screenshots(),
        Some("precache") => precache::run(),
        Some("load") => load::run(&args[1..]),
        Some("contract") => contract::run(&root()).map(|_| ()),
        Some("simulate") => simulate(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <serve|test|bench|screenshots|setup|build|precache|load|contract|simulate>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the release phone app into dist/, the desk console into dist/desk/ (after: the phone
/// app's build empties dist/), and the server into target/server/.
pub fn build(tools: &setup::Tools) -> Result<()> {
    let root = root();
    let trunk = |dir: std::path::PathBuf| {
        let mut c = util::cmd("trunk", &dir);
        c.args(["build", "--release", "--offline"])
            .env("PATH", tools.path_with_node_bin())
            // Cargo's own variables from `cargo run` would leak into Trunk's cargo build.
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS");
        c
    };
    util::step("building the phone app (release, wasm-opt -Oz)");
    util::run(&mut trunk(root.clone()))?;
    util::step("building the desk console (release, wasm-opt -Oz) into dist/desk/");
    util::run(&mut trunk(root.join("crates/desk")))?;
    util::step("building the server");
    util::run(util::cmd("cargo", &root).args(["build", "--profile", "server", "-p", "onsite-server"]))?;
    Ok(())
}

/// The sync simulator, built optimised, over many seeds: `--seeds N` (20,000 when absent),
/// `--from S`, `--plant ack|cursor` (a planted bug it must find).
fn simulate(args: &[String]) -> Result<()> {
    let root = root();
    let mut run = util::cmd("cargo", &root);
    run.args(["run", "--profile", "server", "-p", "onsite-sim", "--"]);
    if !args.iter().any(|a| a == "--seeds") {
        run.args(["--seeds", "20000"]);
    }
    run.args(args);
    util::run(&mut run)
}

fn serve(args: &[String]) -> Result<()> {
    let tools = setup::run(false)?;
    build(&tools)?;
    let root = root();
    let addr = util::flag(args, "--addr").unwrap_or_else(|| "127.0.0.1:8080".into());
    let db = util::flag(args, "--db").unwrap_or_else(|| root.join(".data/onsite.db").display().to_string());
    if let Some(dir) = std::path::Path::new(&db).parent() {
        std::fs::create_dir_all(dir)?;
    }
    util::step("starting the server with demo data");
    println!("  database: {db}");
    println!("  phone app: http://{addr}/   desk console: http://{addr}/desk/");
    println!(
        "  demo logins (password onsite-demo): engineers wang.fang, li.lei; senior engineer zhao.qiang; \
         service desk: desk; manager: manager; admin: admin"
    );
    println!("  stop with Ctrl-C");
    let status = util::cmd(root.join("target/server/onsite-server"), &root)
        .args(["--demo", "--addr", &addr, "--db", &db, "--static-dir", "dist"])
        .status()?;
    if status.success() { Ok(()) } else { Err(format!("the server exited with {status}").into()) }
}
