//! Certificates of the fixed test CA (`jpki_world`): the cards' certificates, variants the
//! profile allows or refuses (otherNames as OCTET STRINGs, no authority key identifier, an
//! extra or unknown critical extension, expired, wrong key usage, the production policy under
//! a test root), the CA's roots, and the J-LIS production roots of `../shared`.

use base64::Engine as _;
use myna_jpki::certificate::{KeyUsageExtension, Validity};
use myna_jpki::profile::{CertificateType, Environment, KeyUsage, ObjectIdentifier};
use myna_jpki::test_ca::{CertificateTemplate, RawExtension, StringEncoding};

use super::{Seed, SeedError, Shared};
use crate::input::tagged;
use crate::jpki_world::{issued_at, world};

/// Selector bytes of the `jpki_certificate` target.
const CARD: u8 = 0;
const ROOT: u8 = 1;

pub(super) fn seeds(shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let world = world();
    let mut seeds = Vec::new();
    let mut card =
        |name: &str, der: &[u8]| seeds.push(Seed::new(format!("card_{name}"), tagged(CARD, der)));
    for (name, issued) in [
        ("adult", &world.adult),
        ("child", &world.child),
        ("lost", &world.lost),
    ] {
        card(&format!("{name}_auth"), issued.authentication_certificate());
        if let Some(der) = issued.signature_certificate() {
            card(&format!("{name}_sign"), der);
        }
    }
    for (name, der) in variants()? {
        card(&name, &der);
    }
    for certificate_type in CertificateType::ALL {
        let der = world.ca.root_certificate(certificate_type);
        seeds.push(Seed::new(
            format!("root_{certificate_type}"),
            tagged(ROOT, der),
        ));
    }
    for pem in shared.files("vectors/jpki-roots", &[".pem"], &[], 16 * 1024) {
        let der = pem_to_der(&pem.bytes)?;
        seeds.push(Seed::new(format!("root_{}", pem.name), tagged(ROOT, &der)));
        seeds.push(Seed::new(format!("card_{}", pem.name), tagged(CARD, &der)));
    }
    Ok(seeds)
}

/// Certificates from templates changed one field at a time.
fn variants() -> Result<Vec<(String, Vec<u8>)>, SeedError> {
    let world = world();
    let mut ca = world.ca.clone();
    let validity = Validity {
        not_before: issued_at(),
        not_after: issued_at().plus_seconds(365 * 86_400),
    };
    let facts = world.residents.first().ok_or("no resident")?;
    let mut template = |ty: CertificateType| {
        let facts = (ty == CertificateType::Signature).then_some(facts);
        ca.template(ty, facts, world.card_key.clone(), validity)
    };
    type Change = fn(&mut CertificateTemplate);
    let changes: [(&str, CertificateType, Change); 8] = [
        ("octet_strings", CertificateType::Signature, |t| {
            t.other_names
                .iter_mut()
                .for_each(|n| n.encoding = StringEncoding::Octets)
        }),
        ("no_aki", CertificateType::Authentication, |t| {
            t.authority_key_id = false
        }),
        ("extra_extension", CertificateType::Signature, |t| {
            t.extra_extensions.push(RawExtension {
                oid: ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.5.99"),
                critical: false,
                value: vec![0x05, 0x00],
            })
        }),
        ("unknown_critical", CertificateType::Authentication, |t| {
            t.extra_extensions.push(RawExtension {
                oid: ObjectIdentifier::new_unwrap("2.5.29.99"),
                critical: true,
                value: vec![0x30, 0x00],
            })
        }),
        ("expired", CertificateType::Authentication, |t| {
            t.validity.not_after = t.validity.not_before.plus_seconds(86_400)
        }),
        ("key_usage", CertificateType::Signature, |t| {
            t.key_usage = Some(KeyUsageExtension {
                bits: KeyUsage::DIGITAL_SIGNATURE,
                critical: false,
            })
        }),
        ("production_policy", CertificateType::Authentication, |t| {
            t.policies = vec![CertificateType::Authentication.policy(Environment::Production)]
        }),
        ("no_facts", CertificateType::Signature, |t| {
            t.other_names.truncate(3)
        }),
    ];
    let mut out = Vec::new();
    for (name, ty, change) in changes {
        let mut t = template(ty)?;
        change(&mut t);
        out.push((format!("variant_{name}"), world.ca.issue(&t)?));
    }
    Ok(out)
}

/// The base64 between a PEM file's armour lines.
fn pem_to_der(pem: &[u8]) -> Result<Vec<u8>, SeedError> {
    let text = std::str::from_utf8(pem)?;
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    Ok(base64::engine::general_purpose::STANDARD.decode(body.trim())?)
}
