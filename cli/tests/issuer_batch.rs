//! `myna issuer batch` as a municipality runs it for a mailing: a dry run lists every bad line
//! and writes nothing, a real run offers the good lines and reports the bad ones beside the
//! output (exit status 1 while any line is rejected), and the fixed file resumes. A
//! configuration that exists but cannot be read says "cannot read", not "run init first".
#![cfg(test)]

mod support;

use std::path::Path;
use std::process::Output;

use support::Myna;

const PASSPHRASE: &str = "correct horse battery staple";

/// `myna ARGS --data-dir DATA` with the issuer's passphrase and no `MYNA_CONFIG`.
fn myna(args: &[&str], data: &Path) -> Output {
    Myna::new()
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE)
        .env_remove("MYNA_CONFIG")
        .output()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn init(data: &Path) {
    let init = myna(
        &[
            "issuer",
            "init",
            "--municipality-code",
            "102016",
            "--name",
            "前橋市",
            "--public-base-url",
            "https://city.maebashi.example",
        ],
        data,
    );
    assert!(init.status.success(), "{}", text(&init.stderr));
}

const GOOD_AGE: &str =
    r#"{"row_id": "r1", "credentials": [{"credential": "age", "birthdate": "1990-05-05"}]}"#;
const GOOD_RESIDENT: &str = r#"{"row_id": "r3", "credentials": [{"credential": "resident", "name": "前橋　花子", "address": "群馬県前橋市大手町二丁目１２番１号", "birthdate": "1990-05-05"}]}"#;
const KOBE: &str = r#"{"row_id": "r4", "credentials": [{"credential": "resident", "name": "前橋　花子", "address": "兵庫県神戸市中央区加納町６丁目５番１号", "birthdate": "1990-05-05"}]}"#;

#[test]
fn a_dry_run_lists_bad_lines_a_real_run_reports_them_and_the_fixed_file_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("city");
    init(&data);
    let input = dir.path().join("residents.jsonl");
    let output = dir.path().join("letters.jsonl");
    let report = dir.path().join("letters.jsonl.rejected.jsonl");
    std::fs::write(
        &input,
        [GOOD_AGE, "{not json", GOOD_RESIDENT, KOBE].join("\n"),
    )
    .unwrap();
    let (input_arg, output_arg) = (input.to_str().unwrap(), output.to_str().unwrap());
    let batch = [
        "issuer", "batch", "--input", input_arg, "--output", output_arg,
    ];

    // Dry run: every bad line with its number, exit 1, no output, no report unless asked.
    let dry = myna(&[&batch[..], &["--dry-run"]].concat(), &data);
    let (stdout, stderr) = (text(&dry.stdout), text(&dry.stderr));
    assert_eq!(dry.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("would be offered: 2"), "{stdout}");
    assert!(stdout.contains("  line 2: "), "{stdout}");
    assert!(stdout.contains("  line 4 (row r4): "), "{stdout}");
    assert!(stdout.contains("municipality 102016"), "{stdout}");
    assert!(!stdout.contains("兵庫県"), "no facts echoed: {stdout}");
    assert!(stderr.contains("2 of 4 rows rejected"), "{stderr}");
    assert!(!output.exists() && !report.exists());
    let asked = dir.path().join("dry-run.jsonl");
    let dry = myna(
        &[
            &batch[..],
            &["--dry-run", "--report", asked.to_str().unwrap()],
        ]
        .concat(),
        &data,
    );
    assert_eq!(dry.status.code(), Some(1));
    let listed: Vec<u64> = lines(&asked)
        .iter()
        .map(|l| l["line"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, [2, 4]);
    assert!(!output.exists());

    // The real run: the good lines are offered, exit 1 with the report beside the output.
    let real = myna(&batch, &data);
    let (stdout, stderr) = (text(&real.stdout), text(&real.stderr));
    assert_eq!(real.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("offered now: 2"), "{stdout}");
    assert!(stderr.contains(report.to_str().unwrap()), "{stderr}");
    let offered: Vec<String> = lines(&output)
        .iter()
        .map(|l| l["row_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(offered, ["r1", "r3"]);
    let reported = lines(&report);
    assert_eq!(reported.len(), 2);
    assert_eq!(
        (reported[1]["line"].as_u64(), reported[1]["row_id"].as_str()),
        (Some(4), Some("r4"))
    );

    // Fixed in place: only the fixed lines are offered now, and the run succeeds.
    let fixed_kobe = KOBE.replace(
        "兵庫県神戸市中央区加納町６丁目５番１号",
        "群馬県前橋市大手町二丁目１２番１号",
    );
    let fixed_json = GOOD_AGE.replace("r1", "r2");
    std::fs::write(
        &input,
        [
            GOOD_AGE,
            fixed_json.as_str(),
            GOOD_RESIDENT,
            fixed_kobe.as_str(),
        ]
        .join("\n"),
    )
    .unwrap();
    let again = myna(&batch, &data);
    let stdout = text(&again.stdout);
    assert!(again.status.success(), "{stdout}{}", text(&again.stderr));
    assert!(
        stdout.contains("offered now: 2  already done: 2  rejected: 0"),
        "{stdout}"
    );
    assert_eq!(lines(&output).len(), 4);
    assert!(lines(&report).is_empty(), "the report is replaced");

    // A letter lifetime beyond what the configuration allows is refused before anything.
    let long = myna(
        &[&batch[..], &["--letter-lifetime-days", "400"]].concat(),
        &data,
    );
    assert_eq!(long.status.code(), Some(1));
    assert!(
        text(&long.stderr).contains("letter_offer_lifetime_secs"),
        "{}",
        text(&long.stderr)
    );
}

#[test]
fn an_unreadable_configuration_says_cannot_read_and_a_missing_one_says_init() {
    let dir = tempfile::tempdir().unwrap();
    let batch = [
        "issuer",
        "batch",
        "--input",
        "in.jsonl",
        "--output",
        "out.jsonl",
    ];

    let missing = myna(&batch, &dir.path().join("nowhere"));
    let stderr = text(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(stderr.contains("run `myna issuer init` first"), "{stderr}");

    // issuer.toml is a directory.
    let data = dir.path().join("odd");
    std::fs::create_dir_all(data.join("issuer.toml")).unwrap();
    let odd = myna(&batch, &data);
    let stderr = text(&odd.stderr);
    assert_eq!(odd.status.code(), Some(1));
    let path = data.join("issuer.toml");
    assert!(
        stderr.contains(&format!("cannot read {}: ", path.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("myna issuer init"), "{stderr}");

    // A file without read permission (root reads it anyway: then there is nothing to check).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let data = dir.path().join("locked");
        std::fs::create_dir_all(&data).unwrap();
        let config = data.join("issuer.toml");
        std::fs::write(&config, "name = \"前橋市\"\n").unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read(&config).is_err() {
            let locked = myna(&batch, &data);
            let stderr = text(&locked.stderr);
            assert!(
                stderr.contains(&format!("cannot read {}: ", config.display())),
                "{stderr}"
            );
            assert!(stderr.contains("ermission denied"), "{stderr}");
        }
    }
}
