//! Shared by the service tests and the load bench: a controllable clock, a service on a
//! loopback socket with the test JPKI CA, admin tokens, and a wallet speaking HTTP.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "shared by the tests and a benchmark (not test code to clippy), each using its own part; a fixture that cannot be built must stop the run loudly"
)]

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use myna_issuer::anchor::{AnchorResponse, Challenge};
use myna_issuer::escrow::{self, EscrowedLink, TrusteeKey};
use myna_issuer::pseudonym::{ContextId, PseudonymKey};
use myna_issuer::record::SubjectHandle;
use myna_issuer::service::config::{
    AdminRole, AdminTokenEntry, EscrowConfig, ServiceConfig, TrusteeEntry,
};
use myna_issuer::service::{JpkiSetup, Service, ServiceOptions};
use myna_issuer::store::Store;
use myna_jpki::card_jws;
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::IssuedCard;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{ConsentId, ConsentTerms, ConsentUse, Purpose, Recipient};
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey, Signer};
use myna_vc_core::did::DidKey;
use myna_vc_core::oid4vci::{
    build_key_proof, CNonce, CredentialRequest, IssuerId, Message, PreAuthorizedCode, TokenRequest,
    TxCodeValue,
};
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions, Vct, VerifiedCredential};
use myna_vc_core::time::{Clock, NumericDate};
use serde_json::{json, Value};
use tokio::sync::oneshot;
use zeroize::Zeroizing;

use crate::card_fixture::{auth_signer, sign_signer, World, DAY, ISS, T0};

/// Start of every test: a day after the test CA's cards were issued.
pub const START: NumericDate = NumericDate::from_unix(T0.as_unix() + DAY as i64);
pub const PASSPHRASE: &str = "correct horse battery staple";

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn at(t: NumericDate) -> Arc<ManualClock> {
        Arc::new(ManualClock(AtomicI64::new(t.as_unix())))
    }

    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NumericDate {
        NumericDate::from_unix(self.0.load(Ordering::SeqCst))
    }
}

/// Plain admin tokens and the trustees' keys.
pub struct Admins {
    pub operator: String,
    pub officer: String,
    pub trustees: Vec<(String, TrusteeKey)>,
    entries: Vec<AdminTokenEntry>,
}

impl Admins {
    pub fn new() -> Admins {
        let (operator, op) = AdminTokenEntry::generate("op-1", AdminRole::Operator).unwrap();
        let (officer, off) =
            AdminTokenEntry::generate("officer-1", AdminRole::RevocationOfficer).unwrap();
        let mut entries = vec![op, off];
        let mut trustees = Vec::new();
        for id in ["city-council", "court"] {
            let (token, entry) = AdminTokenEntry::generate(id, AdminRole::Trustee).unwrap();
            entries.push(entry);
            trustees.push((token, TrusteeKey::generate(id).unwrap()));
        }
        Admins {
            operator,
            officer,
            trustees,
            entries,
        }
    }

    pub fn config(&self) -> ServiceConfig {
        let mut config = ServiceConfig::new("102016", "前橋市", ISS);
        config.listen = "127.0.0.1:0".into();
        config.rules.status_list_capacity = 1 << 12;
        config.admin_tokens = self.entries.clone();
        config.escrow = Some(EscrowConfig {
            threshold: 2,
            trustees: self
                .trustees
                .iter()
                .map(|(_, key)| TrusteeEntry {
                    id: key.public().id().as_str().to_owned(),
                    public_key: myna_vc_core::b64::encode(key.public().key_bytes()),
                })
                .collect(),
        });
        config
    }
}

