//! Escrow for due process: the link pseudonym → person is sealed so that only a quorum of
//! trustees can open it.
//!
//! Each sealed link gets its own random data key. The link is encrypted under it
//! (ChaCha20-Poly1305), the data key is split with Shamir's secret sharing (threshold *t* of
//! *n*), and each share is sealed to one trustee's X25519 key with HPKE (RFC 9180, base mode).
//! The issuer keeps only the sealed record: it holds no trustee key, so it cannot open anything
//! alone, and neither can any single trustee. Opening one record reveals that record's data key
//! only — no long-term secret is ever reassembled.
//!
//! HPKE `info` and the AEAD associated data bind every share to its record and trustee, so
//! shares cannot be moved between records or trustees.
//!
//! ```
//! use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, TrusteeKey};
//! use myna_issuer::pseudonym::{ContextId, PseudonymKey};
//! use myna_issuer::record::SubjectHandle;
//! let city = TrusteeKey::generate("maebashi-city")?;
//! let committee = TrusteeKey::generate("data-governance-committee")?;
//! let court = TrusteeKey::generate("court-appointed")?;
//! let policy = EscrowPolicy::new(vec![city.public(), committee.public(), court.public()], 2)?;
//!
//! let person = SubjectHandle::random()?;
//! let context = ContextId::parse("maebashi-forum")?;
//! let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
//! let sealed = escrow::seal(&policy, &EscrowedLink { context, pseudonym, person })?;
//!
//! // One trustee alone cannot open it; two can.
//! assert!(escrow::open(&sealed, &[city.release(&sealed)?]).is_err());
//! let opened = escrow::open(&sealed, &[city.release(&sealed)?, court.release(&sealed)?])?;
//! assert_eq!(opened.link.person, person);
//! # Ok::<(), myna_issuer::Error>(())
//! ```

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hpke::aead::ChaCha20Poly1305 as HpkeChaCha;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::pseudonym::{ContextId, Pseudonym};
use crate::record::SubjectHandle;

type Kem = X25519HkdfSha256;

const INFO_LABEL: &[u8] = b"myna-vc/escrow-share/v1";
const LINK_LABEL: &[u8] = b"myna-vc/escrow-link/v1";

/// The leading byte of [`SealedLink::to_bytes`]: the format version.
pub const SEALED_LINK_VERSION: u8 = 1;
/// The X25519 encapsulated key's size.
const ENCAPPED_LEN: usize = 32;
/// No sealed link of this format comes near this size; anything larger is refused unread.
const MAX_SEALED_LINK_BYTES: usize = 1 << 20;

/// A trustee's name, as recorded in sealed links and the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrusteeId(String);

impl TrusteeId {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A trustee's public key: what the issuer needs to seal shares to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrusteePublicKey {
    id: TrusteeId,
    key: [u8; 32],
}

