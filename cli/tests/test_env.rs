//! A municipality's test environment with the `myna` binary alone: `myna jpki test-ca` makes a
//! test CA, virtual cards, revocations and CRLs; `myna issuer init --jpki-test-ca` trusts it
//! (and a production issuer never does); `myna wallet anchor` says which card it needs.
#![cfg(test)]

mod support;

use std::path::Path;
use std::process::Command;

use myna_jpki::card::{AuthPin, Card, DigestInfo, JpkiCard, PinKind, SignPin};
use myna_jpki::certificate::{Certificate, SerialNumber};
use myna_jpki::crl::{Crl, RevocationReason};
use myna_jpki::profile::{CertificateType, Environment};
use myna_jpki::roots::RootSet;
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::crypto::default_provider;
use support::issuer::operator_token;
use support::{first_log_line, free_port, hanako_card, http_request, stderr, stdout, Myna, HANAKO};

/// `myna` in `dir` with no card PINs or wallet passphrase from the environment, and nothing
/// on standard input to prompt.
fn myna(dir: &Path) -> Myna {
    Myna::in_dir(dir)
        .env_remove("MYNA_CARD_PIN")
        .env_remove("MYNA_CARD_SIGN_PIN")
        .env_remove("MYNA_WALLET_PASSPHRASE")
        .no_stdin()
}

/// README step 1: a test CA in `testca/` and Hanako's card in `hanako.card`; returns the
/// `--json` output of `card`.
fn test_environment(dir: &Path) -> serde_json::Value {
    myna(dir).ok(&["jpki", "test-ca", "init", "--dir", "testca"]);
    let mut args = hanako_card();
    args.push("--json");
    serde_json::from_str(&myna(dir).ok(&args)).unwrap()
}

fn roots(dir: &Path) -> RootSet {
    let ders = ["auth-root.der", "sign-root.der"]
        .map(|name| std::fs::read(dir.join("testca").join(name)).unwrap());
    RootSet::test(&ders, default_provider()).unwrap()
}

fn card(dir: &Path) -> VirtualCard {
    VirtualCard::from_file_json(&std::fs::read(dir.join("hanako.card")).unwrap()).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_test_ca_issues_a_card_whose_certificates_it_revokes_on_its_crl() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let issued = test_environment(dir);
    let testca = dir.join("testca");
    #[cfg(unix)]
    {
        assert_eq!(mode(&testca.join("private-state.json")), 0o600);
        assert_eq!(mode(&dir.join("hanako.card")), 0o600);
    }
    assert!(!testca.join("lock").exists(), "the lock is released");

    // The card file holds what the card printout said, certified under the test roots.
    let card = card(dir);
    let auth = Certificate::parse(card.authentication_certificate()).unwrap();
    let sign = Certificate::parse(card.signature_certificate().unwrap()).unwrap();
    assert_eq!(auth.environment(), Environment::Test);
    assert_eq!(issued["authentication_serial"], auth.serial().to_string());
    assert_eq!(issued["signature_serial"], sign.serial().to_string());
    let facts = sign.holder().unwrap();
    assert_eq!(facts.name.text(), "前橋\u{3000}花子");
    assert_eq!(facts.birth_date.date().to_string(), "1990-05-01");
    assert_eq!(facts.address.text(), "群馬県前橋市大手町二丁目12番1号");
    // The linking file pairs them, as the issuer reads it.
    let linking = std::fs::read_to_string(testca.join("linking.txt")).unwrap();
    assert!(
        linking
            .lines()
            .any(|l| l == format!("{} {}", sign.serial(), auth.serial())),
        "{linking}"
    );

    // `serial` prints the authentication serial, in the form SerialNumber reads back.
    let printed = myna(dir).ok(&["jpki", "test-ca", "serial", "--card", "hanako.card"]);
    assert_eq!(printed.trim(), auth.serial().to_string());
    assert_eq!(
        SerialNumber::from_hex(printed.trim()).unwrap(),
        auth.serial()
    );

    // Before any revocation the CA's CRLs list nothing.
    let roots = roots(dir);
    let published = Crl::parse(
        &std::fs::read(testca.join("auth.crl")).unwrap(),
        &roots,
        default_provider(),
    )
    .unwrap();
    assert!(published.lookup(&auth.serial()).is_none());

    myna(dir).ok(&[
        "jpki",
        "test-ca",
        "revoke",
        "--dir",
        "testca",
        "--card",
        "hanako.card",
        "--certificate",
        "authentication",
        "--reason",
        "lost",
    ]);
    for (ty, file) in [
        ("authentication", "auth-now.crl"),
        ("signature", "sign-now.crl"),
    ] {
        myna(dir).ok(&[
            "jpki", "test-ca", "crl", "--dir", "testca", "--type", ty, "--out", file,
        ]);
    }
    let crl = |file: &str| {
        Crl::parse(
            &std::fs::read(dir.join(file)).unwrap(),
            &roots,
            default_provider(),
        )
        .unwrap()
    };
    let auth_crl = crl("auth-now.crl");
    assert_eq!(auth_crl.certificate_type(), CertificateType::Authentication);
    let entry = auth_crl.lookup(&auth.serial()).unwrap();
    assert_eq!(entry.reason, RevocationReason::KeyCompromise);
    let sign_crl = crl("sign-now.crl");
    assert!(
        sign_crl.lookup(&sign.serial()).is_none(),
        "only the authentication certificate was revoked"
    );
    // The CRL kept in the directory is renewed too.
    let renewed = crl("testca/auth.crl");
    assert!(renewed.lookup(&auth.serial()).is_some());

    // Revoking again records nothing new; the signature certificate follows with `both`.
    let again = myna(dir).ok(&[
        "jpki",
        "test-ca",
        "revoke",
        "--dir",
        "testca",
        "--card",
        "hanako.card",
        "--reason",
        "moved",
    ]);
    assert!(again.contains("already revoked"), "{again}");
    myna(dir).ok(&[
        "jpki",
        "test-ca",
        "crl",
        "--dir",
        "testca",
        "--type",
        "signature",
        "--out",
        "sign-now.crl",
    ]);
    let sign_crl = crl("sign-now.crl");
    assert_eq!(
        sign_crl.lookup(&sign.serial()).unwrap().reason,
        RevocationReason::AffiliationChanged
    );
}

