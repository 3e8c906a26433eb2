//! Publishing status lists: the stored list signed as a Status List Token (`statuslist+jwt`),
//! whole — verifiers fetch and cache the entire list, so a check never tells the issuer which
//! credential is being checked (herd privacy).
//!
//! A publisher keeps the `version` it last signed; [`StatusListInfo::version`] moves on every
//! status change, so "re-sign when the version differs" publishes every revocation and nothing
//! else.
//!
//! ```
//! use myna_issuer::publication::{publish, PublishOptions};
//! use myna_issuer::store::{MemoryStore, Store};
//! use myna_vc_core::{crypto::{default_provider, SecretKey}, jwt::TimeRules};
//! use myna_vc_core::status_list::{StatusListToken, StatusListUri};
//! use myna_vc_core::time::NumericDate;
//! let store = MemoryStore::new();
//! let uri = StatusListUri::new("https://city.example/status/1")?;
//! store.create_status_list(&uri, 1024)?;
//! let key = SecretKey::generate_p256()?;
//! let now = NumericDate::from_unix(1_800_000_000);
//! let published = publish(&store, &uri, &*default_provider().signer(&key)?, &PublishOptions::at(now))?;
//! let verified = StatusListToken::verify(&published.token, default_provider(), &key.public_key(),
//!     &TimeRules::at(now), &uri)?;
//! assert_eq!(verified.list().len(), 1024);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::num::NonZeroU64;

use myna_vc_core::crypto::Signer;
use myna_vc_core::status_list::{StatusListToken, StatusListUri};
use myna_vc_core::time::NumericDate;

use crate::error::Result;
use crate::status_lists::StatusListInfo;
use crate::store::Store;

/// How a list is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishOptions {
    /// `iat`.
    pub now: NumericDate,
    /// How long the token is valid (`exp` = `now` + this); verifiers refuse it after that.
    pub lifetime_secs: u64,
    /// `ttl`: how long a verifier may cache it before fetching again.
    pub ttl_secs: Option<NonZeroU64>,
    /// `kid` of the signing key.
    pub kid: Option<String>,
}

impl PublishOptions {
    /// At `now`, valid for a day, cacheable for an hour.
    pub fn at(now: NumericDate) -> Self {
        PublishOptions {
            now,
            lifetime_secs: 86_400,
            ttl_secs: NonZeroU64::new(3_600),
            kid: None,
        }
    }
}

/// A signed status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The compact `statuslist+jwt`.
    pub token: String,
    /// The list's state when signed (its `version` is what was published).
    pub info: StatusListInfo,
}

/// Signs the current state of list `uri`.
pub fn publish<S: Store>(
    store: &S,
    uri: &StatusListUri,
    signer: &dyn Signer,
    options: &PublishOptions,
) -> Result<Published> {
    let (list, info) = store.load_status_list(uri)?;
    let mut token = StatusListToken::new(uri.clone(), options.now, list)
        .with_expiry(options.now.plus_seconds(options.lifetime_secs));
    if let Some(ttl) = options.ttl_secs {
        token = token.with_ttl(ttl);
    }
    let token = token.sign(signer, options.kid.as_deref())?;
    Ok(Published { token, info })
}

/// Re-signs only when the list changed since `last_published_version`.
pub fn republish_if_changed<S: Store>(
    store: &S,
    uri: &StatusListUri,
    signer: &dyn Signer,
    options: &PublishOptions,
    last_published_version: u64,
) -> Result<Option<Published>> {
    if store.status_list_info(uri)?.version == last_published_version {
        return Ok(None);
    }
    publish(store, uri, signer, options).map(Some)
}
