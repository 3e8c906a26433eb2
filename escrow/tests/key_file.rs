//! Trustee key files (moved here from `myna trustee` with the code): they round-trip, every
//! malformed or altered file is refused with `malformed`, a wrong passphrase with
//! `wrong_passphrase`; an opened key finds its own share under the issuer's name for it
//! (`myna trustee release`) or releases as a named trustee (the staff console), refusing
//! another trustee's share, a stranger's key and one key listed twice.
#![cfg(test)]

use myna_escrow::{
    open, seal, Error, EscrowPolicy, ReleasedShare, SealedLink, TrusteeKeyFile, TrusteePublicKey,
    KEY_FILE_KIND,
};
use myna_vc_core::b64;
use myna_vc_core::sealed::KdfParams;

fn light() -> KdfParams {
    KdfParams::new(64, 1, 1).unwrap()
}

fn key(passphrase: &str) -> TrusteeKeyFile {
    TrusteeKeyFile::generate(passphrase, light()).unwrap()
}

fn sealed_to(keys: &[(&str, &TrusteeKeyFile)]) -> SealedLink {
    let publics = keys
        .iter()
        .map(|(id, k)| TrusteePublicKey::new(id, *k.public_key()).unwrap())
        .collect();
    seal(&EscrowPolicy::new(publics, 2).unwrap(), b"the link").unwrap()
}

#[test]
fn key_files_round_trip_and_malformed_ones_are_refused() {
    let file = key("passphrase of alice");
    let text = file.to_json();
    assert_eq!(TrusteeKeyFile::parse(&text).unwrap(), file);
    let public = b64::encode(file.public_key());
    let refusals = [
        text.replace(KEY_FILE_KIND, "something-else"),
        text.replace("\"version\": 1", "\"version\": 2"),
        text.replace(&public, "AAAA"),
        text.replace("sealed_secret", "secret"),
        text.replace(&public, "not base64!"),
        "[]".to_owned(),
        "not json".to_owned(),
        " ".repeat(65 << 10),
    ];
    for bad in refusals {
        let err = TrusteeKeyFile::parse(&bad).unwrap_err();
        assert!(matches!(err, Error::MalformedKeyFile(_)), "{err}");
        assert_eq!(err.code(), "malformed");
    }
    let err = TrusteeKeyFile::parse(&text.replace(&public, "AAAA")).unwrap_err();
    assert!(err.to_string().contains("not 32 bytes"), "{err}");
}

#[test]
fn the_secret_opens_with_its_passphrase_only_and_matches_its_public_key() {
    let alice = key("passphrase of alice");
    let bob = key("passphrase of bob");
    let secret = alice.unseal("passphrase of alice").unwrap();
    assert_eq!(secret.public_key(), alice.public_key());
    assert_eq!(
        alice.unseal("passphrase of bob").unwrap_err(),
        Error::WrongPassphrase
    );
    // Bob's public key beside Alice's sealed secret: the file was altered.
    let swapped = alice.to_json().replace(
        &b64::encode(alice.public_key()),
        &b64::encode(bob.public_key()),
    );
    let err = TrusteeKeyFile::parse(&swapped)
        .unwrap()
        .unseal("passphrase of alice")
        .unwrap_err();
    assert!(err.to_string().contains("altered"), "{err}");
    assert_eq!(err.code(), "malformed");
    // A weak passphrase makes no key file.
    let err = TrusteeKeyFile::generate("short", light()).unwrap_err();
    assert_eq!(err.code(), "weak_passphrase");
    // The secret's Debug shows nothing of it.
    assert_eq!(format!("{secret:?}"), "TrusteeSecret(<redacted>)");
}

#[test]
fn the_share_that_opens_is_found_under_the_issuers_name() {
    let (alice, bob, stranger) = (
        key("passphrase of alice"),
        key("passphrase of bob"),
        key("a stranger's passphrase"),
    );
    let sealed = sealed_to(&[("alice", &alice), ("bob", &bob)]);
    let alice_secret = alice.unseal("passphrase of alice").unwrap();
    let share = alice_secret.release_own(&sealed).unwrap();
    assert_eq!(share.trustee().as_str(), "alice");
    let err = stranger
        .unseal("a stranger's passphrase")
        .unwrap()
        .release_own(&sealed)
        .unwrap_err();
    assert!(matches!(err, Error::KeyOpensNoShare(_)), "{err}");
    assert!(err.to_string().contains("alice, bob"), "{err}");
    // One key listed under two names is refused, not guessed.
    let twice = sealed_to(&[("alice", &alice), ("alias", &alice)]);
    let err = alice_secret.release_own(&twice).unwrap_err();
    assert!(matches!(err, Error::KeyOfSeveralTrustees(_)), "{err}");
}

#[test]
fn releasing_as_a_named_trustee_refuses_other_trustees_and_strangers() {
    let (alice, bob, stranger) = (
        key("passphrase of alice"),
        key("passphrase of bob"),
        key("a stranger's passphrase"),
    );
    let sealed = sealed_to(&[("alice", &alice), ("bob", &bob)]);
    let bob_secret = bob.unseal("passphrase of bob").unwrap();
    assert_eq!(
        bob_secret.release_as("alice", &sealed).unwrap_err(),
        Error::KeyOfAnotherTrustee {
            key_of: "bob".into(),
            asked: "alice".into()
        }
    );
    assert_eq!(
        bob_secret.release_as("carol", &sealed).unwrap_err(),
        Error::NotATrustee("carol".into())
    );
    let impostor = stranger.unseal("a stranger's passphrase").unwrap();
    let err = impostor.release_as("alice", &sealed).unwrap_err();
    assert!(matches!(err, Error::EscrowDecryption(_)), "{err}");
    assert_eq!(err.code(), "decryption_failed");
}

#[test]
fn released_shares_posted_as_bodies_open_the_link() {
    let (alice, bob) = (key("passphrase of alice"), key("passphrase of bob"));
    let sealed = sealed_to(&[("alice", &alice), ("bob", &bob)]);
    let alice_secret = alice.unseal("passphrase of alice").unwrap();
    let bob_secret = bob.unseal("passphrase of bob").unwrap();
    // The console's path (named) and the CLI's (found) give the same body.
    let body = alice_secret
        .release_as("alice", &sealed)
        .unwrap()
        .post_body();
    assert_eq!(
        *body,
        *alice_secret.release_own(&sealed).unwrap().post_body()
    );
    let from_body = |body: &str| {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        let share = b64::decode(value["share"].as_str().unwrap(), "share").unwrap();
        ReleasedShare::from_bytes(&share).unwrap()
    };
    let shares = [
        from_body(&body),
        from_body(&bob_secret.release_as("bob", &sealed).unwrap().post_body()),
    ];
    let opened = open(&sealed, &shares).unwrap();
    assert_eq!(opened.link.as_slice(), b"the link");
    assert_eq!(
        open(&sealed, &shares[..1]).unwrap_err(),
        Error::EscrowQuorumNotMet {
            required: 2,
            given: 1
        }
    );
}
