//! Presenting: minimal disclosure for a DCQL query, the two-step preview, key binding, one
//! verifier per credential instance, and the compact QR form.
#![cfg(test)]

mod common;

use std::collections::HashSet;

use common::{stocked_wallet, City, BATCH};
use myna_issuer::issuance::AgeRequest;
use myna_issuer::record::SubjectHandle;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::compact::{self, InPersonChallenge};
use myna_vc_core::crypto::default_provider;
use myna_vc_core::crypto::SecretKey;
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::jwe::EncryptionKey;
use myna_vc_core::jws::Jws;
use myna_vc_core::oid4vp::{
    AuthorizationRequest, ClientId, DcApiRequest, DcApiResponse, Nonce, Origin, RequestTrust,
    ResponseBody, ResponseMode,
};
use myna_vc_core::sdjwt::{KeyBindingRule, SdJwt};
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions, VerifiedCredential};
use myna_wallet::history::Event;
use myna_wallet::keys::VerifierId;
use myna_wallet::present::{Presentation, PresentationRequest};
use myna_wallet::store::MemoryStore;
use myna_wallet::{Error, Wallet};
use serde_json::json;

const AGE_QUERY: &str = r#"{"credentials": [{"id": "age", "format": "dc+sd-jwt",
  "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]},
  "claims": [{"path": ["age_over_20"], "values": [true]}]}]}"#;

const RESIDENT_QUERY: &str = r#"{"credentials": [{"id": "resident", "format": "dc+sd-jwt",
  "meta": {"vct_values": ["urn:myna-vc:vct:resident:1"]},
  "claims": [{"path": ["municipality_code"], "values": ["102016"]}]}]}"#;

fn request(verifier: &str, nonce: &str, query: &str) -> PresentationRequest {
    PresentationRequest {
        verifier: VerifierId::new(verifier).unwrap(),
        nonce: nonce.into(),
        query: DcqlQuery::from_json(query.as_bytes()).unwrap(),
        state: None,
    }
}

fn present(
    wallet: &Wallet<MemoryStore>,
    issuer: &City,
    verifier: &str,
    nonce: &str,
    query: &str,
) -> Presentation {
    wallet
        .prepare(request(verifier, nonce, query), issuer.now)
        .unwrap()
        .confirm()
        .unwrap()
}

/// The verifier's side: issuer signature, key binding to its audience and nonce.
fn verify(issuer: &City, presentation: &str, verifier: &str, nonce: &str) -> VerifiedCredential {
    let rule = KeyBindingRule::Required {
        audience: verifier,
        nonce,
        max_age_secs: 300,
    };
    sdjwt_vc::verify(
        presentation,
        default_provider(),
        &issuer.issuer_key.public_key(),
        &VcVerifyOptions::at(issuer.now, rule),
    )
    .unwrap()
}

#[test]
fn age_over_20_discloses_that_claim_and_nothing_else() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let preview = wallet
        .prepare(
            request("https://shop.example", "n-0S6_WzA2Mj", AGE_QUERY),
            issuer.now,
        )
        .unwrap();
    // The preview says exactly what will leave the wallet.
    assert_eq!(preview.items().len(), 1);
    let item = &preview.items()[0];
    assert_eq!(item.vct, "urn:myna-vc:vct:age:1");
    assert_eq!(
        item.disclosed,
        [(ClaimPath::key("age_over_20"), json!(true))]
    );
    assert!(!item
        .always_shown
        .iter()
        .any(|c| c.contains("birth") || c.starts_with("age_")));

    let presentation = preview.confirm().unwrap();
    let shown = presentation.single().unwrap();
    let verified = verify(&issuer, shown, "https://shop.example", "n-0S6_WzA2Mj");
    assert_eq!(
        verified.disclosed().disclosed_paths(),
        [ClaimPath::key("age_over_20")]
    );
    assert_eq!(verified.claims()["age_over_20"], true);
    for hidden in [
        "birthdate",
        "age_over_4",
        "age_over_15",
        "age_over_18",
        "age_over_65",
    ] {
        assert!(!verified.claims().contains_key(hidden), "{hidden} leaked");
    }
    assert_eq!(SdJwt::parse(shown).unwrap().disclosures().len(), 1);
    // Bound to the verifier: another audience or nonce is refused.
    let rule = KeyBindingRule::Required {
        audience: "https://other.example",
        nonce: "n-0S6_WzA2Mj",
        max_age_secs: 300,
    };
    assert!(sdjwt_vc::verify(
        shown,
        default_provider(),
        &issuer.issuer_key.public_key(),
        &VcVerifyOptions::at(issuer.now, rule)
    )
    .is_err());
    // The history records what went to whom.
    let history = wallet.verify_history().unwrap();
    assert!(history.iter().any(|e| matches!(&e.event,
        Event::Presented { verifier, claims, .. }
            if verifier == "https://shop.example" && claims == &[r#"["age_over_20"]"#])));
}

#[test]
fn resident_of_municipality_discloses_no_personal_claim() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let presentation = present(
        &wallet,
        &issuer,
        "https://gate.example",
        "gate-nonce-1",
        RESIDENT_QUERY,
    );
    let verified = verify(
        &issuer,
        presentation.single().unwrap(),
        "https://gate.example",
        "gate-nonce-1",
    );
    assert_eq!(verified.claims()["municipality_code"], "102016");
    assert!(verified.disclosed().disclosed_paths().is_empty());
    for hidden in ["name", "address", "birthdate"] {
        assert!(!verified.claims().contains_key(hidden), "{hidden} leaked");
    }
}

#[test]
fn a_query_the_wallet_cannot_answer_is_refused_whole() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let minor = AGE_QUERY.replace("[true]", "[false]");
    let err = wallet
        .prepare(request("https://shop.example", "n", &minor), issuer.now)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Core(myna_vc_core::Error::Dcql(
                myna_vc_core::DcqlError::Unsatisfied { .. }
            ))
        ),
        "{err}"
    );
    // Nothing was marked as shown.
    assert!(wallet
        .credentials()
        .unwrap()
        .iter()
        .all(|c| c.shown_to.is_none()));
}

