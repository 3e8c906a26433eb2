//! did:web: a DID whose document is published at an HTTPS URL on the DID's domain, fetched
//! through a [`DidWebFetcher`] the caller provides and kept in a [`DidWebCache`] that can
//! answer offline.
//!
//! This crate does no I/O: the fetcher is the caller's edge (an HTTPS client in a server, a
//! `fetch` call in a browser, a preloaded file on a kiosk). Time is injected too, so what the
//! cache serves depends only on the documents it holds and the instant it is given.
//!
//! The cache rules, for a DID asked about at `now`:
//!
//! * a cached document younger than its max-age is served without fetching;
//! * otherwise it is refetched, and the new document replaces the old one;
//! * if the fetcher fails, a stale document is served while it has been expired for at most
//!   [`CachePolicy::max_staleness`]; beyond that the answer is [`DidError::DocumentStale`],
//!   and with nothing cached it is the fetcher's own error;
//! * a fetched document that does not parse, or whose `id` is not the DID asked about
//!   ([`DidError::DocumentIdMismatch`]), is refused and reported (the cached copy, if any,
//!   is kept but not served in its place: the server answered, and wrongly).
//!
//! ```
//! use myna_vc_core::{did::*, time::NumericDate, Error, Result};
//!
//! struct Kiosk; // an edge with no network: every fetch fails
//! impl DidWebFetcher for Kiosk {
//!     fn fetch(&self, _url: &str) -> Result<FetchedDocument> {
//!         Err(Error::Did(myna_vc_core::DidError::WebFetch("offline".into())))
//!     }
//! }
//!
//! let did = Did::parse("did:web:city.example.jp")?;
//! let policy = CachePolicy { max_staleness: 7 * 86_400, ..CachePolicy::default() };
//! let cache = DidWebCache::new(Kiosk, policy);
//! // Preloaded while the kiosk was online, valid for an hour.
//! let t0 = NumericDate::from_unix(1_750_000_000);
//! cache.insert(&did, br#"{"id": "did:web:city.example.jp"}"#, t0, 3600)?;
//!
//! assert_eq!(cache.lookup(&did, t0.plus_seconds(60))?.freshness, Freshness::Fresh);
//! let days_later = cache.lookup(&did, t0.plus_seconds(3 * 86_400))?;
//! assert!(matches!(days_later.freshness, Freshness::Stale { .. }));
//! let weeks_later = cache.resolve(&did, t0.plus_seconds(30 * 86_400));
//! assert!(matches!(weeks_later, Err(Error::Did(myna_vc_core::DidError::DocumentStale { .. }))));
//! # Ok::<(), Error>(())
//! ```

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{shorten, Did, DidDocument};
use crate::error::{DidError, Error, Result};
use crate::time::NumericDate;

/// A did:web DID with the HTTPS URL of its document.
///
/// The mapping (did:web method specification §3.2): `:` separates path segments, a port's
/// colon is percent-encoded (`%3A`), and a DID without a path has its document under
/// `/.well-known/`.
///
/// ```
/// use myna_vc_core::{did::{Did, DidWeb}, Error};
/// let url = |did: &str| -> Result<String, Error> {
///     Ok(DidWeb::from_did(&Did::parse(did)?)?.url().to_owned())
/// };
/// assert_eq!(url("did:web:example.com")?, "https://example.com/.well-known/did.json");
/// assert_eq!(url("did:web:example.com:user:alice")?, "https://example.com/user/alice/did.json");
/// assert_eq!(url("did:web:example.com%3A3000")?, "https://example.com:3000/.well-known/did.json");
/// assert!(matches!(url("did:web:192.168.0.1"), Err(Error::Did(myna_vc_core::DidError::InvalidDid(_)))));
/// assert!(matches!(url("did:web:example.com:.."), Err(Error::Did(myna_vc_core::DidError::InvalidDid(_)))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DidWeb {
    did: Did,
    url: String,
}

