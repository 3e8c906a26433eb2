//! A test JPKI CA: roots, card certificates and CRLs with exactly the production profile.
//!
//! Real cards cannot be used in tests, so this CA issues what J-LIS issues, under the test
//! markers (`O=JPKI-TEST`, policy arc `1.2.392.200149.8.5.1.0`): roots with the production
//! name layout and extensions, authentication and signature certificates for synthetic
//! residents (the same extensions, OIDs, string types and key usages as production), CRLs with
//! reasons, and the linking information J-LIS keeps (signature ↔ authentication certificate
//! of one person; old → renewed certificate).
//!
//! RSA-2048 key generation is slow, so keys are made by the caller ([`TestKey::generate`])
//! and may be shared: a test binary generates a handful once and clones them.
//!
//! ```
//! use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, certificate::Certificate, profile::Environment};
//! use myna_vc_core::time::NumericDate;
//! let t = NumericDate::from_unix(1_700_000_000); // 2023-11-14
//! let card_key = TestKey::generate()?;
//! let mut ca = TestCa::new(TestKey::generate()?, TestKey::generate()?, t)?;
//! let facts = HolderFacts {
//!     name: HolderName::plain("神戸　太郎")?,
//!     sex: Sex::Male,
//!     birth_date: BirthDate::parse("319800401")?,
//!     address: Address::plain("兵庫県神戸市中央区加納町６丁目５番１号")?,
//! };
//! let card = ca.issue_card(&facts, card_key.clone(), card_key, t)?;
//! let sign = Certificate::parse(card.signature_certificate().unwrap())?;
//! assert_eq!(sign.environment(), Environment::Test);
//! assert_eq!(sign.holder(), Some(&facts));
//! # Ok::<(), myna_jpki::Error>(())
//! ```

mod state;

use core::fmt;
use core::time::Duration;
use std::sync::Arc;

use der::asn1::{Any, BitString, OctetString, SetOfVec};
use der::{Encode, Tag};
use myna_vc_core::age;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::time::NumericDate;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName, OtherName};
use x509_cert::ext::pkix::{
    certpolicy::PolicyInformation, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, IssuerAltName, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use zeroize::Zeroizing;

use crate::card::DigestInfo;
use crate::certificate::{Certificate, KeyUsageExtension, SerialNumber, Validity};
use crate::crl::RevocationReason;
use crate::error::{Error, Result};
use crate::holder::HolderFacts;
use crate::linking::{CertificateRef, InMemoryLinking};
use crate::profile::{oid, other_name, CertificateType, Environment, KeyUsage, ObjectIdentifier};
use crate::roots::{JpkiRoot, RootSet};
use crate::tlv::{self, tag};

/// How long test roots are valid: ten years, like J-LIS's.
const ROOT_VALIDITY_YEARS: u32 = 10;
/// End-entity certificates end on the 5th birthday after issuance.
const CERTIFICATE_BIRTHDAYS: u32 = 5;
/// J-LIS issues no signature certificate to children under 15.
const SIGNATURE_MIN_AGE: u32 = 15;

/// An RSA-2048 test key (e = 65537). Clones share one copy, zeroized when the last is dropped.
///
/// ```
/// use myna_jpki::test_ca::TestKey;
/// let key = TestKey::generate()?;
/// assert_eq!(key.public_key().bits(), 2048);
/// assert_eq!(format!("{key:?}"), "TestKey(RSA-2048, <redacted>)");
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Clone)]
pub struct TestKey(Arc<KeyPair>);

struct KeyPair {
    // RsaPrivateKey zeroizes itself on drop.
    private: RsaPrivateKey,
    public: myna_vc_core::crypto::RsaPublicKey,
}

impl TestKey {
    /// A fresh key from the operating system's random source (slow in unoptimised builds).
    pub fn generate() -> Result<TestKey> {
        let private = RsaPrivateKey::new(&mut rand_core::OsRng, 2048).map_err(|e| {
            Error::Core(myna_vc_core::Error::Jose(myna_vc_core::JoseError::Crypto(
                e.to_string(),
            )))
        })?;
        Self::from_private(private)
    }

    fn from_private(private: RsaPrivateKey) -> Result<TestKey> {
        let public = myna_vc_core::crypto::RsaPublicKey::from_components(
            &private.n().to_bytes_be(),
            &private.e().to_bytes_be(),
        )?;
        Ok(TestKey(Arc::new(KeyPair { private, public })))
    }

