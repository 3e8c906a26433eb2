//! The hash-chained history log detects edits and removals.
#![cfg(test)]

mod common;

use common::{new_wallet, now};
use myna_wallet::history::{verify, Event};
use myna_wallet::Error;

fn wallet_with_history() -> myna_wallet::Wallet<myna_wallet::store::MemoryStore> {
    let wallet = new_wallet();
    for i in 0..4 {
        wallet
            .record_event(
                now().plus_seconds(i),
                Event::Note {
                    text: format!("event {i}"),
                },
            )
            .unwrap();
    }
    wallet
}

#[test]
fn an_untouched_log_verifies() {
    let wallet = wallet_with_history();
    let entries = wallet.verify_history().unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(
        entries[0].event,
        Event::Note {
            text: "wallet initialised".into()
        }
    );
    for pair in entries.windows(2) {
        assert_eq!(pair[1].prev, pair[0].hash);
    }
}

#[test]
fn an_edited_entry_is_detected() {
    let wallet = wallet_with_history();
    let mut entry = wallet.history().unwrap()[2].clone();
    entry.event = Event::Note {
        text: "something else".into(),
    };
    wallet.overwrite_history_entry_for_tests(&entry).unwrap();
    assert!(matches!(
        wallet.verify_history(),
        Err(Error::HistoryTampered(2))
    ));
}

#[test]
fn an_edit_with_a_recomputed_hash_breaks_the_next_link() {
    let wallet = wallet_with_history();
    let entries = wallet.history().unwrap();
    let mut forged = entries[1].clone();
    forged.at += 1;
    // Recompute this entry's hash as a forger would: the next entry's `prev` no longer fits.
    let rebuilt = myna_wallet::history::HistoryEntry::after(
        &entries[0],
        myna_vc_core::time::NumericDate::from_unix(forged.at),
        forged.event.clone(),
    );
    wallet.overwrite_history_entry_for_tests(&rebuilt).unwrap();
    assert!(matches!(
        wallet.verify_history(),
        Err(Error::HistoryTampered(2))
    ));
}

#[test]
fn removed_entries_are_detected() {
    let wallet = wallet_with_history();
    let entries = wallet.history().unwrap();
    let head = entries.last().unwrap().head();
    // A gap in the middle.
    let gap: Vec<_> = entries.iter().filter(|e| e.seq != 1).cloned().collect();
    assert!(matches!(
        verify(&gap, Some(&head)),
        Err(Error::HistoryTampered(1))
    ));
    // The newest entry dropped: the head says there were more.
    let truncated = &entries[..entries.len() - 1];
    assert!(matches!(
        verify(truncated, Some(&head)),
        Err(Error::HistoryTampered(4))
    ));
    // Reordered.
    let mut swapped = entries.clone();
    swapped.swap(1, 2);
    assert!(matches!(
        verify(&swapped, Some(&head)),
        Err(Error::HistoryTampered(1))
    ));
}
