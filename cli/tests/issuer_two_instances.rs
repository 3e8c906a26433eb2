//! Issue 20: two `myna issuer serve` processes on ONE PostgreSQL database serve one issuer.
//!
//! * `two_instances_serve_one_issuer`: 32 concurrent wallets for [`LOAD`], each taking an
//!   offer from the admin API of one instance and redeeming it (token, `c_nonce`, a batch of
//!   two credentials) at the OTHER. Then: no request failed; every record in the database has
//!   its own status entry and the credentials handed out are exactly the records; the audit
//!   chain is one chain, intact, with exactly one entry per offer and per issued batch, and
//!   both instances report its head; credentials revoked through instance A show as revoked in
//!   instance B's very next status list, and every other credential as valid, in both lists.
//! * `kill_9_loses_nothing_acknowledged`: while clients stream offers and issuances at
//!   instance A, A is killed with SIGKILL. Every offer A acknowledged is redeemed afterwards
//!   at B, every credential A acknowledged has its record and a valid status entry, the audit
//!   chain is intact, B kept serving, and A restarts on the same database and agrees with B.
//!
//! The bound on a revocation reaching the other instance: none server-side — each instance
//! reads the list's version from the database on every `GET /status/N` and re-signs when it
//! moved — so a client sees it within the list's `Cache-Control: max-age`
//! (`rules.status_max_age_secs`, 300 s by default) of its own cache.
//!
//! Needs PostgreSQL: `MYNA_TEST_DATABASE_URL` (a cluster from `scripts/pg-cluster start`);
//! without it the tests say so and pass, unless `MYNA_REQUIRE_POSTGRES=1`, when they fail.
//! [`LOAD`] is a load parameter (how long the wallets run), not a timing assertion.
#![cfg(test)]

mod support;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use myna_issuer::service::config::ServiceConfig;
use myna_issuer::service::keys::KeyRing;
use myna_issuer::store::{PgStore, Store};
use myna_postgres::DatabaseConfig;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey, Signer};
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::oid4vci::{build_key_proof, CNonce, CredentialRequest, IssuerId};
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions};
use myna_vc_core::status_list::{Status, StatusListToken, StatusListUri, StatusReference};
use myna_vc_core::time::NumericDate;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use support::free_port;
use support::issuer::{Issuer, OFFICER, OPERATOR, PASSPHRASE};
use support::serve::RunningService;

/// How long the 32 wallets run (a load parameter).
const LOAD: Duration = Duration::from_secs(20);
/// Concurrent wallets, split across the two instances.
const WALLETS: usize = 32;
/// Credentials each wallet asks for per offer (one batch: one `issue_batch` call).
const COPIES: usize = 2;
/// The issuer's identifier (`support::issuer` initialises it so).
const ISSUER_ID: &str = "https://vc.city.maebashi.example";
/// Where its credential status list is.
const STATUS_LIST: &str = "https://vc.city.maebashi.example/status/1";

fn unix_now() -> NumericDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    NumericDate::from_unix(i64::try_from(secs).unwrap())
}

/// One issuer, its data directory copied for a second machine, its store in a fresh schema
/// of the test cluster.
struct Deployment {
    issuer: Issuer,
    /// The second instance's copy of the data directory (issuer.toml, keys.json, roots).
    data_b: PathBuf,
    database: DatabaseConfig,
    /// The environment every `myna` process of this deployment gets.
    envs: Vec<(&'static str, String)>,
    /// The database password, which no log may show.
    password: String,
    issuer_key: PublicKey,
    operator: String,
    officer: String,
}

impl Deployment {
    /// `myna issuer init` with its store in a fresh schema, the service's rate limits raised
    /// for wallets that all come from 127.0.0.1, and a copy of the data directory; `None`
    /// without a cluster (unless one is required: then `fresh_schema` fails the test).
    fn init() -> Option<Deployment> {
        let database = myna_postgres::testing::fresh_schema()?;
        let url = std::env::var(myna_postgres::testing::URL_VAR).unwrap();
        let password = url
            .strip_prefix("postgres://")
            .and_then(|rest| rest.split_once('@'))
            .and_then(|(user, _)| user.split_once(':'))
            .map(|(_, password)| password.to_owned())
            .unwrap_or_default();
        let schema = database.schema.as_ref().unwrap().as_str().to_owned();
        let envs = vec![
            ("MYNA_ISSUER_PASSPHRASE", PASSPHRASE.to_owned()),
            ("MYNA_DATABASE_URL", url),
            ("MYNA_DATABASE_SCHEMA", schema),
        ];
        let borrowed: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let issuer = Issuer::init_in(tempfile::tempdir().unwrap(), &[], &[], &borrowed);
        raise_rate_limits(&issuer.data.join("issuer.toml"));
        let data_b = issuer.dir.path().join("city-b");
        copy_dir(&issuer.data, &data_b);
        let keys = KeyRing::open_existing(&issuer.data.join("keys.json"), PASSPHRASE).unwrap();
        Some(Deployment {
            operator: issuer.token_text(OPERATOR),
            officer: issuer.token_text(OFFICER),
            issuer,
            data_b,
            database,
            envs,
            password,
            issuer_key: keys.issuer.public_key(),
        })
    }

