//! The register token: an optional shared secret the point-of-sale systems present
//! (`Authorization: Bearer <token>`) to create presentation requests.
//!
//! Only its SHA-256 digest is kept; a presented token is hashed and the digests are compared in
//! constant time, so neither the token's bytes nor its length leak through timing. The token
//! read from a file is wiped from memory once hashed.
//!
//! ```
//! use myna_verifier::register_token::{RegisterToken, RegisterTokenError};
//!
//! let token = RegisterToken::new("w8Jx0S2hQ-TZb1d6N3uV9kLqC4yE7fAa").unwrap();
//! assert!(token.matches("w8Jx0S2hQ-TZb1d6N3uV9kLqC4yE7fAa"));
//! assert!(!token.matches("w8Jx0S2hQ-TZb1d6N3uV9kLqC4yE7fAb"));
//! assert!(matches!(RegisterToken::new("short"), Err(RegisterTokenError::TooShort { .. })));
//! ```

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The fewest characters a register token may have (32 random base64url characters are 192
/// bits).
pub const MIN_TOKEN_CHARS: usize = 32;

/// The most characters a register token may have (it travels in a header).
pub const MAX_TOKEN_CHARS: usize = 512;

/// A register token, kept as its SHA-256 digest.
#[derive(Clone)]
pub struct RegisterToken {
    sha256: [u8; 32],
}

impl fmt::Debug for RegisterToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RegisterToken(..)")
    }
}

/// Why a register token was refused.
#[derive(Debug)]
pub enum RegisterTokenError {
    /// The token file could not be read.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Fewer than [`MIN_TOKEN_CHARS`] characters.
    TooShort {
        /// How many there are.
        chars: usize,
    },
    /// More than [`MAX_TOKEN_CHARS`] characters.
    TooLong,
    /// A character outside printable ASCII (`!` to `~`): it could not be sent in an
    /// `Authorization` header as written.
    NotPrintable,
}

impl fmt::Display for RegisterTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The I/O error is the source, shown after this by whoever prints the chain.
            RegisterTokenError::Unreadable { path, .. } => {
                write!(f, "cannot read the register token file {}", path.display())
            }
            RegisterTokenError::TooShort { chars } => write!(
                f,
                "the register token has {chars} characters; it needs at least {MIN_TOKEN_CHARS} \
                 (e.g. `openssl rand -base64 32`)"
            ),
            RegisterTokenError::TooLong => write!(
                f,
                "the register token has more than {MAX_TOKEN_CHARS} characters"
            ),
            RegisterTokenError::NotPrintable => f.write_str(
                "the register token may hold only printable ASCII characters (no spaces)",
            ),
        }
    }
}

impl std::error::Error for RegisterTokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RegisterTokenError::Unreadable { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl RegisterToken {
    /// A token from its text: [`MIN_TOKEN_CHARS`] to [`MAX_TOKEN_CHARS`] printable ASCII
    /// characters.
    pub fn new(token: &str) -> Result<Self, RegisterTokenError> {
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(RegisterTokenError::NotPrintable);
        }
        // Printable ASCII: one byte per character.
        if token.len() < MIN_TOKEN_CHARS {
            return Err(RegisterTokenError::TooShort { chars: token.len() });
        }
        if token.len() > MAX_TOKEN_CHARS {
            return Err(RegisterTokenError::TooLong);
        }
        Ok(RegisterToken {
            sha256: Sha256::digest(token.as_bytes()).into(),
        })
    }

    /// The token in `path` (one line; surrounding whitespace such as the final newline is
    /// ignored). The file is read once and its contents wiped from memory once hashed.
    pub fn from_file(path: &Path) -> Result<Self, RegisterTokenError> {
        let unreadable = |source| RegisterTokenError::Unreadable {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(unreadable)?;
        // Read a little past the longest token (room for a line ending and spaces), no more.
        let limit = u64::try_from(MAX_TOKEN_CHARS * 2).unwrap_or(u64::MAX);
        let mut bytes = Zeroizing::new(Vec::new());
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() > MAX_TOKEN_CHARS * 2 {
            return Err(RegisterTokenError::TooLong);
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| RegisterTokenError::NotPrintable)?;
        RegisterToken::new(text.trim())
    }

    /// Whether `presented` is this token (compared as SHA-256 digests, in constant time).
    pub fn matches(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        bool::from(digest.ct_eq(&self.sha256))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "0123456789abcdefghijklmnopqrstuv";

    #[test]
    fn a_token_file_with_a_final_newline_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.token");
        std::fs::write(&path, format!("{GOOD}\n")).unwrap();
        let token = RegisterToken::from_file(&path).unwrap();
        assert!(token.matches(GOOD));
        assert!(!token.matches(&format!("{GOOD}\n")));
        assert!(!token.matches(""));
    }

    #[test]
    fn short_long_unprintable_and_missing_tokens_are_refused() {
        assert!(matches!(
            RegisterToken::new(&GOOD[..31]),
            Err(RegisterTokenError::TooShort { chars: 31 })
        ));
        assert!(matches!(
            RegisterToken::new(&"a".repeat(MAX_TOKEN_CHARS + 1)),
            Err(RegisterTokenError::TooLong)
        ));
        assert!(matches!(
            RegisterToken::new(&format!("{GOOD} x")),
            Err(RegisterTokenError::NotPrintable)
        ));
        let missing = RegisterToken::from_file(Path::new("/nonexistent/register.token"));
        assert!(matches!(
            missing,
            Err(RegisterTokenError::Unreadable { .. })
        ));
        assert!(missing
            .unwrap_err()
            .to_string()
            .contains("/nonexistent/register.token"));
    }

    #[test]
    fn the_debug_form_shows_nothing_of_the_token() {
        let token = RegisterToken::new(GOOD).unwrap();
        assert_eq!(format!("{token:?}"), "RegisterToken(..)");
    }
}
