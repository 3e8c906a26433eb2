//! How presentations reach the verifier.
//!
//! * **OpenID4VP 1.0** (the HTTP service): a policy's [`Requirement`](crate::policy::Requirement)s become a
//!   [`DcqlQuery`](myna_vc_core::dcql::DcqlQuery), wrapped in a `direct_post` [`AuthorizationRequest`] (by value in an
//!   `openid4vp://` link, or signed as a Request Object); the wallet's form-encoded answer is
//!   read with [`submission_from_direct_post`].
//! * **In person** (no HTTP between wallet and verifier): the wallet shows the compact QR form
//!   (`MV1:…`, one per requested credential) of presentations bound to an
//!   [`InPersonChallenge`] the verifier's screen shows ([`in_person_challenge`]), or at an
//!   unattended [`Gate`] to the gate's 30-second window nonce.
//!
//! ```
//! use myna_verifier::policy::{age::AgeCheck, Policy};
//! use myna_verifier::transport::{authorization_request, in_person_challenge};
//! use myna_verifier::core::oid4vp::ClientId;
//! let policy = AgeCheck::over_20()?;
//! let client = ClientId::parse("x509_san_dns:shop.example")?;
//! let request = authorization_request(&policy, client, "https://shop.example/response")?;
//! assert_eq!(request.dcql_query.credentials()[0].id().as_str(), "age");
//! assert!(request.to_url()?.starts_with("openid4vp://"));
//!
//! let (shown, challenge) = in_person_challenge("did:web:shop.example")?;
//! assert!(shown.to_string().starts_with("MVC1:"));
//! assert_eq!(challenge.audience.as_deref(), Some("did:web:shop.example"));
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::compact::{self, GateId, GateKey, GateNonce, InPersonChallenge, PolicySpec};
use myna_vc_core::jwe::EncryptionKey;
use myna_vc_core::oid4vp::{
    AuthorizationRequest, ClientId, Nonce, ResponseBody, ResponseMode, State, VpToken,
};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{DcqlError, Error, Oid4vpError, Result, SdJwtError};

use crate::decision::{Decision, Rejection};
use crate::policy::Policy;
use crate::submission::{Challenge, Submission};
use crate::verifier::Verifier;

/// The DCQL query for a policy's requirements (kept here too, where request makers look).
pub use crate::policy::query::dcql;
/// The submission in compact QR texts (kept here too, where the in-person transport is).
pub use crate::submission::submission_from_compact;

/// A `direct_post` Authorization Request for `policy` (fresh nonce and state).
pub fn authorization_request(
    policy: &dyn Policy,
    client_id: ClientId,
    response_uri: &str,
) -> Result<AuthorizationRequest> {
    AuthorizationRequest::direct_post(client_id, response_uri, dcql(policy.requirements())?)
}

/// The submission in a VP Token: exactly one presentation per query id.
pub fn submission_from_vp_token(token: &VpToken) -> Result<Submission> {
    let mut submission = Submission::default();
    for (id, presentations) in token.iter() {
        let [one] = presentations else {
            return Err(Error::Dcql(DcqlError::PresentationCount {
                query: id.chars().take(64).collect(),
                count: presentations.len(),
                allowed: "exactly one",
            }));
        };
        submission = submission.with(id, one);
    }
    Ok(submission)
}

/// Reads a `direct_post` body: the submission and the echoed `state`. An error response from
/// the wallet (the holder declined, …) is [`Oid4vpError::InvalidParameter`] naming its code.
pub fn submission_from_direct_post(body: &str) -> Result<(Submission, Option<State>)> {
    submission_from_body(ResponseBody::from_form(body)?)
}

/// A `direct_post.jwt` Authorization Request for `policy` (fresh nonce and state): the
/// response is to be encrypted (ECDH-ES, A128GCM) to a fresh key made for this request alone,
/// named in its `client_metadata` (OpenID4VP §8.3, HAIP's cross-device mode). Keep the key
/// (secret, zeroized on drop) with the request until it is answered:
/// [`submission_from_direct_post_jwt`] decrypts with it.
///
/// ```
/// use myna_verifier::policy::age::AgeCheck;
/// use myna_verifier::transport::encrypted_authorization_request;
/// use myna_verifier::core::oid4vp::{ClientId, ResponseMode};
/// let client = ClientId::parse("x509_san_dns:shop.example")?;
/// let (request, key) =
///     encrypted_authorization_request(&AgeCheck::over_20()?, client, "https://shop.example/r")?;
/// assert_eq!(request.response_mode, ResponseMode::DirectPostJwt);
/// let jwks = &request.client_metadata.as_ref().unwrap()["jwks"]["keys"][0];
/// assert_eq!(jwks["kid"].as_str(), Some(key.kid()));
/// assert!(jwks.get("d").is_none());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn encrypted_authorization_request(
    policy: &dyn Policy,
    client_id: ClientId,
    response_uri: &str,
) -> Result<(AuthorizationRequest, EncryptionKey)> {
    let key = EncryptionKey::generate()?;
    let request = AuthorizationRequest::direct_post_jwt(
        client_id,
        response_uri,
        dcql(policy.requirements())?,
        &key,
    )?;
    Ok((request, key))
}

