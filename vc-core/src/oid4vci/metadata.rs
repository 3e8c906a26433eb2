//! Credential Issuer Metadata (OpenID4VCI 1.0 §12.2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{require_non_empty, IssuerId, Message};
use crate::error::{Error, Result};

/// The `format` of an IETF SD-JWT VC credential configuration.
pub const SD_JWT_VC_FORMAT: &str = "dc+sd-jwt";

/// The JSON document at `/.well-known/openid-credential-issuer`.
///
/// Display metadata and the encryption parameters stay raw JSON (in [`display`](Self::display)
/// and [`other`](Self::other)): this crate neither renders nor encrypts.
///
/// ```
/// use myna_vc_core::oid4vci::{CredentialIssuerMetadata, Message};
/// let meta = CredentialIssuerMetadata::from_json(br#"{
///   "credential_issuer": "https://city.example",
///   "credential_endpoint": "https://city.example/credential",
///   "nonce_endpoint": "https://city.example/nonce",
///   "batch_credential_issuance": {"batch_size": 10},
///   "credential_configurations_supported": {
///     "resident": {"format": "dc+sd-jwt", "vct": "https://city.example/resident",
///                  "cryptographic_binding_methods_supported": ["jwk"],
///                  "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}}}
///   }
/// }"#)?;
/// assert_eq!(meta.batch_size(), 10);
/// assert_eq!(meta.credential_configurations_supported["resident"].vct.as_deref(),
///            Some("https://city.example/resident"));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialIssuerMetadata {
    /// `credential_issuer`: the issuer's identifier.
    pub credential_issuer: IssuerId,
    /// `authorization_servers`: absent when the issuer is its own authorization server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_servers: Option<Vec<String>>,
    /// `credential_endpoint`.
    pub credential_endpoint: String,
    /// `nonce_endpoint`: present when key proofs must carry a `c_nonce`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce_endpoint: Option<String>,
    /// `deferred_credential_endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_credential_endpoint: Option<String>,
    /// `notification_endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_endpoint: Option<String>,
    /// `batch_credential_issuance`: absent means one credential per request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_credential_issuance: Option<BatchCredentialIssuance>,
    /// `display`, untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<Value>,
    /// `credential_configurations_supported`, by configuration id.
    pub credential_configurations_supported: BTreeMap<String, CredentialConfiguration>,
    /// Every other member (encryption parameters, signed metadata, extensions), untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl CredentialIssuerMetadata {
    /// How many key proofs (and so credentials) one Credential Request may carry: the
    /// `batch_size`, or 1 without batch issuance.
    pub fn batch_size(&self) -> usize {
        self.batch_credential_issuance
            .as_ref()
            .map_or(1, |b| usize::try_from(b.batch_size).unwrap_or(usize::MAX))
    }
}

impl Message for CredentialIssuerMetadata {
    const WHAT: &'static str = "credential issuer metadata";

    fn check(&self) -> Result<()> {
        if let Some(servers) = &self.authorization_servers {
            require_non_empty(servers, Self::WHAT, "authorization_servers")?;
        }
        if let Some(batch) = &self.batch_credential_issuance {
            batch.check()?;
        }
        self.credential_configurations_supported
            .values()
            .try_for_each(CredentialConfiguration::check)
    }
}

/// `batch_credential_issuance`: how many proofs one request may carry.
///
/// ```
/// use myna_vc_core::oid4vci::BatchCredentialIssuance;
/// assert!(BatchCredentialIssuance { batch_size: 1 }.check().is_err()); // must be 2 or more
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCredentialIssuance {
    /// `batch_size`: 2 or more.
    pub batch_size: u64,
}

impl BatchCredentialIssuance {
    /// Refuses a `batch_size` below 2 (the spec's minimum).
    pub fn check(&self) -> Result<()> {
        if self.batch_size < 2 {
            return Err(Error::member_type(
                "credential issuer metadata",
                "batch_size",
                "2 or greater",
            ));
        }
        Ok(())
    }
}

/// One entry of `credential_configurations_supported`. The SD-JWT VC members are typed;
/// `credential_metadata` (display and claims) stays raw JSON.
///
/// ```
/// use myna_vc_core::oid4vci::{CredentialConfiguration, Message, SD_JWT_VC_FORMAT};
/// let conf = CredentialConfiguration::from_json(br#"{"format": "dc+sd-jwt", "vct": "urn:x",
///   "credential_signing_alg_values_supported": ["ES256"]}"#)?;
/// assert_eq!(conf.format, SD_JWT_VC_FORMAT);
/// // An SD-JWT VC configuration without `vct` is refused.
/// assert!(CredentialConfiguration::from_json(br#"{"format": "dc+sd-jwt"}"#).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialConfiguration {
    /// `format`, e.g. [`SD_JWT_VC_FORMAT`].
    pub format: String,
    /// `scope`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `vct`: required for `dc+sd-jwt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vct: Option<String>,
    /// `cryptographic_binding_methods_supported` (`jwk`, `did:…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptographic_binding_methods_supported: Option<Vec<String>>,
    /// `credential_signing_alg_values_supported`: JOSE names for `dc+sd-jwt` (other formats
    /// may use COSE numbers, so the values stay JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_signing_alg_values_supported: Option<Vec<Value>>,
    /// `proof_types_supported`, by proof type (`jwt`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_types_supported: Option<BTreeMap<String, ProofTypeMetadata>>,
    /// `credential_metadata` (display, claims), untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_metadata: Option<Value>,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Message for CredentialConfiguration {
    const WHAT: &'static str = "credential configuration";

    fn check(&self) -> Result<()> {
        if self.format == SD_JWT_VC_FORMAT && self.vct.as_deref().is_none_or(str::is_empty) {
            return Err(Error::missing_member(Self::WHAT, "vct"));
        }
        if let Some(methods) = &self.cryptographic_binding_methods_supported {
            require_non_empty(
                methods,
                Self::WHAT,
                "cryptographic_binding_methods_supported",
            )?;
        }
        if let Some(types) = &self.proof_types_supported {
            if types.is_empty() {
                return Err(Error::member_type(
                    Self::WHAT,
                    "proof_types_supported",
                    "a non-empty object",
                ));
            }
            for proof in types.values() {
                require_non_empty(
                    &proof.proof_signing_alg_values_supported,
                    Self::WHAT,
                    "proof_signing_alg_values_supported",
                )?;
            }
        }
        Ok(())
    }
}

/// One entry of `proof_types_supported`.
///
/// ```
/// use myna_vc_core::oid4vci::ProofTypeMetadata;
/// let jwt: ProofTypeMetadata = serde_json::from_str(r#"{"proof_signing_alg_values_supported": ["ES256"]}"#).unwrap();
/// assert_eq!(jwt.proof_signing_alg_values_supported, ["ES256"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProofTypeMetadata {
    /// `proof_signing_alg_values_supported`: the JOSE `alg` names a key proof may use.
    pub proof_signing_alg_values_supported: Vec<String>,
    /// `key_attestations_required`, untouched (this crate does not check key attestations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_attestations_required: Option<Value>,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}
