//! did:jwk: a DID that is a base64url-encoded public JWK, resolved offline.
//!
//! The document has one `JsonWebKey2020` verification method, `did:jwk:<value>#0`, whose
//! `publicKeyJwk` is the JWK as encoded. Following the did:jwk specification, a JWK with
//! `"use": "sig"` is listed for every relationship but `keyAgreement`, one with
//! `"use": "enc"` for `keyAgreement` only, and one without `use` for all five. A JWK with
//! private members (`d`, …) is [`JoseError::PrivateKeyInPublicJwk`](crate::JoseError::PrivateKeyInPublicJwk): such a DID would publish a
//! secret.
//!
//! DIDs made here encode the key's required members in lexicographic order (`crv`, `kty`,
//! `x`, `y`), the RFC 7638 member order, so one key always gives the same DID.
//!
//! ```
//! use myna_vc_core::{crypto::SecretKey, did::{Did, DidJwk, VerificationRelationship}};
//! let key = SecretKey::generate_ed25519()?.public_key();
//! let did_jwk = DidJwk::from_public_key(&key)?;
//! let resolved = DidJwk::from_did(did_jwk.did())?;
//! assert_eq!(resolved.verification_method_id().to_string(), format!("{}#0", did_jwk.did()));
//! let doc = resolved.document();
//! let vm = resolved.verification_method_id();
//! assert_eq!(doc.verification_key(VerificationRelationship::Authentication, &vm)?, key);
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use serde_json::{Map, Value};

use super::{Did, DidDocument, DidUrl, VerificationMethod, VerificationRelationship};
use crate::crypto::PublicKey;
use crate::error::{DidError, Error, Result};
use crate::jwk::Jwk;
use crate::{b64, json};

/// The fragment of the one verification method of a did:jwk document.
const METHOD_FRAGMENT: &str = "0";

/// A did:jwk with its decoded JWK.
#[derive(Clone, Debug, PartialEq)]
pub struct DidJwk {
    did: Did,
    jwk: Map<String, Value>,
    key: PublicKey,
    key_use: KeyUse,
}

/// The JWK `use` member, which decides the relationships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyUse {
    Unrestricted,
    Signature,
    Encryption,
}

impl KeyUse {
    fn from_jwk(jwk: &Map<String, Value>) -> Result<Self> {
        match jwk.get("use") {
            None => Ok(Self::Unrestricted),
            Some(Value::String(s)) if s == "sig" => Ok(Self::Signature),
            Some(Value::String(s)) if s == "enc" => Ok(Self::Encryption),
            Some(_) => Err(Error::member_type(
                "did:jwk JWK",
                "use",
                "\"sig\" or \"enc\"",
            )),
        }
    }

    fn relationships(self) -> &'static [VerificationRelationship] {
        match self {
            Self::Unrestricted => &VerificationRelationship::ALL,
            Self::Signature => &VerificationRelationship::SIGNING,
            Self::Encryption => &[VerificationRelationship::KeyAgreement],
        }
    }
}

impl DidJwk {
    /// The did:jwk of a public key (its required JWK members, no `use`).
    ///
    /// ```
    /// use myna_vc_core::{crypto::SecretKey, did::DidJwk};
    /// let key = SecretKey::p256_from_bytes(&[7; 32])?.public_key();
    /// let did = DidJwk::from_public_key(&key)?;
    /// // eyJjcnYiOiJQLTI1NiIs… is base64url of {"crv":"P-256",…
    /// assert!(did.did().as_str().starts_with("did:jwk:eyJjcnYiOiJQLTI1NiIs"));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_public_key(key: &PublicKey) -> Result<Self> {
        // serde_json keeps object members sorted, so this is the canonical member order.
        let text = key.to_jwk().to_string();
        let did = Did::parse(&format!("did:jwk:{}", b64::encode(text)))?;
        Self::from_did(&did)
    }

    /// Decodes a did:jwk. Another method is [`DidError::InvalidDid`]; bad base64url is
    /// [`InputError::Base64`](crate::InputError::Base64); bad JSON is [`InputError::Json`](crate::InputError::Json); private members are
    /// [`JoseError::PrivateKeyInPublicJwk`](crate::JoseError::PrivateKeyInPublicJwk); keys this crate cannot verify with (X25519, P-384, …)
    /// are [`JoseError::UnsupportedKeyType`](crate::JoseError::UnsupportedKeyType).
    ///
    /// ```
    /// use myna_vc_core::{b64, did::{Did, DidJwk}, Error};
    /// let private = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#;
    /// let did = Did::parse(&format!("did:jwk:{}", b64::encode(private)))?;
    /// assert!(matches!(DidJwk::from_did(&did), Err(Error::Jose(myna_vc_core::JoseError::PrivateKeyInPublicJwk))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_did(did: &Did) -> Result<Self> {
        if did.method() != "jwk" {
            return Err(Error::Did(DidError::InvalidDid("not a did:jwk".into())));
        }
        let bytes = b64::decode(did.method_specific_id(), "did:jwk value")?;
        let jwk = json::parse_object(&bytes, "did:jwk JWK")?;
        let key_use = KeyUse::from_jwk(&jwk)?;
        let key = Jwk::from_json(&Value::Object(jwk.clone()))?.key;
        Ok(DidJwk {
            did: did.clone(),
            jwk,
            key,
            key_use,
        })
    }

    /// The DID.
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// The JWK as encoded in the DID, members and all.
    pub fn jwk(&self) -> &Map<String, Value> {
        &self.jwk
    }

    /// The one verification method, `did:jwk:<value>#0`.
    pub fn verification_method_id(&self) -> DidUrl {
        DidUrl::from_parts(self.did.clone(), METHOD_FRAGMENT)
    }

    /// The DID document.
    pub fn document(&self) -> DidDocument {
        let method = VerificationMethod::with_jwk(
            self.verification_method_id(),
            self.did.clone(),
            self.jwk.clone(),
        );
        DidDocument::with_single_method(self.did.clone(), method, self.key_use.relationships())
    }
}