    /// `myna issuer serve` of instance `name` (`a` serves the original data directory, any
    /// other its copy) on `addr`.
    fn serve(&self, name: &str, addr: SocketAddr) -> RunningService {
        let data = if name == "a" {
            &self.issuer.data
        } else {
            &self.data_b
        };
        let data = data.to_str().unwrap();
        let listen = addr.to_string();
        let log = self.issuer.dir.path().join(format!("serve-{name}.log"));
        let envs: Vec<(&str, &str)> = self.envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        RunningService::start(
            &["issuer", "serve", "--data-dir", data, "--listen", &listen],
            &envs,
            addr,
            &log,
        )
    }

    fn store(&self) -> PgStore {
        PgStore::open(&self.database).unwrap()
    }

    /// Its log never shows the database password (a URL without one has nothing to show).
    fn assert_log_keeps_the_password(&self, service: &RunningService) {
        let log = service.log_text();
        assert!(log.contains("issuer service listening"), "{log}");
        assert!(
            self.password.is_empty() || !log.contains(&self.password),
            "the password in a log: {log}"
        );
    }
}

/// Every wallet comes from 127.0.0.1 at full speed: the per-client limits, meant for the
/// open network, would otherwise answer 429.
fn raise_rate_limits(path: &Path) {
    let mut config = ServiceConfig::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap();
    config.edge.requests_per_second_per_client = 1_000_000;
    config.edge.burst_per_client = 1_000_000;
    config.edge.requests_per_second = 1_000_000;
    config.edge.max_connections_per_client = 512;
    std::fs::write(path, config.to_toml().unwrap()).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], free_port()))
}

/// An offer an operator made: its pre-authorized code and person.
#[derive(Debug, Clone)]
struct Offer {
    code: String,
    subject: String,
}

/// A credential handed out, with its status entry.
#[derive(Debug, Clone)]
struct Issued {
    status: StatusReference,
}

/// A wallet's (and an operator's) HTTP client: every call answers `Err` with what went wrong
/// instead of panicking, so a caller counts failures.
struct Api {
    http: Client,
    issuer_key: PublicKey,
}

impl Api {
    fn new(issuer_key: &PublicKey) -> Api {
        Api {
            http: Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
            issuer_key: issuer_key.clone(),
        }
    }

    /// Sends `request`; its JSON body when the status is `expected`.
    fn call(
        &self,
        what: &str,
        request: reqwest::blocking::RequestBuilder,
        expected: u16,
    ) -> Result<Value, String> {
        let response = request.send().map_err(|e| format!("{what}: {e}"))?;
        let status = response.status().as_u16();
        let body = response.text().map_err(|e| format!("{what}: {e}"))?;
        if status != expected {
            return Err(format!("{what}: {status} {body}"));
        }
        serde_json::from_str(&body).map_err(|e| format!("{what}: not JSON ({e}): {body}"))
    }

