//! Errors of claim paths (OpenID4VP claims path pointers).

/// What went wrong with claim paths (OpenID4VP claims path pointers).
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimPathError {
    /// A claim path asked to be disclosed or presented does not exist in the claims.
    #[error("claim path {0} does not exist")]
    Unknown(String),
    /// A claims path pointer that is not a JSON array or is an empty one.
    #[error("a claims path pointer must be a non-empty JSON array")]
    Empty,
    /// A claims path pointer segment that is not a string, a non-negative integer or `null`.
    #[error("claims path pointer segments are strings, non-negative integers or null")]
    InvalidSegment,
    /// A claims path pointer met a value of the wrong kind while being processed (a key
    /// applied to a non-object, an index or `null` to a non-array; §7.1.1 says abort).
    #[error("claims path {0} does not fit the credential's structure")]
    TypeMismatch(String),
}

impl ClaimPathError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            ClaimPathError::Unknown(..) => "unknown_claim_path",
            ClaimPathError::TypeMismatch(..) => "claim_path_type_mismatch",
            ClaimPathError::Empty => "claim_path_empty",
            ClaimPathError::InvalidSegment => "claim_path_invalid_segment",
        }
    }
}
