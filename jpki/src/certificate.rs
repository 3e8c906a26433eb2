//! Parsing a JPKI certificate into its typed profile.
//!
//! [`Certificate::parse`] reads an end-entity certificate (x509-parser underneath) and returns
//! its type, environment, serial, validity and RSA-2048 key and, for a signature certificate,
//! the holder's four facts. It checks what the certificate says about itself; whether it is
//! *trusted* (chain, key usage, time, revocation, environment) is [`crate::validate`]'s job.
//!
//! ```
//! use myna_jpki::{certificate::Certificate, Error};
//! // Arbitrary bytes give a typed error, never a panic.
//! assert!(matches!(Certificate::parse(&[0x30, 0x03, 0x02, 0x01]), Err(Error::Der { .. })));
//! ```

use myna_vc_core::crypto::RsaPublicKey;
use myna_vc_core::time::NumericDate;
use x509_parser::certificate::X509Certificate;
use x509_parser::der_parser::oid::Oid;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AlgorithmIdentifier, X509Name, X509Version};

use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::holder::{attribute, Address, BirthDate, HolderFacts, HolderName, Sex, SubstituteMap};
use crate::profile::{oid, other_name, CertificateType, Environment, KeyUsage, ObjectIdentifier};
use crate::tlv;

pub use crate::serial::SerialNumber;

/// The largest certificate accepted (JPKI certificates are about 1.5 KB).
pub const MAX_CERTIFICATE_BYTES: usize = 16 * 1024;

/// Serial numbers from DER or from a number. These constructors report a malformed serial as
/// [`Error::MalformedAttribute`]; they live here rather than in `serial.rs` because
/// [`Error`] holds serial numbers, so the serial module must not depend on it.
impl SerialNumber {
    /// From the content octets of a DER INTEGER: minimal, positive, at most 20 octets of value.
    pub fn from_der_content(bytes: &[u8]) -> Result<Self> {
        Self::parse_der_content(bytes).map_err(|detail| Error::malformed(SERIAL_NUMBER, detail))
    }

    /// From a number.
    pub fn from_u64(value: u64) -> Result<Self> {
        Self::parse_u64(value).map_err(|detail| Error::malformed(SERIAL_NUMBER, detail))
    }

    /// From hexadecimal as its `Display` writes it (either case, leading zeros allowed): the
    /// form `myna jpki test-ca serial` prints and admin commands take.
    ///
    /// ```
    /// use myna_jpki::certificate::SerialNumber;
    /// let s = SerialNumber::from_u64(1000)?;
    /// assert_eq!(SerialNumber::from_hex(&s.to_string())?, s);
    /// assert_eq!(SerialNumber::from_hex("3e8")?, s);
    /// assert!(SerialNumber::from_hex("0").is_err());
    /// assert!(SerialNumber::from_hex("03:E8").is_err());
    /// assert!(SerialNumber::from_hex(&"F".repeat(41)).is_err());
    /// # Ok::<(), myna_jpki::Error>(())
    /// ```
    pub fn from_hex(text: &str) -> Result<Self> {
        Self::parse_hex(text).map_err(|detail| Error::malformed(SERIAL_NUMBER, detail))
    }
}

const SERIAL_NUMBER: &str = "serial number";

/// A validity period, both ends inclusive.
///
/// ```
/// use myna_jpki::certificate::Validity;
/// use myna_vc_core::time::NumericDate;
/// let v = Validity { not_before: NumericDate::from_unix(10), not_after: NumericDate::from_unix(20) };
/// assert!(v.check(NumericDate::from_unix(20), "certificate").is_ok());
/// assert!(v.check(NumericDate::from_unix(21), "certificate").is_err());
/// assert!(v.check(NumericDate::from_unix(9), "certificate").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// notBefore.
    pub not_before: NumericDate,
    /// notAfter.
    pub not_after: NumericDate,
}

