//! Storage behind one trait: credential records, status lists, challenges and the audit log.
//!
//! [`Store`] is synchronous (an HTTP layer wraps calls in `spawn_blocking`); each of its
//! operations is one atomic transaction. Three engines implement it: [`RedbStore`], one
//! crash-safe redb file (the default), `PgStore` (feature `postgres`), a PostgreSQL database
//! several instances share, and [`MemoryStore`] for tests and wasm; [`AnyStore`] is whichever
//! a deployment configured. The logic of every operation is written once, over the engines'
//! transaction traits.
//!
//! The rule the issuer lives by: a credential is handed out only after
//! [`Store::issue_batch`] has returned, and that call makes the records, their status list
//! entries and the audit entry durable together.
//!
//! ```
//! use myna_issuer::audit::ActorRole;
//! use myna_issuer::record::{Fact, FactSet, NewCredential, SubjectHandle};
//! use myna_issuer::store::{MemoryStore, Store};
//! use myna_vc_core::{sdjwt_vc::Vct, status_list::StatusListUri, time::NumericDate};
//! let store = MemoryStore::new();
//! let uri = StatusListUri::new("https://city.example/status/1")?;
//! store.create_status_list(&uri, 1 << 12)?;
//! let person = SubjectHandle::random()?;
//! let now = NumericDate::from_unix(1_700_000_000);
//! let new = NewCredential {
//!     vct: Vct::parse("https://city.example/vct/resident")?,
//!     subject: person,
//!     facts: FactSet::of(&[Fact::Residence]),
//!     issued_at: now,
//!     expires_at: now.plus_seconds(86_400),
//!     holder_key: None,
//! };
//! let records = store.issue_batch(&uri, vec![new.clone(), new], ActorRole::System, now)?;
//! // Only now may the two credentials be signed and handed out, each with its `status` claim.
//! assert_ne!(records[0].status.index, records[1].status.index);
//! assert_eq!(store.records_depending_on(&person, Fact::Residence)?.len(), 2);
//! assert_eq!(store.verify_audit_chain()?, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod any;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
mod redb;

use core::ops::Range;

use myna_jpki::crl::Revocation;
use myna_jpki::linking::CertificateRef;
use myna_jpki::profile::CertificateType;
use myna_vc_core::{
    status_list::{Status, StatusList, StatusListUri},
    time::NumericDate,
};

pub use self::any::AnyStore;
pub use self::memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use self::postgres::{PgStore, ISSUER_WRITERS};
pub use self::redb::RedbStore;
use crate::audit::{self, ActorRole, AuditAction, AuditEntry, AuditHead, AuditSubject};
use crate::challenge::{self, Nonce};
use crate::error::{Error, Result};
use crate::escrow::{self, Opened, ReleasedShare, SealedLink, TrusteeId};
use crate::pseudonym::{ContextId, Pseudonym};
use crate::record::{CredentialId, CredentialRecord, Fact, NewCredential, SubjectHandle};
use crate::revocation::{self, RevocationReason, SubjectAudit, SubjectStatusChange, Transition};
use crate::status_lists::{self, StatusListInfo};
pub use crate::tables::certificates::CertificateSubject;
use crate::tables::{certificates, records, sealed_links, Backend, WriteTables};

