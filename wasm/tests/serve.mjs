// A small static file server on a loopback port, for the browser tests: directories under URL
// prefixes plus exact files (the wallet app, the counter page, the harness's test pages, mostly
// through support/static.mjs).
import http from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";

export const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Starts a server; `mounts` maps a URL prefix ("/", "/pkg/") to a directory and `files` maps
 * exact URL paths to contents. Resolves to { url, close }.
 */
export async function serve({ mounts, files = {} }) {
  const server = http.createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
    try {
      if (pathname in files) {
        response.writeHead(200, { "content-type": TYPES[path.extname(pathname)] ?? "application/octet-stream" });
        response.end(files[pathname]);
        return;
      }
      const [prefix, dir] = Object.entries(mounts)
        .filter(([p]) => pathname.startsWith(p))
        .sort((a, b) => b[0].length - a[0].length)[0] ?? [];
      if (prefix === undefined) throw new Error("no mount");
      let relative = pathname.slice(prefix.length) || "index.html";
      if (relative.endsWith("/")) relative += "index.html";
      const file = path.resolve(dir, relative);
      if (!file.startsWith(path.resolve(dir) + path.sep)) throw new Error("outside the mount");
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
