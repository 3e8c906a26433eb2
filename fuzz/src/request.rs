//! The one OpenID4VP Authorization Request the `oid4vp` target knows: a fixed verifier key
//! signs it (in the seeds) as a Request Object; the target accepts Request Objects with that
//! key only, so an accepted one must be exactly this request.

use std::sync::OnceLock;

use myna_vc_core::crypto::{PublicKey, SecretKey};
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::oid4vp::{AuthorizationRequest, ClientId, Nonce, ResponseMode, State};
use myna_vc_core::Result;

use crate::credential;

/// The verifier's `client_id`.
pub const CLIENT_ID: &str = "decentralized_identifier:did:web:shop.example";
/// Where the wallet posts its response.
pub const RESPONSE_URI: &str = "https://shop.example/oid4vp/response";
/// The query the verifier asks.
pub const QUERY: &str = r#"{"credentials":[{"id":"resident","format":"dc+sd-jwt","meta":{"vct_values":["https://city.example.jp/vct/resident"]},"claims":[{"id":"age","path":["age_over_20"],"values":[true]},{"id":"city","path":["address","locality"]}],"claim_sets":[["age"],["city"]]}]}"#;

/// The verifier's Request Object signing key (Ed25519, fixed seed).
pub fn verifier_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| match SecretKey::ed25519_from_seed(&[0x5e; 32]) {
        Ok(key) => key,
        Err(e) => panic!("a fixed 32-byte Ed25519 seed is a key: {e}"),
    })
}

/// Its public key, which the target verifies Request Objects with.
pub fn verifier_key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| verifier_secret().public_key())
}

/// The verifier's client identifier.
pub fn client_id() -> &'static ClientId {
    static ID: OnceLock<ClientId> = OnceLock::new();
    ID.get_or_init(|| match ClientId::parse(CLIENT_ID) {
        Ok(id) => id,
        Err(e) => panic!("the fixed client_id parses: {e}"),
    })
}

/// The request: `direct_post` to [`RESPONSE_URI`] with [`credential::NONCE`] and [`QUERY`].
pub fn authorization_request() -> Result<AuthorizationRequest> {
    let request = AuthorizationRequest {
        client_id: client_id().clone(),
        response_mode: ResponseMode::DirectPost,
        response_uri: Some(RESPONSE_URI.to_owned()),
        redirect_uri: None,
        nonce: Nonce::parse(credential::NONCE)?,
        state: Some(State::parse("fuzz-state-7Hq")?),
        dcql_query: DcqlQuery::from_json(QUERY.as_bytes())?,
        client_metadata: None,
        wallet_nonce: None,
    };
    request.check()?;
    Ok(request)
}
