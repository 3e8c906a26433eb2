//! The human documentation (`specs/credential-types/<name>.md`) and the crate agree: each page
//! states its type's `vct`, links the schema this crate compiles in, and its claims table
//! lists exactly the declared claims with the same disclosure rule and mandatory flag.
//!
//! This test reads the repository around the crate, so it is left out of the packaged crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use myna_vc_core::claim_path::PathSegment;
use myna_vc_core::sdjwt_vc::DisclosureRule;
use myna_vocabulary::{declaration, schema_text, Kind};

/// What one page states about its type.
#[derive(Debug, PartialEq)]
struct Page {
    vct: String,
    schema_link: String,
    /// `(claim, disclosure, mandatory)`, sorted by claim.
    claims: Vec<(String, DisclosureRule, bool)>,
}

fn pages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/credential-types")
}

/// Reads a page: the "`vct`: `…` — claims schema: [`…`](link)" line and the rows of the
/// "| claim | disclosure | mandatory |" table.
fn parse_page(text: &str) -> Result<Page, String> {
    let vct_line = text
        .lines()
        .find(|l| l.starts_with("`vct`: `"))
        .ok_or("no \"`vct`: `…`\" line")?;
    let vct = between(vct_line, "`vct`: `", "`").ok_or("the vct is not quoted")?;
    let schema_link = between(vct_line, "](", ")").ok_or("no schema link on the vct line")?;
    let table = text
        .split("| claim | disclosure | mandatory |")
        .nth(1)
        .ok_or("no claims table")?;
    let mut claims = Vec::new();
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let [name, disclosure, mandatory] = cells[..] else {
            return Err(format!("row `{row}` does not have three cells"));
        };
        let name = between(name, "`", "`").ok_or_else(|| format!("claim `{name}` not quoted"))?;
        let disclosure = match disclosure {
            "always disclosed" => DisclosureRule::Always,
            "selectively disclosable" => DisclosureRule::Selective,
            other => return Err(format!("{name}: unknown disclosure `{other}`")),
        };
        let mandatory = match mandatory {
            "yes" => true,
            "no" => false,
            other => {
                return Err(format!(
                    "{name}: mandatory must be yes or no, not `{other}`"
                ))
            }
        };
        claims.push((name.to_owned(), disclosure, mandatory));
    }
    if claims.is_empty() {
        return Err("the claims table has no rows".into());
    }
    claims.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Page {
        vct: vct.to_owned(),
        schema_link: schema_link.to_owned(),
        claims,
    })
}

fn between<'t>(text: &'t str, open: &str, close: &str) -> Option<&'t str> {
    let start = text.find(open)? + open.len();
    let len = text.get(start..)?.find(close)?;
    text.get(start..start + len)
}

/// What the crate declares for `kind`, in the shape of a page.
fn declared(kind: Kind) -> Page {
    let declaration = declaration(kind).unwrap();
    let mut claims: Vec<(String, DisclosureRule, bool)> = declaration
        .claims()
        .iter()
        .map(|c| match c.path.segments() {
            [PathSegment::Key(name)] => (name.clone(), c.disclosure, c.mandatory),
            other => panic!("{kind:?}: nested declaration {other:?} has no row format yet"),
        })
        .collect();
    claims.sort_by(|a, b| a.0.cmp(&b.0));
    Page {
        vct: kind.vct().to_owned(),
        schema_link: format!("../../vocabulary/schemas/{}.schema.json", kind.name()),
        claims,
    }
}

#[test]
fn every_page_states_what_the_crate_declares() {
    for kind in Kind::ALL {
        let path = pages_dir().join(format!("{}.md", kind.name()));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{kind:?}: {}: {e}", path.display()));
        let page = parse_page(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(page, declared(kind), "{}", path.display());
    }
}

#[test]
fn every_schema_link_opens_the_compiled_in_schema() {
    for kind in Kind::ALL {
        let link = declared(kind).schema_link;
        let linked = std::fs::read_to_string(pages_dir().join(&link))
            .unwrap_or_else(|e| panic!("{kind:?}: {link}: {e}"));
        assert_eq!(linked, schema_text(kind), "{kind:?}: {link}");
    }
}

#[test]
fn every_page_is_a_declared_type() {
    for entry in std::fs::read_dir(pages_dir()).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(name) = stem.strip_suffix(".md") else {
            panic!(
                "{}: only the pages live here; schemas are in vocabulary/schemas/",
                stem
            );
        };
        assert!(
            Kind::ALL.iter().any(|k| k.name() == name),
            "{name}.md documents a type the vocabulary does not declare"
        );
    }
}

#[test]
fn a_page_that_disagrees_is_caught() {
    let good = "`vct`: `urn:myna-vc:vct:anchor:1` — claims schema: [`anchor.schema.json`](../../vocabulary/schemas/anchor.schema.json)\n\n\
        | claim | disclosure | mandatory |\n|---|---|---|\n\
        | `assurance_level` | always disclosed | yes |\n| `anchored_on` | always disclosed | yes |\n";
    assert_eq!(parse_page(good).unwrap(), declared(Kind::Anchor));

    let selective = good.replace(
        "| `anchored_on` | always disclosed",
        "| `anchored_on` | selectively disclosable",
    );
    assert_ne!(parse_page(&selective).unwrap(), declared(Kind::Anchor));
    let optional = good.replace(
        "| `anchored_on` | always disclosed | yes",
        "| `anchored_on` | always disclosed | no",
    );
    assert_ne!(parse_page(&optional).unwrap(), declared(Kind::Anchor));
    let missing = good.replace("| `anchored_on` | always disclosed | yes |\n", "");
    assert_ne!(parse_page(&missing).unwrap(), declared(Kind::Anchor));
    let other_vct = good.replace("anchor:1", "anchor:2");
    assert_ne!(parse_page(&other_vct).unwrap(), declared(Kind::Anchor));

    assert!(parse_page(&good.replace("always disclosed", "public")).is_err());
    assert!(parse_page(&good.replace("| yes |", "| maybe |")).is_err());
    assert!(parse_page("# no table\n`vct`: `urn:x` — [s](s.json)\n").is_err());
}
