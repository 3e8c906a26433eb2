//! CRLs from the test CA: reasons and dates, signature checks, renewals and links.

mod common;

use common::*;
use myna_jpki::certificate::SerialNumber;
use myna_jpki::crl::{Crl, CrlDocument, RevocationReason};
use myna_jpki::linking::{CertificateRef, LinkingInformation};
use myna_jpki::profile::CertificateType;
use myna_jpki::roots::Fingerprint;
use myna_jpki::test_ca::CrlEntry;
use myna_jpki::Error;
use myna_vc_core::crypto::{default_provider, providers};

#[test]
fn reasons_and_dates_round_trip() {
    let mut ca = ca();
    let roots = ca.root_set(default_provider()).unwrap();
    let events = [
        (11u64, RevocationReason::MOVING_HOUSE, 1u64),
        (12, RevocationReason::CARD_RENEWAL, 2),
        (13, RevocationReason::LOSS, 3),
        (14, RevocationReason::Unspecified, 4),
        (
            0x0100_0000_0000_0000,
            RevocationReason::CessationOfOperation,
            5,
        ),
    ];
    for (serial, reason, day) in events {
        ca.revoke(
            CertificateType::Signature,
            SerialNumber::from_u64(serial).unwrap(),
            reason,
            t0().plus_seconds(days(day)),
        );
    }
    for provider in providers() {
        let der = ca
            .crl(
                CertificateType::Signature,
                now(),
                now().plus_seconds(days(1)),
            )
            .unwrap();
        let crl = Crl::parse(&der, &roots, provider).unwrap();
        assert_eq!(crl.len(), events.len());
        assert_eq!(crl.certificate_type(), CertificateType::Signature);
        assert_eq!(
            crl.issuer(),
            Fingerprint::of(ca.root_certificate(CertificateType::Signature))
        );
        assert_eq!(
            (crl.this_update(), crl.next_update()),
            (now(), now().plus_seconds(days(1)))
        );
        for (serial, reason, day) in events {
            let hit = crl
                .lookup(&SerialNumber::from_u64(serial).unwrap())
                .unwrap();
            assert_eq!(hit.reason, reason);
            assert_eq!(hit.revoked_at, t0().plus_seconds(days(day)));
        }
        assert!(crl.lookup(&SerialNumber::from_u64(15).unwrap()).is_none());
        let auth = Crl::parse(
            &ca.crl(CertificateType::Authentication, now(), now())
                .unwrap(),
            &roots,
            provider,
        )
        .unwrap();
        assert!(auth.is_empty(), "revocations are per type");
    }
}

