//! The wallet's consents in steps, as the web app drives them (JS does the HTTP, Rust builds
//! and checks), against a registry in process: register, keep the receipt, pause, resume,
//! withdraw, and the one-time consent's use read back from the registry's status list.
#![cfg(feature = "wallet")]
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test")]

use myna_vc_core::consent::{ConsentId, ConsentUseReport};
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::did::DidKey;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::{FixedClock, NumericDate};
use myna_wallet::consent::{ConsentRegistry, MemoryRegistry};
use myna_wasm::wallet::Wallet;
use serde_json::{json, Value};

const NOW: i64 = 1_800_000_000;
const REGISTRY: &str = "https://city.example";
const LIST: &str = "https://city.example/consent-status/1";

struct Setup {
    wallet: Wallet,
    registry: MemoryRegistry,
    jwk: String,
    clinic: SecretKey,
    recipient: String,
}

fn setup() -> Setup {
    let key = SecretKey::generate_p256().unwrap();
    let registry = MemoryRegistry::new(
        default_provider().signer(&key).unwrap(),
        StatusListUri::new(LIST).unwrap(),
        Box::new(FixedClock(NumericDate::from_unix(NOW))),
    )
    .unwrap();
    let clinic = SecretKey::generate_p256().unwrap();
    let recipient = DidKey::from_public_key(&clinic.public_key())
        .unwrap()
        .did()
        .as_str()
        .to_owned();
    Setup {
        wallet: Wallet::create_native("a long passphrase", NOW as f64).unwrap(),
        registry,
        jwk: key.public_key().to_jwk().to_string(),
        clinic,
        recipient,
    }
}

impl Setup {
    /// Registers a consent the way the page does: POST the body, keep the answer.
    fn give(&self, one_time: bool) -> Value {
        let request = json!({ "recipient": self.recipient, "purpose": "health consultation",
            "vct": "urn:myna-vc:vct:age:1", "claims": ["age_over_20", "[\"birthdate\"]"],
            "until": NOW + 3_600, "oneTime": one_time });
        let post = self
            .wallet
            .consent_registration_native(&request, REGISTRY, NOW as f64)
            .unwrap();
        assert_eq!(post["url"], "https://city.example/consents");
        let body: Value = serde_json::from_str(post["body"].as_str().unwrap()).unwrap();
        let receipt = self
            .registry
            .register(
                body["record"].as_str().unwrap(),
                body["holder_proof"].as_str(),
            )
            .unwrap();
        let answer = json!({ "consent_id": post["pendingId"], "receipt": receipt, "status": {} });
        self.wallet
            .keep_consent_native(
                post["pendingId"].as_str().unwrap(),
                &answer.to_string(),
                &self.jwk,
                NOW as f64,
            )
            .unwrap()
    }

    fn act(&self, id: &str, action: &str) -> Value {
        let post = self
            .wallet
            .consent_action_native(id, action, NOW as f64 + 10.0)
            .unwrap();
        assert_eq!(post["url"], "https://city.example/consents/actions");
        let body: Value = serde_json::from_str(post["body"].as_str().unwrap()).unwrap();
        self.registry
            .act(
                &ConsentId::parse(id).unwrap(),
                body["action"].as_str().unwrap(),
            )
            .unwrap();
        let state = match action {
            "pause" => "paused",
            "resume" => "active",
            _ => "withdrawn",
        };
        let answer = json!({ "consent_id": id, "state": state });
        self.wallet
            .apply_consent_action_native(
                id,
                action,
                &answer.to_string(),
                &self.jwk,
                NOW as f64 + 10.0,
            )
            .unwrap()
    }

    fn tokens(&self) -> String {
        let token = self
            .registry
            .status_list(&StatusListUri::new(LIST).unwrap())
            .unwrap();
        json!([{ "uri": LIST, "token": token }]).to_string()
    }
}

#[test]
fn register_keep_pause_resume_withdraw() {
    let s = setup();
    s.wallet.take_changes_native().unwrap();
    let kept = s.give(false);
    assert_eq!(kept["state"], "active");
    assert_eq!(kept["oneTime"], false);
    assert_eq!(kept["recipient"], s.recipient);
    assert_eq!(
        kept["claims"],
        json!(["[\"age_over_20\"]", "[\"birthdate\"]"])
    );
    assert_eq!(kept["until"], NOW + 3_600);
    assert_eq!(kept["registry"], REGISTRY);
    let changes = s.wallet.take_changes_native().unwrap();
    assert!(changes.iter().any(|c| c.table == "consents"));
    assert!(changes.iter().any(|c| c.table == "history"));
    let id = kept["id"].as_str().unwrap();
    assert_eq!(s.act(id, "pause")["state"], "paused");
    assert_eq!(s.act(id, "resume")["state"], "active");
    assert_eq!(s.act(id, "withdraw")["state"], "withdrawn");
    // A withdrawn consent cannot be resumed: refused before anything is signed or sent.
    assert!(s
        .wallet
        .consent_action_native(id, "resume", NOW as f64 + 20.0)
        .is_err());
    let consents = s.wallet.consents_native(NOW as f64 + 30.0).unwrap();
    assert_eq!(consents.as_array().unwrap().len(), 1);
    assert_eq!(consents[0]["state"], "withdrawn");
    let kinds: Vec<String> = s
        .wallet
        .history_native()
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "note",
            "consent_given",
            "consent_changed",
            "consent_changed",
            "consent_changed"
        ]
    );
    // Past `until`, an active consent shows as expired.
    let later = s.give(false);
    let all = s.wallet.consents_native(NOW as f64 + 7_200.0).unwrap();
    let shown = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == later["id"])
        .unwrap()
        .clone();
    assert_eq!(shown["state"], "expired");
}

