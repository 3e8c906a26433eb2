//! JSON Web Keys (RFC 7517/7518/8037) for the key types this crate supports, and RFC 7638
//! thumbprints.
//!
//! A JWK is parsed straight into a checked [`PublicKey`]: a point that is not on its curve, an
//! RSA modulus under 2048 bits or an unsupported curve never becomes a key.
//!
//! ```
//! use myna_vc_core::jwk::Jwk;
//! // The RFC 7638 §3.1 example key and its thumbprint.
//! let jwk = Jwk::from_json(&serde_json::json!({
//!     "kty": "RSA",
//!     "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
//!     "e": "AQAB",
//!     "alg": "RS256",
//!     "kid": "2011-04-29"
//! }))?;
//! assert_eq!(jwk.key.thumbprint().to_string(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
//! assert_eq!(jwk.kid.as_deref(), Some("2011-04-29"));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use core::fmt;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::b64;
use crate::crypto::{
    Algorithm, Ed25519PublicKey, P256PublicKey, PublicKey, RsaPublicKey, SecretKey,
};
use crate::error::{Error, JoseError, Result};

/// A public JWK: the checked key plus the optional `kid` and `alg` members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwk {
    /// The key.
    pub key: PublicKey,
    /// `kid`, if present.
    pub kid: Option<String>,
    /// `alg`, if present (it must be the key type's algorithm).
    pub alg: Option<Algorithm>,
}

impl Jwk {
    /// A JWK for `key` with no `kid` or `alg`.
    pub fn new(key: PublicKey) -> Self {
        Jwk {
            key,
            kid: None,
            alg: None,
        }
    }

    /// Parses a public JWK object. Private members are refused.
    pub fn from_json(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::not_an_object("JWK"))?;
        let key = PublicKey::from_jwk_members(obj)?;
        let kid = match obj.get("kid") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(Error::member_type("JWK", "kid", "a string")),
        };
        let alg = match obj.get("alg") {
            None => None,
            Some(Value::String(s)) => {
                let alg = Algorithm::from_jose_name(s)?;
                crate::crypto::check_alg_for_key(alg, &key)?;
                Some(alg)
            }
            Some(_) => return Err(Error::member_type("JWK", "alg", "a string")),
        };
        Ok(Jwk { key, kid, alg })
    }

    /// The JWK as a JSON object.
    pub fn to_json(&self) -> Value {
        let mut value = self.key.to_jwk();
        if let Value::Object(map) = &mut value {
            if let Some(kid) = &self.kid {
                map.insert("kid".into(), Value::String(kid.clone()));
            }
            if let Some(alg) = self.alg {
                map.insert("alg".into(), Value::String(alg.jose_name().into()));
            }
        }
        value
    }
}

const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

fn member<'a>(obj: &'a Map<String, Value>, name: &'static str) -> Result<&'a str> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(Error::member_type("JWK", name, "a string")),
        None => Err(Error::missing_member("JWK", name)),
    }
}