/// The longest DNS name (RFC 1035).
const MAX_HOST_LENGTH: usize = 253;
/// The longest DNS label.
const MAX_LABEL_LENGTH: usize = 63;

impl DidWeb {
    /// Checks a did:web DID and builds its document URL. The host must be a DNS name (not an
    /// IP address), the port a number from 1 to 65535, and path segments non-empty runs of
    /// letters, digits, `.`, `-` and `_` other than `.` and `..`; percent escapes other than
    /// the port's colon are refused, so no DID can reach a path it does not spell out.
    pub fn from_did(did: &Did) -> Result<Self> {
        if did.method() != "web" {
            return Err(invalid("not a did:web"));
        }
        let mut segments = did.method_specific_id().split(':');
        let authority = segments.next().unwrap_or_default();
        let (host, port) = split_port(authority)?;
        check_host(host)?;
        let path = segments
            .map(|segment| check_path_segment(segment).map(|()| segment))
            .collect::<Result<Vec<_>>>()?;
        let directory = if path.is_empty() {
            ".well-known".to_owned()
        } else {
            path.join("/")
        };
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        Ok(DidWeb {
            did: did.clone(),
            url: format!("https://{host}{port}/{directory}/did.json"),
        })
    }

    /// The DID.
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The HTTPS URL of the DID document.
    pub fn url(&self) -> &str {
        &self.url
    }
}

fn invalid(detail: &str) -> Error {
    Error::Did(DidError::InvalidDid(format!("did:web: {detail}")))
}

/// Splits `host%3Aport`; the port must be 1 to 65535 without leading zeros.
fn split_port(authority: &str) -> Result<(&str, Option<u16>)> {
    let lower = authority.to_ascii_lowercase();
    let Some(at) = lower.find("%3a") else {
        return Ok((authority, None));
    };
    let host = authority.get(..at).unwrap_or_default();
    let digits = authority.get(at + 3..).unwrap_or_default();
    let canonical = !digits.is_empty()
        && !digits.starts_with('0')
        && digits.len() <= 5
        && digits.bytes().all(|b| b.is_ascii_digit());
    let port = digits.parse::<u16>().ok().filter(|p| canonical && *p > 0);
    match port {
        Some(port) => Ok((host, Some(port))),
        None => Err(invalid("the port must be a number from 1 to 65535")),
    }
}

fn check_host(host: &str) -> Result<()> {
    if host.is_empty() || host.len() > MAX_HOST_LENGTH {
        return Err(invalid(
            "the host must be a DNS name of 1 to 253 characters",
        ));
    }
    if host.contains('%') {
        return Err(invalid("the host must not be percent-encoded"));
    }
    let labels_ok = host.split('.').all(|label| {
        (1..=MAX_LABEL_LENGTH).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if !labels_ok {
        return Err(invalid("the host is not a DNS name"));
    }
    // A DNS name's top-level label is never all digits; an IPv4 address's last one is.
    let last = host.rsplit('.').next().unwrap_or_default();
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("the host must be a domain name, not an IP address"));
    }
    Ok(())
}

fn check_path_segment(segment: &str) -> Result<()> {
    if segment.is_empty() || segment == "." || segment == ".." {
        return Err(invalid("path segments must not be empty, `.` or `..`"));
    }
    if segment.contains('%') {
        return Err(invalid("percent-encoded path segments are not supported"));
    }
    // DID syntax already limited the rest to letters, digits, `.`, `-` and `_`.
    Ok(())
}

/// A did:web document as the fetcher got it: the body, and the max-age the server gave (HTTP
/// `Cache-Control: max-age`), if any.
///
/// ```
/// use myna_vc_core::did::FetchedDocument;
/// let fetched = FetchedDocument::new(b"{}".to_vec()).with_max_age(600);
/// assert_eq!(fetched.max_age, Some(600));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedDocument {
    /// The response body (the `did.json` bytes).
    pub body: Vec<u8>,
    /// The server's max-age in seconds, if it gave one.
    pub max_age: Option<u64>,
}

