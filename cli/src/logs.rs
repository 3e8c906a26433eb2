//! The service commands' logs (`myna issuer serve`, `myna verify serve`): text or JSON lines
//! on standard output, filtered with tracing-subscriber's syntax, coloured only when standard
//! output is a terminal (a log file or a journal gets no escape codes). Every line written
//! while a request is served carries the client address and the request id (the server
//! loop's spans).

use std::io::IsTerminal;

use anyhow::{anyhow, Result};

/// `--log-json` and `--log FILTER`.
#[derive(Debug, Clone, clap::Args)]
pub struct LogArgs {
    /// Log as JSON lines instead of text.
    #[arg(long, env = "MYNA_LOG_JSON")]
    pub log_json: bool,
    /// Log filter (tracing-subscriber syntax), e.g. `info` or `myna_edge=debug,info`.
    #[arg(long, env = "MYNA_LOG", default_value = "info", value_name = "FILTER")]
    pub log: String,
}

impl LogArgs {
    /// Starts logging; fails for a filter that does not parse (or when logging was started
    /// already).
    ///
    /// ```
    /// let bad = myna::logs::LogArgs { log_json: false, log: "info,=[".into() };
    /// assert!(bad.init().is_err());
    /// ```
    pub fn init(&self) -> Result<()> {
        let mut filter = tracing_subscriber::EnvFilter::try_new(&self.log)
            .map_err(|e| anyhow!("--log {:?}: {e}", self.log))?;
        if !self.log.contains("refinery") {
            // The migration tool logs every migration's whole SQL text at info on each start;
            // one line of ours says which store opened. `--log refinery_core=info` brings it back.
            filter = filter.add_directive("refinery_core=warn".parse()?);
        }
        let builder = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::stdout().is_terminal());
        let result = if self.log_json {
            builder.json().try_init()
        } else {
            builder.try_init()
        };
        result.map_err(|e| anyhow!(e))
    }
}
