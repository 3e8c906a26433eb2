//! The card as the wallet sees it: the [`Card`] trait, its PINs, and the JPKI application
//! protocol over any APDU [`Transport`].
//!
//! [`JpkiCard`] speaks the JPKI AP (SELECT by AID, SELECT EF, READ BINARY, VERIFY, COMPUTE
//! DIGITAL SIGNATURE) and implements [`Card`]. It runs over the in-process
//! `virtual_card::VirtualCard` (feature `test-ca`) in tests and over a PC/SC reader (feature `pcsc`)
//! with real cards: the same protocol code either way.
//!
//! The trait hands out certificates and signatures, never keys, and never reads the card's
//! text AP: the 12-digit My Number is not something this crate can obtain.
//!
//! ```
//! use myna_jpki::card::{AuthPin, SignPin};
//! assert!(AuthPin::new("1234").is_ok());
//! assert!(AuthPin::new("12345").is_err());
//! assert!(SignPin::new("ABC123").is_ok());
//! assert!(SignPin::new("abc123").is_err()); // upper case only
//! assert_eq!(format!("{:?}", AuthPin::new("1234")?), "AuthPin(<redacted>)");
//! # Ok::<(), myna_jpki::Error>(())
//! ```

use core::fmt;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::apdu::{Command, Response, StatusWord};
use crate::error::{Error, Result};
use crate::profile::JPKI_AID;

pub use crate::reader_problem::ReaderProblem;

/// The DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2 note 1).
pub const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The EFs of the JPKI AP.
pub mod ef {
    /// Authentication certificate (readable without PIN).
    pub const AUTH_CERTIFICATE: u16 = 0x000A;
    /// Authentication CA certificate.
    pub const AUTH_CA: u16 = 0x000B;
    /// Signature certificate (needs the signature PIN).
    pub const SIGN_CERTIFICATE: u16 = 0x0001;
    /// Signature CA certificate.
    pub const SIGN_CA: u16 = 0x0002;
    /// Authentication private key.
    pub const AUTH_KEY: u16 = 0x0017;
    /// Authentication PIN.
    pub const AUTH_PIN: u16 = 0x0018;
    /// Signature private key.
    pub const SIGN_KEY: u16 = 0x001A;
    /// Signature PIN.
    pub const SIGN_PIN: u16 = 0x001B;
}

/// Instruction bytes.
pub mod ins {
    /// SELECT.
    pub const SELECT: u8 = 0xA4;
    /// READ BINARY.
    pub const READ_BINARY: u8 = 0xB0;
    /// VERIFY.
    pub const VERIFY: u8 = 0x20;
    /// COMPUTE DIGITAL SIGNATURE (proprietary class 0x80).
    pub const COMPUTE_SIGNATURE: u8 = 0x2A;
}

/// The 4-digit authentication PIN (3 tries).
#[derive(Clone)]
pub struct AuthPin(Zeroizing<Vec<u8>>);

impl AuthPin {
    /// Tries before the card locks the PIN.
    pub const TRIES: u8 = 3;

    /// Exactly four ASCII digits.
    pub fn new(pin: &str) -> Result<AuthPin> {
        if pin.len() != 4 || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidPinFormat {
                kind: "authentication",
                detail: "must be exactly four digits",
            });
        }
        Ok(AuthPin(Zeroizing::new(pin.as_bytes().to_vec())))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The signature PIN: 6 to 16 upper-case letters and digits (5 tries).
#[derive(Clone)]
pub struct SignPin(Zeroizing<Vec<u8>>);

impl SignPin {
    /// Tries before the card locks the PIN.
    pub const TRIES: u8 = 5;

    /// 6–16 characters from `A`–`Z` and `0`–`9`.
    pub fn new(pin: &str) -> Result<SignPin> {
        if !(6..=16).contains(&pin.len()) {
            return Err(Error::InvalidPinFormat {
                kind: "signature",
                detail: "must be 6 to 16 characters",
            });
        }
        if !pin
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(Error::InvalidPinFormat {
                kind: "signature",
                detail: "only upper-case letters A-Z and digits 0-9",
            });
        }
        Ok(SignPin(Zeroizing::new(pin.as_bytes().to_vec())))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for AuthPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthPin(<redacted>)")
    }
}

