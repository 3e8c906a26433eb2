//! The [`VirtualCard`] inserted into a real PC/SC stack, through the virtual reader of
//! vsmartcard (`vpcd`, Debian package `vsmartcard-vpcd`): tests then read it with
//! `pcsc::PcscTransport` (feature `pcsc`) exactly as they would read a card in a USB reader,
//! through `libpcsclite` and `pcscd` (this module: feature `test-ca`).
//!
//! `pcscd` loads vpcd's driver (`libifdvpcd.so`), which listens on a TCP port (35963 by
//! default, the port number is in the reader's `DEVICENAME`, e.g. `/dev/null:0x8C7B`) for a
//! "virtual ICC" to connect. A [`VpcdBridge`] is that virtual ICC. While it is connected, the
//! reader holds a card; when it disconnects, the card is removed.
//!
//! The protocol: every message, both ways, is a 2-byte big-endian length and that many bytes.
//! A 1-byte message from vpcd is a control code — 0 power off, 1 power on, 2 reset (none is
//! answered), 4 "send the ATR" (answered with [`JPKI_ATR`]); vpcd also sends 4 to poll whether
//! the card is still there. A longer message is a command APDU, answered with the response
//! APDU. The bridge forwards APDUs to [`VirtualCard::transmit_bytes`] and resets the card's
//! volatile state (selected application, verified PINs) on power off, power on and reset,
//! keeping the PIN retry counters as a real card does.
//!
//! Anything else — an empty message, an unknown control code, a command longer than
//! [`MAX_COMMAND_FRAME`], a message cut short, a malformed APDU, an APDU to an unpowered card —
//! ends the session with a [`VpcdError`] that names it; the card is never left half-answered.
//!
//! ```
//! # use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, card::*};
//! # use myna_vc_core::time::NumericDate;
//! # let t = NumericDate::from_unix(1_700_000_000);
//! # let key = TestKey::generate()?;
//! # let mut ca = TestCa::new(key.clone(), key.clone(), t)?;
//! # let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
//! #     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市大手町二丁目１２番１号")? };
//! # let issued = ca.issue_card(&facts, key.clone(), key, t)?;
//! use std::io::{Read, Write};
//! use std::net::TcpListener;
//! use myna_jpki::virtual_card::VirtualCard;
//! use myna_jpki::vpcd::{Ended, VpcdBridge, JPKI_ATR};
//!
//! // Here a stand-in for vpcd on a loopback port; with pcscd, the port of its reader.conf.
//! let vpcd = TcpListener::bind("127.0.0.1:0")?;
//! let card = VirtualCard::new(&issued, AuthPin::new("1234")?, SignPin::new("ABC123")?);
//! let mut bridge = VpcdBridge::connect(vpcd.local_addr()?, card)?;
//! let icc = std::thread::spawn(move || bridge.run());
//!
//! let (mut reader, _) = vpcd.accept()?;
//! reader.write_all(&[0x00, 0x01, 0x04])?; // send the ATR
//! let mut atr = [0u8; 2 + JPKI_ATR.len()];
//! reader.read_exact(&mut atr)?;
//! assert_eq!(atr[2..], JPKI_ATR);
//! reader.write_all(&[0x00, 0x01, 0x01])?; // power on
//! // SELECT the JPKI AP: answered 90 00.
//! reader.write_all(&[0x00, 0x0F, 0x00, 0xA4, 0x04, 0x0C, 0x0A,
//!     0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01])?;
//! let mut answer = [0u8; 4];
//! reader.read_exact(&mut answer)?;
//! assert_eq!(answer, [0x00, 0x02, 0x90, 0x00]);
//! drop(reader); // the reader goes away: the session ends cleanly
//! assert_eq!(icc.join().expect("bridge thread")?, Ended::Closed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::virtual_card::VirtualCard;

/// The ATR the bridge answers: `3B E0 00 FF 81 31 FE 45 14`, the one My Number cards present
/// on the contact interface (OpenSC's JPKI driver recognises cards by it). It announces T=1
/// only (TD1 = 81, TD2 = 31), an IFSC of 254 bytes (TA3 = FE), no historical bytes, and ends
/// in its check byte (TCK = 14, the XOR of T0 to TB3). pcscd reads the protocol from it.
pub const JPKI_ATR: [u8; 9] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];

