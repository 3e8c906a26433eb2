use core::fmt;

use p256::elliptic_curve::sec1::ToEncodedPoint;
use zeroize::Zeroizing;

use super::Algorithm;
use crate::error::{Error, JoseError, Result};

/// A P-256 public key, checked to be a point on the curve when it was built.
///
/// ```
/// use myna_vc_core::crypto::{P256PublicKey, SecretKey, PublicKey};
/// let PublicKey::P256(public) = SecretKey::generate_p256()?.public_key() else { unreachable!() };
/// let again = P256PublicKey::from_sec1(&public.to_sec1_compressed())?;
/// assert_eq!(public, again);
/// assert!(P256PublicKey::from_coordinates(&[1; 32], &[2; 32]).is_err()); // not on the curve
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct P256PublicKey {
    x: [u8; 32],
    y: [u8; 32],
}

impl P256PublicKey {
    /// From the affine coordinates (the JWK `x` and `y`), each 32 bytes big-endian.
    pub fn from_coordinates(x: &[u8], y: &[u8]) -> Result<Self> {
        if x.len() != 32 || y.len() != 32 {
            return Err(Error::Jose(JoseError::InvalidKey(
                "P-256 coordinates must be 32 bytes each".into(),
            )));
        }
        let mut sec1 = [0u8; 65];
        sec1[0] = 4;
        sec1[1..33].copy_from_slice(x);
        sec1[33..].copy_from_slice(y);
        Self::from_sec1(&sec1)
    }

    /// From a SEC1 point, compressed (33 bytes) or uncompressed (65 bytes).
    pub fn from_sec1(bytes: &[u8]) -> Result<Self> {
        // Only the two standard forms: the `elliptic-curve` crate also knows "compact" (0x05)
        // and identity encodings, which would give one key two encodings (and two did:keys).
        let standard = matches!(
            (bytes.first(), bytes.len()),
            (Some(2 | 3), 33) | (Some(4), 65)
        );
        if !standard {
            return Err(Error::Jose(JoseError::InvalidKey(
                "P-256 points are 33-byte compressed (02/03) or 65-byte uncompressed (04)".into(),
            )));
        }
        let point = p256::PublicKey::from_sec1_bytes(bytes)
            .map_err(|_| Error::Jose(JoseError::InvalidKey("not a point on P-256".into())))?;
        let encoded = point.to_encoded_point(false);
        let (Some(x), Some(y)) = (encoded.x(), encoded.y()) else {
            return Err(Error::Jose(JoseError::InvalidKey(
                "P-256 point at infinity".into(),
            )));
        };
        let mut key = P256PublicKey {
            x: [0; 32],
            y: [0; 32],
        };
        key.x.copy_from_slice(x);
        key.y.copy_from_slice(y);
        Ok(key)
    }

    /// The x coordinate.
    pub fn x(&self) -> &[u8; 32] {
        &self.x
    }

    /// The y coordinate.
    pub fn y(&self) -> &[u8; 32] {
        &self.y
    }

    /// `04 || x || y`.
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[0] = 4;
        out[1..33].copy_from_slice(&self.x);
        out[33..].copy_from_slice(&self.y);
        out
    }

    /// `02|03 || x`, as did:key uses.
    pub fn to_sec1_compressed(&self) -> [u8; 33] {
        let mut out = [0u8; 33];
        out[0] = 2 | (self.y[31] & 1);
        out[1..].copy_from_slice(&self.x);
        out
    }
}

/// An Ed25519 public key, checked to decode to a curve point when it was built.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Ed25519PublicKey([u8; 32]);

impl Ed25519PublicKey {
    /// From the 32-byte encoding (the JWK `x`).
    ///
    /// ```
    /// use myna_vc_core::crypto::Ed25519PublicKey;
    /// assert!(Ed25519PublicKey::from_bytes(&[0u8; 31]).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::Jose(JoseError::InvalidKey("Ed25519 keys are 32 bytes".into())))?;
        ed25519_dalek::VerifyingKey::from_bytes(&array)
            .map_err(|_| Error::Jose(JoseError::InvalidKey("not an Ed25519 point".into())))?;
        Ok(Ed25519PublicKey(array))
    }

    /// The 32-byte encoding.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The smallest RSA modulus accepted (JPKI keys are 2048 bits).
pub const RSA_MIN_BITS: usize = 2048;
/// The largest RSA modulus accepted.
pub const RSA_MAX_BITS: usize = 4096;

