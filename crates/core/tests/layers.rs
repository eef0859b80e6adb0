//! Core's modules are layered: each uses only modules of the layers below its own, as
//! ARCHITECTURE.md lists them ("Core's layers"). Read from the sources: every `crate::<module>`
//! path outside comments and tests, and the crate-root names (`crate::VisitEvent` is `event`).

use std::collections::BTreeMap;
use std::path::Path;

/// The layers as ARCHITECTURE.md lists them: module → layer.
fn layers() -> BTreeMap<String, usize> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md");
    let section = doc.split("### Core's layers").nth(1).expect("a section \"Core's layers\"");
    let mut out = BTreeMap::new();
    for line in section.lines().take_while(|l| !l.starts_with("### ")) {
        let Some((n, names)) = line.split_once(". ") else { continue };
        let Ok(layer) = n.trim().parse::<usize>() else { continue };
        for name in names.split('`').skip(1).step_by(2) {
            out.insert(name.to_string(), layer);
        }
    }
    out
}

/// The modules a source file's code (not its comments, not its tests) names.
fn uses(source: &str) -> Vec<String> {
    let code = ["#[cfg(test)]\nmod tests", "#[cfg(test)]\npub(crate) mod tests"]
        .iter()
        .filter_map(|m| source.find(m))
        .min()
        .map_or(source, |i| &source[..i]);
    let roots = [
        ("VisitEvent", "event"),
        ("EventKind", "event"),
        ("JobId", "ids"),
        ("DeviceId", "ids"),
        ("EventId", "ids"),
        ("UserId", "ids"),
        ("Job", "job"),
        ("JobKind", "kind"),
        ("Priority", "kind"),
        ("TimeWindow", "job"),
        ("JobStatus", "status"),
    ];
    let mut out = Vec::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            match roots.iter().find(|(root, _)| *root == name) {
                Some((_, module)) => out.push(module.to_string()),
                None => out.push(name),
            }
        }
    }
    out
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let layers = layers();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen = Vec::new();
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/") {
        let path = entry.expect("an entry").path();
        let Some(module) = path.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
        if module == "lib" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(&mine) = layers.get(&module) else {
            wrong.push(format!("{module} is in no layer of ARCHITECTURE.md"));
            continue;
        };
        seen.push(module.clone());
        let source = std::fs::read_to_string(&path).expect("a source file");
        for used in uses(&source) {
            if used == module {
                continue;
            }
            match layers.get(&used) {
                Some(&theirs) if theirs < mine => {}
                Some(&theirs) => wrong.push(format!("{module} (layer {mine}) uses {used} (layer {theirs})")),
                None => wrong.push(format!("{module} uses {used}, in no layer")),
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(seen.len() >= 20, "read {seen:?}");
    for listed in layers.keys() {
        assert!(seen.contains(listed), "ARCHITECTURE.md lists {listed}, which is not a module");
    }
}
