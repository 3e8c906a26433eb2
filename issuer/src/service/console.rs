//! The staff console at `/console`: static files built into the binary, under a strict
//! Content-Security-Policy.
//!
//! | path | what |
//! |---|---|
//! | `GET /console` | 308 to `/console/` |
//! | `GET /console/` | `index.html` |
//! | `GET /console/<path>` | a file under the crate's `console/` directory, embedded at compile time (the `include_dir` crate) |
//! | `GET /console/pkg/<file>` | a file of the trustee's wasm package, from `[console] pkg_dir` (`myna issuer serve --console-pkg DIR`); without it `404 console_pkg_missing` |
//!
//! Every answer under `/console` (files, redirects and errors alike) carries
//! [`CONTENT_SECURITY_POLICY`], `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//! no-referrer` and `X-Frame-Options: DENY`; files are `Cache-Control: no-cache` (a browser
//! revalidates, so an upgraded issuer serves its new console at once), with a content type by
//! extension.
//!
//! The console signs in with an admin token kept in `sessionStorage` and sent as
//! `Authorization: Bearer` by its scripts; the service never sets a cookie, so a request a
//! foreign site makes a browser send carries no credential (CSRF has nothing to ride on), and
//! the admin routes answer no CORS headers, so a foreign page cannot read them either.
//!
//! The package directory is the npm package's trustee build (`wasm/pkg/trustee/`), which the
//! console's escrow screen loads for a trustee to release a share in the browser. Only regular
//! files directly in it are served, by names of `A-Z a-z 0-9 _ . -` not starting with a dot:
//! no subdirectory, no symbolic link, no way out of it.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};
use myna_vc_core::oid4vci::ErrorCode;

use super::http::ApiError;
use super::Service;

/// The console's files, embedded at compile time (the crate's build script makes Cargo
/// rebuild when one changes).
static CONSOLE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/console");

/// The Content-Security-Policy of every console answer: scripts and styles from the console's
/// own files only (no inline script, style or handler), wasm compilation for the trustee
/// package, images from the console or `data:`/`blob:` URLs (QR codes), requests to the issuer
/// only, no plugins, no `<base>`, no framing, no form submission.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route(
            "/console",
            get(|| async { Redirect::permanent("/console/") }),
        )
        .route("/console/", get(|| async { embedded_file("index.html") }))
        .route("/console/pkg/{file}", get(package_file))
        .route("/console/{*path}", get(embedded))
        .layer(axum::middleware::map_response(with_security_headers))
}

/// Adds the console's security headers to an answer.
async fn with_security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// The content type of a file by its extension.
///
/// ```
/// use myna_issuer::service::console::content_type;
/// assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
/// assert_eq!(content_type("js/app.js"), "text/javascript; charset=utf-8");
/// assert_eq!(content_type("myna_wasm_bg.wasm"), "application/wasm");
/// assert_eq!(content_type("README"), "application/octet-stream");
/// ```
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "ts" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Whether a path under `/console/` names an embedded file: segments of `A-Z a-z 0-9 _ . -`,
/// none empty or starting with a dot (no `..`, no hidden file).
fn safe_path(path: &str) -> bool {
    !path.is_empty() && path.split('/').all(safe_name)
}

/// A file name of `A-Z a-z 0-9 _ . -`, not starting with a dot, at most 128 bytes.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn file_response(path: &str, bytes: impl Into<Body>) -> Response {
    let mut response = (StatusCode::OK, bytes.into()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn embedded_file(path: &str) -> Response {
    match CONSOLE.get_file(path) {
        Some(file) if safe_path(path) => file_response(path, file.contents()),
        _ => ApiError::not_found("console file").into_response(),
    }
}

async fn embedded(UrlPath(path): UrlPath<String>) -> Response {
    embedded_file(&path)
}

fn package_missing() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::Other("console_pkg_missing".into()),
        "the console's trustee package is not served: start the issuer with `myna issuer serve \
         --console-pkg DIR` (or issuer.toml [console] pkg_dir = DIR), DIR being the trustee \
         build of the npm package (wasm/pkg/trustee/ after scripts/build-npm)",
    )
}

async fn package_file(
    State(service): State<Service>,
    UrlPath(name): UrlPath<String>,
) -> Result<Response, ApiError> {
    let Some(dir) = service.shared().config.console.pkg_dir.clone() else {
        return Err(package_missing());
    };
    if !safe_name(&name) {
        return Err(ApiError::not_found("console package file"));
    }
    let path = dir.join(&name);
    let bytes = tokio::task::spawn_blocking(move || read_regular_file(&dir, &path))
        .await
        .map_err(|_| ApiError::internal("a worker task failed"))??;
    Ok(file_response(&name, bytes))
}

/// The file at `path` if it is a regular file (not a link, not a directory) in `dir`.
fn read_regular_file(dir: &Path, path: &PathBuf) -> Result<Vec<u8>, ApiError> {
    if !dir.is_dir() {
        tracing::warn!(dir = %dir.display(), "the console package directory is missing");
        return Err(package_missing());
    }
    let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
    if !regular {
        return Err(ApiError::not_found("console package file"));
    }
    std::fs::read(path).map_err(|e| ApiError::internal(&format!("console package file: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_pass() {
        for good in ["index.html", "js/app.js", "i18n/messages.js", "a-b_c.d"] {
            assert!(safe_path(good), "{good}");
        }
        for bad in [
            "", "..", "../x", "a/../b", ".hidden", "a//b", "a\\b", "a b", "%2e%2e",
        ] {
            assert!(!safe_path(bad), "{bad}");
        }
    }
}
