//! The HTTP service behind `myna verify serve` (axum): a point-of-sale system or a gate asks
//! for a request for one policy, shows it to the wallet, and receives the wallet's
//! `direct_post` answer with the decision.
//!
//! Routes ([`ROUTES`]; described for clients in `openapi.json`, served at `/openapi.json`):
//!
//! * `GET /health`: liveness and the trust list version;
//! * `GET /openapi.json`: the OpenAPI 3.1 description;
//! * `GET /policies`: the enabled policies and their DCQL queries;
//! * `POST /requests` `{"policy": "<name>"}`: a new single-use request valid for a few
//!   minutes: the OpenID4VP Authorization Request (`openid4vp://` link by value, and a
//!   `request_uri` when the service signs Request Objects), its DCQL query, nonce and state,
//!   and the in-person challenge (`MVC1:…`) for the compact QR form. The cross-device request
//!   asks for `direct_post.jwt` ([`ServiceOptions::response_mode`], HAIP): the answer is
//!   encrypted to a fresh key the service keeps with the open request. With `"dc_api":
//!   {"origin": "https://shop.example"}` (an origin of [`ServiceOptions::allowed_origins`],
//!   else 400 `origin_not_allowed`) the answer also carries `"dc_api": {"protocol", "data"}`,
//!   a Digital Credentials API request ([`crate::dc_api`]) for the counter page at that
//!   origin to pass to `navigator.credentials.get`;
//! * `GET /requests/{request_id}/request-object`: the signed Request Object
//!   (`application/oauth-authz-req+jwt`), when a signing key is configured;
//! * `POST /requests/{request_id}/response`: the wallet's `direct_post.jwt` (form-encoded
//!   `response=<JWE>`, decrypted with the request's key; `vp_token` and `state` in plain form
//!   for a `direct_post` request); answers the decision. A plain answer to an encrypted
//!   request is 400 `response_mode_downgrade` (the request is then used up). A request is
//!   answered once;
//! * `POST /requests/{request_id}/dc-api`: the DigitalCredential (`{"protocol", "data"}`) the
//!   counter page received from the browser; answers the decision;
//! * `GET /requests/{request_id}/decision`: 202 `{"state": "pending"}` until the request is
//!   answered on any route, then 200 with the decision (kept until the request would have
//!   expired): what a counter page polls while the holder answers the QR code;
//! * `POST /requests/{request_id}/compact`: the compact QR texts (`MV1:…`, one per requested
//!   credential, one per line) scanned at the counter for that request;
//! * `GET /gate/challenge` and `POST /gate/{policy}`: an unattended gate's current challenge,
//!   and its compact presentations checked against the gate's 30-second windows;
//! * `POST /roster` and `GET /roster/summary`: the disaster HQ's roster
//!   ([`ServiceOptions::roster`], `myna verify serve --roster FILE --roster-token-file F`).
//!   Shelter desks sync their check-ins (`{"entries": [RosterEntry…]}`, at most
//!   [`MAX_ROSTER_ENTRIES`] per call, a body of at most [`MAX_ROSTER_BODY_BYTES`]); each entry
//!   is [checked](crate::roster::RosterEntry::check) (its `entry_id` must be the one its fields
//!   give) and stored once by id, so a sync sent twice answers `{"stored": 0, "duplicates":
//!   n}` the second time. The summary counts check-ins per shelter and holds no personal data;
//!   nothing of an entry is logged. Both need the roster token (`Authorization: Bearer`),
//!   checked before the body is read; without a roster they answer 404 `no_roster`. A batch
//!   may also carry `check_outs`, `staff_entries` and sealed `questionnaires`
//!   ([`RosterBatch`]); with `--shelters FILE` a registered
//!   operator's token syncs its own shelters only (403 `forbidden_shelter`);
//! * `GET /roster/crowding`: the crowding report (present, capacity, level per shelter; no
//!   personal data), open to anyone.
//!
//! Bodies over [`MAX_BODY_BYTES`] are refused with 413 before any parsing.
//!
//! `POST /requests` stores state for whoever calls it, so it is bounded: each client (the
//! peer's IP address, an IPv6 peer by its /64) holds at most 256 unanswered requests (429
//! `too_many_open_requests` past that, with `Retry-After`), the service at most 20,000 (503
//! `try_again`); see [`crate::pending`]. With a register token ([`ServiceOptions::register_token`],
//! `myna verify serve --register-token-file`), only callers presenting it
//! (`Authorization: Bearer <token>`) may create requests; the token is checked before the body
//! is read. The wallet's routes stay open: they name a request by its unguessable id.
//!
//! The wallet's routes (`GET /requests/{request_id}/request-object`, `POST
//! /requests/{request_id}/response`) answer CORS for any origin
//! ([`myna_edge::cors::wallet_routes`]: `Access-Control-Allow-Origin: *`, preflights for
//! `content-type` and `authorization`), so a wallet web app can answer from its own origin;
//! `*` is safe because the service uses no cookies or other ambient credentials.
//!
//! The counter's routes (`GET /policies`, `POST /requests`, `POST /requests/{request_id}/compact`,
//! `POST /requests/{request_id}/dc-api`, `GET /requests/{request_id}/decision` — the last two
//! need the register token when one is set —, `POST /roster`, `GET /roster/summary`) answer CORS only for the origins the operator named
//! ([`ServiceOptions::allowed_origins`], `myna verify serve --allow-origin`, repeatable): a
//! counter page served from its own origin then calls them with `fetch`, sending
//! `authorization` and `content-type`; any other origin gets no `Access-Control-Allow-Origin`
//! ([`myna_edge::cors::exact_origins`]). Without an allowed origin, and on every other route,
//! there is no CORS header at all.
//!
//! Every error answer is JSON, `{"error": "<code>", "error_description": "<text>"}`.
//!
//! Decisions are made on the blocking pool, never on the reactor: verifying checks
//! signatures, and a policy may write to its ledger (a redb commit, a PostgreSQL round trip).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::rejection::{JsonRejection, PathRejection, StringRejection};
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use myna_vc_core::b64;
use myna_vc_core::crypto::{fill_random, Signer};
use myna_vc_core::jwe::EncryptionKey;
use myna_vc_core::jws::JwsHeader;
use myna_vc_core::oid4vp::{AuthorizationRequest, ClientId};
use myna_vc_core::time::NumericDate;

