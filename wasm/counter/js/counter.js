// The counter page: a shop till, a gate, a shelter desk or a clinic reception. It shows a
// challenge as a QR code, reads the customer's presentation (camera or keyboard-wedge scanner),
// and fills the screen with the decision. Everything is verified on this page by the verifier
// build of `myna-vc` (../../myna_wasm.js), except a fan-club sale, whose shared ledger lives in
// `myna verify serve` (POST /requests, POST /requests/{id}/compact). Works offline: the service
// worker keeps the page, and IndexedDB keeps the trust list and the status lists (store.js).
import init, { Verifier, qrMatrix } from "../../myna_wasm.js";
import { translate, fill, el, line, words, showMessage, clearMessage, showError, inJst } from "./ui.js";
import { qrSvg, crisp } from "./qr.js";
import { startCamera, stopCamera } from "./scan.js";
import { KINDS, DEFAULT_SETTINGS, kindOf, specOf, maxStalenessOf } from "./policies.js";
import * as store from "./store.js";
import { messages } from "../i18n/messages.js";

const $ = (id) => document.getElementById(id);
const SETTINGS = "myna-counter-settings";
/** Pause before the camera starts again after it read a code this counter already has. */
const RESCAN_PAUSE_MS = 400;
/** Status lists are fetched again this often while the page is open and online. */
const REFRESH_MS = 15 * 60_000;

const now = () => Math.floor(Date.now() / 1000);

let settings = loadSettings();
let config = null; // { audience, authorityJwk, trustList, statusLists, statusListUrls }
let configFetchedAt = null;
let verifier = null; // built for the current policy (its maximum staleness)
let screen = "loading";
let current = null; // the open challenge: { spec, nonce?, requestId?, challenge, needed, collected }
let lastDecided = new Set(); // the texts of the last decision: a re-scan of them is ignored
let cameraWanted = true;
let clearTimer = null;
let objectUrls = [];

function loadSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS) ?? "null");
    return saved ? { ...DEFAULT_SETTINGS, ...saved, maxStaleness: { ...(saved.maxStaleness ?? {}) } } : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- configuration and caches

/** config.json from the network (the service worker serves its cached copy offline), else
 * the copy in IndexedDB. */
async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (response.ok) {
      const fresh = await response.json();
      if (fresh?.trustList && fresh?.authorityJwk && fresh?.audience) {
        config = fresh;
        configFetchedAt = now();
        await store.saveConfig(config, configFetchedAt).catch(() => {});
        for (const list of config.statusLists ?? []) {
          const known = (await store.statusLists()).find((l) => l.issuer === list.issuer && l.uri === list.uri);
          if (!known) await store.saveStatusList({ ...list, fetchedAt: configFetchedAt });
        }
        return;
      }
    }
  } catch {
    // offline: the cached copy below
  }
  const cached = await store.cachedConfig().catch(() => undefined);
  if (cached) {
    config = cached.config;
    configFetchedAt = cached.fetchedAt;
  }
}

/** A verifier for the current settings, with every cached status list. A list that no longer
 * verifies is left out: the decision then says the revocation data is missing (fail closed). */
async function buildVerifier() {
  verifier?.free();
  verifier = null;
  if (!config || !settings) return;
  verifier = Verifier.create(JSON.stringify({
    audience: config.audience,
    authorityJwk: config.authorityJwk,
    trustList: config.trustList,
    maxStatusStalenessSecs: maxStalenessOf(settings),
  }), now());
  for (const list of await store.statusLists().catch(() => [])) {
    try {
      // Stored as of when it was fetched: its freshness runs from then, not from this reload.
      verifier.storeStatusList(list.issuer, list.uri, list.token, list.fetchedAt);
    } catch (error) {
      console.warn(`status list ${list.uri}: ${error.code ?? error.message}`);
    }
  }
}

/** Fetches every status list of `statusListUrls` again; each one that verifies replaces the
 * cached copy. Offline or failing, the cached copies stay. */
