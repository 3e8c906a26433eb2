//! Garbage, truncated, oversized and deeply nested input to the wallet's own parsers: each is
//! a typed error, never a panic or a silent accept.
#![cfg(test)]

mod common;

use common::{fast, new_wallet, now, City, PASSPHRASE};
use myna_vc_core::consent::ConsentAction;
use myna_wallet::history::{verify, HistoryEntry};
use myna_wallet::keys::MasterSecret;
use myna_wallet::receipt::{ReceiptCheck, StatusTokens};
use myna_wallet::records::RecordCipher;
use myna_wallet::sealed::{open, seal};
use myna_wallet::store::{MemoryStore, Table};
use myna_wallet::{Error, Wallet};
use proptest::prelude::*;

fn cipher() -> RecordCipher {
    RecordCipher::new(&MasterSecret::from_bytes([9; 32])).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn records_of_arbitrary_bytes_are_corrupt(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let result = cipher().open::<serde_json::Value>(Table::Credentials, "k", &bytes);
        let corrupt = matches!(result, Err(Error::Corrupt { what: "record", .. }));
        prop_assert!(corrupt);
    }

    #[test]
    fn arbitrary_credentials_are_refused_on_receipt(text in "\\PC{0,400}") {
        let issuer_key = myna_vc_core::crypto::SecretKey::generate_p256().unwrap();
        let pinned = myna_wallet::receipt::PinnedIssuer::new("https://city.example", issuer_key.public_key());
        let status = StatusTokens::new();
        let check = ReceiptCheck::new(&pinned, &status);
        prop_assert!(check.check(&text, &issuer_key.public_key(), now()).is_err());
    }
}

#[test]
fn truncated_records_are_corrupt() {
    let sealed = cipher().seal(Table::Consents, "k", &vec![1, 2, 3]).unwrap();
    for cut in 0..sealed.len() {
        let result = cipher().open::<Vec<u8>>(Table::Consents, "k", &sealed[..cut]);
        assert!(matches!(result, Err(Error::Corrupt { .. })), "cut at {cut}");
    }
}

#[test]
fn an_oversized_sealed_file_is_refused_before_any_work() {
    let huge = vec![b'M'; 64 * 1024 * 1024 + 1];
    assert!(matches!(
        open(&huge, PASSPHRASE),
        Err(Error::Corrupt { .. })
    ));
    assert!(matches!(
        Wallet::import(MemoryStore::new(), &huge, PASSPHRASE, PASSPHRASE, fast()),
        Err(Error::Corrupt { .. })
    ));
}

#[test]
fn a_deeply_nested_or_malformed_export_is_corrupt() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for body in [
        deep.as_str(),
        "{}",
        "not json",
        r#"{"version": 2, "master_secret": "", "records": []}"#,
    ] {
        let sealed = seal(body.as_bytes(), PASSPHRASE, fast()).unwrap();
        let result = Wallet::import(MemoryStore::new(), &sealed, PASSPHRASE, PASSPHRASE, fast());
        assert!(
            matches!(result, Err(Error::Corrupt { .. })),
            "{body:.20}: {result:?}"
        );
    }
    // A master secret of the wrong length.
    let short = r#"{"version": 1, "master_secret": "AAAA", "records": []}"#;
    let sealed = seal(short.as_bytes(), PASSPHRASE, fast()).unwrap();
    let result = Wallet::import(MemoryStore::new(), &sealed, PASSPHRASE, PASSPHRASE, fast());
    assert!(
        matches!(
            result,
            Err(Error::Corrupt {
                what: "master secret",
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn a_history_entry_with_a_wrong_position_is_tampering() {
    let first = HistoryEntry::first(
        now(),
        myna_wallet::history::Event::Note { text: "a".into() },
    );
    let mut moved = first.clone();
    moved.seq = 5;
    assert!(matches!(
        verify(&[moved], None),
        Err(Error::HistoryTampered(0))
    ));
    let mut bad_prev = first;
    bad_prev.prev = "garbage".into();
    assert!(matches!(
        verify(&[bad_prev], None),
        Err(Error::HistoryTampered(0))
    ));
}

#[test]
fn unknown_ids_are_typed_errors() {
    let issuer = City::new();
    let wallet = new_wallet();
    let clock = myna_vc_core::time::FixedClock(now());
    let registry = myna_wallet::consent::MemoryRegistry::new(
        issuer.signer_for_tests(),
        myna_vc_core::status_list::StatusListUri::new("https://city.example/consents/1").unwrap(),
        Box::new(clock),
    )
    .unwrap();
    let err = wallet
        .change_consent(&registry, "no-such-consent", ConsentAction::Withdraw, now())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: "consent",
                ..
            }
        ),
        "{err}"
    );
}
