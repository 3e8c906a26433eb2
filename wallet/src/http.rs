//! The transports over HTTP (feature `http`, blocking reqwest with rustls): [`HttpIssuer`]
//! for OpenID4VCI and anchoring.
//!
//! Endpoints used, relative to the issuer identifier unless the metadata names them:
//! `GET /.well-known/openid-credential-issuer`; the token endpoint from
//! `GET /.well-known/oauth-authorization-server` (else `/token`); the metadata's nonce and
//! credential endpoints; `POST /anchor/challenge` and `POST /anchor` (JSON) for anchoring.
//! Answers larger than 1 MiB are refused; an OAuth-style error body becomes
//! [`Error::Remote`] with its code and description.
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

use crate::error::{Error, Result};
use crate::receive::{AnchorAnswer, AnchorChallenge, AnchorGrant, IssuerTransport};

mod routes;

#[cfg(feature = "test-util")]
pub use routes::LoopbackRoute;
use routes::Routes;

const PARTY: &str = "issuer";

/// OpenID4VCI and anchoring over HTTP.
#[derive(Debug, Clone)]
pub struct HttpIssuer {
    client: Client,
    routes: Routes,
}

impl HttpIssuer {
    /// A client with a 30-second timeout.
    pub fn new() -> Result<Self> {
        let client = Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| remote(PARTY, e))?;
        Ok(HttpIssuer {
            client,
            routes: Routes::default(),
        })
    }

    /// Adds a demo/test-only [`LoopbackRoute`] (feature `test-util`).
    #[cfg(feature = "test-util")]
    pub fn with_loopback_route(mut self, route: LoopbackRoute) -> Self {
        self.routes.push(route);
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
        let found = send(self.client.get(self.routes.url(&url)), PARTY)
            .ok()
            .and_then(|body| serde_json::from_slice::<serde_json::Value>(&body).ok())
            .and_then(|v| v.get("token_endpoint")?.as_str().map(str::to_owned));
        self.routes
            .url(&found.unwrap_or_else(|| format!("{}/token", server.trim_end_matches('/'))))
    }
}

pub(crate) fn remote(party: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Remote {
        party,
        detail: e.to_string(),
    }
}

/// Sends `request` and reads at most 1 MiB of the answer; a non-2xx status is
/// [`Error::Remote`] with the OAuth error if the body is one.
pub(crate) fn send(request: RequestBuilder, party: &'static str) -> Result<Vec<u8>> {
    let response = request.send().map_err(|e| remote(party, e))?;
    let status = response.status();
    let mut body = Vec::new();
    response
        .take(u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut body)
        .map_err(|e| remote(party, e))?;
    if body.len() > MAX_INPUT_BYTES {
        return Err(remote(party, "answer larger than 1 MiB"));
    }
    if !status.is_success() {
        let detail = match ErrorResponse::from_json(&body) {
            Ok(error) => format!(
                "{} ({}): {}",
                error.error,
                status.as_u16(),
                error.error_description.unwrap_or_default()
            ),
            Err(_) => format!("HTTP {}", status.as_u16()),
        };
        return Err(remote(party, detail));
    }
    Ok(body)
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
    fn metadata(&self, issuer: &IssuerId) -> Result<CredentialIssuerMetadata> {
        let body = send(
            self.client
                .get(self.routes.url(&endpoint(issuer, WELL_KNOWN_ISSUER_PATH))),
            PARTY,
        )?;
        Ok(CredentialIssuerMetadata::from_json(&body)?)
    }

    fn token(
        &self,
        issuer: &CredentialIssuerMetadata,
        request: &TokenRequest,
    ) -> Result<TokenResponse> {
        let request = self
            .client
            .post(self.token_endpoint(issuer))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(request.to_form()?);
        Ok(TokenResponse::from_json(&send(request, PARTY)?)?)
    }

    fn nonce(&self, issuer: &CredentialIssuerMetadata) -> Result<NonceResponse> {
        let url = issuer
            .nonce_endpoint
            .clone()
            .ok_or_else(|| remote(PARTY, "the issuer has no nonce endpoint"))?;
        Ok(NonceResponse::from_json(&send(
            self.client.post(self.routes.url(&url)),
            PARTY,
        )?)?)
    }

    fn credential(
        &self,
        issuer: &CredentialIssuerMetadata,
        token: &AccessToken,
        request: &CredentialRequest,
    ) -> Result<CredentialResponse> {
        let post = self
            .client
            .post(self.routes.url(&issuer.credential_endpoint))
            .bearer_auth(token.as_str())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(request.to_json()?);
        Ok(CredentialResponse::from_json(&send(post, PARTY)?)?)
    }

    fn anchor_challenge(&self, issuer: &IssuerId) -> Result<AnchorChallenge> {
        let body = send(
            self.client
                .post(self.routes.url(&endpoint(issuer, "/anchor/challenge"))),
            PARTY,
        )?;
        parse_json(&body, "anchor challenge")
    }

    fn anchor(&self, issuer: &IssuerId, answer: &AnchorAnswer) -> Result<AnchorGrant> {
        let url = self.routes.url(&endpoint(issuer, "/anchor"));
        let post = json_body(self.client.post(url), answer)?;
        parse_json(&send(post, PARTY)?, "anchor grant")
    }

    /// `POST {issuer}/refresh-offers` with `{"credential": configuration}`; the answer's
    /// `credential_offer`.
    fn refresh_offer(&self, issuer: &IssuerId, configuration: &str) -> Result<CredentialOffer> {
        let url = self.routes.url(&endpoint(issuer, "/refresh-offers"));
        let body = serde_json::json!({ "credential": configuration });
        let answer: serde_json::Value = parse_json(
            &send(json_body(self.client.post(url), &body)?, PARTY)?,
            "refresh offer",
        )?;
        let offer = answer
            .get("credential_offer")
            .ok_or_else(|| remote(PARTY, "the refresh answer has no credential_offer"))?;
        Ok(CredentialOffer::from_json(offer.to_string().as_bytes())?)
    }
}

