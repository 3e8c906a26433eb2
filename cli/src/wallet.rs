//! `myna wallet …`: a resident's wallet on the command line, over the `myna-wallet` library.
//!
//! The commands are generic over how issuers and consent registries are reached
//! ([`Issuers`]): the product reaches them over HTTP ([`Http`]); the demo (`myna-demo wallet …`)
//! plugs in its in-process demo issuer and runs the very same commands.

mod card_reader;
mod http;
mod issuers;
mod present;
mod vote;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{ConsentAction, ConsentUse, Purpose, Recipient};
use myna_vc_core::crypto::PublicKey;
use myna_vc_core::jwk::Jwk;
use myna_vc_core::oid4vci::{CredentialOffer, IssuerId, OfferLink};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::time::{Clock, NumericDate, SystemClock};
use myna_wallet::consent::ConsentRequest;
use myna_wallet::credentials::ANCHOR_CONFIGURATION;
use myna_wallet::history::Event;
use myna_wallet::receipt::{IssuerKeys, PinnedIssuer, ReceiptCheck, StatusSource};
use myna_wallet::sealed::KdfParams;
use myna_wallet::store::RedbStore;
use myna_wallet::Wallet;
use zeroize::Zeroizing;

pub use http::{Http, HttpAnchor, HttpReceive, HttpRegistryArgs, TransportArgs};
pub use issuers::{Anchored, Issuers, Session};
use present::PresentArgs;

/// A resident's wallet: keys, credentials, consents and presentations.
///
/// The wallet lives in one encrypted file, `wallet.redb`, in the data directory. Its master
/// secret is sealed under your passphrase (Argon2id + ChaCha20-Poly1305; at least 12
/// characters); every holder key is derived from that secret, one per verifier and one per
/// credential, so a backup restores them all. The passphrase is read from --passphrase-file,
/// else MYNA_WALLET_PASSPHRASE, else the file MYNA_WALLET_PASSPHRASE_FILE names, else asked
/// without echo.
///
/// A first run: `init`, `anchor` (at an issuer, with your card), `receive --offer …`, `list`,
/// `present --challenge 'MVC1:…' --age-over 20`, `pseudonym …`, `consent give …`,
/// `consent withdraw ID`, `history`.
#[derive(Debug, clap::Args)]
pub struct Args<I: Issuers> {
    /// The wallet's directory (created by `init`).
    #[arg(
        long,
        env = "MYNA_WALLET_DIR",
        default_value = "myna-wallet",
        global = true
    )]
    data_dir: PathBuf,
    /// A file whose first line is the wallet passphrase (wins over MYNA_WALLET_PASSPHRASE).
    #[arg(long, value_name = "FILE", global = true)]
    passphrase_file: Option<PathBuf>,
    // Boxed: the subcommands' flags make the enum large, and `Args` sits in the top-level one.
    #[command(subcommand)]
    command: Box<Command<I>>,
}

