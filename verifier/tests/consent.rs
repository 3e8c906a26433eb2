//! The consent guard: "may I use this consent now?" for a data recipient, through every state
//! a consent can be in, with the registry's status list cached offline.
#![cfg(test)]

use myna_verifier::consent_guard::{ConsentGuard, IntendedUse};
use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::consent::{
    ConsentId, ConsentReceipt, ConsentRecord, ConsentState, ConsentTerms, ConsentUse, Purpose,
    Recipient,
};
use myna_verifier::core::crypto::{default_provider, SecretKey, Signer};
use myna_verifier::core::did::DidKey;
use myna_verifier::core::sdjwt_vc::Vct;
use myna_verifier::core::status_list::{
    StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri, StatusReference,
};
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::Error;
use myna_verifier::core::{ConsentError, JoseError};
use myna_verifier::decision::Reason;

const T0: i64 = 1_795_222_800;
const AGE: &str = "urn:myna-vc:vct:age:1";

fn t(offset: i64) -> NumericDate {
    NumericDate::from_unix(T0 + offset)
}

struct Registry {
    signer: Box<dyn Signer>,
    key: SecretKey,
    uri: StatusListUri,
    list: StatusList,
}

impl Registry {
    fn token(&self, at: NumericDate) -> String {
        StatusListToken::new(self.uri.clone(), at, self.list.clone())
            .with_ttl(core::num::NonZeroU64::new(600).unwrap())
            .sign(&*self.signer, None)
            .unwrap()
    }
}

struct Setup {
    registry: Registry,
    recipient: Recipient,
    guard: ConsentGuard,
    record: ConsentRecord,
    receipt: String,
    index: StatusIndex,
}

fn setup(usage: ConsentUse) -> Setup {
    let key = SecretKey::generate_p256().unwrap();
    let registry = Registry {
        signer: default_provider().signer(&key).unwrap(),
        key,
        uri: StatusListUri::new("https://consent.example/status/1").unwrap(),
        list: StatusList::new(StatusBits::Two, 64).unwrap(),
    };
    let clinic =
        DidKey::from_public_key(&SecretKey::generate_p256().unwrap().public_key()).unwrap();
    let recipient = Recipient::parse(clinic.did().as_str()).unwrap();
    let holder = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let terms = ConsentTerms {
        id: ConsentId::random().unwrap(),
        recipient: recipient.clone(),
        purpose: Purpose::new("health consultation").unwrap(),
        vct: Vct::parse(AGE).unwrap(),
        claims: vec![ClaimPath::key("age_over_20")],
        not_before: t(0),
        not_after: Some(t(86_400)),
        usage,
    };
    let record = ConsentRecord::sign(terms, &*holder, t(0)).unwrap();
    let index = StatusIndex::new(7);
    let receipt = ConsentReceipt::for_record(
        &record,
        StatusReference::new(index, registry.uri.clone()),
        t(1),
    )
    .sign(&*registry.signer)
    .unwrap();
    let guard = ConsentGuard::new(registry.key.public_key(), recipient.clone(), 3_600);
    guard
        .store_status_list(&registry.uri, &registry.token(t(0)), t(0))
        .unwrap();
    Setup {
        registry,
        recipient,
        guard,
        record,
        receipt,
        index,
    }
}

fn intended() -> IntendedUse {
    IntendedUse {
        vct: Vct::parse(AGE).unwrap(),
        claims: vec![ClaimPath::key("age_over_20")],
    }
}

impl Setup {
    fn ask(
        &self,
        at: NumericDate,
    ) -> Result<myna_verifier::consent_guard::UsableConsent, myna_verifier::decision::Rejection>
    {
        self.guard
            .may_use(self.record.as_str(), &self.receipt, &intended(), at)
    }

    fn set_state(&mut self, state: ConsentState, at: NumericDate) {
        self.registry
            .list
            .set(self.index, state.to_status())
            .unwrap();
        let token = self.registry.token(at);
        self.guard
            .store_status_list(&self.registry.uri, &token, at)
            .unwrap();
    }
}

#[test]
fn an_active_consent_may_be_used_inside_its_period() {
    let s = setup(ConsentUse::Ongoing);
    let ok = s.ask(t(60)).unwrap();
    assert_eq!(ok.consent, s.record.terms().id);
    assert!(!ok.one_time);
    assert_eq!(ok.status_staleness_secs, 0);
    assert_eq!(
        s.ask(t(-1)).unwrap_err().reason,
        Reason::ConsentOutsidePeriod
    );
    assert_eq!(
        s.ask(t(86_400)).unwrap_err().reason,
        Reason::ConsentOutsidePeriod
    );
}

