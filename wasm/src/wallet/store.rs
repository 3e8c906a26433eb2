//! The wallet's store in the page: the records in memory, and a journal of every write since
//! the page last took it ([`JournalStore::take_changes`]), for the page to write to IndexedDB
//! in one transaction. The values are what the Rust wallet writes: records already
//! encrypted under a key from the master secret, the master secret sealed under the
//! passphrase. Nothing here sees a plaintext record.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use myna_wallet::store::{MemoryStore, Table, WalletStore, WriteOp};
use myna_wallet::{Error, Result};

/// The last value written to each record (`None`: removed), by table and key.
type Journal = BTreeMap<(Table, String), Option<Vec<u8>>>;

/// A [`MemoryStore`] that remembers what was written.
#[derive(Debug, Default)]
pub struct JournalStore {
    records: MemoryStore,
    /// The last value written to each record since the journal was taken (`None`: removed).
    journal: Mutex<Journal>,
}

/// One change to write to the page's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordChange {
    /// The table's name (see [`Table::name`]).
    pub table: &'static str,
    /// The record's key.
    pub key: String,
    /// The new value, or `None` when the record was removed.
    pub value: Option<Vec<u8>>,
}

impl JournalStore {
    /// An empty store with an empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding `records` (what the page read from its storage), with an empty
    /// journal: loading is not a change. A table name the wallet does not know is refused.
    ///
    /// ```
    /// use myna_wasm::wallet::store::JournalStore;
    /// use myna_wallet::store::{Table, WalletStore};
    /// let store = JournalStore::loaded(vec![("meta".into(), "k".into(), vec![1])])?;
    /// assert_eq!(store.get(Table::Meta, "k")?, Some(vec![1]));
    /// assert!(store.take_changes()?.is_empty());
    /// assert!(JournalStore::loaded(vec![("elsewhere".into(), "k".into(), vec![])]).is_err());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn loaded(records: Vec<(String, String, Vec<u8>)>) -> Result<Self> {
        let mut ops = Vec::with_capacity(records.len());
        for (table, key, value) in records {
            ops.push(WriteOp::Put(table_named(&table)?, key, value));
        }
        let store = JournalStore::new();
        store.records.write(ops)?;
        Ok(store)
    }

    /// Every write since the last call, one change per record (the last value written),
    /// in table and key order; the journal is emptied.
    ///
    /// ```
    /// use myna_wasm::wallet::store::JournalStore;
    /// use myna_wallet::store::{Table, WalletStore, WriteOp};
    /// let store = JournalStore::new();
    /// store.write(vec![WriteOp::Put(Table::Meta, "a".into(), vec![1]),
    ///                  WriteOp::Put(Table::Meta, "a".into(), vec![2]),
    ///                  WriteOp::Remove(Table::History, "b".into())])?;
    /// let changes = store.take_changes()?;
    /// assert_eq!(changes.len(), 2);
    /// assert_eq!(changes[0].value, Some(vec![2]));
    /// assert_eq!(changes[1].value, None);
    /// assert!(store.take_changes()?.is_empty());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn take_changes(&self) -> Result<Vec<RecordChange>> {
        let journal = std::mem::take(&mut *self.lock()?);
        Ok(journal
            .into_iter()
            .map(|((table, key), value)| RecordChange {
                table: table.name(),
                key,
                value,
            })
            .collect())
    }

    fn lock(&self) -> Result<MutexGuard<'_, Journal>> {
        self.journal.lock().map_err(|_| Error::Poisoned {
            what: "the store's journal",
        })
    }
}

/// The table called `name`.
pub(crate) fn table_named(name: &str) -> Result<Table> {
    Table::ALL
        .into_iter()
        .find(|t| t.name() == name)
        .ok_or_else(|| Error::Corrupt {
            what: "stored record",
            detail: format!(
                "unknown table `{}`",
                name.chars().take(32).collect::<String>()
            ),
        })
}

impl WalletStore for JournalStore {
    fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>> {
        self.records.get(table, key)
    }

    fn scan(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>> {
        self.records.scan(table)
    }

    fn write(&self, ops: Vec<WriteOp>) -> Result<()> {
        // The journal is locked across the write, so it never misses one that landed.
        let mut journal = self.lock()?;
        self.records.write(ops.clone())?;
        for op in ops {
            match op {
                WriteOp::Put(table, key, value) => journal.insert((table, key), Some(value)),
                WriteOp::Remove(table, key) => journal.insert((table, key), None),
            };
        }
        Ok(())
    }
}
