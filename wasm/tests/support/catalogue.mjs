// The checks every page's word catalogue gets (the wallet app's `wasm/app/i18n/messages.js`,
// the staff console's `issuer/console/i18n/messages.js`): each key has Japanese and English,
// each key the page and its scripts name is in the catalogue, and the page has no inline
// script, style or handler (their Content-Security-Policy forbids them).
//
//   assert.deepEqual(catalogueProblems(messages), []);
//   const used = await usedKeys({ html, scripts: "issuer/console/js", calls: ["fill", …] });
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";

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

/** The text of every `.js` file under `dir`. */
export async function scriptTexts(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await scriptTexts(full)));
    else if (entry.name.endsWith(".js")) out.push(await readFile(full, "utf8"));
  }
  return out;
}

/**
 * The catalogue keys `html` (its `data-t` and `data-t-aria` attributes) and the scripts under
 * `scripts` name literally: the first string argument of each function in `calls` and each
 * `t: "key"` attribute. Keys built at run time are the caller's to add.
 */
export async function usedKeys({ html, scripts, calls }) {
  const used = new Set([...html.matchAll(/data-t(?:-aria)?="([a-z0-9_]+)"/g)].map((m) => m[1]));
  const names = calls.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  // `fill(node, "key")` (any first argument without commas or parentheses), `name("key")`,
  // `name({ code: "key" })` and `{ t: "key" }`.
  const pattern = new RegExp(`(?:\\bt: |\\b(?:${names})\\((?:[^,()]+, )?(?:\\{ code: )?)"([a-z0-9_]+)"`, "g");
  for (const js of await scriptTexts(scripts)) {
    for (const m of js.matchAll(pattern)) used.add(m[1]);
  }
  return used;
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
