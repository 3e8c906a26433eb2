// A static site on a loopback port for browser tests: a directory (the built wallet app, a
// test page) plus override files, with the MIME types a PWA needs (`.webmanifest`, `.wasm`,
// `.svg`, `.css`, …; see ../serve.mjs, which does the serving).
//
//   const site = await serveStatic({ root: "wasm/pkg/app", files: { "/config.json": { … } } });
//   site.url      "http://127.0.0.1:PORT" (a loopback origin: secure context, service workers)
//   await site.close();
//
// `files` maps exact URL paths to contents: a string or Buffer as it is, anything else as
// JSON. `mounts` adds more directories under URL prefixes ({ "/pkg/": "wasm/pkg" }).
import { serve } from "../serve.mjs";

/**
 * @param {{ root: string, files?: Record<string, unknown>, mounts?: Record<string, string> }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveStatic({ root, files = {}, mounts = {} }) {
  const contents = Object.fromEntries(Object.entries(files).map(([url, value]) => [
    url,
    typeof value === "string" || Buffer.isBuffer(value) || value instanceof Uint8Array ? value : JSON.stringify(value),
  ]));
  return serve({ mounts: { "/": root, ...mounts }, files: contents });
}
