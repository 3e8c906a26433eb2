//! The token endpoint: a pre-authorized code (and its transaction code) redeemed once for an
//! access token, and the claim of one offered configuration by the credential endpoint.
//!
//! The code of a self-service offer carries its entitlement
//! ([`super::self_service`]): it is exchanged for a token that carries it too,
//! and neither step writes a row.

use myna_vc_core::oid4vci::{AccessToken, TokenRequest, TokenResponse};
use myna_vc_core::time::NumericDate;

use super::offer::{secret_hash, Entitlement, OfferedFacts, MAX_TX_CODE_ATTEMPTS};
use super::self_service::{self, is_self_service, GrantRefusal};
use super::state_table::{self, Namespace};
use super::{EndpointError, Endpoints, ErrorCode, Refusal};
use crate::challenge::ChallengePurpose;
use crate::record::SubjectHandle;
use crate::store::Store;

/// The `error_description` of a wrong or missing transaction code (`invalid_grant`).
pub const TX_CODE_WRONG: &str = "wrong or missing tx_code";
/// The `error_description` of the wrong transaction code that withdrew the offer
/// ([`MAX_TX_CODE_ATTEMPTS`] wrong codes).
pub const TX_CODE_LOCKED: &str =
    "wrong or missing tx_code; too many wrong codes: the offer is withdrawn";
/// The `error_description` of an expired pre-authorized code.
pub const CODE_EXPIRED: &str = "the pre-authorized code expired";
/// The `error_description` of an unknown or already redeemed pre-authorized code.
pub const CODE_USED: &str = "unknown or already used pre-authorized code";

fn grant_error(description: &str) -> EndpointError {
    EndpointError::bad_request(ErrorCode::InvalidGrant, description)
}

impl<S: Store> Endpoints<S> {
    /// The token endpoint: redeems the pre-authorized code once (one transaction: the offer
    /// row goes, the token row comes) and answers the access token. An unknown, used or
    /// expired code, or a wrong transaction code, is `invalid_grant`; after
    /// [`MAX_TX_CODE_ATTEMPTS`] wrong codes the offer is withdrawn.
    pub fn token(
        &self,
        request: &TokenRequest,
        now: NumericDate,
    ) -> Result<TokenResponse, EndpointError> {
        redeem(self, request, now)
    }
}

fn redeem<S: Store>(
    shared: &Endpoints<S>,
    request: &TokenRequest,
    now: NumericDate,
) -> Result<TokenResponse, EndpointError> {
    let code = request.pre_authorized_code.as_str();
    if is_self_service(code) {
        return exchange_self_service(shared, code, now);
    }
    let id = state_table::secret_id(Namespace::Offer, code);
    let token = state_table::new_secret()?;
    let lifetime = shared.rules.access_token_lifetime_secs;
    let outcome = shared.store.write(|tx| {
        let Some(sealed) = state_table::get(tx.as_read(), Namespace::Offer, &id)? else {
            return Ok(Err(grant_error(CODE_USED)));
        };
        let mut entitlement = Entitlement::open(Namespace::Offer, code, &sealed)?;
        if now.as_unix() >= entitlement.expires_at {
            state_table::remove(tx, Namespace::Offer, &id)?;
            return Ok(Err(grant_error(CODE_EXPIRED)));
        }
        if let Some(expected) = &entitlement.tx_code_sha256 {
            let given = request.tx_code.as_ref().map(|c| secret_hash(c.as_str()));
            let right = given.is_some_and(|g| {
                bool::from(subtle::ConstantTimeEq::ct_eq(
                    g.as_bytes(),
                    expected.as_bytes(),
                ))
            });
            if !right {
                entitlement.tx_code_failures = entitlement.tx_code_failures.saturating_add(1);
                // The last attempt says so, for the wallet to tell "try again" from "ask
                // for a new offer" (both are `invalid_grant`).
                if entitlement.tx_code_failures >= MAX_TX_CODE_ATTEMPTS {
                    state_table::remove(tx, Namespace::Offer, &id)?;
                    return Ok(Err(grant_error(TX_CODE_LOCKED)));
                }
                let resealed = entitlement.seal(Namespace::Offer, code)?;
                state_table::put(tx, Namespace::Offer, &id, &resealed)?;
                return Ok(Err(grant_error(TX_CODE_WRONG)));
            }
        }
        state_table::remove(tx, Namespace::Offer, &id)?;
        entitlement.expires_at = now.plus_seconds(lifetime).as_unix();
        entitlement.tx_code_sha256 = None;
        let sealed = entitlement.seal(Namespace::Token, &token)?;
        let token_id = state_table::secret_id(Namespace::Token, &token);
        state_table::put(tx, Namespace::Token, &token_id, &sealed)?;
        Ok(Ok(()))
    })?;
    outcome?;
    Ok(TokenResponse {
        access_token: AccessToken::new(token),
        token_type: "Bearer".into(),
        expires_in: Some(lifetime),
        authorization_details: None,
        other: serde_json::Map::new(),
    })
}

/// The token of a self-service code: the same entitlement for the token's lifetime, nothing
/// written.
fn exchange_self_service<S: Store>(
    shared: &Endpoints<S>,
    code: &str,
    now: NumericDate,
) -> Result<TokenResponse, EndpointError> {
    let mut entitlement = self_service::open(shared, ChallengePurpose::SelfServiceCode, code, now)
        .map_err(|refusal| match refusal {
            GrantRefusal::Unknown => grant_error(CODE_USED),
            GrantRefusal::Expired => grant_error(CODE_EXPIRED),
        })?;
    let lifetime = shared.rules.access_token_lifetime_secs;
    entitlement.expires_at = now.plus_seconds(lifetime).as_unix();
    let token = self_service::seal(shared, ChallengePurpose::SelfServiceToken, &entitlement)?;
    Ok(TokenResponse {
        access_token: AccessToken::new(token),
        token_type: "Bearer".into(),
        expires_in: Some(lifetime),
        authorization_details: None,
        other: serde_json::Map::new(),
    })
}

