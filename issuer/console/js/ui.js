// What every screen shares: the catalogue's words (Japanese first, English beside), the alert
// region, the busy line, dates in JST and a small DOM builder. Nothing here sets innerHTML:
// every text from the API goes in as text.
import { messages } from "../i18n/messages.js";

/** The two texts of `key`, Japanese first. Unknown keys are a bug: they throw. */
export function words(key) {
  const entry = messages[key];
  if (!entry) throw new Error(`no message "${key}"`);
  return [["ja", entry.ja], ["en", entry.en]];
}

/** `ja / en` on one line, for attributes, options and the document title. */
export const line = (key) => words(key).map(([, text]) => text).join(" / ");

/** Fills `element` with the texts of `key`, each in a span with its `lang` (an `<option>`,
 * which holds text only, gets the one-line form). */
export function fill(element, key) {
  if (element.tagName === "OPTION") {
    element.textContent = line(key);
    return element;
  }
  element.replaceChildren(...words(key).map(([lang, text]) => el("span", { lang }, text)));
  return element;
}

/** Every `[data-t]` and `[data-t-aria]` under `root`. */
export function translate(root = document) {
  for (const node of root.querySelectorAll("[data-t]")) fill(node, node.dataset.t);
  for (const node of root.querySelectorAll("[data-t-aria]")) node.setAttribute("aria-label", line(node.dataset.tAria));
}

/** `el("li", { class: "x", dataset: { a: 1 } }, child, "text")`; `t` fills from the catalogue. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "t") fill(node, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false).map((c) => (typeof c === "number" ? String(c) : c)));
  return node;
}

/** Two free texts (the API's `message_ja`, `message_en`), each in its language. */
export function pair(ja, en) {
  return [ja ? el("span", { lang: "ja" }, ja) : null, en ? el("span", { lang: "en" }, en) : null].filter(Boolean);
}

const $ = (id) => document.getElementById(id);

/** Shows an error in the alert region: the catalogue's words for its code (Japanese, then
 * English), then the server's `error_description` as it said it (English). */
export function showError(error) {
  const code = typeof error?.code === "string" ? error.code : "error";
  const key = code in messages ? code : "error";
  if (key === "error" && !error?.description) console.error(error);
  const box = $("message");
  box.dataset.code = code;
  box.dataset.kind = "error";
  box.replaceChildren(...words(key).map(([lang, text]) => el("p", { lang }, text)));
  const detail = error?.description ?? (key === "error" ? error?.message : undefined);
  if (detail) box.append(el("p", { lang: "en", class: "detail" }, detail));
  box.hidden = false;
}

/** A notice (not an error) in the same region, `data-code="ok"`. */
export function showNotice(key) {
  const box = $("message");
  box.dataset.code = "ok";
  box.dataset.kind = "notice";
  box.replaceChildren(...words(key).map(([lang, text]) => el("p", { lang }, text)));
  box.hidden = false;
}

export function clearMessage() {
  const box = $("message");
  box.hidden = true;
  box.dataset.code = "";
  box.replaceChildren();
}

/** Runs `work` with the busy line shown; errors go to the alert region (and `undefined`). */
export async function busy(work) {
  const status = $("busy");
  fill(status, "busy");
  document.body.setAttribute("aria-busy", "true");
  try {
    return await work();
  } catch (error) {
    showError(error);
    return undefined;
  } finally {
    status.replaceChildren();
    document.body.removeAttribute("aria-busy");
  }
}

const jst = new Intl.DateTimeFormat("ja-JP", {
  timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
});

/** A Unix time as `2026/05/01 14:03:09 JST` (empty for none). */
export const inJst = (unix) => (typeof unix === "number" ? `${jst.format(new Date(unix * 1000))} JST` : "");

/** Definition-list rows into `dl`: [[labelKey, value], …]; a value is text or a node. */
export function rows(dl, entries) {
  dl.replaceChildren(...entries.flatMap(([key, value]) => [
    el("dt", { t: key }),
    el("dd", {}, value === null || value === undefined ? "—" : value),
  ]));
}

/** A table body from rows of cells (text or nodes). */
export function tableBody(tbody, cells) {
  tbody.replaceChildren(...cells.map((row) => el("tr", {}, ...row.map((cell) => el("td", {}, cell ?? "—")))));
}
