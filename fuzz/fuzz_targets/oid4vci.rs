//! OpenID4VCI messages: the offer link and offer, token request (form) and response, nonce
//! response, credential request and response, issuer metadata, error responses,
//! authorization details and key proof JWTs. The first byte picks the parser. Oracle: each
//! parsed message prints back to a form that parses to an equal message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::oracle::assert_message_round_trip;
use myna_fuzz::{credential, input};
use myna_vc_core::oid4vci::{
    verify_key_proof, AuthorizationDetail, CNonce, CredentialIssuerMetadata, CredentialOffer,
    CredentialRequest, CredentialResponse, ErrorResponse, IssuerId, Message, NonceResponse,
    OfferLink, ProofRules, TokenRequest, TokenResponse,
};

/// The parsers, in selector order (the seed generator tags seeds with these numbers).
pub const PARSERS: u8 = 11;

fuzz_target!(|data: &[u8]| {
    let Some((choice, bytes)) = input::pick(data, PARSERS) else {
        return;
    };
    match choice {
        0 => offer_link(bytes),
        1 => round_trip::<CredentialOffer>(bytes),
        2 => token_request(bytes),
        3 => round_trip::<TokenResponse>(bytes),
        4 => round_trip::<NonceResponse>(bytes),
        5 => round_trip::<CredentialRequest>(bytes),
        6 => round_trip::<CredentialResponse>(bytes),
        7 => round_trip::<CredentialIssuerMetadata>(bytes),
        8 => round_trip::<ErrorResponse>(bytes),
        9 => {
            let _ = AuthorizationDetail::list_from_json(bytes);
        }
        _ => key_proof(bytes),
    }
});

fn round_trip<M: Message + PartialEq + core::fmt::Debug>(bytes: &[u8]) {
    if let Ok(message) = M::from_json(bytes) {
        assert_message_round_trip(&message);
    }
}

fn offer_link(bytes: &[u8]) {
    let Some(Ok(link)) = input::text(bytes).map(OfferLink::parse) else {
        return;
    };
    let url = match link.to_url() {
        Ok(url) => url,
        Err(e) => panic!("a parsed offer link does not print: {e}"),
    };
    assert_eq!(
        OfferLink::parse(&url).as_ref(),
        Ok(&link),
        "offer link changed through to_url: {url}"
    );
}

fn token_request(bytes: &[u8]) {
    let Some(Ok(request)) = input::text(bytes).map(TokenRequest::from_form) else {
        return;
    };
    let form = match request.to_form() {
        Ok(form) => form,
        Err(e) => panic!("a parsed token request does not print: {e}"),
    };
    assert_eq!(
        TokenRequest::from_form(&form).as_ref(),
        Ok(&request),
        "token request changed through to_form: {form}"
    );
}

fn key_proof(bytes: &[u8]) {
    let Some(jwt) = input::text(bytes) else {
        return;
    };
    let (Ok(issuer), nonce) = (
        IssuerId::new(credential::ISSUER),
        CNonce::new(credential::NONCE),
    ) else {
        return;
    };
    let _ = verify_key_proof(
        credential::provider(),
        jwt,
        &ProofRules::new(&issuer, &nonce, credential::now()),
    );
}
