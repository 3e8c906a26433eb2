//! What the service [publishes](super::publication) as static files, for a CDN or any static
//! host to serve under the public base URL: `myna issuer publish --out DIR`.
//!
//! Each [`Document`] is written at the path it is served at (`DIR/status/1`,
//! `DIR/consent-status/1`, `DIR/trust-list`, `DIR/trust-entry`, `DIR/.well-known/did.json`,
//! `DIR/.well-known/jwt-vc-issuer`), with the very body the route would answer: the same
//! functions sign it (the status lists with the same `exp`, `ttl` and `kid`). Uploading DIR
//! to `https://city.example/` serves the status list at the URI the credentials name.
//!
//! A file name carries no content type, so two files beside them say which headers to send:
//!
//! * [`MANIFEST_FILE`] (`publish.json`): for every file its path, its file under DIR and the
//!   headers to serve it with — `Content-Type`, `ETag` (the route's strong tag of the same
//!   bytes, [`etag`]), `Cache-Control: max-age` (the route's) and
//!   `Access-Control-Allow-Origin: *` (wallet web apps fetch these from their own origin,
//!   as the route allows). A deploy script configures the host from it. It names no
//!   personal data and may be uploaded with the rest.
//! * [`HEADERS_FILE`] (`_headers`): the same headers in the format Netlify and Cloudflare
//!   Pages read from the root of a site; those hosts serve it as configuration, not as a file.
//!
//! Every file is written to a temporary file in its own directory (named
//! `.myna-publish-…`), flushed to disk and renamed over the old one, so a CDN sync running at
//! the same time uploads the old or the new token, never half of one; a file whose bytes
//! have not changed is left alone (its modification time too). The manifests are written
//! last. One publisher per DIR at a time.
//!
//! Re-publishing keeps the `ETag` where a running service would keep it: a status list or
//! the trust list found in DIR is reused — not signed again — when it verifies with the key
//! that signs it now, is exactly what signing now at its `iat` would give (same statuses,
//! entry, lifetimes, `ttl`, `kid`) and is younger than half its lifetime
//! ([`rules.status_token_lifetime_secs`](crate::endpoint::rules::Rules)); the trust entry
//! when it is the same entry; the DID document and the issuer metadata are the same bytes
//! while keys and configuration stay. A revocation changes the status list, so the next
//! publish signs it anew: a new `iat` and `exp`, and so a new `ETag`. Past half its lifetime
//! a list is signed anew even unchanged (new `iat`, new `ETag`), so that the copy on the CDN
//! never expires: publish at least that often (e.g. hourly from cron, a day's lifetime).
//! Before signing the credential list, the credentials past their personal limit are
//! revoked, as the route does.
//!
//! ```no_run
//! use std::sync::Arc;
//! use myna_issuer::service::{config::ServiceConfig, Service, ServiceOptions};
//! use myna_vc_core::time::SystemClock;
//! let config = ServiceConfig::from_toml(&std::fs::read_to_string("/srv/myna/issuer.toml")?)?;
//! let service = Service::open(ServiceOptions {
//!     config,
//!     data_dir: "/srv/myna".into(),
//!     passphrase: zeroize::Zeroizing::new(std::env::var("MYNA_ISSUER_PASSPHRASE")?),
//!     clock: Arc::new(SystemClock),
//!     jpki: None,
//! })?;
//! let published = service.publish_to("/srv/cdn".as_ref())?;
//! for file in &published.files {
//!     println!("{} {} changed: {}", file.path, file.etag, file.changed);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::http::{cache_control, etag, ApiError};
use super::publication::{adopt, Document};
use super::{Service, Shared};

/// The manifest of what was published, in DIR: paths, files and headers, as JSON.
pub const MANIFEST_FILE: &str = "publish.json";
/// The same headers for Netlify and Cloudflare Pages, in DIR.
pub const HEADERS_FILE: &str = "_headers";
/// The prefix of the temporary files a publish writes before renaming them.
pub const TEMP_PREFIX: &str = ".myna-publish-";
/// The CORS header of the published documents: the routes answer any origin
/// ([`myna_edge::cors::wallet_routes`]), and so must the static copies.
pub const ALLOW_ORIGIN: &str = "*";
/// The largest earlier file read back to be reused (a status list of a million entries is
/// far smaller); a larger one is replaced.
const MAX_PREVIOUS_BYTES: u64 = 16 << 20;

/// Why publishing to a directory failed.
///
/// ```
/// use myna_issuer::service::static_publication::PublishError;
/// let err = PublishError::Path("/a/../b".into());
/// assert!(err.to_string().contains("/a/../b"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// A file or directory under DIR could not be read, written or renamed.
    #[error("{}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A document's path is not one a file under DIR can have (a `..`, an empty segment).
    #[error("the published path {0:?} cannot be a file under the output directory")]
    Path(String),
    /// The issuer could not make a document (the store, a signature); the cause is logged.
    #[error("the issuer could not make {path}: {detail}")]
    Document {
        /// The document's path.
        path: String,
        /// What the service would have answered.
        detail: String,
    },
    /// The manifest could not be written as JSON.
    #[error("the manifest cannot be written as JSON")]
    Manifest(#[source] serde_json::Error),
}

