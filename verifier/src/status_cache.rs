//! The status cache: Status List Tokens fetched ahead of time, verified once on the way in,
//! answered from memory during verification.
//!
//! Each cached list remembers when it stops being fresh (its `exp`, or the fetch time plus
//! its `ttl`, or plus the cache's default max-age, whichever applies first). Offline, the
//! cache keeps answering with the list it has; every answer says how many seconds past fresh
//! it is, and the verifier refuses when that exceeds the policy's tolerance. Verification never
//! fetches: a [`StatusFetcher`](crate::status_fetch::StatusFetcher) fills the cache separately.
//!
//! A list is accepted only when signed by a key the trust list gives to the issuer named when
//! storing it, and it is only ever used for that issuer's credentials.
//!
//! ```
//! use myna_verifier::core::crypto::{default_provider, SecretKey};
//! use myna_verifier::core::sdjwt_vc::Vct;
//! use myna_verifier::core::status_list::*;
//! use myna_verifier::core::time::NumericDate;
//! use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
//! use myna_verifier::status_cache::StatusCache;
//! let (authority, city) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
//! let t = NumericDate::from_unix(1_000_000);
//! let trust = TrustList::verify(&TrustList::new("jp", 1, t, t.plus_seconds(86_400))
//!     .with_issuer(TrustedIssuer::operator("https://city.example", "City")
//!         .with_key("k1", city.public_key()).allowing(Vct::parse("urn:t")?))
//!     .sign(&*default_provider().signer(&authority)?)?, default_provider(), &authority.public_key(), t)?;
//! let uri = StatusListUri::new("https://city.example/status/1")?;
//! let mut list = StatusList::new(StatusBits::Two, 64)?;
//! list.set(StatusIndex::new(3), Status::SUSPENDED)?;
//! let token = StatusListToken::new(uri.clone(), t, list)
//!     .with_ttl(core::num::NonZeroU64::new(3_600).unwrap())
//!     .sign(&*default_provider().signer(&city)?, Some("k1"))?;
//!
//! let cache = StatusCache::new(86_400);
//! cache.store(&trust, "https://city.example", &uri, &token, default_provider(), t)?;
//! let reference = StatusReference::new(StatusIndex::new(3), uri);
//! let fresh = cache.check("https://city.example", &reference, t.plus_seconds(60)).unwrap();
//! assert_eq!((fresh.status, fresh.staleness_secs), (Status::SUSPENDED, 0));
//! let offline = cache.check("https://city.example", &reference, t.plus_seconds(3_700)).unwrap();
//! assert_eq!(offline.staleness_secs, 100);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use myna_vc_core::crypto::{CryptoProvider, PublicKey};
use myna_vc_core::jws::Jws;
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::status_list::{
    Status, StatusListToken, StatusListUri, StatusReference, VerifiedStatusList,
};
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::VerifiedTrustList;
use myna_vc_core::Result;

use crate::decision::{Reason, Rejection};

/// The most distinct list URIs remembered as "wanted" (seen in presentations, not cached).
const MAX_WANTED: usize = 1024;

/// A verified list with its issuer and freshness.
#[derive(Debug)]
struct Cached {
    issuer: String,
    list: VerifiedStatusList,
    fetched_at: NumericDate,
    fresh_until: NumericDate,
}

/// How fresh one cached list is at some time ([`StatusCache::freshness`]): what a counter
/// shows as "revocation data from 3 hours ago".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFreshness {
    /// The issuer the list belongs to.
    pub issuer: String,
    /// Where it was fetched from.
    pub uri: StatusListUri,
    /// When it was fetched (stored).
    pub fetched_at: NumericDate,
    /// When it stops being fresh (its `exp`, or fetch time plus `ttl` or the default max-age).
    pub fresh_until: NumericDate,
    /// Its own `exp`, if it has one.
    pub expires_at: Option<NumericDate>,
    /// Seconds past fresh at that time (0 while fresh): what decisions compare with the
    /// policy's tolerance.
    pub staleness_secs: u64,
}

