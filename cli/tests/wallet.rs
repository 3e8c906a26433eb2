//! `myna wallet` as the product: real issuers only, errors with their causes, and help for
//! every subcommand. (The README's first run, which anchors at the demo issuer, is the demo
//! crate's test: demo/tests/wallet.rs.)
#![cfg(test)]

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

#[test]
fn anchoring_without_card_reader_support_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = myna(
        dir.path(),
        PASSPHRASE,
        &[
            "anchor",
            "--issuer",
            "https://city.maebashi.example",
            "--issuer-key",
            "city.jwk",
            "--reader",
            "ACS ACR39U",
        ],
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    if cfg!(feature = "pcsc") {
        // With a reader build the command goes on: the key file does not exist.
        assert!(!out.status.success());
        assert!(stderr.contains("city.jwk"), "{stderr}");
    } else {
        assert!(!out.status.success(), "{stderr}");
        assert!(stderr.contains("error: anchoring failed"), "{stderr}");
        assert!(
            stderr.contains("caused by: this build of myna has no card reader support"),
            "{stderr}"
        );
        assert!(stderr.contains("`pcsc` feature"), "{stderr}");
    }
}

#[test]
fn the_product_knows_no_demo_issuer() {
    let dir = tempfile::tempdir().unwrap();
    // No virtual card, and every issuer or registry is named and pinned.
    let anchor = myna(dir.path(), PASSPHRASE, &["anchor", "--virtual-card"]);
    assert!(!anchor.status.success());
    assert!(String::from_utf8_lossy(&anchor.stderr).contains("--virtual-card"));
    let receive = myna(dir.path(), PASSPHRASE, &["receive", "--offer", "x"]);
    assert!(String::from_utf8_lossy(&receive.stderr).contains("--issuer-key"));
    let consent = myna(dir.path(), PASSPHRASE, &["consent", "withdraw", "c-1"]);
    assert!(String::from_utf8_lossy(&consent.stderr).contains("--registry"));
    assert!(!dir.path().join("demo-issuer").exists());
}

#[test]
fn errors_show_their_causes() {
    let dir = tempfile::tempdir().unwrap();
    let out = myna(
        dir.path(),
        PASSPHRASE,
        &["import", "--in", "no-such-backup.myna"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let mut lines = stderr.lines();
    assert_eq!(
        lines.next(),
        Some("myna: error: no-such-backup.myna"),
        "{stderr}"
    );
    assert!(
        lines.next().unwrap().starts_with("myna: caused by: "),
        "{stderr}"
    );
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
