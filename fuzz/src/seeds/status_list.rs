//! Status lists made by the crate (tagged with the `status_list` target's selector byte): the
//! fixture token signed by the fixture status issuer, its `status_list` JSON, its raw zlib
//! list, its claims, a `status` reference, and a zlib bomb (a stream that inflates past
//! `MAX_LIST_BYTES`, which must be refused); and the draft's JWT example.

use myna_vc_core::status_list::{StatusIndex, StatusReference, MAX_LIST_BYTES};
use serde_json::{Map, Value};

use super::{Seed, SeedError, Shared};
use crate::input::tagged;
use crate::{credential, status};

pub(super) fn seeds(shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let token = status::token()?;
    let signer = credential::provider().signer(status::status_secret())?;
    let jwt = token.sign(&*signer, Some("status-1"))?;
    let list_json = Value::Object(token.list.to_json()?);
    let mut reference_claims = Map::new();
    StatusReference::new(StatusIndex::new(1993), status::uri()?)
        .insert_into(&mut reference_claims)?;
    // Two bits per entry (selector byte 1 → StatusBits::Two), then the zlib stream.
    let mut compressed = vec![1u8];
    compressed.extend(token.list.compress()?);
    // Eight bits per entry (selector 3), then zlib of one byte past the bound.
    let mut bomb = vec![3u8];
    bomb.extend(zlib_of_zeros(MAX_LIST_BYTES + 1));
    let mut seeds = vec![
        Seed::new("token", tagged(0, jwt.as_bytes())),
        Seed::new(
            "list_json",
            tagged(1, serde_json::to_vec(&list_json)?.as_slice()),
        ),
        Seed::new("compressed", tagged(2, &compressed)),
        Seed::new("zlib_bomb", tagged(2, &bomb)),
        Seed::new(
            "token_claims",
            tagged(3, serde_json::to_vec(&token.to_claims()?)?.as_slice()),
        ),
        Seed::new(
            "reference",
            tagged(4, serde_json::to_vec(&reference_claims)?.as_slice()),
        ),
    ];
    seeds.extend(shared.files(
        "vectors/token-status-list/examples",
        &["status_list_encoding_json.md"],
        &[1],
        64 * 1024,
    ));
    Ok(seeds)
}

/// A zlib stream of `len` zero bytes (about 1,000 : 1).
fn zlib_of_zeros(len: usize) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = [0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        let _ = encoder.write_all(chunk.get(..n).unwrap_or_default());
        left -= n;
    }
    encoder.finish().unwrap_or_default()
}
