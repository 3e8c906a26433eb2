//! Records at rest: every wallet record is JSON encrypted with ChaCha20-Poly1305 under a key
//! derived from the master secret, with the record's table and key as associated data (so a
//! record cannot be moved to another place unnoticed).
//!
//! ```
//! use myna_wallet::{keys::MasterSecret, records::RecordCipher, store::Table};
//! let cipher = RecordCipher::new(&MasterSecret::from_bytes([3; 32]))?;
//! let sealed = cipher.seal(Table::Consents, "c1", &vec!["hello"])?;
//! let back: Vec<String> = cipher.open(Table::Consents, "c1", &sealed)?;
//! assert_eq!(back, ["hello"]);
//! assert!(cipher.open::<Vec<String>>(Table::Consents, "c2", &sealed).is_err()); // moved
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use myna_vc_core::crypto::fill_random;
use serde::{de::DeserializeOwned, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::MasterSecret;
use crate::sealed::{aead_open, aead_seal};
use crate::store::Table;

/// Encrypts and decrypts the wallet's records.
pub struct RecordCipher {
    key: Zeroizing<[u8; 32]>,
}

impl core::fmt::Debug for RecordCipher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("RecordCipher(<redacted>)")
    }
}

impl RecordCipher {
    /// The cipher whose key is derived from `secret`.
    pub fn new(secret: &MasterSecret) -> Result<Self> {
        Ok(RecordCipher {
            key: secret.symmetric_key("records")?,
        })
    }

    /// `value` as JSON, encrypted for `table`/`key`: nonce (12 bytes) ‖ ciphertext.
    pub fn seal<T: Serialize>(&self, table: Table, key: &str, value: &T) -> Result<Vec<u8>> {
        let json = Zeroizing::new(serde_json::to_vec(value).map_err(|source| Error::Encode {
            what: "a record",
            source,
        })?);
        let mut nonce = [0u8; 12];
        fill_random(&mut nonce)?;
        let mut out = nonce.to_vec();
        out.extend(aead_seal(&self.key, &nonce, &aad(table, key), &json)?);
        Ok(out)
    }

    /// Decrypts and decodes a record sealed for `table`/`key`.
    pub fn open<T: DeserializeOwned>(&self, table: Table, key: &str, sealed: &[u8]) -> Result<T> {
        let (nonce, ciphertext) = sealed
            .split_at_checked(12)
            .ok_or_else(|| Error::corrupt("record", "shorter than its nonce"))?;
        let json = aead_open(&self.key, nonce, &aad(table, key), ciphertext).map_err(|_| {
            Error::corrupt(
                "record",
                format!("{}/{key} does not decrypt (altered or moved)", table.name()),
            )
        })?;
        let bytes: &[u8] = &json;
        serde_json::from_slice(bytes).map_err(|e| Error::corrupt("record", e.to_string()))
    }
}

fn aad(table: Table, key: &str) -> Vec<u8> {
    format!("myna-wallet/{}/{key}", table.name()).into_bytes()
}
