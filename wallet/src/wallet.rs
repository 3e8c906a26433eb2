//! The [`Wallet`]: a store, the holder keys and the record cipher, opened with the passphrase.
//!
//! The master secret is kept sealed under the passphrase ([`crate::sealed`]) in the store's
//! meta table; every other record is encrypted under a key derived from the secret
//! ([`crate::records`]). Creating a wallet draws a fresh secret; [`Wallet::restore`] takes a
//! backed-up one (every derived key comes back with it). [`Wallet::export`] writes the whole
//! wallet as one sealed file and [`Wallet::import`] reads it back into another store.
//!
//! ```
//! use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet, Error};
//! use myna_vc_core::time::NumericDate;
//! let params = KdfParams::new(64, 1, 1)?; // tiny for the example
//! let now = NumericDate::from_unix(1_800_000_000);
//! let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", params, now)?;
//! let store = wallet.into_store();
//! assert!(matches!(Wallet::open(store, "not the passphrase"), Err(Error::WrongPassphrase)));
//! # Ok::<(), Error>(())
//! ```

use myna_vc_core::{b64, time::NumericDate};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::history::{self, ChainHead, Event, HistoryEntry};
use crate::keys::{HolderKeys, MasterSecret, SoftwareKeys};
use crate::records::RecordCipher;
use crate::sealed::{self, KdfParams};
use crate::store::{Table, WalletStore, WriteOp};

const MASTER_KEY: &str = "master";
const HEAD_KEY: &str = "history_head";
const EXPORT_VERSION: u32 = 1;
/// The version of an export that carries a damaged record as it was stored (`sealed`); a
/// reader that only knows version 1 refuses it rather than restoring it wrongly.
const EXPORT_VERSION_WITH_SEALED: u32 = 2;

/// A resident's wallet over a [`WalletStore`]. See the [module docs](self).
pub struct Wallet<S: WalletStore> {
    pub(crate) store: S,
    pub(crate) keys: Box<dyn HolderKeys>,
    pub(crate) cipher: RecordCipher,
}

impl<S: WalletStore> core::fmt::Debug for Wallet<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Wallet").finish_non_exhaustive()
    }
}

/// The whole wallet in an export: the secret and every record in the clear (the file is
/// sealed as a whole).
#[derive(Serialize, Deserialize)]
struct Export {
    version: u32,
    master_secret: String,
    records: Vec<ExportedRecord>,
}

#[derive(Serialize, Deserialize)]
struct ExportedRecord {
    table: String,
    key: String,
    #[serde(default)]
    value: Value,
    /// A record that did not decrypt on this device, base64url of its stored bytes: it travels
    /// as it is (the export carries the master secret its key comes from), so a backup loses
    /// nothing and the new device shows the same damaged record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed: Option<String>,
}

impl<S: WalletStore> Wallet<S> {
    /// A new wallet in an empty `store`, with a fresh master secret sealed under `passphrase`.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// assert_eq!(wallet.verify_history()?.len(), 1); // "wallet initialised"
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn create(store: S, passphrase: &str, params: KdfParams, now: NumericDate) -> Result<Self> {
        Self::restore(store, MasterSecret::generate()?, passphrase, params, now)
    }

    /// A wallet in an empty `store` from a backed-up master secret: every derived key is the
    /// same as before.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let secret = wallet.master_secret_for_export("a long passphrase")?;
    /// let label = myna_wallet::keys::KeyLabel::credential("b", 0);
    /// let restored = Wallet::restore(MemoryStore::new(), secret, "another passphrase",
    ///     KdfParams::new(64, 1, 1)?, now)?;
    /// assert_eq!(restored.holder_keys().public_key(&label)?, wallet.holder_keys().public_key(&label)?);
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn restore(
        store: S,
        secret: MasterSecret,
        passphrase: &str,
        params: KdfParams,
        now: NumericDate,
    ) -> Result<Self> {
        if store.get(Table::Meta, MASTER_KEY)?.is_some() {
            return Err(Error::AlreadyInitialised);
        }
        let sealed_secret = sealed::seal(secret.expose(), passphrase, params)?;
        let wallet = Self::with_secret(store, &secret)?;
        let mut ops = vec![WriteOp::Put(Table::Meta, MASTER_KEY.into(), sealed_secret)];
        ops.extend(wallet.history_ops(
            now,
            Event::Note {
                text: "wallet initialised".into(),
            },
        )?);
        wallet.store.write(ops)?;
        Ok(wallet)
    }

    /// Opens the wallet in `store` with `passphrase` ([`Error::WrongPassphrase`] if it does
    /// not open the sealed secret). See the [module docs](self).
    pub fn open(store: S, passphrase: &str) -> Result<Self> {
        let sealed_secret = store
            .get(Table::Meta, MASTER_KEY)?
            .ok_or(Error::NotInitialised)?;
        let secret = MasterSecret::from_slice(&sealed::open(&sealed_secret, passphrase)?)?;
        Self::with_secret(store, &secret)
    }

