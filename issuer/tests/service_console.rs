//! The staff console's side of the issuer over loopback: the admin routes it uses (each with
//! every role: allowed → works, another role → 403, no token → 401 before the body), offers
//! with a QR code and a dry run that names fields but never echoes values, batch letters from
//! a CSV (dry run, one batch at a time, progress, printable letters), escrow openings listed
//! with their trustees, audit filters, consent counts, and the console's own files under a
//! strict Content-Security-Policy (and the trustee package from a directory, nothing outside
//! it).
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use std::path::Path;

use card_fixture::{World, MAEBASHI, TAKASAKI};
use myna_issuer::escrow::SealedLink;
use myna_issuer::service::config::ServiceConfig;
use myna_issuer::service::{console, qr};
use myna_vc_core::consent::{ConsentAction, ConsentActionRequest, ConsentRecord, ConsentUse};
use myna_vc_core::crypto::{SecretKey, Signer};
use myna_vc_core::did::DidKey;
use myna_vc_core::oid4vci::OfferLink;
use serde_json::{json, Value};
use service_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CSV: &str = "text/csv";
const JSON: &str = "application/json";

/// Sends `head` (a request head without its final blank line) on a fresh connection and
/// returns what the server answers until it closes (at most 2 minutes: a broken server fails
/// the test instead of hanging it).
async fn raw(server: &Server, head: &str) -> String {
    let authority = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let request = format!("{head}\r\nHost: {authority}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0; 12];
    tokio::time::timeout(
        std::time::Duration::from_secs(120),
        stream.read_exact(&mut answer),
    )
    .await
    .unwrap_or_else(|_| panic!("no answer to {head}"))
    .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// A route the console uses: method, path, content type and body of a request that works
/// for an allowed role, the tokens allowed, and the status they get.
struct Route {
    post: bool,
    path: String,
    content_type: &'static str,
    body: String,
    allowed: Vec<String>,
    forbidden: Vec<String>,
    works: u16,
}

fn console_routes(admins: &Admins) -> Vec<Route> {
    let operator = admins.operator.clone();
    let officer = admins.officer.clone();
    let trustee = admins.trustees[0].0.clone();
    let route = |post: bool, path: &str, allowed: &[&String], forbidden: &[&String], works| Route {
        post,
        path: path.to_owned(),
        content_type: JSON,
        body: String::new(),
        allowed: allowed.iter().map(|t| (*t).clone()).collect(),
        forbidden: forbidden.iter().map(|t| (*t).clone()).collect(),
        works,
    };
    let offer = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let csv = format!(
        "row_id,name,address,birthdate,credentials\nx1,前橋　花子,{MAEBASHI},1990-05-05,age\n"
    );
    vec![
        route(
            false,
            "/admin/session",
            &[&operator, &officer, &trustee],
            &[],
            200,
        ),
        Route {
            body: offer.to_string(),
            ..route(
                true,
                "/admin/offers?dry_run=true",
                &[&operator],
                &[&officer, &trustee],
                200,
            )
        },
        Route {
            body: offer.to_string(),
            ..route(
                true,
                "/admin/offers",
                &[&operator],
                &[&officer, &trustee],
                201,
            )
        },
        Route {
            content_type: CSV,
            body: csv,
            ..route(
                true,
                "/admin/batches?dry_run=true",
                &[&operator],
                &[&officer, &trustee],
                200,
            )
        },
        route(
            false,
            "/admin/batches",
            &[&operator],
            &[&officer, &trustee],
            200,
        ),
        route(
            false,
            "/admin/batches/0123456789abcdef",
            &[&operator],
            &[&officer, &trustee],
            404,
        ),
        route(
            false,
            "/admin/batches/0123456789abcdef/letters",
            &[&operator],
            &[&officer, &trustee],
            404,
        ),
        route(
            false,
            "/admin/batches/0123456789abcdef/letters.jsonl",
            &[&operator],
            &[&officer, &trustee],
            404,
        ),
        route(
            false,
            "/admin/escrow/openings",
            &[&operator, &trustee],
            &[&officer],
            200,
        ),
        route(
            false,
            "/admin/audit?action=offer.created&actor=op-1",
            &[&operator],
            &[&officer, &trustee],
            200,
        ),
        route(
            false,
            "/admin/consents/summary",
            &[&operator],
            &[&officer, &trustee],
            200,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_console_route_works_for_its_roles_and_refuses_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    for route in console_routes(&admins) {
        let call = |token: Option<String>| {
            let route = &route;
            let server = &server;
            async move {
                if route.post {
                    post(
                        server,
                        &route.path,
                        token.as_deref(),
                        route.content_type,
                        route.body.clone(),
                    )
                    .await
                } else {
                    get(server, &route.path, token.as_deref()).await
                }
            }
        };
        let missing = call(None).await;
        assert_eq!(
            missing.headers()["www-authenticate"],
            "Bearer",
            "{}",
            route.path
        );
        assert_error(missing, 401, "invalid_token").await;
        assert_error(call(Some("not-a-token".into())).await, 401, "invalid_token").await;
        for token in &route.forbidden {
            assert_error(call(Some(token.clone())).await, 403, "insufficient_scope").await;
        }
        for token in &route.allowed {
            let answer = call(Some(token.clone())).await;
            assert!(
                answer
                    .headers()
                    .get("access-control-allow-origin")
                    .is_none(),
                "no CORS on admin routes"
            );
            assert!(
                answer.headers().get("set-cookie").is_none(),
                "no cookie, ever"
            );
            let (status, body) = json(answer).await;
            assert_eq!(status, route.works, "{}: {body}", route.path);
        }
    }
    server.stop().await;
}

/// The token is checked before the body is read: a request with an unknown token (or one of
/// another role) that announces a large body and sends none of it is answered 401 (403) at once (were the body read
/// first, the server would wait for it until the request timed out). `/credential` does the
/// same with an access token it never gave out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_refused_before_the_body_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    for (path, content_type) in [
        ("/admin/offers?dry_run=true", JSON),
        ("/admin/batches", CSV),
        ("/admin/batches?dry_run=true", CSV),
        ("/credential", JSON),
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nAuthorization: Bearer not-a-token\r\n\
             Content-Type: {content_type}\r\nContent-Length: 1000000"
        );
        assert_eq!(raw(&server, &head).await, "HTTP/1.1 401", "{path}");
    }
    // A known token of a role the route does not admit is refused (403) before the body too.
    for (path, content_type, token) in [
        ("/admin/offers", JSON, &admins.officer),
        ("/admin/batches", CSV, &admins.officer),
        ("/admin/subjects/revoke", JSON, &admins.operator),
        ("/admin/crl", "application/pkix-crl", &admins.trustees[0].0),
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: {content_type}\r\nContent-Length: 1000000"
        );
        assert_eq!(raw(&server, &head).await, "HTTP/1.1 403", "{path}");
    }
    // And a body over the limit with a wrong token is 401, not 413.
    let big = vec![b'{'; 200 * 1024];
    assert_error(
        post(&server, "/credential", Some("not-a-token"), JSON, big).await,
        401,
        "invalid_token",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_says_who_signed_in_and_what_the_issuer_is() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let mut config = admins.config();
    config.name_en = Some("Maebashi City".into());
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    let cases = [
        (&admins.operator, "op-1", "operator"),
        (&admins.officer, "officer-1", "revocation_officer"),
        (&admins.trustees[1].0, "court", "trustee"),
    ];
    for (token, name, role) in cases {
        let (status, session) = json(get(&server, "/admin/session", Some(token)).await).await;
        assert_eq!(status, 200, "{session}");
        assert_eq!(
            (session["name"].as_str(), session["role"].as_str()),
            (Some(name), Some(role))
        );
        assert_eq!(session["issuer"]["id"], "https://city.maebashi.example");
        assert_eq!(session["issuer"]["name"], "前橋市");
        assert_eq!(session["issuer"]["name_en"], "Maebashi City");
        assert_eq!(session["issuer"]["municipality_code"], "102016");
        let credentials = session["issuer"]["credentials"].as_array().unwrap();
        assert!(credentials.contains(&json!("resident")) && credentials.contains(&json!("age")));
        assert_eq!(
            session["escrow"],
            json!({"threshold": 2, "trustees": ["city-council", "court"]})
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_carries_its_qr_code_and_its_subject_which_revokes_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let body = json!({"credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let offer = staff_offer(&server, &admins.operator, &body).await;
    let uri = offer["credential_offer_uri"].as_str().unwrap();
    let svg = offer["qr_svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg ") && svg.contains(r#"role="img""#) && svg.contains("<title>"));
    assert_eq!(
        svg,
        qr::svg(
            uri,
            "証明書受け取り用QRコード / QR code to receive the credential"
        )
        .unwrap()
    );
    let subject = offer["subject"].as_str().unwrap();
    assert_eq!(
        myna_vc_core::b64::decode(subject, "subject").unwrap().len(),
        32
    );

    // The wallet redeems it; the subject then names the person to revoke.
    let wallet = Wallet::new(&server);
    let token = wallet
        .access_token(&offer["credential_offer"], offer["tx_code"].as_str())
        .await;
    wallet
        .credentials(&token, "age", &[&*signer()], START)
        .await;
    let revoke = json!({"subject": subject, "reason": "holder_request"});
    let (status, revoked) = json(
        admin_post(
            &server,
            "/admin/subjects/revoke",
            Some(&admins.officer),
            &revoke,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, revoked["changed"].as_u64()),
        (200, Some(1)),
        "{revoked}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_offer_names_each_problem_by_credential_and_field_without_the_values() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let chain = || async {
        let (_, log) = json(get(&server, "/admin/audit", Some(&admins.operator)).await).await;
        log["chain_length"].as_u64().unwrap()
    };
    let before = chain().await;
    let dry = |body: Value| {
        let server = &server;
        let token = admins.operator.clone();
        async move {
            let (status, answer) = json(
                post(
                    server,
                    "/admin/offers?dry_run=true",
                    Some(&token),
                    JSON,
                    body.to_string(),
                )
                .await,
            )
            .await;
            assert_eq!(status, 200, "{answer}");
            answer
        }
    };
    let good = json!({"tx_code": true, "credentials": [
        {"credential": "resident", "name": "前橋　花子", "address": MAEBASHI, "birthdate": "1990-05-05"},
        {"credential": "age", "birthdate": "1990-05-05"}]});
    assert_eq!(dry(good).await, json!({"valid": true}));

    let bad = json!({"credentials": [
        {"credential": "resident", "name": "高崎　次郎", "address": TAKASAKI, "birthdate": "1990-05-05"},
        {"credential": "age", "birthdate": "1990-13-45"},
        {"credential": "resident", "address": MAEBASHI, "birthdate": "1990-05-05"},
        {"credential": "age", "birthdate": "2990-01-01", "shoe_size": "27"},
        {"credential": "passport"},
        {"credential": "age", "birthdate": "2990-01-01"}]});
    let answer = dry(bad).await;
    assert_eq!(answer["valid"], false);
    let problems: Vec<(Option<u64>, Option<&str>, &str)> = answer["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["credential"].as_u64(),
                p["field"].as_str(),
                p["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            (Some(0), Some("address"), "outside_municipality"),
            (Some(1), Some("birthdate"), "invalid_date"),
            (Some(2), Some("name"), "missing"),
            (Some(3), Some("shoe_size"), "unknown_field"),
            (Some(4), Some("credential"), "unknown_credential"),
            (Some(5), Some("birthdate"), "in_future"),
        ]
    );
    let text = answer.to_string();
    for value in ["高崎市", "高崎　次郎", "1990-13-45", "2990", "27"] {
        assert!(!text.contains(value), "{value} echoed: {text}");
    }
    for problem in answer["problems"].as_array().unwrap() {
        assert!(!problem["message_ja"].as_str().unwrap().is_empty());
        assert!(!problem["message_en"].as_str().unwrap().is_empty());
    }
    let whole = dry(json!({"credentials": [], "colour": "red", "subject": "x"})).await;
    let codes: Vec<&str> = whole["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["unknown_field", "invalid_subject", "no_credentials"]
    );
    assert_eq!(chain().await, before, "a dry run makes and audits nothing");
    server.stop().await;
}

/// Reads the file's Unix mode bits.
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_letters_from_a_csv_run_one_at_a_time_and_print_one_letter_per_offer() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let op = Some(admins.operator.as_str());
    let csv = format!(
        "\u{feff}row_id,name,address,birthdate,credentials,tx_code\n\
         r1,前橋　花子,{MAEBASHI},1990-05-05,resident age,true\n\
         r2,\"前橋, 太郎\",{MAEBASHI},1985-01-01,age,false\n\
         r3,高崎　次郎,{TAKASAKI},1990-05-05,resident,\n\
         r4,前橋　四郎,{MAEBASHI},1990-05-05,passport,\n\
         r5,前橋　五郎,{MAEBASHI},2990-01-01,age,true\n\
         r6,前橋　六郎\n\
         r1,前橋　花子,{MAEBASHI},1990-05-05,age,true\n"
    );
    let expected_rejected = json!([[4, "r3"], [5, "r4"], [6, "r5"], [7, "r6"], [8, "r1"]]);
    let rejected_lines = |rejected: &Value| {
        Value::Array(
            rejected
                .as_array()
                .unwrap()
                .iter()
                .map(|r| json!([r["line"], r["row_id"]]))
                .collect(),
        )
    };
    let chain = || async {
        let (_, log) = json(get(&server, "/admin/audit", op).await).await;
        log["chain_length"].as_u64().unwrap()
    };

    // The dry run: every row checked, nothing made.
    let before = chain().await;
    let (status, dry) =
        json(post(&server, "/admin/batches?dry_run=true", op, CSV, csv.clone()).await).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(
        (dry["rows"].as_u64(), dry["valid"].as_u64()),
        (Some(7), Some(2)),
        "{dry}"
    );
    assert_eq!(rejected_lines(&dry["rejected"]), expected_rejected, "{dry}");
    for value in ["高崎", "passport", "2990"] {
        assert!(
            !dry["rejected"].to_string().contains(value),
            "{value} echoed: {dry}"
        );
    }
    assert_eq!(chain().await, before, "a dry run makes and audits nothing");
    assert_error(
        post(
            &server,
            "/admin/batches?dry_run=true",
            op,
            CSV,
            "name,row_id\nx,y\n",
        )
        .await,
        400,
        "invalid_request",
    )
    .await;

    // The run, held at its start: it shows as running, a second batch is refused, its
    // letters are not ready.
    let pause = server.service.pause_batches();
    let (status, started) = json(post(&server, "/admin/batches", op, CSV, csv.clone()).await).await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(
        (started["state"].as_str(), started["rows"].as_u64()),
        (Some("running"), Some(7))
    );
    let id = started["id"].as_str().unwrap().to_owned();
    let path = format!("/admin/batches/{id}");
    let (_, running) = json(get(&server, &path, op).await).await;
    assert_eq!(running["state"], "running", "{running}");
    assert!(running["done"].as_u64().unwrap() < 7, "{running}");
    assert_error(
        post(&server, "/admin/batches", op, CSV, csv.clone()).await,
        409,
        "batch_running",
    )
    .await;
    assert_error(
        get(&server, &format!("{path}/letters"), op).await,
        409,
        "batch_running",
    )
    .await;
    drop(pause);

    // Progress to done (polled: the run is on another thread).
    let mut done = Value::Null;
    for _ in 0..6000 {
        let (_, status) = json(get(&server, &path, op).await).await;
        if status["state"] != "running" {
            done = status;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(
        (
            done["rows"].as_u64(),
            done["done"].as_u64(),
            done["offered"].as_u64()
        ),
        (Some(7), Some(7), Some(2))
    );
    assert_eq!(
        rejected_lines(&done["rejected"]),
        expected_rejected,
        "{done}"
    );
    assert!(done["finished_at"].as_i64().is_some());
    let (_, list) = json(get(&server, "/admin/batches", op).await).await;
    assert_eq!(list[0]["id"], id.as_str(), "{list}");
    assert_eq!(
        (list[0]["state"].as_str(), list[0]["rejected"].as_u64()),
        (Some("done"), Some(5))
    );
    assert!(list[0]["started_at"].as_i64().is_some());

    // The offers (JSON Lines) and the letters.
    let jsonl = get(&server, &format!("{path}/letters.jsonl"), op).await;
    assert_eq!(jsonl.headers()["cache-control"], "no-store");
    let offers: Vec<Value> = jsonl
        .text()
        .await
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = offers
        .iter()
        .map(|o| o["row_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["r1", "r2"]);
    let pin = offers[0]["tx_code"].as_str().unwrap();
    assert_eq!(pin.len(), 6);
    assert_eq!(offers[1]["tx_code"], Value::Null, "r2 asked for no PIN");

    let letters = get(&server, &format!("{path}/letters"), op).await;
    assert_eq!(letters.status(), 200);
    assert_eq!(
        letters.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert_eq!(
        letters.headers()["content-disposition"],
        format!("attachment; filename=\"letters-{id}.html\"").as_str()
    );
    assert_eq!(letters.headers()["cache-control"], "no-store");
    let html = letters.text().await.unwrap();
    assert_eq!(
        html.matches("<svg ").count(),
        2,
        "one QR code per offered row"
    );
    assert_eq!(html.matches("<section class=\"letter\">").count(), 2);
    assert!(html.contains(&format!("<p class=\"pin\">{pin}</p>")));
    assert!(html.contains("前橋　花子") && html.contains("前橋, 太郎") && !html.contains("高崎"));
    assert!(html.contains("Content-Security-Policy") && !html.contains("<script"));
    assert!(
        html.find("<h2>受け取り方").unwrap() < html.find("<h2 lang=\"en\">How to receive").unwrap(),
        "Japanese first"
    );
    for offer in &offers {
        let qr = qr::svg(offer["credential_offer_uri"].as_str().unwrap(), "-").unwrap();
        let modules = qr.split(" d=\"").nth(1).unwrap();
        assert!(
            html.contains(modules),
            "the letter's QR code is its offer's"
        );
    }

    // The files are the issuer's user's only, and a letter's offer redeems with its PIN.
    let job_dir = dir.path().join("batches").join(&id);
    for file in [
        "input.csv",
        "rows.jsonl",
        "offers.jsonl",
        "rejected.jsonl",
        "status.json",
    ] {
        assert_eq!(mode(&job_dir.join(file)), 0o600, "{file}");
    }
    let OfferLink::ByValue(offer) =
        OfferLink::parse(offers[0]["credential_offer_uri"].as_str().unwrap()).unwrap()
    else {
        panic!("offer by value")
    };
    let offer = serde_json::to_value(*offer).unwrap();
    Wallet::new(&server).access_token(&offer, Some(pin)).await;

    // The batch's offers are audited with the operator's name.
    let (_, log) =
        json(get(&server, "/admin/audit?action=offer.created&actor=op-1", op).await).await;
    assert!(
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject"].as_str().unwrap().starts_with("batch:")),
        "{log}"
    );

    // The list survives a restart.
    let config = admins.config();
    server.stop().await;
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    let (_, list) = json(get(&server, "/admin/batches", op).await).await;
    assert_eq!(
        (list[0]["id"].as_str(), list[0]["state"].as_str()),
        (Some(id.as_str()), Some("done"))
    );
    server.stop().await;
}

/// Stores a sealed pseudonym link as pseudonym issuance does; returns the opening request.
fn sealed_link(dir: &Path, config: &ServiceConfig, context: &str) -> Value {
    let link = store_sealed_link(dir, config, context);
    json!({"context": link.context.as_str(), "pseudonym": link.pseudonym.as_str()})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escrow_openings_are_listed_with_the_trustees_who_released() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let config = admins.config();
    let start = sealed_link(dir.path(), &config, "maebashi-forum");
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    let (status, opening) = json(
        admin_post(
            &server,
            "/admin/escrow/openings",
            Some(&admins.operator),
            &start,
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{opening}");
    let id = opening["id"].as_str().unwrap().to_owned();
    let release = |trustee: usize| {
        let bytes =
            myna_vc_core::b64::decode(opening["sealed_link"].as_str().unwrap(), "sealed").unwrap();
        let share = admins.trustees[trustee]
            .1
            .release(&SealedLink::from_bytes(&bytes).unwrap())
            .unwrap();
        json!({"share": myna_vc_core::b64::encode(&*share.to_bytes())})
    };
    let shares = format!("/admin/escrow/openings/{id}/shares");
    let (status, _) =
        json(admin_post(&server, &shares, Some(&admins.trustees[0].0), &release(0)).await).await;
    assert_eq!(status, 200);

    let (status, list) = json(
        get(
            &server,
            "/admin/escrow/openings",
            Some(&admins.trustees[1].0),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let listed = &list[0];
    assert_eq!(listed["id"], id.as_str());
    assert_eq!(
        (listed["context"].as_str(), listed["pseudonym"].as_str()),
        (start["context"].as_str(), start["pseudonym"].as_str())
    );
    assert_eq!(
        (listed["state"].as_str(), listed["threshold"].as_u64()),
        (Some("waiting"), Some(2))
    );
    assert_eq!(listed["released_by"], json!(["city-council"]));
    assert_eq!(listed["started_at"], START.as_unix());
    assert!(
        listed.get("sealed_link").is_none() && listed.get("person").is_none(),
        "{listed}"
    );
    let (_, one) = json(
        get(
            &server,
            &format!("/admin/escrow/openings/{id}"),
            Some(&admins.operator),
        )
        .await,
    )
    .await;
    assert_eq!(
        (one["released_by"].clone(), one["threshold"].as_u64()),
        (json!(["city-council"]), Some(2))
    );

    let (status, _) =
        json(admin_post(&server, &shares, Some(&admins.trustees[1].0), &release(1)).await).await;
    assert_eq!(status, 200);
    let (_, list) =
        json(get(&server, "/admin/escrow/openings", Some(&admins.operator)).await).await;
    assert_eq!(list[0]["state"], "opened");
    assert_eq!(list[0]["released_by"], json!(["city-council", "court"]));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_filters_by_action_and_by_actor() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let admins = Admins::new();
    let config = admins.config();
    let start = sealed_link(dir.path(), &config, "maebashi-forum");
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    let body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    for _ in 0..3 {
        let response = admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await;
        assert_eq!(response.status(), 201);
    }
    let response = admin_post(
        &server,
        "/admin/escrow/openings",
        Some(&admins.operator),
        &start,
    )
    .await;
    assert_eq!(response.status(), 201);
    import_crls(&server, &mut world, &admins.officer, START).await;

    let page = |query: &str| {
        let server = &server;
        let token = admins.operator.clone();
        let path = format!("/admin/audit?{query}");
        async move {
            let (status, log) = json(get(server, &path, Some(&token)).await).await;
            assert_eq!(status, 200, "{log}");
            log
        }
    };
    let actions = |log: &Value| -> Vec<String> {
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = page("").await;
    assert_eq!(all["entries"].as_array().unwrap().len(), 6, "{all}");
    let offers = page("action=offer.created").await;
    assert_eq!(actions(&offers), ["offer.created"; 3]);
    let by_operator = page("actor=op-1").await;
    assert_eq!(
        actions(&by_operator),
        [
            "offer.created",
            "offer.created",
            "offer.created",
            "escrow.opening_started"
        ]
    );
    let officer = page("actor=revocation_officer").await;
    assert_eq!(actions(&officer), ["crl.imported", "crl.imported"]);
    let both = page("action=offer.created&actor=op-1&limit=2").await;
    assert_eq!(actions(&both), ["offer.created"; 2]);
    assert_eq!(both["next_from"], 2, "{both}");
    let rest = page("action=offer.created&actor=op-1&from=2").await;
    assert_eq!(
        (actions(&rest).len(), rest["next_from"].clone()),
        (1, Value::Null)
    );
    for bad in ["action=made.up", "actor=a%20b", "colour=red"] {
        assert_error(
            get(
                &server,
                &format!("/admin/audit?{bad}"),
                Some(&admins.operator),
            )
            .await,
            400,
            "invalid_request",
        )
        .await;
    }
    server.stop().await;
}

fn consent(recipient: &SecretKey, holder: &dyn Signer) -> ConsentRecord {
    ConsentRecord::sign(consent_terms(recipient, ConsentUse::Ongoing), holder, START).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consent_summary_counts_by_recipient_and_state_only() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let known = known_holder(&server, &admins.operator, START).await;
    let holder = signer();
    let (clinic, school) = (
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_p256().unwrap(),
    );
    let did = |key: &SecretKey| {
        DidKey::from_public_key(&key.public_key())
            .unwrap()
            .did()
            .as_str()
            .to_owned()
    };
    let mut ids = Vec::new();
    for recipient in [&clinic, &clinic, &clinic, &school] {
        let record = consent(recipient, &*holder);
        ids.push(record.terms().id);
        let register = consent_registration(&record, Some(&*known), START);
        assert_eq!(
            admin_post(&server, "/consents", None, &register)
                .await
                .status(),
            201
        );
    }
    let act = |id, action| json!({"action": ConsentActionRequest { consent: id, action, seq: 1, iat: START }.sign(&*holder).unwrap()});
    for (id, action) in [
        (ids[1], ConsentAction::Pause),
        (ids[2], ConsentAction::Withdraw),
    ] {
        let response = admin_post(&server, "/consents/actions", None, &act(id, action)).await;
        assert_eq!(response.status(), 200);
    }
    let (status, summary) =
        json(get(&server, "/admin/consents/summary", Some(&admins.operator)).await).await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["total"], 4);
    let mut expected = vec![
        json!({"recipient": did(&clinic), "given": 1, "paused": 1, "withdrawn": 1, "used": 0}),
        json!({"recipient": did(&school), "given": 1, "paused": 0, "withdrawn": 0, "used": 0}),
    ];
    expected.sort_by_key(|r| r["recipient"].as_str().unwrap().to_owned());
    assert_eq!(summary["recipients"], Value::Array(expected));
    assert!(
        !summary.to_string().contains("子育て"),
        "no purposes, no personal data"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_files_are_served_with_a_strict_policy() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let assert_policy = |response: &reqwest::Response| {
        let headers = response.headers();
        assert_eq!(
            headers["content-security-policy"],
            console::CONTENT_SECURITY_POLICY
        );
        assert_eq!(
            console::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             frame-ancestors 'none'; form-action 'none'"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(headers.get("set-cookie").is_none());
    };
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let moved = no_redirects
        .get(server.url("/console"))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 308);
    assert_eq!(moved.headers()["location"], "/console/");
    assert_policy(&moved);
    let index = get(&server, "/console/", None).await;
    assert_eq!(index.status(), 200);
    assert_policy(&index);
    assert_eq!(index.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(index.headers()["cache-control"], "no-cache");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("console");
    assert_eq!(
        index.bytes().await.unwrap(),
        std::fs::read(source.join("index.html")).unwrap()
    );

    // Every file of the console's folder, at its path, with its type.
    let mut files = Vec::new();
    let mut pending = vec![source.clone()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty());
    for file in files {
        let relative = file
            .strip_prefix(&source)
            .unwrap()
            .to_str()
            .unwrap()
            .replace('\\', "/");
        if relative.split('/').any(|segment| segment.starts_with('.')) {
            continue;
        }
        let served = get(&server, &format!("/console/{relative}"), None).await;
        assert_eq!(served.status(), 200, "{relative}");
        assert_policy(&served);
        assert_eq!(
            served.headers()["content-type"],
            console::content_type(&relative),
            "{relative}"
        );
        assert_eq!(
            served.bytes().await.unwrap(),
            std::fs::read(&file).unwrap(),
            "{relative}"
        );
    }
    assert_eq!(
        console::content_type("console.css"),
        "text/css; charset=utf-8"
    );
    assert_eq!(
        console::content_type("js/app.js"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        console::content_type("i18n/messages.js"),
        "text/javascript; charset=utf-8"
    );

    let missing = get(&server, "/console/no-such-file.js", None).await;
    assert_policy(&missing);
    assert_error(missing, 404, "not_found").await;
    // Nothing outside the console's files: not the data directory, not the crate.
    for path in [
        "/console/../issuer.toml",
        "/console/%2e%2e/issuer.toml",
        "/console/..%2F..%2FCargo.toml",
        "/console/.%2e/Cargo.toml",
    ] {
        let answer = raw(
            &server,
            &format!("GET {path} HTTP/1.1\r\nConnection: close"),
        )
        .await;
        assert_ne!(answer, "HTTP/1.1 200", "{path}");
    }
    // Without a package directory, the trustee package is missing and says how to add it.
    assert_error_mentioning(
        get(&server, "/console/pkg/myna_wasm.js", None).await,
        404,
        "console_pkg_missing",
        "--console-pkg",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trustee_package_is_served_from_its_directory_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = tempfile::tempdir().unwrap();
    std::fs::write(pkg.path().join("myna_wasm.js"), "export default 1;\n").unwrap();
    std::fs::write(pkg.path().join("myna_wasm_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.path().join(".hidden"), "no").unwrap();
    std::fs::create_dir(pkg.path().join("sub")).unwrap();
    std::fs::write(pkg.path().join("sub").join("inner.js"), "no").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), pkg.path().join("link.js")).unwrap();
    let world = World::new();
    let admins = Admins::new();
    let mut config = admins.config();
    config.console.pkg_dir = Some(pkg.path().to_path_buf());
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;

    let js = get(&server, "/console/pkg/myna_wasm.js", None).await;
    assert_eq!(js.status(), 200);
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        js.headers()["content-security-policy"],
        console::CONTENT_SECURITY_POLICY
    );
    assert_eq!(js.text().await.unwrap(), "export default 1;\n");
    let wasm = get(&server, "/console/pkg/myna_wasm_bg.wasm", None).await;
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(&wasm.bytes().await.unwrap()[..], b"\0asm\x01\0\0\0");

    for path in [
        "/console/pkg/.hidden",
        "/console/pkg/sub",
        "/console/pkg/sub/inner.js",
        "/console/pkg/link.js",
        "/console/pkg/missing.js",
    ] {
        assert_eq!(get(&server, path, None).await.status(), 404, "{path}");
    }
    for path in [
        "/console/pkg/..%2Fsecret.txt",
        "/console/pkg/%2e%2e",
        "/console/pkg/../secret.txt",
    ] {
        let answer = raw(
            &server,
            &format!("GET {path} HTTP/1.1\r\nConnection: close"),
        )
        .await;
        assert_ne!(answer, "HTTP/1.1 200", "{path}");
    }
    server.stop().await;

    // A configured directory that is gone: the package is missing.
    let gone = pkg.path().to_path_buf();
    drop(pkg);
    let dir = tempfile::tempdir().unwrap();
    let mut config = admins.config();
    config.console.pkg_dir = Some(gone);
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    assert_error(
        get(&server, "/console/pkg/myna_wasm.js", None).await,
        404,
        "console_pkg_missing",
    )
    .await;
    server.stop().await;
}
