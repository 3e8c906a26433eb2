//! `myna issuer …`: a municipality's issuer — any of Japan's municipalities and Tokyo's wards,
//! by the code, prefecture and name in its configuration — or a non-municipal operator's (a
//! DMO's fan club, a residents' association's shelter), which issues only the credential
//! types it lists and never resident, age or child-medical-subsidy credentials.
//!
//! * `myna issuer init` writes the data directory: a default `issuer.toml`, the signing keys
//!   sealed under the passphrase, and admin tokens (printed once, or written one per file with
//!   `--token-dir`; only their hashes are kept); `--json` reports it as JSON.
//! * `myna issuer serve` runs the HTTP service (with the staff console at `/console`;
//!   `--console-pkg DIR` adds the trustee's wasm package) until SIGINT/SIGTERM, then finishes the
//!   requests in flight (for at most the shutdown grace, then drops what is left), under
//!   the limits against hostile clients of its `[edge]` table and flags.
//! * `myna issuer batch` makes credential offers for a resident file, for mailed letters
//!   redeemable for days (resumable; bad lines are reported, not fatal; `--dry-run` checks).
//! * `myna issuer keys` and `myna issuer trust-entry` hand out the issuer's public key (JWK)
//!   and its signed trust-list entry (read from the sealed key file: they work while `serve`
//!   runs).
//! * `myna issuer publish --out DIR` writes what `serve` publishes (status lists, trust list,
//!   DID document, …) as static files for a CDN, with their headers in DIR/publish.json.
//!
//! Every flag has an environment variable (`MYNA_…`), and flags override the config file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use clap::{Parser, Subcommand};
use myna_issuer::service::config::{
    AdminRole, AdminTokenEntry, EscrowConfig, JpkiConfig, JpkiEnvironment, ServiceConfig,
    TrusteeEntry,
};
use myna_issuer::service::{self, JpkiSetup, Service, ServiceOptions, CONFIG_FILE};
use myna_jpki::linking::InMemoryLinking;
use myna_jpki::roots::RootSet;
use myna_jpki::validate::Validator;
use myna_vc_core::crypto::default_provider;
use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::time::SystemClock;
use zeroize::Zeroizing;

use crate::edge_args::EdgeArgs;
use crate::logs::LogArgs;
use crate::shutdown::{shutdown_signal, STOP_LEEWAY};

mod init_output;
mod publication;

/// Arguments of `myna issuer`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a data directory: default configuration, sealed keys, admin tokens.
    Init(Box<InitArgs>),
    /// Run the issuer HTTP service (OpenID4VCI, publication, consent registry, admin API,
    /// the staff console at /console) until SIGINT/SIGTERM. Its limits against hostile clients are issuer.toml's [edge]
    /// table; a flag given below overrides its key (the defaults shown apply when neither
    /// sets one).
    Serve(Box<ServeArgs>),
    /// Make credential offers for mailed letters, one per row of a resident file: bad lines
    /// are reported (not fatal), offers stay redeemable for days, a re-run resumes.
    Batch(Box<BatchArgs>),
    /// Call a running issuer's admin API: offers, revocation (by credential or by person),
    /// CRL imports, escrow openings, the audit log.
    Admin(Box<crate::admin::Args>),
    /// Print or write the issuer's public key as a JWK (with its kid and alg), for wallets
    /// and shops to pin. Reads the sealed key file only: works while `serve` runs.
    Keys(Box<publication::KeysArgs>),
    /// Write this issuer's trust-list entry (identity, key, credential types), signed with its
    /// issuer key, for the national trust-list authority (`myna trust-list sign --entry`).
    TrustEntry(Box<publication::TrustEntryArgs>),
    /// Write what `serve` publishes — the status lists, the trust list, the trust entry, the
    /// DID document and the issuer metadata — as static files under DIR, for a CDN or static
    /// host serving them under the public base URL.
    #[command(long_about = publication::PUBLISH_ABOUT)]
    Publish(Box<publication::PublishArgs>),
}

