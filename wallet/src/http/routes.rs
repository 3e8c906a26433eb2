//! Where the HTTP transports send a request: to the URL itself, or — only when the caller
//! asked for it by name, for a development service on this machine — to a plain-HTTP server
//! on loopback through an [`InsecureLoopbackRoute`].

use std::net::SocketAddr;

use crate::error::{Error, Result};

/// The insecure loopback routes of one transport (none unless the caller adds one).
#[derive(Debug, Clone, Default)]
pub(super) struct Routes {
    routes: Vec<InsecureLoopbackRoute>,
}

impl Routes {
    /// Adds a route; the first matching route wins.
    pub(super) fn push(&mut self, route: InsecureLoopbackRoute) {
        self.routes.push(route);
    }

    /// The routes, in order.
    pub(super) fn all(&self) -> &[InsecureLoopbackRoute] {
        &self.routes
    }

    /// Where a request for `url` goes.
    pub(super) fn url(&self, url: &str) -> String {
        self.routes
            .iter()
            .find_map(|route| route.rewrite(url))
            .unwrap_or_else(|| url.to_owned())
    }
}

/// **Development only, insecure**: sends the requests meant for an `https` origin (an
/// OpenID4VCI issuer identifier, a status list URI, a consent registry) to a plain-HTTP
/// server on this machine's loopback interface instead — an issuer service under test that
/// has no TLS certificate (`myna issuer serve` on 127.0.0.1, the demo's in-process services).
///
/// Identifiers stay `https` everywhere (what is signed and checked does not change); only
/// where the bytes go does, and they go unencrypted and unauthenticated by TLS — which is why
/// only loopback addresses are accepted: a route can never send a request over the network
/// in the clear. The command line turns it on with `--insecure-loopback-http` and says so on
/// every run.
///
/// ```
/// use myna_wallet::http::InsecureLoopbackRoute;
/// let route = InsecureLoopbackRoute::new("https://city.kobe.example", "127.0.0.1:8080".parse().unwrap())?;
/// assert_eq!(route.rewrite("https://city.kobe.example/status/1").as_deref(),
///     Some("http://127.0.0.1:8080/status/1"));
/// assert_eq!(route.rewrite("https://city.kobe.example.evil/x"), None);
/// let local = "127.0.0.1:8080".parse().unwrap();
/// assert!(InsecureLoopbackRoute::new("https://city.kobe.example", "192.0.2.1:80".parse().unwrap()).is_err());
/// assert!(InsecureLoopbackRoute::new("http://city.kobe.example", local).is_err());
/// assert!(InsecureLoopbackRoute::new("https://city.kobe.example/path", local).is_err());
/// // The command line's form: ORIGIN=ADDR.
/// let parsed = InsecureLoopbackRoute::parse("https://city.kobe.example=[::1]:8080")?;
/// assert_eq!(parsed.origin(), "https://city.kobe.example");
/// assert_eq!(parsed.local(), "http://[::1]:8080");
/// assert!(InsecureLoopbackRoute::parse("https://city.kobe.example=vc.example:80").is_err());
/// # Ok::<(), myna_wallet::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsecureLoopbackRoute {
    origin: String,
    local: String,
}

/// The former name of [`InsecureLoopbackRoute`] (when it was for demos and tests only).
pub type LoopbackRoute = InsecureLoopbackRoute;

const WHAT: &str = "insecure loopback route";

impl InsecureLoopbackRoute {
    /// Routes `origin` (`https://host[:port]`, no path) to `http://{addr}`; `addr` must be a
    /// loopback address.
    pub fn new(origin: &str, addr: SocketAddr) -> Result<Self> {
        let host = origin
            .strip_prefix("https://")
            .ok_or_else(|| Error::invalid(WHAT, "the origin must be https://host[:port]"))?;
        if host.is_empty() || host.contains(['/', '?', '#', '@']) {
            return Err(Error::invalid(
                WHAT,
                "the origin must be https://host[:port] without a path",
            ));
        }
        if !addr.ip().is_loopback() {
            return Err(Error::invalid(
                WHAT,
                format!(
                    "{} is not a loopback address: plain HTTP goes to this machine only \
                     (127.0.0.1, ::1)",
                    addr.ip()
                ),
            ));
        }
        Ok(InsecureLoopbackRoute {
            origin: origin.to_owned(),
            local: format!("http://{addr}"),
        })
    }

    /// Parses `ORIGIN=ADDR` (`https://vc.city.example=127.0.0.1:8080`): the last `=` splits,
    /// and the address is an IP address and port, never a host name (which could resolve
    /// anywhere).
    pub fn parse(text: &str) -> Result<Self> {
        let (origin, addr) = text.rsplit_once('=').ok_or_else(|| {
            Error::invalid(
                WHAT,
                "expected ORIGIN=ADDR, e.g. https://vc.city.example=127.0.0.1:8080",
            )
        })?;
        let addr: SocketAddr = addr.trim().parse().map_err(|_| {
            Error::invalid(
                WHAT,
                format!("`{addr}` is not an IP address with a port, e.g. 127.0.0.1:8080"),
            )
        })?;
        Self::new(origin.trim(), addr)
    }

    /// The `https` origin whose requests are rerouted.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Where they go instead: `http://` and the loopback address.
    pub fn local(&self) -> &str {
        &self.local
    }

    /// `url` sent to the loopback server, if it is on this route's origin.
    pub fn rewrite(&self, url: &str) -> Option<String> {
        let rest = url.strip_prefix(&self.origin)?;
        (rest.is_empty() || rest.starts_with('/')).then(|| format!("{}{rest}", self.local))
    }
}
