//! Consent messages: holder-signed records (key in the header) and action requests,
//! recipient use reports, registry receipts, and consent identifiers. The first byte picks the
//! parser. Oracles: a record signed by the fixture holder is the record it signed, and any
//! accepted record reads back the same from its own text; an action, report or receipt
//! accepted under a fixture key is one that key signed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::{consent, credential, input};
use myna_vc_core::consent::{
    ConsentActionRequest, ConsentId, ConsentReceipt, ConsentRecord, ConsentUseReport,
};

/// The parsers, in selector order (the seed generator tags seeds with these numbers).
pub const PARSERS: u8 = 5;

fuzz_target!(|data: &[u8]| {
    let Some((choice, bytes)) = input::pick(data, PARSERS) else {
        return;
    };
    let Some(text) = input::text(bytes) else {
        return;
    };
    match choice {
        0 => record(text),
        1 => action(text),
        2 => use_report(text),
        3 => receipt(text),
        _ => id(text),
    }
});

fn record(text: &str) {
    let Ok(record) = ConsentRecord::verify(text, credential::provider()) else {
        return;
    };
    let again = ConsentRecord::verify(record.as_str(), credential::provider());
    assert_eq!(
        again.as_ref(),
        Ok(&record),
        "a record reads differently from its own text"
    );
    if record.holder_key() == &consent::holder_secret().public_key() {
        match consent::terms() {
            Ok(terms) => assert_eq!(
                record.terms(),
                &terms,
                "accepted terms the holder did not sign"
            ),
            Err(e) => panic!("the fixture terms build: {e}"),
        }
    }
}

fn action(text: &str) {
    let holder = consent::holder_secret().public_key();
    if let Ok(action) = ConsentActionRequest::verify(text, credential::provider(), &holder) {
        assert!(
            consent::actions().contains(&action),
            "accepted an action the holder did not sign: {action:?}"
        );
    }
}

fn use_report(text: &str) {
    let Ok(recipient) = consent::recipient() else {
        return;
    };
    if let Ok(report) = ConsentUseReport::verify(text, credential::provider(), &recipient) {
        assert_eq!(
            report,
            consent::use_report(),
            "accepted a report the recipient did not sign"
        );
    }
}

fn receipt(text: &str) {
    let Ok(receipt) = ConsentReceipt::verify(text, credential::provider(), consent::registry_key())
    else {
        return;
    };
    match consent::receipt() {
        Ok(signed) => assert_eq!(
            receipt, signed,
            "accepted a receipt the registry did not sign"
        ),
        Err(e) => panic!("the fixture receipt builds: {e}"),
    }
}

fn id(text: &str) {
    if let Ok(id) = ConsentId::parse(text) {
        assert_eq!(
            ConsentId::parse(&id.to_string()).as_ref(),
            Ok(&id),
            "consent id changed through printing"
        );
    }
}
