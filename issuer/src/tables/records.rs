//! Credential records in the tables: by id, and indexed by subject handle.

use myna_vc_core::jwk::Thumbprint;

use crate::error::{Error, Result};
use crate::record::{CredentialId, CredentialRecord, SubjectHandle};
use crate::tables::{ReadTables, Table, WriteTables};

fn subject_key(subject: &SubjectHandle, id: &CredentialId) -> Vec<u8> {
    let mut key = subject.as_bytes().to_vec();
    key.extend_from_slice(id.as_bytes());
    key
}

/// Writes `record` and its subject index entry (an update rewrites both).
pub(crate) fn put(tx: &mut dyn WriteTables, record: &CredentialRecord) -> Result<()> {
    tx.put(Table::Records, record.id.as_bytes(), &record.encode()?)?;
    tx.put(
        Table::BySubject,
        &subject_key(&record.subject, &record.id),
        &[],
    )
}

/// Indexes `record` under the thumbprint of the key it is bound to.
pub(crate) fn put_holder_key(
    tx: &mut dyn WriteTables,
    holder_key: &Thumbprint,
    record: &CredentialRecord,
) -> Result<()> {
    let mut key = holder_key.0.to_vec();
    key.extend_from_slice(record.id.as_bytes());
    tx.put(Table::ByHolderKey, &key, record.subject.as_bytes())
}

/// The records bound to the key with thumbprint `holder_key`, with their subjects.
pub(crate) fn ids_for_holder_key(
    tx: &dyn ReadTables,
    holder_key: &Thumbprint,
) -> Result<Vec<(CredentialId, SubjectHandle)>> {
    let prefix = holder_key.0.as_slice();
    let mut found = Vec::new();
    tx.scan(Table::ByHolderKey, prefix, &mut |key, value| {
        let Some(rest) = key.strip_prefix(prefix) else {
            return Ok(false);
        };
        let id = CredentialId::from_slice(rest)
            .ok_or_else(|| Error::corrupt("holder key index", "key of the wrong length"))?;
        let subject: [u8; 32] = value
            .try_into()
            .map_err(|_| Error::corrupt("holder key index", "subject is not 32 bytes"))?;
        found.push((id, SubjectHandle::from_bytes(subject)));
        Ok(true)
    })?;
    Ok(found)
}

pub(crate) fn get(tx: &dyn ReadTables, id: &CredentialId) -> Result<Option<CredentialRecord>> {
    tx.get(Table::Records, id.as_bytes())?
        .map(|bytes| CredentialRecord::decode(*id, &bytes))
        .transpose()
}

/// The ids of the records about `subject`.
pub(crate) fn ids_for_subject(
    tx: &dyn ReadTables,
    subject: &SubjectHandle,
) -> Result<Vec<CredentialId>> {
    let prefix = subject.as_bytes();
    let mut ids = Vec::new();
    tx.scan(Table::BySubject, prefix, &mut |key, _| {
        let Some(rest) = key.strip_prefix(prefix.as_slice()) else {
            return Ok(false);
        };
        let id = CredentialId::from_slice(rest)
            .ok_or_else(|| Error::corrupt("subject index", "key of the wrong length"))?;
        ids.push(id);
        Ok(true)
    })?;
    Ok(ids)
}

/// Every record, in id order.
pub(crate) fn all(tx: &dyn ReadTables) -> Result<Vec<CredentialRecord>> {
    let mut records = Vec::new();
    tx.scan(Table::Records, &[], &mut |key, value| {
        let id = CredentialId::from_slice(key)
            .ok_or_else(|| Error::corrupt("credential record", "key of the wrong length"))?;
        records.push(CredentialRecord::decode(id, value)?);
        Ok(true)
    })?;
    Ok(records)
}
