//! Presenting cross-device: an OpenID4VP `openid4vp://` request link by value (what
//! `myna verify serve` puts in its QR code), its preview, and the answer the page POSTs to
//! the verifier's `response_uri`: `direct_post`, or for `direct_post.jwt` (HAIP, what `myna
//! verify serve` asks by default) `response=<JWE>`, encrypted to the key in the request's
//! `client_metadata`.

use myna_vc_core::oid4vp::{AuthorizationRequest, RequestLink, ResponseEncryption, ResponseMode};
use myna_wallet::present::PresentationRequest;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::{wallet_error, Wallet};
use crate::js_error::{unix_time, Failure};
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What `wallet.parseRequestLink` returns. With `requestUri` set (a signed request by
 *  reference) the other members but `link` and `clientId` are absent: such requests are
 *  not supported yet (`previewRemote`/`answerRemote` throw `unsupported`). */
export interface RemoteRequest {
  link: string;
  clientId: string;
  responseUri?: string;
  nonce?: string;
  state?: string | null;
  dcqlQuery?: { credentials: object[] };
  requestUri?: string;
}
/** What `wallet.answerRemote` returns: POST `body` to `url` with `content-type: contentType`
 *  (`vp_token=…&state=…`, or `response=<JWE>` for a `direct_post.jwt` request). */
export interface RemoteAnswer { url: string; body: string; contentType: string }
"#;

/// The content type of a `direct_post` answer.
const FORM: &str = "application/x-www-form-urlencoded";

