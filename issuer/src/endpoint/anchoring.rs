//! Card anchoring at the issuer: a single-use challenge, then the wallet's answer — the holder
//! key's proof and the card's authentication signature over the challenge — checked through
//! `myna-jpki` ([`crate::anchor`]), answered with the anchor credential.
//!
//! With the answer may come `facts_jws`: a JWS by the card's *signature* key (typ
//! [`FACTS_TYP`]) over `{"nonce", "holder_jkt"}`. With it, the certified name, address and
//! birth date are offered as a `resident` (address in the municipality only) and an `age`
//! credential; the signature certificate must belong to the anchored person (J-LIS linking).
//! The wallet may redeem that offer with fresh keys, or with one proof by the anchored key.

use myna_jpki::card_jws;
use myna_jpki::certificate::SerialNumber;
use myna_jpki::crl::Crl;
use myna_jpki::profile::CertificateType;
use myna_vc_core::jws::Jws;
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::binding::remember_anchored_key;
use super::offer::{CreatedOffer, OfferedFacts};
use super::{EndpointError, Endpoints, ErrorCode, JpkiSetup};
use crate::anchor::{subject_for_signature_certificate, AnchorResponse, Anchoring};
use crate::store::Store;

/// The `typ` of the signature-certificate facts JWS sent with an anchoring.
pub const FACTS_TYP: &str = "myna-facts+jwt";

/// A fresh anchoring challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorChallenge {
    /// The base64url nonce the card and the holder key sign.
    pub nonce: String,
    /// When the issuer stops accepting it.
    pub expires_at: NumericDate,
}

/// The wallet's answer to a challenge (the anchoring request body).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnchorRequest {
    /// The challenge's nonce.
    pub nonce: String,
    /// JWS by the holder key over `{nonce, aud, iat}`, its `jwk` in the header.
    pub holder_proof: String,
    /// JWS by the card's authentication key over `{nonce, holder_jkt}`.
    pub card_jws: String,
    /// JWS by the card's signature key over the same (typ [`FACTS_TYP`]), letting the issuer
    /// read the certified facts.
    #[serde(default)]
    pub facts_jws: Option<String>,
}

/// The anchoring answer: the anchor credential and, with facts, an offer.
#[derive(Debug, Clone, Serialize)]
pub struct Anchored {
    /// The anchor credential (SD-JWT VC, every disclosure).
    pub anchor_credential: String,
    /// The offer of the credentials the certified facts support, if any.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub offer: Option<CreatedOffer>,
}

/// What a client hears when this issuer has no JPKI roots: the operator's two ways out
/// (ASCII only: an OAuth `error_description` is).
fn anchoring_unavailable() -> EndpointError {
    EndpointError::unavailable(
        "card anchoring is not configured: this issuer has no JPKI roots: \
         `myna issuer init --jpki-root AUTH_ROOT.der --jpki-root SIGN_ROOT.der` for \
         production, `--jpki-test-ca DIR` for a test environment",
    )
}

