// The resident's wallet app: loads the wallet (.wasm) and the deployment's config.json, opens
// the wallet from IndexedDB with the resident's passphrase, and routes between the screens.
// Screens other than start, unlock and cards load their module when first shown.
import init, { Wallet } from "../wallet/myna_wasm.js";
import * as store from "./store.js";
import { configure, hasQueued } from "./net.js";
import {
  translate, setSecondLanguage, fill, el, pair, showMessage, showNotice, clearMessage, showError, busy, inJst, claimText, line,
  words,
} from "./ui.js";
import { messages } from "../i18n/messages.js";

const $ = (id) => document.getElementById(id);
const SETTINGS = "myna-wallet-settings";

let wallet = null;
let config = { trust: null, issuers: {}, lockAfterSeconds: 300 };
let current = null;
let lastActive = Date.now();
let hiddenAt = null;
const pinnedNow = new URLSearchParams(location.search).get("now");

export const settings = Object.assign({ secondLanguage: "en", lockAfterSeconds: null },
  JSON.parse(localStorage.getItem(SETTINGS) ?? "{}"));
export function saveSettings() {
  localStorage.setItem(SETTINGS, JSON.stringify(settings));
}

const lockAfter = () => settings.lockAfterSeconds ?? config.lockAfterSeconds ?? 300;

/** Shared with the screen modules. */
export const ctx = {
  get config() { return config; },
  wallet: () => wallet,
  // A pinned clock (`?now=`) only in a development deployment: tests and demos.
  now: () => (pinnedNow !== null && config.development ? Number(pinnedNow) : Math.floor(Date.now() / 1000)),
  save: async () => { if (wallet) await store.apply(wallet.takeChanges()); },
  show,
  setWallet,
  lock,
  // After a status check (also one queued offline that ran once the connection returned).
  refresh: () => {
    $("status-queued").hidden = !hasQueued();
    if (current === "cards") renderCards();
  },
  issuerName(id, ja, en) {
    const known = config.issuers?.[id] ?? {};
    return pair(ja ?? known.nameJa ?? id, en ?? known.nameEn);
  },
};

// Which module draws which screen (null: this one).
const MODULES = {
  receive: "./screens/receive.js", "offer-preview": "./screens/receive.js",
  present: "./screens/present.js", "present-preview": "./screens/present.js",
  "present-qr": "./screens/present.js", "remote-preview": "./screens/present.js",
  consents: "./screens/consents.js", history: "./screens/history.js",
  backup: "./screens/backup.js", settings: "./screens/settings.js",
};
const loaded = new Map();
async function screenModule(name) {
  const path = MODULES[name];
  if (!path) return null;
  if (!loaded.has(path)) {
    const module = await import(path);
    module.setup?.(ctx);
    loaded.set(path, module);
  }
  return loaded.get(path);
}

