//! OpenID4VP over the Digital Credentials API (OpenID4VP 1.0 Annex A): the request a web page
//! passes to `navigator.credentials.get`, unsigned or signed with an X.509 chain, and the
//! response the wallet hands back through the API, plain (`dc_api`) or encrypted
//! (`dc_api.jwt`).
//!
//! There is no `state` and no `response_uri`: the browser carries the response back to the
//! page that asked, and tells the wallet that page's [`Origin`]. The presentation is bound to
//! it: KB-JWT `aud` = [`Origin::audience`] (`origin:https://…`), even for signed requests.
//!
//! ```
//! use myna_vc_core::dcql::DcqlQuery;
//! use myna_vc_core::jwe::EncryptionKey;
//! use myna_vc_core::oid4vp::dc_api::*;
//! use myna_vc_core::oid4vp::{Origin, ResponseMode, VpToken};
//! use myna_vc_core::time::NumericDate;
//! let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
//!     "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]}, "claims": [{"path": ["age_over_20"]}]}]}"#)?;
//! // The page's server (verifier): an encrypted unsigned request.
//! let key = EncryptionKey::generate()?;
//! let request = DcApiRequest::unsigned(query, Some(&key))?;
//! let (protocol, data) = (request.protocol().as_str(), request.to_data()?);
//! // The wallet, with the origin the browser reported.
//! let origin = Origin::parse("https://shop.example")?;
//! let received = DcApiRequest::from_api(protocol, &data, &origin, &RequestTrust::none(), NumericDate::from_unix(1_800_000_000))?;
//! assert_eq!(received.kb_audience(), "origin:https://shop.example");
//! let token = VpToken::from_json(r#"{"age": ["<SD-JWT+KB, aud = kb_audience(), nonce = nonce>"]}"#)?;
//! let answer = DcApiResponse::Success(token.clone()).to_data(&received.request)?;
//! assert!(answer["response"].is_string()); // encrypted
//! // The verifier again.
//! let got = DcApiResponse::from_data(&answer, ResponseMode::DcApiJwt, Some(&key))?;
//! assert_eq!(got, DcApiResponse::Success(token));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use serde_json::{Map, Value};

use super::client_id::{ClientId, ClientIdPrefix};
use super::encryption::{client_metadata_for, require_usable_key};
use super::origin::Origin;
use super::params::Nonce;
use super::request::{ResponseMode, RESPONSE_TYPE};
use super::request_object::{
    REQUEST_OBJECT_LIFETIME_SECS, REQUEST_OBJECT_TYP, SELF_ISSUED_AUDIENCE,
};
use super::response::{decrypt_payload, encrypt_for, ErrorCode, VpToken};
use crate::crypto::{default_provider, Signer};
use crate::dcql::DcqlQuery;
use crate::error::{Error, JwtError, Oid4vpError, Result};
use crate::jwe::{ContentEncryption, EncryptionKey};
use crate::jws::{Jws, JwsHeader};
use crate::jwt::{self, TimeRules};
use crate::oid4vci::error_response::check_error_text;
use crate::time::NumericDate;
use crate::x509::CertificateChain;
pub use crate::x509::RequestTrust;

/// The protocol of an unsigned request.
pub const PROTOCOL_UNSIGNED: &str = "openid4vp-v1-unsigned";
/// The protocol of a signed request (JWS Compact Serialization).
pub const PROTOCOL_SIGNED: &str = "openid4vp-v1-signed";
/// The protocol of a multi-signed request (JWS JSON Serialization), not supported.
pub const PROTOCOL_MULTISIGNED: &str = "openid4vp-v1-multisigned";

/// What a DC API request is called in errors.
const WHAT: &str = "Digital Credentials API request";

const URL_MODE_OVER_DC_API: &str =
    "a request over the Digital Credentials API has response_mode dc_api or dc_api.jwt";

/// The exchange protocol of a request over the DC API (Annex A.1). `openid4vp-v1-multisigned`
/// and anything else is [`Oid4vpError::UnsupportedProtocol`].
///
/// ```
/// use myna_vc_core::oid4vp::dc_api::DcApiProtocol;
/// assert_eq!(DcApiProtocol::parse("openid4vp-v1-signed")?, DcApiProtocol::Signed);
/// assert_eq!(DcApiProtocol::Unsigned.as_str(), "openid4vp-v1-unsigned");
/// assert!(DcApiProtocol::parse("openid4vp-v1-multisigned").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DcApiProtocol {
    /// `openid4vp-v1-unsigned`: the request's members are the `data`.
    Unsigned,
    /// `openid4vp-v1-signed`: `data` is `{"request": "<JWS>"}`.
    Signed,
}

