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

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use myna_jpki::virtual_card::VirtualCard;
use pcscd::{Pcscd, Slot};

const MYNA: &str = env!("CARGO_BIN_EXE_myna");
const ISSUER: &str = "https://vc.city.maebashi.example";

fn myna(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(MYNA);
    command.current_dir(dir).args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("MYNA_") {
            command.env_remove(key);
        }
    }
    command.envs(env.iter().copied()).output().unwrap()
}

fn ok(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// `myna issuer serve`, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A test CA, Hanako's card file, and 前橋市's issuer trusting that CA, serving on `addr`.
fn city(dir: &Path, addr: &str) -> Server {
    ok(&myna(
        dir,
        &["jpki", "test-ca", "init", "--dir", "testca"],
        &[],
    ));
    ok(&myna(
        dir,
        &[
            "jpki",
            "test-ca",
            "card",
            "--dir",
            "testca",
            "--out",
            "hanako.card",
            "--name",
            "前橋 花子",
            "--birth-date",
            "1990-05-01",
            "--sex",
            "female",
            "--address",
            "群馬県前橋市大手町二丁目12番1号",
            "--auth-pin",
            "1234",
            "--sign-pin",
            "HANAKO2027",
        ],
        &[],
    ));
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
    let mut child = Command::new(MYNA)
        .current_dir(dir)
        .args(["issuer", "serve", "--log-json", "--data-dir", "city"])
        .envs(pass)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut logs = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    logs.read_line(&mut first).unwrap();
    assert!(first.contains("issuer service listening"), "{first}");
    std::thread::spawn(move || for _ in logs.lines() {});
    Server(child)
}

#[test]
fn a_wallet_anchors_through_a_real_pcsc_reader_and_a_locked_card_stays_refused() {
    let dir = tempfile::tempdir().unwrap();
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
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
