//! DIDs: identifiers and DID URLs, DID documents (JSON), did:jwk, did:key, multikeys and
//! did:web. The first byte picks the parser. Oracles: a parsed DID, DID URL or document
//! prints back to a form that parses equal; a did:key or did:jwk names one key, and that key's
//! did:key / did:jwk names the same key again; a did:key is the only did:key of its key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::input;
use myna_vc_core::did::document::{DidDocument, VerificationRelationship};
use myna_vc_core::did::web::DidWeb;
use myna_vc_core::did::{multikey, Did, DidJwk, DidKey, DidUrl};

/// The parsers, in selector order (the seed generator tags seeds with these numbers).
pub const PARSERS: u8 = 4;

fuzz_target!(|data: &[u8]| {
    let Some((choice, bytes)) = input::pick(data, PARSERS) else {
        return;
    };
    if choice == 1 {
        return document(bytes);
    }
    let Some(text) = input::text(bytes) else {
        return;
    };
    match choice {
        0 => identifier(text),
        2 => method(text),
        _ => {
            if let Ok(key) = multikey::decode(text) {
                let again = multikey::encode(&key).and_then(|t| multikey::decode(&t));
                assert_eq!(again.as_ref(), Ok(&key), "multikey changed through encode");
            }
        }
    }
});

fn identifier(text: &str) {
    if let Ok(did) = Did::parse(text) {
        assert_eq!(
            Did::parse(did.as_str()).as_ref(),
            Ok(&did),
            "DID changed through printing"
        );
    }
    if let Ok(url) = DidUrl::parse(text) {
        assert_eq!(
            DidUrl::parse(&url.to_string()).as_ref(),
            Ok(&url),
            "DID URL changed through printing"
        );
    }
}

fn document(bytes: &[u8]) {
    let Ok(doc) = DidDocument::from_json(bytes) else {
        return;
    };
    for method in doc.verification_methods() {
        let _ = method.public_key();
    }
    for relationship in VerificationRelationship::ALL {
        let _ = doc.methods_for(relationship);
        for reference in doc.references(relationship) {
            let _ = doc.verification_key(relationship, reference.id());
        }
    }
    let json = match serde_json::to_vec(&doc) {
        Ok(json) => json,
        Err(e) => panic!("a parsed document does not serialize: {e}"),
    };
    assert_eq!(
        DidDocument::from_json(&json).as_ref(),
        Ok(&doc),
        "document changed through serialization"
    );
}

fn method(text: &str) {
    let Ok(did) = Did::parse(text) else {
        return;
    };
    if let Ok(key) = DidKey::from_did(&did) {
        let again = DidKey::from_public_key(key.public_key());
        let again = again.as_ref().map(DidKey::did);
        assert_eq!(again, Ok(&did), "two did:keys for one key");
        let _ = key.document();
    }
    if let Ok(jwk) = DidJwk::from_did(&did) {
        let again = DidJwk::from_public_key(jwk.public_key())
            .and_then(|d| DidJwk::from_did(d.did()))
            .map(|d| d.public_key().clone());
        assert_eq!(
            again.as_ref(),
            Ok(jwk.public_key()),
            "did:jwk of a did:jwk's key names another key"
        );
        let _ = jwk.document();
    }
    if let Ok(web) = DidWeb::from_did(&did) {
        assert!(
            web.url().starts_with("https://"),
            "did:web resolved off https: {}",
            web.url()
        );
    }
}
