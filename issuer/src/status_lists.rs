//! The issuer's stored Token Status Lists: their entries, which entries are assigned, and a
//! version that moves whenever an entry changes (so a publisher knows when to re-sign).
//!
//! Every list has two bits per entry (VALID / INVALID / SUSPENDED). Entries are handed out at
//! random positions (herd privacy: an index says nothing about issuance order), drawn from the
//! operating system's CSPRNG with rejection of positions already taken. Which positions are
//! taken is a bitmap kept next to the entries, since a fresh entry and an unused one both
//! read VALID.

use myna_vc_core::{
    crypto::fill_random,
    status_list::{Status, StatusBits, StatusIndex, StatusList, StatusListUri, StatusReference},
};

use crate::error::{Error, Result};
use crate::tables::{ReadTables, Table, WriteTables};

/// Bits per entry of every list this issuer keeps: room for SUSPENDED.
/// ```
/// use myna_vc_core::status_list::StatusBits;
/// assert_eq!(myna_issuer::status_lists::STATUS_BITS, StatusBits::Two);
/// ```
pub const STATUS_BITS: StatusBits = StatusBits::Two;

/// The size of a new list that callers use unless they have a reason not to: 2^20 entries
/// (256 KiB uncompressed), a herd large enough that an index reveals little.
/// ```
/// assert_eq!(myna_issuer::status_lists::DEFAULT_CAPACITY, 1 << 20);
/// ```
pub const DEFAULT_CAPACITY: usize = 1 << 20;

const WHAT: &str = "status list metadata";
/// Random candidates drawn per call to the CSPRNG.
const DRAW_CHUNK: usize = 512;

/// What the store knows about one status list besides its entries.
/// ```
/// use myna_issuer::store::{MemoryStore, Store};
/// use myna_vc_core::status_list::StatusListUri;
/// let store = MemoryStore::new();
/// let uri = StatusListUri::new("https://city.example/status/1")?;
/// let info = store.create_status_list(&uri, 100)?;
/// assert_eq!((info.capacity, info.assigned, info.version), (100, 0, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListInfo {
    /// The list's URI (the `sub` of its token, the `uri` in credentials).
    pub uri: StatusListUri,
    /// Number of entries.
    pub capacity: u64,
    /// Entries assigned to credentials so far.
    pub assigned: u64,
    /// Bumped on every status change; a publisher re-signs when it differs from the version
    /// it last signed. Issuing does not bump it: a new entry reads VALID, as before.
    pub version: u64,
}

impl StatusListInfo {
    /// Entries still free.
    /// ```
    /// use myna_issuer::status_lists::StatusListInfo;
    /// use myna_vc_core::status_list::StatusListUri;
    /// let info = StatusListInfo { uri: StatusListUri::new("https://a.example/s")?,
    ///                             capacity: 8, assigned: 3, version: 0 };
    /// assert_eq!(info.free(), 5);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn free(&self) -> u64 {
        self.capacity.saturating_sub(self.assigned)
    }

    fn encode(&self) -> [u8; 24] {
        let mut out = [0; 24];
        for (slot, value) in
            out.chunks_exact_mut(8)
                .zip([self.capacity, self.assigned, self.version])
        {
            slot.copy_from_slice(&value.to_be_bytes());
        }
        out
    }

    fn decode(uri: &StatusListUri, bytes: &[u8]) -> Result<Self> {
        let mut numbers = bytes
            .chunks_exact(8)
            .map(|chunk| chunk.try_into().map(u64::from_be_bytes));
        match (bytes.len(), numbers.next(), numbers.next(), numbers.next()) {
            (24, Some(Ok(capacity)), Some(Ok(assigned)), Some(Ok(version)))
                if assigned <= capacity =>
            {
                Ok(StatusListInfo {
                    uri: uri.clone(),
                    capacity,
                    assigned,
                    version,
                })
            }
            _ => Err(Error::corrupt(WHAT, format!("for {uri}"))),
        }
    }
}

pub(crate) fn create(
    tx: &mut dyn WriteTables,
    uri: &StatusListUri,
    capacity: usize,
) -> Result<StatusListInfo> {
    let key = uri.as_str().as_bytes();
    if tx.get(Table::Lists, key)?.is_some() {
        return Err(Error::StatusListExists(uri.to_string()));
    }
    let list = StatusList::new(STATUS_BITS, capacity)?;
    if list.is_empty() {
        return Err(Error::Invalid {
            what: "status list capacity",
            detail: "must be at least one entry".into(),
        });
    }
    let info = StatusListInfo {
        uri: uri.clone(),
        capacity: list.len() as u64,
        assigned: 0,
        version: 0,
    };
    tx.put(Table::Lists, key, &info.encode())?;
    tx.put(Table::ListEntries, key, list.as_bytes())?;
    tx.put(Table::ListAssigned, key, &vec![0; list.len().div_ceil(8)])?;
    Ok(info)
}

