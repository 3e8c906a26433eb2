//! Data sealed under a passphrase (feature `sealed`): Argon2id turns the passphrase into a key,
//! ChaCha20-Poly1305 encrypts and authenticates. The wallet's master secret at rest and its
//! exports (`myna-wallet`) and a trustee's escrow key file (`myna-escrow`) are sealed with it.
//!
//! It lives here, in the crate every other depends on, because both sides of the data flow
//! (card → issuer → wallet → verifier) seal under a passphrase: the escrow's trustees belong to
//! the issuer's side and the wallet to the holder's, and neither may depend on the other. One
//! implementation, one format, one set of bounds.
//!
//! Layout (all integers big-endian): `MYNA-SEALED1` (12 bytes) ‖ Argon2 memory in KiB (4) ‖
//! iterations (4) ‖ parallelism (4) ‖ salt (16) ‖ nonce (12) ‖ ciphertext with tag. The header
//! is the AEAD's associated data, so the parameters cannot be swapped. The parameters read from
//! a file are bounded ([`KdfParams::new`]), so a crafted file cannot ask for gigabytes.
//!
//! ```
//! use myna_vc_core::sealed::{open, seal, KdfParams, SealedError};
//! let params = KdfParams::new(64, 1, 1)?; // tiny, for the example; use KdfParams::default()
//! let sealed = seal(b"the master secret", "correct horse battery", params)?;
//! assert_eq!(open(&sealed, "correct horse battery")?.as_slice(), b"the master secret");
//! assert_eq!(open(&sealed, "wrong horse battery"), Err(SealedError::WrongPassphrase));
//! # Ok::<(), SealedError>(())
//! ```

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use zeroize::Zeroizing;

use crate::crypto::fill_random;
use crate::passphrase::{check_new, WeakPassphrase};

const MAGIC: &[u8; 12] = b"MYNA-SEALED1";
const SALT_LEN: usize = 16;
/// The ChaCha20-Poly1305 nonce's size.
pub const NONCE_LEN: usize = 12;
const HEADER_LEN: usize = MAGIC.len() + 12 + SALT_LEN + NONCE_LEN;

/// The shortest passphrase accepted when sealing: the one rule of [`crate::passphrase`].
pub use crate::passphrase::MIN_PASSPHRASE_CHARS;
/// The most memory a sealed file may ask Argon2 for: 1 GiB.
pub const MAX_MEMORY_KIB: u32 = 1 << 20;
/// The most Argon2 passes a sealed file may ask for.
pub const MAX_ITERATIONS: u32 = 16;
/// The largest sealed input opened: 64 MiB (a whole exported wallet).
pub const MAX_SEALED_BYTES: usize = 64 << 20;

/// Why sealing or opening failed.
///
/// ```
/// use myna_vc_core::sealed::{open, SealedError};
/// assert_eq!(open(b"short", "any passphrase").unwrap_err().code(), "corrupt");
/// assert_eq!(SealedError::WrongPassphrase.code(), "wrong_passphrase");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealedError {
    /// The passphrase does not open the data, or the data was altered (the AEAD cannot tell
    /// the two apart).
    #[error("wrong passphrase (or the sealed data was altered)")]
    WrongPassphrase,
    /// A new passphrase that is too short ([`MIN_PASSPHRASE_CHARS`]).
    #[error(transparent)]
    WeakPassphrase(#[from] WeakPassphrase),
    /// Not sealed data of this format: the reason, never the data.
    #[error("sealed data: {0}")]
    Corrupt(&'static str),
    /// Argon2 cost parameters out of bounds, or refused by Argon2.
    #[error("Argon2 parameters: {0}")]
    Params(String),
    /// The operating system's random source failed.
    #[error("the random source failed")]
    Randomness,
}

impl SealedError {
    /// A stable `snake_case` code: `wrong_passphrase`, `weak_passphrase`, `corrupt`,
    /// `invalid_kdf_params` or `randomness`.
    pub fn code(&self) -> &'static str {
        match self {
            SealedError::WrongPassphrase => "wrong_passphrase",
            SealedError::WeakPassphrase(_) => "weak_passphrase",
            SealedError::Corrupt(_) => "corrupt",
            SealedError::Params(_) => "invalid_kdf_params",
            SealedError::Randomness => "randomness",
        }
    }
}

