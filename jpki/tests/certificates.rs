//! Certificates from the test CA: every attribute round-trips and validates; each failure has
//! its own error.
#![cfg(test)]

mod common;

use common::*;
use myna_jpki::certificate::{Certificate, KeyUsageExtension, SerialNumber};
use myna_jpki::crl::RevocationReason;
use myna_jpki::holder::CalendarDate;
use myna_jpki::holder::{Era, HolderFacts};
use myna_jpki::profile::{other_name, CertificateType, Environment, KeyUsage, ObjectIdentifier};
use myna_jpki::roots::{JpkiRoot, RootSet};
use myna_jpki::test_ca::{
    CertificateTemplate, OtherNameValue, RawExtension, StringEncoding, TestCa,
};
use myna_jpki::validate::Validator;
use myna_jpki::Error;
use myna_vc_core::crypto::{default_provider, providers, PublicKey};

#[test]
fn every_attribute_round_trips_and_the_certificates_validate() {
    for facts in [showa_resident(), reiwa_resident()] {
        let mut ca = ca();
        let card = issue(&mut ca, &facts);
        let sign = parse(card.signature_certificate().unwrap());
        let auth = parse(card.authentication_certificate());

        assert_eq!(sign.certificate_type(), CertificateType::Signature);
        assert_eq!(auth.certificate_type(), CertificateType::Authentication);
        for cert in [&sign, &auth] {
            assert_eq!(cert.environment(), Environment::Test);
            assert_eq!(cert.validity().not_before, issued_at());
        }
        assert_eq!(sign.holder(), Some(&facts));
        assert_eq!(
            auth.holder(),
            None,
            "the authentication certificate carries no personal data"
        );
        assert_eq!(Some(sign.serial()), card.signature_serial());
        assert_eq!(auth.serial(), card.authentication_serial());
        assert_eq!(*sign.public_key(), keys()[3].public_key());
        assert_eq!(*auth.public_key(), keys()[2].public_key());

        // Validity ends at 23:59:59 JST on the 5th birthday after issuance (2035-04-02).
        let born = facts.birth_date.date();
        let fifth = CalendarDate::from_ymd(
            2035 + 4 + i32::from((born.month(), born.day()) < (4, 2)),
            born.month(),
            born.day(),
        )
        .unwrap();
        assert_eq!(
            sign.validity().not_after,
            fifth.next_day().unwrap().start_jst().minus_seconds(1)
        );
        assert_eq!(auth.validity().not_after, sign.validity().not_after);

        let validator = validator(&ca);
        let crls = crls(&mut ca, validator.roots());
        let root = validator
            .validate(&sign, CertificateType::Signature, now(), &crls)
            .unwrap();
        assert_eq!(root.certificate_type(), CertificateType::Signature);
        validator
            .validate(&auth, CertificateType::Authentication, now(), &crls)
            .unwrap();
    }
}

#[test]
fn the_facts_are_what_the_resident_has() {
    let showa = parse(
        issue(&mut ca(), &showa_resident())
            .signature_certificate()
            .unwrap(),
    );
    let facts = showa.holder().unwrap();
    assert_eq!(facts.name.text(), "高橋　一郎");
    assert_eq!(
        facts.name.substitutes().positions().collect::<Vec<_>>(),
        vec![0]
    );
    assert_eq!(facts.name.surname(), Some("高橋"));
    assert_eq!(facts.birth_date.era(), Era::Showa);
    assert_eq!(facts.birth_date.japanese_year(), Some(39));
    assert_eq!(facts.birth_date.date(), date(1964, 8, 15));

    let reiwa = parse(
        issue(&mut ca(), &reiwa_resident())
            .signature_certificate()
            .unwrap(),
    );
    let facts = reiwa.holder().unwrap();
    assert_eq!(facts.birth_date.era(), Era::Reiwa);
    assert_eq!(facts.birth_date.japanese_year(), Some(1));
    assert_eq!(facts.address.text().chars().count(), 200);
    assert_eq!(facts.address.substitutes().positions().count(), 91); // positions 18, 20, …, 198
    assert!(facts.address.text().ends_with("吉野吉野"));
}

