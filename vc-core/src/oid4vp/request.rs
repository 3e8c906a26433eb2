//! The Authorization Request (OpenID4VP 1.0 §5) and the links that carry it.

use serde_json::{Map, Value};

use super::client_id::{check_https_uri, ClientId, ClientIdPrefix};
use super::encryption::{client_metadata_for, require_usable_key};
use super::params::{Nonce, State};
use crate::dcql::DcqlQuery;
use crate::error::{Error, Oid4vpError, Result};
use crate::json;
use crate::jwe::{ContentEncryption, EncryptionKey};
use crate::oid4vci::form;

/// The only `response_type` this crate speaks.
pub const RESPONSE_TYPE: &str = "vp_token";

/// The custom scheme of the static wallet configuration (§13.1.2): `openid4vp://?…`.
pub const SCHEME: &str = "openid4vp://";

/// What a request is called in errors.
const WHAT: &str = "authorization request";

/// How the wallet sends the response.
///
/// `direct_post`, `direct_post.jwt` and `fragment` belong to requests by URL
/// ([`AuthorizationRequest`]); `dc_api` and `dc_api.jwt` to requests over the Digital
/// Credentials API ([`DcApiRequest`](super::DcApiRequest)). The `.jwt` modes encrypt the
/// response to a key of the request's `client_metadata` (§8.3).
///
/// ```
/// use myna_vc_core::oid4vp::ResponseMode;
/// assert_eq!(ResponseMode::DirectPost.as_str(), "direct_post");
/// assert_eq!(ResponseMode::parse("dc_api.jwt")?, ResponseMode::DcApiJwt);
/// assert!(ResponseMode::DcApiJwt.is_encrypted() && ResponseMode::DcApiJwt.is_dc_api());
/// assert!(ResponseMode::DirectPostJwt.is_encrypted() && !ResponseMode::DirectPostJwt.is_dc_api());
/// assert!(ResponseMode::parse("query").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseMode {
    /// `direct_post`: an HTTP POST of a form to `response_uri` (cross-device).
    DirectPost,
    /// `fragment`: a redirect to `redirect_uri` with the response in the fragment (the default
    /// of `vp_token`).
    Fragment,
    /// `direct_post.jwt`: `direct_post` with the response encrypted in one `response`
    /// parameter (§8.3.1; HAIP's cross-device mode).
    DirectPostJwt,
    /// `dc_api`: the response goes back through the Digital Credentials API (Annex A).
    DcApi,
    /// `dc_api.jwt`: `dc_api` with the response encrypted (Annex A, HAIP).
    DcApiJwt,
}

impl ResponseMode {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResponseMode::DirectPost => "direct_post",
            ResponseMode::Fragment => "fragment",
            ResponseMode::DirectPostJwt => "direct_post.jwt",
            ResponseMode::DcApi => "dc_api",
            ResponseMode::DcApiJwt => "dc_api.jwt",
        }
    }

    /// Whether the response is an encrypted JWT (`direct_post.jwt`, `dc_api.jwt`).
    pub const fn is_encrypted(self) -> bool {
        matches!(self, ResponseMode::DirectPostJwt | ResponseMode::DcApiJwt)
    }

    /// Whether the mode belongs to the Digital Credentials API (`dc_api`, `dc_api.jwt`).
    pub const fn is_dc_api(self) -> bool {
        matches!(self, ResponseMode::DcApi | ResponseMode::DcApiJwt)
    }

    /// Reads a wire name; others are [`Oid4vpError::UnsupportedResponseMode`].
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "direct_post" => Ok(ResponseMode::DirectPost),
            "fragment" => Ok(ResponseMode::Fragment),
            "direct_post.jwt" => Ok(ResponseMode::DirectPostJwt),
            "dc_api" => Ok(ResponseMode::DcApi),
            "dc_api.jwt" => Ok(ResponseMode::DcApiJwt),
            other => Err(Error::Oid4vp(Oid4vpError::UnsupportedResponseMode(
                other.chars().take(32).collect(),
            ))),
        }
    }
}

