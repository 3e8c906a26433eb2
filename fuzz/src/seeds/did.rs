//! DIDs made by the crate (tagged with the `did` target's selector byte): did:key and did:jwk
//! of the fixture keys and their documents, a did:web and a DID URL, a multikey; and the
//! did:key vectors (their identifiers and documents).

use myna_vc_core::did::{multikey, DidJwk, DidKey};

use super::{Seed, SeedError, Shared};
use crate::credential;
use crate::input::tagged;

pub(super) fn seeds(shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let key = credential::issuer_key();
    let p256 = myna_vc_core::crypto::SecretKey::p256_from_bytes(&[0x21; 32])?.public_key();
    let did_key = DidKey::from_public_key(key)?;
    let did_key_p256 = DidKey::from_public_key(&p256)?;
    let did_jwk = DidJwk::from_public_key(&p256)?;
    let mut seeds = vec![
        Seed::new("did_web", tagged(0, b"did:web:city.example.jp:residents")),
        Seed::new(
            "did_url",
            tagged(0, did_key.verification_method_id().to_string().as_bytes()),
        ),
        Seed::new(
            "doc_key",
            tagged(1, serde_json::to_vec(&did_key.document())?.as_slice()),
        ),
        Seed::new(
            "doc_jwk",
            tagged(1, serde_json::to_vec(&did_jwk.document())?.as_slice()),
        ),
        Seed::new(
            "did_key_ed25519",
            tagged(2, did_key.did().as_str().as_bytes()),
        ),
        Seed::new(
            "did_key_p256",
            tagged(2, did_key_p256.did().as_str().as_bytes()),
        ),
        Seed::new("did_jwk", tagged(2, did_jwk.did().as_str().as_bytes())),
        Seed::new(
            "did_web_port",
            tagged(2, b"did:web:localhost%3A8443:issuer"),
        ),
        Seed::new("multikey", tagged(3, multikey::encode(&p256)?.as_bytes())),
    ];
    for (i, vectors) in shared
        .files(
            "vectors/did-key",
            &["nist-curves.json", "ed25519-x25519.json"],
            b"",
            256 * 1024,
        )
        .into_iter()
        .enumerate()
    {
        let Ok(serde_json::Value::Object(by_did)) =
            serde_json::from_slice::<serde_json::Value>(&vectors.bytes)
        else {
            continue;
        };
        for (j, (did, _)) in by_did.iter().enumerate() {
            seeds.push(Seed::new(
                format!("vector_{i}_{j}"),
                tagged(2, did.as_bytes()),
            ));
        }
    }
    Ok(seeds)
}
