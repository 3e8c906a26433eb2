//! `myna verify` as a user runs it: files on disk, one presentation, a decision on stdout —
//! as JSON with `--json` (a forum's pseudonym at `.pseudonym`), else for a person to read; the
//! in-person challenge `verify challenge` prints and `check --challenge` takes; the policies.
#![cfg(test)]

mod support;

use std::path::Path;

use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::compact;
use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::dcql::DcqlQuery;
use myna_verifier::core::sdjwt::KeyBinding;
use myna_verifier::core::sdjwt_vc::{
    CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct,
};
use myna_verifier::core::status_list::{
    Status, StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri, StatusReference,
};
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
use serde_json::Value;
use support::{credential, Myna};

const NOW: i64 = 1_795_222_800;
const ISS: &str = "did:web:city.kobe.example";
const AUD: &str = "x509_san_dns:shop.example";

fn myna(args: &[&str]) -> (bool, Value, String) {
    let out = Myna::new().run(args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        json,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Writes the trust list, the authority key, Kobe's status list (entry 3 revoked) and two
/// age-credential presentations (entries 2 and 3) bound to nonce `n-1`; returns Kobe's key.
fn files(dir: &Path) -> SecretKey {
    let p = default_provider();
    let now = NumericDate::from_unix(NOW);
    let (authority, kobe, holder) = (
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_p256().unwrap(),
    );
    let age = Vct::parse("urn:myna-vc:vct:age:1").unwrap();
    let trust = TrustList::new("jp", 1, now, now.plus_seconds(86_400))
        .with_issuer(
            TrustedIssuer::municipality(ISS, "神戸市", "281000".parse().unwrap())
                .with_key("k1", kobe.public_key())
                .allowing(age.clone())
                .allowing(Vct::parse(PSEUDONYM_VCT).unwrap()),
        )
        .sign(&*p.signer(&authority).unwrap())
        .unwrap();
    std::fs::write(dir.join("trust.jwt"), trust).unwrap();
    std::fs::write(
        dir.join("authority.jwk"),
        authority.public_key().to_jwk().to_string(),
    )
    .unwrap();
    let uri = StatusListUri::new("https://city.kobe.example/status/1").unwrap();
    let mut list = StatusList::new(StatusBits::Two, 64).unwrap();
    list.set(StatusIndex::new(3), Status::INVALID).unwrap();
    let token = StatusListToken::new(uri.clone(), now, list)
        .sign(&*p.signer(&kobe).unwrap(), Some("k1"))
        .unwrap();
    std::fs::write(dir.join("status.jwt"), token).unwrap();
    let ctype = CredentialType::new(age).claim(
        ClaimPath::key("age_over_20"),
        DisclosureRule::Selective,
        true,
    );
    let claims = serde_json::json!({"age_over_20": true});
    for index in [2u64, 3] {
        let credential = SdJwtVcIssuer::new(&*p.signer(&kobe).unwrap(), ISS)
            .with_kid("k1")
            .issue(&VcRequest {
                credential_type: &ctype,
                claims: claims.as_object().unwrap(),
                holder_key: &holder.public_key(),
                issued_at: now,
                expires_at: Some(now.plus_seconds(86_400)),
                status: Some(&StatusReference::new(StatusIndex::new(index), uri.clone())),
            })
            .unwrap();
        let presentation = credential
            .select(&[ClaimPath::key("age_over_20")])
            .unwrap()
            .bind(&KeyBinding {
                audience: AUD,
                nonce: "n-1",
                issued_at: now,
                signer: &*p.signer(&holder).unwrap(),
            })
            .unwrap()
            .to_string();
        std::fs::write(
            dir.join(format!("presentation-{index}.qr")),
            compact::encode(&presentation).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.join(format!("presentation-{index}.txt")), presentation).unwrap();
    }
    kobe
}

const PSEUDONYM_VCT: &str = "urn:myna-vc:vct:context-pseudonym:1";

/// A credential of Kobe's (`vct`, `claims`, no status entry) to a new holder, presented with
/// every claim disclosed, bound to `audience` and `nonce`.
fn present(kobe: &SecretKey, vct: &str, claims: &Value, audience: &str, nonce: &str) -> String {
    let holder = SecretKey::generate_p256().unwrap();
    let (ctype, paths) = credential::every_claim(vct, claims);
    let parties = credential::Parties {
        issuer_key: kobe,
        iss: ISS,
        holder: &holder,
    };
    let binding = credential::Binding {
        audience,
        nonce,
        at: NumericDate::from_unix(NOW),
    };
    credential::present(&parties, &ctype, claims, &paths, &binding)
}

/// `verify check` on the files of [`files`] as of `NOW`, with `args` after the setup.
fn check_with(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let mut all = vec![
        "verify".to_owned(),
        "check".into(),
        "--trust-list".into(),
        path("trust.jwt"),
        "--authority-key".into(),
        path("authority.jwk"),
        "--now".into(),
        NOW.to_string(),
    ];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    let out = Myna::new().run(&all);
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `verify challenge` with `args`: its one line of output.
fn challenge(args: &[&str]) -> String {
    let out = Myna::new().args(["verify", "challenge"]).run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    stdout.trim_end().to_owned()
}

#[test]
fn check_accepts_a_valid_presentation_and_explains_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    files(dir.path());
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let status = format!("{ISS}={}", path("status.jwt"));
    let now = NOW.to_string();
    let check = |file: &str, nonce: &str| {
        myna(&[
            "verify",
            "check",
            "--trust-list",
            &path("trust.jwt"),
            "--authority-key",
            &path("authority.jwk"),
            "--status-list",
            &status,
            "--audience",
            AUD,
            "--now",
            &now,
            "--policy",
            "age-over-20",
            "--nonce",
            nonce,
            "--json",
            &path(file),
        ])
    };
    let (ok, decision, _) = check("presentation-2.txt", "n-1");
    assert!(ok, "{decision}");
    assert_eq!(decision["accepted"], true);
    assert_eq!(decision["credentials"][0]["issuer_name"], "神戸市");

    // The same presentation as compact QR text (a separate run: a fresh replay guard).
    let (ok, decision, _) = check("presentation-2.qr", "n-1");
    assert!(ok, "{decision}");

    let (ok, decision, stderr) = check("presentation-3.txt", "n-1");
    assert!(!ok);
    assert_eq!(decision["reason"], "revoked");
    assert!(
        stderr.contains("発行元が証明書を失効させています。"),
        "{stderr}"
    );

    let (ok, decision, _) = check("presentation-2.txt", "n-2");
    assert!(!ok);
    assert_eq!(decision["reason"], "not_bound_to_request");

    std::fs::write(dir.path().join("garbage.txt"), [0xff, 0xfe, 0x00]).unwrap();
    let (ok, _, stderr) = check("garbage.txt", "n-1");
    assert!(!ok);
    assert!(stderr.contains("not UTF-8"), "{stderr}");
}

/// `check --lang` tells a refusal in Japanese and the language picked (Omura's residents from
/// abroad: "母国語で地域の情報が見られるようになった", `../shared/seeds/004_e867865de3ae606d.txt:115`),
/// in the JSON too beside `message_ja`/`message_en`; `verify reasons --lang` lists every reason;
/// a language the catalogue lacks is refused, not shown in English unasked.
#[test]
fn check_tells_the_reason_in_the_language_picked() {
    let dir = tempfile::tempdir().unwrap();
    files(dir.path());
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let status = format!("{ISS}={}", path("status.jwt"));
    let revoked = path("presentation-3.txt");
    let check = |extra: &[&str]| {
        let mut args = vec![
            "--status-list",
            &status,
            "--audience",
            AUD,
            "--policy",
            "age-over-20",
            "--nonce",
            "n-1",
        ];
        args.extend_from_slice(extra);
        args.push(&revoked);
        check_with(dir.path(), &args)
    };

    let (ok, stdout, stderr) = check(&["--lang", "vi"]);
    assert!(!ok);
    assert!(
        stdout.contains("発行元が証明書を失効させています。"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Nơi cấp đã thu hồi chứng nhận."),
        "{stdout}"
    );
    assert!(!stdout.contains("The issuer has revoked"), "{stdout}");
    assert!(
        stderr.contains("Nơi cấp đã thu hồi chứng nhận."),
        "{stderr}"
    );

    let (ok, stdout, _) = check(&["--lang", "ko", "--json"]);
    assert!(!ok);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["reason"], "revoked");
    assert_eq!(json["lang"], "ko");
    assert_eq!(json["message"], "발행처가 증명서를 폐지했습니다.");
    assert_eq!(json["message_en"], "The issuer has revoked the credential.");
    assert_eq!(json["message_ja"], "発行元が証明書を失効させています。");

    let (ok, stdout, _) = check(&["--lang", "zh-CN"]);
    assert!(!ok);
    assert!(stdout.contains("发行方已吊销该证书。"), "{stdout}");

    let (ok, _, stderr) = check(&["--lang", "fr"]);
    assert!(!ok);
    assert!(stderr.contains("unknown language `fr`"), "{stderr}");

    let out = Myna::new().run(&["verify", "reasons", "--lang", "pt-BR"]);
    assert!(out.status.success());
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(listed.lines().count() >= 40, "{listed}");
    let exhausted = listed
        .lines()
        .find(|l| l.starts_with("uses_exhausted "))
        .unwrap();
    assert!(
        exhausted.ends_with("この定期券・クーポンは利用回数の上限に達しています。 / O passe ou cupom não tem mais usos disponíveis."),
        "{exhausted}"
    );
}

#[test]
fn every_verify_subcommand_has_help() {
    for args in [
        vec!["verify", "--help"],
        vec!["verify", "check", "--help"],
        vec!["verify", "serve", "--help"],
        vec!["verify", "policies", "--help"],
        vec!["verify", "challenge", "--help"],
        vec!["verify", "reasons", "--help"],
    ] {
        let out = Myna::new().run(&args);
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .contains("Usage: myna verify"),
            "{args:?}"
        );
    }
    let (ok, _, _) = myna(&["verify", "policies"]);
    assert!(ok);
}

#[test]
fn a_shown_challenge_binds_the_answer_and_check_prints_the_decision_for_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let kobe = files(dir.path());
    let shown = challenge(&["--audience", AUD]);
    let parsed = compact::InPersonChallenge::parse(&shown).unwrap();
    assert_eq!(parsed.audience(), AUD);
    assert_ne!(
        challenge(&["--audience", AUD]),
        shown,
        "a fresh nonce each time"
    );

    let age = serde_json::json!({"age_over_20": true});
    let answer = present(
        &kobe,
        "urn:myna-vc:vct:age:1",
        &age,
        AUD,
        parsed.nonce().as_str(),
    );
    std::fs::write(dir.path().join("age.txt"), &answer).unwrap();
    let file = dir.path().join("age.txt");
    let file = file.to_str().unwrap();
    let check = |challenge: &str, json: bool| {
        let mut args = vec![
            "--audience",
            AUD,
            "--policy",
            "age-over-20",
            "--challenge",
            challenge,
        ];
        if json {
            args.push("--json");
        }
        args.push(file);
        check_with(dir.path(), &args)
    };
    let (ok, stdout, stderr) = check(&shown, false);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("✓ 受理 / accepted: age-over-20"),
        "{stdout}"
    );
    assert!(stdout.contains("age_over_20: true"), "{stdout}");
    assert!(stdout.contains("神戸市"), "{stdout}");
    let (ok, stdout, _) = check(&shown, true);
    assert!(ok);
    let decision: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(decision["accepted"], true);
    assert!(
        decision.get("pseudonym").is_none(),
        "no pseudonym credential"
    );

    // Another screen's challenge (another nonce): refused, the reason in both languages.
    let other = challenge(&["--audience", AUD]);
    let (ok, stdout, stderr) = check(&other, false);
    assert!(!ok);
    assert!(
        stdout.starts_with("✗ 拒否 / rejected: age-over-20"),
        "{stdout}"
    );
    assert!(stdout.contains("does not answer this request"), "{stdout}");
    assert!(
        stdout.contains("この要求への提示ではありません"),
        "{stdout}"
    );
    assert!(stderr.contains("rejected"), "{stderr}");
    // The challenge of another verifier (same nonce, another audience) is refused too.
    let elsewhere = shown.replace(AUD, "x509_san_dns:other.example");
    let (ok, stdout, stderr) = check(&elsewhere, true);
    assert!(!ok);
    assert!(stdout.is_empty(), "no decision: {stdout}");
    assert!(
        stderr.contains("--challenge names the verifier"),
        "{stderr}"
    );

    // Not a challenge, or a challenge and a nonce at once: refused with what to give.
    let (ok, _, stderr) = check("MV1:not-a-challenge", false);
    assert!(!ok);
    assert!(stderr.contains("MVC1:<nonce>:<audience>"), "{stderr}");
    let (ok, _, stderr) = check_with(
        dir.path(),
        &[
            "--audience",
            AUD,
            "--policy",
            "age-over-20",
            "--challenge",
            &shown,
            "--nonce",
            "n-1",
            file,
        ],
    );
    assert!(!ok);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn a_forum_challenge_writes_the_query_and_the_json_decision_carries_the_pseudonym() {
    let dir = tempfile::tempdir().unwrap();
    let kobe = files(dir.path());
    let forum = "x509_san_dns:forum.kobe.example";
    let policy = "once-per-person:kobe-forum:forum";
    let query_file = dir.path().join("forum-query.json");
    let shown = challenge(&[
        "--audience",
        forum,
        "--policy",
        policy,
        "--query-out",
        query_file.to_str().unwrap(),
    ]);
    let query = DcqlQuery::from_json(&std::fs::read(&query_file).unwrap()).unwrap();
    assert_eq!(query.credentials()[0].id().as_str(), "pseudonym");
    let parsed = compact::InPersonChallenge::parse(&shown).unwrap();
    // The challenge names the policy after one space, for the wallet to know what is asked.
    assert_eq!(parsed.policy().map(|p| p.as_str()), Some(policy));
    assert!(shown.ends_with(&format!(":{forum} {policy}")), "{shown}");

    let claims = serde_json::json!({"context": "kobe-forum", "pseudonym": "p-7Qx3"});
    let answer = present(
        &kobe,
        PSEUDONYM_VCT,
        &claims,
        forum,
        parsed.nonce().as_str(),
    );
    let file = dir.path().join("forum.txt");
    std::fs::write(&file, answer).unwrap();
    let (ok, stdout, stderr) = check_with(
        dir.path(),
        &[
            "--audience",
            forum,
            "--policy",
            policy,
            "--challenge",
            &shown,
            "--json",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok, "{stdout}{stderr}");
    let decision: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        decision["pseudonym"], "p-7Qx3",
        "jq -r .pseudonym: {decision}"
    );
    assert_eq!(decision["context"], "kobe-forum");

    // --query-out needs the policy; an unknown policy is refused before any challenge.
    for args in [
        vec![
            "verify",
            "challenge",
            "--audience",
            forum,
            "--query-out",
            "q.json",
        ],
        vec![
            "verify",
            "challenge",
            "--audience",
            forum,
            "--policy",
            "age-over-99",
        ],
        vec!["verify", "challenge", "--audience", "shop with spaces"],
    ] {
        let out = Myna::in_dir(dir.path()).run(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: no challenge printed");
    }
}

#[test]
fn policies_list_age_over_65_and_it_decides_on_the_flag() {
    let (ok, _, _) = myna(&["verify", "policies"]);
    assert!(ok);
    let out = Myna::new().run(&["verify", "policies"]);
    let listed = String::from_utf8(out.stdout).unwrap();
    for spec in ["age-over-18", "age-over-20", "age-over-65"] {
        assert!(
            listed
                .lines()
                .any(|l| l.split_whitespace().next() == Some(spec)),
            "{spec}: {listed}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let kobe = files(dir.path());
    for (senior, accepted) in [(true, true), (false, false)] {
        let claims = serde_json::json!({"age_over_65": senior});
        let answer = present(&kobe, "urn:myna-vc:vct:age:1", &claims, AUD, "n-65");
        let file = dir.path().join("senior.txt");
        std::fs::write(&file, answer).unwrap();
        let (ok, stdout, _) = check_with(
            dir.path(),
            &[
                "--audience",
                AUD,
                "--policy",
                "age-over-65",
                "--nonce",
                "n-65",
                "--json",
                file.to_str().unwrap(),
            ],
        );
        let decision: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(ok, accepted, "{decision}");
        if !accepted {
            assert_eq!(decision["reason"], "under_age");
        }
    }
}

/// `myna verify serve` over the files of [`files`], with `extra` arguments.
fn serve_args(dir: &Path, listen: &str, extra: &[&str]) -> Vec<String> {
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let mut args: Vec<String> = [
        "verify",
        "serve",
        "--trust-list",
        &path("trust.jwt"),
        "--authority-key",
        &path("authority.jwk"),
        "--audience",
        AUD,
        "--now",
        &NOW.to_string(),
        "--policy",
        "age-over-20",
        "--public-url",
        "https://shop.example",
        "--listen",
        listen,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    args.extend(extra.iter().map(ToString::to_string));
    args
}

/// `myna verify serve` with `extra` arguments on a free port, which must refuse to start:
/// what it said on standard error.
fn serve_refused(dir: &Path, extra: &[&str]) -> String {
    let args = serve_args(dir, &support::free_addr(), extra);
    support::failed_cleanly(&Myna::new().run(&args))
}

/// `myna verify serve ARGS` listening on `listen`, once it accepts a connection (a bounded
/// wait, not a timing assertion).
fn serve(args: &[String], listen: &str) -> support::Service {
    let server = support::Service(Myna::new().args(args).spawn());
    let up = (0..200).any(|_| {
        std::net::TcpStream::connect(listen).is_ok() || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            false
        }
    });
    assert!(up, "myna verify serve did not start on {listen}");
    server
}

#[test]
fn serve_refuses_a_missing_or_short_register_token_file() {
    let dir = tempfile::tempdir().unwrap();
    files(dir.path());
    let missing = dir.path().join("no-such.token");
    let missing = missing.to_str().unwrap();
    let stderr = serve_refused(dir.path(), &["--register-token-file", missing]);
    assert!(stderr.contains("--register-token-file"), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot read the register token file {missing}")),
        "{stderr}"
    );

    let short = dir.path().join("short.token");
    std::fs::write(&short, "only-twenty-characte\n").unwrap();
    let stderr = serve_refused(
        dir.path(),
        &["--register-token-file", short.to_str().unwrap()],
    );
    assert!(stderr.contains("--register-token-file"), "{stderr}");
    assert!(
        stderr.contains("the register token has 20 characters; it needs at least 32"),
        "{stderr}"
    );
}

#[test]
fn serve_with_a_register_token_creates_requests_only_for_its_holder() {
    const TOKEN: &str = "9Xq2-register-token-of-shop-1-Lm7Pz";
    let dir = tempfile::tempdir().unwrap();
    files(dir.path());
    let token_file = dir.path().join("register.token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let listen = support::free_addr();
    let args = serve_args(
        dir.path(),
        &listen,
        &["--register-token-file", token_file.to_str().unwrap()],
    );
    let _server = serve(&args, &listen);
    let client = reqwest::blocking::Client::new();
    let create = |authorization: Option<String>| {
        let mut request = client
            .post(format!("http://{listen}/requests"))
            .json(&serde_json::json!({"policy": "age-over-20"}));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send().unwrap()
    };
    let refused = create(None);
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["www-authenticate"], "Bearer");
    let body: Value = refused.json().unwrap();
    assert_eq!(body["error"], "invalid_token", "{body}");
    assert_eq!(create(Some(format!("Bearer {TOKEN}x"))).status(), 401);
    let created = create(Some(format!("Bearer {TOKEN}")));
    assert_eq!(created.status(), 201);
    let body: Value = created.json().unwrap();
    assert_eq!(body["policy"], "age-over-20", "{body}");
}

#[test]
fn serve_refuses_an_origin_that_is_not_exact_and_a_roster_without_its_token() {
    let dir = tempfile::tempdir().unwrap();
    files(dir.path());
    for bad in [
        "https://counter.example/",
        "counter.example",
        "https://counter.example:443",
    ] {
        let stderr = serve_refused(dir.path(), &["--allow-origin", bad]);
        assert!(stderr.contains("--allow-origin"), "{stderr}");
        assert!(stderr.contains("not an exact web origin"), "{stderr}");
    }
    let roster = dir.path().join("roster.redb");
    let stderr = serve_refused(dir.path(), &["--roster", roster.to_str().unwrap()]);
    assert!(stderr.contains("--roster-token-file"), "{stderr}");
    assert!(
        !roster.exists(),
        "nothing is created before the arguments are whole"
    );
}

#[test]
fn serve_keeps_the_hq_roster_for_an_allowed_counter_origin() {
    const TOKEN: &str = "hq-roster-token-0123456789-abcdefghij";
    const COUNTER: &str = "http://127.0.0.1:5173";
    let dir = tempfile::tempdir().unwrap();
    files(dir.path());
    let token_file = dir.path().join("roster.token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let roster = dir.path().join("roster.redb");
    let listen = support::free_addr();
    // An HQ that verifies nothing itself: no --policy.
    let mut args = serve_args(
        dir.path(),
        &listen,
        &[
            "--roster",
            roster.to_str().unwrap(),
            "--roster-token-file",
            token_file.to_str().unwrap(),
            "--allow-origin",
            COUNTER,
        ],
    );
    let at = args.iter().position(|a| a == "--policy").unwrap();
    args.drain(at..at + 2);
    let _server = serve(&args, &listen);
    let holder = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    let entry = serde_json::json!({
        "entry_id": myna_verifier::roster::RosterEntry::id_for("kobe-chuo-01", ISS, holder),
        "shelter_id": "kobe-chuo-01", "municipality_code": "281000", "name": "神戸　太郎",
        "birthdate": "1990-05-01", "issuer": ISS, "holder": holder, "checked_in_at": NOW,
    });
    let client = reqwest::blocking::Client::new();
    let sync = || {
        client
            .post(format!("http://{listen}/roster"))
            .header("origin", COUNTER)
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({ "entries": [entry] }))
            .send()
            .unwrap()
    };
    let first = sync();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["access-control-allow-origin"], COUNTER);
    let body: Value = first.json().unwrap();
    assert_eq!(body, serde_json::json!({"stored": 1, "duplicates": 0}));
    let again: Value = sync().json().unwrap();
    assert_eq!(again, serde_json::json!({"stored": 0, "duplicates": 1}));
    let summary = client
        .get(format!("http://{listen}/roster/summary"))
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    let summary: Value = summary.json().unwrap();
    assert_eq!(
        summary,
        serde_json::json!({"shelters": [{"shelter_id": "kobe-chuo-01", "checked_in": 1}]})
    );
    let anonymous = client
        .get(format!("http://{listen}/roster/summary"))
        .send()
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
