//! The Authorization Response (OpenID4VP 1.0 §8): the VP Token, `direct_post` form bodies,
//! error responses, and the Response URI's answer.

use core::fmt;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use zeroize::Zeroizing;

use super::encryption::ResponseEncryption;
use super::params::State;
use super::request::{AuthorizationRequest, ResponseMode, DC_API_MODE_IN_URL};
use crate::dcql::QueryId;
use crate::error::{DcqlError, Error, Oid4vpError, Result};
use crate::json;
use crate::jwe::{self, ContentEncryption, EncryptionKey};
use crate::oid4vci::error_response::check_error_text;
use crate::oid4vci::form;

/// What a response is called in errors.
const WHAT: &str = "authorization response";

/// The VP Token (§8.1): for each answered Credential Query id, one or more presentations.
/// Presentations are strings (SD-JWT+KB for `dc+sd-jwt`); formats whose presentations are
/// JSON objects are not supported and refused when parsing.
///
/// ```
/// use myna_vc_core::dcql::QueryId;
/// use myna_vc_core::oid4vp::VpToken;
/// // The spec's example (§8.1.1).
/// let token = VpToken::from_json(r#"{"my_credential": ["eyJhbGci...QMA"]}"#)?;
/// assert_eq!(token.get("my_credential"), Some(&["eyJhbGci...QMA".to_owned()][..]));
/// let mut built = VpToken::new();
/// built.push(&QueryId::parse("my_credential")?, "eyJhbGci...QMA".into());
/// assert_eq!(built, token);
/// assert!(VpToken::from_json(r#"{"my_credential": []}"#).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VpToken(BTreeMap<String, Vec<String>>);

impl VpToken {
    /// An empty token.
    pub fn new() -> Self {
        VpToken::default()
    }

    /// Adds a presentation for a Credential Query.
    pub fn push(&mut self, query: &QueryId, presentation: String) {
        self.0
            .entry(query.as_str().to_owned())
            .or_default()
            .push(presentation);
    }

    /// The presentations for a Credential Query id.
    pub fn get(&self, query: &str) -> Option<&[String]> {
        self.0.get(query).map(Vec::as_slice)
    }

    /// Every Credential Query id with its presentations.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Whether no query is answered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The JSON text of the token.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// The token as a JSON object (the `vp_token` member of an encrypted response or of a
    /// Digital Credentials API response).
    ///
    /// ```
    /// let token = myna_vc_core::oid4vp::VpToken::from_json(r#"{"a": ["x~"]}"#)?;
    /// assert_eq!(token.to_value(), serde_json::json!({"a": ["x~"]}));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_value(&self) -> Value {
        let object: Map<String, Value> = self
            .0
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.clone())))
            .collect();
        Value::Object(object)
    }

    /// Parses the JSON text of a token (guarded): an object whose keys are Credential Query
    /// ids and whose values are non-empty arrays of non-empty strings.
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_value(&Value::Object(json::parse_object(
            text.as_bytes(),
            "vp_token",
        )?))
    }

    /// Reads a token given as a JSON object, with the rules of [`from_json`](Self::from_json).
    ///
    /// ```
    /// use myna_vc_core::oid4vp::VpToken;
    /// assert!(VpToken::from_value(&serde_json::json!({"a": ["x~"]})).is_ok());
    /// assert!(VpToken::from_value(&serde_json::json!("a")).is_err());
    /// ```
    pub fn from_value(value: &Value) -> Result<Self> {
        let object = value
            .as_object()
            .ok_or(Error::Oid4vp(Oid4vpError::InvalidParameter {
                name: "vp_token",
                detail: "must be a JSON object".into(),
            }))?;
        let invalid = |detail: &str| {
            Error::Oid4vp(Oid4vpError::InvalidParameter {
                name: "vp_token",
                detail: detail.to_owned(),
            })
        };
        let mut token = BTreeMap::new();
        for (id, value) in object {
            QueryId::parse(id)?;
            let items = value
                .as_array()
                .filter(|a| !a.is_empty())
                .ok_or_else(|| invalid("each entry is a non-empty array of presentations"))?;
            let presentations = items
                .iter()
                .map(|p| match p {
                    Value::String(s) if !s.is_empty() => Ok(s.clone()),
                    _ => Err(invalid(
                        "presentations must be non-empty strings (object presentations are not supported)",
                    )),
                })
                .collect::<Result<_>>()?;
            token.insert(id.clone(), presentations);
        }
        Ok(VpToken(token))
    }
}

