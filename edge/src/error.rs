//! The one JSON error shape both services answer with:
//! `{"error": "<code>", "error_description": "<text>"}`, `content-type: application/json`,
//! `cache-control: no-store` ([`JsonError`]), and the answers the edge itself makes when it
//! refuses a request ([`Refusal`]).

use std::borrow::Cow;

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;

use crate::request_id::RequestId;

/// An error answer in the one JSON shape.
///
/// ```
/// use axum::http::StatusCode;
/// use axum::response::IntoResponse;
/// use myna_edge::JsonError;
/// let error = JsonError::new(StatusCode::NOT_FOUND, "not_found", "no such route");
/// assert_eq!(error.body(), r#"{"error":"not_found","error_description":"no such route"}"#);
/// let response = error.into_response();
/// assert_eq!(response.status(), 404);
/// assert_eq!(response.headers()["content-type"], "application/json");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    status: StatusCode,
    code: Cow<'static, str>,
    description: Cow<'static, str>,
    retry_after_secs: Option<u64>,
    close: bool,
}

impl JsonError {
    /// An answer with this status, error code and description (shown to the client: never
    /// personal data, a body, a token or a query string).
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        JsonError {
            status,
            code: code.into(),
            description: description.into(),
            retry_after_secs: None,
            close: false,
        }
    }

    /// Adds `Retry-After: <secs>` (at least 1).
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs.max(1));
        self
    }

    /// Adds `Connection: close`: the connection ends after this answer.
    pub fn closing(mut self) -> Self {
        self.close = true;
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        serde_json::json!({"error": self.code, "error_description": self.description}).to_string()
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> axum::response::Response {
        let mut response = Response::new(Body::from(self.body()));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.close {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// Why the edge answered a request itself, before or instead of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 503 `too_many_connections`: the connection caps (the answer of a refused connection).
    TooManyConnections,
    /// 429 `rate_limited`: this client's rate, or everyone's, is spent for now.
    RateLimited {
        /// Seconds until a request would be let in.
        retry_after_secs: u64,
    },
    /// 431 `headers_too_large`: the head is longer, or has more fields, than allowed.
    HeadersTooLarge,
    /// 413 `too_large`: the declared body is larger than all the body memory there is.
    TooLarge,
    /// 503 `busy`: the body does not fit in the memory for bodies left free now.
    Busy,
    /// 408 `request_timeout`: the body stopped arriving.
    BodyTimeout,
    /// 503 `temporarily_unavailable`: the request took longer than the request timeout.
    RequestTimeout,
}

impl Refusal {
    /// The error code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::TooManyConnections => "too_many_connections",
            Refusal::RateLimited { .. } => "rate_limited",
            Refusal::HeadersTooLarge => "headers_too_large",
            Refusal::TooLarge => "too_large",
            Refusal::Busy => "busy",
            Refusal::BodyTimeout => "request_timeout",
            Refusal::RequestTimeout => "temporarily_unavailable",
        }
    }

    /// The answer.
    ///
    /// ```
    /// use myna_edge::Refusal;
    /// let answer = Refusal::RateLimited { retry_after_secs: 3 }.answer();
    /// assert_eq!(answer.status(), 429);
    /// assert!(answer.body().contains("\"rate_limited\""));
    /// ```
    pub fn answer(self) -> JsonError {
        let (status, description) = match self {
            Refusal::TooManyConnections => (
                StatusCode::SERVICE_UNAVAILABLE,
                "too many connections; try again shortly",
            ),
            Refusal::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests; slow down and retry after the time given",
            ),
            Refusal::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "the request head is too large or has too many header fields",
            ),
            Refusal::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is larger than this service ever accepts",
            ),
            Refusal::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the service is busy receiving other requests; try again shortly",
            ),
            Refusal::BodyTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "the request body stopped arriving",
            ),
            Refusal::RequestTimeout => (StatusCode::SERVICE_UNAVAILABLE, "the request timed out"),
        };
        let answer = JsonError::new(status, self.code(), description);
        match self {
            Refusal::RateLimited { retry_after_secs } => answer.retry_after(retry_after_secs),
            Refusal::Busy | Refusal::TooManyConnections => answer.retry_after(1),
            Refusal::BodyTimeout | Refusal::HeadersTooLarge | Refusal::TooLarge => answer.closing(),
            Refusal::RequestTimeout => answer,
        }
    }

    /// The whole HTTP/1.1 answer as bytes, for a connection refused before any HTTP is
    /// spoken on it.
    pub(crate) fn raw_http1(self, id: RequestId) -> Vec<u8> {
        let answer = self.answer();
        let body = answer.body();
        let reason = answer.status.canonical_reason().unwrap_or("Error");
        format!(
            "HTTP/1.1 {} {reason}\r\ncontent-type: application/json\r\n\
             cache-control: no-store\r\nretry-after: 1\r\nconnection: close\r\n\
             {}: {id}\r\ncontent-length: {}\r\n\r\n{body}",
            answer.status.as_u16(),
            crate::request_id::HEADER,
            body.len()
        )
        .into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_escaped_json() {
        let error = JsonError::new(StatusCode::BAD_REQUEST, "invalid_request", "a \"quote\"");
        let parsed: serde_json::Value = serde_json::from_str(&error.body()).unwrap();
        assert_eq!(parsed["error_description"], "a \"quote\"");
    }

    #[test]
    fn the_raw_refusal_is_one_complete_http_answer() {
        let id = crate::RequestIds::new().next();
        let raw = String::from_utf8(Refusal::TooManyConnections.raw_http1(id)).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(head.contains(&format!("x-request-id: {id}")));
        let parsed: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(parsed["error"], "too_many_connections");
    }
}
