//! The transports over HTTP (feature `http`, blocking reqwest with rustls): [`HttpVerifier`]
//! (a presentation posted to a verifier's `response_uri`, encrypted when it asks), [`HttpIssuer`]
//! for OpenID4VCI and anchoring.
//!
//! Endpoints used, relative to the issuer identifier unless the metadata names them:
//! `GET /.well-known/openid-credential-issuer`; the token endpoint from
//! `GET /.well-known/oauth-authorization-server` (else `/token`); the metadata's nonce and
//! credential endpoints; `POST /anchor/challenge` and `POST /anchor` (JSON) for anchoring;
//! `POST /refresh-offers` and `POST /pseudonym-offers` for self-service offers.
//! Answers larger than 1 MiB are refused.
//!
//! Every transport takes [`HttpOptions`]: extra certificate authorities to trust (a private
//! CA), an [`InsecureLoopbackRoute`] for a development service without TLS on this machine,
//! the timeout. A request that fails is [`Error::Transport`] naming its
//! [cause](crate::TransportCause) — the host not found (DNS), the connection refused, the
//! server's certificate not trusted or another TLS failure, a timeout, or an HTTP error status
//! with the OAuth-style error body — and metadata naming another issuer than the one asked is
//! [`Error::WrongIssuer`].
//!
//! ```no_run
//! use myna_wallet::http::HttpIssuer;
//! use myna_wallet::receive::IssuerTransport;
//! use myna_vc_core::oid4vci::IssuerId;
//! let issuer = HttpIssuer::new()?;
//! let metadata = issuer.metadata(&IssuerId::new("https://city.example")?)?;
//! println!("batch size {}", metadata.batch_size());
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use std::io::Read;
use std::time::Duration;

use myna_vc_core::json::MAX_INPUT_BYTES;
use myna_vc_core::oid4vci::{
    AccessToken, CredentialIssuerMetadata, CredentialOffer, CredentialRequest, CredentialResponse,
    ErrorResponse, IssuerId, Message, NonceResponse, TokenRequest, TokenResponse,
    WELL_KNOWN_ISSUER_PATH,
};
use reqwest::blocking::{Client, RequestBuilder};
use serde::{de::DeserializeOwned, Serialize};

use crate::error::{Error, Result, TransportCause};
use crate::receive::{AnchorAnswer, AnchorChallenge, AnchorGrant, IssuerTransport};

mod diagnosis;
mod options;
mod routes;

pub use options::{HttpOptions, DEFAULT_TIMEOUT};
use routes::Routes;
pub use routes::{InsecureLoopbackRoute, LoopbackRoute};

const PARTY: &str = "issuer";

/// One party's HTTP client: where its requests go, how long they may take, and how a failure
/// is named.
#[derive(Debug, Clone)]
struct Channel {
    client: Client,
    routes: Routes,
    timeout: Duration,
    party: &'static str,
}

impl Channel {
    fn new(options: &HttpOptions, party: &'static str) -> Result<Self> {
        Ok(Channel {
            client: options.client()?,
            routes: options.routes(),
            timeout: options.timeout(),
            party,
        })
    }

    fn get(&self, url: &str) -> RequestBuilder {
        self.client.get(self.routes.url(url))
    }

    fn post(&self, url: &str) -> RequestBuilder {
        self.client.post(self.routes.url(url))
    }

    /// Sends `request` and reads at most 1 MiB of the answer. A failure to reach the party is
    /// [`Error::Transport`] with its cause; a non-2xx status is [`Error::Transport`] with
    /// [`TransportCause::Status`] and the OAuth error if the body is one.
    fn send(&self, request: RequestBuilder) -> Result<Vec<u8>> {
        let response = request.send().map_err(|e| Error::Transport {
            party: self.party,
            url: url_of(e.url()),
            cause: diagnosis::cause(&e, self.timeout),
        })?;
        let status = response.status();
        let url = url_of(Some(response.url()));
        let mut body = Vec::new();
        response
            .take(u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX) + 1)
            .read_to_end(&mut body)
            .map_err(|e| Error::Transport {
                party: self.party,
                url: url.clone(),
                cause: diagnosis::io_cause(&e, self.timeout),
            })?;
        if body.len() > MAX_INPUT_BYTES {
            return Err(remote(self.party, "answer larger than 1 MiB"));
        }
        if !status.is_success() {
            let oauth = ErrorResponse::from_json(&body).ok();
            return Err(Error::Transport {
                party: self.party,
                url,
                cause: TransportCause::Status {
                    status: status.as_u16(),
                    error: oauth.as_ref().map(|o| o.error.to_string()),
                    description: oauth.and_then(|o| o.error_description),
                },
            });
        }
        Ok(body)
    }
}

