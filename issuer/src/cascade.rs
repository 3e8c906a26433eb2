//! Importing a CRL: what a revoked card certificate means for the credentials already issued.
//!
//! The issuer checks each CRL against the certificates it knows (the certificate → person
//! table filled by anchoring and by [`subject_for_signature_certificate`]), never the other
//! way round: a national CRL has millions of entries, an issuer knows thousands of cards. For
//! each known certificate the CRL lists, in one store transaction
//! ([`Store::revoke_certificate`]):
//!
//! * **successor**: if the linking information names a certificate that replaced it (card
//!   renewal; a new signature certificate after a move), the successor is linked to the same
//!   person — so the renewed card anchors to the same [`SubjectHandle`] and therefore gets the
//!   same context pseudonyms;
//! * **moving house** (a *signature* certificate revoked as affiliationChanged): every
//!   credential of that person resting on [`Fact::Residence`] is revoked with reason
//!   `fact_changed:residence`; credentials resting only on the birth date (age) stay valid.
//!   The CRL cannot tell a move from a change of name, so a name change revokes residence
//!   credentials too — the safe side;
//! * **card gone** (an *authentication* certificate revoked for any reason — lost, renewed,
//!   returned): the anchor credentials issued up to the revocation time are revoked (reason
//!   `key_compromise` for a loss, `superseded` for a renewal, `other` otherwise); an anchor
//!   made later with the renewed card stays valid;
//! * the certificate is marked revoked, so importing the same CRL again does nothing.
//!
//! Every revocation and every link is in the audit log with its reason, by person handle
//! only. A person's credentials fall through the same person-wide status change as a
//! revocation by person ([`Store::change_subject_status`]), the policy below choosing which of
//! them fall (and each is audited with its own reason).
//!
//! [`Store::change_subject_status`]: crate::store::Store::change_subject_status
//!
//! [`subject_for_signature_certificate`]: crate::anchor::subject_for_signature_certificate
//! [`Store::revoke_certificate`]: crate::store::Store::revoke_certificate
//! [`SubjectHandle`]: crate::record::SubjectHandle
//!
//! Renewal, moving house and loss with the test CA and virtual cards are exercised in
//! `issuer/tests/cascade.rs`. The smallest run: a CRL about nobody the issuer knows.
//!
//! ```
//! use myna_issuer::{cascade::{import_crl, CascadeSummary}, store::MemoryStore};
//! use myna_jpki::{crl::Crl, profile::CertificateType, test_ca::{TestCa, TestKey}};
//! use myna_vc_core::{crypto::default_provider, time::NumericDate};
//! let t = NumericDate::from_unix(1_700_000_000);
//! let key = TestKey::generate()?;
//! let mut ca = TestCa::new(key.clone(), key, t)?;
//! let der = ca.crl(CertificateType::Signature, t, t.plus_seconds(86_400))?;
//! let crl = Crl::parse(&der, &ca.root_set(default_provider())?, default_provider())?;
//! let summary = import_crl(&MemoryStore::new(), &crl, ca.linking(), t)?;
//! assert_eq!(summary, CascadeSummary::default());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use myna_jpki::crl::{Crl, Revocation, RevocationReason as CrlReason};
use myna_jpki::linking::LinkingInformation;
use myna_jpki::profile::CertificateType;
use myna_vc_core::time::NumericDate;

use crate::credential_types::Kind;
use crate::error::Result;
use crate::record::{CredentialRecord, Fact};
use crate::revocation::RevocationReason;
use crate::store::Store;

/// What one CRL import did, in counts.
/// ```
/// use myna_issuer::cascade::CascadeSummary;
/// assert_eq!(CascadeSummary::default().credentials_revoked(), 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CascadeSummary {
    /// Known certificates of the CRL's type that were checked.
    pub certificates_checked: usize,
    /// Known certificates found on the CRL for the first time.
    pub certificates_revoked: usize,
    /// The persons those certificates belong to (each counted once).
    pub subjects: usize,
    /// Successor certificates linked to their person.
    pub successors_linked: usize,
    /// Successors already linked to another person (anchored before this import), left so.
    pub successor_conflicts: usize,
    /// Anchor credentials revoked (card lost, renewed or returned).
    pub anchors_revoked: usize,
    /// Residence-dependent credentials revoked (moving house).
    pub residence_revoked: usize,
}

impl CascadeSummary {
    /// All credentials revoked by the import.
    /// ```
    /// use myna_issuer::cascade::CascadeSummary;
    /// let s = CascadeSummary { anchors_revoked: 1, residence_revoked: 2, ..Default::default() };
    /// assert_eq!(s.credentials_revoked(), 3);
    /// ```
    pub fn credentials_revoked(&self) -> usize {
        self.anchors_revoked + self.residence_revoked
    }
}

/// Imports `crl` (already verified: a [`Crl`] exists only after its signature checked) at
/// `now`, following successors through `linking`. See the [module docs](self). Safe to call
/// again with the same or a newer CRL.
pub fn import_crl<S: Store>(
    store: &S,
    crl: &Crl,
    linking: &dyn LinkingInformation,
    now: NumericDate,
) -> Result<CascadeSummary> {
    let certificate_type = crl.certificate_type();
    let known = store.certificates(certificate_type)?;
    let mut summary = CascadeSummary {
        certificates_checked: known.len(),
        ..CascadeSummary::default()
    };
    let mut subjects = std::collections::HashSet::new();
    for (certificate, link) in known {
        if link.revoked.is_some() {
            continue;
        }
        let Some(entry) = crl.lookup(&certificate.serial) else {
            continue;
        };
        let successor = linking.successor(&certificate)?;
        let outcome = store.revoke_certificate(
            &certificate,
            &entry,
            successor,
            |record| cascade_reason(certificate_type, &entry, record),
            now,
        )?;
        if outcome.already_known {
            continue;
        }
        summary.certificates_revoked += 1;
        subjects.insert(link.subject);
        summary.successors_linked += usize::from(outcome.successor_linked);
        summary.successor_conflicts += usize::from(outcome.successor_conflict);
        for (_, reason) in &outcome.revoked {
            match reason {
                RevocationReason::FactChanged(Fact::Residence) => summary.residence_revoked += 1,
                _ => summary.anchors_revoked += 1,
            }
        }
    }
    summary.subjects = subjects.len();
    Ok(summary)
}

/// The policy: whether `record` falls with the revoked certificate, and for which reason.
fn cascade_reason(
    certificate_type: CertificateType,
    entry: &Revocation,
    record: &CredentialRecord,
) -> Option<RevocationReason> {
    match certificate_type {
        CertificateType::Authentication => {
            // Anchors made after the revocation came from another (the renewed) card.
            let anchored_on_this_card =
                record.vct.as_str() == Kind::Anchor.vct() && record.issued_at <= entry.revoked_at;
            anchored_on_this_card.then(|| anchor_reason(entry.reason))
        }
        CertificateType::Signature => (entry.reason == CrlReason::MOVING_HOUSE
            && record.facts.contains(Fact::Residence))
        .then_some(RevocationReason::FactChanged(Fact::Residence)),
    }
}

fn anchor_reason(reason: CrlReason) -> RevocationReason {
    match reason {
        CrlReason::KeyCompromise => RevocationReason::KeyCompromise,
        CrlReason::Superseded => RevocationReason::Superseded,
        _ => RevocationReason::Other,
    }
}
