//! The sale's ledger in PostgreSQL: a person buys once per sale across every process on the
//! database, even when a hundred attempts race; another sale is another ledger; a refused
//! login is a typed error that never shows the password.
//!
//! Each test gets its own schema in the test command's cluster (`MYNA_TEST_DATABASE_URL`);
//! without one (and not required) there is nothing to test against.
#![cfg(test)]

use std::sync::Barrier;

use myna_postgres::testing::fresh_schema;
use myna_postgres::{DatabaseConfig, DbError};
use myna_verifier::core::time::NumericDate;
use myna_verifier::ledger::{PgLedger, Redemption, RedemptionLedger};

const SALE: &str = "izu-limited-sake-2026";

fn open(config: &DatabaseConfig) -> PgLedger {
    PgLedger::open(config).unwrap()
}

#[test]
fn the_first_purchase_is_recorded_and_a_second_is_told_where_and_when() {
    let Some(config) = fresh_schema() else { return };
    let ledger = open(&config);
    let (t1, t2) = (NumericDate::from_unix(1_000), NumericDate::from_unix(2_000));
    assert_eq!(
        ledger.redeem(SALE, "p-7Qx3", "shop-1", t1).unwrap(),
        Redemption::First
    );
    let again = Redemption::Already {
        shop: "shop-1".into(),
        at: t1,
    };
    assert_eq!(ledger.redeem(SALE, "p-7Qx3", "shop-2", t2).unwrap(), again);
    // Another person in the same sale, and the same person in another sale, are first.
    assert_eq!(
        ledger.redeem(SALE, "p-other", "shop-2", t2).unwrap(),
        Redemption::First
    );
    assert_eq!(
        ledger
            .redeem("izu-sake-2027", "p-7Qx3", "shop-2", t2)
            .unwrap(),
        Redemption::First
    );
    // Another process opening the same schema later (migrations already applied) sees it all.
    let reopened = open(&config);
    assert_eq!(
        reopened.redeem(SALE, "p-7Qx3", "shop-3", t2).unwrap(),
        again
    );
    assert_eq!(
        reopened
            .redeem("izu-sake-2027", "p-7Qx3", "shop-3", t2)
            .unwrap(),
        Redemption::Already {
            shop: "shop-2".into(),
            at: t2
        }
    );
}

#[test]
fn a_hundred_attempts_from_two_processes_record_exactly_one_purchase() {
    let Some(config) = fresh_schema() else { return };
    // Two pools, as two shops' processes have.
    let shops = [("shop-1", open(&config)), ("shop-2", open(&config))];
    let t = NumericDate::from_unix(1_795_222_800);
    let start = Barrier::new(100);
    let outcomes: Vec<(&str, Redemption)> = std::thread::scope(|scope| {
        let attempts: Vec<_> = (0..100)
            .map(|i| {
                let (shop, ledger) = &shops[i % 2];
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    (*shop, ledger.redeem(SALE, "p-7Qx3", shop, t).unwrap())
                })
            })
            .collect();
        attempts.into_iter().map(|a| a.join().unwrap()).collect()
    });
    let winners: Vec<&str> = outcomes
        .iter()
        .filter(|(_, outcome)| *outcome == Redemption::First)
        .map(|(shop, _)| *shop)
        .collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    let winner = winners[0];
    let told = Redemption::Already {
        shop: winner.into(),
        at: t,
    };
    // Every other attempt, at either shop, is told the winner's shop.
    assert_eq!(
        outcomes
            .iter()
            .filter(|(_, outcome)| *outcome == told)
            .count(),
        99,
        "{outcomes:?}"
    );
    // Different sales do not wait for or block one another.
    let [(_, shop_1), (_, shop_2)] = &shops;
    assert_eq!(
        shop_2.redeem("other-sale", "p-7Qx3", "shop-2", t).unwrap(),
        Redemption::First
    );
    assert_eq!(
        shop_1.redeem("other-sale", "p-7Qx3", "shop-1", t).unwrap(),
        Redemption::Already {
            shop: "shop-2".into(),
            at: t
        }
    );
}

#[test]
fn a_wrong_password_is_a_connect_error_that_does_not_show_it() {
    let Some(config) = fresh_schema() else { return };
    const WRONG: &str = "not-the-Pw-3f9Qk";
    // The URL as shown is postgres://user@host:port/db; put a wrong password in it.
    let shown = config.url.to_string();
    let (user, rest) = shown.split_once('@').unwrap();
    let url = format!("{user}:{WRONG}@{rest}").parse().unwrap();
    let wrong = DatabaseConfig {
        url,
        ..config.clone()
    };
    let err = PgLedger::open(&wrong).unwrap_err();
    let DbError::Connect { at, why } = &err else {
        panic!("not a connection error: {err:?}")
    };
    assert_eq!(at, &shown, "the error names the server as shown");
    assert!(why.contains("password"), "the reason: {why}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(WRONG), "{text}");
    }
}