impl fmt::Debug for SignPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignPin(<redacted>)")
    }
}

/// Which PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinKind {
    /// The 4-digit authentication PIN.
    Authentication,
    /// The signature PIN.
    Signature,
}

/// A SHA-256 DigestInfo: what the card signs (it adds the PKCS#1 v1.5 padding itself).
///
/// ```
/// use myna_jpki::card::DigestInfo;
/// let di = DigestInfo::sha256(b"abc");
/// assert_eq!(di.as_bytes().len(), 51);
/// assert_eq!(DigestInfo::parse(di.as_bytes()), Some(di));
/// assert_eq!(DigestInfo::parse(&[0; 51]), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestInfo([u8; 51]);

impl DigestInfo {
    /// The DigestInfo of SHA-256(`message`).
    pub fn sha256(message: &[u8]) -> DigestInfo {
        Self::from_sha256_digest(Sha256::digest(message).into())
    }

    /// The DigestInfo of a SHA-256 digest computed elsewhere.
    pub fn from_sha256_digest(digest: [u8; 32]) -> DigestInfo {
        let mut out = [0u8; 51];
        let (prefix, hash) = out.split_at_mut(SHA256_DIGEST_INFO_PREFIX.len());
        prefix.copy_from_slice(&SHA256_DIGEST_INFO_PREFIX);
        hash.copy_from_slice(&digest);
        DigestInfo(out)
    }

    /// Reads a SHA-256 DigestInfo (exactly the 19-byte prefix and a 32-byte hash).
    pub fn parse(bytes: &[u8]) -> Option<DigestInfo> {
        let array: [u8; 51] = bytes.try_into().ok()?;
        array
            .starts_with(&SHA256_DIGEST_INFO_PREFIX)
            .then_some(DigestInfo(array))
    }

    /// The 51 bytes.
    pub fn as_bytes(&self) -> &[u8; 51] {
        &self.0
    }
}

/// Something that carries command APDUs to a card and brings back its responses.
pub trait Transport {
    /// Sends one command and returns the card's response.
    fn transmit(&mut self, command: &Command) -> Result<Response>;
}

/// What the wallet needs from a My Number card.
pub trait Card {
    /// The authentication certificate (DER). Needs no PIN.
    fn read_auth_certificate(&mut self) -> Result<Vec<u8>>;
    /// Signs a DigestInfo with the authentication key after verifying the 4-digit PIN.
    fn sign_with_auth_key(&mut self, pin: &AuthPin, digest_info: &DigestInfo) -> Result<Vec<u8>>;
    /// The signature certificate (DER), which the card releases only after the signature PIN.
    fn read_sign_certificate(&mut self, pin: &SignPin) -> Result<Vec<u8>>;
    /// Signs a DigestInfo with the signature key after verifying the signature PIN.
    fn sign_with_sign_key(&mut self, pin: &SignPin, digest_info: &DigestInfo) -> Result<Vec<u8>>;
    /// Tries left on a PIN, without spending one.
    fn pin_tries_left(&mut self, kind: PinKind) -> Result<u8>;
}

/// The largest certificate EF read (real certificates are under 2 KB).
const MAX_EF_READ: usize = 16 * 1024;
/// READ BINARY chunk size in short APDUs.
const READ_CHUNK: usize = 256;

