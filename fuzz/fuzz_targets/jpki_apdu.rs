//! ISO 7816-4 APDUs and the card protocol over them. The first byte picks:
//! - 0: `Command::parse`. Oracle: a parsed command encodes, in no more bytes, to bytes that
//!   parse back to the same command.
//! - 1: `Response::parse`. Oracle: it encodes back to exactly its input.
//! - 2: a hostile card: the wallet's whole session (`JpkiCard`: SELECT, READ BINARY of DER
//!   certificates by their header length, VERIFY, COMPUTE DIGITAL SIGNATURE) answered by the
//!   responses framed in the rest (2-byte length, then `data || SW`). Oracle: a certificate
//!   read is one whole DER SEQUENCE of at most 16 KiB, and whatever the card answers, a PIN
//!   goes only into a VERIFY sent right after the card accepted the SELECT of its PIN EF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::card_model::{messages, Message};
use myna_fuzz::card_session::{self, Recorder, Scripted};
use myna_fuzz::input;
use myna_jpki::apdu::{Command, Response};
use myna_jpki::card::JpkiCard;

fuzz_target!(|data: &[u8]| {
    let Some((choice, rest)) = input::pick(data, 3) else {
        return;
    };
    match choice {
        0 => command(rest),
        1 => response(rest),
        _ => hostile_card(rest),
    }
});

fn command(bytes: &[u8]) {
    let Ok(command) = Command::parse(bytes) else {
        return;
    };
    let encoded = command.to_bytes().expect("a parsed command encodes");
    assert!(
        encoded.len() <= bytes.len(),
        "the encoding of {command:?} grew"
    );
    let again = Command::parse(&encoded).expect("an encoded command parses");
    assert_eq!(again, command, "encode → parse changed the command");
}

fn response(bytes: &[u8]) {
    let Ok(response) = Response::parse(bytes) else {
        return;
    };
    assert_eq!(
        response.to_bytes(),
        bytes,
        "parse → encode changed the response"
    );
    let tries = response.status.tries_left();
    assert_eq!(tries.is_some(), response.status.0 & 0xFFF0 == 0x63C0);
}

fn hostile_card(script: &[u8]) {
    let answers = messages(script)
        .into_iter()
        .map(|m| match m {
            Message::Apdu(bytes) => bytes,
            // A one-byte answer is no response; the reader reports it.
            Message::Reset => &[][..],
        })
        .collect();
    let mut card = JpkiCard::new(Recorder::new(Scripted::new(answers)));
    let outcome = card_session::run(&mut card);
    let recorder = card.into_inner();
    let certificates = [&outcome.auth_certificate, &outcome.sign_certificate];
    for der in certificates.into_iter().flatten() {
        assert!(
            der.len() <= 16 * 1024,
            "a {}-byte certificate was read",
            der.len()
        );
        assert!(
            is_one_der_sequence(der),
            "read a certificate that is not one DER SEQUENCE"
        );
    }
    assert!(
        card_session::pins_only_in_verify(&recorder.exchanges),
        "a PIN left the wallet outside a VERIFY after its PIN EF: {:02X?}",
        recorder
            .exchanges
            .iter()
            .map(|e| &e.command)
            .collect::<Vec<_>>()
    );
}

/// `30 len content` with the length (short, 81 or 82 form) covering exactly the rest.
fn is_one_der_sequence(der: &[u8]) -> bool {
    let (header, len) = match der {
        [0x30, len @ 0..=0x7F, ..] => (2, usize::from(*len)),
        [0x30, 0x81, len, ..] => (3, usize::from(*len)),
        [0x30, 0x82, hi, lo, ..] => (4, usize::from(u16::from_be_bytes([*hi, *lo]))),
        _ => return false,
    };
    der.len() == header + len
}
