//! The virtual card at the APDU level and through the `Card` trait.
#![cfg(test)]

mod common;

use common::*;
use myna_jpki::apdu::{Command, Response, StatusWord};
use myna_jpki::card::{AuthPin, Card, DigestInfo, JpkiCard, PinKind, SignPin};
use myna_jpki::certificate::Certificate;
use myna_jpki::test_ca::IssuedCard;
use myna_jpki::virtual_card::VirtualCard;
use myna_jpki::Error;
use myna_vc_core::crypto::{providers, Algorithm, PublicKey};

fn card_of(issued: &IssuedCard) -> JpkiCard<VirtualCard> {
    JpkiCard::new(VirtualCard::new(
        issued,
        AuthPin::new("1234").unwrap(),
        SignPin::new("JPKI2035").unwrap(),
    ))
}

fn issued() -> IssuedCard {
    issue(&mut ca(), &showa_resident())
}

#[test]
fn a_signature_made_by_the_card_verifies_with_the_certificate_read_from_it() {
    let issued = issued();
    let mut card = card_of(&issued);
    let message = b"did:jwk anchoring challenge";
    let auth_sig = card
        .sign_with_auth_key(&AuthPin::new("1234").unwrap(), &DigestInfo::sha256(message))
        .unwrap();
    let sign_pin = SignPin::new("JPKI2035").unwrap();
    let sign_sig = card
        .sign_with_sign_key(&sign_pin, &DigestInfo::sha256(message))
        .unwrap();
    let auth_cert = Certificate::parse(&card.read_auth_certificate().unwrap()).unwrap();
    let sign_cert = Certificate::parse(&card.read_sign_certificate(&sign_pin).unwrap()).unwrap();
    assert_eq!(auth_cert.der(), issued.authentication_certificate());
    assert_eq!(sign_cert.holder(), Some(&showa_resident()));
    for provider in providers() {
        let auth_key = PublicKey::Rsa(auth_cert.public_key().clone());
        let sign_key = PublicKey::Rsa(sign_cert.public_key().clone());
        provider
            .verify(Algorithm::Rs256, &auth_key, message, &auth_sig)
            .unwrap();
        provider
            .verify(Algorithm::Rs256, &sign_key, message, &sign_sig)
            .unwrap();
        assert!(provider
            .verify(Algorithm::Rs256, &auth_key, b"other", &auth_sig)
            .is_err());
    }
    assert_eq!(auth_sig.len(), 256);
}

#[test]
fn the_authentication_pin_locks_after_three_wrong_tries_and_the_card_then_refuses_to_sign() {
    let mut card = card_of(&issued());
    let right = AuthPin::new("1234").unwrap();
    let wrong = AuthPin::new("9999").unwrap();
    let di = DigestInfo::sha256(b"m");
    assert_eq!(card.pin_tries_left(PinKind::Authentication).unwrap(), 3);
    assert_eq!(
        card.sign_with_auth_key(&wrong, &di).unwrap_err(),
        Error::WrongPin { tries_left: 2 }
    );
    assert_eq!(
        card.sign_with_auth_key(&wrong, &di).unwrap_err(),
        Error::WrongPin { tries_left: 1 }
    );
    assert_eq!(
        card.sign_with_auth_key(&wrong, &di).unwrap_err(),
        Error::PinLocked
    );
    assert_eq!(card.pin_tries_left(PinKind::Authentication).unwrap(), 0);
    assert_eq!(
        card.sign_with_auth_key(&right, &di).unwrap_err(),
        Error::PinLocked,
        "the right PIN no longer helps"
    );
    // The certificate stays readable; the signature PIN is independent.
    assert!(card.read_auth_certificate().is_ok());
    assert!(card
        .sign_with_sign_key(&SignPin::new("JPKI2035").unwrap(), &di)
        .is_ok());

    // At the APDU level: COMPUTE DIGITAL SIGNATURE after a locked VERIFY is refused.
    let mut raw = card.into_inner();
    for (bytes, status) in [
        (select_ap(), StatusWord::SUCCESS),
        (select_ef(0x0018), StatusWord::SUCCESS),
        (verify(b"1234"), StatusWord::PIN_BLOCKED),
        (select_ef(0x0017), StatusWord::SUCCESS),
        (compute(&di), StatusWord::SECURITY_NOT_SATISFIED),
    ] {
        assert_eq!(
            Response::parse(&raw.transmit_bytes(&bytes).unwrap())
                .unwrap()
                .status,
            status
        );
    }
}

