//! An append-only, hash-chained audit log: who did what to which credential or list, and when,
//! without personal data. Each entry's hash covers all its fields and the previous entry's hash,
//! so editing, dropping or reordering any entry breaks every hash after it
//! ([`Store::verify_audit_chain`](crate::store::Store::verify_audit_chain)).
//!
//! The hashed encoding is our own (no standard fits and it must never change): the 8-byte
//! big-endian sequence number and time, then actor, action and subject each as a 2-byte
//! big-endian length and UTF-8 text, then the previous hash; the entry's hash is SHA-256 of
//! those bytes, stored right after them.

use core::fmt;
use core::ops::Range;

use myna_vc_core::{status_list::StatusListUri, time::NumericDate};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::pseudonym::{ContextId, Pseudonym};
use crate::record::{CredentialId, SubjectHandle};
use crate::tables::{ReadTables, Table, WriteTables};

/// The hash before the first entry.
pub const GENESIS_HASH: [u8; 32] = [0; 32];
/// The `Meta` key of the chain's head: next sequence number ‖ last hash.
const HEAD_KEY: &[u8] = b"audit_head";
const WHAT: &str = "audit entry";

/// The role of whoever caused an audited action.
/// ```
/// use myna_issuer::audit::ActorRole;
/// assert_eq!(ActorRole::parse("operator")?, ActorRole::Operator);
/// assert_eq!(ActorRole::System.to_string(), "system");
/// # Ok::<(), myna_issuer::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActorRole {
    /// The issuing service acting on its own (issuance after a verified request, cascades).
    System,
    /// A municipal staff member.
    Operator,
    /// The credential holder (e.g. asking for revocation of a lost phone's credentials).
    Holder,
    /// An auditor or court-ordered process.
    Auditor,
    /// A staff member allowed to revoke, suspend and resume credentials and import CRLs.
    RevocationOfficer,
    /// An escrow trustee (releases shares for a due-process opening).
    Trustee,
}

/// What happened.
/// ```
/// use myna_issuer::audit::AuditAction;
/// assert_eq!(AuditAction::parse("credential.revoked")?, AuditAction::CredentialRevoked);
/// # Ok::<(), myna_issuer::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditAction {
    /// A batch of credentials was recorded (and may be handed out).
    CredentialsIssued,
    /// A credential was revoked.
    CredentialRevoked,
    /// A credential was suspended.
    CredentialSuspended,
    /// A suspended credential was resumed.
    CredentialResumed,
    /// A card's authentication certificate was seen for the first time: a new person handle.
    SubjectAnchored,
    /// A certificate was linked to a known person handle (a renewal, a signature certificate).
    CertificateLinked,
    /// A CRL listing a known certificate was imported.
    CertificateRevoked,
    /// A quorum of trustees opened an escrowed pseudonym link (due process).
    EscrowOpened,
    /// An attempt to open an escrowed pseudonym link was refused (no quorum, foreign shares).
    EscrowOpeningRefused,
    /// A verified CRL was imported and its cascade applied.
    CrlImported,
    /// An operator created a credential offer (facts supplied at offer time).
    OfferCreated,
    /// A holder registered a consent record.
    ConsentRegistered,
    /// A consent's status changed (withdrawn, paused, resumed, used).
    ConsentChanged,
    /// An escrow opening was started (it completes when a quorum of trustees released shares).
    EscrowOpeningStarted,
    /// A trustee released a share for a started escrow opening.
    EscrowShareReceived,
    /// The audit log was read through the admin API (written by earlier versions only:
    /// reading the log no longer appends to it).
    AuditLogRead,
    /// Every revocable credential of a person was revoked in one call (one entry with the
    /// count).
    SubjectRevoked,
    /// Every valid credential of a person was suspended in one call.
    SubjectSuspended,
    /// Every suspended credential of a person was resumed in one call.
    SubjectResumed,
}