impl DcApiProtocol {
    /// The protocol identifier.
    pub const fn as_str(self) -> &'static str {
        match self {
            DcApiProtocol::Unsigned => PROTOCOL_UNSIGNED,
            DcApiProtocol::Signed => PROTOCOL_SIGNED,
        }
    }

    /// Reads a protocol identifier.
    pub fn parse(protocol: &str) -> Result<Self> {
        match protocol {
            PROTOCOL_UNSIGNED => Ok(DcApiProtocol::Unsigned),
            PROTOCOL_SIGNED => Ok(DcApiProtocol::Signed),
            other => Err(Error::Oid4vp(Oid4vpError::UnsupportedProtocol(
                other.chars().take(64).collect(),
            ))),
        }
    }
}

/// An OpenID4VP request over the DC API (Annex A): no `state`, no `response_uri`.
///
/// Built by the verifier ([`unsigned`](Self::unsigned), or the fields plus
/// [`sign`](Self::sign)); read by the wallet with [`from_api`](Self::from_api). Refused when
/// read, each with its error: `response_type` other than `vp_token`, a response mode other
/// than `dc_api`/`dc_api.jwt` ([`Oid4vpError::ResponseModeWrongChannel`]), `dc_api.jwt`
/// without a usable key ([`Oid4vpError::NoUsableEncryptionKey`]), `transaction_data`, `scope`,
/// and for signed requests a missing `client_id` or empty `expected_origins`.
///
/// ```
/// use myna_vc_core::dcql::DcqlQuery;
/// use myna_vc_core::oid4vp::dc_api::{DcApiProtocol, DcApiRequest};
/// use myna_vc_core::oid4vp::ResponseMode;
/// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
/// let request = DcApiRequest::unsigned(query, None)?;
/// assert_eq!(request.response_mode, ResponseMode::DcApi);
/// assert_eq!(request.protocol(), DcApiProtocol::Unsigned);
/// assert_eq!(request.to_data()?["response_mode"], "dc_api");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DcApiRequest {
    /// `response_mode`: [`ResponseMode::DcApi`] or [`ResponseMode::DcApiJwt`].
    pub response_mode: ResponseMode,
    /// `nonce`: the KB-JWT `nonce`.
    pub nonce: Nonce,
    /// `dcql_query`.
    pub dcql_query: DcqlQuery,
    /// `client_metadata` (`jwks` and `enc` values for `dc_api.jwt`).
    pub client_metadata: Option<Map<String, Value>>,
    /// `client_id`: signed requests only (`x509_san_dns:` or `x509_hash:`).
    pub client_id: Option<ClientId>,
    /// `expected_origins`: signed requests only, non-empty there.
    pub expected_origins: Vec<Origin>,
}

impl DcApiRequest {
    /// An unsigned request with a fresh nonce; encrypted (`dc_api.jwt`, `client_metadata` from
    /// [`client_metadata_for`]`(key, [A128GCM])`) when `key` is given, else `dc_api`.
    pub fn unsigned(query: DcqlQuery, key: Option<&EncryptionKey>) -> Result<Self> {
        let request = DcApiRequest {
            response_mode: if key.is_some() {
                ResponseMode::DcApiJwt
            } else {
                ResponseMode::DcApi
            },
            nonce: Nonce::random()?,
            dcql_query: query,
            client_metadata: key.map(|k| client_metadata_for(k, &[ContentEncryption::A128Gcm])),
            client_id: None,
            expected_origins: Vec::new(),
        };
        request.check()?;
        Ok(request)
    }

