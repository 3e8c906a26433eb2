//! One municipality's issuer: the real `myna-issuer` HTTP service, opened in the demo's
//! temporary directory and served on a loopback port (127.0.0.1:0) by the demo's tokio
//! runtime. Everything else talks to it over HTTP; its public identifier stays the https URL
//! it would have in production, and the wallets reach it through a
//! `myna_wallet::http::LoopbackRoute`.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use myna_issuer::escrow::{SealedLink, TrusteeKey};
use myna_issuer::service::config::{
    AdminRole, AdminTokenEntry, EscrowConfig, ServiceConfig, TrusteeEntry,
};
use myna_issuer::service::{JpkiSetup, Service, ServiceOptions};
use myna_vc_core::crypto::default_provider;
use myna_vc_core::oid4vci::{CredentialOffer, Message};
use myna_vc_core::time::{Clock, NumericDate};
use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
use myna_wallet::http::LoopbackRoute;
use serde_json::Value;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use zeroize::Zeroizing;

use super::{fail, DemoResult};

/// Which municipality, and where it would live on the internet.
#[derive(Debug, Clone, Copy)]
pub struct CitySpec {
    /// 全国地方公共団体コード.
    pub code: &'static str,
    /// Its prefecture, as addresses write it (checked against the code).
    pub prefecture: &'static str,
    /// Its name as addresses write it after the prefecture (the residency check uses both).
    pub name: &'static str,
    /// Its public base URL (the OpenID4VCI issuer identifier).
    pub iss: &'static str,
    /// Contexts in which residents ask for their pseudonym themselves (`POST /pseudonym-offers`).
    pub pseudonym_contexts: &'static [&'static str],
}

/// The Maebashi citizens' forum: a context of 前橋市's self-service pseudonyms.
pub const MAEBASHI_FORUM: &str = "maebashi-forum";
/// A 三島市 pool's residents' coupon with a number of uses: a context of 三島市's pseudonyms.
pub const MISHIMA_POOL_COUPON: &str = "mishima-pool-coupon";
/// A Maebashi citizens' poll (the poll scenario): a context of 前橋市's self-service pseudonyms.
pub const MAEBASHI_PARK_POLL: &str = "poll:maebashi-park-2026";
/// A second Maebashi poll, to show one person's ballots in two polls are unlinkable.
pub const MAEBASHI_BUS_POLL: &str = "poll:maebashi-bus-2026";

/// 神戸市.
pub const KOBE: CitySpec = CitySpec {
    code: "281000",
    prefecture: "兵庫県",
    name: "神戸市",
    iss: "https://city.kobe.example",
    pseudonym_contexts: &[],
};
/// 前橋市.
pub const MAEBASHI: CitySpec = CitySpec {
    code: "102016",
    prefecture: "群馬県",
    name: "前橋市",
    iss: "https://city.maebashi.example",
    pseudonym_contexts: &[MAEBASHI_FORUM, MAEBASHI_PARK_POLL, MAEBASHI_BUS_POLL],
};
/// 三島市.
pub const MISHIMA: CitySpec = CitySpec {
    code: "222062",
    prefecture: "静岡県",
    name: "三島市",
    iss: "https://city.mishima.example",
    pseudonym_contexts: &[MISHIMA_POOL_COUPON],
};

/// 加古川市: a member of the Harima region (播磨圏域連携中枢都市圏) with 姫路市, whose children
/// enter Himeji's facilities (`../shared/seeds/000_2cab3622a7b836b8.txt:4023`).
pub const KAKOGAWA: CitySpec = CitySpec {
    code: "282103",
    prefecture: "兵庫県",
    name: "加古川市",
    iss: "https://city.kakogawa.example",
    pseudonym_contexts: &[],
};

/// The escrow trustees of every city, in the order they are asked; any two open a link.
pub const TRUSTEES: [&str; 3] = ["family-court", "bar-association", "privacy-commissioner"];
/// How many trustees must release a share.
const THRESHOLD: u8 = 2;

/// An escrow trustee: its admin token and its X25519 key (held offline in real life).
struct Trustee {
    token: String,
    key: TrusteeKey,
}

