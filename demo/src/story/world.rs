//! The demo's world: a temporary data directory, the demo clock, one test JPKI CA with a card
//! per resident, the cities' issuer services on loopback ports, a national trust list
//! collecting the cities' entries, and every resident's wallet filled over HTTP.

use std::sync::{Arc, Mutex};

use myna_issuer::service::JpkiSetup;
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey, Signer};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::{Clock, NumericDate};
use myna_vc_core::trust_list::{TrustList, VerifiedTrustList};
use myna_verifier::status_fetch::{refresh, StatusFetcher, StatusSource};
use myna_verifier::trust::Trust;
use myna_verifier::verifier::{Verifier, VerifierConfig};
use myna_wallet::http::{HttpIssuer, HttpStatus};
use myna_wallet::receipt::ReceiptCheck;
use tokio::runtime::Runtime;

use super::city::{City, CitySpec, KAKOGAWA, KOBE, MAEBASHI, MISHIMA};
use super::clock::DemoClock;
use super::narrative::Narrative;
use super::resident::{Resident, ResidentSpec, RESIDENTS};
use super::{fail, DemoResult};

const DAY: u64 = 86_400;
/// The national trust list's identifier (the demo plays the national trust authority).
const NATIONAL_LIST: &str = "https://trust.myna-demo.example/list";

/// Everything the scenarios play with.
pub struct World {
    /// The demo clock (shared by every party).
    pub clock: Arc<DemoClock>,
    /// The issuer services.
    pub cities: Vec<City>,
    /// The residents, in [`RESIDENTS`] order.
    pub residents: Vec<Resident>,
    /// The wallets' HTTP transport to the issuers.
    pub transport: HttpIssuer,
    /// Status lists over HTTP (wallets and verifiers).
    pub status: HttpStatus,
    /// An HTTP client for staff calls.
    pub http: reqwest::blocking::Client,
    /// The pseudonyms of the accounts the Maebashi forum opened (scenario 4), as the forum
    /// keeps them: what it can report to the city later (scenario 9).
    pub forum_accounts: Mutex<Vec<String>>,
    /// The test JPKI CA (J-LIS in the story): it revokes certificates and publishes CRLs.
    ca: Mutex<TestCa>,
    /// The signed national trust list and its authority's key.
    national_list: String,
    authority: PublicKey,
    verified: VerifiedTrustList,
    // Dropped last: the services' data lives here.
    _runtime: Runtime,
    dir: tempfile::TempDir,
}

impl World {
    /// Builds the world, telling the story of each step.
    pub fn build(story: &mut Narrative) -> DemoResult<World> {
        let dir = tempfile::tempdir().map_err(fail)?;
        let clock = DemoClock::start();
        let now = clock.now();
        story.note(&format!(
            "demo clock: {} (fixed, not today); data in a temporary directory",
            CalendarDateText(now)
        ));
        let (mut ca, cards) = story
            .step(
                "test JPKI CA made; a virtual My Number card issued to each resident",
                issue_cards(now),
            )
            .ok_or("no CA")?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(fail)?;
        let cities = [KOBE, MAEBASHI, MISHIMA, KAKOGAWA]
            .into_iter()
            .map(|spec| {
                let jpki = jpki_setup(&ca)?;
                City::start(&runtime, spec, dir.path(), clock.clone(), jpki)
            })
            .collect::<DemoResult<Vec<City>>>();
        let cities = story
            .step(
                "issuer services of Kobe (281000), Maebashi (102016), Mishima (222062) and Kakogawa (282103) serving on 127.0.0.1",
                cities,
            )
            .ok_or("no issuer services")?;
        let http = reqwest::blocking::Client::new();
        let crls = import_crls(&mut ca, &cities, &http, now);
        let ca = Mutex::new(ca);
        story
            .step("each city imported the CA's current CRLs", crls)
            .ok_or("no CRLs")?;
        let mut transport = HttpIssuer::new().map_err(fail)?;
        let mut status = HttpStatus::new().map_err(fail)?;
        for city in &cities {
            transport = transport.with_loopback_route(city.route()?);
            status = status.with_loopback_route(city.route()?);
        }
        let authority = SecretKey::generate_p256().map_err(fail)?;
        let signer = default_provider().signer(&authority).map_err(fail)?;
        let national_list = story
            .step(
                "national trust list signed: the four cities' own entries, checked and collected",
                national_list(&cities, &http, &*signer, now),
            )
            .ok_or("no trust list")?;
        let verified = TrustList::verify(
            &national_list,
            default_provider(),
            &authority.public_key(),
            now,
        )
        .map_err(fail)?;
        let residents = RESIDENTS
            .into_iter()
            .zip(cards)
            .map(|(spec, card)| Resident::new(spec, card, now))
            .collect::<DemoResult<Vec<_>>>()?;
        let world = World {
            clock,
            cities,
            residents,
            transport,
            status,
            http,
            forum_accounts: Mutex::new(Vec::new()),
            ca,
            national_list,
            authority: authority.public_key(),
            verified,
            _runtime: runtime,
            dir,
        };
        world.onboard(story);
        Ok(world)
    }

