//! Interop with the Python reference implementation of SD-JWT (`sd-jwt` on PyPI, pinned in
//! `tests/interop/python/requirements.txt`, installed by `tests/interop/setup`), both ways:
//! it verifies our presentations (KB-JWT, decoys, nested and array-element disclosures) and
//! finds the claims we find; we verify an SD-JWT VC it issued and presented. It has no Token
//! Status List support, so status is checked with the JS and our own implementations only.

mod oracle;

use oracle::{
    credential_claims, decoys, expected_claims, issued_claims, object, text, verify_theirs, Oracle,
    Ours, Outcome, AUDIENCE, ISS, NONCE, NOW,
};
use serde_json::json;

#[test]
fn python_verifies_our_presentation_and_finds_our_claims() -> Outcome {
    let python = Oracle::python()?;
    let ours = Ours::new()?;
    assert!(
        decoys(&ours.credential)? > 0,
        "our credential has decoy digests"
    );
    let presentation = ours.present(&ours.credential, AUDIENCE, NONCE)?;
    let mine = ours.verify(&presentation)?;
    assert_eq!(serde_json::Value::Object(mine.clone()), expected_claims());

    let answer = python.answer("verify", &ours.verify_task(&presentation))?;
    let theirs = object(&answer, "claims")?;
    assert_eq!(credential_claims(theirs), mine);
    assert_eq!(theirs.get("iss"), Some(&json!(ISS)));
    assert_eq!(
        theirs.get("cnf").and_then(|c| c.get("jwk")),
        Some(&ours.holder.public_key().to_jwk())
    );
    Ok(())
}

#[test]
fn python_refuses_our_presentation_for_another_nonce_or_with_a_disclosure_added() -> Outcome {
    let python = Oracle::python()?;
    let ours = Ours::new()?;
    let presentation = ours.present(&ours.credential, AUDIENCE, NONCE)?;
    let mut task = ours.verify_task(&presentation);
    if let Some(task) = task.as_object_mut() {
        task.insert("nonce".into(), json!("another-nonce"));
    }
    let refusal = python.refusal("verify", &task)?;
    assert!(refusal.contains("nonce"), "{refusal}");

    // A disclosure slipped in after the holder signed: the KB-JWT's sd_hash no longer matches.
    let name = ours
        .credential
        .disclosures()
        .iter()
        .find(|d| matches!(d.kind(), myna_vc_core::sdjwt::DisclosureKind::Property { name, .. } if name == "name"))
        .ok_or("no name disclosure")?;
    let (issued, key_binding) = presentation.rsplit_once('~').ok_or("no KB-JWT")?;
    let widened = format!("{issued}~{}~{key_binding}", name.as_str());
    let refusal = python.refusal("verify", &ours.verify_task(&widened))?;
    assert!(refusal.contains("digest"), "{refusal}");
    Ok(())
}

#[test]
fn we_verify_a_python_sd_jwt_vc_with_nested_and_array_disclosures() -> Outcome {
    let python = Oracle::python()?;
    let task = json!({
        "claims": issued_claims(&[])?,
        // Disclosable: the name, the address and inside it locality and street, each allergy,
        // the age flag. Disclosed: the address with its locality, allergies 0 and 2, the flag.
        "plan": {"name": true, "address": {"sd": true, "inner": {"locality": true, "street": true}},
                 "allergies": [true, true, true], "age_over_20": true},
        "disclose": {"address": {"locality": true}, "allergies": [true, false, true],
                     "age_over_20": true},
        "now": NOW.as_unix(), "audience": AUDIENCE, "nonce": NONCE,
    });
    let answer = python.answer("issue", &task)?;
    assert!(
        answer.get("decoys").and_then(|d| d.as_u64()) > Some(0),
        "{answer}"
    );
    let issuer_jwk = answer.get("issuer_jwk").ok_or("no issuer key")?;
    let presentation = text(&answer, "presentation")?;

    let claims = verify_theirs(presentation, issuer_jwk)?;
    assert_eq!(
        serde_json::Value::Object(credential_claims(&claims)),
        expected_claims()
    );
    assert_eq!(
        claims.get("cnf").and_then(|c| c.get("jwk")),
        answer.get("holder_jwk")
    );

    // Bound to its verifier: another audience refuses it, and so does another issuer key.
    let elsewhere =
        oracle::verify_theirs_for(presentation, issuer_jwk, "https://elsewhere.example");
    assert!(elsewhere.is_err(), "accepted for another audience");
    let stranger = myna_vc_core::crypto::SecretKey::generate_p256()?
        .public_key()
        .to_jwk();
    assert!(
        verify_theirs(presentation, &stranger).is_err(),
        "accepted with another issuer key"
    );
    Ok(())
}