/// Where the data lives and how to open its keys.
#[derive(Debug, Parser)]
struct Common {
    /// The data directory (configuration, sealed keys, the redb store unless --database-url).
    #[arg(long, env = "MYNA_DATA_DIR", default_value = "./myna-issuer-data")]
    data_dir: PathBuf,
    /// The configuration file (default: issuer.toml in the data directory).
    #[arg(long, env = "MYNA_CONFIG")]
    config: Option<PathBuf>,
    /// The key passphrase (prefer --passphrase-file or MYNA_ISSUER_PASSPHRASE: flags show in
    /// `ps`). Without either flag it is read from MYNA_ISSUER_PASSPHRASE, then from the file
    /// MYNA_ISSUER_PASSPHRASE_FILE names, else asked without echo; a flag wins over the
    /// environment. A new key file needs at least 12 characters.
    #[arg(long)]
    passphrase: Option<String>,
    /// A file whose first line is the key passphrase (wins over the environment).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Keep the store in PostgreSQL instead of the data directory's redb file:
    /// postgres://USER:PASSWORD@HOST:PORT/DBNAME (overrides issuer.toml [database] url).
    /// Every instance given the same database and schema serves the same issuer, so several
    /// `myna issuer serve` can stand behind one load balancer (give each the same issuer.toml
    /// and keys.json). Prefer the environment variable: flags show in `ps`. The password is
    /// never printed.
    #[arg(
        long,
        env = "MYNA_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        value_parser = crate::database_url::DatabaseUrlParser
    )]
    database_url: Option<myna_postgres::DatabaseUrl>,
    /// The PostgreSQL schema of this issuer's tables, created if missing (overrides
    /// [database] schema; default: the server's, `public`).
    #[arg(long, env = "MYNA_DATABASE_SCHEMA", value_name = "NAME")]
    database_schema: Option<myna_postgres::SchemaName>,
}

impl Common {
    /// `--database-url` and `--database-schema` over issuer.toml's `[database]`.
    fn apply_database(&self, config: &mut ServiceConfig) {
        if let Some(url) = &self.database_url {
            config.database.get_or_insert_with(Default::default).url = Some(url.clone());
        }
        if let Some(schema) = &self.database_schema {
            config.database.get_or_insert_with(Default::default).schema = Some(schema.clone());
        }
    }
}

