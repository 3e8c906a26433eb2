//! Where the HTTP transports send a request: to the URL itself, or (feature `test-util`, for
//! demos and tests only) to a plain-HTTP server on loopback through a `LoopbackRoute`.
//!
//! Without `test-util` a request always goes to its own URL: a production build has no way to
//! redirect one.

#[cfg(feature = "test-util")]
use std::net::SocketAddr;

#[cfg(feature = "test-util")]
use crate::error::{Error, Result};

/// The loopback routes of one transport (none without feature `test-util`).
#[derive(Debug, Clone, Default)]
pub(super) struct Routes {
    #[cfg(feature = "test-util")]
    routes: Vec<LoopbackRoute>,
}

impl Routes {
    /// Adds a route; the first matching route wins.
    #[cfg(feature = "test-util")]
    pub(super) fn push(&mut self, route: LoopbackRoute) {
        self.routes.push(route);
    }

    /// Where a request for `url` goes.
    pub(super) fn url(&self, url: &str) -> String {
        #[cfg(feature = "test-util")]
        if let Some(local) = self.routes.iter().find_map(|route| route.rewrite(url)) {
            return local;
        }
        url.to_owned()
    }
}

/// **Demo and tests only** (feature `test-util`): sends the requests meant for an `https` origin (an OpenID4VCI
/// issuer identifier, a status list URI) to a plain-HTTP server on this machine's loopback
/// interface instead — the issuer services run in-process by the demo (`myna-demo`), which has no TLS
/// certificate. Identifiers stay `https` everywhere (what is signed and checked does not
/// change); only where the bytes go does. Only loopback addresses are accepted, so a route
/// can never send a request over the network in the clear.
///
/// ```
/// use myna_wallet::http::LoopbackRoute;
/// let route = LoopbackRoute::new("https://city.kobe.example", "127.0.0.1:8080".parse().unwrap())?;
/// assert_eq!(route.rewrite("https://city.kobe.example/status/1").as_deref(),
///     Some("http://127.0.0.1:8080/status/1"));
/// assert_eq!(route.rewrite("https://city.kobe.example.evil/x"), None);
/// let local = "127.0.0.1:8080".parse().unwrap();
/// assert!(LoopbackRoute::new("https://city.kobe.example", "192.0.2.1:80".parse().unwrap()).is_err());
/// assert!(LoopbackRoute::new("http://city.kobe.example", local).is_err());
/// assert!(LoopbackRoute::new("https://city.kobe.example/path", local).is_err());
/// # Ok::<(), myna_wallet::Error>(())
/// ```
#[cfg(feature = "test-util")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopbackRoute {
    origin: String,
    local: String,
}

#[cfg(feature = "test-util")]
impl LoopbackRoute {
    /// Routes `origin` (`https://host[:port]`, no path) to `http://{addr}`; `addr` must be a
    /// loopback address.
    pub fn new(origin: &str, addr: SocketAddr) -> Result<Self> {
        let host = origin
            .strip_prefix("https://")
            .ok_or_else(|| Error::invalid("loopback route", "the origin must be https"))?;
        if host.is_empty() || host.contains(['/', '?', '#']) {
            return Err(Error::invalid(
                "loopback route",
                "the origin must be https://host[:port] without a path",
            ));
        }
        if !addr.ip().is_loopback() {
            return Err(Error::invalid(
                "loopback route",
                "only a loopback address may receive plain HTTP",
            ));
        }
        Ok(LoopbackRoute {
            origin: origin.to_owned(),
            local: format!("http://{addr}"),
        })
    }

    /// `url` sent to the loopback server, if it is on this route's origin.
    pub fn rewrite(&self, url: &str) -> Option<String> {
        let rest = url.strip_prefix(&self.origin)?;
        (rest.is_empty() || rest.starts_with('/')).then(|| format!("{}{rest}", self.local))
    }
}
