//! Store behaviour shared by every engine (each test runs over `MemoryStore`, `RedbStore` and
//! `PgStore` — the last in a schema of its own in the test command's PostgreSQL cluster),
//! then what only the redb file shows: reopening, tampering, corrupt values.
#![cfg(test)]

use std::collections::HashSet;

use ::redb::ReadableTable;
use myna_issuer::audit::{ActorRole, AuditAction, AuditSubject};
use myna_issuer::challenge::{ChallengeKey, ChallengePurpose};
use myna_issuer::record::{Fact, FactSet, NewCredential, SubjectHandle};
use myna_issuer::revocation::{RevocationReason, Transition};
use myna_issuer::store::{MemoryStore, RedbStore, Store};
use myna_issuer::{ChallengeRejection, Error};
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::{Status, StatusListToken, StatusListUri};
use myna_vc_core::time::NumericDate;

const NOW: NumericDate = NumericDate::from_unix(1_750_000_000);

fn uri(n: u32) -> StatusListUri {
    StatusListUri::new(format!("https://city.example/status/{n}")).unwrap()
}

fn new_credential(subject: SubjectHandle, facts: &[Fact]) -> NewCredential {
    NewCredential {
        vct: Vct::parse("https://city.example/vct/age").unwrap(),
        subject,
        facts: FactSet::of(facts),
        issued_at: NOW,
        expires_at: NOW.plus_seconds(86_400),
        holder_key: None,
    }
}

fn batch(n: usize) -> Vec<NewCredential> {
    (0..n)
        .map(|_| new_credential(SubjectHandle::random().unwrap(), &[Fact::BirthDate]))
        .collect()
}

/// Runs each generic test over a fresh `MemoryStore`, a fresh `RedbStore` and a fresh
/// `PgStore` (skipped only when no cluster is given and none is required).
macro_rules! over_both_stores {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(#[test] fn $name() { super::$name(&myna_issuer::store::MemoryStore::new()); })*
        }
        mod redb {
            $(#[test] fn $name() {
                let dir = tempfile::tempdir().unwrap();
                let store = myna_issuer::store::RedbStore::open(dir.path().join("issuer.redb")).unwrap();
                super::$name(&store);
            })*
        }
        #[cfg(feature = "postgres")]
        mod postgres {
            $(#[test] fn $name() {
                let Some(config) = myna_postgres::testing::fresh_schema() else { return };
                let store = myna_issuer::store::PgStore::open(&config).unwrap();
                super::$name(&store);
            })*
        }
    };
}

over_both_stores!(
    issued_batches_get_distinct_random_indices_and_are_found_again,
    a_full_list_refuses_the_whole_batch_and_writes_nothing,
    every_entry_of_a_small_list_is_assigned_exactly_once,
    unknown_lists_are_refused,
    the_cascade_query_finds_records_by_subject_and_fact,
    status_changes_follow_the_allowed_transitions,
    a_published_list_shows_the_changes,
    challenges_are_single_use_and_expire,
    the_audit_chain_links_every_operation,
);

fn issued_batches_get_distinct_random_indices_and_are_found_again<S: Store>(store: &S) {
    let list = uri(1);
    store.create_status_list(&list, 1 << 16).unwrap();
    let mut seen = HashSet::new();
    for _ in 0..5 {
        let records = store
            .issue_batch(&list, batch(200), ActorRole::System, NOW)
            .unwrap();
        assert_eq!(records.len(), 200);
        for record in records {
            assert!(seen.insert(record.status.index), "index reused");
            assert!(record.status.index.get() < 1 << 16);
            assert_eq!(store.record(&record.id).unwrap().as_ref(), Some(&record));
            assert_eq!(
                store.records_for_subject(&record.subject).unwrap(),
                [record]
            );
        }
    }
    let info = store.status_list_info(&list).unwrap();
    assert_eq!((info.assigned, info.version), (1000, 0));
    // Random, not sequential: 1000 draws from 65536 land well beyond the first 1000 entries.
    assert!(seen.iter().any(|i| i.get() > 10_000));
    assert_eq!(store.all_records().unwrap().len(), 1000);
}

