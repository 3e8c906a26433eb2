//! Anchoring with a virtual card and the OpenID4VCI flow against the issuer library.

mod common;

use std::collections::HashSet;

use common::{fast, new_wallet, stocked_wallet, City, BATCH, ISS, PASSPHRASE};
use myna_vc_core::crypto::SecretKey;
use myna_wallet::history::Event;
use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
use myna_wallet::store::MemoryStore;
use myna_wallet::{Error, Wallet};

const AGE: &str = "urn:myna-vc:vct:age:1";
const RESIDENT: &str = "urn:myna-vc:vct:resident:1";
const ANCHOR: &str = "urn:myna-vc:vct:anchor:1";

#[test]
fn anchor_then_receive_one_offer_whose_copies_share_key_i() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let held = wallet.credentials().unwrap();
    let count = |vct: &str| held.iter().filter(|c| c.vct == vct).count();
    assert_eq!(count(ANCHOR), 1);
    assert_eq!(count(AGE), BATCH as usize);
    assert_eq!(count(RESIDENT), BATCH as usize);
    // One offer (age + resident), one batch of keys: copy i of the age credential and copy
    // i of the resident credential are bound to key i, and the copies i ≠ j to other keys.
    let thumbprint = |c: &myna_wallet::credentials::StoredCredential| {
        let key = wallet.holder_keys().public_key(&c.key).unwrap();
        key.thumbprint().to_string()
    };
    let of = |vct: &str, i: u32| {
        held.iter()
            .find(|c| c.vct == vct && c.index == i)
            .unwrap_or_else(|| panic!("no copy {i} of {vct}"))
    };
    for i in 0..BATCH as u32 {
        let (age, resident) = (of(AGE, i), of(RESIDENT, i));
        assert_eq!(age.batch, resident.batch);
        assert_eq!(age.key, resident.key);
        assert_eq!(thumbprint(age), thumbprint(resident));
    }
    let labels: HashSet<_> = held.iter().map(|c| c.key.clone()).collect();
    assert_eq!(
        labels.len(),
        BATCH as usize + 1,
        "one key per index, and the anchor's"
    );
    let keys: HashSet<_> = held.iter().map(thumbprint).collect();
    assert_eq!(keys.len(), BATCH as usize + 1);
    assert!(held.iter().all(|c| c.issuer == ISS && c.shown_to.is_none()));
    // Received and anchored events are in the verified history.
    let history = wallet.verify_history().unwrap();
    assert!(history
        .iter()
        .any(|e| matches!(&e.event, Event::Anchored { issuer } if issuer == ISS)));
    assert_eq!(
        history
            .iter()
            .filter(|e| matches!(e.event, Event::Received { .. }))
            .count(),
        2
    );
}

#[test]
fn a_credential_without_a_status_list_is_refused_and_nothing_is_stored() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let before = wallet.credentials().unwrap().len();
    let offer = issuer.offer(&["age"]);
    let (pinned, none) = (issuer.pinned(), StatusTokens::new());
    let check = ReceiptCheck::new(&pinned, &none);
    let err = wallet
        .receive(&issuer.issuer, &offer, None, &check, issuer.now)
        .unwrap_err();
    assert!(
        matches!(err, Error::Refused(ref why) if why.contains("no status list")),
        "{err}"
    );
    assert_eq!(wallet.credentials().unwrap().len(), before);
}

#[test]
fn a_credential_from_an_unpinned_key_is_refused() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let offer = issuer.offer(&["age"]);
    let stranger = PinnedIssuer::new(ISS, SecretKey::generate_p256().unwrap().public_key());
    let status = issuer.status();
    let check = ReceiptCheck::new(&stranger, &status);
    let err = wallet
        .receive(&issuer.issuer, &offer, None, &check, issuer.now)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Core(myna_vc_core::Error::Jose(
                myna_vc_core::JoseError::SignatureInvalid
            ))
        ),
        "{err}"
    );
}