/// A running issuer service and its staff's bearer tokens.
pub struct City {
    /// Which city.
    pub spec: CitySpec,
    /// The service (its keys, lists).
    pub service: Service,
    addr: SocketAddr,
    operator: String,
    officer: String,
    trustees: Vec<Trustee>,
    stop: Option<oneshot::Sender<()>>,
}

impl City {
    /// Opens the service under `dir` and serves it on a loopback port of `runtime`.
    pub fn start(
        runtime: &Runtime,
        spec: CitySpec,
        dir: &Path,
        clock: Arc<dyn Clock>,
        jpki: JpkiSetup,
    ) -> DemoResult<City> {
        let (operator, operator_entry) =
            AdminTokenEntry::generate("demo-operator", AdminRole::Operator).map_err(fail)?;
        let (officer, officer_entry) =
            AdminTokenEntry::generate("demo-officer", AdminRole::RevocationOfficer)
                .map_err(fail)?;
        // The city's own configured municipality: code, prefecture and name.
        let mut config = ServiceConfig::new(spec.code, spec.name, spec.iss);
        config.prefecture = Some(spec.prefecture.to_owned());
        config.listen = "127.0.0.1:0".into();
        config.rules.status_list_capacity = 1 << 12;
        config.admin_tokens = vec![operator_entry, officer_entry];
        // Every actor of the story is one client (127.0.0.1) playing at full speed: the rate
        // limits, meant for the open network, are raised for it.
        config.edge.requests_per_second_per_client = 100_000;
        config.edge.burst_per_client = 100_000;
        config.edge.requests_per_second = 100_000;
        let trustees = TRUSTEES
            .iter()
            .map(|name| {
                let (token, entry) =
                    AdminTokenEntry::generate(name, AdminRole::Trustee).map_err(fail)?;
                config.admin_tokens.push(entry);
                let key = TrusteeKey::generate(name).map_err(fail)?;
                Ok(Trustee { token, key })
            })
            .collect::<DemoResult<Vec<_>>>()?;
        config.escrow = Some(EscrowConfig {
            threshold: THRESHOLD,
            trustees: trustees
                .iter()
                .map(|t| TrusteeEntry {
                    id: t.key.public().id().as_str().to_owned(),
                    public_key: myna_vc_core::b64::encode(t.key.public().key_bytes()),
                })
                .collect(),
        });
        config.pseudonym_contexts = spec
            .pseudonym_contexts
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        let service = Service::open(ServiceOptions {
            config,
            data_dir: dir.join(spec.code),
            passphrase: Zeroizing::new(format!("demo passphrase of {}", spec.code)),
            clock,
            jpki: Some(jpki),
        })
        .map_err(fail)?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .map_err(fail)?;
        let addr = listener.local_addr().map_err(fail)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = service.clone();
        runtime.spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = serving.serve(listener, shutdown).await {
                eprintln!("myna-demo: the issuer service stopped: {error}");
            }
        });
        Ok(City {
            spec,
            service,
            addr,
            operator,
            officer,
            trustees,
            stop: Some(stop),
        })
    }

    /// Where the wallets' requests for this city really go.
    pub fn route(&self) -> DemoResult<LoopbackRoute> {
        LoopbackRoute::new(self.spec.iss, self.addr).map_err(fail)
    }

    /// The loopback URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Imports a CRL (DER) as the revocation officer.
    pub fn import_crl(&self, http: &reqwest::blocking::Client, der: Vec<u8>) -> DemoResult<()> {
        let response = http
            .post(self.url("/admin/crl"))
            .bearer_auth(&self.officer)
            .header("content-type", "application/pkix-crl")
            .body(der)
            .send()
            .map_err(fail)?;
        answer(response).map(drop)
    }

    /// An offer with facts from the resident register, made by the operator at the desk:
    /// the offer and its PIN.
    pub fn staff_offer(
        &self,
        http: &reqwest::blocking::Client,
        credentials: Value,
    ) -> DemoResult<(CredentialOffer, Option<String>)> {
        let body = serde_json::json!({ "tx_code": true, "credentials": credentials });
        let created = self.post(http, "/admin/offers", Some(&self.operator), &body)?;
        let offer = offer_in(&created)?;
        let pin = created
            .get("tx_code")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok((offer, pin))
    }

    /// A self-service offer of the caller's pseudonym in `context` (no staff, no PIN): what a
    /// forum's sign-up page links to.
    pub fn pseudonym_offer(
        &self,
        http: &reqwest::blocking::Client,
        context: &str,
    ) -> DemoResult<CredentialOffer> {
        let body = serde_json::json!({ "context": context });
        offer_in(&self.post(http, "/pseudonym-offers", None, &body)?)
    }

    /// The operator starts an escrow opening of `pseudonym` in `context` (on a court order):
    /// the opening's id.
    pub fn start_opening(
        &self,
        http: &reqwest::blocking::Client,
        context: &str,
        pseudonym: &str,
    ) -> DemoResult<String> {
        let body = serde_json::json!({ "context": context, "pseudonym": pseudonym });
        let opening = self.post(http, "/admin/escrow/openings", Some(&self.operator), &body)?;
        opening
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| "the opening has no id".to_owned())
    }

    /// Trustee number `trustee` ([`TRUSTEES`]) reads the sealed link of opening `id`, releases
    /// its share with its own key and submits it: the service's answer (an HTTP refusal is
    /// `Err`).
    pub fn release_share(
        &self,
        http: &reqwest::blocking::Client,
        trustee: usize,
        id: &str,
    ) -> DemoResult<Value> {
        let trustee = self.trustees.get(trustee).ok_or("no such trustee")?;
        let path = format!("/admin/escrow/openings/{id}");
        let view = answer(
            http.get(self.url(&path))
                .bearer_auth(&trustee.token)
                .send()
                .map_err(fail)?,
        )?;
        let sealed = view
            .get("sealed_link")
            .and_then(Value::as_str)
            .ok_or("the opening shows no sealed link")?;
        let sealed = myna_vc_core::b64::decode(sealed, "sealed link").map_err(fail)?;
        let sealed = SealedLink::from_bytes(&sealed).map_err(fail)?;
        let share = trustee.key.release(&sealed).map_err(fail)?;
        let body = serde_json::json!({ "share": myna_vc_core::b64::encode(&*share.to_bytes()) });
        self.post(http, &format!("{path}/shares"), Some(&trustee.token), &body)
    }

    /// POSTs `body` as JSON to `path`, with a bearer token if given: the JSON answer.
    fn post(
        &self,
        http: &reqwest::blocking::Client,
        path: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> DemoResult<Value> {
        let mut request = http
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        answer(request.send().map_err(fail)?)
    }

    /// The opening `id` as the operator sees it (the person handle once it is complete).
    pub fn opening(&self, http: &reqwest::blocking::Client, id: &str) -> DemoResult<Value> {
        answer(
            http.get(self.url(&format!("/admin/escrow/openings/{id}")))
                .bearer_auth(&self.operator)
                .send()
                .map_err(fail)?,
        )
    }

    /// This city's entry of its own signed trust list (`GET /trust-list`), checked with its
    /// authority key: what the national trust authority collects.
    pub fn trust_entry(
        &self,
        http: &reqwest::blocking::Client,
        now: NumericDate,
    ) -> DemoResult<TrustedIssuer> {
        let token = http
            .get(self.url("/trust-list"))
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.text())
            .map_err(fail)?;
        let list = TrustList::verify(
            &token,
            default_provider(),
            &self.service.authority_key(),
            now,
        )
        .map_err(fail)?;
        list.list()
            .entries
            .iter()
            .find(|entry| entry.id == self.spec.iss)
            .cloned()
            .ok_or_else(|| format!("{} is not on its own trust list", self.spec.iss))
    }

    /// Stops serving (requests in flight finish).
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The credential offer in an answer that created one.
fn offer_in(created: &Value) -> DemoResult<CredentialOffer> {
    let offer = created
        .get("credential_offer")
        .ok_or("the answer has no credential_offer")?;
    CredentialOffer::from_json(offer.to_string().as_bytes()).map_err(fail)
}

/// The JSON body of a 2xx answer, or the service's OAuth-style error.
fn answer(response: reqwest::blocking::Response) -> DemoResult<Value> {
    let status = response.status();
    let text = response.text().map_err(fail)?;
    if !status.is_success() {
        return Err(format!("HTTP {}: {text}", status.as_u16()));
    }
    serde_json::from_str(&text).map_err(fail)
}