fn a_full_list_refuses_the_whole_batch_and_writes_nothing<S: Store>(store: &S) {
    let list = uri(1);
    store.create_status_list(&list, 8).unwrap();
    store
        .issue_batch(&list, batch(5), ActorRole::System, NOW)
        .unwrap();
    let err = store
        .issue_batch(&list, batch(4), ActorRole::System, NOW)
        .unwrap_err();
    assert_eq!(
        err,
        Error::StatusListFull {
            uri: list.to_string(),
            free: 3,
            requested: 4
        }
    );
    assert_eq!(store.status_list_info(&list).unwrap().assigned, 5);
    assert_eq!(store.all_records().unwrap().len(), 5);
    assert_eq!(store.verify_audit_chain().unwrap(), 1);
}

fn every_entry_of_a_small_list_is_assigned_exactly_once<S: Store>(store: &S) {
    let list = uri(2);
    // 100 is not a power of two: candidates past the end must be rejected, not wrapped.
    assert_eq!(store.create_status_list(&list, 100).unwrap().capacity, 100);
    for size in [1, 30, 60, 9] {
        store
            .issue_batch(&list, batch(size), ActorRole::System, NOW)
            .unwrap();
    }
    let mut indices: Vec<u64> = store
        .all_records()
        .unwrap()
        .iter()
        .map(|r| r.status.index.get())
        .collect();
    indices.sort_unstable();
    assert_eq!(indices, (0..100).collect::<Vec<_>>());
    assert!(matches!(
        store.issue_batch(&list, batch(1), ActorRole::System, NOW),
        Err(Error::StatusListFull { free: 0, .. })
    ));
    assert!(store
        .issue_batch(&list, Vec::new(), ActorRole::System, NOW)
        .unwrap()
        .is_empty());
}

fn unknown_lists_are_refused<S: Store>(store: &S) {
    let missing = uri(404);
    assert_eq!(
        store.issue_batch(&missing, batch(1), ActorRole::System, NOW),
        Err(Error::UnknownStatusList(missing.to_string()))
    );
    assert!(matches!(
        store.load_status_list(&missing),
        Err(Error::UnknownStatusList(_))
    ));
    assert!(matches!(
        store.create_status_list(&uri(1), 0),
        Err(Error::Invalid { .. })
    ));
    assert!(matches!(
        store.create_status_list(&uri(1), usize::MAX),
        Err(Error::Core(myna_vc_core::Error::StatusList(
            myna_vc_core::StatusListError::TooLarge { .. }
        )))
    ));
    assert!(store.all_records().unwrap().is_empty());
    assert_eq!(store.verify_audit_chain().unwrap(), 0);
}

fn the_cascade_query_finds_records_by_subject_and_fact<S: Store>(store: &S) {
    let list = uri(1);
    store.create_status_list(&list, 1024).unwrap();
    let parent = SubjectHandle::random().unwrap();
    let other = SubjectHandle::random().unwrap();
    let issued = store
        .issue_batch(
            &list,
            vec![
                new_credential(parent, &[Fact::Residence]),
                new_credential(parent, &[Fact::Residence, Fact::Guardian]),
                new_credential(parent, &[Fact::BirthDate]),
                new_credential(other, &[Fact::Residence]),
            ],
            ActorRole::System,
            NOW,
        )
        .unwrap();
    let ids = |records: Vec<myna_issuer::record::CredentialRecord>| {
        let mut ids: Vec<_> = records.into_iter().map(|r| r.id).collect();
        ids.sort();
        ids
    };
    let mut expected = vec![issued[0].id, issued[1].id];
    expected.sort();
    assert_eq!(
        ids(store
            .records_depending_on(&parent, Fact::Residence)
            .unwrap()),
        expected
    );
    assert_eq!(
        ids(store.records_depending_on(&parent, Fact::Guardian).unwrap()),
        [issued[1].id]
    );
    assert_eq!(store.records_for_subject(&parent).unwrap().len(), 3);
    assert_eq!(
        ids(store.records_depending_on(&other, Fact::Residence).unwrap()),
        [issued[3].id]
    );
    assert!(store
        .records_depending_on(&other, Fact::Guardian)
        .unwrap()
        .is_empty());
}

