//! Interop with SpruceID `ssi` (its `ssi-sd-jwt` crate, pinned in `tests/Cargo.toml`), both
//! ways, in-process: it verifies our presentations — the issuer signature, KB-JWT (signature
//! by the `cnf` key, audience, nonce, `sd_hash`), decoys, nested and array-element
//! disclosures — and finds the claims we find; we verify an SD-JWT VC it concealed, signed and
//! presented. `ssi-sd-jwt` makes no decoys and has no Token Status List (that is `ssi-status`,
//! left out for its weight: see `tests/Cargo.toml`), so neither is checked in this direction.

mod oracle;

use std::borrow::Cow;
use std::future::Future;

use oracle::{
    credential_claims, decoys, expected_claims, issued_claims, verify_theirs, Ours, Outcome,
    AUDIENCE, ISS, NONCE, NOW,
};
use serde_json::{json, Map, Value};
use ssi_claims_core::VerificationParameters;
use ssi_jwk::JWK;
use ssi_jws::JwsPayload;
use ssi_jwt::{IssuedAt, NumericDate};
use ssi_sd_jwt::{JsonPointerBuf, KbJwtPayload, SdAlg, SdJwt, SdJwtBuf, SdJwtPayload};

/// ssi is async; these tests run its futures to completion on a one-thread runtime.
fn block_on<F: Future>(future: F) -> Outcome<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .build()?
        .block_on(future))
}

/// [`NOW`] as ssi's verification time.
fn ssi_now() -> Outcome<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(NOW.as_unix(), 0).ok_or_else(|| "NOW out of range".into())
}

fn ssi_jwk(value: Value) -> Outcome<JWK> {
    Ok(JWK::try_from(value)?)
}

/// What ssi makes of `presentation` checked with `issuer`: the revealed claims once the
/// issuer signature, the KB-JWT signature by the `cnf` key, its audience, nonce and `sd_hash`
/// all passed; otherwise why not.
fn ssi_verifies(presentation: &str, issuer: &JWK) -> Outcome<Map<String, Value>> {
    let sd_jwt = SdJwt::new(presentation).map_err(|_| "ssi: not an SD-JWT")?;
    let params = VerificationParameters::from_resolver(issuer).with_date_time(ssi_now()?);
    let (revealed, verification) = block_on(sd_jwt.decode_reveal_verify_any(&params))?
        .map_err(|e| format!("ssi: issuer JWT: {e}"))?;
    verification.map_err(|e| format!("ssi: issuer JWT: {e}"))?;
    let claims = serde_json::to_value(revealed.claims())?;
    let holder = ssi_jwk(
        claims
            .get("cnf")
            .and_then(|c| c.get("jwk"))
            .cloned()
            .ok_or("ssi: no cnf.jwk")?,
    )?;
    let kb = sd_jwt.decode_kb()?.ok_or("ssi: no KB-JWT")?;
    let kb_params = VerificationParameters::from_resolver(&holder).with_date_time(ssi_now()?);
    block_on(kb.verify(&kb_params))?
        .map_err(|e| format!("ssi: KB-JWT: {e}"))?
        .map_err(|e| format!("ssi: KB-JWT: {e}"))?;
    let kb_claims = &kb.signing_bytes.payload;
    if kb_claims.aud != AUDIENCE || kb_claims.nonce.0 != NONCE {
        return Err("ssi: KB-JWT for another verifier".into());
    }
    if !kb_claims.sd_hash.verify(revealed.sd_alg, sd_jwt) {
        return Err("ssi: sd_hash does not match".into());
    }
    match claims {
        Value::Object(map) => Ok(map),
        other => Err(format!("ssi: claims are not an object: {other}").into()),
    }
}

#[test]
fn ssi_verifies_our_presentation_and_finds_our_claims() -> Outcome {
    let ours = Ours::new()?;
    assert!(
        decoys(&ours.credential)? > 0,
        "our credential has decoy digests"
    );
    let presentation = ours.present(&ours.credential, AUDIENCE, NONCE)?;
    let mine = ours.verify(&presentation)?;
    assert_eq!(Value::Object(mine.clone()), expected_claims());

    let issuer = ssi_jwk(ours.issuer.public_key().to_jwk())?;
    let theirs = ssi_verifies(&presentation, &issuer)?;
    assert_eq!(credential_claims(&theirs), mine);
    assert_eq!(theirs.get("iss"), Some(&json!(ISS)));
    Ok(())
}

