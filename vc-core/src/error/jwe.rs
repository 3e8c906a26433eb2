//! Errors of compact JWE (encrypted OpenID4VP responses).

/// What went wrong with a compact JWE: its shape, its algorithms, its key, its tag.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
/// None of them says more than needed: a decryption failure never tells why the tag did not
/// match (another key, or altered bytes look the same, as they must).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JweError {
    /// Not a compact JWE of this profile: five base64url parts, a JSON protected header with
    /// `epk` a P-256 point on the curve, no encrypted key (direct key agreement), a 96-bit IV
    /// and a 128-bit tag; or larger than this crate accepts.
    #[error("malformed JWE: {0}")]
    Malformed(String),
    /// `alg` other than `ECDH-ES`, an `enc` not allowed here, `zip`, or any `crit` parameter.
    #[error("unsupported JWE algorithm or parameter: {0}")]
    UnsupportedAlgorithm(String),
    /// The JWE names another key (`kid`) or another curve than the recipient's key.
    #[error("the JWE is for another key: {0}")]
    KeyMismatch(String),
    /// The authentication tag does not verify: encrypted to another key, or altered.
    #[error("the JWE does not decrypt: encrypted to another key or altered")]
    DecryptionFailed,
}

impl JweError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            JweError::Malformed(..) => "jwe_malformed",
            JweError::UnsupportedAlgorithm(..) => "jwe_unsupported_algorithm",
            JweError::KeyMismatch(..) => "jwe_key_mismatch",
            JweError::DecryptionFailed => "jwe_decryption_failed",
        }
    }
}
