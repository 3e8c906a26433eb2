//! The credential endpoint: `jwt` key proofs (batch: one credential per distinct key) bound to
//! the request's `c_nonce`, the access token's offered facts, and the credentials issued.
//!
//! The c_nonce is the replay guard of key proofs. It is checked (its MAC, its expiry, not
//! yet used) before anything is written, and redeemed — the endpoint's first write after the
//! token's claim — only once every proof, the access token and any presentation the
//! credential needs verified: a replayed proof meets a used nonce (`invalid_nonce`), and an
//! unauthenticated request writes nothing.
//!
//! A holder key belongs to one person here: a credential request whose key is already bound
//! to a credential of another subject, or was anchored by another person, is
//! `credential_request_denied` ([`binding`](super::binding)).

use myna_vc_core::crypto::{default_provider, PublicKey};
use myna_vc_core::jws::Jws;
use myna_vc_core::oid4vci::{
    verify_key_proofs, CNonce, CredentialRequest, CredentialResponse, ProofRules,
};
use myna_vc_core::status_list::Status;
use myna_vc_core::time::NumericDate;
use serde_json::Value;

use super::binding::bind_keys;
use super::metadata::PROOF_ALGS;
use super::offer::OfferedFacts;
use super::refresh::{check_refresh, issue_refreshed, RefreshEvidence, REFRESH_PRESENTATION};
use super::token::{claim, release};
use super::{EndpointError, Endpoints, ErrorCode};
use crate::issuance::{verify_anchor, AgeRequest, AnchorEvidence, Issued};
use crate::record::SubjectHandle;
use crate::store::Store;

/// The credential request member carrying the anchor presentation (fan-club membership,
/// context pseudonym).
pub const ANCHOR_PRESENTATION: &str = "anchor_presentation";

fn invalid_proof(description: &str) -> EndpointError {
    EndpointError::bad_request(ErrorCode::InvalidProof, description)
}

fn nonce_error(description: &str) -> EndpointError {
    EndpointError::bad_request(ErrorCode::InvalidNonce, description)
}

/// What a credential needs besides the key proofs, verified before anything is written.
enum Evidence {
    /// Nothing more (the offer's facts suffice).
    None,
    /// A fan-club membership: the anchor presentation by the one proven key.
    Anchor(AnchorEvidence),
    /// A context pseudonym: the person who anchored the key of the anchor presentation (the
    /// credential goes to the one proven key, that anchored key or a fresh one).
    AnchoredPerson(SubjectHandle),
    /// An age refresh: the presented copy.
    Refresh(RefreshEvidence),
}

/// The evidence verified does not match the facts claimed: a bug, not the client's doing.
fn missing_evidence() -> EndpointError {
    EndpointError::internal(crate::Error::invariant(
        "the evidence verified does not match the credential",
    ))
}

fn proof_error(err: &myna_vc_core::Error) -> EndpointError {
    let code = match myna_vc_core::oid4vci::ErrorCode::for_proof_error(err) {
        myna_vc_core::oid4vci::ErrorCode::InvalidNonce => ErrorCode::InvalidNonce,
        _ => ErrorCode::InvalidProof,
    };
    EndpointError::bad_request(code, err.to_string())
}

/// The `nonce` claim of the first proof (unverified: it only selects the rules the proofs
/// are then verified under, and the nonce must be one this issuer handed out).
fn proof_nonce(first: Option<&str>) -> Result<CNonce, EndpointError> {
    let first = first.ok_or_else(|| invalid_proof("`proofs.jwt` is empty"))?;
    let jws = Jws::parse(first).map_err(|e| proof_error(&e))?;
    let claims = jws
        .payload_object("key proof claims")
        .map_err(|e| proof_error(&e))?;
    claims
        .get("nonce")
        .and_then(Value::as_str)
        .map(CNonce::new)
        .ok_or_else(|| {
            nonce_error("the key proof carries no c_nonce; fetch one from the nonce endpoint")
        })
}

