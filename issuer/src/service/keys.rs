//! The service's secret keys, kept encrypted at rest in one file (`keys.json`): the issuer key
//! (credentials, status lists, the DID document's assertion key), the trust-list authority key
//! and the context-pseudonym PRF key ([`PseudonymKey`]).
//!
//! The file key is derived from the operator's passphrase with Argon2id (parameters and salt
//! stored in the file, so they can be raised later), and each secret key is sealed with
//! ChaCha20-Poly1305 under it, with the key's name as associated data. A wrong passphrase
//! fails the authentication tag: [`ServiceError::WrongPassphrase`], and the service does not
//! start. Secrets are zeroized when dropped. A key file written before the pseudonym key
//! existed gets one generated and the file rewritten on its next open. The MAC key of
//! stateless challenges ([`ChallengeKey`]) is derived from the pseudonym key with HKDF
//! ([`KeyRing::challenge_key`]), so it needs no entry of its own and survives restarts.
//!
//! ```
//! use myna_issuer::service::keys::KeyRing;
//! use zeroize::Zeroizing;
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("keys.json");
//! let pass = Zeroizing::new("correct horse".to_owned());
//! let created = KeyRing::open_or_create(&path, &pass)?;
//! let reopened = KeyRing::open_or_create(&path, &pass)?;
//! assert_eq!(created.issuer.public_key(), reopened.issuer.public_key());
//! // The pseudonym key survives a restart: the same person keeps the same pseudonym.
//! use myna_issuer::{pseudonym::ContextId, record::SubjectHandle};
//! let (person, forum) = (SubjectHandle::from_bytes([7; 32]), ContextId::parse("forum")?);
//! assert_eq!(created.pseudonym.derive(&person, &forum), reopened.pseudonym.derive(&person, &forum));
//! let wrong = Zeroizing::new("battery staple".to_owned());
//! assert!(matches!(KeyRing::open_or_create(&path, &wrong),
//!     Err(myna_issuer::service::ServiceError::WrongPassphrase)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use argon2::{Algorithm as Argon2Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use myna_vc_core::b64;
use myna_vc_core::crypto::{fill_random, SecretKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{KeyError, ServiceError};
use crate::challenge::ChallengeKey;
use crate::pseudonym::{PseudonymKey, PSEUDONYM_KEY_LEN};

const VERSION: u32 = 1;
/// Argon2id cost for new files: 19 MiB, 2 passes, 1 lane (the OWASP minimum).
const M_KIB: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
const ISSUER: &str = "issuer";
const AUTHORITY: &str = "authority";
const PSEUDONYM: &str = "pseudonym";
/// The `alg` recorded for the pseudonym key: it is an HMAC-SHA-256 key, not a signing key.
const PSEUDONYM_ALG: &str = "HS256";

/// The decrypted keys.
pub struct KeyRing {
    /// Signs credentials and status lists.
    pub issuer: SecretKey,
    /// Signs the trust list.
    pub authority: SecretKey,
    /// Derives context pseudonyms.
    pub pseudonym: PseudonymKey,
}

impl core::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeyRing(<redacted>)")
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    version: u32,
    kdf: KdfParams,
    keys: Vec<SealedKey>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KdfParams {
    algorithm: String,
    m_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedKey {
    name: String,
    alg: String,
    nonce: String,
    ciphertext: String,
}

impl KeyRing {
    /// The MAC key of `c_nonce`s and anchoring challenges, derived from the pseudonym key
    /// (HKDF-SHA-256 with its own salt, so neither use can stand in for the other): the same
    /// on every open of the same key file.
    ///
    /// ```
    /// use myna_issuer::challenge::ChallengePurpose;
    /// use myna_issuer::service::keys::KeyRing;
    /// use myna_vc_core::time::NumericDate;
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("keys.json");
    /// let pass = "correct horse battery";
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let issued = KeyRing::open_or_create(&path, pass)?.challenge_key()
    ///     .issue(ChallengePurpose::CNonce, now, 300)?;
    /// let reopened = KeyRing::open_or_create(&path, pass)?.challenge_key();
    /// assert!(reopened.check(ChallengePurpose::CNonce, &issued.nonce, now).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn challenge_key(&self) -> ChallengeKey {
        ChallengeKey::derive(self.pseudonym.secret_bytes())
    }

    /// Opens the key file at `path` with `passphrase`, or — when there is no file — generates
    /// the keys and writes them sealed under `passphrase` (see the [module example](self)).
    /// An empty passphrase is refused, and a new file needs a passphrase of at least
    /// [`MIN_PASSPHRASE_CHARS`](myna_vc_core::passphrase::MIN_PASSPHRASE_CHARS) characters
    /// (the rule the wallet shares); an existing file opens with the passphrase it was
    /// sealed under.
    ///
    /// ```
    /// use myna_issuer::service::{keys::KeyRing, ServiceError};
    /// let dir = tempfile::tempdir()?;
    /// let refused = KeyRing::open_or_create(&dir.path().join("k.json"), "");
    /// assert!(matches!(refused, Err(ServiceError::Keys(_))));
    /// let short = KeyRing::open_or_create(&dir.path().join("k.json"), "hunter2");
    /// assert!(matches!(short, Err(ServiceError::Keys(why)) if why.to_string().contains("at least 12")));
    /// assert!(!dir.path().join("k.json").exists());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open_or_create(path: &Path, passphrase: &str) -> Result<Self, ServiceError> {
        if passphrase.is_empty() {
            return Err(ServiceError::keys("the key passphrase is empty"));
        }
        if path.exists() {
            return Self::open(path, passphrase);
        }
        myna_vc_core::passphrase::check_new(passphrase)
            .map_err(|weak| ServiceError::keys(weak.to_string()))?;
        let ring = KeyRing {
            issuer: keys_error(SecretKey::generate_p256())?,
            authority: keys_error(SecretKey::generate_p256())?,
            pseudonym: PseudonymKey::generate()
                .map_err(|e| ServiceError::Keys(KeyError::Generate(e)))?,
        };
        ring.write(path, passphrase)?;
        Ok(ring)
    }

    /// Opens the existing key file at `path` with `passphrase` (what `myna issuer keys` and
    /// `trust-entry` do while the service may be running: they read this file only, never the
    /// store). No file is [`ServiceError::Io`] (not found): nothing is generated.
    ///
    /// ```
    /// use myna_issuer::service::{keys::KeyRing, ServiceError};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("keys.json");
    /// let pass = "passphrase of the city issuer";
    /// assert!(matches!(KeyRing::open_existing(&path, pass), Err(ServiceError::Io(_))));
    /// let created = KeyRing::open_or_create(&path, pass)?;
    /// assert_eq!(KeyRing::open_existing(&path, pass)?.issuer.public_key(), created.issuer.public_key());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_existing(path: &Path, passphrase: &str) -> Result<Self, ServiceError> {
        if passphrase.is_empty() {
            return Err(ServiceError::keys("the key passphrase is empty"));
        }
        if !path.exists() {
            return Err(ServiceError::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no key file at {}", path.display()),
            )));
        }
        Self::open(path, passphrase)
    }

    fn open(path: &Path, passphrase: &str) -> Result<Self, ServiceError> {
        let text = std::fs::read(path)?;
        let file: KeyFile = serde_json::from_value(serde_json::Value::Object(keys_error(
            myna_vc_core::json::parse_object(&text, "key file"),
        )?))
        .map_err(|e| ServiceError::Keys(KeyError::File(e)))?;
        if file.version != VERSION || file.kdf.algorithm != "argon2id" {
            return Err(ServiceError::keys("unsupported key file version"));
        }
        let salt = keys_error(b64::decode(&file.kdf.salt, "key file salt"))?;
        let cipher = cipher(passphrase, &salt, &file.kdf)?;
        let find = |name: &str| {
            file.keys
                .iter()
                .find(|k| k.name == name)
                .ok_or_else(|| ServiceError::keys(format!("key file lacks the {name} key")))
        };
        let issuer = unseal(&cipher, find(ISSUER)?)?;
        let authority = unseal(&cipher, find(AUTHORITY)?)?;
        let Ok(sealed) = find(PSEUDONYM) else {
            let ring = KeyRing {
                issuer,
                authority,
                pseudonym: PseudonymKey::generate()
                    .map_err(|e| ServiceError::Keys(KeyError::Generate(e)))?,
            };
            ring.write(path, passphrase)?;
            return Ok(ring);
        };
        Ok(KeyRing {
            issuer,
            authority,
            pseudonym: unseal_pseudonym(&cipher, sealed)?,
        })
    }

    fn write(&self, path: &Path, passphrase: &str) -> Result<(), ServiceError> {
        let mut salt = [0u8; 16];
        keys_error(fill_random(&mut salt))?;
        let kdf = KdfParams {
            algorithm: "argon2id".into(),
            m_kib: M_KIB,
            t_cost: T_COST,
            p_cost: P_COST,
            salt: b64::encode(salt),
        };
        let cipher = cipher(passphrase, &salt, &kdf)?;
        let keys = vec![
            seal_key(&cipher, ISSUER, &self.issuer)?,
            seal_key(&cipher, AUTHORITY, &self.authority)?,
            seal(
                &cipher,
                PSEUDONYM,
                PSEUDONYM_ALG,
                self.pseudonym.secret_bytes(),
            )?,
        ];
        let file = KeyFile {
            version: VERSION,
            kdf,
            keys,
        };
        let json =
            serde_json::to_vec_pretty(&file).map_err(|e| ServiceError::Keys(KeyError::File(e)))?;
        write_private(path, &json)
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename (never a half-written key
/// file), readable by the owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ServiceError> {
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn cipher(
    passphrase: &str,
    salt: &[u8],
    kdf: &KdfParams,
) -> Result<ChaCha20Poly1305, ServiceError> {
    let params = Params::new(kdf.m_kib, kdf.t_cost, kdf.p_cost, Some(32))
        .map_err(|e| ServiceError::keys(format!("argon2 parameters: {e}")))?;
    let argon = Argon2::new(Argon2Algorithm::Argon2id, Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
        .map_err(|e| ServiceError::keys(format!("argon2: {e}")))?;
    Ok(ChaCha20Poly1305::new(&Key::from(*key)))
}

fn seal_key(
    cipher: &ChaCha20Poly1305,
    name: &str,
    key: &SecretKey,
) -> Result<SealedKey, ServiceError> {
    seal(
        cipher,
        name,
        key.algorithm().jose_name(),
        key.to_bytes().as_slice(),
    )
}

fn seal(
    cipher: &ChaCha20Poly1305,
    name: &str,
    alg: &str,
    secret: &[u8],
) -> Result<SealedKey, ServiceError> {
    let mut nonce = [0u8; 12];
    keys_error(fill_random(&mut nonce))?;
    let ciphertext = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: secret,
                aad: name.as_bytes(),
            },
        )
        .map_err(|_| ServiceError::keys("sealing a key failed"))?;
    Ok(SealedKey {
        name: name.to_owned(),
        alg: alg.to_owned(),
        nonce: b64::encode(nonce),
        ciphertext: b64::encode(ciphertext),
    })
}

/// The plaintext of a sealed key (a wrong passphrase fails the tag).
fn open_sealed(
    cipher: &ChaCha20Poly1305,
    sealed: &SealedKey,
) -> Result<Zeroizing<Vec<u8>>, ServiceError> {
    let nonce: [u8; 12] = keys_error(b64::decode(&sealed.nonce, "key nonce"))?
        .try_into()
        .map_err(|_| ServiceError::keys("key nonce is not 12 bytes"))?;
    let ciphertext = keys_error(b64::decode(&sealed.ciphertext, "sealed key"))?;
    cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &ciphertext,
                aad: sealed.name.as_bytes(),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| ServiceError::WrongPassphrase)
}

