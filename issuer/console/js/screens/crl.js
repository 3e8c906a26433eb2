// CRL import: a DER file sent as `application/pkix-crl`; the cascade's effect shown (what the
// issuer answers: entries, card certificates checked and revoked, credentials revoked, …).
import { call } from "../api.js";
import { el, busy, clearMessage, showError, rows } from "../ui.js";

const $ = (id) => document.getElementById(id);
/** The answer's fields this screen names, in order; any other is shown under its own name. */
const KNOWN = ["certificate_type", "entries", "certificates_checked", "certificates_revoked", "credentials_revoked",
  "anchors_revoked", "residence_revoked", "subjects", "revoked_serials", "successors_linked", "successor_conflicts"];

export function setup() {
  $("crl-form").addEventListener("submit", submit);
}

export function reset() {
  $("crl-form").reset();
  $("crl-result").hidden = true;
}

/** A field's value for the eye: a list as its count and items, a number or text as it is. */
function shown(value) {
  if (Array.isArray(value)) {
    return el("span", {}, String(value.length), value.length ? el("ul", {}, ...value.map((v) => el("li", {}, el("code", {}, typeof v === "string" ? v : JSON.stringify(v))))) : null);
  }
  if (value !== null && typeof value === "object") return el("code", {}, JSON.stringify(value));
  return String(value);
}

async function submit(event) {
  event.preventDefault();
  clearMessage();
  const file = $("crl-file").files[0];
  if (!file) {
    showError({ code: "crl_need_file" });
    $("crl-file").focus();
    return;
  }
  await busy(async () => {
    const der = await file.arrayBuffer();
    const answer = await call("/admin/crl", { method: "POST", body: der, type: "application/pkix-crl" });
    const entries = KNOWN.filter((key) => key in answer).map((key) => [`crl_${key}`, shown(answer[key])]);
    const list = $("crl-result-list");
    rows(list, entries);
    for (const [key, value] of Object.entries(answer)) {
      if (!KNOWN.includes(key)) list.append(el("dt", {}, el("code", {}, key)), el("dd", {}, shown(value)));
    }
    const result = $("crl-result");
    result.dataset.credentialsRevoked = String(answer.credentials_revoked ?? "");
    result.hidden = false;
    $("crl-result-title").focus();
  });
}