#[derive(Debug, Parser)]
struct InitArgs {
    #[command(flatten)]
    common: Common,
    /// The municipality's six-digit local government code (全国地方公共団体コード, with its
    /// check digit), e.g. 222054 for Atami or 131016 for Chiyoda: any municipality or Tokyo
    /// ward can issue. Leave it out for a non-municipal operator (a DMO, a residents'
    /// association running a shelter), which then lists what it issues with --credential.
    #[arg(long, env = "MYNA_MUNICIPALITY_CODE")]
    municipality_code: Option<String>,
    /// The municipality's prefecture as addresses write it, e.g. 静岡県; checked against the
    /// code's first two digits (default: the code's prefecture).
    #[arg(long, env = "MYNA_PREFECTURE", requires = "municipality_code")]
    prefecture: Option<String>,
    /// The municipality's name as addresses write it after the prefecture: 熱海市, 函南町
    /// (without its county), 千代田区 (a Tokyo ward), 神戸市中央区 (a designated city's ward
    /// with its city). A resident credential is offered only for a certified address that
    /// starts with prefecture + name. For a non-municipal operator: its display name.
    #[arg(long, env = "MYNA_MUNICIPALITY_NAME")]
    name: String,
    /// The name in English (`Maebashi City`), which the staff console shows after the
    /// Japanese one (issuer.toml `name_en`; optional).
    #[arg(long, value_name = "NAME")]
    name_en: Option<String>,
    /// A credential configuration to offer (repeat): resident, age, child_medical_subsidy,
    /// fan_club_membership, shelter_registration, context_pseudonym. A municipality offers
    /// all by default; a non-municipal operator must list its own and may not list resident,
    /// age or child_medical_subsidy (they need a municipality).
    #[arg(long = "credential", value_name = "CONFIGURATION")]
    credentials: Vec<String>,
    /// The public HTTPS base URL (issuer identifier).
    #[arg(long, env = "MYNA_PUBLIC_BASE_URL")]
    public_base_url: String,
    /// The listen address.
    #[arg(long, env = "MYNA_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Names of operator tokens to generate.
    #[arg(long = "operator", default_values_t = ["operator".to_owned()])]
    operators: Vec<String>,
    /// Names of revocation officer tokens to generate.
    #[arg(long = "revocation-officer", default_values_t = ["revocation-officer".to_owned()])]
    revocation_officers: Vec<String>,
    /// An escrow trustee as ID=BASE64URL_X25519_PUBLIC_KEY (repeat; a token is generated for each).
    #[arg(long = "trustee")]
    trustees: Vec<String>,
    /// How many trustees must cooperate to open an escrowed link.
    #[arg(long, default_value_t = 2)]
    escrow_threshold: u8,
    /// A context (a forum, a sale) in which any holder anchored here may ask for their own
    /// pseudonym at POST /pseudonym-offers, without staff (repeat; needs --trustee).
    #[arg(long = "pseudonym-context", value_name = "CONTEXT")]
    pseudonym_contexts: Vec<String>,
    /// DER files of the JPKI authentication and signature roots.
    #[arg(long = "jpki-root")]
    jpki_roots: Vec<PathBuf>,
    /// `production` (J-LIS roots) or `test`.
    #[arg(long, default_value = "production")]
    jpki_environment: JpkiEnvironment,
    /// J-LIS linking information: lines of `SIGNATURE_SERIAL AUTHENTICATION_SERIAL` (hex).
    #[arg(long)]
    jpki_linking_file: Option<PathBuf>,
    /// Write each admin token to DIR/<name>.token (owner-only, one line) instead of printing
    /// it: operator.token, revocation-officer.token, one per trustee id.
    #[arg(long, value_name = "DIR")]
    token_dir: Option<PathBuf>,
    /// Print what init did as one JSON object (paths, identity, issuer key, offered
    /// configurations, tokens or their files).
    #[arg(long)]
    json: bool,
    /// A test environment: trust the test CA that `myna jpki test-ca init --dir DIR` made.
    /// Sets the JPKI environment to `test`, copies DIR's two roots into the data directory
    /// (the trust anchors stay with the issuer), reads DIR/linking.txt where it is at every
    /// start (the CA adds a line for each new card; give an absolute path that stays valid)
    /// and imports DIR's current CRLs, so card anchoring works from the first start.
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = ["jpki_roots", "jpki_environment", "jpki_linking_file"]
    )]
    jpki_test_ca: Option<PathBuf>,
}

#[derive(Debug, Parser)]
struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// Listen address (overrides the config).
    #[arg(long, env = "MYNA_LISTEN")]
    listen: Option<String>,
    /// Public base URL (overrides the config).
    #[arg(long, env = "MYNA_PUBLIC_BASE_URL")]
    public_base_url: Option<String>,
    /// Largest request body in bytes (overrides the config).
    #[arg(long, env = "MYNA_MAX_BODY_BYTES")]
    max_body_bytes: Option<usize>,
    /// Request timeout in seconds (overrides the config).
    #[arg(long, env = "MYNA_REQUEST_TIMEOUT_SECS")]
    request_timeout_secs: Option<u64>,
    /// Credentials per request (batch size; overrides the config).
    #[arg(long, env = "MYNA_BATCH_SIZE")]
    batch_size: Option<u32>,
    /// Serve the trustee build of the npm package (wasm/pkg/trustee/, made by
    /// scripts/build-npm) at /console/pkg/, for trustees to release escrow shares in the
    /// staff console at /console (overrides issuer.toml [console] pkg_dir). Without it the
    /// console works, but its trustee release answers 404 console_pkg_missing (as with a
    /// DIR that does not exist, which is logged as a warning at start).
    #[arg(long, env = "MYNA_CONSOLE_PKG", value_name = "DIR")]
    console_pkg: Option<PathBuf>,
    #[command(flatten)]
    logs: LogArgs,
    #[command(flatten)]
    edge: EdgeArgs,
}

