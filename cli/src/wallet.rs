//! `myna wallet …`: a resident's wallet on the command line, over the `myna-wallet` library.

mod demo_issuer;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

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
use myna_wallet::consent::{ConsentRegistry, ConsentRequest};
use myna_wallet::history::Event;
use myna_wallet::present::PresentationRequest;
use myna_wallet::receipt::{IssuerKeys, PinnedIssuer, ReceiptCheck, StatusSource};
use myna_wallet::sealed::KdfParams;
use myna_wallet::store::RedbStore;
use myna_wallet::Wallet;

use demo_issuer::{DemoIssuer, DEMO_ISS};
use zeroize::Zeroizing;

/// A resident's wallet: keys, credentials, consents and presentations.
///
/// The wallet lives in one encrypted file, `wallet.redb`, in the data directory. Its master
/// secret is sealed under your passphrase (Argon2id + ChaCha20-Poly1305); every holder key is
/// derived from that secret, one per verifier and one per credential, so a backup restores
/// them all. The passphrase is read from MYNA_WALLET_PASSPHRASE, or asked on standard input.
///
/// A first run: `init`, `anchor --virtual-card`, `receive --offer …`, `list`,
/// `present --age-over 20 --verifier https://shop.example --nonce …`, `consent give …`,
/// `consent withdraw ID`, `history`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The wallet's directory (created by `init`).
    #[arg(
        long,
        env = "MYNA_WALLET_DIR",
        default_value = "myna-wallet",
        global = true
    )]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new wallet: a fresh master secret, sealed under your passphrase.
    Init,
    /// Bind the wallet to a My Number card at an issuer (once per issuer).
    ///
    /// The card's authentication key signs the issuer's challenge together with a holder key
    /// of the wallet; the issuer answers with an anchor credential (no personal data) and an
    /// offer of further credentials, printed for `receive`. Without `--issuer`, the demo issuer
    /// in the data directory answers (the issuer service is `myna issuer serve`).
    Anchor {
        /// Use a virtual card from a test JPKI CA (a real reader is not wired yet).
        #[arg(long, required = true)]
        virtual_card: bool,
        /// The issuer's URL (OpenID4VCI credential issuer identifier).
        #[arg(long)]
        issuer: Option<String>,
        /// The issuer's public key (a JWK file), pinned for checking what it sends.
        #[arg(long, requires = "issuer")]
        issuer_key: Option<PathBuf>,
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
        /// The issuer's public key (a JWK file); not needed for the demo issuer.
        #[arg(long)]
        issuer_key: Option<PathBuf>,
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
    Consent(ConsentCommand),
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
enum ConsentCommand {
    /// Sign a consent for a recipient and register it.
    ///
    /// The record is signed with the wallet's key for that recipient only. Without
    /// `--registry` the demo registry in the data directory is used.
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
        registry: RegistryArgs,
    },
    /// Withdraw a consent for good.
    Withdraw {
        /// The consent id (see `consent list`).
        id: String,
        #[command(flatten)]
        registry: RegistryArgs,
    },
    /// Pause a consent (conditional sharing) until resumed.
    Pause {
        /// The consent id.
        id: String,
        #[command(flatten)]
        registry: RegistryArgs,
    },
    /// Resume a paused consent.
    Resume {
        /// The consent id.
        id: String,
        #[command(flatten)]
        registry: RegistryArgs,
    },
    /// Which recipient holds which data, since when, and in what state.
    List,
}

#[derive(Debug, clap::Args)]
struct RegistryArgs {
    /// The consent registry's URL (default: the demo registry).
    #[arg(long)]
    registry: Option<String>,
    /// The registry's public key (a JWK file), pinned.
    #[arg(long, requires = "registry")]
    registry_key: Option<PathBuf>,
}

