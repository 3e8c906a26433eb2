//! Presentations through the browser's Digital Credentials API (OpenID4VP Annex A): a shop's
//! own web page asks the browser (`navigator.credentials.get({digital: {requests: [{protocol,
//! data}]}})`), the browser asks the holder's wallet, and the page hands the wallet's answer to
//! the shop's server, which decides. The browser tells the wallet the page's origin, so the
//! presentation is bound to `origin:<origin>` (the KB-JWT `aud`, Annex A.4) rather than to a
//! `client_id`, and there is no `state` and no `response_uri`.
//!
//! A [`DcApiSession`] is one such pending presentation: the policy, the nonce, the page's
//! origin, the response mode and — for `dc_api.jwt`, the default ([`DcApiOptions::encrypt`],
//! as HAIP requires) — the ephemeral key the answer is encrypted to. It lives five minutes
//! ([`SESSION_TTL_SECS`]); a shop's server that answers the page's two calls (start, decide)
//! in different processes keeps it between them with [`DcApiSession::to_state`] (secret: it
//! holds the private key).
//!
//! [`DcApiSession::decide`] refuses, each with its own [`Reason`]: an answer after expiry
//! ([`Reason::SessionExpired`]), a plain answer to an encrypted request
//! ([`Reason::ResponseModeDowngrade`]), an answer encrypted to another key
//! ([`Reason::ResponseUndecryptable`]), a presentation bound to another origin
//! ([`Reason::NotBoundToRequest`]) and the same answer twice ([`Reason::Replayed`], the
//! nonce is single use).
//!
//! ```
//! use std::sync::Arc;
//! use myna_verifier::core::oid4vp::Origin;
//! use myna_verifier::core::time::NumericDate;
//! use myna_verifier::dc_api::{DcApiOptions, DcApiSession};
//! use myna_verifier::policy::age::AgeCheck;
//! let policy = AgeCheck::over_20()?;
//! let now = NumericDate::from_unix(1_800_000_000);
//! let origin = Origin::parse("https://shop.example")?;
//! let (request, session) = DcApiSession::start(&policy, origin, &DcApiOptions::default(), now)?;
//! assert_eq!(request["protocol"], "openid4vp-v1-unsigned");
//! assert_eq!(request["data"]["response_mode"], "dc_api.jwt");
//! assert_eq!(session.expires_at(), now.plus_seconds(300));
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use std::sync::Arc;

use serde_json::{json, Value};
use zeroize::Zeroizing;

use myna_vc_core::crypto::Signer;
use myna_vc_core::jwe::EncryptionKey;
use myna_vc_core::oid4vp::{ClientId, DcApiRequest, DcApiResponse, Nonce, Origin, ResponseMode};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{json as vc_json, Error, InputError, Oid4vpError, Result};

use crate::decision::{Decision, Reason, Rejection};
use crate::policy::Policy;
use crate::submission::Challenge;
use crate::transport::{dcql, submission_from_vp_token};
use crate::verifier::Verifier;

/// How long a DC API session can be answered, in seconds.
///
/// ```
/// assert_eq!(myna_verifier::dc_api::SESSION_TTL_SECS, 5 * 60);
/// ```
pub const SESSION_TTL_SECS: u64 = 300;

/// The version of [`DcApiSession::to_state`]'s form.
const STATE_VERSION: u64 = 1;

/// What a session's request asks of the wallet.
#[derive(Clone)]
pub struct DcApiOptions {
    /// Ask for an encrypted answer (`dc_api.jwt`, to a fresh key of this session): HAIP's
    /// requirement, and the default. `false` asks for a plain `dc_api` answer.
    pub encrypt: bool,
    /// Sign the request (`openid4vp-v1-signed`) with the verifier's certificate; `None`: an
    /// unsigned request (`openid4vp-v1-unsigned`), where the wallet knows the verifier only by
    /// the origin the browser reports.
    pub signing: Option<RequestSigning>,
}

impl Default for DcApiOptions {
    /// Encrypted, unsigned.
    ///
    /// ```
    /// let options = myna_verifier::dc_api::DcApiOptions::default();
    /// assert!(options.encrypt && options.signing.is_none());
    /// ```
    fn default() -> Self {
        DcApiOptions {
            encrypt: true,
            signing: None,
        }
    }
}

impl core::fmt::Debug for DcApiOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DcApiOptions")
            .field("encrypt", &self.encrypt)
            .field("signed", &self.signing.is_some())
            .finish()
    }
}

