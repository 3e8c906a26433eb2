//! Errors of consent records, receipts and status changes.

use crate::time::NumericDate;

/// What went wrong with consent records, receipts and status changes.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsentError {
    /// The consent's period has not begun.
    #[error("the consent is not valid before {not_before} (now {now})")]
    NotYetValid {
        /// Its `not_before`.
        not_before: NumericDate,
        /// The time of the check.
        now: NumericDate,
    },
    /// The consent's period has ended.
    #[error("the consent ended at {not_after} (now {now})")]
    Expired {
        /// Its `not_after`.
        not_after: NumericDate,
        /// The time of the check.
        now: NumericDate,
    },
    /// The holder withdrew the consent.
    #[error("the holder withdrew this consent")]
    Withdrawn,
    /// The holder paused the consent; it may be resumed.
    #[error("the holder paused this consent")]
    Paused,
    /// A one-time consent whose single use was already reported.
    #[error("this one-time consent was already used")]
    Used,
    /// An action that the consent's state does not allow (resume a withdrawn consent, …).
    #[error("a {from} consent cannot take the action `{action}`")]
    Transition {
        /// The current state.
        from: &'static str,
        /// The refused action.
        action: &'static str,
    },
    /// A holder's status change whose `seq` is not above the last applied one: a replay.
    #[error("consent action seq {seq} is not above the last applied seq {last}")]
    ActionReplayed {
        /// The last applied `seq`.
        last: u64,
        /// The refused `seq`.
        seq: u64,
    },
    /// A consent id that is not 16 bytes of base64url.
    #[error("a consent id must be 16 bytes of base64url")]
    InvalidId,
    /// A consent recipient whose DID method is not `key` or `jwk` (the only methods whose
    /// key is in the DID itself, so a consent names its recipient's key offline).
    #[error("a consent recipient must be a did:key or did:jwk DID, not did:{0}")]
    UnsupportedRecipient(String),
    /// A purpose that is empty, too long or has control characters.
    #[error("a consent's `purpose` must be 1 to {limit} characters with no control characters")]
    InvalidPurpose {
        /// The limit in characters.
        limit: usize,
    },
    /// A `usage` other than `one_time` and `ongoing`.
    #[error("a consent's `usage` must be `one_time` or `ongoing`")]
    UnknownUsage,
    /// A consent that names no claim path, or more than the limit.
    #[error("a consent must name 1 to {limit} claim paths")]
    ClaimCount {
        /// The limit.
        limit: usize,
    },
    /// A consent claim path that names the whole credential (an empty path).
    #[error("a consent's claim path may not be empty (the whole credential)")]
    RootClaim,
    /// A consent that names the same claim path twice.
    #[error("a consent names the same claim path twice")]
    DuplicateClaim,
    /// A consent whose `not_after` is not later than its `not_before`.
    #[error("a consent's `not_after` must be later than its `not_before`")]
    EmptyPeriod,
    /// A status list value that is not one of the consent states (0 to 3).
    #[error("status value {0} is not a consent state")]
    UnknownState(u8),
    /// An `action` other than `withdraw`, `pause`, `resume` and `use`.
    #[error("a consent `action` must be `withdraw`, `pause`, `resume` or `use`")]
    UnknownAction,
    /// A holder's status change that reports a use: only the recipient reports a use, with a
    /// use report.
    #[error("a holder cannot report a use; the recipient does, with a use report")]
    UseByHolder,
    /// A receipt that does not belong to the record it came with.
    #[error("consent receipt mismatch: {0}")]
    Mismatch(&'static str),
    /// A registration's holder proof that does not prove the holder for this record here
    /// (another record or registry, too old or from the future).
    #[error("consent holder proof refused: {0}")]
    HolderProof(&'static str),
}

impl ConsentError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            ConsentError::NotYetValid { .. } => "consent_not_yet_valid",
            ConsentError::Expired { .. } => "consent_expired",
            ConsentError::Withdrawn => "consent_withdrawn",
            ConsentError::Paused => "consent_paused",
            ConsentError::Used => "consent_used",
            ConsentError::Transition { .. } => "consent_transition",
            ConsentError::ActionReplayed { .. } => "consent_action_replayed",
            ConsentError::Mismatch(..) => "consent_mismatch",
            ConsentError::HolderProof(..) => "consent_holder_proof",
            ConsentError::InvalidId => "invalid_consent_id",
            ConsentError::UnsupportedRecipient(..) => "unsupported_consent_recipient",
            ConsentError::InvalidPurpose { .. } => "invalid_consent_purpose",
            ConsentError::UnknownUsage => "unknown_consent_usage",
            ConsentError::ClaimCount { .. } => "consent_claim_count",
            ConsentError::RootClaim => "consent_root_claim",
            ConsentError::DuplicateClaim => "consent_duplicate_claim",
            ConsentError::EmptyPeriod => "consent_empty_period",
            ConsentError::UnknownState(..) => "unknown_consent_state",
            ConsentError::UnknownAction => "unknown_consent_action",
            ConsentError::UseByHolder => "consent_use_by_holder",
        }
    }
}
