//! `myna issuer init` for any municipality (Atami, in no built-in table; a Tokyo ward) and for
//! a non-municipal operator (the Izu DMO), which is refused resident, age and subsidy
//! credentials with the reason.
#![cfg(test)]

mod support;

use std::path::Path;
use std::process::Output;

use support::Myna;

/// `myna issuer init ARGS --data-dir DATA`, no municipality from the environment.
fn init(data: &Path, args: &[&str]) -> Output {
    Myna::new()
        .args(["issuer", "init"])
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("MYNA_ISSUER_PASSPHRASE", "correct horse")
        .env_remove("MYNA_MUNICIPALITY_CODE")
        .env_remove("MYNA_PREFECTURE")
        .env_remove("MYNA_MUNICIPALITY_NAME")
        .output()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn atami_and_a_tokyo_ward_initialise_with_their_prefecture() {
    let dir = tempfile::tempdir().unwrap();
    let atami = dir.path().join("atami");
    let out = init(
        &atami,
        &[
            "--municipality-code",
            "222054",
            "--prefecture",
            "静岡県",
            "--name",
            "熱海市",
            "--public-base-url",
            "https://city.atami.example",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("municipality 静岡県熱海市 (222054), offering resident"),
        "{}",
        text(&out)
    );
    let config = std::fs::read_to_string(atami.join("issuer.toml")).unwrap();
    assert!(config.contains("prefecture = \"静岡県\""), "{config}");

    // The prefecture is written out when only the code gives it.
    let chiyoda = dir.path().join("chiyoda");
    let out = init(
        &chiyoda,
        &[
            "--municipality-code",
            "131016",
            "--name",
            "千代田区",
            "--public-base-url",
            "https://city.chiyoda.example",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let config = std::fs::read_to_string(chiyoda.join("issuer.toml")).unwrap();
    assert!(config.contains("prefecture = \"東京都\""), "{config}");

    // A prefecture that is not the code's, or a name no address can contain, is refused.
    for (prefecture, name, why) in [
        ("神奈川県", "熱海市", "静岡県"),
        ("静岡県", "静岡県熱海市", "prefecture name"),
    ] {
        let out = init(
            &dir.path().join("wrong"),
            &[
                "--municipality-code",
                "222054",
                "--prefecture",
                prefecture,
                "--name",
                name,
                "--public-base-url",
                "https://city.atami.example",
            ],
        );
        assert!(!out.status.success());
        assert!(text(&out).contains(why), "{}", text(&out));
        assert!(!dir.path().join("wrong").join("issuer.toml").exists());
    }
}

#[test]
fn a_dmo_initialises_with_its_credentials_and_is_refused_resident_ones() {
    let dir = tempfile::tempdir().unwrap();
    let dmo = dir.path().join("dmo");
    let base = [
        "--name",
        "伊豆ファンクラブ",
        "--public-base-url",
        "https://izu-dmo.example",
    ];
    let out = init(
        &dmo,
        &[&base[..], &["--credential", "fan_club_membership"]].concat(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out)
            .contains("non-municipal operator 伊豆ファンクラブ, offering fan_club_membership"),
        "{}",
        text(&out)
    );
    let config = std::fs::read_to_string(dmo.join("issuer.toml")).unwrap();
    assert!(!config.contains("municipality_code"), "{config}");

    for municipal in ["resident", "age", "child_medical_subsidy"] {
        let refused = dir.path().join(municipal);
        let out = init(
            &refused,
            &[
                &base[..],
                &[
                    "--credential",
                    "fan_club_membership",
                    "--credential",
                    municipal,
                ],
            ]
            .concat(),
        );
        assert!(!out.status.success());
        let message = text(&out);
        assert!(
            message.contains(&format!("`{municipal}` needs a municipality")),
            "{message}"
        );
        assert!(!refused.join("issuer.toml").exists());
    }
    // Without a code or a list: refused, not guessed.
    let out = init(&dir.path().join("bare"), &base);
    assert!(!out.status.success());
    assert!(text(&out).contains("credentials"), "{}", text(&out));
}

#[test]
fn init_help_explains_municipalities_and_operators() {
    let out = Myna::new().run(&["issuer", "init", "--help"]);
    let help = text(&out);
    for needle in ["--prefecture", "--credential", "千代田区", "non-municipal"] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}