#[test]
fn the_signature_pin_locks_after_five_wrong_tries() {
    let mut card = card_of(&issued());
    let wrong = SignPin::new("WRONG1").unwrap();
    for tries_left in (1..5).rev() {
        assert_eq!(
            card.read_sign_certificate(&wrong).unwrap_err(),
            Error::WrongPin { tries_left }
        );
    }
    assert_eq!(
        card.read_sign_certificate(&wrong).unwrap_err(),
        Error::PinLocked
    );
    let right = SignPin::new("JPKI2035").unwrap();
    assert_eq!(
        card.read_sign_certificate(&right).unwrap_err(),
        Error::PinLocked
    );
    assert_eq!(
        card.sign_with_sign_key(&right, &DigestInfo::sha256(b"m"))
            .unwrap_err(),
        Error::PinLocked
    );
    assert_eq!(card.pin_tries_left(PinKind::Signature).unwrap(), 0);
}

#[test]
fn a_right_pin_resets_the_counter() {
    let mut card = card_of(&issued());
    let di = DigestInfo::sha256(b"m");
    let wrong = AuthPin::new("0000").unwrap();
    card.sign_with_auth_key(&wrong, &di).unwrap_err();
    card.sign_with_auth_key(&wrong, &di).unwrap_err();
    assert_eq!(card.pin_tries_left(PinKind::Authentication).unwrap(), 1);
    card.sign_with_auth_key(&AuthPin::new("1234").unwrap(), &di)
        .unwrap();
    assert_eq!(card.pin_tries_left(PinKind::Authentication).unwrap(), 3);
    // A prefix or an extension of the PIN is wrong too.
    let wrong_sign = SignPin::new("JPKI203").unwrap();
    let longer = SignPin::new("JPKI20355").unwrap();
    assert_eq!(
        card.read_sign_certificate(&wrong_sign).unwrap_err(),
        Error::WrongPin { tries_left: 4 }
    );
    assert_eq!(
        card.read_sign_certificate(&longer).unwrap_err(),
        Error::WrongPin { tries_left: 3 }
    );
    card.read_sign_certificate(&SignPin::new("JPKI2035").unwrap())
        .unwrap();
    assert_eq!(card.pin_tries_left(PinKind::Signature).unwrap(), 5);
}

fn select_ap() -> Vec<u8> {
    Command::new(0x00, 0xA4, 0x04, 0x0C)
        .with_data(myna_jpki::profile::JPKI_AID.to_vec())
        .to_bytes()
        .unwrap()
}

fn select_ef(file: u16) -> Vec<u8> {
    Command::new(0x00, 0xA4, 0x02, 0x0C)
        .with_data(file.to_be_bytes().to_vec())
        .to_bytes()
        .unwrap()
}

fn verify(pin: &[u8]) -> Vec<u8> {
    Command::new(0x00, 0x20, 0x00, 0x80)
        .with_data(pin.to_vec())
        .to_bytes()
        .unwrap()
}

fn compute(di: &DigestInfo) -> Vec<u8> {
    Command::new(0x80, 0x2A, 0x00, 0x80)
        .with_data(di.as_bytes().to_vec())
        .with_le(256)
        .to_bytes()
        .unwrap()
}

fn read(offset: u16, le: u32) -> Vec<u8> {
    let [p1, p2] = offset.to_be_bytes();
    Command::new(0x00, 0xB0, p1, p2)
        .with_le(le)
        .to_bytes()
        .unwrap()
}

