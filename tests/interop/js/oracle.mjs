// Interop oracle for myna-tests: @sd-jwt/sd-jwt-vc with its Token Status List support
// (@sd-jwt/jwt-status-list) and Node's crypto (@sd-jwt/crypto-nodejs), verifying our
// presentations and issuing its own.
//
// Driven by tests/tests/interop_js.rs: `node oracle.mjs verify|issue INPUT.json` prints one
// JSON object on stdout — the result, or {"error": "..."} when the library refuses (exit
// status 0 either way: a refusal is an answer the Rust test checks). Anything else exits
// non-zero. No network: status list tokens come from the input, never from a fetch.
import { readFileSync } from 'node:fs';
import { Jwt } from '@sd-jwt/core';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

// The holder key is the one in the credential's cnf.jwk.
const kbVerifier = async (data, signature, payload) => {
  const verify = await ES256.getVerifier(payload.cnf.jwk);
  return verify(data, signature);
};

// Verifies an SD-JWT VC with a KB-JWT: issuer signature, time at `now`, disclosures, key
// binding to the nonce (the audience is compared here: the library leaves that to callers),
// and the status entry in the status list token given.
async function verify(task) {
  const seen = {};
  const instance = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier: await ES256.getVerifier(task.issuer_jwk),
    kbVerifier,
    statusListFetcher: async (uri) => {
      if (uri !== task.status_list_uri) throw new Error(`no status list token for ${uri}`);
      return task.status_list_token;
    },
    statusValidator: async (status) => {
      seen.status = status;
      if (status !== 0) throw new Error(`status is ${status}, not valid (0)`);
    },
  });
  const result = await instance.verify(task.presentation, {
    currentDate: task.now,
    keyBindingNonce: task.nonce,
  });
  if (result.kb?.payload?.aud !== task.audience) {
    throw new Error(`KB-JWT audience is ${result.kb?.payload?.aud}, expected ${task.audience}`);
  }
  return { claims: result.payload, status: seen.status ?? null, kb: result.kb.payload };
}

// Issues an SD-JWT VC with fresh P-256 keys (disclosure frame with nested and array-element
// disclosures and decoys, a status entry), presents `disclose` with a KB-JWT, and publishes
// the status list the entry points into, with the entries in `statuses` set.
async function issue(task) {
  const issuer = await ES256.generateKeyPair();
  const holder = await ES256.generateKeyPair();
  const signer = await ES256.getSigner(issuer.privateKey);
  const instance = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    signer,
    signAlg: ES256.alg,
    kbSigner: await ES256.getSigner(holder.privateKey),
    kbSignAlg: ES256.alg,
  });
  const claims = {
    ...task.claims,
    cnf: { jwk: holder.publicKey },
    status: { status_list: { idx: task.status_index, uri: task.status_list_uri } },
  };
  const credential = await instance.issue(claims, task.frame);
  const presentation = await instance.present(credential, task.disclose, {
    kb: { payload: { iat: task.now, aud: task.audience, nonce: task.nonce } },
  });
  const list = new StatusList(new Array(task.status_list_size).fill(0), task.status_bits);
  for (const [index, status] of task.statuses) list.setStatus(index, status);
  const { header, payload } = createHeaderAndPayload(
    list,
    { iss: task.claims.iss, sub: task.status_list_uri, iat: task.now, exp: task.now + 86400 },
    { alg: ES256.alg, typ: 'statuslist+jwt' },
  );
  const statusListToken = await new Jwt({ header, payload }).sign(signer);
  return {
    issuer_jwk: issuer.publicKey,
    credential,
    presentation,
    status_list_token: statusListToken,
  };
}

const [command, path] = process.argv.slice(2);
const task = JSON.parse(readFileSync(path, 'utf8'));
const run = { verify, issue }[command];
if (!run) throw new Error(`unknown command ${command}`);
let result;
try {
  result = await run(task);
} catch (refusal) {
  result = { error: `${refusal.name}: ${refusal.message}` };
}
process.stdout.write(JSON.stringify(result));
