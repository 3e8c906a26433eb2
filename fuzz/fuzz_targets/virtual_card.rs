//! The virtual card (`myna_jpki::virtual_card`, feature `test-ca`) fed arbitrary APDU
//! sequences. The first byte picks the card (even: an adult's, with the signature application;
//! odd: a child's, without); the rest is a run of vpcd-style messages (2-byte length, then a
//! command APDU, or one byte 0/1/2 for a power cycle).
//!
//! Oracle: a model of the card's security state (`myna_fuzz::card_model`) predicts every
//! answer: a command that parses gets exactly the model's status word and data (a signature
//! only after the right PIN, and then one that verifies under the card key), one that does
//! not parse gets a typed error and changes nothing. After the sequence and a reset, the card
//! still serves the JPKI protocol: its certificate reads back and each PIN's counter is the
//! model's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::card_model::{messages, CardModel, Expected, Files, Message};
use myna_fuzz::input;
use myna_fuzz::jpki_world::{world, AUTH_PIN, SIGN_PIN};
use myna_jpki::apdu::{Command, Response, StatusWord};
use myna_jpki::card::{AuthPin, Card, JpkiCard, PinKind, SignPin};
use myna_jpki::test_ca::IssuedCard;
use myna_jpki::virtual_card::VirtualCard;
use myna_jpki::Error;

// The world signs a dozen things with RSA (seconds in a sanitizer build): before the fuzzing
// starts, outside any input's time limit.
fuzz_target!(init: { world(); }, |data: &[u8]| {
    let Some((choice, rest)) = input::pick(data, 2) else {
        return;
    };
    let world = world();
    let issued = if choice == 0 {
        &world.adult
    } else {
        &world.child
    };
    let mut card = VirtualCard::new(
        issued,
        AuthPin::new(AUTH_PIN).expect("fixture PIN"),
        SignPin::new(SIGN_PIN).expect("fixture PIN"),
    );
    let mut model = CardModel::new(files(issued), AUTH_PIN, SIGN_PIN);
    let mut signed = false;
    for message in messages(rest) {
        match message {
            Message::Reset => {
                card.reset();
                model.reset();
            }
            Message::Apdu(bytes) => signed |= exchange(&mut card, &mut model, bytes, signed),
        }
    }
    card.reset();
    let mut jpki = JpkiCard::new(card);
    assert_eq!(
        jpki.read_auth_certificate()
            .expect("the certificate reads after any sequence"),
        issued.authentication_certificate()
    );
    assert_eq!(
        jpki.pin_tries_left(PinKind::Authentication)
            .expect("the counter reads"),
        model.auth_pin.tries_left
    );
    let sign_tries = jpki.pin_tries_left(PinKind::Signature);
    match &model.sign_pin {
        Some(pin) => assert_eq!(sign_tries.expect("the counter reads"), pin.tries_left),
        None => assert!(sign_tries.is_err(), "a child's card has a signature PIN"),
    }
});

fn files(issued: &IssuedCard) -> Files {
    Files {
        auth_certificate: issued.authentication_certificate().to_vec(),
        auth_ca: issued.authentication_root().to_vec(),
        signature: issued
            .signature_certificate()
            .map(|c| (c.to_vec(), issued.signature_root().to_vec())),
    }
}

/// Sends `bytes` to the card and checks its answer against the model's; whether the card
/// signed. An RSA-2048 signature costs a fifth of a second in a sanitizer build, so once one
/// has been checked, further signing commands go to the model only (signing changes no state).
fn exchange(card: &mut VirtualCard, model: &mut CardModel, bytes: &[u8], signed: bool) -> bool {
    let Ok(command) = Command::parse(bytes) else {
        match card.transmit_bytes(bytes) {
            Err(Error::MalformedApdu(_) | Error::InputTooLarge { .. }) => return false,
            other => panic!("the card took bytes Command::parse refuses: {other:?}"),
        }
    };
    let expected = model.respond(&command);
    if signed && matches!(expected, Expected::Signature(_)) {
        return false;
    }
    let answer = match card.transmit_bytes(bytes) {
        Ok(answer) => answer,
        Err(e) => panic!("the card refused {command:?}, which parses: {e:?}"),
    };
    let response = Response::parse(&answer).expect("every answer ends in a status word");
    match expected {
        Expected::Exactly(status, data) => {
            assert_eq!(response.status, status, "status of {command:?}");
            assert_eq!(response.data, data, "data of {command:?}");
            false
        }
        Expected::Signature(digest_info) => {
            assert_eq!(
                response.status,
                StatusWord::SUCCESS,
                "status of {command:?}"
            );
            assert!(
                world().card_signs(digest_info.as_bytes(), &response.data),
                "COMPUTE DIGITAL SIGNATURE answered something the card key did not sign"
            );
            true
        }
    }
}