/// Runs `myna wallet`.
pub fn run(args: Args) -> Result<(), String> {
    let now = SystemClock.now();
    let dir = &args.data_dir;
    match args.command {
        Command::Init => init(dir, now),
        Command::Anchor {
            issuer, issuer_key, ..
        } => anchor(dir, issuer, issuer_key, now),
        Command::Receive {
            offer,
            tx_code,
            issuer_key,
        } => receive(dir, &offer, tx_code.as_deref(), issuer_key, now),
        Command::List => list(dir, now),
        Command::Refresh { issuer, issuer_key } => refresh(dir, &issuer, &issuer_key, now),
        Command::Present(present_args) => present(dir, &present_args, now),
        Command::Consent(command) => consent(dir, command, now),
        Command::History => history(dir),
        Command::Export { out } => export(dir, &out),
        Command::Import { input } => import(dir, &input, now),
    }
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The passphrase, wiped from memory when dropped.
fn passphrase() -> Result<Zeroizing<String>, String> {
    if let Ok(value) = std::env::var("MYNA_WALLET_PASSPHRASE") {
        return Ok(Zeroizing::new(value));
    }
    eprint!("wallet passphrase: ");
    std::io::stderr().flush().map_err(text)?;
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).map_err(text)?;
    Ok(Zeroizing::new(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}

fn store(dir: &Path) -> Result<RedbStore, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    RedbStore::open(dir.join("wallet.redb")).map_err(text)
}

fn open(dir: &Path) -> Result<Wallet<RedbStore>, String> {
    if !dir.join("wallet.redb").exists() {
        return Err(format!(
            "no wallet in {}: run `myna wallet init` first",
            dir.display()
        ));
    }
    Wallet::open(store(dir)?, &passphrase()?).map_err(text)
}

fn init(dir: &Path, now: NumericDate) -> Result<(), String> {
    let wallet =
        Wallet::create(store(dir)?, &passphrase()?, KdfParams::default(), now).map_err(text)?;
    drop(wallet);
    println!("wallet created in {}", dir.display());
    println!("back it up with `myna wallet export --out FILE` (sealed under your passphrase)");
    Ok(())
}

fn read_key(path: &Path) -> Result<PublicKey, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value = myna_vc_core::json::parse(&bytes, "issuer key").map_err(text)?;
    Ok(Jwk::from_json(&value).map_err(text)?.key)
}

/// Receipt checks against `issuers` and `status`, with the known credential types.
fn check<'a>(issuers: &'a dyn IssuerKeys, status: &'a dyn StatusSource) -> ReceiptCheck<'a> {
    ReceiptCheck::new(issuers, status)
}

fn anchor(
    dir: &Path,
    issuer: Option<String>,
    issuer_key: Option<PathBuf>,
    now: NumericDate,
) -> Result<(), String> {
    let wallet = open(dir)?;
    if issuer.is_some() || issuer_key.is_some() {
        return Err(
            "anchoring at a remote issuer needs a card reader (PC/SC) or an issuer \
                    configured with the test CA; use the demo issuer (no --issuer) for the \
                    virtual card"
                .into(),
        );
    }
    eprintln!("making a test JPKI CA and a virtual card (a few seconds)…");
    let demo = DemoIssuer::open(dir, now)?.with_virtual_card()?;
    let card = demo.card().ok_or("no virtual card")?;
    let pinned = PinnedIssuer::new(DEMO_ISS, demo.key().clone());
    let status = demo.status()?;
    let (stored, offer) = wallet
        .anchor(&demo, &demo.id()?, card, &check(&pinned, &status), now)
        .map_err(text)?;
    println!("anchored at {} (credential {})", stored.issuer, stored.id);
    if let Some(offer) = offer {
        let link = OfferLink::ByValue(Box::new(offer)).to_url().map_err(text)?;
        println!("credential offer (redeem with `myna wallet receive --offer '<link>'`):");
        println!("{link}");
    }
    Ok(())
}

