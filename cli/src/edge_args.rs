//! The flags of the server loop's limits against hostile clients, the same for `myna issuer
//! serve` and `myna verify serve` (one struct, flattened into both). A flag that is given
//! overrides the value it names: for the issuer, its configuration file's `[edge]` table; for
//! the verifier, the defaults of [`EdgeConfig`].

use myna_edge::EdgeConfig;

/// `--max-connections`, `--rate-per-client`, … (see [`EdgeConfig`] for what each limits).
///
/// ```
/// use clap::Parser;
/// use myna::edge_args::EdgeArgs;
/// #[derive(Parser)]
/// struct Serve {
///     #[command(flatten)]
///     edge: EdgeArgs,
/// }
/// let serve = Serve::try_parse_from(["serve", "--rate-per-client", "50", "--header-timeout", "5"])?;
/// let mut config = myna_edge::EdgeConfig::default();
/// serve.edge.apply(&mut config);
/// assert_eq!((config.requests_per_second_per_client, config.header_read_timeout_secs), (50, 5));
/// assert_eq!(config.max_connections, 1024, "what no flag names is left as it was");
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Limits against hostile clients")]
pub struct EdgeArgs {
    /// Open connections in all; past it a new connection is refused (503) and logged
    /// [default: 1024]
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Open connections of one client (an IP address; IPv6: its /64) [default: 64]
    #[arg(long, value_name = "N")]
    pub max_connections_per_client: Option<usize>,
    /// Seconds a connection has to send a whole request head; then it is closed
    /// [default: 10]
    #[arg(long, value_name = "SECS")]
    pub header_timeout: Option<u64>,
    /// Seconds a request body may go without a byte; then 408 [default: 20]
    #[arg(long, value_name = "SECS")]
    pub body_timeout: Option<u64>,
    /// Seconds a kept-alive connection may wait for its next request; then it is closed
    /// [default: 60]
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<u64>,
    /// Requests per second one client may make on average; past it 429 with Retry-After
    /// [default: 20]
    #[arg(long, value_name = "N")]
    pub rate_per_client: Option<u32>,
    /// Requests one client may make at once after a quiet spell [default: 100]
    #[arg(long, value_name = "N")]
    pub burst_per_client: Option<u32>,
    /// Requests per second of all clients together [default: 2000]
    #[arg(long, value_name = "N")]
    pub rate: Option<u32>,
    /// Seconds a shutdown (SIGTERM, SIGINT) waits for requests in flight before it drops
    /// every connection [default: 5]
    #[arg(long, value_name = "SECS")]
    pub shutdown_grace: Option<u64>,
}

impl EdgeArgs {
    /// Sets in `config` every value a flag gave.
    pub fn apply(&self, config: &mut EdgeConfig) {
        let set = |slot: &mut u64, flag: Option<u64>| {
            if let Some(value) = flag {
                *slot = value;
            }
        };
        set(&mut config.header_read_timeout_secs, self.header_timeout);
        set(&mut config.body_read_timeout_secs, self.body_timeout);
        set(&mut config.idle_timeout_secs, self.idle_timeout);
        set(&mut config.shutdown_grace_secs, self.shutdown_grace);
        if let Some(n) = self.max_connections {
            config.max_connections = n;
        }
        if let Some(n) = self.max_connections_per_client {
            config.max_connections_per_client = n;
        }
        if let Some(n) = self.rate_per_client {
            config.requests_per_second_per_client = n;
        }
        if let Some(n) = self.burst_per_client {
            config.burst_per_client = n;
        }
        if let Some(n) = self.rate {
            config.requests_per_second = n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    /// A serve command.
    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        edge: EdgeArgs,
    }

    /// The defaults the help names are the product's.
    #[test]
    fn the_help_names_the_real_defaults() {
        let rendered = Serve::command().render_long_help().to_string();
        let heading = "Limits against hostile clients:";
        let help = &rendered[rendered.find(heading).unwrap()..];
        let defaults = EdgeConfig::default();
        for (flag, default) in [
            ("--max-connections ", defaults.max_connections.to_string()),
            (
                "--max-connections-per-client",
                defaults.max_connections_per_client.to_string(),
            ),
            (
                "--header-timeout",
                defaults.header_read_timeout_secs.to_string(),
            ),
            (
                "--body-timeout",
                defaults.body_read_timeout_secs.to_string(),
            ),
            ("--idle-timeout", defaults.idle_timeout_secs.to_string()),
            (
                "--rate-per-client",
                defaults.requests_per_second_per_client.to_string(),
            ),
            ("--burst-per-client", defaults.burst_per_client.to_string()),
            ("--rate ", defaults.requests_per_second.to_string()),
            ("--shutdown-grace", defaults.shutdown_grace_secs.to_string()),
        ] {
            let start = help
                .find(flag)
                .unwrap_or_else(|| panic!("{flag} in {help}"));
            let entry = &help[start..];
            let end = entry.find("\n\n").unwrap_or(entry.len());
            assert!(
                entry[..end].contains(&format!("[default: {default}]")),
                "{flag}: {}",
                &entry[..end]
            );
        }
    }

    #[test]
    fn every_flag_reaches_its_field() {
        let serve = Serve::try_parse_from([
            "serve",
            "--max-connections",
            "10",
            "--max-connections-per-client",
            "2",
            "--header-timeout",
            "3",
            "--body-timeout",
            "4",
            "--idle-timeout",
            "5",
            "--rate-per-client",
            "6",
            "--burst-per-client",
            "7",
            "--rate",
            "8",
            "--shutdown-grace",
            "9",
        ])
        .unwrap();
        let mut config = EdgeConfig::default();
        serve.edge.apply(&mut config);
        let expected = EdgeConfig {
            max_connections: 10,
            max_connections_per_client: 2,
            header_read_timeout_secs: 3,
            body_read_timeout_secs: 4,
            idle_timeout_secs: 5,
            requests_per_second_per_client: 6,
            burst_per_client: 7,
            requests_per_second: 8,
            shutdown_grace_secs: 9,
            ..EdgeConfig::default()
        };
        assert_eq!(config, expected);
    }
}