/// A successful Authorization Response: the VP Token and the request's `state`.
///
/// ```
/// use myna_vc_core::oid4vp::{AuthorizationResponse, ResponseBody, State, VpToken};
/// let token = VpToken::from_json(r#"{"age": ["eyJ.eyJ.c2ln~WyJz~eyJ.eyJ.c2ln"]}"#)?;
/// let response = AuthorizationResponse { vp_token: token, state: Some(State::parse("eyJhb-6-sVA")?) };
/// let body = response.to_form();
/// assert!(body.starts_with("vp_token=%7B%22age%22"));
/// assert_eq!(ResponseBody::from_form(&body)?, ResponseBody::Success(response));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationResponse {
    /// `vp_token`.
    pub vp_token: VpToken,
    /// `state`, as the request carried it.
    pub state: Option<State>,
}

impl AuthorizationResponse {
    /// The `application/x-www-form-urlencoded` body (for `direct_post`, or the fragment of a
    /// `fragment` redirect).
    pub fn to_form(&self) -> String {
        let token = self.vp_token.to_json();
        let mut pairs = vec![("vp_token", token.as_str())];
        if let Some(state) = &self.state {
            pairs.push(("state", state.as_str()));
        }
        form::encode(&pairs)
    }

    /// The body to POST for `request`, by its response mode: for `direct_post.jwt`
    /// `response=<JWE of {"vp_token": …, "state": …}>`, encrypted to the key
    /// [`ResponseEncryption::select`] picks from the request's `client_metadata`; for
    /// `direct_post` (and a `fragment`) the plain [`to_form`](Self::to_form). The `dc_api`
    /// modes are [`Oid4vpError::ResponseModeWrongChannel`] (see
    /// [`DcApiResponse`](super::DcApiResponse)).
    ///
    /// ```
    /// use myna_vc_core::dcql::DcqlQuery;
    /// use myna_vc_core::jwe::EncryptionKey;
    /// use myna_vc_core::oid4vp::*;
    /// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
    /// let key = EncryptionKey::generate()?;
    /// let client = ClientId::parse("x509_san_dns:shop.example")?;
    /// let request = AuthorizationRequest::direct_post_jwt(client, "https://shop.example/post", query, &key)?;
    /// let response = AuthorizationResponse { vp_token: VpToken::from_json(r#"{"a": ["x~"]}"#)?, state: request.state.clone() };
    /// let body = response.to_form_for(&request)?;
    /// assert!(body.starts_with("response=ey"));
    /// let ResponseBody::Success(got) = ResponseBody::from_form_for(&body, request.response_mode, Some(&key))? else { unreachable!() };
    /// assert_eq!(got, response);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_form_for(&self, request: &AuthorizationRequest) -> Result<String> {
        match request.response_mode {
            ResponseMode::DirectPost | ResponseMode::Fragment => Ok(self.to_form()),
            ResponseMode::DirectPostJwt => {
                let mut payload = Map::new();
                payload.insert("vp_token".into(), self.vp_token.to_value());
                if let Some(state) = &self.state {
                    payload.insert("state".into(), Value::String(state.as_str().into()));
                }
                let jwe = encrypt_for(request.client_metadata.as_ref(), &Value::Object(payload))?;
                Ok(form::encode(&[("response", jwe.as_str())]))
            }
            ResponseMode::DcApi | ResponseMode::DcApiJwt => Err(Error::Oid4vp(
                Oid4vpError::ResponseModeWrongChannel(DC_API_MODE_IN_URL),
            )),
        }
    }

    /// Checks the echoed `state` against the one the verifier stored for the transaction
    /// (§5.3, §14.2): both absent, or equal.
    ///
    /// ```
    /// use myna_vc_core::oid4vp::{AuthorizationResponse, State, VpToken};
    /// let state = State::random()?;
    /// let response = AuthorizationResponse { vp_token: VpToken::new(), state: Some(state.clone()) };
    /// assert!(response.check_state(Some(&state)).is_ok());
    /// assert!(response.check_state(Some(&State::random()?)).is_err());
    /// assert!(response.check_state(None).is_err());
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn check_state(&self, expected: Option<&State>) -> Result<()> {
        if self.state.as_ref() != expected {
            return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
                name: "state",
                detail: "does not match the request's state".into(),
            }));
        }
        Ok(())
    }
}

