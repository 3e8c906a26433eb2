//! Keys out of an issuer and the national trust list, as the README's "Run your own" does it:
//! `issuer init --token-dir/--json`, `issuer keys` and `issuer trust-entry` (also while `serve`
//! runs, matching what the service publishes), and `trust-list init/sign/show`, whose list
//! `myna verify check` then accepts a credential of that issuer under — and which refuses a
//! tampered entry, a duplicate and a version rollback.
#![cfg(test)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use myna_issuer::service::config::{AdminTokenEntry, ServiceConfig};
use myna_issuer::service::keys::KeyRing;
use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::crypto::{default_provider, PublicKey, SecretKey};
use myna_verifier::core::jwk::Jwk;
use myna_verifier::core::sdjwt::{KeyBinding, KeyBindingRule, SdJwt};
use myna_verifier::core::sdjwt_vc::{
    self, CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, VcVerifyOptions, Vct,
};
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::trust_entry;
use serde_json::Value;
use support::{first_log_line, get_body, trust_list_sign, Myna, AUTHORITY_INIT};

const CITY: &str = "https://vc.city.maebashi.example";
const CITY_PASS: &str = "passphrase of the city issuer";
const AUTHORITY_PASS: &str = "passphrase of the trust-list authority";
const SHOP: &str = "x509_san_dns:shop.example";

/// `myna` in `dir`, without the issuer passphrase of the environment.
fn myna(dir: &Path) -> Myna {
    Myna::in_dir(dir).env_remove("MYNA_ISSUER_PASSPHRASE")
}

fn now() -> NumericDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    NumericDate::from_unix(i64::try_from(secs).unwrap())
}

/// `issuer init` of 前橋市 in `dir/city`, with extra flags; returns its standard output.
fn init_city(dir: &Path, extra: &[&str]) -> String {
    std::fs::write(dir.join("city.pass"), format!("{CITY_PASS}\n")).unwrap();
    let mut args = vec![
        "issuer",
        "init",
        "--data-dir",
        "city",
        "--passphrase-file",
        "city.pass",
        "--municipality-code",
        "102016",
        "--prefecture",
        "群馬県",
        "--name",
        "前橋市",
        "--public-base-url",
        CITY,
        "--listen",
        "127.0.0.1:0",
    ];
    args.extend_from_slice(extra);
    myna(dir).ok(&args)
}

fn config(dir: &Path) -> ServiceConfig {
    ServiceConfig::from_toml(&std::fs::read_to_string(dir.join("city/issuer.toml")).unwrap())
        .unwrap()
}

fn read_jwk(path: &Path) -> Jwk {
    Jwk::from_json(&serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(path).unwrap().permissions()) & 0o777
}

