//! `myna shelter …`: the shelter work around the disaster HQ's roster file that needs no
//! credential check — what HQ staff, medical staff and an evacuee's wallet do.
//!
//! * `medical-key`: the shelter's medical staff make their key pair (問診票,
//!   `../shared/seeds/002_330378ace3b016db.txt:744`): the private JWK in a new 0600 file, the
//!   public JWK printed for the desk to post;
//! * `questionnaire seal` (the evacuee's wallet, only with `--consent`) and `questionnaire
//!   open` (medical staff, with their key): answers sealed to the medical key;
//! * `add`: staff enter someone with no phone or no credential (unverified, minimal fields,
//!   `../shared/seeds/000_2cab3622a7b836b8.txt:2500`);
//! * `check-out`: staff check someone out from the roster (入退所,
//!   `../shared/seeds/000_2cab3622a7b836b8.txt:930`); refused `not_checked_in` when the roster
//!   holds no such stay;
//! * `crowding`: the crowding report to publish (`../shared/seeds/000_2cab3622a7b836b8.txt:982`),
//!   counts only.
//!
//! The roster file is the one `myna verify serve --roster FILE` keeps (stop the service first:
//! redb opens a file in one process at a time).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use myna_vc_core::jwe::{EncryptionKey, RecipientKey};
use myna_vc_core::time::NumericDate;
use myna_verifier::operator::ShelterRegistry;
use myna_verifier::questionnaire::{Consent, Questionnaire, SealedQuestionnaire};
use myna_verifier::roster::{
    CheckOut, CheckedOutBy, DisasterHq, NoCredential, RedbHq, RosterBatch, StaffEntry,
};
use serde_json::Value;

/// Arguments of `myna shelter`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Make the medical staff's key pair: the private JWK in a new file (mode 0600, never
    /// overwritten), the public JWK printed for the desk to give evacuees' wallets.
    MedicalKey(MedicalKeyArgs),
    /// The medical questionnaire (問診票): sealed in the wallet to the medical staff's key with
    /// the evacuee's consent, opened by medical staff. Desk and HQ only carry the sealed blob.
    #[command(subcommand)]
    Questionnaire(QuestionnaireCommand),
    /// Enter someone with no phone or no credential (a tourist, an elderly person): an
    /// unverified entry with who entered it, why, and optionally the name as told — no date of
    /// birth, no holder key. Prints the entry id (keep it to check them out).
    Add(AddArgs),
    /// Check someone out from the roster (they left without passing the desk). Refused with
    /// not_checked_in when the roster holds no current stay of that entry at that shelter.
    CheckOut(CheckOutArgs),
    /// Print the crowding report to publish: per shelter present, capacity (from --shelters)
    /// and level (open below 70 %, crowded, full, unknown without a capacity). Counts only.
    Crowding(CrowdingArgs),
}

#[derive(Debug, Subcommand)]
enum QuestionnaireCommand {
    /// Seal answers (a JSON file: fever, symptoms, chronic_conditions, medication, allergies,
    /// care_needs, pregnant — all optional) for one roster entry to the medical staff's public
    /// key. Needs --consent: without it nothing is sealed. Prints the sealed JSON for the desk.
    Seal(SealArgs),
    /// Open sealed answers (a file with one sealed questionnaire, or a JSON array of them) with
    /// the medical staff's private key; prints the answers. Refused when the key is not theirs,
    /// the blob was altered, or the answers were sealed for another entry or shelter.
    Open(OpenArgs),
}

