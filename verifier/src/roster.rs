//! The shelter roster: entries made at the desk, queued while offline, synced to the
//! disaster HQ when the network returns — idempotently.
//!
//! An entry's id is derived from the shelter, the issuer and the holder key, so the same
//! check-in always has the same id; the HQ stores by id, so sending an entry twice (a sync
//! whose acknowledgement was lost, a desk that restarted) never duplicates it. An HQ that
//! receives entries over the network checks each ([`RosterEntry::check`]: the id must be the
//! one its fields give) before storing it; [`RedbHq`] keeps the roster in a redb file (what
//! `myna verify serve --roster` serves).
//!
//! ```
//! use myna_verifier::roster::{DisasterHq, MemoryHq, RosterEntry, RosterQueue};
//! use myna_verifier::core::time::NumericDate;
//! let holder = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
//! let entry = RosterEntry {
//!     entry_id: RosterEntry::id_for("shelter-1", "did:web:city.kobe.example", holder),
//!     shelter_id: "shelter-1".into(), municipality_code: "281000".into(),
//!     name: Some("神戸　太郎".into()), birthdate: None,
//!     issuer: "did:web:city.kobe.example".into(), holder: holder.into(),
//!     checked_in_at: NumericDate::from_unix(1_000),
//! };
//! entry.check()?;
//! let (queue, hq) = (RosterQueue::new(), MemoryHq::new());
//! queue.push(entry.clone());
//! queue.push(entry);                      // the same check-in twice
//! assert_eq!(queue.sync(&hq)?, 1);
//! assert_eq!(queue.sync(&hq)?, 0);
//! assert_eq!(hq.roster().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use myna_vocabulary::claim;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use redb::ReadableTable;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::time::NumericDate;
use myna_vc_core::{Error, InputError};

use crate::decision::Decision;
use crate::policy::residency::RESIDENT_ID;
use crate::policy::shelter::ShelterDesk;

/// One evacuee checked in at one shelter. Its JSON form is what desks send the HQ
/// (`checked_in_at` in Unix seconds; unknown members are refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterEntry {
    /// Stable id (see [`RosterEntry::id_for`]).
    pub entry_id: String,
    /// The shelter.
    pub shelter_id: String,
    /// The municipality of residence (from the resident credential).
    pub municipality_code: String,
    /// Name, if disclosed.
    pub name: Option<String>,
    /// Date of birth, if disclosed.
    pub birthdate: Option<String>,
    /// The issuer of the resident credential.
    pub issuer: String,
    /// The RFC 7638 thumbprint of the holder key the check-in was bound to (base64url): with
    /// the shelter and the issuer it gives the id, so the HQ can check the id.
    pub holder: String,
    /// When the desk checked the person in.
    #[serde(serialize_with = "unix", deserialize_with = "from_unix")]
    pub checked_in_at: NumericDate,
}

fn unix<S: serde::Serializer>(t: &NumericDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.as_unix())
}

fn from_unix<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NumericDate, D::Error> {
    i64::deserialize(d).map(NumericDate::from_unix)
}

/// The longest shelter id, issuer, or name an entry may carry, in characters.
const MAX_SHELTER_ID_CHARS: usize = 64;
const MAX_ISSUER_CHARS: usize = 256;
const MAX_NAME_CHARS: usize = 128;

