//! `myna verify …`: one-shot verification of a presentation for a policy (`check`), the
//! in-person challenge a shop's screen shows (`challenge`), the list of ready policies, and
//! `myna verify serve`, the HTTP service for a point-of-sale system or a gate.
//!
//! All of them start from the same pieces: the signed trust list and the authority's public
//! key (JWK) to pin it to, and Status List Tokens fetched beforehand (`--status-list
//! <issuer>=<file>`), so verification itself never needs the network.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use clap::{Parser, Subcommand};
use myna_issuer::credential_types::claim;
use serde_json::Value;

use myna_postgres::{DatabaseConfig, DatabaseUrl, SchemaName};
use myna_verifier::core::compact::{GateId, GateKey, InPersonChallenge};
use myna_verifier::core::crypto::{default_provider, PublicKey};
use myna_verifier::core::jws::Jws;
use myna_verifier::core::status_list::StatusListToken;
use myna_verifier::core::time::{Clock, FixedClock, NumericDate, SystemClock};
use myna_verifier::database::VerifierDatabase;
use myna_verifier::dc_api::DcApiSession;
use myna_verifier::decision::{Decision, Lang, Reason, Rejection};
use myna_verifier::ledger::{MemoryLedger, PgLedger, RedbLedger, RedemptionLedger};
use myna_verifier::pass::{MemoryPassBook, PassBook, RedbPassBook};
use myna_verifier::policy::catalog::{policy_from_spec_with, PolicyStores, SPECS};
use myna_verifier::policy::{vct, Policy};
use myna_verifier::region::Regions;
use myna_verifier::register_token::RegisterToken;
use myna_verifier::replay::PgReplayGuard;
use myna_verifier::roster::RedbHq;
use myna_verifier::service::{CrossDeviceMode, EdgeConfig, Origin, RosterService};
use myna_verifier::submission::{submission_from_text, Challenge, Submission};
use myna_verifier::transport::{dcql, in_person_challenge, in_person_challenge_for, Gate};
use myna_verifier::trust::Trust;
use myna_verifier::verifier::{Verifier, VerifierConfig};

use crate::database_url::DatabaseUrlParser;
use crate::edge_args::EdgeArgs;
use crate::logs::LogArgs;
use crate::shutdown::{shutdown_signal, STOP_LEEWAY};

/// Arguments of `myna verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify one presentation (a vp_token JSON, compact QR texts `MV1:…` one per line, or a
    /// single SD-JWT+KB; with --dc-api-session a Digital Credentials API answer or a
    /// direct_post.jwt body) for a policy; prints the decision (✓/✗, the reason in Japanese and
    /// English, the disclosed claims; JSON with --json) and exits non-zero when it is rejected.
    Check(Box<CheckArgs>),
    /// Make a fresh in-person challenge `MVC1:<nonce>:<audience>` for the screen (the wallet
    /// answers it with `present --challenge`), and with --query-out the policy's DCQL query.
    Challenge(ChallengeArgs),
    /// List the ready policies and how to name them.
    Policies,
    /// List every decision reason a check can give: its code (as in the JSON's `reason`) and
    /// what to tell the person at the counter, in Japanese and the --lang language (from the
    /// six-language message catalogue, vocabulary/messages/reasons.json).
    Reasons(ReasonsArgs),
    /// List the regions a `<region>` of a policy may name (`resident-of-region:harima`,
    /// `senior:izu`, `child-entry:harima`): the built-in ones (播磨圏域連携中枢都市圏 `harima`,
    /// the Izu area `izu`) and, with --regions, those of a regions file, each with its members'
    /// codes and names and where the list comes from.
    Regions(RegionsArgs),
    /// Serve the verifier over HTTP (OpenID4VP requests answered by direct_post.jwt —
    /// encrypted, HAIP — or direct_post, compact QR answers, a gate; with --allow-origin CORS
    /// for a counter page's origin and Digital Credentials API requests for it; with --roster
    /// the disaster HQ's roster) until SIGINT/SIGTERM, under the limits against hostile
    /// clients (connection caps, timeouts, rate limits; see the flags).
    Serve(Box<ServeArgs>),
}