impl Validity {
    /// [`Error::NotYetValid`] or [`Error::Expired`] unless `at` lies within the period.
    pub fn check(&self, at: NumericDate, what: &'static str) -> Result<()> {
        if at < self.not_before {
            return Err(Error::NotYetValid {
                what,
                not_before: self.not_before,
                at,
            });
        }
        if at > self.not_after {
            return Err(Error::Expired {
                what,
                not_after: self.not_after,
                at,
            });
        }
        Ok(())
    }
}

/// A KeyUsage extension as found: its bits and whether it is critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsageExtension {
    /// The bits set.
    pub bits: KeyUsage,
    /// Whether the extension is marked critical.
    pub critical: bool,
}

/// The parts of an X.509 certificate that JPKI roots and end entities share.
#[derive(Debug, Clone)]
pub(crate) struct X509Parts {
    pub der: Vec<u8>,
    pub tbs: Vec<u8>,
    pub signature: Vec<u8>,
    pub issuer_der: Vec<u8>,
    pub issuer_display: String,
    /// The (type, environment) the issuer's name stands for, if it has the JPKI root layout.
    pub issuer_layout: Option<(CertificateType, Environment)>,
    pub subject_der: Vec<u8>,
    pub subject_display: String,
    pub subject_layout: Option<(CertificateType, Environment)>,
    pub serial: SerialNumber,
    pub validity: Validity,
    pub public_key: RsaPublicKey,
    pub key_usage: Option<KeyUsageExtension>,
    /// cA flag and criticality of BasicConstraints.
    pub basic_constraints: Option<(bool, bool)>,
    pub policies: Vec<ObjectIdentifier>,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    /// subjectAltName otherNames: OID and the raw `[0] EXPLICIT` value.
    pub other_names: Vec<(ObjectIdentifier, Vec<u8>)>,
    pub unknown_critical: Vec<String>,
}

impl X509Parts {
    /// Parses the X.509 structure and the parts of it JPKI uses; `what` names it in errors.
    pub(crate) fn parse(der: &[u8], what: &'static str) -> Result<Self> {
        Error::check_size(what, der.len(), MAX_CERTIFICATE_BYTES)?;
        let (rest, x509) =
            X509Certificate::from_der(der).map_err(|e| Error::der(what, format!("{e}")))?;
        if !rest.is_empty() {
            return Err(Error::der(what, "trailing bytes after the certificate"));
        }
        if x509.version() != X509Version::V3 {
            return Err(Error::der(what, "not an X.509 version 3 certificate"));
        }
        check_signature_algorithm(&x509.signature_algorithm, what)?;
        check_signature_algorithm(&x509.tbs_certificate.signature, what)?;
        let public_key = rsa_2048_key(&x509)?;
        let serial = SerialNumber::from_der_content(x509.raw_serial())?;
        let validity = Validity {
            not_before: NumericDate::from_unix(x509.validity().not_before.timestamp()),
            not_after: NumericDate::from_unix(x509.validity().not_after.timestamp()),
        };
        let mut parts = X509Parts {
            der: der.to_vec(),
            tbs: x509.tbs_certificate.as_ref().to_vec(),
            signature: x509.signature_value.data.to_vec(),
            issuer_der: x509.issuer().as_raw().to_vec(),
            issuer_display: x509.issuer().to_string(),
            issuer_layout: jpki_name_layout(x509.issuer()),
            subject_der: x509.subject().as_raw().to_vec(),
            subject_display: x509.subject().to_string(),
            subject_layout: jpki_name_layout(x509.subject()),
            serial,
            validity,
            public_key,
            key_usage: None,
            basic_constraints: None,
            policies: Vec::new(),
            subject_key_id: None,
            authority_key_id: None,
            other_names: Vec::new(),
            unknown_critical: Vec::new(),
        };
        parts.read_extensions(&x509)?;
        Ok(parts)
    }

    fn read_extensions(&mut self, x509: &X509Certificate<'_>) -> Result<()> {
        let mut seen: Vec<&[u8]> = Vec::new();
        for ext in x509.extensions() {
            if seen.contains(&ext.oid.as_bytes()) {
                return Err(Error::der(
                    "certificate",
                    format!("extension {} appears twice", ext.oid),
                ));
            }
            seen.push(ext.oid.as_bytes());
            self.read_extension(&ext.oid, ext.critical, ext.parsed_extension())?;
        }
        Ok(())
    }

