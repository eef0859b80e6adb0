//! The built phone app (Trunk's `dist/`), served from the same origin as the API.
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

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::path::Path;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

/// A router that serves `dir` as described above; use it as the app's fallback.
pub fn service(dir: &Path) -> Router {
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let index = ServeFile::new(dir.join("index.html")).precompressed_br().precompressed_gzip();
    let spa = ServeDir::new(dir).precompressed_br().precompressed_gzip().fallback(index);
    Router::new().fallback(move |req: Request| {
        let (files, spa) = (files.clone(), spa.clone());
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
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
            response
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
    fn client_routes_have_no_extension() {
        assert!(!has_extension("/jobs/123"));
        assert!(!has_extension("/login"));
        assert!(!has_extension("/"));
        assert!(has_extension("/onsite_bg.wasm"));
    }
}