#[test]
fn openssl_reads_the_crl_the_same_way() {
    // An outside parser sees the entries, reasons and the issuer name we wrote.
    let mut ca = ca();
    ca.revoke(
        CertificateType::Authentication,
        SerialNumber::from_u64(0x4D2).unwrap(),
        RevocationReason::LOSS,
        t0(),
    );
    let der = ca
        .crl(
            CertificateType::Authentication,
            now(),
            now().plus_seconds(60),
        )
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("crl-openssl");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("auth.crl");
    std::fs::write(&path, &der).unwrap();
    // A missing `openssl` fails the test rather than skipping it (scripts/test installs it).
    let output = std::process::Command::new("openssl")
        .args(["crl", "-inform", "DER", "-noout", "-text", "-in"])
        .arg(&path)
        .output()
        .expect("this test needs the `openssl` command (Debian package `openssl`)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("Serial Number: 04D2"), "{text}");
    assert!(text.contains("Key Compromise"), "{text}");
    assert!(
        text.contains("O = JPKI-TEST, OU = JPKI for user authentication"),
        "{text}"
    );
    assert!(text.contains("X509v3 CRL Number"), "{text}");
}

#[test]
fn a_crl_from_an_unknown_root_or_tampered_is_refused() {
    let mut stranger = other_ca();
    let roots = ca().root_set(default_provider()).unwrap();
    let der = stranger
        .crl(CertificateType::Signature, now(), now())
        .unwrap();
    assert!(matches!(
        Crl::parse(&der, &roots, default_provider()),
        Err(Error::UnknownIssuer { .. })
    ));

    let mut ca = ca();
    ca.revoke(
        CertificateType::Signature,
        SerialNumber::from_u64(77).unwrap(),
        RevocationReason::LOSS,
        t0(),
    );
    let der = ca.crl(CertificateType::Signature, now(), now()).unwrap();
    // Change the revoked serial 77 → 78 inside the signed part.
    let at = der.windows(3).position(|w| w == [0x02, 0x01, 77]).unwrap();
    let mut tampered = der.clone();
    tampered[at + 2] = 78;
    for provider in providers() {
        assert_eq!(
            Crl::parse(&tampered, &roots, provider).unwrap_err(),
            Error::SignatureInvalid { what: "CRL" }
        );
    }
    let doc = CrlDocument::parse(&tampered).unwrap();
    assert_eq!(
        doc.len(),
        1,
        "the structure is fine; only the signature is not"
    );
}

#[test]
fn renewal_and_moving_house_revoke_and_link() {
    let mut ca = ca();
    let facts = showa_resident();
    let first = issue(&mut ca, &facts);
    let links = ca.linking().clone();
    assert_eq!(
        links
            .authentication_for_signature(&first.signature_serial().unwrap())
            .unwrap(),
        Some(first.authentication_serial())
    );

    // Moving house: a new signature certificate, the authentication certificate stays.
    let moved_at = issued_at().plus_seconds(days(100));
    let mut moved_facts = facts.clone();
    moved_facts.address =
        myna_jpki::holder::Address::plain("群馬県前橋市大手町二丁目１２番１号").unwrap();
    let moved = ca
        .change_facts(&first, &moved_facts, keys()[3].clone(), moved_at)
        .unwrap();
    assert_eq!(moved.authentication_serial(), first.authentication_serial());
    assert_eq!(
        parse(moved.signature_certificate().unwrap()).holder(),
        Some(&moved_facts)
    );

    // Card renewal: both certificates are new.
    let renewed_at = issued_at().plus_seconds(days(200));
    let renewed = ca
        .renew_card(
            &moved,
            &moved_facts,
            keys()[2].clone(),
            keys()[3].clone(),
            renewed_at,
        )
        .unwrap();

    let links = ca.linking();
    let sign = |s| CertificateRef {
        certificate_type: CertificateType::Signature,
        serial: s,
    };
    let auth = |s| CertificateRef {
        certificate_type: CertificateType::Authentication,
        serial: s,
    };
    assert_eq!(
        links
            .current(sign(first.signature_serial().unwrap()))
            .unwrap(),
        sign(renewed.signature_serial().unwrap())
    );
    assert_eq!(
        links.current(auth(first.authentication_serial())).unwrap(),
        auth(renewed.authentication_serial())
    );
    assert_eq!(
        links
            .signature_for_authentication(&renewed.authentication_serial())
            .unwrap(),
        renewed.signature_serial()
    );

    let roots = ca.root_set(default_provider()).unwrap();
    let at = renewed_at.plus_seconds(60);
    let sign_crl = Crl::parse(
        &ca.crl(CertificateType::Signature, at, at).unwrap(),
        &roots,
        default_provider(),
    )
    .unwrap();
    let auth_crl = Crl::parse(
        &ca.crl(CertificateType::Authentication, at, at).unwrap(),
        &roots,
        default_provider(),
    )
    .unwrap();
    let first_sign = sign_crl.lookup(&first.signature_serial().unwrap()).unwrap();
    assert_eq!(
        (first_sign.reason, first_sign.revoked_at),
        (RevocationReason::AffiliationChanged, moved_at)
    );
    let moved_sign = sign_crl.lookup(&moved.signature_serial().unwrap()).unwrap();
    assert_eq!(
        (moved_sign.reason, moved_sign.revoked_at),
        (RevocationReason::Superseded, renewed_at)
    );
    let first_auth = auth_crl.lookup(&first.authentication_serial()).unwrap();
    assert_eq!(
        (first_auth.reason, first_auth.revoked_at),
        (RevocationReason::Superseded, renewed_at)
    );
    assert!(sign_crl
        .lookup(&renewed.signature_serial().unwrap())
        .is_none());
    assert!(auth_crl.lookup(&renewed.authentication_serial()).is_none());
}

#[test]
fn a_large_crl_indexes_every_entry() {
    let mut ca = ca();
    let roots = ca.root_set(default_provider()).unwrap();
    // Entries in scrambled order; serials of 1 to 8 octets.
    let serial =
        |i: u64| SerialNumber::from_u64(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1).unwrap();
    let reasons = [
        RevocationReason::MOVING_HOUSE,
        RevocationReason::CARD_RENEWAL,
        RevocationReason::LOSS,
    ];
    let entries = (0..20_000u64).map(|i| CrlEntry {
        serial: serial(i),
        revoked_at: t0().plus_seconds(i),
        reason: reasons[(i % 3) as usize],
    });
    let der = ca
        .crl_with_entries(CertificateType::Signature, entries, now(), now())
        .unwrap();
    let crl = Crl::parse(&der, &roots, default_provider()).unwrap();
    assert_eq!(crl.len(), 20_000);
    for i in (0..20_000u64).step_by(97) {
        let hit = crl.lookup(&serial(i)).unwrap();
        assert_eq!(hit.revoked_at, t0().plus_seconds(i));
        assert_eq!(hit.reason, reasons[(i % 3) as usize]);
    }
    assert!(crl.lookup(&SerialNumber::from_u64(2).unwrap()).is_none());
}
