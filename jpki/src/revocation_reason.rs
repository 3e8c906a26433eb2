//! Why a certificate was revoked: the RFC 5280 CRLReason codes and the JPKI events behind them.
//!
//! Kept apart from [`crate::crl`] and re-exported there: [`crate::Error`] carries a reason, so
//! this module must not depend on the error type (no module cycle).

use core::fmt;

/// Why a certificate was revoked (RFC 5280 CRLReason), with the JPKI events that lead to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RevocationReason {
    /// 0: no reason given (also what an entry without a reason code means).
    Unspecified = 0,
    /// 1: the private key may be in someone else's hands: the card was lost or stolen.
    KeyCompromise = 1,
    /// 2: the CA's key was compromised.
    CaCompromise = 2,
    /// 3: a fact in the certificate changed: moving house, marriage (name), correction.
    AffiliationChanged = 3,
    /// 4: replaced by a new certificate: card renewal, certificate renewal.
    Superseded = 4,
    /// 5: no longer needed: card returned, holder deceased, left Japan.
    CessationOfOperation = 5,
    /// 6: temporarily suspended (一時停止).
    CertificateHold = 6,
    /// 8: a hold was lifted (delta CRLs only).
    RemoveFromCrl = 8,
    /// 9: the privilege was withdrawn.
    PrivilegeWithdrawn = 9,
    /// 10: the attribute authority was compromised.
    AaCompromise = 10,
}

impl RevocationReason {
    /// The holder moved house (or another of the four facts changed).
    pub const MOVING_HOUSE: RevocationReason = RevocationReason::AffiliationChanged;
    /// The card was renewed.
    pub const CARD_RENEWAL: RevocationReason = RevocationReason::Superseded;
    /// The card was lost.
    pub const LOSS: RevocationReason = RevocationReason::KeyCompromise;

    const ALL: [RevocationReason; 10] = [
        RevocationReason::Unspecified,
        RevocationReason::KeyCompromise,
        RevocationReason::CaCompromise,
        RevocationReason::AffiliationChanged,
        RevocationReason::Superseded,
        RevocationReason::CessationOfOperation,
        RevocationReason::CertificateHold,
        RevocationReason::RemoveFromCrl,
        RevocationReason::PrivilegeWithdrawn,
        RevocationReason::AaCompromise,
    ];

    /// The RFC 5280 code.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The reason of an RFC 5280 code (7 and anything above 10 are unassigned).
    pub fn from_code(code: u8) -> Option<RevocationReason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RevocationReason::Unspecified => "unspecified",
            RevocationReason::KeyCompromise => "key compromise (card lost or stolen)",
            RevocationReason::CaCompromise => "CA compromise",
            RevocationReason::AffiliationChanged => {
                "the holder's facts changed (moved house, new name)"
            }
            RevocationReason::Superseded => "superseded (card or certificate renewed)",
            RevocationReason::CessationOfOperation => "cessation of operation (card returned)",
            RevocationReason::CertificateHold => "certificate on hold",
            RevocationReason::RemoveFromCrl => "removed from CRL",
            RevocationReason::PrivilegeWithdrawn => "privilege withdrawn",
            RevocationReason::AaCompromise => "AA compromise",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_round_trip() {
        for r in RevocationReason::ALL {
            assert_eq!(RevocationReason::from_code(r.code()), Some(r));
        }
    }
}
