//! OpenID for Verifiable Presentations 1.0 with DCQL and SD-JWT VC: the verifier's
//! Authorization Request (by value in a URL, signed as a Request Object, or by reference), the
//! wallet's `direct_post` or encrypted `direct_post.jwt` Authorization Response with its VP
//! Token, error responses, and the same exchange over the Digital Credentials API
//! ([`dc_api`]).
//!
//! Sans-I/O like the rest of the crate: the verifier's HTTP service and the wallet's client
//! build and parse exactly these types. The flow:
//!
//! 1. The verifier builds an [`AuthorizationRequest`] (a [`ClientId`] with its prefix, a
//!    [`DcqlQuery`](crate::dcql::DcqlQuery), a fresh [`Nonce`] and [`State`]) and shows it as a
//!    [`RequestLink`] — by value, or by reference to a Request Object it signs with
//!    [`AuthorizationRequest::sign`].
//! 2. The wallet parses the link ([`RequestLink::parse`]), fetches and checks a Request Object
//!    with [`verify_request_object`], picks credentials with
//!    [`DcqlQuery::select`](crate::dcql::DcqlQuery::select), binds each presentation with KB-JWT
//!    `aud` = [`AuthorizationRequest::kb_audience`] and `nonce` = the request's nonce, and
//!    posts an [`AuthorizationResponse`] ([`AuthorizationResponse::to_form`]) to
//!    [`AuthorizationRequest::response_target`] — or an [`AuthorizationErrorResponse`].
//! 3. The verifier parses the body with [`ResponseBody::from_form`], checks `state`, verifies
//!    each presentation of the [`VpToken`] and checks the whole with
//!    [`DcqlQuery::check_presented`](crate::dcql::DcqlQuery::check_presented), then answers a
//!    [`ResponseAck`].
//!
//! **Encrypted responses** (§8.3, HAIP). The verifier makes an ephemeral
//! [`EncryptionKey`](crate::jwe::EncryptionKey) per transaction and builds the request with
//! [`AuthorizationRequest::direct_post_jwt`]: its `client_metadata`
//! ([`client_metadata_for`]) carries the public key. The wallet answers with
//! [`AuthorizationResponse::to_form_for`], which encrypts to the key
//! [`ResponseEncryption::select`] picks (ECDH-ES P-256, A128GCM/A256GCM, see
//! [`jwe`](crate::jwe)); the verifier reads it with [`ResponseBody::from_form_for`], which
//! refuses a plain `vp_token` for an encrypted request
//! ([`Oid4vpError::ResponseModeDowngrade`](crate::Oid4vpError::ResponseModeDowngrade)).
//!
//! **The Digital Credentials API** (Annex A). A web page passes a [`DcApiRequest`]
//! (unsigned, or signed with an X.509 chain: [`DcApiRequest::sign`]) to
//! `navigator.credentials.get`; the platform hands it to the wallet with the page's
//! [`Origin`], and the wallet reads it with [`DcApiRequest::from_api`] (for signed requests:
//! signature, certificate chain against [`RequestTrust`], `client_id` against the
//! certificate, the origin in `expected_origins`). Presentations are bound to
//! [`Origin::audience`] (`origin:https://…`), and the answer is a [`DcApiResponse`], encrypted
//! for `dc_api.jwt`. `dc_api` modes are refused in requests by URL and URL modes over the API
//! ([`Oid4vpError::ResponseModeWrongChannel`](crate::Oid4vpError::ResponseModeWrongChannel)).
//!
//! ```
//! use myna_vc_core::dcql::DcqlQuery;
//! use myna_vc_core::oid4vp::*;
//! // Verifier
//! let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
//!     "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]}, "claims": [{"path": ["age_over_20"]}]}]}"#)?;
//! let client = ClientId::parse("x509_san_dns:shop.example")?;
//! let request = AuthorizationRequest::direct_post(client, "https://shop.example/post", query)?;
//! let url = request.to_url()?;
//! // Wallet
//! let RequestLink::ByValue(received) = RequestLink::parse(&url)? else { unreachable!() };
//! let mut token = VpToken::new();
//! let answer = &received.dcql_query.credentials()[0];
//! token.push(answer.id(), "<SD-JWT+KB with aud = kb_audience(), nonce = nonce>".into());
//! let body = AuthorizationResponse { vp_token: token, state: received.state.clone() }.to_form();
//! // Verifier
//! let ResponseBody::Success(response) = ResponseBody::from_form(&body)? else { unreachable!() };
//! response.check_state(request.state.as_ref())?;
//! assert_eq!(response.vp_token.get("age").map(<[String]>::len), Some(1));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

mod client_id;
pub mod dc_api;
mod encryption;
mod origin;
mod params;
mod request;
mod request_object;
mod response;

pub use client_id::{ClientId, ClientIdPrefix, MAX_CLIENT_ID_LEN};
pub use dc_api::{DcApiProtocol, DcApiRequest, DcApiResponse, ReceivedDcApiRequest, RequestTrust};
pub use encryption::{client_metadata_for, ResponseEncryption, ENC_VALUES_SUPPORTED};
pub use origin::Origin;
pub use params::{Nonce, State, MAX_PARAM_LEN, NONCE_LEN};
pub use request::{
    AuthorizationRequest, RequestLink, RequestUriMethod, ResponseMode, RESPONSE_TYPE, SCHEME,
};
pub use request_object::{
    verify_request_object, RequestObjectRules, REQUEST_OBJECT_LIFETIME_SECS, REQUEST_OBJECT_TYP,
    SELF_ISSUED_AUDIENCE,
};
pub use response::{
    AuthorizationErrorResponse, AuthorizationResponse, ErrorCode, ResponseAck, ResponseBody,
    VpToken,
};
