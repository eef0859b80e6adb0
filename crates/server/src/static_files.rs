//! The built phone app (Trunk's `dist/`) and the desk console (`dist/desk/`, under `/desk/`),
//! served from the same origin as the API. Each is its own single-page app, with its own
//! `index.html` for its client-side routes and its own Content-Security-Policy.
//!
//! - Every path outside `/api` is looked up in the directory. A path with no file extension that
//!   names no file is a client-side route (`/login`, `/jobs/<id>`) and gets `index.html` with
//!   200, so a reload or a shared link opens the app there. A missing file *with* an extension
//!   is a real 404: a stale `.wasm` name must never be answered with HTML.
//! - `Cache-Control`: Trunk's content-hashed files (`name-<hash>.ext`, `name-<hash>_bg.wasm`)
//!   never change, so they are `public, max-age=31536000, immutable`; everything else (`/`,
//!   `index.html`, `sw.js`, the manifest, icons) is `no-cache`, so a new release is seen at once.
//! - Content types come from the file extension (`.wasm` is `application/wasm`).
//! - A file the build compressed ahead (`name.br` at brotli 11, `name.gz` at gzip 9, written by
//!   `cargo xtask precache`) is sent as it is to a browser that accepts that encoding: the
//!   smallest transfer and no work per request. Anything else is compressed on the fly by the
//!   router's layer, which leaves an already encoded answer alone.
//! - Security headers on every answer: a Content-Security-Policy made at start from the built
//!   `index.html` ([`content_security_policy`]: its inline loader and inline CSS allowed by their
//!   SHA-256 and nothing else inline; code only from this origin, plus compiling WebAssembly;
//!   requests only to this origin; never framed), `X-Content-Type-Options: nosniff`,
//!   `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`. The session token lives in
//!   localStorage, so a script injected into the page is what must never run.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64ct::Encoding;
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::path::Path;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

/// Where the desk console is served.
pub const DESK: &str = "/desk";

/// A router that serves the phone app in `dir`, and the desk console in `dir/desk` under
/// [`DESK`] when it was built; use it as the app's fallback.
pub fn service(dir: &Path) -> Router {
    let phone = spa(dir);
    let desk_dir = dir.join("desk");
    if !desk_dir.join("index.html").is_file() {
        return phone;
    }
    // `/desk` and `/desk/...`: the console (its own index.html for its routes, its own policy).
    Router::new().nest_service(DESK, spa(&desk_dir)).merge(phone)
}

/// One single-page app in `dir`, as described above.
fn spa(dir: &Path) -> Router {
    let csp = match std::fs::read_to_string(dir.join("index.html")) {
        Ok(html) => HeaderValue::from_str(&content_security_policy(&html)).ok(),
        Err(e) => {
            tracing::warn!(error = %e, "no index.html to make the Content-Security-Policy from");
            None
        }
    };
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let index = ServeFile::new(dir.join("index.html")).precompressed_br().precompressed_gzip();
    let spa = ServeDir::new(dir).precompressed_br().precompressed_gzip().fallback(index);
    Router::new().fallback(move |req: Request| {
        let (files, spa, csp) = (files.clone(), spa.clone(), csp.clone());
        async move {
            let path = req.uri().path().to_owned();
            let result: Result<Response, Infallible> = if has_extension(&path) {
                files.oneshot(req).await.map(IntoResponse::into_response)
            } else {
                spa.oneshot(req).await.map(IntoResponse::into_response)
            };
            let mut response = match result {
                Ok(r) => r,
                Err(never) => match never {},
            };
            let ok = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
            let policy = if ok && is_hashed(&path) { IMMUTABLE } else { NO_CACHE };
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
            if let Some(csp) = csp {
                headers.insert(header::CONTENT_SECURITY_POLICY, csp);
            }
            for (name, value) in SECURITY_HEADERS {
                headers.insert(name, HeaderValue::from_static(value));
            }
            response
        }
    })
}