    /// `POST /admin/offers` of an age credential at `base`.
    fn offer(&self, base: &str, operator: &str) -> Result<Offer, String> {
        let body = json!({"tx_code": false,
            "credentials": [{"credential": "age", "birthdate": "1990-05-01"}]});
        let request = self
            .http
            .post(format!("{base}/admin/offers"))
            .bearer_auth(operator)
            .json(&body);
        let created = self.call("offer", request, 201)?;
        let code = created["credential_offer"]["grants"]
            ["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
            .as_str()
            .ok_or_else(|| format!("offer without a code: {created}"))?;
        let subject = created["subject"]
            .as_str()
            .ok_or_else(|| format!("offer without a subject: {created}"))?;
        Ok(Offer {
            code: code.to_owned(),
            subject: subject.to_owned(),
        })
    }

    /// Redeems `offer` at `base`: token, `c_nonce`, one credential request with `copies`
    /// key proofs; the credentials, each verified with the issuer key.
    fn redeem(&self, base: &str, offer: &Offer, copies: usize) -> Result<Vec<Issued>, String> {
        let form = [
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            ),
            ("pre-authorized_code", offer.code.as_str()),
        ];
        let token = self.call(
            "token",
            self.http.post(format!("{base}/token")).form(&form),
            200,
        )?;
        let access = token["access_token"]
            .as_str()
            .ok_or_else(|| format!("no access token: {token}"))?;
        let nonce = self.call("nonce", self.http.post(format!("{base}/nonce")), 200)?;
        let nonce = nonce["c_nonce"]
            .as_str()
            .ok_or_else(|| format!("no c_nonce: {nonce}"))?;
        let issuer = IssuerId::new(ISSUER_ID).unwrap();
        let now = unix_now();
        let proofs = (0..copies)
            .map(|_| {
                let holder: Box<dyn Signer> = default_provider()
                    .signer(&SecretKey::generate_p256().unwrap())
                    .unwrap();
                build_key_proof(&*holder, &issuer, Some(&CNonce::new(nonce)), now).unwrap()
            })
            .collect();
        let request = CredentialRequest::for_configuration("age", proofs);
        let answer = self.call(
            "credential",
            self.http
                .post(format!("{base}/credential"))
                .bearer_auth(access)
                .json(&request),
            200,
        )?;
        let credentials = answer["credentials"]
            .as_array()
            .ok_or_else(|| format!("no credentials: {answer}"))?;
        if credentials.len() != copies {
            return Err(format!(
                "{} credentials for {copies} proofs",
                credentials.len()
            ));
        }
        credentials
            .iter()
            .map(|c| {
                let text = c["credential"]
                    .as_str()
                    .ok_or("a credential not a string")?;
                let options = VcVerifyOptions::at(now, KeyBindingRule::Optional);
                let verified =
                    sdjwt_vc::verify(text, default_provider(), &self.issuer_key, &options)
                        .map_err(|e| format!("credential does not verify: {e}"))?;
                let status = verified
                    .status()
                    .map_err(|e| e.to_string())?
                    .ok_or("a credential without status")?;
                Ok(Issued { status })
            })
            .collect()
    }

    /// The status of each of `references` in the credential status list `base` serves,
    /// the token verified with the issuer key.
    fn statuses(&self, base: &str, references: &[StatusReference]) -> Vec<Status> {
        let response = self.http.get(format!("{base}/status/1")).send().unwrap();
        assert_eq!(response.status(), 200);
        let jwt = response.text().unwrap();
        let uri = StatusListUri::new(STATUS_LIST).unwrap();
        let list = StatusListToken::verify(
            &jwt,
            default_provider(),
            &self.issuer_key,
            &TimeRules::at(unix_now()),
            &uri,
        )
        .unwrap();
        references
            .iter()
            .map(|r| list.status_of(r).unwrap())
            .collect()
    }

    /// `GET /admin/audit/verify` at `base`: the entry count and head it reports (intact).
    fn audit_head(&self, base: &str, operator: &str) -> (u64, String) {
        let request = self
            .http
            .get(format!("{base}/admin/audit/verify"))
            .bearer_auth(operator);
        let head = self.call("audit verify", request, 200).unwrap();
        assert_eq!(head["intact"], true, "{head}");
        (
            head["entries"].as_u64().unwrap(),
            head["head"].as_str().unwrap().to_owned(),
        )
    }

    /// Revokes the credential at `status` through the admin API at `base`.
    fn revoke(&self, base: &str, officer: &str, status: &StatusReference) -> Result<(), String> {
        let body = json!({"status": {"uri": status.uri.as_str(), "idx": status.index.get()},
            "reason": "holder_request"});
        let request = self
            .http
            .post(format!("{base}/admin/credentials/revoke"))
            .bearer_auth(officer)
            .json(&body);
        let answer = self.call("revoke", request, 200)?;
        (answer["status"] == Status::INVALID.value())
            .then_some(())
            .ok_or_else(|| format!("revoke answered {answer}"))
    }
}

/// The audit chain as the store checks it: entry count and head, base64url.
fn store_audit_head(store: &PgStore) -> (u64, String) {
    let head = store.verify_audit_head().unwrap();
    (head.entries, myna_vc_core::b64::encode(head.head))
}

/// The database's records as status entry → count; asserts no entry is held twice.
fn records_by_status(store: &PgStore) -> HashMap<StatusReference, usize> {
    let records = store.all_records().unwrap();
    let mut by_status = HashMap::new();
    for record in &records {
        *by_status.entry(record.status.clone()).or_insert(0) += 1;
    }
    let doubled: Vec<_> = by_status.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "status entries held twice: {doubled:?}");
    by_status
}

