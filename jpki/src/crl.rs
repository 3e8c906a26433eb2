//! Certificate revocation lists: parse, verify against the issuing root, look up a serial.
//!
//! Real JPKI CRLs hold millions of entries, so parsing does not build an object per entry the
//! way x509-parser's CRL parser does (a `BigUint`, a `Vec` of parsed extensions and their
//! allocations each). It walks the DER once, one slice split per TLV, and keeps a sorted
//! index of fixed-size `(serial, date, reason)` records, 32 bytes an entry, allocated once at
//! the exact count. A lookup is a binary search over that array.
//!
//! ```
//! use myna_jpki::crl::RevocationReason;
//! assert_eq!(RevocationReason::MOVING_HOUSE, RevocationReason::AffiliationChanged);
//! assert_eq!(RevocationReason::from_code(4), Some(RevocationReason::Superseded));
//! assert_eq!(RevocationReason::from_code(7), None); // 7 is unassigned in RFC 5280
//! ```

use der::Decode;
use myna_vc_core::crypto::CryptoProvider;
use myna_vc_core::time::NumericDate;

use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::profile::{oid, CertificateType};
use crate::roots::{RootSet, Signed};
use crate::serial::SerialNumber;
use crate::tlv::{self, tag, Tlv};

pub use crate::revocation_reason::RevocationReason;

/// The largest CRL accepted: 1 GiB (a national CRL with tens of millions of entries).
pub const MAX_CRL_BYTES: usize = 1 << 30;

const WHAT: &str = "CRL";

/// A CRL entry: which certificate, when and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revocation {
    /// The revoked certificate's serial number.
    pub serial: SerialNumber,
    /// Why.
    pub reason: RevocationReason,
    /// When (the entry's revocationDate).
    pub revoked_at: NumericDate,
}

/// One index record: 20 + 8 + 1 bytes, 32 with alignment.
#[derive(Debug, Clone, Copy)]
struct Entry {
    serial: SerialNumber,
    revoked_at: i64,
    reason: RevocationReason,
}

/// A CRL whose structure has been walked but whose signature is not yet checked.
///
/// It offers no lookup: only [`CrlDocument::verify`] turns it into a usable [`Crl`].
#[derive(Debug)]
pub struct CrlDocument<'a> {
    tbs: &'a [u8],
    signature: &'a [u8],
    issuer_der: &'a [u8],
    authority_key_id: Option<&'a [u8]>,
    this_update: NumericDate,
    next_update: NumericDate,
    entries: Vec<Entry>,
}

