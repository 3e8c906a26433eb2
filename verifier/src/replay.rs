//! The replay guard: every accepted key-binding JWT (and every single-use nonce) is remembered
//! until it could no longer pass the freshness check anyway, in bounded memory.
//!
//! Entries expire when the KB-JWT's acceptance window closes, so forgetting them is safe: an
//! older replay fails as stale. When the guard is full of unexpired entries it refuses new
//! ones (fail closed) rather than forgetting a live one.
//!
//! ```
//! use myna_verifier::replay::{ReplayGuard, Seen};
//! use myna_verifier::core::time::NumericDate;
//! let guard = ReplayGuard::new(2);
//! let t = NumericDate::from_unix(100);
//! assert_eq!(guard.record(b"kb-jwt-1", t.plus_seconds(60), t), Seen::First);
//! assert_eq!(guard.record(b"kb-jwt-1", t.plus_seconds(60), t), Seen::Again);
//! assert_eq!(guard.record(b"kb-jwt-2", t.plus_seconds(60), t), Seen::First);
//! assert_eq!(guard.record(b"kb-jwt-3", t.plus_seconds(60), t), Seen::Full);
//! // After the window closes the first two are forgotten and room frees up.
//! assert_eq!(guard.record(b"kb-jwt-3", t.plus_seconds(200), t.plus_seconds(61)), Seen::First);
//! ```

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use myna_vc_core::time::NumericDate;

/// What the guard knew about a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Not seen before; now recorded.
    First,
    /// Seen before (and not yet expired): a replay.
    Again,
    /// The guard is full of live entries; nothing recorded (refuse the presentation).
    Full,
}

#[derive(Debug, Default)]
struct Entries {
    until: HashMap<[u8; 32], i64>,
    by_expiry: BinaryHeap<Reverse<(i64, [u8; 32])>>,
}

/// Remembers SHA-256 digests of used values until their expiry. See the [module docs](self).
#[derive(Debug)]
pub struct ReplayGuard {
    capacity: usize,
    entries: Mutex<Entries>,
}

impl ReplayGuard {
    /// A guard holding at most `capacity` live entries.
    pub fn new(capacity: usize) -> Self {
        ReplayGuard {
            capacity,
            entries: Mutex::new(Entries::default()),
        }
    }

    /// Records `value` (hashed) as used until `expires_at`, at `now`.
    pub fn record(&self, value: &[u8], expires_at: NumericDate, now: NumericDate) -> Seen {
        let digest: [u8; 32] = Sha256::digest(value).into();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.forget_expired(now.as_unix());
        if entries.until.contains_key(&digest) {
            return Seen::Again;
        }
        if entries.until.len() >= self.capacity {
            return Seen::Full;
        }
        entries.until.insert(digest, expires_at.as_unix());
        entries
            .by_expiry
            .push(Reverse((expires_at.as_unix(), digest)));
        Seen::First
    }

    /// How many live entries are held (for monitoring).
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .until
            .len()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Entries {
    fn forget_expired(&mut self, now: i64) {
        while let Some(Reverse((until, digest))) = self.by_expiry.peek().copied() {
            if until >= now {
                break;
            }
            self.by_expiry.pop();
            self.until.remove(&digest);
        }
    }
}
