//! The message catalogue: every text a person reads — the verifier's decision reasons, the
//! wallet app's and the counter page's words — in Japanese, English, simplified Chinese,
//! Korean, Vietnamese and Brazilian Portuguese, from one place (`vocabulary/messages/`, one
//! JSON file per section: `reasons.json`, `app.json`, `counter.json`; every entry has all six).
//!
//! Why these six: residents who come from abroad said "言語の壁が大きい" and hoped "母国語で
//! 地域の情報が見られるようになった" (`../shared/seeds/004_e867865de3ae606d.txt:75`, `:115`), and
//! visitors are served in many languages ("多言語音声翻訳による観光客増加",
//! `../shared/seeds/003_9a4e038cf0954f3d.txt:4355`, "## 多言語音声翻訳" `:4376`). Chinese,
//! Vietnamese, Korean and Portuguese are the languages of Japan's largest foreign-resident
//! groups; Japanese always comes first, English is the default second language.
//!
//! The Rust side compiles in the `reasons` section (a table made by `build.rs`; Japanese and
//! English only without the `all-languages` feature, for the npm verifier's budget). The web
//! pages get the `app` and `counter` sections (and the reasons) as generated JS modules, one per
//! language (`scripts/messages.mjs`); [`Section::parse`] reads any section file with typed errors,
//! so a test points at exactly the key and language that are missing.
//!
//! ```
//! use myna_vocabulary::messages::{reason_text, Lang};
//! let vi: Lang = "vi".parse()?;
//! assert_eq!(reason_text("expired", Lang::Ja), Some("証明書の有効期限が切れています。"));
//! assert_eq!(reason_text("expired", vi), Some("Chứng nhận đã hết hạn."));
//! assert_eq!(reason_text("no_such_reason", Lang::En), None);
//! # Ok::<(), myna_vocabulary::messages::MessagesError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// One of the catalogue's six languages, named by its BCP 47 tag.
///
/// ```
/// use myna_vocabulary::messages::Lang;
/// assert_eq!(Lang::ZhHans.tag(), "zh-Hans");
/// assert_eq!("pt-br".parse::<Lang>()?, Lang::PtBr);
/// assert_eq!("zh-CN".parse::<Lang>()?, Lang::ZhHans);
/// assert!("fr".parse::<Lang>().is_err());
/// # Ok::<(), myna_vocabulary::messages::MessagesError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Japanese (`ja`), always shown first.
    Ja,
    /// English (`en`), the default second language.
    En,
    /// Simplified Chinese (`zh-Hans`).
    ZhHans,
    /// Korean (`ko`).
    Ko,
    /// Vietnamese (`vi`).
    Vi,
    /// Brazilian Portuguese (`pt-BR`).
    PtBr,
}

impl Lang {
    /// Every language of the catalogue, Japanese first.
    ///
    /// ```
    /// assert_eq!(myna_vocabulary::messages::Lang::ALL.len(), 6);
    /// ```
    pub const ALL: [Lang; 6] = [
        Lang::Ja,
        Lang::En,
        Lang::ZhHans,
        Lang::Ko,
        Lang::Vi,
        Lang::PtBr,
    ];

    /// The BCP 47 tag, as in the catalogue files and the pages' `lang` attributes.
    ///
    /// ```
    /// assert_eq!(myna_vocabulary::messages::Lang::PtBr.tag(), "pt-BR");
    /// ```
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
            Lang::Ko => "ko",
            Lang::Vi => "vi",
            Lang::PtBr => "pt-BR",
        }
    }

    /// The language's own name for itself (what a language picker shows).
    ///
    /// ```
    /// assert_eq!(myna_vocabulary::messages::Lang::Vi.native_name(), "Tiếng Việt");
    /// ```
    pub const fn native_name(self) -> &'static str {
        match self {
            Lang::Ja => "日本語",
            Lang::En => "English",
            Lang::ZhHans => "简体中文",
            Lang::Ko => "한국어",
            Lang::Vi => "Tiếng Việt",
            Lang::PtBr => "Português (Brasil)",
        }
    }

    /// The column of this language in a catalogue row.
    const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Lang {
    type Err = MessagesError;

    /// Reads a BCP 47 tag, case-insensitively: the six exact tags, and the common forms that
    /// mean one of them (`zh`, `zh-CN`, `zh-Hans-CN`, `zh-SG` → `zh-Hans`; `pt` → `pt-BR`;
    /// `en-US`, `ko-KR`, `vi-VN`, `ja-JP` → their language). Traditional Chinese (`zh-Hant`,
    /// `zh-TW`, `zh-HK`) and European Portuguese (`pt-PT`) are not in the catalogue and are
    /// refused rather than shown in the wrong script or variant.
    fn from_str(tag: &str) -> Result<Lang, MessagesError> {
        let lower = tag.trim().to_ascii_lowercase();
        let mut parts = lower.split(['-', '_']);
        let language = parts.next().unwrap_or_default();
        let rest: Vec<&str> = parts.collect();
        let unknown = || MessagesError::UnknownLang(tag.to_owned());
        match language {
            "ja" => Ok(Lang::Ja),
            "en" => Ok(Lang::En),
            "ko" => Ok(Lang::Ko),
            "vi" => Ok(Lang::Vi),
            "zh" if rest
                .iter()
                .all(|p| !matches!(*p, "hant" | "tw" | "hk" | "mo")) =>
            {
                Ok(Lang::ZhHans)
            }
            "pt" if !rest.contains(&"pt") => Ok(Lang::PtBr),
            _ => Err(unknown()),
        }
    }
}