impl<S: Store> Endpoints<S> {
    fn anchoring<'a>(&'a self, jpki: &'a JpkiSetup, crls: &'a [Crl]) -> Anchoring<'a, S> {
        Anchoring::new(
            &self.store,
            &*self.signer,
            self.issuer_id.as_str(),
            &jpki.validator,
            crls,
            self.status_list.clone(),
            &self.challenge_key,
        )
        .with_challenge_lifetime(self.rules.nonce_lifetime_secs)
        .with_credential_lifetime(u64::from(self.rules.anchor_lifetime_days) * 86_400)
    }

    /// A single-use anchoring challenge; `temporarily_unavailable` without JPKI roots. Nothing
    /// is written: the challenge carries its expiry under the issuer's MAC, and is redeemed
    /// only by an anchoring whose card signature verified ([`crate::challenge`]).
    pub fn anchor_challenge(&self, now: NumericDate) -> Result<AnchorChallenge, EndpointError> {
        let jpki = self.jpki.as_ref().ok_or_else(anchoring_unavailable)?;
        let crls = self.crls()?;
        let challenge = self.anchoring(jpki, &crls).challenge(now)?;
        Ok(AnchorChallenge {
            nonce: challenge.nonce,
            expires_at: challenge.expires_at,
        })
    }

    /// Anchors the holder key of `request` to the card that signed it and answers the anchor
    /// credential; with `facts_jws`, also an offer of the credentials the certified facts
    /// support. A card or certificate refused is `access_denied`, a used or expired challenge
    /// `invalid_nonce`.
    pub fn anchor(
        &self,
        request: &AnchorRequest,
        now: NumericDate,
    ) -> Result<Anchored, EndpointError> {
        let jpki = self.jpki.as_ref().ok_or_else(anchoring_unavailable)?;
        let crls = self.crls()?;
        let response = AnchorResponse {
            nonce: request.nonce.clone(),
            holder_proof: request.holder_proof.clone(),
            card_jws: request.card_jws.clone(),
        };
        // The facts JWS is checked before anything is written, so a bad one costs no credential.
        let facts = match &request.facts_jws {
            Some(jws) => Some(self.verified_facts(jpki, &crls, jws, &response, now)?),
            None => None,
        };
        let anchored = self.anchoring(jpki, &crls).anchor(&response, now)?;
        remember_anchored_key(self, &anchored.holder_key, &anchored.subject)?;
        let offer = match facts {
            Some((serial, items)) => {
                let person =
                    subject_for_signature_certificate(&self.store, &*jpki.linking, &serial, now)?;
                if person != anchored.subject {
                    return Err(EndpointError::bad_request(
                        ErrorCode::AccessDenied,
                        "the signature certificate belongs to another card holder",
                    ));
                }
                // An issuer that offers neither resident nor age credentials has nothing to offer.
                (!items.is_empty())
                    .then(|| self.offer(&person, items, false, now))
                    .transpose()?
            }
            None => None,
        };
        Ok(Anchored {
            anchor_credential: anchored.credential.to_string(),
            offer,
        })
    }

    /// Verifies the facts JWS: signature certificate valid now, typ, the same nonce and holder
    /// key as the anchoring; returns the certificate's serial and the offers its facts support.
    fn verified_facts(
        &self,
        jpki: &JpkiSetup,
        crls: &[Crl],
        jws: &str,
        response: &AnchorResponse,
        now: NumericDate,
    ) -> Result<(SerialNumber, Vec<OfferedFacts>), EndpointError> {
        let verified =
            card_jws::verify(jws, &jpki.validator, CertificateType::Signature, now, crls)
                .map_err(crate::Error::from)?;
        let parsed = Jws::parse(jws)?;
        if parsed.header().typ.as_deref() != Some(FACTS_TYP) {
            return Err(EndpointError::invalid_request(format!(
                "the facts JWS's typ must be {FACTS_TYP}"
            )));
        }
        let payload = myna_vc_core::json::parse_object(&verified.payload, "facts payload")?;
        let holder_key = Jws::parse(&response.holder_proof)?
            .header()
            .jwk
            .as_ref()
            .map(|j| j.key.clone())
            .ok_or_else(|| EndpointError::invalid_request("the holder proof has no jwk"))?;
        let same = |claim: &str, expected: &str| {
            payload.get(claim).and_then(Value::as_str).is_some_and(|v| {
                v.len() == expected.len()
                    && bool::from(subtle::ConstantTimeEq::ct_eq(
                        v.as_bytes(),
                        expected.as_bytes(),
                    ))
            })
        };
        if !same("nonce", &response.nonce)
            || !same("holder_jkt", &holder_key.thumbprint().to_string())
        {
            return Err(EndpointError::invalid_request(
                "the facts JWS answers another challenge or holder key",
            ));
        }
        let holder = verified.certificate.holder().ok_or_else(|| {
            EndpointError::invalid_request("the signature certificate carries no holder facts")
        })?;
        let not_after = Some(verified.certificate.validity().not_after.as_unix());
        let birthdate = holder.birth_date.date();
        let mut items = Vec::new();
        // The configured municipality decides residence (any municipality; no table).
        let resident = self
            .municipality
            .as_ref()
            .is_some_and(|m| m.contains_address(holder.address.text()));
        if resident && self.offers("resident") {
            items.push(OfferedFacts::Resident {
                name: holder.name.text().to_owned(),
                address: holder.address.text().to_owned(),
                birthdate,
                not_after,
            });
        }
        if self.offers("age") {
            items.push(OfferedFacts::Age {
                birthdate,
                not_after,
            });
        }
        Ok((verified.certificate.serial(), items))
    }
}
