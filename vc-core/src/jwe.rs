//! Compact JWE (RFC 7516) with the algorithms of RFC 7518 that OpenID4VP §8.3 and HAIP use for
//! encrypted responses: key agreement `ECDH-ES` (direct, no key wrapping) on P-256, the JWA
//! Concat KDF with SHA-256, content encryption `A128GCM` or `A256GCM`.
//!
//! The verifier makes an ephemeral [`EncryptionKey`], puts its [`public_jwk`](EncryptionKey::public_jwk)
//! in the request's `client_metadata`; the wallet reads it as a [`RecipientKey`] and
//! [`encrypt`]s its response; the verifier [`decrypt`](EncryptionKey::decrypt)s it. What
//! decryption refuses, each with a [`JweError`]: any `alg` but `ECDH-ES`, an `enc` the caller
//! did not allow, `zip`, any `crit`, a `kid` naming another key, an `epk` of another curve or
//! off the curve, an encrypted key, a wrong IV or tag length, more than 1 MiB, and a tag that
//! does not verify.
//!
//! ```
//! use myna_vc_core::jwe::{encrypt, ContentEncryption, EncryptionKey, RecipientKey};
//! let key = EncryptionKey::generate()?;                          // verifier
//! let recipient = RecipientKey::from_jwk(&key.public_jwk())?;     // wallet
//! let jwe = encrypt(br#"{"vp_token":{}}"#, &recipient, ContentEncryption::A128Gcm)?;
//! let payload = key.decrypt(&jwe, &[ContentEncryption::A128Gcm])?; // verifier
//! assert_eq!(&payload[..], br#"{"vp_token":{}}"#);
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use core::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use serde_json::{Map, Value};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::crypto::{fill_random, P256PublicKey, PublicKey, SecretKey};
use crate::error::{Error, JoseError, JweError, Result};
use crate::{b64, json};

/// The only key agreement algorithm: ECDH-ES in direct key agreement mode.
pub const ALG_ECDH_ES: &str = "ECDH-ES";

/// What a JWE is called in errors.
const WHAT: &str = "JWE";

/// The JWE content encryption algorithm (`enc`).
///
/// ```
/// use myna_vc_core::jwe::ContentEncryption;
/// assert_eq!(ContentEncryption::parse("A256GCM")?, ContentEncryption::A256Gcm);
/// assert_eq!(ContentEncryption::A128Gcm.as_str(), "A128GCM");
/// assert!(ContentEncryption::parse("A128CBC-HS256").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentEncryption {
    /// `A128GCM`: AES-128 in GCM, the OpenID4VP default.
    A128Gcm,
    /// `A256GCM`: AES-256 in GCM.
    A256Gcm,
}

impl ContentEncryption {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContentEncryption::A128Gcm => "A128GCM",
            ContentEncryption::A256Gcm => "A256GCM",
        }
    }

    /// Reads a wire name; anything else is [`JweError::UnsupportedAlgorithm`].
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "A128GCM" => Ok(ContentEncryption::A128Gcm),
            "A256GCM" => Ok(ContentEncryption::A256Gcm),
            other => Err(Error::Jwe(JweError::UnsupportedAlgorithm(format!(
                "enc `{}`",
                other.chars().take(32).collect::<String>()
            )))),
        }
    }

    /// The key length in bytes.
    const fn key_len(self) -> usize {
        match self {
            ContentEncryption::A128Gcm => 16,
            ContentEncryption::A256Gcm => 32,
        }
    }
}

/// The verifier's (ephemeral) ECDH-ES P-256 private key with its `kid`. Its scalar is zeroized
/// on drop and never printed.
///
/// ```
/// use myna_vc_core::jwe::EncryptionKey;
/// let key = EncryptionKey::generate()?;
/// let jwk = key.public_jwk();
/// assert_eq!(jwk["alg"], "ECDH-ES");
/// assert_eq!(jwk["kid"], key.kid());
/// assert!(jwk.get("d").is_none());
/// assert!(format!("{key:?}").contains("<hidden>"));
/// // Saved and restored (e.g. between two HTTP requests of a verifier):
/// let again = EncryptionKey::from_jwk(&serde_json::from_str(&key.to_private_jwk())?)?;
/// assert_eq!(again.public_jwk(), jwk);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct EncryptionKey {
    d: Zeroizing<[u8; 32]>,
    #[zeroize(skip)]
    public: P256PublicKey,
    #[zeroize(skip)]
    kid: String,
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("kid", &self.kid)
            .field("d", &"<hidden>")
            .finish()
    }
}

