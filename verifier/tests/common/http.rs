//! The service over loopback, for the tests that speak HTTP to it.

use std::path::Path;
use std::sync::Arc;

use myna_verifier::register_token::RegisterToken;
use myna_verifier::roster::RedbHq;
use myna_verifier::service::{self, EdgeConfig, RosterService, ServiceState};

/// The bearer token of the roster routes in [`roster_service`].
pub const ROSTER_TOKEN: &str = "roster-token-0123456789abcdefghijklmnop";

/// Serves `state` on a loopback port behind `config`: the base URL, and the sender that stops
/// the service (it stops when the sender is dropped too).
pub async fn serve(
    state: Arc<ServiceState>,
    config: EdgeConfig,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(service::serve(listener, state, config, async {
        let _ = stopped.await;
    }));
    (base, stop)
}

/// A roster kept in `dir`, behind [`ROSTER_TOKEN`].
pub fn roster_service(dir: &Path) -> RosterService {
    RosterService {
        hq: RedbHq::open(&dir.join("roster.redb")).unwrap(),
        token: RegisterToken::new(ROSTER_TOKEN).unwrap(),
        registry: None,
    }
}

/// The value of the header `name` of `response`, if it has one.
pub fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or("<not text>"))
}

/// The status line a raw HTTP/1.1 request `head` (no body) gets from `address`.
pub fn status_line_of(address: &str, head: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = [0u8; 256];
    let read = stream.read(&mut answer).unwrap();
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}
