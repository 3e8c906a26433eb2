//! Encrypted presentations with the `myna` binary alone, against a real `myna issuer serve`
//! and a real `myna verify serve`: the wallet answers the shop's `openid4vp://` link with
//! `present --post`, encrypted (`direct_post.jwt`, the service's default), and the counter
//! page's poll sees the decision; a plain answer to that request is refused with 400
//! `response_mode_downgrade`. Through the Digital Credentials API routes: the shop's page
//! asks for a request for its origin (another origin is refused), the wallet answers it
//! (`present --dc-api`, standing in for the browser), the page posts the answer and gets the
//! decision; an answer made for another origin is refused, and the same answer twice is too.
//! `myna verify check --dc-api-session` decides a DC API answer from a session kept as state:
//! accepted; refused when encrypted to another session's key or after the session expired.
#![cfg(test)]

mod support;

use std::path::Path;

use myna_verifier::core::oid4vp::Origin;
use myna_verifier::core::time::NumericDate;
use myna_verifier::dc_api::{DcApiOptions, DcApiSession};
use myna_verifier::policy::age::AgeCheck;
use serde_json::{json, Value};
use support::issuer::{myna, Issuer, OPERATOR, PASSPHRASE};
use support::{failed_cleanly, get_body, ok, trust_list_sign, Myna, AUTHORITY_INIT};

const ISSUER: &str = "https://vc.city.maebashi.example";
const SHOP: &str = "https://shop.example";
const AUDIENCE: &str = "x509_san_dns:shop.example";
const WALLET_PASSPHRASE: &str = "passphrase of the wallet";
const TOKEN: &str = "register-token-of-the-shop-0123456789";

/// The issuer, the shop's `myna verify serve` and the files both read, in one directory.
struct World {
    issuer: Issuer,
    shop: String,
    server: Option<support::Service>,
}

impl World {
    fn dir(&self) -> &Path {
        self.issuer.dir.path()
    }

    /// `myna wallet` on Hanako's wallet, reaching the issuer and the shop through the
    /// development switch.
    fn wallet(&self) -> Myna {
        let issuer = self.issuer.url.trim_start_matches("http://");
        Myna::in_dir(self.dir())
            .args(["wallet", "--data-dir", "hanako"])
            .env("MYNA_WALLET_PASSPHRASE", WALLET_PASSPHRASE)
            .env(
                "MYNA_INSECURE_LOOPBACK_HTTP",
                format!("{ISSUER}={issuer},{SHOP}={}", self.shop),
            )
    }

    fn client() -> reqwest::blocking::Client {
        reqwest::blocking::Client::new()
    }

    /// `POST /requests` with `body` and the register token: status and JSON.
    fn create(&self, body: &Value) -> (u16, Value) {
        let response = Self::client()
            .post(format!("http://{}/requests", self.shop))
            .bearer_auth(TOKEN)
            .json(body)
            .send()
            .unwrap();
        (response.status().as_u16(), response.json().unwrap())
    }

    /// A POST of `body` to `path` on the shop, with the register token: status and JSON.
    fn post(&self, path: &str, content_type: &str, body: String) -> (u16, Value) {
        let response = Self::client()
            .post(format!("http://{}{path}", self.shop))
            .bearer_auth(TOKEN)
            .header("content-type", content_type)
            .body(body)
            .send()
            .unwrap();
        (response.status().as_u16(), response.json().unwrap())
    }

    fn poll(&self, id: &str) -> (u16, Value) {
        let response = Self::client()
            .get(format!("http://{}/requests/{id}/decision", self.shop))
            .bearer_auth(TOKEN)
            .send()
            .unwrap();
        (response.status().as_u16(), response.json().unwrap())
    }

    /// The verifier's setup flags (trust list, authority key, status list, audience).
    fn setup(&self) -> Vec<String> {
        [
            "--trust-list",
            "trust-list.jwt",
            "--authority-key",
            "authority/authority.jwk",
            "--status-list",
            &format!("{ISSUER}=status.jwt"),
            "--audience",
            AUDIENCE,
        ]
        .iter()
        .map(ToString::to_string)
        .collect()
    }
}

