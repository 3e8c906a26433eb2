//! Admitting connections: at most `max_connections` open in all and
//! `max_connections_per_client` per client. A refused connection gets one short 503 JSON
//! answer if its socket takes it at once, and is closed; the refusal is logged, at most once
//! per period per kind.
//!
//! The count of a client lives exactly as long as its connections: the table never holds a
//! client without an open connection, so it is bounded by `max_connections`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::net::TcpStream;

use crate::client::ClientKey;
use crate::error::Refusal;
use crate::log_throttle::{LogThrottle, Noise};
use crate::request_id::RequestId;

/// Which cap refused a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cap {
    /// `max_connections`: the service is full.
    Global,
    /// `max_connections_per_client`: this client holds its share.
    PerClient,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_client: HashMap<ClientKey, usize>,
}

/// The open connections, counted in all and per client.
#[derive(Debug)]
pub(crate) struct ConnectionLimits {
    max_total: usize,
    max_per_client: usize,
    counts: Mutex<Counts>,
}

impl ConnectionLimits {
    pub(crate) fn new(max_total: usize, max_per_client: usize) -> Arc<Self> {
        Arc::new(ConnectionLimits {
            max_total,
            max_per_client,
            counts: Mutex::new(Counts::default()),
        })
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a new connection of `client`, or says which cap refuses it.
    pub(crate) fn admit(self: &Arc<Self>, client: ClientKey) -> Result<Admission, Cap> {
        let mut counts = self.counts();
        let mine = counts.per_client.get(&client).copied().unwrap_or(0);
        if mine >= self.max_per_client {
            return Err(Cap::PerClient);
        }
        if counts.total >= self.max_total {
            return Err(Cap::Global);
        }
        counts.total += 1;
        counts.per_client.insert(client, mine + 1);
        Ok(Admission {
            limits: Arc::clone(self),
            client,
        })
    }

    /// Open connections in all.
    pub(crate) fn open(&self) -> usize {
        self.counts().total
    }

    fn release(&self, client: ClientKey) {
        let mut counts = self.counts();
        counts.total = counts.total.saturating_sub(1);
        if let Some(mine) = counts.per_client.get_mut(&client) {
            *mine = mine.saturating_sub(1);
            if *mine == 0 {
                counts.per_client.remove(&client);
            }
        }
    }
}

/// One admitted connection; dropping it gives its place back.
#[derive(Debug)]
pub(crate) struct Admission {
    limits: Arc<ConnectionLimits>,
    client: ClientKey,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.limits.release(self.client);
    }
}

/// Refuses a connection: one 503 JSON answer if the socket takes it without waiting (a
/// refused client must not hold anything, not even a write), then closed.
pub(crate) fn refuse(
    stream: TcpStream,
    peer: SocketAddr,
    cap: Cap,
    id: RequestId,
    throttle: &LogThrottle,
) {
    let _ = stream.try_write(&Refusal::TooManyConnections.raw_http1(id));
    drop(stream);
    let noise = match cap {
        Cap::Global => Noise::ConnectionCap,
        Cap::PerClient => Noise::ClientConnectionCap,
    };
    if let Some(suppressed) = throttle.admit(noise, Instant::now()) {
        tracing::warn!(
            client = %peer,
            request_id = %id,
            cap = match cap {
                Cap::Global => "max_connections",
                Cap::PerClient => "max_connections_per_client",
            },
            suppressed,
            "connection refused"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(last: u8) -> ClientKey {
        ClientKey::of(std::net::IpAddr::from([192, 0, 2, last]))
    }

    #[test]
    fn a_client_is_held_to_its_share_and_everyone_to_the_total() {
        let limits = ConnectionLimits::new(3, 2);
        let a1 = limits.admit(client(1)).unwrap();
        let _a2 = limits.admit(client(1)).unwrap();
        assert_eq!(limits.admit(client(1)).unwrap_err(), Cap::PerClient);
        let _b1 = limits.admit(client(2)).unwrap();
        assert_eq!(limits.admit(client(3)).unwrap_err(), Cap::Global);
        drop(a1);
        assert_eq!(limits.open(), 2);
        let _c1 = limits.admit(client(3)).unwrap();
    }

    #[test]
    fn the_table_forgets_a_client_with_no_connection() {
        let limits = ConnectionLimits::new(10, 10);
        for last in 0..5 {
            drop(limits.admit(client(last)).unwrap());
        }
        assert!(limits.counts().per_client.is_empty());
        assert_eq!(limits.open(), 0);
    }
}
