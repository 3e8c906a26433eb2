//! What the edge enforces: one [`EdgeConfig`], the same for both services. Its `Default` is
//! the product's defaults; it deserializes with every field optional, so it can sit in a
//! service's TOML file as an `[edge]` table.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The limits and timeouts of the server loop ([`serve`](crate::serve)).
///
/// A *client* is the peer's IP address (an IPv6 peer: its /64), see
/// [`ClientKey`](crate::ClientKey).
///
/// ```
/// use myna_edge::EdgeConfig;
/// let defaults = EdgeConfig::default();
/// assert_eq!(defaults.max_connections_per_client, 64);
/// assert_eq!(defaults.max_buffered_bytes, 128 << 20);
/// assert!(defaults.check().is_ok());
///
/// // In a TOML file every key is optional.
/// let config: EdgeConfig = toml::from_str("requests_per_second_per_client = 200")?;
/// assert_eq!(config.requests_per_second_per_client, 200);
/// assert_eq!(config.burst_per_client, defaults.burst_per_client);
/// # Ok::<(), toml::de::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EdgeConfig {
    /// Open connections in all; past it a new connection is refused (503 and closed).
    pub max_connections: usize,
    /// Open connections of one client; past it that client's new connection is refused.
    pub max_connections_per_client: usize,
    /// Seconds a new connection has to send its first request head, and a request head has
    /// from its first byte to its end; then the connection is closed.
    pub header_read_timeout_secs: u64,
    /// Seconds a request body may go without a byte while it is being read; then 408.
    pub body_read_timeout_secs: u64,
    /// Seconds a kept-alive connection may wait for its next request (or a stalled response
    /// may go without a byte written); then it is closed.
    pub idle_timeout_secs: u64,
    /// Seconds a request may take from its head to its answer (reading its body included);
    /// then 503.
    pub request_timeout_secs: u64,
    /// Seconds a shutdown waits for requests in flight; then every connection is dropped.
    pub shutdown_grace_secs: u64,
    /// Requests per second one client may make, on average.
    pub requests_per_second_per_client: u32,
    /// Requests one client may make at once after a quiet spell (the bucket's size).
    pub burst_per_client: u32,
    /// Requests per second of all clients together.
    pub requests_per_second: u32,
    /// Clients whose request rate is tracked one by one; clients past it (seen while the
    /// table is full) share one bucket until quiet clients are forgotten.
    pub max_tracked_clients: usize,
    /// Bytes of request bodies held in memory at once, all requests together; a body that
    /// does not fit is answered 503 `busy`.
    pub max_buffered_bytes: usize,
    /// Bytes of a request head (request line and headers); past it 431.
    pub max_header_bytes: usize,
    /// Header fields of a request; past it 431.
    pub max_headers: usize,
}

impl Default for EdgeConfig {
    fn default() -> Self {
        EdgeConfig {
            max_connections: 1024,
            max_connections_per_client: 64,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 20,
            idle_timeout_secs: 60,
            request_timeout_secs: 30,
            shutdown_grace_secs: 5,
            requests_per_second_per_client: 20,
            burst_per_client: 100,
            requests_per_second: 2000,
            max_tracked_clients: 65_536,
            max_buffered_bytes: 128 << 20,
            max_header_bytes: 16_384,
            max_headers: 64,
        }
    }
}

/// The longest timeout accepted: one day (longer is a configuration mistake, and keeps every
/// deadline far from `Instant` overflow).
pub const MAX_TIMEOUT_SECS: u64 = 86_400;

/// The largest head limit accepted (1 MiB): hyper's own limit is set above ours.
pub const MAX_HEADER_BYTES: usize = 1 << 20;

/// The most header fields a limit may allow.
pub const MAX_HEADERS: usize = 1024;

/// The largest body budget accepted (1 TiB; a tokio semaphore holds at most `usize::MAX >> 3`
/// permits).
pub const MAX_BUFFERED_BYTES: usize = 1 << 40;

/// A refused [`EdgeConfig`] value: which field and why.
///
/// ```
/// use myna_edge::EdgeConfig;
/// let config = EdgeConfig { max_connections: 0, ..EdgeConfig::default() };
/// let err = config.check().unwrap_err();
/// assert_eq!(err.field, "max_connections");
/// assert!(err.to_string().contains("at least 1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("edge.{field}: {why}")]
pub struct ConfigError {
    /// The field's name.
    pub field: &'static str,
    /// What the field must be.
    pub why: &'static str,
}

