// Offer screen: the resident register's facts, checked as they are typed (shape here, then
// the issuer's own rules by a debounced `POST /admin/offers?dry_run=true`, each problem next
// to its field), then the offer: QR code (the API's SVG, parsed as SVG, never as HTML), PIN,
// the subject handle for a later revocation, and a printable letter.
import { call } from "../api.js";
import { el, fill, pair, busy, clearMessage, showError } from "../ui.js";

const $ = (id) => document.getElementById(id);
const FIELDS = ["name", "address", "birthdate"];
const DEBOUNCE_MS = 400;

let ctx;
let timer = null;
let checks = 0;
const touched = new Set();

export function setup(shared) {
  ctx = shared;
  const form = $("offer-form");
  for (const field of FIELDS) {
    $(`offer-${field}`).addEventListener("input", () => { touched.add(field); changed(); });
    $(`offer-${field}`).addEventListener("blur", () => { touched.add(field); changed(); });
  }
  for (const box of ["offer-resident", "offer-age", "offer-tx-code"]) {
    $(box).addEventListener("change", () => { touched.add("credentials"); changed(); });
  }
  form.addEventListener("submit", submit);
  $("offer-print").addEventListener("click", () => window.print());
  $("offer-new").addEventListener("click", reset);
}

export function enter() {
  $("offer-letter-issuer").replaceChildren(...pair(ctx.session?.issuer?.name, ctx.session?.issuer?.name_en));
}

export function leave() {
  clearTimeout(timer);
}

/** Clears the form and the last offer (sign-out, "next offer"). */
export function reset() {
  clearTimeout(timer);
  touched.clear();
  $("offer-form").reset();
  for (const field of [...FIELDS, "credentials"]) setProblem(field, []);
  setCheck("idle");
  $("offer-result").hidden = true;
  $("offer-form").hidden = false;
  $("offer-qr").replaceChildren();
  for (const id of ["offer-pin", "offer-link", "offer-subject", "offer-letter-name", "offer-letter-address"]) $(id).textContent = "";
}

function values() {
  return {
    name: $("offer-name").value.trim(),
    address: $("offer-address").value.trim(),
    birthdate: $("offer-birthdate").value.trim(),
    credentials: ["resident", "age"].filter((c) => $(`offer-${c}`).checked),
    txCode: $("offer-tx-code").checked,
  };
}

/** The request body for `values`: one entry per chosen credential. */
function request(v) {
  const credentials = v.credentials.map((credential) => (credential === "resident"
    ? { credential, name: v.name, address: v.address, birthdate: v.birthdate }
    : { credential, birthdate: v.birthdate }));
  return { credentials, tx_code: v.txCode };
}

/** Shape checks the page can make itself: { field: [catalogue key] }. */
function shapeProblems(v) {
  const problems = { name: [], address: [], birthdate: [], credentials: [] };
  if (v.credentials.length === 0) problems.credentials.push("need_credential");
  if (v.credentials.includes("resident") && !v.name) problems.name.push("need_name");
  if (v.credentials.includes("resident") && !v.address) problems.address.push("need_address");
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.birthdate);
  if (!date) problems.birthdate.push("need_birthdate");
  else {
    const [year, month, day] = date.slice(1).map(Number);
    const parsed = new Date(Date.UTC(year, month - 1, day));
    const real = parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
    if (!real || parsed.getTime() > Date.now()) problems.birthdate.push("bad_birthdate");
  }
  return problems;
}

