//! The admin API over loopback: no token → 401, another role → 403 on every route; escrow
//! openings co-signed by trustees complete at the threshold; every action is in the audit log.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::World;
use myna_issuer::escrow::{EscrowedLink, SealedLink};
use myna_issuer::service::batch::BatchRun;
use serde_json::{json, Value};
use service_support::*;

#[derive(Clone, Copy, PartialEq)]
enum Method {
    Get,
    Post,
}

/// Every admin route, with a token of a role it refuses.
fn routes(admins: &Admins) -> Vec<(Method, &'static str, &'static str, String)> {
    let json = "application/json";
    vec![
        (Method::Post, "/admin/offers", json, admins.officer.clone()),
        (
            Method::Post,
            "/admin/credentials/revoke",
            json,
            admins.operator.clone(),
        ),
        (
            Method::Post,
            "/admin/credentials/suspend",
            json,
            admins.trustees[0].0.clone(),
        ),
        (
            Method::Post,
            "/admin/credentials/resume",
            json,
            admins.operator.clone(),
        ),
        (
            Method::Post,
            "/admin/crl",
            "application/pkix-crl",
            admins.operator.clone(),
        ),
        (
            Method::Post,
            "/admin/escrow/openings",
            json,
            admins.officer.clone(),
        ),
        (
            Method::Get,
            "/admin/escrow/openings/some-id",
            json,
            admins.officer.clone(),
        ),
        (
            Method::Post,
            "/admin/escrow/openings/some-id/shares",
            json,
            admins.operator.clone(),
        ),
        (
            Method::Post,
            "/admin/subjects/revoke",
            json,
            admins.operator.clone(),
        ),
        (
            Method::Post,
            "/admin/subjects/suspend",
            json,
            admins.trustees[0].0.clone(),
        ),
        (
            Method::Post,
            "/admin/subjects/resume",
            json,
            admins.operator.clone(),
        ),
        (
            Method::Get,
            "/admin/audit",
            json,
            admins.trustees[1].0.clone(),
        ),
        (
            Method::Get,
            "/admin/audit/verify",
            json,
            admins.officer.clone(),
        ),
    ]
}

