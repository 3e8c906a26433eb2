//! `myna issuer serve` stops on SIGTERM within its shutdown grace whatever its clients do (a
//! half-sent head, a stalled upload, an idle kept-alive connection), and its log, piped, has
//! no colour codes and names the client and the request id on a request's line.
#![cfg(test)]

mod support;

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use support::issuer::{Issuer, PASSPHRASE};
use support::{first_log_line, Myna};

/// The head of an answer read from `stream` (up to the blank line).
fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

#[test]
fn sigterm_stops_the_issuer_within_its_grace_while_clients_hang() {
    let issuer = Issuer::init(tempfile::tempdir().unwrap(), &[]);
    let mut server = Myna::new()
        .args(["issuer", "serve", "--shutdown-grace", "1", "--data-dir"])
        .arg(&issuer.data)
        .env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE)
        .env_remove("MYNA_LOG_JSON")
        .spawn();
    let (first, logs) = first_log_line(&mut server);
    assert!(first.contains("issuer service listening"), "{first}");
    let reader = std::thread::spawn(move || logs.lines().map_while(Result::ok).collect::<Vec<_>>());
    let addr = issuer.url.trim_start_matches("http://").to_owned();

    let mut idle = TcpStream::connect(&addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    idle.write_all(b"GET /.well-known/did.json HTTP/1.1\r\nhost: city\r\n\r\n")
        .unwrap();
    let head = read_head(&mut idle);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let request_id = head
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .expect("x-request-id")
        .trim()
        .to_owned();

    let mut half_head = TcpStream::connect(&addr).unwrap();
    half_head
        .write_all(b"GET /trust-list HTTP/1.1\r\n")
        .unwrap();
    let mut stalled_upload = TcpStream::connect(&addr).unwrap();
    stalled_upload
        .write_all(
            b"POST /consents HTTP/1.1\r\nhost: city\r\ncontent-type: application/json\r\n\
              content-length: 50000\r\n\r\n{\"record\": \"",
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let asked = Instant::now();
    let term = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = server.wait().unwrap();
    let took = asked.elapsed();
    assert!(status.success(), "{status:?}");
    // The grace is 1 s; the contract is grace + 1 s, and a loaded test machine gets more.
    assert!(took < Duration::from_secs(10), "SIGTERM took {took:?}");

    let lines = reader.join().unwrap();
    let all = lines.join("\n");
    assert!(
        !all.contains('\u{1b}'),
        "no colour codes in a piped log: {all}"
    );
    let request_line = lines
        .iter()
        .find(|l| l.contains(&request_id))
        .unwrap_or_else(|| panic!("a line names request {request_id}: {all}"));
    assert!(request_line.contains("client=127.0.0.1:"), "{request_line}");
    assert!(request_line.contains("status=200"), "{request_line}");
}
