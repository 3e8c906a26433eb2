//! Issue 20: issuance into PostgreSQL against redb, in the same run, ratios printed.
//!
//! 1. The store alone: `Store::issue_batch` of batches of 1, 2 and 16 credentials (a wallet's
//!    one credential, a wallet's batch of two copies, the service's largest batch) into a
//!    status list of 2^12 and of 2^20 entries; credentials/s, the median of [`SAMPLES`]
//!    runs, for `PgStore` and `RedbStore`; for PostgreSQL also the WAL written per
//!    credential. And the single writer's commit rate: `append_audit`, the smallest write
//!    transaction (one audit entry), per second.
//! 2. End to end through one in-process service on loopback: 32 wallets, each flow an
//!    operator's offer (`POST /admin/offers`), token, `c_nonce` and a batch of two age
//!    credentials, for `MYNA_BENCH_SECS` (default 10) each on redb and on PostgreSQL; then
//!    two services on ONE PostgreSQL schema, each wallet's offer made by one and redeemed at
//!    the other.
//!
//! Needs a PostgreSQL server: `MYNA_TEST_DATABASE_URL`, or `-- --database-url URL`. Each run
//! makes fresh schemas (`t_…`) in it.
//!
//! ```text
//! scripts/pg-cluster start /tmp/pg && export MYNA_TEST_DATABASE_URL=$(cat /tmp/pg/url)
//! cargo bench -p myna-issuer --features service --bench pg_issuance
//! ```
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

#[path = "../tests/card_fixture/mod.rs"]
mod card_fixture;
#[path = "../tests/engine/mod.rs"]
mod engine;
#[path = "../tests/service_support/mod.rs"]
mod service_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use card_fixture::World;
use myna_issuer::audit::{ActorRole, AuditAction, AuditSubject};
use myna_issuer::record::{Fact, FactSet, NewCredential, SubjectHandle};
use myna_issuer::service::config::{DatabaseSection, ServiceConfig};
use myna_issuer::store::{AnyStore, PgStore, RedbStore, Store};
use myna_postgres::{Database, DatabaseConfig};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
use serde_json::json;
use service_support::*;

/// Samples per store figure (the median is printed).
const SAMPLES: usize = 5;
/// How long one store sample issues (or until a quarter of its list is used).
const SAMPLE_TIME: Duration = Duration::from_millis(1500);
const BATCHES: [usize; 3] = [1, 2, 16];
/// List sizes: a small town's, the default (2^20), and the largest a status list may have
/// (2^24, `myna_vc_core`'s limit: a prefecture's worth of credentials).
const CAPACITIES: [(usize, &str); 3] = [(1 << 12, "2^12"), (1 << 20, "2^20"), (1 << 24, "2^24")];
/// Lists up to this size are made afresh for every sample; larger ones once per engine and
/// size (making one writes its whole bitmap and entries).
const FRESH_UP_TO: usize = 1 << 20;
const WALLETS: usize = 32;
/// Credentials per wallet flow (one batch).
const COPIES: usize = 2;

/// The server: `--database-url URL` or `MYNA_TEST_DATABASE_URL`.
fn server_url() -> myna_postgres::DatabaseUrl {
    let args: Vec<String> = std::env::args().collect();
    let given = args
        .iter()
        .position(|a| a == "--database-url")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var(myna_postgres::testing::URL_VAR).ok());
    let Some(text) = given else {
        eprintln!("pg_issuance needs PostgreSQL: MYNA_TEST_DATABASE_URL or -- --database-url URL");
        std::process::exit(2)
    };
    text.parse().unwrap()
}

/// A fresh schema `bench_<pid>_<name>` on the server.
fn schema(url: &myna_postgres::DatabaseUrl, name: &str) -> DatabaseConfig {
    let schema = format!("bench_{}_{name}", std::process::id());
    DatabaseConfig::new(url.clone()).in_schema(schema.parse().unwrap())
}

