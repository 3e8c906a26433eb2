//! Dynamic opt-in: each way a consent ends access, as the recipient sees it through the
//! registry's consent status list.
#![cfg(test)]

mod common;

use std::sync::{Arc, Mutex};

use common::new_wallet;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{
    ConsentAction, ConsentId, ConsentRecord, ConsentUse, ConsentUseReport, Purpose, Recipient,
};
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::did::DidKey;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::{Clock, NumericDate};
use myna_vc_core::Error as CoreError;
use myna_wallet::consent::{
    check_access, ConsentRegistry, ConsentRequest, MemoryRegistry, StoredConsent,
};
use myna_wallet::history::Event;
use myna_wallet::keys::{KeyLabel, VerifierId};
use myna_wallet::store::MemoryStore;
use myna_wallet::{Error, Wallet};

const T: NumericDate = NumericDate::from_unix(1_800_000_000);

/// A clock the test moves.
#[derive(Clone)]
struct TestClock(Arc<Mutex<NumericDate>>);

impl Clock for TestClock {
    fn now(&self) -> NumericDate {
        *self.0.lock().unwrap()
    }
}

struct Setup {
    wallet: Wallet<MemoryStore>,
    registry: MemoryRegistry,
    clinic: SecretKey,
    recipient: Recipient,
    clock: TestClock,
}

fn setup() -> Setup {
    let clock = TestClock(Arc::new(Mutex::new(T)));
    let registry = MemoryRegistry::new(
        default_provider()
            .signer(&SecretKey::generate_p256().unwrap())
            .unwrap(),
        StatusListUri::new("https://city.example/consents/1").unwrap(),
        Box::new(clock.clone()),
    )
    .unwrap();
    let clinic = SecretKey::generate_p256().unwrap();
    let did = DidKey::from_public_key(&clinic.public_key()).unwrap();
    let recipient = Recipient::parse(did.did().as_str()).unwrap();
    Setup {
        wallet: new_wallet(),
        registry,
        clinic,
        recipient,
        clock,
    }
}

impl Setup {
    fn give(&self, not_after: Option<NumericDate>, usage: ConsentUse) -> StoredConsent {
        let request = ConsentRequest {
            recipient: self.recipient.clone(),
            purpose: Purpose::new("child health consultation").unwrap(),
            vct: Vct::parse("urn:myna-vc:vct:age:1").unwrap(),
            claims: vec![ClaimPath::key("age_over_20")],
            not_before: T,
            not_after,
            usage,
        };
        self.wallet
            .give_consent(&self.registry, request, T)
            .unwrap()
    }

    /// The recipient's view at `now`: fetch the list, check the consent.
    fn access(&self, consent: &StoredConsent, now: NumericDate) -> Result<ConsentRecord, Error> {
        *self.clock.0.lock().unwrap() = now;
        let receipt = myna_vc_core::consent::ConsentReceipt::verify(
            &consent.receipt,
            default_provider(),
            self.registry.registry_key(),
        )
        .unwrap();
        let token = self.registry.status_list(&receipt.status.uri).unwrap();
        check_access(
            &consent.record,
            &consent.receipt,
            self.registry.registry_key(),
            &token,
            now,
        )
    }

    fn change(&self, consent: &StoredConsent, action: ConsentAction) -> StoredConsent {
        self.wallet
            .change_consent(&self.registry, &consent.id, action, T.plus_seconds(10))
            .unwrap()
    }
}

fn core(err: Error) -> CoreError {
    match err {
        Error::Core(core) => core,
        other => panic!("expected a core error, got {other}"),
    }
}

#[test]
fn an_ongoing_consent_gives_access_and_is_signed_with_the_pairwise_key() {
    let s = setup();
    let consent = s.give(None, ConsentUse::Ongoing);
    let record = s.access(&consent, T.plus_seconds(60)).unwrap();
    assert_eq!(record.terms().claims, [ClaimPath::key("age_over_20")]);
    let label = KeyLabel::verifier(&VerifierId::new(s.recipient.did().as_str()).unwrap());
    assert_eq!(
        record.holder_key(),
        &s.wallet.holder_keys().public_key(&label).unwrap()
    );
}

#[test]
fn a_one_time_consent_ends_after_the_reported_use() {
    let s = setup();
    let consent = s.give(None, ConsentUse::OneTime);
    let record = s.access(&consent, T.plus_seconds(60)).unwrap();
    let report = ConsentUseReport {
        consent: record.terms().id,
        iat: T.plus_seconds(61),
    }
    .sign(&*default_provider().signer(&s.clinic).unwrap())
    .unwrap();
    s.registry.report_use(&record.terms().id, &report).unwrap();
    let err = s.access(&consent, T.plus_seconds(120)).unwrap_err();
    assert!(matches!(
        core(err),
        CoreError::Consent(myna_vc_core::ConsentError::Used)
    ));
}