#[derive(Debug, Subcommand)]
enum Command<I: Issuers> {
    /// Create a new wallet: a fresh master secret, sealed under your passphrase.
    Init,
    /// Bind the wallet to a My Number card at an issuer (once per issuer).
    ///
    /// The card's authentication key signs the issuer's challenge together with a holder key
    /// of the wallet; the issuer answers with an anchor credential (no personal data) and an
    /// offer of further credentials, printed for `receive` (or written to --offer-out).
    Anchor {
        #[command(flatten)]
        issuer: I::Anchor,
        /// Write the issuer's credential offer link (one line) to FILE instead of printing
        /// it, for `wallet receive --offer "$(cat FILE)"`.
        #[arg(long, value_name = "FILE")]
        offer_out: Option<PathBuf>,
    },
    /// Redeem a credential offer: a batch of single-use credentials per offered type.
    ///
    /// Each credential is bound to its own holder key and checked on receipt: the issuer's
    /// signature with the pinned key, its status list, and the type's schema.
    Receive {
        /// The offer link (`openid-credential-offer://?credential_offer=…`).
        #[arg(long)]
        offer: String,
        /// The transaction code the issuer sent separately, if the offer asks for one.
        #[arg(long)]
        tx_code: Option<String>,
        #[command(flatten)]
        issuer: I::Receive,
    },
    /// List the credentials held: per type, how many fresh instances are left and which
    /// verifiers have seen one; says when a batch needs a refill.
    List {
        /// Print a JSON array instead: per credential type its vct, issuer, configuration,
        /// total, fresh, shown_to, stale (the flags gone stale) and refill (true when low).
        #[arg(long)]
        json: bool,
    },
    /// Answer a verifier's DCQL query with the fewest disclosures, after showing you exactly
    /// what will be disclosed.
    ///
    /// The verifier is named by an OpenID4VP request link (`--request`) or, in person, by the
    /// challenge its screen shows (`--challenge 'MVC1:<nonce>:<audience>'`, or `--verifier`
    /// and `--nonce`). Each credential instance goes to one verifier only, and is counted as
    /// used only once the answer was delivered: printed in full (the OpenID4VP `direct_post`
    /// body and the compact QR text `MV1:…`), or written to `--out`. Output that cannot be
    /// delivered (a closed pipe) uses nothing up.
    Present(PresentArgs),
    /// Seal the shelter's medical questionnaire (問診票) to its medical staff's public key,
    /// only with --consent: the desk and the HQ carry the sealed blob, medical staff open it
    /// (`myna shelter questionnaire open`). The same as `myna shelter questionnaire seal`.
    Questionnaire(crate::shelter::SealArgs),
    /// Renew age credentials whose flag went stale (a birthday made `age_over_20: false`
    /// untrue before the credential expired) at their issuer, without staff or card.
    ///
    /// The wallet finds stale copies itself from the birth date it holds (`list` says when),
    /// asks the issuer for a refresh offer (`POST /refresh-offers`), presents one unused stale
    /// copy with its birth date, stores the new batch and removes the stale copies.
    Refresh {
        /// The issuer's URL (OpenID4VCI credential issuer identifier).
        #[arg(long)]
        issuer: String,
        /// The issuer's public key (a JWK file), pinned for checking what it sends.
        #[arg(long)]
        issuer_key: PathBuf,
        #[command(flatten)]
        transport: TransportArgs,
    },
    /// Receive your own pseudonym in a context (a forum, a sale) from an issuer you anchored
    /// at, bound to the key anchored there.
    ///
    /// Asks the issuer for an offer of your pseudonym in the context (`POST
    /// /pseudonym-offers`, for the contexts it lists), and redeems it with your anchor
    /// credential: the issuer learns who the pseudonym is for only then. Needs a prior
    /// `anchor` at that issuer. Present it with `present --query` for a "once per person"
    /// request. For a poll (context `poll:<id>`) the pseudonym is bound to a fresh key of its
    /// own, unlinkable to your other credentials; vote with `vote`.
    Pseudonym {
        /// The issuer's URL (OpenID4VCI credential issuer identifier) you anchored at.
        #[arg(long)]
        issuer: String,
        /// The issuer's public key (a JWK file), pinned for checking what it sends.
        #[arg(long)]
        issuer_key: PathBuf,
        /// The context, as the issuer and the forum name it (e.g. maebashi-forum).
        #[arg(long)]
        context: String,
        #[command(flatten)]
        transport: TransportArgs,
    },
    /// Vote in a poll: sign a ballot for your choice with your pseudonym for the poll
    /// (context `poll:<id>`, received beforehand with `pseudonym`).
    ///
    /// The ballot shows only that pseudonym and its context; its key binding signs the
    /// choice (nonce = H(poll, choice)) so the ballot box cannot change it, and anyone can
    /// recount the published ballots (`myna poll tally`). A second ballot with the same card
    /// — from this phone or another — is refused by the box (already_voted).
    Vote(vote::VoteArgs),
    /// Give, withdraw, pause, resume and list consents (dynamic opt-in).
    #[command(subcommand)]
    Consent(ConsentCommand<I>),
    /// Print the history of presentations and consent events, and check its hash chain.
    History,
    /// Write the whole wallet, sealed under your passphrase, to one file (a backup).
    Export {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a wallet from an `export` file into an empty data directory.
    Import {
        /// The file to read.
        #[arg(long = "in")]
        input: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ConsentCommand<I: Issuers> {
    /// Sign a consent for a recipient and register it.
    ///
    /// The record is signed with the wallet's key for that recipient only.
    Give {
        /// The recipient's DID (did:key or did:jwk).
        #[arg(long)]
        recipient: String,
        /// Why the recipient may use the data.
        #[arg(long)]
        purpose: String,
        /// From which credential type (e.g. urn:myna-vc:vct:age:1).
        #[arg(long)]
        vct: String,
        /// A claim the recipient may receive (repeat for several).
        #[arg(long = "claim", required = true)]
        claims: Vec<String>,
        /// End of the consent, in Unix seconds (default: until withdrawn).
        #[arg(long)]
        until: Option<i64>,
        /// Usable once: the recipient's reported use ends it.
        #[arg(long)]
        one_time: bool,
        #[command(flatten)]
        registry: I::Registry,
    },
    /// Withdraw a consent for good.
    Withdraw {
        /// The consent id (see `consent list`).
        #[arg(allow_hyphen_values = true)]
        id: String,
        #[command(flatten)]
        registry: I::Registry,
    },
    /// Pause a consent (conditional sharing) until resumed.
    Pause {
        /// The consent id.
        #[arg(allow_hyphen_values = true)]
        id: String,
        #[command(flatten)]
        registry: I::Registry,
    },
    /// Resume a paused consent.
    Resume {
        /// The consent id.
        #[arg(allow_hyphen_values = true)]
        id: String,
        #[command(flatten)]
        registry: I::Registry,
    },
    /// Which recipient holds which data, since when, and in what state.
    List,
}

/// Runs `myna wallet` (or another binary's wallet command) with `issuers` reaching the
/// issuers and registries.
pub fn run<I: Issuers>(args: Args<I>, issuers: &I) -> Result<()> {
    let session =
        Session::new(args.data_dir, SystemClock.now()).with_passphrase_file(args.passphrase_file);
    match *args.command {
        Command::Init => init(&session),
        Command::Anchor { issuer, offer_out } => {
            anchor(&session, issuers, &issuer, offer_out.as_deref())
        }
        Command::Receive {
            offer,
            tx_code,
            issuer,
        } => receive(&session, issuers, &offer, tx_code.as_deref(), &issuer),
        Command::List { json } => list(&session, json),
        Command::Refresh {
            issuer,
            issuer_key,
            transport,
        } => refresh(&session, &issuer, &issuer_key, &transport),
        Command::Pseudonym {
            issuer,
            issuer_key,
            context,
            transport,
        } => pseudonym(&session, &issuer, &issuer_key, &context, &transport),
        Command::Present(present_args) => present::run(&session, &present_args),
        Command::Vote(vote_args) => vote::run(&session, &vote_args),
        Command::Questionnaire(seal_args) => crate::shelter::seal(&seal_args),
        Command::Consent(command) => consent(&session, issuers, command),
        Command::History => history(&session),
        Command::Export { out } => export(&session, &out),
        Command::Import { input } => import(&session, &input),
    }
}

/// The wallet passphrase from `file` (`--passphrase-file`), MYNA_WALLET_PASSPHRASE,
/// MYNA_WALLET_PASSPHRASE_FILE or a prompt without echo; wiped from memory when dropped.
fn passphrase(
    file: Option<&Path>,
    purpose: crate::passphrase::Purpose,
) -> Result<Zeroizing<String>> {
    let source = crate::passphrase::Source {
        flag: None,
        file,
        env: "MYNA_WALLET_PASSPHRASE",
        env_file: Some("MYNA_WALLET_PASSPHRASE_FILE"),
        prompt: "wallet passphrase",
    };
    crate::passphrase::read(&source, purpose)
}

fn wallet_file(dir: &Path) -> PathBuf {
    dir.join("wallet.redb")
}

/// Whether `dir` holds a wallet; a directory or file that cannot be read is an error that
/// says so (not "no wallet yet").
fn has_wallet(dir: &Path) -> Result<bool> {
    let path = wallet_file(dir);
    path.try_exists()
        .with_context(|| format!("cannot read the wallet file {}", path.display()))
}

/// Opens the wallet in `dir`, asking for its passphrase.
fn open(dir: &Path, passphrase_file: Option<&Path>) -> Result<Wallet<RedbStore>> {
    if !has_wallet(dir)? {
        bail!(
            "no wallet in {}: run `myna wallet init` first",
            dir.display()
        );
    }
    let path = wallet_file(dir);
    let store = RedbStore::open(&path)
        .with_context(|| format!("cannot read the wallet file {}", path.display()))?;
    Ok(Wallet::open(
        store,
        &passphrase(passphrase_file, crate::passphrase::Purpose::Open)?,
    )?)
}

/// A new wallet file in `dir` (created if missing).
fn new_store(dir: &Path) -> Result<RedbStore> {
    if has_wallet(dir)? {
        bail!("{} already holds a wallet", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = wallet_file(dir);
    RedbStore::open(&path).with_context(|| format!("cannot create {}", path.display()))
}

fn init(session: &Session) -> Result<()> {
    let dir = session.dir();
    let passphrase = passphrase(
        session.passphrase_file(),
        crate::passphrase::Purpose::Create,
    )?;
    let wallet = Wallet::create(
        new_store(dir)?,
        &passphrase,
        KdfParams::default(),
        session.now(),
    )?;
    drop(wallet);
    println!("wallet created in {}", dir.display());
    println!("back it up with `wallet export --out FILE` (sealed under your passphrase)");
    Ok(())
}

/// The public key in the JWK file at `path` (an issuer's or a registry's key, to pin).
pub fn read_key(path: &Path) -> Result<PublicKey> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?;
    let value = myna_vc_core::json::parse(&bytes, "issuer key")?;
    Ok(Jwk::from_json(&value)?.key)
}

/// Receipt checks against `issuers` and `status`, with the known credential types.
pub fn check<'a>(issuers: &'a dyn IssuerKeys, status: &'a dyn StatusSource) -> ReceiptCheck<'a> {
    ReceiptCheck::new(issuers, status)
}

fn anchor<I: Issuers>(
    session: &Session,
    issuers: &I,
    args: &I::Anchor,
    offer_out: Option<&Path>,
) -> Result<()> {
    let anchored = issuers.anchor(session, args).context("anchoring failed")?;
    println!(
        "anchored at {} (credential {})",
        anchored.credential.issuer, anchored.credential.id
    );
    let link = match anchored.offer {
        Some(offer) => OfferLink::ByValue(Box::new(offer)).to_url()?,
        None if offer_out.is_some() => bail!(
            "the issuer made no credential offer, so --offer-out has nothing to write (the \
             anchoring itself succeeded); with --with-facts the card's certified facts let it \
             offer resident and age credentials"
        ),
        None => return Ok(()),
    };
    match offer_out {
        Some(path) => {
            std::fs::write(path, format!("{link}\n"))
                .with_context(|| format!("cannot write the offer to {}", path.display()))?;
            println!(
                "credential offer written to {} (redeem with `wallet receive --offer \"$(cat {})\"`)",
                path.display(),
                path.display()
            );
        }
        None => {
            println!("credential offer (redeem with `wallet receive --offer '<link>'`):");
            println!("{link}");
        }
    }
    Ok(())
}

fn receive<I: Issuers>(
    session: &Session,
    issuers: &I,
    link: &str,
    tx_code: Option<&str>,
    args: &I::Receive,
) -> Result<()> {
    let offer: CredentialOffer = match OfferLink::parse(link).context("the offer link")? {
        OfferLink::ByValue(offer) => *offer,
        OfferLink::ByReference(uri) => {
            bail!("offers by reference ({uri}) are not fetched yet; pass the offer by value")
        }
    };
    let batches = issuers
        .receive(session, &offer, tx_code, args)
        .with_context(|| format!("receiving from {}", offer.credential_issuer.as_str()))?;
    for batch in batches {
        let vct = batch
            .credentials
            .first()
            .map(|c| c.vct.as_str())
            .unwrap_or("?");
        println!(
            "received {} × {vct} (configuration {})",
            batch.credentials.len(),
            batch.configuration_id
        );
    }
    Ok(())
}

fn refresh(session: &Session, issuer: &str, key: &Path, transport: &TransportArgs) -> Result<()> {
    let issuer = IssuerId::new(issuer).context("--issuer")?;
    let pinned = PinnedIssuer::new(issuer.as_str(), read_key(key)?);
    let options = transport.options()?;
    let wallet = session.open_wallet()?;
    let http = myna_wallet::http::HttpIssuer::new_with(&options)?;
    let status = myna_wallet::http::HttpStatus::new_with(&options)?;
    let refreshed = wallet
        .refresh_stale(&http, &issuer, &check(&pinned, &status), session.now())
        .with_context(|| format!("refreshing at {}", issuer.as_str()))?;
    match refreshed {
        None => println!("nothing stale from {}", issuer.as_str()),
        Some(batch) => println!(
            "refreshed: {} new {} copies; the stale ones are removed",
            batch.credentials.len(),
            batch.configuration_id
        ),
    }
    Ok(())
}

fn pseudonym(
    session: &Session,
    issuer: &str,
    key: &Path,
    context: &str,
    transport: &TransportArgs,
) -> Result<()> {
    let issuer = IssuerId::new(issuer).context("--issuer")?;
    let pinned = PinnedIssuer::new(issuer.as_str(), read_key(key)?);
    let wallet = session.open_wallet()?;
    let anchored = wallet
        .credentials()?
        .iter()
        .any(|c| c.configuration_id == ANCHOR_CONFIGURATION && c.issuer == issuer.as_str());
    if !anchored {
        bail!(
            "this wallet is not anchored at {0}: anchor it there first \
             (`myna wallet anchor --issuer {0} --issuer-key …`), then ask again",
            issuer.as_str()
        );
    }
    let options = transport.options()?;
    let http = myna_wallet::http::HttpIssuer::new_with(&options)?;
    let status = myna_wallet::http::HttpStatus::new_with(&options)?;
    // A poll's pseudonym goes to a fresh key of its own, so ballots cannot be linked by key.
    let poll = context
        .strip_prefix(myna_vc_core::ballot::CONTEXT_PREFIX)
        .map(myna_vc_core::ballot::PollId::parse)
        .transpose()
        .context("--context poll:<id>")?;
    let received = match &poll {
        Some(poll) => wallet.receive_poll_pseudonym(
            &http,
            &issuer,
            poll,
            &check(&pinned, &status),
            session.now(),
        ),
        None => wallet.receive_pseudonym(
            &http,
            &issuer,
            context,
            &check(&pinned, &status),
            session.now(),
        ),
    };
    let batches = received
        .with_context(|| format!("asking {} for your pseudonym in {context}", issuer.as_str()))?;
    let count: usize = batches.iter().map(|b| b.credentials.len()).sum();
    let key = if poll.is_some() {
        "a fresh key of its own"
    } else {
        "the key anchored there"
    };
    println!(
        "received your pseudonym in {context} from {} ({count} credential, bound to {key})",
        issuer.as_str()
    );
    Ok(())
}

/// One line of `list --json`.
fn list_entry(
    line: &myna_wallet::credentials::CredentialSummary,
    stale: &[String],
    refill: bool,
) -> serde_json::Value {
    serde_json::json!({
        "vct": line.vct,
        "issuer": line.issuer,
        "configuration_id": line.configuration_id,
        "total": line.total,
        "fresh": line.fresh,
        "shown_to": line.shown_to.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "stale": stale,
        "refill": refill,
    })
}

fn list(session: &Session, json: bool) -> Result<()> {
    let now = session.now();
    let wallet = session.open_wallet()?;
    let summary = wallet.summary(now)?;
    let stale = wallet.stale_credentials(now)?;
    let refills = wallet.refill_signals(now)?;
    let mut out = std::io::stdout().lock();
    if json {
        let entries = summary
            .iter()
            .map(|line| {
                let mut flags = std::collections::BTreeSet::new();
                for copy in stale
                    .iter()
                    .filter(|c| c.issuer == line.issuer && c.vct == line.vct)
                {
                    flags.extend(myna_wallet::freshness::stale_claims_of(copy, now)?);
                }
                let refill = refills
                    .iter()
                    .any(|r| r.issuer == line.issuer && r.vct == line.vct);
                Ok(list_entry(
                    line,
                    &flags.into_iter().collect::<Vec<_>>(),
                    refill,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        writeln!(out, "{}", serde_json::Value::Array(entries))?;
        return Ok(out.flush()?);
    }
    if summary.is_empty() {
        writeln!(
            out,
            "no credentials yet: `wallet anchor` at an issuer, then `wallet receive` its offer"
        )?;
    }
    for line in &summary {
        writeln!(
            out,
            "{}  from {}: {} held, {} fresh, shown to {}",
            line.vct,
            line.issuer,
            line.total,
            line.fresh,
            if line.shown_to.is_empty() {
                "nobody".to_owned()
            } else {
                line.shown_to
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )?;
    }
    for stale in &stale {
        writeln!(
            out,
            "stale: a {} from {} states a flag that is no longer true; \
             `wallet refresh --issuer {} --issuer-key …` renews it",
            stale.vct, stale.issuer, stale.issuer
        )?;
    }
    for signal in &refills {
        writeln!(
            out,
            "refill: only {} fresh {} left; ask {} for a new batch of `{}`",
            signal.fresh, signal.vct, signal.issuer, signal.configuration_id
        )?;
    }
    Ok(out.flush()?)
}

fn consent<I: Issuers>(session: &Session, issuers: &I, command: ConsentCommand<I>) -> Result<()> {
    let now = session.now();
    let wallet = session.open_wallet()?;
    let change = |id: &str, registry: &I::Registry, action: ConsentAction| {
        issuers
            .with_registry(session, registry, |r| {
                Ok(wallet.change_consent(r, id, action, now)?)
            })
            .map(|c| println!("consent {} is now {}", c.id, c.state))
    };
    match command {
        ConsentCommand::Give {
            recipient,
            purpose,
            vct,
            claims,
            until,
            one_time,
            registry,
        } => {
            let request = ConsentRequest {
                recipient: Recipient::parse(&recipient)?,
                purpose: Purpose::new(&purpose)?,
                vct: Vct::parse(&vct)?,
                claims: claims.iter().map(|c| ClaimPath::key(c.as_str())).collect(),
                not_before: now,
                not_after: until.map(NumericDate::from_unix),
                usage: if one_time {
                    ConsentUse::OneTime
                } else {
                    ConsentUse::Ongoing
                },
            };
            let stored = issuers.with_registry(session, &registry, |r| {
                Ok(wallet.give_consent(r, request, now)?)
            })?;
            println!("consent {} given to {}", stored.id, stored.recipient);
            println!("hand the recipient the record and the receipt:");
            println!("record:  {}", stored.record);
            println!("receipt: {}", stored.receipt);
            Ok(())
        }
        ConsentCommand::Withdraw { id, registry } => {
            change(&id, &registry, ConsentAction::Withdraw)
        }
        ConsentCommand::Pause { id, registry } => change(&id, &registry, ConsentAction::Pause),
        ConsentCommand::Resume { id, registry } => change(&id, &registry, ConsentAction::Resume),
        ConsentCommand::List => {
            let holdings = wallet.consent_holdings()?;
            if holdings.is_empty() {
                println!("no consents given");
            }
            let mut out = std::io::stdout().lock();
            for h in holdings {
                writeln!(
                    out,
                    "{}  {} holds {} of {} since {}{} [{}, {}]",
                    h.consent,
                    h.recipient,
                    h.claims.join(" "),
                    h.vct,
                    crate::jst::format(h.since),
                    h.until
                        .map(|u| format!(" until {}", crate::jst::format(u)))
                        .unwrap_or_default(),
                    h.usage,
                    h.state
                )?;
            }
            Ok(out.flush()?)
        }
    }
}

fn describe(event: &Event) -> String {
    match event {
        Event::Presented {
            verifier, claims, ..
        } if claims.is_empty() => {
            format!("presented (no selectively disclosed claim) to {verifier}")
        }
        Event::Presented {
            verifier, claims, ..
        } => format!("presented {} to {verifier}", claims.join(" ")),
        Event::Received { issuer, vct, count } => format!("received {count} × {vct} from {issuer}"),
        Event::Anchored { issuer } => format!("anchored at {issuer}"),
        Event::ConsentGiven {
            consent,
            recipient,
            purpose,
            claims,
        } => format!(
            "consent {consent} given to {recipient} for \"{purpose}\": {}",
            claims.join(" ")
        ),
        Event::ConsentChanged { consent, action } => format!("consent {consent}: {action}"),
        Event::Note { text } => text.clone(),
        other => format!("{other:?}"),
    }
}

fn history(session: &Session) -> Result<()> {
    let wallet = session.open_wallet()?;
    let entries = wallet.history()?;
    let mut out = std::io::stdout().lock();
    for entry in &entries {
        writeln!(
            out,
            "{:>4}  {}  {}",
            entry.seq,
            crate::jst::format(NumericDate::from_unix(entry.at)),
            describe(&entry.event)
        )?;
    }
    match wallet.verify_history() {
        Ok(_) => {
            writeln!(out, "hash chain intact ({} entries)", entries.len())?;
            Ok(out.flush()?)
        }
        Err(e) => Err(anyhow::Error::new(e).context("the history does not verify")),
    }
}

fn export(session: &Session, out: &Path) -> Result<()> {
    let wallet = session.open_wallet()?;
    let passphrase = passphrase(session.passphrase_file(), crate::passphrase::Purpose::Open)?;
    let sealed = wallet.export(&passphrase, &passphrase, KdfParams::default())?;
    std::fs::write(out, &sealed).with_context(|| out.display().to_string())?;
    println!(
        "wrote {} ({} bytes, sealed under your passphrase)",
        out.display(),
        sealed.len()
    );
    Ok(())
}

fn import(session: &Session, input: &Path) -> Result<()> {
    let dir = session.dir();
    if has_wallet(dir)? {
        return Err(anyhow!("{} already holds a wallet", dir.display()));
    }
    let bytes = std::fs::read(input).with_context(|| input.display().to_string())?;
    let passphrase = passphrase(session.passphrase_file(), crate::passphrase::Purpose::Open)?;
    let wallet = Wallet::import(
        new_store(dir)?,
        &bytes,
        &passphrase,
        &passphrase,
        KdfParams::default(),
    )?;
    wallet.record_event(
        session.now(),
        Event::Note {
            text: format!("imported from {}", input.display()),
        },
    )?;
    println!("wallet restored into {}", dir.display());
    Ok(())
}
