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
//! ≤ 1.25), and the same measured interleaved (one full verification, then one raw pair, for
//! 3,000 rounds) so that both see the same load on a shared machine, with vc-core's
//! `sdjwt_vc::verify` alone for reference.
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
use myna_verifier::core::sdjwt::KeyBindingRule;
use myna_verifier::core::sdjwt_vc::{self, VcVerifyOptions, Vct};
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
    interleaved(
        &world,
        &policy,
        &window,
        (&issuer_jws, &issuer_key),
        (&kb_jws, &holder_key),
        &sd,
        &holder,
    );
}

/// The same two measurements interleaved, one full verification then one raw pair, so both
/// see the same machine load (the criterion groups run one after the other, and this machine
/// is shared); prints both medians and their ratio.
fn interleaved(
    world: &World,
    policy: &AgeCheck,
    window: &Challenge,
    issuer: (&Jws, &myna_verifier::core::crypto::PublicKey),
    kb: (&Jws, &myna_verifier::core::crypto::PublicKey),
    sd: &myna_verifier::core::sdjwt::SdJwt,
    holder: &Holder,
) {
    const ROUNDS: usize = 3_000;
    let provider = world.verifier.provider();
    let submissions: Vec<_> = (0..ROUNDS)
        .map(|_| {
            single(
                "age",
                &world.present(sd, holder, &["age_over_20"], "gate-window-1"),
            )
        })
        .collect();
    let (mut full, mut raw) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    // vc-core's SD-JWT VC verification alone (no trust list, status, replay or policy), to
    // show which part of the cost above the raw signatures is the verifier's own.
    let mut core_only = Vec::with_capacity(ROUNDS);
    let vct = Vct::parse("urn:myna-vc:vct:age:1").unwrap();
    let rule = KeyBindingRule::Required {
        audience: AUDIENCE,
        nonce: "gate-window-1",
        max_age_secs: 300,
    };
    let options = VcVerifyOptions::at(t(0), rule).expect_vct(&vct);
    for submission in &submissions {
        let text = submission.get("age").unwrap();
        let start = std::time::Instant::now();
        sdjwt_vc::verify(text, provider, issuer.1, &options).unwrap();
        core_only.push(start.elapsed().as_nanos());
        let start = std::time::Instant::now();
        assert!(world.verifier.verify(policy, submission, window).accepted());
        full.push(start.elapsed().as_nanos());
        let start = std::time::Instant::now();
        issuer.0.verify(provider, issuer.1).unwrap();
        kb.0.verify(provider, kb.1).unwrap();
        raw.push(start.elapsed().as_nanos());
    }
    let median = |mut v: Vec<u128>| {
        v.sort_unstable();
        v[ROUNDS / 2] as f64
    };
    let (f, r, c) = (median(full), median(raw), median(core_only));
    println!(
        "gate interleaved ({ROUNDS} rounds): full {:.1} µs ({:.0}/s) | raw 2×ES256 {:.1} µs | ratio {:.3} | vc-core sdjwt_vc::verify alone {:.1} µs",
        f / 1e3,
        1e9 / f,
        r / 1e3,
        f / r,
        c / 1e3
    );
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
