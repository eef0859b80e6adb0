//! Trunk's post-build hook: writes into the staged `sw.js` the exact list of files the build
//! produced and a version derived from their contents, so the service worker precaches the
//! whole app shell (nothing guessed) and a new build gets a new cache.

use crate::util::Result;
use std::path::{Path, PathBuf};

/// Files that are not part of the shell.
fn skip(name: &str) -> bool {
    name == "sw.js" || name.ends_with(".map")
}

fn walk(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, base, out)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// FNV-1a, 64 bits: enough to tell two builds apart; not a security measure.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

pub fn run() -> Result<()> {
    let staging =
        std::env::var_os("TRUNK_STAGING_DIR").ok_or("TRUNK_STAGING_DIR is not set: run by Trunk")?;
    let staging = PathBuf::from(staging);
    let mut files = Vec::new();
    walk(&staging, &staging, &mut files)?;
    files.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut urls = vec!["\"/\"".to_string()];
    for rel in &files {
        let name = rel.to_string_lossy().replace('\\', "/");
        if skip(&name) {
            continue;
        }
        hash = fnv1a(hash, name.as_bytes());
        hash = fnv1a(hash, &std::fs::read(staging.join(rel))?);
        urls.push(format!("\"/{name}\""));
    }
    let sw_path = staging.join("sw.js");
    let sw = std::fs::read_to_string(&sw_path)?;
    let marker = "const PRECACHE = ";
    let line = sw.lines().find(|l| l.starts_with(marker)).ok_or("sw.js has no PRECACHE line")?;
    let replacement = format!("{marker}{{ version: '{hash:016x}', files: [{}] }};", urls.join(", "));
    std::fs::write(&sw_path, sw.replacen(line, &replacement, 1))?;
    println!("precache: {} files, version {hash:016x}", urls.len());
    Ok(())
}
