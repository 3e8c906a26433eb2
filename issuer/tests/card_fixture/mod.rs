//! Shared by the anchoring and cascade tests: RSA keys made once per test binary, a test JPKI
//! CA, virtual cards, an issuer key and the anchoring service around a store.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "shared by the tests and a benchmark (not test code to clippy), each using its own part; a fixture that cannot be built must stop the run loudly"
)]

use std::sync::OnceLock;

use myna_issuer::anchor::{AnchorResponse, Anchored, Anchoring};
use myna_issuer::challenge::ChallengeKey;
use myna_issuer::store::Store;
use myna_issuer::Result;
use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::card_jws::CardSigner;
use myna_jpki::crl::Crl;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{IssuedCard, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::crypto::{default_provider, SecretKey, Signer};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;

/// 2023-11-14T22:13:20Z: the CA's roots and the first cards start here.
pub const T0: NumericDate = NumericDate::from_unix(1_700_000_000);
pub const DAY: u64 = 86_400;
pub const ISS: &str = "https://city.maebashi.example";
pub const LIST: &str = "https://city.maebashi.example/status/1";
pub const AUTH_PIN: &str = "1234";
pub const SIGN_PIN: &str = "ABC123";

pub type VCard = JpkiCard<VirtualCard>;

/// RSA-2048 key generation is slow: three keys for the whole binary.
pub fn rsa_keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| [(); 3].map(|()| TestKey::generate().expect("RSA key generation")))
}

pub fn facts(address: &str) -> HolderFacts {
    HolderFacts {
        name: HolderName::plain("前橋　花子").unwrap(),
        sex: Sex::Female,
        birth_date: BirthDate::parse("419900505").unwrap(),
        address: Address::plain(address).unwrap(),
    }
}

pub const MAEBASHI: &str = "群馬県前橋市大手町二丁目１２番１号";
pub const TAKASAKI: &str = "群馬県高崎市高松町３５番地１";

pub struct World {
    pub ca: TestCa,
    pub validator: Validator,
    pub issuer_key: SecretKey,
    pub issuer: Box<dyn Signer>,
    pub uri: StatusListUri,
    pub challenge_key: ChallengeKey,
}

impl World {
    pub fn new() -> World {
        let [root, _, _] = rsa_keys().clone();
        let ca = TestCa::new(root.clone(), root, T0).unwrap();
        let validator =
            Validator::new(ca.root_set(default_provider()).unwrap(), default_provider());
        let issuer_key = SecretKey::generate_p256().unwrap();
        let issuer = default_provider().signer(&issuer_key).unwrap();
        World {
            ca,
            validator,
            issuer_key,
            issuer,
            uri: StatusListUri::new(LIST).unwrap(),
            challenge_key: ChallengeKey::generate().unwrap(),
        }
    }

    /// A card for a resident of `address`, issued at T0.
    pub fn issue_card(&mut self, address: &str) -> IssuedCard {
        let [_, auth, sign] = rsa_keys().clone();
        self.ca.issue_card(&facts(address), auth, sign, T0).unwrap()
    }

    /// Both CRLs as the CA would publish them at `at`, valid one day.
    pub fn crls(&mut self, at: NumericDate) -> Vec<Crl> {
        CertificateType::ALL
            .into_iter()
            .map(|ty| self.crl(ty, at))
            .collect()
    }

    pub fn crl(&mut self, certificate_type: CertificateType, at: NumericDate) -> Crl {
        let der = self
            .ca
            .crl(certificate_type, at, at.plus_seconds(DAY))
            .unwrap();
        Crl::parse(&der, self.validator.roots(), default_provider()).unwrap()
    }

    pub fn anchoring<'a, S: Store>(&'a self, store: &'a S, crls: &'a [Crl]) -> Anchoring<'a, S> {
        Anchoring::new(
            store,
            &*self.issuer,
            ISS,
            &self.validator,
            crls,
            self.uri.clone(),
            &self.challenge_key,
        )
    }

    /// One full round: challenge, wallet answer with `holder`, anchor — all at `at`.
    pub fn anchor<S: Store>(
        &mut self,
        store: &S,
        card: &IssuedCard,
        holder: &dyn Signer,
        at: NumericDate,
    ) -> Result<Anchored> {
        let crls = self.crls(at);
        let anchoring = self.anchoring(store, &crls);
        let challenge = anchoring.challenge(at)?;
        let response = AnchorResponse::build(&challenge, holder, &auth_signer(card), ISS, at)?;
        anchoring.anchor(&response, at)
    }
}

pub fn auth_signer(card: &IssuedCard) -> CardSigner<VCard> {
    CardSigner::authentication(virtual_card(card), AuthPin::new(AUTH_PIN).unwrap()).unwrap()
}

pub fn sign_signer(card: &IssuedCard) -> CardSigner<VCard> {
    CardSigner::signature(virtual_card(card), SignPin::new(SIGN_PIN).unwrap()).unwrap()
}

fn virtual_card(card: &IssuedCard) -> VCard {
    JpkiCard::new(VirtualCard::new(
        card,
        AuthPin::new(AUTH_PIN).unwrap(),
        SignPin::new(SIGN_PIN).unwrap(),
    ))
}

pub fn holder() -> Box<dyn Signer> {
    default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap()
}

pub fn new_store<S: Store>(store: S) -> S {
    store
        .create_status_list(&StatusListUri::new(LIST).unwrap(), 1 << 12)
        .unwrap();
    store
}