#[test]
fn an_offer_needing_a_transaction_code_is_not_sent_without_one() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let mut offer = issuer.offer(&["age"]);
    offer.grants.pre_authorized_code.as_mut().unwrap().tx_code =
        Some(serde_json::from_str(r#"{"length": 6}"#).unwrap());
    let (pinned, status) = (issuer.pinned(), issuer.status());
    let check = ReceiptCheck::new(&pinned, &status);
    let err = wallet
        .receive(&issuer.issuer, &offer, None, &check, issuer.now)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                what: "transaction code",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_used_pre_authorized_code_is_refused_by_the_issuer() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let offer = issuer.offer(&["age"]);
    let pinned = issuer.pinned();
    let status = common::LateStatus(&issuer);
    let check = ReceiptCheck::new(&pinned, &status);
    wallet
        .receive(&issuer.issuer, &offer, None, &check, issuer.now)
        .unwrap();
    let err = wallet
        .receive(&issuer.issuer, &offer, None, &check, issuer.now)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Remote {
                party: "issuer",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn export_and_import_round_trip_the_whole_wallet() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    assert!(matches!(
        wallet.export("not the wallet's passphrase", "export passphrase", fast()),
        Err(Error::WrongPassphrase)
    ));
    let exported = wallet
        .export(PASSPHRASE, "export passphrase", fast())
        .unwrap();
    assert!(matches!(
        Wallet::import(
            MemoryStore::new(),
            &exported,
            "wrong passphrase",
            PASSPHRASE,
            fast()
        ),
        Err(Error::WrongPassphrase)
    ));
    let imported = Wallet::import(
        MemoryStore::new(),
        &exported,
        "export passphrase",
        "new device passphrase",
        fast(),
    )
    .unwrap();
    let mut before = wallet.credentials().unwrap();
    let mut after = imported.credentials().unwrap();
    before.sort_by(|a, b| a.id.cmp(&b.id));
    after.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(before, after);
    assert_eq!(
        wallet.history().unwrap(),
        imported.verify_history().unwrap()
    );
    for c in &before {
        assert_eq!(
            wallet.holder_keys().public_key(&c.key).unwrap(),
            imported.holder_keys().public_key(&c.key).unwrap()
        );
    }
    // The new store opens with the new passphrase only.
    let store = imported.into_store();
    assert!(matches!(
        Wallet::open(store, PASSPHRASE),
        Err(Error::WrongPassphrase)
    ));
    // Importing into a store that already has a wallet is refused.
    let err = Wallet::import(
        new_wallet().into_store(),
        &exported,
        "export passphrase",
        PASSPHRASE,
        fast(),
    );
    assert!(matches!(err, Err(Error::AlreadyInitialised)));
}

/// A membership belongs to the anchored person: the wallet asks with one proof by its anchored
/// key and presents its anchor credential; the credential comes back bound to that key.
#[test]
fn receive_anchored_binds_to_the_anchored_key_and_needs_an_anchor() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let pinned = issuer.pinned();
    let status = common::LateStatus(&issuer);
    let check = ReceiptCheck::new(&pinned, &status);
    let offer = issuer.offer(&["fan_club_membership"]);
    let batches = wallet
        .receive_anchored(&issuer.issuer, &offer, None, &check, issuer.now)
        .unwrap();
    let membership = &batches[0].credentials;
    assert_eq!(membership.len(), 1);
    let anchor = wallet
        .credentials()
        .unwrap()
        .into_iter()
        .find(|c| c.vct == ANCHOR)
        .unwrap();
    assert_eq!(membership[0].key, anchor.key, "bound to the anchored key");
    assert_eq!(membership[0].vct, "urn:myna-vc:vct:fan-club-membership:1");

    // Asked with fresh keys instead, the issuer refuses (no anchor presentation).
    let offer = issuer.offer(&["fan_club_membership"]);
    assert!(matches!(
        wallet.receive(&issuer.issuer, &offer, None, &check, issuer.now),
        Err(Error::Remote { .. })
    ));
    // A wallet never anchored there cannot ask at all.
    let stranger = new_wallet();
    let offer = issuer.offer(&["fan_club_membership"]);
    let refused = stranger
        .receive_anchored(&issuer.issuer, &offer, None, &check, issuer.now)
        .unwrap_err();
    assert!(
        matches!(&refused, Error::Refused(why) if why.contains("not anchored")),
        "{refused:?}"
    );
}