/// The city issuer with Hanako's wallet holding its age credentials, a trust list naming it,
/// its status list, and the shop's service (age over 20, a counter page at the shop's origin,
/// a register token).
fn world() -> World {
    let temp = tempfile::tempdir().unwrap();
    let mut issuer = Issuer::init(temp, &[]);
    issuer.serve();
    let dir = issuer.dir.path().to_owned();
    let keys = || Myna::in_dir(&dir).env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE);
    keys().ok(&["issuer", "keys", "--data-dir", "city", "--out", "city.jwk"]);
    keys().ok(&[
        "issuer",
        "trust-entry",
        "--data-dir",
        "city",
        "--out",
        "city.entry",
    ]);
    std::fs::write(dir.join("authority.pass"), "passphrase of the authority\n").unwrap();
    ok(&myna(&dir, &AUTHORITY_INIT));
    ok(&myna(&dir, &trust_list_sign(&["city.entry"])));
    let facts = dir.join("age.json");
    std::fs::write(
        &facts,
        json!([{"credential": "age", "birthdate": "1990-05-01"}]).to_string(),
    )
    .unwrap();
    let offer = ok(&issuer.admin(
        OPERATOR,
        &["offer", "--facts", facts.to_str().unwrap(), "--no-pin"],
    ));
    let link = offer
        .lines()
        .find_map(|l| l.strip_prefix("offer link:"))
        .unwrap_or_else(|| panic!("no offer link in {offer}"))
        .trim()
        .to_owned();
    std::fs::write(dir.join("shop.token"), format!("{TOKEN}\n")).unwrap();
    let shop = support::free_addr();
    let mut world = World {
        issuer,
        shop: shop.clone(),
        server: None,
    };
    world.wallet().ok(&["init"]);
    let received = world
        .wallet()
        .ok(&["receive", "--offer", &link, "--issuer-key", "city.jwk"]);
    assert!(received.contains("urn:myna-vc:vct:age:1"), "{received}");
    std::fs::write(
        dir.join("status.jwt"),
        get_body(world.issuer.url.trim_start_matches("http://"), "/status/1"),
    )
    .unwrap();
    let mut args = vec!["verify".to_owned(), "serve".to_owned()];
    args.extend(world.setup());
    args.extend(
        [
            "--policy",
            "age-over-20",
            "--public-url",
            SHOP,
            "--listen",
            &shop,
            "--allow-origin",
            SHOP,
            "--register-token-file",
            "shop.token",
        ]
        .iter()
        .map(ToString::to_string),
    );
    let server = support::Service(Myna::in_dir(&dir).args(&args).spawn());
    let up = (0..200).any(|_| {
        std::net::TcpStream::connect(&shop).is_ok() || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            false
        }
    });
    assert!(up, "myna verify serve did not start on {shop}");
    world.server = Some(server);
    world
}

#[test]
fn encrypted_cross_device_and_dc_api_answers_end_to_end() {
    let world = world();

    // Cross-device: the link asks for direct_post.jwt; the wallet posts its answer encrypted.
    let (status, created) = world.create(&json!({"policy": "age-over-20"}));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["response_mode"], "direct_post.jwt");
    let id = created["request_id"].as_str().unwrap();
    assert_eq!(world.poll(id), (202, json!({"state": "pending"})));
    let link = created["authorization_request"].as_str().unwrap();
    let posted = world
        .wallet()
        .ok(&["present", "--request", link, "--yes", "--post"]);
    let answer_at = posted.find('{').unwrap_or_else(|| panic!("{posted}"));
    let decision: Value = serde_json::from_str(&posted[answer_at..]).unwrap();
    assert_eq!(decision["accepted"], true, "{decision}");
    assert_eq!(decision["credentials"][0]["claims"]["age_over_20"], true);
    assert_eq!(world.poll(id), (200, decision));

    // Printed instead of posted, the answer is encrypted too: no vp_token in sight.
    let (_, created) = world.create(&json!({"policy": "age-over-20"}));
    let link = created["authorization_request"].as_str().unwrap();
    let printed = world.wallet().ok(&["present", "--request", link, "--yes"]);
    assert!(
        printed.contains("OpenID4VP response (direct_post.jwt body):\nresponse="),
        "{printed}"
    );
    assert!(!printed.contains("vp_token"), "{printed}");

    // A plain answer to an encrypted request: 400, and the request is used up.
    let (_, created) = world.create(&json!({"policy": "age-over-20"}));
    let id = created["request_id"].as_str().unwrap();
    let plain = format!(
        "vp_token=%7B%22age%22%3A%5B%22x%7E%22%5D%7D&state={}",
        created["state"].as_str().unwrap()
    );
    let (status, refused) = world.post(
        &format!("/requests/{id}/response"),
        "application/x-www-form-urlencoded",
        plain,
    );
    assert_eq!(
        (status, &refused["error"]),
        (400, &json!("response_mode_downgrade"))
    );
    assert_eq!(world.poll(id).1["reason"], "response_mode_downgrade");

    // The DC API: a request for the page's own origin only.
    let (status, refused) = world
        .create(&json!({"policy": "age-over-20", "dc_api": {"origin": "https://evil.example"}}));
    assert_eq!(
        (status, &refused["error"]),
        (400, &json!("origin_not_allowed"))
    );
    let ask = json!({"policy": "age-over-20", "dc_api": {"origin": SHOP}});
    let (status, created) = world.create(&ask);
    assert_eq!(status, 201, "{created}");
    let id = created["request_id"].as_str().unwrap();
    std::fs::write(world.dir().join("dc.json"), created["dc_api"].to_string()).unwrap();
    let wrote = world.wallet().ok(&[
        "present",
        "--dc-api",
        "dc.json",
        "--origin",
        SHOP,
        "--dc-api-out",
        "dc-answer.json",
        "--yes",
    ]);
    assert!(
        wrote.contains("origin:https://shop.example will receive:"),
        "{wrote}"
    );
    let answer = std::fs::read_to_string(world.dir().join("dc-answer.json")).unwrap();
    let parsed: Value = serde_json::from_str(&answer).unwrap();
    assert!(parsed["data"]["response"].is_string(), "{parsed}");
    let route = format!("/requests/{id}/dc-api");
    let (status, decision) = world.post(&route, "application/json", answer.clone());
    assert_eq!(status, 200);
    assert_eq!(decision["accepted"], true, "{decision}");
    assert_eq!(world.poll(id), (200, decision));
    // The same answer again: refused.
    let (status, again) = world.post(&route, "application/json", answer);
    assert_eq!((status, &again["error"]), (404, &json!("unknown_request")));

    // An answer made at another origin (a page elsewhere relayed the shop's request).
    let (_, created) = world.create(&ask);
    let id = created["request_id"].as_str().unwrap();
    std::fs::write(world.dir().join("dc2.json"), created["dc_api"].to_string()).unwrap();
    world.wallet().ok(&[
        "present",
        "--dc-api",
        "dc2.json",
        "--origin",
        "https://evil.example",
        "--dc-api-out",
        "evil-answer.json",
        "--yes",
    ]);
    let evil = std::fs::read_to_string(world.dir().join("evil-answer.json")).unwrap();
    let (status, decision) =
        world.post(&format!("/requests/{id}/dc-api"), "application/json", evil);
    assert_eq!(status, 200);
    assert_eq!(decision["reason"], "not_bound_to_request", "{decision}");
}

