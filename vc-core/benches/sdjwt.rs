//! SD-JWT VC hot paths, over every compiled crypto provider:
//!
//! * `verify_presentation`: an SD-JWT VC with an ES256 issuer, a P-256 holder key, 10
//!   selectively disclosable claims, 1 disclosed, with a KB-JWT — the gate's job;
//! * `raw_es256_x2`: the two ES256 verifications that presentation contains, alone — the floor;
//! * `issue`: issuing one such credential.
//!
//! After the run it prints, per provider, the ratio verify / raw (target ≤ 1.25 with the fast
//! provider), read from criterion's own estimates.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{providers, CryptoProvider, SecretKey};
use myna_vc_core::jws::Jws;
use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule};
use myna_vc_core::sdjwt_vc::{
    self, CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, VcVerifyOptions, Vct,
};
use myna_vc_core::time::NumericDate;
use serde_json::{Map, Value};

const AUD: &str = "https://gate.example.jp";
const NONCE: &str = "q2n8Xc0d4lS1-Zt";

struct Setup {
    issuer: SecretKey,
    holder: SecretKey,
    ctype: CredentialType,
    claims: Map<String, Value>,
    now: NumericDate,
}

fn setup() -> Setup {
    let names = [
        "given_name",
        "family_name",
        "birthdate",
        "address",
        "municipality_code",
        "age_over_18",
        "age_over_20",
        "age_over_65",
        "sex",
        "nationality",
    ];
    let mut ctype = CredentialType::new(Vct::parse("https://vc.myna.example/age").unwrap());
    let mut claims = Map::new();
    for (i, name) in names.iter().enumerate() {
        ctype = ctype.claim(ClaimPath::key(*name), DisclosureRule::Selective, false);
        claims.insert(
            (*name).into(),
            if name.starts_with("age_over") {
                Value::Bool(i % 2 == 0)
            } else {
                Value::String(format!("value of {name}"))
            },
        );
    }
    Setup {
        issuer: SecretKey::generate_p256().unwrap(),
        holder: SecretKey::generate_p256().unwrap(),
        ctype,
        claims,
        now: NumericDate::from_unix(1_800_000_000),
    }
}

fn issue(s: &Setup, p: &dyn CryptoProvider) -> String {
    let signer = p.signer(&s.issuer).unwrap();
    let vc = SdJwtVcIssuer::new(&*signer, "https://city.example.jp")
        .issue(&VcRequest {
            credential_type: &s.ctype,
            claims: &s.claims,
            holder_key: &s.holder.public_key(),
            issued_at: s.now,
            expires_at: Some(s.now.plus_seconds(86_400 * 365)),
            status: None,
        })
        .unwrap();
    let holder = p.signer(&s.holder).unwrap();
    vc.select(&[ClaimPath::key("age_over_20")])
        .unwrap()
        .bind(&KeyBinding {
            audience: AUD,
            nonce: NONCE,
            issued_at: s.now,
            signer: &*holder,
        })
        .unwrap()
        .to_string()
}

fn bench(c: &mut Criterion) {
    let s = setup();
    for p in providers() {
        let presentation = issue(&s, p);
        let rule = KeyBindingRule::Required {
            audience: AUD,
            nonce: NONCE,
            max_age_secs: 300,
        };
        let options = VcVerifyOptions::at(s.now, rule);
        let issuer_pk = s.issuer.public_key();
        assert_eq!(
            sdjwt_vc::verify(&presentation, p, &issuer_pk, &options)
                .unwrap()
                .claims()
                .len(),
            6
        );

        let mut group = c.benchmark_group(format!("sdjwt_vc/{}", p.name()));
        group.bench_function("verify_presentation", |b| {
            b.iter(|| sdjwt_vc::verify(black_box(&presentation), p, &issuer_pk, &options).unwrap())
        });

        let (jwt, kb) = (
            presentation.split('~').next().unwrap(),
            presentation.rsplit('~').next().unwrap(),
        );
        let (jwt, kb) = (Jws::parse(jwt).unwrap(), Jws::parse(kb).unwrap());
        let holder_pk = s.holder.public_key();
        group.bench_function("raw_es256_x2", |b| {
            b.iter(|| {
                p.verify(
                    jwt.header().alg,
                    &issuer_pk,
                    black_box(jwt.signing_input().as_bytes()),
                    jwt.signature(),
                )
                .unwrap();
                p.verify(
                    kb.header().alg,
                    &holder_pk,
                    black_box(kb.signing_input().as_bytes()),
                    kb.signature(),
                )
                .unwrap();
            })
        });

        let signer = p.signer(&s.issuer).unwrap();
        let issuer = SdJwtVcIssuer::new(&*signer, "https://city.example.jp");
        group.bench_function("issue", |b| {
            b.iter(|| {
                issuer
                    .issue(&VcRequest {
                        credential_type: &s.ctype,
                        claims: black_box(&s.claims),
                        holder_key: &holder_pk,
                        issued_at: s.now,
                        expires_at: None,
                        status: None,
                    })
                    .unwrap()
            })
        });
        group.finish();
    }
}

/// Criterion's point estimate of the median, in nanoseconds, from its report files.
fn median_ns(group: &str, function: &str) -> Option<f64> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
    let path = format!(
        "{target}/criterion/{}/{function}/new/estimates.json",
        group.replace('/', "_")
    );
    let text = std::fs::read_to_string(path).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn report() {
    println!("\nSD-JWT VC presentation verify vs its two raw ES256 verifications (medians):");
    for p in providers() {
        let group = format!("sdjwt_vc/{}", p.name());
        if let (Some(v), Some(r)) = (
            median_ns(&group, "verify_presentation"),
            median_ns(&group, "raw_es256_x2"),
        ) {
            let issue = median_ns(&group, "issue").unwrap_or(f64::NAN);
            println!(
                "  {:<10} verify {:>9.1} µs | raw 2×ES256 {:>9.1} µs | ratio {:.3} | issue {:>9.1} µs",
                p.name(), v / 1e3, r / 1e3, v / r, issue / 1e3
            );
        }
    }
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
