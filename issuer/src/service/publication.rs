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
//!
//! Each is a [`Document`]: the routes and the static files of
//! [`static_publication`](super::static_publication) (`myna issuer publish`) take its body,
//! content type and cache age from the same functions, so a CDN serves what the service would.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use myna_vc_core::crypto::{default_provider, PublicKey, Signer};
use myna_vc_core::did::{Did, DidDocument, VerificationMethod, VerificationRelationship};
use myna_vc_core::jwk::Jwk;
use myna_vc_core::jws::Jws;
use myna_vc_core::jwt::date_claim;
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
use crate::publication::{publish, Published};

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

/// The path of the DID document.
const DID_PATH: &str = "/.well-known/did.json";
/// The path of the SD-JWT VC issuer metadata.
const JWT_VC_ISSUER_PATH: &str = "/.well-known/jwt-vc-issuer";
/// The path of the signed trust list.
const TRUST_LIST_PATH: &str = "/trust-list";
/// The path of the issuer's own signed trust-list entry.
const TRUST_ENTRY_PATH: &str = "/trust-entry";

/// What the service publishes, one document per route (see the [module](self) table).
///
/// ```
/// use myna_issuer::service::publication::Document;
/// assert_eq!(Document::StatusList.content_type(), "application/statuslist+jwt");
/// assert_eq!(Document::ALL.len(), 6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// `/.well-known/did.json`: the `did:web` document with the issuer key.
    DidDocument,
    /// `/.well-known/jwt-vc-issuer`: the SD-JWT VC issuer metadata (the issuer key as JWKS).
    IssuerMetadata,
    /// `/status/1`: the credential Status List Token.
    StatusList,
    /// `/consent-status/1`: the consent Status List Token.
    ConsentStatusList,
    /// `/trust-list`: the trust list, signed by the authority key.
    TrustList,
    /// `/trust-entry`: this issuer's trust-list entry, signed by the issuer key.
    TrustEntry,
}

impl Document {
    /// Every document, in the order `myna issuer publish` lists them.
    pub const ALL: [Document; 6] = [
        Document::DidDocument,
        Document::IssuerMetadata,
        Document::StatusList,
        Document::ConsentStatusList,
        Document::TrustList,
        Document::TrustEntry,
    ];

    /// The `Content-Type` it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Document::DidDocument => "application/did+json",
            Document::IssuerMetadata => "application/json",
            Document::StatusList | Document::ConsentStatusList => "application/statuslist+jwt",
            Document::TrustList => "application/trust-list+jwt",
            Document::TrustEntry => "application/trust-entry+jwt",
        }
    }

    /// The path it is served at under the public base URL (`/status/1`, …).
    pub(crate) fn path(self, shared: &Shared) -> Result<String, ApiError> {
        let fixed = match self {
            Document::DidDocument => DID_PATH,
            Document::IssuerMetadata => JWT_VC_ISSUER_PATH,
            Document::TrustList => TRUST_LIST_PATH,
            Document::TrustEntry => TRUST_ENTRY_PATH,
            Document::StatusList | Document::ConsentStatusList => {
                let uri = self.list_uri(shared).map(StatusListUri::as_str);
                let base = shared.endpoints.issuer_id.as_str().trim_end_matches('/');
                return uri
                    .and_then(|uri| uri.strip_prefix(base))
                    .filter(|path| path.starts_with('/'))
                    .map(str::to_owned)
                    .ok_or_else(|| ApiError::internal("a status list is not under the base URL"));
            }
        };
        Ok(fixed.to_owned())
    }

    /// The status list a status list document publishes.
    fn list_uri(self, shared: &Shared) -> Option<&StatusListUri> {
        match self {
            Document::StatusList => Some(shared.endpoints.status_list()),
            Document::ConsentStatusList => Some(&shared.consent_list),
            _ => None,
        }
    }

    /// Its body now: exactly what its route answers (a signed document from the cache, or
    /// signed anew when the cache holds none still fresh).
    pub(crate) fn body(self, shared: &Shared) -> Result<String, ApiError> {
        match self {
            Document::DidDocument => did_json(shared),
            Document::IssuerMetadata => Ok(jwt_vc_issuer_json(shared)),
            Document::StatusList | Document::ConsentStatusList => {
                let uri = self
                    .list_uri(shared)
                    .ok_or_else(|| ApiError::internal("no status list"))?;
                signed_list(shared, uri)
            }
            Document::TrustList => signed_trust_list(shared),
            Document::TrustEntry => cached_trust_entry(shared),
        }
    }

    /// Its `Cache-Control: max-age`, in seconds (the same for every document today).
    pub(crate) fn max_age_secs(self, shared: &Shared) -> u64 {
        shared.config.rules.status_max_age_secs
    }
}