    fn read_extension(
        &mut self,
        id: &Oid<'_>,
        critical: bool,
        parsed: &ParsedExtension<'_>,
    ) -> Result<()> {
        match parsed {
            ParsedExtension::ParseError { error } => {
                Err(Error::malformed(extension_name(id), format!("{error}")))
            }
            ParsedExtension::KeyUsage(ku) => {
                self.key_usage = Some(KeyUsageExtension {
                    bits: KeyUsage::from_bits(ku.flags),
                    critical,
                });
                Ok(())
            }
            ParsedExtension::BasicConstraints(bc) => {
                self.basic_constraints = Some((bc.ca, critical));
                Ok(())
            }
            ParsedExtension::CertificatePolicies(policies) => {
                self.policies = policies
                    .iter()
                    .map(|p| to_object_identifier(&p.policy_id, "certificate policy"))
                    .collect::<Result<_>>()?;
                Ok(())
            }
            ParsedExtension::SubjectKeyIdentifier(id) => {
                self.subject_key_id = Some(id.0.to_vec());
                Ok(())
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                self.authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec());
                Ok(())
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                for name in &san.general_names {
                    if let GeneralName::OtherName(type_id, value) = name {
                        let type_id = to_object_identifier(type_id, "subjectAltName otherName")?;
                        self.other_names.push((type_id, value.to_vec()));
                    }
                }
                Ok(())
            }
            // Understood: informational for JPKI, nothing to enforce.
            ParsedExtension::IssuerAlternativeName(_)
            | ParsedExtension::CRLDistributionPoints(_)
            | ParsedExtension::AuthorityInfoAccess(_) => Ok(()),
            _ => {
                if critical {
                    self.unknown_critical.push(id.to_id_string());
                }
                Ok(())
            }
        }
    }

    /// The SHA-256 fingerprint of the DER.
    pub(crate) fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.der)
    }
}

