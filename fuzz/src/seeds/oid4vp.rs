//! OpenID4VP messages made by the crate (tagged with the `oid4vp` target's selector byte): the
//! fixture request as a link and as a Request Object signed by the fixture verifier key, a
//! response body, a VP Token, an acknowledgement and client identifiers; and the
//! specification's request and response examples.

use myna_vc_core::dcql::QueryId;
use myna_vc_core::jws::JwsHeader;
use myna_vc_core::oid4vp::{AuthorizationResponse, ClientId, RequestLink, ResponseAck, VpToken};

use super::{Seed, SeedError, Shared};
use crate::input::tagged;
use crate::{credential, request};

pub(super) fn seeds(shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let fixture = request::authorization_request()?;
    let signer = credential::provider().signer(request::verifier_secret())?;
    let header = JwsHeader::new(signer.algorithm()).with_kid("did:web:shop.example#key-1");
    let object = fixture.sign(header, &*signer, credential::now())?;
    let signed_link = RequestLink::Signed {
        client_id: request::client_id().clone(),
        request: object.clone(),
    };
    let presentation = credential::presentations()?
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut token = VpToken::default();
    token.push(&QueryId::parse("resident")?, presentation);
    let response = AuthorizationResponse {
        vp_token: token.clone(),
        state: fixture.state.clone(),
    };
    let ack = ResponseAck {
        redirect_uri: Some("https://shop.example/done#r=1".into()),
    };
    let mut seeds = vec![
        Seed::new("link_by_value", tagged(0, fixture.to_url()?.as_bytes())),
        Seed::new("link_signed", tagged(0, signed_link.to_url()?.as_bytes())),
        Seed::new("request_object", tagged(1, object.as_bytes())),
        Seed::new("response_body", tagged(2, response.to_form().as_bytes())),
        Seed::new("vp_token", tagged(3, token.to_json().as_bytes())),
        Seed::new("ack", tagged(4, ack.to_json().as_bytes())),
    ];
    for (i, id) in [
        request::CLIENT_ID,
        "redirect_uri:https://shop.example/cb",
        "x509_san_dns:shop.example",
    ]
    .into_iter()
    .enumerate()
    {
        let id = ClientId::parse(id)?;
        seeds.push(Seed::new(
            format!("client_id_{i}"),
            tagged(5, id.to_string().as_bytes()),
        ));
    }
    let cap = 64 * 1024;
    seeds.extend(shared.files("specs/openid4vp/examples/response", &[".json"], &[3], cap));
    seeds.extend(shared.files(
        "specs/openid4vp/examples/digital_credentials_api",
        &["error_invalid_request.json"],
        &[4],
        cap,
    ));
    Ok(seeds)
}