#[test]
fn verify_check_decides_a_dc_api_answer_from_a_kept_session() {
    let world = world();
    let dir = world.dir();
    let now = NumericDate::from_unix(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    );
    // Two sessions as a shop's server keeps them; the wallet answers the first.
    let start = || {
        DcApiSession::start(
            &AgeCheck::over_20().unwrap(),
            Origin::parse(SHOP).unwrap(),
            &DcApiOptions::default(),
            now,
        )
        .unwrap()
    };
    let (shown, session) = start();
    let (_, other) = start();
    std::fs::write(dir.join("session.json"), session.to_state().as_bytes()).unwrap();
    std::fs::write(dir.join("other.json"), other.to_state().as_bytes()).unwrap();
    std::fs::write(dir.join("request.json"), shown.to_string()).unwrap();
    world.wallet().ok(&[
        "present",
        "--dc-api",
        "request.json",
        "--origin",
        SHOP,
        "--dc-api-out",
        "answer.json",
        "--yes",
    ]);
    let check = |session: &str, extra: &[&str]| {
        let mut args = vec!["verify".to_owned(), "check".to_owned()];
        args.extend(world.setup());
        args.extend(
            [
                "--policy",
                "age-over-20",
                "--json",
                "--dc-api-session",
                session,
            ]
            .iter()
            .map(ToString::to_string),
        );
        args.extend(extra.iter().map(ToString::to_string));
        args.push("answer.json".into());
        let out = Myna::in_dir(dir).run(&args);
        let decision: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{out:?}"));
        (out.status.success(), decision)
    };
    let (accepted, decision) = check("session.json", &[]);
    assert!(accepted, "{decision}");
    assert_eq!(decision["credentials"][0]["claims"]["age_over_20"], true);
    let (accepted, decision) = check("other.json", &[]);
    assert!(!accepted);
    assert_eq!(decision["reason"], "response_undecryptable", "{decision}");
    let late = (now.as_unix() + 301).to_string();
    let (accepted, decision) = check("session.json", &["--now", &late]);
    assert!(!accepted);
    assert_eq!(decision["reason"], "session_expired", "{decision}");
    // A session for another policy is a usage error, said plainly.
    let mut args = vec!["verify".to_owned(), "check".to_owned()];
    args.extend(world.setup());
    args.extend(
        [
            "--policy",
            "age-over-18",
            "--dc-api-session",
            "session.json",
            "answer.json",
        ]
        .iter()
        .map(ToString::to_string),
    );
    let refused = failed_cleanly(&Myna::in_dir(dir).run(&args));
    assert!(
        refused.contains("started for the policy `age-over-20`"),
        "{refused}"
    );
}

#[test]
fn the_new_flags_explain_themselves() {
    let serve = ok(&Myna::new().run(&["verify", "serve", "--help"]));
    assert!(serve.contains("--response-mode <MODE>"), "{serve}");
    assert!(serve.contains("direct_post.jwt"), "{serve}");
    let check = ok(&Myna::new().run(&["verify", "check", "--help"]));
    assert!(check.contains("--dc-api-session <FILE>"), "{check}");
    assert!(check.contains("response_undecryptable"), "{check}");
    let present = ok(&Myna::new().run(&["wallet", "present", "--help"]));
    assert!(
        present.contains("--dc-api <FILE>") && present.contains("--post"),
        "{present}"
    );
    let bad = failed_cleanly(&Myna::new().run(&[
        "verify",
        "serve",
        "--response-mode",
        "fragment",
        "--trust-list",
        "t",
        "--authority-key",
        "a",
        "--audience",
        AUDIENCE,
        "--policy",
        "age-over-20",
        "--public-url",
        SHOP,
    ]));
    assert!(
        bad.contains("direct_post.jwt (encrypted, HAIP) or direct_post"),
        "{bad}"
    );
}
