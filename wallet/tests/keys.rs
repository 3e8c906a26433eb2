//! Keys, sealing at rest, export and import.
#![cfg(test)]

mod common;

use common::{fast, new_wallet, now, PASSPHRASE};
use myna_vc_core::crypto::PublicKey;
use myna_wallet::keys::{HolderKeys, KeyLabel, MasterSecret, SoftwareKeys, VerifierId};
use myna_wallet::sealed::{open, seal, KdfParams};
use myna_wallet::store::{MemoryStore, RedbStore};
use myna_wallet::{Error, Wallet};
use proptest::prelude::*;

fn shop(id: &str) -> KeyLabel {
    KeyLabel::verifier(&VerifierId::new(id).unwrap())
}

fn point(key: &PublicKey) -> Vec<u8> {
    match key {
        PublicKey::P256(k) => k.to_sec1_uncompressed().to_vec(),
        other => panic!("not P-256: {other:?}"),
    }
}

#[test]
fn same_secret_gives_the_same_keys() {
    let secret = MasterSecret::generate().unwrap();
    let a = SoftwareKeys::new(secret.clone());
    let b = SoftwareKeys::new(MasterSecret::from_bytes(*secret.expose()));
    for label in [
        shop("https://shop.example"),
        KeyLabel::credential("batch", 7),
        KeyLabel::anchor("https://city.example"),
    ] {
        assert_eq!(a.public_key(&label).unwrap(), b.public_key(&label).unwrap());
    }
}

#[test]
fn a_fixed_secret_gives_a_fixed_key() {
    // Pins the derivation (HKDF-SHA-256, salt, label, counter): a change would orphan every
    // credential bound to a derived key.
    let keys = SoftwareKeys::new(MasterSecret::from_bytes([0x42; 32]));
    let first = keys.public_key(&shop("https://shop.example")).unwrap();
    let again = SoftwareKeys::new(MasterSecret::from_bytes([0x42; 32]))
        .public_key(&shop("https://shop.example"))
        .unwrap();
    assert_eq!(first, again);
    let other_secret = SoftwareKeys::new(MasterSecret::from_bytes([0x43; 32]))
        .public_key(&shop("https://shop.example"))
        .unwrap();
    assert_ne!(first, other_secret);
}

#[test]
fn different_verifiers_get_unrelated_keys() {
    let keys = SoftwareKeys::new(MasterSecret::generate().unwrap());
    let labels: Vec<KeyLabel> = (0..16)
        .map(|i| shop(&format!("https://shop{i}.example")))
        .collect();
    let points: Vec<Vec<u8>> = labels
        .iter()
        .map(|l| point(&keys.public_key(l).unwrap()))
        .collect();
    for (i, a) in points.iter().enumerate() {
        for b in points.iter().skip(i + 1) {
            assert_ne!(a, b);
            // Unrelated: no shared x coordinate prefix beyond chance (16 pairs, 4 bytes).
            assert_ne!(a[1..5], b[1..5]);
        }
    }
    // The signer signs with exactly the derived key.
    let signer = keys.signer(&labels[3]).unwrap();
    assert_eq!(signer.public_key(), keys.public_key(&labels[3]).unwrap());
}

#[test]
fn restoring_the_secret_restores_every_key() {
    let wallet = new_wallet();
    let secret = wallet.master_secret_for_export(PASSPHRASE).unwrap();
    let label = KeyLabel::credential("b", 1);
    let before = wallet.holder_keys().public_key(&label).unwrap();
    let restored = Wallet::restore(
        MemoryStore::new(),
        secret,
        "another passphrase",
        fast(),
        now(),
    )
    .unwrap();
    assert_eq!(restored.holder_keys().public_key(&label).unwrap(), before);
}

#[test]
fn wrong_passphrase_fails_cleanly() {
    let store = new_wallet().into_store();
    let err = Wallet::open(store, "not the passphrase at all").unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase), "{err}");
}

