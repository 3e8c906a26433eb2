//! The issuer's admin API as a client sees it: where the service is, the bearer token read
//! from a file, and the service's refusals turned into errors that say what to do.
//!
//! The token travels only in the `Authorization` header of requests to an `https` URL, or to
//! a plain-`http` URL on this machine's loopback interface (the operator's own service); it is
//! never printed, never part of an error, and zeroized when the client is dropped.

use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::{StatusCode, Url};
use serde_json::Value;
use zeroize::Zeroizing;

/// How long one request may take, connection included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest answer read from the service (a full audit page is far smaller).
const MAX_RESPONSE_BYTES: u64 = 16 << 20;

/// Where the admin API is and which token to use: the flags every admin call shares.
#[derive(Debug, Clone, clap::Args)]
pub struct Connection {
    /// The issuer service's base URL, e.g. `https://vc.city.maebashi.example`. Plain http is
    /// accepted only for a loopback address (`http://127.0.0.1:8080`, `http://[::1]:8080`): the
    /// operator's own service on this machine; anything else would send the admin token
    /// across the network in clear.
    #[arg(long, env = "MYNA_ADMIN_URL", value_name = "URL")]
    pub url: String,
    /// A file whose first line is the admin bearer token (`myna issuer init` makes one per
    /// role and trustee). Never given on the command line: flags show in `ps`.
    #[arg(long, env = "MYNA_ADMIN_TOKEN_FILE", value_name = "FILE")]
    pub token_file: PathBuf,
    /// A PEM file of the certificate authority that signed the service's TLS certificate,
    /// for a service behind a private CA (trusted in addition to the public CAs).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

/// What a call is for, so that a refusal can say what was not allowed and what was missing.
#[derive(Debug, Clone, Copy)]
pub struct Purpose {
    /// What the caller tried, as in "this token's role may not {action}".
    pub action: &'static str,
    /// The role(s) allowed to, with the article, as in "use {role} token" ("an operator").
    pub role: &'static str,
    /// What a 404 means here, as in "the issuer knows no such {object}".
    pub object: &'static str,
}

/// A connected admin client: base URL, HTTP client and token.
pub struct AdminClient {
    base: Url,
    http: Client,
    token: Zeroizing<String>,
    token_file: PathBuf,
}

impl std::fmt::Debug for AdminClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AdminClient({}, <token redacted>)", self.base)
    }
}

impl AdminClient {
    /// Checks the URL, reads the token and builds the HTTP client.
    pub fn connect(connection: &Connection) -> Result<Self> {
        let base = checked_base_url(&connection.url)?;
        let token = read_token(&connection.token_file)?;
        let mut builder = Client::builder()
            .use_rustls_tls()
            .timeout(REQUEST_TIMEOUT)
            // A redirect could carry the request elsewhere; the admin API never redirects.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = &connection.ca_cert {
            for certificate in ca_certificates(path)? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build().context("setting up the HTTP client")?;
        Ok(AdminClient {
            base,
            http,
            token: Zeroizing::new(token),
            token_file: connection.token_file.clone(),
        })
    }

    /// The full URL of `path` (which starts with `/`) under the base URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.as_str().trim_end_matches('/'))
    }

    /// `GET path`, answering the JSON body.
    pub fn get(&self, path: &str, purpose: Purpose) -> Result<Value> {
        self.send(self.http.get(self.url(path)), path, purpose)
    }

    /// `POST path` with a JSON body, answering the JSON body.
    pub fn post_json(&self, path: &str, body: &Value, purpose: Purpose) -> Result<Value> {
        let request = self
            .http
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        self.send(request, path, purpose)
    }

    /// `POST path` with a body of the given content type, answering the JSON body.
    pub fn post_bytes(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        purpose: Purpose,
    ) -> Result<Value> {
        let request = self
            .http
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.send(request, path, purpose)
    }

    fn send(&self, request: RequestBuilder, path: &str, purpose: Purpose) -> Result<Value> {
        // `bearer_auth` marks the header sensitive: it is left out of reqwest's Debug output.
        let response = request
            .bearer_auth(self.token.as_str())
            .send()
            .with_context(|| format!("cannot reach the issuer's admin API at {}", self.base))?;
        let status = response.status();
        let mut body = Vec::new();
        response
            .take(MAX_RESPONSE_BYTES)
            .read_to_end(&mut body)
            .with_context(|| format!("reading the issuer's answer to {path}"))?;
        if status.is_success() {
            return serde_json::from_slice(&body).with_context(|| {
                format!("the issuer's answer to {path} (HTTP {status}) is not JSON")
            });
        }
        Err(self.refusal(status, &body, path, purpose))
    }

    /// The error for a refused call: what it means for this call (outermost), caused by what
    /// the service said.
    fn refusal(
        &self,
        status: StatusCode,
        body: &[u8],
        path: &str,
        purpose: Purpose,
    ) -> anyhow::Error {
        let answer = Refusal::parse(status, body);
        let meaning = match (status, answer.is_missing_route()) {
            (StatusCode::UNAUTHORIZED, _) => format!(
                "the issuer does not accept the token in {}: it is not one of its admin tokens \
                 (check the file and --url; `myna issuer init` made the tokens)",
                self.token_file.display()
            ),
            (StatusCode::FORBIDDEN, _) => format!(
                "this token's role may not {}: use {} token",
                purpose.action, purpose.role
            ),
            (StatusCode::NOT_FOUND, true) => format!(
                "the issuer at {} has no admin route {path}: is --url the issuer service, and \
                 is the service as new as this `myna`?",
                self.base
            ),
            (StatusCode::NOT_FOUND, false) => {
                format!("the issuer knows no such {}", purpose.object)
            }
            (StatusCode::SERVICE_UNAVAILABLE, _) => format!(
                "the issuer cannot {} now (see its configuration)",
                purpose.action
            ),
            _ => format!("the issuer refused to {}", purpose.action),
        };
        anyhow::Error::new(answer).context(meaning)
    }
}