    /// The private key as PKCS#8 DER, for a test CA's or a virtual card's file; wiped from
    /// memory when dropped.
    ///
    /// ```
    /// use myna_jpki::test_ca::TestKey;
    /// let key = TestKey::generate()?;
    /// let again = TestKey::from_pkcs8_der(&key.to_pkcs8_der()?)?;
    /// assert_eq!(again.public_key(), key.public_key());
    /// assert!(TestKey::from_pkcs8_der(b"not a key").is_err());
    /// # Ok::<(), myna_jpki::Error>(())
    /// ```
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        use rsa::pkcs8::EncodePrivateKey;
        let document = self
            .0
            .private
            .to_pkcs8_der()
            .map_err(|e| Error::der("test key", e.to_string()))?;
        // SecretDocument wipes its own copy when dropped.
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// A key from PKCS#8 DER ([`to_pkcs8_der`](Self::to_pkcs8_der)): an RSA-2048 key with
    /// exponent 65537 whose parts are consistent; anything else is an error.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<TestKey> {
        use rsa::pkcs8::DecodePrivateKey;
        let private = RsaPrivateKey::from_pkcs8_der(der)
            .map_err(|e| Error::der("test key (PKCS#8)", e.to_string()))?;
        if private.size() != 256 || private.e() != &rsa::BigUint::from(65_537u32) {
            return Err(Error::UnsupportedKey(
                "a test key is RSA-2048 with exponent 65537".into(),
            ));
        }
        private
            .validate()
            .map_err(|e| Error::UnsupportedKey(format!("inconsistent RSA key: {e}")))?;
        Self::from_private(private)
    }

    /// The public key.
    pub fn public_key(&self) -> myna_vc_core::crypto::RsaPublicKey {
        self.0.public.clone()
    }

    /// PKCS#1 v1.5 signature over an already-built DigestInfo, as the card computes it.
    pub(crate) fn sign_digest_info(&self, digest_info: &[u8]) -> Result<Vec<u8>> {
        self.0
            .private
            .sign_with_rng(
                &mut rand_core::OsRng,
                Pkcs1v15Sign::new_unprefixed(),
                digest_info,
            )
            .map_err(|e| {
                Error::Core(myna_vc_core::Error::Jose(myna_vc_core::JoseError::Crypto(
                    e.to_string(),
                )))
            })
    }

    /// sha256WithRSAEncryption over `message`.
    pub(crate) fn sign_sha256(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.sign_digest_info(DigestInfo::sha256(message).as_bytes())
    }

    /// The SubjectPublicKeyInfo.
    fn spki(&self) -> Result<SubjectPublicKeyInfoOwned> {
        use rsa::pkcs8::EncodePublicKey;
        let der = self
            .0
            .private
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| Error::der("test key", e.to_string()))?;
        der::Decode::from_der(der.as_bytes())
            .map_err(|e: der::Error| Error::der("test key", e.to_string()))
    }
}

impl fmt::Debug for TestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TestKey(RSA-2048, <redacted>)")
    }
}

/// How an `otherName` value is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringEncoding {
    /// UTF8String, as J-LIS writes it.
    Utf8,
    /// OCTET STRING holding UTF-8 (some dumps show this; parsers must accept it).
    Octets,
}

/// One subjectAltName `otherName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherNameValue {
    /// Its type id.
    pub type_id: ObjectIdentifier,
    /// Its text.
    pub value: String,
    /// How the text is encoded.
    pub encoding: StringEncoding,
}

/// An extension added verbatim (for negative tests: unknown critical extensions, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawExtension {
    /// Its OID.
    pub oid: ObjectIdentifier,
    /// Whether it is critical.
    pub critical: bool,
    /// The DER of its value (the content of extnValue).
    pub value: Vec<u8>,
}

/// Everything an end-entity certificate of this CA says. [`TestCa::template`] fills it with
/// the production profile; tests change fields to make certificates that break it.
#[derive(Debug, Clone)]
pub struct CertificateTemplate {
    /// The issuing root (and issuer name) is this CA's root of that type.
    pub certificate_type: CertificateType,
    /// The serial number.
    pub serial: SerialNumber,
    /// The validity period.
    pub validity: Validity,
    /// The subject's `CN` (an opaque identifier on real cards).
    pub subject_common_name: String,
    /// The card key whose public half is certified.
    pub subject_key: TestKey,
    /// KeyUsage, if any.
    pub key_usage: Option<KeyUsageExtension>,
    /// Certificate policies.
    pub policies: Vec<ObjectIdentifier>,
    /// Whether certificatePolicies is critical.
    pub policies_critical: bool,
    /// subjectAltName otherNames (the four facts of a signature certificate).
    pub other_names: Vec<OtherNameValue>,
    /// Whether to add the authority key identifier (without it, the issuer is found by
    /// signature alone).
    pub authority_key_id: bool,
    /// Extensions appended as given.
    pub extra_extensions: Vec<RawExtension>,
}

impl CertificateTemplate {
    /// The six `otherName`s of a signature certificate, in J-LIS's order, as UTF8Strings.
    pub fn holder_other_names(facts: &HolderFacts) -> Vec<OtherNameValue> {
        let utf8 = |type_id, value: String| OtherNameValue {
            type_id,
            value,
            encoding: StringEncoding::Utf8,
        };
        vec![
            utf8(other_name::NAME, facts.name.text().to_owned()),
            utf8(other_name::BIRTH_DATE, facts.birth_date.encode()),
            utf8(other_name::SEX, facts.sex.certificate_code().to_owned()),
            utf8(other_name::ADDRESS, facts.address.text().to_owned()),
            utf8(
                other_name::NAME_SUBSTITUTES,
                facts.name.substitutes().encode(),
            ),
            utf8(
                other_name::ADDRESS_SUBSTITUTES,
                facts.address.substitutes().encode(),
            ),
        ]
    }
}

