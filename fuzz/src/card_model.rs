//! What the virtual card must answer, as a model of its security state, for the
//! `virtual_card` target: the selected application and EF, each PIN's counter and whether it
//! is verified. The target sends every command to both and compares the status words, the
//! data and, after the sequence, the counters the card reports through `JpkiCard`.
//!
//! It also frames the target's input: a run of `length (2 bytes, big-endian) || payload`
//! messages, as vsmartcard's vpcd sends them; a one-byte payload 0, 1 or 2 is a power cycle
//! (off, on, reset), anything else a command APDU.

use myna_jpki::apdu::{Command, StatusWord};
use myna_jpki::card::{ef, ins, DigestInfo};
use myna_jpki::profile::JPKI_AID;

/// One message of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message<'a> {
    /// Power off, on or reset: the card forgets its volatile state.
    Reset,
    /// Command APDU bytes (possibly malformed).
    Apdu(&'a [u8]),
}

/// Splits the input into messages; a length running past the end takes what is left.
pub fn messages(mut data: &[u8]) -> Vec<Message<'_>> {
    let mut out = Vec::new();
    while let Some((&[hi, lo], rest)) = data.split_first_chunk::<2>() {
        let len = usize::from(u16::from_be_bytes([hi, lo])).min(rest.len());
        let (payload, after) = rest.split_at(len);
        out.push(match payload {
            [0..=2] => Message::Reset,
            _ => Message::Apdu(payload),
        });
        data = after;
    }
    out
}

/// Frames one payload as [`messages`] reads it.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len()).expect("a payload under 64 KiB");
    let mut out = len.to_be_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

/// A PIN as the model keeps it.
#[derive(Debug, Clone)]
pub struct PinModel {
    /// The right PIN.
    pub pin: Vec<u8>,
    /// Tries when unlocked.
    pub max_tries: u8,
    /// Tries left.
    pub tries_left: u8,
    /// Verified since the last reset or application selection.
    pub verified: bool,
}

impl PinModel {
    /// A fresh PIN.
    pub fn new(pin: &str, max_tries: u8) -> Self {
        PinModel {
            pin: pin.as_bytes().to_vec(),
            max_tries,
            tries_left: max_tries,
            verified: false,
        }
    }

    fn verify(&mut self, candidate: &[u8]) -> StatusWord {
        if self.tries_left == 0 {
            return StatusWord::PIN_BLOCKED;
        }
        if candidate.is_empty() {
            return StatusWord::wrong_pin(self.tries_left);
        }
        if candidate == self.pin.as_slice() {
            self.tries_left = self.max_tries;
            self.verified = true;
            return StatusWord::SUCCESS;
        }
        self.tries_left -= 1;
        self.verified = false;
        StatusWord::wrong_pin(self.tries_left)
    }
}

/// The readable EFs of a card.
#[derive(Debug, Clone)]
pub struct Files {
    /// EF 000A.
    pub auth_certificate: Vec<u8>,
    /// EF 000B.
    pub auth_ca: Vec<u8>,
    /// EF 0001 and EF 0002, on a card with the signature application.
    pub signature: Option<(Vec<u8>, Vec<u8>)>,
}

/// What the model expects for one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Exactly this status and data.
    Exactly(StatusWord, Vec<u8>),
    /// 9000 and a PKCS#1 v1.5 signature over this DigestInfo by the card key.
    Signature(DigestInfo),
}

/// The card's security state.
#[derive(Debug, Clone)]
pub struct CardModel {
    files: Files,
    ap_selected: bool,
    current: Option<u16>,
    /// The authentication PIN.
    pub auth_pin: PinModel,
    /// The signature PIN (on a card with the signature application).
    pub sign_pin: Option<PinModel>,
}

impl CardModel {
    /// A card just issued with these files and PINs.
    pub fn new(files: Files, auth_pin: &str, sign_pin: &str) -> Self {
        let sign_pin = files
            .signature
            .is_some()
            .then(|| PinModel::new(sign_pin, 5));
        CardModel {
            files,
            ap_selected: false,
            current: None,
            auth_pin: PinModel::new(auth_pin, 3),
            sign_pin,
        }
    }

    /// A power cycle: volatile state forgotten, counters kept.
    pub fn reset(&mut self) {
        self.ap_selected = false;
        self.current = None;
        self.forget_verified();
    }

    fn forget_verified(&mut self) {
        self.auth_pin.verified = false;
        if let Some(pin) = self.sign_pin.as_mut() {
            pin.verified = false;
        }
    }

    /// The answer to `command`, updating the state.
    pub fn respond(&mut self, command: &Command) -> Expected {
        let status = |sw| Expected::Exactly(sw, Vec::new());
        match (command.cla, command.ins) {
            (0x00, ins::SELECT) => status(self.select(command)),
            (0x00, ins::READ_BINARY) => self.read_binary(command),
            (0x00, ins::VERIFY) => status(self.verify(command)),
            (0x80, ins::COMPUTE_SIGNATURE) => self.compute_signature(command),
            (0x00 | 0x80, _) => status(StatusWord::INS_NOT_SUPPORTED),
            _ => status(StatusWord::CLA_NOT_SUPPORTED),
        }
    }

