//! Data sealed under a passphrase: Argon2id turns the passphrase into a key, ChaCha20-Poly1305
//! encrypts and authenticates. Used for the master secret at rest and for exported wallets.
//!
//! Layout (all integers big-endian): `MYNA-SEALED1` (12 bytes) ‖ Argon2 memory in KiB (4) ‖
//! iterations (4) ‖ parallelism (4) ‖ salt (16) ‖ nonce (12) ‖ ciphertext with tag. The header
//! is the AEAD's associated data, so the parameters cannot be swapped. The parameters read from
//! a file are bounded ([`KdfParams::new`]), so a crafted file cannot ask for gigabytes.
//!
//! ```
//! use myna_wallet::sealed::{open, seal, KdfParams};
//! use myna_wallet::Error;
//! let params = KdfParams::new(64, 1, 1)?; // tiny, for the example; use KdfParams::default()
//! let sealed = seal(b"the master secret", "correct horse battery", params)?;
//! assert_eq!(open(&sealed, "correct horse battery")?.as_slice(), b"the master secret");
//! assert!(matches!(open(&sealed, "wrong horse battery"), Err(Error::WrongPassphrase)));
//! # Ok::<(), Error>(())
//! ```

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use myna_vc_core::crypto::fill_random;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const MAGIC: &[u8; 12] = b"MYNA-SEALED1";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const HEADER_LEN: usize = MAGIC.len() + 12 + SALT_LEN + NONCE_LEN;

/// The shortest passphrase accepted when sealing: the one rule of
/// [`myna_vc_core::passphrase`], shared with the issuer's key file.
pub use myna_vc_core::passphrase::MIN_PASSPHRASE_CHARS;
/// The most memory a sealed file may ask Argon2 for: 1 GiB.
pub const MAX_MEMORY_KIB: u32 = 1 << 20;
/// The most Argon2 passes a sealed file may ask for.
pub const MAX_ITERATIONS: u32 = 16;
/// The largest sealed input opened: 64 MiB (a whole exported wallet).
pub const MAX_SEALED_BYTES: usize = 64 << 20;

/// Argon2id cost parameters.
///
/// ```
/// use myna_wallet::sealed::KdfParams;
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
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self> {
        let lanes_ok = (1..=4).contains(&parallelism);
        let memory_ok = memory_kib >= 8 * parallelism && memory_kib <= MAX_MEMORY_KIB;
        if !lanes_ok || !memory_ok || !(1..=MAX_ITERATIONS).contains(&iterations) {
            return Err(Error::invalid(
                "Argon2 parameters",
                format!(
                    "{memory_kib} KiB, {iterations} passes, {parallelism} lanes is out of bounds"
                ),
            ));
        }
        Ok(KdfParams {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    /// Memory cost in KiB.
    pub fn memory_kib(&self) -> u32 {
        self.memory_kib
    }

    fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| Error::invalid("Argon2 parameters", e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut key = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
            .map_err(|e| Error::invalid("Argon2", e.to_string()))?;
        Ok(key)
    }
}

/// Seals `plaintext` under `passphrase` (at least [`MIN_PASSPHRASE_CHARS`] characters).
pub fn seal(plaintext: &[u8], passphrase: &str, params: KdfParams) -> Result<Vec<u8>> {
    myna_vc_core::passphrase::check_new(passphrase)
        .map_err(|weak| Error::WeakPassphrase { min: weak.min })?;
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    fill_random(&mut salt)?;
    fill_random(&mut nonce)?;
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
/// [`Error::WrongPassphrase`]; anything not in the format is [`Error::Corrupt`].
pub fn open(sealed: &[u8], passphrase: &str) -> Result<Zeroizing<Vec<u8>>> {
    if sealed.len() > MAX_SEALED_BYTES {
        return Err(Error::corrupt("sealed data", "larger than 64 MiB"));
    }
    let (header, ciphertext) = sealed
        .split_at_checked(HEADER_LEN)
        .ok_or_else(|| Error::corrupt("sealed data", "shorter than its header"))?;
    let (magic, rest) = header.split_at(MAGIC.len());
    if magic != MAGIC {
        return Err(Error::corrupt(
            "sealed data",
            "not a myna-wallet sealed file",
        ));
    }
    let word = |i: usize| -> Result<u32> {
        rest.get(i * 4..i * 4 + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_be_bytes)
            .ok_or_else(|| Error::corrupt("sealed data", "truncated parameters"))
    };
    let params = KdfParams::new(word(0)?, word(1)?, word(2)?)
        .map_err(|_| Error::corrupt("sealed data", "Argon2 parameters out of bounds"))?;
    let salt = rest
        .get(12..12 + SALT_LEN)
        .ok_or_else(|| Error::corrupt("sealed data", "truncated salt"))?;
    let nonce = rest
        .get(12 + SALT_LEN..)
        .ok_or_else(|| Error::corrupt("sealed data", "truncated nonce"))?;
    let key = params.derive(passphrase, salt)?;
    aead_open(&key, nonce, header, ciphertext).map_err(|_| Error::WrongPassphrase)
}

/// ChaCha20-Poly1305 with associated data.
pub(crate) fn aead_seal(key: &[u8; 32], nonce: &[u8], aad: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
    let nonce: [u8; NONCE_LEN] = nonce
        .try_into()
        .map_err(|_| Error::corrupt("nonce", "not 12 bytes"))?;
    ChaCha20Poly1305::new(key.into())
        .encrypt((&nonce).into(), Payload { msg, aad })
        .map_err(|_| Error::invalid("encryption", "ChaCha20-Poly1305 refused the input"))
}

/// Opens [`aead_seal`]'s output; any failure is [`Error::WrongPassphrase`] for the caller to
/// rename if the key did not come from a passphrase.
pub(crate) fn aead_open(
    key: &[u8; 32],
    nonce: &[u8],
    aad: &[u8],
    msg: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let nonce: [u8; NONCE_LEN] = nonce
        .try_into()
        .map_err(|_| Error::corrupt("nonce", "not 12 bytes"))?;
    ChaCha20Poly1305::new(key.into())
        .decrypt((&nonce).into(), Payload { msg, aad })
        .map(Zeroizing::new)
        .map_err(|_| Error::WrongPassphrase)
}