pub(crate) fn routes() -> Router<Service> {
    let document = |doc: Document| {
        get(move |State(service): State<Service>, headers: HeaderMap| {
            serve_document(service, doc, headers)
        })
    };
    Router::new()
        .route(DID_PATH, document(Document::DidDocument))
        .route(JWT_VC_ISSUER_PATH, document(Document::IssuerMetadata))
        .route("/status/{list}", get(status_list))
        .route("/consent-status/{list}", get(consent_status_list))
        .route(TRUST_LIST_PATH, document(Document::TrustList))
        .route(TRUST_ENTRY_PATH, document(Document::TrustEntry))
}

/// Answers `doc`: its body with a strong `ETag`, `Cache-Control: max-age` and 304 for a
/// matching `If-None-Match`.
async fn serve_document(
    service: Service,
    doc: Document,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let body = service.blocking(move |shared| doc.body(shared)).await?;
    let max_age = doc.max_age_secs(service.shared());
    Ok(cacheable(&headers, doc.content_type(), &body, max_age))
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

/// The SD-JWT VC issuer metadata: the issuer identifier and its key as a JWKS, under
/// [`kid_of`].
fn jwt_vc_issuer_json(shared: &Shared) -> String {
    let mut jwk = Jwk::new(shared.endpoints.issuer_public.clone()).to_json();
    if let Some(map) = jwk.as_object_mut() {
        map.insert("kid".into(), json!(issuer_kid(shared)));
    }
    json!({"issuer": shared.endpoints.issuer_id.as_str(), "jwks": {"keys": [jwk]}}).to_string()
}

async fn status_list(
    State(service): State<Service>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_list(service, Document::StatusList, &list, headers).await
}

async fn consent_status_list(
    State(service): State<Service>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_list(service, Document::ConsentStatusList, &list, headers).await
}

/// Serves list `list` if it is the one of `doc` (the service keeps one list of each kind).
async fn serve_list(
    service: Service,
    doc: Document,
    list: &str,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let known = doc
        .list_uri(service.shared())
        .is_some_and(|uri| uri.as_str().ends_with(&format!("/{list}")));
    if !known {
        return Err(ApiError::not_found("status list"));
    }
    serve_document(service, doc, headers).await
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
    let published = sign_list_at(shared, uri, now)?;
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

/// List `uri` signed as of `at` (`iat`), valid for the token lifetime, with the `ttl` of the
/// cache age: what the route serves, signed at `at`.
fn sign_list_at(
    shared: &Shared,
    uri: &StatusListUri,
    at: NumericDate,
) -> Result<Published, ApiError> {
    let options = shared.endpoints.status_list_options(at);
    Ok(publish(
        shared.store(),
        uri,
        &*shared.endpoints.signer,
        &options,
    )?)
}

fn half_life_passed(signed: &Signed, now: NumericDate, lifetime_secs: u64) -> bool {
    stale(signed.signed_at, now, lifetime_secs)
}

/// Whether a document signed at `signed_at` is due for re-signing at `now`: half its lifetime
/// has passed, or the clock went back behind it.
fn stale(signed_at: NumericDate, now: NumericDate, lifetime_secs: u64) -> bool {
    now >= signed_at.plus_seconds(lifetime_secs / 2) || now < signed_at
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
    let token = trust_list_at(shared, now)?;
    *cache = Some(Signed {
        version: trust_list_version(now),
        signed_at: now,
        token: token.clone(),
    });
    Ok(token)
}

/// The trust list of this issuer signed by the authority key as of `at`: `iat` and `version`
/// = `at`, valid for the token lifetime.
fn trust_list_at(shared: &Shared, at: NumericDate) -> Result<String, ApiError> {
    let lifetime = shared.config.rules.status_token_lifetime_secs;
    let entry = trust_entry(&shared.config, &shared.endpoints.issuer_public)
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    let list = TrustList::new(
        &format!("{}{TRUST_LIST_PATH}", shared.endpoints.issuer_id.as_str()),
        trust_list_version(at),
        at,
        at.plus_seconds(lifetime),
    )
    .with_issuer(entry);
    Ok(list.sign(&*shared.authority)?)
}

/// The version of a trust list signed at `at`: the signing time, so it only grows (verifiers
/// refuse a list older than one they have seen).
fn trust_list_version(at: NumericDate) -> u64 {
    u64::try_from(at.as_unix()).unwrap_or(0)
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

/// Takes `previous`, a token `doc` was published as earlier (the file an earlier
/// `myna issuer publish` wrote), as the signed form this service answers with from now on, as
/// if it had signed it itself: so a publisher that starts afresh keeps the `ETag` where a
/// running service would have kept it. Adopted only when `previous` is, but for its
/// signature, exactly what signing `doc` at its own `iat` gives now (the same list contents,
/// entry, lifetimes, `ttl` and `kid`), its signature verifies with the key that signs `doc`,
/// and it is not yet due for re-signing (half its lifetime; the trust entry has none).
/// Anything else — another key, a changed list, a damaged file — is not adopted and `doc` is
/// signed anew. Returns whether it was adopted; unsigned documents never are (their bytes do
/// not change while the keys and configuration stay).
pub(crate) fn adopt(shared: &Shared, doc: Document, previous: &str) -> Result<bool, ApiError> {
    let Some((jws, iat)) = parse_signed(previous) else {
        return Ok(false);
    };
    let now = shared.now();
    let lifetime = shared.config.rules.status_token_lifetime_secs;
    let lock = || ApiError::internal("publication cache lock poisoned");
    match doc {
        Document::DidDocument | Document::IssuerMetadata => Ok(false),
        Document::StatusList | Document::ConsentStatusList => {
            let uri = doc
                .list_uri(shared)
                .ok_or_else(|| ApiError::internal("no status list"))?;
            if stale(iat, now, lifetime) {
                return Ok(false);
            }
            let again = sign_list_at(shared, uri, iat)?;
            if !same_but_signature(&jws, &again.token, &shared.endpoints.issuer_public) {
                return Ok(false);
            }
            let signed = Signed {
                version: again.info.version,
                signed_at: iat,
                token: previous.to_owned(),
            };
            let mut cache = shared.cache.status.lock().map_err(|_| lock())?;
            cache.insert(uri.as_str().to_owned(), signed);
            Ok(true)
        }
        Document::TrustList => {
            if stale(iat, now, lifetime) {
                return Ok(false);
            }
            let again = trust_list_at(shared, iat)?;
            if !same_but_signature(&jws, &again, &shared.authority.public_key()) {
                return Ok(false);
            }
            let signed = Signed {
                version: trust_list_version(iat),
                signed_at: iat,
                token: previous.to_owned(),
            };
            *shared.cache.trust_list.lock().map_err(|_| lock())? = Some(signed);
            Ok(true)
        }
        Document::TrustEntry => {
            // Signed once per start by the route, so adopted whatever its age, as the route
            // keeps it.
            let again = signed_trust_entry(&shared.config, &*shared.endpoints.signer, iat)
                .map_err(|e| ApiError::internal(&e.to_string()))?;
            if !same_but_signature(&jws, &again, &shared.endpoints.issuer_public) {
                return Ok(false);
            }
            *shared.cache.trust_entry.lock().map_err(|_| lock())? = Some(previous.to_owned());
            Ok(true)
        }
    }
}

/// A compact JWS and its `iat`, or `None` for anything else.
fn parse_signed(token: &str) -> Option<(Jws, NumericDate)> {
    let jws = Jws::parse(token).ok()?;
    let claims = jws.payload_object("published token").ok()?;
    let iat = date_claim(&claims, "iat").ok()??;
    Some((jws, iat))
}

/// Whether `previous` has the header and payload of `again` (signatures of the same input
/// differ: ECDSA signs with a fresh nonce) and its signature verifies with `key`.
fn same_but_signature(previous: &Jws, again: &str, key: &PublicKey) -> bool {
    let Ok(again) = Jws::parse(again) else {
        return false;
    };
    previous.signing_input() == again.signing_input()
        && previous.verify(default_provider(), key).is_ok()
}