#[test]
fn the_test_ca_refuses_what_would_lose_or_corrupt_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    test_environment(dir);
    let state = std::fs::read(dir.join("testca/private-state.json")).unwrap();

    // No second CA over the first.
    let err = myna(dir).exits_with(1, &["jpki", "test-ca", "init", "--dir", "testca"]);
    assert!(err.contains("already holds a test CA"), "{err}");
    // No second card over a card file.
    let mut args = vec!["jpki", "test-ca", "card"];
    args.extend(HANAKO);
    let err = myna(dir).exits_with(1, &args);
    assert!(err.contains("refusing to overwrite a card file"), "{err}");

    // Bad facts and PINs are refused before anything is issued.
    let with = |flag: &str, value: &'static str| {
        let mut args: Vec<&str> = vec!["jpki", "test-ca", "card"];
        args.extend(HANAKO);
        let at = args.iter().position(|a| *a == flag).unwrap();
        args[at + 1] = value;
        let out = args.iter().position(|a| *a == "--out").unwrap();
        args[out + 1] = "other.card";
        myna(dir).exits_with(1, &args)
    };
    let err = with("--birth-date", "2990-01-01");
    assert!(err.contains("--birth-date is after today"), "{err}");
    let err = with("--birth-date", "1990/05/01");
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let err = with("--auth-pin", "12345");
    assert!(err.contains("--auth-pin"), "{err}");
    assert!(err.contains("four digits"), "{err}");
    let err = with("--sign-pin", "hanako2027");
    assert!(err.contains("--sign-pin"), "{err}");
    let mut bad_sex: Vec<&str> = vec!["jpki", "test-ca", "card"];
    bad_sex.extend(HANAKO);
    bad_sex[10] = "other";
    bad_sex[4] = "other.card";
    let output = myna(dir).run(&bad_sex);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("female"), "clap lists the values");
    assert!(!dir.join("other.card").exists());
    assert_eq!(
        std::fs::read(dir.join("testca/private-state.json")).unwrap(),
        state,
        "nothing was issued"
    );

    // Another CA's card is not revoked here.
    myna(dir).ok(&["jpki", "test-ca", "init", "--dir", "otherca"]);
    let err = myna(dir).exits_with(
        1,
        &[
            "jpki",
            "test-ca",
            "revoke",
            "--dir",
            "otherca",
            "--card",
            "hanako.card",
            "--reason",
            "lost",
        ],
    );
    assert!(
        err.contains("was not issued by the test CA in otherca"),
        "{err}"
    );

    // A directory in use says how to free it.
    std::fs::write(dir.join("testca/lock"), "").unwrap();
    let err = myna(dir).exits_with(
        1,
        &[
            "jpki",
            "test-ca",
            "crl",
            "--dir",
            "testca",
            "--type",
            "signature",
            "--out",
            "x.crl",
        ],
    );
    assert!(err.contains("in use by another"), "{err}");
    assert!(err.contains("lock"), "{err}");
    std::fs::remove_file(dir.join("testca/lock")).unwrap();

    // No CA at all.
    let err = myna(dir).exits_with(
        1,
        &[
            "jpki",
            "test-ca",
            "crl",
            "--dir",
            "nowhere",
            "--type",
            "signature",
            "--out",
            "x.crl",
        ],
    );
    assert!(err.contains("myna jpki test-ca init"), "{err}");
    // A damaged card file is named.
    std::fs::write(dir.join("broken.card"), "{}").unwrap();
    let err = myna(dir).exits_with(1, &["jpki", "test-ca", "serial", "--card", "broken.card"]);
    assert!(err.contains("broken.card"), "{err}");
}

