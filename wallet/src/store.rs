//! Where the wallet keeps its records: a [`WalletStore`] — a few named tables of byte values,
//! written in atomic batches — with [`RedbStore`] (one crash-safe file, native) and
//! [`MemoryStore`] (tests, wasm).
//!
//! The store sees only ciphertext: the wallet encrypts every record (see
//! [`crate::records`]) before it gets here, except the master secret, which is sealed under
//! the passphrase ([`crate::sealed`]).
//!
//! ```
//! use myna_wallet::store::{MemoryStore, Table, WalletStore, WriteOp};
//! let store = MemoryStore::new();
//! store.write(vec![WriteOp::Put(Table::Meta, "k".into(), b"v".to_vec())])?;
//! assert_eq!(store.get(Table::Meta, "k")?, Some(b"v".to_vec()));
//! assert_eq!(store.scan(Table::Credentials)?.len(), 0);
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The wallet's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// The sealed master secret and wallet-wide values.
    Meta,
    /// Received credential instances.
    Credentials,
    /// Batches of single-use credentials.
    Batches,
    /// Consent records given.
    Consents,
    /// The hash-chained history log.
    History,
}

impl Table {
    /// Every table.
    pub const ALL: [Table; 5] = [
        Table::Meta,
        Table::Credentials,
        Table::Batches,
        Table::Consents,
        Table::History,
    ];

    /// The table's name (also the redb table name).
    ///
    /// ```
    /// assert_eq!(myna_wallet::store::Table::History.name(), "history");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Table::Meta => "meta",
            Table::Credentials => "credentials",
            Table::Batches => "batches",
            Table::Consents => "consents",
            Table::History => "history",
        }
    }
}

/// One change in an atomic [`WalletStore::write`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    /// Sets `key` in the table.
    Put(Table, String, Vec<u8>),
    /// Removes `key` from the table (absent is fine).
    Remove(Table, String),
}

/// A wallet store: tables of string keys and byte values.
pub trait WalletStore: Send + Sync {
    /// The value at `key`, if any.
    fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>>;
    /// Every entry of the table, in key order.
    fn scan(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>>;
    /// Applies every operation, all or none.
    fn write(&self, ops: Vec<WriteOp>) -> Result<()>;
}

/// Every table's entries, keyed by table and key.
type Entries = BTreeMap<(Table, String), Vec<u8>>;

/// A store in memory (tests, wasm).
#[derive(Debug, Default)]
pub struct MemoryStore {
    tables: Mutex<Entries>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Entries>> {
        self.tables.lock().map_err(|_| Error::Poisoned {
            what: "the memory store",
        })
    }
}

impl WalletStore for MemoryStore {
    fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.lock()?.get(&(table, key.to_owned())).cloned())
    }

    fn scan(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self
            .lock()?
            .iter()
            .filter(|((t, _), _)| *t == table)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect())
    }

    fn write(&self, ops: Vec<WriteOp>) -> Result<()> {
        let mut tables = self.lock()?;
        for op in ops {
            match op {
                WriteOp::Put(table, key, value) => {
                    tables.insert((table, key), value);
                }
                WriteOp::Remove(table, key) => {
                    tables.remove(&(table, key));
                }
            }
        }
        Ok(())
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use self::redb_store::RedbStore;

#[cfg(not(target_arch = "wasm32"))]
mod redb_store {
    use std::path::Path;

    use redb::{Database, ReadableTable, TableDefinition};

    use super::{Table, WalletStore, WriteOp};
    use crate::error::{Error, Result};

    type Def = TableDefinition<'static, &'static str, &'static [u8]>;

    const fn definition(table: Table) -> Def {
        TableDefinition::new(table.name())
    }

    /// A store in one redb file: copy-on-write pages and a checksummed root, so a process
    /// killed at any point reopens to the last committed write.
    ///
    /// ```
    /// use myna_wallet::store::{RedbStore, Table, WalletStore, WriteOp};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("wallet.redb");
    /// RedbStore::open(&path)?.write(vec![WriteOp::Put(Table::Meta, "k".into(), vec![1])])?;
    /// assert_eq!(RedbStore::open(&path)?.get(Table::Meta, "k")?, Some(vec![1]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Debug)]
    pub struct RedbStore {
        db: Database,
    }

    impl RedbStore {
        /// Opens (or creates) the store at `path`. Only one process may have it open.
        pub fn open(path: impl AsRef<Path>) -> Result<Self> {
            let db = Database::create(path).map_err(|e| Error::storage("open", e))?;
            let txn = db
                .begin_write()
                .map_err(|e| Error::storage("begin a write", e))?;
            for table in Table::ALL {
                txn.open_table(definition(table))
                    .map_err(|e| Error::storage("open a table", e))?;
            }
            txn.commit().map_err(|e| Error::storage("commit", e))?;
            Ok(RedbStore { db })
        }
    }

    impl WalletStore for RedbStore {
        fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>> {
            let txn = self
                .db
                .begin_read()
                .map_err(|e| Error::storage("begin a read", e))?;
            let open = txn
                .open_table(definition(table))
                .map_err(|e| Error::storage("open a table", e))?;
            let found = open.get(key).map_err(|e| Error::storage("read", e))?;
            Ok(found.map(|guard| guard.value().to_vec()))
        }

        fn scan(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>> {
            let txn = self
                .db
                .begin_read()
                .map_err(|e| Error::storage("begin a read", e))?;
            let open = txn
                .open_table(definition(table))
                .map_err(|e| Error::storage("open a table", e))?;
            let mut out = Vec::new();
            for entry in open.iter().map_err(|e| Error::storage("scan", e))? {
                let (key, value) = entry.map_err(|e| Error::storage("scan", e))?;
                out.push((key.value().to_owned(), value.value().to_vec()));
            }
            Ok(out)
        }

        fn write(&self, ops: Vec<WriteOp>) -> Result<()> {
            let txn = self
                .db
                .begin_write()
                .map_err(|e| Error::storage("begin a write", e))?;
            for op in ops {
                match op {
                    WriteOp::Put(table, key, value) => {
                        let mut open = txn
                            .open_table(definition(table))
                            .map_err(|e| Error::storage("open a table", e))?;
                        open.insert(key.as_str(), value.as_slice())
                            .map_err(|e| Error::storage("write", e))?;
                    }
                    WriteOp::Remove(table, key) => {
                        let mut open = txn
                            .open_table(definition(table))
                            .map_err(|e| Error::storage("open a table", e))?;
                        open.remove(key.as_str())
                            .map_err(|e| Error::storage("remove", e))?;
                    }
                }
            }
            txn.commit().map_err(|e| Error::storage("commit", e))
        }
    }
}
