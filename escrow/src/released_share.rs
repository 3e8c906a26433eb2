//! A share a trustee released for one record, and its transport form.

use myna_vc_core::b64;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::trustee::TrusteeId;

/// A share a trustee released for one record. Zeroized on drop.
pub struct ReleasedShare {
    pub(crate) record: [u8; 16],
    pub(crate) trustee: TrusteeId,
    pub(crate) share: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for ReleasedShare {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ReleasedShare({}, <redacted>)", self.trustee.as_str())
    }
}

impl ReleasedShare {
    pub(crate) fn new(record: [u8; 16], trustee: TrusteeId, share: Zeroizing<Vec<u8>>) -> Self {
        ReleasedShare {
            record,
            trustee,
            share,
        }
    }

    /// The trustee that released it (the issuer accepts a share from that trustee only).
    ///
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, TrusteeKey};
    /// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let share = trustees[1].release(&seal(&policy, b"link")?)?;
    /// assert_eq!(share.trustee().as_str(), "court");
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn trustee(&self) -> &TrusteeId {
        &self.trustee
    }

    /// The share for transport from the trustee to the opening (the admin API): record id
    /// (16 bytes) ‖ trustee id length (1 byte) ‖ trustee id ‖ share length (2 bytes,
    /// big-endian) ‖ share. Zeroized on drop: it is secret until the opening completes.
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, ReleasedShare, TrusteeKey};
    /// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let sealed = seal(&policy, b"link")?;
    /// let share = trustees[0].release(&sealed)?;
    /// let back = ReleasedShare::from_bytes(&share.to_bytes())?;
    /// assert_eq!(back.trustee().as_str(), "city");
    /// assert!(ReleasedShare::from_bytes(&share.to_bytes()[..20]).is_err());
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let id = self.trustee.as_str().as_bytes();
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

    /// The JSON body a trustee posts to the issuer's `POST /admin/escrow/openings/{id}/shares`:
    /// `{"share": base64url of` [`to_bytes`](Self::to_bytes)`}` — what `myna trustee release`
    /// and the staff console (npm `myna-vc/trustee`) send. Zeroized on drop.
    ///
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, ReleasedShare, TrusteeKey};
    /// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let share = trustees[1].release(&seal(&policy, b"link")?)?;
    /// let body: serde_json::Value = serde_json::from_str(&share.post_body()).unwrap();
    /// let bytes = myna_vc_core::b64::decode(body["share"].as_str().unwrap(), "share").unwrap();
    /// assert_eq!(ReleasedShare::from_bytes(&bytes)?.trustee().as_str(), "court");
    /// # Ok::<(), myna_escrow::Error>(())
    /// ```
    pub fn post_body(&self) -> Zeroizing<String> {
        let encoded = Zeroizing::new(b64::encode(&*self.to_bytes()));
        // base64url needs no JSON escaping.
        Zeroizing::new(format!("{{\"share\":\"{}\"}}", encoded.as_str()))
    }

    /// Parses [`to_bytes`](Self::to_bytes); truncated, oversized or trailing input is
    /// [`Error::MalformedSealedLink`].
    /// ```
    /// use myna_escrow::{Error, ReleasedShare};
    /// assert!(matches!(ReleasedShare::from_bytes(&[0; 10]), Err(Error::MalformedSealedLink(_))));
    /// ```
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
        let trustee = TrusteeId::new(id).map_err(|_| bad("released share: invalid trustee id"))?;
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
