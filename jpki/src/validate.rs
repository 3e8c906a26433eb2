//! Validating a card certificate: purpose, environment, profile, chain, time and revocation.
//!
//! The checks run in a fixed order, cheapest and most telling first, and the first failure is
//! returned with its own [`Error`] variant:
//!
//! 1. the certificate's type is the one the purpose requires ([`Error::WrongCertificateType`]);
//! 2. its environment is the deployment's ([`Error::TestCertificateInProduction`],
//!    [`Error::ProductionCertificateInTest`]);
//! 3. no critical extension is left not understood ([`Error::UnknownCriticalExtension`]);
//! 4. KeyUsage is critical and exactly the type's bits ([`Error::WrongKeyUsage`]);
//! 5. a pinned root of the same type signed it, chosen by name, key identifier and signature
//!    ([`Error::UnknownIssuer`], [`Error::SignatureInvalid`]);
//! 6. the certificate and its root are valid at the injected instant ([`Error::NotYetValid`],
//!    [`Error::Expired`]);
//! 7. a current CRL from that same root does not list it ([`Error::NoCrlForIssuer`],
//!    [`Error::CrlStale`], [`Error::Revoked`] with reason and date).
//!
//! Time is always injected: nothing here reads the system clock.

use myna_vc_core::crypto::CryptoProvider;
use myna_vc_core::time::NumericDate;

use crate::certificate::Certificate;
use crate::crl::Crl;
use crate::error::{Error, Result};
use crate::profile::CertificateType;
use crate::roots::{environment_matches, JpkiRoot, RootSet, Signed};

/// Validates card certificates against one deployment's roots.
///
/// ```
/// # use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, profile::CertificateType,
/// #     certificate::Certificate, crl::Crl, validate::Validator};
/// # use myna_vc_core::{crypto::default_provider, time::NumericDate};
/// # let t = NumericDate::from_unix(1_700_000_000);
/// # let key = TestKey::generate()?;
/// # let mut ca = TestCa::new(TestKey::generate()?, key.clone(), t)?;
/// # let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
/// #     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市大手町二丁目１２番１号")? };
/// # let card = ca.issue_card(&facts, key.clone(), key, t)?;
/// let provider = default_provider();
/// let validator = Validator::new(ca.root_set(provider)?, provider);
/// let crl = Crl::parse(&ca.crl(CertificateType::Authentication, t, t.plus_seconds(86_400))?, validator.roots(), provider)?;
/// let cert = Certificate::parse(card.authentication_certificate())?;
/// let root = validator.validate(&cert, CertificateType::Authentication, t.plus_seconds(60), &[crl])?;
/// assert_eq!(root.certificate_type(), CertificateType::Authentication);
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Validator {
    roots: RootSet,
    provider: &'static dyn CryptoProvider,
}

impl Validator {
    /// A validator for the deployment whose roots (and so environment) are `roots`.
    pub fn new(roots: RootSet, provider: &'static dyn CryptoProvider) -> Validator {
        Validator { roots, provider }
    }

    /// The trusted roots.
    pub fn roots(&self) -> &RootSet {
        &self.roots
    }

    /// The crypto provider signatures are checked with.
    pub fn provider(&self) -> &'static dyn CryptoProvider {
        self.provider
    }

    /// Validates `certificate` for `purpose` at instant `at`, with revocation checked against
    /// the CRL in `crls` that its issuing root signed. Returns that root.
    pub fn validate(
        &self,
        certificate: &Certificate,
        purpose: CertificateType,
        at: NumericDate,
        crls: &[Crl],
    ) -> Result<&JpkiRoot> {
        if certificate.certificate_type() != purpose {
            return Err(Error::WrongCertificateType {
                expected: purpose,
                found: certificate.certificate_type(),
            });
        }
        environment_matches(self.roots.environment(), certificate.environment())?;
        if let Some(oid) = certificate.unknown_critical_extensions().first() {
            return Err(Error::UnknownCriticalExtension { oid: oid.clone() });
        }
        check_key_usage(certificate)?;
        let root = self.issuing_root(certificate)?;
        certificate.validity().check(at, "certificate")?;
        root.validity().check(at, "root certificate")?;
        check_revocation(certificate, root, at, crls)?;
        Ok(root)
    }

    fn issuing_root(&self, certificate: &Certificate) -> Result<&JpkiRoot> {
        let parts = certificate.parts();
        let root = self.roots.find_issuer(
            Signed {
                what: "certificate",
                issuer_der: &parts.issuer_der,
                issuer_display: &parts.issuer_display,
                authority_key_id: parts.authority_key_id.as_deref(),
                tbs: &parts.tbs,
                signature: &parts.signature,
            },
            self.provider,
        )?;
        // The name layout ties type and environment to the root already; a mismatch here
        // would mean a root set assembled by hand with foreign roots.
        if root.certificate_type() != certificate.certificate_type() {
            return Err(Error::UnknownIssuer {
                issuer: parts.issuer_display.clone(),
            });
        }
        Ok(root)
    }
}

fn check_key_usage(certificate: &Certificate) -> Result<()> {
    let certificate_type = certificate.certificate_type();
    let expected = certificate_type.key_usage();
    let found = certificate.key_usage();
    match found {
        Some(ku) if ku.critical && ku.bits == expected => Ok(()),
        _ => Err(Error::WrongKeyUsage {
            certificate_type,
            expected,
            found: found.map(|ku| ku.bits).unwrap_or_default(),
            critical: found.is_some_and(|ku| ku.critical),
        }),
    }
}

fn check_revocation(
    certificate: &Certificate,
    root: &JpkiRoot,
    at: NumericDate,
    crls: &[Crl],
) -> Result<()> {
    let crl = crls
        .iter()
        .find(|crl| crl.issuer() == root.fingerprint())
        .ok_or_else(|| Error::NoCrlForIssuer {
            root: root.fingerprint().to_string(),
        })?;
    crl.check_current(at)?;
    match crl.lookup(&certificate.serial()) {
        Some(revocation) => Err(Error::Revoked {
            serial: revocation.serial,
            reason: revocation.reason,
            revoked_at: revocation.revoked_at,
        }),
        None => Ok(()),
    }
}