impl TrusteePublicKey {
    /// From a trustee name and its 32-byte X25519 public key.
    pub fn new(id: &str, key: [u8; 32]) -> Result<Self> {
        Ok(TrusteePublicKey {
            id: trustee_id(id)?,
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

fn trustee_id(id: &str) -> Result<TrusteeId> {
    if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
        return Err(Error::InvalidEscrowPolicy(
            "trustee ids are 1 to 128 printable bytes".into(),
        ));
    }
    Ok(TrusteeId(id.to_owned()))
}

/// A trustee's key pair. Held by the trustee, never by the issuer.
pub struct TrusteeKey {
    id: TrusteeId,
    secret: <Kem as hpke::Kem>::PrivateKey,
    public: <Kem as hpke::Kem>::PublicKey,
}

impl TrusteeKey {
    /// A fresh key pair for trustee `id`.
    pub fn generate(id: &str) -> Result<Self> {
        let (secret, public) = Kem::gen_keypair(&mut rand_core::OsRng);
        Ok(TrusteeKey {
            id: trustee_id(id)?,
            secret,
            public,
        })
    }

    /// The public half, to put in an [`EscrowPolicy`].
    pub fn public(&self) -> TrusteePublicKey {
        let mut key = [0u8; 32];
        key.copy_from_slice(&self.public.to_bytes());
        TrusteePublicKey {
            id: self.id.clone(),
            key,
        }
    }

    /// Decrypts this trustee's share of `sealed`, to hand to an opening.
    pub fn release(&self, sealed: &SealedLink) -> Result<ReleasedShare> {
        let share = sealed
            .shares
            .iter()
            .find(|s| s.trustee == self.id)
            .ok_or_else(|| Error::NotATrustee(self.id.0.clone()))?;
        let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(&share.encapped)
            .map_err(|_| Error::EscrowDecryption("malformed encapsulated key"))?;
        let plain = hpke::single_shot_open::<HpkeChaCha, HkdfSha256, Kem>(
            &OpModeR::Base,
            &self.secret,
            &encapped,
            &share_info(&sealed.record, &self.id),
            &share.ciphertext,
            &sealed.record,
        )
        .map_err(|_| Error::EscrowDecryption("share does not open with this trustee's key"))?;
        Ok(ReleasedShare {
            record: sealed.record,
            trustee: self.id.clone(),
            share: Zeroizing::new(plain),
        })
    }

    /// The key pair of trustee `id` from its 32-byte X25519 secret, as
    /// [`secret_bytes`](Self::secret_bytes) gave it (a trustee keeps it sealed in its own key
    /// file; the id is the name the issuer's configuration gives the public key).
    /// ```
    /// use myna_issuer::escrow::TrusteeKey;
    /// let key = TrusteeKey::generate("court")?;
    /// let again = TrusteeKey::from_secret_bytes("court", &key.secret_bytes())?;
    /// assert_eq!(again.public(), key.public());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn from_secret_bytes(id: &str, secret: &[u8; 32]) -> Result<Self> {
        // Every 32-byte string is an X25519 secret (clamped on use), so this cannot fail
        // for a well-sized input; the error path only guards the library's contract.
        let secret = <Kem as hpke::Kem>::PrivateKey::from_bytes(secret)
            .map_err(|_| Error::InvalidEscrowPolicy("an X25519 secret is 32 bytes".into()))?;
        let public = <Kem as hpke::Kem>::sk_to_pk(&secret);
        Ok(TrusteeKey {
            id: trustee_id(id)?,
            secret,
            public,
        })
    }

    /// The 32-byte X25519 secret, for the trustee to keep sealed. Zeroized on drop.
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

/// Who holds shares and how many must cooperate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowPolicy {
    trustees: Vec<TrusteePublicKey>,
    threshold: u8,
}

impl EscrowPolicy {
    /// `threshold` of `trustees` must cooperate. The threshold must be at least 2 (no single
    /// party may open) and at most the number of trustees; trustee ids must be distinct.
    ///
    /// ```
    /// use myna_issuer::escrow::{EscrowPolicy, TrusteeKey};
    /// let a = TrusteeKey::generate("a")?.public();
    /// assert!(EscrowPolicy::new(vec![a.clone()], 1).is_err());
    /// assert!(EscrowPolicy::new(vec![a.clone(), a], 2).is_err());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn new(trustees: Vec<TrusteePublicKey>, threshold: u8) -> Result<Self> {
        if threshold < 2 {
            return Err(Error::InvalidEscrowPolicy(
                "a threshold below 2 lets one party open".into(),
            ));
        }
        if trustees.len() > 255 || usize::from(threshold) > trustees.len() {
            return Err(Error::InvalidEscrowPolicy(format!(
                "threshold {threshold} with {} trustees (at most 255)",
                trustees.len()
            )));
        }
        let mut ids: Vec<&TrusteeId> = trustees.iter().map(|t| &t.id).collect();
        ids.sort();
        if ids.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(Error::InvalidEscrowPolicy(
                "trustee ids must be distinct".into(),
            ));
        }
        Ok(EscrowPolicy {
            trustees,
            threshold,
        })
    }