fn status_changes_follow_the_allowed_transitions<S: Store>(store: &S) {
    let list = uri(1);
    store.create_status_list(&list, 256).unwrap();
    let records = store
        .issue_batch(&list, batch(2), ActorRole::System, NOW)
        .unwrap();
    let (a, b) = (records[0].id, records[1].id);
    let change = |id, t, reason| store.change_status(id, t, reason, ActorRole::Operator, NOW);

    let illegal = change(&a, Transition::Resume, RevocationReason::Other).unwrap_err();
    assert_eq!(
        illegal,
        Error::IllegalTransition {
            id: a,
            from: Status::VALID,
            transition: Transition::Resume
        }
    );
    change(&a, Transition::Suspend, RevocationReason::HolderRequest).unwrap();
    assert_eq!(store.credential_status(&a).unwrap(), Status::SUSPENDED);
    assert!(change(&a, Transition::Suspend, RevocationReason::Other).is_err());
    change(&a, Transition::Resume, RevocationReason::Other).unwrap();
    assert_eq!(store.credential_status(&a).unwrap(), Status::VALID);
    let revoked = change(
        &a,
        Transition::Revoke,
        RevocationReason::FactChanged(Fact::BirthDate),
    )
    .unwrap();
    let last = revoked.last_change.unwrap();
    assert_eq!(
        (last.transition, last.reason, last.at),
        (
            Transition::Revoke,
            RevocationReason::FactChanged(Fact::BirthDate),
            NOW
        )
    );
    assert_eq!(store.record(&a).unwrap().unwrap().last_change, Some(last));
    for t in [Transition::Revoke, Transition::Suspend, Transition::Resume] {
        assert!(matches!(
            change(&a, t, RevocationReason::Other),
            Err(Error::IllegalTransition {
                from: Status::INVALID,
                ..
            })
        ));
    }
    // The other credential's entry is untouched; the version counted the three real changes.
    assert_eq!(store.credential_status(&b).unwrap(), Status::VALID);
    assert_eq!(store.status_list_info(&list).unwrap().version, 3);
    let (entries, _) = store.load_status_list(&list).unwrap();
    assert_eq!(
        entries.get(records[0].status.index).unwrap(),
        Status::INVALID
    );
    // Issue + three changes, each audited with its reason.
    let audit = store.audit_entries(0..u64::MAX).unwrap();
    assert_eq!(audit.len(), 4);
    assert_eq!(audit[3].action, AuditAction::CredentialRevoked);
    assert_eq!(
        audit[3].subject.as_str(),
        format!("credential:{a} reason:fact_changed:birth_date")
    );
    let missing = myna_issuer::record::CredentialId::random().unwrap();
    assert_eq!(
        change(&missing, Transition::Revoke, RevocationReason::Other),
        Err(Error::UnknownCredential(missing))
    );
}

fn a_published_list_shows_the_changes<S: Store>(store: &S) {
    let list = uri(7);
    store.create_status_list(&list, 1 << 12).unwrap();
    let records = store
        .issue_batch(&list, batch(3), ActorRole::System, NOW)
        .unwrap();
    store
        .change_status(
            &records[1].id,
            Transition::Revoke,
            RevocationReason::KeyCompromise,
            ActorRole::Holder,
            NOW,
        )
        .unwrap();
    store
        .change_status(
            &records[2].id,
            Transition::Suspend,
            RevocationReason::Other,
            ActorRole::Operator,
            NOW,
        )
        .unwrap();
    let (entries, info) = store.load_status_list(&list).unwrap();
    assert_eq!(info.version, 2);
    let key = SecretKey::generate_p256().unwrap();
    let signer = default_provider().signer(&key).unwrap();
    let jwt = StatusListToken::new(list.clone(), NOW, entries)
        .sign(&*signer, None)
        .unwrap();
    let verified = StatusListToken::verify(
        &jwt,
        default_provider(),
        &key.public_key(),
        &TimeRules::at(NOW.plus_seconds(1)),
        &list,
    )
    .unwrap();
    let statuses: Vec<Status> = records
        .iter()
        .map(|r| verified.status_of(&r.status).unwrap())
        .collect();
    assert_eq!(
        statuses,
        [Status::VALID, Status::INVALID, Status::SUSPENDED]
    );
}