/// The error for a Digital Credentials API mode in a request by URL.
pub(super) const DC_API_MODE_IN_URL: &str =
    "response_mode dc_api and dc_api.jwt belong to requests over the Digital Credentials API \
     (DcApiRequest), not to requests by URL";

/// An OpenID4VP Authorization Request asking for a VP Token with a DCQL query.
///
/// Fields are public so a verifier can build one; every way out ([`to_url`](Self::to_url),
/// [`sign`](Self::sign)) and in ([`RequestLink::parse`], [`verify_request_object`]) runs
/// [`check`](Self::check). What is refused, each with its own error: a `response_type` other
/// than `vp_token`; a response mode other than `direct_post`, `direct_post.jwt` and
/// `fragment` (`dc_api` modes are [`Oid4vpError::ResponseModeWrongChannel`]); `direct_post`
/// without `response_uri` or with `redirect_uri`; `direct_post.jwt` without a usable
/// encryption key in `client_metadata` ([`Oid4vpError::NoUsableEncryptionKey`]); `scope` (no DCQL aliases are defined here);
/// `transaction_data` (unsupported, and §5.1 says a wallet MUST then refuse); a
/// `redirect_uri:` client whose URI is not the response URI; an `x509_san_dns:` client whose
/// response URI is on another host; a missing `state` when a credential is requested without
/// holder binding (§5.3).
///
/// [`verify_request_object`]: super::verify_request_object
///
/// ```
/// use myna_vc_core::dcql::DcqlQuery;
/// use myna_vc_core::oid4vp::{AuthorizationRequest, ClientId, RequestLink};
/// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
///     "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]}, "claims": [{"path": ["age_over_20"]}]}]}"#)?;
/// let client = ClientId::redirect_uri("https://shop.example/response")?;
/// let request = AuthorizationRequest::direct_post(client, "https://shop.example/response", query)?;
/// let url = request.to_url()?;
/// assert!(url.starts_with("openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fshop.example"));
///
/// let RequestLink::ByValue(received) = RequestLink::parse(&url)? else { unreachable!() };
/// assert_eq!(*received, request);
/// // The holder binds the presentation to these:
/// assert_eq!(received.kb_audience(), "redirect_uri:https://shop.example/response");
/// assert_eq!(received.nonce, request.nonce);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizationRequest {
    /// `client_id`.
    pub client_id: ClientId,
    /// `response_mode` (absent means `fragment`, the default of `vp_token`).
    pub response_mode: ResponseMode,
    /// `response_uri` (`direct_post`).
    pub response_uri: Option<String>,
    /// `redirect_uri` (`fragment`).
    pub redirect_uri: Option<String>,
    /// `nonce`: the KB-JWT `nonce`.
    pub nonce: Nonce,
    /// `state`, echoed in the response.
    pub state: Option<State>,
    /// `dcql_query`.
    pub dcql_query: DcqlQuery,
    /// `client_metadata`, passed through untouched.
    pub client_metadata: Option<Map<String, Value>>,
    /// `wallet_nonce` (a Request Object fetched with `request_uri_method=post`).
    pub wallet_nonce: Option<String>,
}

impl AuthorizationRequest {
    /// A `direct_post` request with a fresh 128-bit nonce and state.
    pub fn direct_post(client_id: ClientId, response_uri: &str, query: DcqlQuery) -> Result<Self> {
        let request = AuthorizationRequest {
            client_id,
            response_mode: ResponseMode::DirectPost,
            response_uri: Some(response_uri.to_owned()),
            redirect_uri: None,
            nonce: Nonce::random()?,
            state: Some(State::random()?),
            dcql_query: query,
            client_metadata: None,
            wallet_nonce: None,
        };
        request.check()?;
        Ok(request)
    }

