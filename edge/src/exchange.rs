//! One request through the edge, from its parsed head to its answer:
//!
//! 1. a request id, and a tracing span carrying it (inside the connection's span, which
//!    carries the client address), so every line logged while it is served names both;
//! 2. the head's size and field count (431), the client's and everyone's rate (429), a
//!    declared body against the body budget (413, 503 `busy`) — each refusal answered by the
//!    edge in the JSON shape and logged at most once per period;
//! 3. the body wrapped to take from the budget and to time out between frames; the peer
//!    address ([`ConnectInfo`]) and the [`RequestId`] put in the request's extensions;
//! 4. the service, within the request timeout (503);
//! 5. if the body failed on the edge's account (budget spent, timed out), the edge's answer
//!    replaces the service's; `x-request-id` on every answer; one log line (method, path with
//!    long segments cut, status, milliseconds — never a query, a header value or a body);
//! 6. the answer's body keeps the request's hold on the budget, and the connection's note
//!    that a request is open, until it has been sent.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, HeaderName, Request, Response};
use axum::response::IntoResponse;
use axum::Router;
use http_body::{Frame, SizeHint};
use tower::ServiceExt;
use tracing::Instrument;

use crate::activity::{Activity, OpenRequest};
use crate::budget::{BodyAccount, BodyOutcome, Budget, MeteredBody};
use crate::client::ClientKey;
use crate::config::EdgeConfig;
use crate::error::Refusal;
use crate::header_limits;
use crate::log_throttle::{LogThrottle, Noise, PERIOD};
use crate::rate::RateLimits;
use crate::request_id::{RequestId, RequestIds, HEADER};

/// What every connection of one server shares.
pub(crate) struct Shared {
    pub(crate) config: EdgeConfig,
    pub(crate) app: Router,
    pub(crate) rate: RateLimits,
    pub(crate) budget: Budget,
    pub(crate) ids: RequestIds,
    pub(crate) throttle: LogThrottle,
}

impl Shared {
    pub(crate) fn new(app: Router, config: EdgeConfig) -> Self {
        Shared {
            rate: RateLimits::new(&config),
            budget: Budget::new(config.max_buffered_bytes),
            ids: RequestIds::new(),
            throttle: LogThrottle::new(PERIOD),
            app,
            config,
        }
    }

    /// Logs `what` unless a line of its kind was written within the period.
    pub(crate) fn note(&self, noise: Noise, what: &'static str) {
        if let Some(suppressed) = self.throttle.admit(noise, Instant::now()) {
            tracing::warn!(suppressed, "{what}");
        }
    }

    /// The edge's answer for `refusal`, logged (throttled).
    fn refuse(&self, refusal: Refusal, noise: Noise) -> axum::response::Response {
        if let Some(suppressed) = self.throttle.admit(noise, Instant::now()) {
            tracing::warn!(
                status = refusal.answer().status().as_u16(),
                error = refusal.code(),
                suppressed,
                "request refused by the edge"
            );
        }
        refusal.answer().into_response()
    }
}

/// An answer as hyper sends it.
pub(crate) type Answer = Response<HeldBody>;

/// Serves one request of the connection `activity` belongs to (see the module docs).
pub(crate) async fn exchange<B>(
    shared: Arc<Shared>,
    peer: SocketAddr,
    activity: Arc<Activity>,
    request: Request<B>,
) -> Result<Answer, Infallible>
where
    B: http_body::Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let (open, handler) = activity.request_started();
    let id = shared.ids.next();
    let span = tracing::info_span!("request", request_id = %id);
    let (mut response, account) = serve_one(&shared, peer, id, request).instrument(span).await;
    drop(handler);
    response.headers_mut().insert(HEADER, id.header_value());
    Ok(response.map(|inner| HeldBody {
        inner,
        _account: account,
        _open: open,
    }))
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

async fn serve_one<B>(
    shared: &Shared,
    peer: SocketAddr,
    id: RequestId,
    request: Request<B>,
) -> (axum::response::Response, Option<Arc<BodyAccount>>)
where
    B: http_body::Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let config = &shared.config;
    let (mut parts, incoming) = request.into_parts();
    if !header_limits::within(&parts, config.max_header_bytes, config.max_headers) {
        return (
            shared.refuse(Refusal::HeadersTooLarge, Noise::HeadersTooLarge),
            None,
        );
    }
    if let Err(limited) = shared.rate.check(ClientKey::of(peer.ip())) {
        let refusal = Refusal::RateLimited {
            retry_after_secs: limited.retry_after_secs(),
        };
        return (shared.refuse(refusal, Noise::RateLimited), None);
    }
    if let Err(refusal) = shared
        .budget
        .admit_declared(declared_length(&parts.headers))
    {
        return (shared.refuse(refusal, Noise::BodyRefused), None);
    }
    let account = Arc::new(BodyAccount::default());
    let body = Body::new(MeteredBody::new(
        incoming,
        shared.budget.clone(),
        Arc::clone(&account),
        config.body_read_timeout(),
    ));
    parts.extensions.insert(ConnectInfo(peer));
    parts.extensions.insert(id);
    parts
        .headers
        .insert(HeaderName::from_static(HEADER), id.header_value());
    let method = parts.method.clone();
    let path = loggable_path(parts.uri.path());
    let started = Instant::now();
    let call = shared.app.clone().oneshot(Request::from_parts(parts, body));
    let response = match tokio::time::timeout(config.request_timeout(), call).await {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(_) => shared.refuse(Refusal::RequestTimeout, Noise::RequestTimeout),
    };
    let response = match account.outcome() {
        BodyOutcome::Fine => response,
        BodyOutcome::Exhausted => shared.refuse(Refusal::Busy, Noise::BodyRefused),
        BodyOutcome::TimedOut => shared.refuse(Refusal::BodyTimeout, Noise::BodyTimeout),
    };
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    tracing::info!(
        %method,
        %path,
        status = response.status().as_u16(),
        millis,
        "request"
    );
    (response, Some(account))
}

/// The path with long segments (random ids) cut to 8 characters: ids are not personal, but
/// logs need not keep them whole.
fn loggable_path(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.chars().count() {
            0..=24 => segment.to_owned(),
            _ => format!("{}…", segment.chars().take(8).collect::<String>()),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// An answer's body, holding until it is dropped (sent, or the connection gone) the
/// request's share of the body budget and its connection's note of an open request.
pub(crate) struct HeldBody {
    inner: Body,
    _account: Option<Arc<BodyAccount>>,
    _open: OpenRequest,
}

impl http_body::Body for HeldBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_path_segments_are_cut() {
        assert_eq!(
            loggable_path("/requests/abcdefghijklmnopqrstuvwxyz/response"),
            "/requests/abcdefgh…/response"
        );
        assert_eq!(loggable_path("/nonce"), "/nonce");
    }

    #[test]
    fn a_declared_length_is_read_only_when_it_is_a_number() {
        let mut headers = HeaderMap::new();
        assert_eq!(declared_length(&headers), None);
        headers.insert(header::CONTENT_LENGTH, "1234".parse().unwrap());
        assert_eq!(declared_length(&headers), Some(1234));
        headers.insert(header::CONTENT_LENGTH, "x".parse().unwrap());
        assert_eq!(declared_length(&headers), None);
    }
}