fn extension_name(id: &Oid<'_>) -> &'static str {
    let known = [
        (oid::KEY_USAGE, "key usage"),
        (oid::BASIC_CONSTRAINTS, "basic constraints"),
        (oid::CERTIFICATE_POLICIES, "certificate policy"),
        (oid::SUBJECT_ALT_NAME, "subjectAltName"),
        (oid::ISSUER_ALT_NAME, "issuerAltName"),
        (oid::SUBJECT_KEY_IDENTIFIER, "subject key identifier"),
        (oid::AUTHORITY_KEY_IDENTIFIER, "authority key identifier"),
        (oid::CRL_DISTRIBUTION_POINTS, "CRL distribution points"),
        (oid::AUTHORITY_INFO_ACCESS, "authority information access"),
    ];
    known
        .iter()
        .find(|(o, _)| o.as_bytes() == id.as_bytes())
        .map_or("extension", |(_, name)| name)
}

fn to_object_identifier(id: &Oid<'_>, attribute: &'static str) -> Result<ObjectIdentifier> {
    ObjectIdentifier::from_bytes(id.as_bytes())
        .map_err(|e| Error::malformed(attribute, format!("bad OID: {e}")))
}

fn check_signature_algorithm(alg: &AlgorithmIdentifier<'_>, what: &'static str) -> Result<()> {
    let params_ok = alg.parameters.as_ref().is_none_or(|p| {
        p.tag() == x509_parser::der_parser::asn1_rs::Tag::Null && p.data.is_empty()
    });
    if alg.algorithm.as_bytes() != oid::SHA256_WITH_RSA.as_bytes() || !params_ok {
        return Err(Error::UnsupportedAlgorithm {
            what,
            found: alg.algorithm.to_id_string(),
        });
    }
    Ok(())
}

/// JPKI keys are RSA-2048 with e = 65537; anything else is refused.
fn rsa_2048_key(x509: &X509Certificate<'_>) -> Result<RsaPublicKey> {
    use x509_parser::public_key::PublicKey;
    let spki = x509.public_key();
    if spki.algorithm.algorithm.as_bytes() != oid::RSA_ENCRYPTION.as_bytes() {
        return Err(Error::UnsupportedKey(format!(
            "key algorithm {} is not rsaEncryption",
            spki.algorithm.algorithm.to_id_string()
        )));
    }
    let Ok(PublicKey::RSA(rsa)) = spki.parsed() else {
        return Err(Error::UnsupportedKey(
            "RSA public key does not parse".into(),
        ));
    };
    check_rsa_2048_modulus(rsa.modulus)?;
    let key = RsaPublicKey::from_components(rsa.modulus, rsa.exponent)
        .map_err(|e| Error::UnsupportedKey(e.to_string()))?;
    if key.bits() != 2048 || key.e() != [0x01, 0x00, 0x01] {
        return Err(Error::UnsupportedKey(format!(
            "RSA-{} with a public exponent other than 65537 or a size other than 2048",
            key.bits()
        )));
    }
    Ok(key)
}

/// The modulus INTEGER's content octets must be the one DER form of a positive 2048-bit
/// number: a zero octet, then 256 octets of which the first has its top bit set. Checked on
/// the raw octets before anything computes with their length: `INTEGER 0`, an empty INTEGER,
/// a negative or a padded modulus are refused here as what they are.
fn check_rsa_2048_modulus(content: &[u8]) -> Result<()> {
    let refuse = |detail: &str| Err(Error::UnsupportedKey(format!("RSA modulus {detail}")));
    match content {
        [] => refuse("is an empty INTEGER"),
        [first, ..] if first & 0x80 != 0 => refuse("is negative"),
        [0x00] => refuse("is zero"),
        [0x00, second, ..] if second & 0x80 == 0 => refuse("is not in minimal DER form"),
        [0x00, _, rest @ ..] if rest.len() == 255 => Ok(()),
        _ => refuse(&format!(
            "has {} content octets; an RSA-2048 modulus has 257 (a zero octet and 256)",
            content.len()
        )),
    }
}

/// `C=JP, O=JPKI|JPKI-TEST, OU=<type unit>, OU=<J-LIS>` → (type, environment); one attribute
/// per RDN, in that order, nothing else.
fn jpki_name_layout(name: &X509Name<'_>) -> Option<(CertificateType, Environment)> {
    let mut values = Vec::with_capacity(4);
    for rdn in name.iter() {
        let mut attributes = rdn.iter();
        let (Some(attr), None) = (attributes.next(), attributes.next()) else {
            return None;
        };
        values.push((attr.attr_type().as_bytes(), attr.as_str().ok()?));
    }
    let [(c, "JP"), (o, org), (ou1, unit), (ou2, agency)] = values.as_slice() else {
        return None;
    };
    let layout_ok = *c == oid::COUNTRY.as_bytes()
        && *o == oid::ORGANIZATION.as_bytes()
        && *ou1 == oid::ORGANIZATIONAL_UNIT.as_bytes()
        && *ou2 == oid::ORGANIZATIONAL_UNIT.as_bytes()
        && *agency == crate::profile::ORGANIZATIONAL_UNIT_AGENCY;
    if !layout_ok {
        return None;
    }
    Some((
        CertificateType::from_root_unit(unit)?,
        Environment::from_organization(org)?,
    ))
}

/// A parsed JPKI end-entity certificate (a card's authentication or signature certificate).
///
/// ```
/// # use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, profile::CertificateType, certificate::Certificate};
/// # use myna_vc_core::time::NumericDate;
/// # let keys = [TestKey::generate()?, TestKey::generate()?, TestKey::generate()?];
/// # let t = NumericDate::from_unix(1_700_000_000);
/// # let mut ca = TestCa::new(keys[0].clone(), keys[1].clone(), t)?;
/// # let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
/// #     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市大手町二丁目１２番１号")? };
/// # let card = ca.issue_card(&facts, keys[2].clone(), keys[2].clone(), t)?;
/// # let der = card.signature_certificate().unwrap().to_vec();
/// let cert = Certificate::parse(&der)?;
/// assert_eq!(cert.certificate_type(), CertificateType::Signature);
/// assert_eq!(cert.holder().map(|h| h.sex), Some(Sex::Female));
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Certificate {
    parts: X509Parts,
    certificate_type: CertificateType,
    environment: Environment,
    holder: Option<HolderFacts>,
}

impl Certificate {
    /// Parses a DER certificate and reads its JPKI profile.
    ///
    /// Fails with [`Error::Der`] for anything that is not an X.509 v3 certificate,
    /// [`Error::UnsupportedAlgorithm`] / [`Error::UnsupportedKey`] for anything but
    /// sha256WithRSAEncryption over RSA-2048, and [`Error::MissingAttribute`] /
    /// [`Error::MalformedAttribute`] when the issuer, the policy or (signature certificates)
    /// one of the four facts breaks the profile.
    pub fn parse(der: &[u8]) -> Result<Certificate> {
        let parts = X509Parts::parse(der, "certificate")?;
        let (issuer_type, issuer_env) = parts.issuer_layout.ok_or_else(|| {
            Error::malformed(
                "issuer",
                format!("{} is not a JPKI root name", parts.issuer_display),
            )
        })?;
        let (certificate_type, environment) = jpki_policy(&parts.policies)?;
        if (certificate_type, environment) != (issuer_type, issuer_env) {
            return Err(Error::malformed(
                "certificate policy",
                format!(
                    "a {environment} {certificate_type} policy under a {issuer_env} {issuer_type} issuer"
                ),
            ));
        }
        if parts.basic_constraints.is_some_and(|(ca, _)| ca) {
            return Err(Error::malformed(
                "basic constraints",
                "an end-entity certificate must not be a CA",
            ));
        }
        let holder = match certificate_type {
            CertificateType::Signature => Some(holder_facts(&parts.other_names)?),
            CertificateType::Authentication => None,
        };
        Ok(Certificate {
            parts,
            certificate_type,
            environment,
            holder,
        })
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.parts.der
    }

    /// Authentication or signature.
    pub fn certificate_type(&self) -> CertificateType {
        self.certificate_type
    }

    /// Production or test, from the policy arc and the issuer's `O=` (which must agree).
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The serial number.
    pub fn serial(&self) -> SerialNumber {
        self.parts.serial
    }

    /// The validity period.
    pub fn validity(&self) -> Validity {
        self.parts.validity
    }

    /// The card's RSA-2048 public key.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.parts.public_key
    }

    /// The four facts (signature certificates only).
    pub fn holder(&self) -> Option<&HolderFacts> {
        self.holder.as_ref()
    }

    /// The KeyUsage extension, if present.
    pub fn key_usage(&self) -> Option<KeyUsageExtension> {
        self.parts.key_usage
    }

    /// Critical extensions this crate does not understand (validation refuses them).
    pub fn unknown_critical_extensions(&self) -> &[String] {
        &self.parts.unknown_critical
    }

    /// The issuer's distinguished name, for messages.
    pub fn issuer_name(&self) -> &str {
        &self.parts.issuer_display
    }

    /// The SHA-256 fingerprint of the DER.
    pub fn fingerprint(&self) -> Fingerprint {
        self.parts.fingerprint()
    }

    pub(crate) fn parts(&self) -> &X509Parts {
        &self.parts
    }
}

