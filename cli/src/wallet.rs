//! `myna wallet …`: a resident's wallet on the command line, over the `myna-wallet` library.
//!
//! The commands are generic over how issuers and consent registries are reached
//! ([`Issuers`]): the product reaches them over HTTP ([`Http`]); the demo (`myna-demo wallet …`)
//! plugs in its in-process demo issuer and runs the very same commands.

mod card_reader;
mod http;
mod issuers;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::compact::InPersonChallenge;
use myna_vc_core::consent::{ConsentAction, ConsentUse, Purpose, Recipient};
use myna_vc_core::crypto::PublicKey;
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::jwk::Jwk;
use myna_vc_core::oid4vci::{CredentialOffer, IssuerId, OfferLink};
use myna_vc_core::oid4vp::RequestLink;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::time::{Clock, NumericDate, SystemClock};
use myna_wallet::consent::ConsentRequest;
use myna_wallet::history::Event;
use myna_wallet::present::PresentationRequest;
use myna_wallet::receipt::{IssuerKeys, PinnedIssuer, ReceiptCheck, StatusSource};
use myna_wallet::sealed::KdfParams;
use myna_wallet::store::RedbStore;
use myna_wallet::Wallet;
use zeroize::Zeroizing;

pub use http::{Http, HttpAnchor, HttpReceive, HttpRegistryArgs};
pub use issuers::{Anchored, Issuers, Session};

/// A resident's wallet: keys, credentials, consents and presentations.
///
/// The wallet lives in one encrypted file, `wallet.redb`, in the data directory. Its master
/// secret is sealed under your passphrase (Argon2id + ChaCha20-Poly1305); every holder key is
/// derived from that secret, one per verifier and one per credential, so a backup restores
/// them all. The passphrase is read from MYNA_WALLET_PASSPHRASE, or asked on standard input.
///
/// A first run: `init`, `anchor` (at an issuer, with your card), `receive --offer …`, `list`,
/// `present --age-over 20 --verifier https://shop.example --nonce …`, `consent give …`,
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
    #[command(subcommand)]
    command: Command<I>,
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
    List,
    /// Answer a verifier's DCQL query with the fewest disclosures, after showing you exactly
    /// what will be disclosed.
    ///
    /// The verifier is named by an OpenID4VP request link (`--request`) or, in person, by the
    /// audience and nonce its screen shows (`--verifier`, `--nonce`). Each credential instance
    /// goes to one verifier only. Prints the OpenID4VP response (`direct_post` body) and the
    /// compact QR text (`MV1:…`) with the QR version it needs.
    Present(PresentArgs),
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
    },
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

#[derive(Debug, clap::Args)]
struct PresentArgs {
    /// An OpenID4VP request link (`openid4vp://?client_id=…&dcql_query=…&nonce=…`).
    #[arg(long, conflicts_with_all = ["verifier", "nonce"])]
    request: Option<String>,
    /// In person: the verifier's identifier shown on its screen (the KB-JWT audience).
    #[arg(long, requires = "nonce")]
    verifier: Option<String>,
    /// In person: the verifier's fresh nonce.
    #[arg(long, requires = "verifier")]
    nonce: Option<String>,
    /// In person: a DCQL query file (JSON).
    #[arg(long, conflicts_with_all = ["age_over", "resident_of"])]
    query: Option<PathBuf>,
    /// In person: ask for "age ≥ N" (N in 18, 20, 65).
    #[arg(long, conflicts_with = "resident_of")]
    age_over: Option<u32>,
    /// In person: ask for "resident of municipality CODE" (6 digits).
    #[arg(long)]
    resident_of: Option<String>,
    /// Sign without asking (the preview is still printed).
    #[arg(long)]
    yes: bool,
    /// Also draw the QR code in the terminal.
    #[arg(long)]
    show_qr: bool,
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
        id: String,
        #[command(flatten)]
        registry: I::Registry,
    },
    /// Pause a consent (conditional sharing) until resumed.
    Pause {
        /// The consent id.
        id: String,
        #[command(flatten)]
        registry: I::Registry,
    },
    /// Resume a paused consent.
    Resume {
        /// The consent id.
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
    let session = Session::new(args.data_dir, SystemClock.now());
    let dir = session.dir();
    let now = session.now();
    match args.command {
        Command::Init => init(dir, now),
        Command::Anchor { issuer, offer_out } => {
            anchor(&session, issuers, &issuer, offer_out.as_deref())
        }
        Command::Receive {
            offer,
            tx_code,
            issuer,
        } => receive(&session, issuers, &offer, tx_code.as_deref(), &issuer),
        Command::List => list(dir, now),
        Command::Refresh { issuer, issuer_key } => refresh(dir, &issuer, &issuer_key, now),
        Command::Present(present_args) => present(dir, &present_args, now),
        Command::Consent(command) => consent(&session, issuers, command),
        Command::History => history(dir),
        Command::Export { out } => export(dir, &out),
        Command::Import { input } => import(dir, &input, now),
    }
}

