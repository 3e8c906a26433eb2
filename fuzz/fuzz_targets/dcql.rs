//! DCQL queries (`DcqlQuery::from_json`). Oracle: a query that parses prints (`to_json`) to
//! JSON that parses back to an equal query, which prints to the same JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_vc_core::dcql::DcqlQuery;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = DcqlQuery::from_json(data) else {
        return;
    };
    let json = query.to_json();
    let again = match DcqlQuery::from_json(json.as_bytes()) {
        Ok(again) => again,
        Err(e) => panic!("to_json of a parsed query does not parse back: {e}\n{json}"),
    };
    assert_eq!(
        again, query,
        "to_json → from_json changed the query\n{json}"
    );
    assert_eq!(again.to_json(), json, "to_json is not stable");
});
