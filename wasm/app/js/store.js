// The wallet's records in IndexedDB: one object store of `{ table, key, value }` keyed by
// `[table, key]`. The values are what the Rust wallet wrote (already encrypted); this module
// only copies them. It deletes a record only when the wallet says it removed it.
const DB = "myna-wallet";
const STORE = "records";
/** Records set aside by a restore over an existing wallet: kept, never read by the wallet. */
const ARCHIVE = "archive:";

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

let opened;
function db() {
  opened ??= new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: ["table", "key"] });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(storageError(r.error));
  });
  return opened;
}

function storageError(cause) {
  const error = new Error(`IndexedDB: ${cause?.message ?? cause}`);
  error.code = "storage_failed";
  return error;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(storageError(tx.error));
    tx.onabort = () => reject(storageError(tx.error ?? "aborted"));
  });
}

/** Every record the wallet owns (archived ones left out), for `Wallet.open`. */
export async function readAll() {
  const tx = (await db()).transaction(STORE, "readonly");
  const all = await request(tx.objectStore(STORE).getAll());
  return all
    .filter((r) => !r.table.startsWith(ARCHIVE))
    .map((r) => ({ table: r.table, key: r.key, value: new Uint8Array(r.value) }));
}

export async function isEmpty() {
  return (await readAll()).length === 0;
}

/** Writes `wallet.takeChanges()` in one transaction: a value is put, `null` removes. */
export async function apply(changes) {
  if (!changes.length) return;
  const tx = (await db()).transaction(STORE, "readwrite");
  const store = tx.objectStore(STORE);
  for (const { table, key, value } of changes) {
    if (value === null || value === undefined) store.delete([table, key]);
    else store.put({ table, key, value: new Uint8Array(value) });
  }
  await done(tx);
}

/** Replaces the wallet's records with a restored wallet's `changes`, in one transaction; the
 * records there were are kept under an archive table name (nothing is lost). */
export async function replaceWith(changes, stamp) {
  const tx = (await db()).transaction(STORE, "readwrite");
  const store = tx.objectStore(STORE);
  const current = await request(store.getAll());
  for (const r of current) {
    if (r.table.startsWith(ARCHIVE)) continue;
    store.put({ table: `${ARCHIVE}${stamp}:${r.table}`, key: r.key, value: r.value });
    store.delete([r.table, r.key]);
  }
  for (const { table, key, value } of changes) {
    if (value !== null && value !== undefined) store.put({ table, key, value: new Uint8Array(value) });
  }
  await done(tx);
}
