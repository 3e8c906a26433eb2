// The checks every page's catalogue of words passes (the wallet app's `wasm/app/`, the counter
// page's `wasm/counter/`, the staff console's `issuer/console/`): every key has Japanese and
// English, every key the page and its scripts name is in the catalogue, every form control has
// a label, and the page has no inline script, style or handler (and, for the static pages, the
// strict CSP in a meta element; the console gets its CSP as a header from `myna issuer serve`).
//
//   const page = await pageSources({ html: "wasm/counter/index.html", scripts: ["wasm/counter/js", "wasm/web"] });
//   assertBilingual(messages);
//   assert.deepEqual(missingKeys(messages, page, { dynamic: ["kind_resident"] }), []);
//   assert.deepEqual(unlabelledControls(page.html), []);
//   assertStrictPage(page.html);
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";

/** Hiragana, katakana or kanji: what a Japanese text has. */
export const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Every problem of the catalogue, as "key: what" lines (none when it is right). */
export function catalogueProblems(messages) {
  const problems = [];
  for (const [key, entry] of Object.entries(messages)) {
    const languages = Object.keys(entry).sort().join(",");
    if (languages !== "en,ja") problems.push(`${key}: has ${languages}, not ja and en`);
    else if (!JAPANESE.test(entry.ja)) problems.push(`${key}: the Japanese text has no Japanese`);
    else if (!(entry.en.trim().length > 0) || JAPANESE.test(entry.en)) problems.push(`${key}: the English text is empty or Japanese`);
  }
  return problems;
}

/** At least `atLeast` entries, each with exactly `ja` (with Japanese in it) and `en` (without). */
export function assertBilingual(messages, { atLeast = 50 } = {}) {
  assert.ok(Object.keys(messages).length >= atLeast, `only ${Object.keys(messages).length} messages`);
  assert.deepEqual(catalogueProblems(messages), []);
}

/** The text of every `.js` file under `dir`, recursively. */
export async function scriptTexts(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await scriptTexts(full)));
    else if (entry.name.endsWith(".js")) out.push(await readFile(full, "utf8"));
  }
  return out;
}

/** The page's HTML and the text of every script under `scripts` (directories). */
export async function pageSources({ html, scripts }) {
  const js = [];
  for (const dir of scripts) js.push(...(await scriptTexts(dir)));
  return { html: await readFile(html, "utf8"), js };
}

// The functions of the pages' scripts that take a catalogue key: `fill(node, "key")` (any first
// argument without commas or parentheses), `name("key")` and `name({ code: "key" })`.
const KEY_CALLS = ["fill", "showMessage", "showNotice", "showError", "setProblem", "line", "words"];
const SCRIPT_KEY = new RegExp(`(?:\\bt: |\\b(?:${KEY_CALLS.join("|")})\\((?:[^,()]+, )?(?:\\{ code: )?)"([a-z0-9_-]+)"`, "g");

/** The keys the page (`data-t`, `data-t-aria`, `data-t-line`) and its scripts (`t: "…"` and the
 * calls above) name literally, plus `dynamic` (keys built at run time). Throws when fewer than
 * `atLeast` keys are found (the scan would be broken). */
export function usedKeys({ html, js }, { dynamic = [], atLeast = 40 } = {}) {
  const used = new Set([...html.matchAll(/data-t(?:-aria|-line)?="([a-z0-9_-]+)"/g)].map((m) => m[1]));
  for (const text of js) {
    for (const m of text.matchAll(SCRIPT_KEY)) used.add(m[1]);
  }
  for (const key of dynamic) used.add(key);
  assert.ok(used.size >= atLeast, `only ${used.size} keys found: the scan is broken`);
  return used;
}

/** The keys `usedKeys` finds that the catalogue lacks. */
export function missingKeys(messages, page, options = {}) {
  return [...usedKeys(page, options)].filter((key) => !(key in messages));
}

/** What in `html` the strict CSP would block: inline scripts, style elements or attributes,
 * event handler attributes. */
export function inlineProblems(html) {
  const problems = [];
  if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) problems.push("an inline <script>");
  if (/<style/i.test(html)) problems.push("a <style> element");
  if (/\sstyle=/i.test(html)) problems.push("a style attribute");
  if (/\son[a-z]+=/i.test(html)) problems.push("an event handler attribute");
  return problems;
}

/** The ids of the `<input>`, `<select>` and `<textarea>` elements of `html` no `<label for>`
 * names (buttons are labelled by their text). Throws when there are fewer than `atLeast`. */
export function unlabelledControls(html, { atLeast = 1 } = {}) {
  const ids = [...html.matchAll(/<(?:input|select|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids.length >= atLeast, `only ${ids.length} form controls found`);
  const labelled = new Set([...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
  return ids.filter((id) => !labelled.has(id));
}

/** No inline script, style or handler; the CSP meta with the strict directives. */
export function assertStrictPage(html) {
  assert.deepEqual(inlineProblems(html), []);
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
  assert.ok(csp, "no Content-Security-Policy meta element");
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'",
    "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), directive);
}