#[test]
fn two_instances_serve_one_issuer() {
    let Some(deployment) = Deployment::init() else {
        eprintln!("skipped: no PostgreSQL (set MYNA_TEST_DATABASE_URL)");
        return;
    };
    let (addr_a, addr_b) = (loopback(), loopback());
    let a = deployment.serve("a", addr_a);
    let b = deployment.serve("b", addr_b);
    let bases = [format!("http://{addr_a}"), format!("http://{addr_b}")];
    let store = deployment.store();
    let (audit_before, _) = store_audit_head(&store);

    let deadline = Instant::now() + LOAD;
    let wallets: Vec<_> = (0..WALLETS)
        .map(|i| {
            // Even wallets take offers from A and redeem them at B; odd ones the other way.
            let (offer_at, redeem_at) = (bases[i % 2].clone(), bases[(i + 1) % 2].clone());
            let (key, operator) = (deployment.issuer_key.clone(), deployment.operator.clone());
            std::thread::spawn(move || {
                let api = Api::new(&key);
                let (mut offers, mut issued, mut errors) = (0usize, Vec::new(), Vec::new());
                while Instant::now() < deadline {
                    let flow = api.offer(&offer_at, &operator).and_then(|offer| {
                        offers += 1;
                        api.redeem(&redeem_at, &offer, COPIES)
                    });
                    match flow {
                        Ok(credentials) => issued.extend(credentials),
                        Err(e) => errors.push(e),
                    }
                }
                (offers, issued, errors)
            })
        })
        .collect();
    let (mut offers, mut issued, mut errors) = (0usize, Vec::new(), Vec::new());
    for wallet in wallets {
        let (o, i, e) = wallet.join().unwrap();
        offers += o;
        issued.extend(i);
        errors.extend(e);
    }
    let batches = issued.len() / COPIES;
    println!(
        "two instances, {WALLETS} wallets, {} s: {offers} offers, {batches} batches, {} \
         credentials ({:.1}/s), {} errors",
        LOAD.as_secs(),
        issued.len(),
        issued.len() as f64 / LOAD.as_secs_f64(),
        errors.len()
    );
    assert!(
        errors.is_empty(),
        "{} errors: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(
        batches >= WALLETS,
        "every wallet got credentials ({batches} batches)"
    );

    // The database: exactly the credentials handed out, each with an entry of its own.
    let by_status = records_by_status(&store);
    let handed_out: HashSet<&StatusReference> = issued.iter().map(|i| &i.status).collect();
    assert_eq!(
        handed_out.len(),
        issued.len(),
        "two credentials with one entry"
    );
    assert_eq!(
        by_status.len(),
        issued.len(),
        "records beyond the credentials"
    );
    assert!(handed_out.iter().all(|s| by_status.contains_key(*s)));

    // One chain: an entry per offer and per batch, none lost to a fork, both instances
    // reading the same head.
    let (entries, head) = store_audit_head(&store);
    assert_eq!(entries, audit_before + (offers + batches) as u64);
    let api = Api::new(&deployment.issuer_key);
    for base in &bases {
        assert_eq!(
            api.audit_head(base, &deployment.operator),
            (entries, head.clone())
        );
    }

    // Revocations through A, seen in B's next list (and A's).
    let references: Vec<StatusReference> = issued.iter().map(|i| i.status.clone()).collect();
    let revoked: HashSet<usize> = (0..references.len()).step_by(7).take(40).collect();
    for i in &revoked {
        api.revoke(&bases[0], &deployment.officer, &references[*i])
            .unwrap();
    }
    for base in [&bases[1], &bases[0]] {
        let statuses = api.statuses(base, &references);
        for (i, status) in statuses.iter().enumerate() {
            let expected = if revoked.contains(&i) {
                Status::INVALID
            } else {
                Status::VALID
            };
            assert_eq!(*status, expected, "credential {i} in the list at {base}");
        }
    }
    for (i, reference) in references.iter().enumerate().step_by(5) {
        let record = store
            .all_records()
            .unwrap()
            .into_iter()
            .find(|r| &r.status == reference)
            .unwrap();
        let expected = if revoked.contains(&i) {
            Status::INVALID
        } else {
            Status::VALID
        };
        assert_eq!(store.credential_status(&record.id).unwrap(), expected);
    }
    let (after, _) = store_audit_head(&store);
    assert_eq!(after, entries + revoked.len() as u64);
    deployment.assert_log_keeps_the_password(&a);
    deployment.assert_log_keeps_the_password(&b);
}

/// What the clients of the killed instance were told had succeeded.
#[derive(Default)]
struct Acknowledged {
    offers: Vec<Offer>,
    credentials: Vec<Issued>,
    /// Requests that failed once the instance was killed.
    cut: usize,
}

