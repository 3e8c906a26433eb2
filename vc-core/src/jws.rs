//! JWS compact serialization (RFC 7515) with strict header rules.
//!
//! The rules, all checked by [`Jws::parse`] before any signature arithmetic:
//! `alg` must be present and one of ES256, EdDSA, RS256 (`none` is [`JoseError::AlgNone`]);
//! `crit` may not name anything (this crate implements no extensions, so every critical
//! parameter is [`JoseError::UnsupportedCritical`]); `b64: false` is [`JoseError::UnencodedPayload`].
//! [`Jws::verify`] then refuses an `alg` that does not belong to the key's type.
//!
//! ```
//! use myna_vc_core::{crypto::{default_provider, SecretKey}, jws::{self, Jws, JwsHeader}};
//! let key = SecretKey::generate_p256()?;
//! let signer = default_provider().signer(&key)?;
//! let compact = jws::sign(&JwsHeader::new(signer.algorithm()).with_typ("example+jwt"), b"{}", &*signer)?;
//! let parsed = Jws::parse(&compact)?;
//! parsed.verify(default_provider(), &key.public_key())?;
//! assert_eq!(parsed.header().typ.as_deref(), Some("example+jwt"));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use serde_json::{Map, Value};

use crate::crypto::{check_alg_for_key, Algorithm, CryptoProvider, PublicKey, Signer};
use crate::error::{Error, JoseError, Result};
use crate::jwk::Jwk;
use crate::{b64, json};

/// A JWS protected header: the parameters this crate interprets, plus the rest as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct JwsHeader {
    /// `alg`.
    pub alg: Algorithm,
    /// `typ`, if present.
    pub typ: Option<String>,
    /// `kid`, if present.
    pub kid: Option<String>,
    /// `jwk`, if present (a public key; private members are refused).
    pub jwk: Option<Jwk>,
    /// `x5c`: the certificate chain as standard base64 DER strings, leaf first.
    pub x5c: Vec<String>,
    /// Every other header parameter, untouched.
    pub other: Map<String, Value>,
}

impl JwsHeader {
    /// A header with only `alg`.
    pub fn new(alg: Algorithm) -> Self {
        JwsHeader {
            alg,
            typ: None,
            kid: None,
            jwk: None,
            x5c: Vec::new(),
            other: Map::new(),
        }
    }

    /// Sets `typ`.
    pub fn with_typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// Sets `kid`.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Sets `x5c` (standard base64 DER certificates, leaf first).
    pub fn with_x5c(mut self, chain: Vec<String>) -> Self {
        self.x5c = chain;
        self
    }

    /// Sets a header parameter by name: `typ` and `kid` (when strings) go to their fields;
    /// `alg`, `jwk`, `x5c`, `crit` and `b64` are only set through their typed fields and are
    /// ignored here; anything else is kept as given.
    ///
    /// ```
    /// use myna_vc_core::{crypto::Algorithm, jws::JwsHeader};
    /// let h = JwsHeader::new(Algorithm::Es256).with_param("typ", "dc+sd-jwt".into()).with_param("x-a", 1.into());
    /// assert_eq!(h.typ.as_deref(), Some("dc+sd-jwt"));
    /// assert_eq!(h.to_json()["x-a"], 1);
    /// ```
    pub fn with_param(mut self, name: impl Into<String>, value: Value) -> Self {
        let name = name.into();
        match (name.as_str(), value) {
            ("typ", Value::String(typ)) => self.typ = Some(typ),
            ("kid", Value::String(kid)) => self.kid = Some(kid),
            ("alg" | "jwk" | "x5c" | "crit" | "b64" | "typ" | "kid", _) => {}
            (_, value) => {
                self.other.insert(name, value);
            }
        }
        self
    }

