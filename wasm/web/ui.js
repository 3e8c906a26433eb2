// What every screen shares (the wallet app's and the counter page's: wasm/web/, copied into
// each build's js/, each with its own i18n/messages.js): the catalogue's words (Japanese first, or English first when the
// resident asks), the alert region, the busy line, dates in JST and a small DOM builder.
import { messages } from "../i18n/messages.js";

let englishFirst = false;

/** The two texts of `key`, in display order. Unknown keys are a bug: they throw. */
export function words(key) {
  const entry = messages[key];
  if (!entry) throw new Error(`no message "${key}"`);
  return englishFirst ? [["en", entry.en], ["ja", entry.ja]] : [["ja", entry.ja], ["en", entry.en]];
}

/** `ja / en` (or `en / ja`) on one line, for attributes and the document title. */
export const line = (key) => words(key).map(([, text]) => text).join(" / ");

/** Fills `element` with the texts of `key`, each in a span with its `lang`. */
export function fill(element, key) {
  element.replaceChildren(...words(key).map(([lang, text]) => el("span", { lang }, text)));
  return element;
}

/** Every `[data-t]` and `[data-t-aria]` under `root`. */
export function translate(root = document) {
  for (const node of root.querySelectorAll("[data-t]")) fill(node, node.dataset.t);
  for (const node of root.querySelectorAll("[data-t-aria]")) node.setAttribute("aria-label", line(node.dataset.tAria));
  document.title = line("app_title");
}

export function setEnglishFirst(value) {
  englishFirst = value;
  document.documentElement.lang = value ? "en" : "ja";
  translate();
}

/** `el("li", { class: "x", dataset: { a: 1 } }, child, "text")`. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "t") fill(node, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A span pair for two free texts (a card title, an issuer name). */
export function pair(ja, en) {
  const parts = [["ja", ja], ["en", en]].filter(([, text]) => text);
  if (englishFirst) parts.reverse();
  // A visible separator in the text itself, so the two languages never run together and a
  // screen reader pauses between them.
  return parts.flatMap(([lang, text], i) => [i > 0 ? " / " : null, el("span", { lang }, text)])
    .filter((part) => part !== null);
}

const $ = (id) => document.getElementById(id);

/** Shows an error (or `ok` notice) in `#message`: Japanese, then English, with `data-code`. */
export function showMessage(code, detail) {
  const box = $("message");
  const key = code in messages ? code : "error";
  box.dataset.code = code;
  box.replaceChildren(...words(key).map(([lang, text]) => el("p", { lang }, text)));
  if (detail && key === "error") box.append(el("p", { lang: "en" }, detail));
  box.hidden = false;
}

/** A success notice in the same region (`data-code="ok"`). */
export function showNotice(key) {
  const box = $("message");
  box.dataset.code = "ok";
  box.replaceChildren(...words(key).map(([lang, text]) => el("p", { lang }, text)));
  box.hidden = false;
}

export function clearMessage() {
  const box = $("message");
  box.hidden = true;
  box.dataset.code = "";
  box.replaceChildren();
}

/** The error of a failed wallet call or request, shown; a code-less error shows as `error`. */
export function showError(error) {
  const code = typeof error?.code === "string" ? error.code : "error";
  if (code === "error") console.error(error);
  showMessage(code, code in messages ? undefined : error?.message);
}

/** Runs `work` with the busy line shown; yields a frame first so the line paints before a
 * long synchronous wallet call (Argon2id takes seconds). Errors go to `#message`. */
export async function busy(work) {
  const line = $("busy");
  fill(line, "busy");
  document.body.setAttribute("aria-busy", "true");
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  try {
    return await work();
  } catch (error) {
    showError(error);
    return undefined;
  } finally {
    line.replaceChildren();
    document.body.removeAttribute("aria-busy");
  }
}

const jst = new Intl.DateTimeFormat("ja-JP", {
  timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
});

/** A Unix time as `2026/05/01 14:03 JST`. */
export const inJst = (unix) => `${jst.format(new Date(unix * 1000))} JST`;

/** A claim value for the holder's eyes. */
export function claimText(value) {
  if (value === true) return "✓";
  if (value === false) return "✗";
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