/// The single JPKI policy among `policies`.
fn jpki_policy(policies: &[ObjectIdentifier]) -> Result<(CertificateType, Environment)> {
    const WHAT: &str = "certificate policy";
    if policies.is_empty() {
        return Err(Error::MissingAttribute { attribute: WHAT });
    }
    let mut jpki = policies.iter().filter_map(CertificateType::from_policy);
    match (jpki.next(), jpki.next()) {
        (Some(found), None) => Ok(found),
        (None, _) => Err(Error::malformed(
            WHAT,
            "no JPKI policy (1.2.392.200149.8.5.1.*)",
        )),
        (Some(_), Some(_)) => Err(Error::malformed(WHAT, "more than one JPKI policy")),
    }
}

/// Decodes an otherName value: `[0] EXPLICIT` around a UTF8String or an OCTET STRING of UTF-8.
fn other_name_text(value: &[u8], attribute: &'static str) -> Result<String> {
    let explicit = tlv::exactly(value, tlv::tag::CONTEXT_0, attribute)
        .map_err(|_| Error::malformed(attribute, "value is not an [0] EXPLICIT field"))?;
    let (inner, rest) = tlv::split(explicit.content, attribute)
        .map_err(|_| Error::malformed(attribute, "value is not DER"))?;
    if !rest.is_empty() || !matches!(inner.tag, tlv::tag::UTF8_STRING | tlv::tag::OCTET_STRING) {
        return Err(Error::malformed(
            attribute,
            "value must be one UTF8String or OCTET STRING",
        ));
    }
    String::from_utf8(inner.content.to_vec())
        .map_err(|_| Error::malformed(attribute, "value is not UTF-8"))
}

