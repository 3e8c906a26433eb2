//! The world of the end-to-end tests, built from the crates' public APIs only: a test JPKI CA
//! with a virtual My Number card per resident, real issuer services (`myna-issuer`, feature
//! `service`) on loopback ports, a national trust list collecting their own entries, wallets
//! (`myna-wallet`) that reach the services over HTTP, and verifiers (`myna-verifier`) that
//! fetch the status lists before they decide. Everyone reads one injected clock.
//!
//! The issuers keep their public identifiers (`https://city.….example`); only the transport
//! goes to 127.0.0.1, through `myna_wallet::http::LoopbackRoute`.

pub mod city;
pub mod resident;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use myna_issuer::service::JpkiSetup;
use myna_jpki::certificate::SerialNumber;
use myna_jpki::crl::RevocationReason;
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{IssuedCard, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::{Clock, NumericDate};
use myna_vc_core::trust_list::{TrustList, VerifiedTrustList};
use myna_verifier::decision::Decision;
use myna_verifier::policy::Policy;
use myna_verifier::status_fetch::{refresh, StatusFetcher, StatusSource};
use myna_verifier::transport::{dcql, in_person_challenge, submission_from_vp_token};
use myna_verifier::trust::Trust;
use myna_verifier::verifier::{Verifier, VerifierConfig};
use myna_wallet::http::{HttpIssuer, HttpStatus};
use myna_wallet::present::PresentationRequest;
use myna_wallet::receipt::ReceiptCheck;
use tokio::runtime::Runtime;

pub use city::{City, CitySpec, MAEBASHI, MISHIMA};
pub use resident::{Resident, ResidentSpec, HANAKO, HARUTO, KENTA};

/// What the tests return: any error, with its message in the test output.
pub type Outcome<T = ()> = Result<T, Box<dyn std::error::Error>>;

const DAY: u64 = 86_400;
/// 2027-04-01T09:00:00+09:00: the first day of a Japanese fiscal year.
pub const START: NumericDate = NumericDate::from_unix(1_806_537_600);
const NATIONAL_LIST: &str = "https://trust.myna-tests.example/list";

/// One clock for every party, moved by hand.
#[derive(Debug)]
pub struct TestClock(AtomicI64);

impl TestClock {
    /// Moves the clock `secs` seconds forward for everyone.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> NumericDate {
        NumericDate::from_unix(self.0.load(Ordering::SeqCst))
    }
}

/// The CA, the issuer services, the national trust list and the residents' wallets.
pub struct World {
    /// The shared clock.
    pub clock: Arc<TestClock>,
    /// The running issuer services.
    pub cities: Vec<City>,
    /// The residents, in the order asked for.
    pub residents: Vec<Resident>,
    /// The wallets' HTTP transport to the issuers.
    pub transport: HttpIssuer,
    /// HTTP for staff calls.
    pub http: reqwest::blocking::Client,
    status: HttpStatus,
    ca: Mutex<TestCa>,
    national_list: String,
    authority: PublicKey,
    verified: VerifiedTrustList,
    // Dropped after the services stop (see `Drop`): the runtime, then the data directory.
    _runtime: Runtime,
    _dir: tempfile::TempDir,
}

impl World {
    /// A world with issuer services for `cities` and a card and an empty wallet for each of
    /// `residents`.
    pub fn new(cities: &[CitySpec], residents: &[ResidentSpec]) -> Outcome<World> {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(TestClock(AtomicI64::new(START.as_unix())));
        let (ca, cards) = issue_cards(residents, START)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let cities = cities
            .iter()
            .map(|spec| City::start(&runtime, *spec, dir.path(), clock.clone(), jpki(&ca)?))
            .collect::<Outcome<Vec<City>>>()?;
        let http = reqwest::blocking::Client::new();
        let mut transport = HttpIssuer::new()?;
        let mut status = HttpStatus::new()?;
        for city in &cities {
            transport = transport.with_loopback_route(city.route()?);
            status = status.with_loopback_route(city.route()?);
        }
        let authority = SecretKey::generate_p256()?;
        let mut list = TrustList::new(NATIONAL_LIST, 1, START, START.plus_seconds(30 * DAY));
        for city in &cities {
            list = list.with_issuer(city.trust_entry(&http, START)?);
        }
        let national_list = list.sign(&*default_provider().signer(&authority)?)?;
        let verified = TrustList::verify(
            &national_list,
            default_provider(),
            &authority.public_key(),
            START,
        )?;
        let residents = residents
            .iter()
            .zip(cards)
            .map(|(spec, card)| Resident::new(*spec, card, START))
            .collect::<Outcome<Vec<_>>>()?;
        let world = World {
            clock,
            cities,
            residents,
            transport,
            http,
            status,
            ca: Mutex::new(ca),
            national_list,
            authority: authority.public_key(),
            verified,
            _runtime: runtime,
            _dir: dir,
        };
        world.import_crls()?;
        Ok(world)
    }

    /// Now, on the shared clock.
    pub fn now(&self) -> NumericDate {
        self.clock.now()
    }

