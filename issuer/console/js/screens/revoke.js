// Revoke, suspend or resume: every credential of a person (by subject handle or card serial)
// or one credential (by id), with a reason, after a confirmation step that repeats exactly
// what will be sent.
import { call } from "../api.js";
import { el, fill, busy, clearMessage, showError, rows } from "../ui.js";

const $ = (id) => document.getElementById(id);
let pending = null;

export function setup() {
  for (const radio of document.querySelectorAll("input[name=revoke-target]")) radio.addEventListener("change", targetChanged);
  $("revoke-form").addEventListener("submit", review);
  $("revoke-confirm-submit").addEventListener("click", confirm);
  $("revoke-cancel").addEventListener("click", () => {
    pending = null;
    $("revoke-confirm").hidden = true;
    $("revoke-review").focus();
  });
}

export function reset() {
  pending = null;
  $("revoke-form").reset();
  targetChanged();
  $("revoke-confirm").hidden = true;
  $("revoke-result").hidden = true;
}

export function leave() {
  pending = null;
  $("revoke-confirm").hidden = true;
}

const checked = (name) => document.querySelector(`input[name=${name}]:checked`).value;

function targetChanged() {
  const person = checked("revoke-target") === "person";
  $("revoke-person").hidden = !person;
  $("revoke-credential").hidden = person;
}

function review(event) {
  event.preventDefault();
  clearMessage();
  $("revoke-result").hidden = true;
  const target = checked("revoke-target");
  const action = checked("revoke-action");
  const reason = $("revoke-reason").value;
  let route;
  let body;
  let label;
  let value;
  if (target === "person") {
    const kind = $("revoke-person-kind").value;
    value = $("revoke-person-value").value.trim();
    route = `/admin/subjects/${action}`;
    body = { [kind]: value, reason };
    label = kind === "subject" ? "revoke_subject" : "revoke_card_serial";
  } else {
    value = $("revoke-credential-id").value.trim();
    route = `/admin/credentials/${action}`;
    body = { credential_id: value, reason };
    label = "revoke_credential_id";
  }
  if (!value) {
    showError({ code: "revoke_need_value" });
    (target === "person" ? $("revoke-person-value") : $("revoke-credential-id")).focus();
    return;
  }
  pending = { route, body };
  rows($("revoke-summary"), [
    ["revoke_target", el("span", { t: target === "person" ? "revoke_by_person" : "revoke_by_credential" })],
    [label, el("code", {}, value)],
    ["revoke_action", el("strong", { t: `action_${action}` })],
    ["revoke_reason", el("span", { t: `reason_${reason}` })],
  ]);
  $("revoke-confirm").hidden = false;
  $("revoke-confirm-title").focus();
}

async function confirm() {
  if (!pending) return;
  const { route, body } = pending;
  pending = null;
  await busy(async () => {
    const answer = await call(route, { method: "POST", json: body });
    $("revoke-confirm").hidden = true;
    const list = $("revoke-result-list");
    const entries = [];
    if ("changed" in answer) entries.push(["revoke_changed", String(answer.changed)], ["revoke_unchanged", String(answer.unchanged)]);
    if (answer.credential_id) entries.push(["revoke_credential_id", el("code", {}, answer.credential_id)]);
    if (answer.subject) entries.push(["revoke_subject", el("code", {}, answer.subject)]);
    if (answer.reason) entries.push(["revoke_reason", el("span", { t: `reason_${answer.reason}` })]);
    rows(list, entries);
    const result = $("revoke-result");
    result.dataset.changed = String(answer.changed ?? 1);
    result.hidden = false;
    fill($("revoke-result-title"), "revoke_result");
    $("revoke-result-title").focus();
  });
}
