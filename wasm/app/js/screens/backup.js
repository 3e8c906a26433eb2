// Backup: export the wallet to an encrypted file (asked: the passphrase, and a backup
// passphrase), restore one here (the current records are set aside, not deleted).
import { Wallet } from "../../wallet/myna_wasm.js";
import * as store from "../store.js";
import { busy, clearMessage, showNotice } from "../ui.js";
import { readBackup } from "../app.js";

const $ = (id) => document.getElementById(id);

/** `myna-wallet-backup-YYYYMMDD.mwb`, the date in JST. */
export function backupName(unix) {
  const day = new Date((unix + 9 * 3600) * 1000).toISOString().slice(0, 10).replace(/-/g, "");
  return `myna-wallet-backup-${day}.mwb`;
}

function download(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function setup(ctx) {
  $("backup-export-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessage();
    busy(async () => {
      const bytes = ctx.wallet().exportBackup($("backup-passphrase").value, $("backup-new-passphrase").value);
      await ctx.save();
      $("backup-export-form").reset();
      download(bytes, backupName(ctx.now()));
      showNotice("exported");
    });
  });
  $("backup-restore-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessage();
    busy(async () => {
      const bytes = await readBackup($("backup-restore-file"));
      const next = Wallet.importBackup(bytes, $("backup-restore-backup-passphrase").value,
        $("backup-restore-passphrase").value, ctx.now());
      await store.replaceWith(next.takeChanges(), String(ctx.now()));
      $("backup-restore-form").reset();
      ctx.setWallet(next);
      await ctx.show("cards");
      showNotice("restored");
    });
  });
}
