//! Decentralized identifiers: who signed a credential, and with which key.
//!
//! Holders identify themselves with did:key or did:jwk (the DID is the key; resolution is
//! offline and deterministic); municipalities, as issuers, with did:web (a document on a
//! domain they already own), fetched by the caller's edge and cached with an injected clock.
//!
//! * [`Did`] and [`DidUrl`]: DID Core syntax, checked at parse time.
//! * [`DidKey`] (P-256 and Ed25519, with [`multikey`] encoding), [`DidJwk`], [`DidWeb`].
//! * [`DidDocument`]: the DID Core document, and [`DidDocument::verification_key`], which
//!   hands out a key only for a relationship that lists it.
//! * [`DidWebFetcher`] and [`DidWebCache`]: did:web resolution through the caller's I/O, with
//!   fresh / stale / refused rules.
//! * [`DidResolver`]: dispatch by method.
//!
//! ```
//! use myna_vc_core::{crypto::SecretKey, did::*, time::NumericDate};
//! let issuer_key = SecretKey::generate_ed25519()?.public_key();
//! let holder = DidJwk::from_public_key(&issuer_key)?;
//! let kid = DidUrl::parse(&format!("{}#0", holder.did()))?;
//! let key = DidResolver::offline().resolve_key(
//!     VerificationRelationship::AssertionMethod,
//!     &kid,
//!     NumericDate::from_unix(1_750_000_000),
//! )?;
//! assert_eq!(key, issuer_key);
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

pub mod document;
pub mod identifier;
pub mod jwk;
pub mod key;
pub mod multikey;
pub mod resolver;
pub mod web;

pub use document::{
    DidDocument, VerificationMethod, VerificationReference, VerificationRelationship, DID_CONTEXT,
    JSON_WEB_KEY, JSON_WEB_KEY_2020, JSON_WEB_KEY_2020_CONTEXT, MULTIKEY, MULTIKEY_CONTEXT,
};
pub use identifier::{Did, DidUrl, MAX_DID_LENGTH};
pub use jwk::DidJwk;
pub use key::DidKey;
pub use resolver::DidResolver;
pub use web::{
    CachePolicy, CachedDocument, DidWeb, DidWebCache, DidWebFetcher, FetchedDocument, Freshness,
};

/// At most this many characters of a DID or other untrusted text go into an error message.
const MAX_ECHO: usize = 120;

/// `text` cut to [`MAX_ECHO`] characters, for error messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHO) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or_default()),
        None => text.to_owned(),
    }
}
