//! ISO/IEC 7816-4 command and response APDUs, short and extended.
//!
//! ```
//! use myna_jpki::apdu::{Command, Response, StatusWord};
//! let select = Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(vec![0x00, 0x0A]);
//! assert_eq!(select.to_bytes()?, [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A]);
//! assert_eq!(Command::parse(&select.to_bytes()?)?, select);
//! let r = Response::parse(&[0x63, 0xC2])?;
//! assert_eq!(r.status.tries_left(), Some(2));
//! assert!(Command::parse(&[0x00, 0xA4]).is_err());
//! # Ok::<(), myna_jpki::Error>(())
//! ```

use core::fmt;

use zeroize::Zeroize;

use crate::error::{Error, Result};

pub use crate::status_word::StatusWord;

/// The largest data field of a command (extended Lc).
pub const MAX_COMMAND_DATA: usize = 65_535;
/// The largest command APDU: header, extended Lc, data, extended Le.
pub const MAX_COMMAND_BYTES: usize = 4 + 3 + MAX_COMMAND_DATA + 2;
/// The largest response APDU: 65 536 data bytes and the status word.
pub const MAX_RESPONSE_BYTES: usize = 65_536 + 2;

/// A command APDU.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// The data field (empty for none).
    pub data: Vec<u8>,
    /// Ne, the number of response bytes expected (`None`: no response data expected;
    /// 256 or 65 536 encode as `00` / `0000`).
    pub le: Option<u32>,
}

// The data of VERIFY is a PIN: wipe it when the command is dropped.
impl Drop for Command {
    fn drop(&mut self) {
        self.data.zeroize();
    }
}

// The data of VERIFY is a PIN: never print it.
impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Command({:02X} {:02X} {:02X} {:02X}, {} data bytes, le {:?})",
            self.cla,
            self.ins,
            self.p1,
            self.p2,
            self.data.len(),
            self.le
        )
    }
}

impl Command {
    /// A command with no data and no Le (case 1).
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Command {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    /// Sets the data field.
    pub fn with_data(mut self, data: Vec<u8>) -> Command {
        self.data = data;
        self
    }

    /// Sets Ne (1 to 65 536).
    pub fn with_le(mut self, le: u32) -> Command {
        self.le = Some(le);
        self
    }

    /// Encodes it: short form when the data is at most 255 bytes and Ne at most 256,
    /// extended form otherwise.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let n = self.data.len();
        if n > MAX_COMMAND_DATA {
            return Err(Error::MalformedApdu(format!(
                "{n} data bytes, at most {MAX_COMMAND_DATA}"
            )));
        }
        if let Some(le) = self.le {
            if !(1..=65_536).contains(&le) {
                return Err(Error::MalformedApdu(format!(
                    "Ne of {le}, must be 1 to 65536"
                )));
            }
        }
        let extended = n > 255 || self.le.is_some_and(|le| le > 256);
        let mut out = Vec::with_capacity(4 + 3 + n + 2);
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        // Lengths are range-checked above; the casts keep the low bytes as ISO 7816-4 says.
        if extended {
            if n > 0 {
                out.extend_from_slice(&[0x00, (n >> 8) as u8, n as u8]);
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                if n == 0 {
                    out.push(0x00);
                }
                out.extend_from_slice(&[(le >> 8) as u8, le as u8]);
            }
        } else {
            if n > 0 {
                out.push(n as u8);
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                out.push(le as u8);
            }
        }
        Ok(out)
    }

    /// Parses a command APDU of any of the seven ISO 7816-3 cases.
    pub fn parse(bytes: &[u8]) -> Result<Command> {
        Error::check_size("command APDU", bytes.len(), MAX_COMMAND_BYTES)?;
        let Some((&[cla, ins, p1, p2], body)) = bytes.split_first_chunk::<4>() else {
            return Err(Error::MalformedApdu(
                "shorter than the four header bytes".into(),
            ));
        };
        let mut command = Command::new(cla, ins, p1, p2);
        match body {
            [] => {}
            [le] => command.le = Some(short_ne(*le)),
            [0x00, rest @ ..] if rest.len() >= 2 => parse_extended(&mut command, rest)?,
            [lc, rest @ ..] => {
                let lc = usize::from(*lc);
                if lc == 0 {
                    return Err(Error::MalformedApdu("Lc of zero".into()));
                }
                let (data, le) = rest
                    .split_at_checked(lc)
                    .ok_or_else(|| Error::MalformedApdu("data shorter than Lc".into()))?;
                command.data = data.to_vec();
                command.le = match le {
                    [] => None,
                    [le] => Some(short_ne(*le)),
                    _ => return Err(Error::MalformedApdu("bytes after Le".into())),
                };
            }
        }
        Ok(command)
    }
}