#[derive(Debug, Parser)]
struct BatchArgs {
    #[command(flatten)]
    common: Common,
    /// The resident file (JSON Lines; format in the README).
    #[arg(long, env = "MYNA_BATCH_INPUT")]
    input: PathBuf,
    /// Where the offers are appended (JSON Lines with offer links and PINs: keep it secret).
    #[arg(long, env = "MYNA_BATCH_OUTPUT")]
    output: PathBuf,
    /// Where the rejected lines are listed (JSON Lines: line number, row_id, reason),
    /// replaced on every run [default: OUTPUT.rejected.jsonl; a dry run writes it only when
    /// this flag is given].
    #[arg(long, env = "MYNA_BATCH_REPORT", value_name = "FILE")]
    report: Option<PathBuf>,
    /// Check every line (JSON, fields, facts against the municipality and plausible dates)
    /// and list every bad one with its line number; make no offer and write no output.
    #[arg(long)]
    dry_run: bool,
    /// How many days the letters' offers (and their PINs) stay redeemable [default: the
    /// configuration's rules.letter_offer_lifetime_secs, 30 days unless changed; at most 366].
    #[arg(long, env = "MYNA_LETTER_LIFETIME_DAYS", value_name = "DAYS")]
    letter_lifetime_days: Option<u64>,
}

/// Runs `myna issuer`.
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Init(init) => run_init(*init),
        Command::Serve(serve) => run_serve(*serve),
        Command::Batch(batch) => run_batch(*batch),
        Command::Admin(admin) => crate::admin::run(*admin),
        Command::Keys(keys) => publication::run_keys(*keys),
        Command::TrustEntry(entry) => publication::run_trust_entry(*entry),
        Command::Publish(publish) => publication::run_publish(*publish),
    }
}

/// The key passphrase: `--passphrase`, `--passphrase-file`, MYNA_ISSUER_PASSPHRASE,
/// MYNA_ISSUER_PASSPHRASE_FILE, or asked without echo — a flag on the command line wins over
/// the environment. Before the key file exists it is a new passphrase: long enough, and typed
/// twice when asked.
fn passphrase(common: &Common) -> Result<Zeroizing<String>> {
    let purpose = if common.data_dir.join(service::KEY_FILE).exists() {
        crate::passphrase::Purpose::Open
    } else {
        crate::passphrase::Purpose::Create
    };
    let source = crate::passphrase::Source {
        flag: common.passphrase.as_deref(),
        file: common.passphrase_file.as_deref(),
        env: "MYNA_ISSUER_PASSPHRASE",
        env_file: Some("MYNA_ISSUER_PASSPHRASE_FILE"),
        prompt: "issuer key passphrase",
    };
    crate::passphrase::read(&source, purpose)
}

fn config_path(common: &Common) -> PathBuf {
    common
        .config
        .clone()
        .unwrap_or_else(|| common.data_dir.join(CONFIG_FILE))
}

/// The configuration file, parsed. Only a missing file means "not initialized"; a file that
/// exists but cannot be read (permissions, a directory) says so with its cause.
fn load_config(common: &Common) -> Result<ServiceConfig> {
    let path = config_path(common);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(anyhow!(
                "{} does not exist: run `myna issuer init` first (or give the --data-dir or \
                 --config of an initialized issuer)",
                path.display()
            ))
        }
        Err(err) => return Err(anyhow!("cannot read {}: {err}", path.display())),
    };
    ServiceConfig::from_toml(&text).with_context(|| path.display().to_string())
}