/// The verifier's signing key and certificate for signed DC API requests (Annex A.3).
///
/// ```
/// use std::sync::Arc;
/// use myna_verifier::core::crypto::{default_provider, SecretKey};
/// use myna_verifier::core::oid4vp::{ClientId, Origin};
/// use myna_verifier::dc_api::RequestSigning;
/// let key = SecretKey::generate_p256()?;
/// let signing = RequestSigning {
///     signer: Arc::from(default_provider().signer(&key)?),
///     chain: vec![], // the verifier's certificate chain, leaf first (DER)
///     client_id: ClientId::parse("x509_san_dns:shop.example")?,
///     expected_origins: vec![Origin::parse("https://shop.example")?],
/// };
/// assert_eq!(signing.expected_origins.len(), 1);
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Clone)]
pub struct RequestSigning {
    /// The key of the certificate's leaf.
    pub signer: Arc<dyn Signer>,
    /// The certificate chain, leaf first, DER (the `x5c` header).
    pub chain: Vec<Vec<u8>>,
    /// The verifier's `client_id` (`x509_san_dns:` or `x509_hash:`), fitting the leaf.
    pub client_id: ClientId,
    /// The origins the request may be used from (the wallet refuses any other).
    pub expected_origins: Vec<Origin>,
}

/// One pending DC API presentation: policy name, nonce, origin, response mode, the ephemeral
/// key of an encrypted answer, and its expiry. See the [module docs](self).
pub struct DcApiSession {
    policy: String,
    nonce: Nonce,
    origin: Origin,
    response_mode: ResponseMode,
    key: Option<EncryptionKey>,
    expires_at: NumericDate,
}