#[test]
fn children_under_15_get_no_signature_certificate() {
    let mut child = reiwa_resident();
    child.birth_date = myna_jpki::holder::BirthDate::parse("520250101").unwrap();
    let card = issue(&mut ca(), &child);
    assert!(card.signature_certificate().is_none());
    assert_eq!(
        parse(card.authentication_certificate()).certificate_type(),
        CertificateType::Authentication
    );
}

#[test]
fn other_names_as_octet_strings_parse_to_the_same_facts() {
    let facts = showa_resident();
    let mut ca = ca();
    let mut template = ca
        .template(
            CertificateType::Signature,
            Some(&facts),
            keys()[3].clone(),
            validity(),
        )
        .unwrap();
    for name in &mut template.other_names {
        name.encoding = StringEncoding::Octets;
    }
    let cert = parse(&ca.issue(&template).unwrap());
    assert_eq!(cert.holder(), Some(&facts));
}

fn validity() -> myna_jpki::certificate::Validity {
    myna_jpki::certificate::Validity {
        not_before: issued_at(),
        not_after: issued_at().plus_seconds(days(365)),
    }
}

/// A signature-certificate template of the main CA, to be broken by a test.
fn sign_template(ca: &mut TestCa) -> CertificateTemplate {
    ca.template(
        CertificateType::Signature,
        Some(&showa_resident()),
        keys()[3].clone(),
        validity(),
    )
    .unwrap()
}

/// Issues a broken template and validates it for a signature at `now()`.
fn validate_template(template: &CertificateTemplate) -> Result<(), Error> {
    let mut ca = ca();
    let der = ca.issue(template)?;
    let cert = Certificate::parse(&der)?;
    let validator = validator(&ca);
    let crls = crls(&mut ca, validator.roots());
    validator
        .validate(&cert, CertificateType::Signature, now(), &crls)
        .map(drop)
}

/// Validates a signature card certificate of the main CA, with a CRL, at `at`.
fn validate_sign_at(at: myna_vc_core::time::NumericDate) -> Result<(), Error> {
    let mut ca = ca();
    let card = issue(&mut ca, &showa_resident());
    let validator = validator(&ca);
    let crls = crls(&mut ca, validator.roots());
    validator
        .validate(
            &parse(card.signature_certificate().unwrap()),
            CertificateType::Signature,
            at,
            &crls,
        )
        .map(drop)
}

#[test]
fn unknown_issuer() {
    let mut stranger = other_ca();
    let card = issue(&mut stranger, &showa_resident());
    let mut ca = ca();
    let validator = validator(&ca);
    let crls = crls(&mut ca, validator.roots());
    let err = validator
        .validate(
            &parse(card.signature_certificate().unwrap()),
            CertificateType::Signature,
            now(),
            &crls,
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::UnknownIssuer { ref issuer } if issuer.contains("JPKI-TEST")),
        "{err:?}"
    );
}

#[test]
fn wrong_certificate_type_for_the_purpose() {
    let mut ca = ca();
    let card = issue(&mut ca, &showa_resident());
    let validator = validator(&ca);
    let crls = crls(&mut ca, validator.roots());
    let auth = parse(card.authentication_certificate());
    let err = validator
        .validate(&auth, CertificateType::Signature, now(), &crls)
        .unwrap_err();
    assert_eq!(
        err,
        Error::WrongCertificateType {
            expected: CertificateType::Signature,
            found: CertificateType::Authentication
        }
    );
    let sign = parse(card.signature_certificate().unwrap());
    let err = validator
        .validate(&sign, CertificateType::Authentication, now(), &crls)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::WrongCertificateType {
            expected: CertificateType::Authentication,
            ..
        }
    ));
}

#[test]
fn test_certificate_in_production_mode() {
    let ders: Vec<Vec<u8>> = production_roots().into_iter().map(|(_, d)| d).collect();
    let validator = Validator::new(
        RootSet::production(&ders, default_provider()).unwrap(),
        default_provider(),
    );
    let card = issue(&mut ca(), &showa_resident());
    let err = validator
        .validate(
            &parse(card.signature_certificate().unwrap()),
            CertificateType::Signature,
            now(),
            &[],
        )
        .unwrap_err();
    assert_eq!(err, Error::TestCertificateInProduction);
}

