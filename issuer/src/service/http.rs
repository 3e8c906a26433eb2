//! The request edge: OAuth-style JSON error bodies for every 4xx and 5xx, body size limits,
//! content-type checks, bearer tokens and the request timeout. (The server loop, `myna_edge`,
//! adds the limits against hostile clients and the request log line, without personal data.)
//!
//! Bodies are read through the server loop's body budget: a body that finds the memory for
//! bodies spent, or stops arriving, fails here as any body error does (413 from these
//! readers), and the server loop answers in its place (503 `busy`, 408).
//!
//! ```
//! use axum::http::StatusCode;
//! use myna_issuer::service::http::ApiError;
//! use myna_vc_core::oid4vci::ErrorCode;
//! let err = ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, "no body");
//! assert_eq!(err.status(), StatusCode::BAD_REQUEST);
//! assert_eq!(err.body(), r#"{"error":"invalid_request","error_description":"no body"}"#);
//! ```

use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use myna_vc_core::oid4vci::{ErrorCode, ErrorResponse, Message};

use super::Service;
use crate::endpoint::{EndpointError, Refusal};
use crate::error::Error;

/// An error answered as `{"error": …, "error_description": …}` with `Cache-Control: no-store`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    description: String,
}

impl ApiError {
    /// An error with this status, OAuth code and description (shown to the client: it must
    /// never carry personal data).
    /// The description is cut to 300 characters and mapped into the character set RFC 6749
    /// allows (`"` becomes `'`, `\\` becomes `/`, anything else outside it `?`).
    pub fn new(status: StatusCode, code: ErrorCode, description: impl Into<String>) -> Self {
        let description = description
            .into()
            .chars()
            .take(300)
            .map(|c| match c {
                '"' => '\'',
                '\\' => '/',
                ' '..='~' => c,
                _ => '?',
            })
            .collect();
        ApiError {
            status,
            code,
            description,
        }
    }

    /// 400 `invalid_request`.
    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
            description,
        )
    }

    /// 500 `server_error` (the detail goes to the log, not to the client).
    pub fn internal(detail: &str) -> Self {
        tracing::error!(detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Other("server_error".into()),
            "the issuer could not complete the request",
        )
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::Other("not_found".into()),
            format!("{what} not found"),
        )
    }

    /// 503 `temporarily_unavailable`.
    pub fn unavailable(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Other("temporarily_unavailable".into()),
            description,
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The OAuth error code.
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        let fallback = || format!("{{\"error\":\"{}\"}}", self.code.as_str());
        ErrorResponse::new(self.code.clone(), Some(&self.description))
            .and_then(|e| e.to_json())
            .unwrap_or_else(|_| fallback())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<EndpointError> for ApiError {
    /// The OAuth error answer of an endpoint's refusal; a failure of the issuer itself is
    /// logged with its cause and answered without it.
    fn from(err: EndpointError) -> Self {
        let status = match err.refusal() {
            Refusal::BadRequest => StatusCode::BAD_REQUEST,
            Refusal::Unauthorized => StatusCode::UNAUTHORIZED,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::Conflict => StatusCode::CONFLICT,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::Internal => {
                let cause = err.cause().map(|e| e.to_string()).unwrap_or_default();
                tracing::error!(detail = %cause, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        ApiError::new(
            status,
            ErrorCode::from(err.code().code()),
            err.description(),
        )
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError::from(EndpointError::from(err))
    }
}

impl From<crate::IdentifierError> for ApiError {
    fn from(err: crate::IdentifierError) -> Self {
        ApiError::from(Error::from(err))
    }
}

impl From<myna_vc_core::Error> for ApiError {
    fn from(err: myna_vc_core::Error) -> Self {
        ApiError::from(Error::from(err))
    }
}

impl From<myna_escrow::Error> for ApiError {
    fn from(err: myna_escrow::Error) -> Self {
        ApiError::from(Error::from(err))
    }
}

/// The fallback for unknown paths: 404 with an error body.
pub async fn not_found() -> ApiError {
    ApiError::not_found("route")
}

/// The fallback for a known path with another method: 405 with an error body.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::InvalidRequest,
        "method not allowed on this route",
    )
}

/// The middleware every request passes: a deadline, answered 503 with an error body. (The
/// server loop, `myna_edge`, has the same deadline and writes the one log line per request;
/// this one keeps [`Service::router`] bounded when it is served some other way.)
pub async fn edge(request: Request, next: Next, timeout: Duration) -> Response {
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::unavailable("the request timed out").into_response(),
    }
}

/// Whether the `Content-Type` header names `expected` (parameters such as `charset` allowed).
fn has_content_type(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

/// Reads the body of a request of `expected` content type, at most the configured limit.
async fn read_body(
    request: Request,
    service: &Service,
    expected: &str,
) -> Result<Vec<u8>, ApiError> {
    let limit = service.shared().config.limits.max_body_bytes;
    read_body_limited(request, service, expected, limit).await
}

/// Reads the body of a request of `expected` content type, at most `limit` bytes (a body
/// declared larger is refused before it is read).
pub(crate) async fn read_body_limited(
    request: Request,
    _service: &Service,
    expected: &str,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    if !has_content_type(request.headers(), expected) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::InvalidRequest,
            format!("the body must be {expected}"),
        ));
    }
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::InvalidRequest,
            format!("the body exceeds {limit} bytes"),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        drain(request.into_body()).await;
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| too_large())?;
    Ok(bytes.to_vec())
}

