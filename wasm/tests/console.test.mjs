// The issuer's staff console (issuer/console/, served by `myna issuer serve` at /console) in
// real Chromium against a real `myna issuer serve` on loopback, set up by the CLI
// (support/world.mjs with escrow trustees and an anchored resident): a whole staff journey —
// the operator makes an offer (its QR on screen decodes to the link the API made, a Rust
// wallet redeems it) and runs batch letters; the revocation officer sees no offer screen and
// the API refuses the offer anyway, revokes the offer's person (a fresh status list refuses
// the credential) and imports a CRL (the cascade shown); the operator starts an escrow
// opening, the two trustees release their shares in the page (the trustee build of myna-wasm),
// and the audit log lists all of it with its chain intact. axe-core on every screen, a
// screenshot of each (`console-*.png` in $MYNA_TEST_OUTPUT), no CSP violation.
//
// The trustee build is served from $MYNA_CONSOLE_PKG, else wasm/pkg/trustee/ (scripts/build-npm).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seriousViolations } from "./support/axe.mjs";
import { launchChromium, screenshot, watchPage } from "./support/browser.mjs";
import { decodeQrFromPng } from "./support/qr_png.mjs";
import { startWorld } from "./support/world.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const consolePkg = process.env.MYNA_CONSOLE_PKG ?? here("../pkg/trustee/");

/** The headers every console response carries (the brief's contract, section A). */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** A resident of the register, in 前橋市 (the issuer's municipality). */
const TARO = { name: "前橋 太郎", address: "群馬県前橋市大手町一丁目1番1号", birthdate: "1985-04-02" };

let dir;
let world;
let resident;
let browser;
let context;
let page;
let watch;
const shared = {};

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "myna-console-"));
  const pkgPresent = await access(path.join(consolePkg, "myna_wasm.js")).then(() => true, () => false);
  world = await startWorld({ dir, escrow: true, consolePkg: pkgPresent ? consolePkg : undefined });
  resident = await world.anchorResident();
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  watch = await watchPage(page);
});

after(async () => {
  await browser?.close();
  await world?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every CSP violation and page error so far (the page's own list survives until it navigates). */
function noViolations() {
  return watch.assertNone("the console");
}

/** axe-core on the current screen and a screenshot `console-<screen><suffix>.png`. */
async function check(screen, suffix = "") {
  await page.waitForSelector(`body[data-screen="${screen}"]:not([aria-busy])`, { timeout: 60000 });
  assert.equal(await page.isVisible(`#screen-${screen}`), true, `#screen-${screen} visible`);
  assert.deepEqual(await seriousViolations(page), [], `axe on ${screen}${suffix}`);
  await screenshot(page, `console-${screen}${suffix}`);
}

async function alertCode() {
  await page.waitForSelector("#message:not([hidden])");
  return page.getAttribute("#message", "data-code");
}

/** Signs in with `token` from the keyboard (Enter submits) and waits for the role's screen. */
async function signIn(token, role) {
  await page.waitForSelector('body[data-screen="signin"]');
  await page.focus("#signin-token");
  await page.keyboard.type(token);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`body[data-role="${role}"]`, { timeout: 30000 });
  assert.equal(await page.getAttribute("#signin-token", "type"), "password");
}

async function signOut() {
  await page.click("#sign-out");
  await page.waitForSelector('body[data-screen="signin"]');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, "the token is forgotten");
  assert.equal(await page.isVisible("#nav"), false);
}

/** The navigation entries shown. */
const navShown = () => page.$$eval("#nav li:not([hidden]) [data-go]", (buttons) => buttons.map((b) => b.dataset.go));

/** Goes to `screen` from the keyboard: focus its navigation button, Enter. */
async function go(screen) {
  await page.focus(`#nav-${screen}`);
  // Back and forth with Tab, so the focus is where a keyboard user puts it (:focus-visible).
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), `nav-${screen}`);
  assert.notEqual(await page.$eval(`#nav-${screen}`, (b) => getComputedStyle(b).outlineStyle), "none", "the focus is visible");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`body[data-screen="${screen}"]:not([aria-busy])`);
}

