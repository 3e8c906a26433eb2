//! Self-service grants: the pre-authorized code and the access token of a self-service offer
//! (a context pseudonym, an age refresh) carry their entitlement themselves, under the
//! issuer's MAC ([`ChallengeKey`](crate::challenge::ChallengeKey)), instead of naming a row.
//!
//! Those offers are asked for without authentication (`POST /pseudonym-offers`, `POST
//! /refresh-offers`) and name nobody: what they entitle to is worth nothing without the
//! evidence the credential request must carry (an anchor presentation of this issuer, a
//! current age copy), checked before anything is written. So making the offer and exchanging
//! its code for a token write nothing, and a client asking in a loop cannot grow the store.
//! A token may be used more than once before it expires (each use still needs a fresh
//! `c_nonce`, proofs and the evidence; a refreshed copy is retired, a pseudonym is one per
//! person whatever the key).
//!
//! The text is `ss.` followed by base64url of the entitlement's JSON and its 32-byte MAC; the
//! code and the token are MACed for different purposes, so one never stands for the other.

use myna_vc_core::b64;
use myna_vc_core::oid4vci::{CredentialOffer, OfferLink, PreAuthorizedCode};
use myna_vc_core::time::NumericDate;

use super::offer::{configuration_ids, CreatedOffer, Entitlement, OfferedFacts};
use super::Endpoints;
use crate::challenge::{ChallengePurpose, TAG_LEN};
use crate::record::SubjectHandle;
use crate::store::Store;

/// What starts the text of a self-service code or token (a stored one is plain base64url,
/// which has no `.`).
const PREFIX: &str = "ss.";

/// Whether `text` is a self-service code or token (and not a stored offer's or token's
/// secret).
pub(crate) fn is_self_service(text: &str) -> bool {
    text.starts_with(PREFIX)
}

/// Why a self-service code or token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantRefusal {
    /// Not made by this issuer for this purpose (altered, forged, garbled).
    Unknown,
    /// Past its expiry.
    Expired,
}

/// The text carrying `entitlement` for `purpose`.
pub(crate) fn seal<S: Store>(
    shared: &Endpoints<S>,
    purpose: ChallengePurpose,
    entitlement: &Entitlement,
) -> crate::Result<String> {
    let mut bytes = serde_json::to_vec(entitlement).map_err(crate::Error::encode)?;
    let tag = shared.challenge_key.seal(purpose, &bytes);
    bytes.extend_from_slice(&tag);
    Ok(format!("{PREFIX}{}", b64::encode(&bytes)))
}

/// The entitlement `text` carries, if this issuer made it for `purpose` and it has not
/// expired at `now`.
pub(crate) fn open<S: Store>(
    shared: &Endpoints<S>,
    purpose: ChallengePurpose,
    text: &str,
    now: NumericDate,
) -> Result<Entitlement, GrantRefusal> {
    let encoded = text.strip_prefix(PREFIX).ok_or(GrantRefusal::Unknown)?;
    let bytes = b64::decode(encoded, "self-service grant").map_err(|_| GrantRefusal::Unknown)?;
    let split = bytes
        .len()
        .checked_sub(TAG_LEN)
        .ok_or(GrantRefusal::Unknown)?;
    let (body, tag) = bytes.split_at(split);
    if !shared.challenge_key.verify(purpose, body, tag) {
        return Err(GrantRefusal::Unknown);
    }
    let entitlement: Entitlement =
        serde_json::from_slice(body).map_err(|_| GrantRefusal::Unknown)?;
    if now.as_unix() >= entitlement.expires_at {
        return Err(GrantRefusal::Expired);
    }
    Ok(entitlement)
}

impl<S: Store> Endpoints<S> {
    /// A self-service offer of `items` (checked as any offer), whose pre-authorized code
    /// carries the entitlement: nothing is written.
    pub(crate) fn self_service_offer(
        &self,
        items: Vec<OfferedFacts>,
        now: NumericDate,
    ) -> crate::Result<CreatedOffer> {
        let ids = configuration_ids(self, &items, now)?;
        let entitlement = Entitlement {
            // The offer names nobody: the evidence of the credential request finds the person.
            subject: b64::encode(SubjectHandle::random()?.as_bytes()),
            expires_at: now.plus_seconds(self.rules.offer_lifetime_secs).as_unix(),
            tx_code_sha256: None,
            tx_code_failures: 0,
            items,
            redeemed: Vec::new(),
        };
        let code = seal(self, ChallengePurpose::SelfServiceCode, &entitlement)?;
        let offer = CredentialOffer::pre_authorized(
            self.issuer_id.clone(),
            ids,
            PreAuthorizedCode::new(code),
            None,
        );
        let uri = OfferLink::ByValue(Box::new(offer.clone())).to_url()?;
        Ok(CreatedOffer {
            credential_offer: offer,
            credential_offer_uri: uri,
            tx_code: None,
        })
    }
}