#[derive(Debug, clap::Args)]
struct MedicalKeyArgs {
    /// The private key file to create (refused if it exists).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Arguments of `questionnaire seal`.
#[derive(Debug, clap::Args)]
pub(crate) struct SealArgs {
    /// The answers (JSON).
    #[arg(long, value_name = "FILE")]
    answers: PathBuf,
    /// The roster entry id the desk showed at check-in.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    entry: String,
    /// The shelter id.
    #[arg(long, value_name = "ID")]
    shelter: String,
    /// The medical staff's public JWK (what `myna shelter medical-key` printed).
    #[arg(long, value_name = "FILE")]
    medical_key: PathBuf,
    /// The evacuee agrees to disclose these answers to the shelter's medical staff.
    #[arg(long)]
    consent: bool,
}

#[derive(Debug, clap::Args)]
struct OpenArgs {
    /// The sealed questionnaire(s).
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
    /// The medical staff's private key file.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
}

/// Why someone was entered by staff.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Why {
    /// No phone (or a flat battery).
    NoPhone,
    /// A phone without a resident credential.
    NoCredential,
    /// A visitor (tourist) with no Japanese resident credential.
    Visitor,
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// The HQ's roster file.
    #[arg(long, value_name = "FILE")]
    roster: PathBuf,
    /// The shelter id.
    #[arg(long, value_name = "ID")]
    shelter: String,
    /// Your staff id at the shelter.
    #[arg(long, value_name = "ID")]
    staff: String,
    /// Your running number for this entry (1, 2, …): the entry id comes from shelter, staff id
    /// and number, so entering the same number twice stores one entry.
    #[arg(long)]
    number: u32,
    /// Why there is no credential.
    #[arg(long, value_enum)]
    why: Why,
    /// The name as the person gave it (not checked; leave out if they prefer).
    #[arg(long, value_name = "NAME")]
    name_as_told: Option<String>,
    /// When (Unix seconds; default now).
    #[arg(long, value_name = "UNIX")]
    at: Option<i64>,
}

#[derive(Debug, clap::Args)]
struct CheckOutArgs {
    /// The HQ's roster file.
    #[arg(long, value_name = "FILE")]
    roster: PathBuf,
    /// The shelter id.
    #[arg(long, value_name = "ID")]
    shelter: String,
    /// The entry id.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    entry: String,
    /// Your staff id at the shelter.
    #[arg(long, value_name = "ID")]
    staff: String,
    /// When (Unix seconds; default now).
    #[arg(long, value_name = "UNIX")]
    at: Option<i64>,
}

#[derive(Debug, clap::Args)]
struct CrowdingArgs {
    /// The HQ's roster file.
    #[arg(long, value_name = "FILE")]
    roster: PathBuf,
    /// The shelters file (capacities and operators), as `myna verify serve --shelters` reads.
    #[arg(long, value_name = "FILE")]
    shelters: Option<PathBuf>,
    /// As of (Unix seconds; default now).
    #[arg(long, value_name = "UNIX")]
    at: Option<i64>,
}

/// Runs `myna shelter …`.
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::MedicalKey(args) => medical_key(&args),
        Command::Questionnaire(QuestionnaireCommand::Seal(args)) => seal(&args),
        Command::Questionnaire(QuestionnaireCommand::Open(args)) => open(&args),
        Command::Add(args) => add(&args),
        Command::CheckOut(args) => check_out(&args),
        Command::Crowding(args) => crowding(&args),
    }
}

fn time(at: Option<i64>) -> Result<NumericDate> {
    if let Some(at) = at {
        return Ok(NumericDate::from_unix(at));
    }
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    Ok(NumericDate::from_unix(i64::try_from(secs)?))
}