/// vpcd's default port (35963, `0x8C7B`); it also opens the next one for a second slot.
pub const DEFAULT_PORT: u16 = 0x8C7B;

/// The longest command message accepted: a short APDU with 255 data bytes and Le
/// (4 + 1 + 255 + 1). The JPKI application is spoken in short APDUs only.
pub const MAX_COMMAND_FRAME: usize = 4 + 1 + 255 + 1;

/// vpcd's control codes (one-byte messages).
mod control {
    pub const POWER_OFF: u8 = 0;
    pub const POWER_ON: u8 = 1;
    pub const RESET: u8 = 2;
    pub const ATR: u8 = 4;
}

/// Why a bridge session ended with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VpcdError {
    /// Nothing accepted the connection: vpcd is not listening there.
    #[error("cannot connect to vpcd at {addr}: {source} (is pcscd running with the vpcd driver listening on that port?)")]
    Connect {
        /// Where the bridge tried to connect.
        addr: SocketAddr,
        /// The socket's error.
        source: io::Error,
    },
    /// Reading from or writing to vpcd failed.
    #[error("the connection to vpcd failed: {0}")]
    Io(#[from] io::Error),
    /// The connection ended in the middle of a message.
    #[error("vpcd's message was cut short: {got} of {expected} bytes arrived before the connection closed")]
    Truncated {
        /// The bytes announced (2 for a length header).
        expected: usize,
        /// The bytes that came.
        got: usize,
    },
    /// A message of length zero: neither a control code nor an APDU.
    #[error("vpcd sent an empty message; a message carries a control code or an APDU")]
    EmptyMessage,
    /// A one-byte message that is not power off (0), power on (1), reset (2) or ATR (4).
    #[error("vpcd sent unknown control code {0}; known are 0 (power off), 1 (power on), 2 (reset), 4 (ATR)")]
    UnknownControl(u8),
    /// A command message longer than [`MAX_COMMAND_FRAME`]; it is not read.
    #[error("vpcd announced a {len}-byte command; the virtual card takes short APDUs of at most {limit} bytes")]
    CommandTooLarge {
        /// The announced length.
        len: usize,
        /// [`MAX_COMMAND_FRAME`].
        limit: usize,
    },
    /// An answer that does not fit a message (more than 65 535 bytes).
    #[error("the card's {len}-byte answer does not fit a vpcd message (at most 65535 bytes)")]
    AnswerTooLarge {
        /// The answer's length.
        len: usize,
    },
    /// An APDU before power on or after power off.
    #[error("vpcd sent an APDU to the card while it is powered off")]
    NotPowered,
    /// The virtual card could not parse the command APDU.
    #[error("vpcd sent a command the card cannot parse: {0}")]
    Card(#[from] crate::Error),
}

/// How a session that did not fail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// vpcd closed the connection (pcscd stopped) between two messages.
    Closed,
    /// [`StopHandle::stop`] was called: the card was pulled out.
    Stopped,
}

/// Ends a running session from another thread: [`VpcdBridge::run`] returns [`Ended::Stopped`]
/// and the reader sees the card removed.
#[derive(Debug)]
pub struct StopHandle {
    stopped: Arc<AtomicBool>,
    stream: TcpStream,
}

impl StopHandle {
    /// Sets the stop flag and shuts the connection down, which wakes a bridge blocked in a
    /// read. A connection that is already closed needs no shutting down, so that error is
    /// of no consequence and is not reported.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _already_closed = self.stream.shutdown(Shutdown::Both);
    }
}

/// A [`VirtualCard`] connected to vpcd as its virtual ICC. See the [module docs](self).
#[derive(Debug)]
pub struct VpcdBridge {
    card: VirtualCard,
    stream: TcpStream,
    stopped: Arc<AtomicBool>,
    powered: bool,
}

/// One message from vpcd.
enum Message {
    Control(u8),
    /// Wiped when dropped: a VERIFY carries a PIN.
    Apdu(Zeroizing<Vec<u8>>),
}

