//! A virtual My Number card that speaks the JPKI application at the APDU level.
//!
//! It holds what [`crate::test_ca::TestCa`] issued onto a card and behaves like the card's
//! JPKI AP: SELECT by AID and by EF, READ BINARY (the signature certificate only after the
//! signature PIN), VERIFY with retry counters and lock-out (4-digit PIN with 3 tries, signature
//! PIN with 5), and COMPUTE DIGITAL SIGNATURE over a SHA-256 DigestInfo with the PKCS#1 v1.5
//! padding done on the card side. Its keys never leave it: no command reads a key EF. Between
//! uses it lives in a card file ([`VirtualCard::to_file_json`], [`VirtualCard::from_file_json`])
//! that keeps its PIN counters.
//!
//! ```
//! # use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, card::*, apdu::*, virtual_card::VirtualCard};
//! # use myna_vc_core::time::NumericDate;
//! # let t = NumericDate::from_unix(1_700_000_000);
//! # let key = TestKey::generate()?;
//! # let mut ca = TestCa::new(key.clone(), key.clone(), t)?;
//! # let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
//! #     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市大手町二丁目１２番１号")? };
//! # let issued = ca.issue_card(&facts, key.clone(), key, t)?;
//! let mut card = VirtualCard::new(&issued, AuthPin::new("1234")?, SignPin::new("ABC123")?);
//! // Reading a key EF is refused whatever the PIN state.
//! card.transmit_bytes(&[0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01])?;
//! card.transmit_bytes(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x17])?;
//! assert_eq!(card.transmit_bytes(&[0x00, 0xB0, 0x00, 0x00, 0x00])?, [0x69, 0x81]);
//! // Garbage is a typed error, not a panic.
//! assert!(card.transmit_bytes(&[0x00]).is_err());
//! # Ok::<(), myna_jpki::Error>(())
//! ```

mod card_file;

use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::apdu::{Command, Response, StatusWord};
use crate::card::{ef, ins, AuthPin, DigestInfo, SignPin, Transport};
use crate::error::Result;
use crate::profile::JPKI_AID;
use crate::test_ca::{IssuedCard, TestKey};

/// The longest PIN (signature PINs are at most 16 characters).
const PIN_CAPACITY: usize = 16;

/// A PIN as the card stores it, with its counter.
struct PinState {
    secret: Zeroizing<[u8; PIN_CAPACITY]>,
    len: u8,
    max_tries: u8,
    tries_left: u8,
    verified: bool,
}

impl PinState {
    fn new(pin: &[u8], max_tries: u8) -> PinState {
        let mut secret = Zeroizing::new([0u8; PIN_CAPACITY]);
        let len = pin.len().min(PIN_CAPACITY);
        if let (Some(dst), Some(src)) = (secret.get_mut(..len), pin.get(..len)) {
            dst.copy_from_slice(src);
        }
        PinState {
            secret,
            len: len as u8,
            max_tries,
            tries_left: max_tries,
            verified: false,
        }
    }

    /// Compares in constant time over the whole buffer; the length is compared too, so
    /// neither timing nor a prefix reveals the PIN.
    fn matches(&self, candidate: &[u8]) -> bool {
        if candidate.len() > PIN_CAPACITY {
            return false;
        }
        let mut padded = Zeroizing::new([0u8; PIN_CAPACITY]);
        if let Some(dst) = padded.get_mut(..candidate.len()) {
            dst.copy_from_slice(candidate);
        }
        let same_bytes = padded.as_slice().ct_eq(self.secret.as_slice());
        let same_len = (candidate.len() as u8).ct_eq(&self.len);
        bool::from(same_bytes & same_len)
    }

    fn verify(&mut self, candidate: &[u8]) -> StatusWord {
        if self.tries_left == 0 {
            return StatusWord::PIN_BLOCKED;
        }
        if candidate.is_empty() {
            return StatusWord::wrong_pin(self.tries_left);
        }
        if self.matches(candidate) {
            self.tries_left = self.max_tries;
            self.verified = true;
            return StatusWord::SUCCESS;
        }
        self.tries_left -= 1;
        self.verified = false;
        StatusWord::wrong_pin(self.tries_left)
    }
}

