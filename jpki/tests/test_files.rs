//! The test tooling's files: a test CA saved and loaded back, a virtual card file that keeps its
//! PIN counters, and what a production deployment makes of the test CA's certificates.
#![cfg(test)]

mod common;

use common::*;
use myna_jpki::card::{AuthPin, Card, DigestInfo, JpkiCard, PinKind, SignPin};
use myna_jpki::certificate::{Certificate, SerialNumber};
use myna_jpki::crl::{Crl, RevocationReason};
use myna_jpki::linking::{CertificateRef, LinkingInformation};
use myna_jpki::profile::CertificateType;
use myna_jpki::roots::RootSet;
use myna_jpki::test_ca::{IssuedCard, TestCa};
use myna_jpki::validate::Validator;
use myna_jpki::virtual_card::VirtualCard;
use myna_jpki::Error;
use myna_vc_core::crypto::{default_provider, Algorithm, PublicKey};

fn reload(ca: &TestCa) -> TestCa {
    TestCa::from_state_json(ca.to_state_json().unwrap().as_bytes()).unwrap()
}

fn virtual_card(issued: &IssuedCard) -> VirtualCard {
    VirtualCard::new(
        issued,
        AuthPin::new("1234").unwrap(),
        SignPin::new("HANAKO2027").unwrap(),
    )
}

/// The card written to its file and read back, as `myna wallet anchor --card` does per use.
fn through_file(card: JpkiCard<VirtualCard>) -> JpkiCard<VirtualCard> {
    let json = card.into_inner().to_file_json().unwrap();
    JpkiCard::new(VirtualCard::from_file_json(json.as_bytes()).unwrap())
}

fn json_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn a_loaded_ca_goes_on_where_the_saved_one_stood() {
    let mut ca = ca();
    let first = issue(&mut ca, &showa_resident());
    ca.revoke(
        CertificateType::Authentication,
        first.authentication_serial(),
        RevocationReason::LOSS,
        now(),
    );
    let _ = ca
        .crl(
            CertificateType::Authentication,
            now(),
            now().plus_seconds(days(1)),
        )
        .unwrap();
    let mut loaded = reload(&ca);
    for ty in CertificateType::ALL {
        assert_eq!(loaded.root_certificate(ty), ca.root_certificate(ty));
    }
    // Serials continue: the next card of the loaded CA gets what the original would have.
    let second = issue(&mut loaded, &reiwa_resident());
    let expected = issue(&mut ca.clone(), &reiwa_resident());
    assert_eq!(
        second.authentication_serial(),
        expected.authentication_serial()
    );
    assert_ne!(
        second.authentication_serial(),
        first.authentication_serial()
    );
    // Links survive: the first card's pair, and the second's recorded after loading.
    assert_eq!(
        loaded
            .linking()
            .authentication_for_signature(&first.signature_serial().unwrap())
            .unwrap(),
        Some(first.authentication_serial())
    );
    // The revocation survives, and the CRL number goes on from 2.
    let roots = loaded.root_set(default_provider()).unwrap();
    let der = loaded
        .crl(
            CertificateType::Authentication,
            now(),
            now().plus_seconds(days(1)),
        )
        .unwrap();
    let crl = Crl::parse(&der, &roots, default_provider()).unwrap();
    let entry = crl.lookup(&first.authentication_serial()).unwrap();
    assert_eq!(entry.reason, RevocationReason::KeyCompromise);
    assert_eq!(entry.revoked_at, now());
    assert!(crl.lookup(&second.authentication_serial()).is_none());
    let document = myna_jpki::crl::CrlDocument::parse(&der).unwrap();
    assert_eq!(document.len(), 1);
    let revocations: Vec<_> = loaded.revocations().collect();
    assert_eq!(revocations.len(), 1);
    assert_eq!(revocations[0].0, CertificateType::Authentication);
}

