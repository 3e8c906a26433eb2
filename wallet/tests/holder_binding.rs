//! One holder key per presentation, from the wallet's side: companion credentials of one
//! offer share key `i`, a multi-credential answer uses one key, presenting uses up every
//! credential bound to that key, and a request the wallet can answer only with differently
//! keyed credentials is a typed error (see `specs/holder-binding.md`).
#![cfg(test)]

mod common;

use std::collections::HashSet;

use common::{new_wallet, stocked_wallet, City, LateStatus, BATCH};
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::jws::Jws;
use myna_vc_core::sdjwt::SdJwt;
use myna_wallet::keys::VerifierId;
use myna_wallet::present::{Presentation, PresentationRequest};
use myna_wallet::receipt::ReceiptCheck;
use myna_wallet::store::MemoryStore;
use myna_wallet::{Error, Wallet};
use serde_json::Value;

const AGE: &str = "urn:myna-vc:vct:age:1";
const RESIDENT: &str = "urn:myna-vc:vct:resident:1";

const AGE_QUERY: &str = r#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
  "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]},
  "claims": [{"path": ["age_over_20"]}]}]}"#;

const RESIDENT_QUERY: &str = r#"{"credentials": [{"id": "resident", "format": "dc+sd-jwt",
  "meta": {"vct_values": ["urn:myna-vc:vct:resident:1"]},
  "claims": [{"path": ["municipality_code"]}]}]}"#;

/// What a gate asking for residence and age together sends (like the Kobe pupil pass).
const BOTH_QUERY: &str = r#"{"credentials": [
  {"id": "resident", "format": "dc+sd-jwt",
   "meta": {"vct_values": ["urn:myna-vc:vct:resident:1"]},
   "claims": [{"path": ["municipality_code"]}]},
  {"id": "age", "format": "dc+sd-jwt",
   "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]},
   "claims": [{"path": ["age_over_20"]}]}]}"#;

fn request(verifier: &str, query: &str) -> PresentationRequest {
    PresentationRequest {
        verifier: VerifierId::new(verifier).unwrap(),
        nonce: "n-holder-binding".into(),
        query: DcqlQuery::from_json(query.as_bytes()).unwrap(),
        state: None,
    }
}

fn present(
    wallet: &Wallet<MemoryStore>,
    issuer: &City,
    verifier: &str,
    query: &str,
) -> Result<Presentation, Error> {
    wallet
        .prepare(request(verifier, query), issuer.now)?
        .confirm()
}

/// The `cnf` of each presented credential.
fn keys(presentation: &Presentation) -> Vec<Value> {
    presentation
        .presentations()
        .into_iter()
        .map(|p| {
            let sd = SdJwt::parse(p).unwrap();
            Jws::parse(sd.jwt()).unwrap().payload_object("p").unwrap()["cnf"].clone()
        })
        .collect()
}

#[test]
fn a_multi_credential_answer_is_bound_to_one_key_for_each_copy_of_the_batch() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let mut seen = HashSet::new();
    for i in 0..BATCH {
        let p = present(
            &wallet,
            &issuer,
            &format!("https://gate-{i}.example"),
            BOTH_QUERY,
        )
        .unwrap();
        let keys = keys(&p);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0], keys[1], "resident and age bound to one key");
        assert!(seen.insert(keys[0].to_string()), "a new key per verifier");
    }
    // N copies of each: N presentations of the pair, then the batch is used up.
    let err = present(&wallet, &issuer, "https://gate-new.example", BOTH_QUERY).unwrap_err();
    assert!(matches!(err, Error::BatchExhausted { .. }), "{err}");
}

#[test]
fn presenting_one_copy_uses_up_its_siblings_bound_to_the_same_key() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let shop = "https://shop-a.example";
    let shown = present(&wallet, &issuer, shop, AGE_QUERY).unwrap();
    let age_key = keys(&shown)[0].clone();
    let held = wallet.credentials().unwrap();
    let shown_age = held
        .iter()
        .find(|c| c.vct == AGE && c.shown_to.is_some())
        .unwrap();
    // The resident credential bound to the same key was not shown, but is used up for
    // everyone but this shop.
    let sibling = held
        .iter()
        .find(|c| c.vct == RESIDENT && c.key == shown_age.key)
        .expect("the age copy has a resident sibling with its key");
    assert_eq!(
        sibling.shown_to.as_ref().map(VerifierId::as_str),
        Some(shop)
    );
    // So another verifier asking for residence gets a copy under another key …
    let other = present(&wallet, &issuer, "https://gate-b.example", RESIDENT_QUERY).unwrap();
    assert_ne!(keys(&other)[0], age_key);
    // … while the same shop asking for residence gets the sibling (it knows that key).
    let again = present(&wallet, &issuer, shop, RESIDENT_QUERY).unwrap();
    assert_eq!(keys(&again)[0], age_key);
    // Fresh copies left: BATCH - 2 of each type (two keys used, one per verifier).
    let summary = wallet.summary(issuer.now).unwrap();
    for vct in [AGE, RESIDENT] {
        let s = summary.iter().find(|s| s.vct == vct).unwrap();
        assert_eq!(s.fresh, BATCH as usize - 2, "{vct}");
    }
}

#[test]
fn credentials_from_two_offers_cannot_be_presented_together() {
    // Age and residence received in two separate offers: two batches, two sets of keys.
    let issuer = City::new();
    let wallet = new_wallet();
    let pinned = issuer.pinned();
    let status = issuer.status();
    let check = ReceiptCheck::new(&pinned, &status);
    let (_, _) = wallet
        .anchor(
            &issuer.issuer,
            issuer.id(),
            &issuer.card_signer(),
            &check,
            issuer.now,
        )
        .unwrap();
    let status = LateStatus(&issuer);
    let check = ReceiptCheck::new(&pinned, &status);
    for id in ["age", "resident"] {
        wallet
            .receive(
                &issuer.issuer,
                &issuer.offer(&[id]),
                None,
                &check,
                issuer.now,
            )
            .unwrap();
    }
    let err = present(&wallet, &issuer, "https://gate.example", BOTH_QUERY).unwrap_err();
    match err {
        Error::NoCommonHolderKey { ref vcts } => {
            assert!(vcts.contains(&AGE.to_owned()) && vcts.contains(&RESIDENT.to_owned()));
        }
        other => panic!("expected NoCommonHolderKey, got {other}"),
    }
    // Nothing was marked as shown.
    assert!(wallet
        .credentials()
        .unwrap()
        .iter()
        .all(|c| c.shown_to.is_none()));
    // Each alone is still fine.
    assert!(present(&wallet, &issuer, "https://shop.example", AGE_QUERY).is_ok());
}
