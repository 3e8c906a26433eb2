//! The trustee build's `TrusteeKey` (through its `_native` twins) against the rest of the
//! escrow: key files made by `myna trustee keygen`'s code, a link sealed by the issuer's
//! `escrow::seal`. What the browser posts is exactly what `myna trustee release` posts, and
//! the issuer's `escrow::open` opens the link with it; every refusal has its stable code.
#![cfg(feature = "trustee")]
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test")]

use myna_escrow::{ReleasedShare, SealedLink, TrusteeKeyFile, TrusteePublicKey};
use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink};
use myna_issuer::pseudonym::{ContextId, PseudonymKey};
use myna_issuer::record::SubjectHandle;
use myna_vc_core::b64;
use myna_vc_core::sealed::KdfParams;
use myna_wasm::trustee::TrusteeKey;
use serde_json::Value;

const ALICE: &str = "passphrase of alice";
const BOB: &str = "passphrase of bob";

struct World {
    alice: String,
    bob: String,
    link: EscrowedLink,
    sealed: SealedLink,
}

/// Alice's and Bob's key files (as `myna trustee keygen` writes them) and a link sealed to
/// both, 2 of 2, by the issuer.
fn world() -> World {
    // keygen's cost is KdfParams::default(); a light one keeps the test quick (the cost is
    // read from the file, so opening works the same).
    let params = KdfParams::new(64, 1, 1).unwrap();
    let alice = TrusteeKeyFile::generate(ALICE, params).unwrap();
    let bob = TrusteeKeyFile::generate(BOB, params).unwrap();
    let policy = EscrowPolicy::new(
        vec![
            TrusteePublicKey::new("alice", *alice.public_key()).unwrap(),
            TrusteePublicKey::new("bob", *bob.public_key()).unwrap(),
        ],
        2,
    )
    .unwrap();
    let link = EscrowedLink::derive(
        &PseudonymKey::generate().unwrap(),
        SubjectHandle::random().unwrap(),
        ContextId::parse("maebashi-forum").unwrap(),
    );
    let sealed = escrow::seal(&policy, &link).unwrap();
    World {
        alice: alice.to_json(),
        bob: bob.to_json(),
        link,
        sealed,
    }
}

/// The body `myna trustee release` posts: its own code path (`release_own`, no trustee name).
fn cli_body(key_file: &str, passphrase: &str, sealed: &SealedLink) -> String {
    let secret = TrusteeKeyFile::parse(key_file)
        .unwrap()
        .unseal(passphrase)
        .unwrap();
    secret
        .release_own(sealed)
        .unwrap()
        .post_body()
        .as_str()
        .to_owned()
}

fn share_of(body: &str) -> ReleasedShare {
    let body: Value = serde_json::from_str(body).unwrap();
    let bytes = b64::decode(body["share"].as_str().unwrap(), "share").unwrap();
    ReleasedShare::from_bytes(&bytes).unwrap()
}

#[test]
fn the_browsers_release_is_the_clis_and_opens_the_link_with_the_issuers_open() {
    let w = world();
    let sealed_text = b64::encode(w.sealed.to_bytes());
    let alice = TrusteeKey::open_native(&w.alice, ALICE, "alice").unwrap();
    let bob = TrusteeKey::open_native(&w.bob, BOB, "bob").unwrap();
    assert_eq!(
        alice.public_key(),
        b64::encode(TrusteeKeyFile::parse(&w.alice).unwrap().public_key())
    );

    let from_alice = alice.release_native(&sealed_text).unwrap();
    let from_bob = bob.release_native(&sealed_text).unwrap();
    assert_eq!(from_alice, cli_body(&w.alice, ALICE, &w.sealed));
    assert_eq!(from_bob, cli_body(&w.bob, BOB, &w.sealed));
    assert_ne!(from_alice, from_bob);

    let shares = [share_of(&from_alice), share_of(&from_bob)];
    assert_eq!(shares[0].trustee().as_str(), "alice");
    let opened = escrow::open(&w.sealed, &shares).unwrap();
    assert_eq!(opened.link, w.link);
    let names: Vec<&str> = opened.trustees.iter().map(|t| t.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    // One share alone opens nothing.
    assert!(escrow::open(&w.sealed, &shares[..1]).is_err());
}

#[test]
fn a_wrong_passphrase_is_wrong_passphrase_and_opens_nothing() {
    let w = world();
    let err = TrusteeKey::open_native(&w.alice, BOB, "alice").unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    assert!(err.message().contains("passphrase"), "{}", err.message());
}

#[test]
fn another_trustees_key_is_not_a_trustee() {
    let w = world();
    let sealed_text = b64::encode(w.sealed.to_bytes());
    // Bob's key file opened by someone signed in as Alice: it opens, but its share is Bob's.
    let bob_as_alice = TrusteeKey::open_native(&w.bob, BOB, "alice").unwrap();
    let err = bob_as_alice.release_native(&sealed_text).unwrap_err();
    assert_eq!(err.code(), "not_a_trustee");
    assert!(err.message().contains("`bob`"), "{}", err.message());
    // A name the link does not list.
    let carol = TrusteeKey::open_native(&w.alice, ALICE, "carol").unwrap();
    assert_eq!(
        carol.release_native(&sealed_text).unwrap_err().code(),
        "not_a_trustee"
    );
    // A stranger's key under Alice's name: her share does not open with it.
    let params = KdfParams::new(64, 1, 1).unwrap();
    let stranger = TrusteeKeyFile::generate("passphrase of a stranger", params).unwrap();
    let impostor =
        TrusteeKey::open_native(&stranger.to_json(), "passphrase of a stranger", "alice").unwrap();
    assert_eq!(
        impostor.release_native(&sealed_text).unwrap_err().code(),
        "decryption_failed"
    );
}

#[test]
fn garbage_is_malformed() {
    let w = world();
    for key_file in [
        "",
        "not json",
        "[]",
        r#"{"kind": "myna-trustee-key", "version": 2}"#,
        &w.alice.replace("myna-trustee-key", "something-else"),
    ] {
        let err = TrusteeKey::open_native(key_file, ALICE, "alice").unwrap_err();
        assert_eq!(err.code(), "malformed", "{key_file}: {}", err.message());
    }
    // A key file whose public key was swapped for Bob's: refused, not silently used.
    let bob_public = b64::encode(TrusteeKeyFile::parse(&w.bob).unwrap().public_key());
    let alice_public = b64::encode(TrusteeKeyFile::parse(&w.alice).unwrap().public_key());
    let swapped = w.alice.replace(&alice_public, &bob_public);
    let err = TrusteeKey::open_native(&swapped, ALICE, "alice").unwrap_err();
    assert_eq!(err.code(), "malformed");
    assert!(err.message().contains("altered"), "{}", err.message());

    let alice = TrusteeKey::open_native(&w.alice, ALICE, "alice").unwrap();
    let bytes = w.sealed.to_bytes();
    for sealed_link in [
        String::new(),
        "not base64url!".to_owned(),
        b64::encode(&bytes[..bytes.len() - 1]),
        b64::encode([bytes.as_slice(), &[0]].concat()),
    ] {
        let err = alice.release_native(&sealed_link).unwrap_err();
        assert_eq!(err.code(), "malformed", "{sealed_link}: {}", err.message());
    }
    assert_eq!(
        TrusteeKey::open_native(&w.alice, ALICE, "")
            .unwrap_err()
            .code(),
        "invalid_argument"
    );
}