#[test]
fn the_jpki_ap_at_the_apdu_level() {
    let issued = issued();
    let mut card = VirtualCard::new(
        &issued,
        AuthPin::new("1234").unwrap(),
        SignPin::new("JPKI2035").unwrap(),
    );
    let mut send = |bytes: Vec<u8>| Response::parse(&card.transmit_bytes(&bytes).unwrap()).unwrap();
    // Nothing is reachable before the AP is selected; a wrong AID is not found.
    assert_eq!(send(select_ef(0x000A)).status, StatusWord::FILE_NOT_FOUND);
    let mut other_aid = select_ap();
    let last = other_aid.len() - 1;
    other_aid[last] ^= 1;
    assert_eq!(send(other_aid).status, StatusWord::FILE_NOT_FOUND);
    assert_eq!(send(select_ap()).status, StatusWord::SUCCESS);
    assert_eq!(
        send(read(0, 4)).status,
        StatusWord::NOT_ALLOWED,
        "no current EF"
    );
    assert_eq!(send(select_ef(0x000A)).status, StatusWord::SUCCESS);
    let head = send(read(0, 4));
    assert_eq!(
        (head.data.as_slice(), head.status),
        (
            &issued.authentication_certificate()[..4],
            StatusWord::SUCCESS
        )
    );
    let len = issued.authentication_certificate().len();
    let tail = send(read((len - 10) as u16, 256));
    assert_eq!(
        (tail.data.len(), tail.status),
        (10, StatusWord::END_OF_FILE)
    );
    assert_eq!(send(read(0x7FFF, 1)).status, StatusWord::WRONG_OFFSET);
    // The signature certificate needs the signature PIN; key and PIN EFs are never readable.
    assert_eq!(send(select_ef(0x0001)).status, StatusWord::SUCCESS);
    assert_eq!(send(read(0, 4)).status, StatusWord::SECURITY_NOT_SATISFIED);
    for file in [0x0017, 0x001A, 0x0018, 0x001B] {
        assert_eq!(send(select_ef(file)).status, StatusWord::SUCCESS);
        assert_eq!(send(read(0, 256)).status, StatusWord::INCOMPATIBLE_FILE);
    }
    // VERIFY without data reports the counter and spends nothing.
    assert_eq!(send(select_ef(0x001B)).status, StatusWord::SUCCESS);
    assert_eq!(send(verify(b"")).status, StatusWord::wrong_pin(5));
    assert_eq!(send(verify(b"JPKI2035")).status, StatusWord::SUCCESS);
    assert_eq!(send(select_ef(0x0001)).status, StatusWord::SUCCESS);
    assert_eq!(send(read(0, 4)).status, StatusWord::SUCCESS);
    // COMPUTE DIGITAL SIGNATURE takes a SHA-256 DigestInfo only; the auth key needs its own PIN.
    assert_eq!(send(select_ef(0x001A)).status, StatusWord::SUCCESS);
    let mut raw_hash = Command::new(0x80, 0x2A, 0x00, 0x80)
        .with_data(vec![0xAB; 32])
        .with_le(256);
    assert_eq!(
        send(raw_hash.to_bytes().unwrap()).status,
        StatusWord::WRONG_DATA
    );
    let signed = send(compute(&DigestInfo::sha256(b"x")));
    assert_eq!(
        (signed.data.len(), signed.status),
        (256, StatusWord::SUCCESS)
    );
    assert_eq!(send(select_ef(0x0017)).status, StatusWord::SUCCESS);
    assert_eq!(
        send(compute(&DigestInfo::sha256(b"x"))).status,
        StatusWord::SECURITY_NOT_SATISFIED
    );
    // Reselecting the AP drops the verified state.
    assert_eq!(send(select_ap()).status, StatusWord::SUCCESS);
    assert_eq!(send(select_ef(0x001A)).status, StatusWord::SUCCESS);
    assert_eq!(
        send(compute(&DigestInfo::sha256(b"x"))).status,
        StatusWord::SECURITY_NOT_SATISFIED
    );
    // Wrong class, unknown instruction, wrong parameters.
    raw_hash.cla = 0x00;
    assert_eq!(
        send(raw_hash.to_bytes().unwrap()).status,
        StatusWord::INS_NOT_SUPPORTED
    );
    assert_eq!(
        send(vec![0xA0, 0xA4, 0x04, 0x0C]).status,
        StatusWord::CLA_NOT_SUPPORTED
    );
    assert_eq!(
        send(vec![0x00, 0xCA, 0x00, 0x00, 0x00]).status,
        StatusWord::INS_NOT_SUPPORTED
    );
    assert_eq!(
        send(vec![0x00, 0x20, 0x00, 0x81, 0x01, 0x30]).status,
        StatusWord::WRONG_P1P2
    );
}

#[test]
fn a_card_without_a_signature_certificate() {
    let mut child = reiwa_resident();
    child.birth_date = myna_jpki::holder::BirthDate::parse("520250101").unwrap();
    let issued = issue(&mut ca(), &child);
    let mut card = card_of(&issued);
    assert!(card.read_auth_certificate().is_ok());
    let pin = SignPin::new("JPKI2035").unwrap();
    assert_eq!(
        card.read_sign_certificate(&pin).unwrap_err(),
        Error::NoSignatureCertificate
    );
    assert_eq!(
        card.sign_with_sign_key(&pin, &DigestInfo::sha256(b"m"))
            .unwrap_err(),
        Error::NoSignatureCertificate
    );
}

#[test]
fn pin_formats_are_checked_before_the_card_is_asked() {
    for bad in ["123", "12345", "12a4", "١٢٣٤"] {
        assert!(
            matches!(
                AuthPin::new(bad),
                Err(Error::InvalidPinFormat {
                    kind: "authentication",
                    ..
                })
            ),
            "{bad}"
        );
    }
    for bad in [
        "ABC12",
        "ABCDEFGHIJ1234567",
        "abc123",
        "ABC-123",
        "ＡＢＣ１２３",
    ] {
        assert!(
            matches!(
                SignPin::new(bad),
                Err(Error::InvalidPinFormat {
                    kind: "signature",
                    ..
                })
            ),
            "{bad}"
        );
    }
    assert!(SignPin::new("A1B2C3D4E5F6G7H8").is_ok());
}
