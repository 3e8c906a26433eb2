//! The Authorization Response (OpenID4VP 1.0 §8): the VP Token, `direct_post` form bodies,
//! error responses, and the Response URI's answer.

use core::fmt;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::params::State;
use crate::dcql::QueryId;
use crate::error::{DcqlError, Error, Oid4vpError, Result};
use crate::json;
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
        let object: Map<String, Value> = self
            .0
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.clone())))
            .collect();
        Value::Object(object).to_string()
    }

    /// Parses the JSON text of a token (guarded): an object whose keys are Credential Query
    /// ids and whose values are non-empty arrays of non-empty strings.
    pub fn from_json(text: &str) -> Result<Self> {
        let object = json::parse_object(text.as_bytes(), "vp_token")?;
        let invalid = |detail: &str| {
            Error::Oid4vp(Oid4vpError::InvalidParameter {
                name: "vp_token",
                detail: detail.to_owned(),
            })
        };
        let mut token = BTreeMap::new();
        for (id, value) in object {
            QueryId::parse(&id)?;
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
            token.insert(id, presentations);
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
