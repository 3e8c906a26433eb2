//! The nonce endpoint: a fresh `c_nonce`, registered as a single-use challenge that expires
//! after `rules.nonce_lifetime_secs`. The credential endpoint consumes it only after every
//! key proof of the request verified, so a replayed proof meets a used nonce.

use myna_vc_core::oid4vci::{CNonce, NonceResponse};
use myna_vc_core::time::NumericDate;

use super::{EndpointError, Endpoints};
use crate::challenge::Nonce;
use crate::store::Store;

impl<S: Store> Endpoints<S> {
    /// A fresh `c_nonce`.
    ///
    /// ```
    /// # use myna_issuer::endpoint::{Endpoints, Setup};
    /// # use myna_vc_core::{crypto::{default_provider, SecretKey}, oid4vci::IssuerId};
    /// # let key = SecretKey::generate_p256()?;
    /// # let setup = Setup::new(myna_issuer::store::MemoryStore::new(),
    /// #     default_provider().signer(&key)?, IssuerId::new("https://dmo.example")?, None)?;
    /// let issuer = Endpoints::new(setup)?;
    /// let now = myna_vc_core::time::NumericDate::from_unix(1_800_000_000);
    /// assert_ne!(issuer.nonce(now)?.c_nonce, issuer.nonce(now)?.c_nonce);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nonce(&self, now: NumericDate) -> Result<NonceResponse, EndpointError> {
        let c_nonce = CNonce::generate()?;
        let bytes = myna_vc_core::b64::decode(c_nonce.as_str(), "c_nonce")?;
        let expires = now.plus_seconds(self.rules.nonce_lifetime_secs);
        self.store
            .register_challenge(&Nonce::from_bytes(bytes)?, expires)?;
        Ok(NonceResponse { c_nonce })
    }
}
