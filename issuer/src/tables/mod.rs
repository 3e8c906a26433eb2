//! The storage tables, a leaf of the module graph: what a storage engine must provide —
//! atomic read and write transactions over a few named byte-keyed tables — and the rows of
//! each table. Everything above (allocation, records, challenges, audit) is written once
//! against these traits, so the redb and in-memory stores cannot drift apart.
//!
//! The traits are public but live in a private module (the "sealed" pattern): callers use the
//! [`Store`](crate::store::Store) operations, which keep the invariants, and cannot reach the raw
//! tables.

pub(crate) mod certificates;
pub(crate) mod records;
pub(crate) mod sealed_links;

use crate::error::Result;

/// The logical tables. Keys and values are bytes; each concept module owns its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// credential id (16 bytes) → encoded [`CredentialRecord`](crate::record::CredentialRecord).
    Records,
    /// subject handle (32 bytes) ‖ credential id (16 bytes) → empty.
    BySubject,
    /// holder key thumbprint (32 bytes, RFC 7638) ‖ credential id (16 bytes) → subject handle
    /// (32 bytes): whom the issuer bound a key to (see
    /// [`Store::known_holder`](crate::store::Store::known_holder)).
    ByHolderKey,
    /// status list URI → list metadata.
    Lists,
    /// status list URI → packed status entries.
    ListEntries,
    /// status list URI → bitmap of assigned entries.
    ListAssigned,
    /// nonce → expiry and whether it was used.
    Challenges,
    /// sequence number (8 bytes, big-endian) → audit entry.
    Audit,
    /// small named values (the audit chain's head).
    Meta,
    /// certificate type ‖ serial → subject handle and revocation seen
    /// (see [`certificates`](self::certificates)).
    CertificateSubjects,
    /// context length ‖ context ‖ pseudonym → sealed escrow link
    /// (see [`sealed_links`](self::sealed_links)).
    SealedLinks,
    /// The HTTP service's own state, one key namespace per concept (sealed offers, access
    /// tokens, consents, batch progress, escrow openings, imported CRLs); see
    /// `service::state_table`.
    Service,
}

impl Table {
    /// Every table, in a fixed order (engines create them all up front).
    pub const ALL: [Table; 12] = [
        Table::Records,
        Table::BySubject,
        Table::ByHolderKey,
        Table::Lists,
        Table::ListEntries,
        Table::ListAssigned,
        Table::Challenges,
        Table::Audit,
        Table::Meta,
        Table::CertificateSubjects,
        Table::SealedLinks,
        Table::Service,
    ];

    /// The table's name inside an engine's file.
    pub const fn name(self) -> &'static str {
        match self {
            Table::Records => "records",
            Table::BySubject => "records_by_subject",
            Table::ByHolderKey => "records_by_holder_key",
            Table::Lists => "status_lists",
            Table::ListEntries => "status_list_entries",
            Table::ListAssigned => "status_list_assigned",
            Table::Challenges => "challenges",
            Table::Audit => "audit_log",
            Table::Meta => "meta",
            Table::CertificateSubjects => "certificate_subjects",
            Table::SealedLinks => "sealed_links",
            Table::Service => "service_state",
        }
    }
}

/// A visitor over `(key, value)` pairs in key order; it returns whether to go on.
pub type Visit<'v> = dyn FnMut(&[u8], &[u8]) -> Result<bool> + 'v;

/// Reads inside one transaction (a consistent snapshot).
pub trait ReadTables {
    /// The value under `key`.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>>;
    /// Visits the entries with keys `>= from` in key order until `visit` returns `false`.
    fn scan(&self, table: Table, from: &[u8], visit: &mut Visit<'_>) -> Result<()>;
}

/// Reads and writes inside one transaction; nothing is visible to others until it commits.
pub trait WriteTables: ReadTables {
    /// This transaction as a reader (what `&dyn WriteTables as &dyn ReadTables` would be, but
    /// that trait upcasting needs Rust 1.86 and the crate supports 1.85).
    fn as_read(&self) -> &dyn ReadTables;
    /// Sets `key` to `value`.
    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<()>;
    /// Removes `key` if present.
    fn remove(&mut self, table: Table, key: &[u8]) -> Result<()>;
}

/// A storage engine: runs closures in transactions. A write transaction whose closure returns
/// `Err` leaves no trace; one that returns `Ok` is durable when `write` returns.
pub trait Backend {
    /// Runs `f` in a read transaction. (`Send`: an engine may run it on a thread of its own —
    /// PostgreSQL's synchronous client must not run inside an async runtime.)
    fn read<R: Send>(&self, f: impl FnOnce(&dyn ReadTables) -> Result<R> + Send) -> Result<R>;
    /// Runs `f` in a write transaction and commits it durably if `f` succeeds.
    fn write<R: Send>(&self, f: impl FnOnce(&mut dyn WriteTables) -> Result<R> + Send)
        -> Result<R>;
}
