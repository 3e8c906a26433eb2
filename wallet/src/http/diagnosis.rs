//! Why a request failed, read from the HTTP stack's error chain: the cause a user can act on
//! ([`TransportCause`]) rather than "error sending request".

use std::error::Error as StdError;
use std::time::Duration;

use rustls::CertificateError;

use crate::error::TransportCause;

/// The cause of `error`, a failure to send a request or read its answer.
pub(super) fn cause(error: &reqwest::Error, timeout: Duration) -> TransportCause {
    if error.is_timeout() {
        return timed_out(timeout);
    }
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = next {
        if let Some(found) = cause_of_one(current, error, timeout) {
            return found;
        }
        next = current.source();
    }
    TransportCause::Unreachable {
        detail: chain(error),
    }
}

/// The cause of an I/O error while reading an answer (the body's stream wraps the HTTP
/// library's error in an `io::Error`).
pub(super) fn io_cause(error: &std::io::Error, timeout: Duration) -> TransportCause {
    if let Some(http) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
    {
        return cause(http, timeout);
    }
    inside_io(error, timeout).unwrap_or_else(|| TransportCause::Unreachable {
        detail: chain(error),
    })
}

/// What one link of the chain says, if it says something specific.
fn cause_of_one(
    link: &(dyn StdError + 'static),
    request: &reqwest::Error,
    timeout: Duration,
) -> Option<TransportCause> {
    if let Some(tls) = link.downcast_ref::<rustls::Error>() {
        return Some(tls_cause(tls));
    }
    if let Some(io) = link.downcast_ref::<std::io::Error>() {
        if let Some(found) = inside_io(io, timeout) {
            return Some(found);
        }
    }
    // hyper-util names a failed name resolution "dns error" (its error type is private).
    if link.to_string().starts_with("dns error") {
        let host = request
            .url()
            .and_then(|url| url.host_str())
            .unwrap_or("?")
            .to_owned();
        return Some(TransportCause::Dns { host });
    }
    None
}

/// What an `io::Error` and the errors it wraps say: a custom `io::Error`'s `source()` skips
/// the error it wraps (the TLS library's, often inside another `io::Error`), so look inside.
fn inside_io(io: &std::io::Error, timeout: Duration) -> Option<TransportCause> {
    let mut current = io;
    loop {
        if let Some(found) = io_kind(current, timeout) {
            return Some(found);
        }
        let inner = current.get_ref()?;
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return Some(tls_cause(tls));
        }
        current = inner.downcast_ref::<std::io::Error>()?;
    }
}

fn io_kind(io: &std::io::Error, timeout: Duration) -> Option<TransportCause> {
    match io.kind() {
        std::io::ErrorKind::ConnectionRefused => Some(TransportCause::ConnectionRefused),
        std::io::ErrorKind::TimedOut => Some(timed_out(timeout)),
        _ => None,
    }
}

fn tls_cause(error: &rustls::Error) -> TransportCause {
    match error {
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => TransportCause::UntrustedCertificate {
            detail: error.to_string(),
        },
        other => TransportCause::Tls {
            detail: other.to_string(),
        },
    }
}

fn timed_out(timeout: Duration) -> TransportCause {
    TransportCause::Timeout {
        secs: timeout.as_secs().max(1),
    }
}

/// `error` and its causes, `: `-joined (reqwest's own text is only "error sending request").
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = cause.source();
    }
    text
}
