//! One admitted connection, served by hyper's HTTP/1 server connection until it ends: the
//! client closes it, hyper refuses what it read (a parse failure, logged at most once per
//! period), its [`Activity`] passes a deadline (header or idle timeout, a stalled answer),
//! or the server stops (hyper finishes the request in flight and closes; the shutdown drops
//! whatever is left after the grace).
//!
//! hyper's head limits are set above the configured ones (see
//! [`header_limits`](crate::header_limits)); its header read timeout is off, the edge keeps
//! that time itself (see [`activity`](crate::activity)).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use crate::accept::Admission;
use crate::activity::{Activity, Expiry, Timeouts, Watched};
use crate::config::EdgeConfig;
use crate::exchange::{exchange, Shared};
use crate::header_limits;
use crate::log_throttle::Noise;

/// hyper's smallest accepted read buffer.
const MIN_BUF_SIZE: usize = 8192;

/// Room in the read buffer past a maximal head (the start of a body, a pipelined request).
const BUF_ROOM: usize = 16 << 10;

/// How often a connection's deadlines are looked at: a quarter of the shorter timeout,
/// between 50 ms and 1 s.
fn check_period(config: &EdgeConfig) -> Duration {
    let shorter = config.header_read_timeout().min(config.idle_timeout());
    (shorter / 4).clamp(Duration::from_millis(50), Duration::from_secs(1))
}

fn builder(config: &EdgeConfig) -> http1::Builder {
    let (head_bytes, fields) =
        header_limits::hyper_limits(config.max_header_bytes, config.max_headers);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .keep_alive(true)
        .max_headers(fields)
        .max_header_size(head_bytes)
        .max_buf_size(head_bytes.saturating_add(BUF_ROOM).max(MIN_BUF_SIZE));
    builder
}

/// Serves `stream` until it ends; `admission` (its place under the caps) is given back then.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    stream: TcpStream,
    peer: SocketAddr,
    admission: Admission,
    mut stop: watch::Receiver<bool>,
) {
    let config = &shared.config;
    let activity = Activity::new(Timeouts {
        header: config.header_read_timeout(),
        idle: config.idle_timeout(),
    });
    let io = TokioIo::new(Watched::new(stream, Arc::clone(&activity)));
    let service = {
        let shared = Arc::clone(&shared);
        let activity = Arc::clone(&activity);
        service_fn(move |request| {
            exchange(Arc::clone(&shared), peer, Arc::clone(&activity), request)
        })
    };
    let connection = builder(config).serve_connection(io, service);
    tokio::pin!(connection);
    let mut ticks = tokio::time::interval(check_period(config));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut stopping = *stop.borrow();
    if stopping {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    ended_with(&shared, &error);
                }
                break;
            }
            _ = stop.changed(), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
            _ = ticks.tick() => {
                if let Some(expiry) = activity.expiry() {
                    closed_for(&shared, expiry);
                    break;
                }
            }
        }
    }
    drop(admission);
}

fn ended_with(shared: &Shared, error: &hyper::Error) {
    if error.is_parse() || error.is_parse_too_large() || error.is_timeout() {
        shared.note(Noise::ParseFailure, "a request could not be read as HTTP/1");
    } else {
        tracing::debug!(%error, "connection ended");
    }
}

fn closed_for(shared: &Shared, expiry: Expiry) {
    match expiry {
        Expiry::HeaderTimeout => shared.note(
            Noise::ConnectionTimeout,
            "connection closed: no complete request head within the header timeout",
        ),
        Expiry::IdleTimeout => tracing::debug!("connection closed: idle"),
        Expiry::Stalled => shared.note(
            Noise::ConnectionTimeout,
            "connection closed: the client stopped reading its answer",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_checked_often_enough_for_short_timeouts() {
        let short = EdgeConfig {
            header_read_timeout_secs: 1,
            ..EdgeConfig::default()
        };
        assert_eq!(check_period(&short), Duration::from_millis(250));
        assert_eq!(check_period(&EdgeConfig::default()), Duration::from_secs(1));
    }
}