/** Shows screen `name` (`#screen-<name>`), after its module prepared it with `arg`. */
let shown = 0;
export async function show(name, arg) {
  const turn = ++shown;
  if (!["start", "unlock"].includes(name) && !wallet) name = (await store.isEmpty()) ? "start" : "unlock";
  for (const module of loaded.values()) module.leave?.(name);
  try {
    const module = await screenModule(name);
    if (name === "cards") renderCards();
    await module?.enter?.(ctx, name, arg);
  } catch (error) {
    showError(error);
  }
  // Preparing this screen moved on to another one (a scanned text routed elsewhere).
  if (turn !== shown) return;
  for (const main of document.querySelectorAll("main")) main.hidden = main.id !== `screen-${name}`;
  current = name;
  document.body.dataset.screen = name;
  $("nav").hidden = !wallet;
  for (const button of document.querySelectorAll("#nav [data-go]")) {
    if (button.dataset.go === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  $(`screen-${name}`).querySelector("h1")?.focus({ preventScroll: false });
}

function setWallet(next) {
  wallet?.free();
  wallet = next;
  lastActive = Date.now();
}

function lock(reason) {
  if (!wallet) return;
  setWallet(null);
  for (const id of ["cards-list", "unreadable-list", "offer-cards", "present-disclosed", "present-qr",
    "remote-disclosed", "consents-list", "history-list"]) $(id).replaceChildren();
  $("present-compact").value = "";
  show("unlock").then(() => { if (reason) showMessage(reason); });
}

// ---- start: create or restore

function strengthOf(passphrase) {
  if (!passphrase) return 0;
  const pools = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(passphrase)).length;
  const bits = passphrase.length * Math.log2(Math.max(10, pools * 20));
  const score = bits < 40 ? 0 : bits < 55 ? 1 : bits < 70 ? 2 : bits < 90 ? 3 : 4;
  return passphrase.length < 12 ? Math.min(score, 1) : score;
}

function showStrength() {
  const score = strengthOf($("create-passphrase").value);
  $("strength").value = score;
  fill($("strength-text"), `strength_${score}`);
}

/** A link the app was opened with — `#offer=<openid-credential-offer://…>` (a fragment never
 * reaches the host's logs; `?offer=` works too), or `request=`/`link=` for a verifier's
 * request — taken once from the address and handed to the receive screen after unlocking,
 * which routes it by what it is, as if it had been scanned. */
function openedLink() {
  for (const params of [new URLSearchParams(location.hash.slice(1)), new URLSearchParams(location.search)]) {
    for (const name of ["offer", "request", "link"]) {
      const value = params.get(name);
      if (value) return value.trim();
    }
  }
  return null;
}
let pendingLink = null;

async function followLink() {
  const link = pendingLink;
  pendingLink = null;
  if (!link) return;
  // Out of the address, so a reload does not redeem it again.
  const url = new URL(location.href);
  for (const name of ["offer", "request", "link"]) url.searchParams.delete(name);
  url.hash = "";
  history.replaceState(null, "", url);
  await show("receive");
  $("receive-link").value = link;
  $("receive-paste-form").requestSubmit();
}

async function opened(next) {
  setWallet(next);
  await ctx.save();
  await show("cards");
  await followLink();
  if (navigator.onLine && config.trust) {
    import("./status.js").then(({ checkStatus }) => checkStatus(ctx)).catch(() => {});
  }
}

async function create(event) {
  event.preventDefault();
  clearMessage();
  const passphrase = $("create-passphrase").value;
  if (passphrase !== $("create-passphrase-again").value) return showMessage("passphrase_mismatch");
  if (strengthOf(passphrase) < 2) return showMessage("passphrase_weak");
  await busy(async () => {
    const next = Wallet.create(passphrase, ctx.now());
    $("create-form").reset();
    await opened(next);
  });
}

export async function readBackup(fileInput) {
  const file = fileInput.files[0];
  if (!file) throw Object.assign(new Error("no file chosen"), { code: "backup_damaged" });
  return new Uint8Array(await file.arrayBuffer());
}

async function restore(event) {
  event.preventDefault();
  clearMessage();
  await busy(async () => {
    const bytes = await readBackup($("restore-file"));
    const next = Wallet.importBackup(bytes, $("restore-backup-passphrase").value, $("restore-passphrase").value, ctx.now());
    $("restore-form").reset();
    await opened(next);
  });
}

async function unlock(event) {
  event.preventDefault();
  clearMessage();
  const passphrase = $("unlock-passphrase").value;
  await busy(async () => {
    const records = await store.readAll();
    // User Timing (wasm/bench/app_present.mjs): opening is the Argon2id KDF plus the records.
    performance.mark("myna:unlock:start");
    let next;
    try {
      next = Wallet.open(records, passphrase);
      performance.measure("myna:unlock", "myna:unlock:start");
    } finally {
      performance.clearMarks("myna:unlock:start");
    }
    $("unlock-passphrase").value = "";
    await opened(next);
  });
}

// ---- cards

/** Definition-list rows: [labelKey or nodes, value]. */
export function facts(rows) {
  const dl = el("dl");
  for (const [label, value] of rows) {
    dl.append(typeof label === "string" ? el("dt", { t: label }) : el("dt", {}, ...label), el("dd", {}, ...[value].flat()));
  }
  return dl;
}

/** A card for a held credential or an offered one (`preview`). */
export function cardElement(card, { preview = false } = {}) {
  const state = card.status?.state ?? "unknown";
  const item = el("li", { class: "card", dataset: { batch: card.batch ?? "", kind: card.kind, state, vct: card.vct } });
  const kindWords = line(`kind_${card.kind in KINDS ? card.kind : "other"}`);
  item.append(el("h2", {},
    el("span", { class: "kind", "aria-hidden": "true", title: kindWords }, KINDS[card.kind] ?? KINDS.other),
    el("span", {}, ...pair(card.titleJa, card.titleEn))));
  const rows = [["issuer", ctx.issuerName(card.issuer, card.issuerNameJa, card.issuerNameEn)]];
  for (const [name, value] of Object.entries(card.claims ?? {})) {
    const label = card.claimLabels?.[name];
    rows.push([label ? pair(label.ja, label.en) : [name], claimText(value)]);
  }
  if (card.issuedAt) rows.push(["issued_at", inJst(card.issuedAt)]);
  rows.push(["expires_at", card.expiresAt ? inJst(card.expiresAt) : el("span", { t: "no_expiry" })]);
  if (preview) {
    rows.push(["count", String(card.count)]);
  } else {
    rows.push(["copies_left", `${card.copiesLeft} / ${card.copiesTotal}`]);
    rows.push(["status", el("span", { class: `state-${state}`, t: `state_${state}` })]);
    rows.push(["last_checked", card.status?.checkedAt ? inJst(card.status.checkedAt) : el("span", { t: "never_checked" })]);
  }
  item.append(facts(rows));
  return item;
}

const KINDS = { resident: "住", age: "齢", child_medical_subsidy: "医", fan_club: "会", shelter: "避", pseudonym: "匿", anchor: "鍵", other: "証" };

function renderCards() {
  if (!wallet) return;
  const held = wallet.held(ctx.now());
  $("cards-list").replaceChildren(...held.cards.map((card) => cardElement(card)));
  $("cards-empty").hidden = held.cards.length > 0;
  $("unreadable").hidden = held.unreadable.length === 0;
  // The code's words (ja/en) when the catalogue has them; the record and the wallet's detail.
  $("unreadable-list").replaceChildren(...held.unreadable.map((r) =>
    el("li", { dataset: { table: r.table, key: r.key, code: r.code } },
      ...(r.code in messages ? words(r.code).map(([lang, text]) => el("span", { lang }, text)) : []),
      el("span", { lang: "en", class: "detail" }, `${r.table} / ${r.key}: ${r.code} — ${r.message}`))));
}

async function refreshStatus() {
  clearMessage();
  await busy(async () => {
    const { checkStatus, statusQueued } = await import("./status.js");
    const report = await checkStatus(ctx);
    $("status-queued").hidden = !statusQueued();
    if (report === undefined) return;
    renderCards();
    if (report.failed.length) showMessage(report.failed[0].code ?? "network");
    else showNotice("status_done");
  });
}

// ---- activity, locking

function activity() {
  lastActive = Date.now();
}

function watchLock() {
  for (const type of ["pointerdown", "keydown", "touchstart"]) addEventListener(type, activity, { passive: true });
  setInterval(() => {
    if (wallet && Date.now() - lastActive > lockAfter() * 1000) lock("locked");
  }, 5000);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) hiddenAt = Date.now();
    else if (wallet && hiddenAt !== null && Date.now() - hiddenAt > lockAfter() * 1000) lock("locked");
    if (!document.hidden) hiddenAt = null;
  });
}

