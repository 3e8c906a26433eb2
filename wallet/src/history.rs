//! The history log: every presentation and consent event, append-only and hash-chained.
//!
//! Entry `n` carries `prev`, the hash of entry `n − 1` (32 zero bytes for the first), and its
//! own `hash` = SHA-256(`prev` ‖ the entry's canonical JSON without `hash`). The wallet also
//! keeps the [`ChainHead`] (count and last hash), so removing the newest entries is detected
//! too. [`verify`] recomputes the chain and names the first entry that does not fit.
//!
//! ```
//! use myna_wallet::history::{verify, Event, HistoryEntry};
//! use myna_vc_core::time::NumericDate;
//! let first = HistoryEntry::first(NumericDate::from_unix(10), Event::Note { text: "init".into() });
//! let second = HistoryEntry::after(&first, NumericDate::from_unix(20), Event::Note { text: "x".into() });
//! let head = second.head();
//! assert!(verify(&[first.clone(), second.clone()], Some(&head)).is_ok());
//! let mut edited = second;
//! edited.event = Event::Note { text: "y".into() };
//! assert!(matches!(verify(&[first, edited], Some(&head)), Err(myna_wallet::Error::HistoryTampered(1))));
//! ```

use myna_vc_core::{b64, time::NumericDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A presentation was signed and handed to a verifier.
    Presented {
        /// The verifier (audience).
        verifier: String,
        /// The credential instances shown.
        credentials: Vec<String>,
        /// The claim paths disclosed (JSON path arrays as text), per credential.
        claims: Vec<String>,
    },
    /// Credentials were received.
    Received {
        /// The issuer.
        issuer: String,
        /// The credential type.
        vct: String,
        /// How many instances.
        count: usize,
    },
    /// The wallet anchored a holder key with a card at an issuer.
    Anchored {
        /// The issuer.
        issuer: String,
    },
    /// A consent was given (signed and registered).
    ConsentGiven {
        /// The consent id.
        consent: String,
        /// The recipient's DID.
        recipient: String,
        /// The purpose.
        purpose: String,
        /// The claims covered.
        claims: Vec<String>,
    },
    /// A consent's status was changed (withdraw, pause, resume).
    ConsentChanged {
        /// The consent id.
        consent: String,
        /// The action.
        action: String,
    },
    /// Something else worth recording (initialisation, import).
    Note {
        /// What.
        text: String,
    },
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Position, from 0.
    pub seq: u64,
    /// When (Unix seconds).
    pub at: i64,
    /// What happened.
    pub event: Event,
    /// The previous entry's hash (base64url).
    pub prev: String,
    /// This entry's hash (base64url).
    pub hash: String,
}

/// The newest entry's position and hash, kept apart from the entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    /// How many entries there are.
    pub count: u64,
    /// The newest entry's hash.
    pub hash: String,
}

/// What is hashed: everything but `hash`, in a fixed order.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: u64,
    at: i64,
    event: &'a Event,
    prev: &'a str,
}

fn genesis() -> String {
    b64::encode([0u8; 32])
}

fn entry_hash(seq: u64, at: i64, event: &Event, prev: &str) -> String {
    let hashed = Hashed {
        seq,
        at,
        event,
        prev,
    };
    // Serializing a plain struct of strings and integers cannot fail; an empty input would
    // still chain (and any edit still changes the other fields' hash).
    let json = serde_json::to_vec(&hashed).unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(&json);
    b64::encode(hasher.finalize())
}

impl HistoryEntry {
    /// The first entry of a log.
    pub fn first(at: NumericDate, event: Event) -> Self {
        Self::make(0, at, event, genesis())
    }

    /// The entry after `previous`.
    pub fn after(previous: &HistoryEntry, at: NumericDate, event: Event) -> Self {
        Self::make(
            previous.seq.saturating_add(1),
            at,
            event,
            previous.hash.clone(),
        )
    }

    /// The head a log ending with this entry has.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            count: self.seq.saturating_add(1),
            hash: self.hash.clone(),
        }
    }

    fn make(seq: u64, at: NumericDate, event: Event, prev: String) -> Self {
        let hash = entry_hash(seq, at.as_unix(), &event, &prev);
        HistoryEntry {
            seq,
            at: at.as_unix(),
            event,
            prev,
            hash,
        }
    }

    /// The store key: the position, zero-padded so key order is log order.
    pub(crate) fn key(seq: u64) -> String {
        format!("{seq:020}")
    }
}

/// Checks that `entries` (in order) form an unbroken chain from the start and, if `head` is
/// given, that it ends where the head says. The first entry that does not fit is
/// [`Error::HistoryTampered`] with its position.
pub fn verify(entries: &[HistoryEntry], head: Option<&ChainHead>) -> Result<()> {
    let mut prev = genesis();
    for (position, entry) in (0u64..).zip(entries) {
        let expected = entry_hash(entry.seq, entry.at, &entry.event, &entry.prev);
        let fits =
            entry.seq == position && same(&entry.prev, &prev) && same(&entry.hash, &expected);
        if !fits {
            return Err(Error::HistoryTampered(position));
        }
        prev = entry.hash.clone();
    }
    if let Some(head) = head {
        let count = u64::try_from(entries.len()).unwrap_or(u64::MAX);
        if head.count != count || (count > 0 && !same(&head.hash, &prev)) {
            return Err(Error::HistoryTampered(count));
        }
    }
    Ok(())
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
