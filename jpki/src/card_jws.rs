//! "The card signs this payload": an RS256 JWS whose key is on the card and whose
//! certificate travels in `x5c`, and its verification through the [`Validator`].
//!
//! The card computes PKCS#1 v1.5 over the DigestInfo of SHA-256(signing input), which is
//! exactly RS256; so a [`CardSigner`] implements `myna_vc_core::crypto::Signer` and the JWS
//! is built by `myna_vc_core::jws::sign`.

use std::sync::Mutex;

use base64::Engine as _;
use myna_vc_core::crypto::{Algorithm, PublicKey, Signer};
use myna_vc_core::jws::{self, Jws, JwsHeader};
use myna_vc_core::time::NumericDate;

use crate::card::{AuthPin, Card, DigestInfo, SignPin};
use crate::certificate::Certificate;
use crate::crl::Crl;
use crate::error::{Error, Result};
use crate::profile::CertificateType;
use crate::validate::Validator;

/// Which key, with its PIN.
enum Slot {
    Authentication(AuthPin),
    Signature(SignPin),
}

/// A `Signer` whose key is on a card: every `sign` is a PIN verification and a COMPUTE
/// DIGITAL SIGNATURE. The certificate is read once, when the signer is made.
///
/// ```
/// # use myna_jpki::{test_ca::{TestCa, TestKey}, holder::*, card::*, card_jws::CardSigner, virtual_card::VirtualCard};
/// # use myna_vc_core::{crypto::{default_provider, Signer, Algorithm}, time::NumericDate};
/// # let t = NumericDate::from_unix(1_700_000_000);
/// # let key = TestKey::generate()?;
/// # let mut ca = TestCa::new(key.clone(), key.clone(), t)?;
/// # let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
/// #     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市大手町二丁目１２番１号")? };
/// # let issued = ca.issue_card(&facts, key.clone(), key, t)?;
/// let card = JpkiCard::new(VirtualCard::new(&issued, AuthPin::new("1234")?, SignPin::new("ABC123")?));
/// let signer = CardSigner::authentication(card, AuthPin::new("1234")?)?;
/// let sig = signer.sign(b"message")?;
/// default_provider().verify(Algorithm::Rs256, &signer.public_key(), b"message", &sig)?;
/// # Ok::<(), myna_jpki::Error>(())
/// ```
pub struct CardSigner<C: Card + Send> {
    card: Mutex<C>,
    slot: Slot,
    certificate: Certificate,
}

impl<C: Card + Send> core::fmt::Debug for CardSigner<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardSigner")
            .field("certificate_type", &self.certificate.certificate_type())
            .finish_non_exhaustive()
    }
}

impl<C: Card + Send> CardSigner<C> {
    /// Signs with the authentication key (no personal data in its certificate).
    pub fn authentication(mut card: C, pin: AuthPin) -> Result<Self> {
        let certificate = Certificate::parse(&card.read_auth_certificate()?)?;
        Ok(CardSigner {
            card: Mutex::new(card),
            slot: Slot::Authentication(pin),
            certificate,
        })
    }

    /// Signs with the signature key (its certificate carries the four facts).
    pub fn signature(mut card: C, pin: SignPin) -> Result<Self> {
        let certificate = Certificate::parse(&card.read_sign_certificate(&pin)?)?;
        Ok(CardSigner {
            card: Mutex::new(card),
            slot: Slot::Signature(pin),
            certificate,
        })
    }

    /// The certificate of the key.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn sign_digest_info(&self, digest_info: &DigestInfo) -> Result<Vec<u8>> {
        let mut card = self.card.lock().map_err(|_| {
            Error::Reader("the card was poisoned by a panic in another thread".into())
        })?;
        match &self.slot {
            Slot::Authentication(pin) => card.sign_with_auth_key(pin, digest_info),
            Slot::Signature(pin) => card.sign_with_sign_key(pin, digest_info),
        }
    }
}

impl<C: Card + Send> Signer for CardSigner<C> {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Rs256
    }

    fn public_key(&self) -> PublicKey {
        PublicKey::Rsa(self.certificate.public_key().clone())
    }

    fn sign(&self, message: &[u8]) -> myna_vc_core::Result<Vec<u8>> {
        self.sign_digest_info(&DigestInfo::sha256(message))
            .map_err(|e| match e {
                Error::Core(core) => core,
                other => {
                    myna_vc_core::Error::Jose(myna_vc_core::JoseError::Crypto(other.to_string()))
                }
            })
    }
}

/// The card signs `payload`: a compact RS256 JWS with the card's certificate as the only
/// `x5c` entry (the roots are pinned by the verifier, so they are not sent).
pub fn sign_payload<C: Card + Send>(
    signer: &CardSigner<C>,
    typ: Option<&str>,
    payload: &[u8],
) -> Result<String> {
    let certificate = base64::engine::general_purpose::STANDARD.encode(signer.certificate().der());
    let mut header = JwsHeader::new(Algorithm::Rs256).with_x5c(vec![certificate]);
    if let Some(typ) = typ {
        header = header.with_typ(typ);
    }
    Ok(jws::sign(&header, payload, signer)?)
}

/// A card-signed JWS that verified: its certificate (validated) and payload.
#[derive(Debug, Clone)]
pub struct VerifiedCardJws {
    /// The signer's certificate, validated for the purpose.
    pub certificate: Certificate,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

/// Verifies a card-signed JWS: the `x5c` leaf must validate for `purpose` at `at` (chain,
/// key usage, environment, time, CRL), and the JWS signature must verify with its key.
pub fn verify(
    compact: &str,
    validator: &Validator,
    purpose: CertificateType,
    at: NumericDate,
    crls: &[Crl],
) -> Result<VerifiedCardJws> {
    let jws = Jws::parse(compact)?;
    if jws.header().alg != Algorithm::Rs256 {
        return Err(Error::UnsupportedAlgorithm {
            what: "card JWS",
            found: jws.header().alg.jose_name().into(),
        });
    }
    let [leaf] = jws.header().x5c.as_slice() else {
        return Err(Error::MalformedAttribute {
            attribute: "JWS x5c",
            detail: "must hold exactly the card's certificate".into(),
        });
    };
    let der = base64::engine::general_purpose::STANDARD
        .decode(leaf)
        .map_err(|_| Error::malformed("JWS x5c", "not standard base64"))?;
    let certificate = Certificate::parse(&der)?;
    validator.validate(&certificate, purpose, at, crls)?;
    jws.verify(
        validator.provider(),
        &PublicKey::Rsa(certificate.public_key().clone()),
    )?;
    Ok(VerifiedCardJws {
        certificate,
        payload: jws.payload().to_vec(),
    })
}
