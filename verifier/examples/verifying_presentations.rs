//! The README's "Verifying presentations" example (a test keeps the two identical).
use std::sync::Arc;

use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::sdjwt::KeyBinding;
use myna_verifier::core::sdjwt_vc::{
    CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct,
};
use myna_verifier::core::status_list::*;
use myna_verifier::core::time::{FixedClock, NumericDate};
use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::submission::{Challenge, Submission};
use myna_verifier::trust::Trust;
use myna_verifier::verifier::{Verifier, VerifierConfig};

fn main() -> Result<(), myna_verifier::core::Error> {
    let p = default_provider();
    let now = NumericDate::from_unix(1_795_222_800);
    let (authority, kobe, holder) = (
        SecretKey::generate_p256()?,
        SecretKey::generate_p256()?,
        SecretKey::generate_p256()?,
    );
    let age = Vct::parse("urn:myna-vc:vct:age:1")?;

    // The trust authority lists Kobe as an issuer of age credentials; the shop pins its key.
    let trust_list = TrustList::new("jp-trust", 1, now, now.plus_seconds(86_400))
        .with_issuer(
            TrustedIssuer::municipality("did:web:city.kobe.example", "神戸市", "281000".parse()?)
                .with_key("k1", kobe.public_key())
                .allowing(age.clone()),
        )
        .sign(&*p.signer(&authority)?)?;
    let trust = Trust::new(authority.public_key(), &trust_list, p, now)?;
    let verifier = Verifier::new(
        VerifierConfig::new("x509_san_dns:shop.example"),
        trust,
        Arc::new(FixedClock(now)),
    );

    // Kobe's status list, fetched ahead of time (verification itself never fetches).
    let uri = StatusListUri::new("https://city.kobe.example/status/1")?;
    let list = StatusListToken::new(uri.clone(), now, StatusList::new(StatusBits::Two, 1024)?)
        .sign(&*p.signer(&kobe)?, Some("k1"))?;
    verifier.store_status_list("did:web:city.kobe.example", &uri, &list)?;

    // Kobe issues an age credential; the holder discloses age_over_20 only, bound to the nonce.
    let ctype = CredentialType::new(age).claim(
        ClaimPath::key("age_over_20"),
        DisclosureRule::Selective,
        true,
    );
    let mut claims = serde_json::Map::new();
    claims.insert("age_over_20".into(), true.into());
    let credential = SdJwtVcIssuer::new(&*p.signer(&kobe)?, "did:web:city.kobe.example")
        .with_kid("k1")
        .issue(&VcRequest {
            credential_type: &ctype,
            claims: &claims,
            holder_key: &holder.public_key(),
            issued_at: now,
            expires_at: Some(now.plus_seconds(86_400)),
            status: Some(&StatusReference::new(StatusIndex::new(7), uri)),
        })?;
    let presentation = credential
        .select(&[ClaimPath::key("age_over_20")])?
        .bind(&KeyBinding {
            audience: "x509_san_dns:shop.example",
            nonce: "n-42",
            issued_at: now,
            signer: &*p.signer(&holder)?,
        })?
        .to_string();

    // The cashier's check: accepted, with who vouched for it and how fresh the status was.
    let policy = AgeCheck::over_20()?;
    let decision = verifier.verify(
        &policy,
        &Submission::single("age", &presentation),
        &Challenge::single_use("n-42"),
    );
    assert!(decision.accepted());
    assert_eq!(
        decision.credential("age").map(|c| c.issuer_name.as_str()),
        Some("神戸市")
    );
    assert_eq!(decision.status_staleness_secs(), Some(0));

    // The same presentation again is a replay, with a reason in Japanese and English.
    let again = verifier.verify(
        &policy,
        &Submission::single("age", &presentation),
        &Challenge::single_use("n-42"),
    );
    if let Some(reason) = again.reason() {
        println!("{} / {}", reason.text_ja(), reason.text_en());
    }
    assert!(!again.accepted());
    Ok(())
}