/// Oversized bodies up to this size are read and dropped before the 413 is sent: an HTTP/1
/// client still writing its body would otherwise see a reset connection instead of the
/// error. Beyond it the connection is simply closed; the request timeout bounds the time.
pub const DRAIN_LIMIT: usize = 16 << 20;

async fn drain(body: Body) {
    // The bytes are dropped at once; only the connection's state matters.
    let _ = axum::body::to_bytes(body, DRAIN_LIMIT).await;
}

/// A JSON request body (`application/json`), size-limited, not yet parsed.
#[derive(Debug)]
pub struct JsonBody(pub Vec<u8>);

impl FromRequest<Service> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, service: &Service) -> Result<Self, ApiError> {
        read_body(request, service, "application/json")
            .await
            .map(JsonBody)
    }
}

impl JsonBody {
    /// Parses the body as protocol message `M` (guarded parser; malformed is 400).
    pub fn message<M: Message>(&self) -> Result<M, ApiError> {
        M::from_json(&self.0).map_err(|e| ApiError::bad_request(e.to_string()))
    }

    /// Parses the body as a JSON object into `T` through the guarded parser (1 MiB, depth 64).
    /// Every request body is an object: an array is refused here, because serde would
    /// otherwise read `["x"]` as a struct's fields by position.
    pub fn parse<T: serde::de::DeserializeOwned>(&self, what: &'static str) -> Result<T, ApiError> {
        let object = myna_vc_core::json::parse_object(&self.0, what)
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| ApiError::bad_request(format!("{what}: {e}")))
    }
}

/// A form body (`application/x-www-form-urlencoded`), size-limited.
#[derive(Debug)]
pub struct FormBody(pub String);

impl FromRequest<Service> for FormBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, service: &Service) -> Result<Self, ApiError> {
        let bytes = read_body(request, service, "application/x-www-form-urlencoded").await?;
        String::from_utf8(bytes)
            .map(FormBody)
            .map_err(|_| ApiError::bad_request("the form body is not UTF-8"))
    }
}

/// A binary body of a given type (a DER CRL), size-limited by the CRL limit, not the JSON one.
#[derive(Debug)]
pub struct DerBody(pub Vec<u8>);

/// The largest CRL accepted by the admin import: 64 MiB (national CRLs are large).
pub const MAX_CRL_BYTES: usize = 64 << 20;

impl FromRequest<Service> for DerBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _service: &Service) -> Result<Self, ApiError> {
        if !has_content_type(request.headers(), "application/pkix-crl") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::InvalidRequest,
                "the body must be application/pkix-crl",
            ));
        }
        let bytes = axum::body::to_bytes(request.into_body(), MAX_CRL_BYTES)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::InvalidRequest,
                    "the CRL exceeds 64 MiB",
                )
            })?;
        Ok(DerBody(bytes.to_vec()))
    }
}

/// The bearer token of the `Authorization` header; missing or malformed is 401.
#[derive(Debug)]
pub struct Bearer(pub String);

impl FromRequestParts<Service> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _service: &Service) -> Result<Self, ApiError> {
        bearer(&parts.headers).map(Bearer)
    }
}

fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
    let unauthorized =
        |why: &str| ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, why);
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("a bearer token is required"))?
        .to_str()
        .map_err(|_| unauthorized("malformed Authorization header"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| unauthorized("malformed Authorization header"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(unauthorized("the Authorization scheme must be Bearer"));
    }
    Ok(token.trim().to_owned())
}

/// A JSON response with `Cache-Control: no-store` (tokens, offers, credentials).
pub fn json_no_store(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A cacheable published document with a strong `ETag` (quoted base64url SHA-256 of the
/// body) and `Cache-Control: max-age`; `If-None-Match` naming it is answered 304.
///
/// ```
/// use axum::http::{header, HeaderMap, StatusCode};
/// use myna_issuer::service::http::cacheable;
/// let first = cacheable(&HeaderMap::new(), "application/json", "{}", 60);
/// assert_eq!(first.status(), StatusCode::OK);
/// let etag = first.headers()[header::ETAG].clone();
/// let mut headers = HeaderMap::new();
/// headers.insert(header::IF_NONE_MATCH, etag);
/// assert_eq!(cacheable(&headers, "application/json", "{}", 60).status(), StatusCode::NOT_MODIFIED);
/// assert_eq!(cacheable(&headers, "application/json", "{\"a\":1}", 60).status(), StatusCode::OK);
/// ```
pub fn cacheable(
    request_headers: &HeaderMap,
    content_type: &'static str,
    body: &str,
    max_age_secs: u64,
) -> Response {
    let etag = etag(body);
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, body.to_owned()).into_response()
    };
    let headers = response.headers_mut();
    if !matches {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&cache_control(max_age_secs)) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    response
}

/// The strong `ETag` of `body`: its SHA-256, base64url, quoted. A function of the bytes alone,
/// so a static copy of the body (`myna issuer publish`) carries the tag the route gives it.
///
/// ```
/// use myna_issuer::service::http::etag;
/// assert_eq!(etag("abc"), "\"ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0\"");
/// ```
pub fn etag(body: &str) -> String {
    use sha2::{Digest, Sha256};
    format!(
        "\"{}\"",
        myna_vc_core::b64::encode(Sha256::digest(body.as_bytes()))
    )
}

/// The `Cache-Control` value of a published document cached `max_age_secs`.
///
/// ```
/// assert_eq!(myna_issuer::service::http::cache_control(300), "max-age=300");
/// ```
pub fn cache_control(max_age_secs: u64) -> String {
    format!("max-age={max_age_secs}")
}