/// Reads a `direct_post.jwt` body (`response=<JWE>`), decrypted with the request's `key`: the
/// submission and the echoed `state`. A plain `vp_token` body (the encryption stripped) is
/// [`Oid4vpError::ResponseModeDowngrade`]; a JWE for another key is a JWE error
/// (`jwe_key_mismatch`, `jwe_decryption_failed`); a plain error response from the wallet is
/// [`Oid4vpError::InvalidParameter`] naming its code (§8.3.1 lets errors go unencrypted).
///
/// ```
/// use myna_verifier::policy::age::AgeCheck;
/// use myna_verifier::transport::{encrypted_authorization_request, submission_from_direct_post_jwt};
/// use myna_verifier::core::oid4vp::{AuthorizationResponse, ClientId, VpToken};
/// let client = ClientId::parse("x509_san_dns:shop.example")?;
/// let (request, key) =
///     encrypted_authorization_request(&AgeCheck::over_20()?, client, "https://shop.example/r")?;
/// let response = AuthorizationResponse { vp_token: VpToken::new(), state: request.state.clone() };
/// let body = response.to_form_for(&request)?;
/// let (submission, state) = submission_from_direct_post_jwt(&body, &key)?;
/// assert_eq!((submission.len(), state), (0, request.state.clone()));
/// // The same answer in plain text is a downgrade.
/// let plain = submission_from_direct_post_jwt(&response.to_form(), &key).unwrap_err();
/// assert_eq!(plain.code(), "response_mode_downgrade");
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn submission_from_direct_post_jwt(
    body: &str,
    key: &EncryptionKey,
) -> Result<(Submission, Option<State>)> {
    submission_from_body(ResponseBody::from_form_for(
        body,
        ResponseMode::DirectPostJwt,
        Some(key),
    )?)
}

/// The submission and `state` of a read response body; the wallet's error response as
/// [`Oid4vpError::InvalidParameter`] naming its code.
fn submission_from_body(body: ResponseBody) -> Result<(Submission, Option<State>)> {
    match body {
        ResponseBody::Success(response) => Ok((
            submission_from_vp_token(&response.vp_token)?,
            response.state,
        )),
        ResponseBody::Error(error) => Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name: "error",
            detail: format!("the wallet answered `{}`", error.error.as_str()),
        })),
    }
}

/// A fresh in-person challenge for the verifier's screen (audience `verifier_id`, a new
/// nonce) and the [`Challenge`] its presentations are then verified against (single use).
pub fn in_person_challenge(verifier_id: &str) -> Result<(InPersonChallenge, Challenge)> {
    let shown = InPersonChallenge::new(verifier_id, Nonce::random()?)?;
    let challenge = Challenge::single_use(shown.nonce().as_str()).for_audience(shown.audience());
    Ok((shown, challenge))
}

/// [`in_person_challenge`] naming `policy`'s catalog spec ([`Policy::spec`]), so the wallet
/// that scans it knows what is asked (`MVC1:<nonce>:<audience> <spec>`); a policy without a
/// spec gives the two-part challenge.
///
/// ```
/// use std::sync::Arc;
/// use myna_verifier::ledger::MemoryLedger;
/// use myna_verifier::policy::catalog::policy_from_spec;
/// use myna_verifier::transport::in_person_challenge_for;
/// let policy = policy_from_spec("resident:281000", Arc::new(MemoryLedger::new()))?;
/// let (shown, _) = in_person_challenge_for("did:web:shop.example", policy.as_ref())?;
/// assert!(shown.to_string().ends_with(":did:web:shop.example resident:281000"));
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
pub fn in_person_challenge_for(
    verifier_id: &str,
    policy: &dyn Policy,
) -> Result<(InPersonChallenge, Challenge)> {
    let (shown, challenge) = in_person_challenge(verifier_id)?;
    let shown = match policy.spec() {
        Some(spec) => shown.with_policy(PolicySpec::parse(spec)?),
        None => shown,
    };
    Ok((shown, challenge))
}

/// An unattended gate: it shows a challenge that changes every 30 seconds (derived from its
/// key, so nothing is stored), and accepts presentations bound to the current or previous
/// window. Each KB-JWT is still accepted only once (the replay guard).
#[derive(Debug)]
pub struct Gate {
    id: GateId,
    key: GateKey,
}

impl Gate {
    /// The gate `id` with its secret `key`.
    pub fn new(id: GateId, key: GateKey) -> Self {
        Gate { id, key }
    }

    /// The gate's identifier (the KB-JWT audience).
    pub fn id(&self) -> &GateId {
        &self.id
    }

    /// What the gate's screen shows at `now`.
    pub fn challenge(&self, now: NumericDate) -> Result<InPersonChallenge> {
        Ok(GateNonce::current(&self.key, &self.id, now)?.challenge(&self.id))
    }

    /// Verifies compact QR texts for `policy` against the gate's window nonces at the
    /// verifier's time.
    pub fn verify(&self, verifier: &Verifier, policy: &dyn Policy, texts: &str) -> Decision {
        match self.challenge_of(verifier.now(), policy, texts) {
            Ok((submission, challenge)) => verifier.verify(policy, &submission, &challenge),
            Err(error) => verifier.reject(policy, Rejection::from_error(error)),
        }
    }

    fn challenge_of(
        &self,
        now: NumericDate,
        policy: &dyn Policy,
        texts: &str,
    ) -> Result<(Submission, Challenge)> {
        let submission = submission_from_compact(policy, texts)?;
        let first = policy
            .requirements()
            .first()
            .and_then(|r| submission.get(&r.id))
            .ok_or(Error::SdJwt(SdJwtError::KeyBindingMissing))?;
        let nonce = compact::key_binding_nonce(first)?;
        let accepted = GateNonce::accept(&self.key, &self.id, &nonce, now)?;
        let challenge =
            Challenge::shared(accepted.as_nonce().as_str()).for_audience(self.id.as_str());
        Ok((submission, challenge))
    }
}