fn member_bytes(obj: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>> {
    b64::decode(member(obj, name)?, "JWK member")
}

impl PublicKey {
    /// Parses the members of a public JWK (`kty`, `crv`, `x`, `y`, `n`, `e`).
    ///
    /// ```
    /// use myna_vc_core::{crypto::PublicKey, Error};
    /// let p384 = serde_json::json!({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"});
    /// assert!(matches!(PublicKey::from_jwk(&p384), Err(Error::Jose(myna_vc_core::JoseError::UnsupportedKeyType(_)))));
    /// ```
    pub fn from_jwk(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::not_an_object("JWK"))?;
        Self::from_jwk_members(obj)
    }

    fn from_jwk_members(obj: &Map<String, Value>) -> Result<Self> {
        if PRIVATE_MEMBERS.iter().any(|m| obj.contains_key(*m)) {
            return Err(Error::Jose(JoseError::PrivateKeyInPublicJwk));
        }
        match member(obj, "kty")? {
            "EC" => match member(obj, "crv")? {
                "P-256" => Ok(PublicKey::P256(P256PublicKey::from_coordinates(
                    &member_bytes(obj, "x")?,
                    &member_bytes(obj, "y")?,
                )?)),
                other => Err(Error::Jose(JoseError::UnsupportedKeyType(format!(
                    "EC curve {}",
                    short(other)
                )))),
            },
            "OKP" => match member(obj, "crv")? {
                "Ed25519" => Ok(PublicKey::Ed25519(Ed25519PublicKey::from_bytes(
                    &member_bytes(obj, "x")?,
                )?)),
                other => Err(Error::Jose(JoseError::UnsupportedKeyType(format!(
                    "OKP curve {}",
                    short(other)
                )))),
            },
            "RSA" => Ok(PublicKey::Rsa(RsaPublicKey::from_components(
                &member_bytes(obj, "n")?,
                &member_bytes(obj, "e")?,
            )?)),
            other => Err(Error::Jose(JoseError::UnsupportedKeyType(format!(
                "kty {}",
                short(other)
            )))),
        }
    }

    /// The key's required JWK members, as a JSON object.
    pub fn to_jwk(&self) -> Value {
        match self {
            PublicKey::P256(k) => json!({
                "kty": "EC", "crv": "P-256", "x": b64::encode(k.x()), "y": b64::encode(k.y())
            }),
            PublicKey::Ed25519(k) => {
                json!({"kty": "OKP", "crv": "Ed25519", "x": b64::encode(k.as_bytes())})
            }
            PublicKey::Rsa(k) => {
                json!({"kty": "RSA", "n": b64::encode(k.n()), "e": b64::encode(k.e())})
            }
        }
    }

    /// The RFC 7638 JWK thumbprint (SHA-256).
    pub fn thumbprint(&self) -> Thumbprint {
        // Required members only, lexicographic order, no white space (RFC 7638 §3.2). All
        // values are base64url or fixed names, so no JSON escaping can arise.
        let canonical = match self {
            PublicKey::P256(k) => format!(
                r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                b64::encode(k.x()),
                b64::encode(k.y())
            ),
            PublicKey::Ed25519(k) => format!(
                r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
                b64::encode(k.as_bytes())
            ),
            PublicKey::Rsa(k) => format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                b64::encode(k.e()),
                b64::encode(k.n())
            ),
        };
        Thumbprint(Sha256::digest(canonical.as_bytes()).into())
    }
}

impl SecretKey {
    /// Parses a private JWK (EC P-256 or OKP Ed25519 with `d`), checking that `d` matches the
    /// public members.
    ///
    /// ```
    /// use myna_vc_core::crypto::SecretKey;
    /// let key = SecretKey::generate_p256()?;
    /// let again = SecretKey::from_jwk(&key.to_jwk())?;
    /// assert_eq!(again.public_key(), key.public_key());
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_jwk(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::not_an_object("JWK"))?;
        let d = zeroize::Zeroizing::new(member_bytes(obj, "d")?);
        let key = match member(obj, "kty")? {
            "EC" => SecretKey::p256_from_bytes(&d)?,
            "OKP" => SecretKey::ed25519_from_seed(&d)?,
            other => {
                return Err(Error::Jose(JoseError::UnsupportedKeyType(format!(
                    "private {}",
                    short(other)
                ))))
            }
        };
        let mut public = obj.clone();
        for m in PRIVATE_MEMBERS {
            public.remove(m);
        }
        if PublicKey::from_jwk_members(&public)? != key.public_key() {
            return Err(Error::Jose(JoseError::InvalidKey(
                "`d` does not match the public key".into(),
            )));
        }
        Ok(key)
    }

    /// The private JWK (public members plus `d`). Handle the result as a secret.
    pub fn to_jwk(&self) -> Value {
        let mut value = self.public_key().to_jwk();
        if let Value::Object(map) = &mut value {
            map.insert(
                "d".into(),
                Value::String(b64::encode(self.to_bytes().as_ref())),
            );
        }
        value
    }
}

fn short(s: &str) -> String {
    s.chars().take(24).collect()
}

/// An RFC 7638 SHA-256 JWK thumbprint; `Display` gives its base64url form.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Thumbprint(pub [u8; 32]);

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64::encode(self.0))
    }
}

impl fmt::Debug for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Thumbprint({self})")
    }
}