fn credentials(n: usize) -> Vec<NewCredential> {
    let now = NumericDate::from_unix(1_750_000_000);
    let vct = Vct::parse("https://city.example/vct/age").unwrap();
    (0..n)
        .map(|_| NewCredential {
            vct: vct.clone(),
            subject: SubjectHandle::random().unwrap(),
            facts: FactSet::of(&[Fact::BirthDate]),
            issued_at: now,
            expires_at: now.plus_seconds(86_400),
            holder_key: None,
        })
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The server's WAL position in bytes.
fn wal_position(db: &Database) -> i64 {
    one_value(
        db,
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint",
    )
}

/// The first column of the one row `sql` answers.
fn one_value<T: for<'a> myna_postgres::postgres::types::FromSql<'a> + Send>(
    db: &Database,
    sql: &str,
) -> T {
    db.with_connection(|c| {
        c.query_one(sql, &[])
            .map(|row| row.get(0))
            .map_err(myna_postgres::DbError::from)
    })
    .unwrap()
}

/// One store under test, with a counter for fresh list URIs.
struct Engine {
    store: AnyStore,
    lists: usize,
    /// For PostgreSQL: a connection to read the WAL position with.
    wal: Option<Database>,
}

impl Engine {
    fn fresh_list(&mut self, capacity: usize) -> StatusListUri {
        self.lists += 1;
        let uri =
            StatusListUri::new(format!("https://city.example/status/{}", self.lists)).unwrap();
        self.store.create_status_list(&uri, capacity).unwrap();
        uri
    }

    /// Credentials/s of one sample: batches of `batch` into `uri` until [`SAMPLE_TIME`] passed
    /// or `room` credentials were issued; how many were, and the WAL bytes written meanwhile.
    fn sample(&self, uri: &StatusListUri, room: usize, batch: usize) -> (f64, usize, i64) {
        let now = NumericDate::from_unix(1_750_000_000);
        let wal_before = self.wal.as_ref().map_or(0, wal_position);
        let (start, mut issued) = (Instant::now(), 0usize);
        while start.elapsed() < SAMPLE_TIME && issued + batch <= room {
            let batch = credentials(batch);
            issued += self
                .store
                .issue_batch(uri, batch, ActorRole::System, now)
                .unwrap()
                .len();
        }
        let rate = issued as f64 / start.elapsed().as_secs_f64();
        let wal = self.wal.as_ref().map_or(0, wal_position) - wal_before;
        (rate, issued, wal)
    }

    /// A list of `capacity` for one sample (fresh, or the engine's one list of that size) and
    /// the room the sample may use in it.
    fn list_for_sample(
        &mut self,
        capacity: usize,
        shared: &mut Option<StatusListUri>,
    ) -> (StatusListUri, usize) {
        if capacity <= FRESH_UP_TO {
            return (self.fresh_list(capacity), capacity / 4);
        }
        let uri = shared
            .get_or_insert_with(|| self.fresh_list(capacity))
            .clone();
        (uri, capacity / (8 * SAMPLES))
    }

    /// Single-writer commits per second: one audit entry per transaction.
    fn commit_rate(&self) -> f64 {
        let now = NumericDate::from_unix(1_750_000_000);
        let subject = AuditSubject::subject(&SubjectHandle::random().unwrap());
        let samples = (0..SAMPLES)
            .map(|_| {
                let (start, mut n) = (Instant::now(), 0u32);
                while start.elapsed() < Duration::from_millis(500) {
                    self.store
                        .append_audit(
                            now,
                            ActorRole::System,
                            AuditAction::OfferCreated,
                            subject.clone(),
                        )
                        .unwrap();
                    n += 1;
                }
                f64::from(n) / start.elapsed().as_secs_f64()
            })
            .collect();
        median(samples)
    }
}

/// Median credentials/s of redb and PostgreSQL for lists of `capacity` and batches of `batch`,
/// their samples interleaved so that both see the same machine; and PostgreSQL's WAL bytes
/// per credential.
fn measure(redb: &mut Engine, pg: &mut Engine, capacity: usize, batch: usize) -> (f64, f64, f64) {
    let (mut redb_rates, mut pg_rates) = (Vec::new(), Vec::new());
    let (mut issued, mut wal) = (0usize, 0i64);
    let (mut redb_list, mut pg_list) = (None, None);
    for _ in 0..SAMPLES {
        let (uri, room) = redb.list_for_sample(capacity, &mut redb_list);
        redb_rates.push(redb.sample(&uri, room, batch).0);
        let (uri, room) = pg.list_for_sample(capacity, &mut pg_list);
        let (rate, n, bytes) = pg.sample(&uri, room, batch);
        pg_rates.push(rate);
        issued += n;
        wal += bytes;
    }
    (
        median(redb_rates),
        median(pg_rates),
        wal as f64 / issued.max(1) as f64,
    )
}

fn store_figures(database: &DatabaseConfig) {
    let dir = tempfile::tempdir().unwrap();
    let mut redb = Engine {
        store: RedbStore::open(dir.path().join("issuer.redb"))
            .unwrap()
            .into(),
        lists: 0,
        wal: None,
    };
    let mut pg = Engine {
        store: PgStore::open(database).unwrap().into(),
        lists: 0,
        wal: Some(Database::open(database, None).unwrap()),
    };
    println!(
        "store: Store::issue_batch, credentials/s (median of {SAMPLES} samples of ≤ {:.1} s, the engines' samples interleaved)",
        SAMPLE_TIME.as_secs_f64()
    );
    println!("  list   batch        redb    postgres   pg/redb   WAL/credential");
    for (capacity, label) in CAPACITIES {
        for batch in BATCHES {
            let (redb_rate, pg_rate, wal_bytes) = measure(&mut redb, &mut pg, capacity, batch);
            println!(
                "  {label:<6} {batch:>5} {redb_rate:>11.0} {pg_rate:>11.0} {:>9.3} {:>12.0} B",
                pg_rate / redb_rate,
                wal_bytes
            );
        }
    }
    let (redb_commits, pg_commits) = (redb.commit_rate(), pg.commit_rate());
    println!(
        "  single-writer commits/s (append_audit): redb {redb_commits:.0}, postgres {pg_commits:.0}, pg/redb {:.3}",
        pg_commits / redb_commits
    );
}

/// One wallet flow: an offer made at `offer_at`, redeemed at `redeem_at` for [`COPIES`]
/// credentials.
async fn flow(offer_at: &Server, redeem_at: &Server, operator: &str) -> usize {
    let body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "1990-05-01"}]});
    let created = staff_offer(offer_at, operator, &body).await;
    let wallet = Wallet::new(redeem_at);
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let holders: Vec<_> = (0..COPIES).map(|_| signer()).collect();
    let holders: Vec<&dyn myna_vc_core::crypto::Signer> = holders.iter().map(|h| &**h).collect();
    wallet
        .credentials(&token, "age", &holders, START)
        .await
        .len()
}

