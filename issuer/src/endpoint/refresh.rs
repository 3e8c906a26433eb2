//! Self-service refresh of stale age credentials (`POST /refresh-offers` over HTTP).
//!
//! An age credential carries its cohort's `exp` ([`crate::cohort`]), so an `age_over_20:
//! false` can turn true before it. The wallet notices on its own — it holds the birth date —
//! and asks for a fresh batch without staff or card:
//!
//! 1. `POST /refresh-offers` with `{"credential": "age"}` → `201` and a credential offer (no
//!    PIN; the offer names nobody, and nothing is written: its code carries it, see
//!    [`self_service`](super::self_service));
//! 2. the wallet redeems it like any offer; its `age` credential request carries
//!    [`REFRESH_PRESENTATION`]: one of its current age copies from this issuer, disclosing
//!    `birthdate`, key-bound to this issuer and the request's `c_nonce`.
//!
//! The issuer checks that copy (its own signature, the age vct, unexpired, valid status),
//! finds its record and revokes it as superseded — so one copy refreshes once — then issues
//! the new batch computed for today, for the same person, with the cohort's `exp` of today and
//! the old record's limit as its personal limit: a refresh renews the claims, never the
//! validity ([`crate::lapse`] ends the new copies when the old ones would have ended).

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::{default_provider, PublicKey};
use myna_vc_core::oid4vci::CNonce;
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions};
use myna_vc_core::status_list::{Status, StatusReference};
use myna_vc_core::time::NumericDate;
use serde::Deserialize;
use serde_json::Value;

use super::binding::bind_keys;
use super::offer::{CreatedOffer, OfferedFacts};
use super::{EndpointError, Endpoints, ErrorCode, Refusal};
use crate::audit::ActorRole;
use crate::credential_types::Kind;
use crate::error::Error;
use crate::issuance::AgeRequest;
use crate::record::CredentialRecord;
use crate::revocation::{RevocationReason, Transition};
use crate::store::Store;

/// The credential request member carrying the copy to refresh.
pub const REFRESH_PRESENTATION: &str = "refresh_presentation";

/// A self-service refresh offer request (`{"credential": "age"}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshOfferRequest {
    /// The credential configuration to refresh; only `age` is.
    pub credential: String,
}

impl<S: Store> Endpoints<S> {
    /// An offer of a fresh age batch, redeemed with a refresh presentation (see the
    /// [module docs](self)). Anything but `age`, or an issuer that does not issue age
    /// credentials, is `invalid_request` (not found).
    pub fn refresh_offer(
        &self,
        request: &RefreshOfferRequest,
        now: NumericDate,
    ) -> Result<CreatedOffer, EndpointError> {
        if request.credential != "age" {
            return Err(EndpointError::new(
                Refusal::NotFound,
                ErrorCode::InvalidRequest,
                "only age credentials are refreshed this way (their flags can go stale before exp)",
            ));
        }
        if !self.offers("age") {
            return Err(EndpointError::new(
                Refusal::NotFound,
                ErrorCode::InvalidRequest,
                "this issuer does not issue age credentials",
            ));
        }
        Ok(self.self_service_offer(vec![OfferedFacts::AgeRefresh {}], now)?)
    }
}

/// A presented copy checked for a refresh: its disclosed birth date and its record.
pub(crate) struct RefreshEvidence {
    birth: CalendarDate,
    old: CredentialRecord,
}

/// Checks the presented copy (signature, age vct, key binding to this issuer and the
/// `c_nonce`, its record here, valid status) without writing anything.
pub(crate) fn check_refresh<S: Store>(
    shared: &Endpoints<S>,
    presentation: Option<&Value>,
    c_nonce: &CNonce,
    now: NumericDate,
) -> Result<RefreshEvidence, EndpointError> {
    let presentation = presentation.and_then(Value::as_str).ok_or_else(|| {
        EndpointError::denied(format!(
            "a refresh is redeemed with `{REFRESH_PRESENTATION}`: a current age copy of this \
             issuer disclosing `birthdate`, key-bound to the c_nonce"
        ))
    })?;
    let (birth, reference) = check_presented_copy(shared, presentation, c_nonce, now)?;
    let old = record_with_status(shared, &reference)?;
    if shared.store.credential_status(&old.id)? != Status::VALID {
        return Err(EndpointError::denied(
            "the presented copy is revoked or suspended",
        ));
    }
    Ok(RefreshEvidence { birth, old })
}

/// Issues the refreshed batch for `keys` after retiring the presented copy checked by
/// [`check_refresh`].
pub(crate) fn issue_refreshed<S: Store>(
    shared: &Endpoints<S>,
    evidence: RefreshEvidence,
    keys: &[PublicKey],
    now: NumericDate,
) -> Result<Vec<String>, EndpointError> {
    let RefreshEvidence { birth, old } = evidence;
    bind_keys(shared, &old.subject, &OfferedFacts::AgeRefresh {}, keys)?;
    // Retired first: a second request with the same copy meets a revoked credential.
    shared
        .store
        .change_status(
            &old.id,
            Transition::Revoke,
            RevocationReason::Superseded,
            ActorRole::System,
            now,
        )
        .map_err(|e| match e {
            Error::IllegalTransition { .. } => {
                EndpointError::denied("this copy was refreshed or revoked already")
            }
            other => EndpointError::from(other),
        })?;
    let requests: Vec<AgeRequest<'_>> = keys
        .iter()
        .map(|key| AgeRequest {
            subject: old.subject,
            birth,
            holder_key: key,
            not_after: old.expires_at,
        })
        .collect();
    let issued = shared.credential_issuer().age_batch(&requests, now)?;
    Ok(issued
        .into_iter()
        .map(|i| i.credential.to_string())
        .collect())
}

/// Verifies the presented copy and returns its disclosed birth date and status entry.
fn check_presented_copy<S: Store>(
    shared: &Endpoints<S>,
    presentation: &str,
    c_nonce: &CNonce,
    now: NumericDate,
) -> Result<(CalendarDate, StatusReference), EndpointError> {
    let age = shared.credential_type(Kind::Age)?;
    let rule = KeyBindingRule::Required {
        audience: shared.issuer_id.as_str(),
        nonce: c_nonce.as_str(),
        max_age_secs: shared.rules.nonce_lifetime_secs,
    };
    let options = VcVerifyOptions::at(now, rule).expect_vct(age.vct());
    let verified = sdjwt_vc::verify(
        presentation,
        default_provider(),
        &shared.issuer_public,
        &options,
    )
    .map_err(|e| EndpointError::denied(format!("the refresh presentation does not verify: {e}")))?;
    let birth = verified
        .claims()
        .get("birthdate")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            EndpointError::denied("the refresh presentation must disclose `birthdate`")
        })?;
    let birth = CalendarDate::parse(birth).map_err(|e| EndpointError::denied(e.to_string()))?;
    let reference = verified
        .status()
        .map_err(|e| EndpointError::denied(e.to_string()))?
        .ok_or_else(|| EndpointError::denied("the presented copy has no status entry"))?;
    Ok((birth, reference))
}

/// The record whose status entry is `reference` (a scan: refreshes are rare next to reads).
fn record_with_status<S: Store>(
    shared: &Endpoints<S>,
    reference: &StatusReference,
) -> Result<CredentialRecord, EndpointError> {
    shared
        .store
        .all_records()?
        .into_iter()
        .find(|r| &r.status == reference)
        .ok_or_else(|| EndpointError::denied("the presented copy is not one this issuer recorded"))
}
