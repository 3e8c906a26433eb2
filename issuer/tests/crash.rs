//! Crash safety of `RedbStore`: a child process issues batches and prints each batch's ids only
//! after `issue_batch` returned (that is, "hands them out"); the parent kills it with SIGKILL
//! at varying points, reopens the file and checks that every handed-out id has its durable
//! record, that no status index was assigned twice, that the list's assignment count matches
//! the records, and that the audit chain verifies. The same file goes through every round, so
//! each round also starts from a file a killed process left behind.
//!
//! The binary is its own child: with `MYNA_CRASH_CHILD=<path>` set, `main` runs the child role.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test with its own main (no harness), which clippy does not see as test code"
)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use myna_issuer::audit::ActorRole;
use myna_issuer::record::{CredentialId, Fact, FactSet, NewCredential, SubjectHandle};
use myna_issuer::revocation::{RevocationReason, Transition};
use myna_issuer::store::{RedbStore, Store};
use myna_issuer::Error;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;

const CHILD_ENV: &str = "MYNA_CRASH_CHILD";
const BATCH: usize = 20;
/// The child stops by itself after this many batches, so a missed kill cannot hang the test.
const MAX_BATCHES: usize = 5_000;
/// Batches the parent reads before it kills the child, one round each.
const KILL_AFTER: [usize; 4] = [1, 3, 8, 17];

fn list_uri() -> StatusListUri {
    StatusListUri::new("https://city.example/status/crash").unwrap()
}

fn main() {
    match std::env::var_os(CHILD_ENV) {
        Some(path) => child(Path::new(&path)),
        None => parent(),
    }
}

/// Issues batches until killed (or the bound), printing ids only once they are durable.
fn child(path: &Path) {
    let store = RedbStore::open(path).unwrap();
    match store.create_status_list(&list_uri(), 1 << 20) {
        Ok(_) | Err(Error::StatusListExists(_)) => {}
        Err(e) => panic!("{e}"),
    }
    let now = NumericDate::from_unix(1_750_000_000);
    let mut out = std::io::stdout().lock();
    for _ in 0..MAX_BATCHES {
        let batch = (0..BATCH)
            .map(|_| NewCredential {
                vct: Vct::parse("https://city.example/vct/age").unwrap(),
                subject: SubjectHandle::random().unwrap(),
                facts: FactSet::of(&[Fact::BirthDate]),
                issued_at: now,
                expires_at: now.plus_seconds(3_600),
                holder_key: None,
            })
            .collect();
        let records = store
            .issue_batch(&list_uri(), batch, ActorRole::System, now)
            .unwrap();
        // Status writes and audit entries in flight too when the kill lands.
        store
            .change_status(
                &records[0].id,
                Transition::Suspend,
                RevocationReason::Other,
                ActorRole::Operator,
                now,
            )
            .unwrap();
        let ids: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
        writeln!(out, "{}", ids.join(" ")).unwrap();
        out.flush().unwrap();
    }
}

fn parent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    let exe = std::env::current_exe().unwrap();
    let mut handed_out: HashSet<CredentialId> = HashSet::new();
    for (round, kill_after) in KILL_AFTER.into_iter().enumerate() {
        let mut child = Command::new(&exe)
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        for _ in 0..kill_after {
            let line = lines.next().expect("child ended early").unwrap();
            handed_out.extend(line.split(' ').map(|id| CredentialId::parse(id).unwrap()));
        }
        child.kill().unwrap(); // SIGKILL on Unix
                               // Ids printed between our last read and the kill were handed out too.
        for line in lines {
            let Ok(line) = line else { break };
            handed_out.extend(line.split(' ').map(|id| CredentialId::parse(id).unwrap()));
        }
        let status = child.wait().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                status.signal(),
                Some(9),
                "round {round}: child was not killed mid-loop"
            );
        }
        #[cfg(not(unix))]
        assert!(!status.success());
        check(&path, &handed_out, round);
    }
    println!(
        "crash: {} rounds, {} handed-out credentials all durable",
        KILL_AFTER.len(),
        handed_out.len()
    );
}

fn check(path: &Path, handed_out: &HashSet<CredentialId>, round: usize) {
    let store = RedbStore::open(path).unwrap();
    for id in handed_out {
        let record = store.record(id).unwrap();
        assert!(
            record.is_some(),
            "round {round}: {id} handed out without a record"
        );
    }
    let records = store.all_records().unwrap();
    assert!(records.len() >= handed_out.len());
    let mut indices = HashSet::new();
    for record in &records {
        assert_eq!(record.status.uri, list_uri());
        assert!(
            indices.insert(record.status.index),
            "round {round}: index {} assigned twice",
            record.status.index
        );
    }
    // Every assigned entry belongs to a record and every record to an assigned entry.
    let info = store.status_list_info(&list_uri()).unwrap();
    assert_eq!(info.assigned, records.len() as u64, "round {round}");
    let audited = store.verify_audit_chain().unwrap();
    assert!(audited >= (records.len() / BATCH) as u64, "round {round}");
}
