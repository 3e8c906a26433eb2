//! Writes the fixture set shared by the Rust and the JS tests of the npm package, after
//! checking that the Rust side gives every expected outcome.
//!
//! ```text
//! cargo run -p myna-wasm --example fixtures -- target/myna-fixtures
//! ```
//!
//! Each case carries the outcome expected by construction (`status` or error `code`); this
//! program exits non-zero if Rust disagrees, and `wasm/tests/*.test.mjs` assert that the Wasm
//! build gives the same outcome for the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::status_list::{
    Status, StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri,
};
use myna_vc_core::time::NumericDate;
use myna_wasm::status_list::StatusList as JsStatusList;
use serde_json::{json, Value};

const NOW: i64 = 1_800_000_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: fixtures OUT_DIR")?);
    std::fs::create_dir_all(&dir)?;
    let cases = status_list_cases()?;
    let mut failures = 0;
    for case in &cases {
        let got = rust_outcome(case);
        if got != case["expected"] {
            eprintln!(
                "{}: expected {}, Rust gave {got}",
                case["name"], case["expected"]
            );
            failures += 1;
        }
    }
    if failures > 0 {
        return Err(format!("{failures} status-list fixtures disagree with Rust").into());
    }
    let path = dir.join("status-lists.json");
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&json!({ "cases": cases }))?,
    )?;
    println!("{} status-list cases → {}", cases.len(), path.display());
    Ok(())
}

/// What the Rust build says about one case, in the fixture's `expected` shape.
fn rust_outcome(case: &Value) -> Value {
    let text = |name: &str| case[name].as_str().unwrap_or_default().to_owned();
    let verified = JsStatusList::verify_native(
        &text("token"),
        &text("issuerJwk"),
        &text("uri"),
        case["now"].as_f64().unwrap_or(f64::NAN),
    );
    let outcome =
        verified.and_then(|list| list.status_native(case["index"].as_f64().unwrap_or(-1.0)));
    match outcome {
        Ok(status) => json!({ "status": status }),
        Err(failure) => json!({ "code": failure.code() }),
    }
}

fn status_list_cases() -> Result<Vec<Value>, myna_vc_core::Error> {
    let provider = default_provider();
    let (issuer, stranger) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
    let uri = StatusListUri::new("https://city.example.jp/status/1")?;
    let mut list = StatusList::new(StatusBits::Two, 1024)?;
    list.set(StatusIndex::new(7), Status::INVALID)?;
    list.set(StatusIndex::new(8), Status::SUSPENDED)?;
    let token = StatusListToken::new(uri.clone(), NumericDate::from_unix(NOW - 7_200), list);
    let signed = token.clone().sign(&*provider.signer(&issuer)?, None)?;
    let by_stranger = token.clone().sign(&*provider.signer(&stranger)?, None)?;
    let expired = token
        .with_expiry(NumericDate::from_unix(NOW - 3_600))
        .sign(&*provider.signer(&issuer)?, None)?;
    let jwk = issuer.public_key().to_jwk().to_string();
    let mut tampered = signed.clone();
    tampered.push('A');

    let case = |name: &str, token: &str, uri: &str, index: f64, expected: Value| {
        json!({ "name": name, "token": token, "issuerJwk": jwk, "uri": uri,
                "now": NOW, "index": index, "expected": expected })
    };
    let code = |c: &str| json!({ "code": c });
    let u = uri.as_str();
    Ok(vec![
        case("valid entry", &signed, u, 3.0, json!({ "status": 0 })),
        case("revoked entry", &signed, u, 7.0, json!({ "status": 1 })),
        case("suspended entry", &signed, u, 8.0, json!({ "status": 2 })),
        case(
            "signed by another key",
            &by_stranger,
            u,
            3.0,
            code("signature_invalid"),
        ),
        case(
            "tampered signature",
            &tampered,
            u,
            3.0,
            code("signature_invalid"),
        ),
        case("expired list", &expired, u, 3.0, code("expired")),
        case(
            "another list's uri",
            &signed,
            "https://city.example.jp/status/2",
            3.0,
            code("status_list_uri_mismatch"),
        ),
        case(
            "index past the end",
            &signed,
            u,
            1024.0,
            code("status_index_out_of_range"),
        ),
        case(
            "fractional index",
            &signed,
            u,
            2.5,
            code("invalid_argument"),
        ),
        case("not a JWT", "hello", u, 3.0, code("malformed")),
    ])
}