    /// How many trustees must cooperate.
    /// ```
    /// use myna_issuer::escrow::{EscrowPolicy, TrusteeKey};
    /// let keys = [TrusteeKey::generate("a")?.public(), TrusteeKey::generate("b")?.public()];
    /// assert_eq!(EscrowPolicy::new(keys.to_vec(), 2)?.threshold(), 2);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn threshold(&self) -> u8 {
        self.threshold
    }
}

/// What is sealed: which pseudonym in which context belongs to which person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowedLink {
    /// The context of the pseudonym.
    pub context: ContextId,
    /// The pseudonym.
    pub pseudonym: Pseudonym,
    /// The person behind it.
    pub person: SubjectHandle,
}

/// One trustee's sealed share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedShare {
    trustee: TrusteeId,
    encapped: Vec<u8>,
    ciphertext: Vec<u8>,
}

/// A sealed link, safe to store at the issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedLink {
    record: [u8; 16],
    threshold: u8,
    nonce: [u8; 12],
    ciphertext: Vec<u8>,
    shares: Vec<SealedShare>,
}

impl SealedLink {
    /// The record id (random, names nothing).
    pub fn record_id(&self) -> &[u8; 16] {
        &self.record
    }

    /// How many trustees must cooperate.
    pub fn threshold(&self) -> u8 {
        self.threshold
    }

    /// The trustees holding shares.
    pub fn trustees(&self) -> impl Iterator<Item = &TrusteeId> {
        self.shares.iter().map(|s| &s.trustee)
    }

    /// The stored form. Our own small format (it only ever travels between this crate and its
    /// store, and a general serializer would add a parser surface for nothing); all integers
    /// big-endian:
    ///
    /// `version (1) = 1 ‖ record id (16) ‖ threshold (1) ‖ nonce (12) ‖ link ciphertext
    /// length (2) ‖ link ciphertext ‖ share count (1) ‖` then per share `trustee id length (1)
    /// ‖ trustee id (UTF-8) ‖ encapsulated key (32) ‖ share ciphertext length (2) ‖ share
    /// ciphertext`.
    ///
    /// ```
    /// use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, SealedLink, TrusteeKey};
    /// use myna_issuer::{pseudonym::{ContextId, PseudonymKey}, record::SubjectHandle};
    /// let trustees = ["city", "committee", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let (person, context) = (SubjectHandle::random()?, ContextId::parse("forum")?);
    /// let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
    /// let sealed = escrow::seal(&policy, &EscrowedLink { context, pseudonym, person })?;
    /// let bytes = sealed.to_bytes();
    /// assert_eq!(bytes[0], escrow::SEALED_LINK_VERSION);
    /// assert_eq!(SealedLink::from_bytes(&bytes)?, sealed);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![SEALED_LINK_VERSION];
        out.extend_from_slice(&self.record);
        out.push(self.threshold);
        out.extend_from_slice(&self.nonce);
        put_u16_prefixed(&mut out, &self.ciphertext);
        // `seal` and `from_bytes` are the only constructors and both keep every length within
        // its prefix (≤ 255 shares, ids ≤ 128 bytes, ciphertexts of a few hundred bytes).
        out.push(u8::try_from(self.shares.len()).unwrap_or(u8::MAX));
        for share in &self.shares {
            let id = share.trustee.0.as_bytes();
            out.push(u8::try_from(id.len()).unwrap_or(u8::MAX));
            out.extend_from_slice(id);
            out.extend_from_slice(&share.encapped);
            put_u16_prefixed(&mut out, &share.ciphertext);
        }
        out
    }

    /// Reads the stored form back ([`to_bytes`](Self::to_bytes)). Anything else — another
    /// version, truncated or trailing bytes, a bad trustee id, a threshold below 2 or above
    /// the number of shares, input over 1 MiB — is [`Error::MalformedSealedLink`].
    ///
    /// ```
    /// use myna_issuer::{escrow::SealedLink, Error};
    /// assert!(matches!(SealedLink::from_bytes(&[]), Err(Error::MalformedSealedLink(_))));
    /// assert!(matches!(SealedLink::from_bytes(&[9, 0, 0]), Err(Error::MalformedSealedLink(_))));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_SEALED_LINK_BYTES {
            return Err(Error::MalformedSealedLink("larger than 1 MiB"));
        }
        let mut r = Reader(bytes);
        if r.array::<1>()? != [SEALED_LINK_VERSION] {
            return Err(Error::MalformedSealedLink("unknown format version"));
        }
        let record = r.array::<16>()?;
        let [threshold] = r.array::<1>()?;
        let nonce = r.array::<12>()?;
        let ciphertext = r.u16_prefixed()?.to_vec();
        let [count] = r.array::<1>()?;
        let shares = (0..count).map(|_| r.share()).collect::<Result<Vec<_>>>()?;
        if !r.0.is_empty() {
            return Err(Error::MalformedSealedLink("trailing bytes"));
        }
        if threshold < 2 || usize::from(threshold) > shares.len() {
            return Err(Error::MalformedSealedLink(
                "threshold below 2 or above the number of shares",
            ));
        }
        let mut ids: Vec<&TrusteeId> = shares.iter().map(|s| &s.trustee).collect();
        ids.sort();
        if ids.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(Error::MalformedSealedLink("a trustee holds two shares"));
        }
        Ok(SealedLink {
            record,
            threshold,
            nonce,
            ciphertext,
            shares,
        })
    }
}

