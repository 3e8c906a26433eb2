//! The native providers. AWS-LC (`aws-lc-rs`) and *ring* expose the same API, so one macro
//! writes both and they cannot drift apart; the benchmark `provider` measures them side by side.

use super::{check_alg_for_key, Algorithm, CryptoProvider, PublicKey, SecretKey, Signer};
use crate::error::{Error, JoseError, Result};

macro_rules! native_provider {
    ($(#[$doc:meta])* $name:ident, $label:literal, $backend:ident, $ecdsa_from_parts:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl CryptoProvider for $name {
            fn name(&self) -> &'static str {
                $label
            }

            fn verify(
                &self,
                alg: Algorithm,
                key: &PublicKey,
                message: &[u8],
                sig: &[u8],
            ) -> Result<()> {
                use $backend::signature as s;
                check_alg_for_key(alg, key)?;
                let outcome = match key {
                    PublicKey::P256(k) => {
                        s::UnparsedPublicKey::new(&s::ECDSA_P256_SHA256_FIXED, k.to_sec1_uncompressed())
                            .verify(message, sig)
                    }
                    PublicKey::Ed25519(k) => {
                        s::UnparsedPublicKey::new(&s::ED25519, k.as_bytes()).verify(message, sig)
                    }
                    PublicKey::Rsa(k) => s::RsaPublicKeyComponents { n: k.n(), e: k.e() }
                        .verify(&s::RSA_PKCS1_2048_8192_SHA256, message, sig),
                };
                outcome.map_err(|_| Error::Jose(JoseError::SignatureInvalid))
            }

            fn signer(&self, key: &SecretKey) -> Result<Box<dyn Signer>> {
                use $backend::signature as s;
                let public = key.public_key();
                match key {
                    SecretKey::P256 { d, public: p } => {
                        let pair: s::EcdsaKeyPair = $ecdsa_from_parts(d.as_ref(), &p.to_sec1_uncompressed())
                            .map_err(|e| Error::Jose(JoseError::InvalidKey(format!("{e}"))))?;
                        Ok(Box::new(NativeP256 { pair, public }))
                    }
                    SecretKey::Ed25519 { seed, public: p } => {
                        let pair = s::Ed25519KeyPair::from_seed_and_public_key(seed.as_ref(), p.as_bytes())
                            .map_err(|e| Error::Jose(JoseError::InvalidKey(format!("{e}"))))?;
                        Ok(Box::new(NativeEd25519 { pair, public }))
                    }
                }
            }
        }

        struct NativeP256 {
            pair: $backend::signature::EcdsaKeyPair,
            public: PublicKey,
        }

        impl Signer for NativeP256 {
            fn algorithm(&self) -> Algorithm {
                Algorithm::Es256
            }
            fn public_key(&self) -> PublicKey {
                self.public.clone()
            }
            fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
                let rng = $backend::rand::SystemRandom::new();
                let sig = self
                    .pair
                    .sign(&rng, message)
                    .map_err(|_| Error::Jose(JoseError::Crypto("ECDSA signing failed".into())))?;
                Ok(sig.as_ref().to_vec())
            }
        }

        struct NativeEd25519 {
            pair: $backend::signature::Ed25519KeyPair,
            public: PublicKey,
        }

        impl Signer for NativeEd25519 {
            fn algorithm(&self) -> Algorithm {
                Algorithm::EdDsa
            }
            fn public_key(&self) -> PublicKey {
                self.public.clone()
            }
            fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
                Ok(self.pair.sign(message).as_ref().to_vec())
            }
        }
    };
}

#[cfg(feature = "aws-lc-rs")]
mod aws_lc {
    use super::*;
    native_provider!(
        /// The AWS-LC provider (`aws-lc-rs`): the default native provider.
        ///
        /// ```
        /// use myna_vc_core::crypto::{AwsLc, CryptoProvider, SecretKey};
        /// let key = SecretKey::generate_p256()?;
        /// let sig = AwsLc.signer(&key)?.sign(b"x")?;
        /// AwsLc.verify(key.algorithm(), &key.public_key(), b"x", &sig)?;
        /// # Ok::<(), myna_vc_core::Error>(())
        /// ```
        AwsLc,
        "aws-lc-rs",
        aws_lc_rs,
        |d: &[u8], public: &[u8]| {
            aws_lc_rs::signature::EcdsaKeyPair::from_private_key_and_public_key(
                &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                d,
                public,
            )
        }
    );
}
#[cfg(feature = "aws-lc-rs")]
pub use aws_lc::AwsLc;

#[cfg(feature = "ring")]
mod ring_backend {
    use super::*;
    native_provider!(
        /// The *ring* provider.
        ///
        /// ```
        /// use myna_vc_core::crypto::{Ring, CryptoProvider, SecretKey};
        /// let key = SecretKey::generate_p256()?;
        /// let sig = Ring.signer(&key)?.sign(b"x")?;
        /// Ring.verify(key.algorithm(), &key.public_key(), b"x", &sig)?;
        /// # Ok::<(), myna_vc_core::Error>(())
        /// ```
        Ring,
        "ring",
        ring,
        |d: &[u8], public: &[u8]| {
            ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
                &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                d,
                public,
                &ring::rand::SystemRandom::new(),
            )
        }
    );
}
#[cfg(feature = "ring")]
pub use ring_backend::Ring;