impl<S: Store> Endpoints<S> {
    /// The credential endpoint: `token` is the bearer access token, `request` the parsed
    /// request. Answers the credentials issued, one per proven key.
    pub fn credential(
        &self,
        token: &str,
        request: &CredentialRequest,
        now: NumericDate,
    ) -> Result<CredentialResponse, EndpointError> {
        let configuration = request
            .credential_configuration_id
            .as_deref()
            .ok_or_else(|| {
                EndpointError::bad_request(
                    ErrorCode::InvalidCredentialRequest,
                    "credential_identifier is not supported; send credential_configuration_id",
                )
            })?;
        if !self.offers(configuration) {
            return Err(EndpointError::bad_request(
                ErrorCode::UnknownCredentialConfiguration,
                "unknown credential configuration",
            ));
        }
        let proofs = request
            .proofs
            .as_ref()
            .ok_or_else(|| invalid_proof("the request carries no `proofs`"))?;
        let c_nonce = proof_nonce(proofs.jwt.first().map(String::as_str))?;
        let batch_size = usize::try_from(self.rules.batch_size).unwrap_or(usize::MAX);
        let rules = ProofRules {
            allowed_algs: &PROOF_ALGS,
            batch_size,
            ..ProofRules::new(&self.issuer_id, &c_nonce, now)
        };
        let keys =
            verify_key_proofs(default_provider(), proofs, &rules).map_err(|e| proof_error(&e))?;
        let (nonce, nonce_expires_at) = self.check_nonce(&c_nonce, now)?;
        let (subject, facts) = claim(self, token, configuration, now)?;
        let issued = self
            .evidence(&facts, request, &keys, &c_nonce, now)
            .and_then(|evidence| {
                self.redeem_nonce(&nonce, nonce_expires_at, now)?;
                match evidence {
                    // A refresh binds the new keys to the person of the presented copy.
                    Evidence::Refresh(refresh) => issue_refreshed(self, refresh, &keys, now),
                    evidence => {
                        // A pseudonym's key, anchored or fresh, belongs to the anchored person.
                        let owner = match &evidence {
                            Evidence::AnchoredPerson(person) => *person,
                            _ => subject,
                        };
                        bind_keys(self, &owner, &facts, &keys)
                            .and_then(|()| self.issue(&subject, &facts, &keys, evidence, now))
                    }
                }
            });
        match issued {
            Ok(credentials) => Ok(CredentialResponse::issued(credentials)),
            Err(err) => {
                release(self, token, configuration)?;
                Err(err)
            }
        }
    }

    /// Verifies what the credential of `facts` needs besides the key proofs, writing
    /// nothing: the anchor presentation of a fan-club membership or a context pseudonym, the
    /// presented copy of an age refresh.
    fn evidence(
        &self,
        facts: &OfferedFacts,
        request: &CredentialRequest,
        keys: &[PublicKey],
        c_nonce: &CNonce,
        now: NumericDate,
    ) -> Result<Evidence, EndpointError> {
        let anchor = |fresh_key: bool| {
            let presentation = request
                .other
                .get(ANCHOR_PRESENTATION)
                .and_then(Value::as_str);
            self.anchor_evidence(presentation, c_nonce, keys, fresh_key, now)
        };
        Ok(match facts {
            OfferedFacts::FanClubMembership { .. } => Evidence::Anchor(anchor(false)?),
            // A pseudonym may go to a fresh key the anchored holder proves beside the anchor
            // (a poll's ballot must not share its key with anything else the wallet holds).
            OfferedFacts::ContextPseudonym { .. } => {
                let evidence = anchor(true)?;
                let person = self
                    .anchored_person(evidence.holder_key())?
                    .ok_or_else(|| {
                        EndpointError::denied("this issuer did not anchor the presented key")
                    })?;
                Evidence::AnchoredPerson(person)
            }
            OfferedFacts::AgeRefresh {} => Evidence::Refresh(check_refresh(
                self,
                request.other.get(REFRESH_PRESENTATION),
                c_nonce,
                now,
            )?),
            _ => Evidence::None,
        })
    }