impl ListFreshness {
    /// Whether the list's own `exp` has passed at `now` (it is then used only as stale data,
    /// within the tolerance).
    pub fn expired_at(&self, now: NumericDate) -> bool {
        self.expires_at.is_some_and(|exp| now >= exp)
    }
}

/// Seconds `now` is past `fresh_until` (0 before).
fn staleness(fresh_until: NumericDate, now: NumericDate) -> u64 {
    u64::try_from(now.as_unix().saturating_sub(fresh_until.as_unix())).unwrap_or(0)
}

/// The answer for one credential: its status and how stale the list was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCheck {
    /// The credential's status.
    pub status: Status,
    /// Seconds the list was past its freshness at the check (0 when fresh).
    pub staleness_secs: u64,
}

/// Cached, verified Status List Tokens keyed by URI. See the [module docs](self).
#[derive(Debug)]
pub struct StatusCache {
    default_max_age_secs: u64,
    lists: RwLock<HashMap<StatusListUri, Arc<Cached>>>,
    wanted: Mutex<HashSet<StatusListUri>>,
}

impl StatusCache {
    /// An empty cache; lists with neither `exp` nor `ttl` count as fresh for
    /// `default_max_age_secs` after they were fetched.
    pub fn new(default_max_age_secs: u64) -> Self {
        StatusCache {
            default_max_age_secs,
            lists: RwLock::new(HashMap::new()),
            wanted: Mutex::new(HashSet::new()),
        }
    }

    /// Verifies a Status List Token fetched from `uri` at `fetched_at` with the key the trust
    /// list gives `issuer` (by the token's `kid`), and caches it. A token issued before the
    /// cached one for the same URI is refused (no rollback to a list from before a
    /// revocation); on any error the cache is unchanged.
    pub fn store(
        &self,
        trust: &VerifiedTrustList,
        issuer: &str,
        uri: &StatusListUri,
        compact: &str,
        provider: &dyn CryptoProvider,
        fetched_at: NumericDate,
    ) -> Result<()> {
        let kid = Jws::parse(compact)?.header().kid.clone();
        let key = trust.issuer_key(issuer, kid.as_deref())?;
        self.store_signed_by(issuer, key, uri, compact, provider, fetched_at)
    }

    /// Like [`store`](Self::store) with a key the caller pins itself (a consent registry's),
    /// under the name `owner` that later [`check`](Self::check)s must give.
    pub fn store_signed_by(
        &self,
        owner: &str,
        key: &PublicKey,
        uri: &StatusListUri,
        compact: &str,
        provider: &dyn CryptoProvider,
        fetched_at: NumericDate,
    ) -> Result<()> {
        let list =
            StatusListToken::verify(compact, provider, key, &TimeRules::at(fetched_at), uri)?;
        let fresh_until = self.fresh_until(list.token(), fetched_at);
        let cached = Arc::new(Cached {
            issuer: owner.to_owned(),
            list,
            fetched_at,
            fresh_until,
        });
        let mut lists = self.lists.write().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = lists.get(uri) {
            let (old_iat, new_iat) = (old.list.token().issued_at, cached.list.token().issued_at);
            if new_iat < old_iat {
                return Err(myna_vc_core::Error::Jwt(
                    myna_vc_core::JwtError::InvalidClaim {
                        claim: "iat",
                        detail: "the status list is older than the cached one".into(),
                    },
                ));
            }
        }
        lists.insert(uri.clone(), cached);
        drop(lists);
        self.wanted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(uri);
        Ok(())
    }

    fn fresh_until(&self, token: &StatusListToken, fetched_at: NumericDate) -> NumericDate {
        let by_ttl = token.ttl.map(|ttl| fetched_at.plus_seconds(ttl.get()));
        match (token.expires_at, by_ttl) {
            (Some(exp), Some(ttl)) => exp.min(ttl),
            (Some(exp), None) => exp,
            (None, Some(ttl)) => ttl,
            (None, None) => fetched_at.plus_seconds(self.default_max_age_secs),
        }
    }

