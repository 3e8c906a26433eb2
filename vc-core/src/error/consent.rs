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
    /// A receipt that does not belong to the record it came with.
    #[error("consent receipt mismatch: {0}")]
    Mismatch(&'static str),
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
        }
    }
}
