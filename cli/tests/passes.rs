//! Passes and coupons through the command line, as an operator runs them: `myna verify check
//! --passes book.redb --policy pass-apply:…` grants a coupon to the applicant's pseudonym,
//! `--policy pass-use:…` uses it (消込) until no use is left, and `myna pass list` shows the
//! book (pseudonyms and uses only).
//!
//! Sources: "オンラインクーポンを発行する。…施設職員が消込を行う"
//! (`../shared/seeds/002_330378ace3b016db.txt:15`), "利用回数制限を設ける場合"
//! (`../shared/seeds/002_330378ace3b016db.txt:19`), Kobe's free pass for pupils
//! (`../shared/seeds/002_330378ace3b016db.txt:78`).
#![cfg(test)]

mod support;

use std::path::Path;

use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::sdjwt_vc::Vct;
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
use serde_json::{json, Value};
use support::{credential, Myna};

/// 2026-11-21 10:00 JST.
const NOW: i64 = 1_795_222_800;
const ISS: &str = "did:web:city.kobe.example";
const AUD: &str = "x509_san_dns:pool.kobe.example";
const RESIDENT_VCT: &str = "urn:myna-vc:vct:resident:1";
const PSEUDONYM_VCT: &str = "urn:myna-vc:vct:context-pseudonym:1";
const COUPON: &str = "kobe-pool-coupon-2026";
const PSEUDONYM: &str = "Pppppppppppppppppppppppppppppppppppppppppp0";

/// Writes the trust list (Kobe: resident, pseudonym) and the authority key; returns Kobe's
/// key and the holder's.
fn files(dir: &Path) -> (SecretKey, SecretKey) {
    let p = default_provider();
    let now = NumericDate::from_unix(NOW);
    let (authority, kobe) = (
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_p256().unwrap(),
    );
    let trust = TrustList::new("jp", 1, now, now.plus_seconds(86_400))
        .with_issuer(
            TrustedIssuer::municipality(ISS, "神戸市", "281000".parse().unwrap())
                .with_key("k1", kobe.public_key())
                .allowing(Vct::parse(RESIDENT_VCT).unwrap())
                .allowing(Vct::parse(PSEUDONYM_VCT).unwrap()),
        )
        .sign(&*p.signer(&authority).unwrap())
        .unwrap();
    std::fs::write(dir.join("trust.jwt"), trust).unwrap();
    let jwk = authority.public_key().to_jwk().to_string();
    std::fs::write(dir.join("authority.jwk"), jwk).unwrap();
    (kobe, SecretKey::generate_p256().unwrap())
}

/// A credential of Kobe's bound to `holder`, every claim disclosed, bound to `nonce`.
fn present(kobe: &SecretKey, holder: &SecretKey, vct: &str, claims: &Value, nonce: &str) -> String {
    let (ctype, paths) = credential::every_claim(vct, claims);
    let parties = credential::Parties {
        issuer_key: kobe,
        iss: ISS,
        holder,
    };
    let binding = credential::Binding {
        audience: AUD,
        nonce,
        at: NumericDate::from_unix(NOW),
    };
    credential::present(&parties, &ctype, claims, &paths, &binding)
}

/// `myna verify check --json` of `presentation` (a vp_token JSON) for `policy`, bound to
/// `nonce`, on the pass book `book`: success and the decision JSON.
fn check(dir: &Path, policy: &str, nonce: &str, vp_token: &Value) -> (bool, Value) {
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let file = dir.join(format!("{nonce}.json"));
    std::fs::write(&file, vp_token.to_string()).unwrap();
    let out = Myna::new().run(&[
        "verify",
        "check",
        "--trust-list",
        &path("trust.jwt"),
        "--authority-key",
        &path("authority.jwk"),
        "--audience",
        AUD,
        "--now",
        &NOW.to_string(),
        "--passes",
        &path("book.redb"),
        "--policy",
        policy,
        "--nonce",
        nonce,
        "--json",
        file.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("{stdout} {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), json)
}

#[test]
fn a_coupon_is_granted_once_used_twice_and_refused_the_third_time() {
    let dir = tempfile::tempdir().unwrap();
    let (kobe, holder) = files(dir.path());
    let resident = json!({"municipality_code": "281000", "birthdate": "1958-04-01"});
    let pseudonym = json!({"context": COUPON, "pseudonym": PSEUDONYM});
    let apply = format!("pass-apply:{COUPON}:2026-11-01..2027-03-31:2:resident:281000");
    let use_ = format!("pass-use:{COUPON}");

    // A use before applying: no pass.
    let at_gate = |nonce: &str| json!({"pseudonym": present(&kobe, &holder, PSEUDONYM_VCT, &pseudonym, nonce)});
    let (ok, decision) = check(dir.path(), &use_, "u0", &at_gate("u0"));
    assert!(!ok);
    assert_eq!(decision["reason"], "no_pass", "{decision}");

    let application = json!({
        "resident": present(&kobe, &holder, RESIDENT_VCT, &resident, "a1"),
        "pseudonym": present(&kobe, &holder, PSEUDONYM_VCT, &pseudonym, "a1"),
    });
    let (ok, decision) = check(dir.path(), &apply, "a1", &application);
    assert!(ok, "{decision}");

    for nonce in ["u1", "u2"] {
        let (ok, decision) = check(dir.path(), &use_, nonce, &at_gate(nonce));
        assert!(ok, "{nonce}: {decision}");
        // The gate saw the pseudonym, nothing of the resident credential.
        assert_eq!(decision["pseudonym"], PSEUDONYM);
        assert!(!decision.to_string().contains("1958"), "{decision}");
    }
    let (ok, decision) = check(dir.path(), &use_, "u3", &at_gate("u3"));
    assert!(!ok);
    assert_eq!(decision["reason"], "uses_exhausted", "{decision}");

    let book = dir.path().join("book.redb");
    let out = Myna::new().run(&[
        "pass",
        "list",
        "--passes",
        book.to_str().unwrap(),
        "--pass",
        COUPON,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["grants"].as_array().unwrap().len(), 1);
    assert_eq!(list["grants"][0]["pseudonym"], PSEUDONYM);
    assert_eq!(list["grants"][0]["uses_left"], 0);
    let text = Myna::new().run(&[
        "pass",
        "list",
        "--passes",
        book.to_str().unwrap(),
        "--pass",
        COUPON,
    ]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("2027-03-31 23:59 JST"), "{text}");
}

#[test]
fn bad_pass_arguments_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    files(dir.path());
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    std::fs::write(dir.path().join("p.json"), "{}").unwrap();
    let out = Myna::new().run(&[
        "verify",
        "check",
        "--trust-list",
        &path("trust.jwt"),
        "--authority-key",
        &path("authority.jwk"),
        "--audience",
        AUD,
        "--now",
        &NOW.to_string(),
        "--policy",
        "pass-apply:c:6m:0:resident:281000",
        "--nonce",
        "n",
        &path("p.json"),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("number of uses"), "{stderr}");

    let out = Myna::new().run(&[
        "pass",
        "list",
        "--passes",
        &path("missing.redb"),
        "--pass",
        COUPON,
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no such pass book"), "{stderr}");
    assert!(!dir.path().join("missing.redb").exists());

    let out = Myna::new().run(&["pass", "list", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("pass-apply"), "{help}");
}