#[wasm_bindgen]
impl Wallet {
    /// Reads an OpenID4VP request link (`openid4vp://?client_id=…&response_uri=…`,
    /// `response_mode=direct_post` or `direct_post.jwt`, `nonce`, `state`, `dcql_query`). Returns
    /// `RemoteRequest`; a link by reference (`request_uri`) gives `{ link, clientId,
    /// requestUri }`. Anything else throws `not_a_request`.
    #[wasm_bindgen(js_name = parseRequestLink, unchecked_return_type = "RemoteRequest")]
    pub fn parse_request_link(&self, text: &str) -> Result<JsValue, JsValue> {
        parse_request_link_native(text)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// What would be disclosed to the verifier of `link`, before anything is signed: the
    /// same `PreviewItem[]` as `preview`.
    #[wasm_bindgen(js_name = previewRemote, unchecked_return_type = "PreviewItem[]")]
    pub fn preview_remote(
        &self,
        link: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.preview_remote_native(link, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Signs the answer to `link` (the smallest disclosure, bound to the verifier's nonce and
    /// `client_id`) and marks the credentials used, as `present` does: `{ url, body,
    /// contentType }` for the page to POST. For a `direct_post.jwt` request the body is
    /// `response=<JWE>`, encrypted to the verifier's key (`no_usable_encryption_key` when the
    /// request offers none this wallet can use: nothing is signed then).
    #[wasm_bindgen(js_name = answerRemote, unchecked_return_type = "RemoteAnswer")]
    pub fn answer_remote(
        &self,
        link: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.answer_remote_native(link, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::preview_remote`] with a Rust error.
    pub fn preview_remote_native(&self, link: &str, now_unix: f64) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let request = PresentationRequest::openid4vp(&by_value(link)?).map_err(wallet_error)?;
        let preview = self.inner.prepare(request, now).map_err(wallet_error)?;
        Ok(Value::Array(self.preview_items_json(preview.items())?))
    }

    /// [`Wallet::answer_remote`] with a Rust error.
    pub fn answer_remote_native(&self, link: &str, now_unix: f64) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let authorization = by_value(link)?;
        if authorization.response_mode.is_encrypted() {
            // The key is chosen before anything is signed or a credential copy is used up.
            encryption(&authorization)?;
        }
        let request = PresentationRequest::openid4vp(&authorization).map_err(wallet_error)?;
        let presentation = self
            .inner
            .prepare(request, now)
            .and_then(|preview| preview.confirm())
            .map_err(wallet_error)?;
        Ok(json!({
            "url": authorization.response_target(),
            "body": presentation.to_form_for(&authorization).map_err(wallet_error)?,
            "contentType": FORM,
        }))
    }
}

/// [`Wallet::parse_request_link`] in Rust.
///
/// ```
/// use myna_wasm::wallet::remote::parse_request_link_native;
/// assert_eq!(parse_request_link_native("MVC1:n:shop").unwrap_err().code(), "not_a_request");
/// ```
pub fn parse_request_link_native(text: &str) -> Result<Value, Failure> {
    let link = text.trim();
    match parse_link(link)? {
        RequestLink::ByValue(request) => {
            let request = direct_post(*request)?;
            Ok(json!({
                "link": link,
                "clientId": request.client_id.as_str(),
                "responseUri": request.response_target(),
                "nonce": request.nonce.as_str(),
                "state": request.state.as_ref().map(|s| s.as_str()),
                "dcqlQuery": request.dcql_query.to_value(),
            }))
        }
        RequestLink::ByReference {
            client_id,
            request_uri,
            ..
        } => Ok(json!({
            "link": link,
            "clientId": client_id.as_str(),
            "requestUri": request_uri,
        })),
        RequestLink::Signed { .. } => Err(unsupported()),
    }
}

/// The link, if it is an OpenID4VP request on a scheme a verifier uses.
fn parse_link(link: &str) -> Result<RequestLink, Failure> {
    let scheme = link.split_once("://").map(|(scheme, _)| scheme);
    if !matches!(scheme, Some("openid4vp" | "haip" | "https")) {
        return Err(not_a_request(&"it is not an openid4vp:// link"));
    }
    RequestLink::parse(link).map_err(|error| not_a_request(&error))
}

/// The by-value request of `link`, answered by `direct_post` or `direct_post.jwt`.
fn by_value(link: &str) -> Result<AuthorizationRequest, Failure> {
    match parse_link(link.trim())? {
        RequestLink::ByValue(request) => direct_post(*request),
        RequestLink::ByReference { .. } | RequestLink::Signed { .. } => Err(unsupported()),
    }
}

fn direct_post(request: AuthorizationRequest) -> Result<AuthorizationRequest, Failure> {
    if !matches!(
        request.response_mode,
        ResponseMode::DirectPost | ResponseMode::DirectPostJwt
    ) {
        return Err(Failure::Coded(
            "unsupported",
            "this request wants its answer by redirect; this wallet answers by direct_post \
             (or direct_post.jwt) only"
                .into(),
        ));
    }
    Ok(request)
}

/// That an encrypted request's `client_metadata` offers a key and `enc` this wallet uses.
fn encryption(request: &AuthorizationRequest) -> Result<(), Failure> {
    let offered = match &request.client_metadata {
        Some(metadata) => ResponseEncryption::from_client_metadata(metadata)?,
        None => None,
    };
    let offered = offered.ok_or(Failure::Core(myna_vc_core::Error::Oid4vp(
        myna_vc_core::Oid4vpError::NoUsableEncryptionKey,
    )))?;
    offered.select()?;
    Ok(())
}

fn not_a_request(detail: &dyn std::fmt::Display) -> Failure {
    Failure::Coded(
        "not_a_request",
        format!("this QR code is not a presentation request ({detail})"),
    )
}

fn unsupported() -> Failure {
    Failure::Coded(
        "unsupported",
        "signed requests (request or request_uri) are not supported yet: ask the verifier for \
         a request by value"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use myna_vc_core::dcql::DcqlQuery;
    use myna_vc_core::oid4vp::ClientId;

    fn link() -> String {
        let query = DcqlQuery::from_json(
            br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
            "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]},
            "claims": [{"path": ["age_over_20"], "values": [true]}]}]}"#,
        )
        .unwrap();
        AuthorizationRequest::direct_post(
            ClientId::parse("x509_san_dns:shop.example").unwrap(),
            "https://shop.example/requests/1/response",
            query,
        )
        .unwrap()
        .to_url()
        .unwrap()
    }

    #[test]
    fn a_direct_post_jwt_link_is_read_and_its_key_checked_before_signing() {
        let query = DcqlQuery::from_json(
            br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
            "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]}}]}"#,
        )
        .unwrap();
        let key = myna_vc_core::jwe::EncryptionKey::generate().unwrap();
        let mut request = AuthorizationRequest::direct_post_jwt(
            ClientId::parse("x509_san_dns:shop.example").unwrap(),
            "https://shop.example/requests/2/response",
            query,
            &key,
        )
        .unwrap();
        let link = request.to_url().unwrap();
        let info = parse_request_link_native(&link).unwrap();
        assert_eq!(
            info["responseUri"],
            "https://shop.example/requests/2/response"
        );
        let read = by_value(&link).unwrap();
        assert_eq!(read.response_mode, ResponseMode::DirectPostJwt);
        assert!(encryption(&read).is_ok());
        // Without a key to encrypt to, the wallet refuses before anything is signed.
        request.client_metadata = None;
        assert_eq!(
            encryption(&request).unwrap_err().code(),
            "no_usable_encryption_key"
        );
    }

    #[test]
    fn a_by_value_link_and_not_links() {
        let info = parse_request_link_native(&link()).unwrap();
        assert_eq!(info["clientId"], "x509_san_dns:shop.example");
        assert_eq!(
            info["responseUri"],
            "https://shop.example/requests/1/response"
        );
        assert_eq!(info["dcqlQuery"]["credentials"][0]["id"], "age");
        assert!(info["nonce"].as_str().is_some_and(|n| !n.is_empty()));
        for text in [
            "",
            "MVC1:n:shop",
            "openid4vp://",
            "openid4vp://?client_id=x",
            "ftp://x?y",
        ] {
            assert_eq!(
                parse_request_link_native(text).unwrap_err().code(),
                "not_a_request",
                "{text}"
            );
        }
        let by_ref = "openid4vp://?client_id=x509_san_dns%3Ashop.example\
                      &request_uri=https%3A%2F%2Fshop.example%2Fro%2F1";
        let info = parse_request_link_native(by_ref).unwrap();
        assert_eq!(info["requestUri"], "https://shop.example/ro/1");
        assert_eq!(by_value(by_ref).unwrap_err().code(), "unsupported");
    }
}