/// What every verifier needs.
#[derive(Debug, Parser)]
pub(crate) struct Setup {
    /// The signed trust list (compact JWT, `typ: myna-trust-list+jwt`).
    #[arg(long, value_name = "FILE")]
    trust_list: PathBuf,
    /// The trust authority's public key (JWK JSON) the list must be signed with.
    #[arg(long, value_name = "FILE")]
    authority_key: PathBuf,
    /// A Status List Token fetched beforehand, as `<issuer>=<file>` (repeatable).
    #[arg(long, value_name = "ISSUER=FILE")]
    status_list: Vec<String>,
    /// This verifier's identifier: the audience every key binding must name.
    #[arg(long)]
    audience: String,
    /// Verify as of this Unix time instead of now (replaying a past decision).
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
    /// Seconds past fresh the status data may be (default 86400).
    #[arg(long, default_value_t = 86_400)]
    max_status_staleness: u64,
    /// A redb file for fan-club redemptions (and once-per-person sign-ups), shared by the
    /// shops of a sale that one process serves (default: memory). Shops in several processes
    /// or on several machines share a PostgreSQL ledger instead (`serve --database-url` or
    /// MYNA_DATABASE_URL; not together with this).
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// A redb file for passes and coupons (created if missing): `pass-apply:…` grants a pass
    /// to the applicant's pseudonym in it, `pass-use:…` uses one (消込). The offer's
    /// application desk and its gates share it when one process serves them or they run one
    /// after another (default: memory, so a grant lasts only for this run). `myna pass list`
    /// shows what it holds.
    #[arg(long, value_name = "FILE")]
    passes: Option<PathBuf>,
    #[command(flatten)]
    regions: RegionsFile,
}

/// Where a policy's `<region>` is looked up.
#[derive(Debug, Clone, clap::Args)]
struct RegionsFile {
    /// A regions file (JSON: `{"regions": [{"name", "name_ja", "source", "members": [{"code",
    /// "name_ja"}]}]}`, see `myna verify regions`): its regions are added to the built-in ones
    /// (`harima`, `izu`), and one with a built-in's name replaces it. Every code's check digit
    /// must verify; a wrong file stops the command with the line and what is wrong.
    #[arg(long = "regions", value_name = "FILE")]
    file: Option<PathBuf>,
}

impl RegionsFile {
    /// The built-in regions and those of the file, if any.
    fn load(&self) -> Result<Regions> {
        let Some(path) = &self.file else {
            return Ok(Regions::builtin().clone());
        };
        let text = read(path)?;
        Regions::builtin()
            .with_file(&text)
            .with_context(|| format!("--regions {}", path.display()))
    }
}

