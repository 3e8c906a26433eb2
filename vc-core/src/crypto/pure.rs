//! The pure-Rust provider: RustCrypto `p256` and `rsa`, and `ed25519-dalek`.
//!
//! Slower than the native providers, but it has no C in it, so it builds for
//! `wasm32-unknown-unknown` and anywhere else Rust goes.

use p256::ecdsa::signature::{Signer as _, Verifier as _};

use super::{check_alg_for_key, Algorithm, CryptoProvider, PublicKey, SecretKey, Signer};
use crate::error::{Error, JoseError, Result};

/// The pure-Rust [`CryptoProvider`].
///
/// ```
/// use myna_vc_core::crypto::{pure::PureRust, CryptoProvider, SecretKey};
/// let key = SecretKey::generate_p256()?;
/// let sig = PureRust.signer(&key)?.sign(b"x")?;
/// PureRust.verify(key.algorithm(), &key.public_key(), b"x", &sig)?;
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PureRust;

impl CryptoProvider for PureRust {
    fn name(&self) -> &'static str {
        "pure-rust"
    }

    fn verify(&self, alg: Algorithm, key: &PublicKey, message: &[u8], sig: &[u8]) -> Result<()> {
        check_alg_for_key(alg, key)?;
        match key {
            PublicKey::P256(k) => {
                let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&k.to_sec1_uncompressed())
                    .map_err(|_| {
                        Error::Jose(JoseError::InvalidKey("not a point on P-256".into()))
                    })?;
                let sig = p256::ecdsa::Signature::from_slice(sig)
                    .map_err(|_| Error::Jose(JoseError::SignatureInvalid))?;
                vk.verify(message, &sig)
                    .map_err(|_| Error::Jose(JoseError::SignatureInvalid))
            }
            PublicKey::Ed25519(k) => {
                let vk = ed25519_dalek::VerifyingKey::from_bytes(k.as_bytes()).map_err(|_| {
                    Error::Jose(JoseError::InvalidKey("not an Ed25519 point".into()))
                })?;
                let sig = ed25519_dalek::Signature::from_slice(sig)
                    .map_err(|_| Error::Jose(JoseError::SignatureInvalid))?;
                vk.verify(message, &sig)
                    .map_err(|_| Error::Jose(JoseError::SignatureInvalid))
            }
            PublicKey::Rsa(k) => {
                let n = rsa::BigUint::from_bytes_be(k.n());
                let e = rsa::BigUint::from_bytes_be(k.e());
                let pk = rsa::RsaPublicKey::new(n, e)
                    .map_err(|e| Error::Jose(JoseError::InvalidKey(format!("RSA: {e}"))))?;
                let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(pk);
                let sig = rsa::pkcs1v15::Signature::try_from(sig)
                    .map_err(|_| Error::Jose(JoseError::SignatureInvalid))?;
                vk.verify(message, &sig)
                    .map_err(|_| Error::Jose(JoseError::SignatureInvalid))
            }
        }
    }

    fn signer(&self, key: &SecretKey) -> Result<Box<dyn Signer>> {
        match key {
            SecretKey::P256 { d, public } => {
                let sk = p256::ecdsa::SigningKey::from_slice(d.as_ref()).map_err(|_| {
                    Error::Jose(JoseError::InvalidKey("not a P-256 private scalar".into()))
                })?;
                Ok(Box::new(PureP256 {
                    key: sk,
                    public: PublicKey::P256(public.clone()),
                }))
            }
            SecretKey::Ed25519 { seed, public } => Ok(Box::new(PureEd25519 {
                key: ed25519_dalek::SigningKey::from_bytes(seed),
                public: PublicKey::Ed25519(public.clone()),
            })),
        }
    }
}

// Both signing keys zeroize themselves on drop (p256 and dalek `zeroize` support).
struct PureP256 {
    key: p256::ecdsa::SigningKey,
    public: PublicKey,
}

impl Signer for PureP256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Es256
    }
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let sig: p256::ecdsa::Signature = self
            .key
            .try_sign(message)
            .map_err(|e| Error::Jose(JoseError::Crypto(e.to_string())))?;
        Ok(sig.to_bytes().to_vec())
    }
}

struct PureEd25519 {
    key: ed25519_dalek::SigningKey,
    public: PublicKey,
}

impl Signer for PureEd25519 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EdDsa
    }
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        use ed25519_dalek::Signer as _;
        Ok(self.key.sign(message).to_bytes().to_vec())
    }
}
