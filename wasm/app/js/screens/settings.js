// Settings kept on this device (not secret): the language shown after Japanese (English,
// simplified Chinese, Korean, Vietnamese or Brazilian Portuguese), when to lock; and what
// development setting the deployment has (shown, never editable here).
import { developmentMapping } from "../net.js";
import { el, fillLanguagePicker, setSecondLanguage, showNotice } from "../ui.js";
import { settings, saveSettings } from "../app.js";

const $ = (id) => document.getElementById(id);

export function setup(ctx) {
  $("settings-second-lang").addEventListener("change", async () => {
    settings.secondLanguage = await setSecondLanguage($("settings-second-lang").value);
    saveSettings();
    await ctx.show("settings");
    showNotice("settings_saved");
  });
  $("settings-lock").addEventListener("change", () => {
    settings.lockAfterSeconds = Number($("settings-lock").value);
    saveSettings();
    showNotice("settings_saved");
  });
}

export function enter(ctx) {
  fillLanguagePicker($("settings-second-lang"));
  const lock = String(settings.lockAfterSeconds ?? ctx.config.lockAfterSeconds ?? 300);
  const select = $("settings-lock");
  if (![...select.options].some((o) => o.value === lock)) select.append(el("option", { value: lock }, String(Number(lock) / 60)));
  select.value = lock;
  const mapping = developmentMapping();
  $("settings-dev-none").hidden = mapping.length > 0;
  $("settings-dev").replaceChildren(...mapping.map(([from, to]) => el("li", {}, `${from} → ${to}`)));
}
