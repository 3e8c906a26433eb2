//! What the issuer publishes for verifiers and wallets: its DID document (did:web), its
//! SD-JWT VC issuer metadata (keys), its Token Status Lists and the consent status lists, and
//! the signed trust list.
//!
//! Published documents are cached signed and answered with a strong `ETag` (the body's
//! SHA-256) and `Cache-Control: max-age`; `If-None-Match` with the current tag is 304. A
//! status list is re-signed when its version moved (a revocation) or half its lifetime has
//! passed, so a revocation is visible on the next fetch after the cache age.
//!
//! | route | content type |
//! |---|---|
//! | `GET /.well-known/did.json` | `application/did+json` |
//! | `GET /.well-known/jwt-vc-issuer` | `application/json` |
//! | `GET /status/{list}` | `application/statuslist+jwt` |
//! | `GET /consent-status/{list}` | `application/statuslist+jwt` |
//! | `GET /trust-list` | `application/trust-list+jwt` |

use std::collections::HashMap;
use std::num::NonZeroU64;
use std::sync::Mutex;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use myna_vc_core::did::{Did, DidDocument, VerificationMethod, VerificationRelationship};
use myna_vc_core::jwk::Jwk;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
use serde_json::json;

use super::http::{cacheable, ApiError};
use super::{Service, Shared};
use crate::credential_types::Kind;
use crate::lapse::lapse_due;
use crate::publication::{publish, PublishOptions};

/// Signed documents kept between requests.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    status: Mutex<HashMap<String, Signed>>,
    trust_list: Mutex<Option<Signed>>,
    /// When personal limits were last enforced ([`crate::lapse`]).
    lapsed_at: Mutex<Option<NumericDate>>,
}

/// How often, at most, a status list request runs [`lapse_due`] (a scan of every record).
const LAPSE_INTERVAL_SECS: i64 = 60;

/// One signed document: the list version it reflects and when it was signed.
#[derive(Debug, Clone)]
struct Signed {
    version: u64,
    signed_at: NumericDate,
    token: String,
}

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route("/.well-known/did.json", get(did_document))
        .route("/.well-known/jwt-vc-issuer", get(jwt_vc_issuer))
        .route("/status/{list}", get(status_list))
        .route("/consent-status/{list}", get(consent_status_list))
        .route("/trust-list", get(trust_list))
}

/// The `kid` of the issuer key: its RFC 7638 thumbprint.
pub(crate) fn issuer_kid(shared: &Shared) -> String {
    shared.endpoints.kid()
}

/// `did:web` of the issuer: the host of the public base URL (port `%3A`-encoded), path
/// segments joined with `:`.
/// ```
/// use myna_issuer::service::publication::did_web_of;
/// assert_eq!(did_web_of("https://city.example:8443/issuer").unwrap(),
///            "did:web:city.example%3A8443:issuer");
/// assert!(did_web_of("ftp://x").is_none());
/// ```
pub fn did_web_of(base_url: &str) -> Option<String> {
    let rest = base_url.strip_prefix("https://")?.trim_end_matches('/');
    let mut parts = rest.split('/');
    let host = parts.next().filter(|h| !h.is_empty())?.replace(':', "%3A");
    let mut did = format!("did:web:{host}");
    for segment in parts {
        did.push(':');
        did.push_str(segment);
    }
    Some(did)
}

fn did_json(shared: &Shared) -> Result<String, ApiError> {
    let did = did_web_of(shared.endpoints.issuer_id.as_str())
        .ok_or_else(|| ApiError::internal("the public base URL has no did:web form"))?;
    let did = Did::parse(&did)?;
    let mut document = DidDocument::new(did.clone());
    let id = did.with_fragment(&issuer_kid(shared))?;
    let method = VerificationMethod::json_web_key(id, did, &shared.endpoints.issuer_public);
    document.add_verification_method(method, &[VerificationRelationship::AssertionMethod])?;
    serde_json::to_string(&document).map_err(|e| ApiError::internal(&e.to_string()))
}

async fn did_document(
    State(service): State<Service>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let shared = service.shared();
    let body = did_json(shared)?;
    Ok(cacheable(
        &headers,
        "application/did+json",
        &body,
        shared.config.rules.status_max_age_secs,
    ))
}

async fn jwt_vc_issuer(
    State(service): State<Service>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let shared = service.shared();
    let mut jwk = Jwk::new(shared.endpoints.issuer_public.clone()).to_json();
    if let Some(map) = jwk.as_object_mut() {
        map.insert("kid".into(), json!(issuer_kid(shared)));
    }
    let body =
        json!({"issuer": shared.endpoints.issuer_id.as_str(), "jwks": {"keys": [jwk]}}).to_string();
    Ok(cacheable(
        &headers,
        "application/json",
        &body,
        shared.config.rules.status_max_age_secs,
    ))
}

async fn status_list(
    State(service): State<Service>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let uri = service.shared().endpoints.status_list().clone();
    serve_list(service, &list, uri, headers).await
}

async fn consent_status_list(
    State(service): State<Service>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let uri = service.shared().consent_list.clone();
    serve_list(service, &list, uri, headers).await
}

