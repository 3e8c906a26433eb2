//! A PC/SC card reader as a [`Transport`], so that [`JpkiCard`] reads real cards (feature
//! `pcsc`; needs the PC/SC library, `libpcsclite-dev` on Debian).
//!
//! The protocol code is the same [`JpkiCard`] the virtual card tests exercise, so this module
//! is only the byte pipe: connect, transmit, and turn the PC/SC library's failures into
//! [`Error::CardReader`] with a [`ReaderProblem`] that says what to do (no service, no reader,
//! no card, the card removed mid-operation, …).
//!
//! ```no_run
//! use myna_jpki::{card::{Card, JpkiCard, ReaderProblem}, pcsc::PcscTransport, Error};
//! match PcscTransport::connect_first() {
//!     Ok(transport) => {
//!         let der = JpkiCard::new(transport).read_auth_certificate()?;
//!     }
//!     Err(Error::CardReader(ReaderProblem::NoCard { .. })) => eprintln!("insert the card"),
//!     Err(other) => return Err(other),
//! }
//! # Ok::<(), myna_jpki::Error>(())
//! ```
//!
//! `tests/tests/card_reader.rs` (package `myna-tests`) runs all of this against a real `pcscd`
//! with the vsmartcard `vpcd` driver and the project's virtual card (`vpcd` module).

use std::ffi::{CStr, CString};

use ::pcsc::{Context, Protocols, Scope, ShareMode, MAX_BUFFER_SIZE_EXTENDED};
use zeroize::Zeroizing;

use crate::apdu::{Command, Response};
use crate::card::{JpkiCard, Transport};
use crate::error::{Error, Result};
use crate::reader_problem::ReaderProblem;

/// A card in a PC/SC reader.
pub struct PcscTransport {
    card: ::pcsc::Card,
}

impl core::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PcscTransport")
    }
}

/// A [`JpkiCard`] in a PC/SC reader.
pub type PcscCard = JpkiCard<PcscTransport>;

/// What a PC/SC failure means to the user. Codes that only a programming error can cause
/// (invalid handle, buffer too small, …) stay [`ReaderProblem::Other`] with the library's text.
fn problem(e: ::pcsc::Error) -> ReaderProblem {
    use ::pcsc::Error as E;
    match e {
        E::NoService | E::ServiceStopped => ReaderProblem::NoService,
        E::NoReadersAvailable => ReaderProblem::NoReader,
        E::NoSmartcard => ReaderProblem::NoCard { readers: vec![] },
        E::RemovedCard => ReaderProblem::CardRemoved,
        E::ReaderUnavailable | E::UnknownReader => ReaderProblem::ReaderRemoved,
        E::UnresponsiveCard | E::UnpoweredCard | E::CommError => ReaderProblem::CardUnresponsive,
        E::SharingViolation => ReaderProblem::CardInUse,
        E::ResetCard => ReaderProblem::CardReset,
        other => ReaderProblem::Other {
            detail: other.to_string(),
        },
    }
}

fn reader_error(e: ::pcsc::Error) -> Error {
    Error::CardReader(problem(e))
}

/// The readers the service knows; none is [`ReaderProblem::NoReader`].
fn reader_names(context: &Context) -> Result<Vec<CString>> {
    match context.list_readers_owned() {
        Ok(readers) if readers.is_empty() => Err(Error::CardReader(ReaderProblem::NoReader)),
        Ok(readers) => Ok(readers),
        Err(e) => Err(reader_error(e)),
    }
}

fn display_name(reader: &CStr) -> String {
    reader.to_string_lossy().into_owned()
}

