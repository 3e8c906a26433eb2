//! The gate benchmark, on one core with the default (native) crypto provider:
//!
//! * `full_verification`: an age-≥20 presentation (ES256 issuer, P-256 key binding) through
//!   the whole [`Verifier`]: trust list look-up, SD-JWT VC checks, status from the cache, the
//!   replay guard (each iteration gets a fresh presentation, made outside the timing, since a
//!   repeat would be refused) and the policy;
//! * `raw_es256_x2`: the two signature verifications that presentation contains (issuer JWS
//!   and KB-JWT) with the same provider, alone.
//!
//! After the run it prints both medians, the throughput and the ratio (targets: ≥ 8,000/s and
//! ≤ 1.25).
#![allow(
    missing_docs,
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use common::*;
use criterion::{criterion_group, BatchSize, Criterion};
use myna_issuer::credential_types::Kind;
use myna_verifier::core::jws::Jws;
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::submission::Challenge;
use serde_json::Value;

const GROUP: &str = "gate";

fn bench(c: &mut Criterion) {
    let world = World::new();
    let policy = AgeCheck::over_20().unwrap();
    let holder = Holder::new();
    let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    let provider = world.verifier.provider();
    // A gate window nonce: the replay guard still records every KB-JWT.
    let window = Challenge::shared("gate-window-1");
    let mut group = c.benchmark_group(GROUP);
    group.bench_function("full_verification", |b| {
        b.iter_batched(
            || {
                single(
                    "age",
                    &world.present(&sd, &holder, &["age_over_20"], "gate-window-1"),
                )
            },
            |submission| {
                let decision = world.verifier.verify(&policy, &submission, &window);
                assert!(decision.accepted());
                black_box(decision)
            },
            BatchSize::SmallInput,
        );
    });

    let presentation = world.present(&sd, &holder, &["age_over_20"], "gate-window-1");
    let issuer_jws = Jws::parse(presentation.split('~').next().unwrap()).unwrap();
    let kb_jws = Jws::parse(presentation.rsplit('~').next().unwrap()).unwrap();
    let issuer_key = world.issuer(KOBE).key.public_key();
    let holder_key = holder.key.public_key();
    group.bench_function("raw_es256_x2", |b| {
        b.iter(|| {
            issuer_jws.verify(provider, &issuer_key).unwrap();
            kb_jws.verify(provider, &holder_key).unwrap();
        });
    });
    group.finish();
}

/// Criterion's point estimate of the median, in nanoseconds, from its report files.
fn median_ns(function: &str) -> Option<f64> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
    let path = format!("{target}/criterion/{GROUP}/{function}/new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn report() {
    let (Some(full), Some(raw)) = (median_ns("full_verification"), median_ns("raw_es256_x2"))
    else {
        return;
    };
    println!(
        "\ngate (age ≥ 20, {}): full {:.1} µs ({:.0}/s) | raw 2×ES256 {:.1} µs ({:.0}/s) | ratio {:.3}",
        myna_verifier::core::crypto::default_provider().name(),
        full / 1e3,
        1e9 / full,
        raw / 1e3,
        1e9 / raw,
        full / raw
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(60)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report();
}