fn challenges_are_single_use_and_expire<S: Store>(store: &S) {
    let key = ChallengeKey::generate().unwrap();
    let issue = || key.issue(ChallengePurpose::CNonce, NOW, 300).unwrap();
    let (a, b) = (issue(), issue());
    let expires = a.expires_at;
    let refused = |r| Err(Error::Challenge(r));
    // Handing challenges out wrote nothing.
    assert_eq!(store.row_count().unwrap(), 0);
    assert!(!store.challenge_used(&a.nonce).unwrap());
    store
        .redeem_challenge(&a.nonce, expires, expires.minus_seconds(1))
        .unwrap();
    assert!(store.challenge_used(&a.nonce).unwrap());
    assert_eq!(
        store.redeem_challenge(&a.nonce, expires, NOW),
        refused(ChallengeRejection::AlreadyUsed)
    );
    // The expiry instant itself is too late.
    assert_eq!(
        store.redeem_challenge(&b.nonce, expires, expires),
        refused(ChallengeRejection::Expired)
    );
    assert_eq!(
        store.row_count().unwrap(),
        1,
        "only the redeemed one is kept"
    );
    assert_eq!(store.prune_challenges(expires.minus_seconds(1)).unwrap(), 0);
    assert_eq!(store.prune_challenges(expires).unwrap(), 1);
    assert_eq!(store.row_count().unwrap(), 0);
    // Once pruned, the value is past its expiry: the key refuses it before the store is asked.
    assert_eq!(
        key.check(ChallengePurpose::CNonce, &a.nonce, expires),
        Err(Error::Challenge(ChallengeRejection::Expired))
    );
}

fn the_audit_chain_links_every_operation<S: Store>(store: &S) {
    let list = uri(1);
    store.create_status_list(&list, 64).unwrap();
    let records = store
        .issue_batch(&list, batch(3), ActorRole::System, NOW)
        .unwrap();
    store
        .change_status(
            &records[0].id,
            Transition::Revoke,
            RevocationReason::Superseded,
            ActorRole::Operator,
            NOW.plus_seconds(5),
        )
        .unwrap();
    store
        .append_audit(
            NOW.plus_seconds(9),
            ActorRole::Auditor,
            AuditAction::CredentialsIssued,
            AuditSubject::status_list(&list),
        )
        .unwrap();
    assert_eq!(store.verify_audit_chain().unwrap(), 3);
    let entries = store.audit_entries(0..3).unwrap();
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(entries[0].subject, AuditSubject::batch(&records[0].id, 3));
    assert_eq!(entries[1].actor, ActorRole::Operator);
    assert_eq!(entries[1].time, NOW.plus_seconds(5));
    assert!(entries.windows(2).all(|w| w[1].prev_hash == w[0].hash));
    assert_eq!(store.audit_entries(1..2).unwrap(), entries[1..2]);
}

// ---- what only a file shows ----

type Raw = ::redb::TableDefinition<'static, &'static [u8], &'static [u8]>;

fn overwrite_raw(
    path: &std::path::Path,
    table: &'static str,
    key: &[u8],
    edit: impl FnOnce(&mut Vec<u8>),
) {
    let db = ::redb::Database::open(path).unwrap();
    let txn = db.begin_write().unwrap();
    {
        let mut t = txn.open_table(Raw::new(table)).unwrap();
        let mut value = t.get(key).unwrap().unwrap().value().to_vec();
        edit(&mut value);
        t.insert(key, value.as_slice()).unwrap();
    }
    txn.commit().unwrap();
}

fn populated(path: &std::path::Path) -> Vec<myna_issuer::record::CredentialRecord> {
    let store = RedbStore::open(path).unwrap();
    store.create_status_list(&uri(1), 1024).unwrap();
    let mut all = Vec::new();
    for t in 0..4 {
        all.extend(
            store
                .issue_batch(&uri(1), batch(2), ActorRole::System, NOW.plus_seconds(t))
                .unwrap(),
        );
    }
    all
}

#[test]
fn a_reopened_file_has_everything_that_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    let records = populated(&path);
    {
        let store = RedbStore::open(&path).unwrap();
        store
            .change_status(
                &records[3].id,
                Transition::Suspend,
                RevocationReason::HolderRequest,
                ActorRole::Holder,
                NOW,
            )
            .unwrap();
        // A second handle on the same open file is refused, not silently shared.
        assert!(matches!(RedbStore::open(&path), Err(Error::Storage(_))));
    }
    let store = RedbStore::open(&path).unwrap();
    assert_eq!(store.all_records().unwrap().len(), 8);
    for record in &records {
        assert_eq!(
            store.record(&record.id).unwrap().unwrap().status,
            record.status
        );
    }
    assert_eq!(
        store.credential_status(&records[3].id).unwrap(),
        Status::SUSPENDED
    );
    let info = store.status_list_info(&uri(1)).unwrap();
    assert_eq!((info.assigned, info.version), (8, 1));
    assert_eq!(store.verify_audit_chain().unwrap(), 5);
}

