//! The trust anchors: J-LIS's self-signed roots, pinned by fingerprint.
//!
//! JPKI has one self-signed RSA-2048 root per certificate type and generation (2015, 2019,
//! 2023, …) and no intermediates. All generations of a type share one name, so the issuer of
//! a certificate or CRL is chosen by key identifier and signature, never by name alone.
//!
//! A production [`RootSet`] accepts only certificates whose SHA-256 fingerprint is in
//! [`PRODUCTION_ROOTS`]; a test deployment's set accepts `O=JPKI-TEST` roots (J-LIS test
//! roots or this crate's `test_ca` (feature `test-ca`)). A root never crosses environments.
//!
//! ```no_run
//! use myna_jpki::roots::RootSet;
//! use myna_vc_core::crypto::default_provider;
//! // The four J-LIS roots as published, DER.
//! let ders: Vec<Vec<u8>> = Vec::new();
//! let set = RootSet::production(&ders, default_provider())?;
//! # Ok::<(), myna_jpki::Error>(())
//! ```

use core::fmt;

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::{Algorithm, CryptoProvider, PublicKey, RsaPublicKey};
use myna_vc_core::time::NumericDate;

use crate::certificate::{Validity, X509Parts};
use crate::error::{Error, Result};
use crate::profile::{CertificateType, Environment, KeyUsage};

pub use crate::fingerprint::Fingerprint;

/// A root generation: the year J-LIS introduced the key.
///
/// ```
/// use myna_jpki::roots::Generation;
/// assert_eq!(Generation(2023).to_string(), "2023");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Generation(pub u16);

impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A production root known by fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinnedRoot {
    /// The type of certificates it issues.
    pub certificate_type: CertificateType,
    /// Its generation.
    pub generation: Generation,
    /// The SHA-256 fingerprint of its DER, lower-case hex.
    pub sha256: &'static str,
}

/// The production J-LIS roots this crate trusts, by SHA-256 fingerprint of the DER.
///
/// The 2015 and 2023 roots of both types, as J-LIS publishes them (the 2019 generation is not
/// pinned: add it here once its certificates have been checked against J-LIS's publication).
pub const PRODUCTION_ROOTS: [PinnedRoot; 4] = [
    PinnedRoot {
        certificate_type: CertificateType::Authentication,
        generation: Generation(2015),
        sha256: "4dcfc4ca0aaf9fb2a3081b3f0c991c320b3acc008667a341eeaec5af1d58ca7d",
    },
    PinnedRoot {
        certificate_type: CertificateType::Authentication,
        generation: Generation(2023),
        sha256: "64114f29620c24ed2631d46476a040e7ee740d956089c00b036a6a8118c322b5",
    },
    PinnedRoot {
        certificate_type: CertificateType::Signature,
        generation: Generation(2015),
        sha256: "19645405a1fe14377434bd55957628ac4038557c542403a2243f21c706fc9355",
    },
    PinnedRoot {
        certificate_type: CertificateType::Signature,
        generation: Generation(2023),
        sha256: "d227f6cde11d35c5252178f106f843d24651944975413b539fa2fb68dbfa365f",
    },
];

/// A JPKI root certificate whose name, extensions, self-signature and (production) pin have
/// been checked.
#[derive(Debug, Clone)]
pub struct JpkiRoot {
    parts: X509Parts,
    certificate_type: CertificateType,
    environment: Environment,
    generation: Generation,
    fingerprint: Fingerprint,
}

