//! The product's way to issuers and registries: HTTPS, with every key pinned from a file the
//! user names, and for anchoring a My Number card in a PC/SC reader or a test environment's
//! virtual card file.

use std::path::PathBuf;

use anyhow::{Context, Result};
use myna_vc_core::oid4vci::{CredentialOffer, IssuerId};
use myna_wallet::consent::ConsentRegistry;
use myna_wallet::http::{HttpIssuer, HttpOptions, HttpRegistry, HttpStatus, InsecureLoopbackRoute};
use myna_wallet::receipt::PinnedIssuer;
use myna_wallet::receive::ReceivedBatch;

use super::{card_reader, check, read_key, Anchored, Issuers, Session};

/// Real issuers and consent registries, over HTTPS.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     wallet: myna::wallet::Args<myna::wallet::Http>,
/// }
/// // Anchoring names the issuer and pins its key; a consent names its registry.
/// assert!(Cli::try_parse_from(["myna", "anchor"]).is_err());
/// assert!(Cli::try_parse_from(["myna", "anchor", "--issuer", "https://city.example",
///     "--issuer-key", "city.jwk", "--card", "hanako.card", "--with-facts"]).is_ok());
/// assert!(Cli::try_parse_from(["myna", "consent", "withdraw", "c-1"]).is_err());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Http;

/// How a command that goes to the network connects: extra certificate authorities, and the
/// development switch that reaches an `https` issuer on this machine over plain HTTP.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     transport: myna::wallet::TransportArgs,
/// }
/// let cli = Cli::try_parse_from(["myna", "--ca-cert", "city-ca.pem", "--ca-cert", "root.der",
///     "--insecure-loopback-http", "https://vc.city.example=127.0.0.1:8080,https://b.example=[::1]:80"])?;
/// assert_eq!(cli.transport.ca_certs.len(), 2);
/// assert_eq!(cli.transport.insecure_loopback_http.len(), 2);
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct TransportArgs {
    /// Also trust this certificate authority for HTTPS (a PEM file with one or more
    /// certificates, or one DER certificate; repeat for several): for an issuer or registry
    /// whose certificate comes from a private CA, e.g. a municipality's test environment.
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub ca_certs: Vec<PathBuf>,
    /// DEVELOPMENT ONLY, INSECURE: send the requests for the https ORIGIN to the plain-HTTP
    /// service at ADDR on this machine (e.g.
    /// `https://vc.city.maebashi.example=127.0.0.1:8080`), for an issuer under test that has
    /// no TLS certificate. The issuer's identifier stays https; only loopback addresses are
    /// accepted, and every run says so on standard error. Repeat, or separate with commas.
    #[arg(
        long = "insecure-loopback-http",
        value_name = "ORIGIN=ADDR",
        env = "MYNA_INSECURE_LOOPBACK_HTTP",
        value_delimiter = ','
    )]
    pub insecure_loopback_http: Vec<String>,
}

impl TransportArgs {
    /// The connection options these flags ask for; warns on standard error when an insecure
    /// loopback route is in effect.
    pub fn options(&self) -> Result<HttpOptions> {
        let mut options = HttpOptions::new();
        for path in &self.ca_certs {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the CA certificate {}", path.display()))?;
            options = options
                .trust_ca(&bytes)
                .with_context(|| format!("--ca-cert {}", path.display()))?;
        }
        for text in &self.insecure_loopback_http {
            let route = InsecureLoopbackRoute::parse(text)
                .with_context(|| format!("--insecure-loopback-http {text}"))?;
            eprintln!(
                "myna: WARNING: insecure development switch in effect (--insecure-loopback-http \
                 or MYNA_INSECURE_LOOPBACK_HTTP): requests for {} go unencrypted to {} — \
                 never use it with a real issuer",
                route.origin(),
                route.local()
            );
            options = options.with_insecure_loopback_route(route);
        }
        Ok(options)
    }
}

