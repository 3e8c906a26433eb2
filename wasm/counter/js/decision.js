// The decision: the collected answers verified (on this page, or by `myna verify serve` for a
// sale), then the screen filled with ✓/✗, the reason in Japanese and the second language
// (English from the verifier's `message_en`, the others from i18n/<tag>.js's `reason_<code>`,
// generated from vocabulary/messages/reasons.json) and what was
// disclosed; it clears itself for the next customer (a clinic's waits for the receptionist).
import { el, fill, words, showError, secondLanguage, secondOnly } from "./ui.js";
import { stopCamera } from "./scan.js";
import { DEFAULT_SETTINGS } from "./policies.js";
import { messages } from "../i18n/messages.js";
import { state, now, $ } from "./state.js";
import { show, currentScreen, onLeave } from "./screens.js";
import { withSlash } from "./http.js";
import { leansOnStaleData, nothingFresh, showFreshness } from "./freshness.js";
import { newChallenge } from "./challenge.js";
import { offerBilling, revokeBilling } from "./billing.js";
import { queueCheckIn } from "./roster.js";
import { measureDecision } from "./timing.js";

let clearTimer = null;

/** Verifies the open challenge's answers and shows the decision. */
export async function decide() {
  const open = state.current;
  const { settings, verifier } = state;
  state.current = null;
  stopCamera();
  state.lastDecided = new Set(open.collected);
  let decision;
  // This counter's own limit (a sale is verified by the service, on its own lists): when none of
  // its data is fresh enough for the policy, every answer is refused, offline or not.
  if (!open.requestId && (await nothingFresh())) {
    await showFreshness();
    await showDecision(staleRefusal(open.spec), open.spec);
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
    state.current = { ...open, collected: [] };
    await newChallenge();
    return;
  }
  // And when some of it is: an acceptance that leaned on data older than the policy allows is
  // refused — only the data this decision used counts, another issuer's stale list refuses no one.
  if (!open.requestId && decision.accepted && leansOnStaleData(decision)) {
    await showFreshness();
    decision = staleRefusal(decision.policy);
  }
  await showDecision(decision, open.spec);
}

/** The refusal for data older than the policy allows (the verifier's own code and words). */
function staleRefusal(policy) {
  return { accepted: false, policy, reason: "status_too_stale", message_ja: messages.status_too_stale.ja,
    message_en: messages.status_too_stale.en, credentials: [] };
}

async function showDecision(decision, spec) {
  const { settings } = state;
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
    const translated = secondOnly(`reason_${decision.reason}`);
    reason.append(el("p", { lang: "ja" }, decision.message_ja ?? messages.rejected.ja),
      translated ? el("p", { lang: secondLanguage() }, translated)
        : el("p", { lang: "en" }, decision.message_en ?? messages.rejected.en));
  }
  showDisclosed(decision);
  $("decision-billing").hidden = true;
  $("decision-roster").hidden = true;
  let keep = false;
  if (decision.accepted && settings.kind === "clinic") keep = offerBilling(decision, spec);
  if (decision.accepted && settings.kind === "shelter") await queueCheckIn(decision, spec);
  const secs = settings.clearAfterSeconds ?? DEFAULT_SETTINGS.clearAfterSeconds;
  $("decision-countdown").textContent = keep ? "" : `(${secs} s)`;
  $("decision-countdown").parentElement.hidden = keep;
  show("decision");
  measureDecision();
  // A clinic's decision stays until the receptionist moves on: the billing record must be saved.
  if (!keep) clearTimer = setTimeout(nextCustomer, secs * 1000);
}

/** What an accepted decision disclosed, claim by claim; nothing for a refusal. */
function showDisclosed(decision) {
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
}

/** A claim's value for the clerk: booleans as ✓/✗, structures flattened to one line (the
 * wallet's `claimText` in ui.js shows structures as JSON, for the holder). */
function claimText(value) {
  if (value === true) return "✓";
  if (value === false) return "✗";
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.map(claimText).join(", ");
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}: ${claimText(v)}`).join(", ");
  return String(value);
}

onLeave("decision", () => {
  clearTimeout(clearTimer);
  clearTimer = null;
  revokeBilling();
});

/** Back to the counter with a fresh challenge (the timer, Enter/Escape or the button). */
export async function nextCustomer() {
  if (currentScreen() !== "decision") return;
  show("counter");
  await showFreshness();
  await newChallenge();
}