use crate::dc_api::{DcApiOptions, DcApiSession};
use crate::decision::{Decision, Reason, Rejection};
use crate::pending::{ClientKey, Closed, OpenRequestLimits, OpenRequests, Refusal};
use crate::policy::query::dcql_query;
use crate::policy::Policy;
use crate::register_token::RegisterToken;
use crate::roster::{DisasterHq, RedbHq, RosterBatch};
use crate::submission::{submission_from_compact, Challenge};
use crate::transport::{
    authorization_request, encrypted_authorization_request, in_person_challenge_for,
    submission_from_direct_post, submission_from_direct_post_jwt, Gate,
};
use crate::verifier::Verifier;

/// An exact web origin allowed to call the counter's routes from a browser.
pub use myna_edge::cors::Origin;
/// The server loop's limits ([`serve`] runs on `myna_edge`).
pub use myna_edge::EdgeConfig;

/// The OpenAPI description, kept next to the code (a test checks it lists exactly [`ROUTES`]).
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route as (method, path template), as in the OpenAPI description.
pub const ROUTES: [(&str, &str); 14] = [
    ("get", "/health"),
    ("get", "/openapi.json"),
    ("get", "/policies"),
    ("post", "/requests"),
    ("get", "/requests/{request_id}/request-object"),
    ("post", "/requests/{request_id}/response"),
    ("post", "/requests/{request_id}/compact"),
    ("post", "/requests/{request_id}/dc-api"),
    ("get", "/requests/{request_id}/decision"),
    ("get", "/gate/challenge"),
    ("post", "/gate/{policy}"),
    ("post", "/roster"),
    ("get", "/roster/summary"),
    ("get", "/roster/crowding"),
];

/// The most roster entries one `POST /roster` may carry (a desk syncs in batches).
pub const MAX_ROSTER_ENTRIES: usize = crate::roster::batch::MAX_BATCH_RECORDS;

/// The largest `POST /roster` body: 1000 entries of well under 1 KiB each.
pub const MAX_ROSTER_BODY_BYTES: usize = myna_vc_core::json::MAX_INPUT_BYTES;

/// The largest request body accepted: a 1 MiB `vp_token`, form-encoded, plus room.
pub const MAX_BODY_BYTES: usize = 4 * (1 << 20);

/// How long a created request can be answered, in seconds.
pub const REQUEST_TTL_SECS: u64 = 300;

/// The most unanswered requests held at once by default (see [`OpenRequestLimits`]).
pub const MAX_PENDING: usize = crate::pending::MAX_OPEN_TOTAL;

/// An open request: what its answer is checked against.
struct Pending {
    policy: Arc<dyn Policy>,
    request: AuthorizationRequest,
    /// The key a `direct_post.jwt` answer is encrypted to (`None`: plain `direct_post`).
    key: Option<EncryptionKey>,
    in_person: Challenge,
    /// The Digital Credentials API session, when the counter page asked for one.
    dc_api: Option<DcApiSession>,
    /// Who created it, and until when it can be answered (its decision is kept as long).
    client: ClientKey,
    expires_at: NumericDate,
}

/// How a wallet answers a cross-device request (the `openid4vp://` link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CrossDeviceMode {
    /// `direct_post.jwt`: the answer encrypted (ECDH-ES, A128GCM) to a fresh key of each
    /// request, as HAIP requires; a plain answer is refused (`response_mode_downgrade`).
    #[default]
    DirectPostJwt,
    /// `direct_post`: the answer in plain form (for wallets that cannot encrypt yet).
    DirectPost,
}

impl CrossDeviceMode {
    /// The `response_mode` value.
    ///
    /// ```
    /// use myna_verifier::service::CrossDeviceMode;
    /// assert_eq!(CrossDeviceMode::default().as_str(), "direct_post.jwt");
    /// assert_eq!(CrossDeviceMode::parse("direct_post"), Some(CrossDeviceMode::DirectPost));
    /// assert_eq!(CrossDeviceMode::parse("fragment"), None);
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            CrossDeviceMode::DirectPostJwt => "direct_post.jwt",
            CrossDeviceMode::DirectPost => "direct_post",
        }
    }

    /// The mode named `text` (`direct_post.jwt` or `direct_post`).
    ///
    /// ```
    /// use myna_verifier::service::CrossDeviceMode;
    /// assert_eq!(CrossDeviceMode::parse("direct_post.jwt"), Some(CrossDeviceMode::DirectPostJwt));
    /// assert_eq!(CrossDeviceMode::parse("dc_api.jwt"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "direct_post.jwt" => Some(CrossDeviceMode::DirectPostJwt),
            "direct_post" => Some(CrossDeviceMode::DirectPost),
            _ => None,
        }
    }
}

