//! Holder keys: one random master secret, and every P-256 key derived from it for one purpose
//! (a verifier, a credential slot, an anchoring), so a backup of the 32-byte secret restores
//! every key.
//!
//! Derivation: HKDF-SHA-256 with the master secret as input key material, the salt
//! [`DERIVATION_SALT`], and as info the key's [`KeyLabel`] followed by a 32-bit big-endian
//! counter. The 32 output bytes are the P-256 scalar if they are one (not zero, below the group
//! order); otherwise the counter goes up and HKDF runs again (the chance of a retry is about
//! 2^-32). Different labels give unrelated keys: HKDF's outputs for distinct infos are
//! independent.
//!
//! [`HolderKeys`] is the seam where a phone's secure element stands in for [`SoftwareKeys`]:
//! the wallet only ever asks for a public key or a [`Signer`] by label.
//!
//! ```
//! use myna_wallet::keys::{HolderKeys, KeyLabel, MasterSecret, SoftwareKeys, VerifierId};
//! let secret = MasterSecret::from_bytes([7; 32]);
//! let keys = SoftwareKeys::new(secret.clone());
//! let shop = KeyLabel::verifier(&VerifierId::new("https://shop.example")?);
//! let restored = SoftwareKeys::new(MasterSecret::from_bytes(*secret.expose()));
//! assert_eq!(keys.public_key(&shop)?, restored.public_key(&shop)?);
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use core::fmt;

use hkdf::Hkdf;
use myna_vc_core::crypto::{default_provider, fill_random, PublicKey, SecretKey, Signer};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The HKDF salt of every wallet key derivation (a domain separator; the secret is the
/// master secret).
pub const DERIVATION_SALT: &[u8] = b"myna-wallet/v1/key-derivation";

/// How many counter values are tried before giving up (never reached in practice: each try
/// fails with probability about 2^-32).
const MAX_TRIES: u32 = 64;

/// The wallet's master secret: 32 random bytes, wiped from memory on drop, never printed.
///
/// ```
/// use myna_wallet::keys::MasterSecret;
/// let secret = MasterSecret::generate()?;
/// assert_eq!(format!("{secret:?}"), "MasterSecret(<redacted>)");
/// assert_ne!(secret.expose(), MasterSecret::generate()?.expose());
/// # Ok::<(), myna_wallet::Error>(())
/// ```
#[derive(Clone)]
pub struct MasterSecret(Zeroizing<[u8; 32]>);

impl MasterSecret {
    /// A fresh secret from the operating system's CSPRNG.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        fill_random(bytes.as_mut())?;
        Ok(MasterSecret(bytes))
    }

    /// A secret restored from its 32 bytes (a backup).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        MasterSecret(Zeroizing::new(bytes))
    }

    /// A secret from a slice that must be exactly 32 bytes.
    ///
    /// ```
    /// use myna_wallet::{keys::MasterSecret, Error};
    /// assert!(matches!(MasterSecret::from_slice(&[1; 31]), Err(Error::Corrupt { .. })));
    /// ```
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::corrupt("master secret", "not 32 bytes"))?;
        Ok(Self::from_bytes(array))
    }

    /// The secret bytes (for sealing a backup; handle with care).
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// The P-256 key for `label` (see the [module docs](self) for the derivation).
    ///
    /// ```
    /// use myna_wallet::keys::{KeyLabel, MasterSecret};
    /// let secret = MasterSecret::from_bytes([1; 32]);
    /// let a = secret.derive_p256(&KeyLabel::credential("batch-1", 0))?;
    /// let b = secret.derive_p256(&KeyLabel::credential("batch-1", 1))?;
    /// assert_ne!(a.public_key(), b.public_key());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn derive_p256(&self, label: &KeyLabel) -> Result<SecretKey> {
        for counter in 0..MAX_TRIES {
            let scalar = self.expand(label.as_str().as_bytes(), counter)?;
            if let Ok(key) = SecretKey::p256_from_bytes(scalar.as_ref()) {
                return Ok(key);
            }
        }
        Err(Error::invalid(
            "key label",
            "no valid P-256 scalar after 64 tries",
        ))
    }

    /// 32 bytes for a symmetric purpose (the store's record key), separated from every key
    /// label by a distinct prefix.
    pub(crate) fn symmetric_key(&self, purpose: &str) -> Result<Zeroizing<[u8; 32]>> {
        let info = format!("symmetric:{purpose}");
        self.expand(info.as_bytes(), 0)
    }

    fn expand(&self, info: &[u8], counter: u32) -> Result<Zeroizing<[u8; 32]>> {
        let hkdf = Hkdf::<Sha256>::new(Some(DERIVATION_SALT), self.0.as_ref());
        let mut full_info = Zeroizing::new(Vec::with_capacity(info.len() + 4));
        full_info.extend_from_slice(info);
        full_info.extend_from_slice(&counter.to_be_bytes());
        let mut out = Zeroizing::new([0u8; 32]);
        hkdf.expand(&full_info, out.as_mut())
            .map_err(|_| Error::invalid("key derivation", "HKDF output length refused"))?;
        Ok(out)
    }
}