impl PublishError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
        move |source| PublishError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    fn document(path: &str, err: &ApiError) -> PublishError {
        PublishError::Document {
            path: path.to_owned(),
            detail: err.body(),
        }
    }
}

/// One published file (see [`Service::publish_to`]'s example).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFile {
    /// Which document it is.
    pub document: Document,
    /// The path it is served at under the public base URL, e.g. `/status/1`.
    pub path: String,
    /// The file, under the output directory.
    pub file: PathBuf,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its strong `ETag`, quoted: the route's for the same bytes.
    pub etag: String,
    /// Its `Cache-Control` (`max-age=…`, the route's).
    pub cache_control: String,
    /// Whether this publish wrote it (false: the file already had these bytes).
    pub changed: bool,
}

impl PublishedFile {
    /// The headers a static host must send with it, by name.
    pub fn headers(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("Access-Control-Allow-Origin", ALLOW_ORIGIN.to_owned()),
            ("Cache-Control", self.cache_control.clone()),
            ("Content-Type", self.content_type.to_owned()),
            ("ETag", self.etag.clone()),
        ])
    }
}

/// What a publish wrote: every document, in [`Document::ALL`] order (see
/// [`Service::publish_to`]'s example).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The output directory.
    pub out: PathBuf,
    /// The documents' files.
    pub files: Vec<PublishedFile>,
}

impl Publication {
    /// The file of `document`.
    pub fn file(&self, document: Document) -> Option<&PublishedFile> {
        self.files.iter().find(|f| f.document == document)
    }
}

/// [`MANIFEST_FILE`]'s JSON.
#[derive(Serialize)]
struct Manifest<'a> {
    /// The public base URL the files belong under.
    base_url: &'a str,
    files: Vec<ManifestEntry<'a>>,
}

#[derive(Serialize)]
struct ManifestEntry<'a> {
    path: &'a str,
    file: String,
    headers: BTreeMap<&'static str, String>,
}

impl Service {
    /// Writes every document the service publishes under `out` (created if missing), at the
    /// path it is served at, with [`MANIFEST_FILE`] and [`HEADERS_FILE`]; see the
    /// [module](self) for the layout, the atomic writes and when a token is reused.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use myna_issuer::service::{config::ServiceConfig, Service, ServiceOptions};
    /// use myna_issuer::service::publication::Document;
    /// use myna_vc_core::time::{FixedClock, NumericDate};
    /// let (data, cdn) = (tempfile::tempdir()?, tempfile::tempdir()?);
    /// let mut config = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
    /// config.rules.status_list_capacity = 1024;
    /// let service = Service::open(ServiceOptions { config, data_dir: data.path().into(),
    ///     passphrase: zeroize::Zeroizing::new("a test passphrase".into()),
    ///     clock: Arc::new(FixedClock(NumericDate::from_unix(1_800_000_000))), jpki: None })?;
    /// let first = service.publish_to(cdn.path())?;
    /// let status = first.file(Document::StatusList).ok_or("no status list")?;
    /// assert_eq!(status.path, "/status/1");
    /// assert!(cdn.path().join("status/1").is_file() && cdn.path().join("publish.json").is_file());
    /// assert_eq!(status.headers()["Cache-Control"], "max-age=300");
    /// // Nothing changed: the same token, the same ETag, no file rewritten.
    /// let again = service.publish_to(cdn.path())?;
    /// assert_eq!(again.file(Document::StatusList).map(|f| &f.etag), Some(&status.etag));
    /// assert!(again.files.iter().all(|f| !f.changed));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn publish_to(&self, out: &Path) -> Result<Publication, PublishError> {
        std::fs::create_dir_all(out).map_err(PublishError::io(out))?;
        let shared = self.shared();
        let mut files = Vec::with_capacity(Document::ALL.len());
        for document in Document::ALL {
            files.push(publish_one(shared, document, out)?);
        }
        let publication = Publication {
            out: out.to_path_buf(),
            files,
        };
        write_manifests(shared, &publication)?;
        Ok(publication)
    }
}

/// Writes `document` under `out`, reusing the token already there when the service would.
fn publish_one(
    shared: &Shared,
    document: Document,
    out: &Path,
) -> Result<PublishedFile, PublishError> {
    let path = document
        .path(shared)
        .map_err(|e| PublishError::document("a status list", &e))?;
    let file = file_of(&path)?;
    let target = out.join(&file);
    if let Some(previous) = read_previous(&target)? {
        adopt(shared, document, &previous).map_err(|e| PublishError::document(&path, &e))?;
    }
    let body = document
        .body(shared)
        .map_err(|e| PublishError::document(&path, &e))?;
    let changed = write_atomically(&target, body.as_bytes())?;
    Ok(PublishedFile {
        document,
        etag: etag(&body),
        cache_control: cache_control(document.max_age_secs(shared)),
        content_type: document.content_type(),
        path,
        file,
        changed,
    })
}