#[derive(Debug, Parser)]
struct RegionsArgs {
    #[command(flatten)]
    regions: RegionsFile,
    /// Print the regions as JSON (the regions file's form).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Parser)]
struct CheckArgs {
    #[command(flatten)]
    setup: Setup,
    /// The policy (see `myna verify policies`), e.g. `age-over-20` or `resident:281000`.
    #[arg(long)]
    policy: String,
    /// The nonce the presentation must be bound to (or give the whole --challenge).
    #[arg(long, required_unless_present_any = ["challenge", "dc_api_session"])]
    nonce: Option<String>,
    /// The nonce is a gate's time-window nonce shared by many holders (not single-use).
    #[arg(long)]
    gate_window: bool,
    /// The audience the presentation was bound to, if not --audience (the id an in-person
    /// challenge or a gate showed).
    #[arg(long)]
    bound_to: Option<String>,
    /// The in-person challenge shown (`MVC1:<nonce>:<audience>[ <policy>]`, from `myna verify
    /// challenge`): its nonce, single use, and its audience, in place of --nonce/--bound-to.
    #[arg(long, value_name = "MVC1:…", conflicts_with_all = ["nonce", "bound_to", "gate_window"])]
    challenge: Option<String>,
    /// A Digital Credentials API session, as a shop's server kept it (the JSON text of
    /// `DcApiSession::to_state`, e.g. the npm verifier's `session.toState()`; it holds the
    /// session's private key: keep the file secret). It gives the nonce (single use), the
    /// page's origin (the presentation must be bound to `origin:<origin>`), the key the
    /// answer is encrypted to, the expiry and the policy (which must be --policy). The
    /// presentation file is then the wallet's answer as the page received it: the
    /// DigitalCredential's `{"protocol", "data"}` or its bare `data` (`{"response": "<JWE>"}`
    /// for dc_api.jwt, `{"vp_token": {…}}` for dc_api); or a direct_post.jwt form body
    /// (`response=<JWE>`) encrypted to the session's key, then bound to --bound-to (default
    /// --audience). A plain answer to an encrypted session is refused
    /// (response_mode_downgrade), one encrypted to another key too (response_undecryptable).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["nonce", "challenge", "gate_window"])]
    dc_api_session: Option<PathBuf>,
    /// Print the decision as JSON (for a once-per-person policy with the holder's context
    /// pseudonym as `.pseudonym`; with --lang a refusal's reason in that language as
    /// `.message`, its tag as `.lang`, beside `.message_ja` and `.message_en`).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    lang: LangArg,
    /// The presentation file (`-` for standard input).
    presentation: PathBuf,
}

/// The language a reason is told in after the Japanese.
#[derive(Debug, Clone, Copy, Parser)]
struct LangArg {
    /// The language the reason is told in after the Japanese, as a BCP 47 tag: en (default),
    /// zh-Hans (simplified Chinese), ko (Korean), vi (Vietnamese), pt-BR (Brazilian
    /// Portuguese), or ja alone; common forms such as zh, zh-CN or pt are accepted, languages
    /// the catalogue lacks (zh-TW, pt-PT, fr …) refused.
    #[arg(long, value_name = "TAG", default_value = "en")]
    lang: Lang,
}

#[derive(Debug, Parser)]
struct ReasonsArgs {
    #[command(flatten)]
    lang: LangArg,
}

#[derive(Debug, Parser)]
struct ChallengeArgs {
    /// This verifier's identifier, which the wallet binds its answer to (e.g.
    /// `x509_san_dns:shop.example`); give the same to `check --audience`.
    #[arg(long)]
    audience: String,
    /// The policy the challenge is for (see `myna verify policies`): the challenge then names
    /// it (`MVC1:<nonce>:<audience> <policy>`), so the wallet knows what is asked. Needed for
    /// --query-out.
    #[arg(long)]
    policy: Option<String>,
    /// Write the policy's DCQL query (JSON) here: what the wallet needs to answer it
    /// (`myna wallet present --query FILE`).
    #[arg(long, value_name = "FILE", requires = "policy")]
    query_out: Option<PathBuf>,
    #[command(flatten)]
    regions: RegionsFile,
}

#[derive(Debug, Parser)]
struct ServeArgs {
    #[command(flatten)]
    setup: Setup,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: String,
    /// A policy to enable (repeatable; see `myna verify policies`). Optional for a service
    /// that only keeps the disaster HQ's roster (--roster).
    #[arg(long = "policy", required_unless_present = "roster")]
    policies: Vec<String>,
    /// The public https base URL wallets post to (behind a TLS proxy), e.g.
    /// `https://shop.example`; its host must match an `x509_san_dns:` audience.
    #[arg(long)]
    public_url: String,
    /// Run an unattended gate with this id (KB-JWT audience), e.g.
    /// `did:web:city.example:gate:3`; needs --gate-key.
    #[arg(long, requires = "gate_key")]
    gate_id: Option<String>,
    /// The gate's 32-byte secret key file (base64url), from which its 30-second window nonces
    /// are derived.
    #[arg(long, value_name = "FILE", requires = "gate_id")]
    gate_key: Option<PathBuf>,
    /// A file holding the register token (one line of at least 32 printable characters, e.g.
    /// from `openssl rand -base64 32`). When given, creating a request (`POST /requests`)
    /// needs `Authorization: Bearer <token>` (401 otherwise); the wallet's routes stay open.
    /// Without it, anyone who reaches the service may create requests, at most 256 open per
    /// client address; behind a proxy every caller has the proxy's address, so give a token
    /// there.
    #[arg(long, value_name = "FILE")]
    register_token_file: Option<PathBuf>,
    /// A web origin (exactly `scheme://host[:port]`, as a browser sends it, e.g.
    /// `https://counter.example`) whose pages may call the counter's routes from the browser
    /// (repeatable): `GET /policies`, `POST /requests`, `POST /requests/{id}/compact` and the
    /// roster routes then answer CORS for it, allowing the `authorization` and `content-type`
    /// headers, without credentials. Other origins get no CORS answer; without this flag those
    /// routes answer none. A page at an allowed origin may also ask for a Digital Credentials
    /// API request (`POST /requests` with `"dc_api": {"origin": "<its origin>"}`; any other
    /// origin is refused with `origin_not_allowed`), post the browser's answer to `POST
    /// /requests/{id}/dc-api`, and poll `GET /requests/{id}/decision` while the holder answers
    /// the QR code instead.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<Origin>,
    /// How wallets answer the cross-device request (the `openid4vp://` link):
    /// `direct_post.jwt` (the default, as HAIP requires) — the answer is encrypted (ECDH-ES
    /// P-256, A128GCM) to a fresh key of each request, and a plain answer is refused with 400
    /// `response_mode_downgrade` — or `direct_post`, plain, for wallets that cannot encrypt.
    #[arg(long, value_name = "MODE", default_value = "direct_post.jwt", value_parser = response_mode)]
    response_mode: CrossDeviceMode,
    /// Keep the disaster HQ's roster in this redb file (created if missing): shelter desks
    /// sync their check-ins with `POST /roster` (`{"entries": [...]}`, at most 1000 per call;
    /// each stored once by its entry_id) and `GET /roster/summary` counts check-ins per
    /// shelter (no personal data). Needs --roster-token-file.
    #[arg(long, value_name = "FILE", requires = "roster_token_file")]
    roster: Option<PathBuf>,
    /// A file holding the roster token (one line of at least 32 printable characters, e.g.
    /// from `openssl rand -base64 32`): both roster routes need `Authorization: Bearer
    /// <token>` (401 otherwise), checked before the body is read.
    #[arg(long, value_name = "FILE", requires = "roster")]
    roster_token_file: Option<PathBuf>,
    /// The shelters file for the roster (JSON): `{"shelters": [{"id", "capacity",
    /// "operator"?}], "operators": [{"id", "name", "token_sha256"}]}`. A listed operator (a
    /// residents' association running a shelter) syncs with its own token, for its own
    /// shelters only; capacities feed the public `GET /roster/crowding`. `token_sha256` is
    /// the SHA-256 of the operator's token in hex (`printf %s "$TOKEN" | sha256sum`).
    #[arg(long, value_name = "FILE", requires = "roster")]
    shelters: Option<PathBuf>,
    /// Keep the fan-club sale's redemption ledger (and once-per-person sign-ups) and the
    /// replay guard in this PostgreSQL database, `postgres://USER:PASSWORD@HOST:PORT/DBNAME`,
    /// instead of a --ledger file (or memory) and this process's memory: every `myna verify
    /// serve` given the same database and schema — the registers of every shop of a sale, the
    /// gates of a fleet, on any machine — shares them, so a person buys once per sale however
    /// many shops they try, even at the same instant, and a presentation accepted by one gate
    /// is a replay at every other. The tables are created (and migrated) at start. Prefer the
    /// environment variable to the flag, so that the password is not on the command line; the
    /// password is never printed.
    #[arg(
        long,
        value_name = "URL",
        env = "MYNA_DATABASE_URL",
        hide_env_values = true,
        value_parser = DatabaseUrlParser,
        conflicts_with = "ledger"
    )]
    database_url: Option<DatabaseUrl>,
    /// The PostgreSQL schema the ledger's and the replay guard's tables live in (created if
    /// missing; default: the server's search path, usually `public`): one per fleet of shops
    /// or gates that share them.
    #[arg(long, value_name = "NAME", requires = "database_url")]
    database_schema: Option<SchemaName>,
    #[command(flatten)]
    logs: LogArgs,
    #[command(flatten)]
    edge: EdgeArgs,
}