/// The signature side of the card (absent for children under 15).
struct SignatureApp {
    certificate: Vec<u8>,
    ca: Vec<u8>,
    key: TestKey,
    pin: PinState,
}

/// The virtual card. See the [module docs](self).
pub struct VirtualCard {
    ap_selected: bool,
    current: Option<u16>,
    auth_certificate: Vec<u8>,
    auth_ca: Vec<u8>,
    auth_key: TestKey,
    auth_pin: PinState,
    signature: Option<SignatureApp>,
}

impl fmt::Debug for VirtualCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VirtualCard")
            .field("ap_selected", &self.ap_selected)
            .field("current", &self.current)
            .field("has_signature_app", &self.signature.is_some())
            .finish_non_exhaustive()
    }
}

impl VirtualCard {
    /// A card holding what the test CA issued, protected by these PINs.
    pub fn new(issued: &IssuedCard, auth_pin: AuthPin, sign_pin: SignPin) -> VirtualCard {
        let signature = match (issued.signature_certificate(), issued.signature_key()) {
            (Some(certificate), Some(key)) => Some(SignatureApp {
                certificate: certificate.to_vec(),
                ca: issued.signature_root().to_vec(),
                key: key.clone(),
                pin: PinState::new(sign_pin.as_bytes(), SignPin::TRIES),
            }),
            _ => None,
        };
        VirtualCard {
            ap_selected: false,
            current: None,
            auth_certificate: issued.authentication_certificate().to_vec(),
            auth_ca: issued.authentication_root().to_vec(),
            auth_key: issued.authentication_key().clone(),
            auth_pin: PinState::new(auth_pin.as_bytes(), AuthPin::TRIES),
            signature,
        }
    }

    /// The authentication certificate's DER (what EF `000A` holds).
    pub fn authentication_certificate(&self) -> &[u8] {
        &self.auth_certificate
    }

    /// The signature certificate's DER (EF `0001`), if the card has one. The card releases
    /// it only after the signature PIN; this accessor is for the card's owner in a test
    /// environment (the test CA's tooling), who holds the card file anyway.
    pub fn signature_certificate(&self) -> Option<&[u8]> {
        self.signature
            .as_ref()
            .map(|app| app.certificate.as_slice())
    }

    /// Parses raw command bytes and answers with raw response bytes. Malformed commands are
    /// a typed error. The caller owns (and should wipe) `command`, which may hold a PIN.
    pub fn transmit_bytes(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let command = Command::parse(command)?;
        Ok(self.respond(&command).to_bytes())
    }

    /// A power cycle or reset, as a reader does it: the selected application and EF and every
    /// verified PIN are forgotten (volatile state); the PIN retry counters are kept, as a real
    /// card keeps them in non-volatile memory, so a reset never restores tries.
    pub fn reset(&mut self) {
        self.ap_selected = false;
        self.current = None;
        self.auth_pin.verified = false;
        if let Some(app) = self.signature.as_mut() {
            app.pin.verified = false;
        }
    }

    fn file_exists(&self, file: u16) -> bool {
        match file {
            ef::AUTH_CERTIFICATE | ef::AUTH_CA | ef::AUTH_KEY | ef::AUTH_PIN => true,
            ef::SIGN_CERTIFICATE | ef::SIGN_CA | ef::SIGN_KEY | ef::SIGN_PIN => {
                self.signature.is_some()
            }
            _ => false,
        }
    }

    fn respond(&mut self, command: &Command) -> Response {
        let status_only = |sw| Response::status(sw);
        match (command.cla, command.ins) {
            (0x00, ins::SELECT) => status_only(self.select(command)),
            (0x00, ins::READ_BINARY) => self.read_binary(command),
            (0x00, ins::VERIFY) => status_only(self.verify(command)),
            (0x80, ins::COMPUTE_SIGNATURE) => self.compute_signature(command),
            (0x00 | 0x80, _) => status_only(StatusWord::INS_NOT_SUPPORTED),
            _ => status_only(StatusWord::CLA_NOT_SUPPORTED),
        }
    }

