//! The replay guard: every accepted key-binding JWT (and every single-use nonce) is remembered
//! until it could no longer pass the freshness check anyway, in bounded memory.
//!
//! Entries expire when the KB-JWT's acceptance window closes, so forgetting them is safe: an
//! older replay fails as stale. When the guard is full of unexpired entries it refuses new
//! ones (fail closed) rather than forgetting a live one.
//!
//! [`ReplayGuard`] remembers in this process's memory; a fleet of gates or tills whose
//! presentations could be replayed at one another (gates sharing one id and key, in several
//! processes) shares one [`ReplayStore`] instead: `PgReplayGuard` (feature `postgres`) keeps
//! the digests in PostgreSQL.
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

use myna_vc_core::b64;
use myna_vc_core::crypto::Algorithm;
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
    /// The guard's store could not answer; nothing is known (refuse the presentation).
    Unavailable,
}

/// Where used values are remembered: [`ReplayGuard`] in memory, or a store a fleet shares
/// (given to [`Verifier::with_replay_store`](crate::verifier::Verifier::with_replay_store)).
/// ```
/// use std::sync::Arc;
/// use myna_verifier::core::time::NumericDate;
/// use myna_verifier::replay::{ReplayGuard, ReplayStore, Seen};
/// let store: Arc<dyn ReplayStore> = Arc::new(ReplayGuard::new(100));
/// let t = NumericDate::from_unix(100);
/// assert_eq!(store.record(b"kb-jwt-1", t.plus_seconds(60), t), Seen::First);
/// assert_eq!(store.record(b"kb-jwt-1", t.plus_seconds(60), t), Seen::Again);
/// ```
pub trait ReplayStore: Send + Sync {
    /// Records `value` as used until `expires_at`, at `now`: [`Seen::First`] when no live
    /// record of it existed, however many callers race with the same value.
    fn record(&self, value: &[u8], expires_at: NumericDate, now: NumericDate) -> Seen;
}

impl ReplayStore for ReplayGuard {
    fn record(&self, value: &[u8], expires_at: NumericDate, now: NumericDate) -> Seen {
        ReplayGuard::record(self, value, expires_at, now)
    }
}

/// The digest a guard keeps of a used value.
fn digest(value: &[u8]) -> [u8; 32] {
    Sha256::digest(value).into()
}

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
pub use postgres::PgReplayGuard;

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
        let digest = digest(value);
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

/// The order `n` of the P-256 group, big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// What the guard records of a key-binding JWT signed with `alg`: the bytes the holder signed
/// and the signature, an ES256 one with `s` in its low half.
///
/// ECDSA signatures are malleable: anyone who sees `(r, s)` can make `(r, n − s)`, which
/// verifies just as well. Keyed on the KB-JWT text, a copied presentation with `s` flipped
/// would pass as a first use; keyed on this identity, both forms are the same use. EdDSA and
/// RS256 signatures have one accepted encoding per signing, so they are kept as they are.
///
/// ```
/// use myna_verifier::core::{b64, crypto::Algorithm};
/// use myna_verifier::replay::key_binding_identity;
/// let r = [0x11u8; 32];
/// let mut s = [0u8; 32];
/// s[31] = 1;
/// // n − 1, the high twin of s = 1.
/// let mut twin = [0xffu8, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
///     0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x50];
/// let jwt = |s: &[u8; 32]| format!("e30.e30.{}", b64::encode([r.as_slice(), s].concat()));
/// let id = key_binding_identity(&jwt(&s), Algorithm::Es256);
/// assert_eq!(key_binding_identity(&jwt(&twin), Algorithm::Es256), id);
/// twin[31] = 0x4f; // (r, n − 2) is another signature, not a twin of (r, 1)
/// assert_ne!(key_binding_identity(&jwt(&twin), Algorithm::Es256), id);
/// ```
pub fn key_binding_identity(kb_jwt: &str, alg: Algorithm) -> Vec<u8> {
    let Some((signed, signature)) = kb_jwt.rsplit_once('.') else {
        return kb_jwt.as_bytes().to_vec();
    };
    let Ok(mut signature) = b64::decode(signature, "KB-JWT signature") else {
        // Not a signature this verifier accepted; the text itself is as good a key.
        return kb_jwt.as_bytes().to_vec();
    };
    if alg == Algorithm::Es256 {
        if let Some(s) = signature.get_mut(32..) {
            to_low_s(s);
        }
    }
    [signed.as_bytes(), b".", &signature].concat()
}

/// Replaces a 32-byte big-endian `s` by `n − s` when that is smaller.
fn to_low_s(s: &mut [u8]) {
    if s.len() != P256_ORDER.len() {
        return;
    }
    let mut negated = [0u8; 32];
    let mut borrow = false;
    for ((out, &n), &digit) in negated.iter_mut().zip(&P256_ORDER).zip(s.iter()).rev() {
        let (difference, under) = n.overflowing_sub(digit);
        let (difference, under_again) = difference.overflowing_sub(u8::from(borrow));
        *out = difference;
        borrow = under || under_again;
    }
    if negated.as_slice() < &*s {
        s.copy_from_slice(&negated);
    }
}