impl<'a> CrlDocument<'a> {
    /// Walks a DER CRL (v2, sha256WithRSAEncryption) and indexes its entries.
    ///
    /// Every malformation is a typed error: [`Error::Der`] for structure,
    /// [`Error::UnsupportedAlgorithm`] for the signature algorithm,
    /// [`Error::UnknownCriticalExtension`] for a critical CRL or entry extension this crate
    /// does not implement (delta CRLs, issuing distribution points, indirect CRLs).
    pub fn parse(der: &'a [u8]) -> Result<CrlDocument<'a>> {
        Error::check_size(WHAT, der.len(), MAX_CRL_BYTES)?;
        let list = tlv::exactly(der, tag::SEQUENCE, WHAT)?;
        let (tbs, rest) = tlv::expect(list.content, tag::SEQUENCE, WHAT)?;
        let (outer_alg, rest) = tlv::expect(rest, tag::SEQUENCE, WHAT)?;
        let signature = tlv::exactly(rest, tag::BIT_STRING, WHAT)?;
        check_algorithm(outer_alg)?;
        let signature = match signature.content.split_first() {
            Some((0, bits)) => bits,
            _ => {
                return Err(Error::der(
                    WHAT,
                    "signature BIT STRING must have no unused bits",
                ))
            }
        };
        let mut document = Self::parse_tbs(tbs.content)?;
        document.tbs = tbs.encoded;
        document.signature = signature;
        Ok(document)
    }

    fn parse_tbs(input: &'a [u8]) -> Result<CrlDocument<'a>> {
        let (first, mut rest) = tlv::split(input, WHAT)?;
        let alg = if first.tag == tag::INTEGER {
            if first.content != [1] {
                return Err(Error::der(WHAT, "only version 2 CRLs are supported"));
            }
            let (alg, after) = tlv::expect(rest, tag::SEQUENCE, WHAT)?;
            rest = after;
            alg
        } else {
            return Err(Error::der(
                WHAT,
                "version 1 CRLs (no version field) are not supported",
            ));
        };
        check_algorithm(alg)?;
        let (issuer, rest) = tlv::expect(rest, tag::SEQUENCE, WHAT)?;
        let (this_update, rest) = tlv::split(rest, WHAT)?;
        let this_update = decode_time(this_update)?;
        let (next_update, mut rest) = tlv::split(rest, WHAT)
            .map_err(|_| Error::der(WHAT, "no nextUpdate: the CRL's freshness cannot be judged"))?;
        let next_update = decode_time(next_update)
            .map_err(|_| Error::der(WHAT, "no nextUpdate: the CRL's freshness cannot be judged"))?;
        let mut entries = Vec::new();
        let mut authority_key_id = None;
        if let Ok((tlv, after)) = tlv::split(rest, WHAT) {
            if tlv.tag == tag::SEQUENCE {
                entries = index_entries(tlv.content)?;
                rest = after;
            }
        }
        if !rest.is_empty() {
            let extensions = tlv::exactly(rest, tag::CONTEXT_0, WHAT)?;
            authority_key_id = read_crl_extensions(extensions.content)?;
        }
        Ok(CrlDocument {
            tbs: &[],
            signature: &[],
            issuer_der: issuer.encoded,
            authority_key_id,
            this_update,
            next_update,
            entries,
        })
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the CRL revokes nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Checks the signature against the trusted roots (by name, key identifier and signature)
    /// and returns the usable CRL, bound to the root that signed it.
    pub fn verify(self, roots: &RootSet, provider: &dyn CryptoProvider) -> Result<Crl> {
        let issuer_display = issuer_display(self.issuer_der);
        let root = roots.find_issuer(
            Signed {
                what: WHAT,
                issuer_der: self.issuer_der,
                issuer_display: &issuer_display,
                authority_key_id: self.authority_key_id,
                tbs: self.tbs,
                signature: self.signature,
            },
            provider,
        )?;
        Ok(Crl {
            issuer: root.fingerprint(),
            certificate_type: root.certificate_type(),
            this_update: self.this_update,
            next_update: self.next_update,
            entries: self.entries,
        })
    }
}

fn issuer_display(issuer_der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    x509_parser::x509::X509Name::from_der(issuer_der)
        .map(|(_, name)| name.to_string())
        .unwrap_or_else(|_| "(unreadable name)".into())
}

/// A verified CRL: an index of revoked serials, bound to the root that signed it.
///
/// ```
/// # use myna_jpki::{test_ca::{TestCa, TestKey}, crl::{Crl, RevocationReason}, profile::CertificateType, certificate::SerialNumber};
/// # use myna_vc_core::{crypto::default_provider, time::NumericDate};
/// # let t = NumericDate::from_unix(1_700_000_000);
/// # let mut ca = TestCa::new(TestKey::generate()?, TestKey::generate()?, t)?;
/// let serial = SerialNumber::from_u64(42)?;
/// ca.revoke(CertificateType::Signature, serial, RevocationReason::MOVING_HOUSE, t);
/// let der = ca.crl(CertificateType::Signature, t, t.plus_seconds(86_400))?;
/// let crl = Crl::parse(&der, &ca.root_set(default_provider())?, default_provider())?;
/// let hit = crl.lookup(&serial).unwrap();
/// assert_eq!(hit.reason, RevocationReason::AffiliationChanged);
/// assert_eq!(hit.revoked_at, t);
/// assert!(crl.lookup(&SerialNumber::from_u64(43)?).is_none());
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Crl {
    issuer: Fingerprint,
    certificate_type: CertificateType,
    this_update: NumericDate,
    next_update: NumericDate,
    entries: Vec<Entry>,
}

impl Crl {
    /// Parses and verifies in one step.
    pub fn parse(der: &[u8], roots: &RootSet, provider: &dyn CryptoProvider) -> Result<Crl> {
        CrlDocument::parse(der)?.verify(roots, provider)
    }

    /// The revocation of `serial`, if this CRL lists it.
    pub fn lookup(&self, serial: &SerialNumber) -> Option<Revocation> {
        let i = self
            .entries
            .binary_search_by(|e| e.serial.cmp(serial))
            .ok()?;
        self.entries.get(i).map(|e| Revocation {
            serial: e.serial,
            reason: e.reason,
            revoked_at: NumericDate::from_unix(e.revoked_at),
        })
    }

    /// The fingerprint of the root that signed it.
    pub fn issuer(&self) -> Fingerprint {
        self.issuer
    }

    /// The type of certificates it covers (its root's type).
    pub fn certificate_type(&self) -> CertificateType {
        self.certificate_type
    }

    /// thisUpdate.
    pub fn this_update(&self) -> NumericDate {
        self.this_update
    }

    /// nextUpdate.
    pub fn next_update(&self) -> NumericDate {
        self.next_update
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it revokes nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// [`Error::CrlNotYetValid`] or [`Error::CrlStale`] unless `at` lies in
    /// `[thisUpdate, nextUpdate]`.
    pub fn check_current(&self, at: NumericDate) -> Result<()> {
        if at < self.this_update {
            return Err(Error::CrlNotYetValid {
                this_update: self.this_update,
                at,
            });
        }
        if at > self.next_update {
            return Err(Error::CrlStale {
                next_update: self.next_update,
                at,
            });
        }
        Ok(())
    }
}

/// The AlgorithmIdentifier must be sha256WithRSAEncryption with NULL or absent parameters.
fn check_algorithm(alg: Tlv<'_>) -> Result<()> {
    let (id, params) = tlv::expect(alg.content, tag::OID, WHAT)?;
    if id.content != oid::SHA256_WITH_RSA.as_bytes()
        || !(params.is_empty() || params == [0x05, 0x00])
    {
        let found = der::oid::ObjectIdentifier::from_bytes(id.content)
            .map_or_else(|_| "(invalid OID)".into(), |o| o.to_string());
        return Err(Error::UnsupportedAlgorithm { what: WHAT, found });
    }
    Ok(())
}

/// UTCTime or GeneralizedTime, as `der` validates them.
fn decode_time(time: Tlv<'_>) -> Result<NumericDate> {
    let duration = match time.tag {
        tag::UTC_TIME => der::asn1::UtcTime::from_der(time.encoded).map(|t| t.to_unix_duration()),
        tag::GENERALIZED_TIME => {
            der::asn1::GeneralizedTime::from_der(time.encoded).map(|t| t.to_unix_duration())
        }
        _ => {
            return Err(Error::der(
                WHAT,
                "a time must be UTCTime or GeneralizedTime",
            ))
        }
    }
    .map_err(|e| Error::der(WHAT, format!("bad time: {e}")))?;
    let secs =
        i64::try_from(duration.as_secs()).map_err(|_| Error::der(WHAT, "time out of range"))?;
    Ok(NumericDate::from_unix(secs))
}

/// The smallest revokedCertificates entry: `SEQUENCE { INTEGER (one octet), UTCTime }` is
/// 2 + 3 + 15 bytes.
const MIN_ENTRY_BYTES: usize = 20;

/// Counts, then indexes, the revokedCertificates; sorted by serial for binary search.
///
/// The count pass refuses an entry shorter than [`MIN_ENTRY_BYTES`], so the one allocation
/// (32 bytes an entry) stays within 1.6 times the list's size: a list of empty SEQUENCEs
/// (2 bytes each) would otherwise reserve 16 times its size before the first entry is read.
fn index_entries(list: &[u8]) -> Result<Vec<Entry>> {
    let mut count = 0usize;
    let mut rest = list;
    while !rest.is_empty() {
        let (entry, after) = tlv::expect(rest, tag::SEQUENCE, WHAT)?;
        if entry.encoded.len() < MIN_ENTRY_BYTES {
            return Err(Error::der(
                WHAT,
                format!(
                    "entry {count} is {} bytes, shorter than the smallest entry ({MIN_ENTRY_BYTES})",
                    entry.encoded.len()
                ),
            ));
        }
        rest = after;
        count += 1;
    }
    let mut entries = Vec::with_capacity(count);
    let mut rest = list;
    while !rest.is_empty() {
        let (entry, after) = tlv::expect(rest, tag::SEQUENCE, WHAT)?;
        entries.push(read_entry(entry.content)?);
        rest = after;
    }
    entries.sort_unstable_by_key(|e| e.serial);
    Ok(entries)
}

fn read_entry(entry: &[u8]) -> Result<Entry> {
    let (serial, rest) = tlv::expect(entry, tag::INTEGER, WHAT)?;
    let serial = SerialNumber::from_der_content(serial.content)
        .map_err(|e| Error::der(WHAT, format!("entry serial: {e}")))?;
    let (date, rest) = tlv::split(rest, WHAT)?;
    let revoked_at = decode_time(date)?.as_unix();
    let reason = if rest.is_empty() {
        RevocationReason::Unspecified
    } else {
        let extensions = tlv::exactly(rest, tag::SEQUENCE, WHAT)?;
        read_entry_extensions(extensions.content)?
    };
    Ok(Entry {
        serial,
        revoked_at,
        reason,
    })
}

/// One Extension, as content slices.
struct ExtensionRef<'a> {
    id: &'a [u8],
    critical: bool,
    value: &'a [u8],
}

/// Splits one Extension off `input`, returning it and the rest.
fn split_extension(input: &[u8]) -> Result<(ExtensionRef<'_>, &[u8])> {
    let (ext, rest) = tlv::expect(input, tag::SEQUENCE, WHAT)?;
    let (id, body) = tlv::expect(ext.content, tag::OID, WHAT)?;
    let (field, after) = tlv::split(body, WHAT)?;
    let (critical, value) = if field.tag == tag::BOOLEAN {
        let critical = match field.content {
            [0xFF] => true,
            [0x00] => false,
            _ => return Err(Error::der(WHAT, "BOOLEAN must be 00 or FF")),
        };
        (critical, tlv::exactly(after, tag::OCTET_STRING, WHAT)?)
    } else {
        (false, tlv::exactly(body, tag::OCTET_STRING, WHAT)?)
    };
    Ok((
        ExtensionRef {
            id: id.content,
            critical,
            value: value.content,
        },
        rest,
    ))
}

fn unknown_critical(id: &[u8]) -> Error {
    let oid = der::oid::ObjectIdentifier::from_bytes(id)
        .map_or_else(|_| "(invalid OID)".into(), |o| o.to_string());
    Error::UnknownCriticalExtension { oid }
}

/// Calls `visit` on each Extension of a run of them, in order.
fn for_each_extension<'a>(
    mut input: &'a [u8],
    mut visit: impl FnMut(ExtensionRef<'a>) -> Result<()>,
) -> Result<()> {
    while !input.is_empty() {
        let (extension, rest) = split_extension(input)?;
        visit(extension)?;
        input = rest;
    }
    Ok(())
}

fn read_entry_extensions(input: &[u8]) -> Result<RevocationReason> {
    let mut reason = RevocationReason::Unspecified;
    for_each_extension(
        input,
        |ExtensionRef {
             id,
             critical,
             value,
         }| {
            if id == oid::CRL_REASON.as_bytes() {
                let code = tlv::exactly(value, tag::ENUMERATED, WHAT)?;
                let [code] = code.content else {
                    return Err(Error::der(WHAT, "reason code must be one octet"));
                };
                reason = RevocationReason::from_code(*code)
                    .ok_or_else(|| Error::der(WHAT, format!("unknown reason code {code}")))?;
            } else if critical && id != oid::INVALIDITY_DATE.as_bytes() {
                return Err(unknown_critical(id));
            }
            Ok(())
        },
    )?;
    Ok(reason)
}

/// Reads crlExtensions; returns the authority key identifier, if any.
fn read_crl_extensions(explicit: &[u8]) -> Result<Option<&[u8]>> {
    let list = tlv::exactly(explicit, tag::SEQUENCE, WHAT)?;
    let mut key_id = None;
    for_each_extension(
        list.content,
        |ExtensionRef {
             id,
             critical,
             value,
         }| {
            if id == oid::AUTHORITY_KEY_IDENTIFIER.as_bytes() {
                let aki = tlv::exactly(value, tag::SEQUENCE, WHAT)?;
                // keyIdentifier is [0] IMPLICIT OCTET STRING, the first optional field.
                if let Ok((field, _)) = tlv::split(aki.content, WHAT) {
                    key_id = (field.tag == 0x80).then_some(field.content);
                }
            } else if critical && id != oid::CRL_NUMBER.as_bytes() {
                return Err(unknown_critical(id));
            }
            Ok(())
        },
    )?;
    Ok(key_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_32_bytes() {
        assert_eq!(core::mem::size_of::<Entry>(), 32);
    }

    /// `SEQUENCE { INTEGER serial, UTCTime 2024-01-01 }`: the smallest entry for one octet.
    fn smallest_entry(serial: u8) -> Vec<u8> {
        let mut entry = vec![0x30, 0x12, 0x02, 0x01, serial, 0x17, 0x0D];
        entry.extend_from_slice(b"240101000000Z");
        entry
    }

    #[test]
    fn the_smallest_entry_is_indexed() {
        let entry = smallest_entry(7);
        assert_eq!(entry.len(), MIN_ENTRY_BYTES);
        let list = [smallest_entry(9), entry].concat();
        let entries = index_entries(&list).unwrap();
        let serials: Vec<_> = entries.iter().map(|e| e.serial).collect();
        assert_eq!(
            serials,
            [
                SerialNumber::from_u64(7).unwrap(),
                SerialNumber::from_u64(9).unwrap()
            ]
        );
    }

    #[test]
    fn short_entries_are_refused_before_the_index_is_allocated() {
        // 100 000 empty SEQUENCEs: the count pass refuses the first one, so no index of
        // 100 000 × 32 bytes is reserved for 200 000 bytes of input.
        let empty: Vec<u8> = [0x30, 0x00].repeat(100_000);
        let err = index_entries(&empty).unwrap_err();
        assert_eq!(
            err,
            Error::der(
                WHAT,
                "entry 0 is 2 bytes, shorter than the smallest entry (20)"
            )
        );
        let mut list = smallest_entry(1);
        list.extend_from_slice(&[0x30, 0x01, 0x00]);
        let err = index_entries(&list).unwrap_err();
        assert_eq!(
            err,
            Error::der(
                WHAT,
                "entry 1 is 3 bytes, shorter than the smallest entry (20)"
            )
        );
        // Something other than a SEQUENCE in the list is refused by the count pass too.
        assert!(index_entries(&[0x02, 0x01, 0x01]).is_err());
    }

    #[test]
    fn entry_with_unknown_critical_extension_is_refused() {
        // SEQUENCE { INTEGER 5, UTCTime, SEQUENCE { SEQUENCE { OID 2.5.29.29, TRUE, OCTET STRING {} } } }
        let mut entry = vec![0x02, 0x01, 0x05];
        entry.extend_from_slice(&[0x17, 0x0D]);
        entry.extend_from_slice(b"240101000000Z");
        entry.extend_from_slice(&[
            0x30, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x1D, 0x1D, 0x01, 0x01, 0xFF, 0x04, 0x00,
        ]);
        let err = read_entry(&entry).unwrap_err();
        assert_eq!(
            err,
            Error::UnknownCriticalExtension {
                oid: "2.5.29.29".into()
            }
        );
    }
}