    fn select(&mut self, command: &Command) -> StatusWord {
        if !matches!(command.p2, 0x00 | 0x0C) {
            return StatusWord::WRONG_P1P2;
        }
        match command.p1 {
            0x04 => {
                // Selecting an application resets its security state.
                self.ap_selected = command.data == JPKI_AID;
                self.current = None;
                self.auth_pin.verified = false;
                if let Some(app) = self.signature.as_mut() {
                    app.pin.verified = false;
                }
                if self.ap_selected {
                    StatusWord::SUCCESS
                } else {
                    StatusWord::FILE_NOT_FOUND
                }
            }
            0x02 => {
                let file = match command.data.as_slice() {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => return StatusWord::WRONG_LENGTH,
                };
                if !self.ap_selected || !self.file_exists(file) {
                    return StatusWord::FILE_NOT_FOUND;
                }
                self.current = Some(file);
                StatusWord::SUCCESS
            }
            _ => StatusWord::WRONG_P1P2,
        }
    }

    /// The bytes of a readable EF, or the status that refuses it.
    fn readable(&self, file: u16) -> core::result::Result<&[u8], StatusWord> {
        match (file, self.signature.as_ref()) {
            (ef::AUTH_CERTIFICATE, _) => Ok(&self.auth_certificate),
            (ef::AUTH_CA, _) => Ok(&self.auth_ca),
            (ef::SIGN_CA, Some(app)) => Ok(&app.ca),
            (ef::SIGN_CERTIFICATE, Some(app)) if app.pin.verified => Ok(&app.certificate),
            (ef::SIGN_CERTIFICATE, Some(_)) => Err(StatusWord::SECURITY_NOT_SATISFIED),
            _ => Err(StatusWord::INCOMPATIBLE_FILE),
        }
    }

    fn read_binary(&mut self, command: &Command) -> Response {
        let Some(file) = self.current else {
            return Response::status(StatusWord::NOT_ALLOWED);
        };
        if command.p1 & 0x80 != 0 {
            return Response::status(StatusWord::WRONG_P1P2);
        }
        let Some(le) = command.le else {
            return Response::status(StatusWord::WRONG_LENGTH);
        };
        let bytes = match self.readable(file) {
            Ok(bytes) => bytes,
            Err(status) => return Response::status(status),
        };
        let offset = usize::from(u16::from_be_bytes([command.p1, command.p2]));
        let Some(rest) = bytes.get(offset..) else {
            return Response::status(StatusWord::WRONG_OFFSET);
        };
        let le = le as usize;
        let data = rest.get(..le).unwrap_or(rest).to_vec();
        let status = if data.len() < le {
            StatusWord::END_OF_FILE
        } else {
            StatusWord::SUCCESS
        };
        Response { data, status }
    }

    fn verify(&mut self, command: &Command) -> StatusWord {
        if (command.p1, command.p2) != (0x00, 0x80) {
            return StatusWord::WRONG_P1P2;
        }
        let pin = match (self.current, self.signature.as_mut()) {
            (Some(ef::AUTH_PIN), _) => &mut self.auth_pin,
            (Some(ef::SIGN_PIN), Some(app)) => &mut app.pin,
            _ => return StatusWord::NOT_ALLOWED,
        };
        pin.verify(&command.data)
    }

    fn compute_signature(&mut self, command: &Command) -> Response {
        if (command.p1, command.p2) != (0x00, 0x80) {
            return Response::status(StatusWord::WRONG_P1P2);
        }
        let (key, verified) = match (self.current, self.signature.as_ref()) {
            (Some(ef::AUTH_KEY), _) => (&self.auth_key, self.auth_pin.verified),
            (Some(ef::SIGN_KEY), Some(app)) => (&app.key, app.pin.verified),
            _ => return Response::status(StatusWord::NOT_ALLOWED),
        };
        if !verified {
            return Response::status(StatusWord::SECURITY_NOT_SATISFIED);
        }
        let Some(digest_info) = DigestInfo::parse(&command.data) else {
            return Response::status(StatusWord::WRONG_DATA);
        };
        match key.sign_digest_info(digest_info.as_bytes()) {
            Ok(signature) => Response::success(signature),
            Err(_) => Response::status(StatusWord::WRONG_DATA),
        }
    }
}

impl Transport for VirtualCard {
    fn transmit(&mut self, command: &Command) -> Result<Response> {
        Ok(self.respond(command))
    }
}