impl JpkiRoot {
    /// Parses and checks a root: the JPKI root name layout, self-issued, critical
    /// BasicConstraints with cA, keyCertSign and cRLSign, no unknown critical extension, a
    /// self-signature that verifies, and for production a pinned fingerprint.
    pub fn parse(der: &[u8], provider: &dyn CryptoProvider) -> Result<JpkiRoot> {
        let parts = X509Parts::parse(der, "root certificate")?;
        let fingerprint = parts.fingerprint();
        let (certificate_type, environment) = parts.subject_layout.ok_or_else(|| {
            Error::NotJpkiRoot(format!("{} is not a JPKI root name", parts.subject_display))
        })?;
        let generation = match environment {
            Environment::Production => pinned_generation(fingerprint, certificate_type)?,
            Environment::Test => test_generation(parts.validity.not_before)?,
        };
        check_root_extensions(&parts)?;
        if parts.issuer_der != parts.subject_der {
            return Err(Error::NotJpkiRoot(
                "issuer and subject differ: not self-issued".into(),
            ));
        }
        verify_signed_by(&parts.public_key, &parts.tbs, &parts.signature, provider).map_err(
            |_| Error::SignatureInvalid {
                what: "root certificate",
            },
        )?;
        Ok(JpkiRoot {
            parts,
            certificate_type,
            environment,
            generation,
            fingerprint,
        })
    }

    /// The type of certificates it issues.
    pub fn certificate_type(&self) -> CertificateType {
        self.certificate_type
    }

    /// Production or test.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// Its generation (production: from the pin; test: the year it became valid, in Japan).
    pub fn generation(&self) -> Generation {
        self.generation
    }

    /// The SHA-256 fingerprint of its DER.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// Its validity period.
    pub fn validity(&self) -> Validity {
        self.parts.validity
    }

    /// Its RSA public key.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.parts.public_key
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.parts.der
    }

    /// The subject key identifier, if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.parts.subject_key_id.as_deref()
    }

    pub(crate) fn subject_der(&self) -> &[u8] {
        &self.parts.subject_der
    }
}

/// A test root's generation: the year (in Japan) its validity begins.
fn test_generation(not_before: NumericDate) -> Result<Generation> {
    let year = CalendarDate::from_numeric_date_jst(not_before)?.year();
    // CalendarDate keeps years within 0001-9999, which fit a u16.
    u16::try_from(year)
        .map(Generation)
        .map_err(|_| Error::NotJpkiRoot("notBefore outside the years 0001-9999".into()))
}

fn pinned_generation(
    fingerprint: Fingerprint,
    certificate_type: CertificateType,
) -> Result<Generation> {
    let hex = fingerprint.to_string();
    let pin = PRODUCTION_ROOTS
        .iter()
        .find(|pin| pin.sha256 == hex)
        .ok_or(Error::UnpinnedRoot { fingerprint: hex })?;
    if pin.certificate_type != certificate_type {
        return Err(Error::NotJpkiRoot(format!(
            "pinned as a {} root but named as a {certificate_type} root",
            pin.certificate_type
        )));
    }
    Ok(pin.generation)
}

fn check_root_extensions(parts: &X509Parts) -> Result<()> {
    if parts.basic_constraints != Some((true, true)) {
        return Err(Error::NotJpkiRoot(
            "BasicConstraints must be critical with cA set".into(),
        ));
    }
    let needed = KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN;
    if !parts
        .key_usage
        .is_some_and(|ku| ku.critical && ku.bits.contains(needed))
    {
        return Err(Error::NotJpkiRoot(
            "KeyUsage must be critical with keyCertSign and cRLSign".into(),
        ));
    }
    if let Some(oid) = parts.unknown_critical.first() {
        return Err(Error::UnknownCriticalExtension { oid: oid.clone() });
    }
    Ok(())
}

/// Verifies a sha256WithRSAEncryption signature through the crypto provider.
pub(crate) fn verify_signed_by(
    key: &RsaPublicKey,
    message: &[u8],
    signature: &[u8],
    provider: &dyn CryptoProvider,
) -> Result<()> {
    provider
        .verify(
            Algorithm::Rs256,
            &PublicKey::Rsa(key.clone()),
            message,
            signature,
        )
        .map_err(Error::from)
}

/// The roots a deployment trusts, all of one environment.
#[derive(Debug, Clone)]
pub struct RootSet {
    environment: Environment,
    roots: Vec<JpkiRoot>,
}

