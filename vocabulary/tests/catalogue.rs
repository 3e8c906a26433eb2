//! The message catalogue (`vocabulary/messages/*.json`) is complete: every entry of every
//! section has a non-empty text in each of the six languages (ja, en, zh-Hans, ko, vi, pt-BR),
//! and a gap is reported as exactly which section, key and language. Sources: Omura's residents
//! from abroad, "言語の壁が大きい" (`../shared/seeds/004_e867865de3ae606d.txt:75`) and "母国語で
//! 地域の情報が見られるようになった" (`:115`); visitors, "多言語音声翻訳による観光客増加"
//! (`../shared/seeds/003_9a4e038cf0954f3d.txt:4355`).
//!
//! This test reads the repository's files, so it is left out of the packaged crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use myna_vocabulary::messages::{reason_codes, reason_text, Lang, MessagesError, Section};

fn messages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("messages")
}

/// Every `*.json` of `messages/`, parsed; a broken one fails with its own message.
fn sections() -> Vec<Section> {
    let mut names: Vec<String> = std::fs::read_dir(messages_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|file| {
            let name = file.trim_end_matches(".json");
            let text = std::fs::read_to_string(messages_dir().join(file)).unwrap();
            Section::parse(name, &text).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

/// The three sections are there and every message has all six languages (the parse checks
/// each entry; a gap fails above with "messages/<section>.json: `<key>` has no `<lang>` text").
#[test]
fn every_message_has_every_language() {
    let sections = sections();
    let names: Vec<&str> = sections.iter().map(Section::name).collect();
    assert_eq!(names, ["app", "counter", "reasons"]);
    for section in &sections {
        assert!(
            section.keys().count() > 10,
            "{} is nearly empty",
            section.name()
        );
        for key in section.keys() {
            for lang in Lang::ALL {
                let text = section.text(key, lang).unwrap();
                assert!(!text.trim().is_empty(), "{}: {key} {lang}", section.name());
            }
        }
    }
}

/// The compiled-in reasons are the file's reasons, text for text.
#[test]
fn the_compiled_reasons_are_the_files() {
    let sections = sections();
    let file = sections.iter().find(|s| s.name() == "reasons").unwrap();
    let compiled: BTreeSet<&str> = reason_codes().collect();
    let listed: BTreeSet<&str> = file.keys().collect();
    assert_eq!(compiled, listed);
    for code in file.keys() {
        for lang in Lang::ALL {
            assert_eq!(
                reason_text(code, lang),
                file.text(code, lang),
                "{code} {lang}"
            );
        }
    }
}

/// A translation is not a copy of the Japanese, and the Chinese, Korean, Vietnamese and
/// Portuguese texts of a decision reason are not the English one left untranslated.
#[test]
fn translations_are_not_copies() {
    let sections = sections();
    for section in &sections {
        for key in section.keys() {
            let ja = section.text(key, Lang::Ja).unwrap();
            for lang in [Lang::En, Lang::Ko, Lang::Vi, Lang::PtBr] {
                assert_ne!(
                    section.text(key, lang),
                    Some(ja),
                    "{}: {key} {lang}",
                    section.name()
                );
            }
        }
    }
    let reasons = sections.iter().find(|s| s.name() == "reasons").unwrap();
    for key in reasons.keys() {
        let en = reasons.text(key, Lang::En);
        for lang in [Lang::ZhHans, Lang::Ko, Lang::Vi, Lang::PtBr] {
            assert_ne!(
                reasons.text(key, lang),
                en,
                "reasons: {key} {lang} is the English"
            );
        }
    }
}

/// Vietnamese is written with its diacritics (a text typed without them would read as
/// another, often rude, word): every Vietnamese sentence of more than two words has one.
#[test]
fn vietnamese_keeps_its_diacritics() {
    for section in sections() {
        for key in section.keys() {
            let vi = section.text(key, Lang::Vi).unwrap();
            if vi.split_whitespace().count() > 2 {
                assert!(
                    !vi.is_ascii(),
                    "{}: {key} vi `{vi}` has no diacritics",
                    section.name()
                );
            }
        }
    }
}

/// A missing language, an empty text and a misspelt tag are each told apart and located.
#[test]
fn a_gap_names_its_key_and_language() {
    let full = r#""ja": "完了", "en": "Done", "zh-Hans": "完成", "ko": "완료", "vi": "Xong""#;
    let missing = Section::parse("app", &format!(r#"{{"done": {{{full}}}}}"#)).unwrap_err();
    assert_eq!(
        missing,
        MessagesError::Missing {
            section: "app".into(),
            key: "done".into(),
            lang: Lang::PtBr
        }
    );
    assert_eq!(
        missing.to_string(),
        "messages/app.json: `done` has no `pt-BR` text"
    );
    let empty = Section::parse("app", &format!(r#"{{"done": {{{full}, "pt-BR": " "}}}}"#));
    assert!(matches!(
        empty,
        Err(MessagesError::Empty {
            lang: Lang::PtBr,
            ..
        })
    ));
    let typo = Section::parse("app", &format!(r#"{{"done": {{{full}, "pt-br": "OK"}}}}"#));
    assert!(matches!(typo, Err(MessagesError::ExtraLang { ref tag, .. }) if tag == "pt-br"));
    let not_object = Section::parse("app", r#"{"done": "完了"}"#);
    assert!(matches!(not_object, Err(MessagesError::Malformed { .. })));
}

/// Language tags: the six, their common regional forms, and nothing the catalogue lacks.
#[test]
fn language_tags_parse() {
    for lang in Lang::ALL {
        assert_eq!(lang.tag().parse::<Lang>().unwrap(), lang);
        assert_eq!(lang.tag().to_uppercase().parse::<Lang>().unwrap(), lang);
    }
    assert_eq!("zh-Hans-CN".parse::<Lang>().unwrap(), Lang::ZhHans);
    assert_eq!("pt".parse::<Lang>().unwrap(), Lang::PtBr);
    assert_eq!("en_US".parse::<Lang>().unwrap(), Lang::En);
    for refused in ["zh-TW", "zh-Hant", "pt-PT", "fr", "", "tl"] {
        assert_eq!(
            refused.parse::<Lang>(),
            Err(MessagesError::UnknownLang(refused.into())),
            "{refused}"
        );
    }
}
