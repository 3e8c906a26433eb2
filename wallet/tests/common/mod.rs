//! Shared by the wallet's tests: a test JPKI CA and a virtual card, and the issuer library
//! (myna-issuer) driven in-process behind the wallet's `IssuerTransport`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use myna_issuer::anchor::{AnchorResponse, Anchoring};
use myna_issuer::credential_types::Kind;
use myna_issuer::issuance::{
    verify_anchor, AgeRequest, CredentialIssuer, IssuerProfile, Membership,
};
use myna_issuer::publication::{publish, PublishOptions};
use myna_issuer::record::SubjectHandle;
use myna_issuer::store::{MemoryStore as IssuerStore, Store};
use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::card_jws::CardSigner;
use myna_jpki::crl::Crl;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{IssuedCard, TestCa, TestKey};
use myna_jpki::validate::Validator;
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::crypto::{default_provider, SecretKey, Signer};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::oid4vci::{
    verify_key_proofs, AccessToken, CNonce, CredentialIssuerMetadata, CredentialOffer,
    CredentialRequest, CredentialResponse, IssuerId, Message, NonceResponse, PreAuthorizedCode,
    ProofRules, TokenRequest, TokenResponse,
};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
use myna_wallet::receive::{AnchorAnswer, AnchorChallenge, AnchorGrant, IssuerTransport};
use myna_wallet::sealed::KdfParams;
use myna_wallet::store::MemoryStore;
use myna_wallet::{Error, Result, Wallet};

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

/// The municipality's side, in-process: its store, keys, CA view and the OpenID4VCI state.
pub struct InProcessIssuer {
    pub ca: TestCa,
    pub card: IssuedCard,
    pub validator: Validator,
    pub issuer_key: SecretKey,
    pub signer: Box<dyn Signer>,
    pub store: IssuerStore,
    pub uri: StatusListUri,
    pub crls: Vec<Crl>,
    pub now: NumericDate,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    codes: HashMap<String, SubjectHandle>,
    tokens: HashMap<String, SubjectHandle>,
    nonce: Option<CNonce>,
    subject: Option<SubjectHandle>,
}

impl InProcessIssuer {
    pub fn new() -> Self {
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
        let issuer_key = SecretKey::generate_p256().unwrap();
        let signer = default_provider().signer(&issuer_key).unwrap();
        let store = IssuerStore::new();
        let uri = StatusListUri::new(LIST).unwrap();
        store.create_status_list(&uri, 1 << 12).unwrap();
        InProcessIssuer {
            ca,
            card,
            validator,
            issuer_key,
            signer,
            store,
            uri,
            crls,
            now: at,
            state: RefCell::new(State::default()),
        }
    }

    fn anchoring(&self) -> Anchoring<'_, IssuerStore> {
        Anchoring::new(
            &self.store,
            &*self.signer,
            ISS,
            &self.validator,
            &self.crls,
            self.uri.clone(),
        )
    }

    /// The municipality's issuance library, on this issuer's store, key and status list.
    pub fn credential_issuer(&self) -> CredentialIssuer<'_, IssuerStore> {
        let maebashi = Municipality::new("102016".parse().unwrap(), "群馬県", "前橋市").unwrap();
        let profile = IssuerProfile::municipality(ISS, maebashi, self.uri.clone());
        CredentialIssuer::new(&self.store, &*self.signer, profile).unwrap()
    }

    /// The card's authentication key behind the virtual card.
    pub fn card_signer(&self) -> CardSigner<VCard> {
        let card = JpkiCard::new(VirtualCard::new(
            &self.card,
            AuthPin::new("1234").unwrap(),
            SignPin::new("ABC123").unwrap(),
        ));
        CardSigner::authentication(card, AuthPin::new("1234").unwrap()).unwrap()
    }

    pub fn id(&self) -> IssuerId {
        IssuerId::new(ISS).unwrap()
    }

    /// The current status list, signed.
    pub fn status_token(&self) -> String {
        publish(
            &self.store,
            &self.uri,
            &*self.signer,
            &PublishOptions::at(self.now),
        )
        .unwrap()
        .token
    }

    /// A signer with the issuer's key (for a test registry).
    pub fn signer_for_tests(&self) -> Box<dyn Signer> {
        default_provider().signer(&self.issuer_key).unwrap()
    }

    pub fn pinned(&self) -> PinnedIssuer {
        PinnedIssuer::new(ISS, self.issuer_key.public_key())
    }

    pub fn status(&self) -> StatusTokens {
        StatusTokens::new().with(&self.uri, self.status_token())
    }

    /// A fresh pre-authorized offer of `ids` for the anchored subject.
    pub fn offer(&self, ids: &[&str]) -> CredentialOffer {
        let mut state = self.state.borrow_mut();
        let subject = state.subject.expect("anchor first");
        let code = CNonce::generate().unwrap().as_str().to_owned();
        state.codes.insert(code.clone(), subject);
        CredentialOffer::pre_authorized(
            self.id(),
            ids.iter().map(|s| (*s).to_owned()).collect(),
            PreAuthorizedCode::new(code),
            None,
        )
    }
}

fn refused(detail: impl ToString) -> Error {
    Error::Remote {
        party: "issuer",
        detail: detail.to_string(),
    }
}

impl IssuerTransport for InProcessIssuer {
    fn metadata(&self, issuer: &IssuerId) -> Result<CredentialIssuerMetadata> {
        assert_eq!(issuer.as_str(), ISS);
        let json = serde_json::json!({
            "credential_issuer": ISS,
            "credential_endpoint": format!("{ISS}/credential"),
            "nonce_endpoint": format!("{ISS}/nonce"),
            "batch_credential_issuance": {"batch_size": BATCH},
            "credential_configurations_supported": {
                "age": {"format": "dc+sd-jwt", "vct": Kind::Age.vct()},
                "resident": {"format": "dc+sd-jwt", "vct": Kind::Resident.vct()},
            }
        });
        Ok(CredentialIssuerMetadata::from_json(
            json.to_string().as_bytes(),
        )?)
    }

