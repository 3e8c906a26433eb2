// The consent registry in numbers: per recipient, how many consents are given, paused,
// withdrawn and used (`GET /admin/consents/summary`; no personal data reaches this page).
import { call } from "../api.js";
import { busy, tableBody } from "../ui.js";

const $ = (id) => document.getElementById(id);

export function setup() {
  $("consents-refresh").addEventListener("click", () => busy(load));
}

export async function enter() {
  await busy(load);
}

export function reset() {
  $("consents-table").tBodies[0].replaceChildren();
  $("consents-total").textContent = "";
}

async function load() {
  const summary = await call("/admin/consents/summary");
  const recipients = summary?.recipients ?? [];
  tableBody($("consents-table").tBodies[0], recipients.map((r) => [
    r.recipient, String(r.given ?? 0), String(r.paused ?? 0), String(r.withdrawn ?? 0), String(r.used ?? 0),
  ]));
  $("consents-total").textContent = String(summary?.total ?? 0);
  $("consents-none").hidden = recipients.length > 0;
}
