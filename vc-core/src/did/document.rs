//! DID documents in the DID Core 1.0 shape (`@context`, `id`, `verificationMethod`,
//! `authentication`, `assertionMethod`, …), and the one question a verifier asks of them:
//! which public key may be used for this purpose under this DID URL?
//!
//! A key is only handed out for a verification relationship that lists it, so a key the
//! document lists for `authentication` alone can never check an issuer signature
//! ([`VerificationRelationship::AssertionMethod`]).
//!
//! ```
//! use myna_vc_core::{crypto::SecretKey, did::*, Error};
//! let did = Did::parse("did:web:city.example.jp")?;
//! let issuing = SecretKey::generate_p256()?.public_key();
//! let login = SecretKey::generate_ed25519()?.public_key();
//! let mut doc = DidDocument::new(did.clone());
//! doc.add_verification_method(
//!     VerificationMethod::json_web_key(did.with_fragment("issuing")?, did.clone(), &issuing),
//!     &[VerificationRelationship::AssertionMethod],
//! )?;
//! doc.add_verification_method(
//!     VerificationMethod::multikey(did.with_fragment("login")?, did.clone(), &login)?,
//!     &[VerificationRelationship::Authentication],
//! )?;
//!
//! // The document survives a JSON round trip (it is what a did:web server publishes).
//! let doc = DidDocument::from_json(&serde_json::to_vec(&doc).unwrap())?;
//! let assertion = VerificationRelationship::AssertionMethod;
//! assert_eq!(doc.verification_key(assertion, &did.with_fragment("issuing")?)?, issuing);
//! assert!(matches!(
//!     doc.verification_key(assertion, &did.with_fragment("login")?),
//!     Err(Error::Did(myna_vc_core::DidError::VerificationRelationshipMissing { .. }))
//! ));
//! # Ok::<(), Error>(())
//! ```

use std::collections::HashSet;

use core::fmt;
use core::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::{multikey, shorten, Did, DidUrl};
use crate::crypto::PublicKey;
use crate::error::{DidError, Error, JoseError, Result};
use crate::json;
use crate::jwk::Jwk;

/// The DID Core v1 JSON-LD context, first in every document this crate builds.
pub const DID_CONTEXT: &str = "https://www.w3.org/ns/did/v1";
/// The JSON-LD context that defines `Multikey`.
pub const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";
/// The JSON-LD context that defines `JsonWebKey2020`.
pub const JSON_WEB_KEY_2020_CONTEXT: &str = "https://w3id.org/security/suites/jws-2020/v1";

/// The verification method type whose key is a `publicKeyMultibase`.
pub const MULTIKEY: &str = "Multikey";
/// The verification method type whose key is a `publicKeyJwk` (as did:jwk uses).
pub const JSON_WEB_KEY_2020: &str = "JsonWebKey2020";
/// The newer (Controlled Identifiers) name for a `publicKeyJwk` verification method.
pub const JSON_WEB_KEY: &str = "JsonWebKey";

/// A verification relationship (DID Core §5.3): what a verification method may be used for.
///
/// ```
/// use myna_vc_core::did::VerificationRelationship;
/// assert_eq!(VerificationRelationship::AssertionMethod.property_name(), "assertionMethod");
/// assert_eq!(VerificationRelationship::ALL.len(), 5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerificationRelationship {
    /// `authentication`: proving control of the DID (holder key binding).
    Authentication,
    /// `assertionMethod`: issuing credentials.
    AssertionMethod,
    /// `keyAgreement`: encryption key agreement.
    KeyAgreement,
    /// `capabilityInvocation`.
    CapabilityInvocation,
    /// `capabilityDelegation`.
    CapabilityDelegation,
}

impl VerificationRelationship {
    /// Every relationship, in DID Core order.
    pub const ALL: [Self; 5] = [
        Self::Authentication,
        Self::AssertionMethod,
        Self::KeyAgreement,
        Self::CapabilityInvocation,
        Self::CapabilityDelegation,
    ];