    /// The running service of `spec`.
    pub fn city(&self, spec: CitySpec) -> Outcome<&City> {
        self.cities
            .iter()
            .find(|c| c.spec.code == spec.code)
            .ok_or_else(|| format!("no issuer service for {}", spec.name).into())
    }

    /// The resident of `spec`.
    pub fn resident(&self, spec: ResidentSpec) -> Outcome<&Resident> {
        self.residents
            .iter()
            .find(|r| r.spec.name == spec.name)
            .ok_or_else(|| format!("{} is not in this world", spec.name).into())
    }

    /// What a wallet checks every received credential against: the national trust list, the
    /// status lists over HTTP and every credential type's JSON Schema.
    pub fn receipt_check(&self) -> ReceiptCheck<'_> {
        ReceiptCheck::new(&self.verified, &self.status)
    }

    /// J-LIS revokes a certificate; every city imports the CRLs published now.
    pub fn revoke_certificate(
        &self,
        certificate_type: CertificateType,
        serial: SerialNumber,
        reason: RevocationReason,
    ) -> Outcome {
        self.ca
            .lock()
            .map_err(|_| "the CA lock is poisoned")?
            .revoke(certificate_type, serial, reason, self.now());
        self.import_crls()
    }

    fn import_crls(&self) -> Outcome {
        let now = self.now();
        let mut ca = self.ca.lock().map_err(|_| "the CA lock is poisoned")?;
        for ty in CertificateType::ALL {
            let der = ca.crl(ty, now, now.plus_seconds(DAY))?;
            for city in &self.cities {
                city.import_crl(&self.http, der.clone())?;
            }
        }
        Ok(())
    }

    /// A verifier known as `audience`, trusting the national list, with every city's status
    /// list fetched now (verification itself is offline).
    pub fn verifier(&self, audience: &str) -> Outcome<Verifier> {
        let now = self.now();
        let trust = Trust::new(
            self.authority.clone(),
            &self.national_list,
            default_provider(),
            now,
        )?;
        let verifier = Verifier::new(VerifierConfig::new(audience), trust, self.clock.clone());
        let sources = self
            .cities
            .iter()
            .map(|city| StatusSource {
                uri: city.service.status_list().clone(),
                issuer: city.spec.iss.to_owned(),
            })
            .collect::<Vec<_>>();
        let report = refresh(&verifier, &StatusOverHttp(&self.status), &sources);
        if let Some((uri, why)) = report.failed.first() {
            return Err(format!("status list {}: {why}", uri.as_str()).into());
        }
        Ok(verifier)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        for city in &mut self.cities {
            city.stop();
        }
    }
}

/// A counter where `verifier` meets `resident` in person: a fresh nonce, the policy's DCQL
/// query answered by the wallet with the fewest disclosures (confirmed), an OpenID4VP
/// `vp_token`, and the decision.
pub fn ask(verifier: &Verifier, resident: &Resident, policy: &dyn Policy) -> Outcome<Decision> {
    let answer = present(
        &verifier.config().audience,
        resident,
        policy,
        verifier.now(),
    )?;
    Ok(verifier.verify(policy, &answer.0, &answer.1))
}

/// The wallet's answer to `policy` for the verifier `audience`, and the challenge it answers:
/// what a verifier receives (to verify it, or to show it elsewhere).
pub fn present(
    audience: &str,
    resident: &Resident,
    policy: &dyn Policy,
    now: NumericDate,
) -> Outcome<(
    myna_verifier::submission::Submission,
    myna_verifier::submission::Challenge,
)> {
    let (shown, challenge) = in_person_challenge(audience)?;
    let request = PresentationRequest::in_person(&shown, dcql(policy.requirements())?)?;
    let presentation = resident.wallet.prepare(request, now)?.confirm()?;
    let submission = submission_from_vp_token(&presentation.response.vp_token)?;
    Ok((submission, challenge))
}

/// The verifier's status fetcher: the wallet crate's HTTP client (with the loopback routes).
struct StatusOverHttp<'a>(&'a HttpStatus);

impl StatusFetcher for StatusOverHttp<'_> {
    fn fetch(&self, uri: &StatusListUri) -> Result<String, String> {
        self.0.token(uri).map_err(|e| e.to_string())
    }
}

/// A test CA and a card per resident. One RSA key (slow to make) serves as roots and card
/// keys: these tests are about the flows, not key separation inside the CA.
fn issue_cards(residents: &[ResidentSpec], now: NumericDate) -> Outcome<(TestCa, Vec<IssuedCard>)> {
    let key = TestKey::generate()?;
    let start = now.minus_seconds(30 * DAY);
    let mut ca = TestCa::new(key.clone(), key.clone(), start)?;
    let cards = residents
        .iter()
        .map(|spec| Ok(ca.issue_card(&spec.facts()?, key.clone(), key.clone(), start)?))
        .collect::<Outcome<Vec<_>>>()?;
    Ok((ca, cards))
}

/// The CA's roots and its J-LIS linking, as an issuer service is started with.
fn jpki(ca: &TestCa) -> Outcome<JpkiSetup> {
    Ok(JpkiSetup {
        validator: Validator::new(ca.root_set(default_provider())?, default_provider()),
        linking: Arc::new(ca.linking().clone()),
    })
}