/// The issuer's storage. Every method is one atomic transaction: it happens entirely or not
/// at all, and a write is durable (for [`RedbStore`]) when the method returns.
///
/// The trait is implemented by this crate's engines only (its supertrait is sealed), so the
/// invariants — no status entry assigned twice, no status change without record and audit
/// entry — hold for every store.
pub trait Store: Backend {
    /// Creates an empty status list of at least `capacity` entries (rounded up to whole bytes;
    /// see [`status_lists::DEFAULT_CAPACITY`]).
    /// ```
    /// use myna_issuer::{store::{MemoryStore, Store}, Error};
    /// use myna_vc_core::status_list::StatusListUri;
    /// let store = MemoryStore::new();
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// assert_eq!(store.create_status_list(&uri, 10)?.capacity, 12);
    /// assert!(matches!(store.create_status_list(&uri, 10), Err(Error::StatusListExists(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn create_status_list(&self, uri: &StatusListUri, capacity: usize) -> Result<StatusListInfo> {
        self.write(|tx| status_lists::create(tx, uri, capacity))
    }

    /// The list at `uri`, created empty with `capacity` entries unless it exists: what an
    /// instance does at start, in one transaction, so that instances starting together on one
    /// database create it once.
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_vc_core::status_list::StatusListUri;
    /// let store = MemoryStore::new();
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// assert_eq!(store.ensure_status_list(&uri, 64)?.capacity, 64);
    /// // Already there: left as it is, whatever capacity is asked for now.
    /// assert_eq!(store.ensure_status_list(&uri, 1024)?.capacity, 64);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn ensure_status_list(&self, uri: &StatusListUri, capacity: usize) -> Result<StatusListInfo> {
        self.write(|tx| match status_lists::info(tx.as_read(), uri) {
            Err(Error::UnknownStatusList(_)) => status_lists::create(tx, uri, capacity),
            known => known,
        })
    }

    /// The list's size, assignment count and version.
    /// ```
    /// use myna_issuer::{store::{MemoryStore, Store}, Error};
    /// use myna_vc_core::status_list::StatusListUri;
    /// let uri = StatusListUri::new("https://city.example/status/9")?;
    /// assert!(matches!(MemoryStore::new().status_list_info(&uri), Err(Error::UnknownStatusList(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn status_list_info(&self, uri: &StatusListUri) -> Result<StatusListInfo> {
        self.read(|tx| status_lists::info(tx, uri))
    }

    /// The list's entries and metadata, consistent with each other, for signing a
    /// [`StatusListToken`](myna_vc_core::status_list::StatusListToken).
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_vc_core::status_list::StatusListUri;
    /// let store = MemoryStore::new();
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// store.create_status_list(&uri, 64)?;
    /// let (list, info) = store.load_status_list(&uri)?;
    /// assert_eq!((list.len(), info.version), (64, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn load_status_list(&self, uri: &StatusListUri) -> Result<(StatusList, StatusListInfo)> {
        self.read(|tx| status_lists::load(tx, uri))
    }

    /// Records a batch of credentials in one durable transaction: each gets a fresh random id
    /// and a random, never before assigned entry of the list at `uri`; one audit entry covers
    /// the batch. Only after this returns may the credentials be handed out. A list without
    /// room for the whole batch is [`Error::StatusListFull`] and nothing is written.
    /// ```
    /// use myna_issuer::{audit::ActorRole, store::{MemoryStore, Store}, Error};
    /// use myna_issuer::record::{FactSet, NewCredential, SubjectHandle};
    /// use myna_vc_core::{sdjwt_vc::Vct, status_list::StatusListUri, time::NumericDate};
    /// let store = MemoryStore::new();
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// store.create_status_list(&uri, 4)?;
    /// let now = NumericDate::from_unix(0);
    /// let new = NewCredential { vct: Vct::parse("urn:example:age")?, subject: SubjectHandle::random()?,
    ///     facts: FactSet::default(), issued_at: now, expires_at: now.plus_seconds(60), holder_key: None };
    /// let err = store.issue_batch(&uri, vec![new; 5], ActorRole::System, now).unwrap_err();
    /// assert!(matches!(err, Error::StatusListFull { free: 4, requested: 5, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn issue_batch(
        &self,
        uri: &StatusListUri,
        credentials: Vec<NewCredential>,
        actor: ActorRole,
        now: NumericDate,
    ) -> Result<Vec<CredentialRecord>> {
        if credentials.is_empty() {
            return Ok(Vec::new());
        }
        self.write(|tx| issue_in(tx, uri, credentials, actor, now))
    }

    /// The record with this id, if any.
    /// ```
    /// use myna_issuer::{record::CredentialId, store::{MemoryStore, Store}};
    /// assert_eq!(MemoryStore::new().record(&CredentialId::from_bytes([0; 16]))?, None);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn record(&self, id: &CredentialId) -> Result<Option<CredentialRecord>> {
        self.read(|tx| records::get(tx, id))
    }

    /// The person a key belongs to at this issuer, if the issuer bound a credential to it
    /// ([`NewCredential::holder_key`]) that is still valid at `now`: not expired, and
    /// neither revoked nor suspended. What the consent registry asks before it accepts a
    /// holder; a key only ever bound to revoked or expired credentials is `None`.
    /// ```
    /// use myna_issuer::{audit::ActorRole, record::*, store::{MemoryStore, Store}};
    /// use myna_issuer::revocation::{RevocationReason, Transition};
    /// use myna_vc_core::{crypto::SecretKey, sdjwt_vc::Vct, status_list::StatusListUri, time::NumericDate};
    /// let store = MemoryStore::new();
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// store.create_status_list(&uri, 64)?;
    /// let (now, person) = (NumericDate::from_unix(1_700_000_000), SubjectHandle::random()?);
    /// let key = SecretKey::generate_p256()?.public_key().thumbprint();
    /// let new = NewCredential { vct: Vct::parse("urn:myna-vc:vct:age:1")?, subject: person,
    ///     facts: FactSet::default(), issued_at: now, expires_at: now.plus_seconds(60),
    ///     holder_key: Some(key) };
    /// let record = store.issue_batch(&uri, vec![new], ActorRole::System, now)?.remove(0);
    /// assert_eq!(store.known_holder(&key, now)?, Some(person));
    /// assert_eq!(store.known_holder(&key, now.plus_seconds(60))?, None); // expired
    /// store.change_status(&record.id, Transition::Revoke, RevocationReason::Other, ActorRole::System, now)?;
    /// assert_eq!(store.known_holder(&key, now)?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn known_holder(
        &self,
        holder_key: &myna_vc_core::jwk::Thumbprint,
        now: NumericDate,
    ) -> Result<Option<SubjectHandle>> {
        self.read(|tx| {
            for (id, subject) in records::ids_for_holder_key(tx, holder_key)? {
                let Some(record) = records::get(tx, &id)? else {
                    continue;
                };
                if record.expires_at > now
                    && status_lists::status(tx, &record.status)? == Status::VALID
                {
                    return Ok(Some(subject));
                }
            }
            Ok(None)
        })
    }

    /// Every record about `subject`, through the subject index.
    /// ```
    /// use myna_issuer::{record::SubjectHandle, store::{MemoryStore, Store}};
    /// assert!(MemoryStore::new().records_for_subject(&SubjectHandle::random()?)?.is_empty());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn records_for_subject(&self, subject: &SubjectHandle) -> Result<Vec<CredentialRecord>> {
        self.read(|tx| {
            records::ids_for_subject(tx, subject)?
                .iter()
                .map(|id| {
                    records::get(tx, id)?.ok_or_else(|| {
                        Error::corrupt("subject index", format!("{id} has no record"))
                    })
                })
                .collect()
        })
    }

    /// The records about `subject` that depend on `fact`: what to revoke when it changes.
    /// ```
    /// use myna_issuer::{record::{Fact, SubjectHandle}, store::{MemoryStore, Store}};
    /// let store = MemoryStore::new();
    /// assert!(store.records_depending_on(&SubjectHandle::random()?, Fact::Guardian)?.is_empty());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn records_depending_on(
        &self,
        subject: &SubjectHandle,
        fact: Fact,
    ) -> Result<Vec<CredentialRecord>> {
        let mut records = self.records_for_subject(subject)?;
        records.retain(|r| r.facts.contains(fact));
        Ok(records)
    }

    /// Every record, in id order (for audits and consistency checks; it reads them all).
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// assert!(MemoryStore::new().all_records()?.is_empty());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn all_records(&self) -> Result<Vec<CredentialRecord>> {
        self.read(records::all)
    }

    /// The current status of credential `id`, read from its list entry.
    /// ```
    /// use myna_issuer::{record::CredentialId, store::{MemoryStore, Store}, Error};
    /// let id = CredentialId::from_bytes([1; 16]);
    /// assert_eq!(MemoryStore::new().credential_status(&id), Err(Error::UnknownCredential(id)));
    /// ```
    fn credential_status(&self, id: &CredentialId) -> Result<Status> {
        self.read(|tx| {
            let record = records::get(tx, id)?.ok_or(Error::UnknownCredential(*id))?;
            status_lists::status(tx, &record.status)
        })
    }

    /// Revokes, suspends or resumes credential `id` for `reason`: its list entry, its record's
    /// latest change and an audit entry, together; the list's version moves on. See
    /// [`revocation`] for the allowed transitions.
    /// ```
    /// use myna_issuer::{audit::ActorRole, record::CredentialId, store::{MemoryStore, Store}, Error};
    /// use myna_issuer::revocation::{RevocationReason, Transition};
    /// use myna_vc_core::time::NumericDate;
    /// let id = CredentialId::from_bytes([1; 16]);
    /// let err = MemoryStore::new().change_status(&id, Transition::Revoke,
    ///     RevocationReason::Other, ActorRole::Operator, NumericDate::from_unix(0));
    /// assert_eq!(err, Err(Error::UnknownCredential(id)));
    /// ```
    fn change_status(
        &self,
        id: &CredentialId,
        transition: Transition,
        reason: RevocationReason,
        actor: ActorRole,
        now: NumericDate,
    ) -> Result<CredentialRecord> {
        self.write(|tx| revocation::apply(tx, id, transition, reason, actor, now))
    }

    /// Revokes, suspends or resumes every credential of the person `subject` — every copy of
    /// every batch, every type, the anchor credential too — for `reason`, in one transaction
    /// with ONE audit entry (`subject.revoked`, `subject.suspended` or `subject.resumed`: the
    /// subject handle, the count changed, the reason and, if given, the acting
    /// administrator's name `by`). Credentials the transition does not apply to in their
    /// current status (already revoked, say) are left as they are and reported unchanged. A
    /// subject with no credential here is [`Error::UnknownSubject`] and nothing is written.
    ///
    /// Resuming a person resumes every suspended credential of theirs, including one
    /// suspended on its own before.
    /// ```
    /// use myna_issuer::{audit::ActorRole, record::{FactSet, NewCredential, SubjectHandle}};
    /// use myna_issuer::revocation::{RevocationReason, Transition};
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_issuer::Error;
    /// use myna_vc_core::{sdjwt_vc::Vct, status_list::{Status, StatusListUri}, time::NumericDate};
    /// let store = MemoryStore::new();
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// store.create_status_list(&uri, 64)?;
    /// let (person, now) = (SubjectHandle::random()?, NumericDate::from_unix(1_800_000_000));
    /// let new = NewCredential { vct: Vct::parse("urn:myna-vc:vct:age:1")?, subject: person,
    ///     facts: FactSet::default(), issued_at: now, expires_at: now.plus_seconds(60), holder_key: None };
    /// let copies = store.issue_batch(&uri, vec![new; 3], ActorRole::System, now)?;
    /// store.change_status(&copies[0].id, Transition::Revoke, RevocationReason::Other,
    ///     ActorRole::Operator, now)?;
    /// let before = store.verify_audit_chain()?;
    /// let change = store.change_subject_status(&person, Transition::Suspend,
    ///     RevocationReason::HolderRequest, ActorRole::RevocationOfficer, Some("officer-1"), now)?;
    /// assert_eq!((change.changed.len(), change.unchanged.len()), (2, 1));
    /// assert_eq!(store.credential_status(&copies[2].id)?, Status::SUSPENDED);
    /// assert_eq!(store.verify_audit_chain()?, before + 1);
    /// let stranger = SubjectHandle::random()?;
    /// assert_eq!(store.change_subject_status(&stranger, Transition::Revoke,
    ///     RevocationReason::Other, ActorRole::RevocationOfficer, None, now), Err(Error::UnknownSubject));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn change_subject_status(
        &self,
        subject: &SubjectHandle,
        transition: Transition,
        reason: RevocationReason,
        actor: ActorRole,
        by: Option<&str>,
        now: NumericDate,
    ) -> Result<SubjectStatusChange> {
        let auditing = SubjectAudit::OneEntry {
            reason,
            by: by.map(str::to_owned),
        };
        self.write(|tx| {
            revocation::apply_to_subject(
                tx,
                subject,
                transition,
                &|_| Some(reason),
                actor,
                now,
                auditing,
            )
        })
    }

    /// Redeems a challenge that [`ChallengeKey::check`](crate::challenge::ChallengeKey::check)
    /// accepted (valid until `expires_at`, exclusive): the value is kept, used, until pruning
    /// after its expiry, so that it is accepted once. A second redemption is
    /// [`AlreadyUsed`](crate::ChallengeRejection::AlreadyUsed); one at or after the expiry
    /// [`Expired`](crate::ChallengeRejection::Expired).
    /// ```
    /// use myna_issuer::challenge::{ChallengeKey, ChallengePurpose};
    /// use myna_issuer::{store::{MemoryStore, Store}, ChallengeRejection, Error};
    /// use myna_vc_core::time::NumericDate;
    /// let (store, key, now) = (MemoryStore::new(), ChallengeKey::generate()?, NumericDate::from_unix(0));
    /// let issued = key.issue(ChallengePurpose::CNonce, now, 300)?;
    /// assert!(!store.challenge_used(&issued.nonce)?);
    /// store.redeem_challenge(&issued.nonce, issued.expires_at, now)?;
    /// assert!(store.challenge_used(&issued.nonce)?);
    /// assert_eq!(store.redeem_challenge(&issued.nonce, issued.expires_at, now),
    ///            Err(Error::Challenge(ChallengeRejection::AlreadyUsed)));
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn redeem_challenge(
        &self,
        nonce: &Nonce,
        expires_at: NumericDate,
        now: NumericDate,
    ) -> Result<()> {
        self.write(|tx| challenge::redeem(tx, nonce, expires_at, now))
    }

    /// Whether a challenge was redeemed already (and not yet pruned): a read, so that a
    /// replayed request is refused before anything is written.
    /// ```
    /// use myna_issuer::{challenge::Nonce, store::{MemoryStore, Store}};
    /// assert!(!MemoryStore::new().challenge_used(&Nonce::random()?)?);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn challenge_used(&self, nonce: &Nonce) -> Result<bool> {
        self.read(|tx| challenge::used(tx, nonce))
    }

    /// Forgets redeemed challenges that expired at or before `now`; returns how many.
    /// ```
    /// use myna_issuer::challenge::{ChallengeKey, ChallengePurpose};
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_vc_core::time::NumericDate;
    /// let (store, now) = (MemoryStore::new(), NumericDate::from_unix(0));
    /// let issued = ChallengeKey::generate()?.issue(ChallengePurpose::Anchoring, now, 10)?;
    /// store.redeem_challenge(&issued.nonce, issued.expires_at, now)?;
    /// assert_eq!(store.prune_challenges(NumericDate::from_unix(9))?, 0);
    /// assert_eq!(store.prune_challenges(NumericDate::from_unix(10))?, 1);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn prune_challenges(&self, now: NumericDate) -> Result<usize> {
        self.write(|tx| challenge::prune(tx, now))
    }

    /// How many rows the store holds, over every table: what a test or an operator compares
    /// before and after traffic to see whether it grew the store.
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_vc_core::status_list::StatusListUri;
    /// let store = MemoryStore::new();
    /// assert_eq!(store.row_count()?, 0);
    /// store.create_status_list(&StatusListUri::new("https://city.example/status/1")?, 64)?;
    /// assert!(store.row_count()? > 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn row_count(&self) -> Result<u64> {
        self.read(|tx| {
            let mut rows = 0u64;
            for table in crate::tables::Table::ALL {
                tx.scan(table, &[], &mut |_, _| {
                    rows = rows.saturating_add(1);
                    Ok(true)
                })?;
            }
            Ok(rows)
        })
    }

    /// Appends an entry to the audit log (for actions outside this store's own operations,
    /// which audit themselves).
    /// ```
    /// use myna_issuer::audit::{ActorRole, AuditAction, AuditSubject};
    /// use myna_issuer::{record::SubjectHandle, store::{MemoryStore, Store}};
    /// use myna_vc_core::time::NumericDate;
    /// let store = MemoryStore::new();
    /// let entry = store.append_audit(NumericDate::from_unix(1), ActorRole::Operator,
    ///     AuditAction::CredentialRevoked, AuditSubject::subject(&SubjectHandle::random()?))?;
    /// assert_eq!(entry.seq, 0);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn append_audit(
        &self,
        time: NumericDate,
        actor: ActorRole,
        action: AuditAction,
        subject: AuditSubject,
    ) -> Result<AuditEntry> {
        self.write(|tx| audit::append(tx, time, actor, action, subject))
    }

    /// The audit entries with sequence numbers in `range`.
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// assert!(MemoryStore::new().audit_entries(0..100)?.is_empty());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn audit_entries(&self, range: Range<u64>) -> Result<Vec<AuditEntry>> {
        self.read(|tx| audit::entries(tx, range))
    }

    /// Checks the whole hash chain; returns the number of entries, or
    /// [`Error::AuditChainBroken`] naming the first entry that fails.
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// assert_eq!(MemoryStore::new().verify_audit_chain()?, 0);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn verify_audit_chain(&self) -> Result<u64> {
        self.read(audit::verify)
    }

    /// Checks the whole hash chain like [`verify_audit_chain`](Store::verify_audit_chain);
    /// returns the number of entries and the last entry's hash. Reads only.
    fn verify_audit_head(&self) -> Result<AuditHead> {
        self.read(audit::verify_head)
    }

    /// What the store knows about `certificate`: its person handle and whether a CRL listing
    /// it was imported. `None` for a certificate never anchored nor linked.
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_jpki::{certificate::SerialNumber, linking::CertificateRef, profile::CertificateType};
    /// let certificate = CertificateRef { certificate_type: CertificateType::Authentication,
    ///     serial: SerialNumber::from_u64(1000)? };
    /// assert_eq!(MemoryStore::new().certificate_subject(&certificate)?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn certificate_subject(
        &self,
        certificate: &CertificateRef,
    ) -> Result<Option<CertificateSubject>> {
        self.read(|tx| certificates::get(tx, certificate))
    }

    /// Every known certificate of `certificate_type` with its person, in serial order (what a
    /// CRL import checks against the CRL).
    /// ```
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_jpki::profile::CertificateType;
    /// assert!(MemoryStore::new().certificates(CertificateType::Signature)?.is_empty());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn certificates(
        &self,
        certificate_type: CertificateType,
    ) -> Result<Vec<(CertificateRef, CertificateSubject)>> {
        self.read(|tx| certificates::of_type(tx, certificate_type))
    }

    /// Links `certificate` to the person `subject` (a renewed card, a signature certificate
    /// of an anchored person), audited. Linking again to the same person changes nothing; a
    /// certificate linked to another person is [`Error::CertificateLinkConflict`] and nothing
    /// is written.
    /// ```
    /// use myna_issuer::{audit::ActorRole, record::SubjectHandle, store::{MemoryStore, Store}, Error};
    /// use myna_jpki::{certificate::SerialNumber, linking::CertificateRef, profile::CertificateType};
    /// use myna_vc_core::time::NumericDate;
    /// let store = MemoryStore::new();
    /// let cert = CertificateRef { certificate_type: CertificateType::Signature, serial: SerialNumber::from_u64(7)? };
    /// let (alice, bob) = (SubjectHandle::random()?, SubjectHandle::random()?);
    /// let now = NumericDate::from_unix(0);
    /// store.link_certificate(&cert, &alice, ActorRole::System, now)?;
    /// store.link_certificate(&cert, &alice, ActorRole::System, now)?;
    /// assert_eq!(store.certificate_subject(&cert)?.unwrap().subject, alice);
    /// assert!(matches!(store.link_certificate(&cert, &bob, ActorRole::System, now),
    ///     Err(Error::CertificateLinkConflict { .. })));
    /// assert_eq!(store.verify_audit_chain()?, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn link_certificate(
        &self,
        certificate: &CertificateRef,
        subject: &SubjectHandle,
        actor: ActorRole,
        now: NumericDate,
    ) -> Result<()> {
        self.write(|tx| link_in(tx, certificate, subject, actor, now).map(|_| ()))
    }

    /// Anchoring's one transaction: finds the person behind authentication certificate
    /// `certificate` — or draws a fresh [`SubjectHandle`] and links the certificate to it —
    /// and records the anchor credential `credential(subject)` with its status entry, with
    /// audit entries for both. A certificate already seen revoked is
    /// [`Error::CertificateRevoked`]. Nothing is written unless everything is.
    /// ```
    /// use myna_issuer::{audit::ActorRole, store::{MemoryStore, Store}};
    /// use myna_issuer::record::{FactSet, NewCredential};
    /// use myna_jpki::{certificate::SerialNumber, linking::CertificateRef, profile::CertificateType};
    /// use myna_vc_core::{sdjwt_vc::Vct, status_list::StatusListUri, time::NumericDate};
    /// let store = MemoryStore::new();
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// store.create_status_list(&uri, 64)?;
    /// let cert = CertificateRef { certificate_type: CertificateType::Authentication,
    ///     serial: SerialNumber::from_u64(1000)? };
    /// let now = NumericDate::from_unix(1_700_000_000);
    /// let anchor = |subject| NewCredential { vct: Vct::parse("urn:myna-vc:vct:anchor:1").unwrap(),
    ///     subject, facts: FactSet::default(), issued_at: now, expires_at: now.plus_seconds(60), holder_key: None };
    /// let first = store.issue_anchored(&uri, &cert, anchor, now)?;
    /// let second = store.issue_anchored(&uri, &cert, anchor, now)?;
    /// assert!(first.new_subject && !second.new_subject);
    /// assert_eq!(first.record.subject, second.record.subject);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn issue_anchored(
        &self,
        uri: &StatusListUri,
        certificate: &CertificateRef,
        credential: impl FnOnce(SubjectHandle) -> NewCredential + Send,
        now: NumericDate,
    ) -> Result<AnchoredRecord> {
        self.write(|tx| {
            let (subject, new_subject) = match certificates::get(tx.as_read(), certificate)? {
                Some(CertificateSubject {
                    revoked: Some((reason, _)),
                    ..
                }) => return Err(Error::CertificateRevoked(reason)),
                Some(known) => (known.subject, false),
                None => {
                    let subject = SubjectHandle::random()?;
                    let link = CertificateSubject {
                        subject,
                        revoked: None,
                    };
                    certificates::put(tx, certificate, &link)?;
                    let audited = AuditSubject::subject(&subject);
                    audit::append(
                        tx,
                        now,
                        ActorRole::System,
                        AuditAction::SubjectAnchored,
                        audited,
                    )?;
                    (subject, true)
                }
            };
            let issued = issue_in(tx, uri, vec![credential(subject)], ActorRole::System, now)?;
            let record = issued
                .into_iter()
                .next()
                .ok_or_else(|| Error::invariant("a batch of one recorded nothing"))?;
            Ok(AnchoredRecord {
                subject,
                new_subject,
                record,
            })
        })
    }

    /// Opens the sealed link stored for `pseudonym` in `context` with the trustees' `releases`,
    /// and records the opening in the audit log — the only opening that reaches the store.
    ///
    /// Every attempt is audited, as actor [`ActorRole::Auditor`] with the pseudonym as subject
    /// (never the person handle): a successful one as [`AuditAction::EscrowOpened`] naming the
    /// trustees whose shares were used, a refused one (quorum not met, a share of another record,
    /// no sealed link, a sealed link that names another pseudonym) as
    /// [`AuditAction::EscrowOpeningRefused`] naming the trustees who released and the reason; then
    /// the error is returned. The link is handed back only after its audit entry is durable; if
    /// the entry cannot be written, the opening fails.
    ///
    /// There is no opening without releases: the issuer holds no trustee key.
    ///
    /// ```
    /// use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, TrusteeKey};
    /// use myna_issuer::{pseudonym::{ContextId, PseudonymKey}, record::SubjectHandle};
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_vc_core::time::NumericDate;
    /// let store = MemoryStore::new();
    /// let trustees = ["city", "committee", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let (person, context) = (SubjectHandle::random()?, ContextId::parse("forum")?);
    /// let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
    /// let link = EscrowedLink { context: context.clone(), pseudonym: pseudonym.clone(), person };
    /// store.put_sealed_link(&context, &pseudonym, &escrow::seal(&policy, &link)?)?;
    ///
    /// let sealed = store.sealed_link(&context, &pseudonym)?.unwrap();
    /// let releases = [trustees[0].release(&sealed)?, trustees[2].release(&sealed)?];
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let opened = store.open_sealed_link(&context, &pseudonym, &releases, now)?;
    /// assert_eq!(opened.link.person, person);
    /// assert_eq!(store.audit_entries(0..10)?.last().unwrap().action.as_str(), "escrow.opened");
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn open_sealed_link(
        &self,
        context: &ContextId,
        pseudonym: &Pseudonym,
        releases: &[ReleasedShare],
        now: NumericDate,
    ) -> Result<Opened> {
        let subject = AuditSubject::pseudonym(context, pseudonym);
        match open_stored(self, context, pseudonym, releases) {
            Ok(opened) => {
                let names: Vec<&str> = opened.trustees.iter().map(TrusteeId::as_str).collect();
                let audited = subject.with_trustees(&names);
                self.append_audit(now, ActorRole::Auditor, AuditAction::EscrowOpened, audited)?;
                Ok(opened)
            }
            Err(err) => {
                let mut released: Vec<&str> =
                    releases.iter().map(|r| r.trustee().as_str()).collect();
                released.sort_unstable();
                released.dedup();
                let audited = subject
                    .with_trustees(&released)
                    .with_reason(refusal_reason(&err));
                let action = AuditAction::EscrowOpeningRefused;
                self.append_audit(now, ActorRole::Auditor, action, audited)?;
                Err(err)
            }
        }
    }

    /// Stores the sealed escrow link of `pseudonym` in `context`, unless one is stored already;
    /// `Ok(true)` when it was stored now. A stored link is never overwritten: the pseudonym is
    /// a function of the person and the context, so a second sealing seals the same link —
    /// with fresh randomness, hence different bytes — and the first one stays.
    /// ```
    /// use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, TrusteeKey};
    /// use myna_issuer::{pseudonym::{ContextId, PseudonymKey}, record::SubjectHandle};
    /// use myna_issuer::store::{MemoryStore, Store};
    /// let store = MemoryStore::new();
    /// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let (person, context) = (SubjectHandle::random()?, ContextId::parse("forum")?);
    /// let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
    /// let link = EscrowedLink { context: context.clone(), pseudonym: pseudonym.clone(), person };
    /// let first = escrow::seal(&policy, &link)?;
    /// assert!(store.put_sealed_link(&context, &pseudonym, &first)?);
    /// assert!(!store.put_sealed_link(&context, &pseudonym, &escrow::seal(&policy, &link)?)?);
    /// assert_eq!(store.sealed_link(&context, &pseudonym)?, Some(first));
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn put_sealed_link(
        &self,
        context: &ContextId,
        pseudonym: &Pseudonym,
        sealed: &SealedLink,
    ) -> Result<bool> {
        self.write(|tx| sealed_links::put_if_absent(tx, context, pseudonym, sealed))
    }

    /// The sealed escrow link of `pseudonym` in `context`, if one is stored. Opening it needs
    /// a quorum of trustees; [`open_sealed_link`](Store::open_sealed_link) opens it
    /// with an audit entry.
    /// ```
    /// use myna_issuer::{pseudonym::{ContextId, Pseudonym}, store::{MemoryStore, Store}};
    /// let p = Pseudonym::parse("NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o")?;
    /// assert_eq!(MemoryStore::new().sealed_link(&ContextId::parse("forum")?, &p)?, None);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    fn sealed_link(
        &self,
        context: &ContextId,
        pseudonym: &Pseudonym,
    ) -> Result<Option<SealedLink>> {
        self.read(|tx| sealed_links::get(tx, context, pseudonym))
    }

    /// Pseudonym issuance's one transaction: stores `sealed` for (`context`, `pseudonym`)
    /// unless a sealed link is there already ([`put_sealed_link`](Store::put_sealed_link)),
    /// and records `credential` with its status entry and audit entry
    /// ([`issue_batch`](Store::issue_batch)). So no pseudonym credential is recorded — and
    /// none can be handed out — whose link is not durably in escrow.
    /// ```
    /// use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, TrusteeKey};
    /// use myna_issuer::{pseudonym::{ContextId, PseudonymKey}, record::{FactSet, NewCredential, SubjectHandle}};
    /// use myna_issuer::store::{MemoryStore, Store};
    /// use myna_vc_core::{sdjwt_vc::Vct, status_list::StatusListUri, time::NumericDate};
    /// let store = MemoryStore::new();
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// store.create_status_list(&uri, 64)?;
    /// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let (person, context) = (SubjectHandle::random()?, ContextId::parse("forum")?);
    /// let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
    /// let link = EscrowedLink { context: context.clone(), pseudonym: pseudonym.clone(), person };
    /// let now = NumericDate::from_unix(0);
    /// let new = NewCredential { vct: Vct::parse("urn:myna-vc:vct:context-pseudonym:1")?,
    ///     subject: person, facts: FactSet::default(), issued_at: now, expires_at: now.plus_seconds(60), holder_key: None };
    /// store.issue_escrowed(&uri, &context, &pseudonym, &escrow::seal(&policy, &link)?, new, now)?;
    /// assert!(store.sealed_link(&context, &pseudonym)?.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn issue_escrowed(
        &self,
        uri: &StatusListUri,
        context: &ContextId,
        pseudonym: &Pseudonym,
        sealed: &SealedLink,
        credential: NewCredential,
        now: NumericDate,
    ) -> Result<CredentialRecord> {
        self.write(|tx| {
            sealed_links::put_if_absent(tx, context, pseudonym, sealed)?;
            issue_in(tx, uri, vec![credential], ActorRole::System, now)?
                .into_iter()
                .next()
                .ok_or_else(|| Error::invariant("a batch of one recorded nothing"))
        })
    }

    /// Imports one CRL entry for a known certificate, in one transaction: links `successor`
    /// (if any) to the same person, revokes every still-valid credential of that person for
    /// which `cascade` names a reason, marks the certificate revoked and audits each step.
    /// A certificate already marked revoked is left alone (re-importing a CRL is harmless);
    /// a successor linked to another person is not relinked but reported
    /// ([`CertificateRevocation::successor_conflict`]) while the revocations still happen.
    /// [`cascade::import_crl`](crate::cascade::import_crl) is the caller; the policy lives
    /// there.
    /// ```
    /// use myna_issuer::{audit::ActorRole, record::SubjectHandle, store::{MemoryStore, Store}, Error};
    /// use myna_jpki::{certificate::SerialNumber, crl::{Revocation, RevocationReason},
    ///     linking::CertificateRef, profile::CertificateType};
    /// use myna_vc_core::time::NumericDate;
    /// let store = MemoryStore::new();
    /// let cert = CertificateRef { certificate_type: CertificateType::Authentication, serial: SerialNumber::from_u64(7)? };
    /// let now = NumericDate::from_unix(0);
    /// store.link_certificate(&cert, &SubjectHandle::random()?, ActorRole::System, now)?;
    /// let entry = Revocation { serial: cert.serial, reason: RevocationReason::LOSS, revoked_at: now };
    /// assert!(!store.revoke_certificate(&cert, &entry, None, |_| None, now)?.already_known);
    /// assert!(store.revoke_certificate(&cert, &entry, None, |_| None, now)?.already_known);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn revoke_certificate(
        &self,
        certificate: &CertificateRef,
        entry: &Revocation,
        successor: Option<CertificateRef>,
        cascade: impl Fn(&CredentialRecord) -> Option<RevocationReason> + Sync,
        now: NumericDate,
    ) -> Result<CertificateRevocation> {
        self.write(|tx| {
            let known = certificates::get(tx.as_read(), certificate)?
                .ok_or(Error::UnknownCertificate(certificate.certificate_type))?;
            let mut outcome = CertificateRevocation::default();
            if known.revoked.is_some() {
                outcome.already_known = true;
                return Ok(outcome);
            }
            if let Some(next) = successor {
                match link_in(tx, &next, &known.subject, ActorRole::System, now) {
                    Ok(newly) => outcome.successor_linked = newly,
                    Err(Error::CertificateLinkConflict { .. }) => outcome.successor_conflict = true,
                    Err(other) => return Err(other),
                }
            }
            // The person's credentials fall as the policy says, each audited with its reason;
            // a person known only by certificate links has none to revoke.
            match revocation::apply_to_subject(
                tx,
                &known.subject,
                Transition::Revoke,
                &cascade,
                ActorRole::System,
                now,
                SubjectAudit::EachCredential,
            ) {
                Ok(change) => outcome.revoked = change.changed,
                Err(Error::UnknownSubject) => {}
                Err(other) => return Err(other),
            }
            let revoked = CertificateSubject {
                subject: known.subject,
                revoked: Some((entry.reason, entry.revoked_at)),
            };
            certificates::put(tx, certificate, &revoked)?;
            let audited =
                AuditSubject::subject(&known.subject).with_reason(crl_reason_name(entry.reason));
            audit::append(
                tx,
                now,
                ActorRole::System,
                AuditAction::CertificateRevoked,
                audited,
            )?;
            Ok(outcome)
        })
    }
}