fn put_u16_prefixed(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u16::try_from(bytes.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A cursor over untrusted bytes: every read is bounds-checked and fails typed.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        if self.0.len() < len {
            return Err(Error::MalformedSealedLink("truncated"));
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?
            .try_into()
            .map_err(|_| Error::MalformedSealedLink("truncated"))
    }

    fn u16_prefixed(&mut self) -> Result<&'a [u8]> {
        let len = u16::from_be_bytes(self.array()?);
        self.take(usize::from(len))
    }

    fn share(&mut self) -> Result<SealedShare> {
        let [id_len] = self.array::<1>()?;
        let id = core::str::from_utf8(self.take(usize::from(id_len))?)
            .map_err(|_| Error::MalformedSealedLink("trustee id is not UTF-8"))?;
        let trustee =
            trustee_id(id).map_err(|_| Error::MalformedSealedLink("invalid trustee id"))?;
        let encapped = self.take(ENCAPPED_LEN)?.to_vec();
        let ciphertext = self.u16_prefixed()?.to_vec();
        Ok(SealedShare {
            trustee,
            encapped,
            ciphertext,
        })
    }
}

/// A share a trustee released for one record. Zeroized on drop.
pub struct ReleasedShare {
    record: [u8; 16],
    pub(crate) trustee: TrusteeId,
    share: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for ReleasedShare {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ReleasedShare({}, <redacted>)", self.trustee.0)
    }
}

impl ReleasedShare {
    /// The trustee that released it.
    pub fn trustee(&self) -> &TrusteeId {
        &self.trustee
    }

