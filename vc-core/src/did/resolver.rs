//! One entry point for DID resolution: did:key and did:jwk offline, did:web through a
//! [`DidWebCache`], anything else [`DidError::UnsupportedMethod`].
//!
//! ```
//! use myna_vc_core::{crypto::SecretKey, did::*, time::NumericDate, Error};
//! let resolver = DidResolver::offline();
//! let now = NumericDate::from_unix(1_750_000_000);
//! let holder = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
//!
//! let kid = holder.verification_method_id();
//! let key = resolver.resolve_key(VerificationRelationship::Authentication, &kid, now)?;
//! assert_eq!(&key, holder.public_key());
//!
//! let web = Did::parse("did:web:example.com")?;
//! assert!(matches!(resolver.resolve(&web, now), Err(Error::Did(myna_vc_core::DidError::WebNotConfigured))));
//! let ion = Did::parse("did:ion:EiClkZMDxPKqC9c-umQfTkR8vvZ9JPhl_xLDI9Nfk38w5w")?;
//! assert!(matches!(resolver.resolve(&ion, now), Err(Error::Did(myna_vc_core::DidError::UnsupportedMethod(_)))));
//! # Ok::<(), Error>(())
//! ```

use super::{
    shorten, Did, DidDocument, DidJwk, DidKey, DidUrl, DidWebCache, VerificationRelationship,
};
use crate::crypto::PublicKey;
use crate::error::{DidError, Error, Result};
use crate::time::NumericDate;

/// Resolves DIDs by method. See the [module docs](self).
#[derive(Debug, Default)]
pub struct DidResolver {
    web: Option<DidWebCache>,
}

impl DidResolver {
    /// A resolver for did:key and did:jwk only; did:web is [`DidError::WebNotConfigured`].
    pub fn offline() -> Self {
        DidResolver { web: None }
    }

    /// A resolver that also resolves did:web through `cache`.
    pub fn with_web(cache: DidWebCache) -> Self {
        DidResolver { web: Some(cache) }
    }

    /// The did:web cache, if there is one.
    pub fn web_cache(&self) -> Option<&DidWebCache> {
        self.web.as_ref()
    }

    /// The DID document of `did` at `now` (the instant matters for did:web caching only).
    pub fn resolve(&self, did: &Did, now: NumericDate) -> Result<DidDocument> {
        match did.method() {
            "key" => Ok(DidKey::from_did(did)?.document()),
            "jwk" => Ok(DidJwk::from_did(did)?.document()),
            "web" => self
                .web
                .as_ref()
                .ok_or(Error::Did(DidError::WebNotConfigured))?
                .resolve(did, now),
            other => Err(Error::Did(DidError::UnsupportedMethod(shorten(other)))),
        }
    }

    /// The key of the verification method `url` (a JWS `kid`), only if the DID's document
    /// lists it for `relationship`: use [`VerificationRelationship::AssertionMethod`] for
    /// issuer signatures and [`VerificationRelationship::Authentication`] for holder key
    /// binding.
    pub fn resolve_key(
        &self,
        relationship: VerificationRelationship,
        url: &DidUrl,
        now: NumericDate,
    ) -> Result<PublicKey> {
        self.resolve(url.did(), now)?
            .verification_key(relationship, url)
    }
}
