//! Small process helpers.

use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub fn cmd(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut c = Command::new(program);
    c.current_dir(dir);
    c
}

pub fn step(what: &str) {
    println!("\n==> {what}");
}

/// Runs a command to completion, failing on a non-zero exit.
pub fn run(c: &mut Command) -> Result<()> {
    let status = c.status().map_err(|e| format!("{:?}: {e}", c.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{:?} {:?} failed: {status}", c.get_program(), c.get_args().collect::<Vec<_>>()).into())
    }
}

/// Runs a command and returns its stdout, or None if it could not run or failed.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// A release server process started for a stage (tests, screenshots, contract, bench): the
/// binary on a database in `dir`, its stderr in `dir/server.log`, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub url: String,
}

impl Server {
    /// Starts `target/server/onsite-server --demo --addr 127.0.0.1:0 --db dir/onsite.db` plus
    /// `args` and `env`, and waits for the line that says where it listens.
    pub fn start(root: &Path, dir: &Path, args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Result<Server> {
        use std::io::{BufRead, BufReader};
        let log = std::fs::File::create(dir.join("server.log"))?;
        let mut command = cmd(root.join("target/server/onsite-server"), root);
        command.args(["--demo", "--addr", "127.0.0.1:0", "--db"]).arg(dir.join("onsite.db")).args(args);
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.stdout(std::process::Stdio::piped()).stderr(log).spawn()?;
        let stdout = child.stdout.take().ok_or("no server stdout")?;
        let mut server = Server { child, url: String::new() };
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().transpose()?.unwrap_or_default();
        server.url =
            first.strip_prefix("onsite-server listening on ").map(str::to_string).ok_or_else(|| {
                format!("the server did not start (said {first:?}); see {}", dir.join("server.log").display())
            })?;
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(server)
    }
}

impl Server {
    /// The server process's id (for reading its memory from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already exited is fine; nothing else can go wrong that matters here.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
