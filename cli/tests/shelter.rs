//! `myna shelter` with the real `myna` binary: the medical staff's key, the questionnaire
//! sealed only with consent and opened only with that key (問診票,
//! `../shared/seeds/002_330378ace3b016db.txt:744`), staff entries and check-outs on the HQ's
//! roster file (入退所, `../shared/seeds/000_2cab3622a7b836b8.txt:930`), and the crowding
//! report without personal data (`../shared/seeds/000_2cab3622a7b836b8.txt:982`).
#![cfg(test)]

mod support;

use serde_json::Value;
use support::issuer::myna;
use support::{failed, ok};

const SHELTER: &str = "nomi-kominkan-12";
const ENTRY: &str = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

#[test]
fn the_questionnaire_is_sealed_only_with_consent_and_opened_only_by_medical_staff() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let public = ok(&myna(
        d,
        &["shelter", "medical-key", "--out", "medical.jwk"],
    ));
    let public: Value = serde_json::from_str(public.trim()).unwrap();
    assert!(public.get("d").is_none(), "only the public key is printed");
    std::fs::write(d.join("medical.pub.jwk"), public.to_string()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("medical.jwk"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = failed(&myna(
        d,
        &["shelter", "medical-key", "--out", "medical.jwk"],
    ));
    assert!(again.contains("never overwritten"), "{again}");
    std::fs::write(
        d.join("answers.json"),
        r#"{"fever": true, "chronic_conditions": "喘息", "medication": "吸入薬"}"#,
    )
    .unwrap();
    let seal = |consent: bool| {
        let mut args = vec![
            "shelter",
            "questionnaire",
            "seal",
            "--answers",
            "answers.json",
            "--entry",
            ENTRY,
            "--shelter",
            SHELTER,
            "--medical-key",
            "medical.pub.jwk",
        ];
        if consent {
            args.push("--consent");
        }
        myna(d, &args)
    };
    let refused = seal(false);
    assert!(refused.stdout.is_empty());
    assert!(failed(&refused).contains("consent"));
    let sealed = ok(&seal(true));
    assert!(!sealed.contains("喘息") && !sealed.contains("fever"));
    std::fs::write(d.join("sealed.json"), &sealed).unwrap();
    let opened = ok(&myna(
        d,
        &[
            "shelter",
            "questionnaire",
            "open",
            "--in",
            "sealed.json",
            "--key",
            "medical.jwk",
        ],
    ));
    let opened: Value = serde_json::from_str(opened.trim()).unwrap();
    assert_eq!(opened["answers"]["chronic_conditions"], "喘息");
    assert_eq!(opened["entry_id"], ENTRY);
    // Someone else's key (a desk's, the HQ's) cannot open it.
    ok(&myna(d, &["shelter", "medical-key", "--out", "other.jwk"]));
    let error = failed(&myna(
        d,
        &[
            "shelter",
            "questionnaire",
            "open",
            "--in",
            "sealed.json",
            "--key",
            "other.jwk",
        ],
    ));
    assert!(!error.contains("喘息"), "{error}");
    // The wallet's own command seals the same way.
    let help = ok(&myna(d, &["wallet", "questionnaire", "--help"]));
    assert!(help.contains("--consent"), "{help}");
}

#[test]
fn staff_enter_and_check_out_people_without_a_credential_and_the_crowding_report_is_counts_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let add = |number: &str, why: &str, name: Option<&str>| {
        let mut args = vec![
            "shelter",
            "add",
            "--roster",
            "roster.redb",
            "--shelter",
            SHELTER,
            "--staff",
            "yakuin-sato",
            "--number",
            number,
            "--why",
            why,
            "--at",
            "1795222800",
        ];
        if let Some(name) = name {
            args.extend(["--name-as-told", name]);
        }
        ok(&myna(d, &args))
    };
    let elder = add("1", "no-phone", Some("能美　トメ"));
    assert!(elder.contains("unverified, entered"), "{elder}");
    let tourist = add("2", "visitor", None);
    assert!(add("2", "visitor", None).contains("already entered"));
    let elder_id = elder.split_whitespace().next().unwrap().to_owned();
    let check_out = |entry: &str| {
        myna(
            d,
            &[
                "shelter",
                "check-out",
                "--roster",
                "roster.redb",
                "--shelter",
                SHELTER,
                "--entry",
                entry,
                "--staff",
                "yakuin-sato",
                "--at",
                "1795226400",
            ],
        )
    };
    assert!(ok(&check_out(&elder_id)).contains("checked out"));
    assert!(failed(&check_out(&elder_id)).contains("not_checked_in"));
    assert!(failed(&check_out(ENTRY)).contains("not_checked_in"));
    std::fs::write(
        d.join("shelters.json"),
        format!(r#"{{"shelters": [{{"id": "{SHELTER}", "capacity": 2}}]}}"#),
    )
    .unwrap();
    let report = ok(&myna(
        d,
        &[
            "shelter",
            "crowding",
            "--roster",
            "roster.redb",
            "--shelters",
            "shelters.json",
            "--at",
            "1795230000",
        ],
    ));
    let json: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        json["shelters"],
        serde_json::json!([{"shelter_id": SHELTER, "present": 1, "capacity": 2, "level": "open"}])
    );
    for personal in [
        "能美",
        "yakuin",
        &elder_id,
        tourist.split_whitespace().next().unwrap(),
    ] {
        assert!(!report.contains(personal), "{personal}");
    }
    let bad = failed(&myna(
        d,
        &[
            "shelter",
            "crowding",
            "--roster",
            "roster.redb",
            "--shelters",
            "answers-missing.json",
        ],
    ));
    assert!(bad.contains("--shelters"), "{bad}");
}