/// Defines `as_str`, `parse` and `Display` for a field enum from one table of names.
macro_rules! named {
    ($ty:ident, $what:literal, { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            /// The name written into the log.
            pub const fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),* }
            }

            /// The value with this name; any other text is [`Error::Invalid`].
            pub fn parse(name: &str) -> Result<Self> {
                match name {
                    $($name => Ok($ty::$variant),)*
                    other => Err(Error::Invalid { what: $what, detail: format!("unknown `{other}`") }),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named!(ActorRole, "actor role", {
    System => "system",
    Operator => "operator",
    Holder => "holder",
    Auditor => "auditor",
    RevocationOfficer => "revocation_officer",
    Trustee => "trustee",
});

named!(AuditAction, "audit action", {
    CredentialsIssued => "credentials.issued",
    CredentialRevoked => "credential.revoked",
    CredentialSuspended => "credential.suspended",
    CredentialResumed => "credential.resumed",
    SubjectAnchored => "subject.anchored",
    CertificateLinked => "certificate.linked",
    CertificateRevoked => "certificate.revoked",
    EscrowOpened => "escrow.opened",
    EscrowOpeningRefused => "escrow.opening_refused",
    CrlImported => "crl.imported",
    OfferCreated => "offer.created",
    ConsentRegistered => "consent.registered",
    ConsentChanged => "consent.changed",
    EscrowOpeningStarted => "escrow.opening_started",
    EscrowShareReceived => "escrow.share_received",
    AuditLogRead => "audit.read",
    SubjectRevoked => "subject.revoked",
    SubjectSuspended => "subject.suspended",
    SubjectResumed => "subject.resumed",
});

/// What an entry is about, as a reference that carries no personal data: a credential id, a
/// status list URI, a pseudonymous subject handle or a batch. There is deliberately no
/// constructor from free text.
/// ```
/// use myna_issuer::{audit::AuditSubject, record::CredentialId};
/// let subject = AuditSubject::credential(&CredentialId::from_bytes([0; 16]));
/// assert_eq!(subject.as_str(), "credential:AAAAAAAAAAAAAAAAAAAAAA");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuditSubject(String);

impl AuditSubject {
    /// One credential.
    /// ```
    /// use myna_issuer::{audit::AuditSubject, record::CredentialId};
    /// let id = CredentialId::from_bytes([1; 16]);
    /// assert!(AuditSubject::credential(&id).as_str().starts_with("credential:"));
    /// ```
    pub fn credential(id: &CredentialId) -> Self {
        AuditSubject(format!("credential:{id}"))
    }

    /// A status list.
    /// ```
    /// use myna_issuer::audit::AuditSubject;
    /// use myna_vc_core::status_list::StatusListUri;
    /// let uri = StatusListUri::new("https://city.example/s/1")?;
    /// assert_eq!(AuditSubject::status_list(&uri).as_str(), "status_list:https://city.example/s/1");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn status_list(uri: &StatusListUri) -> Self {
        AuditSubject(format!("status_list:{uri}"))
    }

    /// A person, by pseudonym.
    /// ```
    /// use myna_issuer::{audit::AuditSubject, record::SubjectHandle};
    /// let s = AuditSubject::subject(&SubjectHandle::from_bytes([0; 32]));
    /// assert!(s.as_str().starts_with("subject:"));
    /// ```
    pub fn subject(handle: &SubjectHandle) -> Self {
        AuditSubject(format!("subject:{handle}"))
    }

    /// A batch of `count` credentials, named by its first one.
    /// ```
    /// use myna_issuer::{audit::AuditSubject, record::CredentialId};
    /// let s = AuditSubject::batch(&CredentialId::from_bytes([0; 16]), 3);
    /// assert_eq!(s.as_str(), "batch:AAAAAAAAAAAAAAAAAAAAAA+3");
    /// ```
    pub fn batch(first: &CredentialId, count: usize) -> Self {
        AuditSubject(format!("batch:{first}+{count}"))
    }

    /// A service object named by a random, non-personal identifier (a consent id, an escrow
    /// opening id, a CRL's type): `kind:id`. Only the HTTP service builds these, from
    /// identifiers it generated or parsed into a fixed alphabet.
    /// ```
    /// use myna_issuer::audit::AuditSubject;
    /// assert_eq!(AuditSubject::object("consent", "AAAA").as_str(), "consent:AAAA");
    /// ```
    pub fn object(kind: &'static str, id: &str) -> Self {
        let id: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            .take(128)
            .collect();
        AuditSubject(format!("{kind}:{id}"))
    }

    /// This subject with the acting administrator's configured name appended (`… by:<name>`,
    /// restricted to a fixed alphabet: names are staff handles, not people's names).
    /// ```
    /// use myna_issuer::audit::AuditSubject;
    /// assert_eq!(AuditSubject::object("crl", "signature").by("officer-1").as_str(),
    ///     "crl:signature by:officer-1");
    /// ```
    pub fn by(mut self, admin: &str) -> Self {
        self.0.push_str(" by:");
        self.0.extend(
            admin
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .take(64),
        );
        self
    }

    /// A context pseudonym (the subject of an escrow opening; never the person behind it).
    /// The context is written as a JSON string, so no context text can forge another field.
    /// ```
    /// use myna_issuer::{audit::AuditSubject, pseudonym::{ContextId, Pseudonym}};
    /// let p = Pseudonym::parse("NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o")?;
    /// let s = AuditSubject::pseudonym(&ContextId::parse("maebashi forum")?, &p);
    /// assert_eq!(s.as_str(),
    ///     r#"pseudonym:NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o context:"maebashi forum""#);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn pseudonym(context: &ContextId, pseudonym: &Pseudonym) -> Self {
        AuditSubject(format!(
            "pseudonym:{pseudonym} context:{}",
            json_string(context.as_str())
        ))
    }

    /// This subject with the trustees involved appended (`… trustees:["a","b"]`), at most
    /// [`MAX_LISTED_TRUSTEES`] of them by name and the rest as a count, so that the entry stays
    /// far below the 64 KiB field limit.
    pub(crate) fn with_trustees(mut self, trustees: &[&str]) -> Self {
        let listed: Vec<&str> = trustees.iter().take(MAX_LISTED_TRUSTEES).copied().collect();
        self.0.push_str(" trustees:");
        self.0.push_str(&json_string_list(&listed));
        let more = trustees.len().saturating_sub(MAX_LISTED_TRUSTEES);
        if more > 0 {
            self.0.push_str(&format!("+{more}"));
        }
        self
    }

    /// This subject with the number of credentials the action changed appended
    /// (`… count:<n>`).
    pub(crate) fn with_count(mut self, count: usize) -> Self {
        self.0.push_str(&format!(" count:{count}"));
        self
    }

    /// This subject with the reason for the action appended (`… reason:<name>`).
    pub(crate) fn with_reason(mut self, reason: &'static str) -> Self {
        self.0.push_str(" reason:");
        self.0.push_str(reason);
        self
    }

    /// The text written into the log.
    /// ```
    /// use myna_issuer::{audit::AuditSubject, record::CredentialId};
    /// let id = CredentialId::from_bytes([0; 16]);
    /// assert_eq!(AuditSubject::credential(&id).as_str().len(), 33);
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many trustees an escrow entry names; policies have a handful, so this never bites.
pub const MAX_LISTED_TRUSTEES: usize = 32;

fn json_string(text: &str) -> String {
    // Serializing a &str cannot fail; fall back to an empty string literal regardless.
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

fn json_string_list(texts: &[&str]) -> String {
    serde_json::to_string(texts).unwrap_or_else(|_| "[]".to_owned())
}

/// One entry of the audit log, as stored and chained.
/// ```
/// use myna_issuer::audit::{ActorRole, AuditAction, AuditSubject, GENESIS_HASH};
/// use myna_issuer::store::{MemoryStore, Store};
/// use myna_vc_core::{status_list::StatusListUri, time::NumericDate};
/// let store = MemoryStore::new();
/// let uri = StatusListUri::new("https://city.example/s/1")?;
/// for t in [1, 2] {
///     store.append_audit(NumericDate::from_unix(t), ActorRole::Operator,
///                        AuditAction::CredentialsIssued, AuditSubject::status_list(&uri))?;
/// }
/// let entry = store.append_audit(NumericDate::from_unix(5), ActorRole::Auditor,
///                                AuditAction::CredentialsIssued, AuditSubject::status_list(&uri))?;
/// assert_eq!(entry.seq, 2);
/// let all = store.audit_entries(0..10)?;
/// assert_eq!(all.len(), 3);
/// assert_eq!(all[0].prev_hash, GENESIS_HASH);
/// assert_eq!(entry.prev_hash, all[1].hash);
/// assert!(entry.verify_hash());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the log, from 0 without gaps.
    pub seq: u64,
    /// When it happened (the caller's clock).
    pub time: NumericDate,
    /// Who caused it.
    pub actor: ActorRole,
    /// What happened.
    pub action: AuditAction,
    /// To what.
    pub subject: AuditSubject,
    /// The previous entry's hash ([`GENESIS_HASH`] for the first).
    pub prev_hash: [u8; 32],
    /// SHA-256 of the canonical encoding of all the fields above.
    pub hash: [u8; 32],
}

impl AuditEntry {
    /// The canonical encoding the hash covers.
    fn hashed_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96 + self.subject.0.len());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.time.as_unix().to_be_bytes());
        for text in [
            self.actor.as_str(),
            self.action.as_str(),
            self.subject.as_str(),
        ] {
            // Subjects are built from bounded parts, far below u16::MAX; saturate regardless.
            let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend(text.bytes().take(usize::from(len)));
        }
        out.extend_from_slice(&self.prev_hash);
        out
    }

    fn compute_hash(&self) -> [u8; 32] {
        Sha256::digest(self.hashed_bytes()).into()
    }

    /// Whether `hash` is the SHA-256 of this entry's fields (it says nothing of the chain).
    /// ```
    /// use myna_issuer::audit::{ActorRole, AuditAction, AuditSubject};
    /// use myna_issuer::{record::CredentialId, store::{MemoryStore, Store}};
    /// use myna_vc_core::time::NumericDate;
    /// let store = MemoryStore::new();
    /// let mut entry = store.append_audit(NumericDate::from_unix(1), ActorRole::Operator,
    ///     AuditAction::CredentialRevoked, AuditSubject::credential(&CredentialId::from_bytes([3; 16])))?;
    /// assert!(entry.verify_hash());
    /// entry.actor = ActorRole::Holder;
    /// assert!(!entry.verify_hash());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn verify_hash(&self) -> bool {
        self.compute_hash() == self.hash
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = self.hashed_bytes();
        out.extend_from_slice(&self.hash);
        out
    }

    fn decode(bytes: &[u8]) -> Result<Self> {
        let mut reader = Reader(bytes);
        let seq = u64::from_be_bytes(reader.array()?);
        let time = NumericDate::from_unix(i64::from_be_bytes(reader.array()?));
        let actor = ActorRole::parse(reader.text()?).map_err(|e| Error::corrupt(WHAT, e))?;
        let action = AuditAction::parse(reader.text()?).map_err(|e| Error::corrupt(WHAT, e))?;
        let subject = AuditSubject(reader.text()?.to_owned());
        let prev_hash = reader.array()?;
        let hash = reader.array()?;
        if !reader.0.is_empty() {
            return Err(Error::corrupt(WHAT, "trailing bytes"));
        }
        Ok(AuditEntry {
            seq,
            time,
            actor,
            action,
            subject,
            prev_hash,
            hash,
        })
    }
}

