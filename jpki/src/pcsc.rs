//! A PC/SC card reader as a [`Transport`], so that [`JpkiCard`] reads real cards (feature
//! `pcsc`; needs the PC/SC library, `libpcsclite-dev` on Debian).
//!
//! The protocol code is the same [`JpkiCard`] the virtual card tests exercise, so this module
//! is only the byte pipe: connect, transmit, map reader errors to [`Error::Reader`].
//!
//! ```no_run
//! use myna_jpki::{card::{Card, JpkiCard}, pcsc::PcscTransport};
//! let mut card = JpkiCard::new(PcscTransport::connect_first()?);
//! let der = card.read_auth_certificate()?;
//! # Ok::<(), myna_jpki::Error>(())
//! ```

use std::ffi::CStr;

use ::pcsc::{Context, Protocols, Scope, ShareMode, MAX_BUFFER_SIZE_EXTENDED};
use zeroize::Zeroizing;

use crate::apdu::{Command, Response};
use crate::card::{JpkiCard, Transport};
use crate::error::{Error, Result};

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

fn reader_error(e: ::pcsc::Error) -> Error {
    Error::Reader(e.to_string())
}

impl PcscTransport {
    /// Connects to the card in the first reader that has one.
    pub fn connect_first() -> Result<PcscTransport> {
        let context = Context::establish(Scope::User).map_err(reader_error)?;
        let readers = context.list_readers_owned().map_err(reader_error)?;
        readers
            .iter()
            .find_map(|reader| Self::connect_with(&context, reader).ok())
            .ok_or_else(|| Error::Reader("no reader with a card".into()))
    }

    /// Connects to the card in `reader`.
    pub fn connect(reader: &CStr) -> Result<PcscTransport> {
        let context = Context::establish(Scope::User).map_err(reader_error)?;
        Self::connect_with(&context, reader)
    }

    fn connect_with(context: &Context, reader: &CStr) -> Result<PcscTransport> {
        let card = context
            .connect(reader, ShareMode::Shared, Protocols::ANY)
            .map_err(reader_error)?;
        Ok(PcscTransport { card })
    }
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