    /// Every wallet gets its credentials: adults anchor to their card and receive the offer
    /// made from its certified facts; children get an offer from the resident register.
    fn onboard(&self, story: &mut Narrative) {
        let now = self.clock.now();
        let check = self.receipt_check();
        for resident in &self.residents {
            let Some(city) = self.city(resident.spec.city) else {
                story.fail(resident.spec.label, "no issuer for their city");
                continue;
            };
            let adult = resident.spec.facts().is_ok_and(|facts| {
                myna_vc_core::calendar::CalendarDate::from_numeric_date_jst(now)
                    .is_ok_and(|today| facts.birth_date.age_on(today) >= 15)
            });
            if adult {
                let received = resident.anchor_and_receive(&self.transport, city, &check, now);
                story.step(
                    &format!(
                        "{}: wallet anchored to the card at {} over HTTP, resident and age credentials received",
                        resident.spec.label, city.spec.name
                    ),
                    received,
                );
            } else {
                let received =
                    resident.receive_from_register(&self.transport, city, &self.http, &check, now);
                story.step(
                    &format!(
                        "{}: {} staff made an offer from the resident register; resident and age credentials received",
                        resident.spec.label, city.spec.name
                    ),
                    received,
                );
            }
        }
    }

    /// J-LIS revokes a certificate and every city imports the CRLs published now.
    pub fn revoke_and_publish(
        &self,
        certificate_type: CertificateType,
        serial: myna_jpki::certificate::SerialNumber,
        reason: myna_jpki::crl::RevocationReason,
    ) -> DemoResult<()> {
        let now = self.clock.now();
        let mut ca = self.ca.lock().map_err(|_| "the CA lock is poisoned")?;
        ca.revoke(certificate_type, serial, reason, now);
        import_crls(&mut ca, &self.cities, &self.http, now)
    }

