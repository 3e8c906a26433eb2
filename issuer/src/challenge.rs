//! Single-use challenge nonces with an expiry: the issuer hands one out (for a card signature
//! or a key proof), and accepts it back exactly once before it expires.
//!
//! Handing one out writes nothing: the value carries its own expiry and a MAC under the
//! issuer's [`ChallengeKey`] — `expiry (8 bytes, big-endian) ‖ 16 random bytes ‖
//! HMAC-SHA-256(key, label ‖ purpose ‖ expiry ‖ random)` — so an unauthenticated client asking
//! for nonces in a loop cannot grow the store. A value comes back with the request it guards
//! (a key proof, a card signature); the issuer checks the MAC in constant time and the expiry
//! ([`ChallengeKey::check`]), verifies the request, and only then redeems the value
//! ([`Store::redeem_challenge`](crate::store::Store::redeem_challenge)): the store keeps a used
//! value until its expiry, so that a replay is refused. What the store holds is therefore
//! bounded by authenticated activity, and pruning empties it as values expire.
//!
//! ```
//! use myna_issuer::challenge::{ChallengeKey, ChallengePurpose};
//! use myna_issuer::{ChallengeRejection, Error};
//! use myna_vc_core::time::NumericDate;
//! let key = ChallengeKey::generate()?;
//! let now = NumericDate::from_unix(1_800_000_000);
//! let issued = key.issue(ChallengePurpose::CNonce, now, 300)?;
//! assert_eq!(key.check(ChallengePurpose::CNonce, &issued.nonce, now)?, issued.expires_at);
//! // Not for another purpose, not after its expiry, not under another key.
//! let refused = |r| Err(Error::Challenge(r));
//! assert_eq!(key.check(ChallengePurpose::Anchoring, &issued.nonce, now), refused(ChallengeRejection::Unknown));
//! assert_eq!(key.check(ChallengePurpose::CNonce, &issued.nonce, now.plus_seconds(300)),
//!     refused(ChallengeRejection::Expired));
//! assert_eq!(ChallengeKey::generate()?.check(ChallengePurpose::CNonce, &issued.nonce, now),
//!     refused(ChallengeRejection::Unknown));
//! # Ok::<(), myna_issuer::Error>(())
//! ```

use core::fmt;

use hkdf::Hkdf;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use myna_vc_core::{crypto::fill_random, time::NumericDate};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{ChallengeRejection, Error, Result};
use crate::tables::{ReadTables, Table, WriteTables};

/// The shortest and longest nonce accepted, in bytes.
const MIN_LEN: usize = 16;
const MAX_LEN: usize = 64;

/// A challenge nonce: 16 to 64 bytes (those this issuer makes are 56).
/// ```
/// use myna_issuer::challenge::Nonce;
/// let nonce = Nonce::random()?;
/// assert_eq!(nonce.as_bytes().len(), 32);
/// assert!(Nonce::from_bytes(vec![0; 8]).is_err());
/// # Ok::<(), myna_issuer::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nonce(Vec<u8>);

impl Nonce {
    /// 32 bytes from the operating system's CSPRNG.
    /// ```
    /// use myna_issuer::challenge::Nonce;
    /// assert_ne!(Nonce::random()?, Nonce::random()?);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn random() -> Result<Self> {
        let mut bytes = vec![0; 32];
        fill_random(&mut bytes)?;
        Ok(Nonce(bytes))
    }

    /// A nonce received back from a client; shorter than 16 or longer than 64 bytes is
    /// [`Error::Invalid`].
    /// ```
    /// use myna_issuer::{challenge::Nonce, Error};
    /// assert!(Nonce::from_bytes(vec![7; 16]).is_ok());
    /// assert!(matches!(Nonce::from_bytes(vec![7; 65]), Err(Error::Invalid { .. })));
    /// ```
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        if !(MIN_LEN..=MAX_LEN).contains(&bytes.len()) {
            return Err(Error::Invalid {
                what: "challenge nonce",
                detail: format!("must be {MIN_LEN} to {MAX_LEN} bytes, got {}", bytes.len()),
            });
        }
        Ok(Nonce(bytes))
    }

    /// A nonce as a client sends it back: unpadded base64url of 16 to 64 bytes. Anything
    /// else was never issued here: [`ChallengeRejection::Unknown`].
    /// ```
    /// use myna_issuer::{challenge::Nonce, ChallengeRejection, Error};
    /// assert_eq!(Nonce::from_text("AAAAAAAAAAAAAAAAAAAAAA")?.as_bytes(), &[0; 16]);
    /// assert_eq!(Nonce::from_text("not base64!"), Err(Error::Challenge(ChallengeRejection::Unknown)));
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn from_text(text: &str) -> Result<Self> {
        myna_vc_core::b64::decode(text, "challenge nonce")
            .ok()
            .and_then(|bytes| Nonce::from_bytes(bytes).ok())
            .ok_or(Error::Challenge(ChallengeRejection::Unknown))
    }

    /// The bytes.
    /// ```
    /// use myna_issuer::challenge::Nonce;
    /// assert_eq!(Nonce::from_bytes(vec![1; 16])?.as_bytes(), &[1; 16]);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Unpadded base64url, as it travels.
    /// ```
    /// use myna_issuer::challenge::Nonce;
    /// let nonce = Nonce::random()?;
    /// assert_eq!(Nonce::from_text(&nonce.to_text())?, nonce);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn to_text(&self) -> String {
        myna_vc_core::b64::encode(&self.0)
    }
}

