//! Data sealed under a passphrase: Argon2id turns the passphrase into a key, ChaCha20-Poly1305
//! encrypts and authenticates. Used for the master secret at rest and for exported wallets.
//!
//! The format and its bounds are [`myna_vc_core::sealed`] (shared with the escrow trustees'
//! key files); this module gives its results the wallet's [`Error`].
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

use myna_vc_core::sealed::{self as core_sealed, SealedError};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

pub use myna_vc_core::sealed::{
    KdfParams, MAX_ITERATIONS, MAX_MEMORY_KIB, MAX_SEALED_BYTES, MIN_PASSPHRASE_CHARS,
};

impl From<SealedError> for Error {
    /// A wrong or weak passphrase keeps its own variant; a damaged file is
    /// [`Error::Corrupt`], bad parameters [`Error::Invalid`].
    fn from(error: SealedError) -> Self {
        match error {
            SealedError::WrongPassphrase => Error::WrongPassphrase,
            SealedError::WeakPassphrase(weak) => Error::WeakPassphrase { min: weak.min },
            SealedError::Corrupt(why) => Error::corrupt("sealed data", why),
            SealedError::Params(why) => Error::invalid("Argon2 parameters", why),
            other => Error::invalid("sealing", other.to_string()),
        }
    }
}

/// Seals `plaintext` under `passphrase` (at least [`MIN_PASSPHRASE_CHARS`] characters).
pub fn seal(plaintext: &[u8], passphrase: &str, params: KdfParams) -> Result<Vec<u8>> {
    Ok(core_sealed::seal(plaintext, passphrase, params)?)
}

/// Opens data made by [`seal`]. A wrong passphrase (or altered data) is
/// [`Error::WrongPassphrase`]; anything not in the format is [`Error::Corrupt`].
pub fn open(sealed: &[u8], passphrase: &str) -> Result<Zeroizing<Vec<u8>>> {
    Ok(core_sealed::open(sealed, passphrase)?)
}

/// ChaCha20-Poly1305 with associated data.
pub(crate) fn aead_seal(key: &[u8; 32], nonce: &[u8], aad: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
    Ok(core_sealed::aead_seal(key, nonce, aad, msg)?)
}

/// Opens [`aead_seal`]'s output; any failure is [`Error::WrongPassphrase`] for the caller to
/// rename if the key did not come from a passphrase.
pub(crate) fn aead_open(
    key: &[u8; 32],
    nonce: &[u8],
    aad: &[u8],
    msg: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    core_sealed::aead_open(key, nonce, aad, msg).map_err(|_| Error::WrongPassphrase)
}
