//! Reading a table when one record may be damaged: every record that decrypts and parses is
//! returned, and each one that does not is named (table, key, why) instead of failing the
//! whole read. Nothing is removed: a record the wallet cannot read today may be one a newer
//! version reads, or one the holder wants to keep for a support case.
//!
//! ```
//! use myna_wallet::{sealed::KdfParams, store::{MemoryStore, Table, WalletStore, WriteOp}, Wallet};
//! use myna_vc_core::time::NumericDate;
//! let now = NumericDate::from_unix(1_800_000_000);
//! let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
//! let store = wallet.into_store();
//! store.write(vec![WriteOp::Put(Table::Credentials, "broken".into(), vec![0; 40])])?;
//! let wallet = Wallet::open(store, "a long passphrase")?;
//! let read = wallet.credentials_readable()?;
//! assert!(read.items.is_empty());
//! assert_eq!(read.unreadable[0].key, "broken");
//! assert_eq!(read.unreadable[0].error.code(), "corrupt");
//! assert!(wallet.into_store().get(Table::Credentials, "broken")?.is_some()); // still there
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::store::{Table, WalletStore};
use crate::wallet::Wallet;

/// A record that did not decrypt or parse.
#[derive(Debug)]
pub struct UnreadableRecord {
    /// Its table.
    pub table: Table,
    /// Its key.
    pub key: String,
    /// Why it cannot be read (usually [`Error::Corrupt`]).
    pub error: Error,
}

/// The readable records of a table and the ones that are not.
#[derive(Debug)]
pub struct Readable<T> {
    /// Every record that decrypted and parsed, in key order.
    pub items: Vec<T>,
    /// Every record that did not.
    pub unreadable: Vec<UnreadableRecord>,
}

impl<S: WalletStore> Wallet<S> {
    /// Every record of `table` that opens, and the ones that do not. A failure of the store
    /// itself (not of one record) is still an error.
    pub(crate) fn all_readable<T: DeserializeOwned>(&self, table: Table) -> Result<Readable<T>> {
        let mut read = Readable {
            items: Vec::new(),
            unreadable: Vec::new(),
        };
        for (key, sealed_value) in self.store.scan(table)? {
            match self.cipher.open(table, &key, &sealed_value) {
                Ok(item) => read.items.push(item),
                Err(error) => read.unreadable.push(UnreadableRecord { table, key, error }),
            }
        }
        Ok(read)
    }

    /// Every credential instance that can be read, and the records that cannot (see the
    /// [module docs](self)).
    pub fn credentials_readable(&self) -> Result<Readable<crate::credentials::StoredCredential>> {
        self.all_readable(Table::Credentials)
    }

    /// Every consent that can be read, and the records that cannot.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let read = wallet.consents_readable()?;
    /// assert!(read.items.is_empty() && read.unreadable.is_empty());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn consents_readable(&self) -> Result<Readable<crate::consent::StoredConsent>> {
        self.all_readable(Table::Consents)
    }
}
