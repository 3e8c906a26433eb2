// The counter's service worker: the page, its scripts, the verifier (.wasm, one folder up in the
// npm package) and the QR decoder (zxing-wasm) cache-first from a cache named by the build's
// version, so the counter opens offline; config.json network-first (the deployment may change
// its trust list) with the cached copy offline. Status lists and the services (verify serve, the
// HQ) go to the network: the page keeps the status lists in IndexedDB itself, with their times.
const VERSION = "__VERSION__";
const CACHE = `myna-counter-${VERSION}`;
const SHELL = [
  "./", "index.html", "base.css", "counter.css", "manifest.webmanifest", "icons/icon.svg", "i18n/messages.js",
  "i18n/zh-Hans.js", "i18n/ko.js", "i18n/vi.js", "i18n/pt-BR.js",
  "js/counter.js", "js/state.js", "js/screens.js", "js/http.js", "js/settings.js", "js/trust_data.js",
  "js/freshness.js", "js/challenge.js", "js/decision.js", "js/billing.js", "js/roster.js", "js/wedge.js", "js/timing.js",
  "js/policies.js", "js/store.js", "js/ui.js", "js/qr.js", "js/scan.js", "js/scan-worker.js",
  "vendor/zxing-reader.js", "vendor/zxing_reader.wasm",
  "../myna_wasm.js", "../myna_wasm_bg.wasm",
];
const SHELL_URLS = new Set(SHELL.map((path) => new URL(path, self.location.href).href));
const CONFIG = new URL("config.json", self.location.href).href;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...SHELL, "config.json"]))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("myna-counter-") && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const url = new URL(event.request.url);
  url.search = "";
  url.hash = "";
  if (url.href === CONFIG) {
    event.respondWith(fetch(event.request).then((response) => {
      const copy = response.clone();
      if (response.ok) caches.open(CACHE).then((cache) => cache.put(CONFIG, copy));
      return response;
    }).catch(() => caches.match(CONFIG).then((hit) => hit ?? Response.error())));
    return;
  }
  if (SHELL_URLS.has(url.href)) {
    event.respondWith(caches.match(url.href).then((hit) => hit ?? fetch(event.request)));
  }
});
