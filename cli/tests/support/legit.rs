//! The legitimate client of the hostile-client suite: a resident's wallet and a shop's
//! register doing real work while an attack runs, from their own loopback address
//! ([`LEGIT_ADDR`], not the attacker's), every request timed.
//!
//! * [`Resident`] against `myna issuer serve`: an age credential received once (operator offer,
//!   token, nonce, key proof), then, each round, the issuer metadata, a fresh `c_nonce` and a
//!   consent signed with the credential's holder key (a holder the issuer knows);
//! * [`Register`] against `myna verify serve`: each round the health check, a new request for
//!   `age-over-20` and a customer's compact presentation bound to that request, which must be
//!   accepted.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::{Duration, Instant};

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::compact::{self, InPersonChallenge};
use myna_vc_core::consent::{
    ConsentHolderProof, ConsentId, ConsentRecord, ConsentTerms, ConsentUse, Purpose, Recipient,
};
use myna_vc_core::crypto::{default_provider, SecretKey, Signer};
use myna_vc_core::did::DidKey;
use myna_vc_core::oid4vci::{build_key_proof, CNonce, CredentialRequest, IssuerId};
use myna_vc_core::sdjwt::{KeyBinding, SdJwt};
use myna_vc_core::sdjwt_vc::{CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct};
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{json, Value};

/// The legitimate client's own loopback address; attackers use others.
pub const LEGIT_ADDR: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
/// How long one legitimate request may take before it counts as failed.
const PATIENCE: Duration = Duration::from_secs(3);

/// A blocking HTTP client bound to [`LEGIT_ADDR`] that times every request and keeps what
/// failed.
pub struct Legit {
    http: Client,
    /// The time each request took.
    pub latencies: Vec<Duration>,
    /// Each request that did not get the expected answer, and what it got.
    pub failures: Vec<String>,
}

