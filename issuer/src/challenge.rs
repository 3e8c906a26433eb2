//! Single-use challenge nonces with an expiry: the issuer hands one out (for a card signature
//! or a key proof), and accepts it back exactly once before it expires.

use myna_vc_core::{crypto::fill_random, time::NumericDate};

use crate::error::{ChallengeRejection, Error, Result};
use crate::tables::{Table, WriteTables};

/// The shortest and longest nonce accepted, in bytes.
const MIN_LEN: usize = 16;
const MAX_LEN: usize = 64;

/// A challenge nonce: 16 to 64 bytes, normally 32 random ones.
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

    /// The bytes.
    /// ```
    /// use myna_issuer::challenge::Nonce;
    /// assert_eq!(Nonce::from_bytes(vec![1; 16])?.as_bytes(), &[1; 16]);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Stored value: expiry (8 bytes big-endian) ‖ used flag (1 byte).
fn encode(expires_at: NumericDate, used: bool) -> Vec<u8> {
    let mut out = expires_at.as_unix().to_be_bytes().to_vec();
    out.push(u8::from(used));
    out
}

fn decode(bytes: &[u8]) -> Result<(NumericDate, bool)> {
    let corrupt = || Error::corrupt("challenge", "not 9 bytes of expiry and flag");
    let (expiry, flag) = bytes.split_first_chunk::<8>().ok_or_else(corrupt)?;
    match flag {
        [0] => Ok((NumericDate::from_unix(i64::from_be_bytes(*expiry)), false)),
        [1] => Ok((NumericDate::from_unix(i64::from_be_bytes(*expiry)), true)),
        _ => Err(corrupt()),
    }
}

pub(crate) fn register(
    tx: &mut dyn WriteTables,
    nonce: &Nonce,
    expires_at: NumericDate,
) -> Result<()> {
    if tx.get(Table::Challenges, nonce.as_bytes())?.is_some() {
        return Err(Error::Challenge(ChallengeRejection::AlreadyRegistered));
    }
    tx.put(
        Table::Challenges,
        nonce.as_bytes(),
        &encode(expires_at, false),
    )
}

pub(crate) fn consume(tx: &mut dyn WriteTables, nonce: &Nonce, now: NumericDate) -> Result<()> {
    let stored = tx
        .get(Table::Challenges, nonce.as_bytes())?
        .ok_or(Error::Challenge(ChallengeRejection::Unknown))?;
    let (expires_at, used) = decode(&stored)?;
    if used {
        return Err(Error::Challenge(ChallengeRejection::AlreadyUsed));
    }
    if now >= expires_at {
        return Err(Error::Challenge(ChallengeRejection::Expired));
    }
    tx.put(
        Table::Challenges,
        nonce.as_bytes(),
        &encode(expires_at, true),
    )
}

/// Removes every challenge that expired before `now` (used or not): past its expiry a nonce is
/// refused anyway, as [`ChallengeRejection::Unknown`] instead of `Expired`.
pub(crate) fn prune(tx: &mut dyn WriteTables, now: NumericDate) -> Result<usize> {
    let mut expired = Vec::new();
    tx.scan(Table::Challenges, &[], &mut |key, value| {
        if decode(value)?.0 <= now {
            expired.push(key.to_vec());
        }
        Ok(true)
    })?;
    for key in &expired {
        tx.remove(Table::Challenges, key)?;
    }
    Ok(expired.len())
}