    fn with_secret(store: S, secret: &MasterSecret) -> Result<Self> {
        Ok(Wallet {
            store,
            keys: Box::new(SoftwareKeys::new(secret.clone())),
            cipher: RecordCipher::new(secret)?,
        })
    }

    /// Replaces the holder keys (a phone's secure element). Credentials already received stay
    /// bound to the keys they were issued to.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// use myna_wallet::keys::{HolderKeys, KeyLabel, MasterSecret, SoftwareKeys};
    /// let element = SoftwareKeys::new(MasterSecret::from_bytes([5; 32])); // stands in for one
    /// let label = KeyLabel::credential("b", 0);
    /// let expected = element.public_key(&label)?;
    /// let wallet = wallet.with_holder_keys(Box::new(element));
    /// assert_eq!(wallet.holder_keys().public_key(&label)?, expected);
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn with_holder_keys(mut self, keys: Box<dyn HolderKeys>) -> Self {
        self.keys = keys;
        self
    }

    /// The holder keys.
    pub fn holder_keys(&self) -> &dyn HolderKeys {
        &*self.keys
    }

    /// The store, kept by the wallet (a caller whose store journals its writes reads the
    /// journal here; every value in it is already encrypted or sealed).
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::{MemoryStore, Table, WalletStore}, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// assert!(wallet.store().get(Table::Meta, "master")?.is_some());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store, giving the wallet up.
    pub fn into_store(self) -> S {
        self.store
    }

    /// The whole wallet — secret and every record — as one file sealed under
    /// `export_passphrase`. The wallet's own `passphrase` is asked again: only its holder
    /// exports.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let params = KdfParams::new(64, 1, 1)?;
    /// let file = wallet.export("a long passphrase", "export passphrase", params)?;
    /// let copy = Wallet::import(MemoryStore::new(), &file, "export passphrase", "new passphrase", params)?;
    /// assert_eq!(copy.history()?, wallet.history()?);
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn export(
        &self,
        passphrase: &str,
        export_passphrase: &str,
        params: KdfParams,
    ) -> Result<Vec<u8>> {
        let secret = self.master_secret_for_export(passphrase)?;
        let mut records = Vec::new();
        for table in Table::ALL.into_iter().filter(|t| *t != Table::Meta) {
            for (key, sealed_value) in self.store.scan(table)? {
                records.push(self.exported_record(table, key, &sealed_value)?);
            }
        }
        let head: Option<Value> = self.get(Table::Meta, HEAD_KEY)?;
        if let Some(value) = head {
            records.push(ExportedRecord {
                table: Table::Meta.name().into(),
                key: HEAD_KEY.into(),
                value,
                sealed: None,
            });
        }
        let version = if records.iter().any(|r| r.sealed.is_some()) {
            EXPORT_VERSION_WITH_SEALED
        } else {
            EXPORT_VERSION
        };
        let mut export = Export {
            version,
            master_secret: b64::encode(secret.expose()),
            records,
        };
        let json = serde_json::to_vec(&export).map(Zeroizing::new);
        export.master_secret.zeroize();
        let json = json.map_err(|source| Error::Encode {
            what: "the export",
            source,
        })?;
        sealed::seal(&json, export_passphrase, params)
    }

    /// The master secret, only for the holder of the passphrase (a backup or an export).
    pub fn master_secret_for_export(&self, passphrase: &str) -> Result<MasterSecret> {
        let sealed_secret = self
            .store
            .get(Table::Meta, MASTER_KEY)?
            .ok_or(Error::NotInitialised)?;
        MasterSecret::from_slice(&sealed::open(&sealed_secret, passphrase)?)
    }

    /// Reads an [`export`](Self::export) sealed under `export_passphrase` into the empty
    /// `store`, sealing the secret there under `passphrase`.
    pub fn import(
        store: S,
        exported: &[u8],
        export_passphrase: &str,
        passphrase: &str,
        params: KdfParams,
    ) -> Result<Self> {
        if store.get(Table::Meta, MASTER_KEY)?.is_some() {
            return Err(Error::AlreadyInitialised);
        }
        let json = sealed::open(exported, export_passphrase)?;
        let bytes: &[u8] = &json;
        let mut export: Export = serde_json::from_slice(bytes)
            .map_err(|e| Error::corrupt("wallet export", e.to_string()))?;
        if ![EXPORT_VERSION, EXPORT_VERSION_WITH_SEALED].contains(&export.version) {
            return Err(Error::corrupt("wallet export", "unknown version"));
        }
        let secret_bytes = b64::decode(&export.master_secret, "master secret").map(Zeroizing::new);
        export.master_secret.zeroize();
        let secret_bytes = secret_bytes?;
        let secret = MasterSecret::from_slice(&secret_bytes)?;
        let wallet = Self::with_secret(store, &secret)?;
        let mut ops = vec![WriteOp::Put(
            Table::Meta,
            MASTER_KEY.into(),
            sealed::seal(secret.expose(), passphrase, params)?,
        )];
        for record in &export.records {
            let table = Table::ALL
                .into_iter()
                .find(|t| t.name() == record.table)
                .ok_or_else(|| Error::corrupt("wallet export", "unknown table"))?;
            ops.push(match &record.sealed {
                Some(stored) => WriteOp::Put(
                    table,
                    record.key.clone(),
                    b64::decode(stored, "a damaged record")?,
                ),
                None => wallet.put_op(table, &record.key, &record.value)?,
            });
        }
        wallet.store.write(ops)?;
        wallet.verify_history()?;
        Ok(wallet)
    }