/// One CRL entry to issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrlEntry {
    /// The revoked serial.
    pub serial: SerialNumber,
    /// When.
    pub revoked_at: NumericDate,
    /// Why (no reasonCode extension is written for [`RevocationReason::Unspecified`]).
    pub reason: RevocationReason,
}

/// A certificate issued onto a card, with its key.
#[derive(Debug, Clone)]
struct IssuedCertificate {
    der: Vec<u8>,
    serial: SerialNumber,
    key: TestKey,
}

/// What the CA writes onto one card: the authentication certificate, the signature
/// certificate (none for children under 15), their keys and the roots.
#[derive(Debug, Clone)]
pub struct IssuedCard {
    authentication: IssuedCertificate,
    signature: Option<IssuedCertificate>,
    authentication_root: Vec<u8>,
    signature_root: Vec<u8>,
}

impl IssuedCard {
    /// The authentication certificate's DER.
    pub fn authentication_certificate(&self) -> &[u8] {
        &self.authentication.der
    }

    /// The signature certificate's DER, if the card has one.
    pub fn signature_certificate(&self) -> Option<&[u8]> {
        self.signature.as_ref().map(|c| c.der.as_slice())
    }

    /// The authentication certificate's serial.
    pub fn authentication_serial(&self) -> SerialNumber {
        self.authentication.serial
    }

    /// The signature certificate's serial, if the card has one.
    pub fn signature_serial(&self) -> Option<SerialNumber> {
        self.signature.as_ref().map(|c| c.serial)
    }

    /// The authentication root's DER (the card's EF `000B`).
    pub fn authentication_root(&self) -> &[u8] {
        &self.authentication_root
    }

    /// The signature root's DER (the card's EF `0002`).
    pub fn signature_root(&self) -> &[u8] {
        &self.signature_root
    }

    pub(crate) fn authentication_key(&self) -> &TestKey {
        &self.authentication.key
    }

    pub(crate) fn signature_key(&self) -> Option<&TestKey> {
        self.signature.as_ref().map(|c| &c.key)
    }
}

/// One root of the CA: its key, name and certificate.
#[derive(Clone)]
struct CaRoot {
    key: TestKey,
    name: Name,
    name_der: Vec<u8>,
    key_id: Vec<u8>,
    der: Vec<u8>,
}

/// The test CA. See the [module docs](self).
#[derive(Clone)]
pub struct TestCa {
    environment: Environment,
    authentication: CaRoot,
    signature: CaRoot,
    next_serial: u64,
    next_crl_number: u64,
    revocations: Vec<(CertificateType, CrlEntry)>,
    linking: InMemoryLinking,
}

impl fmt::Debug for TestCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCa")
            .field("environment", &self.environment)
            .field("revocations", &self.revocations.len())
            .finish_non_exhaustive()
    }
}

impl TestCa {
    /// A test CA (`O=JPKI-TEST`) whose two roots become valid at `valid_from` for ten years.
    /// Several CAs made this way are several generations: same names, different keys.
    pub fn new(
        signature_root_key: TestKey,
        authentication_root_key: TestKey,
        valid_from: NumericDate,
    ) -> Result<TestCa> {
        Self::with_environment(
            Environment::Test,
            signature_root_key,
            authentication_root_key,
            valid_from,
        )
    }

    /// A CA whose roots and certificates carry the *production* markers (`O=JPKI`, policy
    /// `…8.5.1.1.20`), for negative tests only: its roots are not pinned, so no production
    /// [`RootSet`] loads them, and no test set accepts a production root.
    pub fn impersonating_production(
        signature_root_key: TestKey,
        authentication_root_key: TestKey,
        valid_from: NumericDate,
    ) -> Result<TestCa> {
        Self::with_environment(
            Environment::Production,
            signature_root_key,
            authentication_root_key,
            valid_from,
        )
    }

    fn with_environment(
        environment: Environment,
        signature_root_key: TestKey,
        authentication_root_key: TestKey,
        valid_from: NumericDate,
    ) -> Result<TestCa> {
        let start = CalendarDate::from_numeric_date_jst(valid_from)
            .map_err(|_| Error::der("test root", "validity outside the years 0001-9999"))?;
        // The same anniversary rule as a birthday: 29 February moves to 1 March.
        let end = age::date_reaching(start, ROOT_VALIDITY_YEARS)
            .map_err(|_| Error::der("test root", "validity beyond the year 9999"))?;
        let validity = Validity {
            not_before: valid_from,
            not_after: end_jst(end),
        };
        Ok(TestCa {
            environment,
            authentication: make_root(
                environment,
                CertificateType::Authentication,
                authentication_root_key,
                validity,
            )?,
            signature: make_root(
                environment,
                CertificateType::Signature,
                signature_root_key,
                validity,
            )?,
            next_serial: 1000,
            next_crl_number: 1,
            revocations: Vec::new(),
            linking: InMemoryLinking::default(),
        })
    }