impl FetchedDocument {
    /// A body without a max-age (the cache's default applies).
    pub fn new(body: Vec<u8>) -> Self {
        FetchedDocument {
            body,
            max_age: None,
        }
    }

    /// Sets the server's max-age.
    pub fn with_max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }
}

/// Fetches did:web documents: the caller's edge does the HTTPS `GET`.
///
/// Implementations should refuse non-2xx answers and bodies over
/// [`json::MAX_INPUT_BYTES`](crate::json::MAX_INPUT_BYTES) (the cache refuses them anyway,
/// but only after they were read), follow no redirects to other hosts, and report failures as
/// [`DidError::WebFetch`].
///
/// ```
/// use myna_vc_core::{did::{DidWebFetcher, FetchedDocument}, Error, Result};
/// struct Fixed(Vec<u8>);
/// impl DidWebFetcher for Fixed {
///     fn fetch(&self, url: &str) -> Result<FetchedDocument> {
///         if url != "https://example.com/.well-known/did.json" {
///             return Err(Error::Did(myna_vc_core::DidError::WebFetch("404".into())));
///         }
///         Ok(FetchedDocument::new(self.0.clone()))
///     }
/// }
/// assert!(Fixed(Vec::new()).fetch("https://example.org/did.json").is_err());
/// ```
pub trait DidWebFetcher: Send + Sync {
    /// `GET`s `url` (always `https://…/did.json`).
    fn fetch(&self, url: &str) -> Result<FetchedDocument>;
}

/// How long did:web documents stay fresh and how stale they may be served.
///
/// ```
/// use myna_vc_core::did::CachePolicy;
/// let policy = CachePolicy { max_staleness: 0, ..CachePolicy::default() };
/// assert_eq!(policy.default_max_age, 3600);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CachePolicy {
    /// Seconds a document stays fresh when the server gave no max-age.
    pub default_max_age: u64,
    /// The most seconds a server's max-age is honoured (so a briefly hijacked domain cannot
    /// pin its keys for years).
    pub max_age_limit: u64,
    /// Seconds past expiry a document may still be served while refetching fails.
    pub max_staleness: u64,
    /// The most DIDs kept; inserting beyond it evicts the entry fetched longest ago.
    pub max_entries: usize,
}

impl Default for CachePolicy {
    /// Fresh for an hour (a day at most), served stale for up to a day, 1024 DIDs.
    fn default() -> Self {
        CachePolicy {
            default_max_age: 3600,
            max_age_limit: 86_400,
            max_staleness: 86_400,
            max_entries: 1024,
        }
    }
}

/// How a cached answer came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Served from the cache without fetching.
    Fresh,
    /// Fetched just now.
    Refetched,
    /// Refetching failed; served past its expiry, within the allowed staleness.
    Stale {
        /// When the served copy stopped being fresh.
        expired_at: NumericDate,
    },
}

/// A document from the cache, with when it was fetched and how fresh it is.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedDocument {
    /// The document.
    pub document: DidDocument,
    /// When it was fetched (or inserted).
    pub fetched_at: NumericDate,
    /// How this answer came about.
    pub freshness: Freshness,
}

#[derive(Clone, Debug)]
struct Entry {
    document: DidDocument,
    fetched_at: NumericDate,
    max_age: u64,
}

impl Entry {
    fn expires_at(&self) -> NumericDate {
        self.fetched_at.plus_seconds(self.max_age)
    }
}

/// An offline-capable cache of did:web documents in front of a [`DidWebFetcher`]. See the
/// [module docs](self) for the rules and an example.
///
/// It is `Sync`: one cache can serve concurrent verifications. The lock is not held while
/// fetching.
pub struct DidWebCache {
    fetcher: Box<dyn DidWebFetcher>,
    policy: CachePolicy,
    entries: Mutex<HashMap<Did, Entry>>,
}

impl core::fmt::Debug for DidWebCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DidWebCache")
            .field("policy", &self.policy)
            .field("entries", &self.lock().len())
            .finish_non_exhaustive()
    }
}