/// Whether `text` is a base64url SHA-256 (43 characters, the form of ids and thumbprints).
fn is_digest(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `text` is a shelter id: 1 to 64 of `A-Z a-z 0-9 . _ -` (it names a shelter in
/// URLs, files and summaries).
fn is_shelter_id(text: &str) -> bool {
    (1..=MAX_SHELTER_ID_CHARS).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

impl RosterEntry {
    /// The id of the check-in of the holder with key thumbprint `holder`, resident per
    /// `issuer`, at `shelter_id`: base64url(SHA-256) over the three, length-prefixed.
    pub fn id_for(shelter_id: &str, issuer: &str, holder: &str) -> String {
        let mut hash = Sha256::new();
        hash.update(b"myna-roster-entry-v1");
        for part in [shelter_id, issuer, holder] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        myna_vc_core::b64::encode(hash.finalize())
    }

    /// Checks an entry received from elsewhere (a desk's sync): a shelter id of
    /// `A-Z a-z 0-9 . _ -` (at most 64), a 6-digit municipality code with its check digit, an
    /// issuer of at most 256 characters, a name of at most 128 without control characters, a
    /// date of birth `YYYY-MM-DD`, a holder thumbprint, a check-in time after 1970, and the
    /// id [`id_for`](Self::id_for) gives for its shelter, issuer and holder. The error names the
    /// member, never its value (an entry carries personal data).
    ///
    /// ```
    /// use myna_verifier::roster::RosterEntry;
    /// use myna_verifier::core::time::NumericDate;
    /// let holder = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    /// let mut entry = RosterEntry {
    ///     entry_id: RosterEntry::id_for("s-1", "did:web:city.kobe.example", holder),
    ///     shelter_id: "s-1".into(), municipality_code: "281000".into(), name: None,
    ///     birthdate: Some("1990-05-01".into()), issuer: "did:web:city.kobe.example".into(),
    ///     holder: holder.into(), checked_in_at: NumericDate::from_unix(1_000),
    /// };
    /// assert!(entry.check().is_ok());
    /// entry.shelter_id = "s-2".into();          // the id no longer matches its fields
    /// assert!(entry.check().unwrap_err().to_string().contains("entry_id"));
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let wrong = |member: &str, expected: &'static str| {
            Err(Error::Input(InputError::MemberType {
                what: "roster entry",
                member: member.to_owned(),
                expected,
            }))
        };
        if !is_shelter_id(&self.shelter_id) {
            return wrong("shelter_id", "1 to 64 of A-Z a-z 0-9 . _ -");
        }
        if MunicipalityCode::parse(&self.municipality_code).is_err() {
            return wrong("municipality_code", "a 6-digit municipality code");
        }
        if self.issuer.is_empty()
            || self.issuer.chars().count() > MAX_ISSUER_CHARS
            || self.issuer.chars().any(char::is_control)
        {
            return wrong("issuer", "an issuer id of at most 256 characters");
        }
        if let Some(name) = &self.name {
            if name.is_empty()
                || name.chars().count() > MAX_NAME_CHARS
                || name.chars().any(char::is_control)
            {
                return wrong(
                    "name",
                    "a name of 1 to 128 characters, without control characters",
                );
            }
        }
        if let Some(birthdate) = &self.birthdate {
            if CalendarDate::parse(birthdate).is_err() {
                return wrong("birthdate", "a date YYYY-MM-DD");
            }
        }
        if !is_digest(&self.holder) {
            return wrong("holder", "a key thumbprint (43 base64url characters)");
        }
        if self.checked_in_at.as_unix() < 0 {
            return wrong("checked_in_at", "a time after 1970 (Unix seconds)");
        }
        if self.entry_id != Self::id_for(&self.shelter_id, &self.issuer, &self.holder) {
            return wrong(
                "entry_id",
                "the id of its shelter, issuer and holder (RosterEntry::id_for)",
            );
        }
        Ok(())
    }

    /// The entry of `decision` if it is an accepted check-in at the shelter desk `spec` names
    /// (`shelter:<shelter-id>`, see
    /// [`catalog::shelter_desk`](crate::policy::catalog::shelter_desk)); `None` for another
    /// policy's decision or a rejected one.
    ///
    /// ```
    /// use myna_verifier::decision::{Decision, Reason, Rejection};
    /// use myna_verifier::roster::RosterEntry;
    /// use myna_verifier::core::time::NumericDate;
    /// let refused = Decision { policy: "shelter-s-1".into(), at: NumericDate::from_unix(0),
    ///                          credentials: vec![], outcome: Err(Rejection::new(Reason::Revoked)) };
    /// assert!(RosterEntry::for_spec("shelter:s-1", &refused).is_none());
    /// assert!(RosterEntry::for_spec("age-over-20", &refused).is_none());
    /// ```
    pub fn for_spec(spec: &str, decision: &Decision) -> Option<Self> {
        let desk = crate::policy::catalog::shelter_desk(spec)?.ok()?;
        if decision.policy != crate::policy::Policy::name(&desk) {
            return None;
        }
        desk.roster_entry(decision)
    }

    /// The entry of an accepted shelter check-in decision; `None` if it was rejected or has
    /// no resident credential.
    pub fn from_decision(shelter_id: &str, decision: &Decision) -> Option<Self> {
        if !decision.accepted() {
            return None;
        }
        let resident = decision.credential(RESIDENT_ID)?;
        let text = |name: &str| {
            resident
                .claims
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        Some(RosterEntry {
            entry_id: Self::id_for(shelter_id, &resident.issuer, &resident.holder),
            shelter_id: shelter_id.to_owned(),
            municipality_code: text(claim::resident::MUNICIPALITY_CODE)?,
            name: text(claim::resident::NAME),
            birthdate: text(claim::resident::BIRTHDATE),
            issuer: resident.issuer.clone(),
            holder: resident.holder.clone(),
            checked_in_at: decision.at,
        })
    }
}

// Defined here rather than in `policy::shelter`: the roster entry is what a desk's decision
// produces, so the roster depends on the policy and never the other way round (no module cycle).
impl ShelterDesk {
    /// The roster entry of an accepted check-in (`None` for a rejected one).
    pub fn roster_entry(&self, decision: &Decision) -> Option<RosterEntry> {
        RosterEntry::from_decision(self.shelter_id(), decision)
    }
}

/// The HQ could not be reached or refused the batch; the queue keeps its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HqError(pub String);

impl core::fmt::Display for HqError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "disaster HQ: {}", self.0)
    }
}

