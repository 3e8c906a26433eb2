//! `myna wallet` as the product: real issuers only, errors with their causes, and help for
//! every subcommand; against a local `myna issuer serve` reached through the development
//! switch: transport errors by cause, `list --json`, history in JST, `present --challenge`,
//! `--out`, the age thresholds held, and an undeliverable answer that uses nothing up; the
//! shared passphrase rules. (The README's first run, which anchors at the demo issuer, is the demo
//! crate's test: demo/tests/wallet.rs.)
#![cfg(test)]

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;

use support::issuer::operator_token;
use support::{await_listening, failed_cleanly, free_port, ok, stderr, Myna, Service};

const PASSPHRASE: &str = "a long test passphrase";

/// `myna wallet` on the wallet in `dir`, opened with `passphrase`.
fn myna_wallet(dir: &Path, passphrase: &str) -> Myna {
    Myna::new()
        .arg("wallet")
        .env("MYNA_WALLET_DIR", dir)
        .env("MYNA_WALLET_PASSPHRASE", passphrase)
}

#[test]
fn anchoring_without_card_reader_support_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = myna_wallet(dir.path(), PASSPHRASE).run(&[
        "anchor",
        "--issuer",
        "https://city.maebashi.example",
        "--issuer-key",
        "city.jwk",
        "--reader",
        "ACS ACR39U",
    ]);
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
    let anchor = myna_wallet(dir.path(), PASSPHRASE).run(&["anchor", "--virtual-card"]);
    assert!(!anchor.status.success());
    assert!(String::from_utf8_lossy(&anchor.stderr).contains("--virtual-card"));
    let receive = myna_wallet(dir.path(), PASSPHRASE).run(&["receive", "--offer", "x"]);
    assert!(String::from_utf8_lossy(&receive.stderr).contains("--issuer-key"));
    let consent = myna_wallet(dir.path(), PASSPHRASE).run(&["consent", "withdraw", "c-1"]);
    assert!(String::from_utf8_lossy(&consent.stderr).contains("--registry"));
    assert!(!dir.path().join("demo-issuer").exists());
}

#[test]
fn errors_show_their_causes() {
    let dir = tempfile::tempdir().unwrap();
    let out = myna_wallet(dir.path(), PASSPHRASE).run(&["import", "--in", "no-such-backup.myna"]);
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
        vec!["pseudonym", "--help"],
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
        let help = myna_wallet(dir.path(), PASSPHRASE).ok(&args);
        assert!(help.contains("Usage: myna wallet"), "{args:?}: {help}");
        assert!(help.lines().count() > 4, "{args:?} says too little: {help}");
    }
}

// ---------------------------------------------------------------------------------------------
// Against a local issuer: `myna issuer serve` on loopback, reached under its https identifier
// through the development switch.

const ISSUER: &str = "https://vc.city.maebashi.example";
const ISSUER_PASSPHRASE: &str = "passphrase of the city issuer";

/// `myna issuer serve`, stopped when dropped.
struct LocalIssuer {
    _server: Service,
    port: u16,
    operator: String,
    /// The issuer's public key as a JWK file.
    key: PathBuf,
    _dir: tempfile::TempDir,
}

impl LocalIssuer {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("city");
        let port = free_port();
        let init = Myna::new()
            .args(["issuer", "init", "--municipality-code", "102016"])
            .args(["--prefecture", "群馬県", "--name", "前橋市"])
            .args(["--public-base-url", ISSUER])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&data)
            .env("MYNA_ISSUER_PASSPHRASE", ISSUER_PASSPHRASE)
            .output();
        let stdout = ok(&init);
        let operator = operator_token(&stdout);
        let mut child = Myna::new()
            .args(["issuer", "serve", "--log-json", "--data-dir"])
            .arg(&data)
            .env("MYNA_ISSUER_PASSPHRASE", ISSUER_PASSPHRASE)
            .spawn();
        await_listening(&mut child);
        let issuer = LocalIssuer {
            _server: Service(child),
            port,
            operator,
            key: dir.path().join("city.jwk"),
            _dir: dir,
        };
        let (_, metadata) = issuer.http("GET", "/.well-known/jwt-vc-issuer", None, None);
        let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
        let mut jwk = metadata["jwks"]["keys"][0].clone();
        jwk.as_object_mut().unwrap().remove("kid");
        std::fs::write(&issuer.key, jwk.to_string()).unwrap();
        issuer
    }

    /// One HTTP/1.1 request to the service: status and body.
    fn http(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let body = body.map(ToString::to_string).unwrap_or_default();
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap();
        (status, body)
    }

    /// An operator's offer of the age credential for someone born on 1990-05-01: the link.
    fn age_offer(&self) -> String {
        let body = serde_json::json!({"tx_code": false,
            "credentials": [{"credential": "age", "birthdate": "1990-05-01"}]});
        let (status, created) =
            self.http("POST", "/admin/offers", Some(&self.operator), Some(&body));
        assert_eq!(status, 201, "{created}");
        let created: serde_json::Value = serde_json::from_str(&created).unwrap();
        created["credential_offer_uri"].as_str().unwrap().to_owned()
    }

    fn switch(&self) -> String {
        format!("{ISSUER}=127.0.0.1:{}", self.port)
    }
}

