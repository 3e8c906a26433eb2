//! Sealing a link under a policy, and opening it with a quorum of released shares.
//!
//! The link is opaque bytes here: the issuer encodes which pseudonym belongs to whom
//! (`myna_issuer::escrow::EscrowedLink`); the trustees never see it.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::policy::EscrowPolicy;
use crate::released_share::ReleasedShare;
use crate::sealed_link::{SealedLink, SealedShare};
use crate::trustee::{
    share_info, Aead as HpkeAead, Kdf, Kem, TrusteeId, TrusteeKey, TrusteePublicKey,
};

const LINK_LABEL: &[u8] = b"myna-vc/escrow-link/v1";

/// What an opening recovers: the link's bytes and who released the shares used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsealed {
    /// The link as it was sealed. Zeroized on drop.
    pub link: Zeroizing<Vec<u8>>,
    /// The trustees whose shares were used (for the audit log).
    pub trustees: Vec<TrusteeId>,
}

/// Seals `link` under `policy`: a fresh data key encrypts it, the key is split *t* of *n*
/// and each share sealed to its trustee.
///
/// ```
/// use myna_escrow::{open, seal, EscrowPolicy, TrusteeKey};
/// let trustees = ["city", "committee", "court"].map(|id| TrusteeKey::generate(id).unwrap());
/// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
/// let sealed = seal(&policy, b"who is behind the pseudonym")?;
/// let unsealed = open(&sealed, &[trustees[0].release(&sealed)?, trustees[2].release(&sealed)?])?;
/// assert_eq!(unsealed.link.as_slice(), b"who is behind the pseudonym");
/// # Ok::<(), myna_escrow::Error>(())
/// ```
pub fn seal(policy: &EscrowPolicy, link: &[u8]) -> Result<SealedLink> {
    let mut record = [0u8; 16];
    let mut nonce = [0u8; 12];
    let mut data_key = Zeroizing::new([0u8; 32]);
    for buf in [&mut record[..], &mut nonce[..], &mut data_key[..]] {
        myna_vc_core::crypto::fill_random(buf).map_err(|_| Error::Randomness)?;
    }
    let ciphertext = ChaCha20Poly1305::new(data_key.as_ref().into())
        .encrypt(
            nonce.as_ref().into(),
            Payload {
                msg: link,
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
        Error::InvalidEscrowPolicy(format!(
            "trustee `{}` has an invalid key",
            trustee.id.as_str()
        ))
    })?;
    let (encapped, ciphertext) = hpke::single_shot_seal::<HpkeAead, Kdf, Kem, _>(
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

/// Opens `sealed` with shares released by at least its threshold of distinct trustees. A
/// share of another record or of a trustee the link does not name is
/// [`Error::NotATrustee`]; too few distinct trustees is [`Error::EscrowQuorumNotMet`].
///
/// ```
/// use myna_escrow::{open, seal, EscrowPolicy, Error, TrusteeKey};
/// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
/// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
/// let sealed = seal(&policy, b"link")?;
/// let one = [trustees[0].release(&sealed)?];
/// assert_eq!(open(&sealed, &one).unwrap_err(), Error::EscrowQuorumNotMet { required: 2, given: 1 });
/// # Ok::<(), Error>(())
/// ```
pub fn open(sealed: &SealedLink, releases: &[ReleasedShare]) -> Result<Unsealed> {
    let mut trustees: Vec<TrusteeId> = Vec::new();
    let mut shares = Vec::new();
    for release in releases {
        if release.record != sealed.record || !sealed.trustees().any(|t| t == &release.trustee) {
            return Err(Error::NotATrustee(release.trustee.as_str().to_owned()));
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
    let link = ChaCha20Poly1305::new(data_key.as_slice().into())
        .decrypt(
            sealed.nonce.as_ref().into(),
            Payload {
                msg: &sealed.ciphertext,
                aad: &link_aad(&sealed.record, sealed.threshold),
            },
        )
        .map_err(|_| Error::EscrowDecryption("the link does not decrypt"))?;
    Ok(Unsealed {
        link: Zeroizing::new(link),
        trustees,
    })
}

fn link_aad(record: &[u8; 16], threshold: u8) -> Vec<u8> {
    [LINK_LABEL, record, &[threshold]].concat()
}

/// A trustee's side of an opening: kept beside [`seal`] and [`open`], the format's two other ends.
impl TrusteeKey {
    /// Decrypts this trustee's share of `sealed`, to hand to an opening. A trustee the link
    /// names no share for is [`Error::NotATrustee`]; a share that does not open with this
    /// key (another key under this trustee's name, or a damaged share) is
    /// [`Error::EscrowDecryption`].
    ///
    /// ```
    /// use myna_escrow::{seal, EscrowPolicy, Error, TrusteeKey};
    /// let (a, b) = (TrusteeKey::generate("a")?, TrusteeKey::generate("b")?);
    /// let sealed = seal(&EscrowPolicy::new(vec![a.public(), b.public()], 2)?, b"link")?;
    /// assert_eq!(a.release(&sealed)?.trustee().as_str(), "a");
    /// let stranger = TrusteeKey::generate("c")?;
    /// assert_eq!(stranger.release(&sealed).unwrap_err(), Error::NotATrustee("c".into()));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn release(&self, sealed: &SealedLink) -> Result<ReleasedShare> {
        let share = sealed
            .shares
            .iter()
            .find(|s| s.trustee == self.id)
            .ok_or_else(|| Error::NotATrustee(self.id.as_str().to_owned()))?;
        let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(&share.encapped)
            .map_err(|_| Error::EscrowDecryption("malformed encapsulated key"))?;
        let plain = hpke::single_shot_open::<HpkeAead, Kdf, Kem>(
            &OpModeR::Base,
            &self.secret,
            &encapped,
            &share_info(&sealed.record, &self.id),
            &share.ciphertext,
            &sealed.record,
        )
        .map_err(|_| Error::EscrowDecryption("share does not open with this trustee's key"))?;
        Ok(ReleasedShare::new(
            sealed.record,
            self.id.clone(),
            Zeroizing::new(plain),
        ))
    }
}