#[test]
fn successions_survive_saving() {
    let mut ca = ca();
    let old = issue(&mut ca, &showa_resident());
    let new = ca
        .renew_card(
            &old,
            &showa_resident(),
            keys()[2].clone(),
            keys()[3].clone(),
            now(),
        )
        .unwrap();
    let loaded = reload(&ca);
    let start = CertificateRef {
        certificate_type: CertificateType::Signature,
        serial: old.signature_serial().unwrap(),
    };
    assert_eq!(
        loaded.linking().current(start).unwrap().serial,
        new.signature_serial().unwrap()
    );
    assert_eq!(loaded.revocations().count(), 2);
}

#[test]
fn the_state_file_says_what_it_is() {
    let ca = ca();
    let json = ca.to_state_json().unwrap();
    let value = json_value(&json);
    assert_eq!(value["format"], "myna-jpki/test-ca/1");
    assert!(value["notice"].as_str().unwrap().contains("TEST"));
    assert_eq!(value["environment"], "test");
    assert!(value["authentication_root"]["private_key"].is_string());
}

#[test]
fn a_damaged_or_foreign_state_file_is_refused_with_a_reason() {
    let ca = ca();
    let json = ca.to_state_json().unwrap();
    let edit = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut value = json_value(&json);
        change(&mut value);
        TestCa::from_state_json(value.to_string().as_bytes()).unwrap_err()
    };
    let is_file_error = |err: &Error, needle: &str| matches!(err, Error::TestFile { detail, .. } if detail.contains(needle));

    let err = edit(&|v| v["format"] = "myna-jpki/test-ca/9".into());
    assert!(is_file_error(&err, "format"), "{err}");
    // The roots swapped: each certificate is then in the other type's slot.
    let err = edit(&|v| {
        let auth = v["authentication_root"].clone();
        v["authentication_root"] = v["signature_root"].clone();
        v["signature_root"] = auth;
    });
    assert!(is_file_error(&err, "authentication root"), "{err}");
    // Only the keys swapped: the certificates no longer certify them.
    let err = edit(&|v| {
        let key = v["authentication_root"]["private_key"].clone();
        v["authentication_root"]["private_key"] = v["signature_root"]["private_key"].clone();
        v["signature_root"]["private_key"] = key;
    });
    assert!(
        is_file_error(&err, "does not certify the saved key"),
        "{err}"
    );
    let err = edit(&|v| v["authentication_root"]["private_key"] = "AAAA".into());
    assert!(matches!(err, Error::Der { .. }), "{err}");
    let err = edit(
        &|v| v["revocations"] = serde_json::json!([{"certificate_type": "signature", "serial": "zz", "revoked_at": 0, "reason": 1}]),
    );
    assert!(is_file_error(&err, "revoked serial"), "{err}");
    let err = edit(
        &|v| v["revocations"] = serde_json::json!([{"certificate_type": "signature", "serial": "01", "revoked_at": 0, "reason": 7}]),
    );
    assert!(is_file_error(&err, "reason code 7"), "{err}");
    let err = edit(&|v| v["extra"] = 1.into());
    assert!(is_file_error(&err, "unknown field"), "{err}");
    let err = TestCa::from_state_json(b"not json").unwrap_err();
    assert!(matches!(err, Error::TestFile { .. }), "{err}");
}

