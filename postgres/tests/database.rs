//! `Database` against the test command's PostgreSQL cluster: writers serialised by the lock,
//! timeouts that fire, errors without the password, and use from inside an async runtime.
#![cfg(test)]

use myna_postgres::{testing, Database, DatabaseConfig, DbError, WriterLock};

const COUNTER: WriterLock = WriterLock::new(42);

fn open() -> Option<(DatabaseConfig, Database)> {
    let config = testing::fresh_schema()?;
    let db = Database::open(&config, None).unwrap();
    db.with_connection(|c| {
        c.batch_execute("CREATE TABLE counter (n bigint NOT NULL); INSERT INTO counter VALUES (0)")
            .map_err(DbError::from)
    })
    .unwrap();
    Some((config, db))
}

fn read_counter(db: &Database) -> i64 {
    db.read(|tx| Ok::<_, DbError>(tx.query_one("SELECT n FROM counter", &[])?.get(0)))
        .unwrap()
}

#[test]
fn writers_under_the_lock_never_lose_an_update_across_pools() {
    let Some((config, first)) = open() else {
        return;
    };
    // A second pool on the same schema: another instance of the service.
    let second = Database::open(&config, None).unwrap();
    std::thread::scope(|scope| {
        for i in 0..8 {
            let db = if i % 2 == 0 { &first } else { &second };
            scope.spawn(move || {
                for _ in 0..25 {
                    // Read, then write what was read plus one: without the lock two writers
                    // would read the same value and one increment would be lost.
                    db.write(COUNTER, |tx| {
                        let n: i64 = tx.query_one("SELECT n FROM counter", &[])?.get(0);
                        tx.execute("UPDATE counter SET n = $1", &[&(n + 1)])?;
                        Ok::<_, DbError>(())
                    })
                    .unwrap();
                }
            });
        }
    });
    assert_eq!(read_counter(&first), 200);
    assert_eq!(read_counter(&second), 200);
}

#[test]
fn a_failed_write_leaves_nothing() {
    let Some((_, db)) = open() else {
        return;
    };
    let failed = db.write(COUNTER, |tx| {
        tx.execute("UPDATE counter SET n = 99", &[])?;
        Err::<(), _>(DbError::Query("refused by the caller".into()))
    });
    assert!(failed.is_err());
    assert_eq!(read_counter(&db), 0);
}

#[test]
fn a_statement_past_its_timeout_fails_rather_than_hangs() {
    let Some((mut config, _)) = open() else {
        return;
    };
    config.statement_timeout_secs = 1;
    let db = Database::open(&config, None).unwrap();
    let err = db
        .read(|tx| tx.execute("SELECT pg_sleep(5)", &[]).map_err(DbError::from))
        .unwrap_err();
    // 57014: query_canceled, what statement_timeout raises.
    assert!(
        matches!(&err, DbError::Query(why) if why.contains("57014")),
        "{err}"
    );
}

#[test]
fn a_refused_login_is_explained_without_the_password() {
    let Some((config, _)) = open() else {
        return;
    };
    let shown = config.url.to_string();
    let wrong = shown.replacen(
        "postgres://myna@",
        "postgres://myna:not-the-password-42@",
        1,
    );
    let mut bad = DatabaseConfig::new(wrong.parse().unwrap());
    bad.pool_wait_secs = 2;
    let err = Database::open(&bad, None).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, DbError::Connect { .. }), "{text}");
    assert!(text.contains("password authentication failed"), "{text}");
    assert!(!text.contains("not-the-password-42"), "{text}");
}

#[test]
fn a_read_only_snapshot_refuses_writes() {
    let Some((_, db)) = open() else {
        return;
    };
    let err = db
        .read(|tx| {
            tx.execute("UPDATE counter SET n = 1", &[])
                .map_err(DbError::from)
        })
        .unwrap_err();
    // 25006: read_only_sql_transaction.
    assert!(
        matches!(&err, DbError::Query(why) if why.contains("25006")),
        "{err}"
    );
}

#[tokio::test]
async fn it_opens_is_used_and_is_dropped_inside_an_async_runtime() {
    // The synchronous client runs a runtime of its own per connection; inside this one it
    // would panic if the database did not keep it on threads of its own.
    let Some((_, db)) = open() else {
        return;
    };
    db.write(COUNTER, |tx| {
        tx.execute("UPDATE counter SET n = n + 5", &[])
            .map_err(DbError::from)
    })
    .unwrap();
    assert_eq!(read_counter(&db), 5);
    drop(db);
}