/// The consent registry over HTTP (the issuer service's routes), with its key pinned by the
/// wallet.
///
/// `POST {base}/consents` with `{"record": …}` answers `{"receipt": …, …}`;
/// `POST {base}/consents/actions` with `{"action": …}`; `POST {base}/consents/use` with
/// `{"report": …}` (the consent id is inside each signed JWT); the status list is fetched
/// from its URI (`GET`, a `statuslist+jwt`).
#[derive(Debug, Clone)]
pub struct HttpRegistry {
    client: Client,
    base: String,
    key: myna_vc_core::crypto::PublicKey,
    routes: Routes,
}

const REGISTRY: &str = "consent registry";

impl HttpRegistry {
    /// The registry at `base` (e.g. `https://city.example`), whose receipts and lists `key`
    /// signs.
    pub fn new(base: &str, key: myna_vc_core::crypto::PublicKey) -> Result<Self> {
        let client = Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| remote(REGISTRY, e))?;
        Ok(HttpRegistry {
            client,
            base: base.trim_end_matches('/').to_owned(),
            key,
            routes: Routes::default(),
        })
    }

    /// Adds a demo/test-only [`LoopbackRoute`] (for the base and the status list URIs;
    /// feature `test-util`).
    #[cfg(feature = "test-util")]
    pub fn with_loopback_route(mut self, route: LoopbackRoute) -> Self {
        self.routes.push(route);
        self
    }

    fn post(&self, path: &str, member: &str, jwt: &str) -> Result<Vec<u8>> {
        let body = serde_json::json!({ member: jwt });
        let url = self.routes.url(&format!("{}{path}", self.base));
        send(json_body(self.client.post(url), &body)?, REGISTRY)
    }
}

impl crate::consent::ConsentRegistry for HttpRegistry {
    fn registry_key(&self) -> &myna_vc_core::crypto::PublicKey {
        &self.key
    }

    fn register(&self, record: &str) -> Result<String> {
        let body = self.post("/consents", "record", record)?;
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
        let body = send(
            self.client
                .get(self.routes.url(uri.as_str()))
                .header(reqwest::header::ACCEPT, "application/statuslist+jwt"),
            REGISTRY,
        )?;
        String::from_utf8(body).map_err(|_| remote(REGISTRY, "the status list is not UTF-8"))
    }
}

/// Status lists fetched over HTTP from their URIs when a credential is checked.
#[derive(Debug, Clone)]
pub struct HttpStatus {
    client: Client,
    routes: Routes,
}

impl HttpStatus {
    /// A fetcher with a 30-second timeout.
    pub fn new() -> Result<Self> {
        let client = Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| remote(PARTY, e))?;
        Ok(HttpStatus {
            client,
            routes: Routes::default(),
        })
    }

    /// Adds a demo/test-only [`LoopbackRoute`] (feature `test-util`).
    #[cfg(feature = "test-util")]
    pub fn with_loopback_route(mut self, route: LoopbackRoute) -> Self {
        self.routes.push(route);
        self
    }

    /// The Status List Token published at `uri`, as fetched (not verified: a verifier's
    /// status cache verifies it against its trust list when storing it).
    pub fn token(&self, uri: &myna_vc_core::status_list::StatusListUri) -> Result<String> {
        let body = send(
            self.client
                .get(self.routes.url(uri.as_str()))
                .header(reqwest::header::ACCEPT, "application/statuslist+jwt"),
            PARTY,
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
