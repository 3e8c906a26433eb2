//! CORS for the routes a wallet web app calls from its own origin.
//!
//! The resident's wallet app is static files served from an origin of its own; it calls the
//! issuer (metadata, token, nonce, credential, status lists, trust list, consent registry,
//! self-service offers) and a verifier's request-object and response routes with `fetch`.
//! Browsers let it read those answers only when they carry
//! `Access-Control-Allow-Origin`, and they send a preflight `OPTIONS` first for a `POST` with
//! an `Authorization` header or a JSON body.
//!
//! [`wallet_routes`] is the one policy both services layer on exactly those routes:
//!
//! * any origin (`Access-Control-Allow-Origin: *`): nothing in either service uses cookies
//!   or any other ambient credential — the wallet proves itself with what it sends (a
//!   pre-authorized code and PIN, a bearer access token, key proofs, a signed presentation),
//!   so a page of another origin gains nothing a plain HTTP client does not already have;
//!   credentials mode is therefore never allowed;
//! * preflights answered for `GET` and `POST` with the `content-type` and `authorization`
//!   request headers, cached by the browser for [`MAX_AGE_SECS`].
//!
//! Admin routes, card anchoring and a verifier's `POST /requests` are **not** layered with it:
//! a browser on another origin can neither read their answers nor send them a preflighted
//! request.
//!
//! [`exact_origins`] is the other policy: only the [`Origin`]s an operator named (say the
//! counter page's, for `myna verify serve --allow-origin`), for the request headers the
//! routes take; still no credentials mode, since those routes authenticate with a bearer
//! token the page sends itself. What the edge refuses by itself (429, 431, 413 past the body budget, 503) is
//! answered before any router and so carries no CORS header; a wallet app sees those as
//! network errors and tries again later.
//!
//! ```
//! use axum::{http::Request, routing::post, Router};
//! use tower::ServiceExt;
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let app = Router::new()
//!     .route("/token", post(|| async { "{}" }))
//!     .layer(myna_edge::cors::wallet_routes());
//! let preflight = Request::builder()
//!     .method("OPTIONS")
//!     .uri("/token")
//!     .header("origin", "https://wallet.example")
//!     .header("access-control-request-method", "POST")
//!     .header("access-control-request-headers", "content-type")
//!     .body(axum::body::Body::empty())?;
//! let answer = app.oneshot(preflight).await?;
//! assert_eq!(answer.headers()["access-control-allow-origin"], "*");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How long a browser may cache a preflight answer (10 minutes; Chromium caps it at 2 hours).
pub const MAX_AGE_SECS: u64 = 600;

/// The CORS layer of the wallet-facing routes: any origin, no credentials, preflights for
/// `GET`/`POST` with `content-type` and `authorization`, cached [`MAX_AGE_SECS`].
///
/// ```
/// let layer = myna_edge::cors::wallet_routes();
/// let _router: axum::Router = axum::Router::new().layer(layer);
/// ```
pub fn wallet_routes() -> CorsLayer {
    layer(
        AllowOrigin::any(),
        [header::CONTENT_TYPE, header::AUTHORIZATION],
    )
}

/// The CORS layer for routes that only pages of `origins` may call from a browser: those
/// origins exactly (any other gets no `Access-Control-Allow-Origin`), no credentials,
/// preflights for `GET`/`POST` with `headers`, cached [`MAX_AGE_SECS`]. Answers vary by
/// `Origin`, so caches keep them apart.
///
/// ```
/// use axum::{http::{header, Request}, routing::get, Router};
/// use myna_edge::cors::{exact_origins, Origin};
/// use tower::ServiceExt;
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let counter: Origin = "https://counter.example".parse()?;
/// let app = Router::new()
///     .route("/policies", get(|| async { "{}" }))
///     .layer(exact_origins(&[counter], [header::AUTHORIZATION, header::CONTENT_TYPE]));
/// let from = |origin: &str| Request::get("/policies").header("origin", origin)
///     .body(axum::body::Body::empty());
/// let allowed = app.clone().oneshot(from("https://counter.example")?).await?;
/// assert_eq!(allowed.headers()["access-control-allow-origin"], "https://counter.example");
/// let other = app.oneshot(from("https://evil.example")?).await?;
/// assert!(other.headers().get("access-control-allow-origin").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn exact_origins(
    origins: &[Origin],
    headers: impl IntoIterator<Item = HeaderName>,
) -> CorsLayer {
    let list: Vec<HeaderValue> = origins.iter().map(|o| o.0.clone()).collect();
    layer(AllowOrigin::list(list), headers)
}

