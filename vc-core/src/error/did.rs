//! Errors of DIDs, DID documents and their resolution.

use crate::time::NumericDate;

/// What went wrong with DIDs, DID documents and their resolution.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DidError {
    /// Not a DID or DID URL under DID Core syntax (§3.1, §3.2), or not a valid DID of its
    /// method (a did:web with an IP address, a path segment `..`, …). The detail never echoes
    /// the input.
    #[error("invalid DID: {0}")]
    InvalidDid(String),
    /// A did:key (or `publicKeyMultibase`) value that is not multibase base58btc of a
    /// multicodec-prefixed key: wrong multibase prefix, bad base58, malformed varint, no key.
    #[error("invalid multibase key: {0}")]
    InvalidMultikey(String),
    /// A DID method this crate does not resolve (anything but key, jwk and web).
    #[error("unsupported DID method `{0}`")]
    UnsupportedMethod(String),
    /// A did:web DID was given to a resolver built without a did:web cache.
    #[error("this resolver has no did:web fetcher configured")]
    WebNotConfigured,
    /// A verification method added to a DID document under another DID's name.
    #[error("a verification method added to a DID document must be named under its DID")]
    ForeignMethod,
    /// Two verification methods of one DID document have the same id.
    #[error("two verification methods of the DID document have the same id")]
    DuplicateMethodId,
    /// The DID URL names no verification method of the DID document.
    #[error("verification method `{0}` is not in the DID document")]
    VerificationMethodNotFound(String),
    /// The verification method exists but is not authorized for the relationship asked for
    /// (for example a key listed only for `authentication` used to check an issuer signature).
    #[error("verification method `{method}` is not authorized for {relationship}")]
    VerificationRelationshipMissing {
        /// The verification method's DID URL.
        method: String,
        /// The relationship it lacks (`assertionMethod`, …).
        relationship: &'static str,
    },
    /// A fetched or cached DID document describes another DID than the one requested.
    #[error("the DID document is for `{found}`, not for the requested `{expected}`")]
    DocumentIdMismatch {
        /// The DID that was resolved.
        expected: String,
        /// The `id` of the document (shortened).
        found: String,
    },
    /// Fetching a did:web document failed (made by [`DidWebFetcher`] implementations).
    ///
    /// [`DidWebFetcher`]: crate::did::DidWebFetcher
    #[error("fetching the did:web document failed: {0}")]
    WebFetch(String),
    /// The did:web document could not be refetched and the cached copy is older than the
    /// configured maximum staleness.
    #[error("cached DID document expired at {expired_at}, too stale at {now}: {cause}")]
    DocumentStale {
        /// When the cached copy stopped being fresh.
        expired_at: NumericDate,
        /// The resolution instant.
        now: NumericDate,
        /// Why refetching failed.
        #[source]
        cause: Box<crate::Error>,
    },
}

impl DidError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            DidError::InvalidDid(..) => "invalid_did",
            DidError::InvalidMultikey(..) => "invalid_multikey",
            DidError::UnsupportedMethod(..) => "unsupported_did_method",
            DidError::WebNotConfigured => "did_web_not_configured",
            DidError::ForeignMethod => "did_foreign_method",
            DidError::DuplicateMethodId => "did_duplicate_method_id",
            DidError::VerificationMethodNotFound(..) => "verification_method_not_found",
            DidError::VerificationRelationshipMissing { .. } => "verification_relationship_missing",
            DidError::DocumentIdMismatch { .. } => "did_document_id_mismatch",
            DidError::WebFetch(..) => "did_web_fetch",
            DidError::DocumentStale { .. } => "did_document_stale",
        }
    }
}
