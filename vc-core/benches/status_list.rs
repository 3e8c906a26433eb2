//! Token Status List at the size the design targets: 1,000,000 one-bit entries with 1 %
//! (10,000 random entries) revoked. Prints the compressed size, then measures encoding (zlib
//! at the highest level + base64url), decoding (base64url + guarded inflate) and one lookup.
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use myna_vc_core::status_list::{Status, StatusBits, StatusIndex, StatusList};
use serde_json::Value;

const ENTRIES: u64 = 1_000_000;
const REVOKED: usize = 10_000;

/// xorshift64 from a fixed seed: the same list, so the same size, on every run.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn one_percent_revoked() -> StatusList {
    let mut list = StatusList::new(StatusBits::One, ENTRIES as usize).unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15;
    let mut revoked = 0;
    while revoked < REVOKED {
        let index = StatusIndex::new(xorshift(&mut state) % ENTRIES);
        if list.get(index).unwrap().is_valid() {
            list.set(index, Status::INVALID).unwrap();
            revoked += 1;
        }
    }
    list
}

fn status_list(c: &mut Criterion) {
    let list = one_percent_revoked();
    let json = Value::Object(list.to_json().unwrap());
    let lst_len = json.get("lst").and_then(Value::as_str).map_or(0, str::len);
    println!(
        "status list: {ENTRIES} entries, {REVOKED} revoked: {} bytes uncompressed, \
         {} bytes compressed, {lst_len} characters of base64url `lst`",
        list.as_bytes().len(),
        list.compress().unwrap().len(),
    );

    let mut group = c.benchmark_group("status_list_1M_1pct");
    group.bench_function("encode_json", |b| {
        b.iter(|| black_box(&list).to_json().unwrap())
    });
    group.bench_function("decode_json", |b| {
        b.iter(|| StatusList::from_json(black_box(&json)).unwrap())
    });
    let index = StatusIndex::new(654_321);
    group.bench_function("lookup_one_index", |b| {
        b.iter(|| black_box(&list).get(black_box(index)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = status_list
}
criterion_main!(benches);
