//! A holder key belongs to one person at this issuer (see `specs/holder-binding.md`): the
//! key anchored to a card is remembered with its person, and every key a credential is bound
//! to is recorded for the credential's subject, in the store's service table.

use myna_vc_core::crypto::PublicKey;

use super::offer::OfferedFacts;
use super::state_table::{self, Namespace};
use super::{EndpointError, Endpoints};
use crate::record::SubjectHandle;
use crate::store::Store;

/// Remembers whose key was anchored, so that a context pseudonym requested later with an
/// anchor presentation by that key is derived for the right person.
pub(crate) fn remember_anchored_key<S: Store>(
    shared: &Endpoints<S>,
    key: &PublicKey,
    subject: &SubjectHandle,
) -> crate::Result<()> {
    let thumbprint = key.thumbprint();
    shared.store.write(|tx| {
        state_table::put(
            tx,
            Namespace::AnchoredKey,
            &thumbprint.0,
            subject.as_bytes().as_slice(),
        )
    })
}

/// A holder key belongs to one person at this issuer: refuses a request when one of `keys`
/// is already bound to a credential of another subject (or anchored by another person), and
/// otherwise records each key for this subject — in one transaction, so two concurrent
/// requests cannot bind one key to two people.
///
/// The subject is the offer's, except for the credentials that belong to the anchored
/// person (fan-club membership, context pseudonym), whose subject is the person who anchored
/// the key. So a modified wallet cannot bind one person's resident credential and another
/// person's age credential to one key here; verifiers, which accept only credentials bound
/// to one key together, then never see such a pair from this issuer (see
/// `specs/holder-binding.md`, which also says what this cannot prevent across issuers).
pub(crate) fn bind_keys<S: Store>(
    shared: &Endpoints<S>,
    subject: &SubjectHandle,
    facts: &OfferedFacts,
    keys: &[PublicKey],
) -> Result<(), EndpointError> {
    let of_anchored_person = matches!(
        facts,
        OfferedFacts::FanClubMembership { .. } | OfferedFacts::ContextPseudonym { .. }
    );
    let thumbprints: Vec<[u8; 32]> = keys.iter().map(|k| k.thumbprint().0).collect();
    let conflict = shared.store.write(|tx| {
        let handle = |ns, id: &[u8]| -> crate::Result<Option<SubjectHandle>> {
            state_table::get(tx.as_read(), ns, id)?
                .map(|bytes| {
                    <[u8; 32]>::try_from(bytes.as_slice())
                        .map(SubjectHandle::from_bytes)
                        .map_err(|_| crate::Error::corrupt("bound key", "subject is not 32 bytes"))
                })
                .transpose()
        };
        let owner = match thumbprints.first() {
            Some(first) if of_anchored_person => {
                handle(Namespace::AnchoredKey, first)?.unwrap_or(*subject)
            }
            _ => *subject,
        };
        for thumbprint in &thumbprints {
            for ns in [Namespace::AnchoredKey, Namespace::BoundKey] {
                if handle(ns, thumbprint)?.is_some_and(|bound| bound != owner) {
                    return Ok(true);
                }
            }
        }
        for thumbprint in &thumbprints {
            state_table::put(tx, Namespace::BoundKey, thumbprint, owner.as_bytes())?;
        }
        Ok(false)
    })?;
    if conflict {
        return Err(EndpointError::denied(
            "a holder key of this request is already bound to another person's credential at \
             this issuer: ask with fresh keys",
        ));
    }
    Ok(())
}

impl<S: Store> Endpoints<S> {
    /// The person who anchored `key` at this issuer, if anyone did.
    pub fn anchored_person(&self, key: &PublicKey) -> crate::Result<Option<SubjectHandle>> {
        let thumbprint = key.thumbprint();
        let Some(stored) = self
            .store
            .read(|tx| state_table::get(tx, Namespace::AnchoredKey, &thumbprint.0))?
        else {
            return Ok(None);
        };
        let bytes: [u8; 32] = stored
            .try_into()
            .map_err(|_| crate::Error::corrupt("anchored key", "subject is not 32 bytes"))?;
        Ok(Some(SubjectHandle::from_bytes(bytes)))
    }
}