async function refreshStatusLists() {
  if (!config || !navigator.onLine) return;
  for (const { issuer, uri, url } of config.statusListUrls ?? []) {
    try {
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) continue;
      const token = (await response.text()).trim();
      verifier?.storeStatusList(issuer, uri, token, now());
      await store.saveStatusList({ issuer, uri, token, fetchedAt: now() });
    } catch (error) {
      console.warn(`refreshing ${uri}: ${error.code ?? error.message}`);
    }
  }
  $("freshness").dataset.refreshedAt = String(now());
  await showFreshness();
}

/** How stale the revocation data is now: the verifier's own account (`freshness`) where the
 * build has it, and the oldest fetch time; `tooStale` when this policy's maximum is exceeded
 * (also when the build cannot tell and the oldest fetch is older than the maximum). */
async function freshnessNow() {
  const lists = await store.statusLists().catch(() => []);
  const at = now();
  const max = settings ? maxStalenessOf(settings) : null;
  const fetched = lists.map((l) => l.fetchedAt).filter(Number.isFinite);
  const oldest = fetched.length ? Math.min(...fetched) : null;
  let staleSecs = null;
  let tooStale = false;
  if (verifier && typeof verifier.freshness === "function") {
    const fresh = verifier.freshness(at);
    const stale = (fresh.statusLists ?? []).map((l) => l.staleSecs ?? 0);
    staleSecs = Math.max(0, fresh.trustList?.staleSecs ?? 0, ...stale);
    tooStale = max !== null && ((fresh.statusLists ?? []).some((l) => l.expired || l.staleSecs > max)
      || (fresh.trustList?.staleSecs ?? 0) > max);
  } else if (oldest !== null && max !== null) {
    tooStale = at - oldest > max;
  }
  return { at, oldest, staleSecs, tooStale };
}

/** The header line: how old the revocation data is, and whether this policy refuses it. */
async function showFreshness() {
  const line = $("freshness");
  const { at, oldest, staleSecs, tooStale } = await freshnessNow();
  line.dataset.staleSecs = staleSecs === null ? "" : String(staleSecs);
  line.dataset.ageSecs = oldest === null ? "" : String(Math.max(0, at - oldest));
  line.dataset.tooStale = String(tooStale);
  const parts = [el("strong", {}, `${line_("freshness")}: `)];
  if (oldest === null) parts.push(line_("fresh_never"));
  else parts.push(`${inJst(oldest)} (${line_("fresh_ago")} ${duration(at - oldest)})`);
  if (staleSecs) parts.push(` — ${line_("fresh_past")} ${duration(staleSecs)}`);
  if (tooStale) parts.push(` — ${line_("fresh_too_stale")}`);
  if (!navigator.onLine) parts.push(` — ${line_("offline_note")}`);
  line.replaceChildren(...parts);
}

const line_ = (key) => line(key);

function duration(secs) {
  if (secs < 3600) return `${Math.floor(secs / 60)} min`;
  if (secs < 86_400 * 2) return `${Math.floor(secs / 3600)} h`;
  return `${Math.floor(secs / 86_400)} d`;
}

// ---------------------------------------------------------------- screens