    /// One record for an export: opened, or — when it does not decrypt (damaged on this
    /// device) — carried as stored. Any other failure stops the export.
    fn exported_record(&self, table: Table, key: String, stored: &[u8]) -> Result<ExportedRecord> {
        let (value, sealed) = match self.cipher.open::<Value>(table, &key, stored) {
            Ok(value) => (value, None),
            Err(Error::Corrupt { .. }) => (Value::Null, Some(b64::encode(stored))),
            Err(other) => return Err(other),
        };
        Ok(ExportedRecord {
            table: table.name().into(),
            key,
            value,
            sealed,
        })
    }

    // ---- records --------------------------------------------------------------------------

    pub(crate) fn put_op<T: Serialize>(
        &self,
        table: Table,
        key: &str,
        value: &T,
    ) -> Result<WriteOp> {
        Ok(WriteOp::Put(
            table,
            key.to_owned(),
            self.cipher.seal(table, key, value)?,
        ))
    }

    pub(crate) fn get<T: DeserializeOwned>(&self, table: Table, key: &str) -> Result<Option<T>> {
        self.store
            .get(table, key)?
            .map(|sealed_value| self.cipher.open(table, key, &sealed_value))
            .transpose()
    }

    pub(crate) fn all<T: DeserializeOwned>(&self, table: Table) -> Result<Vec<T>> {
        self.store
            .scan(table)?
            .into_iter()
            .map(|(key, sealed_value)| self.cipher.open(table, &key, &sealed_value))
            .collect()
    }

    // ---- history --------------------------------------------------------------------------

    /// The writes that append `event` to the history (to commit with the event's own writes).
    pub(crate) fn history_ops(&self, now: NumericDate, event: Event) -> Result<Vec<WriteOp>> {
        let head: Option<ChainHead> = self.get(Table::Meta, HEAD_KEY)?;
        let entry = match head {
            None => HistoryEntry::first(now, event),
            Some(head) => {
                let last_seq = head.count.saturating_sub(1);
                let last: HistoryEntry = self
                    .get(Table::History, &HistoryEntry::key(last_seq))?
                    .ok_or(Error::HistoryTampered(last_seq))?;
                HistoryEntry::after(&last, now, event)
            }
        };
        Ok(vec![
            self.put_op(Table::History, &HistoryEntry::key(entry.seq), &entry)?,
            self.put_op(Table::Meta, HEAD_KEY, &entry.head())?,
        ])
    }

    /// Appends `event` to the history on its own.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// use myna_wallet::history::Event;
    /// wallet.record_event(now, Event::Note { text: "phone replaced".into() })?;
    /// let log = wallet.verify_history()?;
    /// assert_eq!(log.last().map(|e| &e.event), Some(&Event::Note { text: "phone replaced".into() }));
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn record_event(&self, now: NumericDate, event: Event) -> Result<()> {
        self.store.write(self.history_ops(now, event)?)
    }

    /// The history log, oldest first (not verified; see [`verify_history`](Self::verify_history)).
    pub fn history(&self) -> Result<Vec<HistoryEntry>> {
        self.all(Table::History)
    }

    /// Checks the history's hash chain against the stored head.
    pub fn verify_history(&self) -> Result<Vec<HistoryEntry>> {
        let entries = self.history()?;
        let head: Option<ChainHead> = self.get(Table::Meta, HEAD_KEY)?;
        history::verify(&entries, head.as_ref())?;
        Ok(entries)
    }

    /// Overwrites a history entry as a tamperer with the wallet's keys would (tests only: it
    /// shows that the chain, not only the encryption, catches edits; feature `test-util`).
    #[cfg(feature = "test-util")]
    #[doc(hidden)]
    pub fn overwrite_history_entry_for_tests(&self, entry: &HistoryEntry) -> Result<()> {
        self.store.write(vec![self.put_op(
            Table::History,
            &HistoryEntry::key(entry.seq),
            entry,
        )?])
    }
}