#[test]
fn production_certificate_in_test_mode() {
    let mut fake =
        TestCa::impersonating_production(keys()[0].clone(), keys()[1].clone(), t0()).unwrap();
    let card = issue(&mut fake, &showa_resident());
    let sign = parse(card.signature_certificate().unwrap());
    assert_eq!(sign.environment(), Environment::Production);
    let validator = validator(&ca());
    let err = validator
        .validate(&sign, CertificateType::Signature, now(), &[])
        .unwrap_err();
    assert_eq!(err, Error::ProductionCertificateInTest);
}

#[test]
fn expired() {
    let not_after = parse(
        issue(&mut ca(), &showa_resident())
            .signature_certificate()
            .unwrap(),
    )
    .validity()
    .not_after;
    let at = not_after.plus_seconds(1);
    let err = validate_sign_at(at).unwrap_err();
    assert_eq!(
        err,
        Error::Expired {
            what: "certificate",
            not_after,
            at
        }
    );
    assert!(
        validate_sign_at(not_after).is_err_and(|e| matches!(e, Error::CrlStale { .. })),
        "the validity bound is inclusive; only the CRL is old"
    );
}

#[test]
fn not_yet_valid() {
    let at = issued_at().minus_seconds(1);
    let err = validate_sign_at(at).unwrap_err();
    assert_eq!(
        err,
        Error::NotYetValid {
            what: "certificate",
            not_before: issued_at(),
            at
        }
    );
}

#[test]
fn expired_root() {
    // A second-generation CA issues a card when the first one's roots have expired.
    let mut old = ca();
    let root_end = JpkiRoot::parse(
        old.root_certificate(CertificateType::Signature),
        default_provider(),
    )
    .unwrap()
    .validity()
    .not_after;
    let mut template = sign_template(&mut old);
    template.validity.not_after = root_end.plus_seconds(days(400));
    let cert = parse(&old.issue(&template).unwrap());
    let validator = validator(&old);
    let at = root_end.plus_seconds(days(10));
    let crl_der = old
        .crl(
            CertificateType::Signature,
            at.minus_seconds(60),
            at.plus_seconds(60),
        )
        .unwrap();
    let crl = myna_jpki::crl::Crl::parse(&crl_der, validator.roots(), default_provider()).unwrap();
    let err = validator
        .validate(&cert, CertificateType::Signature, at, &[crl])
        .unwrap_err();
    assert_eq!(
        err,
        Error::Expired {
            what: "root certificate",
            not_after: root_end,
            at
        }
    );
}

#[test]
fn revoked_with_reason_and_date() {
    let mut ca = ca();
    let card = issue(&mut ca, &showa_resident());
    let serial = card.signature_serial().unwrap();
    let moved = issued_at().plus_seconds(days(10));
    ca.revoke(
        CertificateType::Signature,
        serial,
        RevocationReason::MOVING_HOUSE,
        moved,
    );
    let validator = validator(&ca);
    let crls = crls(&mut ca, validator.roots());
    let err = validator
        .validate(
            &parse(card.signature_certificate().unwrap()),
            CertificateType::Signature,
            now(),
            &crls,
        )
        .unwrap_err();
    assert_eq!(
        err,
        Error::Revoked {
            serial,
            reason: RevocationReason::AffiliationChanged,
            revoked_at: moved
        }
    );
    // The authentication certificate is on the other CRL and stays valid.
    validator
        .validate(
            &parse(card.authentication_certificate()),
            CertificateType::Authentication,
            now(),
            &crls,
        )
        .unwrap();
}

