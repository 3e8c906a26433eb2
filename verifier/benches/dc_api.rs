//! The Digital Credentials API decision benchmark (issue 21), on one core with the default
//! (native) crypto provider. The wallet's answer is the age-≥20 presentation of the gate bench
//! (ES256 issuer, P-256 key binding), bound to `origin:https://shop.example` and the session's
//! nonce, in a `dc_api.jwt` answer (JWE, ECDH-ES on P-256 + A128GCM, encrypted to the session's
//! key). Three measurements:
//!
//! * `decide_encrypted`: [`DcApiSession::decide`] on the page's `{protocol, data}`: the
//!   session checks (policy, expiry, response mode), decrypting the JWE, reading the VP Token,
//!   then the whole [`Verifier::verify`](myna_verifier::verifier::Verifier::verify) with the
//!   single-use nonce and the audience `origin:<origin>` (trust list, SD-JWT VC checks, status,
//!   replay guard, policy);
//! * `verify_plain`: the same kind of presentation verified the plain way, `Verifier::verify`
//!   with `Challenge::single_use(nonce).for_audience(origin.audience())` on a ready
//!   [`Submission`](myna_verifier::submission::Submission): no encryption, no session, no VP
//!   Token to read — the floor the DC API path cannot beat;
//! * `decrypt_only`: [`EncryptionKey::decrypt`] alone on a JWE the wallet made the same way
//!   (`DcApiResponse::to_data`) around a presentation of the same size: the share of the
//!   encryption in the difference.
//!
//! Each iteration gets fresh inputs made outside the timing: a new session (new key, new
//! nonce) and a new encrypted answer for `decide_encrypted`, a new presentation with a new
//! nonce for `verify_plain` (nonces are single use, so a repeat would be a replay), a new JWE
//! (new ephemeral key) for `decrypt_only`. The answer is handed to `decide` already parsed as
//! JSON, as a shop's server holds it after reading the page's request body.
//!
//! After the run it prints the three criterion medians, their throughput and the ratios
//! `decide_encrypted / verify_plain` and `decrypt_only / verify_plain`. Criterion measures the
//! three one after the other, and on a shared machine the load can change in between, so it
//! also measures them interleaved (for 3,000 rounds: fresh inputs made untimed, then one of
//! each, in an order that rotates from round to round) and prints those medians and ratios,
//! measured under the same load.
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
use myna_verifier::core::dcql::QueryId;
use myna_verifier::core::jwe::{ContentEncryption, EncryptionKey};
use myna_verifier::core::oid4vp::{
    DcApiRequest, DcApiResponse, Nonce, Origin, RequestTrust, VpToken,
};
use myna_verifier::core::sdjwt::SdJwt;
use myna_verifier::core::time::Clock;
use myna_verifier::dc_api::{DcApiOptions, DcApiSession};
use myna_verifier::decision::Decision;
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::policy::query::dcql;
use myna_verifier::policy::Policy;
use myna_verifier::submission::{Challenge, Submission};
use serde_json::{json, Value};

const GROUP: &str = "dc_api";
const SHOP: &str = "https://shop.example";

/// One holder's age credential, the shop's page origin, and a key of the shop's for the
/// decryption-only measurement.
struct Shop {
    world: World,
    policy: AgeCheck,
    holder: Holder,
    sd: SdJwt,
    origin: Origin,
    /// `origin:https://shop.example`, the KB-JWT `aud` of every answer.
    audience: String,
    query: QueryId,
    /// The decryption-only side's key and the encrypted request made with it (the wallet
    /// encrypts to the key in its `client_metadata`).
    key: EncryptionKey,
    keyed_request: DcApiRequest,
}

impl Shop {
    fn new() -> Shop {
        let world = World::new();
        let holder = Holder::new();
        let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
        let policy = AgeCheck::over_20().unwrap();
        let origin = Origin::parse(SHOP).unwrap();
        let key = EncryptionKey::generate().unwrap();
        let keyed_request =
            DcApiRequest::unsigned(dcql(policy.requirements()).unwrap(), Some(&key)).unwrap();
        Shop {
            audience: origin.audience(),
            query: QueryId::parse("age").unwrap(),
            policy,
            holder,
            sd,
            origin,
            key,
            keyed_request,
            world,
        }
    }

    /// A fresh presentation bound to the page's origin and `nonce`, as the wallet makes it now.
    fn present(&self, nonce: &str) -> String {
        present_at(
            &self.sd,
            &self.holder,
            &["age_over_20"],
            &self.audience,
            nonce,
            self.world.clock.now(),
        )
    }

    /// The wallet's `data` for `request`: the presentation in a VP Token, encrypted to the
    /// request's key (`{"response": "<JWE>"}`).
    fn wallet_data(&self, request: &DcApiRequest) -> Value {
        let mut token = VpToken::new();
        token.push(&self.query, self.present(request.nonce.as_str()));
        DcApiResponse::Success(token).to_data(request).unwrap()
    }

    /// A new session (default options: `dc_api.jwt`, unsigned) and the wallet's encrypted
    /// answer to it, as the page hands it to the shop's server (`{protocol, data}`).
    fn session_and_answer(&self) -> (DcApiSession, Value) {
        let now = self.world.clock.now();
        let (shown, session) = DcApiSession::start(
            &self.policy,
            self.origin.clone(),
            &DcApiOptions::default(),
            now,
        )
        .unwrap();
        let protocol = shown["protocol"].as_str().unwrap();
        let received = DcApiRequest::from_api(
            protocol,
            &shown["data"],
            &self.origin,
            &RequestTrust::none(),
            now,
        )
        .unwrap();
        let data = self.wallet_data(&received.request);
        (session, json!({"protocol": protocol, "data": data}))
    }

