// The checks every page's catalogue of words passes (the wallet app's, the counter page's):
// every key has Japanese and English, every key the page and its scripts name is in the
// catalogue, and the page has no inline script, style or handler and the strict CSP.
//
//   const page = await pageSources({ html: "wasm/counter/index.html", scripts: ["wasm/counter/js", "wasm/web"] });
//   assertBilingual(messages);
//   assert.deepEqual(missingKeys(messages, page, { dynamic: ["kind_resident"] }), []);
//   assertStrictPage(page.html);
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Every entry has exactly `ja` (with Japanese in it) and `en` (without). */
export function assertBilingual(messages, { atLeast = 50 } = {}) {
  assert.ok(Object.keys(messages).length >= atLeast, `only ${Object.keys(messages).length} messages`);
  for (const [key, entry] of Object.entries(messages)) {
    assert.deepEqual(Object.keys(entry).sort(), ["en", "ja"], key);
    assert.match(entry.ja, JAPANESE, `${key}: the Japanese text has no Japanese`);
    assert.ok(entry.en.trim().length > 0 && !JAPANESE.test(entry.en), `${key}: English text`);
  }
}

async function sources(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (entry.name.endsWith(".js")) out.push(await readFile(full, "utf8"));
  }
  return out;
}

/** The page's HTML and the text of every script under `scripts` (directories). */
export async function pageSources({ html, scripts }) {
  const js = [];
  for (const dir of scripts) js.push(...(await sources(dir)));
  return { html: await readFile(html, "utf8"), js };
}

/** The keys the page (`data-t`, `data-t-aria`, `data-t-line`) and its scripts (`t: "…"`,
 * `fill(x, "…")`, `showMessage("…")`, `showNotice("…")`, `line("…")`, `words("…")`) name, plus
 * `dynamic` (keys built at run time), that the catalogue lacks. Throws when fewer than
 * `atLeast` keys are found (the scan would be broken). */
export function missingKeys(messages, { html, js }, { dynamic = [], atLeast = 40 } = {}) {
  const used = new Set([...html.matchAll(/data-t(?:-aria|-line)?="([a-z0-9_-]+)"/g)].map((m) => m[1]));
  for (const text of js) {
    for (const m of text.matchAll(/(?:\bt: |\bfill\([^,()]+, |\bshowMessage\(|\bshowNotice\(|\bline\(|\bwords\()"([a-z0-9_-]+)"/g)) used.add(m[1]);
  }
  for (const key of dynamic) used.add(key);
  assert.ok(used.size >= atLeast, `only ${used.size} keys found: the scan is broken`);
  return [...used].filter((key) => !(key in messages));
}

/** No inline script, style or handler; the CSP meta with the strict directives. */
export function assertStrictPage(html) {
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'",
    "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), directive);
}
