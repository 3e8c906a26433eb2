//! Revoking, suspending and resuming a credential: the record's latest change and reason, its
//! status list entry and an audit entry, all in one transaction.
//!
//! The allowed moves: VALID → SUSPENDED (suspend), SUSPENDED → VALID (resume), VALID or
//! SUSPENDED → INVALID (revoke). Revocation is final; anything else is
//! [`Error::IllegalTransition`].
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
//!     facts: FactSet::default(), issued_at: now, expires_at: now.plus_seconds(3600) };
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
use crate::record::{CredentialId, CredentialRecord};
pub use crate::status_change::{RevocationReason, StatusChange, Transition};
use crate::status_lists;
use crate::tables::{records, WriteTables};

/// Applies `transition` to credential `id` inside the caller's transaction.
pub(crate) fn apply(
    tx: &mut dyn WriteTables,
    id: &CredentialId,
    transition: Transition,
    reason: RevocationReason,
    actor: ActorRole,
    now: NumericDate,
) -> Result<CredentialRecord> {
    let mut record = records::get(tx.as_read(), id)?.ok_or(Error::UnknownCredential(*id))?;
    let from = status_lists::status(tx.as_read(), &record.status)?;
    if !transition.allowed_from(from) {
        return Err(Error::IllegalTransition {
            id: *id,
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
    audit::append(
        tx,
        now,
        actor,
        audit_action(transition),
        AuditSubject::credential(id).with_reason(reason.as_str()),
    )?;
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