impl std::error::Error for HqError {}

/// The disaster HQ's roster endpoint. `submit` must be idempotent per `entry_id`.
pub trait DisasterHq: Send + Sync {
    /// Stores the entries (by id); returns how many were new.
    fn submit(&self, entries: &[RosterEntry]) -> Result<usize, HqError>;
}

/// Entries made at the desk and not yet acknowledged by the HQ.
#[derive(Debug, Default)]
pub struct RosterQueue {
    pending: Mutex<BTreeMap<String, RosterEntry>>,
}

impl RosterQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues an entry (a second entry with the same id replaces nothing: first one wins).
    pub fn push(&self, entry: RosterEntry) {
        self.lock().entry(entry.entry_id.clone()).or_insert(entry);
    }

    /// Entries waiting for the HQ.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Sends every pending entry; on success they leave the queue. On failure they all stay
    /// and the next sync sends them again (the HQ dedups by id). Returns how many the HQ
    /// reported as new.
    pub fn sync(&self, hq: &dyn DisasterHq) -> Result<usize, HqError> {
        let batch: Vec<RosterEntry> = self.lock().values().cloned().collect();
        if batch.is_empty() {
            return Ok(0);
        }
        let new = hq.submit(&batch)?;
        let mut pending = self.lock();
        for entry in &batch {
            pending.remove(&entry.entry_id);
        }
        Ok(new)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, RosterEntry>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An in-memory HQ for tests and drills; it can be told to be unreachable, or to store a
/// batch but lose the acknowledgement.
#[derive(Debug, Default)]
pub struct MemoryHq {
    roster: Mutex<BTreeMap<String, RosterEntry>>,
    failures: AtomicU32,
    lost_acks: AtomicU32,
}

impl MemoryHq {
    /// An empty, reachable HQ.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next `n` submissions fail without storing anything (network down).
    pub fn fail_next(&self, n: u32) {
        self.failures.store(n, Ordering::SeqCst);
    }

    /// The next `n` submissions are stored but answer with an error (acknowledgement lost).
    pub fn lose_next_acks(&self, n: u32) {
        self.lost_acks.store(n, Ordering::SeqCst);
    }

    /// The roster as stored, by entry id.
    pub fn roster(&self) -> Vec<RosterEntry> {
        self.roster
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect()
    }
}

fn take_one(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

impl DisasterHq for MemoryHq {
    fn submit(&self, entries: &[RosterEntry]) -> Result<usize, HqError> {
        if take_one(&self.failures) {
            return Err(HqError("unreachable".into()));
        }
        let mut roster = self.roster.lock().unwrap_or_else(|p| p.into_inner());
        let before = roster.len();
        for entry in entries {
            roster
                .entry(entry.entry_id.clone())
                .or_insert_with(|| entry.clone());
        }
        let new = roster.len() - before;
        drop(roster);
        if take_one(&self.lost_acks) {
            return Err(HqError("acknowledgement lost".into()));
        }
        Ok(new)
    }
}

/// How many people are checked in at one shelter (the HQ's summary: counts, no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShelterCount {
    /// The shelter.
    pub shelter_id: String,
    /// Distinct check-ins stored for it.
    pub checked_in: u64,
}

/// entry id → the entry's JSON form.
const ENTRIES: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("roster_entries");
/// shelter id → how many entries it has.
const CHECKED_IN: redb::TableDefinition<&str, u64> =
    redb::TableDefinition::new("roster_checked_in");

/// The disaster HQ's roster in a redb file: entries stored by id (a second copy of an entry is
/// a duplicate, never a second row), a count per shelter kept in the same transaction, and
/// every entry [checked](RosterEntry::check) before anything of its batch is stored.
///
/// ```
/// use myna_verifier::roster::{DisasterHq, RedbHq, RosterEntry, ShelterCount};
/// use myna_verifier::core::time::NumericDate;
/// let dir = tempfile::tempdir()?;
/// let hq = RedbHq::open(&dir.path().join("roster.redb"))?;
/// let holder = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
/// let entry = RosterEntry {
///     entry_id: RosterEntry::id_for("s-1", "did:web:city.kobe.example", holder),
///     shelter_id: "s-1".into(), municipality_code: "281000".into(), name: None, birthdate: None,
///     issuer: "did:web:city.kobe.example".into(), holder: holder.into(),
///     checked_in_at: NumericDate::from_unix(1_000),
/// };
/// assert_eq!(hq.submit(&[entry.clone(), entry.clone()])?, 1);
/// assert_eq!(hq.submit(&[entry])?, 0);
/// assert_eq!(hq.summary()?, [ShelterCount { shelter_id: "s-1".into(), checked_in: 1 }]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RedbHq {
    db: redb::Database,
}