#[test]
fn init_writes_each_token_to_an_owner_only_file_and_reports_json() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let stdout = init_city(dir, &["--token-dir", "city-tokens", "--json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["issuer"]["id"], CITY);
    assert_eq!(report["issuer"]["municipality_code"], "102016");
    assert_eq!(report["issuer"]["kind"], "municipality");
    assert!(report["offered"]
        .as_array()
        .unwrap()
        .contains(&"age".into()));
    let hashes: Vec<AdminTokenEntry> = config(dir).admin_tokens;
    let tokens = report["tokens"].as_array().unwrap();
    let names: Vec<&str> = tokens.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["operator", "revocation-officer"]);
    for (token, stored) in tokens.iter().zip(&hashes) {
        assert!(
            token.get("token").is_none(),
            "written tokens are not printed: {token}"
        );
        let file = dir.join(token["file"].as_str().unwrap());
        assert_eq!(
            file,
            dir.join("city-tokens")
                .join(format!("{}.token", stored.name))
        );
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(text.lines().count(), 1, "one line");
        assert_eq!(AdminTokenEntry::hash(text.trim_end()), stored.sha256);
        #[cfg(unix)]
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    // The report's key is the key the data directory seals.
    let keys = KeyRing::open_existing(&dir.join("city/keys.json"), CITY_PASS).unwrap();
    let key = Jwk::from_json(&report["issuer"]["key"]).unwrap();
    assert_eq!(key.key, keys.issuer.public_key());
}

#[test]
fn init_json_without_a_token_dir_carries_the_tokens_and_an_existing_token_file_stops_init() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let stdout = init_city(dir, &["--json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let stored = config(dir).admin_tokens;
    let operator = &report["tokens"][0];
    assert!(operator.get("file").is_none());
    assert_eq!(
        AdminTokenEntry::hash(operator["token"].as_str().unwrap()),
        stored[0].sha256
    );

    // A token file already there: nothing is written, not even the configuration.
    let other = dir.join("other");
    std::fs::create_dir_all(other.join("tokens")).unwrap();
    std::fs::write(other.join("tokens/operator.token"), "someone else's\n").unwrap();
    std::fs::write(other.join("city.pass"), format!("{CITY_PASS}\n")).unwrap();
    let error = myna(&other).fails(&[
        "issuer",
        "init",
        "--data-dir",
        "city",
        "--passphrase-file",
        "city.pass",
        "--municipality-code",
        "102016",
        "--name",
        "前橋市",
        "--public-base-url",
        CITY,
        "--token-dir",
        "tokens",
    ]);
    assert!(
        error.contains("refusing to overwrite a token file"),
        "{error}"
    );
    assert!(!other.join("city/issuer.toml").exists());
    assert_eq!(
        std::fs::read_to_string(other.join("tokens/operator.token")).unwrap(),
        "someone else's\n"
    );
}

/// `issuer serve` of `dir/city` on a free port; returns the child and its address, read
/// from its first log line.
fn serve(dir: &Path) -> (std::process::Child, String) {
    let mut server = myna(dir)
        .args(["issuer", "serve", "--log-json", "--data-dir", "city"])
        .args(["--passphrase-file", "city.pass"])
        .spawn();
    let (first, _logs) = first_log_line(&mut server);
    let line: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(
        line["fields"]["message"], "issuer service listening",
        "{first}"
    );
    let addr = line["fields"]["addr"].as_str().unwrap().to_owned();
    (server, addr)
}

#[test]
fn keys_and_trust_entry_work_while_serve_runs_and_match_what_it_publishes() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    init_city(dir, &[]);
    let (mut server, addr) = serve(dir);

    myna(dir).ok(&[
        "issuer",
        "keys",
        "--data-dir",
        "city",
        "--passphrase-file",
        "city.pass",
    ]
    .iter()
    .copied()
    .chain(["--out", "city.jwk"])
    .collect::<Vec<_>>());
    let stdout = myna(dir).ok(&[
        "issuer",
        "keys",
        "--data-dir",
        "city",
        "--passphrase-file",
        "city.pass",
    ]);
    myna(dir).ok(&[
        "issuer",
        "trust-entry",
        "--data-dir",
        "city",
        "--passphrase-file",
        "city.pass",
        "--out",
        "city.entry",
    ]);
    let did = get_body(&addr, "/.well-known/did.json");
    let published_entry = get_body(&addr, "/trust-entry");
    server.kill().unwrap();
    server.wait().unwrap();

    // The JWK file: the key did.json publishes, under the same kid, with alg.
    let jwk = read_jwk(&dir.join("city.jwk"));
    let did: Value = serde_json::from_str(&did).unwrap();
    let method = &did["verificationMethod"][0];
    assert_eq!(
        Jwk::from_json(&method["publicKeyJwk"]).unwrap().key,
        jwk.key
    );
    let kid = jwk.kid.clone().unwrap();
    assert!(method["id"].as_str().unwrap().ends_with(&format!("#{kid}")));
    assert_eq!(kid, jwk.key.thumbprint().to_string());
    assert_eq!(jwk.alg.map(|a| a.jose_name()), Some("ES256"));
    let printed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(Jwk::from_json(&printed).unwrap(), jwk, "stdout = the file");

    // The entry file: what GET /trust-entry says, signed by that key.
    let entry = std::fs::read_to_string(dir.join("city.entry")).unwrap();
    let entry = trust_entry::verify(entry.trim(), default_provider(), now()).unwrap();
    let published = trust_entry::verify(&published_entry, default_provider(), now()).unwrap();
    assert_eq!(entry.entry(), published.entry());
    assert_eq!(entry.entry().key(Some(&kid)).unwrap(), &jwk.key);
    assert_eq!(entry.entry().id, CITY);

    // The JWK verifies a credential the city's key signs (the key `issuer keys` read).
    let keys = KeyRing::open_existing(&dir.join("city/keys.json"), CITY_PASS).unwrap();
    let credential = age_credential(&keys.issuer, &SecretKey::generate_p256().unwrap(), now());
    let verified = sdjwt_vc::verify(
        &credential.to_string(),
        default_provider(),
        &jwk.key,
        &VcVerifyOptions::at(now(), KeyBindingRule::Optional),
    );
    assert!(verified.is_ok(), "{:?}", verified.err());
}

#[test]
fn keys_says_what_to_do_without_a_data_directory_or_with_a_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("city.pass"), format!("{CITY_PASS}\n")).unwrap();
    let args = [
        "issuer",
        "keys",
        "--data-dir",
        "city",
        "--passphrase-file",
        "city.pass",
    ];
    let error = myna(dir).fails(&args);
    assert!(error.contains("run `myna issuer init` first"), "{error}");
    assert!(
        !dir.join("city/keys.json").exists(),
        "keys never makes a key"
    );
    init_city(dir, &[]);
    std::fs::write(dir.join("city.pass"), "another passphrase entirely\n").unwrap();
    let error = myna(dir).fails(&args);
    assert!(error.contains("passphrase does not open"), "{error}");
}