    /// The relationships of a signing key: all but `keyAgreement`.
    pub const SIGNING: [Self; 4] = [
        Self::Authentication,
        Self::AssertionMethod,
        Self::CapabilityInvocation,
        Self::CapabilityDelegation,
    ];

    /// The document property that lists it.
    pub fn property_name(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::AssertionMethod => "assertionMethod",
            Self::KeyAgreement => "keyAgreement",
            Self::CapabilityInvocation => "capabilityInvocation",
            Self::CapabilityDelegation => "capabilityDelegation",
        }
    }
}

/// A verification method: a public key with its DID URL, type and controller.
///
/// The key material is kept as published and checked when it is used
/// ([`VerificationMethod::public_key`]), so that a document may also list keys of types this
/// crate does not support without being refused as a whole.
///
/// ```
/// use myna_vc_core::{crypto::SecretKey, did::{Did, VerificationMethod, MULTIKEY}};
/// let did = Did::parse("did:web:example.com")?;
/// let key = SecretKey::generate_ed25519()?.public_key();
/// let method = VerificationMethod::multikey(did.with_fragment("k1")?, did.clone(), &key)?;
/// assert_eq!(method.method_type(), MULTIKEY);
/// assert_eq!(method.public_key()?, key);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMethod {
    id: DidUrl,
    #[serde(rename = "type")]
    method_type: String,
    controller: Did,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key_jwk: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key_multibase: Option<String>,
}

impl VerificationMethod {
    /// A `JsonWebKey2020` method with the key's `publicKeyJwk`.
    pub fn json_web_key(id: DidUrl, controller: Did, key: &PublicKey) -> Self {
        // `PublicKey::to_jwk` always builds an object; the fallback is never taken.
        let jwk = match key.to_jwk() {
            Value::Object(members) => members,
            _ => Map::new(),
        };
        Self::with_jwk(id, controller, jwk)
    }

    /// A `Multikey` method with the key's `publicKeyMultibase` (P-256 and Ed25519 only).
    pub fn multikey(id: DidUrl, controller: Did, key: &PublicKey) -> Result<Self> {
        Ok(Self::with_multibase(id, controller, multikey::encode(key)?))
    }

    /// A `JsonWebKey2020` method with JWK members as given (did:jwk keeps the JWK verbatim).
    pub(super) fn with_jwk(id: DidUrl, controller: Did, jwk: Map<String, Value>) -> Self {
        VerificationMethod {
            id,
            method_type: JSON_WEB_KEY_2020.to_owned(),
            controller,
            public_key_jwk: Some(jwk),
            public_key_multibase: None,
        }
    }

    /// A `Multikey` method with an already encoded multibase key.
    pub(super) fn with_multibase(id: DidUrl, controller: Did, multibase: String) -> Self {
        VerificationMethod {
            id,
            method_type: MULTIKEY.to_owned(),
            controller,
            public_key_jwk: None,
            public_key_multibase: Some(multibase),
        }
    }

    /// The method's DID URL.
    pub fn id(&self) -> &DidUrl {
        &self.id
    }

    /// The method type (`Multikey`, `JsonWebKey2020`, …).
    pub fn method_type(&self) -> &str {
        &self.method_type
    }

    /// The DID that controls the key.
    pub fn controller(&self) -> &Did {
        &self.controller
    }

    /// `publicKeyJwk`, as published.
    pub fn public_key_jwk(&self) -> Option<&Map<String, Value>> {
        self.public_key_jwk.as_ref()
    }

    /// `publicKeyMultibase`, as published.
    pub fn public_key_multibase(&self) -> Option<&str> {
        self.public_key_multibase.as_deref()
    }