/// Scheme, host, port and path of `url` (never its query, which might carry a code).
fn url_of(url: Option<&reqwest::Url>) -> String {
    url.map_or_else(String::new, |url| {
        format!("{}{}", url.origin().ascii_serialization(), url.path())
    })
}

/// OpenID4VCI and anchoring over HTTP.
#[derive(Debug, Clone)]
pub struct HttpIssuer {
    channel: Channel,
}

impl HttpIssuer {
    /// A client with the [default options](HttpOptions::new): public roots, 30-second timeout.
    pub fn new() -> Result<Self> {
        Self::new_with(&HttpOptions::new())
    }

    /// A client with `options` (extra CA roots, insecure loopback routes, timeout).
    pub fn new_with(options: &HttpOptions) -> Result<Self> {
        Ok(HttpIssuer {
            channel: Channel::new(options, PARTY)?,
        })
    }

    /// Adds an [`InsecureLoopbackRoute`] (**development only**; see
    /// [`HttpOptions::with_insecure_loopback_route`]).
    pub fn with_loopback_route(mut self, route: InsecureLoopbackRoute) -> Self {
        self.channel.routes.push(route);
        self
    }

    fn token_endpoint(&self, metadata: &CredentialIssuerMetadata) -> String {
        let server = metadata
            .authorization_servers
            .as_ref()
            .and_then(|servers| servers.first())
            .map_or(metadata.credential_issuer.as_str(), String::as_str);
        let url = format!(
            "{}/.well-known/oauth-authorization-server",
            server.trim_end_matches('/')
        );
        let found = self
            .channel
            .send(self.channel.get(&url))
            .ok()
            .and_then(|body| serde_json::from_slice::<serde_json::Value>(&body).ok())
            .and_then(|v| v.get("token_endpoint")?.as_str().map(str::to_owned));
        found.unwrap_or_else(|| format!("{}/token", server.trim_end_matches('/')))
    }

    /// `POST {issuer}{path}` with a JSON body; the answer's `credential_offer`.
    fn offer(
        &self,
        issuer: &IssuerId,
        path: &str,
        body: &serde_json::Value,
        what: &'static str,
    ) -> Result<CredentialOffer> {
        let post = json_body(self.channel.post(&endpoint(issuer, path)), body)?;
        let answer: serde_json::Value = parse_json(&self.channel.send(post)?, what)?;
        let offer = answer
            .get("credential_offer")
            .ok_or_else(|| remote(PARTY, format!("the {what} answer has no credential_offer")))?;
        Ok(CredentialOffer::from_json(offer.to_string().as_bytes())?)
    }
}

pub(crate) fn remote(party: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Remote {
        party,
        detail: e.to_string(),
    }
}

pub(crate) fn json_body<T: Serialize>(request: RequestBuilder, body: &T) -> Result<RequestBuilder> {
    let text =
        serde_json::to_vec(body).map_err(|e| Error::invalid("request body", e.to_string()))?;
    Ok(request
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(text))
}

pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8], what: &'static str) -> Result<T> {
    let value = myna_vc_core::json::parse(bytes, what)?;
    serde_json::from_value(value).map_err(|e| remote(PARTY, format!("{what}: {e}")))
}

fn endpoint(issuer: &IssuerId, path: &str) -> String {
    format!("{}{path}", issuer.as_str().trim_end_matches('/'))
}