    /// A `direct_post.jwt` request (HAIP's cross-device mode): like
    /// [`direct_post`](Self::direct_post), with `client_metadata` from
    /// [`client_metadata_for`](super::client_metadata_for)`(key, [A128GCM])` so the wallet
    /// encrypts its response to `key`.
    ///
    /// ```
    /// use myna_vc_core::dcql::DcqlQuery;
    /// use myna_vc_core::jwe::EncryptionKey;
    /// use myna_vc_core::oid4vp::{AuthorizationRequest, ClientId, RequestLink, ResponseMode};
    /// let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
    /// let key = EncryptionKey::generate()?;
    /// let client = ClientId::parse("x509_san_dns:shop.example")?;
    /// let request = AuthorizationRequest::direct_post_jwt(client, "https://shop.example/post", query, &key)?;
    /// assert_eq!(request.response_mode, ResponseMode::DirectPostJwt);
    /// let RequestLink::ByValue(received) = RequestLink::parse(&request.to_url()?)? else { unreachable!() };
    /// assert_eq!(*received, request);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn direct_post_jwt(
        client_id: ClientId,
        response_uri: &str,
        query: DcqlQuery,
        key: &EncryptionKey,
    ) -> Result<Self> {
        let mut request = Self::direct_post(client_id, response_uri, query)?;
        request.response_mode = ResponseMode::DirectPostJwt;
        request.client_metadata = Some(client_metadata_for(key, &[ContentEncryption::A128Gcm]));
        request.check()?;
        Ok(request)
    }

    /// The KB-JWT `aud` the verifier expects: the full `client_id`, prefix included (§B.3.6).
    pub fn kb_audience(&self) -> &str {
        self.client_id.as_str()
    }

    /// Where the wallet sends its response: `response_uri` for `direct_post`; for `fragment`,
    /// `redirect_uri` or, for a `redirect_uri:` client, its URI.
    ///
    /// ```
    /// # use myna_vc_core::{dcql::DcqlQuery, oid4vp::{AuthorizationRequest, ClientId}};
    /// # let query = DcqlQuery::from_json(br#"{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}"#)?;
    /// let client = ClientId::parse("x509_san_dns:shop.example")?;
    /// let request = AuthorizationRequest::direct_post(client, "https://shop.example/post", query)?;
    /// assert_eq!(request.response_target(), "https://shop.example/post");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn response_target(&self) -> &str {
        let explicit = match self.response_mode {
            ResponseMode::DirectPost | ResponseMode::DirectPostJwt => self.response_uri.as_deref(),
            ResponseMode::Fragment => self.redirect_uri.as_deref(),
            ResponseMode::DcApi | ResponseMode::DcApiJwt => None,
        };
        explicit.unwrap_or_else(|| self.client_id.original())
    }

    /// Checks the rules listed on the type.
    pub fn check(&self) -> Result<()> {
        let target = match self.response_mode {
            ResponseMode::DcApi | ResponseMode::DcApiJwt => {
                return Err(Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(
                    DC_API_MODE_IN_URL,
                )))
            }
            ResponseMode::DirectPost | ResponseMode::DirectPostJwt => {
                if self.redirect_uri.is_some() {
                    return Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                        "`redirect_uri` must not be present with response_mode direct_post",
                    )));
                }
                self.response_uri.as_deref()
            }
            ResponseMode::Fragment => {
                if self.response_uri.is_some() {
                    return Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                        "`response_uri` belongs to response_mode direct_post",
                    )));
                }
                self.redirect_uri.as_deref()
            }
        };
        self.check_target(target)?;
        if self.response_mode.is_encrypted() {
            require_usable_key(self.client_metadata.as_ref())?;
        }
        let unbound = self
            .dcql_query
            .credentials()
            .iter()
            .any(|c| !c.require_cryptographic_holder_binding());
        if unbound && self.state.is_none() {
            return Err(Error::Oid4vp(Oid4vpError::MissingParameter("state")));
        }
        Ok(())
    }

    /// The response URI against the client identifier (§5.9.3).
    fn check_target(&self, target: Option<&str>) -> Result<()> {
        let name = match self.response_mode {
            ResponseMode::Fragment => "redirect_uri",
            _ => "response_uri",
        };
        let client = &self.client_id;
        let Some(target) = target else {
            // A `redirect_uri:` client's URI is the target when the parameter is omitted.
            return match client.prefix() {
                ClientIdPrefix::RedirectUri => Ok(()),
                _ => Err(Error::Oid4vp(Oid4vpError::MissingParameter(name))),
            };
        };
        let host = check_https_uri(name, target)?;
        match client.prefix() {
            ClientIdPrefix::RedirectUri if client.original() != target => {
                Err(Error::Oid4vp(Oid4vpError::InvalidClientId(format!(
                    "a redirect_uri client must use its URI as {name}"
                ))))
            }
            ClientIdPrefix::X509SanDns if client.original() != host => {
                Err(Error::Oid4vp(Oid4vpError::InvalidClientId(format!(
                    "the {name} host must be the x509_san_dns name"
                ))))
            }
            _ => Ok(()),
        }
    }

    /// The request parameters as name/value strings (objects JSON-serialized, §5.1).
    fn to_params(&self) -> Result<Vec<(&'static str, String)>> {
        self.check()?;
        let mut params = vec![
            ("client_id", self.client_id.as_str().to_owned()),
            ("response_type", RESPONSE_TYPE.to_owned()),
            ("response_mode", self.response_mode.as_str().to_owned()),
        ];
        let optional = [
            ("response_uri", self.response_uri.clone()),
            ("redirect_uri", self.redirect_uri.clone()),
        ];
        params.extend(optional.into_iter().filter_map(|(n, v)| v.map(|v| (n, v))));
        params.push(("nonce", self.nonce.as_str().to_owned()));
        if let Some(state) = &self.state {
            params.push(("state", state.as_str().to_owned()));
        }
        params.push(("dcql_query", self.dcql_query.to_json()));
        if let Some(metadata) = &self.client_metadata {
            params.push((
                "client_metadata",
                Value::Object(metadata.clone()).to_string(),
            ));
        }
        if let Some(wallet_nonce) = &self.wallet_nonce {
            params.push(("wallet_nonce", wallet_nonce.clone()));
        }
        Ok(params)
    }

    /// The request as JSON members (the claims of a Request Object).
    pub(super) fn to_claims(&self) -> Result<Map<String, Value>> {
        let mut claims = Map::new();
        for (name, value) in self.to_params()? {
            claims.insert(name.to_owned(), Value::String(value));
        }
        claims.insert("dcql_query".into(), self.dcql_query.to_value());
        if let Some(metadata) = &self.client_metadata {
            claims.insert("client_metadata".into(), Value::Object(metadata.clone()));
        }
        Ok(claims)
    }

    /// The request by value as an `openid4vp://?…` URL.
    pub fn to_url(&self) -> Result<String> {
        self.to_url_at(SCHEME)
    }

    /// The request by value as a URL on another authorization endpoint (e.g. a wallet's
    /// universal link `https://wallet.example/authorize`).
    pub fn to_url_at(&self, endpoint: &str) -> Result<String> {
        let params = self.to_params()?;
        let pairs: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
        Ok(format!(
            "{}?{}",
            endpoint.trim_end_matches('?'),
            form::encode(&pairs)
        ))
    }

    /// Reads a request from JSON members: strings for every parameter, and for `dcql_query`
    /// and `client_metadata` an object (`from_url: false`, a Request Object) or JSON text
    /// (`from_url: true`, URL parameters).
    pub(super) fn from_members(members: &Map<String, Value>, from_url: bool) -> Result<Self> {
        if members.contains_key("transaction_data") {
            return Err(Error::Oid4vp(Oid4vpError::UnsupportedTransactionData));
        }
        match (
            members.contains_key("scope"),
            members.contains_key("dcql_query"),
        ) {
            (true, true) => {
                return Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                    "`dcql_query` and `scope` must not both be present",
                )))
            }
            (true, false) => {
                return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
                    name: "scope",
                    detail: "scope aliases of DCQL queries are not supported; send dcql_query"
                        .into(),
                }))
            }
            _ => {}
        }
        let response_type = string(members, "response_type")?.ok_or(Error::Oid4vp(
            Oid4vpError::MissingParameter("response_type"),
        ))?;
        if response_type != RESPONSE_TYPE {
            return Err(Error::Oid4vp(Oid4vpError::UnsupportedResponseType(
                response_type.chars().take(32).collect(),
            )));
        }
        let response_mode = match string(members, "response_mode")? {
            Some(mode) => ResponseMode::parse(mode)?,
            None => ResponseMode::Fragment,
        };
        let client_id = string(members, "client_id")?
            .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("client_id")))?;
        let nonce = string(members, "nonce")?
            .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("nonce")))?;
        let query = members
            .get("dcql_query")
            .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("dcql_query")))?;
        let dcql_query = match (query, from_url) {
            (Value::String(text), true) => DcqlQuery::from_json(text.as_bytes())?,
            (Value::Object(_), false) => DcqlQuery::from_value(query)?,
            _ => return Err(object_expected("dcql_query", from_url)),
        };
        let client_metadata = match (members.get("client_metadata"), from_url) {
            (None, _) => None,
            (Some(Value::String(text)), true) => {
                Some(json::parse_object(text.as_bytes(), "client_metadata")?)
            }
            (Some(Value::Object(object)), false) => Some(object.clone()),
            _ => return Err(object_expected("client_metadata", from_url)),
        };
        let request = AuthorizationRequest {
            client_id: ClientId::parse(client_id)?,
            response_mode,
            response_uri: string(members, "response_uri")?.map(str::to_owned),
            redirect_uri: string(members, "redirect_uri")?.map(str::to_owned),
            nonce: Nonce::parse(nonce)?,
            state: string(members, "state")?.map(State::parse).transpose()?,
            dcql_query,
            client_metadata,
            wallet_nonce: string(members, "wallet_nonce")?.map(str::to_owned),
        };
        request.check()?;
        Ok(request)
    }
}

