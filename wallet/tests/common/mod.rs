//! Shared by the wallet's tests: a test JPKI CA and a virtual card, and a city's issuer in
//! process (`myna_wallet::in_process::InProcessIssuer`, feature `test-util`).
#![allow(
    dead_code,
    reason = "each test binary uses its own part of these fixtures"
)]
#![cfg(test)]

use std::sync::{Arc, OnceLock};

use myna_issuer::endpoint::offer::OfferedFacts;
use myna_issuer::endpoint::{JpkiSetup, Setup};
use myna_issuer::issuance::CredentialIssuer;
use myna_issuer::record::SubjectHandle;
use myna_issuer::store::{MemoryStore as IssuerStore, Store};
use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::card_jws::CardSigner;
use myna_jpki::crl::Crl;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_jpki::linking::{CertificateRef, InMemoryLinking};
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{IssuedCard, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey, Signer};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::oid4vci::{CredentialOffer, IssuerId};
use myna_vc_core::status_list::{StatusListUri, VerifiedStatusList};
use myna_vc_core::time::{FixedClock, NumericDate};
use myna_wallet::in_process::InProcessIssuer;
use myna_wallet::receipt::{ReceiptCheck, StatusSource, StatusTokens};
use myna_wallet::sealed::KdfParams;
use myna_wallet::store::MemoryStore;
use myna_wallet::Wallet;

/// 2023-11-14T22:13:20Z: the CA's roots and the card start here.
pub const T0: NumericDate = NumericDate::from_unix(1_700_000_000);
pub const ISS: &str = "https://city.maebashi.example";
pub const LIST: &str = "https://city.maebashi.example/status/1";
pub const MAEBASHI: &str = "群馬県前橋市大手町二丁目１２番１号";
pub const PASSPHRASE: &str = "correct horse battery staple";
pub const BATCH: u64 = 4;

/// Cheap Argon2 parameters: the tests exercise the format, not the cost.
pub fn fast() -> KdfParams {
    KdfParams::new(64, 1, 1).unwrap()
}

pub fn now() -> NumericDate {
    T0.plus_seconds(3_600)
}

pub fn new_wallet() -> Wallet<MemoryStore> {
    Wallet::create(MemoryStore::new(), PASSPHRASE, fast(), now()).unwrap()
}

fn rsa_keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| [(); 3].map(|()| TestKey::generate().unwrap()))
}

pub fn facts() -> HolderFacts {
    HolderFacts {
        name: HolderName::plain("前橋　花子").unwrap(),
        sex: Sex::Female,
        birth_date: BirthDate::parse("419900505").unwrap(),
        address: Address::plain(MAEBASHI).unwrap(),
    }
}

pub type VCard = JpkiCard<VirtualCard>;

/// The test world of one municipality: the test JPKI CA and a resident's virtual card, and the
/// city's issuer — the issuer library's endpoints behind the wallet's transport
/// (`myna_wallet::in_process`, feature `test-util`) — trusting the CA's roots.
pub struct City {
    pub issuer: InProcessIssuer,
    pub ca: TestCa,
    pub card: IssuedCard,
    pub issuer_key: SecretKey,
    pub now: NumericDate,
}

impl std::ops::Deref for City {
    type Target = InProcessIssuer;

    fn deref(&self) -> &InProcessIssuer {
        &self.issuer
    }
}

impl City {
    pub fn new() -> Self {
        Self::with_setup(|_| {})
    }

    /// A city whose issuer setup `adjust` changes first (pseudonym contexts, escrow).
    pub fn with_setup(adjust: impl FnOnce(&mut Setup<IssuerStore>)) -> Self {
        let [root, auth, sign] = rsa_keys().clone();
        let mut ca = TestCa::new(root.clone(), root, T0).unwrap();
        let card = ca.issue_card(&facts(), auth, sign, T0).unwrap();
        let validator =
            Validator::new(ca.root_set(default_provider()).unwrap(), default_provider());
        let at = now();
        let crls = CertificateType::ALL
            .into_iter()
            .map(|ty| {
                let der = ca.crl(ty, at, at.plus_seconds(86_400)).unwrap();
                Crl::parse(&der, validator.roots(), default_provider()).unwrap()
            })
            .collect();
        let mut linking = InMemoryLinking::default();
        linking.record_pair(
            card.signature_serial().unwrap(),
            card.authentication_serial(),
        );
        let issuer_key = SecretKey::generate_p256().unwrap();
        let maebashi = Municipality::new("102016".parse().unwrap(), "群馬県", "前橋市").unwrap();
        let mut setup = Setup::new(
            IssuerStore::new(),
            default_provider().signer(&issuer_key).unwrap(),
            IssuerId::new(ISS).unwrap(),
            Some(maebashi),
        )
        .unwrap();
        setup.rules.batch_size = u32::try_from(BATCH).unwrap();
        setup.rules.status_list_capacity = 1 << 12;
        setup.jpki = Some(JpkiSetup {
            validator,
            linking: Arc::new(linking),
        });
        setup.crls = crls;
        adjust(&mut setup);
        let issuer = InProcessIssuer::new(setup, Arc::new(FixedClock(at))).unwrap();
        City {
            issuer,
            ca,
            card,
            issuer_key,
            now: at,
        }
    }