impl IssuerTransport for HttpIssuer {
    /// The metadata at `{issuer}/.well-known/openid-credential-issuer`; metadata naming
    /// another `credential_issuer` is [`Error::WrongIssuer`].
    fn metadata(&self, issuer: &IssuerId) -> Result<CredentialIssuerMetadata> {
        let url = endpoint(issuer, WELL_KNOWN_ISSUER_PATH);
        let body = self.channel.send(self.channel.get(&url))?;
        let metadata = CredentialIssuerMetadata::from_json(&body)?;
        if metadata.credential_issuer != *issuer {
            return Err(Error::WrongIssuer {
                expected: issuer.as_str().to_owned(),
                found: metadata.credential_issuer.as_str().to_owned(),
            });
        }
        Ok(metadata)
    }

    fn token(
        &self,
        issuer: &CredentialIssuerMetadata,
        request: &TokenRequest,
    ) -> Result<TokenResponse> {
        let request = self
            .channel
            .post(&self.token_endpoint(issuer))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(request.to_form()?);
        Ok(TokenResponse::from_json(&self.channel.send(request)?)?)
    }

    fn nonce(&self, issuer: &CredentialIssuerMetadata) -> Result<NonceResponse> {
        let url = issuer
            .nonce_endpoint
            .clone()
            .ok_or_else(|| remote(PARTY, "the issuer has no nonce endpoint"))?;
        Ok(NonceResponse::from_json(
            &self.channel.send(self.channel.post(&url))?,
        )?)
    }

    fn credential(
        &self,
        issuer: &CredentialIssuerMetadata,
        token: &AccessToken,
        request: &CredentialRequest,
    ) -> Result<CredentialResponse> {
        let post = self
            .channel
            .post(&issuer.credential_endpoint)
            .bearer_auth(token.as_str())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(request.to_json()?);
        Ok(CredentialResponse::from_json(&self.channel.send(post)?)?)
    }

    fn anchor_challenge(&self, issuer: &IssuerId) -> Result<AnchorChallenge> {
        let url = endpoint(issuer, "/anchor/challenge");
        let body = self.channel.send(self.channel.post(&url))?;
        parse_json(&body, "anchor challenge")
    }

    fn anchor(&self, issuer: &IssuerId, answer: &AnchorAnswer) -> Result<AnchorGrant> {
        let post = json_body(self.channel.post(&endpoint(issuer, "/anchor")), answer)?;
        parse_json(&self.channel.send(post)?, "anchor grant")
    }

    /// `POST {issuer}/refresh-offers` with `{"credential": configuration}`; the answer's
    /// `credential_offer`.
    fn refresh_offer(&self, issuer: &IssuerId, configuration: &str) -> Result<CredentialOffer> {
        let body = serde_json::json!({ "credential": configuration });
        self.offer(issuer, "/refresh-offers", &body, "refresh offer")
    }

    /// `POST {issuer}/pseudonym-offers` with `{"context": context}`; the answer's
    /// `credential_offer`.
    fn pseudonym_offer(&self, issuer: &IssuerId, context: &str) -> Result<CredentialOffer> {
        let body = serde_json::json!({ "context": context });
        self.offer(issuer, "/pseudonym-offers", &body, "pseudonym offer")
    }
}

/// The consent registry over HTTP (the issuer service's routes), with its key pinned by the
/// wallet.
///
/// `POST {base}/consents` with `{"record": …, "holder_proof": …}` (the proof only when the
/// wallet has one) answers `{"receipt": …, …}`; a holder the registry does not know is 403
/// `unknown_holder`, one over its quota of active consents 409 `consent_quota`;
/// `POST {base}/consents/actions` with `{"action": …}`; `POST {base}/consents/use` with
/// `{"report": …}` (the consent id is inside each signed JWT); the status list is fetched
/// from its URI (`GET`, a `statuslist+jwt`).
#[derive(Debug, Clone)]
pub struct HttpRegistry {
    channel: Channel,
    base: String,
    key: myna_vc_core::crypto::PublicKey,
}

const REGISTRY: &str = "consent registry";

impl HttpRegistry {
    /// The registry at `base` (e.g. `https://city.example`), whose receipts and lists `key`
    /// signs, with the [default options](HttpOptions::new).
    pub fn new(base: &str, key: myna_vc_core::crypto::PublicKey) -> Result<Self> {
        Self::new_with(base, key, &HttpOptions::new())
    }