/// The passphrase, wiped from memory when dropped.
fn passphrase() -> Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var("MYNA_WALLET_PASSPHRASE") {
        return Ok(Zeroizing::new(value));
    }
    eprint!("wallet passphrase: ");
    std::io::stderr().flush()?;
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(Zeroizing::new(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}

fn store(dir: &Path) -> Result<RedbStore> {
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    let path = dir.join("wallet.redb");
    RedbStore::open(&path).with_context(|| path.display().to_string())
}

/// Opens the wallet in `dir`, asking for its passphrase.
fn open(dir: &Path) -> Result<Wallet<RedbStore>> {
    if !dir.join("wallet.redb").exists() {
        bail!("no wallet in {}: run `wallet init` first", dir.display());
    }
    Ok(Wallet::open(store(dir)?, &passphrase()?)?)
}

fn init(dir: &Path, now: NumericDate) -> Result<()> {
    let wallet = Wallet::create(store(dir)?, &passphrase()?, KdfParams::default(), now)?;
    drop(wallet);
    println!("wallet created in {}", dir.display());
    println!("back it up with `wallet export --out FILE` (sealed under your passphrase)");
    Ok(())
}

/// The public key in the JWK file at `path` (an issuer's or a registry's key, to pin).
pub fn read_key(path: &Path) -> Result<PublicKey> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
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

fn refresh(dir: &Path, issuer: &str, key: &Path, now: NumericDate) -> Result<()> {
    let wallet = open(dir)?;
    let issuer = IssuerId::new(issuer)?;
    let pinned = PinnedIssuer::new(issuer.as_str(), read_key(key)?);
    let transport = myna_wallet::http::HttpIssuer::new()?;
    let status = myna_wallet::http::HttpStatus::new()?;
    let refreshed = wallet
        .refresh_stale(&transport, &issuer, &check(&pinned, &status), now)
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

fn list(dir: &Path, now: NumericDate) -> Result<()> {
    let wallet = open(dir)?;
    let summary = wallet.summary(now)?;
    if summary.is_empty() {
        println!(
            "no credentials yet: `wallet anchor` at an issuer, then `wallet receive` its offer"
        );
    }
    for line in &summary {
        println!(
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
        );
    }
    for stale in wallet.stale_credentials(now)? {
        println!(
            "stale: a {} from {} states a flag that is no longer true; \
             `wallet refresh --issuer {} --issuer-key …` renews it",
            stale.vct, stale.issuer, stale.issuer
        );
    }
    for signal in wallet.refill_signals(now)? {
        println!(
            "refill: only {} fresh {} left; ask {} for a new batch of `{}`",
            signal.fresh, signal.vct, signal.issuer, signal.configuration_id
        );
    }
    Ok(())
}

/// The DCQL query of an in-person request.
fn in_person_query(args: &PresentArgs) -> Result<DcqlQuery> {
    let json = match (&args.query, args.age_over, &args.resident_of) {
        (Some(path), _, _) => {
            std::fs::read_to_string(path).with_context(|| path.display().to_string())?
        }
        (None, Some(age), _) => serde_json::json!({"credentials": [{
            "id": "age", "format": "dc+sd-jwt",
            "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]},
            "claims": [{"path": [format!("age_over_{age}")], "values": [true]}]}]})
        .to_string(),
        (None, None, Some(code)) => serde_json::json!({"credentials": [{
            "id": "resident", "format": "dc+sd-jwt",
            "meta": {"vct_values": ["urn:myna-vc:vct:resident:1"]},
            "claims": [{"path": ["municipality_code"], "values": [code]}]}]})
        .to_string(),
        (None, None, None) => {
            bail!("say what the verifier asks: --query FILE, --age-over N or --resident-of CODE")
        }
    };
    Ok(DcqlQuery::from_json(json.as_bytes())?)
}

fn presentation_request(args: &PresentArgs) -> Result<PresentationRequest> {
    if let Some(link) = &args.request {
        return match RequestLink::parse(link)? {
            RequestLink::ByValue(request) => Ok(PresentationRequest::openid4vp(&request)?),
            _ => Err(anyhow!(
                "signed and by-reference request objects are not fetched yet"
            )),
        };
    }
    let (Some(verifier), Some(nonce)) = (&args.verifier, &args.nonce) else {
        return Err(anyhow!(
            "name the verifier: --request LINK, or --verifier ID --nonce N"
        ));
    };
    let nonce = myna_vc_core::oid4vp::Nonce::parse(nonce)?;
    let challenge = InPersonChallenge::new(verifier, nonce)?;
    Ok(PresentationRequest::in_person(
        &challenge,
        in_person_query(args)?,
    )?)
}

fn confirmed() -> Result<bool> {
    eprint!("sign and present? [y/N] ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

fn present(dir: &Path, args: &PresentArgs, now: NumericDate) -> Result<()> {
    let request = presentation_request(args)?;
    let wallet = open(dir)?;
    let preview = wallet.prepare(request, now)?;
    println!("{} will receive:", preview.verifier());
    for item in preview.items() {
        println!("  from {} ({}):", item.vct, item.issuer);
        for (path, value) in &item.disclosed {
            println!("    {path} = {value}");
        }
        if item.disclosed.is_empty() {
            println!("    no selectively disclosable claim");
        }
        println!("    always shown: {}", item.always_shown.join(", "));
    }
    if !args.yes && !confirmed()? {
        return Err(anyhow!("not presented"));
    }
    let presentation = preview.confirm()?;
    println!("OpenID4VP response (direct_post body):");
    println!("{}", presentation.to_form());
    if let Ok(qr) = presentation.compact() {
        let code = qrcode::QrCode::with_error_correction_level(qr.as_bytes(), qrcode::EcLevel::L)?;
        let version = match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        println!(
            "compact QR form ({} characters, QR version {version} at level L):",
            qr.len()
        );
        println!("{qr}");
        if args.show_qr {
            let drawn = code
                .render::<qrcode::render::unicode::Dense1x2>()
                .quiet_zone(true)
                .build();
            println!("{drawn}");
        }
    }
    Ok(())
}

fn consent<I: Issuers>(session: &Session, issuers: &I, command: ConsentCommand<I>) -> Result<()> {
    let now = session.now();
    let wallet = open(session.dir())?;
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
            for h in holdings {
                println!(
                    "{}  {} holds {} of {} since {}{} [{}, {}]",
                    h.consent,
                    h.recipient,
                    h.claims.join(" "),
                    h.vct,
                    h.since.as_unix(),
                    h.until
                        .map(|u| format!(" until {}", u.as_unix()))
                        .unwrap_or_default(),
                    h.usage,
                    h.state
                );
            }
            Ok(())
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

fn history(dir: &Path) -> Result<()> {
    let wallet = open(dir)?;
    let entries = wallet.history()?;
    for entry in &entries {
        println!("{:>4}  {}  {}", entry.seq, entry.at, describe(&entry.event));
    }
    match wallet.verify_history() {
        Ok(_) => {
            println!("hash chain intact ({} entries)", entries.len());
            Ok(())
        }
        Err(e) => Err(anyhow::Error::new(e).context("the history does not verify")),
    }
}

fn export(dir: &Path, out: &Path) -> Result<()> {
    let wallet = open(dir)?;
    let passphrase = passphrase()?;
    let sealed = wallet.export(&passphrase, &passphrase, KdfParams::default())?;
    std::fs::write(out, &sealed).with_context(|| out.display().to_string())?;
    println!(
        "wrote {} ({} bytes, sealed under your passphrase)",
        out.display(),
        sealed.len()
    );
    Ok(())
}

fn import(dir: &Path, input: &Path, now: NumericDate) -> Result<()> {
    if dir.join("wallet.redb").exists() {
        return Err(anyhow!("{} already holds a wallet", dir.display()));
    }
    let bytes = std::fs::read(input).with_context(|| input.display().to_string())?;
    let passphrase = passphrase()?;
    let wallet = Wallet::import(
        store(dir)?,
        &bytes,
        &passphrase,
        &passphrase,
        KdfParams::default(),
    )?;
    wallet.record_event(
        now,
        Event::Note {
            text: format!("imported from {}", input.display()),
        },
    )?;
    println!("wallet restored into {}", dir.display());
    Ok(())
}
