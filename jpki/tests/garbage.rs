//! Arbitrary, truncated and oversized bytes as certificate, root, CRL and APDU: typed errors,
//! never a panic.
#![cfg(test)]

mod common;

use common::*;
use myna_jpki::apdu::{Command, Response};
use myna_jpki::card::{AuthPin, SignPin};
use myna_jpki::certificate::{Certificate, MAX_CERTIFICATE_BYTES};
use myna_jpki::crl::{CrlDocument, MAX_CRL_BYTES};
use myna_jpki::profile::CertificateType;
use myna_jpki::roots::JpkiRoot;
use myna_jpki::virtual_card::VirtualCard;
use myna_jpki::Error;
use myna_vc_core::crypto::default_provider;
use proptest::prelude::*;

fn is_parse_error(err: &Error) -> bool {
    matches!(
        err,
        Error::Der { .. }
            | Error::InputTooLarge { .. }
            | Error::MalformedAttribute { .. }
            | Error::MissingAttribute { .. }
            | Error::UnsupportedAlgorithm { .. }
            | Error::UnsupportedKey(_)
            | Error::UnknownCriticalExtension { .. }
            | Error::MalformedApdu(_)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_are_not_a_certificate(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let err = Certificate::parse(&bytes).unwrap_err();
        prop_assert!(is_parse_error(&err), "{err:?}");
        let err = JpkiRoot::parse(&bytes, default_provider()).unwrap_err();
        prop_assert!(is_parse_error(&err), "{err:?}");
    }

    #[test]
    fn arbitrary_bytes_are_not_a_crl(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let err = CrlDocument::parse(&bytes).unwrap_err();
        prop_assert!(is_parse_error(&err), "{err:?}");
    }

    #[test]
    fn der_shaped_garbage_is_not_a_crl(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        // A SEQUENCE header in front makes the walker go one level deeper.
        let mut bytes = vec![0x30, 0x82, (body.len() >> 8) as u8, body.len() as u8];
        bytes.extend_from_slice(&body);
        let err = CrlDocument::parse(&bytes).unwrap_err();
        prop_assert!(is_parse_error(&err), "{err:?}");
    }

    #[test]
    fn arbitrary_apdus_get_a_status_word_or_a_typed_error(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut card = VirtualCard::new(&card_fixture(), AuthPin::new("1234").unwrap(), SignPin::new("ABC123").unwrap());
        match card.transmit_bytes(&bytes) {
            Ok(response) => prop_assert!(Response::parse(&response).is_ok()),
            Err(err) => prop_assert!(matches!(err, Error::MalformedApdu(_)), "{err:?}"),
        }
        if let Ok(command) = Command::parse(&bytes) {
            prop_assert_eq!(Command::parse(&command.to_bytes().unwrap()).unwrap(), command);
        }
    }

    #[test]
    fn flipped_bytes_in_a_real_certificate_never_panic(index in 0usize..1400, bit in 0u8..8) {
        let mut der = card_fixture().signature_certificate().unwrap().to_vec();
        let i = index % der.len();
        der[i] ^= 1 << bit;
        // Either still a certificate (the flip landed in a value) or a typed error.
        if let Err(err) = Certificate::parse(&der) {
            prop_assert!(is_parse_error(&err), "{err:?}");
        }
    }
}

fn card_fixture() -> myna_jpki::test_ca::IssuedCard {
    static CARD: std::sync::OnceLock<myna_jpki::test_ca::IssuedCard> = std::sync::OnceLock::new();
    CARD.get_or_init(|| issue(&mut ca(), &showa_resident()))
        .clone()
}

#[test]
fn every_truncation_of_a_certificate_and_a_crl_is_an_error() {
    let cert = card_fixture().signature_certificate().unwrap().to_vec();
    for len in 0..cert.len() {
        let err = Certificate::parse(&cert[..len]).unwrap_err();
        assert!(matches!(err, Error::Der { .. }), "{len}: {err:?}");
    }
    let mut ca = ca();
    ca.revoke(
        CertificateType::Signature,
        myna_jpki::certificate::SerialNumber::from_u64(99).unwrap(),
        myna_jpki::crl::RevocationReason::LOSS,
        t0(),
    );
    let crl = ca.crl(CertificateType::Signature, now(), now()).unwrap();
    for len in 0..crl.len() {
        let err = CrlDocument::parse(&crl[..len]).unwrap_err();
        assert!(matches!(err, Error::Der { .. }), "{len}: {err:?}");
    }
    let mut trailing = crl.clone();
    trailing.push(0);
    assert!(matches!(
        CrlDocument::parse(&trailing),
        Err(Error::Der { .. })
    ));
    let mut trailing = cert;
    trailing.push(0);
    assert!(matches!(
        Certificate::parse(&trailing),
        Err(Error::Der { .. })
    ));
}

#[test]
fn oversized_inputs_are_refused_before_parsing() {
    let big = vec![0u8; MAX_CERTIFICATE_BYTES + 1];
    assert_eq!(
        Certificate::parse(&big).unwrap_err(),
        Error::InputTooLarge {
            what: "certificate",
            size: MAX_CERTIFICATE_BYTES + 1,
            limit: MAX_CERTIFICATE_BYTES
        }
    );
    let over_a_megabyte = vec![0u8; (1 << 20) + 1];
    assert!(matches!(
        Certificate::parse(&over_a_megabyte),
        Err(Error::InputTooLarge { .. })
    ));
    // A zeroed allocation is not touched, so this costs no memory.
    let huge = vec![0u8; MAX_CRL_BYTES + 1];
    assert!(matches!(
        CrlDocument::parse(&huge),
        Err(Error::InputTooLarge { what: "CRL", .. })
    ));
    assert!(matches!(
        Command::parse(&over_a_megabyte),
        Err(Error::InputTooLarge { .. })
    ));
    assert!(matches!(
        Response::parse(&over_a_megabyte),
        Err(Error::InputTooLarge { .. })
    ));
}

#[test]
fn deeply_nested_der_is_an_error() {
    // 10 000 nested SEQUENCEs in a certificate-sized buffer, and a CRL whose entry list nests.
    let mut nested = Vec::new();
    for _ in 0..5000 {
        nested = [
            vec![0x30, 0x82, (nested.len() >> 8) as u8, nested.len() as u8],
            nested,
        ]
        .concat();
        if nested.len() > 60_000 {
            break;
        }
    }
    assert!(matches!(
        Certificate::parse(&nested),
        Err(Error::InputTooLarge { .. } | Error::Der { .. })
    ));
    let small: Vec<u8> = (0..200).flat_map(|_| [0x30, 0x80]).collect();
    assert!(matches!(Certificate::parse(&small), Err(Error::Der { .. })));
    assert!(matches!(
        CrlDocument::parse(&nested),
        Err(Error::Der { .. })
    ));
}

/// The card's signature certificate with its subjectPublicKey replaced by `rsa_public_key`
/// (the DER of an RSAPublicKey). The signature no longer matches; parsing never checks it.
fn with_public_key(rsa_public_key: &[u8]) -> Vec<u8> {
    use der::{Decode, Encode};
    let der = card_fixture().signature_certificate().unwrap().to_vec();
    let mut cert = x509_cert::Certificate::from_der(&der).unwrap();
    cert.tbs_certificate
        .subject_public_key_info
        .subject_public_key = der::asn1::BitString::from_bytes(rsa_public_key).unwrap();
    cert.to_der().unwrap()
}

/// `SEQUENCE { INTEGER (content `modulus`), INTEGER (content `exponent`) }`.
fn rsa_public_key(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for content in [modulus, exponent] {
        body.push(0x02);
        push_length(&mut body, content.len());
        body.extend_from_slice(content);
    }
    let mut out = vec![0x30];
    push_length(&mut out, body.len());
    out.extend_from_slice(&body);
    out
}

fn push_length(out: &mut Vec<u8>, len: usize) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend_from_slice(&[0x81, len as u8]),
        _ => out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]),
    }
}

