// Receiving: read an offer, ask the PIN when the offer has one, run the exchange, show what
// would be kept (`#screen-offer-preview`), keep it only when the resident accepts.
import { wireScanner } from "../scanner.js";
import { readOffer, fetchCredentials, keepAll } from "../receive.js";
import { busy, clearMessage, fill, showNotice } from "../ui.js";
import { cardElement } from "../app.js";

const $ = (id) => document.getElementById(id);
let scanner;
let pendingOffer = null;
let result = null;

export function setup(ctx) {
  scanner = wireScanner("receive", (text) => begin(ctx, text));
  $("receive-pin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessage();
    if (pendingOffer) exchange(ctx, pendingOffer, $("receive-pin").value.trim());
  });
  $("offer-accept").addEventListener("click", () => busy(async () => {
    if (!result) return;
    await keepAll(ctx, result);
    result = null;
    await ctx.show("cards");
    showNotice("accepted_cards");
  }));
  $("offer-decline").addEventListener("click", async () => {
    result = null;
    await ctx.show("cards");
    showNotice("declined");
  });
}

export function enter(ctx, name, arg) {
  if (name === "receive") {
    $("receive-pin-form").hidden = true;
    $("receive-link").value = "";
    pendingOffer = null;
    if (arg?.text) begin(ctx, arg.text);
  }
  if (name === "offer-preview" && result) {
    $("offer-cards").replaceChildren(...result.previews.map((card) => cardElement(card, { preview: true })));
  }
}

export function leave(next) {
  scanner?.stop();
  if (next !== "offer-preview") $("offer-cards").replaceChildren();
}

async function begin(ctx, text) {
  if (/^(openid4vp|haip|MVC1):/i.test(text.trim())) return ctx.show("present", { text });
  await busy(async () => {
    if (!ctx.config.trust) throw Object.assign(new Error("no trust list configured"), { code: "no_trust" });
    const offer = await readOffer(text);
    if (offer.offer.txCode) {
      pendingOffer = offer;
      const code = offer.offer.txCode;
      const input = $("receive-pin");
      input.value = "";
      input.inputMode = code.inputMode === "text" ? "text" : "numeric";
      if (code.length) input.maxLength = code.length;
      else input.removeAttribute("maxlength");
      $("receive-pin-description").textContent = code.description ?? "";
      $("receive-pin-form").hidden = false;
      input.focus();
      return;
    }
    await exchange(ctx, offer, null, true);
  });
}

/** Refusals after which the offer cannot be redeemed any more: the PIN form goes. */
const FINAL = new Set(["offer_locked", "offer_expired", "offer_used"]);

async function exchange(ctx, offer, pin, inBusy = false) {
  const run = async () => {
    fill($("busy"), "receiving");
    try {
      result = await fetchCredentials(ctx, offer, pin);
    } catch (error) {
      if (FINAL.has(error?.code)) {
        pendingOffer = null;
        $("receive-pin-form").hidden = true;
      }
      throw error;
    }
    pendingOffer = null;
    await ctx.show("offer-preview");
  };
  if (inBusy) return run();
  return busy(run);
}
