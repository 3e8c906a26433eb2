// HTTP for the wallet: fetch with a timeout and typed errors. The deployment's development
// mapping (config.json `development.loopbackHttp`) rewrites requests to a named https origin
// to a plain-HTTP loopback address, and to nothing else; while it is set the app shows a
// permanent banner. Work that needs the network while offline waits for `online`.
const TIMEOUT_MS = 20000;
let mapping = new Map();
const queued = new Map();

function failure(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Sets the development mapping; refuses (throws `dev_mapping_refused`) any target that is
 * not `http://` on a loopback host. Returns whether a mapping is in force. */
export function configure(development) {
  const entries = Object.entries(development?.loopbackHttp ?? {});
  const checked = new Map();
  for (const [from, to] of entries) {
    const source = new URL(from);
    const target = new URL(to);
    if (source.protocol !== "https:" || target.protocol !== "http:" || !LOOPBACK.has(target.hostname)) {
      throw failure("dev_mapping_refused", `development mapping ${from} → ${to} is not https → loopback http`);
    }
    checked.set(source.origin, target.origin);
  }
  mapping = checked;
  return mapping.size > 0;
}

export const developmentMapping = () => [...mapping];

/** The URL actually requested: mapped when its origin is in the development mapping;
 * anything else must be https (or this app's own origin). */
export function resolve(url) {
  const parsed = new URL(url, location.href);
  const target = mapping.get(parsed.origin);
  if (target) return target + parsed.pathname + parsed.search;
  if (parsed.protocol !== "https:" && parsed.origin !== location.origin) {
    throw failure("insecure_url", `refused to contact ${parsed.origin}: not https`);
  }
  return parsed.href;
}

/** `fetch` with a timeout; resolves to `{ status, text }` whatever the status. */
export async function send(url, { method = "GET", body, contentType, headers = {} } = {}) {
  if (!navigator.onLine) throw failure("offline", "offline");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const all = { ...headers };
  if (contentType) all["content-type"] = contentType;
  try {
    const response = await fetch(resolve(url), {
      method, body, headers: all, signal: controller.signal, credentials: "omit", cache: "no-store",
      redirect: "error", referrerPolicy: "no-referrer",
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (error.code) throw error;
    if (error.name === "AbortError") throw failure("timeout", `no answer from ${new URL(url).origin}`);
    throw failure("network", `cannot reach ${new URL(url, location.href).origin}`);
  } finally {
    clearTimeout(timer);
  }
}

/** `send`, then the body text of a 2xx answer (else code `http_error`). */
export async function getText(url, options) {
  const { status, text } = await send(url, options);
  if (status < 200 || status > 299) throw failure("http_error", `${url}: HTTP ${status}`);
  return text;
}

/** Runs `task` now when online, else once the connection returns; one pending run per name. */
export function whenOnline(name, task) {
  if (navigator.onLine) return task();
  queued.set(name, task);
  return undefined;
}

export const hasQueued = () => queued.size > 0;

addEventListener("online", () => {
  const tasks = [...queued.values()];
  queued.clear();
  for (const task of tasks) Promise.resolve().then(task).catch(() => {});
});
