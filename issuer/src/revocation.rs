//! Revoking, suspending and resuming a credential: the record's latest change and reason, its
//! status list entry and an audit entry, all in one transaction.
//!
//! The allowed moves: VALID → SUSPENDED (suspend), SUSPENDED → VALID (resume), VALID or
//! SUSPENDED → INVALID (revoke). Revocation is final; anything else is
//! [`Error::IllegalTransition`].
//!
//! A person's credentials change together too
//! ([`Store::change_subject_status`](crate::store::Store::change_subject_status): a card
//! holder who died, moved away or was issued credentials in error): every copy of every batch
//! and every type, the anchor credential included, in one transaction with one audit entry.
//! The CRL cascade changes a person's credentials through the same code, choosing which ones
//! fall.
//!
//! ```
//! use myna_issuer::{revocation::{RevocationReason, Transition}, Error};
//! use myna_issuer::audit::ActorRole;
//! use myna_issuer::record::{FactSet, NewCredential, SubjectHandle};
//! use myna_issuer::store::{MemoryStore, Store};
//! use myna_vc_core::{sdjwt_vc::Vct, status_list::{Status, StatusListUri}, time::NumericDate};
//! let store = MemoryStore::new();
//! let uri = StatusListUri::new("https://city.example/status/1")?;
//! store.create_status_list(&uri, 256)?;
//! let now = NumericDate::from_unix(1_700_000_000);
//! let new = NewCredential { vct: Vct::parse("urn:example:age")?, subject: SubjectHandle::random()?,
//!     facts: FactSet::default(), issued_at: now, expires_at: now.plus_seconds(3600), holder_key: None };
//! let id = store.issue_batch(&uri, vec![new], ActorRole::System, now)?[0].id;
//!
//! store.change_status(&id, Transition::Suspend, RevocationReason::HolderRequest, ActorRole::Holder, now)?;
//! assert_eq!(store.credential_status(&id)?, Status::SUSPENDED);
//! store.change_status(&id, Transition::Revoke, RevocationReason::KeyCompromise, ActorRole::Operator, now)?;
//! let again = store.change_status(&id, Transition::Resume, RevocationReason::Other, ActorRole::Operator, now);
//! assert!(matches!(again, Err(Error::IllegalTransition { .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use myna_vc_core::time::NumericDate;

use crate::audit::{self, ActorRole, AuditAction, AuditSubject};
use crate::error::{Error, Result};
use crate::record::{CredentialId, CredentialRecord, SubjectHandle};
pub use crate::status_change::{RevocationReason, StatusChange, Transition};
use crate::status_lists;
use crate::tables::{records, WriteTables};

/// Applies `transition` to credential `id` inside the caller's transaction, with its own
/// audit entry.
pub(crate) fn apply(
    tx: &mut dyn WriteTables,
    id: &CredentialId,
    transition: Transition,
    reason: RevocationReason,
    actor: ActorRole,
    now: NumericDate,
) -> Result<CredentialRecord> {
    let record = records::get(tx.as_read(), id)?.ok_or(Error::UnknownCredential(*id))?;
    let record = set(tx, record, transition, reason, now)?;
    audit::append(
        tx,
        now,
        actor,
        audit_action(transition),
        AuditSubject::credential(id).with_reason(reason.as_str()),
    )?;
    Ok(record)
}

/// Sets `record`'s status entry and latest change (no audit entry: the caller writes it).
fn set(
    tx: &mut dyn WriteTables,
    mut record: CredentialRecord,
    transition: Transition,
    reason: RevocationReason,
    now: NumericDate,
) -> Result<CredentialRecord> {
    let from = status_lists::status(tx.as_read(), &record.status)?;
    if !transition.allowed_from(from) {
        return Err(Error::IllegalTransition {
            id: record.id,
            from,
            transition,
        });
    }
    status_lists::set_status(tx, &record.status, transition.target())?;
    record.last_change = Some(StatusChange {
        transition,
        reason,
        at: now,
    });
    records::put(tx, &record)?;
    Ok(record)
}

