//! Benchmarks of the card's trust path at national scale.
//!
//! * `validate/signature_certificate`: validate a signature certificate (purpose, profile,
//!   chain signature through the default provider, time, lookup in a 1,000,000-entry CRL).
//! * `crl_1m/parse_index`: walk and index a 1,000,000-entry CRL (no signature check).
//! * `crl_1m/parse_verify`: the same plus the root's signature over the ~40 MB TBS.
//! * `crl_1m/lookup_hit`, `crl_1m/lookup_miss`: look up one serial.
//!
//! The CRL is generated once, by the test CA's streaming DER writer, and signed by its root.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use myna_jpki::certificate::{Certificate, SerialNumber};
use myna_jpki::crl::{Crl, CrlDocument, RevocationReason};
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{CrlEntry, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_vc_core::crypto::default_provider;
use myna_vc_core::time::NumericDate;

const ENTRIES: u64 = 1_000_000;

/// Serials of 4 to 5 octets, like J-LIS's, spread so that the CRL is not in serial order.
fn revoked_serial(i: u64) -> SerialNumber {
    SerialNumber::from_u64(0x1000_0000 + (i.wrapping_mul(2_654_435_761) % ENTRIES) * 7 + 1).unwrap()
}

struct Fixture {
    crl_der: Vec<u8>,
    crl: Crl,
    validator: Validator,
    certificate: Certificate,
    now: NumericDate,
}

fn fixture() -> Fixture {
    let t0 = NumericDate::from_unix(2_059_052_400); // 2035-04-01 00:00 JST
    let now = NumericDate::from_unix(2_059_052_400 + 30 * 86_400);
    let key = || TestKey::generate().unwrap();
    let mut ca = TestCa::new(key(), key(), t0).unwrap();
    let facts = HolderFacts {
        name: HolderName::plain("前橋　花子").unwrap(),
        sex: Sex::Female,
        birth_date: BirthDate::parse("419900505").unwrap(),
        address: Address::plain("群馬県前橋市大手町二丁目１２番１号").unwrap(),
    };
    let card_key = key();
    let card = ca
        .issue_card(&facts, card_key.clone(), card_key, t0.plus_seconds(86_400))
        .unwrap();
    let reasons = [
        RevocationReason::MOVING_HOUSE,
        RevocationReason::CARD_RENEWAL,
        RevocationReason::LOSS,
    ];
    let entries = (0..ENTRIES).map(|i| CrlEntry {
        serial: revoked_serial(i),
        revoked_at: t0.plus_seconds(i),
        reason: reasons[(i % 3) as usize],
    });
    let crl_der = ca
        .crl_with_entries(
            CertificateType::Signature,
            entries,
            now.minus_seconds(3600),
            now.plus_seconds(86_400),
        )
        .unwrap();
    let roots = ca.root_set(default_provider()).unwrap();
    let crl = Crl::parse(&crl_der, &roots, default_provider()).unwrap();
    assert_eq!(crl.len(), ENTRIES as usize);
    let certificate = Certificate::parse(card.signature_certificate().unwrap()).unwrap();
    eprintln!("1M-entry CRL: {} bytes of DER", crl_der.len());
    Fixture {
        crl_der,
        crl,
        validator: Validator::new(roots, default_provider()),
        certificate,
        now,
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let crls = [f.crl.clone()];

    let mut validate = c.benchmark_group("validate");
    validate
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    validate.bench_function("signature_certificate", |b| {
        b.iter(|| {
            f.validator
                .validate(
                    black_box(&f.certificate),
                    CertificateType::Signature,
                    f.now,
                    &crls,
                )
                .unwrap()
                .fingerprint()
        })
    });
    validate.bench_function("parse_and_validate_signature_certificate", |b| {
        b.iter(|| {
            let cert = Certificate::parse(black_box(f.certificate.der())).unwrap();
            f.validator
                .validate(&cert, CertificateType::Signature, f.now, &crls)
                .map(|r| r.generation())
                .unwrap()
        })
    });
    validate.finish();

    let mut crl = c.benchmark_group("crl_1m");
    crl.sample_size(10)
        .measurement_time(Duration::from_secs(6))
        .warm_up_time(Duration::from_secs(1));
    crl.bench_function("parse_index", |b| {
        b.iter(|| CrlDocument::parse(black_box(&f.crl_der)).unwrap().len())
    });
    crl.bench_function("parse_verify", |b| {
        b.iter(|| {
            Crl::parse(
                black_box(&f.crl_der),
                f.validator.roots(),
                default_provider(),
            )
            .unwrap()
            .len()
        })
    });
    crl.finish();

    let hits: Vec<SerialNumber> = (0..4096u64).map(|i| revoked_serial(i * 241)).collect();
    let misses: Vec<SerialNumber> = (0..4096u64)
        .map(|i| SerialNumber::from_u64(0x1000_0000 + i * 7 * 241 + 3).unwrap())
        .collect();
    let mut lookup = c.benchmark_group("crl_1m");
    lookup
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    let mut i = 0usize;
    lookup.bench_function("lookup_hit", |b| {
        b.iter(|| {
            i = (i + 1) % hits.len();
            f.crl.lookup(black_box(&hits[i])).map(|r| r.reason)
        })
    });
    lookup.bench_function("lookup_miss", |b| {
        b.iter(|| {
            i = (i + 1) % misses.len();
            f.crl.lookup(black_box(&misses[i])).is_none()
        })
    });
    lookup.finish();
}

criterion_group!(jpki, benches);
criterion_main!(jpki);
