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
//! Admin routes, card anchoring and a verifier's `POST /requests` are **not** layered: a
//! browser on another origin can neither read their answers nor send them a preflighted
//! request. What the edge refuses by itself (429, 431, 413 past the body budget, 503) is
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

use std::time::Duration;

use axum::http::{header, Method};
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
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(Duration::from_secs(MAX_AGE_SECS))
}
