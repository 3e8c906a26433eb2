//! Self-service refresh of stale age credentials: `POST /refresh-offers`.
//!
//! An age credential carries its cohort's `exp` ([`crate::cohort`]), so an `age_over_20:
//! false` can turn true before it. The wallet notices on its own — it holds the birth date —
//! and asks for a fresh batch without staff or card:
//!
//! 1. `POST /refresh-offers` with `{"credential": "age"}` → `201` and a credential offer (no
//!    PIN; the offer names nobody);
//! 2. the wallet redeems it like any offer; its `age` credential request carries
//!    [`REFRESH_PRESENTATION`]: one of its current age copies from this issuer, disclosing
//!    `birthdate`, key-bound to this issuer and the request's `c_nonce`.
//!
//! The issuer checks that copy (its own signature, the age vct, unexpired, valid status),
//! finds its record and revokes it as superseded — so one copy refreshes once — then issues
//! the new batch computed for today, for the same person, with the cohort's `exp` of today and
//! the old record's limit as its personal limit: a refresh renews the claims, never the
//! validity ([`crate::lapse`] ends the new copies when the old ones would have ended).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::{default_provider, PublicKey};
use myna_vc_core::oid4vci::{CNonce, ErrorCode};
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions};
use myna_vc_core::status_list::{Status, StatusReference};
use myna_vc_core::time::NumericDate;
use serde::Deserialize;
use serde_json::Value;

use super::entitlement::{self, OfferedFacts};
use super::http::{json_no_store, ApiError, JsonBody};
use super::oid4vci::denied;
use super::{Service, Shared};
use crate::audit::ActorRole;
use crate::credential_types::Kind;
use crate::issuance::AgeRequest;
use crate::record::{CredentialRecord, SubjectHandle};
use crate::revocation::{RevocationReason, Transition};
use crate::store::Store;
use crate::Error;

/// The credential request member carrying the copy to refresh.
pub const REFRESH_PRESENTATION: &str = "refresh_presentation";

/// A self-service refresh offer request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefreshOfferRequest {
    credential: String,
}

/// `POST /refresh-offers`: an offer of a fresh age batch, redeemed with a refresh
/// presentation (see the [module docs](self)).
pub(super) async fn refresh_offer(
    State(service): State<Service>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: RefreshOfferRequest = body.parse("refresh offer request")?;
    if request.credential != "age" {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::InvalidRequest,
            "only age credentials are refreshed this way (their flags can go stale before exp)",
        ));
    }
    let offer = service
        .blocking(move |shared| {
            if !shared.offers("age") {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    ErrorCode::InvalidRequest,
                    "this issuer does not issue age credentials",
                ));
            }
            let subject = SubjectHandle::random()?;
            let facts = vec![OfferedFacts::AgeRefresh {}];
            let offer = entitlement::create_offer(shared, &subject, facts, false, shared.now())?;
            serde_json::to_string(&offer).map_err(|e| ApiError::internal(&e.to_string()))
        })
        .await?;
    Ok(json_no_store(StatusCode::CREATED, offer))
}

/// Issues the refreshed batch for `keys`, after checking and retiring the presented copy.
pub(super) fn issue_refreshed(
    shared: &Shared,
    presentation: Option<&Value>,
    keys: &[PublicKey],
    c_nonce: &CNonce,
    now: NumericDate,
) -> Result<Vec<String>, ApiError> {
    let presentation = presentation.and_then(Value::as_str).ok_or_else(|| {
        denied(&format!(
            "a refresh is redeemed with `{REFRESH_PRESENTATION}`: a current age copy of this \
             issuer disclosing `birthdate`, key-bound to the c_nonce"
        ))
    })?;
    let (birth, reference) = check_presented_copy(shared, presentation, c_nonce, now)?;
    let old = record_with_status(shared, &reference)?;
    if shared.store.credential_status(&old.id)? != Status::VALID {
        return Err(denied("the presented copy is revoked or suspended"));
    }
    super::oid4vci::bind_keys(shared, &old.subject, &OfferedFacts::AgeRefresh {}, keys)?;
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
            Error::IllegalTransition { .. } => denied("this copy was refreshed or revoked already"),
            other => other.into(),
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
    let issued = super::oid4vci::credential_issuer(shared).age_batch(&requests, now)?;
    Ok(issued
        .into_iter()
        .map(|i| i.credential.to_string())
        .collect())
}

/// Verifies the presented copy and returns its disclosed birth date and status entry.
fn check_presented_copy(
    shared: &Shared,
    presentation: &str,
    c_nonce: &CNonce,
    now: NumericDate,
) -> Result<(CalendarDate, StatusReference), ApiError> {
    let age = shared
        .types
        .get(&Kind::Age)
        .ok_or_else(|| ApiError::internal("the age type is not loaded"))?;
    let rule = KeyBindingRule::Required {
        audience: shared.issuer_id.as_str(),
        nonce: c_nonce.as_str(),
        max_age_secs: shared.config.rules.nonce_lifetime_secs,
    };
    let options = VcVerifyOptions::at(now, rule).expect_vct(age.vct());
    let verified = sdjwt_vc::verify(
        presentation,
        default_provider(),
        &shared.issuer_public,
        &options,
    )
    .map_err(|e| denied(&format!("the refresh presentation does not verify: {e}")))?;
    let birth = verified
        .claims()
        .get("birthdate")
        .and_then(Value::as_str)
        .ok_or_else(|| denied("the refresh presentation must disclose `birthdate`"))?;
    let birth = CalendarDate::parse(birth).map_err(|e| denied(&e.to_string()))?;
    let reference = verified
        .status()
        .map_err(|e| denied(&e.to_string()))?
        .ok_or_else(|| denied("the presented copy has no status entry"))?;
    Ok((birth, reference))
}

/// The record whose status entry is `reference` (a scan: refreshes are rare next to reads).
fn record_with_status(
    shared: &Shared,
    reference: &StatusReference,
) -> Result<CredentialRecord, ApiError> {
    shared
        .store
        .all_records()?
        .into_iter()
        .find(|r| &r.status == reference)
        .ok_or_else(|| denied("the presented copy is not one this issuer recorded"))
}