    fn decide(&self, session: DcApiSession, answer: &Value) -> Decision {
        let decision = session.decide(&self.world.verifier, &self.policy, answer);
        assert!(decision.accepted(), "{:?}", decision.outcome);
        decision
    }

    /// A presentation bound to the origin and a fresh nonce of the same length as a
    /// session's, and the challenge the plain path verifies it against.
    fn plain(&self) -> (Submission, Challenge) {
        let nonce = Nonce::random().unwrap();
        let submission = single("age", &self.present(nonce.as_str()));
        let challenge = Challenge::single_use(nonce.as_str()).for_audience(&self.audience);
        (submission, challenge)
    }

    fn verify_plain(&self, (submission, challenge): &(Submission, Challenge)) -> Decision {
        let decision = self
            .world
            .verifier
            .verify(&self.policy, submission, challenge);
        assert!(decision.accepted(), "{:?}", decision.outcome);
        decision
    }

    /// A fresh JWE (new ephemeral key) as the wallet makes it for the shop's own key.
    fn jwe(&self) -> String {
        let data = self.wallet_data(&self.keyed_request);
        data["response"].as_str().unwrap().to_owned()
    }

    fn decrypt(&self, jwe: &str) -> usize {
        self.key
            .decrypt(jwe, &[ContentEncryption::A128Gcm])
            .unwrap()
            .len()
    }
}

fn bench(c: &mut Criterion) {
    let shop = Shop::new();
    let mut group = c.benchmark_group(GROUP);
    group.bench_function("decide_encrypted", |b| {
        b.iter_batched(
            || shop.session_and_answer(),
            |(session, answer)| black_box(shop.decide(session, black_box(&answer))),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("verify_plain", |b| {
        b.iter_batched(
            || shop.plain(),
            |plain| black_box(shop.verify_plain(black_box(&plain))),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("decrypt_only", |b| {
        b.iter_batched(
            || shop.jwe(),
            |jwe| black_box(shop.decrypt(black_box(&jwe))),
            BatchSize::SmallInput,
        );
    });
    group.finish();
    if std::env::args().any(|arg| arg == "--profile-time") {
        // Profiling one function (`--profile-time`): nothing else may run in the profile.
        return;
    }
    interleaved(&shop);
}

/// The three measurements interleaved, one of each a round, so all see the same machine load
/// (the criterion groups run one after the other, and this machine is shared); prints the
/// medians and the ratios to the plain verification.
fn interleaved(shop: &Shop) {
    const ROUNDS: usize = 3_000;
    let mut times: [Vec<u128>; 3] = std::array::from_fn(|_| Vec::with_capacity(ROUNDS));
    let (mut answer_size, mut jwe_size) = (0, 0);
    for round in 0..ROUNDS {
        // Made just before they are used, as requests arrive: in cache, not in the timing.
        let (session, answer) = shop.session_and_answer();
        answer_size = answer.to_string().len();
        let mut session = Some(session);
        let plain = shop.plain();
        let jwe = shop.jwe();
        jwe_size = jwe.len();
        // Whichever runs right after the untimed set-up finds the caches less warm, so the
        // order rotates.
        for step in 0..3 {
            let which = (round + step) % 3;
            let start = Instant::now();
            match which {
                0 => {
                    black_box(shop.decide(session.take().unwrap(), &answer));
                }
                1 => {
                    black_box(shop.verify_plain(&plain));
                }
                _ => {
                    black_box(shop.decrypt(&jwe));
                }
            }
            times[which].push(start.elapsed().as_nanos());
        }
    }
    let [decide, plain, decrypt] = times.map(|mut v| {
        v.sort_unstable();
        v[ROUNDS / 2] as f64
    });
    println!(
        "dc_api interleaved ({ROUNDS} rounds, {answer_size}-byte answer, {jwe_size}-byte JWE): decide (dc_api.jwt) {:.1} µs ({:.0}/s) | plain verify {:.1} µs ({:.0}/s) | decrypt alone {:.1} µs ({:.0}/s) | decide/plain {:.3} | decrypt/plain {:.3}",
        decide / 1e3,
        1e9 / decide,
        plain / 1e3,
        1e9 / plain,
        decrypt / 1e3,
        1e9 / decrypt,
        decide / plain,
        decrypt / plain
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
    let (Some(decide), Some(plain), Some(decrypt)) = (
        median_ns("decide_encrypted"),
        median_ns("verify_plain"),
        median_ns("decrypt_only"),
    ) else {
        return;
    };
    println!(
        "\ndc_api (age ≥ 20, {}): decide (dc_api.jwt) {:.1} µs ({:.0}/s) | plain verify {:.1} µs ({:.0}/s) | decrypt alone {:.1} µs ({:.0}/s) | decide/plain {:.3} | decrypt/plain {:.3}",
        myna_verifier::core::crypto::default_provider().name(),
        decide / 1e3,
        1e9 / decide,
        plain / 1e3,
        1e9 / plain,
        decrypt / 1e3,
        1e9 / decrypt,
        decide / plain,
        decrypt / plain
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
