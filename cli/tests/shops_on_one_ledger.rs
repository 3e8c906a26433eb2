//! Two shops of a fan-club sale, each its own `myna verify serve` process, on one PostgreSQL
//! ledger (`--database-url` from `MYNA_DATABASE_URL`, `--database-schema`): a member who
//! bought at shop 1 is refused at shop 2 and told why; a hundred attempts of another member
//! at the same instant, split across the two processes, buy exactly once. Two processes of
//! one gate share the replay guard: a code accepted by one is a replay at the other. The
//! password of the database URL shows in no log and no error; a URL with `--ledger` is
//! refused.
//!
//! The sale's registers drive the services as a counter does: `POST /requests` for the
//! in-person challenge, then the wallet's compact answer (membership, age and pseudonym under
//! one holder key, each bound to the challenge) to `POST /requests/{id}/compact`.
#![cfg(test)]

mod support;

use std::io::BufRead;
use std::path::Path;
use std::sync::Barrier;

use myna_postgres::testing::{fresh_schema, URL_VAR};
use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::compact::{self, InPersonChallenge};
use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::sdjwt::{KeyBinding, SdJwt};
use myna_verifier::core::sdjwt_vc::{
    CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct,
};
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::trust_list::{TrustList, TrustedIssuer};
use reqwest::blocking::Client;
use serde_json::{json, Value};
use support::Myna;

const NOW: i64 = 1_795_222_800;
const KOBE: &str = "did:web:city.kobe.example";
const DMO: &str = "https://izu-dmo.example";
const CLUB: &str = "izu-fan-club";
const SALE: &str = "izu-limited-sake-2026";

/// One credential to issue: its type, the claims (all selectively disclosable) and issuer.
struct Spec {
    vct: &'static str,
    claims: Value,
    from_dmo: bool,
}

/// The sale's issuers (Kobe: age and pseudonym; the club's DMO: membership) in a signed
/// trust list, with the authority's key, in `dir`.
struct Issuers {
    kobe: SecretKey,
    dmo: SecretKey,
}

const AGE_VCT: &str = "urn:myna-vc:vct:age:1";
const PSEUDONYM_VCT: &str = "urn:myna-vc:vct:context-pseudonym:1";
const MEMBERSHIP_VCT: &str = "urn:myna-vc:vct:fan-club-membership:1";

impl Issuers {
    fn write(dir: &Path) -> Issuers {
        let p = default_provider();
        let now = NumericDate::from_unix(NOW);
        let (authority, kobe, dmo) = (
            SecretKey::generate_p256().unwrap(),
            SecretKey::generate_p256().unwrap(),
            SecretKey::generate_p256().unwrap(),
        );
        let vct = |v: &str| Vct::parse(v).unwrap();
        let trust = TrustList::new("jp", 1, now, now.plus_seconds(86_400))
            .with_issuer(
                TrustedIssuer::municipality(KOBE, "神戸市", "281000".parse().unwrap())
                    .with_key("k1", kobe.public_key())
                    .allowing(vct(AGE_VCT))
                    .allowing(vct(PSEUDONYM_VCT)),
            )
            .with_issuer(
                TrustedIssuer::operator(DMO, "伊豆ファンクラブ")
                    .with_key("k1", dmo.public_key())
                    .allowing(vct(MEMBERSHIP_VCT)),
            )
            .sign(&*p.signer(&authority).unwrap())
            .unwrap();
        std::fs::write(dir.join("trust.jwt"), trust).unwrap();
        let jwk = authority.public_key().to_jwk().to_string();
        std::fs::write(dir.join("authority.jwk"), jwk).unwrap();
        Issuers { kobe, dmo }
    }

    fn issue(&self, spec: &Spec, holder: &SecretKey) -> (SdJwt, Vec<ClaimPath>) {
        let p = default_provider();
        let paths: Vec<ClaimPath> = spec
            .claims
            .as_object()
            .unwrap()
            .keys()
            .map(ClaimPath::key)
            .collect();
        let ctype = paths.iter().fold(
            CredentialType::new(Vct::parse(spec.vct).unwrap()),
            |ctype, path| ctype.claim(path.clone(), DisclosureRule::Selective, true),
        );
        let (key, iss) = match spec.from_dmo {
            true => (&self.dmo, DMO),
            false => (&self.kobe, KOBE),
        };
        let now = NumericDate::from_unix(NOW);
        let credential = SdJwtVcIssuer::new(&*p.signer(key).unwrap(), iss)
            .with_kid("k1")
            .issue(&VcRequest {
                credential_type: &ctype,
                claims: spec.claims.as_object().unwrap(),
                holder_key: &holder.public_key(),
                issued_at: now,
                expires_at: Some(now.plus_seconds(86_400)),
                status: None,
            })
            .unwrap();
        (credential, paths)
    }
}