/// `myna wallet args…` with the development switch to `issuer` in the environment.
fn myna_via(issuer: &LocalIssuer, dir: &Path, args: &[&str]) -> Output {
    myna_wallet(dir, PASSPHRASE)
        .env("MYNA_INSECURE_LOOPBACK_HTTP", issuer.switch())
        .run(args)
}

/// Both streams of a run that must have succeeded.
fn succeeded(out: Output) -> (String, String) {
    (ok(&out), stderr(&out))
}

/// The age credentials' `fresh` count in `list --json`.
fn fresh_age(dir: &Path) -> u64 {
    let listed: serde_json::Value =
        serde_json::from_str(&myna_wallet(dir, PASSPHRASE).ok(&["list", "--json"])).unwrap();
    listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["vct"] == "urn:myna-vc:vct:age:1")
        .map(|e| e["fresh"].as_u64().unwrap())
        .unwrap()
}

/// A wallet in `home` holding a batch of age credentials from `issuer`.
fn stocked(issuer: &LocalIssuer, home: &Path) -> PathBuf {
    let dir = home.join("hanako");
    myna_wallet(&dir, PASSPHRASE).ok(&["init"]);
    let offer = issuer.age_offer();
    let key = issuer.key.to_str().unwrap();
    let (stdout, stderr) = succeeded(myna_via(
        issuer,
        &dir,
        &["receive", "--offer", &offer, "--issuer-key", key],
    ));
    assert!(stdout.contains("× urn:myna-vc:vct:age:1"), "{stdout}");
    // The switch says so on every run.
    assert!(
        stderr.contains("WARNING: insecure development switch in effect"),
        "{stderr}"
    );
    assert!(
        stderr.contains("go unencrypted to http://127.0.0.1:"),
        "{stderr}"
    );
    dir
}

