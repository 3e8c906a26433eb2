// The npm wallet (`myna-vc/wallet`, in the Node test process) holding an age credential from a
// test world's real issuer (support/world.mjs): the OpenID4VCI pre-authorized code flow run with
// the wallet's sans-I/O helpers, as the wallet app runs it in a browser (app/js/receive.js), the
// issuer's https identifier mapped to its loopback address.
//
//   const wallet = await npmWalletWithAge(world, { now });   // a Wallet with one age batch
//   const trust = await verifierTrust(world);                 // { authorityJwk, trustList, statusLists: [{ issuer, uri, token }] }
import { randomBytes } from "node:crypto";
import { Wallet } from "myna-vc/wallet";
import { HANAKO } from "./world.mjs";

/** The `sub` of a status list token: its URI. */
export function statusUriOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).sub;
}

/** The trust data of a shop's verifier (`Verifier.create`'s config without `audience`). */
export async function verifierTrust(world) {
  const token = await world.statusList();
  return {
    authorityJwk: world.authorityJwk,
    trustList: world.trustList,
    statusLists: [{ issuer: world.issuerId, uri: statusUriOf(token), token }],
  };
}

/**
 * A fresh npm wallet holding the world's age credential for `birthdate` (one batch of as many
 * copies as the issuer's metadata says).
 * @param {object} world what `startWorld` returned
 * @param {{ now: () => number, birthdate?: string }} options
 */
export async function npmWalletWithAge(world, { now, birthdate = HANAKO.birthdate }) {
  const wallet = Wallet.restore(randomBytes(32).toString("base64url"), now());
  const offered = await world.offer({ credential: "age", birthdate });
  const local = (url) => (url.startsWith(world.issuerId) ? world.issuerUrl + url.slice(world.issuerId.length) : url);
  const call = async (url, init = {}) => {
    const response = await fetch(local(url), init);
    return { status: response.status, text: await response.text() };
  };
  let offer = Wallet.parseOffer(offered.link);
  if (offer.offerUri) offer = Wallet.parseOffer((await call(offer.offerUri)).text);
  const issuer = Wallet.parseMetadata((await call(`${offer.issuer}/.well-known/openid-credential-issuer`)).text, offer.issuer);
  const token = await call(issuer.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: Wallet.tokenRequestBody(offer, offered.pin),
  });
  const { accessToken, cNonce } = Wallet.parseTokenResponse(token.status, token.text);
  const nonce = issuer.nonceEndpoint
    ? Wallet.parseNonceResponse((await call(issuer.nonceEndpoint, { method: "POST" })).text)
    : cNonce ?? null;
  const [configurationId] = offer.configurationIds;
  const size = issuer.configurations?.[configurationId]?.batchSize ?? 1;
  const batch = `age-${randomBytes(8).toString("hex")}`;
  const proofs = wallet.keyProofs(batch, size, offer.issuer, nonce, now());
  const answer = await call(issuer.credentialEndpoint, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
    body: Wallet.credentialRequestBody(configurationId, proofs),
  });
  const credentials = Wallet.parseCredentialResponse(answer.status, answer.text);
  const trust = await verifierTrust(world);
  const walletTrust = { authorityJwk: trust.authorityJwk, trustList: trust.trustList, statusLists: trust.statusLists.map(({ uri, token: t }) => ({ uri, token: t })) };
  wallet.keep(batch, size, configurationId, credentials, JSON.stringify(walletTrust), now());
  return wallet;
}