impl EncryptionKey {
    /// A fresh key with a random 128-bit `kid`.
    pub fn generate() -> Result<Self> {
        let secret = SecretKey::generate_p256()?;
        let mut kid = [0u8; 16];
        fill_random(&mut kid)?;
        Self::from_secret(&secret, b64::encode(kid))
    }

    fn from_secret(secret: &SecretKey, kid: String) -> Result<Self> {
        let PublicKey::P256(public) = secret.public_key() else {
            return Err(Error::Jose(JoseError::UnsupportedKeyType(
                "encryption keys are P-256".into(),
            )));
        };
        Ok(EncryptionKey {
            d: secret.to_bytes(),
            public,
            kid,
        })
    }

    /// Reads a private JWK (`kty` EC, `crv` P-256, `x`, `y`, `d`): the spec's example key, or a
    /// key saved with [`to_private_jwk`](Self::to_private_jwk). `d` must match `x`/`y`; `alg`,
    /// when present, must be `ECDH-ES` and `use`, when present, `enc`. Without `kid` the key's
    /// RFC 7638 thumbprint is its `kid`.
    ///
    /// ```
    /// use myna_vc_core::jwe::EncryptionKey;
    /// let mut jwk = serde_json::from_str(&EncryptionKey::generate()?.to_private_jwk())?;
    /// assert!(EncryptionKey::from_jwk(&jwk).is_ok());
    /// jwk["alg"] = "ES256".into();
    /// assert!(EncryptionKey::from_jwk(&jwk).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_jwk(private_jwk: &Value) -> Result<Self> {
        let object = private_jwk
            .as_object()
            .ok_or(Error::not_an_object("private JWK"))?;
        check_purpose(object)?;
        if object.get("kty").and_then(Value::as_str) != Some("EC")
            || object.get("crv").and_then(Value::as_str) != Some("P-256")
        {
            return Err(Error::Jwe(JweError::KeyMismatch(
                "ECDH-ES keys here are EC P-256".into(),
            )));
        }
        let secret = SecretKey::from_jwk(private_jwk)?;
        let PublicKey::P256(public) = secret.public_key() else {
            return Err(Error::Jwe(JweError::KeyMismatch(
                "ECDH-ES keys here are EC P-256".into(),
            )));
        };
        let kid = match object.get("kid") {
            Some(Value::String(kid)) => kid.clone(),
            Some(_) => return Err(Error::member_type("private JWK", "kid", "a string")),
            None => PublicKey::P256(public).thumbprint().to_string(),
        };
        Self::from_secret(&secret, kid)
    }

    /// The private JWK as JSON text (with `d`), in a buffer zeroized on drop. Keep it secret.
    ///
    /// ```
    /// let key = myna_vc_core::jwe::EncryptionKey::generate()?;
    /// assert!(key.to_private_jwk().contains("\"d\":"));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_private_jwk(&self) -> Zeroizing<String> {
        let mut jwk = self.public_jwk();
        let mut d = b64::encode(self.d.as_ref());
        if let Value::Object(object) = &mut jwk {
            object.insert("d".into(), Value::String(d.clone()));
        }
        d.zeroize();
        let text = Zeroizing::new(jwk.to_string());
        if let Some(Value::String(d)) = jwk.get_mut("d") {
            d.zeroize();
        }
        text
    }

    /// The public JWK for `client_metadata.jwks`: `kty`, `crv`, `x`, `y`, `use` `enc`, `alg`
    /// `ECDH-ES`, `kid`.
    ///
    /// ```
    /// let key = myna_vc_core::jwe::EncryptionKey::generate()?;
    /// assert_eq!(key.public_jwk()["use"], "enc");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn public_jwk(&self) -> Value {
        serde_json::json!({
            "kty": "EC",
            "crv": "P-256",
            "x": b64::encode(self.public.x()),
            "y": b64::encode(self.public.y()),
            "use": "enc",
            "alg": ALG_ECDH_ES,
            "kid": self.kid,
        })
    }

    /// The key's `kid`.
    ///
    /// ```
    /// let key = myna_vc_core::jwe::EncryptionKey::generate()?;
    /// assert_eq!(key.kid().len(), 22);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Decrypts a compact JWE: `alg` exactly `ECDH-ES`, `enc` in `allowed`, `kid` (when
    /// present) ours, `epk` a P-256 point on the curve, `apu`/`apv` fed to the KDF, no `zip`,
    /// no `crit`, at most 1 MiB. The plaintext comes in a buffer zeroized on drop.
    ///
    /// ```
    /// use myna_vc_core::jwe::{encrypt, ContentEncryption, EncryptionKey, RecipientKey};
    /// use myna_vc_core::{Error, JweError};
    /// let key = EncryptionKey::generate()?;
    /// let jwe = encrypt(b"hi", &RecipientKey::from_jwk(&key.public_jwk())?, ContentEncryption::A256Gcm)?;
    /// assert!(matches!(key.decrypt(&jwe, &[ContentEncryption::A128Gcm]), Err(Error::Jwe(JweError::UnsupportedAlgorithm(_)))));
    /// let other = EncryptionKey::generate()?;
    /// assert!(matches!(other.decrypt(&jwe, &[ContentEncryption::A256Gcm]), Err(Error::Jwe(JweError::KeyMismatch(_)))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn decrypt(
        &self,
        compact: &str,
        allowed: &[ContentEncryption],
    ) -> Result<Zeroizing<Vec<u8>>> {
        json::check_size(WHAT, compact.len())?;
        let parts: Vec<&str> = compact.split('.').collect();
        let [protected, encrypted_key, iv, ciphertext, tag] = parts.as_slice() else {
            return Err(malformed("a compact JWE has five dot-separated parts"));
        };
        let header = json::parse_object(&b64::decode(protected, "JWE header")?, "JWE header")?;
        let enc = check_header(&header, allowed)?;
        if let Some(kid) = header.get("kid") {
            if kid.as_str() != Some(self.kid.as_str()) {
                return Err(Error::Jwe(JweError::KeyMismatch(
                    "`kid` names another key".into(),
                )));
            }
        }
        let epk = read_epk(&header)?;
        if !encrypted_key.is_empty() {
            return Err(malformed(
                "ECDH-ES (direct key agreement) has an empty encrypted key",
            ));
        }
        let iv = b64::decode(iv, "JWE initialization vector")?;
        let tag = b64::decode(tag, "JWE authentication tag")?;
        if iv.len() != 12 || tag.len() != 16 {
            return Err(malformed("AES-GCM needs a 96-bit IV and a 128-bit tag"));
        }
        let mut sealed = b64::decode(ciphertext, "JWE ciphertext")?;
        sealed.extend_from_slice(&tag);
        let secret = p256::SecretKey::from_slice(self.d.as_ref())
            .map_err(|_| Error::Jose(JoseError::InvalidKey("not a P-256 private scalar".into())))?;
        let cek = derive_cek(&secret, &epk, enc, &party_info(&header)?)?;
        let plaintext = aead(enc, &cek, &iv, protected.as_bytes(), &sealed, false)
            .map_err(|_| Error::Jwe(JweError::DecryptionFailed))?;
        Ok(plaintext)
    }
}