/// Runs `myna verify`.
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Policies => {
            for (spec, what) in SPECS {
                println!("{spec:<44} {what}");
            }
            Ok(())
        }
        Command::Reasons(ReasonsArgs { lang }) => print_reasons(lang.lang),
        Command::Regions(regions) => run_regions(&regions),
        Command::Check(check) => run_check(*check),
        Command::Challenge(challenge) => run_challenge(challenge),
        Command::Serve(serve) => run_serve(*serve),
    }
}

pub(crate) fn read(path: &Path) -> Result<String> {
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        buf
    } else {
        std::fs::read(path).with_context(|| path.display().to_string())?
    };
    if bytes.len() > myna_verifier::core::json::MAX_INPUT_BYTES {
        return Err(anyhow!("{}: larger than 1 MiB", path.display()));
    }
    String::from_utf8(bytes).map_err(|_| anyhow!("{}: not UTF-8", path.display()))
}

impl Setup {
    /// This verifier's identifier (`--audience`).
    pub(crate) fn audience(&self) -> &str {
        &self.audience
    }

    pub(crate) fn verifier(&self) -> Result<Verifier> {
        let clock: Arc<dyn Clock> = match self.now {
            Some(t) => Arc::new(FixedClock(NumericDate::from_unix(t))),
            None => Arc::new(SystemClock),
        };
        let jwk = myna_verifier::core::json::parse(
            read(&self.authority_key)?.as_bytes(),
            "authority key",
        )?;
        let authority = PublicKey::from_jwk(&jwk).context("authority key")?;
        let trust = Trust::new(
            authority,
            read(&self.trust_list)?.trim(),
            default_provider(),
            clock.now(),
        )
        .context("trust list")?;
        let mut config = VerifierConfig::new(&self.audience);
        config.max_status_staleness_secs = self.max_status_staleness;
        let verifier = Verifier::new(config, trust, clock);
        for entry in &self.status_list {
            let (issuer, file) = entry
                .split_once('=')
                .with_context(|| format!("--status-list {entry}: expected <issuer>=<file>"))?;
            let token = read(Path::new(file))?;
            let token = token.trim();
            // The URI comes from the token's own `sub`; verification then checks the issuer's
            // signature and that every credential's reference names that same URI.
            let uri = Jws::parse(token)
                .and_then(|jws| jws.payload_object("status list token"))
                .and_then(|claims| StatusListToken::from_claims(&claims))
                .map(|t| t.uri)
                .with_context(|| file.to_string())?;
            verifier
                .store_status_list(issuer, &uri, token)
                .with_context(|| file.to_string())?;
        }
        Ok(verifier)
    }