/// A refusal as the service answered it: the HTTP status and its OAuth-style error body
/// (`error`, `error_description`). The innermost cause of a refused call's error.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    error: Option<String>,
    description: Option<String>,
}

impl Refusal {
    fn parse(status: StatusCode, body: &[u8]) -> Self {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|v| v.get(name))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        Refusal {
            status,
            error: field("error"),
            description: field("error_description"),
        }
    }

    /// Whether the service has no such route at all (an older service, or not the issuer):
    /// the issuer's fallback answer, or a 404 without the issuer's error body.
    pub fn is_missing_route(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
            && (self.error.is_none() || self.description.as_deref() == Some("route not found"))
    }
}

impl std::error::Error for Refusal {}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the issuer answered HTTP {}", self.status)?;
        if let Some(error) = &self.error {
            write!(f, ": {error}")?;
        }
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        }
        Ok(())
    }
}

/// The base URL, if the token may be sent to it: `https`, or `http` to a loopback address.
/// No user name, password, query or fragment (a token or secret has no place in a URL).
///
/// ```
/// use myna::admin::client::checked_base_url;
/// assert!(checked_base_url("https://vc.city.maebashi.example").is_ok());
/// assert!(checked_base_url("http://127.0.0.1:8080").is_ok());
/// assert!(checked_base_url("http://[::1]:8080/").is_ok());
/// assert!(checked_base_url("http://vc.city.maebashi.example").is_err());
/// assert!(checked_base_url("http://192.0.2.7:8080").is_err());
/// ```
pub fn checked_base_url(text: &str) -> Result<Url> {
    let url = Url::parse(text).with_context(|| format!("--url {text} is not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        bail!("--url must not carry a user name or password; the token comes from --token-file");
    }
    if url.query().is_some() || url.fragment().is_some() {
        bail!("--url is the service's base URL, without a query or fragment");
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(anyhow!(
            "refusing --url {url}: plain http would send the admin token across the network \
             in clear. Use https:// (with --ca-cert FILE for a private CA), or http:// only to \
             the service on this machine (http://127.0.0.1:PORT or http://[::1]:PORT)"
        )),
        other => Err(anyhow!(
            "--url must be https:// (or http:// on loopback), not {other}://"
        )),
    }
}

/// Whether the URL's host is a loopback IP address (a name could resolve anywhere).
fn is_loopback(url: &Url) -> bool {
    // An IPv6 host is written in brackets; a name does not parse as an address.
    url.host_str()
        .map(|host| host.trim_start_matches('[').trim_end_matches(']'))
        .and_then(|host| host.parse::<IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback())
}

/// The token: the file's first line, trimmed. The error never quotes the file.
fn read_token(path: &Path) -> Result<String> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the token file {}", path.display()))?,
    );
    let token = text.lines().next().unwrap_or_default().trim();
    if token.is_empty() {
        bail!(
            "the token file {} is empty: put the admin token on its first line",
            path.display()
        );
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        bail!(
            "the first line of {} is not an admin token (tokens are printable ASCII without spaces)",
            path.display()
        );
    }
    Ok(token.to_owned())
}

/// The certificates of a PEM file (one or more), for `--ca-cert`.
fn ca_certificates(path: &Path) -> Result<Vec<reqwest::Certificate>> {
    let pem = std::fs::read(path)
        .with_context(|| format!("cannot read the CA certificate file {}", path.display()))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .with_context(|| format!("{} is not a PEM certificate file", path.display()))?;
    if certificates.is_empty() {
        bail!(
            "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        );
    }
    Ok(certificates)
}