/// Records `credentials` with fresh ids and random status entries, and one audit entry.
fn issue_in(
    tx: &mut dyn WriteTables,
    uri: &StatusListUri,
    credentials: Vec<NewCredential>,
    actor: ActorRole,
    now: NumericDate,
) -> Result<Vec<CredentialRecord>> {
    let indices = status_lists::allocate(tx, uri, credentials.len())?;
    let mut issued = Vec::with_capacity(credentials.len());
    for (new, index) in credentials.into_iter().zip(indices) {
        let id = CredentialId::random()?;
        if records::get(tx.as_read(), &id)?.is_some() {
            // 2^-128 odds; refuse rather than overwrite.
            return Err(Error::invariant("a credential id was drawn twice"));
        }
        let holder_key = new.holder_key;
        let record = CredentialRecord::from_new(new, id, index, uri.clone());
        records::put(tx, &record)?;
        if let Some(holder_key) = &holder_key {
            records::put_holder_key(tx, holder_key, &record)?;
        }
        issued.push(record);
    }
    if let Some(first) = issued.first() {
        let subject = AuditSubject::batch(&first.id, issued.len());
        audit::append(tx, now, actor, AuditAction::CredentialsIssued, subject)?;
    }
    Ok(issued)
}

/// Links `certificate` to `subject`; `Ok(true)` when the link is new.
fn link_in(
    tx: &mut dyn WriteTables,
    certificate: &CertificateRef,
    subject: &SubjectHandle,
    actor: ActorRole,
    now: NumericDate,
) -> Result<bool> {
    match certificates::get(tx.as_read(), certificate)? {
        Some(known) if known.subject == *subject => return Ok(false),
        Some(_) => {
            return Err(Error::CertificateLinkConflict {
                certificate_type: certificate.certificate_type,
            })
        }
        None => {}
    }
    let link = CertificateSubject {
        subject: *subject,
        revoked: None,
    };
    certificates::put(tx, certificate, &link)?;
    let audited = AuditSubject::subject(subject).with_reason(match certificate.certificate_type {
        CertificateType::Authentication => "authentication_certificate",
        CertificateType::Signature => "signature_certificate",
    });
    audit::append(tx, now, actor, AuditAction::CertificateLinked, audited)?;
    Ok(true)
}