/// Every per-credential value a verifier sees, decoded.
fn per_credential_values(presentation: &str) -> HashSet<String> {
    let sd = SdJwt::parse(presentation).unwrap();
    let jws = Jws::parse(sd.jwt()).unwrap();
    let payload = jws.payload_object("payload").unwrap();
    let mut values = HashSet::new();
    values.insert(format!(
        "issuer signature {}",
        sd.jwt().rsplit('.').next().unwrap()
    ));
    for digest in payload["_sd"].as_array().unwrap() {
        values.insert(format!("digest {}", digest.as_str().unwrap()));
    }
    for d in sd.disclosures() {
        values.insert(format!("disclosure {}", d.as_str()));
        values.insert(format!("salt {}", d.salt()));
    }
    let jwk = &payload["cnf"]["jwk"];
    values.insert(format!("holder key x {}", jwk["x"]));
    values.insert(format!("holder key y {}", jwk["y"]));
    values.insert(format!(
        "status index {}",
        payload["status"]["status_list"]["idx"]
    ));
    let kb = sd.kb_jwt().unwrap();
    values.insert(format!("kb signature {}", kb.rsplit('.').next().unwrap()));
    values.insert(format!(
        "sd_hash {}",
        Jws::parse(kb).unwrap().payload_object("kb").unwrap()["sd_hash"]
    ));
    values
}

#[test]
fn two_verifiers_see_no_common_per_credential_value() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let a = present(
        &wallet,
        &issuer,
        "https://shop-a.example",
        "nonce-a",
        AGE_QUERY,
    );
    let b = present(
        &wallet,
        &issuer,
        "https://shop-b.example",
        "nonce-b",
        AGE_QUERY,
    );
    let (a, b) = (a.single().unwrap(), b.single().unwrap());
    let shared: Vec<_> = per_credential_values(a)
        .intersection(&per_credential_values(b))
        .cloned()
        .collect();
    assert!(
        shared.is_empty(),
        "shared per-credential values: {shared:?}"
    );
    // What repeats between the two copies must be what the whole cohort shares: another
    // person, with another birth date, issued an age credential by the same issuer later the
    // same day (JST) sees the very same value. Before the cohort rule `exp` was the day a
    // `false` flag turned true — shared by one holder's copies, and by nobody else's.
    let payload = |jwt: &str| {
        let mut all = Jws::parse(jwt).unwrap().payload_object("payload").unwrap();
        let header = jwt.split('.').next().unwrap();
        all.insert("(header)".into(), header.into());
        all
    };
    let jwt = |p: &str| SdJwt::parse(p).unwrap().jwt().to_owned();
    let (pa, pb) = (payload(&jwt(a)), payload(&jwt(b)));
    let other = someone_else_the_same_day(&issuer);
    let pc = payload(other.jwt());
    let mut repeated = 0;
    for (name, value) in &pa {
        if pb.get(name) == Some(value) {
            repeated += 1;
            assert_eq!(
                pc.get(name),
                Some(value),
                "{name} is shared by one holder's copies but not by the cohort"
            );
        }
    }
    assert!(repeated >= 4, "iss, vct, iat and exp repeat (cohort-wide)");
    assert_eq!(
        pa["status"]["status_list"]["uri"],
        pb["status"]["status_list"]["uri"]
    );
    assert_ne!(
        pa["status"]["status_list"]["idx"],
        pb["status"]["status_list"]["idx"]
    );
}

