use serde_json::Value;

use super::HashAlg;
use crate::error::{Error, Result, SdJwtError};
use crate::{b64, json};

/// What a disclosure reveals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisclosureKind {
    /// `[salt, name, value]`: an object property.
    Property {
        /// The claim name.
        name: String,
        /// The claim value (may itself hold digests).
        value: Value,
    },
    /// `[salt, value]`: an array element.
    ArrayElement {
        /// The element value (may itself hold digests).
        value: Value,
    },
}

/// One disclosure, kept in the exact encoding it arrived in (digests are over that string).
///
/// ```
/// use myna_vc_core::sdjwt::{Disclosure, DisclosureKind, HashAlg};
/// // RFC 9901 §4.2.1's example disclosure and its digest.
/// let d = Disclosure::parse("WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")?;
/// assert!(matches!(d.kind(), DisclosureKind::Property { name, .. } if name == "family_name"));
/// assert_eq!(d.digest(HashAlg::Sha256), "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    encoded: String,
    salt: String,
    kind: DisclosureKind,
}

impl Disclosure {
    /// Decodes one disclosure and checks its shape.
    pub fn parse(encoded: &str) -> Result<Self> {
        let bytes = b64::decode(encoded, "disclosure")?;
        let Value::Array(mut items) = json::parse(&bytes, "disclosure")? else {
            return Err(Error::SdJwt(SdJwtError::MalformedDisclosure(
                "not a JSON array".into(),
            )));
        };
        let (salt, kind) = match items.len() {
            2 => {
                let value = items.pop().unwrap_or_default();
                (items.pop(), DisclosureKind::ArrayElement { value })
            }
            3 => {
                let value = items.pop().unwrap_or_default();
                let Some(Value::String(name)) = items.pop() else {
                    return Err(Error::SdJwt(SdJwtError::MalformedDisclosure(
                        "the claim name is not a string".into(),
                    )));
                };
                if name == "_sd" || name == "..." {
                    return Err(Error::SdJwt(SdJwtError::ReservedClaimName(name)));
                }
                (items.pop(), DisclosureKind::Property { name, value })
            }
            n => {
                return Err(Error::SdJwt(SdJwtError::MalformedDisclosure(format!(
                    "{n} elements; a disclosure has 2 or 3"
                ))))
            }
        };
        let Some(Value::String(salt)) = salt else {
            return Err(Error::SdJwt(SdJwtError::MalformedDisclosure(
                "the salt is not a string".into(),
            )));
        };
        Ok(Disclosure {
            encoded: encoded.to_owned(),
            salt,
            kind,
        })
    }

    /// A new object-property disclosure with the given salt.
    pub fn property(salt: String, name: String, value: Value) -> Result<Self> {
        let array = Value::Array(vec![
            Value::String(salt.clone()),
            Value::String(name.clone()),
            value.clone(),
        ]);
        Ok(Disclosure {
            encoded: encode(&array)?,
            salt,
            kind: DisclosureKind::Property { name, value },
        })
    }

    /// A new array-element disclosure with the given salt.
    pub fn array_element(salt: String, value: Value) -> Result<Self> {
        let array = Value::Array(vec![Value::String(salt.clone()), value.clone()]);
        Ok(Disclosure {
            encoded: encode(&array)?,
            salt,
            kind: DisclosureKind::ArrayElement { value },
        })
    }

    /// The base64url encoding, as it appears in the SD-JWT.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// The salt.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// What it reveals.
    pub fn kind(&self) -> &DisclosureKind {
        &self.kind
    }

    /// `base64url(hash(encoding))`.
    pub fn digest(&self, alg: HashAlg) -> String {
        alg.digest_b64(self.encoded.as_bytes())
    }
}

fn encode(array: &Value) -> Result<String> {
    let bytes = serde_json::to_vec(array).map_err(|e| Error::json("disclosure", &e))?;
    Ok(b64::encode(bytes))
}

/// A fresh 128-bit salt, base64url encoded (RFC 9901 §9.3 recommends at least 128 bits).
pub(crate) fn new_salt() -> Result<String> {
    let mut bytes = [0u8; 16];
    crate::crypto::fill_random(&mut bytes)?;
    Ok(b64::encode(bytes))
}
