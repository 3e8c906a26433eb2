// Presenting: in person (scan the shop's `MVC1:` challenge, preview exactly what is disclosed
// and to whom, confirm, show the `MV1:` presentation as a large QR) and cross-device (scan an
// `openid4vp://` request, preview, confirm, POST the answer, show the verifier's decision).
import { Wallet, qrMatrix } from "../../wallet/myna_wasm.js";
import { wireScanner } from "../scanner.js";
import { qrSvg, crisp } from "../qr.js";
import { send, getText } from "../net.js";
import { busy, clearMessage, el, pair, fill, line, words, claimText, showNotice, showError } from "../ui.js";

const $ = (id) => document.getElementById(id);
let scanner;
let challenge = null; // the parsed challenge waiting for the resident's answer or confirmation
let request = null; // { challenge, dcqlQuery } for preview/present
let remote = null; // the request link for previewRemote/answerRemote
let remoteKey = null; // its verifier and nonce
// Requests answered in this session (verifier + nonce): scanned again, they are refused before
// anything is signed, instead of spending another credential on an answer the verifier refuses.
const answered = new Set();

// User Timing marks of the app's own work (wasm/bench/app_present.mjs reads the measures):
// a scanned challenge → its preview on screen, and the resident's confirmation → the QR on
// screen. The resident's reading time between the two is in neither.
const mark = (name) => performance.mark(`myna:present:${name}`);
function measure(name, from, to) {
  mark(to);
  try {
    performance.measure(`myna:present:${name}`, `myna:present:${from}`, `myna:present:${to}`);
  } catch {
    // No start mark (a screen reached another way): nothing to measure; never an error.
  }
  performance.clearMarks(`myna:present:${from}`);
  performance.clearMarks(`myna:present:${to}`);
}
let qrFit = null; // the observer keeping the shown QR code crisp
// The QR texts of the answer shown (one per credential; a counter asking for a resident and an
// age credential scans two, in any order) and which one is on screen.
let codes = [];
let shownCode = 0;

export function setup(ctx) {
  scanner = wireScanner("present", (text) => scanned(ctx, text));
  $("present-ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessage();
    mark("decoded"); // the resident answered what is asked: the app's work starts again here
    busy(() => {
      const spec = $("ask-resident").checked
        ? `resident:${$("ask-resident-code").value.trim()}`
        : `age-over-${$("ask-age-years").value}`;
      const withPolicy = Wallet.parseChallenge(`${challenge.challenge} ${spec}`);
      return previewInPerson(ctx, { ...withPolicy, challenge: challenge.challenge });
    });
  });
  $("present-confirm").addEventListener("click", () => {
    mark("confirmed");
    return busy(async () => {
      const { compacts } = ctx.wallet().present(JSON.stringify(request), ctx.now());
      await ctx.save();
      request = null;
      await ctx.show("present-qr", { compacts });
      measure("confirm-to-qr", "confirmed", "qr");
    });
  });
  $("present-cancel").addEventListener("click", () => { request = null; ctx.show("present"); });
  $("present-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("present-compact").value);
    } catch {
      $("present-compact").select();
    }
    showNotice("copied");
  });
  $("present-done").addEventListener("click", () => ctx.show("cards"));
  $("present-qr-previous").addEventListener("click", () => showCode(shownCode - 1));
  $("present-qr-next").addEventListener("click", () => showCode(shownCode + 1));
  $("remote-confirm").addEventListener("click", () => busy(() => answerRemote(ctx)));
  $("remote-cancel").addEventListener("click", () => { remote = null; ctx.show("present"); });
}

export async function enter(ctx, name, arg) {
  if (name === "present") {
    $("present-ask-form").hidden = true;
    $("present-link").value = "";
    challenge = null;
    if (arg?.text) await scanned(ctx, arg.text);
  }
  if (name === "present-qr") {
    codes = arg?.compacts ?? (arg?.compact ? [arg.compact] : []);
    const several = codes.length > 1;
    $("present-qr-several").hidden = !several;
    $("present-qr-position").hidden = !several;
    $("present-qr-steps").hidden = !several;
    $("present-qr").dataset.count = String(codes.length);
    showCode(0, { announce: false });
  }
  if (name === "remote-preview") {
    $("remote-result").hidden = true;
    $("remote-confirm").disabled = false;
  }
}

export function leave(next) {
  scanner?.stop();
  if (next !== "present-qr") {
    qrFit?.disconnect();
    qrFit = null;
    codes = [];
    $("present-qr").replaceChildren();
    $("present-compact").value = "";
  }
}

/** Shows code `index` of the answer's codes: its QR, its text, "2 / 3" (announced to a screen
 * reader, except as the screen opens, whose heading takes the focus), and the Previous/Next
 * buttons of that place. A button that becomes disabled under the keyboard's focus hands the
 * focus to the other one, or to Done after the last code. */
