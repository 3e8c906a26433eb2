//! Synthetic residents: a virtual My Number card from the test CA and an in-memory wallet
//! that receives its credentials over HTTP.

use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::card_jws::CardSigner;
use myna_jpki::holder::{Address, BirthDate, Era, HolderFacts, HolderName, Sex};
use myna_jpki::test_ca::IssuedCard;
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::oid4vci::{CredentialOffer, IssuerId};
use myna_vc_core::sdjwt::SdJwt;
use myna_vc_core::time::NumericDate;
use myna_wallet::credentials::StoredCredential;
use myna_wallet::sealed::KdfParams;
use myna_wallet::store::MemoryStore;
use myna_wallet::Wallet;
use serde_json::{Map, Value};

use super::city::CitySpec;
use super::{Outcome, World};

const AUTH_PIN: &str = "1234";
const SIGN_PIN: &str = "ABC123";

/// Who a synthetic resident is.
#[derive(Debug, Clone, Copy)]
pub struct ResidentSpec {
    /// 氏名 on the card.
    pub name: &'static str,
    /// 性別.
    pub sex: Sex,
    /// Date of birth, `YYYY-MM-DD`.
    pub birthdate: &'static str,
    /// 住所 on the card.
    pub address: &'static str,
}

/// 36 on the test clock's first day, Maebashi.
pub const HANAKO: ResidentSpec = ResidentSpec {
    name: "前橋　花子",
    sex: Sex::Female,
    birthdate: "1990-05-05",
    address: "群馬県前橋市大手町二丁目１２番１号",
};
/// 19, Mishima.
pub const KENTA: ResidentSpec = ResidentSpec {
    name: "三島　健太",
    sex: Sex::Male,
    birthdate: "2007-04-15",
    address: "静岡県三島市北田町４番４７号",
};
/// 11, Maebashi (a child: credentials come from the resident register, not the card).
pub const HARUTO: ResidentSpec = ResidentSpec {
    name: "前橋　陽翔",
    sex: Sex::Male,
    birthdate: "2016-02-02",
    address: "群馬県前橋市大手町二丁目１２番１号",
};

impl ResidentSpec {
    /// The facts the card certifies.
    pub fn facts(&self) -> Outcome<HolderFacts> {
        Ok(HolderFacts {
            name: HolderName::plain(self.name)?,
            sex: self.sex,
            birth_date: BirthDate::new(Era::Unknown, CalendarDate::parse(self.birthdate)?)?,
            address: Address::plain(self.address)?,
        })
    }
}

type Card = CardSigner<JpkiCard<VirtualCard>>;

/// A resident with a card and a wallet.
pub struct Resident {
    /// Who.
    pub spec: ResidentSpec,
    /// Their card's certificates (to revoke one at the CA).
    pub card: IssuedCard,
    /// Their wallet.
    pub wallet: Wallet<MemoryStore>,
}

impl Resident {
    /// A new, empty wallet for the holder of `card`.
    pub fn new(spec: ResidentSpec, card: IssuedCard, now: NumericDate) -> Outcome<Resident> {
        // Small Argon2 parameters: the tests exercise the flows, not the sealing cost.
        let params = KdfParams::new(256, 1, 1)?;
        let wallet = Wallet::create(MemoryStore::new(), "test wallet passphrase", params, now)?;
        Ok(Resident { spec, card, wallet })
    }

    /// The same person with a new phone: a new wallet (its own master secret), same card.
    pub fn new_device(&self, now: NumericDate) -> Outcome<Resident> {
        Resident::new(self.spec, self.card.clone(), now)
    }

    fn card_signers(&self) -> Outcome<(Card, Card)> {
        let card = || {
            Ok::<_, Box<dyn std::error::Error>>(JpkiCard::new(VirtualCard::new(
                &self.card,
                AuthPin::new(AUTH_PIN)?,
                SignPin::new(SIGN_PIN)?,
            )))
        };
        let auth = CardSigner::authentication(card()?, AuthPin::new(AUTH_PIN)?)?;
        let sign = CardSigner::signature(card()?, SignPin::new(SIGN_PIN)?)?;
        Ok((auth, sign))
    }

    /// Anchors the wallet to the card at `city`, with (`read_facts`) or without letting the
    /// city read the certified facts (signature PIN): the offer that comes back, if any.
    pub fn anchor(
        &self,
        world: &World,
        city: CitySpec,
        read_facts: bool,
    ) -> Outcome<Option<(CredentialOffer, Option<String>)>> {
        let issuer = IssuerId::new(city.iss)?;
        let (auth, sign) = self.card_signers()?;
        let facts = read_facts.then_some(&sign);
        let (_, grant) = self.wallet.anchor_with_facts(
            &world.transport,
            &issuer,
            &auth,
            facts,
            &world.receipt_check(),
            world.now(),
        )?;
        Ok(grant.credential_offer.map(|offer| (offer, grant.tx_code)))
    }

    /// Redeems `offer`: the claims of every credential received (all disclosures applied,
    /// as the holder sees them), in order.
    pub fn receive(
        &self,
        world: &World,
        offer: &CredentialOffer,
        pin: Option<&str>,
    ) -> Outcome<Vec<Map<String, Value>>> {
        let batches = self.wallet.receive(
            &world.transport,
            offer,
            pin,
            &world.receipt_check(),
            world.now(),
        )?;
        batches
            .iter()
            .flat_map(|batch| &batch.credentials)
            .map(holder_view)
            .collect()
    }

    /// Redeems `offer` of credentials that belong to the anchored person (membership,
    /// pseudonym): the request carries the anchor presentation.
    pub fn receive_anchored(
        &self,
        world: &World,
        offer: &CredentialOffer,
        pin: Option<&str>,
    ) -> Outcome<Vec<Map<String, Value>>> {
        let batches = self.wallet.receive_anchored(
            &world.transport,
            offer,
            pin,
            &world.receipt_check(),
            world.now(),
        )?;
        batches
            .iter()
            .flat_map(|batch| &batch.credentials)
            .map(holder_view)
            .collect()
    }

    /// The credentials the wallet holds of type `vct`.
    pub fn held(&self, vct: &str) -> Outcome<Vec<StoredCredential>> {
        Ok(self
            .wallet
            .credentials()?
            .into_iter()
            .filter(|c| c.vct == vct)
            .collect())
    }
}

/// Every claim of a held credential, all its disclosures applied.
pub fn holder_view(stored: &StoredCredential) -> Outcome<Map<String, Value>> {
    Ok(SdJwt::parse(&stored.sd_jwt)?.unverified_claims()?)
}
