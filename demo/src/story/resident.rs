//! The synthetic residents: each has a virtual My Number card from the demo's test JPKI CA
//! (the real card's applets and certificates, in memory) and a `myna-wallet` wallet (in
//! memory) that receives its credentials from its city's issuer service over HTTP.

use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::card_jws::CardSigner;
use myna_jpki::holder::{Address, BirthDate, Era, HolderFacts, HolderName, Sex};
use myna_jpki::test_ca::IssuedCard;
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::time::NumericDate;
use myna_wallet::receipt::ReceiptCheck;
use myna_wallet::receive::IssuerTransport;
use myna_wallet::sealed::KdfParams;
use myna_wallet::store::MemoryStore;
use myna_wallet::Wallet;

use super::city::{City, CitySpec, KAKOGAWA, KOBE, MAEBASHI, MISHIMA};
use super::{fail, DemoResult};

const AUTH_PIN: &str = "1234";
const SIGN_PIN: &str = "ABC123";
const WALLET_PASSPHRASE: &str = "demo wallet passphrase";

/// Who a synthetic resident is.
#[derive(Debug, Clone, Copy)]
pub struct ResidentSpec {
    /// How the story calls them.
    pub label: &'static str,
    /// 氏名 on the card.
    pub name: &'static str,
    /// 性別.
    pub sex: Sex,
    /// Date of birth, `YYYY-MM-DD`.
    pub birthdate: &'static str,
    /// 住所 on the card.
    pub address: &'static str,
    /// The city they live in.
    pub city: CitySpec,
}

/// 36, Maebashi: the adult customer.
pub const HANAKO: ResidentSpec = ResidentSpec {
    label: "Hanako (36, Maebashi)",
    name: "前橋　花子",
    sex: Sex::Female,
    birthdate: "1990-05-05",
    address: "群馬県前橋市大手町二丁目１２番１号",
    city: MAEBASHI,
};
/// 19, Mishima: too young for sake.
pub const KENTA: ResidentSpec = ResidentSpec {
    label: "Kenta (19, Mishima)",
    name: "三島　健太",
    sex: Sex::Male,
    birthdate: "2007-04-15",
    address: "静岡県三島市北田町４番４７号",
    city: MISHIMA,
};
/// 11, Kobe: a pupil resident in Kobe.
pub const SAKURA: ResidentSpec = ResidentSpec {
    label: "Sakura (11, Kobe)",
    name: "神戸　さくら",
    sex: Sex::Female,
    birthdate: "2015-06-01",
    address: "兵庫県神戸市中央区加納町６丁目５番１号",
    city: KOBE,
};
/// 11, Maebashi: a pupil visiting Kobe.
pub const HARUTO: ResidentSpec = ResidentSpec {
    label: "Haruto (11, Maebashi)",
    name: "前橋　陽翔",
    sex: Sex::Male,
    birthdate: "2016-02-02",
    address: "群馬県前橋市大手町二丁目１２番１号",
    city: MAEBASHI,
};

/// 10, Kakogawa: a child of the Harima region at Himeji's facilities.
pub const AOI: ResidentSpec = ResidentSpec {
    label: "Aoi (10, Kakogawa)",
    name: "加古川　あおい",
    sex: Sex::Female,
    birthdate: "2016-08-10",
    address: "兵庫県加古川市加古川町北在家２０００番地",
    city: KAKOGAWA,
};
/// 65, Kobe: old enough for the elderly discount.
pub const TOSHIO: ResidentSpec = ResidentSpec {
    label: "Toshio (65, Kobe)",
    name: "神戸　敏夫",
    sex: Sex::Male,
    birthdate: "1962-03-01",
    address: "兵庫県神戸市中央区加納町６丁目５番１号",
    city: KOBE,
};
/// 64, Kobe: a few months short of the elderly discount.
pub const MICHIKO: ResidentSpec = ResidentSpec {
    label: "Michiko (64, Kobe)",
    name: "神戸　美智子",
    sex: Sex::Female,
    birthdate: "1962-06-01",
    address: "兵庫県神戸市中央区加納町６丁目５番１号",
    city: KOBE,
};

