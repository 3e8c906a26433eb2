//! did:key (W3C CCG did:key method, v0.7): a DID that *is* a public key, resolved offline.
//!
//! The method-specific id is a multikey (see [`multikey`]): P-256 keys are
//! `zDn…` and Ed25519 keys `z6Mk…`. The document has one verification method,
//! `did:key:z…#z…`, listed for authentication, assertionMethod, capabilityInvocation and
//! capabilityDelegation.
//!
//! The method is a `Multikey` with `publicKeyMultibase`, the did:key specification's default
//! `publicKeyFormat`. That choice also means the published key is byte for byte the DID
//! itself, so the document cannot disagree with its identifier; JOSE users get the key as a
//! [`PublicKey`] from [`DidDocument::verification_key`] either way. No X25519 `keyAgreement`
//! key is derived from Ed25519 keys: this crate does no key agreement.
//!
//! ```
//! use myna_vc_core::{crypto::SecretKey, did::{Did, DidKey, VerificationRelationship}};
//! let key = SecretKey::generate_p256()?.public_key();
//! let did_key = DidKey::from_public_key(&key)?;
//! assert!(did_key.did().as_str().starts_with("did:key:zDn"));
//!
//! let resolved = DidKey::from_did(&Did::parse(did_key.did().as_str())?)?;
//! let doc = resolved.document();
//! let vm = resolved.verification_method_id();
//! assert_eq!(doc.verification_key(VerificationRelationship::AssertionMethod, &vm)?, key);
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use super::{multikey, Did, DidDocument, DidUrl, VerificationMethod, VerificationRelationship};
use crate::crypto::PublicKey;
use crate::error::{DidError, Error, Result};

/// A did:key and the public key it encodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DidKey {
    did: Did,
    key: PublicKey,
}

impl DidKey {
    /// The did:key of a P-256 or Ed25519 key (RSA is [`JoseError::UnsupportedKeyType`](crate::JoseError::UnsupportedKeyType)).
    ///
    /// ```
    /// use myna_vc_core::{crypto::SecretKey, did::DidKey};
    /// let key = SecretKey::ed25519_from_seed(&[0; 32])?.public_key();
    /// assert_eq!(
    ///     DidKey::from_public_key(&key)?.did().as_str(),
    ///     "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    /// );
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_public_key(key: &PublicKey) -> Result<Self> {
        let did = Did::parse(&format!("did:key:{}", multikey::encode(key)?))?;
        Ok(DidKey {
            did,
            key: key.clone(),
        })
    }

    /// Decodes a did:key. Another method is [`DidError::InvalidDid`]; a value that is not a
    /// multikey is [`DidError::InvalidMultikey`]; a key type other than P-256 or Ed25519 is
    /// [`JoseError::UnsupportedKeyType`](crate::JoseError::UnsupportedKeyType); a wrong length or a point off the curve is
    /// [`JoseError::InvalidKey`](crate::JoseError::InvalidKey).
    ///
    /// ```
    /// use myna_vc_core::{did::{Did, DidKey}, Error};
    /// let p384 = Did::parse("did:key:z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9")?;
    /// assert!(matches!(DidKey::from_did(&p384), Err(Error::Jose(myna_vc_core::JoseError::UnsupportedKeyType(_)))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_did(did: &Did) -> Result<Self> {
        if did.method() != "key" {
            return Err(Error::Did(DidError::InvalidDid("not a did:key".into())));
        }
        let key = multikey::decode(did.method_specific_id())?;
        Ok(DidKey {
            did: did.clone(),
            key,
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

    /// The one verification method, `did:key:<id>#<id>`.
    pub fn verification_method_id(&self) -> DidUrl {
        DidUrl::from_parts(self.did.clone(), self.did.method_specific_id())
    }

    /// The DID document.
    pub fn document(&self) -> DidDocument {
        let method = VerificationMethod::with_multibase(
            self.verification_method_id(),
            self.did.clone(),
            self.did.method_specific_id().to_owned(),
        );
        DidDocument::with_single_method(
            self.did.clone(),
            method,
            &VerificationRelationship::SIGNING,
        )
    }
}
