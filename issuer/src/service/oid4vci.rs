//! OpenID4VCI 1.0 over HTTP, pre-authorized code flow, with card anchoring in front.
//!
//! | route | what |
//! |---|---|
//! | `GET /.well-known/openid-credential-issuer` | issuer metadata, one configuration per credential type |
//! | `POST /anchor/challenge` | a single-use anchoring challenge |
//! | `POST /anchor` | the card-signed [`AnchorResponse`] (+ optional signature-certificate facts JWS) → the anchor credential and a credential offer |
//! | `POST /token` | form-encoded pre-authorized code (+ `tx_code`) → access token |
//! | `POST /nonce` | a fresh `c_nonce` |
//! | `POST /credential` | `jwt` key proofs (batch: one credential per distinct key) → credentials |
//! | `POST /pseudonym-offers` | `{"context": …}` for a configured context → an offer of the caller's pseudonym there (redeemed with `anchor_presentation`) |
//! | `POST /refresh-offers` | `{"credential": "age"}` → an offer of a fresh age batch (redeemed with `refresh_presentation`, see [`super::refresh`]) |
//!
//! The anchoring request body (JSON): `nonce`, `holder_proof`, `card_jws` as in
//! [`AnchorResponse`], and optionally `facts_jws`: a JWS by the card's *signature* key (typ
//! [`FACTS_TYP`]) over `{"nonce", "holder_jkt"}`. With it, the certified name, address and
//! birth date are offered as a `resident` (address in the municipality only) and an `age`
//! credential; the signature certificate must belong to the anchored person (J-LIS linking).
//! The wallet may redeem that offer with fresh keys, or with one proof by the anchored key
//! (so that, e.g., the age credential shares the key of a fan-club membership and pseudonym
//! a sale asks for together).
//!
//! A holder key belongs to one person here: a credential request whose key is already bound
//! to a credential of another subject, or was anchored by another person, is
//! `credential_request_denied` (see `specs/holder-binding.md`).
//!
//! The c_nonce is the replay guard of key proofs: it is consumed only after every proof of
//! the request verified, so a replayed proof meets a used nonce (`invalid_nonce`).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use myna_jpki::card_jws;
use myna_jpki::profile::CertificateType;
use myna_vc_core::crypto::{default_provider, Algorithm, PublicKey};
use myna_vc_core::jws::Jws;
use myna_vc_core::oid4vci::{
    verify_key_proofs, BatchCredentialIssuance, CNonce, CredentialConfiguration,
    CredentialIssuerMetadata, CredentialRequest, CredentialResponse, ErrorCode, NonceResponse,
    ProofRules, ProofTypeMetadata, SD_JWT_VC_FORMAT,
};
use myna_vc_core::status_list::Status;
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::entitlement::{self, CreatedOffer, OfferedFacts};
use super::http::{json_no_store, ApiError, Bearer, FormBody, JsonBody};
use super::state_table::{self, Namespace};
use super::{Service, Shared};
use crate::anchor::{subject_for_signature_certificate, AnchorResponse, Anchoring};
use crate::challenge::Nonce;
use crate::issuance::{verify_anchor, AgeRequest, CredentialIssuer, IssuerProfile};
use crate::record::SubjectHandle;
use crate::store::backend::Backend;
use crate::store::Store;

/// The `typ` of the signature-certificate facts JWS sent with an anchoring.
pub const FACTS_TYP: &str = "myna-facts+jwt";
/// The credential request member carrying the anchor presentation (fan-club issuance).
pub const ANCHOR_PRESENTATION: &str = "anchor_presentation";
/// Key proof algorithms accepted.
const PROOF_ALGS: [Algorithm; 2] = [Algorithm::Es256, Algorithm::EdDsa];

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route("/.well-known/openid-credential-issuer", get(metadata))
        .route("/anchor/challenge", post(anchor_challenge))
        .route("/anchor", post(anchor))
        .route("/token", post(token))
        .route("/nonce", post(nonce))
        .route("/credential", post(credential))
        .route("/pseudonym-offers", post(pseudonym_offer))
        .route("/refresh-offers", post(super::refresh::refresh_offer))
}

/// A self-service pseudonym offer request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PseudonymOfferRequest {
    context: String,
}