/// Everyone in the demo.
pub const RESIDENTS: [ResidentSpec; 7] = [HANAKO, KENTA, SAKURA, HARUTO, AOI, TOSHIO, MICHIKO];

impl ResidentSpec {
    /// The facts the card certifies.
    pub fn facts(&self) -> DemoResult<HolderFacts> {
        let date = CalendarDate::parse(self.birthdate).map_err(fail)?;
        Ok(HolderFacts {
            name: HolderName::plain(self.name).map_err(fail)?,
            sex: self.sex,
            birth_date: BirthDate::new(Era::Unknown, date).map_err(fail)?,
            address: Address::plain(self.address).map_err(fail)?,
        })
    }
}

type Card = CardSigner<JpkiCard<VirtualCard>>;

/// A resident with their card and wallet.
pub struct Resident {
    /// Who.
    pub spec: ResidentSpec,
    card: IssuedCard,
    /// Their wallet.
    pub wallet: Wallet<MemoryStore>,
}

impl Resident {
    /// A new (empty) wallet for the holder of `card`.
    pub fn new(spec: ResidentSpec, card: IssuedCard, now: NumericDate) -> DemoResult<Resident> {
        // Argon2id kept small: the wallet lives in memory for the length of the demo.
        let params = KdfParams::new(256, 1, 1).map_err(fail)?;
        let wallet =
            Wallet::create(MemoryStore::new(), WALLET_PASSPHRASE, params, now).map_err(fail)?;
        Ok(Resident { spec, card, wallet })
    }

    /// The card's certificates (to revoke one at the CA).
    pub fn card(&self) -> &IssuedCard {
        &self.card
    }

    fn virtual_card(&self) -> DemoResult<JpkiCard<VirtualCard>> {
        Ok(JpkiCard::new(VirtualCard::new(
            &self.card,
            AuthPin::new(AUTH_PIN).map_err(fail)?,
            SignPin::new(SIGN_PIN).map_err(fail)?,
        )))
    }

    fn card_signers(&self) -> DemoResult<(Card, Card)> {
        let auth =
            CardSigner::authentication(self.virtual_card()?, AuthPin::new(AUTH_PIN).map_err(fail)?)
                .map_err(fail)?;
        let sign =
            CardSigner::signature(self.virtual_card()?, SignPin::new(SIGN_PIN).map_err(fail)?)
                .map_err(fail)?;
        Ok((auth, sign))
    }