#[test]
fn a_certificate_with_a_zero_or_empty_modulus_is_an_unsupported_key() {
    // Before the fix, `INTEGER 0` reached `RsaPublicKey::from_components` with no significant
    // octet and its bit count underflowed ("attempt to subtract with overflow").
    let e = [0x01, 0x00, 0x01];
    let mut odd_2048 = vec![0xFF; 256];
    odd_2048.insert(0, 0x00);
    let mut even_2048 = odd_2048.clone();
    *even_2048.last_mut().unwrap() = 0xFE;
    // (case, key, what the refusal says)
    let cases: [(&str, Vec<u8>, &str); 8] = [
        (
            "modulus INTEGER 0",
            rsa_public_key(&[0x00], &e),
            "RSA modulus is zero",
        ),
        (
            "empty modulus INTEGER",
            rsa_public_key(&[], &e),
            // x509-parser already refuses an INTEGER without content octets.
            "RSA public key does not parse",
        ),
        (
            "zero padded to 257 octets",
            rsa_public_key(&[0x00; 257], &e),
            // Not DER either: refused by x509-parser as the empty INTEGER is.
            "RSA public key does not parse",
        ),
        (
            "negative modulus",
            rsa_public_key(&[0x80; 256], &e),
            "RSA modulus is negative",
        ),
        (
            "modulus 1",
            rsa_public_key(&[0x01], &e),
            "has 1 content octets",
        ),
        (
            "2056-bit modulus",
            rsa_public_key(&[0x01; 257], &e),
            "has 257 content octets",
        ),
        (
            "even 2048-bit modulus",
            rsa_public_key(&even_2048, &e),
            "odd",
        ),
        ("exponent 0", rsa_public_key(&odd_2048, &[0x00]), "exponent"),
    ];
    for (case, key, says) in cases {
        let der = with_public_key(&key);
        for err in [
            Certificate::parse(&der).unwrap_err(),
            JpkiRoot::parse(&der, default_provider()).unwrap_err(),
        ] {
            let Error::UnsupportedKey(detail) = &err else {
                panic!("{case}: {err:?}");
            };
            assert!(detail.contains(says), "{case}: {detail}");
        }
    }
    // The same surgery with the card's real key still parses: the refusals above are the key's.
    let good = rsa_public_key(&odd_2048, &e);
    assert!(Certificate::parse(&with_public_key(&good)).is_ok());
}