    /// The checked public key. `publicKeyJwk` is accepted with `JsonWebKey2020` and
    /// `JsonWebKey`, `publicKeyMultibase` with `Multikey`; any other combination (legacy
    /// `publicKeyBase58`, both kinds at once, a type that does not match) is refused.
    pub fn public_key(&self) -> Result<PublicKey> {
        let jwk_type = matches!(self.method_type.as_str(), JSON_WEB_KEY_2020 | JSON_WEB_KEY);
        match (&self.public_key_jwk, &self.public_key_multibase) {
            (Some(_), Some(_)) => Err(Error::one_of(
                "verification method",
                "publicKeyJwk",
                "publicKeyMultibase",
            )),
            (Some(jwk), None) if jwk_type => Ok(Jwk::from_json(&Value::Object(jwk.clone()))?.key),
            (None, Some(text)) if self.method_type == MULTIKEY => multikey::decode(text),
            _ => Err(Error::Jose(JoseError::UnsupportedKeyType(format!(
                "verification method of type `{}` without matching publicKeyJwk or publicKeyMultibase",
                shorten(&self.method_type)
            )))),
        }
    }
}

/// An entry of a verification relationship: a reference to a method of the document, or a
/// method embedded there (usable for that relationship only).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum VerificationReference {
    /// A DID URL naming a method in `verificationMethod`.
    Reference(DidUrl),
    /// A method defined in place.
    Embedded(VerificationMethod),
}

impl VerificationReference {
    /// The DID URL of the method the entry stands for.
    ///
    /// ```
    /// use myna_vc_core::did::{DidUrl, VerificationReference};
    /// let url = DidUrl::parse("did:example:123#k")?;
    /// assert_eq!(VerificationReference::Reference(url.clone()).id(), &url);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn id(&self) -> &DidUrl {
        match self {
            Self::Reference(url) => url,
            Self::Embedded(method) => &method.id,
        }
    }
}

/// A DID document (DID Core §5). Build one with [`DidDocument::new`] and
/// [`DidDocument::add_verification_method`], read one with [`DidDocument::from_json`], and
/// ask it for keys with [`DidDocument::verification_key`]. See the [module docs](self).
///
/// Properties this crate does not use (`service` entries aside, which are kept as JSON) are
/// dropped when a document is read. The serde `Deserialize` impl runs the same checks, but
/// its errors are serde's strings; [`DidDocument::from_json`] keeps them typed and also
/// applies the size and depth limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "Object<RawDocument>")]
pub struct DidDocument {
    #[serde(rename = "@context", skip_serializing_if = "Vec::is_empty")]
    context: Vec<Value>,
    id: Did,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    controller: Vec<Did>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also_known_as: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    verification_method: Vec<VerificationMethod>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authentication: Vec<VerificationReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    assertion_method: Vec<VerificationReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    key_agreement: Vec<VerificationReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    capability_invocation: Vec<VerificationReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    capability_delegation: Vec<VerificationReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    service: Vec<Value>,
}

impl DidDocument {
    /// An empty document for `id`, with the DID Core context.
    pub fn new(id: Did) -> Self {
        DidDocument {
            context: vec![Value::String(DID_CONTEXT.to_owned())],
            id,
            controller: Vec::new(),
            also_known_as: Vec::new(),
            verification_method: Vec::new(),
            authentication: Vec::new(),
            assertion_method: Vec::new(),
            key_agreement: Vec::new(),
            capability_invocation: Vec::new(),
            capability_delegation: Vec::new(),
            service: Vec::new(),
        }
    }