    fn virtual_card(&self) -> VCard {
        JpkiCard::new(VirtualCard::new(
            &self.card,
            AuthPin::new("1234").unwrap(),
            SignPin::new("ABC123").unwrap(),
        ))
    }

    /// The card's authentication key behind the virtual card.
    pub fn card_signer(&self) -> CardSigner<VCard> {
        CardSigner::authentication(self.virtual_card(), AuthPin::new("1234").unwrap()).unwrap()
    }

    /// The card's signature key: lets the issuer read the certified facts when anchoring.
    pub fn facts_signer(&self) -> CardSigner<VCard> {
        CardSigner::signature(self.virtual_card(), SignPin::new("ABC123").unwrap()).unwrap()
    }

    /// The card holder's person handle at the issuer (known once the card anchored).
    pub fn person(&self) -> SubjectHandle {
        let certificate = CertificateRef {
            certificate_type: CertificateType::Authentication,
            serial: self.card.authentication_serial(),
        };
        self.endpoints()
            .store()
            .certificate_subject(&certificate)
            .unwrap()
            .expect("anchor first")
            .subject
    }

    /// A fresh operator's offer of `ids` for the anchored card holder, with the card's facts
    /// (and a membership of the Izu fan club).
    pub fn offer(&self, ids: &[&str]) -> CredentialOffer {
        let holder = facts();
        let birthdate = holder.birth_date.date();
        let facts = ids
            .iter()
            .map(|id| match *id {
                "age" => OfferedFacts::Age {
                    birthdate,
                    not_after: None,
                },
                "resident" => OfferedFacts::Resident {
                    name: holder.name.text().to_owned(),
                    address: holder.address.text().to_owned(),
                    birthdate,
                    not_after: None,
                },
                "fan_club_membership" => OfferedFacts::FanClubMembership {
                    club_id: "izu-fan-club".into(),
                    member_number: "A-0042".into(),
                    tier: "gold".into(),
                },
                other => panic!("no test facts for {other}"),
            })
            .collect();
        self.issuer.offer(&self.person(), facts, false).unwrap().0
    }

    /// The municipality's issuance library, on this issuer's store, key and status list.
    pub fn credential_issuer(&self) -> CredentialIssuer<'_, IssuerStore> {
        self.endpoints().credential_issuer()
    }

    /// A signer with the issuer's key (for a test registry).
    pub fn signer_for_tests(&self) -> Box<dyn Signer> {
        default_provider().signer(&self.issuer_key).unwrap()
    }

    /// The current status list, signed.
    pub fn status(&self) -> StatusTokens {
        self.issuer.status().unwrap()
    }
}

/// A wallet anchored at the city's issuer, with the card's facts, and holding the batch of
/// age and resident credentials the anchoring offered.
pub fn stocked_wallet(issuer: &City) -> Wallet<MemoryStore> {
    let wallet = new_wallet();
    let (pinned, status) = (issuer.pinned(), issuer.status());
    let check = ReceiptCheck::new(&pinned, &status);
    let (_, grant) = wallet
        .anchor_with_facts(
            &issuer.issuer,
            issuer.id(),
            &issuer.card_signer(),
            Some(&issuer.facts_signer()),
            &check,
            issuer.now,
        )
        .unwrap();
    let offer = grant.credential_offer.unwrap();
    // The new credentials' status entries exist only after issuance: the issuer signs its
    // list when asked, then.
    let status = LateStatus(issuer);
    let check = ReceiptCheck::new(&pinned, &status);
    wallet
        .receive(&issuer.issuer, &offer, None, &check, issuer.now)
        .unwrap();
    wallet
}

/// A status source that has the issuer sign its list when asked (after issuance).
pub struct LateStatus<'a>(pub &'a City);

impl StatusSource for LateStatus<'_> {
    fn status_list(
        &self,
        uri: &StatusListUri,
        key: &PublicKey,
        now: NumericDate,
    ) -> myna_wallet::Result<VerifiedStatusList> {
        self.0.issuer.status_list(uri, key, now)
    }
}