#[test]
fn a_local_issuer_is_reached_only_through_the_named_switch_with_causes_named() {
    let issuer = LocalIssuer::start();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("w");
    myna_wallet(&dir, PASSPHRASE).ok(&["init"]);
    let offer = issuer.age_offer();
    let key = issuer.key.to_str().unwrap();
    let receive = ["receive", "--offer", offer.as_str(), "--issuer-key", key];

    // Without the switch the https identifier is looked up (and is not on the network).
    let dns = failed_cleanly(&myna_wallet(&dir, PASSPHRASE).run(&receive));
    assert!(
        dns.contains("vc.city.maebashi.example was not found (DNS)"),
        "{dns}"
    );
    assert!(!dns.contains("WARNING"), "{dns}");
    // The switch to a port where nothing listens: connection refused, said as such.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let refused = failed_cleanly(
        &Myna::new()
            .arg("wallet")
            .args(receive)
            .args(["--insecure-loopback-http", &format!("{ISSUER}={closed}")])
            .env("MYNA_WALLET_DIR", &dir)
            .env("MYNA_WALLET_PASSPHRASE", PASSPHRASE)
            .output(),
    );
    assert!(refused.contains("connection refused"), "{refused}");
    assert!(
        refused.contains("WARNING: insecure development switch"),
        "{refused}"
    );
    // A switch to an address off this machine is refused before anything is sent.
    let off = failed_cleanly(
        &Myna::new()
            .arg("wallet")
            .args(receive)
            .args([
                "--insecure-loopback-http",
                &format!("{ISSUER}=192.0.2.1:80"),
            ])
            .env("MYNA_WALLET_DIR", &dir)
            .env("MYNA_WALLET_PASSPHRASE", PASSPHRASE)
            .output(),
    );
    assert!(off.contains("not a loopback address"), "{off}");
    // An explicit flag wins over the variable: the environment's route is not used.
    let flag_wins = failed_cleanly(
        &Myna::new()
            .arg("wallet")
            .args(receive)
            .args(["--insecure-loopback-http", &format!("{ISSUER}={closed}")])
            .env("MYNA_WALLET_DIR", &dir)
            .env("MYNA_WALLET_PASSPHRASE", PASSPHRASE)
            .env("MYNA_INSECURE_LOOPBACK_HTTP", issuer.switch())
            .output(),
    );
    assert!(flag_wins.contains("connection refused"), "{flag_wins}");

    // With the switch the offer is redeemed (it was never used above: nothing got through).
    let (stdout, stderr) = succeeded(myna_via(&issuer, &dir, &receive));
    assert!(
        stdout.starts_with("received ") && stdout.contains(" × urn:myna-vc:vct:age:1"),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "requests for {ISSUER} go unencrypted to http://127.0.0.1:{}",
            issuer.port
        )),
        "{stderr}"
    );
    // The same code again: the issuer's OAuth error, with the HTTP status.
    let used = failed_cleanly(&myna_via(&issuer, &dir, &receive));
    assert!(used.contains("HTTP 400, invalid_grant"), "{used}");

    // A private CA file that is not a certificate is refused with the file named.
    let bogus = home.path().join("ca.pem");
    std::fs::write(&bogus, "not a certificate").unwrap();
    let bad_ca = failed_cleanly(&myna_via(
        &issuer,
        &dir,
        &[
            "receive",
            "--offer",
            &offer,
            "--issuer-key",
            key,
            "--ca-cert",
            bogus.to_str().unwrap(),
        ],
    ));
    assert!(bad_ca.contains("--ca-cert"), "{bad_ca}");
    assert!(bad_ca.contains("CA certificate"), "{bad_ca}");

    // No anchor at the city: the pseudonym command says to anchor first, before any request.
    let pseudonym = failed_cleanly(&myna_via(
        &issuer,
        &dir,
        &[
            "pseudonym",
            "--issuer",
            ISSUER,
            "--issuer-key",
            key,
            "--context",
            "maebashi-forum",
        ],
    ));
    assert!(
        pseudonym.contains("not anchored at https://vc.city.maebashi.example"),
        "{pseudonym}"
    );
    assert!(
        pseudonym.contains("myna wallet anchor --issuer"),
        "{pseudonym}"
    );
}

