//! The typed values of a Status List: how wide an entry is, where it is, and what it says.

use core::fmt;

use crate::error::{Error, Result, StatusListError};

/// Bits per entry of a Status List: 1, 2, 4 or 8, nothing else (draft §4.1 step 1).
///
/// Because every width divides 8, an entry never straddles two bytes.
///
/// ```
/// use myna_vc_core::status_list::StatusBits;
/// let two = StatusBits::new(2)?;
/// assert_eq!(two, StatusBits::Two);
/// assert_eq!(two.get(), 2);
/// assert_eq!(two.entries_per_byte(), 4);
/// assert_eq!(two.max_value(), 3);
/// assert!(StatusBits::new(3).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusBits {
    /// One bit: VALID or INVALID.
    One,
    /// Two bits: room for SUSPENDED and one application-specific value.
    Two,
    /// Four bits: sixteen values.
    Four,
    /// Eight bits: one byte per entry.
    Eight,
}

impl StatusBits {
    /// Parses a `bits` value; anything but 1, 2, 4 or 8 is [`StatusListError::UnsupportedBits`].
    ///
    /// ```
    /// use myna_vc_core::{status_list::StatusBits, Error};
    /// assert_eq!(StatusBits::new(8)?, StatusBits::Eight);
    /// assert_eq!(StatusBits::new(16), Err(Error::StatusList(myna_vc_core::StatusListError::UnsupportedBits(16))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(bits: u64) -> Result<Self> {
        match bits {
            1 => Ok(StatusBits::One),
            2 => Ok(StatusBits::Two),
            4 => Ok(StatusBits::Four),
            8 => Ok(StatusBits::Eight),
            other => Err(Error::StatusList(StatusListError::UnsupportedBits(other))),
        }
    }

    /// The number of bits, as written in the JSON `bits` member.
    ///
    /// ```
    /// assert_eq!(myna_vc_core::status_list::StatusBits::Four.get(), 4);
    /// ```
    pub const fn get(self) -> u8 {
        match self {
            StatusBits::One => 1,
            StatusBits::Two => 2,
            StatusBits::Four => 4,
            StatusBits::Eight => 8,
        }
    }

    /// How many entries share one byte of the list (8, 4, 2 or 1).
    ///
    /// ```
    /// assert_eq!(myna_vc_core::status_list::StatusBits::One.entries_per_byte(), 8);
    /// ```
    pub const fn entries_per_byte(self) -> usize {
        8 / self.get() as usize
    }

    /// The largest status value an entry of this width holds (1, 3, 15 or 255).
    ///
    /// ```
    /// assert_eq!(myna_vc_core::status_list::StatusBits::Eight.max_value(), 255);
    /// ```
    pub const fn max_value(self) -> u8 {
        match self {
            StatusBits::One => 0x01,
            StatusBits::Two => 0x03,
            StatusBits::Four => 0x0f,
            StatusBits::Eight => 0xff,
        }
    }

    /// Whether `status` fits in an entry of this width.
    ///
    /// ```
    /// use myna_vc_core::status_list::{Status, StatusBits};
    /// assert!(StatusBits::Two.fits(Status::SUSPENDED));
    /// assert!(!StatusBits::One.fits(Status::SUSPENDED));
    /// ```
    pub const fn fits(self, status: Status) -> bool {
        status.value() <= self.max_value()
    }
}

impl TryFrom<u8> for StatusBits {
    type Error = Error;

    /// Same as [`StatusBits::new`].
    fn try_from(bits: u8) -> Result<Self> {
        StatusBits::new(u64::from(bits))
    }
}

impl fmt::Display for StatusBits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.get())
    }
}

/// The position of a Referenced Token's entry in a Status List (the `idx` claim).
///
/// It is a non-negative integer as the draft requires; whether it lies inside a given list is
/// decided by that list ([`StatusListError::IndexOutOfRange`] otherwise).
///
/// ```
/// use myna_vc_core::status_list::StatusIndex;
/// let idx = StatusIndex::new(1993);
/// assert_eq!(idx.get(), 1993);
/// assert_eq!(idx.to_string(), "1993");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatusIndex(u64);

