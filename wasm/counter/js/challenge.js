// The challenge and the collection of its answers: a fresh challenge for the current policy shown
// as a QR code, and the customer's presentations (one per credential the policy asks for) read by
// the camera or the keyboard wedge until all are in; then the decision (decision.js) takes over.
import { qrMatrix } from "../../myna_wasm.js";
import { el, line, words, showMessage, clearMessage, showError } from "./ui.js";
import { qrSvg, crisp } from "./qr.js";
import { startCamera, stopCamera } from "./scan.js";
import { kindOf, specOf } from "./policies.js";
import { state, $ } from "./state.js";
import { currentScreen } from "./screens.js";
import { withSlash, bearer } from "./http.js";
import { markScanned } from "./timing.js";

/** Pause before the camera starts again after it read a code this counter already has. */
const RESCAN_PAUSE_MS = 400;

let cameraWanted = true;
let collected = async () => {};

/** What to do once every answer is in (decision.js's `decide`, wired by counter.js): a hook, so
 * this module does not import the decision, which imports it back for the next customer. */
export function onCollected(decide) {
  collected = decide;
}

/** A fresh challenge for the current policy, shown as a QR code; the camera starts. */
export async function newChallenge() {
  clearMessage();
  stopCamera();
  const { settings, verifier } = state;
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
    state.current = null;
    $("challenge").replaceChildren();
    $("challenge").dataset.challenge = "";
    progress();
    showError(error.code ? error : Object.assign(error, { code: "network" }));
    return;
  }
  state.current = { ...next, collected: [] };
  const box = $("challenge");
  box.dataset.challenge = state.current.challenge;
  const svg = qrSvg(qrMatrix(state.current.challenge), line("challenge_qr"));
  box.replaceChildren(svg);
  crisp(svg);
  $("counter-policy").replaceChildren(...words(`kind_${settings.kind}`)
    .flatMap(([lang, text], i) => [i > 0 ? " / " : null, el("strong", { lang }, text)]).filter(Boolean),
  " (", el("code", {}, spec), ")");
  progress();
  if (cameraWanted) camera();
}

function progress() {
  const p = $("scan-progress");
  const { current } = state;
  p.dataset.scanned = String(current?.collected.length ?? 0);
  p.dataset.needed = String(current?.needed ?? 1);
  p.textContent = current ? `${current.collected.length} / ${current.needed} ${line("scanned_of")}` : "";
}

/** Starts the camera; each code read comes to `scanned`. Without a camera the wedge remains. */
async function camera() {
  if (currentScreen() !== "counter" || !state.current) return;
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

/** The camera button: the clerk wants the camera (again). */
export function cameraOn() {
  cameraWanted = true;
  camera();
}

/** The camera stays off until the clerk starts it: the wedge scanner is used instead. */
export function cameraOff() {
  cameraWanted = false;
  stopCamera();
  $("camera-start").hidden = false;
  $("camera-stop").hidden = true;
  $("camera-start").focus();
}

/** The camera again, once the code just read was handled. A camera that keeps seeing the same
 * code (the customer has not taken the phone away) reads it again and it is ignored; restarting
 * is also how Chromium's fake camera in the tests shows its next picture. */
function rescan(pause = 0) {
  if (!cameraWanted || currentScreen() !== "counter") return;
  setTimeout(() => { if (currentScreen() === "counter" && cameraWanted) camera(); }, pause);
}

/** One scanned text (camera or wedge). */
export async function scanned(raw, via) {
  markScanned(via);
  const text = raw.trim();
  const { current } = state;
  if (currentScreen() !== "counter" || !current) return;
  if (!text.startsWith("MV1:")) {
    showMessage("not_a_presentation");
    if (via === "camera") rescan(RESCAN_PAUSE_MS);
    return;
  }
  if (state.lastDecided.has(text) || current.collected.includes(text)) {
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
  await collected();
}
