//! The JPKI certificate profile as data: names, OIDs, policy arcs and key usages.
//!
//! The parser, the validator and the test CA all read the profile from here, so the test CA
//! cannot drift from what the parser accepts. Sources: the J-LIS roots in
//! `shared/vectors/jpki-roots` (names and root extensions) and the project's domain notes
//! (subjectAltName `otherName`s, policies, key usages).
//!
//! ```
//! use myna_jpki::profile::{CertificateType, Environment, KeyUsage};
//! let sign = CertificateType::Signature;
//! assert_eq!(sign.key_usage(), KeyUsage::DIGITAL_SIGNATURE | KeyUsage::NON_REPUDIATION);
//! assert_eq!(sign.policy(Environment::Production).to_string(), "1.2.392.200149.8.5.1.1.20");
//! assert_eq!(sign.policy(Environment::Test).to_string(), "1.2.392.200149.8.5.1.0.20");
//! ```

use core::fmt;
use core::ops::BitOr;

pub use der::oid::ObjectIdentifier;

/// The JPKI AP of the card (`D3 92 F0 00 26 01 00 00 00 01`).
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];

/// `O=` of production roots and issuers.
pub const ORGANIZATION_PRODUCTION: &str = "JPKI";
/// `O=` of test roots and issuers (test cards).
pub const ORGANIZATION_TEST: &str = "JPKI-TEST";
/// The second `OU=` of every JPKI root: J-LIS.
pub const ORGANIZATIONAL_UNIT_AGENCY: &str = "Japan Agency for Local Authority Information Systems";
/// The `O=` of the directory name in the roots' subjectAltName and the end-entity
/// issuerAltName: 公的個人認証サービス.
pub const SERVICE_NAME: &str = "公的個人認証サービス";

/// The JPKI arc of end-entity subjectAltName `otherName`s (the holder's four facts).
pub mod other_name {
    use super::ObjectIdentifier;
    /// `.1` name: surname, full-width space, given name (non-JIS characters substituted).
    pub const NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.5.1");
    /// `.2` positions of substitute characters in the name (string of `0`/`1`).
    pub const NAME_SUBSTITUTES: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.5.2");
    /// `.3` sex: `1` male, `2` female, `3` not known.
    pub const SEX: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.5.3");
    /// `.4` date of birth, `EYYYYMMDD` (era digit, Gregorian date).
    pub const BIRTH_DATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.5.4");
    /// `.5` address from the prefecture down, at most 200 characters.
    pub const ADDRESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.5.5");
    /// `.6` positions of substitute characters in the address.
    pub const ADDRESS_SUBSTITUTES: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.5.6");
}

/// The X.509 OIDs this crate reads or writes.
pub mod oid {
    use super::ObjectIdentifier;
    /// sha256WithRSAEncryption.
    pub const SHA256_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
    /// rsaEncryption.
    pub const RSA_ENCRYPTION: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    /// id-ce-subjectKeyIdentifier.
    pub const SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
    /// id-ce-keyUsage.
    pub const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
    /// id-ce-subjectAltName.
    pub const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
    /// id-ce-issuerAltName.
    pub const ISSUER_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.18");
    /// id-ce-basicConstraints.
    pub const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
    /// id-ce-cRLNumber.
    pub const CRL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.20");
    /// id-ce-cRLReasons.
    pub const CRL_REASON: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.21");
    /// id-ce-invalidityDate.
    pub const INVALIDITY_DATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.24");
    /// id-ce-cRLDistributionPoints.
    pub const CRL_DISTRIBUTION_POINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.31");
    /// id-ce-certificatePolicies.
    pub const CERTIFICATE_POLICIES: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");
    /// id-ce-authorityKeyIdentifier.
    pub const AUTHORITY_KEY_IDENTIFIER: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.5.29.35");
    /// id-pe-authorityInfoAccess.
    pub const AUTHORITY_INFO_ACCESS: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
    /// id-at-countryName.
    pub const COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
    /// id-at-organizationName.
    pub const ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
    /// id-at-organizationalUnitName.
    pub const ORGANIZATIONAL_UNIT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
    /// id-at-commonName.
    pub const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
}