/// A service running on 127.0.0.1:0.
pub struct Server {
    pub base: String,
    pub service: Service,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Opens the data directory and serves it; imports both CRLs of `world` at `clock`'s time
    /// through the admin API when `import_crls`.
    pub async fn start(
        dir: &Path,
        config: ServiceConfig,
        clock: Arc<ManualClock>,
        world: &World,
    ) -> Server {
        // Opened here, on the test's async thread: the store may be used from anywhere (a
        // PostgreSQL store keeps its synchronous client off the runtime itself).
        let service = open(dir, config, clock, world, PASSPHRASE).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = service.clone();
        let task = tokio::spawn(async move {
            serving
                .serve(listener, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Server {
            base,
            service,
            stop: Some(stop),
            task,
        }
    }

    /// Graceful shutdown; the store is closed when this returns.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Server { service, task, .. } = self;
        drop(service);
        task.await.unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub fn open(
    dir: &Path,
    config: ServiceConfig,
    clock: Arc<ManualClock>,
    world: &World,
    passphrase: &str,
) -> Result<Service, myna_issuer::service::ServiceError> {
    Service::open(options(dir, config, clock, world, passphrase))
}

/// What [`open`] opens the service with (on this run's engine: `crate::engine`).
pub fn options(
    dir: &Path,
    config: ServiceConfig,
    clock: Arc<ManualClock>,
    world: &World,
    passphrase: &str,
) -> ServiceOptions {
    let mut config = config;
    crate::engine::configure(dir, &mut config);
    ServiceOptions {
        config,
        data_dir: dir.to_path_buf(),
        passphrase: Zeroizing::new(passphrase.to_owned()),
        clock,
        jpki: Some(JpkiSetup {
            validator: myna_jpki::validate::Validator::new(
                world.ca.root_set(default_provider()).unwrap(),
                default_provider(),
            ),
            linking: Arc::new(world.ca.linking().clone()),
        }),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

/// Imports the CA's current CRLs (both types) as the revocation officer.
pub async fn import_crls(server: &Server, world: &mut World, officer: &str, at: NumericDate) {
    for ty in CertificateType::ALL {
        let der = world.ca.crl(ty, at, at.plus_seconds(DAY)).unwrap();
        let response = client()
            .post(server.url("/admin/crl"))
            .bearer_auth(officer)
            .header("content-type", "application/pkix-crl")
            .body(der)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
}

pub fn signer() -> Box<dyn Signer> {
    default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap()
}

pub async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// Like [`assert_error`], and the error's description mentions `word`.
pub async fn assert_error_mentioning(
    response: reqwest::Response,
    status: u16,
    code: &str,
    word: &str,
) -> Value {
    let body = assert_error(response, status, code).await;
    assert!(
        body["error_description"].as_str().unwrap().contains(word),
        "{body}"
    );
    body
}

/// Asserts an OAuth-style error body with this status and code.
pub async fn assert_error(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap()),
        Some("application/json")
    );
    let (got, body) = json(response).await;
    assert_eq!(
        (got, body["error"].as_str()),
        (status, Some(code)),
        "{body}"
    );
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    body
}

/// The wallet side of the protocol, over HTTP.
pub struct Wallet<'a> {
    pub server: &'a Server,
    pub http: reqwest::Client,
}

impl<'a> Wallet<'a> {
    pub fn new(server: &'a Server) -> Wallet<'a> {
        Wallet {
            server,
            http: client(),
        }
    }

    /// Anchors `card` for `holder`, with the signature certificate's facts when `facts`.
    pub async fn anchor(
        &self,
        card: &IssuedCard,
        holder: &dyn Signer,
        now: NumericDate,
        facts: bool,
    ) -> reqwest::Response {
        let (status, challenge) = json(
            self.http
                .post(self.server.url("/anchor/challenge"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{challenge}");
        let challenge = Challenge {
            nonce: challenge["nonce"].as_str().unwrap().to_owned(),
            expires_at: NumericDate::from_unix(challenge["expires_at"].as_i64().unwrap()),
        };
        let response =
            AnchorResponse::build(&challenge, holder, &auth_signer(card), ISS, now).unwrap();
        let mut body = json!({
            "nonce": response.nonce,
            "holder_proof": response.holder_proof,
            "card_jws": response.card_jws,
        });
        if facts {
            let payload = json!({
                "nonce": challenge.nonce,
                "holder_jkt": holder.public_key().thumbprint().to_string(),
            });
            body["facts_jws"] = card_jws::sign_payload(
                &sign_signer(card),
                Some("myna-facts+jwt"),
                payload.to_string().as_bytes(),
            )
            .unwrap()
            .into();
        }
        self.http
            .post(self.server.url("/anchor"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn token(&self, offer: &Value, tx_code: Option<&str>) -> reqwest::Response {
        let code = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
            ["pre-authorized_code"]
            .as_str()
            .unwrap();
        let request = TokenRequest {
            pre_authorized_code: PreAuthorizedCode::new(code),
            tx_code: tx_code.map(TxCodeValue::new),
            authorization_details: None,
            client_id: None,
        };
        self.http
            .post(self.server.url("/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(request.to_form().unwrap())
            .send()
            .await
            .unwrap()
    }

    /// The access token for `offer`, asserting success.
    pub async fn access_token(&self, offer: &Value, tx_code: Option<&str>) -> String {
        let (status, body) = json(self.token(offer, tx_code).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn nonce(&self) -> CNonce {
        let (status, body) = json(
            self.http
                .post(self.server.url("/nonce"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        CNonce::new(body["c_nonce"].as_str().unwrap())
    }

    /// Key proofs by every holder for `nonce`.
    pub fn proofs(holders: &[&dyn Signer], nonce: &CNonce, now: NumericDate) -> Vec<String> {
        let issuer = IssuerId::new(ISS).unwrap();
        holders
            .iter()
            .map(|h| build_key_proof(*h, &issuer, Some(nonce), now).unwrap())
            .collect()
    }

    pub async fn credential_request(&self, token: &str, request: &Value) -> reqwest::Response {
        self.http
            .post(self.server.url("/credential"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(request.to_string())
            .send()
            .await
            .unwrap()
    }

    /// Asks for `configuration` bound to each of `holders`; returns the credentials.
    pub async fn credentials(
        &self,
        token: &str,
        configuration: &str,
        holders: &[&dyn Signer],
        now: NumericDate,
    ) -> Vec<String> {
        let nonce = self.nonce().await;
        let request =
            CredentialRequest::for_configuration(configuration, Self::proofs(holders, &nonce, now));
        let request: Value = serde_json::from_str(&request.to_json().unwrap()).unwrap();
        let (status, body) = json(self.credential_request(token, &request).await).await;
        assert_eq!(status, 200, "{body}");
        body["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["credential"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// Verifies a credential from the service with its issuer key.
pub fn verify(credential: &str, issuer: &PublicKey, now: NumericDate) -> VerifiedCredential {
    let options = VcVerifyOptions::at(now, KeyBindingRule::Optional);
    sdjwt_vc::verify(credential, default_provider(), issuer, &options).unwrap()
}

/// A GET of `path`, with `token` as its bearer token if given.
pub async fn get(server: &Server, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = client().get(server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// A POST of `body` as `content_type` to `path`, with `token` as its bearer token if given.
pub async fn post(
    server: &Server,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut request = client()
        .post(server.url(path))
        .header("content-type", content_type)
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// An admin POST with a JSON body.
pub async fn admin_post(
    server: &Server,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    post(server, path, token, "application/json", body.to_string()).await
}

/// The staff offer `body` made by `operator`: the created offer (asserted 201).
pub async fn staff_offer(server: &Server, operator: &str, body: &Value) -> Value {
    let (status, created) =
        json(admin_post(server, "/admin/offers", Some(operator), body).await).await;
    assert_eq!(status, 201, "{created}");
    created
}

/// A holder the issuer knows: a fresh key bound to an age credential of an operator's offer.
pub async fn known_holder(server: &Server, operator: &str, now: NumericDate) -> Box<dyn Signer> {
    let body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let created = staff_offer(server, operator, &body).await;
    let wallet = Wallet::new(server);
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let holder = signer();
    wallet.credentials(&token, "age", &[&*holder], now).await;
    holder
}

/// A random person's link in `context`, sealed under `config`'s escrow policy and stored in
/// the store under `dir` as pseudonym issuance stores it (the service must not be running):
/// the link.
pub fn store_sealed_link(dir: &Path, config: &ServiceConfig, context: &str) -> EscrowedLink {
    let link = EscrowedLink::derive(
        &PseudonymKey::generate().unwrap(),
        SubjectHandle::random().unwrap(),
        ContextId::parse(context).unwrap(),
    );
    let store = crate::engine::store_of(dir, config);
    let policy = config.escrow.as_ref().unwrap().policy().unwrap();
    store
        .put_sealed_link(
            &link.context,
            &link.pseudonym,
            &escrow::seal(&policy, &link).unwrap(),
        )
        .unwrap();
    link
}

/// Terms of a consent to share the municipality code of a resident credential with
/// `recipient` for 30 days from [`START`], used as `usage` says.
pub fn consent_terms(recipient: &SecretKey, usage: ConsentUse) -> ConsentTerms {
    ConsentTerms {
        id: ConsentId::random().unwrap(),
        recipient: Recipient::parse(
            DidKey::from_public_key(&recipient.public_key())
                .unwrap()
                .did()
                .as_str(),
        )
        .unwrap(),
        purpose: Purpose::new("子育て支援の相談").unwrap(),
        vct: Vct::parse("urn:myna-vc:vct:resident:1").unwrap(),
        claims: vec![ClaimPath::key("municipality_code")],
        not_before: START,
        not_after: Some(START.plus_seconds(30 * 86_400)),
        usage,
    }
}

/// The `POST /consents` body for `record`, with a holder proof signed by `holder` if given.
pub fn consent_registration(
    record: &myna_vc_core::consent::ConsentRecord,
    holder: Option<&dyn Signer>,
    now: NumericDate,
) -> Value {
    let mut body = json!({"record": record.as_str()});
    if let Some(holder) = holder {
        let proof = myna_vc_core::consent::ConsentHolderProof::for_record(record, ISS, now)
            .sign(holder)
            .unwrap();
        body["holder_proof"] = proof.into();
    }
    body
}