#[test]
fn editing_an_audit_entry_in_the_file_is_detected_at_that_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    populated(&path);
    // Entry 2 keeps its stored hash but its time is moved by one second.
    overwrite_raw(&path, "audit_log", &2u64.to_be_bytes(), |v| v[15] ^= 1);
    let store = RedbStore::open(&path).unwrap();
    match store.verify_audit_chain() {
        Err(Error::AuditChainBroken { seq, reason }) => {
            assert_eq!(seq, 2);
            assert!(reason.contains("hash"), "{reason}");
        }
        other => panic!("tampering not detected: {other:?}"),
    }
}

#[test]
fn a_rehashed_edit_still_breaks_the_next_link() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    populated(&path);
    // A forger who recomputes entry 1's own hash cannot fix entry 2's `prev_hash`.
    overwrite_raw(&path, "audit_log", &1u64.to_be_bytes(), |v| {
        v[15] ^= 1;
        let body_len = v.len() - 32;
        let hash: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&v[..body_len]).into();
        v[body_len..].copy_from_slice(&hash);
    });
    let store = RedbStore::open(&path).unwrap();
    assert!(matches!(
        store.verify_audit_chain(),
        Err(Error::AuditChainBroken { seq: 2, .. })
    ));
}

#[test]
fn deleting_the_last_audit_entry_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    populated(&path);
    {
        let db = ::redb::Database::open(&path).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(Raw::new("audit_log"))
            .unwrap()
            .remove(3u64.to_be_bytes().as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    let store = RedbStore::open(&path).unwrap();
    assert!(matches!(
        store.verify_audit_chain(),
        Err(Error::AuditChainBroken { seq: 3, .. })
    ));
}

#[test]
fn truncated_or_garbled_stored_values_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    let records = populated(&path);
    let id = records[0].id;
    let list_key = uri(1).as_str().as_bytes().to_vec();
    // Every truncation of every kind of stored value, then garbage.
    let cases: [(&'static str, Vec<u8>); 4] = [
        ("records", id.as_bytes().to_vec()),
        ("audit_log", 0u64.to_be_bytes().to_vec()),
        ("status_lists", list_key.clone()),
        ("status_list_assigned", list_key),
    ];
    for (table, key) in cases {
        let original = {
            let db = ::redb::Database::open(&path).unwrap();
            let txn = db.begin_read().unwrap();
            let t = txn.open_table(Raw::new(table)).unwrap();
            let value = t.get(key.as_slice()).unwrap().unwrap().value().to_vec();
            value
        };
        let mut garbage = vec![0u8; 40];
        myna_vc_core::crypto::fill_random(&mut garbage).unwrap();
        let step = (original.len() / 16).max(1);
        let variants = (0..original.len())
            .step_by(step)
            .map(|n| original[..n].to_vec())
            .chain([garbage]);
        for bad in variants {
            overwrite_raw(&path, table, &key, |v| *v = bad.clone());
            let store = RedbStore::open(&path).unwrap();
            let result = match table {
                "records" => store.record(&id).map(|_| ()),
                "audit_log" => store.audit_entries(0..1).map(|_| ()),
                _ => store
                    .issue_batch(&uri(1), batch(1), ActorRole::System, NOW)
                    .map(|_| ()),
            };
            assert!(
                matches!(result, Err(Error::Corrupt { .. })),
                "{table} with {} bytes: {result:?}",
                bad.len()
            );
            if table == "audit_log" {
                assert!(matches!(
                    store.verify_audit_chain(),
                    Err(Error::AuditChainBroken { seq: 0, .. })
                ));
            }
        }
        overwrite_raw(&path, table, &key, |v| *v = original.clone());
    }
    // Restored, everything reads again.
    let store = RedbStore::open(&path).unwrap();
    assert_eq!(store.record(&id).unwrap().unwrap(), records[0]);
    assert_eq!(store.verify_audit_chain().unwrap(), 4);
}

#[test]
fn memory_store_rolls_back_a_failed_batch() {
    let store = MemoryStore::new();
    store.create_status_list(&uri(1), 16).unwrap();
    // The second list does not exist: the failing call must leave the first list untouched.
    assert!(store
        .issue_batch(&uri(2), batch(3), ActorRole::System, NOW)
        .is_err());
    assert_eq!(store.status_list_info(&uri(1)).unwrap().assigned, 0);
    assert!(store.all_records().unwrap().is_empty());
}