#[test]
fn a_use_report_from_someone_else_is_refused() {
    let s = setup();
    let consent = s.give(None, ConsentUse::OneTime);
    let id = ConsentId::parse(&consent.id).unwrap();
    let forged = ConsentUseReport {
        consent: id,
        iat: T,
    }
    .sign(
        &*default_provider()
            .signer(&SecretKey::generate_p256().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert!(s.registry.report_use(&id, &forged).is_err());
    assert!(s.access(&consent, T.plus_seconds(1)).is_ok());
}

#[test]
fn a_time_bound_consent_ends_at_its_end() {
    let s = setup();
    let end = T.plus_seconds(3_600);
    let consent = s.give(Some(end), ConsentUse::Ongoing);
    assert!(s.access(&consent, end.minus_seconds(1)).is_ok());
    let err = s.access(&consent, end).unwrap_err();
    assert!(matches!(
        core(err),
        CoreError::Consent(myna_vc_core::ConsentError::Expired { .. })
    ));
    let err = s.access(&consent, T.minus_seconds(1)).unwrap_err();
    assert!(matches!(
        core(err),
        CoreError::Consent(myna_vc_core::ConsentError::NotYetValid { .. })
    ));
}

#[test]
fn a_paused_consent_ends_access_until_resumed() {
    let s = setup();
    let consent = s.give(None, ConsentUse::Ongoing);
    let paused = s.change(&consent, ConsentAction::Pause);
    assert_eq!(paused.state, "paused");
    let err = s.access(&consent, T.plus_seconds(20)).unwrap_err();
    assert!(matches!(
        core(err),
        CoreError::Consent(myna_vc_core::ConsentError::Paused)
    ));
    s.change(&consent, ConsentAction::Resume);
    assert!(s.access(&consent, T.plus_seconds(30)).is_ok());
}

#[test]
fn a_withdrawn_consent_ends_access_for_good() {
    let s = setup();
    let consent = s.give(None, ConsentUse::Ongoing);
    s.change(&consent, ConsentAction::Withdraw);
    let err = s.access(&consent, T.plus_seconds(20)).unwrap_err();
    assert!(matches!(
        core(err),
        CoreError::Consent(myna_vc_core::ConsentError::Withdrawn)
    ));
    let resume = s
        .wallet
        .change_consent(
            &s.registry,
            &consent.id,
            ConsentAction::Resume,
            T.plus_seconds(30),
        )
        .unwrap_err();
    assert!(matches!(
        core(resume),
        CoreError::Consent(myna_vc_core::ConsentError::Transition { .. })
    ));
    let history = s.wallet.verify_history().unwrap();
    assert!(history.iter().any(|e| matches!(&e.event,
        Event::ConsentChanged { consent: id, action } if id == &consent.id && action == "withdraw")));
}

#[test]
fn a_replayed_action_is_refused_by_the_registry() {
    let s = setup();
    let consent = s.give(None, ConsentUse::Ongoing);
    let id = ConsentId::parse(&consent.id).unwrap();
    let label = KeyLabel::verifier(&VerifierId::new(s.recipient.did().as_str()).unwrap());
    let signer = s.wallet.holder_keys().signer(&label).unwrap();
    let pause = myna_vc_core::consent::ConsentActionRequest {
        consent: id,
        action: ConsentAction::Pause,
        seq: 1,
        iat: T,
    }
    .sign(&*signer)
    .unwrap();
    s.registry.act(&id, &pause).unwrap();
    let err = s.registry.act(&id, &pause).unwrap_err();
    assert!(matches!(
        core(err),
        CoreError::Consent(myna_vc_core::ConsentError::ActionReplayed { last: 1, seq: 1 })
    ));
}

#[test]
fn the_holdings_view_says_who_holds_what_since_when() {
    let s = setup();
    let first = s.give(None, ConsentUse::Ongoing);
    let second = s.give(Some(T.plus_seconds(99)), ConsentUse::OneTime);
    s.change(&first, ConsentAction::Withdraw);
    let holdings = s.wallet.consent_holdings().unwrap();
    assert_eq!(holdings.len(), 2);
    let of = |id: &str| holdings.iter().find(|h| h.consent == id).unwrap();
    assert_eq!(of(&first.id).state, "withdrawn");
    assert_eq!(of(&second.id).state, "active");
    assert_eq!(of(&second.id).until, Some(T.plus_seconds(99)));
    assert!(holdings.iter().all(|h| h.since == T
        && h.recipient == s.recipient.did().as_str()
        && h.claims == [r#"["age_over_20"]"#]));
}
