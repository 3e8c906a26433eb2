//! `myna jpki …`: the My Number card's PKI (JPKI) for test environments.
//!
//! `myna jpki test-ca …` plays J-LIS for a municipality's test environment: a test CA (its two
//! roots, its CRLs and its linking file in one directory) and virtual cards for synthetic
//! residents, files a wallet uses in place of a card (`myna wallet anchor --card FILE`).
//!
//! The product binary carries these commands on purpose: an issuer set up for the production
//! environment pins J-LIS's roots and refuses every test certificate (`O=JPKI-TEST`), whoever
//! made it, so a test CA can do no harm there.
//!
//! A test CA directory holds:
//!
//! | file | what | who reads it |
//! |---|---|---|
//! | `auth-root.der`, `sign-root.der` | the authentication and signature roots (DER) | `myna issuer init --jpki-test-ca` |
//! | `linking.txt` | J-LIS linking lines `SIGNATURE_SERIAL AUTHENTICATION_SERIAL` | the issuer, at each start |
//! | `auth.crl`, `sign.crl` | the current CRLs (DER), renewed by `init` and `revoke` | `myna issuer init --jpki-test-ca` |
//! | `private-state.json` | the CA's keys, serial counter, revocations (mode 0600) | these commands only |

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use myna_jpki::card::{AuthPin, SignPin};
use myna_jpki::certificate::{Certificate, SerialNumber};
use myna_jpki::crl::RevocationReason;
use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_jpki::profile::CertificateType;
use myna_jpki::test_ca::{TestCa, TestKey};
use myna_jpki::virtual_card::VirtualCard;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::default_provider;
use myna_vc_core::time::{Clock, NumericDate, SystemClock};
use zeroize::Zeroizing;

/// The authentication root's file in a test CA directory.
pub const AUTH_ROOT_FILE: &str = "auth-root.der";
/// The signature root's file in a test CA directory.
pub const SIGN_ROOT_FILE: &str = "sign-root.der";
/// The linking file in a test CA directory.
pub const LINKING_FILE: &str = "linking.txt";
/// The current authentication CRL in a test CA directory.
pub const AUTH_CRL_FILE: &str = "auth.crl";
/// The current signature CRL in a test CA directory.
pub const SIGN_CRL_FILE: &str = "sign.crl";
/// The CA's private state (keys in the clear) in a test CA directory.
pub const STATE_FILE: &str = "private-state.json";
/// Held while a command changes the directory, so two commands never hand out one serial.
const LOCK_FILE: &str = "lock";
/// How long the CRLs kept in the directory are current: long enough for a test environment
/// to be used for weeks without a new import.
const PUBLISHED_CRL_DAYS: u64 = 30;
const DAY_SECS: u64 = 86_400;

/// The My Number card's PKI (JPKI) for test environments.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(subcommand)]
///     jpki: Jpki,
/// }
/// #[derive(clap::Subcommand)]
/// enum Jpki { Jpki(myna::jpki::Args) }
/// assert!(Cli::try_parse_from(["myna", "jpki", "test-ca", "init", "--dir", "testca"]).is_ok());
/// // A card needs the facts its signature certificate certifies.
/// assert!(Cli::try_parse_from(["myna", "jpki", "test-ca", "card", "--dir", "testca",
///     "--out", "hanako.card"]).is_err());
/// ```
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A TEST JPKI CA, virtual cards, revocations and CRLs: a municipality's test environment.
    ///
    /// Everything here is for test environments only. The CA's private keys and each virtual
    /// card's keys and PINs are kept in files in the clear (mode 0600). An issuer set up for
    /// the production environment never accepts any of it: production pins J-LIS's roots.
    #[command(subcommand)]
    TestCa(TestCaCommand),
}