    /// [`DcApiProtocol::Signed`] iff the request has a `client_id`.
    ///
    /// ```
    /// # use myna_vc_core::{dcql::DcqlQuery, oid4vp::{ClientId, dc_api::*}};
    /// # let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
    /// let mut request = DcApiRequest::unsigned(query, None)?;
    /// request.client_id = Some(ClientId::parse("x509_san_dns:shop.example")?);
    /// assert_eq!(request.protocol(), DcApiProtocol::Signed);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn protocol(&self) -> DcApiProtocol {
        if self.client_id.is_some() {
            DcApiProtocol::Signed
        } else {
            DcApiProtocol::Unsigned
        }
    }

    /// Checks the rules listed on the type.
    ///
    /// ```
    /// # use myna_vc_core::{dcql::DcqlQuery, oid4vp::{ResponseMode, dc_api::*}};
    /// # let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
    /// let mut request = DcApiRequest::unsigned(query, None)?;
    /// request.response_mode = ResponseMode::DcApiJwt; // but no key in client_metadata
    /// assert!(request.check().is_err());
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn check(&self) -> Result<()> {
        if !self.response_mode.is_dc_api() {
            return Err(Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(
                URL_MODE_OVER_DC_API,
            )));
        }
        if self.response_mode.is_encrypted() {
            require_usable_key(self.client_metadata.as_ref())?;
        }
        if self.client_id.is_some() && self.expected_origins.is_empty() {
            return Err(Error::Oid4vp(Oid4vpError::MissingParameter(
                "expected_origins",
            )));
        }
        Ok(())
    }

    /// The members every request has.
    fn common_members(&self) -> Result<Map<String, Value>> {
        self.check()?;
        let mut members = Map::new();
        members.insert("response_type".into(), Value::String(RESPONSE_TYPE.into()));
        members.insert(
            "response_mode".into(),
            Value::String(self.response_mode.as_str().into()),
        );
        members.insert("nonce".into(), Value::String(self.nonce.as_str().into()));
        members.insert("dcql_query".into(), self.dcql_query.to_value());
        if let Some(metadata) = &self.client_metadata {
            members.insert("client_metadata".into(), Value::Object(metadata.clone()));
        }
        Ok(members)
    }

    /// The `data` of an unsigned request: its members, never `client_id` or
    /// `expected_origins` (Annex A.3.1). See [`DcApiRequest`] for an example.
    pub fn to_data(&self) -> Result<Value> {
        self.common_members().map(Value::Object)
    }

    /// The `data` of a signed request: `{"request": "<JWS>"}`, a Request Object with `typ`
    /// `oauth-authz-req+jwt`, `x5c` = `chain` (DER, leaf first), `aud`
    /// `https://self-issued.me/v2`, `iat` and `exp` 10 minutes later. `client_id` (required)
    /// must fit the leaf ([`Oid4vpError::ClientIdCertificateMismatch`]): for `x509_hash` the
    /// base64url SHA-256 of its DER, for `x509_san_dns` one of its dNSName SANs; the signer's
    /// key must be the leaf's. `expected_origins` must not be empty.
    ///
    /// ```
    /// use myna_vc_core::crypto::{default_provider, SecretKey};
    /// use myna_vc_core::dcql::DcqlQuery;
    /// use myna_vc_core::oid4vp::{dc_api::*, ClientId, Origin};
    /// use myna_vc_core::time::NumericDate;
    /// use myna_vc_core::{Error, Oid4vpError};
    /// use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    /// // The verifier's PKI: a CA, and a leaf for shop.example with its key.
    /// let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// let mut ca = CertificateParams::new(Vec::<String>::new())?;
    /// ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    /// let ca = ca.self_signed(&ca_key)?;
    /// let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
    /// # let pkcs8 = leaf_key.serialize_der();
    /// # let at = pkcs8.windows(5).position(|w| w == [2, 1, 1, 4, 32]).ok_or("pkcs8")? + 5;
    /// # let secret = SecretKey::p256_from_bytes(pkcs8.get(at..at + 32).ok_or("pkcs8")?)?;
    /// let signer = default_provider().signer(&secret)?; // the leaf's key
    ///
    /// # let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
    /// let mut request = DcApiRequest::unsigned(query, None)?;
    /// request.client_id = Some(ClientId::parse("x509_san_dns:shop.example")?);
    /// request.expected_origins = vec![Origin::parse("https://shop.example")?];
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let data = request.sign(&*signer, &[leaf.der().to_vec(), ca.der().to_vec()], now)?;
    /// assert!(data["request"].is_string());
    ///
    /// // The wallet trusts the CA, and the browser reports the page's origin.
    /// let trust = RequestTrust::anchors(vec![ca.der().to_vec()])?;
    /// let origin = Origin::parse("https://shop.example")?;
    /// let received = DcApiRequest::from_api("openid4vp-v1-signed", &data, &origin, &trust, now)?;
    /// assert_eq!(received.verifier.as_ref().map(ClientId::as_str), Some("x509_san_dns:shop.example"));
    /// let phishing = Origin::parse("https://shop-example.evil")?;
    /// assert_eq!(DcApiRequest::from_api("openid4vp-v1-signed", &data, &phishing, &trust, now).unwrap_err(),
    ///     Error::Oid4vp(Oid4vpError::OriginNotExpected));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign(
        &self,
        signer: &dyn Signer,
        chain: &[Vec<u8>],
        issued_at: NumericDate,
    ) -> Result<Value> {
        let client_id = self
            .client_id
            .as_ref()
            .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("client_id")))?;
        let certificates = CertificateChain::from_der(chain.to_vec())?;
        check_client_id_fits(client_id, &certificates)?;
        if certificates.leaf_public_key()? != signer.public_key() {
            return Err(Error::Oid4vp(Oid4vpError::ClientIdCertificateMismatch));
        }
        let mut claims = self.common_members()?;
        claims.insert("client_id".into(), Value::String(client_id.as_str().into()));
        let origins = self
            .expected_origins
            .iter()
            .map(|o| Value::String(o.as_str().into()))
            .collect();
        claims.insert("expected_origins".into(), Value::Array(origins));
        claims.insert("aud".into(), Value::String(SELF_ISSUED_AUDIENCE.into()));
        claims.insert("iat".into(), Value::from(issued_at.as_unix()));
        let exp = issued_at.plus_seconds(REQUEST_OBJECT_LIFETIME_SECS);
        claims.insert("exp".into(), Value::from(exp.as_unix()));
        let header = JwsHeader::new(signer.algorithm())
            .with_typ(REQUEST_OBJECT_TYP)
            .with_x5c(certificates.to_x5c());
        let jws = jwt::sign(&header, &claims, signer)?;
        let mut data = Map::new();
        data.insert("request".into(), Value::String(jws));
        Ok(Value::Object(data))
    }

    /// Reads a request from its JSON members, all of them (`client_id`, `expected_origins`
    /// included): the payload of a signed request, without any signature check. Wallets use
    /// [`from_api`](Self::from_api).
    ///
    /// ```
    /// use myna_vc_core::oid4vp::dc_api::DcApiRequest;
    /// let payload = serde_json::json!({"response_type": "vp_token", "response_mode": "dc_api",
    ///     "nonce": "n-0S6_WzA2Mj", "client_id": "x509_san_dns:rp.example.com",
    ///     "expected_origins": ["https://rp.example.com"],
    ///     "dcql_query": {"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}});
    /// let request = DcApiRequest::from_payload(payload.as_object().unwrap())?;
    /// assert_eq!(request.expected_origins[0].as_str(), "https://rp.example.com");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_payload(members: &Map<String, Value>) -> Result<Self> {
        Self::from_members(members, true)
    }

    fn from_members(members: &Map<String, Value>, signed: bool) -> Result<Self> {
        if members.contains_key("transaction_data") {
            return Err(Error::Oid4vp(Oid4vpError::UnsupportedTransactionData));
        }
        if members.contains_key("scope") {
            return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
                name: "scope",
                detail: "scope aliases of DCQL queries are not supported; send dcql_query".into(),
            }));
        }
        let response_type = string(members, "response_type")?.ok_or(Error::Oid4vp(
            Oid4vpError::MissingParameter("response_type"),
        ))?;
        if response_type != RESPONSE_TYPE {
            return Err(Error::Oid4vp(Oid4vpError::UnsupportedResponseType(
                response_type.chars().take(32).collect(),
            )));
        }
        let mode = string(members, "response_mode")?.ok_or(Error::Oid4vp(
            Oid4vpError::MissingParameter("response_mode"),
        ))?;
        let nonce = string(members, "nonce")?
            .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("nonce")))?;
        let query = members
            .get("dcql_query")
            .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("dcql_query")))?;
        let client_metadata = match members.get("client_metadata") {
            None => None,
            Some(Value::Object(object)) => Some(object.clone()),
            Some(_) => return Err(not_an_object("client_metadata")),
        };
        let (client_id, expected_origins) = if signed {
            let client_id = string(members, "client_id")?
                .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("client_id")))?;
            (Some(ClientId::parse(client_id)?), read_origins(members)?)
        } else {
            // Annex A.2: the wallet MUST ignore `client_id` in an unsigned request.
            (None, Vec::new())
        };
        let request = DcApiRequest {
            response_mode: ResponseMode::parse(mode)?,
            nonce: Nonce::parse(nonce)?,
            dcql_query: DcqlQuery::from_value(query)?,
            client_metadata,
            client_id,
            expected_origins,
        };
        request.check()?;
        Ok(request)
    }

    /// Wallet side: reads what `navigator.credentials.get` delivered (`protocol`, `data`) with
    /// the `origin` the platform reported.
    ///
    /// Unsigned: the members are `data`; `client_id` and `expected_origins` are ignored (Annex
    /// A.2). Signed: `data.request` is a JWS whose `typ` is `oauth-authz-req+jwt`, signed by
    /// the key of the `x5c` leaf, the leaf fitting `client_id`
    /// ([`Oid4vpError::ClientIdCertificateMismatch`]), the chain valid at `now` to one of
    /// `trust`'s anchors ([`Oid4vpError::UntrustedRequestSigner`]), `aud`
    /// `https://self-issued.me/v2`, `exp` present and not passed, and `origin` one of
    /// `expected_origins` by exact string comparison ([`Oid4vpError::OriginNotExpected`]).
    /// `openid4vp-v1-multisigned` is [`Oid4vpError::UnsupportedProtocol`]. See the
    /// [module](self) for an example.
    pub fn from_api(
        protocol: &str,
        data: &Value,
        origin: &Origin,
        trust: &RequestTrust,
        now: NumericDate,
    ) -> Result<ReceivedDcApiRequest> {
        let protocol = DcApiProtocol::parse(protocol)?;
        let data = data.as_object().ok_or(Error::not_an_object(WHAT))?;
        let (request, verifier) = match protocol {
            DcApiProtocol::Unsigned => {
                if data.contains_key("request") {
                    return Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                        "a signed `request` under the protocol openid4vp-v1-unsigned",
                    )));
                }
                (Self::from_members(data, false)?, None)
            }
            DcApiProtocol::Signed => {
                let request = Self::read_signed(data, origin, trust, now)?;
                let verifier = request.client_id.clone();
                (request, verifier)
            }
        };
        Ok(ReceivedDcApiRequest {
            request,
            origin: origin.clone(),
            verifier,
        })
    }

    fn read_signed(
        data: &Map<String, Value>,
        origin: &Origin,
        trust: &RequestTrust,
        now: NumericDate,
    ) -> Result<Self> {
        let compact = match data.get("request") {
            Some(Value::String(jws)) => jws,
            Some(_) => return Err(not_a_string("request")),
            None => return Err(Error::Oid4vp(Oid4vpError::MissingParameter("request"))),
        };
        let jws = Jws::parse(compact)?;
        let typ = jws.header().typ.clone().unwrap_or_default();
        if typ != REQUEST_OBJECT_TYP {
            return Err(Error::Jwt(JwtError::WrongType {
                expected: REQUEST_OBJECT_TYP.into(),
                found: typ.chars().take(64).collect(),
            }));
        }
        if jws.header().x5c.is_empty() {
            return Err(Error::Oid4vp(Oid4vpError::MissingParameter("x5c")));
        }
        let chain = CertificateChain::from_x5c(&jws.header().x5c)?;
        let key = chain.leaf_public_key()?;
        let claims = jwt::verify(compact, default_provider(), &key, &TimeRules::at(now))?.claims;
        if !claims.contains_key("exp") {
            return Err(Error::Jwt(JwtError::MissingClaim("exp")));
        }
        let audience_ok = match claims.get("aud") {
            Some(Value::String(aud)) => aud == SELF_ISSUED_AUDIENCE,
            Some(Value::Array(auds)) => auds
                .iter()
                .any(|a| a.as_str() == Some(SELF_ISSUED_AUDIENCE)),
            _ => false,
        };
        if !audience_ok {
            return Err(Error::Oid4vp(Oid4vpError::RequestAudienceMismatch));
        }
        let request = Self::from_members(&claims, true)?;
        let client_id = request
            .client_id
            .as_ref()
            .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("client_id")))?;
        check_client_id_fits(client_id, &chain)?;
        chain.verify(trust, now)?;
        if !request
            .expected_origins
            .iter()
            .any(|o| o.as_str() == origin.as_str())
        {
            return Err(Error::Oid4vp(Oid4vpError::OriginNotExpected));
        }
        Ok(request)
    }
}

