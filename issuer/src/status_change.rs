//! A status change of a credential — what was done (revoke, suspend, resume), why and when —
//! as recorded with the credential. A leaf of the module graph: the record, the error type
//! and the revocation operations ([`crate::revocation`]) all name it.

use core::fmt;

use myna_vc_core::{status_list::Status, time::NumericDate};

use crate::fact::Fact;

/// A change of a credential's status.
/// ```
/// use myna_issuer::revocation::Transition;
/// use myna_vc_core::status_list::Status;
/// assert_eq!(Transition::Suspend.target(), Status::SUSPENDED);
/// assert_eq!(Transition::Revoke.to_string(), "revoke");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    /// To INVALID, for good.
    Revoke,
    /// To SUSPENDED, until resumed.
    Suspend,
    /// From SUSPENDED back to VALID.
    Resume,
}

impl Transition {
    /// The status the entry has afterwards.
    /// ```
    /// use myna_issuer::revocation::Transition;
    /// assert!(Transition::Resume.target().is_valid());
    /// ```
    pub const fn target(self) -> Status {
        match self {
            Transition::Revoke => Status::INVALID,
            Transition::Suspend => Status::SUSPENDED,
            Transition::Resume => Status::VALID,
        }
    }

    /// Whether the change is allowed from `from`.
    /// ```
    /// use myna_issuer::revocation::Transition;
    /// use myna_vc_core::status_list::Status;
    /// assert!(Transition::Revoke.allowed_from(Status::SUSPENDED));
    /// assert!(!Transition::Resume.allowed_from(Status::VALID));
    /// assert!(!Transition::Suspend.allowed_from(Status::INVALID));
    /// ```
    pub fn allowed_from(self, from: Status) -> bool {
        match self {
            Transition::Revoke => from == Status::VALID || from == Status::SUSPENDED,
            Transition::Suspend => from == Status::VALID,
            Transition::Resume => from == Status::SUSPENDED,
        }
    }

    const fn code(self) -> u8 {
        match self {
            Transition::Revoke => 1,
            Transition::Suspend => 2,
            Transition::Resume => 3,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        [Transition::Revoke, Transition::Suspend, Transition::Resume]
            .into_iter()
            .find(|t| t.code() == code)
    }
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transition::Revoke => "revoke",
            Transition::Suspend => "suspend",
            Transition::Resume => "resume",
        })
    }
}

/// Why a credential's status changed.
/// ```
/// use myna_issuer::{record::Fact, revocation::RevocationReason};
/// assert_ne!(RevocationReason::FactChanged(Fact::Residence), RevocationReason::HolderRequest);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationReason {
    /// A certified fact the credential depends on changed (a move, a correction).
    FactChanged(Fact),
    /// The holder asked (a lost phone, say).
    HolderRequest,
    /// The holder key may be compromised.
    KeyCompromise,
    /// The credential was issued by mistake.
    IssuedInError,
    /// A newer credential replaces it.
    Superseded,
    /// None of the above (resumption, an operator decision).
    Other,
    /// A personal limit kept on the record (the card certificate's expiry) has passed
    /// ([`lapse`](crate::lapse)).
    Lapsed,
}

impl RevocationReason {
    const ALL: [RevocationReason; 10] = [
        RevocationReason::FactChanged(Fact::Residence),
        RevocationReason::FactChanged(Fact::BirthDate),
        RevocationReason::FactChanged(Fact::Guardian),
        RevocationReason::HolderRequest,
        RevocationReason::KeyCompromise,
        RevocationReason::IssuedInError,
        RevocationReason::Superseded,
        RevocationReason::Other,
        // Appended: the stored codes of the reasons above keep their positions.
        RevocationReason::FactChanged(Fact::CardCertificate),
        RevocationReason::Lapsed,
    ];

    /// The reason's name, as written into the audit log.
    /// ```
    /// use myna_issuer::{record::Fact, revocation::RevocationReason};
    /// assert_eq!(RevocationReason::FactChanged(Fact::BirthDate).as_str(), "fact_changed:birth_date");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            RevocationReason::FactChanged(Fact::Residence) => "fact_changed:residence",
            RevocationReason::FactChanged(Fact::BirthDate) => "fact_changed:birth_date",
            RevocationReason::FactChanged(Fact::Guardian) => "fact_changed:guardian",
            RevocationReason::HolderRequest => "holder_request",
            RevocationReason::KeyCompromise => "key_compromise",
            RevocationReason::IssuedInError => "issued_in_error",
            RevocationReason::Superseded => "superseded",
            RevocationReason::Other => "other",
            RevocationReason::FactChanged(Fact::CardCertificate) => "fact_changed:card_certificate",
            RevocationReason::Lapsed => "lapsed",
        }
    }

    fn code(self) -> u8 {
        Self::ALL
            .iter()
            .position(|r| *r == self)
            .and_then(|p| u8::try_from(p).ok())
            .unwrap_or(u8::MAX)
    }

    fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

/// The latest status change of a credential, kept on its record.
/// ```
/// use myna_issuer::revocation::{RevocationReason, StatusChange, Transition};
/// use myna_vc_core::time::NumericDate;
/// let change = StatusChange { transition: Transition::Revoke,
///     reason: RevocationReason::Superseded, at: NumericDate::from_unix(9) };
/// assert_eq!(change.transition.target().value(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusChange {
    /// What was done.
    pub transition: Transition,
    /// Why.
    pub reason: RevocationReason,
    /// When.
    pub at: NumericDate,
}

impl StatusChange {
    pub(crate) fn to_stored(self) -> (u8, u8, i64) {
        (
            self.transition.code(),
            self.reason.code(),
            self.at.as_unix(),
        )
    }

    /// The change stored as codes; `None` for a code this version does not know.
    pub(crate) fn from_stored((transition, reason, at): (u8, u8, i64)) -> Option<Self> {
        Some(StatusChange {
            transition: Transition::from_code(transition)?,
            reason: RevocationReason::from_code(reason)?,
            at: NumericDate::from_unix(at),
        })
    }
}
