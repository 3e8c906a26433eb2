// The shop's checkout page: starts an age check on the server, answers it through the browser's
// Digital Credentials API when there is one, else shows the cross-device QR code and waits for
// the server's decision. The page never decides anything itself: it shows what the server said.
import { MESSAGES } from "./i18n.js";
import { qrSvg, crisp } from "./qr.js";

const POLL_MS = 2000;
const REQUEST_TIMEOUT_MS = 15000;
const $ = (id) => document.getElementById(id);
const SCREENS = ["shop", "dc-api", "qr", "result"];

let lang = localStorage.getItem("shop-lang") === "en" ? "en" : "ja";
/** The check in progress: { id, expiresAt, dcApi, link, qr, controller, timer }. */
let current = null;
let shownDecision = null;
let shownMessage = null;

const t = (key) => MESSAGES[lang][key] ?? MESSAGES.ja[key] ?? key;
const nowSecs = () => Math.floor(Date.now() / 1000);

/** Whether this browser offers the W3C Digital Credentials API. */
function dcApiAvailable() {
  return typeof DigitalCredential !== "undefined" && typeof navigator.credentials?.get === "function";
}

function translate() {
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll("[data-t]")) element.textContent = t(element.dataset.t);
  $("lang").lang = lang === "ja" ? "en" : "ja";
  document.title = `${t("brand")}`;
  $("qr").querySelector("svg")?.setAttribute("aria-label", t("qr_label"));
  if (shownDecision) renderDecision(shownDecision);
  if (shownMessage) message(shownMessage);
}

function show(screen) {
  for (const name of SCREENS) $(`screen-${name}`).hidden = name !== screen;
  document.body.dataset.screen = screen;
  $(`screen-${screen}`).querySelector("h1")?.focus();
}

function message(code) {
  shownMessage = code;
  const box = $("message");
  box.dataset.code = code;
  box.textContent = t(`error_${code}`);
  box.hidden = false;
}

function clearMessage() {
  shownMessage = null;
  $("message").hidden = true;
  $("message").dataset.code = "";
}

/** Ends the check in progress on this page (its DC API call and its polling). */
function stop() {
  if (!current) return;
  current.controller.abort();
  clearTimeout(current.timer);
  current = null;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    cache: "no-store",
  });
  let value = null;
  try {
    value = await response.json();
  } catch {
    value = null;
  }
  return { status: response.status, value };
}

/** A failed step: back to the product, the reason shown. */
function failed(code) {
  stop();
  show("shop");
  message(code);
}

async function start() {
  stop();
  clearMessage();
  shownDecision = null;
  $("check-start").disabled = true;
  let started;
  try {
    started = await api("POST", "/api/checks");
  } catch {
    return failed("network");
  } finally {
    $("check-start").disabled = false;
  }
  if (started.status === 503) return failed("busy");
  if (started.status !== 201 || !started.value?.id) return failed("other");
  current = { ...started.value, controller: new AbortController(), timer: 0 };
  return dcApiAvailable() ? viaDcApi(current) : viaQr(current);
}

/** The same-device path: the browser's wallet picker, then the server decides the answer. */
async function viaDcApi(check) {
  show("dc-api");
  const expiry = setTimeout(() => check.controller.abort(), Math.max(0, check.expiresAt - nowSecs()) * 1000);
  let credential;
  try {
    credential = await navigator.credentials.get({
      mediation: "required",
      digital: { requests: [{ protocol: check.dcApi.protocol, data: check.dcApi.data }] },
      signal: check.controller.signal,
    });
  } catch {
    if (check !== current || check.mode === "qr") return; // the customer chose the QR code, or left
    message("dc_api");
    return;
  } finally {
    clearTimeout(expiry);
  }
  if (check !== current || check.mode === "qr") return;
  if (!credential || typeof credential.protocol !== "string") return failed("dc_api");
  let answer;
  try {
    answer = await api("POST", `/api/checks/${encodeURIComponent(check.id)}/dc-api`, { protocol: credential.protocol, data: credential.data });
  } catch {
    return failed("network");
  }
  if (check !== current) return;
  if (answer.status === 200 && answer.value) return decided(answer.value, "dc_api");
  return failed(answer.status === 404 ? "unknown_check" : "other");
}

/** The cross-device path: the QR code for the phone's wallet, and polling for the decision. */
function viaQr(check) {
  check.mode = "qr";
  clearMessage();
  show("qr");
  const box = $("qr");
  box.replaceChildren(qrSvg(check.qr, t("qr_label")));
  crisp(box.firstElementChild);
  $("qr-link").href = check.link;
  const poll = async () => {
    if (check !== current) return;
    if (nowSecs() >= check.expiresAt) return failed("expired");
    let answer;
    try {
      answer = await api("GET", `/api/checks/${encodeURIComponent(check.id)}`);
    } catch {
      answer = { status: 0 }; // a dropped poll: try again
    }
    if (check !== current) return;
    if (answer.status === 200 && answer.value) return decided(answer.value, "direct_post");
    if (answer.status === 404) return failed("unknown_check");
    check.timer = setTimeout(poll, POLL_MS);
  };
  check.timer = setTimeout(poll, POLL_MS);
}

function decided(decision, channel) {
  stop();
  clearMessage();
  shownDecision = { ...decision, channel: decision.channel ?? channel };
  renderDecision(shownDecision);
  show("result");
}

function renderDecision(decision) {
  const result = $("result");
  result.dataset.accepted = String(decision.accepted === true);
  result.dataset.reason = decision.reason ?? "";
  result.dataset.policy = decision.policy ?? "";
  result.dataset.channel = decision.channel ?? "";
  $("result-symbol").textContent = decision.accepted ? "✓" : "✗";
  $("result-title").textContent = t(decision.accepted ? "accepted_title" : "rejected_title");
  $("result-detail").textContent = t(decision.accepted ? "accepted_detail" : "rejected_detail");
  const items = [];
  for (const credential of decision.credentials ?? []) {
    for (const [claim, value] of Object.entries(credential.claims ?? {})) {
      const li = document.createElement("li");
      li.dataset.claim = claim;
      li.dataset.value = JSON.stringify(value);
      const label = MESSAGES[lang][`claim_${claim}`] ?? claim;
      const shown = value === true ? t("claim_yes") : value === false ? t("claim_no") : String(value);
      li.textContent = `${label}: ${shown}`;
      items.push(li);
    }
  }
  $("result-claims").replaceChildren(...items);
  $("result-claims-title").hidden = items.length === 0;
  const reason = $("result-reason");
  reason.hidden = decision.accepted === true;
  reason.textContent = decision.accepted ? "" : (lang === "ja" ? decision.message_ja : decision.message_en) ?? decision.reason ?? "";
}

$("lang").addEventListener("click", () => {
  lang = lang === "ja" ? "en" : "ja";
  localStorage.setItem("shop-lang", lang);
  translate();
});
$("check-start").addEventListener("click", () => start());
$("dc-api-qr").addEventListener("click", () => {
  if (!current) return;
  const check = current;
  check.controller.abort();
  check.controller = new AbortController();
  viaQr(check);
});
$("qr-cancel").addEventListener("click", () => {
  stop();
  show("shop");
});
$("result-again").addEventListener("click", () => start());

document.body.dataset.dcApi = String(dcApiAvailable());
translate();
show("shop");
document.body.dataset.ready = "true";