    /// The registry at `base` with `options` (extra CA roots, insecure loopback routes for
    /// the base and the status list URIs, timeout).
    pub fn new_with(
        base: &str,
        key: myna_vc_core::crypto::PublicKey,
        options: &HttpOptions,
    ) -> Result<Self> {
        Ok(HttpRegistry {
            channel: Channel::new(options, REGISTRY)?,
            base: base.trim_end_matches('/').to_owned(),
            key,
        })
    }

    /// Adds an [`InsecureLoopbackRoute`] (for the base and the status list URIs;
    /// **development only**).
    pub fn with_loopback_route(mut self, route: InsecureLoopbackRoute) -> Self {
        self.channel.routes.push(route);
        self
    }

    fn post(&self, path: &str, member: &str, jwt: &str) -> Result<Vec<u8>> {
        self.post_json(path, &serde_json::json!({ member: jwt }))
    }

    fn post_json(&self, path: &str, body: &serde_json::Value) -> Result<Vec<u8>> {
        let url = format!("{}{path}", self.base);
        self.channel.send(json_body(self.channel.post(&url), body)?)
    }
}

impl crate::consent::ConsentRegistry for HttpRegistry {
    fn registry_key(&self) -> &myna_vc_core::crypto::PublicKey {
        &self.key
    }

    fn register(&self, record: &str, holder_proof: Option<&str>) -> Result<String> {
        let body = match holder_proof {
            Some(proof) => serde_json::json!({ "record": record, "holder_proof": proof }),
            None => serde_json::json!({ "record": record }),
        };
        let body = self.post_json("/consents", &body)?;
        let answer: serde_json::Value = parse_json(&body, "consent receipt")?;
        answer
            .get("receipt")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| remote(REGISTRY, "the answer has no receipt"))
    }

    fn act(&self, _: &myna_vc_core::consent::ConsentId, request: &str) -> Result<()> {
        self.post("/consents/actions", "action", request).map(drop)
    }

    fn report_use(&self, _: &myna_vc_core::consent::ConsentId, report: &str) -> Result<()> {
        self.post("/consents/use", "report", report).map(drop)
    }

    fn status_list(&self, uri: &myna_vc_core::status_list::StatusListUri) -> Result<String> {
        let body = self.channel.send(
            self.channel
                .get(uri.as_str())
                .header(reqwest::header::ACCEPT, "application/statuslist+jwt"),
        )?;
        String::from_utf8(body).map_err(|_| remote(REGISTRY, "the status list is not UTF-8"))
    }
}

/// Status lists fetched over HTTP from their URIs when a credential is checked.
#[derive(Debug, Clone)]
pub struct HttpStatus {
    channel: Channel,
}

impl HttpStatus {
    /// A fetcher with the [default options](HttpOptions::new).
    pub fn new() -> Result<Self> {
        Self::new_with(&HttpOptions::new())
    }

    /// A fetcher with `options` (extra CA roots, insecure loopback routes, timeout).
    pub fn new_with(options: &HttpOptions) -> Result<Self> {
        Ok(HttpStatus {
            channel: Channel::new(options, PARTY)?,
        })
    }

    /// Adds an [`InsecureLoopbackRoute`] (**development only**).
    pub fn with_loopback_route(mut self, route: InsecureLoopbackRoute) -> Self {
        self.channel.routes.push(route);
        self
    }

    /// The Status List Token published at `uri`, as fetched (not verified: a verifier's
    /// status cache verifies it against its trust list when storing it).
    pub fn token(&self, uri: &myna_vc_core::status_list::StatusListUri) -> Result<String> {
        let body = self.channel.send(
            self.channel
                .get(uri.as_str())
                .header(reqwest::header::ACCEPT, "application/statuslist+jwt"),
        )?;
        String::from_utf8(body).map_err(|_| remote(PARTY, "the status list is not UTF-8"))
    }
}