    /// The share for transport from the trustee to the opening (the admin API): record id
    /// (16 bytes) ‖ trustee id length (1 byte) ‖ trustee id ‖ share length (2 bytes,
    /// big-endian) ‖ share. Zeroized on drop: it is secret until the opening completes.
    /// ```
    /// use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, ReleasedShare, TrusteeKey};
    /// use myna_issuer::{pseudonym::{ContextId, PseudonymKey}, record::SubjectHandle};
    /// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let (person, context) = (SubjectHandle::random()?, ContextId::parse("forum")?);
    /// let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
    /// let sealed = escrow::seal(&policy, &EscrowedLink { context, pseudonym, person })?;
    /// let share = trustees[0].release(&sealed)?;
    /// let back = ReleasedShare::from_bytes(&share.to_bytes())?;
    /// assert_eq!(back.trustee().as_str(), "city");
    /// assert!(ReleasedShare::from_bytes(&share.to_bytes()[..20]).is_err());
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let id = self.trustee.0.as_bytes();
        let mut out = Zeroizing::new(Vec::with_capacity(19 + id.len() + self.share.len()));
        out.extend_from_slice(&self.record);
        // Trustee ids are at most 128 bytes and shares far below 64 KiB (checked on parse).
        out.push(u8::try_from(id.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(id);
        let len = u16::try_from(self.share.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&self.share);
        out
    }

    /// Parses [`to_bytes`](Self::to_bytes); truncated, oversized or trailing input is
    /// [`Error::MalformedSealedLink`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bad = |why| Error::MalformedSealedLink(why);
        let (record, rest) = bytes
            .split_first_chunk::<16>()
            .ok_or_else(|| bad("released share: truncated record id"))?;
        let (id_len, rest) = rest
            .split_first()
            .ok_or_else(|| bad("released share: truncated trustee id"))?;
        let id_len = usize::from(*id_len);
        if rest.len() < id_len {
            return Err(bad("released share: truncated trustee id"));
        }
        let (id, rest) = rest.split_at(id_len);
        let id =
            core::str::from_utf8(id).map_err(|_| bad("released share: trustee id not UTF-8"))?;
        let trustee = trustee_id(id).map_err(|_| bad("released share: invalid trustee id"))?;
        let (len, share) = rest
            .split_first_chunk::<2>()
            .ok_or_else(|| bad("released share: truncated share length"))?;
        if share.len() != usize::from(u16::from_be_bytes(*len)) || share.is_empty() {
            return Err(bad("released share: share length does not match"));
        }
        Ok(ReleasedShare {
            record: *record,
            trustee,
            share: Zeroizing::new(share.to_vec()),
        })
    }
}

/// The result of an opening: the link and who opened it (for the audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The link.
    pub link: EscrowedLink,
    /// The trustees whose shares were used.
    pub trustees: Vec<TrusteeId>,
}

/// Seals `link` under `policy`.
pub fn seal(policy: &EscrowPolicy, link: &EscrowedLink) -> Result<SealedLink> {
    let mut record = [0u8; 16];
    let mut nonce = [0u8; 12];
    let mut data_key = Zeroizing::new([0u8; 32]);
    for buf in [&mut record[..], &mut nonce[..], &mut data_key[..]] {
        myna_vc_core::crypto::fill_random(buf).map_err(|_| Error::Randomness)?;
    }
    let plaintext = Zeroizing::new(encode_link(link));
    let ciphertext = ChaCha20Poly1305::new(data_key.as_ref().into())
        .encrypt(
            nonce.as_ref().into(),
            Payload {
                msg: &plaintext,
                aad: &link_aad(&record, policy.threshold),
            },
        )
        .map_err(|_| Error::EscrowDecryption("sealing failed"))?;
    let dealer = blahaj::Sharks(policy.threshold).dealer(data_key.as_ref());
    let shares = policy
        .trustees
        .iter()
        .zip(dealer)
        .map(|(trustee, share)| seal_share(&record, trustee, &Zeroizing::new(Vec::from(&share))))
        .collect::<Result<Vec<_>>>()?;
    Ok(SealedLink {
        record,
        threshold: policy.threshold,
        nonce,
        ciphertext,
        shares,
    })
}