/// The audit-log name of a CRL reason.
const fn crl_reason_name(reason: myna_jpki::crl::RevocationReason) -> &'static str {
    use myna_jpki::crl::RevocationReason as R;
    match reason {
        R::Unspecified => "crl:unspecified",
        R::KeyCompromise => "crl:key_compromise",
        R::CaCompromise => "crl:ca_compromise",
        R::AffiliationChanged => "crl:affiliation_changed",
        R::Superseded => "crl:superseded",
        R::CessationOfOperation => "crl:cessation_of_operation",
        R::CertificateHold => "crl:certificate_hold",
        R::RemoveFromCrl => "crl:remove_from_crl",
        R::PrivilegeWithdrawn => "crl:privilege_withdrawn",
        R::AaCompromise => "crl:aa_compromise",
    }
}

/// What [`Store::issue_anchored`] recorded.
/// ```
/// # // Built by the store only; see `Store::issue_anchored` for a run.
/// use myna_issuer::store::AnchoredRecord;
/// fn is_first_anchor(r: &AnchoredRecord) -> bool { r.new_subject }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchoredRecord {
    /// The person behind the certificate.
    pub subject: SubjectHandle,
    /// Whether the handle was drawn now (the certificate was unknown).
    pub new_subject: bool,
    /// The anchor credential's record.
    pub record: CredentialRecord,
}