/// `POST /pseudonym-offers`: an offer of the caller's pseudonym in one of the configured
/// contexts, without staff. The offer names nobody; the person is known only when it is
/// redeemed with an anchor presentation, and only to this issuer.
async fn pseudonym_offer(
    State(service): State<Service>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: PseudonymOfferRequest = body.parse("pseudonym offer request")?;
    let offer = service
        .blocking(move |shared| {
            if !shared.config.pseudonym_contexts.contains(&request.context) {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    ErrorCode::InvalidRequest,
                    "this issuer offers no self-service pseudonym in that context",
                ));
            }
            let facts = OfferedFacts::ContextPseudonym {
                context: request.context,
            };
            let subject = SubjectHandle::random()?;
            let offer =
                entitlement::create_offer(shared, &subject, vec![facts], false, shared.now())?;
            serde_json::to_string(&offer).map_err(|e| ApiError::internal(&e.to_string()))
        })
        .await?;
    Ok(json_no_store(StatusCode::CREATED, offer))
}

/// The issuer metadata document.
pub(crate) fn metadata_document(shared: &Shared) -> CredentialIssuerMetadata {
    let configurations = shared
        .offered
        .iter()
        .map(|(id, kind)| {
            let mut proofs = std::collections::BTreeMap::new();
            proofs.insert(
                "jwt".to_owned(),
                ProofTypeMetadata {
                    proof_signing_alg_values_supported: PROOF_ALGS
                        .iter()
                        .map(|a| a.jose_name().to_owned())
                        .collect(),
                    key_attestations_required: None,
                    other: serde_json::Map::new(),
                },
            );
            let configuration = CredentialConfiguration {
                format: SD_JWT_VC_FORMAT.into(),
                scope: Some((*id).to_owned()),
                vct: Some(kind.vct().to_owned()),
                cryptographic_binding_methods_supported: Some(vec!["jwk".into()]),
                credential_signing_alg_values_supported: Some(vec![Value::String(
                    shared.issuer.algorithm().jose_name().into(),
                )]),
                proof_types_supported: Some(proofs),
                credential_metadata: Some(json!({"display": [{"name": id, "locale": "en"}]})),
                other: serde_json::Map::new(),
            };
            ((*id).to_owned(), configuration)
        })
        .collect();
    CredentialIssuerMetadata {
        credential_issuer: shared.issuer_id.clone(),
        authorization_servers: None,
        credential_endpoint: shared.url("/credential"),
        nonce_endpoint: Some(shared.url("/nonce")),
        deferred_credential_endpoint: None,
        notification_endpoint: None,
        batch_credential_issuance: Some(BatchCredentialIssuance {
            batch_size: u64::from(shared.config.rules.batch_size),
        }),
        display: Some(json!([{"name": shared.config.name, "locale": "ja"}])),
        credential_configurations_supported: configurations,
        other: {
            let mut other = serde_json::Map::new();
            other.insert("token_endpoint".into(), Value::String(shared.url("/token")));
            other
        },
    }
}

async fn metadata(
    State(service): State<Service>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let body = entitlement::to_json(&metadata_document(service.shared()))?;
    let max_age = service.shared().config.rules.status_max_age_secs;
    Ok(super::http::cacheable(
        &headers,
        "application/json",
        &body,
        max_age,
    ))
}

fn anchoring_unavailable() -> ApiError {
    ApiError::unavailable("card anchoring is not configured (no JPKI roots)")
}

/// `{"nonce", "expires_at"}`.
#[derive(Debug, Serialize)]
struct ChallengeBody {
    nonce: String,
    expires_at: i64,
}

async fn anchor_challenge(State(service): State<Service>) -> Result<Response, ApiError> {
    let body = service
        .blocking(|shared| {
            let jpki = shared.jpki.as_ref().ok_or_else(anchoring_unavailable)?;
            let crls = shared
                .crls
                .read()
                .map_err(|_| ApiError::internal("CRL lock poisoned"))?;
            let challenge = anchoring(shared, jpki, &crls).challenge(shared.now())?;
            serde_json::to_string(&ChallengeBody {
                nonce: challenge.nonce,
                expires_at: challenge.expires_at.as_unix(),
            })
            .map_err(|e| ApiError::internal(&e.to_string()))
        })
        .await?;
    Ok(json_no_store(StatusCode::OK, body))
}