#[test]
fn right_passphrase_opens_the_same_wallet() {
    let wallet = new_wallet();
    let label = KeyLabel::credential("b", 0);
    let key = wallet.holder_keys().public_key(&label).unwrap();
    let reopened = Wallet::open(wallet.into_store(), PASSPHRASE).unwrap();
    assert_eq!(reopened.holder_keys().public_key(&label).unwrap(), key);
    assert_eq!(reopened.verify_history().unwrap().len(), 1);
}

#[test]
fn redb_wallet_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wallet.redb");
    let label = KeyLabel::credential("b", 0);
    let key = {
        let store = RedbStore::open(&path).unwrap();
        let wallet = Wallet::create(store, PASSPHRASE, fast(), now()).unwrap();
        wallet.holder_keys().public_key(&label).unwrap()
    };
    let wallet = Wallet::open(RedbStore::open(&path).unwrap(), PASSPHRASE).unwrap();
    assert_eq!(wallet.holder_keys().public_key(&label).unwrap(), key);
    drop(wallet);
    let err = Wallet::open(RedbStore::open(&path).unwrap(), "wrong passphrase!");
    assert!(matches!(err, Err(Error::WrongPassphrase)));
}

#[test]
fn a_second_init_is_refused() {
    let store = new_wallet().into_store();
    let err = Wallet::create(store, PASSPHRASE, fast(), now()).unwrap_err();
    assert!(matches!(err, Error::AlreadyInitialised));
    assert!(matches!(
        Wallet::open(MemoryStore::new(), PASSPHRASE),
        Err(Error::NotInitialised)
    ));
}

#[test]
fn weak_passphrases_and_bad_parameters_are_refused() {
    assert!(matches!(
        seal(b"x", "short", fast()),
        Err(Error::WeakPassphrase { min: 12 })
    ));
    // Eleven characters are one too few, twelve are enough: the rule the issuer shares.
    assert!(matches!(
        seal(b"x", "elevenchars", fast()),
        Err(Error::WeakPassphrase { min: 12 })
    ));
    assert!(seal(b"x", "twelve chars", fast()).is_ok());
    assert!(KdfParams::new(4, 1, 1).is_err());
    assert!(KdfParams::new(64, 0, 1).is_err());
    assert!(KdfParams::new(64, 17, 1).is_err());
    assert!(KdfParams::new(64, 1, 5).is_err());
}

#[test]
fn sealed_data_is_checked_before_anything_is_derived() {
    let sealed = seal(b"secret", PASSPHRASE, fast()).unwrap();
    for cut in [0, 5, 12, 20, 43, 44] {
        let err = open(&sealed[..cut], PASSPHRASE).unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "cut {cut}: {err}");
    }
    // Cutting into the ciphertext or flipping a bit: the AEAD refuses.
    assert!(matches!(
        open(&sealed[..sealed.len() - 1], PASSPHRASE),
        Err(Error::WrongPassphrase)
    ));
    let mut flipped = sealed.clone();
    *flipped.last_mut().unwrap() ^= 1;
    assert!(matches!(
        open(&flipped, PASSPHRASE),
        Err(Error::WrongPassphrase)
    ));
    // A header asking for 4 GiB of memory is refused, not attempted.
    let mut greedy = sealed.clone();
    greedy[12..16].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        open(&greedy, PASSPHRASE),
        Err(Error::Corrupt { .. })
    ));
    let huge = vec![0u8; (64 << 20) + 1];
    assert!(matches!(
        open(&huge, PASSPHRASE),
        Err(Error::Corrupt { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_bytes_never_open(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let result = open(&bytes, PASSPHRASE);
        let refused = matches!(result, Err(Error::Corrupt { .. }) | Err(Error::WrongPassphrase));
        prop_assert!(refused);
    }

    #[test]
    fn arbitrary_exports_never_import(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let result = Wallet::import(MemoryStore::new(), &bytes, PASSPHRASE, PASSPHRASE, fast());
        prop_assert!(result.is_err());
    }
}
