//! A sealed link as the issuer stores it, and its byte format.

use crate::error::{Error, Result};
use crate::policy::has_duplicates;
use crate::trustee::TrusteeId;

/// The leading byte of [`SealedLink::to_bytes`]: the format version.
pub const SEALED_LINK_VERSION: u8 = 1;
/// The X25519 encapsulated key's size.
const ENCAPPED_LEN: usize = 32;
/// No sealed link of this format comes near this size; anything larger is refused unread.
const MAX_SEALED_LINK_BYTES: usize = 1 << 20;

/// One trustee's sealed share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedShare {
    pub(crate) trustee: TrusteeId,
    pub(crate) encapped: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
}

impl SealedShare {
    /// The trustee this share is sealed to (the same order as [`SealedLink::trustees`]).
    pub fn trustee(&self) -> &TrusteeId {
        &self.trustee
    }
}

/// A sealed link, safe to store at the issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedLink {
    pub(crate) record: [u8; 16],
    pub(crate) threshold: u8,
    pub(crate) nonce: [u8; 12],
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) shares: Vec<SealedShare>,
}

impl SealedLink {
    /// The record id (random, names nothing): every sealing makes a new one.
    ///
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, TrusteeKey};
    /// let keys = ["a", "b"].map(|id| TrusteeKey::generate(id).unwrap().public());
    /// let policy = EscrowPolicy::new(keys.to_vec(), 2)?;
    /// assert_ne!(seal(&policy, b"link")?.record_id(), seal(&policy, b"link")?.record_id());
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn record_id(&self) -> &[u8; 16] {
        &self.record
    }

    /// How many trustees must cooperate.
    pub fn threshold(&self) -> u8 {
        self.threshold
    }

    /// The trustees holding shares.
    ///
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, TrusteeKey};
    /// let keys = ["a", "b"].map(|id| TrusteeKey::generate(id).unwrap().public());
    /// let sealed = seal(&EscrowPolicy::new(keys.to_vec(), 2)?, b"link")?;
    /// assert_eq!(sealed.trustees().map(|t| t.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    /// assert_eq!(sealed.threshold(), 2);
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn trustees(&self) -> impl Iterator<Item = &TrusteeId> {
        self.shares.iter().map(|s| &s.trustee)
    }

    /// The stored form. Our own small format (it only ever travels between the escrow, its
    /// store and the trustees, and a general serializer would add a parser surface for
    /// nothing); all integers big-endian:
    ///
    /// `version (1) = 1 ‖ record id (16) ‖ threshold (1) ‖ nonce (12) ‖ link ciphertext
    /// length (2) ‖ link ciphertext ‖ share count (1) ‖` then per share `trustee id length (1)
    /// ‖ trustee id (UTF-8) ‖ encapsulated key (32) ‖ share ciphertext length (2) ‖ share
    /// ciphertext`.
    ///
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, SealedLink, TrusteeKey, SEALED_LINK_VERSION};
    /// let keys = ["city", "committee", "court"].map(|id| TrusteeKey::generate(id).unwrap().public());
    /// let sealed = seal(&EscrowPolicy::new(keys.to_vec(), 2)?, b"link")?;
    /// let bytes = sealed.to_bytes();
    /// assert_eq!(bytes[0], SEALED_LINK_VERSION);
    /// assert_eq!(SealedLink::from_bytes(&bytes)?, sealed);
    /// # Ok::<(), myna_escrow::Error>(())
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
            let id = share.trustee.as_str().as_bytes();
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
    /// use myna_escrow::{Error, SealedLink};
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
        if has_duplicates(shares.iter().map(|s| &s.trustee)) {
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
            TrusteeId::new(id).map_err(|_| Error::MalformedSealedLink("invalid trustee id"))?;
        let encapped = self.take(ENCAPPED_LEN)?.to_vec();
        let ciphertext = self.u16_prefixed()?.to_vec();
        Ok(SealedShare {
            trustee,
            encapped,
            ciphertext,
        })
    }
}