/// Serves list `list` if it is the one at `uri` (the service keeps one list of each kind).
async fn serve_list(
    service: Service,
    list: &str,
    uri: StatusListUri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !uri.as_str().ends_with(&format!("/{list}")) {
        return Err(ApiError::not_found("status list"));
    }
    let token = service
        .blocking(move |shared| signed_list(shared, &uri))
        .await?;
    let max_age = service.shared().config.rules.status_max_age_secs;
    Ok(cacheable(
        &headers,
        "application/statuslist+jwt",
        &token,
        max_age,
    ))
}

/// Revokes the credentials whose personal limit has passed, at most once a minute, so the
/// list about to be signed never shows them valid for longer than that.
fn lapse_if_due(shared: &Shared, now: NumericDate) -> Result<(), ApiError> {
    let mut last = shared
        .cache
        .lapsed_at
        .lock()
        .map_err(|_| ApiError::internal("lapse lock poisoned"))?;
    if last.is_some_and(|at| now.as_unix() - at.as_unix() < LAPSE_INTERVAL_SECS) {
        return Ok(());
    }
    let lapsed = lapse_due(shared.store(), now)?;
    if lapsed > 0 {
        tracing::info!(lapsed, "credentials past their personal limit revoked");
    }
    *last = Some(now);
    Ok(())
}

/// The cached token of list `uri`, re-signed when the list changed or the token is past
/// half its lifetime.
fn signed_list(shared: &Shared, uri: &StatusListUri) -> Result<String, ApiError> {
    let now = shared.now();
    let rules = &shared.config.rules;
    if uri == shared.endpoints.status_list() {
        lapse_if_due(shared, now)?;
    }
    let version = shared.store_list_version(uri)?;
    let mut cache = shared
        .cache
        .status
        .lock()
        .map_err(|_| ApiError::internal("status cache lock poisoned"))?;
    if let Some(signed) = cache.get(uri.as_str()) {
        if signed.version == version
            && !half_life_passed(signed, now, rules.status_token_lifetime_secs)
        {
            return Ok(signed.token.clone());
        }
    }
    let options = PublishOptions {
        now,
        lifetime_secs: rules.status_token_lifetime_secs,
        ttl_secs: NonZeroU64::new(rules.status_max_age_secs),
        kid: Some(issuer_kid(shared)),
    };
    let published = publish(shared.store(), uri, &*shared.endpoints.signer, &options)?;
    cache.insert(
        uri.as_str().to_owned(),
        Signed {
            version: published.info.version,
            signed_at: now,
            token: published.token.clone(),
        },
    );
    Ok(published.token)
}

fn half_life_passed(signed: &Signed, now: NumericDate, lifetime_secs: u64) -> bool {
    now >= signed.signed_at.plus_seconds(lifetime_secs / 2) || now < signed.signed_at
}

impl Shared {
    fn store_list_version(&self, uri: &StatusListUri) -> Result<u64, ApiError> {
        use crate::store::Store;
        Ok(self.store().status_list_info(uri)?.version)
    }
}

/// The trust list: this issuer (a municipality with its code, or a non-municipal operator),
/// its key and the vcts its configuration offers (plus the anchor); signed by the
/// authority key, version = signing time (monotonic for verifiers that refuse older lists).
fn signed_trust_list(shared: &Shared) -> Result<String, ApiError> {
    let now = shared.now();
    let lifetime = shared.config.rules.status_token_lifetime_secs;
    let mut cache = shared
        .cache
        .trust_list
        .lock()
        .map_err(|_| ApiError::internal("trust list cache lock poisoned"))?;
    if let Some(signed) = cache.as_ref() {
        if !half_life_passed(signed, now, lifetime) {
            return Ok(signed.token.clone());
        }
    }
    let iss = shared.endpoints.issuer_id.as_str();
    let entry = match &shared.endpoints.municipality {
        Some(municipality) => {
            TrustedIssuer::municipality(iss, &shared.config.name, municipality.code())
        }
        None => TrustedIssuer::operator(iss, &shared.config.name),
    };
    let mut entry = entry.with_key(&issuer_kid(shared), shared.endpoints.issuer_public.clone());
    // Exactly what the configuration offers, and the anchor credential of card anchoring.
    let kinds = shared
        .endpoints
        .offered
        .iter()
        .map(|(_, k)| *k)
        .chain([Kind::Anchor]);
    for kind in kinds {
        entry = entry.allowing(Vct::parse(kind.vct())?);
    }
    let version = u64::try_from(now.as_unix()).unwrap_or(0);
    let list = TrustList::new(
        &format!("{}/trust-list", shared.endpoints.issuer_id.as_str()),
        version,
        now,
        now.plus_seconds(lifetime),
    )
    .with_issuer(entry);
    let token = list.sign(&*shared.authority)?;
    *cache = Some(Signed {
        version,
        signed_at: now,
        token: token.clone(),
    });
    Ok(token)
}

async fn trust_list(
    State(service): State<Service>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = service.blocking(signed_trust_list).await?;
    let max_age = service.shared().config.rules.status_max_age_secs;
    Ok(cacheable(
        &headers,
        "application/trust-list+jwt",
        &token,
        max_age,
    ))
}
