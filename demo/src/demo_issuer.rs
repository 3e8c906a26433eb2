//! A demo issuer for `myna-demo wallet` while no issuer service is running: the issuer's
//! endpoints in-process ([`InProcessIssuer`], the wallet's one in-process transport over
//! `myna_issuer::endpoint`), its state under `<data-dir>/demo-issuer/`, a test JPKI CA and
//! a virtual card.
//!
//! The protocol (offers, tokens, nonces, credentials, anchoring) is the issuer library's;
//! what is here is only what makes it a demo that lives across CLI invocations:
//!
//! * `issuer.redb`: the issuer's store, so an offer made by `anchor` is redeemed by a later
//!   `receive`, once;
//! * `state.json`: its signing key and pseudonym key (stored unencrypted: it is a demo) and
//!   the consent registry;
//! * for anchoring, a test CA made fresh and the virtual card of a fixed resident of
//!   Maebashi, whose roots and linking the issuer trusts for that run.
//!
//! Its identifier is [`DEMO_ISS`]; a credential offer naming it is redeemed here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use myna_issuer::endpoint::{JpkiSetup, Setup};
use myna_issuer::pseudonym::{PseudonymKey, PSEUDONYM_KEY_LEN};
use myna_issuer::store::RedbStore;
use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::card_jws::CardSigner;
use myna_jpki::crl::Crl;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_jpki::linking::InMemoryLinking;
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{IssuedCard, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::b64;
use myna_vc_core::crypto::{default_provider, fill_random, SecretKey};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::{FixedClock, NumericDate};
use myna_wallet::consent::{MemoryRegistry, RegistrySnapshot};
use myna_wallet::in_process::InProcessIssuer;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

/// The demo issuer's identifier.
pub const DEMO_ISS: &str = "https://demo-issuer.myna.invalid";
const CONSENT_LIST: &str = "https://demo-issuer.myna.invalid/consents/status/1";
const MAEBASHI: &str = "102016";
/// Credentials per configuration in one issuance.
const BATCH: u32 = 4;
/// Entries of the status list (small: a demo's list is signed on every receipt).
const LIST_CAPACITY: u32 = 1 << 12;
const AUTH_PIN: &str = "1234";
const SIGN_PIN: &str = "ABC123";

/// The virtual card's key behind the card protocol.
pub type Card = CardSigner<JpkiCard<VirtualCard>>;

/// What the demo issuer keeps between runs besides its store.
#[derive(Default, Serialize, Deserialize)]
struct State {
    /// The signing key (P-256 scalar), base64url.
    issuer_key: String,
    /// The pseudonym key, base64url.
    #[serde(default)]
    pseudonym_key: String,
    registry: RegistrySnapshot,
}

impl State {
    fn load(path: &Path) -> Result<State> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("reading {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// The signing key, made on first use.
    fn issuer_key(&mut self) -> Result<SecretKey> {
        if self.issuer_key.is_empty() {
            let key = SecretKey::generate_p256()?;
            self.issuer_key = b64::encode(key.to_bytes().as_ref());
            return Ok(key);
        }
        let bytes = Zeroizing::new(b64::decode(&self.issuer_key, "demo issuer key")?);
        Ok(SecretKey::p256_from_bytes(&bytes)?)
    }

    /// The pseudonym key, made on first use.
    fn pseudonym_key(&mut self) -> Result<PseudonymKey> {
        let mut bytes = Zeroizing::new([0u8; PSEUDONYM_KEY_LEN]);
        if self.pseudonym_key.is_empty() {
            fill_random(bytes.as_mut())?;
            self.pseudonym_key = b64::encode(bytes.as_ref());
        } else {
            let stored = Zeroizing::new(b64::decode(&self.pseudonym_key, "pseudonym key")?);
            if stored.len() != PSEUDONYM_KEY_LEN {
                anyhow::bail!("the demo issuer's pseudonym key is not {PSEUDONYM_KEY_LEN} bytes");
            }
            bytes.copy_from_slice(&stored);
        }
        Ok(PseudonymKey::from_bytes(*bytes))
    }
}

impl Drop for State {
    /// The keys' text leaves no copy in memory (the file on disk is the demo's choice).
    fn drop(&mut self) {
        self.issuer_key.zeroize();
        self.pseudonym_key.zeroize();
    }
}

/// The resident the virtual card belongs to.
fn facts() -> Result<HolderFacts> {
    Ok(HolderFacts {
        name: HolderName::plain("前橋　花子")?,
        sex: Sex::Female,
        birth_date: BirthDate::parse("419900505")?,
        address: Address::plain("群馬県前橋市大手町二丁目１２番１号")?,
    })
}

/// A virtual card from a test CA made for this run, and the trust the issuer needs for it.
struct DemoCard {
    issued: IssuedCard,
    jpki: JpkiSetup,
    crls: Vec<Crl>,
}

impl DemoCard {
    /// Makes a test CA and the resident's card, valid from a minute before `now`. One RSA key
    /// serves the CA and both card keys: making one takes seconds, and a demo needs no more.
    fn new(now: NumericDate) -> Result<DemoCard> {
        let key = TestKey::generate()?;
        let start = now.minus_seconds(60);
        let mut ca = TestCa::new(key.clone(), key.clone(), start)?;
        let issued = ca.issue_card(&facts()?, key.clone(), key, start)?;
        let validator = Validator::new(ca.root_set(default_provider())?, default_provider());
        let crls = CertificateType::ALL
            .into_iter()
            .map(|ty| {
                let der = ca.crl(ty, start, now.plus_seconds(86_400))?;
                Ok(Crl::parse(&der, validator.roots(), default_provider())?)
            })
            .collect::<Result<Vec<_>>>()?;
        // J-LIS's linking of the card's signature certificate to its authentication one.
        let mut linking = InMemoryLinking::default();
        let signature = issued
            .signature_serial()
            .context("the virtual card has no signature certificate")?;
        linking.record_pair(signature, issued.authentication_serial());
        let jpki = JpkiSetup {
            validator,
            linking: Arc::new(linking),
        };
        Ok(DemoCard { issued, jpki, crls })
    }

    fn card(&self) -> Result<JpkiCard<VirtualCard>> {
        Ok(JpkiCard::new(VirtualCard::new(
            &self.issued,
            AuthPin::new(AUTH_PIN)?,
            SignPin::new(SIGN_PIN)?,
        )))
    }
}

/// The card's two keys, for anchoring with the certified facts.
pub struct CardKeys {
    /// The authentication key (proves the card).
    pub authentication: Card,
    /// The signature key (certifies the facts the issuer offers credentials for).
    pub signature: Card,
}

/// The demo issuer. See the [module docs](self).
pub struct DemoIssuer {
    issuer: InProcessIssuer<RedbStore>,
    state: State,
    state_path: PathBuf,
    now: NumericDate,
}

impl DemoIssuer {
    /// Opens (or creates) the demo issuer under `data_dir` at `now`, without anchoring.
    pub fn open(data_dir: &Path, now: NumericDate) -> Result<Self> {
        Self::open_with(data_dir, now, None)
    }

    /// Opens the demo issuer trusting a fresh test CA, and the keys of that CA's virtual card.
    pub fn with_virtual_card(data_dir: &Path, now: NumericDate) -> Result<(Self, CardKeys)> {
        let card = DemoCard::new(now)?;
        let keys = CardKeys {
            authentication: CardSigner::authentication(card.card()?, AuthPin::new(AUTH_PIN)?)?,
            signature: CardSigner::signature(card.card()?, SignPin::new(SIGN_PIN)?)?,
        };
        Ok((Self::open_with(data_dir, now, Some(card))?, keys))
    }

    fn open_with(data_dir: &Path, now: NumericDate, card: Option<DemoCard>) -> Result<Self> {
        let dir = data_dir.join("demo-issuer");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let state_path = dir.join("state.json");
        let mut state = State::load(&state_path)?;
        let store = RedbStore::open(dir.join("issuer.redb")).context("the demo issuer's store")?;
        let signer = default_provider().signer(&state.issuer_key()?)?;
        let maebashi = Municipality::new(MAEBASHI.parse()?, "群馬県", "前橋市")?;
        let mut setup = Setup::new(store, signer, IssuerId::new(DEMO_ISS)?, Some(maebashi))?;
        setup.rules.batch_size = BATCH;
        setup.rules.status_list_capacity = LIST_CAPACITY;
        setup.pseudonym_key = state.pseudonym_key()?;
        if let Some(card) = card {
            setup.jpki = Some(card.jpki);
            setup.crls = card.crls;
        }
        let issuer = InProcessIssuer::new(setup, Arc::new(FixedClock(now)))?;
        let demo = DemoIssuer {
            issuer,
            state,
            state_path,
            now,
        };
        demo.save()?;
        Ok(demo)
    }

    /// The issuer's endpoints behind the wallet's transport (also the status source that
    /// signs its list when asked).
    pub fn issuer(&self) -> &InProcessIssuer<RedbStore> {
        &self.issuer
    }

    /// The consent registry, restored from the saved state; [`save_registry`](Self::save_registry)
    /// after using it.
    pub fn registry(&mut self) -> Result<MemoryRegistry> {
        let signer = default_provider().signer(&self.state.issuer_key()?)?;
        Ok(MemoryRegistry::restore(
            signer,
            StatusListUri::new(CONSENT_LIST)?,
            Box::new(FixedClock(self.now)),
            &self.state.registry,
        )?)
    }

    /// Keeps the registry's state for the next run.
    pub fn save_registry(&mut self, registry: &MemoryRegistry) -> Result<()> {
        self.state.registry = registry.snapshot()?;
        self.save()
    }

    fn save(&self) -> Result<()> {
        let json = serde_json::to_vec_pretty(&self.state)?;
        std::fs::write(&self.state_path, json)
            .with_context(|| format!("writing {}", self.state_path.display()))
    }
}
