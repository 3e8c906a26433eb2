//! The replay guard in PostgreSQL (feature `postgres`): one memory of used key bindings for a
//! fleet of gates and tills, whichever process or machine verifies.
//!
//! A use is recorded by a single statement on the digest's primary key: insert it, or — when
//! the row there has expired — overwrite it; a live row is left alone and nothing comes back.
//! PostgreSQL lets exactly one of any number of racing statements for one digest insert (or
//! overwrite), so exactly one caller gets [`Seen::First`]. Expired rows are deleted now and
//! then; until then they are as good as absent. There is no capacity: the table grows with
//! the live entries (one per presentation in its acceptance window) and shrinks as they
//! expire.

use std::sync::atomic::{AtomicU64, Ordering};

use myna_postgres::{DatabaseConfig, DbError};
use myna_vc_core::time::NumericDate;

use super::{digest, ReplayStore, Seen};
use crate::database::VerifierDatabase;

/// Records the use unless a live record exists; a row comes back only when it was recorded.
const RECORD: &str = "INSERT INTO replay_seen (digest, live_until) VALUES ($1, $2) \
                      ON CONFLICT (digest) DO UPDATE SET live_until = EXCLUDED.live_until \
                      WHERE replay_seen.live_until < $3 \
                      RETURNING live_until";

/// Deletes what can no longer be replayed.
const PRUNE: &str = "DELETE FROM replay_seen WHERE live_until < $1";

/// Every this many records, one also deletes the expired rows.
const PRUNE_EVERY: u64 = 1024;

/// A replay guard in PostgreSQL, shared by every verifier opened on the same database and
/// schema: a presentation accepted by one gate of the fleet is a replay at every other.
/// ```no_run
/// # // Needs a server; verifier/tests/ledger_postgres.rs runs this against the test cluster.
/// use myna_postgres::DatabaseConfig;
/// use myna_verifier::core::time::NumericDate;
/// use myna_verifier::replay::{PgReplayGuard, ReplayStore, Seen};
/// let config = DatabaseConfig::new("postgres://gates:pw@db.city.example/myna".parse()?)
///     .in_schema("festival_gates".parse()?);
/// let (west, east) = (PgReplayGuard::open(&config)?, PgReplayGuard::open(&config)?);
/// let t = NumericDate::from_unix(1_000);
/// assert_eq!(west.record(b"kb-jwt", t.plus_seconds(60), t), Seen::First);
/// assert_eq!(east.record(b"kb-jwt", t.plus_seconds(60), t), Seen::Again);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PgReplayGuard {
    db: VerifierDatabase,
    records: AtomicU64,
}

impl PgReplayGuard {
    /// Connects, creates the schema if needed and applies the verifier's migrations. An
    /// unreachable server or a refused login is [`DbError::Connect`], which names the server
    /// without the password.
    pub fn open(config: &DatabaseConfig) -> Result<Self, DbError> {
        Ok(PgReplayGuard::on(VerifierDatabase::open(config)?))
    }

    /// The guard in a database already opened (its pool shared with the ledger).
    pub fn on(db: VerifierDatabase) -> Self {
        PgReplayGuard {
            db,
            records: AtomicU64::new(0),
        }
    }

    fn try_record(
        &self,
        value: &[u8],
        expires_at: NumericDate,
        now: NumericDate,
    ) -> Result<Seen, DbError> {
        let digest = digest(value);
        let now = now.as_unix();
        let prune = self.records.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == 0;
        self.db.database().with_connection(|conn| {
            if prune {
                conn.execute(PRUNE, &[&now])?;
            }
            let recorded =
                conn.query_opt(RECORD, &[&digest.as_slice(), &expires_at.as_unix(), &now])?;
            Ok(match recorded {
                Some(_) => Seen::First,
                None => Seen::Again,
            })
        })
    }
}

impl ReplayStore for PgReplayGuard {
    fn record(&self, value: &[u8], expires_at: NumericDate, now: NumericDate) -> Seen {
        // Unknown is not first: the presentation is refused and may be tried again.
        self.try_record(value, expires_at, now)
            .unwrap_or(Seen::Unavailable)
    }
}
