//! The wallet's side of a card session, run over any transport: the `jpki_apdu` target runs it
//! against a hostile card (responses from the fuzz input), the seed generator against the
//! virtual card to record valid responses. Every exchange is kept, so the target can check
//! how the wallet treated the PIN whatever the card answered.

use myna_jpki::apdu::{Command, Response, StatusWord};
use myna_jpki::card::{ins, AuthPin, Card, DigestInfo, JpkiCard, PinKind, SignPin, Transport};

use crate::jpki_world::{AUTH_PIN, SIGN_PIN};

/// One command and the answer it got.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The command's bytes.
    pub command: Vec<u8>,
    /// The answer.
    pub response: Response,
}

/// A transport that keeps every exchange of the transport it wraps.
#[derive(Debug)]
pub struct Recorder<T> {
    inner: T,
    /// The exchanges so far.
    pub exchanges: Vec<Exchange>,
}

impl<T: Transport> Recorder<T> {
    /// Records what passes through `inner`.
    pub fn new(inner: T) -> Self {
        Recorder {
            inner,
            exchanges: Vec::new(),
        }
    }

    /// The wrapped transport.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: Transport> Transport for Recorder<T> {
    fn transmit(&mut self, command: &Command) -> myna_jpki::Result<Response> {
        let response = self.inner.transmit(command)?;
        self.exchanges.push(Exchange {
            command: command.to_bytes()?,
            response: response.clone(),
        });
        Ok(response)
    }
}

/// A card that answers with the responses it was given, in order, then `6F00`.
#[derive(Debug)]
pub struct Scripted<'a> {
    answers: std::vec::IntoIter<&'a [u8]>,
}

impl<'a> Scripted<'a> {
    /// Answers with `answers` (each `data || SW1 SW2`; one that does not parse is a reader error).
    pub fn new(answers: Vec<&'a [u8]>) -> Self {
        Scripted {
            answers: answers.into_iter(),
        }
    }
}

impl Transport for Scripted<'_> {
    fn transmit(&mut self, _command: &Command) -> myna_jpki::Result<Response> {
        match self.answers.next() {
            Some(bytes) => Response::parse(bytes),
            None => Ok(Response::status(StatusWord(0x6F00))),
        }
    }
}

/// The DigestInfo the session signs.
pub fn digest_info() -> DigestInfo {
    DigestInfo::sha256(b"myna fuzz card session")
}

/// What the session's operations returned.
#[derive(Debug)]
pub struct Outcome {
    /// `read_auth_certificate`.
    pub auth_certificate: myna_jpki::Result<Vec<u8>>,
    /// `pin_tries_left` for both PINs.
    pub tries: [myna_jpki::Result<u8>; 2],
    /// `sign_with_auth_key`.
    pub auth_signature: myna_jpki::Result<Vec<u8>>,
    /// `read_sign_certificate`.
    pub sign_certificate: myna_jpki::Result<Vec<u8>>,
    /// `sign_with_sign_key`.
    pub sign_signature: myna_jpki::Result<Vec<u8>>,
}

/// Every operation of [`Card`], once each, with the fixture's PINs.
pub fn run<T: Transport>(card: &mut JpkiCard<T>) -> Outcome {
    let auth_pin = AuthPin::new(AUTH_PIN).expect("the fixture's PIN");
    let sign_pin = SignPin::new(SIGN_PIN).expect("the fixture's PIN");
    Outcome {
        auth_certificate: card.read_auth_certificate(),
        tries: [
            card.pin_tries_left(PinKind::Authentication),
            card.pin_tries_left(PinKind::Signature),
        ],
        auth_signature: card.sign_with_auth_key(&auth_pin, &digest_info()),
        sign_certificate: card.read_sign_certificate(&sign_pin),
        sign_signature: card.sign_with_sign_key(&sign_pin, &digest_info()),
    }
}

/// Whether `exchanges` kept the PINs where they belong: a command carrying either PIN is a
/// VERIFY (`00 20 00 80`) sent right after a SELECT of a PIN EF that the card accepted.
pub fn pins_only_in_verify(exchanges: &[Exchange]) -> bool {
    let pins = [AUTH_PIN.as_bytes(), SIGN_PIN.as_bytes()];
    let mut previous: Option<&Exchange> = None;
    for exchange in exchanges {
        let carries_pin = pins.iter().any(|pin| contains(&exchange.command, pin));
        if carries_pin {
            let is_verify = exchange.command.get(..4) == Some(&[0x00, ins::VERIFY, 0x00, 0x80][..]);
            let after_pin_select = previous.is_some_and(|p| {
                p.response.status.is_success()
                    && matches!(
                        p.command.as_slice(),
                        [0x00, ins::SELECT, 0x02, 0x0C, 0x02, 0x00, 0x18 | 0x1B]
                    )
            });
            if !is_verify || !after_pin_select {
                return false;
            }
        }
        previous = Some(exchange);
    }
    true
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