fn anchoring<'a>(
    shared: &'a Shared,
    jpki: &'a super::JpkiSetup,
    crls: &'a [myna_jpki::crl::Crl],
) -> Anchoring<'a, crate::store::RedbStore> {
    Anchoring::new(
        &shared.store,
        &*shared.issuer,
        shared.issuer_id.as_str(),
        &jpki.validator,
        crls,
        shared.status_list.clone(),
    )
    .with_challenge_lifetime(shared.config.rules.nonce_lifetime_secs)
    .with_credential_lifetime(u64::from(shared.config.rules.anchor_lifetime_days) * 86_400)
}

/// The anchoring request body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnchorRequest {
    nonce: String,
    holder_proof: String,
    card_jws: String,
    #[serde(default)]
    facts_jws: Option<String>,
}

/// The anchoring answer: the anchor credential and, with facts, an offer.
#[derive(Debug, Serialize)]
struct AnchorAnswer {
    anchor_credential: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    offer: Option<CreatedOffer>,
}

async fn anchor(State(service): State<Service>, body: JsonBody) -> Result<Response, ApiError> {
    let request: AnchorRequest = body.parse("anchoring request")?;
    let answer = service
        .blocking(move |shared| anchor_blocking(shared, request))
        .await?;
    Ok(json_no_store(StatusCode::OK, answer))
}

fn anchor_blocking(shared: &Shared, request: AnchorRequest) -> Result<String, ApiError> {
    let jpki = shared.jpki.as_ref().ok_or_else(anchoring_unavailable)?;
    let now = shared.now();
    let crls = shared
        .crls
        .read()
        .map_err(|_| ApiError::internal("CRL lock poisoned"))?;
    let response = AnchorResponse {
        nonce: request.nonce,
        holder_proof: request.holder_proof,
        card_jws: request.card_jws,
    };
    // The facts JWS is checked before anything is written, so a bad one costs no credential.
    let facts = match &request.facts_jws {
        Some(jws) => Some(verified_facts(shared, jpki, &crls, jws, &response, now)?),
        None => None,
    };
    let anchored = anchoring(shared, jpki, &crls).anchor(&response, now)?;
    remember_anchored_key(shared, &anchored.holder_key, &anchored.subject)?;
    let offer = match facts {
        Some((serial, items)) => {
            let person =
                subject_for_signature_certificate(&shared.store, &*jpki.linking, &serial, now)?;
            if person != anchored.subject {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::Other("access_denied".into()),
                    "the signature certificate belongs to another card holder",
                ));
            }
            // An issuer that offers neither resident nor age credentials has nothing to offer.
            (!items.is_empty())
                .then(|| entitlement::create_offer(shared, &person, items, false, now))
                .transpose()?
        }
        None => None,
    };
    serde_json::to_string(&AnchorAnswer {
        anchor_credential: anchored.credential.to_string(),
        offer,
    })
    .map_err(|e| ApiError::internal(&e.to_string()))
}

/// A credential request refused for a reason the holder can act on.
pub(super) fn denied(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::CredentialRequestDenied,
        why.to_owned(),
    )
}

/// Remembers whose key was anchored, so that a context pseudonym requested later with an
/// anchor presentation by that key is derived for the right person.
fn remember_anchored_key(
    shared: &Shared,
    key: &PublicKey,
    subject: &SubjectHandle,
) -> Result<(), ApiError> {
    let thumbprint = key.thumbprint();
    shared.store.write(|tx| {
        state_table::put(
            tx,
            Namespace::AnchoredKey,
            &thumbprint.0,
            subject.as_bytes().as_slice(),
        )
    })?;
    Ok(())
}

