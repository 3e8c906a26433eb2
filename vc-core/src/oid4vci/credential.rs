//! The nonce endpoint's response and the Credential Request and Response
//! (OpenID4VCI 1.0 §7, §8).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{require_non_empty, shorten, Message};
use crate::b64;
use crate::crypto::fill_random;
use crate::error::{Error, Oid4vciError, Result};

/// A `c_nonce`: the issuer's freshness challenge for key proofs.
///
/// ```
/// use myna_vc_core::oid4vci::CNonce;
/// let a = CNonce::generate()?;
/// assert_eq!(a.as_str().len(), 22); // 128 random bits, base64url
/// assert_ne!(a, CNonce::generate()?);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CNonce(String);

impl CNonce {
    /// Wraps a nonce value.
    pub fn new(nonce: impl Into<String>) -> Self {
        CNonce(nonce.into())
    }

    /// A fresh unpredictable nonce: 128 bits from the OS random source.
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; 16];
        fill_random(&mut bytes)?;
        Ok(CNonce(b64::encode(bytes)))
    }

    /// The nonce.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Nonce Response: `{"c_nonce": …}`.
///
/// ```
/// use myna_vc_core::oid4vci::{CNonce, Message, NonceResponse};
/// let response = NonceResponse { c_nonce: CNonce::new("wKI4LT17ac15ES9bw8ac4") };
/// assert_eq!(response.to_json()?, r#"{"c_nonce":"wKI4LT17ac15ES9bw8ac4"}"#);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonceResponse {
    /// `c_nonce`.
    pub c_nonce: CNonce,
}

impl Message for NonceResponse {
    const WHAT: &'static str = "nonce response";

    fn check(&self) -> Result<()> {
        if self.c_nonce.as_str().is_empty() {
            return Err(Error::member_type(
                Self::WHAT,
                "c_nonce",
                "a non-empty string",
            ));
        }
        Ok(())
    }
}

/// A Credential Request: exactly one of `credential_identifier` and
/// `credential_configuration_id`, and key proofs in `proofs` (plural; 1.0 has no singular
/// `proof`, and the pre-1.0 `format` member is refused).
///
/// ```
/// use myna_vc_core::{oid4vci::{CredentialRequest, Message}, Error};
/// let request = CredentialRequest::from_json(br#"{"credential_configuration_id": "resident",
///   "proofs": {"jwt": ["eyJ0eXAi.e30.c2ln"]}}"#)?;
/// assert_eq!(request.proofs.unwrap().jwt, ["eyJ0eXAi.e30.c2ln"]);
/// let both = br#"{"credential_configuration_id": "a", "credential_identifier": "b"}"#;
/// assert!(matches!(CredentialRequest::from_json(both), Err(Error::Input(myna_vc_core::InputError::OneOf { .. }))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialRequest {
    /// `credential_identifier`, from the Token Response's `authorization_details`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_identifier: Option<String>,
    /// `credential_configuration_id`, from the offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_configuration_id: Option<String>,
    /// `proofs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proofs: Option<Proofs>,
    /// `credential_response_encryption`, untouched (this crate does not encrypt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_response_encryption: Option<Value>,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl CredentialRequest {
    /// A request for `configuration_id` with `jwt` key proofs.
    ///
    /// ```
    /// use myna_vc_core::oid4vci::CredentialRequest;
    /// let request = CredentialRequest::for_configuration("resident", vec!["a.b.c".into()]);
    /// assert_eq!(request.credential_configuration_id.as_deref(), Some("resident"));
    /// ```
    pub fn for_configuration(configuration_id: impl Into<String>, jwt_proofs: Vec<String>) -> Self {
        CredentialRequest {
            credential_identifier: None,
            credential_configuration_id: Some(configuration_id.into()),
            proofs: Some(Proofs {
                jwt: jwt_proofs,
                other: Map::new(),
            }),
            credential_response_encryption: None,
            other: Map::new(),
        }
    }
}