    fn passes(&self) -> Result<Arc<dyn PassBook>> {
        match &self.passes {
            Some(path) => Ok(Arc::new(
                RedbPassBook::open(path).with_context(|| format!("--passes {}", path.display()))?,
            )),
            None => Ok(Arc::new(MemoryPassBook::new())),
        }
    }

    /// The policies' stores: `ledger`, the --passes book and the --regions regions.
    fn stores(&self, ledger: Arc<dyn RedemptionLedger>) -> Result<PolicyStores> {
        Ok(PolicyStores::new(ledger)
            .with_passes(self.passes()?)
            .with_regions(self.regions.load()?))
    }

    fn ledger(&self) -> Result<Arc<dyn RedemptionLedger>> {
        match &self.ledger {
            Some(path) => Ok(Arc::new(RedbLedger::open(path)?)),
            None => Ok(Arc::new(MemoryLedger::new())),
        }
    }
}

fn gate(id: &str, key_file: &Path) -> Result<Gate> {
    let id = GateId::parse(id).context("--gate-id")?;
    let bytes = myna_verifier::core::b64::decode(read(key_file)?.trim(), "gate key")
        .context("--gate-key")?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| anyhow!("--gate-key: must be 32 bytes (base64url)"))?;
    Ok(Gate::new(id, GateKey::from_bytes(key)))
}

/// A vp_token JSON, compact QR texts (`MV1:…`, one per line), or a bare presentation
/// answering the policy's only query ([`submission_from_text`]).
fn submission(text: &str, policy: &dyn Policy) -> Result<Submission, Rejection> {
    submission_from_text(policy, text).map_err(Rejection::from_error)
}