/// The file under the output directory for URL path `path`: its segments, each a plain
/// name (no `..`, `.`, empty segment or backslash), and none the temporary files' prefix.
fn file_of(path: &str) -> Result<PathBuf, PublishError> {
    let refused = || PublishError::Path(path.to_owned());
    let relative = path.strip_prefix('/').ok_or_else(refused)?;
    let mut file = PathBuf::new();
    for segment in relative.split('/') {
        let plain = matches!(
            Path::new(segment)
                .components()
                .collect::<Vec<_>>()
                .as_slice(),
            [Component::Normal(_)]
        );
        if !plain || segment.contains('\\') || segment.starts_with(TEMP_PREFIX) {
            return Err(refused());
        }
        file.push(segment);
    }
    Ok(file)
}

/// The earlier file at `target`, if it is there and is text of a plausible size.
fn read_previous(target: &Path) -> Result<Option<String>, PublishError> {
    let file = match std::fs::File::open(target) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(PublishError::io(target)(err)),
    };
    let mut bytes = Vec::new();
    file.take(MAX_PREVIOUS_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(PublishError::io(target))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_PREVIOUS_BYTES {
        return Ok(None);
    }
    Ok(String::from_utf8(bytes).ok())
}

/// Writes `bytes` to `target` unless it holds them already: into a temporary file beside it,
/// flushed, made world-readable (a published document), then renamed over it; the directory
/// is flushed too, so the rename survives a crash. Returns whether it wrote.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<bool, PublishError> {
    if std::fs::read(target).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = target
        .parent()
        .ok_or_else(|| PublishError::Path(target.display().to_string()))?;
    std::fs::create_dir_all(dir).map_err(PublishError::io(dir))?;
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(PublishError::io(dir))?;
    let written = temp
        .write_all(bytes)
        .and_then(|()| temp.as_file().sync_all());
    written.map_err(PublishError::io(temp.path()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let readable = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(temp.path(), readable).map_err(PublishError::io(temp.path()))?;
    }
    temp.persist(target).map_err(|e| PublishError::Io {
        path: target.to_path_buf(),
        source: e.error,
    })?;
    sync_dir(dir)?;
    Ok(true)
}

/// Flushes directory `dir` (its entries: a rename just made), where the platform can.
fn sync_dir(dir: &Path) -> Result<(), PublishError> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(PublishError::io(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes [`MANIFEST_FILE`] and [`HEADERS_FILE`] for `publication`.
fn write_manifests(shared: &Shared, publication: &Publication) -> Result<(), PublishError> {
    let manifest = Manifest {
        base_url: shared.endpoints.issuer_id.as_str(),
        files: publication
            .files
            .iter()
            .map(|f| ManifestEntry {
                path: &f.path,
                file: f.file.to_string_lossy().replace('\\', "/"),
                headers: f.headers(),
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&manifest).map_err(PublishError::Manifest)?;
    json.push('\n');
    let out = &publication.out;
    write_atomically(&out.join(MANIFEST_FILE), json.as_bytes())?;
    write_atomically(
        &out.join(HEADERS_FILE),
        headers_file(publication).as_bytes(),
    )?;
    Ok(())
}

/// The `_headers` text: a block per path, its headers indented beneath it.
fn headers_file(publication: &Publication) -> String {
    let mut text =
        String::from("# written by `myna issuer publish`: the headers the issuer's routes send\n");
    for file in &publication.files {
        text.push_str(&file.path);
        text.push('\n');
        for (name, value) in file.headers() {
            text.push_str(&format!("  {name}: {value}\n"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_path_becomes_plain_segments_under_the_directory() {
        assert_eq!(
            file_of("/.well-known/did.json").ok(),
            Some(Path::new(".well-known").join("did.json"))
        );
        assert_eq!(
            file_of("/status/1").ok(),
            Some(Path::new("status").join("1"))
        );
        for bad in [
            "status/1",
            "/",
            "/status//1",
            "/status/../../etc",
            "/./x",
            "/a\\b",
            "/.myna-publish-x",
        ] {
            assert!(matches!(file_of(bad), Err(PublishError::Path(_))), "{bad}");
        }
    }

    #[test]
    fn an_unchanged_file_is_not_rewritten_and_a_changed_one_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("status").join("1");
        assert!(matches!(write_atomically(&target, b"one"), Ok(true)));
        assert!(matches!(write_atomically(&target, b"one"), Ok(false)));
        assert!(matches!(write_atomically(&target, b"two"), Ok(true)));
        assert_eq!(std::fs::read(&target).ok().as_deref(), Some(&b"two"[..]));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("status"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["1"]);
    }
}
