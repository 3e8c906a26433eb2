//! How the HTTP transports connect: which certificate authorities they trust beyond the
//! built-in public roots, which origins (if any) go to a plain-HTTP loopback service instead,
//! and how long they wait.

use std::time::Duration;

use reqwest::blocking::Client;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use super::routes::{InsecureLoopbackRoute, Routes};
use crate::error::{Error, Result};

/// The default time a request may take, connection and answer together.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The connection settings shared by [`HttpIssuer`](super::HttpIssuer),
/// [`HttpStatus`](super::HttpStatus) and [`HttpRegistry`](super::HttpRegistry).
///
/// By default a transport trusts the public web roots only, sends every request to its own
/// URL over HTTPS, and gives up after 30 seconds. A private certificate authority (a
/// municipality's test environment, an intranet) is added with [`trust_ca`](Self::trust_ca);
/// a development service without TLS on this machine is reached with
/// [`with_insecure_loopback_route`](Self::with_insecure_loopback_route).
///
/// ```
/// use myna_wallet::http::{HttpIssuer, HttpOptions, InsecureLoopbackRoute};
/// let options = HttpOptions::new()
///     .with_insecure_loopback_route(InsecureLoopbackRoute::parse(
///         "https://vc.city.example=127.0.0.1:8080")?)
///     .with_timeout(std::time::Duration::from_secs(5));
/// assert_eq!(options.insecure_loopback_routes().len(), 1);
/// let issuer = HttpIssuer::new_with(&options)?;
/// // Not a certificate: refused with its reason, before any connection.
/// assert!(HttpOptions::new().trust_ca(b"-----BEGIN CERTIFICATE-----\nnot base64\n").is_err());
/// assert!(HttpOptions::new().trust_ca(b"\x30\x03\x02\x01\x01").is_err());
/// # Ok::<(), myna_wallet::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct HttpOptions {
    roots: Vec<CertificateDer<'static>>,
    routes: Routes,
    timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            roots: Vec::new(),
            routes: Routes::default(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

const CA: &str = "CA certificate";

impl HttpOptions {
    /// The defaults: public roots only, no loopback route, a 30-second timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also trusts the certificate authorities in `certificates`: PEM (one or more
    /// `CERTIFICATE` blocks) or one DER certificate. Each must parse as an X.509 trust
    /// anchor; an input without any certificate is refused.
    pub fn trust_ca(mut self, certificates: &[u8]) -> Result<Self> {
        let found = if certificates.trim_ascii_start().starts_with(b"-----BEGIN") {
            CertificateDer::pem_slice_iter(certificates)
                .collect::<core::result::Result<Vec<_>, _>>()
                .map_err(|e| Error::invalid(CA, format!("not PEM certificates: {e}")))?
        } else {
            vec![CertificateDer::from(certificates.to_vec())]
        };
        if found.is_empty() {
            return Err(Error::invalid(CA, "no CERTIFICATE block in the PEM text"));
        }
        let mut check = rustls::RootCertStore::empty();
        for certificate in found {
            check
                .add(certificate.clone())
                .map_err(|e| Error::invalid(CA, format!("not a usable X.509 certificate: {e}")))?;
            self.roots.push(certificate);
        }
        Ok(self)
    }

    /// **Development only, insecure**: sends the requests for `route`'s `https` origin to its
    /// plain-HTTP loopback address (see [`InsecureLoopbackRoute`]).
    pub fn with_insecure_loopback_route(mut self, route: InsecureLoopbackRoute) -> Self {
        self.routes.push(route);
        self
    }

    /// How long a request may take before it fails with a timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The insecure loopback routes in effect (for a caller to warn about them).
    pub fn insecure_loopback_routes(&self) -> &[InsecureLoopbackRoute] {
        self.routes.all()
    }

    /// How many certificate authorities are trusted beyond the public roots.
    pub fn extra_roots(&self) -> usize {
        self.roots.len()
    }

    pub(super) fn routes(&self) -> Routes {
        self.routes.clone()
    }

    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A blocking client with these roots and this timeout.
    pub(super) fn client(&self) -> Result<Client> {
        let mut builder = Client::builder().timeout(self.timeout);
        for root in &self.roots {
            let certificate = reqwest::Certificate::from_der(root)
                .map_err(|e| Error::invalid(CA, e.to_string()))?;
            builder = builder.add_root_certificate(certificate);
        }
        builder
            .build()
            .map_err(|e| Error::invalid("HTTP client settings", e.to_string()))
    }
}
