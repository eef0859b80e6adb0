//! Installs what the build and tests need, only what is missing, at the versions that work here:
//! the wasm target; trunk 0.21.14 (0.22 needs a newer rustc); wasm-bindgen-cli at exactly the
//! version in Cargo.lock; npm packages (binaryen 132's wasm-opt, Playwright); and, for tests,
//! Debian's Chromium and ChromeDriver (never a browser download).

use crate::util::{self, Result, root};
use std::path::{Path, PathBuf};

const TRUNK_VERSION: &str = "0.21.14";

pub struct Tools {
    node_bin: PathBuf,
}

impl Tools {
    /// PATH with node_modules/.bin first, so Trunk finds binaryen 132's wasm-opt, not an older one.
    pub fn path_with_node_bin(&self) -> std::ffi::OsString {
        let mut paths = vec![self.node_bin.clone()];
        if let Some(p) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&p));
        }
        std::env::join_paths(paths).unwrap_or_default()
    }
}

pub fn run(browser: bool) -> Result<Tools> {
    let root = root();
    wasm_target(&root)?;
    trunk(&root)?;
    wasm_bindgen(&root)?;
    npm(&root)?;
    if browser {
        chromium()?;
    }
    Ok(Tools { node_bin: root.join("node_modules/.bin") })
}

fn wasm_target(root: &Path) -> Result<()> {
    let installed =
        util::output(util::cmd("rustup", root).args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        util::step("installing the wasm32-unknown-unknown target");
        util::run(util::cmd("rustup", root).args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

fn trunk(root: &Path) -> Result<()> {
    let have = util::output(util::cmd("trunk", root).arg("--version")).unwrap_or_default();
    if have.trim() != format!("trunk {TRUNK_VERSION}") {
        util::step(&format!("installing trunk {TRUNK_VERSION} (several minutes)"));
        util::run(util::cmd("cargo", root).args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ]))?;
    }
    Ok(())
}

/// The wasm-bindgen version Cargo.lock resolved: the CLI must match it exactly.
pub fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    Err("Cargo.lock has no wasm-bindgen".into())
}

fn wasm_bindgen(root: &Path) -> Result<()> {
    let want = locked_wasm_bindgen(root)?;
    let have = util::output(util::cmd("wasm-bindgen", root).arg("--version")).unwrap_or_default();
    let runner =
        util::output(util::cmd("wasm-bindgen-test-runner", root).arg("--version")).unwrap_or_default();
    if have.trim() != format!("wasm-bindgen {want}") || !runner.contains(&want) {
        util::step(&format!("installing wasm-bindgen-cli {want} (several minutes)"));
        // Not --locked: the CLI's own lock file names crates the registry no longer serves.
        util::run(util::cmd("cargo", root).args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &want,
            "--force",
        ]))?;
    }
    Ok(())
}

fn npm(root: &Path) -> Result<()> {
    let stamp = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => match (s.modified(), l.modified()) {
            (Ok(s), Ok(l)) => s >= l,
            _ => false,
        },
        _ => false,
    };
    if !fresh || !root.join("node_modules/.bin/wasm-opt").exists() {
        util::step("installing npm packages (binaryen, Playwright)");
        util::run(util::cmd("npm", root).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// Debian's Noto CJK fonts: without them the Chinese UI renders as empty boxes in headless
/// Chromium (screenshots, and the layout the tests and Lighthouse measure).
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists()
        && Path::new("/usr/bin/chromedriver").exists()
        && Path::new(CJK_FONT).exists()
    {
        return Ok(());
    }
    util::step("installing Debian's chromium, chromium-driver and fonts-noto-cjk");
    let root = root();
    let sudo = util::output(util::cmd("id", &root).arg("-u")).map(|u| u.trim() != "0").unwrap_or(true);
    let apt = |args: &[&str]| {
        let mut c = if sudo { util::cmd("sudo", &root) } else { util::cmd("apt-get", &root) };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        util::run(&mut c)
    };
    apt(&["update"])?;
    apt(&["install", "-y", "--no-install-recommends", "chromium", "chromium-driver", "fonts-noto-cjk"])?;
    Ok(())
}
