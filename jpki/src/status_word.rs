//! The ISO/IEC 7816-4 status word a card ends every response with.
//!
//! Kept apart from [`crate::apdu`] and re-exported there: [`crate::Error`] carries a status
//! word, so this module must not depend on the error type (no module cycle).

use core::fmt;

/// A two-byte status word (SW1 SW2).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusWord(pub u16);

impl StatusWord {
    /// 9000: success.
    pub const SUCCESS: StatusWord = StatusWord(0x9000);
    /// 6282: end of file reached before Le bytes.
    pub const END_OF_FILE: StatusWord = StatusWord(0x6282);
    /// 6700: wrong length.
    pub const WRONG_LENGTH: StatusWord = StatusWord(0x6700);
    /// 6981: command incompatible with the file structure.
    pub const INCOMPATIBLE_FILE: StatusWord = StatusWord(0x6981);
    /// 6982: security status not satisfied (PIN not verified).
    pub const SECURITY_NOT_SATISFIED: StatusWord = StatusWord(0x6982);
    /// 6983: authentication method blocked (PIN locked).
    pub const PIN_BLOCKED: StatusWord = StatusWord(0x6983);
    /// 6986: command not allowed (no current EF of the right kind).
    pub const NOT_ALLOWED: StatusWord = StatusWord(0x6986);
    /// 6A80: incorrect data field.
    pub const WRONG_DATA: StatusWord = StatusWord(0x6A80);
    /// 6A82: file or application not found.
    pub const FILE_NOT_FOUND: StatusWord = StatusWord(0x6A82);
    /// 6A86: incorrect P1-P2.
    pub const WRONG_P1P2: StatusWord = StatusWord(0x6A86);
    /// 6B00: offset outside the EF.
    pub const WRONG_OFFSET: StatusWord = StatusWord(0x6B00);
    /// 6D00: instruction not supported.
    pub const INS_NOT_SUPPORTED: StatusWord = StatusWord(0x6D00);
    /// 6E00: class not supported.
    pub const CLA_NOT_SUPPORTED: StatusWord = StatusWord(0x6E00);

    /// `63Cx`: a wrong PIN with `x` tries left.
    pub const fn wrong_pin(tries_left: u8) -> StatusWord {
        StatusWord(0x63C0 | (tries_left as u16 & 0x0F))
    }

    /// The tries left of a `63Cx` status.
    pub const fn tries_left(self) -> Option<u8> {
        if self.0 & 0xFFF0 == 0x63C0 {
            Some((self.0 & 0x0F) as u8)
        } else {
            None
        }
    }

    /// Whether it is 9000.
    pub const fn is_success(self) -> bool {
        self.0 == 0x9000
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.0)
    }
}

impl fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatusWord({self})")
    }
}
