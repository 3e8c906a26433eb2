//! The service's own parsers refuse garbage, truncated, oversized and deeply nested input with
//! typed errors: released escrow shares, the configuration file, the key file and batch input.
#![cfg(test)]

use myna_issuer::credential_types::Kind;
use myna_issuer::escrow::{
    self, EscrowError, EscrowPolicy, EscrowedLink, ReleasedShare, TrusteeKey,
};
use myna_issuer::pseudonym::{ContextId, PseudonymKey};
use myna_issuer::record::SubjectHandle;
use myna_issuer::service::config::ServiceConfig;
use myna_issuer::service::keys::KeyRing;
use myna_issuer::service::ServiceError;
use proptest::prelude::*;

fn released() -> Vec<u8> {
    let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2).unwrap();
    let link = EscrowedLink::derive(
        &PseudonymKey::generate().unwrap(),
        SubjectHandle::random().unwrap(),
        ContextId::parse("forum").unwrap(),
    );
    let sealed = escrow::seal(&policy, &link).unwrap();
    trustees[1].release(&sealed).unwrap().to_bytes().to_vec()
}

#[test]
fn a_released_share_round_trips_and_every_truncation_is_refused() {
    let bytes = released();
    assert_eq!(
        ReleasedShare::from_bytes(&bytes)
            .unwrap()
            .trustee()
            .as_str(),
        "court"
    );
    for cut in 0..bytes.len() {
        assert!(matches!(
            ReleasedShare::from_bytes(&bytes[..cut]),
            Err(EscrowError::MalformedSealedLink(_))
        ));
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(
        ReleasedShare::from_bytes(&longer).is_err(),
        "trailing bytes"
    );
    assert!(
        ReleasedShare::from_bytes(&vec![0xff; 2 << 20]).is_err(),
        "oversized"
    );
}

proptest! {
    #[test]
    fn released_share_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = ReleasedShare::from_bytes(&bytes);
    }

    #[test]
    fn config_parser_refuses_garbage_with_a_typed_error(text in ".{0,300}") {
        if let Err(err) = ServiceConfig::from_toml(&text) {
            let typed = matches!(
                err,
                ServiceError::Config(_)
                    | ServiceError::Municipality(_)
                    | ServiceError::NeedsMunicipality { .. }
            );
            prop_assert!(typed);
        }
    }
}

#[test]
fn invalid_configurations_are_refused_with_the_reason() {
    let base = "name = \"前橋市\"\npublic_base_url = \"https://city.example\"\n";
    let cases = [
        "municipality_code = \"102016\"\nname = \"前橋市\"\npublic_base_url = \"http://plain.example\"\n".to_owned(),
        format!("municipality_code = \"102016\"\n{base}listen = \"nowhere\"\n"),
        format!("municipality_code = \"102016\"\n{base}surprise = 1\n"),
        format!("municipality_code = \"102016\"\n{base}[rules]\nbatch_size = 1\n"),
        format!("municipality_code = \"102016\"\n{base}[limits]\nmax_body_bytes = 10\n"),
        format!("{}{base}", "[".repeat(10_000)),
    ];
    for text in cases {
        assert!(
            matches!(
                ServiceConfig::from_toml(&text),
                Err(ServiceError::Config(_))
            ),
            "{text:.80}"
        );
    }
    assert!(ServiceConfig::from_toml(&format!("municipality_code = \"102016\"\n{base}")).is_ok());
    // The municipality: code (check digit), prefecture and name, each with a typed reason.
    let municipal = [
        format!("municipality_code = \"102017\"\n{base}"), // wrong check digit
        format!("municipality_code = \"102016\"\nprefecture = \"栃木県\"\n{base}"),
        "municipality_code = \"102016\"\nname = \"x\"\npublic_base_url = \"https://city.example\"\n"
            .to_owned(),
        "municipality_code = \"102016\"\nname = \"群馬県前橋市\"\npublic_base_url = \"https://city.example\"\n"
            .to_owned(),
    ];
    for text in municipal {
        let err = ServiceConfig::from_toml(&text).unwrap_err();
        assert!(
            matches!(err, ServiceError::Municipality(_)),
            "{text:.80}: {err}"
        );
    }
    assert!(matches!(
        ServiceConfig::from_toml(&format!(
            "prefecture = \"群馬県\"\ncredentials = [\"shelter_registration\"]\n{base}"
        )),
        Err(ServiceError::Config(_))
    ));
}

