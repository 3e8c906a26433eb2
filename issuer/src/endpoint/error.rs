//! What an endpoint answers when it refuses: an OAuth 2.0 / OpenID4VCI error code with a
//! stable [`code()`](ErrorCode::code), a description safe to show the client, and for a
//! failure of the issuer itself the error behind it (for the log, never for the client).

use core::fmt;

use crate::error::Error;

/// The error codes the endpoints answer with (RFC 6749 §5.2, RFC 6750 §3.1, OpenID4VCI 1.0
/// §8.3.1 and §7.3), plus `not_found`, `temporarily_unavailable` and `server_error`.
///
/// ```
/// use myna_issuer::endpoint::ErrorCode;
/// assert_eq!(ErrorCode::InvalidNonce.code(), "invalid_nonce");
/// assert_eq!(ErrorCode::ServerError.to_string(), "server_error");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request is malformed or asks for something this issuer does not do.
    InvalidRequest,
    /// The pre-authorized code (or its transaction code) is unknown, used or expired.
    InvalidGrant,
    /// The token request's grant type is not the pre-authorized code.
    UnsupportedGrantType,
    /// The access token is unknown or expired.
    InvalidToken,
    /// The credential request is malformed or asks for something the token does not cover.
    InvalidCredentialRequest,
    /// The credential configuration is not one this issuer offers.
    UnknownCredentialConfiguration,
    /// A key proof does not verify.
    InvalidProof,
    /// The `c_nonce` (or an anchoring challenge) is unknown, used or expired.
    InvalidNonce,
    /// The request is well formed but refused for a reason the holder can act on.
    CredentialRequestDenied,
    /// The card, its certificate or the certified facts do not allow what was asked.
    AccessDenied,
    /// What the request names does not exist here.
    NotFound,
    /// The issuer cannot answer now (no JPKI roots configured, a full status list).
    TemporarilyUnavailable,
    /// The issuer failed (storage, randomness): nothing the client did.
    ServerError,
}

impl ErrorCode {
    /// The code as sent on the wire: stable, documented above, never renamed.
    pub const fn code(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::InvalidCredentialRequest => "invalid_credential_request",
            ErrorCode::UnknownCredentialConfiguration => "unknown_credential_configuration",
            ErrorCode::InvalidProof => "invalid_proof",
            ErrorCode::InvalidNonce => "invalid_nonce",
            ErrorCode::CredentialRequestDenied => "credential_request_denied",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::NotFound => "not_found",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::ServerError => "server_error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Which kind of refusal: what an HTTP adapter turns into a status code (400, 401, 404, 409,
/// 503, 500) and an in-process caller can match on.
///
/// ```
/// use myna_issuer::endpoint::{EndpointError, ErrorCode, Refusal};
/// let err = EndpointError::new(Refusal::Unauthorized, ErrorCode::InvalidToken, "expired");
/// assert_eq!(err.refusal(), Refusal::Unauthorized);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refusal {
    /// The request is refused as it stands (HTTP 400).
    BadRequest,
    /// The bearer credential is missing or not accepted (HTTP 401).
    Unauthorized,
    /// What the request names does not exist (HTTP 404).
    NotFound,
    /// The request conflicts with the current state (HTTP 409).
    Conflict,
    /// The issuer cannot serve this now (HTTP 503).
    Unavailable,
    /// The issuer failed (HTTP 500).
    Internal,
}

/// An endpoint's refusal: its [`ErrorCode`], a description for the client (never personal
/// data) and, for a failure of the issuer, the [`Error`] behind it as its `source`.
///
/// ```
/// use myna_issuer::endpoint::{EndpointError, ErrorCode, Refusal};
/// let err = EndpointError::from(myna_issuer::Error::Randomness);
/// assert_eq!((err.code(), err.refusal()), (ErrorCode::ServerError, Refusal::Internal));
/// assert!(std::error::Error::source(&err).is_some());
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{code}: {description}")]
pub struct EndpointError {
    refusal: Refusal,
    code: ErrorCode,
    description: String,
    #[source]
    source: Option<Error>,
}

impl EndpointError {
    /// A refusal of this kind, with this code and description (shown to the client: it must
    /// never carry personal data).
    pub fn new(refusal: Refusal, code: ErrorCode, description: impl Into<String>) -> Self {
        EndpointError {
            refusal,
            code,
            description: description.into(),
            source: None,
        }
    }