fn object_expected(name: &'static str, from_url: bool) -> Error {
    let detail = if from_url {
        "must be JSON text in a URL parameter"
    } else {
        "must be a JSON object in a Request Object"
    };
    Error::Oid4vp(Oid4vpError::InvalidParameter {
        name,
        detail: detail.into(),
    })
}

fn string<'a>(members: &'a Map<String, Value>, name: &'static str) -> Result<Option<&'a str>> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name,
            detail: "must be a string".into(),
        })),
    }
}

/// `request_uri_method` (§5.1). See [`RequestLink`] for an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestUriMethod {
    /// `get` (also the meaning of an absent parameter).
    Get,
    /// `post`: the wallet may POST its metadata and a `wallet_nonce`.
    Post,
}

/// How an Authorization Request reaches the wallet (§5.4): by value in the URL, as a signed
/// Request Object by value (`request`), or by reference (`request_uri`).
///
/// ```
/// use myna_vc_core::oid4vp::{RequestLink, RequestUriMethod};
/// // The spec's by-reference example (§5.4).
/// let link = RequestLink::parse("openid4vp://?client_id=x509_san_dns%3Aclient.example.org\
///     &request_uri=https%3A%2F%2Fclient.example.org%2Frequest%2Fvapof4ql2i7m41m68uep&request_uri_method=post")?;
/// let RequestLink::ByReference { client_id, request_uri, method } = &link else { unreachable!() };
/// assert_eq!(client_id.as_str(), "x509_san_dns:client.example.org");
/// assert_eq!(request_uri, "https://client.example.org/request/vapof4ql2i7m41m68uep");
/// assert_eq!(*method, RequestUriMethod::Post);
/// assert_eq!(RequestLink::parse(&link.to_url()?)?, link);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum RequestLink {
    /// Every parameter in the URL.
    ByValue(Box<AuthorizationRequest>),
    /// `request`: a signed Request Object, to check with [`super::verify_request_object`].
    Signed {
        /// The URL's `client_id`; the Request Object's must be identical.
        client_id: ClientId,
        /// The compact JWT.
        request: String,
    },
    /// `request_uri`: where to fetch the signed Request Object.
    ByReference {
        /// The URL's `client_id`; the Request Object's must be identical.
        client_id: ClientId,
        /// The Request URI (https).
        request_uri: String,
        /// GET, or POST with wallet metadata.
        method: RequestUriMethod,
    },
}