    /// The status of the credential of `issuer` carrying `reference`, at `now`. A URI not in
    /// the cache is remembered in [`wanted`](Self::wanted) so the fetcher gets it next time.
    pub fn check(
        &self,
        issuer: &str,
        reference: &StatusReference,
        now: NumericDate,
    ) -> core::result::Result<StatusCheck, Rejection> {
        let cached = self
            .lists
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&reference.uri)
            .cloned();
        let Some(cached) = cached else {
            self.want(&reference.uri);
            return Err(Rejection::noted(
                Reason::StatusUnavailable,
                "no cached status list for this credential",
            ));
        };
        if cached.issuer != issuer {
            return Err(Rejection::noted(
                Reason::StatusUnavailable,
                "the cached status list belongs to another issuer",
            ));
        }
        let status = cached.list.status_of(reference)?;
        Ok(StatusCheck {
            status,
            staleness_secs: staleness(cached.fresh_until, now),
        })
    }

    fn want(&self, uri: &StatusListUri) {
        let mut wanted = self.wanted.lock().unwrap_or_else(|p| p.into_inner());
        if wanted.len() < MAX_WANTED {
            wanted.insert(uri.clone());
        }
    }

    /// Status list URIs seen in presentations but not cached (for the fetcher).
    pub fn wanted(&self) -> Vec<StatusListUri> {
        let mut wanted: Vec<StatusListUri> = self
            .wanted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect();
        wanted.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        wanted
    }

    /// How fresh each cached list is at `now`, by URI.
    ///
    /// ```
    /// # use myna_verifier::core::crypto::{default_provider, SecretKey};
    /// # use myna_verifier::core::sdjwt_vc::Vct;
    /// # use myna_verifier::core::status_list::*;
    /// # use myna_verifier::core::time::NumericDate;
    /// # use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
    /// # use myna_verifier::status_cache::StatusCache;
    /// # let (authority, city) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
    /// # let t = NumericDate::from_unix(1_000_000);
    /// # let trust = TrustList::verify(&TrustList::new("jp", 1, t, t.plus_seconds(86_400))
    /// #     .with_issuer(TrustedIssuer::operator("https://city.example", "City")
    /// #         .with_key("k1", city.public_key()).allowing(Vct::parse("urn:t")?))
    /// #     .sign(&*default_provider().signer(&authority)?)?, default_provider(), &authority.public_key(), t)?;
    /// let uri = StatusListUri::new("https://city.example/status/1")?;
    /// let token = StatusListToken::new(uri.clone(), t, StatusList::new(StatusBits::One, 8)?)
    ///     .with_ttl(core::num::NonZeroU64::new(3_600).unwrap())
    ///     .sign(&*default_provider().signer(&city)?, Some("k1"))?;
    /// let cache = StatusCache::new(86_400);
    /// cache.store(&trust, "https://city.example", &uri, &token, default_provider(), t)?;
    /// let [list] = cache.freshness(t.plus_seconds(3_700)).try_into().unwrap();
    /// assert_eq!((list.fetched_at, list.staleness_secs), (t, 100));
    /// assert_eq!(list.fresh_until, t.plus_seconds(3_600));
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn freshness(&self, now: NumericDate) -> Vec<ListFreshness> {
        let mut lists: Vec<ListFreshness> = self
            .lists
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(uri, cached)| ListFreshness {
                issuer: cached.issuer.clone(),
                uri: uri.clone(),
                fetched_at: cached.fetched_at,
                fresh_until: cached.fresh_until,
                expires_at: cached.list.token().expires_at,
                staleness_secs: staleness(cached.fresh_until, now),
            })
            .collect();
        lists.sort_by(|a, b| a.uri.as_str().cmp(b.uri.as_str()));
        lists
    }

    /// The cached URIs with the issuer each belongs to.
    pub fn cached(&self) -> Vec<(StatusListUri, String)> {
        self.lists
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(uri, c)| (uri.clone(), c.issuer.clone()))
            .collect()
    }
}
