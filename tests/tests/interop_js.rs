//! Interop with `@sd-jwt/sd-jwt-vc` and its Token Status List support (`@sd-jwt/jwt-status-list`,
//! `@sd-jwt/crypto-nodejs`; pinned in `tests/interop/js/package-lock.json`, installed by
//! `tests/interop/setup`), both ways: it verifies our presentations — KB-JWT, decoys, nested
//! and array-element disclosures, and the credential's entry in our status list — and finds the
//! claims we find; we verify an SD-JWT VC it issued and presented, and read its status list
//! with our status-list code.

mod oracle;

use myna_vc_core::status_list::Status;
use oracle::{
    credential_claims, decoys, expected_claims, issued_claims, object, status_in_theirs, text,
    verify_theirs, Oracle, Ours, Outcome, AUDIENCE, ISS, NONCE, NOW, STATUS_LIST,
};
use serde_json::{json, Map, Value};

#[test]
fn js_verifies_our_presentation_and_status_and_finds_our_claims() -> Outcome {
    let node = Oracle::node()?;
    let ours = Ours::new()?;
    assert!(
        decoys(&ours.credential)? > 0,
        "our credential has decoy digests"
    );
    let presentation = ours.present(&ours.credential, AUDIENCE, NONCE)?;
    let mine = ours.verify(&presentation)?;
    assert_eq!(Value::Object(mine.clone()), expected_claims());

    let answer = node.answer("verify", &ours.verify_task(&presentation))?;
    let theirs = object(&answer, "claims")?;
    assert_eq!(credential_claims(theirs), mine);
    assert_eq!(theirs.get("iss"), Some(&json!(ISS)));
    assert_eq!(
        theirs
            .get("status")
            .and_then(|s| s.get("status_list"))
            .and_then(|s| s.get("uri")),
        Some(&json!(STATUS_LIST))
    );
    // It looked the entry up in our status list: valid.
    assert_eq!(answer.get("status"), Some(&json!(0)));
    assert_eq!(
        answer.get("kb").and_then(|kb| kb.get("aud")),
        Some(&json!(AUDIENCE))
    );
    Ok(())
}

#[test]
fn js_refuses_our_revoked_credential_and_a_presentation_for_another_nonce() -> Outcome {
    let node = Oracle::node()?;
    let ours = Ours::new()?;
    let revoked = ours.present(&ours.revoked, AUDIENCE, NONCE)?;
    let refusal = node.refusal("verify", &ours.verify_task(&revoked))?;
    assert!(refusal.contains("status is 1"), "{refusal}");

    let presentation = ours.present(&ours.credential, AUDIENCE, "another-nonce")?;
    let refusal = node.refusal("verify", &ours.verify_task(&presentation))?;
    assert!(refusal.to_lowercase().contains("nonce"), "{refusal}");
    Ok(())
}

#[test]
fn we_verify_a_js_sd_jwt_vc_and_read_its_status_list() -> Outcome {
    let node = Oracle::node()?;
    let (index, revoked_index) = (9, 3);
    let task = json!({
        "claims": issued_claims(&[])?,
        // Disclosable: the name, the address and inside it locality and street, each allergy,
        // the age flag, plus decoys. Disclosed: the address with its locality, allergies 0 and
        // 2, the flag.
        "frame": {"_sd": ["name", "address", "age_over_20"], "_sd_decoy": 3,
                  "address": {"_sd": ["locality", "street"], "_sd_decoy": 1},
                  "allergies": {"_sd": [0, 1, 2]}},
        "disclose": {"address": {"locality": true}, "allergies": {"0": true, "2": true},
                     "age_over_20": true},
        "now": NOW.as_unix(), "audience": AUDIENCE, "nonce": NONCE,
        "status_index": index, "status_list_uri": STATUS_LIST,
        "status_list_size": 128, "status_bits": 2, "statuses": [[revoked_index, 1]],
    });
    let answer = node.answer("issue", &task)?;
    let issuer_jwk = answer.get("issuer_jwk").ok_or("no issuer key")?;
    let presentation = text(&answer, "presentation")?;

    let claims = verify_theirs(presentation, issuer_jwk)?;
    assert_eq!(Value::Object(credential_claims(&claims)), expected_claims());

    // Their status list token, checked by our status-list code: the credential's entry is
    // valid, the entry they revoked is not.
    let token = text(&answer, "status_list_token")?;
    assert_eq!(status_in_theirs(token, issuer_jwk, &claims)?, Status::VALID);
    let mut other: Map<String, Value> = Map::new();
    other.insert(
        "status".into(),
        json!({"status_list": {"idx": revoked_index, "uri": STATUS_LIST}}),
    );
    assert_eq!(
        status_in_theirs(token, issuer_jwk, &other)?,
        Status::INVALID
    );

    // A signature by another key is refused by both checks.
    let stranger = myna_vc_core::crypto::SecretKey::generate_p256()?
        .public_key()
        .to_jwk();
    assert!(verify_theirs(presentation, &stranger).is_err());
    assert!(status_in_theirs(token, &stranger, &claims).is_err());
    Ok(())
}
