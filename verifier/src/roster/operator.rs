//! The shelters the disaster HQ knows and who runs them. Not every shelter is run by the city:
//! Nomi opens spot shelters in 83 community halls that residents' association officers run
//! when no city staff can come ("市役所職員が不在でも、自治会役員など地元住民でも運営できる
//! スポット避難所", `../shared/seeds/000_2cab3622a7b836b8.txt:2500`), linked with 町内会等の
//! 自主防災組織 (`../shared/seeds/000_2cab3622a7b836b8.txt:2506`).
//!
//! The registry is data, a JSON file the HQ reads (`myna verify serve --shelters FILE`):
//! each shelter with its capacity (for the [crowding](crate::roster::crowding) count) and, for a
//! shelter a non-municipal operator runs, that operator's id; each operator with its name and
//! the SHA-256 of its token (the token itself is never stored). An operator presenting its
//! token may sync entries of **its own shelters only**; the HQ's roster token may sync any.
//!
//! ```
//! use myna_verifier::operator::ShelterRegistry;
//! let registry = ShelterRegistry::from_json(r#"{
//!   "shelters": [{"id": "kobe-chuo-es-01", "capacity": 300},
//!                {"id": "sakura-kominkan", "capacity": 40, "operator": "sakura-jichikai"}],
//!   "operators": [{"id": "sakura-jichikai", "name": "桜町自治会",
//!                  "token_sha256": "8d4e4a6a32d1d6b8e6e1a8a2f0e0d7c5b3a1f9e7d5c3b1a9f8e7d6c5b4a39281"}]
//! }"#.as_bytes())?;
//! assert_eq!(registry.capacity("sakura-kominkan"), Some(40));
//! assert!(registry.operator("sakura-jichikai").unwrap().runs("sakura-kominkan"));
//! assert!(!registry.operator("sakura-jichikai").unwrap().runs("kobe-chuo-es-01"));
//! # Ok::<(), myna_verifier::operator::RegistryError>(())
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::roster::is_shelter_id;

/// The longest operator name, in characters.
const MAX_OPERATOR_NAME_CHARS: usize = 128;

/// Why a shelters file was refused: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// The file could not be read.
    Unreadable(String),
    /// Not the expected JSON (serde's message with its line and column).
    Syntax(String),
    /// A member is wrong: where (e.g. `shelters[2].id`) and what was expected.
    Invalid {
        /// Where, e.g. `operators[0].token_sha256`.
        at: String,
        /// What was expected.
        expected: &'static str,
    },
}

impl core::fmt::Display for RegistryError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RegistryError::Unreadable(e) => write!(f, "shelters file unreadable: {e}"),
            RegistryError::Syntax(e) => write!(f, "shelters file is not a registry: {e}"),
            RegistryError::Invalid { at, expected } => {
                write!(f, "shelters file: {at}: expected {expected}")
            }
        }
    }
}

impl std::error::Error for RegistryError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    shelters: Vec<ShelterRow>,
    #[serde(default)]
    operators: Vec<OperatorRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShelterRow {
    id: String,
    capacity: u32,
    #[serde(default)]
    operator: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OperatorRow {
    id: String,
    name: String,
    token_sha256: String,
}

/// A non-municipal shelter operator (a residents' association).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// Its id.
    pub id: String,
    /// Its name, e.g. 桜町自治会.
    pub name: String,
    /// The shelters it runs.
    pub shelters: Vec<String>,
    token_sha256: [u8; 32],
}

impl Operator {
    /// Whether it runs `shelter_id`.
    ///
    /// ```
    /// # use myna_verifier::operator::ShelterRegistry;
    /// # let registry = ShelterRegistry::from_json(br#"{"shelters": [{"id": "a", "capacity": 1, "operator": "o"}],
    /// #   "operators": [{"id": "o", "name": "O", "token_sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]}"#)?;
    /// assert!(registry.operator("o").unwrap().runs("a"));
    /// # Ok::<(), myna_verifier::operator::RegistryError>(())
    /// ```
    pub fn runs(&self, shelter_id: &str) -> bool {
        self.shelters.iter().any(|s| s == shelter_id)
    }

    /// The first shelter `batch` names that this operator does not run (then the HQ refuses
    /// the whole batch), or `None` when every record is of its own shelters.
    ///
    /// ```
    /// # use myna_verifier::operator::ShelterRegistry;
    /// use myna_verifier::roster::{NoCredential, RosterBatch, StaffEntry};
    /// use myna_verifier::core::time::NumericDate;
    /// # let registry = ShelterRegistry::from_json(br#"{"shelters": [{"id": "a", "capacity": 1, "operator": "o"}, {"id": "b", "capacity": 1}],
    /// #   "operators": [{"id": "o", "name": "O", "token_sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]}"#)?;
    /// let entry = |shelter| StaffEntry::new(shelter, "sato", 1, NoCredential::NoPhone, None,
    ///                                       NumericDate::from_unix(0));
    /// let batch = RosterBatch { staff_entries: vec![entry("a"), entry("b")], ..Default::default() };
    /// assert_eq!(registry.operator("o").unwrap().foreign_shelter(&batch), Some("b"));
    /// # Ok::<(), myna_verifier::operator::RegistryError>(())
    /// ```
    pub fn foreign_shelter<'b>(&self, batch: &'b crate::roster::RosterBatch) -> Option<&'b str> {
        batch.shelters().find(|s| !self.runs(s))
    }
}