/// A holder key belongs to one person at this issuer: refuses a request when one of `keys`
/// is already bound to a credential of another subject (or anchored by another person), and
/// otherwise records each key for this subject — in one transaction, so two concurrent
/// requests cannot bind one key to two people.
///
/// The subject is the offer's, except for the credentials that belong to the anchored
/// person (fan-club membership, context pseudonym), whose subject is the person who anchored
/// the key. So a modified wallet cannot bind one person's resident credential and another
/// person's age credential to one key here; verifiers, which accept only credentials bound
/// to one key together, then never see such a pair from this issuer (see
/// `specs/holder-binding.md`, which also says what this cannot prevent across issuers).
pub(super) fn bind_keys(
    shared: &Shared,
    subject: &SubjectHandle,
    facts: &OfferedFacts,
    keys: &[PublicKey],
) -> Result<(), ApiError> {
    let of_anchored_person = matches!(
        facts,
        OfferedFacts::FanClubMembership { .. } | OfferedFacts::ContextPseudonym { .. }
    );
    let thumbprints: Vec<[u8; 32]> = keys.iter().map(|k| k.thumbprint().0).collect();
    let conflict = shared.store.write(|tx| {
        let handle = |ns, id: &[u8]| -> crate::Result<Option<SubjectHandle>> {
            state_table::get(&*tx, ns, id)?
                .map(|bytes| {
                    <[u8; 32]>::try_from(bytes.as_slice())
                        .map(SubjectHandle::from_bytes)
                        .map_err(|_| crate::Error::corrupt("bound key", "subject is not 32 bytes"))
                })
                .transpose()
        };
        let owner = match thumbprints.first() {
            Some(first) if of_anchored_person => {
                handle(Namespace::AnchoredKey, first)?.unwrap_or(*subject)
            }
            _ => *subject,
        };
        for thumbprint in &thumbprints {
            for ns in [Namespace::AnchoredKey, Namespace::BoundKey] {
                if handle(ns, thumbprint)?.is_some_and(|bound| bound != owner) {
                    return Ok(true);
                }
            }
        }
        for thumbprint in &thumbprints {
            state_table::put(tx, Namespace::BoundKey, thumbprint, owner.as_bytes())?;
        }
        Ok(false)
    })?;
    if conflict {
        return Err(denied(
            "a holder key of this request is already bound to another person's credential at \
             this issuer: ask with fresh keys",
        ));
    }
    Ok(())
}

/// The person an anchored key belongs to (see [`remember_anchored_key`]).
fn anchored_person(shared: &Shared, key: &PublicKey) -> Result<SubjectHandle, ApiError> {
    let thumbprint = key.thumbprint();
    let stored = shared
        .store
        .read(|tx| state_table::get(tx, Namespace::AnchoredKey, &thumbprint.0))?
        .ok_or_else(|| denied("this issuer did not anchor the presented key"))?;
    let bytes: [u8; 32] = stored.try_into().map_err(|_| {
        ApiError::from(crate::Error::corrupt(
            "anchored key",
            "subject is not 32 bytes",
        ))
    })?;
    Ok(SubjectHandle::from_bytes(bytes))
}

/// Verifies the facts JWS: signature certificate valid now, typ, the same nonce and holder
/// key as the anchoring; returns the certificate's serial and the offers its facts support.
fn verified_facts(
    shared: &Shared,
    jpki: &super::JpkiSetup,
    crls: &[myna_jpki::crl::Crl],
    jws: &str,
    response: &AnchorResponse,
    now: NumericDate,
) -> Result<(myna_jpki::certificate::SerialNumber, Vec<OfferedFacts>), ApiError> {
    let verified = card_jws::verify(jws, &jpki.validator, CertificateType::Signature, now, crls)
        .map_err(crate::Error::from)?;
    let parsed = Jws::parse(jws)?;
    if parsed.header().typ.as_deref() != Some(FACTS_TYP) {
        return Err(ApiError::bad_request(format!(
            "the facts JWS's typ must be {FACTS_TYP}"
        )));
    }
    let payload = myna_vc_core::json::parse_object(&verified.payload, "facts payload")?;
    let holder_key = Jws::parse(&response.holder_proof)?
        .header()
        .jwk
        .as_ref()
        .map(|j| j.key.clone())
        .ok_or_else(|| ApiError::bad_request("the holder proof has no jwk"))?;
    let same = |claim: &str, expected: &str| {
        payload.get(claim).and_then(Value::as_str).is_some_and(|v| {
            v.len() == expected.len()
                && bool::from(subtle::ConstantTimeEq::ct_eq(
                    v.as_bytes(),
                    expected.as_bytes(),
                ))
        })
    };
    if !same("nonce", &response.nonce) || !same("holder_jkt", &holder_key.thumbprint().to_string())
    {
        return Err(ApiError::bad_request(
            "the facts JWS answers another challenge or holder key",
        ));
    }
    let holder = verified.certificate.holder().ok_or_else(|| {
        ApiError::bad_request("the signature certificate carries no holder facts")
    })?;
    let not_after = Some(verified.certificate.validity().not_after.as_unix());
    let birthdate = holder.birth_date.date();
    let mut items = Vec::new();
    // The configured municipality decides residence (any municipality; no table).
    let resident = shared
        .municipality
        .as_ref()
        .is_some_and(|m| m.contains_address(holder.address.text()));
    if resident && shared.offers("resident") {
        items.push(OfferedFacts::Resident {
            name: holder.name.text().to_owned(),
            address: holder.address.text().to_owned(),
            birthdate,
            not_after,
        });
    }
    if shared.offers("age") {
        items.push(OfferedFacts::Age {
            birthdate,
            not_after,
        });
    }
    Ok((verified.certificate.serial(), items))
}

