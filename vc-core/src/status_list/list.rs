//! The Status List itself: packed entries, lookup and update by index, and its JSON form.

use core::fmt;

use serde_json::{Map, Value};

use crate::error::{Error, Result, StatusListError};
use crate::{b64, json};

use super::compression::{deflate, inflate};
use super::status::{Status, StatusBits, StatusIndex};
use super::uri::check_uri;
use super::MAX_LIST_BYTES;

/// What JSON errors about a Status List object name.
const WHAT: &str = "status list";
/// What base64 and size errors about `lst` name.
const WHAT_LST: &str = "status list `lst`";

/// A Status List: `bits` per entry, entries packed into bytes, index 0 in the least significant
/// bits of byte 0 (draft §4.1), plus the optional `aggregation_uri`.
///
/// The list has no length field of its own: its length is the byte count times the entries per
/// byte, so a list made for 10 one-bit entries holds 16.
///
/// ```
/// use myna_vc_core::status_list::{Status, StatusBits, StatusIndex, StatusList};
/// let mut list = StatusList::new(StatusBits::Two, 12)?;
/// list.set(StatusIndex::new(1), Status::SUSPENDED)?;
/// list.set(StatusIndex::new(3), Status::new(0x03))?;
/// assert_eq!(list.get(StatusIndex::new(1))?, Status::SUSPENDED);
/// assert_eq!(list.get(StatusIndex::new(0))?, Status::VALID);
/// assert_eq!(list.as_bytes(), &[0b1100_1000, 0, 0]);
///
/// let json = list.to_json()?;
/// assert_eq!(json["bits"], 2);
/// assert_eq!(StatusList::from_json(&json.into())?, list);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: StatusBits,
    bytes: Vec<u8>,
    aggregation_uri: Option<String>,
}