/// What a value MACed under the [`ChallengeKey`] guards: a value made for one purpose is
/// refused for any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChallengePurpose {
    /// An OpenID4VCI `c_nonce` (key proofs of a credential request).
    CNonce,
    /// A card anchoring challenge (the card's and the holder key's signatures).
    Anchoring,
    /// The pre-authorized code of a self-service offer, which carries its entitlement
    /// (see [`crate::endpoint::self_service`]).
    SelfServiceCode,
    /// The access token of a self-service offer, which carries its entitlement.
    SelfServiceToken,
}

impl ChallengePurpose {
    const fn tag(self) -> u8 {
        match self {
            ChallengePurpose::CNonce => 1,
            ChallengePurpose::Anchoring => 2,
            ChallengePurpose::SelfServiceCode => 3,
            ChallengePurpose::SelfServiceToken => 4,
        }
    }
}

/// A challenge handed out: the nonce and the instant it stops being accepted (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedChallenge {
    /// The nonce.
    pub nonce: Nonce,
    /// When it stops being accepted.
    pub expires_at: NumericDate,
}

/// Domain separation of the MAC input and of the key derivation.
const MAC_LABEL: &[u8] = b"myna-vc/challenge/v1";
const DERIVATION_SALT: &[u8] = b"myna-vc/challenge-key/v1";
const EXPIRY_LEN: usize = 8;
const RANDOM_LEN: usize = 16;
pub(crate) const TAG_LEN: usize = 32;
/// The length of every nonce this issuer makes: expiry ‖ random ‖ tag.
pub const ISSUED_LEN: usize = EXPIRY_LEN + RANDOM_LEN + TAG_LEN;

/// The size of a challenge key: one SHA-256 block, HMAC's natural key size.
const KEY_LEN: usize = 64;

/// The issuer's secret MAC key for stateless challenges. Zeroized on drop, never printed.
pub struct ChallengeKey(Zeroizing<[u8; KEY_LEN]>);

