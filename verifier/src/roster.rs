//! The shelter roster: entries made at the desk, queued while offline, synced to the
//! disaster HQ when the network returns — idempotently.
//!
//! An entry's id is derived from the shelter, the issuer and the holder key, so the same
//! check-in always has the same id; the HQ stores by id, so sending an entry twice (a sync
//! whose acknowledgement was lost, a desk that restarted) never duplicates it.
//!
//! ```
//! use myna_verifier::roster::{DisasterHq, MemoryHq, RosterEntry, RosterQueue};
//! use myna_verifier::core::time::NumericDate;
//! let entry = RosterEntry {
//!     entry_id: RosterEntry::id_for("shelter-1", "did:web:city.kobe.example", "holder-thumbprint"),
//!     shelter_id: "shelter-1".into(), municipality_code: "281000".into(),
//!     name: Some("神戸　太郎".into()), birthdate: None,
//!     issuer: "did:web:city.kobe.example".into(), checked_in_at: NumericDate::from_unix(1_000),
//! };
//! let (queue, hq) = (RosterQueue::new(), MemoryHq::new());
//! queue.push(entry.clone());
//! queue.push(entry);                      // the same check-in twice
//! assert_eq!(queue.sync(&hq)?, 1);
//! assert_eq!(queue.sync(&hq)?, 0);
//! assert_eq!(hq.roster().len(), 1);
//! # Ok::<(), myna_verifier::roster::HqError>(())
//! ```

use myna_vocabulary::claim;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use sha2::{Digest, Sha256};

use myna_vc_core::time::NumericDate;

use crate::decision::Decision;
use crate::policy::residency::RESIDENT_ID;
use crate::policy::shelter::ShelterDesk;

/// One evacuee checked in at one shelter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// When the desk checked the person in.
    #[serde(serialize_with = "unix")]
    pub checked_in_at: NumericDate,
}

fn unix<S: serde::Serializer>(t: &NumericDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.as_unix())
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
