// The staff console's one catalogue of words (issuer/console/i18n/messages.js): every key has
// Japanese and English, every key the page and its scripts name is in it, every screen of the
// brief is a `<main id="screen-…">`, and the page has nothing inline for the CSP to block (the
// checks shared with the wallet app and the counter page, support/messages.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { messages } from "../../issuer/console/i18n/messages.js";
import { assertBilingual, inlineProblems, missingKeys, pageSources, unlabelledControls } from "./support/messages.mjs";

const consoleDir = fileURLToPath(new URL("../../issuer/console", import.meta.url));
const page = await pageSources({ html: `${consoleDir}/index.html`, scripts: [`${consoleDir}/js`] });

test("every console message has a Japanese and an English text", () => {
  assertBilingual(messages, { atLeast: 101 });
});

test("every key the console's page and scripts name is in the catalogue", () => {
  // Keys built at run time.
  const dynamic = [
    ...["operator", "revocation_officer", "trustee"].map((role) => `role_${role}`),
    ...["running", "done", "failed"].map((state) => `batches_state_${state}`),
    ...["revoke", "suspend", "resume"].map((action) => `action_${action}`),
    ...["holder_request", "key_compromise", "issued_in_error", "superseded", "other"].map((reason) => `reason_${reason}`),
    ...["certificate_type", "entries", "certificates_checked", "certificates_revoked", "credentials_revoked",
      "anchors_revoked", "residence_revoked", "subjects", "revoked_serials", "successors_linked", "successor_conflicts"]
      .map((key) => `crl_${key}`),
    "offer_checking", "offer_valid", "offer_has_problems",
    "need_name", "need_address", "need_birthdate", "bad_birthdate", "need_credential",
  ];
  assert.deepEqual(missingKeys(messages, page, { dynamic, atLeast: 101 }), []);
  // The words for what the scripts build at run time are really built there.
  const scripts = page.js.join("\n");
  for (const prefix of ["role_", "batches_state_", "action_", "reason_", "crl_"]) assert.ok(scripts.includes(`\`${prefix}\${`), prefix);
  for (const key of ["need_name", "bad_birthdate", "offer_has_problems"]) assert.ok(scripts.includes(`"${key}"`), key);
});

test("the console has every screen, no inline script, style or handler, and loads its scripts as modules", () => {
  for (const screen of ["signin", "offer", "batches", "revoke", "crl", "escrow", "audit", "consents"]) {
    assert.match(page.html, new RegExp(`<main id="screen-${screen}" hidden>`), screen);
  }
  // Its CSP is the header `myna issuer serve` sends (console.test.mjs checks it), not a meta element.
  assert.deepEqual(inlineProblems(page.html), []);
  assert.match(page.html, /<script type="module" src="js\/console\.js"><\/script>/);
  // Every form control has a label (by `for`), except buttons.
  assert.deepEqual(unlabelledControls(page.html, { atLeast: 16 }), []);
});
