//! A trustee's key file: its X25519 secret sealed under its passphrase, its public key in
//! clear beside it (for the city's configuration, readable without the passphrase).
//!
//! JSON: `{"kind": "myna-trustee-key", "version": 1, "public_key": B64URL, "sealed_secret":
//! B64URL}`, the secret sealed with [`myna_vc_core::sealed`] (Argon2id, ChaCha20-Poly1305).
//! `myna trustee keygen` writes it; `myna trustee release` and the staff console (npm
//! `myna-vc/trustee`) open it.
//!
//! The key carries no trustee name: the issuer names each public key in its configuration and
//! each share in a sealed link, so a [`TrusteeSecret`] becomes a [`TrusteeKey`] under a name
//! only for one release.
//!
//! ```
//! use myna_escrow::{seal, EscrowPolicy, TrusteeKeyFile, TrusteePublicKey};
//! use myna_vc_core::sealed::KdfParams;
//! let params = KdfParams::new(64, 1, 1)?; // tiny, for the example; use KdfParams::default()
//! let file = TrusteeKeyFile::generate("passphrase of alice", params)?;
//! let text = file.to_json(); // what the trustee keeps
//!
//! // The city seals to the public key under the name it gives the trustee …
//! let other = TrusteeKeyFile::generate("passphrase of bob", params)?;
//! let policy = EscrowPolicy::new(vec![
//!     TrusteePublicKey::new("alice", *file.public_key())?,
//!     TrusteePublicKey::new("bob", *other.public_key())?,
//! ], 2)?;
//! let sealed = seal(&policy, b"link")?;
//!
//! // … and the trustee opens its file to release its share.
//! let secret = TrusteeKeyFile::parse(&text)?.unseal("passphrase of alice")?;
//! assert_eq!(secret.release_as("alice", &sealed)?.trustee().as_str(), "alice");
//! assert_eq!(secret.release_own(&sealed)?.trustee().as_str(), "alice");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use myna_vc_core::b64;
use myna_vc_core::sealed::{self, KdfParams, SealedError};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::released_share::ReleasedShare;
use crate::sealed_link::SealedLink;
use crate::trustee::TrusteeKey;

/// The `kind` of a trustee key file.
pub const KEY_FILE_KIND: &str = "myna-trustee-key";
/// The key file format's version.
pub const KEY_FILE_VERSION: u64 = 1;
/// A key file is a few hundred bytes; anything larger is refused unread.
const MAX_KEY_FILE_BYTES: usize = 64 << 10;
/// The name a key pair carries while it has none of the issuer's (it is not part of the key).
const UNNAMED: &str = "trustee";

/// A trustee key file: the public key in clear, the secret sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrusteeKeyFile {
    public_key: [u8; 32],
    sealed_secret: Vec<u8>,
}