/// The JPKI application protocol over a [`Transport`]; implements [`Card`].
///
/// ```
/// # use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, card::*, virtual_card::VirtualCard};
/// # use myna_vc_core::time::NumericDate;
/// # let t = NumericDate::from_unix(1_700_000_000);
/// # let key = TestKey::generate()?;
/// # let mut ca = TestCa::new(key.clone(), key.clone(), t)?;
/// # let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
/// #     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市大手町二丁目１２番１号")? };
/// let issued = ca.issue_card(&facts, key.clone(), key, t)?;
/// let mut card = JpkiCard::new(VirtualCard::new(&issued, AuthPin::new("1234")?, SignPin::new("ABC123")?));
/// assert_eq!(card.read_auth_certificate()?, issued.authentication_certificate());
/// assert!(matches!(card.sign_with_auth_key(&AuthPin::new("0000")?, &DigestInfo::sha256(b"x")),
///     Err(myna_jpki::Error::WrongPin { tries_left: 2 })));
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Debug)]
pub struct JpkiCard<T: Transport> {
    transport: T,
}

impl<T: Transport> JpkiCard<T> {
    /// Speaks JPKI over `transport`.
    pub fn new(transport: T) -> JpkiCard<T> {
        JpkiCard { transport }
    }

    /// The transport back.
    pub fn into_inner(self) -> T {
        self.transport
    }

    fn expect_success(&mut self, command: &Command, name: &'static str) -> Result<Vec<u8>> {
        let response = self.transport.transmit(command)?;
        if response.status.is_success() {
            return Ok(response.data);
        }
        Err(Error::CardStatus {
            command: name,
            status: response.status,
        })
    }

    fn select_ap(&mut self) -> Result<()> {
        let command = Command::new(0x00, ins::SELECT, 0x04, 0x0C).with_data(JPKI_AID.to_vec());
        self.expect_success(&command, "SELECT JPKI AP").map(drop)
    }

    fn select_ef(&mut self, file: u16, name: &'static str) -> Result<()> {
        let command =
            Command::new(0x00, ins::SELECT, 0x02, 0x0C).with_data(file.to_be_bytes().to_vec());
        self.expect_success(&command, name).map(drop)
    }

    /// Reads the DER object in the current EF: its header first, then the rest in chunks.
    fn read_der(&mut self) -> Result<Vec<u8>> {
        let head = self.read_binary(0, 4)?;
        let total = der_total_length(&head)?;
        if total > MAX_EF_READ {
            return Err(Error::InputTooLarge {
                what: "certificate EF",
                size: total,
                limit: MAX_EF_READ,
            });
        }
        let mut out = head;
        out.truncate(total);
        while out.len() < total {
            let want = (total - out.len()).min(READ_CHUNK);
            let chunk = self.read_binary(out.len(), want)?;
            if chunk.is_empty() {
                return Err(Error::MalformedApdu(
                    "READ BINARY returned no data before the end".into(),
                ));
            }
            out.extend_from_slice(&chunk);
        }
        out.truncate(total);
        Ok(out)
    }

    fn read_binary(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
        let offset = u16::try_from(offset)
            .ok()
            .filter(|o| *o <= 0x7FFF)
            .ok_or_else(|| Error::MalformedApdu("READ BINARY offset beyond 32767".into()))?;
        let [p1, p2] = offset.to_be_bytes();
        let command =
            Command::new(0x00, ins::READ_BINARY, p1, p2).with_le(len.clamp(1, READ_CHUNK) as u32);
        let response = self.transport.transmit(&command)?;
        match response.status {
            StatusWord::SUCCESS | StatusWord::END_OF_FILE => Ok(response.data),
            status => Err(Error::CardStatus {
                command: "READ BINARY",
                status,
            }),
        }
    }

    fn verify(&mut self, pin_ef: u16, pin: &[u8]) -> Result<()> {
        self.select_ef(pin_ef, "SELECT PIN EF")?;
        let command = Command::new(0x00, ins::VERIFY, 0x00, 0x80).with_data(pin.to_vec());
        let response = self.transport.transmit(&command)?;
        pin_status(response.status)
    }