/// An issuer initialised on PostgreSQL says so in issuer.toml (`[database]`, with the schema
/// but never the URL's password): a later command without the URL then refuses to start
/// rather than quietly open an empty redb file.
fn remember_database(common: &Common, config: &mut ServiceConfig) {
    if common.database_url.is_none() && common.database_schema.is_none() {
        return;
    }
    config.database.get_or_insert_with(Default::default).schema = common.database_schema.clone();
}

fn run_init(args: InitArgs) -> Result<()> {
    let path = config_path(&args.common);
    if path.exists() {
        return Err(anyhow!("{} exists; refusing to overwrite", path.display()));
    }
    let mut config = issuer_identity(&args);
    config.listen = args.listen.clone();
    config.name_en = args.name_en.clone();
    config.jpki.roots = args.jpki_roots.clone();
    config.jpki.environment = Some(args.jpki_environment);
    config.jpki.linking_file = args.jpki_linking_file.clone();
    remember_database(&args.common, &mut config);
    let test_ca = match &args.jpki_test_ca {
        Some(dir) => Some(crate::jpki::issuer_test_ca(dir)?),
        None => None,
    };
    if let Some(test_ca) = &test_ca {
        config.jpki = test_ca_config(test_ca);
    }
    let mut tokens = Vec::new();
    let mut add = |name: &str, role: AdminRole| -> Result<()> {
        let (token, entry) = AdminTokenEntry::generate(name, role)?;
        tokens.push(init_output::IssuedToken::new(name, role, token));
        config.admin_tokens.push(entry);
        Ok(())
    };
    for name in &args.operators {
        add(name, AdminRole::Operator)?;
    }
    for name in &args.revocation_officers {
        add(name, AdminRole::RevocationOfficer)?;
    }
    let mut trustees = Vec::new();
    for spec in &args.trustees {
        let (id, key) = spec
            .split_once('=')
            .with_context(|| format!("--trustee {spec}: expected ID=PUBLIC_KEY"))?;
        add(id, AdminRole::Trustee)?;
        trustees.push(TrusteeEntry {
            id: id.to_owned(),
            public_key: key.to_owned(),
        });
    }
    if !trustees.is_empty() {
        config.escrow = Some(EscrowConfig {
            threshold: args.escrow_threshold,
            trustees,
        });
    }
    config.pseudonym_contexts = args.pseudonym_contexts.clone();
    config.check()?;
    let identity = describe(&config)?;
    let passphrase = passphrase(&args.common)?;
    let files = init_output::TokenFiles::plan(args.token_dir.as_deref(), &tokens)?;
    std::fs::create_dir_all(&args.common.data_dir)?;
    if let Some(test_ca) = &test_ca {
        copy_test_roots(test_ca, &args.common.data_dir)?;
    }
    let keys = myna_issuer::service::keys::KeyRing::open_or_create(
        &args.common.data_dir.join(service::KEY_FILE),
        &passphrase,
    )?;
    // The token files before the configuration: if one cannot be written, there is no
    // configuration holding the hash of a token nobody has.
    files.write(&tokens)?;
    let text = config.to_toml()?;
    std::fs::write(&path, text).with_context(|| path.display().to_string())?;
    if let Some(test_ca) = &test_ca {
        import_test_crls(test_ca, &args.common, config.clone())?;
    }
    let done = init_output::Done {
        data_dir: &args.common.data_dir,
        config_path: &path,
        config: &config,
        identity: &identity,
        issuer_key: &keys.issuer.public_key(),
        tokens: &tokens,
        files: &files,
    };
    init_output::report(&done, args.json)
}

/// The configuration's identity part from the flags: a municipality (prefecture written out,
/// so the file shows what the name was checked against) or a non-municipal operator.
fn issuer_identity(args: &InitArgs) -> ServiceConfig {
    let listed: Vec<&str> = args.credentials.iter().map(String::as_str).collect();
    let Some(code) = &args.municipality_code else {
        return ServiceConfig::operator(&args.name, &args.public_base_url, &listed);
    };
    let mut config = ServiceConfig::new(code, &args.name, &args.public_base_url);
    config.prefecture = args.prefecture.clone().or_else(|| {
        MunicipalityCode::parse(code)
            .ok()
            .map(|c| c.prefecture().name_ja().to_owned())
    });
    if !listed.is_empty() {
        config.credentials = Some(args.credentials.clone());
    }
    config
}