/// An age credential for another person (born 2003-11-15: 20 on the very day, a birthday
/// the holder does not share) from the same issuer, eleven hours later the same JST day.
fn someone_else_the_same_day(issuer: &City) -> SdJwt {
    let city = issuer.credential_issuer();
    let later = issuer.now.plus_seconds(11 * 3600);
    assert_eq!(
        CalendarDate::from_numeric_date_jst(later).unwrap(),
        CalendarDate::from_numeric_date_jst(issuer.now).unwrap(),
        "the same JST day"
    );
    let key = SecretKey::generate_p256().unwrap().public_key();
    city.age(
        &AgeRequest {
            subject: SubjectHandle::random().unwrap(),
            birth: CalendarDate::parse("2003-11-15").unwrap(),
            holder_key: &key,
            not_after: later.plus_seconds(3 * 365 * 86_400),
        },
        later,
    )
    .unwrap()
    .credential
}

#[test]
fn an_instance_is_never_shown_to_a_second_verifier() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let key_of = |p: &Presentation| {
        let sd = SdJwt::parse(p.single().unwrap()).unwrap();
        Jws::parse(sd.jwt()).unwrap().payload_object("p").unwrap()["cnf"].clone()
    };
    let first = present(&wallet, &issuer, "https://shop-0.example", "n0", AGE_QUERY);
    // The same verifier again gets the same instance (it learns nothing new).
    let again = present(&wallet, &issuer, "https://shop-0.example", "n0b", AGE_QUERY);
    assert_eq!(key_of(&first), key_of(&again));
    let mut keys = vec![key_of(&first)];
    for i in 1..BATCH {
        let p = present(
            &wallet,
            &issuer,
            &format!("https://shop-{i}.example"),
            "n",
            AGE_QUERY,
        );
        assert!(!keys.contains(&key_of(&p)));
        keys.push(key_of(&p));
    }
    let signals = wallet.refill_signals(issuer.now).unwrap();
    assert!(signals
        .iter()
        .any(|s| s.vct == "urn:myna-vc:vct:age:1" && s.fresh == 0));
    let err = wallet
        .prepare(
            request("https://shop-new.example", "n", AGE_QUERY),
            issuer.now,
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::BatchExhausted { ref vct } if vct == "urn:myna-vc:vct:age:1"),
        "{err}"
    );
    let shown: HashSet<_> = wallet
        .credentials()
        .unwrap()
        .into_iter()
        .filter(|c| c.vct == "urn:myna-vc:vct:age:1")
        .map(|c| c.shown_to.unwrap())
        .collect();
    assert_eq!(shown.len(), BATCH as usize);
}

#[test]
fn an_openid4vp_request_gets_its_response() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let query = DcqlQuery::from_json(AGE_QUERY.as_bytes()).unwrap();
    let client = ClientId::parse("redirect_uri:https://shop.example/response").unwrap();
    let authorization =
        AuthorizationRequest::direct_post(client, "https://shop.example/response", query).unwrap();
    let request = PresentationRequest::openid4vp(&authorization).unwrap();
    let presentation = wallet
        .prepare(request, issuer.now)
        .unwrap()
        .confirm()
        .unwrap();
    assert_eq!(presentation.response.state, authorization.state);
    let shown = presentation.response.vp_token.get("age").unwrap();
    assert_eq!(shown.len(), 1);
    verify(
        &issuer,
        &shown[0],
        authorization.kb_audience(),
        authorization.nonce.as_str(),
    );
    assert!(presentation.to_form().starts_with("vp_token="));
}