/// An adult member of the club with the sale's pseudonym `pseudonym`: three credentials
/// bound to one holder key.
struct Member {
    holder: SecretKey,
    credentials: Vec<(SdJwt, Vec<ClaimPath>)>,
}

impl Member {
    fn new(issuers: &Issuers, number: &str, pseudonym: &str) -> Member {
        let holder = SecretKey::generate_p256().unwrap();
        let specs = [
            Spec {
                vct: MEMBERSHIP_VCT,
                claims: json!({"club_id": CLUB, "member_number": number}),
                from_dmo: true,
            },
            Spec {
                vct: AGE_VCT,
                claims: json!({"age_over_20": true}),
                from_dmo: false,
            },
            Spec {
                vct: PSEUDONYM_VCT,
                claims: json!({"context": SALE, "pseudonym": pseudonym}),
                from_dmo: false,
            },
        ];
        let credentials = specs.iter().map(|s| issuers.issue(s, &holder)).collect();
        Member {
            holder,
            credentials,
        }
    }

    /// The wallet's compact answer to the shown challenge: one `MV1:` text per credential.
    fn answer(&self, shown: &str) -> String {
        let texts: Vec<String> = (0..self.credentials.len())
            .map(|i| self.bound(i, shown))
            .collect();
        texts.join("\n")
    }

    /// The `MV1:` text of credential `i` (0 membership, 1 age, 2 pseudonym) bound to the
    /// shown challenge.
    fn bound(&self, i: usize, shown: &str) -> String {
        let p = default_provider();
        let challenge = InPersonChallenge::parse(shown).unwrap();
        let (credential, paths) = &self.credentials[i];
        let bound = credential
            .select(paths)
            .unwrap()
            .bind(&KeyBinding {
                audience: challenge.audience(),
                nonce: challenge.nonce().as_str(),
                issued_at: NumericDate::from_unix(NOW),
                signer: &*p.signer(&self.holder).unwrap(),
            })
            .unwrap();
        compact::encode(&bound.to_string()).unwrap()
    }
}

/// One shop's `myna verify serve` on the shared ledger, and what it logged while starting.
struct Shop {
    listen: String,
    startup_log: Vec<String>,
    _server: support::Service,
}

const POLICY: &str = "fan-club-sale-izu-limited-sake-2026";

impl Shop {
    fn args(dir: &Path, shop: &str, listen: &str) -> Vec<String> {
        let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
        [
            "verify",
            "serve",
            "--trust-list",
            &path("trust.jwt"),
            "--authority-key",
            &path("authority.jwk"),
            "--audience",
            &format!("x509_san_dns:{shop}.example"),
            "--public-url",
            &format!("https://{shop}.example"),
            "--now",
            &NOW.to_string(),
            "--policy",
            &format!("fan-club:{CLUB}:{SALE}:{shop}"),
            "--listen",
            listen,
            // The test is one client making a hundred requests at once.
            "--rate-per-client",
            "1000",
            "--burst-per-client",
            "1000",
        ]
        .iter()
        .map(ToString::to_string)
        .collect()
    }

    /// Starts `shop` with the database URL in `MYNA_DATABASE_URL` and `extra` arguments; reads
    /// its log until it listens, then keeps draining it.
    fn start(dir: &Path, shop: &str, url: &str, extra: &[&str]) -> Shop {
        let listen = support::free_addr();
        let mut child = Myna::new()
            .env("MYNA_DATABASE_URL", url)
            .args(Self::args(dir, shop, &listen))
            .args(extra)
            .spawn();
        let mut log = std::io::BufReader::new(child.stdout.take().unwrap());
        let server = support::Service(child);
        let mut startup_log = Vec::new();
        loop {
            let mut line = String::new();
            let read = log.read_line(&mut line).unwrap();
            assert!(read > 0, "{shop} stopped while starting: {startup_log:?}");
            let listening = line.contains("verifier service listening");
            startup_log.push(line);
            if listening {
                break;
            }
        }
        // The log pipe must not fill up while the shop serves.
        std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
        Shop {
            listen,
            startup_log,
            _server: server,
        }
    }

