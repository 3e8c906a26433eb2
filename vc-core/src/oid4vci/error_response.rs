//! Error responses of the token and credential endpoints (RFC 6749 §5.2, RFC 6750 §3.1,
//! OpenID4VCI 1.0 §8.3.1).

use core::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Message;
use crate::error::{Error, Oid4vciError, Result};

/// An OAuth / OpenID4VCI error code. Codes outside the spec lists are kept in
/// [`Other`](Self::Other) (the spec says SHOULD, not MUST).
///
/// ```
/// use myna_vc_core::{oid4vci::ErrorCode, Error};
/// assert_eq!(ErrorCode::from("invalid_nonce"), ErrorCode::InvalidNonce);
/// assert_eq!(ErrorCode::for_proof_error(&Error::Oid4vci(myna_vc_core::Oid4vciError::ProofNonceMismatch)), ErrorCode::InvalidNonce);
/// assert_eq!(ErrorCode::for_proof_error(&Error::Jose(myna_vc_core::JoseError::SignatureInvalid)), ErrorCode::InvalidProof);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ErrorCode {
    /// `invalid_request` (RFC 6749, RFC 6750).
    InvalidRequest,
    /// `invalid_client` (RFC 6749).
    InvalidClient,
    /// `invalid_grant`: wrong or expired pre-authorized code, wrong transaction code.
    InvalidGrant,
    /// `unauthorized_client` (RFC 6749).
    UnauthorizedClient,
    /// `unsupported_grant_type` (RFC 6749).
    UnsupportedGrantType,
    /// `invalid_scope` (RFC 6749).
    InvalidScope,
    /// `invalid_token` (RFC 6750).
    InvalidToken,
    /// `insufficient_scope` (RFC 6750).
    InsufficientScope,
    /// `invalid_credential_request`.
    InvalidCredentialRequest,
    /// `unknown_credential_configuration`.
    UnknownCredentialConfiguration,
    /// `unknown_credential_identifier`.
    UnknownCredentialIdentifier,
    /// `invalid_proof`.
    InvalidProof,
    /// `invalid_nonce`: the wallet should fetch a new `c_nonce`.
    InvalidNonce,
    /// `invalid_encryption_parameters`.
    InvalidEncryptionParameters,
    /// `credential_request_denied`: unrecoverable.
    CredentialRequestDenied,
    /// Any other code.
    Other(String),
}

const CODES: [(ErrorCode, &str); 15] = [
    (ErrorCode::InvalidRequest, "invalid_request"),
    (ErrorCode::InvalidClient, "invalid_client"),
    (ErrorCode::InvalidGrant, "invalid_grant"),
    (ErrorCode::UnauthorizedClient, "unauthorized_client"),
    (ErrorCode::UnsupportedGrantType, "unsupported_grant_type"),
    (ErrorCode::InvalidScope, "invalid_scope"),
    (ErrorCode::InvalidToken, "invalid_token"),
    (ErrorCode::InsufficientScope, "insufficient_scope"),
    (
        ErrorCode::InvalidCredentialRequest,
        "invalid_credential_request",
    ),
    (
        ErrorCode::UnknownCredentialConfiguration,
        "unknown_credential_configuration",
    ),
    (
        ErrorCode::UnknownCredentialIdentifier,
        "unknown_credential_identifier",
    ),
    (ErrorCode::InvalidProof, "invalid_proof"),
    (ErrorCode::InvalidNonce, "invalid_nonce"),
    (
        ErrorCode::InvalidEncryptionParameters,
        "invalid_encryption_parameters",
    ),
    (
        ErrorCode::CredentialRequestDenied,
        "credential_request_denied",
    ),
];

impl ErrorCode {
    /// The code as sent on the wire.
    pub fn as_str(&self) -> &str {
        if let ErrorCode::Other(code) = self {
            return code;
        }
        CODES
            .iter()
            .find(|(c, _)| c == self)
            .map_or("", |(_, name)| name)
    }

    /// The code an issuer answers when key proof verification failed with `err`: a nonce
    /// problem is `invalid_nonce` (the wallet can recover), anything else `invalid_proof`.
    pub fn for_proof_error(err: &Error) -> Self {
        match err {
            Error::Oid4vci(Oid4vciError::ProofNonceMismatch) => ErrorCode::InvalidNonce,
            _ => ErrorCode::InvalidProof,
        }
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        CODES
            .iter()
            .find(|(_, name)| *name == code)
            .map_or_else(|| ErrorCode::Other(code.to_owned()), |(c, _)| c.clone())
    }
}

impl From<String> for ErrorCode {
    fn from(code: String) -> Self {
        ErrorCode::from(code.as_str())
    }
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> String {
        code.as_str().to_owned()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error response body: `{"error": …, "error_description": …}`.
///
/// ```
/// use myna_vc_core::oid4vci::{ErrorCode, ErrorResponse, Message};
/// let response = ErrorResponse::from_json(br#"{"error": "unknown_credential_configuration"}"#)?;
/// assert_eq!(response.error, ErrorCode::UnknownCredentialConfiguration);
/// let built = ErrorResponse::new(ErrorCode::InvalidProof, Some("proof 1: stale iat"))?;
/// assert_eq!(built.to_json()?, r#"{"error":"invalid_proof","error_description":"proof 1: stale iat"}"#);
/// // Descriptions are restricted to printable ASCII without `"` and `\`.
/// assert!(ErrorResponse::new(ErrorCode::InvalidProof, Some("年齢")).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// `error`.
    pub error: ErrorCode,
    /// `error_description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// Every other member (`error_uri`, …), untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ErrorResponse {
    /// An error response, checking the description's character set.
    pub fn new(error: ErrorCode, description: Option<&str>) -> Result<Self> {
        let response = ErrorResponse {
            error,
            error_description: description.map(str::to_owned),
            other: Map::new(),
        };
        response.check()?;
        Ok(response)
    }
}

impl Message for ErrorResponse {
    const WHAT: &'static str = "error response";

    fn check(&self) -> Result<()> {
        check_error_text(
            Self::WHAT,
            self.error.as_str(),
            self.error_description.as_deref(),
        )
    }
}

/// RFC 6749 §5.2: `error` and `error_description` are printable ASCII without `"` and `\`
/// (`error` non-empty). Shared with the OpenID4VP error responses.
pub(crate) fn check_error_text(
    what: &'static str,
    error: &str,
    description: Option<&str>,
) -> Result<()> {
    let allowed = |c: char| matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e');
    if error.is_empty() || !error.chars().all(allowed) {
        return Err(Error::member_type(what, "error", "a printable ASCII code"));
    }
    if description.is_some_and(|d| !d.chars().all(allowed)) {
        return Err(Error::member_type(
            what,
            "error_description",
            "printable ASCII without `\"` and `\\`",
        ));
    }
    Ok(())
}
