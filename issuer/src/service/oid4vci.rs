//! OpenID4VCI 1.0 over HTTP, pre-authorized code flow, with card anchoring in front.
//!
//! | route | what |
//! |---|---|
//! | `GET /.well-known/openid-credential-issuer` | issuer metadata, one configuration per credential type |
//! | `POST /anchor/challenge` | a single-use anchoring challenge (stateless: nothing is written) |
//! | `POST /anchor` | the card-signed [`AnchorRequest`] (+ optional signature-certificate facts JWS) → the anchor credential and a credential offer |
//! | `POST /token` | form-encoded pre-authorized code (+ `tx_code`) → access token |
//! | `POST /nonce` | a fresh `c_nonce` (stateless: nothing is written) |
//! | `POST /credential` | `jwt` key proofs (batch: one credential per distinct key) → credentials (an unknown or expired access token is 401 before the body is read) |
//! | `POST /pseudonym-offers` | `{"context": …}` for a configured context → an offer of the caller's pseudonym there (redeemed with `anchor_presentation`) |
//! | `POST /refresh-offers` | `{"credential": "age"}` → an offer of a fresh age batch (redeemed with `refresh_presentation`, see [`super::refresh`]) |
//!
//! Every route parses the HTTP request into the typed request of the
//! [`endpoint`](crate::endpoint) layer, runs the endpoint on the blocking pool and answers its
//! response as JSON, or its refusal as an OAuth error body.
//!
//! The anchoring request body (JSON): `nonce`, `holder_proof`, `card_jws` as in
//! [`AnchorRequest`], and optionally `facts_jws`: a JWS by the card's *signature* key (typ
//! [`FACTS_TYP`]) over `{"nonce", "holder_jkt"}`. With it, the certified name, address and
//! birth date are offered as a `resident` (address in the municipality only) and an `age`
//! credential; the signature certificate must belong to the anchored person (J-LIS linking).
//! The wallet may redeem that offer with fresh keys, or with one proof by the anchored key
//! (so that, e.g., the age credential shares the key of a fan-club membership and pseudonym
//! a sale asks for together).
//!
//! A holder key belongs to one person here: a credential request whose key is already bound
//! to a credential of another subject, or was anchored by another person, is
//! `credential_request_denied` (see `specs/holder-binding.md`).
//!
//! Nothing a client may ask for without proving anything writes a row: `c_nonce`s and
//! anchoring challenges carry their expiry under the issuer's MAC ([`crate::challenge`]), and
//! self-service offers and their tokens carry their entitlement
//! ([`crate::endpoint::self_service`]). The c_nonce is the replay guard of key proofs: it is
//! redeemed (kept, used, until it expires) only after every proof of the request, the access
//! token and any presentation verified, so a replayed proof meets a used nonce
//! (`invalid_nonce`); an anchoring challenge is redeemed once the card's signature verified.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use myna_vc_core::oid4vci::{CredentialRequest, ErrorCode, Message, TokenRequest};
use serde::Serialize;

pub use crate::endpoint::anchoring::FACTS_TYP;
use crate::endpoint::anchoring::{AnchorChallenge, AnchorRequest};
pub use crate::endpoint::credential::ANCHOR_PRESENTATION;
use crate::endpoint::pseudonym_offer::PseudonymOfferRequest;
use crate::endpoint::refresh::RefreshOfferRequest;

use super::http::{json_no_store, ApiError, Bearer, FormBody, JsonBody};
use super::Service;

/// The routes a wallet calls (layered with CORS for a wallet web app, see
/// [`Service::router`]).
pub(crate) fn wallet_routes() -> Router<Service> {
    Router::new()
        .route("/.well-known/openid-credential-issuer", get(metadata))
        .route("/token", post(token))
        .route("/nonce", post(nonce))
        .route("/credential", post(credential))
        .route("/pseudonym-offers", post(pseudonym_offer))
        .route("/refresh-offers", post(refresh_offer))
}

/// Card anchoring: the `myna` CLI with a card reader calls these, never a web page (no CORS).
pub(crate) fn card_routes() -> Router<Service> {
    Router::new()
        .route("/anchor/challenge", post(anchor_challenge))
        .route("/anchor", post(anchor))
}

/// Serializes an answer or answers 500.
pub(crate) fn to_json(value: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::internal(&e.to_string()))
}

