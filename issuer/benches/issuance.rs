//! City-scale issuance: 100,000 age credentials into a fresh redb store, in batches of 1,000
//! (one durable transaction each), against the floor of raw ES256 signing alone — one
//! signature per credential — measured in the same run. Prints credentials per second, the
//! ratio, and what Osaka's 8.8 million residents would take.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

use std::time::{Duration, Instant};

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use myna_issuer::issuance::{AgeRequest, CredentialIssuer, IssuerProfile};
use myna_issuer::record::SubjectHandle;
use myna_issuer::store::{RedbStore, Store};
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;

const CREDENTIALS: usize = 100_000;
const BATCH: usize = 1_000;
const OSAKA: f64 = 8_800_000.0;

struct Residents {
    subjects: Vec<SubjectHandle>,
    births: Vec<CalendarDate>,
    keys: Vec<PublicKey>,
}

fn residents() -> Residents {
    // A few hundred holder keys reused round-robin: key generation is not what is measured.
    let keys: Vec<PublicKey> = (0..256)
        .map(|_| SecretKey::generate_p256().unwrap().public_key())
        .collect();
    let base = CalendarDate::parse("1940-01-01").unwrap().as_date();
    Residents {
        subjects: (0..CREDENTIALS)
            .map(|_| SubjectHandle::random().unwrap())
            .collect(),
        births: (0..CREDENTIALS)
            .map(|i| {
                let date = base + time::Duration::days((i as i64 * 7919) % 30_000);
                CalendarDate::from_ymd(date.year(), u8::from(date.month()), date.day()).unwrap()
            })
            .collect(),
        keys: (0..CREDENTIALS)
            .map(|i| keys[i % keys.len()].clone())
            .collect(),
    }
}

fn issue_all(residents: &Residents, issuer_key: &SecretKey, now: NumericDate) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path().join("issuer.redb")).unwrap();
    let list = StatusListUri::new("https://city.osaka.example/status/age").unwrap();
    store.create_status_list(&list, 1 << 20).unwrap();
    let signer = default_provider().signer(issuer_key).unwrap();
    let profile = IssuerProfile::municipality(
        "https://city.osaka.example",
        Municipality::new("271004".parse().unwrap(), "大阪府", "大阪市").unwrap(),
        list,
    );
    let issuer = CredentialIssuer::new(&store, &*signer, profile).unwrap();
    let start = Instant::now();
    for chunk in (0..CREDENTIALS).collect::<Vec<_>>().chunks(BATCH) {
        let requests: Vec<AgeRequest> = chunk
            .iter()
            .map(|&i| AgeRequest {
                subject: residents.subjects[i],
                birth: residents.births[i],
                holder_key: &residents.keys[i],
                not_after: now.plus_seconds(5 * 365 * 86_400),
            })
            .collect();
        let issued = issuer.age_batch(&requests, now).unwrap();
        assert_eq!(issued.len(), chunk.len());
    }
    start.elapsed()
}

fn sign_all(issuer_key: &SecretKey) -> Duration {
    let signer = default_provider().signer(issuer_key).unwrap();
    // About the size of an age credential's JWS signing input.
    let message = vec![b'e'; 700];
    let start = Instant::now();
    for _ in 0..CREDENTIALS {
        std::hint::black_box(signer.sign(std::hint::black_box(&message)).unwrap());
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let residents = residents();
    let issuer_key = SecretKey::generate_p256().unwrap();
    let now = NumericDate::from_unix(1_800_000_000);
    let mut group = c.benchmark_group("issuance");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(CREDENTIALS as u64));
    group.bench_function(
        BenchmarkId::new("age_credentials_into_fresh_redb", CREDENTIALS),
        |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| issue_all(&residents, &issuer_key, now))
                    .sum()
            })
        },
    );
    group.bench_function(BenchmarkId::new("raw_es256_signatures", CREDENTIALS), |b| {
        b.iter_custom(|iters| (0..iters).map(|_| sign_all(&issuer_key)).sum())
    });
    group.finish();
}

fn median_secs(function: &str) -> Option<f64> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
    let path = format!("{target}/criterion/issuance/{function}/{CREDENTIALS}/new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(v["median"]["point_estimate"].as_f64()? / 1e9)
}

fn report() {
    if let (Some(issue), Some(sign)) = (
        median_secs("age_credentials_into_fresh_redb"),
        median_secs("raw_es256_signatures"),
    ) {
        let per_sec = CREDENTIALS as f64 / issue;
        println!("\n{CREDENTIALS} age credentials into a fresh redb store: {issue:.2} s median = {per_sec:.0} credentials/s");
        println!("raw ES256 signing of {CREDENTIALS} inputs alone:           {sign:.2} s median = {:.0} signatures/s", CREDENTIALS as f64 / sign);
        println!("ratio issuance / raw signing: {:.2}", issue / sign);
        println!(
            "Osaka, 8.8 million residents: {:.1} minutes (target ≤ 15)",
            OSAKA / per_sec / 60.0
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    report();
}
