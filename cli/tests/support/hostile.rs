//! The attackers of the hostile-client suite, each bounded in count and time: big uploads
//! with a wrong admin token, slow sockets that never finish their request line, and floods of
//! one route from many tasks. They come from [`ATTACKER_ADDR`] (and [`OTHER_ATTACKER_ADDR`]),
//! never from the legitimate client's address, and count what the service answered
//! ([`Tally`]).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// The attacker's loopback address.
pub const ATTACKER_ADDR: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
/// A second attacker address (the slow sockets come from both).
pub const OTHER_ATTACKER_ADDR: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));
/// How long one attacker request may take before the attacker gives up on it.
const ATTACKER_PATIENCE: Duration = Duration::from_secs(5);

/// Raises this process's soft limit of open files to at least `want` (within the hard
/// limit): the slow-socket attack holds more sockets than the usual default of 1,024.
/// Answers the soft limit now in force.
pub fn raise_open_files(want: u64) -> u64 {
    rlimit::increase_nofile_limit(want).unwrap()
}

/// What the attacker sent and what came back.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Requests (or connections) attempted.
    pub sent: u64,
    /// Answers by HTTP status.
    pub statuses: BTreeMap<u16, u64>,
    /// Attempts that got no HTTP answer (refused, reset, timed out).
    pub unanswered: u64,
}

impl Tally {
    fn record(&mut self, status: Option<u16>) {
        self.sent += 1;
        match status {
            Some(status) => *self.statuses.entry(status).or_default() += 1,
            None => self.unanswered += 1,
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.sent += other.sent;
        self.unanswered += other.unanswered;
        for (status, count) in &other.statuses {
            *self.statuses.entry(*status).or_default() += count;
        }
    }

    /// Answers with a 2xx status: what the service did for the attacker.
    pub fn accepted(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(status, _)| (200..300).contains(*status))
            .map(|(_, count)| count)
            .sum()
    }

    /// Attempts refused: a 4xx/5xx answer, or none at all.
    pub fn refused(&self) -> u64 {
        self.sent - self.accepted()
    }

    /// `sent 1200: 201×100 429×1100 unanswered 0`.
    pub fn summary(&self) -> String {
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, count)| format!("{status}×{count}"))
            .collect();
        format!(
            "sent {}: {} unanswered {}",
            self.sent,
            statuses.join(" "),
            self.unanswered
        )
    }
}

/// Floods with requests from [`ATTACKER_ADDR`]: `tasks` tasks, each sending `next(client)`'s
/// request and, on its answer, the next, until `duration` has passed.
pub async fn flood<F>(duration: Duration, tasks: usize, next: F) -> Tally
where
    F: Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let client = reqwest::Client::builder()
        .local_address(ATTACKER_ADDR)
        .timeout(ATTACKER_PATIENCE)
        .pool_max_idle_per_host(tasks)
        .build()
        .unwrap();
    let next = Arc::new(next);
    let deadline = Instant::now() + duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let (client, next) = (client.clone(), next.clone());
        workers.spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let status = match next(&client).send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        // Read the body so the connection can be reused.
                        let _ = response.bytes().await;
                        Some(status)
                    }
                    Err(_) => None,
                };
                tally.record(status);
            }
            tally
        });
    }
    let mut total = Tally::default();
    while let Some(tally) = workers.join_next().await {
        total.merge(&tally.unwrap());
    }
    total
}

/// Request bodies sent in turn, round and round: each is new until all have been sent once
/// (a flood of distinct records that outlasts its pool when the service refuses quickly).
pub struct Rotation<T> {
    items: Vec<T>,
    next: AtomicUsize,
}

impl<T: Clone> Rotation<T> {
    /// The rotation of `items` (at least one).
    pub fn new(items: Vec<T>) -> Self {
        assert!(!items.is_empty());
        Rotation {
            items,
            next: AtomicUsize::new(0),
        }
    }

    /// The next item.
    pub fn take(&self) -> T {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        self.items[i % self.items.len()].clone()
    }
}

/// Opens a TCP connection from `source` to `addr`.
async fn connect_from(source: IpAddr, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    socket.connect(addr).await
}

/// The HTTP status of the answer starting in `head`, if it is one.
fn status_of(head: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(head.get(..12)?).ok()?;
    text.strip_prefix("HTTP/1.1 ")?.parse().ok()
}

/// What became of one upload.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The answer's status; `None` when the connection ended without one.
    pub status: Option<u16>,
    /// Body bytes the attacker managed to write.
    pub body_sent: u64,
    /// From connecting to the answer (or to giving up).
    pub took: Duration,
}