/// An RSA public key (verification only), 2048 to 4096 bits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RsaPublicKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaPublicKey {
    /// From the big-endian modulus and exponent (leading zero bytes are ignored).
    ///
    /// ```
    /// use myna_vc_core::crypto::RsaPublicKey;
    /// assert!(RsaPublicKey::from_components(&[0xff; 128], &[1, 0, 1]).is_err()); // 1024 bits
    /// assert!(RsaPublicKey::from_components(&[], &[1, 0, 1]).is_err()); // no modulus at all
    /// ```
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        // An empty or all-zero modulus (a JWK `"n": ""` or `"AA"`, a certificate's INTEGER 0)
        // is no key at all: refused here, before any size arithmetic.
        let Some(bits) = significant_bits(n) else {
            return Err(Error::Jose(JoseError::InvalidKey(
                "RSA modulus is zero (empty after leading zero bytes)".into(),
            )));
        };
        if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
            return Err(Error::Jose(JoseError::InvalidKey(format!(
                "RSA modulus of {bits} bits; {RSA_MIN_BITS} to {RSA_MAX_BITS} are accepted"
            ))));
        }
        if n.last().is_some_and(|b| b & 1 == 0) {
            return Err(Error::Jose(JoseError::InvalidKey(
                "RSA modulus must be odd".into(),
            )));
        }
        let e_ok = !e.is_empty() && e.len() <= 4 && e.last().is_some_and(|b| b & 1 == 1);
        if !e_ok || e == [1] {
            return Err(Error::Jose(JoseError::InvalidKey(
                "RSA exponent must be odd, above 1 and at most 32 bits".into(),
            )));
        }
        Ok(RsaPublicKey {
            n: n.to_vec(),
            e: e.to_vec(),
        })
    }

    /// The modulus, big-endian without leading zeros.
    pub fn n(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, big-endian without leading zeros.
    pub fn e(&self) -> &[u8] {
        &self.e
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        significant_bits(&self.n).unwrap_or(0)
    }
}

/// The bit length of a big-endian number without leading zero bytes; `None` when it is empty
/// (the number zero).
fn significant_bits(stripped: &[u8]) -> Option<usize> {
    let first = stripped.first()?;
    // `first` is non-zero, so it has at most 7 leading zeros: no underflow.
    let unused = first.leading_zeros() as usize;
    stripped.len().checked_mul(8)?.checked_sub(unused)
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// A public verification key of a supported type.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum PublicKey {
    /// EC P-256 (ES256).
    P256(P256PublicKey),
    /// Ed25519 (EdDSA).
    Ed25519(Ed25519PublicKey),
    /// RSA (RS256, verify only).
    Rsa(RsaPublicKey),
}

impl PublicKey {
    /// The one JWS algorithm allowed with this key type.
    pub fn allowed_algorithm(&self) -> Algorithm {
        match self {
            PublicKey::P256(_) => Algorithm::Es256,
            PublicKey::Ed25519(_) => Algorithm::EdDsa,
            PublicKey::Rsa(_) => Algorithm::Rs256,
        }
    }

    /// A human name of the key type, for errors.
    pub fn type_name(&self) -> &'static str {
        match self {
            PublicKey::P256(_) => "EC P-256",
            PublicKey::Ed25519(_) => "OKP Ed25519",
            PublicKey::Rsa(_) => "RSA",
        }
    }
}

impl fmt::Debug for P256PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P256PublicKey({})",
            crate::b64::encode(self.to_sec1_compressed())
        )
    }
}

impl fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519PublicKey({})", crate::b64::encode(self.0))
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits())
    }
}

/// A private signing key. The secret bytes are zeroized on drop and never printed.
///
/// ```
/// use myna_vc_core::crypto::SecretKey;
/// let key = SecretKey::generate_p256()?;
/// assert_eq!(format!("{key:?}"), "SecretKey::P256(<redacted>)");
/// let same = SecretKey::p256_from_bytes(key.to_bytes().as_ref())?;
/// assert_eq!(same.public_key(), key.public_key());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum SecretKey {
    /// A P-256 private scalar with its public point.
    P256 {
        /// The 32-byte big-endian scalar.
        d: Zeroizing<[u8; 32]>,
        /// The matching public key.
        public: P256PublicKey,
    },
    /// An Ed25519 seed with its public key.
    Ed25519 {
        /// The 32-byte seed.
        seed: Zeroizing<[u8; 32]>,
        /// The matching public key.
        public: Ed25519PublicKey,
    },
}

impl SecretKey {
    /// A fresh random P-256 key.
    pub fn generate_p256() -> Result<Self> {
        loop {
            let mut d = Zeroizing::new([0u8; 32]);
            super::fill_random(d.as_mut())?;
            // A random 32-byte string is a valid scalar except with probability ~2^-32.
            if let Ok(key) = Self::p256_from_bytes(d.as_ref()) {
                return Ok(key);
            }
        }
    }