/// Reads the four facts from the subjectAltName otherNames (each exactly once).
fn holder_facts(other_names: &[(ObjectIdentifier, Vec<u8>)]) -> Result<HolderFacts> {
    let text = |id: ObjectIdentifier, attribute: &'static str| -> Result<String> {
        let mut values = other_names.iter().filter(|(o, _)| *o == id);
        match (values.next(), values.next()) {
            (Some((_, value)), None) => other_name_text(value, attribute),
            (None, _) => Err(Error::MissingAttribute { attribute }),
            (Some(_), Some(_)) => Err(Error::malformed(attribute, "appears more than once")),
        }
    };
    let name_text = text(other_name::NAME, attribute::NAME)?;
    let name_map = SubstituteMap::parse(
        &text(other_name::NAME_SUBSTITUTES, attribute::NAME_SUBSTITUTES)?,
        name_text.chars().count(),
        attribute::NAME_SUBSTITUTES,
    )?;
    let address_text = text(other_name::ADDRESS, attribute::ADDRESS)?;
    let address_map = SubstituteMap::parse(
        &text(
            other_name::ADDRESS_SUBSTITUTES,
            attribute::ADDRESS_SUBSTITUTES,
        )?,
        address_text.chars().count(),
        attribute::ADDRESS_SUBSTITUTES,
    )?;
    Ok(HolderFacts {
        name: HolderName::new(name_text, name_map)?,
        sex: Sex::from_certificate_code(&text(other_name::SEX, attribute::SEX)?)?,
        birth_date: BirthDate::parse(&text(other_name::BIRTH_DATE, attribute::BIRTH_DATE)?)?,
        address: Address::new(address_text, address_map)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_order_numerically() {
        let small = SerialNumber::from_u64(0xFF).unwrap();
        let big = SerialNumber::from_der_content(&[0x01, 0x00]).unwrap();
        assert!(small < big);
        assert_eq!(
            SerialNumber::from_der_content(&[0x00, 0xFF]).unwrap(),
            small
        );
        assert_eq!(small.to_der_content(), vec![0x00, 0xFF]);
        assert!(SerialNumber::from_der_content(&[0x01; 21]).is_err());
        assert!(SerialNumber::from_der_content(&[0x00]).is_err());
        assert!(SerialNumber::from_u64(0).is_err());
    }

    #[test]
    fn other_name_values_accept_utf8_and_octet_strings() {
        // [0] { UTF8String "山" } and [0] { OCTET STRING "山" }
        let utf8 = [0xA0, 0x05, 0x0C, 0x03, 0xE5, 0xB1, 0xB1];
        let octet = [0xA0, 0x05, 0x04, 0x03, 0xE5, 0xB1, 0xB1];
        assert_eq!(other_name_text(&utf8, "t").unwrap(), "山");
        assert_eq!(other_name_text(&octet, "t").unwrap(), "山");
        let ia5 = [0xA0, 0x03, 0x16, 0x01, b'a'];
        assert!(other_name_text(&ia5, "t").is_err());
        let not_utf8 = [0xA0, 0x03, 0x04, 0x01, 0xFF];
        assert!(other_name_text(&not_utf8, "t").is_err());
    }
}