impl core::fmt::Debug for DcApiSession {
    /// Everything but the key.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DcApiSession")
            .field("policy", &self.policy)
            .field("origin", &self.origin.as_str())
            .field("response_mode", &self.response_mode.as_str())
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl DcApiSession {
    /// A new session for `policy` and the page at `origin`, at `now`: the `{"protocol": …,
    /// "data": {…}}` to pass to `navigator.credentials.get` (in `digital.requests`), and the
    /// session to decide the answer with. A signed request must name `origin` among its
    /// expected origins (else [`Oid4vpError::OriginNotExpected`]).
    ///
    /// ```
    /// use myna_verifier::core::oid4vp::Origin;
    /// use myna_verifier::core::time::NumericDate;
    /// use myna_verifier::dc_api::{DcApiOptions, DcApiSession};
    /// use myna_verifier::policy::age::AgeCheck;
    /// let plain = DcApiOptions { encrypt: false, ..DcApiOptions::default() };
    /// let origin = Origin::parse("https://shop.example")?;
    /// let (request, _) = DcApiSession::start(&AgeCheck::over_20()?, origin, &plain,
    ///     NumericDate::from_unix(1_800_000_000))?;
    /// assert_eq!(request["data"]["response_mode"], "dc_api");
    /// assert!(request["data"].get("client_id").is_none());
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn start(
        policy: &dyn Policy,
        origin: Origin,
        options: &DcApiOptions,
        now: NumericDate,
    ) -> Result<(Value, DcApiSession)> {
        let key = match options.encrypt {
            true => Some(EncryptionKey::generate()?),
            false => None,
        };
        let mut request = DcApiRequest::unsigned(dcql(policy.requirements())?, key.as_ref())?;
        let data = match &options.signing {
            None => request.to_data()?,
            Some(signing) => {
                if !signing.expected_origins.contains(&origin) {
                    return Err(Error::Oid4vp(Oid4vpError::OriginNotExpected));
                }
                request.client_id = Some(signing.client_id.clone());
                request.expected_origins = signing.expected_origins.clone();
                request.sign(&*signing.signer, &signing.chain, now)?
            }
        };
        let shown = json!({"protocol": request.protocol().as_str(), "data": data});
        let session = DcApiSession {
            policy: policy.name().to_owned(),
            nonce: request.nonce.clone(),
            origin,
            response_mode: request.response_mode,
            key,
            expires_at: now.plus_seconds(SESSION_TTL_SECS),
        };
        Ok((shown, session))
    }

    /// The decision on the wallet's answer: `response` is the DigitalCredential's `data`, or
    /// the whole `{"protocol", "data"}`. Refuses an answer after expiry, a plain answer to an
    /// encrypted request, one encrypted to another key, one the wallet answered with an error,
    /// then verifies the submission bound to this session's nonce (single use: a second answer
    /// is a replay) and the audience `origin:<origin>`. Every failure is a rejected
    /// [`Decision`] with its [`Reason`], never a panic. (A full run with a wallet is in
    /// `verifier/tests/dc_api.rs`.)
    ///
    /// ```
    /// use std::sync::Arc;
    /// use myna_verifier::core::crypto::{default_provider, SecretKey};
    /// use myna_verifier::core::oid4vp::Origin;
    /// use myna_verifier::core::time::{FixedClock, NumericDate};
    /// use myna_verifier::core::trust_list::TrustList;
    /// use myna_verifier::dc_api::{DcApiOptions, DcApiSession};
    /// use myna_verifier::decision::Reason;
    /// use myna_verifier::policy::age::AgeCheck;
    /// use myna_verifier::trust::Trust;
    /// use myna_verifier::verifier::{Verifier, VerifierConfig};
    /// let (authority, t) = (SecretKey::generate_p256()?, NumericDate::from_unix(1_000));
    /// let list = TrustList::new("jp", 1, t, t.plus_seconds(600))
    ///     .sign(&*default_provider().signer(&authority)?)?;
    /// let trust = Trust::new(authority.public_key(), &list, default_provider(), t)?;
    /// let verifier = Verifier::new(VerifierConfig::new("x509_san_dns:shop.example"), trust,
    ///     Arc::new(FixedClock(t)));
    /// let policy = AgeCheck::over_20()?;
    /// let origin = Origin::parse("https://shop.example")?;
    /// let (_, session) = DcApiSession::start(&policy, origin, &DcApiOptions::default(), t)?;
    /// // A plain vp_token for an encrypted request:
    /// let plain = serde_json::json!({"vp_token": {"age": ["eyJ.e30.s~"]}});
    /// let decision = session.decide(&verifier, &policy, &plain);
    /// assert_eq!(decision.reason(), Some(Reason::ResponseModeDowngrade));
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn decide(self, verifier: &Verifier, policy: &dyn Policy, response: &Value) -> Decision {
        match self.challenge_and_submission(verifier.now(), policy, response) {
            Ok((submission, challenge)) => verifier.verify(policy, &submission, &challenge),
            Err(rejection) => verifier.reject(policy, rejection),
        }
    }

    /// The decision on a `direct_post.jwt` form body (`response=<JWE>`) encrypted to this
    /// session's key and bound to its nonce, for a verifier that used one session's key and
    /// nonce for a cross-device request too: the presentation must then name `audience` (the
    /// cross-device request's `client_id`) rather than the origin. The session carries no
    /// `state`, so none is compared. A plain body to an encrypted session is
    /// [`Reason::ResponseModeDowngrade`]; an expired session [`Reason::SessionExpired`].
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use myna_verifier::core::crypto::{default_provider, SecretKey};
    /// # use myna_verifier::core::time::{FixedClock, NumericDate};
    /// # use myna_verifier::core::trust_list::TrustList;
    /// # use myna_verifier::{trust::Trust, verifier::{Verifier, VerifierConfig}};
    /// use myna_verifier::core::oid4vp::Origin;
    /// use myna_verifier::dc_api::{DcApiOptions, DcApiSession};
    /// use myna_verifier::decision::Reason;
    /// use myna_verifier::policy::age::AgeCheck;
    /// # let (authority, t) = (SecretKey::generate_p256()?, NumericDate::from_unix(1_000));
    /// # let list = TrustList::new("jp", 1, t, t.plus_seconds(600)).sign(&*default_provider().signer(&authority)?)?;
    /// # let trust = Trust::new(authority.public_key(), &list, default_provider(), t)?;
    /// # let verifier = Verifier::new(VerifierConfig::new("x509_san_dns:shop.example"), trust, Arc::new(FixedClock(t)));
    /// let policy = AgeCheck::over_20()?;
    /// let origin = Origin::parse("https://shop.example")?;
    /// let (_, session) = DcApiSession::start(&policy, origin, &DcApiOptions::default(), t)?;
    /// let plain = "vp_token=%7B%7D";
    /// let decision = session.decide_direct_post(&verifier, &policy, plain, "x509_san_dns:shop.example");
    /// assert_eq!(decision.reason(), Some(Reason::ResponseModeDowngrade));
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn decide_direct_post(
        self,
        verifier: &Verifier,
        policy: &dyn Policy,
        body: &str,
        audience: &str,
    ) -> Decision {
        match self.form_submission(verifier.now(), policy, body, audience) {
            Ok((submission, challenge)) => verifier.verify(policy, &submission, &challenge),
            Err(rejection) => verifier.reject(policy, rejection),
        }
    }

    fn form_submission(
        &self,
        now: NumericDate,
        policy: &dyn Policy,
        body: &str,
        audience: &str,
    ) -> core::result::Result<(crate::submission::Submission, Challenge), Rejection> {
        self.check_open(now, policy)?;
        let (submission, _) = match &self.key {
            Some(key) => crate::transport::submission_from_direct_post_jwt(body, key)?,
            None => crate::transport::submission_from_direct_post(body)?,
        };
        Ok((
            submission,
            Challenge::single_use(self.nonce.as_str()).for_audience(audience),
        ))
    }

    /// Refuses a session for another policy, or one expired at `now`.
    fn check_open(
        &self,
        now: NumericDate,
        policy: &dyn Policy,
    ) -> core::result::Result<(), Rejection> {
        if policy.name() != self.policy {
            return Err(Rejection::noted(
                Reason::NotBoundToRequest,
                "the session was started for another policy",
            ));
        }
        if now >= self.expires_at {
            return Err(Rejection::new(Reason::SessionExpired));
        }
        Ok(())
    }

    fn challenge_and_submission(
        &self,
        now: NumericDate,
        policy: &dyn Policy,
        response: &Value,
    ) -> core::result::Result<(crate::submission::Submission, Challenge), Rejection> {
        self.check_open(now, policy)?;
        let data = answer_data(response)?;
        let answer = DcApiResponse::from_data(data, self.response_mode, self.key.as_ref())?;
        let token = match answer {
            DcApiResponse::Success(token) => token,
            DcApiResponse::Error(code) => {
                return Err(Rejection::from_error(Error::Oid4vp(
                    Oid4vpError::InvalidParameter {
                        name: "error",
                        detail: format!("the wallet answered `{}`", code.as_str()),
                    },
                )))
            }
        };
        let submission = submission_from_vp_token(&token)?;
        let challenge =
            Challenge::single_use(self.nonce.as_str()).for_audience(&self.origin.audience());
        Ok((submission, challenge))
    }

    /// The name of the policy the session was started for.
    ///
    /// ```
    /// # use myna_verifier::{core::{oid4vp::Origin, time::NumericDate}, dc_api::*, policy::age::AgeCheck};
    /// let (_, session) = DcApiSession::start(&AgeCheck::over_20()?,
    ///     Origin::parse("https://shop.example")?, &DcApiOptions::default(), NumericDate::from_unix(0))?;
    /// assert_eq!(session.policy(), "age-over-20");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The origin of the page the session is for.
    ///
    /// ```
    /// # use myna_verifier::{core::{oid4vp::Origin, time::NumericDate}, dc_api::*, policy::age::AgeCheck};
    /// let (_, session) = DcApiSession::start(&AgeCheck::over_20()?,
    ///     Origin::parse("https://shop.example")?, &DcApiOptions::default(), NumericDate::from_unix(0))?;
    /// assert_eq!(session.origin().as_str(), "https://shop.example");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// When the session stops accepting answers.
    ///
    /// ```
    /// # use myna_verifier::{core::{oid4vp::Origin, time::NumericDate}, dc_api::*, policy::age::AgeCheck};
    /// let (_, session) = DcApiSession::start(&AgeCheck::over_20()?,
    ///     Origin::parse("https://shop.example")?, &DcApiOptions::default(), NumericDate::from_unix(0))?;
    /// assert_eq!(session.expires_at().as_unix(), 300);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn expires_at(&self) -> NumericDate {
        self.expires_at
    }