    /// A fresh random Ed25519 key.
    pub fn generate_ed25519() -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        super::fill_random(seed.as_mut())?;
        Self::ed25519_from_seed(seed.as_ref())
    }

    /// A P-256 key from its 32-byte scalar (the JWK `d`).
    pub fn p256_from_bytes(d: &[u8]) -> Result<Self> {
        let secret = p256::SecretKey::from_slice(d)
            .map_err(|_| Error::Jose(JoseError::InvalidKey("not a P-256 private scalar".into())))?;
        let public =
            P256PublicKey::from_sec1(secret.public_key().to_encoded_point(false).as_bytes())?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&secret.to_bytes());
        Ok(SecretKey::P256 { d: bytes, public })
    }

    /// A P-256 key from PKCS#8 DER, as OpenSSL (`openssl genpkey -algorithm EC -pkeyopt
    /// ec_paramgen_curve:P-256 -outform DER`) and certificate tooling write a certificate's key.
    ///
    /// ```
    /// use myna_vc_core::crypto::{PublicKey, SecretKey};
    /// let made = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    /// let key = SecretKey::p256_from_pkcs8_der(&made.serialize_der())?;
    /// let PublicKey::P256(public) = key.public_key() else { unreachable!() };
    /// assert_eq!(&public.to_sec1_uncompressed()[..], made.public_key_raw());
    /// assert!(SecretKey::p256_from_pkcs8_der(b"not DER").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn p256_from_pkcs8_der(der: &[u8]) -> Result<Self> {
        use p256::pkcs8::DecodePrivateKey;
        let secret = p256::SecretKey::from_pkcs8_der(der).map_err(|_| {
            Error::Jose(JoseError::InvalidKey(
                "not a P-256 private key in PKCS#8 DER".into(),
            ))
        })?;
        let scalar = Zeroizing::new(secret.to_bytes());
        Self::p256_from_bytes(&scalar[..])
    }

    /// An Ed25519 key from its 32-byte seed (the JWK `d`).
    pub fn ed25519_from_seed(seed: &[u8]) -> Result<Self> {
        let array: Zeroizing<[u8; 32]> = Zeroizing::new(seed.try_into().map_err(|_| {
            Error::Jose(JoseError::InvalidKey("Ed25519 seeds are 32 bytes".into()))
        })?);
        let signing = ed25519_dalek::SigningKey::from_bytes(&array);
        let public = Ed25519PublicKey::from_bytes(signing.verifying_key().as_bytes())?;
        Ok(SecretKey::Ed25519 {
            seed: array,
            public,
        })
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        match self {
            SecretKey::P256 { public, .. } => PublicKey::P256(public.clone()),
            SecretKey::Ed25519 { public, .. } => PublicKey::Ed25519(public.clone()),
        }
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SecretKey::P256 { .. } => Algorithm::Es256,
            SecretKey::Ed25519 { .. } => Algorithm::EdDsa,
        }
    }

    /// The secret bytes (scalar or seed), in a buffer that zeroizes itself.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        match self {
            SecretKey::P256 { d, .. } => d.clone(),
            SecretKey::Ed25519 { seed, .. } => seed.clone(),
        }
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretKey::P256 { .. } => f.write_str("SecretKey::P256(<redacted>)"),
            SecretKey::Ed25519 { .. } => f.write_str("SecretKey::Ed25519(<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(n: &[u8]) -> String {
        match RsaPublicKey::from_components(n, &[1, 0, 1]) {
            Err(Error::Jose(JoseError::InvalidKey(reason))) => reason,
            other => panic!("modulus {n:?}: expected InvalidKey, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_modulus_is_a_typed_error() {
        assert!(refusal(&[]).contains("zero"), "{}", refusal(&[]));
    }

    #[test]
    fn a_zero_modulus_is_a_typed_error_whatever_its_length() {
        for n in [&[0u8][..], &[0; 3], &[0; 256], &[0; 600]] {
            assert!(refusal(n).contains("zero"), "{n:?}: {}", refusal(n));
        }
    }

    #[test]
    fn jwk_moduli_empty_and_zero_are_refused_as_invalid_keys() {
        // "" is no bytes, "AA" one zero byte: the JWK forms of the issue-17 panic.
        for n in ["", "AA", "AAAA"] {
            let jwk = serde_json::json!({"kty": "RSA", "n": n, "e": "AQAB"});
            match PublicKey::from_jwk(&jwk) {
                Err(Error::Jose(JoseError::InvalidKey(reason))) => {
                    assert!(reason.contains("zero"), "n = {n:?}: {reason}")
                }
                other => panic!("n = {n:?}: expected InvalidKey, got {other:?}"),
            }
        }
    }

    #[test]
    fn bit_length_counts_from_the_first_set_bit() {
        assert_eq!(significant_bits(&[]), None);
        assert_eq!(significant_bits(&[1]), Some(1));
        assert_eq!(significant_bits(&[0x80, 0]), Some(16));
        let mut n = vec![0xff; 256];
        n[0] = 0x7f; // 2047 bits: one short of the minimum
        assert!(refusal(&n).contains("2047 bits"), "{}", refusal(&n));
        n[0] = 0x80;
        let key = RsaPublicKey::from_components(&n, &[1, 0, 1]).unwrap();
        assert_eq!(key.bits(), 2048);
    }
}