/// `alg` and `use` of a JWK meant for ECDH-ES encryption, when present.
fn check_purpose(object: &Map<String, Value>) -> Result<()> {
    match object.get("alg") {
        None => {}
        Some(Value::String(alg)) if alg == ALG_ECDH_ES => {}
        Some(_) => {
            return Err(Error::Jwe(JweError::UnsupportedAlgorithm(
                "the key's `alg` is not ECDH-ES".into(),
            )))
        }
    }
    match object.get("use") {
        None => Ok(()),
        Some(Value::String(u)) if u == "enc" => Ok(()),
        Some(_) => Err(Error::Jwe(JweError::KeyMismatch(
            "the key's `use` is not `enc`".into(),
        ))),
    }
}

/// A recipient's public encryption key as a wallet reads it from `client_metadata.jwks`.
///
/// Any well-formed public JWK is read (a request may offer X25519 or P-384 keys beside a
/// P-256 one); only an ECDH-ES P-256 key whose `use` is absent or `enc` is
/// [`usable`](Self::is_usable) for [`encrypt`]. A P-256 key off the curve and a key with
/// private members are refused.
///
/// ```
/// use myna_vc_core::jwe::RecipientKey;
/// let key = RecipientKey::from_jwk(&serde_json::json!({"kty": "OKP", "crv": "X25519", "kid": "jc",
///     "x": "WPX7wnwq10hFNK9aDSyG1QlLswE_CJY14LdhcFUIVVc", "alg": "ECDH-ES"}))?;
/// assert_eq!(key.kid(), Some("jc"));
/// assert!(!key.is_usable());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientKey {
    /// The P-256 point, for `kty` EC `crv` P-256.
    p256: Option<P256PublicKey>,
    kid: Option<String>,
    /// `alg` is absent or ECDH-ES, and `use` absent or `enc`.
    for_ecdh_es: bool,
}

