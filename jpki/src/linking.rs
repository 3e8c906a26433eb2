//! Linking information: how certificates of one person relate across renewals.
//!
//! Nothing on the card stays stable across renewal: new keys, new serials, and a new
//! signature certificate whenever the four facts change. J-LIS gives registered verifiers
//! *linking information*: the signature certificate ↔ authentication certificate of one
//! person, and old certificate → its successor. A stable pseudonym follows these links.
//! [`LinkingInformation`] is the seam a real platform-operator client will implement;
//! [`InMemoryLinking`] is the mock the test CA feeds.
//!
//! ```
//! use myna_jpki::{linking::{CertificateRef, InMemoryLinking, LinkingInformation},
//!     certificate::SerialNumber, profile::CertificateType};
//! let auth = |n| CertificateRef { certificate_type: CertificateType::Authentication, serial: SerialNumber::from_u64(n).unwrap() };
//! let mut links = InMemoryLinking::default();
//! links.record_successor(auth(1), auth(2));
//! links.record_successor(auth(2), auth(3));
//! assert_eq!(links.current(auth(1))?, auth(3));
//! assert_eq!(links.successor(&auth(3))?, None);
//! # Ok::<(), myna_jpki::Error>(())
//! ```

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::profile::CertificateType;
use crate::serial::SerialNumber;

/// How far [`LinkingInformation::current`] follows successors before calling it a loop (a
/// card is renewed every five or ten years; 64 renewals is centuries).
pub const MAX_RENEWALS: usize = 64;

/// One certificate, by type and serial (serials are unique per issuing root).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertificateRef {
    /// Its type.
    pub certificate_type: CertificateType,
    /// Its serial.
    pub serial: SerialNumber,
}

/// Linking information as J-LIS provides it to registered verifiers.
pub trait LinkingInformation {
    /// The authentication certificate of the person who holds signature certificate `signature`.
    fn authentication_for_signature(
        &self,
        signature: &SerialNumber,
    ) -> Result<Option<SerialNumber>>;

    /// The signature certificate currently paired with authentication certificate
    /// `authentication` (none for children under 15).
    fn signature_for_authentication(
        &self,
        authentication: &SerialNumber,
    ) -> Result<Option<SerialNumber>>;

    /// The certificate that replaced `old` (renewal, or new facts for a signature certificate).
    fn successor(&self, old: &CertificateRef) -> Result<Option<CertificateRef>>;

    /// The newest certificate in `start`'s line of successors.
    fn current(&self, start: CertificateRef) -> Result<CertificateRef> {
        let mut at = start;
        for _ in 0..MAX_RENEWALS {
            match self.successor(&at)? {
                Some(next) => at = next,
                None => return Ok(at),
            }
        }
        Err(Error::Linking(format!(
            "more than {MAX_RENEWALS} successors from {} certificate {}: a loop",
            start.certificate_type, start.serial
        )))
    }
}

/// An in-memory [`LinkingInformation`], fed by the test CA (`test_ca::TestCa`, feature `test-ca`).
#[derive(Debug, Clone, Default)]
pub struct InMemoryLinking {
    auth_of_sign: HashMap<SerialNumber, SerialNumber>,
    sign_of_auth: HashMap<SerialNumber, SerialNumber>,
    successors: HashMap<CertificateRef, CertificateRef>,
}

impl InMemoryLinking {
    /// Records that `signature` and `authentication` belong to one person (the newest
    /// signature certificate wins for the authentication side).
    pub fn record_pair(&mut self, signature: SerialNumber, authentication: SerialNumber) {
        self.auth_of_sign.insert(signature, authentication);
        self.sign_of_auth.insert(authentication, signature);
    }

    /// Records that `new` replaced `old`.
    pub fn record_successor(&mut self, old: CertificateRef, new: CertificateRef) {
        self.successors.insert(old, new);
    }

    /// Every recorded `(signature, authentication)` pair, by signature serial: what a
    /// linking file lists, one pair a line.
    ///
    /// ```
    /// use myna_jpki::{linking::InMemoryLinking, certificate::SerialNumber};
    /// let s = |n| SerialNumber::from_u64(n).unwrap();
    /// let mut links = InMemoryLinking::default();
    /// links.record_pair(s(7), s(6));
    /// links.record_pair(s(3), s(2));
    /// assert_eq!(links.pairs(), [(s(3), s(2)), (s(7), s(6))]);
    /// ```
    pub fn pairs(&self) -> Vec<(SerialNumber, SerialNumber)> {
        let mut pairs: Vec<_> = self
            .auth_of_sign
            .iter()
            .map(|(signature, authentication)| (*signature, *authentication))
            .collect();
        pairs.sort();
        pairs
    }

    /// Every recorded `(old, new)` succession, authentication certificates first, each type
    /// by old serial.
    pub fn successions(&self) -> Vec<(CertificateRef, CertificateRef)> {
        let mut successions: Vec<_> = self
            .successors
            .iter()
            .map(|(old, new)| (*old, *new))
            .collect();
        successions.sort_by_key(|(old, _)| (old.certificate_type, old.serial));
        successions
    }
}

impl LinkingInformation for InMemoryLinking {
    fn authentication_for_signature(
        &self,
        signature: &SerialNumber,
    ) -> Result<Option<SerialNumber>> {
        Ok(self.auth_of_sign.get(signature).copied())
    }

    fn signature_for_authentication(
        &self,
        authentication: &SerialNumber,
    ) -> Result<Option<SerialNumber>> {
        Ok(self.sign_of_auth.get(authentication).copied())
    }

    fn successor(&self, old: &CertificateRef) -> Result<Option<CertificateRef>> {
        Ok(self.successors.get(old).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_successor_loop_is_an_error_not_a_hang() {
        let r = |n| CertificateRef {
            certificate_type: CertificateType::Signature,
            serial: SerialNumber::from_u64(n).unwrap(),
        };
        let mut links = InMemoryLinking::default();
        links.record_successor(r(1), r(2));
        links.record_successor(r(2), r(1));
        assert!(matches!(links.current(r(1)), Err(Error::Linking(_))));
    }
}
