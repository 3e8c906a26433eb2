//! A demo issuer for `myna-demo wallet` while no issuer service is running: the myna-issuer
//! library in-process, its state under `<data-dir>/demo-issuer/` (a redb store, its key, the
//! pending offer codes and the consent registry), a test JPKI CA and a virtual card.
//!
//! It answers exactly what the real service would over HTTP (same message types), so the
//! wallet code that runs is the same; only the transport differs. Its identifier is
//! [`DEMO_ISS`]; a credential offer naming it is redeemed here. It is a demo: its key is
//! stored unencrypted, and the card's holder is a fixed resident of Maebashi.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use myna_issuer::anchor::{AnchorResponse, Anchoring};
use myna_issuer::issuance::{AgeRequest, CredentialIssuer, IssuerProfile};
use myna_issuer::publication::{publish, PublishOptions};
use myna_issuer::record::SubjectHandle;
use myna_issuer::store::{RedbStore, Store};
use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::card_jws::CardSigner;
use myna_jpki::crl::Crl;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::b64;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey, Signer};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::oid4vci::{
    verify_key_proofs, AccessToken, CNonce, CredentialIssuerMetadata, CredentialOffer,
    CredentialRequest, CredentialResponse, IssuerId, Message, NonceResponse, PreAuthorizedCode,
    ProofRules, TokenRequest, TokenResponse,
};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::{FixedClock, NumericDate};
use myna_wallet::consent::{MemoryRegistry, RegistrySnapshot};
use myna_wallet::receipt::StatusTokens;
use myna_wallet::receive::{AnchorAnswer, AnchorChallenge, AnchorGrant, IssuerTransport};
use serde::{Deserialize, Serialize};

/// The demo issuer's identifier.
pub const DEMO_ISS: &str = "https://demo-issuer.myna.invalid";
const LIST: &str = "https://demo-issuer.myna.invalid/status/1";
const CONSENT_LIST: &str = "https://demo-issuer.myna.invalid/consents/status/1";
const MAEBASHI: &str = "102016";
const BATCH: u64 = 4;
const AUTH_PIN: &str = "1234";
const SIGN_PIN: &str = "ABC123";

type Card = CardSigner<JpkiCard<VirtualCard>>;

#[derive(Default, Serialize, Deserialize)]
struct State {
    issuer_key: String,
    codes: BTreeMap<String, String>,
    tokens: BTreeMap<String, String>,
    nonce: Option<String>,
    registry: RegistrySnapshot,
}

/// The virtual card and the CA that issued it (made fresh for each anchoring).
pub struct DemoCard {
    validator: Validator,
    crls: Vec<Crl>,
    card: Card,
}

/// The demo issuer. See the [module docs](self).
pub struct DemoIssuer {
    dir: PathBuf,
    store: RedbStore,
    signer: Box<dyn Signer>,
    key: PublicKey,
    now: NumericDate,
    state: RefCell<State>,
    card: Option<DemoCard>,
}

fn fail(what: &str, e: impl std::fmt::Display) -> myna_wallet::Error {
    myna_wallet::Error::Remote {
        party: "demo issuer",
        detail: format!("{what}: {e}"),
    }
}

/// The resident the virtual card belongs to.
fn facts() -> Result<HolderFacts, String> {
    let err = |e: myna_jpki::Error| e.to_string();
    Ok(HolderFacts {
        name: HolderName::plain("前橋　花子").map_err(err)?,
        sex: Sex::Female,
        birth_date: BirthDate::parse("419900505").map_err(err)?,
        address: Address::plain("群馬県前橋市大手町二丁目１２番１号").map_err(err)?,
    })
}

