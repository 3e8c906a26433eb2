//! Request rate limits (governor's GCRA): one bucket per client and one for everyone.
//!
//! A request must pass its client's bucket first, then the global one, so a client flooding
//! past its own rate spends nothing of everyone's. The per-client table is bounded: it holds
//! at most `max_tracked_clients` clients one by one; a client first seen while it is full
//! shares one overflow bucket with every other such client until
//! [`RateLimits::forget_quiet`] (run periodically by the server) drops the clients whose
//! buckets are full again. (Under concurrency the table may pass its bound by the number of
//! requests checked at the same instant.)

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::{HashMapStateStore, ShrinkableKeyedStateStore};
use governor::state::{InMemoryState, NotKeyed, StateStore};
use governor::{NotUntil, Quota, RateLimiter};

use crate::client::ClientKey;
use crate::config::EdgeConfig;

/// The per-client state: a table of at most `cap` clients and one bucket for the rest.
#[derive(Debug)]
pub(crate) struct BoundedClients {
    clients: HashMapStateStore<ClientKey>,
    overflow: InMemoryState,
    cap: usize,
}

impl BoundedClients {
    fn new(cap: usize) -> Self {
        BoundedClients {
            clients: HashMapStateStore::new(HashMap::new()),
            overflow: InMemoryState::default(),
            cap,
        }
    }

    /// Whether `client` has (or may take) its own bucket.
    fn tracks(&self, client: &ClientKey) -> bool {
        let clients = self.clients.lock();
        clients.contains_key(client) || clients.len() < self.cap
    }
}

impl StateStore for BoundedClients {
    type Key = ClientKey;

    fn measure_and_replace<T, F, E>(&self, key: &ClientKey, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        if self.tracks(key) {
            self.clients.measure_and_replace(key, f)
        } else {
            self.overflow.measure_and_replace(&NotKeyed::NonKey, f)
        }
    }
}

impl ShrinkableKeyedStateStore<ClientKey> for BoundedClients {
    fn retain_recent(&self, drop_below: Nanos) {
        self.clients.retain_recent(drop_below);
    }

    fn shrink_to_fit(&self) {
        self.clients.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.clients.len()
    }

    fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }
}

/// Which bucket refused a request, and when to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limited {
    /// The client's own bucket (or the shared overflow bucket) is empty.
    Client { retry_after_secs: u64 },
    /// Everyone's bucket is empty.
    Everyone { retry_after_secs: u64 },
}

impl Limited {
    pub(crate) fn retry_after_secs(self) -> u64 {
        match self {
            Limited::Client { retry_after_secs } | Limited::Everyone { retry_after_secs } => {
                retry_after_secs
            }
        }
    }
}

