//! How a command's error reaches the user: the error, then each cause on its own line, and a
//! non-zero exit code.
//!
//! ```text
//! myna: error: /etc/myna/issuer.toml (run `myna issuer init` first)
//! myna: caused by: No such file or directory (os error 2)
//! ```

use std::fmt::Write;
use std::process::ExitCode;

/// The text printed for `error`: `error: …`, then one `caused by: …` line per source, each
/// line prefixed with `program`.
///
/// ```
/// use anyhow::Context;
/// let error = Err::<(), _>(std::fmt::Error).context("writing the report").unwrap_err();
/// assert_eq!(
///     myna::report::describe("myna", &error),
///     "myna: error: writing the report\nmyna: caused by: an error occurred when formatting an argument\n"
/// );
/// ```
pub fn describe(program: &str, error: &anyhow::Error) -> String {
    let mut text = String::new();
    let mut chain = error.chain();
    if let Some(top) = chain.next() {
        // Writing to a String cannot fail.
        let _ = writeln!(text, "{program}: error: {top}");
    }
    for cause in chain {
        let _ = writeln!(text, "{program}: caused by: {cause}");
    }
    text
}

/// The exit code for a command's `outcome`, after printing its error (if any) to standard
/// error.
///
/// ```
/// use std::process::ExitCode;
/// assert_eq!(myna::report::exit_code("myna", Ok(())), ExitCode::SUCCESS);
/// assert_eq!(myna::report::exit_code("myna", Err(anyhow::anyhow!("no"))), ExitCode::FAILURE);
/// ```
pub fn exit_code(program: &str, outcome: anyhow::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("{}", describe(program, &error));
            ExitCode::FAILURE
        }
    }
}
