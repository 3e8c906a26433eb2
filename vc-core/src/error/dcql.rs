//! Errors of DCQL queries and their evaluation.

/// What went wrong with DCQL queries and their evaluation.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DcqlError {
    /// A DCQL Credential Query or Claims Query `id` that is empty or has characters other
    /// than ASCII letters, digits, `_` and `-` (OpenID4VP 1.0 §6.1, §6.3).
    #[error("DCQL {kind} id `{id}` must be non-empty ASCII letters, digits, `_` or `-`")]
    InvalidId {
        /// `"credential"` or `"claim"`.
        kind: &'static str,
        /// The id (at most 32 characters of it).
        id: String,
    },
    /// The same Credential Query id twice in a query, or the same Claims Query id twice in
    /// one Credential Query.
    #[error("DCQL {kind} id `{id}` is used more than once")]
    DuplicateId {
        /// `"credential"` or `"claim"`.
        kind: &'static str,
        /// The repeated id.
        id: String,
    },
    /// A DCQL member the spec makes a non-empty array is empty.
    #[error("DCQL `{0}` must be a non-empty array")]
    Empty(&'static str),
    /// `claim_sets` in a Credential Query without `claims` (§6.4.1).
    #[error("DCQL credential `{0}` has `claim_sets` but no `claims`")]
    ClaimSetsWithoutClaims(String),
    /// `claim_sets` is present but a Claims Query has no `id` (§6.3).
    #[error("DCQL credential `{0}` has `claim_sets`, so every claim needs an `id`")]
    ClaimWithoutId(String),
    /// A `claim_sets` option names a claim id that is not in `claims`.
    #[error("DCQL credential `{credential}`: claim set refers to unknown claim `{claim}`")]
    UnknownClaimId {
        /// The Credential Query id.
        credential: String,
        /// The unknown claim id.
        claim: String,
    },
    /// A `credential_sets` option names a Credential Query id that is not in `credentials`.
    #[error("DCQL credential set refers to unknown credential `{0}`")]
    UnknownCredentialId(String),
    /// A Claims Query `values` entry that is not a string, an integer or a boolean.
    #[error("DCQL credential `{0}`: `values` may only hold strings, integers and booleans")]
    InvalidValue(String),
    /// Two Claims Queries of one Credential Query point at the same claim (§6.1: Verifiers
    /// MUST NOT; we refuse rather than guess which one was meant).
    #[error("DCQL credential `{credential}` asks for claim {path} more than once")]
    DuplicateClaimPath {
        /// The Credential Query id.
        credential: String,
        /// The repeated claims path pointer.
        path: String,
    },
    /// A format-specific `meta` member the spec requires is missing or malformed
    /// (`vct_values` for `dc+sd-jwt`).
    #[error("DCQL credential `{credential}`: `meta.{member}` is missing or malformed")]
    MissingMeta {
        /// The Credential Query id.
        credential: String,
        /// The `meta` member.
        member: &'static str,
    },
    /// A Credential Query for a format this crate cannot match or present (`mso_mdoc`,
    /// `jwt_vc_json`, …). Such queries parse; this error arises only when one is evaluated.
    #[error("DCQL credential `{credential}` asks for unsupported format `{format}`")]
    UnsupportedFormat {
        /// The Credential Query id.
        credential: String,
        /// The format identifier.
        format: String,
    },
    /// A credential (or none of the wallet's credentials) does not satisfy a Credential Query.
    #[error("DCQL credential query `{query}` is not satisfied: {reason}")]
    Unsatisfied {
        /// The Credential Query id (or, for a credential set, its first option's first id).
        query: String,
        /// Why.
        reason: String,
    },
    /// A VP Token lacks the presentation a required Credential Query (or credential set) needs.
    #[error("the VP Token has no presentation for required credential query `{0}`")]
    MissingPresentation(String),
    /// More than one presentation for a Credential Query without `multiple: true`, or an
    /// empty presentation array.
    #[error("{count} presentations for credential query `{query}`, which allows {allowed}")]
    PresentationCount {
        /// The Credential Query id.
        query: String,
        /// How many presentations came.
        count: usize,
        /// `"exactly one"` or `"one or more"`.
        allowed: &'static str,
    },
    /// A VP Token entry for an id that is not a Credential Query of the request.
    #[error("the VP Token answers `{0}`, which the query did not ask for")]
    UnexpectedPresentation(String),
}

impl DcqlError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            DcqlError::InvalidId { .. } => "dcql_invalid_id",
            DcqlError::DuplicateId { .. } => "dcql_duplicate_id",
            DcqlError::Empty(..) => "dcql_empty",
            DcqlError::ClaimSetsWithoutClaims(..) => "dcql_claim_sets_without_claims",
            DcqlError::ClaimWithoutId(..) => "dcql_claim_without_id",
            DcqlError::UnknownClaimId { .. } => "dcql_unknown_claim_id",
            DcqlError::UnknownCredentialId(..) => "dcql_unknown_credential_id",
            DcqlError::InvalidValue(..) => "dcql_invalid_value",
            DcqlError::DuplicateClaimPath { .. } => "dcql_duplicate_claim_path",
            DcqlError::MissingMeta { .. } => "dcql_missing_meta",
            DcqlError::UnsupportedFormat { .. } => "dcql_unsupported_format",
            DcqlError::Unsatisfied { .. } => "dcql_unsatisfied",
            DcqlError::MissingPresentation(..) => "dcql_missing_presentation",
            DcqlError::PresentationCount { .. } => "dcql_presentation_count",
            DcqlError::UnexpectedPresentation(..) => "dcql_unexpected_presentation",
        }
    }
}
