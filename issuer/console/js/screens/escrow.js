// Escrow openings. The operator starts one (context + pseudonym) and sees which trustees
// released their shares; a trustee picks an opening, opens its key file with its passphrase
// in this page (the trustee build of myna-wasm, loaded on first use from /console/pkg/),
// releases its share and posts it. The key file, the passphrase and the secret key never
// leave the page: only the released share is sent.
import { call, ApiError } from "../api.js";
import { el, fill, busy, clearMessage, showError, showNotice, inJst, tableBody } from "../ui.js";

const $ = (id) => document.getElementById(id);
const PKG = "/console/pkg/myna_wasm.js";

let ctx;
let wasm = null;

export function setup(shared) {
  ctx = shared;
  $("escrow-start-form").addEventListener("submit", startOpening);
  $("escrow-release-form").addEventListener("submit", release);
  $("escrow-refresh").addEventListener("click", () => busy(list));
  $("escrow-list").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-person-of]");
    if (button) busy(() => showPerson(button));
  });
}

/** An opened opening's person handle, for the operator only (the issuer tells no one else). */
async function showPerson(button) {
  const opening = await call(`/admin/escrow/openings/${encodeURIComponent(button.dataset.personOf)}`);
  if (typeof opening?.person !== "string") throw Object.assign(new Error("no person handle"), { code: "not_found" });
  const cell = button.parentElement;
  button.replaceWith(el("span", { class: "person" }, el("span", { t: "escrow_person" }), ": ", el("code", {}, opening.person)));
  cell.querySelector("code").focus?.();
}

export async function enter() {
  await busy(list);
}

export function reset() {
  $("escrow-start-form").reset();
  $("escrow-release-form").reset();
  $("escrow-list").tBodies[0].replaceChildren();
  $("escrow-opening").replaceChildren();
}

async function startOpening(event) {
  event.preventDefault();
  clearMessage();
  const context = $("escrow-context").value.trim();
  const pseudonym = $("escrow-pseudonym").value.trim();
  if (!context || !pseudonym) {
    showError({ code: "invalid_request" });
    (context ? $("escrow-pseudonym") : $("escrow-context")).focus();
    return;
  }
  await busy(async () => {
    await call("/admin/escrow/openings", { method: "POST", json: { context, pseudonym } });
    $("escrow-start-form").reset();
    await list();
    showNotice("escrow_started");
  });
}

function stateCell(opening) {
  return el("span", { class: `state state-${opening.state}`, t: opening.state === "opened" ? "escrow_state_opened" : "escrow_state_waiting" });
}

async function list() {
  const openings = await call("/admin/escrow/openings");
  const items = Array.isArray(openings) ? openings : openings?.openings ?? [];
  $("escrow-none").hidden = items.length > 0;
  $("escrow-list").hidden = items.length === 0;
  tableBody($("escrow-list").tBodies[0], items.map((o) => [
    el("code", {}, o.id),
    o.context,
    ctx.session?.role === "operator" && o.state === "opened"
      ? el("span", {}, stateCell(o), " ", el("button", { type: "button", class: "secondary", dataset: { personOf: o.id }, t: "escrow_show_person" }))
      : stateCell(o),
    (o.released_by ?? []).length ? (o.released_by ?? []).join(", ") : el("span", { t: "none" }),
    String(o.threshold ?? ""),
    inJst(o.started_at),
  ]));
  for (const [i, row] of [...$("escrow-list").tBodies[0].rows].entries()) {
    row.dataset.id = items[i].id;
    row.dataset.state = items[i].state;
    row.dataset.releasedBy = (items[i].released_by ?? []).join(",");
  }
  if (ctx.session?.role === "trustee") {
    const select = $("escrow-opening");
    const chosen = select.value;
    const mine = items.filter((o) => o.state !== "opened" && !(o.released_by ?? []).includes(ctx.session.name));
    select.replaceChildren(...mine.map((o) => el("option", { value: o.id }, `${o.context} — ${o.id.slice(0, 12)}… (${(o.released_by ?? []).length}/${o.threshold})`)));
    if (mine.length === 0) select.append(el("option", { value: "", t: "escrow_nothing" }));
    if (mine.some((o) => o.id === chosen)) select.value = chosen;
    select.disabled = mine.length === 0;
    $("escrow-release").disabled = mine.length === 0;
  }
}

/** The trustee build of myna-wasm, initialised once (the web target needs `init()`). */
async function trusteeModule() {
  if (!wasm) {
    let module;
    try {
      module = await import(PKG);
    } catch (error) {
      // The issuer answers 404 console_pkg_missing when it serves no trustee build; the
      // failed import does not tell why, so ask.
      const probe = await fetch(PKG, { cache: "no-store" }).catch(() => null);
      if (probe && !probe.ok) {
        const problem = await probe.json().catch(() => ({}));
        throw new ApiError(problem.error ?? "console_pkg_missing", probe.status, problem.error_description);
      }
      throw error;
    }
    await module.default({ module_or_path: new URL("myna_wasm_bg.wasm", new URL(PKG, location.href)) });
    wasm = module;
  }
  return wasm;
}

async function release(event) {
  event.preventDefault();
  clearMessage();
  const id = $("escrow-opening").value;
  const file = $("escrow-key-file").files[0];
  const passphraseInput = $("escrow-passphrase");
  if (!id || !file || !passphraseInput.value) {
    showError({ code: "escrow_need_all" });
    return;
  }
  await busy(async () => {
    const { TrusteeKey } = await trusteeModule();
    const opening = await call(`/admin/escrow/openings/${encodeURIComponent(id)}`);
    const keyText = await file.text();
    let key;
    let body;
    try {
      key = TrusteeKey.open(keyText, passphraseInput.value, ctx.session.name);
      body = key.release(opening.sealed_link);
    } finally {
      key?.free();
      passphraseInput.value = "";
    }
    await call(`/admin/escrow/openings/${encodeURIComponent(id)}/shares`, { method: "POST", body, type: "application/json" });
    $("escrow-key-file").value = "";
    await list();
    showNotice("escrow_released");
  });
}