impl VpcdBridge {
    /// Connects `card` to vpcd listening at `addr` (the reader then holds the card).
    pub fn connect(addr: SocketAddr, card: VirtualCard) -> Result<VpcdBridge, VpcdError> {
        let stream =
            TcpStream::connect(addr).map_err(|source| VpcdError::Connect { addr, source })?;
        Ok(VpcdBridge::over(stream, card))
    }

    /// The bridge over a connection made elsewhere (vpcd's "reversed" mode, where the driver
    /// connects to a listening card).
    pub fn over(stream: TcpStream, card: VirtualCard) -> VpcdBridge {
        VpcdBridge {
            card,
            stream,
            stopped: Arc::new(AtomicBool::new(false)),
            powered: false,
        }
    }

    /// A handle that ends [`run`](Self::run) from another thread.
    pub fn stop_handle(&self) -> Result<StopHandle, VpcdError> {
        Ok(StopHandle {
            stopped: Arc::clone(&self.stopped),
            stream: self.stream.try_clone()?,
        })
    }

    /// Answers vpcd until it closes the connection or the stop handle is used. An error ends
    /// the session (and the connection, so the reader sees the card removed).
    pub fn run(&mut self) -> Result<Ended, VpcdError> {
        let outcome = self.serve();
        let _already_closed = self.stream.shutdown(Shutdown::Both);
        match outcome {
            _ if self.stopped.load(Ordering::SeqCst) => Ok(Ended::Stopped),
            Ok(()) => Ok(Ended::Closed),
            Err(e) => Err(e),
        }
    }

    /// The card, with its PIN counters as the session left them (to insert it again).
    pub fn into_card(self) -> VirtualCard {
        self.card
    }

    fn serve(&mut self) -> Result<(), VpcdError> {
        while let Some(message) = self.receive()? {
            match message {
                Message::Control(control::ATR) => self.send(&JPKI_ATR)?,
                Message::Control(control::POWER_OFF) => {
                    self.powered = false;
                    self.card.reset();
                }
                Message::Control(control::POWER_ON | control::RESET) => {
                    self.powered = true;
                    self.card.reset();
                }
                Message::Control(code) => return Err(VpcdError::UnknownControl(code)),
                Message::Apdu(_) if !self.powered => return Err(VpcdError::NotPowered),
                Message::Apdu(command) => {
                    let answer = self.card.transmit_bytes(&command)?;
                    self.send(&answer)?;
                }
            }
        }
        Ok(())
    }

    /// The next message; `None` when the connection closed between messages.
    fn receive(&mut self) -> Result<Option<Message>, VpcdError> {
        let mut header = [0u8; 2];
        match fill(&mut self.stream, &mut header)? {
            0 => return Ok(None),
            2 => {}
            got => return Err(VpcdError::Truncated { expected: 2, got }),
        }
        let len = usize::from(u16::from_be_bytes(header));
        if len > MAX_COMMAND_FRAME {
            return Err(VpcdError::CommandTooLarge {
                len,
                limit: MAX_COMMAND_FRAME,
            });
        }
        let mut payload = Zeroizing::new(vec![0u8; len]);
        let got = fill(&mut self.stream, &mut payload)?;
        if got < len {
            return Err(VpcdError::Truncated { expected: len, got });
        }
        match payload.as_slice() {
            [] => Err(VpcdError::EmptyMessage),
            [code] => Ok(Some(Message::Control(*code))),
            _ => Ok(Some(Message::Apdu(payload))),
        }
    }

    fn send(&mut self, payload: &[u8]) -> Result<(), VpcdError> {
        let len = u16::try_from(payload.len())
            .map_err(|_| VpcdError::AnswerTooLarge { len: payload.len() })?;
        let mut message = Vec::with_capacity(2 + payload.len());
        message.extend_from_slice(&len.to_be_bytes());
        message.extend_from_slice(payload);
        self.stream.write_all(&message)?;
        Ok(())
    }
}

