//! Staff-entered entries: people who reach the shelter with no phone or no credential —
//! elderly people without a smartphone (about four in ten of Sapporo's elderly have no digital
//! device, `../shared/seeds/000_2cab3622a7b836b8.txt:460` "高齢者の約4割がデジタル端末"),
//! tourists and other visitors. Shelters must take them in all the same; Nomi's spot shelters
//! are run by residents' association officers (`../shared/seeds/000_2cab3622a7b836b8.txt:2500`
//! "自治会役員など地元住民でも運営できるスポット避難所").
//!
//! A staff entry is marked **unverified** wherever it appears: nothing in it was checked against
//! a credential. It carries only what the shelter needs to count and find the person: who
//! entered it, why there was no credential, and a name as told (optional); never a date of
//! birth, never a holder key. Its id comes from the shelter, the staff id and the staff
//! member's own running number, so a resent entry is the same entry.
//!
//! ```
//! use myna_verifier::roster::{NoCredential, StaffEntry};
//! use myna_verifier::core::time::NumericDate;
//! let entry = StaffEntry::new("nomi-kominkan-12", "yakuin-sato", 1, NoCredential::NoPhone,
//!                             Some("能美　花子".into()), NumericDate::from_unix(1_000));
//! entry.check()?;
//! let json = serde_json::to_value(&entry)?;
//! assert_eq!(json["verified"], false);
//! assert!(json.get("holder").is_none() && json.get("birthdate").is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use myna_vc_core::time::NumericDate;
use myna_vc_core::{Error, InputError};

use super::check_out::is_staff_id;
use super::{from_unix, is_shelter_id, unix, MAX_NAME_CHARS};

/// Why the person was entered by staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoCredential {
    /// No phone (or a flat battery).
    NoPhone,
    /// A phone, but no resident credential in it (no My Number card, card not read yet).
    NoCredential,
    /// A visitor (tourist, business traveller) with no Japanese resident credential.
    Visitor,
}

/// One person entered by staff, without a credential. Always unverified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffEntry {
    /// Stable id (see [`StaffEntry::id_for`]).
    pub entry_id: String,
    /// The shelter.
    pub shelter_id: String,
    /// Always `false`: nothing in the entry was checked against a credential. An entry that
    /// says otherwise is refused.
    pub verified: bool,
    /// The staff member who entered it (their id at the shelter).
    pub entered_by: String,
    /// That staff member's running number for the entry (1, 2, …).
    pub number: u32,
    /// Why there was no credential.
    pub why: NoCredential,
    /// The name as the person gave it, if they gave one (not checked).
    pub name_as_told: Option<String>,
    /// When staff entered them.
    #[serde(serialize_with = "unix", deserialize_with = "from_unix")]
    pub checked_in_at: NumericDate,
}

impl StaffEntry {
    /// The id of staff member `entered_by`'s `number`th entry at `shelter_id`.
    ///
    /// ```
    /// use myna_verifier::roster::StaffEntry;
    /// assert_ne!(StaffEntry::id_for("s-1", "sato", 1), StaffEntry::id_for("s-1", "sato", 2));
    /// assert_eq!(StaffEntry::id_for("s-1", "sato", 1).len(), 43);
    /// ```
    pub fn id_for(shelter_id: &str, entered_by: &str, number: u32) -> String {
        let mut hash = Sha256::new();
        hash.update(b"myna-roster-staff-entry-v1");
        for part in [shelter_id, entered_by] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        hash.update(number.to_be_bytes());
        myna_vc_core::b64::encode(hash.finalize())
    }

    /// A new unverified entry with its id.
    pub fn new(
        shelter_id: &str,
        entered_by: &str,
        number: u32,
        why: NoCredential,
        name_as_told: Option<String>,
        checked_in_at: NumericDate,
    ) -> Self {
        StaffEntry {
            entry_id: Self::id_for(shelter_id, entered_by, number),
            shelter_id: shelter_id.to_owned(),
            verified: false,
            entered_by: entered_by.to_owned(),
            number,
            why,
            name_as_told,
            checked_in_at,
        }
    }

    /// Checks an entry received from elsewhere: `verified` false, a shelter id, a staff id,
    /// a running number from 1, a name of 1 to 128 characters without control characters, a
    /// time after 1970 and the id [`id_for`](Self::id_for) gives. The error names the member,
    /// never its value.
    ///
    /// ```
    /// use myna_verifier::roster::{NoCredential, StaffEntry};
    /// use myna_verifier::core::time::NumericDate;
    /// let mut entry = StaffEntry::new("s-1", "sato", 1, NoCredential::Visitor, None,
    ///                                 NumericDate::from_unix(9));
    /// entry.verified = true;                 // staff cannot vouch for an identity
    /// assert!(entry.check().unwrap_err().to_string().contains("verified"));
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let wrong = |member: &str, expected: &'static str| {
            Err(Error::Input(InputError::MemberType {
                what: "staff entry",
                member: member.to_owned(),
                expected,
            }))
        };
        if self.verified {
            return wrong("verified", "false (a staff entry is never verified)");
        }
        if !is_shelter_id(&self.shelter_id) {
            return wrong("shelter_id", "1 to 64 of A-Z a-z 0-9 . _ -");
        }
        if !is_staff_id(&self.entered_by) {
            return wrong("entered_by", "1 to 64 of A-Z a-z 0-9 . _ - @");
        }
        if self.number == 0 {
            return wrong("number", "a running number from 1");
        }
        if let Some(name) = &self.name_as_told {
            if name.is_empty()
                || name.chars().count() > MAX_NAME_CHARS
                || name.chars().any(char::is_control)
            {
                return wrong(
                    "name_as_told",
                    "a name of 1 to 128 characters, without control characters",
                );
            }
        }
        if self.checked_in_at.as_unix() < 0 {
            return wrong("checked_in_at", "a time after 1970 (Unix seconds)");
        }
        if self.entry_id != Self::id_for(&self.shelter_id, &self.entered_by, self.number) {
            return wrong(
                "entry_id",
                "the id of its shelter, staff id and number (StaffEntry::id_for)",
            );
        }
        Ok(())
    }
}
