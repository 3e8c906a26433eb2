//! The certificate → person table: which [`SubjectHandle`] stands behind a JPKI certificate,
//! and whether the issuer has seen that certificate revoked.
//!
//! Key: the certificate type (1 byte: 0 authentication, 1 signature) ‖ its serial (20 bytes,
//! left-padded). Linking information names certificates by type and serial only, so the key
//! does too: serials are unique per issuing root, and J-LIS's linking information is what
//! tells the generations apart. Value: the 32-byte handle, then — once the certificate was
//! seen on a CRL — its RFC 5280 reason code (1 byte) and revocation time (8 bytes, big-endian).
//! The serial is a J-LIS identifier, not personal data on its own; the table never holds a
//! name, an address or the My Number.

use myna_jpki::certificate::SerialNumber;
use myna_jpki::crl::RevocationReason as CrlReason;
use myna_jpki::linking::CertificateRef;
use myna_jpki::profile::CertificateType;
use myna_vc_core::time::NumericDate;

use crate::error::{Error, Result};
use crate::record::SubjectHandle;
use crate::tables::{ReadTables, Table, WriteTables};

const WHAT: &str = "certificate link";
const KEY_LEN: usize = 1 + SerialNumber::MAX_OCTETS;

/// What the store knows about one certificate: whose it is and whether it was revoked.
/// ```
/// use myna_issuer::{record::SubjectHandle, store::CertificateSubject};
/// let known = CertificateSubject { subject: SubjectHandle::from_bytes([1; 32]), revoked: None };
/// assert!(known.revoked.is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateSubject {
    /// The person behind the certificate.
    pub subject: SubjectHandle,
    /// The CRL reason and time, once a CRL listing the certificate was imported.
    pub revoked: Option<(CrlReason, NumericDate)>,
}

const fn type_byte(certificate_type: CertificateType) -> u8 {
    match certificate_type {
        CertificateType::Authentication => 0,
        CertificateType::Signature => 1,
    }
}

fn key(certificate: &CertificateRef) -> Vec<u8> {
    let mut key = Vec::with_capacity(KEY_LEN);
    key.push(type_byte(certificate.certificate_type));
    let magnitude = certificate.serial.magnitude();
    key.resize(KEY_LEN - magnitude.len(), 0);
    key.extend_from_slice(magnitude);
    key
}

fn encode(link: &CertificateSubject) -> Vec<u8> {
    let mut out = link.subject.as_bytes().to_vec();
    if let Some((reason, at)) = link.revoked {
        out.push(reason.code());
        out.extend_from_slice(&at.as_unix().to_be_bytes());
    }
    out
}

fn decode(bytes: &[u8]) -> Result<CertificateSubject> {
    let (subject, rest) = bytes
        .split_first_chunk::<32>()
        .ok_or_else(|| Error::corrupt(WHAT, "shorter than a subject handle"))?;
    let revoked = match rest {
        [] => None,
        [code, time @ ..] => {
            let reason = CrlReason::from_code(*code)
                .ok_or_else(|| Error::corrupt(WHAT, "unknown CRL reason code"))?;
            let time: [u8; 8] = time
                .try_into()
                .map_err(|_| Error::corrupt(WHAT, "revocation time is not 8 bytes"))?;
            Some((reason, NumericDate::from_unix(i64::from_be_bytes(time))))
        }
    };
    Ok(CertificateSubject {
        subject: SubjectHandle::from_bytes(*subject),
        revoked,
    })
}

pub(crate) fn get(
    tx: &dyn ReadTables,
    certificate: &CertificateRef,
) -> Result<Option<CertificateSubject>> {
    tx.get(Table::CertificateSubjects, &key(certificate))?
        .map(|bytes| decode(&bytes))
        .transpose()
}

pub(crate) fn put(
    tx: &mut dyn WriteTables,
    certificate: &CertificateRef,
    link: &CertificateSubject,
) -> Result<()> {
    tx.put(Table::CertificateSubjects, &key(certificate), &encode(link))
}

/// Every known certificate of `certificate_type`, in serial order.
pub(crate) fn of_type(
    tx: &dyn ReadTables,
    certificate_type: CertificateType,
) -> Result<Vec<(CertificateRef, CertificateSubject)>> {
    let prefix = [type_byte(certificate_type)];
    let mut out = Vec::new();
    tx.scan(Table::CertificateSubjects, &prefix, &mut |key, value| {
        let Some(serial) = key.strip_prefix(prefix.as_slice()) else {
            return Ok(false);
        };
        if serial.len() != SerialNumber::MAX_OCTETS {
            return Err(Error::corrupt(WHAT, "key of the wrong length"));
        }
        let serial = serial_from_key(serial).map_err(|e| Error::corrupt(WHAT, e))?;
        out.push((
            CertificateRef {
                certificate_type,
                serial,
            },
            decode(value)?,
        ));
        Ok(true)
    })?;
    Ok(out)
}

/// The serial from its padded key bytes (DER content needs a leading zero before a set top bit).
fn serial_from_key(padded: &[u8]) -> myna_jpki::Result<SerialNumber> {
    let start = padded.iter().position(|b| *b != 0).unwrap_or(padded.len());
    let magnitude = padded.get(start..).unwrap_or_default();
    let mut content = Vec::with_capacity(magnitude.len() + 1);
    if magnitude.first().is_some_and(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(magnitude);
    SerialNumber::from_der_content(&content)
}