/// What is wrong with a language tag or a catalogue file.
///
/// ```
/// use myna_vocabulary::messages::{MessagesError, Section};
/// let err = Section::parse("app", r#"{"done": {"ja": "完了", "en": "Done"}}"#).unwrap_err();
/// assert!(matches!(err, MessagesError::Missing { ref key, lang, .. } if key == "done"
///     && lang == myna_vocabulary::messages::Lang::ZhHans));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessagesError {
    /// A language tag that is not one of the catalogue's six.
    UnknownLang(String),
    /// The section file is not JSON, or not an object of objects.
    Malformed {
        /// The section (file name without `.json`).
        section: String,
        /// What is wrong.
        detail: String,
    },
    /// An entry lacks a language.
    Missing {
        /// The section.
        section: String,
        /// The message key.
        key: String,
        /// The language with no text.
        lang: Lang,
    },
    /// An entry's text is empty (or only spaces).
    Empty {
        /// The section.
        section: String,
        /// The message key.
        key: String,
        /// The language whose text is empty.
        lang: Lang,
    },
    /// An entry has a text in a language the catalogue does not know (a typo such as `pt-br`
    /// would otherwise hide a missing `pt-BR`).
    ExtraLang {
        /// The section.
        section: String,
        /// The message key.
        key: String,
        /// The tag as written.
        tag: String,
    },
}

impl fmt::Display for MessagesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessagesError::UnknownLang(tag) => write!(
                f,
                "unknown language `{tag}`: use one of ja, en, zh-Hans, ko, vi, pt-BR"
            ),
            MessagesError::Malformed { section, detail } => {
                write!(f, "messages/{section}.json: {detail}")
            }
            MessagesError::Missing { section, key, lang } => {
                write!(f, "messages/{section}.json: `{key}` has no `{lang}` text")
            }
            MessagesError::Empty { section, key, lang } => {
                write!(
                    f,
                    "messages/{section}.json: `{key}` has an empty `{lang}` text"
                )
            }
            MessagesError::ExtraLang { section, key, tag } => write!(
                f,
                "messages/{section}.json: `{key}` has a text in `{tag}`, not a catalogue language"
            ),
        }
    }
}

impl std::error::Error for MessagesError {}

/// One section of the catalogue (a file of `vocabulary/messages/`): message keys, each with a
/// text in every [`Lang`].
///
/// ```
/// use myna_vocabulary::messages::{Lang, Section};
/// let text = r#"{"done": {"ja": "完了", "en": "Done", "zh-Hans": "完成", "ko": "완료",
///     "vi": "Xong", "pt-BR": "Concluído"}}"#;
/// let section = Section::parse("app", text)?;
/// assert_eq!(section.text("done", Lang::Ko), Some("완료"));
/// assert_eq!(section.keys().collect::<Vec<_>>(), ["done"]);
/// # Ok::<(), myna_vocabulary::messages::MessagesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    name: String,
    /// Key → the six texts in [`Lang::ALL`] order, sorted by key.
    entries: Vec<(String, [String; 6])>,
}

