//! A bounded graceful shutdown: once the server's shutdown future completes the listener is
//! closed, every connection is told to finish its request in flight and close (idle ones
//! close at once), and after the grace whatever is still open — a slow client, a stuck
//! upload, a handler that does not end — is dropped. A shutdown therefore never takes much
//! longer than the grace, whatever the clients do.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

/// Tells every connection to stop, waits up to `grace` for them, then drops the rest.
/// Answers how many were dropped.
pub(crate) async fn drain(
    mut connections: JoinSet<()>,
    stop: &watch::Sender<bool>,
    grace: Duration,
) -> usize {
    stop.send_replace(true);
    let open = connections.len();
    let all_closed = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, all_closed).await.is_ok() {
        tracing::info!(connections = open, "every connection closed");
        return 0;
    }
    let dropped = connections.len();
    connections.shutdown().await;
    tracing::warn!(
        dropped,
        grace_secs = grace.as_secs(),
        "shutdown grace over: the connections still open were dropped"
    );
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_that_do_not_stop_are_dropped_after_the_grace() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let (stop, _) = watch::channel(false);
            let mut connections = JoinSet::new();
            // One that stops when told, one that never does.
            let mut told = stop.subscribe();
            connections.spawn(async move {
                let _ = told.changed().await;
            });
            connections.spawn(std::future::pending());
            assert_eq!(drain(connections, &stop, Duration::from_secs(5)).await, 1);
        });
    }

    #[test]
    fn connections_that_stop_are_waited_for() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let (stop, _) = watch::channel(false);
            let mut connections = JoinSet::new();
            for _ in 0..3 {
                let mut told = stop.subscribe();
                connections.spawn(async move {
                    let _ = told.changed().await;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                });
            }
            assert_eq!(drain(connections, &stop, Duration::from_secs(5)).await, 0);
        });
    }
}
