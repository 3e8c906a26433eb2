// The counter's settings: which policy it checks (and that policy's fields), how stale its
// revocation data may be, how long a decision stays. Kept in localStorage, per device.
import { showMessage, clearMessage } from "./ui.js";
import { DEFAULT_SETTINGS, kindOf, specOf, maxStalenessOf } from "./policies.js";
import { state, $ } from "./state.js";
import { show } from "./screens.js";

const SETTINGS = "myna-counter-settings";

/** The saved settings, or null when none are saved or they no longer make a policy. */
export function loadSettings() {
  let saved;
  try {
    saved = JSON.parse(localStorage.getItem(SETTINGS) ?? "null");
  } catch {
    return null;
  }
  if (!saved) return null;
  const settings = { ...DEFAULT_SETTINGS, ...saved, maxStaleness: { ...(saved.maxStaleness ?? {}) } };
  try {
    specOf(settings);
  } catch {
    return null;
  }
  return settings;
}

function fillSettingsForm() {
  const s = state.settings ?? DEFAULT_SETTINGS;
  $("set-kind").value = s.kind;
  for (const field of ["municipality", "region", "area", "club", "sale", "shop", "serviceUrl", "registerToken", "shelterId", "hqUrl", "hqToken", "clinicId", "care"]) {
    $(`set-${field}`).value = s[field] ?? "";
  }
  $("set-maxStaleness").value = String(Math.round(maxStalenessOf(s) / 3600));
  $("set-clearAfter").value = String(s.clearAfterSeconds);
  showFields();
}

/** Only the fields the chosen policy uses, and its maximum staleness. */
export function showFields() {
  const kind = kindOf($("set-kind").value);
  for (const p of document.querySelectorAll("#settings-form [data-field]")) p.hidden = !kind?.fields.includes(p.dataset.field);
  const hours = Math.round((state.settings?.maxStaleness?.[kind.kind] ?? kind.staleness) / 3600);
  $("set-maxStaleness").value = String(hours);
}

export function openSettings() {
  fillSettingsForm();
  show("settings");
}

/** Saves the form when it makes a policy (else marks the wrong field), then `opened()`. */
export async function saveSettingsForm(event, opened) {
  event.preventDefault();
  clearMessage();
  for (const input of document.querySelectorAll("#settings-form [aria-invalid]")) input.removeAttribute("aria-invalid");
  const kind = $("set-kind").value;
  const next = { ...(state.settings ?? DEFAULT_SETTINGS), kind, maxStaleness: { ...(state.settings?.maxStaleness ?? {}) } };
  for (const field of kindOf(kind).fields) next[field] = $(`set-${field}`).value.trim();
  const hours = Number($("set-maxStaleness").value);
  const clearAfter = Number($("set-clearAfter").value);
  try {
    if (!Number.isInteger(hours) || hours < 0 || hours > 8760) throw Object.assign(new Error("hours"), { code: "invalid_setting", field: "maxStaleness" });
    if (!Number.isInteger(clearAfter) || clearAfter < 2 || clearAfter > 600) throw Object.assign(new Error("secs"), { code: "invalid_setting", field: "clearAfter" });
    next.maxStaleness[kind] = hours * 3600;
    next.clearAfterSeconds = clearAfter;
    specOf(next);
  } catch (error) {
    if (error.code === "invalid_setting") {
      const input = $(`set-${error.field}`);
      input?.setAttribute("aria-invalid", "true");
      showMessage("invalid_setting");
      input?.focus();
      return;
    }
    throw error;
  }
  state.settings = next;
  localStorage.setItem(SETTINGS, JSON.stringify(state.settings));
  await opened();
}
