//! `cargo xtask bench`: builds the release app and server, starts the server on a temporary
//! database with demo data, runs every benchmark script in `tests/bench/` against it, and prints
//! one table (figure, value, target, met) with the machine it ran on.
//!
//! Benchmarks report; they never fail on slowness. The command fails only when the harness
//! itself broke (a build, the server, or a script that could not finish), and still prints
//! every figure it got. Methods: docs/benchmarks.md.

use crate::setup;
use crate::util::{self, Result, root};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

/// The scripts, in order. sync.mjs writes the Onsite sync figure that peer.mjs compares with.
const SCRIPTS: &[(&str, &str)] = &[
    ("bundle", "tests/bench/bundle.mjs"),
    ("phone", "tests/bench/phone.mjs"),
    ("sync", "tests/bench/sync.mjs"),
    ("desk console", "tests/bench/desk.mjs"),
    ("peer (PouchDB)", "tests/bench/peer.mjs"),
    ("server ingest", "tests/bench/ingest.mjs"),
    ("server under attack", "tests/bench/attack.mjs"),
    ("cold load (Lighthouse)", "tests/bench/lighthouse.mjs"),
];

struct Figure {
    name: String,
    value: String,
    target: String,
    met: Option<bool>,
}

/// Like the end-to-end tests' server: the release binary on a fresh file with `--demo`; with the
/// per-token rate limit off, so the figures measure the work, not the limiter (docs/benchmarks.md).
fn start_server(root: &Path, dir: &Path) -> Result<util::Server> {
    let dist = dir.join("dist");
    util::Server::start(
        root,
        dir,
        &["--static-dir".as_ref(), dist.as_os_str()],
        &[("ONSITE_RATE_LIMIT", "off"), ("ONSITE_LOGIN_RATE", "off")],
    )
}

/// Pulls `"key":"string"`, `"key":true|false|null` out of the one-line JSON the scripts print.
fn json_field(line: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\":");
    let rest = &line[line.find(&pat)? + pat.len()..];
    if let Some(s) = rest.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => match chars.next()? {
                    'n' => out.push(' '),
                    c => out.push(c),
                },
                c => out.push(c),
            }
        }
        None
    } else {
        Some(rest.split([',', '}']).next()?.trim().to_string())
    }
}

fn parse_figure(line: &str) -> Option<Figure> {
    let json = line.strip_prefix("FIGURE\t")?;
    Some(Figure {
        name: json_field(json, "name")?,
        value: json_field(json, "value")?,
        target: json_field(json, "target").unwrap_or_default(),
        met: match json_field(json, "met").as_deref() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        },
    })
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let listed = info.lines().filter(|l| l.starts_with("processor")).count();
    format!("{cpus} CPUs available ({listed} in /proc/cpuinfo), {model}")
}

/// Display width, counting CJK and other wide characters as two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 && !matches!(c, '×' | '÷' | '≤' | '≥' | '→') { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Runs every script, or only those whose file stem is named (`cargo xtask bench sync ingest`).
pub fn run(only: &[String]) -> Result<()> {
    let scripts: Vec<&(&str, &str)> = SCRIPTS
        .iter()
        .filter(|(_, path)| {
            let stem = Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            only.is_empty() || only.iter().any(|o| o == stem)
        })
        .collect();
    if scripts.is_empty() {
        let names: Vec<_> = SCRIPTS.iter().filter_map(|(_, p)| Path::new(p).file_stem()?.to_str()).collect();
        return Err(format!("no such benchmark; there are: {}", names.join(" ")).into());
    }
    let started = Instant::now();
    let tools = setup::run(true)?;
    crate::build(&tools)?;
    let built = Instant::now();
    let root = root();
    let dir = root.join("target/bench");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    // A copy of the build, so a rebuild of dist/ during the run cannot change what is measured.
    copy_dir(&root.join("dist"), &dir.join("dist"))?;
    let server = start_server(&root, &dir)?;
    util::step(&format!(
        "benchmarks against the release server at {} (temporary database, demo data)",
        server.url
    ));

    let mut figures: Vec<Figure> = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    for (what, script) in scripts {
        util::step(&format!("bench: {what}"));
        let t = Instant::now();
        let mut child = util::cmd("node", &root)
            .arg(script)
            .arg(dir.join("dist"))
            .env("ONSITE_URL", &server.url)
            .env("ONSITE_SERVER_PID", server.pid().to_string())
            .env("BENCH_OUT", &dir)
            .env("PATH", tools.path_with_node_bin())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("node: {e}"))?;
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines() {
                let line = line?;
                match parse_figure(&line) {
                    Some(f) => {
                        println!("  {}: {}", f.name, f.value);
                        figures.push(f);
                    }
                    None => println!("  {}", line.strip_prefix("DETAIL\t").unwrap_or(&line)),
                }
            }
        }
        let status = child.wait()?;
        println!("  ({what}: {:.0} s)", t.elapsed().as_secs_f64());
        if !status.success() {
            broken.push(format!("{script} ({status})"));
        }
    }
    drop(server);

    let rows: Vec<[String; 4]> = figures
        .iter()
        .map(|f| {
            let met = match f.met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            };
            [f.name.clone(), f.value.clone(), f.target.clone(), met.to_string()]
        })
        .collect();
    let head = ["figure", "value", "target", "met"].map(String::from);
    let mut w = [0; 4];
    for r in rows.iter().chain(std::iter::once(&head)) {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    println!("\nmachine: {}", machine());
    for r in std::iter::once(&head).chain(rows.iter()) {
        println!("{}  {}  {}  {}", pad(&r[0], w[0]), pad(&r[1], w[1]), pad(&r[2], w[2]), r[3]);
    }
    println!(
        "took {:.0} s ({:.0} s of benchmarks after the build)",
        started.elapsed().as_secs_f64(),
        built.elapsed().as_secs_f64()
    );
    if broken.is_empty() { Ok(()) } else { Err(format!("the harness broke: {}", broken.join(", ")).into()) }
}