    /// The header as a JSON object.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut map = self.other.clone();
        for reserved in ["alg", "typ", "kid", "jwk", "x5c", "crit", "b64"] {
            map.remove(reserved);
        }
        map.insert("alg".into(), Value::String(self.alg.jose_name().into()));
        if let Some(typ) = &self.typ {
            map.insert("typ".into(), Value::String(typ.clone()));
        }
        if let Some(kid) = &self.kid {
            map.insert("kid".into(), Value::String(kid.clone()));
        }
        if let Some(jwk) = &self.jwk {
            map.insert("jwk".into(), jwk.to_json());
        }
        if !self.x5c.is_empty() {
            let chain = self.x5c.iter().cloned().map(Value::String).collect();
            map.insert("x5c".into(), Value::Array(chain));
        }
        map
    }

    fn from_json(mut map: Map<String, Value>) -> Result<Self> {
        let alg = match map.remove("alg") {
            Some(Value::String(alg)) => Algorithm::from_jose_name(&alg)?,
            Some(_) => return Err(Error::member_type("JWS header", "alg", "a string")),
            None => return Err(Error::missing_member("JWS header", "alg")),
        };
        if let Some(crit) = map.get("crit") {
            let names = crit
                .as_array()
                .filter(|a| !a.is_empty())
                .ok_or_else(|| Error::member_type("JWS header", "crit", "a non-empty array"))?;
            // No extension is implemented, so the first critical name is already one too many.
            let first = names.first().and_then(Value::as_str).unwrap_or("");
            return Err(Error::Jose(JoseError::UnsupportedCritical(
                first.chars().take(32).collect(),
            )));
        }
        match map.get("b64") {
            None | Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => return Err(Error::Jose(JoseError::UnencodedPayload)),
            Some(_) => return Err(Error::member_type("JWS header", "b64", "a boolean")),
        }
        let typ = optional_string(&mut map, "typ")?;
        let kid = optional_string(&mut map, "kid")?;
        let jwk = map.remove("jwk").map(|v| Jwk::from_json(&v)).transpose()?;
        let x5c = match map.remove("x5c") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    _ => Err(Error::member_type(
                        "JWS header",
                        "x5c",
                        "an array of strings",
                    )),
                })
                .collect::<Result<_>>()?,
            Some(_) => {
                return Err(Error::member_type(
                    "JWS header",
                    "x5c",
                    "an array of strings",
                ))
            }
        };
        Ok(JwsHeader {
            alg,
            typ,
            kid,
            jwk,
            x5c,
            other: map,
        })
    }
}

fn optional_string(map: &mut Map<String, Value>, name: &'static str) -> Result<Option<String>> {
    match map.remove(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::member_type("JWS header", name, "a string")),
    }
}

/// A parsed compact JWS whose header passed the rules; the signature is not yet checked.
#[derive(Debug, Clone)]
pub struct Jws {
    header: JwsHeader,
    signing_input: String,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl Jws {
    /// Parses `header.payload.signature`, enforcing the header rules of the
    /// [module docs](self).
    pub fn parse(compact: &str) -> Result<Self> {
        json::check_size("JWS", compact.len())?;
        let mut parts = compact.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::Jose(JoseError::NotCompact));
        };
        let header = JwsHeader::from_json(json::parse_object(
            &b64::decode(h, "JWS header")?,
            "JWS header",
        )?)?;
        let payload = b64::decode(p, "JWS payload")?;
        let signature = b64::decode(s, "JWS signature")?;
        let signing_input_len = h.len() + 1 + p.len();
        Ok(Jws {
            header,
            signing_input: compact
                .get(..signing_input_len)
                .unwrap_or_default()
                .to_owned(),
            payload,
            signature,
        })
    }

    /// The checked header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The checked header, giving up the rest.
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, jws::{self, Jws, JwsHeader}};
    /// let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
    /// let compact = jws::sign(&JwsHeader::new(signer.algorithm()).with_kid("k1"), b"{}", &*signer)?;
    /// assert_eq!(Jws::parse(&compact)?.into_header().kid.as_deref(), Some("k1"));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn into_header(self) -> JwsHeader {
        self.header
    }

    /// The decoded payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The payload parsed as a JSON object (size and depth guarded).
    pub fn payload_object(&self, what: &'static str) -> Result<Map<String, Value>> {
        json::parse_object(&self.payload, what)
    }

    /// `base64url(header) || '.' || base64url(payload)`: the bytes the signature covers.
    pub fn signing_input(&self) -> &str {
        &self.signing_input
    }

    /// The decoded signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// Verifies the signature with `key`, refusing an `alg` that does not fit the key.
    pub fn verify(&self, provider: &dyn CryptoProvider, key: &PublicKey) -> Result<()> {
        check_alg_for_key(self.header.alg, key)?;
        provider.verify(
            self.header.alg,
            key,
            self.signing_input.as_bytes(),
            &self.signature,
        )
    }
}

/// Signs `payload` into a compact JWS. The header's `alg` is set from the signer.
pub fn sign(header: &JwsHeader, payload: &[u8], signer: &dyn Signer) -> Result<String> {
    let mut header = header.clone();
    header.alg = signer.algorithm();
    let header_json = serde_json::to_vec(&Value::Object(header.to_json()))
        .map_err(|e| Error::json("JWS header", &e))?;
    let mut out = b64::encode(header_json);
    out.push('.');
    out.push_str(&b64::encode(payload));
    let signature = signer.sign(out.as_bytes())?;
    out.push('.');
    out.push_str(&b64::encode(signature));
    Ok(out)
}
