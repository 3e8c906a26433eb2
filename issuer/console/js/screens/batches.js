// Batch letters: a CSV of the resident register is checked at once (dry run: nothing is
// made), started, watched (polling `GET /admin/batches/{id}`), and its letters downloaded —
// fetched with the bearer header, then offered as blob links.
import { call, downloadLink } from "../api.js";
import { el, fill, busy, clearMessage, inJst, tableBody } from "../ui.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 500;

let csv = null;
let polling = null;

export function setup() {
  $("batches-file").addEventListener("change", chosen);
  $("batches-start").addEventListener("click", start);
  $("batches-refresh").addEventListener("click", () => busy(list));
}

export async function enter() {
  await busy(list);
}

export function reset() {
  clearTimeout(polling);
  polling = null;
  csv = null;
  $("batches-file").value = "";
  $("batches-report").hidden = true;
  $("batches-run").hidden = true;
  for (const id of ["batches-letters", "batches-jsonl"]) {
    const link = $(id);
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.removeAttribute("href");
  }
}

async function chosen() {
  clearMessage();
  const file = $("batches-file").files[0];
  $("batches-report").hidden = true;
  if (!file) return;
  await busy(async () => {
    csv = await file.text();
    const report = await call("/admin/batches?dry_run=true", { method: "POST", body: csv, type: "text/csv" });
    $("batches-rows").textContent = String(report.rows);
    $("batches-valid").textContent = String(report.valid);
    const rejected = report.rejected ?? [];
    tableBody($("batches-rejected").tBodies[0], rejected.map((r) => [String(r.line), r.row_id ?? "—", r.reason]));
    $("batches-rejected").hidden = rejected.length === 0;
    $("batches-none-rejected").hidden = rejected.length > 0;
    $("batches-start").disabled = !(report.valid > 0);
    $("batches-report").hidden = false;
  });
}

async function start() {
  if (!csv) return;
  clearMessage();
  await busy(async () => {
    const started = await call("/admin/batches", { method: "POST", body: csv, type: "text/csv" });
    $("batches-start").disabled = true;
    $("batches-downloads").hidden = true;
    $("batches-run").hidden = false;
    $("batches-run").dataset.id = started.id;
    draw({ ...started, done: 0, offered: 0, rejected: [] });
    poll(started.id);
  });
}

function poll(id) {
  clearTimeout(polling);
  polling = setTimeout(async () => {
    let state;
    try {
      state = await call(`/admin/batches/${encodeURIComponent(id)}`);
    } catch (error) {
      busy(() => { throw error; });
      return;
    }
    draw(state);
    if (state.state === "running") poll(id);
    else if (state.state === "done") await busy(() => downloads(id));
    await list().catch(() => {});
  }, POLL_MS);
}

/** Progress of one batch: the bar, `done / rows`, its state, the rows it refused. */
function draw(batch) {
  const progress = $("batches-progress");
  progress.max = Math.max(batch.rows ?? 0, 1);
  progress.value = Math.min(batch.done ?? 0, progress.max);
  progress.setAttribute("aria-valuetext", `${batch.done ?? 0} / ${batch.rows ?? 0}`);
  $("batches-progress-text").textContent = `${batch.done ?? 0} / ${batch.rows ?? 0}`;
  $("batches-offered").textContent = String(batch.offered ?? 0);
  const state = $("batches-state");
  state.dataset.state = batch.state;
  fill(state, `batches_state_${batch.state}`);
  if (batch.error) state.append(el("span", { lang: "en", class: "detail" }, batch.error));
  const rejected = Array.isArray(batch.rejected) ? batch.rejected : [];
  $("batches-run-rejected").replaceChildren(...rejected.map((r) => el("li", {}, `${r.line ?? ""} ${r.row_id ?? ""}: ${r.reason ?? ""}`)));
}

async function downloads(id) {
  await downloadLink(`/admin/batches/${encodeURIComponent(id)}/letters`, $("batches-letters"), `letters-${id}.html`);
  await downloadLink(`/admin/batches/${encodeURIComponent(id)}/letters.jsonl`, $("batches-jsonl"), `letters-${id}.jsonl`);
  $("batches-downloads").hidden = false;
}

async function list() {
  const batches = await call("/admin/batches");
  const items = Array.isArray(batches) ? batches : batches?.batches ?? [];
  tableBody($("batches-list").tBodies[0], items.map((b) => [
    el("code", {}, b.id),
    el("span", { t: `batches_state_${b.state}` }),
    String(b.rows ?? ""),
    String(b.offered ?? ""),
    inJst(b.started_at),
  ]));
}