type Keyed<C> = RateLimiter<ClientKey, BoundedClients, C, NoOpMiddleware<<C as Clock>::Instant>>;
type Direct<C> = RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// The per-client and global buckets.
pub(crate) struct RateLimits<C: Clock = DefaultClock> {
    per_client: Keyed<C>,
    global: Direct<C>,
    clock: C,
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl RateLimits<DefaultClock> {
    pub(crate) fn new(config: &EdgeConfig) -> Self {
        Self::with_clock(config, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimits<C> {
    /// The buckets of `config`, on `clock` (tests pass a clock they advance).
    pub(crate) fn with_clock(config: &EdgeConfig, clock: C) -> Self {
        let per_client = Quota::per_second(nonzero(config.requests_per_second_per_client))
            .allow_burst(nonzero(config.burst_per_client));
        let global = Quota::per_second(nonzero(config.requests_per_second));
        RateLimits {
            per_client: RateLimiter::new(
                per_client,
                BoundedClients::new(config.max_tracked_clients),
                clock.clone(),
            ),
            global: RateLimiter::direct_with_clock(global, clock.clone()),
            clock,
        }
    }

    fn retry_after(&self, refused: NotUntil<C::Instant>) -> u64 {
        let wait: Duration = refused.wait_time_from(self.clock.now());
        // Rounded up: retrying a fraction of a second early would be refused again.
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
    }

    /// Takes one request from `client`'s bucket and then from everyone's.
    pub(crate) fn check(&self, client: ClientKey) -> Result<(), Limited> {
        self.per_client
            .check_key(&client)
            .map_err(|refused| Limited::Client {
                retry_after_secs: self.retry_after(refused),
            })?;
        self.global.check().map_err(|refused| Limited::Everyone {
            retry_after_secs: self.retry_after(refused),
        })
    }

    /// Forgets the clients whose buckets are full again (they would start afresh anyway).
    pub(crate) fn forget_quiet(&self) {
        self.per_client.retain_recent();
        self.per_client.shrink_to_fit();
    }

    /// Clients tracked one by one.
    pub(crate) fn tracked(&self) -> usize {
        self.per_client.len()
    }
}

/// How often the server forgets quiet clients.
pub(crate) const FORGET_INTERVAL: Duration = Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn client(last: u8) -> ClientKey {
        ClientKey::of(std::net::IpAddr::from([198, 51, 100, last]))
    }

    fn config(rate: u32, burst: u32, global: u32, tracked: usize) -> EdgeConfig {
        EdgeConfig {
            requests_per_second_per_client: rate,
            burst_per_client: burst,
            requests_per_second: global,
            max_tracked_clients: tracked,
            ..EdgeConfig::default()
        }
    }

    #[test]
    fn a_flooding_client_is_refused_while_another_is_served() {
        let clock = FakeRelativeClock::default();
        let limits = RateLimits::with_clock(&config(1, 3, 1000, 100), clock.clone());
        for _ in 0..3 {
            assert_eq!(limits.check(client(1)), Ok(()));
        }
        let refused = limits.check(client(1)).unwrap_err();
        assert!(matches!(refused, Limited::Client { .. }));
        assert_eq!(refused.retry_after_secs(), 1);
        assert_eq!(limits.check(client(2)), Ok(()));
        clock.advance(Duration::from_secs(1));
        assert_eq!(limits.check(client(1)), Ok(()));
    }

    #[test]
    fn the_global_bucket_refuses_when_everyone_together_is_too_many() {
        let clock = FakeRelativeClock::default();
        let limits = RateLimits::with_clock(&config(100, 100, 2, 100), clock);
        assert_eq!(limits.check(client(1)), Ok(()));
        assert_eq!(limits.check(client(2)), Ok(()));
        assert!(matches!(
            limits.check(client(3)),
            Err(Limited::Everyone { .. })
        ));
    }

    #[test]
    fn clients_past_the_table_share_one_bucket_until_quiet_ones_are_forgotten() {
        let clock = FakeRelativeClock::default();
        let limits = RateLimits::with_clock(&config(1, 2, 1000, 2), clock.clone());
        assert_eq!(limits.check(client(1)), Ok(()));
        assert_eq!(limits.check(client(2)), Ok(()));
        assert_eq!(limits.tracked(), 2);
        // Clients 3 and 4 are not tracked: they share the overflow bucket of burst 2.
        assert_eq!(limits.check(client(3)), Ok(()));
        assert_eq!(limits.check(client(4)), Ok(()));
        assert!(limits.check(client(3)).is_err());
        assert_eq!(limits.tracked(), 2, "the table never grows past its bound");
        // Tracked clients keep their own buckets meanwhile.
        assert_eq!(limits.check(client(1)), Ok(()));
        // Once the tracked clients' buckets are full again, they are forgotten.
        clock.advance(Duration::from_secs(5));
        limits.forget_quiet();
        assert_eq!(limits.tracked(), 0);
        assert_eq!(limits.check(client(3)), Ok(()));
        assert_eq!(limits.tracked(), 1);
    }
}