/// What the presentation must be bound to: the shown challenge, or the nonce (and audience)
/// given one by one.
fn bound_challenge(args: &CheckArgs) -> Result<Challenge> {
    if let Some(shown) = &args.challenge {
        let shown = InPersonChallenge::parse(shown.trim()).context(
            "--challenge: expected the text `myna verify challenge` printed, MVC1:<nonce>:<audience>",
        )?;
        // The challenge this verifier showed names this verifier: another one's would accept a
        // presentation made to someone else.
        if shown.audience() != args.setup.audience {
            return Err(anyhow!(
                "--challenge names the verifier `{}`, but --audience is `{}`: give the challenge \
                 `myna verify challenge --audience {}` printed",
                shown.audience(),
                args.setup.audience,
                args.setup.audience
            ));
        }
        return Ok(Challenge::single_use(shown.nonce().as_str()).for_audience(shown.audience()));
    }
    let nonce = args
        .nonce
        .as_deref()
        .context("give --challenge MVC1:… or --nonce N")?;
    let challenge = if args.gate_window {
        Challenge::shared(nonce)
    } else {
        Challenge::single_use(nonce)
    };
    Ok(match &args.bound_to {
        Some(audience) => challenge.for_audience(audience),
        None => challenge,
    })
}

/// `--response-mode`: `direct_post.jwt` or `direct_post`.
fn response_mode(text: &str) -> Result<CrossDeviceMode, String> {
    CrossDeviceMode::parse(text)
        .ok_or_else(|| "expected direct_post.jwt (encrypted, HAIP) or direct_post".to_owned())
}

/// The decision on the answer to a DC API session kept in `session_file`: a DigitalCredential
/// (JSON), or a direct_post.jwt form body bound to `audience`.
fn decide_session(
    verifier: &Verifier,
    policy: &dyn Policy,
    session_file: &Path,
    text: &str,
    audience: &str,
) -> Result<Decision> {
    let state = zeroize::Zeroizing::new(read(session_file)?);
    let session = DcApiSession::from_state(state.trim()).with_context(|| {
        format!(
            "--dc-api-session {}: expected the JSON a DcApiSession's to_state wrote",
            session_file.display()
        )
    })?;
    if session.policy() != policy.name() {
        return Err(anyhow!(
            "--dc-api-session was started for the policy `{}`, not `{}`",
            session.policy(),
            policy.name()
        ));
    }
    let text = text.trim();
    if text.starts_with('{') {
        return Ok(
            match myna_verifier::core::json::parse(text.as_bytes(), "DC API answer") {
                Ok(answer) => session.decide(verifier, policy, &answer),
                Err(e) => verifier.reject(policy, Rejection::from_error(e)),
            },
        );
    }
    Ok(session.decide_direct_post(verifier, policy, text, audience))
}

fn run_check(args: CheckArgs) -> Result<()> {
    let verifier = args.setup.verifier()?;
    let policy = policy_from_spec_with(&args.policy, &args.setup.stores(args.setup.ledger()?)?)?;
    let text = read(&args.presentation)?;
    let decision = match &args.dc_api_session {
        Some(file) => {
            let audience = args.bound_to.as_deref().unwrap_or(&args.setup.audience);
            decide_session(&verifier, policy.as_ref(), file, &text, audience)?
        }
        None => {
            let challenge = bound_challenge(&args)?;
            match submission(&text, policy.as_ref()) {
                Ok(submission) => verifier.verify(policy.as_ref(), &submission, &challenge),
                Err(rejection) => verifier.reject(policy.as_ref(), rejection),
            }
        }
    };
    let lang = args.lang.lang;
    if args.json {
        let json = serde_json::to_string_pretty(&decision_json(&decision, lang))?;
        println!("{json}");
    } else {
        print!("{}", decision_text(&decision, lang));
    }
    match decision.rejection() {
        None => Ok(()),
        Some(r) => Err(anyhow!("rejected: {}", reason_line(r.reason, lang))),
    }
}

/// `myna verify reasons`: one line per reason, code then text. A reader that stops early
/// (`| head`) ends the listing quietly.
fn print_reasons(lang: Lang) -> Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for reason in Reason::ALL {
        let written = writeln!(out, "{:<24} {}", reason.code(), reason_line(reason, lang));
        match written {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.context("writing the reasons")?,
        }
    }
    Ok(())
}

