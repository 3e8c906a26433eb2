// What the counter keeps in IndexedDB, so it works offline: the last configuration (trust
// list, authority key) and each status list, each with the time it was fetched, and the shelter
// roster entries waiting to reach the HQ (keyed by their stable `entry_id`, so queueing the
// same check-in twice keeps one).
const DB = "myna-counter";
const VERSION = 1;

let opened;
function db() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, VERSION);
    request.onupgradeneeded = () => {
      const d = request.result;
      d.createObjectStore("meta");
      d.createObjectStore("status", { keyPath: "key" });
      d.createObjectStore("roster", { keyPath: "entry_id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError(request.error));
  });
  return opened;
}

function storageError(cause) {
  return Object.assign(new Error(`storage: ${cause?.message ?? cause}`), { code: "storage_failed" });
}

async function run(store, mode, work) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(store, mode);
    const result = work(tx.objectStore(store));
    tx.oncomplete = () => resolve(result?.result);
    tx.onerror = () => reject(storageError(tx.error));
    tx.onabort = () => reject(storageError(tx.error));
  });
}

/** The configuration last loaded, `{ config, fetchedAt }`, or undefined. */
export const cachedConfig = () => run("meta", "readonly", (s) => s.get("config"));
export const saveConfig = (config, fetchedAt) => run("meta", "readwrite", (s) => s.put({ config, fetchedAt }, "config"));

/** Every cached status list: `[{ key, issuer, uri, token, fetchedAt }]`. */
export const statusLists = () => run("status", "readonly", (s) => s.getAll());
export const saveStatusList = ({ issuer, uri, token, fetchedAt }) =>
  run("status", "readwrite", (s) => s.put({ key: `${issuer} ${uri}`, issuer, uri, token, fetchedAt }));

/** Roster entries waiting for the HQ. */
export const pendingRoster = () => run("roster", "readonly", (s) => s.getAll());
export const queueRoster = (entry) => run("roster", "readwrite", (s) => s.put(entry));
export const dropRoster = (ids) => run("roster", "readwrite", (s) => { for (const id of ids) s.delete(id); });