#[test]
fn ssi_refuses_our_presentation_under_another_issuer_key_or_holder_key() -> Outcome {
    let ours = Ours::new()?;
    let presentation = ours.present(&ours.credential, AUDIENCE, NONCE)?;
    let stranger = ssi_jwk(
        myna_vc_core::crypto::SecretKey::generate_p256()?
            .public_key()
            .to_jwk(),
    )?;
    assert!(ssi_verifies(&presentation, &stranger).is_err());

    // The KB-JWT signed by a key that is not the credential's holder key.
    let thief = myna_vc_core::crypto::SecretKey::generate_p256()?;
    let stolen = ours.present_signed_by(&ours.credential, &thief, AUDIENCE, NONCE)?;
    let issuer = ssi_jwk(ours.issuer.public_key().to_jwk())?;
    let refusal = ssi_verifies(&stolen, &issuer)
        .err()
        .ok_or("ssi accepted a stolen credential")?;
    assert!(refusal.to_string().contains("KB-JWT"), "{refusal}");
    Ok(())
}

/// ssi's SD-JWT payload signed as an SD-JWT VC (`typ: dc+sd-jwt`): ssi-sd-jwt itself signs
/// plain SD-JWTs without a `typ`.
struct VcPayload(SdJwtPayload);

impl JwsPayload for VcPayload {
    fn typ(&self) -> Option<&str> {
        Some("dc+sd-jwt")
    }

    fn payload_bytes(&self) -> Cow<'_, [u8]> {
        // Serializing a map of JSON values cannot fail.
        Cow::Owned(serde_json::to_vec(&self.0).unwrap_or_default())
    }
}

fn pointers(paths: &[&str]) -> Outcome<Vec<JsonPointerBuf>> {
    paths
        .iter()
        .map(|p| {
            JsonPointerBuf::new((*p).to_owned()).map_err(|_| format!("bad pointer {p}").into())
        })
        .collect()
}

#[test]
fn we_verify_an_ssi_sd_jwt_vc_with_nested_and_array_disclosures() -> Outcome {
    let issuer = JWK::generate_p256();
    let holder = JWK::generate_p256();
    let cnf = json!({"jwk": serde_json::to_value(holder.to_public())?});
    let issued = issued_claims(&[("cnf", cnf)])?;
    let concealed = pointers(&[
        "/name",
        "/address",
        "/address/locality",
        "/address/street",
        "/allergies/0",
        "/allergies/1",
        "/allergies/2",
        "/age_over_20",
    ])?;
    let (payload, disclosures) =
        SdJwtPayload::conceal(&issued, SdAlg::Sha256, concealed.as_slice())?;
    let jws = block_on(VcPayload(payload).sign(&issuer))??;
    let mut compact = jws.into_string();
    for disclosure in &disclosures {
        compact.push('~');
        compact.push_str(disclosure.encoded.as_str());
    }
    compact.push('~');
    let credential = SdJwtBuf::new(compact.into_bytes()).map_err(|_| "ssi made no SD-JWT")?;

    // The holder keeps the address with its locality, allergies 0 and 2 and the flag, and
    // binds the presentation to the verifier at NOW.
    let kept = pointers(&[
        "/address",
        "/address/locality",
        "/allergies/0",
        "/allergies/2",
        "/age_over_20",
    ])?;
    let mut presentation = credential
        .decode_reveal_any()?
        .retaining(kept.as_slice())
        .into_encoded();
    let mut kb = KbJwtPayload::new(AUDIENCE.into(), NONCE.into(), SdAlg::Sha256, &presentation);
    kb.iat = IssuedAt(NumericDate::try_from(NOW.as_unix())?);
    let kb_jwt = block_on(kb.sign(&holder))??;
    presentation.set_kb(&kb_jwt);

    let issuer_jwk = serde_json::to_value(issuer.to_public())?;
    let claims = verify_theirs(presentation.as_str(), &issuer_jwk)?;
    assert_eq!(Value::Object(credential_claims(&claims)), expected_claims());
    // Without the KB-JWT, our verifier (which requires one) refuses it.
    let unbound = presentation.trim_kb().as_str().to_owned();
    assert!(verify_theirs(&unbound, &issuer_jwk).is_err());
    Ok(())
}
