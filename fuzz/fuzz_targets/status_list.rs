//! Token Status Lists: the signed JWT (with the fixture status issuer's key and URI), the
//! `status_list` JSON member, a raw zlib list, token claims and `status` references. The first
//! byte picks the parser. Oracles: no list is ever bigger than `MAX_LIST_BYTES` (a zlib bomb
//! stops at the bound; libFuzzer's `-malloc_limit_mb` in scripts/fuzz catches an allocation
//! past it); an accepted token is exactly the one the status issuer signed; every parsed list,
//! token and reference prints back to a form that parses to an equal one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::{credential, input, status};
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::status_list::{
    StatusBits, StatusList, StatusListToken, StatusReference, MAX_LIST_BYTES,
};
use serde_json::{Map, Value};

/// The parsers, in selector order (the seed generator tags seeds with these numbers).
pub const PARSERS: u8 = 5;

fuzz_target!(|data: &[u8]| {
    let Some((choice, bytes)) = input::pick(data, PARSERS) else {
        return;
    };
    match choice {
        0 => signed_token(bytes),
        1 => list_json(bytes),
        2 => compressed(bytes),
        3 => token_claims(bytes),
        _ => reference(bytes),
    }
});

/// Lists up to this size are also printed back (`to_json`, `to_claims`): compressing a
/// multi-MiB list at the encoder's highest level costs a second under the sanitizer, and the
/// round trip of a big list exercises no code a small one does not.
const ROUND_TRIP_MAX_BYTES: usize = 64 * 1024;

fn assert_bounded(list: &StatusList) {
    assert!(
        list.as_bytes().len() <= MAX_LIST_BYTES,
        "a list of {} bytes passed the bound",
        list.as_bytes().len()
    );
    assert!(
        list.len() <= list.as_bytes().len() * 8,
        "more entries than bits"
    );
}

fn signed_token(bytes: &[u8]) {
    let (Some(jwt), Ok(uri)) = (input::text(bytes), status::uri()) else {
        return;
    };
    let rules = TimeRules::at(credential::now());
    let Ok(verified) = StatusListToken::verify(
        jwt,
        credential::provider(),
        status::status_key(),
        &rules,
        &uri,
    ) else {
        return;
    };
    assert_bounded(verified.list());
    match status::token() {
        Ok(signed) => assert_eq!(
            verified.token(),
            &signed,
            "accepted a token the status issuer did not sign"
        ),
        Err(e) => panic!("the fixture token builds: {e}"),
    }
}

fn list_json(bytes: &[u8]) {
    let Ok(list) = StatusList::from_json_bytes(bytes) else {
        return;
    };
    assert_bounded(&list);
    if list.as_bytes().len() > ROUND_TRIP_MAX_BYTES {
        return;
    }
    let json = match list.to_json() {
        Ok(json) => Value::Object(json),
        Err(e) => panic!("a parsed list does not print: {e}"),
    };
    assert!(
        StatusList::from_json(&json).as_ref() == Ok(&list),
        "list changed through to_json"
    );
}

fn compressed(bytes: &[u8]) {
    let Some((bits, zlib)) = bytes.split_first() else {
        return;
    };
    let Ok(bits) = StatusBits::new(u64::from(1u8 << (bits % 4))) else {
        return;
    };
    if let Ok(list) = StatusList::from_compressed(bits, zlib) {
        assert_bounded(&list);
    }
}

fn object(bytes: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

fn token_claims(bytes: &[u8]) {
    let Some(claims) = object(bytes) else {
        return;
    };
    let Ok(token) = StatusListToken::from_claims(&claims) else {
        return;
    };
    assert_bounded(&token.list);
    if token.list.as_bytes().len() > ROUND_TRIP_MAX_BYTES {
        return;
    }
    let printed = match token.to_claims() {
        Ok(printed) => printed,
        Err(e) => panic!("parsed token claims do not print: {e}"),
    };
    assert_eq!(
        StatusListToken::from_claims(&printed).as_ref(),
        Ok(&token),
        "token changed through to_claims"
    );
}

fn reference(bytes: &[u8]) {
    let Some(claims) = object(bytes) else {
        return;
    };
    let Ok(reference) = StatusReference::from_claims(&claims) else {
        return;
    };
    let mut printed = Map::new();
    if let Err(e) = reference.insert_into(&mut printed) {
        panic!("a parsed reference does not print: {e}");
    }
    assert_eq!(
        StatusReference::from_claims(&printed).as_ref(),
        Ok(&reference),
        "reference changed through printing"
    );
}