impl RequestLink {
    /// Parses a link: anything up to the first `?` is the wallet's endpoint and ignored; the
    /// query carries the parameters. Repeated parameters are refused.
    pub fn parse(url: &str) -> Result<Self> {
        json::check_size(WHAT, url.len())?;
        let query = url
            .split_once('?')
            .map(|(_, q)| q)
            .ok_or(Error::Oid4vp(Oid4vpError::NoQuery))?;
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        let mut pairs = form::decode(query, WHAT)?;
        let request = form::take(&mut pairs, "request");
        let request_uri = form::take(&mut pairs, "request_uri");
        let method = form::take(&mut pairs, "request_uri_method");
        if method.is_some() && request_uri.is_none() {
            return Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "`request_uri_method` without `request_uri`",
            )));
        }
        let client_id = || {
            pairs
                .iter()
                .find(|(n, _)| n == "client_id")
                .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("client_id")))
                .and_then(|(_, v)| ClientId::parse(v))
        };
        match (request, request_uri) {
            (Some(_), Some(_)) => Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "`request` and `request_uri` must not both be present",
            ))),
            (Some(request), None) => Ok(RequestLink::Signed {
                client_id: client_id()?,
                request,
            }),
            (None, Some(request_uri)) => {
                check_https_uri("request_uri", &request_uri)?;
                let method = match method.as_deref() {
                    None | Some("get") => RequestUriMethod::Get,
                    Some("post") => RequestUriMethod::Post,
                    Some(_) => {
                        return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
                            name: "request_uri_method",
                            detail: "must be `get` or `post`".into(),
                        }))
                    }
                };
                Ok(RequestLink::ByReference {
                    client_id: client_id()?,
                    request_uri,
                    method,
                })
            }
            (None, None) => {
                let members = pairs
                    .into_iter()
                    .map(|(n, v)| (n, Value::String(v)))
                    .collect();
                AuthorizationRequest::from_members(&members, true)
                    .map(|r| RequestLink::ByValue(Box::new(r)))
            }
        }
    }

    /// The link as an `openid4vp://?…` URL.
    pub fn to_url(&self) -> Result<String> {
        self.to_url_at(SCHEME)
    }

    /// The link on another authorization endpoint.
    pub fn to_url_at(&self, endpoint: &str) -> Result<String> {
        let endpoint = endpoint.trim_end_matches('?');
        match self {
            RequestLink::ByValue(request) => request.to_url_at(endpoint),
            RequestLink::Signed { client_id, request } => Ok(format!(
                "{endpoint}?{}",
                form::encode(&[("client_id", client_id.as_str()), ("request", request)])
            )),
            RequestLink::ByReference {
                client_id,
                request_uri,
                method,
            } => {
                check_https_uri("request_uri", request_uri)?;
                let mut pairs = vec![
                    ("client_id", client_id.as_str()),
                    ("request_uri", request_uri),
                ];
                if *method == RequestUriMethod::Post {
                    pairs.push(("request_uri_method", "post"));
                }
                Ok(format!("{endpoint}?{}", form::encode(&pairs)))
            }
        }
    }
}
