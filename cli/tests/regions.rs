//! `myna verify` over regions and for elderly benefits, as a user runs it: a Harima member's
//! resident (`resident-of-region:harima`, Himeji's どんぐり region,
//! `../shared/seeds/000_2cab3622a7b836b8.txt:4023`), a regions file of one's own (`--regions`),
//! a wrong regions file (the line and what), `myna verify regions`, and Kobe's senior
//! discount (`kobe-senior`, `../shared/seeds/002_330378ace3b016db.txt:19` 「高齢者を対象とする
//! 場合」) with two credentials of one holder.
#![cfg(test)]

mod support;

use std::path::Path;

use myna_issuer::credential_types::{declaration, Kind};
use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::sdjwt_vc::Vct;
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
use serde_json::{json, Value};
use support::{credential, Myna};

const NOW: i64 = 1_795_222_800;
const AUD: &str = "x509_san_dns:shop.example";
const KOBE: &str = "did:web:city.kobe.example";
const KAKOGAWA: &str = "did:web:city.kakogawa.example";

/// The issuers' keys, by id.
struct Issuers {
    kobe: SecretKey,
    kakogawa: SecretKey,
}

impl Issuers {
    fn key(&self, id: &str) -> &SecretKey {
        if id == KOBE {
            &self.kobe
        } else {
            &self.kakogawa
        }
    }
}

/// Writes the trust list (神戸市 281000, 加古川市 282103: resident and age credentials) and the
/// authority key into `dir`.
fn trust_files(dir: &Path) -> Issuers {
    let p = default_provider();
    let now = NumericDate::from_unix(NOW);
    let authority = SecretKey::generate_p256().unwrap();
    let issuers = Issuers {
        kobe: SecretKey::generate_p256().unwrap(),
        kakogawa: SecretKey::generate_p256().unwrap(),
    };
    let resident = Vct::parse(Kind::Resident.vct()).unwrap();
    let age = Vct::parse(Kind::Age.vct()).unwrap();
    let mut list = TrustList::new("jp", 1, now, now.plus_seconds(86_400));
    for (id, name, code) in [(KOBE, "神戸市", "281000"), (KAKOGAWA, "加古川市", "282103")] {
        list = list.with_issuer(
            TrustedIssuer::municipality(id, name, code.parse().unwrap())
                .with_key("k1", issuers.key(id).public_key())
                .allowing(resident.clone())
                .allowing(age.clone()),
        );
    }
    let token = list.sign(&*p.signer(&authority).unwrap()).unwrap();
    std::fs::write(dir.join("trust.jwt"), token).unwrap();
    std::fs::write(
        dir.join("authority.jwk"),
        authority.public_key().to_jwk().to_string(),
    )
    .unwrap();
    issuers
}

/// A credential of `kind` from `issuer` to `holder`, presented disclosing `disclose`, bound to
/// the shop and `nonce`.
fn present(
    issuers: &Issuers,
    issuer: &str,
    kind: Kind,
    claims: Value,
    holder: &SecretKey,
    disclose: &[&str],
    nonce: &str,
) -> String {
    let ctype = declaration(kind).unwrap();
    let paths: Vec<ClaimPath> = disclose.iter().map(|c| ClaimPath::key(*c)).collect();
    let parties = credential::Parties {
        issuer_key: issuers.key(issuer),
        iss: issuer,
        holder,
    };
    let binding = credential::Binding {
        audience: AUD,
        nonce,
        at: NumericDate::from_unix(NOW),
    };
    credential::present(&parties, &ctype, &claims, &paths, &binding)
}

fn resident_claims(code: &str) -> Value {
    json!({"municipality_code": code, "prefecture_code": "28", "name": "播磨　花子",
           "address": "兵庫県加古川市加古川町北在家２０００番地", "birthdate": "1958-05-01"})
}

/// `myna verify check --json` of the presentation file `file` for `policy`, with `extra`
/// arguments: (success, decision JSON or null, stderr).
fn check(
    dir: &Path,
    policy: &str,
    nonce: &str,
    file: &str,
    extra: &[&str],
) -> (bool, Value, String) {
    let mut args = vec![
        "verify",
        "check",
        "--trust-list",
        "trust.jwt",
        "--authority-key",
        "authority.jwk",
        "--audience",
        AUD,
        "--now",
        "1795222800",
        "--policy",
        policy,
        "--nonce",
        nonce,
        "--json",
    ];
    args.extend_from_slice(extra);
    args.push(file);
    let out = Myna::in_dir(dir).run(&args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        out.status.success(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A resident of `code` vouched for by `issuer`, written to `file` in `dir`.
fn resident_file(dir: &Path, issuers: &Issuers, issuer: &str, code: &str, nonce: &str, file: &str) {
    let holder = SecretKey::generate_p256().unwrap();
    let p = present(
        issuers,
        issuer,
        Kind::Resident,
        resident_claims(code),
        &holder,
        &[],
        nonce,
    );
    std::fs::write(dir.join(file), p).unwrap();
}

#[test]
fn check_a_harima_resident_and_a_region_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let issuers = trust_files(d);
    resident_file(d, &issuers, KAKOGAWA, "282103", "n-1", "kakogawa.txt");
    resident_file(d, &issuers, KOBE, "281000", "n-2", "kobe.txt");

    let (ok, decision, _) = check(d, "resident-of-region:harima", "n-1", "kakogawa.txt", &[]);
    assert!(ok, "{decision}");
    assert_eq!(decision["policy"], "resident-of-region-harima");
    let (ok, decision, _) = check(d, "resident-of-region:harima", "n-2", "kobe.txt", &[]);
    assert!(!ok);
    assert_eq!(decision["reason"], "not_resident");

    // A deployment's own region, holding Kobe: unknown without the file, accepted with it.
    let file = r#"{"regions": [{"name": "kobe-area", "name_ja": "神戸圏", "source": "test",
      "members": [{"code": "281000", "name_ja": "神戸市"}, {"code": "282103", "name_ja": "加古川市"}]}]}"#;
    std::fs::write(d.join("regions.json"), file).unwrap();
    let (ok, decision, stderr) = check(d, "resident-of-region:kobe-area", "n-2", "kobe.txt", &[]);
    assert!(!ok && decision.is_null());
    assert!(
        stderr.contains("unknown region") && stderr.contains("kobe-area"),
        "{stderr}"
    );
    let with_file = ["--regions", "regions.json"];
    let (ok, decision, stderr) = check(
        d,
        "resident-of-region:kobe-area",
        "n-2",
        "kobe.txt",
        &with_file,
    );
    assert!(ok, "{decision} {stderr}");
    assert_eq!(decision["policy"], "resident-of-region-kobe-area");
}