function show(name) {
  if (screen === "counter" && name !== "counter") stopCamera();
  if (screen === "decision" && name !== "decision") leaveDecision();
  screen = name;
  for (const main of document.querySelectorAll("main")) main.hidden = main.id !== `screen-${name}`;
  $("loading").hidden = true;
  document.body.dataset.screen = name;
  for (const button of document.querySelectorAll("nav button[data-go]")) {
    if (button.dataset.go === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  const heading = document.querySelector(`#screen-${name} h1`);
  if (name !== "counter") heading?.focus();
}

// ---------------------------------------------------------------- settings

function fillSettingsForm() {
  const s = settings ?? DEFAULT_SETTINGS;
  $("set-kind").value = s.kind;
  for (const field of ["municipality", "club", "sale", "shop", "serviceUrl", "registerToken", "shelterId", "hqUrl", "hqToken", "clinicId", "care"]) {
    $(`set-${field}`).value = s[field] ?? "";
  }
  $("set-maxStaleness").value = String(Math.round(maxStalenessOf(s) / 3600));
  $("set-clearAfter").value = String(s.clearAfterSeconds);
  showFields();
}

function showFields() {
  const kind = kindOf($("set-kind").value);
  for (const p of document.querySelectorAll("#settings-form [data-field]")) p.hidden = !kind?.fields.includes(p.dataset.field);
  const hours = Math.round((settings?.maxStaleness?.[kind.kind] ?? kind.staleness) / 3600);
  $("set-maxStaleness").value = String(hours);
}

async function saveSettingsForm(event) {
  event.preventDefault();
  clearMessage();
  for (const input of document.querySelectorAll("#settings-form [aria-invalid]")) input.removeAttribute("aria-invalid");
  const kind = $("set-kind").value;
  const next = { ...(settings ?? DEFAULT_SETTINGS), kind, maxStaleness: { ...(settings?.maxStaleness ?? {}) } };
  for (const field of kindOf(kind).fields) next[field] = $(`set-${field}`).value.trim();
  const hours = Number($("set-maxStaleness").value);
  const clearAfter = Number($("set-clearAfter").value);
  try {
    if (!Number.isInteger(hours) || hours < 0 || hours > 8760) throw Object.assign(new Error("hours"), { code: "invalid_setting", field: "maxStaleness" });
    if (!Number.isInteger(clearAfter) || clearAfter < 2 || clearAfter > 600) throw Object.assign(new Error("secs"), { code: "invalid_setting", field: "clearAfter" });
    next.maxStaleness[kind] = hours * 3600;
    next.clearAfterSeconds = clearAfter;
    specOf(next);
  } catch (error) {
    if (error.code === "invalid_setting") {
      const input = $(`set-${error.field}`);
      input?.setAttribute("aria-invalid", "true");
      showMessage("invalid_setting");
      input?.focus();
      return;
    }
    throw error;
  }
  settings = next;
  localStorage.setItem(SETTINGS, JSON.stringify(settings));
  await openCounter();
}

// ---------------------------------------------------------------- the counter

async function openCounter() {
  if (!settings) return openSettings();
  if (!config) {
    show("counter");
    showMessage("no_config");
    return;
  }
  try {
    await buildVerifier();
  } catch (error) {
    show("counter");
    showError(error);
    return;
  }
  show("counter");
  await showFreshness();
  await newChallenge();
}

function openSettings() {
  fillSettingsForm();
  show("settings");
}

/** A fresh challenge for the current policy, shown as a QR code; the camera starts. */
async function newChallenge() {
  clearMessage();
  stopCamera();
  const spec = specOf(settings);
  const kind = kindOf(settings.kind);
  let next;
  try {
    if (kind.service) {
      const response = await fetch(new URL("requests", withSlash(settings.serviceUrl)), {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(settings.registerToken) },
        body: JSON.stringify({ policy: verifier.request(spec).policy }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.status !== 201) throw Object.assign(new Error(body.error_description ?? `HTTP ${response.status}`), { code: "http_error" });
      next = { spec, requestId: body.request_id, challenge: body.in_person_challenge, needed: body.dcql_query.credentials.length };
    } else {
      const request = verifier.request(spec);
      next = { spec, nonce: request.nonce, challenge: request.challenge, needed: request.dcqlQuery.credentials.length };
    }
  } catch (error) {
    // No stale code stays on screen: a customer must never answer a challenge no one holds.
    current = null;
    $("challenge").replaceChildren();
    $("challenge").dataset.challenge = "";
    progress();
    showError(error.code ? error : Object.assign(error, { code: "network" }));
    return;
  }
  current = { ...next, collected: [] };
  const box = $("challenge");
  box.dataset.challenge = current.challenge;
  const svg = qrSvg(qrMatrix(current.challenge), line("challenge_qr"));
  box.replaceChildren(svg);
  crisp(svg);
  $("counter-policy").replaceChildren(...words(`kind_${settings.kind}`)
    .flatMap(([lang, text], i) => [i > 0 ? " / " : null, el("strong", { lang }, text)]).filter(Boolean),
  " (", el("code", {}, spec), ")");
  progress();
  if (cameraWanted) camera();
}

const withSlash = (url) => (url.endsWith("/") ? url : `${url}/`);
const bearer = (token) => (token ? { authorization: `Bearer ${token}` } : {});

function progress() {
  const p = $("scan-progress");
  p.dataset.scanned = String(current?.collected.length ?? 0);
  p.dataset.needed = String(current?.needed ?? 1);
  p.textContent = current ? `${current.collected.length} / ${current.needed} ${line("scanned_of")}` : "";
}

/** Starts the camera; each code read comes to `scanned`. Without a camera the wedge remains. */
async function camera() {
  if (screen !== "counter" || !current) return;
  $("camera-unavailable").hidden = true;
  try {
    await startCamera($("counter-video"), (text) => scanned(text, "camera"));
    $("camera-start").hidden = true;
    $("camera-stop").hidden = false;
  } catch (error) {
    $("camera-unavailable").hidden = false;
    $("camera-unavailable").dataset.reason = error.message;
    $("camera-start").hidden = false;
    $("camera-stop").hidden = true;
  }
}

/** The camera again, once the code just read was handled. A camera that keeps seeing the same
 * code (the customer has not taken the phone away) reads it again and it is ignored; restarting
 * is also how Chromium's fake camera in the tests shows its next picture. */
function rescan(pause = 0) {
  if (!cameraWanted || screen !== "counter") return;
  setTimeout(() => { if (screen === "counter" && cameraWanted) camera(); }, pause);
}

// User Timing (wasm/bench/counter_decide.mjs reads it): `myna:counter:scanned` marks each text
// handed to the page (camera decoder or wedge); showing a decision marks
// `myna:counter:decision` and measures `myna:counter:scan-to-decision` from the last text
// handed over (for a policy of several credentials, the one that completed the set).
function measureDecision() {
  performance.mark("myna:counter:decision");
  performance.clearMeasures("myna:counter:scan-to-decision"); // only the latest is kept
  try {
    performance.measure("myna:counter:scan-to-decision", "myna:counter:scanned", "myna:counter:decision");
  } catch {
    // No text handed over: nothing to measure; never an error.
  }
  performance.clearMarks("myna:counter:scanned");
  performance.clearMarks("myna:counter:decision");
}

/** One scanned text (camera or wedge). */
async function scanned(raw, via) {
  performance.mark("myna:counter:scanned", { detail: via });
  const text = raw.trim();
  if (screen !== "counter" || !current) return;
  if (!text.startsWith("MV1:")) {
    showMessage("not_a_presentation");
    if (via === "camera") rescan(RESCAN_PAUSE_MS);
    return;
  }
  if (lastDecided.has(text) || current.collected.includes(text)) {
    if (via === "camera") rescan(RESCAN_PAUSE_MS);
    else showMessage("already_scanned");
    return;
  }
  clearMessage();
  current.collected.push(text);
  progress();
  if (current.collected.length < current.needed) {
    if (via === "camera") rescan();
    return;
  }
  await decide();
}

async function decide() {
  const open = current;
  current = null;
  stopCamera();
  lastDecided = new Set(open.collected);
  let decision;
  // This counter's own limit first: data older than the policy allows refuses, offline or not.
  // (A sale is verified by the service, on its own status lists.)
  if (!open.requestId && (await freshnessNow()).tooStale) {
    await showFreshness();
    await showDecision({ accepted: false, policy: open.spec, reason: "status_too_stale",
      message_ja: messages.status_too_stale.ja, message_en: messages.status_too_stale.en, credentials: [] }, open.spec);
    return;
  }
  try {
    if (open.requestId) {
      const response = await fetch(new URL(`requests/${encodeURIComponent(open.requestId)}/compact`, withSlash(settings.serviceUrl)), {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: open.collected.join("\n"),
      });
      decision = await response.json();
      if (!response.ok) throw Object.assign(new Error(decision.error_description ?? `HTTP ${response.status}`), { code: decision.error ?? "http_error" });
    } else {
      decision = verifier.verify(open.spec, open.collected.join("\n"), open.nonce, now());
    }
  } catch (error) {
    showError(error.code ? error : Object.assign(error, { code: "network" }));
    current = { ...open, collected: [] };
    await newChallenge();
    return;
  }
  await showDecision(decision, open.spec);
}

// ---------------------------------------------------------------- the decision

async function showDecision(decision, spec) {
  const main = $("screen-decision");
  main.dataset.accepted = String(decision.accepted);
  main.dataset.reason = decision.accepted ? "" : decision.reason ?? "rejected";
  main.dataset.policy = decision.policy ?? "";
  $("decision-symbol").textContent = decision.accepted ? "✓" : "✗";
  const word = $("decision-word");
  word.dataset.t = decision.accepted ? "accepted" : "rejected";
  fill(word, word.dataset.t);
  const reason = $("decision-reason");
  reason.replaceChildren();
  if (!decision.accepted) {
    reason.append(el("p", { lang: "ja" }, decision.message_ja ?? messages.rejected.ja),
      el("p", { lang: "en" }, decision.message_en ?? messages.rejected.en));
  }
  const claims = $("decision-claims");
  claims.replaceChildren();
  for (const credential of decision.accepted ? decision.credentials ?? [] : []) {
    for (const [name, value] of Object.entries(credential.claims ?? {})) {
      const key = `claim_${name}`;
      const label = key in messages
        ? words(key).flatMap(([lang, text], i) => [i > 0 ? " / " : null, el("span", { lang }, text)]).filter(Boolean)
        : [name];
      claims.append(el("dt", { dataset: { claim: name } }, ...label),
        el("dd", { dataset: { credential: credential.id, claim: name, value: JSON.stringify(value) } }, claimText(value)));
    }
  }
  $("decision-disclosed").hidden = claims.childElementCount === 0;
  $("decision-billing").hidden = true;
  $("decision-roster").hidden = true;
  let keep = false;
  if (decision.accepted && settings.kind === "clinic") keep = billing(decision, spec);
  if (decision.accepted && settings.kind === "shelter") await roster(decision, spec);
  const secs = settings.clearAfterSeconds ?? DEFAULT_SETTINGS.clearAfterSeconds;
  $("decision-countdown").textContent = keep ? "" : `(${secs} s)`;
  $("decision-countdown").parentElement.hidden = keep;
  show("decision");
  measureDecision();
  // A clinic's decision stays until the receptionist moves on: the billing record must be saved.
  if (!keep) clearTimer = setTimeout(nextCustomer, secs * 1000);
}

function claimText(value) {
  if (value === true) return "✓";
  if (value === false) return "✗";
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.map(claimText).join(", ");
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}: ${claimText(v)}`).join(", ");
  return String(value);
}

/** The clinic's billing record as two downloads (JSON, XML). True when there is one. */
function billing(decision, spec) {
  if (typeof verifier?.billingRecord !== "function") return false;
  const record = verifier.billingRecord(decision, spec);
  if (!record) return false;
  const name = `billing-${record.json.visit_date ?? "record"}-${record.json.recipient_number ?? ""}`.replace(/[^A-Za-z0-9_.-]/g, "");
  const json = URL.createObjectURL(new Blob([`${JSON.stringify(record.json, null, 2)}\n`], { type: "application/json" }));
  const xml = URL.createObjectURL(new Blob([record.xml], { type: "application/xml" }));
  objectUrls.push(json, xml);
  Object.assign($("billing-json"), { href: json, download: `${name}.json` });
  Object.assign($("billing-xml"), { href: xml, download: `${name}.xml` });
  $("decision-billing").hidden = false;
  return true;
}

/** A shelter check-in: its roster entry queued for the HQ, and sent at once when online. */
async function roster(decision, spec) {
  if (typeof verifier?.rosterEntry !== "function") return;
  const entry = verifier.rosterEntry(decision, spec);
  if (!entry) return;
  await store.queueRoster(entry);
  $("decision-roster").hidden = false;
  await showPending();
  if (navigator.onLine) syncRoster();
}

function leaveDecision() {
  clearTimeout(clearTimer);
  clearTimer = null;
  for (const url of objectUrls) URL.revokeObjectURL(url);
  objectUrls = [];
}

async function nextCustomer() {
  if (screen !== "decision") return;
  show("counter");
  await showFreshness();
  await newChallenge();
}

// ---------------------------------------------------------------- the shelter roster

async function showPending() {
  const pending = await store.pendingRoster().catch(() => []);
  const shelter = settings?.kind === "shelter";
  $("roster-status").hidden = !shelter && pending.length === 0;
  $("roster-pending").dataset.count = String(pending.length);
  $("roster-pending").textContent = String(pending.length);
  $("roster-sync").disabled = pending.length === 0 || !settings?.hqUrl;
}

let syncing = null;
/** Sends the queued roster entries to the HQ (`POST {hqUrl}/roster`, at most 1000 a time). The
 * HQ stores by `entry_id`, so an entry sent twice (an answer lost on the way) counts once; an
 * entry leaves the queue only after the HQ answered 200. */
function syncRoster() {
  syncing ??= (async () => {
    try {
      if (!settings?.hqUrl) return;
      for (;;) {
        const pending = (await store.pendingRoster()).slice(0, 1000);
        if (!pending.length) break;
        const response = await fetch(new URL("roster", withSlash(settings.hqUrl)), {
          method: "POST",
          headers: { "content-type": "application/json", ...bearer(settings.hqToken) },
          body: JSON.stringify({ entries: pending }),
        });
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw Object.assign(new Error(body.error_description ?? `HTTP ${response.status}`), { code: "http_error" });
        }
        await response.json();
        await store.dropRoster(pending.map((e) => e.entry_id));
      }
    } catch (error) {
      console.warn(`roster sync: ${error.code ?? "network"} ${error.message}`);
    } finally {
      syncing = null;
      await showPending();
    }
  })();
  return syncing;
}

// ---------------------------------------------------------------- keyboard

/** A keyboard-wedge scanner types the whole text and Enter. Into the focused input, or, when
 * text field has focus, anywhere on the counter screen. */
let typed = "";
function onKey(event) {
  if (screen === "decision") {
    if (event.key === "Enter" || event.key === "Escape") {
      event.preventDefault();
      nextCustomer();
    }
    return;
  }
  if (screen !== "counter") return;
  // Keystrokes into a text field are that field's; anywhere else (the page, a button) they are
  // the scanner's — and its Enter then submits the text instead of pressing the button.
  const focused = document.activeElement;
  const free = !focused || !(focused.matches("input, select, textarea") || focused.isContentEditable);
  if (!free || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "Enter") {
    const text = typed;
    typed = "";
    if (text) {
      event.preventDefault();
      scanned(text, "wedge");
    }
  } else if (event.key === "Escape") {
    typed = "";
  } else if (event.key.length === 1 && typed.length < 8192) {
    // Not the key's own action either: a space (base45 has it) would press a focused button.
    event.preventDefault();
    typed += event.key;
  }
}

// ---------------------------------------------------------------- start

async function main() {
  translate();
  for (const option of document.querySelectorAll("option[data-t-line]")) option.textContent = line(option.dataset.tLine);
  try {
    await init({ module_or_path: new URL("../../myna_wasm_bg.wasm", import.meta.url) });
  } catch (error) {
    showMessage("wasm_failed", error.message);
    return;
  }
  await loadConfig();
  $("nav-counter").addEventListener("click", () => openCounter().catch(showError));
  $("nav-settings").addEventListener("click", openSettings);
  $("set-kind").addEventListener("change", showFields);
  $("settings-form").addEventListener("submit", (event) => saveSettingsForm(event).catch(showError));
  $("camera-start").addEventListener("click", () => { cameraWanted = true; camera(); });
  $("camera-stop").addEventListener("click", () => {
    cameraWanted = false;
    stopCamera();
    $("camera-start").hidden = false;
    $("camera-stop").hidden = true;
    $("camera-start").focus();
  });
  $("wedge-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("wedge").value;
    $("wedge").value = "";
    if (text.trim()) scanned(text, "wedge");
  });
  $("new-challenge").addEventListener("click", () => newChallenge());
  $("decision-next").addEventListener("click", () => nextCustomer());
  $("roster-sync").addEventListener("click", () => syncRoster());
  document.addEventListener("keydown", onKey);
  addEventListener("online", async () => {
    await refreshStatusLists();
    await syncRoster();
  });
  addEventListener("offline", () => showFreshness());
  setInterval(() => refreshStatusLists(), REFRESH_MS);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch((error) => console.warn(`service worker: ${error.message}`));
  if (settings) {
    try {
      specOf(settings);
    } catch {
      settings = null;
    }
  }
  if (settings) await openCounter();
  else openSettings();
  await showPending();
  document.body.dataset.ready = "true";
  refreshStatusLists().catch(() => {});
}

main().catch((error) => showError(error));