/// Argon2id cost parameters.
///
/// ```
/// use myna_vc_core::sealed::KdfParams;
/// assert_eq!(KdfParams::default().memory_kib(), 19 * 1024); // OWASP's Argon2id minimum
/// assert!(KdfParams::new(1 << 21, 1, 1).is_err());          // 2 GiB: refused
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

impl Default for KdfParams {
    /// 19 MiB, 2 passes, 1 lane (OWASP's recommended minimum for Argon2id).
    fn default() -> Self {
        KdfParams {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl KdfParams {
    /// Checked parameters: 1 to 4 lanes, at least 8 KiB per lane and at most
    /// [`MAX_MEMORY_KIB`], 1 to [`MAX_ITERATIONS`] passes.
    ///
    /// ```
    /// use myna_vc_core::sealed::KdfParams;
    /// assert!(KdfParams::new(64, 1, 1).is_ok());
    /// assert!(KdfParams::new(64, 1, 5).is_err()); // five lanes
    /// ```
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, SealedError> {
        let lanes_ok = (1..=4).contains(&parallelism);
        let memory_ok = memory_kib >= 8 * parallelism && memory_kib <= MAX_MEMORY_KIB;
        if !lanes_ok || !memory_ok || !(1..=MAX_ITERATIONS).contains(&iterations) {
            return Err(SealedError::Params(format!(
                "{memory_kib} KiB, {iterations} passes, {parallelism} lanes is out of bounds"
            )));
        }
        Ok(KdfParams {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    /// Memory cost in KiB.
    ///
    /// ```
    /// use myna_vc_core::sealed::KdfParams;
    /// assert_eq!(KdfParams::new(64, 1, 1)?.memory_kib(), 64);
    /// # Ok::<(), myna_vc_core::sealed::SealedError>(())
    /// ```
    pub fn memory_kib(&self) -> u32 {
        self.memory_kib
    }

    fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, SealedError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| SealedError::Params(e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut key = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
            .map_err(|e| SealedError::Params(e.to_string()))?;
        Ok(key)
    }
}

/// Seals `plaintext` under `passphrase` (at least [`MIN_PASSPHRASE_CHARS`] characters).
///
/// ```
/// use myna_vc_core::sealed::{seal, KdfParams, SealedError};
/// let params = KdfParams::new(64, 1, 1)?;
/// assert!(matches!(seal(b"x", "short", params), Err(SealedError::WeakPassphrase(_))));
/// assert!(seal(b"x", "a long enough passphrase", params)?.starts_with(b"MYNA-SEALED1"));
/// # Ok::<(), SealedError>(())
/// ```
pub fn seal(plaintext: &[u8], passphrase: &str, params: KdfParams) -> Result<Vec<u8>, SealedError> {
    check_new(passphrase)?;
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    fill_random(&mut salt).map_err(|_| SealedError::Randomness)?;
    fill_random(&mut nonce).map_err(|_| SealedError::Randomness)?;
    let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + 16);
    out.extend_from_slice(MAGIC);
    for value in [params.memory_kib, params.iterations, params.parallelism] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);
    let key = params.derive(passphrase, &salt)?;
    let ciphertext = aead_seal(&key, &nonce, &out, plaintext)?;
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Opens data made by [`seal`]. A wrong passphrase (or altered data) is
/// [`SealedError::WrongPassphrase`]; anything not in the format is [`SealedError::Corrupt`].
///
/// ```
/// use myna_vc_core::sealed::{open, SealedError};
/// assert_eq!(open(&[0; 60], "a passphrase"), Err(SealedError::Corrupt("not a myna-vc sealed file")));
/// ```
pub fn open(sealed: &[u8], passphrase: &str) -> Result<Zeroizing<Vec<u8>>, SealedError> {
    if sealed.len() > MAX_SEALED_BYTES {
        return Err(SealedError::Corrupt("larger than 64 MiB"));
    }
    let (header, ciphertext) = sealed
        .split_at_checked(HEADER_LEN)
        .ok_or(SealedError::Corrupt("shorter than its header"))?;
    let (magic, rest) = header.split_at(MAGIC.len());
    if magic != MAGIC {
        return Err(SealedError::Corrupt("not a myna-vc sealed file"));
    }
    let word = |i: usize| -> Result<u32, SealedError> {
        rest.get(i * 4..i * 4 + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_be_bytes)
            .ok_or(SealedError::Corrupt("truncated parameters"))
    };
    let params = KdfParams::new(word(0)?, word(1)?, word(2)?)
        .map_err(|_| SealedError::Corrupt("Argon2 parameters out of bounds"))?;
    let salt = rest
        .get(12..12 + SALT_LEN)
        .ok_or(SealedError::Corrupt("truncated salt"))?;
    let nonce = rest
        .get(12 + SALT_LEN..)
        .ok_or(SealedError::Corrupt("truncated nonce"))?;
    let key = params.derive(passphrase, salt)?;
    aead_open(&key, nonce, header, ciphertext)
}

/// ChaCha20-Poly1305 of `msg` with associated data `aad`, under a 32-byte key and a 12-byte
/// nonce (the wallet's records use it with a key derived from its master secret).
///
/// ```
/// use myna_vc_core::sealed::{aead_open, aead_seal};
/// let (key, nonce) = ([7u8; 32], [1u8; 12]);
/// let ciphertext = aead_seal(&key, &nonce, b"record 1", b"secret")?;
/// assert_eq!(aead_open(&key, &nonce, b"record 1", &ciphertext)?.as_slice(), b"secret");
/// assert!(aead_open(&key, &nonce, b"record 2", &ciphertext).is_err());
/// # Ok::<(), myna_vc_core::sealed::SealedError>(())
/// ```
pub fn aead_seal(
    key: &[u8; 32],
    nonce: &[u8],
    aad: &[u8],
    msg: &[u8],
) -> Result<Vec<u8>, SealedError> {
    let nonce: [u8; NONCE_LEN] = nonce
        .try_into()
        .map_err(|_| SealedError::Corrupt("the nonce is not 12 bytes"))?;
    ChaCha20Poly1305::new(key.into())
        .encrypt((&nonce).into(), Payload { msg, aad })
        .map_err(|_| SealedError::Corrupt("ChaCha20-Poly1305 refused the input"))
}

/// Opens [`aead_seal`]'s output. A wrong key or altered data is
/// [`SealedError::WrongPassphrase`], for the caller to rename if the key did not come from a
/// passphrase; a nonce of the wrong size is [`SealedError::Corrupt`].
///
/// ```
/// use myna_vc_core::sealed::{aead_open, SealedError};
/// assert_eq!(aead_open(&[0; 32], &[0; 12], b"", &[0; 20]), Err(SealedError::WrongPassphrase));
/// ```
pub fn aead_open(
    key: &[u8; 32],
    nonce: &[u8],
    aad: &[u8],
    msg: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SealedError> {
    let nonce: [u8; NONCE_LEN] = nonce
        .try_into()
        .map_err(|_| SealedError::Corrupt("the nonce is not 12 bytes"))?;
    ChaCha20Poly1305::new(key.into())
        .decrypt((&nonce).into(), Payload { msg, aad })
        .map(Zeroizing::new)
        .map_err(|_| SealedError::WrongPassphrase)
}