fn seal_share(record: &[u8; 16], trustee: &TrusteePublicKey, share: &[u8]) -> Result<SealedShare> {
    let public = <Kem as hpke::Kem>::PublicKey::from_bytes(&trustee.key).map_err(|_| {
        Error::InvalidEscrowPolicy(format!("trustee `{}` has an invalid key", trustee.id.0))
    })?;
    let (encapped, ciphertext) = hpke::single_shot_seal::<HpkeChaCha, HkdfSha256, Kem, _>(
        &OpModeS::Base,
        &public,
        &share_info(record, &trustee.id),
        share,
        record,
        &mut rand_core::OsRng,
    )
    .map_err(|_| Error::EscrowDecryption("sealing a share failed"))?;
    Ok(SealedShare {
        trustee: trustee.id.clone(),
        encapped: encapped.to_bytes().to_vec(),
        ciphertext,
    })
}

/// Opens `sealed` with shares released by at least its threshold of distinct trustees.
pub fn open(sealed: &SealedLink, releases: &[ReleasedShare]) -> Result<Opened> {
    let mut trustees: Vec<TrusteeId> = Vec::new();
    let mut shares = Vec::new();
    for release in releases {
        if release.record != sealed.record || !sealed.trustees().any(|t| t == &release.trustee) {
            return Err(Error::NotATrustee(release.trustee.0.clone()));
        }
        if trustees.contains(&release.trustee) {
            continue;
        }
        let share = blahaj::Share::try_from(release.share.as_slice())
            .map_err(|_| Error::EscrowDecryption("malformed share"))?;
        trustees.push(release.trustee.clone());
        shares.push(share);
    }
    if trustees.len() < usize::from(sealed.threshold) {
        return Err(Error::EscrowQuorumNotMet {
            required: sealed.threshold,
            given: trustees.len(),
        });
    }
    let data_key = Zeroizing::new(
        blahaj::Sharks(sealed.threshold)
            .recover(&shares)
            .map_err(|_| Error::EscrowDecryption("shares do not recombine"))?,
    );
    if data_key.len() != 32 {
        return Err(Error::EscrowDecryption(
            "recombined key has the wrong length",
        ));
    }
    let plaintext = Zeroizing::new(
        ChaCha20Poly1305::new(data_key.as_slice().into())
            .decrypt(
                sealed.nonce.as_ref().into(),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: &link_aad(&sealed.record, sealed.threshold),
                },
            )
            .map_err(|_| Error::EscrowDecryption("the link does not decrypt"))?,
    );
    Ok(Opened {
        link: decode_link(&plaintext)?,
        trustees,
    })
}

fn share_info(record: &[u8; 16], trustee: &TrusteeId) -> Vec<u8> {
    [INFO_LABEL, record, trustee.0.as_bytes()].concat()
}

fn link_aad(record: &[u8; 16], threshold: u8) -> Vec<u8> {
    [LINK_LABEL, record, &[threshold]].concat()
}

/// person (32) || context length (2, big-endian) || context || pseudonym. Our own tiny format:
/// it never leaves the escrow and needs no general serializer.
fn encode_link(link: &EscrowedLink) -> Vec<u8> {
    let context = link.context.as_str().as_bytes();
    let len = u16::try_from(context.len()).unwrap_or(u16::MAX);
    [
        link.person.as_bytes().as_slice(),
        &len.to_be_bytes(),
        context,
        link.pseudonym.as_str().as_bytes(),
    ]
    .concat()
}

fn decode_link(bytes: &[u8]) -> Result<EscrowedLink> {
    let malformed = || Error::EscrowDecryption("malformed link");
    let person: [u8; 32] = bytes
        .get(..32)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(malformed)?;
    let len_bytes: [u8; 2] = bytes
        .get(32..34)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(malformed)?;
    let end = 34 + usize::from(u16::from_be_bytes(len_bytes));
    let context = bytes
        .get(34..end)
        .and_then(|b| core::str::from_utf8(b).ok())
        .ok_or_else(malformed)?;
    let pseudonym = bytes
        .get(end..)
        .and_then(|b| core::str::from_utf8(b).ok())
        .ok_or_else(malformed)?;
    Ok(EscrowedLink {
        context: ContextId::parse(context)?,
        pseudonym: Pseudonym::from_escrow(pseudonym),
        person: SubjectHandle::from_bytes(person),
    })
}