/// One line saying who issues what, for the operator who ran `init`.
fn describe(config: &ServiceConfig) -> Result<String> {
    let offered: Vec<&str> = config.offered()?.iter().map(|(id, _)| *id).collect();
    let who = match config.municipality()? {
        Some(municipality) => format!("municipality {municipality}"),
        None => format!("non-municipal operator {}", config.name),
    };
    Ok(format!("issuer: {who}, offering {}", offered.join(", ")))
}

fn jpki_setup(config: &ServiceConfig, base: &Path) -> Result<Option<JpkiSetup>> {
    if config.jpki.roots.is_empty() {
        return Ok(None);
    }
    let ders = config
        .jpki
        .roots
        .iter()
        .map(|p| {
            let path = if p.is_absolute() {
                p.clone()
            } else {
                base.join(p)
            };
            std::fs::read(&path).with_context(|| path.display().to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let provider = default_provider();
    let roots = match config.jpki.environment {
        Some(JpkiEnvironment::Test) => RootSet::test(&ders, provider),
        Some(JpkiEnvironment::Production) | None => RootSet::production(&ders, provider),
    }
    .context("JPKI roots")?;
    // J-LIS linking information comes from an exported file; without one, facts from a
    // signature certificate are accepted only for certificates the store already links.
    let linking = match &config.jpki.linking_file {
        Some(path) => {
            let path = if path.is_absolute() {
                path.clone()
            } else {
                base.join(path)
            };
            let text =
                std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
            service::linking_file::parse(&text)?
        }
        None => InMemoryLinking::default(),
    };
    Ok(Some(JpkiSetup {
        validator: Validator::new(roots, provider),
        linking: Arc::new(linking),
    }))
}

/// Where `--jpki-test-ca` puts the test CA's roots, in the data directory.
const TEST_ROOTS_DIR: &str = "jpki-test-ca";

/// The JPKI part of the configuration for a test CA: its roots as copied into the data
/// directory (relative paths, so the data directory can move), its linking file where it is.
fn test_ca_config(test_ca: &crate::jpki::IssuerTestCa) -> JpkiConfig {
    JpkiConfig {
        environment: Some(JpkiEnvironment::Test),
        roots: test_ca
            .roots
            .iter()
            .map(|(name, _)| Path::new(TEST_ROOTS_DIR).join(name))
            .collect(),
        linking_file: Some(test_ca.linking_file.clone()),
    }
}

fn copy_test_roots(test_ca: &crate::jpki::IssuerTestCa, data_dir: &Path) -> Result<()> {
    let dir = data_dir.join(TEST_ROOTS_DIR);
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    for (name, der) in &test_ca.roots {
        let path = dir.join(name);
        std::fs::write(&path, der).with_context(|| path.display().to_string())?;
    }
    Ok(())
}

/// Imports the test CA's current CRLs: anchoring fails closed without a current CRL of the
/// card's root, and a new test issuer should anchor from its first start.
fn import_test_crls(
    test_ca: &crate::jpki::IssuerTestCa,
    common: &Common,
    config: ServiceConfig,
) -> Result<()> {
    let service = open_service(common, config)?;
    for (name, der) in &test_ca.crls {
        let import = service
            .import_crl(der, "issuer-init")
            .with_context(|| format!("importing the test CA's {name}"))?;
        eprintln!(
            "imported the test CA's {} CRL ({} revoked)",
            import.certificate_type, import.entries
        );
    }
    Ok(())
}

fn open_service(common: &Common, mut config: ServiceConfig) -> Result<Service> {
    common.apply_database(&mut config);
    let jpki = jpki_setup(&config, &common.data_dir)?;
    config.check()?;
    Service::open(ServiceOptions {
        config,
        data_dir: common.data_dir.clone(),
        passphrase: passphrase(common)?,
        clock: Arc::new(SystemClock),
        jpki,
    })
    .context("opening the issuer service")
}

fn run_serve(args: ServeArgs) -> Result<()> {
    args.logs.init()?;
    let mut config = load_config(&args.common)?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(url) = args.public_base_url {
        config.public_base_url = url;
    }
    if let Some(bytes) = args.max_body_bytes {
        config.limits.max_body_bytes = bytes;
    }
    if let Some(secs) = args.request_timeout_secs {
        config.limits.request_timeout_secs = secs;
    }
    if let Some(size) = args.batch_size {
        config.rules.batch_size = size;
    }
    if let Some(dir) = args.console_pkg {
        config.console.pkg_dir = Some(dir);
    }
    if let Some(dir) = config
        .console
        .pkg_dir
        .as_deref()
        .filter(|dir| !dir.is_dir())
    {
        // Not fatal: the service is whole without it; /console/pkg/* says how to fix it.
        tracing::warn!(
            dir = %dir.display(),
            "the console package directory is missing: /console/pkg/* answers 404 \
             console_pkg_missing (give the npm package's trustee build, wasm/pkg/trustee/ \
             after scripts/build-npm)"
        );
    }
    args.edge.apply(&mut config.edge);
    let addr = config.listen_addr()?;
    let service = open_service(&args.common, config)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("bind {addr}"))?;
        service
            .serve(listener, shutdown_signal())
            .await
            .context("the issuer service failed")
    });
    // Work already on the blocking pool for a dropped connection gets a moment to end (a
    // store write commits or not as a whole); the process does not wait longer.
    runtime.shutdown_timeout(STOP_LEEWAY);
    served
}