    /// Issues the credentials of `facts` bound to each of `keys`, with the verified
    /// `evidence` they need.
    fn issue(
        &self,
        subject: &SubjectHandle,
        facts: &OfferedFacts,
        keys: &[PublicKey],
        evidence: Evidence,
        now: NumericDate,
    ) -> Result<Vec<String>, EndpointError> {
        let issuer = self.credential_issuer();
        let rules = &self.rules;
        let days = |d: u32| now.plus_seconds(u64::from(d) * 86_400);
        let cap = |not_after: Option<i64>, default: NumericDate| {
            not_after.map_or(default, |n| default.min(NumericDate::from_unix(n)))
        };
        let issued: Vec<Issued> = match facts {
            OfferedFacts::Resident { not_after, .. } => {
                let holder = facts.holder_facts()?;
                let until = cap(*not_after, days(rules.resident_lifetime_days));
                keys.iter()
                    .map(|key| issuer.resident(*subject, &holder, key, until, now))
                    .collect::<crate::Result<_>>()?
            }
            OfferedFacts::Age {
                birthdate,
                not_after,
            } => {
                let until = cap(*not_after, days(rules.resident_lifetime_days));
                let requests: Vec<AgeRequest<'_>> = keys
                    .iter()
                    .map(|key| AgeRequest {
                        subject: *subject,
                        birth: *birthdate,
                        holder_key: key,
                        not_after: until,
                    })
                    .collect();
                issuer.age_batch(&requests, now)?
            }
            OfferedFacts::ChildMedicalSubsidy { .. } => {
                let grant = facts.subsidy_grant()?;
                keys.iter()
                    .map(|key| issuer.child_medical_subsidy(*subject, &grant, key, now))
                    .collect::<crate::Result<_>>()?
            }
            OfferedFacts::ShelterRegistration { .. } => {
                let check_in = facts.check_in(self.municipality.as_ref())?;
                let until = days(rules.event_lifetime_days);
                keys.iter()
                    .map(|key| issuer.shelter_registration(*subject, &check_in, key, until, now))
                    .collect::<crate::Result<_>>()?
            }
            OfferedFacts::FanClubMembership { .. } => {
                let membership = facts.membership()?;
                let Evidence::Anchor(evidence) = evidence else {
                    return Err(missing_evidence());
                };
                vec![issuer.fan_club_membership(
                    &evidence,
                    &membership,
                    days(rules.event_lifetime_days),
                    now,
                )?]
            }
            OfferedFacts::AgeRefresh {} => {
                return Err(EndpointError::denied(
                    "an age refresh is redeemed with a refresh presentation",
                ));
            }
            OfferedFacts::ContextPseudonym { .. } => {
                let context = facts.context()?;
                let Evidence::AnchoredPerson(person) = evidence else {
                    return Err(missing_evidence());
                };
                // The one key the request proved: the anchored key, or a fresh one.
                let holder_key = keys.first().ok_or_else(missing_evidence)?;
                let policy = self
                    .escrow
                    .clone()
                    .ok_or(crate::Error::EscrowNotConfigured)?;
                vec![issuer.with_escrow(policy).context_pseudonym(
                    &self.pseudonym_key,
                    person,
                    &context,
                    holder_key,
                    days(rules.event_lifetime_days),
                    now,
                )?]
            }
        };
        Ok(issued
            .into_iter()
            .map(|i| i.credential.to_string())
            .collect())
    }

    /// Checks the anchor presentation a fan-club or pseudonym request carries: this issuer's
    /// anchor credential, key-bound to this issuer and the request's c_nonce, still valid in
    /// the status list, for the one key the request proves — the anchored key, or with
    /// `fresh_key` any one key the holder proved in the same request (same c_nonce).
    fn anchor_evidence(
        &self,
        presentation: Option<&str>,
        c_nonce: &CNonce,
        keys: &[PublicKey],
        fresh_key: bool,
        now: NumericDate,
    ) -> Result<AnchorEvidence, EndpointError> {
        let presentation = presentation.ok_or_else(|| {
            EndpointError::bad_request(
                ErrorCode::InvalidCredentialRequest,
                format!(
                    "a fan-club membership or a context pseudonym needs `{ANCHOR_PRESENTATION}`"
                ),
            )
        })?;
        let evidence = verify_anchor(
            presentation,
            &self.issuer_public,
            self.issuer_id.as_str(),
            c_nonce.as_str(),
            now,
        )?;
        let reference = evidence
            .status()
            .ok_or_else(|| EndpointError::denied("the anchor credential has no status entry"))?;
        let status = self
            .store
            .read(|tx| crate::status_lists::status(tx, reference))?;
        if status != Status::VALID {
            return Err(EndpointError::denied(
                "the anchor credential is revoked or suspended",
            ));
        }
        let one_key = keys.len() == 1;
        if !one_key || (!fresh_key && keys != [evidence.holder_key().clone()]) {
            return Err(EndpointError::denied(
                "this credential is bound to the anchored key: send exactly one proof by it \
                 (a context pseudonym: one proof, by the anchored key or a fresh one)",
            ));
        }
        Ok(evidence)
    }
}