/// The flags of `myna wallet anchor`.
#[derive(Debug, clap::Args)]
pub struct HttpAnchor {
    /// The issuer's URL (OpenID4VCI credential issuer identifier).
    #[arg(long)]
    pub issuer: String,
    /// The issuer's public key (a JWK file), pinned for checking what it sends.
    #[arg(long)]
    pub issuer_key: PathBuf,
    /// A virtual card file (`myna jpki test-ca card`), for an issuer in a test environment.
    /// It works in every build; its PIN retry counters are written back after use.
    #[arg(long, value_name = "FILE")]
    pub card: Option<PathBuf>,
    /// Also sign the card's certified facts (name, address, birth date, sex) with its
    /// signature key, so the issuer can offer resident and age credentials in return. The
    /// signature PIN is read from MYNA_CARD_SIGN_PIN, or asked without echo.
    #[arg(long)]
    pub with_facts: bool,
    /// The PC/SC reader holding a My Number card (its name as the PC/SC service lists it;
    /// needs a build with feature `pcsc`). For --card and --reader alike the card's
    /// authentication PIN is read from MYNA_CARD_PIN, or asked without echo.
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// How the issuer is reached: extra CA certificates, the development switch.
    #[command(flatten)]
    pub transport: TransportArgs,
}

/// The flags of `myna wallet receive`.
#[derive(Debug, clap::Args)]
pub struct HttpReceive {
    /// The issuer's public key (a JWK file), pinned for checking what it sends.
    #[arg(long)]
    pub issuer_key: PathBuf,
    /// Redeem the offer with the key this wallet anchored at the offer's issuer (and its
    /// anchor credential), so every credential comes back bound to that one key: what a
    /// fan-club membership and a context pseudonym need (the issuer refuses them otherwise),
    /// and what an age credential offered after `anchor --with-facts` needs to be shown
    /// together with them (a verifier accepts credentials together only when they share one
    /// holder key). One copy per credential; needs a prior `anchor` at that issuer.
    #[arg(long)]
    pub anchored: bool,
    /// How the issuer is reached: extra CA certificates, the development switch.
    #[command(flatten)]
    pub transport: TransportArgs,
}

/// The flags of `myna wallet consent give|withdraw|pause|resume`.
#[derive(Debug, clap::Args)]
pub struct HttpRegistryArgs {
    /// The consent registry's URL (the issuer service that keeps the consents).
    #[arg(long)]
    pub registry: String,
    /// The registry's public key (a JWK file), pinned.
    #[arg(long)]
    pub registry_key: PathBuf,
    /// How the issuer is reached: extra CA certificates, the development switch.
    #[command(flatten)]
    pub transport: TransportArgs,
}

impl Issuers for Http {
    type Anchor = HttpAnchor;
    type Receive = HttpReceive;
    type Registry = HttpRegistryArgs;

    fn anchor(&self, session: &Session, args: &HttpAnchor) -> Result<Anchored> {
        // Before the passphrase is asked: which card, and whether this build can use it.
        let card = card_reader::source(args.card.as_deref(), args.reader.as_deref())?;
        let issuer = IssuerId::new(&args.issuer).context("--issuer")?;
        let pinned = PinnedIssuer::new(issuer.as_str(), read_key(&args.issuer_key)?);
        let options = args.transport.options()?;
        let transport = HttpIssuer::new_with(&options)?;
        let status = HttpStatus::new_with(&options)?;
        let wallet = session.open_wallet()?;
        card_reader::anchor(
            &wallet,
            &transport,
            &issuer,
            &check(&pinned, &status),
            card,
            args.with_facts,
            session.now(),
        )
    }

    fn receive(
        &self,
        session: &Session,
        offer: &CredentialOffer,
        tx_code: Option<&str>,
        args: &HttpReceive,
    ) -> Result<Vec<ReceivedBatch>> {
        let pinned = PinnedIssuer::new(
            offer.credential_issuer.as_str(),
            read_key(&args.issuer_key)?,
        );
        let options = args.transport.options()?;
        let transport = HttpIssuer::new_with(&options)?;
        let status = HttpStatus::new_with(&options)?;
        let wallet = session.open_wallet()?;
        let check = check(&pinned, &status);
        let received = if args.anchored {
            wallet.receive_anchored(&transport, offer, tx_code, &check, session.now())
        } else {
            wallet.receive(&transport, offer, tx_code, &check, session.now())
        };
        Ok(received?)
    }

    fn with_registry<T>(
        &self,
        _: &Session,
        args: &HttpRegistryArgs,
        action: impl FnOnce(&dyn ConsentRegistry) -> Result<T>,
    ) -> Result<T> {
        let options = args.transport.options()?;
        let registry =
            HttpRegistry::new_with(&args.registry, read_key(&args.registry_key)?, &options)?;
        action(&registry).with_context(|| format!("at the registry {}", args.registry))
    }
}
