//! A backup file: a sealed [`Wallet::export`](crate::Wallet::export) with a SHA-256 checksum
//! in front, so that a truncated or damaged file ([`Error::Corrupt`]) is told apart from a
//! wrong passphrase ([`Error::WrongPassphrase`]) — the AEAD alone cannot tell them apart.
//! The checksum is not a secret and protects nothing against an attacker (the AEAD does);
//! it only names the failure.
//!
//! Layout: `MYNA-BACKUP1` (12 bytes) ‖ SHA-256 of the sealed export (32) ‖ sealed export. A
//! bare sealed export (as `myna wallet export` writes) is read too, without the distinction.
//!
//! ```
//! use myna_wallet::backup_file::{unwrap, wrap};
//! let file = wrap(b"MYNA-SEALED1 and the rest");
//! assert_eq!(unwrap(&file)?, b"MYNA-SEALED1 and the rest");
//! let truncated = &file[..file.len() - 3];
//! assert_eq!(unwrap(truncated).unwrap_err().code(), "corrupt");
//! assert_eq!(unwrap(b"MYNA-SEALED1 bare")?, b"MYNA-SEALED1 bare");
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

const MAGIC: &[u8; 12] = b"MYNA-BACKUP1";
const SEALED_MAGIC: &[u8; 12] = b"MYNA-SEALED1";

/// `sealed` with the backup header and checksum.
pub fn wrap(sealed: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAGIC.len() + 32 + sealed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&Sha256::digest(sealed));
    out.extend_from_slice(sealed);
    out
}

/// The sealed export inside a backup file, once its checksum matches; a bare sealed export
/// as it is. Anything else, or a checksum that does not match, is [`Error::Corrupt`].
pub fn unwrap(file: &[u8]) -> Result<&[u8]> {
    if file.starts_with(SEALED_MAGIC) {
        return Ok(file);
    }
    let rest = file
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| Error::corrupt("backup file", "not a myna-wallet backup"))?;
    let (checksum, sealed) = rest
        .split_at_checked(32)
        .ok_or_else(|| Error::corrupt("backup file", "truncated before its checksum"))?;
    let actual = Sha256::digest(sealed);
    if !bool::from(AsRef::<[u8]>::as_ref(&actual).ct_eq(checksum)) {
        return Err(Error::corrupt(
            "backup file",
            "damaged or truncated (its checksum does not match)",
        ));
    }
    Ok(sealed)
}
