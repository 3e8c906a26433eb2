//! The HTTP service behind `myna verify serve` (axum): a point-of-sale system or a gate asks
//! for a request for one policy, shows it to the wallet, and receives the wallet's
//! `direct_post` answer with the decision.
//!
//! Routes ([`ROUTES`]; described for clients in `openapi.json`, served at `/openapi.json`):
//!
//! * `GET /health`: liveness and the trust list version;
//! * `GET /openapi.json`: the OpenAPI 3.1 description;
//! * `GET /policies`: the enabled policies and their DCQL queries;
//! * `POST /requests` `{"policy": "<name>"}`: a new single-use request (nonce, DCQL query,
//!   response URI) valid for a few minutes;
//! * `POST /requests/{request_id}/response`: the wallet's `direct_post`
//!   (`application/x-www-form-urlencoded`, `vp_token` = the JSON `vp_token`); answers the
//!   decision. A request is answered once.
//!
//! Bodies over [`MAX_BODY_BYTES`] are refused with 413 before any parsing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use myna_vc_core::b64;
use myna_vc_core::crypto::fill_random;
use myna_vc_core::time::NumericDate;

use crate::policy::query::dcql_query;
use crate::policy::Policy;
use crate::submission::Challenge;
use crate::verifier::Verifier;

/// The OpenAPI description, kept next to the code (a test checks it lists exactly [`ROUTES`]).
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route as (method, path template), as in the OpenAPI description.
pub const ROUTES: [(&str, &str); 5] = [
    ("get", "/health"),
    ("get", "/openapi.json"),
    ("get", "/policies"),
    ("post", "/requests"),
    ("post", "/requests/{request_id}/response"),
];

/// The largest request body accepted: a 1 MiB `vp_token`, form-encoded, plus room.
pub const MAX_BODY_BYTES: usize = 4 * (1 << 20);

/// How long a created request can be answered, in seconds.
pub const REQUEST_TTL_SECS: u64 = 300;

/// The most unanswered requests held at once (older ones are dropped first when expired).
pub const MAX_PENDING: usize = 100_000;

struct Pending {
    policy: Arc<dyn Policy>,
    nonce: String,
    expires_at: NumericDate,
}

/// What the service shares between requests.
pub struct ServiceState {
    verifier: Arc<Verifier>,
    policies: Vec<Arc<dyn Policy>>,
    pending: Mutex<HashMap<String, Pending>>,
}

impl ServiceState {
    /// A service verifying with `verifier` for `policies`.
    pub fn new(verifier: Arc<Verifier>, policies: Vec<Arc<dyn Policy>>) -> Arc<Self> {
        Arc::new(ServiceState {
            verifier,
            policies,
            pending: Mutex::new(HashMap::new()),
        })
    }

    fn policy(&self, name: &str) -> Option<Arc<dyn Policy>> {
        self.policies.iter().find(|p| p.name() == name).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The router with every route, the body limit and the shared state.
pub fn router(state: Arc<ServiceState>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/policies", get(policies))
        .route("/requests", post(create_request))
        .route("/requests/{request_id}/response", post(receive_response))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until the process stops.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ServiceState>,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": code, "error_description": description})),
    )
        .into_response()
}

async fn health(State(state): State<Arc<ServiceState>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "trust_list_version": state.verifier.trust().version(),
        "policies": state.policies.len(),
        "pending_requests": state.lock().len(),
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
}

fn random_token() -> Option<String> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes).ok()?;
    Some(b64::encode(bytes))
}

async fn create_request(
    State(state): State<Arc<ServiceState>>,
    body: Result<Json<CreateRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected {\"policy\": \"<name>\"}",
        );
    };
    let Some(policy) = state.policy(&body.policy) else {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_policy",
            "no such policy; see GET /policies",
        );
    };
    let (Some(id), Some(nonce)) = (random_token(), random_token()) else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "try_again",
            "random source unavailable",
        );
    };
    let now = state.verifier.now();
    let expires_at = now.plus_seconds(REQUEST_TTL_SECS);
    let mut pending = state.lock();
    pending.retain(|_, p| p.expires_at > now);
    if pending.len() >= MAX_PENDING {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "try_again",
            "too many open requests",
        );
    }
    let body = json!({
        "request_id": id,
        "policy": policy.name(),
        "client_id": state.verifier.config().audience,
        "nonce": nonce,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": format!("/requests/{id}/response"),
        "dcql_query": dcql_query(policy.requirements()),
        "expires_at": expires_at.as_unix(),
    });
    pending.insert(
        id,
        Pending {
            policy,
            nonce,
            expires_at,
        },
    );
    (StatusCode::CREATED, Json(body)).into_response()
}

#[derive(Debug, Deserialize)]
struct DirectPost {
    vp_token: String,
}

async fn receive_response(
    State(state): State<Arc<ServiceState>>,
    Path(request_id): Path<String>,
    form: Result<Form<DirectPost>, axum::extract::rejection::FormRejection>,
) -> Response {
    // Taken out before anything else: a request is answered at most once, even a bad answer.
    let Some(pending) = state.lock().remove(&request_id) else {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_request",
            "no open request with this id",
        );
    };
    if pending.expires_at <= state.verifier.now() {
        return error(
            StatusCode::GONE,
            "expired_request",
            "the request expired; create a new one",
        );
    }
    let Ok(Form(form)) = form else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected a form with vp_token",
        );
    };
    let challenge = Challenge::single_use(&pending.nonce);
    let decision = state.verifier.verify_bytes(
        pending.policy.as_ref(),
        form.vp_token.as_bytes(),
        &challenge,
    );
    Json(decision.to_json()).into_response()
}
