//! Compiles the decision reasons' texts (`messages/reasons.json`, the reasons section of the
//! message catalogue) into Rust tables, so the library parses no JSON at run time: `CODES` in
//! the file's order, and `TEXTS`, one row per reason in that order, one column per compiled
//! language in `Lang::ALL` order. Without the `all-languages`
//! feature only Japanese and English are compiled in (the npm verifier's `.wasm` stays within
//! its download budget).
//!
//! A catalogue entry without all six texts stops the build with the key and the language.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The catalogue's languages, in the order of `messages::Lang::ALL`.
const LANGS: [&str; 6] = ["ja", "en", "zh-Hans", "ko", "vi", "pt-BR"];
/// The languages compiled in without `all-languages`.
const ALWAYS: [&str; 2] = ["ja", "en"];

fn main() -> Result<(), String> {
    println!("cargo::rerun-if-changed=messages/reasons.json");
    let all = std::env::var_os("CARGO_FEATURE_ALL_LANGUAGES").is_some();
    let text = std::fs::read_to_string("messages/reasons.json")
        .map_err(|e| format!("messages/reasons.json: {e}"))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("messages/reasons.json: {e}"))?;
    let entries = value
        .as_object()
        .ok_or("messages/reasons.json: not a JSON object of reason codes")?;
    let compiled: Vec<&str> = LANGS
        .into_iter()
        .filter(|lang| all || ALWAYS.contains(lang))
        .collect();
    // The codes and the texts apart: a verifier finds a reason's texts by its index (the
    // file's order), so the codes it already has are not compiled in twice.
    let mut codes = String::from("pub(crate) static CODES: &[&str] = &[\n");
    let mut texts = format!(
        "pub(crate) const COLUMNS: usize = {};\npub(crate) static TEXTS: &[[&str; COLUMNS]] = &[\n",
        compiled.len()
    );
    for (code, entry) in entries {
        let _ = writeln!(codes, "    {code:?},");
        texts.push_str("    [");
        for lang in LANGS {
            let text = entry
                .get(lang)
                .and_then(serde_json::Value::as_str)
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    format!("messages/reasons.json: reason `{code}` has no `{lang}` text")
                })?;
            if compiled.contains(&lang) {
                let _ = write!(texts, "{text:?}, ");
            }
        }
        texts.push_str("],\n");
    }
    codes.push_str("];\n");
    texts.push_str("];\n");
    let table = codes + &texts;
    let out = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    std::fs::write(PathBuf::from(out).join("reasons.rs"), table).map_err(|e| e.to_string())
}