fn short_ne(le: u8) -> u32 {
    if le == 0 {
        256
    } else {
        u32::from(le)
    }
}

fn extended_ne(hi: u8, lo: u8) -> u32 {
    match u32::from(u16::from_be_bytes([hi, lo])) {
        0 => 65_536,
        n => n,
    }
}

/// The body after the `00` marker of an extended APDU: `Le2`, or `Lc2 data [Le2]`.
fn parse_extended(command: &mut Command, rest: &[u8]) -> Result<()> {
    if let [hi, lo] = rest {
        command.le = Some(extended_ne(*hi, *lo));
        return Ok(());
    }
    let Some((&[hi, lo], after)) = rest.split_first_chunk::<2>() else {
        return Err(Error::MalformedApdu("truncated extended Lc".into()));
    };
    let lc = usize::from(u16::from_be_bytes([hi, lo]));
    if lc == 0 {
        return Err(Error::MalformedApdu("extended Lc of zero".into()));
    }
    let (data, le) = after
        .split_at_checked(lc)
        .ok_or_else(|| Error::MalformedApdu("data shorter than Lc".into()))?;
    command.data = data.to_vec();
    command.le = match le {
        [] => None,
        [hi, lo] => Some(extended_ne(*hi, *lo)),
        _ => return Err(Error::MalformedApdu("extended Le must be two bytes".into())),
    };
    Ok(())
}

/// A response APDU: data and status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// The response data.
    pub data: Vec<u8>,
    /// The status word.
    pub status: StatusWord,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Response({} data bytes, {})",
            self.data.len(),
            self.status
        )
    }
}

impl Response {
    /// A response with only a status word.
    pub fn status(status: StatusWord) -> Response {
        Response {
            data: Vec::new(),
            status,
        }
    }

    /// A 9000 response with data.
    pub fn success(data: Vec<u8>) -> Response {
        Response {
            data,
            status: StatusWord::SUCCESS,
        }
    }

    /// Parses `data || SW1 SW2`.
    pub fn parse(bytes: &[u8]) -> Result<Response> {
        Error::check_size("response APDU", bytes.len(), MAX_RESPONSE_BYTES)?;
        let Some((data, &[sw1, sw2])) = bytes.split_last_chunk::<2>() else {
            return Err(Error::MalformedApdu(
                "a response has at least the two status bytes".into(),
            ));
        };
        Ok(Response {
            data: data.to_vec(),
            status: StatusWord(u16::from_be_bytes([sw1, sw2])),
        })
    }

    /// `data || SW1 SW2`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.status.0.to_be_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_seven_cases() {
        let cases: [(&[u8], usize, Option<u32>); 7] = [
            (&[0, 1, 2, 3], 0, None),
            (&[0, 1, 2, 3, 0x00], 0, Some(256)),
            (&[0, 1, 2, 3, 0x02, 9, 9], 2, None),
            (&[0, 1, 2, 3, 0x02, 9, 9, 0x10], 2, Some(16)),
            (&[0, 1, 2, 3, 0x00, 0x00, 0x00], 0, Some(65_536)),
            (&[0, 1, 2, 3, 0x00, 0x00, 0x02, 9, 9], 2, None),
            (
                &[0, 1, 2, 3, 0x00, 0x00, 0x02, 9, 9, 0x01, 0x00],
                2,
                Some(256),
            ),
        ];
        for (bytes, n, le) in cases {
            let c = Command::parse(bytes).unwrap();
            assert_eq!((c.data.len(), c.le), (n, le), "{bytes:02X?}");
        }
        assert!(Command::parse(&[0, 1, 2, 3, 0x03, 9, 9]).is_err());
        assert!(Command::parse(&[0, 1, 2, 3, 0x01, 9, 9, 9]).is_err());
        assert!(Command::parse(&vec![0; MAX_COMMAND_BYTES + 1]).is_err());
    }

    proptest! {
        #[test]
        fn encode_parse_round_trip(
            header in any::<[u8; 4]>(),
            data in proptest::collection::vec(any::<u8>(), 0..600),
            le in proptest::option::of(1u32..=65_536),
        ) {
            let command = Command { cla: header[0], ins: header[1], p1: header[2], p2: header[3], data, le };
            let bytes = command.to_bytes().unwrap();
            prop_assert_eq!(Command::parse(&bytes).unwrap(), command);
        }
    }
}
