//! Signatures behind a pluggable provider, in the manner of rustls.
//!
//! Everything in this crate that signs or verifies goes through a [`CryptoProvider`]. Two kinds
//! are built in:
//!
//! * [`pure::PureRust`], on RustCrypto's `p256` and `rsa` and on `ed25519-dalek`. It is always
//!   compiled, and it is the one that builds for `wasm32-unknown-unknown`.
//! * a native one on AWS-LC (feature `aws-lc-rs`, on by default) or on *ring* (feature `ring`),
//!   several times faster for ES256 verification. Both were measured; see the crate README and
//!   the `provider` benchmark.
//!
//! [`default_provider`] picks the fastest compiled one; [`providers`] lists them all, which is
//! how the test suite runs once per provider.
//!
//! ```
//! use myna_vc_core::crypto::{default_provider, SecretKey};
//! let key = SecretKey::generate_p256()?;
//! let provider = default_provider();
//! let signer = provider.signer(&key)?;
//! let sig = signer.sign(b"hello")?;
//! provider.verify(signer.algorithm(), &key.public_key(), b"hello", &sig)?;
//! assert!(provider.verify(signer.algorithm(), &key.public_key(), b"hellO", &sig).is_err());
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

mod algorithm;
mod keys;
#[cfg(any(feature = "aws-lc-rs", feature = "ring"))]
mod native;
pub mod pure;

pub use algorithm::Algorithm;
pub use keys::{Ed25519PublicKey, P256PublicKey, PublicKey, RsaPublicKey, SecretKey};
#[cfg(feature = "aws-lc-rs")]
pub use native::AwsLc;
#[cfg(feature = "ring")]
pub use native::Ring;

use crate::error::{Error, JoseError, Result};

/// Something that signs with one key: a software key, a phone's secure element, a card.
///
/// ```
/// use myna_vc_core::crypto::{default_provider, Algorithm, SecretKey, Signer};
/// let key = SecretKey::generate_ed25519()?;
/// let signer: Box<dyn Signer> = default_provider().signer(&key)?;
/// assert_eq!(signer.algorithm(), Algorithm::EdDsa);
/// assert_eq!(signer.sign(b"m")?.len(), 64);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub trait Signer: Send + Sync {
    /// The JWS algorithm of the signatures this signer makes.
    fn algorithm(&self) -> Algorithm;
    /// The public half of the signing key.
    fn public_key(&self) -> PublicKey;
    /// Signs `message`, returning the JWS signature bytes (`r || s` for ES256).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

/// A set of signature implementations. See the [module docs](self).
pub trait CryptoProvider: Send + Sync + core::fmt::Debug {
    /// A short name for reports and benchmarks ("aws-lc-rs", "ring", "pure-rust").
    fn name(&self) -> &'static str;

    /// Checks that `signature` is a valid `alg` signature of `message` by `key`.
    ///
    /// Fails closed: an algorithm that does not belong to the key's type is
    /// [`JoseError::AlgorithmKeyMismatch`] before any arithmetic is done.
    fn verify(
        &self,
        alg: Algorithm,
        key: &PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()>;

    /// A signer for `key`, with whatever precomputation the backend does once per key.
    fn signer(&self, key: &SecretKey) -> Result<Box<dyn Signer>>;
}

/// The fastest provider compiled into this build: AWS-LC, else *ring*, else pure Rust.
pub fn default_provider() -> &'static dyn CryptoProvider {
    #[cfg(feature = "aws-lc-rs")]
    {
        &AwsLc
    }
    #[cfg(all(not(feature = "aws-lc-rs"), feature = "ring"))]
    {
        &Ring
    }
    #[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
    {
        &pure::PureRust
    }
}

/// Every provider compiled into this build, the default first.
///
/// ```
/// let names: Vec<_> = myna_vc_core::crypto::providers().iter().map(|p| p.name()).collect();
/// assert!(names.contains(&"pure-rust"));
/// ```
pub fn providers() -> Vec<&'static dyn CryptoProvider> {
    let all: Vec<&'static dyn CryptoProvider> = vec![
        #[cfg(feature = "aws-lc-rs")]
        &AwsLc,
        #[cfg(feature = "ring")]
        &Ring,
        &pure::PureRust,
    ];
    all
}

/// The allow-list: which algorithm may be used with which key type.
pub(crate) fn check_alg_for_key(alg: Algorithm, key: &PublicKey) -> Result<()> {
    if key.allowed_algorithm() == alg {
        return Ok(());
    }
    Err(Error::Jose(JoseError::AlgorithmKeyMismatch {
        alg: alg.jose_name(),
        key_type: key.type_name(),
    }))
}

/// Fills `buf` from the operating system's CSPRNG (the browser's on wasm32).
pub fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf).map_err(|_| Error::Jose(JoseError::Randomness))
}