impl RedbHq {
    /// Opens (or creates) the roster file.
    pub fn open(path: &Path) -> Result<Self, HqError> {
        let db = redb::Database::create(path).map_err(hq_storage)?;
        // Both tables exist from the start, so a summary before the first sync reads them.
        let tx = db.begin_write().map_err(hq_storage)?;
        tx.open_table(ENTRIES).map_err(hq_storage)?;
        tx.open_table(CHECKED_IN).map_err(hq_storage)?;
        tx.commit().map_err(hq_storage)?;
        Ok(RedbHq { db })
    }

    /// How many are checked in at each shelter, by shelter id.
    pub fn summary(&self) -> Result<Vec<ShelterCount>, HqError> {
        let tx = self.db.begin_read().map_err(hq_storage)?;
        let table = tx.open_table(CHECKED_IN).map_err(hq_storage)?;
        let mut counts = Vec::new();
        for row in table.iter().map_err(hq_storage)? {
            let (shelter, count) = row.map_err(hq_storage)?;
            counts.push(ShelterCount {
                shelter_id: shelter.value().to_owned(),
                checked_in: count.value(),
            });
        }
        Ok(counts)
    }
}

/// The storage failure, without the entries' contents.
fn hq_storage(error: impl core::fmt::Display) -> HqError {
    HqError(format!("roster storage: {error}"))
}

impl DisasterHq for RedbHq {
    fn submit(&self, entries: &[RosterEntry]) -> Result<usize, HqError> {
        for (index, entry) in entries.iter().enumerate() {
            entry
                .check()
                .map_err(|e| HqError(format!("entry {index}: {e}")))?;
        }
        // One write transaction: redb serialises writers, so check-then-insert is atomic and a
        // failed batch stores nothing.
        let tx = self.db.begin_write().map_err(hq_storage)?;
        let mut new = 0;
        {
            let mut stored = tx.open_table(ENTRIES).map_err(hq_storage)?;
            let mut counts = tx.open_table(CHECKED_IN).map_err(hq_storage)?;
            for entry in entries {
                if stored
                    .get(entry.entry_id.as_str())
                    .map_err(hq_storage)?
                    .is_some()
                {
                    continue;
                }
                let json = serde_json::to_vec(entry).map_err(hq_storage)?;
                stored
                    .insert(entry.entry_id.as_str(), json.as_slice())
                    .map_err(hq_storage)?;
                let count = counts
                    .get(entry.shelter_id.as_str())
                    .map_err(hq_storage)?
                    .map_or(0, |c| c.value());
                counts
                    .insert(entry.shelter_id.as_str(), count.saturating_add(1))
                    .map_err(hq_storage)?;
                new += 1;
            }
        }
        tx.commit().map_err(hq_storage)?;
        Ok(new)
    }
}