fn within<T: PartialOrd>(
    field: &'static str,
    value: T,
    low: T,
    high: T,
    why: &'static str,
) -> Result<(), ConfigError> {
    if value < low || value > high {
        return Err(ConfigError { field, why });
    }
    Ok(())
}

impl EdgeConfig {
    /// Checks every value: counts and rates at least 1, timeouts from 1 s to a day (the
    /// grace may be 0), head limits big enough for ordinary requests.
    pub fn check(&self) -> Result<(), ConfigError> {
        let count = "at least 1";
        within(
            "max_connections",
            self.max_connections,
            1,
            usize::MAX,
            count,
        )?;
        within(
            "max_connections_per_client",
            self.max_connections_per_client,
            1,
            usize::MAX,
            count,
        )?;
        let timeout = "from 1 to 86400 seconds";
        let timeouts = [
            ("header_read_timeout_secs", self.header_read_timeout_secs),
            ("body_read_timeout_secs", self.body_read_timeout_secs),
            ("idle_timeout_secs", self.idle_timeout_secs),
            ("request_timeout_secs", self.request_timeout_secs),
        ];
        for (field, secs) in timeouts {
            within(field, secs, 1, MAX_TIMEOUT_SECS, timeout)?;
        }
        within(
            "shutdown_grace_secs",
            self.shutdown_grace_secs,
            0,
            MAX_TIMEOUT_SECS,
            "at most 86400 seconds",
        )?;
        let rates = [
            (
                "requests_per_second_per_client",
                self.requests_per_second_per_client,
            ),
            ("burst_per_client", self.burst_per_client),
            ("requests_per_second", self.requests_per_second),
        ];
        for (field, rate) in rates {
            within(field, rate, 1, u32::MAX, count)?;
        }
        within(
            "max_tracked_clients",
            self.max_tracked_clients,
            1,
            usize::MAX,
            count,
        )?;
        within(
            "max_buffered_bytes",
            self.max_buffered_bytes,
            65_536,
            MAX_BUFFERED_BYTES,
            "from 65536 bytes to 1 TiB",
        )?;
        within(
            "max_header_bytes",
            self.max_header_bytes,
            1024,
            MAX_HEADER_BYTES,
            "from 1024 bytes to 1 MiB",
        )?;
        within(
            "max_headers",
            self.max_headers,
            8,
            MAX_HEADERS,
            "from 8 to 1024",
        )?;
        Ok(())
    }

    /// [`header_read_timeout_secs`](Self::header_read_timeout_secs) as a duration.
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs)
    }

    /// [`body_read_timeout_secs`](Self::body_read_timeout_secs) as a duration.
    pub fn body_read_timeout(&self) -> Duration {
        Duration::from_secs(self.body_read_timeout_secs)
    }

    /// [`idle_timeout_secs`](Self::idle_timeout_secs) as a duration.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }

    /// [`request_timeout_secs`](Self::request_timeout_secs) as a duration.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// [`shutdown_grace_secs`](Self::shutdown_grace_secs) as a duration.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_checked_range() {
        let base = EdgeConfig::default();
        let bad = [
            EdgeConfig {
                max_connections_per_client: 0,
                ..base.clone()
            },
            EdgeConfig {
                header_read_timeout_secs: 0,
                ..base.clone()
            },
            EdgeConfig {
                idle_timeout_secs: MAX_TIMEOUT_SECS + 1,
                ..base.clone()
            },
            EdgeConfig {
                requests_per_second: 0,
                ..base.clone()
            },
            EdgeConfig {
                max_buffered_bytes: 1,
                ..base.clone()
            },
            EdgeConfig {
                max_header_bytes: 10,
                ..base.clone()
            },
            EdgeConfig {
                max_headers: MAX_HEADERS + 1,
                ..base.clone()
            },
        ];
        for config in bad {
            assert!(config.check().is_err(), "{config:?}");
        }
        let no_grace = EdgeConfig {
            shutdown_grace_secs: 0,
            ..base
        };
        assert_eq!(no_grace.check(), Ok(()));
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<EdgeConfig>("max_conections = 5").is_err());
    }
}
