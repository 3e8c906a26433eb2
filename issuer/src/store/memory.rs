//! An in-memory [`Store`](super::Store) for tests and for wasm, where there is no file system.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use super::Store;
use crate::error::{Error, Result};
use crate::tables::{Backend, ReadTables, Table, Visit, WriteTables};

type Key = (Table, Vec<u8>);
type Map = BTreeMap<Key, Vec<u8>>;

/// A store that lives in memory and dies with the process. Transactions are serialised by a
/// mutex and a failed write transaction is rolled back, so it behaves like
/// [`RedbStore`](super::RedbStore) except for durability.
/// ```
/// use myna_issuer::store::{MemoryStore, Store};
/// use myna_vc_core::status_list::StatusListUri;
/// let store = MemoryStore::new();
/// let uri = StatusListUri::new("https://city.example/status/1")?;
/// store.create_status_list(&uri, 1024)?;
/// assert_eq!(store.status_list_info(&uri)?.capacity, 1024);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: Mutex<Map>,
}

impl MemoryStore {
    /// An empty store.
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// assert_eq!(MemoryStore::new().verify_audit_chain()?, 0);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Map>> {
        // A poisoned lock means a writer panicked mid-transaction; refuse rather than guess.
        self.map
            .lock()
            .map_err(|_| Error::invariant("memory store lock poisoned"))
    }
}

impl Store for MemoryStore {}

impl Backend for MemoryStore {
    fn read<R: Send>(&self, f: impl FnOnce(&dyn ReadTables) -> Result<R> + Send) -> Result<R> {
        let map = self.lock()?;
        f(&MapRead(&map))
    }

    fn write<R: Send>(
        &self,
        f: impl FnOnce(&mut dyn WriteTables) -> Result<R> + Send,
    ) -> Result<R> {
        let mut map = self.lock()?;
        let mut txn = MapWrite {
            map: &mut map,
            undo: Vec::new(),
        };
        let result = f(&mut txn);
        if result.is_err() {
            txn.roll_back();
        }
        result
    }
}

struct MapRead<'m>(&'m Map);

fn get(map: &Map, table: Table, key: &[u8]) -> Option<Vec<u8>> {
    map.get(&(table, key.to_vec())).cloned()
}

fn scan(map: &Map, table: Table, from: &[u8], visit: &mut Visit<'_>) -> Result<()> {
    for ((t, key), value) in map.range((table, from.to_vec())..) {
        if *t != table || !visit(key, value)? {
            break;
        }
    }
    Ok(())
}

impl ReadTables for MapRead<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(get(self.0, table, key))
    }

    fn scan(&self, table: Table, from: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        scan(self.0, table, from, visit)
    }
}

/// A write transaction: changes go straight into the map, with the old values kept so that a
/// failed transaction can be undone.
struct MapWrite<'m> {
    map: &'m mut Map,
    undo: Vec<(Key, Option<Vec<u8>>)>,
}

impl MapWrite<'_> {
    fn roll_back(&mut self) {
        while let Some((key, old)) = self.undo.pop() {
            match old {
                Some(value) => self.map.insert(key, value),
                None => self.map.remove(&key),
            };
        }
    }
}

impl ReadTables for MapWrite<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(get(self.map, table, key))
    }

    fn scan(&self, table: Table, from: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        scan(self.map, table, from, visit)
    }
}

impl WriteTables for MapWrite<'_> {
    fn as_read(&self) -> &dyn ReadTables {
        self
    }

    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<()> {
        let key = (table, key.to_vec());
        let old = self.map.insert(key.clone(), value.to_vec());
        self.undo.push((key, old));
        Ok(())
    }

    fn remove(&mut self, table: Table, key: &[u8]) -> Result<()> {
        let key = (table, key.to_vec());
        let old = self.map.remove(&key);
        self.undo.push((key, old));
        Ok(())
    }
}
