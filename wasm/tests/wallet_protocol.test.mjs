// The wallet's protocol steps through `myna-vc/wallet`, imported as a user does: receiving
// (offer → PIN → token → nonce → key proofs → credentials → preview → keep) with the answers
// of the real issuer library (fixtures), every refusal as a typed code, the shop's in-person
// challenge with and without its policy, a cross-device request answered and accepted by the
// Wasm verifier, and qrMatrix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Verifier, Wallet, qrMatrix } from "myna-vc/wallet";
import { qrMatrix as verifierQrMatrix } from "myna-vc";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const p = JSON.parse(await readFile(`${fixtures}/wallet-protocol.json`, "utf8"));
const { now } = p;
const coded = (code) => (error) => {
  assert.ok(error instanceof Error, String(error));
  assert.equal(error.code, code, error.message);
  return true;
};

/** The resident's wallet with the issued age batch kept. */
function receivedWallet() {
  const wallet = Wallet.restore(p.wallet.secret, now);
  const credentials = Wallet.parseCredentialResponse(p.credential.status, p.credential.body);
  wallet.keep(p.wallet.batch, p.wallet.size, "age", credentials, JSON.stringify(p.trust), now);
  return wallet;
}

test("parseOffer: the issuer's offer link, by value, as JSON and by reference", () => {
  const offer = Wallet.parseOffer(p.offerLink);
  assert.equal(offer.issuer, p.issuer);
  assert.deepEqual(offer.configurationIds, ["age"]);
  assert.ok(offer.preAuthorizedCode.length > 10);
  assert.equal(offer.txCode.length, 6);
  const json = decodeURIComponent(p.offerLink.split("credential_offer=")[1]);
  assert.deepEqual(Wallet.parseOffer(json), offer);
  const byRef = Wallet.parseOffer("openid-credential-offer://?credential_offer_uri=" +
    encodeURIComponent("https://city.maebashi.example/offers/1"));
  assert.deepEqual(byRef, { offerUri: "https://city.maebashi.example/offers/1" });
});

test("parseOffer: anything else is not_an_offer, saying what was scanned", () => {
  for (const text of ["MVC1:n0nce:x509_san_dns:shop.example", p.shop.requestLink, "hello",
    "https://example.com/", "openid-credential-offer://?credential_offer=%7Bbroken", "{}"]) {
    assert.throws(() => Wallet.parseOffer(text), (error) => {
      coded("not_an_offer")(error);
      assert.match(error.message, /not a credential offer/);
      return true;
    });
  }
});

test("tokenRequestBody: the PIN is checked before any request", () => {
  const offer = Wallet.parseOffer(p.offerLink);
  const body = new URLSearchParams(Wallet.tokenRequestBody(offer, p.pin));
  assert.equal(body.get("grant_type"), "urn:ietf:params:oauth:grant-type:pre-authorized_code");
  assert.equal(body.get("pre-authorized_code"), offer.preAuthorizedCode);
  assert.equal(body.get("tx_code"), p.pin);
  for (const pin of ["12345", "1234567", "12a456", "", null]) {
    assert.throws(() => Wallet.tokenRequestBody(offer, pin), coded("invalid_pin"), String(pin));
  }
  assert.throws(() => Wallet.tokenRequestBody({ ...offer, txCode: null }, "123456"), coded("invalid_pin"));
  assert.throws(() => Wallet.tokenRequestBody({ issuer: p.issuer }, null), coded("invalid_argument"));
});

test("parseMetadata: endpoints, name and configurations; another issuer's metadata refused", () => {
  const info = Wallet.parseMetadata(p.metadata, p.issuer);
  assert.equal(info.issuer, p.issuer);
  assert.equal(info.tokenEndpoint, `${p.issuer}/token`);
  assert.equal(info.nonceEndpoint, `${p.issuer}/nonce`);
  assert.equal(info.credentialEndpoint, `${p.issuer}/credential`);
  assert.match(info.nameJa, /前橋市/);
  assert.equal(info.configurations.age.vct, "urn:myna-vc:vct:age:1");
  assert.ok(info.configurations.age.batchSize >= p.wallet.size);
  assert.throws(() => Wallet.parseMetadata(p.metadata, "https://city.other.example"), coded("wrong_issuer"));
  assert.throws(() => Wallet.parseMetadata("{", p.issuer), (e) => typeof e.code === "string");
});

