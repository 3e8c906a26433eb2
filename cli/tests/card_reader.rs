//! `myna wallet anchor --reader` — the product's card-reader path — through the real PC/SC
//! stack: the test starts its own `pcscd` with vsmartcard's virtual reader (the harness of
//! `tests/tests/pcscd`), inserts the virtual card that `myna jpki test-ca card` wrote, and the
//! `myna` binary (built with feature `pcsc`) anchors a wallet at a real `myna issuer serve`
//! over loopback HTTP, reading the card through `libpcsclite` → `pcscd` → `libifdvpcd`.
//!
//! Runs with `cargo test -p myna --features pcsc --test card_reader` (scripts/test does); it
//! fails, never skips, when pcscd or the driver is missing.
#![cfg(test)]
#![cfg(feature = "pcsc")]

// The harness serves the tests/ crate too, which uses more of it (the second slot).
#[allow(dead_code)]
#[path = "../../tests/tests/pcscd/mod.rs"]
mod pcscd;

mod support;

use std::path::Path;
use std::process::Output;

use myna_jpki::virtual_card::VirtualCard;
use pcscd::{Pcscd, Slot};
use support::{await_listening, free_addr, hanako_card, ok, Myna, Service};

const ISSUER: &str = "https://vc.city.maebashi.example";

/// `myna ARGS` in `dir` with no `MYNA_*` variable of the test's environment, only `env`.
fn myna(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Myna::in_dir(dir).without_myna_env().envs(env).run(args)
}

/// A test CA, Hanako's card file, and 前橋市's issuer trusting that CA, serving on `addr`.
fn city(dir: &Path, addr: &str) -> Service {
    ok(&myna(
        dir,
        &["jpki", "test-ca", "init", "--dir", "testca"],
        &[],
    ));
    ok(&myna(dir, &hanako_card(), &[]));
    let pass = [("MYNA_ISSUER_PASSPHRASE", "passphrase of the city issuer")];
    ok(&myna(
        dir,
        &[
            "issuer",
            "init",
            "--data-dir",
            "city",
            "--municipality-code",
            "102016",
            "--prefecture",
            "群馬県",
            "--name",
            "前橋市",
            "--public-base-url",
            ISSUER,
            "--listen",
            addr,
            "--jpki-test-ca",
            "testca",
            "--token-dir",
            "city-tokens",
        ],
        &pass,
    ));
    ok(&myna(
        dir,
        &["issuer", "keys", "--data-dir", "city", "--out", "city.jwk"],
        &pass,
    ));
    let mut child = Myna::in_dir(dir)
        .envs(&pass)
        .args(["issuer", "serve", "--log-json", "--data-dir", "city"])
        .spawn();
    await_listening(&mut child);
    Service(child)
}

#[test]
fn a_wallet_anchors_through_a_real_pcsc_reader_and_a_locked_card_stays_refused() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let _server = city(dir.path(), &addr);
    let route = format!("{ISSUER}={addr}");
    let wallet_env = [
        ("MYNA_WALLET_PASSPHRASE", "passphrase of the wallet"),
        ("MYNA_INSECURE_LOOPBACK_HTTP", route.as_str()),
    ];
    ok(&myna(
        dir.path(),
        &["wallet", "--data-dir", "hanako", "init"],
        &wallet_env,
    ));

    let mut daemon = Pcscd::start().unwrap();
    let card = VirtualCard::from_file_json(&std::fs::read(dir.path().join("hanako.card")).unwrap())
        .unwrap();
    let inserted = daemon.insert(Slot::First, card).unwrap();
    let reader = daemon.reader(Slot::First).to_str().unwrap().to_owned();
    let anchor = |auth_pin: &str| {
        let mut env = wallet_env.to_vec();
        env.extend([
            ("MYNA_CARD_PIN", auth_pin),
            ("MYNA_CARD_SIGN_PIN", "HANAKO2027"),
        ]);
        myna(
            dir.path(),
            &[
                "wallet",
                "--data-dir",
                "hanako",
                "anchor",
                "--issuer",
                ISSUER,
                "--issuer-key",
                "city.jwk",
                "--reader",
                &reader,
                "--with-facts",
                "--offer-out",
                "hanako.offer",
            ],
            &env,
        )
    };

    // Through the reader: the card's certificates, its PIN, its two signatures.
    let printed = ok(&anchor("1234"));
    assert!(
        printed.contains(&format!("anchored at {ISSUER}")),
        "{printed}"
    );
    let offer = std::fs::read_to_string(dir.path().join("hanako.offer")).unwrap();
    let received = ok(&myna(
        dir.path(),
        &[
            "wallet",
            "--data-dir",
            "hanako",
            "receive",
            "--offer",
            offer.trim(),
            "--issuer-key",
            "city.jwk",
        ],
        &wallet_env,
    ));
    assert!(
        received.contains("urn:myna-vc:vct:resident:1"),
        "{received}"
    );
    assert!(received.contains("urn:myna-vc:vct:age:1"), "{received}");

    // Wrong PINs count down on the card behind the reader, then lock it; the right PIN is
    // refused after that, and the command says why.
    for _ in 0..3 {
        let wrong = anchor("9999");
        assert!(!wrong.status.success());
    }
    let locked = anchor("1234");
    let stderr = String::from_utf8_lossy(&locked.stderr);
    assert!(!locked.status.success(), "a locked card anchored");
    assert!(stderr.to_lowercase().contains("lock"), "{stderr}");
    let card = daemon.remove(inserted).unwrap();
    drop(card);
    drop(daemon.stop());
}

#[test]
fn naming_a_reader_that_does_not_exist_lists_the_readers_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = Pcscd::start().unwrap();
    let env = [("MYNA_WALLET_PASSPHRASE", "passphrase of the wallet")];
    ok(&myna(
        dir.path(),
        &["wallet", "--data-dir", "w", "init"],
        &env,
    ));
    std::fs::write(dir.path().join("key.jwk"), r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#).unwrap();
    let output = myna(
        dir.path(),
        &[
            "wallet",
            "--data-dir",
            "w",
            "anchor",
            "--issuer",
            ISSUER,
            "--issuer-key",
            "key.jwk",
            "--reader",
            "No Such Reader 00 00",
        ],
        &env,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    for known in daemon.reader_names() {
        assert!(stderr.contains(&known), "{known} not listed in: {stderr}");
    }
    drop(daemon.stop());
}
