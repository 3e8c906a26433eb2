// Presentations for an online shop through the npm package, in Node, with the fixture set's
// issued credentials and trust data (wallet-protocol.json, decided at its fixed time):
//   * over the Digital Credentials API: `Verifier.dcApiRequest` → `Wallet.answerDcApi` (the
//     answer encrypted to the session's key, `dc_api.jwt`) → `Verifier.decideDcApi`, and each
//     hostile answer refused with its typed reason (another origin, a downgraded plain answer,
//     a key the session does not hold, a replay, too late);
//   * cross-device: `Verifier.crossDeviceRequest` → `Wallet.answerRemote` (`direct_post.jwt`)
//     → `Verifier.decideDirectPost`;
//   * interop with an outside JWE implementation (npm `jose`): jose decrypts what the npm wallet
//     encrypted to a key jose made, and the npm verifier accepts an answer jose encrypted to a
//     session's public key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from "jose";
import { CrossDeviceSession, DcApiSession, Verifier, Wallet } from "myna-vc/wallet";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const p = JSON.parse(await readFile(`${fixtures}/wallet-protocol.json`, "utf8"));
const { now } = p;
const POLICY = "age-over-20";
const ORIGIN = "https://shop.example.jp";
const RESPONSE_URI = `${ORIGIN}/wallet/check-1/response`;

const coded = (code) => (error) => {
  assert.ok(error instanceof Error, String(error));
  assert.equal(error.code, code, error.message);
  return true;
};
const verdict = (decision) => ({ accepted: decision.accepted, reason: decision.reason ?? null });

/** The resident's wallet with the issued age batch kept (three copies). */
function receivedWallet() {
  const wallet = Wallet.restore(p.wallet.secret, now);
  const credentials = Wallet.parseCredentialResponse(p.credential.status, p.credential.body);
  wallet.keep(p.wallet.batch, p.wallet.size, "age", credentials, JSON.stringify(p.trust), now);
  return wallet;
}

const shopVerifier = () => Verifier.create(JSON.stringify(p.shop.config), now);

/** A copy of a request's `data` changed by `change`. */
function changed(data, change) {
  const copy = structuredClone(data);
  change(copy);
  return copy;
}

test("dcApiRequest: an unsigned dc_api.jwt request carrying the session's public key only; its state round-trips", () => {
  const session = shopVerifier().dcApiRequest(POLICY, ORIGIN, now);
  assert.ok(session instanceof DcApiSession);
  const { protocol, data } = session.request;
  assert.equal(protocol, "openid4vp-v1-unsigned");
  assert.equal(data.response_type, "vp_token");
  assert.equal(data.response_mode, "dc_api.jwt");
  assert.ok(typeof data.nonce === "string" && data.nonce.length >= 16);
  assert.deepEqual(data.dcql_query.credentials[0].claims.map((c) => c.path), [["age_over_20"]]);
  for (const absent of ["client_id", "state", "response_uri", "expected_origins"]) assert.ok(!(absent in data), absent);
  const [key] = data.client_metadata.jwks.keys;
  assert.equal(data.client_metadata.jwks.keys.length, 1);
  assert.deepEqual([key.kty, key.crv, key.alg, key.use], ["EC", "P-256", "ECDH-ES", "enc"]);
  assert.ok(!("d" in key), "no private key in the request");
  assert.equal(session.policy, POLICY);
  assert.equal(session.expiresAt, now + 300);

  const state = JSON.parse(session.toState());
  assert.equal(state.v, 1);
  assert.equal(state.origin, ORIGIN);
  assert.equal(state.nonce, data.nonce);
  const restored = DcApiSession.fromState(session.toState());
  assert.equal(restored.request, null, "a restored session has no request to hand out again");
  assert.equal(restored.policy, POLICY);
  assert.equal(restored.expiresAt, session.expiresAt);
  assert.throws(() => DcApiSession.fromState("{}"), (error) => typeof error.code === "string" && error.code.length > 0);

  const plain = shopVerifier().dcApiRequest(POLICY, ORIGIN, now, { encrypt: false });
  assert.equal(plain.request.data.response_mode, "dc_api");
  assert.throws(() => shopVerifier().dcApiRequest(POLICY, ORIGIN, now, { encrypt: "yes" }), coded("invalid_argument"));
  assert.throws(() => shopVerifier().dcApiRequest("no-such-policy", ORIGIN, now), coded("invalid_argument"));
  for (const origin of ["https://shop.example.jp/checkout", "ftp://shop.example.jp", "http://shop.example.jp", "shop.example.jp", ""]) {
    assert.throws(() => shopVerifier().dcApiRequest(POLICY, origin, now), coded("invalid_origin"), origin);
  }
});