pub(crate) fn info(tx: &dyn ReadTables, uri: &StatusListUri) -> Result<StatusListInfo> {
    let bytes = tx
        .get(Table::Lists, uri.as_str().as_bytes())?
        .ok_or_else(|| Error::UnknownStatusList(uri.to_string()))?;
    StatusListInfo::decode(uri, &bytes)
}

/// Assigns `count` random free entries of the list at `uri`, in the caller's transaction.
pub(crate) fn allocate(
    tx: &mut dyn WriteTables,
    uri: &StatusListUri,
    count: usize,
) -> Result<Vec<StatusIndex>> {
    let mut info = info(tx.as_read(), uri)?;
    let requested = count as u64;
    if requested > info.free() {
        return Err(Error::StatusListFull {
            uri: uri.to_string(),
            free: info.free(),
            requested,
        });
    }
    let key = uri.as_str().as_bytes();
    let mut assigned = Assigned::load(tx.as_read(), &info)?;
    let picked = assigned.draw(count)?;
    info.assigned += requested;
    tx.put(Table::ListAssigned, key, &assigned.0)?;
    tx.put(Table::Lists, key, &info.encode())?;
    Ok(picked)
}

/// The bitmap of assigned entries.
struct Assigned(Vec<u8>, u64);

impl Assigned {
    /// Loads the bitmap and checks it against the metadata: a bitmap with more bits set than
    /// `assigned` says could make drawing loop for ever, so it is refused as corrupt.
    fn load(tx: &dyn ReadTables, info: &StatusListInfo) -> Result<Self> {
        let bitmap = tx
            .get(Table::ListAssigned, info.uri.as_str().as_bytes())?
            .ok_or_else(|| {
                Error::corrupt(WHAT, format!("no assignment bitmap for {}", info.uri))
            })?;
        let ones: u64 = bitmap.iter().map(|b| u64::from(b.count_ones())).sum();
        if bitmap.len() as u64 != info.capacity.div_ceil(8) || ones != info.assigned {
            return Err(Error::corrupt(
                WHAT,
                format!("assignment bitmap of {} disagrees with its count", info.uri),
            ));
        }
        Ok(Assigned(bitmap, info.capacity))
    }

    fn is_set(&self, index: u64) -> bool {
        let (byte, bit) = (index / 8, index % 8);
        usize::try_from(byte)
            .ok()
            .and_then(|b| self.0.get(b))
            .is_none_or(|b| b & (1 << bit) != 0)
    }

    fn set(&mut self, index: u64) {
        let (byte, bit) = (index / 8, index % 8);
        if let Some(b) = usize::try_from(byte).ok().and_then(|b| self.0.get_mut(b)) {
            *b |= 1 << bit;
        }
    }

    /// Draws `count` distinct free entries uniformly: candidates are masked to the next power
    /// of two (no modulo bias) and rejected when past the end or taken. The caller checked
    /// there are at least `count` free entries, so this ends.
    fn draw(&mut self, count: usize) -> Result<Vec<StatusIndex>> {
        let capacity = self.1;
        let mask = capacity.next_power_of_two() - 1;
        let mut picked = Vec::with_capacity(count);
        let mut random = [0u8; DRAW_CHUNK * 8];
        while picked.len() < count {
            fill_random(&mut random)?;
            for chunk in random.chunks_exact(8) {
                let mut bytes = [0; 8];
                bytes.copy_from_slice(chunk);
                let candidate = u64::from_le_bytes(bytes) & mask;
                if candidate >= capacity || self.is_set(candidate) {
                    continue;
                }
                self.set(candidate);
                picked.push(StatusIndex::new(candidate));
                if picked.len() == count {
                    break;
                }
            }
        }
        Ok(picked)
    }
}

/// The list at `uri` with its metadata, as it stands in this transaction.
pub(crate) fn load(
    tx: &dyn ReadTables,
    uri: &StatusListUri,
) -> Result<(StatusList, StatusListInfo)> {
    let info = info(tx, uri)?;
    let bytes = tx
        .get(Table::ListEntries, uri.as_str().as_bytes())?
        .ok_or_else(|| Error::corrupt(WHAT, format!("no entries for {uri}")))?;
    let list = StatusList::from_bytes(STATUS_BITS, bytes)?;
    if list.len() as u64 != info.capacity {
        return Err(Error::corrupt(
            WHAT,
            format!("entries of {uri} have the wrong length"),
        ));
    }
    Ok((list, info))
}

/// The status at `reference`.
pub(crate) fn status(tx: &dyn ReadTables, reference: &StatusReference) -> Result<Status> {
    Ok(load(tx, &reference.uri)?.0.get(reference.index)?)
}

/// Sets the entry at `reference` and bumps the list's version.
pub(crate) fn set_status(
    tx: &mut dyn WriteTables,
    reference: &StatusReference,
    status: Status,
) -> Result<()> {
    let (mut list, mut info) = load(tx.as_read(), &reference.uri)?;
    list.set(reference.index, status)?;
    info.version += 1;
    let key = reference.uri.as_str().as_bytes();
    tx.put(Table::ListEntries, key, list.as_bytes())?;
    tx.put(Table::Lists, key, &info.encode())
}