    /// The environment its certificates claim.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The DER of the root of `certificate_type`.
    pub fn root_certificate(&self, certificate_type: CertificateType) -> &[u8] {
        &self.root(certificate_type).der
    }

    /// A [`RootSet`] of this CA's two roots.
    pub fn root_set(&self, provider: &dyn myna_vc_core::crypto::CryptoProvider) -> Result<RootSet> {
        let roots = CertificateType::ALL
            .into_iter()
            .map(|ty| JpkiRoot::parse(self.root_certificate(ty), provider))
            .collect::<Result<Vec<_>>>()?;
        RootSet::new(self.environment, roots)
    }

    /// The linking information recorded so far.
    pub fn linking(&self) -> &InMemoryLinking {
        &self.linking
    }

    /// The revocations recorded so far, in order, with the type of the revoked certificate.
    pub fn revocations(&self) -> impl Iterator<Item = (CertificateType, &CrlEntry)> {
        self.revocations.iter().map(|(ty, entry)| (*ty, entry))
    }

    /// Whether this CA's root of the certificate's type signed `certificate` (so that a
    /// revocation is recorded only for certificates of this CA).
    ///
    /// ```
    /// # use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, certificate::Certificate};
    /// # use myna_vc_core::{crypto::default_provider, time::NumericDate};
    /// # let t = NumericDate::from_unix(1_700_000_000);
    /// # let key = TestKey::generate()?;
    /// # let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
    /// #     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市")? };
    /// let mut ca = TestCa::new(key.clone(), key.clone(), t)?;
    /// let other = TestCa::new(TestKey::generate()?, key.clone(), t)?;
    /// let card = ca.issue_card(&facts, key.clone(), key, t)?;
    /// let sign = Certificate::parse(card.signature_certificate().unwrap())?;
    /// assert!(ca.issued(&sign, default_provider()));
    /// assert!(!other.issued(&sign, default_provider()));
    /// # Ok::<(), myna_jpki::Error>(())
    /// ```
    pub fn issued(
        &self,
        certificate: &Certificate,
        provider: &dyn myna_vc_core::crypto::CryptoProvider,
    ) -> bool {
        let root = self.root(certificate.certificate_type());
        let parts = certificate.parts();
        parts.issuer_der == root.name_der
            && crate::roots::verify_signed_by(
                &root.key.public_key(),
                &parts.tbs,
                &parts.signature,
                provider,
            )
            .is_ok()
    }

    fn root(&self, certificate_type: CertificateType) -> &CaRoot {
        match certificate_type {
            CertificateType::Authentication => &self.authentication,
            CertificateType::Signature => &self.signature,
        }
    }

    fn allocate_serial(&mut self) -> Result<SerialNumber> {
        let serial = SerialNumber::from_u64(self.next_serial)?;
        self.next_serial += 1;
        Ok(serial)
    }

    /// The production-profile template for a certificate of `certificate_type` certifying
    /// `subject_key`, with the four facts for a signature certificate. It takes the next serial.
    pub fn template(
        &mut self,
        certificate_type: CertificateType,
        facts: Option<&HolderFacts>,
        subject_key: TestKey,
        validity: Validity,
    ) -> Result<CertificateTemplate> {
        let serial = self.allocate_serial()?;
        Ok(CertificateTemplate {
            certificate_type,
            serial,
            validity,
            subject_common_name: opaque_id()?,
            subject_key,
            key_usage: Some(KeyUsageExtension {
                bits: certificate_type.key_usage(),
                critical: true,
            }),
            policies: vec![certificate_type.policy(self.environment)],
            policies_critical: true,
            other_names: facts
                .map(CertificateTemplate::holder_other_names)
                .unwrap_or_default(),
            authority_key_id: true,
            extra_extensions: Vec::new(),
        })
    }