/// An age credential of `CITY` signed with `issuer` for `holder` (no status entry).
fn age_credential(issuer: &SecretKey, holder: &SecretKey, at: NumericDate) -> SdJwt {
    let p = default_provider();
    let ctype = CredentialType::new(Vct::parse("urn:myna-vc:vct:age:1").unwrap()).claim(
        ClaimPath::key("age_over_20"),
        DisclosureRule::Selective,
        true,
    );
    let claims = serde_json::json!({"age_over_20": true});
    SdJwtVcIssuer::new(&*p.signer(issuer).unwrap(), CITY)
        .with_kid(&issuer.public_key().thumbprint().to_string())
        .issue(&VcRequest {
            credential_type: &ctype,
            claims: claims.as_object().unwrap(),
            holder_key: &holder.public_key(),
            issued_at: at,
            expires_at: Some(at.plus_seconds(86_400)),
            status: None,
        })
        .unwrap()
}

/// The age credential presented for `age_over_20` to the shop with `nonce`.
fn presentation(issuer: &SecretKey, nonce: &str, at: NumericDate) -> String {
    let p = default_provider();
    let holder = SecretKey::generate_p256().unwrap();
    age_credential(issuer, &holder, at)
        .select(&[ClaimPath::key("age_over_20")])
        .unwrap()
        .bind(&KeyBinding {
            audience: SHOP,
            nonce,
            issued_at: at,
            signer: &*p.signer(&holder).unwrap(),
        })
        .unwrap()
        .to_string()
}

/// The city's entry, made with `issuer trust-entry`.
fn city_entry(dir: &Path) -> PathBuf {
    init_city(dir, &[]);
    myna(dir).ok(&[
        "issuer",
        "trust-entry",
        "--data-dir",
        "city",
        "--passphrase-file",
        "city.pass",
        "--out",
        "city.entry",
    ]);
    dir.join("city.entry")
}

fn sign(dir: &Path, entries: &[&str], extra: &[&str]) -> Output {
    let mut args = trust_list_sign(entries);
    args.extend_from_slice(extra);
    myna(dir).run(&args)
}

