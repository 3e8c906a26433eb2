//! The replay guard in PostgreSQL: a value used through one guard is a replay through every
//! other on the database until it expires, and a hundred racing uses record exactly one.
//!
//! Each test gets its own schema in the test command's cluster (`MYNA_TEST_DATABASE_URL`);
//! without one (and not required) there is nothing to test against.
#![cfg(test)]

use std::sync::Barrier;

use myna_postgres::testing::fresh_schema;
use myna_postgres::DatabaseConfig;
use myna_verifier::core::time::NumericDate;
use myna_verifier::ledger::{PgLedger, Redemption, RedemptionLedger};
use myna_verifier::replay::{PgReplayGuard, ReplayStore, Seen};

fn open(config: &DatabaseConfig) -> PgReplayGuard {
    PgReplayGuard::open(config).unwrap()
}

#[test]
fn a_use_is_a_replay_at_every_gate_until_it_expires() {
    let Some(config) = fresh_schema() else { return };
    let (west, east) = (open(&config), open(&config));
    let t = NumericDate::from_unix(1_000);
    let until = t.plus_seconds(60);
    assert_eq!(west.record(b"kb-jwt-1", until, t), Seen::First);
    assert_eq!(east.record(b"kb-jwt-1", until, t), Seen::Again);
    assert_eq!(
        west.record(b"kb-jwt-1", until, until),
        Seen::Again,
        "live at its last second"
    );
    assert_eq!(east.record(b"kb-jwt-2", until, t), Seen::First);
    // Once its window has closed it could not pass the freshness check anyway: forgotten.
    let later = until.plus_seconds(1);
    assert_eq!(
        east.record(b"kb-jwt-1", later.plus_seconds(60), later),
        Seen::First
    );
    assert_eq!(
        west.record(b"kb-jwt-1", later.plus_seconds(60), later),
        Seen::Again
    );
    // The ledger shares the schema (one migration history) and keeps working beside it.
    let ledger = PgLedger::open(&config).unwrap();
    assert_eq!(
        ledger.redeem("s", "p", "shop", t).unwrap(),
        Redemption::First
    );
}

#[test]
fn a_hundred_racing_uses_from_two_processes_record_one() {
    let Some(config) = fresh_schema() else { return };
    let gates = [open(&config), open(&config)];
    let t = NumericDate::from_unix(1_795_222_800);
    let start = Barrier::new(100);
    let seen: Vec<Seen> = std::thread::scope(|scope| {
        let uses: Vec<_> = (0..100)
            .map(|i| {
                let (gate, start) = (&gates[i % 2], &start);
                scope.spawn(move || {
                    start.wait();
                    gate.record(b"the same kb-jwt", t.plus_seconds(60), t)
                })
            })
            .collect();
        uses.into_iter().map(|u| u.join().unwrap()).collect()
    });
    let first = seen.iter().filter(|s| **s == Seen::First).count();
    let again = seen.iter().filter(|s| **s == Seen::Again).count();
    assert_eq!((first, again), (1, 99), "{seen:?}");
}

#[test]
fn a_guard_that_cannot_reach_its_database_refuses() {
    let Some(config) = fresh_schema() else { return };
    let guard = open(&config);
    // The schema's table dropped under it: the guard cannot know, so it does not say first.
    let db = myna_postgres::Database::open(&config, None).unwrap();
    db.with_connection(|c| {
        c.batch_execute("DROP TABLE replay_seen")
            .map_err(myna_postgres::DbError::from)
    })
    .unwrap();
    let t = NumericDate::from_unix(1_000);
    assert_eq!(guard.record(b"x", t.plus_seconds(60), t), Seen::Unavailable);
}