test("DC API: the npm wallet answers encrypted to the session's key; the verifier accepts exactly age_over_20, once", () => {
  const verifier = shopVerifier();
  const wallet = receivedWallet();
  const session = verifier.dcApiRequest(POLICY, ORIGIN, now);
  const { protocol, data } = session.request;
  const preview = wallet.previewDcApi(protocol, data, ORIGIN, now);
  assert.deepEqual(preview.map((item) => item.disclosed), [{ '["age_over_20"]': true }]);

  const answer = wallet.answerDcApi(protocol, data, ORIGIN, now);
  assert.equal(answer.protocol, protocol);
  assert.deepEqual(Object.keys(answer.data), ["response"], "only the JWE: no plain vp_token beside it");
  assert.equal(answer.data.response.split(".").length, 5);
  const header = decodeProtectedHeader(answer.data.response);
  assert.equal(header.alg, "ECDH-ES");
  assert.equal(header.enc, "A128GCM");
  assert.equal(header.kid, data.client_metadata.jwks.keys[0].kid);
  assert.deepEqual([header.epk.kty, header.epk.crv], ["EC", "P-256"]);
  assert.ok(!("d" in header.epk));

  const decision = verifier.decideDcApi(session, answer, now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));
  assert.equal(decision.policy, POLICY);
  assert.deepEqual(decision.credentials.map((c) => c.claims), [{ age_over_20: true }]);
  // The same answer again (to the same session, or its restored copy): the nonce was used.
  assert.deepEqual(verdict(verifier.decideDcApi(session, answer, now)), { accepted: false, reason: "replayed" });
  assert.deepEqual(verdict(verifier.decideDcApi(DcApiSession.fromState(session.toState()), answer.data, now)),
    { accepted: false, reason: "replayed" });
});

test("a signed DC API request (x509_san_dns, the shop's certificate): answered only by a wallet that trusts the shop's CA, only on its origins", () => {
  const { signing } = p.shop;
  const verifier = shopVerifier();
  const wallet = receivedWallet();
  const options = { signing: { privateJwk: signing.privateJwk, x5c: signing.x5c, clientId: signing.clientId } };
  const session = verifier.dcApiRequest(POLICY, ORIGIN, now, options);
  const { protocol, data } = session.request;
  assert.equal(protocol, "openid4vp-v1-signed");
  assert.deepEqual(Object.keys(data), ["request"], "a signed request carries only the JWS");
  const header = decodeProtectedHeader(data.request);
  assert.deepEqual([header.alg, header.typ], ["ES256", "oauth-authz-req+jwt"]);
  assert.deepEqual(header.x5c, signing.x5c);
  const payload = JSON.parse(Buffer.from(data.request.split(".")[1], "base64url").toString("utf8"));
  assert.equal(payload.client_id, signing.clientId);
  assert.deepEqual(payload.expected_origins, [ORIGIN]);
  assert.equal(payload.response_mode, "dc_api.jwt");

  // A wallet that trusts no verifier certificate cannot tell who signed: refused.
  assert.throws(() => wallet.answerDcApi(protocol, data, ORIGIN, now), coded("untrusted_request_signer"));
  // The shop's request relayed by another site: the browser reports that site's origin.
  assert.throws(() => wallet.answerDcApi(protocol, data, "https://evil.example", now, [signing.caDerB64]), coded("origin_not_expected"));
  const answer = wallet.answerDcApi(protocol, data, ORIGIN, now, [signing.caDerB64]);
  const decision = verifier.decideDcApi(session, answer, now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));
  assert.deepEqual(decision.credentials.map((c) => c.claims), [{ age_over_20: true }]);

  // The shop's configuration is checked when it signs: a client_id the certificate does not name.
  assert.throws(() => verifier.dcApiRequest(POLICY, ORIGIN, now, { signing: { ...options.signing, clientId: "x509_san_dns:other.example" } }),
    coded("client_id_certificate_mismatch"));
  assert.throws(() => verifier.dcApiRequest(POLICY, ORIGIN, now, { signing: { ...options.signing, x5c: "not a list" } }), coded("invalid_argument"));
});

