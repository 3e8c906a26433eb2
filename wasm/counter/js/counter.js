// The counter page: a shop till, a gate, a shelter desk or a clinic reception. It shows a
// challenge as a QR code, reads the customer's presentation (camera or keyboard-wedge scanner),
// and fills the screen with the decision. Everything is verified on this page by the verifier
// build of `myna-vc` (../../myna_wasm.js), except a fan-club sale, whose shared ledger lives in
// `myna verify serve` (POST /requests, POST /requests/{id}/compact). Works offline: the service
// worker keeps the page, and IndexedDB keeps the trust list and the status lists (store.js).
//
// This module starts the page and wires the others: settings.js, trust_data.js (config, status
// lists, the verifier), freshness.js, challenge.js (the challenge and its answers), decision.js,
// billing.js (clinic), roster.js (shelter), wedge.js (keyboard scanner), screens.js, state.js.
import init from "../../myna_wasm.js";
import { translate, line, showMessage, showError, setSecondLanguage, fillLanguagePicker } from "./ui.js";
import { stopCamera } from "./scan.js";
import { state, $ } from "./state.js";
import { show, onLeave } from "./screens.js";
import { loadSettings, openSettings, showFields, saveSettingsForm } from "./settings.js";
import { hasConfig, loadConfig, buildVerifier, refreshStatusLists } from "./trust_data.js";
import { showFreshness } from "./freshness.js";
import { newChallenge, cameraOn, cameraOff, onCollected } from "./challenge.js";
import { decide, nextCustomer } from "./decision.js";
import { showPending, syncRoster } from "./roster.js";
import { onKey, submitWedgeForm } from "./wedge.js";

/** Status lists are fetched again this often while the page is open and online. */
const REFRESH_MS = 15 * 60_000;

state.settings = loadSettings();
onLeave("counter", stopCamera);
onCollected(decide);

/** The counter screen with a fresh challenge (the settings first, when there are none). */
async function openCounter() {
  if (!state.settings) return openSettings();
  if (!hasConfig()) {
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

/** The counter's second language (after Japanese), kept on this device: the cashier picks the
 * customer's language (English by default) and every text, the decision's reason included,
 * follows. */
const SECOND_LANGUAGE = "myna-counter-second-language";

/** Redraws every catalogue text in the second language picked. */
async function useSecondLanguage(tag) {
  const inEffect = await setSecondLanguage(tag);
  localStorage.setItem(SECOND_LANGUAGE, inEffect);
  for (const option of document.querySelectorAll("option[data-t-line]")) option.textContent = line(option.dataset.tLine);
  fillLanguagePicker($("second-lang"));
}

async function main() {
  translate();
  await useSecondLanguage(localStorage.getItem(SECOND_LANGUAGE) ?? "en");
  $("second-lang").addEventListener("change", () => useSecondLanguage($("second-lang").value).catch(showError));
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
  $("settings-form").addEventListener("submit", (event) => saveSettingsForm(event, openCounter).catch(showError));
  $("camera-start").addEventListener("click", cameraOn);
  $("camera-stop").addEventListener("click", cameraOff);
  $("wedge-form").addEventListener("submit", submitWedgeForm);
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
  if (state.settings) await openCounter();
  else openSettings();
  await showPending();
  document.body.dataset.ready = "true";
  refreshStatusLists().catch(() => {});
}

main().catch((error) => showError(error));
