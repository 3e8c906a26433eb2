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

pub mod batch;
pub mod check_out;
pub mod crowding;
pub mod operator;
pub mod questionnaire;
pub mod staff_entry;

pub use batch::{BatchReport, Counts, RosterBatch};
pub use check_out::{check_out_decision, CheckOut, CheckedOutBy};
pub use staff_entry::{NoCredential, StaffEntry};

use myna_vocabulary::claim;
use std::collections::BTreeSet;
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

use crate::decision::{Decision, Reason, Rejection};
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

pub(crate) fn unix<S: serde::Serializer>(t: &NumericDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.as_unix())
}

pub(crate) fn from_unix<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NumericDate, D::Error> {
    i64::deserialize(d).map(NumericDate::from_unix)
}

/// The longest shelter id, issuer, or name an entry may carry, in characters.
const MAX_SHELTER_ID_CHARS: usize = 64;
const MAX_ISSUER_CHARS: usize = 256;
pub(crate) const MAX_NAME_CHARS: usize = 128;

/// Whether `text` is a base64url SHA-256 (43 characters, the form of ids and thumbprints).
pub(crate) fn is_digest(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `text` is a shelter id: 1 to 64 of `A-Z a-z 0-9 . _ -` (it names a shelter in
/// URLs, files and summaries).
pub(crate) fn is_shelter_id(text: &str) -> bool {
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

/// The disaster HQ's roster endpoint. `submit_batch` must be idempotent per record id.
pub trait DisasterHq: Send + Sync {
    /// Stores a batch (check-ins and staff entries first, then check-outs and sealed
    /// questionnaires, which need their entry). Nothing of a batch with an invalid record is
    /// stored.
    fn submit_batch(&self, batch: &RosterBatch) -> Result<BatchReport, HqError>;

    /// Stores check-ins (by id); returns how many were new.
    fn submit(&self, entries: &[RosterEntry]) -> Result<usize, HqError> {
        let batch = RosterBatch {
            entries: entries.to_vec(),
            ..RosterBatch::default()
        };
        self.submit_batch(&batch).map(|report| report.stored)
    }
}

/// What a desk has recorded and not yet had acknowledged by the HQ, and which entries it has
/// checked in (so a check-out without a check-in is refused at the desk, `not_checked_in`).
#[derive(Debug, Default)]
pub struct RosterQueue {
    state: Mutex<QueueState>,
}

#[derive(Debug, Default)]
struct QueueState {
    pending: RosterBatch,
    /// Entry ids checked in at this desk and not checked out.
    present: BTreeSet<String>,
}

impl RosterQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues a check-in (a second one with the same id while the first waits adds nothing).
    pub fn push(&self, entry: RosterEntry) {
        let mut state = self.lock();
        state.present.insert(entry.entry_id.clone());
        if !state
            .pending
            .entries
            .iter()
            .any(|e| e.entry_id == entry.entry_id)
        {
            state.pending.entries.push(entry);
        }
    }

    /// Queues an entry staff made for someone without a credential.
    pub fn push_staff_entry(&self, entry: StaffEntry) {
        let mut state = self.lock();
        state.present.insert(entry.entry_id.clone());
        if !state
            .pending
            .staff_entries
            .iter()
            .any(|e| e.entry_id == entry.entry_id)
        {
            state.pending.staff_entries.push(entry);
        }
    }

    /// Queues sealed answers the evacuee handed over (by consent) for an entry checked in
    /// here; `not_checked_in` otherwise.
    pub fn push_questionnaire(
        &self,
        sealed: crate::roster::questionnaire::SealedQuestionnaire,
    ) -> Result<(), Rejection> {
        let mut state = self.lock();
        if !state.present.contains(&sealed.entry_id) {
            return Err(Rejection::new(Reason::NotCheckedIn));
        }
        state.pending.questionnaires.push(sealed);
        Ok(())
    }

    /// Queues a check-out of an entry checked in at this desk; `not_checked_in` (and nothing
    /// queued) for an entry this desk never checked in or already checked out. Staff checking
    /// out someone another desk checked in do it at the HQ's roster instead.
    pub fn check_out(&self, check_out: CheckOut) -> Result<(), Rejection> {
        let mut state = self.lock();
        if !state.present.remove(&check_out.entry_id) {
            return Err(Rejection::new(Reason::NotCheckedIn));
        }
        state.pending.check_outs.push(check_out);
        Ok(())
    }

    /// Whether the entry `entry_id` is checked in at this desk and not checked out.
    pub fn is_checked_in(&self, entry_id: &str) -> bool {
        self.lock().present.contains(entry_id)
    }

    /// A copy of what the next sync would send (an operator's desk can check it names only
    /// its own shelters, [`Operator::foreign_shelter`](crate::roster::operator::Operator::foreign_shelter)).
    pub fn pending_batch(&self) -> RosterBatch {
        self.lock().pending.clone()
    }

    /// Records waiting for the HQ (of all kinds).
    pub fn pending(&self) -> usize {
        let state = self.lock();
        state.pending.entries.len()
            + state.pending.check_outs.len()
            + state.pending.staff_entries.len()
            + state.pending.questionnaires.len()
    }

    /// Sends every pending record; on success they leave the queue. On failure they all stay
    /// and the next sync sends them again (the HQ dedups by id). Returns how many check-ins
    /// the HQ reported as new.
    pub fn sync(&self, hq: &dyn DisasterHq) -> Result<usize, HqError> {
        self.sync_report(hq).map(|report| report.stored)
    }

    /// [`sync`](Self::sync) with the HQ's whole answer (check-outs and questionnaires it
    /// refused as `not_checked_in` are named there, and leave the queue too).
    pub fn sync_report(&self, hq: &dyn DisasterHq) -> Result<BatchReport, HqError> {
        let batch = self.lock().pending.clone();
        if batch.is_empty() {
            return Ok(BatchReport::default());
        }
        let report = hq.submit_batch(&batch)?;
        let mut state = self.lock();
        let pending = &mut state.pending;
        pending
            .entries
            .retain(|e| !batch.entries.iter().any(|b| b.entry_id == e.entry_id));
        pending
            .staff_entries
            .retain(|e| !batch.staff_entries.iter().any(|b| b.entry_id == e.entry_id));
        pending.check_outs.retain(|c| !batch.check_outs.contains(c));
        pending
            .questionnaires
            .retain(|q| !batch.questionnaires.contains(q));
        Ok(report)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An in-memory HQ for tests and drills (the same storage as [`RedbHq`], in memory); it can be
/// told to be unreachable, or to store a batch but lose the acknowledgement.
#[derive(Debug)]
pub struct MemoryHq {
    /// The in-memory storage, or why it could not be made (then every submission fails).
    hq: Result<RedbHq, HqError>,
    failures: AtomicU32,
    lost_acks: AtomicU32,
}

impl Default for MemoryHq {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryHq {
    /// An empty, reachable HQ.
    pub fn new() -> Self {
        MemoryHq {
            hq: RedbHq::in_memory(),
            failures: AtomicU32::new(0),
            lost_acks: AtomicU32::new(0),
        }
    }

    /// The next `n` submissions fail without storing anything (network down).
    pub fn fail_next(&self, n: u32) {
        self.failures.store(n, Ordering::SeqCst);
    }

    /// The next `n` submissions are stored but answer with an error (acknowledgement lost).
    pub fn lose_next_acks(&self, n: u32) {
        self.lost_acks.store(n, Ordering::SeqCst);
    }

    /// The check-ins as stored, by entry id (empty if the storage failed).
    pub fn roster(&self) -> Vec<RosterEntry> {
        self.store().and_then(RedbHq::entries).unwrap_or_default()
    }

    /// The storage behind it (present counts, crowding, check-outs, questionnaires).
    pub fn store(&self) -> Result<&RedbHq, HqError> {
        self.hq.as_ref().map_err(Clone::clone)
    }
}

fn take_one(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

impl DisasterHq for MemoryHq {
    fn submit_batch(&self, batch: &RosterBatch) -> Result<BatchReport, HqError> {
        if take_one(&self.failures) {
            return Err(HqError("unreachable".into()));
        }
        let report = self.store()?.submit_batch(batch)?;
        if take_one(&self.lost_acks) {
            return Err(HqError("acknowledgement lost".into()));
        }
        Ok(report)
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
/// entry id → a staff entry's JSON form.
const STAFF_ENTRIES: redb::TableDefinition<&str, &[u8]> =
    redb::TableDefinition::new("roster_staff_entries");
/// entry id (check-in or staff entry) → (shelter id, latest check-in, Unix seconds).
const STAYS: redb::TableDefinition<&str, (&str, i64)> = redb::TableDefinition::new("roster_stays");
/// entry id → the check-out that ended its latest stay (JSON).
const CHECK_OUTS: redb::TableDefinition<&str, &[u8]> =
    redb::TableDefinition::new("roster_check_outs");
/// shelter id → how many are present (checked in, not checked out).
const PRESENT: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("roster_present");
/// entry id → sealed questionnaire (JSON; opaque to the HQ).
const QUESTIONNAIRES: redb::TableDefinition<&str, &[u8]> =
    redb::TableDefinition::new("roster_questionnaires");

/// The disaster HQ's roster in a redb file: entries stored by id (a second copy of an entry is
/// a duplicate, never a second row), a count per shelter kept in the same transaction, and
/// every entry [checked](RosterEntry::check) before anything of its batch is stored.
///
/// It also keeps staff entries, check-outs (a check-out ends the latest stay of its entry; a
/// later check-in of the same entry, with a later time, is a re-entry and makes them present
/// again; a resent old check-out or check-in changes nothing), how many are present per shelter,
/// and sealed questionnaires it cannot read.
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
/// # #[cfg(unix)] {
/// use std::os::unix::fs::PermissionsExt;
/// let mode = std::fs::metadata(dir.path().join("roster.redb"))?.permissions().mode();
/// assert_eq!(mode & 0o777, 0o600);
/// # }
/// drop(hq);   // reopened, the roster is still there
/// let hq = RedbHq::open(&dir.path().join("roster.redb"))?;
/// assert_eq!(hq.summary()?[0].checked_in, 1);
/// assert_eq!(hq.present()?, [("s-1".to_string(), 1)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RedbHq {
    db: redb::Database,
}

/// What storing one check-in or staff entry did.
enum Stay {
    New,
    Reentry,
    Duplicate,
}

impl RedbHq {
    /// Opens (or creates) the roster file. A new file is created readable by its owner only
    /// (mode 0600 on Unix): it holds evacuees' names and dates of birth.
    pub fn open(path: &Path) -> Result<Self, HqError> {
        if !path.exists() {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(path).map_err(hq_storage)?;
        }
        let db = redb::Database::create(path).map_err(hq_storage)?;
        Self::with_tables(db)
    }

    /// A roster kept in memory only (drills and tests).
    ///
    /// ```
    /// let hq = myna_verifier::roster::RedbHq::in_memory()?;
    /// assert!(hq.present()?.is_empty());
    /// # Ok::<(), myna_verifier::roster::HqError>(())
    /// ```
    pub fn in_memory() -> Result<Self, HqError> {
        let db = redb::Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(hq_storage)?;
        Self::with_tables(db)
    }

    fn with_tables(db: redb::Database) -> Result<Self, HqError> {
        // Every table exists from the start, so a summary before the first sync reads them
        // (and a file made by an older version gains the new ones).
        let tx = db.begin_write().map_err(hq_storage)?;
        tx.open_table(ENTRIES).map_err(hq_storage)?;
        tx.open_table(CHECKED_IN).map_err(hq_storage)?;
        tx.open_table(STAFF_ENTRIES).map_err(hq_storage)?;
        tx.open_table(STAYS).map_err(hq_storage)?;
        tx.open_table(CHECK_OUTS).map_err(hq_storage)?;
        tx.open_table(PRESENT).map_err(hq_storage)?;
        tx.open_table(QUESTIONNAIRES).map_err(hq_storage)?;
        tx.commit().map_err(hq_storage)?;
        let hq = RedbHq { db };
        hq.adopt_older_entries()?;
        Ok(hq)
    }

    /// A roster file from before check-outs has entries but no stays: each becomes a stay
    /// (present), once.
    fn adopt_older_entries(&self) -> Result<(), HqError> {
        let tx = self.db.begin_write().map_err(hq_storage)?;
        {
            let entries = tx.open_table(ENTRIES).map_err(hq_storage)?;
            let mut stays = tx.open_table(STAYS).map_err(hq_storage)?;
            let mut present = tx.open_table(PRESENT).map_err(hq_storage)?;
            for row in entries.iter().map_err(hq_storage)? {
                let (id, json) = row.map_err(hq_storage)?;
                if stays.get(id.value()).map_err(hq_storage)?.is_some() {
                    continue;
                }
                let entry: RosterEntry =
                    serde_json::from_slice(json.value()).map_err(hq_storage)?;
                stays
                    .insert(
                        id.value(),
                        (entry.shelter_id.as_str(), entry.checked_in_at.as_unix()),
                    )
                    .map_err(hq_storage)?;
                add(&mut present, &entry.shelter_id, 1)?;
            }
        }
        tx.commit().map_err(hq_storage)
    }

    /// How many are checked in at each shelter, by shelter id (distinct check-ins with a
    /// credential ever stored; see [`present`](Self::present) for who is there now).
    pub fn summary(&self) -> Result<Vec<ShelterCount>, HqError> {
        Ok(self
            .counts(CHECKED_IN)?
            .into_iter()
            .map(|(shelter_id, checked_in)| ShelterCount {
                shelter_id,
                checked_in,
            })
            .collect())
    }

    /// How many are present at each shelter now (checked in with a credential or entered by
    /// staff, not checked out), by shelter id; shelters with nobody left are listed with 0.
    pub fn present(&self) -> Result<Vec<(String, u64)>, HqError> {
        self.counts(PRESENT)
    }

    /// The crowding report to publish (counts only), with capacities from `registry`.
    ///
    /// ```
    /// use myna_verifier::roster::RedbHq;
    /// use myna_verifier::core::time::NumericDate;
    /// let report = RedbHq::in_memory()?.crowding(None, NumericDate::from_unix(5))?;
    /// assert!(report.shelters.is_empty());
    /// # Ok::<(), myna_verifier::roster::HqError>(())
    /// ```
    pub fn crowding(
        &self,
        registry: Option<&crate::roster::operator::ShelterRegistry>,
        at: NumericDate,
    ) -> Result<crate::roster::crowding::CrowdingReport, HqError> {
        Ok(crate::roster::crowding::CrowdingReport::new(
            &self.present()?,
            registry,
            at,
        ))
    }

    fn counts(
        &self,
        table: redb::TableDefinition<&str, u64>,
    ) -> Result<Vec<(String, u64)>, HqError> {
        let tx = self.db.begin_read().map_err(hq_storage)?;
        let table = tx.open_table(table).map_err(hq_storage)?;
        let mut counts = Vec::new();
        for row in table.iter().map_err(hq_storage)? {
            let (shelter, count) = row.map_err(hq_storage)?;
            counts.push((shelter.value().to_owned(), count.value()));
        }
        Ok(counts)
    }

    fn all<T: serde::de::DeserializeOwned>(
        &self,
        table: redb::TableDefinition<&str, &[u8]>,
    ) -> Result<Vec<T>, HqError> {
        let tx = self.db.begin_read().map_err(hq_storage)?;
        let table = tx.open_table(table).map_err(hq_storage)?;
        let mut out = Vec::new();
        for row in table.iter().map_err(hq_storage)? {
            let (_, json) = row.map_err(hq_storage)?;
            out.push(serde_json::from_slice(json.value()).map_err(hq_storage)?);
        }
        Ok(out)
    }

    /// The check-ins with a credential, by entry id.
    pub fn entries(&self) -> Result<Vec<RosterEntry>, HqError> {
        self.all(ENTRIES)
    }

    /// The staff entries (unverified), by entry id.
    pub fn staff_entries(&self) -> Result<Vec<StaffEntry>, HqError> {
        self.all(STAFF_ENTRIES)
    }

    /// The check-outs ending current absences, by entry id.
    pub fn check_outs(&self) -> Result<Vec<CheckOut>, HqError> {
        self.all(CHECK_OUTS)
    }

    /// The sealed questionnaires of `shelter_id` (for its medical staff to open).
    pub fn questionnaires(
        &self,
        shelter_id: &str,
    ) -> Result<Vec<crate::roster::questionnaire::SealedQuestionnaire>, HqError> {
        let all: Vec<crate::roster::questionnaire::SealedQuestionnaire> =
            self.all(QUESTIONNAIRES)?;
        Ok(all
            .into_iter()
            .filter(|q| q.shelter_id == shelter_id)
            .collect())
    }

    /// Whether `entry_id` is present (checked in, not checked out).
    pub fn is_present(&self, entry_id: &str) -> Result<bool, HqError> {
        let tx = self.db.begin_read().map_err(hq_storage)?;
        let stays = tx.open_table(STAYS).map_err(hq_storage)?;
        let outs = tx.open_table(CHECK_OUTS).map_err(hq_storage)?;
        Ok(stays.get(entry_id).map_err(hq_storage)?.is_some()
            && outs.get(entry_id).map_err(hq_storage)?.is_none())
    }
}

/// The storage failure, without the entries' contents.
fn hq_storage(error: impl core::fmt::Display) -> HqError {
    HqError(format!("roster storage: {error}"))
}

/// Adds `delta` (±1) to `shelter`'s count.
fn add(counts: &mut redb::Table<'_, &str, u64>, shelter: &str, delta: i64) -> Result<(), HqError> {
    let count = counts
        .get(shelter)
        .map_err(hq_storage)?
        .map_or(0, |c| c.value());
    let count = if delta < 0 {
        count.saturating_sub(delta.unsigned_abs())
    } else {
        count.saturating_add(delta.unsigned_abs())
    };
    counts.insert(shelter, count).map_err(hq_storage)?;
    Ok(())
}

/// The tables of one write transaction.
struct Tables<'t> {
    entries: redb::Table<'t, &'static str, &'static [u8]>,
    checked_in: redb::Table<'t, &'static str, u64>,
    staff: redb::Table<'t, &'static str, &'static [u8]>,
    stays: redb::Table<'t, &'static str, (&'static str, i64)>,
    outs: redb::Table<'t, &'static str, &'static [u8]>,
    present: redb::Table<'t, &'static str, u64>,
    questionnaires: redb::Table<'t, &'static str, &'static [u8]>,
}

impl<'t> Tables<'t> {
    fn open(tx: &'t redb::WriteTransaction) -> Result<Self, HqError> {
        Ok(Tables {
            entries: tx.open_table(ENTRIES).map_err(hq_storage)?,
            checked_in: tx.open_table(CHECKED_IN).map_err(hq_storage)?,
            staff: tx.open_table(STAFF_ENTRIES).map_err(hq_storage)?,
            stays: tx.open_table(STAYS).map_err(hq_storage)?,
            outs: tx.open_table(CHECK_OUTS).map_err(hq_storage)?,
            present: tx.open_table(PRESENT).map_err(hq_storage)?,
            questionnaires: tx.open_table(QUESTIONNAIRES).map_err(hq_storage)?,
        })
    }

    /// Starts (or restarts, for a re-entry later than the check-out) the stay of `entry_id`.
    fn stay(&mut self, entry_id: &str, shelter: &str, at: NumericDate) -> Result<Stay, HqError> {
        let known = self
            .stays
            .get(entry_id)
            .map_err(hq_storage)?
            .map(|row| row.value().1);
        let Some(latest_in) = known else {
            self.stays
                .insert(entry_id, (shelter, at.as_unix()))
                .map_err(hq_storage)?;
            add(&mut self.present, shelter, 1)?;
            return Ok(Stay::New);
        };
        let out_at = match self.outs.get(entry_id).map_err(hq_storage)? {
            Some(json) => serde_json::from_slice::<CheckOut>(json.value())
                .map_err(hq_storage)?
                .checked_out_at
                .as_unix(),
            None => return Ok(Stay::Duplicate),
        };
        if at.as_unix() <= latest_in || at.as_unix() < out_at {
            return Ok(Stay::Duplicate);
        }
        self.outs.remove(entry_id).map_err(hq_storage)?;
        self.stays
            .insert(entry_id, (shelter, at.as_unix()))
            .map_err(hq_storage)?;
        add(&mut self.present, shelter, 1)?;
        Ok(Stay::Reentry)
    }

    fn entry(&mut self, entry: &RosterEntry) -> Result<Stay, HqError> {
        let id = entry.entry_id.as_str();
        if self.entries.get(id).map_err(hq_storage)?.is_none() {
            let json = serde_json::to_vec(entry).map_err(hq_storage)?;
            self.entries
                .insert(id, json.as_slice())
                .map_err(hq_storage)?;
            add(&mut self.checked_in, &entry.shelter_id, 1)?;
        }
        self.stay(id, &entry.shelter_id, entry.checked_in_at)
    }

    fn staff_entry(&mut self, entry: &StaffEntry) -> Result<Stay, HqError> {
        let id = entry.entry_id.as_str();
        if self.staff.get(id).map_err(hq_storage)?.is_none() {
            let json = serde_json::to_vec(entry).map_err(hq_storage)?;
            self.staff.insert(id, json.as_slice()).map_err(hq_storage)?;
        }
        self.stay(id, &entry.shelter_id, entry.checked_in_at)
    }

    /// `None`: refused, not checked in (no such entry at that shelter, or the check-out is
    /// older than the latest check-in); `Some(true)`: stored; `Some(false)`: a duplicate.
    fn check_out(&mut self, out: &CheckOut) -> Result<Option<bool>, HqError> {
        let id = out.entry_id.as_str();
        let stay = self
            .stays
            .get(id)
            .map_err(hq_storage)?
            .map(|row| (row.value().0.to_owned(), row.value().1));
        let Some((shelter, latest_in)) = stay else {
            return Ok(None);
        };
        if shelter != out.shelter_id {
            return Ok(None);
        }
        if let Some(stored) = self.outs.get(id).map_err(hq_storage)? {
            drop(stored);
            // The same check-out resent, or another one of a stay already ended.
            return Ok(Some(false));
        }
        if out.checked_out_at.as_unix() < latest_in {
            // Resent from before a re-entry: that stay has already ended.
            return Ok(Some(false));
        }
        let json = serde_json::to_vec(out).map_err(hq_storage)?;
        self.outs.insert(id, json.as_slice()).map_err(hq_storage)?;
        add(&mut self.present, &shelter, -1)?;
        Ok(Some(true))
    }

    fn questionnaire(
        &mut self,
        sealed: &crate::roster::questionnaire::SealedQuestionnaire,
    ) -> Result<Option<bool>, HqError> {
        let id = sealed.entry_id.as_str();
        let at_shelter = self
            .stays
            .get(id)
            .map_err(hq_storage)?
            .is_some_and(|row| row.value().0 == sealed.shelter_id);
        if !at_shelter {
            return Ok(None);
        }
        if self.questionnaires.get(id).map_err(hq_storage)?.is_some() {
            return Ok(Some(false));
        }
        let json = serde_json::to_vec(sealed).map_err(hq_storage)?;
        self.questionnaires
            .insert(id, json.as_slice())
            .map_err(hq_storage)?;
        Ok(Some(true))
    }
}

/// Tallies one record's outcome at `index`.
fn tally(counts: &mut Counts, index: usize, outcome: Option<bool>) {
    match outcome {
        Some(true) => counts.stored += 1,
        Some(false) => counts.duplicates += 1,
        None => counts.not_checked_in.push(index),
    }
}

impl DisasterHq for RedbHq {
    fn submit_batch(&self, batch: &RosterBatch) -> Result<BatchReport, HqError> {
        batch.check().map_err(HqError)?;
        // One write transaction: redb serialises writers, so check-then-insert is atomic and a
        // failed batch stores nothing.
        let tx = self.db.begin_write().map_err(hq_storage)?;
        let mut report = BatchReport::default();
        {
            let mut tables = Tables::open(&tx)?;
            for entry in &batch.entries {
                match tables.entry(entry)? {
                    Stay::New | Stay::Reentry => report.stored += 1,
                    Stay::Duplicate => report.duplicates += 1,
                }
            }
            if !batch.staff_entries.is_empty() {
                let mut counts = Counts::default();
                for entry in &batch.staff_entries {
                    let stored = !matches!(tables.staff_entry(entry)?, Stay::Duplicate);
                    tally(&mut counts, 0, Some(stored));
                }
                report.staff_entries = Some(counts);
            }
            if !batch.check_outs.is_empty() {
                let mut counts = Counts::default();
                for (index, out) in batch.check_outs.iter().enumerate() {
                    tally(&mut counts, index, tables.check_out(out)?);
                }
                report.check_outs = Some(counts);
            }
            if !batch.questionnaires.is_empty() {
                let mut counts = Counts::default();
                for (index, sealed) in batch.questionnaires.iter().enumerate() {
                    tally(&mut counts, index, tables.questionnaire(sealed)?);
                }
                report.questionnaires = Some(counts);
            }
        }
        tx.commit().map_err(hq_storage)?;
        Ok(report)
    }
}