function showCode(index, { announce = true } = {}) {
  if (index < 0 || index >= codes.length) return;
  shownCode = index;
  const compact = codes[index];
  $("present-compact").value = compact;
  const svg = qrSvg(qrMatrix(compact), codes.length > 1 ? `${line("qr_image")} ${index + 1} / ${codes.length}` : line("qr_image"));
  $("present-qr").replaceChildren(svg);
  $("present-qr").dataset.index = String(index);
  qrFit?.disconnect();
  qrFit = crisp(svg);
  if (codes.length < 2) return;
  const position = $("present-qr-position");
  position.setAttribute("aria-live", announce ? "polite" : "off");
  position.replaceChildren(el("strong", {}, `${index + 1} / ${codes.length}`), " ",
    ...words("qr_position").flatMap(([lang, text], i) => [i > 0 ? " / " : "", el("span", { lang }, text)]));
  const previous = $("present-qr-previous");
  const next = $("present-qr-next");
  const focused = document.activeElement;
  previous.disabled = index === 0;
  next.disabled = index === codes.length - 1;
  if (focused === next && next.disabled) $("present-done").focus();
  else if (focused === previous && previous.disabled) next.focus();
}

async function scanned(ctx, text) {
  mark("decoded"); // the camera's, the pasted link's and the image file's text all arrive here
  text = text.trim();
  if (/^openid-credential-offer:/i.test(text)) return ctx.show("receive", { text });
  return busy(async () => {
    if (/^(openid4vp|haip):/i.test(text)) return previewRemote(ctx, text);
    const info = Wallet.parseChallenge(text);
    if (info.policy === null || !info.dcqlQuery) {
      challenge = info;
      $("present-ask-form").hidden = false;
      $("present-ask-form").querySelector("input")?.focus();
      return undefined;
    }
    return previewInPerson(ctx, info);
  });
}

/** Claim label of `path` (the JSON claim path a preview item names) from the held cards. */
function labelled(ctx, vct, path) {
  let name = path;
  try {
    name = JSON.parse(path).join(".");
  } catch { /* a plain name */ }
  const card = ctx.wallet().held(ctx.now()).cards.find((c) => c.vct === vct && c.claimLabels?.[name]);
  const label = card?.claimLabels[name];
  return label ? pair(label.ja, label.en) : [name];
}

/** Everything the verifier learns of each credential: the claims disclosed for this request,
 * and those every presentation of the credential shows (`data-always`), e.g. a resident
 * credential's municipality code. */
function disclosedList(ctx, items) {
  const row = (item, path, value, always) => el("li", { dataset: { vct: item.vct, claim: path, always } },
    el("span", {}, ...labelled(ctx, item.vct, path)), el("strong", {}, ` ${claimText(value)}`));
  return items.flatMap((item) => [
    ...Object.entries(item.disclosed).map(([path, value]) => row(item, path, value)),
    ...Object.entries(item.alwaysShown ?? {}).map(([name, value]) => row(item, name, value, "true")),
  ]);
}

async function previewInPerson(ctx, info) {
  request = { challenge: info.challenge, dcqlQuery: info.dcqlQuery };
  const items = ctx.wallet().preview(JSON.stringify(request), ctx.now());
  $("present-verifier").textContent = info.audience;
  $("present-description").replaceChildren(...pair(info.descriptionJa, info.descriptionEn));
  $("present-disclosed").replaceChildren(...disclosedList(ctx, items));
  await ctx.show("present-preview");
  measure("decode-to-preview", "decoded", "preview");
}

async function previewRemote(ctx, text) {
  const wallet = ctx.wallet();
  let parsed = wallet.parseRequestLink(text);
  if (parsed.requestUri) {
    if (typeof wallet.parseRequestObject !== "function") {
      throw Object.assign(new Error("request by reference"), { code: "unsupported" });
    }
    parsed = wallet.parseRequestObject(await getText(parsed.requestUri), ctx.now());
  }
  const key = `${parsed.clientId} ${parsed.nonce}`;
  if (answered.has(key)) {
    throw Object.assign(new Error("request already answered"), { code: "request_answered" });
  }
  remote = parsed.link ?? text;
  remoteKey = key;
  const items = wallet.previewRemote(remote, ctx.now());
  $("remote-verifier").textContent = parsed.clientId;
  $("remote-disclosed").replaceChildren(...disclosedList(ctx, items));
  await ctx.show("remote-preview");
}

async function answerRemote(ctx) {
  const { url, body, contentType } = ctx.wallet().answerRemote(remote, ctx.now());
  await ctx.save();
  answered.add(remoteKey);
  remote = null;
  $("remote-confirm").disabled = true;
  const { status, text } = await send(url, { method: "POST", body, contentType });
  let decision = null;
  try {
    decision = JSON.parse(text);
  } catch { /* not JSON: judged by the status alone */ }
  const accepted = status >= 200 && status < 300 && decision?.accepted !== false;
  const box = $("remote-result");
  box.dataset.accepted = String(accepted);
  box.dataset.status = String(status);
  const title = el("p", {});
  fill(title, accepted ? "remote_accepted" : "remote_rejected");
  box.replaceChildren(title);
  if (decision?.message_ja || decision?.message_en) box.append(el("p", {}, ...pair(decision.message_ja, decision.message_en)));
  box.hidden = false;
  box.focus?.();
  // The verifier refused the answer itself (a closed or expired request): say why.
  if (typeof decision?.error === "string") {
    showError(Object.assign(new Error(decision.error_description ?? decision.error), { code: decision.error }));
  }
}
