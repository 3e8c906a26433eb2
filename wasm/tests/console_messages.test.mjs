// The staff console's one catalogue of words (issuer/console/i18n/messages.js): every key has
// Japanese and English, every key the page and its scripts name is in it, every screen of the
// brief is a `<main id="screen-…">`, and the page has nothing inline for the CSP to block.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { messages } from "../../issuer/console/i18n/messages.js";
import { catalogueProblems, inlineProblems, usedKeys, scriptTexts } from "./support/catalogue.mjs";

const consoleDir = fileURLToPath(new URL("../../issuer/console/", import.meta.url));
const html = await readFile(`${consoleDir}/index.html`, "utf8");

test("every console message has a Japanese and an English text", () => {
  assert.ok(Object.keys(messages).length > 100, "the catalogue is complete");
  assert.deepEqual(catalogueProblems(messages), []);
});

test("every key the console's page and scripts name is in the catalogue", async () => {
  const used = await usedKeys({ html, scripts: `${consoleDir}/js`, calls: ["fill", "showNotice", "showError", "line", "setProblem"] });
  // Keys built at run time.
  for (const role of ["operator", "revocation_officer", "trustee"]) used.add(`role_${role}`);
  for (const state of ["running", "done", "failed"]) used.add(`batches_state_${state}`);
  for (const action of ["revoke", "suspend", "resume"]) used.add(`action_${action}`);
  for (const reason of ["holder_request", "key_compromise", "issued_in_error", "superseded", "other"]) used.add(`reason_${reason}`);
  for (const key of ["certificate_type", "entries", "certificates_checked", "certificates_revoked", "credentials_revoked",
    "anchors_revoked", "residence_revoked", "subjects", "revoked_serials", "successors_linked", "successor_conflicts"]) used.add(`crl_${key}`);
  for (const key of ["offer_checking", "offer_valid", "offer_has_problems"]) used.add(key);
  for (const key of ["need_name", "need_address", "need_birthdate", "bad_birthdate", "need_credential"]) used.add(key);
  assert.ok(used.size > 100, `only ${used.size} keys found: the scan is broken`);
  const missing = [...used].filter((key) => !(key in messages));
  assert.deepEqual(missing, []);
  // The words for what the scripts build at run time are really built there.
  const scripts = (await scriptTexts(`${consoleDir}/js`)).join("\n");
  for (const prefix of ["role_", "batches_state_", "action_", "reason_", "crl_"]) assert.ok(scripts.includes(`\`${prefix}\${`), prefix);
  for (const key of ["need_name", "bad_birthdate", "offer_has_problems"]) assert.ok(scripts.includes(`"${key}"`), key);
});

test("the console has every screen, no inline script, style or handler, and loads its scripts as modules", () => {
  for (const screen of ["signin", "offer", "batches", "revoke", "crl", "escrow", "audit", "consents"]) {
    assert.match(html, new RegExp(`<main id="screen-${screen}" hidden>`), screen);
  }
  assert.deepEqual(inlineProblems(html), []);
  assert.match(html, /<script type="module" src="js\/console\.js"><\/script>/);
  // Every form control has a label (by `for`), except buttons.
  const ids = [...html.matchAll(/<(?:input|select)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids.length > 15);
  for (const id of ids) assert.match(html, new RegExp(`<label for="${id}"`), `label for #${id}`);
});
