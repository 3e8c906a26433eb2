//! The server loop: accept, admit under the connection caps (or refuse), serve each admitted
//! connection on its own task, forget quiet clients' rate buckets now and then, and on
//! shutdown stop within the grace.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::accept::{self, ConnectionLimits};
use crate::client::ClientKey;
use crate::config::EdgeConfig;
use crate::exchange::Shared;
use crate::log_throttle::Noise;
use crate::rate::FORGET_INTERVAL;
use crate::{connection, open_files, shutdown};

/// How long the loop pauses after a failed accept (out of file descriptors, most often):
/// retrying at once would spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// File descriptors kept for other uses than connections (the store, logs, the listener).
const SPARE_FILES: u64 = 64;

/// Serves `app` on `listener` under `config` until `shutdown` completes, then stops within
/// `config.shutdown_grace_secs` (see the [crate docs](crate)).
///
/// Fails at once with [`io::ErrorKind::InvalidInput`] for a configuration that
/// [`EdgeConfig::check`] refuses.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: EdgeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    config
        .check()
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
    raise_open_files(&config);
    let limits = ConnectionLimits::new(config.max_connections, config.max_connections_per_client);
    let grace = config.shutdown_grace();
    let shared = Arc::new(Shared::new(app, config));
    let (stop, _) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut forget = tokio::time::interval(FORGET_INTERVAL);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => match limits.admit(ClientKey::of(peer.ip())) {
                    Ok(admission) => {
                        let _ = stream.set_nodelay(true);
                        let span = tracing::info_span!("connection", client = %peer);
                        let serving = connection::serve(
                            Arc::clone(&shared),
                            stream,
                            peer,
                            admission,
                            stop.subscribe(),
                        );
                        connections.spawn(serving.instrument(span));
                    }
                    Err(cap) => accept::refuse(stream, peer, cap, shared.ids.next(), &shared.throttle),
                },
                Err(error) => {
                    if let Some(suppressed) = shared.throttle.admit(Noise::AcceptFailed, Instant::now()) {
                        tracing::warn!(%error, suppressed, open = limits.open(), "accepting a connection failed");
                    }
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = forget.tick() => {
                shared.rate.forget_quiet();
                tracing::debug!(tracked_clients = shared.rate.tracked(), "quiet clients forgotten");
            }
        }
    }
    drop(listener);
    tracing::info!(
        open = limits.open(),
        grace_secs = grace.as_secs(),
        "shutting down: finishing requests in flight"
    );
    shutdown::drain(connections, &stop, grace).await;
    Ok(())
}

fn raise_open_files(config: &EdgeConfig) {
    let Some(limit) = open_files::raise_limit() else {
        return;
    };
    let wanted = u64::try_from(config.max_connections)
        .unwrap_or(u64::MAX)
        .saturating_add(SPARE_FILES);
    if limit < wanted {
        tracing::warn!(
            open_files = limit,
            max_connections = config.max_connections,
            "the open-file limit is below max_connections: connections past it fail to be \
             accepted (raise the hard limit, e.g. LimitNOFILE= in a systemd unit)"
        );
    } else {
        tracing::info!(
            open_files = limit,
            "open-file limit raised to the hard limit"
        );
    }
}