/// A reason in Japanese, then in `lang` (once when `lang` is Japanese).
fn reason_line(reason: Reason, lang: Lang) -> String {
    match lang {
        Lang::Ja => reason.text_ja().to_owned(),
        other => format!("{} / {}", reason.text_ja(), reason.text(other)),
    }
}

/// The decision's JSON, with the holder's context pseudonym and its context lifted to the top
/// (`.pseudonym`, `.context`) when a pseudonym credential verified: what a once-per-person
/// site keeps, and what an escrow opening names.
fn decision_json(decision: &Decision, lang: Lang) -> Value {
    let mut json = decision.to_json();
    if let (Some(rejection), Value::Object(map)) = (decision.rejection(), &mut json) {
        map.insert("lang".into(), lang.tag().into());
        map.insert("message".into(), rejection.reason.text(lang).into());
    }
    let pseudonym = decision
        .credentials
        .iter()
        .find(|c| c.vct == vct::CONTEXT_PSEUDONYM);
    if let (Some(credential), Value::Object(map)) = (pseudonym, &mut json) {
        for name in [
            claim::context_pseudonym::PSEUDONYM,
            claim::context_pseudonym::CONTEXT,
        ] {
            if let Some(value) = credential.claims.get(name) {
                map.insert(name.to_owned(), value.clone());
            }
        }
    }
    json
}

/// The decision for a person at the counter: ✓ or ✗, the reason in Japanese and `lang`
/// (English by default), and what each verified credential disclosed.
fn decision_text(decision: &Decision, lang: Lang) -> String {
    let mut out = String::new();
    match decision.rejection() {
        None => {
            let _ = writeln!(out, "✓ 受理 / accepted: {}", decision.policy);
        }
        Some(rejection) => {
            let _ = writeln!(
                out,
                "✗ 拒否 / rejected: {}\n  {}",
                decision.policy,
                rejection.reason.text_ja(),
            );
            if lang != Lang::Ja {
                let _ = writeln!(out, "  {}", rejection.reason.text(lang));
            }
            let detail = rejection.cause.as_ref().map(ToString::to_string);
            if let Some(detail) = detail.or(rejection.note.map(str::to_owned)) {
                let _ = writeln!(out, "  ({detail})");
            }
        }
    }
    for credential in &decision.credentials {
        let _ = writeln!(
            out,
            "  {} ({}) from {} ({})",
            credential.id, credential.vct, credential.issuer_name, credential.issuer
        );
        for (name, value) in &credential.claims {
            let _ = writeln!(out, "    {name}: {value}");
        }
        if let Some(secs) = credential.status_staleness_secs.filter(|s| *s > 0) {
            let _ = writeln!(out, "    revocation data {secs} s past fresh");
        }
    }
    out
}