/// An OpenID4VP error code (§8.5 and RFC 6749 §4.1.2.1). Codes outside the lists are kept in
/// [`Other`](Self::Other).
///
/// ```
/// use myna_vc_core::{oid4vp::ErrorCode, Error};
/// assert_eq!(ErrorCode::from("access_denied"), ErrorCode::AccessDenied);
/// assert_eq!(ErrorCode::for_error(&Error::Oid4vp(myna_vc_core::Oid4vpError::UnsupportedTransactionData)), ErrorCode::InvalidTransactionData);
/// assert_eq!(ErrorCode::for_error(&Error::Oid4vp(myna_vc_core::Oid4vpError::UnsupportedClientIdPrefix("origin".into()))), ErrorCode::InvalidRequest);
/// // A signed request whose signer the wallet cannot authenticate.
/// assert_eq!(ErrorCode::for_error(&Error::Oid4vp(myna_vc_core::Oid4vpError::ClientIdCertificateMismatch)), ErrorCode::InvalidClient);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `invalid_request`.
    InvalidRequest,
    /// `invalid_client`.
    InvalidClient,
    /// `access_denied`: no matching credential, or the holder declined.
    AccessDenied,
    /// `vp_formats_not_supported`.
    VpFormatsNotSupported,
    /// `invalid_request_uri_method`.
    InvalidRequestUriMethod,
    /// `invalid_transaction_data`.
    InvalidTransactionData,
    /// `wallet_unavailable`.
    WalletUnavailable,
    /// Any other code.
    Other(String),
}

const CODES: [(ErrorCode, &str); 7] = [
    (ErrorCode::InvalidRequest, "invalid_request"),
    (ErrorCode::InvalidClient, "invalid_client"),
    (ErrorCode::AccessDenied, "access_denied"),
    (ErrorCode::VpFormatsNotSupported, "vp_formats_not_supported"),
    (
        ErrorCode::InvalidRequestUriMethod,
        "invalid_request_uri_method",
    ),
    (
        ErrorCode::InvalidTransactionData,
        "invalid_transaction_data",
    ),
    (ErrorCode::WalletUnavailable, "wallet_unavailable"),
];

impl ErrorCode {
    /// The code as sent.
    pub fn as_str(&self) -> &str {
        if let ErrorCode::Other(code) = self {
            return code;
        }
        CODES
            .iter()
            .find(|(c, _)| c == self)
            .map_or("", |(_, name)| name)
    }

    /// The code a wallet answers when processing a request failed with `err` (§8.5).
    pub fn for_error(err: &Error) -> Self {
        match err {
            Error::Oid4vp(Oid4vpError::UnsupportedTransactionData) => {
                ErrorCode::InvalidTransactionData
            }
            Error::Oid4vp(Oid4vpError::InvalidParameter {
                name: "request_uri_method",
                ..
            }) => ErrorCode::InvalidRequestUriMethod,
            Error::Oid4vp(
                Oid4vpError::ClientIdCertificateMismatch | Oid4vpError::UntrustedRequestSigner(_),
            ) => ErrorCode::InvalidClient,
            Error::Dcql(DcqlError::UnsupportedFormat { .. }) => ErrorCode::VpFormatsNotSupported,
            Error::Dcql(DcqlError::Unsatisfied { .. }) => ErrorCode::AccessDenied,
            _ => ErrorCode::InvalidRequest,
        }
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        CODES
            .iter()
            .find(|(_, name)| *name == code)
            .map_or_else(|| ErrorCode::Other(code.to_owned()), |(c, _)| c.clone())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An Authorization Error Response (§8.5).
///
/// ```
/// use myna_vc_core::oid4vp::{AuthorizationErrorResponse, ErrorCode, ResponseBody, State};
/// // The spec's direct_post error example.
/// let body = "error=invalid_request&error_description=unsupported%20client_id_prefix&state=eyJhb-6-sVA";
/// let ResponseBody::Error(err) = ResponseBody::from_form(body)? else { unreachable!() };
/// assert_eq!(err.error, ErrorCode::InvalidRequest);
/// assert_eq!(err.error_description.as_deref(), Some("unsupported client_id_prefix"));
/// assert_eq!(ResponseBody::from_form(&err.to_form()?)?, ResponseBody::Error(err));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationErrorResponse {
    /// `error`.
    pub error: ErrorCode,
    /// `error_description` (printable ASCII without `"` and `\`).
    pub error_description: Option<String>,
    /// `state`, as the request carried it.
    pub state: Option<State>,
}

impl AuthorizationErrorResponse {
    /// The form body, after checking the code and description characters.
    pub fn to_form(&self) -> Result<String> {
        check_error_text(WHAT, self.error.as_str(), self.error_description.as_deref())?;
        let mut pairs = vec![("error", self.error.as_str())];
        if let Some(description) = &self.error_description {
            pairs.push(("error_description", description));
        }
        if let Some(state) = &self.state {
            pairs.push(("state", state.as_str()));
        }
        Ok(form::encode(&pairs))
    }
}

/// What arrives at the Response URI: a VP Token or an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseBody {
    /// `vp_token` (and `state`).
    Success(AuthorizationResponse),
    /// `error` (and `error_description`, `state`).
    Error(AuthorizationErrorResponse),
}