test("the console is served with its strict headers; a wrong token is refused", async () => {
  const response = await page.goto(`${world.issuerUrl}/console/`);
  assert.equal(response.status(), 200);
  const headers = response.headers();
  assert.equal(headers["content-security-policy"], CSP);
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.equal(headers["referrer-policy"], "no-referrer");
  assert.equal(headers["x-frame-options"], "DENY");
  assert.equal(headers["set-cookie"], undefined, "no cookie: nothing for a cross-site request to carry");
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  assert.equal(await page.getAttribute("html", "lang"), "ja");
  await check("signin");
  assert.match(await page.textContent("#screen-signin h1"), /サインイン[\s\S]*Sign in/);
  assert.equal(await page.isVisible("#nav"), false, "no navigation before signing in");
  await page.fill("#signin-token", "not-a-staff-token");
  await page.click("#signin-submit");
  assert.equal(await alertCode(), "invalid_token");
  assert.match(await page.textContent("#message"), /トークンが正しくない[\s\S]*token is wrong[\s\S]*unknown admin token/,
    "the catalogue's words, then the issuer's error_description");
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, "a refused token is not kept");
  await check("signin", "-refused");
  await noViolations();
});

test("the operator makes an offer: checked as typed, QR and PIN on screen, printable; a wallet redeems it", async () => {
  await signIn(world.tokens.operator, "operator");
  await check("offer");
  assert.deepEqual(await navShown(), ["offer", "batches", "escrow", "audit", "consents"]);
  // 200 % text: the form reflows, nothing scrolls sideways.
  await page.evaluate(() => { document.documentElement.style.fontSize = "200%"; });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1),
    "no horizontal scrolling at 200 % text");
  await screenshot(page, "console-offer-200-percent-text");
  await page.evaluate(() => { document.documentElement.style.fontSize = ""; });
  // Nothing filled in: every missing fact is marked, the first field has the focus.
  await page.click("#offer-submit");
  await page.waitForSelector('#offer-name[aria-invalid="true"]');
  for (const field of ["name", "address", "birthdate"]) {
    assert.equal(await page.getAttribute(`#offer-${field}`, "aria-invalid"), "true", field);
    assert.ok((await page.textContent(`#offer-${field}-error`)).trim().length > 0, `${field} explained`);
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), "offer-name");
  // No credential chosen: both boxes are marked and explained.
  await page.uncheck("#offer-resident");
  await page.uncheck("#offer-age");
  await page.waitForSelector('#offer-age[aria-invalid="true"]');
  assert.match(await page.textContent("#offer-credentials-error"), /一つ以上[\s\S]*at least one/);
  await check("offer", "-empty");
  await page.check("#offer-resident");
  await page.check("#offer-age");
  await page.waitForSelector("#offer-age:not([aria-invalid])");
  // The page's own shape check: an impossible date, marked on its field.
  await page.fill("#offer-name", TARO.name);
  await page.fill("#offer-birthdate", "1985-02-30");
  await page.waitForSelector('#offer-birthdate[aria-invalid="true"]');
  assert.match(await page.textContent("#offer-birthdate-error"), /存在しない日付[\s\S]*No such date/);
  assert.match(await page.getAttribute("#offer-birthdate", "aria-describedby"), /offer-birthdate-error/);
  await page.fill("#offer-birthdate", TARO.birthdate);
  await page.waitForSelector("#offer-birthdate:not([aria-invalid])");
  // The issuer's rules (dry run, as typed): an address outside 前橋市, explained next to it.
  await page.fill("#offer-address", "東京都千代田区千代田1番1号");
  await page.waitForSelector('#offer-address[aria-invalid="true"]', { timeout: 30000 });
  const addressProblem = await page.textContent("#offer-address-error");
  assert.ok(addressProblem.trim().length > 0, "the issuer's reason is shown");
  assert.ok(!addressProblem.includes("千代田"), "the reason does not echo the fact");
  await page.waitForSelector('#offer-check[data-state="invalid"]');
  await check("offer", "-problem");
  await page.fill("#offer-address", TARO.address);
  await page.waitForSelector('#offer-check[data-state="valid"]', { timeout: 30000 });
  assert.equal(await page.getAttribute("#offer-address", "aria-invalid"), null);

  const [answer] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === "/admin/offers" && !r.url().includes("dry_run")
      && r.request().method() === "POST"),
    page.click("#offer-submit"),
  ]);
  assert.equal(answer.status(), 201);
  const offer = await answer.json();
  await page.waitForSelector("#offer-result:not([hidden])");
  await check("offer", "-made");
  // The QR on screen is the offer link the API made, the PIN and subject are what it said.
  const qr = decodeQrFromPng(await page.locator("#offer-qr svg").screenshot());
  assert.equal(qr, offer.credential_offer_uri);
  assert.match(offer.tx_code, /^\d{6}$/);
  assert.equal((await page.textContent("#offer-pin")).trim(), offer.tx_code);
  assert.equal((await page.textContent("#offer-subject")).trim(), offer.subject);
  assert.equal(await page.$$eval("#offer-qr svg script, #offer-qr svg foreignObject", (n) => n.length), 0);
  // Printing shows the letter alone.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible("#offer-letter"), true);
  assert.equal(await page.isVisible("#offer-qr svg"), true);
  for (const hidden of ["header", "#offer-link", "#offer-subject", "#offer-print"]) {
    assert.equal(await page.isVisible(hidden), false, `${hidden} is not printed`);
  }
  await screenshot(page, "console-offer-print");
  await page.emulateMedia({ media: "screen" });
  shared.offer = offer;

  // A Rust wallet redeems the offer with the PIN; an age ≥ 20 check accepts it.
  await world.receive({ wallet: "taro", link: offer.credential_offer_uri, pin: offer.tx_code });
  const shown = await world.present({ wallet: "taro", policy: "age-over-20" });
  const before = await world.verifyCompact(shown);
  assert.equal(before.accepted, true, JSON.stringify(before.output));
  await page.click("#offer-new");
  await page.waitForSelector("#offer-form:not([hidden])");
  assert.equal(await page.inputValue("#offer-name"), "");
  await noViolations();
});

