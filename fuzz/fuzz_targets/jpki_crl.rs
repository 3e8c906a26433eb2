//! CRLs: `CrlDocument::parse` (the lean entry index) and `verify` against the fixed test CA's
//! roots (`myna_fuzz::jpki_world`). Oracle: the index never holds more entries than 20-byte
//! entries would fit in the input (memory stays within 1.6 times the input), and a CRL that
//! verifies says exactly what one of the CRLs the CA signed says: type, dates, every entry
//! with its date and reason.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz::jpki_world::{provider, world};
use myna_jpki::crl::CrlDocument;

// The world signs a dozen things with RSA (seconds in a sanitizer build): before the fuzzing
// starts, outside any input's time limit.
fuzz_target!(init: { world(); }, |data: &[u8]| {
    let Ok(document) = CrlDocument::parse(data) else {
        return;
    };
    assert!(
        document.len() <= data.len() / 20,
        "{} entries indexed from {} bytes",
        document.len(),
        data.len()
    );
    let world = world();
    let Ok(crl) = document.verify(&world.roots, provider()) else {
        return;
    };
    assert!(
        world.is_signed_crl(&crl),
        "a CRL the CA did not sign verified: {crl:?}"
    );
});
