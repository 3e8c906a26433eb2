//! The one rule for a new passphrase, shared by everything that seals a secret under one: the
//! wallet's master secret and its exports (`myna-wallet`), the issuer's key file
//! (`myna-issuer`) and the command line that asks for them (`myna`).
//!
//! The rule applies when a secret is sealed for the first time; a passphrase chosen under an
//! older, shorter rule still opens what it sealed.
//!
//! ```
//! use myna_vc_core::passphrase::{check_new, MIN_PASSPHRASE_CHARS};
//! assert_eq!(MIN_PASSPHRASE_CHARS, 12);
//! assert!(check_new("correct horse battery").is_ok());
//! let weak = check_new("hunter2").unwrap_err();
//! assert_eq!(weak.to_string(), "the passphrase must have at least 12 characters (it has 7)");
//! // Characters, not bytes: twelve kana are enough, six are not.
//! assert!(check_new("まえばしのにわにはにわとり").is_ok());
//! assert!(check_new("まえばしし").is_err());
//! ```

/// The fewest characters (Unicode scalar values) a new passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// A new passphrase shorter than [`MIN_PASSPHRASE_CHARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the passphrase must have at least {min} characters (it has {given})")]
pub struct WeakPassphrase {
    /// The minimum, [`MIN_PASSPHRASE_CHARS`].
    pub min: usize,
    /// How many characters the refused passphrase has.
    pub given: usize,
}

/// Checks a passphrase about to seal a secret for the first time.
pub fn check_new(passphrase: &str) -> Result<(), WeakPassphrase> {
    let given = passphrase.chars().count();
    if given < MIN_PASSPHRASE_CHARS {
        return Err(WeakPassphrase {
            min: MIN_PASSPHRASE_CHARS,
            given,
        });
    }
    Ok(())
}
