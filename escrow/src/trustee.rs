//! Trustees: their names, their public keys (what the issuer seals to) and their key pairs
//! (held by the trustee, never by the issuer), and how a trustee releases its share.

use hpke::aead::ChaCha20Poly1305 as HpkeChaCha;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Serializable};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The KEM of every share: X25519 with HKDF-SHA256 (RFC 9180).
pub(crate) type Kem = X25519HkdfSha256;
/// The HPKE suite of every share.
pub(crate) type Aead = HpkeChaCha;
/// The HPKE KDF of every share.
pub(crate) type Kdf = HkdfSha256;

const INFO_LABEL: &[u8] = b"myna-vc/escrow-share/v1";

/// A trustee's name, as recorded in sealed links and the audit log.
///
/// ```
/// use myna_escrow::TrusteeKey;
/// assert_eq!(TrusteeKey::generate("court")?.public().id().as_str(), "court");
/// # Ok::<(), myna_escrow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrusteeId(String);

impl TrusteeId {
    /// A checked name: 1 to 128 bytes, no control characters.
    ///
    /// ```
    /// use myna_escrow::TrusteeId;
    /// assert_eq!(TrusteeId::new("maebashi-city")?.as_str(), "maebashi-city");
    /// assert!(TrusteeId::new("").is_err());
    /// assert!(TrusteeId::new("a\nb").is_err());
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn new(id: &str) -> Result<Self> {
        if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
            return Err(Error::InvalidEscrowPolicy(
                "trustee ids are 1 to 128 printable bytes".into(),
            ));
        }
        Ok(TrusteeId(id.to_owned()))
    }

    /// The name.
    ///
    /// ```
    /// use myna_escrow::TrusteeId;
    /// assert_eq!(TrusteeId::new("court")?.as_str(), "court");
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A trustee's public key: what the issuer needs to seal shares to it.
///
/// ```
/// use myna_escrow::{TrusteeKey, TrusteePublicKey};
/// let key = TrusteeKey::generate("court")?;
/// let public = TrusteePublicKey::new("court", *key.public().key_bytes())?;
/// assert_eq!(public, key.public());
/// # Ok::<(), myna_escrow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrusteePublicKey {
    pub(crate) id: TrusteeId,
    pub(crate) key: [u8; 32],
}

impl TrusteePublicKey {
    /// From a trustee name and its 32-byte X25519 public key (as `myna issuer init --trustee
    /// ID=KEY` takes them); the name must be a valid [`TrusteeId`].
    ///
    /// ```
    /// use myna_escrow::TrusteePublicKey;
    /// let key = TrusteePublicKey::new("court", [9; 32])?;
    /// assert_eq!((key.id().as_str(), key.key_bytes()), ("court", &[9; 32]));
    /// assert!(TrusteePublicKey::new("", [9; 32]).is_err());
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn new(id: &str, key: [u8; 32]) -> Result<Self> {
        Ok(TrusteePublicKey {
            id: TrusteeId::new(id)?,
            key,
        })
    }

    /// The trustee.
    pub fn id(&self) -> &TrusteeId {
        &self.id
    }

    /// The X25519 public key bytes.
    pub fn key_bytes(&self) -> &[u8; 32] {
        &self.key
    }
}

/// A trustee's key pair. Held by the trustee, never by the issuer.
pub struct TrusteeKey {
    pub(crate) id: TrusteeId,
    // the release of a share (`link`) opens with it
    pub(crate) secret: <Kem as hpke::Kem>::PrivateKey,
    public: <Kem as hpke::Kem>::PublicKey,
}

impl TrusteeKey {
    /// A fresh key pair for trustee `id`.
    ///
    /// ```
    /// use myna_escrow::TrusteeKey;
    /// let a = TrusteeKey::generate("a")?;
    /// assert_ne!(a.public(), TrusteeKey::generate("a")?.public());
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn generate(id: &str) -> Result<Self> {
        let id = TrusteeId::new(id)?;
        let mut secret = Zeroizing::new([0u8; 32]);
        myna_vc_core::crypto::fill_random(secret.as_mut_slice()).map_err(|_| Error::Randomness)?;
        Self::from_secret(id, &secret)
    }

    /// The public half, to put in an [`EscrowPolicy`](crate::EscrowPolicy).
    ///
    /// ```
    /// use myna_escrow::TrusteeKey;
    /// let key = TrusteeKey::generate("court")?;
    /// assert_eq!(key.public().id().as_str(), "court");
    /// assert_eq!(key.public(), key.public()); // the same key each time
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn public(&self) -> TrusteePublicKey {
        let mut key = [0u8; 32];
        key.copy_from_slice(&self.public.to_bytes());
        TrusteePublicKey {
            id: self.id.clone(),
            key,
        }
    }

    /// The key pair of trustee `id` from its 32-byte X25519 secret, as
    /// [`secret_bytes`](Self::secret_bytes) gave it (a trustee keeps it sealed in its own key
    /// file; the id is the name the issuer's configuration gives the public key).
    /// ```
    /// use myna_escrow::TrusteeKey;
    /// let key = TrusteeKey::generate("court")?;
    /// let again = TrusteeKey::from_secret_bytes("court", &key.secret_bytes())?;
    /// assert_eq!(again.public(), key.public());
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn from_secret_bytes(id: &str, secret: &[u8; 32]) -> Result<Self> {
        Self::from_secret(TrusteeId::new(id)?, secret)
    }

    fn from_secret(id: TrusteeId, secret: &[u8; 32]) -> Result<Self> {
        // Every 32-byte string is an X25519 secret (clamped on use), so this cannot fail
        // for a well-sized input; the error path only guards the library's contract.
        let secret = <Kem as hpke::Kem>::PrivateKey::from_bytes(secret)
            .map_err(|_| Error::InvalidEscrowPolicy("an X25519 secret is 32 bytes".into()))?;
        let public = <Kem as hpke::Kem>::sk_to_pk(&secret);
        Ok(TrusteeKey { id, secret, public })
    }

    /// The 32-byte X25519 secret, for the trustee to keep sealed. Zeroized on drop.
    ///
    /// ```
    /// use myna_escrow::TrusteeKey;
    /// assert_eq!(TrusteeKey::generate("court")?.secret_bytes().len(), 32);
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        self.secret.write_exact(out.as_mut_slice());
        out
    }
}

impl core::fmt::Debug for TrusteeKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "TrusteeKey({}, <redacted>)", self.id.0)
    }
}

/// The HPKE `info` of a share: binds it to its record and trustee.
pub(crate) fn share_info(record: &[u8; 16], trustee: &TrusteeId) -> Vec<u8> {
    [INFO_LABEL, record, trustee.0.as_bytes()].concat()
}
