//! `myna verify` as a user runs it: files on disk, one presentation, a decision on stdout.
#![cfg(test)]

use std::path::Path;
use std::process::Command;

use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::compact;
use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::sdjwt::KeyBinding;
use myna_verifier::core::sdjwt_vc::{
    CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct,
};
use myna_verifier::core::status_list::{
    Status, StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri, StatusReference,
};
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
use serde_json::Value;

const NOW: i64 = 1_795_222_800;
const ISS: &str = "did:web:city.kobe.example";
const AUD: &str = "x509_san_dns:shop.example";

fn myna(args: &[&str]) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_myna"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        json,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Writes the trust list, the authority key, Kobe's status list (entry 3 revoked) and two
/// age-credential presentations (entries 2 and 3) bound to nonce `n-1`.
fn files(dir: &Path) {
    let p = default_provider();
    let now = NumericDate::from_unix(NOW);
    let (authority, kobe, holder) = (
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_p256().unwrap(),
    );
    let age = Vct::parse("urn:myna-vc:vct:age:1").unwrap();
    let trust = TrustList::new("jp", 1, now, now.plus_seconds(86_400))
        .with_issuer(
            TrustedIssuer::municipality(ISS, "神戸市", "281000".parse().unwrap())
                .with_key("k1", kobe.public_key())
                .allowing(age.clone()),
        )
        .sign(&*p.signer(&authority).unwrap())
        .unwrap();
    std::fs::write(dir.join("trust.jwt"), trust).unwrap();
    std::fs::write(
        dir.join("authority.jwk"),
        authority.public_key().to_jwk().to_string(),
    )
    .unwrap();
    let uri = StatusListUri::new("https://city.kobe.example/status/1").unwrap();
    let mut list = StatusList::new(StatusBits::Two, 64).unwrap();
    list.set(StatusIndex::new(3), Status::INVALID).unwrap();
    let token = StatusListToken::new(uri.clone(), now, list)
        .sign(&*p.signer(&kobe).unwrap(), Some("k1"))
        .unwrap();
    std::fs::write(dir.join("status.jwt"), token).unwrap();
    let ctype = CredentialType::new(age).claim(
        ClaimPath::key("age_over_20"),
        DisclosureRule::Selective,
        true,
    );
    let claims = serde_json::json!({"age_over_20": true});
    for index in [2u64, 3] {
        let credential = SdJwtVcIssuer::new(&*p.signer(&kobe).unwrap(), ISS)
            .with_kid("k1")
            .issue(&VcRequest {
                credential_type: &ctype,
                claims: claims.as_object().unwrap(),
                holder_key: &holder.public_key(),
                issued_at: now,
                expires_at: Some(now.plus_seconds(86_400)),
                status: Some(&StatusReference::new(StatusIndex::new(index), uri.clone())),
            })
            .unwrap();
        let presentation = credential
            .select(&[ClaimPath::key("age_over_20")])
            .unwrap()
            .bind(&KeyBinding {
                audience: AUD,
                nonce: "n-1",
                issued_at: now,
                signer: &*p.signer(&holder).unwrap(),
            })
            .unwrap()
            .to_string();
        std::fs::write(
            dir.join(format!("presentation-{index}.qr")),
            compact::encode(&presentation).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.join(format!("presentation-{index}.txt")), presentation).unwrap();
    }
}

#[test]
fn check_accepts_a_valid_presentation_and_explains_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    files(dir.path());
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let status = format!("{ISS}={}", path("status.jwt"));
    let now = NOW.to_string();
    let check = |file: &str, nonce: &str| {
        myna(&[
            "verify",
            "check",
            "--trust-list",
            &path("trust.jwt"),
            "--authority-key",
            &path("authority.jwk"),
            "--status-list",
            &status,
            "--audience",
            AUD,
            "--now",
            &now,
            "--policy",
            "age-over-20",
            "--nonce",
            nonce,
            &path(file),
        ])
    };
    let (ok, decision, _) = check("presentation-2.txt", "n-1");
    assert!(ok, "{decision}");
    assert_eq!(decision["accepted"], true);
    assert_eq!(decision["credentials"][0]["issuer_name"], "神戸市");

    // The same presentation as compact QR text (a separate run: a fresh replay guard).
    let (ok, decision, _) = check("presentation-2.qr", "n-1");
    assert!(ok, "{decision}");

    let (ok, decision, stderr) = check("presentation-3.txt", "n-1");
    assert!(!ok);
    assert_eq!(decision["reason"], "revoked");
    assert!(
        stderr.contains("発行元が証明書を失効させています。"),
        "{stderr}"
    );

    let (ok, decision, _) = check("presentation-2.txt", "n-2");
    assert!(!ok);
    assert_eq!(decision["reason"], "not_bound_to_request");

    std::fs::write(dir.path().join("garbage.txt"), [0xff, 0xfe, 0x00]).unwrap();
    let (ok, _, stderr) = check("garbage.txt", "n-1");
    assert!(!ok);
    assert!(stderr.contains("not UTF-8"), "{stderr}");
}

#[test]
fn every_verify_subcommand_has_help() {
    for args in [
        vec!["verify", "--help"],
        vec!["verify", "check", "--help"],
        vec!["verify", "serve", "--help"],
        vec!["verify", "policies", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_myna"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .contains("Usage: myna verify"),
            "{args:?}"
        );
    }
    let (ok, _, _) = myna(&["verify", "policies"]);
    assert!(ok);
}