#[test]
fn a_registry_answer_that_does_not_match_is_refused_and_nothing_changes() {
    let s = setup();
    let kept = s.give(false);
    let id = kept["id"].as_str().unwrap();
    s.wallet
        .consent_action_native(id, "pause", NOW as f64)
        .unwrap();
    let wrong = json!({ "consent_id": id, "state": "withdrawn" }).to_string();
    let err = s
        .wallet
        .apply_consent_action_native(id, "pause", &wrong, &s.jwk, NOW as f64)
        .unwrap_err();
    assert_eq!(err.code(), "remote");
    let other = json!({ "consent_id": "another", "state": "paused" }).to_string();
    assert!(s
        .wallet
        .apply_consent_action_native(id, "pause", &other, &s.jwk, NOW as f64)
        .is_err());
    assert_eq!(
        s.wallet.consents_native(NOW as f64).unwrap()[0]["state"],
        "active"
    );
    // A receipt signed by another registry is refused; the consent is not stored.
    let request = json!({ "recipient": s.recipient, "purpose": "p", "vct": "urn:myna-vc:vct:age:1",
                          "claims": ["age_over_20"] });
    let post = s
        .wallet
        .consent_registration_native(&request, REGISTRY, NOW as f64)
        .unwrap();
    let body: Value = serde_json::from_str(post["body"].as_str().unwrap()).unwrap();
    let receipt = s
        .registry
        .register(body["record"].as_str().unwrap(), None)
        .unwrap();
    let stranger = SecretKey::generate_p256()
        .unwrap()
        .public_key()
        .to_jwk()
        .to_string();
    let answer = json!({ "receipt": receipt }).to_string();
    let pending = post["pendingId"].as_str().unwrap();
    assert_eq!(
        s.wallet
            .keep_consent_native(pending, &answer, &stranger, NOW as f64)
            .unwrap_err()
            .code(),
        "signature_invalid"
    );
    assert_eq!(
        s.wallet
            .consents_native(NOW as f64)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The right key still keeps it (the pending step survived the refusal).
    assert!(s
        .wallet
        .keep_consent_native(pending, &answer, &s.jwk, NOW as f64)
        .is_ok());
}

#[test]
fn a_one_time_consent_used_by_its_recipient_shows_as_used() {
    let s = setup();
    let kept = s.give(true);
    assert_eq!(kept["oneTime"], true);
    assert_eq!(s.wallet.consent_status_uris_native().unwrap(), [LIST]);
    let id = ConsentId::parse(kept["id"].as_str().unwrap()).unwrap();
    let report = ConsentUseReport {
        consent: id,
        iat: NumericDate::from_unix(NOW + 5),
    }
    .sign(&*default_provider().signer(&s.clinic).unwrap())
    .unwrap();
    s.registry.report_use(&id, &report).unwrap();
    s.wallet.take_changes_native().unwrap();
    let read = s
        .wallet
        .apply_consent_status_native(&s.tokens(), &s.jwk, NOW as f64 + 60.0)
        .unwrap();
    assert_eq!(
        read["checked"],
        json!([{ "id": kept["id"], "state": "used" }])
    );
    assert_eq!(read["failed"], json!([]));
    assert!(s
        .wallet
        .take_changes_native()
        .unwrap()
        .iter()
        .any(|c| c.table == "consents"));
    let shown = &s.wallet.consents_native(NOW as f64 + 60.0).unwrap()[0];
    assert_eq!(shown["state"], "used");
    assert_eq!(shown["checkedAt"], NOW + 60);
    // A list signed by another key is reported, not applied.
    let stranger = SecretKey::generate_p256()
        .unwrap()
        .public_key()
        .to_jwk()
        .to_string();
    let read = s
        .wallet
        .apply_consent_status_native(&s.tokens(), &stranger, NOW as f64 + 90.0)
        .unwrap();
    assert_eq!(read["checked"], json!([]));
    assert_eq!(read["failed"][0]["code"], "signature_invalid");
}