fn unseal_pseudonym(
    cipher: &ChaCha20Poly1305,
    sealed: &SealedKey,
) -> Result<PseudonymKey, ServiceError> {
    if sealed.alg != PSEUDONYM_ALG {
        return Err(ServiceError::keys(format!(
            "the pseudonym key has algorithm {}, not {PSEUDONYM_ALG}",
            sealed.alg
        )));
    }
    let plain = open_sealed(cipher, sealed)?;
    let bytes: Zeroizing<[u8; PSEUDONYM_KEY_LEN]> = Zeroizing::new(
        plain
            .as_slice()
            .try_into()
            .map_err(|_| ServiceError::keys("the pseudonym key is not 64 bytes"))?,
    );
    Ok(PseudonymKey::from_bytes(*bytes))
}

fn unseal(cipher: &ChaCha20Poly1305, sealed: &SealedKey) -> Result<SecretKey, ServiceError> {
    let plain = open_sealed(cipher, sealed)?;
    keys_error(match sealed.alg.as_str() {
        "ES256" => SecretKey::p256_from_bytes(&plain),
        "EdDSA" => SecretKey::ed25519_from_seed(&plain),
        other => {
            return Err(ServiceError::keys(format!(
                "unsupported key algorithm {other}"
            )))
        }
    })
}