    /// `POST /requests` for the sale: the request id and the in-person challenge to show.
    fn open_request(&self, client: &Client) -> (String, String) {
        let created = client
            .post(format!("http://{}/requests", self.listen))
            .json(&json!({ "policy": POLICY }))
            .send()
            .unwrap();
        assert_eq!(created.status(), 201);
        let body: Value = created.json().unwrap();
        (
            body["request_id"].as_str().unwrap().to_owned(),
            body["in_person_challenge"].as_str().unwrap().to_owned(),
        )
    }

    /// The decision on `answer` to request `id`.
    fn decide(&self, client: &Client, id: &str, answer: String) -> Value {
        let decided = client
            .post(format!("http://{}/requests/{id}/compact", self.listen))
            .body(answer)
            .send()
            .unwrap();
        assert_eq!(decided.status(), 200);
        decided.json().unwrap()
    }

    /// One whole purchase attempt by `member`.
    fn buy(&self, client: &Client, member: &Member) -> Value {
        let (id, shown) = self.open_request(client);
        self.decide(client, &id, member.answer(&shown))
    }
}

/// The test cluster's URL (with its password) and a fresh schema in it, or `None` when no
/// cluster is given and none is required.
fn database() -> Option<(String, String)> {
    let config = fresh_schema()?;
    let url = std::env::var(URL_VAR).unwrap();
    Some((url, config.schema.unwrap().to_string()))
}