#[derive(Debug, Subcommand)]
enum TestCaCommand {
    /// Make a new test CA in DIR (refuses a directory that already holds one).
    ///
    /// DIR gets its authentication and signature roots (auth-root.der, sign-root.der), an
    /// empty linking file (linking.txt), its current CRLs (auth.crl, sign.crl) and its private
    /// state (private-state.json, mode 0600: the CA's private keys in the clear — it is a TEST
    /// CA).
    Init {
        /// The directory to make the CA in (created if missing).
        #[arg(long)]
        dir: PathBuf,
    },
    /// Issue a virtual My Number card for a synthetic resident into a card file.
    ///
    /// The card gets an authentication certificate and, from age 15, a signature certificate
    /// certifying the four facts, valid until the 5th birthday after today. The card file
    /// (JSON, mode 0600) holds the certificates, the card's private keys, its PINs and PIN
    /// retry counters in the clear: a TEST card, for test environments only. The linking line
    /// (signature ↔ authentication serial) is added to DIR/linking.txt. Prints both serials.
    Card(Box<CardArgs>),
    /// Print the serial number of a card's authentication certificate.
    ///
    /// Hexadecimal as `openssl x509 -serial` writes it: what `myna issuer admin revoke
    /// --card-serial` takes.
    Serial {
        /// The virtual card file.
        #[arg(long)]
        card: PathBuf,
    },
    /// Revoke a card's certificates at the test CA (recorded in DIR; DIR's CRLs are renewed).
    ///
    /// An issuer learns of it from a CRL: `myna jpki test-ca crl`, then its admin CRL import
    /// (`POST /admin/crl`), which revokes what the issuer issued on that card.
    Revoke {
        /// The test CA's directory.
        #[arg(long)]
        dir: PathBuf,
        /// The card whose certificates to revoke.
        #[arg(long)]
        card: PathBuf,
        /// Which of the card's certificates.
        #[arg(long, value_enum, default_value_t = Which::Both)]
        certificate: Which,
        /// Why (the CRL's reason code).
        #[arg(long, value_enum)]
        reason: Reason,
    },
    /// Write a CRL of every revocation of one certificate type, signed by that type's root.
    ///
    /// DER: what an issuer imports with `POST /admin/crl` (application/pkix-crl).
    Crl {
        /// The test CA's directory.
        #[arg(long)]
        dir: PathBuf,
        /// Which root's CRL.
        #[arg(long = "type", value_enum)]
        certificate_type: TypeArg,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// Days until the CRL's nextUpdate (an issuer refuses cards once it is past).
        #[arg(long, default_value_t = PUBLISHED_CRL_DAYS, value_parser = clap::value_parser!(u64).range(1..=3650))]
        valid_days: u64,
    },
}

#[derive(Debug, clap::Args)]
struct CardArgs {
    /// The test CA's directory.
    #[arg(long)]
    dir: PathBuf,
    /// The card file to write (refuses an existing file).
    #[arg(long)]
    out: PathBuf,
    /// The resident's name, surname first, e.g. "前橋 花子" (a space between the parts is
    /// written as the full-width space J-LIS uses).
    #[arg(long)]
    name: String,
    /// The date of birth, YYYY-MM-DD (not in the future).
    #[arg(long)]
    birth_date: String,
    /// The sex as the register records it.
    #[arg(long, value_enum)]
    sex: SexArg,
    /// The address as the register writes it, from the prefecture down, e.g.
    /// "群馬県前橋市大手町二丁目12番1号".
    #[arg(long)]
    address: String,
    /// The authentication PIN to set: 4 digits (3 tries).
    #[arg(long)]
    auth_pin: String,
    /// The signature PIN to set: 6 to 16 of A-Z and 0-9 (5 tries; a child under 15 gets no
    /// signature certificate, and the PIN is then unused).
    #[arg(long)]
    sign_pin: String,
    /// Print the result as one JSON object (card, authentication_serial, signature_serial).
    #[arg(long)]
    json: bool,
}

/// Which of a card's certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Which {
    /// The authentication certificate.
    Authentication,
    /// The signature certificate.
    Signature,
    /// Both (the card is lost, returned or its holder died).
    Both,
}

/// A root's certificate type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TypeArg {
    /// The authentication root.
    Authentication,
    /// The signature root.
    Signature,
}