#[test]
fn a_wrong_regions_file_stops_the_command_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let issuers = trust_files(d);
    resident_file(d, &issuers, KAKOGAWA, "282103", "n-1", "kakogawa.txt");
    let file = "{\"regions\": [\n {\"name\": \"x\", \"name_ja\": \"x\", \"source\": \"s\",\n  \"members\": [{\"code\": \"282104\", \"name_ja\": \"加古川市?\"}]}]}";
    std::fs::write(d.join("regions.json"), file).unwrap();
    let (ok, decision, stderr) = check(
        d,
        "resident-of-region:harima",
        "n-1",
        "kakogawa.txt",
        &["--regions", "regions.json"],
    );
    assert!(
        !ok && decision.is_null(),
        "no decision from a wrong configuration"
    );
    assert!(stderr.contains("regions.json"), "{stderr}");
    assert!(
        stderr.contains("line 3") && stderr.contains("check digit"),
        "{stderr}"
    );
    let out = Myna::in_dir(d).run(&["verify", "regions", "--regions", "regions.json"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn verify_regions_lists_the_members_and_explains_itself() {
    let out = Myna::new().run(&["verify", "regions", "--json"]);
    assert!(out.status.success());
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let regions = listed["regions"].as_array().unwrap();
    let names: Vec<&str> = regions
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["harima", "izu"]);
    assert_eq!(regions[0]["members"].as_array().unwrap().len(), 16);
    // What `--json` prints is a regions file.
    let text = serde_json::to_string(&listed).unwrap();
    assert!(myna_verifier::region::Regions::from_json(&text).is_ok());
    let out = Myna::new().run(&["verify", "regions"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("282103 加古川市") && text.contains("223255 函南町"),
        "{text}"
    );
    let help = Myna::new().run(&["verify", "regions", "--help"]);
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("Usage: myna verify regions") && help.contains("--regions"),
        "{help}"
    );
    let policies = Myna::new().run(&["verify", "policies"]);
    let policies = String::from_utf8(policies.stdout).unwrap();
    for spec in [
        "resident-of-region:<region>",
        "senior:<code|region>",
        "kobe-senior",
        "himeji-senior",
    ] {
        assert!(
            policies.lines().any(|l| l.starts_with(spec)),
            "{spec}: {policies}"
        );
    }
}

#[test]
fn kobe_senior_takes_a_resident_and_an_age_credential_of_one_holder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let issuers = trust_files(d);
    let submission = |issuer: &str, code: &str, over_65: bool, nonce: &str, file: &str| {
        let holder = SecretKey::generate_p256().unwrap();
        let resident = present(
            &issuers,
            issuer,
            Kind::Resident,
            resident_claims(code),
            &holder,
            &[],
            nonce,
        );
        let flags = json!({"birthdate": "1961-04-02", "age_over_18": true, "age_over_20": true, "age_over_65": over_65});
        let age = present(
            &issuers,
            issuer,
            Kind::Age,
            flags,
            &holder,
            &["age_over_65"],
            nonce,
        );
        let vp_token = json!({"resident": [resident], "age": [age]});
        std::fs::write(d.join(file), vp_token.to_string()).unwrap();
    };
    submission(KOBE, "281000", true, "s-1", "65.json");
    submission(KOBE, "281000", false, "s-2", "64.json");
    submission(KAKOGAWA, "282103", true, "s-3", "kakogawa.json");
    let (ok, decision, _) = check(d, "kobe-senior", "s-1", "65.json", &[]);
    assert!(ok, "{decision}");
    assert!(decision.to_string().contains("age_over_65"));
    assert!(
        !decision.to_string().contains("1961-04-02"),
        "no birth date shown"
    );
    let (ok, decision, _) = check(d, "kobe-senior", "s-2", "64.json", &[]);
    assert!(!ok);
    assert_eq!(decision["reason"], "under_age");
    let (ok, decision, _) = check(d, "kobe-senior", "s-3", "kakogawa.json", &[]);
    assert!(!ok);
    assert_eq!(decision["reason"], "not_resident");
    let (ok, decision, _) = check(d, "senior:harima", "s-3", "kakogawa.json", &[]);
    assert!(ok, "{decision}");
}
