//! Trunk's post-build hook. First renders the app icons (PNG, for the manifest and Chromium's
//! install criteria) from their SVG sources; then writes into the staged `sw.js` the exact list
//! of files the build produced and a version derived from their contents, so the service worker
//! precaches the whole app shell (nothing guessed) and a new build gets a new cache. Last,
//! compresses the content-hashed files ahead (`name.br` at brotli 11, `name.gz` at gzip 9),
//! which the server sends as they are (`onsite_server::static_files`).

use crate::util::Result;
use std::path::{Path, PathBuf};

/// Files that are not part of the shell (the compressed copies are the same files, sent in
/// another encoding).
fn skip(name: &str) -> bool {
    name == "sw.js" || name.ends_with(".map") || name.ends_with(".br") || name.ends_with(".gz")
}

/// Files compressed ahead: Trunk's content-hashed wasm, JS and CSS (`name-<hash>…`, the hash
/// in hex without leading zeros: 16 digits, or fewer in one build of 16; 8 to 16 count), the
/// bulk of every download. A hashed file never changes under its name, so its compressed copy
/// can never be stale; the small unhashed files (`index.html`, `sw.js`, the manifest) are
/// compressed by the server as they are sent, so an edited one is never shadowed by an old copy.
fn compress_ahead(name: &str) -> bool {
    let hashed = name.match_indices('-').any(|(i, _)| {
        let rest = &name.as_bytes()[i + 1..];
        let digits = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        (8..=16).contains(&digits) && matches!(rest.get(digits), Some(b'.' | b'_'))
    });
    hashed && [".wasm", ".js", ".css"].iter().any(|ext| name.ends_with(ext))
}

/// Writes `file.br` and `file.gz` next to `file`; returns (raw, brotli) bytes.
fn precompress(path: &Path) -> Result<(usize, usize)> {
    use std::io::Write;
    let raw = std::fs::read(path)?;
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &raw[..], &mut br, &params)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw)?;
    let gz = gz.finish()?;
    let name = path.file_name().ok_or("no file name")?.to_string_lossy().to_string();
    std::fs::write(path.with_file_name(format!("{name}.br")), &br)?;
    std::fs::write(path.with_file_name(format!("{name}.gz")), &gz)?;
    Ok((raw.len(), br.len()))
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

/// The icons the manifest names: (SVG source in public/, PNG written, size in pixels).
const ICONS: [(&str, &str, u32); 3] = [
    ("icon.svg", "icon-192.png", 192),
    ("icon.svg", "icon-512.png", 512),
    // Full-bleed background with the mark inside the safe zone, for masks of any shape.
    ("icon-maskable.svg", "icon-maskable-512.png", 512),
];

fn render_icon(svg: &Path, png: &Path, size: u32) -> Result<()> {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_data(&std::fs::read(svg)?, &usvg::Options::default())?;
    let mut pixmap = tiny_skia::Pixmap::new(size, size).ok_or("icon size is zero")?;
    let scale = size as f32 / tree.size().width().max(tree.size().height());
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.save_png(png)?;
    Ok(())
}

pub fn run() -> Result<()> {
    let staging =
        std::env::var_os("TRUNK_STAGING_DIR").ok_or("TRUNK_STAGING_DIR is not set: run by Trunk")?;
    let staging = PathBuf::from(staging);
    let public = crate::util::root().join("public");
    for (svg, png, size) in ICONS {
        render_icon(&public.join(svg), &staging.join(png), size)?;
    }
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
    let (mut raw, mut br) = (0, 0);
    for rel in files.iter().filter(|f| compress_ahead(&f.to_string_lossy())) {
        let (r, b) = precompress(&staging.join(rel))?;
        raw += r;
        br += b;
    }
    println!("precompressed: {raw} bytes to {br} bytes of brotli 11 (and gzip 9)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_assets_are_compressed_ahead() {
        let cases = [
            ("onsite-1a2b3c4d5e6f7a8b_bg.wasm", true),
            ("onsite-1a2b3c4d5e6f7a8b.js", true),
            ("main-0123456789abcdef.css", true),
            ("index.html", false),
            ("sw.js", false),
            ("manifest.webmanifest", false),
            ("icon-192.png", false),
            ("onsite-1a2b3c4d5e6f7a8b_bg.wasm.br", false),
            // A hash with leading zeros, written without them (this missed one build in 16).
            ("onsite-4eff94a62064752_bg.wasm", true),
            ("onsite-4eff94a62064752.js", true),
            ("onsite-1a2b3c4.js", false),
        ];
        for (name, want) in cases {
            assert_eq!(compress_ahead(name), want, "{name}");
        }
    }
}