impl From<TypeArg> for CertificateType {
    fn from(value: TypeArg) -> Self {
        match value {
            TypeArg::Authentication => CertificateType::Authentication,
            TypeArg::Signature => CertificateType::Signature,
        }
    }
}

/// The sex as the register records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SexArg {
    /// 女.
    Female,
    /// 男.
    Male,
    /// 不明: not known or not recorded.
    NotKnown,
}

impl From<SexArg> for Sex {
    fn from(value: SexArg) -> Self {
        match value {
            SexArg::Female => Sex::Female,
            SexArg::Male => Sex::Male,
            SexArg::NotKnown => Sex::NotKnown,
        }
    }
}

/// Why a certificate is revoked (RFC 5280 reason codes, with the JPKI events behind them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Reason {
    /// The card was lost or stolen (keyCompromise; also `lost`).
    #[value(alias = "lost")]
    KeyCompromise,
    /// The holder moved house or changed name (affiliationChanged; also `moved`).
    #[value(alias = "moved")]
    AffiliationChanged,
    /// The card or certificate was renewed (superseded; also `renewed`).
    #[value(alias = "renewed")]
    Superseded,
    /// The card was returned or its holder died (cessationOfOperation; also `returned`).
    #[value(alias = "returned")]
    CessationOfOperation,
    /// Suspended for now (certificateHold; also `suspended`).
    #[value(alias = "suspended")]
    CertificateHold,
    /// The privilege was withdrawn (privilegeWithdrawn).
    PrivilegeWithdrawn,
    /// No reason given (the CRL entry carries no reason code).
    Unspecified,
}

impl From<Reason> for RevocationReason {
    fn from(value: Reason) -> Self {
        match value {
            Reason::KeyCompromise => RevocationReason::KeyCompromise,
            Reason::AffiliationChanged => RevocationReason::AffiliationChanged,
            Reason::Superseded => RevocationReason::Superseded,
            Reason::CessationOfOperation => RevocationReason::CessationOfOperation,
            Reason::CertificateHold => RevocationReason::CertificateHold,
            Reason::PrivilegeWithdrawn => RevocationReason::PrivilegeWithdrawn,
            Reason::Unspecified => RevocationReason::Unspecified,
        }
    }
}

/// Runs `myna jpki`.
pub fn run(args: Args) -> Result<()> {
    let now = SystemClock.now();
    match args.command {
        Command::TestCa(command) => match command {
            TestCaCommand::Init { dir } => init(&dir, now),
            TestCaCommand::Card(card_args) => card(&card_args, now),
            TestCaCommand::Serial { card } => serial(&card),
            TestCaCommand::Revoke {
                dir,
                card,
                certificate,
                reason,
            } => revoke(&dir, &card, certificate, reason.into(), now),
            TestCaCommand::Crl {
                dir,
                certificate_type,
                out,
                valid_days,
            } => crl(&dir, certificate_type.into(), &out, valid_days, now),
        },
    }
}

