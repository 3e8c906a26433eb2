//! OpenID4VP messages: request links (by value, signed, by reference), signed Request Objects
//! (with the fixture verifier's key), `direct_post` response bodies, VP Tokens, response
//! acknowledgements and client identifiers. The first byte picks the parser. Oracles: every
//! parsed message prints back to a form that parses to an equal message; an accepted Request
//! Object is exactly the one the verifier signed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::{credential, input, request};
use myna_vc_core::oid4vp::{
    verify_request_object, ClientId, RequestLink, RequestObjectRules, ResponseAck, ResponseBody,
    VpToken,
};

/// The parsers, in selector order (the seed generator tags seeds with these numbers).
pub const PARSERS: u8 = 6;

fuzz_target!(|data: &[u8]| {
    let Some((choice, bytes)) = input::pick(data, PARSERS) else {
        return;
    };
    if choice == 4 {
        return response_ack(bytes);
    }
    let Some(text) = input::text(bytes) else {
        return;
    };
    match choice {
        0 => request_link(text),
        1 => request_object(text),
        2 => response_body(text),
        3 => vp_token(text),
        _ => client_id(text),
    }
});

fn request_link(text: &str) {
    let Ok(link) = RequestLink::parse(text) else {
        return;
    };
    let url = match link.to_url() {
        Ok(url) => url,
        Err(e) => panic!("a parsed request link does not print: {e}"),
    };
    assert_eq!(
        RequestLink::parse(&url).as_ref(),
        Ok(&link),
        "request link changed through to_url: {url}"
    );
}

fn request_object(text: &str) {
    let rules = RequestObjectRules::at(credential::now()).client_id(request::client_id());
    let Ok(accepted) = verify_request_object(
        text,
        credential::provider(),
        request::verifier_key(),
        &rules,
    ) else {
        return;
    };
    match request::authorization_request() {
        Ok(signed) => assert_eq!(
            accepted, signed,
            "accepted a Request Object the verifier did not sign"
        ),
        Err(e) => panic!("the fixture request builds: {e}"),
    }
}

fn response_body(text: &str) {
    let Ok(body) = ResponseBody::from_form(text) else {
        return;
    };
    let form = match &body {
        ResponseBody::Success(response) => response.to_form(),
        ResponseBody::Error(error) => match error.to_form() {
            Ok(form) => form,
            Err(e) => panic!("a parsed error response does not print: {e}"),
        },
    };
    assert_eq!(
        ResponseBody::from_form(&form).as_ref(),
        Ok(&body),
        "response changed through to_form: {form}"
    );
}

fn vp_token(text: &str) {
    if let Ok(token) = VpToken::from_json(text) {
        let json = token.to_json();
        assert_eq!(
            VpToken::from_json(&json).as_ref(),
            Ok(&token),
            "VP Token changed through to_json: {json}"
        );
    }
}

fn response_ack(bytes: &[u8]) {
    if let Ok(ack) = ResponseAck::from_json(bytes) {
        let json = ack.to_json();
        assert_eq!(
            ResponseAck::from_json(json.as_bytes()).as_ref(),
            Ok(&ack),
            "ack changed through to_json: {json}"
        );
    }
}

fn client_id(text: &str) {
    if let Ok(id) = ClientId::parse(text) {
        let printed = id.to_string();
        assert_eq!(
            ClientId::parse(&printed).as_ref(),
            Ok(&id),
            "client_id changed through printing"
        );
    }
}