    /// Signs a template with the root of its type.
    pub fn issue(&self, template: &CertificateTemplate) -> Result<Vec<u8>> {
        let root = self.root(template.certificate_type);
        let mut extensions = Vec::new();
        if let Some(ku) = template.key_usage {
            extensions.push(extension(
                oid::KEY_USAGE,
                ku.critical,
                &key_usage_value(ku.bits)?,
            )?);
        }
        if !template.policies.is_empty() {
            let policies = CertificatePolicies(
                template
                    .policies
                    .iter()
                    .map(|p| PolicyInformation {
                        policy_identifier: *p,
                        policy_qualifiers: None,
                    })
                    .collect(),
            );
            extensions.push(extension(
                oid::CERTIFICATE_POLICIES,
                template.policies_critical,
                &encode(&policies)?,
            )?);
        }
        if !template.other_names.is_empty() {
            let names = template
                .other_names
                .iter()
                .map(other_name_entry)
                .collect::<Result<Vec<_>>>()?;
            extensions.push(extension(
                oid::SUBJECT_ALT_NAME,
                false,
                &encode(&SubjectAltName(names))?,
            )?);
        }
        let service = GeneralName::DirectoryName(service_name()?);
        extensions.push(extension(
            oid::ISSUER_ALT_NAME,
            false,
            &encode(&IssuerAltName(vec![service]))?,
        )?);
        extensions.push(extension(
            oid::CRL_DISTRIBUTION_POINTS,
            false,
            &crl_distribution_points(&root.name)?,
        )?);
        if template.authority_key_id {
            let aki = AuthorityKeyIdentifier {
                key_identifier: Some(octets(&root.key_id)?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            };
            extensions.push(extension(
                oid::AUTHORITY_KEY_IDENTIFIER,
                false,
                &encode(&aki)?,
            )?);
        }
        for raw in &template.extra_extensions {
            extensions.push(extension(raw.oid, raw.critical, &raw.value)?);
        }
        let subject = RdnSequence(vec![
            rdn(oid::COUNTRY, Tag::PrintableString, "JP")?,
            rdn(
                oid::COMMON_NAME,
                Tag::Utf8String,
                &template.subject_common_name,
            )?,
        ]);
        sign_certificate(
            &root.key,
            template.serial,
            root.name.clone(),
            template.validity,
            subject,
            template.subject_key.spki()?,
            extensions,
        )
    }

    /// Issues a card for a resident at `issued_at`: an authentication certificate and, from
    /// age 15, a signature certificate, both ending on the 5th birthday after issuance
    /// (23:59:59 JST). Records the signature ↔ authentication link.
    pub fn issue_card(
        &mut self,
        facts: &HolderFacts,
        authentication_key: TestKey,
        signature_key: TestKey,
        issued_at: NumericDate,
    ) -> Result<IssuedCard> {
        let validity = card_validity(facts, issued_at)?;
        let authentication = self.issue_one(
            CertificateType::Authentication,
            None,
            authentication_key,
            validity,
        )?;
        let issue_date = CalendarDate::from_numeric_date_jst(issued_at)
            .map_err(|_| Error::der("test certificate", "issued outside the years 0001-9999"))?;
        let signature = if facts.birth_date.age_on(issue_date) >= SIGNATURE_MIN_AGE {
            let signature = self.issue_one(
                CertificateType::Signature,
                Some(facts),
                signature_key,
                validity,
            )?;
            self.linking
                .record_pair(signature.serial, authentication.serial);
            Some(signature)
        } else {
            None
        };
        Ok(IssuedCard {
            authentication,
            signature,
            authentication_root: self.authentication.der.clone(),
            signature_root: self.signature.der.clone(),
        })
    }

    fn issue_one(
        &mut self,
        certificate_type: CertificateType,
        facts: Option<&HolderFacts>,
        key: TestKey,
        validity: Validity,
    ) -> Result<IssuedCertificate> {
        let template = self.template(certificate_type, facts, key.clone(), validity)?;
        Ok(IssuedCertificate {
            der: self.issue(&template)?,
            serial: template.serial,
            key,
        })
    }

    /// Renews a card: new certificates for both keys, the old ones revoked as superseded
    /// (card renewal) at `at`, and old → new links recorded.
    pub fn renew_card(
        &mut self,
        old: &IssuedCard,
        facts: &HolderFacts,
        authentication_key: TestKey,
        signature_key: TestKey,
        at: NumericDate,
    ) -> Result<IssuedCard> {
        let new = self.issue_card(facts, authentication_key, signature_key, at)?;
        self.supersede(
            CertificateType::Authentication,
            old.authentication_serial(),
            new.authentication_serial(),
            RevocationReason::CARD_RENEWAL,
            at,
        );
        if let (Some(old_sign), Some(new_sign)) = (old.signature_serial(), new.signature_serial()) {
            self.supersede(
                CertificateType::Signature,
                old_sign,
                new_sign,
                RevocationReason::CARD_RENEWAL,
                at,
            );
        }
        Ok(new)
    }

    /// A new signature certificate after one of the four facts changed (moving house,
    /// marriage): the old one is revoked as affiliationChanged, old → new and
    /// new ↔ authentication links are recorded. The authentication certificate stays.
    pub fn change_facts(
        &mut self,
        card: &IssuedCard,
        new_facts: &HolderFacts,
        signature_key: TestKey,
        at: NumericDate,
    ) -> Result<IssuedCard> {
        let old_sign = card
            .signature
            .as_ref()
            .ok_or(Error::NoSignatureCertificate)?;
        let auth = Certificate::parse(card.authentication_certificate())?;
        let validity = Validity {
            not_before: at,
            not_after: auth.validity().not_after,
        };
        let signature = self.issue_one(
            CertificateType::Signature,
            Some(new_facts),
            signature_key,
            validity,
        )?;
        self.supersede(
            CertificateType::Signature,
            old_sign.serial,
            signature.serial,
            RevocationReason::MOVING_HOUSE,
            at,
        );
        self.linking
            .record_pair(signature.serial, card.authentication_serial());
        Ok(IssuedCard {
            signature: Some(signature),
            ..card.clone()
        })
    }

    fn supersede(
        &mut self,
        certificate_type: CertificateType,
        old: SerialNumber,
        new: SerialNumber,
        reason: RevocationReason,
        at: NumericDate,
    ) {
        self.revoke(certificate_type, old, reason, at);
        self.linking.record_successor(
            CertificateRef {
                certificate_type,
                serial: old,
            },
            CertificateRef {
                certificate_type,
                serial: new,
            },
        );
    }

    /// Records a revocation for the next CRL of that type.
    pub fn revoke(
        &mut self,
        certificate_type: CertificateType,
        serial: SerialNumber,
        reason: RevocationReason,
        at: NumericDate,
    ) {
        self.revocations.push((
            certificate_type,
            CrlEntry {
                serial,
                revoked_at: at,
                reason,
            },
        ));
    }

    /// A CRL of every revocation recorded for `certificate_type`, signed by its root.
    pub fn crl(
        &mut self,
        certificate_type: CertificateType,
        this_update: NumericDate,
        next_update: NumericDate,
    ) -> Result<Vec<u8>> {
        let entries: Vec<CrlEntry> = self
            .revocations
            .iter()
            .filter(|(ty, _)| *ty == certificate_type)
            .map(|(_, e)| *e)
            .collect();
        self.crl_with_entries(certificate_type, entries, this_update, next_update)
    }

    /// A CRL of the given entries (any number: this writes DER directly, entry by entry).
    pub fn crl_with_entries(
        &mut self,
        certificate_type: CertificateType,
        entries: impl IntoIterator<Item = CrlEntry>,
        this_update: NumericDate,
        next_update: NumericDate,
    ) -> Result<Vec<u8>> {
        let number = self.next_crl_number;
        self.next_crl_number += 1;
        let root = self.root(certificate_type);
        let mut list = Vec::new();
        for entry in entries {
            write_crl_entry(&mut list, &entry)?;
        }
        let alg = signature_algorithm_der()?;
        let mut prefix = vec![tag::INTEGER, 0x01, 0x01]; // version v2
        prefix.extend_from_slice(&alg);
        prefix.extend_from_slice(&root.name_der);
        prefix.extend_from_slice(&time_der(this_update)?);
        prefix.extend_from_slice(&time_der(next_update)?);
        let suffix = crl_extensions(number, &root.key_id)?;
        let list_len = if list.is_empty() {
            0
        } else {
            tlv::encoded_len(list.len())
        };
        let tbs_len = prefix.len() + list_len + suffix.len();
        let mut tbs = Vec::with_capacity(tlv::encoded_len(tbs_len));
        tlv::write_header(&mut tbs, tag::SEQUENCE, tbs_len);
        tbs.extend_from_slice(&prefix);
        if !list.is_empty() {
            tlv::write(&mut tbs, tag::SEQUENCE, &list);
        }
        drop(list);
        tbs.extend_from_slice(&suffix);
        let signature = root.key.sign_sha256(&tbs)?;
        let mut bits = Vec::with_capacity(signature.len() + 1);
        bits.push(0);
        bits.extend_from_slice(&signature);
        let outer_len = tbs.len() + alg.len() + tlv::encoded_len(bits.len());
        let mut out = Vec::with_capacity(tlv::encoded_len(outer_len));
        tlv::write_header(&mut out, tag::SEQUENCE, outer_len);
        out.extend_from_slice(&tbs);
        drop(tbs);
        out.extend_from_slice(&alg);
        tlv::write(&mut out, tag::BIT_STRING, &bits);
        Ok(out)
    }
}

/// Validity of a card's certificates: from issuance to the end (JST) of the 5th birthday after it.
fn card_validity(facts: &HolderFacts, issued_at: NumericDate) -> Result<Validity> {
    const WHAT: &str = "test certificate";
    let issued = CalendarDate::from_numeric_date_jst(issued_at)
        .map_err(|_| Error::der(WHAT, "issued outside the years 0001-9999"))?;
    // The first birthday after the issuance day is the one at age + 1.
    let age = facts.birth_date.age_on(issued);
    let fifth = age::date_reaching(
        facts.birth_date.date(),
        age.saturating_add(CERTIFICATE_BIRTHDAYS),
    )
    .map_err(|_| Error::der(WHAT, "validity beyond the year 9999"))?;
    Ok(Validity {
        not_before: issued_at,
        not_after: end_jst(fifth),
    })
}

/// 23:59:59 JST of `day`: how J-LIS writes the end of a validity period. Japan has no
/// daylight saving, so every JST day is 86 400 seconds long.
fn end_jst(day: CalendarDate) -> NumericDate {
    day.start_jst().plus_seconds(86_400 - 1)
}

fn der_error(e: der::Error) -> Error {
    Error::der("test CA output", e.to_string())
}

fn encode<T: Encode>(value: &T) -> Result<Vec<u8>> {
    value.to_der().map_err(der_error)
}

fn octets(bytes: &[u8]) -> Result<OctetString> {
    OctetString::new(bytes).map_err(der_error)
}

fn extension(id: ObjectIdentifier, critical: bool, value: &[u8]) -> Result<Extension> {
    Ok(Extension {
        extn_id: id,
        critical,
        extn_value: octets(value)?,
    })
}

fn key_usage_value(bits: KeyUsage) -> Result<Vec<u8>> {
    let (unused, bytes) = bits.to_bit_string();
    encode(&BitString::new(unused, bytes).map_err(der_error)?)
}

fn rdn(id: ObjectIdentifier, string_tag: Tag, value: &str) -> Result<RelativeDistinguishedName> {
    let attribute = AttributeTypeAndValue {
        oid: id,
        value: Any::new(string_tag, value.as_bytes()).map_err(der_error)?,
    };
    Ok(RelativeDistinguishedName(
        SetOfVec::try_from(vec![attribute]).map_err(der_error)?,
    ))
}

/// `C=JP, O=JPKI[-TEST], OU=<type>, OU=<J-LIS>`, with the string types of the real roots.
fn root_name(environment: Environment, certificate_type: CertificateType) -> Result<Name> {
    Ok(RdnSequence(vec![
        rdn(oid::COUNTRY, Tag::PrintableString, "JP")?,
        rdn(
            oid::ORGANIZATION,
            Tag::Utf8String,
            environment.organization(),
        )?,
        rdn(
            oid::ORGANIZATIONAL_UNIT,
            Tag::Utf8String,
            certificate_type.root_unit(),
        )?,
        rdn(
            oid::ORGANIZATIONAL_UNIT,
            Tag::Utf8String,
            crate::profile::ORGANIZATIONAL_UNIT_AGENCY,
        )?,
    ]))
}

/// `C=JP, O=公的個人認証サービス`: the directory name in the roots' subjectAltName and in the
/// end entities' issuerAltName.
fn service_name() -> Result<Name> {
    Ok(RdnSequence(vec![
        rdn(oid::COUNTRY, Tag::PrintableString, "JP")?,
        rdn(
            oid::ORGANIZATION,
            Tag::Utf8String,
            crate::profile::SERVICE_NAME,
        )?,
    ]))
}

fn crl_distribution_points(issuer: &Name) -> Result<Vec<u8>> {
    let point = DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![
            GeneralName::DirectoryName(issuer.clone()),
        ])),
        reasons: None,
        crl_issuer: None,
    };
    encode(&CrlDistributionPoints(vec![point]))
}