/// `myna verify regions`: each region's name, Japanese name, source and members.
fn run_regions(args: &RegionsArgs) -> Result<()> {
    let regions = args.regions.load()?;
    if args.json {
        let list: Vec<Value> = regions.iter().map(region_json).collect();
        let json = serde_json::json!({ "regions": list });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    for region in regions.iter() {
        println!("{} {}", region.name(), region.name_ja());
        println!("  source: {}", region.source());
        for (code, name) in region.members() {
            println!("  {code} {name}");
        }
    }
    Ok(())
}

/// One region in the regions file's form.
fn region_json(region: &myna_verifier::region::Region) -> Value {
    let members: Vec<Value> = region
        .members()
        .map(|(code, name)| serde_json::json!({ "code": code.to_string(), "name_ja": name }))
        .collect();
    serde_json::json!({
        "name": region.name().as_str(),
        "name_ja": region.name_ja(),
        "source": region.source(),
        "members": members,
    })
}

/// `myna verify challenge`.
fn run_challenge(args: ChallengeArgs) -> Result<()> {
    // The policy is checked even without --query-out: a typo shows here, not at the counter.
    let regions = args.regions.load()?;
    let policy = args
        .policy
        .as_deref()
        .map(|spec| {
            let stores =
                PolicyStores::new(Arc::new(MemoryLedger::new())).with_regions(regions.clone());
            policy_from_spec_with(spec, &stores)
        })
        .transpose()
        .context("--policy (see `myna verify policies`)")?;
    // With a policy, the challenge names it: the wallet then knows what is asked.
    let (shown, _) = match &policy {
        Some(policy) => in_person_challenge_for(&args.audience, policy.as_ref()),
        None => in_person_challenge(&args.audience),
    }
    .context("--audience")?;
    if let (Some(path), Some(policy)) = (&args.query_out, &policy) {
        let query = dcql(policy.requirements()).context("the policy's DCQL query")?;
        let text = serde_json::to_string_pretty(&query.to_value())?;
        std::fs::write(path, format!("{text}\n"))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("{shown}");
    Ok(())
}

/// The verifier and the ledger: with a database named, the ledger and the replay guard in
/// PostgreSQL, shared with every process on the same database and schema; else
/// [`Setup::ledger`]'s and the verifier's own replay guard.
fn shared_state(args: &ServeArgs) -> Result<(Verifier, Arc<dyn RedemptionLedger>)> {
    let verifier = args.setup.verifier()?;
    let Some(url) = &args.database_url else {
        return Ok((verifier, args.setup.ledger()?));
    };
    let mut config = DatabaseConfig::new(url.clone());
    if let Some(schema) = &args.database_schema {
        config = config.in_schema(schema.clone());
    }
    // One pool, the migrations applied once, for both.
    let db = VerifierDatabase::open(&config)
        .context("--database-url: the sale's redemption ledger and the replay guard")?;
    let (ledger, replay) = (PgLedger::on(db.clone()), PgReplayGuard::on(db));
    let schema = args.database_schema.as_ref().map(SchemaName::as_str);
    tracing::info!(database = %url, schema, "redemption ledger and replay guard in PostgreSQL");
    Ok((
        verifier.with_replay_store(Arc::new(replay)),
        Arc::new(ledger),
    ))
}

fn run_serve(args: ServeArgs) -> Result<()> {
    // First: a bad token file stops the command before anything else is loaded.
    let register_token = args
        .register_token_file
        .as_deref()
        .map(RegisterToken::from_file)
        .transpose()
        .context("--register-token-file")?;
    let roster_token = args
        .roster_token_file
        .as_deref()
        .map(RegisterToken::from_file)
        .transpose()
        .context("--roster-token-file")?;
    args.logs.init()?;
    let mut edge = EdgeConfig::default();
    args.edge.apply(&mut edge);
    edge.check()?;
    let (verifier, ledger) = shared_state(&args)?;
    let verifier = Arc::new(verifier);
    let stores = args.setup.stores(ledger)?;
    let policies = args
        .policies
        .iter()
        .map(|spec| policy_from_spec_with(spec, &stores).with_context(|| spec.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let gate = match (&args.gate_id, &args.gate_key) {
        (Some(id), Some(key)) => Some(gate(id, key)?),
        _ => None,
    };
    let registry = args
        .shelters
        .as_deref()
        .map(myna_verifier::operator::ShelterRegistry::from_file)
        .transpose()
        .context("--shelters")?;
    let roster = match (&args.roster, roster_token) {
        (Some(path), Some(token)) => Some(RosterService {
            hq: RedbHq::open(path).with_context(|| format!("--roster {}", path.display()))?,
            token,
            registry,
        }),
        _ => None,
    };
    let options = myna_verifier::service::ServiceOptions {
        public_url: args.public_url.clone(),
        request_signer: None,
        gate,
        register_token,
        allowed_origins: args.allow_origins.clone(),
        roster,
        response_mode: args.response_mode,
        ..myna_verifier::service::ServiceOptions::default()
    };
    let state = myna_verifier::service::ServiceState::new(verifier, policies, options)
        .context("--audience")?;
    let runtime = tokio::runtime::Runtime::new()?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("bind {}", args.listen))?;
        eprintln!("myna verify serve: listening on http://{}", args.listen);
        tracing::info!(addr = %args.listen, "verifier service listening");
        myna_verifier::service::serve(listener, state, edge, shutdown_signal())
            .await
            .context("the verifier service failed")?;
        tracing::info!("verifier service stopped");
        Ok(())
    });
    runtime.shutdown_timeout(STOP_LEEWAY);
    served
}
