//! The README's first run of `myna wallet`, against the demo issuer: init, anchor with the
//! virtual card, receive, present, consent give and withdraw, history, export and import.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::{Command, Output};

const PASSPHRASE: &str = "a long test passphrase";

fn myna(dir: &Path, passphrase: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_myna"))
        .arg("wallet")
        .args(args)
        .env("MYNA_WALLET_DIR", dir)
        .env("MYNA_WALLET_PASSPHRASE", passphrase)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = myna(dir, PASSPHRASE, args);
    assert!(
        out.status.success(),
        "myna wallet {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(dir: &Path, args: &[&str]) -> String {
    let out = myna(dir, PASSPHRASE, args);
    assert!(!out.status.success(), "myna wallet {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn the_readme_first_run_works() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("wallet");
    assert!(ok(&dir, &["init"]).contains("wallet created"));
    let anchored = ok(&dir, &["anchor", "--virtual-card"]);
    let offer = anchored
        .lines()
        .find(|l| l.starts_with("openid-credential-offer://"))
        .expect("an offer link");
    let received = ok(&dir, &["receive", "--offer", offer]);
    assert!(
        received.contains("received 4 × urn:myna-vc:vct:age:1"),
        "{received}"
    );
    assert!(
        received.contains("received 4 × urn:myna-vc:vct:resident:1"),
        "{received}"
    );
    // The offer's code is single-use.
    assert!(fails(&dir, &["receive", "--offer", offer]).contains("invalid_grant"));

    let shown = ok(
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
    let listed = ok(&dir, &["list"]);
    assert!(
        listed.contains("4 held, 3 fresh, shown to https://shop.example"),
        "{listed}"
    );

    let given = ok(
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
    assert!(ok(&dir, &["consent", "withdraw", &id]).contains("is now withdrawn"));
    assert!(ok(&dir, &["consent", "list"]).contains("withdrawn"));
    assert!(fails(&dir, &["consent", "resume", &id]).contains("withdrawn"));

    let history = ok(&dir, &["history"]);
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
    ok(&dir, &["export", "--out", backup.to_str().unwrap()]);
    let copy = home.path().join("copy");
    ok(&copy, &["import", "--in", backup.to_str().unwrap()]);
    assert!(ok(&copy, &["list"]).contains("shown to https://shop.example"));

    // A wrong passphrase is a clean error, not a crash.
    let wrong = myna(&dir, "not the passphrase", &["list"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong passphrase"));
}

#[test]
fn every_subcommand_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["anchor", "--help"],
        vec!["receive", "--help"],
        vec!["list", "--help"],
        vec!["refresh", "--help"],
        vec!["present", "--help"],
        vec!["consent", "--help"],
        vec!["consent", "give", "--help"],
        vec!["consent", "withdraw", "--help"],
        vec!["consent", "pause", "--help"],
        vec!["consent", "resume", "--help"],
        vec!["consent", "list", "--help"],
        vec!["history", "--help"],
        vec!["export", "--help"],
        vec!["import", "--help"],
    ] {
        let help = ok(dir.path(), &args);
        assert!(help.contains("Usage: myna wallet"), "{args:?}: {help}");
        assert!(help.lines().count() > 4, "{args:?} says too little: {help}");
    }
}
