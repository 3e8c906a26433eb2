//! Persisting credential records with status allocation into a fresh redb file: 100,000
//! records in batches of 1,000, one durable write transaction per batch.
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use myna_issuer::audit::ActorRole;
use myna_issuer::record::{Fact, FactSet, NewCredential, SubjectHandle};
use myna_issuer::status_lists::DEFAULT_CAPACITY;
use myna_issuer::store::{RedbStore, Store};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;

const RECORDS: usize = 100_000;
const BATCH: usize = 1_000;

struct Fresh {
    _dir: tempfile::TempDir,
    store: RedbStore,
    uri: StatusListUri,
    batches: Vec<Vec<NewCredential>>,
}

fn fresh() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path().join("issuer.redb")).unwrap();
    let uri = StatusListUri::new("https://city.example/status/1").unwrap();
    store.create_status_list(&uri, DEFAULT_CAPACITY).unwrap();
    let now = NumericDate::from_unix(1_750_000_000);
    let vct = Vct::parse("https://city.example/vct/age").unwrap();
    let batches = (0..RECORDS / BATCH)
        .map(|_| {
            (0..BATCH)
                .map(|_| NewCredential {
                    vct: vct.clone(),
                    subject: SubjectHandle::random().unwrap(),
                    facts: FactSet::of(&[Fact::BirthDate]),
                    issued_at: now,
                    expires_at: now.plus_seconds(86_400),
                    holder_key: None,
                })
                .collect()
        })
        .collect();
    Fresh {
        _dir: dir,
        store,
        uri,
        batches,
    }
}

fn persist(fresh: Fresh) -> Fresh {
    let now = NumericDate::from_unix(1_750_000_000);
    for batch in &fresh.batches {
        fresh
            .store
            .issue_batch(&fresh.uri, batch.clone(), ActorRole::System, now)
            .unwrap();
    }
    fresh
}

fn bench(c: &mut Criterion) {
    // One plain timed run first, so the figure is printed even where criterion's output is not read.
    let setup = fresh();
    let start = Instant::now();
    let done = persist(setup);
    let elapsed = start.elapsed();
    assert_eq!(
        done.store.status_list_info(&done.uri).unwrap().assigned,
        RECORDS as u64
    );
    println!(
        "store: {RECORDS} records in batches of {BATCH}: {:.2} s, {:.0} records/s",
        elapsed.as_secs_f64(),
        RECORDS as f64 / elapsed.as_secs_f64()
    );

    let mut group = c.benchmark_group("redb_store");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.bench_function("issue_100k_in_batches_of_1000", |b| {
        b.iter_batched(fresh, persist, BatchSize::PerIteration);
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