impl PcscTransport {
    /// Connects to the card in the first reader that holds one. Readers without a card are
    /// passed over; when no reader holds one, the error lists the readers looked at
    /// ([`ReaderProblem::NoCard`]). A reader whose card cannot be used (held exclusively by
    /// another program, mute) is reported as such when no other reader has a card.
    pub fn connect_first() -> Result<PcscTransport> {
        let context = establish()?;
        let readers = reader_names(&context)?;
        let mut first_failure = None;
        for reader in &readers {
            match Self::connect_with(&context, reader) {
                Ok(transport) => return Ok(transport),
                Err(Error::CardReader(
                    ReaderProblem::NoCard { .. } | ReaderProblem::CardRemoved,
                )) => {}
                Err(other) => {
                    first_failure.get_or_insert(other);
                }
            }
        }
        Err(first_failure.unwrap_or_else(|| {
            Error::CardReader(ReaderProblem::NoCard {
                readers: readers.iter().map(|r| display_name(r)).collect(),
            })
        }))
    }

    /// Connects to the card in `reader`. A name the service does not know is
    /// [`ReaderProblem::UnknownReader`] with the names it does know; an empty reader is
    /// [`ReaderProblem::NoCard`].
    pub fn connect(reader: &CStr) -> Result<PcscTransport> {
        let context = establish()?;
        let readers = match reader_names(&context) {
            Err(Error::CardReader(ReaderProblem::NoReader)) => vec![],
            other => other?,
        };
        if !readers.iter().any(|known| known.as_c_str() == reader) {
            return Err(Error::CardReader(ReaderProblem::UnknownReader {
                reader: display_name(reader),
                known: readers.iter().map(|r| display_name(r)).collect(),
            }));
        }
        Self::connect_with(&context, reader)
    }

    fn connect_with(context: &Context, reader: &CStr) -> Result<PcscTransport> {
        match context.connect(reader, ShareMode::Shared, Protocols::ANY) {
            Ok(card) => Ok(PcscTransport { card }),
            Err(::pcsc::Error::NoSmartcard | ::pcsc::Error::RemovedCard) => {
                Err(Error::CardReader(ReaderProblem::NoCard {
                    readers: vec![display_name(reader)],
                }))
            }
            Err(e) => Err(reader_error(e)),
        }
    }
}

fn establish() -> Result<Context> {
    Context::establish(Scope::User).map_err(reader_error)
}

impl Transport for PcscTransport {
    fn transmit(&mut self, command: &Command) -> Result<Response> {
        // The encoded command may carry a PIN (VERIFY): wipe it after sending.
        let encoded = Zeroizing::new(command.to_bytes()?);
        let mut buffer = vec![0u8; MAX_BUFFER_SIZE_EXTENDED];
        let answer = self
            .card
            .transmit(&encoded, &mut buffer)
            .map_err(reader_error)?;
        Response::parse(answer)
    }
}

#[cfg(test)]
mod tests {
    use ::pcsc::Error as E;

    use super::*;

    #[test]
    fn the_library_codes_a_user_can_act_on_are_typed() {
        let cases = [
            (E::NoService, ReaderProblem::NoService),
            (E::ServiceStopped, ReaderProblem::NoService),
            (E::NoReadersAvailable, ReaderProblem::NoReader),
            (E::NoSmartcard, ReaderProblem::NoCard { readers: vec![] }),
            (E::RemovedCard, ReaderProblem::CardRemoved),
            (E::ReaderUnavailable, ReaderProblem::ReaderRemoved),
            (E::UnknownReader, ReaderProblem::ReaderRemoved),
            (E::UnresponsiveCard, ReaderProblem::CardUnresponsive),
            (E::UnpoweredCard, ReaderProblem::CardUnresponsive),
            (E::CommError, ReaderProblem::CardUnresponsive),
            (E::SharingViolation, ReaderProblem::CardInUse),
            (E::ResetCard, ReaderProblem::CardReset),
        ];
        for (code, expected) in cases {
            assert_eq!(problem(code), expected, "{code:?}");
        }
    }

    #[test]
    fn other_codes_keep_the_library_description() {
        let ReaderProblem::Other { detail } = problem(E::InsufficientBuffer) else {
            panic!("a buffer too small is not something the user can fix");
        };
        assert_eq!(detail, E::InsufficientBuffer.to_string());
        assert!(!detail.is_empty());
    }
}