/// Reads the fields of an encoded entry, refusing truncation.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        if self.0.len() < len {
            return Err(Error::corrupt(WHAT, "truncated"));
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn text(&mut self) -> Result<&'a str> {
        let len = u16::from_be_bytes(self.array()?);
        core::str::from_utf8(self.take(usize::from(len))?).map_err(|e| Error::corrupt(WHAT, e))
    }
}

/// The chain's head: the next sequence number and the last hash.
fn head(tx: &dyn ReadTables) -> Result<(u64, [u8; 32])> {
    let Some(bytes) = tx.get(Table::Meta, HEAD_KEY)? else {
        return Ok((0, GENESIS_HASH));
    };
    let mut reader = Reader(&bytes);
    let next = u64::from_be_bytes(reader.array()?);
    let last = reader.array()?;
    Ok((next, last))
}

pub(crate) fn append(
    tx: &mut dyn WriteTables,
    time: NumericDate,
    actor: ActorRole,
    action: AuditAction,
    subject: AuditSubject,
) -> Result<AuditEntry> {
    let (seq, prev_hash) = head(tx.as_read())?;
    let mut entry = AuditEntry {
        seq,
        time,
        actor,
        action,
        subject,
        prev_hash,
        hash: [0; 32],
    };
    entry.hash = entry.compute_hash();
    tx.put(Table::Audit, &seq.to_be_bytes(), &entry.encode())?;
    let mut new_head = (seq + 1).to_be_bytes().to_vec();
    new_head.extend_from_slice(&entry.hash);
    tx.put(Table::Meta, HEAD_KEY, &new_head)?;
    Ok(entry)
}

