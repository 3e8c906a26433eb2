// The resident's wallet app (wasm/pkg/app/, built by scripts/build-app) served for a test or a
// benchmark against a test world (world.mjs): its own loopback origin, the trust list and the
// test authority's key in `config.json`, and the development mapping from the issuer's https
// id (and any other service's) to its loopback address — the one setting a real deployment
// never has.
//
//   const app = await serveApp(world, { lockAfterSeconds: 900, mapped: { [shop.publicUrl]: shop.url } });
//   await page.goto(`${app.url}/`);
import { fileURLToPath } from "node:url";
import { serveStatic } from "./static.mjs";

/**
 * Serves the app for `world`. `names`: the issuer's names the cards show (前橋市 by default);
 * `mapped`: more https origins to send to loopback services; `root`: another build of the app.
 * Resolves to `{ url, close }`.
 */
export function serveApp(world, {
  lockAfterSeconds = 300,
  mapped = {},
  names = { nameJa: "前橋市", nameEn: "Maebashi City" },
  root = fileURLToPath(new URL("../../pkg/app/", import.meta.url)),
} = {}) {
  return serveStatic({
    root,
    files: {
      "/config.json": {
        trust: { authorityJwk: world.authorityJwk, trustListUrl: "/trust-list.jwt" },
        issuers: names ? { [world.issuerId]: names } : {},
        lockAfterSeconds,
        development: { loopbackHttp: { [world.issuerId]: world.issuerUrl, ...mapped } },
      },
      "/trust-list.jwt": world.trustList,
    },
  });
}