/// The JPKI certificate-policy arc; the next arc tells the environment and the type.
const POLICY_SIGN_PRODUCTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.1.1.20");
const POLICY_SIGN_TEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.1.0.20");
const POLICY_AUTH_PRODUCTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.1.3.30");
// Assumption: test cards put both classes under the test arc `.0` (the signature one,
// `.0.20`, is documented; the authentication one is inferred by the same rule).
const POLICY_AUTH_TEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.1.0.30");

/// Which of the card's two certificates.
///
/// ```
/// use myna_jpki::profile::CertificateType;
/// assert_eq!(CertificateType::Authentication.root_unit(), "JPKI for user authentication");
/// assert_eq!(CertificateType::Signature.to_string(), "signature");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertificateType {
    /// 利用者証明用: proves "this is the card holder", carries no personal data.
    Authentication,
    /// 署名用: signs documents, carries name, address, date of birth and sex.
    Signature,
}

impl CertificateType {
    /// Both types.
    pub const ALL: [CertificateType; 2] =
        [CertificateType::Authentication, CertificateType::Signature];

    /// The first `OU=` of the root (and so of the end-entity issuer).
    pub const fn root_unit(self) -> &'static str {
        match self {
            CertificateType::Authentication => "JPKI for user authentication",
            CertificateType::Signature => "JPKI for digital signature",
        }
    }

    /// The exact KeyUsage bits of an end-entity certificate of this type (always critical).
    pub fn key_usage(self) -> KeyUsage {
        match self {
            CertificateType::Authentication => KeyUsage::DIGITAL_SIGNATURE,
            CertificateType::Signature => KeyUsage::DIGITAL_SIGNATURE | KeyUsage::NON_REPUDIATION,
        }
    }

    /// The certificate policy of an end-entity certificate of this type in `environment`.
    pub const fn policy(self, environment: Environment) -> ObjectIdentifier {
        match (self, environment) {
            (CertificateType::Signature, Environment::Production) => POLICY_SIGN_PRODUCTION,
            (CertificateType::Signature, Environment::Test) => POLICY_SIGN_TEST,
            (CertificateType::Authentication, Environment::Production) => POLICY_AUTH_PRODUCTION,
            (CertificateType::Authentication, Environment::Test) => POLICY_AUTH_TEST,
        }
    }

    /// The type and environment a JPKI policy OID stands for, or `None` for any other OID.
    ///
    /// ```
    /// use myna_jpki::profile::{CertificateType, Environment, ObjectIdentifier};
    /// let oid = ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.1.0.20");
    /// assert_eq!(CertificateType::from_policy(&oid), Some((CertificateType::Signature, Environment::Test)));
    /// ```
    pub fn from_policy(policy: &ObjectIdentifier) -> Option<(CertificateType, Environment)> {
        Self::ALL.into_iter().find_map(|ty| {
            Environment::ALL
                .into_iter()
                .find(|env| ty.policy(*env) == *policy)
                .map(|env| (ty, env))
        })
    }

    /// The type whose root unit is `unit`.
    pub fn from_root_unit(unit: &str) -> Option<CertificateType> {
        Self::ALL.into_iter().find(|ty| ty.root_unit() == unit)
    }
}

impl fmt::Display for CertificateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertificateType::Authentication => "authentication",
            CertificateType::Signature => "signature",
        })
    }
}

/// Production cards, or the test cards J-LIS issues to developers (`O=JPKI-TEST`).
///
/// ```
/// use myna_jpki::profile::Environment;
/// assert_eq!(Environment::Test.organization(), "JPKI-TEST");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// Real cards; roots pinned by fingerprint.
    Production,
    /// Test cards and this crate's test CA.
    Test,
}

impl Environment {
    /// Both environments.
    pub const ALL: [Environment; 2] = [Environment::Production, Environment::Test];

    /// The `O=` of roots and issuers in this environment.
    pub const fn organization(self) -> &'static str {
        match self {
            Environment::Production => ORGANIZATION_PRODUCTION,
            Environment::Test => ORGANIZATION_TEST,
        }
    }

    /// The environment whose organization is `o`.
    pub fn from_organization(o: &str) -> Option<Environment> {
        Self::ALL.into_iter().find(|env| env.organization() == o)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Environment::Production => "production",
            Environment::Test => "test",
        })
    }
}