/// Credentials/s of [`WALLETS`] wallets for `secs` against `servers` (wallet i takes its offer
/// from server i and redeems it at server i + 1, modulo their number), and the errors.
async fn load(servers: &[Arc<Server>], operator: &str, secs: u64) -> (f64, usize, usize) {
    let issued = Arc::new(Mutex::new(0usize));
    let errors = Arc::new(Mutex::new(0usize));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..WALLETS {
        let offer_at = servers[i % servers.len()].clone();
        let redeem_at = servers[(i + 1) % servers.len()].clone();
        let (issued, errors, operator) = (issued.clone(), errors.clone(), operator.to_owned());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let (offer_at, redeem_at, operator) =
                    (offer_at.clone(), redeem_at.clone(), operator.clone());
                match tokio::spawn(async move { flow(&offer_at, &redeem_at, &operator).await })
                    .await
                {
                    Ok(n) => *issued.lock().unwrap() += n,
                    Err(_) => *errors.lock().unwrap() += 1,
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let n = *issued.lock().unwrap();
    let errors = *errors.lock().unwrap();
    (n as f64 / started.elapsed().as_secs_f64(), n, errors)
}

/// The server's write transactions so far (each takes a transaction id; `txid_current`
/// itself takes one) and its WAL position.
async fn writes_and_wal(db: &Arc<Database>) -> (i64, i64) {
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        let txid: i64 = one_value(&db, "SELECT txid_current()");
        (txid, wal_position(&db))
    })
    .await
    .unwrap()
}