test("the operator runs batch letters: dry run, start, progress to done, one letter per good row", async () => {
  await go("batches");
  await check("batches");
  const csv = path.join(dir, "register.csv");
  await writeFile(csv, "\uFEFFrow_id,name,address,birthdate,credentials,tx_code\n"
    + "r1,前橋 一郎,群馬県前橋市大手町一丁目2番3号,1970-01-15,resident age,true\n"
    + "r2,前橋 二郎,群馬県前橋市大手町一丁目2番4号,1970-02-30,resident age,true\n"
    + "r3,前橋 三子,群馬県前橋市大手町一丁目2番5号,2001-12-24,age,false\n");
  await page.setInputFiles("#batches-file", csv);
  await page.waitForSelector("#batches-report:not([hidden])", { timeout: 30000 });
  assert.equal((await page.textContent("#batches-rows")).trim(), "3");
  assert.equal((await page.textContent("#batches-valid")).trim(), "2");
  const rejected = await page.$$eval("#batches-rejected tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.equal(rejected.length, 1, JSON.stringify(rejected));
  assert.equal(rejected[0][1], "r2");
  assert.equal(rejected[0][0], "3", "the bad row is line 3 of the file");
  await check("batches", "-report");

  await page.click("#batches-start");
  await page.waitForSelector('#batches-state[data-state="done"]', { timeout: 120000 });
  const progress = await page.$eval("#batches-progress", (p) => ({ value: p.value, max: p.max, label: p.getAttribute("aria-labelledby") }));
  assert.equal(progress.value, progress.max, "the progress bar is full");
  assert.ok(progress.label);
  await page.waitForSelector("#batches-downloads:not([hidden])");
  assert.equal((await page.textContent("#batches-offered")).trim(), "2", "two letters made");
  await check("batches", "-done");

  const [letters] = await Promise.all([page.waitForEvent("download"), page.click("#batches-letters")]);
  assert.match(letters.suggestedFilename(), /^letters-.+\.html$/);
  const html = await readFile(await letters.path(), "utf8");
  assert.equal((html.match(/<svg\b/g) ?? []).length, 2, "one letter (one QR code) per good row");
  assert.ok(html.includes("前橋 一郎") && html.includes("前橋 三子") && !html.includes("前橋 二郎"));
  const [jsonl] = await Promise.all([page.waitForEvent("download"), page.click("#batches-jsonl")]);
  const lines = (await readFile(await jsonl.path(), "utf8")).trim().split("\n");
  assert.equal(lines.length, 2, "letters.jsonl has a line per good row");
  await signOut();
  await check("signin", "-signed-out");
  await noViolations();
});

test("the revocation officer: no offer screen, the API refuses an offer; revokes the offer's person", async () => {
  await signIn(world.tokens.officer, "revocation_officer");
  await check("revoke");
  assert.deepEqual(await navShown(), ["revoke", "crl"]);
  assert.equal(await page.isVisible("#nav-offer"), false);
  assert.equal(await page.isVisible("#screen-offer"), false);
  const refused = await fetch(`${world.issuerUrl}/admin/offers`, {
    method: "POST",
    headers: { authorization: `Bearer ${world.tokens.officer}`, "content-type": "application/json" },
    body: JSON.stringify({ credentials: [{ credential: "age", birthdate: "1990-05-01" }] }),
  });
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error, "insufficient_scope");
  // Another site's page may not read the admin API: no CORS header, whatever the Origin.
  const foreign = await fetch(`${world.issuerUrl}/admin/session`, {
    headers: { authorization: `Bearer ${world.tokens.officer}`, origin: "https://evil.example" },
  });
  assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  await foreign.arrayBuffer();

  await page.check("#revoke-target-person");
  await page.selectOption("#revoke-person-kind", "subject");
  await page.fill("#revoke-person-value", shared.offer.subject);
  await page.check("#revoke-action-revoke");
  await page.selectOption("#revoke-reason", "holder_request");
  await page.click("#revoke-review");
  await page.waitForSelector("#revoke-confirm:not([hidden])");
  assert.ok((await page.textContent("#revoke-summary")).includes(shared.offer.subject));
  await check("revoke", "-confirm");
  await page.click("#revoke-confirm-submit");
  await page.waitForSelector("#revoke-result:not([hidden])");
  assert.ok(Number(await page.getAttribute("#revoke-result", "data-changed")) >= 2, "resident and age credentials revoked");
  await check("revoke", "-done");
  // A fresh status list from the issuer's /status refuses the redeemed credential.
  const shown = await world.present({ wallet: "taro", policy: "age-over-20" });
  const decision = await world.verifyCompact(shown);
  assert.equal(decision.accepted, false);
  assert.match(JSON.stringify(decision.output), /revoked/);
  await noViolations();
});

