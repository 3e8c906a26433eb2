//! Signed Request Objects (JAR, RFC 9101, as OpenID4VP 1.0 §5 profiles them).

use serde_json::Value;

use super::client_id::{ClientId, ClientIdPrefix};
use super::request::AuthorizationRequest;
use crate::crypto::{CryptoProvider, PublicKey, Signer};
use crate::error::{Error, JwtError, Oid4vpError, Result};
use crate::jws::{Jws, JwsHeader};
use crate::jwt::{self, TimeRules};
use crate::time::NumericDate;

/// The `typ` a Request Object must carry (§5: wallets MUST NOT process others).
pub const REQUEST_OBJECT_TYP: &str = "oauth-authz-req+jwt";

/// The `aud` of a Request Object under static discovery (§5.8).
pub const SELF_ISSUED_AUDIENCE: &str = "https://self-issued.me/v2";

/// How long a Request Object we sign is valid.
pub const REQUEST_OBJECT_LIFETIME_SECS: u64 = 600;

impl AuthorizationRequest {
    /// Signs the request as a Request Object: `typ` `oauth-authz-req+jwt` (whatever `header`
    /// says), `aud` [`SELF_ISSUED_AUDIENCE`] (static discovery, §5.8), `iat`, and `exp`
    /// [`REQUEST_OBJECT_LIFETIME_SECS`] later. `header` names the key (`kid` for a
    /// `decentralized_identifier:` client, `x5c` for the `x509_*` prefixes). A `redirect_uri:`
    /// client cannot sign (§5.9.3) and gets [`Oid4vpError::InvalidClientId`].
    ///
    /// ```
    /// use myna_vc_core::crypto::{default_provider, SecretKey};
    /// use myna_vc_core::dcql::DcqlQuery;
    /// use myna_vc_core::jws::JwsHeader;
    /// use myna_vc_core::oid4vp::{verify_request_object, AuthorizationRequest, ClientId, RequestObjectRules};
    /// use myna_vc_core::time::NumericDate;
    /// let key = SecretKey::generate_p256()?;
    /// let signer = default_provider().signer(&key)?;
    /// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
    /// let client = ClientId::parse("decentralized_identifier:did:web:shop.example")?;
    /// let request = AuthorizationRequest::direct_post(client.clone(), "https://shop.example/post", query)?;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let header = JwsHeader::new(signer.algorithm()).with_kid("did:web:shop.example#key-1");
    /// let jwt = request.sign(header, &*signer, now)?;
    ///
    /// let rules = RequestObjectRules::at(now).client_id(&client);
    /// let received = verify_request_object(&jwt, default_provider(), &key.public_key(), &rules)?;
    /// assert_eq!(received, request);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn sign(
        &self,
        header: JwsHeader,
        signer: &dyn Signer,
        issued_at: NumericDate,
    ) -> Result<String> {
        if self.client_id.prefix() == ClientIdPrefix::RedirectUri {
            return Err(Error::Oid4vp(Oid4vpError::InvalidClientId(
                "a redirect_uri client cannot sign its requests".into(),
            )));
        }
        let mut claims = self.to_claims()?;
        claims.insert("aud".into(), Value::String(SELF_ISSUED_AUDIENCE.into()));
        claims.insert("iat".into(), Value::from(issued_at.as_unix()));
        let exp = issued_at.plus_seconds(REQUEST_OBJECT_LIFETIME_SECS);
        claims.insert("exp".into(), Value::from(exp.as_unix()));
        jwt::sign(&header.with_typ(REQUEST_OBJECT_TYP), &claims, signer)
    }
}

/// What [`verify_request_object`] checks besides the signature.
#[derive(Debug, Clone, Copy)]
pub struct RequestObjectRules<'a> {
    /// The instant and leeway for `iat`, `nbf` and `exp`.
    pub time: TimeRules,
    /// The wallet's identity in `aud` ([`SELF_ISSUED_AUDIENCE`] by default; the wallet's
    /// `issuer` under dynamic discovery).
    pub audience: &'a str,
    /// The `client_id` of the URL that carried the Request Object; the Object's must be
    /// identical, prefix included.
    pub client_id: Option<&'a ClientId>,
    /// The `wallet_nonce` the wallet POSTed to the Request URI, if it did.
    pub wallet_nonce: Option<&'a str>,
}

impl<'a> RequestObjectRules<'a> {
    /// At `now`, static discovery audience, no `client_id` or `wallet_nonce` to compare.
    pub fn at(now: NumericDate) -> Self {
        RequestObjectRules {
            time: TimeRules::at(now),
            audience: SELF_ISSUED_AUDIENCE,
            client_id: None,
            wallet_nonce: None,
        }
    }

    /// Requires the Object's `client_id` to be this one.
    pub fn client_id(mut self, client_id: &'a ClientId) -> Self {
        self.client_id = Some(client_id);
        self
    }

    /// Requires this `wallet_nonce`.
    pub fn wallet_nonce(mut self, nonce: &'a str) -> Self {
        self.wallet_nonce = Some(nonce);
        self
    }

    /// Requires this `aud` (dynamic discovery).
    pub fn audience(mut self, audience: &'a str) -> Self {
        self.audience = audience;
        self
    }
}

/// Verifies a Request Object with the verifier's key and reads the request from it: `typ`
/// exactly `oauth-authz-req+jwt` ([`JwtError::WrongType`]), the signature, the time claims,
/// `aud` naming the wallet ([`Oid4vpError::RequestAudienceMismatch`]), `client_id` identical to the
/// URL's ([`Oid4vpError::RequestClientIdMismatch`]), `wallet_nonce` when one was sent
/// ([`Oid4vpError::WalletNonceMismatch`]), then every rule of [`AuthorizationRequest::check`]. `iss`
/// is ignored (§5).
///
/// Which key: the caller resolves it from the header ([`Jws::parse`] then `header().kid` /
/// `x5c`) according to the client's prefix, e.g. the DID document's verification method for
/// `decentralized_identifier:`.
pub fn verify_request_object(
    compact: &str,
    provider: &dyn CryptoProvider,
    key: &PublicKey,
    rules: &RequestObjectRules<'_>,
) -> Result<AuthorizationRequest> {
    let jws = Jws::parse(compact)?;
    let typ = jws.header().typ.clone().unwrap_or_default();
    if typ != REQUEST_OBJECT_TYP {
        return Err(Error::Jwt(JwtError::WrongType {
            expected: REQUEST_OBJECT_TYP.into(),
            found: typ.chars().take(64).collect(),
        }));
    }
    let claims = jwt::verify(compact, provider, key, &rules.time)?.claims;
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == rules.audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(rules.audience)),
        _ => false,
    };
    if !audience_ok {
        return Err(Error::Oid4vp(Oid4vpError::RequestAudienceMismatch));
    }
    let request = AuthorizationRequest::from_members(&claims, false)?;
    if rules.client_id.is_some_and(|id| *id != request.client_id) {
        return Err(Error::Oid4vp(Oid4vpError::RequestClientIdMismatch));
    }
    if request.client_id.prefix() == ClientIdPrefix::RedirectUri {
        return Err(Error::Oid4vp(Oid4vpError::InvalidClientId(
            "a redirect_uri client cannot sign its requests".into(),
        )));
    }
    if let Some(expected) = rules.wallet_nonce {
        if request.wallet_nonce.as_deref() != Some(expected) {
            return Err(Error::Oid4vp(Oid4vpError::WalletNonceMismatch));
        }
    }
    Ok(request)
}