impl RecipientKey {
    /// Reads a public JWK (see the type).
    pub fn from_jwk(jwk: &Value) -> Result<Self> {
        const WHAT: &str = "encryption JWK";
        let object = jwk.as_object().ok_or(Error::not_an_object(WHAT))?;
        let kty = match object.get("kty") {
            Some(Value::String(kty)) => kty.as_str(),
            Some(_) => return Err(Error::member_type(WHAT, "kty", "a string")),
            None => return Err(Error::missing_member(WHAT, "kty")),
        };
        if ["d", "p", "q", "dp", "dq", "qi", "k"]
            .iter()
            .any(|m| object.contains_key(*m))
        {
            return Err(Error::Jose(JoseError::PrivateKeyInPublicJwk));
        }
        let kid = match object.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(Error::member_type(WHAT, "kid", "a string")),
        };
        let is_p256 = kty == "EC" && object.get("crv").and_then(Value::as_str) == Some("P-256");
        let p256 = if is_p256 {
            let coordinate = |name: &str| match object.get(name) {
                Some(Value::String(c)) => b64::decode(c, "JWK coordinate"),
                _ => Err(Error::missing_member(WHAT, name)),
            };
            Some(P256PublicKey::from_coordinates(
                &coordinate("x")?,
                &coordinate("y")?,
            )?)
        } else {
            None
        };
        Ok(RecipientKey {
            p256,
            kid,
            for_ecdh_es: check_purpose(object).is_ok(),
        })
    }

    /// The JWK's `kid`, copied into the JWE header by [`encrypt`].
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Whether [`encrypt`] can use this key: P-256, `alg` absent or `ECDH-ES`, `use` absent or
    /// `enc` (OpenID4VP §8.3). See the type for an example.
    pub fn is_usable(&self) -> bool {
        self.p256.is_some() && self.for_ecdh_es
    }
}