/// `client_id` against the leaf certificate (§5.9.3): `x509_hash` is the leaf's hash,
/// `x509_san_dns` one of its DNS names; other prefixes cannot sign with a chain here.
fn check_client_id_fits(client_id: &ClientId, chain: &CertificateChain) -> Result<()> {
    let fits = match client_id.prefix() {
        ClientIdPrefix::X509Hash => client_id.original() == chain.leaf_hash(),
        ClientIdPrefix::X509SanDns => chain.leaf_has_dns_name(client_id.original())?,
        other => {
            return Err(Error::Oid4vp(Oid4vpError::UnsupportedClientIdPrefix(
                format!(
                    "{} (signed DC API requests use x509_san_dns or x509_hash)",
                    other.as_str()
                ),
            )))
        }
    };
    if !fits {
        return Err(Error::Oid4vp(Oid4vpError::ClientIdCertificateMismatch));
    }
    Ok(())
}

fn read_origins(members: &Map<String, Value>) -> Result<Vec<Origin>> {
    let origins = match members.get("expected_origins") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(_) => {
            return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
                name: "expected_origins",
                detail: "must be a non-empty array of origins".into(),
            }))
        }
        None => {
            return Err(Error::Oid4vp(Oid4vpError::MissingParameter(
                "expected_origins",
            )))
        }
    };
    origins
        .iter()
        .map(|o| match o {
            Value::String(text) => Origin::parse(text),
            _ => Err(not_a_string("expected_origins")),
        })
        .collect()
}