impl StatusIndex {
    /// The index `idx`.
    ///
    /// ```
    /// use myna_vc_core::status_list::StatusIndex;
    /// assert!(StatusIndex::new(2) < StatusIndex::new(10));
    /// ```
    pub const fn new(idx: u64) -> Self {
        StatusIndex(idx)
    }

    /// The index as a number.
    ///
    /// ```
    /// assert_eq!(myna_vc_core::status_list::StatusIndex::new(1993).get(), 1993);
    /// ```
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u32> for StatusIndex {
    /// Any `u32` is an index.
    ///
    /// ```
    /// use myna_vc_core::status_list::StatusIndex;
    /// assert_eq!(StatusIndex::from(7u32), StatusIndex::new(7));
    /// ```
    fn from(idx: u32) -> Self {
        StatusIndex(u64::from(idx))
    }
}

impl fmt::Display for StatusIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A Status Type value (draft §7): what the list says about one Referenced Token.
///
/// The registered values have constants; 0x03 and 0x0C–0x0F are reserved for applications, and
/// every other value is kept as is (it is reserved for future registration, not an error: the
/// caller decides what an unknown status means, and anything but [`Status::VALID`] should be
/// treated as "not valid").
///
/// ```
/// use myna_vc_core::status_list::Status;
/// assert!(Status::VALID.is_valid());
/// assert!(!Status::SUSPENDED.is_valid());
/// assert_eq!(Status::new(0x02), Status::SUSPENDED);
/// assert!(Status::new(0x0c).is_application_specific());
/// assert_eq!(Status::INVALID.to_string(), "INVALID");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Status(u8);

impl Status {
    /// 0x00: the token is valid.
    pub const VALID: Status = Status(0x00);
    /// 0x01: the token is revoked, annulled or cancelled.
    pub const INVALID: Status = Status(0x01);
    /// 0x02: the token is temporarily invalid.
    pub const SUSPENDED: Status = Status(0x02);

    /// The status with numeric value `value`.
    ///
    /// ```
    /// use myna_vc_core::status_list::Status;
    /// assert_eq!(Status::new(0x01), Status::INVALID);
    /// assert_eq!(Status::new(0x42).to_string(), "unregistered 0x42");
    /// ```
    pub const fn new(value: u8) -> Self {
        Status(value)
    }

    /// The numeric value.
    ///
    /// ```
    /// assert_eq!(myna_vc_core::status_list::Status::SUSPENDED.value(), 2);
    /// ```
    pub const fn value(self) -> u8 {
        self.0
    }

    /// Whether this is exactly VALID (0x00); every other value, known or not, is not.
    ///
    /// ```
    /// use myna_vc_core::status_list::Status;
    /// assert!(Status::VALID.is_valid());
    /// assert!(!Status::new(0x0c).is_valid());
    /// ```
    pub const fn is_valid(self) -> bool {
        self.0 == Status::VALID.0
    }

    /// Whether the value is one the draft reserves for applications (0x03, 0x0C–0x0F).
    ///
    /// ```
    /// use myna_vc_core::status_list::Status;
    /// assert!(Status::new(0x03).is_application_specific());
    /// assert!(!Status::new(0x04).is_application_specific());
    /// ```
    pub const fn is_application_specific(self) -> bool {
        matches!(self.0, 0x03 | 0x0c..=0x0f)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Status::VALID => f.write_str("VALID"),
            Status::INVALID => f.write_str("INVALID"),
            Status::SUSPENDED => f.write_str("SUSPENDED"),
            other if other.is_application_specific() => {
                write!(f, "application-specific {:#04x}", other.0)
            }
            other => write!(f, "unregistered {:#04x}", other.0),
        }
    }
}