impl TrusteeKeyFile {
    /// A fresh key pair, its secret sealed under `passphrase` (at least
    /// [`MIN_PASSPHRASE_CHARS`](myna_vc_core::passphrase::MIN_PASSPHRASE_CHARS) characters;
    /// otherwise [`Error::Sealing`]).
    ///
    /// ```
    /// use myna_escrow::TrusteeKeyFile;
    /// use myna_vc_core::sealed::KdfParams;
    /// let params = KdfParams::new(64, 1, 1)?;
    /// assert_eq!(TrusteeKeyFile::generate("short", params).unwrap_err().code(), "weak_passphrase");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate(passphrase: &str, params: KdfParams) -> Result<Self> {
        let mut secret = Zeroizing::new([0u8; 32]);
        myna_vc_core::crypto::fill_random(secret.as_mut_slice()).map_err(|_| Error::Randomness)?;
        let key = TrusteeKey::from_secret_bytes(UNNAMED, &secret)?;
        let sealed_secret =
            sealed::seal(secret.as_slice(), passphrase, params).map_err(|error| match error {
                SealedError::Randomness => Error::Randomness,
                other => Error::Sealing(other),
            })?;
        Ok(TrusteeKeyFile {
            public_key: *key.public().key_bytes(),
            sealed_secret,
        })
    }

    /// Reads a key file's JSON text. Anything else — not JSON, another `kind` or `version`,
    /// a missing member, a public key that is not 32 bytes of base64url — is
    /// [`Error::MalformedKeyFile`], saying which.
    ///
    /// ```
    /// use myna_escrow::{Error, TrusteeKeyFile};
    /// let err = TrusteeKeyFile::parse(r#"{"kind": "something-else"}"#).unwrap_err();
    /// assert_eq!(err.code(), "malformed");
    /// assert!(TrusteeKeyFile::parse("not json").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: String| Error::MalformedKeyFile(why);
        if text.len() > MAX_KEY_FILE_BYTES {
            return Err(bad("larger than 64 KiB".into()));
        }
        let value: Value = serde_json::from_str(text).map_err(|_| bad("not JSON".into()))?;
        if value.get("kind").and_then(Value::as_str) != Some(KEY_FILE_KIND) {
            return Err(bad(format!("its `kind` is not {KEY_FILE_KIND}")));
        }
        if value.get("version").and_then(Value::as_u64) != Some(KEY_FILE_VERSION) {
            return Err(bad(format!("its `version` is not {KEY_FILE_VERSION}")));
        }
        let field = |name: &'static str| {
            let text = value
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("it has no `{name}`")))?;
            b64::decode(text, name).map_err(|_| bad(format!("its `{name}` is not base64url")))
        };
        let public_key = <[u8; 32]>::try_from(field("public_key")?.as_slice())
            .map_err(|_| bad("its public key is not 32 bytes".into()))?;
        let sealed_secret = field("sealed_secret")?;
        Ok(TrusteeKeyFile {
            public_key,
            sealed_secret,
        })
    }

    /// The JSON text to keep (pretty-printed, with a final newline).
    ///
    /// ```
    /// use myna_escrow::TrusteeKeyFile;
    /// use myna_vc_core::sealed::KdfParams;
    /// let file = TrusteeKeyFile::generate("passphrase of alice", KdfParams::new(64, 1, 1)?)?;
    /// assert!(file.to_json().contains(r#""kind": "myna-trustee-key""#));
    /// assert_eq!(TrusteeKeyFile::parse(&file.to_json())?, file);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        let value = json!({
            "kind": KEY_FILE_KIND,
            "version": KEY_FILE_VERSION,
            "public_key": b64::encode(self.public_key),
            "sealed_secret": b64::encode(&self.sealed_secret),
        });
        format!("{value:#}\n")
    }

    /// The X25519 public key (what the issuer's configuration lists for this trustee), read
    /// without the passphrase (`myna trustee public-key`).
    ///
    /// ```
    /// use myna_escrow::TrusteeKeyFile;
    /// use myna_vc_core::{b64, sealed::KdfParams};
    /// let file = TrusteeKeyFile::generate("passphrase of alice", KdfParams::new(64, 1, 1)?)?;
    /// assert!(file.to_json().contains(&b64::encode(file.public_key())));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }

    /// The secret, opened with the passphrase and checked against the public key beside it.
    /// A wrong passphrase (or an altered sealed secret) is [`Error::WrongPassphrase`]; a
    /// sealed secret that is not sealed data of 32 bytes, or whose public key is not the one
    /// in the file, is [`Error::MalformedKeyFile`].
    ///
    /// ```
    /// use myna_escrow::{Error, TrusteeKeyFile};
    /// use myna_vc_core::sealed::KdfParams;
    /// let file = TrusteeKeyFile::generate("passphrase of alice", KdfParams::new(64, 1, 1)?)?;
    /// assert_eq!(file.unseal("passphrase of alice")?.public_key(), file.public_key());
    /// assert_eq!(file.unseal("passphrase of bob").unwrap_err(), Error::WrongPassphrase);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unseal(&self, passphrase: &str) -> Result<TrusteeSecret> {
        let plain = sealed::open(&self.sealed_secret, passphrase).map_err(|e| match e {
            SealedError::WrongPassphrase => Error::WrongPassphrase,
            other => Error::MalformedKeyFile(format!("its sealed secret: {other}")),
        })?;
        let secret: Zeroizing<[u8; 32]> =
            Zeroizing::new(plain.as_slice().try_into().map_err(|_| {
                Error::MalformedKeyFile("the sealed secret is not 32 bytes".into())
            })?);
        let derived = TrusteeKey::from_secret_bytes(UNNAMED, &secret)?;
        if derived.public().key_bytes() != &self.public_key {
            return Err(Error::MalformedKeyFile(
                "the public key in the file is not the sealed secret's (the file was altered)"
                    .into(),
            ));
        }
        Ok(TrusteeSecret {
            secret,
            public_key: self.public_key,
        })
    }
}

/// A trustee's opened secret key, not yet named: the issuer names it per share.
pub struct TrusteeSecret {
    secret: Zeroizing<[u8; 32]>,
    public_key: [u8; 32],
}

impl core::fmt::Debug for TrusteeSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("TrusteeSecret(<redacted>)")
    }
}

impl TrusteeSecret {
    /// The X25519 public key: the key file's, checked against the secret when it was opened.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }

    /// The key pair under the name `id`.
    ///
    /// ```
    /// use myna_escrow::TrusteeKeyFile;
    /// use myna_vc_core::sealed::KdfParams;
    /// let file = TrusteeKeyFile::generate("passphrase of alice", KdfParams::new(64, 1, 1)?)?;
    /// let key = file.unseal("passphrase of alice")?.key_as("alice")?;
    /// assert_eq!(key.public().key_bytes(), file.public_key());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_as(&self, id: &str) -> Result<TrusteeKey> {
        TrusteeKey::from_secret_bytes(id, &self.secret)
    }

    /// Releases the share of `sealed` held by trustee `id` (the name the issuer gave this
    /// key): [`Error::NotATrustee`] if the link names no such trustee,
    /// [`Error::KeyOfAnotherTrustee`] if this key opens another trustee's share instead, and
    /// [`Error::EscrowDecryption`] if it opens no share at all (another key, or a damaged
    /// share: the two cannot be told apart).
    ///
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, Error, TrusteeKeyFile, TrusteePublicKey};
    /// use myna_vc_core::sealed::KdfParams;
    /// let params = KdfParams::new(64, 1, 1)?;
    /// let (alice, bob) = (TrusteeKeyFile::generate("passphrase of alice", params)?,
    ///                     TrusteeKeyFile::generate("passphrase of bob", params)?);
    /// let policy = EscrowPolicy::new(vec![TrusteePublicKey::new("alice", *alice.public_key())?,
    ///                                     TrusteePublicKey::new("bob", *bob.public_key())?], 2)?;
    /// let sealed = seal(&policy, b"link")?;
    /// let secret = bob.unseal("passphrase of bob")?;
    /// assert_eq!(secret.release_as("alice", &sealed).unwrap_err().code(), "not_a_trustee");
    /// assert_eq!(secret.release_as("carol", &sealed).unwrap_err(), Error::NotATrustee("carol".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn release_as(&self, id: &str, sealed: &SealedLink) -> Result<ReleasedShare> {
        if !sealed.trustees().any(|t| t.as_str() == id) {
            return Err(Error::NotATrustee(id.to_owned()));
        }
        let refusal = match self.key_as(id)?.release(sealed) {
            Ok(share) => return Ok(share),
            Err(refusal) => refusal,
        };
        match self.opened_shares(sealed).into_iter().next() {
            Some(share) => Err(Error::KeyOfAnotherTrustee {
                key_of: share.trustee().as_str().to_owned(),
                asked: id.to_owned(),
            }),
            None => Err(refusal),
        }
    }

    /// Releases this key's own share of `sealed`, whichever name the issuer gave it: the
    /// sealed link names each share's trustee, and a share opens only with its trustee's name
    /// and key (both are bound into the HPKE context), so the one share that opens is this
    /// key's. None opening is [`Error::KeyOpensNoShare`]; several (one key listed under two
    /// names) is [`Error::KeyOfSeveralTrustees`], refused rather than guessed.
    ///
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, Error, TrusteeKeyFile, TrusteePublicKey};
    /// use myna_vc_core::sealed::KdfParams;
    /// let params = KdfParams::new(64, 1, 1)?;
    /// let (alice, bob) = (TrusteeKeyFile::generate("passphrase of alice", params)?,
    ///                     TrusteeKeyFile::generate("passphrase of bob", params)?);
    /// let twice = EscrowPolicy::new(vec![TrusteePublicKey::new("alice", *alice.public_key())?,
    ///                                    TrusteePublicKey::new("alias", *alice.public_key())?], 2)?;
    /// let sealed = seal(&twice, b"link")?;
    /// let err = alice.unseal("passphrase of alice")?.release_own(&sealed).unwrap_err();
    /// assert!(matches!(err, Error::KeyOfSeveralTrustees(_)));
    /// let err = bob.unseal("passphrase of bob")?.release_own(&sealed).unwrap_err();
    /// assert!(matches!(err, Error::KeyOpensNoShare(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn release_own(&self, sealed: &SealedLink) -> Result<ReleasedShare> {
        let mut opened = self.opened_shares(sealed);
        let names = |shares: &[ReleasedShare]| {
            shares
                .iter()
                .map(|s| s.trustee().as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match opened.len() {
            0 => Err(Error::KeyOpensNoShare(
                sealed
                    .trustees()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            1 => opened
                .pop()
                .ok_or(Error::EscrowDecryption("no share opened")),
            _ => Err(Error::KeyOfSeveralTrustees(names(&opened))),
        }
    }

    /// Every share of `sealed` this key opens, under its trustee's name.
    fn opened_shares(&self, sealed: &SealedLink) -> Vec<ReleasedShare> {
        sealed
            .trustees()
            .filter_map(|trustee| self.key_as(trustee.as_str()).ok())
            .filter_map(|key| key.release(sealed).ok())
            .collect()
    }
}
