//! The audit log's hash chain, re-checked on the client from the entries the admin API lists,
//! so that `audit --verify` does not rest on the service's word alone.
//!
//! The hashed encoding is the issuer's (`myna_issuer::audit`, fixed for good): the 8-byte
//! big-endian sequence number and time, then actor, action and subject each as a 2-byte
//! big-endian length and the UTF-8 text, then the previous entry's hash (32 zero bytes before
//! the first); an entry's hash is SHA-256 of those bytes.

use anyhow::{anyhow, bail, Context, Result};
use myna_vc_core::b64;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One entry as `GET /admin/audit` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedEntry {
    /// Position in the log, from 0.
    pub seq: u64,
    /// Unix seconds.
    pub time: i64,
    /// The actor's role.
    pub actor: String,
    /// What happened.
    pub action: String,
    /// To what, and by whom (`… by:<name>`).
    pub subject: String,
    /// The hash the service stored for it.
    pub hash: [u8; 32],
}

impl ListedEntry {
    /// Reads one listed entry; a missing or mistyped field is an error naming it.
    pub fn from_json(value: &Value) -> Result<Self> {
        let text = |name: &str| -> Result<String> {
            value
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| anyhow!("an audit entry has no text field `{name}`"))
        };
        let seq = value
            .get("seq")
            .and_then(Value::as_u64)
            .context("an audit entry has no number `seq`")?;
        let time = value
            .get("time")
            .and_then(Value::as_i64)
            .context("an audit entry has no number `time`")?;
        let hash: [u8; 32] = b64::decode(&text("hash")?, "audit entry hash")?
            .try_into()
            .map_err(|_| anyhow!("audit entry {seq}: the hash is not 32 bytes"))?;
        Ok(ListedEntry {
            seq,
            time,
            actor: text("actor")?,
            action: text("action")?,
            subject: text("subject")?,
            hash,
        })
    }

    /// SHA-256 of this entry's fields chained to `prev`.
    fn expected_hash(&self, prev: &[u8; 32]) -> Result<[u8; 32]> {
        let mut hasher = Sha256::new();
        hasher.update(self.seq.to_be_bytes());
        hasher.update(self.time.to_be_bytes());
        for text in [&self.actor, &self.action, &self.subject] {
            let len = u16::try_from(text.len())
                .map_err(|_| anyhow!("audit entry {}: a field is over 64 KiB", self.seq))?;
            hasher.update(len.to_be_bytes());
            hasher.update(text.as_bytes());
        }
        hasher.update(prev);
        Ok(hasher.finalize().into())
    }
}

/// A walk along the chain from its first entry.
///
/// ```
/// use myna::admin::audit_chain::ChainWalk;
/// let walk = ChainWalk::default();
/// assert_eq!(walk.entries(), 0);
/// assert_eq!(walk.head(), [0; 32]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ChainWalk {
    next_seq: u64,
    head: [u8; 32],
}

impl ChainWalk {
    /// Takes the next entry: it must be next in sequence and its hash must be the hash of its
    /// fields chained to the previous one.
    pub fn push(&mut self, entry: &ListedEntry) -> Result<()> {
        if entry.seq != self.next_seq {
            bail!(
                "the audit chain is broken: entry {} came where entry {} belongs",
                entry.seq,
                self.next_seq
            );
        }
        if entry.expected_hash(&self.head)? != entry.hash {
            bail!(
                "the audit chain is broken at entry {}: its hash does not match its fields and \
                 the previous entry's hash (an entry was altered, dropped or reordered)",
                entry.seq
            );
        }
        self.head = entry.hash;
        self.next_seq += 1;
        Ok(())
    }

    /// How many entries were checked.
    pub fn entries(&self) -> u64 {
        self.next_seq
    }

    /// The last checked entry's hash (32 zero bytes before any).
    pub fn head(&self) -> [u8; 32] {
        self.head
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use myna_issuer::audit::{ActorRole, AuditAction, AuditSubject};
    use myna_issuer::record::CredentialId;
    use myna_issuer::store::{MemoryStore, Store};
    use myna_vc_core::time::NumericDate;
    use serde_json::json;

    /// Entries the issuer's own store wrote, listed as the admin API lists them.
    fn listed() -> Vec<Value> {
        let store = MemoryStore::new();
        for (t, id) in [(1_800_000_000, 1u8), (1_800_000_060, 2)] {
            store
                .append_audit(
                    NumericDate::from_unix(t),
                    ActorRole::RevocationOfficer,
                    AuditAction::CredentialRevoked,
                    AuditSubject::credential(&CredentialId::from_bytes([id; 16])).by("officer-1"),
                )
                .unwrap();
        }
        store
            .audit_entries(0..10)
            .unwrap()
            .iter()
            .map(|e| {
                json!({"seq": e.seq, "time": e.time.as_unix(), "actor": e.actor.as_str(),
                       "action": e.action.as_str(), "subject": e.subject.as_str(),
                       "hash": b64::encode(e.hash)})
            })
            .collect()
    }

    #[test]
    fn the_issuers_own_chain_checks_out() {
        let mut walk = ChainWalk::default();
        for value in listed() {
            walk.push(&ListedEntry::from_json(&value).unwrap()).unwrap();
        }
        assert_eq!(walk.entries(), 2);
        assert_eq!(
            b64::encode(walk.head()),
            listed()[1]["hash"].as_str().unwrap()
        );
    }

    #[test]
    fn an_altered_dropped_or_reordered_entry_is_caught() {
        let entries = listed();
        let mut altered = entries.clone();
        altered[0]["subject"] = json!("credential:AAAAAAAAAAAAAAAAAAAAAA by:someone-else");
        let mut walk = ChainWalk::default();
        let error = walk
            .push(&ListedEntry::from_json(&altered[0]).unwrap())
            .unwrap_err();
        assert!(error.to_string().contains("broken at entry 0"), "{error}");

        let mut walk = ChainWalk::default();
        let error = walk
            .push(&ListedEntry::from_json(&entries[1]).unwrap())
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("entry 1 came where entry 0 belongs"),
            "{error}"
        );
    }

    #[test]
    fn a_malformed_listing_names_the_field() {
        let mut entry = listed()[0].clone();
        entry["hash"] = json!("AAAA");
        assert!(ListedEntry::from_json(&entry)
            .unwrap_err()
            .to_string()
            .contains("not 32 bytes"));
        let mut entry = listed()[0].clone();
        entry.as_object_mut().unwrap().remove("actor");
        assert!(ListedEntry::from_json(&entry)
            .unwrap_err()
            .to_string()
            .contains("`actor`"));
    }
}