/// Signs Request Objects: the key and the header naming it (`kid` or `x5c`).
pub struct RequestSigner {
    /// The verifier's signing key.
    pub signer: Box<dyn Signer>,
    /// The header naming it.
    pub header: JwsHeader,
}

/// What the service is built from besides the verifier and the policies.
#[derive(Default)]
pub struct ServiceOptions {
    /// The public base URL (e.g. `https://shop.example`) the wallet posts to; response and
    /// request URIs are made absolute with it.
    pub public_url: String,
    /// Signs Request Objects (served at `request_uri`); without it requests go by value only.
    pub request_signer: Option<RequestSigner>,
    /// The unattended gate served at `/gate/…`, if any.
    pub gate: Option<Gate>,
    /// When set, `POST /requests` needs `Authorization: Bearer <token>` (401 otherwise); the
    /// wallet's routes stay open. Behind a proxy every caller has the proxy's address, so the
    /// per-client limit cannot tell shops apart: set a token there.
    pub register_token: Option<RegisterToken>,
    /// How many unanswered requests one client and the whole service may hold.
    pub limits: OpenRequestLimits,
    /// The web origins (a counter page's) whose browser calls to the counter's routes get
    /// CORS answers; empty: no CORS on them.
    pub allowed_origins: Vec<Origin>,
    /// The disaster HQ's roster served at `/roster`, if any.
    pub roster: Option<RosterService>,
    /// How wallets answer cross-device requests (default `direct_post.jwt`).
    pub response_mode: CrossDeviceMode,
}

/// The disaster HQ's roster behind `POST /roster` and `GET /roster/summary`.
#[derive(Debug)]
pub struct RosterService {
    /// Where the roster is kept.
    pub hq: RedbHq,
    /// The secret shelter desks and the HQ's staff present (`Authorization: Bearer`); the
    /// same kind of secret as the register token.
    pub token: RegisterToken,
    /// The shelters and their non-municipal operators (`myna verify serve --shelters FILE`):
    /// an operator's token syncs its own shelters only; capacities feed `/roster/crowding`.
    pub registry: Option<crate::operator::ShelterRegistry>,
}

/// What the service shares between requests.
pub struct ServiceState {
    verifier: Arc<Verifier>,
    policies: Vec<Arc<dyn Policy>>,
    options: ServiceOptions,
    client_id: ClientId,
    pending: Mutex<OpenRequests<Pending>>,
    /// The decisions on answered requests, for `GET /requests/{id}/decision` until the
    /// request would have expired (`None` while the decision is being made).
    answered: Mutex<OpenRequests<Option<Value>>>,
}

impl ServiceState {
    /// A service verifying with `verifier` for `policies`; the verifier's audience must be a
    /// valid OpenID4VP client identifier (`x509_san_dns:…`, `redirect_uri:…`, …).
    pub fn new(
        verifier: Arc<Verifier>,
        policies: Vec<Arc<dyn Policy>>,
        options: ServiceOptions,
    ) -> myna_vc_core::Result<Arc<Self>> {
        let client_id = ClientId::parse(&verifier.config().audience)?;
        let pending = Mutex::new(OpenRequests::new(options.limits));
        let answered = Mutex::new(OpenRequests::new(options.limits));
        Ok(Arc::new(ServiceState {
            verifier,
            policies,
            options,
            client_id,
            pending,
            answered,
        }))
    }

    fn policy(&self, name: &str) -> Option<Arc<dyn Policy>> {
        self.policies.iter().find(|p| p.name() == name).cloned()
    }