fn other_name_entry(value: &OtherNameValue) -> Result<GeneralName> {
    let string_tag = match value.encoding {
        StringEncoding::Utf8 => Tag::Utf8String,
        StringEncoding::Octets => Tag::OctetString,
    };
    Ok(GeneralName::OtherName(OtherName {
        type_id: value.type_id,
        value: Any::new(string_tag, value.value.as_bytes()).map_err(der_error)?,
    }))
}

fn signature_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oid::SHA256_WITH_RSA,
        parameters: Some(Any::null()),
    }
}

fn signature_algorithm_der() -> Result<Vec<u8>> {
    encode(&signature_algorithm())
}

/// An opaque subject identifier, as real cards carry (20 upper-case hex digits).
fn opaque_id() -> Result<String> {
    let mut bytes = [0u8; 10];
    myna_vc_core::crypto::fill_random(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02X}")).collect())
}

fn x509_time(at: NumericDate) -> Result<x509_cert::time::Time> {
    let secs = u64::try_from(at.as_unix())
        .map_err(|_| Error::der("test CA output", "times before 1970"))?;
    let duration = Duration::from_secs(secs);
    // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050-01-01T00:00:00Z.
    let time = if secs < 2_524_608_000 {
        x509_cert::time::Time::UtcTime(
            der::asn1::UtcTime::from_unix_duration(duration).map_err(der_error)?,
        )
    } else {
        x509_cert::time::Time::GeneralTime(
            der::asn1::GeneralizedTime::from_unix_duration(duration).map_err(der_error)?,
        )
    };
    Ok(time)
}