fn receive(
    dir: &Path,
    link: &str,
    tx_code: Option<&str>,
    issuer_key: Option<PathBuf>,
    now: NumericDate,
) -> Result<(), String> {
    let offer: CredentialOffer = match OfferLink::parse(link).map_err(text)? {
        OfferLink::ByValue(offer) => *offer,
        OfferLink::ByReference(uri) => {
            return Err(format!(
                "offers by reference ({uri}) are not fetched yet; pass the offer by value"
            ))
        }
    };
    let wallet = open(dir)?;
    let batches = if offer.credential_issuer.as_str() == DEMO_ISS {
        // The demo issuer's list is read after issuance, when the new entries exist.
        let demo = DemoIssuer::open(dir, now)?;
        let pinned = PinnedIssuer::new(DEMO_ISS, demo.key().clone());
        let status = LateStatus(&demo);
        wallet
            .receive(&demo, &offer, tx_code, &check(&pinned, &status), now)
            .map_err(text)?
    } else {
        receive_http(&wallet, &offer, tx_code, issuer_key, now)?
    };
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

fn receive_http(
    wallet: &Wallet<RedbStore>,
    offer: &CredentialOffer,
    tx_code: Option<&str>,
    issuer_key: Option<PathBuf>,
    now: NumericDate,
) -> Result<Vec<myna_wallet::receive::ReceivedBatch>, String> {
    let key = issuer_key.ok_or("--issuer-key is needed to check a remote issuer's credentials")?;
    let pinned = PinnedIssuer::new(offer.credential_issuer.as_str(), read_key(&key)?);
    let transport = myna_wallet::http::HttpIssuer::new().map_err(text)?;
    let status = myna_wallet::http::HttpStatus::new().map_err(text)?;
    wallet
        .receive(&transport, offer, tx_code, &check(&pinned, &status), now)
        .map_err(text)
}

fn refresh(dir: &Path, issuer: &str, key: &Path, now: NumericDate) -> Result<(), String> {
    let wallet = open(dir)?;
    let issuer = IssuerId::new(issuer).map_err(text)?;
    let pinned = PinnedIssuer::new(issuer.as_str(), read_key(key)?);
    let transport = myna_wallet::http::HttpIssuer::new().map_err(text)?;
    let status = myna_wallet::http::HttpStatus::new().map_err(text)?;
    let refreshed = wallet
        .refresh_stale(&transport, &issuer, &check(&pinned, &status), now)
        .map_err(text)?;
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

/// The demo issuer's status list, signed when asked.
struct LateStatus<'a>(&'a DemoIssuer);

impl StatusSource for LateStatus<'_> {
    fn status_list(
        &self,
        uri: &myna_vc_core::status_list::StatusListUri,
        key: &PublicKey,
        now: NumericDate,
    ) -> myna_wallet::Result<myna_vc_core::status_list::VerifiedStatusList> {
        let tokens = self.0.status().map_err(|e| myna_wallet::Error::Remote {
            party: "demo issuer",
            detail: e,
        })?;
        tokens.status_list(uri, key, now)
    }
}