impl RootSet {
    /// A set of `environment` from checked roots; a root of the other environment is refused.
    pub fn new(environment: Environment, roots: Vec<JpkiRoot>) -> Result<RootSet> {
        for root in &roots {
            environment_matches(environment, root.environment())?;
        }
        Ok(RootSet { environment, roots })
    }

    /// The production set from the J-LIS roots' DER (each must be pinned).
    pub fn production<D: AsRef<[u8]>>(
        ders: &[D],
        provider: &dyn CryptoProvider,
    ) -> Result<RootSet> {
        Self::from_ders(Environment::Production, ders, provider)
    }

    /// A test deployment's set from `O=JPKI-TEST` roots' DER.
    pub fn test<D: AsRef<[u8]>>(ders: &[D], provider: &dyn CryptoProvider) -> Result<RootSet> {
        Self::from_ders(Environment::Test, ders, provider)
    }

    fn from_ders<D: AsRef<[u8]>>(
        environment: Environment,
        ders: &[D],
        provider: &dyn CryptoProvider,
    ) -> Result<RootSet> {
        let roots = ders
            .iter()
            .map(|der| JpkiRoot::parse(der.as_ref(), provider))
            .collect::<Result<Vec<_>>>()?;
        Self::new(environment, roots)
    }

    /// The environment of the deployment.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The roots.
    pub fn roots(&self) -> &[JpkiRoot] {
        &self.roots
    }

    /// The root with this fingerprint.
    pub fn get(&self, fingerprint: Fingerprint) -> Option<&JpkiRoot> {
        self.roots.iter().find(|r| r.fingerprint == fingerprint)
    }

    /// The root that signed `tbs`: same name as `issuer_der`, same key identifier when
    /// `authority_key_id` is given, and a key that verifies `signature`.
    pub(crate) fn find_issuer(
        &self,
        signed: Signed<'_>,
        provider: &dyn CryptoProvider,
    ) -> Result<&JpkiRoot> {
        let named: Vec<&JpkiRoot> = self
            .roots
            .iter()
            .filter(|r| r.subject_der() == signed.issuer_der)
            .collect();
        let candidates: Vec<&JpkiRoot> = named
            .into_iter()
            .filter(|r| match (signed.authority_key_id, r.subject_key_id()) {
                (Some(aki), Some(ski)) => aki == ski,
                _ => true,
            })
            .collect();
        if candidates.is_empty() {
            return Err(Error::UnknownIssuer {
                issuer: signed.issuer_display.to_owned(),
            });
        }
        candidates
            .into_iter()
            .find(|root| {
                verify_signed_by(root.public_key(), signed.tbs, signed.signature, provider).is_ok()
            })
            .ok_or(Error::SignatureInvalid { what: signed.what })
    }
}

/// Something signed by a root: a certificate or a CRL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signed<'a> {
    pub what: &'static str,
    pub issuer_der: &'a [u8],
    pub issuer_display: &'a str,
    pub authority_key_id: Option<&'a [u8]>,
    pub tbs: &'a [u8],
    pub signature: &'a [u8],
}

/// [`Error::TestCertificateInProduction`] or the reverse unless the environments agree.
pub(crate) fn environment_matches(deployment: Environment, found: Environment) -> Result<()> {
    match (deployment, found) {
        (Environment::Production, Environment::Test) => Err(Error::TestCertificateInProduction),
        (Environment::Test, Environment::Production) => Err(Error::ProductionCertificateInTest),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_well_formed_and_distinct() {
        for pin in PRODUCTION_ROOTS {
            let f = Fingerprint::from_hex(pin.sha256).unwrap();
            assert_eq!(f.to_string(), pin.sha256);
        }
        let mut all: Vec<&str> = PRODUCTION_ROOTS.iter().map(|p| p.sha256).collect();
        all.dedup();
        assert_eq!(all.len(), 4);
    }
}