/// Compact JWE of `payload` to `recipient`: a fresh ephemeral key (`epk`), `kid` copied from
/// the JWK, `alg` `ECDH-ES`, no `apu`/`apv`. A key that is not [usable](RecipientKey::is_usable)
/// is [`JweError::KeyMismatch`].
///
/// ```
/// use myna_vc_core::jwe::{encrypt, ContentEncryption, EncryptionKey, RecipientKey};
/// let key = EncryptionKey::generate()?;
/// let jwe = encrypt(b"{}", &RecipientKey::from_jwk(&key.public_jwk())?, ContentEncryption::A128Gcm)?;
/// assert_eq!(jwe.split('.').count(), 5);
/// assert_eq!(&key.decrypt(&jwe, &[ContentEncryption::A128Gcm])?[..], b"{}");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn encrypt(payload: &[u8], recipient: &RecipientKey, enc: ContentEncryption) -> Result<String> {
    let (Some(public), true) = (&recipient.p256, recipient.for_ecdh_es) else {
        return Err(Error::Jwe(JweError::KeyMismatch(
            "only ECDH-ES P-256 keys with `use` absent or `enc` are supported".into(),
        )));
    };
    let ephemeral = SecretKey::generate_p256()?;
    let ephemeral = p256::SecretKey::from_slice(ephemeral.to_bytes().as_ref())
        .map_err(|_| Error::Jose(JoseError::Crypto("ephemeral key".into())))?;
    let PublicKey::P256(epk) = SecretKey::p256_from_bytes(&ephemeral.to_bytes())?.public_key()
    else {
        return Err(Error::Jose(JoseError::Crypto("ephemeral key".into())));
    };
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(ALG_ECDH_ES.into()));
    header.insert("enc".into(), Value::String(enc.as_str().into()));
    if let Some(kid) = &recipient.kid {
        header.insert("kid".into(), Value::String(kid.clone()));
    }
    header.insert(
        "epk".into(),
        serde_json::json!({"kty": "EC", "crv": "P-256",
            "x": b64::encode(epk.x()), "y": b64::encode(epk.y())}),
    );
    let protected = b64::encode(Value::Object(header).to_string());
    let cek = derive_cek(&ephemeral, public, enc, &party_info_empty())?;
    let mut iv = [0u8; 12];
    fill_random(&mut iv)?;
    let sealed = aead(enc, &cek, &iv, protected.as_bytes(), payload, true)
        .map_err(|_| Error::Jose(JoseError::Crypto("AES-GCM encryption failed".into())))?;
    let split = sealed.len().saturating_sub(16);
    let (ciphertext, tag) = sealed.split_at(split);
    Ok(format!(
        "{protected}..{}.{}.{}",
        b64::encode(iv),
        b64::encode(ciphertext),
        b64::encode(tag)
    ))
}

fn malformed(detail: &str) -> Error {
    Error::Jwe(JweError::Malformed(detail.into()))
}

/// `alg`, `enc`, `zip`, `crit` of a protected header; returns `enc`.
fn check_header(
    header: &Map<String, Value>,
    allowed: &[ContentEncryption],
) -> Result<ContentEncryption> {
    let unsupported = |what: String| Err(Error::Jwe(JweError::UnsupportedAlgorithm(what)));
    if header.get("alg").and_then(Value::as_str) != Some(ALG_ECDH_ES) {
        return unsupported("`alg` must be ECDH-ES".into());
    }
    if header.contains_key("zip") {
        return unsupported("`zip` (compressed plaintext) is not supported".into());
    }
    if header.contains_key("crit") {
        return unsupported("no `crit` extension is supported".into());
    }
    let enc = match header.get("enc") {
        Some(Value::String(enc)) => ContentEncryption::parse(enc)?,
        _ => return Err(malformed("`enc` is missing")),
    };
    if !allowed.contains(&enc) {
        return unsupported(format!("`enc` {} is not allowed here", enc.as_str()));
    }
    Ok(enc)
}

/// The header's `epk`: an EC P-256 point on the curve.
fn read_epk(header: &Map<String, Value>) -> Result<P256PublicKey> {
    let Some(Value::Object(epk)) = header.get("epk") else {
        return Err(malformed("`epk` is missing"));
    };
    if epk.get("kty").and_then(Value::as_str) != Some("EC")
        || epk.get("crv").and_then(Value::as_str) != Some("P-256")
    {
        return Err(Error::Jwe(JweError::KeyMismatch(
            "`epk` is not a P-256 key".into(),
        )));
    }
    let coordinate = |name: &str| match epk.get(name) {
        Some(Value::String(c)) => b64::decode(c, "JWE epk coordinate"),
        _ => Err(malformed("`epk` lacks a coordinate")),
    };
    let (x, y) = (coordinate("x")?, coordinate("y")?);
    P256PublicKey::from_coordinates(&x, &y).map_err(|_| malformed("`epk` is not a point on P-256"))
}