#[test]
fn a_card_file_answers_the_card_protocol_like_the_card_it_was_saved_from() {
    let issued = issue(&mut ca(), &showa_resident());
    let mut card = through_file(JpkiCard::new(virtual_card(&issued)));
    // SELECT and READ BINARY: the authentication certificate needs no PIN.
    assert_eq!(
        card.read_auth_certificate().unwrap(),
        issued.authentication_certificate()
    );
    // The signature certificate comes after the signature PIN.
    let sign_pin = SignPin::new("HANAKO2027").unwrap();
    assert_eq!(
        card.read_sign_certificate(&sign_pin).unwrap(),
        issued.signature_certificate().unwrap()
    );
    // VERIFY and COMPUTE DIGITAL SIGNATURE with the saved key.
    let message = b"anchoring challenge";
    let signature = card
        .sign_with_auth_key(&AuthPin::new("1234").unwrap(), &DigestInfo::sha256(message))
        .unwrap();
    let certificate = Certificate::parse(issued.authentication_certificate()).unwrap();
    default_provider()
        .verify(
            Algorithm::Rs256,
            &PublicKey::Rsa(certificate.public_key().clone()),
            message,
            &signature,
        )
        .unwrap();
    let loaded = card.into_inner();
    assert_eq!(
        loaded.authentication_certificate(),
        issued.authentication_certificate()
    );
    assert_eq!(
        loaded.signature_certificate(),
        issued.signature_certificate()
    );
}

#[test]
fn wrong_pins_count_across_uses_and_a_locked_pin_stays_locked() {
    let issued = issue(&mut ca(), &showa_resident());
    let wrong = AuthPin::new("0000").unwrap();
    let right = AuthPin::new("1234").unwrap();
    let digest = DigestInfo::sha256(b"x");
    let mut card = JpkiCard::new(virtual_card(&issued));
    for expected in [2, 1] {
        assert_eq!(
            card.sign_with_auth_key(&wrong, &digest).unwrap_err(),
            Error::WrongPin {
                tries_left: expected
            }
        );
        // Every wrong try is written back, as after each `myna wallet anchor --card`.
        card = through_file(card);
        assert_eq!(
            card.pin_tries_left(PinKind::Authentication).unwrap(),
            expected
        );
    }
    assert_eq!(
        card.sign_with_auth_key(&wrong, &digest).unwrap_err(),
        Error::PinLocked
    );
    card = through_file(card);
    assert_eq!(card.pin_tries_left(PinKind::Authentication).unwrap(), 0);
    assert_eq!(
        card.sign_with_auth_key(&right, &digest).unwrap_err(),
        Error::PinLocked,
        "the right PIN does not unlock a locked card"
    );
    // The signature PIN has its own counter, untouched.
    assert_eq!(
        card.pin_tries_left(PinKind::Signature).unwrap(),
        SignPin::TRIES
    );
    // A right PIN before the lock resets the counter, and that is saved too.
    let mut fresh = JpkiCard::new(virtual_card(&issued));
    let sign_wrong = SignPin::new("WRONG1").unwrap();
    assert!(fresh.read_sign_certificate(&sign_wrong).is_err());
    fresh = through_file(fresh);
    assert_eq!(fresh.pin_tries_left(PinKind::Signature).unwrap(), 4);
    fresh
        .read_sign_certificate(&SignPin::new("HANAKO2027").unwrap())
        .unwrap();
    fresh = through_file(fresh);
    assert_eq!(
        fresh.pin_tries_left(PinKind::Signature).unwrap(),
        SignPin::TRIES
    );
}

#[test]
fn a_childs_card_file_has_no_signature_application() {
    let mut ca = ca();
    // Born 2019-05-01, issued in 2035: 15 at most on 2034-05-01, so take a younger child.
    let mut child = reiwa_resident();
    child.birth_date = myna_jpki::holder::BirthDate::parse("520300101").unwrap();
    let issued = issue(&mut ca, &child);
    assert!(issued.signature_certificate().is_none());
    let json = virtual_card(&issued).to_file_json().unwrap();
    assert!(json_value(&json)["signature"].is_null());
    let mut card = JpkiCard::new(VirtualCard::from_file_json(json.as_bytes()).unwrap());
    assert_eq!(
        card.read_sign_certificate(&SignPin::new("HANAKO2027").unwrap())
            .unwrap_err(),
        Error::NoSignatureCertificate
    );
    assert!(card.read_auth_certificate().is_ok());
}