fn time_der(at: NumericDate) -> Result<Vec<u8>> {
    encode(&x509_time(at)?)
}

/// A root with the production root's extensions: KeyUsage (critical), subjectAltName,
/// BasicConstraints (critical), CRL distribution point, subject key identifier.
fn make_root(
    environment: Environment,
    certificate_type: CertificateType,
    key: TestKey,
    validity: Validity,
) -> Result<CaRoot> {
    let name = root_name(environment, certificate_type)?;
    let spki = key.spki()?;
    let key_id = key_identifier(&spki);
    let service = GeneralName::DirectoryName(service_name()?);
    let extensions = vec![
        extension(
            oid::KEY_USAGE,
            true,
            &key_usage_value(KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN)?,
        )?,
        extension(
            oid::SUBJECT_ALT_NAME,
            false,
            &encode(&SubjectAltName(vec![service]))?,
        )?,
        extension(
            oid::BASIC_CONSTRAINTS,
            true,
            &encode(&BasicConstraints {
                ca: true,
                path_len_constraint: None,
            })?,
        )?,
        extension(
            oid::CRL_DISTRIBUTION_POINTS,
            false,
            &crl_distribution_points(&name)?,
        )?,
        extension(
            oid::SUBJECT_KEY_IDENTIFIER,
            false,
            &encode(&SubjectKeyIdentifier(octets(&key_id)?))?,
        )?,
    ];
    let der = sign_certificate(
        &key,
        SerialNumber::from_u64(1)?,
        name.clone(),
        validity,
        name.clone(),
        spki,
        extensions,
    )?;
    Ok(CaRoot {
        name_der: encode(&name)?,
        key,
        name,
        key_id,
        der,
    })
}

/// RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey bits.
fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    let digest = Sha256::digest(spki.subject_public_key.raw_bytes());
    digest.get(..20).unwrap_or_default().to_vec()
}

fn sign_certificate(
    key: &TestKey,
    serial: SerialNumber,
    issuer: Name,
    validity: Validity,
    subject: Name,
    spki: SubjectPublicKeyInfoOwned,
    extensions: Vec<Extension>,
) -> Result<Vec<u8>> {
    let tbs = x509_cert::TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: x509_cert::serial_number::SerialNumber::new(&serial.to_der_content())
            .map_err(der_error)?,
        signature: signature_algorithm(),
        issuer,
        validity: x509_cert::time::Validity {
            not_before: x509_time(validity.not_before)?,
            not_after: x509_time(validity.not_after)?,
        },
        subject,
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let signature = key.sign_sha256(&encode(&tbs)?)?;
    let certificate = x509_cert::Certificate {
        tbs_certificate: tbs,
        signature_algorithm: signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(der_error)?,
    };
    encode(&certificate)
}

/// SEQUENCE { INTEGER serial, Time, [SEQUENCE { reasonCode }] }.
fn write_crl_entry(out: &mut Vec<u8>, entry: &CrlEntry) -> Result<()> {
    let serial = entry.serial.to_der_content();
    let time = time_der(entry.revoked_at)?;
    // Extensions { Extension { id-ce-cRLReasons, OCTET STRING { ENUMERATED code } } }
    let reason: &[u8] = &[
        0x30, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x1D, 0x15, 0x04, 0x03, 0x0A, 0x01,
    ];
    let with_reason = entry.reason != RevocationReason::Unspecified;
    let len = tlv::encoded_len(serial.len())
        + time.len()
        + if with_reason { reason.len() + 1 } else { 0 };
    tlv::write_header(out, tag::SEQUENCE, len);
    tlv::write(out, tag::INTEGER, &serial);
    out.extend_from_slice(&time);
    if with_reason {
        out.extend_from_slice(reason);
        out.push(entry.reason.code());
    }
    Ok(())
}

/// `[0] { SEQUENCE { cRLNumber, authorityKeyIdentifier } }`.
fn crl_extensions(number: u64, key_id: &[u8]) -> Result<Vec<u8>> {
    let number = SerialNumber::from_u64(number)?.to_der_content();
    let mut number_tlv = Vec::new();
    tlv::write(&mut number_tlv, tag::INTEGER, &number);
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(octets(key_id)?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    let extensions = vec![
        extension(oid::CRL_NUMBER, false, &number_tlv)?,
        extension(oid::AUTHORITY_KEY_IDENTIFIER, false, &encode(&aki)?)?,
    ];
    let list = encode(&extensions)?;
    let mut out = Vec::new();
    tlv::write(&mut out, tag::CONTEXT_0, &list);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validity_ends_at_the_last_second_of_the_jst_day() {
        // 2023-07-15T14:59:59Z is 23:59:59 JST on the 15th; one second later it is the 16th.
        let end = NumericDate::from_unix(1_689_433_199);
        let day = CalendarDate::from_numeric_date_jst(end).unwrap();
        assert_eq!(day.to_string(), "2023-07-15");
        assert_eq!(end_jst(day), end);
        let last = CalendarDate::from_ymd(9999, 12, 31).unwrap();
        assert_eq!(
            CalendarDate::from_numeric_date_jst(end_jst(last)).unwrap(),
            last
        );
    }

    #[test]
    fn a_leap_day_holders_certificates_end_on_1_march_in_common_years() {
        use crate::holder::{Address, BirthDate, HolderName, Sex};
        let facts = HolderFacts {
            name: HolderName::plain("閏　花子").unwrap(),
            sex: Sex::Female,
            birth_date: BirthDate::parse("420040229").unwrap(),
            address: Address::plain("東京都千代田区").unwrap(),
        };
        let day = |y, m, d| CalendarDate::from_ymd(y, m, d).unwrap();
        let cases = [
            // Issued after the 2036 birthday: the 5th birthday after is in 2041, a common year.
            (day(2036, 4, 2), day(2041, 3, 1)),
            // Issued on the (common-year) birthday itself: it does not count.
            (day(2035, 3, 1), day(2040, 2, 29)),
            (day(2035, 2, 28), day(2039, 3, 1)),
        ];
        for (issued, fifth) in cases {
            let validity = card_validity(&facts, issued.start_jst()).unwrap();
            assert_eq!(validity.not_before, issued.start_jst());
            assert_eq!(validity.not_after, end_jst(fifth), "issued {issued}");
        }
    }
}