// ---- start-up

async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-cache" });
    if (response.ok) config = { ...config, ...(await response.json()) };
  } catch {
    // No config reachable (offline, first load): defaults; receiving then says `no_trust`.
  }
}

async function main() {
  translate();
  // The picked second language (its module loads now; English is already here).
  await setSecondLanguage(settings.secondLanguage);
  await loadConfig();
  try {
    $("dev-banner").hidden = !configure(config.development);
  } catch (error) {
    $("dev-banner").hidden = false;
    showError(error);
  }
  try {
    await init({ module_or_path: new URL("../wallet/myna_wasm_bg.wasm", import.meta.url) });
  } catch (error) {
    showMessage("wasm_failed", String(error));
    return;
  }
  $("create-form").addEventListener("submit", create);
  $("create-passphrase").addEventListener("input", showStrength);
  $("restore-form").addEventListener("submit", restore);
  $("unlock-form").addEventListener("submit", unlock);
  $("status-refresh").addEventListener("click", refreshStatus);
  $("nav-lock").addEventListener("click", () => lock());
  for (const button of document.querySelectorAll("#nav [data-go]")) {
    button.addEventListener("click", () => { clearMessage(); show(button.dataset.go); });
  }
  pendingLink = openedLink();
  showStrength();
  watchLock();
  $("loading").hidden = true;
  await show((await store.isEmpty()) ? "start" : "unlock");
  if ("serviceWorker" in navigator && !config.development?.noServiceWorker) {
    navigator.serviceWorker.register("sw.js").catch(() => {});
  }
  document.body.dataset.ready = "true";
}

main().catch((error) => showError(error));