#[test]
fn two_shops_on_one_database_sell_once_per_person_even_at_the_same_instant() {
    let Some((url, schema)) = database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let issuers = Issuers::write(dir.path());
    let on_schema = ["--database-schema", schema.as_str()];
    let shops = [
        Shop::start(dir.path(), "shop1", &url, &on_schema),
        Shop::start(dir.path(), "shop2", &url, &on_schema),
    ];
    let shown: myna_postgres::DatabaseUrl = url.parse().unwrap();
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(user, _)| user.split_once(':'))
        .map(|(_, password)| password)
        .unwrap();
    for shop in &shops {
        let log = shop.startup_log.concat();
        assert!(
            log.contains("redemption ledger and replay guard in PostgreSQL"),
            "{log}"
        );
        assert!(log.contains(&shown.to_string()), "{log}");
        assert!(!log.contains(password), "the log shows the password: {log}");
    }
    let client = Client::new();

    let hanako = Member::new(&issuers, "IZU-0815", "p-hanako-7Qx3");
    let bought = shops[0].buy(&client, &hanako);
    assert_eq!(bought["accepted"], true, "{bought}");
    let again = shops[1].buy(&client, &hanako);
    assert_eq!(again["accepted"], false, "{again}");
    assert_eq!(again["reason"], "already_redeemed", "{again}");
    assert_eq!(
        again["message_en"], "This person has already purchased in this sale.",
        "{again}"
    );
    assert_eq!(again["credential"], "pseudonym", "{again}");

    // Another member tries a hundred times at once, half at each shop: every request is
    // opened and every answer made first, then all are sent together.
    let taro = Member::new(&issuers, "IZU-4711", "p-taro-Lm7P");
    let attempts: Vec<(&Shop, String, String)> = (0..100)
        .map(|i| {
            let shop = &shops[i % 2];
            let (id, shown) = shop.open_request(&client);
            (shop, id, taro.answer(&shown))
        })
        .collect();
    let start = Barrier::new(attempts.len());
    let decisions: Vec<Value> = std::thread::scope(|scope| {
        let running: Vec<_> = attempts
            .into_iter()
            .map(|(shop, id, answer)| {
                let (client, start) = (&client, &start);
                scope.spawn(move || {
                    start.wait();
                    shop.decide(client, &id, answer)
                })
            })
            .collect();
        running.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let accepted = decisions.iter().filter(|d| d["accepted"] == true).count();
    let redeemed = decisions
        .iter()
        .filter(|d| d["accepted"] == false && d["reason"] == "already_redeemed")
        .count();
    assert_eq!((accepted, redeemed), (1, 99), "{decisions:?}");
}

#[test]
fn two_gates_of_one_fleet_refuse_a_presentation_replayed_at_the_other() {
    let Some((url, schema)) = database() else {
        return;
    };
    const GATE: &str = "did:web:city.kobe.example:gate:3";
    let dir = tempfile::tempdir().unwrap();
    let issuers = Issuers::write(dir.path());
    let key_file = dir.path().join("gate.key");
    let key = myna_verifier::core::b64::encode([7u8; 32]);
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    let gate = [
        "--database-schema",
        schema.as_str(),
        "--policy",
        "age-over-20",
        "--gate-id",
        GATE,
        "--gate-key",
        key_file.to_str().unwrap(),
    ];
    // One gate's id and key, served by two processes (two turnstiles of one entrance).
    let west = Shop::start(dir.path(), "west", &url, &gate);
    let east = Shop::start(dir.path(), "east", &url, &gate);
    let client = Client::new();
    let shown: Value = client
        .get(format!("http://{}/gate/challenge", west.listen))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let shown = shown["challenge"].as_str().unwrap();
    let hanako = Member::new(&issuers, "IZU-0815", "p-hanako-7Qx3");
    let age = hanako.bound(1, shown);
    let pass = |at: &Shop| -> Value {
        client
            .post(format!("http://{}/gate/age-over-20", at.listen))
            .body(age.clone())
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let first = pass(&west);
    assert_eq!(first["accepted"], true, "{first}");
    // The same code shown to the other turnstile (a photo of it, passed back over the fence).
    let replayed = pass(&east);
    assert_eq!(replayed["accepted"], false, "{replayed}");
    assert_eq!(replayed["reason"], "replayed", "{replayed}");
}

#[test]
fn a_wrong_password_stops_the_shop_without_showing_it() {
    let Some((url, schema)) = database() else {
        return;
    };
    const WRONG: &str = "not-the-Pw-3f9Qk";
    let shown: myna_postgres::DatabaseUrl = url.parse().unwrap();
    let shown = shown.to_string();
    let (user, rest) = shown.split_once('@').unwrap();
    let wrong = format!("{user}:{WRONG}@{rest}");
    let dir = tempfile::tempdir().unwrap();
    Issuers::write(dir.path());
    let listen = support::free_addr();
    let out = Myna::new()
        .env("MYNA_DATABASE_URL", &wrong)
        .args(Shop::args(dir.path(), "shop1", &listen))
        .run(&["--database-schema", &schema]);
    let stderr = support::failed_cleanly(&out);
    assert!(stderr.contains("--database-url"), "{stderr}");
    assert!(stderr.contains(&shown), "names the server: {stderr}");
    assert!(
        stderr.contains("password authentication failed"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stderr.contains(WRONG) && !stdout.contains(WRONG),
        "{stderr}{stdout}"
    );
}

#[test]
fn a_database_and_a_ledger_file_together_are_refused_and_the_url_is_never_echoed() {
    const SECRET: &str = "hunter2-Zx9";
    let dir = tempfile::tempdir().unwrap();
    Issuers::write(dir.path());
    let ledger = dir.path().join("sale.redb");
    let args = Shop::args(dir.path(), "shop1", &support::free_addr());
    let url = format!("postgres://shops:{SECRET}@127.0.0.1:9/myna");
    // From the flag and from the environment alike.
    let both = [
        Myna::new().args(&args).run(&[
            "--ledger",
            ledger.to_str().unwrap(),
            "--database-url",
            &url,
        ]),
        Myna::new()
            .env("MYNA_DATABASE_URL", &url)
            .args(&args)
            .run(&["--ledger", ledger.to_str().unwrap()]),
    ];
    for out in both {
        let stderr = support::failed_cleanly(&out);
        assert!(
            stderr.contains("'--ledger <FILE>' cannot be used with '--database-url <URL>'"),
            "{stderr}"
        );
        assert!(!stderr.contains(SECRET), "{stderr}");
    }
    assert!(
        !ledger.exists(),
        "nothing is opened before the arguments are whole"
    );
    // A URL that does not parse is refused by its flag, not quoted.
    let out = Myna::new().args(&args).run(&[
        "--database-url",
        &format!("postgres://shops:{SECRET}@[127.0.0.1/myna"),
    ]);
    let stderr = support::failed_cleanly(&out);
    assert!(stderr.contains("--database-url"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
    // --database-schema needs a database; the help says where the URL comes from.
    let out = Myna::new()
        .env_remove("MYNA_DATABASE_URL")
        .args(&args)
        .run(&["--database-schema", "izu_sale"]);
    assert!(support::failed_cleanly(&out).contains("--database-url"));
    let help = Myna::new()
        .env("MYNA_DATABASE_URL", &url)
        .ok(&["verify", "serve", "--help"]);
    assert!(help.contains("[env: MYNA_DATABASE_URL]"), "{help}");
    assert!(!help.contains(SECRET), "{help}");
}