test("DC API hostile answers are rejected decisions with typed reasons, never exceptions", () => {
  const verifier = shopVerifier();
  const wallet = receivedWallet();
  const fresh = () => verifier.dcApiRequest(POLICY, ORIGIN, now);

  // Answered for another origin (a phishing site relayed the shop's request and its answer).
  let session = fresh();
  let { protocol, data } = session.request;
  const relayed = wallet.answerDcApi(protocol, data, "https://evil.example", now);
  assert.deepEqual(verdict(verifier.decideDcApi(session, relayed, now)), { accepted: false, reason: "not_bound_to_request" });

  // Downgraded: a plain vp_token for a request that asked for an encrypted answer.
  session = fresh();
  ({ protocol, data } = session.request);
  const plain = wallet.answerDcApi(protocol, changed(data, (d) => {
    d.response_mode = "dc_api";
    delete d.client_metadata;
  }), ORIGIN, now);
  assert.ok("vp_token" in plain.data);
  assert.deepEqual(verdict(verifier.decideDcApi(session, plain, now)), { accepted: false, reason: "response_mode_downgrade" });

  // Encrypted to a key this session does not hold (another session's).
  session = fresh();
  ({ protocol, data } = session.request);
  const other = fresh().request.data.client_metadata;
  const misdirected = wallet.answerDcApi(protocol, changed(data, (d) => { d.client_metadata = other; }), ORIGIN, now);
  assert.deepEqual(verdict(verifier.decideDcApi(session, misdirected, now)), { accepted: false, reason: "response_undecryptable" });

  // Too late: after the session's five minutes.
  session = fresh();
  ({ protocol, data } = session.request);
  const late = wallet.answerDcApi(protocol, data, ORIGIN, now);
  assert.deepEqual(verdict(verifier.decideDcApi(session, late, session.expiresAt + 1)), { accepted: false, reason: "session_expired" });

  // Garbage: a refusal, not a throw.
  for (const junk of [{}, { data: "x" }, { protocol: "openid4vp-v1-unsigned", data: { response: "a.b.c.d.e" } }, { data: { vp_token: 3 } }]) {
    const decision = verifier.decideDcApi(fresh(), junk, now);
    assert.equal(decision.accepted, false, JSON.stringify(junk));
    assert.ok(decision.reason, JSON.stringify(junk));
  }
});

test("the wallet refuses what it must not answer, with the request's flaw as code", () => {
  const wallet = receivedWallet();
  const session = shopVerifier().dcApiRequest(POLICY, ORIGIN, now);
  const { data } = session.request;
  assert.throws(() => wallet.previewDcApi("openid4vp-v1-multisigned", data, ORIGIN, now), coded("unsupported_protocol"));
  assert.throws(() => wallet.answerDcApi("openid4vp-v1-unsigned", data, "https://shop.example.jp/path", now), coded("invalid_origin"));
  assert.throws(() => wallet.answerDcApi("openid4vp-v1-unsigned", data, ORIGIN, now, ["%%%"]), coded("invalid_argument"));
  // Nothing the wallet can encrypt to: refused before anything is signed.
  const keyless = changed(data, (d) => { d.client_metadata.jwks.keys = [{ ...d.client_metadata.jwks.keys[0], crv: "P-384" }]; });
  assert.throws(() => wallet.answerDcApi("openid4vp-v1-unsigned", keyless, ORIGIN, now), (error) => /^(no_usable_encryption_key|jwe_key_mismatch|jwe_unsupported_algorithm|malformed)$/.test(error.code));
});

test("cross-device: a direct_post.jwt link, answered encrypted by answerRemote, accepted once; its state round-trips", () => {
  const verifier = shopVerifier();
  const wallet = receivedWallet();
  const session = verifier.crossDeviceRequest(POLICY, `redirect_uri:${RESPONSE_URI}`, RESPONSE_URI, now);
  assert.ok(session instanceof CrossDeviceSession);
  assert.match(session.link, /^openid4vp:\/\//);
  const params = new URL(session.link).searchParams;
  assert.equal(params.get("response_mode"), "direct_post.jwt");
  assert.equal(params.get("response_uri"), RESPONSE_URI);
  const metadata = JSON.parse(params.get("client_metadata"));
  assert.equal(metadata.jwks.keys[0].alg, "ECDH-ES");
  assert.ok(!("d" in metadata.jwks.keys[0]));
  const restored = CrossDeviceSession.fromState(session.toState());
  assert.equal(restored.link, session.link);
  assert.equal(restored.state, session.state);

  const info = wallet.parseRequestLink(session.link);
  assert.equal(info.responseUri, RESPONSE_URI);
  const answer = wallet.answerRemote(session.link, now);
  assert.equal(answer.url, RESPONSE_URI);
  assert.equal(answer.contentType, "application/x-www-form-urlencoded");
  const form = new URLSearchParams(answer.body);
  assert.deepEqual([...form.keys()], ["response"], "only the JWE: no plain vp_token or state beside it");
  assert.equal(form.get("response").split(".").length, 5);

  const decision = verifier.decideDirectPost(restored, answer.body, now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));
  assert.deepEqual(decision.credentials.map((c) => c.claims), [{ age_over_20: true }]);
  assert.deepEqual(verdict(verifier.decideDirectPost(session, answer.body, now)), { accepted: false, reason: "replayed" });
});