test("the revocation officer imports a CRL; the cascade's effect is shown", async () => {
  await go("crl");
  await check("crl");
  await page.setInputFiles("#crl-file", await world.cardCrl());
  await page.click("#crl-submit");
  await page.waitForSelector("#crl-result:not([hidden])", { timeout: 30000 });
  const revoked = Number(await page.getAttribute("#crl-result", "data-credentials-revoked"));
  assert.ok(revoked >= 1, `credentials revoked by the CRL: ${revoked}`);
  assert.match(await page.textContent("#crl-result-list"), /失効した証明書[\s\S]*Credentials revoked/);
  assert.deepEqual(await page.$$eval("#crl-result-list dt code", (names) => names.map((n) => n.textContent)), [],
    "every field of the answer has its words in the catalogue");
  await check("crl", "-imported");
  await signOut();
  await noViolations();
});

/** The escrow table's row for `id`: { state, releasedBy } (what the row shows). */
async function openingRow(id) {
  await page.click("#escrow-refresh");
  await page.waitForSelector(`#escrow-list tr[data-id="${id}"]`);
  const row = await page.$eval(`#escrow-list tr[data-id="${id}"]`, (tr) => ({
    state: tr.dataset.state, releasedBy: tr.dataset.releasedBy, shown: tr.cells[3].textContent, stateShown: tr.cells[2].textContent,
  }));
  // The row shows what its data says: the trustees by name (or "none"), the state in words.
  if (row.releasedBy) assert.equal(row.shown, row.releasedBy.split(",").join(", "));
  else assert.match(row.shown, /なし[\s\S]*none/);
  assert.match(row.stateShown, row.state === "opened" ? /開示済み[\s\S]*Opened/ : /受託者待ち[\s\S]*Waiting/);
  return { state: row.state, releasedBy: row.releasedBy };
}

test("escrow: the operator starts an opening, two trustees release in the page, it opens", async () => {
  await signIn(world.tokens.operator, "operator");
  await go("escrow");
  await check("escrow", "-operator");
  assert.equal(await page.isVisible("#escrow-release-form"), false, "the operator releases nothing");
  await page.fill("#escrow-context", resident.context);
  await page.fill("#escrow-pseudonym", resident.pseudonym);
  const [started] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === "/admin/escrow/openings" && r.request().method() === "POST"),
    page.click("#escrow-start"),
  ]);
  assert.equal(started.status(), 201);
  const { id } = await started.json();
  assert.equal(await alertCode(), "ok");
  assert.deepEqual(await openingRow(id), { state: "waiting", releasedBy: "" });
  await signOut();

  for (const [i, trustee] of world.trustees.entries()) {
    await signIn(world.tokens[trustee.name], "trustee");
    await check("escrow", `-${trustee.name}`);
    assert.deepEqual(await navShown(), ["escrow"]);
    assert.equal(await page.isVisible("#escrow-start-form"), false, "a trustee starts nothing");
    assert.equal(await page.inputValue("#escrow-opening"), id);
    await page.setInputFiles("#escrow-key-file", trustee.keyFile);
    if (i === 0) {
      // A wrong passphrase: refused in the page, nothing sent.
      await page.fill("#escrow-passphrase", "not the passphrase");
      await page.click("#escrow-release");
      assert.equal(await alertCode(), "wrong_passphrase");
      await page.setInputFiles("#escrow-key-file", trustee.keyFile);
    }
    await page.fill("#escrow-passphrase", trustee.passphrase);
    // The key file's sealed secret (its longest text) must never appear in what the page sends.
    const sealedSecret = Object.values(JSON.parse(await readFile(trustee.keyFile, "utf8")))
      .filter((v) => typeof v === "string").sort((a, b) => b.length - a.length)[0];
    assert.ok(sealedSecret.length >= 32);
    const sent = [];
    const listen = (request) => sent.push(request.postData() ?? "");
    page.on("request", listen);
    await page.click("#escrow-release");
    await page.waitForSelector('#message[data-code="ok"]', { timeout: 60000 });
    page.off("request", listen);
    assert.ok(sent.every((body) => !body.includes(trustee.passphrase) && !body.includes(sealedSecret)), "neither the passphrase nor the key file is sent");
    const row = await openingRow(id);
    if (i === 0) assert.deepEqual(row, { state: "waiting", releasedBy: "alice" }, "still waiting after one share");
    else assert.deepEqual(row, { state: "opened", releasedBy: "alice,bob" });
    assert.equal(await page.inputValue("#escrow-passphrase"), "", "the passphrase is cleared");
    await check("escrow", `-${trustee.name}-released`);
    await signOut();
  }
  shared.opening = id;
  await noViolations();
});