async fn call(
    server: &Server,
    method: Method,
    path: &str,
    content_type: &str,
    token: Option<&str>,
) -> reqwest::Response {
    match method {
        Method::Get => get(server, path, token).await,
        Method::Post => post(server, path, token, content_type, "{}").await,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_route_needs_a_token_of_its_role() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    for (method, path, content_type, wrong_role) in routes(&admins) {
        let missing = call(&server, method, path, content_type, None).await;
        assert_eq!(missing.headers()["www-authenticate"], "Bearer", "{path}");
        assert_error(missing, 401, "invalid_token").await;
        let unknown = call(&server, method, path, content_type, Some("not-a-token")).await;
        assert_error(unknown, 401, "invalid_token").await;
        let basic = client()
            .get(server.url(path))
            .header("authorization", "Basic b3A6cGFzcw==")
            .send()
            .await
            .unwrap();
        assert!(matches!(basic.status().as_u16(), 401 | 405), "{path}");
        let forbidden = call(&server, method, path, content_type, Some(&wrong_role)).await;
        assert_error(forbidden, 403, "insufficient_scope").await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escrow_opening_completes_when_a_quorum_of_trustees_released_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let config = admins.config();
    // A pseudonym credential's sealed link, as pseudonym issuance stores it.
    let EscrowedLink {
        context,
        pseudonym,
        person,
    } = store_sealed_link(dir.path(), &config, "maebashi-forum");
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    let start = json!({"context": context.as_str(), "pseudonym": pseudonym.as_str()});
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
    assert_eq!(opening["threshold"], 2);
    let id = opening["id"].as_str().unwrap().to_owned();
    let unknown = json!({"context": "other", "pseudonym": pseudonym.as_str()});
    assert_error(
        admin_post(
            &server,
            "/admin/escrow/openings",
            Some(&admins.operator),
            &unknown,
        )
        .await,
        404,
        "not_found",
    )
    .await;

    let share_of = |trustee: usize, sealed: &Value| {
        let bytes = myna_vc_core::b64::decode(sealed.as_str().unwrap(), "sealed").unwrap();
        let sealed = SealedLink::from_bytes(&bytes).unwrap();
        let share = admins.trustees[trustee].1.release(&sealed).unwrap();
        json!({"share": myna_vc_core::b64::encode(&*share.to_bytes())})
    };
    let path = format!("/admin/escrow/openings/{id}");
    let shares = format!("{path}/shares");
    let (status, view) = json(
        client()
            .get(server.url(&path))
            .bearer_auth(&admins.trustees[0].0)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    let first = share_of(0, &view["sealed_link"]);
    // One trustee cannot hand in another's share.
    assert_error(
        admin_post(&server, &shares, Some(&admins.trustees[1].0), &first).await,
        403,
        "insufficient_scope",
    )
    .await;
    let (status, view) =
        json(admin_post(&server, &shares, Some(&admins.trustees[0].0), &first).await).await;
    assert_eq!(
        (status, view["completed"].as_bool()),
        (200, Some(false)),
        "{view}"
    );
    assert_eq!(view["person"], Value::Null);
    assert_error(
        admin_post(&server, &shares, Some(&admins.trustees[0].0), &first).await,
        409,
        "invalid_request",
    )
    .await;
    let second = share_of(1, &view["sealed_link"]);
    let (status, view) =
        json(admin_post(&server, &shares, Some(&admins.trustees[1].0), &second).await).await;
    assert_eq!(
        (status, view["completed"].as_bool()),
        (200, Some(true)),
        "{view}"
    );
    assert_eq!(
        view["person"],
        Value::Null,
        "a trustee does not learn the person"
    );
    assert_eq!(view["released_by"], json!(["city-council", "court"]));
    let (_, view) = json(
        client()
            .get(server.url(&path))
            .bearer_auth(&admins.operator)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(view["person"], person.to_string());

    let (status, log) = json(
        client()
            .get(server.url("/admin/audit?from=0&limit=50"))
            .bearer_auth(&admins.operator)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{log}");
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "escrow.opening_started",
            "escrow.share_received",
            "escrow.share_received",
            "escrow.opened"
        ]
    );
    let subjects: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert!(subjects[0].ends_with("by:op-1"), "{subjects:?}");
    assert!(subjects[2].ends_with("by:court"), "{subjects:?}");
    // Reading the log appends nothing to it.
    let (_, log) = json(
        client()
            .get(server.url("/admin/audit?from=4"))
            .bearer_auth(&admins.operator)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(log["entries"], json!([]), "{log}");
    assert_eq!(log["chain_length"], 4);
    assert_error(
        client()
            .get(server.url("/admin/audit?from=x"))
            .bearer_auth(&admins.operator)
            .send()
            .await
            .unwrap(),
        400,
        "invalid_request",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_resumes_after_a_crash_and_its_offers_redeem() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let input = dir.path().join("residents.jsonl");
    let output = dir.path().join("offers.jsonl");
    let mut text = String::from("# residents of Maebashi, 2027 mailing\n\n");
    for row in 0..300 {
        text.push_str(&format!(
            "{{\"row_id\": \"r-{row:04}\", \"credentials\": [{{\"credential\": \"age\", \"birthdate\": \"1990-05-05\"}}]}}\n"
        ));
    }
    // One row whose facts do not check: reported, not fatal.
    text.push_str(r#"{"row_id": "bad-1", "credentials": [{"credential": "child_medical_subsidy", "payer_number": "1", "recipient_number": "1", "child_name": "x", "child_birthdate": "2020-01-01", "outpatient_age": 15, "inpatient_age": 15, "copay_per_visit_yen": 0}]}"#);
    text.push('\n');
    std::fs::write(&input, &text).unwrap();
    let run = BatchRun::new(&input, &output);

    // First run: the process "crashes" after the first chunk is committed.
    let service = open(
        dir.path(),
        admins.config(),
        clock.clone(),
        &world,
        PASSPHRASE,
    )
    .unwrap();
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        myna_issuer::service::batch::run(&service, &run, &mut |_, _| panic!("crash"))
    }));
    assert!(crashed.is_err());
    drop(service);
    let after_crash = std::fs::read_to_string(&output).unwrap().lines().count();
    assert_eq!(after_crash, myna_issuer::service::batch::CHUNK_ROWS);

    let service = open(
        dir.path(),
        admins.config(),
        clock.clone(),
        &world,
        PASSPHRASE,
    )
    .unwrap();
    let mut calls = Vec::new();
    let summary = myna_issuer::service::batch::run(&service, &run, &mut |done, total| {
        calls.push((done, total))
    })
    .unwrap();
    assert_eq!(summary.rows, 301);
    assert_eq!(summary.already_done, 256);
    assert_eq!(summary.offered, 44);
    assert_eq!(summary.rejected.len(), 1);
    assert_eq!(
        summary.rejected[0].line, 303,
        "line numbers count comments and blank lines"
    );
    assert_eq!(summary.rejected[0].row_id.as_deref(), Some("bad-1"));
    assert_eq!(calls.last(), Some(&(301, 301)));
    // A third run does nothing new.
    let again = myna_issuer::service::batch::run(&service, &run, &mut |_, _| {}).unwrap();
    assert_eq!((again.offered, again.already_done), (0, 300));
    drop(service);

    let lines: Vec<Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 300);
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|l| l["row_id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 300, "every row exactly once");

    // An offer from the file redeems over HTTP with its PIN.
    let server = Server::start(dir.path(), admins.config(), clock, &world).await;
    let last = &lines[299];
    let link =
        myna_vc_core::oid4vci::OfferLink::parse(last["credential_offer_uri"].as_str().unwrap())
            .unwrap();
    let myna_vc_core::oid4vci::OfferLink::ByValue(offer) = link else {
        panic!("offer by value")
    };
    let offer: Value = serde_json::to_value(*offer).unwrap();
    let wallet = Wallet::new(&server);
    assert_error(wallet.token(&offer, None).await, 400, "invalid_grant").await;
    let token = wallet.access_token(&offer, last["tx_code"].as_str()).await;
    assert_eq!(
        wallet
            .credentials(&token, "age", &[&*signer()], START)
            .await
            .len(),
        1
    );
    server.stop().await;
}

#[test]
fn each_malformed_batch_line_is_reported_with_its_line_and_the_good_lines_proceed() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let service = open(
        dir.path(),
        admins.config(),
        ManualClock::at(START),
        &world,
        PASSPHRASE,
    )
    .unwrap();
    let input = dir.path().join("in.jsonl");
    let output = dir.path().join("out.jsonl");
    let row = |id: &str| {
        format!(
            r#"{{"row_id": "{id}", "credentials": [{{"credential": "age", "birthdate": "1990-05-05"}}]}}"#
        )
    };
    // (the bad line, its row id if readable); each is line 2, after a good line 1.
    let cases = [
        ("{not json".to_owned(), None),
        (row("a"), Some("a")), // repeated row id
        (
            "{\"row_id\": \"a b\", \"credentials\": []}".to_owned(),
            None,
        ), // bad row id
        (
            "{\"row_id\": \"p\", \"credentials\": [{\"credential\": \"passport\"}]}".to_owned(),
            Some("p"),
        ),
        (
            "{\"row_id\": \"u\", \"surname\": \"前橋\", \"credentials\": []}".to_owned(),
            Some("u"),
        ),
        ("[".repeat(500), None),
        ("\u{feff}\u{0}".to_owned(), None),
    ];
    for (index, (bad, row_id)) in cases.iter().enumerate() {
        let good = format!("ok-{index}");
        std::fs::write(&input, format!("{}\n{bad}\n{}\n", row("a"), row(&good))).unwrap();
        let run = BatchRun::new(&input, &output);
        let summary = myna_issuer::service::batch::run(&service, &run, &mut |_, _| {}).unwrap();
        assert_eq!(summary.rejected.len(), 1, "{bad}: {:?}", summary.rejected);
        let rejected = &summary.rejected[0];
        assert_eq!(rejected.line, 2, "{bad}: {}", rejected.reason);
        assert_eq!(rejected.row_id.as_deref(), *row_id, "{bad}");
        assert!(
            !rejected.reason.contains("1990"),
            "no facts echoed: {}",
            rejected.reason
        );
        assert!(
            !rejected.reason.contains("前橋"),
            "no facts echoed: {}",
            rejected.reason
        );
        // The good row after the bad one was offered (row "a" only the first time).
        let offered: Vec<String> = std::fs::read_to_string(&output)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["row_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert!(offered.contains(&good), "{bad}: {offered:?}");
        let report = std::fs::read_to_string(run.report.as_ref().unwrap()).unwrap();
        let reported: Value = serde_json::from_str(report.lines().next().unwrap()).unwrap();
        assert_eq!(reported["line"], 2, "{report}");
        assert_eq!(reported["reason"], rejected.reason.as_str());
    }
}

/// The token is checked before the body is read: a request with an unknown token that
/// announces a large body and sends none of it is answered 401 at once. (Were the body read
/// first, the server would wait for it until the request timed out: no 401.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_token_is_refused_before_the_body_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let posts = routes(&admins)
        .into_iter()
        .filter(|(method, ..)| *method == Method::Post);
    for (_, path, content_type, _) in posts {
        let url = server.url(path);
        let authority = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer not-a-token\r\n\
             Content-Type: {content_type}\r\nContent-Length: 1000000\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0; 12];
        // An upper bound so a broken server fails the test instead of hanging it.
        tokio::time::timeout(
            std::time::Duration::from_secs(120),
            stream.read_exact(&mut answer),
        )
        .await
        .unwrap_or_else(|_| panic!("{path}: no answer without the body"))
        .unwrap();
        assert_eq!(&answer, b"HTTP/1.1 401", "{path}");
    }
    server.stop().await;
}