/// The audit log's action for `transition`.
fn audit_action(transition: Transition) -> AuditAction {
    match transition {
        Transition::Revoke => AuditAction::CredentialRevoked,
        Transition::Suspend => AuditAction::CredentialSuspended,
        Transition::Resume => AuditAction::CredentialResumed,
    }
}

/// The audit log's action for `transition` applied to a whole person.
fn subject_action(transition: Transition) -> AuditAction {
    match transition {
        Transition::Revoke => AuditAction::SubjectRevoked,
        Transition::Suspend => AuditAction::SubjectSuspended,
        Transition::Resume => AuditAction::SubjectResumed,
    }
}

/// What a status change of a person's credentials did.
/// ```
/// use myna_issuer::{record::SubjectHandle, revocation::{SubjectStatusChange, Transition}};
/// let change = SubjectStatusChange { subject: SubjectHandle::from_bytes([0; 32]),
///     transition: Transition::Revoke, changed: Vec::new(), unchanged: Vec::new() };
/// assert!(change.changed.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectStatusChange {
    /// The person.
    pub subject: SubjectHandle,
    /// What was done.
    pub transition: Transition,
    /// The credentials changed, with the reason recorded on each.
    pub changed: Vec<(CredentialId, RevocationReason)>,
    /// The credentials the transition does not apply to in their current status (already
    /// revoked; for a suspension, already suspended; for a resumption, not suspended).
    pub unchanged: Vec<CredentialId>,
}

/// How a person-wide status change is audited.
pub(crate) enum SubjectAudit {
    /// One entry per credential changed, with its reason (the CRL cascade).
    EachCredential,
    /// One entry for the whole change: the person, the count and the reason, with the acting
    /// administrator's name if there is one (`by`).
    OneEntry {
        /// The reason recorded.
        reason: RevocationReason,
        /// The acting administrator's configured name.
        by: Option<String>,
    },
}

/// Applies `transition` to every credential of `subject` — every copy of every batch, every
/// type, the anchor credential too — for which `reason_for` names a reason, inside the
/// caller's transaction; credentials whose status does not allow it are counted unchanged.
/// A person without any credential is [`Error::UnknownSubject`].
pub(crate) fn apply_to_subject(
    tx: &mut dyn WriteTables,
    subject: &SubjectHandle,
    transition: Transition,
    reason_for: &dyn Fn(&CredentialRecord) -> Option<RevocationReason>,
    actor: ActorRole,
    now: NumericDate,
    auditing: SubjectAudit,
) -> Result<SubjectStatusChange> {
    let ids = records::ids_for_subject(tx.as_read(), subject)?;
    if ids.is_empty() {
        return Err(Error::UnknownSubject);
    }
    let mut change = SubjectStatusChange {
        subject: *subject,
        transition,
        changed: Vec::new(),
        unchanged: Vec::new(),
    };
    for id in ids {
        let record = records::get(tx.as_read(), &id)?
            .ok_or_else(|| Error::corrupt("subject index", format!("{id} has no record")))?;
        let Some(reason) = reason_for(&record) else {
            continue;
        };
        let from = status_lists::status(tx.as_read(), &record.status)?;
        if !transition.allowed_from(from) {
            change.unchanged.push(id);
            continue;
        }
        set(tx, record, transition, reason, now)?;
        if matches!(auditing, SubjectAudit::EachCredential) {
            let audited = AuditSubject::credential(&id).with_reason(reason.as_str());
            audit::append(tx, now, actor, audit_action(transition), audited)?;
        }
        change.changed.push((id, reason));
    }
    if let SubjectAudit::OneEntry { reason, by } = auditing {
        let mut audited = AuditSubject::subject(subject)
            .with_count(change.changed.len())
            .with_reason(reason.as_str());
        if let Some(name) = by {
            audited = audited.by(&name);
        }
        audit::append(tx, now, actor, subject_action(transition), audited)?;
    }
    Ok(change)
}