async fn token(State(service): State<Service>, form: FormBody) -> Result<Response, ApiError> {
    let request = entitlement::parse_token_request(&form.0)?;
    let response = service
        .blocking(move |shared| entitlement::redeem(shared, &request, shared.now()))
        .await?;
    Ok(json_no_store(
        StatusCode::OK,
        entitlement::to_json(&response)?,
    ))
}

async fn nonce(State(service): State<Service>) -> Result<Response, ApiError> {
    let response = service
        .blocking(|shared| {
            let c_nonce = CNonce::generate()?;
            let bytes = myna_vc_core::b64::decode(c_nonce.as_str(), "c_nonce")?;
            let expires = shared
                .now()
                .plus_seconds(shared.config.rules.nonce_lifetime_secs);
            shared
                .store
                .register_challenge(&Nonce::from_bytes(bytes)?, expires)?;
            Ok(NonceResponse { c_nonce })
        })
        .await?;
    Ok(json_no_store(
        StatusCode::OK,
        entitlement::to_json(&response)?,
    ))
}

fn proof_error(err: &myna_vc_core::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::for_proof_error(err),
        err.to_string(),
    )
}

async fn credential(
    State(service): State<Service>,
    Bearer(token): Bearer,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: CredentialRequest = body.message()?;
    let credentials = service
        .blocking(move |shared| credential_blocking(shared, &token, &request))
        .await?;
    let response = CredentialResponse::issued(credentials);
    Ok(json_no_store(
        StatusCode::OK,
        entitlement::to_json(&response)?,
    ))
}

fn credential_blocking(
    shared: &Shared,
    token: &str,
    request: &CredentialRequest,
) -> Result<Vec<String>, ApiError> {
    let now = shared.now();
    let configuration = request
        .credential_configuration_id
        .as_deref()
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidCredentialRequest,
                "credential_identifier is not supported; send credential_configuration_id",
            )
        })?;
    if !shared.offers(configuration) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::UnknownCredentialConfiguration,
            "unknown credential configuration",
        ));
    }
    let proofs = request
        .proofs
        .as_ref()
        .ok_or_else(|| invalid_proof("the request carries no `proofs`"))?;
    let c_nonce = proof_nonce(proofs.jwt.first().map(String::as_str))?;
    let batch_size = usize::try_from(shared.config.rules.batch_size).unwrap_or(usize::MAX);
    let rules = ProofRules {
        allowed_algs: &PROOF_ALGS,
        batch_size,
        ..ProofRules::new(&shared.issuer_id, &c_nonce, now)
    };
    let keys =
        verify_key_proofs(default_provider(), proofs, &rules).map_err(|e| proof_error(&e))?;
    let nonce_bytes = myna_vc_core::b64::decode(c_nonce.as_str(), "c_nonce")
        .map_err(|_| nonce_error("unknown c_nonce"))?;
    let nonce = Nonce::from_bytes(nonce_bytes).map_err(|_| nonce_error("unknown c_nonce"))?;
    shared.store.consume_challenge(&nonce, now)?;
    let (subject, facts) = entitlement::claim(shared, token, configuration, now)?;
    let anchor = request
        .other
        .get(ANCHOR_PRESENTATION)
        .and_then(Value::as_str);
    let issued = match facts {
        // A refresh binds the new keys to the person of the presented copy, found inside.
        OfferedFacts::AgeRefresh {} => super::refresh::issue_refreshed(
            shared,
            request.other.get(super::refresh::REFRESH_PRESENTATION),
            &keys,
            &c_nonce,
            now,
        ),
        _ => bind_keys(shared, &subject, &facts, &keys)
            .and_then(|()| issue(shared, &subject, &facts, &keys, anchor, &c_nonce, now)),
    };
    match issued {
        Ok(credentials) => Ok(credentials),
        Err(err) => {
            entitlement::release(shared, token, configuration)?;
            Err(err)
        }
    }
}

fn invalid_proof(description: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidProof,
        description,
    )
}

