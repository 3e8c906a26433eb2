//! What a desk sends the disaster HQ in one sync, and what the HQ answers.
//!
//! The batch keeps the form desks in the field already send — `{"entries": [RosterEntry…]}` —
//! and adds optional arrays for the new records of 入退所 (`../shared/seeds/000_2cab3622a7b836b8.txt:930`):
//! `check_outs`, `staff_entries` (people without a credential) and `questionnaires` (sealed
//! 問診票, `../shared/seeds/002_330378ace3b016db.txt:744`). The answer keeps
//! `{"stored", "duplicates"}` for the entries and adds a section only for an array the batch
//! carried.
//!
//! ```
//! use myna_verifier::roster::RosterBatch;
//! let old_form = RosterBatch::from_json(br#"{"entries": []}"#)?;
//! assert!(old_form.is_empty());
//! let error = RosterBatch::from_json(br#"{"entries": [], "check_outs": [{"entry_id": "x"}]}"#).unwrap_err();
//! assert_eq!(error.code, "invalid_request");
//! assert!(error.description.starts_with("check_outs[0]"));
//! # Ok::<(), myna_verifier::roster::batch::BadBatch>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CheckOut, RosterEntry, StaffEntry};
use crate::roster::questionnaire::SealedQuestionnaire;

/// The most records (of all kinds together) one batch may carry.
pub const MAX_BATCH_RECORDS: usize = 1000;

/// One sync's records. Every array may be missing (an old desk sends `entries` only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterBatch {
    /// Check-ins with a credential.
    #[serde(default)]
    pub entries: Vec<RosterEntry>,
    /// Check-outs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_outs: Vec<CheckOut>,
    /// Unverified entries made by staff.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff_entries: Vec<StaffEntry>,
    /// Sealed questionnaires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questionnaires: Vec<SealedQuestionnaire>,
}

/// How many records of one kind were new, how many were already stored, and (for check-outs
/// and questionnaires) the positions refused because the HQ holds no such entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// New records.
    pub stored: usize,
    /// Records already stored (a resent sync).
    pub duplicates: usize,
    /// Positions in the batch's array refused as `not_checked_in`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_checked_in: Vec<usize>,
}

/// The HQ's answer to a batch: `stored`/`duplicates` for `entries` as before, and a section
/// for each other array the batch carried.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReport {
    /// New check-ins.
    pub stored: usize,
    /// Check-ins already stored.
    pub duplicates: usize,
    /// Check-outs, if the batch had any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_outs: Option<Counts>,
    /// Staff entries, if the batch had any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_entries: Option<Counts>,
    /// Sealed questionnaires, if the batch had any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaires: Option<Counts>,
}

/// Why a batch was refused: an error code (`invalid_request`, `too_many_entries`,
/// `invalid_roster_entry`) and a description naming positions and members, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBatch {
    /// The error code.
    pub code: &'static str,
    /// What is wrong, where.
    pub description: String,
}

impl core::fmt::Display for BadBatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.code, self.description)
    }
}

impl std::error::Error for BadBatch {}

fn invalid(description: String) -> BadBatch {
    BadBatch {
        code: "invalid_request",
        description,
    }
}

/// The items of `name`, each parsed and checked; a missing array is empty.
fn items<T: serde::de::DeserializeOwned>(
    body: &Value,
    name: &str,
    members: &str,
    check: impl Fn(&T) -> Result<(), myna_vc_core::Error>,
) -> Result<Vec<T>, BadBatch> {
    let items = match body.get(name) {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid(format!("`{name}` must be an array"))),
    };
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        // serde's own messages may quote a value; this one names the position only.
        let parsed: T = serde_json::from_value(item.clone())
            .map_err(|_| invalid(format!("{name}[{index}] is not a {members}")))?;
        check(&parsed).map_err(|e| BadBatch {
            code: "invalid_roster_entry",
            description: format!("{name}[{index}]: {e}"),
        })?;
        out.push(parsed);
    }
    Ok(out)
}

impl RosterBatch {
    /// Parses and checks a batch received over the network (size- and depth-limited JSON).
    pub fn from_json(bytes: &[u8]) -> Result<Self, BadBatch> {
        const EXPECTED: &str = "expected {\"entries\": [roster entry, …]}";
        let body = myna_vc_core::json::parse(bytes, "roster batch")
            .map_err(|e| invalid(format!("{EXPECTED}: {e}")))?;
        let Some(Value::Array(entries)) = body.get("entries") else {
            return Err(invalid(format!("{EXPECTED}: no `entries` array")));
        };
        let total = ["check_outs", "staff_entries", "questionnaires"]
            .iter()
            .filter_map(|name| body.get(*name).and_then(Value::as_array))
            .map(Vec::len)
            .sum::<usize>()
            + entries.len();
        if total > MAX_BATCH_RECORDS {
            return Err(BadBatch {
                code: "too_many_entries",
                description: format!(
                    "{total} records; send at most {MAX_BATCH_RECORDS} per request"
                ),
            });
        }
        Ok(RosterBatch {
            entries: items(
                &body,
                "entries",
                "roster entry (entry_id, shelter_id, municipality_code, name, birthdate, \
                 issuer, holder, checked_in_at)",
                RosterEntry::check,
            )?,
            check_outs: items(
                &body,
                "check_outs",
                "check-out (entry_id, shelter_id, by, checked_out_at)",
                CheckOut::check,
            )?,
            staff_entries: items(
                &body,
                "staff_entries",
                "staff entry (entry_id, shelter_id, verified, entered_by, number, why, \
                 name_as_told, checked_in_at)",
                StaffEntry::check,
            )?,
            questionnaires: items(
                &body,
                "questionnaires",
                "sealed questionnaire (entry_id, shelter_id, jwe)",
                SealedQuestionnaire::check,
            )?,
        })
    }

    /// Whether it carries nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
            && self.check_outs.is_empty()
            && self.staff_entries.is_empty()
            && self.questionnaires.is_empty()
    }

    /// Every shelter id the batch names (an operator may name only its own).
    ///
    /// ```
    /// use myna_verifier::roster::RosterBatch;
    /// assert_eq!(RosterBatch::default().shelters().count(), 0);
    /// ```
    pub fn shelters(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .map(|e| e.shelter_id.as_str())
            .chain(self.check_outs.iter().map(|c| c.shelter_id.as_str()))
            .chain(self.staff_entries.iter().map(|e| e.shelter_id.as_str()))
            .chain(self.questionnaires.iter().map(|q| q.shelter_id.as_str()))
    }

    /// Checks every record (what the HQ does before storing any of a batch it did not parse
    /// with [`from_json`](Self::from_json)); the error names the array and position.
    pub fn check(&self) -> Result<(), String> {
        fn each<T>(
            name: &str,
            items: &[T],
            check: impl Fn(&T) -> Result<(), myna_vc_core::Error>,
        ) -> Result<(), String> {
            for (index, item) in items.iter().enumerate() {
                check(item).map_err(|e| format!("{name}[{index}]: {e}"))?;
            }
            Ok(())
        }
        each("entries", &self.entries, RosterEntry::check)?;
        each("check_outs", &self.check_outs, CheckOut::check)?;
        each("staff_entries", &self.staff_entries, StaffEntry::check)?;
        each(
            "questionnaires",
            &self.questionnaires,
            SealedQuestionnaire::check,
        )
    }
}
