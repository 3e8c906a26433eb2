//! The escrow table: (context, pseudonym) → the [`SealedLink`] of that pseudonym to its person.
//!
//! Key: the context id's length (2 bytes, big-endian) ‖ the context id ‖ the pseudonym text
//! (the length prefix keeps every (context, pseudonym) pair's key distinct). Value:
//! [`SealedLink::to_bytes`]. The table holds ciphertext only: the issuer cannot read the person
//! handles in it.

use crate::error::{Error, Result};
use crate::escrow::SealedLink;
use crate::pseudonym::{ContextId, Pseudonym};
use crate::tables::{ReadTables, Table, WriteTables};

fn key(context: &ContextId, pseudonym: &Pseudonym) -> Vec<u8> {
    let context = context.as_str().as_bytes();
    // Context ids are at most 256 bytes (`ContextId::parse`), so the length fits.
    let len = u16::try_from(context.len()).unwrap_or(u16::MAX);
    [
        len.to_be_bytes().as_slice(),
        context,
        pseudonym.as_str().as_bytes(),
    ]
    .concat()
}

pub(crate) fn get(
    tx: &dyn ReadTables,
    context: &ContextId,
    pseudonym: &Pseudonym,
) -> Result<Option<SealedLink>> {
    tx.get(Table::SealedLinks, &key(context, pseudonym))?
        .map(|bytes| SealedLink::from_bytes(&bytes).map_err(|e| Error::corrupt("sealed link", e)))
        .transpose()
}

/// Stores `sealed` unless a sealed link is stored for the key already; `Ok(true)` when it was
/// stored now. Sealing is randomized, so a second sealing of the same link never equals the
/// first: the first one stays, and nothing is ever overwritten.
pub(crate) fn put_if_absent(
    tx: &mut dyn WriteTables,
    context: &ContextId,
    pseudonym: &Pseudonym,
    sealed: &SealedLink,
) -> Result<bool> {
    let key = key(context, pseudonym);
    if tx.get(Table::SealedLinks, &key)?.is_some() {
        return Ok(false);
    }
    tx.put(Table::SealedLinks, &key, &sealed.to_bytes())?;
    Ok(true)
}