pub(crate) fn entries(tx: &dyn ReadTables, range: Range<u64>) -> Result<Vec<AuditEntry>> {
    let mut out = Vec::new();
    tx.scan(
        Table::Audit,
        &range.start.to_be_bytes(),
        &mut |key, value| {
            if key >= range.end.to_be_bytes().as_slice() {
                return Ok(false);
            }
            out.push(AuditEntry::decode(value)?);
            Ok(true)
        },
    )?;
    Ok(out)
}

/// A verified chain: how many entries it has and the last one's hash.
/// ```
/// use myna_issuer::audit::{ActorRole, AuditAction, AuditSubject, GENESIS_HASH};
/// use myna_issuer::{record::SubjectHandle, store::{MemoryStore, Store}};
/// use myna_vc_core::time::NumericDate;
/// let store = MemoryStore::new();
/// assert_eq!(store.verify_audit_head()?.head, GENESIS_HASH);
/// let entry = store.append_audit(NumericDate::from_unix(1), ActorRole::Operator,
///     AuditAction::SubjectRevoked, AuditSubject::subject(&SubjectHandle::random()?))?;
/// let head = store.verify_audit_head()?;
/// assert_eq!((head.entries, head.head), (1, entry.hash));
/// # Ok::<(), myna_issuer::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditHead {
    /// Entries in the log.
    pub entries: u64,
    /// The last entry's hash ([`GENESIS_HASH`] for an empty log): what an outside copy of the
    /// head is compared with.
    pub head: [u8; 32],
}