fn run_batch(args: BatchArgs) -> Result<()> {
    let mut config = load_config(&args.common)?;
    if let Some(days) = args.letter_lifetime_days {
        config.rules.letter_offer_lifetime_secs = days
            .checked_mul(86_400)
            .filter(|secs| *secs > 0)
            .context("--letter-lifetime-days: give 1 to 366 days")?;
    }
    let service = open_service(&args.common, config)?;
    let mut run = service::batch::BatchRun::new(&args.input, &args.output);
    run.dry_run = args.dry_run;
    if args.report.is_some() || args.dry_run {
        run.report = args.report.clone();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} rows ({per_sec}, eta {eta})",
    ) {
        bar.set_style(style);
    }
    let summary = service::batch::run(&service, &run, &mut |done, total| {
        bar.set_length(u64::try_from(total).unwrap_or(u64::MAX));
        bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
    })?;
    bar.finish_and_clear();
    if run.dry_run {
        println!(
            "dry run (no offer made, nothing written to {}): rows: {}  would be offered: {}  \
             already done: {}  rejected: {}",
            run.output.display(),
            summary.rows,
            summary.checked,
            summary.already_done,
            summary.rejected.len()
        );
    } else {
        println!(
            "rows: {}  offered now: {}  already done: {}  rejected: {}",
            summary.rows,
            summary.offered,
            summary.already_done,
            summary.rejected.len()
        );
    }
    for rejected in &summary.rejected {
        let row = rejected
            .row_id
            .as_deref()
            .map(|id| format!(" (row {id})"))
            .unwrap_or_default();
        println!("  line {}{row}: {}", rejected.line, rejected.reason);
    }
    if summary.rejected.is_empty() {
        return Ok(());
    }
    let listed = match &run.report {
        Some(report) => format!("listed above and in {}", report.display()),
        None => "listed above".to_owned(),
    };
    let next = if run.dry_run {
        "fix them before the real run"
    } else {
        "fix them and run the same command again: rows already offered are skipped"
    };
    Err(anyhow!(
        "{} of {} rows rejected ({listed}); {next}",
        summary.rejected.len(),
        summary.rows
    ))
}