    /// Reads a DID document from JSON (a `did.json`), through the guarded parser: over 1 MiB
    /// is [`InputError::TooLarge`](crate::InputError::TooLarge), deeper than [`json::MAX_DEPTH`] is
    /// [`InputError::NestingTooDeep`](crate::InputError::NestingTooDeep). `@context` and `controller` may be a string or an array;
    /// method ids may be relative (`#key-1`); ids must be unique.
    ///
    /// ```
    /// use myna_vc_core::{did::{DidDocument, DidUrl, VerificationRelationship}, Error};
    /// let doc = DidDocument::from_json(br##"{
    ///   "@context": "https://www.w3.org/ns/did/v1",
    ///   "id": "did:web:example.com",
    ///   "verificationMethod": [{
    ///     "id": "#k1", "type": "JsonWebKey2020", "controller": "did:web:example.com",
    ///     "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519",
    ///                      "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    ///   }],
    ///   "assertionMethod": ["#k1"]
    /// }"##)?;
    /// let k1 = DidUrl::parse("did:web:example.com#k1")?;
    /// assert!(doc.verification_key(VerificationRelationship::AssertionMethod, &k1).is_ok());
    /// assert!(matches!(DidDocument::from_json(b"[]"), Err(Error::Input(myna_vc_core::InputError::Json { .. }))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        // The guarded parse enforces the size and depth limits and that the document is an
        // object (serde would also fill a struct from an array). The typed parse that follows
        // reads the same bytes again because, unlike a parsed `Value`, it still sees a
        // duplicated member such as a second `id`, and refuses it rather than letting the
        // last one silently win.
        json::parse_object(bytes, "DID document")?;
        let raw: Object<RawDocument> =
            serde_json::from_slice(bytes).map_err(|e| Error::json("DID document", &e))?;
        Self::try_from(raw)
    }

    /// Adds a verification method under this document's DID and lists it for each of
    /// `relationships`. The JSON-LD context of its type is added when missing.
    pub fn add_verification_method(
        &mut self,
        method: VerificationMethod,
        relationships: &[VerificationRelationship],
    ) -> Result<()> {
        if method.id.did() != &self.id {
            return Err(Error::Did(DidError::ForeignMethod));
        }
        if self.all_methods().any(|m| m.id == method.id) {
            return Err(duplicate_id());
        }
        self.push_method(method, relationships);
        Ok(())
    }

    /// A document with one method, listed for `relationships` (did:key, did:jwk).
    pub(super) fn with_single_method(
        id: Did,
        method: VerificationMethod,
        relationships: &[VerificationRelationship],
    ) -> Self {
        let mut document = DidDocument::new(id);
        document.push_method(method, relationships);
        document
    }

    fn push_method(
        &mut self,
        method: VerificationMethod,
        relationships: &[VerificationRelationship],
    ) {
        self.add_context_for(&method.method_type);
        for relationship in relationships {
            self.references_mut(*relationship)
                .push(VerificationReference::Reference(method.id.clone()));
        }
        self.verification_method.push(method);
    }

    /// The DID the document describes.
    pub fn id(&self) -> &Did {
        &self.id
    }

    /// `@context`, as strings or objects.
    pub fn context(&self) -> &[Value] {
        &self.context
    }

    /// `controller`.
    pub fn controller(&self) -> &[Did] {
        &self.controller
    }

    /// `verificationMethod`.
    pub fn verification_methods(&self) -> &[VerificationMethod] {
        &self.verification_method
    }

    /// The entries of one verification relationship.
    pub fn references(&self, relationship: VerificationRelationship) -> &[VerificationReference] {
        match relationship {
            VerificationRelationship::Authentication => &self.authentication,
            VerificationRelationship::AssertionMethod => &self.assertion_method,
            VerificationRelationship::KeyAgreement => &self.key_agreement,
            VerificationRelationship::CapabilityInvocation => &self.capability_invocation,
            VerificationRelationship::CapabilityDelegation => &self.capability_delegation,
        }
    }

    /// `service` entries, as JSON.
    pub fn services(&self) -> &[Value] {
        &self.service
    }

    /// The method named `url`, wherever in the document it is defined, whatever it may be
    /// used for.
    pub fn verification_method(&self, url: &DidUrl) -> Result<&VerificationMethod> {
        self.all_methods()
            .find(|m| &m.id == url)
            .ok_or_else(|| not_found(url))
    }

    /// The methods a relationship lists that this document defines (references to other
    /// DIDs' documents are skipped), for a verifier that has a DID but no key id.
    pub fn methods_for(&self, relationship: VerificationRelationship) -> Vec<&VerificationMethod> {
        self.references(relationship)
            .iter()
            .filter_map(|entry| match entry {
                VerificationReference::Embedded(method) => Some(method),
                VerificationReference::Reference(url) => {
                    self.verification_method.iter().find(|m| &m.id == url)
                }
            })
            .collect()
    }

    /// The public key of the method `url`, only if `relationship` lists it.
    ///
    /// Fails closed: a URL under another DID or naming no method is
    /// [`DidError::VerificationMethodNotFound`]; a method the relationship does not list is
    /// [`DidError::VerificationRelationshipMissing`]; key material this crate cannot use is
    /// [`JoseError::UnsupportedKeyType`] or [`JoseError::InvalidKey`].
    pub fn verification_key(
        &self,
        relationship: VerificationRelationship,
        url: &DidUrl,
    ) -> Result<PublicKey> {
        if url.did() != &self.id {
            return Err(not_found(url));
        }
        let entry = self.references(relationship).iter().find(|e| e.id() == url);
        let method = match entry {
            Some(VerificationReference::Embedded(method)) => method,
            Some(VerificationReference::Reference(_)) => self
                .verification_method
                .iter()
                .find(|m| &m.id == url)
                .ok_or_else(|| not_found(url))?,
            None => {
                // Say "not authorized" only for a method that exists; otherwise "not found".
                self.verification_method(url)?;
                return Err(Error::Did(DidError::VerificationRelationshipMissing {
                    method: shorten(&url.to_string()),
                    relationship: relationship.property_name(),
                }));
            }
        };
        method.public_key()
    }

    fn references_mut(
        &mut self,
        relationship: VerificationRelationship,
    ) -> &mut Vec<VerificationReference> {
        match relationship {
            VerificationRelationship::Authentication => &mut self.authentication,
            VerificationRelationship::AssertionMethod => &mut self.assertion_method,
            VerificationRelationship::KeyAgreement => &mut self.key_agreement,
            VerificationRelationship::CapabilityInvocation => &mut self.capability_invocation,
            VerificationRelationship::CapabilityDelegation => &mut self.capability_delegation,
        }
    }

    /// Every method: `verificationMethod` and those embedded in relationships.
    fn all_methods(&self) -> impl Iterator<Item = &VerificationMethod> {
        let embedded = VerificationRelationship::ALL
            .into_iter()
            .flat_map(|r| self.references(r))
            .filter_map(|entry| match entry {
                VerificationReference::Embedded(method) => Some(method),
                VerificationReference::Reference(_) => None,
            });
        self.verification_method.iter().chain(embedded)
    }

    fn add_context_for(&mut self, method_type: &str) {
        let context = match method_type {
            MULTIKEY => MULTIKEY_CONTEXT,
            JSON_WEB_KEY_2020 => JSON_WEB_KEY_2020_CONTEXT,
            _ => return,
        };
        if !self.context.iter().any(|c| c.as_str() == Some(context)) {
            self.context.push(Value::String(context.to_owned()));
        }
    }

    fn check_unique_method_ids(&self) -> Result<()> {
        let mut seen = HashSet::new();
        if self.all_methods().all(|m| seen.insert(&m.id)) {
            Ok(())
        } else {
            Err(duplicate_id())
        }
    }
}

