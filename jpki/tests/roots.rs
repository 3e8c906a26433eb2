//! The four production roots in ../shared/vectors/jpki-roots, pinning, and root sets.

mod common;

use common::*;
use myna_jpki::profile::{CertificateType, Environment};
use myna_jpki::roots::{Fingerprint, Generation, JpkiRoot, RootSet, PRODUCTION_ROOTS};
use myna_jpki::test_ca::TestCa;
use myna_jpki::Error;
use myna_vc_core::crypto::{default_provider, providers};

#[test]
fn production_roots_are_recognised_by_type_and_generation_and_verify_themselves() {
    for provider in providers() {
        for (stem, der) in production_roots() {
            let root = JpkiRoot::parse(&der, provider)
                .unwrap_or_else(|e| panic!("{stem} ({}): {e}", provider.name()));
            let expected_type = if stem.starts_with("auth") {
                CertificateType::Authentication
            } else {
                CertificateType::Signature
            };
            let expected_generation: u16 = stem[stem.len() - 4..].parse().unwrap();
            assert_eq!(root.certificate_type(), expected_type, "{stem}");
            assert_eq!(root.generation(), Generation(expected_generation), "{stem}");
            assert_eq!(root.environment(), Environment::Production, "{stem}");
            assert_eq!(root.public_key().bits(), 2048, "{stem}");
            let pin = PRODUCTION_ROOTS
                .iter()
                .find(|p| p.sha256 == root.fingerprint().to_string())
                .unwrap();
            assert_eq!(
                (pin.certificate_type, pin.generation),
                (expected_type, Generation(expected_generation))
            );
            assert_eq!(root.fingerprint(), Fingerprint::of(&der));
        }
    }
}

#[test]
fn pinned_fingerprints_match_openssl() {
    // `openssl x509 -noout -fingerprint -sha256` on the vectors.
    let expected = [
        ("auth_ca_2015", "4D:CF:C4:CA:0A:AF:9F:B2:A3:08:1B:3F:0C:99:1C:32:0B:3A:CC:00:86:67:A3:41:EE:AE:C5:AF:1D:58:CA:7D"),
        ("auth_ca_2023", "64:11:4F:29:62:0C:24:ED:26:31:D4:64:76:A0:40:E7:EE:74:0D:95:60:89:C0:0B:03:6A:6A:81:18:C3:22:B5"),
        ("sign_ca_2015", "19:64:54:05:A1:FE:14:37:74:34:BD:55:95:76:28:AC:40:38:55:7C:54:24:03:A2:24:3F:21:C7:06:FC:93:55"),
        ("sign_ca_2023", "D2:27:F6:CD:E1:1D:35:C5:25:21:78:F1:06:F8:43:D2:46:51:94:49:75:41:3B:53:9F:A2:FB:68:DB:FA:36:5F"),
    ];
    for ((stem, der), (name, openssl)) in production_roots().into_iter().zip(expected) {
        assert_eq!(stem, name);
        assert_eq!(
            Fingerprint::of(&der),
            Fingerprint::from_hex(openssl).unwrap()
        );
    }
}

#[test]
fn a_production_root_with_one_changed_byte_is_not_pinned() {
    let (_, mut der) = production_roots().remove(3);
    let last = der.len() - 1;
    der[last] ^= 1;
    let err = JpkiRoot::parse(&der, default_provider()).unwrap_err();
    assert!(matches!(err, Error::UnpinnedRoot { .. }), "{err:?}");
}

#[test]
fn a_self_signature_that_does_not_verify_is_refused() {
    let ca = ca();
    let mut der = ca.root_certificate(CertificateType::Signature).to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    let err = JpkiRoot::parse(&der, default_provider()).unwrap_err();
    assert_eq!(
        err,
        Error::SignatureInvalid {
            what: "root certificate"
        }
    );
}

#[test]
fn a_root_claiming_production_without_a_pin_is_refused() {
    let fake =
        TestCa::impersonating_production(keys()[0].clone(), keys()[1].clone(), t0()).unwrap();
    let err = JpkiRoot::parse(
        fake.root_certificate(CertificateType::Signature),
        default_provider(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::UnpinnedRoot { .. }), "{err:?}");
}

#[test]
fn root_sets_never_mix_environments() {
    let ders: Vec<Vec<u8>> = production_roots().into_iter().map(|(_, d)| d).collect();
    let production = RootSet::production(&ders, default_provider()).unwrap();
    assert_eq!(production.roots().len(), 4);
    assert_eq!(production.environment(), Environment::Production);
    assert_eq!(
        RootSet::test(&ders, default_provider()).unwrap_err(),
        Error::ProductionCertificateInTest
    );
    let test_root = ca()
        .root_certificate(CertificateType::Authentication)
        .to_vec();
    assert_eq!(
        RootSet::production(std::slice::from_ref(&test_root), default_provider()).unwrap_err(),
        Error::TestCertificateInProduction
    );
    let test = RootSet::test(&[test_root], default_provider()).unwrap();
    let root = &test.roots()[0];
    assert_eq!(root.environment(), Environment::Test);
    assert_eq!(root.generation(), Generation(2035));
    assert_eq!(
        test.get(root.fingerprint()).map(|r| r.certificate_type()),
        Some(CertificateType::Authentication)
    );
}

#[test]
fn test_roots_mirror_the_production_root_profile() {
    // Same extension OIDs, criticality and order as the J-LIS 2023 signature root, and the
    // same name layout with O=JPKI-TEST.
    use x509_parser::prelude::*;
    let (_, real_der) = production_roots().remove(3);
    let ca = ca();
    let ours_der = ca.root_certificate(CertificateType::Signature).to_vec();
    let (_, real) = X509Certificate::from_der(&real_der).unwrap();
    let (_, ours) = X509Certificate::from_der(&ours_der).unwrap();
    let shape = |c: &X509Certificate<'_>| -> Vec<(String, bool)> {
        c.extensions()
            .iter()
            .map(|e| (e.oid.to_id_string(), e.critical))
            .collect()
    };
    assert_eq!(shape(&ours), shape(&real));
    let names = |n: &X509Name<'_>| -> Vec<String> {
        n.iter_attributes()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect()
    };
    let real_names = names(real.subject());
    let mut expected = real_names.clone();
    expected[1] = "JPKI-TEST".into();
    assert_eq!(names(ours.subject()), expected);
    // The string types match too: PrintableString for C, UTF8String for the rest.
    let tags = |n: &X509Name<'_>| -> Vec<u32> {
        n.iter_attributes()
            .map(|a| a.attr_value().tag().0)
            .collect()
    };
    assert_eq!(tags(ours.subject()), tags(real.subject()));
    assert_eq!(
        ours.key_usage().unwrap().unwrap().value.flags,
        real.key_usage().unwrap().unwrap().value.flags
    );
}

#[test]
fn an_end_entity_certificate_is_not_a_root() {
    let card = issue(&mut ca(), &showa_resident());
    let err = JpkiRoot::parse(card.authentication_certificate(), default_provider()).unwrap_err();
    assert!(
        matches!(err, Error::NotJpkiRoot(ref why) if why.contains("CN=")),
        "{err:?}"
    );
}