/// The headers every answer carries, the API's included.
pub const SECURITY_HEADERS: [(HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
];

/// The Content-Security-Policy for the app built into `index_html`: the page's inline scripts
/// (Trunk's loader) and inline styles (the CSS inlined for the first paint) are allowed by the
/// SHA-256 of their text, and nothing else inline. The app's code comes only from this origin
/// (`'wasm-unsafe-eval'` lets it compile its WebAssembly, and allows no `eval`), images also
/// from `data:` (the shell's icon) and `blob:`, requests go only to this origin, and no other
/// site may frame it.
pub fn content_security_policy(index_html: &str) -> String {
    let hashes = |tag: &str| -> String {
        inline_elements(index_html, tag)
            .map(|text| format!(" 'sha256-{}'", base64ct::Base64::encode_string(&Sha256::digest(text))))
            .collect()
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'{styles}; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        scripts = hashes("script"),
        styles = hashes("style"),
    )
}

/// The text of each `<tag ...>text</tag>` in `html` that has no `src` (an inline one).
fn inline_elements<'a>(html: &'a str, tag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find(&open)?;
            let after = &rest[start + open.len()..];
            // `<scripts>` or `<style-x>` are other tags.
            if !after.starts_with(['>', ' ', '\n', '\t', '\r']) {
                rest = after;
                continue;
            }
            let head_end = after.find('>')?;
            let head = &after[..head_end];
            let body = &after[head_end + 1..];
            let end = body.find(&close)?;
            rest = &body[end + close.len()..];
            if !head.contains("src=") {
                return Some(&body[..end]);
            }
        }
    })
}

/// Whether the last segment of a path has a file extension.
fn has_extension(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.contains('.'))
}

/// Whether a path names one of Trunk's content-hashed files: a `-`, the hash in hex, then `.`
/// or `_` (as in `onsite-1a2b3c4d5e6f7a8b_bg.wasm`), with an extension after. Trunk writes the
/// hash (64 bits) without leading zeros: 16 digits, or fewer in one build of 16; 8 to 16 count.
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    if !name.contains('.') {
        return false;
    }
    name.match_indices('-').any(|(i, _)| {
        let rest = &name.as_bytes()[i + 1..];
        let digits = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        (8..=16).contains(&digits) && matches!(rest.get(digits), Some(b'.' | b'_'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_table() {
        let cases = [
            ("/onsite-1a2b3c4d5e6f7a8b_bg.wasm", true),
            ("/onsite-1a2b3c4d5e6f7a8b.js", true),
            ("/style-0123456789abcdef.css", true),
            ("/assets/icon-0123456789ABCDEF.png", true),
            ("/", false),
            ("/index.html", false),
            ("/sw.js", false),
            ("/manifest.json", false),
            // A hash with leading zeros, written without them (seen: `onsite-4eff94a62064752`).
            ("/onsite-4eff94a62064752_bg.wasm", true),
            ("/onsite-4eff94a62064752.js", true),
            ("/onsite-1a2b3c4d.js", true),
            ("/onsite-1a2b3c4.js", false),
            ("/onsite-1a2b3c4d5e6f7a8b9.js", false),
            ("/onsite-1a2b3c4d5e6f7a8g.js", false),
            ("/icon-192.png", false),
            ("/jobs/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", false),
            ("/some-name-1a2b3c4d5e6f7a8b", false),
        ];
        for (path, want) in cases {
            assert_eq!(is_hashed(path), want, "{path}");
        }
    }

    #[test]
    fn the_policy_allows_exactly_the_inline_loader_and_css() {
        let html = "<html><head><style>body{margin:0}</style>\
            <script type=\"module\">import('/app.js');</script>\
            <script src=\"/x.js\"></script><scripts>no</scripts></head></html>";
        let inline: Vec<&str> = inline_elements(html, "script").collect();
        assert_eq!(inline, vec!["import('/app.js');"]);
        let csp = content_security_policy(html);
        let sha = |s: &str| base64ct::Base64::encode_string(&Sha256::digest(s));
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{}';",
                sha("import('/app.js');")
            )),
            "{csp}"
        );
        assert!(csp.contains(&format!("style-src 'self' 'sha256-{}';", sha("body{margin:0}"))), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("connect-src 'self'"));
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");
        // The known digest of a known text, so the encoding is the one browsers expect.
        assert_eq!(sha("alert('Hello, world.');"), "qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=");
    }

    #[test]
    fn client_routes_have_no_extension() {
        assert!(!has_extension("/jobs/123"));
        assert!(!has_extension("/login"));
        assert!(!has_extension("/"));
        assert!(has_extension("/onsite_bg.wasm"));
    }
}