test("the operator sees the opening opened, the audit log lists every action and its chain is intact", async () => {
  await signIn(world.tokens.operator, "operator");
  await go("escrow");
  assert.deepEqual(await openingRow(shared.opening), { state: "opened", releasedBy: "alice,bob" });
  // The operator (only) may see whom the pseudonym belongs to.
  await page.click(`#escrow-list tr[data-id="${shared.opening}"] button[data-person-of]`);
  await page.waitForSelector(`#escrow-list tr[data-id="${shared.opening}"] .person code`);
  const person = (await page.textContent(`#escrow-list tr[data-id="${shared.opening}"] .person code`)).trim();
  assert.match(person, /^[A-Za-z0-9_-]{43}$/);
  await check("escrow", "-opened");

  await go("audit");
  await check("audit");
  assert.ok(await page.locator("#audit-table tbody tr").count() >= 1);
  for (const action of ["offer.created", "subject.anchored", "subject.revoked", "crl.imported", "escrow.opening_started", "escrow.share_received", "escrow.opened"]) {
    await page.selectOption("#audit-action", action);
    await page.click("#audit-apply");
    await page.waitForSelector("body:not([aria-busy])");
    const actions = await page.$$eval("#audit-table tbody tr", (rows) => rows.map((r) => r.dataset.action));
    assert.ok(actions.length >= 1, `${action} is in the audit log`);
    assert.ok(actions.every((a) => a === action), `the filter shows ${action} only: ${actions}`);
    if (action === "escrow.share_received") assert.equal(actions.length, 2, "one entry per trustee");
  }
  // The opened pseudonym belongs to the one resident who anchored her card (her subject handle
  // is in the anchoring's audit entry).
  await page.selectOption("#audit-action", "subject.anchored");
  await page.click("#audit-apply");
  await page.waitForSelector("body:not([aria-busy])");
  const anchored = await page.$$eval("#audit-table tbody tr", (rows) => rows.map((r) => r.cells[4].textContent));
  assert.deepEqual(anchored, [`subject:${person}`]);
  // By actor: a trustee's token name keeps that trustee's entries only.
  await page.selectOption("#audit-action", "");
  await page.fill("#audit-actor", "alice");
  await page.click("#audit-apply");
  await page.waitForSelector("body:not([aria-busy])");
  const byAlice = await page.$$eval("#audit-table tbody tr", (rows) => rows.map((r) => r.cells[4].textContent));
  assert.ok(byAlice.length >= 1, "alice's release is in the log");
  assert.ok(byAlice.every((subject) => subject.endsWith("by:alice")), byAlice.join(", "));
  await check("audit", "-by-actor");
  await page.click("#audit-verify");
  await page.waitForSelector("#audit-verify-result:not([hidden])");
  assert.equal(await page.getAttribute("#audit-verify-result", "data-intact"), "true");
  assert.match(await page.textContent("#audit-verify-verdict"), /改ざんはありません[\s\S]*Intact/);
  assert.ok(Number((await page.textContent("#audit-verify-list dd")).trim()) > 5, "the chain's length is shown");
  await check("audit", "-verified");

  await go("consents");
  await check("consents");
  assert.match((await page.textContent("#consents-total")).trim(), /^\d+$/);
  await noViolations();
});