/// `apu` and `apv` (decoded), empty when absent.
struct PartyInfo {
    apu: Vec<u8>,
    apv: Vec<u8>,
}

fn party_info_empty() -> PartyInfo {
    PartyInfo {
        apu: Vec::new(),
        apv: Vec::new(),
    }
}

fn party_info(header: &Map<String, Value>) -> Result<PartyInfo> {
    let read = |name: &str| match header.get(name) {
        None => Ok(Vec::new()),
        Some(Value::String(v)) => b64::decode(v, "JWE apu/apv"),
        Some(_) => Err(malformed("`apu` and `apv` are base64url strings")),
    };
    Ok(PartyInfo {
        apu: read("apu")?,
        apv: read("apv")?,
    })
}

/// ECDH, then the Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A, SHA-256) to the key length
/// of `enc`: OtherInfo = AlgorithmID (`enc`, direct agreement) ‖ PartyUInfo ‖ PartyVInfo ‖
/// SuppPubInfo (key length in bits), each variable field prefixed by its 32-bit length.
fn derive_cek(
    secret: &p256::SecretKey,
    peer: &P256PublicKey,
    enc: ContentEncryption,
    party: &PartyInfo,
) -> Result<Zeroizing<Vec<u8>>> {
    let peer = p256::PublicKey::from_sec1_bytes(&peer.to_sec1_uncompressed())
        .map_err(|_| malformed("not a point on P-256"))?;
    let shared = p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine());
    let mut other_info = Vec::new();
    for field in [enc.as_str().as_bytes(), &party.apu, &party.apv] {
        let len = u32::try_from(field.len()).map_err(|_| malformed("apu/apv too long"))?;
        other_info.extend_from_slice(&len.to_be_bytes());
        other_info.extend_from_slice(field);
    }
    let bits = u32::try_from(enc.key_len() * 8).unwrap_or(0);
    other_info.extend_from_slice(&bits.to_be_bytes());
    let mut cek = Zeroizing::new(vec![0u8; enc.key_len()]);
    concat_kdf::derive_key_into::<sha2::Sha256>(
        AsRef::<[u8]>::as_ref(shared.raw_secret_bytes()),
        &other_info,
        &mut cek,
    )
    .map_err(|_| Error::Jose(JoseError::Crypto("Concat KDF failed".into())))?;
    Ok(cek)
}

/// AES-GCM seal (`seal`) or open with `aad`; the sealed form is ciphertext ‖ tag.
fn aead(
    enc: ContentEncryption,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    input: &[u8],
    seal: bool,
) -> core::result::Result<Zeroizing<Vec<u8>>, aes_gcm::Error> {
    let iv: [u8; 12] = iv.try_into().map_err(|_| aes_gcm::Error)?;
    let nonce = &aes_gcm::Nonce::from(iv);
    let payload = Payload { msg: input, aad };
    let output = match (enc, seal) {
        (ContentEncryption::A128Gcm, true) => Aes128Gcm::new_from_slice(cek)
            .map_err(|_| aes_gcm::Error)?
            .encrypt(nonce, payload),
        (ContentEncryption::A128Gcm, false) => Aes128Gcm::new_from_slice(cek)
            .map_err(|_| aes_gcm::Error)?
            .decrypt(nonce, payload),
        (ContentEncryption::A256Gcm, true) => Aes256Gcm::new_from_slice(cek)
            .map_err(|_| aes_gcm::Error)?
            .encrypt(nonce, payload),
        (ContentEncryption::A256Gcm, false) => Aes256Gcm::new_from_slice(cek)
            .map_err(|_| aes_gcm::Error)?
            .decrypt(nonce, payload),
    };
    output.map(Zeroizing::new)
}