fn list(dir: &Path, now: NumericDate) -> Result<(), String> {
    let wallet = open(dir)?;
    let summary = wallet.summary(now).map_err(text)?;
    if summary.is_empty() {
        println!("no credentials yet: `myna wallet anchor --virtual-card`, then `receive`");
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
    for stale in wallet.stale_credentials(now).map_err(text)? {
        println!(
            "stale: a {} from {} states a flag that is no longer true; \
             `myna wallet refresh --issuer {} --issuer-key …` renews it",
            stale.vct, stale.issuer, stale.issuer
        );
    }
    for signal in wallet.refill_signals(now).map_err(text)? {
        println!(
            "refill: only {} fresh {} left; ask {} for a new batch of `{}`",
            signal.fresh, signal.vct, signal.issuer, signal.configuration_id
        );
    }
    Ok(())
}

/// The DCQL query of an in-person request.
fn in_person_query(args: &PresentArgs) -> Result<DcqlQuery, String> {
    let json = match (&args.query, args.age_over, &args.resident_of) {
        (Some(path), _, _) => {
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
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
            return Err(
                "say what the verifier asks: --query FILE, --age-over N or --resident-of CODE"
                    .into(),
            )
        }
    };
    DcqlQuery::from_json(json.as_bytes()).map_err(text)
}

fn presentation_request(args: &PresentArgs) -> Result<PresentationRequest, String> {
    if let Some(link) = &args.request {
        return match RequestLink::parse(link).map_err(text)? {
            RequestLink::ByValue(request) => PresentationRequest::openid4vp(&request).map_err(text),
            _ => Err("signed and by-reference request objects are not fetched yet".into()),
        };
    }
    let (Some(verifier), Some(nonce)) = (&args.verifier, &args.nonce) else {
        return Err("name the verifier: --request LINK, or --verifier ID --nonce N".into());
    };
    let nonce = myna_vc_core::oid4vp::Nonce::parse(nonce).map_err(text)?;
    let challenge = InPersonChallenge::new(verifier, nonce).map_err(text)?;
    PresentationRequest::in_person(&challenge, in_person_query(args)?).map_err(text)
}

fn confirmed() -> Result<bool, String> {
    eprint!("sign and present? [y/N] ");
    std::io::stderr().flush().map_err(text)?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(text)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

fn present(dir: &Path, args: &PresentArgs, now: NumericDate) -> Result<(), String> {
    let request = presentation_request(args)?;
    let wallet = open(dir)?;
    let preview = wallet.prepare(request, now).map_err(text)?;
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
        return Err("not presented".into());
    }
    let presentation = preview.confirm().map_err(text)?;
    println!("OpenID4VP response (direct_post body):");
    println!("{}", presentation.to_form());
    if let Ok(qr) = presentation.compact() {
        let code = qrcode::QrCode::with_error_correction_level(qr.as_bytes(), qrcode::EcLevel::L)
            .map_err(text)?;
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

/// The registry to talk to, and the demo issuer to save it back to (if it is the demo one).
fn with_registry<T>(
    dir: &Path,
    args: &RegistryArgs,
    now: NumericDate,
    f: impl FnOnce(&dyn ConsentRegistry) -> Result<T, String>,
) -> Result<T, String> {
    match (&args.registry, &args.registry_key) {
        (None, _) => {
            let demo = DemoIssuer::open(dir, now)?;
            let registry = demo.registry()?;
            let out = f(&registry)?;
            demo.save_registry(&registry)?;
            Ok(out)
        }
        (Some(url), Some(key)) => http_registry(url, key, f),
        (Some(_), None) => Err("--registry-key is needed with --registry".into()),
    }
}

fn http_registry<T>(
    url: &str,
    key: &Path,
    f: impl FnOnce(&dyn ConsentRegistry) -> Result<T, String>,
) -> Result<T, String> {
    let registry = myna_wallet::http::HttpRegistry::new(url, read_key(key)?).map_err(text)?;
    f(&registry)
}

fn consent(dir: &Path, command: ConsentCommand, now: NumericDate) -> Result<(), String> {
    let wallet = open(dir)?;
    let change = |id: &str, registry: &RegistryArgs, action: ConsentAction| {
        with_registry(dir, registry, now, |r| {
            wallet.change_consent(r, id, action, now).map_err(text)
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
                recipient: Recipient::parse(&recipient).map_err(text)?,
                purpose: Purpose::new(&purpose).map_err(text)?,
                vct: Vct::parse(&vct).map_err(text)?,
                claims: claims.iter().map(|c| ClaimPath::key(c.as_str())).collect(),
                not_before: now,
                not_after: until.map(NumericDate::from_unix),
                usage: if one_time {
                    ConsentUse::OneTime
                } else {
                    ConsentUse::Ongoing
                },
            };
            let stored = with_registry(dir, &registry, now, |r| {
                wallet.give_consent(r, request, now).map_err(text)
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
            let holdings = wallet.consent_holdings().map_err(text)?;
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

fn history(dir: &Path) -> Result<(), String> {
    let wallet = open(dir)?;
    let entries = wallet.history().map_err(text)?;
    for entry in &entries {
        println!("{:>4}  {}  {}", entry.seq, entry.at, describe(&entry.event));
    }
    match wallet.verify_history() {
        Ok(_) => {
            println!("hash chain intact ({} entries)", entries.len());
            Ok(())
        }
        Err(e) => Err(format!("the history does not verify: {e}")),
    }
}

fn export(dir: &Path, out: &Path) -> Result<(), String> {
    let wallet = open(dir)?;
    let passphrase = passphrase()?;
    let sealed = wallet
        .export(&passphrase, &passphrase, KdfParams::default())
        .map_err(text)?;
    std::fs::write(out, &sealed).map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "wrote {} ({} bytes, sealed under your passphrase)",
        out.display(),
        sealed.len()
    );
    Ok(())
}

fn import(dir: &Path, input: &Path, now: NumericDate) -> Result<(), String> {
    if dir.join("wallet.redb").exists() {
        return Err(format!("{} already holds a wallet", dir.display()));
    }
    let bytes = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let passphrase = passphrase()?;
    let wallet = Wallet::import(
        store(dir)?,
        &bytes,
        &passphrase,
        &passphrase,
        KdfParams::default(),
    )
    .map_err(text)?;
    wallet
        .record_event(
            now,
            Event::Note {
                text: format!("imported from {}", input.display()),
            },
        )
        .map_err(text)?;
    println!("wallet restored into {}", dir.display());
    Ok(())
}
