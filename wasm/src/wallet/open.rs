//! Creating a wallet, opening it from the records the page kept, and handing the page every
//! write to keep.

use js_sys::{Array, Object, Reflect, Uint8Array};
use myna_wallet::sealed::KdfParams;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::store::{JournalStore, RecordChange};
use super::{wallet_error, Wallet};
use crate::js_error::{unix_time, Failure};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** One record of the wallet as the page stores it (IndexedDB). */
export interface StoredRecord { table: string; key: string; value: Uint8Array }
/** One write to apply to the page's storage; `value: null` removes the record. */
export interface RecordChange { table: string; key: string; value: Uint8Array | null }
"#;

#[wasm_bindgen]
impl Wallet {
    /// A new wallet with a fresh master secret sealed under `passphrase` (Argon2id, 19 MiB,
    /// 2 passes; at least 8 characters, else `weak_passphrase`). Its records are in
    /// [`takeChanges`](Self::take_changes).
    pub fn create(
        passphrase: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<Wallet, JsValue> {
        Self::create_native(passphrase, now_unix).map_err(Failure::into_js)
    }

    /// The wallet in `records` (`StoredRecord[]`, as the page kept them), opened with
    /// `passphrase`: `wrong_passphrase` if it does not open the sealed secret,
    /// `not_initialised` if there is no wallet in them.
    pub fn open(
        #[wasm_bindgen(unchecked_param_type = "StoredRecord[]")] records: JsValue,
        passphrase: &str,
    ) -> Result<Wallet, JsValue> {
        let records = stored_records(&records).map_err(Failure::into_js)?;
        Self::open_native(records, passphrase).map_err(Failure::into_js)
    }

    /// Every store write since the last call (`RecordChange[]`, one per record), to write to
    /// the page's storage in one transaction.
    #[wasm_bindgen(js_name = takeChanges, unchecked_return_type = "RecordChange[]")]
    pub fn take_changes(&self) -> Result<JsValue, JsValue> {
        let changes = self.take_changes_native().map_err(Failure::into_js)?;
        let out = Array::new();
        for change in changes {
            let entry = Object::new();
            let set = |name: &str, value: &JsValue| Reflect::set(&entry, &name.into(), value);
            set("table", &change.table.into())?;
            set("key", &change.key.as_str().into())?;
            let value = match &change.value {
                Some(bytes) => Uint8Array::from(bytes.as_slice()).into(),
                None => JsValue::NULL,
            };
            set("value", &value)?;
            out.push(&entry);
        }
        Ok(out.into())
    }
}

impl Wallet {
    /// [`Wallet::create`] with a Rust error.
    pub fn create_native(passphrase: &str, now_unix: f64) -> Result<Wallet, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let inner =
            myna_wallet::Wallet::create(JournalStore::new(), passphrase, KdfParams::default(), now)
                .map_err(wallet_error)?;
        Ok(Wallet::wrap(inner))
    }

    /// [`Wallet::open`] with `(table, key, value)` triples.
    pub fn open_native(
        records: Vec<(String, String, Vec<u8>)>,
        passphrase: &str,
    ) -> Result<Wallet, Failure> {
        let store = JournalStore::loaded(records).map_err(wallet_error)?;
        let inner = myna_wallet::Wallet::open(store, passphrase).map_err(wallet_error)?;
        Ok(Wallet::wrap(inner))
    }

    /// [`Wallet::take_changes`] as Rust values.
    pub fn take_changes_native(&self) -> Result<Vec<RecordChange>, Failure> {
        self.inner.store().take_changes().map_err(wallet_error)
    }
}

/// `StoredRecord[]` as triples; anything else is `invalid_argument`.
fn stored_records(records: &JsValue) -> Result<Vec<(String, String, Vec<u8>)>, Failure> {
    if !Array::is_array(records) {
        return Err(Failure::Argument(
            "`records` must be an array of { table, key, value }".into(),
        ));
    }
    let mut out = Vec::new();
    for entry in Array::from(records).iter() {
        let field = |name: &str| {
            Reflect::get(&entry, &name.into())
                .map_err(|_| Failure::Argument(format!("a record has no `{name}`")))
        };
        let table = field("table")?.as_string();
        let key = field("key")?.as_string();
        let value = field("value")?.dyn_into::<Uint8Array>().ok();
        match (table, key, value) {
            (Some(table), Some(key), Some(value)) => out.push((table, key, value.to_vec())),
            _ => {
                return Err(Failure::Argument(
                    "a record must be { table: string, key: string, value: Uint8Array }".into(),
                ))
            }
        }
    }
    Ok(out)
}
