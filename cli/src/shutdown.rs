//! When a service command stops: on SIGINT (Ctrl-C) or SIGTERM (systemd, a container
//! runtime). The server loop then finishes the requests in flight for at most its shutdown
//! grace and drops the rest.

use std::time::Duration;

/// How long a stopping command waits, after the server loop's grace, for work left on the
/// blocking pool (a store write) before the process exits.
pub const STOP_LEEWAY: Duration = Duration::from_millis(500);

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutdown signal: finishing requests in flight");
}