    /// The open requests. Every critical section is short and panic-free (no verification
    /// happens under the lock), so a poisoned lock still holds consistent indexes.
    fn lock(&self) -> std::sync::MutexGuard<'_, OpenRequests<Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The decisions kept for polling (short, panic-free critical sections, as [`Self::lock`]).
    fn answers(&self) -> std::sync::MutexGuard<'_, OpenRequests<Option<Value>>> {
        self.answered.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The router with every route, the body limit and the shared state. Unknown routes (404),
/// other methods (405), bodies over [`MAX_BODY_BYTES`] (413) and requests axum's extractors
/// refuse (400, 415, 422) are answered in the JSON error shape, like every other error.
pub fn router(state: Arc<ServiceState>) -> Router {
    // The wallet's two routes answer CORS (a wallet web app on its own origin fetches the
    // Request Object and posts its answer); their 405 is set before the layer so that a
    // preflight reaches it. Nothing else gets CORS: not `POST /requests`, whose caller is the
    // point-of-sale system, not the resident's browser.
    let wallet = Router::new()
        .route("/requests/{request_id}/request-object", get(request_object))
        .route("/requests/{request_id}/response", post(receive_response))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(myna_edge::cors::wallet_routes());
    // The counter's routes answer CORS only for the origins the operator allowed (a counter
    // page calls them from the browser, with its register or roster token).
    let counter = Router::new()
        .route("/policies", get(policies))
        .route("/requests", post(create_request))
        .route("/requests/{request_id}/compact", post(receive_compact))
        .route("/requests/{request_id}/dc-api", post(receive_dc_api))
        .route("/requests/{request_id}/decision", get(poll_decision))
        .route(
            "/roster",
            post(roster_submit).layer(DefaultBodyLimit::max(MAX_ROSTER_BODY_BYTES)),
        )
        .route("/roster/summary", get(roster_summary))
        .route("/roster/crowding", get(roster_crowding))
        .method_not_allowed_fallback(method_not_allowed);
    let counter = match state.options.allowed_origins.as_slice() {
        [] => counter,
        origins => counter.layer(myna_edge::cors::exact_origins(
            origins,
            [header::AUTHORIZATION, header::CONTENT_TYPE],
        )),
    };
    Router::new()
        .merge(wallet)
        .merge(counter)
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/gate/challenge", get(gate_challenge))
        .route("/gate/{policy}", post(gate_presentation))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(axum::middleware::map_response(json_rejections))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` completes, on the hardened server
/// loop ([`myna_edge::serve`]: connection caps, header, body and idle timeouts, rate limits,
/// a bound on the body bytes held at once, request ids, a log line per request); after
/// `config.shutdown_grace_secs` the connections still open are dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ServiceState>,
    config: EdgeConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    myna_edge::serve(listener, router(state), config, shutdown).await
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route; see /openapi.json",
    )
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take this method; see /openapi.json",
    )
}

/// An error answer that is not JSON yet — axum's extractor rejections (a path, a body that is
/// not UTF-8 or not the JSON expected, a wrong content type) and the body limit's 413, which
/// answer plain text — in the JSON error shape. Their own texts are not passed on: they may
/// quote what the client sent.
async fn json_rejections(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, description) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "invalid_request",
            "the request body is not of the content type this route takes",
        ),
        StatusCode::NOT_FOUND => ("not_found", "no such route; see /openapi.json"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this route does not take this method; see /openapi.json",
        ),
        s if s.is_server_error() => ("server_error", "the verifier could not answer"),
        _ => (
            "invalid_request",
            "the request could not be read (its path, body or content type)",
        ),
    };
    let mut answer = error(status, code, description);
    for name in [header::ALLOW, header::CONNECTION, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": code, "error_description": description})),
    )
        .into_response()
}

/// A JSON error telling the client when to try again.
fn error_retry_after(
    status: StatusCode,
    code: &str,
    description: &str,
    retry_after_secs: u64,
) -> Response {
    let mut response = error(status, code, description);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// 401 with `WWW-Authenticate: Bearer` (RFC 6750).
fn unauthorized(description: &str) -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, "invalid_token", description);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// A caller allowed to create requests: anyone when no register token is configured, else one
/// presenting it. An extractor from the request's headers: axum runs it before the body
/// extractor, so a caller without the token is refused (401) before its body is read.
struct Registrar;

impl FromRequestParts<Arc<ServiceState>> for Registrar {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<ServiceState>,
    ) -> Result<Self, Response> {
        let Some(token) = state.options.register_token.as_ref() else {
            return Ok(Registrar);
        };
        let presented = bearer(
            &parts.headers,
            "the counter's routes need Authorization: Bearer <register token>",
        )
        .map_err(unauthorized)?;
        if !token.matches(presented) {
            return Err(unauthorized("unknown register token"));
        }
        Ok(Registrar)
    }
}

/// The roster, for a caller presenting its token: the HQ's roster token, or a registered
/// operator's. An extractor from the request's headers: a service without a roster answers 404
/// and a caller without a token it knows 401, both before the body is read.
enum RosterCaller {
    /// The HQ (or a municipal desk): any shelter.
    Hq,
    /// A non-municipal operator: its own shelters only.
    Operator(crate::operator::Operator),
}

impl FromRequestParts<Arc<ServiceState>> for RosterCaller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<ServiceState>,
    ) -> Result<Self, Response> {
        let Some(roster) = state.options.roster.as_ref() else {
            return Err(no_roster());
        };
        let presented = bearer(
            &parts.headers,
            "the roster needs Authorization: Bearer <roster token>",
        )
        .map_err(unauthorized)?;
        if roster.token.matches(presented) {
            return Ok(RosterCaller::Hq);
        }
        let operator = roster
            .registry
            .as_ref()
            .and_then(|r| r.operator_with_token(presented));
        match operator {
            Some(operator) => Ok(RosterCaller::Operator(operator.clone())),
            None => Err(unauthorized("unknown roster token")),
        }
    }
}

/// 404 for a service without a roster.
fn no_roster() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "no_roster",
        "this service keeps no roster (myna verify serve --roster)",
    )
}

/// The bearer token of the `Authorization` header, or why there is none (`missing` when
/// there is no header).
fn bearer<'h>(
    headers: &'h axum::http::HeaderMap,
    missing: &'static str,
) -> Result<&'h str, &'static str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(missing)?
        .to_str()
        .map_err(|_| "malformed Authorization header")?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or("malformed Authorization header")?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err("the Authorization scheme must be Bearer, with the token");
    }
    Ok(token)
}

/// The client a request counts against: its peer, as the server loop recorded it
/// (`ConnectInfo`). Requests without one (an embedding that records no peer) share one
/// client's quota, so the limits hold either way.
struct Peer(ClientKey);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Self, std::convert::Infallible> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Peer(
            peer.map_or(ClientKey::Unknown, |ConnectInfo(addr)| {
                ClientKey::from(*addr)
            }),
        ))
    }
}

/// The answer to a body that could not be read: too large (413) or cut short (400).
fn body_unreadable(status: StatusCode) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return error(
            status,
            "invalid_request",
            &format!("the body exceeds {MAX_BODY_BYTES} bytes"),
        );
    }
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "the body could not be read",
    )
}

/// The answer to a `POST /requests` body that is not `{"policy": "<name>"}`, saying what is
/// wrong with it.
fn create_body_rejected(rejection: JsonRejection) -> Response {
    const EXPECTED: &str = "expected {\"policy\": \"<name>\"}";
    match rejection {
        JsonRejection::MissingJsonContentType(_) => error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            &format!("the body must be application/json, {EXPECTED}"),
        ),
        JsonRejection::JsonSyntaxError(e) => error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("{EXPECTED}: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("{EXPECTED}: {}", e.body_text()),
        ),
        other => body_unreadable(other.status()),
    }
}

/// The answer to a text body that could not be read or is not UTF-8.
fn text_body_rejected(rejection: StringRejection) -> Response {
    match rejection {
        StringRejection::InvalidUtf8(_) => error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body is not UTF-8 text",
        ),
        other => body_unreadable(other.status()),
    }
}

/// The answer to a path parameter that could not be decoded (not UTF-8 once
/// percent-decoded).
fn path_rejected(rejection: PathRejection) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &format!("malformed path ({})", rejection.status()),
    )
}

/// The answer to a request the open-request limits refused.
fn refused(refusal: Refusal) -> Response {
    match refusal {
        Refusal::ClientFull {
            limit,
            retry_after_secs,
        } => error_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_open_requests",
            &format!(
                "this client holds {limit} unanswered requests; answer them or wait until one \
                 expires"
            ),
            retry_after_secs,
        ),
        Refusal::StoreFull {
            limit,
            retry_after_secs,
        } => error_retry_after(
            StatusCode::SERVICE_UNAVAILABLE,
            "try_again",
            &format!("the verifier holds its limit of {limit} open requests; try again shortly"),
            retry_after_secs,
        ),
        Refusal::DuplicateId => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "try_again",
            "request id collision; try again",
        ),
    }
}

async fn health(State(state): State<Arc<ServiceState>>) -> Json<Value> {
    let pending = state.lock().len();
    Json(json!({
        "status": "ok",
        "trust_list_version": state.verifier.trust().version(),
        "policies": state.policies.len(),
        "pending_requests": pending,
    }))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn policies(State(state): State<Arc<ServiceState>>) -> Json<Value> {
    let list: Vec<Value> = state
        .policies
        .iter()
        .map(|p| json!({"name": p.name(), "dcql_query": dcql_query(p.requirements())}))
        .collect();
    Json(json!({ "policies": list }))
}

#[derive(Debug, Deserialize)]
struct CreateRequest {
    policy: String,
    /// A Digital Credentials API request too, for the counter page at this origin.
    dc_api: Option<DcApiAsk>,
}

#[derive(Debug, Deserialize)]
struct DcApiAsk {
    origin: String,
}

/// The `POST /requests` body, or a JSON error saying what is wrong with it.
struct CreateBody(CreateRequest);

impl<S: Send + Sync> FromRequest<S> for CreateBody {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        match Json::<CreateRequest>::from_request(request, state).await {
            Ok(Json(body)) => Ok(CreateBody(body)),
            Err(rejection) => Err(create_body_rejected(rejection)),
        }
    }
}

/// A path parameter, or a JSON 400 when it cannot be decoded.
struct Param(String);

impl<S: Send + Sync> FromRequestParts<S> for Param {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(param)) => Ok(Param(param)),
            Err(rejection) => Err(path_rejected(rejection)),
        }
    }
}

/// A UTF-8 text body (a wallet's answer, QR texts), or a JSON 400/413 when it cannot be read.
struct Text(String);

impl<S: Send + Sync> FromRequest<S> for Text {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        match String::from_request(request, state).await {
            Ok(text) => Ok(Text(text)),
            Err(rejection) => Err(text_body_rejected(rejection)),
        }
    }
}

fn random_token() -> Option<String> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes).ok()?;
    Some(b64::encode(bytes))
}

/// `POST /requests`: the register token (if any) is checked first, from the headers; then the
/// client's and the service's limits, before the work of building the request.
async fn create_request(
    _registrar: Registrar,
    Peer(client): Peer,
    State(state): State<Arc<ServiceState>>,
    CreateBody(body): CreateBody,
) -> Response {
    let Some(policy) = state.policy(&body.policy) else {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_policy",
            "no such policy; see GET /policies",
        );
    };
    let dc_origin = match body
        .dc_api
        .as_ref()
        .map(|ask| dc_api_origin(&state, &ask.origin))
    {
        Some(Some(origin)) => Some(origin),
        Some(None) => return origin_not_allowed(),
        None => None,
    };
    let now = state.verifier.now();
    let admitted = state.lock().admit(client, now);
    if let Err(refusal) = admitted {
        return refused(refusal);
    }
    let Some(id) = random_token() else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "try_again",
            "random source unavailable",
        );
    };
    let base = state.options.public_url.trim_end_matches('/');
    let response_uri = format!("{base}/requests/{id}/response");
    let (request, key) = match cross_device_request(&state, policy.as_ref(), &response_uri) {
        Ok(pair) => pair,
        Err(e) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &e.to_string(),
            )
        }
    };
    let (shown, in_person) =
        match in_person_challenge_for(state.client_id.as_str(), policy.as_ref()) {
            Ok(pair) => pair,
            Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, "try_again", &e.to_string()),
        };
    let dc_api = match dc_origin {
        Some(origin) => {
            match DcApiSession::start(policy.as_ref(), origin, &DcApiOptions::default(), now) {
                Ok((shown, session)) => Some((shown, session)),
                Err(e) => {
                    return error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "server_error",
                        &e.to_string(),
                    )
                }
            }
        }
        None => None,
    };
    let Ok(by_value) = request.to_url() else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "request URL",
        );
    };
    let request_uri = state
        .options
        .request_signer
        .as_ref()
        .map(|_| format!("{base}/requests/{id}/request-object"));
    let expires_at = now.plus_seconds(REQUEST_TTL_SECS);
    let mut body = json!({
        "request_id": id,
        "policy": policy.name(),
        "client_id": state.client_id.as_str(),
        "nonce": request.nonce.as_str(),
        "state": request.state.as_ref().map(|s| s.as_str()),
        "response_type": "vp_token",
        "response_mode": state.options.response_mode.as_str(),
        "response_uri": response_uri,
        "authorization_request": by_value,
        "request_uri": request_uri,
        "dcql_query": dcql_query(policy.requirements()),
        "in_person_challenge": shown.to_string(),
        "expires_at": expires_at.as_unix(),
    });
    let (dc_shown, dc_session) = match dc_api {
        Some((shown, session)) => (Some(shown), Some(session)),
        None => (None, None),
    };
    if let (Some(shown), Value::Object(map)) = (dc_shown, &mut body) {
        map.insert("dc_api".into(), shown);
    }
    let pending = Pending {
        policy,
        request,
        key,
        in_person,
        dc_api: dc_session,
        client,
        expires_at,
    };
    // Checked again as it is stored: other requests may have come in meanwhile.
    let stored = state.lock().insert(id, client, pending, expires_at, now);
    if let Err(refusal) = stored {
        return refused(refusal);
    }
    (StatusCode::CREATED, Json(body)).into_response()
}

/// The cross-device request in the service's response mode, with the key of an encrypted one.
fn cross_device_request(
    state: &ServiceState,
    policy: &dyn Policy,
    response_uri: &str,
) -> myna_vc_core::Result<(AuthorizationRequest, Option<EncryptionKey>)> {
    let client_id = state.client_id.clone();
    match state.options.response_mode {
        CrossDeviceMode::DirectPostJwt => {
            let (request, key) = encrypted_authorization_request(policy, client_id, response_uri)?;
            Ok((request, Some(key)))
        }
        CrossDeviceMode::DirectPost => Ok((
            authorization_request(policy, client_id, response_uri)?,
            None,
        )),
    }
}

/// The origin a counter page asks a DC API request for, if it is one of the allowed origins
/// (`--allow-origin`), exactly.
fn dc_api_origin(state: &ServiceState, asked: &str) -> Option<myna_vc_core::oid4vp::Origin> {
    state
        .options
        .allowed_origins
        .iter()
        .any(|origin| origin.as_str() == asked)
        .then(|| myna_vc_core::oid4vp::Origin::parse(asked).ok())
        .flatten()
}

/// 400 `origin_not_allowed`.
fn origin_not_allowed() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "origin_not_allowed",
        "dc_api.origin must be exactly one of the origins this service allows \
         (myna verify serve --allow-origin)",
    )
}

async fn request_object(
    State(state): State<Arc<ServiceState>>,
    Param(request_id): Param,
) -> Response {
    let Some(signer) = state.options.request_signer.as_ref() else {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            "this service does not sign request objects",
        );
    };
    let now = state.verifier.now();
    let request = state
        .lock()
        .get(&request_id, now)
        .map(|p| p.request.clone());
    let Some(request) = request else {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_request",
            "no open request with this id",
        );
    };
    match request.sign(signer.header.clone(), &*signer.signer, now) {
        Ok(jwt) => (
            [(header::CONTENT_TYPE, "application/oauth-authz-req+jwt")],
            jwt,
        )
            .into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &e.to_string(),
        ),
    }
}

/// The answer to a response for a request that is not open.
fn closed_response(closed: Closed) -> Response {
    match closed {
        Closed::Unknown => error(
            StatusCode::NOT_FOUND,
            "unknown_request",
            "no open request with this id",
        ),
        Closed::Expired => error(
            StatusCode::GONE,
            "expired_request",
            "the request expired; create a new one",
        ),
    }
}

/// Takes the open request out (it is answered at most once, even by a bad answer), freeing
/// its client's slot.
fn take_pending(state: &ServiceState, request_id: &str) -> Result<Pending, Closed> {
    let now = state.verifier.now();
    state.lock().take(request_id, now)
}

async fn receive_response(
    State(state): State<Arc<ServiceState>>,
    Param(request_id): Param,
    Text(body): Text,
) -> Response {
    let pending = match take_pending(&state, &request_id) {
        Ok(pending) => pending,
        Err(closed) => return closed_response(closed),
    };
    let record = Answered::new(&state, request_id, &pending);
    let decision = off_the_reactor(move || {
        let policy = pending.policy.as_ref();
        let read = match &pending.key {
            Some(key) => submission_from_direct_post_jwt(&body, key),
            None => submission_from_direct_post(&body),
        };
        match read {
            Ok((submission, echoed)) if echoed == pending.request.state => {
                let challenge = Challenge::single_use(pending.request.nonce.as_str());
                state.verifier.verify(policy, &submission, &challenge)
            }
            Ok(_) => state.verifier.reject(
                policy,
                Rejection::noted(Reason::NotBoundToRequest, "state does not match"),
            ),
            Err(e) => state.verifier.reject(policy, Rejection::from_error(e)),
        }
    })
    .await;
    let decision = match decision {
        Ok(decision) => record.keep(decision),
        Err(response) => return response,
    };
    // A plain answer to an encrypted request is a broken (or tampered) client, not a holder's
    // presentation: 400, with the decision for the record.
    if decision.get("reason").and_then(Value::as_str) == Some(Reason::ResponseModeDowngrade.code())
    {
        let answer = json!({
            "error": Reason::ResponseModeDowngrade.code(),
            "error_description": "this request takes its answer encrypted (direct_post.jwt, \
                `response=<JWE>`); a plain vp_token is refused",
            "decision": decision,
        });
        return (StatusCode::BAD_REQUEST, Json(answer)).into_response();
    }
    Json(decision).into_response()
}

/// Where the decision on an answered request is kept for `GET /requests/{id}/decision`: marked
/// as being decided when the request is taken, then the decision. The decision is kept until
/// the request would have expired; when the store is full it is not kept (the poll then
/// answers 404) — the deciding route's own answer carries it anyway.
struct Answered {
    state: Arc<ServiceState>,
    id: String,
    client: ClientKey,
    expires_at: NumericDate,
}

impl Answered {
    fn new(state: &Arc<ServiceState>, id: String, pending: &Pending) -> Self {
        let now = state.verifier.now();
        let _ = state
            .answers()
            .insert(id.clone(), pending.client, None, pending.expires_at, now);
        Answered {
            state: Arc::clone(state),
            id,
            client: pending.client,
            expires_at: pending.expires_at,
        }
    }

    /// Keeps `decision`'s JSON for polling, and answers it.
    fn keep(self, decision: Decision) -> Value {
        let json = decision.to_json();
        let now = self.state.verifier.now();
        let mut answers = self.state.answers();
        let _ = answers.take(&self.id, now);
        let _ = answers.insert(
            self.id,
            self.client,
            Some(json.clone()),
            self.expires_at,
            now,
        );
        json
    }
}

/// `POST /requests/{id}/dc-api` (counter route): the DigitalCredential the counter page got
/// from `navigator.credentials.get` (`{"protocol", "data"}`, or the bare `data`), decided with
/// the request's DC API session. A request created without `dc_api` is refused (400
/// `not_a_dc_api_request`) and stays open.
async fn receive_dc_api(
    _registrar: Registrar,
    State(state): State<Arc<ServiceState>>,
    Param(request_id): Param,
    Text(body): Text,
) -> Response {
    let now = state.verifier.now();
    let is_dc_api = state
        .lock()
        .get(&request_id, now)
        .map(|pending| pending.dc_api.is_some());
    if is_dc_api == Some(false) {
        return error(
            StatusCode::BAD_REQUEST,
            "not_a_dc_api_request",
            "this request was created without dc_api; answer it on its other routes",
        );
    }
    let mut pending = match take_pending(&state, &request_id) {
        Ok(pending) => pending,
        Err(closed) => return closed_response(closed),
    };
    let record = Answered::new(&state, request_id, &pending);
    let Some(session) = pending.dc_api.take() else {
        return error(
            StatusCode::BAD_REQUEST,
            "not_a_dc_api_request",
            "this request was created without dc_api",
        );
    };
    let decision = off_the_reactor(move || {
        let policy = pending.policy.as_ref();
        match myna_vc_core::json::parse(body.as_bytes(), "DigitalCredential") {
            Ok(response) => session.decide(&state.verifier, policy, &response),
            Err(e) => state.verifier.reject(policy, Rejection::from_error(e)),
        }
    })
    .await;
    match decision {
        Ok(decision) => Json(record.keep(decision)).into_response(),
        Err(response) => response,
    }
}

/// `GET /requests/{id}/decision` (counter route): 200 with the decision once the request was
/// answered (on any route), 202 `{"state": "pending"}` before — what a counter page polls
/// while the wallet answers the QR code; 404 for an unknown or expired request.
async fn poll_decision(
    _registrar: Registrar,
    State(state): State<Arc<ServiceState>>,
    Param(request_id): Param,
) -> Response {
    let now = state.verifier.now();
    let kept = state.answers().get(&request_id, now).cloned();
    match kept {
        Some(Some(decision)) => return Json(decision).into_response(),
        Some(None) => return pending_answer(),
        None => {}
    }
    if state.lock().get(&request_id, now).is_some() {
        return pending_answer();
    }
    error(
        StatusCode::NOT_FOUND,
        "unknown_request",
        "no open or recently answered request with this id",
    )
}

fn pending_answer() -> Response {
    (StatusCode::ACCEPTED, Json(json!({"state": "pending"}))).into_response()
}

/// Runs `work` on the blocking pool, off the reactor: verifying checks signatures, and a
/// policy may record in its ledger — a redb commit, or a PostgreSQL round trip whose client
/// blocks on a runtime of its own (which cannot run on a thread that drives the service's).
async fn off_the_reactor<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(work).await.map_err(|_| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the decision could not be made",
        )
    })
}

async fn receive_compact(
    State(state): State<Arc<ServiceState>>,
    Param(request_id): Param,
    Text(body): Text,
) -> Response {
    let pending = match take_pending(&state, &request_id) {
        Ok(pending) => pending,
        Err(closed) => return closed_response(closed),
    };
    let record = Answered::new(&state, request_id, &pending);
    let decision = off_the_reactor(move || {
        let policy = pending.policy.as_ref();
        match submission_from_compact(policy, &body) {
            Ok(submission) => state
                .verifier
                .verify(policy, &submission, &pending.in_person),
            Err(e) => state.verifier.reject(policy, Rejection::from_error(e)),
        }
    })
    .await;
    match decision {
        Ok(decision) => Json(record.keep(decision)).into_response(),
        Err(response) => response,
    }
}

async fn gate_challenge(State(state): State<Arc<ServiceState>>) -> Response {
    let Some(gate) = state.options.gate.as_ref() else {
        return no_gate();
    };
    match gate.challenge(state.verifier.now()) {
        Ok(shown) => Json(json!({"challenge": shown.to_string(), "gate": gate.id().as_str()}))
            .into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &e.to_string(),
        ),
    }
}

async fn gate_presentation(
    State(state): State<Arc<ServiceState>>,
    Param(policy): Param,
    Text(body): Text,
) -> Response {
    if state.options.gate.is_none() {
        return no_gate();
    }
    let Some(policy) = state.policy(&policy) else {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_policy",
            "no such policy; see GET /policies",
        );
    };
    let verified = off_the_reactor(move || {
        let gate = state.options.gate.as_ref()?;
        Some(gate.verify(&state.verifier, policy.as_ref(), &body))
    })
    .await;
    match verified {
        Ok(Some(decision)) => Json(decision.to_json()).into_response(),
        Ok(None) => no_gate(),
        Err(response) => response,
    }
}

fn no_gate() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "no_gate",
        "this service runs no gate",
    )
}

/// The `POST /roster` body: `{"entries": [RosterEntry…], "check_outs"?, "staff_entries"?,
/// "questionnaires"?}` in JSON, read as bytes and parsed by
/// [`RosterBatch::from_json`](crate::roster::RosterBatch::from_json) (vc-core's size- and
/// depth-limited parser). Errors name members and positions, never values (entries carry names
/// and dates of birth).
struct RosterBody(RosterBatch);

impl<S: Send + Sync> FromRequest<S> for RosterBody {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_request",
                "the body must be application/json, {\"entries\": [...]}",
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "invalid_request",
                    &format!(
                        "the body exceeds {MAX_ROSTER_BODY_BYTES} bytes; send fewer entries per request"
                    ),
                ),
                status => body_unreadable(status),
            })?;
        RosterBatch::from_json(&bytes)
            .map(RosterBody)
            .map_err(|bad| error(StatusCode::BAD_REQUEST, bad.code, &bad.description))
    }
}