#[test]
fn kill_9_loses_nothing_acknowledged() {
    let Some(deployment) = Deployment::init() else {
        eprintln!("skipped: no PostgreSQL (set MYNA_TEST_DATABASE_URL)");
        return;
    };
    let (addr_a, addr_b) = (loopback(), loopback());
    let mut a = deployment.serve("a", addr_a);
    let b = deployment.serve("b", addr_b);
    let (base_a, base_b) = (format!("http://{addr_a}"), format!("http://{addr_b}"));

    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let killed = Arc::new(AtomicBool::new(false));
    // Half the clients make offers at A (to be redeemed at B later), half run issuances at A,
    // three credentials per request; each stops at its first failure after the kill.
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let (acknowledged, killed) = (acknowledged.clone(), killed.clone());
            let (key, operator, base) = (
                deployment.issuer_key.clone(),
                deployment.operator.clone(),
                base_a.clone(),
            );
            std::thread::spawn(move || {
                let api = Api::new(&key);
                loop {
                    let answer = api.offer(&base, &operator).and_then(|offer| {
                        if i % 2 == 0 {
                            return Ok((Some(offer), Vec::new()));
                        }
                        Ok((None, api.redeem(&base, &offer, 3)?))
                    });
                    let mut ack = acknowledged.lock().unwrap();
                    match answer {
                        Ok((offer, credentials)) => {
                            ack.offers.extend(offer);
                            ack.credentials.extend(credentials);
                        }
                        Err(_) if killed.load(Ordering::SeqCst) => {
                            ack.cut += 1;
                            return;
                        }
                        Err(e) => panic!("before the kill: {e}"),
                    }
                }
            })
        })
        .collect();
    // Kill once the stream is well under way (a count, not a time).
    loop {
        let enough = {
            let ack = acknowledged.lock().unwrap();
            ack.offers.len() >= 40 && ack.credentials.len() >= 60
        };
        // A client that failed before the kill has panicked: its join below shows why.
        if enough || clients.iter().any(|c| c.is_finished()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    killed.store(true, Ordering::SeqCst);
    a.kill();
    for client in clients {
        client.join().unwrap();
    }
    let ack = Arc::into_inner(acknowledged).unwrap().into_inner().unwrap();
    println!(
        "kill -9 mid-stream: {} offers and {} credentials acknowledged, {} requests cut",
        ack.offers.len(),
        ack.credentials.len(),
        ack.cut
    );
    assert_eq!(ack.cut, 8, "every client saw the kill");

    // Every acknowledged credential has its record and a valid entry, none shared.
    let store = deployment.store();
    let by_status = records_by_status(&store);
    for issued in &ack.credentials {
        assert!(
            by_status.contains_key(&issued.status),
            "{:?} lost",
            issued.status
        );
    }
    let (entries, head) = store_audit_head(&store);
    let api = Api::new(&deployment.issuer_key);
    assert_eq!(
        api.audit_head(&base_b, &deployment.operator),
        (entries, head)
    );
    let references: Vec<_> = ack.credentials.iter().map(|i| i.status.clone()).collect();
    assert!(api
        .statuses(&base_b, &references)
        .iter()
        .all(|s| *s == Status::VALID));

    // B keeps serving: every offer A acknowledged is redeemed there.
    let mut redeemed = Vec::new();
    for offer in &ack.offers {
        redeemed.extend(api.redeem(&base_b, offer, 1).unwrap());
    }
    assert_eq!(redeemed.len(), ack.offers.len());
    let offered_to: HashSet<&str> = ack.offers.iter().map(|o| o.subject.as_str()).collect();
    assert_eq!(
        offered_to.len(),
        ack.offers.len(),
        "each offer its own person"
    );

    // A restarts on the same database and agrees with B.
    let a = deployment.serve("a", addr_a);
    let (entries, head) = store_audit_head(&store);
    for base in [&base_a, &base_b] {
        assert_eq!(
            api.audit_head(base, &deployment.operator),
            (entries, head.clone())
        );
    }
    let offer = api.offer(&base_a, &deployment.operator).unwrap();
    let more = api.redeem(&base_b, &offer, 1).unwrap();
    let all: Vec<_> = references
        .iter()
        .chain(redeemed.iter().chain(&more).map(|i| &i.status))
        .cloned()
        .collect();
    assert_eq!(api.statuses(&base_a, &all), api.statuses(&base_b, &all));
    assert_eq!(
        records_by_status(&store).len(),
        by_status.len() + redeemed.len() + 1
    );
    deployment.assert_log_keeps_the_password(&a);
    deployment.assert_log_keeps_the_password(&b);
}
