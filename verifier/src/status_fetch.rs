//! Filling the status cache: a [`StatusFetcher`] gets Status List Tokens, [`refresh`] verifies
//! and stores them. This is the only part of the verifier that talks to the network, and it
//! runs apart from verification (on a timer, at opening time, when a connection comes back).
//!
//! ```
//! use myna_verifier::status_fetch::{StatusFetcher, StatusSource};
//! use myna_verifier::core::status_list::StatusListUri;
//! /// A fetcher for a desk with no network: always fails, the cache keeps what it has.
//! struct Offline;
//! impl StatusFetcher for Offline {
//!     fn fetch(&self, _uri: &StatusListUri) -> Result<String, String> { Err("offline".into()) }
//! }
//! assert!(Offline.fetch(&StatusListUri::new("https://city.example/s/1")?).is_err());
//! let source = StatusSource { uri: StatusListUri::new("https://city.example/s/1")?, issuer: "https://city.example".into() };
//! assert_eq!(source.issuer, "https://city.example");
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::status_list::StatusListUri;

use crate::verifier::Verifier;

/// Gets the compact Status List Token published at a URI.
pub trait StatusFetcher: Send + Sync {
    /// Fetches the token at `uri`; the error is a short description for the operator.
    fn fetch(&self, uri: &StatusListUri) -> Result<String, String>;
}

/// A status list to keep cached: where it is and which trusted issuer signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSource {
    /// The list's URI (the `uri` of the credentials' `status_list` references).
    pub uri: StatusListUri,
    /// The `iss` of the issuer whose key must sign it.
    pub issuer: String,
}

/// What one refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// URIs fetched, verified and stored.
    pub stored: Vec<StatusListUri>,
    /// URIs that failed, with why (the cached copy, if any, stays in use).
    pub failed: Vec<(StatusListUri, String)>,
}

/// Fetches every source and stores what verifies; failures leave the cache as it was.
pub fn refresh(
    verifier: &Verifier,
    fetcher: &dyn StatusFetcher,
    sources: &[StatusSource],
) -> RefreshReport {
    let mut report = RefreshReport::default();
    for source in sources {
        let outcome = fetcher.fetch(&source.uri).and_then(|token| {
            verifier
                .store_status_list(&source.issuer, &source.uri, &token)
                .map_err(|e| e.to_string())
        });
        match outcome {
            Ok(()) => report.stored.push(source.uri.clone()),
            Err(why) => report.failed.push((source.uri.clone(), why)),
        }
    }
    report
}

/// A [`StatusFetcher`] over HTTP(S) with a blocking client (run it off the async runtime).
#[cfg(feature = "http-fetch")]
#[derive(Debug, Clone)]
pub struct HttpStatusFetcher {
    client: reqwest::blocking::Client,
}

#[cfg(feature = "http-fetch")]
impl HttpStatusFetcher {
    /// A fetcher with a 10-second timeout.
    ///
    /// ```
    /// let fetcher = myna_verifier::status_fetch::HttpStatusFetcher::new();
    /// assert!(fetcher.is_ok());
    /// ```
    pub fn new() -> Result<Self, String> {
        let client = reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpStatusFetcher { client })
    }
}

#[cfg(feature = "http-fetch")]
impl StatusFetcher for HttpStatusFetcher {
    fn fetch(&self, uri: &StatusListUri) -> Result<String, String> {
        let response = self
            .client
            .get(uri.as_str())
            .header("accept", "application/statuslist+jwt")
            .send()
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        let body = response.bytes().map_err(|e| e.to_string())?;
        if body.len() > myna_vc_core::json::MAX_INPUT_BYTES {
            return Err("status list token larger than 1 MiB".into());
        }
        String::from_utf8(body.to_vec()).map_err(|_| "status list token is not UTF-8".into())
    }
}
