//! JPKI certificates: `Certificate::parse` with its RSA-2048 key extraction, and the chain,
//! time and revocation checks of `Validator::validate` against the fixed test CA at a fixed
//! instant (`myna_fuzz::jpki_world`). The first byte picks:
//! - 0: the rest as a card certificate. Oracle: a parsed certificate has an RSA-2048 key with
//!   e = 65537 and holder facts exactly when it is a signature certificate; one that
//!   validates certifies the CA's card key for one of its residents, is signed by the CA, is
//!   of the purpose asked, within its validity and not revoked.
//! - 1: the rest as a root (`JpkiRoot::parse`, then a test `RootSet` of it). Oracle: a root
//!   that parses is the CA's own (its key) or a pinned production root (its fingerprint).
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::input;
use myna_fuzz::jpki_world::{now, provider, world};
use myna_jpki::certificate::Certificate;
use myna_jpki::profile::{CertificateType, Environment};
use myna_jpki::roots::{JpkiRoot, RootSet};

// The world signs a dozen things with RSA (seconds in a sanitizer build): before the fuzzing
// starts, outside any input's time limit.
fuzz_target!(init: { world(); }, |data: &[u8]| {
    let Some((choice, rest)) = input::pick(data, 2) else {
        return;
    };
    match choice {
        0 => card_certificate(rest),
        _ => root(rest),
    }
});

fn card_certificate(der: &[u8]) {
    let Ok(certificate) = Certificate::parse(der) else {
        return;
    };
    let key = certificate.public_key();
    assert_eq!(
        (key.bits(), key.e()),
        (2048, &[0x01, 0x00, 0x01][..]),
        "a key other than RSA-2048/65537 was accepted"
    );
    assert_eq!(
        certificate.holder().is_some(),
        certificate.certificate_type() == CertificateType::Signature,
        "holder facts on an authentication certificate, or none on a signature certificate"
    );
    let world = world();
    for purpose in CertificateType::ALL {
        let Ok(root) = world
            .validator
            .validate(&certificate, purpose, now(), &world.current_crls)
        else {
            continue;
        };
        assert_eq!(
            purpose,
            certificate.certificate_type(),
            "validated for the wrong purpose"
        );
        assert_eq!(
            root.certificate_type(),
            purpose,
            "validated under the other root"
        );
        assert!(
            world.is_issued(&certificate),
            "a certificate the CA did not issue validated: {certificate:?}"
        );
        let validity = certificate.validity();
        assert!(
            validity.not_before <= now() && now() <= validity.not_after,
            "validated outside its validity"
        );
        let revoked = world.current_crls.iter().any(|crl| {
            crl.lookup(&certificate.serial()).is_some() && crl.certificate_type() == purpose
        });
        assert!(!revoked, "a revoked certificate validated");
    }
}

fn root(der: &[u8]) {
    let Ok(root) = JpkiRoot::parse(der, provider()) else {
        return;
    };
    let world = world();
    match root.environment() {
        // Production roots load only by their pinned fingerprint, so only J-LIS's own bytes,
        // and then they make a production set.
        Environment::Production => {
            assert_eq!(root.der(), der);
            RootSet::production(&[der], provider()).expect("a pinned root makes a production set");
        }
        Environment::Test => {
            let ours = world
                .roots
                .roots()
                .iter()
                .any(|r| r.public_key() == root.public_key());
            assert!(
                ours,
                "a test root the CA did not sign itself parsed: {root:?}"
            );
            let set =
                RootSet::test(&[der], provider()).expect("a parsed test root makes a test set");
            assert_eq!(set.roots().len(), 1);
        }
    }
}
