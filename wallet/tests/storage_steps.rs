//! The wallet's API for a caller that does its own I/O (the web app): batch statuses kept
//! for offline, reads that survive one damaged record, consents signed in steps with the
//! holder proof of the registry's own credential.
#![cfg(test)]

mod common;

use common::{fast, stocked_wallet, City, LateStatus, ISS, PASSPHRASE};
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{ConsentHolderProof, ConsentRecord, ConsentUse, Purpose, Recipient};
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::did::DidKey;
use myna_vc_core::sdjwt_vc::Vct;
use myna_wallet::batch_status::BatchState;
use myna_wallet::consent::ConsentRequest;
use myna_wallet::receipt::StatusTokens;
use myna_wallet::store::{MemoryStore, Table, WalletStore, WriteOp};
use myna_wallet::Wallet;

#[test]
fn every_batch_is_checked_and_recorded_and_a_missing_list_records_nothing() {
    let city = City::new();
    let wallet = stocked_wallet(&city);
    let later = city.now.plus_seconds(60);
    let uris = wallet.status_uris().unwrap();
    assert_eq!(uris.len(), 1);
    let failed = wallet
        .check_status(&city.pinned(), &StatusTokens::new(), later)
        .unwrap();
    assert!(failed.checked.is_empty());
    assert_eq!(failed.failed.len(), 1);
    assert_eq!(failed.failed[0].uri, uris[0].as_str());
    assert!(wallet.batch_statuses().unwrap().items.is_empty());

    let check = wallet
        .check_status(&city.pinned(), &LateStatus(&city), later)
        .unwrap();
    assert!(check.failed.is_empty(), "{:?}", check.failed);
    let batches: std::collections::BTreeSet<_> = wallet
        .credentials()
        .unwrap()
        .into_iter()
        .map(|c| c.batch)
        .collect();
    assert_eq!(check.checked.len(), batches.len());
    let kept = wallet.batch_statuses().unwrap().items;
    assert_eq!(kept.len(), batches.len());
    assert!(kept
        .iter()
        .all(|s| s.state == BatchState::Valid && s.checked_at == later.as_unix()));
}

#[test]
fn a_damaged_credential_record_is_named_and_the_others_still_read() {
    let city = City::new();
    let wallet = stocked_wallet(&city);
    let all = wallet.store().scan(Table::Credentials).unwrap();
    let (key, mut value) = all[0].clone();
    let last = value.len() - 1;
    value[last] ^= 1;
    wallet
        .store()
        .write(vec![WriteOp::Put(Table::Credentials, key.clone(), value)])
        .unwrap();
    assert!(
        wallet.credentials().is_err(),
        "the strict read still fails closed"
    );
    let read = wallet.credentials_readable().unwrap();
    assert_eq!(read.items.len(), all.len() - 1);
    assert_eq!(read.unreadable.len(), 1);
    assert_eq!(read.unreadable[0].key, key);
    assert_eq!(read.unreadable[0].error.code(), "corrupt");
    assert_eq!(
        wallet.store().scan(Table::Credentials).unwrap().len(),
        all.len()
    );
}

#[test]
fn a_backup_carries_a_damaged_record_as_it_was_and_loses_nothing() {
    let city = City::new();
    let wallet = stocked_wallet(&city);
    let all = wallet.store().scan(Table::Credentials).unwrap();
    let (key, mut damaged) = all[0].clone();
    damaged[12] ^= 0x5a;
    wallet
        .store()
        .write(vec![WriteOp::Put(
            Table::Credentials,
            key.clone(),
            damaged.clone(),
        )])
        .unwrap();
    let copy = through_a_backup(&wallet);
    // The damaged record arrives byte for byte; every other record reads as before.
    assert_eq!(
        copy.store().get(Table::Credentials, &key).unwrap(),
        Some(damaged)
    );
    let read = copy.credentials_readable().unwrap();
    assert_eq!(read.items.len(), all.len() - 1);
    assert_eq!(read.unreadable.len(), 1);
    assert_eq!(read.unreadable[0].key, key);
    assert_eq!(copy.history().unwrap(), wallet.history().unwrap());
    // A backup of an intact wallet carries no stored bytes: it stays readable by version 1.
    let intact = stocked_wallet(&city);
    let copy = through_a_backup(&intact);
    assert_eq!(
        copy.credentials_readable().unwrap().items.len(),
        intact.credentials().unwrap().len()
    );
}

/// `wallet` exported and imported into a fresh store, as a restore on another device does.
fn through_a_backup(wallet: &Wallet<MemoryStore>) -> Wallet<MemoryStore> {
    let file = wallet
        .export(PASSPHRASE, "backup passphrase", fast())
        .unwrap();
    Wallet::import(
        MemoryStore::new(),
        &file,
        "backup passphrase",
        "another passphrase",
        fast(),
    )
    .unwrap()
}

#[test]
fn a_consent_prepared_for_the_issuer_carries_a_holder_proof_from_its_credential() {
    let city = City::new();
    let wallet = stocked_wallet(&city);
    let clinic =
        DidKey::from_public_key(&SecretKey::generate_p256().unwrap().public_key()).unwrap();
    let request = || ConsentRequest {
        recipient: Recipient::parse(clinic.did().as_str()).unwrap(),
        purpose: Purpose::new("health consultation").unwrap(),
        vct: Vct::parse("urn:myna-vc:vct:age:1").unwrap(),
        claims: vec![ClaimPath::key("age_over_20")],
        not_before: city.now,
        not_after: None,
        usage: ConsentUse::Ongoing,
    };
    let pending = wallet.prepare_consent(request(), ISS, city.now).unwrap();
    assert_eq!(pending.url(), format!("{ISS}/consents"));
    let proof = pending
        .holder_proof
        .as_deref()
        .expect("a proof from the city's credential");
    // Signed by the key of a credential the city issued (the anchor credential first).
    let anchored = wallet
        .credentials()
        .unwrap()
        .into_iter()
        .find(|c| c.configuration_id == myna_wallet::credentials::ANCHOR_CONFIGURATION)
        .unwrap();
    let key = wallet.holder_keys().public_key(&anchored.key).unwrap();
    let record = ConsentRecord::verify(&pending.record, default_provider()).unwrap();
    let prover =
        ConsentHolderProof::verify(proof, default_provider(), &record, ISS, city.now, 300).unwrap();
    assert_eq!(prover, key);
    assert!(
        wallet.consents().unwrap().is_empty(),
        "nothing stored before the receipt"
    );
    let elsewhere = wallet
        .prepare_consent(request(), "https://other.example", city.now)
        .unwrap();
    assert!(elsewhere.holder_proof.is_none());
    assert_eq!(pending.body()["record"], pending.record.as_str());
}
