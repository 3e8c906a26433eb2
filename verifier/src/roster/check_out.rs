//! Check-out (退所): the other half of 入退所 — "避難所の入退所手続きの効率化"
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:930`, the service "避難所入退所における受付サービス"
//! at `../shared/seeds/000_2cab3622a7b836b8.txt:973`; Yabu's "避難所入退管理",
//! `../shared/seeds/002_330378ace3b016db.txt:876`).
//!
//! A check-out names the entry it ends (the same [`RosterEntry::id_for`] id the check-in had,
//! or a [`StaffEntry`](super::staff_entry::StaffEntry)'s id) and who ended it: the evacuee, who
//! presented their credential again at the desk, or a member of staff who checked them out
//! from the roster (someone who left without passing the desk). It carries no personal data.
//! A check-out is stored once per entry (a second one is a duplicate), and one for an entry the
//! HQ does not hold is refused as `not_checked_in`
//! ([`Reason::NotCheckedIn`]).
//!
//! ```
//! use myna_verifier::roster::{CheckOut, CheckedOutBy, RosterEntry};
//! use myna_verifier::core::time::NumericDate;
//! let holder = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
//! let id = RosterEntry::id_for("s-1", "did:web:city.kobe.example", holder);
//! let out = CheckOut { entry_id: id, shelter_id: "s-1".into(),
//!                      by: CheckedOutBy::Staff("desk-tanaka".into()),
//!                      checked_out_at: NumericDate::from_unix(2_000) };
//! out.check()?;
//! let json = serde_json::to_value(&out)?;
//! assert_eq!(json["by"]["staff"], "desk-tanaka");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use myna_vc_core::time::NumericDate;
use myna_vc_core::{Error, InputError};

use super::{from_unix, is_digest, is_shelter_id, unix, RosterEntry, RESIDENT_ID};
use crate::decision::{Decision, Reason, Rejection};

/// The longest staff id, in characters.
pub(crate) const MAX_STAFF_CHARS: usize = 64;

/// Who ended a stay at the shelter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckedOutBy {
    /// The evacuee presented their resident credential again at the desk (`"evacuee"`).
    Evacuee,
    /// A member of staff checked them out from the roster (`{"staff": "<staff id>"}`; the
    /// staff member's id at the shelter, never the evacuee's name).
    Staff(String),
}

/// One check-out, as desks send it to the HQ (`checked_out_at` in Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckOut {
    /// The entry it ends (a check-in's or a staff entry's id).
    pub entry_id: String,
    /// The shelter; must be the entry's.
    pub shelter_id: String,
    /// Who ended the stay.
    pub by: CheckedOutBy,
    /// When.
    #[serde(serialize_with = "unix", deserialize_with = "from_unix")]
    pub checked_out_at: NumericDate,
}

/// Whether `text` is a staff id: 1 to 64 of `A-Z a-z 0-9 . _ - @`.
pub(crate) fn is_staff_id(text: &str) -> bool {
    (1..=MAX_STAFF_CHARS).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'))
}

impl CheckOut {
    /// Checks a check-out received from elsewhere: an entry id (43 base64url characters), a
    /// shelter id, a staff id of 1 to 64 of `A-Z a-z 0-9 . _ - @` when staff ended it, a time
    /// after 1970. The error names the member.
    ///
    /// ```
    /// use myna_verifier::roster::{CheckOut, CheckedOutBy};
    /// use myna_verifier::core::time::NumericDate;
    /// let out = CheckOut { entry_id: "not an id".into(), shelter_id: "s-1".into(),
    ///                      by: CheckedOutBy::Evacuee, checked_out_at: NumericDate::from_unix(5) };
    /// assert!(out.check().unwrap_err().to_string().contains("entry_id"));
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let wrong = |member: &str, expected: &'static str| {
            Err(Error::Input(InputError::MemberType {
                what: "check-out",
                member: member.to_owned(),
                expected,
            }))
        };
        if !is_digest(&self.entry_id) {
            return wrong("entry_id", "an entry id (43 base64url characters)");
        }
        if !is_shelter_id(&self.shelter_id) {
            return wrong("shelter_id", "1 to 64 of A-Z a-z 0-9 . _ -");
        }
        if let CheckedOutBy::Staff(staff) = &self.by {
            if !is_staff_id(staff) {
                return wrong("staff", "1 to 64 of A-Z a-z 0-9 . _ - @");
            }
        }
        if self.checked_out_at.as_unix() < 0 {
            return wrong("checked_out_at", "a time after 1970 (Unix seconds)");
        }
        Ok(())
    }

    /// The check-out of the evacuee whose accepted shelter decision is `decision` (they
    /// presented their resident credential again): the same entry id as their check-in.
    /// `None` for a rejected decision or one without a resident credential.
    ///
    /// ```
    /// use myna_verifier::decision::{Decision, Reason, Rejection};
    /// use myna_verifier::roster::CheckOut;
    /// use myna_verifier::core::time::NumericDate;
    /// let refused = Decision { policy: "shelter-s-1".into(), at: NumericDate::from_unix(0),
    ///                          credentials: vec![], outcome: Err(Rejection::new(Reason::Revoked)) };
    /// assert!(CheckOut::from_decision("s-1", &refused).is_none());
    /// ```
    pub fn from_decision(shelter_id: &str, decision: &Decision) -> Option<Self> {
        if !decision.accepted() {
            return None;
        }
        let resident = decision.credential(RESIDENT_ID)?;
        Some(CheckOut {
            entry_id: RosterEntry::id_for(shelter_id, &resident.issuer, &resident.holder),
            shelter_id: shelter_id.to_owned(),
            by: CheckedOutBy::Evacuee,
            checked_out_at: decision.at,
        })
    }
}

/// The desk's answer to someone presenting at check-out: `decision` as it was if it was
/// accepted and `checked_in` (this desk or the HQ holds their check-in); otherwise refused
/// with `not_checked_in` — a check-out without a check-in fails closed.
///
/// ```
/// use myna_verifier::decision::{Decision, Reason};
/// use myna_verifier::roster::check_out_decision;
/// use myna_verifier::core::time::NumericDate;
/// let accepted = Decision { policy: "shelter-s-1".into(), at: NumericDate::from_unix(0),
///                           credentials: vec![], outcome: Ok(()) };
/// let refused = check_out_decision(accepted.clone(), false);
/// assert_eq!(refused.outcome.unwrap_err().reason, Reason::NotCheckedIn);
/// assert!(check_out_decision(accepted, true).accepted());
/// ```
pub fn check_out_decision(mut decision: Decision, checked_in: bool) -> Decision {
    if decision.accepted() && !checked_in {
        decision.outcome = Err(Rejection::new(Reason::NotCheckedIn));
    }
    decision
}