impl StatusList {
    /// A list of at least `len` entries, all [`Status::VALID`]; `len` is rounded up to a
    /// whole number of bytes. More than [`MAX_LIST_BYTES`] bytes is
    /// [`StatusListError::TooLarge`] (no decoder here would read such a list back).
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList};
    /// assert_eq!(StatusList::new(StatusBits::One, 10)?.len(), 16);
    /// assert_eq!(StatusList::new(StatusBits::Eight, 10)?.as_bytes().len(), 10);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn new(bits: StatusBits, len: usize) -> Result<Self> {
        let byte_len = len.div_ceil(bits.entries_per_byte());
        if byte_len > MAX_LIST_BYTES {
            return Err(Error::StatusList(StatusListError::TooLarge {
                limit: MAX_LIST_BYTES,
            }));
        }
        Self::from_bytes(bits, vec![0; byte_len])
    }

    /// A list over an already packed byte array (the uncompressed `lst`).
    ///
    /// ```
    /// use myna_vc_core::status_list::{Status, StatusBits, StatusIndex, StatusList};
    /// // The draft's 1-bit example: 0xB9 0xA3.
    /// let list = StatusList::from_bytes(StatusBits::One, vec![0xb9, 0xa3])?;
    /// assert_eq!(list.get(StatusIndex::new(0))?, Status::INVALID);
    /// assert_eq!(list.get(StatusIndex::new(1))?, Status::VALID);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_bytes(bits: StatusBits, bytes: Vec<u8>) -> Result<Self> {
        if bytes.len() > MAX_LIST_BYTES {
            return Err(Error::StatusList(StatusListError::TooLarge {
                limit: MAX_LIST_BYTES,
            }));
        }
        Ok(StatusList {
            bits,
            bytes,
            aggregation_uri: None,
        })
    }

    /// Sets the `aggregation_uri` (checked for URI syntax).
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList};
    /// let list = StatusList::new(StatusBits::One, 8)?
    ///     .with_aggregation_uri("https://example.com/statuslists")?;
    /// assert_eq!(list.aggregation_uri(), Some("https://example.com/statuslists"));
    /// assert_eq!(list.to_json()?["aggregation_uri"], "https://example.com/statuslists");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn with_aggregation_uri(mut self, uri: impl Into<String>) -> Result<Self> {
        let uri = uri.into();
        check_uri(&uri)?;
        self.aggregation_uri = Some(uri);
        Ok(self)
    }

    /// The `aggregation_uri`, if any.
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList};
    /// assert_eq!(StatusList::new(StatusBits::One, 8)?.aggregation_uri(), None);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn aggregation_uri(&self) -> Option<&str> {
        self.aggregation_uri.as_deref()
    }

    /// Bits per entry.
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList};
    /// assert_eq!(StatusList::new(StatusBits::Four, 2)?.bits(), StatusBits::Four);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn bits(&self) -> StatusBits {
        self.bits
    }

    /// The number of entries: bytes × entries per byte.
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList};
    /// assert_eq!(StatusList::new(StatusBits::Two, 1_000)?.len(), 1_000);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.bytes.len() * self.bits.entries_per_byte()
    }

    /// Whether the list has no entries at all.
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList};
    /// assert!(StatusList::new(StatusBits::One, 0)?.is_empty());
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The packed, uncompressed byte array.
    ///
    /// ```
    /// use myna_vc_core::status_list::{Status, StatusBits, StatusIndex, StatusList};
    /// let mut list = StatusList::new(StatusBits::Four, 4)?;
    /// list.set(StatusIndex::new(3), Status::new(0x0f))?;
    /// assert_eq!(list.as_bytes(), &[0x00, 0xf0]);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The status at `index`; past the end is [`StatusListError::IndexOutOfRange`].
    ///
    /// ```
    /// use myna_vc_core::{status_list::{StatusBits, StatusIndex, StatusList}, Error};
    /// let list = StatusList::new(StatusBits::One, 8)?;
    /// assert!(list.get(StatusIndex::new(7))?.is_valid());
    /// assert_eq!(list.get(StatusIndex::new(8)),
    ///            Err(Error::StatusList(myna_vc_core::StatusListError::IndexOutOfRange { index: 8, len: 8 })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn get(&self, index: StatusIndex) -> Result<Status> {
        let (byte, shift) = self.locate(index)?;
        let value = self
            .bytes
            .get(byte)
            .map_or(0, |b| (b >> shift) & self.bits.max_value());
        Ok(Status::new(value))
    }

    /// Sets the status at `index`. A status wider than the list's bits is
    /// [`StatusListError::TooWide`]; past the end is [`StatusListError::IndexOutOfRange`].
    ///
    /// ```
    /// use myna_vc_core::{status_list::{Status, StatusBits, StatusIndex, StatusList}, Error};
    /// let mut list = StatusList::new(StatusBits::One, 8)?;
    /// list.set(StatusIndex::new(3), Status::INVALID)?;
    /// assert_eq!(list.as_bytes(), &[0b0000_1000]);
    /// assert_eq!(list.set(StatusIndex::new(3), Status::SUSPENDED),
    ///            Err(Error::StatusList(myna_vc_core::StatusListError::TooWide { status: 2, bits: 1 })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn set(&mut self, index: StatusIndex, status: Status) -> Result<()> {
        if !self.bits.fits(status) {
            return Err(Error::StatusList(StatusListError::TooWide {
                status: status.value(),
                bits: self.bits.get(),
            }));
        }
        let (byte, shift) = self.locate(index)?;
        let mask = self.bits.max_value() << shift;
        if let Some(b) = self.bytes.get_mut(byte) {
            *b = (*b & !mask) | (status.value() << shift);
        }
        Ok(())
    }

    /// The byte holding `index` and the shift of its entry within that byte.
    fn locate(&self, index: StatusIndex) -> Result<(usize, u32)> {
        let len = self.len();
        let out_of_range = || {
            Error::StatusList(StatusListError::IndexOutOfRange {
                index: index.get(),
                len: len as u64,
            })
        };
        let i = usize::try_from(index.get()).map_err(|_| out_of_range())?;
        if i >= len {
            return Err(out_of_range());
        }
        let per_byte = self.bits.entries_per_byte();
        // Both factors are below 8, so the shift fits any integer type.
        let shift = (i % per_byte) as u32 * u32::from(self.bits.get());
        Ok((i / per_byte, shift))
    }

    /// The byte array compressed with zlib at the highest level: the bytes that `lst` carries
    /// (base64url in JSON, as a byte string in CBOR).
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList};
    /// let list = StatusList::from_bytes(StatusBits::One, vec![0xb9, 0xa3])?;
    /// let compressed = list.compress()?;
    /// assert_eq!(compressed[0], 0x78); // a zlib header
    /// assert_eq!(StatusList::from_compressed(StatusBits::One, &compressed)?, list);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn compress(&self) -> Result<Vec<u8>> {
        deflate(&self.bytes)
    }

    /// A list from its zlib-compressed byte array. Input over [`crate::json::MAX_INPUT_BYTES`]
    /// is [`InputError::TooLarge`](crate::InputError::TooLarge); an inflated array over [`MAX_LIST_BYTES`] is
    /// [`StatusListError::TooLarge`]; a corrupt, truncated or trailing-garbage stream is
    /// [`StatusListError::Compression`].
    ///
    /// ```
    /// use myna_vc_core::{status_list::{StatusBits, StatusList}, Error};
    /// let err = StatusList::from_compressed(StatusBits::One, b"not zlib").unwrap_err();
    /// assert!(matches!(err, Error::StatusList(myna_vc_core::StatusListError::Compression(_))));
    /// ```
    pub fn from_compressed(bits: StatusBits, compressed: &[u8]) -> Result<Self> {
        json::check_size(WHAT_LST, compressed.len())?;
        Self::from_bytes(bits, inflate(compressed)?)
    }

    /// The JSON `StatusList` object: `bits`, base64url `lst`, and `aggregation_uri` if set.
    ///
    /// ```
    /// use myna_vc_core::status_list::{StatusBits, StatusList};
    /// let json = StatusList::from_bytes(StatusBits::One, vec![0xb9, 0xa3])?.to_json()?;
    /// assert_eq!(json["bits"], 1);
    /// assert!(json["lst"].as_str().unwrap().starts_with("eN")); // base64url of 0x78 …
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn to_json(&self) -> Result<Map<String, Value>> {
        let mut map = Map::new();
        map.insert("bits".into(), Value::from(self.bits.get()));
        map.insert("lst".into(), Value::String(b64::encode(self.compress()?)));
        if let Some(uri) = &self.aggregation_uri {
            map.insert("aggregation_uri".into(), Value::String(uri.clone()));
        }
        Ok(map)
    }

    /// Reads a JSON `StatusList` object (already parsed). Unknown members are ignored, as the
    /// draft lets the object grow.
    ///
    /// ```
    /// use myna_vc_core::status_list::{Status, StatusIndex, StatusList};
    /// let json = serde_json::json!({"bits": 2, "lst": "eNo76fITAAPfAgc"});
    /// let list = StatusList::from_json(&json)?;
    /// assert_eq!(list.as_bytes(), &[0xc9, 0x44, 0xf9]);
    /// assert_eq!(list.get(StatusIndex::new(1))?, Status::SUSPENDED);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_json(value: &Value) -> Result<Self> {
        let Value::Object(map) = value else {
            return Err(Error::not_an_object(WHAT));
        };
        let bits = match map.get("bits") {
            None => return Err(Error::missing_member(WHAT, "bits")),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| Error::member_type(WHAT, "bits", "a non-negative integer"))?,
        };
        let bits = StatusBits::new(bits)?;
        let lst = match map.get("lst") {
            None => return Err(Error::missing_member(WHAT, "lst")),
            Some(Value::String(lst)) => lst,
            Some(_) => return Err(Error::member_type(WHAT, "lst", "a string")),
        };
        json::check_size(WHAT_LST, lst.len())?;
        let list = Self::from_compressed(bits, &b64::decode(lst, WHAT_LST)?)?;
        match map.get("aggregation_uri") {
            None => Ok(list),
            Some(Value::String(uri)) => list.with_aggregation_uri(uri.as_str()),
            Some(_) => Err(Error::member_type(WHAT, "aggregation_uri", "a string")),
        }
    }

    /// Parses a JSON `StatusList` object from bytes through the guarded parser
    /// ([`crate::json::parse`]): over 1 MiB or nested too deeply is refused up front.
    ///
    /// ```
    /// use myna_vc_core::{status_list::StatusList, Error};
    /// let list = StatusList::from_json_bytes(br#"{"bits": 1, "lst": "eNrbuRgAAhcBXQ"}"#)?;
    /// assert_eq!(list.as_bytes(), &[0xb9, 0xa3]);
    /// assert!(matches!(StatusList::from_json_bytes(b"{\"bits\": 1, \"lst\": \"!!\"}"),
    ///                  Err(Error::Input(myna_vc_core::InputError::Base64 { .. }))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_json(&json::parse(bytes, WHAT)?)
    }
}