/// What [`Store::revoke_certificate`] did.
/// ```
/// use myna_issuer::store::CertificateRevocation;
/// assert!(CertificateRevocation::default().revoked.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateRevocation {
    /// The certificate was marked revoked by an earlier import: nothing was done.
    pub already_known: bool,
    /// The successor certificate was linked to the same person now.
    pub successor_linked: bool,
    /// The successor was already linked to another person (it was anchored before this CRL
    /// was imported) and was left so.
    pub successor_conflict: bool,
    /// The credentials revoked, with the reason recorded.
    pub revoked: Vec<(CredentialId, RevocationReason)>,
}

fn open_stored<S: Store + ?Sized>(
    store: &S,
    context: &ContextId,
    pseudonym: &Pseudonym,
    releases: &[ReleasedShare],
) -> Result<Opened> {
    let sealed = store
        .sealed_link(context, pseudonym)?
        .ok_or(Error::UnknownSealedLink)?;
    let opened = escrow::open(&sealed, releases)?;
    // The record id binds the shares, not the table key: a record moved to another key in
    // the file must not open as this pseudonym's link.
    if opened.link.context != *context || opened.link.pseudonym != *pseudonym {
        return Err(Error::corrupt(
            "sealed link",
            "it seals another context or pseudonym",
        ));
    }
    Ok(opened)
}

/// The audit-log name of why an opening was refused.
fn refusal_reason(err: &Error) -> &'static str {
    match err {
        Error::EscrowQuorumNotMet { .. } => "quorum_not_met",
        Error::NotATrustee(_) => "not_a_trustee",
        Error::EscrowDecryption(_) => "decryption_failed",
        Error::UnknownSealedLink => "no_sealed_link",
        Error::Corrupt { .. } | Error::MalformedSealedLink(_) => "corrupt_sealed_link",
        _ => "error",
    }
}