    /// The session as JSON text, to keep between the two HTTP requests of a shop's server
    /// (`{"v":1,"policy","nonce","origin","response_mode","key","expires_at"}`). It holds the
    /// private key of an encrypted session: keep it secret (server-side, never in the page),
    /// and drop it once decided; the text is zeroized when dropped.
    ///
    /// ```
    /// # use myna_verifier::{core::{oid4vp::Origin, time::NumericDate}, dc_api::*, policy::age::AgeCheck};
    /// let (_, session) = DcApiSession::start(&AgeCheck::over_20()?,
    ///     Origin::parse("https://shop.example")?, &DcApiOptions::default(), NumericDate::from_unix(0))?;
    /// let state = session.to_state();
    /// let back = DcApiSession::from_state(&state)?;
    /// assert_eq!((back.policy(), back.expires_at()), (session.policy(), session.expires_at()));
    /// assert_eq!(*back.to_state(), *state);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn to_state(&self) -> Zeroizing<String> {
        let text = |s: &str| Value::String(s.to_owned()).to_string();
        let key = match &self.key {
            Some(key) => key.to_private_jwk(),
            None => Zeroizing::new("null".to_owned()),
        };
        Zeroizing::new(format!(
            r#"{{"v":{STATE_VERSION},"policy":{},"nonce":{},"origin":{},"response_mode":{},"key":{},"expires_at":{}}}"#,
            text(&self.policy),
            text(self.nonce.as_str()),
            text(self.origin.as_str()),
            text(self.response_mode.as_str()),
            key.as_str(),
            self.expires_at.as_unix(),
        ))
    }

    /// Reads [`to_state`](Self::to_state)'s text back. Refused with a typed error: not JSON,
    /// another version, a member missing or of the wrong type, an origin or nonce that does
    /// not parse, a response mode other than `dc_api`/`dc_api.jwt`, an encrypted mode without
    /// its key (or a plain one with a key).
    ///
    /// ```
    /// use myna_verifier::dc_api::DcApiSession;
    /// assert!(DcApiSession::from_state("{}").is_err());
    /// assert!(DcApiSession::from_state(r#"{"v":2}"#).is_err());
    /// ```
    pub fn from_state(text: &str) -> Result<Self> {
        const WHAT: &str = "DC API session";
        let value = vc_json::parse(text.as_bytes(), WHAT)?;
        let object = value
            .as_object()
            .ok_or(Error::Input(InputError::NotAnObject { what: WHAT }))?;
        let member = |name: &str| {
            object.get(name).ok_or_else(|| {
                Error::Input(InputError::MissingMember {
                    what: WHAT,
                    member: name.to_owned(),
                })
            })
        };
        let wrong = |name: &str, expected: &'static str| {
            Error::Input(InputError::MemberType {
                what: WHAT,
                member: name.to_owned(),
                expected,
            })
        };
        let string = |name: &str| {
            member(name)?
                .as_str()
                .ok_or_else(|| wrong(name, "a string"))
        };
        if member("v")?.as_u64() != Some(STATE_VERSION) {
            return Err(wrong("v", "1"));
        }
        let response_mode = match string("response_mode")? {
            "dc_api" => ResponseMode::DcApi,
            "dc_api.jwt" => ResponseMode::DcApiJwt,
            _ => return Err(wrong("response_mode", "dc_api or dc_api.jwt")),
        };
        let key = match member("key")? {
            Value::Null => None,
            jwk => Some(EncryptionKey::from_jwk(jwk)?),
        };
        if key.is_some() != response_mode.is_encrypted() {
            return Err(wrong(
                "key",
                "a private JWK for dc_api.jwt, null for dc_api",
            ));
        }
        let expires_at = member("expires_at")?
            .as_i64()
            .ok_or_else(|| wrong("expires_at", "a whole number of seconds"))?;
        Ok(DcApiSession {
            policy: string("policy")?.to_owned(),
            nonce: Nonce::parse(string("nonce")?)?,
            origin: Origin::parse(string("origin")?)?,
            response_mode,
            key,
            expires_at: NumericDate::from_unix(expires_at),
        })
    }
}

/// The wallet's `data`: `response` itself, or its `data` when it is the whole
/// `{"protocol", "data"}` (whose protocol must then be an OpenID4VP one).
fn answer_data(response: &Value) -> Result<&Value> {
    let Some(protocol) = response.get("protocol") else {
        return Ok(response);
    };
    let protocol = protocol.as_str().unwrap_or_default();
    if !matches!(protocol, "openid4vp-v1-unsigned" | "openid4vp-v1-signed") {
        return Err(Error::Oid4vp(Oid4vpError::UnsupportedProtocol(
            protocol.chars().take(64).collect(),
        )));
    }
    response
        .get("data")
        .ok_or(Error::Oid4vp(Oid4vpError::MissingParameter("data")))
}