impl ChallengeKey {
    /// A fresh random key (challenges handed out under another key are then refused).
    pub fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        fill_random(key.as_mut()).map_err(|_| Error::Randomness)?;
        Ok(ChallengeKey(key))
    }

    /// The key derived with HKDF-SHA-256 from another long-lived secret of the issuer (the
    /// service derives it from its sealed pseudonym key), so that challenges survive a
    /// restart without a key of their own on disk. Distinct salts keep the two uses apart.
    /// ```
    /// use myna_issuer::challenge::{ChallengeKey, ChallengePurpose};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(0);
    /// let issued = ChallengeKey::derive(&[7; 64]).issue(ChallengePurpose::CNonce, now, 60)?;
    /// assert!(ChallengeKey::derive(&[7; 64]).check(ChallengePurpose::CNonce, &issued.nonce, now).is_ok());
    /// assert!(ChallengeKey::derive(&[8; 64]).check(ChallengePurpose::CNonce, &issued.nonce, now).is_err());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn derive(secret: &[u8]) -> Self {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        // 64 bytes are far below HKDF-SHA-256's limit of 8160: expansion cannot fail.
        let _ = Hkdf::<Sha256>::new(Some(DERIVATION_SALT), secret)
            .expand(b"challenge mac key", key.as_mut());
        ChallengeKey(key)
    }

    fn tag(&self, purpose: ChallengePurpose, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&(*self.0).into());
        mac.update(MAC_LABEL);
        mac.update(&[purpose.tag()]);
        mac.update(body);
        mac
    }

    /// The MAC of `body` for `purpose`: what a stateless value carries besides its body.
    pub(crate) fn seal(&self, purpose: ChallengePurpose, body: &[u8]) -> [u8; TAG_LEN] {
        self.tag(purpose, body).finalize().into_bytes().into()
    }

    /// Whether `tag` is the MAC of `body` for `purpose` (compared in constant time).
    pub(crate) fn verify(&self, purpose: ChallengePurpose, body: &[u8], tag: &[u8]) -> bool {
        self.tag(purpose, body).verify_slice(tag).is_ok()
    }

    /// A fresh challenge for `purpose`, accepted until `now + lifetime_secs`. Writes nothing.
    pub fn issue(
        &self,
        purpose: ChallengePurpose,
        now: NumericDate,
        lifetime_secs: u64,
    ) -> Result<IssuedChallenge> {
        let expires_at = now.plus_seconds(lifetime_secs);
        let mut bytes = Vec::with_capacity(ISSUED_LEN);
        bytes.extend_from_slice(&expires_at.as_unix().to_be_bytes());
        let mut random = [0u8; RANDOM_LEN];
        fill_random(&mut random)?;
        bytes.extend_from_slice(&random);
        let tag = self.tag(purpose, &bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag);
        Ok(IssuedChallenge {
            nonce: Nonce(bytes),
            expires_at,
        })
    }

    /// Checks that this key made `nonce` for `purpose` (MAC compared in constant time) and
    /// that it has not expired at `now`; returns its expiry. Whether it was used is the
    /// store's part ([`Store::redeem_challenge`](crate::store::Store::redeem_challenge)).
    /// Not made here (wrong length, MAC, purpose or key): [`ChallengeRejection::Unknown`];
    /// at or after its expiry: [`ChallengeRejection::Expired`].
    pub fn check(
        &self,
        purpose: ChallengePurpose,
        nonce: &Nonce,
        now: NumericDate,
    ) -> Result<NumericDate> {
        let unknown = Error::Challenge(ChallengeRejection::Unknown);
        if nonce.0.len() != ISSUED_LEN {
            return Err(unknown);
        }
        let (body, tag) = nonce.0.split_at(EXPIRY_LEN + RANDOM_LEN);
        self.tag(purpose, body)
            .verify_slice(tag)
            .map_err(|_| Error::Challenge(ChallengeRejection::Unknown))?;
        let expiry = body.first_chunk::<EXPIRY_LEN>().ok_or(unknown)?;
        let expires_at = NumericDate::from_unix(i64::from_be_bytes(*expiry));
        if now >= expires_at {
            return Err(Error::Challenge(ChallengeRejection::Expired));
        }
        Ok(expires_at)
    }
}

impl fmt::Debug for ChallengeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChallengeKey(<redacted>)")
    }
}

/// Stored value of a redeemed challenge: expiry (8 bytes big-endian) ‖ used flag (1 byte,
/// always 1 now; 0 was an unused challenge registered before challenges were stateless).
fn encode(expires_at: NumericDate) -> Vec<u8> {
    let mut out = expires_at.as_unix().to_be_bytes().to_vec();
    out.push(1);
    out
}

fn decode_expiry(bytes: &[u8]) -> Result<NumericDate> {
    match bytes {
        [expiry @ .., 0 | 1] => {
            let expiry: [u8; 8] = expiry
                .try_into()
                .map_err(|_| Error::corrupt("challenge", "not 9 bytes of expiry and flag"))?;
            Ok(NumericDate::from_unix(i64::from_be_bytes(expiry)))
        }
        _ => Err(Error::corrupt(
            "challenge",
            "not 9 bytes of expiry and flag",
        )),
    }
}

/// Whether `nonce` was redeemed already.
pub(crate) fn used(tx: &dyn ReadTables, nonce: &Nonce) -> Result<bool> {
    Ok(tx.get(Table::Challenges, nonce.as_bytes())?.is_some())
}

/// Redeems `nonce` (checked by [`ChallengeKey::check`], valid until `expires_at`): a second
/// redemption is [`ChallengeRejection::AlreadyUsed`], one at or after the expiry
/// [`ChallengeRejection::Expired`]. The row stays until pruning after the expiry.
pub(crate) fn redeem(
    tx: &mut dyn WriteTables,
    nonce: &Nonce,
    expires_at: NumericDate,
    now: NumericDate,
) -> Result<()> {
    if now >= expires_at {
        return Err(Error::Challenge(ChallengeRejection::Expired));
    }
    if used(tx.as_read(), nonce)? {
        return Err(Error::Challenge(ChallengeRejection::AlreadyUsed));
    }
    tx.put(Table::Challenges, nonce.as_bytes(), &encode(expires_at))
}

/// Removes every redeemed challenge that expired at or before `now`: past its expiry a
/// value is refused by [`ChallengeKey::check`] anyway.
pub(crate) fn prune(tx: &mut dyn WriteTables, now: NumericDate) -> Result<usize> {
    let mut expired = Vec::new();
    tx.scan(Table::Challenges, &[], &mut |key, value| {
        if decode_expiry(value)? <= now {
            expired.push(key.to_vec());
        }
        Ok(true)
    })?;
    for key in &expired {
        tx.remove(Table::Challenges, key)?;
    }
    Ok(expired.len())
}
