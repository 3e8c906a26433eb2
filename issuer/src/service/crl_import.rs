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
    /// The JSON body `POST /admin/crl` answers with.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "certificate_type": self.certificate_type.to_string(),
            "entries": self.entries,
            "certificates_checked": self.cascade.certificates_checked,
            "certificates_revoked": self.cascade.certificates_revoked,
            "credentials_revoked": self.cascade.credentials_revoked(),
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