/** Shows `problems` (catalogue keys or `{message_ja, message_en}`) under `field`'s control. */
function setProblem(field, problems) {
  const box = $(`offer-${field}-error`);
  // The credentials' problem marks both boxes (a checkbox may be invalid; a fieldset may not).
  const controls = field === "credentials" ? [$("offer-resident"), $("offer-age")] : [$(`offer-${field}`)];
  box.replaceChildren(...problems.map((p) => (typeof p === "string"
    ? el("span", { class: "problem", t: p })
    : el("span", { class: "problem", dataset: { code: p.code ?? "" } }, ...pair(p.message_ja, p.message_en)))));
  for (const control of controls) {
    if (problems.length > 0) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
}

function setCheck(state) {
  const line = $("offer-check");
  line.dataset.state = state;
  if (state === "idle") line.replaceChildren();
  else fill(line, { checking: "offer_checking", valid: "offer_valid", invalid: "offer_has_problems" }[state]);
}

/** After any change: the page's own checks now (for fields already touched), the issuer's
 * after a pause in typing, when the shape is right. */
function changed() {
  const v = values();
  const shape = shapeProblems(v);
  for (const field of [...FIELDS, "credentials"]) setProblem(field, touched.has(field) ? shape[field] : []);
  clearTimeout(timer);
  const shapeOk = Object.values(shape).every((list) => list.length === 0);
  if (!shapeOk) {
    setCheck(Object.entries(shape).some(([f, list]) => touched.has(f) && list.length) ? "invalid" : "idle");
    return;
  }
  setCheck("checking");
  timer = setTimeout(() => dryRun(v), DEBOUNCE_MS);
}

async function dryRun(v) {
  const turn = ++checks;
  let answer;
  try {
    answer = await call("/admin/offers?dry_run=true", { method: "POST", json: request(v) });
  } catch (error) {
    if (turn === checks) {
      setCheck("idle");
      showError(error);
    }
    return;
  }
  if (turn !== checks) return; // a later check is on its way
  showProblems(answer?.problems ?? []);
  setCheck(answer?.valid ? "valid" : "invalid");
}

/** The issuer's problems next to their fields; one it cannot place goes to the credentials. */
function showProblems(problems) {
  const byField = { name: [], address: [], birthdate: [], credentials: [] };
  for (const problem of problems) {
    const field = FIELDS.includes(problem.field) ? problem.field : "credentials";
    byField[field].push(problem);
  }
  for (const [field, list] of Object.entries(byField)) setProblem(field, list);
}

async function submit(event) {
  event.preventDefault();
  clearMessage();
  clearTimeout(timer);
  for (const field of [...FIELDS, "credentials"]) touched.add(field);
  const v = values();
  const shape = shapeProblems(v);
  for (const field of [...FIELDS, "credentials"]) setProblem(field, shape[field]);
  const first = [...FIELDS, "credentials"].find((field) => shape[field].length > 0);
  if (first) {
    setCheck("invalid");
    (first === "credentials" ? $("offer-resident") : $(`offer-${first}`)).focus();
    return;
  }
  await busy(async () => {
    const check = await call("/admin/offers?dry_run=true", { method: "POST", json: request(v) });
    if (check && check.valid === false) {
      showProblems(check.problems ?? []);
      setCheck("invalid");
      const field = (check.problems ?? []).map((p) => p.field).find((f) => FIELDS.includes(f));
      if (field) $(`offer-${field}`).focus();
      return;
    }
    const offer = await call("/admin/offers", { method: "POST", json: request(v) });
    showOffer(offer, v);
  });
}

/** The API's QR SVG as an element: parsed as SVG, anything active taken out. */
export function svgElement(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const root = doc.documentElement;
  if (root.localName !== "svg" || doc.getElementsByTagName("parsererror").length > 0) {
    throw Object.assign(new Error("the offer's QR code is not an SVG image"), { code: "malformed" });
  }
  for (const node of [...root.querySelectorAll("script, foreignObject, iframe, a")]) node.remove();
  for (const node of [root, ...root.querySelectorAll("*")]) {
    for (const attribute of [...node.attributes]) {
      if (/^on/i.test(attribute.name) || /href$/i.test(attribute.name) || attribute.name === "style") node.removeAttribute(attribute.name);
    }
  }
  return document.importNode(root, true);
}

function showOffer(offer, v) {
  if (typeof offer?.qr_svg !== "string" || typeof offer?.credential_offer_uri !== "string") {
    throw Object.assign(new Error("the issuer's answer has no QR code"), { code: "malformed" });
  }
  const svg = svgElement(offer.qr_svg);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", "offer-qr-caption");
  $("offer-qr").replaceChildren(svg, el("figcaption", { id: "offer-qr-caption", t: "offer_qr" }));
  if (offer.tx_code) $("offer-pin").textContent = offer.tx_code;
  else fill($("offer-pin"), "offer_no_pin");
  $("offer-link").textContent = offer.credential_offer_uri;
  $("offer-subject").textContent = offer.subject ?? "";
  $("offer-letter-name").textContent = v.credentials.includes("resident") ? v.name : "";
  $("offer-letter-address").textContent = v.credentials.includes("resident") ? v.address : "";
  $("offer-form").hidden = true;
  $("offer-result").hidden = false;
  $("offer-result-title").focus();
}