/// The subject and facts of `configuration` in a self-service token (nothing to mark: see
/// [`self_service`](super::self_service)).
fn claim_self_service<S: Store>(
    shared: &Endpoints<S>,
    token: &str,
    configuration: &str,
    now: NumericDate,
) -> Result<(SubjectHandle, OfferedFacts), EndpointError> {
    let entitlement = self_service::open(shared, ChallengePurpose::SelfServiceToken, token, now)
        .map_err(|refusal| match refusal {
            GrantRefusal::Unknown => token_error("unknown access token"),
            GrantRefusal::Expired => token_error("the access token expired"),
        })?;
    let item = entitlement
        .items
        .iter()
        .find(|i| i.configuration_id() == configuration)
        .cloned()
        .ok_or_else(|| {
            EndpointError::bad_request(
                ErrorCode::InvalidCredentialRequest,
                "this credential configuration was not offered to this token",
            )
        })?;
    Ok((entitlement.subject()?, item))
}

impl<S: Store> Endpoints<S> {
    /// Whether `token` is an access token this issuer gave out and that has not expired,
    /// writing nothing: what the credential endpoint checks before it reads a request body,
    /// so that a stranger's body is never read. Unknown or expired is `invalid_token` (401).
    /// [`credential`](Self::credential) checks the token again when it claims the credential.
    pub fn check_access_token(&self, token: &str, now: NumericDate) -> Result<(), EndpointError> {
        if is_self_service(token) {
            return self_service::open(self, ChallengePurpose::SelfServiceToken, token, now)
                .map(|_| ())
                .map_err(|refusal| match refusal {
                    GrantRefusal::Unknown => token_error("unknown access token"),
                    GrantRefusal::Expired => token_error("the access token expired"),
                });
        }
        let id = state_table::secret_id(Namespace::Token, token);
        let Some(sealed) = self
            .store
            .read(|tx| state_table::get(tx, Namespace::Token, &id))?
        else {
            return Err(token_error("unknown access token"));
        };
        let entitlement = Entitlement::open(Namespace::Token, token, &sealed)?;
        if now.as_unix() >= entitlement.expires_at {
            return Err(token_error("the access token expired"));
        }
        Ok(())
    }
}

fn token_error(description: &str) -> EndpointError {
    EndpointError::new(Refusal::Unauthorized, ErrorCode::InvalidToken, description)
}

/// Claims configuration `configuration` of the token's entitlement for issuance (one
/// transaction, so two concurrent requests cannot both get it); returns the subject and the
/// facts. [`release`] undoes the claim when issuance then fails.
pub(crate) fn claim<S: Store>(
    shared: &Endpoints<S>,
    token: &str,
    configuration: &str,
    now: NumericDate,
) -> Result<(SubjectHandle, OfferedFacts), EndpointError> {
    if is_self_service(token) {
        return claim_self_service(shared, token, configuration, now);
    }
    let id = state_table::secret_id(Namespace::Token, token);
    let outcome = shared.store.write(|tx| {
        let Some(sealed) = state_table::get(tx.as_read(), Namespace::Token, &id)? else {
            return Ok(Err(token_error("unknown access token")));
        };
        let mut entitlement = Entitlement::open(Namespace::Token, token, &sealed)?;
        if now.as_unix() >= entitlement.expires_at {
            state_table::remove(tx, Namespace::Token, &id)?;
            return Ok(Err(token_error("the access token expired")));
        }
        let Some(item) = entitlement
            .items
            .iter()
            .find(|i| i.configuration_id() == configuration)
            .cloned()
        else {
            return Ok(Err(EndpointError::bad_request(
                ErrorCode::InvalidCredentialRequest,
                "this credential configuration was not offered to this token",
            )));
        };
        if entitlement.redeemed.iter().any(|r| r == configuration) {
            return Ok(Err(EndpointError::bad_request(
                ErrorCode::InvalidCredentialRequest,
                "this credential configuration was already issued to this token",
            )));
        }
        entitlement.redeemed.push(configuration.to_owned());
        let subject = entitlement.subject()?;
        state_table::put(
            tx,
            Namespace::Token,
            &id,
            &entitlement.seal(Namespace::Token, token)?,
        )?;
        Ok(Ok((subject, item)))
    })?;
    outcome
}

/// Undoes [`claim`] after a failed issuance, so that the wallet may try again (a
/// self-service token was never marked).
pub(crate) fn release<S: Store>(
    shared: &Endpoints<S>,
    token: &str,
    configuration: &str,
) -> crate::Result<()> {
    if is_self_service(token) {
        return Ok(());
    }
    let id = state_table::secret_id(Namespace::Token, token);
    shared.store.write(|tx| {
        let Some(sealed) = state_table::get(tx.as_read(), Namespace::Token, &id)? else {
            return Ok(());
        };
        let mut entitlement = Entitlement::open(Namespace::Token, token, &sealed)?;
        entitlement.redeemed.retain(|r| r != configuration);
        state_table::put(
            tx,
            Namespace::Token,
            &id,
            &entitlement.seal(Namespace::Token, token)?,
        )
    })
}
