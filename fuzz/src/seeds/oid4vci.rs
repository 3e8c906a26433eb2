//! OpenID4VCI messages made by the crate (tagged with the `oid4vci` target's selector byte)
//! and the specification's JSON examples for the same parsers.

use myna_vc_core::oid4vci::{
    build_key_proof, AccessToken, AuthorizationDetail, CNonce, CredentialOffer, CredentialRequest,
    CredentialResponse, ErrorCode, ErrorResponse, InputMode, IssuerId, Message, NonceResponse,
    OfferLink, PreAuthorizedCode, TokenRequest, TokenResponse, TxCode, TxCodeValue,
};
use serde_json::Map;

use super::{Seed, SeedError, Shared};
use crate::credential;
use crate::input::tagged;

pub(super) fn seeds(shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let issuer = IssuerId::new(credential::ISSUER)?;
    let tx_code = TxCode {
        input_mode: Some(InputMode::Numeric),
        length: Some(6),
        description: Some("窓口で受け取った番号".into()),
        other: Map::new(),
    };
    let offer = CredentialOffer::pre_authorized(
        issuer.clone(),
        vec!["resident".into()],
        PreAuthorizedCode::new("code-8Hh2"),
        Some(tx_code),
    );
    let detail = AuthorizationDetail {
        detail_type: "openid_credential".into(),
        credential_configuration_id: Some("resident".into()),
        credential_identifiers: Some(vec!["resident-1".into()]),
        claims: None,
        other: Map::new(),
    };
    let token_request = TokenRequest {
        pre_authorized_code: PreAuthorizedCode::new("code-8Hh2"),
        tx_code: Some(TxCodeValue::new("493536")),
        authorization_details: Some(vec![detail.clone()]),
        client_id: Some("wallet".into()),
    };
    let token_response = TokenResponse {
        access_token: AccessToken::new("at-2kd9"),
        token_type: "Bearer".into(),
        expires_in: Some(300),
        authorization_details: Some(vec![detail.clone()]),
        other: Map::new(),
    };
    let nonce = CNonce::new(credential::NONCE);
    let holder = credential::provider().signer(credential::holder_secret())?;
    let proof = build_key_proof(&*holder, &issuer, Some(&nonce), credential::now())?;
    let request = CredentialRequest::for_configuration("resident", vec![proof.clone()]);
    let presentation = credential::presentations()?
        .into_iter()
        .next()
        .unwrap_or_default();
    let error = ErrorResponse::new(ErrorCode::from("invalid_proof"), Some("the proof is stale"))?;

    let mut seeds = vec![
        Seed::new(
            "offer_link",
            tagged(
                0,
                OfferLink::ByValue(Box::new(offer.clone()))
                    .to_url()?
                    .as_bytes(),
            ),
        ),
        Seed::new(
            "offer_link_ref",
            tagged(
                0,
                OfferLink::ByReference("https://city.example.jp/offers/1".into())
                    .to_url()?
                    .as_bytes(),
            ),
        ),
        Seed::new("offer", tagged(1, offer.to_json()?.as_bytes())),
        Seed::new(
            "token_request",
            tagged(2, token_request.to_form()?.as_bytes()),
        ),
        Seed::new(
            "token_response",
            tagged(3, token_response.to_json()?.as_bytes()),
        ),
        Seed::new(
            "nonce_response",
            tagged(4, NonceResponse { c_nonce: nonce }.to_json()?.as_bytes()),
        ),
        Seed::new(
            "credential_request",
            tagged(5, request.to_json()?.as_bytes()),
        ),
        Seed::new(
            "credential_response",
            tagged(
                6,
                CredentialResponse::issued(vec![presentation])
                    .to_json()?
                    .as_bytes(),
            ),
        ),
        Seed::new("error_response", tagged(8, error.to_json()?.as_bytes())),
        Seed::new(
            "authorization_details",
            tagged(9, serde_json::to_string(&[detail])?.as_bytes()),
        ),
        Seed::new("key_proof", tagged(10, proof.as_bytes())),
    ];
    let examples = "specs/openid4vci/examples";
    let cap = 64 * 1024;
    seeds.extend(shared.files(
        examples,
        &[
            "credential_offer_pre-authz_code.json",
            "credential_offer_multiple_credentials.json",
            "credential_offer_by_reference.json",
        ],
        &[1],
        cap,
    ));
    seeds.extend(shared.files(examples, &["credential_request_iso_mdl.json"], &[5], cap));
    seeds.extend(shared.files(
        examples,
        &["credential_issuer_metadata_sd_jwt_long.json"],
        &[7],
        cap,
    ));
    seeds.extend(shared.files(examples, &["credential_metadata_sd_jwt_vc.json"], &[7], cap));
    for (i, seed) in shared
        .files(examples, &[".json"], &[9], cap)
        .into_iter()
        .enumerate()
    {
        if seed.name.contains("authorization_details") {
            seeds.push(Seed::new(format!("{}_{i}", seed.name), seed.bytes));
        }
    }
    Ok(seeds)
}
