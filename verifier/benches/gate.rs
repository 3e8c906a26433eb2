//! The gate benchmark, on one core with the default (native) crypto provider:
//!
//! * `full_verification`: an age-≥20 presentation (ES256 issuer, P-256 key binding) through
//!   the whole [`Verifier`]: trust list look-up, SD-JWT VC checks (including decoding the
//!   holder key from `cnf.jwk`), status from the cache, the replay guard (each iteration gets a
//!   fresh presentation, made outside the timing, since a repeat would be refused) and the
//!   policy;
//! * `raw_es256_x2`: the two signature verifications that presentation contains (issuer JWS
//!   and KB-JWT) with the same provider, alone.
//!
//! The raw side is the floor a verifier cannot go below: both keys are already decoded
//! [`PublicKey`](myna_verifier::core::crypto::PublicKey)s, as the verifier holds the issuer's
//! in its trust list, and both go through the same provider call as the full path. Decoding
//! the holder key from `cnf.jwk` happens once per presentation, so it is counted in the full
//! path only.
//!
//! After the run it prints both criterion medians, the throughput and the ratio (targets:
//! ≥ 8,000/s and ≤ 1.25). Criterion measures the two one after the other, and on a shared
//! machine the load can change in between, so it also measures them interleaved (for 3,000
//! rounds: a fresh presentation made untimed, then one full verification and one raw pair, in
//! alternating order, and, for reference, vc-core's `sdjwt_vc::verify` alone on a copy of the
//! presentation text) and prints those medians and their ratio, measured under the same load.
#![allow(
    dead_code,
    reason = "the shared test fixtures are compiled in whole; the benchmark uses a few"
)]
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use common::*;
use criterion::{criterion_group, BatchSize, Criterion};
use myna_issuer::credential_types::Kind;
use myna_verifier::core::crypto::PublicKey;
use myna_verifier::core::jws::Jws;
use myna_verifier::core::sdjwt::{KeyBindingRule, SdJwt};
use myna_verifier::core::sdjwt_vc::{self, VcVerifyOptions, Vct};
use myna_verifier::decision::Decision;
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::submission::{Challenge, Submission};
use serde_json::Value;

const GROUP: &str = "gate";
const NONCE: &str = "gate-window-1";

/// One holder's age credential and everything needed to present and verify it.
struct Gate {
    world: World,
    policy: AgeCheck,
    holder: Holder,
    sd: SdJwt,
    /// A gate window nonce: shared by every holder, so the replay guard records each KB-JWT.
    window: Challenge,
    issuer_key: PublicKey,
    holder_key: PublicKey,
}

impl Gate {
    fn new() -> Gate {
        let world = World::new();
        let holder = Holder::new();
        let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
        Gate {
            policy: AgeCheck::over_20().unwrap(),
            window: Challenge::shared(NONCE),
            issuer_key: world.issuer(KOBE).key.public_key(),
            holder_key: holder.key.public_key(),
            holder,
            sd,
            world,
        }
    }

    /// A fresh presentation (new KB-JWT), as a holder at the gate makes it.
    fn present(&self) -> String {
        self.world
            .present(&self.sd, &self.holder, &["age_over_20"], NONCE)
    }

    fn verify(&self, submission: &Submission) -> Decision {
        let decision = self
            .world
            .verifier
            .verify(&self.policy, submission, &self.window);
        assert!(decision.accepted());
        decision
    }

    /// The issuer JWS and the KB-JWT of `presentation`, parsed (the raw side times only
    /// their signature verifications).
    fn signed_parts(presentation: &str) -> (Jws, Jws) {
        let issuer = Jws::parse(presentation.split('~').next().unwrap()).unwrap();
        let kb = Jws::parse(presentation.rsplit('~').next().unwrap()).unwrap();
        (issuer, kb)
    }

    fn verify_raw(&self, (issuer, kb): &(Jws, Jws)) {
        let provider = self.world.verifier.provider();
        issuer.verify(provider, &self.issuer_key).unwrap();
        kb.verify(provider, &self.holder_key).unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let gate = Gate::new();
    let mut group = c.benchmark_group(GROUP);
    // Both sides take a fresh presentation per iteration from the same untimed set-up, so
    // they see their inputs equally warm in the cache.
    group.bench_function("full_verification", |b| {
        b.iter_batched(
            || single("age", &gate.present()),
            |submission| black_box(gate.verify(&submission)),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("raw_es256_x2", |b| {
        b.iter_batched(
            || Gate::signed_parts(&gate.present()),
            |parts| gate.verify_raw(black_box(&parts)),
            BatchSize::SmallInput,
        );
    });
    group.finish();
    if std::env::args().any(|arg| arg == "--profile-time") {
        // Profiling one function (`--profile-time`): nothing else may run in the profile.
        return;
    }
    interleaved(&gate);
}

/// The same two measurements interleaved, one full verification and one raw pair a round, so
/// both see the same machine load (the criterion groups run one after the other, and this machine
/// is shared); prints both medians and their ratio.
fn interleaved(gate: &Gate) {
    const ROUNDS: usize = 3_000;
    let provider = gate.world.verifier.provider();
    let (mut full, mut raw) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    // vc-core's SD-JWT VC verification alone (no trust list, status, replay or policy), to
    // show which part of the cost above the raw signatures is the verifier's own.
    let mut core_only = Vec::with_capacity(ROUNDS);
    let vct = Vct::parse(Kind::Age.vct()).unwrap();
    let rule = KeyBindingRule::Required {
        audience: AUDIENCE,
        nonce: NONCE,
        max_age_secs: 300,
    };
    let options = VcVerifyOptions::at(t(0), rule).expect_vct(&vct);
    let mut size = 0;
    for round in 0..ROUNDS {
        // Made just before it is verified, as a request arrives: in cache, not in the timing.
        let text = gate.present();
        size = text.len();
        let submission = single("age", &text);
        let parts = Gate::signed_parts(&text);
        let copy = text.clone();
        // Whichever runs right after the untimed signing finds the caches less warm, so the
        // order alternates.
        let time_full = || {
            let start = Instant::now();
            black_box(gate.verify(&submission));
            start.elapsed().as_nanos()
        };
        let time_raw = || {
            let start = Instant::now();
            gate.verify_raw(&parts);
            start.elapsed().as_nanos()
        };
        if round % 2 == 0 {
            full.push(time_full());
            raw.push(time_raw());
        } else {
            raw.push(time_raw());
            full.push(time_full());
        }
        let start = Instant::now();
        sdjwt_vc::verify(&copy, provider, &gate.issuer_key, &options).unwrap();
        core_only.push(start.elapsed().as_nanos());
    }
    let median = |mut v: Vec<u128>| {
        v.sort_unstable();
        v[ROUNDS / 2] as f64
    };
    let (f, r, c) = (median(full), median(raw), median(core_only));
    println!(
        "gate interleaved ({ROUNDS} rounds, {size}-byte presentation): full {:.1} µs ({:.0}/s) | raw 2×ES256 {:.1} µs | ratio {:.3} | vc-core sdjwt_vc::verify alone {:.1} µs",
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
