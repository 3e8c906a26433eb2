//! The README's first run of a wallet: `myna-demo wallet` for the steps that need the demo
//! issuer (anchor with the virtual card, receive its offer, consents with its registry) and
//! the product's `myna wallet` for everything else, on the same wallet directory: init,
//! present, list, history, export and import.
#![cfg(test)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASSPHRASE: &str = "a long test passphrase";

/// The product binary `myna`, built beside this test's binary (`target/<profile>/myna`).
///
/// It belongs to another package of the workspace, so cargo does not hand its path to this
/// test; when it has not been built yet (`cargo test -p myna-demo` alone), it is built here.
fn myna_binary() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let profile_dir = deps.parent().unwrap().parent().unwrap();
    let binary = profile_dir.join(format!("myna{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let mut build = Command::new(env!("CARGO"));
        build.args(["build", "-p", "myna", "--bin", "myna"]);
        if profile_dir
            .file_name()
            .is_some_and(|name| name == "release")
        {
            build.arg("--release");
        }
        let status = build.status().unwrap();
        assert!(status.success(), "cargo build -p myna failed");
    }
    binary
}

/// Runs `program wallet args…` on the wallet in `dir`.
fn wallet(program: &Path, dir: &Path, passphrase: &str, args: &[&str]) -> Output {
    Command::new(program)
        .arg("wallet")
        .args(args)
        .env("MYNA_WALLET_DIR", dir)
        .env("MYNA_WALLET_PASSPHRASE", passphrase)
        .output()
        .unwrap()
}

/// The two binaries on one wallet directory.
struct Run {
    myna: PathBuf,
    demo: PathBuf,
}

impl Run {
    fn ok(&self, program: &Path, dir: &Path, args: &[&str]) -> String {
        let out = wallet(program, dir, PASSPHRASE, args);
        assert!(
            out.status.success(),
            "{} wallet {args:?} failed: {}",
            program.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, program: &Path, dir: &Path, args: &[&str]) -> String {
        let out = wallet(program, dir, PASSPHRASE, args);
        assert!(
            !out.status.success(),
            "{} wallet {args:?} should fail",
            program.display()
        );
        String::from_utf8(out.stderr).unwrap()
    }

    fn myna(&self, dir: &Path, args: &[&str]) -> String {
        self.ok(&self.myna, dir, args)
    }

    fn demo(&self, dir: &Path, args: &[&str]) -> String {
        self.ok(&self.demo, dir, args)
    }
}

#[test]
fn the_readme_first_run_works() {
    let run = Run {
        myna: myna_binary(),
        demo: PathBuf::from(env!("CARGO_BIN_EXE_myna-demo")),
    };
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("wallet");
    assert!(run.myna(&dir, &["init"]).contains("wallet created"));
    let anchored = run.demo(&dir, &["anchor", "--virtual-card"]);
    let offer = anchored
        .lines()
        .find(|l| l.starts_with("openid-credential-offer://"))
        .expect("an offer link");
    let received = run.demo(&dir, &["receive", "--offer", offer]);
    assert!(
        received.contains("received 4 × urn:myna-vc:vct:age:1"),
        "{received}"
    );
    assert!(
        received.contains("received 4 × urn:myna-vc:vct:resident:1"),
        "{received}"
    );
    // The offer's code is single-use.
    assert!(run
        .fails(&run.demo, &dir, &["receive", "--offer", offer])
        .contains("invalid_grant"));
    // The product has no demo issuer: it wants the real issuer's key, and with one it goes
    // over HTTPS to an issuer that does not exist.
    assert!(run
        .fails(&run.myna, &dir, &["receive", "--offer", offer])
        .contains("--issuer-key"));

    let shown = run.myna(
        &dir,
        &[
            "present",
            "--verifier",
            "https://shop.example",
            "--nonce",
            "n-0S6_WzA2Mj",
            "--age-over",
            "20",
            "--yes",
        ],
    );
    assert!(shown.contains(r#"["age_over_20"] = true"#), "{shown}");
    assert!(!shown.contains("birthdate"), "{shown}");
    assert!(shown.contains("vp_token="));
    assert!(shown.lines().any(|l| l.starts_with("MV1:")));
    let listed = run.myna(&dir, &["list"]);
    assert!(
        listed.contains("4 held, 3 fresh, shown to https://shop.example"),
        "{listed}"
    );

    let given = run.demo(
        &dir,
        &[
            "consent",
            "give",
            "--recipient",
            "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
            "--purpose",
            "child health consultation",
            "--vct",
            "urn:myna-vc:vct:age:1",
            "--claim",
            "age_over_20",
        ],
    );
    let id = given.split_whitespace().nth(1).unwrap().to_owned();
    assert!(run
        .demo(&dir, &["consent", "withdraw", &id])
        .contains("is now withdrawn"));
    assert!(run.myna(&dir, &["consent", "list"]).contains("withdrawn"));
    let resumed = run.fails(&run.demo, &dir, &["consent", "resume", &id]);
    assert!(resumed.contains("withdrawn"), "{resumed}");

    let history = run.myna(&dir, &["history"]);
    assert!(
        history.contains("presented [\"age_over_20\"] to https://shop.example"),
        "{history}"
    );
    assert!(
        history.contains(&format!("consent {id}: withdraw")),
        "{history}"
    );
    assert!(history.contains("hash chain intact"));

    let backup = home.path().join("backup.myna");
    run.myna(&dir, &["export", "--out", backup.to_str().unwrap()]);
    let copy = home.path().join("copy");
    run.myna(&copy, &["import", "--in", backup.to_str().unwrap()]);
    assert!(run
        .myna(&copy, &["list"])
        .contains("shown to https://shop.example"));

    // A wrong passphrase is a clean error with its cause, not a crash.
    let wrong = wallet(&run.myna, &dir, "not the passphrase", &["list"]);
    assert!(!wrong.status.success());
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("wrong passphrase"), "{stderr}");
    assert!(stderr.starts_with("myna: error: "), "{stderr}");
}

#[test]
fn the_demo_wallet_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_BIN_EXE_myna-demo"));
    for args in [
        vec!["--help"],
        vec!["anchor", "--help"],
        vec!["receive", "--help"],
        vec!["consent", "give", "--help"],
    ] {
        let out = wallet(demo, dir.path(), PASSPHRASE, &args);
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(help.contains("Usage: myna-demo wallet"), "{args:?}: {help}");
    }
    let anchor = wallet(demo, dir.path(), PASSPHRASE, &["anchor", "--help"]);
    assert!(String::from_utf8(anchor.stdout)
        .unwrap()
        .contains("--virtual-card"));
    // The demo's offers are the demo issuer's only.
    let foreign = wallet(
        demo,
        dir.path(),
        PASSPHRASE,
        &[
            "receive",
            "--offer",
            "openid-credential-offer://?credential_offer=%7B%22credential_issuer%22%3A%22https%3A%2F%2Fcity.example%22%2C%22credential_configuration_ids%22%3A%5B%22age%22%5D%7D",
        ],
    );
    assert!(!foreign.status.success());
    let stderr = String::from_utf8_lossy(&foreign.stderr);
    assert!(stderr.contains("demo issuer's offers only"), "{stderr}");
}