/// `POST /roster`: the token first (from the headers), then the body; an operator may name
/// only its own shelters (403 `forbidden_shelter`, nothing stored); stored by id.
async fn roster_submit(
    caller: RosterCaller,
    State(state): State<Arc<ServiceState>>,
    RosterBody(batch): RosterBody,
) -> Response {
    let Some(roster) = state.options.roster.as_ref() else {
        return no_roster();
    };
    if let RosterCaller::Operator(operator) = &caller {
        if let Some(other) = operator.foreign_shelter(&batch) {
            return error(
                StatusCode::FORBIDDEN,
                "forbidden_shelter",
                &format!(
                    "operator {} does not run shelter {other}; it syncs its own shelters only",
                    operator.id
                ),
            );
        }
    }
    match roster.hq.submit_batch(&batch) {
        Ok(report) => Json(report).into_response(),
        // The storage error says nothing of the entries.
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, "try_again", &e.to_string()),
    }
}

/// `GET /roster/summary`: check-ins per shelter, counts only; the HQ's token only.
async fn roster_summary(caller: RosterCaller, State(state): State<Arc<ServiceState>>) -> Response {
    let Some(roster) = state.options.roster.as_ref() else {
        return no_roster();
    };
    if let RosterCaller::Operator(_) = caller {
        return error(
            StatusCode::FORBIDDEN,
            "forbidden_shelter",
            "the summary of every shelter needs the HQ's roster token",
        );
    }
    match roster.hq.summary() {
        Ok(shelters) => Json(json!({ "shelters": shelters })).into_response(),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, "try_again", &e.to_string()),
    }
}

/// `GET /roster/crowding`: the published crowding report (present, capacity, level per
/// shelter; counts only), open to anyone.
async fn roster_crowding(State(state): State<Arc<ServiceState>>) -> Response {
    let Some(roster) = state.options.roster.as_ref() else {
        return no_roster();
    };
    match roster
        .hq
        .crowding(roster.registry.as_ref(), state.verifier.now())
    {
        Ok(report) => Json(report).into_response(),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, "try_again", &e.to_string()),
    }
}