/// One streamed upload of `size` bytes to `path` from `source`, with `headers` (each
/// `Name: value`): it stops writing once an answer arrives, the service stops reading for
/// 10 s, or `abort` is raised.
pub async fn upload(
    addr: SocketAddr,
    source: IpAddr,
    path: &str,
    headers: &[&str],
    size: u64,
    abort: Arc<AtomicBool>,
) -> Upload {
    let start = Instant::now();
    let Ok(stream) = connect_from(source, addr).await else {
        return Upload {
            status: None,
            body_sent: 0,
            took: start.elapsed(),
        };
    };
    let (mut read, mut write) = stream.into_split();
    let answered = Arc::new(AtomicBool::new(false));
    let reader = {
        let answered = answered.clone();
        tokio::spawn(async move {
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while head.len() < 64 * 1024 {
                match read.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
                if head.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            answered.store(true, Ordering::Relaxed);
            status_of(&head)
        })
    };
    let mut request = format!("POST {path} HTTP/1.1\r\nHost: localhost\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request.push_str(&format!("Content-Length: {size}\r\n\r\n"));
    let chunk = vec![0x30u8; 64 * 1024];
    let mut body_sent = 0u64;
    if write.write_all(request.as_bytes()).await.is_ok() {
        while body_sent < size
            && !answered.load(Ordering::Relaxed)
            && !abort.load(Ordering::Relaxed)
        {
            let n = chunk.len().min((size - body_sent) as usize);
            let written =
                tokio::time::timeout(Duration::from_secs(10), write.write_all(&chunk[..n])).await;
            if !matches!(written, Ok(Ok(()))) {
                break;
            }
            body_sent += n as u64;
        }
    }
    let status = if abort.load(Ordering::Relaxed) && !answered.load(Ordering::Relaxed) {
        reader.abort();
        None
    } else {
        tokio::time::timeout(Duration::from_secs(10), reader)
            .await
            .ok()
            .and_then(Result::ok)
            .flatten()
    };
    Upload {
        status,
        body_sent,
        took: start.elapsed(),
    }
}

/// Sockets that sent the start of a request line and then nothing.
pub struct SlowSockets {
    streams: Vec<TcpStream>,
    /// Connections attempted.
    pub attempted: usize,
    /// Connections that could not even be opened (or written to).
    pub failed: usize,
}

/// The start of a request line, never finished.
const PARTIAL_REQUEST: &[u8] = b"GET /.well-known/openid-credential-issuer HTT";

/// Connections opened at once, and the pause between such waves: an attacker holding
/// sockets needs no burst, and a burst past the listen backlog (1,024) would measure the
/// kernel's SYN retry (1 s) for the legitimate client instead of the service.
const WAVE: usize = 100;
const WAVE_PAUSE: Duration = Duration::from_millis(25);

/// Opens `count` connections to `addr` in waves of [`WAVE`], taking turns among `sources`,
/// each sending [`PARTIAL_REQUEST`] and nothing more.
pub async fn open_slow_sockets(addr: SocketAddr, count: usize, sources: &[IpAddr]) -> SlowSockets {
    let mut opening = tokio::task::JoinSet::new();
    for i in 0..count {
        if i > 0 && i % WAVE == 0 {
            tokio::time::sleep(WAVE_PAUSE).await;
        }
        let source = sources[i % sources.len()];
        opening.spawn(async move {
            let connect = tokio::time::timeout(Duration::from_secs(3), connect_from(source, addr));
            let mut stream = connect.await.ok()?.ok()?;
            stream.write_all(PARTIAL_REQUEST).await.ok()?;
            Some(stream)
        });
    }
    let mut streams = Vec::with_capacity(count);
    let mut failed = 0;
    while let Some(opened) = opening.join_next().await {
        match opened.unwrap() {
            Some(stream) => streams.push(stream),
            None => failed += 1,
        }
    }
    SlowSockets {
        streams,
        attempted: count,
        failed,
    }
}

impl SlowSockets {
    /// How many of the opened sockets the service has let go (closed, reset or answered,
    /// e.g. with 408 or 503); the others it still holds.
    pub fn let_go(&self) -> usize {
        let mut buf = [0u8; 512];
        self.streams
            .iter()
            .filter(|stream| !matches!(stream.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock))
            .count()
    }

    /// Sockets opened.
    pub fn opened(&self) -> usize {
        self.streams.len()
    }
}