impl DemoIssuer {
    /// Opens (or creates) the demo issuer under `data_dir` at `now`.
    pub fn open(data_dir: &Path, now: NumericDate) -> Result<Self, String> {
        let dir = data_dir.join("demo-issuer");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let store = RedbStore::open(dir.join("issuer.redb")).map_err(|e| e.to_string())?;
        let uri = StatusListUri::new(LIST).map_err(|e| e.to_string())?;
        if store.status_list_info(&uri).is_err() {
            store
                .create_status_list(&uri, 1 << 12)
                .map_err(|e| e.to_string())?;
        }
        let mut state: State = match std::fs::read(dir.join("state.json")) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| e.to_string())?,
            Err(_) => State::default(),
        };
        let secret = if state.issuer_key.is_empty() {
            let key = SecretKey::generate_p256().map_err(|e| e.to_string())?;
            state.issuer_key = b64::encode(key.to_bytes().as_ref());
            key
        } else {
            let bytes =
                b64::decode(&state.issuer_key, "demo issuer key").map_err(|e| e.to_string())?;
            SecretKey::p256_from_bytes(&bytes).map_err(|e| e.to_string())?
        };
        let signer = default_provider()
            .signer(&secret)
            .map_err(|e| e.to_string())?;
        let issuer = DemoIssuer {
            dir,
            store,
            key: secret.public_key(),
            signer,
            now,
            state: RefCell::new(state),
            card: None,
        };
        issuer.save().map_err(|e| e.to_string())?;
        Ok(issuer)
    }

    /// Makes a test CA and a virtual card (RSA keys: a few seconds).
    pub fn with_virtual_card(mut self) -> Result<Self, String> {
        let err = |e: myna_jpki::Error| e.to_string();
        let key = TestKey::generate().map_err(err)?;
        let start = self.now.minus_seconds(60);
        let mut ca = TestCa::new(key.clone(), key.clone(), start).map_err(err)?;
        let issued = ca
            .issue_card(&facts()?, key.clone(), key, start)
            .map_err(err)?;
        let validator = Validator::new(
            ca.root_set(default_provider()).map_err(err)?,
            default_provider(),
        );
        let crls = CertificateType::ALL
            .into_iter()
            .map(|ty| {
                let der = ca
                    .crl(ty, start, self.now.plus_seconds(86_400))
                    .map_err(err)?;
                Crl::parse(&der, validator.roots(), default_provider()).map_err(err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let card = JpkiCard::new(VirtualCard::new(
            &issued,
            AuthPin::new(AUTH_PIN).map_err(err)?,
            SignPin::new(SIGN_PIN).map_err(err)?,
        ));
        let card =
            CardSigner::authentication(card, AuthPin::new(AUTH_PIN).map_err(err)?).map_err(err)?;
        self.card = Some(DemoCard {
            validator,
            crls,
            card,
        });
        Ok(self)
    }

    /// The virtual card's authentication key.
    pub fn card(&self) -> Option<&Card> {
        self.card.as_ref().map(|c| &c.card)
    }

    /// The issuer's identifier.
    pub fn id(&self) -> Result<IssuerId, String> {
        IssuerId::new(DEMO_ISS).map_err(|e| e.to_string())
    }

    /// The issuer's key (what a wallet pins).
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The issuer's status list, signed now.
    pub fn status(&self) -> Result<StatusTokens, String> {
        let uri = StatusListUri::new(LIST).map_err(|e| e.to_string())?;
        let token = publish(
            &self.store,
            &uri,
            &*self.signer,
            &PublishOptions::at(self.now),
        )
        .map_err(|e| e.to_string())?
        .token;
        Ok(StatusTokens::new().with(&uri, token))
    }

    /// The consent registry, restored from the saved state; [`save_registry`](Self::save_registry)
    /// after using it.
    pub fn registry(&self) -> Result<MemoryRegistry, String> {
        let uri = StatusListUri::new(CONSENT_LIST).map_err(|e| e.to_string())?;
        let signer = default_provider()
            .signer(&self.secret()?)
            .map_err(|e| e.to_string())?;
        MemoryRegistry::restore(
            signer,
            uri,
            Box::new(FixedClock(self.now)),
            &self.state.borrow().registry,
        )
        .map_err(|e| e.to_string())
    }

    /// Keeps the registry's state for the next run.
    pub fn save_registry(&self, registry: &MemoryRegistry) -> Result<(), String> {
        self.state.borrow_mut().registry = registry.snapshot().map_err(|e| e.to_string())?;
        self.save().map_err(|e| e.to_string())
    }

    fn secret(&self) -> Result<SecretKey, String> {
        let bytes = b64::decode(&self.state.borrow().issuer_key, "demo issuer key")
            .map_err(|e| e.to_string())?;
        SecretKey::p256_from_bytes(&bytes).map_err(|e| e.to_string())
    }

    fn save(&self) -> myna_wallet::Result<()> {
        let json =
            serde_json::to_vec_pretty(&*self.state.borrow()).map_err(|e| fail("state", e))?;
        std::fs::write(self.dir.join("state.json"), json).map_err(|e| fail("state", e))
    }

    fn list(&self) -> myna_wallet::Result<StatusListUri> {
        StatusListUri::new(LIST).map_err(|e| fail("status list", e))
    }

    fn subject(text: &str) -> myna_wallet::Result<SubjectHandle> {
        let bytes = b64::decode(text, "subject")?;
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| fail("subject", "not 32 bytes"))?;
        Ok(SubjectHandle::from_bytes(array))
    }

    fn anchoring<'a>(
        &'a self,
        card: &'a DemoCard,
    ) -> myna_wallet::Result<Anchoring<'a, RedbStore>> {
        Ok(Anchoring::new(
            &self.store,
            &*self.signer,
            DEMO_ISS,
            &card.validator,
            &card.crls,
            self.list()?,
        ))
    }

    fn demo_card(&self) -> myna_wallet::Result<&DemoCard> {
        self.card
            .as_ref()
            .ok_or_else(|| fail("anchoring", "no virtual card"))
    }
}

impl IssuerTransport for DemoIssuer {
    fn metadata(&self, _: &IssuerId) -> myna_wallet::Result<CredentialIssuerMetadata> {
        let json = serde_json::json!({
            "credential_issuer": DEMO_ISS,
            "credential_endpoint": format!("{DEMO_ISS}/credential"),
            "nonce_endpoint": format!("{DEMO_ISS}/nonce"),
            "batch_credential_issuance": {"batch_size": BATCH},
            "credential_configurations_supported": {
                "age": {"format": "dc+sd-jwt", "vct": "urn:myna-vc:vct:age:1"},
                "resident": {"format": "dc+sd-jwt", "vct": "urn:myna-vc:vct:resident:1"},
            }
        });
        Ok(CredentialIssuerMetadata::from_json(
            json.to_string().as_bytes(),
        )?)
    }

