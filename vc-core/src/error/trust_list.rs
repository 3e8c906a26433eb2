//! Errors of the trust list of issuers.

use crate::time::NumericDate;

/// What went wrong with the trust list of issuers.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustListError {
    /// A trust list older than one already seen: a replay of a list that may still trust a
    /// revoked issuer.
    #[error("trust list version {found} is older than the version {seen} already seen")]
    Rollback {
        /// The highest version the verifier has accepted before.
        seen: u64,
        /// The version of the offered list.
        found: u64,
    },
    /// An issuer `kind` other than `municipality` and `operator`.
    #[error("an issuer's `kind` must be `municipality` or `operator`")]
    UnknownIssuerKind,
    /// An issuer `id` that is neither a did:web DID nor an https URL.
    #[error("an issuer's `id` must be a did:web DID or an https URL")]
    InvalidIssuerId,
    /// An id or name that is empty, too long or has control characters.
    #[error("`{member}` must be 1 to {limit} bytes with no control characters")]
    InvalidText {
        /// The member (`id`, `name`, `list_id`).
        member: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// A validity period that ends before (or when) it begins.
    #[error("the validity period of {what} ends before it begins")]
    EmptyPeriod {
        /// Whose period, and its two members.
        what: &'static str,
    },
    /// Two trust list entries for the same issuer id.
    #[error("issuer `{0}` appears more than once in the trust list")]
    DuplicateTrustedIssuer(String),
    /// Two keys of one trusted issuer share a `kid`.
    #[error("issuer `{issuer}` lists key id `{kid}` more than once")]
    DuplicateIssuerKeyId {
        /// The issuer id.
        issuer: String,
        /// The repeated `kid`.
        kid: String,
    },
    /// A trusted issuer key without a `kid`, or an issuer with no keys at all.
    #[error("issuer `{issuer}` in the trust list: {detail}")]
    InvalidIssuerKeys {
        /// The issuer id.
        issuer: String,
        /// What is wrong with its keys.
        detail: &'static str,
    },
    /// A trusted issuer allowed to issue no credential type at all.
    #[error("issuer `{0}` in the trust list allows no credential type")]
    EmptyVctList(String),
    /// A municipality issuer without its municipality code.
    #[error("municipality issuer `{0}` has no municipality code")]
    MunicipalityCodeMissing(String),
    /// The issuer is not in the trust list: "not issued by a trusted municipality".
    #[error("issuer `{0}` is not in the trust list")]
    UntrustedIssuer(String),
    /// The trusted issuer has no key with the `kid` asked for.
    #[error("issuer `{issuer}` has no key `{kid}` in the trust list")]
    UnknownIssuerKey {
        /// The issuer id.
        issuer: String,
        /// The `kid` asked for.
        kid: String,
    },
    /// No `kid` was given and the trusted issuer has more than one key, so which one signed is
    /// ambiguous (trying them all would hide a key-rotation mistake).
    #[error("issuer `{issuer}` has {keys} keys in the trust list; a `kid` is required")]
    IssuerKeyIdRequired {
        /// The issuer id.
        issuer: String,
        /// How many keys it has.
        keys: usize,
    },
    /// The trusted issuer may not issue this credential type.
    #[error("issuer `{issuer}` is not trusted to issue `{vct}`")]
    VctNotAllowed {
        /// The issuer id.
        issuer: String,
        /// The credential type asked about.
        vct: String,
    },
    /// The issuer's trust starts later than the instant asked about.
    #[error("issuer `{issuer}` is trusted only from {valid_from} (now {now})")]
    IssuerNotYetValid {
        /// The issuer id.
        issuer: String,
        /// Start of its trust.
        valid_from: NumericDate,
        /// The instant asked about.
        now: NumericDate,
    },
    /// The issuer's trust ended before the instant asked about.
    #[error("issuer `{issuer}` was trusted only until {valid_until} (now {now})")]
    IssuerExpired {
        /// The issuer id.
        issuer: String,
        /// End of its trust.
        valid_until: NumericDate,
        /// The instant asked about.
        now: NumericDate,
    },
    /// A signed trust-list entry that does not list exactly one key, or whose header `kid`
    /// does not name that key: it proves possession of no key it lists.
    #[error("the signed trust-list entry of `{issuer}` {detail}")]
    EntryNotSelfSigned {
        /// The issuer id the entry names.
        issuer: String,
        /// What is wrong with its key or header.
        detail: &'static str,
    },
}

impl TrustListError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            TrustListError::Rollback { .. } => "trust_list_rollback",
            TrustListError::UnknownIssuerKind => "unknown_issuer_kind",
            TrustListError::InvalidIssuerId => "invalid_issuer_id",
            TrustListError::InvalidText { .. } => "trust_list_invalid_text",
            TrustListError::EmptyPeriod { .. } => "trust_list_empty_period",
            TrustListError::DuplicateTrustedIssuer(..) => "duplicate_trusted_issuer",
            TrustListError::DuplicateIssuerKeyId { .. } => "duplicate_issuer_key_id",
            TrustListError::InvalidIssuerKeys { .. } => "invalid_issuer_keys",
            TrustListError::EmptyVctList(..) => "empty_vct_list",
            TrustListError::MunicipalityCodeMissing(..) => "municipality_code_missing",
            TrustListError::UntrustedIssuer(..) => "untrusted_issuer",
            TrustListError::UnknownIssuerKey { .. } => "unknown_issuer_key",
            TrustListError::IssuerKeyIdRequired { .. } => "issuer_key_id_required",
            TrustListError::VctNotAllowed { .. } => "vct_not_allowed",
            TrustListError::IssuerNotYetValid { .. } => "issuer_not_yet_valid",
            TrustListError::IssuerExpired { .. } => "issuer_expired",
            TrustListError::EntryNotSelfSigned { .. } => "trust_entry_not_self_signed",
        }
    }
}