#[test]
fn a_card_file_made_by_the_cli_answers_the_card_protocol() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    test_environment(dir);
    let mut card = JpkiCard::new(card(dir));
    let auth = card.read_auth_certificate().unwrap();
    let sign = card
        .read_sign_certificate(&SignPin::new("HANAKO2027").unwrap())
        .unwrap();
    assert_eq!(
        Certificate::parse(&sign).unwrap().certificate_type(),
        CertificateType::Signature
    );
    let signature = card
        .sign_with_auth_key(&AuthPin::new("1234").unwrap(), &DigestInfo::sha256(b"x"))
        .unwrap();
    let key = Certificate::parse(&auth).unwrap().public_key().clone();
    default_provider()
        .verify(
            myna_vc_core::crypto::Algorithm::Rs256,
            &myna_vc_core::crypto::PublicKey::Rsa(key),
            b"x",
            &signature,
        )
        .unwrap();
    for _ in 0..AuthPin::TRIES {
        assert!(card
            .sign_with_auth_key(&AuthPin::new("9999").unwrap(), &DigestInfo::sha256(b"x"))
            .is_err());
    }
    assert_eq!(card.pin_tries_left(PinKind::Authentication).unwrap(), 0);
}

#[test]
fn an_issuer_set_up_with_the_test_ca_trusts_it_and_anchoring_is_configured() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    test_environment(dir);
    let port = free_port();
    let init = myna(dir).run(&[
        "issuer",
        "init",
        "--data-dir",
        "city",
        "--municipality-code",
        "102016",
        "--name",
        "前橋市",
        "--public-base-url",
        "https://vc.city.maebashi.example",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--passphrase",
        "passphrase of the city issuer",
        "--jpki-test-ca",
        "testca",
    ]);
    assert!(init.status.success(), "{}", stderr(&init));
    assert!(
        stderr(&init).contains("imported the test CA's authentication CRL"),
        "{}",
        stderr(&init)
    );
    let config = myna_issuer::service::config::ServiceConfig::from_toml(
        &std::fs::read_to_string(dir.join("city/issuer.toml")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        config.jpki.environment,
        Some(myna_issuer::service::config::JpkiEnvironment::Test)
    );
    // The roots are copied into the data directory (relative paths: it may move)…
    assert_eq!(config.jpki.roots.len(), 2);
    for (path, name) in config
        .jpki
        .roots
        .iter()
        .zip(["auth-root.der", "sign-root.der"])
    {
        assert!(path.is_relative(), "{path:?}");
        assert_eq!(
            std::fs::read(dir.join("city").join(path)).unwrap(),
            std::fs::read(dir.join("testca").join(name)).unwrap()
        );
    }
    // …and the linking file, which gains a line per card, is read where the CA keeps it.
    let linking = config.jpki.linking_file.clone().unwrap();
    assert!(linking.is_absolute());
    assert_eq!(
        linking,
        std::fs::canonicalize(dir.join("testca/linking.txt")).unwrap()
    );

    // Served, the issuer hands out anchoring challenges (no 503) and its audit log shows the
    // CRLs init imported.
    let operator = operator_token(&stdout(&init));
    let mut server = Myna::in_dir(dir)
        .args(["issuer", "serve", "--log-json", "--data-dir", "city"])
        .args(["--passphrase", "passphrase of the city issuer"])
        .spawn();
    let (first, _logs) = first_log_line(&mut server);
    let challenge = request(port, "POST", "/anchor/challenge", None);
    let audit = request(port, "GET", "/admin/audit", Some(&operator));
    // Stopped before anything is asserted, so a failure leaves no server behind.
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    assert!(first.contains("issuer service listening"), "{first}");
    let (challenge, audit) = (challenge.unwrap(), audit.unwrap());
    assert!(challenge.starts_with("HTTP/1.1 200"), "{challenge}");
    assert!(challenge.contains("\"nonce\""), "{challenge}");
    assert_eq!(audit.matches("crl.imported").count(), 2, "{audit}");

    // --jpki-test-ca decides the roots alone (a usage error, exit code 2).
    let conflict = myna(dir).run(&[
        "issuer",
        "init",
        "--data-dir",
        "other",
        "--municipality-code",
        "102016",
        "--name",
        "前橋市",
        "--public-base-url",
        "https://vc.city.maebashi.example",
        "--jpki-test-ca",
        "testca",
        "--jpki-environment",
        "production",
    ]);
    assert_eq!(conflict.status.code(), Some(2));
    assert!(stderr(&conflict).contains("cannot be used with"));
    // A directory that is no test CA is named.
    let err = myna(dir).exits_with(
        1,
        &[
            "issuer",
            "init",
            "--data-dir",
            "other",
            "--municipality-code",
            "102016",
            "--name",
            "前橋市",
            "--public-base-url",
            "https://vc.city.maebashi.example",
            "--passphrase",
            "passphrase of the city issuer",
            "--jpki-test-ca",
            "city",
        ],
    );
    assert!(err.contains("is city a test CA"), "{err}");
}