fn nonce_error(description: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidNonce,
        description,
    )
}

/// The `nonce` claim of the first proof (unverified: it only selects the rules the proofs
/// are then verified under, and the nonce must be one this issuer handed out).
fn proof_nonce(first: Option<&str>) -> Result<CNonce, ApiError> {
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

/// The service's credential issuer: its identifier, key, status list and lifetimes.
pub(super) fn credential_issuer(shared: &Shared) -> CredentialIssuer<'_, crate::store::RedbStore> {
    let iss = shared.issuer_id.as_str();
    let list = shared.status_list.clone();
    let profile = IssuerProfile {
        kid: Some(super::publication::issuer_kid(shared)),
        ..match &shared.municipality {
            Some(municipality) => IssuerProfile::municipality(iss, municipality.clone(), list),
            None => IssuerProfile::operator(iss, list),
        }
    };
    CredentialIssuer::with_types(
        &shared.store,
        &*shared.issuer,
        profile,
        shared.types.clone(),
    )
    .with_lifetime_days(shared.config.rules.resident_lifetime_days)
}

/// Issues the credentials of `facts` bound to each of `keys`.
fn issue(
    shared: &Shared,
    subject: &SubjectHandle,
    facts: &OfferedFacts,
    keys: &[PublicKey],
    anchor_presentation: Option<&str>,
    c_nonce: &CNonce,
    now: NumericDate,
) -> Result<Vec<String>, ApiError> {
    let issuer = credential_issuer(shared);
    let rules = &shared.config.rules;
    let days = |d: u32| now.plus_seconds(u64::from(d) * 86_400);
    let cap = |not_after: Option<i64>, default: NumericDate| {
        not_after.map_or(default, |n| default.min(NumericDate::from_unix(n)))
    };
    let issued: Vec<crate::issuance::Issued> = match facts {
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
            let check_in = facts.check_in(shared)?;
            let until = days(rules.event_lifetime_days);
            keys.iter()
                .map(|key| issuer.shelter_registration(*subject, &check_in, key, until, now))
                .collect::<crate::Result<_>>()?
        }
        OfferedFacts::FanClubMembership { .. } => {
            let membership = facts.membership()?;
            let evidence = anchor_evidence(shared, anchor_presentation, c_nonce, keys, now)?;
            vec![issuer.fan_club_membership(
                &evidence,
                &membership,
                days(rules.event_lifetime_days),
                now,
            )?]
        }
        OfferedFacts::AgeRefresh {} => {
            return Err(denied(
                "an age refresh is redeemed with a refresh presentation",
            ));
        }
        OfferedFacts::ContextPseudonym { .. } => {
            let context = facts.context()?;
            let evidence = anchor_evidence(shared, anchor_presentation, c_nonce, keys, now)?;
            let person = anchored_person(shared, evidence.holder_key())?;
            let policy = shared
                .escrow
                .clone()
                .ok_or(crate::Error::EscrowNotConfigured)?;
            vec![issuer.with_escrow(policy).context_pseudonym(
                &shared.pseudonym,
                person,
                &context,
                evidence.holder_key(),
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

/// Checks the anchor presentation a fan-club request carries: this issuer's anchor
/// credential, key-bound to this issuer and the request's c_nonce, still valid in the status
/// list, for the one key the request proves.
fn anchor_evidence(
    shared: &Shared,
    presentation: Option<&str>,
    c_nonce: &CNonce,
    keys: &[PublicKey],
    now: NumericDate,
) -> Result<crate::issuance::AnchorEvidence, ApiError> {
    let presentation = presentation.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidCredentialRequest,
            format!("a fan-club membership or a context pseudonym needs `{ANCHOR_PRESENTATION}`"),
        )
    })?;
    let evidence = verify_anchor(
        presentation,
        &shared.issuer_public,
        shared.issuer_id.as_str(),
        c_nonce.as_str(),
        now,
    )?;
    let reference = evidence
        .status()
        .ok_or_else(|| denied("the anchor credential has no status entry"))?;
    let status = shared
        .store
        .read(|tx| crate::status_lists::status(tx, reference))?;
    if status != Status::VALID {
        return Err(denied("the anchor credential is revoked or suspended"));
    }
    if keys != [evidence.holder_key().clone()] {
        return Err(denied(
            "this credential is bound to the anchored key: send exactly one proof by it",
        ));
    }
    Ok(evidence)
}