#[test]
fn paused_withdrawn_and_used_consents_are_refused() {
    let mut s = setup(ConsentUse::OneTime);
    assert!(s.ask(t(10)).unwrap().one_time);
    s.set_state(ConsentState::Paused, t(20));
    let paused = s.ask(t(30)).unwrap_err();
    assert_eq!(
        (paused.reason, paused.cause),
        (
            Reason::ConsentPaused,
            Some(Error::Consent(ConsentError::Paused))
        )
    );
    s.set_state(ConsentState::Active, t(40));
    assert!(s.ask(t(50)).is_ok());
    s.set_state(ConsentState::Used, t(60));
    assert_eq!(s.ask(t(70)).unwrap_err().reason, Reason::ConsentUsed);
    s.set_state(ConsentState::Withdrawn, t(80));
    assert_eq!(s.ask(t(90)).unwrap_err().reason, Reason::ConsentWithdrawn);
}

#[test]
fn stale_status_data_is_refused() {
    let s = setup(ConsentUse::Ongoing);
    // ttl 600 s, tolerance 3600 s past fresh.
    assert_eq!(s.ask(t(600 + 3_600)).unwrap().status_staleness_secs, 3_600);
    assert_eq!(
        s.ask(t(600 + 3_601)).unwrap_err().reason,
        Reason::StatusTooStale
    );
}

#[test]
fn a_consent_outside_its_scope_or_with_a_foreign_receipt_is_refused() {
    let s = setup(ConsentUse::Ongoing);
    let wider = IntendedUse {
        vct: Vct::parse(AGE).unwrap(),
        claims: vec![ClaimPath::key("age_over_20"), ClaimPath::key("birthdate")],
    };
    let err = s
        .guard
        .may_use(s.record.as_str(), &s.receipt, &wider, t(1))
        .unwrap_err();
    assert_eq!(err.reason, Reason::ConsentNotApplicable);

    // Another recipient asking with the same record.
    let other = DidKey::from_public_key(&SecretKey::generate_p256().unwrap().public_key()).unwrap();
    let stranger = ConsentGuard::new(
        s.registry.key.public_key(),
        Recipient::parse(other.did().as_str()).unwrap(),
        3_600,
    );
    stranger
        .store_status_list(&s.registry.uri, &s.registry.token(t(0)), t(0))
        .unwrap();
    let err = stranger
        .may_use(s.record.as_str(), &s.receipt, &intended(), t(1))
        .unwrap_err();
    assert_eq!(err.reason, Reason::ConsentNotApplicable);
    let _ = &s.recipient;

    // A receipt for another consent (pointing at an active entry) does not vouch for this one.
    let other_setup = setup(ConsentUse::Ongoing);
    let err = s
        .guard
        .may_use(s.record.as_str(), &other_setup.receipt, &intended(), t(1))
        .unwrap_err();
    assert_eq!(
        err.cause,
        Some(Error::Jose(JoseError::SignatureInvalid)),
        "signed by another registry"
    );

    // A receipt signed by a key other than the pinned registry key.
    let forged = ConsentReceipt::for_record(
        &s.record,
        StatusReference::new(StatusIndex::new(8), s.registry.uri.clone()),
        t(1),
    )
    .sign(
        &*default_provider()
            .signer(&SecretKey::generate_p256().unwrap())
            .unwrap(),
    )
    .unwrap();
    let err = s
        .guard
        .may_use(s.record.as_str(), &forged, &intended(), t(1))
        .unwrap_err();
    assert_eq!(
        (err.reason, err.cause),
        (
            Reason::Tampered,
            Some(Error::Jose(JoseError::SignatureInvalid))
        )
    );

    // A tampered record.
    let mut record = s.record.as_str().to_owned();
    record.push('A');
    let err = s
        .guard
        .may_use(&record, &s.receipt, &intended(), t(1))
        .unwrap_err();
    assert_ne!(err.reason, Reason::ConsentNotApplicable);
}

#[test]
fn without_cached_status_the_guard_says_no() {
    let s = setup(ConsentUse::Ongoing);
    let fresh = ConsentGuard::new(s.registry.key.public_key(), s.recipient.clone(), 3_600);
    let err = fresh
        .may_use(s.record.as_str(), &s.receipt, &intended(), t(1))
        .unwrap_err();
    assert_eq!(err.reason, Reason::StatusUnavailable);
    // A status list signed by someone else is not taken.
    let rogue = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let forged = StatusListToken::new(s.registry.uri.clone(), t(0), s.registry.list.clone())
        .sign(&*rogue, None)
        .unwrap();
    assert_eq!(
        fresh.store_status_list(&s.registry.uri, &forged, t(0)),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );
}