fn read_json(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    myna_vc_core::json::parse(&bytes, "JSON file").map_err(|e| anyhow!("{}: {e}", path.display()))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("{} (never overwritten)", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}

fn medical_key(args: &MedicalKeyArgs) -> Result<()> {
    let key = EncryptionKey::generate()?;
    write_private(&args.out, key.to_private_jwk().as_bytes())?;
    println!("{}", key.public_jwk());
    Ok(())
}

/// Seals answers with the evacuee's consent (`myna shelter questionnaire seal`, `myna wallet
/// questionnaire`).
pub(crate) fn seal(args: &SealArgs) -> Result<()> {
    if !args.consent {
        bail!(
            "nothing sealed: the answers go to the shelter's medical staff only with the \
             evacuee's consent (--consent)"
        );
    }
    let answers: Questionnaire =
        serde_json::from_value(read_json(&args.answers)?).map_err(|e| {
            anyhow!(
                "{}: not a questionnaire ({e}); members: fever, symptoms, chronic_conditions, \
             medication, allergies, care_needs, pregnant",
                args.answers.display()
            )
        })?;
    let medical =
        RecipientKey::from_jwk(&read_json(&args.medical_key)?).context("--medical-key")?;
    let sealed = answers.seal(&args.entry, &args.shelter, &medical, Consent::given())?;
    println!("{}", serde_json::to_string(&sealed)?);
    Ok(())
}

fn open(args: &OpenArgs) -> Result<()> {
    let key_text = zeroize::Zeroizing::new(
        std::fs::read_to_string(&args.key).with_context(|| args.key.display().to_string())?,
    );
    let key_json: Value = serde_json::from_str(&key_text).context("--key: not a JWK")?;
    let key = EncryptionKey::from_jwk(&key_json).context("--key")?;
    let sealed: Vec<SealedQuestionnaire> = match read_json(&args.input)? {
        Value::Array(items) => serde_json::from_value(Value::Array(items)),
        one => serde_json::from_value(one).map(|one| vec![one]),
    }
    .map_err(|_| anyhow!("--in: not a sealed questionnaire (entry_id, shelter_id, jwe)"))?;
    for (index, item) in sealed.iter().enumerate() {
        let answers = item
            .open(&key)
            .with_context(|| format!("sealed questionnaire {index}"))?;
        println!(
            "{}",
            serde_json::json!({"entry_id": item.entry_id, "shelter_id": item.shelter_id,
                               "answers": answers})
        );
    }
    Ok(())
}

fn open_roster(path: &Path) -> Result<RedbHq> {
    RedbHq::open(path).with_context(|| format!("--roster {}", path.display()))
}

fn add(args: &AddArgs) -> Result<()> {
    let why = match args.why {
        Why::NoPhone => NoCredential::NoPhone,
        Why::NoCredential => NoCredential::NoCredential,
        Why::Visitor => NoCredential::Visitor,
    };
    let entry = StaffEntry::new(
        &args.shelter,
        &args.staff,
        args.number,
        why,
        args.name_as_told.clone(),
        time(args.at)?,
    );
    entry.check()?;
    let hq = open_roster(&args.roster)?;
    let report = hq.submit_batch(&RosterBatch {
        staff_entries: vec![entry.clone()],
        ..RosterBatch::default()
    })?;
    let new = report.staff_entries.is_some_and(|c| c.stored == 1);
    println!(
        "{} (unverified, {})",
        entry.entry_id,
        if new { "entered" } else { "already entered" }
    );
    Ok(())
}

fn check_out(args: &CheckOutArgs) -> Result<()> {
    let out = CheckOut {
        entry_id: args.entry.clone(),
        shelter_id: args.shelter.clone(),
        by: CheckedOutBy::Staff(args.staff.clone()),
        checked_out_at: time(args.at)?,
    };
    out.check()?;
    let hq = open_roster(&args.roster)?;
    if !hq.is_present(&out.entry_id)? {
        bail!("not_checked_in: the roster holds no current stay of this entry");
    }
    let report = hq.submit_batch(&RosterBatch {
        check_outs: vec![out],
        ..RosterBatch::default()
    })?;
    match report.check_outs {
        Some(counts) if counts.stored == 1 => {
            println!("checked out");
            Ok(())
        }
        _ => bail!(
            "not_checked_in: the roster holds no stay of this entry at {}",
            args.shelter
        ),
    }
}

fn crowding(args: &CrowdingArgs) -> Result<()> {
    let registry = args
        .shelters
        .as_deref()
        .map(ShelterRegistry::from_file)
        .transpose()
        .context("--shelters")?;
    let hq = open_roster(&args.roster)?;
    let report = hq.crowding(registry.as_ref(), time(args.at)?)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