/// The KeyUsage bits (RFC 5280 §4.2.1.3), bit 0 = digitalSignature.
///
/// ```
/// use myna_jpki::profile::KeyUsage;
/// let ku = KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN;
/// assert!(ku.contains(KeyUsage::CRL_SIGN));
/// assert_eq!(ku.to_string(), "keyCertSign, cRLSign");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyUsage(u16);

impl KeyUsage {
    /// digitalSignature (0).
    pub const DIGITAL_SIGNATURE: KeyUsage = KeyUsage(1);
    /// nonRepudiation / contentCommitment (1).
    pub const NON_REPUDIATION: KeyUsage = KeyUsage(1 << 1);
    /// keyEncipherment (2).
    pub const KEY_ENCIPHERMENT: KeyUsage = KeyUsage(1 << 2);
    /// dataEncipherment (3).
    pub const DATA_ENCIPHERMENT: KeyUsage = KeyUsage(1 << 3);
    /// keyAgreement (4).
    pub const KEY_AGREEMENT: KeyUsage = KeyUsage(1 << 4);
    /// keyCertSign (5).
    pub const KEY_CERT_SIGN: KeyUsage = KeyUsage(1 << 5);
    /// cRLSign (6).
    pub const CRL_SIGN: KeyUsage = KeyUsage(1 << 6);
    /// encipherOnly (7).
    pub const ENCIPHER_ONLY: KeyUsage = KeyUsage(1 << 7);
    /// decipherOnly (8).
    pub const DECIPHER_ONLY: KeyUsage = KeyUsage(1 << 8);

    const NAMES: [&'static str; 9] = [
        "digitalSignature",
        "nonRepudiation",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];

    /// From the bit mask, bit `n` = RFC 5280 bit `n`.
    pub const fn from_bits(bits: u16) -> KeyUsage {
        KeyUsage(bits & 0x1ff)
    }

    /// The bit mask.
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: KeyUsage) -> bool {
        self.0 & other.0 == other.0
    }

    /// The DER BIT STRING contents (unused-bits count, then the bytes), trailing zero bits
    /// removed as DER requires for named bit lists.
    pub fn to_bit_string(self) -> (u8, Vec<u8>) {
        let highest = 16 - self.0.leading_zeros() as usize; // number of significant bits
        if highest == 0 {
            return (0, Vec::new());
        }
        let mut bytes = vec![0u8; highest.div_ceil(8)];
        for bit in 0..highest {
            if self.0 & (1 << bit) != 0 {
                if let Some(byte) = bytes.get_mut(bit / 8) {
                    *byte |= 0x80 >> (bit % 8);
                }
            }
        }
        let unused = (bytes.len() * 8 - highest) as u8;
        (unused, bytes)
    }
}

impl BitOr for KeyUsage {
    type Output = KeyUsage;
    fn bitor(self, rhs: KeyUsage) -> KeyUsage {
        KeyUsage(self.0 | rhs.0)
    }
}

impl fmt::Display for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("(none)");
        }
        let names: Vec<&str> = Self::NAMES
            .iter()
            .enumerate()
            .filter(|(bit, _)| self.0 & (1 << bit) != 0)
            .map(|(_, name)| *name)
            .collect();
        f.write_str(&names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_bit_string_drops_trailing_zero_bits() {
        assert_eq!(KeyUsage::DIGITAL_SIGNATURE.to_bit_string(), (7, vec![0x80]));
        let sign = KeyUsage::DIGITAL_SIGNATURE | KeyUsage::NON_REPUDIATION;
        assert_eq!(sign.to_bit_string(), (6, vec![0xC0]));
        // The roots' keyCertSign | cRLSign is `03 02 01 06`.
        assert_eq!(
            (KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN).to_bit_string(),
            (1, vec![0x06])
        );
        assert_eq!(
            KeyUsage::DECIPHER_ONLY.to_bit_string(),
            (7, vec![0x00, 0x80])
        );
    }

    #[test]
    fn policies_round_trip_and_other_oids_are_none() {
        for ty in CertificateType::ALL {
            for env in Environment::ALL {
                assert_eq!(
                    CertificateType::from_policy(&ty.policy(env)),
                    Some((ty, env))
                );
            }
        }
        assert_eq!(CertificateType::from_policy(&oid::KEY_USAGE), None);
    }
}