fn keys_error<T>(result: myna_vc_core::Result<T>) -> Result<T, ServiceError> {
    result.map_err(|e| ServiceError::Keys(KeyError::Key(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pseudonym::ContextId;
    use crate::record::SubjectHandle;

    const PASS: &str = "test key passphrase";

    fn pseudonym_of(ring: &KeyRing) -> String {
        let context = ContextId::parse("forum").unwrap();
        let person = SubjectHandle::from_bytes([3; 32]);
        ring.pseudonym.derive(&person, &context).to_string()
    }

    /// A key file written before the pseudonym key existed: the signing keys stay, a pseudonym
    /// key is generated and written once, and from then on it is the same on every open.
    #[test]
    fn a_key_file_without_a_pseudonym_key_gets_one_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let first = KeyRing::open_or_create(&path, PASS).unwrap();
        let mut file: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        file["keys"]
            .as_array_mut()
            .unwrap()
            .retain(|k| k["name"] != PSEUDONYM);
        std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();

        let upgraded = KeyRing::open_or_create(&path, PASS).unwrap();
        assert_eq!(upgraded.issuer.public_key(), first.issuer.public_key());
        assert_eq!(
            upgraded.authority.public_key(),
            first.authority.public_key()
        );
        assert_ne!(pseudonym_of(&upgraded), pseudonym_of(&first), "a new key");
        let reopened = KeyRing::open_or_create(&path, PASS).unwrap();
        assert_eq!(pseudonym_of(&reopened), pseudonym_of(&upgraded));
        // The rewritten file is still sealed under the same passphrase only.
        assert!(matches!(
            KeyRing::open_or_create(&path, "another passphrase"),
            Err(ServiceError::WrongPassphrase)
        ));
    }

    /// A pseudonym key of the wrong length or algorithm is refused, not truncated or guessed.
    #[test]
    fn a_damaged_pseudonym_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        KeyRing::open_or_create(&path, PASS).unwrap();
        let original = std::fs::read(&path).unwrap();
        let mut file: serde_json::Value = serde_json::from_slice(&original).unwrap();
        for key in file["keys"].as_array_mut().unwrap() {
            if key["name"] == PSEUDONYM {
                key["alg"] = "ES256".into();
            }
        }
        std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
        let refused = KeyRing::open_or_create(&path, PASS).unwrap_err();
        assert!(
            matches!(&refused, ServiceError::Keys(why) if why.to_string().contains("HS256")),
            "{refused:?}"
        );
    }
}
