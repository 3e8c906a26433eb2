// The staff console: sign in with a staff token, ask the issuer who that is
// (`GET /admin/session`), then offer only the screens the role may use. The server refuses
// every other route anyway (403): hiding them is for the staff member, not for security.
import { call, token, setToken, forgetToken } from "./api.js";
import { translate, fill, pair, showError, showNotice, clearMessage, busy } from "./ui.js";

const $ = (id) => document.getElementById(id);

/** Which screens each role may use, in the navigation's order. */
export const SCREENS = {
  operator: ["offer", "batches", "escrow", "audit", "consents"],
  revocation_officer: ["revoke", "crl"],
  trustee: ["escrow"],
};

const MODULES = {
  offer: "./screens/offer.js",
  batches: "./screens/batches.js",
  revoke: "./screens/revoke.js",
  crl: "./screens/crl.js",
  escrow: "./screens/escrow.js",
  audit: "./screens/audit.js",
  consents: "./screens/consents.js",
};

let session = null;
let current = null;
const loaded = new Map();

/** What the screen modules share. */
export const ctx = {
  get session() { return session; },
  show,
  signOut,
};

async function screenModule(name) {
  const path = MODULES[name];
  if (!path) return null;
  if (!loaded.has(path)) {
    const module = await import(path);
    module.setup?.(ctx);
    loaded.set(path, module);
  }
  return loaded.get(path);
}

/** Shows screen `name` if the signed-in role may use it (else the sign-in screen, or the
 * role's first screen). */
export async function show(name) {
  const allowed = session ? SCREENS[session.role] ?? [] : [];
  if (!session) name = "signin";
  else if (!allowed.includes(name)) name = allowed[0] ?? "signin";
  for (const module of loaded.values()) module.leave?.(name);
  const module = await screenModule(name);
  for (const main of document.querySelectorAll("main[id^=screen-]")) main.hidden = main.id !== `screen-${name}`;
  for (const button of document.querySelectorAll("#nav [data-go]")) {
    if (button.dataset.go === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  current = name;
  document.body.dataset.screen = name;
  await module?.enter?.(ctx);
  $(`screen-${name}`).querySelector("h1")?.focus();
}

/** Draws the header for the signed-in `session`: names, role, the role's navigation only. */
function drawSession() {
  const signedIn = session !== null;
  $("who").hidden = !signedIn;
  $("nav").hidden = !signedIn;
  document.body.dataset.role = signedIn ? session.role : "";
  if (!signedIn) {
    $("issuer-name").replaceChildren();
    return;
  }
  const issuer = session.issuer ?? {};
  $("issuer-name").replaceChildren(...pair(issuer.name, issuer.name_en));
  $("who-name").textContent = session.name;
  fill($("who-role"), `role_${session.role}`);
  const allowed = SCREENS[session.role] ?? [];
  for (const item of document.querySelectorAll("#nav li[data-role]")) {
    const go = item.querySelector("[data-go]").dataset.go;
    // Not only hidden: a screen the role may not use is taken out of the page's navigation.
    item.hidden = !allowed.includes(go);
  }
  // Role-specific parts inside a shared screen (the escrow screen's two forms).
  for (const part of document.querySelectorAll("main [data-role]")) {
    part.hidden = !part.dataset.role.split(" ").includes(session.role);
  }
}

/** Asks the issuer who the stored token belongs to; false when there is none or it is refused. */
async function loadSession() {
  if (!token()) return false;
  try {
    const answer = await call("/admin/session");
    if (!answer || !SCREENS[answer.role]) throw Object.assign(new Error("unknown role"), { code: "error" });
    session = answer;
    return true;
  } catch (error) {
    forgetToken();
    session = null;
    showError(error);
    return false;
  }
}

async function signIn(event) {
  event.preventDefault();
  clearMessage();
  const input = $("signin-token");
  const value = input.value.trim();
  if (!value) {
    showError({ code: "signin_empty" });
    input.focus();
    return;
  }
  setToken(value);
  input.value = "";
  const ok = await busy(loadSession);
  drawSession();
  if (ok) await show(SCREENS[session.role][0]);
  else input.focus();
}

/** Forgets the token and everything shown, back to the sign-in screen. */
export async function signOut() {
  forgetToken();
  session = null;
  for (const module of loaded.values()) module.reset?.();
  drawSession();
  await show("signin");
  showNotice("signed_out");
}

async function start() {
  translate();
  $("signin-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut());
  $("nav").addEventListener("click", (event) => {
    const button = event.target.closest("[data-go]");
    if (button) {
      clearMessage();
      show(button.dataset.go);
    }
  });
  // A refused token mid-session: back to sign-in, the error stays in the alert region.
  window.addEventListener("myna-console-unauthorized", () => {
    if (!session) return;
    session = null;
    for (const module of loaded.values()) module.reset?.();
    drawSession();
    show("signin");
  });
  $("loading").hidden = true;
  const ok = await loadSession();
  drawSession();
  await show(ok ? SCREENS[session.role][0] : "signin");
  document.body.dataset.ready = "true";
}

start();
