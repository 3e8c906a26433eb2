//! Errors of SD-JWT (RFC 9901): disclosures, digests and key binding.

use crate::time::NumericDate;

/// What went wrong with SD-JWT (RFC 9901): disclosures, digests and key binding.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SdJwtError {
    /// A disclosure is not a base64url JSON array of 2 or 3 elements with string salt and name.
    #[error("malformed disclosure: {0}")]
    MalformedDisclosure(String),
    /// The same digest appears more than once in the payload and the disclosures.
    #[error("digest {0} appears more than once")]
    DuplicateDigest(String),
    /// A disclosure is not referenced by any digest in the payload or another disclosure.
    #[error("disclosure with digest {0} is not referenced by the SD-JWT")]
    UnreferencedDisclosure(String),
    /// A disclosure uses the reserved claim name `_sd` or `...`.
    #[error("disclosure uses the reserved claim name `{0}`")]
    ReservedClaimName(String),
    /// An object of the issuer-signed payload (or of a disclosed value) has a claim named
    /// `...`, a name RFC 9901 §4.1 reserves for array element digests. The string is where:
    /// `the top level`, or the claim path of the object holding it.
    #[error(
        "the claim name `...` is reserved for array element digests but names a claim in the object at {0}"
    )]
    ReservedClaimInPayload(String),
    /// A disclosed claim name already exists at the same level of the object.
    #[error("disclosed claim `{0}` collides with a claim already present")]
    ClaimNameCollision(String),
    /// An object-property disclosure sits in an array, or an array-element one in `_sd`.
    #[error(
        "disclosure {digest} is a {found} disclosure where an {expected} disclosure is required"
    )]
    DisclosureKindMismatch {
        /// The digest of the offending disclosure.
        digest: String,
        /// `"object property"` or `"array element"`.
        expected: &'static str,
        /// What it is instead.
        found: &'static str,
    },
    /// `_sd` is not an array of digest strings.
    #[error("`_sd` must be an array of digest strings")]
    InvalidSdArray,
    /// An array element object with `...` has other keys or a non-string digest.
    #[error("array element digest object must be exactly {{\"...\": \"<digest>\"}}")]
    InvalidArrayDigest,
    /// `_sd_alg` names a hash algorithm this crate does not support.
    #[error("unsupported `_sd_alg` `{0}`")]
    UnsupportedSdAlg(String),
    /// `_sd_alg` appears somewhere other than the top level of the payload.
    #[error("`_sd_alg` is only allowed at the top level of the payload")]
    MisplacedSdAlg,
    /// The SD-JWT string does not have the `<jwt>~<disclosures>~[<kb-jwt>]` shape.
    #[error("not an SD-JWT: {0}")]
    NotAnSdJwt(String),
    /// Key binding was required but the presentation has no KB-JWT.
    #[error("key binding is required but the presentation has no KB-JWT")]
    KeyBindingMissing,
    /// The KB-JWT `nonce` is not the verifier's nonce.
    #[error("KB-JWT nonce does not match")]
    NonceMismatch,
    /// The KB-JWT `aud` is not the verifier.
    #[error("KB-JWT audience does not match")]
    AudienceMismatch,
    /// The KB-JWT `sd_hash` does not match the presented SD-JWT.
    #[error("KB-JWT sd_hash does not match the presentation")]
    SdHashMismatch,
    /// The KB-JWT `iat` is outside the verifier's acceptance window.
    #[error("KB-JWT issued at {iat}, outside the window around {now}")]
    KeyBindingStale {
        /// The KB-JWT's `iat`.
        iat: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
    /// The SD-JWT has no `cnf` key to check a KB-JWT against.
    #[error("the SD-JWT has no usable `cnf` holder key")]
    NoHolderKey,
    /// A claim that must never be selectively disclosed was marked disclosable.
    #[error("claim `{0}` must not be selectively disclosable")]
    NotDisclosable(String),
}

impl SdJwtError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            SdJwtError::MalformedDisclosure(..) => "malformed_disclosure",
            SdJwtError::DuplicateDigest(..) => "duplicate_digest",
            SdJwtError::UnreferencedDisclosure(..) => "unreferenced_disclosure",
            SdJwtError::ReservedClaimName(..) => "reserved_claim_name",
            SdJwtError::ReservedClaimInPayload(..) => "reserved_claim_in_payload",
            SdJwtError::ClaimNameCollision(..) => "claim_name_collision",
            SdJwtError::DisclosureKindMismatch { .. } => "disclosure_kind_mismatch",
            SdJwtError::InvalidSdArray => "invalid_sd_array",
            SdJwtError::InvalidArrayDigest => "invalid_array_digest",
            SdJwtError::UnsupportedSdAlg(..) => "unsupported_sd_alg",
            SdJwtError::MisplacedSdAlg => "misplaced_sd_alg",
            SdJwtError::NotAnSdJwt(..) => "not_an_sd_jwt",
            SdJwtError::KeyBindingMissing => "key_binding_missing",
            SdJwtError::NonceMismatch => "nonce_mismatch",
            SdJwtError::AudienceMismatch => "audience_mismatch",
            SdJwtError::SdHashMismatch => "sd_hash_mismatch",
            SdJwtError::KeyBindingStale { .. } => "key_binding_stale",
            SdJwtError::NoHolderKey => "no_holder_key",
            SdJwtError::NotDisclosable(..) => "not_disclosable",
        }
    }
}