fn layer(origin: AllowOrigin, headers: impl IntoIterator<Item = HeaderName>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(origin)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(headers.into_iter().collect::<Vec<_>>())
        .max_age(Duration::from_secs(MAX_AGE_SECS))
}

/// One web origin exactly as a browser sends it in `Origin`: `http` or `https`, `://`, a
/// lowercase host name, IPv4 address or bracketed IPv6 address, and a port only when it is
/// not the scheme's default (browsers leave `:443` and `:80` out, so an origin naming them
/// would never match). No path, query, fragment, user info or trailing slash.
///
/// ```
/// use myna_edge::cors::Origin;
/// assert_eq!("https://counter.example:8443".parse::<Origin>()?.as_str(), "https://counter.example:8443");
/// assert!("http://127.0.0.1:5173".parse::<Origin>().is_ok());
/// assert!("http://[::1]:8080".parse::<Origin>().is_ok());
/// for bad in ["counter.example", "https://counter.example/", "https://Counter.example",
///             "https://counter.example:443", "ftp://counter.example", "https://a@counter.example",
///             "https://counter.example:99999", "*", "null"] {
///     assert!(bad.parse::<Origin>().is_err(), "{bad}");
/// }
/// # Ok::<(), myna_edge::cors::OriginError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(HeaderValue);

impl Origin {
    /// The origin's text.
    pub fn as_str(&self) -> &str {
        // Built only from a checked ASCII string.
        self.0.to_str().unwrap_or_default()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text is not an exact [`Origin`]; the message says what form is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not an exact web origin: {problem}; expected scheme://host[:port], e.g. https://counter.example", .text.chars().take(80).collect::<String>())]
pub struct OriginError {
    text: String,
    problem: &'static str,
}

/// The longest origin accepted (a 253-character host name, scheme and port fit).
const MAX_ORIGIN_CHARS: usize = 300;

impl std::str::FromStr for Origin {
    type Err = OriginError;

    fn from_str(text: &str) -> Result<Self, OriginError> {
        let refuse = |problem| OriginError {
            text: text.to_owned(),
            problem,
        };
        if text.len() > MAX_ORIGIN_CHARS {
            return Err(refuse("too long"));
        }
        let (scheme, rest) = text.split_once("://").ok_or_else(|| refuse("no scheme"))?;
        let default_port = match scheme {
            "https" => "443",
            "http" => "80",
            _ => return Err(refuse("the scheme must be http or https, in lowercase")),
        };
        let (host, port) = split_port(rest).ok_or_else(|| refuse("malformed port"))?;
        if !is_host(host) {
            return Err(refuse(
                "the host must be a lowercase name or an IP address, with nothing after it",
            ));
        }
        if let Some(port) = port {
            let valid = !port.starts_with('0') && port.parse::<u16>().is_ok_and(|p| p > 0);
            if !valid {
                return Err(refuse("the port must be 1 to 65535"));
            }
            if port == default_port {
                return Err(refuse(
                    "browsers leave the scheme's default port out of Origin",
                ));
            }
        }
        let value = HeaderValue::from_str(text).map_err(|_| refuse("not header text"))?;
        Ok(Origin(value))
    }
}

/// `host[:port]` split at the port's colon (after a bracketed IPv6 address, if any); `None`
/// when a colon is followed by nothing.
fn split_port(rest: &str) -> Option<(&str, Option<&str>)> {
    let after_host = if rest.starts_with('[') {
        rest.find(']').map_or(rest.len(), |end| end + 1)
    } else {
        0
    };
    match rest.get(after_host..)?.rfind(':') {
        Some(colon) => {
            let (host, port) = rest.split_at(after_host + colon);
            let port = port.get(1..)?;
            (!port.is_empty()).then_some((host, Some(port)))
        }
        None => Some((rest, None)),
    }
}

/// A lowercase DNS name or IPv4 address (letters, digits, `-`, `.`, no empty label), or a
/// bracketed IPv6 address.
fn is_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}
