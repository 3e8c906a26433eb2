//! One municipality's issuer: the real `myna-issuer` HTTP service in a temporary directory,
//! served on 127.0.0.1:0, with staff (operator, revocation officer) and escrow trustees.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use myna_issuer::escrow::TrusteeKey;
use myna_issuer::service::config::{
    AdminRole, AdminTokenEntry, EscrowConfig, ServiceConfig, TrusteeEntry,
};
use myna_issuer::service::{JpkiSetup, Service, ServiceOptions};
use myna_vc_core::crypto::default_provider;
use myna_vc_core::oid4vci::{CredentialOffer, Message};
use myna_vc_core::time::{Clock, NumericDate};
use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
use myna_wallet::http::LoopbackRoute;
use serde_json::{json, Value};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use zeroize::Zeroizing;

use super::Outcome;

/// Which municipality, and where it would live on the internet.
#[derive(Debug, Clone, Copy)]
pub struct CitySpec {
    /// 全国地方公共団体コード.
    pub code: &'static str,
    /// Its prefecture, as addresses write it.
    pub prefecture: &'static str,
    /// Its name as addresses write it after the prefecture.
    pub name: &'static str,
    /// Its public base URL (the OpenID4VCI issuer identifier).
    pub iss: &'static str,
    /// Contexts of self-service pseudonyms (`POST /pseudonym-offers`).
    pub pseudonym_contexts: &'static [&'static str],
}

/// 前橋市, with a citizens' forum whose members ask for their pseudonym themselves.
pub const MAEBASHI: CitySpec = CitySpec {
    code: "102016",
    prefecture: "群馬県",
    name: "前橋市",
    iss: "https://city.maebashi.example",
    pseudonym_contexts: &["maebashi-forum"],
};
/// 三島市.
pub const MISHIMA: CitySpec = CitySpec {
    code: "222062",
    prefecture: "静岡県",
    name: "三島市",
    iss: "https://city.mishima.example",
    pseudonym_contexts: &[],
};

/// A running issuer service and its staff's bearer tokens.
pub struct City {
    /// Which city.
    pub spec: CitySpec,
    /// The service (its keys and lists).
    pub service: Service,
    addr: SocketAddr,
    operator: String,
    officer: String,
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
    ) -> Outcome<City> {
        let (operator, operator_entry) =
            AdminTokenEntry::generate("test-operator", AdminRole::Operator)?;
        let (officer, officer_entry) =
            AdminTokenEntry::generate("test-officer", AdminRole::RevocationOfficer)?;
        let mut config = ServiceConfig::new(spec.code, spec.name, spec.iss);
        config.prefecture = Some(spec.prefecture.to_owned());
        config.listen = "127.0.0.1:0".into();
        config.rules.status_list_capacity = 1 << 12;
        config.admin_tokens = vec![operator_entry, officer_entry];
        // Every actor of a test is one client (127.0.0.1) at full speed: the rate limits,
        // meant for the open network, are raised for it.
        config.edge.requests_per_second_per_client = 100_000;
        config.edge.burst_per_client = 100_000;
        config.edge.requests_per_second = 100_000;
        // Pseudonyms are issued only when their link to the person can be escrowed.
        let trustees = ["family-court", "bar-association"]
            .into_iter()
            .map(TrusteeKey::generate)
            .collect::<Result<Vec<_>, _>>()?;
        config.escrow = Some(EscrowConfig {
            threshold: 2,
            trustees: trustees
                .iter()
                .map(|t| TrusteeEntry {
                    id: t.public().id().as_str().to_owned(),
                    public_key: myna_vc_core::b64::encode(t.public().key_bytes()),
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
            passphrase: Zeroizing::new(format!("test passphrase of {}", spec.code)),
            clock,
            jpki: Some(jpki),
        })?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = service.clone();
        runtime.spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            // A failure shows up in the tests as refused connections, with its own message.
            if let Err(error) = serving.serve(listener, shutdown).await {
                eprintln!("issuer service stopped: {error}");
            }
        });
        Ok(City {
            spec,
            service,
            addr,
            operator,
            officer,
            stop: Some(stop),
        })
    }

    /// Where the wallets' requests for this city really go.
    pub fn route(&self) -> Outcome<LoopbackRoute> {
        Ok(LoopbackRoute::new(self.spec.iss, self.addr)?)
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Imports a CRL (DER) as the revocation officer.
    pub fn import_crl(&self, http: &reqwest::blocking::Client, der: Vec<u8>) -> Outcome {
        let response = http
            .post(self.url("/admin/crl"))
            .bearer_auth(&self.officer)
            .header("content-type", "application/pkix-crl")
            .body(der)
            .send()?;
        answer(response).map(drop)
    }

    /// An offer of `credentials` (facts as for `POST /admin/offers`) made by the operator at
    /// the desk: the offer and its PIN.
    pub fn staff_offer(
        &self,
        http: &reqwest::blocking::Client,
        credentials: Value,
    ) -> Outcome<(CredentialOffer, Option<String>)> {
        let body = json!({ "tx_code": true, "credentials": credentials });
        let created = self.post(http, "/admin/offers", Some(&self.operator), &body)?;
        let pin = created
            .get("tx_code")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok((offer_in(&created)?, pin))
    }

    /// The self-service offer of the caller's pseudonym in `context` (no staff, no PIN).
    pub fn pseudonym_offer(
        &self,
        http: &reqwest::blocking::Client,
        context: &str,
    ) -> Outcome<CredentialOffer> {
        let body = json!({ "context": context });
        offer_in(&self.post(http, "/pseudonym-offers", None, &body)?)
    }

    /// The revocation officer revokes the credential with status entry `status` (the
    /// credential's `status.status_list` claim).
    pub fn revoke(&self, http: &reqwest::blocking::Client, status: &Value) -> Outcome {
        let body = json!({ "status": status, "reason": "holder_request" });
        self.post(
            http,
            "/admin/credentials/revoke",
            Some(&self.officer),
            &body,
        )
        .map(drop)
    }

    fn post(
        &self,
        http: &reqwest::blocking::Client,
        path: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> Outcome<Value> {
        let mut request = http
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        answer(request.send()?)
    }

    /// This city's entry of its own signed trust list, checked with its authority key: what
    /// the national trust authority collects.
    pub fn trust_entry(
        &self,
        http: &reqwest::blocking::Client,
        now: NumericDate,
    ) -> Outcome<TrustedIssuer> {
        let token = http
            .get(self.url("/trust-list"))
            .send()?
            .error_for_status()?
            .text()?;
        let list = TrustList::verify(
            &token,
            default_provider(),
            &self.service.authority_key(),
            now,
        )?;
        list.list()
            .entries
            .iter()
            .find(|entry| entry.id == self.spec.iss)
            .cloned()
            .ok_or_else(|| format!("{} is not on its own trust list", self.spec.iss).into())
    }

    /// Stops serving (requests in flight finish).
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may have stopped already; nothing waits for this signal then.
            let _ = stop.send(());
        }
    }
}

fn offer_in(created: &Value) -> Outcome<CredentialOffer> {
    let offer = created
        .get("credential_offer")
        .ok_or("the answer has no credential_offer")?;
    Ok(CredentialOffer::from_json(offer.to_string().as_bytes())?)
}

/// The JSON body of a 2xx answer, or the service's OAuth-style error as the error.
fn answer(response: reqwest::blocking::Response) -> Outcome<Value> {
    let status = response.status();
    let text = response.text()?;
    if !status.is_success() {
        return Err(format!("HTTP {}: {text}", status.as_u16()).into());
    }
    Ok(serde_json::from_str(&text)?)
}
