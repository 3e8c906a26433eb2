//! The store a deployment chose, as one type: what the HTTP service and the command line
//! hold, so that the engine is a configuration value rather than a type parameter.

use super::{MemoryStore, RedbStore, Store};
use crate::error::Result;
use crate::tables::{Backend, ReadTables, WriteTables};

/// One of the engines: a redb file (the default), PostgreSQL (feature `postgres`), or memory
/// (tests, wasm).
/// ```
/// use myna_issuer::store::{AnyStore, MemoryStore, Store};
/// use myna_vc_core::status_list::StatusListUri;
/// let store = AnyStore::from(MemoryStore::new());
/// let uri = StatusListUri::new("https://city.example/status/1")?;
/// store.create_status_list(&uri, 64)?;
/// assert_eq!(store.engine(), "memory");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyStore {
    /// One redb file.
    Redb(RedbStore),
    /// A PostgreSQL database, shareable by several instances.
    #[cfg(feature = "postgres")]
    Postgres(super::PgStore),
    /// Memory only.
    Memory(MemoryStore),
}

impl AnyStore {
    /// The engine's name, for logs: `redb`, `postgres` or `memory`.
    pub fn engine(&self) -> &'static str {
        match self {
            AnyStore::Redb(_) => "redb",
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(_) => "postgres",
            AnyStore::Memory(_) => "memory",
        }
    }
}

impl From<RedbStore> for AnyStore {
    fn from(store: RedbStore) -> Self {
        AnyStore::Redb(store)
    }
}

impl From<MemoryStore> for AnyStore {
    fn from(store: MemoryStore) -> Self {
        AnyStore::Memory(store)
    }
}

#[cfg(feature = "postgres")]
impl From<super::PgStore> for AnyStore {
    fn from(store: super::PgStore) -> Self {
        AnyStore::Postgres(store)
    }
}

impl Store for AnyStore {}

impl Backend for AnyStore {
    fn read<R: Send>(&self, f: impl FnOnce(&dyn ReadTables) -> Result<R> + Send) -> Result<R> {
        match self {
            AnyStore::Redb(store) => store.read(f),
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(store) => store.read(f),
            AnyStore::Memory(store) => store.read(f),
        }
    }

    fn write<R: Send>(
        &self,
        f: impl FnOnce(&mut dyn WriteTables) -> Result<R> + Send,
    ) -> Result<R> {
        match self {
            AnyStore::Redb(store) => store.write(f),
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(store) => store.write(f),
            AnyStore::Memory(store) => store.write(f),
        }
    }
}
