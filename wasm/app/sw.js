// The service worker: the app shell (pages, scripts, the wallet .wasm, jsQR) cache-first from
// a cache named by the build's version, so the app opens offline; config.json network-first
// (the host may change it) with the cached copy offline; everything else (issuers, verifiers,
// status lists) straight to the network.
const VERSION = "__VERSION__";
const CACHE = `myna-wallet-${VERSION}`;
const SHELL = [
  "./", "index.html", "base.css", "app.css", "manifest.webmanifest", "icons/icon.svg", "i18n/messages.js",
  "i18n/zh-Hans.js", "i18n/ko.js", "i18n/vi.js", "i18n/pt-BR.js",
  "js/app.js", "js/ui.js", "js/store.js", "js/net.js", "js/scan.js", "js/scan-worker.js", "js/scanner.js",
  "js/qr.js", "js/receive.js", "js/status.js", "js/trust.js",
  "js/screens/receive.js", "js/screens/present.js", "js/screens/consents.js", "js/screens/history.js",
  "js/screens/backup.js", "js/screens/settings.js",
  "wallet/myna_wasm.js", "wallet/myna_wasm_bg.wasm", "vendor/jsQR.js",
];

self.addEventListener("install", (event) => {
  // config.json too (network-first later): opened offline before any later visit refreshed
  // it, the app still has its trust settings, so a status check queued offline can run.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...SHELL, "config.json"]))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("myna-wallet-") && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  const scope = new URL(self.registration.scope);
  const path = url.pathname.startsWith(scope.pathname) ? url.pathname.slice(scope.pathname.length) : null;
  if (path === "config.json") {
    event.respondWith(fetch(event.request).then((response) => {
      const copy = response.clone();
      if (response.ok) caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      return response;
    }).catch(() => caches.match(event.request).then((hit) => hit ?? Response.error())));
    return;
  }
  if (path !== null && (SHELL.includes(path) || path === "")) {
    event.respondWith(caches.match(event.request, { ignoreSearch: true }).then((hit) => hit ?? fetch(event.request)));
  }
});