#[test]
fn a_production_issuer_refuses_the_test_cas_roots() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    test_environment(dir);
    let auth_root = dir.join("testca/auth-root.der");
    let sign_root = dir.join("testca/sign-root.der");
    myna(dir).ok(&[
        "issuer",
        "init",
        "--data-dir",
        "city",
        "--municipality-code",
        "102016",
        "--name",
        "前橋市",
        "--public-base-url",
        "https://vc.city.maebashi.example",
        "--listen",
        &format!("127.0.0.1:{}", free_port()),
        "--passphrase",
        "passphrase of the city issuer",
        "--jpki-root",
        auth_root.to_str().unwrap(),
        "--jpki-root",
        sign_root.to_str().unwrap(),
    ]);
    let config = std::fs::read_to_string(dir.join("city/issuer.toml")).unwrap();
    assert!(config.contains("environment = \"production\""), "{config}");
    let err = myna(dir).exits_with(
        1,
        &[
            "issuer",
            "serve",
            "--data-dir",
            "city",
            "--passphrase",
            "passphrase of the city issuer",
        ],
    );
    assert!(err.contains("JPKI roots"), "{err}");
    assert!(
        err.contains("never accepted by a production deployment"),
        "{err}"
    );
}

#[test]
fn wallet_anchor_says_which_card_it_needs() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let base = [
        "wallet",
        "--data-dir",
        "hanako",
        "anchor",
        "--issuer",
        "https://vc.city.maebashi.example",
        "--issuer-key",
        "city.jwk",
    ];
    let err = myna(dir).exits_with(1, &base);
    assert!(err.contains("--card FILE"), "{err}");
    assert!(err.contains("--reader NAME"), "{err}");
    assert!(err.contains("myna jpki test-ca card"), "{err}");

    let mut both = base.to_vec();
    both.extend(["--card", "hanako.card", "--reader", "ACS ACR39U"]);
    let err = myna(dir).exits_with(1, &both);
    assert!(err.contains("not both"), "{err}");

    let mut reader = base.to_vec();
    reader.extend(["--reader", "ACS ACR39U"]);
    if !cfg!(feature = "pcsc") {
        let err = myna(dir).exits_with(1, &reader);
        assert!(err.contains("`pcsc` feature"), "{err}");
        assert!(err.contains("--card FILE"), "{err}");
    }

    // The flags of the README parse: --with-facts and --offer-out.
    let help = myna(dir).ok(&["wallet", "anchor", "--help"]);
    for flag in [
        "--card <FILE>",
        "--with-facts",
        "--offer-out <FILE>",
        "--reader <NAME>",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
    assert!(help.contains("MYNA_CARD_SIGN_PIN"), "{help}");
}

fn request(port: u16, method: &str, path: &str, token: Option<&str>) -> std::io::Result<String> {
    http_request(&format!("127.0.0.1:{port}"), method, path, token)
}
