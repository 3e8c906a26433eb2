// Consents: the list (pause, resume, withdraw at the registry — the issuer's `/consents`
// routes), and a form to give a new one. Rust builds and checks every message; this page
// only carries them.
import { send, getText, whenOnline } from "../net.js";
import { busy, clearMessage, el, inJst, line, showNotice } from "../ui.js";
import { facts } from "../app.js";

const $ = (id) => document.getElementById(id);

const ACTIONS = { active: ["pause", "withdraw"], paused: ["resume", "withdraw"] };

/** The registry's public key (JWK JSON): from config.json when the host pinned it, else the
 * issuer's published JWT VC issuer metadata. */
async function registryJwk(ctx, registry) {
  const pinned = ctx.config.issuers?.[registry]?.jwk;
  if (pinned) return JSON.stringify(pinned);
  const metadata = JSON.parse(await getText(`${registry.replace(/\/$/, "")}/.well-known/jwt-vc-issuer`));
  const key = metadata?.jwks?.keys?.[0];
  if (!key) throw Object.assign(new Error("the registry publishes no key"), { code: "http_error" });
  return JSON.stringify(key);
}

async function post(url, body) {
  const { status, text } = await send(url, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), contentType: "application/json" });
  if (status < 200 || status > 299) {
    let detail = text.slice(0, 200);
    try { detail = JSON.parse(text).error_description ?? detail; } catch { /* plain text */ }
    throw Object.assign(new Error(`registry answered ${status}: ${detail}`), { code: "http_error" });
  }
  return text;
}

function render(ctx) {
  const consents = ctx.wallet().consents(ctx.now());
  $("consents-empty").hidden = consents.length > 0;
  $("consents-list").replaceChildren(...consents.map((c, index) => {
    const item = el("li", { dataset: { id: c.id, state: c.state } });
    item.append(el("h2", {}, c.purpose), facts([
      ["recipient", c.recipient],
      ["credential_type", c.vct],
      ["claims", (c.claims ?? []).join(", ")],
      ["since", c.since ? inJst(c.since) : "—"],
      ["until", c.until ? inJst(c.until) : "—"],
      ["one_time", c.oneTime ? "✓" : "—"],
      ["status", el("span", { t: `consent_${c.state}` })],
    ]));
    const buttons = (ACTIONS[c.state] ?? []).map((action) => {
      const button = el("button", { type: "button", id: `consent-${action}-${index}`, "aria-label": `${line(action)}: ${c.purpose}`, t: action });
      button.addEventListener("click", () => act(ctx, c, action));
      return button;
    });
    if (buttons.length) item.append(el("p", { class: "actions" }, ...buttons));
    return item;
  }));
}

async function act(ctx, consent, action) {
  clearMessage();
  await busy(async () => {
    const wallet = ctx.wallet();
    const { url, body } = wallet.consentAction(consent.id, action, ctx.now());
    const answer = await post(url, body);
    wallet.applyConsentAction(consent.id, action, answer, await registryJwk(ctx, consent.registry), ctx.now());
    await ctx.save();
    render(ctx);
    showNotice("consent_saved");
  });
}

function fillChoices(ctx) {
  const cards = ctx.wallet().held(ctx.now()).cards;
  const types = new Map(cards.map((c) => [c.vct, `${c.titleJa} / ${c.titleEn}`]));
  $("consent-vct").replaceChildren(...[...types].map(([vct, title]) => el("option", { value: vct }, title)));
  const issuers = new Map(cards.map((c) => [c.issuer, c.issuerNameJa ?? ctx.config.issuers?.[c.issuer]?.nameJa ?? c.issuer]));
  $("consent-registry").replaceChildren(...[...issuers].map(([id, name]) => el("option", { value: id }, name)));
}

export function setup(ctx) {
  $("consent-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessage();
    busy(async () => {
      const wallet = ctx.wallet();
      const registry = $("consent-registry").value;
      const request = {
        recipient: $("consent-recipient").value.trim(),
        purpose: $("consent-purpose").value.trim(),
        vct: $("consent-vct").value,
        claims: $("consent-claims").value.split(",").map((s) => s.trim()).filter(Boolean),
        oneTime: $("consent-one-time").checked,
      };
      const registration = wallet.consentRegistration(request, registry, ctx.now());
      const answer = await post(registration.url, registration.body);
      const pending = registration.pendingId ?? registration.id ?? registration.consentId;
      wallet.keepConsent(pending, answer, await registryJwk(ctx, registry), ctx.now());
      await ctx.save();
      $("consent-form").reset();
      render(ctx);
      showNotice("consent_saved");
    });
  });
}

/** One-time consents: the state their registry publishes (used by the recipient), per
 * registry; offline, this waits for the connection. */
function checkStates(ctx) {
  const wallet = ctx.wallet();
  const uris = wallet.consentStatusUris?.() ?? [];
  if (!uris.length) return;
  whenOnline("consent-status", async () => {
    const registries = new Set(wallet.consents(ctx.now()).map((c) => c.registry));
    for (const registry of registries) {
      const origin = new URL(registry).origin;
      const mine = uris.filter((uri) => new URL(uri).origin === origin);
      if (!mine.length) continue;
      const tokens = [];
      for (const uri of mine) tokens.push({ uri, token: (await getText(uri)).trim() });
      wallet.applyConsentStatus(JSON.stringify(tokens), await registryJwk(ctx, registry), ctx.now());
    }
    await ctx.save();
    if (document.body.dataset.screen === "consents") render(ctx);
  })?.catch(() => { /* shown as before; checked again next time */ });
}

export function enter(ctx) {
  render(ctx);
  fillChoices(ctx);
  checkStates(ctx);
}