fn not_found(url: &DidUrl) -> Error {
    Error::Did(DidError::VerificationMethodNotFound(shorten(
        &url.to_string(),
    )))
}

fn duplicate_id() -> Error {
    Error::Did(DidError::DuplicateMethodId)
}

// ---- the document as published, before it is checked --------------------------------------

/// A `T` read from a JSON object only. Derived struct deserializers also accept an array
/// (fields in declaration order), which would let `["…", "did:…"]` pass for a document or a
/// verification method.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(Object)
    }
}

/// A property that may be one value or an array. `Many` comes first: untagged variants are
/// tried in order, and a `Value` would also take an array as "one".
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            Self::One(item) => vec![item],
            Self::Many(items) => items,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDocument {
    #[serde(rename = "@context", default)]
    context: Option<OneOrMany<Value>>,
    id: String,
    #[serde(default)]
    controller: Option<OneOrMany<String>>,
    #[serde(default)]
    also_known_as: Vec<String>,
    #[serde(default)]
    verification_method: Vec<Object<RawMethod>>,
    #[serde(default)]
    authentication: Vec<RawReference>,
    #[serde(default)]
    assertion_method: Vec<RawReference>,
    #[serde(default)]
    key_agreement: Vec<RawReference>,
    #[serde(default)]
    capability_invocation: Vec<RawReference>,
    #[serde(default)]
    capability_delegation: Vec<RawReference>,
    #[serde(default)]
    service: Vec<Map<String, Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMethod {
    id: String,
    #[serde(rename = "type")]
    method_type: String,
    controller: String,
    #[serde(default)]
    public_key_jwk: Option<Map<String, Value>>,
    #[serde(default)]
    public_key_multibase: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawReference {
    Reference(String),
    Embedded(Object<RawMethod>),
}

impl RawMethod {
    fn check(self, document: &Did) -> Result<VerificationMethod> {
        Ok(VerificationMethod {
            id: DidUrl::parse_relative(&self.id, document)?,
            method_type: self.method_type,
            controller: Did::parse(&self.controller)?,
            public_key_jwk: self.public_key_jwk,
            public_key_multibase: self.public_key_multibase,
        })
    }
}

fn check_methods(raw: Vec<Object<RawMethod>>, document: &Did) -> Result<Vec<VerificationMethod>> {
    raw.into_iter().map(|m| m.0.check(document)).collect()
}

fn check_references(raw: Vec<RawReference>, document: &Did) -> Result<Vec<VerificationReference>> {
    raw.into_iter()
        .map(|entry| match entry {
            RawReference::Reference(text) => {
                DidUrl::parse_relative(&text, document).map(VerificationReference::Reference)
            }
            RawReference::Embedded(method) => method
                .0
                .check(document)
                .map(VerificationReference::Embedded),
        })
        .collect()
}

fn check_context(raw: Option<OneOrMany<Value>>) -> Result<Vec<Value>> {
    let context = raw.map(OneOrMany::into_vec).unwrap_or_default();
    if context.iter().all(|c| c.is_string() || c.is_object()) {
        Ok(context)
    } else {
        Err(Error::member_type(
            "DID document",
            "@context",
            "strings or objects",
        ))
    }
}

impl TryFrom<Object<RawDocument>> for DidDocument {
    type Error = Error;

    fn try_from(Object(raw): Object<RawDocument>) -> Result<Self> {
        let id = Did::parse(&raw.id)?;
        let controller = raw
            .controller
            .map(OneOrMany::into_vec)
            .unwrap_or_default()
            .iter()
            .map(|c| Did::parse(c))
            .collect::<Result<Vec<_>>>()?;
        let document = DidDocument {
            context: check_context(raw.context)?,
            controller,
            also_known_as: raw.also_known_as,
            verification_method: check_methods(raw.verification_method, &id)?,
            authentication: check_references(raw.authentication, &id)?,
            assertion_method: check_references(raw.assertion_method, &id)?,
            key_agreement: check_references(raw.key_agreement, &id)?,
            capability_invocation: check_references(raw.capability_invocation, &id)?,
            capability_delegation: check_references(raw.capability_delegation, &id)?,
            service: raw.service.into_iter().map(Value::Object).collect(),
            id,
        };
        document.check_unique_method_ids()?;
        Ok(document)
    }
}