/// `load`, printed: credentials/s, and for PostgreSQL the write transactions and WAL bytes
/// per credential.
async fn measured_load(
    name: &str,
    servers: &[Arc<Server>],
    operator: &str,
    secs: u64,
    db: Option<&Arc<Database>>,
) -> f64 {
    let before = match db {
        Some(db) => Some(writes_and_wal(db).await),
        None => None,
    };
    let (rate, issued, errors) = load(servers, operator, secs).await;
    let mut line = format!("  {name:<24} {rate:>8.1}   errors {errors}");
    if let (Some(db), Some((tx0, wal0))) = (db, before) {
        let (tx1, wal1) = writes_and_wal(db).await;
        let per = |d: i64| d as f64 / issued.max(1) as f64;
        line.push_str(&format!(
            "   write transactions/credential {:.2}, WAL/credential {:.0} B",
            per(tx1 - tx0 - 1),
            per(wal1 - wal0)
        ));
    }
    println!("{line}");
    rate
}

fn service_config(admins: &Admins, database: Option<&DatabaseConfig>) -> ServiceConfig {
    let mut config = admins.config();
    config.rules.status_list_capacity = 1 << 20;
    // Every wallet is one client (127.0.0.1) at full speed: the open network's rate limits
    // are raised so that the bench measures the service.
    config.edge.requests_per_second_per_client = 1_000_000;
    config.edge.burst_per_client = 1_000_000;
    config.edge.requests_per_second = 1_000_000;
    config.database = database.map(|db| DatabaseSection {
        url: Some(db.url.clone()),
        schema: db.schema.clone(),
        pool_size: None,
    });
    config
}

async fn service_figures(url: &myna_postgres::DatabaseUrl, secs: u64) {
    let database = &schema(url, "service");
    let world = World::new();
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    println!("service: {WALLETS} wallets, offer + token + nonce + {COPIES} credentials, {secs} s each, credentials/s");
    // Transaction ids and the WAL are the server's: one probe serves every schema. Opened and
    // dropped off the async threads, like the stores (the sync client has its own runtime).
    let opened = database.clone();
    let probe = tokio::task::spawn_blocking(move || Database::open(&opened, None).unwrap())
        .await
        .map(Arc::new)
        .unwrap();
    let mut rates = Vec::new();
    for (name, db) in [
        ("redb, one service", None),
        ("postgres, one service", Some(database)),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let config = service_config(&admins, db);
        let server = Arc::new(Server::start(dir.path(), config, clock.clone(), &world).await);
        let servers = std::slice::from_ref(&server);
        let probe = db.map(|_| &probe);
        rates.push(measured_load(name, servers, &admins.operator, secs, probe).await);
        Arc::into_inner(server).unwrap().stop().await;
    }
    // Two services on one schema (a fresh one: the credentials of the run above stay apart),
    // sharing one data directory's keys as two machines share a copy of it.
    let shared = schema(url, "two_services");
    let dir = tempfile::tempdir().unwrap();
    let one = Arc::new(
        Server::start(
            dir.path(),
            service_config(&admins, Some(&shared)),
            clock.clone(),
            &world,
        )
        .await,
    );
    let two = Arc::new(
        Server::start(
            dir.path(),
            service_config(&admins, Some(&shared)),
            clock.clone(),
            &world,
        )
        .await,
    );
    let servers = [one.clone(), two.clone()];
    let name = "postgres, two services";
    let rate = measured_load(name, &servers, &admins.operator, secs, Some(&probe)).await;
    drop(servers);
    let service = one.service.clone();
    let (records, chain) = tokio::task::spawn_blocking(move || {
        let store = service.store();
        (
            store.all_records().unwrap().len(),
            store.verify_audit_chain().unwrap(),
        )
    })
    .await
    .unwrap();
    println!("    (two services: {records} records in the database, audit chain intact, {chain} entries)");
    Arc::into_inner(one).unwrap().stop().await;
    Arc::into_inner(two).unwrap().stop().await;
    tokio::task::spawn_blocking(move || drop(probe))
        .await
        .unwrap();
    println!(
        "  ratios: postgres/redb one service {:.3}; two postgres services / one {:.3}",
        rates[1] / rates[0],
        rate / rates[1]
    );
}

fn machine() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']))
        .unwrap_or("?");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "machine: {model}, {cores} cores, load average {}",
        load.trim()
    );
}

fn main() {
    let url = server_url();
    let database = schema(&url, "store");
    let secs: u64 = std::env::var("MYNA_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    machine();
    let version: String = one_value(
        &Database::open(&database, None).unwrap(),
        "SHOW server_version",
    );
    println!("postgres {version} on loopback (fsync on, synchronous_commit on)");
    store_figures(&database);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(service_figures(&url, secs));
    machine();
}