    /// What a wallet checks a credential against on receipt: the national trust list and the
    /// status lists over HTTP.
    pub fn receipt_check(&self) -> ReceiptCheck<'_> {
        ReceiptCheck::new(&self.verified, &self.status)
    }

    /// `resident` redeems an offer of `credentials` that staff of their city made at the desk.
    pub fn staff_offer(
        &self,
        resident: &Resident,
        credentials: serde_json::Value,
    ) -> DemoResult<usize> {
        let city = self
            .city(resident.spec.city)
            .ok_or("no issuer for the resident's city")?;
        resident.receive_staff_offer(
            &self.transport,
            city,
            &self.http,
            credentials,
            &self.receipt_check(),
            self.clock.now(),
        )
    }

    /// A file in the demo's temporary data directory.
    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// The running service of `spec`.
    pub fn city(&self, spec: CitySpec) -> Option<&City> {
        self.cities.iter().find(|c| c.spec.code == spec.code)
    }

    /// The resident of `spec`.
    pub fn resident(&self, spec: ResidentSpec) -> DemoResult<&Resident> {
        self.residents
            .iter()
            .find(|r| r.spec.label == spec.label)
            .ok_or_else(|| format!("{} is not in the demo", spec.label))
    }

    /// A verifier known as `audience`, trusting the national list, with every city's status
    /// list fetched now (over HTTP, before any verification: verification itself is offline).
    pub fn verifier(&self, audience: &str) -> DemoResult<Verifier> {
        let now = self.clock.now();
        let trust = Trust::new(
            self.authority.clone(),
            &self.national_list,
            default_provider(),
            now,
        )
        .map_err(fail)?;
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
            return Err(format!("status list {}: {why}", uri.as_str()));
        }
        Ok(verifier)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // The services finish their requests and close their stores (the runtime is dropped
        // next, the temporary directory last).
        for city in &mut self.cities {
            city.stop();
        }
    }
}

/// The verifier's status fetcher: the wallet crate's HTTP client, raw tokens.
struct StatusOverHttp<'a>(&'a HttpStatus);

impl StatusFetcher for StatusOverHttp<'_> {
    fn fetch(&self, uri: &StatusListUri) -> Result<String, String> {
        self.0.token(uri).map_err(fail)
    }
}

/// `YYYY-MM-DD HH:MM JST`.
struct CalendarDateText(NumericDate);

impl core::fmt::Display for CalendarDateText {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match myna_vc_core::calendar::CalendarDate::from_numeric_date_jst(self.0) {
            Ok(date) => write!(f, "{date} 09:00 JST"),
            Err(_) => write!(f, "unix {}", self.0.as_unix()),
        }
    }
}

/// One RSA key (slow to make) serves as both roots and every card key: the demo is about the
/// flows, not key separation inside the test CA.
fn issue_cards(now: NumericDate) -> DemoResult<(TestCa, Vec<myna_jpki::test_ca::IssuedCard>)> {
    let key = TestKey::generate().map_err(fail)?;
    let start = now.minus_seconds(30 * DAY);
    let mut ca = TestCa::new(key.clone(), key.clone(), start).map_err(fail)?;
    let cards = RESIDENTS
        .iter()
        .map(|spec| {
            ca.issue_card(&spec.facts()?, key.clone(), key.clone(), start)
                .map_err(fail)
        })
        .collect::<DemoResult<Vec<_>>>()?;
    Ok((ca, cards))
}

/// The CA's roots and its J-LIS linking (every card is issued before the services start).
fn jpki_setup(ca: &TestCa) -> DemoResult<JpkiSetup> {
    Ok(JpkiSetup {
        validator: Validator::new(
            ca.root_set(default_provider()).map_err(fail)?,
            default_provider(),
        ),
        linking: Arc::new(ca.linking().clone()),
    })
}

/// Both CRLs, valid a day from `now`, imported by every city's revocation officer.
fn import_crls(
    ca: &mut TestCa,
    cities: &[City],
    http: &reqwest::blocking::Client,
    now: NumericDate,
) -> DemoResult<()> {
    for ty in CertificateType::ALL {
        let der = ca.crl(ty, now, now.plus_seconds(DAY)).map_err(fail)?;
        for city in cities {
            city.import_crl(http, der.clone())?;
        }
    }
    Ok(())
}

/// The national list: each city's entry from its own signed list, signed by `authority`.
fn national_list(
    cities: &[City],
    http: &reqwest::blocking::Client,
    authority: &dyn Signer,
    now: NumericDate,
) -> DemoResult<String> {
    let mut list = TrustList::new(NATIONAL_LIST, 1, now, now.plus_seconds(30 * DAY));
    for city in cities {
        list = list.with_issuer(city.trust_entry(http, now)?);
    }
    list.sign(authority).map_err(fail)
}