    /// 400 with `code`.
    pub fn bad_request(code: ErrorCode, description: impl Into<String>) -> Self {
        Self::new(Refusal::BadRequest, code, description)
    }

    /// `invalid_request`.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::bad_request(ErrorCode::InvalidRequest, description)
    }

    /// `credential_request_denied`: refused for a reason the holder can act on.
    pub fn denied(description: impl Into<String>) -> Self {
        Self::bad_request(ErrorCode::CredentialRequestDenied, description)
    }

    /// `temporarily_unavailable`.
    pub fn unavailable(description: impl Into<String>) -> Self {
        Self::new(
            Refusal::Unavailable,
            ErrorCode::TemporarilyUnavailable,
            description,
        )
    }

    /// `server_error` caused by `source`: the client learns only that the issuer failed.
    pub fn internal(source: Error) -> Self {
        EndpointError {
            source: Some(source),
            ..Self::new(
                Refusal::Internal,
                ErrorCode::ServerError,
                "the issuer could not complete the request",
            )
        }
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The kind of refusal.
    pub fn refusal(&self) -> Refusal {
        self.refusal
    }

    /// The description for the client.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The issuer error behind a refusal, if there is one: a failure of the issuer, or a
    /// typed refusal of the request such as [`Error::ImplausibleFact`].
    ///
    /// ```
    /// use myna_issuer::{endpoint::EndpointError, Error, FactRejection};
    /// let err = EndpointError::from(Error::ImplausibleFact(FactRejection::CoverageEnded));
    /// assert_eq!(err.code().code(), "invalid_request");
    /// assert!(matches!(err.cause(), Some(Error::ImplausibleFact(FactRejection::CoverageEnded))));
    /// ```
    pub fn cause(&self) -> Option<&Error> {
        self.source.as_ref()
    }
}

impl From<Error> for EndpointError {
    /// How a library error is answered: storage and randomness failures are the issuer's
    /// (`server_error`), a card or its facts refused is `access_denied`, a used or expired
    /// nonce `invalid_nonce`, anything else the client's `invalid_request`.
    fn from(err: Error) -> Self {
        let (refusal, code) = match &err {
            Error::Storage(_) | Error::Corrupt { .. } | Error::Randomness => {
                return EndpointError::internal(err)
            }
            Error::StatusListFull { .. } => {
                return EndpointError {
                    source: Some(err),
                    ..EndpointError::unavailable("the status list is full")
                }
            }
            // Kept as the source, so an in-process caller can match the typed rejection.
            Error::Challenge(_) => {
                return EndpointError {
                    source: Some(err.clone()),
                    ..EndpointError::bad_request(ErrorCode::InvalidNonce, err.to_string())
                }
            }
            Error::UnknownCredential(_) => {
                return EndpointError::new(
                    Refusal::NotFound,
                    ErrorCode::NotFound,
                    "credential not found",
                )
            }
            Error::UnknownSealedLink => {
                return EndpointError::new(
                    Refusal::NotFound,
                    ErrorCode::NotFound,
                    "sealed link not found",
                )
            }
            Error::UnknownSubject => {
                return EndpointError::new(
                    Refusal::NotFound,
                    ErrorCode::NotFound,
                    "subject not found",
                )
            }
            // Kept as the source, so an in-process caller can match the typed rejection.
            Error::ImplausibleFact(rejection) => {
                return EndpointError {
                    source: Some(err.clone()),
                    ..EndpointError::invalid_request(rejection.to_string())
                }
            }
            Error::IllegalTransition { .. } => (Refusal::Conflict, ErrorCode::InvalidRequest),
            Error::Anchor(_)
            | Error::Card(_)
            | Error::CertificateRevoked(_)
            | Error::UnknownCertificate(_)
            | Error::NotResident(_)
            | Error::CoverageEnded => (Refusal::BadRequest, ErrorCode::AccessDenied),
            _ => (Refusal::BadRequest, ErrorCode::InvalidRequest),
        };
        EndpointError::new(refusal, code, err.to_string())
    }
}

impl From<crate::IdentifierError> for EndpointError {
    fn from(err: crate::IdentifierError) -> Self {
        EndpointError::from(Error::from(err))
    }
}

impl From<myna_vc_core::Error> for EndpointError {
    fn from(err: myna_vc_core::Error) -> Self {
        EndpointError::from(Error::from(err))
    }
}
