//! Trust lists: the authority-signed JWT (with the fixture authority's pinned key), the list's
//! JSON, and an issuer's self-signed entry. The first byte picks the parser. Oracles: an
//! accepted list is exactly the one the authority signed, and every lookup on it answers as
//! on that list; a parsed list prints back (`to_claims`) to claims that parse to an equal one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::{credential, input, trust};
use myna_vc_core::trust_entry;
use myna_vc_core::trust_list::TrustList;

/// The parsers, in selector order (the seed generator tags seeds with these numbers).
pub const PARSERS: u8 = 3;

fuzz_target!(|data: &[u8]| {
    let Some((choice, bytes)) = input::pick(data, PARSERS) else {
        return;
    };
    match choice {
        0 => signed_list(bytes),
        1 => list_json(bytes),
        _ => entry(bytes),
    }
});

fn signed_list(bytes: &[u8]) {
    let Some(jwt) = input::text(bytes) else {
        return;
    };
    let Ok(verified) = TrustList::verify(
        jwt,
        credential::provider(),
        trust::authority_key(),
        credential::now(),
    ) else {
        return;
    };
    let signed = match trust::list() {
        Ok(list) => list,
        Err(e) => panic!("the fixture list builds: {e}"),
    };
    assert_eq!(
        verified.list(),
        &signed,
        "accepted a list the authority did not sign"
    );
    // What a verifier asks of it: the credential issuer's key and authorization.
    let key = verified.issuer_key(credential::ISSUER, Some("k1"));
    assert_eq!(
        key.ok(),
        Some(credential::issuer_key()),
        "the issuer's key changed"
    );
    let allowed = verified.authorize(credential::ISSUER, credential::vct(), credential::now());
    assert!(
        allowed.is_ok(),
        "the signed list stopped authorizing its issuer"
    );
}

fn list_json(bytes: &[u8]) {
    let Ok(list) = TrustList::from_json(bytes) else {
        return;
    };
    let claims = list.to_claims();
    assert_eq!(
        TrustList::from_claims(&claims).as_ref(),
        Ok(&list),
        "list changed through to_claims"
    );
}

fn entry(bytes: &[u8]) {
    let Some(jwt) = input::text(bytes) else {
        return;
    };
    let _ = trust_entry::verify(jwt, credential::provider(), credential::now());
}