impl fmt::Debug for MasterSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterSecret(<redacted>)")
    }
}

/// A verifier (or data recipient) as the wallet names it: its OpenID4VP `client_id` /
/// audience. 1 to 512 characters, no control characters.
///
/// ```
/// use myna_wallet::keys::VerifierId;
/// assert_eq!(VerifierId::new("https://shop.example")?.as_str(), "https://shop.example");
/// assert!(VerifierId::new("").is_err());
/// assert!(VerifierId::new("a\nb").is_err());
/// # Ok::<(), myna_wallet::Error>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct VerifierId(String);

impl VerifierId {
    /// Checks and wraps a verifier identifier.
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        if id.is_empty() || id.chars().count() > 512 || id.chars().any(char::is_control) {
            return Err(Error::invalid(
                "verifier id",
                "must be 1 to 512 characters without control characters",
            ));
        }
        Ok(VerifierId(id))
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VerifierId {
    type Error = Error;
    fn try_from(value: String) -> Result<Self> {
        VerifierId::new(value)
    }
}

impl From<VerifierId> for String {
    fn from(value: VerifierId) -> Self {
        value.0
    }
}

impl fmt::Display for VerifierId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a derived key is for; its text is the HKDF info. Each constructor has its own prefix,
/// so no two purposes can share a key.
///
/// ```
/// use myna_wallet::keys::{KeyLabel, VerifierId};
/// assert_eq!(KeyLabel::verifier(&VerifierId::new("https://a.example")?).as_str(),
///            "verifier:https://a.example");
/// assert_eq!(KeyLabel::credential("b1", 3).as_str(), "credential:b1/3");
/// # Ok::<(), myna_wallet::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct KeyLabel(String);

impl KeyLabel {
    /// The pairwise key for one verifier or data recipient (consent records, requests).
    pub fn verifier(verifier: &VerifierId) -> Self {
        KeyLabel(format!("verifier:{}", verifier.as_str()))
    }

    /// The key of one single-use credential: instance `index` of batch `batch`.
    pub fn credential(batch: &str, index: u32) -> Self {
        KeyLabel(format!("credential:{batch}/{index}"))
    }

    /// The key anchored to the card at `issuer`.
    pub fn anchor(issuer: &str) -> Self {
        KeyLabel(format!("anchor:{issuer}"))
    }

    /// The label's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where holder keys live: software keys derived from the master secret, or a secure element
/// that keeps them inside. The wallet asks only for public keys and signers, by label.
///
/// ```
/// use myna_wallet::keys::{HolderKeys, KeyLabel, MasterSecret, SoftwareKeys};
/// let keys = SoftwareKeys::new(MasterSecret::generate()?);
/// let label = KeyLabel::credential("b", 0);
/// let signer = keys.signer(&label)?;
/// assert_eq!(signer.public_key(), keys.public_key(&label)?);
/// # Ok::<(), myna_wallet::Error>(())
/// ```
pub trait HolderKeys: Send + Sync {
    /// The public key for `label`.
    fn public_key(&self, label: &KeyLabel) -> Result<PublicKey>;
    /// A signer with the key for `label`.
    fn signer(&self, label: &KeyLabel) -> Result<Box<dyn Signer>>;
}

/// [`HolderKeys`] derived in software from the [`MasterSecret`].
#[derive(Debug, Clone)]
pub struct SoftwareKeys {
    secret: MasterSecret,
}

impl SoftwareKeys {
    /// Keys derived from `secret`.
    pub fn new(secret: MasterSecret) -> Self {
        SoftwareKeys { secret }
    }
}

impl HolderKeys for SoftwareKeys {
    fn public_key(&self, label: &KeyLabel) -> Result<PublicKey> {
        Ok(self.secret.derive_p256(label)?.public_key())
    }

    fn signer(&self, label: &KeyLabel) -> Result<Box<dyn Signer>> {
        Ok(default_provider().signer(&self.secret.derive_p256(label)?)?)
    }
}
