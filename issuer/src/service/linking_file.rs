//! J-LIS linking information from a file: which signature certificate belongs to which
//! authentication certificate of the same card (an export of J-LIS's linking service,
//! 紐付け情報), so that facts from a signature certificate go to the person anchored with the
//! authentication certificate.
//!
//! One pair per line, serials in hexadecimal (as printed by `openssl x509 -serial`),
//! separated by white space or a comma: `SIGNATURE_SERIAL AUTHENTICATION_SERIAL`. Blank lines
//! and lines starting with `#` are skipped.
//!
//! ```
//! use myna_issuer::service::linking_file::parse;
//! use myna_jpki::{certificate::SerialNumber, linking::LinkingInformation};
//! let linking = parse("# exported 2027-04-01\n067C6A21, 01F4\n")?;
//! let signature = SerialNumber::from_u64(0x067C_6A21)?;
//! assert_eq!(linking.authentication_for_signature(&signature)?, Some(SerialNumber::from_u64(500)?));
//! assert!(parse("067C6A21\n").is_err());
//! assert!(parse("XYZ 01\n").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use myna_jpki::certificate::SerialNumber;
use myna_jpki::linking::InMemoryLinking;

use super::ServiceError;

/// Parses a linking file; a malformed line is [`ServiceError::Config`] naming it.
pub fn parse(text: &str) -> Result<InMemoryLinking, ServiceError> {
    let mut linking = InMemoryLinking::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad =
            |why: &str| ServiceError::config(format!("linking file line {}: {why}", index + 1));
        let fields: Vec<&str> = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|f| !f.is_empty())
            .collect();
        let [signature, authentication] = fields.as_slice() else {
            return Err(bad("expected two serials"));
        };
        let signature = serial_from_hex(signature).map_err(&bad)?;
        let authentication = serial_from_hex(authentication).map_err(bad)?;
        linking.record_pair(signature, authentication);
    }
    Ok(linking)
}

/// A certificate serial in hexadecimal: the form `SerialNumber` prints (upper case, no
/// leading zero octets) and also lower case, leading zeros and a `0x` prefix; at most 20
/// octets, not zero. The admin API names a card by it (`card_serial`).
///
/// ```
/// use myna_issuer::service::linking_file::serial_from_hex;
/// use myna_jpki::certificate::SerialNumber;
/// let serial = SerialNumber::from_u64(0x067C_6A21)?;
/// assert_eq!(serial_from_hex(&serial.to_string()), Ok(serial));
/// assert_eq!(serial_from_hex("0x00067c6a21"), Ok(serial));
/// assert!(serial_from_hex("0").is_err());
/// assert!(serial_from_hex("12:34").is_err());
/// # Ok::<(), myna_jpki::Error>(())
/// ```
pub fn serial_from_hex(text: &str) -> Result<SerialNumber, &'static str> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.is_empty() || digits.len() > 42 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("a serial is 1 to 20 octets of hexadecimal");
    }
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_owned()
    };
    let mut bytes: Vec<u8> = padded
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).unwrap_or("00");
            u8::from_str_radix(text, 16).unwrap_or(0)
        })
        .collect();
    while bytes.first() == Some(&0) {
        bytes.remove(0);
    }
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    SerialNumber::from_der_content(&bytes)
        .map_err(|_| "not a valid serial (zero or over 20 octets)")
}