    fn token(&self, _: &CredentialIssuerMetadata, request: &TokenRequest) -> Result<TokenResponse> {
        let mut state = self.state.borrow_mut();
        let subject = state
            .codes
            .remove(request.pre_authorized_code.as_str())
            .ok_or_else(|| refused("invalid_grant"))?;
        let token = CNonce::generate().unwrap().as_str().to_owned();
        state.tokens.insert(token.clone(), subject);
        let json = serde_json::json!({"access_token": token, "token_type": "Bearer"});
        Ok(TokenResponse::from_json(json.to_string().as_bytes())?)
    }

    fn nonce(&self, _: &CredentialIssuerMetadata) -> Result<NonceResponse> {
        let nonce = CNonce::generate()?;
        self.state.borrow_mut().nonce = Some(nonce.clone());
        Ok(NonceResponse { c_nonce: nonce })
    }

    fn credential(
        &self,
        metadata: &CredentialIssuerMetadata,
        token: &AccessToken,
        request: &CredentialRequest,
    ) -> Result<CredentialResponse> {
        let (subject, nonce) = {
            let mut state = self.state.borrow_mut();
            let subject = *state
                .tokens
                .get(token.as_str())
                .ok_or_else(|| refused("invalid_token"))?;
            (
                subject,
                state.nonce.take().ok_or_else(|| refused("no nonce"))?,
            )
        };
        let rules = ProofRules {
            batch_size: metadata.batch_size(),
            ..ProofRules::new(&metadata.credential_issuer, &nonce, self.now)
        };
        let keys = verify_key_proofs(default_provider(), request.proofs.as_ref().unwrap(), &rules)?;
        let issuer = self.credential_issuer();
        let not_after = self.now.plus_seconds(365 * 86_400);
        let facts = facts();
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
                    // Bound to the anchored key, proven by the anchor credential presented
                    // to this issuer with the request's c_nonce (as the HTTP service does).
                    Some("fan_club_membership") => {
                        let presentation = request
                            .other
                            .get("anchor_presentation")
                            .and_then(serde_json::Value::as_str)
                            .ok_or_else(|| refused("anchor_presentation missing"))?;
                        let evidence = verify_anchor(
                            presentation,
                            &self.issuer_key.public_key(),
                            ISS,
                            nonce.as_str(),
                            self.now,
                        )
                        .map_err(refused)?;
                        if evidence.holder_key() != key {
                            return Err(refused("the proof is not by the anchored key"));
                        }
                        let membership = Membership {
                            club_id: "izu-fan-club".into(),
                            member_number: "A-0042".into(),
                            tier: "gold".into(),
                        };
                        issuer.fan_club_membership(&evidence, &membership, not_after, self.now)
                    }
                    _ => return Err(refused("unsupported_credential_type")),
                }
                .map_err(refused)?;
                Ok(issued.credential.to_string())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CredentialResponse::issued(issued))
    }

    fn anchor_challenge(&self, issuer: &IssuerId) -> Result<AnchorChallenge> {
        assert_eq!(issuer.as_str(), ISS);
        let challenge = self.anchoring().challenge(self.now).map_err(refused)?;
        Ok(AnchorChallenge {
            nonce: challenge.nonce,
            expires_at: challenge.expires_at.as_unix(),
        })
    }

    fn anchor(&self, _: &IssuerId, answer: &AnchorAnswer) -> Result<AnchorGrant> {
        let response = AnchorResponse {
            nonce: answer.nonce.clone(),
            holder_proof: answer.holder_proof.clone(),
            card_jws: answer.card_jws.clone(),
        };
        let anchored = self
            .anchoring()
            .anchor(&response, self.now)
            .map_err(refused)?;
        self.state.borrow_mut().subject = Some(anchored.subject);
        Ok(AnchorGrant {
            credential: anchored.credential.to_string(),
            credential_offer: Some(self.offer(&["age", "resident"])),
            tx_code: None,
        })
    }
}

/// A wallet anchored at the in-process issuer and holding a batch of age and resident
/// credentials.
pub fn stocked_wallet(issuer: &InProcessIssuer) -> Wallet<MemoryStore> {
    let wallet = new_wallet();
    let (pinned, status) = (issuer.pinned(), issuer.status());
    let check = ReceiptCheck::new(&pinned, &status);
    let (_, offer) = wallet
        .anchor(
            issuer,
            &issuer.id(),
            &issuer.card_signer(),
            &check,
            issuer.now,
        )
        .unwrap();
    // The new credentials' status entries exist only after issuance: re-read the list then.
    let offer = offer.unwrap();
    let status = LateStatus(issuer);
    let check = ReceiptCheck::new(&pinned, &status);
    wallet
        .receive(issuer, &offer, None, &check, issuer.now)
        .unwrap();
    wallet
}

/// A status source that publishes the issuer's list when asked (after issuance).
pub struct LateStatus<'a>(pub &'a InProcessIssuer);

impl myna_wallet::receipt::StatusSource for LateStatus<'_> {
    fn status_list(
        &self,
        uri: &StatusListUri,
        key: &myna_vc_core::crypto::PublicKey,
        now: NumericDate,
    ) -> Result<myna_vc_core::status_list::VerifiedStatusList> {
        self.0.status().status_list(uri, key, now)
    }
}