impl Section {
    /// Reads a section file. Every entry must have a non-empty text in each of the six
    /// languages and no other; the first gap found is the error, naming key and language.
    ///
    /// ```
    /// use myna_vocabulary::messages::Section;
    /// assert!(Section::parse("app", "[]").is_err());
    /// ```
    pub fn parse(name: &str, text: &str) -> Result<Section, MessagesError> {
        let malformed = |detail: String| MessagesError::Malformed {
            section: name.to_owned(),
            detail,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let object = value
            .as_object()
            .ok_or_else(|| malformed("not an object of message keys".into()))?;
        let mut entries = Vec::with_capacity(object.len());
        for (key, entry) in object {
            let texts = entry
                .as_object()
                .ok_or_else(|| malformed(format!("`{key}` is not an object of languages")))?;
            entries.push((key.clone(), Self::row(name, key, texts)?));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Section {
            name: name.to_owned(),
            entries,
        })
    }

    /// The six texts of one entry, checked.
    fn row(
        section: &str,
        key: &str,
        texts: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<[String; 6], MessagesError> {
        if let Some(tag) = texts
            .keys()
            .find(|tag| !Lang::ALL.iter().any(|l| l.tag() == tag.as_str()))
        {
            return Err(MessagesError::ExtraLang {
                section: section.to_owned(),
                key: key.to_owned(),
                tag: tag.clone(),
            });
        }
        let mut row: [String; 6] = Default::default();
        for (lang, slot) in Lang::ALL.into_iter().zip(row.iter_mut()) {
            let place = || (section.to_owned(), key.to_owned());
            let Some(text) = texts.get(lang.tag()).and_then(serde_json::Value::as_str) else {
                let (section, key) = place();
                return Err(MessagesError::Missing { section, key, lang });
            };
            if text.trim().is_empty() {
                let (section, key) = place();
                return Err(MessagesError::Empty { section, key, lang });
            }
            text.clone_into(slot);
        }
        Ok(row)
    }

    /// The section's name (its file name without `.json`).
    ///
    /// ```
    /// # use myna_vocabulary::messages::Section;
    /// assert_eq!(Section::parse("counter", "{}")?.name(), "counter");
    /// # Ok::<(), myna_vocabulary::messages::MessagesError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text of `key` in `lang`, or `None` for a key the section does not have.
    ///
    /// ```
    /// # use myna_vocabulary::messages::{Lang, Section};
    /// assert_eq!(Section::parse("app", "{}")?.text("done", Lang::Ja), None);
    /// # Ok::<(), myna_vocabulary::messages::MessagesError>(())
    /// ```
    pub fn text(&self, key: &str, lang: Lang) -> Option<&str> {
        let (_, row) = self.entries.iter().find(|(k, _)| k == key)?;
        row.get(lang.index()).map(String::as_str)
    }

    /// The keys, sorted.
    ///
    /// ```
    /// # use myna_vocabulary::messages::Section;
    /// assert_eq!(Section::parse("app", "{}")?.keys().count(), 0);
    /// # Ok::<(), myna_vocabulary::messages::MessagesError>(())
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The section's texts in one language, key → text (what a page's language module holds).
    ///
    /// ```
    /// # use myna_vocabulary::messages::{Lang, Section};
    /// assert!(Section::parse("app", "{}")?.in_lang(Lang::Vi).is_empty());
    /// # Ok::<(), myna_vocabulary::messages::MessagesError>(())
    /// ```
    pub fn in_lang(&self, lang: Lang) -> BTreeMap<&str, &str> {
        self.entries
            .iter()
            .filter_map(|(k, row)| Some((k.as_str(), row.get(lang.index())?.as_str())))
            .collect()
    }
}

/// The decision reasons, compiled in by `build.rs` from `messages/reasons.json` in the file's
/// order: `CODES`, and `TEXTS` (row by row the texts of the compiled languages,
/// [`compiled_languages`], in that order).
mod reasons {
    include!(concat!(env!("OUT_DIR"), "/reasons.rs"));
}

/// The text of the decision reason `code` (as `myna_verifier::decision::Reason::code`) in
/// `lang`. `None` for an unknown code, or for a language other than Japanese and English
/// when this crate is built without the `all-languages` feature.
///
/// ```
/// use myna_vocabulary::messages::{reason_text, Lang};
/// assert_eq!(reason_text("under_age", Lang::En), Some("Below the required age."));
/// assert_eq!(reason_text("under_age", Lang::Ko), Some("연령 조건을 충족하지 않습니다(연령 미달)."));
/// ```
pub fn reason_text(code: &str, lang: Lang) -> Option<&'static str> {
    let index = reasons::CODES.iter().position(|c| *c == code)?;
    reason_text_at(index, lang)
}

/// The text of the `index`-th reason of the catalogue (the file's order, which is the order of
/// `myna_verifier::decision::Reason::ALL`; a verifier test holds them equal) in `lang`: what
/// the verifier uses, so its codes are not compiled in twice. `None` past the end, or for a
/// language compiled out.
///
/// ```
/// use myna_vocabulary::messages::{reason_text_at, Lang};
/// assert_eq!(reason_text_at(0, Lang::En), Some("The presentation cannot be read. Ask the holder to present again."));
/// assert_eq!(reason_text_at(10_000, Lang::En), None);
/// ```
pub fn reason_text_at(index: usize, lang: Lang) -> Option<&'static str> {
    let column = compiled_languages().iter().position(|l| *l == lang)?;
    reasons::TEXTS.get(index)?.get(column).copied()
}

/// Every reason code the compiled-in catalogue has, in the file's order.
///
/// ```
/// assert!(myna_vocabulary::messages::reason_codes().any(|c| c == "not_checked_in"));
/// ```
pub fn reason_codes() -> impl Iterator<Item = &'static str> {
    reasons::CODES.iter().copied()
}

/// The languages compiled in for [`reason_text`]: all six with the `all-languages` feature,
/// else Japanese and English.
///
/// ```
/// use myna_vocabulary::messages::{compiled_languages, Lang};
/// assert!(compiled_languages().contains(&Lang::Ja));
/// ```
pub fn compiled_languages() -> &'static [Lang] {
    const COMPILED: usize = reasons::COLUMNS;
    if COMPILED == Lang::ALL.len() {
        &Lang::ALL
    } else {
        &[Lang::Ja, Lang::En]
    }
}
