//! The service's own rows in the store's `service_state` table, one key prefix per concept,
//! and the sealing of rows that only a bearer secret may read.
//!
//! Pre-authorized codes and access tokens stand for facts about a person (a name, an
//! address, a subsidy grant) between the moment they are offered and the moment the
//! credential is signed. Those rows are stored under `SHA-256(domain ‖ secret)` and sealed
//! with ChaCha20-Poly1305 under a second hash of the secret: the store alone — a backup, a
//! stolen disk — reveals nothing of them, and only the wallet holding the code or token can
//! have them opened. They are deleted when used or, after expiry, by pruning.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use myna_vc_core::crypto::fill_random;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::tables::{ReadTables, Table, WriteTables};

/// A key namespace in the service table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    not(feature = "service"),
    expect(
        dead_code,
        reason = "consents, batches, openings and CRLs are the service's rows"
    )
)]
pub(crate) enum Namespace {
    /// Sealed offers by hashed pre-authorized code.
    Offer,
    /// Sealed token grants by hashed access token.
    Token,
    /// Consent rows by consent id.
    Consent,
    /// A holder's consents, for its quota: subject handle ‖ consent id → empty.
    ConsentHolder,
    /// How many consents a holder has ever registered (big-endian u64) by subject handle:
    /// withdrawn entries stay in the status list for good, so a loop of register → withdraw
    /// must end somewhere.
    ConsentCount,
    /// Batch progress by input file hash ‖ row id.
    Batch,
    /// Escrow openings by opening id.
    Opening,
    /// Imported CRLs by certificate type.
    Crl,
    /// The anchored person's subject handle by the anchored holder key's thumbprint.
    AnchoredKey,
    /// The subject handle a holder key was first bound to in an issued credential, by the
    /// key's thumbprint: a key belongs to one person at this issuer.
    BoundKey,
}

impl Namespace {
    const fn prefix(self) -> &'static [u8] {
        match self {
            Namespace::Offer => b"offer/",
            Namespace::Token => b"token/",
            Namespace::Consent => b"consent/",
            Namespace::ConsentHolder => b"consent-holder/",
            Namespace::ConsentCount => b"consent-count/",
            Namespace::Batch => b"batch/",
            Namespace::Opening => b"opening/",
            Namespace::Crl => b"crl/",
            Namespace::AnchoredKey => b"anchored-key/",
            Namespace::BoundKey => b"bound-key/",
        }
    }

    pub(crate) fn key(self, id: &[u8]) -> Vec<u8> {
        let mut key = self.prefix().to_vec();
        key.extend_from_slice(id);
        key
    }
}

pub(crate) fn get(tx: &dyn ReadTables, ns: Namespace, id: &[u8]) -> Result<Option<Vec<u8>>> {
    tx.get(Table::Service, &ns.key(id))
}

pub(crate) fn put(tx: &mut dyn WriteTables, ns: Namespace, id: &[u8], value: &[u8]) -> Result<()> {
    tx.put(Table::Service, &ns.key(id), value)
}

pub(crate) fn remove(tx: &mut dyn WriteTables, ns: Namespace, id: &[u8]) -> Result<()> {
    tx.remove(Table::Service, &ns.key(id))
}

/// Every `(id, value)` in namespace `ns`.
pub(crate) fn scan(tx: &dyn ReadTables, ns: Namespace) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let prefix = ns.prefix();
    let mut out = Vec::new();
    tx.scan(Table::Service, prefix, &mut |key, value| {
        let Some(id) = key.strip_prefix(prefix) else {
            return Ok(false);
        };
        out.push((id.to_vec(), value.to_vec()));
        Ok(true)
    })?;
    Ok(out)
}

/// Every `(id, value)` in namespace `ns` whose id starts with `start`.
#[cfg_attr(
    not(feature = "service"),
    expect(dead_code, reason = "the consent registry's quota is the service's")
)]
pub(crate) fn scan_prefix(
    tx: &dyn ReadTables,
    ns: Namespace,
    start: &[u8],
) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let prefix = ns.key(start);
    let mut out = Vec::new();
    tx.scan(Table::Service, &prefix, &mut |key, value| {
        if !key.starts_with(&prefix) {
            return Ok(false);
        }
        let id = key.get(ns.prefix().len()..).unwrap_or_default();
        out.push((id.to_vec(), value.to_vec()));
        Ok(true)
    })?;
    Ok(out)
}

/// The row id of a bearer secret.
pub(crate) fn secret_id(ns: Namespace, secret: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"myna-service-row-id\0");
    hash.update(ns.prefix());
    hash.update(secret.as_bytes());
    hash.finalize().into()
}

fn secret_cipher(ns: Namespace, secret: &str) -> ChaCha20Poly1305 {
    let mut hash = Sha256::new();
    hash.update(b"myna-service-row-key\0");
    hash.update(ns.prefix());
    hash.update(secret.as_bytes());
    let key = Zeroizing::new(<[u8; 32]>::from(hash.finalize()));
    ChaCha20Poly1305::new(&Key::from(*key))
}

/// Seals `plain` so that only `secret` opens it: nonce (12 bytes) ‖ ciphertext.
pub(crate) fn seal(ns: Namespace, secret: &str, plain: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; 12];
    fill_random(&mut nonce)?;
    let aad = secret_id(ns, secret);
    let ciphertext = secret_cipher(ns, secret)
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: plain,
                aad: &aad,
            },
        )
        .map_err(|_| Error::Storage(crate::error::StorageError::Seal))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Opens what [`seal`] sealed with the same secret.
pub(crate) fn open(ns: Namespace, secret: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let (nonce, ciphertext) = sealed
        .split_first_chunk::<12>()
        .ok_or_else(|| Error::corrupt("service row", "shorter than its nonce"))?;
    let aad = secret_id(ns, secret);
    secret_cipher(ns, secret)
        .decrypt(
            &Nonce::from(*nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| Error::corrupt("service row", "does not open with its secret"))
}

/// A fresh 256-bit bearer secret, base64url.
pub(crate) fn new_secret() -> Result<String> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    fill_random(bytes.as_mut())?;
    Ok(myna_vc_core::b64::encode(bytes.as_ref()))
}