#[test]
fn revocation_fails_closed() {
    let mut ca = ca();
    let card = issue(&mut ca, &showa_resident());
    let sign = parse(card.signature_certificate().unwrap());
    let validator = validator(&ca);
    // No CRL at all; only the other type's CRL; a CRL past its nextUpdate.
    assert!(matches!(
        validator.validate(&sign, CertificateType::Signature, now(), &[]),
        Err(Error::NoCrlForIssuer { .. })
    ));
    let auth_crl = crl(&mut ca, CertificateType::Authentication, validator.roots());
    assert!(matches!(
        validator.validate(&sign, CertificateType::Signature, now(), &[auth_crl]),
        Err(Error::NoCrlForIssuer { .. })
    ));
    let sign_crl = crl(&mut ca, CertificateType::Signature, validator.roots());
    let later = now().plus_seconds(days(2));
    assert_eq!(
        validator
            .validate(
                &sign,
                CertificateType::Signature,
                later,
                std::slice::from_ref(&sign_crl)
            )
            .unwrap_err(),
        Error::CrlStale {
            next_update: sign_crl.next_update(),
            at: later
        }
    );
    let earlier = now().minus_seconds(days(2));
    assert!(matches!(
        validator.validate(&sign, CertificateType::Signature, earlier, &[sign_crl]),
        Err(Error::CrlNotYetValid { .. })
    ));
}

#[test]
fn bad_signature() {
    let mut ca = ca();
    let card = issue(&mut ca, &showa_resident());
    let validator = validator(&ca);
    let crls = crls(&mut ca, validator.roots());
    let good = card.signature_certificate().unwrap().to_vec();
    validator
        .validate(&parse(&good), CertificateType::Signature, now(), &crls)
        .unwrap();
    // The last byte is in the signature value.
    let mut bad_signature = good.clone();
    let last = bad_signature.len() - 1;
    bad_signature[last] ^= 0x01;
    for provider in providers() {
        let validator = validator_with(&ca, provider);
        let err = validator
            .validate(
                &parse(&bad_signature),
                CertificateType::Signature,
                now(),
                &crls,
            )
            .unwrap_err();
        assert_eq!(
            err,
            Error::SignatureInvalid {
                what: "certificate"
            },
            "{}",
            provider.name()
        );
    }
    // A changed serial (still a valid DER INTEGER) breaks the signature too.
    let serial = card.signature_serial().unwrap().to_der_content();
    let at = good
        .windows(serial.len())
        .position(|w| w == serial.as_slice())
        .unwrap();
    let mut bad_tbs = good;
    bad_tbs[at + serial.len() - 1] ^= 0x01;
    let err = validator
        .validate(&parse(&bad_tbs), CertificateType::Signature, now(), &crls)
        .unwrap_err();
    assert_eq!(
        err,
        Error::SignatureInvalid {
            what: "certificate"
        }
    );
}

fn without(template: &mut CertificateTemplate, id: ObjectIdentifier) {
    template.other_names.retain(|n| n.type_id != id);
}

fn set(template: &mut CertificateTemplate, id: ObjectIdentifier, value: &str) {
    for n in &mut template.other_names {
        if n.type_id == id {
            n.value = value.to_owned();
        }
    }
}

#[test]
fn missing_attributes() {
    let cases = [
        (other_name::NAME, "name (1.2.392.200149.8.5.5.1)"),
        (
            other_name::NAME_SUBSTITUTES,
            "name substitute map (1.2.392.200149.8.5.5.2)",
        ),
        (other_name::SEX, "sex (1.2.392.200149.8.5.5.3)"),
        (
            other_name::BIRTH_DATE,
            "date of birth (1.2.392.200149.8.5.5.4)",
        ),
        (other_name::ADDRESS, "address (1.2.392.200149.8.5.5.5)"),
        (
            other_name::ADDRESS_SUBSTITUTES,
            "address substitute map (1.2.392.200149.8.5.5.6)",
        ),
    ];
    for (id, attribute) in cases {
        let mut ca = ca();
        let mut template = sign_template(&mut ca);
        without(&mut template, id);
        let err = Certificate::parse(&ca.issue(&template).unwrap()).unwrap_err();
        assert_eq!(err, Error::MissingAttribute { attribute }, "{id}");
    }
    let mut ca = ca();
    let mut template = sign_template(&mut ca);
    template.policies.clear();
    let err = Certificate::parse(&ca.issue(&template).unwrap()).unwrap_err();
    assert_eq!(
        err,
        Error::MissingAttribute {
            attribute: "certificate policy"
        }
    );
}