test("cross-device hostile answers: downgraded, for another session's key, too late", async () => {
  const verifier = shopVerifier();
  const wallet = receivedWallet();
  const session = verifier.crossDeviceRequest(POLICY, `redirect_uri:${RESPONSE_URI}`, RESPONSE_URI, now);
  const answer = wallet.answerRemote(session.link, now);
  // jose reads the wallet's JWE with the session's private key (from its state), and posts
  // what it held in the clear: a downgrade the verifier must refuse.
  const key = await importJWK(JSON.parse(session.toState()).key, "ECDH-ES");
  const { plaintext } = await compactDecrypt(new URLSearchParams(answer.body).get("response"), key);
  const inner = JSON.parse(new TextDecoder().decode(plaintext));
  assert.equal(inner.state, session.state);
  assert.ok(inner.vp_token.age?.length === 1, JSON.stringify(Object.keys(inner.vp_token)));
  const plainBody = new URLSearchParams({ vp_token: JSON.stringify(inner.vp_token), state: inner.state }).toString();
  assert.deepEqual(verdict(verifier.decideDirectPost(session, plainBody, now)), { accepted: false, reason: "response_mode_downgrade" });

  const other = verifier.crossDeviceRequest(POLICY, `redirect_uri:${RESPONSE_URI}`, RESPONSE_URI, now);
  assert.deepEqual(verdict(verifier.decideDirectPost(other, answer.body, now)), { accepted: false, reason: "response_undecryptable" });
  assert.deepEqual(verdict(verifier.decideDirectPost(session, answer.body, session.expiresAt + 1)), { accepted: false, reason: "session_expired" });
  // Still unused: the right session in time accepts it.
  assert.equal(verifier.decideDirectPost(session, answer.body, now).accepted, true);
});

test("jose interop: jose decrypts what the npm wallet encrypted to a key jose made", async () => {
  const wallet = receivedWallet();
  const session = shopVerifier().dcApiRequest(POLICY, ORIGIN, now);
  const { protocol, data } = session.request;
  const { publicKey, privateKey } = await generateKeyPair("ECDH-ES", { crv: "P-256" });
  const jwk = { ...(await exportJWK(publicKey)), kid: "jose-key-1", use: "enc", alg: "ECDH-ES" };
  const toJose = changed(data, (d) => { d.client_metadata.jwks = { keys: [jwk] }; });
  const answer = wallet.answerDcApi(protocol, toJose, ORIGIN, now);
  const { plaintext, protectedHeader } = await compactDecrypt(answer.data.response, privateKey);
  assert.equal(protectedHeader.alg, "ECDH-ES");
  assert.equal(protectedHeader.enc, "A128GCM");
  assert.equal(protectedHeader.kid, "jose-key-1");
  const payload = JSON.parse(new TextDecoder().decode(plaintext));
  assert.deepEqual(Object.keys(payload.vp_token), ["age"]);
  const [presentation] = payload.vp_token.age;
  assert.match(presentation, /~[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "an SD-JWT with its key binding JWT");
});

test("jose interop: the npm verifier accepts an answer jose encrypted to a session's public key", async () => {
  const verifier = shopVerifier();
  const wallet = receivedWallet();
  const session = verifier.dcApiRequest(POLICY, ORIGIN, now);
  const { protocol, data } = session.request;
  // The wallet's presentation for this session's nonce and origin, in the clear …
  const plain = wallet.answerDcApi(protocol, changed(data, (d) => {
    d.response_mode = "dc_api";
    delete d.client_metadata;
  }), ORIGIN, now);
  // … encrypted by jose to the key the session published.
  const [jwk] = data.client_metadata.jwks.keys;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ vp_token: plain.data.vp_token })))
    .setProtectedHeader({ alg: "ECDH-ES", enc: "A128GCM", kid: jwk.kid })
    .encrypt(await importJWK(jwk, "ECDH-ES"));
  const decision = verifier.decideDcApi(session, { protocol, data: { response: jwe } }, now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));
  assert.deepEqual(decision.credentials.map((c) => c.claims), [{ age_over_20: true }]);
  // A256GCM, which the session did not offer (it lists A128GCM only): refused, as an answer
  // the verifier cannot read (the JWE's `enc` is not one it accepts: jwe_unsupported_algorithm).
  const session2 = verifier.dcApiRequest(POLICY, ORIGIN, now);
  const [jwk2] = session2.request.data.client_metadata.jwks.keys;
  const plain2 = wallet.answerDcApi(protocol, changed(session2.request.data, (d) => {
    d.response_mode = "dc_api";
    delete d.client_metadata;
  }), ORIGIN, now);
  const jwe256 = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ vp_token: plain2.data.vp_token })))
    .setProtectedHeader({ alg: "ECDH-ES", enc: "A256GCM", kid: jwk2.kid })
    .encrypt(await importJWK(jwk2, "ECDH-ES"));
  assert.deepEqual(verdict(verifier.decideDcApi(session2, { data: { response: jwe256 } }, now)), { accepted: false, reason: "unreadable" });
});
