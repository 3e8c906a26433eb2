//! "The card signs this payload": RS256 JWS with x5c, verified through the validator, over
//! every compiled crypto provider.
#![cfg(test)]

mod common;

use base64::Engine as _;
use common::*;
use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::card_jws::{self, CardSigner};
use myna_jpki::crl::RevocationReason;
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::IssuedCard;
use myna_jpki::virtual_card::VirtualCard;
use myna_jpki::Error;
use myna_vc_core::crypto::{providers, Algorithm, Signer};
use myna_vc_core::jws::Jws;

fn card(issued: &IssuedCard) -> JpkiCard<VirtualCard> {
    JpkiCard::new(VirtualCard::new(
        issued,
        AuthPin::new("1234").unwrap(),
        SignPin::new("JPKI2035").unwrap(),
    ))
}

#[test]
fn card_signed_jws_verifies_through_the_validator_with_every_provider() {
    let mut ca = ca();
    let issued = issue(&mut ca, &showa_resident());
    let auth = CardSigner::authentication(card(&issued), AuthPin::new("1234").unwrap()).unwrap();
    let sign = CardSigner::signature(card(&issued), SignPin::new("JPKI2035").unwrap()).unwrap();
    assert_eq!(auth.algorithm(), Algorithm::Rs256);
    let payload = br#"{"nonce":"n-0S6_WzA2Mj","did":"did:jwk:xyz"}"#;
    let auth_jws = card_jws::sign_payload(&auth, Some("anchor+jwt"), payload).unwrap();
    let sign_jws = card_jws::sign_payload(&sign, None, payload).unwrap();

    let header = Jws::parse(&auth_jws).unwrap().header().clone();
    assert_eq!(header.alg, Algorithm::Rs256);
    assert_eq!(header.typ.as_deref(), Some("anchor+jwt"));
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(&header.x5c[0])
            .unwrap(),
        issued.authentication_certificate()
    );

    for provider in providers() {
        let validator = validator_with(&ca, provider);
        let crls = crls(&mut ca, validator.roots());
        let verified = card_jws::verify(
            &auth_jws,
            &validator,
            CertificateType::Authentication,
            now(),
            &crls,
        )
        .unwrap();
        assert_eq!(verified.payload, payload);
        assert_eq!(
            verified.certificate.serial(),
            issued.authentication_serial()
        );
        let verified = card_jws::verify(
            &sign_jws,
            &validator,
            CertificateType::Signature,
            now(),
            &crls,
        )
        .unwrap();
        assert_eq!(verified.certificate.holder(), Some(&showa_resident()));
        // The purpose is enforced.
        assert!(matches!(
            card_jws::verify(
                &sign_jws,
                &validator,
                CertificateType::Authentication,
                now(),
                &crls
            ),
            Err(Error::WrongCertificateType { .. })
        ));
    }
}

#[test]
fn tampering_revocation_and_a_foreign_certificate_are_refused() {
    let mut ca = ca();
    let issued = issue(&mut ca, &showa_resident());
    let signer = CardSigner::authentication(card(&issued), AuthPin::new("1234").unwrap()).unwrap();
    let compact = card_jws::sign_payload(&signer, None, b"{\"a\":1}").unwrap();
    let validator = validator(&ca);
    let crls = crls(&mut ca, validator.roots());

    // Another payload under the same header and signature.
    let parts: Vec<&str> = compact.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        myna_vc_core::b64::encode(b"{\"a\":2}"),
        parts[2]
    );
    for provider in providers() {
        let validator = validator_with(&ca, provider);
        assert_eq!(
            card_jws::verify(
                &forged,
                &validator,
                CertificateType::Authentication,
                now(),
                &crls
            )
            .unwrap_err(),
            Error::Core(myna_vc_core::Error::Jose(
                myna_vc_core::JoseError::SignatureInvalid
            ))
        );
    }

    // A header whose x5c is another card's certificate: the signature does not match it.
    let other = issue(&mut ca, &reiwa_resident());
    let header = format!(
        r#"{{"alg":"RS256","x5c":["{}"]}}"#,
        base64::engine::general_purpose::STANDARD.encode(other.authentication_certificate())
    );
    let swapped = format!(
        "{}.{}.{}",
        myna_vc_core::b64::encode(header.as_bytes()),
        parts[1],
        parts[2]
    );
    assert_eq!(
        card_jws::verify(
            &swapped,
            &validator,
            CertificateType::Authentication,
            now(),
            &crls
        )
        .unwrap_err(),
        Error::Core(myna_vc_core::Error::Jose(
            myna_vc_core::JoseError::SignatureInvalid
        ))
    );

    // No x5c at all.
    let bare = format!(
        "{}.{}.{}",
        myna_vc_core::b64::encode(br#"{"alg":"RS256"}"#),
        parts[1],
        parts[2]
    );
    assert!(matches!(
        card_jws::verify(
            &bare,
            &validator,
            CertificateType::Authentication,
            now(),
            &crls
        ),
        Err(Error::MalformedAttribute {
            attribute: "JWS x5c",
            ..
        })
    ));

    // The card's certificate revoked (card lost).
    ca.revoke(
        CertificateType::Authentication,
        issued.authentication_serial(),
        RevocationReason::LOSS,
        issued_at(),
    );
    let crls = common::crls(&mut ca, validator.roots());
    assert!(matches!(
        card_jws::verify(
            &compact,
            &validator,
            CertificateType::Authentication,
            now(),
            &crls
        ),
        Err(Error::Revoked {
            reason: RevocationReason::KeyCompromise,
            ..
        })
    ));
}

#[test]
fn a_wrong_pin_makes_signing_fail_with_the_pin_error() {
    let issued = issue(&mut ca(), &showa_resident());
    let signer = CardSigner::authentication(card(&issued), AuthPin::new("4321").unwrap()).unwrap();
    let err = card_jws::sign_payload(&signer, None, b"{}").unwrap_err();
    assert!(
        matches!(err, Error::Core(myna_vc_core::Error::Jose(myna_vc_core::JoseError::Crypto(ref m))) if m.contains("wrong PIN")),
        "{err:?}"
    );
}