#[test]
fn malformed_attributes() {
    let cases: [(ObjectIdentifier, &str, &str); 7] = [
        (other_name::SEX, "9", "sex (1.2.392.200149.8.5.5.3)"),
        (
            other_name::BIRTH_DATE,
            "3196408151",
            "date of birth (1.2.392.200149.8.5.5.4)",
        ),
        (
            other_name::BIRTH_DATE,
            "519640815",
            "date of birth (1.2.392.200149.8.5.5.4)",
        ),
        (
            other_name::BIRTH_DATE,
            "319640230",
            "date of birth (1.2.392.200149.8.5.5.4)",
        ),
        (
            other_name::NAME_SUBSTITUTES,
            "1000",
            "name substitute map (1.2.392.200149.8.5.5.2)",
        ),
        (
            other_name::NAME_SUBSTITUTES,
            "10a00",
            "name substitute map (1.2.392.200149.8.5.5.2)",
        ),
        (other_name::NAME, "", "name (1.2.392.200149.8.5.5.1)"),
    ];
    for (id, value, attribute) in cases {
        let mut ca = ca();
        let mut template = sign_template(&mut ca);
        set(&mut template, id, value);
        if id == other_name::NAME {
            set(&mut template, other_name::NAME_SUBSTITUTES, "");
        }
        let err = Certificate::parse(&ca.issue(&template).unwrap()).unwrap_err();
        assert!(
            matches!(err, Error::MalformedAttribute { attribute: a, .. } if a == attribute),
            "{value}: {err:?}"
        );
    }
    // A 201-character address; a duplicated attribute; a policy of the other type.
    let mut ca = ca();
    let mut template = sign_template(&mut ca);
    set(&mut template, other_name::ADDRESS, &"あ".repeat(201));
    set(
        &mut template,
        other_name::ADDRESS_SUBSTITUTES,
        &"0".repeat(201),
    );
    assert!(matches!(
        Certificate::parse(&ca.issue(&template).unwrap()),
        Err(Error::MalformedAttribute {
            attribute: "address (1.2.392.200149.8.5.5.5)",
            ..
        })
    ));
    let mut template = sign_template(&mut ca);
    template.other_names.push(OtherNameValue {
        type_id: other_name::SEX,
        value: "1".into(),
        encoding: StringEncoding::Utf8,
    });
    assert!(matches!(
        Certificate::parse(&ca.issue(&template).unwrap()),
        Err(Error::MalformedAttribute {
            attribute: "sex (1.2.392.200149.8.5.5.3)",
            ..
        })
    ));
    let mut template = sign_template(&mut ca);
    template.policies = vec![CertificateType::Authentication.policy(Environment::Test)];
    assert!(matches!(
        Certificate::parse(&ca.issue(&template).unwrap()),
        Err(Error::MalformedAttribute {
            attribute: "certificate policy",
            ..
        })
    ));
    let mut template = sign_template(&mut ca);
    template.policies = vec![CertificateType::Signature.policy(Environment::Production)];
    assert!(
        matches!(
            Certificate::parse(&ca.issue(&template).unwrap()),
            Err(Error::MalformedAttribute {
                attribute: "certificate policy",
                ..
            })
        ),
        "a production policy under a JPKI-TEST issuer"
    );
}

#[test]
fn wrong_key_usage() {
    let sign_bits = KeyUsage::DIGITAL_SIGNATURE | KeyUsage::NON_REPUDIATION;
    let cases = [
        (
            Some(KeyUsageExtension {
                bits: KeyUsage::DIGITAL_SIGNATURE,
                critical: true,
            }),
            KeyUsage::DIGITAL_SIGNATURE,
            true,
        ),
        (
            Some(KeyUsageExtension {
                bits: sign_bits | KeyUsage::KEY_CERT_SIGN,
                critical: true,
            }),
            sign_bits | KeyUsage::KEY_CERT_SIGN,
            true,
        ),
        (
            Some(KeyUsageExtension {
                bits: sign_bits,
                critical: false,
            }),
            sign_bits,
            false,
        ),
        (None, KeyUsage::default(), false),
    ];
    for (key_usage, found, critical) in cases {
        let mut ca = ca();
        let mut template = sign_template(&mut ca);
        template.key_usage = key_usage;
        assert_eq!(
            validate_template(&template),
            Err(Error::WrongKeyUsage {
                certificate_type: CertificateType::Signature,
                expected: sign_bits,
                found,
                critical
            })
        );
    }
}

