//! Revocation and suspension of credentials with the IETF Token Status List
//! (draft-ietf-oauth-status-list), JSON/JWT form.
//!
//! A municipality gives each credential it issues an entry in a Status List, and puts a
//! [`StatusReference`] (`"status": {"status_list": {"idx": …, "uri": …}}`) into the
//! credential. It publishes the list, compressed and signed, as a Status List Token
//! ([`StatusListToken`], `typ: statuslist+jwt`). A verifier fetches that token once for many
//! credentials (herd privacy: the municipality does not learn which credential is checked),
//! verifies it into a [`VerifiedStatusList`], and reads each credential's [`Status`].
//!
//! The pieces, one concept each:
//!
//! * [`StatusBits`], [`StatusIndex`], [`Status`]: the typed values (1/2/4/8 bits per entry, an
//!   entry's position, VALID/INVALID/SUSPENDED or an application value).
//! * [`StatusList`]: the packed entries (index 0 in the least significant bits of byte 0),
//!   get/set by index, the JSON `{"bits", "lst", "aggregation_uri"}` object with `lst` as
//!   base64url of the zlib-compressed bytes.
//! * [`StatusListToken`] / [`VerifiedStatusList`]: the JWT, signed with any
//!   [`Signer`](crate::crypto::Signer) and verified with a provider, a key, [`TimeRules`]
//!   and the URI the credential referenced.
//! * [`StatusReference`] and [`StatusListUri`]: the credential's side.
//!
//! Decoding is guarded: JSON goes through [`crate::json`] (1 MiB, depth 64); `lst` must be one
//! complete zlib stream with nothing after it; and inflating stops with
//! [`StatusListError::TooLarge`](crate::StatusListError::TooLarge)(crate::StatusListError::TooLarge) past [`MAX_LIST_BYTES`], so
//! a zlib bomb costs at most that much memory.
//!
//! The CBOR/CWT forms of the draft are not implemented here (the crate has no CBOR
//! dependency); [`StatusList::compress`] and [`StatusList::from_compressed`] give the raw
//! `lst` bytes a CBOR layer would carry.
//!
//! [`TimeRules`]: crate::jwt::TimeRules
//!
//! ```
//! use myna_vc_core::status_list::{Status, StatusBits, StatusIndex, StatusList};
//! // The draft's first example: 16 one-bit entries, bytes 0xB9 0xA3.
//! let list = StatusList::from_json_bytes(br#"{"bits": 1, "lst": "eNrbuRgAAhcBXQ"}"#)?;
//! assert_eq!(list.len(), 16);
//! let revoked: Vec<u64> = (0..16)
//!     .filter(|&i| list.get(StatusIndex::new(i)) == Ok(Status::INVALID))
//!     .collect();
//! assert_eq!(revoked, [0, 3, 4, 5, 7, 8, 9, 13, 15]);
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

mod compression;
mod list;
mod reference;
mod status;
mod token;
mod uri;

pub use list::StatusList;
pub use reference::StatusReference;
pub use status::{Status, StatusBits, StatusIndex};
pub use token::{StatusListToken, VerifiedStatusList, STATUS_LIST_JWT_TYP};
pub use uri::StatusListUri;

/// The largest uncompressed Status List byte array this crate builds or inflates: 16 MiB.
///
/// That is 134,217,728 one-bit entries (more than the draft's largest size example, 100
/// million) or 16,777,216 eight-bit ones. It bounds the memory a hostile `lst` (a zlib bomb)
/// can make a verifier allocate. Note that the compressed form is further bounded by the
/// 1 MiB input limit ([`crate::json::MAX_INPUT_BYTES`]).
///
/// ```
/// assert_eq!(myna_vc_core::status_list::MAX_LIST_BYTES, 16 * 1024 * 1024);
/// ```
pub const MAX_LIST_BYTES: usize = 16 * 1024 * 1024;
