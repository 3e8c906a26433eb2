//! The default [`Store`](super::Store): one [redb](https://www.redb.org) file.
//!
//! redb commits with copy-on-write pages and a checksummed, double-buffered root, so a process
//! killed at any point reopens to the last committed transaction; every commit here uses
//! redb's default immediate durability (fsync before `commit` returns).

use std::path::Path;

use redb::{Database, ReadableTable, TableDefinition};

use super::Store;
use crate::error::{Error, Result};
use crate::tables::{Backend, ReadTables, Table, Visit, WriteTables};

type Def = TableDefinition<'static, &'static [u8], &'static [u8]>;

const fn definition(table: Table) -> Def {
    TableDefinition::new(table.name())
}

/// A store in one redb file.
/// ```
/// use myna_issuer::store::{RedbStore, Store};
/// use myna_vc_core::status_list::StatusListUri;
/// let dir = std::env::temp_dir().join(format!("myna-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("issuer.redb");
/// let uri = StatusListUri::new("https://city.example/status/1")?;
/// {
///     let store = RedbStore::open(&path)?;
///     store.create_status_list(&uri, 4096)?;
/// }
/// // Reopened, the list is still there.
/// assert_eq!(RedbStore::open(&path)?.status_list_info(&uri)?.capacity, 4096);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RedbStore {
    db: Database,
}

impl RedbStore {
    /// Opens the store at `path`, creating the file and its tables if needed. Only one process
    /// may have the file open; a second `open` fails with [`Error::Storage`].
    /// ```
    /// use myna_issuer::{store::RedbStore, Error};
    /// let missing_dir = std::env::temp_dir().join("myna-no-such-dir/x/issuer.redb");
    /// assert!(matches!(RedbStore::open(&missing_dir), Err(Error::Storage(_))));
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let db = Database::create(path).map_err(Error::storage)?;
        let txn = db.begin_write().map_err(Error::storage)?;
        for table in Table::ALL {
            txn.open_table(definition(table)).map_err(Error::storage)?;
        }
        txn.commit().map_err(Error::storage)?;
        Ok(RedbStore { db })
    }
}

impl Store for RedbStore {}

impl Backend for RedbStore {
    fn read<R: Send>(&self, f: impl FnOnce(&dyn ReadTables) -> Result<R> + Send) -> Result<R> {
        let txn = self.db.begin_read().map_err(Error::storage)?;
        let tables = Table::ALL
            .into_iter()
            .map(|t| txn.open_table(definition(t)).map_err(Error::storage))
            .collect::<Result<Vec<_>>>()?;
        f(&RedbTables(tables))
    }

    fn write<R: Send>(
        &self,
        f: impl FnOnce(&mut dyn WriteTables) -> Result<R> + Send,
    ) -> Result<R> {
        let txn = self.db.begin_write().map_err(Error::storage)?;
        let result = {
            let tables = Table::ALL
                .into_iter()
                .map(|t| txn.open_table(definition(t)).map_err(Error::storage))
                .collect::<Result<Vec<_>>>()?;
            f(&mut RedbTables(tables))
        };
        match result {
            Ok(value) => {
                txn.commit().map_err(Error::storage)?;
                Ok(value)
            }
            Err(err) => {
                txn.abort().map_err(Error::storage)?;
                Err(err)
            }
        }
    }
}

/// The open tables of one transaction, in [`Table::ALL`] order.
struct RedbTables<T>(Vec<T>);

impl<T> RedbTables<T> {
    fn table(&self, table: Table) -> Result<&T> {
        self.0
            .get(table as usize)
            .ok_or_else(|| Error::invariant("a table of the transaction is not open"))
    }
}

impl<T: ReadableTable<&'static [u8], &'static [u8]>> ReadTables for RedbTables<T> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let found = self.table(table)?.get(key).map_err(Error::storage)?;
        Ok(found.map(|guard| guard.value().to_vec()))
    }

    fn scan(&self, table: Table, from: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        for entry in self.table(table)?.range(from..).map_err(Error::storage)? {
            let (key, value) = entry.map_err(Error::storage)?;
            if !visit(key.value(), value.value())? {
                break;
            }
        }
        Ok(())
    }
}

impl WriteTables for RedbTables<redb::Table<'_, &'static [u8], &'static [u8]>> {
    fn as_read(&self) -> &dyn ReadTables {
        self
    }

    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<()> {
        self.table_mut(table)?
            .insert(key, value)
            .map_err(Error::storage)?;
        Ok(())
    }

    fn remove(&mut self, table: Table, key: &[u8]) -> Result<()> {
        self.table_mut(table)?.remove(key).map_err(Error::storage)?;
        Ok(())
    }
}

impl<T> RedbTables<T> {
    fn table_mut(&mut self, table: Table) -> Result<&mut T> {
        self.0
            .get_mut(table as usize)
            .ok_or_else(|| Error::invariant("a table of the transaction is not open"))
    }
}