impl DidWebCache {
    /// An empty cache.
    pub fn new(fetcher: impl DidWebFetcher + 'static, policy: CachePolicy) -> Self {
        DidWebCache {
            fetcher: Box::new(fetcher),
            policy,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The policy.
    pub fn policy(&self) -> &CachePolicy {
        &self.policy
    }

    /// Stores a document fetched at `fetched_at` by other means (preloading an offline
    /// verifier), under the same checks as a fetched one. `max_age` is capped by the policy.
    pub fn insert(
        &self,
        did: &Did,
        body: &[u8],
        fetched_at: NumericDate,
        max_age: u64,
    ) -> Result<()> {
        DidWeb::from_did(did)?;
        self.admit(did, body, fetched_at, Some(max_age)).map(|_| ())
    }

    /// The document of `did` at `now`, following the [cache rules](self).
    pub fn resolve(&self, did: &Did, now: NumericDate) -> Result<DidDocument> {
        self.lookup(did, now).map(|cached| cached.document)
    }

    /// Like [`DidWebCache::resolve`], also saying how fresh the answer is (to show "issuer
    /// data last checked 3 days ago" on an offline verifier).
    pub fn lookup(&self, did: &Did, now: NumericDate) -> Result<CachedDocument> {
        let web = DidWeb::from_did(did)?;
        let cached = self.lock().get(did).cloned();
        if let Some(entry) = &cached {
            if now < entry.expires_at() {
                return Ok(served(entry, Freshness::Fresh));
            }
        }
        match self.fetcher.fetch(web.url()) {
            Ok(fetched) => {
                let entry = self.admit(did, &fetched.body, now, fetched.max_age)?;
                Ok(served(&entry, Freshness::Refetched))
            }
            Err(cause) => self.serve_stale(cached, now, cause),
        }
    }

    fn serve_stale(
        &self,
        cached: Option<Entry>,
        now: NumericDate,
        cause: Error,
    ) -> Result<CachedDocument> {
        let Some(entry) = cached else {
            return Err(cause);
        };
        let expired_at = entry.expires_at();
        if now <= expired_at.plus_seconds(self.policy.max_staleness) {
            return Ok(served(&entry, Freshness::Stale { expired_at }));
        }
        Err(Error::Did(DidError::DocumentStale {
            expired_at,
            now,
            cause: Box::new(cause),
        }))
    }

    /// Parses and checks a document for `did` and stores it.
    fn admit(
        &self,
        did: &Did,
        body: &[u8],
        fetched_at: NumericDate,
        max_age: Option<u64>,
    ) -> Result<Entry> {
        let document = DidDocument::from_json(body)?;
        if document.id() != did {
            return Err(Error::Did(DidError::DocumentIdMismatch {
                expected: shorten(did.as_str()),
                found: shorten(document.id().as_str()),
            }));
        }
        let max_age = max_age
            .unwrap_or(self.policy.default_max_age)
            .min(self.policy.max_age_limit);
        let entry = Entry {
            document,
            fetched_at,
            max_age,
        };
        let mut entries = self.lock();
        if !entries.contains_key(did) && entries.len() >= self.policy.max_entries {
            evict_oldest(&mut entries);
        }
        if self.policy.max_entries > 0 {
            entries.insert(did.clone(), entry.clone());
        }
        Ok(entry)
    }

    /// The entries; a panic elsewhere while holding the lock leaves a map that is still
    /// consistent (every update is a single insert), so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, HashMap<Did, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn served(entry: &Entry, freshness: Freshness) -> CachedDocument {
    CachedDocument {
        document: entry.document.clone(),
        fetched_at: entry.fetched_at,
        freshness,
    }
}

fn evict_oldest(entries: &mut HashMap<Did, Entry>) {
    let oldest = entries
        .iter()
        .min_by_key(|(_, entry)| entry.fetched_at)
        .map(|(did, _)| did.clone());
    if let Some(did) = oldest {
        entries.remove(&did);
    }
}
