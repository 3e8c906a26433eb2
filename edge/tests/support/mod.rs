//! A test server on loopback and a raw HTTP/1.1 client that can speak as distinct clients
//! (source addresses 127.0.0.2, 127.0.0.3, … — the whole 127/8 is loopback).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use myna_edge::EdgeConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Client A and client B.
pub const A: [u8; 4] = [127, 0, 0, 2];
pub const B: [u8; 4] = [127, 0, 0, 3];

/// The longest any test waits for something that must happen.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A running edge server.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Serves `app` under `config` on 127.0.0.1.
    pub async fn start(app: Router, config: EdgeConfig) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(myna_edge::serve(listener, app, config, async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            stop: Some(stop),
            task,
        }
    }

    /// Completes the server's shutdown future.
    pub fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Small timeouts, so tests are quick.
pub fn quick() -> EdgeConfig {
    EdgeConfig {
        header_read_timeout_secs: 1,
        body_read_timeout_secs: 1,
        idle_timeout_secs: 2,
        request_timeout_secs: 5,
        shutdown_grace_secs: 1,
        ..EdgeConfig::default()
    }
}

/// A connection from `source` to `addr`.
pub async fn connect_from(source: [u8; 4], addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((source, 0))).unwrap();
    socket.connect(addr).await.unwrap()
}

/// An answer as read from the wire.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the answer is the JSON error shape with `status` and `code`.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(
            self.headers.get("content-type").map(String::as_str),
            Some("application/json"),
            "{self:?}"
        );
        let json = self.json();
        assert_eq!(json["error"], code, "{json}");
        assert!(json["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()));
    }
}

/// Reads one answer (heads with `content-length` only: every answer here has one).
pub async fn read_answer(stream: &mut TcpStream) -> Option<Answer> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match tokio::time::timeout(PATIENCE, stream.read(&mut byte)).await {
            Ok(Ok(1)) => buf.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8(buf).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = vec![0u8; length];
    tokio::time::timeout(PATIENCE, stream.read_exact(&mut body))
        .await
        .ok()?
        .ok()?;
    Some(Answer {
        status,
        headers,
        body,
    })
}

/// Sends `request` (raw bytes) and reads its answer.
pub async fn exchange(stream: &mut TcpStream, request: &[u8]) -> Answer {
    stream.write_all(request).await.unwrap();
    read_answer(stream).await.expect("an answer")
}

/// `GET path` with keep-alive.
pub fn get_request(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nhost: test\r\n\r\n").into_bytes()
}

/// A POST head declaring `length` body bytes.
pub fn post_head(path: &str, length: usize) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nhost: test\r\ncontent-type: application/octet-stream\r\n\
         content-length: {length}\r\n\r\n"
    )
    .into_bytes()
}

/// One request on a new connection from `source`.
pub async fn one_request(source: [u8; 4], addr: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = connect_from(source, addr).await;
    exchange(&mut stream, request).await
}

/// Whether the server closes `stream` (EOF or reset) within [`PATIENCE`], reading and
/// dropping whatever it sends before.
pub async fn is_closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    let closed = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(PATIENCE, closed).await.is_ok()
}
