//! Errors of OpenID4VCI offers, tokens, key proofs and credential requests.

use crate::time::NumericDate;

/// What went wrong with OpenID4VCI offers, tokens, key proofs and credential requests.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Oid4vciError {
    /// An OpenID4VCI key proof's `aud` is not this Credential Issuer's identifier.
    #[error("key proof audience is not this credential issuer")]
    ProofAudienceMismatch,
    /// An OpenID4VCI key proof's `nonce` is not the `c_nonce` the issuer handed out
    /// (the `invalid_nonce` error code: the wallet should fetch a new one).
    #[error("key proof nonce is not the expected c_nonce")]
    ProofNonceMismatch,
    /// An OpenID4VCI key proof's `iat` is older than the issuer's acceptance window.
    #[error("key proof issued at {iat}, too old at {now}")]
    ProofStale {
        /// The proof's `iat`.
        iat: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
    /// A key proof names its key other than by a `jwk` header (`kid`, `x5c`, …), which this
    /// profile does not resolve, or names it in more than one way.
    #[error("key proof must carry exactly one `jwk` header key: {0}")]
    ProofKeyNotJwk(&'static str),
    /// The key proof's `alg` is not one the issuer lists in `proof_signing_alg_values_supported`.
    #[error("key proof algorithm {0} is not allowed by the issuer")]
    ProofAlgorithmNotAllowed(&'static str),
    /// Two key proofs of one Credential Request prove the same key; every credential of a batch
    /// must be bound to its own key so the credentials cannot be linked.
    #[error("key proofs {first} and {second} prove the same key")]
    DuplicateProofKey {
        /// 0-based index of the first proof with that key.
        first: usize,
        /// 0-based index of the repeat.
        second: usize,
    },
    /// A Credential Request carries more key proofs than the issuer's `batch_size` allows.
    #[error("{count} key proofs, more than the batch size {limit}")]
    TooManyProofs {
        /// The number of proofs in the request.
        count: usize,
        /// The issuer's limit.
        limit: usize,
    },
    /// A `proofs` member of a type this crate does not verify (`di_vp`, `attestation`, …).
    #[error("unsupported key proof type `{0}`")]
    UnsupportedProofType(String),
    /// A Credential Request member of a pre-1.0 draft (`proof`, `format`): 1.0 wallets send
    /// `proofs` and a configuration id, and a silently ignored `proof` would bind nothing.
    #[error("`{0}` is a Credential Request member of a draft, not of OpenID4VCI 1.0")]
    DraftRequestMember(&'static str),
    /// A Credential Issuer Identifier that is not an https URL without query and fragment.
    #[error("invalid credential issuer identifier: it {problem}")]
    InvalidIssuerId {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// An `authorization_details` entry of a type other than `openid_credential`.
    #[error("unsupported authorization_details type `{0}`")]
    UnsupportedAuthorizationDetail(String),
    /// A Token Request whose `grant_type` is not the pre-authorized code grant.
    #[error("unsupported grant type `{0}`")]
    UnsupportedGrantType(String),
}

impl Oid4vciError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            Oid4vciError::ProofAudienceMismatch => "proof_audience_mismatch",
            Oid4vciError::ProofNonceMismatch => "proof_nonce_mismatch",
            Oid4vciError::ProofStale { .. } => "proof_stale",
            Oid4vciError::ProofKeyNotJwk(..) => "proof_key_not_jwk",
            Oid4vciError::ProofAlgorithmNotAllowed(..) => "proof_algorithm_not_allowed",
            Oid4vciError::DuplicateProofKey { .. } => "duplicate_proof_key",
            Oid4vciError::TooManyProofs { .. } => "too_many_proofs",
            Oid4vciError::UnsupportedProofType(..) => "unsupported_proof_type",
            Oid4vciError::DraftRequestMember(..) => "draft_request_member",
            Oid4vciError::InvalidIssuerId { .. } => "invalid_credential_issuer_id",
            Oid4vciError::UnsupportedAuthorizationDetail(..) => "unsupported_authorization_detail",
            Oid4vciError::UnsupportedGrantType(..) => "unsupported_grant_type",
        }
    }
}