#[test]
fn unknown_critical_extension() {
    let mut ca = ca();
    let mut template = sign_template(&mut ca);
    let private = RawExtension {
        oid: ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.99"),
        critical: true,
        value: vec![0x05, 0x00],
    };
    template.extra_extensions.push(private.clone());
    assert_eq!(
        validate_template(&template),
        Err(Error::UnknownCriticalExtension {
            oid: "1.2.392.200149.8.5.99".into()
        })
    );
    // The same extension, not critical, is ignored; so is a non-critical extended key usage.
    let mut template = sign_template(&mut ca);
    template.extra_extensions.push(RawExtension {
        critical: false,
        ..private
    });
    validate_template(&template).unwrap();
    // A critical extension x509-parser knows but JPKI validation does not implement.
    let mut template = sign_template(&mut ca);
    template.extra_extensions.push(RawExtension {
        oid: ObjectIdentifier::new_unwrap("2.5.29.37"),
        critical: true,
        value: vec![
            0x30, 0x0A, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04,
        ],
    });
    assert_eq!(
        validate_template(&template),
        Err(Error::UnknownCriticalExtension {
            oid: "2.5.29.37".into()
        })
    );
}

#[test]
fn every_generation_is_tried_and_the_issuer_is_chosen_by_signature() {
    // Two generations with equal names; certificates without an authority key identifier
    // leave only the signature to tell the issuer.
    let mut gen1 = ca();
    let mut gen2 = other_ca();
    let roots: Vec<JpkiRoot> = [&gen1, &gen2]
        .iter()
        .flat_map(|ca| {
            CertificateType::ALL
                .map(|ty| JpkiRoot::parse(ca.root_certificate(ty), default_provider()).unwrap())
        })
        .collect();
    let set = RootSet::new(Environment::Test, roots).unwrap();
    let validator = Validator::new(set, default_provider());
    let crls: Vec<_> = [&mut gen1, &mut gen2]
        .into_iter()
        .flat_map(|ca| crls(ca, validator.roots()))
        .collect();
    for ca in [&mut gen1, &mut gen2] {
        let mut template = sign_template(ca);
        template.authority_key_id = false;
        let cert = parse(&ca.issue(&template).unwrap());
        let root = validator
            .validate(&cert, CertificateType::Signature, now(), &crls)
            .unwrap();
        assert_eq!(root.der(), ca.root_certificate(CertificateType::Signature));
        let card = issue(ca, &showa_resident());
        let root = validator
            .validate(
                &parse(card.signature_certificate().unwrap()),
                CertificateType::Signature,
                now(),
                &crls,
            )
            .unwrap();
        assert_eq!(root.der(), ca.root_certificate(CertificateType::Signature));
    }
    // The CRL must come from the generation that issued the certificate.
    let card = issue(&mut gen2, &showa_resident());
    let gen1_crls: Vec<_> = crls
        .iter()
        .filter(|c| {
            c.issuer()
                == myna_jpki::roots::Fingerprint::of(gen1.root_certificate(c.certificate_type()))
        })
        .cloned()
        .collect();
    assert!(matches!(
        validator.validate(
            &parse(card.signature_certificate().unwrap()),
            CertificateType::Signature,
            now(),
            &gen1_crls
        ),
        Err(Error::NoCrlForIssuer { .. })
    ));
}

#[test]
fn serials_and_public_keys_are_exposed_for_the_issuer() {
    let card = issue(&mut ca(), &showa_resident());
    let sign = parse(card.signature_certificate().unwrap());
    assert!(sign.serial() >= SerialNumber::from_u64(1000).unwrap());
    assert_eq!(
        PublicKey::Rsa(sign.public_key().clone()).allowed_algorithm(),
        myna_vc_core::crypto::Algorithm::Rs256
    );
    assert!(sign.issuer_name().contains("JPKI for digital signature"));
    let facts: &HolderFacts = sign.holder().unwrap();
    assert_eq!(facts.sex.certificate_code(), "1");
}
