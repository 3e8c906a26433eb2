//! Importing a CRL: verified against the configured JPKI roots, its cascade applied (anchors
//! and residence-dependent credentials of revoked certificates revoked), stored for the next
//! start, put in force and audited. `POST /admin/crl` runs it for a revocation officer;
//! [`Service::import_crl`] runs it outside a request (`myna issuer init --jpki-test-ca` imports
//! the test CA's current CRLs, so anchoring works from the first start).

use myna_jpki::crl::Crl;
use myna_jpki::profile::CertificateType;

use super::{ConfigError, JpkiSetup, Service, ServiceError, Shared};
use crate::audit::{ActorRole, AuditAction, AuditSubject};
use crate::cascade::CascadeSummary;
use crate::endpoint::state_table::{self, Namespace};
use crate::store::Store;
use crate::tables::Backend;

/// What one CRL import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrlImport {
    /// The type of certificates the CRL lists.
    pub certificate_type: CertificateType,
    /// How many entries it has.
    pub entries: usize,
    /// What its cascade did to the certificates and credentials this issuer knows.
    pub cascade: CascadeSummary,
}

impl CrlImport {
    /// The JSON body `POST /admin/crl` answers with: the CRL (`certificate_type`,
    /// `entries`) and its cascade's effect — the known certificates checked, those newly
    /// revoked (`certificates_revoked`, also as `revoked_serials`), the persons they belong to
    /// (`subjects`), successors linked (and conflicts), and the credentials revoked: anchors,
    /// residence-dependent ones, and in all.
    ///
    /// ```
    /// use myna_issuer::cascade::CascadeSummary;
    /// use myna_issuer::service::crl_import::CrlImport;
    /// use myna_jpki::profile::CertificateType;
    /// let import = CrlImport { certificate_type: CertificateType::Signature, entries: 3,
    ///     cascade: CascadeSummary { certificates_revoked: 1, subjects: 1, residence_revoked: 2,
    ///         ..Default::default() } };
    /// let json = import.to_json();
    /// assert_eq!((json["revoked_serials"].as_u64(), json["subjects"].as_u64()), (Some(1), Some(1)));
    /// assert_eq!(json["credentials_revoked"], 2);
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let cascade = &self.cascade;
        serde_json::json!({
            "certificate_type": self.certificate_type.to_string(),
            "entries": self.entries,
            "certificates_checked": cascade.certificates_checked,
            "certificates_revoked": cascade.certificates_revoked,
            "revoked_serials": cascade.certificates_revoked,
            "subjects": cascade.subjects,
            "successors_linked": cascade.successors_linked,
            "successor_conflicts": cascade.successor_conflicts,
            "anchors_revoked": cascade.anchors_revoked,
            "residence_revoked": cascade.residence_revoked,
            "credentials_revoked": cascade.credentials_revoked(),
        })
    }
}

/// Imports the DER CRL `der` as `actor` named `by` (in the audit log).
pub(crate) fn import(
    shared: &Shared,
    jpki: &JpkiSetup,
    der: &[u8],
    actor: ActorRole,
    by: &str,
) -> Result<CrlImport, crate::Error> {
    let crl = Crl::parse(der, jpki.validator.roots(), jpki.validator.provider())?;
    let now = shared.now();
    let cascade = crate::cascade::import_crl(shared.store(), &crl, &*jpki.linking, now)?;
    let kind = crl.certificate_type().to_string();
    shared
        .store()
        .write(|tx| state_table::put(tx, Namespace::Crl, kind.as_bytes(), der))?;
    let audited = AuditSubject::object("crl", &kind).by(by);
    shared
        .store()
        .append_audit(now, actor, AuditAction::CrlImported, audited)?;
    let import = CrlImport {
        certificate_type: crl.certificate_type(),
        entries: crl.len(),
        cascade,
    };
    shared
        .endpoints
        .replace_crl(crl)
        .map_err(|e| crate::Error::Invalid {
            what: "CRL list",
            detail: e.description().to_owned(),
        })?;
    Ok(import)
}

impl Service {
    /// Imports a DER CRL as `POST /admin/crl` does, outside a request: for the operator who
    /// set the service up (`by` names them in the audit log). Needs JPKI roots configured;
    /// a CRL their roots did not sign is refused.
    pub fn import_crl(&self, der: &[u8], by: &str) -> Result<CrlImport, ServiceError> {
        let shared = self.shared();
        let jpki = shared.endpoints.jpki().ok_or_else(|| {
            ServiceError::Config(ConfigError::Invalid(
                "a CRL needs JPKI roots to be checked against, and none are configured".into(),
            ))
        })?;
        Ok(import(shared, jpki, der, ActorRole::Operator, by)?)
    }
}