test("parseTokenResponse: the token, and each OAuth refusal as its typed code", () => {
  const token = Wallet.parseTokenResponse(p.token.status, p.token.body);
  assert.equal(token.accessToken, JSON.parse(p.token.body).access_token);
  const cases = { wrongPin: "wrong_pin", locked: "offer_locked", expired: "offer_expired", used: "offer_used" };
  for (const [name, code] of Object.entries(cases)) {
    const { status, body } = p.errors[name];
    assert.throws(() => Wallet.parseTokenResponse(status, body), coded(code), name);
  }
  assert.throws(() => Wallet.parseTokenResponse(400, '{"error":"invalid_request","error_description":"bad"}'),
    (error) => coded("issuer_refused")(error) && /bad/.test(error.message));
  assert.throws(() => Wallet.parseTokenResponse(503, "<html>busy</html>"),
    (error) => coded("issuer_refused")(error) && /503/.test(error.message));
});

test("nonce, key proofs, credential request and answer; the issuer's refusal typed", () => {
  const cNonce = Wallet.parseNonceResponse(p.nonce);
  assert.equal(cNonce, JSON.parse(p.nonce).c_nonce);
  assert.throws(() => Wallet.parseNonceResponse("{}"), (e) => typeof e.code === "string");
  const wallet = Wallet.restore(p.wallet.secret, now);
  const proofs = wallet.keyProofs(p.wallet.batch, p.wallet.size, p.issuer, cNonce, now);
  const body = JSON.parse(Wallet.credentialRequestBody("age", proofs));
  assert.equal(body.credential_configuration_id, "age");
  assert.equal(body.proofs.jwt.length, p.wallet.size);
  assert.throws(() => Wallet.credentialRequestBody("age", []), coded("invalid_argument"));
  const credentials = Wallet.parseCredentialResponse(p.credential.status, p.credential.body);
  assert.equal(credentials.length, p.wallet.size);
  const { status, body: refused } = p.errors.badProof;
  assert.throws(() => Wallet.parseCredentialResponse(status, refused),
    (error) => coded("issuer_refused")(error) && /invalid_proof/.test(error.message));
});

test("inspect previews the card and stores nothing; keep then stores", () => {
  const wallet = Wallet.restore(p.wallet.secret, now);
  const credentials = Wallet.parseCredentialResponse(p.credential.status, p.credential.body);
  const trust = JSON.stringify(p.trust);
  const card = wallet.inspect(p.wallet.batch, p.wallet.size, "age", credentials, trust, now);
  assert.equal(card.kind, "age");
  assert.equal(card.titleJa, "年齢確認証明書");
  assert.equal(card.titleEn, "Age certificate");
  assert.equal(card.issuer, p.issuer);
  assert.equal(card.issuerNameJa, "前橋市");
  assert.equal(card.count, p.wallet.size);
  assert.equal(card.claims.age_over_20, true);
  assert.equal(card.claims.iss, undefined, "protocol claims are not the person's");
  assert.deepEqual(card.claimLabels.age_over_20, { ja: "20歳以上", en: "Aged 20 or over" });
  assert.equal(typeof card.expiresAt, "number");
  // Nothing stored: a request finds no credential until keep.
  const request = Verifier.create(JSON.stringify(p.shop.config), now).request(p.shop.policy);
  assert.throws(() => wallet.preview(JSON.stringify(request), now), (e) => typeof e.code === "string");
  assert.deepEqual(wallet.keep(p.wallet.batch, p.wallet.size, "age", credentials, trust, now),
    { batch: p.wallet.batch, count: p.wallet.size });
  assert.equal(wallet.preview(JSON.stringify(request), now).length, 1);
  // Another wallet's keys: refused the way keep refuses it.
  const stranger = Wallet.restore(Buffer.alloc(32, 3).toString("base64url"), now);
  assert.throws(() => stranger.inspect(p.wallet.batch, p.wallet.size, "age", credentials, trust, now),
    (e) => typeof e.code === "string");
});

