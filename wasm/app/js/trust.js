// The trust material the wallet checks credentials against: the deployment's trust-list
// authority key (config.json) and the signed trust list fetched from `trustListUrl`, plus
// the status-list tokens named. Shapes as `Wallet.keep`/`inspect`/`applyStatus` take them.
import { getText } from "./net.js";

function noTrust() {
  const error = new Error("config.json has no trust settings");
  error.code = "no_trust";
  return error;
}

/** `WalletTrust` JSON for the status lists at `uris` (each fetched; a list that cannot be
 * fetched is left out, and the wallet reports it). */
export async function walletTrust(config, uris) {
  if (!config.trust?.authorityJwk || !config.trust?.trustListUrl) throw noTrust();
  const trustList = (await getText(config.trust.trustListUrl)).trim();
  const statusLists = [];
  const failed = [];
  for (const uri of new Set(uris)) {
    try {
      statusLists.push({ uri, token: (await getText(uri)).trim() });
    } catch (error) {
      failed.push({ uri, code: error.code ?? "network", message: error.message });
    }
  }
  return { json: JSON.stringify({ authorityJwk: config.trust.authorityJwk, trustList, statusLists }), failed };
}

/** The status list a credential (an SD-JWT, not yet verified) names: only a URL to fetch; the
 * wallet verifies everything afterwards. */
export function statusUriOf(sdJwt) {
  try {
    const payload = sdJwt.split("~")[0].split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
    return claims?.status?.status_list?.uri ?? null;
  } catch {
    return null;
  }
}