impl Message for CredentialRequest {
    const WHAT: &'static str = "credential request";

    fn check(&self) -> Result<()> {
        match (
            &self.credential_identifier,
            &self.credential_configuration_id,
        ) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(Error::one_of(
                    Self::WHAT,
                    "credential_identifier",
                    "credential_configuration_id",
                ))
            }
            _ => {}
        }
        for stale in ["proof", "format"] {
            if self.other.contains_key(stale) {
                return Err(Error::Oid4vci(Oid4vciError::DraftRequestMember(stale)));
            }
        }
        self.proofs.as_ref().map_or(Ok(()), Proofs::check)
    }
}

/// `proofs`: exactly one proof type with a non-empty array. Only `jwt` is supported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proofs {
    /// `jwt`: compact key proof JWTs, one per key.
    #[serde(default)]
    pub jwt: Vec<String>,
    /// Other proof types; any present is [`Oid4vciError::UnsupportedProofType`].
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Proofs {
    fn check(&self) -> Result<()> {
        if let Some(name) = self.other.keys().next() {
            return Err(Error::Oid4vci(Oid4vciError::UnsupportedProofType(shorten(
                name,
            ))));
        }
        require_non_empty(&self.jwt, CredentialRequest::WHAT, "proofs.jwt")
    }
}

/// A Credential Response: issued `credentials`, or a `transaction_id` for deferred issuance.
///
/// ```
/// use myna_vc_core::oid4vci::{CredentialResponse, Message};
/// let response = CredentialResponse::issued(vec!["eyJ...~WyJ...~".into()]);
/// let parsed = CredentialResponse::from_json(response.to_json()?.as_bytes())?;
/// assert_eq!(parsed.credential_strings(), ["eyJ...~WyJ...~"]);
/// assert!(CredentialResponse::from_json(br#"{"credentials": []}"#).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialResponse {
    /// `credentials`: one per key proof (or fewer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Vec<IssuedCredential>>,
    /// `transaction_id` (deferred issuance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// `interval`: seconds to wait before asking the deferred endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<u64>,
    /// `notification_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_id: Option<String>,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl CredentialResponse {
    /// A response carrying issued string credentials (SD-JWT VCs).
    pub fn issued(credentials: Vec<String>) -> Self {
        let credentials = credentials
            .into_iter()
            .map(|c| IssuedCredential {
                credential: Value::String(c),
                other: Map::new(),
            })
            .collect();
        CredentialResponse {
            credentials: Some(credentials),
            transaction_id: None,
            interval: None,
            notification_id: None,
            other: Map::new(),
        }
    }

    /// The issued credentials that are strings (every SD-JWT VC is), in order.
    pub fn credential_strings(&self) -> Vec<&str> {
        self.credentials
            .iter()
            .flatten()
            .filter_map(|c| c.credential.as_str())
            .collect()
    }
}

impl Message for CredentialResponse {
    const WHAT: &'static str = "credential response";

    fn check(&self) -> Result<()> {
        match (&self.credentials, &self.transaction_id) {
            (Some(list), None) => {
                require_non_empty(list, Self::WHAT, "credentials")?;
                if self.interval.is_some() {
                    return Err(Error::member_type(
                        Self::WHAT,
                        "interval",
                        "absent when `credentials` is present",
                    ));
                }
                Ok(())
            }
            (None, Some(_)) if self.interval.is_some_and(|i| i > 0) => Ok(()),
            (None, Some(_)) => Err(Error::member_type(
                Self::WHAT,
                "interval",
                "a positive number of seconds with `transaction_id`",
            )),
            (Some(_), Some(_)) | (None, None) => {
                Err(Error::one_of(Self::WHAT, "credentials", "transaction_id"))
            }
        }
    }
}

/// One entry of `credentials`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedCredential {
    /// `credential`: a string (SD-JWT VC) or an object, depending on the format.
    pub credential: Value,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}