#[test]
fn a_direct_post_jwt_request_gets_its_answer_encrypted_to_the_verifiers_key() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let query = DcqlQuery::from_json(AGE_QUERY.as_bytes()).unwrap();
    let client = ClientId::parse("x509_san_dns:shop.example").unwrap();
    let key = EncryptionKey::generate().unwrap();
    let authorization =
        AuthorizationRequest::direct_post_jwt(client, "https://shop.example/response", query, &key)
            .unwrap();
    let request = PresentationRequest::openid4vp(&authorization).unwrap();
    let presentation = wallet
        .prepare(request, issuer.now)
        .unwrap()
        .confirm()
        .unwrap();
    let body = presentation.to_form_for(&authorization).unwrap();
    assert!(body.starts_with("response="), "{body}");
    assert!(!body.contains("vp_token"));
    // Only the verifier's key opens it, and it carries the presentation and the state.
    let ResponseBody::Success(opened) =
        ResponseBody::from_form_for(&body, ResponseMode::DirectPostJwt, Some(&key)).unwrap()
    else {
        panic!("an error response")
    };
    assert_eq!(opened, presentation.response);
    let other = EncryptionKey::generate().unwrap();
    assert!(ResponseBody::from_form_for(&body, ResponseMode::DirectPostJwt, Some(&other)).is_err());
}

#[test]
fn a_dc_api_request_is_answered_for_the_browsers_origin_encrypted() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let query = DcqlQuery::from_json(AGE_QUERY.as_bytes()).unwrap();
    let key = EncryptionKey::generate().unwrap();
    let data = DcApiRequest::unsigned(query, Some(&key))
        .unwrap()
        .to_data()
        .unwrap();
    let origin = Origin::parse("https://shop.example").unwrap();
    let received = DcApiRequest::from_api(
        "openid4vp-v1-unsigned",
        &data,
        &origin,
        &RequestTrust::none(),
        issuer.now,
    )
    .unwrap();
    let request = PresentationRequest::dc_api(&received).unwrap();
    assert_eq!(request.verifier.as_str(), "origin:https://shop.example");
    assert_eq!(request.state, None);
    let presentation = wallet
        .prepare(request, issuer.now)
        .unwrap()
        .confirm()
        .unwrap();
    let answer = presentation.to_dc_api_data(&received.request).unwrap();
    assert!(answer["response"].is_string(), "{answer}");
    assert!(answer.get("vp_token").is_none());
    let DcApiResponse::Success(token) =
        DcApiResponse::from_data(&answer, ResponseMode::DcApiJwt, Some(&key)).unwrap()
    else {
        panic!("an error answer")
    };
    let shown = token.get("age").unwrap();
    verify(
        &issuer,
        &shown[0],
        "origin:https://shop.example",
        received.request.nonce.as_str(),
    );
    // The history names the verifier by its origin.
    let history = wallet.history().unwrap();
    assert!(history.iter().any(|entry| matches!(&entry.event,
        Event::Presented { verifier, .. } if verifier == "origin:https://shop.example")));
}

fn qr_version(text: &str, level: qrcode::EcLevel) -> i16 {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), level).unwrap();
    match code.version() {
        qrcode::Version::Normal(v) => v,
        qrcode::Version::Micro(v) => -v,
    }
}

#[test]
fn the_compact_form_fits_a_qr_code_and_round_trips() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let nonce = Nonce::random().unwrap();
    let challenge = InPersonChallenge::new("https://kiosk.example", nonce).unwrap();
    let mut figures = Vec::new();
    for (label, query) in [
        ("age >= 20", AGE_QUERY),
        ("resident of 102016", RESIDENT_QUERY),
    ] {
        let request = PresentationRequest::in_person(
            &challenge,
            DcqlQuery::from_json(query.as_bytes()).unwrap(),
        )
        .unwrap();
        let presentation = wallet
            .prepare(request, issuer.now)
            .unwrap()
            .confirm()
            .unwrap();
        let plain = presentation.single().unwrap();
        let qr = presentation.compact().unwrap();
        assert!(qr.starts_with("MV1:"));
        assert_eq!(compact::decode(&qr).unwrap(), plain);
        verify(
            &issuer,
            &compact::decode(&qr).unwrap(),
            challenge.audience(),
            challenge.nonce().as_str(),
        );
        let (low, medium) = (
            qr_version(&qr, qrcode::EcLevel::L),
            qr_version(&qr, qrcode::EcLevel::M),
        );
        assert!((1..=40).contains(&low) && (1..=40).contains(&medium));
        assert!(qr.len() < plain.len());
        figures.push((
            label,
            plain.len(),
            qr_version(plain, qrcode::EcLevel::L),
            qr.len(),
            low,
            medium,
        ));
    }
    for (label, plain, plain_version, qr, low, medium) in figures {
        println!(
            "QR {label}: SD-JWT+KB {plain} bytes (byte mode, version {plain_version} at L); \
             compact {qr} characters → version {low} at level L, {medium} at level M"
        );
    }
}

