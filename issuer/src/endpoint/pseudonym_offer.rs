//! Self-service pseudonym offers (`POST /pseudonym-offers` over HTTP): an offer of the
//! caller's pseudonym in one of the configured contexts, without staff. The offer names
//! nobody; the person is known only when it is redeemed with an anchor presentation, and only
//! to this issuer. Nothing is written: the code carries the offer
//! ([`self_service`](super::self_service)).

use myna_vc_core::time::NumericDate;
use serde::Deserialize;

use super::offer::{CreatedOffer, OfferedFacts};
use super::{EndpointError, Endpoints, ErrorCode, Refusal};
use crate::store::Store;

/// A self-service pseudonym offer request (`{"context": …}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PseudonymOfferRequest {
    /// The context (a forum, a sale), one of the issuer's configured contexts.
    pub context: String,
}

impl<S: Store> Endpoints<S> {
    /// An offer of the caller's pseudonym in `request.context`; a context this issuer does
    /// not offer is `invalid_request` (not found). The store is left as it was.
    pub fn pseudonym_offer(
        &self,
        request: &PseudonymOfferRequest,
        now: NumericDate,
    ) -> Result<CreatedOffer, EndpointError> {
        if !self.pseudonym_contexts.contains(&request.context) {
            return Err(EndpointError::new(
                Refusal::NotFound,
                ErrorCode::InvalidRequest,
                "this issuer offers no self-service pseudonym in that context",
            ));
        }
        let facts = OfferedFacts::ContextPseudonym {
            context: request.context.clone(),
        };
        Ok(self.self_service_offer(vec![facts], now)?)
    }
}
