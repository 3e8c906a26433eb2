// Status checks of the held credentials: fetch each status list the wallet names, verify and
// record them in the wallet (`applyStatus`), save. Offline, the check waits for `online`.
import { whenOnline, hasQueued } from "./net.js";
import { walletTrust } from "./trust.js";

/** Checks now (or queues when offline). Resolves to the StatusReport, or undefined if queued. */
export function checkStatus(ctx) {
  return whenOnline("status", async () => {
    const wallet = ctx.wallet();
    if (!wallet) return undefined;
    const uris = wallet.statusUris();
    if (!uris.length) return { checked: [], failed: [] };
    const trust = await walletTrust(ctx.config, uris);
    const report = wallet.applyStatus(trust.json, ctx.now());
    await ctx.save();
    ctx.refresh?.();
    return { ...report, failed: [...report.failed, ...trust.failed] };
  });
}

export const statusQueued = hasQueued;