/// Serializes a protocol message or answers 500.
pub(crate) fn message_json<M: Message>(message: &M) -> Result<String, ApiError> {
    message
        .to_json()
        .map_err(|e| ApiError::internal(&e.to_string()))
}

async fn metadata(
    State(service): State<Service>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let body = message_json(&service.shared().endpoints.metadata())?;
    let max_age = service.shared().config.rules.status_max_age_secs;
    Ok(super::http::cacheable(
        &headers,
        "application/json",
        &body,
        max_age,
    ))
}

/// `POST /pseudonym-offers`: `201` and the offer.
async fn pseudonym_offer(
    State(service): State<Service>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: PseudonymOfferRequest = body.parse("pseudonym offer request")?;
    let offer = service
        .endpoint(move |endpoints, now| endpoints.pseudonym_offer(&request, now))
        .await?;
    Ok(json_no_store(StatusCode::CREATED, to_json(&offer)?))
}

/// `POST /refresh-offers`: `201` and the offer.
async fn refresh_offer(
    State(service): State<Service>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: RefreshOfferRequest = body.parse("refresh offer request")?;
    let offer = service
        .endpoint(move |endpoints, now| endpoints.refresh_offer(&request, now))
        .await?;
    Ok(json_no_store(StatusCode::CREATED, to_json(&offer)?))
}

/// `{"nonce", "expires_at"}`.
#[derive(Debug, Serialize)]
struct ChallengeBody {
    nonce: String,
    expires_at: i64,
}

impl From<AnchorChallenge> for ChallengeBody {
    fn from(challenge: AnchorChallenge) -> Self {
        ChallengeBody {
            nonce: challenge.nonce,
            expires_at: challenge.expires_at.as_unix(),
        }
    }
}

async fn anchor_challenge(State(service): State<Service>) -> Result<Response, ApiError> {
    let challenge = service
        .endpoint(|endpoints, now| endpoints.anchor_challenge(now))
        .await?;
    Ok(json_no_store(
        StatusCode::OK,
        to_json(&ChallengeBody::from(challenge))?,
    ))
}

async fn anchor(State(service): State<Service>, body: JsonBody) -> Result<Response, ApiError> {
    let request: AnchorRequest = body.parse("anchoring request")?;
    let answer = service
        .endpoint(move |endpoints, now| endpoints.anchor(&request, now))
        .await?;
    Ok(json_no_store(StatusCode::OK, to_json(&answer)?))
}

/// Parses a token request body (form-encoded); a grant type other than the pre-authorized
/// code is `unsupported_grant_type`.
fn parse_token_request(form: &str) -> Result<TokenRequest, ApiError> {
    TokenRequest::from_form(form).map_err(|e| match e {
        myna_vc_core::Error::Oid4vci(myna_vc_core::Oid4vciError::UnsupportedGrantType(_)) => {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::UnsupportedGrantType,
                e.to_string(),
            )
        }
        other => ApiError::bad_request(other.to_string()),
    })
}

async fn token(State(service): State<Service>, form: FormBody) -> Result<Response, ApiError> {
    let request = parse_token_request(&form.0)?;
    let response = service
        .endpoint(move |endpoints, now| endpoints.token(&request, now))
        .await?;
    Ok(json_no_store(StatusCode::OK, message_json(&response)?))
}

async fn nonce(State(service): State<Service>) -> Result<Response, ApiError> {
    let response = service
        .endpoint(|endpoints, now| endpoints.nonce(now))
        .await?;
    Ok(json_no_store(StatusCode::OK, message_json(&response)?))
}

/// The bearer of a valid access token ([`Endpoints::check_access_token`]). An extractor from
/// the request's headers: axum runs it before the body extractor, so a request with an
/// unknown or expired token is refused (401) before its body is read.
///
/// [`Endpoints::check_access_token`]: crate::endpoint::Endpoints::check_access_token
struct AccessToken(String);

impl FromRequestParts<Service> for AccessToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, ApiError> {
        let Bearer(token) = Bearer::from_request_parts(parts, service).await?;
        let checked = token.clone();
        service
            .endpoint(move |endpoints, now| endpoints.check_access_token(&checked, now))
            .await?;
        Ok(AccessToken(token))
    }
}

async fn credential(
    State(service): State<Service>,
    AccessToken(token): AccessToken,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: CredentialRequest = body.message()?;
    let response = service
        .endpoint(move |endpoints, now| endpoints.credential(&token, &request, now))
        .await?;
    Ok(json_no_store(StatusCode::OK, message_json(&response)?))
}
