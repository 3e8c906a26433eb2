//! Errors of keys, JWK, JWS algorithms and signatures, the crypto provider.

/// What went wrong with keys, JWK, JWS algorithms and signatures, the crypto provider.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JoseError {
    /// A JWK or key encoding is not usable (wrong length, point not on the curve, …).
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A key type or curve this crate does not support (P-384, secp256k1, BLS, …).
    #[error("unsupported key type: {0}")]
    UnsupportedKeyType(String),
    /// A JWK meant to be public carries private key material (`d`, `p`, …).
    #[error("a public JWK must not carry private key material")]
    PrivateKeyInPublicJwk,
    /// Not a compact JWS: it must be three base64url parts separated by dots.
    #[error("not a compact JWS: it must have three dot-separated parts")]
    NotCompact,
    /// The JWS algorithm is not one this crate implements.
    #[error("unsupported JWS algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// `alg: none`: unsigned tokens are never accepted.
    #[error("unsigned JWS (`alg: none`) is never accepted")]
    AlgNone,
    /// The JWS algorithm does not belong to the verification key's type.
    #[error("algorithm {alg} is not allowed with a {key_type} key")]
    AlgorithmKeyMismatch {
        /// The `alg` of the header.
        alg: &'static str,
        /// The type of key it was to be checked with.
        key_type: &'static str,
    },
    /// The header lists a `crit` parameter this crate does not understand.
    #[error("critical header parameter `{0}` is not understood")]
    UnsupportedCritical(String),
    /// `b64: false` (RFC 7797, unencoded payload) is not supported.
    #[error("unencoded JWS payloads (`b64: false`) are not supported")]
    UnencodedPayload,
    /// The signature does not verify with the given key.
    #[error("signature does not verify")]
    SignatureInvalid,
    /// The crypto backend failed while signing or generating a key.
    #[error("crypto provider error: {0}")]
    Crypto(String),
    /// The operating system's random source failed.
    #[error("random source unavailable")]
    Randomness,
}

impl JoseError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            JoseError::InvalidKey(..) => "invalid_key",
            JoseError::UnsupportedKeyType(..) => "unsupported_key_type",
            JoseError::PrivateKeyInPublicJwk => "private_key_in_public_jwk",
            JoseError::NotCompact => "not_compact_jws",
            JoseError::UnsupportedAlgorithm(..) => "unsupported_algorithm",
            JoseError::AlgNone => "alg_none",
            JoseError::AlgorithmKeyMismatch { .. } => "algorithm_key_mismatch",
            JoseError::UnsupportedCritical(..) => "unsupported_critical",
            JoseError::UnencodedPayload => "unencoded_payload",
            JoseError::SignatureInvalid => "signature_invalid",
            JoseError::Crypto(..) => "crypto",
            JoseError::Randomness => "randomness",
        }
    }
}