    /// Anchors the wallet to the card at the city's issuer, letting it read the certified
    /// facts (signature PIN), and redeems the resident and age offer that comes back. Returns
    /// how many credentials were received.
    pub fn anchor_and_receive(
        &self,
        transport: &dyn IssuerTransport,
        city: &City,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> DemoResult<usize> {
        let (offer, tx_code) = self.anchor_with_facts_at(transport, city, check, now)?;
        let batches = self
            .wallet
            .receive(transport, &offer, tx_code.as_deref(), check, now)
            .map_err(fail)?;
        Ok(batches.iter().map(|b| b.credentials.len()).sum())
    }

    /// The same person on a second phone: a new, empty wallet (its own master secret) for the
    /// same card.
    pub fn new_device(&self, now: NumericDate) -> DemoResult<Resident> {
        Resident::new(self.spec, self.card.clone(), now)
    }

    /// Anchors the wallet to the card at `city` without reading the certified facts (the
    /// authentication PIN only): what a non-resident does before credentials that belong to
    /// the anchored person, like a fan-club membership or a context pseudonym.
    pub fn anchor_at(
        &self,
        transport: &dyn IssuerTransport,
        city: &City,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> DemoResult<()> {
        let issuer = IssuerId::new(city.spec.iss).map_err(fail)?;
        let (auth, _) = self.card_signers()?;
        self.wallet
            .anchor(transport, &issuer, &auth, check, now)
            .map(drop)
            .map_err(fail)
    }

    /// Anchors the wallet to the card at `city` letting it read the certified facts (the
    /// signature PIN), and returns the offer that comes back — for a non-resident, an `age`
    /// credential only — to be redeemed with the anchored key
    /// ([`redeem_anchored`](Self::redeem_anchored)), so that it shares that key with the
    /// membership and pseudonym issued there (one holder key per presentation).
    pub fn anchor_with_facts_at(
        &self,
        transport: &dyn IssuerTransport,
        city: &City,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> DemoResult<(myna_vc_core::oid4vci::CredentialOffer, Option<String>)> {
        let issuer = IssuerId::new(city.spec.iss).map_err(fail)?;
        let (auth, sign) = self.card_signers()?;
        let (_, grant) = self
            .wallet
            .anchor_with_facts(transport, &issuer, &auth, Some(&sign), check, now)
            .map_err(fail)?;
        let offer = grant
            .credential_offer
            .ok_or("the issuer made no offer after anchoring")?;
        Ok((offer, grant.tx_code))
    }

    /// Redeems an offer of `credentials` that belong to the anchored person (see
    /// [`Wallet::receive_anchored`]), made by the city's staff: the claims of each credential
    /// received, in the offer's order.
    pub fn receive_anchored_offer(
        &self,
        transport: &dyn IssuerTransport,
        city: &City,
        http: &reqwest::blocking::Client,
        credentials: serde_json::Value,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> DemoResult<Vec<serde_json::Map<String, serde_json::Value>>> {
        let (offer, pin) = city.staff_offer(http, credentials)?;
        self.redeem_anchored(transport, &offer, pin.as_deref(), check, now)
    }

    /// Redeems `offer` of credentials that belong to the anchored person (see
    /// [`Wallet::receive_anchored`]): the claims of each credential received, in order.
    pub fn redeem_anchored(
        &self,
        transport: &dyn IssuerTransport,
        offer: &myna_vc_core::oid4vci::CredentialOffer,
        pin: Option<&str>,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> DemoResult<Vec<serde_json::Map<String, serde_json::Value>>> {
        let batches = self
            .wallet
            .receive_anchored(transport, offer, pin, check, now)
            .map_err(fail)?;
        batches
            .iter()
            .flat_map(|batch| &batch.credentials)
            .map(|stored| claims_of(&stored.sd_jwt))
            .collect()
    }

    /// Redeems an offer the city's staff made from the resident register (a child's card has
    /// no signature certificate to read the facts from). Returns how many credentials came.
    pub fn receive_from_register(
        &self,
        transport: &dyn IssuerTransport,
        city: &City,
        http: &reqwest::blocking::Client,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> DemoResult<usize> {
        let facts = serde_json::json!([
            {"credential": "resident", "name": self.spec.name, "address": self.spec.address,
             "birthdate": self.spec.birthdate},
            {"credential": "age", "birthdate": self.spec.birthdate},
        ]);
        self.receive_staff_offer(transport, city, http, facts, check, now)
    }

    /// Redeems an offer of `credentials` (facts as for `POST /admin/offers`) that the city's
    /// staff made at the desk, with the PIN they hand over. Returns how many credentials came.
    pub fn receive_staff_offer(
        &self,
        transport: &dyn IssuerTransport,
        city: &City,
        http: &reqwest::blocking::Client,
        credentials: serde_json::Value,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> DemoResult<usize> {
        let (offer, pin) = city.staff_offer(http, credentials)?;
        let batches = self
            .wallet
            .receive(transport, &offer, pin.as_deref(), check, now)
            .map_err(fail)?;
        Ok(batches.iter().map(|b| b.credentials.len()).sum())
    }
}

/// Every claim of a credential the wallet holds (all its disclosures resolved): what the
/// holder sees in their own wallet.
fn claims_of(sd_jwt: &str) -> DemoResult<serde_json::Map<String, serde_json::Value>> {
    let parsed = myna_vc_core::sdjwt::SdJwt::parse(sd_jwt).map_err(fail)?;
    parsed.unverified_claims().map_err(fail)
}
