//! The encrypted backup: the whole wallet sealed under a backup passphrase
//! (`myna_wallet::Wallet::export`), with a checksum so that a damaged file is not taken for
//! a wrong passphrase (`myna_wallet::backup_file`).

use myna_wallet::backup_file;
use myna_wallet::history::Event;
use myna_wallet::sealed::KdfParams;
use wasm_bindgen::prelude::*;

use super::store::JournalStore;
use super::{wallet_error, Wallet};
use crate::js_error::{unix_time, Failure};

#[wasm_bindgen]
impl Wallet {
    /// The whole wallet as one file sealed under `backupPassphrase` (Argon2id, 19 MiB,
    /// 2 passes). The wallet's own `passphrase` is asked again (`wrong_passphrase`).
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(
        &self,
        passphrase: &str,
        #[wasm_bindgen(js_name = backupPassphrase)] backup_passphrase: &str,
    ) -> Result<Vec<u8>, JsValue> {
        self.export_backup_native(passphrase, backup_passphrase)
            .map_err(Failure::into_js)
    }

    /// The wallet in a backup `file`, its secret sealed here under `passphrase`; every record
    /// of the backup is in [`takeChanges`](Self::take_changes). A truncated or damaged file is
    /// `corrupt`, a wrong `backupPassphrase` `wrong_passphrase`.
    #[wasm_bindgen(js_name = importBackup)]
    pub fn import_backup(
        file: &[u8],
        #[wasm_bindgen(js_name = backupPassphrase)] backup_passphrase: &str,
        passphrase: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<Wallet, JsValue> {
        Self::import_backup_native(file, backup_passphrase, passphrase, now_unix)
            .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::export_backup`] with a Rust error.
    pub fn export_backup_native(
        &self,
        passphrase: &str,
        backup_passphrase: &str,
    ) -> Result<Vec<u8>, Failure> {
        let sealed = self
            .inner
            .export(passphrase, backup_passphrase, KdfParams::default())
            .map_err(wallet_error)?;
        Ok(backup_file::wrap(&sealed))
    }

    /// [`Wallet::import_backup`] with a Rust error.
    pub fn import_backup_native(
        file: &[u8],
        backup_passphrase: &str,
        passphrase: &str,
        now_unix: f64,
    ) -> Result<Wallet, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let sealed = backup_file::unwrap(file).map_err(wallet_error)?;
        let inner = myna_wallet::Wallet::import(
            JournalStore::new(),
            sealed,
            backup_passphrase,
            passphrase,
            KdfParams::default(),
        )
        .map_err(wallet_error)?;
        inner
            .record_event(
                now,
                Event::Note {
                    text: "restored from a backup".into(),
                },
            )
            .map_err(wallet_error)?;
        Ok(Wallet::wrap(inner))
    }
}