#[test]
fn list_json_history_in_jst_and_age_thresholds_held() {
    let issuer = LocalIssuer::start();
    let home = tempfile::tempdir().unwrap();
    let dir = stocked(&issuer, home.path());

    let listed: serde_json::Value =
        serde_json::from_str(&myna_wallet(&dir, PASSPHRASE).ok(&["list", "--json"])).unwrap();
    let entries = listed.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{listed}");
    let age = &entries[0];
    assert_eq!(age["vct"], "urn:myna-vc:vct:age:1");
    assert_eq!(age["issuer"], ISSUER);
    assert_eq!(age["configuration_id"], "age");
    let batch = age["total"].as_u64().unwrap();
    assert!(batch > 1, "{listed}");
    assert_eq!(age["fresh"], batch);
    assert_eq!(age["shown_to"], serde_json::json!([]));
    assert_eq!(age["stale"], serde_json::json!([]));
    assert_eq!(age["refill"], false);

    // Only the thresholds the credentials carry; the refusal lists them.
    let challenge = "MVC1:n-0S6_WzA2Mj:x509_san_dns:shop.example";
    let refused = failed_cleanly(&myna_wallet(&dir, PASSPHRASE).run(&[
        "present",
        "--challenge",
        challenge,
        "--age-over",
        "21",
        "--yes",
    ]));
    assert!(
        refused.contains(
            "--age-over 21: your age credentials answer only --age-over 4, 15, 18, 20, 65"
        ),
        "{refused}"
    );
    assert_eq!(fresh_age(&dir), batch);

    // The challenge as one argument, the QR text to a file.
    let qr = home.path().join("age.qr");
    let shown = myna_wallet(&dir, PASSPHRASE).ok(&[
        "present",
        "--challenge",
        challenge,
        "--age-over",
        "20",
        "--yes",
        "--out",
        qr.to_str().unwrap(),
    ]);
    assert!(
        shown.contains("x509_san_dns:shop.example will receive:"),
        "{shown}"
    );
    assert!(shown.contains(r#"["age_over_20"] = true"#), "{shown}");
    assert!(shown.contains("wrote the compact QR form to"), "{shown}");
    assert!(
        !shown.contains("vp_token"),
        "the answer went to the file: {shown}"
    );
    let text = std::fs::read_to_string(&qr).unwrap();
    assert!(text.starts_with("MV1:") && text.ends_with('\n') && text.lines().count() == 1);
    let listed: serde_json::Value =
        serde_json::from_str(&myna_wallet(&dir, PASSPHRASE).ok(&["list", "--json"])).unwrap();
    assert_eq!(listed[0]["fresh"], batch - 1);
    assert_eq!(
        listed[0]["shown_to"],
        serde_json::json!(["x509_san_dns:shop.example"])
    );

    // A bad challenge text is refused with what it should look like.
    let bad = failed_cleanly(&myna_wallet(&dir, PASSPHRASE).run(&[
        "present",
        "--challenge",
        "n-0S6_WzA2Mj:shop",
        "--age-over",
        "20",
        "--yes",
    ]));
    assert!(bad.contains("MVC1:<nonce>:<audience>"), "{bad}");

    // A challenge naming the verifier's policy says what to present: no flag needed.
    let asking = "MVC1:n-1S6_WzA2Mj:x509_san_dns:shop.example age-over-20";
    let shown = myna_wallet(&dir, PASSPHRASE).ok(&["present", "--challenge", asking, "--yes"]);
    assert!(shown.contains(r#"["age_over_20"] = true"#), "{shown}");
    assert!(shown.contains("compact"), "{shown}");
    // The same shop saw a copy already, so that copy serves again: no fresh one used.
    assert_eq!(fresh_age(&dir), batch - 1);
    // Without a policy or a flag, or with a policy this wallet does not know: refused, and
    // nothing is used.
    for (text, expected) in [
        (challenge, "does not say what the verifier asks"),
        (
            "MVC1:n-2S6_WzA2Mj:x509_san_dns:shop.example age-over-99",
            "the policy `age-over-99`",
        ),
    ] {
        let refused = failed_cleanly(&myna_wallet(&dir, PASSPHRASE).run(&[
            "present",
            "--challenge",
            text,
            "--yes",
        ]));
        assert!(refused.contains(expected), "{refused}");
    }
    assert_eq!(fresh_age(&dir), batch - 1);

    // History in JST, to the minute.
    let history = myna_wallet(&dir, PASSPHRASE).ok(&["history"]);
    let dated: Vec<&str> = history.lines().filter(|l| l.contains("JST")).collect();
    assert!(dated.len() >= 2, "{history}");
    for line in &dated {
        let mut words = line.split_whitespace();
        let (_seq, date, time, zone) = (
            words.next(),
            words.next().unwrap(),
            words.next().unwrap(),
            words.next(),
        );
        assert_eq!(zone, Some("JST"), "{line}");
        assert!(
            date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
            "{line}"
        );
        assert!(time.len() == 5 && time.as_bytes()[2] == b':', "{line}");
    }
    assert!(
        history.contains("presented [\"age_over_20\"] to x509_san_dns:shop.example"),
        "{history}"
    );
}

#[test]
fn an_answer_that_cannot_be_delivered_uses_no_credential() {
    let issuer = LocalIssuer::start();
    let home = tempfile::tempdir().unwrap();
    let dir = stocked(&issuer, home.path());
    let batch = fresh_age(&dir);
    let present = [
        "present",
        "--challenge",
        "MVC1:n-0S6_WzA2Mj:x509_san_dns:shop.example",
        "--age-over",
        "20",
        "--yes",
    ];

    // Standard output already closed (`… | head` that has exited).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Myna::new()
        .arg("wallet")
        .args(present)
        .env("MYNA_WALLET_DIR", &dir)
        .env("MYNA_WALLET_PASSPHRASE", PASSPHRASE)
        .stdout(writer)
        .output();
    let stderr = failed_cleanly(&out);
    assert!(stderr.contains("standard output was closed"), "{stderr}");
    assert!(stderr.contains("no credential was used"), "{stderr}");
    assert_eq!(fresh_age(&dir), batch);

    // The QR file cannot be written (a directory is in the way): nothing used either.
    let blocked = home.path().join("blocked");
    std::fs::create_dir(&blocked).unwrap();
    let mut args = present.to_vec();
    args.extend(["--out", blocked.to_str().unwrap()]);
    let stderr = failed_cleanly(&myna_wallet(&dir, PASSPHRASE).run(&args));
    assert!(stderr.contains("nothing was presented"), "{stderr}");
    assert_eq!(fresh_age(&dir), batch);
    assert!(!myna_wallet(&dir, PASSPHRASE)
        .ok(&["history"])
        .contains("presented"));

    // Delivered in full (the OpenID4VP body and the QR text): now one is used.
    let shown = myna_wallet(&dir, PASSPHRASE).ok(&present);
    assert!(shown.contains("vp_token="), "{shown}");
    assert!(shown.lines().any(|l| l.starts_with("MV1:")), "{shown}");
    assert_eq!(fresh_age(&dir), batch - 1);
}

#[test]
fn a_new_passphrase_has_the_shared_minimum_length() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w");
    let short = myna_wallet(&wallet, "elevenchars").run(&["init"]);
    let stderr = failed_cleanly(&short);
    assert!(
        stderr.contains("at least 12 characters (it has 11)"),
        "{stderr}"
    );
    assert!(!wallet.join("wallet.redb").exists(), "nothing was created");
    assert!(myna_wallet(&wallet, "twelve chars")
        .run(&["init"])
        .status
        .success());

    // The issuer's key file follows the same rule.
    let issuer = Myna::new()
        .args([
            "issuer",
            "init",
            "--municipality-code",
            "102016",
            "--name",
            "前橋市",
        ])
        .args([
            "--public-base-url",
            "https://vc.city.maebashi.example",
            "--data-dir",
        ])
        .arg(dir.path().join("city"))
        .env("MYNA_ISSUER_PASSPHRASE", "elevenchars")
        .output();
    let stderr = failed_cleanly(&issuer);
    assert!(stderr.contains("at least 12 characters"), "{stderr}");
    assert!(!dir.path().join("city").join("keys.json").exists());
}

#[test]
fn a_passphrase_flag_wins_over_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w");
    myna_wallet(&wallet, PASSPHRASE).ok(&["init"]);
    let file = dir.path().join("wallet.pass");
    std::fs::write(&file, format!("{PASSPHRASE}\n")).unwrap();
    // The environment holds a wrong passphrase; the file on the command line wins.
    let listed = myna_wallet(&wallet, "not the passphrase at all").run(&[
        "list",
        "--passphrase-file",
        file.to_str().unwrap(),
    ]);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    // Without the flag the environment is used (and is wrong).
    let stderr = failed_cleanly(&myna_wallet(&wallet, "not the passphrase at all").run(&["list"]));
    assert!(stderr.contains("wrong passphrase"), "{stderr}");
    // A passphrase file the environment names comes after the passphrase variable.
    let wrong_file = dir.path().join("wrong.pass");
    std::fs::write(&wrong_file, "not the passphrase at all\n").unwrap();
    let out = Myna::new()
        .args(["wallet", "list"])
        .env("MYNA_WALLET_DIR", &wallet)
        .env("MYNA_WALLET_PASSPHRASE", PASSPHRASE)
        .env("MYNA_WALLET_PASSPHRASE_FILE", &wrong_file)
        .output();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The issuer's --passphrase beats a passphrase file named in its environment.
    let short_file = dir.path().join("short.pass");
    std::fs::write(&short_file, "short\n").unwrap();
    let issuer = Myna::new()
        .args([
            "issuer",
            "init",
            "--municipality-code",
            "102016",
            "--name",
            "前橋市",
        ])
        .args(["--public-base-url", "https://vc.city.maebashi.example"])
        .args([
            "--passphrase",
            "passphrase of the city issuer",
            "--data-dir",
        ])
        .arg(dir.path().join("city"))
        .env_remove("MYNA_ISSUER_PASSPHRASE")
        .env("MYNA_ISSUER_PASSPHRASE_FILE", &short_file)
        .output();
    assert!(
        issuer.status.success(),
        "{}",
        String::from_utf8_lossy(&issuer.stderr)
    );
}

#[test]
fn an_unreadable_wallet_file_says_cannot_read_not_init_first() {
    let dir = tempfile::tempdir().unwrap();
    let missing = failed_cleanly(&myna_wallet(&dir.path().join("none"), PASSPHRASE).run(&["list"]));
    assert!(
        missing.contains("run `myna wallet init` first"),
        "{missing}"
    );

    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("wallet.redb"), b"not a redb file at all").unwrap();
    let stderr = failed_cleanly(&myna_wallet(&broken, PASSPHRASE).run(&["list"]));
    assert!(stderr.contains("cannot read the wallet file"), "{stderr}");
    assert!(!stderr.contains("init"), "{stderr}");
    // And `init` does not overwrite it.
    let stderr = failed_cleanly(&myna_wallet(&broken, PASSPHRASE).run(&["init"]));
    assert!(stderr.contains("already holds a wallet"), "{stderr}");
}