impl Legit {
    /// A client on [`LEGIT_ADDR`].
    pub fn new() -> Self {
        // A new connection for every request, as new visitors make: a connection kept from
        // before the attack would hide a service that accepts no more.
        let http = Client::builder()
            .local_address(LEGIT_ADDR)
            .pool_max_idle_per_host(0)
            .timeout(PATIENCE)
            .build()
            .unwrap();
        Legit {
            http,
            latencies: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// The client, to build a request with.
    pub fn http(&self) -> &Client {
        &self.http
    }

    /// Sends `request` (`what` names it in a failure); its body when the status is
    /// `expected`, else `None` with the failure recorded.
    pub fn expect(&mut self, what: &str, request: RequestBuilder, expected: u16) -> Option<String> {
        let start = Instant::now();
        let answer = request.send().and_then(|r| {
            let status = r.status().as_u16();
            r.text().map(|body| (status, body))
        });
        self.latencies.push(start.elapsed());
        match answer {
            Ok((status, body)) if status == expected => Some(body),
            Ok((status, body)) => {
                let shown: String = body.chars().take(160).collect();
                self.failures.push(format!("{what}: {status} {shown}"));
                None
            }
            Err(e) => {
                self.failures.push(format!("{what}: {e}"));
                None
            }
        }
    }

    /// Like [`expect`](Self::expect), the body parsed as JSON.
    pub fn expect_json(
        &mut self,
        what: &str,
        request: RequestBuilder,
        expected: u16,
    ) -> Option<Value> {
        let body = self.expect(what, request, expected)?;
        match serde_json::from_str(&body) {
            Ok(value) => Some(value),
            Err(e) => {
                self.failures.push(format!("{what}: not JSON ({e})"));
                None
            }
        }
    }

    /// Forgets the figures so far (the setup's), keeping the client.
    pub fn reset(&mut self) {
        self.latencies.clear();
        self.failures.clear();
    }
}

impl Default for Legit {
    fn default() -> Self {
        Legit::new()
    }
}

/// The `q`-quantile (0..=1) of `samples`, nearest rank.
pub fn quantile(samples: &[Duration], q: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Seconds since the epoch, now: what a live service compares `iat` and periods with.
fn unix_now() -> NumericDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    NumericDate::from_unix(secs as i64)
}

/// A resident with an age credential from the issuer at `base`, who registers consents.
pub struct Resident {
    /// The client and its figures.
    pub legit: Legit,
    base: String,
    /// The issuer identifier, the audience of holder proofs.
    issuer_id: String,
    holder: Box<dyn Signer>,
    clinic: Recipient,
    /// Consents registered.
    pub consents: usize,
}

impl Resident {
    /// Receives an age credential at the issuer `base` (`http://127.0.0.1:PORT`, identified
    /// as `issuer_id`): the operator's offer (`operator` token), the token, a `c_nonce` and a
    /// key proof. Panics, showing the answer, if any step fails.
    pub fn receive(base: &str, issuer_id: &str, operator: &str) -> Self {
        let mut legit = Legit::new();
        let holder = default_provider()
            .signer(&SecretKey::generate_p256().unwrap())
            .unwrap();
        let offer_body = json!({"tx_code": false,
            "credentials": [{"credential": "age", "birthdate": "1990-05-01"}]});
        let offer = legit
            .http()
            .post(format!("{base}/admin/offers"))
            .bearer_auth(operator)
            .json(&offer_body);
        let offer = legit.expect_json("operator offer", offer, 201);
        let code = offer.as_ref().and_then(|o| {
            o["credential_offer"]["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
                ["pre-authorized_code"]
                .as_str()
                .map(str::to_owned)
        });
        let code = code.unwrap_or_else(|| panic!("no pre-authorized code: {:?}", legit.failures));
        let token = legit.http().post(format!("{base}/token")).form(&[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            ),
            ("pre-authorized_code", code.as_str()),
        ]);
        let token = legit.expect_json("token", token, 200);
        let access = token
            .as_ref()
            .and_then(|t| t["access_token"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("no access token: {:?}", legit.failures));
        let nonce = legit.expect_json("nonce", legit.http().post(format!("{base}/nonce")), 200);
        let nonce = nonce
            .as_ref()
            .and_then(|n| n["c_nonce"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("no c_nonce: {:?}", legit.failures));
        let issuer = IssuerId::new(issuer_id).unwrap();
        let proof =
            build_key_proof(&*holder, &issuer, Some(&CNonce::new(nonce)), unix_now()).unwrap();
        let request = CredentialRequest::for_configuration("age", vec![proof]);
        let credential = legit
            .http()
            .post(format!("{base}/credential"))
            .bearer_auth(access)
            .json(&request);
        let credential = legit.expect_json("credential", credential, 200);
        assert!(
            credential.is_some_and(|c| c["credentials"][0]["credential"].is_string()),
            "the resident received no credential: {:?}",
            legit.failures
        );
        let clinic = SecretKey::generate_p256().unwrap().public_key();
        let clinic = DidKey::from_public_key(&clinic).unwrap();
        Resident {
            legit,
            base: base.to_owned(),
            issuer_id: issuer_id.to_owned(),
            holder,
            clinic: Recipient::parse(clinic.did().as_str()).unwrap(),
            consents: 0,
        }
    }

    /// A consent registration for the clinic (`POST /consents` body): the record signed with
    /// a key of its own (recipients cannot link it to the credential), and a holder proof over
    /// it signed with the credential's holder key, a key the issuer knows.
    fn registration(&self) -> Value {
        let now = unix_now();
        let terms = ConsentTerms {
            id: ConsentId::random().unwrap(),
            recipient: self.clinic.clone(),
            purpose: Purpose::new("health consultation").unwrap(),
            vct: Vct::parse("urn:myna-vc:vct:age:1").unwrap(),
            claims: vec![ClaimPath::key("age_over_20")],
            not_before: now,
            not_after: Some(now.plus_seconds(3_600)),
            usage: ConsentUse::Ongoing,
        };
        let record_key = default_provider()
            .signer(&SecretKey::generate_p256().unwrap())
            .unwrap();
        let record = ConsentRecord::sign(terms, &*record_key, now).unwrap();
        let proof = ConsentHolderProof::for_record(&record, &self.issuer_id, now)
            .sign(&*self.holder)
            .unwrap();
        json!({ "record": record.as_str(), "holder_proof": proof })
    }

    /// One round of real work: metadata, a `c_nonce`, a consent registered.
    pub fn round(&mut self) {
        let base = self.base.clone();
        let metadata = self
            .legit
            .http()
            .get(format!("{base}/.well-known/openid-credential-issuer"));
        self.legit.expect("metadata", metadata, 200);
        let nonce = self.legit.http().post(format!("{base}/nonce"));
        self.legit.expect("nonce", nonce, 200);
        let registration = self.registration();
        let consent = self
            .legit
            .http()
            .post(format!("{base}/consents"))
            .json(&registration);
        if self.legit.expect("consent", consent, 201).is_some() {
            self.consents += 1;
        }
    }
}

/// A verifier deployment's files: the trust list naming one city, the authority's key, and
/// the city's key to issue customers' credentials with.
pub struct Shop {
    city: SecretKey,
}

/// The instant the shop's verifier runs at (`--now`), inside the trust list's validity.
pub const SHOP_NOW: i64 = 1_795_222_800;
/// The shop's audience (its OpenID4VP client id).
pub const SHOP_AUDIENCE: &str = "x509_san_dns:shop.example";
const CITY: &str = "did:web:city.kobe.example";

impl Shop {
    /// Writes `trust.jwt` and `authority.jwk` into `dir`.
    pub fn write(dir: &Path) -> Self {
        let p = default_provider();
        let now = NumericDate::from_unix(SHOP_NOW);
        let authority = SecretKey::generate_p256().unwrap();
        let city = SecretKey::generate_p256().unwrap();
        let trust = TrustList::new("jp", 1, now, now.plus_seconds(86_400))
            .with_issuer(
                TrustedIssuer::municipality(CITY, "神戸市", "281000".parse().unwrap())
                    .with_key("k1", city.public_key())
                    .allowing(Vct::parse("urn:myna-vc:vct:age:1").unwrap()),
            )
            .sign(&*p.signer(&authority).unwrap())
            .unwrap();
        std::fs::write(dir.join("trust.jwt"), trust).unwrap();
        std::fs::write(
            dir.join("authority.jwk"),
            authority.public_key().to_jwk().to_string(),
        )
        .unwrap();
        Shop { city }
    }

    /// A customer: a fresh holder key and an age credential of the city bound to it.
    pub fn customer(&self) -> Customer {
        let p = default_provider();
        let now = NumericDate::from_unix(SHOP_NOW);
        let holder = SecretKey::generate_p256().unwrap();
        let ctype = CredentialType::new(Vct::parse("urn:myna-vc:vct:age:1").unwrap()).claim(
            ClaimPath::key("age_over_20"),
            DisclosureRule::Selective,
            true,
        );
        let claims = json!({"age_over_20": true});
        let credential = SdJwtVcIssuer::new(&*p.signer(&self.city).unwrap(), CITY)
            .with_kid("k1")
            .issue(&VcRequest {
                credential_type: &ctype,
                claims: claims.as_object().unwrap(),
                holder_key: &holder.public_key(),
                issued_at: now,
                expires_at: Some(now.plus_seconds(86_400)),
                status: None,
            })
            .unwrap();
        Customer { holder, credential }
    }
}

/// A customer with an age credential.
pub struct Customer {
    holder: SecretKey,
    credential: SdJwt,
}

impl Customer {
    /// The compact QR text answering the in-person challenge `shown` (`MVC1:…`).
    pub fn answer(&self, shown: &str) -> String {
        let challenge = InPersonChallenge::parse(shown).unwrap();
        let presentation = self
            .credential
            .select(&[ClaimPath::key("age_over_20")])
            .unwrap()
            .bind(&KeyBinding {
                audience: challenge.audience(),
                nonce: challenge.nonce().as_str(),
                issued_at: NumericDate::from_unix(SHOP_NOW),
                signer: &*default_provider().signer(&self.holder).unwrap(),
            })
            .unwrap()
            .to_string();
        compact::encode(&presentation).unwrap()
    }
}

/// A shop's register at the verifier `base`: a request per customer, answered.
pub struct Register {
    /// The client and its figures.
    pub legit: Legit,
    base: String,
    customer: Customer,
    /// Presentations the verifier accepted.
    pub accepted: usize,
}

impl Register {
    /// A register at `base` with one regular customer of `shop`.
    pub fn new(base: &str, shop: &Shop) -> Self {
        Register {
            legit: Legit::new(),
            base: base.to_owned(),
            customer: shop.customer(),
            accepted: 0,
        }
    }

    /// One round of real work: the health check, a request for `age-over-20`, the customer's
    /// answer, which must be accepted.
    pub fn round(&mut self) {
        let base = self.base.clone();
        let health = self.legit.http().get(format!("{base}/health"));
        self.legit.expect("health", health, 200);
        let request = self
            .legit
            .http()
            .post(format!("{base}/requests"))
            .json(&json!({"policy": "age-over-20"}));
        let Some(request) = self.legit.expect_json("request", request, 201) else {
            return;
        };
        let (Some(id), Some(shown)) = (
            request["request_id"].as_str(),
            request["in_person_challenge"].as_str(),
        ) else {
            self.legit.failures.push(format!("request: {request}"));
            return;
        };
        let answer = self
            .legit
            .http()
            .post(format!("{base}/requests/{id}/compact"))
            .body(self.customer.answer(shown));
        let Some(decision) = self.legit.expect_json("presentation", answer, 200) else {
            return;
        };
        if decision["accepted"] == true {
            self.accepted += 1;
        } else {
            self.legit
                .failures
                .push(format!("presentation refused: {decision}"));
        }
    }

    /// `pending_requests` of `GET /health`.
    pub fn pending_requests(&mut self) -> Option<u64> {
        let health = self.legit.http().get(format!("{}/health", self.base));
        self.legit.expect_json("health", health, 200)?["pending_requests"].as_u64()
    }
}