    fn token(
        &self,
        _: &CredentialIssuerMetadata,
        request: &TokenRequest,
    ) -> myna_wallet::Result<TokenResponse> {
        let token = CNonce::generate()?.as_str().to_owned();
        {
            let mut state = self.state.borrow_mut();
            let subject = state
                .codes
                .remove(request.pre_authorized_code.as_str())
                .ok_or_else(|| fail("token", "invalid_grant: unknown or used code"))?;
            state.tokens.insert(token.clone(), subject);
        }
        self.save()?;
        let json = serde_json::json!({"access_token": token, "token_type": "Bearer"});
        Ok(TokenResponse::from_json(json.to_string().as_bytes())?)
    }

    fn nonce(&self, _: &CredentialIssuerMetadata) -> myna_wallet::Result<NonceResponse> {
        let nonce = CNonce::generate()?;
        self.state.borrow_mut().nonce = Some(nonce.as_str().to_owned());
        self.save()?;
        Ok(NonceResponse { c_nonce: nonce })
    }

    fn credential(
        &self,
        metadata: &CredentialIssuerMetadata,
        token: &AccessToken,
        request: &CredentialRequest,
    ) -> myna_wallet::Result<CredentialResponse> {
        let (subject, nonce) = {
            let mut state = self.state.borrow_mut();
            let subject = state
                .tokens
                .get(token.as_str())
                .cloned()
                .ok_or_else(|| fail("credential", "invalid_token"))?;
            let nonce = state
                .nonce
                .take()
                .ok_or_else(|| fail("credential", "invalid_nonce"))?;
            (Self::subject(&subject)?, CNonce::new(nonce))
        };
        self.save()?;
        let rules = ProofRules {
            batch_size: metadata.batch_size(),
            ..ProofRules::new(&metadata.credential_issuer, &nonce, self.now)
        };
        let proofs = request
            .proofs
            .as_ref()
            .ok_or_else(|| fail("credential", "no proofs"))?;
        let keys = verify_key_proofs(default_provider(), proofs, &rules)?;
        let code = MAEBASHI.parse().map_err(|e| fail("profile", e))?;
        let maebashi =
            Municipality::new(code, "群馬県", "前橋市").map_err(|e| fail("profile", e))?;
        let profile = IssuerProfile::municipality(DEMO_ISS, maebashi, self.list()?);
        let issuer = CredentialIssuer::new(&self.store, &*self.signer, profile)
            .map_err(|e| fail("issuer", e))?;
        let facts = facts().map_err(|e| fail("facts", e))?;
        let not_after = self.now.plus_seconds(365 * 86_400);
        let issued = keys
            .iter()
            .map(|key| {
                let issued = match request.credential_configuration_id.as_deref() {
                    Some("age") => issuer.age(
                        &AgeRequest {
                            subject,
                            birth: facts.birth_date.date(),
                            holder_key: key,
                            not_after,
                        },
                        self.now,
                    ),
                    Some("resident") => issuer.resident(subject, &facts, key, not_after, self.now),
                    _ => return Err(fail("credential", "unsupported_credential_configuration")),
                }
                .map_err(|e| fail("issuance", e))?;
                Ok(issued.credential.to_string())
            })
            .collect::<myna_wallet::Result<Vec<_>>>()?;
        Ok(CredentialResponse::issued(issued))
    }

    fn anchor_challenge(&self, _: &IssuerId) -> myna_wallet::Result<AnchorChallenge> {
        let challenge = self
            .anchoring(self.demo_card()?)?
            .challenge(self.now)
            .map_err(|e| fail("challenge", e))?;
        Ok(AnchorChallenge {
            nonce: challenge.nonce,
            expires_at: challenge.expires_at.as_unix(),
        })
    }

    fn anchor(&self, issuer: &IssuerId, answer: &AnchorAnswer) -> myna_wallet::Result<AnchorGrant> {
        let response = AnchorResponse {
            nonce: answer.nonce.clone(),
            holder_proof: answer.holder_proof.clone(),
            card_jws: answer.card_jws.clone(),
        };
        let anchored = self
            .anchoring(self.demo_card()?)?
            .anchor(&response, self.now)
            .map_err(|e| fail("anchoring", e))?;
        let code = CNonce::generate()?.as_str().to_owned();
        self.state
            .borrow_mut()
            .codes
            .insert(code.clone(), b64::encode(anchored.subject.as_bytes()));
        self.save()?;
        let offer = CredentialOffer::pre_authorized(
            issuer.clone(),
            vec!["age".into(), "resident".into()],
            PreAuthorizedCode::new(code),
            None,
        );
        Ok(AnchorGrant {
            credential: anchored.credential.to_string(),
            credential_offer: Some(offer),
            tx_code: None,
        })
    }
}