/// The HQ's shelters and their operators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShelterRegistry {
    capacities: BTreeMap<String, u32>,
    operators: Vec<Operator>,
}

fn invalid(at: String, expected: &'static str) -> RegistryError {
    RegistryError::Invalid { at, expected }
}

fn parse_sha256_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks(2)) {
        let pair = core::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

impl ShelterRegistry {
    /// Reads a shelters file.
    pub fn from_file(path: &Path) -> Result<Self, RegistryError> {
        let bytes = std::fs::read(path).map_err(|e| RegistryError::Unreadable(e.to_string()))?;
        Self::from_json(&bytes)
    }

    /// Parses a shelters file: `{"shelters": [{"id", "capacity", "operator"?}], "operators":
    /// [{"id", "name", "token_sha256"}]}`. Shelter and operator ids are 1 to 64 of
    /// `A-Z a-z 0-9 . _ -` and unique; a shelter's operator must be listed; a token hash is 64
    /// hex digits (`printf %s "$TOKEN" | sha256sum`) and no two operators share one.
    ///
    /// ```
    /// use myna_verifier::operator::ShelterRegistry;
    /// let error = ShelterRegistry::from_json(br#"{"shelters": [{"id": "a", "capacity": 5, "operator": "ghost"}]}"#)
    ///     .unwrap_err();
    /// assert_eq!(error.to_string(), "shelters file: shelters[0].operator: expected an operator listed in `operators`");
    /// assert!(ShelterRegistry::from_json(b"{\"shelters\": [\n{\"id\": 5}]}").unwrap_err().to_string().contains("line 2"));
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self, RegistryError> {
        let file: File =
            serde_json::from_slice(bytes).map_err(|e| RegistryError::Syntax(e.to_string()))?;
        let mut operators = Vec::with_capacity(file.operators.len());
        for (index, row) in file.operators.into_iter().enumerate() {
            let at = |member: &str| format!("operators[{index}].{member}");
            if !is_shelter_id(&row.id) || operators.iter().any(|o: &Operator| o.id == row.id) {
                return Err(invalid(
                    at("id"),
                    "a unique id of 1 to 64 of A-Z a-z 0-9 . _ -",
                ));
            }
            if row.name.is_empty()
                || row.name.chars().count() > MAX_OPERATOR_NAME_CHARS
                || row.name.chars().any(char::is_control)
            {
                return Err(invalid(at("name"), "a name of 1 to 128 characters"));
            }
            let Some(token_sha256) = parse_sha256_hex(&row.token_sha256) else {
                return Err(invalid(
                    at("token_sha256"),
                    "64 hex digits (SHA-256 of the token)",
                ));
            };
            if operators.iter().any(|o| o.token_sha256 == token_sha256) {
                return Err(invalid(at("token_sha256"), "a token no other operator has"));
            }
            operators.push(Operator {
                id: row.id,
                name: row.name,
                shelters: Vec::new(),
                token_sha256,
            });
        }
        let mut capacities = BTreeMap::new();
        for (index, row) in file.shelters.into_iter().enumerate() {
            let at = |member: &str| format!("shelters[{index}].{member}");
            if !is_shelter_id(&row.id) || capacities.contains_key(&row.id) {
                return Err(invalid(
                    at("id"),
                    "a unique id of 1 to 64 of A-Z a-z 0-9 . _ -",
                ));
            }
            if row.capacity == 0 {
                return Err(invalid(at("capacity"), "a capacity of at least 1"));
            }
            if let Some(operator) = row.operator {
                let Some(runner) = operators.iter_mut().find(|o| o.id == operator) else {
                    return Err(invalid(at("operator"), "an operator listed in `operators`"));
                };
                runner.shelters.push(row.id.clone());
            }
            capacities.insert(row.id, row.capacity);
        }
        Ok(ShelterRegistry {
            capacities,
            operators,
        })
    }

    /// The capacity of `shelter_id`, if registered.
    pub fn capacity(&self, shelter_id: &str) -> Option<u32> {
        self.capacities.get(shelter_id).copied()
    }

    /// Every registered shelter with its capacity, by id.
    pub fn shelters(&self) -> impl Iterator<Item = (&str, u32)> {
        self.capacities.iter().map(|(id, c)| (id.as_str(), *c))
    }

    /// The operator with id `id`.
    pub fn operator(&self, id: &str) -> Option<&Operator> {
        self.operators.iter().find(|o| o.id == id)
    }

    /// The operator whose token is `presented` (compared in constant time over the hashes).
    ///
    /// ```
    /// use myna_verifier::operator::ShelterRegistry;
    /// let registry = ShelterRegistry::from_json(br#"{"shelters": [], "operators": [{"id": "o", "name": "O",
    ///   "token_sha256": "5dcd5c2b3a8b1c5d0b8a4b9d0e0d2e6c0f1e2d3c4b5a69788796a5b4c3d2e1f0"}]}"#)?;
    /// assert!(registry.operator_with_token("some other token").is_none());
    /// # Ok::<(), myna_verifier::operator::RegistryError>(())
    /// ```
    pub fn operator_with_token(&self, presented: &str) -> Option<&Operator> {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for operator in &self.operators {
            if bool::from(operator.token_sha256.ct_eq(&digest)) {
                found = Some(operator);
            }
        }
        found
    }
}