#[test]
fn the_authority_signs_the_entries_and_a_shop_verifies_under_its_list() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    city_entry(dir);
    std::fs::write(dir.join("authority.pass"), format!("{AUTHORITY_PASS}\n")).unwrap();
    let init = AUTHORITY_INIT;
    myna(dir).ok(&init);
    #[cfg(unix)]
    assert_eq!(mode(&dir.join("authority/authority.key")), 0o600);
    let error = myna(dir).fails(&init);
    assert!(error.contains("already an authority directory"), "{error}");
    let authority = read_jwk(&dir.join("authority/authority.jwk"));

    let out = sign(dir, &["city.entry"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = myna(dir).ok(&[
        "trust-list",
        "show",
        "--trust-list",
        "trust-list.jwt",
        "--authority-key",
        "authority/authority.jwk",
    ]);
    assert!(shown.contains("version 1"), "{shown}");
    assert!(shown.contains("前橋市 (municipality 102016)"), "{shown}");
    assert!(shown.contains("may issue urn:myna-vc:vct:age:1"), "{shown}");
    let token = std::fs::read_to_string(dir.join("trust-list.jwt")).unwrap();
    let list = myna_verifier::core::trust_list::TrustList::verify(
        token.trim(),
        default_provider(),
        &authority.key,
        now(),
    )
    .unwrap();
    assert_eq!(list.municipality_of(CITY), Some("102016".parse().unwrap()));

    // The shop, pinned to the authority key, accepts the city's credential.
    let keys = KeyRing::open_existing(&dir.join("city/keys.json"), CITY_PASS).unwrap();
    std::fs::write(
        dir.join("age.txt"),
        presentation(&keys.issuer, "n-1", now()),
    )
    .unwrap();
    let check = [
        "verify",
        "check",
        "--trust-list",
        "trust-list.jwt",
        "--authority-key",
        "authority/authority.jwk",
        "--audience",
        SHOP,
        "--policy",
        "age-over-20",
        "--nonce",
        "n-1",
        "--json",
        "age.txt",
    ];
    let decision: Value = serde_json::from_str(&myna(dir).ok(&check)).unwrap();
    assert_eq!(decision["accepted"], true, "{decision}");
    assert_eq!(decision["credentials"][0]["issuer_name"], "前橋市");
    // Pinned to another key (the city's own), the same list is refused.
    let mut wrong = check;
    wrong[5] = "city.jwk";
    myna(dir).ok(&[
        "issuer",
        "keys",
        "--data-dir",
        "city",
        "--passphrase-file",
        "city.pass",
    ]
    .iter()
    .copied()
    .chain(["--out", "city.jwk"])
    .collect::<Vec<_>>());
    let error = myna(dir).fails(&wrong);
    assert!(error.contains("trust list"), "{error}");
    assert_ne!(read_jwk(&dir.join("city.jwk")).key, authority.key);
}

#[test]
fn sign_refuses_tampered_and_duplicate_entries_and_a_version_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let entry = city_entry(dir);
    std::fs::write(dir.join("authority.pass"), format!("{AUTHORITY_PASS}\n")).unwrap();
    myna(dir).ok(&AUTHORITY_INIT);
    let state = || std::fs::read_to_string(dir.join("authority/state.json")).unwrap();
    let before = state();

    // Tampered: the entry's payload gains a credential type, the signature stays.
    let token = std::fs::read_to_string(&entry).unwrap();
    let parts: Vec<&str> = token.trim().split('.').collect();
    let b64 = myna_verifier::core::b64::decode(parts[1], "payload").unwrap();
    let mut claims: Value = serde_json::from_slice(&b64).unwrap();
    claims["issuer"]["name"] = "高崎市".into();
    let payload = myna_verifier::core::b64::encode(claims.to_string());
    std::fs::write(
        dir.join("tampered.entry"),
        format!("{}.{payload}.{}", parts[0], parts[2]),
    )
    .unwrap();
    let out = sign(dir, &["tampered.entry"], &[]);
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(error.contains("tampered.entry does not verify"), "{error}");
    assert!(error.contains("signature"), "{error}");
    // Twice the same issuer.
    std::fs::copy(&entry, dir.join("again.entry")).unwrap();
    let out = sign(dir, &["city.entry", "again.entry"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("one entry per issuer"));
    // A wrong authority passphrase.
    std::fs::write(dir.join("authority.pass"), "not the authority passphrase\n").unwrap();
    assert!(!sign(dir, &["city.entry"], &[]).status.success());
    std::fs::write(dir.join("authority.pass"), format!("{AUTHORITY_PASS}\n")).unwrap();
    assert!(!dir.join("trust-list.jwt").exists(), "nothing was signed");
    assert_eq!(state(), before, "no version was used up");

    let out = sign(dir, &["city.entry"], &["--list-version", "5"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for rollback in ["5", "4"] {
        let out = sign(dir, &["city.entry"], &["--list-version", rollback]);
        assert!(!out.status.success(), "version {rollback}");
        let error = String::from_utf8_lossy(&out.stderr);
        assert!(error.contains("version rollback"), "{error}");
    }
    assert!(sign(dir, &["city.entry"], &[]).status.success());
    let token = std::fs::read_to_string(dir.join("trust-list.jwt")).unwrap();
    let authority: PublicKey = read_jwk(&dir.join("authority/authority.jwk")).key;
    let list = myna_verifier::core::trust_list::TrustList::verify(
        token.trim(),
        default_provider(),
        &authority,
        now(),
    )
    .unwrap();
    assert_eq!(list.version(), 6, "the next version after 5");
}

#[test]
fn every_new_command_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["trust-list", "--help"],
        vec!["trust-list", "init", "--help"],
        vec!["trust-list", "sign", "--help"],
        vec!["trust-list", "show", "--help"],
        vec!["issuer", "keys", "--help"],
        vec!["issuer", "trust-entry", "--help"],
        vec!["issuer", "init", "--help"],
    ] {
        let help = myna(dir.path()).ok(&args);
        assert!(
            help.contains(&format!("Usage: myna {}", args[0])),
            "{args:?}: {help}"
        );
    }
    let sign = myna(dir.path()).ok(&["trust-list", "sign", "--help"]);
    for flag in ["--entry", "--valid-days", "--out", "--list-version"] {
        assert!(sign.contains(flag), "{flag}");
    }
    let init = myna(dir.path()).ok(&["issuer", "init", "--help"]);
    assert!(
        init.contains("--token-dir") && init.contains("--json"),
        "{init}"
    );
}
