//! `cargo xtask load [--devices N] [--events N] [--batch N] [--connections N] [--timeout-secs N]`:
//! 1,000 devices syncing at once against the release server on a temp database (loopback), each
//! pushing 50 events and pulling its job and events; then throughput, latency percentiles per
//! request kind, errors, and an exactly-once check of the database. The client is its own
//! package (`crates/load`), so xtask stays light. Stops by itself (hard timeout, 5 minutes).

use crate::util::{self, Result, root};

pub fn run(args: &[String]) -> Result<()> {
    let root = root();
    util::step("building the server and the load client (profile server)");
    util::run(util::cmd("cargo", &root).args([
        "build",
        "--profile",
        "server",
        "-p",
        "onsite-server",
        "-p",
        "onsite-load",
    ]))?;
    util::step("load: devices syncing at once on loopback");
    util::run(
        util::cmd(root.join("target/server/onsite-load"), &root)
            .arg("--server")
            .arg(root.join("target/server/onsite-server"))
            .arg("--dir")
            .arg(root.join("target/load"))
            .args(args),
    )
}