impl ResponseBody {
    /// Parses a `direct_post` body (or a response fragment): at most 1 MiB, no repeated
    /// parameter, `vp_token` or `error` but not both; unknown parameters are ignored (§8).
    pub fn from_form(body: &str) -> Result<Self> {
        let mut pairs = form::decode(body, WHAT)?;
        let state = form::take(&mut pairs, "state")
            .map(|s| State::parse(&s))
            .transpose()?;
        let vp_token = form::take(&mut pairs, "vp_token");
        let error = form::take(&mut pairs, "error");
        match (vp_token, error) {
            (Some(_), Some(_)) => Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "`vp_token` and `error` must not both be present",
            ))),
            (Some(token), None) => Ok(ResponseBody::Success(AuthorizationResponse {
                vp_token: VpToken::from_json(&token)?,
                state,
            })),
            (None, Some(code)) => {
                let description = form::take(&mut pairs, "error_description");
                check_error_text(WHAT, &code, description.as_deref())?;
                Ok(ResponseBody::Error(AuthorizationErrorResponse {
                    error: ErrorCode::from(code.as_str()),
                    error_description: description,
                    state,
                }))
            }
            (None, None) => Err(Error::Oid4vp(Oid4vpError::MissingParameter("vp_token"))),
        }
    }
}

impl ResponseBody {
    /// Reads a POSTed body for a request of `mode`. `direct_post.jwt` needs `response`, a JWE
    /// decrypted with `key` (A128GCM or A256GCM) whose payload holds the response parameters
    /// as JSON members; a plain `vp_token` there is [`Oid4vpError::ResponseModeDowngrade`]; an
    /// unencrypted `error` response is allowed (§8.3.1: a wallet that cannot encrypt MAY send
    /// one). `direct_post` and `fragment` read as [`from_form`](Self::from_form); the `dc_api`
    /// modes are [`Oid4vpError::ResponseModeWrongChannel`]. See
    /// [`AuthorizationResponse::to_form_for`] for a round trip.
    ///
    /// ```
    /// use myna_vc_core::jwe::EncryptionKey;
    /// use myna_vc_core::oid4vp::{ResponseBody, ResponseMode};
    /// use myna_vc_core::{Error, Oid4vpError};
    /// let key = EncryptionKey::generate()?;
    /// let plain = "vp_token=%7B%22a%22%3A%5B%22x~%22%5D%7D";
    /// assert!(matches!(ResponseBody::from_form_for(plain, ResponseMode::DirectPostJwt, Some(&key)),
    ///     Err(Error::Oid4vp(Oid4vpError::ResponseModeDowngrade { expected: "direct_post.jwt" }))));
    /// assert!(matches!(ResponseBody::from_form_for("error=access_denied", ResponseMode::DirectPostJwt, Some(&key))?,
    ///     ResponseBody::Error(_)));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_form_for(
        body: &str,
        mode: ResponseMode,
        key: Option<&EncryptionKey>,
    ) -> Result<Self> {
        match mode {
            ResponseMode::DirectPost | ResponseMode::Fragment => return Self::from_form(body),
            ResponseMode::DcApi | ResponseMode::DcApiJwt => {
                return Err(Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(
                    DC_API_MODE_IN_URL,
                )))
            }
            ResponseMode::DirectPostJwt => {}
        }
        let mut pairs = form::decode(body, WHAT)?;
        let Some(jwe) = form::take(&mut pairs, "response") else {
            if pairs.iter().any(|(n, _)| n == "error")
                && !pairs.iter().any(|(n, _)| n == "vp_token")
            {
                return Self::from_form(body);
            }
            if pairs.iter().any(|(n, _)| n == "vp_token") {
                return Err(Error::Oid4vp(Oid4vpError::ResponseModeDowngrade {
                    expected: ResponseMode::DirectPostJwt.as_str(),
                }));
            }
            return Err(Error::Oid4vp(Oid4vpError::MissingParameter("response")));
        };
        if pairs.iter().any(|(n, _)| n == "vp_token" || n == "error") {
            return Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "an encrypted `response` comes alone, without `vp_token` or `error`",
            )));
        }
        let payload = decrypt_payload(&jwe, key)?;
        Self::from_members(&payload)
    }

    /// The response parameters as JSON members (the payload of an encrypted response).
    fn from_members(members: &Map<String, Value>) -> Result<Self> {
        let state = match members.get("state") {
            None => None,
            Some(Value::String(s)) => Some(State::parse(s)?),
            Some(_) => return Err(not_a_string("state")),
        };
        match (members.get("vp_token"), members.get("error")) {
            (Some(_), Some(_)) => Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "`vp_token` and `error` must not both be present",
            ))),
            (Some(token), None) => Ok(ResponseBody::Success(AuthorizationResponse {
                vp_token: VpToken::from_value(token)?,
                state,
            })),
            (None, Some(Value::String(code))) => {
                let description = match members.get("error_description") {
                    None => None,
                    Some(Value::String(d)) => Some(d.clone()),
                    Some(_) => return Err(not_a_string("error_description")),
                };
                check_error_text(WHAT, code, description.as_deref())?;
                Ok(ResponseBody::Error(AuthorizationErrorResponse {
                    error: ErrorCode::from(code.as_str()),
                    error_description: description,
                    state,
                }))
            }
            (None, Some(_)) => Err(not_a_string("error")),
            (None, None) => Err(Error::Oid4vp(Oid4vpError::MissingParameter("vp_token"))),
        }
    }
}

