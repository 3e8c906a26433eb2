//! What the issuer publishes for verifiers and wallets: its DID document (did:web), its
//! SD-JWT VC issuer metadata (keys), its Token Status Lists and the consent status lists, the
//! signed trust list, and its own trust-list entry signed with the issuer key, which the
//! national trust-list authority collects ([`signed_trust_entry`]).
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
//! | `GET /trust-entry` | `application/trust-entry+jwt` |

use std::collections::HashMap;
use std::num::NonZeroU64;
use std::sync::Mutex;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use myna_vc_core::crypto::{PublicKey, Signer};
use myna_vc_core::did::{Did, DidDocument, VerificationMethod, VerificationRelationship};
use myna_vc_core::jwk::Jwk;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
use serde_json::json;

use super::config::ServiceConfig;
use super::http::{cacheable, ApiError};
use super::{Service, ServiceError, Shared};
use crate::credential_types::Kind;
use crate::lapse::lapse_due;
use crate::publication::{publish, PublishOptions};

/// Signed documents kept between requests.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    status: Mutex<HashMap<String, Signed>>,
    trust_list: Mutex<Option<Signed>>,
    /// The issuer's own signed trust-list entry: signed once, on the first request (it
    /// changes only with the keys or the configuration, which a restart brings).
    trust_entry: Mutex<Option<String>>,
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
        .route("/trust-entry", get(trust_entry_route))
}

/// The `kid` of the issuer key: its RFC 7638 thumbprint ([`kid_of`]).
pub(crate) fn issuer_kid(shared: &Shared) -> String {
    kid_of(&shared.endpoints.issuer_public)
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

/// The `kid` under which the service publishes `issuer_key` (did.json, jwt-vc-issuer, its
/// trust-list entry, the `kid` of what it signs): the key's RFC 7638 thumbprint.
///
/// ```
/// use myna_issuer::service::publication::kid_of;
/// use myna_vc_core::crypto::SecretKey;
/// let key = SecretKey::generate_p256()?.public_key();
/// assert_eq!(kid_of(&key), key.thumbprint().to_string());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn kid_of(issuer_key: &PublicKey) -> String {
    issuer_key.thumbprint().to_string()
}

/// The issuer key as a public JWK with the `kid` the service publishes and its `alg`: what
/// `myna issuer keys` writes for wallets and shops to pin.
///
/// ```
/// use myna_issuer::service::publication::{issuer_jwk, kid_of};
/// use myna_vc_core::crypto::SecretKey;
/// let key = SecretKey::generate_p256()?.public_key();
/// let jwk = issuer_jwk(&key).to_json();
/// assert_eq!((jwk["kid"].as_str(), jwk["alg"].as_str()), (Some(kid_of(&key).as_str()), Some("ES256")));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn issuer_jwk(issuer_key: &PublicKey) -> Jwk {
    let mut jwk = Jwk::new(issuer_key.clone());
    jwk.kid = Some(kid_of(issuer_key));
    jwk.alg = Some(issuer_key.allowed_algorithm());
    jwk
}

/// This issuer's entry in a trust list, from its configuration and issuer key: a municipality
/// with its code (or a non-municipal operator), the key under [`kid_of`], and the vcts the
/// configuration offers plus the anchor credential of card anchoring. The service's own
/// `/trust-list`, its `/trust-entry` and `myna issuer trust-entry` all describe it so.
///
/// ```
/// use myna_issuer::service::{config::ServiceConfig, publication::trust_entry};
/// use myna_vc_core::crypto::SecretKey;
/// use myna_vc_core::sdjwt_vc::Vct;
/// let key = SecretKey::generate_p256()?.public_key();
/// let config = ServiceConfig::new("102016", "前橋市", "https://vc.city.maebashi.example");
/// let entry = trust_entry(&config, &key)?;
/// assert_eq!(entry.municipality.map(|c| c.to_string()).as_deref(), Some("102016"));
/// assert!(entry.allows(&Vct::parse("urn:myna-vc:vct:age:1")?));
/// assert_eq!(entry.key(None)?, &key);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn trust_entry(
    config: &ServiceConfig,
    issuer_key: &PublicKey,
) -> Result<TrustedIssuer, ServiceError> {
    let issuer_id = config.issuer_id()?;
    let iss = issuer_id.as_str();
    let entry = match config.municipality()? {
        Some(municipality) => TrustedIssuer::municipality(iss, &config.name, municipality.code()),
        None => TrustedIssuer::operator(iss, &config.name),
    };
    let mut entry = entry.with_key(&kid_of(issuer_key), issuer_key.clone());
    // Exactly what the configuration offers, and the anchor credential of card anchoring.
    let kinds = config
        .offered()?
        .into_iter()
        .map(|(_, k)| k)
        .chain([Kind::Anchor]);
    for kind in kinds {
        entry = entry.allowing(Vct::parse(kind.vct()).map_err(crate::Error::from)?);
    }
    Ok(entry)
}

/// [`trust_entry`] signed with the issuer key itself (`typ` `myna-trust-entry+jwt`, see
/// [`myna_vc_core::trust_entry`]): what the issuer hands the national trust-list authority.
///
/// ```
/// use myna_issuer::service::{config::ServiceConfig, publication::signed_trust_entry};
/// use myna_vc_core::crypto::{default_provider, SecretKey};
/// use myna_vc_core::{time::NumericDate, trust_entry};
/// let key = SecretKey::generate_p256()?;
/// let config = ServiceConfig::new("102016", "前橋市", "https://vc.city.maebashi.example");
/// let now = NumericDate::from_unix(1_800_000_000);
/// let token = signed_trust_entry(&config, &*default_provider().signer(&key)?, now)?;
/// let verified = trust_entry::verify(&token, default_provider(), now)?;
/// assert_eq!(verified.entry().id, "https://vc.city.maebashi.example");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn signed_trust_entry(
    config: &ServiceConfig,
    issuer: &dyn Signer,
    now: NumericDate,
) -> Result<String, ServiceError> {
    let entry = trust_entry(config, &issuer.public_key())?;
    myna_vc_core::trust_entry::sign(&entry, issuer, now)
        .map_err(|e| ServiceError::Issuer(crate::Error::from(e)))
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
    let entry = trust_entry(&shared.config, &shared.endpoints.issuer_public)
        .map_err(|e| ApiError::internal(&e.to_string()))?;
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

/// The signed trust entry, signed on the first call and then answered from the cache: a
/// request must not cost a signature each time.
fn cached_trust_entry(shared: &Shared) -> Result<String, ApiError> {
    let mut cache = shared
        .cache
        .trust_entry
        .lock()
        .map_err(|_| ApiError::internal("trust entry cache lock poisoned"))?;
    if let Some(token) = cache.as_ref() {
        return Ok(token.clone());
    }
    let token = signed_trust_entry(&shared.config, &*shared.endpoints.signer, shared.now())
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    *cache = Some(token.clone());
    Ok(token)
}

/// This issuer's own trust-list entry, signed with its issuer key, for the national authority.
async fn trust_entry_route(
    State(service): State<Service>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = service.blocking(cached_trust_entry).await?;
    let max_age = service.shared().config.rules.status_max_age_secs;
    Ok(cacheable(
        &headers,
        "application/trust-entry+jwt",
        &token,
        max_age,
    ))
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