    fn compute_signature(&mut self, key_ef: u16, digest_info: &DigestInfo) -> Result<Vec<u8>> {
        self.select_ef(key_ef, "SELECT key EF")?;
        let command = Command::new(0x80, ins::COMPUTE_SIGNATURE, 0x00, 0x80)
            .with_data(digest_info.as_bytes().to_vec())
            .with_le(256);
        self.expect_success(&command, "COMPUTE DIGITAL SIGNATURE")
    }

    /// VERIFY of the signature PIN; a card without the signature application (children
    /// under 15) has no PIN EF for it.
    fn verify_sign_pin(&mut self, pin: &SignPin) -> Result<()> {
        match self.verify(ef::SIGN_PIN, pin.as_bytes()) {
            Err(Error::CardStatus {
                status: StatusWord::FILE_NOT_FOUND,
                ..
            }) => Err(Error::NoSignatureCertificate),
            other => other,
        }
    }
}

/// Maps a VERIFY status: 9000 ok, 63Cx wrong with x tries left (63C0 and 6983 locked).
fn pin_status(status: StatusWord) -> Result<()> {
    match (status, status.tries_left()) {
        (StatusWord::SUCCESS, _) => Ok(()),
        (_, Some(0)) | (StatusWord::PIN_BLOCKED, _) => Err(Error::PinLocked),
        (_, Some(tries_left)) => Err(Error::WrongPin { tries_left }),
        _ => Err(Error::CardStatus {
            command: "VERIFY",
            status,
        }),
    }
}

/// The total length of the DER object whose first bytes are `head` (`30 82 LL LL`, …).
fn der_total_length(head: &[u8]) -> Result<usize> {
    let bad = || Error::MalformedApdu("the EF does not start with a DER SEQUENCE".into());
    match head {
        [0x30, len @ 0..=0x7F, ..] => Ok(2 + usize::from(*len)),
        [0x30, 0x81, len, ..] => Ok(3 + usize::from(*len)),
        [0x30, 0x82, hi, lo, ..] => Ok(4 + usize::from(u16::from_be_bytes([*hi, *lo]))),
        _ => Err(bad()),
    }
}

impl<T: Transport> Card for JpkiCard<T> {
    fn read_auth_certificate(&mut self) -> Result<Vec<u8>> {
        self.select_ap()?;
        self.select_ef(ef::AUTH_CERTIFICATE, "SELECT EF 000A")?;
        self.read_der()
    }

    fn sign_with_auth_key(&mut self, pin: &AuthPin, digest_info: &DigestInfo) -> Result<Vec<u8>> {
        self.select_ap()?;
        self.verify(ef::AUTH_PIN, pin.as_bytes())?;
        self.compute_signature(ef::AUTH_KEY, digest_info)
    }

    fn read_sign_certificate(&mut self, pin: &SignPin) -> Result<Vec<u8>> {
        self.select_ap()?;
        self.verify_sign_pin(pin)?;
        self.select_ef(ef::SIGN_CERTIFICATE, "SELECT EF 0001")?;
        self.read_der()
    }

    fn sign_with_sign_key(&mut self, pin: &SignPin, digest_info: &DigestInfo) -> Result<Vec<u8>> {
        self.select_ap()?;
        self.verify_sign_pin(pin)?;
        self.compute_signature(ef::SIGN_KEY, digest_info)
    }

    fn pin_tries_left(&mut self, kind: PinKind) -> Result<u8> {
        self.select_ap()?;
        let file = match kind {
            PinKind::Authentication => ef::AUTH_PIN,
            PinKind::Signature => ef::SIGN_PIN,
        };
        self.select_ef(file, "SELECT PIN EF")?;
        // VERIFY without data asks for the counter and spends no try.
        let response = self
            .transport
            .transmit(&Command::new(0x00, ins::VERIFY, 0x00, 0x80))?;
        match (response.status, response.status.tries_left()) {
            (StatusWord::PIN_BLOCKED, _) => Ok(0),
            (_, Some(n)) => Ok(n),
            (status, None) => Err(Error::CardStatus {
                command: "VERIFY (counter)",
                status,
            }),
        }
    }
}