#[test]
fn a_damaged_card_file_is_refused_without_showing_its_secrets() {
    let issued = issue(&mut ca(), &showa_resident());
    let json = virtual_card(&issued).to_file_json().unwrap();
    let edit = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut value = json_value(&json);
        change(&mut value);
        VirtualCard::from_file_json(value.to_string().as_bytes()).unwrap_err()
    };
    let err = edit(&|v| v["authentication"]["pin_tries_left"] = 4.into());
    assert!(err.to_string().contains("more than the card's 3"), "{err}");
    let err = edit(&|v| v["signature"]["pin"] = "hanako2027".into());
    assert!(matches!(err, Error::TestFile { .. }), "{err}");
    assert!(!err.to_string().contains("hanako2027"), "{err}");
    let err = edit(&|v| v["authentication"]["pin"] = "12345".into());
    assert!(!err.to_string().contains("12345"), "{err}");
    // The signature slot's certificate in the authentication slot.
    let err = edit(&|v| {
        v["authentication"]["certificate"] = v["signature"]["certificate"].clone();
    });
    assert!(
        err.to_string()
            .contains("authentication slot holds a signature certificate"),
        "{err}"
    );
    // A key that is not the certificate's: another card's, whose keys are the other way round.
    let other = ca()
        .issue_card(
            &showa_resident(),
            keys()[3].clone(),
            keys()[2].clone(),
            issued_at(),
        )
        .unwrap();
    let other_json = virtual_card(&other).to_file_json().unwrap();
    let other_key = json_value(&other_json)["authentication"]["private_key"].clone();
    assert_ne!(
        other_key,
        json_value(&json)["authentication"]["private_key"]
    );
    let err = edit(&|v| v["authentication"]["private_key"] = other_key.clone());
    assert!(err.to_string().contains("does not certify"), "{err}");
    let err = edit(&|v| v["format"] = "something else".into());
    assert!(err.to_string().contains("format"), "{err}");
    let huge = vec![b' '; 300 * 1024];
    assert!(matches!(
        VirtualCard::from_file_json(&huge).unwrap_err(),
        Error::InputTooLarge { .. }
    ));
}

#[test]
fn a_production_deployment_refuses_the_test_cas_roots_and_certificates() {
    let mut ca = reload(&ca());
    let issued = issue(&mut ca, &showa_resident());
    // Its roots cannot join a production root set…
    for ty in CertificateType::ALL {
        assert_eq!(
            RootSet::production(&[ca.root_certificate(ty)], default_provider()).unwrap_err(),
            Error::TestCertificateInProduction
        );
    }
    // …and a production deployment (J-LIS's pinned roots) refuses its card certificates.
    let ders: Vec<Vec<u8>> = production_roots().into_iter().map(|(_, d)| d).collect();
    let production = Validator::new(
        RootSet::production(&ders, default_provider()).unwrap(),
        default_provider(),
    );
    let card = through_file(JpkiCard::new(virtual_card(&issued)));
    let auth = Certificate::parse(card.into_inner().authentication_certificate()).unwrap();
    assert_eq!(
        production
            .validate(&auth, CertificateType::Authentication, now(), &[])
            .unwrap_err(),
        Error::TestCertificateInProduction
    );
    // The test deployment of the same CA accepts it.
    let roots = ca.root_set(default_provider()).unwrap();
    let crls = crls(&mut ca, &roots);
    Validator::new(roots, default_provider())
        .validate(&auth, CertificateType::Authentication, now(), &crls)
        .unwrap();
}

#[test]
fn the_ca_knows_its_own_certificates() {
    let mut ca = reload(&ca());
    let issued = issue(&mut ca, &showa_resident());
    let auth = Certificate::parse(issued.authentication_certificate()).unwrap();
    assert!(ca.issued(&auth, default_provider()));
    assert!(!other_ca().issued(&auth, default_provider()));
    assert_eq!(
        SerialNumber::from_hex(&auth.serial().to_string()).unwrap(),
        auth.serial()
    );
}