fn init(dir: &Path, now: NumericDate) -> Result<()> {
    for name in [STATE_FILE, AUTH_ROOT_FILE, SIGN_ROOT_FILE] {
        if dir.join(name).exists() {
            bail!(
                "{} already holds a test CA ({name}); refusing to overwrite it: choose another \
                 --dir, or delete that directory first",
                dir.display()
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let lock = DirLock::take(dir)?;
    // A day early, so a clock a little behind this machine's still finds the roots valid.
    let valid_from = NumericDate::from_unix(now.as_unix().saturating_sub(DAY_SECS as i64));
    let mut ca = TestCa::new(TestKey::generate()?, TestKey::generate()?, valid_from)
        .context("making the test CA's roots")?;
    for (name, ty) in [
        (AUTH_ROOT_FILE, CertificateType::Authentication),
        (SIGN_ROOT_FILE, CertificateType::Signature),
    ] {
        write_public(&dir.join(name), ca.root_certificate(ty))?;
    }
    publish(&lock, &mut ca, now)?;
    println!(
        "made a TEST JPKI CA in {} (test environment only; its private keys are in {})",
        dir.display(),
        dir.join(STATE_FILE).display()
    );
    println!("roots: {AUTH_ROOT_FILE}, {SIGN_ROOT_FILE}; CRLs: {AUTH_CRL_FILE}, {SIGN_CRL_FILE}; linking: {LINKING_FILE}");
    println!(
        "next: `myna jpki test-ca card --dir {} --out FILE …` for a resident, and \
         `myna issuer init … --jpki-test-ca {}` for the issuer",
        dir.display(),
        dir.display()
    );
    Ok(())
}

fn card(args: &CardArgs, now: NumericDate) -> Result<()> {
    if args.out.exists() {
        bail!(
            "{} exists; refusing to overwrite a card file (it holds that card's keys)",
            args.out.display()
        );
    }
    let facts = holder_facts(args, now)?;
    let auth_pin = AuthPin::new(&args.auth_pin).context("--auth-pin")?;
    let sign_pin = SignPin::new(&args.sign_pin).context("--sign-pin")?;
    let lock = DirLock::take(&args.dir)?;
    let mut ca = lock.load()?;
    let issued = ca
        .issue_card(&facts, TestKey::generate()?, TestKey::generate()?, now)
        .context("issuing the card's certificates")?;
    lock.save(&ca)?;
    lock.write_linking(&ca)?;
    let card = VirtualCard::new(&issued, auth_pin, sign_pin);
    write_secret(&args.out, card.to_file_json()?.as_bytes(), Replace::No)?;
    drop(lock);
    let authentication = issued.authentication_serial().to_string();
    let signature = issued.signature_serial().map(|s| s.to_string());
    if args.json {
        let value = serde_json::json!({
            "card": args.out.display().to_string(),
            "environment": "test",
            "authentication_serial": authentication,
            "signature_serial": signature,
        });
        println!("{value}");
        return Ok(());
    }
    println!(
        "wrote the TEST card file {} (it holds the card's private keys and PINs: test only)",
        args.out.display()
    );
    println!("authentication certificate serial: {authentication}");
    match signature {
        Some(serial) => println!("signature certificate serial:      {serial}"),
        None => println!("no signature certificate: the resident is under 15"),
    }
    Ok(())
}

/// The four facts from the flags, checked as J-LIS would record them.
fn holder_facts(args: &CardArgs, now: NumericDate) -> Result<HolderFacts> {
    let name = args.name.trim().replace(' ', "\u{3000}");
    let birth = CalendarDate::parse(&args.birth_date)
        .context("--birth-date: expected YYYY-MM-DD, e.g. 1990-05-01")?;
    let today = CalendarDate::from_numeric_date_jst(now)?;
    if birth > today {
        bail!("--birth-date is after today: a card is issued to someone already born");
    }
    Ok(HolderFacts {
        name: HolderName::plain(name).context("--name")?,
        sex: args.sex.into(),
        birth_date: BirthDate::from_date(birth),
        address: Address::plain(args.address.trim()).context("--address")?,
    })
}

fn serial(card: &Path) -> Result<()> {
    let card = read_card(card)?;
    println!("{}", authentication_serial(&card)?);
    Ok(())
}

/// The serial of the card's authentication certificate.
fn authentication_serial(card: &VirtualCard) -> Result<SerialNumber> {
    Ok(Certificate::parse(card.authentication_certificate())?.serial())
}

fn revoke(
    dir: &Path,
    card_file: &Path,
    which: Which,
    reason: RevocationReason,
    now: NumericDate,
) -> Result<()> {
    let card = read_card(card_file)?;
    let mut chosen = Vec::new();
    if matches!(which, Which::Authentication | Which::Both) {
        chosen.push(Certificate::parse(card.authentication_certificate())?);
    }
    if matches!(which, Which::Signature | Which::Both) {
        match card.signature_certificate() {
            Some(der) => chosen.push(Certificate::parse(der)?),
            None if which == Which::Signature => bail!(
                "{} has no signature certificate (a child under 15's card)",
                card_file.display()
            ),
            None => {}
        }
    }
    let lock = DirLock::take(dir)?;
    let mut ca = lock.load()?;
    for certificate in &chosen {
        let ty = certificate.certificate_type();
        let serial = certificate.serial();
        if !ca.issued(certificate, default_provider()) {
            bail!(
                "{} was not issued by the test CA in {}: its {ty} certificate {serial} is another CA's",
                card_file.display(),
                dir.display()
            );
        }
        let already = ca
            .revocations()
            .any(|(t, entry)| t == ty && entry.serial == serial);
        if already {
            println!("{ty} certificate {serial} was already revoked");
            continue;
        }
        ca.revoke(ty, serial, reason, now);
        println!("revoked {ty} certificate {serial} ({reason})");
    }
    publish(&lock, &mut ca, now)?;
    println!(
        "the CRLs in {} are renewed; an issuer learns of it when it imports a CRL \
         (`myna jpki test-ca crl --dir {} --type authentication --out FILE`, then POST /admin/crl)",
        dir.display(),
        dir.display()
    );
    Ok(())
}

fn crl(
    dir: &Path,
    certificate_type: CertificateType,
    out: &Path,
    valid_days: u64,
    now: NumericDate,
) -> Result<()> {
    let lock = DirLock::take(dir)?;
    let mut ca = lock.load()?;
    let der = ca.crl(
        certificate_type,
        now,
        now.plus_seconds(valid_days.saturating_mul(DAY_SECS)),
    )?;
    lock.save(&ca)?;
    write_public(out, &der)?;
    let entries = ca
        .revocations()
        .filter(|(ty, _)| *ty == certificate_type)
        .count();
    println!(
        "wrote the {certificate_type} CRL to {} ({entries} revoked, current for {valid_days} days)",
        out.display()
    );
    Ok(())
}

/// The CA's public files that change: the linking file and both CRLs (current from `now`),
/// then its state (the CRL numbers moved on).
fn publish(lock: &DirLock, ca: &mut TestCa, now: NumericDate) -> Result<()> {
    let next_update = now.plus_seconds(PUBLISHED_CRL_DAYS * DAY_SECS);
    for (name, ty) in [
        (AUTH_CRL_FILE, CertificateType::Authentication),
        (SIGN_CRL_FILE, CertificateType::Signature),
    ] {
        let der = ca.crl(ty, now, next_update)?;
        write_public(&lock.dir.join(name), &der)?;
    }
    lock.write_linking(ca)?;
    lock.save(ca)
}

/// The directory of a test CA, held by this command until dropped.
#[derive(Debug)]
struct DirLock {
    dir: PathBuf,
}

impl DirLock {
    /// Takes the directory's lock file, or says which other command holds it.
    fn take(dir: &Path) -> Result<DirLock> {
        if !dir.is_dir() {
            bail!(
                "{} is not a test CA directory: make one with `myna jpki test-ca init --dir {}`",
                dir.display(),
                dir.display()
            );
        }
        let path = dir.join(LOCK_FILE);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => Ok(DirLock {
                dir: dir.to_path_buf(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(anyhow!(
                "{} is in use by another `myna jpki test-ca` command; if none is running, \
                 delete {}",
                dir.display(),
                path.display()
            )),
            Err(e) => Err(anyhow!(e).context(format!("locking {}", path.display()))),
        }
    }

    fn load(&self) -> Result<TestCa> {
        let path = self.dir.join(STATE_FILE);
        if !path.exists() {
            bail!(
                "{} holds no test CA: make one with `myna jpki test-ca init --dir {}`",
                self.dir.display(),
                self.dir.display()
            );
        }
        let json = read_secret(&path)?;
        TestCa::from_state_json(&json).with_context(|| path.display().to_string())
    }

    fn save(&self, ca: &TestCa) -> Result<()> {
        write_secret(
            &self.dir.join(STATE_FILE),
            ca.to_state_json()?.as_bytes(),
            Replace::Yes,
        )
    }

    /// DIR/linking.txt from the CA's pairs, in the format the issuer's linking file takes.
    fn write_linking(&self, ca: &TestCa) -> Result<()> {
        let mut text = String::from(
            "# J-LIS linking information of a TEST JPKI CA (myna jpki test-ca):\n\
             # SIGNATURE_SERIAL AUTHENTICATION_SERIAL, hexadecimal\n",
        );
        for (signature, authentication) in ca.linking().pairs() {
            text.push_str(&format!("{signature} {authentication}\n"));
        }
        write_public(&self.dir.join(LINKING_FILE), text.as_bytes())
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Nothing to do if it is gone already; a stale lock file says how to remove it.
        let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
    }
}

/// The virtual card in `path`.
pub(crate) fn read_card(path: &Path) -> Result<VirtualCard> {
    let json = read_secret(path)?;
    VirtualCard::from_file_json(&json).with_context(|| format!("the card file {}", path.display()))
}

/// Writes `card` back to `path` (its PIN counters changed), replacing the file atomically.
pub(crate) fn write_card(path: &Path, card: &VirtualCard) -> Result<()> {
    write_secret(path, card.to_file_json()?.as_bytes(), Replace::Yes)
}

/// The bytes of a file holding secrets, wiped from memory when dropped.
fn read_secret(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .with_context(|| format!("cannot read {}", path.display()))
}

/// Whether a secret file may replace an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replace {
    /// Replace it atomically (a temporary file renamed over it).
    Yes,
    /// Refuse an existing file.
    No,
}

/// Writes a file only its owner may read (mode 0600 on Unix).
fn write_secret(path: &Path, bytes: &[u8], replace: Replace) -> Result<()> {
    let target = match replace {
        Replace::No => path.to_path_buf(),
        Replace::Yes => {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".tmp");
            let temporary = path.with_file_name(name);
            // A leftover from a crash may have other permissions: start afresh.
            let _ = std::fs::remove_file(&temporary);
            temporary
        }
    };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&target)
        .with_context(|| format!("cannot write {}", target.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", target.display()))?;
    if replace == Replace::Yes {
        std::fs::rename(&target, path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
    }
    Ok(())
}

fn write_public(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// What `myna issuer init --jpki-test-ca DIR` takes from a test CA directory.
#[derive(Debug)]
pub(crate) struct IssuerTestCa {
    /// The two roots' DER (authentication, signature), checked to be test roots.
    pub roots: [(&'static str, Vec<u8>); 2],
    /// DIR/linking.txt as an absolute path (the CA adds a line for every new card).
    pub linking_file: PathBuf,
    /// The CA's current CRLs (DER), to import.
    pub crls: Vec<(&'static str, Vec<u8>)>,
}

/// Reads what an issuer needs from the test CA in `dir`: nothing secret.
pub(crate) fn issuer_test_ca(dir: &Path) -> Result<IssuerTestCa> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).with_context(|| {
            format!(
                "cannot read {} (is {} a test CA made by `myna jpki test-ca init`?)",
                path.display(),
                dir.display()
            )
        })
    };
    let roots = [
        (AUTH_ROOT_FILE, read(AUTH_ROOT_FILE)?),
        (SIGN_ROOT_FILE, read(SIGN_ROOT_FILE)?),
    ];
    let ders: Vec<&[u8]> = roots.iter().map(|(_, der)| der.as_slice()).collect();
    myna_jpki::roots::RootSet::test(&ders, default_provider())
        .with_context(|| format!("the roots in {} are not a test CA's", dir.display()))?;
    let linking = dir.join(LINKING_FILE);
    let linking_file = std::fs::canonicalize(&linking)
        .with_context(|| format!("cannot read {}", linking.display()))?;
    let crls = vec![
        (AUTH_CRL_FILE, read(AUTH_CRL_FILE)?),
        (SIGN_CRL_FILE, read(SIGN_CRL_FILE)?),
    ];
    Ok(IssuerTestCa {
        roots,
        linking_file,
        crls,
    })
}
