//! `myna issuer publish --out DIR` on a data directory made by `myna issuer init`: the files
//! at the routes' paths, their headers in publish.json and _headers, a status list that
//! verifies with the issuer key and carries the `ttl` the route's does, the ETags the running
//! service gives the same bytes, a re-run that changes nothing, and a clean refusal while
//! `serve` holds the redb store.
#![cfg(test)]

mod support;

use std::path::Path;

use base64::Engine;
use myna_verifier::core::crypto::default_provider;
use myna_verifier::core::jwk::Jwk;
use myna_verifier::core::jwt::TimeRules;
use myna_verifier::core::status_list::{StatusListToken, StatusListUri};
use myna_verifier::core::time::NumericDate;
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::issuer::{Issuer, PASSPHRASE};
use support::{failed_cleanly, http_get, ok, Myna};

const CITY: &str = "https://vc.city.maebashi.example";

/// The files every publish writes, under DIR.
const FILES: [&str; 8] = [
    ".well-known/did.json",
    ".well-known/jwt-vc-issuer",
    "status/1",
    "consent-status/1",
    "trust-list",
    "trust-entry",
    "publish.json",
    "_headers",
];

/// `myna issuer publish --data-dir DATA --out OUT`.
fn publish(data: &Path, out: &Path) -> std::process::Output {
    Myna::new()
        .args(["issuer", "publish", "--log", "warn", "--data-dir"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE)
        .output()
}

fn now() -> NumericDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    NumericDate::from_unix(i64::try_from(secs).unwrap())
}

/// The strong ETag of `bytes` as the routes give it: quoted base64url SHA-256.
fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!(
        "\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
    )
}

/// The manifest's entry for `path`.
fn entry<'a>(manifest: &'a Value, path: &str) -> &'a Value {
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == path)
        .unwrap()
}

/// A response header of a raw HTTP answer, by lowercase name.
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let (head, _) = response.split_once("\r\n\r\n")?;
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[test]
fn publish_writes_the_served_documents_with_their_headers() {
    let issuer = Issuer::init(tempfile::tempdir().unwrap(), &[]);
    let out = issuer.dir.path().join("cdn");
    let printed = ok(&publish(&issuer.data, &out));
    assert_eq!(printed.matches(" written ").count(), 6, "{printed}");
    for file in FILES {
        assert!(out.join(file).is_file(), "{file} is written");
    }
    let listed: Vec<_> = std::fs::read_dir(out.join("status"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(listed, ["1"], "no temporary file is left");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("publish.json")).unwrap()).unwrap();
    assert_eq!(manifest["base_url"], CITY);
    assert_eq!(manifest["files"].as_array().unwrap().len(), 6);
    let headers_file = std::fs::read_to_string(out.join("_headers")).unwrap();
    for file in &FILES[..6] {
        let path = format!("/{file}");
        let listed = entry(&manifest, &path);
        assert_eq!(listed["file"], *file);
        let bytes = std::fs::read(out.join(file)).unwrap();
        let etag = etag_of(&bytes);
        assert_eq!(listed["headers"]["ETag"], etag.as_str(), "{path}");
        assert_eq!(listed["headers"]["Cache-Control"], "max-age=300", "{path}");
        assert_eq!(listed["headers"]["Access-Control-Allow-Origin"], "*");
        assert!(
            headers_file.contains(&format!("{path}\n"))
                && headers_file.contains(&format!("  ETag: {etag}\n")),
            "{path} in _headers:\n{headers_file}"
        );
    }
    assert_eq!(
        entry(&manifest, "/status/1")["headers"]["Content-Type"],
        "application/statuslist+jwt"
    );

    // The status list verifies with the issuer key `myna issuer keys` hands out.
    let jwk = Myna::new()
        .args(["issuer", "keys", "--data-dir"])
        .arg(&issuer.data)
        .env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE)
        .output();
    let jwk: Value = serde_json::from_str(&ok(&jwk)).unwrap();
    let key = Jwk::from_json(&jwk).unwrap().key;
    let uri = StatusListUri::new(format!("{CITY}/status/1")).unwrap();
    let token = std::fs::read_to_string(out.join("status/1")).unwrap();
    let published = StatusListToken::verify(
        &token,
        default_provider(),
        &key,
        &TimeRules::at(now()),
        &uri,
    )
    .unwrap();
    assert_eq!(published.token().ttl.map(|t| t.get()), Some(300));
    assert_eq!(published.header().kid.as_deref(), jwk["kid"].as_str());

    // Again: nothing changed, so nothing is re-signed or rewritten.
    let again = ok(&publish(&issuer.data, &out));
    assert_eq!(again.matches(" unchanged ").count(), 6, "{again}");
    let manifest_again: Value =
        serde_json::from_slice(&std::fs::read(out.join("publish.json")).unwrap()).unwrap();
    assert_eq!(manifest_again, manifest);

    // The running service gives the same headers for the same bytes, and a status list with
    // the same statuses and ttl. Meanwhile the redb store is its own: publish says so.
    let mut issuer = issuer;
    issuer.serve();
    let addr = issuer.url.trim_start_matches("http://").to_owned();
    for path in ["/.well-known/did.json", "/.well-known/jwt-vc-issuer"] {
        let response = http_get(&addr, path, None);
        let (_, body) = response.split_once("\r\n\r\n").unwrap();
        assert_eq!(
            body.as_bytes(),
            std::fs::read(out.join(&path[1..])).unwrap()
        );
        let listed = &entry(&manifest, path)["headers"];
        for name in ["ETag", "Content-Type", "Cache-Control"] {
            assert_eq!(
                header(&response, name),
                listed[name].as_str(),
                "{path} {name}"
            );
        }
    }
    let response = http_get(&addr, "/status/1", None);
    let (_, served) = response.split_once("\r\n\r\n").unwrap();
    let served = StatusListToken::verify(
        served,
        default_provider(),
        &key,
        &TimeRules::at(now()),
        &uri,
    )
    .unwrap();
    assert_eq!(served.list(), published.list());
    assert_eq!(served.token().ttl, published.token().ttl);
    let refused = failed_cleanly(&publish(&issuer.data, &out));
    assert!(refused.contains("opening the issuer service"), "{refused}");
}

#[test]
fn publish_needs_an_initialised_data_directory_and_explains_the_cdn_in_its_help() {
    let dir = tempfile::tempdir().unwrap();
    let refused = failed_cleanly(&publish(&dir.path().join("none"), &dir.path().join("cdn")));
    assert!(refused.contains("myna issuer init"), "{refused}");
    assert!(!dir.path().join("cdn").exists(), "nothing is written");
    let help = Myna::new().run(&["issuer", "publish", "--help"]);
    let help = ok(&help);
    for words in ["CDN", "publish.json", "_headers", "ETag", "ttl", "--out"] {
        assert!(help.contains(words), "--help mentions {words}");
    }
}