fn string<'a>(members: &'a Map<String, Value>, name: &'static str) -> Result<Option<&'a str>> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(not_a_string(name)),
    }
}

fn not_a_string(name: &'static str) -> Error {
    Error::Oid4vp(Oid4vpError::InvalidParameter {
        name,
        detail: "must be a string".into(),
    })
}

fn not_an_object(name: &'static str) -> Error {
    Error::Oid4vp(Oid4vpError::InvalidParameter {
        name,
        detail: "must be a JSON object".into(),
    })
}

/// A request as the wallet received it: the request, the origin the platform reported, and
/// for a signed request the authenticated `client_id`.
///
/// ```
/// # use myna_vc_core::{dcql::DcqlQuery, oid4vp::{Origin, dc_api::*}, time::NumericDate};
/// # let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
/// let request = DcApiRequest::unsigned(query, None)?;
/// let origin = Origin::parse("https://shop.example")?;
/// let received = DcApiRequest::from_api("openid4vp-v1-unsigned", &request.to_data()?, &origin,
///     &RequestTrust::none(), NumericDate::from_unix(0))?;
/// assert_eq!(received.verifier, None);
/// assert_eq!(received.kb_audience(), origin.audience());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedDcApiRequest {
    /// The request.
    pub request: DcApiRequest,
    /// The origin the platform reported (the page that called the API).
    pub origin: Origin,
    /// The authenticated `client_id` of a signed request.
    pub verifier: Option<ClientId>,
}