/// Resident first, then age: not the `vp_token`'s alphabetical order.
const RESIDENT_AND_AGE_QUERY: &str = r#"{"credentials": [
  {"id": "resident", "format": "dc+sd-jwt",
   "meta": {"vct_values": ["urn:myna-vc:vct:resident:1"]},
   "claims": [{"path": ["municipality_code"], "values": ["102016"]}]},
  {"id": "age", "format": "dc+sd-jwt",
   "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]},
   "claims": [{"path": ["age_over_20"], "values": [true]}]}]}"#;

#[test]
fn a_two_credential_answer_is_two_compact_forms_in_the_query_order() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let (challenge, presentation) = at_the_counter(&wallet, &issuer, RESIDENT_AND_AGE_QUERY);
    // One QR form cannot carry both.
    assert!(presentation.compact().is_err());
    let texts = presentation.compacts().unwrap();
    assert_eq!(texts.len(), 2);
    let token = &presentation.response.vp_token;
    for (text, id, vct) in [
        (&texts[0], "resident", "urn:myna-vc:vct:resident:1"),
        (&texts[1], "age", "urn:myna-vc:vct:age:1"),
    ] {
        assert!(text.starts_with("MV1:"));
        let plain = compact::decode(text).unwrap();
        assert_eq!(
            token.get(id).unwrap(),
            std::slice::from_ref(&plain),
            "{id} in the query's place"
        );
        let verified = verify(
            &issuer,
            &plain,
            challenge.audience(),
            challenge.nonce().as_str(),
        );
        assert_eq!(verified.vct().as_str(), vct);
    }
    // One credential: the one text `compact` gives.
    let (_, one) = at_the_counter(&wallet, &issuer, AGE_QUERY);
    assert_eq!(one.compacts().unwrap(), [one.compact().unwrap()]);
}

/// A counter's fresh in-person challenge for `query`, answered and confirmed.
fn at_the_counter(
    wallet: &Wallet<MemoryStore>,
    issuer: &City,
    query: &str,
) -> (InPersonChallenge, Presentation) {
    let nonce = Nonce::random().unwrap();
    let challenge = InPersonChallenge::new("https://counter.example", nonce).unwrap();
    let request =
        PresentationRequest::in_person(&challenge, DcqlQuery::from_json(query.as_bytes()).unwrap())
            .unwrap();
    let presentation = wallet
        .prepare(request, issuer.now)
        .unwrap()
        .confirm()
        .unwrap();
    (challenge, presentation)
}

#[test]
fn a_presentation_is_not_signed_before_confirmation() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let history_before = wallet.history().unwrap().len();
    let preview = wallet
        .prepare(request("https://shop.example", "n", AGE_QUERY), issuer.now)
        .unwrap();
    assert_eq!(preview.verifier().as_str(), "https://shop.example");
    drop(preview);
    assert_eq!(wallet.history().unwrap().len(), history_before);
    assert!(wallet
        .credentials()
        .unwrap()
        .iter()
        .all(|c| c.shown_to.is_none()));
}

/// A caller that delivers the presentation itself signs first, delivers, then commits: a
/// signature that never reached the verifier (the delivery failed) uses nothing up.
#[test]
fn a_signed_presentation_uses_nothing_until_committed() {
    let issuer = City::new();
    let wallet = stocked_wallet(&issuer);
    let history_before = wallet.history().unwrap().len();
    let unused = |wallet: &Wallet<MemoryStore>| {
        wallet
            .credentials()
            .unwrap()
            .iter()
            .filter(|c| c.shown_to.is_none())
            .count()
    };
    let fresh_before = unused(&wallet);
    let signed = wallet
        .prepare(
            request("https://shop.example", "n-1", AGE_QUERY),
            issuer.now,
        )
        .unwrap()
        .sign()
        .unwrap();
    let undelivered = signed.presentation().single().unwrap().to_owned();
    verify(&issuer, &undelivered, "https://shop.example", "n-1");
    drop(signed);
    assert_eq!(unused(&wallet), fresh_before, "nothing marked as shown");
    assert_eq!(wallet.history().unwrap().len(), history_before);

    let signed = wallet
        .prepare(
            request("https://shop.example", "n-2", AGE_QUERY),
            issuer.now,
        )
        .unwrap()
        .sign()
        .unwrap();
    let delivered = signed.presentation().clone();
    assert_eq!(signed.commit().unwrap(), delivered);
    assert!(unused(&wallet) < fresh_before, "the delivered copy is used");
    assert_eq!(wallet.history().unwrap().len(), history_before + 1);
}