impl fmt::Debug for StatusList {
    /// A summary, not the (possibly megabytes of) entries.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusList")
            .field("bits", &self.bits.get())
            .field("len", &self.len())
            .field("aggregation_uri", &self.aggregation_uri)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_width_packs_from_the_least_significant_bit() {
        for (bits, expected) in [
            (StatusBits::One, 0b0000_0010u8),
            (StatusBits::Two, 0b0000_0100),
            (StatusBits::Four, 0b0001_0000),
            (StatusBits::Eight, 0b0000_0000),
        ] {
            let mut list = StatusList::new(bits, 8).unwrap();
            list.set(StatusIndex::new(1), Status::INVALID).unwrap();
            assert_eq!(list.as_bytes()[0], expected, "bits {bits}");
            assert_eq!(list.get(StatusIndex::new(1)).unwrap(), Status::INVALID);
            assert_eq!(list.get(StatusIndex::new(0)).unwrap(), Status::VALID);
        }
    }

    #[test]
    fn set_overwrites_only_its_own_entry() {
        let mut list = StatusList::from_bytes(StatusBits::Four, vec![0xff, 0xff]).unwrap();
        list.set(StatusIndex::new(2), Status::new(0x05)).unwrap();
        assert_eq!(list.as_bytes(), &[0xff, 0xf5]);
    }

    #[test]
    fn huge_indices_and_lists_are_typed_errors() {
        let list = StatusList::new(StatusBits::One, 8).unwrap();
        assert_eq!(
            list.get(StatusIndex::new(u64::MAX)),
            Err(Error::StatusList(StatusListError::IndexOutOfRange {
                index: u64::MAX,
                len: 8
            }))
        );
        assert_eq!(
            StatusList::new(StatusBits::Eight, MAX_LIST_BYTES + 1),
            Err(Error::StatusList(StatusListError::TooLarge {
                limit: MAX_LIST_BYTES
            }))
        );
        assert_eq!(
            StatusList::new(StatusBits::One, usize::MAX).map(|l| l.len()),
            Err(Error::StatusList(StatusListError::TooLarge {
                limit: MAX_LIST_BYTES
            }))
        );
    }

    #[test]
    fn debug_does_not_dump_the_entries() {
        let list = StatusList::new(StatusBits::One, 80).unwrap();
        assert_eq!(
            format!("{list:?}"),
            "StatusList { bits: 1, len: 80, aggregation_uri: None, .. }"
        );
    }
}