impl crate::receipt::StatusSource for HttpStatus {
    fn status_list(
        &self,
        uri: &myna_vc_core::status_list::StatusListUri,
        key: &myna_vc_core::crypto::PublicKey,
        now: myna_vc_core::time::NumericDate,
    ) -> Result<myna_vc_core::status_list::VerifiedStatusList> {
        let token = self.token(uri)?;
        let tokens = crate::receipt::StatusTokens::new().with(uri, token);
        crate::receipt::StatusSource::status_list(&tokens, uri, key, now)
    }
}

/// A verifier's `response_uri` over HTTP: where a cross-device presentation is posted
/// (OpenID4VP `direct_post` / `direct_post.jwt`).
///
/// ```no_run
/// use myna_wallet::http::HttpVerifier;
/// use myna_vc_core::oid4vp::RequestLink;
/// let verifier = HttpVerifier::new()?;
/// # let (link, presentation): (&str, myna_wallet::present::Presentation) = todo!();
/// let RequestLink::ByValue(request) = RequestLink::parse(link)? else { return Ok(()) };
/// let answer = verifier.post_presentation(&request, &presentation)?;
/// println!("{answer}");
/// # Ok::<(), myna_wallet::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct HttpVerifier {
    channel: Channel,
}

const VERIFIER: &str = "verifier";

impl HttpVerifier {
    /// A client with the [default options](HttpOptions::new).
    ///
    /// ```
    /// assert!(myna_wallet::http::HttpVerifier::new().is_ok());
    /// ```
    pub fn new() -> Result<Self> {
        Self::new_with(&HttpOptions::new())
    }

    /// A client with `options` (extra CA roots, insecure loopback routes, timeout).
    ///
    /// ```
    /// use myna_wallet::http::{HttpOptions, HttpVerifier};
    /// assert!(HttpVerifier::new_with(&HttpOptions::new()).is_ok());
    /// ```
    pub fn new_with(options: &HttpOptions) -> Result<Self> {
        Ok(HttpVerifier {
            channel: Channel::new(options, VERIFIER)?,
        })
    }

    /// Adds an [`InsecureLoopbackRoute`] (**development only**).
    ///
    /// ```
    /// use myna_wallet::http::{HttpVerifier, InsecureLoopbackRoute};
    /// let route = InsecureLoopbackRoute::parse("https://shop.example=127.0.0.1:8443")?;
    /// let _ = HttpVerifier::new()?.with_loopback_route(route);
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn with_loopback_route(mut self, route: InsecureLoopbackRoute) -> Self {
        self.channel.routes.push(route);
        self
    }

    /// Posts `presentation` to `request`'s `response_uri` in the request's response mode —
    /// encrypted to the verifier's key for `direct_post.jwt`
    /// ([`Presentation::to_form_for`](crate::present::Presentation::to_form_for)) — and
    /// answers the verifier's JSON answer (`myna verify serve` answers its decision). A
    /// request without a `response_uri`, or one answered by redirect, is refused before
    /// anything is sent; an error status is [`Error::Transport`] with the verifier's error.
    ///
    /// ```no_run
    /// use myna_wallet::http::{HttpVerifier, InsecureLoopbackRoute};
    /// use myna_vc_core::oid4vp::RequestLink;
    /// # let presentation: myna_wallet::present::Presentation = todo!();
    /// let shop = HttpVerifier::new()?
    ///     .with_loopback_route(InsecureLoopbackRoute::parse("https://shop.example=127.0.0.1:8443")?);
    /// let link = "openid4vp://?client_id=…";
    /// if let RequestLink::ByValue(request) = RequestLink::parse(link)? {
    ///     let decision = shop.post_presentation(&request, &presentation)?;
    ///     assert!(decision.get("accepted").is_some());
    /// }
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn post_presentation(
        &self,
        request: &myna_vc_core::oid4vp::AuthorizationRequest,
        presentation: &crate::present::Presentation,
    ) -> Result<serde_json::Value> {
        let uri = request.response_uri.as_deref().ok_or_else(|| {
            Error::invalid(
                "presentation request",
                "it names no response_uri to post the answer to",
            )
        })?;
        let body = presentation.to_form_for(request)?;
        let post = self
            .channel
            .post(uri)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body);
        Ok(myna_vc_core::json::parse(
            &self.channel.send(post)?,
            "verifier answer",
        )?)
    }
}
