// The console's one way to the admin API: the staff token from sessionStorage as a Bearer
// header (no cookie is ever set, so a request from another site carries no credential), JSON
// errors turned into `Error`s with the server's `code` and `error_description`.
const TOKEN = "myna-console-token";

export const token = () => sessionStorage.getItem(TOKEN);
export const setToken = (value) => sessionStorage.setItem(TOKEN, value);
export const forgetToken = () => sessionStorage.removeItem(TOKEN);

/** An API error: `code` (the server's `error`, or `network`), `status`, `description`. */
export class ApiError extends Error {
  constructor(code, status, description) {
    super(description ?? code);
    this.code = code;
    this.status = status;
    this.description = description;
  }
}

/**
 * Calls `path` (`/admin/...`, same origin). `json`: a body sent as JSON; `body` + `type`: a
 * raw body with its content type. Resolves to the parsed JSON answer, or the `Response`
 * itself with `raw` (downloads).
 */
export async function call(path, { method = "GET", json, body, type, raw = false } = {}) {
  const headers = {};
  const current = token();
  if (current) headers.authorization = `Bearer ${current}`;
  if (json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(json);
  } else if (type) {
    headers["content-type"] = type;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body, credentials: "omit", cache: "no-store" });
  } catch (error) {
    throw new ApiError("network", 0, error?.message);
  }
  if (!response.ok) {
    let code = response.status >= 500 ? "server_error" : "error";
    let description = `HTTP ${response.status}`;
    try {
      const problem = await response.json();
      if (typeof problem?.error === "string") code = problem.error;
      if (typeof problem?.error_description === "string") description = problem.error_description;
    } catch {
      // not JSON: the status says enough
    }
    if (response.status === 401 && current) {
      // The token is no longer accepted (rotated, or a typo at sign-in): forget it, and let
      // the console return to the sign-in screen.
      forgetToken();
      window.dispatchEvent(new CustomEvent("myna-console-unauthorized"));
    }
    throw new ApiError(code, response.status, description);
  }
  if (raw) return response;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** Fetches `path` with the bearer header and makes a download link of it: `link.href` becomes
 * a blob URL (the previous one revoked), `link.download` the file name. Resolves to the text. */
export async function downloadLink(path, link, filename) {
  const response = await call(path, { raw: true });
  const blob = await response.blob();
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  return blob;
}
