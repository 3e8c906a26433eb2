//! The shared vectors and specifications (`../shared` next to the repository), read in place.
//! Without them (a machine that has only the repository) the seeds are the project's own.

use std::path::{Path, PathBuf};

use super::Seed;

/// Where `shared/` is, if it is there.
#[derive(Debug, Clone, Default)]
pub struct Shared(Option<PathBuf>);

impl Shared {
    /// `dir` if it exists, else nothing.
    pub fn at(dir: &Path) -> Self {
        Shared(dir.is_dir().then(|| dir.to_path_buf()))
    }

    /// Whether the shared directory was found.
    pub fn found(&self) -> bool {
        self.0.is_some()
    }

    /// Every file under `sub` (recursively) whose name ends with one of `suffixes`, as seeds
    /// named after their path (`/` → `_`), each prefixed by `prefix` (a selector byte or
    /// nothing); files larger than `max_bytes` are left out.
    pub fn files(
        &self,
        sub: &str,
        suffixes: &[&str],
        prefix: &[u8],
        max_bytes: usize,
    ) -> Vec<Seed> {
        let Some(root) = &self.0 else {
            return Vec::new();
        };
        let mut paths = Vec::new();
        walk(&root.join(sub), &mut paths);
        paths.sort();
        paths
            .into_iter()
            .filter(|p| {
                let name = p.to_string_lossy();
                suffixes.iter().any(|s| name.ends_with(s))
            })
            .filter_map(|p| {
                let bytes = std::fs::read(&p).ok()?;
                if bytes.len() > max_bytes {
                    return None;
                }
                let rel = p
                    .strip_prefix(root)
                    .ok()?
                    .to_string_lossy()
                    .replace('/', "_");
                let mut input = prefix.to_vec();
                input.extend_from_slice(trim_newline(&bytes));
                Some(Seed::new(format!("shared_{rel}"), input))
            })
            .collect()
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Files end with a newline the parsers (rightly) refuse in a compact token.
fn trim_newline(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    bytes.get(..end).unwrap_or_default()
}
