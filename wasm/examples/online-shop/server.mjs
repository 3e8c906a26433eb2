#!/usr/bin/env node
// The online shop, run from the command line (README.md says how to get each file):
//
//   node server.mjs --trust-list trust-list.jwt --authority-key authority.jwk \
//     --status-list https://vc.city.maebashi.example=status-1.jwt \
//     --public-url https://shop.example --listen 127.0.0.1:8080 [--policy age-over-20]
//
// It listens on loopback: put it behind your TLS proxy at --public-url (the DC API needs a
// secure context, and wallets post only to https). The trust list and status list files are
// read again every 10 minutes, so a job that fetches them (cron, a systemd timer) keeps the
// shop's revocation data fresh without a restart.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import * as myna from "myna-vc";
import { createShop } from "./shop.mjs";

const RELOAD_MS = 10 * 60 * 1000;

const { values } = parseArgs({
  options: {
    "trust-list": { type: "string" },
    "authority-key": { type: "string" },
    "status-list": { type: "string", multiple: true, default: [] },
    "public-url": { type: "string" },
    listen: { type: "string", default: "127.0.0.1:8080" },
    policy: { type: "string", default: "age-over-20" },
  },
});
for (const required of ["trust-list", "authority-key", "public-url"]) {
  if (!values[required]) {
    console.error(`server.mjs: --${required} is required (see README.md)`);
    process.exit(2);
  }
}

/** The `sub` of a status list token: the URI credentials name in their `status` claim. */
function statusUri(token) {
  const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
  if (typeof payload.sub !== "string") throw new Error("a status list token without `sub`");
  return payload.sub;
}

async function verifierConfig() {
  const statusLists = [];
  for (const entry of values["status-list"]) {
    const at = entry.lastIndexOf("=");
    if (at <= 0) throw new Error(`--status-list ${entry}: ISSUER=FILE`);
    const token = (await readFile(entry.slice(at + 1), "utf8")).trim();
    statusLists.push({ issuer: entry.slice(0, at), uri: statusUri(token), token });
  }
  return {
    audience: `x509_san_dns:${new URL(values["public-url"]).hostname}`,
    authorityJwk: JSON.parse(await readFile(values["authority-key"], "utf8")),
    trustList: (await readFile(values["trust-list"], "utf8")).trim(),
    statusLists,
  };
}

const now = () => Math.floor(Date.now() / 1000);
let verifier;
try {
  verifier = myna.Verifier.create(JSON.stringify(await verifierConfig()), now());
} catch (error) {
  // e.g. `expired` (a trust list or status list past its date: fetch it again),
  // `signature_invalid` (not signed by the pinned authority or its issuer)
  console.error(`server.mjs: the trust data was refused (${error.code ?? "unreadable"}): ${error.message}`);
  process.exit(1);
}
// One verifier object lives for the process (its replay guard with it); a reload stores the
// fresh status lists into it.
setInterval(async () => {
  try {
    for (const list of (await verifierConfig()).statusLists) verifier.storeStatusList(list.issuer, list.uri, list.token, now());
  } catch (error) {
    console.error(`status lists not reloaded: ${error.code ?? ""} ${error.message}`);
  }
}, RELOAD_MS).unref();

const shop = createShop({ myna, verifier, policy: values.policy, publicUrl: values["public-url"] });
const [host, port] = [values.listen.slice(0, values.listen.lastIndexOf(":")), Number(values.listen.slice(values.listen.lastIndexOf(":") + 1))];
const url = await shop.listen({ host: host.replace(/^\[|\]$/g, ""), port });
console.log(`online shop listening on ${url}, public at ${values["public-url"]}`);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => shop.close().then(() => process.exit(0)));