/// Reads until `buffer` is full or the connection ends; how many bytes came.
fn fill(stream: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while let Some(rest) = buffer.get_mut(got..).filter(|rest| !rest.is_empty()) {
        match stream.read(rest) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::sync::OnceLock;
    use std::thread::JoinHandle;

    use myna_vc_core::time::NumericDate;

    use super::*;
    use crate::card::{AuthPin, SignPin};
    use crate::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
    use crate::test_ca::{IssuedCard, TestCa, TestKey};

    const SELECT_JPKI: [u8; 15] = [
        0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
    ];
    const SELECT_SIGN_PIN: [u8; 7] = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x1B];
    const SELECT_SIGN_CERT: [u8; 7] = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01];
    const READ_4: [u8; 5] = [0x00, 0xB0, 0x00, 0x00, 0x04];
    const VERIFY_COUNTER: [u8; 4] = [0x00, 0x20, 0x00, 0x80];

    fn issued() -> &'static IssuedCard {
        static CARD: OnceLock<IssuedCard> = OnceLock::new();
        CARD.get_or_init(|| {
            let t = NumericDate::from_unix(1_700_000_000);
            let key = TestKey::generate().unwrap();
            let mut ca = TestCa::new(key.clone(), key.clone(), t).unwrap();
            let facts = HolderFacts {
                name: HolderName::plain("前橋　花子").unwrap(),
                sex: Sex::Female,
                birth_date: BirthDate::parse("419900505").unwrap(),
                address: Address::plain("群馬県前橋市大手町二丁目１２番１号").unwrap(),
            };
            ca.issue_card(&facts, key.clone(), key, t).unwrap()
        })
    }

    fn card() -> VirtualCard {
        VirtualCard::new(
            issued(),
            AuthPin::new("1234").unwrap(),
            SignPin::new("ABC123").unwrap(),
        )
    }

    type Session = JoinHandle<(VirtualCard, Result<Ended, VpcdError>)>;

    /// A fake vpcd on a loopback port with a bridge connected to it (in a thread).
    fn fake_vpcd() -> (TcpStream, StopHandle, Session) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut bridge = VpcdBridge::connect(listener.local_addr().unwrap(), card()).unwrap();
        let stop = bridge.stop_handle().unwrap();
        let session = std::thread::spawn(move || {
            let outcome = bridge.run();
            (bridge.into_card(), outcome)
        });
        let (reader, _) = listener.accept().unwrap();
        (reader, stop, session)
    }

    fn message(payload: &[u8]) -> Vec<u8> {
        let mut out = u16::try_from(payload.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(payload);
        out
    }

    fn send(reader: &mut TcpStream, payload: &[u8]) {
        reader.write_all(&message(payload)).unwrap();
    }

    fn answer(reader: &mut TcpStream) -> Vec<u8> {
        let mut header = [0u8; 2];
        reader.read_exact(&mut header).unwrap();
        let mut payload = vec![0u8; usize::from(u16::from_be_bytes(header))];
        reader.read_exact(&mut payload).unwrap();
        payload
    }

    fn transmit(reader: &mut TcpStream, apdu: &[u8]) -> Vec<u8> {
        send(reader, apdu);
        answer(reader)
    }

    fn verify_sign_pin(pin: &[u8]) -> Vec<u8> {
        let mut apdu = vec![0x00, 0x20, 0x00, 0x80, u8::try_from(pin.len()).unwrap()];
        apdu.extend_from_slice(pin);
        apdu
    }

    fn ended(session: Session) -> Result<Ended, VpcdError> {
        session.join().unwrap().1
    }

    #[test]
    fn answers_the_atr_and_apdus_and_ends_when_vpcd_closes() {
        let (mut reader, _stop, session) = fake_vpcd();
        assert_eq!(transmit(&mut reader, &[control::ATR]), JPKI_ATR);
        send(&mut reader, &[control::POWER_ON]);
        assert_eq!(transmit(&mut reader, &SELECT_JPKI), [0x90, 0x00]);
        // The authentication certificate EF starts with its DER header.
        assert_eq!(
            transmit(&mut reader, &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A]),
            [0x90, 0x00]
        );
        let head = transmit(&mut reader, &READ_4);
        assert_eq!(
            head.get(..2),
            issued().authentication_certificate().get(..2)
        );
        assert_eq!(head.get(4..), Some(&[0x90, 0x00][..]));
        // vpcd asks for the ATR to poll presence, powered or not.
        assert_eq!(transmit(&mut reader, &[control::ATR]), JPKI_ATR);
        drop(reader);
        assert_eq!(ended(session).unwrap(), Ended::Closed);
    }

    #[test]
    fn a_message_split_across_writes_is_read_whole() {
        let (mut reader, _stop, session) = fake_vpcd();
        send(&mut reader, &[control::POWER_ON]);
        for byte in message(&SELECT_JPKI) {
            reader.write_all(&[byte]).unwrap();
            reader.flush().unwrap();
        }
        assert_eq!(answer(&mut reader), [0x90, 0x00]);
        drop(reader);
        assert_eq!(ended(session).unwrap(), Ended::Closed);
    }

    #[test]
    fn reset_and_power_off_forget_verified_pins_but_keep_the_counters() {
        let (mut reader, _stop, session) = fake_vpcd();
        send(&mut reader, &[control::POWER_ON]);
        assert_eq!(transmit(&mut reader, &SELECT_JPKI), [0x90, 0x00]);
        assert_eq!(transmit(&mut reader, &SELECT_SIGN_PIN), [0x90, 0x00]);
        assert_eq!(
            transmit(&mut reader, &verify_sign_pin(b"WRONG1")),
            [0x63, 0xC4]
        );
        assert_eq!(
            transmit(&mut reader, &verify_sign_pin(b"ABC123")),
            [0x90, 0x00]
        );
        assert_eq!(transmit(&mut reader, &SELECT_SIGN_CERT), [0x90, 0x00]);
        assert_eq!(
            transmit(&mut reader, &READ_4).get(4..),
            Some(&[0x90, 0x00][..])
        );
        // A wrong try, then a reset: the verified state is gone, the spent try is not.
        assert_eq!(transmit(&mut reader, &SELECT_SIGN_PIN), [0x90, 0x00]);
        assert_eq!(
            transmit(&mut reader, &verify_sign_pin(b"WRONG1")),
            [0x63, 0xC4]
        );
        send(&mut reader, &[control::RESET]);
        // After the reset no application is selected, so the EF is not found.
        assert_eq!(transmit(&mut reader, &SELECT_SIGN_CERT), [0x6A, 0x82]);
        assert_eq!(transmit(&mut reader, &SELECT_JPKI), [0x90, 0x00]);
        assert_eq!(transmit(&mut reader, &SELECT_SIGN_PIN), [0x90, 0x00]);
        assert_eq!(transmit(&mut reader, &VERIFY_COUNTER), [0x63, 0xC4]);
        assert_eq!(
            transmit(&mut reader, &verify_sign_pin(b"ABC123")),
            [0x90, 0x00]
        );
        // Power off and on: the signature certificate needs the PIN again.
        send(&mut reader, &[control::POWER_OFF]);
        send(&mut reader, &[control::POWER_ON]);
        assert_eq!(transmit(&mut reader, &SELECT_JPKI), [0x90, 0x00]);
        assert_eq!(transmit(&mut reader, &SELECT_SIGN_CERT), [0x90, 0x00]);
        assert_eq!(transmit(&mut reader, &READ_4), [0x69, 0x82]);
        drop(reader);
        let (card, outcome) = session.join().unwrap();
        assert_eq!(outcome.unwrap(), Ended::Closed);
        // The card comes back with its state, to be inserted again.
        let mut card = card;
        card.transmit_bytes(&SELECT_JPKI).unwrap();
        card.transmit_bytes(&SELECT_SIGN_PIN).unwrap();
        assert_eq!(card.transmit_bytes(&VERIFY_COUNTER).unwrap(), [0x63, 0xC5]);
    }

    #[test]
    fn an_apdu_to_an_unpowered_card_is_refused() {
        let (mut reader, _stop, session) = fake_vpcd();
        send(&mut reader, &SELECT_JPKI);
        assert!(matches!(ended(session), Err(VpcdError::NotPowered)));
        // The bridge closed the connection: nothing more comes.
        let mut rest = Vec::new();
        assert_eq!(reader.read_to_end(&mut rest).unwrap(), 0);
    }

    #[test]
    fn an_apdu_after_power_off_is_refused() {
        let (mut reader, _stop, session) = fake_vpcd();
        send(&mut reader, &[control::POWER_ON]);
        send(&mut reader, &[control::POWER_OFF]);
        send(&mut reader, &SELECT_JPKI);
        assert!(matches!(ended(session), Err(VpcdError::NotPowered)));
    }

    #[test]
    fn unknown_control_codes_are_refused() {
        for code in [3, 5, 0xFF] {
            let (mut reader, _stop, session) = fake_vpcd();
            send(&mut reader, &[code]);
            match ended(session) {
                Err(VpcdError::UnknownControl(c)) => assert_eq!(c, code),
                other => panic!("control code {code}: {other:?}"),
            }
        }
    }

    #[test]
    fn an_empty_message_is_refused() {
        let (mut reader, _stop, session) = fake_vpcd();
        reader.write_all(&[0x00, 0x00]).unwrap();
        assert!(matches!(ended(session), Err(VpcdError::EmptyMessage)));
    }

    #[test]
    fn an_oversize_command_is_refused_before_it_is_read() {
        let (mut reader, _stop, session) = fake_vpcd();
        send(&mut reader, &[control::POWER_ON]);
        // Only the header: the bridge must not wait for the 262 bytes it announces.
        let len = u16::try_from(MAX_COMMAND_FRAME + 1).unwrap();
        reader.write_all(&len.to_be_bytes()).unwrap();
        match ended(session) {
            Err(VpcdError::CommandTooLarge { len, limit }) => {
                assert_eq!((len, limit), (MAX_COMMAND_FRAME + 1, 261));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_largest_short_apdu_is_still_answered() {
        let (mut reader, _stop, session) = fake_vpcd();
        send(&mut reader, &[control::POWER_ON]);
        let mut apdu = vec![0x00, 0xA4, 0x04, 0x0C, 0xFF];
        apdu.extend_from_slice(&[0xAA; 255]);
        apdu.push(0x00);
        assert_eq!(apdu.len(), MAX_COMMAND_FRAME);
        // An AID the card does not have: answered, not refused.
        assert_eq!(transmit(&mut reader, &apdu), [0x6A, 0x82]);
        drop(reader);
        assert_eq!(ended(session).unwrap(), Ended::Closed);
    }

    #[test]
    fn a_message_cut_short_is_refused() {
        let (mut reader, _stop, session) = fake_vpcd();
        reader.write_all(&[0x00, 0x0A, 0x00, 0xA4, 0x04]).unwrap();
        drop(reader);
        match ended(session) {
            Err(VpcdError::Truncated { expected, got }) => assert_eq!((expected, got), (10, 3)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_header_cut_short_is_refused() {
        let (mut reader, _stop, session) = fake_vpcd();
        reader.write_all(&[0x00]).unwrap();
        drop(reader);
        match ended(session) {
            Err(VpcdError::Truncated { expected, got }) => assert_eq!((expected, got), (2, 1)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_malformed_apdu_is_refused_with_the_cards_reason() {
        let (mut reader, _stop, session) = fake_vpcd();
        send(&mut reader, &[control::POWER_ON]);
        send(&mut reader, &[0x00, 0xA4, 0x04]);
        match ended(session) {
            Err(VpcdError::Card(crate::Error::MalformedApdu(_))) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_stop_handle_pulls_the_card_out() {
        let (mut reader, stop, session) = fake_vpcd();
        send(&mut reader, &[control::POWER_ON]);
        assert_eq!(transmit(&mut reader, &SELECT_JPKI), [0x90, 0x00]);
        // The bridge now waits for the next message; stopping wakes it.
        stop.stop();
        assert_eq!(ended(session).unwrap(), Ended::Stopped);
        let mut rest = Vec::new();
        assert_eq!(reader.read_to_end(&mut rest).unwrap(), 0);
    }

    #[test]
    fn no_vpcd_listening_is_a_connect_error_naming_the_address() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let err = VpcdBridge::connect(addr, card()).unwrap_err();
        assert!(matches!(err, VpcdError::Connect { addr: a, .. } if a == addr));
        assert!(err.to_string().contains(&addr.to_string()), "{err}");
        assert!(err.to_string().contains("pcscd"), "{err}");
    }

    #[test]
    fn the_atr_is_well_formed() {
        // TCK: the XOR of every byte from T0 on is zero.
        let checksum = JPKI_ATR.iter().skip(1).fold(0, |acc, b| acc ^ b);
        assert_eq!(checksum, 0);
        assert_eq!(JPKI_ATR.first(), Some(&0x3B));
    }
}
