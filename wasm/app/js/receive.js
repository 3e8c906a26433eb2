// The OpenID4VCI pre-authorized code flow, run by the page with the wallet's sans-I/O helpers:
// offer → issuer metadata → (PIN) → token → nonce → key proofs (one batch for every
// configuration of the offer) → credentials → trust list and status lists → inspect.
// Nothing is stored until the resident accepts (`keepAll`).
import { Wallet } from "../wallet/myna_wasm.js";
import { send, getText } from "./net.js";
import { walletTrust, statusUriOf } from "./trust.js";

function refused(status, text) {
  const error = new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
  error.code = "http_error";
  return error;
}

/** The offer in `text` (fetching a by-reference offer), with the issuer's metadata. */
export async function readOffer(text) {
  let offer = Wallet.parseOffer(text.trim());
  if (offer.offerUri) offer = Wallet.parseOffer(await getText(offer.offerUri));
  const metadataUrl = `${offer.issuer.replace(/\/$/, "")}/.well-known/openid-credential-issuer`;
  const issuer = Wallet.parseMetadata(await getText(metadataUrl), offer.issuer);
  return { offer, issuer };
}

const newBatchId = () => crypto.randomUUID();

async function freshNonce(issuer, fallback) {
  if (!issuer.nonceEndpoint) return fallback ?? null;
  const { status, text } = await send(issuer.nonceEndpoint, { method: "POST" });
  if (status < 200 || status > 299) throw refused(status, text);
  return Wallet.parseNonceResponse(text);
}

/** Runs the exchange for every configuration of the offer; returns what `inspect` says of
 * each, and what `keepAll` needs. Every configuration of one offer shares one batch id, so copy
 * `i` of each (the resident and the age credential) is bound to the same holder key and can be
 * shown together (specs/holder-binding.md); the wallet still shows one card per configuration. */
export async function fetchCredentials(ctx, { offer, issuer }, pin) {
  const wallet = ctx.wallet();
  const body = Wallet.tokenRequestBody(offer, pin ?? null);
  const token = await send(issuer.tokenEndpoint, {
    method: "POST", body, contentType: "application/x-www-form-urlencoded",
  });
  const { accessToken, cNonce } = Wallet.parseTokenResponse(token.status, token.text);
  const batch = newBatchId();
  const received = [];
  for (const configurationId of offer.configurationIds) {
    const size = issuer.configurations?.[configurationId]?.batchSize ?? 1;
    const nonce = await freshNonce(issuer, cNonce);
    const proofs = wallet.keyProofs(batch, size, offer.issuer, nonce, ctx.now());
    const answer = await send(issuer.credentialEndpoint, {
      method: "POST",
      body: Wallet.credentialRequestBody(configurationId, proofs),
      contentType: "application/json",
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const credentials = Wallet.parseCredentialResponse(answer.status, answer.text);
    received.push({ batch, configurationId, size, credentials });
  }
  const uris = received.flatMap((r) => r.credentials.map(statusUriOf)).filter(Boolean);
  const trust = await walletTrust(ctx.config, uris);
  const previews = received.map((r) => wallet.inspect(r.batch, r.size, r.configurationId, r.credentials, trust.json, ctx.now()));
  return { received, trust: trust.json, previews, issuer };
}

/** Keeps what was inspected (the resident accepted), records the status the status lists
 * fetched for the preview just gave (the new cards show "valid, checked now", not "never
 * checked"), then saves. */
export async function keepAll(ctx, result) {
  const wallet = ctx.wallet();
  for (const r of result.received) {
    wallet.keep(r.batch, r.size, r.configurationId, r.credentials, result.trust, ctx.now());
  }
  wallet.applyStatus(result.trust, ctx.now());
  await ctx.save();
}