fn not_a_string(name: &'static str) -> Error {
    Error::Oid4vp(Oid4vpError::InvalidParameter {
        name,
        detail: "must be a string".into(),
    })
}

/// Encrypts a response payload to the key [`ResponseEncryption::select`] picks from a request's
/// `client_metadata`.
pub(super) fn encrypt_for(
    metadata: Option<&Map<String, Value>>,
    payload: &Value,
) -> Result<String> {
    let encryption = match metadata {
        Some(metadata) => ResponseEncryption::from_client_metadata(metadata)?,
        None => None,
    }
    .ok_or(Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey))?;
    let (recipient, enc) = encryption.select()?;
    let text = Zeroizing::new(payload.to_string());
    jwe::encrypt(text.as_bytes(), recipient, enc)
}

/// Decrypts an encrypted response (A128GCM or A256GCM) to its JSON members.
pub(super) fn decrypt_payload(
    jwe: &str,
    key: Option<&EncryptionKey>,
) -> Result<Map<String, Value>> {
    let key = key.ok_or(Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey))?;
    let plaintext = key.decrypt(
        jwe,
        &[ContentEncryption::A128Gcm, ContentEncryption::A256Gcm],
    )?;
    json::parse_object(&plaintext, "encrypted response payload")
}

/// The Response URI's JSON answer to a `direct_post` (§8.2): where to send the user next.
///
/// ```
/// use myna_vc_core::oid4vp::ResponseAck;
/// let ack = ResponseAck::from_json(br#"{"redirect_uri": "https://client.example.org/cb#response_code=091535f699ea575c7937fa5f0f454aee"}"#)?;
/// assert!(ack.redirect_uri.unwrap().ends_with("response_code=091535f699ea575c7937fa5f0f454aee"));
/// assert_eq!(ResponseAck::default().to_json(), "{}");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseAck {
    /// `redirect_uri`, if the wallet should redirect the user agent.
    pub redirect_uri: Option<String>,
}

impl ResponseAck {
    /// Parses the JSON body (guarded); unknown members are ignored.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let object = json::parse_object(bytes, "response acknowledgement")?;
        let redirect_uri = match object.get("redirect_uri") {
            None => None,
            Some(Value::String(uri)) => Some(uri.clone()),
            Some(_) => {
                return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
                    name: "redirect_uri",
                    detail: "must be a string".into(),
                }))
            }
        };
        Ok(ResponseAck { redirect_uri })
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        let mut object = Map::new();
        if let Some(uri) = &self.redirect_uri {
            object.insert("redirect_uri".into(), Value::String(uri.clone()));
        }
        Value::Object(object).to_string()
    }
}