    fn has_signature_app(&self) -> bool {
        self.files.signature.is_some()
    }

    fn exists(&self, file: u16) -> bool {
        match file {
            ef::AUTH_CERTIFICATE | ef::AUTH_CA | ef::AUTH_KEY | ef::AUTH_PIN => true,
            ef::SIGN_CERTIFICATE | ef::SIGN_CA | ef::SIGN_KEY | ef::SIGN_PIN => {
                self.has_signature_app()
            }
            _ => false,
        }
    }

    fn select(&mut self, command: &Command) -> StatusWord {
        if !matches!(command.p2, 0x00 | 0x0C) {
            return StatusWord::WRONG_P1P2;
        }
        match command.p1 {
            0x04 => {
                self.ap_selected = command.data == JPKI_AID;
                self.current = None;
                self.forget_verified();
                if self.ap_selected {
                    StatusWord::SUCCESS
                } else {
                    StatusWord::FILE_NOT_FOUND
                }
            }
            0x02 => {
                let [hi, lo] = command.data.as_slice() else {
                    return StatusWord::WRONG_LENGTH;
                };
                let file = u16::from_be_bytes([*hi, *lo]);
                if !self.ap_selected || !self.exists(file) {
                    return StatusWord::FILE_NOT_FOUND;
                }
                self.current = Some(file);
                StatusWord::SUCCESS
            }
            _ => StatusWord::WRONG_P1P2,
        }
    }

    fn readable(&self, file: u16) -> Result<&[u8], StatusWord> {
        let sign_verified = self.sign_pin.as_ref().is_some_and(|p| p.verified);
        match (file, &self.files.signature) {
            (ef::AUTH_CERTIFICATE, _) => Ok(&self.files.auth_certificate),
            (ef::AUTH_CA, _) => Ok(&self.files.auth_ca),
            (ef::SIGN_CA, Some((_, ca))) => Ok(ca),
            (ef::SIGN_CERTIFICATE, Some((certificate, _))) if sign_verified => Ok(certificate),
            (ef::SIGN_CERTIFICATE, Some(_)) => Err(StatusWord::SECURITY_NOT_SATISFIED),
            _ => Err(StatusWord::INCOMPATIBLE_FILE),
        }
    }

    fn read_binary(&mut self, command: &Command) -> Expected {
        let status = |sw| Expected::Exactly(sw, Vec::new());
        let Some(file) = self.current else {
            return status(StatusWord::NOT_ALLOWED);
        };
        if command.p1 & 0x80 != 0 {
            return status(StatusWord::WRONG_P1P2);
        }
        let Some(le) = command.le else {
            return status(StatusWord::WRONG_LENGTH);
        };
        let bytes = match self.readable(file) {
            Ok(bytes) => bytes,
            Err(sw) => return status(sw),
        };
        let offset = usize::from(u16::from_be_bytes([command.p1, command.p2]));
        let Some(rest) = bytes.get(offset..) else {
            return status(StatusWord::WRONG_OFFSET);
        };
        let le = usize::try_from(le).expect("Ne fits usize");
        let data = rest.get(..le).unwrap_or(rest).to_vec();
        let sw = if data.len() < le {
            StatusWord::END_OF_FILE
        } else {
            StatusWord::SUCCESS
        };
        Expected::Exactly(sw, data)
    }

    fn verify(&mut self, command: &Command) -> StatusWord {
        if (command.p1, command.p2) != (0x00, 0x80) {
            return StatusWord::WRONG_P1P2;
        }
        let pin = match (self.current, self.sign_pin.as_mut()) {
            (Some(ef::AUTH_PIN), _) => &mut self.auth_pin,
            (Some(ef::SIGN_PIN), Some(pin)) => pin,
            _ => return StatusWord::NOT_ALLOWED,
        };
        pin.verify(&command.data)
    }

    fn compute_signature(&mut self, command: &Command) -> Expected {
        let status = |sw| Expected::Exactly(sw, Vec::new());
        if (command.p1, command.p2) != (0x00, 0x80) {
            return status(StatusWord::WRONG_P1P2);
        }
        let verified = match (self.current, self.sign_pin.as_ref()) {
            (Some(ef::AUTH_KEY), _) => self.auth_pin.verified,
            (Some(ef::SIGN_KEY), Some(pin)) => pin.verified,
            _ => return status(StatusWord::NOT_ALLOWED),
        };
        if !verified {
            return status(StatusWord::SECURITY_NOT_SATISFIED);
        }
        match DigestInfo::parse(&command.data) {
            Some(digest_info) => Expected::Signature(digest_info),
            None => status(StatusWord::WRONG_DATA),
        }
    }
}
