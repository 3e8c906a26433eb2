// Test page of the harness: from its own origin, calls the issuer named by `?issuer=` the way
// the wallet app does and records, per call, whether the browser let the page read the
// answer (CORS) and its status, as JSON in document.body.dataset.results.
const issuer = new URL(location.href).searchParams.get("issuer");

async function attempt(name, path, init) {
  try {
    const response = await fetch(`${issuer}${path}`, init);
    const body = await response.text();
    return { name, readable: true, status: response.status, segments: body.trim().split(".").length, body: body.slice(0, 200) };
  } catch (error) {
    return { name, readable: false, error: String(error) };
  }
}

const results = [
  await attempt("metadata", "/.well-known/openid-credential-issuer"),
  await attempt("status", "/status/1"),
  // Preflighted: a bearer token and a JSON body, as the credential request sends them.
  await attempt("credential", "/credential", {
    method: "POST",
    headers: { authorization: "Bearer not-a-token", "content-type": "application/json" },
    body: "{}",
  }),
  // The admin API answers no CORS: the browser must not let the page read it.
  await attempt("admin", "/admin/audit", { headers: { authorization: "Bearer not-a-token" } }),
];
document.getElementById("results").textContent = JSON.stringify(results, null, 2);
document.body.dataset.results = JSON.stringify(results);