/// Walks the whole chain; returns the number of entries or the first broken one.
pub(crate) fn verify(tx: &dyn ReadTables) -> Result<u64> {
    verify_head(tx).map(|head| head.entries)
}

/// Walks the whole chain; returns its head or the first broken entry.
pub(crate) fn verify_head(tx: &dyn ReadTables) -> Result<AuditHead> {
    let (next, last) = head(tx)?;
    let mut expected_seq = 0u64;
    let mut prev = GENESIS_HASH;
    tx.scan(Table::Audit, &[], &mut |key, value| {
        let broken = |reason: &str| Error::AuditChainBroken {
            seq: expected_seq,
            reason: reason.into(),
        };
        let entry = AuditEntry::decode(value).map_err(|_| broken("entry does not decode"))?;
        if key != entry.seq.to_be_bytes().as_slice() || entry.seq != expected_seq {
            return Err(broken("sequence number out of place"));
        }
        if entry.prev_hash != prev {
            return Err(broken("previous hash does not match"));
        }
        if !entry.verify_hash() {
            return Err(broken("hash does not match the entry"));
        }
        prev = entry.hash;
        expected_seq += 1;
        Ok(true)
    })?;
    if expected_seq != next || prev != last {
        return Err(Error::AuditChainBroken {
            seq: expected_seq,
            reason: "log ends before its recorded head".into(),
        });
    }
    Ok(AuditHead {
        entries: expected_seq,
        head: prev,
    })
}
