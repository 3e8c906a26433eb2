// The audit log: pages of entries (filtered by action and actor), and one button that walks
// the whole hash chain (`GET /admin/audit/verify`): intact with its length and head, or the
// entry where it breaks.
import { call } from "../api.js";
import { el, fill, busy, clearMessage, inJst, rows, tableBody } from "../ui.js";

const $ = (id) => document.getElementById(id);
const PAGE = 20;
const ACTIONS = ["offer.created", "credentials.issued", "credential.revoked", "credential.suspended", "credential.resumed",
  "subject.anchored", "subject.revoked", "subject.suspended", "subject.resumed", "certificate.linked", "certificate.revoked",
  "crl.imported", "escrow.opening_started", "escrow.share_received", "escrow.opened", "escrow.opening_refused",
  "consent.registered", "consent.changed", "audit.read"];

let from = 0;
/** Where the earlier pages started (a filtered page's length in entries is not its length in
 * the log: the issuer says where the next one starts, `next_from`). */
let earlier = [];
let next = null;
let filters = { action: "", actor: "" };

export function setup() {
  const select = $("audit-action");
  for (const action of ACTIONS) select.append(el("option", { value: action }, action));
  $("audit-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessage();
    filters = { action: $("audit-action").value, actor: $("audit-actor").value.trim() };
    from = 0;
    earlier = [];
    busy(load);
  });
  $("audit-prev").addEventListener("click", () => {
    from = earlier.pop() ?? 0;
    busy(load);
  });
  $("audit-next").addEventListener("click", () => {
    if (next === null) return;
    earlier.push(from);
    from = next;
    busy(load);
  });
  $("audit-verify").addEventListener("click", verify);
}

export async function enter() {
  await busy(load);
}

export function reset() {
  from = 0;
  earlier = [];
  next = null;
  filters = { action: "", actor: "" };
  $("audit-filter").reset();
  $("audit-table").tBodies[0].replaceChildren();
  $("audit-verify-result").hidden = true;
}

async function load() {
  const query = new URLSearchParams({ from: String(from), limit: String(PAGE) });
  if (filters.action) query.set("action", filters.action);
  if (filters.actor) query.set("actor", filters.actor);
  const page = await call(`/admin/audit?${query}`);
  const entries = page?.entries ?? [];
  next = typeof page?.next_from === "number" ? page.next_from : null;
  tableBody($("audit-table").tBodies[0], entries.map((e) => [
    String(e.seq), inJst(e.time), e.actor, el("code", {}, e.action), el("code", {}, e.subject),
  ]));
  for (const [i, row] of [...$("audit-table").tBodies[0].rows].entries()) row.dataset.action = entries[i].action;
  $("audit-empty").hidden = entries.length > 0;
  $("audit-table").hidden = entries.length === 0;
  $("audit-prev").disabled = earlier.length === 0;
  $("audit-next").disabled = next === null;
  const span = $("audit-page");
  fill(span, "audit_page");
  span.append(` ${entries.length ? `${entries[0].seq}–${entries[entries.length - 1].seq}` : "—"}`);
}

async function verify() {
  clearMessage();
  const result = $("audit-verify-result");
  const verdict = $("audit-verify-verdict");
  await busy(async () => {
    try {
      const answer = await call("/admin/audit/verify");
      result.dataset.intact = String(answer.intact === true);
      fill(verdict, answer.intact ? "audit_intact" : "audit_broken");
      rows($("audit-verify-list"), [["audit_entries", String(answer.entries)], ["audit_head", el("code", {}, answer.head)]]);
    } catch (error) {
      if (error.code !== "audit_chain_broken") throw error;
      result.dataset.intact = "false";
      fill(verdict, "audit_broken");
      $("audit-verify-list").replaceChildren(el("dt", { t: "audit_chain_broken" }), el("dd", { lang: "en" }, error.description));
    }
    result.hidden = false;
  });
}