impl ReceivedDcApiRequest {
    /// The KB-JWT `aud`: [`Origin::audience`] (Annex A.4), even for signed requests.
    pub fn kb_audience(&self) -> String {
        self.origin.audience()
    }
}

/// What the wallet hands back through the API (the `data` of the `DigitalCredential`).
///
/// ```
/// use myna_vc_core::oid4vp::dc_api::DcApiResponse;
/// use myna_vc_core::oid4vp::{ErrorCode, ResponseMode};
/// // The spec's error example (Annex A.4).
/// let data = serde_json::json!({"error": "invalid_request"});
/// let response = DcApiResponse::from_data(&data, ResponseMode::DcApiJwt, None)?;
/// assert_eq!(response, DcApiResponse::Error(ErrorCode::InvalidRequest));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DcApiResponse {
    /// The VP Token.
    Success(VpToken),
    /// An error code (a fulfilled promise all the same).
    Error(ErrorCode),
}

impl DcApiResponse {
    /// The `data`: `{"vp_token": {…}}` for `dc_api`; `{"response": "<JWE of {"vp_token":
    /// …}>"}` for `dc_api.jwt`, to the key [`ResponseEncryption::select`](super::ResponseEncryption::select) picks; `{"error":
    /// "…"}` for errors, never encrypted.
    ///
    /// ```
    /// # use myna_vc_core::{dcql::DcqlQuery, oid4vp::{VpToken, dc_api::*}};
    /// # let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
    /// let request = DcApiRequest::unsigned(query, None)?;
    /// let token = VpToken::from_json(r#"{"a": ["x~"]}"#)?;
    /// assert_eq!(DcApiResponse::Success(token).to_data(&request)?, serde_json::json!({"vp_token": {"a": ["x~"]}}));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_data(&self, request: &DcApiRequest) -> Result<Value> {
        let mut data = Map::new();
        match self {
            DcApiResponse::Error(code) => {
                check_error_text(WHAT, code.as_str(), None)?;
                data.insert("error".into(), Value::String(code.as_str().into()));
            }
            DcApiResponse::Success(token) => {
                let mut payload = Map::new();
                payload.insert("vp_token".into(), token.to_value());
                match request.response_mode {
                    ResponseMode::DcApi => data = payload,
                    ResponseMode::DcApiJwt => {
                        let jwe =
                            encrypt_for(request.client_metadata.as_ref(), &Value::Object(payload))?;
                        data.insert("response".into(), Value::String(jwe));
                    }
                    _ => {
                        return Err(Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(
                            URL_MODE_OVER_DC_API,
                        )))
                    }
                }
            }
        }
        Ok(Value::Object(data))
    }

    /// Verifier side: reads the `data` for a request of response mode `expected`. An
    /// encrypted `response` is decrypted with `key`; a plain `vp_token` when `expected` is
    /// `dc_api.jwt` is [`Oid4vpError::ResponseModeDowngrade`]; an `error` is read as it is.
    ///
    /// ```
    /// use myna_vc_core::oid4vp::{dc_api::DcApiResponse, ResponseMode};
    /// use myna_vc_core::{Error, Oid4vpError};
    /// let plain = serde_json::json!({"vp_token": {"a": ["x~"]}});
    /// assert!(DcApiResponse::from_data(&plain, ResponseMode::DcApi, None).is_ok());
    /// assert_eq!(DcApiResponse::from_data(&plain, ResponseMode::DcApiJwt, None),
    ///     Err(Error::Oid4vp(Oid4vpError::ResponseModeDowngrade { expected: "dc_api.jwt" })));
    /// ```
    pub fn from_data(
        data: &Value,
        expected: ResponseMode,
        key: Option<&EncryptionKey>,
    ) -> Result<Self> {
        if !expected.is_dc_api() {
            return Err(Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(
                URL_MODE_OVER_DC_API,
            )));
        }
        let data = data
            .as_object()
            .ok_or(Error::not_an_object("Digital Credentials API response"))?;
        let has = |name: &str| data.contains_key(name);
        match (has("response"), has("vp_token"), has("error")) {
            (true, false, false) => {
                if expected != ResponseMode::DcApiJwt {
                    return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
                        name: "response",
                        detail: "the request asked for an unencrypted response (dc_api)".into(),
                    }));
                }
                let Some(Value::String(jwe)) = data.get("response") else {
                    return Err(not_a_string("response"));
                };
                let payload = decrypt_payload(jwe, key)?;
                Self::from_members(&payload)
            }
            (false, true, false) if expected == ResponseMode::DcApiJwt => {
                Err(Error::Oid4vp(Oid4vpError::ResponseModeDowngrade {
                    expected: ResponseMode::DcApiJwt.as_str(),
                }))
            }
            (false, _, _) => Self::from_members(data),
            (true, _, _) => Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "an encrypted `response` comes alone, without `vp_token` or `error`",
            ))),
        }
    }

    fn from_members(members: &Map<String, Value>) -> Result<Self> {
        match (members.get("vp_token"), members.get("error")) {
            (Some(token), None) => VpToken::from_value(token).map(DcApiResponse::Success),
            (None, Some(Value::String(code))) => {
                check_error_text(WHAT, code, None)?;
                Ok(DcApiResponse::Error(ErrorCode::from(code.as_str())))
            }
            (None, Some(_)) => Err(not_a_string("error")),
            (Some(_), Some(_)) => Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "`vp_token` and `error` must not both be present",
            ))),
            (None, None) => Err(Error::Oid4vp(Oid4vpError::MissingParameter("vp_token"))),
        }
    }
}