/// Issue 14 §5: a non-municipal operator configures what it issues, and may not configure what
/// only a municipality may issue.
#[test]
fn a_non_municipal_operator_is_refused_municipal_credentials_at_configuration() {
    let dmo = "name = \"伊豆ファンクラブ\"\npublic_base_url = \"https://izu-dmo.example\"\n";
    let config =
        ServiceConfig::from_toml(&format!("{dmo}credentials = [\"fan_club_membership\"]\n"))
            .unwrap();
    assert!(config.municipality().unwrap().is_none());
    assert_eq!(
        config.offered().unwrap(),
        [("fan_club_membership", Kind::FanClubMembership)]
    );
    for municipal in ["resident", "age", "child_medical_subsidy"] {
        let text = format!("{dmo}credentials = [\"fan_club_membership\", \"{municipal}\"]\n");
        let err = ServiceConfig::from_toml(&text).unwrap_err();
        assert!(
            matches!(&err, ServiceError::NeedsMunicipality { credential, .. } if credential == municipal),
            "{municipal}: {err}"
        );
        let message = err.to_string();
        assert!(
            message.contains(municipal) && message.contains("municipality"),
            "{message}"
        );
    }
    // Shelters, forums and clubs need no municipality.
    let association = ServiceConfig::operator(
        "本町自治会",
        "https://honmachi.example",
        &[
            "shelter_registration",
            "context_pseudonym",
            "fan_club_membership",
        ],
    );
    assert_eq!(association.offered().unwrap().len(), 3);
    // Self-service pseudonyms need the pseudonym credential among those offered.
    let mut forum = ServiceConfig::operator(
        "伊豆ファンクラブ",
        "https://izu-dmo.example",
        &["fan_club_membership"],
    );
    forum.pseudonym_contexts = vec!["izu-limited-sake".into()];
    assert!(matches!(
        forum.check(),
        Err(ServiceError::Config(message)) if message.to_string().contains("context_pseudonym")
    ));
    // No code and no list: refused rather than guessed.
    assert!(matches!(
        ServiceConfig::from_toml(dmo),
        Err(ServiceError::Config(message)) if message.to_string().contains("credentials")
    ));
    // Unknown and empty lists.
    for list in ["[\"passport\"]", "[]"] {
        assert!(matches!(
            ServiceConfig::from_toml(&format!("{dmo}credentials = {list}\n")),
            Err(ServiceError::Config(_))
        ));
    }
    // A municipality may narrow its list, and keeps every kind by default.
    let atami = "municipality_code = \"222054\"\nprefecture = \"静岡県\"\nname = \"熱海市\"\npublic_base_url = \"https://city.atami.example\"\n";
    assert_eq!(
        ServiceConfig::from_toml(atami)
            .unwrap()
            .offered()
            .unwrap()
            .len(),
        6
    );
    let narrowed =
        ServiceConfig::from_toml(&format!("{atami}credentials = [\"resident\"]\n")).unwrap();
    assert!(narrowed.offers("resident").unwrap() && !narrowed.offers("age").unwrap());
}

#[test]
fn a_damaged_key_file_is_refused_not_half_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.json");
    let pass = "test key passphrase";
    KeyRing::open_or_create(&path, pass).unwrap();
    let good = std::fs::read_to_string(&path).unwrap();
    for bad in [
        String::new(),
        "{".into(),
        good[..good.len() / 2].to_owned(),
        good.replace("argon2id", "scrypt"),
        format!("{}{}", "[".repeat(100), "]".repeat(100)),
        " ".repeat(2 << 20),
    ] {
        std::fs::write(&path, &bad).unwrap();
        assert!(matches!(
            KeyRing::open_or_create(&path, pass),
            Err(ServiceError::Keys(_))
        ));
    }
    // A flipped ciphertext byte fails authentication like a wrong passphrase.
    let mut value: serde_json::Value = serde_json::from_str(&good).unwrap();
    let ct = value["keys"][0]["ciphertext"].as_str().unwrap().to_owned();
    let flipped = match ct.strip_prefix('A') {
        Some(rest) => format!("B{rest}"),
        None => format!("A{}", &ct[1..]),
    };
    value["keys"][0]["ciphertext"] = flipped.into();
    std::fs::write(&path, value.to_string()).unwrap();
    assert!(matches!(
        KeyRing::open_or_create(&path, pass),
        Err(ServiceError::WrongPassphrase)
    ));
    assert!(matches!(
        KeyRing::open_or_create(&dir.path().join("new.json"), ""),
        Err(ServiceError::Keys(_))
    ));
}

proptest! {
    #[test]
    fn linking_file_parser_never_panics(text in "[0-9a-fA-FxX, #\n\t]{0,200}") {
        if let Err(err) = myna_issuer::service::linking_file::parse(&text) {
            let typed = matches!(
                err,
                ServiceError::Config(_)
                    | ServiceError::Municipality(_)
                    | ServiceError::NeedsMunicipality { .. }
            );
            prop_assert!(typed);
        }
    }
}

#[test]
fn linking_file_lines_are_checked() {
    use myna_issuer::service::linking_file::parse;
    for bad in [
        "00 01",
        "01",
        "01 02 03",
        "01 zz",
        &"ab".repeat(21),
        "0x 01",
    ] {
        assert!(
            matches!(parse(&format!("{bad}\n")), Err(ServiceError::Config(_))),
            "{bad}"
        );
    }
    assert!(parse("\n# nothing\n").is_ok());
    assert!(parse("0x80 ff\n").is_ok(), "top bit set is still positive");
}