test("parseChallenge: the verifier's challenge names its policy; the old form still reads", () => {
  const verifier = Verifier.create(JSON.stringify(p.shop.config), now);
  const request = verifier.request(p.shop.policy);
  assert.match(request.challenge, / age-over-20$/);
  const info = Wallet.parseChallenge(request.challenge);
  assert.equal(info.challenge, request.challenge);
  assert.equal(info.audience, p.shop.config.audience);
  assert.equal(info.nonce, request.nonce);
  assert.equal(info.policy, "age-over-20");
  assert.deepEqual(info.dcqlQuery, request.dcqlQuery);
  assert.match(info.descriptionJa, /20歳以上/);
  assert.match(info.descriptionEn, /age ≥ 20/);
  // Presented from what the challenge says, accepted by the shop.
  const wallet = receivedWallet();
  const { compact } = wallet.present(JSON.stringify({ challenge: info.challenge, dcqlQuery: info.dcqlQuery }), now);
  const decision = verifier.verify(p.shop.policy, compact, request.nonce, now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));

  const old = Wallet.parseChallenge(`MVC1:${request.nonce}:${p.shop.config.audience}`);
  assert.equal(old.policy, null);
  assert.equal(old.dcqlQuery, null);
  assert.equal(old.descriptionJa, undefined);
  for (const text of ["MV1:ABC", p.offerLink, "MVC1:nonce-only", "MVC1:n:shop two words", ""]) {
    assert.throws(() => Wallet.parseChallenge(text), coded("not_a_challenge"), text);
  }
});

test("a verify-serve request link: parsed, previewed, answered, and accepted by the verifier", () => {
  const wallet = receivedWallet();
  const info = wallet.parseRequestLink(p.shop.requestLink);
  assert.equal(info.clientId, p.shop.config.audience);
  assert.equal(info.responseUri, "https://shop.example.jp/requests/r1/response");
  assert.equal(info.nonce, p.shop.nonce);
  assert.equal(typeof info.state, "string");
  assert.equal(info.dcqlQuery.credentials[0].id, "age");
  const preview = wallet.previewRemote(p.shop.requestLink, now);
  assert.deepEqual(preview.map((item) => item.disclosed), [{ '["age_over_20"]': true }]);
  const answer = wallet.answerRemote(p.shop.requestLink, now);
  assert.equal(answer.url, info.responseUri);
  assert.equal(answer.contentType, "application/x-www-form-urlencoded");
  const form = new URLSearchParams(answer.body);
  assert.equal(form.get("state"), info.state);
  const verifier = Verifier.create(JSON.stringify(p.shop.config), now);
  const decision = verifier.verify(p.shop.policy, form.get("vp_token"), p.shop.nonce, now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));

  for (const text of [p.offerLink, "MVC1:n:shop", "openid4vp://?client_id=x", "hello"]) {
    assert.throws(() => wallet.parseRequestLink(text), coded("not_a_request"), text);
  }
  const byRef = "openid4vp://?client_id=x509_san_dns%3Ashop.example.jp&request_uri=" +
    encodeURIComponent("https://shop.example.jp/requests/r1/request-object");
  assert.equal(wallet.parseRequestLink(byRef).requestUri, "https://shop.example.jp/requests/r1/request-object");
  assert.throws(() => wallet.previewRemote(byRef, now), coded("unsupported"));
  assert.throws(() => wallet.answerRemote(byRef, now), coded("unsupported"));
});

test("qrMatrix in both builds: a square of modules with finder patterns; too long refused", () => {
  for (const matrix of [qrMatrix, verifierQrMatrix]) {
    const qr = matrix("MVC1:n0nce:x509_san_dns:shop.example age-over-20");
    assert.ok(qr.modules instanceof Uint8Array);
    assert.equal(qr.modules.length, qr.size * qr.size);
    assert.equal((qr.size - 17) % 4, 0);
    const at = (x, y) => qr.modules[y * qr.size + x];
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((x) => at(x, 0)), [1, 1, 1, 1, 1, 1, 1]);
    assert.equal(at(1, 1), 0);
    assert.equal(at(3, 3), 1);
    assert.ok(qr.modules.every((m) => m === 0 || m === 1));
    assert.equal(matrix("hello").size, 21);
    assert.throws(() => matrix("x".repeat(5000)), coded("qr_too_long"));
  }
});
