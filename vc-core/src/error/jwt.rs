//! Errors of JWT type, claims and validity period.

use crate::time::NumericDate;

/// What went wrong with JWT type, claims and validity period.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// The `typ` header is not the one this token kind requires.
    #[error("token type `{found}` where `{expected}` is required")]
    WrongType {
        /// The required `typ`.
        expected: String,
        /// The `typ` found (empty when absent).
        found: String,
    },
    /// A required claim is missing.
    #[error("required claim `{0}` is missing")]
    MissingClaim(&'static str),
    /// A claim has the wrong type or an unacceptable value.
    #[error("claim `{claim}` is invalid: {detail}")]
    InvalidClaim {
        /// The claim name.
        claim: &'static str,
        /// Why it is invalid.
        detail: String,
    },
    /// `exp` has passed (beyond the leeway).
    #[error("expired at {exp} (now {now})")]
    Expired {
        /// The token's `exp`.
        exp: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
    /// `nbf` is still in the future (beyond the leeway).
    #[error("not valid before {nbf} (now {now})")]
    NotYetValid {
        /// The token's `nbf`.
        nbf: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
    /// `iat` is in the future (beyond the leeway).
    #[error("issued in the future at {iat} (now {now})")]
    IssuedInFuture {
        /// The token's `iat`.
        iat: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
}

impl JwtError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            JwtError::WrongType { .. } => "wrong_type",
            JwtError::MissingClaim(..) => "missing_claim",
            JwtError::InvalidClaim { .. } => "invalid_claim",
            JwtError::Expired { .. } => "expired",
            JwtError::NotYetValid { .. } => "not_yet_valid",
            JwtError::IssuedInFuture { .. } => "issued_in_future",
        }
    }
}
