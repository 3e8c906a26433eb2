//! The sealed link's stored form (moved here from the issuer's escrow tests with the code):
//! it round-trips, every truncation, trailing byte, unknown version, unsafe threshold and
//! duplicated trustee is refused with a typed error, arbitrary bytes never panic, and a
//! flipped bit never opens to another link.
#![cfg(test)]

use myna_escrow::{open, seal, Error, EscrowPolicy, SealedLink, TrusteeKey, SEALED_LINK_VERSION};
use proptest::prelude::*;

const LINK: &[u8] = b"pseudonym P in context C is person H";

fn trustees() -> [TrusteeKey; 3] {
    [
        "maebashi-city",
        "data-governance-committee",
        "court-appointed",
    ]
    .map(|id| TrusteeKey::generate(id).unwrap())
}

fn sealed_for(trustees: &[TrusteeKey], threshold: u8) -> SealedLink {
    let policy =
        EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), threshold).unwrap();
    seal(&policy, LINK).unwrap()
}

#[test]
fn sealed_link_bytes_round_trip_and_every_truncation_is_refused() {
    let t = trustees();
    let sealed = sealed_for(&t, 2);
    let bytes = sealed.to_bytes();
    assert_eq!(bytes[0], SEALED_LINK_VERSION);
    assert_eq!(SealedLink::from_bytes(&bytes).unwrap(), sealed);
    for len in 0..bytes.len() {
        assert!(
            matches!(
                SealedLink::from_bytes(&bytes[..len]),
                Err(Error::MalformedSealedLink(_))
            ),
            "prefix of {len} bytes accepted"
        );
    }
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(
        SealedLink::from_bytes(&trailing),
        Err(Error::MalformedSealedLink("trailing bytes"))
    );
    let mut version = bytes.clone();
    version[0] = 2;
    assert_eq!(
        SealedLink::from_bytes(&version),
        Err(Error::MalformedSealedLink("unknown format version"))
    );
    // Threshold byte (after version and record id): 1 lets one party open, 4 exceeds 3 shares.
    for threshold in [0, 1, 4] {
        let mut weak = bytes.clone();
        weak[17] = threshold;
        assert!(matches!(
            SealedLink::from_bytes(&weak),
            Err(Error::MalformedSealedLink(_))
        ));
    }
    let oversized = vec![1u8; (1 << 20) + 1];
    assert_eq!(
        SealedLink::from_bytes(&oversized),
        Err(Error::MalformedSealedLink("larger than 1 MiB"))
    );
}

#[test]
fn a_trustee_listed_twice_in_stored_bytes_is_refused() {
    // `EscrowPolicy` refuses duplicates, so splice one into the bytes: seal to two trustees
    // whose ids have the same length, then rename the second to the first.
    let pair = [
        TrusteeKey::generate("aa").unwrap(),
        TrusteeKey::generate("bb").unwrap(),
    ];
    let sealed = sealed_for(&pair, 2);
    let mut bytes = sealed.to_bytes();
    let at = bytes.windows(2).rposition(|w| w == b"bb").unwrap();
    bytes[at..at + 2].copy_from_slice(b"aa");
    assert_eq!(
        SealedLink::from_bytes(&bytes),
        Err(Error::MalformedSealedLink("a trustee holds two shares"))
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_anything_accepted_round_trips(
        bytes in proptest::collection::vec(any::<u8>(), 0..600)
    ) {
        match SealedLink::from_bytes(&bytes) {
            Ok(sealed) => prop_assert_eq!(sealed.to_bytes(), bytes),
            Err(err) => prop_assert!(matches!(err, Error::MalformedSealedLink(_))),
        }
    }

    #[test]
    fn version_one_prefixes_of_garbage_give_typed_errors(
        tail in proptest::collection::vec(any::<u8>(), 0..400)
    ) {
        let mut bytes = vec![SEALED_LINK_VERSION];
        bytes.extend_from_slice(&tail);
        match SealedLink::from_bytes(&bytes) {
            Ok(sealed) => prop_assert_eq!(sealed.to_bytes(), bytes),
            Err(err) => prop_assert!(matches!(err, Error::MalformedSealedLink(_))),
        }
    }

    #[test]
    fn a_flipped_byte_is_refused_or_reencodes_to_the_same_bytes(at in 0usize..2000, bit in 0u8..8) {
        let t = trustees();
        let sealed = sealed_for(&t, 2);
        let mut bytes = sealed.to_bytes();
        let at = at % bytes.len();
        bytes[at] ^= 1 << bit;
        match SealedLink::from_bytes(&bytes) {
            Ok(parsed) => {
                prop_assert_eq!(parsed.to_bytes(), bytes);
                // A damaged record may still open (a renamed trustee's share is merely lost),
                // but never to another link: everything else is authenticated.
                let releases: Vec<_> = t.iter().filter_map(|k| k.release(&parsed).ok()).collect();
                if let Ok(opened) = open(&parsed, &releases) {
                    prop_assert_eq!(opened.link.as_slice(), LINK);
                }
            }
            Err(err) => prop_assert!(matches!(err, Error::MalformedSealedLink(_))),
        }
    }
}
